//! Undoing a run from its journal, newest step first; each undo record
//! checks the current state, so undoing twice changes nothing.

use super::deploy::{send_update, ServiceChange};
use super::state::{
    attached, inline_policy, normal_network, retention, route_target, run_enis, run_revisions,
    service_state, trust_policy,
};
use super::LiveFailure;
use crate::aws::CommandError;
use crate::live::guard::{Guard, Target};
use crate::live::journal::{self, Entry, Journal, Undo};
use crate::live::{sdk_error, LiveAccount};
use std::future::Future;
use std::path::Path;

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
    steps.sort_by_key(|(seq, _, _)| *seq);
    let steps = super::supersede::superseded(steps);
    let mut report = Vec::new();
    for (seq, note, u) in steps.into_iter().rev() {
        let what = match u {
            Some(u) => restore(live, guard, &note, &u)?,
            None => {
                "nothing to undo: an older step of the run changed the same thing and restores it"
                    .into()
            }
        };
        report.push(Restored { seq, what });
    }
    let mut j = Journal::reopen(journal_path)?;
    j.append(&Entry::Undone {
        at: journal::unix_now(),
    })?;
    Ok(report)
}

/// Sends one undo mutation through the guard.
fn send_undo<Fut, T>(
    live: &LiveAccount,
    guard: &Guard,
    action: &str,
    target: &Target,
    send: Fut,
) -> Result<(), LiveFailure>
where
    Fut: Future<Output = Result<T, CommandError>>,
{
    guard.check(action, target)?;
    live.block_on(send)?;
    Ok(())
}

pub(super) fn restore(
    live: &LiveAccount,
    guard: &Guard,
    note: &str,
    u: &Undo,
) -> Result<String, LiveFailure> {
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
            desired_count,
            network_configuration,
        } => {
            let now = live.block_on(service_state(live, cluster, service))?;
            let mut change = ServiceChange::default();
            let mut what = Vec::new();
            if let Some(td) = task_definition
                .as_ref()
                .filter(|td| **td != now.task_definition)
            {
                change.task_definition = Some(td.clone());
                what.push(format!("on {td}"));
            }
            if let Some(n) = desired_count.filter(|n| *n != now.desired_count) {
                change.desired_count = Some(n);
                what.push(format!("desired count {n}"));
            }
            if let Some(net) = network_configuration.as_ref().filter(|net| {
                now.network_configuration.as_ref().map(normal_network) != Some(normal_network(net))
            }) {
                change.network_configuration = Some(net.clone());
                what.push("its network configuration".to_string());
            }
            if change == ServiceChange::default() {
                return Ok(format!("service {service} already as it was"));
            }
            let target = Target::Service {
                cluster: cluster.clone(),
                service: service.clone(),
            };
            send_undo(
                live,
                guard,
                &undo_of,
                &target,
                send_update(&c, cluster, service, &change),
            )?;
            format!("service {service} back: {}", what.join(", "))
        }
        Undo::UpdateAssumeRolePolicy {
            role_name,
            document,
        } => {
            if live.block_on(trust_policy(live, role_name))? == *document {
                return Ok(format!("trust policy of {role_name} already as it was"));
            }
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
            send_undo(
                live,
                guard,
                &undo_of,
                &Target::Role(role_name.clone()),
                send,
            )?;
            format!("put back the trust policy of {role_name}")
        }
        Undo::DeleteRunEnis { subnet_id, run } => {
            let mine = live.block_on(run_enis(live, subnet_id, run))?;
            if mine.is_empty() {
                return Ok(format!(
                    "network interfaces of run {run} in {subnet_id} already deleted"
                ));
            }
            for id in &mine {
                let send = async {
                    c.ec2
                        .delete_network_interface()
                        .network_interface_id(id)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("DeleteNetworkInterface", e))
                };
                send_undo(
                    live,
                    guard,
                    &undo_of,
                    &Target::Subnet(subnet_id.clone()),
                    send,
                )?;
            }
            format!(
                "deleted {} network interfaces of run {run} in {subnet_id}",
                mine.len()
            )
        }
        Undo::PutRetentionPolicy { name, days } => {
            let Some(now) = live.block_on(retention(live, name))? else {
                return Ok(format!("log group {name} already absent"));
            };
            if now == *days {
                return Ok(format!("retention of {name} already as it was"));
            }
            let send = async {
                match days {
                    Some(d) => c
                        .logs
                        .put_retention_policy()
                        .log_group_name(name)
                        .retention_in_days(*d)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("PutRetentionPolicy", e)),
                    None => c
                        .logs
                        .delete_retention_policy()
                        .log_group_name(name)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk_error("DeleteRetentionPolicy", e)),
                }
            };
            send_undo(live, guard, &undo_of, &Target::LogGroup(name.clone()), send)?;
            match days {
                Some(d) => format!("retention of {name} back to {d} days"),
                None => format!("retention of {name} back to never expire"),
            }
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
