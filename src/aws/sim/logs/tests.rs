//! The `logs` read operations and `logs tail`, driven through the AWS CLI front end.

use super::*;

use crate::scenario::Instance;

use crate::aws::sim::testkit::{aws_err, call, instance};

/// The most recently stopped task that ran (an OOM victim in oom-killed).
fn oom_task(inst: &Instance) -> String {
    inst.sim
        .world()
        .tasks
        .values()
        .filter(|t| t.started_at.is_some() && t.stopping_at.is_some())
        .max_by_key(|t| t.stopping_at)
        .map(|t| t.id.clone())
        .expect("a stopped task")
}

#[test]
fn groups_with_arns_and_prefix() {
    let inst = instance("oom-killed.yaml", 5);
    let v = call(
        &inst,
        "logs describe-log-groups --log-group-name-prefix /ecs/checkout-api",
    )
    .unwrap();
    let groups = v["logGroups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    let keys: Vec<&String> = g.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "logGroupName",
            "creationTime",
            "retentionInDays",
            "metricFilterCount",
            "arn",
            "storedBytes",
            "logGroupClass",
            "logGroupArn"
        ]
    );
    assert_eq!(g["retentionInDays"], 30);
    let arn = g["arn"].as_str().unwrap();
    assert!(arn.ends_with(":log-group:/ecs/checkout-api:*"), "{arn}");
    assert_eq!(g["logGroupArn"].as_str().unwrap(), &arn[..arn.len() - 2]);
    assert!(g["storedBytes"].as_u64().unwrap() > 0);
    let pat = call(
        &inst,
        "logs describe-log-groups --log-group-name-pattern lambda",
    )
    .unwrap();
    assert_eq!(
        pat["logGroups"][0]["logGroupName"],
        "/aws/lambda/order-events-sync"
    );
    let none = call(
        &inst,
        "logs describe-log-groups --log-group-name-pattern LAMBDA",
    )
    .unwrap();
    assert_eq!(none["logGroups"], json!([]));
}

#[test]
fn missing_group_in_log_group_missing_scenario() {
    let inst = instance("log-group-missing.yaml", 2);
    let g = inst.vars["group"].clone();
    let v = call(
        &inst,
        "logs describe-log-groups --log-group-name-prefix /ecs",
    )
    .unwrap();
    let names: Vec<&str> = v["logGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["logGroupName"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&g.as_str()), "{names:?}");
    let e = aws_err(call(
        &inst,
        &format!("logs describe-log-streams --log-group-name {g}"),
    ));
    assert_eq!(e.code, "ResourceNotFoundException");
    assert_eq!(e.operation, "DescribeLogStreams");
    assert_eq!(e.message, "The specified log group does not exist.");
    let e = aws_err(call(&inst, &format!("logs tail {g}")));
    assert_eq!(e.operation, "FilterLogEvents");
    assert_eq!(e.message, "The specified log group does not exist.");
}

#[test]
fn task_lines_land_in_its_stream() {
    let inst = instance("oom-killed.yaml", 5);
    let id = oom_task(&inst);
    let stream = format!("ecs/checkout-api/{id}");
    let v = call(
        &inst,
        &format!("logs get-log-events --log-group-name /ecs/checkout-api --log-stream-name {stream} --start-from-head"),
    )
    .unwrap();
    let msgs: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(msgs[0].contains("checkout-api starting"), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("catalogue")), "{msgs:?}");
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["events", "nextForwardToken", "nextBackwardToken"]);
    let f = v["nextForwardToken"].as_str().unwrap();
    assert!(f.starts_with("f/") && f.len() == 58 && f[2..].chars().all(|c| c.is_ascii_digit()));
    let ekeys: Vec<&String> = v["events"][0].as_object().unwrap().keys().collect();
    assert_eq!(ekeys, ["timestamp", "message", "ingestionTime"]);

    // Paging: the last two, then the two before them through the backward token.
    let last2 = call(&inst, &format!("logs get-log-events --log-group-name /ecs/checkout-api --log-stream-name {stream} --limit 2")).unwrap();
    assert_eq!(last2["events"].as_array().unwrap().len(), 2);
    assert_eq!(
        last2["events"][1]["message"].as_str().unwrap(),
        *msgs.last().unwrap()
    );
    let b = last2["nextBackwardToken"].as_str().unwrap();
    let prev = call(&inst, &format!("logs get-log-events --log-group-name /ecs/checkout-api --log-stream-name {stream} --limit 2 --next-token {b}")).unwrap();
    assert_eq!(
        prev["events"][1]["message"].as_str().unwrap(),
        msgs[msgs.len() - 3]
    );

    let e = aws_err(call(&inst, "logs get-log-events --log-group-name /ecs/checkout-api --log-stream-name ecs/checkout-api/nope"));
    assert_eq!(e.message, "The specified log stream does not exist.");

    // Streams: the newest by last event, and the stream's fields.
    let s = call(&inst, "logs describe-log-streams --log-group-name /ecs/checkout-api --order-by LastEventTime --descending --limit 1").unwrap();
    assert!(s.get("nextToken").is_some());
    // (The newest stream may have no event yet: a replacement task that has
    // just started. The OOM-killed task's stream has them.)
    let s = call(&inst, &format!("logs describe-log-streams --log-group-name /ecs/checkout-api --log-stream-name-prefix {stream}")).unwrap();
    let st = &s["logStreams"][0];
    let keys: Vec<&String> = st.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "logStreamName",
            "creationTime",
            "firstEventTimestamp",
            "lastEventTimestamp",
            "lastIngestionTime",
            "uploadSequenceToken",
            "arn",
            "storedBytes"
        ]
    );
    assert!(st["lastEventTimestamp"].as_i64().unwrap() <= inst.sim.now());
    let e = aws_err(call(&inst, "logs describe-log-streams --log-group-name /ecs/checkout-api --order-by LastEventTime --log-stream-name-prefix ecs"));
    assert_eq!(
        e.message,
        "Cannot order by LastEventTime with a logStreamNamePrefix."
    );
}

