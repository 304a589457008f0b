//! Grading: every scenario's reference investigation, diagnosis and fix, played
//! as a script, grades as correct and verified (generated over
//! `scenarios/*.yaml`, so a new scenario is covered without new test code);
//! wrong diagnoses, plausible non-fixes, working-but-bad fixes and invalid fix
//! commands on the seed scenarios.

use crate::support::Session;
use faultline::scenario::{scenario_files, Scenario};
use faultline::world::TaskStatus;
use std::path::Path;

fn session(id: &str, seed: u64) -> Session {
    Session::new(id, seed)
}

fn run(s: &mut Session, line: &str) -> String {
    let r = s.execute(line);
    assert!(!r.error, "`{line}` failed: {}", r.text);
    r.text
}

fn part(s: &Session, name: &str) -> i32 {
    let report = s.report();
    report
        .score
        .parts
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.points)
        .sum()
}

#[test]
fn every_scenario_is_solved_by_its_reference() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = scenario_files(&dir).expect("scenarios folder");
    assert!(files.len() >= 5);
    for file in files {
        let id = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file name")
            .to_string();
        for seed in [3, 11] {
            let mut s = session(&id, seed);
            let spec = s.game.scenario.spec.clone();
            for line in &spec.investigation {
                let line = s.game.inst.resolve(line).expect("investigation resolves");
                run(&mut s, &line);
            }
            // Causes hidden behind the first are diagnosed once the fix
            // (applied a line at a time, looking again after each) shows them.
            let hidden: Vec<&str> = spec
                .answer
                .also
                .iter()
                .filter(|o| o.hidden)
                .map(|o| o.cause.as_str())
                .collect();
            let diagnose = |s: &mut Session, cause: &str, culprits: &[String]| {
                let culprit = s.game.inst.resolve(&culprits[0]).expect("culprit resolves");
                let d = run(s, &format!("diagnose {cause} {culprit}"));
                assert!(
                    d.contains("the cause is right") && d.contains("the culprit is among"),
                    "{id}: {d}"
                );
            };
            for (cause, culprits) in spec.answer.causes() {
                if !hidden.contains(&cause) {
                    diagnose(&mut s, cause, culprits);
                }
            }
            let look = format!(
                "ecs describe-services --cluster {} --services {}",
                spec.success.cluster, spec.success.service
            );
            for line in &spec.fix {
                let line = s.game.inst.resolve(line).expect("fix resolves");
                run(&mut s, &format!("fix {line}"));
                if !hidden.is_empty() {
                    run(&mut s, "wait 3m");
                    run(&mut s, &look);
                }
            }
            for (cause, culprits) in spec.answer.causes() {
                if hidden.contains(&cause) {
                    diagnose(&mut s, cause, culprits);
                }
            }
            // Checking the fix is free and earns the verification points.
            run(&mut s, "wait 2m");
            run(&mut s, &look);
            let verdict = s.execute("submit");
            assert!(verdict.quit, "{id}: submit ends the session");
            assert!(
                verdict.text.starts_with("Verified"),
                "{id} seed {seed}: {}",
                verdict.text
            );
            let report = s.report();
            assert!(
                report.lints.is_empty(),
                "{id}: the reference fix earns no lint: {:?}",
                report.lints
            );
            assert_eq!(part(&s, "cause"), 30, "{id}");
            assert_eq!(part(&s, "culprit"), 15, "{id}");
            assert_eq!(part(&s, "fix"), 30, "{id}");
            assert_eq!(part(&s, "verification"), 5, "{id}");
            assert_eq!(
                part(&s, "commands"),
                10,
                "{id}: the reference path is full marks on commands"
            );
            assert!(
                report
                    .evidence
                    .iter()
                    .all(|e| e.before_diagnosis || (!hidden.is_empty() && e.seen_at.is_some())),
                "{id} seed {seed}: the reference investigation sees every piece of evidence: {:?}",
                report.evidence
            );
            assert!(report.score.total >= 95, "{id}: {:?}", report.score);
            assert_eq!(report.score.grade, "A");
        }
    }
}

