//! Injecting a scenario's fault into the sandbox, and undoing it. Every
//! mutation goes through one gate ([`Injector::mutate`]): the guard checks
//! it, its undo record is appended to the journal and fsync'ed, and only
//! then is it sent. [`undo`] replays a journal's undo records newest first;
//! each checks the current state, so undoing twice, or undoing a step whose
//! mutation never reached AWS, is not an error.
//!
//! Test hook: with `FAULTLINE_LIVE_DIE_AFTER=n` the process aborts right
//! after journal step `n` is on disk (before its mutation is sent); with
//! `n+`, right after the mutation was sent.

use super::guard::{Guard, Refusal, Target};
use super::journal::{self, Entry, Journal, Undo};
use super::shape::ecs_json;
use super::stack::{RUN_TAG, SANDBOX_TAG};
use super::{sdk_error, LiveAccount};
use crate::aws::{ArgError, CommandError};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

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
}

impl Action {
    /// The resource the guard checks for this change.
    pub fn target(&self) -> Target {
        match self {
            Action::DeleteRoute { route_table_id, .. } => {
                Target::RouteTable(route_table_id.clone())
            }
            Action::DetachRolePolicy { role_name, .. }
            | Action::AttachRolePolicy { role_name, .. }
            | Action::PutRolePolicy { role_name, .. }
            | Action::DeleteRolePolicy { role_name, .. } => Target::Role(role_name.clone()),
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
    /// it will change) the undo record on disk, then the request.
    fn mutate<Fut>(
        &mut self,
        note: &str,
        target: &Target,
        undo: impl FnOnce() -> Result<Undo, LiveFailure>,
        send: Fut,
    ) -> Result<(), LiveFailure>
    where
        Fut: Future<Output = Result<(), CommandError>>,
    {
        self.guard.check(note, target)?;
        let undo = undo()?;
        let seq = self.journal.step(note, undo)?;
        self.hook(seq, false);
        self.live.block_on(send)?;
        self.journal.append(&Entry::Sent { seq })?;
        self.hook(seq, true);
        Ok(())
    }

    /// Applies one step (one or two mutations).
    pub fn apply(&mut self, step: &Step) -> Result<(), LiveFailure> {
        let c = self.live.clients.clone();
        let note = step.note.as_str();
        match &step.action {
            Action::DeleteRoute {
                route_table_id,
                destination_cidr_block,
            } => {
                let live = self.live;
                let undo = || {
                    let target = live
                        .block_on(route_target(live, route_table_id, destination_cidr_block))?
                        .ok_or_else(|| {
                            CommandError::from(crate::aws::AwsError::new(
                                "InvalidRoute.NotFound",
                                "DeleteRoute",
                                format!(
                                    "no route with destination-cidr-block {destination_cidr_block} in route table {route_table_id}"
                                ),
                            ))
                        })?;
                    Ok(Undo::CreateRoute {
                        route_table_id: route_table_id.clone(),
                        destination_cidr_block: destination_cidr_block.clone(),
                        target,
                    })
                };
                let send = async {
                    c.ec2
                        .delete_route()
                        .route_table_id(route_table_id)
                        .destination_cidr_block(destination_cidr_block)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("DeleteRoute", e))
                };
                self.mutate(
                    note,
                    &Target::RouteTable(route_table_id.clone()),
                    undo,
                    send,
                )
            }
            Action::DetachRolePolicy {
                role_name,
                policy_arn,
            } => {
                let undo = Undo::AttachRolePolicy {
                    role_name: role_name.clone(),
                    policy_arn: policy_arn.clone(),
                };
                let send = async {
                    c.iam
                        .detach_role_policy()
                        .role_name(role_name)
                        .policy_arn(policy_arn)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("DetachRolePolicy", e))
                };
                self.mutate(note, &Target::Role(role_name.clone()), || Ok(undo), send)
            }
            Action::AttachRolePolicy {
                role_name,
                policy_arn,
            } => {
                let undo = Undo::DetachRolePolicy {
                    role_name: role_name.clone(),
                    policy_arn: policy_arn.clone(),
                };
                let send = async {
                    c.iam
                        .attach_role_policy()
                        .role_name(role_name)
                        .policy_arn(policy_arn)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("AttachRolePolicy", e))
                };
                self.mutate(note, &Target::Role(role_name.clone()), || Ok(undo), send)
            }
            Action::CreatePolicy { name, document } => {
                let guard = self.guard;
                let undo = || {
                    Ok(Undo::DeletePolicy {
                        policy_arn: format!("arn:aws:iam::{}:policy/{name}", guard.account()?),
                    })
                };
                let tags = [
                    (SANDBOX_TAG, self.guard.policy().stack.as_str()),
                    (RUN_TAG, self.run.as_str()),
                ]
                .map(|(k, v)| aws_sdk_iam::types::Tag::builder().key(k).value(v).build());
                let tags = tags
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| ArgError(e.to_string()))?;
                let doc = document.to_string();
                let send = async {
                    c.iam
                        .create_policy()
                        .policy_name(name)
                        .policy_document(doc)
                        .set_tags(Some(tags))
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("CreatePolicy", e))
                };
                let target = Target::New {
                    kind: "policy",
                    name: name.clone(),
                };
                self.mutate(note, &target, undo, send)
            }
            Action::PutRolePolicy {
                role_name,
                policy_name,
                document,
            } => {
                let live = self.live;
                let undo = || {
                    Ok(
                        match live.block_on(inline_policy(live, role_name, policy_name))? {
                            Some(doc) => Undo::PutRolePolicy {
                                role_name: role_name.clone(),
                                policy_name: policy_name.clone(),
                                document: doc,
                            },
                            None => Undo::DeleteRolePolicy {
                                role_name: role_name.clone(),
                                policy_name: policy_name.clone(),
                            },
                        },
                    )
                };
                let doc = document.to_string();
                let send = async {
                    c.iam
                        .put_role_policy()
                        .role_name(role_name)
                        .policy_name(policy_name)
                        .policy_document(doc)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("PutRolePolicy", e))
                };
                self.mutate(note, &Target::Role(role_name.clone()), undo, send)
            }
            Action::DeleteRolePolicy {
                role_name,
                policy_name,
            } => {
                let live = self.live;
                let undo = || {
                    let Some(doc) = live.block_on(inline_policy(live, role_name, policy_name))?
                    else {
                        return Err(CommandError::from(crate::aws::AwsError::new(
                            "NoSuchEntity",
                            "DeleteRolePolicy",
                            format!("The role policy with name {policy_name} cannot be found."),
                        ))
                        .into());
                    };
                    Ok(Undo::PutRolePolicy {
                        role_name: role_name.clone(),
                        policy_name: policy_name.clone(),
                        document: doc,
                    })
                };
                let send = async {
                    c.iam
                        .delete_role_policy()
                        .role_name(role_name)
                        .policy_name(policy_name)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("DeleteRolePolicy", e))
                };
                self.mutate(note, &Target::Role(role_name.clone()), undo, send)
            }
            Action::CreateLogGroup { name } => {
                let undo = || Ok(Undo::DeleteLogGroup { name: name.clone() });
                let stack = self.guard.policy().stack.clone();
                let run = self.run.clone();
                let send = async {
                    c.logs
                        .create_log_group()
                        .log_group_name(name)
                        .tags(SANDBOX_TAG, stack)
                        .tags(RUN_TAG, run)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("CreateLogGroup", e))
                };
                let target = Target::New {
                    kind: "log group",
                    name: name.clone(),
                };
                self.mutate(note, &target, undo, send)
            }
            Action::ForceDeployment { cluster, service } => {
                let send = async {
                    c.ecs
                        .update_service()
                        .cluster(cluster)
                        .service(service)
                        .force_new_deployment(true)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("UpdateService", e))
                };
                let target = Target::Service {
                    cluster: cluster.clone(),
                    service: service.clone(),
                };
                self.mutate(note, &target, || Ok(Undo::Nothing), send)
            }
            Action::Deploy {
                cluster,
                service,
                set,
                unset,
            } => self.deploy(note, cluster, service, set, unset),
        }
    }

    /// A deployment: register a changed revision (undo: deregister the run's
    /// revisions), then point the service at it (undo: the revision before).
    fn deploy(
        &mut self,
        note: &str,
        cluster: &str,
        service: &str,
        set: &BTreeMap<String, Value>,
        unset: &[String],
    ) -> Result<(), LiveFailure> {
        let c = self.live.clients.clone();
        // The gate checks each mutation; checking first keeps the reads below
        // from answering for an account or region the guard would refuse.
        self.guard.check(
            note,
            &Target::Service {
                cluster: cluster.to_string(),
                service: service.to_string(),
            },
        )?;
        let current = self
            .live
            .block_on(service_task_definition(self.live, cluster, service))?;
        let described = self
            .live
            .block_on(
                c.ecs
                    .describe_task_definition()
                    .task_definition(&current)
                    .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
                    .send(),
            )
            .map_err(|e| sdk_error("DescribeTaskDefinition", e))?;
        let out = ecs_json(&described);
        let mut td = out["taskDefinition"].clone();
        for (path, value) in set {
            set_path(&mut td, path, Some(value.clone())).map_err(ArgError)?;
        }
        for path in unset {
            set_path(&mut td, path, None).map_err(ArgError)?;
        }
        let family = td["family"].as_str().unwrap_or_default().to_string();
        let mut input = serde_json::Map::new();
        for key in REGISTER_MEMBERS {
            if let Some(v) = td.get(*key).filter(|v| !v.is_null()) {
                input.insert(key.to_string(), v.clone());
            }
        }
        let mut tags: Vec<Value> = out["tags"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t["key"] != RUN_TAG && t["key"] != SANDBOX_TAG)
            .collect();
        tags.push(json!({"key": SANDBOX_TAG, "value": self.guard.policy().stack}));
        tags.push(json!({"key": RUN_TAG, "value": self.run}));
        input.insert("tags".into(), Value::Array(tags));
        let i = super::shape::ecs_from_json(
            &Value::Object(input),
            aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionInput::deserialize,
        )
        .map_err(|e| ArgError(format!("the changed task definition does not read back: {e}")))?;

        let registered = std::cell::RefCell::new(None);
        let send = async {
            let o = c
                .ecs
                .register_task_definition()
                .set_family(i.family)
                .set_task_role_arn(i.task_role_arn)
                .set_execution_role_arn(i.execution_role_arn)
                .set_network_mode(i.network_mode)
                .set_container_definitions(i.container_definitions)
                .set_volumes(i.volumes)
                .set_placement_constraints(i.placement_constraints)
                .set_requires_compatibilities(i.requires_compatibilities)
                .set_cpu(i.cpu)
                .set_memory(i.memory)
                .set_tags(i.tags)
                .set_pid_mode(i.pid_mode)
                .set_ipc_mode(i.ipc_mode)
                .set_proxy_configuration(i.proxy_configuration)
                .set_ephemeral_storage(i.ephemeral_storage)
                .set_runtime_platform(i.runtime_platform)
                .set_enable_fault_injection(i.enable_fault_injection)
                .send()
                .await
                .map_err(|e| sdk_error("RegisterTaskDefinition", e))?;
            *registered.borrow_mut() = o.task_definition.and_then(|t| t.task_definition_arn);
            Ok(())
        };
        let undo = Undo::DeregisterRunRevisions {
            family: family.clone(),
            run: self.run.clone(),
        };
        self.mutate(
            &format!("{note} (register a revision of {family})"),
            &Target::Family(family.clone()),
            || Ok(undo),
            send,
        )?;
        let new_arn = registered
            .into_inner()
            .ok_or_else(|| ArgError("RegisterTaskDefinition returned no ARN".into()))?;
        let undo = Undo::RestoreService {
            cluster: cluster.to_string(),
            service: service.to_string(),
            task_definition: current,
        };
        let send = async {
            c.ecs
                .update_service()
                .cluster(cluster)
                .service(service)
                .task_definition(&new_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_error("UpdateService", e))
        };
        let target = Target::Service {
            cluster: cluster.to_string(),
            service: service.to_string(),
        };
        self.mutate(
            &format!("{note} (update the service to {new_arn})"),
            &target,
            || Ok(undo),
            send,
        )
    }
}

