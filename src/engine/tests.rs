//! Engine rules, one fault each, asserted on the exact AWS text of
//! `shared/reference/fargate-failures.md` (written out here, not taken from
//! [`super::messages`], so a drifting template fails a test), plus property
//! tests over random seeds.

use super::{Sim, Step, StopCause};
use crate::scenario::build::{build_world, create_services};
use crate::scenario::format::Environment;
use crate::scenario::{parse_yaml, Mode, Scenario};
use crate::time::{days_from_civil, Millis, HOUR, MINUTE, SECOND};
use crate::world::{EniOwner, RolloutState, Service, Task, TaskStatus, MAX_SERVICE_EVENTS};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

mod secrets;

// ---------------------------------------------------------------------------
// A small account: one VPC, a public and a private subnet, IGW, NAT, one
// service `web` of desired 1 in cluster `test`, logging to `/ecs/web`.
// ---------------------------------------------------------------------------

const BASE: &str = r#"
description: faultline engine unit tests
region: eu-west-1
vpc: {name: test, cidr: 10.0.0.0/16}
internet_gateway: test-igw
subnets:
  - {name: public-a, az: a, cidr: 10.0.0.0/24, public: true}
  - {name: private-a, az: a, cidr: 10.0.10.0/27}
nat_gateways:
  - {name: nat-a, subnet: public-a}
route_tables:
  - name: public
    subnets: [public-a]
    routes:
      - {destination: 0.0.0.0/0, internet_gateway: true}
  - name: private
    subnets: [private-a]
    routes:
      - {destination: 0.0.0.0/0, nat_gateway: nat-a}
security_groups:
  - name: alb
    ingress:
      - {protocol: tcp, port: 80, cidr: 0.0.0.0/0}
    egress:
      - {protocol: tcp, port: 8080, group: tasks}
  - name: tasks
    ingress:
      - {protocol: tcp, port: 8080, group: alb}
roles:
  - name: exec
    trust: ecs-tasks.amazonaws.com
    managed: [AmazonECSTaskExecutionRolePolicy]
profiles:
  web-1:
    entrypoint: /usr/local/bin/web
    startup: 5s
    port: 8080
    health_path: /health
    memory: {start: 100, peak: 200}
    logs:
      - {after: 1s, line: "web 1.0 starting"}
      - {after: 3s, line: "connected to cache"}
      - {after: 5s, line: "listening on :8080"}
  hungry:
    entrypoint: /usr/local/bin/web
    startup: 5s
    port: 8080
    health_path: /health
    memory: {start: 100, growth_per_minute: 600, peak: 400}
    logs:
      - {after: 1s, line: "hungry starting"}
  hungrier:
    entrypoint: /usr/local/bin/web
    startup: 5s
    port: 8080
    health_path: /health
    memory: {start: 100, growth_per_minute: 600, peak: 600}
repositories:
  - name: web
    images:
      - {tags: [v1], profile: web-1, size_mb: 40}
      - {tags: [hungry], profile: hungry, size_mb: 40}
      - {tags: [hungrier], profile: hungrier, size_mb: 40}
log_groups:
  - {name: /ecs/web}
#LB#
clusters: [test]
task_definitions:
  - family: web
    executionRoleArn: ${role:exec}
    cpu: "256"
    memory: "512"
    containerDefinitions:
      - name: web
        image: ${repo:web}:v1
        memory: 256
        portMappings:
          - {containerPort: 8080}
        logConfiguration:
          logDriver: awslogs
          options:
            awslogs-group: /ecs/web
            awslogs-region: eu-west-1
            awslogs-stream-prefix: ecs
services:
  - name: web
    cluster: test
    task_definition: web
    desired: 1
    subnets: [private-a]
    security_groups: [tasks]
"#;

const ALB: &str = r#"load_balancers:
  - name: web-alb
    subnets: [public-a]
    security_groups: [alb]
target_groups:
  - name: web-tg
    port: 8080
    load_balancer: web-alb
    deregistration_delay: 30
    health_check: {path: /health, interval: 10, healthy_threshold: 2, unhealthy_threshold: 3}
"#;

const REGION: &str = "eu-west-1";
const SEED: u64 = 42;

/// 2026-03-02T10:00:00Z.
fn t0() -> Millis {
    days_from_civil(2026, 3, 2) * 24 * HOUR + 10 * HOUR
}

/// `text` with `from` replaced by `to`; the pattern must be there (so no
/// test silently runs the base account).
fn tweak(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "pattern {from:?} not in the YAML");
    text.replacen(from, to, 1)
}

/// The base account with an ALB and target group in front of the service.
fn with_alb(text: &str) -> String {
    let mut s = tweak(text, "#LB#", ALB);
    s.push_str("    load_balancer: {target_group: web-tg, container: web, port: 8080}\n");
    s
}

/// A service line appended to the (last) service.
fn with_service_line(text: &str, line: &str) -> String {
    format!("{text}    {line}\n")
}

/// A simulation of `yaml` at t0, the services created but nothing run yet.
fn sim_of(yaml: &str, seed: u64) -> Sim {
    let env: Environment =
        parse_yaml(Path::new("test.yaml"), yaml).unwrap_or_else(|e| panic!("{e}"));
    let world = build_world(&env, seed, t0()).unwrap_or_else(|e| panic!("{e:?}"));
    let mut sim = Sim::new(world, t0());
    create_services(&mut sim, &env).unwrap_or_else(|e| panic!("{e:?}"));
    sim
}

fn base_sim() -> Sim {
    sim_of(BASE, SEED)
}

fn apply(sim: &mut Sim, line: &str) {
    crate::awscli::command::write(sim, line)
        .map(|(_, v)| v)
        .unwrap_or_else(|e| panic!("{line}: {e}"));
}

fn run(sim: &mut Sim, d: Millis) {
    sim.run_for(d)
        .unwrap_or_else(|e| panic!("seed {SEED}: {e}"));
}

/// Runs in one-second steps until `done` holds (true) or `limit` passes (false).
fn run_until(sim: &mut Sim, limit: Millis, done: impl Fn(&Sim) -> bool) -> bool {
    let end = sim.now() + limit;
    while sim.now() < end {
        if done(sim) {
            return true;
        }
        run(sim, SECOND);
    }
    done(sim)
}

fn name(sim: &Sim, key: &str) -> String {
    sim.world
        .name(key)
        .unwrap_or_else(|| panic!("no {key}"))
        .to_string()
}

fn svc(sim: &Sim) -> &Service {
    sim.world.service("test", "web").expect("service web")
}

/// Service event messages, newest first.
fn events(sim: &Sim) -> Vec<String> {
    svc(sim).events.iter().map(|e| e.message.clone()).collect()
}

fn has_event(sim: &Sim, msg: &str) -> bool {
    svc(sim).events.iter().any(|e| e.message == msg)
}

/// Tasks, oldest first.
fn tasks(sim: &Sim) -> Vec<&Task> {
    let mut v: Vec<&Task> = sim.world.tasks.values().collect();
    v.sort_by_key(|t| (t.created_at, t.id.clone()));
    v
}

fn any_stopped(sim: &Sim) -> bool {
    sim.world
        .tasks
        .values()
        .any(|t| t.last_status == TaskStatus::Stopped)
}

/// The oldest task that reached STOPPED.
fn first_stopped(sim: &Sim) -> Task {
    tasks(sim)
        .into_iter()
        .find(|t| t.last_status == TaskStatus::Stopped)
        .cloned()
        .expect("a stopped task")
}

/// Runs until a task has stopped, and returns it.
fn run_to_first_stop(sim: &mut Sim, limit: Millis) -> Task {
    assert!(
        run_until(sim, limit, any_stopped),
        "no task stopped within {limit} ms; events: {:#?}",
        events(sim)
    );
    first_stopped(sim)
}

fn principal(sim: &Sim, task: &str) -> String {
    format!(
        "arn:aws:sts::{}:assumed-role/exec/{task}",
        sim.world.account
    )
}

/// The text between `after` and `until` in `s` (e.g. a request id).
fn between<'a>(s: &'a str, after: &str, until: &str) -> &'a str {
    let i = s
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} not in {s}"))
        + after.len();
    let j = s[i..]
        .find(until)
        .unwrap_or_else(|| panic!("{until:?} not in {s}"));
    &s[i..i + j]
}

fn assert_uuid(s: &str) {
    let parts: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    assert_eq!(lens, vec![8, 4, 4, 4, 12], "not a UUID: {s}");
    assert!(
        s.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "not a UUID: {s}"
    );
}

fn assert_failed_to_start(t: &Task, reason: &str) {
    assert_eq!(t.last_status, TaskStatus::Stopped);
    assert_eq!(t.desired_status, TaskStatus::Stopped);
    assert_eq!(t.stop_code.as_deref(), Some("TaskFailedToStart"));
    assert_eq!(t.stopped_reason.as_deref(), Some(reason));
    for c in &t.containers {
        assert_eq!(c.exit_code, None, "container {} has an exit code", c.name);
    }
}

fn unable_to_place(reason: &str) -> String {
    format!("(service web) was unable to place a task. Reason: {reason}.")
}

const POLICY_EXEC: &str = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

// ---------------------------------------------------------------------------
// 1. Healthy baseline.
// ---------------------------------------------------------------------------

