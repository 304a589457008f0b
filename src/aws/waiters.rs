//! Waiters: polling an account with read operations until something is
//! observable, as the AWS CLI's `aws ecs wait services-stable` does — the
//! same code over the simulator (time passes by running the engine) and over
//! a real account (time passes by sleeping). Only what a describe call shows
//! is judged, never the simulator's internals, so a waiter proven against
//! the simulator behaves the same against AWS.
//!
//! Two waiters: [`services_stable`] (steady state, held for a while) for
//! `submit`'s verification, and [`symptom`] (texts that must appear in the
//! service's stopped tasks or events) for live mode's wait after injecting a
//! fault. Both poll with a growing delay and stop at a bound.

use super::account::read_request;
use super::{CommandError, Input, Reader};
use crate::time::{Dur, Millis, SECOND};
use serde_json::Value;

/// An account whose time can be waited on.
pub trait Pace: Reader {
    /// The current instant (virtual in the simulator, wall time on AWS).
    fn now_ms(&self) -> Millis;
    /// Lets `d` pass.
    fn pause(&mut self, d: Millis) -> Result<(), String>;
}

impl Pace for crate::engine::Sim {
    fn now_ms(&self) -> Millis {
        self.now()
    }

    fn pause(&mut self, d: Millis) -> Result<(), String> {
        self.run_for(d)
    }
}

/// How often to poll: from `first`, growing by half each time, up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay.
    pub first: Millis,
    /// The longest delay.
    pub max: Millis,
}

impl Default for Backoff {
    /// 5 s growing to 15 s, the AWS CLI waiter's fixed delay.
    fn default() -> Backoff {
        Backoff {
            first: 5 * SECOND,
            max: 15 * SECOND,
        }
    }
}

impl Backoff {
    fn next(&self, d: Millis) -> Millis {
        (d + d / 2).clamp(self.first, self.max)
    }
}

/// What one look at a service showed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceLook {
    /// Running tasks.
    pub running: i64,
    /// Desired tasks.
    pub desired: i64,
    /// Pending tasks.
    pub pending: i64,
    /// Deployments.
    pub deployments: usize,
    /// The primary deployment's rollout state, when the service reports one.
    pub rollout: Option<String>,
    /// The newest service event.
    pub latest_event: Option<String>,
    /// The primary deployment's task definition (ARN).
    pub task_definition: Option<String>,
    /// Whether its containers run the image the condition asks for (`None`
    /// when no image is asked for).
    pub image_ok: Option<bool>,
}

impl ServiceLook {
    /// Steady as `services-stable` judges it (one deployment, running equal
    /// to desired), and with nothing pending and the rollout, if reported,
    /// completed.
    pub fn steady(&self) -> bool {
        self.deployments == 1
            && self.running == self.desired
            && self.pending == 0
            && self.rollout.as_deref().is_none_or(|r| r == "COMPLETED")
            && self.image_ok != Some(false)
    }

    /// `2 of 2 running, 1 deployment (COMPLETED)`.
    pub fn summary(&self) -> String {
        format!(
            "{} of {} running, {} pending, {} deployment{}{}",
            self.running,
            self.desired,
            self.pending,
            self.deployments,
            if self.deployments == 1 { "" } else { "s" },
            self.rollout
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ) + match self.image_ok {
            Some(false) => ", not the expected image",
            _ => "",
        }
    }
}

/// Reads one service with `ecs describe-services`.
pub fn look<R: Reader + ?Sized>(
    account: &R,
    cluster: &str,
    service: &str,
) -> Result<ServiceLook, CommandError> {
    Ok(summarize(&describe(account, cluster, service)?))
}

/// The service as `ecs describe-services` returns it.
fn describe<R: Reader + ?Sized>(
    account: &R,
    cluster: &str,
    service: &str,
) -> Result<Value, CommandError> {
    let req = read_request(
        "ecs",
        "describe-services",
        Input::new()
            .with("cluster", cluster)
            .with("services", Value::from(vec![service])),
    )?;
    let v = account.read(&req)?;
    v["services"]
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .ok_or_else(|| {
            crate::error::ArgError(format!(
                "service {service} was not found in cluster {cluster}"
            ))
            .into()
        })
}

