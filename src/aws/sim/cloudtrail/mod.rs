//! `cloudtrail lookup-events`: the account's API call history (the
//! scenario's deploys, changes and decoys, and the player's fixes) as
//! CloudTrail's Event history returns it. The calls are recorded by the
//! write path ([`crate::aws::account`]); this module shapes them.
//!
//! Shapes: the botocore cloudtrail model (`LookupEvents`: `Events[]` of
//! `EventId`, `EventName`, `ReadOnly`, `AccessKeyId`, `EventTime`,
//! `EventSource`, `Username`, `Resources[]` of `ResourceType` and
//! `ResourceName`, `CloudTrailEvent`; `NextToken`), and the CloudTrail
//! record contents (userIdentity of type AssumedRole with its
//! sessionContext, requestParameters, responseElements, errorCode and
//! errorMessage of a refused call). Most recent first, as the API returns.
//!
//! Global services: IAM's calls carry `awsRegion` `us-east-1`, as CloudTrail
//! records them; the session shows them in its own region's history too
//! (a simplification: real Event history lists them in us-east-1 only).

use super::misc::{cli_time_secs, int_flag};
use super::read::timestamp;
use super::{ArgError, CommandError, Input};
use crate::aws::catalogue::{flag, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors;
use crate::time::Millis;
use crate::world::{ApiCall, Identity, World};
use serde_json::{json, Map, Value};

const API: &str = "LookupEvents";

/// The lookup attribute keys (botocore: `LookupAttributeKey`).
pub const ATTRIBUTE_KEYS: &[&str] = &[
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
];

/// The host a CLI service's calls go to, as CloudTrail's `eventSource`.
pub fn event_source(service: &str) -> String {
    let host = match service {
        "elbv2" => "elasticloadbalancing",
        "service-quotas" => "servicequotas",
        "cloudwatch" => "monitoring",
        other => other,
    };
    format!("{host}.amazonaws.com")
}

/// Request members that name a resource, with the CloudTrail resource type
/// they name ([I]: the types are CloudFormation's, as Event history shows them).
const RESOURCE_MEMBERS: &[(&str, &str)] = &[
    ("RouteTableId", "AWS::EC2::RouteTable"),
    ("GroupId", "AWS::EC2::SecurityGroup"),
    ("SubnetId", "AWS::EC2::Subnet"),
    ("VpcId", "AWS::EC2::VPC"),
    ("NatGatewayId", "AWS::EC2::NatGateway"),
    ("NetworkInterfaceId", "AWS::EC2::NetworkInterface"),
    ("NetworkAclId", "AWS::EC2::NetworkAcl"),
    ("VpcEndpointId", "AWS::EC2::VPCEndpoint"),
    ("RoleName", "AWS::IAM::Role"),
    ("PolicyArn", "AWS::IAM::Policy"),
    ("cluster", "AWS::ECS::Cluster"),
    ("service", "AWS::ECS::Service"),
    ("taskDefinition", "AWS::ECS::TaskDefinition"),
    ("family", "AWS::ECS::TaskDefinition"),
    ("task", "AWS::ECS::Task"),
    ("logGroupName", "AWS::Logs::LogGroup"),
    ("repositoryName", "AWS::ECR::Repository"),
    (
        "LoadBalancerArn",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    ),
    ("TargetGroupArn", "AWS::ElasticLoadBalancingV2::TargetGroup"),
    ("ListenerArn", "AWS::ElasticLoadBalancingV2::Listener"),
];

/// The resources a call names, in the order its request names them.
fn resources(c: &ApiCall) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Value::Object(m) = &c.request {
        for (k, v) in m {
            let Some((_, ty)) = RESOURCE_MEMBERS.iter().find(|(m, _)| m == k) else {
                continue;
            };
            let names: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
                _ => vec![],
            };
            for n in names {
                out.push((ty.to_string(), n.to_string()));
            }
        }
    }
    out
}

