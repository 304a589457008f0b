//! `list-task-definitions`, `list-task-definition-families`,
//! `describe-task-definition`.

use super::super::{CommandError, Input};
use super::{choice, list_response, list_values, principal, put};
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::time::iso;
use crate::world::{ContainerDefinition, TaskDefinition, World};
use serde_json::{json, Map, Value};

pub(super) fn list_task_definitions(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListTaskDefinitions";
    let family = inv.value("familyPrefix")?;
    let status = choice(
        api,
        "status",
        inv.value("status")?,
        &["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"],
    )?
    .unwrap_or_else(|| "ACTIVE".into());
    let sort = choice(api, "sort", inv.value("sort")?, &["ASC", "DESC"])?;
    // [V] Listed by family name, then revision, ascending unless DESC.
    let mut arns: Vec<String> = ctx
        .world
        .task_definitions
        .iter()
        .filter(|((f, _), _)| family.as_deref().is_none_or(|p| f == p))
        .filter(|(_, td)| td.status == status)
        .map(|(_, td)| td.arn.clone())
        .collect();
    if sort.as_deref() == Some("DESC") {
        arns.reverse();
    }
    Ok(list_response("taskDefinitionArns", arns))
}

pub(super) fn list_task_definition_families(
    ctx: &ReadCtx,
    inv: &Input,
) -> Result<Value, CommandError> {
    let api = "ListTaskDefinitionFamilies";
    let prefix = inv.value("familyPrefix")?.unwrap_or_default();
    let status = choice(
        api,
        "status",
        inv.value("status")?,
        &["ACTIVE", "INACTIVE", "ALL"],
    )?
    .unwrap_or_else(|| "ACTIVE".into());
    let mut families: Vec<String> = Vec::new();
    for ((f, _), td) in &ctx.world.task_definitions {
        let matches = status == "ALL" || td.status == status;
        if matches && f.starts_with(&prefix) && families.last() != Some(f) {
            families.push(f.clone());
        }
    }
    Ok(list_response("families", families))
}

pub(super) fn container_definition_json(c: &ContainerDefinition) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(c.name));
    m.insert("image".into(), json!(c.image));
    m.insert("cpu".into(), json!(c.cpu));
    put(&mut m, "memory", c.memory);
    put(&mut m, "memoryReservation", c.memory_reservation);
    let ports: Vec<Value> = c
        .port_mappings
        .iter()
        .map(|p| {
            let mut pm = Map::new();
            pm.insert("containerPort".into(), json!(p.container_port));
            // Under awsvpc the host port is the container port.
            pm.insert(
                "hostPort".into(),
                json!(p.host_port.unwrap_or(p.container_port)),
            );
            pm.insert("protocol".into(), json!(p.protocol));
            put(&mut pm, "name", p.name.clone());
            put(&mut pm, "appProtocol", p.app_protocol.clone());
            Value::Object(pm)
        })
        .collect();
    m.insert("portMappings".into(), json!(ports));
    m.insert("essential".into(), json!(c.essential));
    put(&mut m, "entryPoint", c.entry_point.clone());
    put(&mut m, "command", c.command.clone());
    m.insert(
        "environment".into(),
        json!(c
            .environment
            .iter()
            .map(|e| json!({"name": e.name, "value": e.value}))
            .collect::<Vec<_>>()),
    );
    m.insert("mountPoints".into(), json!(c.mount_points));
    m.insert("volumesFrom".into(), json!(c.volumes_from));
    if !c.secrets.is_empty() {
        m.insert(
            "secrets".into(),
            json!(c
                .secrets
                .iter()
                .map(|s| json!({"name": s.name, "valueFrom": s.value_from}))
                .collect::<Vec<_>>()),
        );
    }
    put(&mut m, "stopTimeout", c.stop_timeout);
    put(&mut m, "readonlyRootFilesystem", c.readonly_root_filesystem);
    if let Some(l) = &c.log_configuration {
        let mut lm = Map::new();
        lm.insert("logDriver".into(), json!(l.log_driver));
        lm.insert("options".into(), json!(l.options));
        if !l.secret_options.is_empty() {
            lm.insert(
                "secretOptions".into(),
                json!(l
                    .secret_options
                    .iter()
                    .map(|s| json!({"name": s.name, "valueFrom": s.value_from}))
                    .collect::<Vec<_>>()),
            );
        }
        m.insert("logConfiguration".into(), Value::Object(lm));
    }
    if let Some(h) = &c.health_check {
        let mut hm = Map::new();
        hm.insert("command".into(), json!(h.command));
        hm.insert("interval".into(), json!(h.interval));
        hm.insert("timeout".into(), json!(h.timeout));
        hm.insert("retries".into(), json!(h.retries));
        // [I] startPeriod is shown only when set.
        if h.start_period > 0 {
            hm.insert("startPeriod".into(), json!(h.start_period));
        }
        m.insert("healthCheck".into(), Value::Object(hm));
    }
    m.insert("systemControls".into(), json!(c.system_controls));
    Value::Object(m)
}

