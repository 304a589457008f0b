//! The game's rules of play as events: the order of a tiny session, what
//! each event carries, and watchers following the log.

use super::*;
use crate::scenario::Mode;
use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

const SEED: u64 = 7;

fn game() -> (Game, Player) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
    let scenario = Scenario::load(&file).expect("scenario loads");
    let inst = scenario
        .instantiate(SEED, Mode::Incident)
        .expect("scenario instantiates");
    let mut game = Game::new(scenario, inst, Clock::Step(SCRIPT_STEP));
    let player = game.join(Some("ada".into()));
    (game, player)
}

fn kinds(game: &Game) -> Vec<&'static str> {
    game.events().iter().map(Event::kind).collect()
}

/// A writer whose bytes the test can read while the game owns it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer that always fails.
struct Broken;

impl std::io::Write for Broken {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk full"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_tiny_session_emits_each_step_in_order() {
    let (mut g, mut p) = game();
    let fix = g
        .inst
        .resolve(&g.scenario.spec.fix[0])
        .expect("the reference fix resolves");
    let rtb = g
        .inst
        .resolve("${rtb:private-${var:zone}}")
        .expect("route table");
    let lines = [
        "status".to_string(),
        "diagnose iam.execution-role-permissions".to_string(),
        format!("diagnose network.no-nat-route {rtb} --note 'no default route'"),
        "hint".to_string(),
        "wait 1m".to_string(),
        "fix ec2 create-route --route-table-id rtb-0000000000000000a --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0000000000000000a".to_string(),
        format!("fix {fix}"),
        "submit".to_string(),
    ];
    for l in &lines {
        g.execute(&mut p, l, None);
    }
    let report = g.finish(&p);
    assert_eq!(
        kinds(&g),
        vec![
            "session_started",
            "command",
            "command",
            "diagnosis",
            "command",
            "diagnosis",
            "command",
            "hint",
            "command",
            "wait",
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
    let ev = g.events();
    for e in ev {
        let json: serde_json::Value =
            serde_json::from_str(&e.to_json_line()).expect("an event is one JSON object");
        assert_eq!(json["event"], e.kind(), "kind() names the serialized tag");
    }
    assert_eq!(
        ev[0],
        Event::SessionStarted {
            scenario: "nat-route-missing".into(),
            seed: SEED,
            player: Some("ada".into()),
            team: None,
            arrived: iso(g.inst.now),
            interview: false,
        }
    );
    // Commands carry their lines, in order, and whether they ran.
    let commands: Vec<(&str, bool)> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Command { line, ok, .. } => Some((line.as_str(), *ok)),
            _ => None,
        })
        .collect();
    let want: Vec<(&str, bool)> = lines
        .iter()
        .map(|l| (l.as_str(), !l.contains("rtb-0000000000000000a")))
        .collect();
    assert_eq!(commands, want);
    match (&ev[3], &ev[5]) {
        (
            Event::Diagnosis {
                cause_correct: false,
                culprit_correct: false,
                ..
            },
            Event::Diagnosis {
                cause,
                resources,
                note,
                cause_correct: true,
                culprit_correct: true,
                ..
            },
        ) => {
            assert_eq!(cause, "network.no-nat-route");
            assert_eq!(resources, &vec![rtb.clone()]);
            assert_eq!(note.as_deref(), Some("no default route"));
        }
        other => panic!("diagnoses: {other:?}"),
    }
    assert!(
        matches!(
            &ev[7],
            Event::Hint {
                index: 1,
                cost: 5,
                ..
            }
        ),
        "{:?}",
        ev[7]
    );
    assert!(
        matches!(
            &ev[9],
            Event::Wait {
                duration_ms: 60_000,
                ..
            }
        ),
        "{:?}",
        ev[9]
    );
    match &ev[11] {
        Event::FixRefused {
            service,
            operation,
            error,
            ..
        } => {
            assert_eq!(
                (service.as_str(), operation.as_str()),
                ("ec2", "create-route")
            );
            assert!(error.contains("InvalidNatGatewayID.NotFound"), "{error}");
        }
        other => panic!("refused fix: {other:?}"),
    }
    match &ev[13] {
        Event::FixApplied { line, .. } => assert_eq!(line, &fix),
        other => panic!("applied fix: {other:?}"),
    }
    match &ev[16] {
        Event::Verdict {
            healed, findings, ..
        } => {
            assert!(*healed, "{findings:?}");
            assert!(!findings.is_empty());
        }
        other => panic!("verdict: {other:?}"),
    }
    assert_eq!(
        ev[17],
        Event::SessionEnded {
            virtual_time: iso(g.inst.sim.now()),
            total: report.score.total,
            grade: report.score.grade.to_string(),
        }
    );
    // The log and the player agree.
    assert_eq!(p.commands.len(), lines.len());
    assert_eq!(p.grade.diagnoses.len(), 2);
    assert_eq!(p.grade.fixes.len(), 1);
    assert_eq!(p.grade.fix_errors, 1);
}

