//! `list-services`, `describe-services`: services and their deployments.

use super::super::{CommandError, Input};
use super::{
    choice, cluster, cluster_arn, counts, list_response, list_values, network_json, principal,
};
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::time::iso;
use crate::world::{Deployment, Service, World};
use serde_json::{json, Map, Value};

pub(super) fn list_services(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListServices";
    let given = inv.value("cluster")?;
    let launch = choice(
        api,
        "launchType",
        inv.value("launchType")?,
        &["EC2", "FARGATE", "EXTERNAL"],
    )?;
    let strategy = choice(
        api,
        "schedulingStrategy",
        inv.value("schedulingStrategy")?,
        &["REPLICA", "DAEMON"],
    )?;
    let cl = cluster(ctx.world, given, api)?;
    let arns: Vec<String> = ctx
        .world
        .services
        .values()
        .filter(|s| s.cluster == cl.name)
        .filter(|_| launch.as_deref().is_none_or(|l| l == "FARGATE"))
        .filter(|_| strategy.as_deref().is_none_or(|s| s == "REPLICA"))
        .map(|s| s.arn.clone())
        .collect();
    Ok(list_response("serviceArns", arns))
}

pub(super) fn deployment_json(world: &World, svc: &Service, d: &Deployment) -> Value {
    let (running, pending) = counts(world.tasks.values().filter(|t| {
        t.cluster == svc.cluster
            && t.service.as_deref() == Some(svc.name.as_str())
            && t.started_by == d.id
    }));
    json!({
        "id": d.id,
        "status": d.status,
        "taskDefinition": d.task_definition,
        "desiredCount": d.desired_count,
        "pendingCount": pending,
        "runningCount": running,
        "failedTasks": d.failed_tasks,
        "createdAt": iso(d.created_at),
        "updatedAt": iso(d.updated_at),
        "launchType": "FARGATE",
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "networkConfiguration": network_json(&d.network),
        "rolloutState": d.rollout_state.as_str(),
        "rolloutStateReason": d.rollout_state_reason,
    })
}

/// The service deployment's ARN for a deployment:
/// `arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/ID` [V: the
/// botocore ecs model's Service.currentServiceDeployment, "The ARN of the
/// current service deployment", and the AWS CLI's describe-service-deployments
/// example `.../service-deployment/example-cluster/example-service/ejGvqq2ilnbKT9qj0vLJe`].
/// The id (21 letters and digits, as in that example) is drawn from the
/// deployment's own id [I], so it is as seeded as the deployment.
pub(super) fn service_deployment_arn(world: &World, svc: &Service, deployment: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // FNV-1a, then splitmix64 steps: a stable stream from the deployment id.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in deployment.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let id: String = (0..21)
        .map(|_| {
            h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = h;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            ALPHABET[(z % ALPHABET.len() as u64) as usize] as char
        })
        .collect();
    world.arn(
        "ecs",
        &format!("service-deployment/{}/{}/{id}", svc.cluster, svc.name),
    )
}

pub(super) fn service_json(world: &World, svc: &Service, tags: bool) -> Value {
    let (running, pending) =
        counts(world.tasks.values().filter(|t| {
            t.cluster == svc.cluster && t.service.as_deref() == Some(svc.name.as_str())
        }));
    let lbs: Vec<Value> = svc
        .load_balancers
        .iter()
        .map(|lb| {
            json!({
                "targetGroupArn": lb.target_group_arn,
                "containerName": lb.container_name,
                "containerPort": lb.container_port,
            })
        })
        .collect();
    let cb = svc.deployment_config.circuit_breaker;
    let mut m = Map::new();
    let mut ins = |k: &str, v: Value| {
        m.insert(k.into(), v);
    };
    ins("serviceArn", json!(svc.arn));
    ins("serviceName", json!(svc.name));
    ins("clusterArn", json!(cluster_arn(world, &svc.cluster)));
    ins("loadBalancers", Value::Array(lbs));
    ins("serviceRegistries", json!([]));
    ins("status", json!(svc.status));
    ins("desiredCount", json!(svc.desired_count));
    ins("runningCount", json!(running));
    ins("pendingCount", json!(pending));
    ins("launchType", json!("FARGATE"));
    ins("platformVersion", json!("LATEST"));
    ins("platformFamily", json!("Linux"));
    ins("taskDefinition", json!(svc.task_definition));
    ins(
        "deploymentConfiguration",
        json!({
            "deploymentCircuitBreaker": {"enable": cb.enable, "rollback": cb.rollback},
            "maximumPercent": svc.deployment_config.maximum_percent,
            "minimumHealthyPercent": svc.deployment_config.minimum_healthy_percent,
        }),
    );
    ins(
        "deployments",
        Value::Array(
            svc.deployments
                .iter()
                .map(|d| deployment_json(world, svc, d))
                .collect(),
        ),
    );
    ins(
        "roleArn",
        json!(format!(
            "arn:aws:iam::{}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
            world.account
        )),
    );
    ins(
        "events",
        Value::Array(
            svc.events
                .iter()
                .map(|e| json!({"id": e.id, "createdAt": iso(e.created_at), "message": e.message}))
                .collect(),
        ),
    );
    ins("createdAt", json!(iso(svc.created_at)));
    if let Some(d) = svc.deployments.first() {
        ins(
            "currentServiceDeployment",
            json!(service_deployment_arn(world, svc, &d.id)),
        );
    }
    ins("placementConstraints", json!([]));
    ins("placementStrategy", json!([]));
    ins("networkConfiguration", network_json(&svc.network));
    ins(
        "healthCheckGracePeriodSeconds",
        json!(svc.health_check_grace_period),
    );
    ins("schedulingStrategy", json!("REPLICA"));
    ins("deploymentController", json!({"type": "ECS"}));
    if tags {
        // The tags of the account's stacks: CloudFormation propagates them.
        let tags: Vec<Value> = world
            .with_stack_tags(Vec::new())
            .into_iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        ins("tags", Value::Array(tags));
    }
    ins("createdBy", json!(principal(world)));
    ins("enableECSManagedTags", json!(false));
    ins("propagateTags", json!("NONE"));
    ins("enableExecuteCommand", json!(svc.enable_execute_command));
    ins("availabilityZoneRebalancing", json!("ENABLED"));
    Value::Object(m)
}

pub(super) fn describe_services(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeServices";
    let given = inv.value("cluster")?;
    let names = list_values(inv, "services")?.unwrap_or_default();
    let tags = list_values(inv, "include")?.is_some_and(|v| v.iter().any(|x| x == "TAGS"));
    let cl = cluster(ctx.world, given, api)?;
    if names.is_empty() {
        return Err(errors::services_empty(api).into());
    }
    let mut services = Vec::new();
    let mut failures = Vec::new();
    for name in names {
        match ctx.world.service(&cl.name, &name) {
            Some(s) => services.push(service_json(ctx.world, s, tags)),
            None => {
                let arn = if name.starts_with("arn:") {
                    name
                } else {
                    ctx.world.arn("ecs", &format!("service/{}/{name}", cl.name))
                };
                failures.push(json!({"arn": arn, "reason": "MISSING"}));
            }
        }
    }
    // Moved in, not through `json!` (which would copy every service).
    let mut out = Map::new();
    out.insert("services".into(), Value::Array(services));
    out.insert("failures".into(), Value::Array(failures));
    Ok(Value::Object(out))
}
