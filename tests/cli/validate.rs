//! `validate`: the repository's scenarios prove, a fix that does not heal
//! fails with the scenario and seed named, and files that do not load are
//! input errors.

use crate::support::{
    assert_contains, assert_starts_with, edit, fixtures, repo_scenarios, run, Workspace,
    ENVIRONMENT, ID, SCENARIO,
};

#[test]
fn repository_scenarios_validate() {
    let dir = repo_scenarios();
    let out = run([
        "--scenarios".as_ref(),
        dir.as_os_str(),
        "validate".as_ref(),
        "--seeds".as_ref(),
        "3".as_ref(),
    ]);
    assert_eq!(
        out.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(out.stderr, "");
    let lines: Vec<&str> = out.stdout.lines().collect();
    let (summary, rows) = lines.split_last().expect("a report");
    assert!(
        summary.ends_with(" scenarios valid over 3 seeds each"),
        "summary: {summary:?}"
    );
    assert!(!rows.is_empty(), "no scenario rows:\n{}", out.stdout);
    for row in rows {
        let words: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"ok"), "row: {row:?}");
        assert_eq!(words.get(2..), Some(&["3", "seeds"][..]), "row: {row:?}");
    }
    assert!(
        rows.iter()
            .any(|r| r.split_whitespace().nth(1) == Some("nat-route-missing")),
        "no nat-route-missing row:\n{}",
        out.stdout
    );
    let count: usize = summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert_eq!(count, rows.len(), "summary count and rows disagree");
}

#[test]
fn validate_takes_a_file() {
    let file = fixtures().join(format!("{ID}.yaml"));
    let out = run([
        "validate".as_ref(),
        file.as_os_str(),
        "--seeds".as_ref(),
        "1".as_ref(),
    ]);
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("ok   {ID:<28} 1 seeds\n1 scenarios valid over 1 seeds each\n")
    );
}

#[test]
fn a_fix_that_does_not_heal_fails_validation() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "  - ec2 create-route --route-table-id ${rtb:private-${var:zone}} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat:${var:nat}}\n",
        "  - logs create-log-group --log-group-name /tmp-x\n",
    ));
    let out = ws.run(&["validate", "--seeds", "2"]);
    assert_eq!(out.code, Some(1), "stderr:\n{}", out.stderr);
    // The result is on stdout: the table, then what failed and why; stderr
    // says only how many failed.
    assert_starts_with(
        &out.stdout,
        &format!("FAIL {ID:<28} 0 seeds\n2 failures:\n"),
    );
    assert_eq!(out.stderr, "validate: 2 failures (listed in the report)\n");
    for seed in 0..2 {
        assert_contains(
            &out.stdout,
            &format!(
                "  {ID} (seed {seed}): after the reference fix, service checkout did not reach and hold steady state"
            ),
        );
    }
    // Why: the service's latest events and its tasks' stopped reasons, as the player reads them.
    assert_contains(&out.stdout, "latest events: (service checkout)");
    assert_contains(&out.stdout, "stopped reasons seen (");
    assert_contains(
        &out.stdout,
        "ResourceInitializationError: unable to pull secrets or registry auth",
    );
    assert!(
        !out.stdout.contains(" { "),
        "no Rust debug text: {}",
        out.stdout
    );
}

#[test]
fn validate_of_a_file_that_does_not_load_is_an_input_error() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "difficulty: 2\n",
        "difficulty: 2\ndifficulty_level: 2\n",
    ));
    let out = ws.run(&["validate", "--seeds", "1"]);
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert_starts_with(
        &out.stderr,
        &format!(
            "{}unknown field `difficulty_level`",
            ws.at_scenario(4, 1, "difficulty_level")
        ),
    );
}