/// [I] The capabilities ECS derives from a Fargate task definition (the set
/// real registrations show for these features; ECS's own order varies).
pub(super) fn requires_attributes(td: &TaskDefinition) -> Vec<Value> {
    let d = &td.def;
    let cs = &d.container_definitions;
    let exec = d.execution_role_arn.is_some();
    let awslogs = cs.iter().any(|c| c.awslogs().is_some());
    let ecr = cs.iter().any(|c| c.image.contains(".dkr.ecr."));
    let secrets = || cs.iter().flat_map(|c| c.secrets.iter());
    let asm = secrets().any(|s| s.value_from.contains(":secretsmanager:"));
    let ssm = secrets().any(|s| !s.value_from.contains(":secretsmanager:"));
    let mut names = Vec::new();
    if awslogs {
        names.push("com.amazonaws.ecs.capability.logging-driver.awslogs");
    }
    if awslogs && exec {
        names.push("ecs.capability.execution-role-awslogs");
    }
    if ecr {
        names.push("com.amazonaws.ecs.capability.ecr-auth");
    }
    if awslogs {
        names.push("com.amazonaws.ecs.capability.docker-remote-api.1.19");
    }
    if asm {
        names.push("ecs.capability.secrets.asm.environment-variables");
    }
    if ssm {
        names.push("ecs.capability.secrets.ssm.environment-variables");
    }
    if cs.iter().any(|c| c.memory_reservation.is_some()) {
        names.push("com.amazonaws.ecs.capability.docker-remote-api.1.21");
    }
    if d.task_role_arn.is_some() {
        names.push("com.amazonaws.ecs.capability.task-iam-role");
    }
    if cs.iter().any(|c| c.health_check.is_some()) {
        names.push("ecs.capability.container-health-check");
    }
    if ecr && exec {
        names.push("ecs.capability.execution-role-ecr-pull");
    }
    if d.network_mode == "awsvpc" {
        names.push("com.amazonaws.ecs.capability.docker-remote-api.1.18");
        names.push("ecs.capability.task-eni");
    }
    names.into_iter().map(|n| json!({"name": n})).collect()
}

pub(crate) fn task_definition_json(world: &World, td: &TaskDefinition) -> Value {
    let d = &td.def;
    let mut m = Map::new();
    m.insert("taskDefinitionArn".into(), json!(td.arn));
    m.insert(
        "containerDefinitions".into(),
        Value::Array(
            d.container_definitions
                .iter()
                .map(container_definition_json)
                .collect(),
        ),
    );
    m.insert("family".into(), json!(d.family));
    put(&mut m, "taskRoleArn", d.task_role_arn.clone());
    put(&mut m, "executionRoleArn", d.execution_role_arn.clone());
    m.insert("networkMode".into(), json!(d.network_mode));
    m.insert("revision".into(), json!(td.revision));
    m.insert("volumes".into(), json!(d.volumes));
    m.insert("status".into(), json!(td.status));
    m.insert("requiresAttributes".into(), json!(requires_attributes(td)));
    m.insert("placementConstraints".into(), json!([]));
    // [I] an awsvpc task definition is compatible with both EC2 and Fargate (as pasted outputs show).
    m.insert("compatibilities".into(), json!(["EC2", "FARGATE"]));
    if let Some(p) = &d.runtime_platform {
        m.insert(
            "runtimePlatform".into(),
            json!({"cpuArchitecture": p.cpu_architecture, "operatingSystemFamily": p.operating_system_family}),
        );
    }
    m.insert(
        "requiresCompatibilities".into(),
        json!(d.requires_compatibilities),
    );
    m.insert("cpu".into(), json!(d.cpu));
    m.insert("memory".into(), json!(d.memory));
    m.insert("registeredAt".into(), json!(iso(td.registered_at)));
    m.insert("registeredBy".into(), json!(principal(world)));
    if let Some(e) = &d.ephemeral_storage {
        m.insert(
            "ephemeralStorage".into(),
            json!({"sizeInGiB": e.size_in_gi_b}),
        );
    }
    Value::Object(m)
}

pub(super) fn describe_task_definition(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeTaskDefinition";
    let key = inv.required("taskDefinition")?;
    let tags = list_values(inv, "include")?.is_some_and(|v| v.iter().any(|x| x == "TAGS"));
    let Some(td) = ctx.world.task_definition(&key) else {
        return Err(errors::task_definition_not_found(api).into());
    };
    let mut out = Map::new();
    out.insert("taskDefinition".into(), task_definition_json(ctx.world, td));
    if tags {
        // Its own tags, then the account's stacks' (CloudFormation propagates them).
        let own: Vec<(String, String)> = td
            .def
            .tags
            .iter()
            .filter_map(|t| Some((t["key"].as_str()?.into(), t["value"].as_str()?.into())))
            .collect();
        let tags: Vec<Value> = ctx
            .world
            .with_stack_tags(own)
            .into_iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        out.insert("tags".into(), Value::Array(tags));
    }
    Ok(Value::Object(out))
}
