//! A game and its players. A [`Game`] owns one scenario instance (the
//! simulation and its virtual clock), the rules of play — what a line does:
//! an AWS read command and the evidence it shows, `diagnose`, `fix`, `submit`,
//! `hint`, `wait`, `status`, `brief` — and the ordered log of typed
//! [`Event`]s, handed to its watchers as they happen. A [`Player`] holds what
//! one player typed, the hints taken and their grading state. The game takes
//! lines and wall times as values and answers with text: it must not touch a
//! terminal or a socket, nor read the wall clock; the shell does those.

pub mod aws;
pub mod event;
pub mod grade;
pub mod help;
pub mod interview;
pub mod journal;
pub mod player;
pub mod remote;
#[cfg(test)]
mod tests;

pub use event::{Event, JsonLines, Watcher};
pub use interview::Interjection;
pub use player::{Entry, Player};
pub use remote::{Facts, Rehearsal, Remote};

use crate::game::grade::report::Report;
use crate::game::grade::{AppliedFix, Grader};
use crate::scenario::{Instance, Scenario};
use crate::time::{iso, Dur, Millis, HOUR, MINUTE, SECOND};
use aws::FixOutcome;
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

/// A request of the catalogue sent over the AWS wire protocols (see
/// [`Game::execute_request`]).
#[derive(Debug, Clone)]
pub enum Request {
    /// A diagnostic.
    Read(crate::aws::ReadRequest),
    /// A fix.
    Write(crate::aws::WriteRequest),
}

/// The result of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// What to print.
    pub text: String,
    /// Whether it is an error (printed in red on a terminal).
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
    /// An error reply.
    pub fn err(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            error: true,
            quit: false,
        }
    }
}

/// A game: the scenario, its live instance, and the ordered event log.
pub struct Game {
    /// The scenario.
    pub scenario: Scenario,
    /// The live instance: the simulation, its clock, the seed.
    pub inst: Instance,
    /// How the clock moves.
    pub clock: Clock,
    /// Interview mode (set before a player joins): no feedback on diagnoses
    /// until the end, no `hint` verb, and the report carries a rubric.
    pub interview: bool,
    /// Every event so far, in order.
    events: Vec<Event>,
    /// Events a line caused, emitted after its `command` event.
    pending: Vec<Event>,
    /// Who follows the game as it happens.
    watchers: Vec<Box<dyn Watcher>>,
    /// Why watchers stopped (each error ends its watcher), not yet taken.
    watch_errors: Vec<String>,
    /// Virtual time already credited for wall time (wall-clock mode).
    wall_credit: Millis,
    /// The account played, when it is not the simulation (live mode).
    remote: Option<Box<dyn Remote>>,
    /// Where waits on a remote account show their progress.
    progress: Box<dyn FnMut(&str)>,
    /// Lines and writes so far: with the clock, what the world's answers depend on.
    changes: u64,
    /// Answers to wire reads since the world last changed (see [`Game::execute_request`]).
    reads: ReadCache,
}

/// The answers to reads over the wire while the world stands still: the
/// same request against the same world (same instant, no line or write
/// since) has the same answer, so it is computed, rendered and hashed once.
#[derive(Default)]
struct ReadCache {
    /// The (clock, changes) the answers were computed at.
    at: (Millis, u64),
    /// Request (region, operation, input) -> the answer.
    answers: std::collections::HashMap<String, Answer>,
}

/// An answer over the wire, as a command records it: the value, its CLI
/// text (for the evidence) and that text's digest (for the journal).
#[derive(Clone)]
struct Answer {
    value: std::sync::Arc<serde_json::Value>,
    text: std::rc::Rc<str>,
    sha256: std::rc::Rc<str>,
}

/// Answers kept at most, per game, between changes of the world.
const READ_CACHE: usize = 1024;

impl Game {
    /// A game at the scenario's "now".
    pub fn new(scenario: Scenario, inst: Instance, clock: Clock) -> Game {
        Game {
            scenario,
            inst,
            clock,
            interview: false,
            events: Vec::new(),
            pending: Vec::new(),
            watchers: Vec::new(),
            watch_errors: Vec::new(),
            wall_credit: 0,
            remote: None,
            progress: Box::new(|_| {}),
            changes: 0,
            reads: ReadCache::default(),
        }
    }

