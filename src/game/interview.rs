//! Interview mode and the interviewer's part in a game: hints and notes sent
//! into a session from outside (`faultline watch`), and the rubric an
//! interviewer reads at the end — how the investigation narrowed, the evidence
//! seen before each diagnosis, fix quality and blast radius, verification,
//! time. Like the rest of the game it takes values and answers with text: how
//! the interviewer's words arrive (a socket, a file) is the shell's business.

use super::{Event, Game, Player, Reply};
use crate::game::grade::report::Report;
use crate::game::player::Interjected;
use crate::time::{iso, parse_iso, Dur, Millis, SECOND};
use serde::Serialize;
use std::fmt::Write as _;

/// What an interviewer's hint costs when the scenario has no hint left to price it.
pub const INTERVIEWER_HINT_COST: u32 = 5;

/// Longest text an interviewer may send at once (longer is cut).
pub const MAX_INTERJECTION: usize = 2000;

/// The answer to `hint` in an interview.
pub const NO_HINT_VERB: &str =
    "In an interview the interviewer gives the hints: ask them (`hint` is off in interview mode).";

/// What `help` adds in an interview.
pub const HELP: &str = "This is an interview: `diagnose` records your diagnosis and the verdict comes at the end; `hint` is off (ask your interviewer).";

/// Something the interviewer sends into a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interjection {
    /// A hint: it costs points (see [`Game::interject`]).
    Hint(String),
    /// A note: printed to the player, free.
    Note(String),
}

/// An interviewer's text as one clean line, bounded.
fn clean(text: &str) -> String {
    let one: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_INTERJECTION)
        .collect();
    one.trim().to_string()
}

impl Game {
    /// The interviewer's hint or note arrives: recorded for the player, emitted
    /// as `interviewer_hint` / `interviewer_note`, and answered with the text to
    /// print to the player. A hint costs what the scenario's next unused hint
    /// costs (a hint from the interviewer stands in for it), else
    /// [`INTERVIEWER_HINT_COST`].
    pub fn interject(&mut self, player: &mut Player, what: Interjection) -> Reply {
        let at = self.now();
        let (kind, text) = match &what {
            Interjection::Hint(t) => ("hint", clean(t)),
            Interjection::Note(t) => ("note", clean(t)),
        };
        if text.is_empty() {
            return Reply::ok("");
        }
        let cost = match what {
            Interjection::Note(_) => 0,
            Interjection::Hint(_) => {
                let used = player.hints_taken
                    + player
                        .interjections
                        .iter()
                        .filter(|i| i.kind == "hint")
                        .count();
                self.scenario
                    .spec
                    .hints
                    .get(used)
                    .map(|h| h.cost)
                    .unwrap_or(INTERVIEWER_HINT_COST)
            }
        };
        player.interjections.push(Interjected {
            at,
            kind,
            text: text.clone(),
            cost,
        });
        if kind == "hint" {
            self.emit(Event::InterviewerHint {
                virtual_time: iso(at),
                text: text.clone(),
                cost,
            });
            Reply::ok(format!(
                "Hint from the interviewer (costs {cost} points): {text}"
            ))
        } else {
            self.emit(Event::InterviewerNote {
                virtual_time: iso(at),
                text: text.clone(),
            });
            Reply::ok(format!("Note from the interviewer: {text}"))
        }
    }

    /// Replays a journaled interjection at the virtual time it arrived.
    pub fn replay_interjection(
        &mut self,
        player: &mut Player,
        what: Interjection,
        at: Millis,
    ) -> Result<(), String> {
        if at > self.inst.sim.now() {
            self.inst
                .sim
                .run_until(at)
                .map_err(|e| format!("engine error (seed {}): {e}", self.inst.seed))?;
        }
        self.interject(player, what);
        Ok(())
    }

