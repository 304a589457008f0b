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
