//! A live run played through the game against moto: diagnostics read the
//! account, diagnoses are judged on the stack's real ids, fixes pass the
//! guard and the journal, `live undo` takes them back, and a symptom that
//! never shows (moto runs no tasks) ends the wait with what to do.

use super::cli::{self, StartOptions};
use super::fingerprint::fingerprint;
use super::fixture::{cfn_stack, sandbox, STACK};
use super::journal::{self, Entry};
use super::moto::{is_read, Moto};
use super::session;
use crate::cli::CliError;
use crate::game::{Game, Player};
use crate::scenario::{Library, Mode, Scenario};
use std::path::Path;

const ACCOUNT: &str = "123456789012";

fn scenario(id: &str) -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
        .unwrap()
}

fn run(g: &mut Game, p: &mut Player, line: &str) -> crate::game::Reply {
    g.execute(p, line, None)
}

#[test]
fn a_live_run_is_played_fixed_through_the_guard_and_undone() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    cfn_stack(&live, &stack);
    let before = fingerprint(&live, &stack).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let allowed = vec![ACCOUNT.to_string()];
    let s = scenario("nat-route-missing");
    let seed = 1;
    let started = cli::start(
        &live,
        &s,
        &StartOptions {
            allowed: &allowed,
            stack: STACK,
            seed,
            expires: None,
            journal_dir: dir.path(),
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        started.text.contains("faultline live play --run "),
        "{}",
        started.text
    );

    // moto runs no task: play without waiting for the symptom.
    let lib = Library::BuiltIn;
    let (journal_path, info) = session::open_run(dir.path(), None).unwrap();
    assert_eq!(journal_path, started.journal);
    let mut g = session::enter(
        &lib,
        moto.account(),
        journal_path.clone(),
        info,
        allowed.clone(),
        None,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut p = g.join(Some("ada".into()));
    assert!(g
        .opening()
        .contains(&format!("Account {ACCOUNT} in us-east-1")));

    let vars = s.instantiate(seed, Mode::Incident).unwrap().vars;
    let zone = &vars["zone"];
    let rtb = stack
        .bind(&format!("rtb:private-{zone}"))
        .expect("the stack has the zone's route table");
    let nat = stack.bind("nat:nat-a").unwrap();
    let reads_from = moto.actions().len();
    let r = run(
        &mut g,
        &mut p,
        &format!("ec2 describe-route-tables --route-table-ids {rtb}"),
    );
    assert!(!r.error && r.text.contains(&rtb), "{}", r.text);
    let r = run(&mut g, &mut p, "ecs describe-services --cluster prod --services checkout --query 'services[0].serviceName' --output text");
    assert_eq!(r.text, "checkout", "{}", r.text);
    assert!(
        moto.actions()[reads_from..].iter().all(|a| is_read(a)),
        "diagnostics only read"
    );

    let r = run(
        &mut g,
        &mut p,
        &format!("diagnose network.no-nat-route {rtb}"),
    );
    assert!(
        r.text.contains("the cause is right") && r.text.contains("the culprit is among"),
        "{}",
        r.text
    );

    // A fix outside the sandbox is refused by the guard and never sent.
    let mutations = moto.actions().iter().filter(|a| !is_read(a)).count();
    let r = run(
        &mut g,
        &mut p,
        "fix ec2 create-route --route-table-id rtb-0123456789abcdef0 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0123456789abcdef0",
    );
    assert!(r.error, "{}", r.text);
    assert_eq!(
        moto.actions().iter().filter(|a| !is_read(a)).count(),
        mutations,
        "a refused fix sent a mutation"
    );
    let r = run(&mut g, &mut p, "fix ec2 describe-vpcs");
    assert!(r.error && r.text.contains("read-only"), "{}", r.text);

    let r = run(
        &mut g,
        &mut p,
        &format!("fix ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat}"),
    );
    assert!(!r.error, "{}", r.text);
    assert!(r.text.contains("\"Return\": true"), "{}", r.text);
    let entries = journal::read(&journal_path).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| matches!(e, Entry::Step { note, .. } if note.contains("create-route"))),
        "the player's fix is journaled: {entries:?}"
    );
    let r = run(
        &mut g,
        &mut p,
        &format!("ec2 describe-route-tables --route-table-ids {rtb}"),
    );
    assert!(r.text.contains(&nat), "{}", r.text);

    let report = g.finish(&p);
    let part = |n: &str| {
        report
            .score
            .parts
            .iter()
            .find(|x| x.name == n)
            .unwrap()
            .points
    };
    // The route table was seen on the real account; the stopped task's
    // reason cannot be (moto runs no task): half of the rest of the points.
    assert_eq!(part("cause"), 23);
    let cause = report
        .score
        .parts
        .iter()
        .find(|x| x.name == "cause")
        .unwrap();
    assert!(
        cause
            .why
            .contains("1 of 2 pieces of its evidence seen first"),
        "{}",
        cause.why
    );
    assert_eq!(
        part("culprit"),
        15,
        "the stack's route table id is the culprit"
    );
    assert_eq!(report.fixes.len(), 1, "{:?}", report.fixes);
    assert!(report.lints.is_empty(), "{:?}", report.lints);

    // Undo takes back the fault and the player's fix, newest first.
    let out =
        cli::undo(&moto.account(), &allowed, dir.path(), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fingerprint(&live, &stack).unwrap(), before, "{out}");
    let e = session::open_run(dir.path(), Some(&started.info.run)).unwrap_err();
    assert!(e.to_string().contains("has been undone"), "{e}");
}

