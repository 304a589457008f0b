//! The session report: assembled here from a game and one of its players
//! (lints judged, score computed), then JSON for machines (`--report`),
//! Markdown for the debrief (`--debrief`), and the scorecard printed at the
//! end of play.

use super::{AppliedFix, Diagnosis, Evidence, Lint, Score, Verdict};
use crate::game::{Game, Player};
use crate::paint::{Paint, Role};
use crate::time::{iso, Dur, Millis, SECOND};
use serde::Serialize;
use std::fmt::Write as _;

/// Report schema version (bump on incompatible changes).
pub const SCHEMA: u32 = 1;

/// One command of the session.
#[derive(Debug, Clone, Serialize)]
pub struct CommandRecord {
    /// The line.
    pub line: String,
    /// Virtual time (ISO 8601).
    pub virtual_time: String,
    /// Milliseconds of wall time since the session began (null in replays without a clock).
    pub wall_ms: Option<u64>,
    /// Whether it succeeded.
    pub ok: bool,
}

/// A hint taken.
#[derive(Debug, Clone, Serialize)]
pub struct HintRecord {
    /// The hint.
    pub text: String,
    /// Its cost.
    pub cost: u32,
}

/// A timeline entry revealed in the debrief.
#[derive(Debug, Clone, Serialize)]
pub struct Happened {
    /// Relative to the player's arrival, e.g. `-15m`.
    pub at: String,
    /// What happened.
    pub note: String,
    /// Whether it was the fault.
    pub fault: bool,
    /// Whether it was a decoy.
    pub decoy: bool,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Schema version.
    pub schema: u32,
    /// Scenario id.
    pub scenario: String,
    /// Title.
    pub title: String,
    /// Difficulty 1-5.
    pub difficulty: u8,
    /// Seed.
    pub seed: u64,
    /// The player's name (`--player`), if one was given.
    pub player: Option<String>,
    /// The player's team (`--team`), if one was given.
    pub team: Option<String>,
    /// When the player arrived (virtual, ISO 8601).
    pub arrived: String,
    /// Virtual time spent.
    pub elapsed_ms: Millis,
    /// Every command.
    pub commands: Vec<CommandRecord>,
    /// Diagnosis attempts.
    pub diagnoses: Vec<Diagnosis>,
    /// Fixes applied.
    pub fixes: Vec<AppliedFix>,
    /// Fix commands AWS refused.
    pub fix_errors: u32,
    /// The verdict (null when not submitted).
    pub verdict: Option<Verdict>,
    /// Fix-quality findings.
    pub lints: Vec<Lint>,
    /// Hints taken.
    pub hints: Vec<HintRecord>,
    /// Evidence and whether it was seen.
    pub evidence: Vec<Evidence>,
    /// The score.
    pub score: Score,
    /// The answer: cause id.
    pub answer_cause: String,
    /// The answer: culprit resources.
    pub answer_culprits: Vec<String>,
    /// What really happened, in time order.
    pub timeline: Vec<Happened>,
    /// The answer's explanation.
    pub explanation: String,
    /// The reference investigation (read-only commands).
    pub shortest_path: Vec<String>,
    /// The reference fix.
    pub reference_fix: Vec<String>,
    /// Links to learn from.
    pub links: Vec<(String, String)>,
    /// Whether the session was an interview.
    pub interview: bool,
    /// The interviewer's rubric (interviews only; see [`crate::game::interview`]).
    pub rubric: Option<crate::game::interview::Rubric>,
}

