//! ECS writes: RegisterTaskDefinition, UpdateService, StopTask, and the
//! pieces the scenario builder shares (registering a task definition, reading
//! a network configuration).

use super::super::{ArgError, AwsError, CommandError, Input};
use crate::aws::errors;
use crate::engine::{taskdef, Change};
use crate::world::{
    short_name, KeyValue, ServiceLoadBalancer, TaskDefinition, TaskDefinitionInput, World,
};
use serde_json::{json, Value};

/// Reads shorthand's untyped scalars by the model's types: `"30"` as 30 for the
/// integer members of task definitions, `"true"` as true for the boolean ones.
/// The task's own `cpu` and `memory` stay strings, as the API has them.
fn coerce_scalars(v: Value) -> Value {
    const INTS: &[&str] = &[
        "sizeInGiB",
        "containerPort",
        "hostPort",
        "cpu",
        "memory",
        "memoryReservation",
        "interval",
        "timeout",
        "retries",
        "startPeriod",
        "stopTimeout",
    ];
    const BOOLS: &[&str] = &["essential", "readonlyRootFilesystem"];
    fn inner(v: Value, key: Option<&str>) -> Value {
        match v {
            Value::String(s) => match key {
                Some(k) if INTS.contains(&k) => s
                    .parse::<i64>()
                    .map(|n| json!(n))
                    .unwrap_or(Value::String(s)),
                Some(k) if BOOLS.contains(&k) && (s == "true" || s == "false") => {
                    json!(s == "true")
                }
                _ => Value::String(s),
            },
            Value::Array(a) => Value::Array(a.into_iter().map(|x| inner(x, key)).collect()),
            Value::Object(o) => Value::Object(
                o.into_iter()
                    .map(|(k, x)| {
                        let y = inner(x, Some(&k));
                        (k, y)
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    match v {
        // Top level: only the nested members are converted.
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| {
                    let y = if k == "cpu" || k == "memory" {
                        x
                    } else {
                        inner(x, None)
                    };
                    (k, y)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Registers a checked task definition as the next revision of its family.
pub fn register(
    world: &mut World,
    def: TaskDefinitionInput,
    now: i64,
) -> Result<TaskDefinition, AwsError> {
    let def = taskdef::check(def)?;
    for arn in [&def.execution_role_arn, &def.task_role_arn]
        .into_iter()
        .flatten()
    {
        if !arn.starts_with("arn:aws:iam::") || !arn.contains(":role/") {
            return Err(errors::task_role_arn_invalid("RegisterTaskDefinition", arn));
        }
    }
    let rev = world.next_revision(&def.family);
    let arn = world.arn("ecs", &format!("task-definition/{}:{rev}", def.family));
    let td = TaskDefinition {
        arn,
        revision: rev,
        status: "ACTIVE".into(),
        registered_at: now,
        def,
    };
    world.task_definitions.insert(
        (td.def.family.clone(), rev),
        std::sync::Arc::new(td.clone()),
    );
    world
        .names
        .insert(format!("td:{}", td.def.family), td.arn.clone());
    Ok(td)
}

pub(super) fn register_task_definition(
    cx: &mut Change,
    inv: &Input,
) -> Result<Value, CommandError> {
    let op = "RegisterTaskDefinition";
    let input = Value::Object(inv.members().clone());
    // DescribeTaskDefinition output pasted back in carries read-only fields; the CLI rejects them too.
    // Shorthand values arrive as strings; the CLI converts them by the model's
    // types (`sizeInGiB=30`). Try as given, then with numbers and booleans read.
    let def: TaskDefinitionInput = serde_json::from_value(input.clone())
        .or_else(|e| serde_json::from_value(coerce_scalars(input.clone())).map_err(|_| e))
        .map_err(|e| {
            ArgError(format!(
                "Parameter validation failed:\n{}",
                e.to_string().replace(" at line 1 column", " (column")
            ))
        })?;
    if def.family.is_empty() {
        return Err(
            ArgError("aws: error: the following arguments are required: --family".into()).into(),
        );
    }
    let now = cx.now;
    let td = register(cx.world, def, now).map_err(|mut e| {
        e.operation = op.into();
        e
    })?;
    // The whole task definition, as DescribeTaskDefinition shapes it: the
    // API's RegisterTaskDefinitionResponse is {taskDefinition, tags} (botocore
    // ecs model), and the CLI prints all of it.
    Ok(json!({"taskDefinition": crate::aws::sim::ecs::task_definition_json(cx.world, &td)}))
}

pub(super) fn update_service(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "UpdateService";
    let cluster = inv.value("cluster")?.unwrap_or_else(|| "default".into());
    let service = inv.required("service")?;
    let td = inv.value("taskDefinition")?;
    let desired = inv.value("desiredCount")?;
    let force = inv.switch("forceNewDeployment")?.unwrap_or(false);
    let net = inv.structure("networkConfiguration")?;
    let exec = match (
        inv.switch("enableExecuteCommand")?,
        inv.switch("disableExecuteCommand")?,
    ) {
        // [I] both switches of the pair at once: refused before any request.
        (Some(true), Some(true)) => {
            return Err(ArgError(
                "aws: error: argument --disable-execute-command: not allowed with argument --enable-execute-command"
                    .into(),
            )
            .into())
        }
        (Some(true), _) => Some(true),
        (_, Some(true)) => Some(false),
        _ => None,
    };
    let deployment = inv.structure("deploymentConfiguration")?;
    let lbs = inv.structures("loadBalancers");
    let cl = short_name(&cluster);
    if !cx.world.clusters.contains_key(&cl) {
        return Err(errors::cluster_not_found(op).into());
    }
    if cx.world.service(&cl, &service).is_none() {
        return Err(errors::service_not_found(op).into());
    }
    let desired: Option<u32> = match desired {
        None => None,
        Some(d) => {
            let n: i64 = d
                .trim()
                .parse()
                .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{d}'")))?;
            if n < 0 {
                return Err(errors::desired_count_negative(op, n).into());
            }
            if n > i64::from(crate::limits::MAX_DESIRED) {
                return Err(
                    errors::desired_count_over_quota(op, n, crate::limits::MAX_DESIRED).into(),
                );
            }
            Some(n as u32)
        }
    };
    let td_arn = match td {
        None => None,
        Some(key) => match cx.world.task_definition(&key) {
            Some(t) if t.status == "ACTIVE" => Some(t.arn.clone()),
            Some(_) => return Err(errors::task_definition_inactive(op).into()),
            None => return Err(errors::task_definition_not_found(op).into()),
        },
    };
    let network = match net {
        None => None,
        Some(v) => Some(network_config(cx.world, &v, op)?),
    };
    if exec == Some(true) {
        // ECS checks the task definition the service will run.
        let td_key = td_arn.clone().or_else(|| {
            cx.world
                .service(&cl, &service)
                .map(|s| s.task_definition.clone())
        });
        let has_role = td_key
            .and_then(|k| cx.world.task_definition(&k))
            .is_some_and(|t| {
                t.def
                    .task_role_arn
                    .as_deref()
                    .is_some_and(|r| !r.is_empty())
            });
        if !has_role {
            return Err(errors::exec_needs_task_role(op).into());
        }
    }
    let deployment = match deployment {
        None => None,
        Some(v) => {
            let current = cx
                .world
                .service(&cl, &service)
                .map(|s| s.deployment_config)
                .ok_or_else(|| errors::service_not_found(op))?;
            Some(deployment_config(&v, current)?)
        }
    };
    let lbs = match lbs {
        None => None,
        Some(items) => Some(load_balancers(cx.world, &items, op)?),
    };
    // The task definition the service will run must have every load
    // balancer's container and port.
    {
        let svc = cx
            .world
            .service(&cl, &service)
            .ok_or_else(|| errors::service_not_found(op))?;
        let td_key = td_arn.as_deref().unwrap_or(&svc.task_definition);
        let bindings = lbs.as_deref().unwrap_or(&svc.load_balancers);
        if let Some(td) = cx.world.task_definition(td_key) {
            check_bindings(td, bindings, op)?;
        }
    }
    let svc = cx
        .world
        .service_mut(&cl, &service)
        .ok_or_else(|| errors::service_not_found(op))?;
    let mut changed = force;
    if let Some(l) = lbs {
        changed |= svc.load_balancers != l;
        svc.load_balancers = l;
    }
    if let Some(arn) = td_arn {
        changed |= svc.task_definition != arn;
        svc.task_definition = arn;
    }
    if let Some(n) = network {
        changed |= svc.network != n;
        svc.network = n;
    }
    if let Some(e) = exec {
        // Tasks already running keep their setting; a new deployment (forced or
        // not) launches tasks with the new one.
        svc.enable_execute_command = e;
    }
    if let Some(c) = deployment {
        // [I] a new deployment configuration applies to the deployments to
        // come and to the circuit breaker's judgement of the one in progress;
        // by itself it starts no deployment (ECS deploys on a task definition,
        // network or forced change).
        svc.deployment_config = c;
    }
    if let Some(d) = desired {
        svc.desired_count = d;
        if let Some(p) = svc.deployments.first_mut() {
            p.desired_count = d;
        }
    }
    let (name, arn) = (svc.name.clone(), svc.arn.clone());
    if changed {
        cx.new_deployment(&cl, &service);
    }
    // The whole service is filled in once the change (and the deployment it
    // starts) is in the world: see `super::response`.
    Ok(
        json!({"service": {"serviceArn": arn, "serviceName": name, "clusterArn": cx.world.arn("ecs", &format!("cluster/{cl}"))}}),
    )
}

/// `--deployment-configuration` (shorthand or JSON) over the service's
/// current one: members not given keep their values [I].
fn deployment_config(
    v: &Value,
    current: crate::world::DeploymentConfig,
) -> Result<crate::world::DeploymentConfig, CommandError> {
    let path = "deploymentConfiguration";
    let Some(m) = v.as_object() else {
        return Err(ArgError(format!(
            "Parameter validation failed:\nInvalid type for parameter {path}, value: {v}, type: <class 'str'>, valid types: <class 'dict'>"
        ))
        .into());
    };
    // [C] awscli 1.45 / botocore: the members of DeploymentConfiguration.
    const MEMBERS: &str = "deploymentCircuitBreaker, maximumPercent, minimumHealthyPercent, alarms, strategy, bakeTimeInMinutes, lifecycleHooks, linearConfiguration, canaryConfiguration";
    let mut c = current;
    for (k, x) in m {
        match k.as_str() {
            "maximumPercent" => c.maximum_percent = int_member(x)?,
            "minimumHealthyPercent" => c.minimum_healthy_percent = int_member(x)?,
            "deploymentCircuitBreaker" => {
                let Some(cb) = x.as_object() else {
                    return Err(ArgError(format!(
                        "Parameter validation failed:\nInvalid type for parameter {path}.deploymentCircuitBreaker, value: {x}, type: <class 'str'>, valid types: <class 'dict'>"
                    ))
                    .into());
                };
                for (ck, cv) in cb {
                    let b = bool_member(&format!("{path}.deploymentCircuitBreaker.{ck}"), cv)?;
                    match ck.as_str() {
                        "enable" => c.circuit_breaker.enable = b,
                        "rollback" => c.circuit_breaker.rollback = b,
                        other => {
                            return Err(ArgError(format!(
                                "Parameter validation failed:\nUnknown parameter in {path}.deploymentCircuitBreaker: \"{other}\", must be one of: enable, rollback"
                            ))
                            .into())
                        }
                    }
                }
            }
            "alarms" | "strategy" | "bakeTimeInMinutes" | "lifecycleHooks"
            | "linearConfiguration" | "canaryConfiguration" => {
                return Err(ArgError(format!(
                    "deploymentConfiguration.{k} is not simulated by faultline; it takes maximumPercent, minimumHealthyPercent and deploymentCircuitBreaker"
                ))
                .into())
            }
            other => {
                // [C] botocore's ParamValidationError, as awscli 1.45 prints it.
                return Err(ArgError(format!(
                    "Parameter validation failed:\nUnknown parameter in {path}: \"{other}\", must be one of: {MEMBERS}"
                ))
                .into());
            }
        }
    }
    Ok(c)
}

/// An integer member: a JSON number, or shorthand's text of one.
fn int_member(v: &Value) -> Result<u32, CommandError> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => Some(s.trim().parse::<i64>().map_err(|_| {
            // [C] awscli 1.45: shorthand scalars are converted with Python's int().
            ArgError(format!("invalid literal for int() with base 10: '{s}'"))
        })?),
        _ => None,
    };
    n.and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| ArgError(format!("Invalid value for an integer member: {v}")).into())
}

/// A boolean member: JSON true/false, or shorthand's `true`/`false`.
fn bool_member(path: &str, v: &Value) -> Result<bool, CommandError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" || s == "false" => Ok(s == "true"),
        other => {
            let shown = other
                .as_str()
                .map(str::to_string)
                .unwrap_or(other.to_string());
            // [C] botocore's ParamValidationError, as awscli 1.45 prints it.
            Err(ArgError(format!(
                "Parameter validation failed:\nInvalid type for parameter {path}, value: {shown}, type: <class 'str'>, valid types: <class 'bool'>"
            ))
            .into())
        }
    }
}

/// Reads `loadBalancers` (`targetGroupArn=...,containerName=...,containerPort=...`),
/// checking each target group as ECS does.
fn load_balancers(
    world: &World,
    items: &[Value],
    op: &str,
) -> Result<Vec<ServiceLoadBalancer>, CommandError> {
    let mut out = Vec::new();
    for v in items {
        let text = |k: &str| match v.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if v.get("loadBalancerName").is_some() {
            // [V] Classic Load Balancers cannot front Fargate tasks (awsvpc).
            return Err(ArgError(
                "loadBalancerName names a Classic Load Balancer, which cannot serve tasks that use the awsvpc network mode; give targetGroupArn".into(),
            )
            .into());
        }
        let Some(tg) = text("targetGroupArn") else {
            return Err(ArgError(format!(
                "Error parsing parameter '--load-balancers': Expected: 'targetGroupArn=<arn>,containerName=<name>,containerPort=<port>', received: '{v}'"
            ))
            .into());
        };
        let Some(container) = text("containerName") else {
            return Err(errors::lb_container_name_blank(op).into());
        };
        let Some(port) = text("containerPort") else {
            return Err(errors::lb_container_port_blank(op).into());
        };
        let port: u16 = port
            .trim()
            .parse()
            .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{port}'")))?;
        let Some(group) = world.target_groups.get(&tg) else {
            return Err(errors::lb_target_group_unverifiable(op).into());
        };
        if group.load_balancer_arns.is_empty() {
            return Err(errors::lb_target_group_unattached(op, &tg).into());
        }
        out.push(ServiceLoadBalancer {
            target_group_arn: tg,
            container_name: container,
            container_port: port,
        });
    }
    Ok(out)
}

/// Every load balancer's container exists in `td` and maps its port.
fn check_bindings(
    td: &TaskDefinition,
    bindings: &[ServiceLoadBalancer],
    op: &str,
) -> Result<(), CommandError> {
    for b in bindings {
        let Some(c) = td
            .def
            .container_definitions
            .iter()
            .find(|c| c.name == b.container_name)
        else {
            return Err(errors::lb_container_missing(op, &b.container_name).into());
        };
        if !c
            .port_mappings
            .iter()
            .any(|p| p.container_port == b.container_port)
        {
            return Err(
                errors::lb_container_port_missing(op, &b.container_name, b.container_port).into(),
            );
        }
    }
    Ok(())
}

/// Reads an `awsvpcConfiguration` structure, checking the ids exist.
pub fn network_config(
    world: &World,
    v: &Value,
    op: &str,
) -> Result<crate::world::NetworkConfig, CommandError> {
    let aws = v.get("awsvpcConfiguration").ok_or_else(|| {
        ArgError(
            "Error parsing parameter '--network-configuration': missing awsvpcConfiguration".into(),
        )
    })?;
    let list = |k: &str| -> Vec<String> {
        aws.get(k)
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(|s| s.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let subnets = list("subnets");
    let sgs = list("securityGroups");
    if subnets.is_empty() {
        return Err(errors::network_subnets_empty(op).into());
    }
    for s in &subnets {
        if !world.subnets.contains_key(s) {
            return Err(errors::network_subnet_not_found(op, s).into());
        }
    }
    for g in &sgs {
        if !world.security_groups.contains_key(g) {
            return Err(errors::network_group_not_found(op, g).into());
        }
    }
    let vpcs: std::collections::BTreeSet<&str> = subnets
        .iter()
        .filter_map(|s| world.subnets.get(s))
        .map(|s| s.vpc_id.as_str())
        .collect();
    if vpcs.len() > 1 {
        return Err(errors::network_subnets_other_vpcs(op).into());
    }
    let public = match aws.get("assignPublicIp").and_then(|x| x.as_str()) {
        None | Some("DISABLED") => false,
        Some("ENABLED") => true,
        Some(o) => return Err(ArgError(format!("Invalid value for parameter assignPublicIp, value: {o}, valid values: ENABLED, DISABLED")).into()),
    };
    Ok(crate::world::NetworkConfig {
        subnets,
        security_groups: sgs,
        assign_public_ip: public,
    })
}

pub(super) fn stop_task(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "StopTask";
    let cluster = short_name(&inv.value("cluster")?.unwrap_or_else(|| "default".into()));
    let task = short_name(&inv.required("task")?);
    let reason = inv.value("reason")?;
    if !cx.world.clusters.contains_key(&cluster) {
        return Err(errors::cluster_not_found(op).into());
    }
    if cx
        .world
        .tasks
        .get(&task)
        .is_none_or(|t| t.cluster != cluster)
    {
        return Err(errors::task_not_found(op).into());
    }
    let text = reason.unwrap_or_else(|| crate::engine::messages::STOPPED_BY_USER.to_string());
    cx.stop_task(&task, text);
    let arn = cx
        .world
        .tasks
        .get(&task)
        .map(|t| t.arn.clone())
        .unwrap_or_default();
    Ok(json!({"task": {"taskArn": arn, "desiredStatus": "STOPPED"}}))
}

/// Environment variables as `{name, value}` pairs from a `NAME=value` list.
pub fn env_pairs(items: &[String]) -> Vec<KeyValue> {
    items
        .iter()
        .filter_map(|s| s.split_once('='))
        .map(|(n, v)| KeyValue {
            name: n.into(),
            value: v.into(),
        })
        .collect()
}

/// `ecs deregister-task-definition`: the revision becomes INACTIVE (tasks
/// and services that use it go on; it can no longer start new services).
/// It answers the revision as it now is.
pub(super) fn deregister_task_definition(
    cx: &mut Change,
    inv: &Input,
) -> Result<Value, CommandError> {
    let op = "DeregisterTaskDefinition";
    let key = inv.required("taskDefinition")?;
    let short = key.rsplit("task-definition/").next().unwrap_or(&key);
    let id = short
        .rsplit_once(':')
        .and_then(|(f, r)| Some((f.to_string(), r.parse::<u32>().ok()?)));
    let Some(td) = id.and_then(|id| cx.world.task_definitions.get_mut(&id)) else {
        return Err(errors::task_definition_not_found(op).into());
    };
    std::sync::Arc::make_mut(td).status = "INACTIVE".into();
    let td = td.clone();
    Ok(json!({"taskDefinition": crate::aws::sim::ecs::task_definition_json(cx.world, &td)}))
}
