//! Grading: the player's diagnosis, fixes applied to the world and verified
//! by running it forward, fix-quality lints, evidence, the score, and the
//! session reports ([`report::build`] assembles lints and score for a player
//! of a game). Grading parses no REPL lines: the game hands it commands.

pub mod lints;
pub mod report;

use crate::time::Millis;

/// One fix the player applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AppliedFix {
    /// The command line as typed (without `fix`).
    pub line: String,
    /// CLI service (`ec2`).
    pub service: String,
    /// CLI operation (`create-route`).
    pub operation: String,
    /// Virtual time it was applied.
    pub at: Millis,
}

/// A fix that works but breaks good practice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Lint {
    /// Stable id, e.g. `iam.admin-access`.
    pub id: &'static str,
    /// Points taken off.
    pub penalty: u32,
    /// What was wrong, naming the resource.
    pub reason: String,
    /// The better fix.
    pub better: String,
}

use super::remote::Facts;
use super::Entry;
use crate::aws::waiters::Stability;
use crate::scenario::{causes, Instance, Scenario};
use crate::time::{Dur, MINUTE, SECOND};
use crate::world::World;
use std::fmt::Write as _;

/// One diagnosis attempt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnosis {
    /// Cause id given.
    pub cause: String,
    /// Resources named.
    pub resources: Vec<String>,
    /// The player's note.
    pub note: Option<String>,
    /// Virtual time.
    pub at: Millis,
    /// Whether the cause is the answer's.
    pub cause_correct: bool,
    /// Whether a named resource is a culprit.
    pub culprit_correct: bool,
}

/// One observation that proves the cause, and whether the player saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Evidence {
    /// What the observation is.
    pub text: String,
    /// When it was first seen (virtual).
    pub seen_at: Option<Millis>,
    /// Whether it was seen before the first correct diagnosis.
    pub before_diagnosis: bool,
}

/// What `submit` found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// Whether the success condition held.
    pub healed: bool,
    /// Sentences saying what held and what did not.
    pub findings: Vec<String>,
}

/// One part of the score.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    /// Name.
    pub name: &'static str,
    /// Points earned (may be negative for deductions).
    pub points: i32,
    /// Most points possible (0 for deductions).
    pub max: i32,
    /// Why.
    pub why: String,
}

/// The score.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Score {
    /// Total, 0 to 100.
    pub total: i32,
    /// Letter grade.
    pub grade: &'static str,
    /// Each part, explained.
    pub parts: Vec<Part>,
}

/// Grading state of a session.
#[derive(Debug, Clone, Default)]
pub struct Grader {
    /// Diagnosis attempts, in order.
    pub diagnoses: Vec<Diagnosis>,
    /// Fixes applied.
    pub fixes: Vec<AppliedFix>,
    /// Fix commands AWS refused.
    pub fix_errors: u32,
    /// The world before the first fix (lints compare against it).
    pub before_fix: Option<World>,
    /// When each evidence item was first seen (index into the scenario's evidence).
    pub seen: Vec<Option<Millis>>,
    /// The verdict, once submitted.
    pub verdict: Option<Verdict>,
    /// Virtual time of the submission (time is scored up to it, not over the verification run).
    pub submitted_at: Option<Millis>,
    /// The world as the player left it at submission (lints judge it, not what the
    /// engine did afterwards, such as a circuit-breaker rollback).
    pub at_submit: Option<World>,
    /// The answer as it stood when the player arrived: each cause of the
    /// incident with its culprits' names (what the player does later, such
    /// as registering a new revision, does not move it).
    pub answer: Vec<AnswerCause>,
    /// The cause each evidence item proves (index into the scenario's evidence).
    pub evidence_cause: Vec<String>,
}

/// One cause of the incident and the names its culprits go by.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct AnswerCause {
    /// Cause id.
    pub cause: String,
    /// Each culprit: its resolved id first, then its other names.
    pub culprits: Vec<Vec<String>>,
}

