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

/// [I] DescribeListeners with neither a load balancer nor listener ARNs, or both.
pub fn listener_selectors(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "You must specify either listener ARNs or a load balancer ARN",
    )
}

/// [I] worded like [`target_groups_not_found`] [C].
pub fn listeners_not_found(op: &str) -> AwsError {
    err("ListenerNotFound", op, "One or more listeners not found")
}

/// [I] DescribeRules with neither a listener nor rule ARNs, or both.
pub fn rule_selectors(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "You must specify either listener ARN or rule ARNs",
    )
}

/// [I] worded like [`target_groups_not_found`] [C].
pub fn rules_not_found(op: &str) -> AwsError {
    err("RuleNotFound", op, "One or more rules not found")
}

/// [C] terraform-provider-aws#48071, aws-cdk#3703: ModifyTargetGroup or
/// CreateTargetGroup with a timeout not below the interval.
pub fn interval_not_above_timeout(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "Health check interval must be greater than the timeout.",
    )
}

/// [I] a health check path that does not start with a slash.
pub fn health_check_path_invalid(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "Health check path must begin with a '/' character",
    )
}

/// [I] a health check port that is neither `traffic-port` nor a port number.
pub fn health_check_port_invalid(op: &str, port: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        format!(
            "Health check port '{port}' must be 'traffic-port' or a number between 1 and 65535"
        ),
    )
}

/// [I] a matcher that is not HTTP codes (`200`, `200,202`, `200-299`) from 200 to 499.
pub fn matcher_invalid(op: &str, code: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        format!("Health check matcher HTTP code '{code}' must be within '200-499' code range"),
    )
}

/// [I] an HTTP target group checked over TCP, TLS, UDP or GENEVE.
pub fn health_check_protocol_unsupported(op: &str, protocol: &str, tg_protocol: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        format!("Health check protocol '{protocol}' is not supported for target groups with the '{tg_protocol}' protocol"),
    )
}

/// [I] ModifyListener to a port another listener of the load balancer uses.
pub fn duplicate_listener(op: &str) -> AwsError {
    err(
        "DuplicateListener",
        op,
        "A listener already exists on this port for this load balancer",
    )
}

/// [I] a listener action other than forward (the simulator models forward only).
pub fn action_type_unsupported(op: &str, kind: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        format!("Action type '{kind}' is not supported for this listener; use 'forward' with a TargetGroupArn"),
    )
}

/// [I] a target whose IP address lies outside the target group's VPC.
pub fn target_ip_outside_vpc(op: &str, ip: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        format!(
            "The IP address '{ip}' is not within a VPC or subnet that the target group supports"
        ),
    )
}

/// [I] a target Id that is not an IPv4 address, for a target group of type ip.
pub fn target_id_not_ip(op: &str, id: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        format!("The IP address '{id}' is not a valid IPv4 address"),
    )
}

/// [I] ModifyListener to a protocol this Application Load Balancer listener cannot take here.
pub fn listener_protocol_unsupported(op: &str, protocol: &str) -> AwsError {
    err(
        "UnsupportedProtocol",
        op,
        format!("Protocol '{protocol}' is not supported for this listener; HTTPS also needs a certificate"),
    )
}

/// [I] more or fewer than one default action.
pub fn listener_actions_count(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "A listener must have exactly one default action of type 'forward', 'redirect' or 'fixed-response'",
    )
}

/// [I] a forward action without a target group.
pub fn forward_without_target_group(op: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        "A target group ARN must be specified for a forward action",
    )
}

/// [I] DeregisterTargets for a target that is not registered.
pub fn target_not_registered(op: &str, id: &str) -> AwsError {
    err(
        "InvalidTarget",
        op,
        format!("The following targets are not registered in the target group: '{id}'"),
    )
}
