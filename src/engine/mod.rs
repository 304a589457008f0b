//! The Fargate model: a virtual clock, a queue of future happenings, the task
//! launch sequence, running containers and the service scheduler.
//!
//! The engine never reads the wall clock and never prints. Every symptom the
//! player later sees (stopped reasons, service events, log lines, target
//! health) is written here, from the state of the [`World`], with the texts in
//! [`messages`]. Mutations from outside (scenario timeline, fixes) go through
//! the world and are followed by [`Sim::world_changed`].

pub mod messages;
pub mod network;
mod scheduler;
pub mod taskdef;
mod tasks;

use crate::time::{Millis, SECOND};
use crate::world::World;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

pub use crate::world::run::{Step, StopCause, TaskRun};
pub use network::{Blocked, Endpoint};
pub use tasks::image_profile;

// The per-task data lives in the world (`world/run.rs`); what it means is decided here.
impl StopCause {
    /// Whether this cause means the task never started.
    pub fn failed_to_start(&self) -> bool {
        !matches!(
            self,
            StopCause::OutOfMemory { .. }
                | StopCause::ExecFormat { .. }
                | StopCause::MissingEnv { .. }
                | StopCause::AppAccessDenied { .. }
                | StopCause::ElbHealth { .. }
                | StopCause::ContainerHealth { .. }
                | StopCause::Scheduler
                | StopCause::User
        )
    }
}

#[derive(Debug, Clone)]
enum Ev {
    Task(Arc<str>, u64),
    Elb(Arc<str>, u64),
    /// A scheduler pass over (cluster, service); boxed to keep queue entries small.
    Service(Box<(String, String)>),
    Prune(Arc<str>),
    /// A deregistered target's delay is over: (target group, ip, port) leaves the group.
    DropTarget(Box<(String, String, u16)>),
}

/// A queued happening. Ordered by due time, then by the order it was
/// scheduled in (unique), reversed so that the heap yields the earliest first.
#[derive(Debug, Clone)]
struct Due {
    at: Millis,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// The simulation: a world, a virtual clock, and what is due to happen.
#[derive(Debug, Clone)]
pub struct Sim {
    /// The account being simulated: read through [`Sim::world`], changed only
    /// through [`Sim::change`] (or by the engine itself).
    world: World,
    now: Millis,
    queue: BinaryHeap<Due>,
    /// Prunes of stopped tasks, kept apart from `queue`: the retention is
    /// constant, so they fall due in the order they were scheduled, and a
    /// crash-looping service would otherwise fill the heap with them.
    prunes: VecDeque<Due>,
    seq: u64,
    /// Every state change, in order (for determinism checks and the author view).
    pub trace: Vec<(Millis, String)>,
    /// Whether to keep the trace.
    pub trace_on: bool,
    /// Whether to check the world's invariants after every step.
    pub check_invariants: bool,
    /// Happenings processed so far, by kind: task steps, ELB checks, scheduler passes.
    pub processed: [u64; 3],
}

/// A change to the world from outside the engine, in progress (see [`Sim::change`]).
pub struct Change<'a> {
    /// The world, to change.
    pub world: &'a mut World,
    /// The virtual now.
    pub now: Millis,
    then: Vec<Then>,
}

/// What the engine does once a change is complete, in the order asked.
enum Then {
    Stop {
        task: String,
        reason: String,
    },
    Deploy {
        cluster: String,
        service: String,
    },
    CheckTargets {
        task: String,
    },
    DropTarget {
        tg: String,
        ip: String,
        port: u16,
        after: Millis,
    },
}

impl Change<'_> {
    /// Asks the engine to stop a task as StopTask does (stopCode `UserInitiated`)
    /// once the change is complete.
    pub fn stop_task(&mut self, id: &str, reason: String) {
        self.then.push(Then::Stop {
            task: id.to_string(),
            reason,
        });
    }

    /// Asks the engine to run the load balancer's health checks against the
    /// task's targets again (new settings, or a target registered by hand).
    pub fn check_targets(&mut self, task: &str) {
        self.then.push(Then::CheckTargets {
            task: task.to_string(),
        });
    }

    /// Asks the engine to remove a draining target from its group once the
    /// deregistration delay (`delay_s` seconds) is over.
    pub fn drop_target_after(&mut self, tg: &str, ip: &str, port: u16, delay_s: u32) {
        self.then.push(Then::DropTarget {
            tg: tg.to_string(),
            ip: ip.to_string(),
            port,
            after: i64::from(delay_s) * SECOND,
        });
    }

    /// Asks the engine to start a new deployment of the service's current task
    /// definition and network configuration once the change is complete.
    pub fn new_deployment(&mut self, cluster: &str, service: &str) {
        self.then.push(Then::Deploy {
            cluster: cluster.to_string(),
            service: service.to_string(),
        });
    }
}

/// How long stopped tasks stay visible (ECS keeps them about an hour).
pub const STOPPED_TASK_RETENTION: Millis = 3600 * SECOND;

impl Sim {
    /// A simulation of `world` whose clock starts at `start`.
    pub fn new(world: World, start: Millis) -> Sim {
        Sim {
            world,
            now: start,
            queue: BinaryHeap::new(),
            prunes: VecDeque::new(),
            seq: 0,
            trace: Vec::new(),
            trace_on: false,
            check_invariants: cfg!(debug_assertions),
            processed: [0; 3],
        }
    }

