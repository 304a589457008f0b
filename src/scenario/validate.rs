//! `validate`: proof that a scenario is healthy before its fault, broken
//! after it (with the answer's symptoms present), and healed by its reference
//! fix within a bounded virtual time.

use super::Instance;
use super::{causes, Mode, Scenario};
use crate::time::{Dur, MINUTE};

/// One failed proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Scenario id.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// What did not hold.
    pub what: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (seed {}): {}", self.scenario, self.seed, self.what)
    }
}

/// Proves one scenario at one seed.
pub fn prove(s: &Scenario, seed: u64) -> Result<(), Failure> {
    let fail = |what: String| Failure {
        scenario: s.id().to_string(),
        seed,
        what,
    };
    let svc = &s.spec.success;

    // 1. Healthy without the fault.
    let mut base = s
        .instantiate(seed, Mode::Baseline)
        .map_err(|e| fail(format!("baseline did not build: {e}")))?;
    let bound = 30 * MINUTE + s.hold();
    let healed = s
        .run_until(&mut base, bound, Scenario::steady_holds)
        .map_err(&fail)?;
    if healed.is_none() {
        return Err(fail(format!(
            "without the fault, service {} did not reach and hold steady state for {} (by now+{}); {}",
            svc.service,
            Dur(s.hold()),
            Dur(bound),
            why_not_steady(&base, &svc.cluster, &svc.service)
        )));
    }

    // 2. Broken with it, and showing the answer's symptom.
    let mut inst = s
        .instantiate(seed, Mode::Incident)
        .map_err(|e| fail(format!("incident did not build: {e}")))?;
    if s.success_holds(&inst) {
        return Err(fail(format!(
            "at now the service {} is already healthy: the fault had no effect",
            svc.service
        )));
    }
    let cause = &s.spec.answer.cause;
    let symptom = shows_symptom(&inst, svc, cause);
    if !symptom {
        return Err(fail(format!(
            "at now no stopped task of {} shows the symptom of {cause}; {}",
            svc.service,
            stopped_reasons(&inst, &svc.cluster, &svc.service)
        )));
    }
    for (i, c) in s.spec.answer.culprits.iter().enumerate() {
        let r = inst
            .resolve(c)
            .map_err(|e| fail(format!("answer.culprits[{i}]: {e}")))?;
        if !resource_exists(inst.sim.world(), &r) {
            return Err(fail(format!(
                "answer.culprits[{i}]: '{r}' names no resource of the world"
            )));
        }
    }

    // The reference investigation runs, as the player would type it, against
    // the incident world: a read that errors follows a broken path.
    for (i, line) in s.spec.investigation.iter().enumerate() {
        let line = inst
            .resolve(line)
            .map_err(|e| fail(format!("investigation[{i}]: {e}")))?;
        crate::awscli::command::read(&inst.sim, &line).map_err(|e| {
            fail(format!(
                "investigation[{i}] `{line}` fails against the incident world: {e}"
            ))
        })?;
    }

    // A hidden cause shows nothing at now...
    let hidden: Vec<&str> = s
        .spec
        .answer
        .also
        .iter()
        .filter(|o| o.hidden)
        .map(|o| o.cause.as_str())
        .collect();
    for h in &hidden {
        if shows_symptom(&inst, svc, h) {
            return Err(fail(format!(
                "answer.also: {h} is marked hidden, yet at now a task of {} already shows its symptom",
                svc.service
            )));
        }
    }
    let mut revealed: Vec<&str> = Vec::new();

    // 3. Healed by the reference fix (applied a line at a time; a hidden
    // cause must show once the lines before it have run).
    for (i, line) in s.spec.fix.iter().enumerate() {
        let line = inst
            .resolve(line)
            .map_err(|e| fail(format!("fix[{i}]: {e}")))?;
        crate::awscli::command::parse(&line, &inst.sim.world().region)
            .map_err(|e| fail(format!("fix[{i}] `{line}` does not parse: {e}")))?;
        crate::awscli::command::write(&mut inst.sim, &line)
            .map(|(_, v)| v)
            .map_err(|e| fail(format!("fix[{i}] `{line}` failed: {e}")))?;
        if hidden.len() > revealed.len() && i + 1 < s.spec.fix.len() {
            inst.sim.run_for(10 * MINUTE).map_err(&fail)?;
            for h in &hidden {
                if !revealed.contains(h) && shows_symptom(&inst, svc, h) {
                    revealed.push(h);
                }
            }
        }
    }
    if let Some(h) = hidden.iter().find(|h| !revealed.contains(h)) {
        return Err(fail(format!(
            "answer.also: {h} is marked hidden, but its symptom never showed while the reference fix was applied (a line at a time, 10 minutes apart)"
        )));
    }
    let healed = s.run_until_healed(&mut inst, s.within()).map_err(&fail)?;
    if healed.is_none() {
        return Err(fail(format!(
            "after the reference fix, service {} did not reach and hold steady state for {} within {}; {}",
            svc.service,
            Dur(s.hold()),
            Dur(s.within()),
            why_not_steady(&inst, &svc.cluster, &svc.service)
        )));
    }
    Ok(())
}

