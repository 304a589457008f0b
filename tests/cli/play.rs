//! `faultline play`: scripted sessions over the seed scenarios (snapshots of the
//! outputs that carry each scenario's key clue), the game verbs, argument
//! errors and unknown commands.

use crate::support::Session;
use faultline::game::SCRIPT_STEP;
use faultline::scenario::Scenario;
use faultline::world::TaskStatus;

const SEED: u64 = 7;

fn session(id: &str) -> Session {
    Session::new(id, SEED)
}

/// The most recently stopped task of the checkout service.
fn stopped_task(s: &Session) -> String {
    s.game
        .inst
        .sim
        .world()
        .tasks
        .values()
        .filter(|t| {
            t.desired_status == TaskStatus::Stopped && t.service.as_deref() == Some("checkout")
        })
        .max_by_key(|t| t.stopping_at)
        .map(|t| t.id.clone())
        .expect("a stopped checkout task")
}

/// Runs lines, returning a transcript `> line` / output.
fn transcript(s: &mut Session, lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        let r = s.execute(l);
        out.push_str(&format!(
            "> {l}\n{}{}\n",
            if r.error { "[error] " } else { "" },
            r.text
        ));
    }
    out
}

#[test]
fn nat_route_missing_clues() {
    let mut s = session("nat-route-missing");
    let task = stopped_task(&s);
    let rtb = s.game.inst.resolve("${rtb:private-${var:zone}}").unwrap();
    let lines = vec![
        "ecs describe-services --cluster prod --services checkout --query 'services[0].deployments[].{status:status,rollout:rolloutState,desired:desiredCount,running:runningCount,failed:failedTasks}' --output table".to_string(),
        format!("ecs describe-tasks --cluster prod --tasks {task} --query 'tasks[0].[lastStatus,stopCode,stoppedReason]' --output text"),
        format!("aws ec2 describe-route-tables --route-table-ids {rtb} --query 'RouteTables[0].Routes'"),
    ];
    insta::assert_snapshot!(transcript(&mut s, &lines));
}

#[test]
fn subnet_exhausted_clues() {
    let mut s = session("subnet-exhausted");
    let task = stopped_task(&s);
    let lines = vec![
        format!("ecs describe-tasks --cluster prod --tasks {task} --query 'tasks[0].{{stopCode:stopCode,reason:stoppedReason,attachments:attachments}}'"),
        "ec2 describe-subnets --filters Name=tag:Name,Values=private-a,private-b,private-c --query 'Subnets[].[Tags[0].Value,SubnetId,CidrBlock,AvailableIpAddressCount]' --output table".to_string(),
    ];
    insta::assert_snapshot!(transcript(&mut s, &lines));
}

#[test]
fn execution_role_permissions_clues() {
    let mut s = session("execution-role-permissions");
    let task = stopped_task(&s);
    let lines = vec![
        format!("ecs describe-tasks --cluster prod --tasks {task} --query 'tasks[0].stoppedReason' --output text"),
        "iam list-attached-role-policies --role-name checkout-task-execution".to_string(),
    ];
    insta::assert_snapshot!(transcript(&mut s, &lines));
}

#[test]
fn oom_killed_clues() {
    let mut s = session("oom-killed");
    let task = stopped_task(&s);
    let lines = vec![
        format!("ecs describe-tasks --cluster prod --tasks {task} --query 'tasks[0].{{stoppedReason:stoppedReason,stopCode:stopCode,containers:containers[].{{name:name,exitCode:exitCode,reason:reason,memory:memory}}}}'"),
        "ecs describe-services --cluster prod --services checkout --query 'services[0].events[:4].message'".to_string(),
    ];
    insta::assert_snapshot!(transcript(&mut s, &lines));
}

#[test]
fn log_group_missing_clues() {
    let mut s = session("log-group-missing");
    let task = stopped_task(&s);
    let lines = vec![
        format!("ecs describe-tasks --cluster prod --tasks {task} --query 'tasks[0].stoppedReason' --output text"),
        "ecs describe-task-definition --task-definition checkout-api --query 'taskDefinition.containerDefinitions[0].logConfiguration'".to_string(),
        "logs describe-log-groups --query 'logGroups[].logGroupName' --output text".to_string(),
    ];
    insta::assert_snapshot!(transcript(&mut s, &lines));
}

#[test]
fn game_verbs() {
    let mut s = session("nat-route-missing");
    let status = s.execute("status");
    assert!(!status.error);
    assert!(
        status.text.contains("commands 1 (par 6)"),
        "{}",
        status.text
    );
    let before = s.game.inst.sim.now();
    let w = s.execute("wait 2m");
    assert!(w.text.starts_with("2m pass."), "{}", w.text);
    assert_eq!(s.game.inst.sim.now() - before, 2 * 60_000 + SCRIPT_STEP);
    let h = s.execute("hint");
    assert!(
        h.text.starts_with("Hint 1 of 3 (costs 5 points):"),
        "{}",
        h.text
    );
    assert_eq!(s.player.hints_taken, 1);
    assert!(s.execute("brief").text.contains("checkout v2.4.0"));
    assert!(s.execute("causes").text.contains("network.no-nat-route"));
    assert!(s.execute("help").text.contains("ecs"));
    assert!(s
        .execute("help ecs describe-tasks")
        .text
        .contains("--tasks"));
    assert!(s.execute("wait").error);
    assert!(s.execute("wait forever").error);
    assert!(s.execute("quit").quit);
}

