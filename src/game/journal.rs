//! A session's journal: the event stream (JSON Lines, one event a line,
//! flushed as it happens) read back, and a game rebuilt from it by playing
//! its commands again at the virtual times they ran. The engine is
//! deterministic, so the same scenario, seed and commands give the same
//! world, answers and grade: a session that died (a signal, a closed
//! terminal, a crash) can be resumed or reported.

use super::{Event, Game, Interjection, Player};
use crate::time::{parse_iso, Millis};
use std::path::Path;

/// What a journal holds: who played what, and every command in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// Scenario id.
    pub scenario: String,
    /// Seed of the variation.
    pub seed: u64,
    /// The player's name, if one was given.
    pub player: Option<String>,
    /// The player's team, if one was given.
    pub team: Option<String>,
    /// Every command: the line, the virtual time it ran, the wall time since the start.
    pub commands: Vec<JournaledCommand>,
    /// Whether the session ended (submitted or left) in the journal.
    pub ended: bool,
    /// Whether the session is an interview.
    pub interview: bool,
    /// What the interviewer sent: after how many commands, when (virtual), what.
    pub interjections: Vec<(usize, Millis, Interjection)>,
}

/// One command of a journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournaledCommand {
    /// The line as typed.
    pub line: String,
    /// Virtual time it ran.
    pub at: Millis,
    /// Wall milliseconds since the session began, if kept.
    pub wall_ms: Option<u64>,
}

impl Journal {
    /// Reads a journal. A last line cut short (the writer died mid-line) is
    /// left out; any other malformed line is an error naming the file and line.
    pub fn read(path: &Path) -> Result<Journal, String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("{}: cannot read the journal: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        Journal::parse(&text).map_err(|(line, m)| format!("{}:{line}: {m}", path.display()))
    }

    /// Parses a journal's text; errors carry the line number.
    pub fn parse(text: &str) -> Result<Journal, (usize, String)> {
        let lines: Vec<&str> = text.split('\n').collect();
        let complete = if text.ends_with('\n') {
            lines.len() - 1
        } else {
            // The last line has no newline: it was being written.
            lines.len().saturating_sub(1)
        };
        let mut journal: Option<Journal> = None;
        for (i, line) in lines.iter().take(complete).enumerate() {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let event: Event = serde_json::from_str(line)
                .map_err(|e| (n, format!("not a faultline event: {e}")))?;
            let event_kind = event.kind();
            match event {
                Event::SessionStarted {
                    scenario,
                    seed,
                    player,
                    team,
                    interview,
                    ..
                } => {
                    if journal.is_some() {
                        return Err((n, "a second session_started: one session a journal".into()));
                    }
                    journal = Some(Journal {
                        scenario,
                        seed,
                        player,
                        team,
                        commands: Vec::new(),
                        ended: false,
                        interview,
                        interjections: Vec::new(),
                    });
                }
                Event::Command {
                    line: command,
                    virtual_time,
                    wall_ms,
                    ..
                } => {
                    let j = journal
                        .as_mut()
                        .ok_or((n, "a command before session_started".to_string()))?;
                    let at = parse_iso(&virtual_time).ok_or_else(|| {
                        (
                            n,
                            format!("virtual_time '{virtual_time}' is not an ISO 8601 time"),
                        )
                    })?;
                    j.commands.push(JournaledCommand {
                        line: command,
                        at,
                        wall_ms,
                    });
                }
                Event::InterviewerHint {
                    virtual_time, text, ..
                }
                | Event::InterviewerNote { virtual_time, text } => {
                    let hint = matches!(event_kind, "interviewer_hint");
                    let j = journal.as_mut().ok_or((
                        n,
                        "an interviewer's event before session_started".to_string(),
                    ))?;
                    let at = parse_iso(&virtual_time).ok_or_else(|| {
                        (
                            n,
                            format!("virtual_time '{virtual_time}' is not an ISO 8601 time"),
                        )
                    })?;
                    let what = if hint {
                        Interjection::Hint(text)
                    } else {
                        Interjection::Note(text)
                    };
                    j.interjections.push((j.commands.len(), at, what));
                }
                Event::SessionEnded { .. } => {
                    if let Some(j) = journal.as_mut() {
                        j.ended = true;
                    }
                }
                _ => {}
            }
        }
        journal.ok_or((
            1,
            "no session_started event: this is not a session journal".into(),
        ))
    }