#[test]
fn a_wrong_diagnosis_is_marked_wrong_and_costs_points() {
    for (id, wrong) in [
        ("nat-route-missing", "iam.execution-role-permissions"),
        ("subnet-exhausted", "network.no-nat-route"),
        ("execution-role-permissions", "network.no-nat-route"),
        ("oom-killed", "elb.health-check-failing"),
        ("log-group-missing", "iam.execution-role-permissions"),
    ] {
        let mut s = session(id, 5);
        let d = run(&mut s, &format!("diagnose {wrong} some-resource"));
        assert!(d.contains("that is not the cause"), "{id}: {d}");
        assert!(
            d.contains("none of the resources you named is the culprit"),
            "{id}: {d}"
        );
        assert_eq!(part(&s, "cause"), 0);
        assert_eq!(part(&s, "wrong diagnoses"), -5);
        // A typo is not an attempt.
        let typo = s.execute("diagnose network.no-nat-rout");
        assert!(
            typo.error && typo.text.contains("Did you mean 'network.no-nat-route'?"),
            "{}",
            typo.text
        );
        assert_eq!(s.player.grade.diagnoses.len(), 1);
    }
}

/// A checkout task that is not being stopped (running, or still starting).
fn live_task(s: &Session) -> Option<String> {
    let tasks = &s.game.inst.sim.world().tasks;
    let checkout =
        |t: &&faultline::world::Task| t.is_live() && t.service.as_deref() == Some("checkout");
    tasks
        .values()
        .filter(checkout)
        .find(|t| t.last_status == TaskStatus::Running)
        .or_else(|| tasks.values().find(checkout))
        .map(|t| t.id.clone())
}

#[test]
fn plausible_non_fixes_are_not_verified() {
    for id in [
        "nat-route-missing",
        "subnet-exhausted",
        "execution-role-permissions",
        "oom-killed",
        "log-group-missing",
    ] {
        let non_fixes = [
            "ecs update-service --cluster prod --service checkout --force-new-deployment"
                .to_string(),
            "ecs stop-task --cluster prod --task {running}".to_string(),
            "ecs update-service --cluster prod --service checkout --desired-count 12".to_string(),
        ];
        for nf in non_fixes {
            let mut s = session(id, 9);
            let line = match live_task(&s) {
                Some(t) => nf.replace("{running}", &t),
                None if nf.contains("{running}") => continue,
                None => nf.clone(),
            };
            run(&mut s, &format!("fix {line}"));
            let v = s.execute("submit");
            assert!(
                v.text.starts_with("Not verified"),
                "{id}: `{line}` must not heal: {}",
                v.text
            );
            assert_eq!(part(&s, "fix"), 0);
        }
    }
}

#[test]
fn working_but_over_privileged_or_public_fixes_are_marked_down() {
    // Administrator access heals the execution role, and is marked down.
    let mut s = session("execution-role-permissions", 4);
    run(&mut s, "fix iam attach-role-policy --role-name checkout-task-execution --policy-arn arn:aws:iam::aws:policy/AdministratorAccess");
    assert!(s.execute("submit").text.starts_with("Verified"));
    let lints: Vec<&str> = s.report().lints.iter().map(|l| l.id).collect::<Vec<_>>();
    assert_eq!(lints, vec!["iam.admin-access"]);
    assert!(part(&s, "fix quality") < 0);

    // Public subnets with public IPs heal the missing NAT route, and are marked down.
    let mut s = session("nat-route-missing", 4);
    let line = s
        .game
        .inst
        .resolve("ecs update-service --cluster prod --service checkout --network-configuration awsvpcConfiguration={subnets=[${subnet:public-a},${subnet:public-b}],securityGroups=[${sg:checkout-tasks}],assignPublicIp=ENABLED}")
        .unwrap();
    run(&mut s, &format!("fix {line}"));
    assert!(s.execute("submit").text.starts_with("Verified"));
    let lints: Vec<&str> = s.report().lints.iter().map(|l| l.id).collect::<Vec<_>>();
    assert!(lints.contains(&"network.public-ip"), "{lints:?}");
}