/// The report of `player`'s session so far: lints judged against the world
/// before the first fix, the score, and the answer.
pub fn build(game: &Game, player: &Player) -> Report {
    let (scenario, inst, grade) = (&game.scenario, &game.inst, &player.grade);
    let facts = game.facts();
    let lints = match &grade.before_fix {
        Some(before) => {
            let after = grade.at_submit.as_ref().unwrap_or(facts.world());
            super::lints::lint(scenario, before, after, &grade.fixes)
        }
        None => Vec::new(),
    };
    let resolve = |t: &str| facts.resolve(t).unwrap_or_else(|_| t.to_string());
    let s = &scenario.spec;
    let hints: Vec<(String, u32)> = s
        .hints
        .iter()
        .take(player.hints_taken)
        .map(|h| (resolve(&h.text), h.cost))
        .chain(
            player
                .interjections
                .iter()
                .filter(|i| i.kind == "hint")
                .map(|i| (format!("from the interviewer: {}", i.text), i.cost)),
        )
        .collect();
    let arrived = game.arrived();
    let elapsed = grade.submitted_at.unwrap_or(facts.now()) - arrived;
    let score = grade.score(scenario, &player.commands, arrived, &hints, &lints);
    let mut report = Report {
        schema: SCHEMA,
        scenario: s.id.clone(),
        title: s.title.clone(),
        difficulty: s.difficulty,
        seed: inst.seed,
        player: player.name.clone(),
        team: player.team.clone(),
        arrived: iso(arrived),
        elapsed_ms: elapsed,
        commands: player
            .commands
            .iter()
            .map(|e| CommandRecord {
                line: e.line.clone(),
                virtual_time: iso(e.at),
                wall_ms: e.wall_ms,
                ok: e.ok,
            })
            .collect(),
        diagnoses: grade.diagnoses.clone(),
        fixes: grade.fixes.clone(),
        fix_errors: grade.fix_errors,
        verdict: grade.verdict.clone(),
        lints,
        hints: hints
            .into_iter()
            .map(|(text, cost)| HintRecord { text, cost })
            .collect(),
        evidence: grade.evidence(scenario, facts),
        score,
        answer_cause: s.answer.cause.clone(),
        // As they stood when the player arrived (see `Grader::answer`).
        answer_culprits: grade.culprit_ids(),
        timeline: inst
            .applied
            .iter()
            .map(|a| Happened {
                // The scenario's story, relative to its incident (on a real
                // account too: the story is what the faults stand for).
                at: Dur((a.at - inst.now) / SECOND * SECOND).to_string(),
                note: a.note.clone(),
                fault: a.fault,
                decoy: a.decoy,
            })
            .collect(),
        explanation: resolve(&s.answer.explanation),
        shortest_path: s.investigation.iter().map(|c| resolve(c)).collect(),
        reference_fix: s.fix.iter().map(|c| resolve(c)).collect(),
        links: s
            .links
            .iter()
            .map(|l| (l.title.clone(), l.url.clone()))
            .collect(),
        interview: game.interview,
        rubric: None,
    };
    if game.interview {
        report.rubric = Some(crate::game::interview::rubric(&report, player));
    }
    report
}

