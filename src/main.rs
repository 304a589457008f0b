//! The `faultline` binary: flags in, library calls, exit codes out.

use clap::{Parser, Subcommand};
use faultline::cli;
use std::path::PathBuf;

// The engine allocates many small strings (ids, ARNs, messages); mimalloc is
// measurably faster at that than the system allocator (see README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A troubleshooting game for AWS ECS on Fargate.
#[derive(Parser)]
#[command(name = "faultline", version, about, long_about = None)]
struct Args {
    /// Folder of scenarios (default: ./scenarios if there is one, else the built-in scenarios).
    #[arg(long, global = true, value_name = "DIR")]
    scenarios: Option<PathBuf>,
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
    },
    /// Play a scenario: the briefing, then a REPL of read-only AWS CLI diagnostics.
    Play {
        /// Scenario id (see `faultline list`); not needed with --resume.
        #[arg(required_unless_present = "resume")]
        id: Option<String>,
        /// Seed of the variation (a random one is chosen and printed when absent).
        #[arg(long)]
        seed: Option<u64>,
        /// Virtual seconds per wall second while you play on a terminal.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never.
        #[arg(long, value_enum, default_value = "auto")]
        color: faultline::repl::ColorChoice,
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
    /// The cause vocabulary, one line each.
    Causes,
    /// The author's view of a scenario (spoilers).
    Show {
        /// Scenario id.
        id: String,
        /// Seed of the variation.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Prove scenarios: healthy before the fault, broken after, healed by the fix.
    Validate {
        /// Scenario files or folders (default: all scenarios).
        paths: Vec<PathBuf>,
        /// Seeds to prove each scenario with.
        #[arg(long, default_value_t = 20)]
        seeds: u64,
    },
}

fn main() {
    let args = Args::parse();
    let lib = || cli::library(args.scenarios.as_deref());
    let result = match &args.command {
        Command::List { tag, difficulty } => cli::list(&lib(), tag.as_deref(), *difficulty),
        Command::Play {
            id,
            seed,
            speed,
            color,
            report,
            debrief,
            events,
            resume,
        } => {
            let opts = faultline::repl::PlayOptions {
                seed: *seed,
                speed: *speed,
                color: *color,
                report: report.clone(),
                debrief: debrief.clone(),
                events: events.clone(),
                resume: resume.clone(),
            };
            faultline::repl::play(&lib(), id.as_deref().unwrap_or(""), &opts)
                .map(|()| String::new())
        }
        Command::Report {
            journal,
            report,
            debrief,
        } => faultline::repl::report(&lib(), journal, report.as_deref(), debrief.as_deref())
            .map(|()| String::new()),
        Command::Causes => Ok(cli::causes()),
        Command::Show { id, seed } => cli::show(&lib(), id, *seed),
        Command::Validate { paths, seeds } => cli::validate(&lib(), paths, *seeds),
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
