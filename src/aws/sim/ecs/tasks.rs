//! `list-tasks`, `describe-tasks`.

use super::super::{CommandError, Input};
use super::{choice, cluster, cluster_arn, list_response, list_values, put};
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::time::iso;
use crate::world::{short_name, Task, TaskStatus, World};
use serde_json::{json, Map, Value};

pub(super) fn list_tasks(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListTasks";
    let given = inv.value("cluster")?;
    let service = inv.value("serviceName")?;
    let family = inv.value("family")?;
    let started_by = inv.value("startedBy")?;
    let desired = choice(
        api,
        "desiredStatus",
        inv.value("desiredStatus")?,
        &["RUNNING", "PENDING", "STOPPED"],
    )?;
    let launch = choice(
        api,
        "launchType",
        inv.value("launchType")?,
        &["EC2", "FARGATE", "EXTERNAL"],
    )?;
    let cl = cluster(ctx.world, given, api)?;
    let service = match service {
        None => None,
        Some(s) => match ctx.world.service(&cl.name, &s) {
            Some(svc) => Some(svc.name.clone()),
            None => return Err(errors::service_not_found(api).into()),
        },
    };
    // [V] ECS never sets a desired status of PENDING, so that filter matches nothing.
    let want = match desired.as_deref() {
        None | Some("RUNNING") => Some(TaskStatus::Running),
        Some("STOPPED") => Some(TaskStatus::Stopped),
        _ => None,
    };
    let family = family.map(|f| short_name(&f));
    let arns: Vec<String> = ctx
        .world
        .tasks
        .values()
        .filter(|t| t.cluster == cl.name)
        .filter(|t| want == Some(t.desired_status))
        .filter(|t| service.is_none() || t.service == service)
        .filter(|t| {
            family
                .as_deref()
                .is_none_or(|f| task_family(&t.task_definition_arn) == f)
        })
        .filter(|t| started_by.as_deref().is_none_or(|s| t.started_by == s))
        .filter(|_| launch.as_deref().is_none_or(|l| l == "FARGATE"))
        .map(|t| t.arn.clone())
        .collect();
    Ok(list_response("taskArns", arns))
}

/// The family of a task definition ARN (`.../checkout-api:3` -> `checkout-api`).
pub(super) fn task_family(arn: &str) -> &str {
    let short = arn.rsplit("task-definition/").next().unwrap_or(arn);
    short.rsplit_once(':').map(|(f, _)| f).unwrap_or(short)
}

/// The ECS Exec agent of a container of a task launched with ECS Exec: the
/// botocore `ManagedAgent` shape (`lastStartedAt`, `name`, `reason`,
/// `lastStatus`). [I] its status follows the container's; AWS starts it with
/// the container.
fn exec_agent(t: &Task, c: &crate::world::Container) -> Value {
    let mut m = Map::new();
    if c.last_status != "PENDING" {
        put(&mut m, "lastStartedAt", t.started_at.map(iso));
    }
    m.insert("name".into(), json!("ExecuteCommandAgent"));
    m.insert("lastStatus".into(), json!(c.last_status));
    Value::Object(m)
}

