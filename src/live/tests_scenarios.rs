//! Live mode against moto, per scenario: subnet-exhausted and oom-killed
//! injected and undone; every live scenario's reference fix applied through
//! [`fix_action`] and the gate, then undone; `reset` without journals.

use super::fingerprint::fingerprint;
use super::fixture::{sandbox, STACK};
use super::guard::Guard;
use super::inject::{Injector, LiveFailure};
use super::journal::Journal;
use super::moto::{is_read, Moto, REGION};
use super::plan::{fix_action, live_scenarios, resolve_for};
use super::stack::Stack;
use super::tests::{
    cli, crash_at_every_step, inject, policy, read, round_trip, scenario, undo_run, vars, ACCOUNT,
};
use super::LiveAccount;
use serde_json::{json, Value};
use std::path::Path;

#[test]
fn subnet_exhausted_injects_and_undoes() {
    for seed in [0, 1] {
        let other = vars("subnet-exhausted", seed)["other"].clone();
        round_trip("subnet-exhausted", seed, |live, stack| {
            let exhaust = stack.output("ExhaustSubnet").unwrap();
            let other = stack
                .output(if other == "a" {
                    "PrivateSubnetA"
                } else {
                    "PrivateSubnetB"
                })
                .unwrap();
            let v = read(
                live,
                "ecs describe-services --cluster prod --services checkout",
            );
            let s = &v["services"][0];
            assert_eq!(s["desiredCount"], 10, "scaled for the flash sale");
            assert_eq!(
                s["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
                json!([exhaust, other]),
                "moved onto the /28 and private-{other}"
            );
            let v = read(
                live,
                &format!("ec2 describe-subnets --subnet-ids {exhaust}"),
            );
            assert_eq!(v["Subnets"][0]["AvailableIpAddressCount"], 0, "{v}");
            let v = read(
                live,
                &format!(
                    "ec2 describe-network-interfaces --filters Name=subnet-id,Values={exhaust}"
                ),
            );
            let enis = v["NetworkInterfaces"].as_array().unwrap();
            assert_eq!(enis.len(), 11, "a /28 holds 11 addresses");
            for e in enis {
                let tags = e["TagSet"].as_array().unwrap();
                assert!(
                    tags.contains(&json!({"Key": "faultline:run", "Value": "run-1"}))
                        && tags.contains(&json!({"Key": "faultline:sandbox", "Value": STACK})),
                    "{e}"
                );
                // The scenario's other workload: EC2 instances' interfaces,
                // which carry no description.
                assert_eq!(e["Description"], "", "{e}");
            }
        });
    }
}

#[test]
fn oom_killed_injects_and_undoes() {
    round_trip("oom-killed", 0, |live, stack| {
        let td = cli(
            live,
            "ecs describe-services --cluster prod --services checkout --query services[0].taskDefinition --output text",
        );
        let v = read(
            live,
            &format!(
                "ecs describe-task-definition --task-definition {}",
                td.trim()
            ),
        );
        let c = &v["taskDefinition"]["containerDefinitions"][0];
        assert_eq!(c["memory"], 384, "the hard limit is the sandbox's");
        assert_eq!(c["image"], stack.output("ImageUri").unwrap());
        assert_eq!(c["command"][0], "sh");
        assert!(
            c["command"][2]
                .as_str()
                .unwrap()
                .starts_with("head -c 700m /dev/zero | tail"),
            "{c}"
        );
    });
}

#[test]
fn subnet_exhausted_survives_a_crash_at_every_step() {
    crash_at_every_step("subnet-exhausted", 1);
}

#[test]
fn oom_killed_survives_a_crash_at_every_step() {
    crash_at_every_step("oom-killed", 0);
}

/// Applies the scenario's live reference fix to run `run` (its journal at
/// `path`) through `fix_action` and the gate; returns what AWS answered.
fn apply_fix(
    live: &LiveAccount,
    stack: &Stack,
    path: &Path,
    run: &str,
    id: &str,
    seed: u64,
) -> Result<Vec<Value>, LiveFailure> {
    let s = scenario(id);
    let guard = Guard::new(live, policy(&[ACCOUNT]));
    let mut inj = Injector::new(live, &guard, Journal::reopen(path)?, run);
    let mut out = Vec::new();
    for line in crate::scenario::live::live_fix(&s.spec) {
        let line = resolve_for(&s, line, stack, &vars(id, seed), ACCOUNT, REGION)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let action = fix_action(&line, REGION).unwrap_or_else(|e| panic!("{line}: {e}"));
        out.push(inj.apply_action(&format!("fix: {line}"), &action)?);
    }
    Ok(out)
}

/// Inject, apply the reference fix through the gate, undo: the baseline.
fn fix_round_trip(id: &str, seed: u64, answered: impl Fn(&[Value], &LiveAccount, &Stack)) {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let before = fingerprint(&live, &stack).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = inject(&live, &stack, dir.path(), "run-1", id, seed).unwrap();
    let injected = fingerprint(&live, &stack).unwrap();
    let out =
        apply_fix(&live, &stack, &path, "run-1", id, seed).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_ne!(
        fingerprint(&live, &stack).unwrap(),
        injected,
        "{id}: the fix changed nothing"
    );
    answered(&out, &live, &stack);
    let report = undo_run(&live, &path);
    assert_eq!(
        fingerprint(&live, &stack).unwrap(),
        before,
        "{id}: undo after the fix did not restore the baseline; it did: {report:?}"
    );
    let mutations = moto.actions().iter().filter(|a| !is_read(a)).count();
    undo_run(&live, &path);
    assert_eq!(
        moto.actions().iter().filter(|a| !is_read(a)).count(),
        mutations,
        "{id}: a second undo sent a mutation"
    );
}

#[test]
fn nat_route_missing_is_fixed_and_undone() {
    for seed in [0, 1] {
        fix_round_trip("nat-route-missing", seed, |out, live, stack| {
            assert_eq!(
                out,
                [json!({"Return": true})],
                "create-route answers as the CLI prints it"
            );
            for k in ["PrivateRouteTableA", "PrivateRouteTableB"] {
                let routes = cli(
                    live,
                    &format!(
                        "ec2 describe-route-tables --route-table-ids {} --query RouteTables[0].Routes[].DestinationCidrBlock --output text",
                        stack.output(k).unwrap()
                    ),
                );
                assert!(routes.contains("0.0.0.0/0"), "{k}: {routes}");
            }
        });
    }
}

#[test]
fn execution_role_permissions_is_fixed_and_undone() {
    fix_round_trip("execution-role-permissions", 0, |out, live, _| {
        assert_eq!(out, [json!({})]);
        let attached = cli(
            live,
            "iam list-attached-role-policies --role-name checkout-task-execution --query AttachedPolicies[].PolicyName --output text",
        );
        assert!(
            attached.contains("AmazonECSTaskExecutionRolePolicy"),
            "{attached}"
        );
    });
}

#[test]
fn log_group_missing_is_fixed_and_undone() {
    let group = vars("log-group-missing", 1)["group"].clone();
    fix_round_trip("log-group-missing", 1, |out, live, _| {
        assert_eq!(out, [json!({}), json!({})]);
        let v = read(
            live,
            &format!("logs describe-log-groups --log-group-name-prefix {group}"),
        );
        assert_eq!(v["logGroups"][0]["retentionInDays"], 30, "{v}");
    });
}

#[test]
fn subnet_exhausted_is_fixed_and_undone() {
    fix_round_trip("subnet-exhausted", 0, |out, _, stack| {
        let s = &out[0]["service"];
        assert_eq!(s["serviceName"], "checkout", "{}", out[0]);
        let mut subnets: Vec<String> = s["networkConfiguration"]["awsvpcConfiguration"]["subnets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        subnets.sort();
        let mut want = vec![
            stack.output("PrivateSubnetA").unwrap().to_string(),
            stack.output("PrivateSubnetB").unwrap().to_string(),
        ];
        want.sort();
        assert_eq!(
            subnets, want,
            "off the /28, onto the sandbox's two private subnets"
        );
    });
}

#[test]
fn oom_killed_is_fixed_and_undone() {
    fix_round_trip("oom-killed", 0, |out, live, _| {
        let td = &out[0]["taskDefinition"];
        assert_eq!(
            (td["cpu"].as_str(), td["memory"].as_str()),
            (Some("512"), Some("2048")),
            "{}",
            out[0]
        );
        assert_eq!(td["containerDefinitions"][0]["memory"], 1536);
        let _ = out; // checked below against the account
                     // (moto echoes the family given; ECS answers the revision's ARN.)
        assert_eq!(out[1]["service"]["serviceName"], "checkout", "{}", out[1]);
        let v = read(
            live,
            &format!(
                "ecs describe-task-definition --task-definition {} --include TAGS",
                td["taskDefinitionArn"].as_str().unwrap()
            ),
        );
        assert!(
            v["tags"]
                .as_array()
                .unwrap()
                .contains(&json!({"key": "faultline:run", "value": "run-1"})),
            "{v}"
        );
    });
}

#[test]
fn a_fix_on_an_untagged_resource_is_refused_and_nothing_is_sent() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let untagged = live.block_on(async {
        live.clients
            .ec2
            .create_route_table()
            .vpc_id(stack.output("VpcId").unwrap())
            .send()
            .await
            .unwrap()
            .route_table
            .unwrap()
            .route_table_id
            .unwrap()
    });
    let before = fingerprint(&live, &stack).unwrap();
    let recorded = moto.actions().len();
    let dir = tempfile::tempdir().unwrap();
    let guard = Guard::new(&live, policy(&[ACCOUNT]));
    let j = Journal::create(
        dir.path(),
        &super::tests::run_info("fix", "nat-route-missing", 0),
    )
    .unwrap();
    let path = j.path().to_path_buf();
    let mut inj = Injector::new(&live, &guard, j, "fix");
    let line = format!(
        "ec2 create-route --route-table-id {untagged} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {}",
        stack.output("NatGatewayId").unwrap()
    );
    let e = match inj.apply_action("fix", &fix_action(&line, REGION).unwrap()) {
        Err(LiveFailure::Refused(r)) => r.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(
        e.contains("does not carry the tag faultline:sandbox"),
        "{e}"
    );
    assert_eq!(
        super::journal::read(&path).unwrap().len(),
        1,
        "nothing journaled"
    );
    assert!(moto.actions()[recorded..].iter().all(|a| is_read(a)));
    assert_eq!(fingerprint(&live, &stack).unwrap(), before);
}

#[test]
fn reset_restores_the_baseline_without_journals() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let before = fingerprint(&live, &stack).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    // Every live scenario with its decoy, some with their fix too.
    for (k, id) in live_scenarios().iter().enumerate() {
        let run = format!("lost-{k}");
        let seed = k as u64 % 2;
        // Runs on top of each other may fail midway (two decoys create the
        // same log group): what they did is still tagged, and reset finds it.
        match inject(&live, &stack, scratch.path(), &run, id, seed) {
            Ok(path) if k % 2 == 0 => {
                if let Err(e) = apply_fix(&live, &stack, &path, &run, id, seed) {
                    eprintln!("{id}: the fix stopped: {e}");
                }
            }
            Ok(_) => {}
            Err(e) => eprintln!("{id}: the run stopped: {e}"),
        }
    }
    // A decoy deletes the task role's inline policy; another run adds one.
    live.block_on(
        live.clients
            .iam
            .delete_role_policy()
            .role_name("checkout-task")
            .policy_name("receipts-bucket")
            .send(),
    )
    .unwrap();
    live.block_on(
        live.clients
            .iam
            .put_role_policy()
            .role_name("checkout-task-execution")
            .policy_name("added-by-a-run")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#)
            .send(),
    )
    .unwrap();
    assert_ne!(fingerprint(&live, &stack).unwrap(), before);
    drop(scratch);
    let guard = Guard::new(&live, policy(&[ACCOUNT]));
    let done = super::inject::reset(&live, &guard, &stack).unwrap_or_else(|e| panic!("{e}"));
    let after = fingerprint(&live, &stack).unwrap();
    for (k, v) in before.as_object().unwrap() {
        assert_eq!(&after[k], v, "{k} after reset; reset did: {done:#?}");
    }
    // A second reset finds the baseline and sends nothing.
    let mutations = moto.actions().iter().filter(|a| !is_read(a)).count();
    let again = super::inject::reset(&live, &guard, &stack).unwrap();
    assert_eq!(
        moto.actions().iter().filter(|a| !is_read(a)).count(),
        mutations,
        "a second reset sent a mutation: {again:#?}"
    );
}

#[test]
fn image_tag_not_found_injects_is_fixed_and_undone() {
    round_trip("image-tag-not-found", 0, |live, stack| {
        let td = cli(
            live,
            "ecs describe-services --cluster prod --services checkout --query services[0].taskDefinition --output text",
        );
        let v = read(
            live,
            &format!(
                "ecs describe-task-definition --task-definition {}",
                td.trim()
            ),
        );
        assert_eq!(
            v["taskDefinition"]["containerDefinitions"][0]["image"],
            format!("{}:v2.4.1", stack.output("ImageRepository").unwrap())
        );
    });
    fix_round_trip("image-tag-not-found", 1, |out, _, stack| {
        assert_eq!(
            out[0]["service"]["taskDefinition"],
            stack.output("TaskDefinitionArn").unwrap(),
            "rolled back to the stack's revision"
        );
    });
}

#[test]
fn image_tag_not_found_survives_a_crash_at_every_step() {
    crash_at_every_step("image-tag-not-found", 0);
}

#[test]
fn the_compound_scenarios_inject_are_fixed_and_undone() {
    for id in ["hidden-second-fault", "logs-behind-logs"] {
        round_trip(id, 0, |live, stack| {
            let td = cli(
                live,
                "ecs describe-services --cluster prod --services checkout --query services[0].taskDefinition --output text",
            );
            assert_ne!(
                td.trim(),
                stack.output("TaskDefinitionArn").unwrap(),
                "{id}"
            );
        });
        fix_round_trip(id, 1, |out, _, _| {
            assert!(out.len() >= 3, "{id}: {out:?}");
        });
    }
}

#[test]
fn hidden_second_fault_survives_a_crash_at_every_step() {
    crash_at_every_step("hidden-second-fault", 1);
}

#[test]
fn execution_role_trust_injects_is_fixed_and_undone() {
    let principal = vars("execution-role-trust", 0)["principal"].clone();
    round_trip("execution-role-trust", 0, |live, _| {
        let v = read(live, "iam get-role --role-name checkout-task-execution");
        assert_eq!(
            v["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            principal.as_str()
        );
    });
    fix_round_trip("execution-role-trust", 1, |out, live, _| {
        assert_eq!(out, [json!({})]);
        let v = read(live, "iam get-role --role-name checkout-task-execution");
        assert_eq!(
            v["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "ecs-tasks.amazonaws.com"
        );
    });
}

#[test]
fn execution_role_trust_survives_a_crash_at_every_step() {
    crash_at_every_step("execution-role-trust", 0);
}
