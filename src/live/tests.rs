//! Live mode against moto: reads in the AWS CLI's shapes; inject and undo;
//! crash safety; the guard.

use super::fixture::{sandbox, STACK};
use super::moto::Moto;
use crate::awscli::command;
use serde_json::{json, Value};

/// Runs a CLI line through the live account, with `--query`/`--output` applied.
pub(super) fn cli(live: &super::LiveAccount, line: &str) -> String {
    match crate::game::aws::run_read(live, line) {
        Ok(o) => o.text,
        Err(e) => panic!("{line}: {e}"),
    }
}

fn read_err(live: &super::LiveAccount, line: &str) -> crate::aws::CommandError {
    match command::read(live, line) {
        Ok(_) => panic!("{line}: expected an error"),
        Err(e) => e,
    }
}

pub(super) fn read(live: &super::LiveAccount, line: &str) -> Value {
    command::read(live, line)
        .unwrap_or_else(|e| panic!("{line}: {e}"))
        .1
}

#[test]
fn reads_answer_in_the_cli_shapes() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let rtb = stack.output("PrivateRouteTableA").unwrap();
    let nat = stack.output("NatGatewayId").unwrap();
    let vpc = stack.output("VpcId").unwrap();

    // EC2: route tables, with the CLI's keys and nesting.
    let v = read(
        &live,
        &format!("ec2 describe-route-tables --route-table-ids {rtb}"),
    );
    let t = &v["RouteTables"][0];
    assert_eq!(t["RouteTableId"], rtb);
    assert_eq!(t["VpcId"], vpc);
    assert!(t["Tags"]
        .as_array()
        .unwrap()
        .contains(&json!({"Key": "faultline:sandbox", "Value": STACK})));
    let default = t["Routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["DestinationCidrBlock"] == "0.0.0.0/0")
        .expect("a default route");
    assert_eq!(default["NatGatewayId"], nat);
    assert_eq!(default["State"], "active");
    // --query and --output work as on the simulator.
    let text = cli(
        &live,
        &format!("ec2 describe-route-tables --filters Name=association.subnet-id,Values={} --query \"RouteTables[].Routes[?DestinationCidrBlock=='0.0.0.0/0'].NatGatewayId[]\" --output text", stack.output("PrivateSubnetA").unwrap()),
    );
    assert_eq!(text.trim(), nat);

    // Subnets, by filter, in order of the model's members.
    let v = read(
        &live,
        &format!("ec2 describe-subnets --filters Name=vpc-id,Values={vpc}"),
    );
    let subnets = v["Subnets"].as_array().unwrap();
    assert_eq!(subnets.len(), 5);
    let exhaust = subnets
        .iter()
        .find(|s| s["CidrBlock"] == "10.40.12.0/28")
        .unwrap();
    assert_eq!(exhaust["AvailableIpAddressCount"], 11);
    let keys: Vec<&str> = exhaust
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(pos("OwnerId") < pos("SubnetId") && pos("SubnetId") < pos("CidrBlock"));

    // Security groups and network interfaces.
    let sg = stack.output("TaskSecurityGroupId").unwrap();
    let v = read(
        &live,
        &format!("ec2 describe-security-groups --group-ids {sg}"),
    );
    assert_eq!(v["SecurityGroups"][0]["GroupName"], "checkout-tasks");
    assert!(v["SecurityGroups"][0]["IpPermissionsEgress"].is_array());
    let v = read(
        &live,
        &format!("ec2 describe-network-interfaces --filters Name=vpc-id,Values={vpc}"),
    );
    assert!(v["NetworkInterfaces"].is_array());
    let v = read(
        &live,
        &format!("ec2 describe-nat-gateways --filter Name=vpc-id,Values={vpc}"),
    );
    assert_eq!(v["NatGateways"][0]["NatGatewayId"], nat);

    // ECS.
    let v = read(&live, "ecs describe-clusters --clusters prod");
    assert_eq!(v["clusters"][0]["clusterName"], "prod");
    assert_eq!(v["failures"], json!([]));
    let v = read(
        &live,
        "ecs describe-services --cluster prod --services checkout",
    );
    let s = &v["services"][0];
    assert_eq!(s["serviceName"], "checkout");
    assert_eq!(s["desiredCount"], 2);
    assert_eq!(
        s["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
        json!([
            stack.output("PrivateSubnetA").unwrap(),
            stack.output("PrivateSubnetB").unwrap()
        ])
    );
    assert_eq!(
        cli(&live, "ecs describe-services --cluster prod --services checkout --query services[0].taskDefinition --output text").trim(),
        stack.output("TaskDefinitionArn").unwrap()
    );
    let v = read(
        &live,
        "ecs list-tasks --cluster prod --service-name checkout",
    );
    assert!(v["taskArns"].is_array());
    assert!(v.get("nextToken").is_none());
    let v = read(
        &live,
        "ecs describe-tasks --cluster prod --tasks 0123456789abcdef0123456789abcdef",
    );
    // moto runs no Fargate task and (unlike ECS) reports no MISSING failure.
    assert_eq!(v["tasks"], json!([]), "{v}");
    let v = read(
        &live,
        "ecs describe-task-definition --task-definition checkout-api --include TAGS",
    );
    let td = &v["taskDefinition"];
    assert_eq!(td["family"], "checkout-api");
    assert_eq!(
        td["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"],
        "/ecs/checkout-api"
    );
    assert_eq!(
        v["tags"],
        json!([{"key": "faultline:sandbox", "value": STACK}])
    );

    // Logs, IAM, STS.
    let v = read(
        &live,
        "logs describe-log-groups --log-group-name-prefix /ecs",
    );
    assert_eq!(v["logGroups"][0]["logGroupName"], "/ecs/checkout-api");
    assert_eq!(v["logGroups"][0]["retentionInDays"], 3);
    let v = read(&live, "iam get-role --role-name checkout-task-execution");
    assert_eq!(v["Role"]["RoleName"], "checkout-task-execution");
    assert_eq!(
        v["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com",
        "the trust policy is printed as JSON, decoded"
    );
    let v = read(
        &live,
        "iam list-attached-role-policies --role-name checkout-task-execution",
    );
    assert_eq!(
        v["AttachedPolicies"][0]["PolicyName"],
        "AmazonECSTaskExecutionRolePolicy"
    );
    assert!(v.get("IsTruncated").is_none());
    let v = read(
        &live,
        "iam get-role-policy --role-name checkout-task --policy-name receipts-bucket",
    );
    assert_eq!(v["PolicyDocument"]["Statement"][0]["Effect"], "Allow");
    let v = read(&live, "sts get-caller-identity");
    assert_eq!(v["Account"], "123456789012");

    // Table output renders too.
    let table = cli(&live, "ecs describe-clusters --clusters prod --query clusters[].[clusterName,status] --output table");
    assert!(
        table.contains("prod") && table.contains("ACTIVE"),
        "{table}"
    );
}

#[test]
fn live_reads_are_catalogue_reads_and_only_describe_list_get_filter() {
    for (service, name) in super::LiveAccount::mapped_operations() {
        let op = crate::aws::catalogue::find_read(service, name)
            .unwrap_or_else(|| panic!("{service} {name} is not a read of the catalogue"));
        assert!(
            ["Describe", "List", "Get", "Filter"]
                .iter()
                .any(|p| op.api.starts_with(p)),
            "{}",
            op.api
        );
    }
    // Every write of the catalogue is refused by the live read path before anything is sent.
    for w in crate::aws::catalogue::writes() {
        assert!(
            super::LiveAccount::mapped_operations()
                .iter()
                .all(|(s, n)| (*s, *n) != (w.service, w.name)),
            "{} {} is mapped as a read",
            w.service,
            w.name
        );
    }
}

#[test]
fn aws_errors_come_back_in_the_cli_words_and_unmapped_operations_are_named() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let e = read_err(&live, "iam get-role --role-name nobody");
    let text = e.to_string();
    assert!(
        text.starts_with("An error occurred (NoSuchEntity) when calling the GetRole operation:"),
        "{text}"
    );
    let before = moto.actions().len();
    let e = read_err(&live, "ecr describe-repositories");
    assert!(
        e.to_string()
            .contains("ecr describe-repositories is not available in live mode"),
        "{e}"
    );
    assert_eq!(moto.actions().len(), before, "nothing was sent");
    // A write cannot be read.
    let e = read_err(
        &live,
        "ec2 delete-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0",
    );
    assert!(e.to_string().contains("diagnostics are read-only"), "{e}");
    assert!(
        moto.actions().iter().all(|a| super::moto::is_read(a)),
        "{:?}",
        moto.actions()
    );
}

// ------------------------------------------------------------ inject / undo

use super::fingerprint::fingerprint;
use super::guard::{Guard, Policy};
use super::inject::{undo, Injector, LiveFailure};
use super::journal::{self, Entry, Journal, RunInfo};
use super::moto::{is_read, REGION};
use super::stack::Stack;
use super::LiveAccount;
use crate::scenario::{Mode, Scenario};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(super) const ACCOUNT: &str = "123456789012";

pub(super) fn scenario(id: &str) -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
        .unwrap()
}

