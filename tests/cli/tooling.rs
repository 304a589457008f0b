//! The command around the game as a tool: colour (decided once; never in a
//! pipe or under NO_COLOR, on every subcommand), `--json` outputs that carry
//! every field of the text, shell completions sourced in a real bash, the man
//! page, and `--version`.

use crate::support::{faultline, fixtures, run, Output, ID};
use insta::assert_snapshot;
use std::collections::BTreeSet;

/// Whether `text` has an ANSI escape sequence.
fn has_escape(text: &str) -> bool {
    text.contains('\x1b')
}

/// `text` with escape sequences made visible, for snapshots.
fn visible(text: &str) -> String {
    text.replace('\x1b', "␛")
}

/// Runs `faultline` with `args` and these environment variables set.
fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = faultline();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("faultline runs");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// `--scenarios` of the frozen fixture folder, so snapshots stay put when the
/// library grows.
fn frozen() -> [String; 2] {
    ["--scenarios".into(), fixtures().display().to_string()]
}

/// Plays the frozen `nat-route-missing` at seed 1 with `script` on standard input.
fn play(script: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = faultline();
    c.args(["play", ID, "--seed", "1"])
        .args(frozen())
        .args(extra);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.write_stdin(script).output().expect("faultline runs");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The scorecard at the end of a session's output.
fn scorecard(stdout: &str) -> &str {
    // With colour on, the heading's escape code comes first.
    let at = stdout
        .find("\x1b[1m── scorecard")
        .or_else(|| stdout.find("── scorecard"))
        .expect("a scorecard in the output");
    &stdout[at..]
}

/// A hint, a wrong diagnosis, then the reference solution of
/// nat-route-missing at seed 1 (culprit and fix), ending with `submit`: a
/// session whose scorecard has every colour in it.
fn solved_script() -> String {
    let show = run_env(
        &[
            "show",
            ID,
            "--seed",
            "1",
            "--json",
            "--scenarios",
            &fixtures().display().to_string(),
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&show.stdout).expect("show --json parses");
    let culprits: Vec<&str> = v["answer"]["culprits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let mut s = format!(
        "hint\ndiagnose network.subnet-exhausted\ndiagnose {} {}\n",
        v["answer"]["cause"].as_str().unwrap(),
        culprits.join(" ")
    );
    for f in v["fix"].as_array().unwrap() {
        s.push_str(&format!("fix {}\n", f.as_str().unwrap()));
    }
    s.push_str("submit\n");
    s
}

#[test]
fn list_validate_and_the_scorecard_with_colour_on_and_off() {
    let dir = fixtures().display().to_string();
    let list_on = run(["list", "--color", "always", "--scenarios", &dir]);
    let list_off = run(["list", "--color", "never", "--scenarios", &dir]);
    assert_snapshot!("list_color_always", visible(&list_on.stdout));
    assert_snapshot!("list_color_never", list_off.stdout);
    assert_eq!(faultline::paint::strip(&list_on.stdout), list_off.stdout);

    let args = ["validate", "--seeds", "2", "--scenarios", &dir];
    let on = run_env(&[&args[..], &["--color", "always"]].concat(), &[]);
    let off = run_env(&[&args[..], &["--color", "never"]].concat(), &[]);
    assert_eq!(on.code, Some(0), "{}", on.stderr);
    assert_snapshot!("validate_color_always", visible(&on.stdout));
    assert_snapshot!("validate_color_never", off.stdout);

    let script = solved_script();
    let on = play(&script, &["--color", "always"], &[]);
    let off = play(&script, &["--color", "never"], &[]);
    assert_eq!(on.code, Some(0), "{}", on.stderr);
    assert_snapshot!("scorecard_color_always", visible(scorecard(&on.stdout)));
    assert_snapshot!("scorecard_color_never", scorecard(&off.stdout));
    assert_eq!(
        faultline::paint::strip(scorecard(&on.stdout)),
        scorecard(&off.stdout)
    );
    // A session that did not heal: NOT HEALED and the missed parts in red.
    let on = play("submit\n", &["--color", "always"], &[]);
    let card = scorecard(&on.stdout);
    assert!(card.contains("\x1b[31mNOT HEALED"), "{}", visible(card));
}

/// Every subcommand, as run in the tests below (a journal for `report` is
/// made first). The list is checked against `faultline --help`, so a new
/// subcommand must be added here.
fn every_subcommand(journal: &str) -> Vec<(&'static str, Vec<String>, Option<&'static str>)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    #[allow(unused_mut)]
    let mut cases = vec![
        ("list", s(&["list"]), None),
        ("list", s(&["list", "--json"]), None),
        (
            "play",
            s(&["play", ID, "--seed", "1"]),
            Some(
                "ecs describe-services --cluster prod --services checkout\nnot-a-command\nsubmit\n",
            ),
        ),
        ("report", s(&["report", journal]), None),
        ("causes", s(&["causes"]), None),
        ("schema", s(&["schema", "scenario"]), None),
        (
            "preview",
            s(&["preview", ID, "--seed", "1"]),
            Some("ecs describe-services --cluster prod --services checkout\nquit\n"),
        ),
        ("show", s(&["show", ID, "--seed", "1"]), None),
        ("show", s(&["show", ID, "--json"]), None),
        ("validate", s(&["validate", "--seeds", "1", ID]), None),
        (
            "validate",
            s(&["validate", "--seeds", "1", "--json", ID]),
            None,
        ),
        ("completions", s(&["completions", "bash"]), None),
        ("man", s(&["man"]), None),
        ("scoreboard", s(&["scoreboard", journal]), None),
        (
            "scoreboard",
            s(&["scoreboard", "--format", "markdown", journal]),
            None,
        ),
        ("gameday", s(&["gameday", "plan", ID, "--seed", "1"]), None),
        ("watch", s(&["watch", "--events", journal]), None),
        ("help", s(&["help"]), None),
        (
            "serve",
            s(&[
                "serve",
                ID,
                "--seed",
                "1",
                "--bind",
                "127.0.0.1:0",
                "--for",
                "1s",
            ]),
            None,
        ),
    ];
    // Live mode's command that needs no account.
    #[cfg(feature = "live")]
    cases.push(("live", s(&["live", "status"]), None));
    cases
}

/// The subcommands `faultline --help` lists.
fn listed_subcommands() -> BTreeSet<String> {
    let help = run(["--help"]).stdout;
    let after = help.split("Commands:").nth(1).expect("a Commands section");
    after
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// A journal of a finished session, for `report`.
fn a_journal() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.jsonl");
    let out = play("status\nquit\n", &["--events", path.to_str().unwrap()], &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    (dir, path.to_str().unwrap().to_string())
}

#[test]
fn no_escape_codes_in_a_pipe_or_under_no_color_on_any_subcommand() {
    let (_dir, journal) = a_journal();
    let cases = every_subcommand(&journal);
    let covered: BTreeSet<String> = cases.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(
        covered,
        listed_subcommands(),
        "every subcommand is checked for escape codes"
    );
    for (_, args, stdin) in &cases {
        for env in [
            vec![],
            vec![("NO_COLOR", "1")],
            vec![("NO_COLOR", "1"), ("TERM", "xterm-256color")],
        ] {
            let mut c = faultline();
            c.args(args);
            for (k, v) in &env {
                c.env(k, v);
            }
            if let Some(s) = stdin {
                c.write_stdin(*s);
            }
            let out = c.output().unwrap();
            let (o, e) = (
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
            );
            assert!(
                !has_escape(&o) && !has_escape(&e),
                "faultline {args:?} with {env:?} printed escape codes:\n{}\n{}",
                visible(&o),
                visible(&e)
            );
            assert!(!o.is_empty(), "faultline {args:?} printed nothing");
        }
    }
    // The same commands do colour when told to (so the check above can fail),
    // and CLICOLOR_FORCE turns colour on in a pipe; --color never beats it.
    for args in [
        vec!["list"],
        vec!["show", ID],
        vec!["validate", "--seeds", "1", ID],
    ] {
        let forced = run_env(&args, &[("CLICOLOR_FORCE", "1")]);
        assert!(has_escape(&forced.stdout), "{args:?} under CLICOLOR_FORCE");
        let never = run_env(
            &[&args[..], &["--color", "never"]].concat(),
            &[("CLICOLOR_FORCE", "1")],
        );
        assert!(!has_escape(&never.stdout), "{args:?} --color never");
        let always = run_env(
            &[&args[..], &["--color", "always"]].concat(),
            &[("NO_COLOR", "1")],
        );
        assert!(has_escape(&always.stdout), "{args:?} --color always");
    }
    let report = run_env(&["report", &journal, "--color", "always"], &[]);
    assert!(has_escape(&report.stdout), "report's scorecard in colour");
    let played = play(
        "not-a-command\necs list-clusters\nquit\n",
        &["--color", "always"],
        &[],
    );
    assert!(has_escape(&played.stderr), "the REPL's errors in red");
    assert!(has_escape(&played.stdout), "the REPL's JSON in colour");
}

#[test]
fn list_json_carries_every_field_of_the_table() {
    let json = run(["list", "--json"]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).expect("JSON");
    let table = run(["list"]).stdout;
    let lines: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), lines.len(), "one row per scenario");
    for (row, line) in rows.iter().zip(&lines) {
        let obj = row.as_object().unwrap();
        let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["id", "title", "difficulty", "tags"]),
            "{row}"
        );
        let d = row["difficulty"].as_u64().unwrap() as usize;
        let tags: Vec<&str> = row["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        // In a pipe a row is one line, nothing cut: the JSON says the same.
        let stars = format!("{}{}", "*".repeat(d), ".".repeat(5 - d));
        assert!(line.starts_with(row["id"].as_str().unwrap()), "{line}");
        assert!(line.contains(row["title"].as_str().unwrap()), "{line}");
        assert!(line.contains(&format!("  {stars}  ")), "{line}");
        assert!(line.ends_with(&tags.join(", ")), "{line}");
    }
    // Filters apply to the JSON too.
    let hard = run(["list", "--json", "--difficulty", "5"]);
    let hard: Vec<serde_json::Value> = serde_json::from_str(&hard.stdout).unwrap();
    assert!(!hard.is_empty() && hard.iter().all(|r| r["difficulty"] == 5));
}

