//! Entering a live run as a player: the run's journal names the scenario,
//! seed, stack and region; the site is opened on the account; the game
//! waits until the scenario's symptom is really observable (a progress
//! display on a terminal), then hands over a [`Game`] for the shell to play.

use super::journal::RunInfo;
use super::play::LiveSite;
use super::LiveAccount;
use crate::aws::waiters::Sighting;
use crate::cli::CliError;
use crate::game::remote::await_symptom;
use crate::game::{Game, Remote};
use crate::scenario::{Library, Mode};
use crate::time::{Dur, Millis};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The journal and header of run `run`, or of the newest run not undone.
pub fn open_run(dir: &Path, run: Option<&str>) -> Result<(PathBuf, RunInfo), CliError> {
    let (path, info, undone) = super::cli::find_run_to(dir, run, "play")?;
    if undone {
        return Err(CliError::Input(format!(
            "run {} has been undone; start a new one with faultline live start",
            info.run
        )));
    }
    Ok((path, info))
}

/// Progress lines: a spinner on a terminal (an empty line ends it, so it
/// never draws over the prompt), plain lines on standard error otherwise.
pub fn progress_display() -> Box<dyn FnMut(&str)> {
    if std::io::stderr().is_terminal() {
        let mut bar: Option<indicatif::ProgressBar> = None;
        Box::new(move |line: &str| {
            if line.is_empty() {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
                return;
            }
            let b = bar.get_or_insert_with(|| {
                let b = indicatif::ProgressBar::new_spinner();
                b.enable_steady_tick(std::time::Duration::from_millis(120));
                b
            });
            b.set_message(line.to_string());
        })
    } else {
        Box::new(|line: &str| {
            if !line.is_empty() {
                eprintln!("{line}")
            }
        })
    }
}

/// A game on the run journaled at `path`: the site surveyed, and (unless
/// `symptom_within` is `None`) the scenario's symptom seen first.
pub fn enter(
    lib: &Library,
    account: LiveAccount,
    path: PathBuf,
    info: RunInfo,
    allowed: Vec<String>,
    symptom_within: Option<Millis>,
    progress: &mut dyn FnMut(&str),
) -> Result<Game, CliError> {
    let scenario = crate::cli::open(lib, &info.scenario)?;
    let run = info.run.clone();
    let mut site =
        LiveSite::open(account, &scenario, path, info.clone(), allowed).map_err(CliError::Input)?;
    if let Some(bound) = symptom_within {
        progress(&format!(
            "waiting up to {} for the symptom of {} to show on the real service",
            Dur(bound),
            scenario.spec.id
        ));
        let sighting = await_symptom(&mut site, &scenario, bound, progress);
        progress("");
        match sighting.map_err(CliError::Input)? {
            Sighting::Seen { tasks, .. } => eprintln!(
                "The symptom shows ({} stopped task{}).",
                tasks.len(),
                if tasks.len() == 1 { "" } else { "s" }
            ),
            Sighting::NotSeen { missing, last } => {
                return Err(CliError::Input(format!(
                    "after {}, the symptom of {} does not show on the service ({}); not seen: {}.\n\
                     The fault stays in place: play anyway with faultline live play --run {run} --no-wait, \
                     or undo it with faultline live undo --run {run}",
                    Dur(bound),
                    scenario.spec.id,
                    last.summary(),
                    missing.join("; ")
                )))
            }
        }
    }
    // Survey again: what the player arrives at is the account with the symptom.
    site.survey().map_err(CliError::Input)?;
    let inst = scenario
        .instantiate(info.seed, Mode::Incident)
        .map_err(|e| CliError::Input(e.to_string()))?;
    Ok(Game::on_remote(scenario, inst, Box::new(site)))
}