pub(super) fn policy(accounts: &[&str]) -> Policy {
    Policy {
        allowed_accounts: accounts.iter().map(|s| s.to_string()).collect(),
        region: REGION.into(),
        stack: STACK.into(),
    }
}

pub(super) fn run_info(run: &str, id: &str, seed: u64) -> RunInfo {
    RunInfo {
        run: run.into(),
        scenario: id.into(),
        seed,
        stack: STACK.into(),
        account: ACCOUNT.into(),
        region: REGION.into(),
        started: journal::unix_now(),
        expires: None,
    }
}

/// Injects scenario `id` (seed `seed`) as run `run`, journaling in `dir`.
pub(super) fn inject(
    live: &LiveAccount,
    stack: &Stack,
    dir: &Path,
    run: &str,
    id: &str,
    seed: u64,
) -> Result<PathBuf, LiveFailure> {
    let guard = Guard::new(live, policy(&[ACCOUNT]));
    let steps = super::plan::plan(&scenario(id), seed, stack, ACCOUNT, REGION)
        .unwrap_or_else(|e| panic!("{e}"));
    let journal = Journal::create(dir, &run_info(run, id, seed))?;
    let path = journal.path().to_path_buf();
    let mut inj = Injector::new(live, &guard, journal, run);
    for s in &steps {
        inj.apply(s)?;
    }
    Ok(path)
}

