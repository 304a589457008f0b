//! Containers start and run: target registration while ACTIVATING, then
//! logs, memory, exits and container health checks.

use super::{next_step_event, parse_image, stream_name, ImageRef};
use crate::engine::messages as m;
use crate::engine::{Sim, Step, StopCause};
use crate::time::{Millis, SECOND};
use crate::world::{concat, Decision, LogEvent, PlannedExit, TaskStatus};

/// [I] target registration while ACTIVATING.
const ACTIVATE: (i64, i64) = (3 * SECOND, 6 * SECOND);

/// A task's service (cluster, name) and its load balancers (target group, container port).
struct ServiceLbs {
    cluster: String,
    name: String,
    lbs: Vec<(String, u16)>,
}

impl Sim {
    /// Containers start; ACTIVATING while targets register, then RUNNING.
    pub(super) fn step_activate(&mut self, id: &str) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        let first = t.started_at.is_none();
        let svc = self.load_balancers_of(id);
        if first {
            self.start_containers(id);
            if svc.as_ref().is_some_and(|s| !s.lbs.is_empty()) {
                self.set_status(id, TaskStatus::Activating);
                let d = self.rand(ACTIVATE);
                self.arm_task(id, self.now + d);
                return;
            }
        }
        if let Some(svc) = svc.filter(|s| !s.lbs.is_empty()) {
            self.register_targets(id, &svc.cluster, &svc.name, svc.lbs);
        }
        self.set_status(id, TaskStatus::Running);
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.step = Step::Running;
        }
        self.on_task_running(id);
        self.plan_running(id);
    }

    fn start_containers(&mut self, id: &str) {
        let Some(td) = self.td_of(id) else { return };
        let now = self.now;
        let task_mem = td.memory();
        let arch = td.architecture();
        let registry = self.world.registry();
        let mut exit: Option<PlannedExit> = None;
        let mut health: Option<(usize, bool, Millis)> = None;
        let mut logs = Vec::new();
        let mut memory = Vec::new();
        let mut ready_at = now;
        for (i, c) in td.def.container_definitions.iter().enumerate() {
            let profile_name = match parse_image(&registry, &c.image) {
                ImageRef::Ecr { repo, tag } => self
                    .world
                    .repositories
                    .get(&repo)
                    .and_then(|r| {
                        r.images.iter().find(|im| {
                            im.tags.contains(&tag)
                                || tag
                                    .strip_prefix("sha256:")
                                    .is_some_and(|d| im.digest.ends_with(d))
                        })
                    })
                    .map(|im| (im.profile.clone(), im.platforms.clone(), im.is_index)),
                ImageRef::Public { name, .. } => {
                    Some((name, vec!["linux/amd64".into(), "linux/arm64".into()], true))
                }
            };
            let Some((pname, platforms, is_index)) = profile_name else {
                continue;
            };
            let Some(profile) = self.world.profiles.get(&pname) else {
                continue;
            };
            let stream = c.awslogs().map(|o| {
                (
                    o.get("awslogs-group").cloned().unwrap_or_default(),
                    stream_name(
                        o.get("awslogs-stream-prefix").map(|s| s.as_str()),
                        &c.name,
                        id,
                    ),
                )
            });
            let mut push_log = |at: Millis, line: String| {
                if let Some((g, s)) = &stream {
                    logs.push((at, g.clone(), s.clone(), line));
                }
            };
            let want = if arch == "ARM64" {
                "linux/arm64"
            } else {
                "linux/amd64"
            };
            let mut my_exit: Option<(i32, Option<String>, StopCause, Millis)> = None;
            if !is_index && !platforms.iter().any(|p| p == want) {
                let at = now + 200;
                push_log(at, m::exec_format_error(&profile.entrypoint));
                my_exit = Some((
                    1,
                    None,
                    StopCause::ExecFormat {
                        container: c.name.clone(),
                    },
                    at + 100,
                ));
            } else {
                let env_names: Vec<&str> = c
                    .environment
                    .iter()
                    .map(|e| e.name.as_str())
                    .chain(c.secrets.iter().map(|s| s.name.as_str()))
                    .collect();
                if let Some(missing) = profile
                    .requires_env
                    .iter()
                    .find(|n| !env_names.contains(&n.as_str()))
                {
                    for l in profile.logs.iter().filter(|l| l.after.0 < 800) {
                        push_log(now + l.after.0, l.line.clone());
                    }
                    let at = now + 800;
                    push_log(at, profile.missing_env_log.replace("{name}", missing));
                    my_exit = Some((
                        1,
                        None,
                        StopCause::MissingEnv {
                            container: c.name.clone(),
                            name: missing.clone(),
                        },
                        at + 200,
                    ));
                } else if let Some((call, line)) =
                    self.denied_app_call(profile, td.def.task_role_arn.as_deref(), id)
                {
                    // The application's own AWS calls use the task role; a denial is fatal at start.
                    for l in profile.logs.iter().filter(|l| l.after.0 < call.after.0) {
                        push_log(now + l.after.0, l.line.clone());
                    }
                    let at = now + call.after.0;
                    push_log(at, line);
                    my_exit = Some((
                        1,
                        None,
                        StopCause::AppAccessDenied {
                            container: c.name.clone(),
                            action: call.action.clone(),
                        },
                        at + 300,
                    ));
                } else {
                    let limit = c.memory.unwrap_or(task_mem);
                    // Traffic differs from task to task: memory grows a little faster or slower [I].
                    let mut curve = profile.memory.clone();
                    curve.growth_per_minute *= 0.85 + self.world.rng.below(31) as f64 / 100.0;
                    let oom_at = curve.exceeds_at(limit).map(|u| now + u.max(500));
                    memory.push((i, curve.clone(), limit));
                    for l in &profile.logs {
                        if oom_at.is_none_or(|o| now + l.after.0 < o) {
                            push_log(now + l.after.0, l.line.clone());
                        }
                    }
                    if let Some(at) = oom_at {
                        my_exit = Some((
                            137,
                            Some(m::OOM_REASON.to_string()),
                            StopCause::OutOfMemory {
                                container: c.name.clone(),
                                limit_mib: limit,
                            },
                            at,
                        ));
                    }
                    ready_at = ready_at.max(now + profile.startup.0);
                    if let Some(hc) = &c.health_check {
                        let cmd = hc.command.join(" ");
                        let port_ok = profile.port.is_none_or(|p| {
                            !cmd.contains("localhost:") || cmd.contains(&format!("localhost:{p}"))
                        });
                        let ok =
                            port_ok && (cmd.contains(&profile.health_path) || !cmd.contains('/'));
                        let interval = hc.interval.max(5) as i64 * SECOND;
                        let at = if ok {
                            let first = now + interval;
                            let mut at = first;
                            while at < now + profile.startup.0 {
                                at += interval;
                            }
                            at
                        } else {
                            now + hc.start_period as i64 * SECOND
                                + hc.retries.max(1) as i64 * interval
                        };
                        if health.is_none_or(|(_, _, h)| at < h) {
                            health = Some((i, ok, at));
                        }
                    }
                }
            }
            if let Some((code, reason, cause, at)) = my_exit {
                if c.essential && exit.as_ref().is_none_or(|e| at < e.at) {
                    exit = Some(PlannedExit {
                        container: i,
                        code,
                        reason,
                        cause,
                        at,
                    });
                }
            }
        }
        logs.sort_by_key(|l| l.0);
        let t = match self.world.tasks.get_mut(id) {
            Some(t) => t,
            None => return,
        };
        t.started_at = Some(now);
        let runtime = (1_000_000_000u64 + (now as u64 % 9_000_000_000)).to_string();
        for c in t.containers.iter_mut() {
            c.last_status = "RUNNING".into();
            c.runtime_id = Some(concat(&[id, "-", &runtime]));
        }
        t.run.ready_at = Some(ready_at);
        t.run.exit = exit.map(Box::new);
        t.run.health = health;
        t.run.container_checks = td
            .def
            .container_definitions
            .iter()
            .any(|c| c.health_check.is_some());
        t.run.pending_logs = logs;
        t.run.memory = memory;
        t.version += 1;
        self.note(|| format!("task {id} containers started"));
    }

    /// The first AWS call of the application that its task role may not make,
    /// with the line the SDK logs for it.
    fn denied_app_call(
        &self,
        profile: &crate::world::AppProfile,
        task_role: Option<&str>,
        task_id: &str,
    ) -> Option<(crate::world::AppAwsCall, String)> {
        for call in &profile.aws_calls {
            let resource = call
                .resource
                .replace("${account}", &self.world.account)
                .replace("${region}", &self.world.region);
            let line = match task_role {
                // [I] the AWS SDK's error when a container has no credentials at all.
                None => call.log.replace(
                    "{error}",
                    "failed to refresh cached credentials, no EC2 IMDS role found",
                ),
                Some(arn) => {
                    let d = self.world.role_allows(arn, &call.action, &resource);
                    if d == Decision::Allow {
                        continue;
                    }
                    let role = arn.rsplit('/').next().unwrap_or(arn);
                    let why = if d == Decision::ExplicitDeny {
                        "with an explicit deny in an identity-based policy".to_string()
                    } else {
                        format!(
                            "because no identity-based policy allows the {} action",
                            call.action
                        )
                    };
                    // [I] the application logs the SDK's AccessDenied error as it receives it.
                    let error = format!(
                        "User: {} is not authorized to perform: {} on resource: {resource} {why}",
                        m::assumed_role(&self.world.account, role, task_id),
                        call.action
                    );
                    call.log.replace("{error}", &error)
                }
            };
            return Some((call.clone(), line));
        }
        None
    }

    /// Schedules the next thing a running task will do by itself.
    fn plan_running(&mut self, id: &str) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        let next = [
            t.run.pending_logs.first().map(|l| l.0),
            t.run.exit.as_ref().map(|e| e.at),
            t.run.health.as_ref().map(|h| h.2),
        ]
        .into_iter()
        .flatten()
        .min();
        if let Some(at) = next {
            let ev = next_step_event(t);
            self.schedule(at, ev);
        }
    }

    pub(super) fn step_running(&mut self, id: &str) {
        let now = self.now;
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        let due: Vec<_> = {
            let n = t.run.pending_logs.iter().take_while(|l| l.0 <= now).count();
            t.run.pending_logs.drain(..n).collect()
        };
        for (at, group, stream, line) in due {
            if let Some(s) = self
                .world
                .log_groups
                .get_mut(&group)
                .and_then(|g| g.streams.get_mut(&stream))
            {
                s.events.push(LogEvent {
                    timestamp: at,
                    message: line,
                    ingestion_time: at + 200,
                });
            }
        }
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        if let Some((i, ok, at)) = t.run.health {
            if at <= now {
                t.run.health = None;
                let status = if ok { "HEALTHY" } else { "UNHEALTHY" };
                if let Some(c) = t.containers.get_mut(i) {
                    c.health_status = status.into();
                }
                t.health_status = status.into();
                t.version += 1;
                if !ok {
                    let name = t
                        .containers
                        .get(i)
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    let svc = t.service.clone().unwrap_or_default();
                    self.service_event(
                        &t_cluster(&self.world, id),
                        &svc,
                        m::container_health_failed(&svc, id),
                    );
                    self.stop_task(
                        id,
                        "ServiceSchedulerInitiated",
                        m::CONTAINER_HEALTH_FAILED.to_string(),
                        StopCause::ContainerHealth { container: name },
                    );
                    return;
                }
            }
        }
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        if let Some(exit) = t.run.exit.take_if(|e| e.at <= now) {
            let PlannedExit {
                container,
                code,
                reason,
                cause,
                ..
            } = *exit;
            if let Some(c) = t.containers.get_mut(container) {
                c.exit_code = Some(code);
                c.reason = reason;
                c.last_status = "STOPPED".into();
            }
            self.note(|| format!("task {id} essential container exited {code}"));
            self.stop_task(
                id,
                "EssentialContainerExited",
                m::ESSENTIAL_CONTAINER_EXITED.to_string(),
                cause,
            );
            return;
        }
        self.plan_running(id);
    }

    /// The task's service and its load balancers. Only these: a service (its
    /// live set, its events) is too big to copy on every task step.
    fn load_balancers_of(&self, id: &str) -> Option<ServiceLbs> {
        self.service_of(id).map(|s| ServiceLbs {
            cluster: s.cluster.clone(),
            name: s.name.clone(),
            lbs: s
                .load_balancers
                .iter()
                .map(|lb| (lb.target_group_arn.clone(), lb.container_port))
                .collect(),
        })
    }

    fn register_targets(&mut self, id: &str, cluster: &str, name: &str, lbs: Vec<(String, u16)>) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        let ip = t
            .attachment
            .as_ref()
            .map(|a| a.private_ip.clone())
            .unwrap_or_default();
        let az = t.az.clone();
        let mut regs = Vec::new();
        for (tg_arn, port) in lbs {
            if let Some(tg) = self.world.target_groups.get_mut(&tg_arn) {
                tg.targets.retain(|x| x.task_id != id);
                tg.targets.push(crate::world::Target {
                    ip: ip.clone(),
                    port,
                    az: az.clone(),
                    task_id: id.to_string(),
                    state: "initial".into(),
                    reason: Some("Elb.RegistrationInProgress".into()),
                    description: Some(m::TARGET_REGISTERING.into()),
                    ok_streak: 0,
                    fail_streak: 0,
                });
                let msg = m::registered_targets(name, 1, &tg_arn);
                regs.push((tg_arn, port));
                self.service_event(cluster, name, msg);
            }
        }
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.targets = regs.clone();
        }
        if let Some((tg, _)) = regs.first() {
            let interval = self
                .world
                .target_groups
                .get(tg)
                .map(|g| g.health_check.interval)
                .unwrap_or(30);
            self.arm_elb(id, self.now + interval as i64 * SECOND);
        }
    }
}

fn t_cluster(world: &crate::world::World, id: &str) -> String {
    world
        .tasks
        .get(id)
        .map(|t| t.cluster.clone())
        .unwrap_or_default()
}