#[test]
fn a_command_event_digests_what_was_printed() {
    let (mut g, mut p) = game();
    let reply = g.execute(&mut p, "sts get-caller-identity", Some(1234));
    assert!(!reply.error, "{}", reply.text);
    match g.events().last() {
        Some(Event::Command {
            line,
            virtual_time,
            wall_ms,
            ok,
            output_sha256,
            output_bytes,
            ..
        }) => {
            assert_eq!(line, "sts get-caller-identity");
            assert_eq!(virtual_time, &iso(g.inst.now + SCRIPT_STEP));
            assert_eq!(*wall_ms, Some(1234));
            assert!(ok);
            assert_eq!(output_sha256, &event::sha256_hex(&reply.text));
            assert_eq!(*output_bytes, reply.text.len());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        event::sha256_hex(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn blank_lines_are_silent_and_a_misspelt_cause_is_only_a_failed_command() {
    let (mut g, mut p) = game();
    g.execute(&mut p, "   ", None);
    g.execute(&mut p, "# a comment", None);
    assert_eq!(kinds(&g), vec!["session_started"]);
    let r = g.execute(&mut p, "diagnose network.no-nat-rout", None);
    assert!(r.error);
    assert_eq!(kinds(&g), vec!["session_started", "command"]);
    assert!(matches!(g.events()[1], Event::Command { ok: false, .. }));
    // Not an AWS attempt either: a read-only operation under `fix`.
    g.execute(
        &mut p,
        "fix ecs describe-tasks --cluster prod --tasks x",
        None,
    );
    assert_eq!(kinds(&g), vec!["session_started", "command", "command"]);
    assert_eq!(p.grade.fix_errors, 0);
    assert!(p.grade.before_fix.is_none());
}

#[test]
fn watchers_follow_the_log_as_json_lines() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
    let scenario = Scenario::load(&file).expect("scenario loads");
    let inst = scenario
        .instantiate(SEED, Mode::Incident)
        .expect("scenario instantiates");
    let mut g = Game::new(scenario, inst, Clock::Step(SCRIPT_STEP));
    let out = Shared::default();
    g.watch(Box::new(JsonLines::new(out.clone())));
    g.watch(Box::new(JsonLines::new(Broken)));
    let mut p = g.join(None);
    g.execute(&mut p, "hint", None);
    // Each event is on its line as soon as it happened.
    let text = String::from_utf8(out.0.borrow().clone()).expect("UTF-8");
    let parsed: Vec<Event> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one event per line"))
        .collect();
    assert_eq!(parsed, g.events());
    assert!(
        text.starts_with("{\"event\":\"session_started\","),
        "{text}"
    );
    // A broken watcher is dropped after its first error and said once.
    assert_eq!(g.take_watch_errors(), vec!["disk full".to_string()]);
    g.execute(&mut p, "status", None);
    assert!(g.take_watch_errors().is_empty());
    g.finish(&p);
    let text = String::from_utf8(out.0.borrow().clone()).expect("UTF-8");
    assert_eq!(text.lines().count(), g.events().len());
    assert!(text
        .lines()
        .last()
        .unwrap_or("")
        .contains("\"event\":\"session_ended\""));
}

#[test]
fn the_opening_suggests_the_scenarios_own_cluster() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/arch-mismatch.yaml");
    let scenario = Scenario::load(&file).expect("scenario loads");
    let inst = scenario
        .instantiate(1, Mode::Incident)
        .expect("instantiates");
    let game = Game::new(scenario, inst, Clock::Step(SCRIPT_STEP));
    let opening = game.opening();
    assert!(
        opening.contains("`ecs describe-services --cluster media --services ...`"),
        "{opening}"
    );
}

#[test]
fn execute_command_errors_follow_the_plugin_banner() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
    let mut inst = Scenario::load(&file)
        .unwrap()
        .instantiate(SEED, Mode::Incident)
        .unwrap();
    inst.sim.run_for(5_000).unwrap();
    // nat-route-missing's tasks never reach RUNNING: the agent never runs.
    let task = inst
        .sim
        .world()
        .tasks
        .keys()
        .next()
        .cloned()
        .expect("a task");
    let err = crate::game::aws::run_read(
        &inst.sim,
        &format!("ecs execute-command --cluster prod --task {task} --interactive --command env"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        "\nThe Session Manager plugin was installed successfully. Use the AWS CLI to start a session.\n\n\nAn error occurred (InvalidParameterException) when calling the ExecuteCommand operation: The execute command failed because execute command was not enabled when the task was run or the execute command agent isn\u{2019}t running. Wait and try again or run a new task with execute command enabled and try again."
    );
}

#[test]
fn a_fix_prints_what_the_cli_prints_with_its_query_and_output() {
    let (mut g, mut p) = game();
    // --query and --output apply to a fix's response as to any command.
    let r = g.execute(
        &mut p,
        "fix ecs update-service --cluster prod --service checkout --force-new-deployment --query 'service.deployments[0].[status,rolloutState]' --output text",
        None,
    );
    assert!(!r.error, "{}", r.text);
    assert_eq!(r.text, "PRIMARY\tIN_PROGRESS");
    // A bad query sends nothing, as the CLI compiles it first.
    let fixes = p.grade.fixes.len();
    let r = g.execute(
        &mut p,
        "fix ecs update-service --cluster prod --service checkout --force-new-deployment --query '[['",
        None,
    );
    assert!(r.error);
    assert!(
        r.text.starts_with("Bad value for --query [[: "),
        "{}",
        r.text
    );
    assert_eq!(p.grade.fixes.len(), fixes);
    // An operation that answers nothing (PutRolePolicy) prints nothing, as the CLI.
    let r = g.execute(
        &mut p,
        r#"fix iam put-role-policy --role-name checkout-task-execution --policy-name extra --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:CreateLogStream","Resource":"*"}]}'"#,
        None,
    );
    assert!(!r.error, "{}", r.text);
    assert_eq!(r.text, "");
}

#[test]
fn a_wire_read_repeated_on_a_standing_world_is_answered_again_but_recorded_once() {
    use crate::aws::account::{read_request, write_request};
    use crate::aws::Input;
    let (mut g, mut p) = game();
    g.clock = Clock::Wall { speed: 0.0 };
    let rtb = g.inst.resolve("${rtb:private-${var:zone}}").unwrap();
    let look = || {
        Request::Read(
            read_request(
                "ec2",
                "describe-route-tables",
                Input::new().with("RouteTableIds", serde_json::json!([rtb])),
            )
            .unwrap(),
        )
    };
    let line = format!("ec2 describe-route-tables --route-table-ids {rtb}");
    let commands = |g: &Game| g.events().iter().filter(|e| e.kind() == "command").count();
    let first = g
        .execute_request(&mut p, &line, look(), None, Some(0))
        .unwrap();
    let again = g
        .execute_request(&mut p, &line, look(), None, Some(0))
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(commands(&g), 1, "a refresh adds nothing to the session");
    assert_eq!(p.commands.len(), 1);

    // A fix changes the world: the same read is answered anew and recorded.
    let nat = g.inst.resolve("${nat:nat-${var:zone}}").unwrap();
    let fix = write_request(
        "ec2",
        "create-route",
        Input::new()
            .with("RouteTableId", rtb.clone())
            .with("DestinationCidrBlock", "0.0.0.0/0")
            .with("NatGatewayId", nat),
    )
    .unwrap();
    g.execute_request(
        &mut p,
        "ec2 create-route ...",
        Request::Write(fix),
        None,
        Some(0),
    )
    .unwrap();
    let after = g
        .execute_request(&mut p, &line, look(), None, Some(0))
        .unwrap();
    assert_ne!(first, after);
    assert!(after.to_string().contains("0.0.0.0/0"));
    assert_eq!(commands(&g), 3);

    // So does any line (here, time passing).
    g.execute(&mut p, "wait 1m", Some(0));
    g.execute_request(&mut p, &line, look(), None, Some(0))
        .unwrap();
    assert_eq!(commands(&g), 5);
}
