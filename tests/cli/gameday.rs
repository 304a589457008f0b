//! Game days: `--player` and `--team` in the events and the report,
//! `faultline scoreboard` over the reports of several scripted sessions of one
//! scenario (terminal table, Markdown, the HTML page opened in headless
//! Chromium, `--watch` over a folder, bad input), and `faultline gameday
//! plan`'s facilitator's sheet against the world at each round's seed.

use crate::support::{assert_contains, faultline, repo_scenarios, Session};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ID: &str = "nat-route-missing";
const SEED: u64 = 3;

/// Four players of `nat-route-missing` at seed 3, each a script and names.
fn players() -> Vec<(&'static str, Option<&'static str>, Vec<String>)> {
    let s = Session::new(ID, SEED);
    let r = |t: &str| s.game.inst.resolve(t).expect("resolves");
    let rtb = r("${rtb:private-${var:zone}}");
    let fix = format!("fix {}", r(&s.game.scenario.spec.fix[0]));
    let look = [
        "ecs describe-tasks --cluster prod --tasks ${stopped-task}",
        "ec2 describe-route-tables --route-table-ids ${rtb:private-${var:zone}}",
    ]
    .map(r);
    let diagnose = format!("diagnose network.no-nat-route {rtb}");
    vec![
        // Evidence first, the right diagnosis, the fix: the best session.
        (
            "ada",
            Some("red"),
            vec![
                look[0].clone(),
                look[1].clone(),
                diagnose.clone(),
                fix.clone(),
                "submit".into(),
            ],
        ),
        // Two hints and a wrong guess before the same fix.
        (
            "bob",
            Some("blue"),
            vec![
                "hint".into(),
                "hint".into(),
                "diagnose runtime.oom".into(),
                diagnose.clone(),
                fix.clone(),
                "submit".into(),
            ],
        ),
        // The right diagnosis, never fixed.
        (
            "cy",
            Some("green"),
            vec![look[0].clone(), diagnose, "quit".into()],
        ),
        // Gone without a word (a hostile name: it must stay text in every format).
        (
            "dee <b>|x",
            None,
            vec!["ecs list-clusters".into(), "quit".into()],
        ),
    ]
}

/// Plays every player's script into `dir/<n>.json` (with events beside), returns the report paths.
fn play_all(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (i, (player, team, script)) in players().into_iter().enumerate() {
        let report = dir.join(format!("{i}.json"));
        let events = dir.join(format!("{i}.jsonl"));
        let mut cmd = faultline();
        cmd.arg("--scenarios")
            .arg(repo_scenarios())
            .args(["play", ID, "--seed", &SEED.to_string(), "--player", player])
            .arg("--report")
            .arg(&report)
            .arg("--events")
            .arg(&events);
        if let Some(t) = team {
            cmd.args(["--team", t]);
        }
        let o = cmd
            .write_stdin(script.join("\n") + "\n")
            .output()
            .expect("faultline runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out.push(report);
    }
    out
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

fn label(r: &Value) -> String {
    match (r["team"].as_str(), r["player"].as_str()) {
        (Some(t), Some(p)) => format!("{t} ({p})"),
        (None, Some(p)) => p.to_string(),
        _ => panic!("every test report names a player: {r}"),
    }
}

/// The reports, best first as the scoreboard must rank them: total, then healed and faster.
fn expected_order(reports: &[PathBuf]) -> Vec<Value> {
    let mut v: Vec<Value> = reports.iter().map(|p| json(p)).collect();
    let key = |r: &Value| {
        let healed = r["verdict"]["healed"] == true;
        (
            -r["score"]["total"].as_i64().unwrap(),
            !healed,
            if healed {
                r["elapsed_ms"].as_i64().unwrap()
            } else {
                i64::MAX
            },
        )
    };
    v.sort_by_key(key);
    v
}

fn run_ok(args: &[&std::ffi::OsStr]) -> String {
    let o = faultline().args(args).output().expect("faultline runs");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// One shared folder of reports for the tests that only read them.
fn reports() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static R: std::sync::OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = play_all(dir.path());
        (dir, files)
    })
}

