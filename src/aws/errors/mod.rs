//! The AWS error catalogue: every error the simulator's operations return,
//! one function each, named for what went wrong, in one file per service
//! (re-exported here, so callers write `errors::route_table_not_found`). The
//! code and the message are written here and nowhere else, so one error reads
//! the same from every operation that returns it. This folder holds texts
//! only: no operation logic, no world.
//!
//! Each function's comment carries its source mark from
//! `shared/reference/fargate-failures.md`: [V] verbatim from AWS docs, models
//! or a public capture (named), [C] captured from real output, [I] inferred
//! (no capture; kept plausible and consistent with the others). "[I] (no
//! source recorded)" marks a text that carried no mark before this catalogue.
//!
//! Every function takes the API operation (`CreateRoute`) first and returns
//! the [`AwsError`]; callers convert it with `?` or `.into()`.

mod ec2;
mod ecs;
mod elbv2;
mod iam;
mod logs;
mod misc;

pub use ec2::*;
pub use ecs::*;
pub use elbv2::*;
pub use iam::*;
pub use logs::*;
pub use misc::*;

use super::AwsError;
use std::fmt::Display;

fn err(code: &str, op: &str, message: impl Into<String>) -> AwsError {
    AwsError::new(code, op, message)
}

/// `[a, b, c]`: a list as AWS messages print one (as Java prints a list).
fn bracketed<T: Display>(items: &[T]) -> String {
    let v: Vec<String> = items.iter().map(|x| x.to_string()).collect();
    format!("[{}]", v.join(", "))
}

// ---------------------------------------------------------------------------
// Request validation shared by services: "1 validation error detected: ..."
// has one shape everywhere; each service answers it with its own code.

/// A service whose request validation words errors as "1 validation error detected".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// ECS (`InvalidParameterException`).
    Ecs,
    /// CloudWatch Logs (`InvalidParameterException`).
    Logs,
    /// ECR (`InvalidParameterException`).
    Ecr,
    /// IAM (`ValidationError`).
    Iam,
    /// Systems Manager (`ValidationException`).
    Ssm,
    /// Elastic Load Balancing (`ValidationError`).
    Elbv2,
}

impl Validation {
    fn code(self) -> &'static str {
        match self {
            Validation::Ecs | Validation::Logs | Validation::Ecr => "InvalidParameterException",
            Validation::Iam | Validation::Elbv2 => "ValidationError",
            Validation::Ssm => "ValidationException",
        }
    }
}

/// [I] a value outside a member's enum (the CLI does not check enums; the
/// service does, in the shape of AWS's request validation).
pub fn not_in_enum<T: Display>(
    service: Validation,
    op: &str,
    value: impl Display,
    member: &str,
    allowed: &[T],
) -> AwsError {
    err(
        service.code(),
        op,
        format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: {}",
            bracketed(allowed)
        ),
    )
}

/// [I] (no source recorded) a number under a member's minimum.
pub fn below_minimum(
    service: Validation,
    op: &str,
    member: &str,
    value: i64,
    min: i64,
) -> AwsError {
    err(
        service.code(),
        op,
        format!("1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must have value greater than or equal to {min}"),
    )
}

/// [I] (no source recorded) a number over a member's maximum.
pub fn above_maximum(
    service: Validation,
    op: &str,
    member: &str,
    value: i64,
    max: i64,
) -> AwsError {
    err(
        service.code(),
        op,
        format!("1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must have value less than or equal to {max}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(e: AwsError) -> String {
        e.to_string()
    }

    #[test]
    fn ecs_passes_on_ec2_lookups_in_its_own_words() {
        assert_eq!(
            network_subnet_not_found("UpdateService", "subnet-1").message,
            "Error retrieving subnet information for [subnet-1]: The subnet ID 'subnet-1' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)"
        );
        assert_eq!(
            network_group_not_found("UpdateService", "sg-1").message,
            "Error retrieving security group information for [sg-1]: The security group 'sg-1' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidGroup.NotFound)"
        );
    }

    #[test]
    fn validation_texts_carry_each_services_code() {
        assert_eq!(
            text(not_in_enum(Validation::Logs, "PutRetentionPolicy", 2, "retentionInDays", &[1, 3, 5])),
            "An error occurred (InvalidParameterException) when calling the PutRetentionPolicy operation: 1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5]"
        );
        assert_eq!(
            below_minimum(Validation::Ssm, "DescribeParameters", "maxResults", 0, 1).code,
            "ValidationException"
        );
        assert_eq!(
            not_in_enum(Validation::Iam, "ListPolicies", "x", "scope", &["All"]).code,
            "ValidationError"
        );
        assert_eq!(
            log_group_name_invalid("CreateLogGroup", "a b").message,
            r"1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
        );
    }

    #[test]
    fn datapoints_are_counted_with_thousands_separators() {
        assert!(too_many_datapoints("GetMetricStatistics", 1234567)
            .message
            .starts_with("You have requested up to 1,234,567 datapoints,"));
        assert!(too_many_datapoints("GetMetricStatistics", 1441)
            .message
            .starts_with("You have requested up to 1,441 datapoints,"));
    }
}
