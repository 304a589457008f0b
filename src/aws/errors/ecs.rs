//! ECS: clusters, services, tasks, task definitions, network configurations.

use super::ec2::{group_not_found, subnet_not_found};
use super::err;
use crate::aws::AwsError;

/// [I] (no source recorded) a cluster that does not exist.
pub fn cluster_not_found(op: &str) -> AwsError {
    err("ClusterNotFoundException", op, "Cluster not found.")
}

/// [C] a service the cluster does not have (as ListTasks reports it).
pub fn service_not_found(op: &str) -> AwsError {
    err("ServiceNotFoundException", op, "Service not found.")
}

/// [I] UpdateService with a desired count below zero (ECS refuses it with a
/// client error; no capture of the wording).
pub fn desired_count_negative(op: &str, n: i64) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        format!("desiredCount {n} is invalid: it must be 0 or more."),
    )
}

/// UpdateService past the tasks-per-service quota [V: Amazon ECS service
/// quotas, 5,000 tasks per service]; the message [I].
pub fn desired_count_over_quota(op: &str, n: i64, limit: u32) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        format!("desiredCount {n} exceeds the limit of {limit} tasks per service."),
    )
}

/// [I] DescribeServices with an empty list.
pub fn services_empty(op: &str) -> AwsError {
    err("InvalidParameterException", op, "Services cannot be empty.")
}

/// [C] DescribeTasks with an empty list.
pub fn tasks_empty(op: &str) -> AwsError {
    err("InvalidParameterException", op, "Tasks cannot be empty.")
}

/// [I] (no source recorded) StopTask of a task the cluster does not have.
pub fn task_not_found(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "The referenced task was not found.",
    )
}

/// [I] (no source recorded) a task definition that does not exist.
pub fn task_definition_not_found(op: &str) -> AwsError {
    err("ClientException", op, "Unable to describe task definition.")
}

/// [I] (no source recorded) a deregistered task definition.
pub fn task_definition_inactive(op: &str) -> AwsError {
    err("ClientException", op, "TaskDefinition is inactive")
}

/// [I] a role ARN of the wrong shape: ECS validates role ARNs syntactically at registration.
pub fn task_role_arn_invalid(op: &str, arn: &str) -> AwsError {
    err("ClientException", op, format!("Role is not valid: {arn}"))
}

/// [I] (no source recorded) a network configuration without subnets.
pub fn network_subnets_empty(op: &str) -> AwsError {
    err("InvalidParameterException", op, "subnets can not be empty.")
}

/// ECS passing on EC2's answer to its look-up of a network configuration's resource.
fn ec2_lookup_failed(op: &str, what: &str, id: &str, ec2: AwsError) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        format!(
            "Error retrieving {what} information for [{id}]: {} (Service: AmazonEC2; Status Code: 400; Error Code: {})",
            ec2.message, ec2.code
        ),
    )
}

/// [V] a network configuration's subnet that does not exist: "Error retrieving
/// subnet information" (moosefs/moosefs-csi#1).
pub fn network_subnet_not_found(op: &str, id: &str) -> AwsError {
    ec2_lookup_failed(op, "subnet", id, subnet_not_found(op, id))
}

/// [I] (no source recorded) a network configuration's security group that does
/// not exist, in the words of [`network_subnet_not_found`].
pub fn network_group_not_found(op: &str, id: &str) -> AwsError {
    ec2_lookup_failed(op, "security group", id, group_not_found(op, id))
}

/// [I] a network configuration whose subnets are in different VPCs.
pub fn network_subnets_other_vpcs(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "Subnets must all be in the same VPC.",
    )
}

/// [C] UpdateService `--enable-execute-command` when the service's task
/// definition has no task role (aws/aws-cli#6242, a real session's output).
pub fn exec_needs_task_role(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "The service couldn't be updated because a valid taskRoleArn is not being used. Specify a valid task role in your task definition and try again.",
    )
}

/// [C] ExecuteCommand on a task launched without ECS Exec, or whose agent is
/// not running (the task is not RUNNING). Verbatim from real sessions
/// (fabfuel/ecs-deploy#193, keidarcy/e1s#206), curly apostrophe included.
pub fn exec_not_enabled(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn\u{2019}t running. Wait and try again or run a new task with execute command enabled and try again.",
    )
}

/// [C] ExecuteCommand when the agent in the task cannot reach Session Manager:
/// the task role lacks the `ssmmessages:*Channel` permissions, or the task has
/// no network path to `ssmmessages` (aws/aws-cli#6456, a response body).
pub fn exec_target_not_connected(op: &str) -> AwsError {
    err(
        "TargetNotConnectedException",
        op,
        "The execute command failed due to an internal error. Try again later.",
    )
}

/// [I] ExecuteCommand naming a container the task does not have.
pub fn exec_container_not_found(op: &str, name: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        format!("The container {name} does not exist in the task."),
    )
}

/// [I] ExecuteCommand without `--container` on a task of several containers.
pub fn exec_container_required(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "A container name must be specified when the task has more than one container.",
    )
}

/// [I] ExecuteCommand with `--non-interactive`: ECS Exec runs interactive
/// sessions only (the API's `interactive` member is documented as required and
/// the CLI documents interactive mode as the only one supported).
pub fn exec_interactive_only(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "Interactive is the only mode supported currently.",
    )
}

/// [C] boltops-tools/ufo#114: a load balancer's container that the task definition lacks.
pub fn lb_container_missing(op: &str, container: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        format!("The container {container} does not exist in the task definition."),
    )
}

/// [C] pulumi/pulumi-awsx#1172: a load balancer's container without that port mapping.
pub fn lb_container_port_missing(op: &str, container: &str, port: u16) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        format!("The container {container} did not have a container port {port} defined."),
    )
}

/// [C] umotif-public/terraform-aws-ecs-fargate#43: a target group no listener forwards to.
pub fn lb_target_group_unattached(op: &str, tg_arn: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        format!("The target group with targetGroupArn {tg_arn} does not have an associated load balancer."),
    )
}

/// [C] Shippable/support#4698: a targetGroupArn ECS cannot look up (no such group, or not an ARN).
pub fn lb_target_group_unverifiable(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.",
    )
}

/// [C] aws/amazon-ecs-cli#359: a load balancer entry without containerName.
pub fn lb_container_name_blank(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "Container Name can not be blank.",
    )
}

/// [I] worded like [`lb_container_name_blank`]: a load balancer entry without containerPort.
pub fn lb_container_port_blank(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "Container Port can not be blank.",
    )
}

/// [C] DescribeTaskSets on a service whose deployment controller is ECS
/// (a public capture: "aws ecs describe-task-sets --cluster aaa --service bbb
/// --task-sets ecs-svc/xxx", quoted in PipeCD's write-up of external deployments).
pub fn task_sets_need_external_controller(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "Amazon ECS only supports task set management on services configured to use external deployment controllers.",
    )
}
