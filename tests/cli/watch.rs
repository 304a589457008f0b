//! Interviews and the spectator: `play --interview` keeps the verdict on each
//! diagnosis for the end and reports an interviewer's rubric; `faultline
//! watch` follows a session through its `--events` file and through `play
//! --share` on loopback, sees every command and the verdict, can send a hint
//! into the session, and never changes what the session prints or reports.

use crate::support::{faultline, repo_scenarios, state_home, Session};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ID: &str = "nat-route-missing";
const SEED: &str = "7";

/// Placeholders of the scenario at the seed, resolved.
fn resolve(text: &str) -> String {
    let s = Session::new(ID, 7);
    s.game.inst.resolve(text).expect("resolves")
}

/// Two hypotheses (a wrong one, then the right one, each with a note), the
/// reference fix, a check of it, and the submission; `hint` in the middle.
fn script() -> Vec<String> {
    let rtb = resolve("${rtb:private-${var:zone}}");
    let fix = {
        let s = Session::new(ID, 7);
        s.game
            .inst
            .resolve(&s.game.scenario.spec.fix[0])
            .expect("fix")
    };
    vec![
        "ecs describe-services --cluster prod --services checkout --query 'services[0].events[:3].message'".to_string(),
        "hint".to_string(),
        "diagnose iam.execution-role-permissions checkout-task-execution --note \"first guess: IAM\"".to_string(),
        format!(
            "ecs describe-tasks --cluster prod --tasks {} --query 'tasks[0].stoppedReason' --output text",
            resolve("${stopped-task}")
        ),
        format!("ec2 describe-route-tables --route-table-ids {rtb}"),
        format!("diagnose network.no-nat-route {rtb} --note \"private-b lost its default route\""),
        format!("fix {fix}"),
        "wait 2m".to_string(),
        "ecs describe-services --cluster prod --services checkout --query 'services[0].runningCount'".to_string(),
        "submit".to_string(),
    ]
}

/// `faultline --scenarios <repo> play nat-route-missing --seed 7 <extra>`, not yet started.
fn play(extra: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("faultline"));
    c.env("XDG_STATE_HOME", state_home())
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", SEED])
        .args(extra);
    c
}

/// `faultline --scenarios <repo> watch <args>`, not yet started.
fn watch(args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("faultline"));
    c.env("XDG_STATE_HOME", state_home())
        .arg("--scenarios")
        .arg(repo_scenarios())
        .arg("watch")
        .args(args);
    c
}

/// What a child prints, gathered by a thread so it can be read while it runs.
#[derive(Clone, Default)]
struct Gathered(Arc<Mutex<String>>, Arc<std::sync::atomic::AtomicBool>);

