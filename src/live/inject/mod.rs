//! Injecting a scenario's fault (and a player's fix) into the sandbox, and
//! undoing it. Every change is an [`Action`] applied by
//! [`Injector::apply_action`], and every mutation of it goes through one gate
//! ([`Injector::mutate`]): the guard checks it, its undo record is appended
//! to the journal and fsync'ed, and only then is it sent. [`undo`] replays a
//! journal's undo records newest first, keeping only the oldest record of
//! each thing the run changed; each checks the current state, so undoing
//! twice, or undoing a step whose mutation never reached AWS, is not an
//! error. [`reset`] restores the baseline without a journal.
//!
//! Test hook: with `FAULTLINE_LIVE_DIE_AFTER=n` the process aborts right
//! after journal step `n` is on disk (before its mutation is sent); with
//! `n+`, right after the mutation was sent.

mod apply;
mod deploy;
mod net;
mod reset;
mod state;
mod supersede;
mod undo;

pub use reset::reset;
pub use undo::{undo, Restored};

use super::guard::{Guard, Refusal, Target};
use super::journal::{Entry, Journal, Undo};
use super::LiveAccount;
use crate::aws::{ArgError, CommandError};
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;

/// The environment variable of the crash test hook.
pub const DIE_AFTER_VAR: &str = "FAULTLINE_LIVE_DIE_AFTER";

/// One change live mode can make to the sandbox.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `ec2 delete-route`.
    DeleteRoute {
        /// Route table.
        route_table_id: String,
        /// Destination.
        destination_cidr_block: String,
    },
    /// `iam detach-role-policy`.
    DetachRolePolicy {
        /// Role.
        role_name: String,
        /// Policy.
        policy_arn: String,
    },
    /// `iam attach-role-policy`.
    AttachRolePolicy {
        /// Role.
        role_name: String,
        /// Policy.
        policy_arn: String,
    },
    /// `iam create-policy`, tagged with the sandbox and the run.
    CreatePolicy {
        /// Policy name.
        name: String,
        /// Its document.
        document: Value,
    },
    /// `iam put-role-policy`.
    PutRolePolicy {
        /// Role.
        role_name: String,
        /// Policy name.
        policy_name: String,
        /// Its document.
        document: Value,
    },
    /// `iam delete-role-policy`.
    DeleteRolePolicy {
        /// Role.
        role_name: String,
        /// Policy name.
        policy_name: String,
    },
    /// `logs create-log-group`, tagged with the sandbox and the run.
    CreateLogGroup {
        /// Log group name.
        name: String,
    },
    /// A deployment as CI makes it: a new revision of the service's task
    /// definition with fields changed (tagged with the run), then
    /// `ecs update-service` to it.
    Deploy {
        /// Cluster.
        cluster: String,
        /// Service.
        service: String,
        /// Paths in the task definition to set (`containerDefinitions[0].image`).
        set: BTreeMap<String, Value>,
        /// Paths to remove.
        unset: Vec<String>,
    },
    /// `ecs update-service --force-new-deployment`: new tasks of the same revision.
    ForceDeployment {
        /// Cluster.
        cluster: String,
        /// Service.
        service: String,
    },
    /// `ec2 create-route`.
    CreateRoute {
        /// Route table.
        route_table_id: String,
        /// Destination.
        destination_cidr_block: String,
        /// The target member as the API names it (`NatGatewayId`) and its id.
        target: (String, String),
    },
    /// `iam update-assume-role-policy`.
    UpdateAssumeRolePolicy {
        /// Role.
        role_name: String,
        /// The trust policy.
        document: Value,
    },
    /// `logs put-retention-policy`.
    PutRetentionPolicy {
        /// Log group name.
        name: String,
        /// Days.
        days: i32,
    },
    /// `ecs register-task-definition`, tagged with the sandbox and the run.
    RegisterTaskDefinition {
        /// The request's members as the API names them (`family`, `containerDefinitions`, ...).
        input: Value,
    },
    /// `ecs update-service`: any of the task definition, desired count,
    /// network configuration and a forced new deployment.
    UpdateService {
        /// Cluster.
        cluster: String,
        /// Service.
        service: String,
        /// `family`, `family:revision` or an ARN.
        task_definition: Option<String>,
        /// Desired count.
        desired_count: Option<i32>,
        /// `{"awsvpcConfiguration": {...}}` as the API names it.
        network_configuration: Option<Value>,
        /// `--force-new-deployment`.
        force_new_deployment: bool,
    },
    /// Another workload's addresses: network interfaces created in a subnet
    /// (tagged with the sandbox and the run) until `leave` addresses are free.
    OccupyIps {
        /// Subnet id.
        subnet_id: String,
        /// Free addresses to leave.
        leave: u32,
        /// Each interface's description (`${uuid}` differs per interface).
        description: String,
    },
}

