//! Nothing lost: a session survives signals, bad bytes, closed pipes and its
//! own bugs; it can be resumed or reported from its journal.

use crate::support::repo_scenarios;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DESCRIBE: &str =
    "ecs describe-services --cluster prod --services checkout --query services[0].deployments";

/// `faultline play nat-route-missing --seed 7` reading a script from a pipe,
/// with its own state folder, report and debrief in `dir`.
fn spawn_play(dir: &Path, extra: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("faultline"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", "nat-route-missing", "--seed", "7", "--report"])
        .arg(dir.join("report.json"))
        .arg("--debrief")
        .arg(dir.join("debrief.md"))
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("faultline starts")
}

/// The one journal under `dir`'s state folder.
fn journal(dir: &Path) -> Option<PathBuf> {
    let d = dir.join("state/faultline/sessions");
    std::fs::read_dir(d)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
}

/// Waits (at most 20 s) until the journal holds `n` command events.
fn wait_for_commands(dir: &Path, n: usize) -> PathBuf {
    let start = Instant::now();
    loop {
        if let Some(j) = journal(dir) {
            let text = std::fs::read_to_string(&j).unwrap_or_default();
            if text.matches("\"event\":\"command\"").count() >= n {
                return j;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the journal never held {n} commands"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill -{name}");
}

fn report(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("report.json")).expect("the report was written");
    serde_json::from_str(&text).expect("the report is JSON")
}

#[test]
fn sigterm_sighup_and_sigint_end_the_session_with_its_report() {
    for (name, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = spawn_play(dir.path(), &[]);
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{DESCRIBE}").unwrap();
        writeln!(stdin, "diagnose network.no-nat-route").unwrap();
        stdin.flush().unwrap();
        wait_for_commands(dir.path(), 2);
        signal(&child, name);
        let out = child.wait_with_output().expect("faultline ends");
        drop(stdin);
        assert_eq!(out.status.code(), Some(code), "SIG{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("ended by SIG{name}")), "{stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("── scorecard"), "SIG{name}: {stdout}");
        let r = report(dir.path());
        let lines: Vec<&str> = r["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["line"].as_str().unwrap())
            .collect();
        assert_eq!(
            lines,
            [DESCRIBE, "diagnose network.no-nat-route"],
            "SIG{name}"
        );
        assert_eq!(r["diagnoses"][0]["cause_correct"], true);
        assert!(dir.path().join("debrief.md").exists());
    }
}

/// The output of each line after the opening screen, run uninterrupted.
fn play_script(dir: &Path, lines: &[&str]) -> String {
    let mut child = spawn_play(dir, &[]);
    let mut stdin = child.stdin.take().unwrap();
    for l in lines {
        writeln!(stdin, "{l}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_killed_session_resumes_with_the_same_world() {
    let before = [
        DESCRIBE,
        "ecs list-tasks --cluster prod --service-name checkout --desired-status STOPPED",
    ];
    let after = [
        "ecs list-tasks --cluster prod --service-name checkout --desired-status STOPPED",
        "wait 2m",
        DESCRIBE,
        "status",
        "quit",
    ];
    // Uninterrupted.
    let whole = tempfile::tempdir().unwrap();
    let all: Vec<&str> = before.iter().chain(after.iter()).copied().collect();
    let expected = play_script(whole.path(), &all);
    // Killed after `before`, then resumed with `after`.
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_play(dir.path(), &[]);
    let mut stdin = child.stdin.take().unwrap();
    for l in before {
        writeln!(stdin, "{l}").unwrap();
    }
    stdin.flush().unwrap();
    let j = wait_for_commands(dir.path(), before.len());
    signal(&child, "KILL");
    child.wait().unwrap();
    let mut resumed = Command::new(assert_cmd::cargo::cargo_bin("faultline"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .arg("--scenarios")
        .arg(repo_scenarios())
        .arg("play")
        .arg("--resume")
        .arg(&j)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = resumed.stdin.take().unwrap();
    for l in after {
        writeln!(stdin, "{l}").unwrap();
    }
    drop(stdin);
    let out = resumed.wait_with_output().unwrap();
    let got = String::from_utf8(out.stdout).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Resumed after 2 commands"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The answers to the commands after the break are the same, to the byte
    // (ids, times, events), and so is the scorecard.
    let tail = |s: &str| s[s.rfind("\"taskArns\"").expect("list-tasks output")..].to_string();
    assert_eq!(tail(&got), tail(&expected));
    // The journal goes on in the same file: `report` sees the whole session.
    let rep = crate::support::run([
        "--scenarios".as_ref(),
        repo_scenarios().as_os_str(),
        "report".as_ref(),
        j.as_os_str(),
    ]);
    assert_eq!(rep.code, Some(0), "{}", rep.stderr);
    assert!(
        rep.stdout
            .contains("4 AWS commands before your submission against a par"),
        "{}",
        rep.stdout
    );
}

#[test]
fn an_ended_session_cannot_be_resumed_but_can_be_reported() {
    let dir = tempfile::tempdir().unwrap();
    play_script(dir.path(), &["status", "quit"]);
    let j = journal(dir.path()).expect("a journal");
    let out = crate::support::run(["play".as_ref(), "--resume".as_ref(), j.as_os_str()]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("that session has ended"),
        "{}",
        out.stderr
    );
    let md = dir.path().join("again.md");
    let out = crate::support::run([
        "report".as_ref(),
        j.as_os_str(),
        "--debrief".as_ref(),
        md.as_os_str(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("── scorecard"));
    assert!(std::fs::read_to_string(md)
        .unwrap()
        .contains("nat-route-missing"));
}

#[test]
fn an_invalid_utf8_line_is_refused_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_play(dir.path(), &[]);
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"diagnose network.no-nat-route\n\xff\xfe\nstatus\nsubmit\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2 of the input is not valid UTF-8 text; it was ignored"),
        "errors go to stderr: {stderr}"
    );
    assert!(
        !stdout.contains("not valid UTF-8"),
        "only results on stdout"
    );
    assert!(
        stdout.contains("incident clock"),
        "status ran after it: {stdout}"
    );
    let r = report(dir.path());
    assert_eq!(r["commands"].as_array().unwrap().len(), 3);
    assert!(r["verdict"].is_object(), "submit ran after it");
}

#[test]
fn a_command_that_panics_is_recorded_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("faultline"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("FAULTLINE_TEST_PANIC_ON", "status")
        .args(["play", "nat-route-missing", "--seed", "3", "--report"])
        .arg(dir.path().join("report.json"))
        .arg("--events")
        .arg(&events)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"brief\nstatus\nhint\nquit\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("faultline failed on this command"),
        "{stderr}"
    );
    assert!(
        stdout.contains("Hint 1 of"),
        "the next command ran: {stdout}"
    );
    let r = report(dir.path());
    let status = &r["commands"][1];
    assert_eq!(status["line"], "status");
    assert_eq!(status["ok"], false);
    let ev = std::fs::read_to_string(events).unwrap();
    assert!(
        ev.contains("\"event\":\"internal_error\",\"virtual_time\""),
        "{ev}"
    );
}

/// Runs `script` in bash with `$F` the binary; returns (status, stderr).
fn bash(script: &str, dir: &Path) -> (Option<i32>, String) {
    let out = Command::new("bash")
        .args(["-c", &format!("set -o pipefail; {script}")])
        .env("F", assert_cmd::cargo::cargo_bin("faultline"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_and_keeps_the_report() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        "\"$F\" list | head -0",
        "\"$F\" show nat-route-missing | head -0",
        "\"$F\" causes | head -0",
    ] {
        let (code, err) = bash(cmd, dir.path());
        assert_eq!(code, Some(0), "{cmd}: {err}");
        assert!(!err.contains("panicked"), "{cmd}: {err}");
    }
    let r = dir.path().join("r.json");
    let (code, err) = bash(
        &format!(
            "printf 'status\\nstatus\\nquit\\n' | \"$F\" play nat-route-missing --seed 1 --report {} | head -1",
            r.display()
        ),
        dir.path(),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let rep: Value = serde_json::from_str(&std::fs::read_to_string(r).unwrap()).unwrap();
    assert_eq!(rep["commands"].as_array().unwrap().len(), 3);
}

#[test]
fn an_unwritable_report_path_fails_before_the_briefing() {
    for flag in ["--report", "--debrief", "--events"] {
        let out = crate::support::run([
            "play",
            "nat-route-missing",
            "--seed",
            "1",
            flag,
            "/proc/1/nope/r.json",
        ]);
        assert_eq!(out.code, Some(2), "{flag}");
        assert!(
            out.stdout.is_empty(),
            "{flag}: the briefing was printed: {}",
            out.stdout
        );
        assert!(out.stderr.contains(flag), "{flag}: {}", out.stderr);
    }
    // A folder that exists but cannot be written (a file under /proc).
    let out = crate::support::run([
        "play",
        "nat-route-missing",
        "--seed",
        "1",
        "--report",
        "/proc/version/r.json",
    ]);
    assert_eq!(out.code, Some(2));
    assert!(out.stdout.is_empty());
}