/// What one service description shows.
fn summarize(s: &Value) -> ServiceLook {
    let deployments = s["deployments"].as_array().map(Vec::len).unwrap_or(0);
    let primary = s["deployments"].as_array().and_then(|d| {
        d.iter()
            .find(|d| d["status"] == "PRIMARY")
            .or_else(|| d.first())
    });
    ServiceLook {
        running: s["runningCount"].as_i64().unwrap_or(0),
        desired: s["desiredCount"].as_i64().unwrap_or(0),
        pending: s["pendingCount"].as_i64().unwrap_or(0),
        deployments,
        rollout: primary.and_then(|p| p["rolloutState"].as_str().map(String::from)),
        task_definition: primary.and_then(|p| p["taskDefinition"].as_str().map(String::from)),
        image_ok: None,
        latest_event: s["events"]
            .as_array()
            .and_then(|e| e.first())
            .and_then(|e| e["message"].as_str())
            .map(String::from),
    }
}

/// Looks at the service, and when `image` is given, whether the primary
/// deployment's task definition runs it (`ecs describe-task-definition`).
pub fn look_for<R: Reader + ?Sized>(
    account: &R,
    cluster: &str,
    service: &str,
    image: Option<&str>,
) -> Result<ServiceLook, CommandError> {
    let mut l = look(account, cluster, service)?;
    if let (Some(image), Some(td)) = (image, l.task_definition.as_deref()) {
        let v = account.read(&read_request(
            "ecs",
            "describe-task-definition",
            Input::new().with("taskDefinition", td),
        )?)?;
        let runs = v["taskDefinition"]["containerDefinitions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["image"] == image));
        l.image_ok = Some(runs);
    }
    Ok(l)
}

/// What counts as healed: a service at steady state, and optionally running an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthy<'a> {
    /// Cluster.
    pub cluster: &'a str,
    /// Service.
    pub service: &'a str,
    /// The image every task must run, when the scenario says so.
    pub image: Option<&'a str>,
}

/// How a wait for steady state ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stability {
    /// Steady from `since`, held for the hold asked for.
    Held {
        /// When steady state was first seen (of the run that held).
        since: Millis,
        /// The last look.
        last: ServiceLook,
    },
    /// Not steady, or not held, within the bound.
    NotHeld {
        /// The last look.
        last: ServiceLook,
    },
}

/// Polls `ecs describe-services` until the service is steady and has stayed
/// so for `hold` (every look in between steady), or `bound` has passed.
/// `progress` hears each look as it happens.
pub fn services_stable<P: Pace + ?Sized>(
    account: &mut P,
    want: &Healthy,
    hold: Millis,
    bound: Millis,
    backoff: Backoff,
    progress: &mut dyn FnMut(&str),
) -> Result<Stability, String> {
    let start = account.now_ms();
    let mut since: Option<Millis> = None;
    let mut delay = backoff.first;
    loop {
        let l =
            look_for(account, want.cluster, want.service, want.image).map_err(|e| e.to_string())?;
        let now = account.now_ms();
        if l.steady() {
            let s = *since.get_or_insert(now);
            progress(&format!(
                "{}: steady for {} of {} ({})",
                Dur((now - start) / SECOND * SECOND),
                Dur((now - s) / SECOND * SECOND),
                Dur(hold),
                l.summary()
            ));
            if now - s >= hold {
                return Ok(Stability::Held { since: s, last: l });
            }
        } else {
            since = None;
            progress(&format!(
                "{}: not steady ({})",
                Dur((now - start) / SECOND * SECOND),
                l.summary()
            ));
        }
        if now - start >= bound {
            return Ok(Stability::NotHeld { last: l });
        }
        // While steady, look often enough to see a dip; never past the bound.
        let step = if since.is_some() { backoff.max } else { delay };
        account.pause(step.min(bound - (now - start)).max(SECOND))?;
        delay = backoff.next(delay);
    }
}

/// How a wait for a symptom ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sighting {
    /// Every text was seen; the ids of the stopped tasks that show them.
    Seen {
        /// When.
        at: Millis,
        /// Stopped tasks whose description shows a text (may be empty when
        /// the texts were in the service's events).
        tasks: Vec<String>,
    },
    /// Not every text within the bound; those still missing.
    NotSeen {
        /// The texts not seen.
        missing: Vec<String>,
        /// The last look at the service.
        last: ServiceLook,
    },
}

