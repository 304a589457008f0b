//! The play shell: a rustyline REPL on a terminal, a plain line reader for
//! scripts. It reads lines, paces the wall clock, prints and completes; the
//! game rules are in [`crate::game`]. Colour comes decided from the edge (a
//! [`Paint`]); only here is the wall clock read.

pub mod complete;
pub mod connect;
mod shared;
mod shell;

use crate::cli::{self, CliError};
use crate::game::{Clock, Game, JsonLines, Player, Reply, SCRIPT_STEP};
use crate::paint::{Paint, Role};
use crate::scenario::Library;
use shared::{Input, Shared};
use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

/// Options of `faultline play`.
#[derive(Debug, Clone)]
pub struct PlayOptions {
    /// Seed; a random one is chosen (and printed) when absent.
    pub seed: Option<u64>,
    /// Virtual seconds per wall second on a terminal.
    pub speed: f64,
    /// Colour, decided at the edge.
    pub paint: Paint,
    /// Where to write the JSON report at the end.
    pub report: Option<PathBuf>,
    /// Where to write the Markdown debrief at the end.
    pub debrief: Option<PathBuf>,
    /// Where to write the events as JSON Lines, as they happen.
    pub events: Option<PathBuf>,
    /// A session journal to resume: its commands are played again, then play goes on.
    pub resume: Option<PathBuf>,
    /// The player's name and team (game days), recorded in the events and the report.
    pub who: (Option<String>, Option<String>),
    /// Interview mode: no feedback on diagnoses until the end, no `hint`, a rubric.
    pub interview: bool,
    /// Share the session's events with watchers on this address (`faultline watch`).
    pub share: Option<String>,
    /// The author's view (`faultline preview`): the answer and the evidence
    /// checklist after each command, and a scenario file may stand for the id.
    pub author: bool,
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
    // Open it now (without truncating what is there) so an unwritable path
    // fails before the session, not after it.
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| CliError::Input(format!("{flag} {}: cannot write it: {e}", path.display())))?;
    Ok(())
}

/// Prints to standard output; a closed pipe (`| head`) is not an error: the
/// session goes on quietly and its files are still written.
fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{text}");
    let _ = o.flush();
}

/// Where session journals are kept: `$XDG_STATE_HOME/faultline/sessions`
/// (else `~/.local/state/faultline/sessions`).
pub fn sessions_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("faultline").join("sessions"))
}

/// A new journal file for a session of `id` at `seed`, named by the wall time.
fn new_journal(id: &str, seed: u64) -> Option<(PathBuf, std::fs::File)> {
    let dir = sessions_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    for n in 0..100 {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let path = dir.join(format!("{id}-seed{seed}-{secs}{suffix}.jsonl"));
        if let Ok(f) = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            return Some((path, f));
        }
    }
    None
}

/// One player at one game, as the shell drives it.
struct Table {
    /// The game (shared with the completer, which reads its world).
    game: Rc<RefCell<Game>>,
    /// The player at the keyboard.
    player: Player,
    /// When the session began on the wall clock.
    wall_start: Instant,
    /// Where events go, to name it in errors.
    events: Option<PathBuf>,
    /// Event-writing failures already reported.
    event_errors: Vec<String>,
    /// The session shared with watchers, and what they send in.
    share: Option<Shared>,
}

/// A game of `scenario` at `seed`, with the journal's commands played again when there is one.
fn rebuild(
    scenario: crate::scenario::Scenario,
    seed: u64,
    clock: Clock,
    journal: Option<&crate::game::journal::Journal>,
    who: (Option<String>, Option<String>),
    interview: bool,
) -> Result<(Game, Player), CliError> {
    // The pre-history runs once, at the player's seed, with the checks of a load.
    let inst = scenario.incident(seed)?;
    let mut game = Game::new(scenario, inst, clock);
    game.interview = interview;
    let player = match journal {
        Some(j) => j.replay(&mut game).map_err(CliError::Input)?,
        None => game.join_team(who.0, who.1),
    };
    Ok((game, player))
}