pub(super) fn undo_run(live: &LiveAccount, path: &Path) -> Vec<String> {
    let guard = Guard::new(live, policy(&[ACCOUNT]));
    undo(live, &guard, path)
        .unwrap_or_else(|e| panic!("undo: {e}"))
        .into_iter()
        .map(|r| r.what)
        .collect()
}

pub(super) fn vars(id: &str, seed: u64) -> BTreeMap<String, String> {
    scenario(id).instantiate(seed, Mode::Incident).unwrap().vars
}

/// Inject, look at what changed, undo, and compare the fingerprints.
pub(super) fn round_trip(id: &str, seed: u64, observe: impl Fn(&LiveAccount, &Stack)) {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let before = fingerprint(&live, &stack).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = inject(&live, &stack, dir.path(), "run-1", id, seed).unwrap();
    let during = fingerprint(&live, &stack).unwrap();
    assert_ne!(before, during, "{id}: the injection changed nothing");
    observe(&live, &stack);
    // The scenario's investigation, played live, reads and changes nothing.
    let recorded = moto.actions().len();
    let vars = vars(id, seed);
    let mut played = 0;
    for line in &scenario(id).spec.investigation {
        if line.contains("${stopped-task}") {
            continue; // moto runs no task
        }
        let entry = command::check(line).unwrap();
        if !super::LiveAccount::mapped_operations().contains(&(entry.service(), entry.name())) {
            continue; // not answered live yet (logs tail, cloudwatch)
        }
        let line =
            super::plan::resolve_for(&scenario(id), line, &stack, &vars, ACCOUNT, REGION).unwrap();
        crate::game::aws::run_read(&live, &line).unwrap_or_else(|e| panic!("{line}: {e}"));
        played += 1;
    }
    assert!(played >= 2, "{id}: played {played} investigation lines");
    assert_eq!(fingerprint(&live, &stack).unwrap(), during);
    let session = &moto.actions()[recorded..];
    assert!(session.iter().all(|a| is_read(a)), "{session:?}");
    let report = undo_run(&live, &path);
    assert_eq!(
        fingerprint(&live, &stack).unwrap(),
        before,
        "{id}: undo did not restore the baseline; it did: {report:?}"
    );
    assert!(matches!(
        journal::read(&path).unwrap().last(),
        Some(Entry::Undone { .. })
    ));
    // Undoing again finds everything in place and changes nothing.
    let mutations = moto.actions().iter().filter(|a| !is_read(a)).count();
    let again = undo_run(&live, &path);
    assert!(
        again.iter().all(|w| w.contains("already")
            || w.starts_with("nothing")
            || w.starts_with("no revision")),
        "{again:?}"
    );
    assert_eq!(
        moto.actions().iter().filter(|a| !is_read(a)).count(),
        mutations,
        "a second undo sent a mutation"
    );
    assert_eq!(fingerprint(&live, &stack).unwrap(), before);
}

#[test]
fn nat_route_missing_injects_and_undoes() {
    for seed in [0, 1] {
        let zone = vars("nat-route-missing", seed)["zone"].clone();
        round_trip("nat-route-missing", seed, |live, stack| {
            let key = if zone == "a" {
                "PrivateRouteTableA"
            } else {
                "PrivateRouteTableB"
            };
            let other = if zone == "a" {
                "PrivateRouteTableB"
            } else {
                "PrivateRouteTableA"
            };
            let q = |k: &str| {
                cli(
                    live,
                    &format!(
                        "ec2 describe-route-tables --route-table-ids {} --query RouteTables[0].Routes[].DestinationCidrBlock --output text",
                        stack.output(k).unwrap()
                    ),
                )
            };
            assert!(!q(key).contains("0.0.0.0/0"), "zone {zone}: {}", q(key));
            assert!(
                q(other).contains("0.0.0.0/0"),
                "only one zone loses its route"
            );
        });
    }
}

