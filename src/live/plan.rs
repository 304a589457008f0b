//! From a scenario to the steps that inject it into the sandbox: the
//! timeline's entries in order, placeholders bound to the stack's outputs
//! and the seed's variables, each AWS CLI line parsed by the same front end
//! the simulator uses and mapped to an [`Action`].
//!
//! What differs from the simulator, on purpose: an environment policy named
//! by `${policy:NAME}` is created in the account (tagged with the run) with
//! its statements' resources widened to `*`, because the simulator's
//! resource names (repositories, log groups) are not the sandbox's and the
//! scenario is about which actions the policy lacks; a deployment that is not
//! a fault (CI shipping a new image) becomes a forced new deployment of the
//! current revision, because the sandbox runs one public image; image pushes
//! are skipped. Decoys are not injected yet.

use super::inject::{Action, Step};
use super::stack::Stack;
use crate::scenario::{Mode, Scenario};
use serde_json::Value;
use std::collections::BTreeMap;

/// The scenarios known to run live.
pub const LIVE_SCENARIOS: &[&str] = &[
    "nat-route-missing",
    "execution-role-permissions",
    "log-group-missing",
];

/// The steps that inject `scenario` (with its variables chosen by `seed`)
/// into the sandbox `stack` of `account`.
pub fn plan(
    scenario: &Scenario,
    seed: u64,
    stack: &Stack,
    account: &str,
    region: &str,
) -> Result<Vec<Step>, String> {
    let id = &scenario.spec.id;
    let cannot = |what: String| format!("scenario {id} cannot run live: {what}");
    let inst = scenario
        .instantiate(seed, Mode::Incident)
        .map_err(|e| e.to_string())?;
    let b = Binder {
        stack,
        vars: &inst.vars,
        account,
        region,
    };
    let mut steps = Vec::new();
    let mut created: Vec<String> = Vec::new();
    for (i, e) in scenario.spec.timeline.iter().enumerate() {
        let at = format!("timeline[{i}]");
        if e.refused {
            continue;
        }
        if let Some(line) = &e.aws {
            // Environment policies the line names are created first.
            for name in policy_names(line) {
                let name = b.resolve(&name).map_err(|m| cannot(format!("{at}: {m}")))?;
                if created.contains(&name) {
                    continue;
                }
                let spec = scenario
                    .env
                    .policies
                    .iter()
                    .find(|p| p.name == name)
                    .ok_or_else(|| cannot(format!("{at}: no policy {name} in the environment")))?;
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
            let line = b.resolve(line).map_err(|m| cannot(format!("{at}: {m}")))?;
            let action = action(&line, region).map_err(|m| cannot(format!("{at}: {m}")))?;
            steps.push(Step {
                note: e.note.clone(),
                action,
            });
        } else if let Some(d) = &e.deploy {
            let cluster = b
                .resolve(&d.cluster)
                .map_err(|m| cannot(format!("{at}: {m}")))?;
            let service = b
                .resolve(&d.service)
                .map_err(|m| cannot(format!("{at}: {m}")))?;
            if e.fault {
                let mut set = BTreeMap::new();
                for (k, v) in &d.set {
                    let mut v = v.clone();
                    b.resolve_json(&mut v)
                        .map_err(|m| cannot(format!("{at}.deploy.set.{k}: {m}")))?;
                    set.insert(k.clone(), v);
                }
                steps.push(Step {
                    note: e.note.clone(),
                    action: Action::Deploy {
                        cluster,
                        service,
                        set,
                        unset: d.unset.clone(),
                    },
                });
            } else {
                steps.push(Step {
                    note: format!(
                        "{} (live: a new deployment of the current revision)",
                        e.note
                    ),
                    action: Action::ForceDeployment { cluster, service },
                });
            }
        } else if e.push_image.is_some() && !e.fault {
            // The sandbox's image comes through the pull-through cache.
        } else {
            return Err(cannot(format!(
                "{at} ({}) has no live mapping yet",
                if e.occupy_ips.is_some() {
                    "occupy_ips"
                } else if e.push_image.is_some() {
                    "push_image"
                } else {
                    "an empty entry"
                }
            )));
        }
    }
    Ok(steps)
}

/// Resolves a scenario line's placeholders (an investigation command, say)
/// against the stack, the seed's variables and the account, as [`plan`] does.
pub fn resolve(
    text: &str,
    stack: &Stack,
    vars: &BTreeMap<String, String>,
    account: &str,
    region: &str,
) -> Result<String, String> {
    Binder {
        stack,
        vars,
        account,
        region,
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

/// Binds placeholders to the stack, the seed's variables and the account.
struct Binder<'a> {
    stack: &'a Stack,
    vars: &'a BTreeMap<String, String>,
    account: &'a str,
    region: &'a str,
}

impl Binder<'_> {
    fn lookup(&self, key: &str) -> Result<String, String> {
        match key {
            "account" => return Ok(self.account.to_string()),
            "region" => return Ok(self.region.to_string()),
            _ => {}
        }
        if let Some(v) = key.strip_prefix("var:") {
            return self
                .vars
                .get(v)
                .cloned()
                .ok_or_else(|| format!("unknown variable {v}"));
        }
        if let Some(name) = key.strip_prefix("policy:") {
            return Ok(format!("arn:aws:iam::{}:policy/{name}", self.account));
        }
        self.stack.bind(key).ok_or_else(|| {
            format!(
                "${{{key}}} has no live binding (the sandbox stack {} does not output it)",
                self.stack.name
            )
        })
    }

    /// Resolves `${...}`, innermost first; a whole `${policy:NAME}` stands for its ARN.
    fn resolve(&self, text: &str) -> Result<String, String> {
        let mut s = text.to_string();
        for _ in 0..64 {
            let Some(start) = s.rfind("${") else {
                return Ok(s);
            };
            let len = s[start..]
                .find('}')
                .ok_or_else(|| format!("unclosed placeholder in '{text}'"))?;
            let value = self.lookup(&s[start + 2..start + len])?;
            s.replace_range(start..start + len + 1, &value);
        }
        Err(format!("placeholders nest too deeply in '{text}'"))
    }

    fn resolve_json(&self, v: &mut Value) -> Result<(), String> {
        match v {
            Value::String(s) => *s = self.resolve(s)?,
            Value::Array(a) => {
                for x in a {
                    self.resolve_json(x)?;
                }
            }
            Value::Object(m) => {
                for x in m.values_mut() {
                    self.resolve_json(x)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A mutating AWS CLI line as a live action (parsed by the CLI front end).
fn action(line: &str, region: &str) -> Result<Action, String> {
    let cmd = crate::awscli::command::parse(line, region).map_err(|e| e.to_string())?;
    let i = &cmd.input;
    let get = |m: &str| -> Result<String, String> { i.required(m).map_err(|e| e.0) };
    let doc = |m: &str| -> Result<Value, String> {
        let text = get(m)?;
        serde_json::from_str(&text).map_err(|e| format!("{m} is not JSON: {e}"))
    };
    Ok(match (cmd.entry.service(), cmd.entry.name()) {
        ("ec2", "delete-route") => Action::DeleteRoute {
            route_table_id: get("RouteTableId")?,
            destination_cidr_block: get("DestinationCidrBlock")?,
        },
        ("iam", "detach-role-policy") => Action::DetachRolePolicy {
            role_name: get("RoleName")?,
            policy_arn: get("PolicyArn")?,
        },
        ("iam", "attach-role-policy") => Action::AttachRolePolicy {
            role_name: get("RoleName")?,
            policy_arn: get("PolicyArn")?,
        },
        ("iam", "put-role-policy") => Action::PutRolePolicy {
            role_name: get("RoleName")?,
            policy_name: get("PolicyName")?,
            document: doc("PolicyDocument")?,
        },
        ("iam", "delete-role-policy") => Action::DeleteRolePolicy {
            role_name: get("RoleName")?,
            policy_name: get("PolicyName")?,
        },
        ("logs", "create-log-group") => Action::CreateLogGroup {
            name: get("logGroupName")?,
        },
        (s, n) => return Err(format!("{s} {n} has no live mapping yet")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn stack() -> Stack {
        Stack::from_outputs(
            "sb",
            [
                ("PrivateRouteTableA", "rtb-a"),
                ("PrivateRouteTableB", "rtb-b"),
                ("ClusterName", "prod"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        )
    }

    fn load(id: &str) -> Scenario {
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
            .unwrap()
    }

    #[test]
    fn nat_route_missing_deletes_one_private_default_route_then_deploys() {
        let s = load("nat-route-missing");
        let mut tables = Vec::new();
        for seed in 0..8 {
            let steps = plan(&s, seed, &stack(), "123456789012", "us-east-1").unwrap();
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
    fn execution_role_permissions_creates_a_policy_lacking_the_variant_action() {
        let s = load("execution-role-permissions");
        for seed in 0..6 {
            let inst = s.instantiate(seed, Mode::Incident).unwrap();
            let steps = plan(&s, seed, &stack(), "123456789012", "us-east-1").unwrap();
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
        let steps = plan(&s, 1, &stack(), "123456789012", "us-east-1").unwrap();
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
    fn a_scenario_with_an_unmapped_step_is_refused_by_name() {
        let s = load("subnet-exhausted");
        let e = plan(&s, 0, &stack(), "123456789012", "us-east-1").unwrap_err();
        assert!(
            e.starts_with("scenario subnet-exhausted cannot run live: timeline["),
            "{e}"
        );
    }

    #[test]
    fn policy_placeholders_are_found_with_nested_variables() {
        assert_eq!(
            policy_names("iam attach-role-policy --policy-arn ${policy:${var:policy}} x"),
            ["${var:policy}"]
        );
    }
}