#[test]
fn healthy_service_reaches_steady_state() {
    let mut sim = base_sim();
    run(&mut sim, 10 * MINUTE);
    let s = svc(&sim);
    assert_eq!(s.deployments.len(), 1);
    let dep = &s.deployments[0];
    assert_eq!(dep.rollout_state, RolloutState::Completed);
    assert_eq!(
        dep.rollout_state_reason,
        format!("ECS deployment {} completed.", dep.id)
    );
    assert!(has_event(&sim, "(service web) has reached a steady state."));
    assert!(has_event(
        &sim,
        &format!(
            "(service web) (deployment {}) deployment completed.",
            dep.id
        )
    ));
    let all = tasks(&sim);
    assert_eq!(all.len(), 1, "one task, never replaced");
    let t = all[0];
    assert_eq!(t.last_status, TaskStatus::Running);
    assert_eq!(t.desired_status, TaskStatus::Running);
    assert_eq!(t.started_by, dep.id);
    assert_eq!(t.service.as_deref(), Some("web"));
    assert!(has_event(
        &sim,
        &format!("(service web) has started 1 tasks: (task {}).", t.id)
    ));
    assert!(sim.steady_since("test", "web").is_some());
}

#[test]
fn healthy_service_behind_alb_has_a_healthy_target() {
    let mut sim = sim_of(&with_alb(BASE), SEED);
    run(&mut sim, 10 * MINUTE);
    let dep = &svc(&sim).deployments[0];
    assert_eq!(dep.rollout_state, RolloutState::Completed);
    assert!(has_event(&sim, "(service web) has reached a steady state."));
    let t = tasks(&sim)[0];
    assert_eq!(t.last_status, TaskStatus::Running);
    let tg_arn = name(&sim, "tg:web-tg");
    let tg = &sim.world.target_groups[&tg_arn];
    assert_eq!(tg.targets.len(), 1);
    let target = &tg.targets[0];
    assert_eq!(target.task_id, t.id);
    assert_eq!(target.state, "healthy");
    assert_eq!(
        Some(target.ip.as_str()),
        t.attachment.as_ref().map(|a| a.private_ip.as_str())
    );
    assert!(has_event(
        &sim,
        &format!("(service web) registered 1 targets in (target-group {tg_arn})")
    ));
}

// ---------------------------------------------------------------------------
// 2. Private subnet without a NAT route.
// ---------------------------------------------------------------------------

fn ecr_auth_timeout(ip: &str) -> String {
    format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.{REGION}.amazonaws.com/\": dial tcp {ip}:443: i/o timeout"
    )
}

fn ecr_ip(sim: &Sim) -> String {
    let host = format!("api.ecr.{REGION}.amazonaws.com");
    let ip = sim
        .world
        .endpoint_ips
        .get(&host)
        .unwrap_or_else(|| panic!("{host} never resolved"))
        .clone();
    assert!(
        crate::world::parse_ip(&ip).is_some(),
        "not an address: {ip}"
    );
    ip
}

/// Virtual instants of trace lines `task <id> <suffix>`.
fn trace_at(sim: &Sim, task: &str, suffix: &str) -> Vec<Millis> {
    let line = format!("task {task} {suffix}");
    sim.trace
        .iter()
        .filter(|(_, l)| *l == line)
        .map(|(t, _)| *t)
        .collect()
}

#[test]
fn missing_nat_route_times_out_on_ecr_auth() {
    let mut sim = base_sim();
    sim.trace_on = true;
    let rtb = name(&sim, "rtb:private");
    apply(
        &mut sim,
        &format!("ec2 delete-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0"),
    );
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    assert_failed_to_start(&t, &ecr_auth_timeout(&ecr_ip(&sim)));
    assert!(has_event(
        &sim,
        &unable_to_place(&ecr_auth_timeout(&ecr_ip(&sim)))
    ));
    // The SDK retries until its timeout: the task sits in PENDING >= 90 s.
    let pending = trace_at(&sim, &t.id, "PENDING");
    let stopping = trace_at(&sim, &t.id, "stopping (TaskFailedToStart)");
    assert_eq!((pending.len(), stopping.len()), (1, 1), "{:#?}", sim.trace);
    assert!(
        stopping[0] - pending[0] >= 90 * SECOND,
        "failed {} ms after PENDING",
        stopping[0] - pending[0]
    );
    assert!(matches!(t.stop_cause, Some(StopCause::Unreachable { .. })));
}

#[test]
fn missing_nat_route_fails_only_the_new_deployment() {
    let mut sim = base_sim();
    run(&mut sim, 5 * MINUTE);
    let old = tasks(&sim)[0].id.clone();
    let rtb = name(&sim, "rtb:private");
    apply(
        &mut sim,
        &format!("ec2 delete-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0"),
    );
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --force-new-deployment",
    );
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    assert_ne!(t.id, old);
    assert_eq!(t.started_by, svc(&sim).deployments[0].id);
    assert_failed_to_start(&t, &ecr_auth_timeout(&ecr_ip(&sim)));
    // The old task keeps serving: minimum healthy 100 %.
    assert_eq!(sim.world.tasks[&old].last_status, TaskStatus::Running);
}

// ---------------------------------------------------------------------------
// 3. Subnet with no free address.
// ---------------------------------------------------------------------------

fn fill_subnet(sim: &mut Sim, subnet: &str) {
    while sim.world.available_ips(subnet) > 0 {
        sim.world
            .create_eni(
                subnet,
                EniOwner::Other("test".into()),
                "AWS Lambda VPC ENI-test".into(),
                "interface",
                vec![],
            )
            .expect("an address while some are free");
    }
    sim.world_changed();
}

#[test]
fn full_subnet_fails_eni_creation() {
    let mut sim = base_sim();
    let subnet = name(&sim, "subnet:private-a");
    fill_subnet(&mut sim, &subnet);
    assert_eq!(sim.world.available_ips(&subnet), 0);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = format!(
        "Unexpected EC2 error while attempting to Create Network Interface in subnet '{subnet}': InsufficientFreeAddressesInSubnet"
    );
    assert_failed_to_start(&t, &reason);
    assert!(t.attachment.is_none(), "no ENI, so no attachment");
    assert!(has_event(&sim, &unable_to_place(&reason)));
    assert_eq!(
        t.stop_cause,
        Some(StopCause::NoFreeIp {
            subnet: subnet.clone()
        })
    );
}

#[test]
fn full_subnet_with_public_ip_names_the_public_ip_form() {
    let yaml = tweak(
        BASE,
        "subnets: [private-a]\n    security_groups",
        "subnets: [public-a]\n    security_groups",
    );
    let yaml = with_service_line(&yaml, "public_ip: true");
    let mut sim = sim_of(&yaml, SEED);
    let subnet = name(&sim, "subnet:public-a");
    fill_subnet(&mut sim, &subnet);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    assert_failed_to_start(
        &t,
        &format!("Unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet '{subnet}': InsufficientFreeAddressesInSubnet"),
    );
}

// ---------------------------------------------------------------------------
// 4. Execution role without ecr:GetAuthorizationToken.
// ---------------------------------------------------------------------------

fn put_inline(sim: &mut Sim, name: &str, doc: &str) {
    apply(
        sim,
        &format!(
            "iam put-role-policy --role-name exec --policy-name {name} --policy-document '{doc}'"
        ),
    );
}

fn ecr_auth_denied(principal: &str, rid: &str, why: &str) -> String {
    format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 1 time(s): operation error ECR: GetAuthorizationToken, https response error StatusCode: 400, RequestID: {rid}, api error AccessDeniedException: User: {principal} is not authorized to perform: ecr:GetAuthorizationToken on resource: * {why}"
    )
}

#[test]
fn exec_role_without_get_authorization_token() {
    let mut sim = base_sim();
    apply(
        &mut sim,
        &format!("iam detach-role-policy --role-name exec --policy-arn {POLICY_EXEC}"),
    );
    put_inline(
        &mut sim,
        "logs-only",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    );
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    let rid = between(&reason, "RequestID: ", ",");
    assert_uuid(rid);
    assert!(reason
        .contains("because no identity-based policy allows the ecr:GetAuthorizationToken action"));
    let expected = ecr_auth_denied(
        &principal(&sim, &t.id),
        rid,
        "because no identity-based policy allows the ecr:GetAuthorizationToken action",
    );
    assert_failed_to_start(&t, &expected);
    assert_eq!(
        t.stop_cause,
        Some(StopCause::IamDenied {
            role: "exec".into(),
            action: "ecr:GetAuthorizationToken".into(),
            resource: "*".into(),
        })
    );
}

#[test]
fn exec_role_with_explicit_deny_on_get_authorization_token() {
    let mut sim = base_sim();
    put_inline(
        &mut sim,
        "no-ecr-auth",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}"#,
    );
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    let rid = between(&reason, "RequestID: ", ",");
    assert_uuid(rid);
    let expected = ecr_auth_denied(
        &principal(&sim, &t.id),
        rid,
        "with an explicit deny in an identity-based policy",
    );
    assert_failed_to_start(&t, &expected);
}

// ---------------------------------------------------------------------------
// 5. Execution role without logs:CreateLogStream.
// ---------------------------------------------------------------------------