#[test]
fn player_and_team_are_in_the_report_and_the_events_and_survive_a_replay() {
    let (dir, files) = reports();
    let r = json(&files[0]);
    assert_eq!(r["player"], "ada");
    assert_eq!(r["team"], "red");
    let first = std::fs::read_to_string(dir.path().join("0.jsonl")).expect("events");
    let start: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(start["event"], "session_started");
    assert_eq!(start["player"], "ada");
    assert_eq!(start["team"], "red");
    let nameless = json(&files[3]);
    assert_eq!(nameless["team"], Value::Null);
    // `faultline report` rebuilds the session from its events: names included.
    let again = dir.path().join("again.json.out");
    let o = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .arg("report")
        .arg(dir.path().join("0.jsonl"))
        .arg("--report")
        .arg(&again)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = json(&again);
    assert_eq!(
        (&again["player"], &again["team"]),
        (&r["player"], &r["team"])
    );
    assert_eq!(again["score"], r["score"]);
    // A name is checked.
    let o = faultline()
        .args(["play", ID, "--player", "  "])
        .write_stdin("quit\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&o.stderr),
        "a name cannot be empty",
    );
}

#[test]
fn the_table_ranks_the_sessions_as_their_reports_score_them() {
    let (dir, files) = reports();
    let want = expected_order(files);
    // The scripts were built to spread the scores: no two alike.
    let totals: Vec<i64> = want
        .iter()
        .map(|r| r["score"]["total"].as_i64().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] > w[1]), "{totals:?}");
    let table = run_ok(&["scoreboard".as_ref(), dir.path().as_os_str()]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "nat-route-missing — Checkout deploy stuck waiting for stability (seed 3), 4 sessions"
    );
    assert!(lines[1].starts_with("#  player"), "{table}");
    for (i, r) in want.iter().enumerate() {
        let line = lines[2 + i];
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cells[0], (i + 1).to_string(), "{line}");
        assert_eq!(cells[1], r["player"].as_str().unwrap(), "{line}");
        assert_eq!(cells[2], r["team"].as_str().unwrap_or("-"), "{line}");
        assert_eq!(cells[3], r["score"]["total"].to_string(), "{line}");
        assert_eq!(cells[4], r["score"]["grade"].as_str().unwrap(), "{line}");
        let healed = r["verdict"]["healed"] == true;
        assert_eq!(
            cells[5].starts_with("not "),
            !healed,
            "{line}: healed is {healed}"
        );
        // Counts at the end: wrong diagnoses, refused fixes, hints.
        let n = cells.len();
        let wrong = r["diagnoses"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["cause_correct"] == false)
            .count();
        assert_eq!(cells[n - 3], wrong.to_string(), "{line}");
        assert_eq!(cells[n - 2], r["fix_errors"].to_string(), "{line}");
        assert_eq!(
            cells[n - 1],
            r["hints"].as_array().unwrap().len().to_string(),
            "{line}"
        );
    }
    assert_eq!(lines.len(), 2 + want.len());
    // The best healed, in the incident time its report says.
    let best = &want[0];
    assert_eq!(best["player"], "ada");
    let secs = best["elapsed_ms"].as_i64().unwrap() / 1000;
    let shown = if secs % 60 == 0 {
        format!("{}m", secs / 60)
    } else if secs > 60 {
        format!("{}m{}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    };
    assert_contains(lines[2], &format!(" {shown} "));
    // Files named one by one rank the same.
    let mut args: Vec<&std::ffi::OsStr> = vec!["scoreboard".as_ref()];
    args.extend(files.iter().rev().map(|f| f.as_os_str()));
    assert_eq!(run_ok(&args), table);
}

#[test]
fn markdown_has_one_row_per_session_in_rank_order_with_the_parts() {
    let (dir, files) = reports();
    let want = expected_order(files);
    let md = run_ok(&[
        "scoreboard".as_ref(),
        dir.path().as_os_str(),
        "--format".as_ref(),
        "markdown".as_ref(),
    ]);
    assert!(
        md.starts_with("# Scoreboard\n\n## nat-route-missing"),
        "{md}"
    );
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    let header = rows[0];
    for part in best_parts(&want[0]) {
        assert_contains(header, &part);
    }
    assert_eq!(rows.len(), 1 + want.len(), "{md}");
    for (i, r) in want.iter().enumerate() {
        let row = rows[1 + i];
        assert!(row.starts_with(&format!("| {} | ", i + 1)), "{row}");
        assert_contains(row, &format!(" | {} | ", r["score"]["total"]));
    }
    // The hostile name is escaped: it cannot split the row.
    assert_contains(&md, "dee \\<b\\>\\|x");
    let cols = rows[0].matches(" | ").count();
    assert!(rows
        .iter()
        .all(|r| r.replace("\\|", "").matches(" | ").count() == cols));
}

/// `cause/30`-style headers of the parts that give points, from a report.
fn best_parts(r: &Value) -> Vec<String> {
    r["score"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["max"].as_i64().unwrap() > 0)
        .map(|p| format!("{}/{}", p["name"].as_str().unwrap(), p["max"]))
        .collect()
}

/// Headless Chromium, or None (with a note) when it is not installed; a
/// failure when `FAULTLINE_REQUIRE_CHROMIUM=1` says it must be there.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("FAULTLINE_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("chromium is not installed and FAULTLINE_REQUIRE_CHROMIUM=1 (apt-get install chromium)");
        }
        eprintln!("note: chromium is not installed; the HTML page is checked without a browser");
    }
    found
}

