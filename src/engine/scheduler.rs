//! The ECS service scheduler: keeps the desired count, runs rolling
//! deployments within minimum-healthy / maximum percent, throttles launches
//! after failures, counts `failedTasks`, trips the deployment circuit breaker
//! (with rollback), and writes the service events in AWS wording.

use super::messages as m;
use super::{Ev, Sim, StopCause};
use crate::time::{Millis, HOUR, MINUTE, SECOND};
use crate::world::{Deployment, RolloutState, ServiceEvent, TaskStatus, MAX_SERVICE_EVENTS};

// The service throttle. AWS, "Amazon ECS service throttle logic" (ECS
// Developer Guide, service-throttle-logic.html) [V]:
//   "If tasks for a service repeatedly fail to enter the RUNNING state
//   (progressing directly from a PENDING to a STOPPED status), then the time
//   between subsequent restart attempts is incrementally increased up to a
//   maximum of 27 minutes. [...] If you update your service to use a new task
//   definition, your service returns to a normal, non-throttled state
//   immediately. [...] Tasks that are stopped after they reach the RUNNING
//   state don't start the throttle logic or the associated service event
//   message."
// The maximum is [V]; when the throttle begins and the size of each step are
// not documented: the steps below are [I].

/// [V] The longest wait between launch attempts of a throttled service.
pub const THROTTLE_MAX: Millis = 27 * MINUTE;

/// [I] Consecutive failed launch attempts after which the throttle begins (and
/// ECS says it cannot consistently start tasks): the first retries are not delayed.
pub const THROTTLE_FROM: u32 = 3;

/// [I] The waits of a throttled service, one per further failed attempt,
/// growing step by step to [`THROTTLE_MAX`] (AWS documents only "incrementally
/// increased up to a maximum of 27 minutes", not the steps).
const THROTTLE_STEPS: [Millis; 8] = [
    MINUTE,
    2 * MINUTE,
    3 * MINUTE,
    5 * MINUTE,
    8 * MINUTE,
    13 * MINUTE,
    21 * MINUTE,
    THROTTLE_MAX,
];

/// The wait before the next launch after `n` consecutive failed launch
/// attempts (a batch of tasks launched together is one attempt): none before
/// [`THROTTLE_FROM`], then [`THROTTLE_STEPS`], at most [`THROTTLE_MAX`].
pub fn launch_backoff(n: u32) -> Millis {
    if n < THROTTLE_FROM {
        return 0;
    }
    let i = ((n - THROTTLE_FROM) as usize).min(THROTTLE_STEPS.len() - 1);
    THROTTLE_STEPS[i].min(THROTTLE_MAX)
}

/// The service quota that bounds Fargate On-Demand vCPUs (Service Quotas,
/// service code `fargate`).
pub const QUOTA_VCPU: &str = "L-3032A538";

/// [I] Period of the scheduler's passes over a service.
pub const SCHEDULER_PASS: Millis = 5 * SECOND;

/// [I] ECS repeats "has reached a steady state." about every six hours.
const STEADY_REPEAT: Millis = 6 * HOUR;

/// [V] Circuit breaker threshold: 0.5 x desired count, at least 3, at most 200.
pub fn circuit_breaker_threshold(desired: u32) -> u32 {
    desired.div_ceil(2).clamp(3, 200)
}

impl Sim {
    /// Writes a service event (newest first, at most 100 kept).
    pub(super) fn service_event(&mut self, cluster: &str, service: &str, message: String) {
        let id = self.world.rng.uuid();
        let now = self.now;
        if self.trace_on {
            self.trace.push((now, format!("event {message}")));
        }
        if let Some(svc) = self.world.service_mut(cluster, service) {
            svc.events.push_front(ServiceEvent {
                id,
                created_at: now,
                message,
            });
            svc.events.truncate(MAX_SERVICE_EVENTS);
        }
    }

