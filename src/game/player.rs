//! One player of a game: what they typed, the hints they took, and their
//! grading state (diagnoses, fixes, evidence seen, the verdict).

use crate::game::grade::Grader;
use crate::time::Millis;

/// One command as it was run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The line.
    pub line: String,
    /// Virtual time when it ran.
    pub at: Millis,
    /// Whether it succeeded.
    pub ok: bool,
    /// Wall milliseconds since the session began, if a wall clock was kept.
    pub wall_ms: Option<u64>,
}

/// A player: commands, hints taken, and grading.
#[derive(Debug, Clone)]
pub struct Player {
    /// The player's name, if one was given.
    pub name: Option<String>,
    /// The player's team, if one was given (game days).
    pub team: Option<String>,
    /// Commands run, in order.
    pub commands: Vec<Entry>,
    /// Hints taken (the first `hints_taken` of the scenario's hints).
    pub hints_taken: usize,
    /// Grading: diagnoses, fixes, evidence seen, verdict.
    pub grade: Grader,
    /// What the interviewer sent into the session (hints and notes), in order.
    pub interjections: Vec<Interjected>,
}

/// A hint or note the interviewer sent into the session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Interjected {
    /// Virtual time it arrived.
    pub at: Millis,
    /// `hint` or `note`.
    pub kind: &'static str,
    /// The text.
    pub text: String,
    /// Points it cost (0 for a note).
    pub cost: u32,
}

impl Player {
    /// A player who has done nothing yet, graded against `grade`'s scenario.
    pub fn new(name: Option<String>, grade: Grader) -> Player {
        Player {
            name,
            team: None,
            commands: Vec::new(),
            hints_taken: 0,
            grade,
            interjections: Vec::new(),
        }
    }
}
