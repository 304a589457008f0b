//! `list-clusters`, `describe-clusters`.

use super::super::{CommandError, Input};
use super::{counts, list_response, list_values};
use crate::aws::catalogue::ReadCtx;
use crate::world::{short_name, Cluster, World};
use serde_json::{json, Value};

pub(super) fn list_clusters(ctx: &ReadCtx, _: &Input) -> Result<Value, CommandError> {
    let arns: Vec<String> = ctx.world.clusters.values().map(|c| c.arn.clone()).collect();
    Ok(list_response("clusterArns", arns))
}

pub(super) fn cluster_json(world: &World, c: &Cluster) -> Value {
    let (running, pending) = counts(world.tasks.values().filter(|t| t.cluster == c.name));
    let active = world
        .services
        .values()
        .filter(|s| s.cluster == c.name && s.status == "ACTIVE")
        .count();
    json!({
        "clusterArn": c.arn,
        "clusterName": c.name,
        "status": "ACTIVE",
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": running,
        "pendingTasksCount": pending,
        "activeServicesCount": active,
        "statistics": [],
        "tags": [],
        // [I] a cluster created without Container Insights, with both Fargate providers.
        "settings": [{"name": "containerInsights", "value": "disabled"}],
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [],
    })
}

pub(super) fn describe_clusters(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let names = list_values(inv, "clusters")?.unwrap_or_else(|| vec!["default".into()]);
    list_values(inv, "include")?;
    let mut clusters = Vec::new();
    let mut failures = Vec::new();
    for given in names {
        match ctx.world.clusters.get(&short_name(&given)) {
            Some(c) => clusters.push(cluster_json(ctx.world, c)),
            None => {
                let arn = if given.starts_with("arn:") {
                    given
                } else {
                    ctx.world.arn("ecs", &format!("cluster/{given}"))
                };
                failures.push(json!({"arn": arn, "reason": "MISSING"}));
            }
        }
    }
    Ok(json!({"clusters": clusters, "failures": failures}))
}
