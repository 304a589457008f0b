//! `faultline serve`: the scenario's simulated account behind the AWS wire
//! protocols, so that players investigate with their own `aws` CLI, SDKs and
//! scripts, and the game host of a team game day.
//!
//! - [`model`]: the botocore service models of the catalogue's operations;
//! - [`wire`]: the protocols (JSON 1.0/1.1, query, EC2 query) both ways;
//! - [`sigv4`]: who signed a request (the access key id picks the team);
//! - [`team`]: one world per team, each on its own thread, journaled;
//! - [`http`]: the HTTP server: AWS requests, the thin client's API
//!   (`faultline play --connect`), and the facilitator page;
//! - [`page`]: the facilitator's page and its board;
//! - [`line`]: a request written back as its AWS CLI line (the journal's);
//! - [`sandbox`]: `--sandbox-stack`, the account before the fault as live
//!   mode's sandbox stack.
//!
//! An unchanged world's answers are computed once: the game keeps a read's
//! answer until the clock moves or anything changes, and the team keeps its
//! encoded body; a read repeated meanwhile is answered, not recorded again.
//!
//! A request becomes a catalogue [`crate::aws::Input`] and is answered by
//! the same operations as the REPL, through [`crate::game::Game::execute_request`]:
//! reads are diagnostics (evidence, commands counted), writes are fixes
//! (journaled and graded as `fix`). Nothing a remote client sends reaches the
//! host's shell or files: there are no pipes and no `file://` here, since the
//! client's own CLI reads its files before it sends anything.

pub mod http;
pub mod line;
pub mod model;
pub mod page;
pub mod sandbox;
pub mod sigv4;
pub mod team;
pub mod wire;

use crate::scenario::Scenario;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use team::{Board, Team};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The scenario.
    pub scenario: Scenario,
    /// The seed every team's world is made with.
    pub seed: u64,
    /// Where to listen.
    pub bind: SocketAddr,
    /// Virtual seconds per wall second.
    pub speed: f64,
    /// The teams (each one's access key id).
    pub teams: Vec<String>,
    /// Where each team's journal goes (`<team>.jsonl`).
    pub journal_dir: PathBuf,
    /// Serve the account before the fault as live mode's sandbox stack of
    /// this name ([`sandbox`]); `None`: the incident as the player meets it.
    pub sandbox_stack: Option<String>,
}

/// A team name: what its players put in `AWS_ACCESS_KEY_ID`.
pub fn team_name(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "team name {text:?}: a team name is its access key id, 1 to 64 letters, digits, `-` or `_`"
        ))
    }
}

/// The world a server holds: teams, the facilitator's token, the board.
pub struct Served {
    /// The scenario.
    pub scenario: Scenario,
    /// The seed.
    pub seed: u64,
    /// The account id of every world.
    pub account: String,
    /// The region of every world.
    pub region: String,
    /// Teams by name.
    pub teams: Vec<Team>,
    /// The facilitator's token (the page shows the answer with it).
    pub facilitator_token: String,
    /// What every team did so far.
    pub board: Arc<Mutex<Board>>,
    /// The answer and the teams' reports so far, for the facilitator's page.
    pub facilitator: page::Facilitator,
    /// When the server started (each world's clock runs from it).
    pub started: Instant,
    /// Virtual seconds per wall second.
    pub speed: f64,
    /// Where journals are.
    pub journal_dir: PathBuf,
    /// The sandbox stack the worlds stand for (served for live mode).
    pub sandbox_stack: Option<String>,
}

