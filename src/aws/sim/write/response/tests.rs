//! What the mutating commands answer: the whole resource, as the describe
//! operations shape it (the CLI prints every member of the response), and
//! `--deployment-configuration`'s effect on the service.

use crate::scenario::{Instance, Mode, Scenario};
use serde_json::{json, Value};
use std::path::Path;

fn instance() -> Instance {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
    Scenario::load(&path)
        .unwrap()
        .instantiate(1, Mode::Incident)
        .unwrap()
}

fn write(inst: &mut Instance, line: &str) -> Result<Value, String> {
    crate::awscli::command::write(&mut inst.sim, line)
        .map(|(_, v)| v)
        .map_err(|e| e.to_string())
}

fn read(inst: &Instance, line: &str) -> Value {
    crate::awscli::command::read(&inst.sim, line).unwrap().1
}

#[test]
fn update_service_answers_the_whole_service_as_describe_services_shows_it() {
    let mut inst = instance();
    let v = write(
        &mut inst,
        "ecs update-service --cluster prod --service checkout --force-new-deployment",
    )
    .unwrap();
    let described = read(
        &inst,
        "ecs describe-services --cluster prod --services checkout",
    );
    assert_eq!(v, json!({"service": described["services"][0]}));
    let keys: Vec<&str> = v["service"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "serviceArn",
        "clusterArn",
        "deploymentConfiguration",
        "deployments",
        "events",
        "networkConfiguration",
        "currentServiceDeployment",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    // The deployment the update started is in the answer, first and in progress.
    assert_eq!(v["service"]["deployments"][0]["status"], "PRIMARY");
    assert_eq!(
        v["service"]["deployments"][0]["rolloutState"],
        "IN_PROGRESS"
    );
    assert_eq!(v["service"]["deployments"][0]["runningCount"], 0);
}

#[test]
fn register_task_definition_answers_the_whole_task_definition() {
    let mut inst = instance();
    let role = inst.sim.world().role_arn("checkout-task-execution");
    let v = write(
        &mut inst,
        &format!(
            "ecs register-task-definition --family big --cpu 256 --memory 512 --execution-role-arn {role} \
             --network-mode awsvpc --requires-compatibilities FARGATE \
             --container-definitions '[{{\"name\":\"app\",\"image\":\"nginx\"}}]'"
        ),
    )
    .unwrap();
    let described = read(
        &inst,
        "ecs describe-task-definition --task-definition big:1",
    );
    assert_eq!(v, json!({"taskDefinition": described["taskDefinition"]}));
    assert_eq!(
        v["taskDefinition"]["containerDefinitions"][0]["name"],
        "app"
    );
    assert_eq!(
        v["taskDefinition"]["requiresCompatibilities"],
        json!(["FARGATE"])
    );
}

#[test]
fn deployment_configuration_shorthand_and_json_change_the_service() {
    let mut inst = instance();
    let v = write(
        &mut inst,
        "ecs update-service --cluster prod --service checkout --deployment-configuration \
         maximumPercent=150,minimumHealthyPercent=50,deploymentCircuitBreaker={enable=true,rollback=true}",
    )
    .unwrap();
    assert_eq!(
        v["service"]["deploymentConfiguration"],
        json!({"deploymentCircuitBreaker": {"enable": true, "rollback": true}, "maximumPercent": 150, "minimumHealthyPercent": 50})
    );
    let svc = inst.sim.world().service("prod", "checkout").unwrap();
    assert!(svc.deployment_config.circuit_breaker.enable);
    assert!(svc.deployment_config.circuit_breaker.rollback);
    assert_eq!(svc.deployment_config.maximum_percent, 150);
    assert_eq!(svc.deployment_config.minimum_healthy_percent, 50);
    // JSON, and members not given keep their values.
    write(
        &mut inst,
        r#"ecs update-service --cluster prod --service checkout --deployment-configuration '{"deploymentCircuitBreaker":{"enable":false,"rollback":false}}'"#,
    )
    .unwrap();
    let c = inst
        .sim
        .world()
        .service("prod", "checkout")
        .unwrap()
        .deployment_config;
    assert!(!c.circuit_breaker.enable);
    assert_eq!((c.maximum_percent, c.minimum_healthy_percent), (150, 50));
}

#[test]
fn deployment_configuration_errors_read_as_the_cli_prints_them() {
    let mut inst = instance();
    let base = "ecs update-service --cluster prod --service checkout --deployment-configuration";
    // Texts captured from awscli 1.45.11 / botocore 1.43.11.
    assert_eq!(
        write(&mut inst, &format!("{base} maximumPercent=abc")).unwrap_err(),
        "invalid literal for int() with base 10: 'abc'"
    );
    assert_eq!(
        write(&mut inst, &format!("{base} maximumPercent=200,bogus=1")).unwrap_err(),
        "Parameter validation failed:\nUnknown parameter in deploymentConfiguration: \"bogus\", must be one of: deploymentCircuitBreaker, maximumPercent, minimumHealthyPercent, alarms, strategy, bakeTimeInMinutes, lifecycleHooks, linearConfiguration, canaryConfiguration"
    );
    assert_eq!(
        write(&mut inst, &format!("{base} deploymentCircuitBreaker={{enable=maybe,rollback=true}}")).unwrap_err(),
        "Parameter validation failed:\nInvalid type for parameter deploymentConfiguration.deploymentCircuitBreaker.enable, value: maybe, type: <class 'str'>, valid types: <class 'bool'>"
    );
    let c = inst
        .sim
        .world()
        .service("prod", "checkout")
        .unwrap()
        .deployment_config;
    assert_eq!((c.maximum_percent, c.minimum_healthy_percent), (200, 100));
}

#[test]
fn describe_services_names_the_current_service_deployment() {
    let mut inst = instance();
    let arn = |inst: &Instance| {
        read(
            inst,
            "ecs describe-services --cluster prod --services checkout",
        )["services"][0]["currentServiceDeployment"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let before = arn(&inst);
    let prefix = format!(
        "arn:aws:ecs:us-east-1:{}:service-deployment/prod/checkout/",
        inst.sim.world().account
    );
    let id = before.strip_prefix(&prefix).expect(&before);
    assert_eq!(id.len(), 21, "{before}");
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{before}");
    assert_eq!(before, arn(&instance()), "the same seed gives the same ARN");
    write(
        &mut inst,
        "ecs update-service --cluster prod --service checkout --force-new-deployment",
    )
    .unwrap();
    assert_ne!(
        arn(&inst),
        before,
        "a new deployment is a new service deployment"
    );
}

#[test]
fn a_circuit_breaker_turned_on_by_update_service_rolls_a_failing_deployment_back() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/image-tag-not-found.yaml");
    let mut inst = Scenario::load(&path)
        .unwrap()
        .instantiate(1, Mode::Incident)
        .unwrap();
    let deployments = |inst: &Instance| {
        read(
            inst,
            "ecs describe-services --cluster prod --services checkout",
        )["services"][0]["deployments"]
            .clone()
    };
    let before = deployments(&inst);
    assert_eq!(before[0]["rolloutState"], "IN_PROGRESS");
    let failing = before[0]["taskDefinition"].clone();
    // Without a circuit breaker the failing deployment goes on failing.
    let mut without = inst.clone();
    without.sim.run_for(10 * crate::time::MINUTE).unwrap();
    assert_eq!(deployments(&without)[0]["rolloutState"], "IN_PROGRESS");
    write(
        &mut inst,
        "ecs update-service --cluster prod --service checkout --deployment-configuration deploymentCircuitBreaker={enable=true,rollback=true}",
    )
    .unwrap();
    inst.sim.run_for(10 * crate::time::MINUTE).unwrap();
    let after = deployments(&inst);
    // The breaker tripped on the next failure and rolled back to the last good revision.
    assert_eq!(after.as_array().unwrap().len(), 1, "{after}");
    assert_eq!(after[0]["rolloutState"], "COMPLETED");
    assert_ne!(after[0]["taskDefinition"], failing);
}