/// The members of a described task definition that RegisterTaskDefinition takes.
const REGISTER_MEMBERS: &[&str] = &[
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "ephemeralStorage",
    "runtimePlatform",
    "enableFaultInjection",
];

/// Sets (or with None removes) the value at a field path
/// (`containerDefinitions[0].logConfiguration.options.awslogs-group`).
fn set_path(v: &mut Value, path: &str, value: Option<Value>) -> Result<(), String> {
    use crate::scenario::locate::{parse_path, Step as P};
    let steps = parse_path(path).ok_or_else(|| format!("'{path}' is not a field path"))?;
    let Some((last, init)) = steps.split_last() else {
        return Err("the path is empty".into());
    };
    let mut cur = v;
    for s in init {
        cur = match s {
            P::Key(k) => {
                let m = cur
                    .as_object_mut()
                    .ok_or_else(|| format!("'{path}': '{k}' is not inside an object"))?;
                m.entry(k.clone()).or_insert_with(|| json!({}))
            }
            P::Index(i) => cur
                .get_mut(*i)
                .ok_or_else(|| format!("'{path}': no element [{i}]"))?,
        };
    }
    match (last, value) {
        (P::Key(k), Some(val)) => {
            cur.as_object_mut()
                .ok_or_else(|| format!("'{path}': not an object"))?
                .insert(k.clone(), val);
        }
        (P::Key(k), None) => {
            if let Some(m) = cur.as_object_mut() {
                m.remove(k);
            }
        }
        (P::Index(i), Some(val)) => {
            let a = cur
                .as_array_mut()
                .ok_or_else(|| format!("'{path}': not a list"))?;
            match a.len() {
                n if *i < n => a[*i] = val,
                n if *i == n => a.push(val),
                n => {
                    return Err(format!(
                        "'{path}': index {i} is past the end ({n} elements)"
                    ))
                }
            }
        }
        (P::Index(i), None) => {
            let a = cur
                .as_array_mut()
                .ok_or_else(|| format!("'{path}': not a list"))?;
            if *i < a.len() {
                a.remove(*i);
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------- state reads

/// The target of a route, as `(member, id)`: `("NatGatewayId", "nat-...")`.
async fn route_target(
    live: &LiveAccount,
    table: &str,
    cidr: &str,
) -> Result<Option<(String, String)>, CommandError> {
    let o = live
        .clients
        .ec2
        .describe_route_tables()
        .route_table_ids(table)
        .send()
        .await
        .map_err(|e| sdk_error("DescribeRouteTables", e))?;
    let route = o
        .route_tables
        .unwrap_or_default()
        .into_iter()
        .flat_map(|t| t.routes.unwrap_or_default())
        .find(|r| r.destination_cidr_block.as_deref() == Some(cidr));
    Ok(route.and_then(|r| {
        let candidates = [
            ("NatGatewayId", r.nat_gateway_id),
            ("GatewayId", r.gateway_id),
            ("TransitGatewayId", r.transit_gateway_id),
            ("NetworkInterfaceId", r.network_interface_id),
            ("VpcPeeringConnectionId", r.vpc_peering_connection_id),
            ("InstanceId", r.instance_id),
            (
                "EgressOnlyInternetGatewayId",
                r.egress_only_internet_gateway_id,
            ),
        ];
        candidates
            .into_iter()
            .find_map(|(k, v)| v.map(|v| (k.to_string(), v)))
    }))
}

/// An inline policy's document, or None when the role has no such policy.
async fn inline_policy(
    live: &LiveAccount,
    role: &str,
    name: &str,
) -> Result<Option<Value>, CommandError> {
    let r = live
        .clients
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await;
    match r {
        Ok(o) => {
            let text = super::read::percent_decode(&o.policy_document);
            Ok(Some(
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            ))
        }
        Err(e) if aws_sdk_iam::error::ProvideErrorMetadata::code(&e) == Some("NoSuchEntity") => {
            Ok(None)
        }
        Err(e) => Err(sdk_error("GetRolePolicy", e)),
    }
}

/// The task definition ARN a service runs.
async fn service_task_definition(
    live: &LiveAccount,
    cluster: &str,
    service: &str,
) -> Result<String, CommandError> {
    let o = live
        .clients
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| sdk_error("DescribeServices", e))?;
    o.services
        .unwrap_or_default()
        .into_iter()
        .next()
        .and_then(|s| s.task_definition)
        .ok_or_else(|| {
            crate::aws::AwsError::new(
                "ServiceNotFoundException",
                "DescribeServices",
                format!("Service {service} not found in cluster {cluster}."),
            )
            .into()
        })
}

// ------------------------------------------------------------------- undo

/// What undoing one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The journal step.
    pub seq: usize,
    /// What was done, or why nothing needed doing.
    pub what: String,
}

/// Undoes a run from its journal: every step's undo record, newest first,
/// each through the guard and each checking the current state first. Marks
/// the journal undone.
pub fn undo(
    live: &LiveAccount,
    guard: &Guard,
    journal_path: &Path,
) -> Result<Vec<Restored>, LiveFailure> {
    let entries = journal::read(journal_path)?;
    let mut steps: Vec<(usize, String, Undo)> = entries
        .into_iter()
        .filter_map(|e| match e {
            Entry::Step { seq, note, undo } => Some((seq, note, undo)),
            _ => None,
        })
        .collect();
    steps.sort_by_key(|(seq, _, _)| std::cmp::Reverse(*seq));
    let mut report = Vec::new();
    for (seq, note, u) in steps {
        let what = restore(live, guard, &note, &u)?;
        report.push(Restored { seq, what });
    }
    let mut j = Journal::reopen(journal_path)?;
    j.append(&Entry::Undone {
        at: journal::unix_now(),
    })?;
    Ok(report)
}

/// Sends one undo mutation through the guard.
fn send_undo<Fut>(
    live: &LiveAccount,
    guard: &Guard,
    action: &str,
    target: &Target,
    send: Fut,
) -> Result<(), LiveFailure>
where
    Fut: Future<Output = Result<(), CommandError>>,
{
    guard.check(action, target)?;
    live.block_on(send)?;
    Ok(())
}

fn restore(live: &LiveAccount, guard: &Guard, note: &str, u: &Undo) -> Result<String, LiveFailure> {
    let c = live.clients.clone();
    let undo_of = format!("undo '{note}'");
    Ok(match u {
        Undo::Nothing => "nothing to undo".into(),
        Undo::CreateRoute {
            route_table_id,
            destination_cidr_block,
            target: (member, id),
        } => {
            let now = live.block_on(route_target(live, route_table_id, destination_cidr_block))?;
            if now.as_ref() == Some(&(member.clone(), id.clone())) {
                return Ok(format!(
                    "route {destination_cidr_block} -> {id} in {route_table_id} already present"
                ));
            }
            let replace = now.is_some();
            let send = async {
                macro_rules! with_target {
                    ($b:expr) => {{
                        let b = $b
                            .route_table_id(route_table_id)
                            .destination_cidr_block(destination_cidr_block);
                        match member.as_str() {
                            "NatGatewayId" => b.nat_gateway_id(id),
                            "TransitGatewayId" => b.transit_gateway_id(id),
                            "NetworkInterfaceId" => b.network_interface_id(id),
                            "VpcPeeringConnectionId" => b.vpc_peering_connection_id(id),
                            "InstanceId" => b.instance_id(id),
                            "EgressOnlyInternetGatewayId" => b.egress_only_internet_gateway_id(id),
                            _ => b.gateway_id(id),
                        }
                    }};
                }
                if replace {
                    with_target!(c.ec2.replace_route())
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("ReplaceRoute", e))
                } else {
                    with_target!(c.ec2.create_route())
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("CreateRoute", e))
                }
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::RouteTable(route_table_id.clone()),
                send,
            )?;
            format!("restored route {destination_cidr_block} -> {id} in {route_table_id}")
        }
        Undo::DeleteRoute {
            route_table_id,
            destination_cidr_block,
        } => {
            if live
                .block_on(route_target(live, route_table_id, destination_cidr_block))?
                .is_none()
            {
                return Ok(format!(
                    "route {destination_cidr_block} in {route_table_id} already absent"
                ));
            }
            let send = async {
                c.ec2
                    .delete_route()
                    .route_table_id(route_table_id)
                    .destination_cidr_block(destination_cidr_block)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("DeleteRoute", e))
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::RouteTable(route_table_id.clone()),
                send,
            )?;
            format!("deleted route {destination_cidr_block} from {route_table_id}")
        }
        Undo::AttachRolePolicy {
            role_name,
            policy_arn,
        } => {
            if live
                .block_on(attached(live, role_name))?
                .contains(policy_arn)
            {
                return Ok(format!("{policy_arn} already attached to {role_name}"));
            }
            let send = async {
                c.iam
                    .attach_role_policy()
                    .role_name(role_name)
                    .policy_arn(policy_arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("AttachRolePolicy", e))
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::Role(role_name.clone()),
                send,
            )?;
            format!("attached {policy_arn} to {role_name} again")
        }
        Undo::DetachRolePolicy {
            role_name,
            policy_arn,
        } => {
            if !live
                .block_on(attached(live, role_name))?
                .contains(policy_arn)
            {
                return Ok(format!("{policy_arn} already detached from {role_name}"));
            }
            let send = async {
                c.iam
                    .detach_role_policy()
                    .role_name(role_name)
                    .policy_arn(policy_arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("DetachRolePolicy", e))
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::Role(role_name.clone()),
                send,
            )?;
            format!("detached {policy_arn} from {role_name}")
        }
        Undo::DeletePolicy { policy_arn } => {
            let exists = live.block_on(c.iam.get_policy().policy_arn(policy_arn).send());
            match exists {
                Err(e)
                    if aws_sdk_iam::error::ProvideErrorMetadata::code(&e)
                        == Some("NoSuchEntity") =>
                {
                    return Ok(format!("policy {policy_arn} already deleted"));
                }
                Err(e) => return Err(sdk_error("GetPolicy", e).into()),
                Ok(_) => {}
            }
            let send = async {
                let versions = c
                    .iam
                    .list_policy_versions()
                    .policy_arn(policy_arn)
                    .send()
                    .await
                    .map_err(|e| sdk_error("ListPolicyVersions", e))?;
                for v in versions.versions.unwrap_or_default() {
                    if !v.is_default_version {
                        if let Some(id) = v.version_id {
                            c.iam
                                .delete_policy_version()
                                .policy_arn(policy_arn)
                                .version_id(id)
                                .send()
                                .await
                                .map_err(|e| sdk_error("DeletePolicyVersion", e))?;
                        }
                    }
                }
                c.iam
                    .delete_policy()
                    .policy_arn(policy_arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("DeletePolicy", e))
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::ManagedPolicy(policy_arn.clone()),
                send,
            )?;
            format!("deleted policy {policy_arn}")
        }
        Undo::PutRolePolicy {
            role_name,
            policy_name,
            document,
        } => {
            if live
                .block_on(inline_policy(live, role_name, policy_name))?
                .as_ref()
                == Some(document)
            {
                return Ok(format!(
                    "inline policy {policy_name} of {role_name} already as it was"
                ));
            }
            let doc = document.to_string();
            let send = async {
                c.iam
                    .put_role_policy()
                    .role_name(role_name)
                    .policy_name(policy_name)
                    .policy_document(doc)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("PutRolePolicy", e))
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::Role(role_name.clone()),
                send,
            )?;
            format!("put back inline policy {policy_name} of {role_name}")
        }
        Undo::DeleteRolePolicy {
            role_name,
            policy_name,
        } => {
            if live
                .block_on(inline_policy(live, role_name, policy_name))?
                .is_none()
            {
                return Ok(format!(
                    "inline policy {policy_name} of {role_name} already absent"
                ));
            }
            let send = async {
                c.iam
                    .delete_role_policy()
                    .role_name(role_name)
                    .policy_name(policy_name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("DeleteRolePolicy", e))
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::Role(role_name.clone()),
                send,
            )?;
            format!("deleted inline policy {policy_name} of {role_name}")
        }
        Undo::DeregisterRunRevisions { family, run } => {
            let mine = live.block_on(run_revisions(live, family, run))?;
            if mine.is_empty() {
                return Ok(format!("no revision of {family} from run {run} is active"));
            }
            for arn in &mine {
                let send = async {
                    c.ecs
                        .deregister_task_definition()
                        .task_definition(arn)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("DeregisterTaskDefinition", e))
                };
                send_undo(live, guard, &undo_of, &Target::Family(family.clone()), send)?;
            }
            format!("deregistered {}", mine.join(", "))
        }
        Undo::RestoreService {
            cluster,
            service,
            task_definition,
        } => {
            let now = live.block_on(service_task_definition(live, cluster, service))?;
            if &now == task_definition {
                return Ok(format!("service {service} already on {task_definition}"));
            }
            let send = async {
                c.ecs
                    .update_service()
                    .cluster(cluster)
                    .service(service)
                    .task_definition(task_definition)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("UpdateService", e))
            };
            let target = Target::Service {
                cluster: cluster.clone(),
                service: service.clone(),
            };
            send_undo(live, guard, &undo_of, &target, send)?;
            format!("service {service} back on {task_definition}")
        }
        Undo::DeleteLogGroup { name } => {
            let exists = live
                .block_on(
                    c.logs
                        .describe_log_groups()
                        .log_group_name_prefix(name)
                        .send(),
                )
                .map_err(|e| sdk_error("DescribeLogGroups", e))?
                .log_groups
                .unwrap_or_default()
                .iter()
                .any(|g| g.log_group_name.as_deref() == Some(name.as_str()));
            if !exists {
                return Ok(format!("log group {name} already absent"));
            }
            let send = async {
                c.logs
                    .delete_log_group()
                    .log_group_name(name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk_error("DeleteLogGroup", e))
            };
            send_undo(live, guard, &undo_of, &Target::LogGroup(name.clone()), send)?;
            format!("deleted log group {name}")
        }
    })
}

