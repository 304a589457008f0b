//! The `faultline` binary: flags in, library calls, exit codes out.

use clap::{CommandFactory, Parser, Subcommand};
use faultline::cli;
use faultline::paint::{ColorChoice, Paint};
use std::io::IsTerminal;
use std::path::PathBuf;

// The engine allocates many small strings (ids, ARNs, messages); mimalloc is
// measurably faster at that than the system allocator (see README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The version and the commit it was built from (see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("FAULTLINE_COMMIT"),
    ")"
);

/// A troubleshooting game for AWS ECS on Fargate.
#[derive(Parser)]
#[command(name = "faultline", version = VERSION, about, long_about = None)]
struct Args {
    /// Folder of scenarios (default: ./scenarios if there is one, else the built-in scenarios).
    #[arg(long, global = true, value_name = "DIR")]
    scenarios: Option<PathBuf>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE forces it), always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the scenarios.
    List {
        /// Only scenarios with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only scenarios of this difficulty (1-5).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        difficulty: Option<u8>,
        /// JSON (an array of {id, title, difficulty, tags}) instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Play a scenario: the briefing, then a REPL of read-only AWS CLI diagnostics.
    Play {
        /// Scenario id (see `faultline list`); not needed with --resume or --connect.
        #[arg(required_unless_present_any = ["resume", "connect"])]
        id: Option<String>,
        /// Seed of the variation (a random one is chosen and printed when absent).
        #[arg(long)]
        seed: Option<u64>,
        /// Virtual seconds per wall second while you play on a terminal.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Write the session report (JSON) here at the end.
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Write the debrief (Markdown) here at the end.
        #[arg(long, value_name = "PATH")]
        debrief: Option<PathBuf>,
        /// Write every step as JSON Lines here, as it happens (flushed after each event).
        #[arg(long, value_name = "PATH")]
        events: Option<PathBuf>,
        /// Resume a session from its journal (see `faultline report`): its commands are
        /// played again on the same world, then play goes on.
        #[arg(long, value_name = "JOURNAL")]
        resume: Option<PathBuf>,
        /// Your name, recorded in the events and the report (game days: see `faultline scoreboard`).
        #[arg(long, value_name = "NAME", value_parser = faultline::gameday::name)]
        player: Option<String>,
        /// Your team, recorded in the events and the report.
        #[arg(long, value_name = "NAME", value_parser = faultline::gameday::name)]
        team: Option<String>,
        /// Interview mode: no feedback on diagnoses until the end, hints from the
        /// interviewer only, and an interviewer's rubric in the scorecard and debrief.
        #[arg(long)]
        interview: bool,
        /// Share the session's events with `faultline watch` over TCP (loopback by
        /// default; port 0 picks one); the address and a token are printed at start.
        #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:0")]
        share: Option<String>,
        /// Play a team's world of a `faultline serve` (its URL): the REPL as a thin
        /// client; every line (reads, diagnose, hint, fix, submit) runs on the server.
        #[arg(long, value_name = "URL", requires = "team", conflicts_with_all = ["id", "seed", "resume", "report", "debrief", "events", "share", "interview", "player"])]
        connect: Option<String>,
        /// With --connect: the team's token, as `faultline serve` printed it (when it
        /// listens beyond loopback).
        #[arg(long, requires = "connect")]
        token: Option<String>,
    },
    /// Serve a scenario's simulated account over the AWS wire protocols: players use
    /// their own aws CLI, SDKs and scripts; each team gets its own world; the
    /// facilitator page at / shows every team live.
    Serve {
        /// Scenario id (see `faultline list`).
        id: String,
        /// Seed of the variation (a random one is chosen and printed when absent).
        #[arg(long)]
        seed: Option<u64>,
        /// Address to listen on; anything beyond loopback gives every team a token.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4566")]
        bind: String,
        /// Virtual seconds per wall second; 0 stops the clock (the world then
        /// changes only with fixes: tests, demos).
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// A team (its access key id); repeat for more teams (default: one team, `player`).
        #[arg(long = "team", value_name = "NAME")]
        teams: Vec<String>,
        /// Where the teams' journals go (default: a new folder under
        /// $XDG_STATE_HOME/faultline/sessions).
        #[arg(long, value_name = "DIR")]
        journal_dir: Option<std::path::PathBuf>,
        /// Stop after this long (wall time, e.g. 2h; default: until Ctrl-C).
        #[arg(long = "for", value_name = "DURATION")]
        serve_for: Option<String>,
        /// Serve the account before the fault, as live mode's sandbox stack NAME
        /// (infra/sandbox.yaml): `faultline live start --stack NAME` pointed at
        /// the server injects the fault.
        #[arg(long, value_name = "NAME")]
        sandbox_stack: Option<String>,
    },
    /// The operation catalogue, one `service Api cli-name read|write` line each
    /// (for `scripts/gen_wire_models.py`).
    #[command(hide = true)]
    Catalogue,
    /// Watch a session live: a shared one (`play --share`) or an `--events` file.
    Watch {
        /// The shared session's address, as `play --share` printed it.
        #[arg(required_unless_present = "events", conflicts_with = "events")]
        addr: Option<String>,
        /// The token the shared session printed.
        #[arg(long, requires = "addr")]
        token: Option<String>,
        /// Follow this `--events` file instead (it may not exist yet).
        #[arg(long, value_name = "PATH")]
        events: Option<PathBuf>,
    },
    /// The scorecard, report and debrief of a journaled session (ended or not).
    Report {
        /// The session's journal (`--events` file, or one under $XDG_STATE_HOME/faultline/sessions).
        journal: PathBuf,
        /// Write the report (JSON) here.
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Write the debrief (Markdown) here.
        #[arg(long, value_name = "PATH")]
        debrief: Option<PathBuf>,
    },
    /// Play a scenario as its author: the same shell as `play`, with the answer
    /// and the evidence checklist (ticked as it is seen) after each command.
    Preview {
        /// Scenario id, or the path of a scenario file.
        id: String,
        /// Seed of the variation.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// The cause vocabulary, one line each.
    Causes,
    /// The JSON Schema of scenario or environment files (for editors;
    /// `docs/schema/` holds them, regenerated with `faultline schema <kind>`).
    Schema {
        /// Which file format.
        kind: faultline::scenario::schema::Kind,
    },
    /// The author's view of a scenario (spoilers).
    Show {
        /// Scenario id.
        id: String,
        /// Seed of the variation.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// JSON (every field of the text) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Rank a game day's players or teams from their reports or event streams.
    Scoreboard {
        /// Report files, event streams (`play --events FILE.jsonl`: the session so
        /// far), or folders of them (*.json, *.jsonl); rounds of different
        /// scenarios or seeds are ranked each on its own.
        #[arg(required = true, value_name = "REPORT.json|EVENTS.jsonl|DIR")]
        reports: Vec<PathBuf>,
        /// table (for a terminal), markdown, or html (one self-contained page with charts).
        #[arg(long, value_enum, default_value = "table")]
        format: faultline::gameday::scoreboard::Format,
        /// Write the board to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Read the reports again every second and show the board anew when they change.
        #[arg(long)]
        watch: bool,
        /// With --watch: stop after this long.
        #[arg(
            long = "for",
            value_name = "DURATION",
            default_value = "4h",
            requires = "watch"
        )]
        watch_for: String,
    },
    /// Game days: the facilitator's tools.
    Gameday {
        #[command(subcommand)]
        command: GamedayCommand,
    },
    /// Prove scenarios: healthy before the fault, broken after, healed by the fix.
    Validate {
        /// Scenario ids, files or folders (default: all scenarios).
        #[arg(value_name = "SCENARIO")]
        paths: Vec<PathBuf>,
        /// Seeds to prove each scenario with.
        #[arg(long, default_value_t = 20)]
        seeds: u64,
        /// JSON ({valid, seeds, scenarios[], load_errors[], failures[]}) instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (scenario ids included) to standard output.
    ///
    /// bash: `source <(faultline completions bash)`; zsh: put the output in a
    /// file `_faultline` on your `$fpath`; fish: write it to
    /// `~/.config/fish/completions/faultline.fish`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output: `faultline man | man -l -`.
    Man {
        /// Write every page (faultline.1 and faultline-<command>.1) into this folder instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Live mode: the scenarios as real faults on a sandbox AWS account (infra/sandbox.yaml).
    #[cfg(feature = "live")]
    Live {
        #[command(subcommand)]
        command: LiveCommand,
    },
}

/// `faultline gameday ...`.
#[derive(Subcommand)]
enum GamedayCommand {
    /// The facilitator's sheet (Markdown) of the rounds: seed, briefing, answer,
    /// reference path and hints, resolved at each round's seed (spoilers).
    Plan {
        /// Scenario ids, one a round; `ID:SEED` gives a round its own seed.
        #[arg(required = true, value_name = "ID[:SEED]")]
        rounds: Vec<String>,
        /// The seed of the rounds that do not give one.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

/// How to reach the sandbox account.
#[cfg(feature = "live")]
#[derive(clap::Args)]
struct Account {
    /// AWS region (default: the environment's or the profile's).
    #[arg(long)]
    region: Option<String>,
    /// Named AWS profile.
    #[arg(long)]
    profile: Option<String>,
    /// Allow changes to this account id (besides $XDG_CONFIG_HOME/faultline/allowed-accounts;
    /// none is allowed by default).
    #[arg(long = "allow-account", value_name = "ID")]
    allow: Vec<String>,
}

/// How long to wait for a run's symptom before play.
#[cfg(feature = "live")]
#[derive(clap::Args)]
struct SymptomWait {
    /// Longest wait for the scenario's symptom to show on the real service.
    #[arg(long, value_name = "DURATION", default_value = "15m")]
    symptom_within: String,
    /// Play at once, without waiting for the symptom.
    #[arg(long)]
    no_wait: bool,
}

/// The play shell's options in live mode.
#[cfg(feature = "live")]
#[derive(clap::Args)]
struct LivePlay {
    /// Write the JSON report here at the end.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Write a Markdown debrief here at the end.
    #[arg(long)]
    debrief: Option<PathBuf>,
    /// Write the session's events here as JSON Lines, as they happen.
    #[arg(long)]
    events: Option<PathBuf>,
    /// Your name, recorded in the events and the report.
    #[arg(long, value_name = "NAME", value_parser = faultline::gameday::name)]
    player: Option<String>,
    /// Your team, recorded in the events and the report.
    #[arg(long, value_name = "NAME", value_parser = faultline::gameday::name)]
    team: Option<String>,
    /// An interview round: no right/wrong feedback until the end, hints come
    /// from the interviewer, and the scorecard carries the interviewer's rubric.
    #[arg(long)]
    interview: bool,
}

#[cfg(feature = "live")]
impl LivePlay {
    fn options(&self, paint: Paint) -> faultline::repl::PlayOptions {
        faultline::repl::PlayOptions {
            seed: None,
            speed: 1.0,
            paint,
            report: self.report.clone(),
            debrief: self.debrief.clone(),
            events: self.events.clone(),
            resume: None,
            who: (self.player.clone(), self.team.clone()),
            interview: self.interview,
            share: None,
            author: false,
        }
    }
}

#[cfg(feature = "live")]
impl SymptomWait {
    fn bound(&self) -> Result<Option<faultline::time::Millis>, cli::CliError> {
        if self.no_wait {
            return Ok(None);
        }
        let d = faultline::time::Dur::parse(&self.symptom_within).map_err(|m| {
            cli::CliError::Input(format!("--symptom-within {}: {m}", self.symptom_within))
        })?;
        Ok(Some(d.0.max(0)))
    }
}

/// Enters a run and plays it.
#[cfg(feature = "live")]
fn play_live(
    dir: &faultline::scenario::Library,
    acct: faultline::live::LiveAccount,
    (journal, info): (PathBuf, faultline::live::journal::RunInfo),
    allowed: Vec<String>,
    wait: &SymptomWait,
    play: &LivePlay,
    paint: Paint,
) -> Result<String, cli::CliError> {
    use faultline::live::session;
    let bound = wait.bound()?;
    let mut progress = session::progress_display();
    let mut game = session::enter(dir, acct, journal, info, allowed, bound, &mut *progress)?;
    game.on_progress(progress);
    faultline::repl::play_remote(game, &play.options(paint)).map(|()| String::new())
}

#[cfg(feature = "live")]
#[derive(Subcommand)]
enum LiveCommand {
    /// Preflight: credentials, allow list, the stack, each live scenario's resources and tags, cost.
    Check {
        /// The sandbox stack's name.
        #[arg(long)]
        stack: String,
        /// Check only this scenario (default: every live scenario).
        #[arg(long)]
        scenario: Option<String>,
        #[command(flatten)]
        account: Account,
    },
    /// Inject a scenario's fault into the sandbox, each change journaled first.
    Start {
        /// Scenario id (see `faultline live check`).
        id: String,
        /// The sandbox stack's name.
        #[arg(long)]
        stack: String,
        /// Seed of the variation (a random one is chosen and printed when absent).
        #[arg(long)]
        seed: Option<u64>,
        /// Deadline after which `live status` flags the run (e.g. 2h).
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
        /// Inject only: do not wait for the symptom nor open the REPL
        /// (`live play` enters the run later, e.g. when the candidate arrives).
        #[arg(long)]
        no_play: bool,
        #[command(flatten)]
        wait: SymptomWait,
        #[command(flatten)]
        play: LivePlay,
        #[command(flatten)]
        account: Account,
    },
    /// Play an injected run in the REPL: the same commands, on the real account.
    Play {
        /// The run id (default: the newest run not undone; see `faultline live status`).
        #[arg(long)]
        run: Option<String>,
        #[command(flatten)]
        wait: SymptomWait,
        #[command(flatten)]
        play: LivePlay,
        #[command(flatten)]
        account: Account,
    },
    /// Revert everything a run changed, newest first (default: the newest run not undone).
    Undo {
        /// The run id (see `faultline live status`).
        #[arg(long)]
        run: Option<String>,
        #[command(flatten)]
        account: Account,
    },
    /// Apply a fix (an AWS CLI write) to a run in progress through the guard,
    /// journaled with the run so that `live undo` reverts it too.
    Fix {
        /// The run id (default: the newest run not undone).
        #[arg(long)]
        run: Option<String>,
        #[command(flatten)]
        account: Account,
        /// The AWS CLI command, e.g. -- ec2 create-route --route-table-id ... --nat-gateway-id ...
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            required = true,
            value_name = "COMMAND"
        )]
        command: Vec<String>,
    },
    /// Restore the stack's baseline without a journal.
    Reset {
        /// The sandbox stack's name.
        #[arg(long)]
        stack: String,
        #[command(flatten)]
        account: Account,
    },
    /// List the runs, their age and deadline.
    Status,
}

#[cfg(feature = "live")]
fn live(
    dir: &faultline::scenario::Library,
    command: &LiveCommand,
    paint: Paint,
) -> Result<String, cli::CliError> {
    use faultline::live::cli as live;
    let progress = &mut |line: &str| eprintln!("{line}");
    match command {
        LiveCommand::Check {
            stack,
            scenario,
            account,
        } => {
            let ids: Vec<String> = match scenario {
                Some(s) => vec![s.clone()],
                None => {
                    faultline::scenario::live::live_scenarios(dir).map_err(cli::CliError::Input)?
                }
            };
            let scenarios = ids
                .iter()
                .map(|id| cli::find(dir, id))
                .collect::<Result<Vec<_>, _>>()?;
            let acct = live::connect(account.region.as_deref(), account.profile.as_deref())?;
            live::check(&acct, &live::allow_list(&account.allow)?, stack, &scenarios)
        }
        LiveCommand::Start {
            id,
            stack,
            seed,
            expires,
            no_play,
            wait,
            play,
            account,
        } => {
            let scenario = cli::find(dir, id)?;
            let expires = match expires {
                Some(e) => Some(
                    faultline::time::Dur::parse(e)
                        .map_err(|m| cli::CliError::Input(format!("--expires {e}: {m}")))?
                        .0
                        .max(0) as u64
                        / 1000,
                ),
                None => None,
            };
            let seed = seed.unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() % 10_000)
                    .unwrap_or(0)
            });
            let acct = live::connect(account.region.as_deref(), account.profile.as_deref())?;
            let allowed = live::allow_list(&account.allow)?;
            let journal_dir = live::journal_dir()?;
            let opts = live::StartOptions {
                allowed: &allowed,
                stack,
                seed,
                expires,
                journal_dir: &journal_dir,
            };
            // Flags are checked before anything is injected.
            wait.bound()?;
            let started = live::start(&acct, &scenario, &opts, progress)?;
            if *no_play {
                return Ok(started.text);
            }
            eprint!("{}", started.text);
            play_live(
                dir,
                acct,
                (started.journal, started.info),
                allowed,
                wait,
                play,
                paint,
            )
        }
        LiveCommand::Play {
            run,
            wait,
            play,
            account,
        } => {
            let journal_dir = live::journal_dir()?;
            let (journal, info) = faultline::live::session::open_run(&journal_dir, run.as_deref())?;
            if account.region.as_deref().is_some_and(|r| r != info.region) {
                return Err(cli::CliError::Input(format!(
                    "run {} is in {}, not {}",
                    info.run,
                    info.region,
                    account.region.as_deref().unwrap_or_default()
                )));
            }
            let acct = live::connect(Some(&info.region), account.profile.as_deref())?;
            let allowed = live::allow_list(&account.allow)?;
            play_live(dir, acct, (journal, info), allowed, wait, play, paint)
        }
        LiveCommand::Undo { run, account } => {
            let journal_dir = live::journal_dir()?;
            let region = match &account.region {
                Some(r) => r.clone(),
                None => live::run_region(&journal_dir, run.as_deref())?,
            };
            let acct = live::connect(Some(&region), account.profile.as_deref())?;
            live::undo(
                &acct,
                &live::allow_list(&account.allow)?,
                &journal_dir,
                run.as_deref(),
            )
        }
        LiveCommand::Fix {
            run,
            account,
            command,
        } => {
            let journal_dir = live::journal_dir()?;
            let region = match &account.region {
                Some(r) => r.clone(),
                None => live::run_region(&journal_dir, run.as_deref())?,
            };
            let line = shlex::try_join(command.iter().map(String::as_str))
                .map_err(|e| cli::CliError::Input(format!("the command cannot be quoted: {e}")))?;
            let acct = live::connect(Some(&region), account.profile.as_deref())?;
            let out = live::fix(
                &acct,
                &live::allow_list(&account.allow)?,
                &journal_dir,
                run.as_deref(),
                &line,
            )?;
            Ok(match out.as_object() {
                Some(m) if m.is_empty() => String::new(),
                _ => format!(
                    "{}\n",
                    serde_json::to_string_pretty(&out).unwrap_or_default()
                ),
            })
        }
        LiveCommand::Reset { stack, account } => {
            let acct = live::connect(account.region.as_deref(), account.profile.as_deref())?;
            live::reset(&acct, &live::allow_list(&account.allow)?, stack)
        }
        LiveCommand::Status => {
            live::status(&live::journal_dir()?, faultline::live::journal::unix_now())
        }
    }
}