#[test]
fn the_report_is_in_file_and_seed_order() {
    // Two scenarios whose fix does not heal, either side of one that holds:
    // proofs run on every core, the report still reads file by file, seed by seed.
    let ws = Workspace::new();
    let broken = edit(
        SCENARIO,
        "  - ec2 create-route --route-table-id ${rtb:private-${var:zone}} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat:${var:nat}}\n",
        "  - logs create-log-group --log-group-name /tmp-x\n",
    );
    for id in ["a-broken-fix", "z-broken-fix"] {
        let text = edit(&broken, &format!("id: {ID}\n"), &format!("id: {id}\n"));
        std::fs::write(ws.dir().join(format!("{id}.yaml")), text).expect("a scenario");
    }
    let out = ws.run(&["validate", "--seeds", "3"]);
    assert_eq!(out.code, Some(1), "stderr:\n{}", out.stderr);
    let rows: Vec<&str> = out.stdout.lines().take(3).collect();
    assert_eq!(
        rows,
        [
            format!("FAIL {:<28} 0 seeds", "a-broken-fix"),
            format!("ok   {ID:<28} 3 seeds"),
            format!("FAIL {:<28} 0 seeds", "z-broken-fix"),
        ],
        "report:\n{}",
        out.stdout
    );
    let lines: Vec<&str> = out.stdout.lines().skip(3).collect();
    assert_eq!(lines[0], "6 failures:", "report:\n{}", out.stdout);
    let failed: Vec<&str> = lines[1..]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(": ").next().unwrap_or(l))
        .collect();
    assert_eq!(
        failed,
        [
            "  a-broken-fix (seed 0)",
            "  a-broken-fix (seed 1)",
            "  a-broken-fix (seed 2)",
            "  z-broken-fix (seed 0)",
            "  z-broken-fix (seed 1)",
            "  z-broken-fix (seed 2)",
        ],
        "report:\n{}",
        out.stdout
    );
}

#[test]
fn a_hidden_cause_must_be_hidden_at_now_and_show_once_the_first_is_fixed() {
    // Never shows: nothing in this scenario breaks the log group.
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "  culprits: [\"${rtb:private-${var:zone}}\"]\n",
        "  culprits: [\"${rtb:private-${var:zone}}\"]\n  also:\n    - {cause: logs.log-group-missing, culprits: [\"${td:checkout-api}\"], hidden: true}\n",
    ));
    let out = ws.run(&["validate", "--seeds", "1"]);
    assert_eq!(out.code, Some(1), "stderr:\n{}", out.stderr);
    assert_contains(
        &out.stdout,
        "answer.also: logs.log-group-missing is marked hidden, but its symptom never showed",
    );
    // Visible from the start: two-zones-two-faults' second fault is not hidden.
    let text = std::fs::read_to_string(repo_scenarios().join("two-zones-two-faults.yaml")).unwrap();
    let text = text.replace(
        "culprits: [\"${subnet:private-${var:full_zone}}\"]}",
        "culprits: [\"${subnet:private-${var:full_zone}}\"], hidden: true}",
    );
    assert!(text.contains("hidden: true"));
    let ws = Workspace::new();
    std::fs::write(ws.dir().join("two-zones-two-faults.yaml"), text).unwrap();
    let file = ws.dir().join("two-zones-two-faults.yaml");
    let out = ws.run(&["validate", "--seeds", "1", file.to_str().unwrap()]);
    assert_eq!(out.code, Some(1), "stderr:\n{}", out.stderr);
    assert_contains(
        &out.stdout,
        "answer.also: network.subnet-exhausted is marked hidden, yet at now a task of checkout already shows its symptom",
    );
}

#[test]
fn an_investigation_line_that_names_no_operation_is_rejected() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "  - ecs describe-services --cluster prod --services checkout\n",
        "  - ecs describe-servics --cluster prod --services checkout\n",
    ));
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}'ecs describe-servics' is not an operation faultline knows; did you mean 'ecs describe-services'?",
            ws.at_scenario(64, 5, "investigation[0]")
        ),
    );
}

#[test]
fn an_investigation_line_that_is_not_a_command_is_rejected() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "  - ecs describe-services --cluster prod --services checkout\n",
        "  - this is not a command\n",
    ));
    let err = ws.load_error();
    assert_starts_with(&err, &ws.at_scenario(64, 5, "investigation[0]"));
}

#[test]
fn an_evidence_command_that_names_no_operation_is_rejected() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "fix:\n",
        "evidence:\n  - {text: the route, command: ec2 describe-route-table, shows: x}\n  - {text: nothing, command: ecs nope-op, shows: y}\n\nfix:\n",
    ));
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}'ec2 describe-route-table' is not an operation faultline knows; did you mean 'ec2 describe-route-tables'?",
            ws.at_scenario(72, 32, "evidence[0].command")
        ),
    );

    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "fix:\n",
        "evidence:\n  - {text: nothing, command: ecs nope-op, shows: y}\n\nfix:\n",
    ));
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}'ecs nope-op' is not an operation faultline knows",
            ws.at_scenario(72, 30, "evidence[0].command")
        ),
    );
}