impl AnswerCause {
    /// Whether `name` names one of its culprits.
    fn names(&self, name: &str) -> bool {
        self.culprits.iter().any(|c| c.iter().any(|n| n == name))
    }
}

/// Points of each part.
const CAUSE: i32 = 30;
const CULPRIT: i32 = 15;
const FIX: i32 = 30;
const VERIFIED: i32 = 5;
const TIME: i32 = 10;
const COMMANDS: i32 = 10;
const WRONG_ATTEMPT: i32 = 5;
const MAX_WRONG: i32 = 30;
/// The share of a cause's points earned when it is diagnosed before any of
/// the evidence that proves it was seen (the rest comes with the evidence).
const UNSEEN_SHARE: f64 = 0.5;

/// Names by which a culprit may be given: its id or ARN, its Name tag or name,
/// and for task definitions `family:revision` and the family.
pub fn aliases(w: &World, culprit: &str) -> Vec<String> {
    let mut v = vec![culprit.to_string()];
    if let Some(s) = w.subnets.get(culprit) {
        v.push(s.name.clone());
    }
    if let Some(x) = w.vpcs.get(culprit) {
        v.push(x.name.clone());
    }
    if let Some(r) = w.route_tables.get(culprit) {
        v.push(r.name.clone());
    }
    if let Some(g) = w.security_groups.get(culprit) {
        v.push(g.name.clone());
    }
    if let Some(n) = w.nat_gateways.get(culprit) {
        v.push(n.name.clone());
    }
    if let Some(r) = w
        .roles
        .values()
        .find(|r| r.arn == culprit || r.name == culprit)
    {
        v.push(r.arn.clone());
        v.push(r.name.clone());
    }
    if let Some(p) = w.policies.get(culprit) {
        v.push(p.name.clone());
    }
    if let Some(td) = w.task_definitions.values().find(|t| t.arn == culprit) {
        v.push(td.family_revision());
        v.push(td.def.family.clone());
        // The log group a task definition names is part of the same culprit.
        for c in &td.def.container_definitions {
            if let Some(g) = c.awslogs().and_then(|o| o.get("awslogs-group")) {
                v.push(g.clone());
            }
        }
    }
    if let Some(s) = w.secrets.values().find(|s| s.arn == culprit) {
        v.push(s.name.clone());
    }
    if let Some(k) = w.kms_keys.get(culprit) {
        v.push(k.id.clone());
        v.push(k.alias.clone());
        v.push(format!("alias/{}", k.alias));
        v.push(w.arn_in("kms", &k.region, &format!("alias/{}", k.alias)));
    }
    v.retain(|s| !s.is_empty());
    v
}

impl Grader {
    /// A grader for a scenario on the account `facts` shows as the player
    /// arrives: the answer's culprits are resolved now, once.
    pub fn new(scenario: &Scenario, facts: &dyn Facts) -> Grader {
        let world = facts.world();
        let answer = scenario
            .spec
            .answer
            .causes()
            .into_iter()
            .map(|(cause, culprits)| AnswerCause {
                cause: cause.to_string(),
                culprits: culprits
                    .iter()
                    .filter_map(|c| facts.resolve(c).ok())
                    .map(|c| aliases(world, &c))
                    .collect(),
            })
            .collect();
        let evidence_cause = scenario
            .spec
            .evidence
            .iter()
            .map(|e| {
                e.cause
                    .clone()
                    .unwrap_or_else(|| scenario.spec.answer.cause.clone())
            })
            .collect();
        Grader {
            seen: vec![None; scenario.spec.evidence.len()],
            answer,
            evidence_cause,
            ..Default::default()
        }
    }

    /// The culprits' ids, every cause's, in the answer's order.
    pub fn culprit_ids(&self) -> Vec<String> {
        self.answer
            .iter()
            .flat_map(|a| a.culprits.iter().filter_map(|c| c.first().cloned()))
            .collect()
    }