/// `RouteTableId` -> `routeTableId`; EC2's lists as `{"items": [...]}`,
/// as CloudTrail writes the query protocols' request parameters.
fn query_protocol_shape(v: &Value, ec2: bool) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                let mut key = String::with_capacity(k.len());
                let mut chars = k.chars();
                if let Some(f) = chars.next() {
                    key.extend(f.to_lowercase());
                    key.extend(chars);
                }
                if key == "return" {
                    key = "_return".into();
                }
                out.insert(key, query_protocol_shape(x, ec2));
            }
            Value::Object(out)
        }
        Value::Array(a) => {
            let items: Vec<Value> = a.iter().map(|x| query_protocol_shape(x, ec2)).collect();
            if ec2 {
                json!({"items": items})
            } else {
                Value::Array(items)
            }
        }
        other => other.clone(),
    }
}

/// The call's request parameters as CloudTrail records them.
fn request_parameters(c: &ApiCall) -> Value {
    match c.service.as_str() {
        "ec2" => query_protocol_shape(&c.request, true),
        "iam" | "elbv2" | "service-quotas" => query_protocol_shape(&c.request, false),
        _ => c.request.clone(),
    }
}

/// The call's response elements as CloudTrail records them: null for a
/// refused call and for a call that answers nothing.
fn response_elements(c: &ApiCall) -> Value {
    let Some(r) = &c.response else {
        return Value::Null;
    };
    let empty = r.as_object().is_some_and(|m| m.is_empty());
    match c.service.as_str() {
        "ec2" => {
            let mut m = Map::new();
            m.insert("requestId".into(), json!(c.request_id));
            if let Value::Object(body) = query_protocol_shape(r, true) {
                m.extend(body);
            }
            if empty {
                m.insert("_return".into(), json!(true));
            }
            Value::Object(m)
        }
        _ if empty => Value::Null,
        "iam" | "elbv2" | "service-quotas" => query_protocol_shape(r, false),
        _ => r.clone(),
    }
}

/// `2026-03-12T14:32:05Z`: CloudTrail's eventTime.
fn event_time(t: Millis) -> String {
    let s = crate::time::iso(t - t.rem_euclid(1000));
    s.replace("+00:00", "Z")
}

/// The region a call is recorded in: IAM is global, recorded in us-east-1.
fn aws_region<'a>(w: &'a World, c: &ApiCall) -> &'a str {
    if c.service == "iam" {
        "us-east-1"
    } else {
        &w.region
    }
}

/// The CloudTrail record of a call (the `CloudTrailEvent` string, parsed).
pub fn record(w: &World, c: &ApiCall) -> Value {
    let who: &Identity = w.trail.identity(c.actor);
    let acct = &w.account;
    let role_arn = w
        .roles
        .get(&who.role)
        .map(|r| r.arn.clone())
        .unwrap_or_else(|| w.role_arn(&who.role));
    // The session began an hour before the call, at most (temporary credentials).
    let session_start = c.at - (c.at.rem_euclid(3_600_000));
    let mut m = Map::new();
    m.insert("eventVersion".into(), json!("1.09"));
    m.insert(
        "userIdentity".into(),
        json!({
            "type": "AssumedRole",
            "principalId": format!("{}:{}", who.role_id, who.session),
            "arn": format!("arn:aws:sts::{acct}:assumed-role/{}/{}", who.role, who.session),
            "accountId": acct,
            "accessKeyId": who.access_key,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": who.role_id,
                    "arn": role_arn,
                    "accountId": acct,
                    "userName": who.role,
                },
                "attributes": {
                    "creationDate": event_time(session_start),
                    "mfaAuthenticated": "false",
                },
            },
        }),
    );
    m.insert("eventTime".into(), json!(event_time(c.at)));
    m.insert("eventSource".into(), json!(event_source(&c.service)));
    m.insert("eventName".into(), json!(c.name));
    m.insert("awsRegion".into(), json!(aws_region(w, c)));
    m.insert("sourceIPAddress".into(), json!(who.source_ip));
    m.insert("userAgent".into(), json!(who.user_agent));
    if let Some((code, message)) = &c.error {
        m.insert("errorCode".into(), json!(code));
        m.insert("errorMessage".into(), json!(message));
    }
    m.insert("requestParameters".into(), request_parameters(c));
    m.insert("responseElements".into(), response_elements(c));
    m.insert("requestID".into(), json!(c.request_id));
    m.insert("eventID".into(), json!(c.event_id));
    m.insert("readOnly".into(), json!(false));
    m.insert("eventType".into(), json!("AwsApiCall"));
    m.insert("managementEvent".into(), json!(true));
    m.insert("recipientAccountId".into(), json!(acct));
    m.insert("eventCategory".into(), json!("Management"));
    let host = match c.service.as_str() {
        "iam" => "iam.amazonaws.com".to_string(),
        s => {
            let src = event_source(s);
            src.replacen(".amazonaws.com", &format!(".{}.amazonaws.com", w.region), 1)
        }
    };
    m.insert(
        "tlsDetails".into(),
        json!({
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": host,
        }),
    );
    Value::Object(m)
}

