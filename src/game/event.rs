//! Typed events: one per step of a game, kept in the game's log and handed
//! to its watchers as they happen (`--events PATH` writes them as JSON Lines).

use crate::time::Millis;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;

/// One step of a game. Serialized with its kind in `event` (snake_case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A player arrived at the incident.
    SessionStarted {
        /// Scenario id.
        scenario: String,
        /// Seed of the variation.
        seed: u64,
        /// The player's name, if one was given.
        player: Option<String>,
        /// The player's team, if one was given (absent in journals written before teams).
        #[serde(default)]
        team: Option<String>,
        /// Virtual time of arrival (ISO 8601).
        arrived: String,
        /// Whether the session is an interview (no feedback on diagnoses, no `hint`).
        #[serde(default)]
        interview: bool,
    },
    /// A line the player typed, and how it went (its details follow as their own events).
    Command {
        /// The line.
        line: String,
        /// Virtual time it ran (ISO 8601).
        virtual_time: String,
        /// Wall milliseconds since the session began (null without a wall clock).
        wall_ms: Option<u64>,
        /// Whether it succeeded.
        ok: bool,
        /// SHA-256 of the output text, lowercase hex.
        output_sha256: String,
        /// Length of the output text in bytes.
        output_bytes: usize,
        /// The first lines of the output (see [`head`]), for a watcher's digest.
        #[serde(default)]
        output_head: String,
        /// Evidence items this command showed for the first time (their texts).
        #[serde(default)]
        evidence: Vec<String>,
    },
    /// A diagnosis attempt (a misspelt cause is not one).
    Diagnosis {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// Cause id given.
        cause: String,
        /// Resources named.
        resources: Vec<String>,
        /// The player's note.
        note: Option<String>,
        /// Whether the cause is the answer's.
        cause_correct: bool,
        /// Whether a named resource is a culprit.
        culprit_correct: bool,
    },
    /// A fix AWS applied to the world.
    FixApplied {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// The command line (without `fix`).
        line: String,
        /// CLI service (`ec2`).
        service: String,
        /// CLI operation (`create-route`).
        operation: String,
    },
    /// A fix AWS refused; the world did not change.
    FixRefused {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// The command line (without `fix`).
        line: String,
        /// CLI service.
        service: String,
        /// CLI operation.
        operation: String,
        /// AWS's error text.
        error: String,
    },
    /// A hint taken.
    Hint {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// Which hint, from 1.
        index: usize,
        /// Points it costs.
        cost: u32,
    },
    /// The player let the world run.
    Wait {
        /// How long, in virtual milliseconds.
        duration_ms: Millis,
        /// The virtual time after the wait (ISO 8601).
        virtual_time: String,
    },
    /// The player submitted; the world runs forward to judge the fix.
    Submit {
        /// Virtual time of the submission (ISO 8601).
        virtual_time: String,
    },
    /// What the run after `submit` found.
    Verdict {
        /// Virtual time when the judging run ended (ISO 8601).
        virtual_time: String,
        /// Whether the success condition held.
        healed: bool,
        /// What held and what did not.
        findings: Vec<String>,
    },
    /// faultline itself failed on a command (a bug); the session went on.
    InternalError {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// The command that failed.
        line: String,
        /// What failed.
        message: String,
    },
    /// A hint the interviewer sent into the session (`faultline watch`); it costs points.
    InterviewerHint {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// The hint, as the interviewer typed it.
        text: String,
        /// Points it costs.
        cost: u32,
    },
    /// A note the interviewer sent into the session (`faultline watch`); it costs nothing.
    InterviewerNote {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// The note.
        text: String,
    },
    /// The session ended (submitted or left) with this score.
    SessionEnded {
        /// Virtual time (ISO 8601).
        virtual_time: String,
        /// Score, 0 to 100.
        total: i32,
        /// Letter grade.
        grade: String,
    },
}