#[test]
fn exec_role_without_create_log_stream() {
    let mut sim = base_sim();
    apply(
        &mut sim,
        &format!("iam detach-role-policy --role-name exec --policy-arn {POLICY_EXEC}"),
    );
    put_inline(
        &mut sim,
        "no-create-stream",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","logs:PutLogEvents"],"Resource":"*"}]}"#,
    );
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    let rid = between(&reason, "request id: ", " :");
    assert_uuid(rid);
    let stream_arn = format!(
        "arn:aws:logs:{REGION}:{}:log-group:/ecs/web:log-stream:ecs/web/{}",
        sim.world.account, t.id
    );
    let expected = format!(
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: {} is not authorized to perform: logs:CreateLogStream on resource: {stream_arn} because no identity-based policy allows the logs:CreateLogStream action status code: 400, request id: {rid} : exit status 1",
        principal(&sim, &t.id)
    );
    assert_failed_to_start(&t, &expected);
    assert!(
        sim.world.log_groups["/ecs/web"].streams.is_empty(),
        "no stream was created"
    );
}

// ---------------------------------------------------------------------------
// 6. Broken awslogs configuration.
// ---------------------------------------------------------------------------

#[test]
fn missing_log_group() {
    let mut sim = base_sim();
    apply(&mut sim, "logs delete-log-group --log-group-name /ecs/web");
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    assert_failed_to_start(
        &t,
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1",
    );
    assert_eq!(
        t.stop_cause,
        Some(StopCause::LogGroupMissing {
            group: "/ecs/web".into()
        })
    );
}

#[test]
fn missing_awslogs_region() {
    let yaml = tweak(BASE, "            awslogs-region: eu-west-1\n", "");
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    assert_failed_to_start(
        &t,
        "ResourceInitializationError: failed to validate logger args: unable to get awslogs driver arguments: awslogs-region is required",
    );
}

#[test]
fn missing_awslogs_group_is_asked_for_before_the_region() {
    let yaml = tweak(BASE, "            awslogs-group: /ecs/web\n", "");
    let yaml = tweak(&yaml, "            awslogs-region: eu-west-1\n", "");
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    assert_failed_to_start(
        &t,
        "ResourceInitializationError: failed to validate logger args: unable to get awslogs driver arguments: awslogs-group is required",
    );
    assert_eq!(t.stop_cause, Some(StopCause::LogGroupOptionMissing));
}

#[test]
fn a_misspelt_awslogs_key_leaves_the_option_missing() {
    let yaml = tweak(
        BASE,
        "            awslogs-region: eu-west-1\n",
        "            awslogs-regoin: eu-west-1\n",
    );
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    assert_failed_to_start(
        &t,
        "ResourceInitializationError: failed to validate logger args: unable to get awslogs driver arguments: awslogs-region is required",
    );
    assert_eq!(t.stop_cause, Some(StopCause::LogRegionMissing));
}

#[test]
fn awslogs_region_of_another_region_does_not_find_the_group() {
    // The group exists, in the account's region (eu-west-1), not in us-west-2.
    let yaml = tweak(
        BASE,
        "            awslogs-region: eu-west-1\n",
        "            awslogs-region: us-west-2\n",
    );
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    assert_failed_to_start(
        &t,
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1",
    );
    assert_eq!(
        t.stop_cause,
        Some(StopCause::LogRegionWrong {
            group: "/ecs/web".into(),
            region: "us-west-2".into()
        })
    );
    assert!(
        sim.world.log_groups["/ecs/web"].streams.is_empty(),
        "no stream in the account's group"
    );
}

#[test]
fn awslogs_region_that_is_no_region_does_not_resolve() {
    let yaml = tweak(
        BASE,
        "            awslogs-region: eu-west-1\n",
        "            awslogs-region: eu-west1\n",
    );
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    // The VPC is 10.0.0.0/16: its DNS server is 10.0.0.2.
    assert_failed_to_start(
        &t,
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 7 times: failed to create Cloudwatch log stream: RequestError: send request failed caused by: Post \"https://logs.eu-west1.amazonaws.com/\": dial tcp: lookup logs.eu-west1.amazonaws.com on 10.0.0.2:53: no such host : exit status 1",
    );
    assert_eq!(
        t.stop_cause,
        Some(StopCause::LogRegionInvalid {
            region: "eu-west1".into()
        })
    );
}

#[test]
fn a_different_stream_prefix_is_no_failure() {
    let yaml = tweak(
        BASE,
        "            awslogs-stream-prefix: ecs\n",
        "            awslogs-stream-prefix: web-prod\n",
    );
    let mut sim = sim_of(&yaml, SEED);
    run(&mut sim, 10 * MINUTE);
    assert!(has_event(&sim, "(service web) has reached a steady state."));
    assert!(!any_stopped(&sim));
    let streams: Vec<&String> = sim.world.log_groups["/ecs/web"].streams.keys().collect();
    assert_eq!(streams.len(), 1);
    assert!(streams[0].starts_with("web-prod/web/"), "{streams:?}");
}

// ---------------------------------------------------------------------------
// 7. Out of memory.
// ---------------------------------------------------------------------------

fn oom_stop(yaml: &str) -> (Sim, Task) {
    let mut sim = sim_of(yaml, SEED);
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    (sim, t)
}

#[test]
fn oom_above_container_hard_limit() {
    let yaml = tweak(BASE, "${repo:web}:v1", "${repo:web}:hungry");
    let (sim, t) = oom_stop(&yaml);
    assert_eq!(t.last_status, TaskStatus::Stopped);
    assert_eq!(t.stop_code.as_deref(), Some("EssentialContainerExited"));
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some("Essential container in task exited")
    );
    let c = &t.containers[0];
    assert_eq!(c.exit_code, Some(137));
    assert_eq!(
        c.reason.as_deref(),
        Some("OutOfMemoryError: container killed due to memory usage")
    );
    assert_eq!(
        t.stop_cause,
        Some(StopCause::OutOfMemory {
            container: "web".into(),
            limit_mib: 256
        })
    );
    assert!(t.started_at.is_some(), "it ran before it was killed");
    assert!(has_event(
        &sim,
        &format!(
            "(service web) has stopped 1 running tasks: (task {}).",
            t.id
        )
    ));
}

#[test]
fn oom_without_container_limit_uses_task_memory() {
    // 400 MiB fits the 512 MiB task: no OOM once the 256 MiB container limit is gone.
    let yaml = tweak(BASE, "${repo:web}:v1", "${repo:web}:hungry");
    let yaml = tweak(&yaml, "        memory: 256\n", "");
    let mut sim = sim_of(&yaml, SEED);
    run(&mut sim, 10 * MINUTE);
    assert!(!any_stopped(&sim), "{:#?}", events(&sim));
    assert_eq!(tasks(&sim)[0].last_status, TaskStatus::Running);

    // 600 MiB does not: killed at the task's 512 MiB.
    let yaml = tweak(BASE, "${repo:web}:v1", "${repo:web}:hungrier");
    let yaml = tweak(&yaml, "        memory: 256\n", "");
    let (_, t) = oom_stop(&yaml);
    assert_eq!(t.containers[0].exit_code, Some(137));
    assert_eq!(
        t.stop_cause,
        Some(StopCause::OutOfMemory {
            container: "web".into(),
            limit_mib: 512
        })
    );
    // 100 MiB + 600 MiB/min (x 0.85..1.15 per task) passes 512 MiB after
    // 36 to 49 s of uptime (256 MiB would be 13 to 19 s).
    let up = t.stopping_at.unwrap() - t.started_at.unwrap();
    assert!(
        (35 * SECOND..=49 * SECOND).contains(&up),
        "killed after {up} ms"
    );
}

// ---------------------------------------------------------------------------
// 8. Log lines.
// ---------------------------------------------------------------------------

#[test]
fn log_lines_land_in_the_task_stream() {
    let mut sim = base_sim();
    run(&mut sim, 5 * MINUTE);
    let t = tasks(&sim)[0].clone();
    let g = &sim.world.log_groups["/ecs/web"];
    let stream_name = format!("ecs/web/{}", t.id);
    let names: Vec<&String> = g.streams.keys().collect();
    assert_eq!(names, vec![&stream_name]);
    let s = &g.streams[&stream_name];
    let lines: Vec<&str> = s.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        lines,
        vec![
            "web 1.0 starting",
            "connected to cache",
            "listening on :8080"
        ]
    );
    let start = t.started_at.unwrap();
    let at: Vec<Millis> = s.events.iter().map(|e| e.timestamp - start).collect();
    assert_eq!(at, vec![SECOND, 3 * SECOND, 5 * SECOND]);
}

// ---------------------------------------------------------------------------
// 9. Deployment circuit breaker.
// ---------------------------------------------------------------------------

/// [V] 0.5 x desired count, at least 3, at most 200.
fn threshold(desired: u32) -> u32 {
    desired.div_ceil(2).clamp(3, 200)
}

/// A healthy service (breaker as given), then a deployment of an image tag that does not exist.
fn failing_deployment(deployment: &str) -> (Sim, String, String) {
    let yaml = with_service_line(BASE, deployment);
    let mut sim = sim_of(&yaml, SEED);
    run(&mut sim, 5 * MINUTE);
    let good = svc(&sim).deployments[0].clone();
    assert_eq!(good.rollout_state, RolloutState::Completed);
    let mut def = sim.world.task_definition("web").unwrap().def.clone();
    def.container_definitions[0].image = format!("{}/web:v9", sim.world.registry());
    let now = sim.now();
    let td = crate::aws::sim::write::register(&mut sim.world, def, now).unwrap();
    apply(
        &mut sim,
        &format!(
            "ecs update-service --cluster test --service web --task-definition {}",
            td.family_revision()
        ),
    );
    let bad = svc(&sim).deployments[0].id.clone();
    assert_ne!(bad, good.id);
    (sim, good.id, bad)
}

