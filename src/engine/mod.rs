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
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

pub use network::{Blocked, Endpoint};

/// Why a task stopped, as data (the text is in `stoppedReason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopCause {
    /// No free address in the subnet.
    NoFreeIp { subnet: String },
    /// A call from the task's ENI timed out.
    Unreachable {
        endpoint: Endpoint,
        subnet: String,
        blocked: Blocked,
    },
    /// The execution role was denied an action.
    IamDenied {
        role: String,
        action: String,
        resource: String,
    },
    /// A referenced secret or parameter does not exist.
    SecretMissing { name: String },
    /// The awslogs group does not exist.
    LogGroupMissing { group: String },
    /// `awslogs-region` missing.
    LogRegionMissing,
    /// Repository or tag not found.
    ImageNotFound { repository: String, tag: String },
    /// Image index lacks the task's platform.
    PlatformMismatch { platform: String },
    /// Image does not fit ephemeral storage.
    NoSpace,
    /// A container exceeded its memory limit.
    OutOfMemory { container: String, limit_mib: u32 },
    /// A single-arch image for the other CPU architecture.
    ExecFormat { container: String },
    /// The app exited for a missing environment variable.
    MissingEnv { container: String, name: String },
    /// The app exited because its task role may not make an AWS call it needs.
    AppAccessDenied { container: String, action: String },
    /// No task could be created: the role cannot be assumed by ecs-tasks.
    RoleNotAssumable { role: String },
    /// ELB health checks failed.
    ElbHealth {
        target_group: String,
        reason: String,
    },
    /// Container health checks failed.
    ContainerHealth { container: String },
    /// The scheduler stopped it (deployment, scale-in).
    Scheduler,
    /// A person stopped it.
    User,
}

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

/// Where a task is in its life, for the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    /// Creating the ENI.
    #[default]
    Provision,
    /// Attaching the ENI.
    Attach,
    /// Fetching the ECR auth token.
    Auth,
    /// Fetching secrets.
    Secrets,
    /// Validating the log driver.
    Logs,
    /// Pulling images.
    Pull,
    /// Registering targets.
    Activate,
    /// Containers running.
    Running,
    /// Draining from target groups.
    Deactivate,
    /// Containers stopping.
    Stopping,
    /// ENI being deleted.
    Deprovision,
    /// Stopped.
    Done,
}

/// Engine bookkeeping carried by each task.
#[derive(Debug, Clone, Default)]
pub struct TaskRun {
    /// Current step.
    pub step: Step,
    /// Token of the step event that is current (older ones are stale).
    pub token: u64,
    /// Token of the current ELB health-check event.
    pub elb_token: u64,
    /// When a network wait began (the SDK retries until its timeout).
    pub wait_since: Option<Millis>,
    /// The endpoint that wait is for.
    pub wait_for: Option<Endpoint>,
    /// When the app answers on its port.
    pub ready_at: Option<Millis>,
    /// Target groups registered in, with the port.
    pub targets: Vec<(String, u16)>,
    /// A planned container exit: (container index, exit code, reason, cause, at).
    pub exit: Option<(usize, i32, Option<String>, StopCause, Millis)>,
    /// A planned container health verdict: (container index, healthy, at).
    pub health: Option<(usize, bool, Millis)>,
    /// Profile log lines still to write: (at, stream group, stream, line).
    pub pending_logs: Vec<(Millis, String, String, String)>,

    /// A failure already decided that fires at the next step event (IAM answers after a short delay).
    pub pending_failure: Option<(String, StopCause)>,
    /// Whether any container has a health check (the task is healthy only once it passes).
    pub container_checks: bool,
    /// Memory use over uptime of each container that runs a profile: (container index, curve, hard limit MiB).
    pub memory: Vec<(usize, crate::world::MemoryCurve, u32)>,
    /// The task definition it runs (registered revisions never change).
    pub td: Option<Arc<crate::world::TaskDefinition>>,
    /// The task id, shared by the events queued for it.
    pub handle: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Task(Arc<str>, u64),
    Elb(Arc<str>, u64),
    Service(String, String),
    Prune(Arc<str>),
}

/// The simulation: a world, a virtual clock, and what is due to happen.
#[derive(Debug, Clone)]
pub struct Sim {
    /// The account being simulated: read through [`Sim::world`], changed only
    /// through [`Sim::change`] (or by the engine itself).
    world: World,
    now: Millis,
    queue: BinaryHeap<Reverse<(Millis, u64, Ev)>>,
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
    Stop { task: String, reason: String },
    Deploy { cluster: String, service: String },
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
            }
        }
        self.world_changed();
        Ok(out)
    }

    fn schedule(&mut self, at: Millis, ev: Ev) {
        self.seq += 1;
        self.queue.push(Reverse((at.max(self.now), self.seq, ev)));
    }

    fn note(&mut self, text: impl FnOnce() -> String) {
        if self.trace_on {
            let t = text();
            self.trace.push((self.now, t));
        }
    }

    /// Runs everything due up to and including `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Millis) -> Result<(), String> {
        while let Some(Reverse((at, _, _))) = self.queue.peek() {
            if *at > t {
                break;
            }
            let Some(Reverse((at, _, ev))) = self.queue.pop() else {
                break;
            };
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
                Ev::Service(c, s) => {
                    self.processed[2] += 1;
                    self.service_tick(&c, &s)
                }
                Ev::Prune(id) => {
                    self.world.tasks.swap_remove(id.as_ref());
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
