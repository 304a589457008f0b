//! The task lifecycle: the launch sequence (ENI, execution-role fetches,
//! awslogs, image pull), running containers (logs, memory, exits, container
//! health), ELB target health, and the way down to STOPPED.
//!
//! Durations marked [I] are inferred: no capture gives them exactly.
//!
//! This module holds the step dispatch and the helpers the steps share; each
//! concern has its own `impl Sim` in a child: `launch` (create, ENI provision
//! and attach), `fetch` (ECR auth, secrets, awslogs checks, image pull),
//! `running` (activation, containers, container health), `elb` (target
//! health checks) and `stopping` (failures, stop, the way down to STOPPED).

mod elb;
mod fetch;
mod launch;
mod running;
mod stopping;

use super::network::{reach, Endpoint, Origin};
use super::{Ev, Sim, Step, StopCause};
use crate::time::Millis;
use crate::world::{concat, parse_ip, Task, TaskStatus};

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImageRef {
    /// This account's ECR.
    Ecr { repo: String, tag: String },
    /// A public registry (Docker Hub library image).
    Public { name: String, tag: String },
}

pub(crate) fn parse_image(registry: &str, image: &str) -> ImageRef {
    let split_tag = |s: &str| -> (String, String) {
        match s.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n.to_string(), t.to_string()),
            _ => (s.to_string(), "latest".to_string()),
        }
    };
    if let Some(rest) = image
        .strip_prefix(registry)
        .and_then(|r| r.strip_prefix('/'))
    {
        let (repo, tag) = split_tag(rest);
        ImageRef::Ecr { repo, tag }
    } else {
        let (name, tag) = split_tag(image);
        let name = name
            .trim_start_matches("docker.io/")
            .trim_start_matches("library/")
            .to_string();
        ImageRef::Public { name, tag }
    }
}

/// The application profile an image runs as: an ECR image through its
/// repository's tags, a public image by name.
pub fn image_profile<'a>(
    world: &'a crate::world::World,
    image: &str,
) -> Option<&'a crate::world::AppProfile> {
    match parse_image(&world.registry(), image) {
        ImageRef::Ecr { repo, tag } => world
            .repositories
            .get(&repo)
            .and_then(|r| r.images.iter().find(|i| i.tags.contains(&tag)))
            .and_then(|i| world.profiles.get(&i.profile)),
        ImageRef::Public { name, .. } => world.profiles.get(&name),
    }
}

impl Sim {
    fn rand(&mut self, (lo, hi): (i64, i64)) -> i64 {
        self.world.rng.range(lo, hi)
    }

    pub(super) fn arm_task(&mut self, id: &str, at: Millis) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        let ev = next_step_event(t);
        self.schedule(at, ev);
    }

    pub(super) fn arm_elb(&mut self, id: &str, at: Millis) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        t.run.elb_token += 1;
        let token = t.run.elb_token;
        let h = t.run.handle.get_or_insert_with(|| id.into()).clone();
        self.schedule(at, Ev::Elb(h, token));
    }

    fn set_status(&mut self, id: &str, status: TaskStatus) {
        if let Some(t) = self.world.tasks.get_mut(id) {
            if status > t.last_status {
                t.last_status = status;
                t.version += 1;
            }
        }
        self.note(|| format!("task {id} {}", status.as_str()));
    }

    pub(super) fn task_event(&mut self, id: &str, token: u64) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        if t.run.token != token {
            return;
        }
        match t.run.step {
            Step::Provision => self.step_provision(id),
            Step::Attach => self.step_attach(id),
            Step::Auth => self.step_auth(id),
            Step::Secrets => self.step_secrets(id),
            Step::Logs => self.step_logs(id),
            Step::Pull => self.step_pull(id),
            Step::Activate => self.step_activate(id),
            Step::Running => self.step_running(id),
            Step::Deactivate => self.step_deactivate(id),
            Step::Stopping => self.step_stopping_done(id),
            Step::Deprovision => self.step_deprovision_done(id),
            Step::Done => {}
        }
    }

    fn goto(&mut self, id: &str, step: Step, at: Millis) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        t.run.step = step;
        t.run.wait_since = None;
        t.run.wait_for = None;
        let ev = next_step_event(t);
        self.schedule(at, ev);
    }

    /// Checks a network path; on failure the step waits out the SDK's timeout
    /// (re-checking then, in case the world was fixed meanwhile).
    /// Returns Ok(true) to proceed, Ok(false) when waiting, Err(cause) when it failed.
    fn network(&mut self, id: &str, ep: Endpoint, timeout: i64) -> Result<bool, StopCause> {
        let Some(t) = self.world.tasks.get(id) else {
            return Ok(false);
        };
        // A wait belongs to one endpoint: a step that checks several (ECR's
        // registry, then S3 for the layers) must not restart another's wait.
        let wait_since = t
            .run
            .wait_since
            .filter(|_| t.run.wait_for.as_ref() == Some(&ep));
        let origin = Origin {
            subnet_id: &t.subnet_id,
            security_groups: &t.security_groups,
            public_ip: t.assign_public_ip,
            private_ip: t
                .attachment
                .as_ref()
                .and_then(|a| parse_ip(&a.private_ip))
                .unwrap_or(0),
        };
        let verdict = reach(&self.world, &origin, &ep);
        // The subnet is named only when the wait has run out.
        let subnet = match (&verdict, wait_since) {
            (Err(_), Some(since)) if self.now >= since + timeout => t.subnet_id.clone(),
            _ => String::new(),
        };
        match verdict {
            Ok(_) => {
                if let Some(t) = self.world.tasks.get_mut(id) {
                    if t.run.wait_for.as_ref() == Some(&ep) {
                        t.run.wait_since = None;
                        t.run.wait_for = None;
                    }
                }
                Ok(true)
            }
            Err(blocked) => match wait_since {
                Some(since) if self.now >= since + timeout => Err(StopCause::Unreachable {
                    endpoint: ep,
                    subnet,
                    blocked,
                }),
                Some(since) => {
                    self.arm_task(id, since + timeout);
                    Ok(false)
                }
                None => {
                    if let Some(t) = self.world.tasks.get_mut(id) {
                        t.run.wait_since = Some(self.now);
                        t.run.wait_for = Some(ep);
                    }
                    self.arm_task(id, self.now + timeout);
                    Ok(false)
                }
            },
        }
    }

    fn td_of(&self, id: &str) -> Option<std::sync::Arc<crate::world::TaskDefinition>> {
        let t = self.world.tasks.get(id)?;
        match &t.run.td {
            Some(td) => Some(td.clone()),
            None => self
                .world
                .task_definition_shared(&t.task_definition_arn)
                .cloned(),
        }
    }

    fn service_of(&self, id: &str) -> Option<&crate::world::Service> {
        let t = self.world.tasks.get(id)?;
        self.world.service(&t.cluster, t.service.as_deref()?)
    }
}

/// The task's next step event: a new token (older events become stale), with
/// the task's shared id.
fn next_step_event(t: &mut Task) -> Ev {
    t.run.token += 1;
    let h = match &t.run.handle {
        Some(h) => h.clone(),
        None => t.run.handle.insert(t.id.as_str().into()).clone(),
    };
    Ev::Task(h, t.run.token)
}

/// `<prefix>/<container-name>/<task-id>` [V] §5.
pub fn stream_name(prefix: Option<&str>, container: &str, task_id: &str) -> String {
    match prefix {
        Some(p) if !p.is_empty() => concat(&[p, "/", container, "/", task_id]),
        _ => concat(&[container, "/", task_id]),
    }
}
