//! CloudWatch Logs: log groups, streams and paging.

use super::{err, Validation};
use crate::aws::AwsError;

/// [C] reference §5 (ResourceNotFoundException).
pub fn log_group_not_found(op: &str) -> AwsError {
    err(
        "ResourceNotFoundException",
        op,
        "The specified log group does not exist.",
    )
}

/// [V] CloudWatch Logs API reference.
pub fn log_stream_not_found(op: &str) -> AwsError {
    err(
        "ResourceNotFoundException",
        op,
        "The specified log stream does not exist.",
    )
}

/// [I] (no source recorded) CreateLogGroup of a group that exists.
pub fn log_group_exists(op: &str) -> AwsError {
    err(
        "ResourceAlreadyExistsException",
        op,
        "The specified log group already exists",
    )
}

/// [I] (no source recorded) a log group name outside the API's pattern.
pub fn log_group_name_invalid(op: &str, name: &str) -> AwsError {
    err(
        Validation::Logs.code(),
        op,
        format!("1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"),
    )
}

/// [I] a token this simulator did not hand out.
pub fn next_token_invalid(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "The specified nextToken is invalid.",
    )
}

/// [I] a prefix and a pattern for log group names.
pub fn group_prefix_and_pattern(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.",
    )
}

/// [C] ordering streams by time and selecting them by prefix.
pub fn order_by_time_with_prefix(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "Cannot order by LastEventTime with a logStreamNamePrefix.",
    )
}

/// [I] stream names and a stream prefix.
pub fn stream_names_and_prefix(op: &str) -> AwsError {
    err(
        "InvalidParameterException",
        op,
        "You cannot specify both LogStreamNames and LogStreamNamePrefix.",
    )
}
