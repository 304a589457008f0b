//! The catalogue's read operations against a real account: request members
//! to SDK calls, every page of a paginated answer merged as the AWS CLI
//! merges them, and the result in the CLI's JSON (see [`super::shape`]).
//! Only Describe/List/Get calls are made here.

use super::shape::{ecs_json, ToJson};
use super::{sdk_error, Clients};
use crate::aws::{ArgError, CommandError, Input, ReadRequest};
use serde_json::{Map, Value};
use std::future::Future;

/// The operations answered live, as `(service, operation)`.
pub const MAPPED: &[(&str, &str)] = &[
    ("ecs", "list-clusters"),
    ("ecs", "describe-clusters"),
    ("ecs", "list-services"),
    ("ecs", "describe-services"),
    ("ecs", "list-tasks"),
    ("ecs", "describe-tasks"),
    ("ecs", "list-task-definitions"),
    ("ecs", "list-task-definition-families"),
    ("ecs", "describe-task-definition"),
    ("ec2", "describe-vpcs"),
    ("ec2", "describe-subnets"),
    ("ec2", "describe-route-tables"),
    ("ec2", "describe-nat-gateways"),
    ("ec2", "describe-internet-gateways"),
    ("ec2", "describe-security-groups"),
    ("ec2", "describe-network-interfaces"),
    ("ec2", "describe-vpc-endpoints"),
    ("logs", "describe-log-groups"),
    ("logs", "describe-log-streams"),
    ("logs", "get-log-events"),
    ("logs", "filter-log-events"),
    ("iam", "get-role"),
    ("iam", "list-attached-role-policies"),
    ("iam", "list-role-policies"),
    ("iam", "get-role-policy"),
    ("iam", "get-policy"),
    ("iam", "get-policy-version"),
    ("iam", "list-policies"),
    ("elbv2", "describe-load-balancers"),
    ("elbv2", "describe-target-groups"),
    ("elbv2", "describe-target-health"),
    ("sts", "get-caller-identity"),
];

/// Answers one read request.
pub async fn run(c: &Clients, req: &ReadRequest) -> Result<Value, CommandError> {
    let op = req.op();
    let i = req.input();
    let api = op.api;
    match (op.service, op.name) {
        ("ecs", _) => ecs(c, op.name, api, i).await,
        ("ec2", _) => ec2(c, op.name, api, i).await,
        ("logs", _) => logs(c, op.name, api, i).await,
        ("iam", _) => iam(c, op.name, api, i).await,
        ("elbv2", _) => elbv2(c, op.name, api, i).await,
        ("sts", "get-caller-identity") => {
            let o = c
                .sts
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            Ok(o.to_json())
        }
        _ => Err(unmapped(op.service, op.name)),
    }
}

/// The error for an operation live mode does not answer: nothing is sent.
fn unmapped(service: &str, name: &str) -> CommandError {
    ArgError(format!(
        "{service} {name} is not available in live mode yet (faultline answers it only on the simulator); nothing was sent to AWS"
    ))
    .into()
}

// ---------------------------------------------------------------- helpers

/// Keys of pagination tokens: the CLI follows them and leaves them out.
const TOKENS: &[&str] = &[
    "nextToken",
    "NextToken",
    "Marker",
    "NextMarker",
    "IsTruncated",
];

/// Merges one page into the answer so far: lists are concatenated, other
/// members take the last page's value, tokens are dropped.
fn merge(acc: &mut Map<String, Value>, page: Value) {
    let Value::Object(page) = page else { return };
    for (k, v) in page {
        if TOKENS.contains(&k.as_str()) {
            continue;
        }
        match (acc.get_mut(&k), v) {
            (Some(Value::Array(a)), Value::Array(b)) => a.extend(b),
            (_, v) => {
                acc.insert(k, v);
            }
        }
    }
}

/// Every page of a paginated call, merged. `call` gets the token of the
/// next page and returns the page (as JSON) and the token after it.
async fn paged<F, Fut>(mut call: F) -> Result<Value, CommandError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Value, Option<String>), CommandError>>,
{
    let mut acc = Map::new();
    let mut token = None;
    // A bound, so that a service that keeps returning tokens cannot spin forever.
    for _ in 0..1000 {
        let (page, next) = call(token).await?;
        merge(&mut acc, page);
        match next {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => break,
        }
    }
    Ok(Value::Object(acc))
}