    /// The texts of the evidence items seen now and not in `before`.
    pub(super) fn newly_seen(&self, before: &[Option<Millis>], player: &Player) -> Vec<String> {
        let evidence = &self.scenario.spec.evidence;
        player
            .grade
            .seen
            .iter()
            .enumerate()
            .filter(|(i, s)| s.is_some() && before.get(*i).copied().flatten().is_none())
            .filter_map(|(i, _)| evidence.get(i))
            .map(|e| {
                self.facts()
                    .resolve(&e.text)
                    .unwrap_or_else(|_| e.text.clone())
            })
            .collect()
    }
}

/// The game's own verbs that are not investigation (nor `wait`, which is).
const NOT_INVESTIGATION: &[&str] = &[
    "help", "?", "brief", "briefing", "status", "hint", "causes", "diagnose", "fix", "submit",
    "quit", "exit",
];

fn verb(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or("")
}

/// Whether a line looks at the world: an AWS read command or `wait`.
fn looks(line: &str) -> bool {
    !NOT_INVESTIGATION.contains(&verb(line))
}

/// A diagnosis, as the rubric shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Hypothesis {
    /// Cause id given.
    pub cause: String,
    /// Resources named.
    pub resources: Vec<String>,
    /// The player's `--note`.
    pub note: Option<String>,
    /// Virtual time since arrival, e.g. `4m10s`.
    pub after: String,
    /// Whether the cause was right.
    pub cause_correct: bool,
    /// Whether a culprit was named.
    pub culprit_correct: bool,
    /// Evidence items seen before it.
    pub evidence_seen: usize,
}

/// The commands that led to one diagnosis (or, last, those after the last one).
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The commands, in order (a failed one ends in ` (error)`).
    pub commands: Vec<String>,
    /// The diagnosis they led to (null for the commands after the last diagnosis).
    pub diagnosis: Option<Hypothesis>,
}

/// A fix and the resources it touched.
#[derive(Debug, Clone, Serialize)]
pub struct Touch {
    /// The fix as typed (without `fix`).
    pub line: String,
    /// Virtual time since arrival.
    pub after: String,
    /// Resources it names (ids, names, ARNs).
    pub resources: Vec<String>,
}

/// Times since arrival, in virtual milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Times {
    /// Incident time spent, up to the submission.
    pub elapsed_ms: Millis,
    /// To the first diagnosis.
    pub first_diagnosis_ms: Option<Millis>,
    /// To the first right diagnosis.
    pub first_right_diagnosis_ms: Option<Millis>,
    /// To the first fix AWS applied.
    pub first_fix_ms: Option<Millis>,
    /// Wall time at the last command (null without a wall clock).
    pub wall_ms: Option<u64>,
}

/// The interviewer's rubric of a session.
#[derive(Debug, Clone, Serialize)]
pub struct Rubric {
    /// How the investigation narrowed: the commands grouped by the diagnosis they led to.
    pub narrowing: Vec<Step>,
    /// Evidence items seen before the first right diagnosis.
    pub evidence_before_diagnosis: usize,
    /// Evidence items seen at all.
    pub evidence_seen: usize,
    /// Evidence items the scenario has.
    pub evidence_total: usize,
    /// Fixes applied and the resources each touched.
    pub fixes: Vec<Touch>,
    /// Every resource the fixes touched, once each.
    pub blast_radius: Vec<String>,
    /// Fix-quality findings (`id: reason`).
    pub findings: Vec<String>,
    /// Fix commands AWS refused.
    pub fix_errors: u32,
    /// Whether the player checked the fix (a read or `wait` after the last fix, before submitting).
    pub verified: bool,
    /// Those checks.
    pub verification: Vec<String>,
    /// Time.
    pub time: Times,
    /// What the interviewer sent into the session.
    pub interviewer: Vec<Interjected>,
}

/// The flags whose values name resources in a fix.
fn names_resource(flag: &str) -> bool {
    [
        "-id",
        "-ids",
        "-name",
        "-names",
        "-arn",
        "-arns",
        "cluster",
        "service",
        "task-definition",
        "family",
        "task",
    ]
    .iter()
    .any(|s| flag.ends_with(s))
}