impl Table {
    /// Applies the hints and notes watchers sent since the last call, and prints them.
    fn hear(&mut self, paint: Paint) {
        let said = match &self.share {
            Some(s) => s.said(),
            None => return,
        };
        for w in said {
            self.interject(w, paint);
        }
    }

    /// One hint or note from a watcher, applied and printed.
    fn interject(&mut self, what: crate::game::Interjection, paint: Paint) {
        let reply = self.game.borrow_mut().interject(&mut self.player, what);
        self.report_event_errors();
        print_reply(&reply, paint);
    }

    /// Runs one line with the wall time since the session began. A bug that
    /// panics is caught here: the session goes on, and the failure is recorded.
    /// The author's status block (`faultline preview`): the answer, and
    /// which evidence items the session has seen so far.
    fn author_status(&self, opts: &PlayOptions) {
        if opts.author {
            out(&author_block(&self.game.borrow(), &self.player));
        }
    }

    fn execute(&mut self, line: &str) -> Reply {
        let wall_ms = self.wall_start.elapsed().as_millis() as u64;
        let game = &self.game;
        let player = &mut self.player;
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // A test hook: a command that makes faultline fail, to prove the session survives it.
            #[cfg(debug_assertions)]
            if std::env::var("FAULTLINE_TEST_PANIC_ON").is_ok_and(|l| l == line.trim()) {
                panic!("test hook: FAULTLINE_TEST_PANIC_ON");
            }
            game.borrow_mut().execute(player, line, Some(wall_ms))
        }));
        let reply = match run {
            Ok(r) => r,
            Err(p) => {
                let what = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown".into());
                // A panic inside a RefCell borrow leaves it unborrowed once unwound.
                self.game
                    .borrow_mut()
                    .record_failure(&mut self.player, line, Some(wall_ms), &what)
            }
        };
        self.report_event_errors();
        reply
    }

    /// Runs one line as the player's shell would around the command: its
    /// `file://` parameters read from the disk and a trailing `| ...` run
    /// through `sh -c` in a local session; both refused in a shared one.
    /// Prints the reply (or hands it to the pipe) and returns it.
    fn run_line(&mut self, line: &str, paint: Paint) -> Reply {
        let shared = self.share.is_some();
        with_local_shell(line, shared, paint, &mut |command| self.execute(command))
    }

    /// Says on stderr, once, that events could not be written.
    fn report_event_errors(&mut self) {
        for e in self.game.borrow_mut().take_watch_errors() {
            let path = self.events.as_deref().unwrap_or(Path::new("-"));
            let msg = format!("cannot write events to {}: {e}", path.display());
            eprintln!("{msg}");
            self.event_errors.push(msg);
        }
    }
}

/// Prints the scorecard and writes the report files the player asked for.
fn finish(mut table: Table, opts: &PlayOptions) -> Result<(), CliError> {
    let report = table.game.borrow_mut().finish(&table.player);
    table.report_event_errors();
    if let Some(s) = &table.share {
        // The watchers get the end of the session before the process goes.
        s.close();
    }
    out(&table.game.borrow().farewell(&table.player));
    out(&report.scorecard(opts.paint));
    let errors = std::mem::take(&mut table.event_errors);
    write_reports(
        &report,
        opts.report.as_deref(),
        opts.debrief.as_deref(),
        errors,
    )
}

