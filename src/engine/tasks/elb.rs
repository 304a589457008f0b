//! ELB target health: rounds of health checks against a running task's targets.

use super::{parse_image, ImageRef};
use crate::engine::messages as m;
use crate::engine::{Sim, Step, StopCause};
use crate::time::SECOND;
use crate::world::{parse_ip, EniOwner};

impl Sim {
    /// Checks a running task's targets again from the next interval on (its
    /// target group's health check changed, or a target was registered by hand).
    pub(in crate::engine) fn recheck_targets(&mut self, id: &str) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        if t.run.step != Step::Running || t.run.targets.is_empty() {
            return;
        }
        let interval = t
            .run
            .targets
            .iter()
            .filter_map(|(g, _)| self.world.target_groups.get(g))
            .map(|g| g.health_check.interval)
            .min()
            .unwrap_or(30);
        self.arm_elb(id, self.now + i64::from(interval) * SECOND);
    }

    /// One round of ELB health checks against a task's targets.
    pub(in crate::engine) fn elb_event(&mut self, id: &str, token: u64) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        if t.run.elb_token != token || t.run.step != Step::Running {
            return;
        }
        let targets = t.run.targets.clone();
        let mut next: Option<i64> = None;
        let mut failed: Option<(String, u16, String)> = None;
        for (tg_arn, port) in targets {
            let verdict = self.probe(id, &tg_arn, port);
            let Some(tg) = self.world.target_groups.get_mut(&tg_arn) else {
                continue;
            };
            let hc = tg.health_check.clone();
            let Some(target) = tg
                .targets
                .iter_mut()
                .find(|x| x.task_id == id && x.port == port)
            else {
                continue;
            };
            match verdict {
                Ok(()) => {
                    target.ok_streak += 1;
                    target.fail_streak = 0;
                    if target.ok_streak >= hc.healthy_threshold {
                        target.state = "healthy".into();
                        target.reason = None;
                        target.description = None;
                    } else {
                        target.reason = Some("Elb.InitialHealthChecking".into());
                        target.description = Some(m::TARGET_INITIAL_CHECKS.into());
                    }
                }
                Err((code, desc)) => {
                    target.fail_streak += 1;
                    target.ok_streak = 0;
                    if target.fail_streak >= hc.unhealthy_threshold {
                        target.state = "unhealthy".into();
                        target.reason = Some(code);
                        target.description = Some(desc.clone());
                        failed = Some((tg_arn.clone(), port, desc));
                    } else if target.state == "initial" {
                        target.reason = Some("Elb.InitialHealthChecking".into());
                        target.description = Some(m::TARGET_INITIAL_CHECKS.into());
                    }
                }
            }
            if target.state != "healthy" || target.fail_streak > 0 {
                let at = self.now + hc.interval as i64 * SECOND;
                next = Some(next.map_or(at, |n: i64| n.min(at)));
            }
        }
        // (cluster, name, grace period): not the whole service.
        let svc = self.service_of(id).map(|s| {
            (
                s.cluster.clone(),
                s.name.clone(),
                s.health_check_grace_period,
            )
        });
        if let (Some((tg_arn, port, desc)), Some((cluster, name, grace))) = (failed, svc.as_ref()) {
            let started = self
                .world
                .tasks
                .get(id)
                .and_then(|t| t.started_at)
                .unwrap_or(self.now);
            if self.now >= started + *grace as i64 * SECOND {
                let msg = m::target_unhealthy(name, id, port, &tg_arn, &desc);
                self.service_event(cluster, name, msg);
                self.stop_task(
                    id,
                    "ServiceSchedulerInitiated",
                    m::elb_health_failed(&tg_arn),
                    StopCause::ElbHealth {
                        target_group: tg_arn,
                        reason: desc,
                    },
                );
                return;
            }
        }
        if let Some((cluster, name, _)) = svc {
            self.poke_service(&cluster, &name, self.now);
        }
        if let Some(at) = next {
            self.arm_elb(id, at);
        }
    }

    /// What a load balancer health check against the task gets now.
    fn probe(&self, id: &str, tg_arn: &str, port: u16) -> Result<(), (String, String)> {
        let failed = || {
            (
                "Target.FailedHealthChecks".to_string(),
                m::HEALTH_CHECKS_FAILED.to_string(),
            )
        };
        let timeout = || {
            (
                "Target.Timeout".to_string(),
                m::REQUEST_TIMED_OUT.to_string(),
            )
        };
        let t = self.world.tasks.get(id).ok_or_else(failed)?;
        let tg = self.world.target_groups.get(tg_arn).ok_or_else(failed)?;
        let task_ip = t
            .attachment
            .as_ref()
            .and_then(|a| parse_ip(&a.private_ip))
            .unwrap_or(0);
        let check_port: u16 = if tg.health_check.port == "traffic-port" {
            port
        } else {
            tg.health_check.port.parse().unwrap_or(port)
        };
        // The load balancer must be able to reach the task: its own egress, the task's ingress.
        let reachable = tg
            .load_balancer_arns
            .iter()
            .filter_map(|a| self.world.load_balancers.get(a))
            .any(|lb| {
                let lb_ips: Vec<u32> = self
                    .world
                    .enis
                    .values()
                    .filter(|e| e.owner == EniOwner::LoadBalancer(lb.arn.clone()))
                    .map(|e| e.private_ip)
                    .collect();
                let lb_ip = lb_ips.first().copied().unwrap_or(0);
                let out = lb
                    .security_groups
                    .iter()
                    .filter_map(|g| self.world.security_groups.get(g))
                    .any(|sg| {
                        sg.egress.iter().any(|r| {
                            r.covers_tcp(check_port)
                                && (r.cidrs.iter().any(|c| c.contains(task_ip))
                                    || r.groups.iter().any(|g| t.security_groups.contains(g)))
                        })
                    });
                out && crate::engine::network::ingress_allows(
                    &self.world,
                    &t.security_groups,
                    check_port,
                    lb_ip,
                    &lb.security_groups,
                )
            });
        if !reachable {
            return Err(timeout());
        }
        let td = self
            .world
            .task_definition(&t.task_definition_arn)
            .ok_or_else(failed)?;
        let registry = self.world.registry();
        // The container listening on `port`.
        let c = td
            .def
            .container_definitions
            .iter()
            .find(|c| c.port_mappings.iter().any(|p| p.container_port == port))
            .ok_or_else(failed)?;
        let profile = match parse_image(&registry, &c.image) {
            ImageRef::Ecr { repo, tag } => self
                .world
                .repositories
                .get(&repo)
                .and_then(|r| r.images.iter().find(|i| i.tags.contains(&tag)))
                .and_then(|i| self.world.profiles.get(&i.profile)),
            ImageRef::Public { name, .. } => self.world.profiles.get(&name),
        }
        .ok_or_else(failed)?;
        if profile.port != Some(check_port) {
            return Err(failed());
        }
        if t.run.ready_at.is_none_or(|r| self.now < r) {
            return Err(failed());
        }
        let cpu = if c.cpu > 0 { c.cpu } else { td.cpu() };
        if profile.cpu_units > cpu {
            return Err(timeout());
        }
        if tg.health_check.path != profile.health_path {
            let code = 404;
            let ok = matcher_allows(&tg.health_check.matcher, code);
            if !ok {
                return Err((
                    "Target.ResponseCodeMismatch".into(),
                    m::health_check_codes(code),
                ));
            }
        } else if !matcher_allows(&tg.health_check.matcher, 200) {
            return Err((
                "Target.ResponseCodeMismatch".into(),
                m::health_check_codes(200),
            ));
        }
        Ok(())
    }
}

/// Whether an ELB matcher (`200`, `200-299`, `200,302`) accepts `code`.
pub fn matcher_allows(matcher: &str, code: u16) -> bool {
    matcher.split(',').any(|part| {
        let part = part.trim();
        match part.split_once('-') {
            Some((a, b)) => match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
                (Ok(a), Ok(b)) => a <= code && code <= b,
                _ => false,
            },
            None => part.parse::<u16>() == Ok(code),
        }
    })
}
