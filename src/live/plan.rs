//! From a scenario to the steps that inject it into the sandbox: the
//! scenario's `live.before` lines, then its timeline entries and the decoys
//! the seed picks in time order, placeholders bound to the stack's outputs
//! and the seed's variables (through `live.bind`, see
//! [`crate::scenario::live`]), each AWS CLI line parsed by the same front
//! end the simulator uses and mapped to an [`Action`] ([`fix_action`]).
//!
//! What differs from the simulator, on purpose: an environment policy named
//! by `${policy:NAME}` is created in the account (tagged with the run) with
//! its statements' resources widened to `*`, because the simulator's
//! resource names (repositories, log groups) are not the sandbox's and the
//! scenario is about which actions the policy lacks; a deployment that is not
//! a fault (CI shipping a new image) becomes a forced new deployment of the
//! current revision, because the sandbox runs one public image; a fault
//! deployment takes `live.set` over its own `set`; image pushes that are not
//! faults are skipped; another workload's addresses (`occupy_ips`) are
//! network interfaces created in the subnet, tagged with the run.

pub use super::fix::fix_action;
use super::inject::{Action, Step};
use super::stack::Stack;
use crate::scenario::format::TimelineEntry;
use crate::scenario::live::Sandbox;
use crate::scenario::Scenario;
use serde_json::Value;
use std::collections::BTreeMap;

/// The ids of the built-in scenarios that run live (they declare `live:`).
pub fn live_scenarios() -> Vec<String> {
    crate::scenario::live::live_scenarios(&crate::scenario::Library::BuiltIn).unwrap_or_default()
}

/// The steps that inject `scenario` (with its variables and decoys chosen
/// by `seed`) into the sandbox `stack` of `account`.
pub fn plan(
    scenario: &Scenario,
    seed: u64,
    stack: &Stack,
    account: &str,
    region: &str,
) -> Result<Vec<Step>, String> {
    let id = &scenario.spec.id;
    let cannot = |what: String| format!("scenario {id} cannot run live: {what}");
    let Some(live) = &scenario.spec.live else {
        return Err(cannot(
            "it does not declare live support (no `live:` key)".into(),
        ));
    };
    let choices = scenario.choose(seed);
    let output = |k: &str| stack.outputs.get(k).cloned();
    let b = Sandbox {
        live: Some(live),
        vars: &choices.vars,
        account,
        region,
        output: &output,
        stack: &stack.name,
    };
    let mut steps = Vec::new();
    for (i, line) in live.before.iter().enumerate() {
        let at = format!("live.before[{i}]");
        let line = b.resolve(line).map_err(|m| cannot(format!("{at}: {m}")))?;
        steps.push(Step {
            note: format!("live setup: {line}"),
            action: fix_action(&line, region).map_err(|m| cannot(format!("{at}: {m}")))?,
        });
    }
    let mut entries: Vec<(&TimelineEntry, bool, usize, String)> = scenario
        .spec
        .timeline
        .iter()
        .enumerate()
        .map(|(i, e)| (e, false, i, format!("timeline[{i}]")))
        .collect();
    if let Some(d) = &scenario.spec.decoys {
        for i in &choices.decoys {
            entries.push((&d.from[*i], true, *i, format!("decoys.from[{i}]")));
        }
    }
    entries.sort_by_key(|(e, decoy, i, _)| (e.at.0, *decoy, *i));
    let mut created: Vec<String> = Vec::new();
    for (e, decoy, _, at) in entries {
        let note = b.resolve(&e.note).unwrap_or_else(|_| e.note.clone());
        let note = if decoy {
            format!("decoy: {note}")
        } else {
            note
        };
        entry(&b, scenario, e, &note, &mut created, &mut steps)
            .map_err(|m| cannot(format!("{at}: {m}")))?;
    }
    Ok(steps)
}