#[test]
fn invalid_fix_commands_give_the_aws_error_and_change_nothing() {
    let mut s = session("nat-route-missing", 2);
    let before = format!("{:?}", s.game.inst.sim.world().route_tables);
    let cases = [
        ("fix ec2 create-route --route-table-id rtb-0000000000000000a --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0000000000000000a", "An error occurred (InvalidNatGatewayID.NotFound) when calling the CreateRoute operation"),
        ("fix iam attach-role-policy --role-name nobody --policy-arn arn:aws:iam::aws:policy/AdministratorAccess", "An error occurred (NoSuchEntity) when calling the AttachRolePolicy operation: The role with name nobody cannot be found."),
        ("fix ecs update-service --cluster prod --service checkout --desired-count many", "many"),
        ("fix ecs describe-tasks --cluster prod --tasks x", "read-only"),
        ("fix", "usage: fix"),
    ];
    for (line, want) in cases {
        let r = s.execute(line);
        assert!(r.error, "{line} must fail");
        assert!(r.text.contains(want), "{line}: {}", r.text);
    }
    assert_eq!(
        format!("{:?}", s.game.inst.sim.world().route_tables),
        before
    );
    assert!(s.player.grade.fixes.is_empty());
    assert_eq!(s.player.grade.fix_errors, 3);
}

