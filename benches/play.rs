//! Benchmarks of play: per-command latency of `ecs describe-tasks` and
//! `logs filter-log-events` (parse, run, render) on a world with 1,000 running
//! tasks, and the time from start to the first prompt (scenario load and
//! pre-history). `describe_tasks_10_of_1000_baseline` builds the same response
//! and pretty-prints it with `serde_json::to_string_pretty` alone, the floor the
//! command's cost is measured against.

use criterion::{criterion_group, criterion_main, Criterion};
use faultline::aws::account::Request;
use faultline::aws::catalogue::Entry;
use faultline::aws::Reader;
use faultline::awscli::command;
use faultline::awscli::render;
use faultline::engine::Sim;
use faultline::game::{Clock, Game, SCRIPT_STEP};
use faultline::scenario::{build, format::Environment, parse_yaml, Mode, Scenario};
use faultline::time::MINUTE;
use std::path::{Path, PathBuf};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 1,000 healthy tasks, each writing three log lines.
const BIG: &str = r#"
description: bench - a 1000-task service
region: us-east-1
vpc: {name: bench, cidr: 10.9.0.0/16}
internet_gateway: igw
subnets:
  - {name: public-a, az: a, cidr: 10.9.100.0/24, public: true}
  - {name: private-a, az: a, cidr: 10.9.0.0/20}
  - {name: private-b, az: b, cidr: 10.9.16.0/20}
nat_gateways: [{name: nat, subnet: public-a}]
route_tables:
  - {name: public, subnets: [public-a], routes: [{destination: 0.0.0.0/0, internet_gateway: true}]}
  - {name: private, subnets: [private-a, private-b], routes: [{destination: 0.0.0.0/0, nat_gateway: nat}]}
security_groups:
  - {name: tasks}
roles:
  - {name: exec, trust: ecs-tasks.amazonaws.com, managed: [AmazonECSTaskExecutionRolePolicy]}
profiles:
  app:
    entrypoint: /app
    startup: 5s
    port: 8080
    memory: {start: 100, peak: 100}
    logs:
      - {after: 1s, line: 'starting app version=1.4.2'}
      - {after: 3s, line: 'connected to redis at cache.internal:6379'}
      - {after: 5s, line: 'listening on :8080'}
repositories:
  - name: app
    images: [{tags: [v1], profile: app, size_mb: 50}]
log_groups: [{name: /ecs/app}]
clusters: [bench]
task_definitions:
  - family: app
    executionRoleArn: ${role:exec}
    cpu: "256"
    memory: "512"
    containerDefinitions:
      - name: app
        image: ${repo:app}:v1
        portMappings: [{containerPort: 8080}]
        logConfiguration: {logDriver: awslogs, options: {awslogs-group: /ecs/app, awslogs-region: us-east-1, awslogs-stream-prefix: ecs}}
services:
  - {name: app, cluster: bench, task_definition: app, desired: 1000, subnets: [private-a, private-b], security_groups: [tasks]}
"#;

fn big_sim() -> Sim {
    let env: Environment =
        parse_yaml(Path::new("bench.yaml"), BIG).expect("bench environment parses");
    let world = build::build_world(&env, 1, 0).expect("bench world builds");
    let mut sim = Sim::new(world, 0);
    sim.check_invariants = false;
    build::create_services(&mut sim, &env).expect("bench service is created");
    sim.run_for(10 * MINUTE).expect("engine runs");
    sim
}

/// Parse, run and render one command, as the REPL does.
fn command(sim: &Sim, line: &str) -> String {
    let (cmd, v) = command::read(sim, line).expect("command runs");
    render::render(&v, cmd.query.as_deref(), cmd.output, cmd.entry.api()).expect("renders")
}

fn benches(c: &mut Criterion) {
    let sim = big_sim();
    let running = sim
        .world()
        .tasks
        .values()
        .filter(|t| t.last_status == faultline::world::TaskStatus::Running)
        .count();
    assert_eq!(running, 1000, "the bench world runs 1000 tasks");
    let ids: Vec<String> = sim.world().tasks.keys().take(10).cloned().collect();
    let describe = format!(
        "ecs describe-tasks --cluster bench --tasks {}",
        ids.join(" ")
    );
    let mut g = c.benchmark_group("play");
    g.bench_function("describe_tasks_10_of_1000", |b| {
        b.iter(|| command(&sim, &describe))
    });
    // The same response built and pretty-printed by serde_json alone: no parse,
    // no `--query`, none of the CLI's formatting rules.
    let parsed = command::parse(&describe, &sim.world().region).expect("command parses");
    let Entry::Read(op) = parsed.entry else {
        panic!("describe-tasks is a read");
    };
    g.bench_function("describe_tasks_10_of_1000_baseline", |b| {
        b.iter(|| {
            let req = Request::new(op, parsed.input.clone()).expect("request");
            let v = sim.read(&req).expect("command runs");
            serde_json::to_string_pretty(&v).expect("serializes")
        })
    });
    // A pattern that matches a line of every task: 1,000 events built and rendered.
    g.bench_function("filter_log_events_1000_of_3000_match", |b| {
        b.iter(|| {
            command(
                &sim,
                "logs filter-log-events --log-group-name /ecs/app --filter-pattern redis",
            )
        })
    });
    // A selective pattern, the usual case: one task's lines.
    let stream = format!("ecs/app/{}", ids[0]);
    let selective = format!("logs filter-log-events --log-group-name /ecs/app --log-stream-names {stream} --filter-pattern listening");
    g.bench_function("filter_log_events_one_stream", |b| {
        b.iter(|| command(&sim, &selective))
    });
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
    g.bench_function("start_to_first_prompt", |b| {
        b.iter(|| {
            let s = Scenario::load(&file).expect("loads");
            let inst = s.instantiate(7, Mode::Incident).expect("instantiates");
            Game::new(s, inst, Clock::Step(SCRIPT_STEP)).opening()
        })
    });
    g.finish();
}

criterion_group!(play, benches);
criterion_main!(play);