/// Restores the sandbox's baseline without a journal: the default routes
/// of the stack's route tables, the execution role's managed policy, the
/// service's task definition; and removes what runs created (policies,
/// task definition revisions and log groups tagged `faultline:run`). Each
/// change passes the guard and checks the current state first.
pub fn reset(
    live: &LiveAccount,
    guard: &Guard,
    stack: &super::stack::Stack,
) -> Result<Vec<String>, LiveFailure> {
    let out = |k: &str| stack.output(k).map(str::to_string).map_err(ArgError);
    let mut plan: Vec<Undo> = Vec::new();
    let nat = out("NatGatewayId")?;
    for key in [
        "PrivateRouteTableA",
        "PrivateRouteTableB",
        "ExhaustRouteTable",
    ] {
        plan.push(Undo::CreateRoute {
            route_table_id: out(key)?,
            destination_cidr_block: "0.0.0.0/0".into(),
            target: ("NatGatewayId".into(), nat.clone()),
        });
    }
    plan.push(Undo::CreateRoute {
        route_table_id: out("PublicRouteTable")?,
        destination_cidr_block: "0.0.0.0/0".into(),
        target: ("GatewayId".into(), out("InternetGatewayId")?),
    });
    let exec = out("ExecutionRoleName")?;
    plan.push(Undo::AttachRolePolicy {
        role_name: exec.clone(),
        policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy".into(),
    });
    let roles = [exec, out("TaskRoleName")?];
    for arn in live.block_on(run_policies(live))? {
        for role in &roles {
            plan.push(Undo::DetachRolePolicy {
                role_name: role.clone(),
                policy_arn: arn.clone(),
            });
        }
        plan.push(Undo::DeletePolicy { policy_arn: arn });
    }
    plan.push(Undo::RestoreService {
        cluster: out("ClusterName")?,
        service: out("ServiceName")?,
        task_definition: out("TaskDefinitionArn")?,
    });
    plan.push(Undo::DeregisterRunRevisions {
        family: out("TaskDefinitionFamily")?,
        run: ANY_RUN.into(),
    });
    for name in live.block_on(run_log_groups(live))? {
        plan.push(Undo::DeleteLogGroup { name });
    }
    let mut done = Vec::new();
    for u in &plan {
        done.push(restore(live, guard, "reset", u)?);
    }
    Ok(done)
}