/// Writes the report and debrief asked for; errors are collected, not fatal to each other.
fn write_reports(
    report: &crate::game::grade::report::Report,
    report_path: Option<&Path>,
    debrief_path: Option<&Path>,
    mut errors: Vec<String>,
) -> Result<(), CliError> {
    if let Some(p) = report_path {
        if let Err(e) = std::fs::write(p, report.to_json() + "\n") {
            errors.push(format!("cannot write the report to {}: {e}", p.display()));
        }
    }
    if let Some(p) = debrief_path {
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
    if let Some(p) = &opts.events {
        check_output_path("--events", p)?;
    }
    let journal = match &opts.resume {
        Some(p) => Some(crate::game::journal::Journal::read(p).map_err(CliError::Input)?),
        None => None,
    };
    if let (Some(j), Some(p)) = (&journal, &opts.resume) {
        if j.ended {
            return Err(CliError::Input(format!(
                "--resume {}: that session has ended (submitted or left); `faultline report {}` shows it",
                p.display(),
                p.display()
            )));
        }
    }
    let id = journal.as_ref().map(|j| j.scenario.as_str()).unwrap_or(id);
    if let Some(j) = &journal {
        if opts.seed.is_some_and(|s| s != j.seed) {
            return Err(CliError::Input(format!(
                "--seed {} does not match the journal's seed {}",
                opts.seed.unwrap_or_default(),
                j.seed
            )));
        }
    }
    let scenario = if opts.author && Path::new(id).is_file() {
        crate::scenario::Scenario::load(Path::new(id))?
    } else {
        cli::open(lib, id)?
    };
    let seed = journal
        .as_ref()
        .map(|j| j.seed)
        .or(opts.seed)
        .unwrap_or_else(random_seed);
    let interactive = std::io::stdin().is_terminal();
    let paint = opts.paint;
    let clock = if interactive {
        Clock::Wall { speed: opts.speed }
    } else {
        Clock::Step(SCRIPT_STEP)
    };
    if let Some(j) = &journal {
        if opts.interview && !j.interview {
            return Err(CliError::Input(
                "--interview: the journaled session is not an interview; resume it without --interview".into(),
            ));
        }
    }
    let (mut game, player) = rebuild(
        scenario.clone(),
        seed,
        clock,
        journal.as_ref(),
        opts.who.clone(),
        opts.interview,
    )?;
    // The journal: the resumed file goes on; otherwise a new one in the state folder.
    let journal_path = match &opts.resume {
        Some(p) => {
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(p)
                .map_err(|e| {
                    CliError::Input(format!(
                        "--resume {}: cannot append to it: {e}",
                        p.display()
                    ))
                })?;
            game.watch(Box::new(JsonLines::new(file)));
            Some(p.clone())
        }
        None => match new_journal(&scenario.spec.id, seed) {
            Some((path, file)) => {
                let mut w = JsonLines::new(file);
                for e in game.events() {
                    let _ = crate::game::Watcher::event(&mut w, e);
                }
                game.watch(Box::new(w));
                Some(path)
            }
            None => {
                eprintln!("warning: no session journal (cannot write under {}); a session killed now cannot be resumed", sessions_dir().map(|d| d.display().to_string()).unwrap_or_else(|| "$XDG_STATE_HOME".into()));
                None
            }
        },
    };
    if let Some(p) = &opts.events {
        let file = std::fs::File::create(p).map_err(|e| {
            CliError::Input(format!("--events {}: cannot create it: {e}", p.display()))
        })?;
        let mut w = JsonLines::new(file);
        for e in game.events() {
            let _ = crate::game::Watcher::event(&mut w, e);
        }
        game.watch(Box::new(w));
    }
    let share = match &opts.share {
        Some(addr) => Some(Shared::start(&mut game, addr)?),
        None => None,
    };
    let resumed_wall = journal
        .as_ref()
        .and_then(|j| j.commands.iter().rev().find_map(|c| c.wall_ms))
        .unwrap_or(0);
    game.resume_wall(resumed_wall);
    let wall_start = Instant::now()
        .checked_sub(std::time::Duration::from_millis(resumed_wall))
        .unwrap_or_else(Instant::now);
    if let Some(p) = journal_path.as_ref().or(opts.events.as_ref()) {
        on_signals(Ending {
            scenario,
            seed,
            clock,
            journal: p.clone(),
            report: opts.report.clone(),
            debrief: opts.debrief.clone(),
            paint,
        });
    }
    if opts.resume.is_some() {
        eprintln!(
            "Resumed after {} commands.",
            game.events()
                .iter()
                .filter(|e| matches!(e, crate::game::Event::Command { .. }))
                .count()
        );
    }
    let mut table = Table {
        game: Rc::new(RefCell::new(game)),
        player,
        wall_start,
        events: opts.events.clone(),
        event_errors: Vec::new(),
        share,
    };
    table.report_event_errors();
    if interactive {
        interactive_loop(table, paint, opts)
    } else {
        script_loop(table, paint, opts)
    }
}

/// Plays a game on a remote account (live mode): the same shell, without a
/// session journal — a session on a real account cannot be replayed; what
/// it changed is in the run's own journal, which `live undo` reads.
pub fn play_remote(mut game: Game, opts: &PlayOptions) -> Result<(), CliError> {
    for (flag, p) in [
        ("--report", &opts.report),
        ("--debrief", &opts.debrief),
        ("--events", &opts.events),
    ] {
        if let Some(p) = p {
            check_output_path(flag, p)?;
        }
    }
    if let Some(p) = &opts.events {
        let file = std::fs::File::create(p).map_err(|e| {
            CliError::Input(format!("--events {}: cannot create it: {e}", p.display()))
        })?;
        game.watch(Box::new(JsonLines::new(file)));
    }
    game.interview = opts.interview;
    let player = game.join_team(opts.who.0.clone(), opts.who.1.clone());
    let paint = opts.paint;
    let mut table = Table {
        game: Rc::new(RefCell::new(game)),
        player,
        wall_start: Instant::now(),
        events: opts.events.clone(),
        event_errors: Vec::new(),
        share: None,
    };
    table.report_event_errors();
    if std::io::stdin().is_terminal() {
        interactive_loop(table, paint, opts)
    } else {
        script_loop(table, paint, opts)
    }
}

/// Runs a line as the shell does: a trailing `| pipeline` runs on this
/// machine over the reply's text, and `file://` parameters are read from
/// this machine's disk before `execute` sees the line — both refused when
/// the session is `shared` with watchers. Prints the reply (or the pipe's
/// output) and returns it.
pub(crate) fn with_local_shell(
    line: &str,
    shared: bool,
    paint: Paint,
    execute: &mut dyn FnMut(&str) -> Reply,
) -> Reply {
    let (command, pipeline) = shell::split_pipe(line);
    if let (Some(p), true) = (pipeline, shared) {
        let reply = Reply::err(format!(
            "`| {p}` would run a command on this machine, and this session is shared with watchers (play --share): pipes run only in a local session. Run the command without `| ...`, or use --query."
        ));
        print_reply(&reply, paint);
        return reply;
    }
    let mut command = command.to_string();
    if shell::has_paramfile(&command) {
        if shared {
            let reply = Reply::err(
                "file:// reads a file from this machine's disk, and this session is shared with watchers (play --share): paste the JSON inline instead.",
            );
            print_reply(&reply, paint);
            return reply;
        }
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        match shell::expand_paramfiles(&command, &cwd) {
            Ok(expanded) => command = expanded,
            Err(e) => {
                let reply = Reply::err(e);
                print_reply(&reply, paint);
                return reply;
            }
        }
    }
    let reply = execute(&command);
    match pipeline {
        Some(p) if !reply.error && !p.is_empty() => {
            if let Err(e) = shell::pipe(&reply.text, p) {
                print_reply(&Reply::err(e), paint);
            }
        }
        Some(_) if !reply.error => {
            print_reply(
                &Reply::err("a pipe needs a command after `|`, e.g. `| jq .`"),
                paint,
            );
        }
        _ => print_reply(&reply, paint),
    }
    reply
}

/// A seed from the wall clock (the one place randomness enters, at the edge),
/// for a session that did not name one.
pub fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    (nanos ^ (std::process::id() as u64).rotate_left(32)) % 1_000_000
}