#[test]
fn errors_do_not_end_the_session() {
    let mut s = session("nat-route-missing");
    let cases = [
        ("ecs describe-taskz --cluster prod", "Did you mean 'ecs describe-tasks'?"),
        ("ecz describe-tasks", "Did you mean 'ecs'?"),
        ("ecs describe-tasks --cluster prod", "aws: error: the following arguments are required: --tasks"),
        ("ecs describe-tasks --cluster prod --tasks x --clustr prod", "Unknown options: --clustr"),
        ("ecs describe-services --cluster nope --services checkout", "An error occurred (ClusterNotFoundException) when calling the DescribeServices operation: Cluster not found."),
        ("ecs list-tasks --cluster prod --output yaml", "yaml"),
        ("ecs list-tasks --cluster prod --query 'taskArns['", "Bad value for --query"),
        ("ec2 create-route --route-table-id rtb-1", "read-only"),
        ("ecs describe-tasks --tasks 'unbalanced", "unbalanced"),
    ];
    for (line, want) in cases {
        let r = s.execute(line);
        assert!(r.error, "{line} should fail");
        assert!(
            r.text.contains(want),
            "{line}: expected {want:?} in {:?}",
            r.text
        );
        assert!(!r.quit);
    }
    assert!(!s.execute("sts get-caller-identity").error);
}

#[test]
fn scripted_play_through_the_binary() {
    let out = crate::support::faultline()
        .args(["play", "nat-route-missing", "--seed", "7"])
        .write_stdin("status\nsts get-caller-identity --query Account --output text\nquit\n")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        stdout.starts_with(
            "faultline — Checkout deploy stuck waiting for stability (difficulty 2, seed 7)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("commands 1 (par 6)"), "{stdout}");
    assert!(!stdout.contains("\x1b["), "no colour when piped");
    assert!(
        stdout.contains("Leaving the incident after 3 commands"),
        "{stdout}"
    );
    assert!(stdout.contains("(seed 7)."), "{stdout}");
    assert!(
        stdout.contains("── scorecard") && stdout.contains("verdict: not submitted"),
        "{stdout}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// No line can crash a session: random mixes of real commands, flags,
    /// quotes, JSON and junk either run or print an error.
    #[test]
    fn no_line_crashes_the_session(words in proptest::collection::vec(proptest::sample::select(vec![
        "aws", "ecs", "ec2", "logs", "iam", "elbv2", "ecr", "sts", "cloudwatch", "ssm", "secretsmanager",
        "describe-tasks", "describe-services", "list-tasks", "describe-subnets", "describe-route-tables",
        "filter-log-events", "tail", "get-role", "describe-target-health", "get-metric-statistics", "describe-images",
        "--cluster", "prod", "--tasks", "--services", "checkout", "--query", "--output", "table", "text", "json", "yaml",
        "--filters", "Name=vpc-id,Values=x", "Name=", "'", "\"", "[", "]", "{", "}", "--since", "-5m", "1h",
        "--start-time", "--end-time", "now", "--period", "60", "--statistics", "Maximum", "--dimensions",
        "--log-group-name", "/ecs/checkout-api", "--role-name", "checkout-task-execution", "--limit", "0", "-1",
        "99999999999999999999", "wait", "hint", "help", "status", "brief", "causes", "fix", "diagnose",
        "tasks[0]", "length(@)", "`", "\\", "é", "\u{0}", "--", "-", "=", ",",
    ]), 0..10)) {
        static BASE: std::sync::OnceLock<(Scenario, faultline::scenario::Instance)> = std::sync::OnceLock::new();
        let (scenario, inst) = BASE.get_or_init(|| {
            let s = session("nat-route-missing");
            (s.game.scenario, s.game.inst)
        });
        let mut s = Session::of(scenario.clone(), inst.clone());
        let line = words.join(" ");
        let r = s.execute(&line);
        proptest::prop_assert!(!r.quit || line.contains("quit") || line.contains("exit"));
    }
}

/// The service's load balancer binding names the wrong port: the targets say
/// so, a task definition rollback is refused by ECS, and the binding's fix
/// heals the rollout once the old targets have drained.
#[test]
fn container_port_mismatch_clues_and_fix() {
    let mut s = session("container-port-mismatch");
    let tg = s.game.inst.resolve("${tg:checkout-api-tg}").unwrap();
    let lines = vec![
        "ecs describe-services --cluster prod --services checkout --query 'services[0].loadBalancers'".to_string(),
        "ecs describe-services --cluster prod --services checkout --query 'services[0].events[?contains(message, `is unhealthy`)] | [0].message' --output text".to_string(),
        "fix ecs update-service --cluster prod --service checkout --task-definition checkout-api:1".to_string(),
        format!("fix ecs update-service --cluster prod --service checkout --load-balancers targetGroupArn={tg},containerName=checkout-api,containerPort=8080"),
        "wait 5m".to_string(),
        "ecs describe-services --cluster prod --services checkout --query 'services[0].{port:loadBalancers[0].containerPort,deployments:length(deployments),rollout:deployments[0].rolloutState,events:events[:5].message}'".to_string(),
        format!("elbv2 describe-target-health --target-group-arn {tg} --query 'TargetHealthDescriptions[].[Target.Port,TargetHealth.State]' --output text"),
    ];
    insta::assert_snapshot!(transcript(&mut s, &lines));
}
