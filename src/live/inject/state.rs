//! Reads of the current state that undo records and idempotent undo steps
//! need (routes, inline policies, a service's revision, what runs created).

use crate::aws::CommandError;
use crate::live::stack::RUN_TAG;
use crate::live::{sdk_error, LiveAccount};
use serde_json::Value;

/// The target of a route, as `(member, id)`: `("NatGatewayId", "nat-...")`.
pub(super) async fn route_target(
    live: &LiveAccount,
    table: &str,
    cidr: &str,
) -> Result<Option<(String, String)>, CommandError> {
    let o = live
        .clients
        .ec2
        .describe_route_tables()
        .route_table_ids(table)
        .send()
        .await
        .map_err(|e| sdk_error("DescribeRouteTables", e))?;
    let route = o
        .route_tables
        .unwrap_or_default()
        .into_iter()
        .flat_map(|t| t.routes.unwrap_or_default())
        .find(|r| r.destination_cidr_block.as_deref() == Some(cidr));
    Ok(route.and_then(|r| {
        let candidates = [
            ("NatGatewayId", r.nat_gateway_id),
            ("GatewayId", r.gateway_id),
            ("TransitGatewayId", r.transit_gateway_id),
            ("NetworkInterfaceId", r.network_interface_id),
            ("VpcPeeringConnectionId", r.vpc_peering_connection_id),
            ("InstanceId", r.instance_id),
            (
                "EgressOnlyInternetGatewayId",
                r.egress_only_internet_gateway_id,
            ),
        ];
        candidates
            .into_iter()
            .find_map(|(k, v)| v.map(|v| (k.to_string(), v)))
    }))
}

/// An inline policy's document, or None when the role has no such policy.
pub(super) async fn inline_policy(
    live: &LiveAccount,
    role: &str,
    name: &str,
) -> Result<Option<Value>, CommandError> {
    let r = live
        .clients
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await;
    match r {
        Ok(o) => {
            let text = crate::live::read::percent_decode(&o.policy_document);
            Ok(Some(
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            ))
        }
        Err(e) if aws_sdk_iam::error::ProvideErrorMetadata::code(&e) == Some("NoSuchEntity") => {
            Ok(None)
        }
        Err(e) => Err(sdk_error("GetRolePolicy", e)),
    }
}

/// The task definition ARN a service runs.
pub(super) async fn service_task_definition(
    live: &LiveAccount,
    cluster: &str,
    service: &str,
) -> Result<String, CommandError> {
    let o = live
        .clients
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| sdk_error("DescribeServices", e))?;
    o.services
        .unwrap_or_default()
        .into_iter()
        .next()
        .and_then(|s| s.task_definition)
        .ok_or_else(|| {
            crate::aws::AwsError::new(
                "ServiceNotFoundException",
                "DescribeServices",
                format!("Service {service} not found in cluster {cluster}."),
            )
            .into()
        })
}

/// Customer managed policies tagged with a run.
pub(super) async fn run_policies(live: &LiveAccount) -> Result<Vec<String>, CommandError> {
    let c = &live.clients;
    let list = c
        .iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .send()
        .await
        .map_err(|e| sdk_error("ListPolicies", e))?;
    let mut out = Vec::new();
    for p in list.policies.unwrap_or_default() {
        let Some(arn) = p.arn else { continue };
        let tags = c
            .iam
            .list_policy_tags()
            .policy_arn(&arn)
            .send()
            .await
            .map_err(|e| sdk_error("ListPolicyTags", e))?;
        if tags.tags.iter().any(|t| t.key == RUN_TAG) {
            out.push(arn);
        }
    }
    Ok(out)
}

