//! `live reset`: the sandbox's baseline restored without a journal.

use super::state::{inline_names, run_log_groups, run_policies, ANY_RUN};
use super::undo::restore;
use super::LiveFailure;
use crate::aws::ArgError;
use crate::live::guard::Guard;
use crate::live::journal::Undo;
use crate::live::stack::Stack;
use crate::live::LiveAccount;
use serde_json::{json, Value};

/// Restores the sandbox's baseline without a journal: the default routes
/// of the stack's route tables; the execution role's managed policy, and
/// both roles' inline policies as the template writes them (others
/// deleted); the service's task definition, desired count and network
/// configuration; the retention of the stack's log group; and removes what
/// runs created (network interfaces, policies, task definition revisions
/// and log groups tagged `faultline:run`). Each change passes the guard and
/// checks the current state first.
pub fn reset(live: &LiveAccount, guard: &Guard, stack: &Stack) -> Result<Vec<String>, LiveFailure> {
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
    for role in ["ExecutionRoleName", "TaskRoleName"] {
        plan.push(Undo::UpdateAssumeRolePolicy {
            role_name: out(role)?,
            document: json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }]}),
        });
    }
    let account = guard.account()?.to_string();
    for (role, name, doc) in
        template_inline_policies(stack, &account, crate::aws::Reader::region(live))
    {
        let role = out(role)?;
        for other in live.block_on(inline_names(live, &role))? {
            let template_has = template_inline_policies(stack, &account, "")
                .iter()
                .any(|(r, n, _)| out(r).ok().as_deref() == Some(role.as_str()) && *n == other);
            if !template_has {
                plan.push(Undo::DeleteRolePolicy {
                    role_name: role.clone(),
                    policy_name: other,
                });
            }
        }
        plan.push(Undo::PutRolePolicy {
            role_name: role,
            policy_name: name.to_string(),
            document: doc,
        });
    }
    let desired = match stack.outputs.get("DesiredCount") {
        Some(n) => n.clone(),
        None => stack.parameter("DesiredCount", "2"),
    };
    plan.push(Undo::RestoreService {
        cluster: out("ClusterName")?,
        service: out("ServiceName")?,
        task_definition: Some(out("TaskDefinitionArn")?),
        desired_count: Some(desired.parse().map_err(|_| {
            ArgError(format!(
                "the stack's DesiredCount '{desired}' is not a number"
            ))
        })?),
        network_configuration: Some(json!({"awsvpcConfiguration": {
            "subnets": [out("PrivateSubnetA")?, out("PrivateSubnetB")?],
            "securityGroups": [out("TaskSecurityGroupId")?],
            "assignPublicIp": "DISABLED",
        }})),
    });
    for key in [
        "PrivateSubnetA",
        "PrivateSubnetB",
        "ExhaustSubnet",
        "PublicSubnetA",
        "PublicSubnetB",
    ] {
        plan.push(Undo::DeleteRunEnis {
            subnet_id: out(key)?,
            run: ANY_RUN.into(),
        });
    }
    let days = stack.parameter("LogRetentionDays", "3");
    plan.push(Undo::PutRetentionPolicy {
        name: out("LogGroupName")?,
        days: Some(days.parse().map_err(|_| {
            ArgError(format!(
                "the stack's LogRetentionDays '{days}' is not a number"
            ))
        })?),
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

/// The inline policies `infra/sandbox.yaml` gives the roles: (the role's
/// output key, the policy name, its document with the template's `!Sub`
/// filled in from the stack).
pub fn template_inline_policies(
    stack: &Stack,
    account: &str,
    region: &str,
) -> Vec<(&'static str, &'static str, Value)> {
    let prefix = stack
        .outputs
        .get("RepositoryPrefix")
        .cloned()
        .unwrap_or_else(|| stack.parameter("CacheRepositoryPrefix", "ecr-public"));
    let env = stack.parameter("EnvironmentName", "shop-prod");
    vec![
        (
            "ExecutionRoleName",
            "pull-through-cache",
            json!({"Version": "2012-10-17", "Statement": [{
                "Sid": "ImportFromEcrPublicCache",
                "Effect": "Allow",
                "Action": ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
                "Resource": format!("arn:aws:ecr:{region}:{account}:repository/{prefix}/*"),
            }]}),
        ),
        (
            "TaskRoleName",
            "receipts-bucket",
            json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:GetObject"],
                "Resource": format!("arn:aws:s3:::{env}-receipts-{account}/*"),
            }]}),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_policies_are_the_templates() {
        let t = crate::scenario::live::TEMPLATE;
        let stack = Stack::from_outputs("sb", Default::default());
        for (_, name, doc) in template_inline_policies(&stack, "123456789012", "us-east-1") {
            let at = t.find(&format!("PolicyName: {name}")).expect(name);
            let body = &t[at..at + 700];
            for a in doc["Statement"][0]["Action"].as_array().unwrap() {
                assert!(body.contains(a.as_str().unwrap()), "{name}: {a}");
            }
            if let Some(sid) = doc["Statement"][0]["Sid"].as_str() {
                assert!(body.contains(&format!("Sid: {sid}")), "{name}");
            }
        }
        assert!(t.contains(r#"Resource: !Sub "arn:${AWS::Partition}:s3:::${EnvironmentName}-receipts-${AWS::AccountId}/*""#));
        assert!(t.contains(r#"Resource: !Sub "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${CacheRepositoryPrefix}/*""#));
    }
}