impl Report {
    /// JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The scorecard printed at the end of play.
    pub fn scorecard(&self, paint: Paint) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{}",
            paint.paint(
                Role::Heading,
                "── scorecard ─────────────────────────────────────────────"
            )
        );
        let verdict = match &self.verdict {
            None => paint.paint(Role::Warn, "not submitted"),
            Some(v) if v.healed => format!(
                "{} — {}",
                paint.paint(Role::Good, "HEALED"),
                v.findings.join("; ")
            ),
            Some(v) => format!(
                "{} — {}",
                paint.paint(Role::Bad, "NOT HEALED"),
                v.findings.join("; ")
            ),
        };
        let _ = writeln!(o, "verdict: {verdict}");
        for p in &self.score.parts {
            let pts = if p.max > 0 {
                format!("{:>3}/{:<3}", p.points, p.max)
            } else {
                format!("{:>3}    ", p.points)
            };
            // Penalties (and parts that scored nothing of something) in red.
            let role = if p.points < 0 || (p.max > 0 && p.points == 0) {
                Some(Role::Bad)
            } else if p.max > 0 && p.points == p.max {
                Some(Role::Good)
            } else {
                None
            };
            let pts = match role {
                Some(r) => paint.paint(r, &pts),
                None => pts,
            };
            let _ = writeln!(o, "  {pts} {:<16} {}", p.name, p.why);
        }
        let grade_role = match self.score.grade {
            "A" | "B" => Role::Good,
            "C" | "D" => Role::Warn,
            _ => Role::Bad,
        };
        let _ = writeln!(
            o,
            "total {} / 100, grade {}",
            self.score.total,
            paint.paint(grade_role, self.score.grade)
        );
        let seen = self.evidence.iter().filter(|e| e.seen_at.is_some()).count();
        if !self.evidence.is_empty() {
            let _ = writeln!(o, "evidence seen: {seen} of {}", self.evidence.len());
        }
        let _ = write!(
            o,
            "answer: {} ({})",
            paint.paint(Role::Id, &self.answer_cause),
            self.answer_culprits.join(", ")
        );
        if let Some(r) = &self.rubric {
            let _ = write!(o, "\n{}", r.summary());
        }
        o
    }

    /// The Markdown debrief.
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# Debrief: {}\n", self.title);
        let _ = writeln!(o, "Scenario `{}` (difficulty {}), seed {}. Arrived at {} (virtual); spent {} of incident time.\n", self.scenario, self.difficulty, self.seed, self.arrived, Dur(self.elapsed_ms / SECOND * SECOND));
        let _ = writeln!(o, "## Verdict\n");
        match &self.verdict {
            None => {
                let _ = writeln!(o, "Not submitted.\n");
            }
            Some(v) => {
                let _ = writeln!(
                    o,
                    "{}\n",
                    if v.healed {
                        "**Healed.**"
                    } else {
                        "**Not healed.**"
                    }
                );
                for f in &v.findings {
                    let _ = writeln!(o, "- {f}");
                }
                o.push('\n');
            }
        }
        let _ = writeln!(
            o,
            "## Score: {} / 100 ({})\n",
            self.score.total, self.score.grade
        );
        let _ = writeln!(o, "| part | points | why |\n|---|---|---|");
        for p in &self.score.parts {
            let pts = if p.max > 0 {
                format!("{} / {}", p.points, p.max)
            } else {
                p.points.to_string()
            };
            let _ = writeln!(o, "| {} | {pts} | {} |", p.name, p.why.replace('|', "\\|"));
        }
        let _ = writeln!(o, "\n## Session timeline\n");
        let _ = writeln!(
            o,
            "| virtual time | wall | command | ok |\n|---|---|---|---|"
        );
        for c in &self.commands {
            let wall = c
                .wall_ms
                .map(|w| Dur(w as i64 / SECOND * SECOND).to_string())
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "| {} | {wall} | `{}` | {} |",
                &c.virtual_time[11..19],
                c.line.replace('|', "\\|").replace('`', "'"),
                if c.ok { "yes" } else { "no" }
            );
        }
        let _ = writeln!(o, "\n## Diagnosis\n");
        if self.diagnoses.is_empty() {
            let _ = writeln!(o, "No diagnosis was given.");
        }
        for d in &self.diagnoses {
            let _ = writeln!(
                o,
                "- {} `{}` {} — cause {}, culprit {}{}",
                &iso(d.at)[11..19],
                d.cause,
                d.resources.join(" "),
                if d.cause_correct { "right" } else { "wrong" },
                if d.culprit_correct {
                    "named"
                } else {
                    "not named"
                },
                d.note
                    .as_ref()
                    .map(|n| format!(" — note: {n}"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(o, "\n## Fixes\n");
        if self.fixes.is_empty() {
            let _ = writeln!(o, "No fix was applied.");
        }
        for f in &self.fixes {
            let _ = writeln!(o, "- {} `{}`", &iso(f.at)[11..19], f.line);
        }
        if self.fix_errors > 0 {
            let _ = writeln!(
                o,
                "- {} fix command(s) were refused by AWS and changed nothing.",
                self.fix_errors
            );
        }
        let _ = writeln!(o, "\n## What really happened\n");
        for h in &self.timeline {
            let tag = if h.fault {
                " **(the fault)**"
            } else if h.decoy {
                " (a decoy: harmless)"
            } else {
                ""
            };
            let _ = writeln!(o, "- `{}` {}{tag}", h.at, h.note);
        }
        let _ = writeln!(
            o,
            "\nThe cause: `{}`, culprit {}.\n\n{}\n",
            self.answer_cause,
            self.answer_culprits.join(", "),
            self.explanation.trim()
        );
        let _ = writeln!(o, "## Evidence\n");
        for e in &self.evidence {
            let seen = match (e.seen_at, e.before_diagnosis) {
                (Some(_), true) => "seen before diagnosing",
                (Some(_), false) => "seen",
                (None, _) => "not seen",
            };
            let _ = writeln!(o, "- {} — {seen}", e.text);
        }
        let _ = writeln!(o, "\n## The shortest path\n");
        for (i, c) in self.shortest_path.iter().enumerate() {
            let _ = writeln!(o, "{}. `{c}`", i + 1);
        }
        let _ = writeln!(o, "\nThen the fix:\n");
        for c in &self.reference_fix {
            let _ = writeln!(o, "```\n{c}\n```");
        }
        let _ = writeln!(o, "\n## What went well, what to learn\n");
        let mut well = Vec::new();
        let mut learn = Vec::new();
        if self.diagnoses.iter().any(|d| d.cause_correct) {
            well.push("found the cause".to_string());
        } else {
            learn.push(format!("the cause was `{}`", self.answer_cause));
        }
        if self.evidence.iter().all(|e| e.before_diagnosis) && !self.evidence.is_empty() {
            well.push("diagnosed from evidence, not a guess".into());
        }
        for e in self.evidence.iter().filter(|e| e.seen_at.is_none()) {
            learn.push(format!("look for: {}", e.text));
        }
        if self.verdict.as_ref().is_some_and(|v| v.healed) {
            well.push("the fix healed the service, verified by running the world forward".into());
        }
        for l in &self.lints {
            learn.push(format!("{} Better: {}", l.reason, l.better));
        }
        if !self.hints.is_empty() {
            learn.push(format!("{} hint(s) taken", self.hints.len()));
        }
        for w in &well {
            let _ = writeln!(o, "- Well: {w}");
        }
        for l in &learn {
            let _ = writeln!(o, "- Learn: {l}");
        }
        if let Some(r) = &self.rubric {
            let _ = write!(o, "\n{}", r.to_markdown().trim_end());
            o.push('\n');
        }
        let _ = writeln!(o, "\n## Links\n");
        for (t, u) in &self.links {
            let _ = writeln!(o, "- [{t}]({u})");
        }
        o
    }
}
