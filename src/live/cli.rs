//! The `faultline live ...` verbs over the library: `check`, `start`,
//! `undo`, `reset`, `status`. Each returns the text to print; progress goes
//! to a callback as it happens. `main` connects, finds the allow list and
//! the journal folder, and maps errors to exit codes.

use super::guard::{self, Guard, Policy};
use super::inject::{self, Injector};
use super::journal::{self, Entry, Journal, RunInfo};
use super::permissions;
use super::plan;
use super::stack::Stack;
use super::{ConnectOptions, LiveAccount};
use crate::aws::Reader;
use crate::cli::CliError;
use crate::scenario::Scenario;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The stack's cost per hour (us-east-1, idle or lightly played), from infra/README.md.
pub const COST_PER_HOUR: &str = "about $0.11/hour (NAT gateway, ALB, 3 public IPv4 addresses, 2 Fargate tasks; us-east-1 figures in infra/README.md)";

/// Connects to the account the flags name.
pub fn connect(region: Option<&str>, profile: Option<&str>) -> Result<LiveAccount, CliError> {
    LiveAccount::connect(&ConnectOptions {
        region: region.map(str::to_string),
        profile: profile.map(str::to_string),
        endpoint_url: None,
        static_credentials: None,
        clock: None,
    })
    .map_err(|e| CliError::Input(e.to_string()))
}

/// The allow list: the allowed-accounts file and `--allow-account`.
pub fn allow_list(extra: &[String]) -> Result<Vec<String>, CliError> {
    guard::allowed_accounts(guard::allow_list_file().as_deref(), extra).map_err(CliError::Input)
}

/// The journal folder (`$XDG_STATE_HOME/faultline/live`).
pub fn journal_dir() -> Result<PathBuf, CliError> {
    journal::default_dir()
        .ok_or_else(|| CliError::Input("no journal folder: set XDG_STATE_HOME or HOME".into()))
}

