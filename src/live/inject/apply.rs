//! Applying one step: the routes, IAM and CloudWatch Logs actions, each
//! through [`Injector::mutate`].

use super::state::{inline_policy, route_target};
use super::{Action, Injector, LiveFailure, Step};
use crate::aws::{ArgError, CommandError};
use crate::live::guard::Target;
use crate::live::journal::Undo;
use crate::live::sdk_error;
use crate::live::stack::{RUN_TAG, SANDBOX_TAG};

impl Injector<'_> {
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
}