/// One `Events[]` entry of LookupEvents.
fn event(w: &World, c: &ApiCall) -> Value {
    let who = w.trail.identity(c.actor);
    let resources: Vec<Value> = resources(c)
        .into_iter()
        .map(|(t, n)| json!({"ResourceType": t, "ResourceName": n}))
        .collect();
    let record = record(w, c);
    json!({
        "EventId": c.event_id,
        "EventName": c.name,
        "ReadOnly": "false",
        "AccessKeyId": who.access_key,
        "EventTime": cli_time_secs(c.at),
        "EventSource": event_source(&c.service),
        "Username": who.session,
        "Resources": resources,
        // As CloudTrail sends it: the record as one line of compact JSON.
        "CloudTrailEvent": serde_json::to_string(&record).unwrap_or_default(),
    })
}

/// Whether a call matches a lookup attribute.
fn matches(w: &World, c: &ApiCall, key: &str, value: &str) -> bool {
    let who = w.trail.identity(c.actor);
    match key {
        "EventId" => c.event_id == value,
        "EventName" => c.name == value,
        "ReadOnly" => value == "false",
        "Username" => who.session == value,
        "AccessKeyId" => who.access_key == value,
        "EventSource" => event_source(&c.service) == value,
        "ResourceType" => resources(c).iter().any(|(t, _)| t == value),
        "ResourceName" => resources(c).iter().any(|(_, n)| n == value),
        _ => false,
    }
}

/// The NextToken for the page that starts at `offset`.
fn next_token(offset: usize, after: &str) -> String {
    let h = super::misc::stable_hash(&[after, &offset.to_string()]);
    format!("{h:016x}{offset:08x}")
}

fn token_offset(token: &str) -> Option<usize> {
    if token.len() != 24 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    usize::from_str_radix(&token[16..], 16).ok()
}