    /// Asks for a scheduler pass over a service at `at` (coalesced).
    pub(super) fn poke_service(&mut self, cluster: &str, service: &str, at: Millis) {
        // The scheduler looks at a service in passes, not on every change [I]:
        // changes within one pass period are handled together.
        let at = at.max(self.now);
        let at = (at + SCHEDULER_PASS - 1) / SCHEDULER_PASS * SCHEDULER_PASS;
        let Some(svc) = self.world.service_mut(cluster, service) else {
            return;
        };
        if svc.sched.tick_at.is_some_and(|t| t <= at) {
            return;
        }
        svc.sched.tick_at = Some(at);
        let key = Box::new((cluster.to_string(), service.to_string()));
        self.schedule(at, Ev::Service(key));
    }

    /// Starts a new deployment of the service's current task definition and
    /// network configuration (UpdateService with a change, or a forced one).
    pub(super) fn new_deployment(&mut self, cluster: &str, service: &str) -> Option<String> {
        let id = self.world.rng.deployment_id();
        let now = self.now;
        let svc = self.world.service_mut(cluster, service)?;
        // [V] A new task definition returns a throttled service to normal at
        // once. A deployment of the same task definition (forced, or a new
        // network configuration) keeps the throttle [I: AWS names only a new
        // task definition].
        let new_task_definition = svc
            .deployments
            .first()
            .is_none_or(|d| d.task_definition != svc.task_definition);
        for d in svc.deployments.iter_mut() {
            d.status = "ACTIVE".into();
            d.updated_at = now;
        }
        let dep = Deployment {
            id: id.clone(),
            status: "PRIMARY".into(),
            task_definition: svc.task_definition.clone(),
            desired_count: svc.desired_count,
            failed_tasks: 0,
            had_running: false,
            network: svc.network.clone(),
            created_at: now,
            updated_at: now,
            rollout_state: RolloutState::InProgress,
            rollout_state_reason: m::rollout_in_progress(&id),
        };
        svc.deployments.insert(0, dep);
        if new_task_definition {
            svc.sched.reset_throttle(now);
        }
        self.note(|| format!("deployment {id} of {service}"));
        self.poke_service(cluster, service, now);
        Some(id)
    }

