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
            Complete::Nothing,
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
mod tests {
    use super::super::testkit::{aws_err, call, instance};
    use crate::scenario::{Mode, Scenario};
    use serde_json::{json, Value};
    use std::path::Path;

    /// The CloudTrail record inside an event.
    fn record_of(e: &Value) -> Value {
        serde_json::from_str(e["CloudTrailEvent"].as_str().expect("a string")).expect("JSON")
    }

    fn events(v: &Value) -> Vec<Value> {
        v["Events"].as_array().cloned().unwrap_or_default()
    }

    /// Every call a timeline entry made, as (eventName, request, error code),
    /// from the entry's operation text.
    fn expected(
        inst: &crate::scenario::Instance,
        a: &crate::scenario::Applied,
    ) -> Vec<(String, Option<Value>, Option<String>)> {
        let code = a.refused.as_ref().map(|r| {
            r.trim_start_matches("An error occurred (")
                .split(')')
                .next()
                .unwrap_or_default()
                .to_string()
        });
        if let Some(rest) = a.op.strip_prefix("docker push ") {
            let tags = rest.rsplit(':').next().unwrap_or_default();
            return tags
                .split(',')
                .map(|t| ("PutImage".to_string(), Some(json!(t)), None))
                .collect();
        }
        if a.op.contains(" network interfaces created in ") {
            // Another workload's interfaces: not calls of this account's people.
            return Vec::new();
        }
        if a.op.starts_with("ecs register-task-definition (") {
            let mut v = vec![("RegisterTaskDefinition".to_string(), None, code.clone())];
            if code.is_none() {
                let update = a.op.split(" && ").nth(1).expect("the UpdateService line");
                let cmd = crate::awscli::command::parse(update, &inst.sim.world().region)
                    .expect("the line parses");
                v.push((
                    "UpdateService".into(),
                    Some(serde_json::to_value(&cmd.input).unwrap()),
                    None,
                ));
            }
            return v;
        }
        let cmd = crate::awscli::command::parse(&a.op, &inst.sim.world().region)
            .unwrap_or_else(|e| panic!("{}: {e}", a.op));
        vec![(
            cmd.entry.api().to_string(),
            Some(serde_json::to_value(&cmd.input).unwrap()),
            code,
        )]
    }