/// Whether a task of the judged service shows the symptom of `cause` (a
/// stopped task, the scheduler's launch failure, or a refused timeline step).
fn shows_symptom(inst: &Instance, svc: &super::format::Success, cause: &str) -> bool {
    inst.sim.world().tasks.values().any(|t| {
        t.cluster == svc.cluster
            && t.service.as_deref() == Some(svc.service.as_str())
            && t.stop_cause
                .as_ref()
                .is_some_and(|c| causes::shows(cause, c))
            && t.desired_status == crate::world::TaskStatus::Stopped
    }) || inst
        .sim
        .world()
        .service(&svc.cluster, &svc.service)
        .and_then(|s| s.sched.launch_failure.as_ref())
        .is_some_and(|c| causes::shows(cause, c))
        || inst
            .applied
            .iter()
            .filter_map(Scenario::refusal)
            .any(|e| causes::shows_refusal(cause, e))
}

/// The distinct stopped reasons of a service's tasks, as the player would read them.
fn stopped_reasons(inst: &Instance, cluster: &str, service: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for t in inst.sim.world().tasks.values() {
        if t.cluster != cluster || t.service.as_deref() != Some(service) {
            continue;
        }
        if let Some(r) = t.stopped_reason.as_deref() {
            if !seen.contains(&r) {
                seen.push(r);
            }
        }
    }
    if seen.is_empty() {
        "no task of it has stopped".to_string()
    } else {
        let n = seen.len();
        let shown: Vec<&str> = seen.into_iter().take(3).collect();
        format!("stopped reasons seen ({n}): {}", shown.join(" | "))
    }
}

/// Why a service is not at steady state: its latest events and its tasks' stopped reasons.
fn why_not_steady(inst: &Instance, cluster: &str, service: &str) -> String {
    let events: Vec<&str> = inst
        .sim
        .world()
        .service(cluster, service)
        .map(|s| {
            let mut distinct: Vec<&str> = Vec::new();
            for e in s.events.iter().take(10) {
                if !distinct.contains(&e.message.as_str()) {
                    distinct.push(e.message.as_str());
                }
            }
            distinct.truncate(3);
            distinct
        })
        .unwrap_or_default();
    let events = if events.is_empty() {
        "no service events".to_string()
    } else {
        format!("latest events: {}", events.join(" | "))
    };
    let mut why = format!("{events}; {}", stopped_reasons(inst, cluster, service));
    let shown = causes_shown(inst, cluster, service);
    if !shown.is_empty() {
        why.push_str(&format!(
            "; the world shows the symptom of {}",
            shown.join(", ")
        ));
    }
    let live = tasks_now(inst, cluster, service);
    if !live.is_empty() {
        why.push_str(&format!("; tasks now: {live}"));
    }
    why
}

/// The causes of the vocabulary whose symptom the service's stopped tasks or
/// its scheduler's launch failure show: what kept it from steady state, where
/// the world makes it plain.
fn causes_shown(inst: &Instance, cluster: &str, service: &str) -> Vec<&'static str> {
    let w = inst.sim.world();
    let mut stops: Vec<&crate::engine::StopCause> = w
        .tasks
        .values()
        .filter(|t| t.cluster == cluster && t.service.as_deref() == Some(service))
        .filter_map(|t| t.stop_cause.as_ref())
        .collect();
    if let Some(c) = w
        .service(cluster, service)
        .and_then(|s| s.sched.launch_failure.as_ref())
    {
        stops.push(c);
    }
    causes::CAUSES
        .iter()
        .filter(|c| stops.iter().any(|s| causes::shows(c.id, s)))
        .map(|c| c.id)
        .collect()
}

/// The service's tasks that are not stopped, counted by status and health
/// (`2 RUNNING/UNHEALTHY, 1 PENDING/UNKNOWN`).
fn tasks_now(inst: &Instance, cluster: &str, service: &str) -> String {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for t in inst.sim.world().tasks.values() {
        if t.cluster == cluster
            && t.service.as_deref() == Some(service)
            && t.desired_status != crate::world::TaskStatus::Stopped
        {
            *counts
                .entry(format!("{}/{}", t.last_status.as_str(), t.health_status))
                .or_default() += 1;
        }
    }
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether an id, name or ARN names something in the world.
pub fn resource_exists(w: &crate::world::World, r: &str) -> bool {
    w.subnets.contains_key(r)
        || w.vpcs.contains_key(r)
        || w.route_tables.contains_key(r)
        || w.nat_gateways.contains_key(r)
        || w.security_groups.contains_key(r)
        || w.vpc_endpoints.contains_key(r)
        || w.network_acls.contains_key(r)
        || w.internet_gateways.contains_key(r)
        || w.roles.contains_key(r)
        || w.roles.values().any(|x| x.arn == r)
        || w.policies.contains_key(r)
        || w.secrets.values().any(|x| x.arn == r || x.name == r)
        || w.parameters.contains_key(r)
        || w.parameters.values().any(|x| x.arn == r)
        || w.kms_keys.contains_key(r)
        || w.kms_keys.values().any(|k| k.id == r || k.alias == r)
        || w.log_groups.contains_key(r)
        || w.repositories.contains_key(r)
        || w.task_definitions
            .values()
            .any(|t| t.arn == r || t.family_revision() == r || t.def.family == r)
        || w.target_groups.contains_key(r)
        || w.services.values().any(|s| s.arn == r || s.name == r)
}
