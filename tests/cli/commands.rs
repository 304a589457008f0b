//! `causes`, `list` and `show` over the repository's scenarios.

use crate::support::{assert_contains, repo_scenarios, run, Output};
use faultline::scenario::causes::CAUSES;

/// `faultline --scenarios <repo>/scenarios <args>`.
fn in_repo(args: &[&str]) -> Output {
    let dir = repo_scenarios();
    let mut all = vec!["--scenarios", dir.to_str().expect("a UTF-8 path")];
    all.extend_from_slice(args);
    run(all)
}

#[track_caller]
fn success(out: Output) -> String {
    assert_eq!(out.code, Some(0), "exit code; stderr:\n{}", out.stderr);
    assert_eq!(out.stderr, "", "stderr");
    out.stdout
}

const HEADER_WORDS: [&str; 4] = ["ID", "TITLE", "DIFFICULTY", "TAGS"];

#[track_caller]
fn assert_header(line: &str) {
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        HEADER_WORDS,
        "header line: {line:?}"
    );
}

/// The `list` row of nat-route-missing: id, title, difficulty stars, tags.
#[track_caller]
fn assert_nat_row(stdout: &str) {
    let row = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some("nat-route-missing"))
        .unwrap_or_else(|| panic!("no nat-route-missing row in\n{stdout}"));
    let cells: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cells,
        [
            "nat-route-missing",
            "Checkout deploy stuck waiting for stability",
            "**...",
            "networking, nat, deployment",
        ],
        "row: {row:?}"
    );
}

#[test]
fn causes_lists_every_cause_with_its_summary() {
    let stdout = success(run(["causes"]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), CAUSES.len(), "one line per cause:\n{stdout}");
    for (line, cause) in lines.iter().zip(CAUSES) {
        let (id, summary) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("no summary on {line:?}"));
        assert_eq!(id, cause.id);
        assert_eq!(summary.trim_start(), cause.summary);
        assert!(!summary.trim().is_empty(), "empty summary on {line:?}");
    }
    for id in [
        "network.no-nat-route",
        "runtime.oom",
        "taskdef.invalid-size",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.split_whitespace().next() == Some(id)),
            "{id} is not listed:\n{stdout}"
        );
    }
    // The summaries start in one column.
    let columns: Vec<usize> = lines
        .iter()
        .zip(CAUSES)
        .map(|(l, c)| l.len() - c.summary.len())
        .collect();
    assert!(
        columns.iter().all(|&c| c == columns[0]),
        "ragged:\n{stdout}"
    );
}

#[test]
fn list_shows_the_header_and_the_nat_route_missing_row() {
    let stdout = success(in_repo(&["list"]));
    assert_header(stdout.lines().next().expect("a header"));
    assert_nat_row(&stdout);
}

#[test]
fn list_by_tag_keeps_the_matching_scenarios() {
    let stdout = success(in_repo(&["list", "--tag", "networking"]));
    assert_header(stdout.lines().next().expect("a header"));
    assert_nat_row(&stdout);
}

#[test]
fn list_by_unknown_tag_shows_only_the_header() {
    let stdout = success(in_repo(&["list", "--tag", "nosuchtag"]));
    assert_eq!(stdout, "ID  TITLE  DIFFICULTY  TAGS\n");
}

#[test]
fn list_by_difficulty_filters() {
    let two = success(in_repo(&["list", "--difficulty", "2"]));
    assert_nat_row(&two);
    for line in two.lines().skip(1) {
        assert_contains(line, "  **...  ");
    }
    let five = success(in_repo(&["list", "--difficulty", "5"]));
    assert!(
        !five.contains("nat-route-missing"),
        "difficulty 5 lists nat-route-missing:\n{five}"
    );
}

#[test]
fn list_rejects_a_difficulty_out_of_range() {
    for d in ["9", "0"] {
        let out = in_repo(&["list", "--difficulty", d]);
        assert_eq!(
            out.code,
            Some(2),
            "--difficulty {d}; stderr:\n{}",
            out.stderr
        );
        assert_eq!(out.stdout, "");
        assert_contains(
            &out.stderr,
            &format!("invalid value '{d}' for '--difficulty <DIFFICULTY>': {d} is not in 1..=5"),
        );
    }
}

#[test]
fn show_prints_briefing_timeline_and_answer() {
    let stdout = success(in_repo(&["show", "nat-route-missing", "--seed", "3"]));
    assert!(
        stdout.starts_with(
            "nat-route-missing — Checkout deploy stuck waiting for stability (difficulty 2, seed 3)\n"
        ),
        "first line:\n{stdout}"
    );
    let at = |section: &str| {
        stdout
            .find(section)
            .unwrap_or_else(|| panic!("no {section:?} in\n{stdout}"))
    };
    let briefing = at("\nBRIEFING\nPAGE  #inc-4471");
    let timeline = at("\nTIMELINE (relative to now)\n");
    let answer = at("\nANSWER\n  cause: network.no-nat-route\n  culprit: rtb-");
    let fix = at("\nREFERENCE FIX\n  ec2 create-route --route-table-id rtb-");
    assert!(briefing < timeline && timeline < answer && answer < fix);
    // The timeline holds the fault, applied as a concrete command.
    let fault = stdout[timeline..answer]
        .lines()
        .position(|l| l.contains("  FAULT  "))
        .expect("a FAULT entry in the timeline");
    let command = stdout[timeline..answer]
        .lines()
        .nth(fault + 1)
        .unwrap_or("");
    assert_contains(command, "ec2 delete-route --route-table-id rtb-");
}

#[test]
fn show_resolves_every_placeholder() {
    let stdout = success(in_repo(&["show", "nat-route-missing", "--seed", "3"]));
    let left: Vec<&str> = stdout.lines().filter(|l| l.contains("${")).collect();
    assert!(
        left.is_empty(),
        "unresolved placeholders:\n{}",
        left.join("\n")
    );
}

#[test]
fn show_is_deterministic_per_seed() {
    let args = ["show", "nat-route-missing", "--seed", "3"];
    let first = success(in_repo(&args));
    let second = success(in_repo(&args));
    assert!(first == second, "two runs with seed 3 differ");
    // Another seed is another variation (a different "now" at least).
    let other = success(in_repo(&["show", "nat-route-missing", "--seed", "4"]));
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_ne!(
        body(&first),
        body(&other),
        "seeds 3 and 4 give the same world"
    );
}

#[test]
fn show_suggests_the_nearest_id_for_a_typo() {
    let out = in_repo(&["show", "nat-route-misssing"]);
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_contains(&out.stderr, "no scenario 'nat-route-misssing' in ");
    assert_contains(&out.stderr, "Did you mean 'nat-route-missing'?");
}

#[test]
fn show_makes_no_suggestion_for_a_distant_id() {
    let out = in_repo(&["show", "zzz"]);
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert_contains(&out.stderr, "no scenario 'zzz' in ");
    assert!(!out.stderr.contains("Did you mean"), "{}", out.stderr);
}
