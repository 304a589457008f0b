//! `faultline serve` speaks AWS: the real AWS CLI (awscli, in process:
//! tests/fixtures/awscli_run.py) pointed at the server prints what the REPL
//! prints for the same command, world and seed — results and error lines —
//! for every read operation of the catalogue (the lines are generated over
//! the catalogue and the scenarios, so a new operation is covered or the
//! coverage test names it), and every scenario's reference fix, sent as
//! writes, answers as `fix` does; boto3's parsers and paginators get what
//! the REPL answers.

use crate::support::repo_scenarios;
use faultline::aws::catalogue::{self, Complete, FlagKind};
use faultline::game::aws::{apply_fix, run_read, FixOutcome};
use faultline::scenario::{quoted_commands, scenario_files, Scenario};
use faultline::serve::http::{start, Running};
use faultline::serve::{ServeOptions, Served};
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

/// Read operations the wire cannot carry as the REPL shows them: the
/// Session Manager plugin's session, and a v2-only CLI customization.
const NOT_OVER_THE_WIRE: &[&str] = &["ecs execute-command", "logs tail"];

/// The Python with awscli and boto3, or None (the test skips) unless
/// FAULTLINE_REQUIRE_AWSCLI is set.
pub fn python() -> Option<String> {
    let python = std::env::var("FAULTLINE_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import awscli, boto3"])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(python);
    }
    assert!(
        std::env::var_os("FAULTLINE_REQUIRE_AWSCLI").is_none(),
        "FAULTLINE_REQUIRE_AWSCLI is set but {python} cannot import awscli and boto3"
    );
    eprintln!("skipped: {python} cannot import awscli and boto3 (pip install awscli boto3)");
    None
}

/// A server of `scenario` at `seed` with a stopped clock, for `teams`.
pub fn serve(
    scenario: &Scenario,
    seed: u64,
    teams: &[&str],
) -> (Running, Arc<Served>, tempfile::TempDir) {
    serve_with(scenario, seed, teams, 0.0, false)
}

/// A server of `scenario` at `seed` for `teams`, its clock at `speed`,
/// with a token for every team when `tokens`.
pub fn serve_with(
    scenario: &Scenario,
    seed: u64,
    teams: &[&str],
    speed: f64,
    tokens: bool,
) -> (Running, Arc<Served>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let opts = ServeOptions {
        scenario: scenario.clone(),
        seed,
        bind: "127.0.0.1:0".parse().unwrap(),
        speed,
        teams: teams.iter().map(|t| t.to_string()).collect(),
        journal_dir: dir.path().join("journals"),
        sandbox_stack: None,
    };
    let served = Arc::new(Served::new(&opts, tokens).unwrap_or_else(|e| panic!("{e}")));
    let running = start(served.clone(), opts.bind, false).unwrap();
    (running, served, dir)
}

/// What the AWS CLI printed for one line.
#[derive(Debug)]
pub struct CliRun {
    pub rc: i64,
    pub stdout: String,
    pub stderr: String,
}

/// One AWS CLI line for a server: (url, region, access key id, line).
pub type Job = (String, String, String, String);

/// Runs one of tests/fixtures' Python scripts over JSON jobs, one a line,
/// and reads its JSON answers, one a line.
fn run_python(python: &str, script: &str, jobs: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(script);
    let mut child = Command::new(python)
        .arg(&script)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    let input: String = jobs.iter().map(|j| format!("{j}\n")).collect();
    // Written from another thread: the answers fill the stdout pipe while
    // the jobs are still going in, and a pipe holds only so much.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("python ends");
    writer.join().unwrap().expect("the jobs are written");
    let text = String::from_utf8(out.stdout).unwrap();
    let results: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(results.len(), jobs.len(), "{text}");
    results
}