impl Gathered {
    fn of(stream: impl Read + Send + 'static) -> Gathered {
        let g = Gathered::default();
        let (into, done) = (g.0.clone(), g.1.clone());
        std::thread::spawn(move || {
            let mut r = BufReader::new(stream);
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                into.lock().unwrap().push_str(&line);
                line.clear();
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        g
    }

    /// Everything, once the stream has ended (bounded wait).
    #[track_caller]
    fn all(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.1.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the stream did not end");
            std::thread::sleep(Duration::from_millis(10));
        }
        self.text()
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }

    /// Waits (bounded) until the text contains `part`.
    #[track_caller]
    fn wait_for(&self, part: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let t = self.text();
            if t.contains(part) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "gave up waiting for {part:?}; got:\n{t}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Waits (bounded) for a child to end.
#[track_caller]
fn wait_end(child: &mut Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(s) = child.try_wait().expect("status") {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A report with the wall times (which no two runs share) taken out.
fn report_without_wall_times(path: &Path) -> Value {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("a report")).expect("JSON");
    for c in v["commands"].as_array_mut().expect("commands") {
        c["wall_ms"] = Value::Null;
    }
    if !v["rubric"].is_null() {
        v["rubric"]["time"]["wall_ms"] = Value::Null;
    }
    v
}

/// What a run of the script printed and reported.
struct Run {
    stdout: String,
    stderr: String,
    report: Value,
}

/// Plays the script through a pipe, all at once.
fn run_script(extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let out = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", SEED, "--report"])
        .arg(&report)
        .args(extra)
        .write_stdin(script().join("\n") + "\n")
        .output()
        .expect("faultline runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
        report: report_without_wall_times(&report),
    }
}

/// A session sharing its events on loopback, its standard input open.
struct Shared {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Gathered,
    addr: String,
    token: String,
    report: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Shared {
    fn start(extra: &[&str]) -> Shared {
        let dir = tempfile::tempdir().expect("temp dir");
        let report = dir.path().join("report.json");
        let mut args = vec!["--share", "127.0.0.1:0", "--report"];
        let rp = report.to_string_lossy().to_string();
        args.push(&rp);
        args.extend_from_slice(extra);
        let mut child = play(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("faultline starts");
        let stdout = Gathered::of(child.stdout.take().expect("stdout"));
        let stderr = Gathered::of(child.stderr.take().expect("stderr"));
        let said = stderr.wait_for("Watch it with:");
        let line = said
            .lines()
            .find(|l| l.starts_with("Sharing this session on "))
            .expect("the address is printed");
        let words: Vec<&str> = line.split_whitespace().collect();
        let addr = words[4].to_string();
        let token = words[7].to_string();
        assert!(addr.starts_with("127.0.0.1:"), "{line}");
        assert_eq!(token.len(), 32, "{line}");
        Shared {
            stdin: child.stdin.take(),
            child,
            stdout,
            addr,
            token,
            report,
            _dir: dir,
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("a line to the session");
        stdin.flush().expect("flush");
    }

    fn watcher(&self) -> (Child, Gathered) {
        let mut w = watch(&[&self.addr, "--token", &self.token])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the watcher starts");
        let out = Gathered::of(w.stdout.take().expect("stdout"));
        (w, out)
    }

    /// Closes standard input and waits for the end.
    fn end(mut self) -> Run {
        drop(self.stdin.take());
        let status = wait_end(&mut self.child, "the shared session");
        assert!(status.success());
        let stdout = self.stdout.all();
        Run {
            stdout,
            stderr: String::new(),
            report: report_without_wall_times(&self.report),
        }
    }
}

fn before_scorecard(stdout: &str) -> &str {
    stdout.split("── scorecard").next().unwrap_or("")
}

#[test]
fn an_interview_keeps_the_verdicts_for_the_end_and_reports_a_rubric() {
    let dir = tempfile::tempdir().expect("temp dir");
    let debrief = dir.path().join("debrief.md");
    let events = dir.path().join("events.jsonl");
    let d = debrief.to_string_lossy().to_string();
    let e = events.to_string_lossy().to_string();
    let run = run_script(&["--interview", "--debrief", &d, "--events", &e]);

    // No right or wrong before the end, and no hints but the interviewer's.
    let play = before_scorecard(&run.stdout);
    assert!(play.contains("Diagnosis 1 recorded.\n"), "{play}");
    assert!(play.contains("Diagnosis 2 recorded.\n"), "{play}");
    for giveaway in ["the cause is right", "not the cause", "culprit", "Hint 1"] {
        assert!(!play.contains(giveaway), "{giveaway:?} in:\n{play}");
    }
    assert!(
        run.stderr.contains("the interviewer gives the hints"),
        "{}",
        run.stderr
    );
    // `help` says how an interview goes.
    faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", SEED, "--interview"])
        .write_stdin("help\nquit\n")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "This is an interview: `diagnose` records your diagnosis and the verdict comes at the end",
        ));
    // The same script solo gives the feedback.
    let solo = run_script(&[]);
    assert!(solo.stdout.contains("the cause is right"));
    assert!(solo.stdout.contains("Hint 1 of 3"));
    assert_eq!(solo.report["interview"], false);
    assert!(solo.report["rubric"].is_null());

    // The report and the events say it was an interview.
    let r = &run.report;
    assert_eq!(r["interview"], true);
    let first = std::fs::read_to_string(&events).expect("events");
    let started: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(started["event"], "session_started");
    assert_eq!(started["interview"], true);
    assert_eq!(
        r["hints"].as_array().unwrap().len(),
        0,
        "`hint` was refused"
    );

    // The rubric: the commands grouped by the hypothesis they led to, with the notes.
    let lines = script();
    let rubric = &r["rubric"];
    let steps = rubric["narrowing"].as_array().expect("narrowing");
    assert_eq!(steps.len(), 3, "{rubric:#}");
    assert_eq!(steps[0]["commands"], serde_json::json!([lines[0]]));
    assert_eq!(
        steps[0]["diagnosis"]["cause"],
        "iam.execution-role-permissions"
    );
    assert_eq!(steps[0]["diagnosis"]["note"], "first guess: IAM");
    assert_eq!(steps[0]["diagnosis"]["cause_correct"], false);
    assert_eq!(
        steps[1]["commands"],
        serde_json::json!([lines[3], lines[4]])
    );
    assert_eq!(steps[1]["diagnosis"]["cause"], "network.no-nat-route");
    assert_eq!(
        steps[1]["diagnosis"]["note"],
        "private-b lost its default route"
    );
    assert_eq!(steps[1]["diagnosis"]["cause_correct"], true);
    assert_eq!(steps[2]["diagnosis"], Value::Null);
    assert_eq!(
        steps[2]["commands"],
        serde_json::json!([lines[7], lines[8]])
    );
    // Fix quality and blast radius, verification, time.
    let rtb = resolve("${rtb:private-${var:zone}}");
    let touched: Vec<&str> = rubric["blast_radius"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(touched.contains(&rtb.as_str()), "{touched:?}");
    assert_eq!(rubric["fixes"].as_array().unwrap().len(), 1);
    assert_eq!(rubric["verified"], true);
    assert_eq!(
        rubric["verification"],
        serde_json::json!([lines[7], lines[8]])
    );
    assert!(rubric["time"]["first_right_diagnosis_ms"].as_i64().unwrap() > 0);
    // Both evidence items were seen before the right diagnosis; the route
    // table's only after the wrong one (the service events may show the timeout).
    assert_eq!(rubric["evidence_before_diagnosis"], 2);
    assert!(steps[0]["diagnosis"]["evidence_seen"].as_u64().unwrap() < 2);
    assert_eq!(steps[1]["diagnosis"]["evidence_seen"], 2);
    assert_eq!(rubric["time"]["elapsed_ms"], r["elapsed_ms"]);

    // The scorecard and the debrief carry it.
    assert!(
        run.stdout.contains("── interviewer's rubric"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("verification: checked the fix before submitting"));
    let md = std::fs::read_to_string(&debrief).expect("debrief");
    for part in [
        "## Interviewer's rubric",
        "### How the investigation narrowed",
        "Note: private-b lost its default route",
        "### Evidence before diagnosis",
        "### Fix quality and blast radius",
        "### Verification",
        "### Time",
    ] {
        assert!(md.contains(part), "{part:?} not in the debrief:\n{md}");
    }
}

#[test]
fn a_submission_without_a_check_is_marked_unverified() {
    let mut lines = script();
    lines.retain(|l| l != "wait 2m" && !l.contains("runningCount"));
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", SEED, "--interview", "--report"])
        .arg(&report)
        .write_stdin(lines.join("\n") + "\n")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "verification: submitted without checking the fix",
        ));
    let r = report_without_wall_times(&report);
    assert_eq!(r["rubric"]["verified"], false);
}

#[test]
fn watch_follows_an_events_file_that_does_not_exist_yet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = dir.path().join("later.jsonl");
    let mut w = watch(&["--events", &events.to_string_lossy()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the watcher starts");
    let out = Gathered::of(w.stdout.take().expect("stdout"));
    let err = Gathered::of(w.stderr.take().expect("stderr"));
    err.wait_for("waiting for");
    let lines = script();
    let played = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", SEED, "--events"])
        .arg(&events)
        .write_stdin(lines.join("\n") + "\n")
        .output()
        .expect("faultline runs");
    assert!(played.status.success());
    let status = wait_end(&mut w, "the watcher");
    assert!(status.success(), "{}", err.text());
    assert_watched(&out.all(), &lines);
}

/// What every watcher of the script must have seen.
#[track_caller]
fn assert_watched(seen: &str, lines: &[String]) {
    // The watcher's own view: the answer and the reference path.
    assert!(
        seen.contains("answer (watcher only): network.no-nat-route"),
        "{seen}"
    );
    assert!(seen.contains("reference path:"), "{seen}");
    // Every command as typed, with the digest of its answer.
    for l in lines {
        assert!(seen.contains(&format!(" {l}\n")), "{l:?} not seen:\n{seen}");
    }
    assert!(seen.contains("    │ Diagnosis 1 recorded"), "{seen}");
    // Diagnoses with their correctness, the fix, the evidence ticking, the verdict.
    assert!(
        seen.contains(
            "→ diagnosis iam.execution-role-permissions checkout-task-execution — cause WRONG"
        ),
        "{seen}"
    );
    assert!(seen.contains("→ diagnosis network.no-nat-route"), "{seen}");
    assert!(seen.contains("cause RIGHT, culprit named"), "{seen}");
    assert!(
        seen.contains("→ fix applied: ec2 create-route — a step of the reference fix"),
        "{seen}"
    );
    assert!(seen.contains("✓ evidence seen: "), "{seen}");
    assert!(seen.contains("  [x] "), "{seen}");
    assert!(seen.contains("→ waited 2m"), "{seen}");
    assert!(seen.contains("verdict: HEALED"), "{seen}");
    assert!(seen.contains("== session ended at +"), "{seen}");
}

#[test]
fn watch_follows_a_shared_session_which_runs_the_same_with_or_without_it() {
    let lines = script();
    let alone = run_script(&["--interview"]);

    // A watcher from the start to the end.
    let mut s = Shared::start(&["--interview"]);
    let (mut w, seen) = s.watcher();
    seen.wait_for("reference path:");
    for l in &lines {
        s.send(l);
    }
    let watched = s.end();
    assert!(wait_end(&mut w, "the watcher").success());
    assert_watched(&seen.all(), &lines);
    assert_eq!(watched.stdout, alone.stdout);
    assert_eq!(watched.report, alone.report);

    // A watcher that is killed mid-session, one that connects late (and gets
    // everything from the start), and one that never reads.
    let mut s = Shared::start(&["--interview"]);
    let (mut dropped, dropped_seen) = s.watcher();
    let mut stuck = std::net::TcpStream::connect(&s.addr).expect("connects");
    stuck
        .write_all(format!("{{\"token\":\"{}\"}}\n", s.token).as_bytes())
        .expect("hello");
    for l in &lines[..3] {
        s.send(l);
    }
    dropped_seen.wait_for("Diagnosis 1 recorded");
    dropped.kill().expect("kill the watcher");
    let _ = dropped.wait();
    let (mut late, late_seen) = s.watcher();
    // It is sent everything so far on connecting.
    late_seen.wait_for("Diagnosis 1 recorded");
    for l in &lines[3..] {
        s.send(l);
    }
    let watched = s.end();
    assert!(wait_end(&mut late, "the late watcher").success());
    assert_watched(&late_seen.all(), &lines);
    assert_eq!(watched.stdout, alone.stdout);
    assert_eq!(watched.report, alone.report);
    drop(stuck);
}

#[test]
fn a_hint_sent_by_the_watcher_reaches_the_session() {
    let lines = script();
    let mut s = Shared::start(&["--interview"]);
    let (mut w, seen) = s.watcher();
    s.send(&lines[0]);
    seen.wait_for(&lines[0]);
    let to = w.stdin.as_mut().expect("the watcher's stdin");
    to.write_all(b"hint compare the private route tables\nnote take your time\n")
        .expect("typed into the watcher");
    to.flush().expect("flush");
    // The session applied both when the watcher sees them come back.
    seen.wait_for(">> note from the interviewer: take your time");
    for l in &lines[1..] {
        s.send(l);
    }
    let run = s.end();
    assert!(wait_end(&mut w, "the watcher").success());
    let play = before_scorecard(&run.stdout);
    // The scenario's first hint costs 5; the interviewer's stands in for it.
    assert!(
        play.contains(
            "Hint from the interviewer (costs 5 points): compare the private route tables\nNote from the interviewer: take your time\n"
        ),
        "{play}"
    );
    let hints = run.report["hints"].as_array().expect("hints");
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(
        hints[0]["text"],
        "from the interviewer: compare the private route tables"
    );
    let parts = run.report["score"]["parts"].as_array().unwrap();
    assert!(parts
        .iter()
        .any(|p| p["name"] == "hint" && p["points"] == -5));
    let from = run.report["rubric"]["interviewer"].as_array().unwrap();
    assert_eq!(from.len(), 2);
    assert_eq!(from[1]["kind"], "note");

    // The journal keeps them: the session's scorecard is the same when replayed.
    let journal = std::fs::read_dir(state_home().join("faultline/sessions"))
        .expect("journals")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .contains("compare the private route tables")
        })
        .expect("the session's journal");
    let replayed = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .arg("report")
        .arg(&journal)
        .output()
        .expect("report runs");
    let replayed = String::from_utf8(replayed.stdout).unwrap();
    let card = |t: &str| t[t.find("── scorecard").expect("a scorecard")..].to_string();
    assert_eq!(card(&replayed), card(&run.stdout));
}

#[test]
fn a_wrong_token_is_refused_with_a_clear_message() {
    let mut s = Shared::start(&[]);
    let out = watch(&[&s.addr, "--token", "not-the-token"])
        .output()
        .expect("watch runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the session refused this watcher: wrong token"),
        "{err}"
    );
    // The session goes on untouched.
    s.send("status");
    s.send("quit");
    let run = s.end();
    assert!(run.stdout.contains("commands 1 (par"), "{}", run.stdout);
}

#[test]
fn on_a_terminal_a_watchers_hint_shows_at_once_and_is_recorded_with_the_next_line() {
    let state = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("faultline"));
    cmd.args([
        "play",
        ID,
        "--seed",
        SEED,
        "--color",
        "never",
        "--interview",
        "--share",
        "--report",
    ])
    .arg(&report)
    .env("XDG_STATE_HOME", state.path())
    .env("TERM", "xterm")
    .current_dir(env!("CARGO_MANIFEST_DIR"));
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("a pty");
    let (_, line) = p
        .exp_regex(r"Watch it with: faultline watch \S+ --token [0-9a-f]+")
        .expect("the address and token");
    let words: Vec<&str> = line.split_whitespace().collect();
    let (addr, token) = (words[5].to_string(), words[7].to_string());
    p.exp_string("faultline> ").expect("the prompt");

    let mut w = watch(&[&addr, "--token", &token])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the watcher starts");
    let seen = Gathered::of(w.stdout.take().expect("stdout"));
    seen.wait_for("reference path:");
    let to = w.stdin.as_mut().expect("stdin");
    to.write_all(b"hint read the stopped reason\n")
        .expect("typed");
    to.flush().expect("flush");
    // Shown over the prompt while the player has not typed anything.
    p.exp_string("[the interviewer's hint: read the stopped reason]")
        .expect("the hint shows at once");
    p.send_line("status").unwrap();
    p.exp_string("Hint from the interviewer (costs 5 points): read the stopped reason")
        .expect("recorded with the next line");
    p.exp_string("commands 1 (par")
        .expect("status ran after it");
    seen.wait_for(">> hint from the interviewer (costs 5 points): read the stopped reason");
    p.send_line("quit").unwrap();
    p.exp_eof().expect("the session ends");
    assert!(wait_end(&mut w, "the watcher").success());
    let r = report_without_wall_times(&report);
    assert_eq!(r["hints"][0]["cost"], 5);
}

#[test]
fn a_resumed_interview_is_still_an_interview() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = dir.path().join("events.jsonl");
    let lines = script();
    faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", SEED, "--interview", "--events"])
        .arg(&events)
        .write_stdin(lines[..3].join("\n") + "\n")
        .assert()
        .success();
    // The session as a killed one leaves it: without its end.
    let text = std::fs::read_to_string(&events).expect("events");
    let journal = dir.path().join("journal.jsonl");
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("\"session_ended\""))
        .collect();
    std::fs::write(&journal, kept.join("\n") + "\n").expect("journal");
    let out = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", "--resume"])
        .arg(&journal)
        .write_stdin(lines[3..6].join("\n") + "\n")
        .output()
        .expect("faultline runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let play = before_scorecard(&stdout);
    assert!(play.contains("Diagnosis 2 recorded.\n"), "{play}");
    assert!(!play.contains("the cause is right"), "{play}");
    assert!(stdout.contains("── interviewer's rubric"), "{stdout}");
    // --interview cannot turn a solo journal into an interview.
    let solo = dir.path().join("solo.jsonl");
    std::fs::write(
        &solo,
        kept.join("\n")
            .replace("\"interview\":true", "\"interview\":false")
            + "\n",
    )
    .expect("solo journal");
    faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", "--interview", "--resume"])
        .arg(&solo)
        .write_stdin("quit\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not an interview"));
}