/// Seconds since the Unix epoch (names of new journal folders).
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn main() {
    let args = Args::parse();
    // Colour is decided here, once, for standard output, and passed down.
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let paint = Paint::decide(args.color, stdout_is_terminal);
    let width = if stdout_is_terminal {
        terminal_size::terminal_size_of(std::io::stdout())
            .map(|(w, _)| usize::from(w.0))
            .filter(|w| *w > 0)
    } else {
        None
    };
    let output = |json: bool| cli::Output { paint, width, json };
    let lib = || cli::library(args.scenarios.as_deref());
    let result = match &args.command {
        Command::List {
            tag,
            difficulty,
            json,
        } => cli::list(&lib(), tag.as_deref(), *difficulty, output(*json)),
        Command::Play {
            team,
            connect: Some(url),
            token,
            ..
        } => faultline::repl::connect::run(
            url,
            team.as_deref().unwrap_or(""),
            token.as_deref(),
            paint,
        )
        .map(|()| String::new()),
        Command::Play {
            id,
            seed,
            speed,
            report,
            debrief,
            events,
            resume,
            player,
            team,
            interview,
            share,
            ..
        } => {
            let opts = faultline::repl::PlayOptions {
                seed: *seed,
                speed: *speed,
                paint,
                report: report.clone(),
                debrief: debrief.clone(),
                events: events.clone(),
                resume: resume.clone(),
                who: (player.clone(), team.clone()),
                interview: *interview,
                share: share.clone(),
                author: false,
            };
            faultline::repl::play(&lib(), id.as_deref().unwrap_or(""), &opts)
                .map(|()| String::new())
        }
        Command::Preview { id, seed } => {
            let opts = faultline::repl::PlayOptions {
                seed: Some(*seed),
                speed: 1.0,
                paint,
                report: None,
                debrief: None,
                events: None,
                resume: None,
                who: (None, None),
                interview: false,
                share: None,
                author: true,
            };
            faultline::repl::play(&lib(), id, &opts).map(|()| String::new())
        }
        Command::Report {
            journal,
            report,
            debrief,
        } => faultline::repl::report(
            &lib(),
            journal,
            report.as_deref(),
            debrief.as_deref(),
            paint,
        )
        .map(|()| String::new()),
        Command::Watch {
            addr,
            token,
            events,
        } => {
            let opts = faultline::watch::WatchOptions {
                addr: addr.clone(),
                token: token.clone(),
                events: events.clone(),
            };
            faultline::watch::watch(&lib(), &opts).map(|()| String::new())
        }
        Command::Causes => Ok(cli::causes()),
        Command::Schema { kind } => Ok(faultline::scenario::schema::schema(*kind)),
        Command::Serve {
            id,
            seed,
            bind,
            speed,
            teams,
            journal_dir,
            serve_for,
            sandbox_stack,
        } => {
            let seed = seed.unwrap_or_else(faultline::repl::random_seed);
            let serve_for = match serve_for {
                Some(d) => faultline::time::Dur::parse(d)
                    .map(|d| Some(std::time::Duration::from_millis(d.0 as u64)))
                    .map_err(|m| cli::CliError::Input(format!("--for {d}: {m}"))),
                None => Ok(None),
            };
            let dir = match journal_dir {
                Some(d) => Ok(d.clone()),
                None => faultline::repl::sessions_dir()
                    .map(|d| {
                        // A new folder each time: a second server started in the
                        // same second does not write into the first one's journals.
                        let base = format!("serve-{id}-seed{seed}-{}", unix_now());
                        (0..)
                            .map(|n| match n {
                                0 => d.join(&base),
                                n => d.join(format!("{base}-{n}")),
                            })
                            .find(|p| !p.exists())
                            .unwrap_or_else(|| d.join(&base))
                    })
                    .ok_or_else(|| {
                        cli::CliError::Input(
                            "no state folder ($XDG_STATE_HOME or $HOME) for the journals: give --journal-dir".into(),
                        )
                    }),
            };
            serve_for.and_then(|serve_for| {
                dir.and_then(|dir| {
                    cli::serve(
                        &lib(),
                        id,
                        seed,
                        bind,
                        *speed,
                        teams,
                        dir,
                        serve_for,
                        sandbox_stack.as_deref(),
                    )
                })
            })
        }
        Command::Catalogue => Ok(cli::catalogue()),
        Command::Show { id, seed, json } => cli::show(&lib(), id, *seed, output(*json)),
        Command::Validate { paths, seeds, json } => {
            cli::validate(&lib(), paths, *seeds, output(*json))
        }
        Command::Completions { shell } => Ok(cli::completions(&lib(), Args::command(), *shell)),
        Command::Man { dir } => cli::man(Args::command(), dir.as_deref()),
        Command::Scoreboard {
            reports,
            format,
            out,
            watch,
            watch_for,
        } => faultline::time::Dur::parse(watch_for)
            .map_err(|m| cli::CliError::Input(format!("--for {watch_for}: {m}")))
            .and_then(|d| {
                cli::scoreboard(&lib(), reports, *format, out.as_deref(), watch.then_some(d))
            }),
        Command::Gameday {
            command: GamedayCommand::Plan { rounds, seed },
        } => cli::gameday_plan(&lib(), rounds, *seed),
        #[cfg(feature = "live")]
        Command::Live { command } => live(&lib(), command, paint),
    };
    match result {
        Ok(text) => {
            use std::io::Write;
            // A closed pipe (`faultline list | head -1`) ends quietly, as rg does.
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                std::process::exit(0);
            }
        }
        Err(e) => {
            if let cli::CliError::Reported { report, .. } = &e {
                use std::io::Write;
                let _ = std::io::stdout().lock().write_all(report.as_bytes());
            }
            eprintln!("{e}");
            std::process::exit(e.code());
        }
    }
}
