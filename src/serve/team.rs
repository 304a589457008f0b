//! One team's world: a [`Game`] of the served scenario and seed, owned by
//! its own thread. Requests reach it as [`Job`]s, one at a time, in the
//! order they arrive; the game's clock follows the wall clock (× speed)
//! from when the server started. Each team's events go to its journal
//! (`<journal dir>/<team>.jsonl`, which `faultline report` and
//! `faultline scoreboard` read) and to the server's [`Board`].

use super::wire::{self, Body, Call};
use crate::aws::CommandError;
use crate::game::{Clock, Event, Game, JsonLines, Player, Reply, Request, Watcher};
use crate::scenario::{Instance, Scenario};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::oneshot;

/// What a team's thread is asked to do.
pub enum Job {
    /// A request of the AWS wire protocols.
    Aws {
        /// The request as an AWS CLI line, for the journal.
        line: String,
        /// The catalogue request.
        request: Request,
        /// Another region than the account's.
        region: Option<String>,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<Arc<Value>, CommandError>>,
    },
    /// A line typed in `faultline play --connect` (a REPL line: a read, `fix`,
    /// `diagnose`, `hint`, `submit`, ...).
    Line {
        /// The line.
        line: String,
        /// Where the reply goes.
        reply: oneshot::Sender<Reply>,
    },
    /// The opening screen (briefing).
    Opening {
        /// Where it goes.
        reply: oneshot::Sender<String>,
    },
}

/// What the facilitator sees of every team: its events so far.
#[derive(Default)]
pub struct Board {
    /// Team name -> its events, in order.
    pub teams: Vec<(String, Vec<Event>)>,
}

/// A watcher that copies each event onto the board.
struct OnBoard {
    board: Arc<Mutex<Board>>,
    index: usize,
}

impl Watcher for OnBoard {
    fn event(&mut self, event: &Event) -> std::io::Result<()> {
        if let Ok(mut b) = self.board.lock() {
            if let Some((_, events)) = b.teams.get_mut(self.index) {
                events.push(event.clone());
            }
        }
        Ok(())
    }
}

/// A team's handle: where to send its jobs.
#[derive(Clone)]
pub struct Team {
    /// The team's name (its access key id).
    pub name: String,
    /// Its token (the secret access key it signs with), when teams need one.
    pub token: Option<String>,
    /// Its journal.
    pub journal: PathBuf,
    jobs: Sender<Job>,
    /// Encoded answers, by request: reused while the game answers with the
    /// very same value (its own cache of an unchanged world's answers).
    bodies: Bodies,
}

/// Encoded answers by request, each with the value it encodes.
type Bodies = Arc<Mutex<HashMap<String, (Arc<Value>, Body)>>>;

/// Stands for the request id in an encoded answer kept for reuse.
const REQUEST_ID: &str = "\u{1}request-id\u{1}";

impl Team {
    /// Starts a team's thread with its own copy of the world.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        name: &str,
        token: Option<String>,
        scenario: Scenario,
        inst: Instance,
        speed: f64,
        started: Instant,
        journal_dir: &Path,
        board: (Arc<Mutex<Board>>, usize),
    ) -> Result<Team, String> {
        let journal = journal_dir.join(format!("{name}.jsonl"));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&journal)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    format!(
                        "{} already exists (an earlier server's journal); give another --journal-dir",
                        journal.display()
                    )
                } else {
                    format!("cannot create the journal {}: {e}", journal.display())
                }
            })?;
        let team_name = name.to_string();
        let (tx, rx) = channel::<Job>();
        let (ready_tx, ready_rx) = channel::<()>();
        // The game is made on its thread and never leaves it (its watchers
        // are not `Send`).
        std::thread::Builder::new()
            .name(format!("team-{name}"))
            .spawn(move || {
                let mut game = Game::new(scenario, inst, Clock::Wall { speed });
                game.watch(Box::new(JsonLines::new(file)));
                game.watch(Box::new(OnBoard {
                    board: board.0,
                    index: board.1,
                }));
                let mut player = game.join_team(Some(team_name.clone()), Some(team_name));
                let _ = ready_tx.send(());
                for job in rx {
                    let wall = started.elapsed().as_millis() as u64;
                    run(&mut game, &mut player, job, wall);
                }
            })
            .map_err(|e| format!("cannot start team {name}'s thread: {e}"))?;
        ready_rx
            .recv()
            .map_err(|_| format!("team {name}'s world did not start"))?;
        Ok(Team {
            name: name.to_string(),
            token,
            journal,
            jobs: tx,
            bodies: Arc::default(),
        })
    }

    /// `value`, the answer to `call`, in the call's protocol: encoded once
    /// for as long as the game answers the same request with this value.
    pub fn encode(&self, call: &Call, value: &Arc<Value>, region: &str, request_id: &str) -> Body {
        let key = format!(
            "{:?}\u{0}{}\u{0}{}\u{0}{}\u{0}{region}\u{0}{}",
            call.protocol,
            call.json_version,
            call.service,
            call.api,
            serde_json::to_string(&call.input).unwrap_or_default()
        );
        let kept = self.bodies.lock().ok().and_then(|b| {
            b.get(&key)
                .filter(|(v, _)| Arc::ptr_eq(v, value))
                .map(|(_, body)| body.clone())
        });
        let body = kept.unwrap_or_else(|| {
            let body = wire::encode(call, value, REQUEST_ID);
            if let Ok(mut b) = self.bodies.lock() {
                if b.len() >= 1024 {
                    b.clear();
                }
                b.insert(key, (value.clone(), body.clone()));
            }
            body
        });
        if body.text.contains(REQUEST_ID) {
            Body {
                text: body.text.replace(REQUEST_ID, request_id),
                ..body
            }
        } else {
            body
        }
    }

    /// Sends a job; false when the team's thread has ended.
    pub fn send(&self, job: Job) -> bool {
        self.jobs.send(job).is_ok()
    }
}

fn run(game: &mut Game, player: &mut Player, job: Job, wall: u64) {
    match job {
        Job::Aws {
            line,
            request,
            region,
            reply,
        } => {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                game.execute_request(player, &line, request, region.as_deref(), Some(wall))
            }));
            let result = result.unwrap_or_else(|p| {
                let what = panic_text(&p);
                game.record_failure(player, &line, Some(wall), &what);
                Err(crate::aws::ArgError(format!(
                    "faultline failed on this request (a bug): {what}"
                ))
                .into())
            });
            let _ = reply.send(result);
        }
        Job::Line { line, reply } => {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = game.catch_up(wall as i64);
                game.execute(player, &line, Some(wall))
            }));
            let r = r.unwrap_or_else(|p| {
                let what = panic_text(&p);
                game.record_failure(player, &line, Some(wall), &what)
            });
            let _ = reply.send(r);
        }
        Job::Opening { reply } => {
            let _ = game.catch_up(wall as i64);
            let _ = reply.send(game.opening());
        }
    }
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}