/// The steps of one timeline entry or decoy.
fn entry(
    b: &Sandbox,
    scenario: &Scenario,
    e: &TimelineEntry,
    note: &str,
    created: &mut Vec<String>,
    steps: &mut Vec<Step>,
) -> Result<(), String> {
    if e.refused {
        return Ok(());
    }
    if let Some(line) = &e.aws {
        // Environment policies the line names are created first.
        for name in policy_names(line) {
            let name = b.resolve(&name)?;
            if created.contains(&name) {
                continue;
            }
            let spec = scenario
                .env
                .policies
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| format!("no policy {name} in the environment"))?;
            let mut doc = serde_json::to_value(&spec.document).map_err(|e| e.to_string())?;
            widen(&mut doc);
            steps.push(Step {
                note: format!(
                    "create the policy {name} (the environment's, resources widened to *)"
                ),
                action: Action::CreatePolicy {
                    name: name.clone(),
                    document: doc,
                },
            });
            created.push(name);
        }
        let line = b.resolve(line)?;
        steps.push(Step {
            note: note.to_string(),
            action: fix_action(&line, b.region)?,
        });
    } else if let Some(d) = &e.deploy {
        let cluster = b.resolve(&d.cluster)?;
        let service = b.resolve(&d.service)?;
        if e.fault {
            let live_set = scenario
                .spec
                .live
                .as_ref()
                .map(|l| l.set.clone())
                .unwrap_or_default();
            let mut set = BTreeMap::new();
            for (k, v) in d
                .set
                .iter()
                .filter(|(k, _)| !live_set.contains_key(*k))
                .chain(&live_set)
            {
                let mut v = v.clone();
                b.resolve_json(&mut v)
                    .map_err(|m| format!("deploy.set.{k}: {m}"))?;
                set.insert(k.clone(), v);
            }
            steps.push(Step {
                note: note.to_string(),
                action: Action::Deploy {
                    cluster,
                    service,
                    set,
                    unset: d.unset.clone(),
                },
            });
        } else {
            steps.push(Step {
                note: format!("{note} (live: a new deployment of the current revision)"),
                action: Action::ForceDeployment { cluster, service },
            });
        }
    } else if let Some(o) = &e.occupy_ips {
        let subnet_id = b.resolve(&format!("${{subnet:{}}}", o.subnet))?;
        // `${uuid}` differs per interface: it is filled in as each is created.
        let description = b.resolve(&o.description.replace("${uuid}", UUID_MARK))?;
        steps.push(Step {
            note: note.to_string(),
            action: Action::OccupyIps {
                subnet_id,
                leave: o.leave,
                description: description.replace(UUID_MARK, "${uuid}"),
            },
        });
    } else if e.push_image.is_some() && !e.fault {
        // The sandbox's image comes through the pull-through cache.
    } else {
        return Err(format!(
            "({}) has no live mapping",
            if e.push_image.is_some() {
                "a fault that pushes an image"
            } else {
                "an empty entry"
            }
        ));
    }
    Ok(())
}

/// Stands for `${uuid}` while the rest of a description is resolved.
const UUID_MARK: &str = "\u{1}uuid\u{1}";

/// Resolves a scenario line's placeholders (an investigation command, a
/// fix) against the stack, the seed's variables and the account, as
/// [`plan`] does, through the scenario's `live.bind`.
pub fn resolve_for(
    scenario: &Scenario,
    text: &str,
    stack: &Stack,
    vars: &BTreeMap<String, String>,
    account: &str,
    region: &str,
) -> Result<String, String> {
    let output = |k: &str| stack.outputs.get(k).cloned();
    Sandbox {
        live: scenario.spec.live.as_ref(),
        vars,
        account,
        region,
        output: &output,
        stack: &stack.name,
    }
    .resolve(text)
}

/// Resolves a line's placeholders against the stack, the variables and the
/// account, without a scenario's `live.bind` (see [`resolve_for`]).
pub fn resolve(
    text: &str,
    stack: &Stack,
    vars: &BTreeMap<String, String>,
    account: &str,
    region: &str,
) -> Result<String, String> {
    let output = |k: &str| stack.outputs.get(k).cloned();
    Sandbox {
        live: None,
        vars,
        account,
        region,
        output: &output,
        stack: &stack.name,
    }
    .resolve(text)
}