#[test]
fn an_evidence_command_with_flags_or_a_write_is_rejected() {
    for (command, says) in [
        (
            "ecs describe-tasks --cluster prod",
            "is not a `service operation` pair",
        ),
        (
            "ec2 create-route",
            "changes the world; evidence is seen through a read operation",
        ),
    ] {
        let ws = Workspace::with_scenario(edit(
            SCENARIO,
            "fix:\n",
            &format!("evidence:\n  - {{text: t, command: {command}, shows: y}}\n\nfix:\n"),
        ));
        let err = ws.load_error();
        assert_starts_with(&err, &ws.at_scenario(72, 24, "evidence[0].command"));
        assert_contains(&err, says);
    }
}

#[test]
fn a_fix_line_that_is_a_read_is_rejected() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "  - ec2 create-route --route-table-id ${rtb:private-${var:zone}} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat:${var:nat}}\n",
        "  - ec2 describe-route-tables\n",
    ));
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}not a mutating operation; known: ",
            ws.at_scenario(72, 5, "fix[0]")
        ),
    );
}

#[test]
fn a_command_quoted_in_a_hint_must_name_an_operation() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "Compare the route tables of private-a and private-b.",
        "Run `aws ec2 describe-route-tabels` for private-a and private-b.",
    ));
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}'ec2 describe-route-tabels' is not an operation faultline knows; did you mean 'ec2 describe-route-tables'?",
            ws.at_scenario(59, 12, "hints[2].text")
        ),
    );
}

#[test]
fn an_investigation_read_that_fails_in_the_world_fails_validation() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "  - ecs describe-services --cluster prod --services checkout\n",
        "  - ecs describe-task-definition --task-definition no-such-family:7\n",
    ));
    let out = ws.run(&["validate", "--seeds", "1"]);
    assert_eq!(out.code, Some(1), "stderr:\n{}", out.stderr);
    assert_starts_with(&out.stdout, &format!("FAIL {ID:<28} 0 seeds\n"));
    assert_contains(
        &out.stdout,
        &format!("  {ID} (seed 0): investigation[0] `ecs describe-task-definition --task-definition no-such-family:7` fails against the incident world: "),
    );
}

#[test]
fn a_command_quoted_in_a_hint_with_flags_must_take_them() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "Compare the route tables of private-a and private-b.",
        "Run `ec2 describe-route-tables --route-table-idz x` for private-a.",
    ));
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}`ec2 describe-route-tables --route-table-idz x`: Unknown options: --route-table-idz",
            ws.at_scenario(59, 12, "hints[2].text")
        ),
    );
}

#[test]
fn a_baseline_that_does_not_settle_names_what_the_world_shows() {
    let ws = Workspace::new();
    ws.write_environment(edit(
        ENVIRONMENT,
        "  - {name: nat-b, subnet: public-b}\n",
        "  - {name: nat-b, subnet: private-a}\n",
    ));
    let out = ws.run(&["validate", "--seeds", "1"]);
    assert_eq!(out.code, Some(1), "stderr:\n{}", out.stderr);
    assert_starts_with(&out.stdout, &format!("FAIL {ID:<28} 0 seeds\n"));
    assert_contains(
        &out.stdout,
        &format!("  {ID} (seed 0): without the fault, service checkout did not reach and hold steady state"),
    );
    assert_contains(&out.stdout, "stopped reasons seen (");
    assert_contains(
        &out.stdout,
        "the world shows the symptom of network.no-nat-route",
    );
}

#[test]
fn a_baseline_that_does_not_settle_says_why_on_stdout_as_json() {
    // The tasks' group allows egress only to itself: nothing reaches ECR.
    let ws = Workspace::new();
    ws.write_environment(edit(
        ENVIRONMENT,
        "      - {protocol: tcp, port: 8080, group: shop-alb, description: from the ALB}\n",
        "      - {protocol: tcp, port: 8080, group: shop-alb, description: from the ALB}\n    egress:\n      - {protocol: all, group: checkout-tasks, description: within the group}\n",
    ));
    let out = ws.run(&["validate", "--seeds", "1", "--json"]);
    assert_eq!(out.code, Some(1), "stderr:\n{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["valid"], false);
    let failures = report["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 1, "{failures:#?}");
    let why = failures[0].as_str().expect("a text");
    for part in [
        &format!("{ID} (seed 0): without the fault, service checkout did not reach and hold steady state"),
        "latest events: (service checkout) ",
        "dial tcp ",
        ":443: i/o timeout",
        "the world shows the symptom of network.egress-blocked",
    ] {
        assert_contains(why, part);
    }
}