fn failed_of(sim: &Sim, dep: &str) -> usize {
    sim.world
        .tasks
        .values()
        .filter(|t| t.started_by == dep && t.stop_code.as_deref() == Some("TaskFailedToStart"))
        .count()
}

#[test]
fn circuit_breaker_rolls_back() {
    let (mut sim, good, bad) =
        failing_deployment("deployment: {circuit_breaker: true, rollback: true}");
    let failed =
        format!("(service web) (deployment {bad}) deployment failed: tasks failed to start.");
    assert!(
        run_until(&mut sim, 30 * MINUTE, |s| has_event(s, &failed)),
        "{:#?}",
        events(&sim)
    );
    assert_eq!(failed_of(&sim, &bad), threshold(1) as usize);
    let first_bad = tasks(&sim)
        .into_iter()
        .find(|t| t.started_by == bad)
        .cloned()
        .unwrap();
    assert_failed_to_start(
        &first_bad,
        &format!(
            "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref {}.dkr.ecr.{REGION}.amazonaws.com/web:v9: not found",
            sim.world.account
        ),
    );
    let primary = svc(&sim).deployments[0].clone();
    assert_ne!(primary.id, bad);
    assert_ne!(primary.id, good, "the rollback is a deployment of its own");
    assert_eq!(
        primary.task_definition,
        sim.world.task_definition("web:1").unwrap().arn,
        "rolled back to the task definition of the last completed deployment"
    );
    let back = format!("(service web) rolling back to deployment {}.", primary.id);
    let ev = events(&sim);
    let i_back = ev
        .iter()
        .position(|e| *e == back)
        .expect("rolling back event");
    let i_failed = ev.iter().position(|e| *e == failed).unwrap();
    assert!(i_back < i_failed, "rolling back is said after the failure");
    run(&mut sim, 15 * MINUTE);
    let s = svc(&sim);
    assert_eq!(s.deployments.len(), 1);
    assert_eq!(s.deployments[0].id, primary.id);
    assert_eq!(s.deployments[0].rollout_state, RolloutState::Completed);
    assert_eq!(
        failed_of(&sim, &bad),
        threshold(1) as usize,
        "no launches after the trip"
    );
}

#[test]
fn circuit_breaker_without_rollback_marks_the_deployment_failed() {
    let (mut sim, good, bad) =
        failing_deployment("deployment: {circuit_breaker: true, rollback: false}");
    run(&mut sim, 45 * MINUTE);
    let s = svc(&sim);
    let dep = s
        .deployments
        .iter()
        .find(|d| d.id == bad)
        .expect("failed deployment");
    assert_eq!(dep.rollout_state, RolloutState::Failed);
    assert_eq!(
        dep.rollout_state_reason,
        "ECS deployment circuit breaker: tasks failed to start."
    );
    assert_eq!(failed_of(&sim, &bad), threshold(1) as usize);
    assert_eq!(dep.failed_tasks, threshold(1));
    assert!(has_event(
        &sim,
        &format!("(service web) (deployment {bad}) deployment failed: tasks failed to start.")
    ));
    assert!(!events(&sim).iter().any(|e| e.contains("rolling back")));
    // The old task keeps running.
    let running: Vec<&Task> = tasks(&sim)
        .into_iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .collect();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].started_by, good);
}

#[test]
fn circuit_breaker_rolls_back_after_the_old_tasks_were_drained() {
    // The docs: "the service is rolled back to the last deployment that completed
    // successfully". With minimumHealthyPercent 0 the old task is stopped at once.
    let (mut sim, _good, bad) = failing_deployment(
        "deployment: {min_healthy_percent: 0, circuit_breaker: true, rollback: true}",
    );
    let failed =
        format!("(service web) (deployment {bad}) deployment failed: tasks failed to start.");
    assert!(
        run_until(&mut sim, 30 * MINUTE, |s| has_event(s, &failed)),
        "{:#?}",
        events(&sim)
    );
    run(&mut sim, 15 * MINUTE);
    let primary = svc(&sim).deployments[0].clone();
    assert_ne!(
        primary.id,
        bad,
        "a rollback deployment is PRIMARY: {:#?}",
        events(&sim)
    );
    assert!(has_event(
        &sim,
        &format!("(service web) rolling back to deployment {}.", primary.id)
    ));
    assert_eq!(
        primary.task_definition,
        sim.world.task_definition("web:1").unwrap().arn
    );
    assert_eq!(primary.rollout_state, RolloutState::Completed);
}

#[test]
fn breaker_threshold_follows_the_reference() {
    for (desired, want) in [
        (0, 3),
        (1, 3),
        (5, 3),
        (6, 3),
        (7, 4),
        (10, 5),
        (399, 200),
        (1000, 200),
    ] {
        assert_eq!(
            super::scheduler::circuit_breaker_threshold(desired),
            want,
            "desired {desired}"
        );
        assert_eq!(threshold(desired), want);
    }
}

// ---------------------------------------------------------------------------
// 10. Repeated failures, pruning, event retention.
// ---------------------------------------------------------------------------

const CONSISTENTLY: &str = "(service web) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";

fn log_group_missing_sim() -> Sim {
    let mut sim = base_sim();
    apply(&mut sim, "logs delete-log-group --log-group-name /ecs/web");
    sim
}

#[test]
fn unable_to_consistently_start_after_repeated_failures() {
    let mut sim = log_group_missing_sim();
    run(&mut sim, 30 * MINUTE);
    let mut ev = events(&sim);
    ev.reverse(); // oldest first
    let said: Vec<usize> = ev
        .iter()
        .enumerate()
        .filter(|(_, e)| *e == CONSISTENTLY)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(said.len(), 1, "said once per episode: {ev:#?}");
    let failures_before = ev[..said[0]]
        .iter()
        .filter(|e| e.contains("was unable to place a task"))
        .count();
    assert_eq!(failures_before, 3, "{ev:#?}");
}

#[test]
fn stopped_tasks_are_pruned_after_an_hour() {
    let mut sim = log_group_missing_sim();
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    let stopped_at = t.stopped_at.expect("stoppedAt");
    // ECS keeps stopped tasks visible for about an hour.
    sim.run_until(stopped_at + HOUR - 1).unwrap();
    assert!(
        sim.world.tasks.contains_key(&t.id),
        "still listed just before the hour"
    );
    sim.run_until(stopped_at + HOUR).unwrap();
    assert!(!sim.world.tasks.contains_key(&t.id), "gone after the hour");
}

#[test]
fn at_most_100_events_newest_first() {
    let mut sim = log_group_missing_sim();
    sim.trace_on = true;
    run(&mut sim, 20 * HOUR);
    let said: Vec<&str> = sim
        .trace
        .iter()
        .filter_map(|(_, l)| l.strip_prefix("event "))
        .collect();
    assert!(
        said.len() > MAX_SERVICE_EVENTS,
        "only {} events",
        said.len()
    );
    let kept = &svc(&sim).events;
    assert_eq!(kept.len(), MAX_SERVICE_EVENTS);
    assert!(kept
        .iter()
        .zip(kept.iter().skip(1))
        .all(|(a, b)| a.created_at >= b.created_at));
    let newest: Vec<&str> = said
        .iter()
        .rev()
        .take(MAX_SERVICE_EVENTS)
        .copied()
        .collect();
    let kept_msgs: Vec<&str> = kept.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(kept_msgs, newest, "the newest 100, newest first");
}

// ---------------------------------------------------------------------------
// 11. Trust policy without ecs-tasks.
// ---------------------------------------------------------------------------

#[test]
fn exec_role_not_assumable_creates_no_task() {
    let mut sim = base_sim();
    apply(
        &mut sim,
        r#"iam update-assume-role-policy --role-name exec --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'"#,
    );
    run(&mut sim, 10 * MINUTE);
    assert!(sim.world.tasks.is_empty(), "no task is created");
    let role_arn = format!("arn:aws:iam::{}:role/exec", sim.world.account);
    let msg = format!(
        "(service web) failed to launch a task with (error ECS was unable to assume the role '{role_arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.)."
    );
    assert!(has_event(&sim, &msg), "{:#?}", events(&sim));
    assert!(!events(&sim).iter().any(|e| e.contains("has started")));
}

// ---------------------------------------------------------------------------
// 12. Task lifecycle.
// ---------------------------------------------------------------------------

fn status_of(line: &str) -> Option<TaskStatus> {
    use TaskStatus::*;
    [
        Provisioning,
        Pending,
        Activating,
        Running,
        Deactivating,
        Stopping,
        Deprovisioning,
        Stopped,
    ]
    .into_iter()
    .find(|s| line == s.as_str() || line.starts_with(&format!("{} ", s.as_str())))
}

/// Per task, the statuses its trace lines show, in order.
fn status_history(sim: &Sim) -> std::collections::BTreeMap<String, Vec<(Millis, TaskStatus)>> {
    let mut out: std::collections::BTreeMap<String, Vec<(Millis, TaskStatus)>> = Default::default();
    for (at, l) in &sim.trace {
        let Some(rest) = l.strip_prefix("task ") else {
            continue;
        };
        let Some((id, what)) = rest.split_once(' ') else {
            continue;
        };
        if let Some(s) = status_of(what) {
            out.entry(id.to_string()).or_default().push((*at, s));
        }
    }
    out
}

