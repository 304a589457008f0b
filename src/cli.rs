//! The command line's verbs over the library: `list`, `causes`, `show`,
//! `validate`, and the game day's `scoreboard` and `gameday plan`. Output is
//! plain text; `main` maps errors to exit codes.

use crate::scenario::format::ScenarioSpec;
use crate::scenario::{
    causes, load_spec, scenario_files, validate, Library, Mode, Scenario, ScenarioError,
};
use crate::time::{iso, Dur};
use crate::world::{RouteDest, RouteTarget};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A failure of a command, with its exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad scenario files or arguments (exit 2).
    Input(String),
    /// Validation found scenarios that do not hold (exit 1).
    Invalid(String),
    /// A result that is also a failure: the report goes to standard output,
    /// the errors to standard error, and the exit code says which failure.
    Reported {
        /// The result (standard output).
        report: String,
        /// What went wrong (standard error).
        errors: String,
        /// Exit code.
        code: i32,
    },
}

impl CliError {
    /// The process exit code for this error.
    pub fn code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Invalid(_) => 1,
            CliError::Reported { code, .. } => *code,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Input(s) | CliError::Invalid(s) => f.write_str(s),
            CliError::Reported { errors, .. } => f.write_str(errors),
        }
    }
}

impl From<ScenarioError> for CliError {
    fn from(e: ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<crate::gameday::Error> for CliError {
    fn from(e: crate::gameday::Error) -> Self {
        CliError::Input(e.to_string())
    }
}

/// The scenarios: `--scenarios DIR`, else `./scenarios` when there is one,
/// else the ones built into the binary.
pub fn library(flag: Option<&Path>) -> Library {
    if let Some(p) = flag {
        return Library::Folder(p.to_path_buf());
    }
    let local = PathBuf::from("scenarios");
    if local.is_dir() {
        return Library::Folder(local);
    }
    Library::BuiltIn
}

/// The scenario files of `lib`; an error when there are none.
fn files(lib: &Library) -> Result<Vec<PathBuf>, CliError> {
    let files = lib.files().map_err(CliError::Input)?;
    if files.is_empty() {
        return Err(CliError::Input(format!("no scenarios (*.yaml) in {lib}")));
    }
    Ok(files)
}

/// Every scenario file of `lib` read on its own (no environment, no world), or all their errors.
fn load_specs(lib: &Library) -> Result<Vec<ScenarioSpec>, CliError> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for f in files(lib)? {
        match load_spec(lib, &f) {
            Ok(s) => out.push(s),
            Err(e) => errs.push(e.to_string()),
        }
    }
    if !errs.is_empty() {
        return Err(CliError::Input(errs.join("\n")));
    }
    Ok(out)
}

/// Finds a scenario by id, proven to instantiate at seed 0 ([`Scenario::load`]).
pub fn find(lib: &Library, id: &str) -> Result<Scenario, CliError> {
    let file = locate(lib, id)?;
    Ok(Scenario::load_from(lib, &file)?)
}

/// Finds a scenario by id and loads it without simulating anything
/// ([`Scenario::open`]); [`Scenario::incident`] finishes its checks at a seed.
pub fn open(lib: &Library, id: &str) -> Result<Scenario, CliError> {
    let file = locate(lib, id)?;
    Ok(Scenario::open(lib, &file)?)
}

/// The file of the scenario `id`, or an error naming the ones there are.
fn locate(lib: &Library, id: &str) -> Result<PathBuf, CliError> {
    let file = lib.file(id);
    if lib.exists(&file) {
        return Ok(file);
    }
    let ids: Vec<String> = lib
        .files()
        .map_err(CliError::Input)?
        .iter()
        .filter_map(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .map(|s| s.to_string())
        })
        .collect();
    let near = crate::suggest::closest(id, ids.iter().map(String::as_str));
    let hint = near
        .map(|n| format!(" Did you mean '{n}'?"))
        .unwrap_or_default();
    Err(CliError::Input(format!(
        "no scenario '{id}' in {lib}.{hint} Known: {}",
        ids.join(", ")
    )))
}