impl Action {
    /// The resource the guard checks for this change.
    pub fn target(&self) -> Target {
        match self {
            Action::DeleteRoute { route_table_id, .. }
            | Action::CreateRoute { route_table_id, .. } => {
                Target::RouteTable(route_table_id.clone())
            }
            Action::PutRetentionPolicy { name, .. } => Target::LogGroup(name.clone()),
            Action::RegisterTaskDefinition { input } => {
                Target::Family(input["family"].as_str().unwrap_or_default().to_string())
            }
            Action::UpdateService {
                cluster, service, ..
            } => Target::Service {
                cluster: cluster.clone(),
                service: service.clone(),
            },
            Action::OccupyIps { subnet_id, .. } => Target::Subnet(subnet_id.clone()),
            Action::DetachRolePolicy { role_name, .. }
            | Action::AttachRolePolicy { role_name, .. }
            | Action::PutRolePolicy { role_name, .. }
            | Action::DeleteRolePolicy { role_name, .. }
            | Action::UpdateAssumeRolePolicy { role_name, .. } => Target::Role(role_name.clone()),
            Action::CreatePolicy { name, .. } => Target::New {
                kind: "policy",
                name: name.clone(),
            },
            Action::CreateLogGroup { name } => Target::New {
                kind: "log group",
                name: name.clone(),
            },
            Action::Deploy {
                cluster, service, ..
            }
            | Action::ForceDeployment { cluster, service } => Target::Service {
                cluster: cluster.clone(),
                service: service.clone(),
            },
        }
    }
}

/// A step of a live run: what it is for, and the change.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The scenario's note.
    pub note: String,
    /// The change.
    pub action: Action,
}

/// Why a live change did not happen (or did not finish).
#[derive(Debug, thiserror::Error)]
pub enum LiveFailure {
    /// The guard refused; nothing was sent.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// AWS (or the client) refused a request.
    #[error("{0}")]
    Aws(#[from] CommandError),
    /// The journal could not be written or read.
    #[error("journal: {0}")]
    Journal(#[from] std::io::Error),
}

impl From<ArgError> for LiveFailure {
    fn from(e: ArgError) -> LiveFailure {
        LiveFailure::Aws(e.into())
    }
}

/// Where the crash hook fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DieAt {
    /// The journal step.
    pub seq: usize,
    /// After the mutation was sent (else: after the record, before sending).
    pub sent: bool,
}

impl DieAt {
    /// Reads [`DIE_AFTER_VAR`] (`n` or `n+`).
    pub fn from_env() -> Option<DieAt> {
        let v = std::env::var(DIE_AFTER_VAR).ok()?;
        let (n, sent) = match v.strip_suffix('+') {
            Some(n) => (n, true),
            None => (v.as_str(), false),
        };
        Some(DieAt {
            seq: n.trim().parse().ok()?,
            sent,
        })
    }
}

/// Applies steps to the sandbox, through the guard and the journal.
pub struct Injector<'a> {
    live: &'a LiveAccount,
    guard: &'a Guard<'a>,
    journal: Journal,
    run: String,
    die: Option<DieAt>,
}

impl<'a> Injector<'a> {
    /// An injector for run `run`, writing `journal` (the crash hook from the environment).
    pub fn new(
        live: &'a LiveAccount,
        guard: &'a Guard<'a>,
        journal: Journal,
        run: &str,
    ) -> Injector<'a> {
        Injector {
            live,
            guard,
            journal,
            run: run.to_string(),
            die: DieAt::from_env(),
        }
    }

    /// The journal being written.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    fn hook(&self, seq: usize, sent: bool) {
        if self.die == Some(DieAt { seq, sent }) {
            // A test stands for `kill -9`: no unwinding, no flushing, no cleanup.
            std::process::abort();
        }
    }

    /// The one gate of every mutation: the guard, then (reading the state
    /// it will change) the undo record on disk, then the request. Returns
    /// what the request returned.
    pub(super) fn mutate<Fut, T>(
        &mut self,
        note: &str,
        target: &Target,
        undo: impl FnOnce() -> Result<Undo, LiveFailure>,
        send: Fut,
    ) -> Result<T, LiveFailure>
    where
        Fut: Future<Output = Result<T, CommandError>>,
    {
        self.guard.check(note, target)?;
        let undo = undo()?;
        let seq = self.journal.step(note, undo)?;
        self.hook(seq, false);
        let out = self.live.block_on(send)?;
        self.journal.append(&Entry::Sent { seq })?;
        self.hook(seq, true);
        Ok(out)
    }

    /// The run id (the `faultline:run` tag's value of what it creates).
    pub fn run(&self) -> &str {
        &self.run
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crash_hook_reads_a_step_and_a_phase() {
        // Parsing only: the variable is not set in the test environment.
        assert_eq!(std::env::var(DIE_AFTER_VAR).ok(), None);
        assert_eq!(DieAt::from_env(), None);
    }
}