fn string(i: &Input, m: &str) -> Result<Option<String>, CommandError> {
    Ok(i.value(m)?)
}

fn strings(i: &Input, m: &str) -> Result<Option<Vec<String>>, CommandError> {
    Ok(i.values(m)?)
}

fn int(i: &Input, m: &str) -> Result<Option<i32>, CommandError> {
    match i.value(m)? {
        None => Ok(None),
        Some(v) => v.trim().parse().map(Some).map_err(|_| {
            ArgError(format!(
                "Parameter validation failed:\nInvalid type for parameter {m}, value: {v}, valid types: <class 'int'>"
            ))
            .into()
        }),
    }
}

fn switch(i: &Input, m: &str) -> Result<Option<bool>, CommandError> {
    Ok(i.switch(m)?)
}

/// A time member in epoch milliseconds: a number, or an ISO 8601 instant.
fn millis(i: &Input, m: &str) -> Result<Option<i64>, CommandError> {
    match i.value(m)? {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| crate::time::parse_iso(&v))
            .map(Some)
            .ok_or_else(|| {
                ArgError(format!(
                    "Parameter validation failed:\nInvalid type for parameter {m}, value: {v}, valid types: <class 'int'>"
                ))
                .into()
            }),
    }
}

/// EC2 `Filters` (`[{Name, Values}]`; a lone value stands for a list of one).
fn ec2_filters(
    i: &Input,
    m: &str,
) -> Result<Option<Vec<aws_sdk_ec2::types::Filter>>, CommandError> {
    let Some(items) = i.structures(m) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for f in items {
        let name = f.get("Name").and_then(Value::as_str).ok_or_else(|| {
            ArgError(format!(
                "Parameter validation failed:\nMissing required parameter in {m}: \"Name\""
            ))
        })?;
        let values: Vec<String> = match f.get("Values") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(v) => vec![v.to_string()],
        };
        out.push(
            aws_sdk_ec2::types::Filter::builder()
                .name(name)
                .set_values(Some(values))
                .build(),
        );
    }
    Ok(Some(out))
}

/// Enum members: the SDK keeps unknown values, and AWS refuses them in its own words.
fn enum_list<T>(v: Option<Vec<String>>) -> Option<Vec<T>>
where
    T: for<'a> From<&'a str>,
{
    v.map(|v| v.iter().map(|s| T::from(s.as_str())).collect())
}

fn enum_one<T>(v: Option<String>) -> Option<T>
where
    T: for<'a> From<&'a str>,
{
    v.map(|s| T::from(s.as_str()))
}

// ---------------------------------------------------------------- ecs