/// `faultline list`: id, title, difficulty, tags; filtered by tag and difficulty.
///
/// Reads each scenario file on its own: the environments are not read and
/// nothing is simulated (`show`, `play` and `validate` check the rest).
pub fn list(lib: &Library, tag: Option<&str>, difficulty: Option<u8>) -> Result<String, CliError> {
    let all = load_specs(lib)?;
    let rows: Vec<&ScenarioSpec> = all
        .iter()
        .filter(|s| tag.is_none_or(|t| s.tags.iter().any(|x| x == t)))
        .filter(|s| difficulty.is_none_or(|d| s.difficulty == d))
        .collect();
    let w = rows.iter().map(|s| s.id.len()).max().unwrap_or(2).max(2);
    let tw = rows.iter().map(|s| s.title.len()).max().unwrap_or(5).max(5);
    let mut out = format!(
        "{:<w$}  {:<tw$}  {:<10}  TAGS\n",
        "ID", "TITLE", "DIFFICULTY"
    );
    for s in rows {
        let d = s.difficulty as usize;
        let stars = format!("{}{}", "*".repeat(d), ".".repeat(5 - d.min(5)));
        let _ = writeln!(
            out,
            "{:<w$}  {:<tw$}  {:<10}  {}",
            s.id,
            s.title,
            stars,
            s.tags.join(", ")
        );
    }
    Ok(out)
}

/// `faultline causes`: the vocabulary.
pub fn causes() -> String {
    causes::listing()
}

/// `faultline show <id>`: the author's view, spoilers included.
pub fn show(lib: &Library, id: &str, seed: u64) -> Result<String, CliError> {
    let s = find(lib, id)?;
    let inst = s.instantiate(seed, Mode::Incident)?;
    let w = inst.sim.world();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — {} (difficulty {}, seed {seed})",
        s.id(),
        s.spec.title,
        s.spec.difficulty
    );
    let _ = writeln!(
        o,
        "now: {}   account {} in {}",
        iso(inst.now),
        w.account,
        w.region
    );
    if !inst.vars.is_empty() {
        let vars: Vec<String> = inst.vars.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(o, "variables: {}", vars.join(", "));
    }
    let _ = writeln!(o, "\nBRIEFING\n{}", s.spec.briefing.trim_end());
    let _ = writeln!(o, "\nWORLD");
    for sn in w.subnets.values() {
        let _ = writeln!(
            o,
            "  subnet {} {:<12} {} {:<16} free IPs {}",
            sn.id,
            sn.name,
            sn.az,
            sn.cidr.to_string(),
            w.available_ips(&sn.id)
        );
    }
    for rt in w.route_tables.values() {
        let routes: Vec<String> = rt
            .routes
            .iter()
            .map(|r| {
                let d = match &r.dest {
                    RouteDest::Cidr(c) => c.to_string(),
                    RouteDest::PrefixList(p) => p.clone(),
                };
                let t = match &r.target {
                    RouteTarget::Local => "local".to_string(),
                    RouteTarget::InternetGateway(g)
                    | RouteTarget::NatGateway(g)
                    | RouteTarget::GatewayEndpoint(g) => g.clone(),
                };
                format!("{d}->{t}")
            })
            .collect();
        let _ = writeln!(
            o,
            "  route table {} {:<10} {}{}",
            rt.id,
            rt.name,
            if rt.main { "(main) " } else { "" },
            routes.join(" ")
        );
    }
    for svc in w.services.values() {
        let running = w
            .tasks
            .values()
            .filter(|t| {
                t.service.as_deref() == Some(svc.name.as_str())
                    && t.last_status == crate::world::TaskStatus::Running
            })
            .count();
        let _ = writeln!(
            o,
            "  service {}/{} desired {} running {} taskDefinition {}",
            svc.cluster,
            svc.name,
            svc.desired_count,
            running,
            svc.task_definition.rsplit('/').next().unwrap_or("")
        );
    }
    let _ = writeln!(o, "\nTIMELINE (relative to now)");
    for a in &inst.applied {
        let tag = if a.fault {
            "FAULT"
        } else if a.decoy {
            "decoy"
        } else {
            "op"
        };
        let _ = writeln!(
            o,
            "  {:>6}  {:<5}  {}\n                 {}",
            secs(a.at - inst.now),
            tag,
            a.note,
            match &a.refused {
                Some(e) => format!("{}\nrefused: {e}", a.op),
                None => a.op.clone(),
            }
        );
    }
    let _ = writeln!(o, "\nSERVICE EVENTS (oldest first)");
    for svc in w.services.values() {
        for e in svc.events.iter().rev() {
            let _ = writeln!(o, "  {:>8}  {}", secs(e.created_at - inst.now), e.message);
        }
    }
    let _ = writeln!(o, "\nRECENT STOPPED TASKS");
    let mut stopped: Vec<&crate::world::Task> = w
        .tasks
        .values()
        .filter(|t| {
            t.stopped_reason.is_some() && t.desired_status == crate::world::TaskStatus::Stopped
        })
        .collect();
    stopped.sort_by_key(|t| std::cmp::Reverse(t.stopping_at));
    for t in stopped.iter().take(3) {
        let ip = t
            .attachment
            .as_ref()
            .map(|a| a.private_ip.clone())
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            o,
            "  {} {} {} ip {}\n    {}",
            t.id,
            t.stop_code.as_deref().unwrap_or(""),
            t.last_status.as_str(),
            ip,
            t.stopped_reason.as_deref().unwrap_or("")
        );
    }
    let key = crate::gameday::plan::Key::of(&s, &inst);
    let _ = writeln!(o, "\nANSWER\n  cause: {}", key.cause);
    for c in &key.culprits {
        let _ = writeln!(o, "  culprit: {c}");
    }
    let _ = writeln!(o, "  {}", key.explanation);
    let _ = writeln!(o, "\nREFERENCE INVESTIGATION");
    for c in &key.investigation {
        let _ = writeln!(o, "  {c}");
    }
    let _ = writeln!(o, "\nREFERENCE FIX");
    for c in &key.fix {
        let _ = writeln!(o, "  {c}");
    }
    Ok(o)
}