    /// A game on an account it does not simulate (live mode, or a
    /// [`Rehearsal`]): diagnostics, fixes, waits and the verification go to
    /// `remote`; `inst` keeps the scenario's seed and variables. Time is the
    /// remote account's, so the clock choice does not apply.
    pub fn on_remote(scenario: Scenario, inst: Instance, remote: Box<dyn Remote>) -> Game {
        let mut g = Game::new(scenario, inst, Clock::Step(0));
        g.remote = Some(remote);
        g
    }

    /// Where waits on a remote account report progress (a spinner on a
    /// terminal); an empty line says the wait is over.
    pub fn on_progress(&mut self, sink: Box<dyn FnMut(&str)>) {
        self.progress = sink;
    }

    /// Whether the game plays on a remote account.
    pub fn is_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// The account's facts: the remote account's, else the simulation's.
    pub fn facts(&self) -> &dyn Facts {
        match &self.remote {
            Some(r) => &**r as &dyn Facts,
            None => &self.inst,
        }
    }

    /// The current instant of the account played.
    pub fn now(&self) -> Millis {
        self.facts().now()
    }

    /// When the player arrived.
    pub fn arrived(&self) -> Millis {
        match &self.remote {
            Some(r) => r.arrived(),
            None => self.inst.now,
        }
    }

    /// The world for Tab completion of resource ids.
    pub fn completion_world(&self) -> &crate::world::World {
        match &self.remote {
            Some(r) => r.completion_world(),
            None => self.inst.sim.world(),
        }
    }

    /// Adds a watcher: it receives every event from now on.
    pub fn watch(&mut self, watcher: Box<dyn Watcher>) {
        self.watchers.push(watcher);
    }

