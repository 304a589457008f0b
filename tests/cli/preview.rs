//! `preview`: an author plays a scenario with the answer and the evidence
//! checklist shown after each command, ticked as the evidence is seen.

use crate::support::{faultline, repo_scenarios, Session, ID};

/// The `[author]` summary lines of a preview's output, in order.
fn summaries(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("[author] evidence "))
        .collect()
}

#[test]
fn preview_shows_the_answer_and_ticks_the_evidence() {
    let seed = 1;
    let s = Session::new(ID, seed);
    let r = |t: &str| s.game.inst.resolve(t).expect("resolves");
    let rtb = r("${rtb:private-${var:zone}}");
    let script = [
        "status".to_string(),
        r("ecs describe-tasks --cluster prod --tasks ${stopped-task}"),
        r("ec2 describe-route-tables --route-table-ids ${rtb:private-${var:zone}}"),
        "quit".to_string(),
    ];
    let out = faultline()
        .args(["--scenarios".as_ref(), repo_scenarios().as_os_str()])
        .args(["preview", ID, "--seed", &seed.to_string()])
        .write_stdin(script.join("\n") + "\n")
        .output()
        .expect("faultline runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer = format!("answer: network.no-nat-route {rtb}");
    let n = s.game.scenario.spec.evidence.len();
    assert_eq!(n, 2, "the scenario's evidence changed; update this test");
    // Once on arrival, then after each command but `quit`.
    assert_eq!(
        summaries(&stdout),
        vec![
            format!("[author] evidence 0/2 seen · {answer}"),
            format!("[author] evidence 0/2 seen · {answer}"),
            format!("[author] evidence 1/2 seen · {answer}"),
            format!("[author] evidence 2/2 seen · {answer}"),
        ],
        "{stdout}"
    );
    // Each item, resolved, ticked once seen.
    let zone_table = stdout
        .lines()
        .filter(|l| l.starts_with("[author]   [x] ") && l.ends_with("(ec2 describe-route-tables)"))
        .count();
    assert_eq!(zone_table, 1, "{stdout}");
    assert!(!stdout.contains("${"), "unresolved placeholder:\n{stdout}");
}

#[test]
fn preview_takes_a_scenario_file() {
    let file = repo_scenarios().join(format!("{ID}.yaml"));
    let out = faultline()
        .args(["preview".as_ref(), file.as_os_str()])
        .write_stdin("quit\n")
        .output()
        .expect("faultline runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(summaries(&stdout).len(), 1, "{stdout}");
    assert!(stdout.contains("answer: network.no-nat-route "), "{stdout}");
}

#[test]
fn play_shows_no_author_lines() {
    let out = faultline()
        .args(["play", ID, "--seed", "1"])
        .write_stdin("status\nquit\n")
        .output()
        .expect("faultline runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("[author]"), "{stdout}");
}
