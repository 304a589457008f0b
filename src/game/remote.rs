//! Playing on an account the game does not simulate: a real sandbox account
//! (live mode), or the simulator standing in for one ([`Rehearsal`]), which
//! drives the very same code so that it is tested without AWS.
//!
//! A [`Remote`] answers the diagnostics, applies the player's fixes (the live
//! one through its guard and journal), resolves the scenario's texts against
//! the account's real names, and lets time pass. Everything the game judges
//! on a remote account it learns from read operations: the symptom and the
//! verification come from [`crate::aws::waiters`], the names of culprits and
//! the fix-quality lints from a [`World`] surveyed with describe calls.

use super::aws::{apply_fix, FixOutcome};
use crate::aws::snapshot::{snapshot, Scope};
use crate::aws::waiters::Pace;
use crate::aws::Reader;
use crate::scenario::Instance;
use crate::time::Millis;
use crate::world::World;

/// What grading needs to know of the account being played: its time, the
/// names of its resources, and scenario texts resolved against it.
pub trait Facts {
    /// The current instant.
    fn now(&self) -> Millis;
    /// The account as a world (a survey of it, for a remote account).
    fn world(&self) -> &World;
    /// A scenario text with its placeholders bound to this account.
    fn resolve(&self, text: &str) -> Result<String, String>;
}

impl Facts for Instance {
    fn now(&self) -> Millis {
        self.sim.now()
    }

    fn world(&self) -> &World {
        self.sim.world()
    }

    fn resolve(&self, text: &str) -> Result<String, String> {
        Instance::resolve(self, text)
    }
}

/// An account the game plays on instead of its own simulation.
pub trait Remote: Facts {
    /// The account answering the diagnostics.
    fn reader(&self) -> &dyn Reader;
    /// The account with its clock, for waits.
    fn pace(&mut self) -> &mut dyn Pace;
    /// Account id and region, for the opening screen.
    fn location(&self) -> (String, String);
    /// When the player arrived.
    fn arrived(&self) -> Millis;
    /// Applies a fix command line (without `fix`).
    fn fix(&mut self, line: &str) -> FixOutcome;
    /// Surveys the account again ([`Facts::world`] then shows it as it is now).
    fn survey(&mut self) -> Result<(), String>;
    /// Resource ids for Tab completion: the last survey.
    fn completion_world(&self) -> &World {
        self.world()
    }
}

/// The simulator standing in for a real account: the game drives it through
/// [`Remote`] exactly as it drives live mode, so waits, verification and the
/// surveyed world are tested without AWS.
pub struct Rehearsal {
    inst: Instance,
    scope: Scope,
    surveyed: World,
    arrived: Millis,
}

impl Rehearsal {
    /// A rehearsal of a scenario instance, arriving at its "now"; the world
    /// the grader sees is surveyed with describe calls around the service of
    /// `cluster` (as live mode surveys a real account).
    pub fn new(inst: Instance, cluster: &str, service: &str) -> Result<Rehearsal, String> {
        let scope = Scope::new(cluster, service);
        let surveyed = snapshot(&inst.sim, &scope)?;
        Ok(Rehearsal {
            arrived: inst.sim.now(),
            inst,
            scope,
            surveyed,
        })
    }
}

impl Facts for Rehearsal {
    fn now(&self) -> Millis {
        self.inst.sim.now()
    }

    fn world(&self) -> &World {
        &self.surveyed
    }

    fn resolve(&self, text: &str) -> Result<String, String> {
        self.inst.resolve(text)
    }
}

impl Remote for Rehearsal {
    fn reader(&self) -> &dyn Reader {
        &self.inst.sim
    }

    fn pace(&mut self) -> &mut dyn Pace {
        &mut self.inst.sim
    }

    fn location(&self) -> (String, String) {
        let w = self.inst.sim.world();
        (w.account.clone(), w.region.clone())
    }

    fn arrived(&self) -> Millis {
        self.arrived
    }

    fn fix(&mut self, line: &str) -> FixOutcome {
        apply_fix(&mut self.inst.sim, line)
    }