    #[test]
    fn every_timeline_step_of_every_scenario_is_one_event_with_its_request_and_refusal() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut decoys = 0;
        let mut refused = 0;
        for file in crate::scenario::scenario_files(&dir).unwrap() {
            let sc = Scenario::load(&file).unwrap();
            for seed in [1, 2] {
                let inst = sc.instantiate(seed, Mode::Incident).unwrap();
                let w = inst.sim.world();
                let all = call(&inst, "cloudtrail lookup-events").unwrap();
                let mut got: Vec<Value> = events(&all);
                // Oldest first, to walk beside the timeline.
                got.reverse();
                let mut i = 0;
                for a in &inst.applied {
                    for (name, req, code) in expected(&inst, a) {
                        let e = got.get(i).unwrap_or_else(|| {
                            panic!("{} seed {seed}: no event for {}", file.display(), a.op)
                        });
                        let r = record_of(e);
                        let ctx = format!("{} seed {seed}: {} ({})", file.display(), a.op, a.note);
                        assert_eq!(e["EventName"], json!(name), "{ctx}");
                        assert_eq!(r["eventName"], json!(name), "{ctx}");
                        assert_eq!(
                            r["eventTime"],
                            json!(crate::time::iso(a.at - a.at % 1000).replace("+00:00", "Z")),
                            "{ctx}"
                        );
                        match (&req, name.as_str()) {
                            (Some(tag), "PutImage") => {
                                assert_eq!(r["requestParameters"]["imageTag"], *tag, "{ctx}")
                            }
                            (Some(req), _) => {
                                let c = w.trail.calls.iter().find(|c| c.event_id == e["EventId"]);
                                assert_eq!(&c.unwrap().request, req, "{ctx}");
                                assert!(r["requestParameters"].is_object(), "{ctx}");
                            }
                            (None, _) => {}
                        }
                        assert_eq!(
                            r.get("errorCode").cloned(),
                            code.clone().map(Value::from),
                            "{ctx}"
                        );
                        if code.is_some() {
                            assert!(r["errorMessage"].is_string(), "{ctx}");
                            assert_eq!(r["responseElements"], Value::Null, "{ctx}");
                            refused += 1;
                        }
                        // The person the scenario names, never the player.
                        assert_ne!(e["Username"], json!("oncall"), "{ctx}");
                        decoys += a.decoy as usize;
                        i += 1;
                    }
                }
                assert_eq!(i, got.len(), "{}: events no step made", file.display());
            }
        }
        assert!(decoys > 0, "decoys are in the history");
        assert!(refused > 0, "a refused step is in the history");
    }

    #[test]
    fn the_events_are_most_recent_first_in_the_models_shape() {
        let inst = instance("nat-route-missing.yaml", 3);
        let v = call(&inst, "cloudtrail lookup-events").unwrap();
        let ev = events(&v);
        assert!(ev.len() >= 4);
        let times: Vec<&str> = ev
            .iter()
            .map(|e| e["EventTime"].as_str().unwrap())
            .collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted);
        // botocore's Event structure, member for member.
        let keys: Vec<&str> = ev[0]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "EventId",
                "EventName",
                "ReadOnly",
                "AccessKeyId",
                "EventTime",
                "EventSource",
                "Username",
                "Resources",
                "CloudTrailEvent"
            ]
        );
        // The deploy: UpdateService after RegisterTaskDefinition, by the pipeline.
        assert_eq!(ev[0]["EventName"], "UpdateService");
        assert_eq!(ev[1]["EventName"], "RegisterTaskDefinition");
        let r = record_of(&ev[0]);
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "eventVersion",
                "userIdentity",
                "eventTime",
                "eventSource",
                "eventName",
                "awsRegion",
                "sourceIPAddress",
                "userAgent",
                "requestParameters",
                "responseElements",
                "requestID",
                "eventID",
                "readOnly",
                "eventType",
                "managementEvent",
                "recipientAccountId",
                "eventCategory",
                "tlsDetails"
            ]
        );
        let acct = &inst.sim.world().account;
        assert_eq!(r["userIdentity"]["type"], "AssumedRole");
        assert_eq!(
            r["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"],
            json!(format!("arn:aws:iam::{acct}:role/deploy-pipeline"))
        );
        assert_eq!(r["eventSource"], "ecs.amazonaws.com");
        assert_eq!(r["eventType"], "AwsApiCall");
        assert_eq!(r["eventCategory"], "Management");
        assert_eq!(r["recipientAccountId"], json!(acct));
        assert_eq!(r["requestParameters"]["service"], "checkout");
        // The Terraform apply's DeleteRoute: EC2's lower-camel parameters and its requestId.
        let del = ev.iter().find(|e| e["EventName"] == "DeleteRoute").unwrap();
        let r = record_of(del);
        assert_eq!(del["Username"], "terraform-run");
        assert_eq!(r["requestParameters"]["destinationCidrBlock"], "0.0.0.0/0");
        assert_eq!(r["responseElements"]["_return"], true);
        assert_eq!(r["responseElements"]["requestId"], r["requestID"]);
        assert_eq!(
            del["Resources"],
            json!([{"ResourceType": "AWS::EC2::RouteTable", "ResourceName": r["requestParameters"]["routeTableId"]}])
        );
        // Who made it is a role the player can look up.
        let role = call(&inst, "iam get-role --role-name terraform-apply").unwrap();
        assert_eq!(
            role["Role"]["RoleId"],
            r["userIdentity"]["sessionContext"]["sessionIssuer"]["principalId"]
        );
    }

    #[test]
    fn a_players_fixes_are_recorded_refused_or_applied() {
        let mut inst = instance("nat-route-missing.yaml", 3);
        let rtb = inst.resolve("${rtb:private-${var:zone}}").unwrap();
        let nat = inst.resolve("${nat:${var:nat}}").unwrap();
        let bad =
            format!("ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0");
        assert!(crate::awscli::command::write(&mut inst.sim, &bad).is_err());
        let good = format!("{bad} --nat-gateway-id {nat}");
        crate::awscli::command::write(&mut inst.sim, &good).unwrap();
        // A command the CLI refuses before sending it is not a call.
        assert!(crate::awscli::command::write(&mut inst.sim, "ec2 create-route").is_err());
        let v = call(
            &inst,
            "cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=oncall",
        )
        .unwrap();
        let ev = events(&v);
        assert_eq!(ev.len(), 2);
        let (ok, refused) = (record_of(&ev[0]), record_of(&ev[1]));
        assert_eq!(ok["eventName"], "CreateRoute");
        assert_eq!(ok["requestParameters"]["natGatewayId"], json!(nat));
        assert!(ok.get("errorCode").is_none());
        assert_eq!(refused["errorCode"], "MissingParameter");
        assert!(refused["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("The request must contain exactly one of"));
        let acct = &inst.sim.world().account;
        assert_eq!(
            ok["userIdentity"]["arn"],
            json!(format!(
                "arn:aws:sts::{acct}:assumed-role/OnCallEngineer/oncall"
            ))
        );
        // As sts get-caller-identity names the player.
        let me = call(&inst, "sts get-caller-identity").unwrap();
        assert_eq!(ok["userIdentity"]["arn"], me["Arn"]);
        assert_eq!(ok["userIdentity"]["principalId"], me["UserId"]);
    }

    #[test]
    fn lookup_attributes_times_and_pages() {
        let inst = instance("nat-route-missing.yaml", 3);
        let by = |k: &str, v: &str| {
            events(
                &call(
                    &inst,
                    &format!("cloudtrail lookup-events --lookup-attributes AttributeKey={k},AttributeValue={v}"),
                )
                .unwrap(),
            )
        };
        let all = events(&call(&inst, "cloudtrail lookup-events").unwrap());
        let names = |ev: &[Value]| -> Vec<String> {
            ev.iter()
                .map(|e| e["EventName"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&by("EventName", "UpdateService")), ["UpdateService"]);
        assert_eq!(
            names(&by("EventSource", "ec2.amazonaws.com")),
            ["DeleteRoute"]
        );
        assert_eq!(
            names(&by("ResourceType", "AWS::ECS::Service")),
            ["UpdateService"]
        );
        assert_eq!(names(&by("ResourceName", "checkout")), ["UpdateService"]);
        assert_eq!(by("ReadOnly", "true").len(), 0);
        assert_eq!(by("ReadOnly", "false").len(), all.len());
        let id = all[1]["EventId"].as_str().unwrap();
        assert_eq!(by("EventId", id)[0], all[1]);
        let key = all[0]["AccessKeyId"].as_str().unwrap();
        assert!(by("AccessKeyId", key)
            .iter()
            .all(|e| e["AccessKeyId"] == key));
        // Time range: the deploy alone (at -12m).
        let v = call(
            &inst,
            "cloudtrail lookup-events --start-time -13m --end-time -11m",
        )
        .unwrap();
        assert_eq!(
            names(&events(&v)),
            ["UpdateService", "RegisterTaskDefinition"]
        );
        // Server pages: MaxResults and NextToken (given, the CLI does not page).
        let p1 = call(&inst, "cloudtrail lookup-events --max-results 2").unwrap();
        assert_eq!(events(&p1), all[..2]);
        let tok = p1["NextToken"].as_str().unwrap();
        let p2 = call(
            &inst,
            &format!("cloudtrail lookup-events --max-results 2 --next-token {tok}"),
        )
        .unwrap();
        assert_eq!(events(&p2), all[2..4.min(all.len())]);
        // The CLI's own paging.
        let p = call(&inst, "cloudtrail lookup-events --max-items 1").unwrap();
        assert_eq!(events(&p), all[..1]);
        assert!(p["NextToken"].is_string());
        // Refusals.
        let e = aws_err(call(
            &inst,
            "cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=A AttributeKey=Username,AttributeValue=B",
        ));
        assert_eq!(e.code, "InvalidLookupAttributesException");
        let e = aws_err(call(
            &inst,
            "cloudtrail lookup-events --lookup-attributes AttributeKey=Region,AttributeValue=x",
        ));
        assert_eq!(e.code, "InvalidLookupAttributesException");
        assert!(e.message.contains("EventId, EventName, ReadOnly"));
        assert_eq!(
            aws_err(call(&inst, "cloudtrail lookup-events --max-results 51")).code,
            "InvalidMaxResultsException"
        );
        assert_eq!(
            aws_err(call(
                &inst,
                "cloudtrail lookup-events --start-time -1m --end-time -2m"
            ))
            .code,
            "InvalidTimeRangeException"
        );
        assert_eq!(
            aws_err(call(
                &inst,
                "cloudtrail lookup-events --next-token nonsense"
            ))
            .code,
            "InvalidNextTokenException"
        );
    }

    #[test]
    fn the_history_is_the_same_for_the_same_seed() {
        let a = instance("alb-sg-blocks-targets.yaml", 9);
        let b = instance("alb-sg-blocks-targets.yaml", 9);
        let c = instance("alb-sg-blocks-targets.yaml", 10);
        let q = "cloudtrail lookup-events";
        assert_eq!(call(&a, q).unwrap(), call(&b, q).unwrap());
        assert_ne!(call(&a, q).unwrap(), call(&c, q).unwrap());
    }
}