    /// The virtual now.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// The account being simulated.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The account's API call history, to record a call in. Recording is
    /// not a change the engine models: no service is looked at again.
    pub fn trail_mut(&mut self) -> &mut crate::world::Trail {
        &mut self.world.trail
    }

    /// A change that cannot fail (scenario setup): see [`Sim::change`].
    pub fn mutate<T>(&mut self, f: impl FnOnce(&mut Change) -> T) -> T {
        let out: Result<T, std::convert::Infallible> = self.change(|c| Ok(f(c)));
        match out {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// Changes the world from outside the engine (scenario setup, a fault, a
    /// fix). When `f` succeeds, the engine stops the tasks it was asked to
    /// stop and looks at every service again; when `f` fails it must have
    /// changed nothing, and the engine is not disturbed.
    pub fn change<T, E>(&mut self, f: impl FnOnce(&mut Change) -> Result<T, E>) -> Result<T, E> {
        let mut c = Change {
            world: &mut self.world,
            now: self.now,
            then: Vec::new(),
        };
        let out = f(&mut c)?;
        for t in std::mem::take(&mut c.then) {
            match t {
                Then::Stop { task, reason } => self.stop_task_by_user(&task, reason),
                Then::Deploy { cluster, service } => {
                    self.new_deployment(&cluster, &service);
                }
                Then::CheckTargets { task } => self.recheck_targets(&task),
                Then::DropTarget {
                    tg,
                    ip,
                    port,
                    after,
                } => self.schedule(self.now + after, Ev::DropTarget(Box::new((tg, ip, port)))),
            }
        }
        self.world_changed();
        Ok(out)
    }

    fn schedule(&mut self, at: Millis, ev: Ev) {
        self.seq += 1;
        let due = Due {
            at: at.max(self.now),
            seq: self.seq,
            ev,
        };
        if matches!(due.ev, Ev::Prune(_)) && self.prunes.back().is_none_or(|p| p.at <= due.at) {
            self.prunes.push_back(due);
        } else {
            self.queue.push(due);
        }
    }

    /// Takes the next happening due at or before `t`: the earlier of the
    /// heap's first and the oldest prune, by (due, seq).
    fn next_due(&mut self, t: Millis) -> Option<Due> {
        let heap = self.queue.peek().map(|d| (d.at, d.seq));
        let prune = self.prunes.front().map(|d| (d.at, d.seq));
        let take_prune = match (heap, prune) {
            (Some(h), Some(p)) => p < h,
            (None, Some(_)) => true,
            (_, None) => false,
        };
        let (at, _) = if take_prune { prune? } else { heap? };
        if at > t {
            return None;
        }
        if take_prune {
            self.prunes.pop_front()
        } else {
            self.queue.pop()
        }
    }

    fn note(&mut self, text: impl FnOnce() -> String) {
        if self.trace_on {
            let t = text();
            self.trace.push((self.now, t));
        }
    }

    /// Runs everything due up to and including `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Millis) -> Result<(), String> {
        while let Some(Due { at, ev, .. }) = self.next_due(t) {
            self.now = at;
            match ev {
                Ev::Task(id, token) => {
                    self.processed[0] += 1;
                    self.task_event(&id, token)
                }
                Ev::Elb(id, token) => {
                    self.processed[1] += 1;
                    self.elb_event(&id, token)
                }
                Ev::Service(key) => {
                    self.processed[2] += 1;
                    self.service_tick(&key.0, &key.1)
                }
                Ev::Prune(id) => {
                    self.world.tasks.swap_remove(id.as_ref());
                }
                Ev::DropTarget(key) => {
                    let (tg, ip, port) = *key;
                    if let Some(g) = self.world.target_groups.get_mut(&tg) {
                        g.targets
                            .retain(|t| !(t.ip == ip && t.port == port && t.state == "draining"));
                    }
                }
            }
            if self.check_invariants {
                self.world.check_invariants().map_err(|e| {
                    format!(
                        "engine invariant broken at {}: {e}",
                        crate::time::iso(self.now)
                    )
                })?;
            }
        }
        if t > self.now {
            self.now = t;
        }
        Ok(())
    }

    /// Runs for `d` milliseconds of virtual time.
    pub fn run_for(&mut self, d: Millis) -> Result<(), String> {
        self.run_until(self.now + d)
    }

    /// Tells the engine the world was changed from outside (a fault, a fix):
    /// every service is looked at again and health checks re-probe.
    fn world_changed(&mut self) {
        let keys: Vec<(String, String)> = self.world.services.keys().cloned().collect();
        for (c, s) in keys {
            self.poke_service(&c, &s, self.now);
        }
        let running: Vec<String> = self
            .world
            .tasks
            .values()
            .filter(|t| t.run.step == Step::Running && !t.run.targets.is_empty())
            .map(|t| t.id.clone())
            .collect();
        for id in running {
            self.arm_elb(&id, self.now + SECOND);
        }
    }

    /// Stops a task as StopTask does (stopCode `UserInitiated`).
    fn stop_task_by_user(&mut self, id: &str, reason: String) {
        self.stop_task(id, "UserInitiated", reason, StopCause::User);
    }

    /// Whether a service is at steady state and has held it since when.
    pub fn steady_since(&self, cluster: &str, service: &str) -> Option<Millis> {
        self.world
            .service(cluster, service)
            .and_then(|s| s.sched.steady_since)
    }
}

#[cfg(test)]
mod tests;
