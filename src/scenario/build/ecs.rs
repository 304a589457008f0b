//! ECS: clusters, task definitions, and the services (created in the
//! simulation, so their first deployments start).

use super::{env_err, join_or_none, name_of, resolve_json, PathError};
use crate::aws::sim::write;
use crate::engine::Sim;
use crate::scenario::format::Environment;
use crate::time::{Millis, SECOND};
use crate::world::*;
use std::collections::BTreeMap;

/// Creates the clusters.
pub(super) fn build_clusters(w: &mut World, env: &Environment) -> Result<(), PathError> {
    for c in &env.clusters {
        let arn = w.arn("ecs", &format!("cluster/{c}"));
        w.clusters.insert(
            c.clone(),
            Cluster {
                name: c.clone(),
                arn: arn.clone(),
            },
        );
        w.names.insert(format!("cluster:{c}"), arn);
    }
    Ok(())
}

/// Registers the task definitions (placeholders resolved) at `registered`.
pub(super) fn build_task_definitions(
    w: &mut World,
    env: &Environment,
    registered: Millis,
) -> Result<(), PathError> {
    for (i, td) in env.task_definitions.iter().enumerate() {
        let path = format!("task_definitions[{i}]");
        let mut v = serde_json::to_value(td).map_err(|e| env_err(&path, e.to_string()))?;
        resolve_json(w, &BTreeMap::new(), &mut v).map_err(|e| env_err(&path, e))?;
        let def: TaskDefinitionInput =
            serde_json::from_value(v).map_err(|e| env_err(&path, e.to_string()))?;
        let reg = write::register(w, def, registered).map_err(|e| env_err(&path, e.message))?;
        w.names.insert(format!("td:{}", reg.def.family), reg.arn);
    }
    Ok(())
}

/// Creates the environment's services in the simulation (their first deployments start).
pub fn create_services(sim: &mut Sim, env: &Environment) -> Result<(), PathError> {
    for (i, s) in env.services.iter().enumerate() {
        let path = format!("services[{i}]");
        let w = sim.world();
        if !w.clusters.contains_key(&s.cluster) {
            return Err(env_err(
                format!("{path}.cluster"),
                format!(
                    "no cluster '{}'; known: {}",
                    s.cluster,
                    join_or_none(w.clusters.keys())
                ),
            ));
        }
        let td = w
            .task_definition(&s.task_definition)
            .ok_or_else(|| {
                env_err(
                    format!("{path}.task_definition"),
                    format!(
                        "no task definition '{}' (give a family registered in task_definitions)",
                        s.task_definition
                    ),
                )
            })?
            .clone();
        let mut subnets = Vec::new();
        for (j, n) in s.subnets.iter().enumerate() {
            subnets.push(
                name_of(w, "subnet", n, &format!("{path}.subnets[{j}]"), "subnet")?.to_string(),
            );
        }
        let mut sgs = Vec::new();
        for (j, n) in s.security_groups.iter().enumerate() {
            sgs.push(
                name_of(
                    w,
                    "sg",
                    n,
                    &format!("{path}.security_groups[{j}]"),
                    "security group",
                )?
                .to_string(),
            );
        }
        let mut lbs = Vec::new();
        if let Some(lb) = &s.load_balancer {
            let tg = name_of(
                w,
                "tg",
                &lb.target_group,
                &format!("{path}.load_balancer.target_group"),
                "target group",
            )?
            .to_string();
            let has = td.def.container_definitions.iter().any(|c| {
                c.name == lb.container
                    && c.port_mappings.iter().any(|p| p.container_port == lb.port)
            });
            if !has {
                return Err(env_err(
                    format!("{path}.load_balancer"),
                    format!(
                        "task definition {} has no container '{}' mapping port {}",
                        td.family_revision(),
                        lb.container,
                        lb.port
                    ),
                ));
            }
            lbs.push(ServiceLoadBalancer {
                target_group_arn: tg,
                container_name: lb.container.clone(),
                container_port: lb.port,
            });
        }
        if s.deployment.max_percent < 100 || s.deployment.min_healthy_percent > 100 {
            return Err(env_err(
                format!("{path}.deployment"),
                "max_percent must be at least 100 and min_healthy_percent at most 100",
            ));
        }
        let arn = w.arn("ecs", &format!("service/{}/{}", s.cluster, s.name));
        if w.service(&s.cluster, &s.name).is_some() {
            return Err(env_err(
                format!("{path}.name"),
                format!(
                    "service '{}' already exists in cluster '{}'",
                    s.name, s.cluster
                ),
            ));
        }
        let svc = Service {
            name: s.name.clone(),
            arn,
            cluster: s.cluster.clone(),
            task_definition: td.arn.clone(),
            desired_count: s.desired,
            network: NetworkConfig {
                subnets,
                security_groups: sgs,
                assign_public_ip: s.public_ip,
            },
            deployment_config: DeploymentConfig {
                maximum_percent: s.deployment.max_percent,
                minimum_healthy_percent: s.deployment.min_healthy_percent,
                circuit_breaker: CircuitBreaker {
                    enable: s.deployment.circuit_breaker,
                    rollback: s.deployment.rollback,
                },
            },
            load_balancers: lbs,
            health_check_grace_period: (s.grace_period.0 / SECOND) as u32,
            deployments: vec![],
            events: Default::default(),
            created_at: sim.now(),
            status: "ACTIVE".into(),
            sched: Default::default(),
            enable_execute_command: s.enable_execute_command,
        };
        sim.mutate(|c| {
            let arn = svc.arn.clone();
            c.world
                .services
                .insert((s.cluster.clone(), s.name.clone()), svc);
            c.world.names.insert(format!("service:{}", s.name), arn);
            c.new_deployment(&s.cluster, &s.name);
        });
    }
    Ok(())
}