pub(super) fn task_json(world: &World, t: &Task) -> Value {
    let td = t
        .run
        .td
        .as_deref()
        .or_else(|| world.task_definition(&t.task_definition_arn));
    let arch = match td.map(|d| d.architecture()) {
        Some(a) if a == "ARM64" => "arm64",
        _ => "x86_64",
    };
    let attached = t.attachment.as_ref().filter(|a| a.status != "PRECREATED");
    let attachments: Vec<Value> = t
        .attachment
        .iter()
        .map(|a| {
            let mut details = vec![json!({"name": "subnetId", "value": a.subnet_id})];
            // [I] while PRECREATED the attachment shows only its subnet.
            if a.status != "PRECREATED" {
                details.extend([
                    json!({"name": "networkInterfaceId", "value": a.eni_id}),
                    json!({"name": "macAddress", "value": a.mac}),
                    json!({"name": "privateDnsName", "value": a.private_dns}),
                    json!({"name": "privateIPv4Address", "value": a.private_ip}),
                ]);
            }
            json!({"id": a.id, "type": "ElasticNetworkInterface", "status": a.status, "details": details})
        })
        .collect();
    let nics: Vec<Value> = attached
        .iter()
        .map(|a| json!({"attachmentId": a.id, "privateIpv4Address": a.private_ip}))
        .collect();
    let containers: Vec<Value> = t
        .containers
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert("containerArn".into(), json!(c.arn));
            m.insert("taskArn".into(), json!(t.arn));
            m.insert("name".into(), json!(c.name));
            m.insert("image".into(), json!(c.image));
            put(&mut m, "imageDigest", c.image_digest.clone());
            put(&mut m, "runtimeId", c.runtime_id.clone());
            m.insert("lastStatus".into(), json!(c.last_status));
            put(&mut m, "exitCode", c.exit_code);
            put(&mut m, "reason", c.reason.clone());
            m.insert("networkBindings".into(), json!([]));
            m.insert("networkInterfaces".into(), Value::Array(nics.clone()));
            m.insert("healthStatus".into(), json!(c.health_status));
            if t.enable_execute_command {
                m.insert("managedAgents".into(), json!([exec_agent(t, c)]));
            }
            m.insert("cpu".into(), json!(c.cpu.to_string()));
            put(&mut m, "memory", c.memory.map(|x| x.to_string()));
            put(
                &mut m,
                "memoryReservation",
                c.memory_reservation.map(|x| x.to_string()),
            );
            Value::Object(m)
        })
        .collect();
    let group = match (&t.service, td) {
        (Some(s), _) => format!("service:{s}"),
        (None, Some(d)) => format!("family:{}", d.def.family),
        (None, None) => format!("family:{}", task_family(&t.task_definition_arn)),
    };
    let mut m = Map::new();
    m.insert("attachments".into(), Value::Array(attachments));
    m.insert(
        "attributes".into(),
        json!([{"name": "ecs.cpu-architecture", "value": arch}]),
    );
    m.insert("availabilityZone".into(), json!(t.az));
    m.insert("clusterArn".into(), json!(cluster_arn(world, &t.cluster)));
    put(&mut m, "connectivity", t.connectivity.clone());
    put(&mut m, "connectivityAt", t.connectivity_at.map(iso));
    m.insert("containers".into(), Value::Array(containers));
    m.insert("cpu".into(), json!(t.cpu));
    m.insert("createdAt".into(), json!(iso(t.created_at)));
    m.insert("desiredStatus".into(), json!(t.desired_status.as_str()));
    m.insert(
        "enableExecuteCommand".into(),
        json!(t.enable_execute_command),
    );
    put(
        &mut m,
        "executionStoppedAt",
        t.execution_stopped_at.map(iso),
    );
    m.insert("group".into(), json!(group));
    m.insert("healthStatus".into(), json!(t.health_status));
    m.insert("lastStatus".into(), json!(t.last_status.as_str()));
    m.insert("launchType".into(), json!("FARGATE"));
    m.insert("memory".into(), json!(t.memory));
    m.insert(
        "overrides".into(),
        json!({
            "containerOverrides": t.containers.iter().map(|c| json!({"name": c.name})).collect::<Vec<_>>(),
            "inferenceAcceleratorOverrides": [],
        }),
    );
    m.insert("platformVersion".into(), json!("1.4.0"));
    m.insert("platformFamily".into(), json!("Linux"));
    put(&mut m, "pullStartedAt", t.pull_started_at.map(iso));
    put(&mut m, "pullStoppedAt", t.pull_stopped_at.map(iso));
    put(&mut m, "startedAt", t.started_at.map(iso));
    put(
        &mut m,
        "startedBy",
        Some(t.started_by.clone()).filter(|s| !s.is_empty()),
    );
    put(&mut m, "stopCode", t.stop_code.clone());
    put(&mut m, "stoppedAt", t.stopped_at.map(iso));
    put(&mut m, "stoppedReason", t.stopped_reason.clone());
    put(&mut m, "stoppingAt", t.stopping_at.map(iso));
    m.insert("tags".into(), json!([]));
    m.insert("taskArn".into(), json!(t.arn));
    m.insert("taskDefinitionArn".into(), json!(t.task_definition_arn));
    m.insert("version".into(), json!(t.version));
    m.insert(
        "ephemeralStorage".into(),
        json!({"sizeInGiB": t.ephemeral_gib}),
    );
    m.insert(
        "fargateEphemeralStorage".into(),
        json!({"sizeInGiB": t.ephemeral_gib}),
    );
    Value::Object(m)
}

pub(super) fn describe_tasks(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeTasks";
    let given = inv.value("cluster")?;
    let keys = list_values(inv, "tasks")?.unwrap_or_default();
    list_values(inv, "include")?;
    let cl = cluster(ctx.world, given, api)?;
    if keys.is_empty() {
        return Err(errors::tasks_empty(api).into());
    }
    let mut tasks = Vec::new();
    let mut failures = Vec::new();
    for key in keys {
        let id = short_name(&key);
        match ctx.world.tasks.get(&id).filter(|t| t.cluster == cl.name) {
            Some(t) => tasks.push(task_json(ctx.world, t)),
            None => {
                // [I] the ARN ECS reports for an id it does not know (new ARN format).
                let arn = if key.starts_with("arn:") {
                    key
                } else {
                    ctx.world.arn("ecs", &format!("task/{}/{key}", cl.name))
                };
                failures.push(json!({"arn": arn, "reason": "MISSING"}));
            }
        }
    }
    // Moved in, not through `json!` (which would copy every task).
    let mut out = Map::new();
    out.insert("tasks".into(), Value::Array(tasks));
    out.insert("failures".into(), Value::Array(failures));
    Ok(Value::Object(out))
}