#[test]
fn report_and_debrief_files() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let debrief = dir.path().join("d.md");
    let out = crate::support::faultline()
        .args(["play", "log-group-missing", "--seed", "1"])
        .arg("--report")
        .arg(&report)
        .arg("--debrief")
        .arg(&debrief)
        .write_stdin("logs describe-log-groups\nhint\ndiagnose logs.log-group-missing checkout-api\nsubmit\n")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("── scorecard"), "{stdout}");
    assert!(
        stdout.contains("Not verified"),
        "nothing was fixed: {stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["scenario"], "log-group-missing");
    assert_eq!(json["seed"], 1);
    assert_eq!(json["commands"].as_array().unwrap().len(), 4);
    assert_eq!(json["diagnoses"][0]["cause_correct"], true);
    assert_eq!(json["hints"].as_array().unwrap().len(), 1);
    assert_eq!(json["verdict"]["healed"], false);
    let md = std::fs::read_to_string(&debrief).unwrap();
    for section in [
        "# Debrief:",
        "## Verdict",
        "## Score",
        "## Session timeline",
        "## What really happened",
        "## The shortest path",
        "## Links",
    ] {
        assert!(md.contains(section), "{section} in the debrief");
    }
    // A report path in a missing folder fails before play starts.
    crate::support::faultline()
        .args([
            "play",
            "log-group-missing",
            "--report",
            "/nonexistent/dir/r.json",
        ])
        .write_stdin("quit\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
}

#[test]
fn a_refused_deploy_is_history_and_the_player_can_reproduce_it() {
    let mut s = session("invalid-task-size", 2);
    let refused: Vec<&str> = s
        .game
        .inst
        .applied
        .iter()
        .filter_map(Scenario::refusal)
        .collect();
    assert_eq!(refused, vec!["An error occurred (ClientException) when calling the RegisterTaskDefinition operation: No Fargate configuration exists for given values: 256 CPU, 4096 memory"]);
    // Nothing was registered for the refused deploy.
    assert!(s
        .game
        .inst
        .sim
        .world()
        .task_definition("checkout-api:2")
        .is_none());
    let role = s
        .game
        .inst
        .resolve("${role:checkout-task-execution}")
        .unwrap();
    let r = s.execute(&format!(
        "fix ecs register-task-definition --family checkout-api --cpu 256 --memory 4096 --execution-role-arn {role} --container-definitions '[{{\"name\":\"checkout-api\",\"image\":\"nginx\"}}]'"
    ));
    assert!(r.error);
    assert!(
        r.text
            .ends_with("No Fargate configuration exists for given values: 256 CPU, 4096 memory"),
        "{}",
        r.text
    );
}

// ------------------------------------------- fair grading: the defects fixed

fn resolve(s: &Session, text: &str) -> String {
    s.game.inst.resolve(text).expect("resolves")
}

#[test]
fn the_culprit_stays_at_the_fault_after_a_later_revision() {
    let mut s = session("oom-killed", 4);
    let faulty = resolve(&s, "${td:checkout-api}");
    assert!(faulty.ends_with(":2"), "{faulty}");
    // Register the fixed revision first, then name the faulty one.
    let register = resolve(&s, &s.game.scenario.spec.fix[0].clone());
    run(&mut s, &format!("fix {register}"));
    let d = run(&mut s, "diagnose runtime.oom checkout-api:2");
    assert!(d.contains("the culprit is among"), "{d}");
    let report = s.report();
    assert_eq!(report.answer_culprits, vec![faulty]);
}

#[test]
fn each_cause_of_a_compound_incident_is_diagnosable_and_scored() {
    for id in [
        "hidden-second-fault",
        "two-zones-two-faults",
        "logs-behind-logs",
    ] {
        let mut s = session(id, 2);
        let causes: Vec<(String, String)> = s
            .game
            .scenario
            .spec
            .answer
            .causes()
            .into_iter()
            .map(|(c, culprits)| (c.to_string(), resolve(&s, &culprits[0])))
            .collect();
        assert_eq!(causes.len(), 2, "{id}");
        // Only the first: half the cause and culprit points, and the card says so.
        let (c0, r0) = &causes[0];
        let d = run(&mut s, &format!("diagnose {c0} {r0}"));
        assert!(d.contains("the cause is right"), "{id}: {d}");
        let report = s.report();
        let cause = report
            .score
            .parts
            .iter()
            .find(|p| p.name == "cause")
            .unwrap();
        assert!(
            cause.why.contains("found 1 of 2 causes"),
            "{id}: {}",
            cause.why
        );
        assert!(part(&s, "culprit") < 15, "{id}");
        // The second real cause is right, not a wrong attempt.
        let (c1, r1) = &causes[1];
        let d = run(&mut s, &format!("diagnose {c1} {r1}"));
        assert!(
            d.contains("the cause is right") && d.contains("the culprit is among"),
            "{id}: {d}"
        );
        assert_eq!(part(&s, "wrong diagnoses"), 0, "{id}");
        assert_eq!(part(&s, "culprit"), 15, "{id}");
    }
}

/// Plays `lines` then the reference fix and submit, and returns the total.
fn total_after(id: &str, lines: &[String]) -> (i32, Session) {
    let mut s = session(id, 1);
    for l in lines {
        s.execute(l);
    }
    for f in s.game.scenario.spec.fix.clone() {
        let f = resolve(&s, &f);
        run(&mut s, &format!("fix {f}"));
    }
    s.execute("submit");
    (s.report().score.total, s)
}

#[test]
fn guessing_scores_low() {
    let s = session("nat-route-missing", 1);
    let tables: Vec<String> = s
        .game
        .inst
        .sim
        .world()
        .route_tables
        .keys()
        .cloned()
        .collect();
    assert!(tables.len() >= 4);
    let all = tables.join(" ");
    let wrong = [
        "iam.execution-role-permissions",
        "iam.execution-role-trust",
        "logs.log-group-missing",
        "image.not-found",
        "network.subnet-exhausted",
        "network.egress-blocked",
        "secrets.unreadable",
    ];
    let mut lines: Vec<String> = wrong.iter().map(|c| format!("diagnose {c}")).collect();
    lines.push(format!("diagnose network.no-nat-route {all}"));
    let (guessed, g) = total_after("nat-route-missing", &lines);
    assert!(
        guessed < 50,
        "seven wrong causes and every table: {guessed}: {:#?}",
        g.report().score
    );
    let (blind, b) = total_after(
        "nat-route-missing",
        &[format!("diagnose network.no-nat-route {all}")],
    );
    assert!(
        blind < 75,
        "every table, no investigation: {blind}: {:#?}",
        b.report().score
    );
    let cause = b
        .report()
        .score
        .parts
        .into_iter()
        .find(|p| p.name == "cause")
        .unwrap();
    assert_eq!(cause.points, 15, "diagnosed before any evidence: half");
    assert!(
        cause
            .why
            .contains("0 of 2 pieces of its evidence seen first"),
        "{}",
        cause.why
    );
    // The same diagnosis after the evidence, naming the one table: full marks on both.
    let mut s = session("nat-route-missing", 1);
    for l in s.game.scenario.spec.investigation.clone() {
        let l = resolve(&s, &l);
        run(&mut s, &l);
    }
    let rtb = resolve(&s, "${rtb:private-${var:zone}}");
    run(&mut s, &format!("diagnose network.no-nat-route {rtb}"));
    assert_eq!(part(&s, "cause"), 30);
    assert_eq!(part(&s, "culprit"), 15);
}

#[test]
fn evidence_counts_what_commands_returned_whatever_their_query_or_output() {
    let mut s = session("nat-route-missing", 2);
    let task = resolve(&s, "${stopped-task}");
    let rtb = resolve(&s, "${rtb:private-${var:zone}}");
    // The reason is in the response, though --query shows only the task's status.
    run(
        &mut s,
        &format!("ecs describe-tasks --cluster prod --tasks {task} --query 'tasks[0].lastStatus' --output text"),
    );
    run(
        &mut s,
        &format!("ec2 describe-route-tables --route-table-ids {rtb} --output table"),
    );
    let report = s.report();
    assert!(
        report.evidence.iter().all(|e| e.seen_at.is_some()),
        "{:#?}",
        report.evidence
    );
}

#[test]
fn a_stopped_reason_seen_in_the_service_events_counts() {
    // public-ip-disabled's tasks fail where the service events say so.
    let mut s = session("public-ip-disabled", 1);
    let spec = s.game.scenario.spec.clone();
    let ev = spec
        .evidence
        .iter()
        .position(|e| e.command == "ecs describe-tasks")
        .expect("a stopped-reason evidence");
    let out = run(
        &mut s,
        &format!(
            "ecs describe-services --cluster {} --services {} --query 'services[0].events[0].message'",
            spec.success.cluster, spec.success.service
        ),
    );
    let shows = resolve(&s, &spec.evidence[ev].shows);
    assert!(
        out.contains(&shows),
        "the service's newest event carries the reason `{shows}`: {out}"
    );
    assert!(s.player.grade.seen[ev].is_some(), "{out}");
}

#[test]
fn game_verbs_and_checks_after_the_fix_do_not_count_against_par() {
    let mut s = session("nat-route-missing", 3);
    for l in ["help", "status", "brief", "causes", "help ecs"] {
        run(&mut s, l);
    }
    for l in s.game.scenario.spec.investigation.clone() {
        let l = resolve(&s, &l);
        run(&mut s, &l);
    }
    let rtb = resolve(&s, "${rtb:private-${var:zone}}");
    run(&mut s, &format!("diagnose network.no-nat-route {rtb}"));
    for f in s.game.scenario.spec.fix.clone() {
        let f = resolve(&s, &f);
        run(&mut s, &format!("fix {f}"));
    }
    for _ in 0..12 {
        run(
            &mut s,
            "ecs describe-services --cluster prod --services checkout",
        );
        run(&mut s, "wait 1m");
    }
    s.execute("submit");
    assert_eq!(part(&s, "commands"), 10);
    assert_eq!(
        part(&s, "time"),
        10,
        "checking the fix costs no time points"
    );
    assert_eq!(part(&s, "verification"), 5);
    assert_eq!(s.report().score.total, 100, "{:#?}", s.report().score);
}

/// A pager shows symptoms and recent changes, never the diagnosis: no
/// opening screen (title and briefing) names a cause id or a culprit by id,
/// ARN or resource name. The judged service and its task family are named
/// (that is where the symptom shows), and a culprit whose Name tag is a
/// plain word (a route table called `isolated`) may share it with prose.
#[test]
fn no_briefing_gives_the_answer_away() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut found = Vec::new();
    for file in scenario_files(&dir).expect("scenarios folder") {
        let id = file.file_stem().unwrap().to_string_lossy().to_string();
        for seed in [0, 1, 2, 3] {
            let s = session(&id, seed);
            let briefing = s.game.opening();
            let svc = &s.game.scenario.spec.success.service;
            let family = s
                .game
                .inst
                .sim
                .world()
                .service(&s.game.scenario.spec.success.cluster, svc)
                .and_then(|x| s.game.inst.sim.world().task_definition(&x.task_definition))
                .map(|td| td.def.family.clone())
                .unwrap_or_default();
            let telling = |n: &str| {
                n != svc.as_str()
                    && n != family
                    && n.contains(|c: char| {
                        c == '-' || c == ':' || c == '/' || c == '.' || c.is_ascii_digit()
                    })
            };
            for a in &s.player.grade.answer {
                if briefing.contains(&a.cause) {
                    found.push(format!("{id} seed {seed}: names the cause {}", a.cause));
                }
                for names in &a.culprits {
                    for n in names.iter().filter(|n| telling(n)) {
                        if briefing.contains(n.as_str()) {
                            found.push(format!("{id} seed {seed}: names the culprit `{n}`"));
                        }
                    }
                }
            }
        }
    }
    found.dedup();
    assert!(found.is_empty(), "{found:#?}");
}