    pub(super) fn on_task_running(&mut self, id: &str) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        let (cluster, dep) = (t.cluster.clone(), t.started_by.clone());
        let Some(service) = t.service.clone() else {
            return;
        };
        let now = self.now;
        if let Some(svc) = self.world.service_mut(&cluster, &service) {
            // [I] A task that reaches RUNNING ends a run of failed launches:
            // the throttle counts launches that fail "repeatedly".
            svc.sched.reset_throttle(now);
            if let Some(d) = svc.deployments.iter_mut().find(|d| d.id == dep) {
                // [V] "Once a service deployment has one or more successfully running
                // tasks, the failed task count resets to zero and stops being evaluated."
                d.failed_tasks = 0;
                d.had_running = true;
            }
        }
        self.poke_service(&cluster, &service, self.now);
    }

    /// Failure accounting and events when a service's task begins to stop.
    pub(super) fn on_task_stopping(&mut self, id: &str) {
        /// What a stop means for the service.
        enum Failure {
            /// Not a failure (the scheduler or a person stopped it).
            None,
            /// It never started: the event says why (the text is made while the task is at hand).
            ToStart(String),
            /// Health checks failed: the next launch says it replaced it.
            Unhealthy,
            /// It ran, then stopped by itself.
            Stopped,
        }
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        let Some(service) = t.service.clone() else {
            return;
        };
        let failure = match &t.stop_cause {
            None | Some(StopCause::Scheduler) | Some(StopCause::User) => Failure::None,
            Some(c) if c.failed_to_start() => {
                let reason = t.stopped_reason.as_deref().unwrap_or_default();
                Failure::ToStart(m::unable_to_place(&service, reason))
            }
            Some(StopCause::ElbHealth { .. }) | Some(StopCause::ContainerHealth { .. }) => {
                Failure::Unhealthy
            }
            Some(_) => Failure::Stopped,
        };
        let cluster = t.cluster.clone();
        let dep_id = (!matches!(failure, Failure::None)).then(|| t.started_by.clone());
        // [V] Only a task that went from PENDING to STOPPED counts for the
        // throttle; one that reached RUNNING (OOM, exit, health checks) does not.
        // Tasks launched together are one attempt: the attempt is its launch instant.
        let attempt = matches!(failure, Failure::ToStart(_)).then_some(t.created_at);
        let now = self.now;
        match failure {
            Failure::None => {}
            Failure::ToStart(event) => self.service_event(&cluster, &service, event),
            Failure::Unhealthy => {
                if let Some(svc) = self.world.service_mut(&cluster, &service) {
                    svc.sched.unhealthy_to_replace += 1;
                }
            }
            Failure::Stopped => self.service_event(
                &cluster,
                &service,
                m::stopped_running_tasks(&service, &[id.to_string()]),
            ),
        }
        if let Some(dep_id) = dep_id {
            self.count_failure(&cluster, &service, Some(&dep_id), attempt);
        }
        self.poke_service(&cluster, &service, now);
    }

    /// Counts a failed task of deployment `dep_id` for the circuit breaker
    /// and, when it failed to launch, its launch attempt (the instant the
    /// attempt launched) for the throttle.
    fn count_failure(
        &mut self,
        cluster: &str,
        service: &str,
        dep_id: Option<&str>,
        launch_attempt: Option<Millis>,
    ) {
        let now = self.now;
        let Some(svc) = self.world.service_mut(cluster, service) else {
            return;
        };
        let mut announce = false;
        // A batch of tasks launched together fails as one attempt: only the
        // first of its tasks to stop counts.
        if let Some(at) = launch_attempt.filter(|at| svc.sched.last_failed_attempt < Some(*at)) {
            svc.sched.last_failed_attempt = Some(at);
            svc.sched.consecutive_failures += 1;
            let n = svc.sched.consecutive_failures;
            svc.sched.next_launch_at = now + launch_backoff(n);
            announce = n >= THROTTLE_FROM && !svc.sched.throttle_announced;
            if announce {
                svc.sched.throttle_announced = true;
            }
        }
        let desired = svc.desired_count;
        let cb = svc.deployment_config.circuit_breaker;
        let mut tripped = None;
        if let Some(dep) = svc
            .deployments
            .iter_mut()
            .find(|d| Some(d.id.as_str()) == dep_id || (dep_id.is_none() && d.status == "PRIMARY"))
        {
            if !dep.had_running {
                dep.failed_tasks += 1;
            }
            dep.updated_at = now;
            if cb.enable
                && dep.status == "PRIMARY"
                && dep.rollout_state == RolloutState::InProgress
                && dep.failed_tasks >= circuit_breaker_threshold(desired)
            {
                dep.rollout_state = RolloutState::Failed;
                dep.rollout_state_reason = m::ROLLOUT_CIRCUIT_BREAKER.into();
                tripped = Some(dep.id.clone());
            }
        }
        if announce {
            self.service_event(cluster, service, m::unable_to_consistently_start(service));
        }
        if let Some(failed_id) = tripped {
            self.service_event(cluster, service, m::deployment_failed(service, &failed_id));
            if cb.rollback {
                self.roll_back(cluster, service, &failed_id);
            }
        }
    }

    fn roll_back(&mut self, cluster: &str, service: &str, failed_id: &str) {
        // [V] The service returns to the last deployment that completed successfully.
        let Some(svc) = self.world.service_mut(cluster, service) else {
            return;
        };
        let Some((td, network)) = svc.sched.last_completed.clone() else {
            return;
        };
        svc.task_definition = td;
        svc.network = network;
        let Some(new_id) = self.new_deployment(cluster, service) else {
            return;
        };
        self.service_event(cluster, service, m::rolling_back(service, &new_id));
        let failed_tasks: Vec<String> = self
            .world
            .tasks
            .values()
            .filter(|t| t.is_live() && t.started_by == failed_id)
            .map(|t| t.id.clone())
            .collect();
        for t in failed_tasks {
            self.stop_task(
                &t,
                "ServiceSchedulerInitiated",
                m::scaling_activity(&new_id),
                StopCause::Scheduler,
            );
        }
    }

    /// The service's tasks whose desired status is RUNNING.
    pub(super) fn live_tasks<'a>(
        &'a self,
        cluster: &str,
        service: &str,
    ) -> impl Iterator<Item = &'a crate::world::Task> + 'a {
        self.world
            .service(cluster, service)
            .into_iter()
            .flat_map(|s| s.sched.live.iter())
            .filter_map(|id| self.world.tasks.get(id))
    }

    /// Running, not being stopped, its container health checks passed and its targets healthy.
    fn healthy(&self, t: &crate::world::Task) -> bool {
        if t.last_status != TaskStatus::Running || !t.is_live() || t.health_status == "UNHEALTHY" {
            return false;
        }
        if t.run.container_checks && t.health_status != "HEALTHY" {
            return false;
        }
        t.run.targets.iter().all(|(tg, port)| {
            self.world
                .target_groups
                .get(tg)
                .and_then(|g| {
                    g.targets
                        .iter()
                        .find(|x| x.task_id == t.id && x.port == *port)
                })
                .is_some_and(|x| x.state == "healthy")
        })
    }

    pub(super) fn service_tick(&mut self, cluster: &str, service: &str) {
        let now = self.now;
        let Some(svc) = self.world.service_mut(cluster, service) else {
            return;
        };
        if svc.sched.tick_at.is_some_and(|t| t <= now) {
            svc.sched.tick_at = None;
        }
        let Some(primary) = svc.deployments.first().cloned() else {
            return;
        };
        let desired = svc.desired_count;
        let config = svc.deployment_config;
        let next_launch_at = svc.sched.next_launch_at;
        // One pass over the live tasks (a service may have thousands) counts
        // what the pass decides from, and the live tasks per Availability
        // Zone a launch spreads over (good as long as nothing is stopped
        // meanwhile). Their ids are collected only when some must be stopped.
        let mut per_az = self.zones_of(&primary.network.subnets);
        let (mut live_n, mut primary_n, mut primary_healthy, mut healthy_total) = (0u32, 0, 0, 0);
        for t in self.live_tasks(cluster, service) {
            if let Some(z) = per_az.iter_mut().find(|z| z.0 == t.az) {
                z.1 += 1;
            }
            let (of_primary, healthy) = (t.started_by == primary.id, self.healthy(t));
            live_n += 1;
            primary_n += u32::from(of_primary);
            primary_healthy += u32::from(of_primary && healthy);
            healthy_total += u32::from(healthy);
        }
        let any_old = primary_n < live_n;
        // (task id, of the primary deployment, healthy, last status)
        let live: Vec<(std::sync::Arc<str>, bool, bool, TaskStatus)> =
            if any_old || primary_n > desired {
                self.live_tasks(cluster, service)
                    .map(|t| {
                        (
                            // The shared handle: no copy of the id per task.
                            t.run.handle.clone().unwrap_or_else(|| t.id.as_str().into()),
                            t.started_by == primary.id,
                            self.healthy(t),
                            t.last_status,
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
        let mut stopped_any = false;
        let mut total_live = live_n;

        // Scale in: the primary has more than desired.
        if primary_n > desired {
            let mut extra: Vec<&(std::sync::Arc<str>, bool, bool, TaskStatus)> =
                live.iter().filter(|t| t.1).collect();
            extra.sort_by_key(|t| (t.2, t.3 == TaskStatus::Running));
            let n = (primary_n - desired) as usize;
            let ids: Vec<String> = extra.iter().take(n).map(|t| t.0.to_string()).collect();
            for id in &ids {
                self.stop_task(
                    id,
                    "ServiceSchedulerInitiated",
                    m::scaling_activity(&primary.id),
                    StopCause::Scheduler,
                );
            }
            if !ids.is_empty() {
                stopped_any = true;
                self.service_event(cluster, service, m::stopped_running_tasks(service, &ids));
            }
            total_live -= n as u32;
        }

        // Drain older deployments within minimum healthy percent.
        let min_healthy = (desired * config.minimum_healthy_percent).div_ceil(100);
        let mut old: Vec<&(std::sync::Arc<str>, bool, bool, TaskStatus)> =
            live.iter().filter(|t| !t.1).collect();
        old.sort_by_key(|t| t.2);
        let mut stopped_old = Vec::new();
        for t in old {
            if !t.2 {
                stopped_old.push(t.0.to_string());
            } else if healthy_total > min_healthy {
                healthy_total -= 1;
                stopped_old.push(t.0.to_string());
            }
        }
        let mut stopped_old_running = Vec::new();
        stopped_any |= !stopped_old.is_empty();
        for id in &stopped_old {
            let running = self
                .world
                .tasks
                .get(id)
                .is_some_and(|t| t.last_status == TaskStatus::Running);
            self.stop_task(
                id,
                "ServiceSchedulerInitiated",
                m::scaling_activity(&primary.id),
                StopCause::Scheduler,
            );
            if running {
                stopped_old_running.push(id.clone());
            }
            total_live = total_live.saturating_sub(1);
        }
        if !stopped_old_running.is_empty() {
            self.service_event(
                cluster,
                service,
                m::stopped_running_tasks(service, &stopped_old_running),
            );
        }

        // Launch toward the desired count.
        let max_total = ((desired * config.maximum_percent) / 100).max(desired.min(1));
        let primary_count = primary_n.min(desired);
        let want = desired.saturating_sub(primary_count);
        let room = max_total.saturating_sub(total_live);
        let n = want.min(room);
        // How many tasks the launch created, when it did nothing else.
        let mut launched = Some(0);
        if n > 0 && primary.rollout_state != RolloutState::Failed {
            if now < next_launch_at {
                self.poke_service(cluster, service, next_launch_at);
            } else {
                let per_az = (!stopped_any).then_some(per_az.as_slice());
                launched = self.launch(cluster, service, &primary, n, per_az);
            }
        }

        // Deployment completion and steady state.
        let (mut live_old, mut primary_live_now) = (false, 0u32);
        let mut old_counts: std::collections::BTreeMap<String, u32> = Default::default();
        match launched {
            // Only the primary's tasks, and only added to: no need to look again.
            Some(started) if !stopped_any && !any_old => {
                primary_live_now = primary_n + started as u32;
            }
            _ => {
                for t in self.live_tasks(cluster, service) {
                    if t.started_by == primary.id {
                        primary_live_now += 1;
                    } else {
                        live_old = true;
                        *old_counts.entry(t.started_by.clone()).or_default() += 1;
                    }
                }
            }
        }
        let mut events = Vec::new();
        // Stopped tasks still draining keep the deployment open.
        let draining = !live_old && self.service_draining(cluster, service);
        let Some(svc) = self.world.service_mut(cluster, service) else {
            return;
        };
        if !live_old && svc.deployments.len() > 1 {
            svc.deployments.truncate(1);
        }
        // An older deployment's desired count shrinks as its tasks are replaced.
        for d in svc.deployments.iter_mut().skip(1) {
            let n = old_counts.get(&d.id).copied().unwrap_or(0);
            if n < d.desired_count {
                d.desired_count = n;
                d.updated_at = now;
            }
        }
        let done =
            !live_old && !draining && primary_healthy == desired && primary_live_now == desired;
        if let Some(p) = svc.deployments.first_mut() {
            if done && p.rollout_state == RolloutState::InProgress {
                p.rollout_state = RolloutState::Completed;
                p.rollout_state_reason = m::rollout_completed(&p.id);
                p.updated_at = now;
                events.push(m::deployment_completed(service, &p.id));
                svc.sched.last_completed = Some((p.task_definition.clone(), p.network.clone()));
            }
        }
        let steady = done
            && svc.deployments.len() == 1
            && svc.deployments[0].rollout_state == RolloutState::Completed;
        let mut repeat_at = None;
        if steady {
            let say = !svc.sched.steady
                || svc
                    .sched
                    .last_steady_event
                    .is_some_and(|t| now >= t + STEADY_REPEAT);
            if !svc.sched.steady {
                svc.sched.steady_since = Some(now);
                svc.sched.reset_throttle(now);
            }
            svc.sched.steady = true;
            if say {
                svc.sched.last_steady_event = Some(now);
                events.push(m::steady_state(service));
            }
            repeat_at = svc.sched.last_steady_event.map(|t| t + STEADY_REPEAT);
        } else {
            svc.sched.steady = false;
            svc.sched.steady_since = None;
        }
        for e in events {
            self.service_event(cluster, service, e);
        }
        if let Some(at) = repeat_at {
            self.poke_service(cluster, service, at);
        }
    }

    /// The distinct Availability Zones of `subnets`, each with a count of 0.
    fn zones_of(&self, subnets: &[String]) -> Vec<(String, usize)> {
        let mut zones: Vec<(String, usize)> = Vec::new();
        for s in subnets {
            if let Some(sub) = self.world.subnets.get(s) {
                if !zones.iter().any(|z| z.0 == sub.az) {
                    zones.push((sub.az.clone(), 0));
                }
            }
        }
        zones
    }

    /// How many of `n` new tasks of `cpu` units fit in the account's Fargate
    /// On-Demand vCPU quota (`L-3032A538`): the vCPUs of every task of the
    /// account (the region) that is not STOPPED, plus theirs, stay within it
    /// (the quota counts "Fargate vCPUs running concurrently as Fargate
    /// On-Demand"; a task holds its vCPUs from PROVISIONING until STOPPED [I]).
    fn vcpu_room(&self, cpu: u32, n: u32) -> u32 {
        // In 1024ths of a vCPU, as task definitions give cpu.
        let limit = (self.world.quota_value(QUOTA_VCPU).max(0.0) * 1024.0) as u64;
        // No count of tasks the account holds could reach it (16 vCPUs is
        // the largest Fargate task): no need to add them up.
        let bound = (self.world.tasks.len() as u64 + u64::from(n)) * 16 * 1024;
        if bound <= limit {
            return n;
        }
        let used: u64 = self
            .world
            .tasks
            .values()
            .filter(|t| t.last_status != TaskStatus::Stopped)
            .map(|t| t.cpu.parse::<u64>().unwrap_or(0))
            .sum();
        let free = limit.saturating_sub(used);
        (free / u64::from(cpu.max(1))).min(u64::from(n)) as u32
    }

    /// The quota has no room for (some of) the tasks the service wants: the
    /// service says it could not place a task and tries again at its next
    /// pass. A launch that placed nothing (`dep_id`, the deployment it was
    /// for) counts as a failed launch attempt, so the retries follow the
    /// service throttle as every launch that creates no task does (see
    /// `launch_backoff`) [I: AWS does not document how often a service
    /// retries a placement the quota refuses].
    fn quota_reached(&mut self, cluster: &str, service: &str, dep_id: Option<&str>) {
        let quota = self.world.quota_value(QUOTA_VCPU) as u32;
        self.service_event(cluster, service, m::unable_to_place(service, m::VCPU_LIMIT));
        if let Some(svc) = self.world.service_mut(cluster, service) {
            svc.sched.launch_failure = Some(StopCause::VcpuLimit { quota });
        }
        if dep_id.is_some() {
            self.count_failure(cluster, service, dep_id, Some(self.now));
        }
        let next = self
            .world
            .service(cluster, service)
            .map(|s| s.sched.next_launch_at)
            .unwrap_or(self.now)
            .max(self.now + SCHEDULER_PASS);
        self.poke_service(cluster, service, next);
    }

    /// Launches up to `n` tasks of `dep`. `per_az` is the service's live tasks
    /// per zone of `dep`'s subnets, when the caller counted them already.
    /// Returns how many tasks were created, or None when the launch failed
    /// (and counted a failure, which may have rolled the service back).
    fn launch(
        &mut self,
        cluster: &str,
        service: &str,
        dep: &Deployment,
        n: u32,
        per_az: Option<&[(String, usize)]>,
    ) -> Option<usize> {
        // Execution and task roles must be assumable by ecs-tasks, or no task is created.
        let td = self
            .world
            .task_definition_shared(&dep.task_definition)
            .cloned();
        let Some(td) = td else { return Some(0) };
        for role_arn in [&td.def.execution_role_arn, &td.def.task_role_arn]
            .into_iter()
            .flatten()
        {
            let ok = self
                .world
                .role_by_arn(role_arn)
                .is_some_and(|r| r.trust.trusts_service("ecs-tasks.amazonaws.com"));
            if !ok {
                let msg = m::failed_to_launch(service, &m::unable_to_assume(role_arn));
                self.service_event(cluster, service, msg);
                let role = role_arn.rsplit('/').next().unwrap_or(role_arn).to_string();
                if let Some(svc) = self.world.service_mut(cluster, service) {
                    svc.sched.launch_failure = Some(StopCause::RoleNotAssumable { role });
                }
                // No task was created: the attempt is this pass.
                self.count_failure(cluster, service, Some(&dep.id), Some(self.now));
                // Not before the next pass, even when the throttle has not begun.
                let next = self
                    .world
                    .service(cluster, service)
                    .map(|s| s.sched.next_launch_at)
                    .unwrap_or(self.now)
                    .max(self.now + SCHEDULER_PASS);
                self.poke_service(cluster, service, next);
                return None;
            }
        }
        // The account's Fargate On-Demand vCPU quota: what does not fit is
        // not placed, and the service says so (see `vcpu_room`).
        let fits = self.vcpu_room(td.cpu(), n);
        if fits == 0 {
            self.quota_reached(cluster, service, Some(&dep.id));
            return None;
        }
        let short = fits < n;
        let n = fits;
        // Spread over Availability Zones: each task goes to the AZ with the
        // fewest live tasks of the service, ties by chance.
        let counted;
        let per_az = match per_az {
            Some(c) => c,
            None => {
                let mut zones = self.zones_of(&dep.network.subnets);
                for t in self.live_tasks(cluster, service) {
                    if let Some(z) = zones.iter_mut().find(|z| z.0 == t.az) {
                        z.1 += 1;
                    }
                }
                counted = zones;
                &counted
            }
        };
        // (subnet, its AZ, live tasks in that AZ)
        let mut per_subnet: Vec<(String, String, usize)> = dep
            .network
            .subnets
            .iter()
            .filter_map(|s| {
                let az = &self.world.subnets.get(s)?.az;
                let n = per_az.iter().find(|z| &z.0 == az).map_or(0, |z| z.1);
                Some((s.clone(), az.clone(), n))
            })
            .collect();
        // Room for them all at once (a service of thousands starts thousands).
        self.world.tasks.reserve(n as usize);
        let mut started = Vec::new();
        for _ in 0..n {
            let Some(min) = per_subnet.iter().map(|c| c.2).min() else {
                break;
            };
            let tied: Vec<usize> = (0..per_subnet.len())
                .filter(|i| per_subnet[*i].2 == min)
                .collect();
            let Some(&pick) = self.world.rng.pick(&tied) else {
                break;
            };
            let (subnet, az) = (per_subnet[pick].0.clone(), per_subnet[pick].1.clone());
            for c in per_subnet.iter_mut().filter(|c| c.1 == az) {
                c.2 += 1;
            }
            if let Some(id) = self.create_task(cluster, service, dep, &td, &subnet) {
                started.push(id);
            }
        }
        if started.is_empty() {
            return Some(0);
        }
        if let Some(svc) = self.world.service_mut(cluster, service) {
            svc.sched.launch_failure = None;
        }
        let replaced = self
            .world
            .service_mut(cluster, service)
            .map(|s| std::mem::take(&mut s.sched.unhealthy_to_replace))
            .unwrap_or(0);
        let msg = if replaced > 0 {
            m::started_tasks_replaced_unhealthy(service, &started, replaced.min(started.len()))
        } else {
            m::started_tasks(service, &started)
        };
        self.service_event(cluster, service, msg);
        if short {
            // Placed what fitted; the rest waits for the next pass.
            self.quota_reached(cluster, service, None);
        }
        Some(started.len())
    }
}