fn input(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// `live check`: the preflight, as a pass/fail table; fails (exit 1) when a check fails.
pub fn check(
    live: &LiveAccount,
    allowed: &[String],
    stack_name: &str,
    scenarios: &[Scenario],
) -> Result<String, CliError> {
    let mut rows: Vec<(String, &str, String)> = Vec::new();
    let mut failed = false;
    let mut row = |name: &str, ok: Option<bool>, detail: String| {
        let result = match ok {
            Some(true) => "pass",
            Some(false) => {
                failed = true;
                "FAIL"
            }
            None => "info",
        };
        rows.push((name.to_string(), result, detail));
    };
    let mut caller = String::new();
    let account = match live.block_on(live.clients.sts.get_caller_identity().send()) {
        Ok(o) => {
            let account = o.account.unwrap_or_default();
            caller = o.arn.unwrap_or_default();
            row(
                "credentials",
                Some(true),
                format!("{caller} (account {account})"),
            );
            Some(account)
        }
        Err(e) => {
            row(
                "credentials",
                Some(false),
                super::sdk_error("GetCallerIdentity", e).to_string(),
            );
            None
        }
    };
    match &account {
        Some(a) if allowed.contains(a) => row("allow list", Some(true), format!("account {a} is allowed")),
        Some(a) => row(
            "allow list",
            Some(false),
            format!(
                "account {a} is not allowed (allowed: {}); pass --allow-account {a} or add it to {}",
                if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") },
                guard::allow_list_file().map(|p| p.display().to_string()).unwrap_or_default()
            ),
        ),
        None => row("allow list", Some(false), "unknown account".into()),
    }
    let stack = match Stack::load(live, stack_name) {
        Ok(s) => {
            row(
                "stack",
                Some(true),
                format!("{stack_name}: complete, {} outputs", s.outputs.len()),
            );
            Some(s)
        }
        Err(e) => {
            row("stack", Some(false), e.to_string());
            None
        }
    };
    let mut needs = Vec::new();
    if let (Some(stack), Some(account)) = (&stack, &account) {
        let guard = Guard::new(
            live,
            Policy {
                allowed_accounts: vec![account.clone()],
                region: live.region().to_string(),
                stack: stack_name.to_string(),
            },
        );
        for s in scenarios {
            let name = format!("scenario {}", s.spec.id);
            match plan::plan(s, 0, stack, account, live.region()) {
                Err(e) => row(&name, Some(false), e),
                Ok(steps) => {
                    for n in permissions::needs(&steps, &s.spec.fix, stack, account, live.region())
                    {
                        if !needs.contains(&n) {
                            needs.push(n);
                        }
                    }
                    let mut problems = Vec::new();
                    let mut targets = Vec::new();
                    for st in &steps {
                        let t = st.action.target();
                        if targets.contains(&t) {
                            continue;
                        }
                        if let Err(r) = guard.check("check", &t) {
                            problems.push(r.reason);
                        }
                        targets.push(t);
                    }
                    if problems.is_empty() {
                        row(
                            &name,
                            Some(true),
                            format!(
                                "{} steps; every resource exists and carries the sandbox tag",
                                steps.len()
                            ),
                        );
                    } else {
                        row(&name, Some(false), problems.join("; "));
                    }
                }
            }
        }
    }
    if !needs.is_empty() {
        match permissions::simulate(live, &caller, &needs) {
            permissions::Simulation::Allowed(n) => row(
                "permissions",
                Some(true),
                format!(
                    "{caller} may send all {n} inject, undo and fix actions (IAM policy simulation; SCPs and resource policies are not simulated)"
                ),
            ),
            permissions::Simulation::Denied(denied) => {
                for d in denied {
                    row(
                        &format!("permission {}", d.need.action),
                        Some(false),
                        format!(
                            "{} on {} for {caller} (needed to {})",
                            d.decision, d.need.resource, d.need.by
                        ),
                    );
                }
            }
            permissions::Simulation::Unavailable(why) => {
                row("permissions", None, format!("cannot be checked: {why}"))
            }
        }
    } else {
        row(
            "permissions",
            None,
            "cannot be checked: no scenario could be planned against the stack".into(),
        );
    }
    row("cost", None, COST_PER_HOUR.into());
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(5).max(5);
    let mut out = format!("{:w$}  RESULT  DETAIL\n", "CHECK");
    for (n, r, d) in &rows {
        let _ = writeln!(out, "{n:w$}  {r:6}  {d}");
    }
    if failed {
        Err(CliError::Invalid(out))
    } else {
        Ok(out)
    }
}

/// What `live start` needs besides the account.
pub struct StartOptions<'a> {
    /// The allow list.
    pub allowed: &'a [String],
    /// The sandbox stack.
    pub stack: &'a str,
    /// The seed of the scenario's variables.
    pub seed: u64,
    /// Seconds from now after which the run should be undone.
    pub expires: Option<u64>,
    /// The journal folder.
    pub journal_dir: &'a Path,
}

/// A run `live start` injected.
#[derive(Debug, Clone)]
pub struct Started {
    /// What to print: the briefing and how to undo.
    pub text: String,
    /// The run's journal.
    pub journal: PathBuf,
    /// The run.
    pub info: RunInfo,
}