fn nat_missing_traced() -> Sim {
    let mut sim = base_sim();
    sim.trace_on = true;
    let rtb = name(&sim, "rtb:private");
    apply(
        &mut sim,
        &format!("ec2 delete-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0"),
    );
    sim
}

#[test]
fn failed_task_lifecycle_goes_forward_and_frees_its_address() {
    let mut sim = nat_missing_traced();
    let subnet = name(&sim, "subnet:private-a");
    let free_before = sim.world.available_ips(&subnet);
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    run(&mut sim, 20 * MINUTE);
    let hist = status_history(&sim);
    assert!(hist.len() > 1, "the service retried");
    for (id, h) in &hist {
        assert!(
            h.windows(2).all(|w| w[0].1 < w[1].1 && w[0].0 <= w[1].0),
            "task {id} went {h:?}"
        );
    }
    let h = &hist[&t.id];
    let seq: Vec<TaskStatus> = h.iter().map(|x| x.1).collect();
    use TaskStatus::*;
    assert_eq!(seq, vec![Provisioning, Pending, Deprovisioning, Stopped]);
    let gap = h[3].0 - h[2].0;
    assert!(
        (25 * SECOND..=35 * SECOND).contains(&gap),
        "DEPROVISIONING to STOPPED took {gap} ms"
    );
    assert_eq!(
        t.attachment.as_ref().map(|a| a.status.as_str()),
        Some("DELETED")
    );

    // Replay (same seed) to the instants around STOPPED: the ENI goes at STOPPED.
    let eni = t.attachment.as_ref().unwrap().eni_id.clone();
    let stopped = h[3].0;
    let mut again = nat_missing_traced();
    again.run_until(h[1].0).unwrap();
    assert_eq!(
        again.world.available_ips(&subnet),
        free_before - 1,
        "PENDING holds one address"
    );
    again.run_until(stopped - 1).unwrap();
    assert!(
        again.world.enis.contains_key(&eni),
        "held while DEPROVISIONING"
    );
    let free_deprov = again.world.available_ips(&subnet);
    again.run_until(stopped).unwrap();
    assert!(!again.world.enis.contains_key(&eni), "released at STOPPED");
    assert_eq!(again.world.available_ips(&subnet), free_deprov + 1);
}

#[test]
fn healthy_task_lifecycle_with_alb() {
    let mut sim = sim_of(&with_alb(BASE), SEED);
    sim.trace_on = true;
    run(&mut sim, 5 * MINUTE);
    let t = tasks(&sim)[0].id.clone();
    apply(
        &mut sim,
        &format!("ecs stop-task --cluster test --task {t}"),
    );
    run(&mut sim, 5 * MINUTE);
    let task = &sim.world.tasks[&t];
    assert_eq!(task.stop_code.as_deref(), Some("UserInitiated"));
    assert_eq!(task.stopped_reason.as_deref(), Some("Task stopped by user"));
    let seq: Vec<TaskStatus> = status_history(&sim)[&t].iter().map(|x| x.1).collect();
    use TaskStatus::*;
    assert_eq!(
        seq,
        vec![
            Provisioning,
            Pending,
            Activating,
            Running,
            Deactivating,
            Stopping,
            Deprovisioning,
            Stopped
        ]
    );
}

// ---------------------------------------------------------------------------
// More rules: other network paths, pull permissions, deployments, scaling.
// ---------------------------------------------------------------------------

#[test]
fn public_subnet_without_public_ip_times_out_on_ecr_auth() {
    let yaml = tweak(
        BASE,
        "subnets: [private-a]\n    security_groups",
        "subnets: [public-a]\n    security_groups",
    );
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    assert_failed_to_start(&t, &ecr_auth_timeout(&ecr_ip(&sim)));

    let mut sim = sim_of(&with_service_line(&yaml, "public_ip: true"), SEED);
    run(&mut sim, 10 * MINUTE);
    assert!(!any_stopped(&sim), "{:#?}", events(&sim));
    assert!(has_event(&sim, "(service web) has reached a steady state."));
}

#[test]
fn egress_without_443_times_out_on_ecr_auth() {
    let yaml = tweak(
        BASE,
        "      - {protocol: tcp, port: 8080, group: alb}\n",
        "      - {protocol: tcp, port: 8080, group: alb}\n    egress:\n      - {protocol: tcp, port: 5432, cidr: 10.0.0.0/16}\n",
    );
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    assert_failed_to_start(&t, &ecr_auth_timeout(&ecr_ip(&sim)));
    assert!(matches!(
        t.stop_cause,
        Some(StopCause::Unreachable {
            blocked: super::Blocked::EgressDenied,
            ..
        })
    ));
}

/// The account's default network ACL (every subnet's).
fn default_nacl(sim: &Sim) -> String {
    name(sim, "nacl:default")
}

fn stopped_by_nacl(t: &Task) -> bool {
    matches!(
        t.stop_cause,
        Some(StopCause::Unreachable {
            blocked: super::Blocked::NaclDenied { .. },
            ..
        })
    )
}

fn some_task_running(sim: &Sim) -> bool {
    sim.world
        .tasks
        .values()
        .any(|t| t.last_status == TaskStatus::Running)
}

#[test]
fn a_stateless_acl_without_the_ephemeral_ports_drops_the_replies_and_ecr_auth_times_out() {
    let mut sim = base_sim();
    let acl = default_nacl(&sim);
    // Inbound: only tcp 443, as if the ACL were stateful.
    apply(
        &mut sim,
        &format!("ec2 replace-network-acl-entry --network-acl-id {acl} --ingress --rule-number 100 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow"),
    );
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    assert_failed_to_start(&t, &ecr_auth_timeout(&ecr_ip(&sim)));
    assert!(stopped_by_nacl(&t), "{:?}", t.stop_cause);
    // The replies let back in: the next task starts.
    apply(
        &mut sim,
        &format!("ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 120 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow"),
    );
    assert!(
        run_until(&mut sim, 10 * MINUTE, some_task_running),
        "{:#?}",
        events(&sim)
    );
}

#[test]
fn an_acl_rule_decides_by_its_number_not_its_order() {
    // A deny of outbound 443 numbered after the allow-all (100) never decides.
    let mut sim = base_sim();
    let acl = default_nacl(&sim);
    apply(
        &mut sim,
        &format!("ec2 create-network-acl-entry --network-acl-id {acl} --egress --rule-number 200 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action deny"),
    );
    assert!(
        run_until(&mut sim, 10 * MINUTE, some_task_running),
        "{:#?}",
        events(&sim)
    );
    // Numbered before it, it drops the request.
    let mut sim = base_sim();
    apply(
        &mut sim,
        &format!("ec2 create-network-acl-entry --network-acl-id {acl} --egress --rule-number 90 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action deny"),
    );
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    assert!(stopped_by_nacl(&t), "{:?}", t.stop_cause);
    // Deleting it heals the path.
    apply(
        &mut sim,
        &format!("ec2 delete-network-acl-entry --network-acl-id {acl} --egress --rule-number 90"),
    );
    assert!(
        run_until(&mut sim, 10 * MINUTE, some_task_running),
        "{:#?}",
        events(&sim)
    );
}

#[test]
fn exec_role_without_batch_get_image() {
    let mut sim = base_sim();
    apply(
        &mut sim,
        &format!("iam detach-role-policy --role-name exec --policy-arn {POLICY_EXEC}"),
    );
    put_inline(
        &mut sim,
        "no-batch-get",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    );
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let expected = format!(
        "CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images from the registry. User: {} is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:{REGION}:{}:repository/web because no identity-based policy allows the ecr:BatchGetImage action",
        principal(&sim, &t.id),
        sim.world.account
    );
    assert_failed_to_start(&t, &expected);
}

#[test]
fn rolling_deployment_replaces_the_old_task() {
    let mut sim = base_sim();
    run(&mut sim, 5 * MINUTE);
    let old = tasks(&sim)[0].id.clone();
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --force-new-deployment",
    );
    let new_dep = svc(&sim).deployments[0].id.clone();
    assert_eq!(
        svc(&sim).deployments[0].rollout_state_reason,
        format!("ECS deployment {new_dep} in progress.")
    );
    run(&mut sim, 10 * MINUTE);
    let s = svc(&sim);
    assert_eq!(s.deployments.len(), 1);
    assert_eq!(s.deployments[0].id, new_dep);
    assert_eq!(s.deployments[0].rollout_state, RolloutState::Completed);
    let o = &sim.world.tasks[&old];
    assert_eq!(o.last_status, TaskStatus::Stopped);
    assert_eq!(o.stop_code.as_deref(), Some("ServiceSchedulerInitiated"));
    assert_eq!(
        o.stopped_reason.clone().unwrap(),
        format!("Scaling activity initiated by (deployment {new_dep})")
    );
    assert!(has_event(
        &sim,
        &format!("(service web) has stopped 1 running tasks: (task {old}).")
    ));
    assert!(has_event(
        &sim,
        &format!("(service web) (deployment {new_dep}) deployment completed.")
    ));
    let running: Vec<&Task> = tasks(&sim)
        .into_iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .collect();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].started_by, new_dep);
}

