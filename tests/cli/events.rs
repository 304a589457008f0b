//! `faultline play --events PATH`: the JSON Lines hold every step of a
//! scripted session, in order, with the same content a game run in-process
//! gives; and another process can follow the file while the session runs.

use crate::support::{faultline, repo_scenarios, Session};
use faultline::game::Event;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SEED: u64 = 7;

/// The complete lines of an events file, parsed (a line still being written is left out).
fn read_events(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    complete
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn kind(v: &Value) -> &str {
    v["event"].as_str().unwrap_or("")
}

/// The scripted session: two diagnostics, a wrong and a right diagnosis, a
/// fix AWS refuses, the reference fix, and the submission.
fn script() -> Vec<String> {
    let s = Session::new("nat-route-missing", SEED);
    let resolve = |t: &str| s.game.inst.resolve(t).expect("resolves");
    let rtb = resolve("${rtb:private-${var:zone}}");
    vec![
        "ecs describe-services --cluster prod --services checkout --query 'services[0].events[:3].message'".to_string(),
        format!("ec2 describe-route-tables --route-table-ids {rtb} --query 'RouteTables[0].Routes'"),
        "diagnose iam.execution-role-permissions checkout-task-execution".to_string(),
        format!("diagnose network.no-nat-route {rtb} --note \"private-b lost its default route\""),
        format!("fix ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0000000000000000a"),
        format!("fix {}", resolve(&s.game.scenario.spec.fix[0])),
        "submit".to_string(),
    ]
}

#[test]
fn a_scripted_session_writes_every_step_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = dir.path().join("events.jsonl");
    let report = dir.path().join("report.json");
    let lines = script();
    let out = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", "nat-route-missing", "--seed", "7", "--events"])
        .arg(&events)
        .arg("--report")
        .arg(&report)
        .write_stdin(lines.join("\n") + "\n")
        .output()
        .expect("faultline runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = read_events(&events);
    let kinds: Vec<&str> = got.iter().map(kind).collect();
    assert_eq!(
        kinds,
        vec![
            "session_started",
            "command",
            "command",
            "command",
            "diagnosis",
            "command",
            "diagnosis",
            "command",
            "fix_refused",
            "command",
            "fix_applied",
            "command",
            "submit",
            "verdict",
            "session_ended",
        ]
    );
    let start = &got[0];
    assert_eq!(start["scenario"], "nat-route-missing");
    assert_eq!(start["seed"], SEED);
    assert_eq!(start["player"], Value::Null);

    // Every command, in order, with sane fields; virtual time never goes back.
    let commands: Vec<&Value> = got.iter().filter(|e| kind(e) == "command").collect();
    let typed: Vec<&str> = commands
        .iter()
        .map(|c| c["line"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(typed, lines.iter().map(String::as_str).collect::<Vec<_>>());
    let ok: Vec<bool> = commands.iter().map(|c| c["ok"] == true).collect();
    assert_eq!(ok, vec![true, true, true, true, false, true, true]);
    for c in &commands {
        let digest = c["output_sha256"].as_str().unwrap_or("");
        assert_eq!(digest.len(), 64, "{c}");
        assert!(digest.chars().all(|x| x.is_ascii_hexdigit()), "{c}");
        assert!(c["output_bytes"].as_u64().unwrap_or(0) > 0, "{c}");
        assert!(c["wall_ms"].is_u64(), "a wall clock is kept in play: {c}");
    }
    let times: Vec<&str> = got
        .iter()
        .filter_map(|e| e["virtual_time"].as_str())
        .collect();
    assert_eq!(
        times.len(),
        got.len() - 1,
        "every event but the first has a time"
    );
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(start["arrived"].as_str().unwrap_or("~") <= times[0]);

    // The details.
    let diagnoses: Vec<&Value> = got.iter().filter(|e| kind(e) == "diagnosis").collect();
    assert_eq!(diagnoses[0]["cause"], "iam.execution-role-permissions");
    assert_eq!(diagnoses[0]["cause_correct"], false);
    assert_eq!(diagnoses[0]["culprit_correct"], false);
    assert_eq!(diagnoses[1]["cause"], "network.no-nat-route");
    assert_eq!(diagnoses[1]["cause_correct"], true);
    assert_eq!(diagnoses[1]["culprit_correct"], true);
    assert_eq!(diagnoses[1]["note"], "private-b lost its default route");
    let refused = &got[8];
    assert_eq!(refused["service"], "ec2");
    assert_eq!(refused["operation"], "create-route");
    assert!(
        refused["error"]
            .as_str()
            .unwrap_or("")
            .contains("InvalidNatGatewayID.NotFound"),
        "{refused}"
    );
    let applied = &got[10];
    assert_eq!(applied["line"], lines[5].trim_start_matches("fix "));
    assert_eq!(applied["operation"], "create-route");
    assert_eq!(got[13]["healed"], true, "{}", got[13]);
    assert!(!got[13]["findings"].as_array().expect("findings").is_empty());

    // The end agrees with the report.
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    assert_eq!(got[14]["total"], report["score"]["total"]);
    assert_eq!(got[14]["grade"], report["score"]["grade"]);

    // The same session in-process gives the same events (wall times aside):
    // the digests are of what the game answered.
    let mut s = Session::new("nat-route-missing", SEED);
    for l in &lines {
        s.execute(l);
    }
    s.game.finish(&s.player);
    let mut from_file: Vec<Event> = got
        .iter()
        .map(|v| serde_json::from_value(v.clone()).expect("a typed event"))
        .collect();
    for e in &mut from_file {
        if let Event::Command { wall_ms, .. } = e {
            *wall_ms = None;
        }
    }
    assert_eq!(from_file, s.game.events());
}

#[test]
fn another_process_follows_the_events_while_the_session_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = dir.path().join("live.jsonl");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("faultline"))
        .env("XDG_STATE_HOME", crate::support::state_home())
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", "nat-route-missing", "--seed", "7", "--events"])
        .arg(&events)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("faultline starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"status\nsts get-caller-identity --query Account --output text\n")
        .expect("write two lines");
    stdin.flush().expect("flush");

    // Poll the file (bounded) until both commands are there, stdin still open.
    let deadline = Instant::now() + Duration::from_secs(10);
    let seen = loop {
        let got = read_events(&events);
        let lines: Vec<String> = got
            .iter()
            .filter(|e| kind(e) == "command")
            .filter_map(|e| e["line"].as_str().map(String::from))
            .collect();
        if lines.len() >= 2 || Instant::now() > deadline {
            break (got, lines);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (got, lines) = seen;
    assert_eq!(
        lines,
        vec![
            "status".to_string(),
            "sts get-caller-identity --query Account --output text".to_string()
        ],
        "the events of two commands appear while the session is still open"
    );
    assert_eq!(kind(&got[0]), "session_started");
    assert!(
        !got.iter().any(|e| kind(e) == "session_ended"),
        "the session has not ended yet"
    );
    assert!(
        child.try_wait().expect("child status").is_none(),
        "still running"
    );

    // Finish the session: the end is written too.
    stdin.write_all(b"quit\n").expect("quit");
    drop(stdin);
    let out = child.wait_with_output().expect("faultline ends");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = read_events(&events);
    let kinds: Vec<&str> = got.iter().map(kind).collect();
    assert_eq!(
        kinds,
        vec![
            "session_started",
            "command",
            "command",
            "command",
            "session_ended"
        ]
    );
    assert_eq!(got[4]["grade"], "F");
}

#[test]
fn an_events_path_in_a_missing_folder_fails_before_play() {
    faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args([
            "play",
            "nat-route-missing",
            "--events",
            "/nonexistent/dir/e.jsonl",
        ])
        .write_stdin("quit\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--events /nonexistent/dir/e.jsonl: the folder /nonexistent/dir does not exist",
        ));
}