    fn survey(&mut self) -> Result<(), String> {
        let scope = self.scope.clone().with_roles_of(&self.surveyed);
        self.surveyed = snapshot(&self.inst.sim, &scope)?;
        Ok(())
    }
}

/// The texts that show a scenario's symptom: what its evidence finds in
/// `ecs describe-tasks` or `ecs describe-services`, resolved on the account
/// (not the evidence of a cause hidden behind the first: it shows later).
pub fn symptom_texts(scenario: &crate::scenario::Scenario, facts: &dyn Facts) -> Vec<String> {
    let answer = &scenario.spec.answer;
    let hidden = |e: &crate::scenario::format::EvidenceSpec| {
        answer
            .also
            .iter()
            .any(|o| o.hidden && e.cause.as_deref() == Some(o.cause.as_str()))
    };
    scenario
        .spec
        .evidence
        .iter()
        .filter(|e| e.command == "ecs describe-tasks" || e.command == "ecs describe-services")
        .filter(|e| !hidden(e))
        .filter_map(|e| facts.resolve(&e.shows).ok())
        .collect()
}

/// Waits until the scenario's symptom shows on the remote account (the
/// stopped tasks or events its evidence names), within `bound`.
pub fn await_symptom(
    remote: &mut dyn Remote,
    scenario: &crate::scenario::Scenario,
    bound: Millis,
    progress: &mut dyn FnMut(&str),
) -> Result<crate::aws::waiters::Sighting, String> {
    let texts = symptom_texts(scenario, &*remote);
    if texts.is_empty() {
        return Err(format!(
            "scenario {} names no evidence in ecs describe-tasks or describe-services to wait for",
            scenario.spec.id
        ));
    }
    let s = &scenario.spec.success;
    crate::aws::waiters::symptom(
        remote.pace(),
        &s.cluster,
        &s.service,
        &texts,
        bound,
        crate::aws::waiters::Backoff::default(),
        progress,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::waiters::Sighting;
    use crate::game::{Game, Reply};
    use crate::scenario::{Mode, Scenario};
    use crate::time::MINUTE;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn library() -> Vec<Scenario> {
        let lib = crate::scenario::library::Library::BuiltIn;
        lib.files()
            .unwrap()
            .iter()
            .map(|p| Scenario::load_from(&lib, p).unwrap())
            .collect()
    }

    /// A game of `s` at `seed` on a rehearsal, and the progress it reports.
    fn rehearse(s: &Scenario, seed: u64) -> (Game, Rc<RefCell<Vec<String>>>) {
        let inst = s.instantiate(seed, Mode::Incident).unwrap();
        let twin = s.instantiate(seed, Mode::Incident).unwrap();
        let (c, svc) = (&s.spec.success.cluster, &s.spec.success.service);
        let r = Rehearsal::new(inst, c, svc).unwrap();
        let mut g = Game::on_remote(s.clone(), twin, Box::new(r));
        let lines = Rc::new(RefCell::new(Vec::new()));
        let sink = lines.clone();
        g.on_progress(Box::new(move |l| sink.borrow_mut().push(l.to_string())));
        (g, lines)
    }

    #[test]
    fn the_seed_scenarios_show_their_symptom_to_describe_calls() {
        for s in library() {
            if symptom_texts(&s, &s.instantiate(0, Mode::Incident).unwrap()).is_empty() {
                continue;
            }
            let (c, svc) = (&s.spec.success.cluster, &s.spec.success.service);
            let mut r = Rehearsal::new(s.instantiate(4, Mode::Incident).unwrap(), c, svc).unwrap();
            let seen = await_symptom(&mut r, &s, 15 * MINUTE, &mut |_| {}).unwrap();
            assert!(
                matches!(seen, Sighting::Seen { .. }),
                "{}: {seen:?}",
                s.spec.id
            );
        }
    }

    #[test]
    fn every_reference_solution_wins_on_a_rehearsal_as_on_the_simulator() {
        for s in library() {
            let (mut g, progress) = rehearse(&s, 2);
            let mut p = g.join(None);
            let facts = g.facts();
            let mut lines: Vec<String> = s
                .spec
                .investigation
                .iter()
                .map(|l| facts.resolve(l).unwrap())
                .collect();
            let hidden: Vec<&str> = s
                .spec
                .answer
                .also
                .iter()
                .filter(|o| o.hidden)
                .map(|o| o.cause.as_str())
                .collect();
            let diagnosis = |cause: &str, culprits: &[String]| {
                let names: Vec<String> =
                    culprits.iter().map(|c| facts.resolve(c).unwrap()).collect();
                format!("diagnose {cause} {}", names.join(" "))
            };
            let look = format!(
                "ecs describe-services --cluster {} --services {}",
                s.spec.success.cluster, s.spec.success.service
            );
            for (cause, culprits) in s.spec.answer.causes() {
                if !hidden.contains(&cause) {
                    lines.push(diagnosis(cause, culprits));
                }
            }
            for f in &s.spec.fix {
                lines.push(format!("fix {}", facts.resolve(f).unwrap()));
                if !hidden.is_empty() {
                    lines.push("wait 3m".into());
                    lines.push(look.clone());
                }
            }
            for (cause, culprits) in s.spec.answer.causes() {
                if hidden.contains(&cause) {
                    lines.push(diagnosis(cause, culprits));
                }
            }
            // Check the fix before submitting, as a careful player does.
            lines.push(look);
            for l in &lines {
                let r: Reply = g.execute(&mut p, l, None);
                assert!(!r.error, "{}: {l}: {}", s.spec.id, r.text);
            }
            let v = g.execute(&mut p, "submit", None);
            assert!(v.text.starts_with("Verified"), "{}: {}", s.spec.id, v.text);
            let report = g.finish(&p);
            let part = |n: &str| {
                report
                    .score
                    .parts
                    .iter()
                    .find(|x| x.name == n)
                    .unwrap()
                    .points
            };
            assert_eq!(part("cause"), 30, "{}", s.spec.id);
            assert_eq!(part("culprit"), 15, "{}", s.spec.id);
            assert_eq!(part("verification"), 5, "{}", s.spec.id);
            assert!(report.lints.is_empty(), "{}: {:?}", s.spec.id, report.lints);
            assert!(
                report.evidence.iter().all(|e| e.seen_at.is_some()),
                "{}: {:?}",
                s.spec.id,
                report.evidence
            );
            assert!(
                progress.borrow().iter().any(|l| l.contains("steady for")),
                "{}: the verification reports its progress",
                s.spec.id
            );
        }
    }

    #[test]
    fn submitting_without_a_fix_is_not_verified_on_a_rehearsal() {
        let s = library()
            .into_iter()
            .find(|s| s.spec.id == "nat-route-missing")
            .unwrap();
        let (mut g, _) = rehearse(&s, 1);
        let mut p = g.join(None);
        let start = g.now();
        let r = g.execute(&mut p, "wait 3m", None);
        assert!(!r.error, "{}", r.text);
        assert_eq!(
            g.now() - start,
            3 * MINUTE,
            "wait lets the remote's time pass"
        );
        let v = g.execute(&mut p, "submit", None);
        assert!(v.text.starts_with("Not verified"), "{}", v.text);
        assert!(
            v.text.contains("did not reach and hold steady state"),
            "{}",
            v.text
        );
    }

    #[test]
    fn a_careless_fix_on_a_rehearsal_is_linted_from_describe_calls() {
        let s = library()
            .into_iter()
            .find(|s| s.spec.id == "execution-role-permissions")
            .unwrap();
        let (mut g, _) = rehearse(&s, 0);
        let mut p = g.join(None);
        let r = g.execute(
            &mut p,
            "fix iam attach-role-policy --role-name checkout-task-execution --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
            None,
        );
        assert!(!r.error, "{}", r.text);
        let v = g.execute(&mut p, "submit", None);
        assert!(v.text.starts_with("Verified"), "{}", v.text);
        let report = g.finish(&p);
        let ids: Vec<&str> = report.lints.iter().map(|l| l.id).collect();
        assert_eq!(ids, ["iam.admin-access"], "{:#?}", report.lints);
    }
}