/// `live start`: binds the scenario to the stack and injects its steps,
/// each journaled first.
pub fn start(
    live: &LiveAccount,
    scenario: &Scenario,
    opts: &StartOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<Started, CliError> {
    let stack = Stack::load(live, opts.stack).map_err(input)?;
    let guard = Guard::new(
        live,
        Policy {
            allowed_accounts: opts.allowed.to_vec(),
            region: live.region().to_string(),
            stack: opts.stack.to_string(),
        },
    );
    let account = guard.account().map_err(input)?.to_string();
    let steps = plan::plan(scenario, opts.seed, &stack, &account, live.region()).map_err(input)?;
    let run = journal::new_run_id(&scenario.spec.id);
    let started = journal::unix_now();
    let info = RunInfo {
        run: run.clone(),
        scenario: scenario.spec.id.clone(),
        seed: opts.seed,
        stack: opts.stack.to_string(),
        account,
        region: live.region().to_string(),
        started,
        expires: opts.expires.map(|s| started + s),
    };
    let header = info.clone();
    let j = Journal::create(opts.journal_dir, &info).map_err(input)?;
    let path = j.path().to_path_buf();
    progress(&format!(
        "run {run} (seed {}), journal {}",
        opts.seed,
        path.display()
    ));
    let mut inj = Injector::new(live, &guard, j, &run);
    for (k, s) in steps.iter().enumerate() {
        progress(&format!("[{}/{}] {}", k + 1, steps.len(), s.note));
        if let Err(e) = inj.apply(s) {
            return Err(CliError::Input(format!(
                "{e}\nThe run stopped at step {} of {}; what it changed is journaled: faultline live undo --run {run}",
                k + 1,
                steps.len()
            )));
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", scenario.spec.briefing.trim_end());
    let _ = writeln!(
        out,
        "The fault is in place (run {run}). Play it with: faultline live play --run {run}\n\
         (or investigate with the read-only faultline-player role and your own AWS CLI).\n\
         Undo with: faultline live undo --run {run}"
    );
    Ok(Started {
        text: out,
        journal: path,
        info: header,
    })
}

/// The newest journal in `dir` not yet undone, or the one of `run` (and
/// whether it is undone). Without a run, `to` says what one was wanted for.
pub(crate) fn find_run_to(
    dir: &Path,
    run: Option<&str>,
    to: &str,
) -> Result<(PathBuf, RunInfo, bool), CliError> {
    let runs = journal::runs(dir).map_err(input)?;
    let mut found = None;
    for (p, entries) in runs {
        let Some(Entry::Start(info)) = entries.first().cloned() else {
            continue;
        };
        let undone = entries.iter().any(|e| matches!(e, Entry::Undone { .. }));
        match run {
            Some(r) if info.run == r => return Ok((p, info, undone)),
            Some(_) => {}
            None if !undone => found = Some((p, info, undone)),
            None => {}
        }
    }
    found.ok_or_else(|| {
        CliError::Input(match run {
            Some(r) => format!("no run {r} in {}", dir.display()),
            None => format!(
                "no run to {to} in {} (see faultline live status)",
                dir.display()
            ),
        })
    })
}

fn find_run(dir: &Path, run: Option<&str>) -> Result<(PathBuf, RunInfo, bool), CliError> {
    find_run_to(dir, run, "undo")
}

/// The guard of a run in progress: its account list, region and sandbox.
pub(crate) fn run_guard<'a>(
    live: &'a LiveAccount,
    allowed: &[String],
    info: &RunInfo,
) -> Guard<'a> {
    Guard::new(
        live,
        Policy {
            allowed_accounts: allowed.to_vec(),
            region: info.region.clone(),
            stack: info.stack.clone(),
        },
    )
}

/// The region a run was made in (for connecting before undo).
pub fn run_region(dir: &Path, run: Option<&str>) -> Result<String, CliError> {
    find_run(dir, run).map(|(_, info, _)| info.region)
}

/// A player's `fix` on a live run: the AWS CLI write mapped by
/// [`super::fix::fix_action`], then applied through the guard with its
/// undo record appended to the run's journal (so `live undo` reverts it
/// with the fault). Returns AWS's answer as the AWS CLI prints it.
pub fn fix(
    live: &LiveAccount,
    allowed: &[String],
    dir: &Path,
    run: Option<&str>,
    line: &str,
) -> Result<serde_json::Value, CliError> {
    let (path, info, undone) = find_run(dir, run)?;
    if undone {
        return Err(CliError::Input(format!(
            "run {} is undone; a fix needs a run in progress",
            info.run
        )));
    }
    let guard = run_guard(live, allowed, &info);
    let action = super::fix::fix_action(line, &info.region).map_err(CliError::Input)?;
    let j = Journal::reopen(&path).map_err(input)?;
    let mut inj = Injector::new(live, &guard, j, &info.run);
    inj.apply_action(&format!("fix: {line}"), &action)
        .map_err(input)
}

/// `live undo`: reverts a run from its journal, newest step first.
pub fn undo(
    live: &LiveAccount,
    allowed: &[String],
    dir: &Path,
    run: Option<&str>,
) -> Result<String, CliError> {
    let (path, info, _) = find_run(dir, run)?;
    let guard = Guard::new(
        live,
        Policy {
            allowed_accounts: allowed.to_vec(),
            region: info.region.clone(),
            stack: info.stack.clone(),
        },
    );
    let account = guard.account().map_err(input)?;
    if account != info.account {
        return Err(CliError::Input(format!(
            "run {} was made in account {}, but these credentials are for {account}",
            info.run, info.account
        )));
    }
    let report = inject::undo(live, &guard, &path).map_err(input)?;
    let mut out = format!("undid run {} ({}):\n", info.run, info.scenario);
    for r in report {
        let _ = writeln!(out, "  step {}: {}", r.seq, r.what);
    }
    Ok(out)
}

/// `live reset`: the baseline without a journal.
pub fn reset(live: &LiveAccount, allowed: &[String], stack_name: &str) -> Result<String, CliError> {
    let stack = Stack::load(live, stack_name).map_err(input)?;
    let guard = Guard::new(
        live,
        Policy {
            allowed_accounts: allowed.to_vec(),
            region: live.region().to_string(),
            stack: stack_name.to_string(),
        },
    );
    let done = inject::reset(live, &guard, &stack).map_err(input)?;
    let mut out = format!("reset {stack_name}:\n");
    for d in done {
        let _ = writeln!(out, "  {d}");
    }
    Ok(out)
}

fn age(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h{:02}m", s / 3600, s / 60 % 60),
        s => format!("{}d", s / 86_400),
    }
}