/// Runs AWS CLI lines, each against its server as its team.
pub fn aws_cli(python: &str, jobs: &[Job]) -> Vec<CliRun> {
    let jobs: Vec<serde_json::Value> = jobs
        .iter()
        .map(|(url, region, key, line)| {
            serde_json::json!({"url": url, "region": region, "key": key, "line": line.replace('\n', " ")})
        })
        .collect();
    run_python(python, "awscli_run.py", &jobs)
        .into_iter()
        .map(|v| CliRun {
            rc: v["rc"].as_i64().unwrap_or(-1),
            stdout: v["stdout"].as_str().unwrap_or("").to_string(),
            stderr: v["stderr"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

fn op_of(line: &str) -> String {
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Example values of required flags no world resource completes.
fn example(flag: &str, now: i64) -> Option<String> {
    let iso = |t: i64| faultline::time::iso(t);
    Some(match flag {
        "namespace" => "AWS/ECS".into(),
        "metric-name" => "CPUUtilization".into(),
        "start-time" => iso(now - 30 * 60_000),
        "end-time" => iso(now),
        "period" => "60".into(),
        "statistics" => "Maximum".into(),
        "service-code" => "fargate".into(),
        "quota-code" => "L-3032A538".into(),
        "action-names" => "ecr:GetAuthorizationToken".into(),
        "key-id" => "alias/aws/secretsmanager".into(),
        "version-id" => "v1".into(),
        _ => return None,
    })
}

/// A line of `op` with its required flags filled from the world.
fn generated(
    op: &catalogue::ReadOp,
    inst: &faultline::scenario::Instance,
) -> Result<String, String> {
    let w = inst.sim.world();
    let mut line = format!("{} {}", op.service, op.name);
    for f in op.flags.iter().filter(|f| f.required) {
        let value = match f.complete {
            Complete::Nothing | Complete::Choices(_) => example(f.name, inst.now),
            c => faultline::repl::complete::values(w, c).into_iter().next(),
        };
        let Some(v) = value.or_else(|| example(f.name, inst.now)) else {
            return Err(format!(
                "{} {}: no value for required --{} (add an example in serve_wire.rs)",
                op.service, op.name, f.name
            ));
        };
        let v = if f.kind == FlagKind::Structure {
            v
        } else {
            shlex::try_quote(&v).unwrap().into_owned()
        };
        line.push_str(&format!(" --{} {v}", f.name));
    }
    Ok(line)
}

/// The read lines a scenario teaches (investigation and hints), resolved at `seed`.
fn taught_reads(s: &Scenario, inst: &faultline::scenario::Instance) -> Vec<String> {
    let mut lines: Vec<&str> = s.spec.investigation.iter().map(String::as_str).collect();
    for h in &s.spec.hints {
        lines.extend(
            quoted_commands(&h.text)
                .into_iter()
                .filter(|q| q.contains(' ')),
        );
    }
    lines
        .into_iter()
        .filter_map(|l| inst.resolve(l).ok())
        .map(|l| l.replace('\n', " "))
        .filter(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words.len() >= 2 && catalogue::find_read(words[0], words[1]).is_some()
        })
        .filter(|l| !NOT_OVER_THE_WIRE.contains(&op_of(l).as_str()))
        // Only what the CLI sends: a line it refuses never reaches a server.
        .filter(|l| faultline::awscli::command::parse(l, &inst.sim.world().region).is_ok())
        .collect()
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}: REPL {x:?} / CLI {y:?}", i + 1);
        }
    }
    format!(
        "lengths: REPL {} lines / CLI {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn the_aws_cli_against_serve_prints_what_the_repl_prints_for_every_read_operation() {
    let Some(python) = python() else { return };
    let seed = 3;
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut bad = Vec::new();
    let mut compared = 0;
    let files = scenario_files(&repo_scenarios()).expect("the scenarios folder");
    let mut servers = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut whose = Vec::new();
    for (n, file) in files.iter().enumerate() {
        let s = Scenario::load(file).unwrap_or_else(|e| panic!("{e}"));
        let inst = s.incident(seed).unwrap_or_else(|e| panic!("{e}"));
        let mut lines = taught_reads(&s, &inst);
        // The first scenario also runs a generated line of every read operation.
        if n == 0 {
            for op in catalogue::reads() {
                let name = format!("{} {}", op.service, op.name);
                if NOT_OVER_THE_WIRE.contains(&name.as_str()) {
                    continue;
                }
                match generated(op, &inst) {
                    Ok(l) => {
                        // The CLI's own paging, and its other output formats.
                        if op.flags.iter().any(|f| f.name == "max-items") {
                            lines.push(format!("{l} --max-items 1"));
                        }
                        lines.push(format!("{l} --output text"));
                        lines.push(format!("{l} --output table"));
                        lines.push(l);
                    }
                    Err(e) => bad.push(e),
                }
            }
        }
        let (running, served, dir) = serve(&s, seed, &["red", "fixer"]);
        let url = format!("http://{}", running.addr);
        for l in lines {
            jobs.push((url.clone(), served.region.clone(), "red".into(), l));
            whose.push((servers.len(), None));
        }
        // The reference fix, a write at a time, by another team.
        let mut sim = inst.sim.clone();
        for f in &s.spec.fix {
            let Ok(line) = inst.resolve(f) else { continue };
            let line = line.replace('\n', " ");
            if faultline::awscli::command::parse(&line, &served.region).is_err() {
                continue;
            }
            let want = match apply_fix(&mut sim, &line) {
                FixOutcome::Applied { text, .. } => Ok(text),
                FixOutcome::Refused { error, .. } => Err(error),
                FixOutcome::NotAFix(e) => Err(e),
            };
            jobs.push((url.clone(), served.region.clone(), "fixer".into(), line));
            whose.push((servers.len(), Some(want)));
        }
        servers.push((s, inst, running, dir));
    }
    let runs = aws_cli(&python, &jobs);
    for ((job, run), (i, fix)) in jobs.iter().zip(&runs).zip(&whose) {
        let (s, inst, _, _) = &servers[*i];
        let line = &job.3;
        covered.insert(op_of(line));
        compared += 1;
        let repl = match fix {
            Some(outcome) => outcome.clone(),
            None => run_read(&inst.sim, line).map(|o| o.text),
        };
        let (want, got, stream) = match &repl {
            Ok(text) => (
                text.trim_end().to_string(),
                run.stdout.trim_end().to_string(),
                "stdout",
            ),
            Err(e) => (
                e.trim().to_string(),
                run.stderr.trim().to_string(),
                "stderr",
            ),
        };
        if want != got {
            bad.push(format!(
                "{} `{line}` ({stream}, rc {}): {}\n--- REPL\n{}\n--- CLI\n{}{}",
                s.id(),
                run.rc,
                first_difference(&want, &got),
                want.chars().take(600).collect::<String>(),
                got.chars().take(600).collect::<String>(),
                if stream == "stdout" && !run.stderr.is_empty() {
                    format!("\n--- CLI stderr\n{}", run.stderr)
                } else {
                    String::new()
                }
            ));
        }
    }
    for (_, _, running, _) in servers {
        running.stop();
    }
    let answered = runs.iter().filter(|r| r.rc == 0).count();
    assert!(
        answered > 200,
        "only {answered} of {compared} lines answered without an error"
    );
    let missing: Vec<String> = catalogue::reads()
        .map(|o| format!("{} {}", o.service, o.name))
        .filter(|o| !NOT_OVER_THE_WIRE.contains(&o.as_str()) && !covered.contains(o))
        .collect();
    let writes = whose.iter().filter(|(_, f)| f.is_some()).count();
    assert!(writes > 30, "only {writes} reference fix lines compared");
    assert!(
        missing.is_empty(),
        "read operations never compared: {missing:?}"
    );
    assert!(
        bad.is_empty(),
        "{} of {compared} lines differ:\n\n{}",
        bad.len(),
        bad.join("\n\n")
    );
}

/// Calls the APIs with boto3: one JSON job a line (see tests/fixtures/boto3_run.py).
pub fn boto3(python: &str, jobs: &[serde_json::Value]) -> Vec<serde_json::Value> {
    run_python(python, "boto3_run.py", jobs)
}

/// Drops what the JSON protocols leave out: empty members are absent on
/// the wire only when they are null.
fn without_nulls(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_nulls(x)))
                .collect(),
        ),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.iter().map(without_nulls).collect())
        }
        other => other.clone(),
    }
}