/// Polls the service's stopped tasks (`ecs list-tasks --desired-status
/// STOPPED`, `ecs describe-tasks`) and its events until each of `texts`
/// appears in what those calls return, or `bound` passes.
pub fn symptom<P: Pace + ?Sized>(
    account: &mut P,
    cluster: &str,
    service: &str,
    texts: &[String],
    bound: Millis,
    backoff: Backoff,
    progress: &mut dyn FnMut(&str),
) -> Result<Sighting, String> {
    let start = account.now_ms();
    let mut delay = backoff.first;
    loop {
        let svc = describe(account, cluster, service).map_err(|e| e.to_string())?;
        let l = summarize(&svc);
        // Pretty, as the CLI prints it: evidence texts quote it (`"key": "value"`).
        let events = serde_json::to_string_pretty(&svc).unwrap_or_default();
        let tasks = stopped(account, cluster, service).map_err(|e| e.to_string())?;
        let now = account.now_ms();
        let mut missing = Vec::new();
        let mut showing = Vec::new();
        for t in texts {
            let in_tasks: Vec<&String> = tasks
                .iter()
                .filter(|(_, json)| json.contains(t.as_str()))
                .map(|(id, _)| id)
                .collect();
            if in_tasks.is_empty() && !events.contains(t.as_str()) {
                missing.push(t.clone());
            }
            for id in in_tasks {
                if !showing.contains(id) {
                    showing.push(id.clone());
                }
            }
        }
        if missing.is_empty() {
            return Ok(Sighting::Seen {
                at: now,
                tasks: showing,
            });
        }
        progress(&format!(
            "{}: waiting for the symptom ({} stopped task{} so far; {})",
            Dur((now - start) / SECOND * SECOND),
            tasks.len(),
            if tasks.len() == 1 { "" } else { "s" },
            l.summary()
        ));
        if now - start >= bound {
            return Ok(Sighting::NotSeen { missing, last: l });
        }
        account.pause(delay.min(bound - (now - start)).max(SECOND))?;
        delay = backoff.next(delay);
    }
}

