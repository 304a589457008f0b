//! Mutating AWS operations, applied to the simulated world with AWS's own
//! validation and error texts. Used by the scenario timeline and, later, by
//! the player's `fix` commands.
//!
//! Error messages mirror the AWS APIs'; where no capture exists the text is
//! marked [I] (inferred).

use super::{ArgError, AwsError, CommandError, Invocation};
use crate::engine::{taskdef, Sim};
use crate::world::{
    short_name, Cidr, EniOwner, KeyValue, LogGroup, PolicyDocument, Route, RouteDest, RouteTarget,
    TaskDefinition, TaskDefinitionInput, World,
};
use serde_json::{json, Value};

/// The mutating operations this module knows, as `service operation`.
pub const OPERATIONS: &[&str] = &[
    "ec2 create-route",
    "ec2 replace-route",
    "ec2 delete-route",
    "ec2 delete-network-interface",
    "ecs register-task-definition",
    "ecs update-service",
    "ecs stop-task",
    "iam attach-role-policy",
    "iam detach-role-policy",
    "iam put-role-policy",
    "iam delete-role-policy",
    "iam update-assume-role-policy",
    "logs create-log-group",
    "logs delete-log-group",
    "logs put-retention-policy",
];

/// Whether `service operation` is a known mutating operation.
pub fn is_write(service: &str, operation: &str) -> bool {
    OPERATIONS.contains(&format!("{service} {operation}").as_str())
}

/// Applies one mutating command line to the simulation. On success the world
/// has changed (and the engine was told); on error nothing changed.
pub fn apply(sim: &mut Sim, line: &str) -> Result<Value, CommandError> {
    let mut inv = Invocation::parse(line)?;
    let out = match (inv.service.as_str(), inv.operation.as_str()) {
        ("ec2", "create-route") => route(sim, &mut inv, RouteOp::Create)?,
        ("ec2", "replace-route") => route(sim, &mut inv, RouteOp::Replace)?,
        ("ec2", "delete-route") => route(sim, &mut inv, RouteOp::Delete)?,
        ("ec2", "delete-network-interface") => delete_eni(sim, &mut inv)?,
        ("ecs", "register-task-definition") => register_task_definition(sim, &mut inv)?,
        ("ecs", "update-service") => update_service(sim, &mut inv)?,
        ("ecs", "stop-task") => stop_task(sim, &mut inv)?,
        ("iam", "attach-role-policy") => attach_policy(sim, &mut inv, true)?,
        ("iam", "detach-role-policy") => attach_policy(sim, &mut inv, false)?,
        ("iam", "put-role-policy") => put_role_policy(sim, &mut inv)?,
        ("iam", "delete-role-policy") => delete_role_policy(sim, &mut inv)?,
        ("iam", "update-assume-role-policy") => update_trust(sim, &mut inv)?,
        ("logs", "create-log-group") => log_group(sim, &mut inv, true)?,
        ("logs", "delete-log-group") => log_group(sim, &mut inv, false)?,
        ("logs", "put-retention-policy") => retention(sim, &mut inv)?,
        (s, o) => {
            return Err(ArgError(format!(
                "'{s} {o}' is not a mutating operation faultline can apply; known: {}",
                OPERATIONS.join(", ")
            ))
            .into())
        }
    };
    sim.world_changed();
    Ok(out)
}

fn finish(inv: &Invocation) -> Result<(), CommandError> {
    inv.finish().map_err(CommandError::from)
}

enum RouteOp {
    Create,
    Replace,
    Delete,
}