#[test]
fn scale_out_and_in() {
    let mut sim = base_sim();
    run(&mut sim, 5 * MINUTE);
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --desired-count 3",
    );
    run(&mut sim, 5 * MINUTE);
    let running = |s: &Sim| -> Vec<String> {
        tasks(s)
            .into_iter()
            .filter(|t| t.last_status == TaskStatus::Running)
            .map(|t| t.id.clone())
            .collect()
    };
    assert_eq!(running(&sim).len(), 3);
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --desired-count 1",
    );
    run(&mut sim, 5 * MINUTE);
    assert_eq!(running(&sim).len(), 1);
    let dep = svc(&sim).deployments[0].id.clone();
    let stopped: Vec<&Task> = tasks(&sim)
        .into_iter()
        .filter(|t| t.last_status == TaskStatus::Stopped)
        .collect();
    assert_eq!(stopped.len(), 2);
    for t in &stopped {
        assert_eq!(t.stop_code.as_deref(), Some("ServiceSchedulerInitiated"));
        assert_eq!(
            t.stopped_reason.clone().unwrap(),
            format!("Scaling activity initiated by (deployment {dep})")
        );
    }
    let said = events(&sim)
        .into_iter()
        .find(|e| e.contains("has stopped 2 running tasks"))
        .expect("a scale-in event");
    let (a, b) = (&stopped[0].id, &stopped[1].id);
    assert!(
        said == format!("(service web) has stopped 2 running tasks: (task {a}) (task {b}).")
            || said == format!("(service web) has stopped 2 running tasks: (task {b}) (task {a})."),
        "{said}"
    );
}

#[test]
fn steady_state_is_repeated_every_six_hours() {
    let mut sim = base_sim();
    run(&mut sim, 13 * HOUR);
    let at: Vec<Millis> = svc(&sim)
        .events
        .iter()
        .filter(|e| e.message == "(service web) has reached a steady state.")
        .map(|e| e.created_at)
        .collect();
    assert_eq!(at.len(), 3, "{:#?}", events(&sim));
    assert_eq!(at[0] - at[1], 6 * HOUR);
    assert_eq!(at[1] - at[2], 6 * HOUR);
}

#[test]
fn fixing_the_route_heals_the_service() {
    let mut sim = nat_missing_traced();
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    let rtb = name(&sim, "rtb:private");
    let nat = name(&sim, "nat:nat-a");
    apply(
        &mut sim,
        &format!("ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat}"),
    );
    assert!(
        run_until(&mut sim, 30 * MINUTE, |s| s
            .steady_since("test", "web")
            .is_some()),
        "{:#?}",
        events(&sim)
    );
    let running: Vec<&Task> = tasks(&sim)
        .into_iter()
        .filter(|x| x.last_status == TaskStatus::Running)
        .collect();
    assert_eq!(running.len(), 1);
    assert_ne!(running[0].id, t.id);
}

#[test]
fn failing_elb_health_checks_replace_the_task() {
    let yaml = tweak(
        &with_alb(BASE),
        "path: /health, interval",
        "path: /status, interval",
    );
    let mut sim = sim_of(&yaml, SEED);
    let tg = name(&sim, "tg:web-tg");
    let stopping = |s: &Sim| s.world.tasks.values().any(|t| !t.is_live());
    assert!(run_until(&mut sim, 15 * MINUTE, stopping));
    // DEACTIVATING at once; the target is still registered, not yet draining.
    let t = tasks(&sim)[0].clone();
    assert_eq!(t.last_status, TaskStatus::Deactivating);
    let target_of = |sim: &Sim| {
        sim.world.target_groups[&tg]
            .targets
            .iter()
            .find(|x| x.task_id == t.id)
            .cloned()
            .expect("still registered while deactivating")
    };
    assert_eq!(target_of(&sim).state, "unhealthy");
    let deregistered = format!("(service web) deregistered 1 targets in (target-group {tg})");
    assert!(!has_event(&sim, &deregistered));
    // Ten seconds later ECS begins draining it, and says so.
    let stopping_at = t.stopping_at.unwrap();
    sim.run_until(stopping_at + 10 * SECOND).unwrap();
    let target = target_of(&sim);
    assert_eq!(target.state, "draining");
    assert_eq!(
        target.reason.as_deref(),
        Some("Target.DeregistrationInProgress")
    );
    assert!(has_event(&sim, &deregistered), "{:#?}", events(&sim));
    assert!(has_event(
        &sim,
        &format!(
            "(service web, taskSet {}) has begun draining connections on 1 tasks.",
            t.started_by
        )
    ));
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    assert_eq!(t.stop_code.as_deref(), Some("ServiceSchedulerInitiated"));
    assert_eq!(
        t.stopped_reason.clone().unwrap(),
        format!("Task failed ELB health checks in (target-group {tg})")
    );
    assert!(t.started_at.is_some());
    assert!(
        has_event(
            &sim,
            &format!(
                "(service web) (task {}) (port 8080) is unhealthy in (target-group {tg}) due to (reason Health checks failed with these codes: [404]).",
                t.id
            )
        ),
        "{:#?}",
        events(&sim)
    );
    assert!(!sim.world.target_groups[&tg]
        .targets
        .iter()
        .any(|x| x.task_id == t.id));
    let next = tasks(&sim)
        .into_iter()
        .find(|x| x.created_at >= t.stopping_at.unwrap() && x.id != t.id)
        .cloned()
        .expect("a replacement");
    assert!(has_event(
        &sim,
        &format!(
            "(service web) has started 1 tasks: (task {}). Amazon ECS replaced 1 tasks due to an unhealthy status.",
            next.id
        )
    ));
}

#[test]
fn failing_container_health_checks_stop_the_task() {
    let yaml = tweak(
        BASE,
        "        portMappings:\n",
        "        healthCheck:\n          command: [CMD-SHELL, curl -f http://localhost:8080/nope || exit 1]\n          interval: 10\n          retries: 3\n        portMappings:\n",
    );
    let mut sim = sim_of(&yaml, SEED);
    let t = run_to_first_stop(&mut sim, 15 * MINUTE);
    assert_eq!(t.stop_code.as_deref(), Some("ServiceSchedulerInitiated"));
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some("Task failed container health checks")
    );
    assert_eq!(t.health_status, "UNHEALTHY");
    assert!(has_event(
        &sim,
        &format!(
            "(service web) (task {}) failed container health checks.",
            t.id
        )
    ));
    assert!(!has_event(
        &sim,
        "(service web) has reached a steady state."
    ));
}

// ---------------------------------------------------------------------------
// Property tests over the nat-route-missing scenario.
// ---------------------------------------------------------------------------

fn scenario() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
        Scenario::load(&p).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn instance(seed: u64) -> Sim {
    scenario()
        .instantiate(seed, Mode::Incident)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
        .sim
}

/// Everything a player could see that carries an id or a time.
fn render(sim: &Sim) -> String {
    let mut out = String::new();
    for s in sim.world.services.values() {
        for e in &s.events {
            out += &format!("event {} {} {}\n", e.id, e.created_at, e.message);
        }
        for d in &s.deployments {
            out += &format!(
                "deployment {} {} {} {}\n",
                d.id,
                d.status,
                d.rollout_state.as_str(),
                d.failed_tasks
            );
        }
    }
    for t in sim.world.tasks.values() {
        out += &format!(
            "task {} {} {} {:?} {:?} {:?}\n",
            t.id,
            t.arn,
            t.last_status.as_str(),
            t.stopped_at,
            t.stop_code,
            t.stopped_reason
        );
    }
    for e in sim.world.enis.values() {
        out += &format!("eni {} {} {}\n", e.id, e.subnet_id, e.private_ip);
    }
    out
}

