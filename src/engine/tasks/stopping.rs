//! The way down: launch failures, stop requests, DEACTIVATING, STOPPING,
//! DEPROVISIONING and STOPPED.

use crate::engine::messages as m;
use crate::engine::{Ev, Sim, Step, StopCause, STOPPED_TASK_RETENTION};
use crate::time::{Millis, SECOND};
use crate::world::TaskStatus;

/// [C-ish] DEPROVISIONING to STOPPED took about 30 s in a real capture.
const DEPROVISION: (i64, i64) = (25 * SECOND, 35 * SECOND);
/// [I] containers exit after SIGTERM.
const STOPPING: (i64, i64) = (SECOND, 4 * SECOND);
/// [I] from "has stopped N running tasks" to "has begun draining connections"
/// and "deregistered N targets": about ten seconds in real service events.
pub(in crate::engine) const DRAIN_NOTICE: i64 = 10 * SECOND;

impl Sim {
    pub(super) fn pending_fail(&mut self, id: &str, reason: String, cause: StopCause, at: Millis) {
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.pending_failure = Some(Box::new((reason, cause)));
        }
        self.arm_task(id, at);
    }

    /// Fires a failure decided earlier (IAM denials answer after a short delay).
    pub(super) fn fire_pending_fail(&mut self, id: &str) -> bool {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return true;
        };
        if let Some((reason, cause)) = t.run.pending_failure.take().map(|f| *f) {
            self.fail_task(id, reason, cause);
            return true;
        }
        false
    }

    /// Stops a task that failed to start.
    pub(super) fn fail_task(&mut self, id: &str, reason: String, cause: StopCause) {
        self.stop_task(id, "TaskFailedToStart", reason, cause);
    }

    /// Begins stopping a task: desired STOPPED now, then down the lifecycle.
    pub(in crate::engine) fn stop_task(
        &mut self,
        id: &str,
        code: &str,
        reason: String,
        cause: StopCause,
    ) {
        let now = self.now;
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        if t.desired_status == TaskStatus::Stopped {
            return;
        }
        t.desired_status = TaskStatus::Stopped;
        let owner = t.service.clone().map(|s| (t.cluster.clone(), s));
        t.stopping_at = Some(now);
        t.stop_code = Some(code.to_string());
        t.stopped_reason = Some(reason);
        t.stop_cause = Some(cause);
        t.run.exit = None;
        t.run.health = None;
        t.run.pending_logs.clear();
        t.version += 1;
        let started = t.started_at.is_some();
        let has_eni = t.attachment.is_some();
        let has_targets = !t.run.targets.is_empty();
        if let Some(svc) = owner.and_then(|(c, s)| self.world.service_mut(&c, &s)) {
            svc.sched.live.remove(id);
        }
        self.note(|| format!("task {id} stopping ({code})"));
        self.on_task_stopping(id);
        if has_targets {
            // DEACTIVATING at once; the targets keep serving until ECS starts
            // draining them a little later (see `step_deactivate`).
            self.set_status(id, TaskStatus::Deactivating);
            if let Some(t) = self.world.tasks.get_mut(id) {
                t.run.elb_token += 1;
            }
            self.goto(id, Step::Deactivate, now + DRAIN_NOTICE);
        } else if started {
            self.set_status(id, TaskStatus::Stopping);
            let d = self.rand(STOPPING);
            self.goto(id, Step::Stopping, now + d);
        } else if has_eni {
            for c in self
                .world
                .tasks
                .get_mut(id)
                .into_iter()
                .flat_map(|t| t.containers.iter_mut())
            {
                c.last_status = "STOPPED".into();
            }
            if let Some(t) = self.world.tasks.get_mut(id) {
                t.execution_stopped_at = Some(now);
            }
            self.set_status(id, TaskStatus::Deprovisioning);
            let d = self.rand(DEPROVISION);
            self.goto(id, Step::Deprovision, now + d);
        } else {
            for c in self
                .world
                .tasks
                .get_mut(id)
                .into_iter()
                .flat_map(|t| t.containers.iter_mut())
            {
                c.last_status = "STOPPED".into();
            }
            if let Some(t) = self.world.tasks.get_mut(id) {
                t.execution_stopped_at = Some(now);
            }
            self.finish_stop(id);
        }
    }

    /// Whether ECS has begun draining every target of the task (or it has none left).
    fn drain_begun(&self, id: &str) -> bool {
        let Some(t) = self.world.tasks.get(id) else {
            return true;
        };
        t.run.targets.iter().all(|(tg, _)| {
            self.world.target_groups.get(tg).is_none_or(|g| {
                g.targets
                    .iter()
                    .filter(|x| x.task_id == id)
                    .all(|x| x.state == "draining")
            })
        })
    }

    /// DEACTIVATING, first step: ECS begins draining the task's targets, with
    /// those of its service's other tasks stopped at the same time, and says
    /// so per task set; the task leaves DEACTIVATING after the longest
    /// deregistration delay of its target groups. Second step: done.
    pub(super) fn step_deactivate(&mut self, id: &str) {
        if self.drain_begun(id) {
            self.step_deactivate_done(id);
        } else {
            self.begin_drain(id);
        }
    }

    fn begin_drain(&mut self, id: &str) {
        let now = self.now;
        let svc = self
            .service_of(id)
            .map(|s| (s.cluster.clone(), s.name.clone()));
        let my_tgs: Vec<String> = self
            .world
            .tasks
            .get(id)
            .map(|t| t.run.targets.iter().map(|(g, _)| g.clone()).collect())
            .unwrap_or_default();
        // The tasks drained together: this one, and its service's tasks in
        // the same target groups that were stopped at least as long ago.
        let mut group: Vec<String> = vec![id.to_string()];
        for tg in &my_tgs {
            let Some(g) = self.world.target_groups.get(tg) else {
                continue;
            };
            for x in g.targets.iter().filter(|x| x.state != "draining") {
                if group.contains(&x.task_id) {
                    continue;
                }
                let Some(t) = self.world.tasks.get(&x.task_id) else {
                    continue;
                };
                let same_service = svc
                    .as_ref()
                    .is_some_and(|(c, s)| t.cluster == *c && t.service.as_deref() == Some(s));
                if same_service
                    && t.last_status == TaskStatus::Deactivating
                    && t.stopping_at.is_some_and(|at| at + DRAIN_NOTICE <= now)
                {
                    group.push(x.task_id.clone());
                }
            }
        }
        // (task set, its tasks) and (target group, targets), in first-seen order.
        let mut sets: Vec<(String, usize)> = Vec::new();
        let mut per_tg: Vec<(String, usize)> = Vec::new();
        for task in &group {
            let (targets, set) = match self.world.tasks.get(task) {
                Some(t) => (t.run.targets.clone(), t.started_by.clone()),
                None => continue,
            };
            match sets.iter_mut().find(|s| s.0 == set) {
                Some(s) => s.1 += 1,
                None => sets.push((set, 1)),
            }
            let mut delay = 0;
            for (tg_arn, _) in &targets {
                let Some(tg) = self.world.target_groups.get_mut(tg_arn) else {
                    continue;
                };
                delay = delay.max(tg.deregistration_delay as i64 * SECOND);
                let mut n = 0;
                for x in tg.targets.iter_mut().filter(|x| x.task_id == *task) {
                    x.state = "draining".into();
                    x.reason = Some("Target.DeregistrationInProgress".into());
                    x.description = Some(m::TARGET_DEREGISTERING.into());
                    n += 1;
                }
                match per_tg.iter_mut().find(|p| p.0 == *tg_arn) {
                    Some(p) => p.1 += n,
                    None => per_tg.push((tg_arn.clone(), n)),
                }
            }
            self.goto(task, Step::Deactivate, now + delay);
        }
        if let Some((c, s)) = &svc {
            for (set, n) in sets {
                self.service_event(c, s, m::draining_connections(s, &set, n));
            }
            for (tg, n) in per_tg {
                self.service_event(c, s, m::deregistered_targets(s, n, &tg));
            }
        }
    }

    /// Whether a service still has stopped tasks whose targets have not left
    /// its target groups: its deployment is not complete before they have.
    pub(in crate::engine) fn service_draining(&self, cluster: &str, service: &str) -> bool {
        let Some(svc) = self.world.service(cluster, service) else {
            return false;
        };
        svc.load_balancers.iter().any(|lb| {
            self.world
                .target_groups
                .get(&lb.target_group_arn)
                .is_some_and(|g| {
                    g.targets.iter().any(|x| {
                        self.world.tasks.get(&x.task_id).is_some_and(|t| {
                            t.desired_status == TaskStatus::Stopped
                                && t.cluster == cluster
                                && t.service.as_deref() == Some(service)
                        })
                    })
                })
        })
    }

    pub(super) fn step_deactivate_done(&mut self, id: &str) {
        let targets = self
            .world
            .tasks
            .get(id)
            .map(|t| t.run.targets.clone())
            .unwrap_or_default();
        for (tg_arn, _) in targets {
            if let Some(tg) = self.world.target_groups.get_mut(&tg_arn) {
                tg.targets.retain(|x| x.task_id != id);
            }
        }
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.targets.clear();
        }
        self.set_status(id, TaskStatus::Stopping);
        let d = self.rand(STOPPING);
        self.goto(id, Step::Stopping, self.now + d);
        // Its deployment may complete now that its targets are gone.
        let svc = self
            .service_of(id)
            .map(|s| (s.cluster.clone(), s.name.clone()));
        if let Some((c, s)) = svc {
            self.poke_service(&c, &s, self.now);
        }
    }

    pub(super) fn step_stopping_done(&mut self, id: &str) {
        let now = self.now;
        if let Some(t) = self.world.tasks.get_mut(id) {
            for c in t.containers.iter_mut() {
                if c.last_status != "STOPPED" {
                    c.last_status = "STOPPED".into();
                    c.exit_code = Some(0);
                }
            }
            t.execution_stopped_at = Some(now);
        }
        self.set_status(id, TaskStatus::Deprovisioning);
        let d = self.rand(DEPROVISION);
        self.goto(id, Step::Deprovision, now + d);
    }

    pub(super) fn step_deprovision_done(&mut self, id: &str) {
        self.finish_stop(id);
    }

    fn finish_stop(&mut self, id: &str) {
        let now = self.now;
        let eni = self
            .world
            .tasks
            .get(id)
            .and_then(|t| t.attachment.as_ref().map(|a| a.eni_id.clone()));
        if let Some(eni) = eni {
            self.world.remove_eni(&eni);
        }
        if let Some(t) = self.world.tasks.get_mut(id) {
            if let Some(a) = t.attachment.as_mut() {
                a.status = "DELETED".into();
            }
            t.stopped_at = Some(now);
            t.connectivity = t.connectivity.as_ref().map(|_| "DISCONNECTED".into());
            t.run.step = Step::Done;
            t.run.token += 1;
        }
        self.set_status(id, TaskStatus::Stopped);
        let handle = self
            .world
            .tasks
            .get(id)
            .and_then(|t| t.run.handle.clone())
            .unwrap_or_else(|| id.into());
        self.schedule(now + STOPPED_TASK_RETENTION, Ev::Prune(handle));
        let svc = self
            .service_of(id)
            .map(|s| (s.cluster.clone(), s.name.clone()));
        if let Some((c, s)) = svc {
            // Freed addresses may let a waiting launch go ahead.
            self.poke_service(&c, &s, now);
        }
    }
}
