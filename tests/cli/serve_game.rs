//! A game day over the wire: a scripted team investigates and fixes with the
//! real AWS CLI against `faultline serve`, diagnoses and submits through
//! `faultline play --connect`, and is graded as the REPL grades the same
//! play; another team's world does not move; errors read as the REPL prints
//! them; unknown keys and wrong secrets get AWS's refusals.

use crate::serve_wire::{aws_cli, boto3, python, serve, serve_with, Job};
use crate::support::{faultline, repo_scenarios, Session};
use faultline::game::aws::{apply_fix, run_read, FixOutcome};
use faultline::scenario::Scenario;

const ID: &str = "nat-route-missing";
const SEED: u64 = 3;

fn scenario() -> Scenario {
    Scenario::load(&repo_scenarios().join(format!("{ID}.yaml"))).unwrap()
}

fn job(url: &str, key: &str, line: &str) -> Job {
    (
        url.to_string(),
        "us-east-1".into(),
        key.to_string(),
        line.to_string(),
    )
}

#[test]
fn a_team_plays_a_whole_game_over_the_wire_graded_as_in_the_repl_and_the_other_team_sees_nothing() {
    let Some(python) = python() else { return };
    let s = scenario();
    let inst = s.incident(SEED).unwrap();
    let r = |t: &str| inst.resolve(t).expect("resolves");
    let rtb = r("${rtb:private-${var:zone}}");
    let look = [
        r("ecs describe-tasks --cluster prod --tasks ${stopped-task}"),
        r("ec2 describe-route-tables --route-table-ids ${rtb:private-${var:zone}}"),
    ];
    let fixes: Vec<String> = s.spec.fix.iter().map(|f| r(f)).collect();
    let (running, served, _dir) = serve(&s, SEED, &["red", "blue"]);
    let url = format!("http://{}", running.addr);

    // Red investigates and fixes with the AWS CLI.
    let mut jobs: Vec<Job> = look.iter().map(|l| job(&url, "red", l)).collect();
    jobs.extend(fixes.iter().map(|f| job(&url, "red", f)));
    // Then both teams look at the route table the fix changed.
    jobs.push(job(&url, "red", &look[1]));
    jobs.push(job(&url, "blue", &look[1]));
    let runs = aws_cli(&python, &jobs);
    for (j, run) in jobs.iter().zip(&runs) {
        assert_eq!(run.rc, 0, "`{}`: {}", j.3, run.stderr);
    }
    let before = run_read(&inst.sim, &look[1]).unwrap().text;
    let (red_after, blue_after) = (&runs[runs.len() - 2].stdout, &runs[runs.len() - 1].stdout);
    assert_eq!(
        blue_after.trim_end(),
        before.trim_end(),
        "blue's world moved"
    );
    assert_ne!(
        red_after.trim_end(),
        before.trim_end(),
        "red's fix did not change red's world"
    );
    assert!(
        red_after.contains("\"DestinationCidrBlock\": \"0.0.0.0/0\""),
        "{red_after}"
    );

    // Red diagnoses and submits through the thin client.
    let out = faultline()
        .args(["play", "--connect", &url, "--team", "red"])
        .write_stdin(format!(
            "status\ndiagnose network.no-nat-route {rtb}\nsubmit\n"
        ))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&s.spec.title), "the opening screen: {text}");
    assert!(text.contains("the cause is right"), "{text}");
    assert!(text.contains("Verified: the fix holds."), "{text}");

    // The same play in the REPL.
    let mut repl = Session::new(ID, SEED);
    for l in &look {
        repl.execute(l);
    }
    for f in &fixes {
        repl.execute(&format!("fix {f}"));
    }
    repl.execute(&format!("diagnose network.no-nat-route {rtb}"));
    let verdict = repl.execute("submit");
    assert!(
        verdict.text.contains("Verified: the fix holds."),
        "{}",
        verdict.text
    );
    running.stop();

    // Red's journal holds the wire's commands and fixes, and reports as the REPL does.
    let journal = served.journal_dir.join("red.jsonl");
    let report_path = served.journal_dir.join("red-report.json");
    let out = faultline()
        .args([
            "report",
            journal.to_str().unwrap(),
            "--report",
            report_path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wire: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let local = serde_json::to_value(repl.report()).unwrap();
    for field in ["diagnoses", "lints", "fix_errors"] {
        let strip = |v: &serde_json::Value| {
            let mut v = v.clone();
            if let Some(a) = v.as_array_mut() {
                for d in a {
                    if let Some(m) = d.as_object_mut() {
                        m.remove("at");
                    }
                }
            }
            v
        };
        assert_eq!(strip(&wire[field]), strip(&local[field]), "{field}");
    }
    let lines = |v: &serde_json::Value| -> Vec<String> {
        v["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["line"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        lines(&wire),
        fixes,
        "the wire's fixes are journaled as CLI lines"
    );
    assert_eq!(lines(&wire), lines(&local));
    assert_eq!(wire["verdict"]["healed"], true);
    assert_eq!(wire["verdict"]["healed"], local["verdict"]["healed"]);
    assert_eq!(wire["team"], "red");
    let commands: Vec<&str> = wire["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["line"].as_str())
        .collect();
    assert!(commands.contains(&look[0].as_str()), "{commands:?}");
    // Blue played nothing but one read.
    let blue = std::fs::read_to_string(served.journal_dir.join("blue.jsonl")).unwrap();
    assert!(!blue.contains("fix_applied"), "{blue}");
}

#[test]
fn errors_over_the_wire_read_as_the_repl_prints_them() {
    let Some(python) = python() else { return };
    let s = scenario();
    let inst = s.incident(SEED).unwrap();
    let r = |t: &str| inst.resolve(t).expect("resolves");
    let reads = [
        // Not found, in each protocol family.
        "ecs describe-services --cluster nope --services checkout".to_string(),
        "iam get-role --role-name nope".into(),
        "ec2 describe-route-tables --route-table-ids rtb-0123456789abcdef0".into(),
        "logs describe-log-streams --log-group-name /nope".into(),
        // Invalid parameters.
        "ec2 describe-subnets --subnet-ids bad-id".into(),
        "ecs describe-tasks --cluster prod --tasks".into(),
        "elbv2 describe-target-health --target-group-arn arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/0".into(),
    ];
    let refused_fix = r(
        "ec2 create-route --route-table-id ${rtb:private-${var:zone}} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0123456789abcdef0",
    );
    let (running, served, _dir) = serve(&s, SEED, &["red"]);
    let url = format!("http://{}", running.addr);
    let mut jobs: Vec<Job> = reads.iter().map(|l| job(&url, "red", l)).collect();
    jobs.push(job(&url, "red", &refused_fix));
    let runs = aws_cli(&python, &jobs);
    let mut compared = 0;
    for (line, run) in reads.iter().zip(&runs) {
        let Err(want) = run_read(&inst.sim, line) else {
            panic!("`{line}` is not an error in the REPL");
        };
        if want.starts_with("aws: error") || want.starts_with("usage:") {
            // A line the CLI refuses itself never reaches the server.
            continue;
        }
        assert_ne!(run.rc, 0, "`{line}`: {}", run.stdout);
        assert_eq!(run.stderr.trim(), want.trim(), "`{line}`");
        compared += 1;
    }
    assert!(compared >= 6, "only {compared} errors compared");
    let mut sim = inst.sim.clone();
    let FixOutcome::Refused { error, .. } = apply_fix(&mut sim, &refused_fix) else {
        panic!("the REPL applied {refused_fix}");
    };
    let run = runs.last().unwrap();
    assert_ne!(run.rc, 0);
    assert_eq!(run.stderr.trim(), error.trim());
    // boto3 raises the client's modeled exception for a modeled error.
    let got = boto3(
        &python,
        &[
            serde_json::json!({"url": url, "region": served.region, "key": "red", "service": "ecs",
            "api": "DescribeServices", "params": {"cluster": "nope", "services": ["checkout"]}}),
        ],
    );
    assert_eq!(got[0]["code"], "ClusterNotFoundException", "{}", got[0]);
    assert_eq!(got[0]["modeled"], true, "{}", got[0]);
    running.stop();
}

#[test]
fn an_unknown_key_or_a_wrong_secret_gets_awss_refusal() {
    let Some(python) = python() else { return };
    let s = scenario();
    let (running, _served, _dir) = serve(&s, SEED, &["red"]);
    let url = format!("http://{}", running.addr);
    let jobs = [
        job(&url, "green", "ecs list-clusters"),
        job(&url, "green", "iam get-role --role-name x"),
        job(&url, "green", "ec2 describe-vpcs"),
    ];
    let runs = aws_cli(&python, &jobs);
    let lines: Vec<&str> = runs.iter().map(|r| r.stderr.trim()).collect();
    assert_eq!(
        lines,
        [
            "An error occurred (UnrecognizedClientException) when calling the ListClusters operation: The security token included in the request is invalid.",
            "An error occurred (InvalidClientTokenId) when calling the GetRole operation: The security token included in the request is invalid.",
            "An error occurred (AuthFailure) when calling the DescribeVpcs operation: AWS was not able to validate the provided access credentials",
        ]
    );
    running.stop();

    // Beyond loopback every team has a token: its secret access key.
    let (running, served, _dir) = serve_with(&s, SEED, &["red"], 0.0, true);
    let token = served.teams[0].token.clone().expect("a token");
    let url = format!("http://{}", running.addr);
    let signed = |secret: &str, line: &str| {
        let mut c = std::process::Command::new(&python);
        c.arg(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/awscli_run.py"),
        )
        .env("FAULTLINE_SECRET", secret)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        use std::io::Write as _;
        let j = serde_json::json!({"url": url, "region": "us-east-1", "key": "red", "line": line});
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{j}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let ok = signed(&token, "ecs list-clusters");
    assert_eq!(ok["rc"], 0, "{ok}");
    let ok = signed(&token, "ec2 describe-vpcs");
    assert_eq!(ok["rc"], 0, "{ok}");
    let wrong = signed("not-the-token", "ecs list-clusters");
    assert_eq!(
        wrong["stderr"].as_str().unwrap().trim(),
        "An error occurred (InvalidSignatureException) when calling the ListClusters operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    );
    let wrong = signed("not-the-token", "iam get-role --role-name x");
    assert!(
        wrong["stderr"]
            .as_str()
            .unwrap()
            .contains("(SignatureDoesNotMatch)"),
        "{wrong}"
    );
    // The thin client needs the token too.
    let out = faultline()
        .args(["play", "--connect", &url, "--team", "red"])
        .write_stdin("status\n")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("team red needs its token"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = faultline()
        .args([
            "play",
            "--connect",
            &url,
            "--team",
            "red",
            "--token",
            &token,
        ])
        .write_stdin("status\n")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("incident clock"));
    running.stop();
}

/// One raw HTTP/1.1 request: (status, body).
fn raw(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn bad_requests_get_clear_answers_and_the_server_goes_on() {
    let s = scenario();
    let (running, _served, _dir) = serve(&s, SEED, &["red"]);
    let a = running.addr;
    let auth = "AWS4-HMAC-SHA256 Credential=red/20261202/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0";
    let ecs = |op: &str| format!("AmazonEC2ContainerServiceV20141113.{op}");
    let target = ecs("ListClusters");
    let json = [
        ("X-Amz-Target", target.as_str()),
        ("Content-Type", "application/x-amz-json-1.1"),
        ("Authorization", auth),
    ];
    let (st, body) = raw(a, "POST", "/", &json, b"{not json");
    assert_eq!(st, 400);
    assert!(
        body.contains("\"__type\":\"SerializationException\""),
        "{body}"
    );
    let (st, body) = raw(a, "POST", "/", &json[..2], b"{}");
    assert_eq!(
        (st, body.contains("MissingAuthenticationTokenException")),
        (403, true),
        "{body}"
    );
    let run_task = ecs("RunTask");
    let (st, body) = raw(
        a,
        "POST",
        "/",
        &[("X-Amz-Target", run_task.as_str()), json[1], json[2]],
        b"{}",
    );
    assert_eq!(st, 400);
    assert!(
        body.contains("UnknownOperationException") && body.contains("RunTask"),
        "{body}"
    );
    let (st, body) = raw(
        a,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            json[2],
        ],
        b"Action=Nope&Version=2010-05-08",
    );
    assert_eq!(st, 400);
    assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");
    let big = vec![b'a'; faultline::serve::http::MAX_BODY + 1];
    let (st, _) = raw(a, "POST", "/", &json, &big);
    assert_eq!(st, 413);
    let (st, body) = raw(a, "POST", "/_faultline/teams/green/line", &[], b"status");
    assert_eq!(st, 404);
    assert!(body.contains("no team green; the teams: red"), "{body}");
    let (st, body) = raw(
        a,
        "POST",
        "/_faultline/teams/red/line",
        &[],
        b"ecs list-clusters | sh -c id",
    );
    assert_eq!(st, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], true, "{body}");
    assert!(v["text"].as_str().unwrap().contains("shell pipe"), "{body}");
    let (st, _) = raw(a, "POST", "/_faultline/teams/red/line", &[], &[0xff, 0xfe]);
    assert_eq!(st, 400);
    let (st, _) = raw(a, "GET", "/?token=wrong", &[], b"");
    assert_eq!(st, 401);
    // Still serving.
    let (st, body) = raw(a, "POST", "/", &json, b"{}");
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("clusterArns"), "{body}");
    running.stop();
}

#[test]
fn each_worlds_clock_follows_wall_time_times_the_speed() {
    let s = scenario();
    let (running, _served, _dir) = serve_with(&s, SEED, &["red"], 600.0, false);
    let status = || {
        let (st, body) = raw(
            running.addr,
            "POST",
            "/_faultline/teams/red/line",
            &[],
            b"status",
        );
        assert_eq!(st, 200);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["text"].as_str().unwrap().to_string()
    };
    let first = status();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let second = status();
    // 1.5 s of wall time at ×600 is 15 virtual minutes.
    let ago = |t: &str| -> String {
        t.split("you arrived ")
            .nth(1)
            .and_then(|r| r.split(" ago").next())
            .unwrap()
            .to_string()
    };
    let minutes = |t: &str| -> u64 {
        let a = ago(t);
        a.split('m')
            .next()
            .and_then(|m| m.trim().parse().ok())
            .unwrap_or(0)
    };
    assert!(
        minutes(&second) >= 14 && minutes(&second) > minutes(&first),
        "{first}\n{second}"
    );
    running.stop();
}