fn check_world(sim: &Sim, seed: u64) -> Result<(), TestCaseError> {
    let w = &sim.world;
    w.check_invariants()
        .map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
    for s in w.subnets.values() {
        let held = w.enis_in(&s.id).count() as u64;
        prop_assert!(w.available_ips(&s.id) <= s.cidr.usable());
        prop_assert_eq!(
            w.available_ips(&s.id) + held,
            s.cidr.usable(),
            "seed {}: subnet {} over-allocated",
            seed,
            s.id
        );
        for e in w.enis_in(&s.id) {
            let n = e.private_ip.wrapping_sub(s.cidr.base) as u64;
            prop_assert!(
                (4..s.cidr.size() - 1).contains(&n),
                "seed {}: {} is reserved in {}",
                seed,
                crate::world::ip_to_string(e.private_ip),
                s.id
            );
        }
    }
    for svc in w.services.values() {
        prop_assert!(svc.events.len() <= MAX_SERVICE_EVENTS);
        prop_assert!(svc
            .events
            .iter()
            .zip(svc.events.iter().skip(1))
            .all(|(a, b)| a.created_at >= b.created_at));
    }
    for t in w.tasks.values() {
        let owned = w
            .enis
            .values()
            .filter(|e| e.owner == EniOwner::Task(t.id.clone()))
            .count();
        let holds = t.attachment.is_some() && t.last_status != TaskStatus::Stopped;
        prop_assert_eq!(owned, holds as usize, "seed {}: task {} ENIs", seed, t.id);
        if t.last_status == TaskStatus::Stopped {
            prop_assert_eq!(t.run.step, Step::Done);
            prop_assert!(t.stopped_reason.is_some() && t.stop_code.is_some());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn same_seed_same_story(seed in any::<u64>(), extra in 0i64..20) {
        let mut a = instance(seed);
        let mut b = instance(seed);
        prop_assert_eq!(render(&a), render(&b));
        // The fault shows: some task failed on ECR auth.
        prop_assert!(a.world.tasks.values().any(|t| t
            .stopped_reason
            .as_deref()
            .is_some_and(|r| r.starts_with("ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR"))),
            "seed {}: {}", seed, render(&a));
        a.trace_on = true;
        b.trace_on = true;
        a.run_for(extra * MINUTE).map_err(TestCaseError::fail)?;
        b.run_for(extra * MINUTE).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&a.trace, &b.trace);
        prop_assert_eq!(render(&a), render(&b));
    }

    #[test]
    fn world_stays_consistent(seed in any::<u64>(), steps in proptest::collection::vec(1i64..30, 1..6)) {
        let mut sim = instance(seed);
        check_world(&sim, seed)?;
        let mut seen: std::collections::BTreeMap<String, TaskStatus> = Default::default();
        for m in steps {
            sim.run_for(m * MINUTE).map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
            check_world(&sim, seed)?;
            for t in sim.world.tasks.values() {
                if let Some(prev) = seen.insert(t.id.clone(), t.last_status) {
                    prop_assert!(prev <= t.last_status, "seed {}: task {} went {:?} -> {:?}", seed, t.id, prev, t.last_status);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn small_account_is_consistent_under_faults(seed in any::<u64>(), fault in 0usize..5, minutes in 1i64..40) {
        let mut sim = sim_of(BASE, seed);
        let rtb = name(&sim, "rtb:private");
        match fault {
            0 => {}
            1 => apply(&mut sim, &format!("ec2 delete-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0")),
            2 => apply(&mut sim, "logs delete-log-group --log-group-name /ecs/web"),
            3 => apply(&mut sim, &format!("iam detach-role-policy --role-name exec --policy-arn {POLICY_EXEC}")),
            _ => {
                let subnet = name(&sim, "subnet:private-a");
                fill_subnet(&mut sim, &subnet);
            }
        }
        sim.run_for(minutes * MINUTE).map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
        check_world(&sim, seed)?;
        if fault == 0 && minutes >= 5 {
            prop_assert!(has_event(&sim, "(service web) has reached a steady state."), "seed {}", seed);
        }
        if fault != 0 {
            prop_assert!(!has_event(&sim, "(service web) has reached a steady state."), "seed {}", seed);
        }
    }
}

/// ECR's registry answers but S3 (the image layers) does not: the pull waits
/// out its own timeout for S3 and stops with the layer-download text.
#[test]
fn layers_time_out_when_only_s3_is_unreachable() {
    use crate::scenario::{Mode, Scenario};
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/s3-gateway-endpoint-missing.yaml");
    let inst = Scenario::load(&file)
        .unwrap()
        .instantiate(1, Mode::Incident)
        .unwrap();
    let w = &inst.sim.world;
    let t = w
        .tasks
        .values()
        .find(|t| {
            matches!(
                &t.stop_cause,
                Some(StopCause::Unreachable {
                    endpoint: super::Endpoint::S3,
                    ..
                })
            )
        })
        .expect("a task stopped on the S3 layer download");
    let host = super::Endpoint::S3.host(w);
    let ip = w.endpoint_ips.get(&host).expect("the S3 host resolved");
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some(crate::engine::messages::s3_layer_timeout(&w.region, ip).as_str())
    );
    assert_eq!(t.stop_code.as_deref(), Some("TaskFailedToStart"));
    assert!(t.pull_started_at.is_some());
}

/// A rolling deployment behind a load balancer: ECS says it stopped the old
/// tasks, ten seconds later that it began draining them and deregistered
/// their targets, and completes the deployment only once the target group's
/// deregistration delay (30 s here) is over.
#[test]
fn replaced_tasks_drain_before_the_deployment_completes() {
    let yaml = tweak(&with_alb(BASE), "desired: 1", "desired: 2");
    let mut sim = sim_of(&yaml, SEED);
    run(&mut sim, 10 * MINUTE);
    let tg = name(&sim, "tg:web-tg");
    let old_dep = svc(&sim).deployments[0].id.clone();
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --force-new-deployment",
    );
    let new_dep = svc(&sim).deployments[0].id.clone();
    assert_ne!(old_dep, new_dep);
    let completed = format!("(service web) (deployment {new_dep}) deployment completed.");
    assert!(run_until(&mut sim, 15 * MINUTE, |s| has_event(
        s, &completed
    )));
    let at = |pred: &dyn Fn(&str) -> bool| -> Vec<(Millis, String)> {
        let mut v: Vec<(Millis, String)> = svc(&sim)
            .events
            .iter()
            .filter(|e| pred(&e.message))
            .map(|e| (e.created_at, e.message.clone()))
            .collect();
        v.sort();
        v
    };
    let stopped = at(&|m| m.starts_with("(service web) has stopped "));
    let draining = at(&|m| m.contains("has begun draining connections"));
    let deregistered = at(&|m| m.starts_with("(service web) deregistered "));
    let done = at(&|m| *m == completed);
    assert!(!stopped.is_empty(), "{:#?}", events(&sim));
    assert_eq!(draining.len(), stopped.len(), "{:#?}", events(&sim));
    assert_eq!(deregistered.len(), stopped.len());
    let mut drained = 0;
    for ((s, said), ((d, dr), (g, de))) in stopped.iter().zip(draining.iter().zip(&deregistered)) {
        // "(service web) has stopped N running tasks: ..." -> N
        let n: usize = said["(service web) has stopped ".len()..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        drained += n;
        assert_eq!(*d, s + 10 * SECOND, "{said} / {dr}");
        assert_eq!(g, d);
        assert_eq!(
            *dr,
            format!(
                "(service web, taskSet {old_dep}) has begun draining connections on {n} tasks."
            )
        );
        assert_eq!(
            *de,
            format!("(service web) deregistered {n} targets in (target-group {tg})")
        );
    }
    assert_eq!(drained, 2);
    // Completed only after the last drain's 30 s delay.
    let last_drain = draining.last().unwrap().0;
    assert!(done[0].0 >= last_drain + 30 * SECOND, "{:#?}", events(&sim));
    assert!(done[0].0 < last_drain + 30 * SECOND + 10 * SECOND);
    // The old targets are gone; the new ones are healthy.
    let targets = &sim.world.target_groups[&tg].targets;
    assert_eq!(targets.len(), 2);
    assert!(targets.iter().all(|t| t.state == "healthy"));
}

/// While the old tasks drain, describe-target-health shows their targets as
/// draining, with the reason.
#[test]
fn draining_targets_show_in_target_health() {
    let yaml = tweak(&with_alb(BASE), "desired: 1", "desired: 2");
    let mut sim = sim_of(&yaml, SEED);
    run(&mut sim, 10 * MINUTE);
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --force-new-deployment",
    );
    assert!(run_until(&mut sim, 15 * MINUTE, |s| s
        .world
        .target_groups
        .values()
        .any(|g| g.targets.iter().any(|t| t.state == "draining"))));
    let tg = name(&sim, "tg:web-tg");
    let draining: Vec<_> = sim.world.target_groups[&tg]
        .targets
        .iter()
        .filter(|t| t.state == "draining")
        .collect();
    for t in draining {
        assert_eq!(t.reason.as_deref(), Some("Target.DeregistrationInProgress"));
        assert_eq!(
            t.description.as_deref(),
            Some("Target deregistration is in progress")
        );
        assert_eq!(
            sim.world.tasks[&t.task_id].last_status,
            TaskStatus::Deactivating
        );
    }
}

// ---------------------------------------------------------------------------
// 12. The service throttle, launch timing and the default security group.
// ---------------------------------------------------------------------------

/// Times of the service's "has started" events, oldest first (from the trace).
fn started_at(sim: &Sim) -> Vec<Millis> {
    sim.trace
        .iter()
        .filter(|(_, l)| l.starts_with("event (service web) has started"))
        .map(|(t, _)| *t)
        .collect()
}

#[test]
fn launch_backoff_grows_step_by_step_to_27_minutes() {
    use super::scheduler::launch_backoff;
    let got: Vec<Millis> = (0..=12).map(launch_backoff).collect();
    let m = MINUTE;
    // [V] at most 27 minutes; [I] no wait before the third failed attempt, then
    // growing steps.
    assert_eq!(
        got,
        vec![
            0,
            0,
            0,
            m,
            2 * m,
            3 * m,
            5 * m,
            8 * m,
            13 * m,
            21 * m,
            27 * m,
            27 * m,
            27 * m
        ]
    );
}

#[test]
fn tasks_stopped_after_running_do_not_start_the_throttle() {
    // [V] "Tasks that are stopped after they reach the RUNNING state don't
    // start the throttle logic or the associated service event message."
    let yaml = tweak(BASE, "${repo:web}:v1", "${repo:web}:hungry");
    let mut sim = sim_of(&yaml, SEED);
    sim.trace_on = true;
    run(&mut sim, HOUR);
    let ev = events(&sim);
    assert!(
        !ev.iter().any(|e| e.contains("unable to consistently")),
        "{ev:#?}"
    );
    assert!(
        ev.iter()
            .any(|e| e.starts_with("(service web) has stopped 1 running tasks")),
        "the tasks did run and were OOM-killed: {ev:#?}"
    );
    // Each killed task is replaced at once: no start waits for a throttle.
    let starts = started_at(&sim);
    assert!(
        starts.len() >= 20,
        "only {} starts in an hour",
        starts.len()
    );
    let widest = starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    assert!(widest <= 2 * MINUTE, "a {widest} ms silence between starts");
}

#[test]
fn launch_failures_are_throttled_step_by_step_up_to_27_minutes() {
    use super::scheduler::launch_backoff;
    let mut sim = log_group_missing_sim();
    sim.trace_on = true;
    run(&mut sim, 2 * HOUR);
    let starts = started_at(&sim);
    assert!(starts.len() >= 10, "{starts:?}");
    // After the k-th failed attempt the next waits launch_backoff(k), plus the
    // attempt's own launch (under a minute here) and the scheduler's pass.
    for (k, w) in starts.windows(2).enumerate() {
        let (gap, wait) = (w[1] - w[0], launch_backoff(k as u32 + 1));
        assert!(
            wait <= gap && gap <= wait + MINUTE,
            "attempt {}: {gap} ms after the last, throttle {wait} ms; starts {starts:?}",
            k + 2
        );
    }
    let widest = starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    assert!((27 * MINUTE..=28 * MINUTE).contains(&widest), "{widest}");
    // The event is said once, when the throttle begins.
    assert_eq!(
        events(&sim).iter().filter(|e| *e == CONSISTENTLY).count(),
        1
    );
}

fn register_web_revision(sim: &mut Sim) -> String {
    let role = sim.world.role_arn("exec");
    let image = sim
        .world
        .task_definition("web")
        .expect("web")
        .def
        .container_definitions[0]
        .image
        .clone();
    let containers = format!(
        r#"[{{"name":"web","image":"{image}","memory":256,"essential":true,"portMappings":[{{"containerPort":8080}}],"logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"/ecs/web","awslogs-region":"eu-west-1","awslogs-stream-prefix":"ecs"}}}}}}]"#
    );
    apply(
        sim,
        &format!(
            "ecs register-task-definition --family web --cpu 256 --memory 512 --network-mode awsvpc \
             --requires-compatibilities FARGATE --execution-role-arn {role} --container-definitions '{containers}'"
        ),
    );
    "web:2".into()
}

#[test]
fn a_new_task_definition_ends_the_throttle_at_once() {
    let mut sim = log_group_missing_sim();
    sim.trace_on = true;
    run(&mut sim, HOUR);
    let throttled_until = svc(&sim).sched.next_launch_at;
    assert!(
        throttled_until > sim.now() + MINUTE,
        "throttled: {}",
        throttled_until - sim.now()
    );
    // A forced deployment of the same task definition keeps the throttle [I].
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --force-new-deployment",
    );
    let before = started_at(&sim).len();
    run(&mut sim, 30 * SECOND);
    assert_eq!(
        started_at(&sim).len(),
        before,
        "a forced deployment launched at once"
    );
    // [V] "If you update your service to use a new task definition, your
    // service returns to a normal, non-throttled state immediately."
    let td = register_web_revision(&mut sim);
    let at = sim.now();
    apply(
        &mut sim,
        &format!("ecs update-service --cluster test --service web --task-definition {td}"),
    );
    run(&mut sim, 30 * SECOND);
    let starts = started_at(&sim);
    assert!(
        starts.len() > before,
        "no launch after the new task definition"
    );
    assert!(
        starts[before] - at <= super::scheduler::SCHEDULER_PASS,
        "{}",
        starts[before] - at
    );
}

#[test]
fn ecr_auth_timeout_takes_as_long_as_a_real_attempt() {
    // A real capture: about 4 m 48 s per attempt, createdAt to stoppedAt.
    let mut sim = base_sim();
    let rtb = name(&sim, "rtb:private");
    apply(
        &mut sim,
        &format!("ec2 delete-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0"),
    );
    let t = run_to_first_stop(&mut sim, 10 * MINUTE);
    assert_failed_to_start(&t, &ecr_auth_timeout(&ecr_ip(&sim)));
    let took = t.stopped_at.expect("stoppedAt") - t.created_at;
    assert!(
        (4 * MINUTE + 34 * SECOND..=5 * MINUTE + 2 * SECOND).contains(&took),
        "createdAt to stoppedAt: {} s",
        took / SECOND
    );
}

#[test]
fn tasks_without_security_groups_get_the_vpc_default_group() {
    let mut sim = base_sim();
    let vpc = name(&sim, "vpc");
    let sg = sim
        .world
        .default_security_group(&vpc)
        .expect("the VPC's default security group")
        .to_string();
    let g = &sim.world.security_groups[&sg];
    assert_eq!(
        (g.name.as_str(), g.description.as_str(), g.vpc_id.as_str()),
        ("default", "default VPC security group", vpc.as_str())
    );
    // Inbound: all traffic from the group itself; outbound: all to 0.0.0.0/0.
    assert_eq!(g.ingress.len(), 1);
    assert_eq!(
        (
            g.ingress[0].protocol.as_str(),
            &g.ingress[0].groups,
            g.ingress[0].cidrs.len()
        ),
        ("-1", &vec![sg.clone()], 0)
    );
    assert_eq!(g.egress.len(), 1);
    assert_eq!(
        (
            g.egress[0].protocol.as_str(),
            g.egress[0].cidrs[0].to_string()
        ),
        ("-1", "0.0.0.0/0".to_string())
    );
    run(&mut sim, 3 * MINUTE);
    let subnet = name(&sim, "subnet:private-a");
    apply(
        &mut sim,
        &format!(
            "ecs update-service --cluster test --service web --network-configuration awsvpcConfiguration={{subnets=[{subnet}]}}"
        ),
    );
    // The service keeps the configuration as given.
    assert!(svc(&sim).network.security_groups.is_empty());
    assert!(svc(&sim).deployments[0].network.security_groups.is_empty());
    let dep = svc(&sim).deployments[0].id.clone();
    assert!(run_until(&mut sim, 10 * MINUTE, |s| svc(s)
        .deployments
        .len()
        == 1
        && svc(s).deployments[0].rollout_state
            == RolloutState::Completed));
    let t = tasks(&sim)
        .into_iter()
        .find(|t| t.started_by == dep)
        .cloned()
        .expect("a task of the new deployment");
    assert_eq!(t.last_status, TaskStatus::Running);
    assert_eq!(t.security_groups, vec![sg.clone()]);
    let eni = &t.attachment.as_ref().expect("an ENI").eni_id;
    assert_eq!(sim.world.enis[eni].security_groups, vec![sg]);
}

// ---------------------------------------------------------------------------
// The account's Fargate On-Demand vCPU quota (L-3032A538).
// ---------------------------------------------------------------------------

/// The base account with a second service, `hog` (2 tasks of 0.25 vCPU),
/// and a Fargate On-Demand vCPU quota of 1.
fn quota_sim() -> Sim {
    let mut yaml = BASE.to_string();
    yaml.push_str(
        "  - {name: hog, cluster: test, task_definition: web, desired: 2, subnets: [private-a], security_groups: [tasks]}\n",
    );
    let mut sim = sim_of(&yaml, SEED);
    sim.world.quotas.insert("L-3032A538".into(), 1.0);
    sim
}

const VCPU_LIMIT: &str = "You've reached the limit on the number of vCPUs you can run concurrently. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide";

fn live_web(sim: &Sim) -> usize {
    tasks(sim)
        .iter()
        .filter(|t| t.service.as_deref() == Some("web") && t.last_status != TaskStatus::Stopped)
        .count()
}

#[test]
fn a_scale_out_past_the_vcpu_quota_places_what_fits_and_says_why() {
    let mut sim = quota_sim();
    run(&mut sim, 10 * MINUTE);
    assert_eq!(live_web(&sim), 1);
    assert!(!has_event(&sim, &unable_to_place(VCPU_LIMIT)));
    // 3 tasks of 0.25 vCPU run; the quota has room for one more.
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --desired-count 4",
    );
    run(&mut sim, 10 * MINUTE);
    assert_eq!(live_web(&sim), 2, "only what fits in 1 vCPU");
    assert_eq!(
        unable_to_place(VCPU_LIMIT),
        "(service web) was unable to place a task. Reason: You've reached the limit on the number of vCPUs you can run concurrently. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
    );
    assert!(
        has_event(&sim, &unable_to_place(VCPU_LIMIT)),
        "{:?}",
        events(&sim)
    );
    // No task was created for the rest, so none stopped.
    assert!(!any_stopped(&sim));
    assert_eq!(
        svc(&sim).sched.launch_failure,
        Some(StopCause::VcpuLimit { quota: 1 })
    );
    assert!(sim.steady_since("test", "web").is_none());

    // Freeing the vCPUs the other service holds lets the rest place.
    apply(
        &mut sim,
        "ecs update-service --cluster test --service hog --desired-count 0",
    );
    assert!(
        run_until(&mut sim, 30 * MINUTE, |s| s
            .steady_since("test", "web")
            .is_some()),
        "web did not reach steady state: {:?}",
        events(&sim)
    );
    assert_eq!(live_web(&sim), 4);
    assert_eq!(svc(&sim).sched.launch_failure, None);
}

#[test]
fn tasks_that_fit_the_vcpu_quota_exactly_all_place() {
    let mut sim = quota_sim();
    sim.world.quotas.insert("L-3032A538".into(), 1.25);
    run(&mut sim, 5 * MINUTE);
    apply(
        &mut sim,
        "ecs update-service --cluster test --service web --desired-count 3",
    );
    run(&mut sim, 10 * MINUTE);
    // 2 + 3 tasks of 0.25 vCPU: exactly 1.25.
    assert_eq!(live_web(&sim), 3);
    assert!(!has_event(&sim, &unable_to_place(VCPU_LIMIT)));
}