/// The DOM Chromium builds from a file (no network, no profile kept).
fn dump_dom(browser: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().expect("temp dir");
    let o = std::process::Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 DOM")
}

#[test]
fn the_html_page_is_self_contained_and_chromium_shows_the_table_and_charts() {
    let (dir, files) = reports();
    let want = expected_order(files);
    let out = tempfile::tempdir().expect("temp dir");
    let page = out.path().join("board.html");
    let said = run_ok(&[
        "scoreboard".as_ref(),
        dir.path().as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
        "--out".as_ref(),
        page.as_os_str(),
    ]);
    assert_eq!(
        said,
        format!("wrote {} (4 sessions in 1 round)\n", page.display())
    );
    let html = std::fs::read_to_string(&page).expect("the page");
    // Nothing from elsewhere: no script, no link, no external URL but SVG's namespace.
    for banned in ["<script", "<link", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    let outside = html
        .match_indices("http")
        .filter(|(i, _)| !html[*i..].starts_with("http://www.w3.org/2000/svg"))
        .count();
    assert_eq!(outside, 0, "an external URL in the page");
    assert!(!html.contains("<b>"), "a player's name became markup");

    let Some(browser) = chromium() else { return };
    let dom = dump_dom(&browser, &page);
    assert!(!dom.contains("<b>"), "a player's name became markup");
    // The table: one row per session, in rank order, with its total.
    let rows: Vec<&str> = dom.split("<tr class=\"row").skip(1).collect();
    assert_eq!(rows.len(), want.len(), "{dom}");
    for (row, r) in rows.iter().zip(&want) {
        let total = r["score"]["total"].to_string();
        assert_contains(row, &format!("data-total=\"{total}\""));
        assert_contains(row, &format!("<td>{total}</td>"));
    }
    assert_contains(rows[0], "data-label=\"red (ada)\"");
    // The charts: a bar per part that scored for each session, and a heal bar for the healed.
    assert!(
        dom.contains("<svg") && dom.contains("class=\"parts-chart\""),
        "{dom}"
    );
    assert!(dom.contains("class=\"time-chart\""), "{dom}");
    for r in &want {
        let label = label(r);
        let scored = r["score"]["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["points"] != 0)
            .map(|p| p["name"].as_str().unwrap())
            .collect::<std::collections::BTreeSet<_>>();
        let label_attr = label.replace('<', "&lt;").replace('>', "&gt;");
        for part in &scored {
            let rect = format!("data-label=\"{label_attr}\" data-part=\"{part}\"");
            let rect_raw = format!("data-label=\"{label}\" data-part=\"{part}\"");
            assert!(
                dom.contains(&rect) || dom.contains(&rect_raw),
                "no bar for {label}'s {part}"
            );
        }
        if r["verdict"]["healed"] == true {
            assert_contains(
                &dom,
                &format!(
                    "class=\"heal\" data-label=\"{label}\" data-ms=\"{}\"",
                    r["elapsed_ms"]
                ),
            );
        }
    }
}

#[test]
fn bad_input_is_named_and_rounds_are_ranked_apart() {
    let (_, files) = reports();
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good.json");
    std::fs::copy(&files[0], &good).unwrap();
    let cases = [
        (
            "notes.json",
            "just some notes".to_string(),
            "not a faultline report: not JSON",
        ),
        (
            "empty.json",
            "{}".to_string(),
            "not a faultline report: no `schema` field",
        ),
        (
            "future.json",
            std::fs::read_to_string(&files[0]).unwrap().replacen(
                "\"schema\": 1",
                "\"schema\": 2",
                1,
            ),
            "report schema 2, but this faultline reads schema 1",
        ),
        (
            "cut.json",
            r#"{"schema": 1, "scenario": "x"}"#.to_string(),
            "not a faultline report: missing field",
        ),
    ];
    for (name, text, want) in &cases {
        let bad = dir.path().join(name);
        std::fs::write(&bad, text).unwrap();
        let o = faultline()
            .arg("scoreboard")
            .arg(&good)
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_contains(&err, &format!("{}: {want}", bad.display()));
        assert_eq!(o.stdout, b"", "{name}: nothing printed on stdout");
        std::fs::remove_file(&bad).unwrap();
    }
    // A folder with no report, a file that is not there.
    let empty = tempfile::tempdir().unwrap();
    let o = faultline()
        .arg("scoreboard")
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&o.stderr),
        &format!(
            "{}: no reports (*.json) or event streams (*.jsonl) in this folder",
            empty.path().display()
        ),
    );
    let missing = dir.path().join("nope.json");
    let o = faultline()
        .arg("scoreboard")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&o.stderr),
        &format!("{}: cannot read it", missing.display()),
    );
    // Another seed is another round, ranked on its own.
    let other = dir.path().join("other-seed.json");
    let o = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", "4", "--player", "eve", "--report"])
        .arg(&other)
        .write_stdin("quit\n")
        .output()
        .unwrap();
    assert!(o.status.success());
    let table = run_ok(&["scoreboard".as_ref(), dir.path().as_os_str()]);
    assert!(
        table.starts_with("2 rounds (scenario and seed): each is ranked on its own.\n"),
        "{table}"
    );
    assert_contains(&table, "(seed 3), 1 session\n");
    assert_contains(&table, "(seed 4), 1 session\n");
    let eve = table.lines().find(|l| l.contains("eve")).unwrap();
    assert!(eve.starts_with("1  eve"), "{table}");
}