#[test]
fn execution_role_permissions_injects_and_undoes() {
    for seed in [0, 1] {
        let v = vars("execution-role-permissions", seed);
        round_trip("execution-role-permissions", seed, |live, _| {
            let attached = cli(
                live,
                "iam list-attached-role-policies --role-name checkout-task-execution --query AttachedPolicies[].PolicyName --output text",
            );
            assert_eq!(
                attached.trim(),
                v["policy"],
                "the managed policy is replaced"
            );
            let doc = read(
                live,
                &format!(
                    "iam get-policy-version --policy-arn arn:aws:iam::{ACCOUNT}:policy/{} --version-id v1",
                    v["policy"]
                ),
            );
            let text = doc["PolicyVersion"]["Document"].to_string();
            assert!(text.contains("ecr:BatchGetImage"), "{text}");
            assert!(!text.contains(&format!("\"{}\"", v["missing"])), "{text}");
        });
    }
}

#[test]
fn log_group_missing_injects_and_undoes() {
    for seed in [0, 1] {
        let group = vars("log-group-missing", seed)["group"].clone();
        round_trip("log-group-missing", seed, |live, stack| {
            let td = cli(
                live,
                "ecs describe-services --cluster prod --services checkout --query services[0].taskDefinition --output text",
            );
            assert_ne!(td.trim(), stack.output("TaskDefinitionArn").unwrap());
            let v = read(
                live,
                &format!(
                    "ecs describe-task-definition --task-definition {} --include TAGS",
                    td.trim()
                ),
            );
            assert_eq!(
                v["taskDefinition"]["containerDefinitions"][0]["logConfiguration"]["options"]
                    ["awslogs-group"],
                group.as_str()
            );
            assert_eq!(
                v["taskDefinition"]["cpu"], "256",
                "the rest of the revision is kept"
            );
            assert!(v["tags"]
                .as_array()
                .unwrap()
                .contains(&json!({"key": "faultline:run", "value": "run-1"})));
            let groups = cli(
                live,
                "logs describe-log-groups --query logGroups[].logGroupName --output text",
            );
            assert!(
                !groups.contains(group.as_str()),
                "the group does not exist: {groups}"
            );
        });
    }
}

// ------------------------------------------------------------ crash safety

/// The child half of the crash tests: injects with the crash hook set, and
/// dies. Does nothing unless the parent test started it.
#[test]
fn crash_child() {
    let Ok(spec) = std::env::var("FAULTLINE_LIVE_CRASH_CHILD") else {
        return;
    };
    let spec: Value = serde_json::from_str(&spec).unwrap();
    let live = LiveAccount::connect(&super::ConnectOptions {
        region: Some(REGION.into()),
        profile: None,
        endpoint_url: spec["url"].as_str().map(str::to_string),
        static_credentials: Some(("testing".into(), "testing".into())),
        clock: None,
    })
    .unwrap();
    let stack: BTreeMap<String, String> = serde_json::from_value(spec["outputs"].clone()).unwrap();
    let stack = Stack::from_outputs(STACK, stack);
    let _ = inject(
        &live,
        &stack,
        Path::new(spec["dir"].as_str().unwrap()),
        spec["run"].as_str().unwrap(),
        spec["scenario"].as_str().unwrap(),
        spec["seed"].as_u64().unwrap(),
    );
    // Reaching here means the hook did not fire: the parent checks for that.
}

