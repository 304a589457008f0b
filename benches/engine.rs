//! Benchmarks of the engine: `validate` over every scenario at 100 seeds,
//! 24 virtual hours of a 200-task and of a 1,000-task service whose tasks keep
//! failing, and the start-up of 1,000 and 5,000 healthy tasks (world built,
//! run until the service reaches steady state).

use criterion::{criterion_group, criterion_main, Criterion};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use faultline::engine::Sim;
use faultline::scenario::{
    build, format::Environment, parse_yaml, scenario_files, validate, Scenario,
};
use faultline::time::{HOUR, SECOND};
use std::path::{Path, PathBuf};

/// A private subnet with no route out: every task fails at the ECR auth step,
/// forever. `DESIRED` is replaced by the task count.
const FAILING: &str = r#"
description: bench - a service that cannot reach ECR
region: us-east-1
vpc: {name: bench, cidr: 10.9.0.0/16}
subnets:
  - {name: private-a, az: a, cidr: 10.9.0.0/20}
  - {name: private-b, az: b, cidr: 10.9.16.0/20}
route_tables:
  - {name: private, subnets: [private-a, private-b]}
security_groups:
  - {name: tasks}
roles:
  - {name: exec, trust: ecs-tasks.amazonaws.com, managed: [AmazonECSTaskExecutionRolePolicy]}
profiles:
  app: {entrypoint: /app, startup: 5s, port: 8080, memory: {start: 100, peak: 100}}
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
  - {name: app, cluster: bench, task_definition: app, desired: DESIRED, subnets: [private-a, private-b], security_groups: [tasks]}
"#;

/// Healthy tasks behind a NAT gateway, each writing three log lines (the shape
/// of benches/play.rs's `BIG`). `DESIRED` is replaced by the task count.
const HEALTHY: &str = r#"
description: bench - a healthy service
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
  - {name: app, cluster: bench, task_definition: app, desired: DESIRED, subnets: [private-a, private-b], security_groups: [tasks]}
"#;

/// The environment `yaml` with `DESIRED` tasks.
fn environment(yaml: &str, desired: u32) -> Environment {
    let text = yaml.replace("DESIRED", &desired.to_string());
    parse_yaml(Path::new("bench.yaml"), &text).expect("bench environment parses")
}

/// The world of `env` with its services created, nothing run yet.
fn sim_of(env: &Environment) -> Sim {
    let world = build::build_world(env, 1, 0).expect("bench world builds");
    let mut sim = Sim::new(world, 0);
    sim.check_invariants = false;
    build::create_services(&mut sim, env).expect("bench service is created");
    sim
}

/// Builds the world of `env` and runs it until its service is at steady state.
fn start_up(env: &Environment, desired: u32) -> Sim {
    let mut sim = sim_of(env);
    while sim.steady_since("bench", "app").is_none() {
        assert!(sim.now() < HOUR, "the bench service reaches steady state");
        sim.run_for(5 * SECOND).expect("engine invariants hold");
    }
    let running = sim
        .world()
        .tasks
        .values()
        .filter(|t| t.last_status == faultline::world::TaskStatus::Running)
        .count();
    assert_eq!(running, desired as usize, "every task runs");
    sim
}

fn scenarios() -> Vec<Scenario> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    scenario_files(&dir)
        .expect("scenarios folder")
        .iter()
        .map(|f| Scenario::load(f).expect("scenario loads"))
        .collect()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    for n in [200, 1000] {
        let env = environment(FAILING, n);
        g.bench_function(format!("failing_service_{n}_tasks_24h"), |b| {
            b.iter_batched(
                || sim_of(&env),
                |mut sim| {
                    sim.run_for(24 * HOUR).expect("engine invariants hold");
                    sim
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    for n in [1000, 5000] {
        let env = environment(HEALTHY, n);
        // One world at a time, dropped outside the timing (as the crash-loop
        // benchmarks do): the allocator reuses the last world's memory.
        g.bench_function(format!("startup_{n}_healthy_tasks"), |b| {
            b.iter_batched(
                || (),
                |()| start_up(&env, n),
                criterion::BatchSize::PerIteration,
            )
        });
    }
    let all = scenarios();
    g.bench_function("validate_all_scenarios_100_seeds", |b| {
        b.iter(|| {
            for s in &all {
                for seed in 0..100 {
                    validate::prove(s, seed).expect("scenario holds");
                }
            }
        })
    });
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