async fn ecs(c: &Clients, name: &str, api: &str, i: &Input) -> Result<Value, CommandError> {
    use aws_sdk_ecs::types::*;
    match name {
        "list-clusters" => {
            paged(|t| async move {
                let o = c
                    .ecs
                    .list_clusters()
                    .set_next_token(t)
                    .send()
                    .await
                    .map_err(|x| sdk_error(api, x))?;
                Ok((ecs_json(&o), o.next_token.clone()))
            })
            .await
        }
        "describe-clusters" => {
            let o = c
                .ecs
                .describe_clusters()
                .set_clusters(strings(i, "clusters")?)
                .set_include(enum_list::<ClusterField>(strings(i, "include")?))
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            Ok(ecs_json(&o))
        }
        "list-services" => {
            let cluster = string(i, "cluster")?;
            let launch = enum_one::<LaunchType>(string(i, "launchType")?);
            let strategy = enum_one::<SchedulingStrategy>(string(i, "schedulingStrategy")?);
            paged(|t| {
                let (cluster, launch, strategy) =
                    (cluster.clone(), launch.clone(), strategy.clone());
                async move {
                    let o = c
                        .ecs
                        .list_services()
                        .set_cluster(cluster)
                        .set_launch_type(launch)
                        .set_scheduling_strategy(strategy)
                        .set_next_token(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((ecs_json(&o), o.next_token.clone()))
                }
            })
            .await
        }
        "describe-services" => {
            let o = c
                .ecs
                .describe_services()
                .set_cluster(string(i, "cluster")?)
                .set_services(strings(i, "services")?)
                .set_include(enum_list::<ServiceField>(strings(i, "include")?))
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            Ok(ecs_json(&o))
        }
        "list-tasks" => {
            let cluster = string(i, "cluster")?;
            let service = string(i, "serviceName")?;
            let family = string(i, "family")?;
            let started = string(i, "startedBy")?;
            let desired = enum_one::<DesiredStatus>(string(i, "desiredStatus")?);
            let launch = enum_one::<LaunchType>(string(i, "launchType")?);
            paged(|t| {
                let (cluster, service, family, started, desired, launch) = (
                    cluster.clone(),
                    service.clone(),
                    family.clone(),
                    started.clone(),
                    desired.clone(),
                    launch.clone(),
                );
                async move {
                    let o = c
                        .ecs
                        .list_tasks()
                        .set_cluster(cluster)
                        .set_service_name(service)
                        .set_family(family)
                        .set_started_by(started)
                        .set_desired_status(desired)
                        .set_launch_type(launch)
                        .set_next_token(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((ecs_json(&o), o.next_token.clone()))
                }
            })
            .await
        }
        "describe-tasks" => {
            let o = c
                .ecs
                .describe_tasks()
                .set_cluster(string(i, "cluster")?)
                .set_tasks(strings(i, "tasks")?)
                .set_include(enum_list::<TaskField>(strings(i, "include")?))
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            Ok(ecs_json(&o))
        }
        "list-task-definitions" => {
            let prefix = string(i, "familyPrefix")?;
            let status = enum_one::<TaskDefinitionStatus>(string(i, "status")?);
            let sort = enum_one::<SortOrder>(string(i, "sort")?);
            paged(|t| {
                let (prefix, status, sort) = (prefix.clone(), status.clone(), sort.clone());
                async move {
                    let o = c
                        .ecs
                        .list_task_definitions()
                        .set_family_prefix(prefix)
                        .set_status(status)
                        .set_sort(sort)
                        .set_next_token(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((ecs_json(&o), o.next_token.clone()))
                }
            })
            .await
        }
        "list-task-definition-families" => {
            let prefix = string(i, "familyPrefix")?;
            let status = enum_one::<TaskDefinitionFamilyStatus>(string(i, "status")?);
            paged(|t| {
                let (prefix, status) = (prefix.clone(), status.clone());
                async move {
                    let o = c
                        .ecs
                        .list_task_definition_families()
                        .set_family_prefix(prefix)
                        .set_status(status)
                        .set_next_token(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((ecs_json(&o), o.next_token.clone()))
                }
            })
            .await
        }
        "describe-task-definition" => {
            let o = c
                .ecs
                .describe_task_definition()
                .set_task_definition(string(i, "taskDefinition")?)
                .set_include(enum_list::<TaskDefinitionField>(strings(i, "include")?))
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            Ok(ecs_json(&o))
        }
        // A real session needs the Session Manager plugin on the player's side.
        "execute-command" => Err(ArgError(
            "ecs execute-command opens a Session Manager session, which faultline cannot relay from a real account: run `aws ecs execute-command ... --interactive` in your own terminal (with the Session Manager plugin installed); nothing was sent to AWS".into(),
        )
        .into()),
        _ => Err(unmapped("ecs", name)),
    }
}

// ---------------------------------------------------------------- ec2

/// One EC2 describe call, every page: `$call` is the client method, `$ids`
/// the ids member and its setter, `$filters` the filters member and its setter.
macro_rules! ec2_describe {
    ($c:expr, $i:expr, $api:expr, $call:ident, ($ids:literal, $set_ids:ident), ($filters:literal, $set_filters:ident) $(, ($extra:literal, $set_extra:ident))?) => {{
        let ids = strings($i, $ids)?;
        let filters = ec2_filters($i, $filters)?;
        let dry = switch($i, "DryRun")?;
        $(let extra = strings($i, $extra)?;)?
        paged(|t| {
            let (ids, filters) = (ids.clone(), filters.clone());
            $(let extra = extra.clone(); let _ = $extra;)?
            async move {
                let o = $c
                    .ec2
                    .$call()
                    .$set_ids(ids)
                    .$set_filters(filters)
                    $(.$set_extra(extra))?
                    .set_dry_run(dry)
                    .set_next_token(t)
                    .send()
                    .await
                    .map_err(|e| sdk_error($api, e))?;
                Ok((o.to_json(), o.next_token.clone()))
            }
        })
        .await
    }};
}

async fn ec2(c: &Clients, name: &str, api: &str, i: &Input) -> Result<Value, CommandError> {
    match name {
        "describe-vpcs" => ec2_describe!(
            c,
            i,
            api,
            describe_vpcs,
            ("VpcIds", set_vpc_ids),
            ("Filters", set_filters)
        ),
        "describe-subnets" => ec2_describe!(
            c,
            i,
            api,
            describe_subnets,
            ("SubnetIds", set_subnet_ids),
            ("Filters", set_filters)
        ),
        "describe-route-tables" => ec2_describe!(
            c,
            i,
            api,
            describe_route_tables,
            ("RouteTableIds", set_route_table_ids),
            ("Filters", set_filters)
        ),
        "describe-nat-gateways" => ec2_describe!(
            c,
            i,
            api,
            describe_nat_gateways,
            ("NatGatewayIds", set_nat_gateway_ids),
            ("Filter", set_filter)
        ),
        "describe-internet-gateways" => ec2_describe!(
            c,
            i,
            api,
            describe_internet_gateways,
            ("InternetGatewayIds", set_internet_gateway_ids),
            ("Filters", set_filters)
        ),
        "describe-security-groups" => ec2_describe!(
            c,
            i,
            api,
            describe_security_groups,
            ("GroupIds", set_group_ids),
            ("Filters", set_filters),
            ("GroupNames", set_group_names)
        ),
        "describe-network-interfaces" => ec2_describe!(
            c,
            i,
            api,
            describe_network_interfaces,
            ("NetworkInterfaceIds", set_network_interface_ids),
            ("Filters", set_filters)
        ),
        "describe-vpc-endpoints" => ec2_describe!(
            c,
            i,
            api,
            describe_vpc_endpoints,
            ("VpcEndpointIds", set_vpc_endpoint_ids),
            ("Filters", set_filters)
        ),
        _ => Err(unmapped("ec2", name)),
    }
}

// ---------------------------------------------------------------- logs

async fn logs(c: &Clients, name: &str, api: &str, i: &Input) -> Result<Value, CommandError> {
    let limit = int(i, "limit")?;
    let given_token = string(i, "nextToken")?;
    // With --limit or --next-token the caller pages by hand: one call, its token kept.
    let by_hand = limit.is_some() || given_token.is_some();
    match name {
        "describe-log-groups" => {
            let prefix = string(i, "logGroupNamePrefix")?;
            let pattern = string(i, "logGroupNamePattern")?;
            let call = |t: Option<String>| {
                let (prefix, pattern) = (prefix.clone(), pattern.clone());
                async move {
                    let o = c
                        .logs
                        .describe_log_groups()
                        .set_log_group_name_prefix(prefix)
                        .set_log_group_name_pattern(pattern)
                        .set_limit(limit)
                        .set_next_token(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((o.to_json(), o.next_token.clone()))
                }
            };
            if by_hand {
                one_page(call(given_token).await?)
            } else {
                paged(call).await
            }
        }
        "describe-log-streams" => {
            let group = string(i, "logGroupName")?;
            let prefix = string(i, "logStreamNamePrefix")?;
            let order = enum_one::<aws_sdk_cloudwatchlogs::types::OrderBy>(string(i, "orderBy")?);
            let desc = switch(i, "descending")?;
            let call = |t: Option<String>| {
                let (group, prefix, order) = (group.clone(), prefix.clone(), order.clone());
                async move {
                    let o = c
                        .logs
                        .describe_log_streams()
                        .set_log_group_name(group)
                        .set_log_stream_name_prefix(prefix)
                        .set_order_by(order)
                        .set_descending(desc)
                        .set_limit(limit)
                        .set_next_token(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((o.to_json(), o.next_token.clone()))
                }
            };
            if by_hand {
                one_page(call(given_token).await?)
            } else {
                paged(call).await
            }
        }
        "get-log-events" => {
            let o = c
                .logs
                .get_log_events()
                .set_log_group_name(string(i, "logGroupName")?)
                .set_log_stream_name(string(i, "logStreamName")?)
                .set_start_time(millis(i, "startTime")?)
                .set_end_time(millis(i, "endTime")?)
                .set_limit(limit)
                .set_start_from_head(switch(i, "startFromHead")?)
                .set_next_token(given_token)
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            Ok(o.to_json())
        }
        "filter-log-events" => {
            let group = string(i, "logGroupName")?;
            let streams = strings(i, "logStreamNames")?;
            let prefix = string(i, "logStreamNamePrefix")?;
            let pattern = string(i, "filterPattern")?;
            let start = millis(i, "startTime")?;
            let end = millis(i, "endTime")?;
            let call = |t: Option<String>| {
                let (group, streams, prefix, pattern) = (
                    group.clone(),
                    streams.clone(),
                    prefix.clone(),
                    pattern.clone(),
                );
                async move {
                    let o = c
                        .logs
                        .filter_log_events()
                        .set_log_group_name(group)
                        .set_log_stream_names(streams)
                        .set_log_stream_name_prefix(prefix)
                        .set_filter_pattern(pattern)
                        .set_start_time(start)
                        .set_end_time(end)
                        .set_limit(limit)
                        .set_next_token(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((o.to_json(), o.next_token.clone()))
                }
            };
            if by_hand {
                one_page(call(given_token).await?)
            } else {
                paged(call).await
            }
        }
        _ => Err(unmapped("logs", name)),
    }
}

/// One page as the caller asked for it, with its token (named as the API names it).
fn one_page((page, next): (Value, Option<String>)) -> Result<Value, CommandError> {
    let mut v = page;
    if let (Value::Object(m), Some(t)) = (&mut v, next) {
        m.insert("nextToken".into(), Value::String(t));
    }
    Ok(v)
}

// ---------------------------------------------------------------- iam

/// IAM returns policy documents URL-encoded; the CLI prints them decoded, as JSON.
fn decode_documents(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if matches!(
                    k.as_str(),
                    "AssumeRolePolicyDocument" | "PolicyDocument" | "Document"
                ) {
                    if let Value::String(s) = x {
                        let text = percent_decode(s);
                        *x = serde_json::from_str(&text).unwrap_or(Value::String(text));
                    }
                } else {
                    decode_documents(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(decode_documents),
        _ => {}
    }
}

/// RFC 3986 percent-decoding (as Python's `unquote`, which the CLI uses).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'%' && k + 2 < b.len() {
            if let Ok(n) = u8::from_str_radix(&s[k + 1..k + 3], 16) {
                out.push(n);
                k += 3;
                continue;
            }
        }
        out.push(b[k]);
        k += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn iam(c: &Clients, name: &str, api: &str, i: &Input) -> Result<Value, CommandError> {
    let role = string(i, "RoleName")?;
    let mut v = match name {
        "get-role" => {
            let o = c
                .iam
                .get_role()
                .set_role_name(role)
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            o.to_json()
        }
        "list-attached-role-policies" => {
            let prefix = string(i, "PathPrefix")?;
            paged(|t| {
                let (role, prefix) = (role.clone(), prefix.clone());
                async move {
                    let o = c
                        .iam
                        .list_attached_role_policies()
                        .set_role_name(role)
                        .set_path_prefix(prefix)
                        .set_marker(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    let next = if o.is_truncated {
                        o.marker.clone()
                    } else {
                        None
                    };
                    Ok((o.to_json(), next))
                }
            })
            .await?
        }
        "list-role-policies" => {
            paged(|t| {
                let role = role.clone();
                async move {
                    let o = c
                        .iam
                        .list_role_policies()
                        .set_role_name(role)
                        .set_marker(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    let next = if o.is_truncated {
                        o.marker.clone()
                    } else {
                        None
                    };
                    Ok((o.to_json(), next))
                }
            })
            .await?
        }
        "get-role-policy" => {
            let o = c
                .iam
                .get_role_policy()
                .set_role_name(role)
                .set_policy_name(string(i, "PolicyName")?)
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            o.to_json()
        }
        "get-policy" => {
            let o = c
                .iam
                .get_policy()
                .set_policy_arn(string(i, "PolicyArn")?)
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            o.to_json()
        }
        "get-policy-version" => {
            let o = c
                .iam
                .get_policy_version()
                .set_policy_arn(string(i, "PolicyArn")?)
                .set_version_id(string(i, "VersionId")?)
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            o.to_json()
        }
        "list-policies" => {
            let scope = enum_one::<aws_sdk_iam::types::PolicyScopeType>(string(i, "Scope")?);
            let only = switch(i, "OnlyAttached")?;
            let prefix = string(i, "PathPrefix")?;
            paged(|t| {
                let (scope, prefix) = (scope.clone(), prefix.clone());
                async move {
                    let o = c
                        .iam
                        .list_policies()
                        .set_scope(scope)
                        .set_only_attached(only)
                        .set_path_prefix(prefix)
                        .set_marker(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    let next = if o.is_truncated {
                        o.marker.clone()
                    } else {
                        None
                    };
                    Ok((o.to_json(), next))
                }
            })
            .await?
        }
        _ => return Err(unmapped("iam", name)),
    };
    decode_documents(&mut v);
    Ok(v)
}

// ---------------------------------------------------------------- elbv2

/// `Targets` of describe-target-health (`[{Id, Port, AvailabilityZone}]`).
fn elb_targets(
    i: &Input,
) -> Result<Option<Vec<aws_sdk_elasticloadbalancingv2::types::TargetDescription>>, CommandError> {
    let Some(items) = i.structures("Targets") else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for t in items {
        let id = t.get("Id").and_then(Value::as_str).ok_or_else(|| {
            ArgError(
                "Parameter validation failed:\nMissing required parameter in Targets[0]: \"Id\""
                    .into(),
            )
        })?;
        let port = match t.get("Port") {
            None | Some(Value::Null) => None,
            Some(p) => Some(
                p.as_i64()
                    .or_else(|| p.as_str().and_then(|s| s.trim().parse().ok()))
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| {
                        ArgError(format!(
                            "Parameter validation failed:\nInvalid type for parameter Targets[0].Port, value: {p}, valid types: <class 'int'>"
                        ))
                    })?,
            ),
        };
        out.push(
            aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
                .id(id)
                .set_port(port)
                .set_availability_zone(
                    t.get("AvailabilityZone")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                )
                .build(),
        );
    }
    Ok(Some(out))
}

async fn elbv2(c: &Clients, name: &str, api: &str, i: &Input) -> Result<Value, CommandError> {
    match name {
        "describe-load-balancers" => {
            let arns = strings(i, "LoadBalancerArns")?;
            let names = strings(i, "Names")?;
            paged(|t| {
                let (arns, names) = (arns.clone(), names.clone());
                async move {
                    let o = c
                        .elbv2
                        .describe_load_balancers()
                        .set_load_balancer_arns(arns)
                        .set_names(names)
                        .set_marker(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((o.to_json(), o.next_marker.clone()))
                }
            })
            .await
        }
        "describe-target-groups" => {
            let arns = strings(i, "TargetGroupArns")?;
            let names = strings(i, "Names")?;
            let lb = string(i, "LoadBalancerArn")?;
            paged(|t| {
                let (arns, names, lb) = (arns.clone(), names.clone(), lb.clone());
                async move {
                    let o = c
                        .elbv2
                        .describe_target_groups()
                        .set_target_group_arns(arns)
                        .set_names(names)
                        .set_load_balancer_arn(lb)
                        .set_marker(t)
                        .send()
                        .await
                        .map_err(|x| sdk_error(api, x))?;
                    Ok((o.to_json(), o.next_marker.clone()))
                }
            })
            .await
        }
        "describe-target-health" => {
            let o = c
                .elbv2
                .describe_target_health()
                .set_target_group_arn(string(i, "TargetGroupArn")?)
                .set_targets(elb_targets(i)?)
                .send()
                .await
                .map_err(|x| sdk_error(api, x))?;
            Ok(o.to_json())
        }
        _ => Err(unmapped("elbv2", name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_merge_lists_and_drop_tokens() {
        let mut acc = Map::new();
        merge(
            &mut acc,
            serde_json::json!({"taskArns": ["a"], "nextToken": "t"}),
        );
        merge(&mut acc, serde_json::json!({"taskArns": ["b"]}));
        assert_eq!(
            Value::Object(acc),
            serde_json::json!({"taskArns": ["a", "b"]})
        );
    }

    #[test]
    fn policy_documents_are_decoded_as_the_cli_decodes_them() {
        let mut v = serde_json::json!({"Role": {"AssumeRolePolicyDocument":
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}});
        decode_documents(&mut v);
        assert_eq!(
            v["Role"]["AssumeRolePolicyDocument"],
            serde_json::json!({"Version": "2012-10-17", "Statement": []})
        );
        assert_eq!(percent_decode("a%2Fb%"), "a/b%");
    }
}