impl Served {
    /// Makes every team's world: the scenario's pre-history runs once, and
    /// each team gets a copy.
    pub fn new(opts: &ServeOptions, tokens: bool) -> Result<Served, String> {
        if !(opts.speed >= 0.0 && opts.speed <= 3600.0) {
            return Err(format!(
                "--speed {} is out of range; expected a number from 0 (a stopped clock) to 3600",
                opts.speed
            ));
        }
        let mut names: Vec<String> = Vec::new();
        for t in &opts.teams {
            let t = team_name(t)?;
            if names.contains(&t) {
                return Err(format!("--team {t} is given twice"));
            }
            names.push(t);
        }
        if names.is_empty() {
            names.push("player".into());
        }
        let inst = match &opts.sandbox_stack {
            None => opts
                .scenario
                .incident(opts.seed)
                .map_err(|e| e.to_string())?,
            Some(stack) => {
                let mut inst = opts
                    .scenario
                    .instantiate(opts.seed, crate::scenario::Mode::Environment)
                    .map_err(|e| e.to_string())?;
                sandbox::record(&mut inst, &opts.scenario, stack)?;
                inst
            }
        };
        std::fs::create_dir_all(&opts.journal_dir).map_err(|e| {
            format!(
                "cannot create the journal folder {}: {e}",
                opts.journal_dir.display()
            )
        })?;
        let board = Arc::new(Mutex::new(Board {
            teams: names.iter().map(|n| (n.clone(), Vec::new())).collect(),
        }));
        let started = Instant::now();
        let (account, region) = (
            inst.sim.world().account.clone(),
            inst.sim.world().region.clone(),
        );
        let facilitator = page::Facilitator::new(&opts.scenario, &inst);
        let mut teams = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let token = tokens.then(crate::token::random_token);
            teams.push(Team::start(
                n,
                token,
                opts.scenario.clone(),
                inst.clone(),
                opts.speed,
                started,
                &opts.journal_dir,
                (board.clone(), i),
            )?);
        }
        Ok(Served {
            scenario: opts.scenario.clone(),
            seed: opts.seed,
            account,
            region,
            teams,
            facilitator_token: crate::token::random_token(),
            board,
            facilitator,
            started,
            speed: opts.speed,
            journal_dir: opts.journal_dir.clone(),
            sandbox_stack: opts.sandbox_stack.clone(),
        })
    }

    /// A team by its access key id.
    pub fn team(&self, key_id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.name == key_id)
    }

    /// What the server prints at start: for each team, what to export.
    pub fn banner(&self, url: &str) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let s = &self.scenario.spec;
        let _ = writeln!(
            o,
            "faultline serve — {} (seed {}), account {} in {}, {} team{}, {}",
            s.id,
            self.seed,
            self.account,
            self.region,
            self.teams.len(),
            if self.teams.len() == 1 { "" } else { "s" },
            if self.speed == 0.0 {
                "the clock stopped".to_string()
            } else {
                format!("clock ×{}", self.speed)
            }
        );
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "Facilitator page (the answer is on it; keep the token to yourself):\n  {url}/?token={}",
            self.facilitator_token
        );
        if let Some(stack) = &self.sandbox_stack {
            let _ = writeln!(o);
            let _ = writeln!(
                o,
                "Served as live mode's sandbox stack {stack}: the account before the fault. With a team's exports:\n  faultline live start {} --stack {stack} --seed {} --allow-account {}",
                s.id, self.seed, self.account
            );
        }
        for t in &self.teams {
            let _ = writeln!(o);
            let _ = writeln!(o, "Team {}:", t.name);
            let _ = writeln!(
                o,
                "  export AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_REGION={} AWS_DEFAULT_REGION={}",
                t.name,
                t.token.as_deref().unwrap_or("faultline"),
                self.region,
                self.region
            );
            let _ = writeln!(
                o,
                "  faultline play --connect {url} --team {}{}",
                t.name,
                t.token
                    .as_deref()
                    .map(|k| format!(" --token {k}"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(o);
        let _ = write!(
            o,
            "Journals in {} (faultline report / faultline scoreboard read them). Ctrl-C stops the server.",
            self.journal_dir.display()
        );
        o
    }
}

/// Whether teams need tokens: when the server listens beyond loopback.
pub fn needs_tokens(bind: SocketAddr) -> bool {
    !bind.ip().is_loopback()
}

/// Serves until interrupted (Ctrl-C), or for `serve_for`.
pub fn serve(opts: &ServeOptions, serve_for: Option<std::time::Duration>) -> Result<(), String> {
    let served = Served::new(opts, needs_tokens(opts.bind))?;
    http::run(Arc::new(served), opts.bind, serve_for)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_beyond_loopback_gives_every_team_a_token() {
        for (addr, tokens) in [
            ("127.0.0.1:4566", false),
            ("[::1]:4566", false),
            ("0.0.0.0:4566", true),
            ("10.0.0.5:4566", true),
            ("[::]:4566", true),
        ] {
            assert_eq!(needs_tokens(addr.parse().unwrap()), tokens, "{addr}");
        }
    }
}