#[test]
fn boto3_against_serve_gets_what_the_repl_answers_for_every_read_operation() {
    let Some(python) = python() else { return };
    let seed = 3;
    let s = Scenario::load(&repo_scenarios().join("alb-sg-blocks-targets.yaml")).unwrap();
    let inst = s.incident(seed).unwrap();
    let (running, served, _dir) = serve(&s, seed, &["red"]);
    let url = format!("http://{}", running.addr);
    let mut lines = Vec::new();
    for op in catalogue::reads() {
        let name = format!("{} {}", op.service, op.name);
        if NOT_OVER_THE_WIRE.contains(&name.as_str()) {
            continue;
        }
        lines.push(generated(op, &inst).unwrap_or_else(|e| panic!("{e}")));
    }
    lines.extend(taught_reads(&s, &inst));
    let region = served.region.clone();
    let jobs: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| {
            let cmd = faultline::awscli::command::parse(l, &region)
                .unwrap_or_else(|e| panic!("{l}: {e}"));
            serde_json::json!({
                "url": url, "region": region, "key": "red",
                "service": cmd.entry.service(), "api": cmd.entry.api(),
                "params": cmd.input, "paginate": true,
            })
        })
        .collect();
    let results = boto3(&python, &jobs);
    let mut bad = Vec::new();
    for (line, got) in lines.iter().zip(&results) {
        match faultline::awscli::command::read(&inst.sim, line) {
            Ok((_, want)) => {
                if got["ok"] != true || without_nulls(&got["result"]) != without_nulls(&want) {
                    bad.push(format!("`{line}`\n--- REPL\n{want}\n--- boto3\n{got}"));
                }
            }
            Err(faultline::aws::CommandError::Aws(e)) => {
                if got["code"] != e.code.as_str() || got["message"] != e.message.as_str() {
                    bad.push(format!(
                        "`{line}`: REPL {} {} / boto3 {got}",
                        e.code, e.message
                    ));
                }
            }
            Err(e) => bad.push(format!("`{line}`: the REPL refused it before sending: {e}")),
        }
    }
    running.stop();
    assert!(
        bad.is_empty(),
        "{} of {} calls differ:\n\n{}",
        bad.len(),
        lines.len(),
        bad.join("\n\n")
    );
}
