//! The play shell: a rustyline REPL on a terminal, a plain line reader for
//! scripts. It holds no game rules: those are in the session, the API layer
//! and the engine. Colour is decided here, once, and only here is the wall
//! clock read.

pub mod complete;
pub mod session;

use crate::cli::{self, CliError};
use crate::scenario::Library;
use session::{Clock, Reply, Session, SCRIPT_STEP};
use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Options of `faultline play`.
#[derive(Debug, Clone)]
pub struct PlayOptions {
    /// Seed; a random one is chosen (and printed) when absent.
    pub seed: Option<u64>,
    /// Virtual seconds per wall second on a terminal.
    pub speed: f64,
    /// Colour.
    pub color: ColorChoice,
    /// Where to write the JSON report at the end.
    pub report: Option<PathBuf>,
    /// Where to write the Markdown debrief at the end.
    pub debrief: Option<PathBuf>,
}

/// Fails early (before play) when a report could not be written at the end.
fn check_output_path(flag: &str, path: &Path) -> Result<(), CliError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(CliError::Input(format!(
            "{flag} {}: the folder {} does not exist",
            path.display(),
            parent.display()
        )));
    }
    if path.is_dir() {
        return Err(CliError::Input(format!(
            "{flag} {}: is a folder; give a file name",
            path.display()
        )));
    }
    Ok(())
}

/// Prints the scorecard and writes the report files the player asked for.
fn finish(session: &Session, opts: &PlayOptions) -> Result<(), CliError> {
    let report = session.report();
    println!("{}", farewell(session));
    println!("{}", report.scorecard());
    let mut errors = Vec::new();
    if let Some(p) = &opts.report {
        if let Err(e) = std::fs::write(p, report.to_json() + "\n") {
            errors.push(format!("cannot write the report to {}: {e}", p.display()));
        }
    }
    if let Some(p) = &opts.debrief {
        if let Err(e) = std::fs::write(p, report.to_markdown()) {
            errors.push(format!("cannot write the debrief to {}: {e}", p.display()));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        // The scorecard is already on screen; say what could not be saved.
        Err(CliError::Input(errors.join("\n")))
    }
}

/// `faultline play <id>`.
pub fn play(lib: &Library, id: &str, opts: &PlayOptions) -> Result<(), CliError> {
    if !(opts.speed > 0.0 && opts.speed <= 3600.0) {
        return Err(CliError::Input(format!(
            "--speed {} is out of range; expected a number above 0 and at most 3600",
            opts.speed
        )));
    }
    if let Some(p) = &opts.report {
        check_output_path("--report", p)?;
    }
    if let Some(p) = &opts.debrief {
        check_output_path("--debrief", p)?;
    }
    // The pre-history runs once, at the player's seed, with the checks of a load.
    let scenario = cli::open(lib, id)?;
    let seed = opts.seed.unwrap_or_else(random_seed);
    let inst = scenario.incident(seed)?;
    let interactive = std::io::stdin().is_terminal();
    let color = match opts.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    if interactive {
        let mut session = Session::new(scenario, inst, Clock::Wall { speed: opts.speed });
        session.wall_start = Some(Instant::now());
        interactive_loop(session, color, opts)
    } else {
        let mut session = Session::new(scenario, inst, Clock::Step(SCRIPT_STEP));
        session.wall_start = Some(Instant::now());
        script_loop(session, color, opts)
    }
}

/// A seed from the wall clock (the one place randomness enters, at the edge).
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    (nanos ^ (std::process::id() as u64).rotate_left(32)) % 1_000_000
}

fn print_reply(reply: &Reply, color: bool) {
    if reply.text.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    let text = if !color {
        reply.text.clone()
    } else if reply.error {
        format!("\x1b[31m{}\x1b[0m", reply.text)
    } else {
        colorize_json(&reply.text)
    };
    let _ = writeln!(out, "{text}");
}

