//! Applying one action: the dispatch, and the routes, IAM and CloudWatch
//! Logs actions, each through [`Injector::mutate`].

use super::state::{inline_policy, retention, route_target, trust_policy};
use super::{Action, Injector, LiveFailure, Step};
use crate::aws::{ArgError, CommandError};
use crate::live::guard::Target;
use crate::live::journal::Undo;
use crate::live::sdk_error;
use crate::live::stack::{RUN_TAG, SANDBOX_TAG};
use serde_json::{json, Value};

impl Injector<'_> {
    /// Applies one step of a scenario (one or more mutations).
    pub fn apply(&mut self, step: &Step) -> Result<(), LiveFailure> {
        self.apply_action(&step.note, &step.action).map(|_| ())
    }

    /// The gate of every live change, a player's `fix` included: each
    /// mutation of `action` passes the guard, has its undo record journaled,
    /// then is sent. Returns AWS's answer as the AWS CLI prints it (`{}`
    /// for operations that print nothing; `{"Return": true}` for
    /// `create-route`; `{"taskDefinition": ..., "tags": ...}`,
    /// `{"service": ...}` for ECS).
    pub fn apply_action(&mut self, note: &str, action: &Action) -> Result<Value, LiveFailure> {
        match action {
            Action::Deploy {
                cluster,
                service,
                set,
                unset,
            } => self
                .deploy(note, cluster, service, set, unset)
                .map(|()| json!({})),
            Action::CreateRoute {
                route_table_id,
                destination_cidr_block,
                target,
            } => self.create_route(note, route_table_id, destination_cidr_block, target),
            Action::OccupyIps {
                subnet_id,
                leave,
                description,
            } => self.occupy(note, subnet_id, *leave, description),
            Action::RegisterTaskDefinition { input } => self.register(note, input),
            Action::UpdateService {
                cluster,
                service,
                task_definition,
                desired_count,
                network_configuration,
                force_new_deployment,
            } => self.update_service(
                note,
                cluster,
                service,
                &super::deploy::ServiceChange {
                    task_definition: task_definition.clone(),
                    desired_count: *desired_count,
                    network_configuration: network_configuration.clone(),
                    force_new_deployment: *force_new_deployment,
                },
            ),
            Action::PutRetentionPolicy { name, days } => self.put_retention(note, name, *days),
            other => self.simple(note, other).map(|()| json!({})),
        }
    }

    /// The actions of one request whose answer prints nothing.
    fn simple(&mut self, note: &str, action: &Action) -> Result<(), LiveFailure> {
        let c = self.live.clients.clone();
        match action {
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
            Action::UpdateAssumeRolePolicy {
                role_name,
                document,
            } => {
                let live = self.live;
                let undo = || {
                    Ok(Undo::UpdateAssumeRolePolicy {
                        role_name: role_name.clone(),
                        document: live.block_on(trust_policy(live, role_name))?,
                    })
                };
                let doc = document.to_string();
                let send = async {
                    c.iam
                        .update_assume_role_policy()
                        .role_name(role_name)
                        .policy_document(doc)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("UpdateAssumeRolePolicy", e))
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
            other => Err(ArgError(format!("{other:?} is not a one-request action")).into()),
        }
    }

    /// `logs put-retention-policy` (undo: the retention before).
    fn put_retention(&mut self, note: &str, name: &str, days: i32) -> Result<Value, LiveFailure> {
        let c = self.live.clients.clone();
        let target = Target::LogGroup(name.to_string());
        // Reading the retention before the guard would answer for a refused account.
        self.guard.check(note, &target)?;
        let before = self.live.block_on(retention(self.live, name))?;
        let undo = Undo::PutRetentionPolicy {
            name: name.to_string(),
            days: before.flatten(),
        };
        let send = async {
            c.logs
                .put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days)
                .send()
                .await
                .map(|_| json!({}))
                .map_err(|e| sdk_error("PutRetentionPolicy", e))
        };
        self.mutate(note, &target, || Ok(undo), send)
    }
}