/// Every string and number in a JSON value, recursively.
fn leaves(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Number(n) => out.push(n.to_string()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| leaves(x, out)),
        _ => {}
    }
}

#[test]
fn show_json_carries_every_field_of_the_text() {
    for seed in ["0", "3"] {
        let json = run(["show", ID, "--seed", seed, "--json"]);
        assert_eq!(json.code, Some(0), "{}", json.stderr);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
        let text = run(["show", ID, "--seed", seed]).stdout;
        // Every value of the JSON is in the text.
        let mut all = Vec::new();
        leaves(&v, &mut all);
        for value in all {
            for part in value.lines() {
                assert!(text.contains(part), "{part:?} is not in the text of show");
            }
        }
        // And the text's parts are all in the JSON.
        for key in [
            "id",
            "title",
            "difficulty",
            "seed",
            "now",
            "account",
            "region",
            "variables",
            "briefing",
            "subnets",
            "route_tables",
            "services",
            "timeline",
            "service_events",
            "stopped_tasks",
            "answer",
            "investigation",
            "fix",
        ] {
            assert!(v.get(key).is_some(), "show --json has no {key}");
        }
        let subnets = text.lines().filter(|l| l.starts_with("  subnet ")).count();
        assert_eq!(v["subnets"].as_array().unwrap().len(), subnets);
        let steps = text
            .lines()
            .filter(|l| {
                l.contains("  FAULT  ") || l.contains("  decoy  ") || l.contains("  op     ")
            })
            .count();
        assert_eq!(v["timeline"].as_array().unwrap().len(), steps);
        assert!(v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "FAULT"));
    }
}