#[test]
fn a_symptom_that_never_shows_ends_the_wait_and_leaves_the_fault_journaled() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    cfn_stack(&live, &stack);
    let dir = tempfile::tempdir().unwrap();
    let allowed = vec![ACCOUNT.to_string()];
    let started = cli::start(
        &live,
        &scenario("log-group-missing"),
        &StartOptions {
            allowed: &allowed,
            stack: STACK,
            seed: 0,
            expires: None,
            journal_dir: dir.path(),
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut lines = Vec::new();
    let e = session::enter(
        &Library::BuiltIn,
        moto.account(),
        started.journal.clone(),
        started.info.clone(),
        allowed,
        Some(2_000),
        &mut |l| lines.push(l.to_string()),
    )
    .err()
    .expect("moto shows no stopped task");
    assert!(matches!(e, CliError::Input(_)));
    let text = e.to_string();
    assert!(
        text.contains("does not show on the service")
            && text.contains("The specified log group does not exist")
            && text.contains(&format!("--run {} --no-wait", started.info.run))
            && text.contains("faultline live undo"),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("waiting up to 2s")),
        "{lines:?}"
    );
    assert!(
        session::open_run(dir.path(), None).is_ok(),
        "the run stays to be undone"
    );
}

/// The `faultline` binary next to this test binary (cargo builds it for the
/// integration tests of the same run).
fn faultline_bin() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug = exe.parent().and_then(Path::parent).unwrap();
    debug.join(format!("faultline{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn live_start_then_play_a_script_then_undo_through_the_binary() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Some(moto) = Moto::start() else { return };
    let bin = faultline_bin();
    assert!(
        bin.exists(),
        "the faultline binary is built: {}",
        bin.display()
    );
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    cfn_stack(&live, &stack);
    let before = fingerprint(&live, &stack).unwrap();
    let state = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut c = Command::new(&bin);
        c.args(args)
            .args(["--allow-account", ACCOUNT])
            .env("AWS_ENDPOINT_URL", moto.url())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env("XDG_STATE_HOME", state.path())
            .env("XDG_CONFIG_HOME", state.path())
            .env("NO_COLOR", "1");
        c
    };
    let out = cmd(&[
        "live",
        "start",
        "nat-route-missing",
        "--stack",
        STACK,
        "--seed",
        "1",
        "--no-play",
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("faultline live play --run "), "{text}");

    let vars = scenario("nat-route-missing")
        .instantiate(1, Mode::Incident)
        .unwrap()
        .vars;
    let rtb = stack
        .bind(&format!("rtb:private-{}", vars["zone"]))
        .unwrap();
    let nat = stack.bind("nat:nat-a").unwrap();
    let report = state.path().join("report.json");
    let mut child = cmd(&[
        "live",
        "play",
        "--no-wait",
        "--player",
        "ada",
        "--report",
        report.to_str().unwrap(),
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let script = format!(
        "ec2 describe-route-tables --route-table-ids {rtb} --query 'RouteTables[0].Routes[].DestinationCidrBlock' --output text\n\
         diagnose network.no-nat-route {rtb}\n\
         fix ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat}\n\
         quit\n"
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("Account {ACCOUNT} in us-east-1")),
        "{stdout}"
    );
    assert!(
        stdout.contains("Diagnosis 1 recorded: the cause is right"),
        "{stdout}"
    );
    assert!(stdout.contains("\"Return\": true"), "{stdout}");
    assert!(stdout.contains("total "), "the scorecard: {stdout}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["player"], "ada");
    assert_eq!(
        r["answer_culprits"][0],
        rtb.as_str(),
        "the stack's id, not the simulator's"
    );
    assert_eq!(r["fixes"].as_array().unwrap().len(), 1);

    let out = cmd(&["live", "undo"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fingerprint(&live, &stack).unwrap(), before);
}

#[test]
fn a_live_run_on_a_terminal_waits_with_a_spinner_that_gives_the_prompt_back() {
    use rexpect::session::spawn_command;
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    cfn_stack(&live, &stack);
    let state = tempfile::tempdir().unwrap();
    let env = |c: &mut std::process::Command| {
        c.args(["--allow-account", ACCOUNT, "--color", "never"])
            .env("AWS_ENDPOINT_URL", moto.url())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env("XDG_STATE_HOME", state.path())
            .env("XDG_CONFIG_HOME", state.path())
            .env("TERM", "xterm");
    };
    let mut start = std::process::Command::new(faultline_bin());
    start.args([
        "live",
        "start",
        "log-group-missing",
        "--stack",
        STACK,
        "--no-play",
    ]);
    env(&mut start);
    let out = start.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut cmd = std::process::Command::new(faultline_bin());
    cmd.args(["live", "play", "--no-wait"]);
    env(&mut cmd);
    let mut p = spawn_command(cmd, Some(30_000)).expect("faultline starts on a pty");
    p.exp_string("Account 123456789012 in us-east-1")
        .expect("the opening");
    p.exp_string("faultline> ").expect("the prompt");
    p.send_line("wait 2s").unwrap();
    p.exp_string("2s pass. It is now").expect("the wait ends");
    p.exp_string("faultline> ")
        .expect("the prompt again, the spinner gone");
    p.send_line("quit").unwrap();
    p.exp_string("total ").expect("the scorecard");
    p.exp_eof().expect("the session ends");
    let mut undo = std::process::Command::new(faultline_bin());
    undo.args(["live", "undo"]);
    env(&mut undo);
    assert!(undo.output().unwrap().status.success());
}