    /// Plays the journal's commands again on a new game of the same scenario
    /// and seed (the game must be at its start): each at the virtual time it
    /// ran. Returns the player, with everything they had done.
    pub fn replay(&self, game: &mut Game) -> Result<Player, String> {
        if game.scenario.spec.id != self.scenario || game.inst.seed != self.seed {
            return Err(format!(
                "the journal is of {} seed {}, not {} seed {}",
                self.scenario, self.seed, game.scenario.spec.id, game.inst.seed
            ));
        }
        game.interview = self.interview;
        let mut player = game.join_team(self.player.clone(), self.team.clone());
        let mut said = self.interjections.iter().peekable();
        for (i, c) in self.commands.iter().enumerate() {
            while let Some((_, at, what)) = said.next_if(|(before, ..)| *before <= i) {
                game.replay_interjection(&mut player, what.clone(), *at)?;
            }
            game.replay_command(&mut player, &c.line, c.at, c.wall_ms)?;
        }
        for (_, at, what) in said {
            game.replay_interjection(&mut player, what.clone(), *at)?;
        }
        Ok(player)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_cut_short_is_left_out_and_other_damage_is_named() {
        let head = r#"{"event":"session_started","scenario":"x","seed":3,"player":null,"arrived":"2026-03-02T10:00:00+00:00"}"#;
        let cmd = r#"{"event":"command","line":"status","virtual_time":"2026-03-02T10:00:10+00:00","wall_ms":null,"ok":true,"output_sha256":"","output_bytes":0}"#;
        let j = Journal::parse(&format!("{head}\n{cmd}\n{{\"event\":\"comm")).unwrap();
        assert_eq!(j.commands.len(), 1);
        assert_eq!(j.commands[0].line, "status");
        assert!(!j.ended);
        let e = Journal::parse(&format!("{head}\nnot json\n{cmd}\n")).unwrap_err();
        assert_eq!(e.0, 2);
        let e = Journal::parse(&format!("{cmd}\n")).unwrap_err();
        assert!(e.1.contains("before session_started"), "{e:?}");
        assert!(Journal::parse("").is_err());
    }

    #[test]
    fn the_interviewers_words_are_kept_in_place_among_the_commands() {
        let head = r#"{"event":"session_started","scenario":"x","seed":3,"player":null,"arrived":"2026-03-02T10:00:00+00:00","interview":true}"#;
        let cmd = r#"{"event":"command","line":"status","virtual_time":"2026-03-02T10:00:10+00:00","wall_ms":null,"ok":true,"output_sha256":"","output_bytes":0}"#;
        let hint = r#"{"event":"interviewer_hint","virtual_time":"2026-03-02T10:00:12+00:00","text":"look at the routes","cost":5}"#;
        let note = r#"{"event":"interviewer_note","virtual_time":"2026-03-02T10:00:12+00:00","text":"good"}"#;
        let j = Journal::parse(&format!("{head}\n{cmd}\n{hint}\n{note}\n{cmd}\n")).unwrap();
        assert!(j.interview);
        assert_eq!(j.commands.len(), 2);
        let at = parse_iso("2026-03-02T10:00:12+00:00").unwrap();
        assert_eq!(
            j.interjections,
            vec![
                (1, at, Interjection::Hint("look at the routes".into())),
                (1, at, Interjection::Note("good".into())),
            ]
        );
        // A journal from before interviews existed is not an interview.
        let old = r#"{"event":"session_started","scenario":"x","seed":3,"player":null,"arrived":"2026-03-02T10:00:00+00:00"}"#;
        assert!(!Journal::parse(&format!("{old}\n")).unwrap().interview);
    }
}