fn route(sim: &mut Sim, inv: &mut Invocation, op: RouteOp) -> Result<Value, CommandError> {
    let opname = match op {
        RouteOp::Create => "CreateRoute",
        RouteOp::Replace => "ReplaceRoute",
        RouteOp::Delete => "DeleteRoute",
    };
    let rtb = inv.required("route-table-id")?;
    let dest = inv.required("destination-cidr-block")?;
    let target = match op {
        RouteOp::Delete => None,
        _ => {
            let nat = inv.value("nat-gateway-id")?;
            let igw = inv.value("gateway-id")?;
            let vpce = inv.value("vpc-endpoint-id")?;
            let w = &sim.world;
            Some(match (nat, igw, vpce) {
                (Some(n), None, None) => {
                    if !w.nat_gateways.contains_key(&n) {
                        return Err(AwsError::new("InvalidNatGatewayID.NotFound", opname, format!("The natGateway ID '{n}' does not exist")).into());
                    }
                    RouteTarget::NatGateway(n)
                }
                (None, Some(g), None) => {
                    if !w.internet_gateways.contains_key(&g) {
                        return Err(AwsError::new("InvalidGatewayID.NotFound", opname, format!("The gateway ID '{g}' does not exist")).into());
                    }
                    RouteTarget::InternetGateway(g)
                }
                (None, None, Some(e)) => RouteTarget::GatewayEndpoint(e),
                (None, None, None) => {
                    return Err(AwsError::new("MissingParameter", opname, "The request must contain exactly one of gatewayId, natGatewayId, vpcEndpointId, networkInterfaceId, vpcPeeringConnectionId, transitGatewayId, localGatewayId, carrierGatewayId or coreNetworkArn").into())
                }
                _ => {
                    return Err(AwsError::new("InvalidParameterCombination", opname, "More than one target specified").into())
                }
            })
        }
    };
    finish(inv)?;
    let cidr: Cidr = dest
        .parse()
        .map_err(|_| AwsError::new("InvalidParameterValue", opname, format!("Value ({dest}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.")))?;
    let Some(table) = sim.world.route_tables.get_mut(&rtb) else {
        return Err(AwsError::new(
            "InvalidRouteTableID.NotFound",
            opname,
            format!("The routeTable ID '{rtb}' does not exist"),
        )
        .into());
    };
    let pos = table
        .routes
        .iter()
        .position(|r| r.dest == RouteDest::Cidr(cidr));
    match op {
        RouteOp::Create => {
            if pos.is_some() {
                return Err(AwsError::new(
                    "RouteAlreadyExists",
                    opname,
                    format!("The route identified by {cidr} already exists."),
                )
                .into());
            }
            table.routes.push(Route {
                dest: RouteDest::Cidr(cidr),
                target: target.unwrap_or(RouteTarget::Local),
                origin: "CreateRoute",
            });
            Ok(json!({"Return": true}))
        }
        RouteOp::Replace => {
            let Some(i) = pos else {
                return Err(AwsError::new("InvalidRoute.NotFound", opname, format!("There is no route defined for '{cidr}' in the route table. Use CreateRoute instead.")).into());
            };
            table.routes[i] = Route {
                dest: RouteDest::Cidr(cidr),
                target: target.unwrap_or(RouteTarget::Local),
                origin: "ReplaceRoute",
            };
            Ok(json!({}))
        }
        RouteOp::Delete => {
            let Some(i) = pos else {
                return Err(AwsError::new(
                    "InvalidRoute.NotFound",
                    opname,
                    format!("no route with destination-cidr-block {cidr} in route table {rtb}"),
                )
                .into());
            };
            if table.routes[i].target == RouteTarget::Local {
                return Err(AwsError::new(
                    "InvalidParameterValue",
                    opname,
                    format!("cannot remove local route {cidr} in route table {rtb}"),
                )
                .into());
            }
            table.routes.remove(i);
            Ok(json!({}))
        }
    }
}