    /// Records a diagnosis; returns the player-facing answer.
    pub fn diagnose(
        &mut self,
        facts: &dyn Facts,
        cause: &str,
        resources: Vec<String>,
        note: Option<String>,
    ) -> Result<String, String> {
        if causes::find(cause).is_none() {
            let ids: Vec<&str> = causes::CAUSES.iter().map(|c| c.id).collect();
            let near = crate::suggest::closest(cause, ids.iter().copied());
            let hint = near
                .map(|n| format!(" Did you mean '{n}'?"))
                .unwrap_or_default();
            return Err(format!("'{cause}' is not a cause of the vocabulary (type `causes` to see them).{hint} Nothing was recorded."));
        }
        let right = self.answer.iter().find(|a| a.cause == cause);
        let cause_correct = right.is_some();
        // A culprit of the cause named, or of any cause when the cause is wrong.
        let culprit_correct = resources.iter().any(|r| match right {
            Some(a) => a.names(r),
            None => self.answer.iter().any(|a| a.names(r)),
        });
        self.diagnoses.push(Diagnosis {
            cause: cause.to_string(),
            resources: resources.clone(),
            note,
            at: facts.now(),
            cause_correct,
            culprit_correct,
        });
        let mut o = String::new();
        let _ = write!(o, "Diagnosis {} recorded: ", self.diagnoses.len());
        if cause_correct {
            let _ = write!(o, "the cause is right");
        } else {
            let _ = write!(
                o,
                "that is not the cause (a wrong attempt costs {WRONG_ATTEMPT} points)"
            );
        }
        if resources.is_empty() {
            let _ = write!(
                o,
                "; name the culprit resource too (`diagnose {cause} <id or name>`)"
            );
        } else if culprit_correct {
            let _ = write!(o, "; the culprit is among the resources you named");
        } else {
            let _ = write!(o, "; none of the resources you named is the culprit");
        }
        o.push('.');
        Ok(o)
    }

    /// Notes what a successful read command returned, for evidence: its
    /// response data (before `--query` and `--output`) and the text shown.
    /// A stopped task's reason counts where else AWS shows it too: an
    /// evidence of `ecs describe-tasks` is also seen in the service's
    /// events (`ecs describe-services`).
    pub fn observe(
        &mut self,
        scenario: &Scenario,
        facts: &dyn Facts,
        service: &str,
        operation: &str,
        data: &str,
        output: &str,
    ) {
        let command = format!("{service} {operation}");
        for (i, ev) in scenario.spec.evidence.iter().enumerate() {
            if self.seen.get(i).copied().flatten().is_some() {
                continue;
            }
            let places: &[&str] = if ev.command == "ecs describe-tasks" {
                &["ecs describe-tasks", "ecs describe-services"]
            } else {
                &[ev.command.as_str()]
            };
            if !places.contains(&command.as_str()) {
                continue;
            }
            let shows = facts
                .resolve(&ev.shows)
                .unwrap_or_else(|_| ev.shows.clone());
            if data.contains(&shows) || output.contains(&shows) {
                if let Some(s) = self.seen.get_mut(i) {
                    *s = Some(facts.now());
                }
            }
        }
    }