/// `live status`: the runs, their age and deadline, flagging any past it.
pub fn status(dir: &Path, now: u64) -> Result<String, CliError> {
    let runs = journal::runs(dir).map_err(input)?;
    if runs.is_empty() {
        return Ok(format!("no live runs in {}\n", dir.display()));
    }
    let mut out = String::from("RUN  SCENARIO  STACK  ACCOUNT  AGE  DEADLINE  STATE\n");
    let mut expired = Vec::new();
    for (_, entries) in runs {
        let Some(Entry::Start(info)) = entries.first() else {
            continue;
        };
        let undone = entries.iter().any(|e| matches!(e, Entry::Undone { .. }));
        let steps = entries
            .iter()
            .filter(|e| matches!(e, Entry::Step { .. }))
            .count();
        let deadline = match info.expires {
            None => "-".to_string(),
            Some(t) if t > now => format!("in {}", age(t - now)),
            Some(t) => format!("{} ago", age(now - t)),
        };
        let state = if undone {
            "undone".to_string()
        } else if info.expires.is_some_and(|t| t <= now) {
            expired.push(info.run.clone());
            format!("EXPIRED: {steps} changes still in place")
        } else {
            format!("active: {steps} changes")
        };
        let _ = writeln!(
            out,
            "{}  {}  {}  {}  {}  {deadline}  {state}",
            info.run,
            info.scenario,
            info.stack,
            info.account,
            age(now.saturating_sub(info.started))
        );
    }
    for r in expired {
        let _ = writeln!(
            out,
            "\n!!! run {r} is past its deadline and still changes the sandbox: faultline live undo --run {r}"
        );
    }
    Ok(out)
}
