//! Playing a live run: the game on the real sandbox account. [`LiveSite`] is
//! the game's [`Remote`] for a run that `live start` injected: diagnostics
//! are the [`LiveAccount`]'s reads; the player's fixes pass the run's guard
//! and are journaled with their undo records before they are sent; the
//! scenario's placeholders bind to the stack's outputs; time is wall time;
//! the world the grader names culprits and judges fixes by is surveyed with
//! describe calls ([`crate::aws::snapshot`]).

use super::inject::Injector;
use super::journal::{Journal, RunInfo};
use super::stack::Stack;
use super::LiveAccount;
use crate::aws::snapshot::Scope;
use crate::aws::waiters::Pace;
use crate::aws::Reader;
use crate::game::aws::FixOutcome;
use crate::game::{Facts, Remote};
use crate::scenario::{Mode, Scenario};
use crate::time::Millis;
use crate::world::World;
use std::collections::BTreeMap;
use std::path::PathBuf;

impl Pace for LiveAccount {
    /// Wall time: a real account's clock (or the account's own, when it has one).
    fn now_ms(&self) -> Millis {
        if let Some(c) = &self.clock {
            return c.origin + (c.since.elapsed().as_millis() as f64 * c.speed) as Millis;
        }
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as Millis)
            .unwrap_or(0)
    }

    fn pause(&mut self, d: Millis) -> Result<(), String> {
        let wall = match &self.clock {
            Some(c) => (d.max(0) as f64 / c.speed) as u64,
            None => d.max(0) as u64,
        };
        std::thread::sleep(std::time::Duration::from_millis(wall));
        Ok(())
    }
}

/// A live run as the game plays it.
pub struct LiveSite {
    account: LiveAccount,
    /// The scenario (its `live:` bindings resolve its texts).
    scenario: Scenario,
    info: RunInfo,
    journal: PathBuf,
    allowed: Vec<String>,
    stack: Stack,
    vars: BTreeMap<String, String>,
    /// What the survey covers: the scenario's judged service and what it uses.
    scope: Scope,
    surveyed: World,
    arrived: Millis,
}

impl LiveSite {
    /// The site of the run journaled at `journal` (its header names the
    /// scenario, seed, stack, account and region), surveyed now.
    pub fn open(
        account: LiveAccount,
        scenario: &Scenario,
        journal: PathBuf,
        info: RunInfo,
        allowed: Vec<String>,
    ) -> Result<LiveSite, String> {
        if scenario.spec.id != info.scenario {
            return Err(format!(
                "run {} is of scenario {}, not {}",
                info.run, info.scenario, scenario.spec.id
            ));
        }
        if account.region() != info.region {
            return Err(format!(
                "run {} is in {}; connect to that region (--region {})",
                info.run, info.region, info.region
            ));
        }
        let stack = Stack::load(&account, &info.stack).map_err(|e| e.to_string())?;
        let inst = scenario
            .instantiate(info.seed, Mode::Incident)
            .map_err(|e| e.to_string())?;
        // The stack's roles are read from the start, so a fix that switches
        // the service to one of them is judged on what changed.
        let scope = Scope {
            roles: ["ExecutionRoleName", "TaskRoleName"]
                .iter()
                .filter_map(|k| stack.output(k).ok().map(String::from))
                .collect(),
            ..Scope::new(
                scenario.spec.success.cluster.clone(),
                scenario.spec.success.service.clone(),
            )
        };
        let surveyed = crate::aws::snapshot::snapshot(&account, &scope)?;
        Ok(LiveSite {
            arrived: account.now_ms(),
            account,
            scenario: scenario.clone(),
            info,
            journal,
            allowed,
            stack,
            vars: inst.vars,
            scope,
            surveyed,
        })
    }

    /// The run.
    pub fn info(&self) -> &RunInfo {
        &self.info
    }
}

impl Facts for LiveSite {
    fn now(&self) -> Millis {
        self.account.now_ms()
    }

    fn world(&self) -> &World {
        &self.surveyed
    }

    fn resolve(&self, text: &str) -> Result<String, String> {
        super::plan::resolve_for(
            &self.scenario,
            text,
            &self.stack,
            &self.vars,
            &self.info.account,
            &self.info.region,
        )
    }
}

impl Remote for LiveSite {
    fn reader(&self) -> &dyn Reader {
        &self.account
    }

    fn pace(&mut self) -> &mut dyn Pace {
        &mut self.account
    }

    fn location(&self) -> (String, String) {
        (self.info.account.clone(), self.info.region.clone())
    }

    fn arrived(&self) -> Millis {
        self.arrived
    }

    fn fix(&mut self, line: &str) -> FixOutcome {
        let (service, operation) = match crate::game::aws::fix_operation(line) {
            Ok(op) => op,
            Err(e) => return FixOutcome::NotAFix(e),
        };
        let action = match super::fix::fix_action(line, &self.info.region) {
            Ok(a) => a,
            Err(e) => return FixOutcome::NotAFix(format!("live mode cannot apply this fix: {e}")),
        };
        let refused = |error: String| FixOutcome::Refused {
            service: service.clone(),
            operation: operation.clone(),
            error,
        };
        let journal = match Journal::reopen(&self.journal) {
            Ok(j) => j,
            Err(e) => {
                return refused(format!(
                    "cannot append to the run's journal {}: {e}; nothing was sent",
                    self.journal.display()
                ))
            }
        };
        let guard = super::cli::run_guard(&self.account, &self.allowed, &self.info);
        let mut inj = Injector::new(&self.account, &guard, journal, &self.info.run);
        match inj.apply_action(&format!("fix: {line}"), &action) {
            Ok(v) => FixOutcome::Applied {
                service,
                operation,
                text: if v.as_object().is_some_and(|m| m.is_empty()) || v.is_null() {
                    String::new()
                } else {
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                },
            },
            Err(e) => refused(e.to_string()),
        }
    }

    fn survey(&mut self) -> Result<(), String> {
        // Roles seen before stay in view, so a role the fixes stopped using is judged too.
        let scope = self.scope.clone().with_roles_of(&self.surveyed);
        self.surveyed = crate::aws::snapshot::snapshot(&self.account, &scope)?;
        Ok(())
    }
}