pub(crate) fn print_reply(reply: &Reply, paint: Paint) {
    if reply.text.is_empty() {
        return;
    }
    if reply.error {
        // Errors on standard error, results on standard output.
        let mut e = std::io::stderr().lock();
        let _ = writeln!(e, "{}", paint.paint(Role::Bad, &reply.text));
        return;
    }
    out(&paint.json(&reply.text));
}

/// Reads commands from standard input, one per line (no prompt, no editing).
fn script_loop(mut table: Table, paint: Paint, opts: &PlayOptions) -> Result<(), CliError> {
    out(&table.game.borrow().opening());
    table.author_status(opts);
    // A shared session hears its watchers while it waits for the next line:
    // standard input is read on a thread into the same inbox.
    if let Some(s) = &table.share {
        s.read_stdin();
    }
    let stdin = std::io::stdin();
    let mut n = 0;
    loop {
        let next = match &table.share {
            Some(s) => s.next(),
            None => shared::read_line(&mut stdin.lock()),
        };
        let bytes = match next {
            Input::Line(b) => b,
            Input::Said(w) => {
                table.interject(w, paint);
                continue;
            }
            Input::End(None) => break,
            Input::End(Some(e)) => {
                eprintln!("cannot read standard input: {e}; the session ends here");
                break;
            }
        };
        n += 1;
        let line = match String::from_utf8(bytes) {
            Ok(l) => l,
            Err(_) => {
                // Not a command: say so and go on (the session is not lost to one bad byte).
                print_reply(
                    &Reply::err(format!(
                        "line {n} of the input is not valid UTF-8 text; it was ignored"
                    )),
                    paint,
                );
                continue;
            }
        };
        let line = line.trim_end_matches(['\n', '\r']);
        let reply = table.run_line(line, paint);
        if reply.quit {
            break;
        }
        table.author_status(opts);
    }
    finish(table, opts)
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

fn interactive_loop(mut table: Table, paint: Paint, opts: &PlayOptions) -> Result<(), CliError> {
    use rustyline::error::ReadlineError;
    out(&table.game.borrow().opening());
    table.author_status(opts);
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
        session: table.game.clone(),
        paint,
    }));
    let history = history_file();
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    if let Some(s) = &table.share {
        // A watcher's words show at once, over the prompt; the game records them
        // when the player next presses Enter.
        if let Ok(mut printer) = rl.create_external_printer() {
            use rustyline::ExternalPrinter as _;
            s.announce_with(Box::new(move |m| {
                let _ = printer.print(m);
            }));
        }
    }
    let started = Instant::now();
    loop {
        let _ = table
            .game
            .borrow_mut()
            .catch_up(started.elapsed().as_millis() as i64);
        table.hear(paint);
        let prompt = {
            let e = table.game.borrow().elapsed() / 1000;
            let p = format!(
                "[{:02}:{:02}:{:02}] faultline> ",
                e / 3600,
                e / 60 % 60,
                e % 60
            );
            paint.paint(Role::Prompt, &p)
        };
        match rl.readline(&prompt) {
            Ok(text) => {
                // A bracketed paste of several lines arrives as one: each runs, in order.
                let mut quit = false;
                for line in text.split(['\n', '\r']) {
                    let _ = table
                        .game
                        .borrow_mut()
                        .catch_up(started.elapsed().as_millis() as i64);
                    table.hear(paint);
                    let reply = table.run_line(line, paint);
                    if reply.quit {
                        quit = true;
                        break;
                    }
                    table.author_status(opts);
                }
                if quit {
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
    finish(table, opts)
}

/// What ending a session on a signal needs: enough to rebuild it from its journal.
struct Ending {
    scenario: crate::scenario::Scenario,
    seed: u64,
    clock: Clock,
    journal: PathBuf,
    report: Option<PathBuf>,
    debrief: Option<PathBuf>,
    paint: Paint,
}

/// SIGTERM, SIGHUP (a closed terminal, a dropped ssh) and SIGINT end the
/// session cleanly: a thread rebuilds it from its journal (flushed after
/// every event), prints the scorecard, writes the report and debrief asked
/// for, and exits with 128 + the signal's number. At the prompt, Ctrl-C is a
/// key the line editor reads (it cancels the line), not a signal.
fn on_signals(ending: Ending) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            let name = match sig {
                SIGTERM => "SIGTERM",
                SIGHUP => "SIGHUP",
                _ => "SIGINT",
            };
            let code = 128 + sig;
            match end_from_journal(&ending) {
                Ok(()) => eprintln!(
                    "The session was ended by {name}; its journal is {} (faultline play --resume {} to go on).",
                    ending.journal.display(),
                    ending.journal.display()
                ),
                Err(e) => eprintln!("The session was ended by {name}: {e}"),
            }
            std::process::exit(code);
        }
    });
}