/// Customer managed policies tagged with a run.
async fn run_policies(live: &LiveAccount) -> Result<Vec<String>, CommandError> {
    let c = &live.clients;
    let list = c
        .iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .send()
        .await
        .map_err(|e| sdk_error("ListPolicies", e))?;
    let mut out = Vec::new();
    for p in list.policies.unwrap_or_default() {
        let Some(arn) = p.arn else { continue };
        let tags = c
            .iam
            .list_policy_tags()
            .policy_arn(&arn)
            .send()
            .await
            .map_err(|e| sdk_error("ListPolicyTags", e))?;
        if tags.tags.iter().any(|t| t.key == RUN_TAG) {
            out.push(arn);
        }
    }
    Ok(out)
}

/// Log groups tagged with a run.
#[allow(deprecated)] // ListTagsLogGroup: moto and every region answer it.
async fn run_log_groups(live: &LiveAccount) -> Result<Vec<String>, CommandError> {
    let c = &live.clients;
    let groups = c
        .logs
        .describe_log_groups()
        .send()
        .await
        .map_err(|e| sdk_error("DescribeLogGroups", e))?;
    let mut out = Vec::new();
    for g in groups.log_groups.unwrap_or_default() {
        let Some(name) = g.log_group_name else {
            continue;
        };
        let tags = c
            .logs
            .list_tags_log_group()
            .log_group_name(&name)
            .send()
            .await
            .map_err(|e| sdk_error("ListTagsLogGroup", e))?;
        if tags.tags.unwrap_or_default().contains_key(RUN_TAG) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The ARNs of the policies attached to a role.
async fn attached(live: &LiveAccount, role: &str) -> Result<Vec<String>, CommandError> {
    let o = live
        .clients
        .iam
        .list_attached_role_policies()
        .role_name(role)
        .send()
        .await
        .map_err(|e| sdk_error("ListAttachedRolePolicies", e))?;
    Ok(o.attached_policies
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.policy_arn)
        .collect())
}

/// The run id that matches every run (for `reset`).
const ANY_RUN: &str = "*";

/// The ACTIVE revisions of `family` tagged `faultline:run=<run>` (any run for [`ANY_RUN`]).
async fn run_revisions(
    live: &LiveAccount,
    family: &str,
    run: &str,
) -> Result<Vec<String>, CommandError> {
    let c = &live.clients;
    let list = c
        .ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
        .send()
        .await
        .map_err(|e| sdk_error("ListTaskDefinitions", e))?;
    let mut out = Vec::new();
    for arn in list.task_definition_arns.unwrap_or_default() {
        let d = c
            .ecs
            .describe_task_definition()
            .task_definition(&arn)
            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(|e| sdk_error("DescribeTaskDefinition", e))?;
        let tagged = d.tags.unwrap_or_default().iter().any(|t| {
            t.key.as_deref() == Some(RUN_TAG) && (run == ANY_RUN || t.value.as_deref() == Some(run))
        });
        if tagged {
            out.push(arn);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_set_and_unset_inside_a_task_definition() {
        let mut td = json!({"containerDefinitions": [{"name": "app", "logConfiguration":
            {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/a"}}}]});
        set_path(
            &mut td,
            "containerDefinitions[0].logConfiguration.options.awslogs-group",
            Some(json!("/ecs/b")),
        )
        .unwrap();
        assert_eq!(
            td["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"],
            "/ecs/b"
        );
        set_path(
            &mut td,
            "runtimePlatform.cpuArchitecture",
            Some(json!("ARM64")),
        )
        .unwrap();
        assert_eq!(td["runtimePlatform"]["cpuArchitecture"], "ARM64");
        set_path(&mut td, "containerDefinitions[0].logConfiguration", None).unwrap();
        assert!(td["containerDefinitions"][0]
            .get("logConfiguration")
            .is_none());
        assert!(set_path(&mut td, "containerDefinitions[3].image", Some(json!("x"))).is_err());
    }

    #[test]
    fn the_crash_hook_reads_a_step_and_a_phase() {
        // Parsing only: the variable is not set in the test environment.
        assert_eq!(std::env::var(DIE_AFTER_VAR).ok(), None);
        assert_eq!(DieAt::from_env(), None);
    }
}
