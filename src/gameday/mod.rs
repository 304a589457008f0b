//! Game days: several players or teams play the same scenario and seed, each
//! in their own world, and a facilitator runs the day. This part owns the
//! facilitator's tools over what the games leave behind: the scoreboard
//! ranked from session reports and event streams (a stream is replayed into
//! the report of its session so far, as `faultline report` does), as a
//! terminal table, Markdown or one self-contained HTML page, with a watch
//! over a folder as they arrive; and the facilitator's sheet of the rounds
//! (briefing, answer, reference path, hints, resolved at each round's seed).
//! It must not score anything itself (the reports carry their scores) nor
//! touch a terminal: output goes to writers the caller hands in, and whether
//! to clear a screen is the caller's call.

pub mod html;
pub mod plan;
pub mod scoreboard;

use std::path::PathBuf;

/// What went wrong with a game-day command; each names the file it is about.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A report or folder could not be read.
    #[error("{path}: cannot read it: {source}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file that is not a faultline session report.
    #[error("{path}: not a faultline report: {why}")]
    NotReport {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A report of a schema version this faultline does not read.
    #[error("{path}: report schema {found}, but this faultline reads schema {expected}; rebuild the report with the same faultline (`faultline report JOURNAL --report FILE`)")]
    Schema {
        /// The file.
        path: PathBuf,
        /// Its schema.
        found: u64,
        /// The one read here.
        expected: u32,
    },
    /// A folder without any report.
    #[error("{0}: no reports (*.json) or event streams (*.jsonl) in this folder")]
    Empty(PathBuf),
    /// Several files went wrong: one line each.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Many(Vec<Error>),
    /// An output file could not be written.
    #[error("{path}: cannot write it: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A round's scenario does not instantiate at its seed.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// A bad argument.
    #[error("{0}")]
    Usage(String),
}

/// Longest player or team name, in characters.
pub const NAME_MAX: usize = 40;

/// Checks a `--player` or `--team` name: 1 to [`NAME_MAX`] characters, no
/// control characters (it goes into tables, Markdown and HTML).
pub fn name(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if t.chars().count() > NAME_MAX {
        return Err(format!("a name is at most {NAME_MAX} characters"));
    }
    if t.chars().any(char::is_control) {
        return Err("a name cannot hold control characters".into());
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_short_printable_and_trimmed() {
        assert_eq!(super::name("  red team ").unwrap(), "red team");
        assert!(super::name("").is_err());
        assert!(super::name("a\u{1b}[31m").is_err());
        assert!(super::name(&"x".repeat(41)).is_err());
        assert!(super::name("Zoë <b>").is_ok());
    }
}