    /// Why watchers failed since the last call (each failure ends its watcher).
    pub fn take_watch_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.watch_errors)
    }

    /// Every event so far, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// A player arrives: their grading starts, and `session_started` is emitted.
    pub fn join(&mut self, name: Option<String>) -> Player {
        self.join_team(name, None)
    }

    /// A player of a team arrives (a game day): as [`Game::join`], with the
    /// team recorded in `session_started` and the report.
    pub fn join_team(&mut self, name: Option<String>, team: Option<String>) -> Player {
        let mut player = Player::new(name, Grader::new(&self.scenario, self.facts()));
        player.team = team;
        self.emit(Event::SessionStarted {
            scenario: self.scenario.spec.id.clone(),
            seed: self.inst.seed,
            player: player.name.clone(),
            team: player.team.clone(),
            arrived: iso(self.arrived()),
            interview: self.interview,
        });
        player
    }

    fn emit(&mut self, event: Event) {
        let mut i = 0;
        while i < self.watchers.len() {
            match self.watchers[i].event(&event) {
                Ok(()) => i += 1,
                Err(e) => {
                    self.watchers.remove(i);
                    self.watch_errors.push(e.to_string());
                }
            }
        }
        self.events.push(event);
    }

    /// Queues an event the current line caused (emitted after its `command`).
    fn note(&mut self, event: Event) {
        self.pending.push(event);
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
        let (account, region) = match &self.remote {
            Some(r) => r.location(),
            None => (
                self.inst.sim.world().account.clone(),
                self.inst.sim.world().region.clone(),
            ),
        };
        let _ = writeln!(
            o,
            "It is {} UTC. Account {account} in {region}.",
            iso_short(self.arrived()),
        );
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", self.briefing().trim_end());
        let _ = writeln!(o);
        let _ = write!(
            o,
            "Investigate with AWS CLI commands (`ecs describe-services --cluster {} --services ...`). Type `help` for more.",
            s.success.cluster
        );
        o
    }

    fn briefing(&self) -> String {
        self.facts()
            .resolve(&self.scenario.spec.briefing)
            .unwrap_or_else(|_| self.scenario.spec.briefing.clone())
    }

    /// Virtual time since the player arrived.
    pub fn elapsed(&self) -> Millis {
        self.now() - self.arrived()
    }

    /// Moves the clock for wall time that passed (wall-clock mode): `wall_ms` since the session began.
    pub fn catch_up(&mut self, wall_ms: Millis) -> Result<(), String> {
        if self.remote.is_some() {
            // A remote account's time passes by itself.
            return Ok(());
        }
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

    /// Runs one line for `player`; `wall_ms` is the wall time since the session
    /// began, if a wall clock is kept. Never panics; errors do not end the game.
    pub fn execute(&mut self, player: &mut Player, line: &str, wall_ms: Option<u64>) -> Reply {
        // Any line may change the world (a fix, a wait, submit).
        self.changes += 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Reply::ok("");
        }
        if line.len() > crate::limits::MAX_LINE {
            // Not a command: nothing is recorded, so the journal and report stay small.
            return Reply::err(format!(
                "that line is {} KB long; faultline takes command lines of up to {} KB",
                line.len() / 1024,
                crate::limits::MAX_LINE / 1024
            ));
        }
        if let (Clock::Step(step), None) = (self.clock, &self.remote) {
            if let Err(e) = self.inst.sim.run_for(step) {
                return Reply::err(format!("engine error (seed {}): {e}", self.inst.seed));
            }
        }
        let at = self.now();
        player.commands.push(Entry {
            line: line.to_string(),
            at,
            ok: true,
            wall_ms,
        });
        let seen_before = player.grade.seen.clone();
        let reply = self.dispatch(player, line);
        if let Some(e) = player.commands.last_mut() {
            e.ok = !reply.error;
        }
        let evidence = self.newly_seen(&seen_before, player);
        self.emit(Event::Command {
            line: line.to_string(),
            virtual_time: iso(at),
            wall_ms,
            ok: !reply.error,
            output_sha256: event::sha256_hex(&reply.text),
            output_bytes: reply.text.len(),
            output_head: event::head(&reply.text),
            evidence,
        });
        for e in std::mem::take(&mut self.pending) {
            self.emit(e);
        }
        reply
    }

    /// Runs one request that came over the AWS wire protocols (`faultline
    /// serve`) for `player`, as [`Game::execute`] runs a line: it counts as a
    /// command, shows evidence, and a write is a fix, journaled and graded as
    /// one. `line` is the request as an AWS CLI command line (a write's
    /// without `fix`), which the journal records and a replay runs; `region`
    /// is another region than the account's, when the request was sent there.
    /// Answers the response in the CLI's JSON shape, or the error.
    pub fn execute_request(
        &mut self,
        player: &mut Player,
        line: &str,
        request: Request,
        region: Option<&str>,
        wall_ms: Option<u64>,
    ) -> Result<std::sync::Arc<serde_json::Value>, crate::aws::CommandError> {
        let recorded = match &request {
            Request::Read(_) => line.to_string(),
            Request::Write(_) => format!("fix {line}"),
        };
        if let Err(e) = self.catch_up(wall_ms.unwrap_or(0) as i64) {
            return Err(crate::aws::ArgError(format!(
                "engine error (seed {}): {e}",
                self.inst.seed
            ))
            .into());
        }
        // The same read against a world that has not changed since it was
        // last answered shows nothing new: it is answered again, and not
        // recorded again (a client that polls does not fill the journal).
        if let Request::Read(req) = &request {
            if let Some(a) = self.cached_read(req, region) {
                return Ok(a.value);
            }
        }
        let at = self.now();
        player.commands.push(Entry {
            line: recorded.clone(),
            at,
            ok: true,
            wall_ms,
        });
        let seen_before = player.grade.seen.clone();
        let result = match &request {
            Request::Read(req) => self.read_request(player, req, region),
            Request::Write(req) => {
                self.changes += 1;
                self.fix_request(player, line, req, region).map(|v| {
                    let text = crate::awscli::render::render(
                        &v,
                        None,
                        crate::awscli::render::Output::Json,
                        "",
                    )
                    .unwrap_or_default();
                    Answer {
                        sha256: event::sha256_hex(&text).into(),
                        text: text.into(),
                        value: std::sync::Arc::new(v),
                    }
                })
            }
        };
        if let Some(e) = player.commands.last_mut() {
            e.ok = result.is_ok();
        }
        let evidence = self.newly_seen(&seen_before, player);
        let (sha, bytes, head) = match &result {
            Ok(r) => (r.sha256.to_string(), r.text.len(), event::head(&r.text)),
            Err(e) => {
                let t = e.to_string();
                (event::sha256_hex(&t), t.len(), event::head(&t))
            }
        };
        self.emit(Event::Command {
            line: recorded,
            virtual_time: iso(at),
            wall_ms,
            ok: result.is_ok(),
            output_sha256: sha,
            output_bytes: bytes,
            output_head: head,
            evidence,
        });
        for e in std::mem::take(&mut self.pending) {
            self.emit(e);
        }
        result.map(|r| r.value)
    }

    /// The cache's key of a read: region, operation and input (None on a
    /// remote account, which changes by itself: nothing is kept).
    fn read_key(&self, req: &crate::aws::ReadRequest, region: Option<&str>) -> Option<String> {
        let op = req.op();
        self.remote.is_none().then(|| {
            format!(
                "{}\u{0}{}\u{0}{}\u{0}{}",
                region.unwrap_or(""),
                op.service,
                op.api,
                serde_json::to_string(req.input()).unwrap_or_default()
            )
        })
    }

    /// The answer to a read made since the world last changed, if any.
    fn cached_read(
        &mut self,
        req: &crate::aws::ReadRequest,
        region: Option<&str>,
    ) -> Option<Answer> {
        let state = (self.now(), self.changes);
        if self.reads.at != state || self.reads.answers.len() >= READ_CACHE {
            self.reads.at = state;
            self.reads.answers.clear();
        }
        let key = self.read_key(req, region)?;
        self.reads.answers.get(&key).cloned()
    }

    /// A read's answer from the account, kept for the same request until
    /// the world changes; the player sees the evidence it shows.
    fn read_request(
        &mut self,
        player: &mut Player,
        req: &crate::aws::ReadRequest,
        region: Option<&str>,
    ) -> Result<Answer, crate::aws::CommandError> {
        let op = req.op();
        let reader: &dyn crate::aws::Reader = match &self.remote {
            Some(r) => r.reader(),
            None => &self.inst.sim,
        };
        let v = match region {
            Some(r) => reader.read_in(r, req)?,
            None => reader.read(req)?,
        };
        // Rendered once, for the evidence and the journal.
        let text =
            crate::awscli::render::render(&v, None, crate::awscli::render::Output::Json, op.api)
                .unwrap_or_default();
        let answer = Answer {
            sha256: event::sha256_hex(&text).into(),
            text: text.into(),
            value: std::sync::Arc::new(v),
        };
        if let Some(k) = self.read_key(req, region) {
            self.reads.answers.insert(k, answer.clone());
        }
        player.grade.observe(
            &self.scenario,
            self.facts(),
            op.service,
            op.name,
            &answer.text,
            &answer.text,
        );
        Ok(answer)
    }

    fn fix_request(
        &mut self,
        player: &mut Player,
        line: &str,
        req: &crate::aws::WriteRequest,
        region: Option<&str>,
    ) -> Result<serde_json::Value, crate::aws::CommandError> {
        use crate::aws::Account as _;
        if player.grade.verdict.is_some() {
            // [I] worded for faultline: after `submit` the account is judged and takes no more changes.
            return Err(crate::aws::AwsError::new(
                "AccessDeniedException",
                req.op().api,
                "already submitted: the world is judged, and it takes no more changes",
            )
            .into());
        }
        if self.remote.is_some() {
            return Err(crate::aws::ArgError(
                "a fix over the wire applies to the simulated account only".into(),
            )
            .into());
        }
        let before = player
            .grade
            .before_fix
            .is_none()
            .then(|| self.facts().world().clone());
        let now = iso(self.now());
        let op = req.op();
        let result = match region.and_then(|r| self.inst.sim.refused_in(r, req)) {
            Some(r) => r,
            None => self.inst.sim.write(req),
        };
        player.grade.before_fix = player.grade.before_fix.take().or(before);
        match &result {
            Ok(_) => {
                player.grade.fixes.push(AppliedFix {
                    line: line.to_string(),
                    service: op.service.to_string(),
                    operation: op.name.to_string(),
                    at: self.now(),
                });
                self.note(Event::FixApplied {
                    virtual_time: now,
                    line: line.to_string(),
                    service: op.service.to_string(),
                    operation: op.name.to_string(),
                });
            }
            Err(e) => {
                player.grade.fix_errors += 1;
                self.note(Event::FixRefused {
                    virtual_time: now,
                    line: line.to_string(),
                    service: op.service.to_string(),
                    operation: op.name.to_string(),
                    error: e.to_string(),
                });
            }
        }
        result
    }

    /// Records that `line` failed inside faultline (a bug that panicked): the
    /// command is kept as failed, with the failure, and the session goes on.
    pub fn record_failure(
        &mut self,
        player: &mut Player,
        line: &str,
        wall_ms: Option<u64>,
        what: &str,
    ) -> Reply {
        self.pending.clear();
        let at = self.now();
        match player.commands.last_mut() {
            Some(e) if e.line == line.trim() && e.at == at => e.ok = false,
            _ => player.commands.push(Entry {
                line: line.trim().to_string(),
                at,
                ok: false,
                wall_ms,
            }),
        }
        let text = format!(
            "faultline failed on this command (a bug, not your doing): {what}. The session goes on; the report names the command."
        );
        self.emit(Event::Command {
            line: line.trim().to_string(),
            virtual_time: iso(at),
            wall_ms,
            ok: false,
            output_sha256: event::sha256_hex(&text),
            output_bytes: text.len(),
            output_head: event::head(&text),
            evidence: Vec::new(),
        });
        self.emit(Event::InternalError {
            virtual_time: iso(at),
            line: line.trim().to_string(),
            message: what.to_string(),
        });
        Reply::err(text)
    }

    /// Runs a journaled line again at the virtual time it ran (see [`journal`]).
    pub fn replay_command(
        &mut self,
        player: &mut Player,
        line: &str,
        at: Millis,
        wall_ms: Option<u64>,
    ) -> Result<Reply, String> {
        if self.remote.is_some() {
            return Err("a session on a real account cannot be replayed".into());
        }
        if at < self.inst.sim.now() {
            return Err(format!(
                "the journal goes back in time at `{line}` ({}, the game is at {})",
                iso(at),
                iso(self.inst.sim.now())
            ));
        }
        self.inst
            .sim
            .run_until(at)
            .map_err(|e| format!("engine error (seed {}): {e}", self.inst.seed))?;
        let clock = std::mem::replace(&mut self.clock, Clock::Step(0));
        let reply = self.execute(player, line, wall_ms);
        self.clock = clock;
        Ok(reply)
    }

    /// After a replay, continues the wall clock from `wall_ms` since the
    /// session first began (the time before it is already in the virtual clock).
    pub fn resume_wall(&mut self, wall_ms: u64) {
        if let Clock::Wall { speed } = self.clock {
            self.wall_credit = (wall_ms as f64 * speed) as Millis;
        }
    }

    fn dispatch(&mut self, player: &mut Player, line: &str) -> Reply {
        let words = match shlex::split(line) {
            Some(w) if !w.is_empty() => w,
            _ => return Reply::err("Error parsing the line: unbalanced quotes"),
        };
        match words[0].as_str() {
            "help" | "?" if self.interview && words.len() == 1 => Reply::ok(format!(
                "{}\n\n{}",
                help::help(&[]).trim_end(),
                interview::HELP
            )),
            "help" | "?" => Reply::ok(help::help(&words[1..])),
            "brief" | "briefing" => Reply::ok(self.briefing().trim_end().to_string()),
            "status" => Reply::ok(self.status(player)),
            "wait" => self.wait(&words[1..]),
            "hint" => self.hint(player),
            "causes" => Reply::ok(crate::scenario::causes::listing().trim_end().to_string()),
            "quit" | "exit" => Reply {
                text: String::new(),
                error: false,
                quit: true,
            },
            "diagnose" => self.diagnose(player, &words[1..]),
            "fix" => self.fix(player, line),
            "submit" => self.submit(player),
            _ => self.read(player, line),
        }
    }

    /// An AWS read command: its output, and the evidence it shows.
    fn read(&mut self, player: &mut Player, line: &str) -> Reply {
        let result = match &self.remote {
            Some(r) => aws::run_read(r.reader(), line),
            None => aws::run_read(&self.inst.sim, line),
        };
        match result {
            Ok(out) => {
                player.grade.observe(
                    &self.scenario,
                    self.facts(),
                    out.service,
                    out.operation,
                    &out.data,
                    &out.text,
                );
                Reply::ok(out.text.trim_end_matches('\n').to_string())
            }
            Err(e) => Reply::err(e),
        }
    }

    fn diagnose(&mut self, player: &mut Player, args: &[String]) -> Reply {
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
        match player.grade.diagnose(self.facts(), &cause, resources, note) {
            Ok(text) => {
                // In an interview the verdict on a diagnosis waits for the end.
                let text = if self.interview {
                    format!("Diagnosis {} recorded.", player.grade.diagnoses.len())
                } else {
                    text
                };
                if let Some(d) = player.grade.diagnoses.last() {
                    self.note(Event::Diagnosis {
                        virtual_time: iso(d.at),
                        cause: d.cause.clone(),
                        resources: d.resources.clone(),
                        note: d.note.clone(),
                        cause_correct: d.cause_correct,
                        culprit_correct: d.culprit_correct,
                    });
                }
                Reply::ok(text)
            }
            Err(e) => Reply::err(e),
        }
    }

    fn fix(&mut self, player: &mut Player, line: &str) -> Reply {
        let command = line.trim_start().strip_prefix("fix").unwrap_or("").trim();
        if command.is_empty() {
            return Reply::err("usage: fix <aws mutating command>, e.g. fix ec2 create-route --route-table-id rtb-... --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-...");
        }
        if player.grade.verdict.is_some() {
            return Reply::err("already submitted: the world is judged");
        }
        // Lints compare against the world before the first fix AWS was asked for.
        // On a remote account, the survey made when the player arrived.
        let before = player
            .grade
            .before_fix
            .is_none()
            .then(|| self.facts().world().clone());
        let now = iso(self.now());
        let outcome = match &mut self.remote {
            Some(r) => r.fix(command),
            None => aws::apply_fix(&mut self.inst.sim, command),
        };
        match outcome {
            FixOutcome::NotAFix(e) => Reply::err(e),
            FixOutcome::Applied {
                service,
                operation,
                text,
            } => {
                player.grade.before_fix = player.grade.before_fix.take().or(before);
                player.grade.fixes.push(AppliedFix {
                    line: command.to_string(),
                    service: service.clone(),
                    operation: operation.clone(),
                    at: self.now(),
                });
                self.note(Event::FixApplied {
                    virtual_time: now,
                    line: command.to_string(),
                    service,
                    operation,
                });
                // As the CLI: an operation that answers nothing prints nothing.
                Reply::ok(text.trim_end().to_string())
            }
            FixOutcome::Refused {
                service,
                operation,
                error,
            } => {
                player.grade.before_fix = player.grade.before_fix.take().or(before);
                player.grade.fix_errors += 1;
                self.note(Event::FixRefused {
                    virtual_time: now,
                    line: command.to_string(),
                    service,
                    operation,
                    error: error.clone(),
                });
                Reply::err(error)
            }
        }
    }

    fn submit(&mut self, player: &mut Player) -> Reply {
        if player.grade.verdict.is_some() {
            return Reply::err("already submitted");
        }
        self.note(Event::Submit {
            virtual_time: iso(self.now()),
        });
        let v = match self.remote.as_mut() {
            Some(r) => {
                let submitted = r.now();
                let at_submit = r.survey().ok().map(|_| r.world().clone());
                let s = &self.scenario.spec.success;
                let image = s.image.as_ref().and_then(|i| r.resolve(i).ok());
                let want = crate::aws::waiters::Healthy {
                    cluster: &s.cluster,
                    service: &s.service,
                    image: image.as_deref(),
                };
                let wait = crate::aws::waiters::services_stable(
                    r.pace(),
                    &want,
                    self.scenario.hold(),
                    self.scenario.within().max(30 * MINUTE),
                    crate::aws::waiters::Backoff::default(),
                    &mut *self.progress,
                );
                // An empty line ends the progress display.
                (self.progress)("");
                player
                    .grade
                    .submit_watched(&self.scenario, submitted, at_submit, wait)
            }
            None => player.grade.submit(&self.scenario, &mut self.inst),
        };
        self.note(Event::Verdict {
            virtual_time: iso(self.now()),
            healed: v.healed,
            findings: v.findings.clone(),
        });
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

    fn status(&self, player: &Player) -> String {
        let par = &self.scenario.spec.par;
        format!(
            "incident clock {} UTC (you arrived {} ago)\ncommands {} (par {}), hints taken {} of {}, par time {}m",
            iso_short(self.now()),
            Dur(self.elapsed() / SECOND * SECOND),
            player.commands.len(),
            par.commands,
            player.hints_taken,
            self.scenario.spec.hints.len(),
            par.minutes
        )
    }

    fn wait(&mut self, args: &[String]) -> Reply {
        let usage = "wait needs one duration, e.g. `wait 2m`, `wait 30s` or `wait 1h30m`";
        let [arg] = args else {
            return Reply::err(match args {
                [] => usage.to_string(),
                _ => format!("{usage}; got {} words: {}", args.len(), args.join(" ")),
            });
        };
        if arg.starts_with('-') {
            return Reply::err(format!("wait {arg}: the clock only goes forward; {usage}"));
        }
        let d = match Dur::parse_or(arg, "expected a duration such as 30s, 2m or 1h30m") {
            Ok(d) if d.0 > 0 && d.0 <= MAX_WAIT => d,
            Ok(_) => {
                return Reply::err(format!(
                    "wait takes a duration between 1s and {}",
                    Dur(MAX_WAIT)
                ))
            }
            Err(e) => return Reply::err(e),
        };
        match self.remote.as_mut() {
            Some(r) => {
                (self.progress)(&format!("waiting {d} on the real account"));
                let paused = r.pace().pause(d.0);
                (self.progress)("");
                if let Err(e) = paused {
                    return Reply::err(format!("the wait was cut short: {e}"));
                }
            }
            None => {
                if let Err(e) = self.inst.sim.run_for(d.0) {
                    return Reply::err(format!("engine error (seed {}): {e}", self.inst.seed));
                }
            }
        }
        self.note(Event::Wait {
            duration_ms: d.0,
            virtual_time: iso(self.now()),
        });
        Reply::ok(format!(
            "{} pass. It is now {} UTC.",
            d,
            iso_short(self.now())
        ))
    }

    fn hint(&mut self, player: &mut Player) -> Reply {
        if self.interview {
            return Reply::err(interview::NO_HINT_VERB);
        }
        let hints = &self.scenario.spec.hints;
        match hints.get(player.hints_taken) {
            None if hints.is_empty() => Reply::ok("This scenario has no hints."),
            None => Reply::ok("No more hints: you have had them all."),
            Some(h) => {
                player.hints_taken += 1;
                let text = self
                    .facts()
                    .resolve(&h.text)
                    .unwrap_or_else(|_| h.text.clone());
                let reply = Reply::ok(format!(
                    "Hint {} of {} (costs {} points): {}",
                    player.hints_taken,
                    hints.len(),
                    h.cost,
                    text
                ));
                let (index, cost) = (player.hints_taken, h.cost);
                self.note(Event::Hint {
                    virtual_time: iso(self.now()),
                    index,
                    cost,
                });
                reply
            }
        }
    }

    /// The player's report so far; see [`crate::game::grade::report::build`].
    pub fn report(&self, player: &Player) -> Report {
        crate::game::grade::report::build(self, player)
    }

    /// Ends the session for `player`: the report, and `session_ended` with its score.
    pub fn finish(&mut self, player: &Player) -> Report {
        let report = self.report(player);
        self.emit(Event::SessionEnded {
            virtual_time: iso(self.now()),
            total: report.score.total,
            grade: report.score.grade.to_string(),
        });
        report
    }

    /// The line said on leaving: commands, incident time, seed.
    pub fn farewell(&self, player: &Player) -> String {
        let n = player.commands.len();
        format!(
            "Leaving the incident after {n} command{} and {} of incident time (seed {}).",
            if n == 1 { "" } else { "s" },
            // Incident time is the player's, up to a submission (not the verification run).
            Dur((player.grade.submitted_at.unwrap_or(self.now()) - self.arrived()) / 1000 * 1000),
            self.inst.seed
        )
    }
}

/// `2026-03-13 16:19:05`.
pub fn iso_short(t: Millis) -> String {
    let s = iso(t);
    format!("{} {}", &s[..10], &s[11..19])
}