/// `faultline gameday plan`: the facilitator's sheet of the rounds, each
/// `ID` or `ID:SEED` (`seed` when none is given).
pub fn gameday_plan(lib: &Library, rounds: &[String], seed: u64) -> Result<String, CliError> {
    let mut found = Vec::new();
    for r in rounds {
        let (id, seed) = crate::gameday::plan::round_arg(r, seed)?;
        found.push((find(lib, &id)?, seed));
    }
    let rounds: Vec<crate::gameday::plan::Round> = found
        .iter()
        .map(|(scenario, seed)| crate::gameday::plan::Round {
            scenario,
            seed: *seed,
        })
        .collect();
    Ok(crate::gameday::plan::sheet(&rounds)?)
}

/// `faultline scoreboard`: the board of the reports, printed or written to
/// `out`; with `watch` (how long to go on), read again every second as
/// reports arrive, until then or Ctrl-C.
pub fn scoreboard(
    lib: &Library,
    paths: &[PathBuf],
    format: crate::gameday::scoreboard::Format,
    out: Option<&Path>,
    watch: Option<Dur>,
) -> Result<String, CliError> {
    use crate::gameday::scoreboard;
    use std::io::IsTerminal;
    let Some(until) = watch else {
        return Ok(scoreboard::run(paths, lib, format, out)?);
    };
    if until.0 <= 0 {
        return Err(CliError::Input(format!(
            "--for {until}: expected a positive duration such as 30m or 4h"
        )));
    }
    let how = scoreboard::Watch {
        every: std::time::Duration::from_secs(1),
        until: std::time::Duration::from_millis(until.0 as u64),
        clear: out.is_none() && std::io::stdout().is_terminal(),
    };
    let (mut screen, mut errors) = (std::io::stdout(), std::io::stderr());
    scoreboard::watch(paths, lib, format, out, &how, &mut screen, &mut errors)?;
    Ok(String::new())
}

fn secs(d: i64) -> String {
    Dur(d.div_euclid(1000) * 1000).to_string()
}