    /// The evidence, with what was seen.
    pub fn evidence(&self, scenario: &Scenario, facts: &dyn Facts) -> Vec<Evidence> {
        let first_right = self
            .diagnoses
            .iter()
            .find(|d| d.cause_correct)
            .map(|d| d.at);
        scenario
            .spec
            .evidence
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let seen_at = self.seen.get(i).copied().flatten();
                Evidence {
                    text: facts.resolve(&e.text).unwrap_or_else(|_| e.text.clone()),
                    seen_at,
                    before_diagnosis: matches!((seen_at, first_right), (Some(s), Some(d)) if s <= d),
                }
            })
            .collect()
    }

    /// Runs the world forward and judges the success condition.
    pub fn submit(&mut self, scenario: &Scenario, inst: &mut Instance) -> Verdict {
        let s = &scenario.spec.success;
        let hold = scenario.hold();
        let bound = scenario.within().max(30 * MINUTE);
        let start = inst.sim.now();
        self.submitted_at = Some(start);
        self.at_submit = Some(inst.sim.world().clone());
        let mut findings = Vec::new();
        let healed = match scenario.run_until_healed(inst, bound) {
            Err(e) => {
                findings.push(format!(
                    "the simulation stopped with an engine error (seed {}): {e}",
                    inst.seed
                ));
                false
            }
            Ok(Some(_)) => {
                let since = inst
                    .sim
                    .steady_since(&s.cluster, &s.service)
                    .unwrap_or(start);
                findings.push(format!(
                    "service {} reached steady state {} after you submitted and held it for {}",
                    s.service,
                    Dur((since - start).max(0) / SECOND * SECOND),
                    Dur(hold)
                ));
                true
            }
            Ok(None) => {
                let w = inst.sim.world();
                let svc = w.service(&s.cluster, &s.service);
                let desired = svc.map(|x| x.desired_count).unwrap_or(0);
                let running = w
                    .tasks
                    .values()
                    .filter(|t| {
                        t.is_live()
                            && t.service.as_deref() == Some(s.service.as_str())
                            && t.last_status == crate::world::TaskStatus::Running
                    })
                    .count();
                findings.push(format!(
                    "service {} did not reach and hold steady state within {} of virtual time: {running} of {desired} tasks running",
                    s.service,
                    Dur(bound)
                ));
                if let Some(e) = svc.and_then(|x| x.events.front()) {
                    findings.push(format!("its latest event: {}", e.message));
                }
                false
            }
        };
        if self.fixes.is_empty() {
            findings.push("no fix was applied".into());
        }
        let v = Verdict { healed, findings };
        self.verdict = Some(v.clone());
        v
    }

    /// Judges a submission on an account the game does not simulate: `wait`
    /// is how watching the service ended (see [`crate::aws::waiters`]),
    /// `at_submit` the account surveyed when the player submitted.
    pub fn submit_watched(
        &mut self,
        scenario: &Scenario,
        submitted: Millis,
        at_submit: Option<World>,
        wait: Result<Stability, String>,
    ) -> Verdict {
        let s = &scenario.spec.success;
        let hold = scenario.hold();
        let bound = scenario.within().max(30 * MINUTE);
        self.submitted_at = Some(submitted);
        self.at_submit = at_submit;
        let mut findings = Vec::new();
        let healed = match wait {
            Err(e) => {
                findings.push(format!("the service could not be watched: {e}"));
                false
            }
            Ok(Stability::Held { since, .. }) => {
                findings.push(format!(
                    "service {} reached steady state {} after you submitted and held it for {}",
                    s.service,
                    Dur((since - submitted).max(0) / SECOND * SECOND),
                    Dur(hold)
                ));
                true
            }
            Ok(Stability::NotHeld { last }) => {
                findings.push(format!(
                    "service {} did not reach and hold steady state within {}: {}",
                    s.service,
                    Dur(bound),
                    last.summary()
                ));
                if let Some(e) = &last.latest_event {
                    findings.push(format!("its latest event: {e}"));
                }
                false
            }
        };
        if self.fixes.is_empty() {
            findings.push("no fix was applied through faultline".into());
        }
        let v = Verdict { healed, findings };
        self.verdict = Some(v.clone());
        v
    }

    /// The score, each part explained. `commands` are the player's, in
    /// order; `arrived` is when the player arrived.
    pub fn score(
        &self,
        scenario: &Scenario,
        commands: &[Entry],
        arrived: Millis,
        hints: &[(String, u32)],
        lints: &[Lint],
    ) -> Score {
        let mut parts = Vec::new();
        let n = self.answer.len().max(1);
        // The evidence that proves a cause: what is marked for it, else all of it.
        let proving = |cause: &str| -> Vec<usize> {
            let marked: Vec<usize> = (0..self.seen.len())
                .filter(|&i| self.evidence_cause.get(i).is_some_and(|c| c == cause))
                .collect();
            if marked.is_empty() {
                (0..self.seen.len()).collect()
            } else {
                marked
            }
        };

        // Cause: each cause of the incident its share, in full when the
        // evidence had been seen before the diagnosis, in part otherwise.
        let mut cause_points = 0.0;
        let mut found = Vec::new();
        let mut missed = Vec::new();
        let mut unproven = false;
        for a in &self.answer {
            match self.diagnoses.iter().find(|d| d.cause == a.cause) {
                Some(d) => {
                    let items = proving(&a.cause);
                    let seen = items
                        .iter()
                        .filter(|&&i| self.seen[i].is_some_and(|s| s <= d.at))
                        .count();
                    let frac = if items.is_empty() {
                        1.0
                    } else {
                        seen as f64 / items.len() as f64
                    };
                    cause_points +=
                        CAUSE as f64 / n as f64 * (UNSEEN_SHARE + (1.0 - UNSEEN_SHARE) * frac);
                    if frac < 1.0 {
                        unproven = true;
                        found.push(format!(
                            "{} with {seen} of {} pieces of its evidence seen first",
                            a.cause,
                            items.len()
                        ));
                    } else {
                        found.push(a.cause.clone());
                    }
                }
                None => missed.push(a.cause.clone()),
            }
        }
        let mut why = match (found.is_empty(), self.diagnoses.is_empty()) {
            (true, true) => "no diagnosis".to_string(),
            (true, false) => format!("the cause was {}", missed.join(" and ")),
            (false, _) => format!("diagnosed {}", found.join(" and ")),
        };
        if !found.is_empty() && !missed.is_empty() {
            let _ = write!(
                why,
                "; found {} of {} causes, missed {}",
                found.len(),
                self.answer.len(),
                missed.join(" and ")
            );
        }
        if unproven {
            let _ = write!(
                why,
                " (a diagnosis before its evidence earns {}% of its points, the rest with the evidence seen)",
                (UNSEEN_SHARE * 100.0) as i32
            );
        }
        parts.push(Part {
            name: "cause",
            points: cause_points.round() as i32,
            max: CAUSE,
            why,
        });

        // Culprit: the causes whose culprit was named, times the share of
        // named resources that are culprits (naming everything costs).
        let mut named: Vec<&str> = Vec::new();
        for d in &self.diagnoses {
            for r in &d.resources {
                if !named.contains(&r.as_str()) {
                    named.push(r);
                }
            }
        }
        let hits = self
            .answer
            .iter()
            .filter(|a| named.iter().any(|r| a.names(r)))
            .count();
        let right_named = named
            .iter()
            .filter(|r| self.answer.iter().any(|a| a.names(r)))
            .count();
        let precision = if named.is_empty() {
            0.0
        } else {
            right_named as f64 / named.len() as f64
        };
        let culprit_points = CULPRIT as f64 * hits as f64 / n as f64 * precision;
        parts.push(Part {
            name: "culprit",
            points: culprit_points.round() as i32,
            max: CULPRIT,
            why: if hits == 0 {
                "the culprit resource was not named".into()
            } else {
                let mut w = if n == 1 {
                    "named the culprit resource".to_string()
                } else {
                    format!("named the culprits of {hits} of {n} causes")
                };
                if right_named < named.len() {
                    let _ = write!(
                        w,
                        "; {} of the {} resources you named are not culprits",
                        named.len() - right_named,
                        named.len()
                    );
                }
                w
            },
        });

        let healed = self.verdict.as_ref().is_some_and(|v| v.healed);
        parts.push(Part {
            name: "fix",
            points: if healed { FIX } else { 0 },
            max: FIX,
            why: match &self.verdict {
                None => "not submitted".into(),
                Some(v) => v.findings.first().cloned().unwrap_or_default(),
            },
        });

        // What the player did, classified: investigation is AWS commands up
        // to the last fix; checking after it is verification, never charged.
        let is_read = |e: &Entry| {
            let first = e.line.split_whitespace().next().unwrap_or("");
            !first.is_empty()
                && !super::VERBS.iter().any(|(v, _, _)| *v == first)
                && first != "?"
                && first != "exit"
                && first != "briefing"
        };
        let is_fix = |e: &Entry| e.ok && e.line.split_whitespace().next() == Some("fix");
        let last_fix = commands.iter().rposition(is_fix);
        let end = last_fix.unwrap_or(commands.len());
        let investigation = commands[..end].iter().filter(|e| is_read(e)).count();
        let verified = last_fix.is_some_and(|k| {
            commands[k + 1..]
                .iter()
                .any(|e| e.ok && (is_read(e) || e.line.split_whitespace().next() == Some("wait")))
        });
        parts.push(Part {
            name: "verification",
            points: if healed && verified { VERIFIED } else { 0 },
            max: VERIFIED,
            why: match (last_fix.is_some(), verified) {
                (false, _) => "no fix to check".into(),
                (true, true) => "you checked your fix before submitting".into(),
                (true, false) => {
                    "you submitted without checking your fix (a read or a wait after it)".into()
                }
            },
        });
        let par = &scenario.spec.par;
        let frac = |value: f64, par: f64| -> f64 {
            // Full marks up to par, nothing at three times par, linear between.
            if par <= 0.0 || value <= par {
                1.0
            } else {
                (1.0 - (value - par) / (2.0 * par)).max(0.0)
            }
        };
        let until = last_fix
            .map(|k| commands[k].at)
            .or(self.submitted_at)
            .or(commands.last().map(|e| e.at))
            .unwrap_or(arrived);
        let elapsed = (until - arrived).max(0);
        let minutes = elapsed as f64 / MINUTE as f64;
        parts.push(Part {
            name: "time",
            points: if healed {
                (TIME as f64 * frac(minutes, par.minutes as f64)).round() as i32
            } else {
                0
            },
            max: TIME,
            why: format!(
                "{} of incident time to your {} against a par of {}m",
                Dur(elapsed / SECOND * SECOND),
                if last_fix.is_some() {
                    "last fix"
                } else {
                    "submission"
                },
                par.minutes
            ),
        });
        parts.push(Part {
            name: "commands",
            points: if healed {
                (COMMANDS as f64 * frac(investigation as f64, par.commands as f64)).round() as i32
            } else {
                0
            },
            max: COMMANDS,
            why: format!(
                "{investigation} AWS command{} before your {} against a par of {} (game verbs and checks after the fix are free)",
                if investigation == 1 { "" } else { "s" },
                if last_fix.is_some() { "last fix" } else { "submission" },
                par.commands
            ),
        });
        let wrong = self.diagnoses.iter().filter(|d| !d.cause_correct).count() as i32;
        if wrong > 0 {
            parts.push(Part {
                name: "wrong diagnoses",
                points: -(wrong * WRONG_ATTEMPT).min(MAX_WRONG),
                max: 0,
                why: format!("{wrong} wrong diagnosis attempt(s), {WRONG_ATTEMPT} points each (at most {MAX_WRONG})"),
            });
        }
        for (text, cost) in hints {
            parts.push(Part {
                name: "hint",
                points: -(*cost as i32),
                max: 0,
                why: text.clone(),
            });
        }
        for l in lints {
            parts.push(Part {
                name: "fix quality",
                points: -(l.penalty as i32),
                max: 0,
                why: format!("{} Better: {} ({})", l.reason, l.better, l.id),
            });
        }
        let total = parts.iter().map(|p| p.points).sum::<i32>().clamp(0, 100);
        let grade = match total {
            90.. => "A",
            80..=89 => "B",
            70..=79 => "C",
            60..=69 => "D",
            _ => "F",
        };
        Score {
            total,
            grade,
            parts,
        }
    }
}
