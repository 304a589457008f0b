//! One play session: the scenario instance, the clock, and what the player
//! typed. `Session::execute` turns one line into output; it never panics and
//! never ends the session on an error.

use crate::aws::catalogue;
use crate::aws::{CommandError, Invocation};
use crate::awscli::command;
use crate::awscli::render::{self, Output};
use crate::scenario::{Instance, Scenario};
use crate::time::{iso, Dur, Millis, HOUR, SECOND};
use std::fmt::Write as _;

/// How virtual time moves while the player works.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Clock {
    /// Follows wall time at this speed (1.0 = real time).
    Wall {
        /// Virtual seconds per wall second.
        speed: f64,
    },
    /// Each command advances the clock by a fixed step (scripts, tests).
    Step(Millis),
}

/// The virtual step per command in scripted sessions.
pub const SCRIPT_STEP: Millis = 10 * SECOND;

/// Longest `wait` allowed at once.
const MAX_WAIT: Millis = 6 * HOUR;

/// The game's own verbs, with one line of help each.
pub const VERBS: &[(&str, &str, &str)] = &[
    (
        "help",
        "help [service [operation]]",
        "what you can type; with a service or operation, its details",
    ),
    ("brief", "brief", "the page or ticket again"),
    (
        "status",
        "status",
        "incident clock, time spent, commands used, hints taken",
    ),
    (
        "wait",
        "wait <duration>",
        "let the world run (e.g. wait 2m)",
    ),
    ("hint", "hint", "the next hint (it costs points)"),
    (
        "causes",
        "causes",
        "the cause vocabulary for your diagnosis",
    ),
    (
        "diagnose",
        "diagnose <cause> [resource ...] [--note \"...\"]",
        "state the cause and the culprit resources (ids, names or ARNs)",
    ),
    (
        "fix",
        "fix <aws mutating command>",
        "change the world, e.g. fix ec2 create-route ... (AWS validates it)",
    ),
    (
        "submit",
        "submit",
        "run the world forward, judge the fix, and end with the scorecard",
    ),
    ("quit", "quit", "leave the incident (also exit, or Ctrl-D)"),
];

/// The result of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// What to print.
    pub text: String,
    /// Whether it is an error (printed in red on a terminal, to stderr in scripts).
    pub error: bool,
    /// Whether the session ends.
    pub quit: bool,
}

impl Reply {
    fn ok(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            error: false,
            quit: false,
        }
    }
    fn err(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            error: true,
            quit: false,
        }
    }
}

/// One command as it was run (for status and, later, the report).
#[derive(Debug, Clone)]
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

/// A play session.
pub struct Session {
    /// The scenario.
    pub scenario: Scenario,
    /// The live instance.
    pub inst: Instance,
    /// How the clock moves.
    pub clock: Clock,
    /// Commands run, in order.
    pub log: Vec<Entry>,
    /// Hints taken.
    pub hints_taken: usize,
    /// Grading: diagnoses, fixes, evidence, verdict.
    pub grade: crate::grade::Grader,
    /// When the session began on the wall clock (None in replays: no wall times recorded).
    pub wall_start: Option<std::time::Instant>,
    /// Virtual time already credited for wall time (wall-clock mode).
    wall_credit: Millis,
}

impl Session {
    /// A session at the scenario's "now".
    pub fn new(scenario: Scenario, inst: Instance, clock: Clock) -> Session {
        let grade = crate::grade::Grader::new(&scenario);
        Session {
            scenario,
            inst,
            clock,
            log: Vec::new(),
            hints_taken: 0,
            grade,
            wall_start: None,
            wall_credit: 0,
        }
    }