/// Log groups tagged with a run.
#[allow(deprecated)] // ListTagsLogGroup: moto and every region answer it.
pub(super) async fn run_log_groups(live: &LiveAccount) -> Result<Vec<String>, CommandError> {
    let c = &live.clients;
    let groups = c
        .logs
        .describe_log_groups()
        .send()
        .await
        .map_err(|e| sdk_error("DescribeLogGroups", e))?;
    let mut out = Vec::new();
    for g in groups.log_groups.unwrap_or_default() {
        let Some(name) = g.log_group_name else {
            continue;
        };
        let tags = c
            .logs
            .list_tags_log_group()
            .log_group_name(&name)
            .send()
            .await
            .map_err(|e| sdk_error("ListTagsLogGroup", e))?;
        if tags.tags.unwrap_or_default().contains_key(RUN_TAG) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The ARNs of the policies attached to a role.
pub(super) async fn attached(live: &LiveAccount, role: &str) -> Result<Vec<String>, CommandError> {
    let o = live
        .clients
        .iam
        .list_attached_role_policies()
        .role_name(role)
        .send()
        .await
        .map_err(|e| sdk_error("ListAttachedRolePolicies", e))?;
    Ok(o.attached_policies
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.policy_arn)
        .collect())
}

/// The run id that matches every run (for `reset`).
pub(super) const ANY_RUN: &str = "*";

/// The ACTIVE revisions of `family` tagged `faultline:run=<run>` (any run for [`ANY_RUN`]).
pub(super) async fn run_revisions(
    live: &LiveAccount,
    family: &str,
    run: &str,
) -> Result<Vec<String>, CommandError> {
    let c = &live.clients;
    let list = c
        .ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
        .send()
        .await
        .map_err(|e| sdk_error("ListTaskDefinitions", e))?;
    let mut out = Vec::new();
    for arn in list.task_definition_arns.unwrap_or_default() {
        let d = c
            .ecs
            .describe_task_definition()
            .task_definition(&arn)
            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(|e| sdk_error("DescribeTaskDefinition", e))?;
        let tagged = d.tags.unwrap_or_default().iter().any(|t| {
            t.key.as_deref() == Some(RUN_TAG) && (run == ANY_RUN || t.value.as_deref() == Some(run))
        });
        if tagged {
            out.push(arn);
        }
    }
    Ok(out)
}

/// A log group's retention: None when the group does not exist, Some(None)
/// when it keeps events forever.
#[allow(deprecated)]
pub(super) async fn retention(
    live: &LiveAccount,
    name: &str,
) -> Result<Option<Option<i32>>, CommandError> {
    let o = live
        .clients
        .logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .map_err(|e| sdk_error("DescribeLogGroups", e))?;
    Ok(o.log_groups
        .unwrap_or_default()
        .into_iter()
        .find(|g| g.log_group_name.as_deref() == Some(name))
        .map(|g| g.retention_in_days))
}

/// What `update-service` changes of a service, as it is now: its task
/// definition ARN, desired count and network configuration (the CLI's JSON).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ServiceState {
    pub task_definition: String,
    pub desired_count: i32,
    pub network_configuration: Option<Value>,
}

/// A service's [`ServiceState`].
pub(super) async fn service_state(
    live: &LiveAccount,
    cluster: &str,
    service: &str,
) -> Result<ServiceState, CommandError> {
    let o = live
        .clients
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| sdk_error("DescribeServices", e))?;
    let s = o
        .services
        .unwrap_or_default()
        .into_iter()
        .next()
        .ok_or_else(|| {
            CommandError::from(crate::aws::AwsError::new(
                "ServiceNotFoundException",
                "DescribeServices",
                format!("Service {service} not found in cluster {cluster}."),
            ))
        })?;
    Ok(ServiceState {
        task_definition: s.task_definition.clone().unwrap_or_default(),
        desired_count: s.desired_count,
        network_configuration: s
            .network_configuration
            .as_ref()
            .map(|n| crate::live::shape::ecs_json(n)),
    })
}

/// A network configuration as ECS answers it, for comparing (an absent
/// `assignPublicIp` is `DISABLED`). Lists keep their order: undo puts back
/// exactly what was there.
pub(super) fn normal_network(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(a) = v
        .get_mut("awsvpcConfiguration")
        .and_then(|a| a.as_object_mut())
    {
        a.entry("assignPublicIp")
            .or_insert_with(|| Value::String("DISABLED".into()));
    }
    v
}

/// The network interfaces tagged `faultline:run=<run>` (any run for
/// [`ANY_RUN`]) in a subnet.
pub(super) async fn run_enis(
    live: &LiveAccount,
    subnet: &str,
    run: &str,
) -> Result<Vec<String>, CommandError> {
    use aws_sdk_ec2::types::Filter;
    let tag = if run == ANY_RUN {
        Filter::builder().name("tag-key").values(RUN_TAG)
    } else {
        Filter::builder().name(format!("tag:{RUN_TAG}")).values(run)
    };
    let o = live
        .clients
        .ec2
        .describe_network_interfaces()
        .filters(Filter::builder().name("subnet-id").values(subnet).build())
        .filters(tag.build())
        .send()
        .await
        .map_err(|e| sdk_error("DescribeNetworkInterfaces", e))?;
    Ok(o.network_interfaces
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| n.network_interface_id)
        .collect())
}

/// The names of a role's inline policies.
pub(super) async fn inline_names(
    live: &LiveAccount,
    role: &str,
) -> Result<Vec<String>, CommandError> {
    let o = live
        .clients
        .iam
        .list_role_policies()
        .role_name(role)
        .send()
        .await
        .map_err(|e| sdk_error("ListRolePolicies", e))?;
    Ok(o.policy_names)
}

/// A role's trust policy (decoded).
pub(crate) async fn trust_policy(live: &LiveAccount, role: &str) -> Result<Value, CommandError> {
    let o = live
        .clients
        .iam
        .get_role()
        .role_name(role)
        .send()
        .await
        .map_err(|e| sdk_error("GetRole", e))?;
    let text = o
        .role
        .and_then(|r| r.assume_role_policy_document)
        .map(|d| crate::live::read::percent_decode(&d))
        .unwrap_or_default();
    Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
}