fn delete_eni(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let id = inv.required("network-interface-id")?;
    finish(inv)?;
    let op = "DeleteNetworkInterface";
    let Some(eni) = sim.world.enis.get(&id) else {
        return Err(AwsError::new(
            "InvalidNetworkInterfaceID.NotFound",
            op,
            format!("The networkInterface ID '{id}' does not exist"),
        )
        .into());
    };
    if eni.status == "in-use" || !matches!(eni.owner, EniOwner::Other(_)) {
        return Err(AwsError::new(
            "InvalidParameterValue",
            op,
            format!("Network interface '{id}' is currently in use."),
        )
        .into());
    }
    sim.world.remove_eni(&id);
    Ok(json!({}))
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
            // [I] ECS validates role ARNs syntactically at registration.
            return Err(AwsError::new(
                "ClientException",
                "RegisterTaskDefinition",
                format!("Role is not valid: {arn}"),
            ));
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

fn register_task_definition(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let op = "RegisterTaskDefinition";
    let mut input = match inv.structure("cli-input-json")? {
        Some(v) => v,
        None => json!({}),
    };
    let obj = input.as_object_mut().ok_or_else(|| {
        ArgError("Error parsing parameter '--cli-input-json': expected a JSON object".into())
    })?;
    for (flag, key) in [
        ("family", "family"),
        ("cpu", "cpu"),
        ("memory", "memory"),
        ("execution-role-arn", "executionRoleArn"),
        ("task-role-arn", "taskRoleArn"),
        ("network-mode", "networkMode"),
    ] {
        if let Some(v) = inv.value(flag)? {
            obj.insert(key.into(), Value::String(v));
        }
    }
    for (flag, key) in [
        ("container-definitions", "containerDefinitions"),
        ("runtime-platform", "runtimePlatform"),
        ("ephemeral-storage", "ephemeralStorage"),
    ] {
        if let Some(v) = inv.structure(flag)? {
            obj.insert(key.into(), v);
        }
    }
    if let Some(v) = inv.values("requires-compatibilities")? {
        obj.insert("requiresCompatibilities".into(), json!(v));
    }
    finish(inv)?;
    // DescribeTaskDefinition output pasted back in carries read-only fields; the CLI rejects them too.
    let def: TaskDefinitionInput = serde_json::from_value(input.clone()).map_err(|e| {
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
    let now = sim.now();
    let td = register(&mut sim.world, def, now).map_err(|mut e| {
        e.operation = op.into();
        e
    })?;
    Ok(
        json!({"taskDefinition": {"taskDefinitionArn": td.arn, "family": td.def.family, "revision": td.revision, "status": td.status}}),
    )
}

fn update_service(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let op = "UpdateService";
    let cluster = inv.value("cluster")?.unwrap_or_else(|| "default".into());
    let service = inv.required("service")?;
    let td = inv.value("task-definition")?;
    let desired = inv.value("desired-count")?;
    let force = inv.switch("force-new-deployment")?.unwrap_or(false);
    let net = inv.structure("network-configuration")?;
    finish(inv)?;
    let cl = short_name(&cluster);
    if !sim.world.clusters.contains_key(&cl) {
        return Err(AwsError::new("ClusterNotFoundException", op, "Cluster not found.").into());
    }
    if sim.world.service(&cl, &service).is_none() {
        return Err(AwsError::new("ServiceNotFoundException", op, "Service not found.").into());
    }
    let desired: Option<u32> = match desired {
        None => None,
        Some(d) => Some(
            d.parse()
                .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{d}'")))?,
        ),
    };
    let td_arn = match td {
        None => None,
        Some(key) => match sim.world.task_definition(&key) {
            Some(t) if t.status == "ACTIVE" => Some(t.arn.clone()),
            Some(_) => {
                return Err(
                    AwsError::new("ClientException", op, "TaskDefinition is inactive").into(),
                )
            }
            None => {
                return Err(AwsError::new(
                    "ClientException",
                    op,
                    "Unable to describe task definition.",
                )
                .into())
            }
        },
    };
    let network = match net {
        None => None,
        Some(v) => Some(network_config(&sim.world, &v, op)?),
    };
    let svc = sim
        .world
        .service_mut(&cl, &service)
        .ok_or_else(|| AwsError::new("ServiceNotFoundException", op, "Service not found."))?;
    let mut changed = force;
    if let Some(arn) = td_arn {
        changed |= svc.task_definition != arn;
        svc.task_definition = arn;
    }
    if let Some(n) = network {
        changed |= svc.network != n;
        svc.network = n;
    }
    if let Some(d) = desired {
        svc.desired_count = d;
        if let Some(p) = svc.deployments.first_mut() {
            p.desired_count = d;
        }
    }
    let (name, arn) = (svc.name.clone(), svc.arn.clone());
    if changed {
        sim.new_deployment(&cl, &service);
    }
    let svc = sim
        .world
        .service(&cl, &service)
        .ok_or_else(|| AwsError::new("ServiceNotFoundException", op, "Service not found."))?;
    Ok(
        json!({"service": {"serviceArn": arn, "serviceName": name, "taskDefinition": svc.task_definition, "desiredCount": svc.desired_count, "status": svc.status}}),
    )
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
        return Err(
            AwsError::new("InvalidParameterException", op, "subnets can not be empty.").into(),
        );
    }
    for s in &subnets {
        if !world.subnets.contains_key(s) {
            return Err(AwsError::new("InvalidParameterException", op, format!("Error retrieving subnet information for [{s}]: The subnet ID '{s}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)")).into());
        }
    }
    for g in &sgs {
        if !world.security_groups.contains_key(g) {
            return Err(AwsError::new("InvalidParameterException", op, format!("Error retrieving security group information for [{g}]: The security group '{g}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidGroup.NotFound)")).into());
        }
    }
    let vpcs: std::collections::BTreeSet<&str> = subnets
        .iter()
        .filter_map(|s| world.subnets.get(s))
        .map(|s| s.vpc_id.as_str())
        .collect();
    if vpcs.len() > 1 {
        return Err(AwsError::new(
            "InvalidParameterException",
            op,
            "Subnets must all be in the same VPC.",
        )
        .into()); // [I]
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

fn stop_task(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let op = "StopTask";
    let cluster = short_name(&inv.value("cluster")?.unwrap_or_else(|| "default".into()));
    let task = short_name(&inv.required("task")?);
    let reason = inv.value("reason")?;
    finish(inv)?;
    if !sim.world.clusters.contains_key(&cluster) {
        return Err(AwsError::new("ClusterNotFoundException", op, "Cluster not found.").into());
    }
    if sim
        .world
        .tasks
        .get(&task)
        .is_none_or(|t| t.cluster != cluster)
    {
        return Err(AwsError::new(
            "InvalidParameterException",
            op,
            "The referenced task was not found.",
        )
        .into());
    }
    let text = reason.unwrap_or_else(|| crate::engine::messages::STOPPED_BY_USER.to_string());
    sim.stop_task_by_user(&task, text);
    let arn = sim
        .world
        .tasks
        .get(&task)
        .map(|t| t.arn.clone())
        .unwrap_or_default();
    Ok(json!({"task": {"taskArn": arn, "desiredStatus": "STOPPED"}}))
}

fn role_name_checked(
    world: &World,
    inv: &mut Invocation,
    op: &str,
) -> Result<String, CommandError> {
    let name = inv.required("role-name")?;
    if !world.roles.contains_key(&name) {
        return Err(AwsError::new(
            "NoSuchEntity",
            op,
            format!("The role with name {name} cannot be found."),
        )
        .into());
    }
    Ok(name)
}

fn attach_policy(sim: &mut Sim, inv: &mut Invocation, attach: bool) -> Result<Value, CommandError> {
    let op = if attach {
        "AttachRolePolicy"
    } else {
        "DetachRolePolicy"
    };
    let role = role_name_checked(&sim.world, inv, op)?;
    let arn = inv.required("policy-arn")?;
    finish(inv)?;
    if !sim.world.policies.contains_key(&arn) {
        return Err(AwsError::new(
            "NoSuchEntity",
            op,
            format!("Policy {arn} does not exist or is not attachable."),
        )
        .into());
    }
    let r = sim.world.roles.get_mut(&role).ok_or_else(|| {
        AwsError::new(
            "NoSuchEntity",
            op,
            format!("The role with name {role} cannot be found."),
        )
    })?;
    if attach {
        if !r.attached.contains(&arn) {
            r.attached.push(arn);
        }
    } else {
        let Some(i) = r.attached.iter().position(|a| *a == arn) else {
            return Err(
                AwsError::new("NoSuchEntity", op, format!("Policy {arn} was not found.")).into(),
            );
        };
        r.attached.remove(i);
    }
    Ok(json!({}))
}

fn policy_document(text: &str, op: &str) -> Result<PolicyDocument, CommandError> {
    let v = super::args::parse_value(text)
        .map_err(|e| ArgError(format!("Error parsing parameter '--policy-document': {e}")))?;
    serde_json::from_value(v).map_err(|_| {
        AwsError::new("MalformedPolicyDocument", op, "Syntax errors in policy.").into()
    })
}

fn put_role_policy(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let op = "PutRolePolicy";
    let role = role_name_checked(&sim.world, inv, op)?;
    let name = inv.required("policy-name")?;
    let doc = inv.required("policy-document")?;
    finish(inv)?;
    let doc = policy_document(&doc, op)?;
    if let Some(r) = sim.world.roles.get_mut(&role) {
        r.inline.insert(name, doc);
    }
    Ok(json!({}))
}

fn delete_role_policy(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let op = "DeleteRolePolicy";
    let role = role_name_checked(&sim.world, inv, op)?;
    let name = inv.required("policy-name")?;
    finish(inv)?;
    let removed = sim
        .world
        .roles
        .get_mut(&role)
        .and_then(|r| r.inline.remove(&name));
    if removed.is_none() {
        return Err(AwsError::new(
            "NoSuchEntity",
            op,
            format!("The role policy with name {name} cannot be found."),
        )
        .into());
    }
    Ok(json!({}))
}

fn update_trust(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let op = "UpdateAssumeRolePolicy";
    let role = role_name_checked(&sim.world, inv, op)?;
    let doc = inv.required("policy-document")?;
    finish(inv)?;
    let doc = policy_document(&doc, op)?;
    if let Some(r) = sim.world.roles.get_mut(&role) {
        r.trust = doc;
    }
    Ok(json!({}))
}

/// Creates a log group (the world-level part of CreateLogGroup).
pub fn create_log_group(world: &mut World, name: &str, now: i64) -> Result<(), AwsError> {
    if world.log_groups.contains_key(name) {
        return Err(AwsError::new(
            "ResourceAlreadyExistsException",
            "CreateLogGroup",
            "The specified log group already exists",
        ));
    }
    let valid = !name.is_empty()
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.#".contains(c));
    if !valid {
        return Err(AwsError::new("InvalidParameterException", "CreateLogGroup", format!("1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")));
    }
    let arn = world.arn("logs", &format!("log-group:{name}:*"));
    world.log_groups.insert(
        name.to_string(),
        LogGroup {
            name: name.to_string(),
            arn,
            created: now,
            retention_days: None,
            streams: Default::default(),
        },
    );
    Ok(())
}

fn log_group(sim: &mut Sim, inv: &mut Invocation, create: bool) -> Result<Value, CommandError> {
    let name = inv.required("log-group-name")?;
    finish(inv)?;
    if create {
        let now = sim.now();
        create_log_group(&mut sim.world, &name, now)?;
    } else if sim.world.log_groups.remove(&name).is_none() {
        return Err(AwsError::new(
            "ResourceNotFoundException",
            "DeleteLogGroup",
            "The specified log group does not exist.",
        )
        .into());
    }
    Ok(json!({}))
}

fn retention(sim: &mut Sim, inv: &mut Invocation) -> Result<Value, CommandError> {
    let op = "PutRetentionPolicy";
    let name = inv.required("log-group-name")?;
    let days = inv.required("retention-in-days")?;
    finish(inv)?;
    const VALID: [u32; 22] = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ];
    let d: u32 = days
        .parse()
        .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{days}'")))?;
    if !VALID.contains(&d) {
        return Err(AwsError::new("InvalidParameterException", op, format!("1 validation error detected: Value '{d}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")).into());
    }
    let Some(g) = sim.world.log_groups.get_mut(&name) else {
        return Err(AwsError::new(
            "ResourceNotFoundException",
            op,
            "The specified log group does not exist.",
        )
        .into());
    };
    g.retention_days = Some(d);
    Ok(json!({}))
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