    /// The opening screen: title, clock, briefing.
    pub fn opening(&self) -> String {
        let s = &self.scenario.spec;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "faultline — {} (difficulty {}, seed {})",
            s.title, s.difficulty, self.inst.seed
        );
        let _ = writeln!(
            o,
            "It is {} UTC. Account {} in {}.",
            iso_short(self.inst.now),
            self.inst.sim.world.account,
            self.inst.sim.world.region
        );
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", self.briefing().trim_end());
        let _ = writeln!(o);
        let _ = write!(o, "Investigate with AWS CLI commands (`ecs describe-services --cluster prod --services ...`). Type `help` for more.");
        o
    }

    fn briefing(&self) -> String {
        self.inst
            .resolve(&self.scenario.spec.briefing)
            .unwrap_or_else(|_| self.scenario.spec.briefing.clone())
    }

    /// Virtual time since the player arrived.
    pub fn elapsed(&self) -> Millis {
        self.inst.sim.now() - self.inst.now
    }

    /// Moves the clock for wall time that passed (wall-clock mode): `wall_ms` since the session began.
    pub fn catch_up(&mut self, wall_ms: Millis) -> Result<(), String> {
        if let Clock::Wall { speed } = self.clock {
            let target = (wall_ms as f64 * speed) as Millis;
            if target > self.wall_credit {
                let d = target - self.wall_credit;
                self.wall_credit = target;
                self.inst.sim.run_for(d)?;
            }
        }
        Ok(())
    }

    /// Runs one line.
    pub fn execute(&mut self, line: &str) -> Reply {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Reply::ok("");
        }
        if let Clock::Step(step) = self.clock {
            if let Err(e) = self.inst.sim.run_for(step) {
                return Reply::err(format!("engine error (seed {}): {e}", self.inst.seed));
            }
        }
        let wall_ms = self.wall_start.map(|s| s.elapsed().as_millis() as u64);
        self.log.push(Entry {
            line: line.to_string(),
            at: self.inst.sim.now(),
            ok: true,
            wall_ms,
        });
        let reply = self.dispatch(line);
        if let Some(e) = self.log.last_mut() {
            e.ok = !reply.error;
        }
        reply
    }

    fn dispatch(&mut self, line: &str) -> Reply {
        let words = match shlex::split(line) {
            Some(w) if !w.is_empty() => w,
            _ => return Reply::err("Error parsing the line: unbalanced quotes"),
        };
        let first = words[0].as_str();
        match first {
            "help" | "?" => return Reply::ok(super::help::help(&words[1..])),
            "brief" | "briefing" => return Reply::ok(self.briefing().trim_end().to_string()),
            "status" => return Reply::ok(self.status()),
            "wait" => return self.wait(&words[1..]),
            "hint" => return self.hint(),
            "causes" => {
                return Reply::ok(crate::scenario::causes::listing().trim_end().to_string())
            }
            "quit" | "exit" => {
                return Reply {
                    text: String::new(),
                    error: false,
                    quit: true,
                }
            }
            "diagnose" => return self.diagnose(&words[1..]),
            "fix" => return self.fix(line),
            "submit" => return self.submit(),
            _ => {}
        }
        self.aws(line)
    }

    fn aws(&mut self, line: &str) -> Reply {
        let inv = match Invocation::parse(line) {
            Ok(i) => i,
            Err(e) => return Reply::err(e.0),
        };
        if catalogue::find_read(&inv.service, &inv.operation).is_none() {
            return Reply::err(super::help::unknown_command(&inv.service, &inv.operation));
        }
        match command::read(&self.inst.sim, line) {
            Ok((cmd, v)) => {
                match render::render(&v, cmd.query.as_deref(), cmd.output, cmd.entry.api()) {
                    Ok(text) => {
                        self.grade.observe(
                            &self.scenario,
                            &self.inst,
                            cmd.entry.service(),
                            cmd.entry.name(),
                            &text,
                        );
                        Reply::ok(text.trim_end_matches('\n').to_string())
                    }
                    Err(e) => Reply::err(e.to_string()),
                }
            }
            Err(CommandError::Args(e)) => Reply::err(e.0),
            Err(e) => Reply::err(e.to_string()),
        }
    }

    fn diagnose(&mut self, args: &[String]) -> Reply {
        let mut cause = None;
        let mut resources = Vec::new();
        let mut note = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a == "--note" {
                match it.next() {
                    Some(n) => note = Some(n.clone()),
                    None => {
                        return Reply::err(
                            "--note needs a text, e.g. --note \"route deleted by terraform\"",
                        )
                    }
                }
            } else if let Some(n) = a.strip_prefix("--note=") {
                note = Some(n.to_string());
            } else if a.starts_with("--") {
                return Reply::err(format!(
                    "Unknown options: {a}\nusage: diagnose <cause> [resource ...] [--note \"...\"]"
                ));
            } else if cause.is_none() {
                cause = Some(a.clone());
            } else {
                resources.push(a.clone());
            }
        }
        let Some(cause) = cause else {
            return Reply::err("usage: diagnose <cause> [resource ...] [--note \"...\"]; `causes` lists the causes");
        };
        match self
            .grade
            .diagnose(&self.scenario, &self.inst, &cause, resources, note)
        {
            Ok(t) => Reply::ok(t),
            Err(e) => Reply::err(e),
        }
    }

    fn fix(&mut self, line: &str) -> Reply {
        let command = line.trim_start().strip_prefix("fix").unwrap_or("").trim();
        if command.is_empty() {
            return Reply::err("usage: fix <aws mutating command>, e.g. fix ec2 create-route --route-table-id rtb-... --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-...");
        }
        let inv = match Invocation::parse(command) {
            Ok(i) => i,
            Err(e) => return Reply::err(e.0),
        };
        if catalogue::find_write(&inv.service, &inv.operation).is_none() {
            if catalogue::find_read(&inv.service, &inv.operation).is_some() {
                return Reply::err(format!(
                    "{} {} is read-only: run it without `fix`",
                    inv.service, inv.operation
                ));
            }
            let known: Vec<String> = catalogue::writes()
                .map(|o| format!("{} {}", o.service, o.name))
                .collect();
            return Reply::err(format!(
                "faultline cannot apply {} {}; the fixes it knows: {}",
                inv.service,
                inv.operation,
                known.join(", ")
            ));
        }
        if self.grade.verdict.is_some() {
            return Reply::err("already submitted: the world is judged");
        }
        if self.grade.before_fix.is_none() {
            self.grade.before_fix = Some(self.inst.sim.world.clone());
        }
        match command::write(&mut self.inst.sim, command) {
            Ok((_, v)) => {
                self.grade.fixes.push(crate::grade::AppliedFix {
                    line: command.to_string(),
                    service: inv.service.clone(),
                    operation: inv.operation.clone(),
                    at: self.inst.sim.now(),
                });
                let text = render::render(&v, None, Output::Json, "").unwrap_or_default();
                if text.trim().is_empty() || text.trim() == "{}" {
                    Reply::ok("(applied)")
                } else {
                    Reply::ok(text.trim_end().to_string())
                }
            }
            Err(CommandError::Args(e)) => {
                self.grade.fix_errors += 1;
                Reply::err(e.0)
            }
            Err(e) => {
                self.grade.fix_errors += 1;
                Reply::err(e.to_string())
            }
        }
    }

    fn submit(&mut self) -> Reply {
        if self.grade.verdict.is_some() {
            return Reply::err("already submitted");
        }
        let v = self.grade.submit(&self.scenario, &mut self.inst);
        let head = if v.healed {
            "Verified: the fix holds."
        } else {
            "Not verified."
        };
        Reply {
            text: format!("{head} {}", v.findings.join("; ")),
            error: false,
            quit: true,
        }
    }

    /// The report of the session so far (lints judged against the world before the first fix).
    pub fn report(&self) -> crate::grade::report::Report {
        use crate::grade::report::{CommandRecord, Happened, HintRecord, Report};
        let lints = match &self.grade.before_fix {
            Some(before) => {
                let after = self
                    .grade
                    .at_submit
                    .as_ref()
                    .unwrap_or(&self.inst.sim.world);
                crate::grade::lints::lint(&self.scenario, before, after, &self.grade.fixes)
            }
            None => Vec::new(),
        };
        let hints: Vec<(String, u32)> = self
            .scenario
            .spec
            .hints
            .iter()
            .take(self.hints_taken)
            .map(|h| {
                (
                    self.inst
                        .resolve(&h.text)
                        .unwrap_or_else(|_| h.text.clone()),
                    h.cost,
                )
            })
            .collect();
        let elapsed = self.grade.submitted_at.unwrap_or(self.inst.sim.now()) - self.inst.now;
        let score = self
            .grade
            .score(&self.scenario, elapsed, self.log.len(), &hints, &lints);
        let resolve = |t: &str| self.inst.resolve(t).unwrap_or_else(|_| t.to_string());
        let s = &self.scenario.spec;
        Report {
            schema: crate::grade::report::SCHEMA,
            scenario: s.id.clone(),
            title: s.title.clone(),
            difficulty: s.difficulty,
            seed: self.inst.seed,
            arrived: iso(self.inst.now),
            elapsed_ms: elapsed,
            commands: self
                .log
                .iter()
                .map(|e| CommandRecord {
                    line: e.line.clone(),
                    virtual_time: iso(e.at),
                    wall_ms: e.wall_ms,
                    ok: e.ok,
                })
                .collect(),
            diagnoses: self.grade.diagnoses.clone(),
            fixes: self.grade.fixes.clone(),
            fix_errors: self.grade.fix_errors,
            verdict: self.grade.verdict.clone(),
            lints,
            hints: hints
                .into_iter()
                .map(|(text, cost)| HintRecord { text, cost })
                .collect(),
            evidence: self.grade.evidence(&self.scenario, &self.inst),
            score,
            answer_cause: s.answer.cause.clone(),
            answer_culprits: s.answer.culprits.iter().map(|c| resolve(c)).collect(),
            timeline: self
                .inst
                .applied
                .iter()
                .map(|a| Happened {
                    at: Dur((a.at - self.inst.now) / SECOND * SECOND).to_string(),
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
        }
    }

    fn status(&self) -> String {
        let par = &self.scenario.spec.par;
        format!(
            "incident clock {} UTC (you arrived {} ago)\ncommands {} (par {}), hints taken {} of {}, par time {}m",
            iso_short(self.inst.sim.now()),
            Dur(self.elapsed() / SECOND * SECOND),
            self.log.len(),
            par.commands,
            self.hints_taken,
            self.scenario.spec.hints.len(),
            par.minutes
        )
    }

    fn wait(&mut self, args: &[String]) -> Reply {
        let Some(arg) = args.first() else {
            return Reply::err("wait needs a duration, e.g. `wait 2m` or `wait 30s`");
        };
        let d = match Dur::parse(arg) {
            Ok(d) if d.0 > 0 && d.0 <= MAX_WAIT => d,
            Ok(_) => {
                return Reply::err(format!(
                    "wait takes a duration between 1s and {}",
                    Dur(MAX_WAIT)
                ))
            }
            Err(e) => return Reply::err(e),
        };
        if let Err(e) = self.inst.sim.run_for(d.0) {
            return Reply::err(format!("engine error (seed {}): {e}", self.inst.seed));
        }
        Reply::ok(format!(
            "{} pass. It is now {} UTC.",
            d,
            iso_short(self.inst.sim.now())
        ))
    }

    fn hint(&mut self) -> Reply {
        let hints = &self.scenario.spec.hints;
        match hints.get(self.hints_taken) {
            None if hints.is_empty() => Reply::ok("This scenario has no hints."),
            None => Reply::ok("No more hints: you have had them all."),
            Some(h) => {
                self.hints_taken += 1;
                let text = self
                    .inst
                    .resolve(&h.text)
                    .unwrap_or_else(|_| h.text.clone());
                Reply::ok(format!(
                    "Hint {} of {} (costs {} points): {}",
                    self.hints_taken,
                    hints.len(),
                    h.cost,
                    text
                ))
            }
        }
    }
}

/// `2026-03-13 16:19:05`.
pub fn iso_short(t: Millis) -> String {
    let s = iso(t);
    format!("{} {}", &s[..10], &s[11..19])
}