/// Reads commands from standard input, one per line (no prompt, no editing).
fn script_loop(mut session: Session, color: bool, opts: &PlayOptions) -> Result<(), CliError> {
    println!("{}", session.opening());
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => return Err(CliError::Input(format!("cannot read standard input: {e}"))),
        };
        let reply = session.execute(&line);
        print_reply(&reply, color);
        if reply.quit {
            break;
        }
    }
    finish(&session, opts)
}

fn farewell(session: &Session) -> String {
    let n = session.log.len();
    format!(
        "Leaving the incident after {n} command{} and {} of incident time (seed {}).",
        if n == 1 { "" } else { "s" },
        // Incident time is the player's, up to a submission (not the verification run).
        crate::time::Dur(
            (session.grade.submitted_at.unwrap_or(session.inst.sim.now()) - session.inst.now)
                / 1000
                * 1000
        ),
        session.inst.seed
    )
}

fn history_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    let dir = base.join("faultline");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

fn interactive_loop(session: Session, color: bool, opts: &PlayOptions) -> Result<(), CliError> {
    use rustyline::error::ReadlineError;
    println!("{}", session.opening());
    let session = Rc::new(RefCell::new(session));
    let config = rustyline::Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .auto_add_history(true)
        .max_history_size(5000)
        .map_err(|e| CliError::Input(format!("cannot set up the line editor: {e}")))?
        .build();
    let mut rl: rustyline::Editor<complete::ReplHelper, rustyline::history::FileHistory> =
        rustyline::Editor::with_config(config)
            .map_err(|e| CliError::Input(format!("cannot start the line editor: {e}")))?;
    rl.set_helper(Some(complete::ReplHelper {
        session: session.clone(),
        color,
    }));
    let history = history_file();
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    let started = Instant::now();
    loop {
        let _ = session
            .borrow_mut()
            .catch_up(started.elapsed().as_millis() as i64);
        let prompt = {
            let s = session.borrow();
            let e = s.elapsed() / 1000;
            let p = format!(
                "[{:02}:{:02}:{:02}] faultline> ",
                e / 3600,
                e / 60 % 60,
                e % 60
            );
            if color {
                format!("\x1b[1;36m{p}\x1b[0m")
            } else {
                p
            }
        };
        match rl.readline(&prompt) {
            Ok(line) => {
                let _ = session
                    .borrow_mut()
                    .catch_up(started.elapsed().as_millis() as i64);
                let reply = session.borrow_mut().execute(&line);
                print_reply(&reply, color);
                if reply.quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                // Ctrl-C cancels the line only.
                continue;
            }
            Err(ReadlineError::Eof) => match rl.readline("Leave the incident? [y/N] ") {
                Ok(a)
                    if a.trim().eq_ignore_ascii_case("y")
                        || a.trim().eq_ignore_ascii_case("yes") =>
                {
                    break
                }
                Err(ReadlineError::Eof) => break,
                _ => continue,
            },
            Err(e) => {
                eprintln!("line editor error: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    let s = session.borrow();
    finish(&s, opts)
}

/// Colours JSON output for a terminal: keys, strings, numbers, literals.
pub fn colorize_json(text: &str) -> String {
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() * 2);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            let s: String = chars[start..i].iter().collect();
            let is_key = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&':');
            let code = if is_key { "34" } else { "32" };
            out.push_str(&format!("\x1b[{code}m{s}\x1b[0m"));
            continue;
        }
        if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || ".eE+-".contains(chars[i])) {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            out.push_str(&format!("\x1b[36m{s}\x1b[0m"));
            continue;
        }
        let lit = ["true", "false", "null"]
            .into_iter()
            .find(|lit| chars[i..].iter().take(lit.len()).copied().eq(lit.chars()));
        match lit {
            Some(lit) => {
                out.push_str(&format!("\x1b[33m{lit}\x1b[0m"));
                i += lit.len();
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}
