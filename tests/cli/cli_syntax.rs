//! What faultline teaches must work at work: every reference investigation,
//! fix, hint command and evidence operation of every scenario, resolved as a
//! player sees it, is a command line the AWS CLI itself takes — no
//! faultline-only syntax (relative times, `now`). Checked by faultline's own
//! parser in its strict mode, and, where the AWS CLI (awscli) is installed,
//! by the CLI's own parser without the network (tests/fixtures/awscli_parses.py).

use crate::support::repo_scenarios;
use faultline::awscli::command::{cli_compatible, operation};
use faultline::scenario::{quoted_commands, scenario_files, Scenario};
use std::io::Write;
use std::process::{Command, Stdio};

/// Every command line a scenario teaches, resolved at seed 1: (where, line).
fn taught() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for file in scenario_files(&repo_scenarios()).expect("the scenarios folder") {
        let s = Scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let inst = s.incident(1).unwrap_or_else(|e| panic!("{e}"));
        let region = inst.sim.world().region.clone();
        let id = s.id().to_string();
        let spec = &s.spec;
        let mut lines: Vec<(String, &str)> = Vec::new();
        for (i, c) in spec.investigation.iter().enumerate() {
            lines.push((format!("investigation[{i}]"), c));
        }
        for (i, c) in spec.fix.iter().enumerate() {
            lines.push((format!("fix[{i}]"), c));
        }
        for (i, h) in spec.hints.iter().enumerate() {
            for q in quoted_commands(&h.text) {
                if q.contains("--") {
                    lines.push((format!("hints[{i}]"), q));
                }
            }
        }
        for (what, line) in lines {
            let resolved = inst
                .resolve(line)
                .unwrap_or_else(|e| panic!("{id} {what}: {e}"));
            out.push((format!("{id} {what}"), resolved, region.clone()));
        }
        for (i, e) in spec.evidence.iter().enumerate() {
            let w: Vec<&str> = e.command.split_whitespace().collect();
            let w = w.strip_prefix(&["aws"]).unwrap_or(&w);
            operation(w[0], w[1]).unwrap_or_else(|e| panic!("{id} evidence[{i}]: {e}"));
        }
    }
    out
}

#[test]
fn every_taught_command_is_aws_cli_syntax() {
    let taught = taught();
    assert!(taught.len() > 100, "only {} commands taught", taught.len());
    let bad: Vec<String> = taught
        .iter()
        .filter_map(|(what, line, region)| {
            cli_compatible(line, region)
                .err()
                .map(|e| format!("{what}: {line}\n    {e}"))
        })
        .collect();
    assert!(bad.is_empty(), "not AWS CLI syntax:\n{}", bad.join("\n"));
}

#[test]
fn faultline_only_times_are_not_aws_cli_syntax() {
    let line = "cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --start-time -30m --end-time now --period 60 --statistics Maximum";
    assert_eq!(
        cli_compatible(line, "us-east-1").err().unwrap(),
        "--start-time -30m: the AWS CLI takes an ISO 8601 timestamp or epoch seconds here, not faultline's relative times"
    );
    let iso = "cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --start-time 2026-03-14T11:18:00Z --end-time 2026-03-14T11:48:00Z --period 60 --statistics Maximum";
    assert!(cli_compatible(iso, "us-east-1").is_ok());
}

/// Operations of AWS CLI v2 that v1 (the `awscli` package) lacks.
const V2_ONLY: &[&str] = &["logs tail"];

#[test]
fn the_aws_cli_itself_parses_every_taught_command() {
    let python = std::env::var("FAULTLINE_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_awscli = Command::new(&python)
        .args(["-c", "import awscli"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_awscli {
        assert!(
            std::env::var_os("FAULTLINE_REQUIRE_AWSCLI").is_none(),
            "FAULTLINE_REQUIRE_AWSCLI is set but {python} cannot import awscli"
        );
        eprintln!("skipped: {python} cannot import awscli (pip install awscli)");
        return;
    }
    let taught: Vec<(String, String, String)> = taught()
        .into_iter()
        .filter(|(_, line, _)| !V2_ONLY.iter().any(|op| line.starts_with(op)))
        .collect();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("awscli_parses.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(&taught[0].2)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    let mut input = String::new();
    for (_, line, _) in &taught {
        // One command per line: the reference's folded lines are one line.
        input.push_str(&line.replace('\n', " "));
        input.push('\n');
    }
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("python ends");
    let text = String::from_utf8(out.stdout).unwrap();
    let results: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(results.len(), taught.len(), "{text}");
    let bad: Vec<String> = taught
        .iter()
        .zip(&results)
        .filter(|(_, r)| r["parsed"] != true)
        .map(|((what, line, _), r)| {
            let err = r["error"].as_str().unwrap_or("");
            let last = err.lines().last().unwrap_or("");
            format!("{what}: {line}\n    {last}")
        })
        .collect();
    assert!(bad.is_empty(), "the AWS CLI refuses:\n{}", bad.join("\n"));
}