#[test]
fn no_future_events() {
    let inst = instance("oom-killed.yaml", 9);
    let now = inst.sim.now();
    for g in inst.sim.world().log_groups.values() {
        let v = call(
            &inst,
            &format!("logs filter-log-events --log-group-name {}", g.name),
        )
        .unwrap();
        for e in v["events"].as_array().unwrap() {
            assert!(e["timestamp"].as_i64().unwrap() <= now);
        }
    }
}

#[test]
fn filter_patterns() {
    let inst = instance("oom-killed.yaml", 5);
    let all = call(
        &inst,
        "logs filter-log-events --log-group-name /ecs/checkout-api",
    )
    .unwrap();
    let n_all = all["events"].as_array().unwrap().len();
    // The CLI joins the pages' result keys: the deprecated list is there, empty.
    assert_eq!(all["searchedLogStreams"], json!([]));
    let ev = &all["events"][0];
    let keys: Vec<&String> = ev.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "logStreamName",
            "timestamp",
            "message",
            "ingestionTime",
            "eventId"
        ]
    );
    assert_eq!(ev["eventId"].as_str().unwrap().len(), 56);
    let ts: Vec<i64> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]));

    let warm = call(&inst, "logs filter-log-events --log-group-name /ecs/checkout-api --filter-pattern '\"catalogue cache warm\"'").unwrap();
    let warm = warm["events"].as_array().unwrap();
    assert!(!warm.is_empty() && warm.len() < n_all);
    assert!(warm.iter().all(|e| e["message"]
        .as_str()
        .unwrap()
        .contains("catalogue cache warm")));

    let either = call(&inst, "logs filter-log-events --log-group-name /ecs/checkout-api --filter-pattern ?listening ?postgres").unwrap();
    let either = either["events"].as_array().unwrap();
    assert!(either.iter().all(|e| {
        let m = e["message"].as_str().unwrap();
        m.contains("listening") || m.contains("postgres")
    }));
    assert!(either
        .iter()
        .any(|e| e["message"].as_str().unwrap().contains("listening")));
    assert!(either
        .iter()
        .any(|e| e["message"].as_str().unwrap().contains("postgres")));

    let both = call(&inst, "logs filter-log-events --log-group-name /ecs/checkout-api --filter-pattern 'info -listening'").unwrap();
    assert!(both["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["message"].as_str().unwrap().contains("listening")));

    let case = call(
        &inst,
        "logs filter-log-events --log-group-name /ecs/checkout-api --filter-pattern LISTENING",
    )
    .unwrap();
    assert_eq!(case["events"], json!([]));

    let page = call(
        &inst,
        "logs filter-log-events --log-group-name /ecs/checkout-api --limit 3",
    )
    .unwrap();
    assert_eq!(page["events"].as_array().unwrap().len(), 3);
    assert_eq!(page["searchedLogStreams"], json!([]));
    let tok = page["nextToken"].as_str().unwrap();
    let next = call(&inst, &format!("logs filter-log-events --log-group-name /ecs/checkout-api --limit 3 --next-token {tok}")).unwrap();
    assert_eq!(next["events"][0], all["events"][3]);

    let json_pat = call(&inst, "logs filter-log-events --log-group-name /ecs/checkout-api --filter-pattern '{ $.level = \"warn\" }'");
    match json_pat {
        Err(CommandError::Args(a)) => assert!(a.0.contains("JSON"), "{}", a.0),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tail_prints_detailed_lines() {
    let inst = instance("oom-killed.yaml", 5);
    let Value::String(text) = call(&inst, "logs tail /ecs/checkout-api --since 15m").unwrap()
    else {
        panic!("tail prints text");
    };
    let first = text.lines().next().expect("some lines");
    // <ISO timestamp with microseconds> <stream> <message>
    let (ts, rest) = first.split_once(' ').unwrap();
    assert_eq!(ts.len(), "2026-03-12T14:32:05.123000+00:00".len());
    assert!(ts.ends_with("+00:00"));
    assert!(rest.starts_with("ecs/checkout-api/"), "{rest}");
    assert!(text.contains("\"msg\":\"checkout-api starting\""));
    let since = crate::time::parse_iso(ts).unwrap();
    assert!(since >= inst.sim.now() - 15 * 60_000);

    let Value::String(short) = call(
        &inst,
        "logs tail /ecs/checkout-api --since 15m --format short",
    )
    .unwrap() else {
        panic!()
    };
    let (ts, rest) = short.lines().next().unwrap().split_once(' ').unwrap();
    assert_eq!(ts.len(), 19);
    assert!(rest.starts_with('{'));

    let Value::String(js) = call(
        &inst,
        "logs tail /ecs/checkout-api --since 15m --format json",
    )
    .unwrap() else {
        panic!()
    };
    assert!(js.contains("\n{\n    \"level\": \"info\","), "{js}");

    let Value::String(none) = call(&inst, "logs tail /ecs/checkout-api --since 1s").unwrap() else {
        panic!()
    };
    assert!(none.len() < text.len());
    match call(&inst, "logs tail /ecs/checkout-api --follow") {
        Err(CommandError::Args(a)) => assert!(a.0.contains("--follow"), "{}", a.0),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        call(&inst, "logs tail"),
        Err(CommandError::Args(_))
    ));
}

#[test]
fn micro_timestamps() {
    let t = crate::time::parse_iso("2026-03-12T14:32:05Z").unwrap();
    assert_eq!(iso_micros(t), "2026-03-12T14:32:05.000000+00:00");
    assert_eq!(iso_micros(t + 7), "2026-03-12T14:32:05.007000+00:00");
}

#[test]
fn since_forms() {
    let now = 1_000_000_000_000;
    assert_eq!(since("10m", now).unwrap(), now - 600_000);
    assert_eq!(since("2w", now).unwrap(), now - 14 * 86_400_000);
    assert_eq!(
        since("2026-03-12T14:00:00Z", now).unwrap(),
        crate::time::parse_iso("2026-03-12T14:00:00Z").unwrap()
    );
    assert!(since("5h30m", now).is_err());
    assert!(since("soon", now).is_err());
}

#[test]
fn pattern_parsing() {
    let p = Pattern::parse("ERROR \"out of memory\" ?a ?b -DEBUG").unwrap();
    assert_eq!(p.all, ["ERROR", "out of memory"]);
    assert_eq!(p.any, ["a", "b"]);
    assert_eq!(p.none, ["DEBUG"]);
    assert!(Pattern::parse("").unwrap().matches("anything"));
    assert!(Pattern::parse("[ip, user]").is_err());
}
