//! Benchmarks of the engine: `validate` over every scenario at 100 seeds, and
//! 24 virtual hours of a 200-task service whose tasks keep failing.

use criterion::{criterion_group, criterion_main, Criterion};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use faultline::engine::Sim;
use faultline::scenario::{
    build, format::Environment, parse_yaml, scenario_files, validate, Scenario,
};
use faultline::time::HOUR;
use std::path::{Path, PathBuf};

/// A private subnet with no route out: every task fails at the ECR auth step, forever.
const FAILING: &str = r#"
description: bench - a 200-task service that cannot reach ECR
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
  - {name: app, cluster: bench, task_definition: app, desired: 200, subnets: [private-a, private-b], security_groups: [tasks]}
"#;

fn failing_sim() -> Sim {
    let env: Environment =
        parse_yaml(Path::new("bench.yaml"), FAILING).expect("bench environment parses");
    let world = build::build_world(&env, 1, 0).expect("bench world builds");
    let mut sim = Sim::new(world, 0);
    sim.check_invariants = false;
    build::create_services(&mut sim, &env).expect("bench service is created");
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
    g.bench_function("failing_service_200_tasks_24h", |b| {
        b.iter_batched(
            failing_sim,
            |mut sim| {
                sim.run_for(24 * HOUR).expect("engine invariants hold");
                sim
            },
            criterion::BatchSize::LargeInput,
        )
    });
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