/// For every journal step n, and on each side of its request: a process
/// that dies there leaves a journal from which undo restores the baseline.
pub(super) fn crash_at_every_step(id: &str, seed: u64) {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let before = fingerprint(&live, &stack).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A clean run counts the steps.
    let path = inject(&live, &stack, dir.path(), "count", id, seed).unwrap();
    let total = journal::read(&path)
        .unwrap()
        .iter()
        .filter(|e| matches!(e, Entry::Step { .. }))
        .count();
    undo_run(&live, &path);
    assert_eq!(fingerprint(&live, &stack).unwrap(), before);
    assert!(total >= 1);
    for n in 1..=total {
        for sent in [false, true] {
            let run = format!("crash-{n}-{sent}");
            let spec = json!({
                "url": moto.url(), "outputs": stack.outputs, "dir": dir.path(),
                "run": run, "scenario": id, "seed": seed,
            });
            let status = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "live::tests::crash_child",
                    "--exact",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env("FAULTLINE_LIVE_CRASH_CHILD", spec.to_string())
                .env(
                    super::inject::DIE_AFTER_VAR,
                    format!("{n}{}", if sent { "+" } else { "" }),
                )
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                status.signal(),
                Some(6),
                "{id}: the child did not abort at step {n} (sent: {sent}): {status}"
            );
            let path = dir.path().join(format!("{run}.jsonl"));
            let entries = journal::read(&path).unwrap();
            let last_step = entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Step { seq, .. } => Some(*seq),
                    _ => None,
                })
                .max();
            assert_eq!(last_step, Some(n), "{id}: the journal ends at step {n}");
            assert_eq!(
                entries.iter().any(|e| *e == Entry::Sent { seq: n }),
                sent,
                "{id}: step {n} is marked sent only when it was"
            );
            let report = undo_run(&live, &path);
            assert_eq!(
                fingerprint(&live, &stack).unwrap(),
                before,
                "{id}: after a crash at step {n} (sent: {sent}), undo did: {report:?}"
            );
        }
    }
}

#[test]
fn nat_route_missing_survives_a_crash_at_every_step() {
    crash_at_every_step("nat-route-missing", 0);
}

#[test]
fn execution_role_permissions_survives_a_crash_at_every_step() {
    crash_at_every_step("execution-role-permissions", 1);
}

#[test]
fn log_group_missing_survives_a_crash_at_every_step() {
    crash_at_every_step("log-group-missing", 0);
}

// ------------------------------------------------------------------ guard

#[test]
fn the_guard_refuses_untagged_resources_other_accounts_and_other_regions() {
    use super::inject::{Action, Step};
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    // A route table outside the sandbox (no tag), and one of another sandbox.
    let (untagged, other) = live.block_on(async {
        let c = &live.clients;
        let vpc = stack.output("VpcId").unwrap();
        let mut ids = Vec::new();
        for tag in [None, Some("someone-elses-sandbox")] {
            let mut b = c.ec2.create_route_table().vpc_id(vpc);
            if let Some(t) = tag {
                b = b.tag_specifications(
                    aws_sdk_ec2::types::TagSpecification::builder()
                        .resource_type(aws_sdk_ec2::types::ResourceType::RouteTable)
                        .tags(
                            aws_sdk_ec2::types::Tag::builder()
                                .key("faultline:sandbox")
                                .value(t)
                                .build(),
                        )
                        .build(),
                );
            }
            let id = b
                .send()
                .await
                .unwrap()
                .route_table
                .unwrap()
                .route_table_id
                .unwrap();
            c.ec2
                .create_route()
                .route_table_id(&id)
                .destination_cidr_block("0.0.0.0/0")
                .gateway_id(stack.output("InternetGatewayId").unwrap())
                .send()
                .await
                .unwrap();
            ids.push(id);
        }
        (ids[0].clone(), ids[1].clone())
    });
    let before = fingerprint(&live, &stack).unwrap();
    let recorded = moto.actions().len();
    let delete = |rtb: &str| Step {
        note: format!("delete the default route of {rtb}"),
        action: Action::DeleteRoute {
            route_table_id: rtb.to_string(),
            destination_cidr_block: "0.0.0.0/0".into(),
        },
    };
    let dir = tempfile::tempdir().unwrap();
    let attempt = |live: &LiveAccount, p: Policy, step: Step, run: &str| -> String {
        let guard = Guard::new(live, p);
        let j = Journal::create(dir.path(), &run_info(run, "guard", 0)).unwrap();
        let path = j.path().to_path_buf();
        let mut inj = Injector::new(live, &guard, j, run);
        let e = match inj.apply(&step) {
            Err(LiveFailure::Refused(r)) => r.to_string(),
            other => panic!("{run}: expected a refusal, got {other:?}"),
        };
        assert_eq!(
            journal::read(&path).unwrap().len(),
            1,
            "{run}: a refusal journals nothing"
        );
        e
    };
    let tagged = stack.output("PrivateRouteTableA").unwrap();

    let e = attempt(&live, policy(&[ACCOUNT]), delete(&untagged), "untagged");
    assert!(
        e.contains(&format!(
            "route table {untagged} does not carry the tag faultline:sandbox={STACK}"
        )),
        "{e}"
    );
    assert!(e.ends_with("Nothing was sent to AWS."), "{e}");
    let e = attempt(&live, policy(&[ACCOUNT]), delete(&other), "other-sandbox");
    assert!(
        e.contains("belongs to sandbox someone-elses-sandbox"),
        "{e}"
    );
    let e = attempt(
        &live,
        policy(&["111111111111"]),
        delete(tagged),
        "other-account",
    );
    assert!(
        e.contains("account 123456789012 is not on the allow list (111111111111)"),
        "{e}"
    );
    let e = attempt(&live, policy(&[]), delete(tagged), "no-allow-list");
    assert!(e.contains("no account is allowed"), "{e}");
    let west = moto.account_in("us-west-2");
    let e = attempt(&west, policy(&[ACCOUNT]), delete(tagged), "other-region");
    assert!(
        e.contains("configured for region us-west-2, but the run is in us-east-1"),
        "{e}"
    );
    // Undo goes through the guard too: a journal naming an untagged table is refused.
    let guard = Guard::new(&live, policy(&[ACCOUNT]));
    let mut j = Journal::create(dir.path(), &run_info("forged", "guard", 0)).unwrap();
    j.step(
        "forged",
        super::journal::Undo::DeleteRoute {
            route_table_id: untagged.clone(),
            destination_cidr_block: "0.0.0.0/0".into(),
        },
    )
    .unwrap();
    assert!(matches!(
        undo(&live, &guard, j.path()),
        Err(LiveFailure::Refused(_))
    ));

    let after: Vec<String> = moto.actions()[recorded..].to_vec();
    assert!(
        after.iter().all(|a| is_read(a)),
        "moto saw a mutating call: {after:?}"
    );
    assert!(!after.is_empty(), "the recording works");
    assert_eq!(fingerprint(&live, &stack).unwrap(), before);
}