#[test]
fn watch_shows_reports_as_they_arrive_and_stops_by_itself() {
    let (_, files) = reports();
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.env("XDG_STATE_HOME", crate::support::state_home())
        .arg("scoreboard")
        .arg(dir.path())
        .args(["--watch", "--for", "5s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().expect("spawn");
    std::thread::sleep(Duration::from_millis(1500));
    // A report being written (not JSON yet), then the finished ones.
    let late = dir.path().join("late.json");
    std::fs::write(&late, "{\"schema\": 1, \"scen").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::copy(&files[1], &late).unwrap();
    std::fs::copy(&files[0], dir.path().join("first.json")).unwrap();
    let o = child.wait_with_output().expect("the watch ends");
    let spent = started.elapsed();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(spent < Duration::from_secs(30), "it ran {spent:?}");
    let out = String::from_utf8(o.stdout).unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(out.starts_with("No reports yet.\n"), "{out}");
    assert_contains(
        &err,
        &format!(
            "skipped for now: {}: not a faultline report",
            late.display()
        ),
    );
    // The last board: both sessions, ada first.
    let last = out.rsplit("nat-route-missing — ").next().unwrap();
    assert_contains(last, "2 sessions");
    let ada = last.find("ada").expect("ada on the board");
    let bob = last.find("bob").expect("bob on the board");
    assert!(ada < bob, "{out}");
    assert!(out.trim_end().ends_with("Watch ended after 5s."), "{out}");
}

#[test]
fn the_plan_resolves_each_round_at_its_seed() {
    let sheet = run_ok(&[
        "--scenarios".as_ref(),
        repo_scenarios().as_os_str(),
        "gameday".as_ref(),
        "plan".as_ref(),
        ID.as_ref(),
        "oom-killed:5".as_ref(),
        "--seed".as_ref(),
        "3".as_ref(),
    ]);
    assert!(
        sheet.starts_with("# Game day: the facilitator's sheet\n"),
        "{sheet}"
    );
    let rounds: Vec<&str> = sheet.split("\n## Round ").collect();
    assert_eq!(rounds.len(), 3, "{sheet}");
    for (round, (id, seed)) in rounds[1..].iter().zip([(ID, 3), ("oom-killed", 5)]) {
        let s = Session::new(id, seed);
        let r = |t: &str| s.game.inst.resolve(t).expect("resolves");
        let spec = &s.game.scenario.spec;
        assert_contains(round, &format!("{} (seed {seed})", spec.title));
        assert_contains(
            round,
            &format!("faultline play {id} --seed {seed} --team NAME"),
        );
        for line in r(spec.briefing.trim_end()).lines() {
            assert_contains(round, &format!("> {line}\n"));
        }
        assert_contains(round, &format!("- cause: `{}`", spec.answer.cause));
        for c in &spec.answer.culprits {
            let c = r(c);
            assert!(!c.contains("${"), "{c}");
            assert_contains(round, &format!("- culprit: `{c}`"));
        }
        assert_contains(round, r(spec.answer.explanation.trim()).as_str());
        for (i, c) in spec.investigation.iter().enumerate() {
            assert_contains(round, &format!("{}. `{}`", i + 1, r(c)));
        }
        for c in &spec.fix {
            assert_contains(round, &format!("\n{}\n", r(c)));
        }
        for (i, h) in spec.hints.iter().enumerate() {
            assert_contains(
                round,
                &format!("{}. ({} points) {}", i + 1, h.cost, r(&h.text)),
            );
        }
        for e in &spec.evidence {
            assert_contains(round, &format!("- {}", r(&e.text)));
        }
        assert!(round.contains("**(the fault)**"), "{round}");
        // The same answer `show` gives at that seed.
        let show = run_ok(&[
            "--scenarios".as_ref(),
            repo_scenarios().as_os_str(),
            "show".as_ref(),
            id.as_ref(),
            "--seed".as_ref(),
            seed.to_string().as_ref(),
        ]);
        let answer = show.split("\nANSWER\n").nth(1).unwrap();
        for c in answer.lines().filter_map(|l| l.strip_prefix("  culprit: ")) {
            assert_contains(round, &format!("- culprit: `{c}`"));
        }
    }
    // An unknown id is named, with a suggestion; a bad seed too.
    let o = faultline()
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["gameday", "plan", "nat-route-misisng"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&o.stderr),
        "Did you mean 'nat-route-missing'?",
    );
    let o = faultline()
        .args(["gameday", "plan", "oom-killed:x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&o.stderr),
        "oom-killed:x: expected ID or ID:SEED",
    );
}

#[test]
fn event_streams_put_sessions_on_the_board_while_they_are_played() {
    let (dir, files) = reports();
    let live = tempfile::tempdir().expect("temp dir");
    // bob's whole stream, and ada's cut after her second command (still playing).
    std::fs::copy(dir.path().join("1.jsonl"), live.path().join("bob.jsonl")).unwrap();
    let ada = std::fs::read_to_string(dir.path().join("0.jsonl")).unwrap();
    let cut: String = ada.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(live.path().join("ada.jsonl"), cut).unwrap();
    // A stream beside its own report is the same session: the report counts.
    std::fs::copy(&files[2], live.path().join("cy.json")).unwrap();
    std::fs::copy(dir.path().join("2.jsonl"), live.path().join("cy.jsonl")).unwrap();
    let table = run_ok(&[
        "--scenarios".as_ref(),
        repo_scenarios().as_os_str(),
        "scoreboard".as_ref(),
        live.path().as_os_str(),
    ]);
    assert_contains(&table, "(seed 3), 3 sessions\n");
    let bob = json(&files[1]);
    let line = |name: &str| {
        table
            .lines()
            .find(|l| l.split("  ").nth(1).map(str::trim) == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{table}"))
            .to_string()
    };
    let cells = |l: &str| -> Vec<String> {
        l.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    assert_eq!(cells(&line("bob"))[3], bob["score"]["total"].to_string());
    assert!(
        cells(&line("ada"))[5].starts_with("not submitted"),
        "{table}"
    );
    // A stream of a scenario the library does not hold is named.
    let none = tempfile::tempdir().unwrap();
    let o = faultline()
        .arg("--scenarios")
        .arg(none.path())
        .arg("scoreboard")
        .arg(live.path().join("bob.jsonl"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&o.stderr),
        &format!(
            "{}: not a faultline report: its scenario 'nat-route-missing' is not in",
            live.path().join("bob.jsonl").display()
        ),
    );
    let junk = live.path().join("junk.jsonl");
    std::fs::write(&junk, "{\"event\":\"command\"}\n").unwrap();
    let o = faultline().arg("scoreboard").arg(&junk).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&o.stderr),
        &format!("{}: not a faultline report: 1: ", junk.display()),
    );
}
