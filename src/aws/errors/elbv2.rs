//! Elastic Load Balancing: load balancers and target groups.

use super::{bracketed, err};
use crate::aws::AwsError;

/// [I] load balancers by name and by ARN at once.
pub fn load_balancer_names_and_arns(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "Load balancer names and load balancer ARNs cannot be specified at the same time",
    )
}

/// [I] by analogy with [`target_groups_not_found`].
pub fn load_balancers_not_found(op: &str) -> AwsError {
    err(
        "LoadBalancerNotFound",
        op,
        "One or more load balancers not found",
    )
}

/// [C] load balancer names that do not exist.
pub fn load_balancer_names_not_found(op: &str, names: &[&String]) -> AwsError {
    err(
        "LoadBalancerNotFound",
        op,
        format!("Load balancers '{}' not found", bracketed(names)),
    )
}

/// [I] more than one way of selecting target groups.
pub fn target_group_selectors(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "Only one of target group ARNs, target group names, or a load balancer ARN can be specified",
    )
}

/// [C] DescribeTargetGroups with unknown ARNs.
pub fn target_groups_not_found(op: &str) -> AwsError {
    err(
        "TargetGroupNotFound",
        op,
        "One or more target groups not found",
    )
}

/// [I] worded like [`load_balancer_names_not_found`] [C].
pub fn target_group_names_not_found(op: &str, names: &[&String]) -> AwsError {
    err(
        "TargetGroupNotFound",
        op,
        format!("Target groups '{}' not found", bracketed(names)),
    )
}