#[test]
fn validate_json_carries_the_table_and_the_failures() {
    let out = run(["validate", "--seeds", "3", "--json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let table = run(["validate", "--seeds", "3"]).stdout;
    let rows = v["scenarios"].as_array().unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["seeds"], 3);
    assert_eq!(rows.len() + 1, table.lines().count(), "{table}");
    for (row, line) in rows.iter().zip(table.lines()) {
        assert!(line.starts_with("ok   "), "{line}");
        assert!(line.contains(row["id"].as_str().unwrap()), "{line}");
        assert!(
            line.ends_with(&format!(" {} seeds", row["seeds_ok"])),
            "{line}"
        );
        assert_eq!(row["ok"], true);
        assert_eq!(row["seeds_failed"], 0);
    }
    // A file that does not load: exit 2, the JSON still on stdout, naming it.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.yaml");
    std::fs::write(&bad, "id: [\n").unwrap();
    let out = run([
        "validate",
        "--json",
        "--seeds",
        "1",
        bad.to_str().unwrap(),
        ID,
    ]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on failure");
    assert_eq!(v["valid"], false);
    assert_eq!(v["scenarios"][0]["loads"], false);
    assert_eq!(v["scenarios"][0]["id"], serde_json::Value::Null);
    assert_eq!(
        v["scenarios"][1]["id"], ID,
        "an id names a library scenario"
    );
    assert_eq!(v["load_errors"].as_array().unwrap().len(), 1);
    assert!(out.stderr.contains("broken.yaml"), "{}", out.stderr);
}

/// Runs bash's completion for the words of `line` (the last one being
/// completed) with the script `faultline completions bash` prints sourced.
fn bash_complete(line: &str) -> Vec<String> {
    let bin = assert_cmd::cargo::cargo_bin("faultline");
    let dir = bin.parent().unwrap();
    let words: Vec<&str> = line.split(' ').collect();
    let script = format!(
        r#"set -e
source <(faultline completions bash)
complete -p faultline
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE='{line}'
COMP_POINT=${{#COMP_LINE}}
_faultline faultline '{cur}' '{prev}'
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("PATH", path)
        .env("XDG_STATE_HOME", crate::support::state_home())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("complete -o bashdefault -o default -o nosort -F _faultline faultline"),
        "complete -p names the completion function"
    );
    lines.map(str::to_string).collect()
}

#[test]
fn bash_completes_scenario_ids_for_play_show_and_validate() {
    let ids: Vec<String> = {
        let v: Vec<serde_json::Value> =
            serde_json::from_str(&run(["list", "--json"]).stdout).unwrap();
        v.iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(bash_complete("faultline play nat-"), ["nat-route-missing"]);
    let mut s: Vec<String> = ids.iter().filter(|i| i.starts_with('s')).cloned().collect();
    s.sort();
    let mut got = bash_complete("faultline show s");
    got.sort();
    assert_eq!(got, s);
    let mut got = bash_complete("faultline validate --seeds 3 s");
    got.sort();
    assert_eq!(got, s);
    // Subcommands and flags complete too.
    assert!(bash_complete("faultline comp").contains(&"completions".to_string()));
    assert!(bash_complete("faultline list --js").contains(&"--json".to_string()));
}

#[test]
fn zsh_and_fish_scripts_offer_the_scenario_ids() {
    for shell in ["zsh", "fish"] {
        let out = run(["completions", shell]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        for id in ["nat-route-missing", "two-zones-two-faults"] {
            assert!(out.stdout.contains(id), "{shell}: no {id}");
        }
    }
    let fish = run(["completions", "fish"]).stdout;
    for sub in ["play", "show", "validate"] {
        assert!(
            fish.lines().any(
                |l| l.contains(&format!("__fish_faultline_using_subcommand {sub}\""))
                    && l.contains("nat-route-missing")
            ),
            "fish offers ids for {sub}"
        );
    }
    // A shell clap does not know is an argument error.
    let out = run(["completions", "tcsh"]);
    assert_eq!(out.code, Some(2));
}

#[test]
fn the_man_page_names_every_subcommand_and_renders() {
    let out = run(["man"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let roff = &out.stdout;
    let th = roff
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect("a .TH title line");
    assert!(th.starts_with(".TH faultline 1"), "{th}");
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "VERSION",
    ] {
        assert!(
            roff.lines().any(|l| l == format!(".SH {section}")),
            "no {section} section"
        );
    }
    for sub in listed_subcommands() {
        if sub != "help" {
            assert!(roff.contains(&format!("faultline\\-{sub}(1)")), "{sub}");
        }
    }
    for flag in ["\\-\\-scenarios", "\\-\\-color", "\\-\\-version"] {
        assert!(roff.contains(flag), "{flag}");
    }
    // Rendered by man itself, when it is installed.
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok()
    {
        use std::io::Write;
        let mut child = std::process::Command::new("man")
            .args(["-l", "-"])
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "80")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(roff.as_bytes())
            .unwrap();
        let done = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&done.stdout);
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        assert!(
            text.contains("NAME") && text.contains("faultline"),
            "{text}"
        );
        assert!(!text.contains(".TH"), "roff was rendered");
    }
    // --dir writes one page per command.
    let dir = tempfile::tempdir().unwrap();
    let out = run(["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for page in [
        "faultline.1",
        "faultline-play.1",
        "faultline-list.1",
        "faultline-man.1",
    ] {
        let p = dir.path().join(page);
        assert!(p.is_file(), "{page} written");
        assert!(out.stdout.contains(&p.display().to_string()));
    }
}

#[test]
fn version_names_the_commit() {
    let out = run(["--version"]);
    assert_eq!(out.code, Some(0));
    let line = out.stdout.trim();
    let want = format!("faultline {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&want) && line.ends_with(')'), "{line}");
    let commit = &line[want.len()..line.len() - 1];
    let git = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match git {
        Ok(g) if g.status.success() => {
            assert_eq!(commit, String::from_utf8_lossy(&g.stdout).trim());
        }
        _ => assert!(commit == "unknown" || !commit.is_empty()),
    }
}

/// Runs `faultline <args>` on a pseudo-terminal `cols` wide and returns all it printed.
fn on_a_terminal(args: &str, cols: u16, env: &[(&str, &str)]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("faultline");
    let mut cmd = std::process::Command::new("bash");
    cmd.args([
        "--norc",
        "--noprofile",
        "-c",
        &format!("stty cols {cols} rows 50; exec '{}' {args}", bin.display()),
    ])
    .env("TERM", "xterm")
    .env("XDG_STATE_HOME", crate::support::state_home())
    .env_remove("NO_COLOR")
    .env_remove("CLICOLOR_FORCE")
    .env_remove("CLICOLOR")
    .current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).expect("spawns on a pty");
    let text = p.exp_eof().expect("the command ends");
    // rexpect hands back each byte as a char; put the UTF-8 back together.
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8(bytes)
        .expect("UTF-8 output")
        .replace("\r\n", "\n")
}

#[test]
fn on_a_terminal_list_fits_the_width_and_is_coloured_unless_no_color() {
    for cols in [70u16, 100, 200] {
        let text = on_a_terminal("list", cols, &[]);
        assert!(has_escape(&text), "colour on a terminal");
        let plain = faultline::paint::strip(&text);
        for line in plain.lines() {
            assert!(
                line.chars().count() <= cols as usize,
                "{cols} columns: {} > {cols}: {line:?}",
                line.chars().count()
            );
        }
        // Ids are never cut; from 100 columns only the ends of long titles are.
        let rows: Vec<serde_json::Value> =
            serde_json::from_str(&run(["list", "--json"]).stdout).unwrap();
        for r in &rows {
            assert!(plain.contains(r["id"].as_str().unwrap()), "{plain}");
            for t in r["tags"].as_array().unwrap() {
                if cols >= 100 {
                    assert!(plain.contains(t.as_str().unwrap()), "{cols}: tag {t}");
                }
            }
        }
        if cols == 70 {
            assert!(plain.contains('…'), "long titles are cut at 70 columns");
        }
        if cols == 200 {
            assert_eq!(plain, run(["list"]).stdout, "wide enough: as in a pipe");
        }
    }
    for (args, env) in [
        ("list", vec![("NO_COLOR", "1")]),
        ("show nat-route-missing", vec![("NO_COLOR", "1")]),
        (
            "validate --seeds 1 nat-route-missing",
            vec![("NO_COLOR", "1")],
        ),
        ("list --color never", vec![]),
        ("list", vec![("TERM", "dumb")]),
    ] {
        let text = on_a_terminal(args, 100, &env);
        assert!(!has_escape(&text), "{args} {env:?}: {}", visible(&text));
    }
    for args in [
        "show nat-route-missing",
        "validate --seeds 1 nat-route-missing",
    ] {
        assert!(has_escape(&on_a_terminal(args, 100, &[])), "{args}");
    }
}