impl Event {
    /// The event's kind, as written in its `event` field.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::SessionStarted { .. } => "session_started",
            Event::Command { .. } => "command",
            Event::Diagnosis { .. } => "diagnosis",
            Event::FixApplied { .. } => "fix_applied",
            Event::FixRefused { .. } => "fix_refused",
            Event::Hint { .. } => "hint",
            Event::Wait { .. } => "wait",
            Event::Submit { .. } => "submit",
            Event::Verdict { .. } => "verdict",
            Event::InternalError { .. } => "internal_error",
            Event::InterviewerHint { .. } => "interviewer_hint",
            Event::InterviewerNote { .. } => "interviewer_note",
            Event::SessionEnded { .. } => "session_ended",
        }
    }

    /// One line of JSON, without the newline.
    pub fn to_json_line(&self) -> String {
        // Plain data with string keys: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Lines of output kept in a `command` event's `output_head`.
pub const HEAD_LINES: usize = 4;

/// Characters kept of each of those lines.
pub const HEAD_WIDTH: usize = 160;

/// The first [`HEAD_LINES`] lines of `text`, each cut to [`HEAD_WIDTH`]
/// characters (a cut line ends in `…`), joined by newlines.
pub fn head(text: &str) -> String {
    text.lines()
        .take(HEAD_LINES)
        .map(|l| match l.char_indices().nth(HEAD_WIDTH) {
            Some((i, _)) => format!("{}…", &l[..i]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// SHA-256 of a text, lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Something that follows a game as it happens.
pub trait Watcher {
    /// Takes one event, in order; an error stops this watcher.
    fn event(&mut self, event: &Event) -> std::io::Result<()>;
}

/// Writes events as JSON Lines, flushed after each, so another process can follow.
pub struct JsonLines<W: Write> {
    out: W,
}

impl<W: Write> JsonLines<W> {
    /// A writer of events to `out`.
    pub fn new(out: W) -> JsonLines<W> {
        JsonLines { out }
    }
}

impl<W: Write> Watcher for JsonLines<W> {
    fn event(&mut self, event: &Event) -> std::io::Result<()> {
        let mut line = event.to_json_line();
        line.push('\n');
        // Written whole, then flushed: a follower reads complete lines up to the last newline.
        self.out.write_all(line.as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_of_an_answer_is_its_first_lines_each_cut_short() {
        assert_eq!(head(""), "");
        assert_eq!(head("a\nb"), "a\nb");
        assert_eq!(head("1\n2\n3\n4\n5\n6"), "1\n2\n3\n4");
        let long = "é".repeat(HEAD_WIDTH + 10);
        let cut = head(&long);
        assert_eq!(cut.chars().count(), HEAD_WIDTH + 1);
        assert!(cut.ends_with('…'));
    }
}

/// How a spectator reads a session's events (`faultline watch`, the
/// facilitator's page of `faultline serve`): the wording both share.
pub mod told {
    use crate::time::{parse_iso, Millis, SECOND};

    /// A command's words, single-spaced (a fix compared with the reference's).
    pub fn words(line: &str) -> String {
        line.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// `hh:mm:ss` of a duration.
    pub fn clock(ms: Millis) -> String {
        let s = ms.max(0) / SECOND;
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }

    /// Virtual time `t` (ISO 8601) since `arrived`, `+hh:mm:ss` (`t` itself
    /// when either is unknown).
    pub fn since(arrived: Option<Millis>, t: &str) -> String {
        match (arrived, parse_iso(t)) {
            (Some(a), Some(t)) => format!("+{}", clock(t - a)),
            _ => t.to_string(),
        }
    }

    /// A diagnosis and how it was judged (without its note).
    pub fn diagnosis(
        cause: &str,
        resources: &[String],
        cause_correct: bool,
        culprit_correct: bool,
    ) -> String {
        format!(
            "→ diagnosis {cause} {} — cause {}, culprit {}",
            resources.join(" "),
            if cause_correct { "RIGHT" } else { "WRONG" },
            if culprit_correct {
                "named"
            } else {
                "not named"
            },
        )
    }

    /// An applied fix, and whether it is a step of the reference fix
    /// (`reference`: its commands, through [`words`]).
    pub fn fix_applied(service: &str, operation: &str, line: &str, reference: &[String]) -> String {
        let verdict = if reference.contains(&words(line)) {
            " — a step of the reference fix"
        } else if reference.is_empty() {
            ""
        } else {
            " — not the reference fix (the verdict will judge it)"
        };
        format!("→ fix applied: {service} {operation}{verdict}")
    }
}