/// The resources a fix command names.
fn touched(line: &str) -> Vec<String> {
    let words = shlex::split(line).unwrap_or_default();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        let Some(flag) = w.strip_prefix("--") else {
            continue;
        };
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (flag, None),
        };
        if !names_resource(flag) {
            continue;
        }
        if let Some(v) = inline {
            out.push(v);
            continue;
        }
        while i < words.len() && !words[i].starts_with("--") {
            out.push(words[i].clone());
            i += 1;
        }
    }
    out
}

/// The rubric of `report`'s session; `player` adds what the interviewer sent.
pub fn rubric(report: &Report, player: &Player) -> Rubric {
    let arrived = parse_iso(&report.arrived).unwrap_or(0);
    let since = |t: Millis| Dur((t - arrived).max(0) / SECOND * SECOND).to_string();
    let evidence_at = |t: Millis| {
        report
            .evidence
            .iter()
            .filter(|e| e.seen_at.is_some_and(|s| s <= t))
            .count()
    };
    // Narrowing: a recorded diagnosis is a `diagnose` line that succeeded, in order.
    let mut narrowing = Vec::new();
    let mut commands = Vec::new();
    let mut diagnoses = report.diagnoses.iter();
    for c in &report.commands {
        match verb(&c.line) {
            "diagnose" if c.ok => {
                if let Some(d) = diagnoses.next() {
                    narrowing.push(Step {
                        commands: std::mem::take(&mut commands),
                        diagnosis: Some(Hypothesis {
                            cause: d.cause.clone(),
                            resources: d.resources.clone(),
                            note: d.note.clone(),
                            after: since(d.at),
                            cause_correct: d.cause_correct,
                            culprit_correct: d.culprit_correct,
                            evidence_seen: evidence_at(d.at),
                        }),
                    });
                }
            }
            "fix" | "submit" | "quit" | "exit" => {}
            _ if looks(&c.line) => commands.push(if c.ok {
                c.line.clone()
            } else {
                format!("{} (error)", c.line)
            }),
            _ => {}
        }
    }
    if !commands.is_empty() {
        narrowing.push(Step {
            commands,
            diagnosis: None,
        });
    }
    let fixes: Vec<Touch> = report
        .fixes
        .iter()
        .map(|f| Touch {
            line: f.line.clone(),
            after: since(f.at),
            resources: touched(&f.line),
        })
        .collect();
    let mut blast_radius: Vec<String> = Vec::new();
    for r in fixes.iter().flat_map(|f| &f.resources) {
        if !blast_radius.contains(r) {
            blast_radius.push(r.clone());
        }
    }
    // Verification: what looked at the world after the last fix AWS applied, before `submit`.
    let last_fix = report
        .commands
        .iter()
        .rposition(|c| c.ok && verb(&c.line) == "fix");
    let verification: Vec<String> = match last_fix {
        None => Vec::new(),
        Some(i) => report.commands[i + 1..]
            .iter()
            .take_while(|c| verb(&c.line) != "submit")
            .filter(|c| c.ok && looks(&c.line))
            .map(|c| c.line.clone())
            .collect(),
    };
    let first_right = report.diagnoses.iter().find(|d| d.cause_correct);
    Rubric {
        narrowing,
        evidence_before_diagnosis: report
            .evidence
            .iter()
            .filter(|e| e.before_diagnosis)
            .count(),
        evidence_seen: report
            .evidence
            .iter()
            .filter(|e| e.seen_at.is_some())
            .count(),
        evidence_total: report.evidence.len(),
        fixes,
        blast_radius,
        findings: report
            .lints
            .iter()
            .map(|l| format!("{}: {}", l.id, l.reason))
            .collect(),
        fix_errors: report.fix_errors,
        verified: !verification.is_empty(),
        verification,
        time: Times {
            elapsed_ms: report.elapsed_ms,
            first_diagnosis_ms: report.diagnoses.first().map(|d| d.at - arrived),
            first_right_diagnosis_ms: first_right.map(|d| d.at - arrived),
            first_fix_ms: report.fixes.first().map(|f| f.at - arrived),
            wall_ms: report.commands.iter().rev().find_map(|c| c.wall_ms),
        },
        interviewer: player.interjections.clone(),
    }
}

