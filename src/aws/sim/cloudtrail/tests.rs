//! CloudTrail: the history of every scenario, the player's fixes, lookups.

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
    let bad = format!("ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0");
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