// ------------------------------------------------------- the live verbs

#[test]
fn live_check_start_status_undo_and_reset() {
    use super::cli;
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    super::fixture::cfn_stack(&live, &stack);
    let before = fingerprint(&live, &stack).unwrap();
    let allowed = vec![ACCOUNT.to_string()];
    let ids = super::plan::live_scenarios();
    let all: Vec<Scenario> = ids.iter().map(|id| scenario(id)).collect();

    let table = cli::check(&live, &allowed, STACK, &all).unwrap_or_else(|e| panic!("{e}"));
    assert!(table.starts_with("CHECK"), "{table}");
    for id in &ids {
        assert!(table.contains(&format!("scenario {id}")), "{table}");
    }
    assert!(!table.contains("FAIL"), "{table}");
    // moto does not implement IAM's policy simulator: the row says so, and the check passes.
    let row = table
        .lines()
        .find(|l| l.starts_with("permissions"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains("info"), "{row}");
    assert!(row.contains("cannot be checked: "), "{row}");
    assert!(row.contains("SimulatePrincipalPolicy"), "{row}");
    let e = cli::check(&live, &[], STACK, &all).unwrap_err();
    assert_eq!(e.code(), 1);
    assert!(
        e.to_string()
            .contains("account 123456789012 is not allowed (allowed: none)"),
        "{e}"
    );
    let e = cli::check(&live, &allowed, "no-such-stack", &[]).unwrap_err();
    assert!(e.to_string().contains("stack "), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    let opts = cli::StartOptions {
        allowed: &allowed,
        stack: STACK,
        seed: 0,
        expires: Some(3600),
        journal_dir: dir.path(),
    };
    let text = cli::start(&live, &scenario("log-group-missing"), &opts, &mut |l| {
        lines.push(l.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"))
    .text;
    assert!(text.contains("logging conventions"), "the briefing: {text}");
    assert!(text.contains("faultline live undo --run "), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("[2/2] ")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("[1/2] decoy: ")),
        "the decoy is injected too: {lines:?}"
    );
    assert_ne!(fingerprint(&live, &stack).unwrap(), before);
    let now = journal::unix_now();
    let st = cli::status(dir.path(), now).unwrap();
    assert!(
        st.contains("log-group-missing") && st.contains("active: 3 changes"),
        "{st}"
    );
    assert!(!st.contains("EXPIRED"), "{st}");
    let st = cli::status(dir.path(), now + 7200).unwrap();
    assert!(
        st.contains("EXPIRED: 3 changes still in place") && st.contains("!!! run "),
        "{st}"
    );

    // The player's fix, through the gate, into the run's journal.
    let group = vars("log-group-missing", 0)["group"].clone();
    let out = cli::fix(
        &live,
        &allowed,
        dir.path(),
        None,
        &format!("logs create-log-group --log-group-name {group}"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, json!({}));
    let e = cli::fix(&live, &allowed, dir.path(), None, "ecs describe-clusters").unwrap_err();
    assert!(e.to_string().contains("no live mapping"), "{e}");
    let e = cli::fix(
        &live,
        &[],
        dir.path(),
        None,
        "logs create-log-group --log-group-name /x",
    )
    .unwrap_err();
    assert!(e.to_string().contains("no account is allowed"), "{e}");

    let e = cli::undo(&live, &[], dir.path(), None).unwrap_err();
    assert!(e.to_string().contains("no account is allowed"), "{e}");
    let report = cli::undo(&live, &allowed, dir.path(), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.contains("step 3: service checkout back: on ")
            && report.contains("step 1: retention of /ecs/checkout-api back to 3 days")
            && report.contains("step 4: deleted log group /ecs/"),
        "{report}"
    );
    assert_eq!(fingerprint(&live, &stack).unwrap(), before);
    assert!(cli::status(dir.path(), now).unwrap().contains("undone"));
    assert!(cli::undo(&live, &allowed, dir.path(), None)
        .unwrap_err()
        .to_string()
        .contains("no run to undo"));

    // Reset needs no journal: inject every live scenario, forget the journals, reset.
    let scratch = tempfile::tempdir().unwrap();
    for (k, id) in ids.iter().enumerate() {
        // Runs on top of each other may stop midway (two decoys create the
        // same log group); what they changed is still found by reset.
        if let Err(e) = inject(&live, &stack, scratch.path(), &format!("lost-{k}"), id, 0) {
            eprintln!("{id}: the run stopped: {e}");
        }
    }
    assert_ne!(fingerprint(&live, &stack).unwrap(), before);
    drop(scratch);
    let out = cli::reset(&live, &allowed, STACK).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.contains("restored route 0.0.0.0/0"), "{out}");
    assert_eq!(fingerprint(&live, &stack).unwrap(), before, "{out}");
}

/// Child half of the endpoint test: connects without an explicit endpoint.
#[test]
fn endpoint_child() {
    if std::env::var("FAULTLINE_LIVE_ENDPOINT_CHILD").is_err() {
        return;
    }
    let live = LiveAccount::connect(&super::ConnectOptions {
        region: Some(REGION.into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(live.account_id().unwrap(), ACCOUNT);
}

#[test]
fn aws_endpoint_url_from_the_environment_is_honoured() {
    let Some(moto) = Moto::start() else { return };
    let before = moto.actions().len();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "live::tests::endpoint_child",
            "--exact",
            "--test-threads",
            "1",
        ])
        .env("FAULTLINE_LIVE_ENDPOINT_CHILD", "1")
        .env("AWS_ENDPOINT_URL", moto.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        moto.actions()[before..],
        ["sts:GetCallerIdentity".to_string()]
    );
}

// ------------------------------------------------------------ elbv2 and snapshots

#[test]
fn elbv2_reads_answer_in_the_cli_shapes() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let lb = stack.output("LoadBalancerArn").unwrap();
    let tg = stack.output("TargetGroupArn").unwrap();
    let alb_sg = stack.output("AlbSecurityGroupId").unwrap();
    let sent = moto.actions().len();

    let v = read(&live, "elbv2 describe-load-balancers");
    let b = &v["LoadBalancers"][0];
    assert_eq!(b["LoadBalancerArn"], lb);
    assert_eq!(b["LoadBalancerName"], "shop-prod-alb");
    assert_eq!(b["Scheme"], "internet-facing");
    assert_eq!(b["Type"], "application");
    assert_eq!(b["VpcId"], stack.output("VpcId").unwrap());
    assert_eq!(b["SecurityGroups"], json!([alb_sg]));
    assert_eq!(b["AvailabilityZones"].as_array().unwrap().len(), 2);
    assert_eq!(b["DNSName"], stack.output("LoadBalancerDnsName").unwrap());
    // The model's member order, as the CLI prints it; no pagination marker.
    let keys: Vec<&str> = b.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(pos("LoadBalancerArn") < pos("DNSName"));
    assert!(pos("CreatedTime") < pos("LoadBalancerName"));
    assert!(pos("Scheme") < pos("VpcId") && pos("VpcId") < pos("State"));
    assert!(pos("AvailabilityZones") < pos("SecurityGroups"));
    assert!(v.get("NextMarker").is_none(), "{v}");
    let by_name = read(&live, "elbv2 describe-load-balancers --names shop-prod-alb");
    assert_eq!(by_name["LoadBalancers"][0]["LoadBalancerArn"], lb);
    let by_arn = read(
        &live,
        &format!("elbv2 describe-load-balancers --load-balancer-arns {lb}"),
    );
    assert_eq!(by_arn["LoadBalancers"].as_array().unwrap().len(), 1);

    let v = read(
        &live,
        &format!("elbv2 describe-target-groups --load-balancer-arn {lb}"),
    );
    let t = &v["TargetGroups"][0];
    assert_eq!(t["TargetGroupArn"], tg);
    assert_eq!(t["TargetGroupName"], "checkout-api-tg");
    assert_eq!(t["Protocol"], "HTTP");
    assert_eq!(t["Port"], 80);
    assert_eq!(t["TargetType"], "ip");
    assert_eq!(t["HealthCheckPath"], "/");
    assert_eq!(t["HealthCheckIntervalSeconds"], 10);
    assert_eq!(t["HealthyThresholdCount"], 2);
    assert_eq!(t["UnhealthyThresholdCount"], 3);
    assert_eq!(t["Matcher"], json!({"HttpCode": "200"}));
    assert_eq!(t["LoadBalancerArns"], json!([lb]));
    let keys: Vec<&str> = t.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(pos("TargetGroupArn") < pos("TargetGroupName"));
    assert!(pos("HealthCheckProtocol") < pos("HealthCheckPath"));
    assert!(pos("Matcher") < pos("LoadBalancerArns"));
    let text = cli(
        &live,
        &format!("elbv2 describe-target-groups --target-group-arns {tg} --query 'TargetGroups[0].HealthCheckPath' --output text"),
    );
    assert_eq!(text.trim(), "/");

    // moto runs no tasks: a target group with no targets.
    let v = read(
        &live,
        &format!("elbv2 describe-target-health --target-group-arn {tg}"),
    );
    assert_eq!(v["TargetHealthDescriptions"], json!([]), "{v}");

    let e = read_err(&live, "elbv2 describe-target-groups --names nope");
    assert!(
        e.to_string()
            .starts_with("An error occurred (TargetGroupNotFound)"),
        "{e}"
    );
    let reads = &moto.actions()[sent..];
    assert!(reads.iter().all(|a| is_read(a)), "{reads:?}");
}

#[test]
fn a_snapshot_of_the_live_account_feeds_the_lints() {
    use crate::aws::snapshot::{snapshot, Scope};
    use crate::game::grade::{lints::lint, AppliedFix};
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let scope = Scope::new("prod", "checkout");
    let sent = moto.actions().len();
    let before = snapshot(&live, &scope).unwrap_or_else(|e| panic!("{e}"));
    let svc = before.service("prod", "checkout").expect("the service");
    assert_eq!(svc.desired_count, 2);
    assert_eq!(
        svc.network.subnets,
        [
            stack.output("PrivateSubnetA").unwrap(),
            stack.output("PrivateSubnetB").unwrap()
        ]
    );
    let td = before
        .task_definition(&svc.task_definition)
        .expect("its task definition");
    assert!(td.def.container_definitions[0].awslogs().is_some());
    let exec = &before.roles["checkout-task-execution"];
    assert!(exec.trust.trusts_service("ecs-tasks.amazonaws.com"));
    assert_eq!(exec.attached, [super::fixture::EXEC_POLICY]);
    assert!(exec.inline.contains_key("pull-through-cache"));
    // The managed policy's document came URL-encoded from IAM.
    assert_eq!(
        before.role_allows(&exec.arn, "ecr:GetAuthorizationToken", "*"),
        crate::world::Decision::Allow
    );
    assert!(before.roles.contains_key("checkout-task"));
    let rt = before
        .route_table_for(stack.output("PrivateSubnetA").unwrap())
        .expect("its route table");
    assert_eq!(rt.id, stack.output("PrivateRouteTableA").unwrap());
    let lb = &before.load_balancers[stack.output("LoadBalancerArn").unwrap()];
    assert_eq!(lb.scheme, "internet-facing");
    assert_eq!(
        lb.security_groups,
        [stack.output("AlbSecurityGroupId").unwrap()]
    );
    assert!(before
        .target_groups
        .contains_key(stack.output("TargetGroupArn").unwrap()));
    assert!(before.security_groups.len() >= 2);
    let reads = &moto.actions()[sent..];
    assert!(
        reads.iter().all(|a| is_read(a)),
        "a snapshot only reads: {reads:?}"
    );

    // A bad fix made outside faultline is judged as on the simulator.
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    live.block_on(
        live.clients
            .iam
            .attach_role_policy()
            .role_name("checkout-task-execution")
            .policy_arn(admin)
            .send(),
    )
    .expect("moto attaches the policy");
    let after = snapshot(&live, &scope.clone().with_roles_of(&before)).unwrap();
    let line =
        format!("iam attach-role-policy --role-name checkout-task-execution --policy-arn {admin}");
    let fixes = [AppliedFix {
        line,
        service: "iam".into(),
        operation: "attach-role-policy".into(),
        at: 0,
    }];
    let s = scenario("execution-role-permissions");
    let ids: Vec<&str> = lint(&s, &before, &after, &fixes)
        .iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(ids, ["iam.admin-access"]);
    assert!(lint(&s, &before, &before, &fixes).is_empty());
}