fn ms(t: Option<Millis>) -> String {
    t.map(|t| Dur(t / SECOND * SECOND).to_string())
        .unwrap_or_else(|| "never".into())
}

fn right(b: bool) -> &'static str {
    if b {
        "right"
    } else {
        "wrong"
    }
}

impl Rubric {
    /// The rubric's lines in the scorecard.
    pub fn summary(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "── interviewer's rubric ──────────────────────────────────"
        );
        let _ = writeln!(o, "narrowing:");
        for s in &self.narrowing {
            let n = s.commands.len();
            match &s.diagnosis {
                Some(d) => {
                    let _ = writeln!(
                        o,
                        "  {n} command{} -> diagnosis at {}: {} {} (cause {}, culprit {}; evidence seen {}){}",
                        if n == 1 { "" } else { "s" },
                        d.after,
                        d.cause,
                        d.resources.join(" "),
                        right(d.cause_correct),
                        if d.culprit_correct { "named" } else { "not named" },
                        d.evidence_seen,
                        d.note
                            .as_ref()
                            .map(|n| format!(" — note: {n}"))
                            .unwrap_or_default()
                    );
                }
                None => {
                    let _ = writeln!(
                        o,
                        "  {n} command{} after the last diagnosis",
                        if n == 1 { "" } else { "s" }
                    );
                }
            }
        }
        if self.narrowing.is_empty() {
            let _ = writeln!(o, "  no investigation");
        }
        let _ = writeln!(
            o,
            "evidence: {} of {} seen before the first right diagnosis ({} seen in all)",
            self.evidence_before_diagnosis, self.evidence_total, self.evidence_seen
        );
        let _ = writeln!(
            o,
            "fixes: {} applied, {} refused; touched {}; {}",
            self.fixes.len(),
            self.fix_errors,
            if self.blast_radius.is_empty() {
                "nothing".to_string()
            } else {
                self.blast_radius.join(", ")
            },
            if self.findings.is_empty() {
                "no fix-quality findings".to_string()
            } else {
                self.findings.join("; ")
            }
        );
        let _ = writeln!(
            o,
            "verification: {}",
            if self.verified {
                format!(
                    "checked the fix before submitting ({})",
                    self.verification.join("; ")
                )
            } else {
                "submitted without checking the fix".into()
            }
        );
        let hints = self.interviewer.iter().filter(|i| i.kind == "hint").count();
        let notes = self.interviewer.len() - hints;
        let _ = write!(
            o,
            "time: {} in all; first diagnosis {}, first right diagnosis {}, first fix {}; interviewer hints {hints}, notes {notes}",
            ms(Some(self.time.elapsed_ms)),
            ms(self.time.first_diagnosis_ms),
            ms(self.time.first_right_diagnosis_ms),
            ms(self.time.first_fix_ms)
        );
        o
    }

    /// The rubric's section of the Markdown debrief.
    pub fn to_markdown(&self) -> String {
        let code = |s: &str| format!("`{}`", s.replace('`', "'"));
        let mut o = String::new();
        let _ = writeln!(o, "## Interviewer's rubric\n");
        let _ = writeln!(o, "### How the investigation narrowed\n");
        if self.narrowing.is_empty() {
            let _ = writeln!(o, "No investigation.\n");
        }
        for (i, s) in self.narrowing.iter().enumerate() {
            match &s.diagnosis {
                Some(d) => {
                    let _ = writeln!(
                        o,
                        "{}. Hypothesis {} {} at {} — cause {}, culprit {}; {} evidence item(s) seen before it.",
                        i + 1,
                        code(&d.cause),
                        d.resources.join(" "),
                        d.after,
                        right(d.cause_correct),
                        if d.culprit_correct { "named" } else { "not named" },
                        d.evidence_seen
                    );
                    if let Some(n) = &d.note {
                        let _ = writeln!(o, "   Note: {n}");
                    }
                }
                None => {
                    let _ = writeln!(o, "{}. After the last diagnosis:", i + 1);
                }
            }
            for c in &s.commands {
                let _ = writeln!(o, "   - {}", code(c));
            }
        }
        let _ = writeln!(o, "\n### Evidence before diagnosis\n");
        let _ = writeln!(
            o,
            "{} of {} evidence items seen before the first right diagnosis; {} seen in all.",
            self.evidence_before_diagnosis, self.evidence_total, self.evidence_seen
        );
        let _ = writeln!(o, "\n### Fix quality and blast radius\n");
        if self.fixes.is_empty() {
            let _ = writeln!(o, "No fix was applied.");
        }
        for f in &self.fixes {
            let _ = writeln!(
                o,
                "- {} at {}: touched {}",
                code(&f.line),
                f.after,
                if f.resources.is_empty() {
                    "no named resource".to_string()
                } else {
                    f.resources.join(", ")
                }
            );
        }
        if self.fix_errors > 0 {
            let _ = writeln!(o, "- {} fix command(s) refused by AWS.", self.fix_errors);
        }
        if self.findings.is_empty() {
            let _ = writeln!(o, "\nNo fix-quality findings.");
        } else {
            let _ = writeln!(o, "\nFindings:\n");
            for f in &self.findings {
                let _ = writeln!(o, "- {f}");
            }
        }
        let _ = writeln!(o, "\n### Verification\n");
        if self.verified {
            let _ = writeln!(o, "Checked the fix before submitting:\n");
            for c in &self.verification {
                let _ = writeln!(o, "- {}", code(c));
            }
        } else {
            let _ = writeln!(o, "Submitted without checking the fix.");
        }
        let _ = writeln!(o, "\n### Time\n");
        let _ = writeln!(
            o,
            "- incident time spent: {}",
            ms(Some(self.time.elapsed_ms))
        );
        let _ = writeln!(o, "- first diagnosis: {}", ms(self.time.first_diagnosis_ms));
        let _ = writeln!(
            o,
            "- first right diagnosis: {}",
            ms(self.time.first_right_diagnosis_ms)
        );
        let _ = writeln!(o, "- first fix: {}", ms(self.time.first_fix_ms));
        if let Some(w) = self.time.wall_ms {
            let _ = writeln!(o, "- wall time: {}", Dur(w as Millis / SECOND * SECOND));
        }
        if !self.interviewer.is_empty() {
            let _ = writeln!(o, "\n### From the interviewer\n");
            for i in &self.interviewer {
                let _ = writeln!(
                    o,
                    "- {} {}: {}{}",
                    since_iso(i.at),
                    i.kind,
                    i.text,
                    if i.cost > 0 {
                        format!(" (costs {} points)", i.cost)
                    } else {
                        String::new()
                    }
                );
            }
        }
        o.push('\n');
        o
    }
}

fn since_iso(t: Millis) -> String {
    iso(t)[11..19].to_string()
}

#[cfg(test)]
mod tests {
    use super::touched;

    #[test]
    fn a_fix_touches_the_resources_its_flags_name() {
        assert_eq!(
            touched("ec2 create-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-2"),
            vec!["rtb-1", "nat-2"]
        );
        assert_eq!(
            touched("ecs update-service --cluster prod --service checkout --task-definition checkout:3 --desired-count 2"),
            vec!["prod", "checkout", "checkout:3"]
        );
        assert_eq!(
            touched("iam attach-role-policy --role-name=r --policy-arn arn:aws:iam::aws:policy/P"),
            vec!["r", "arn:aws:iam::aws:policy/P"]
        );
    }
}