/// The names inside `${policy:...}` placeholders of a line (unresolved inside).
fn policy_names(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("${policy:") {
        let after = &rest[start + "${policy:".len()..];
        // The name may itself hold a placeholder: match braces.
        let mut depth = 1;
        let mut end = None;
        let bytes = after.as_bytes();
        let mut k = 0;
        while k < bytes.len() {
            if after[k..].starts_with("${") {
                depth += 1;
                k += 2;
                continue;
            }
            if bytes[k] == b'}' {
                depth -= 1;
                if depth == 0 {
                    end = Some(k);
                    break;
                }
            }
            k += 1;
        }
        let Some(end) = end else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// Every statement's `Resource` becomes `*` (see the module's note).
fn widen(doc: &mut Value) {
    let widen_one = |s: &mut Value| {
        if let Some(m) = s.as_object_mut() {
            m.remove("NotResource");
            m.insert("Resource".into(), Value::String("*".into()));
        }
    };
    match doc.get_mut("Statement") {
        Some(Value::Array(a)) => a.iter_mut().for_each(widen_one),
        Some(s @ Value::Object(_)) => widen_one(s),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Mode;
    use serde_json::json;
    use std::path::Path;

    fn stack() -> Stack {
        Stack::from_outputs(
            "sb",
            [
                ("PrivateRouteTableA", "rtb-a"),
                ("PrivateRouteTableB", "rtb-b"),
                ("ClusterName", "prod"),
                ("PrivateSubnetA", "subnet-a"),
                ("PrivateSubnetB", "subnet-b"),
                ("ExhaustSubnet", "subnet-x"),
                ("TaskSecurityGroupId", "sg-1"),
                ("NatGatewayId", "nat-1"),
                ("ImageUri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/nginx/nginx:stable-alpine"),
                ("ExecutionRoleArn", "arn:aws:iam::123456789012:role/checkout-task-execution"),
                ("TaskRoleArn", "arn:aws:iam::123456789012:role/checkout-task"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        )
    }

    fn load(id: &str) -> Scenario {
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
            .unwrap()
    }

    /// The steps of the scenario itself (decoys left out).
    fn fault_steps(s: &Scenario, seed: u64) -> Vec<Step> {
        plan(s, seed, &stack(), "123456789012", "us-east-1")
            .unwrap()
            .into_iter()
            .filter(|s| !s.note.starts_with("decoy: "))
            .collect()
    }

    #[test]
    fn nat_route_missing_deletes_one_private_default_route_then_deploys() {
        let s = load("nat-route-missing");
        let mut tables = Vec::new();
        for seed in 0..8 {
            let steps = fault_steps(&s, seed);
            assert_eq!(steps.len(), 2, "{steps:?}");
            let Action::DeleteRoute {
                route_table_id,
                destination_cidr_block,
            } = &steps[0].action
            else {
                panic!("{steps:?}")
            };
            assert_eq!(destination_cidr_block, "0.0.0.0/0");
            tables.push(route_table_id.clone());
            assert!(matches!(steps[1].action, Action::ForceDeployment { .. }));
        }
        tables.sort();
        tables.dedup();
        assert_eq!(tables, ["rtb-a", "rtb-b"], "the seed picks the zone");
    }

    #[test]
    fn decoys_the_seed_picks_are_injected_in_time_order() {
        let s = load("nat-route-missing");
        let mut kinds = Vec::new();
        for seed in 0..8 {
            let steps = plan(&s, seed, &stack(), "123456789012", "us-east-1").unwrap();
            let decoys: Vec<&Step> = steps
                .iter()
                .filter(|s| s.note.starts_with("decoy: "))
                .collect();
            assert_eq!(decoys.len(), 1, "{steps:?}");
            // Both decoys come before the fault (-30m and -25m against -15m).
            assert!(steps[0].note.starts_with("decoy: "), "{steps:?}");
            kinds.push(match &decoys[0].action {
                Action::CreateLogGroup { name } => {
                    assert_eq!(name, "/ecs/checkout-api-debug");
                    "log group"
                }
                Action::OccupyIps {
                    subnet_id,
                    leave,
                    description,
                } => {
                    assert_eq!((subnet_id.as_str(), *leave), ("subnet-b", 200));
                    assert!(
                        description.starts_with("AWS Lambda VPC ENI"),
                        "{description}"
                    );
                    "addresses"
                }
                other => panic!("{other:?}"),
            });
        }
        kinds.sort();
        kinds.dedup();
        assert_eq!(
            kinds,
            ["addresses", "log group"],
            "the seed picks the decoy"
        );
    }

    #[test]
    fn execution_role_permissions_creates_a_policy_lacking_the_variant_action() {
        let s = load("execution-role-permissions");
        for seed in 0..6 {
            let inst = s.instantiate(seed, Mode::Incident).unwrap();
            let steps = fault_steps(&s, seed);
            let names: Vec<String> = steps.iter().map(|s| format!("{:?}", s.action)).collect();
            assert_eq!(steps.len(), 4, "{names:?}");
            assert!(
                matches!(&steps[0].action, Action::DetachRolePolicy { policy_arn, .. } if policy_arn.ends_with("AmazonECSTaskExecutionRolePolicy"))
            );
            let Action::CreatePolicy { name, document } = &steps[1].action else {
                panic!("{names:?}")
            };
            assert_eq!(name, &inst.vars["policy"]);
            let text = document.to_string();
            assert!(
                !text.contains(&format!("\"{}\"", inst.vars["missing"])),
                "{text}"
            );
            assert!(text.contains("\"Resource\":\"*\""));
            assert!(
                matches!(&steps[2].action, Action::AttachRolePolicy { policy_arn, .. } if policy_arn == &format!("arn:aws:iam::123456789012:policy/{name}"))
            );
            assert!(matches!(steps[3].action, Action::ForceDeployment { .. }));
        }
    }

    #[test]
    fn log_group_missing_deploys_a_revision_naming_the_variant_group() {
        let s = load("log-group-missing");
        let inst = s.instantiate(1, Mode::Incident).unwrap();
        let steps = fault_steps(&s, 1);
        assert_eq!(steps.len(), 1);
        let Action::Deploy { set, cluster, .. } = &steps[0].action else {
            panic!("{steps:?}")
        };
        assert_eq!(cluster, "prod");
        assert_eq!(
            set["containerDefinitions[0].logConfiguration.options.awslogs-group"],
            Value::String(inst.vars["group"].clone())
        );
    }

    #[test]
    fn subnet_exhausted_moves_the_service_onto_the_28_fills_it_and_scales() {
        let s = load("subnet-exhausted");
        for seed in 0..4 {
            let other = s.choose(seed).vars["other"].clone();
            let steps = fault_steps(&s, seed);
            assert_eq!(steps.len(), 3, "{steps:?}");
            let Action::UpdateService {
                network_configuration: Some(net),
                desired_count: None,
                ..
            } = &steps[0].action
            else {
                panic!("{steps:?}")
            };
            assert_eq!(
                net["awsvpcConfiguration"]["subnets"],
                json!(["subnet-x", format!("subnet-{other}")])
            );
            assert_eq!(
                steps[1].action,
                Action::OccupyIps {
                    subnet_id: "subnet-x".into(),
                    leave: 0,
                    description: String::new()
                }
            );
            assert!(matches!(
                steps[2].action,
                Action::UpdateService {
                    desired_count: Some(10),
                    network_configuration: None,
                    ..
                }
            ));
        }
    }

    #[test]
    fn oom_killed_deploys_the_sandbox_image_with_a_command_over_its_limit() {
        let s = load("oom-killed");
        let steps = fault_steps(&s, 0);
        assert_eq!(steps.len(), 1, "{steps:?}");
        let Action::Deploy { set, .. } = &steps[0].action else {
            panic!("{steps:?}")
        };
        assert_eq!(
            set["containerDefinitions[0].image"],
            json!(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/nginx/nginx:stable-alpine"
            )
        );
        assert!(set["containerDefinitions[0].command"][2]
            .as_str()
            .unwrap()
            .starts_with("head -c 700m /dev/zero"));
    }

    #[test]
    fn a_scenario_without_a_live_key_is_refused_by_name() {
        let s = load("arch-mismatch");
        let e = plan(&s, 0, &stack(), "123456789012", "us-east-1").unwrap_err();
        assert_eq!(
            e,
            "scenario arch-mismatch cannot run live: it does not declare live support (no `live:` key)"
        );
    }

    #[test]
    fn the_live_scenarios_come_from_the_files() {
        let ids = live_scenarios();
        for id in [
            "nat-route-missing",
            "execution-role-permissions",
            "log-group-missing",
            "subnet-exhausted",
            "oom-killed",
            "image-tag-not-found",
        ] {
            assert!(ids.iter().any(|x| x == id), "{id} not in {ids:?}");
        }
        assert!(!ids.iter().any(|x| x == "arch-mismatch"));
    }

    #[test]
    fn policy_placeholders_are_found_with_nested_variables() {
        assert_eq!(
            policy_names("iam attach-role-policy --policy-arn ${policy:${var:policy}} x"),
            ["${var:policy}"]
        );
    }
}