/// `faultline validate`: proves scenarios over `seeds` seeds. Returns the report.
///
/// Scenarios load, and scenario × seed proofs run, on every core; the report is
/// in file and seed order whatever the order they finished in.
pub fn validate(lib: &Library, paths: &[PathBuf], seeds: u64) -> Result<String, CliError> {
    let files: Vec<PathBuf> = if paths.is_empty() {
        lib.files().map_err(CliError::Input)?
    } else {
        let mut v = Vec::new();
        for p in paths {
            if p.is_dir() {
                v.extend(scenario_files(p).map_err(CliError::Input)?);
            } else {
                v.push(p.clone());
            }
        }
        v
    };
    if files.is_empty() {
        let places: Vec<String> = if paths.is_empty() {
            vec![lib.to_string()]
        } else {
            paths.iter().map(|p| p.display().to_string()).collect()
        };
        return Err(CliError::Input(format!(
            "no scenarios (*.yaml) to validate in {}",
            places.join(", ")
        )));
    }
    if seeds == 0 {
        return Err(CliError::Input(
            "--seeds must be at least 1: with no seed nothing is proven".into(),
        ));
    }
    // Files named on the command line are read from disk; otherwise from the library.
    let loaded = on_every_core(files.len() as u64, |i| {
        let f = &files[i as usize];
        Some(if paths.is_empty() {
            Scenario::load_from(lib, f)
        } else {
            Scenario::load(f)
        })
    });
    let loadable: Vec<&Scenario> = loaded.iter().filter_map(|(_, r)| r.as_ref().ok()).collect();
    // Job j proves scenario j / seeds at seed j % seeds; only failures come back.
    let jobs = (loadable.len() as u64).saturating_mul(seeds);
    let failed = on_every_core(jobs, |j| {
        validate::prove(loadable[(j / seeds) as usize], j % seeds).err()
    });
    let mut out = String::new();
    let mut failures = Vec::new();
    let mut unloadable = Vec::new();
    let mut failed = failed.into_iter().peekable();
    let mut k = 0;
    for (f, (_, s)) in files.iter().zip(&loaded) {
        let s = match s {
            Ok(s) => s,
            Err(e) => {
                unloadable.push(e.to_string());
                let _ = writeln!(out, "FAIL {}: does not load", f.display());
                continue;
            }
        };
        let mut bad = 0;
        while let Some((_, e)) = failed.next_if(|(j, _)| j / seeds == k) {
            bad += 1;
            failures.push(e.to_string());
        }
        k += 1;
        let _ = writeln!(
            out,
            "{} {:<28} {} seeds",
            if bad == 0 { "ok  " } else { "FAIL" },
            s.id(),
            seeds - bad
        );
    }
    if failures.is_empty() && unloadable.is_empty() {
        let _ = writeln!(
            out,
            "{} scenarios valid over {seeds} seeds each",
            files.len()
        );
        Ok(out)
    } else {
        // The table is the result (stdout); what failed, and why, are errors (stderr).
        let mut errors = unloadable.join("\n");
        if !failures.is_empty() {
            if !errors.is_empty() {
                errors.push('\n');
            }
            let _ = writeln!(errors, "{} failures:", failures.len());
            for f in &failures {
                let _ = writeln!(errors, "  {f}");
            }
        }
        // A file that does not load is bad input; one that loads but does not hold is invalid.
        Err(CliError::Reported {
            report: out,
            errors: errors.trim_end().to_string(),
            code: if unloadable.is_empty() { 1 } else { 2 },
        })
    }
}

/// Runs `job` for every index in `0..n` on every core, and returns the
/// results it gave (`Some`) with their indices, in index order.
fn on_every_core<R: Send>(n: u64, job: impl Fn(u64) -> Option<R> + Sync) -> Vec<(u64, R)> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let threads = u64::try_from(cores).unwrap_or(1).min(n);
    if threads <= 1 {
        return (0..n).filter_map(|i| job(i).map(|r| (i, r))).collect();
    }
    let next = AtomicU64::new(0);
    let worker = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return mine;
            }
            if let Some(r) = job(i) {
                mine.push((i, r));
            }
        }
    };
    let mut all: Vec<(u64, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all
}

#[cfg(test)]
mod tests {
    use super::on_every_core;

    #[test]
    fn on_every_core_keeps_index_order_and_drops_nones() {
        let got = on_every_core(1000, |i| (i % 3 == 0).then_some(i * 2));
        let want: Vec<(u64, u64)> = (0..1000)
            .filter(|i| i % 3 == 0)
            .map(|i| (i, i * 2))
            .collect();
        assert_eq!(got, want);
        assert!(on_every_core(0, Some).is_empty());
        assert_eq!(on_every_core(1, Some), [(0, 0)]);
    }
}