/// `cloudtrail lookup-events`.
fn lookup_events(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let w = ctx.world;
    let attrs = inv.structures("LookupAttributes").unwrap_or_default();
    if attrs.len() > 1 {
        return Err(errors::lookup_attributes_one(API).into());
    }
    let mut filter: Option<(String, String)> = None;
    for a in &attrs {
        let key = a.get("AttributeKey").and_then(|v| v.as_str());
        let value = a.get("AttributeValue").and_then(|v| v.as_str());
        let (Some(key), Some(value)) = (key, value) else {
            // botocore's parameter validation: both members are required.
            let missing = if key.is_none() {
                "AttributeKey"
            } else {
                "AttributeValue"
            };
            return Err(ArgError(format!(
                "Parameter validation failed:\nMissing required parameter in LookupAttributes[0]: \"{missing}\""
            ))
            .into());
        };
        if !ATTRIBUTE_KEYS.contains(&key) {
            return Err(errors::lookup_attribute_key(API, key).into());
        }
        filter = Some((key.to_string(), value.to_string()));
    }
    let time = |member: &str| -> Result<Option<Millis>, CommandError> {
        match inv.value(member)? {
            None => Ok(None),
            Some(t) => timestamp(&t, ctx.now)
                .map(Some)
                .map_err(|e| ArgError(e).into()),
        }
    };
    let start = time("StartTime")?;
    let end = time("EndTime")?;
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(errors::lookup_time_range(API).into());
        }
    }
    if let Some(cat) = inv.value("EventCategory")? {
        if cat != "insight" {
            return Err(errors::lookup_event_category(API, &cat).into());
        }
        // No trail here has Insights enabled.
        return Ok(json!({"Events": []}));
    }
    let max = int_flag(inv, "MaxResults")?.unwrap_or(50);
    if !(1..=50).contains(&max) {
        return Err(errors::lookup_max_results(API).into());
    }
    // Events from the last 90 days, up to now, most recent first (the same
    // instant: the later call first).
    let oldest = ctx.now - 90 * 24 * 3_600_000;
    let mut hits: Vec<&ApiCall> = w
        .trail
        .calls
        .iter()
        .rev()
        .filter(|c| c.at <= ctx.now && c.at >= oldest)
        .filter(|c| start.is_none_or(|s| c.at - c.at.rem_euclid(1000) >= s))
        .filter(|c| end.is_none_or(|e| c.at - c.at.rem_euclid(1000) <= e))
        .filter(|c| filter.as_ref().is_none_or(|(k, v)| matches(w, c, k, v)))
        .collect();
    hits.sort_by_key(|c| std::cmp::Reverse(c.at));
    let from = match inv.value("NextToken")? {
        None => 0,
        Some(t) => match token_offset(&t) {
            Some(o) if o >= 1 && o <= hits.len() && next_token(o, &hits[o - 1].event_id) == t => o,
            _ => return Err(errors::lookup_next_token(API).into()),
        },
    };
    let page: Vec<Value> = hits
        .iter()
        .skip(from)
        .take(max as usize)
        .map(|c| event(w, c))
        .collect();
    let mut out = Map::new();
    out.insert("Events".into(), Value::Array(page));
    let after = from + max as usize;
    if after < hits.len() {
        out.insert(
            "NextToken".into(),
            json!(next_token(after, &hits[after - 1].event_id)),
        );
    }
    Ok(Value::Object(out))
}

/// CloudTrail operations.
pub const OPS: &[ReadOp] = &[Op {
    service: "cloudtrail",
    name: "lookup-events",
    api: "LookupEvents",
    summary: "Looks up the account's API calls (management events), most recent first",
    flags: &[
        flag(
            "lookup-attributes",
            FlagKind::Structure,
            "one attribute to match: AttributeKey=EventName,AttributeValue=UpdateService (keys: EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId)",
            Complete::Choices(&[
                "AttributeKey=EventName,AttributeValue=",
                "AttributeKey=EventSource,AttributeValue=",
                "AttributeKey=Username,AttributeValue=",
                "AttributeKey=ResourceName,AttributeValue=",
                "AttributeKey=ResourceType,AttributeValue=",
                "AttributeKey=EventId,AttributeValue=",
                "AttributeKey=AccessKeyId,AttributeValue=",
                "AttributeKey=ReadOnly,AttributeValue=false",
            ]),
        ),
        flag(
            "start-time",
            FlagKind::Timestamp,
            "only events at or after this time",
            Complete::Nothing,
        ),
        flag(
            "end-time",
            FlagKind::Timestamp,
            "only events at or before this time",
            Complete::Nothing,
        ),
        flag(
            "event-category",
            FlagKind::Str,
            "insight: CloudTrail Insights events instead of management events",
            Complete::Choices(&["insight"]),
        ),
        flag(
            "max-results",
            FlagKind::Int,
            "events per page (1-50, default 50); turns the CLI's paging off",
            Complete::Nothing,
        ),
        flag(
            "next-token",
            FlagKind::Str,
            "the NextToken of the previous page",
            Complete::Nothing,
        ),
        super::ecs::MAX_ITEMS,
        super::ecs::STARTING_TOKEN,
        super::ecs::PAGE_SIZE,
    ],
    positional: None,
    run: lookup_events,
}];

#[cfg(test)]
mod tests;
