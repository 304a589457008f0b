//! `live reset`: the sandbox's baseline restored without a journal.

use super::state::{run_log_groups, run_policies, ANY_RUN};
use super::undo::restore;
use super::LiveFailure;
use crate::aws::ArgError;
use crate::live::guard::Guard;
use crate::live::journal::Undo;
use crate::live::LiveAccount;

/// Restores the sandbox's baseline without a journal: the default routes
/// of the stack's route tables, the execution role's managed policy, the
/// service's task definition; and removes what runs created (policies,
/// task definition revisions and log groups tagged `faultline:run`). Each
/// change passes the guard and checks the current state first.
pub fn reset(
    live: &LiveAccount,
    guard: &Guard,
    stack: &crate::live::stack::Stack,
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