/// The service's stopped tasks (id, JSON text as the CLI prints it), the
/// newest hundred as `list-tasks` returns them.
fn stopped<R: Reader + ?Sized>(
    account: &R,
    cluster: &str,
    service: &str,
) -> Result<Vec<(String, String)>, CommandError> {
    let list = account.read(&read_request(
        "ecs",
        "list-tasks",
        Input::new()
            .with("cluster", cluster)
            .with("serviceName", service)
            .with("desiredStatus", "STOPPED"),
    )?)?;
    let arns: Vec<Value> = list["taskArns"]
        .as_array()
        .map(|a| a.iter().take(100).cloned().collect())
        .unwrap_or_default();
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let described = account.read(&read_request(
        "ecs",
        "describe-tasks",
        Input::new()
            .with("cluster", cluster)
            .with("tasks", Value::Array(arns)),
    )?)?;
    Ok(described["tasks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    let arn = t["taskArn"].as_str().unwrap_or_default();
                    let id = arn.rsplit('/').next().unwrap_or(arn).to_string();
                    (id, serde_json::to_string_pretty(t).unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Mode, Scenario};
    use crate::time::MINUTE;
    use std::path::Path;

    fn load(id: &str) -> Scenario {
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
            .unwrap()
    }

    #[test]
    fn backoff_grows_by_half_to_its_maximum() {
        let b = Backoff::default();
        let mut d = b.first;
        let mut seen = vec![d];
        for _ in 0..4 {
            d = b.next(d);
            seen.push(d);
        }
        assert_eq!(seen, [5000, 7500, 11250, 15000, 15000]);
    }

    #[test]
    fn steady_needs_one_completed_deployment_with_all_tasks_running() {
        let mut l = ServiceLook {
            running: 2,
            desired: 2,
            pending: 0,
            deployments: 1,
            rollout: Some("COMPLETED".into()),
            ..Default::default()
        };
        assert!(l.steady());
        l.rollout = None;
        assert!(
            l.steady(),
            "services without a rollout state are judged on counts"
        );
        l.rollout = Some("IN_PROGRESS".into());
        assert!(!l.steady());
        l.rollout = None;
        l.deployments = 2;
        assert!(!l.steady());
        l.deployments = 1;
        l.running = 1;
        assert!(!l.steady());
        l.running = 2;
        l.image_ok = Some(false);
        assert!(
            !l.steady(),
            "another image than the one asked for is not healed"
        );
    }

    #[test]
    fn a_broken_service_is_not_held_and_the_reference_fix_is() {
        let s = load("nat-route-missing");
        let mut inst = s.instantiate(3, Mode::Incident).unwrap();
        let (c, svc) = (&s.spec.success.cluster, &s.spec.success.service);
        let mut lines = Vec::new();
        let r = services_stable(
            &mut inst.sim,
            &Healthy {
                cluster: c,
                service: svc,
                image: None,
            },
            5 * MINUTE,
            20 * MINUTE,
            Backoff::default(),
            &mut |l| lines.push(l.to_string()),
        )
        .unwrap();
        let Stability::NotHeld { last } = r else {
            panic!("{r:?}")
        };
        assert!(!last.steady());
        assert!(lines.iter().all(|l| l.contains("not steady")), "{lines:?}");
        for f in &s.spec.fix {
            let line = inst.resolve(f).unwrap();
            crate::awscli::command::write(&mut inst.sim, &line).unwrap();
        }
        let before = inst.sim.now();
        let r = services_stable(
            &mut inst.sim,
            &Healthy {
                cluster: c,
                service: svc,
                image: None,
            },
            5 * MINUTE,
            30 * MINUTE,
            Backoff::default(),
            &mut |_| {},
        )
        .unwrap();
        let Stability::Held { since, last } = r else {
            panic!("{r:?}")
        };
        assert!(last.steady());
        assert!(inst.sim.now() - since >= 5 * MINUTE);
        assert!(since > before, "steady only after the fix");
    }

    #[test]
    fn describe_calls_alone_tell_every_broken_service_from_its_fixed_one() {
        // The waiter sees only describe-services; the engine's own verdict
        // must agree with it on every scenario of the library: broken at the
        // incident, steady and held after the reference fix.
        let lib = crate::scenario::library::Library::BuiltIn;
        for path in lib.files().unwrap() {
            let s = Scenario::load_from(&lib, &path).unwrap();
            let mut inst = s.instantiate(1, Mode::Incident).unwrap();
            let image = s
                .spec
                .success
                .image
                .as_ref()
                .map(|i| inst.resolve(i).unwrap());
            let want = Healthy {
                cluster: &s.spec.success.cluster,
                service: &s.spec.success.service,
                image: image.as_deref(),
            };
            let broken = services_stable(
                &mut inst.sim,
                &want,
                s.hold(),
                10 * MINUTE,
                Backoff::default(),
                &mut |_| {},
            )
            .unwrap();
            assert!(
                matches!(broken, Stability::NotHeld { .. }),
                "{}: broken, yet {broken:?}",
                s.spec.id
            );
            for l in &s.spec.fix {
                let line = inst.resolve(l).unwrap();
                crate::awscli::command::write(&mut inst.sim, &line).unwrap();
            }
            let r = services_stable(
                &mut inst.sim,
                &want,
                s.hold(),
                s.within().max(30 * MINUTE),
                Backoff::default(),
                &mut |_| {},
            )
            .unwrap();
            assert!(matches!(r, Stability::Held { .. }), "{}: {r:?}", s.spec.id);
        }
    }

    #[test]
    fn the_symptom_of_each_seed_scenario_is_seen_in_its_stopped_tasks() {
        for id in [
            "nat-route-missing",
            "subnet-exhausted",
            "execution-role-permissions",
            "oom-killed",
            "log-group-missing",
        ] {
            let s = load(id);
            let mut inst = s.instantiate(2, Mode::Incident).unwrap();
            let texts: Vec<String> = s
                .spec
                .evidence
                .iter()
                .filter(|e| e.command == "ecs describe-tasks")
                .map(|e| inst.resolve(&e.shows).unwrap())
                .collect();
            assert!(!texts.is_empty(), "{id}");
            let r = symptom(
                &mut inst.sim,
                &s.spec.success.cluster,
                &s.spec.success.service,
                &texts,
                10 * MINUTE,
                Backoff::default(),
                &mut |_| {},
            )
            .unwrap();
            let Sighting::Seen { tasks, .. } = r else {
                panic!("{id}: {r:?}")
            };
            assert!(!tasks.is_empty(), "{id}");
            // A text no task shows is reported missing at the bound.
            let r = symptom(
                &mut inst.sim,
                &s.spec.success.cluster,
                &s.spec.success.service,
                &["no such text anywhere".to_string()],
                MINUTE,
                Backoff::default(),
                &mut |_| {},
            )
            .unwrap();
            assert!(
                matches!(&r, Sighting::NotSeen { missing, .. } if missing == &["no such text anywhere"]),
                "{id}: {r:?}"
            );
        }
    }
}