fn end_from_journal(e: &Ending) -> Result<(), CliError> {
    let journal = crate::game::journal::Journal::read(&e.journal).map_err(CliError::Input)?;
    let (mut game, player) = rebuild(
        e.scenario.clone(),
        e.seed,
        e.clock,
        Some(&journal),
        (None, None),
        false,
    )?;
    let report = game.finish(&player);
    out(&game.farewell(&player));
    out(&report.scorecard(e.paint));
    write_reports(
        &report,
        e.report.as_deref(),
        e.debrief.as_deref(),
        Vec::new(),
    )
}

/// `faultline report <journal>`: the scorecard of a journaled session (ended
/// or not), and its report and debrief files.
pub fn report(
    lib: &Library,
    journal: &Path,
    report_path: Option<&Path>,
    debrief_path: Option<&Path>,
    paint: Paint,
) -> Result<(), CliError> {
    for (flag, p) in [("--report", report_path), ("--debrief", debrief_path)] {
        if let Some(p) = p {
            check_output_path(flag, p)?;
        }
    }
    let j = crate::game::journal::Journal::read(journal).map_err(CliError::Input)?;
    let scenario = cli::open(lib, &j.scenario)?;
    let (mut game, player) = rebuild(
        scenario,
        j.seed,
        Clock::Step(SCRIPT_STEP),
        Some(&j),
        (None, None),
        false,
    )?;
    let report = game.finish(&player);
    out(&report.scorecard(paint));
    write_reports(&report, report_path, debrief_path, Vec::new())
}

/// `[author] evidence 1/2 seen · answer: <cause> <culprits>; ...`, then one
/// line per evidence item, ticked once seen.
fn author_block(game: &Game, player: &Player) -> String {
    let evidence = &game.scenario.spec.evidence;
    let seen = |i: usize| player.grade.seen.get(i).is_some_and(|s| s.is_some());
    let n = (0..evidence.len()).filter(|i| seen(*i)).count();
    let answer: Vec<String> = player
        .grade
        .answer
        .iter()
        .map(|a| {
            let culprits: Vec<&str> = a
                .culprits
                .iter()
                .filter_map(|c| c.first().map(String::as_str))
                .collect();
            format!("{} {}", a.cause, culprits.join(" "))
        })
        .collect();
    let mut text = format!(
        "[author] evidence {n}/{} seen · answer: {}",
        evidence.len(),
        answer.join("; ")
    );
    for (i, e) in evidence.iter().enumerate() {
        let mark = if seen(i) { "x" } else { " " };
        let what = game
            .inst
            .resolve(&e.text)
            .unwrap_or_else(|_| e.text.clone());
        text.push_str(&format!("\n[author]   [{mark}] {what} ({})", e.command));
    }
    text
}
