//! ECR, Secrets Manager, Systems Manager and CloudWatch (the services
//! `sim::misc` answers for).

use super::{bracketed, err};
use crate::aws::AwsError;

// ---------------------------------------------------------------------------
// ECR

/// [C] a repository that does not exist.
pub fn repository_not_found(op: &str, name: &str, registry: &str) -> AwsError {
    err(
        "RepositoryNotFoundException",
        op,
        format!(
            "The repository with name '{name}' does not exist in the registry with id '{registry}'"
        ),
    )
}

/// [C] an image that does not exist: the brace form with 'null' for the part not given.
pub fn image_not_found(
    op: &str,
    digest: Option<&str>,
    tag: Option<&str>,
    repository: &str,
    registry: &str,
) -> AwsError {
    err(
        "ImageNotFoundException",
        op,
        format!(
            "The image with imageId {{imageDigest:'{}', imageTag:'{}'}} does not exist within the repository with name '{repository}' in the registry with id '{registry}'",
            digest.unwrap_or("null"),
            tag.unwrap_or("null"),
        ),
    )
}

// ---------------------------------------------------------------------------
// Secrets Manager and Systems Manager

/// [C] a secret that does not exist.
pub fn secret_not_found(op: &str) -> AwsError {
    err(
        "ResourceNotFoundException",
        op,
        "Secrets Manager can't find the specified secret.",
    )
}

// ---------------------------------------------------------------------------
// KMS

/// [I] a key id, key ARN or alias that names no key: KMS's NotFoundException,
/// worded as public CLI transcripts show it (`Alias <alias ARN> is not found.`,
/// `Key '<key ARN>' does not exist`).
pub fn kms_not_found(op: &str, what: &str, alias_arn: Option<&str>) -> AwsError {
    let message = match alias_arn {
        Some(a) => format!("Alias {a} is not found."),
        None => format!("Key '{what}' does not exist"),
    };
    err("NotFoundException", op, message)
}

/// [I] parameter filters and filters at once.
pub fn parameter_filters_and_filters(op: &str) -> AwsError {
    err(
        "ValidationException",
        op,
        "You can use either Filters or ParameterFilters in a single request.",
    )
}

/// [I] a parameter filter key DescribeParameters does not know.
pub fn parameter_filter_key_invalid(op: &str, key: &str, valid: &[&str]) -> AwsError {
    err(
        "InvalidFilterKey",
        op,
        format!(
            "The following filter key is not valid: {key}. Valid filter keys include: {}.",
            bracketed(valid)
        ),
    )
}

/// [I] a parameter filter option the key does not take.
pub fn parameter_filter_option_invalid(op: &str, option: &str, valid: &[&str]) -> AwsError {
    err(
        "InvalidFilterOption",
        op,
        format!(
            "The following filter option is not valid: {option}. Valid options include: {}.",
            bracketed(valid)
        ),
    )
}

// ---------------------------------------------------------------------------
// CloudWatch

/// [I] GetMetricStatistics without statistics.
pub fn statistics_missing(op: &str) -> AwsError {
    err(
        "InvalidParameterCombination",
        op,
        "Must specify either Statistics or ExtendedStatistics.",
    )
}

/// [I] a statistic GetMetricStatistics does not know; `position` counts from 1.
pub fn statistic_invalid(op: &str, position: usize) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("The parameter Statistics.member.{position} must be a value in the set [ Maximum, Minimum, Average, SampleCount, Sum ]."),
    )
}

/// [I] standard-resolution metrics take periods of multiples of 60 seconds.
pub fn period_invalid(op: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        "The parameter Period must be a multiple of 60.",
    )
}

/// [I] a start time not before the end time.
pub fn start_not_before_end(op: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        "The parameter StartTime must be less than the parameter EndTime.",
    )
}

/// `1,440`: a number with thousands separators.
fn thousands(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// [C] more than 1,440 datapoints asked for.
pub fn too_many_datapoints(op: &str, requested: i64) -> AwsError {
    err(
        "InvalidParameterCombination",
        op,
        format!("You have requested up to {} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", thousands(requested)),
    )
}

// ---------------------------------------------------------------------------
// CloudTrail (LookupEvents). The codes are the operation's, from the
// botocore cloudtrail model; the messages are [I] (no capture), worded from
// the API reference's description of each error.

/// [I] more than one lookup attribute (the API reference: "Currently the list can contain only one item").
pub fn lookup_attributes_one(op: &str) -> AwsError {
    err(
        "InvalidLookupAttributesException",
        op,
        "You can specify only one lookup attribute.",
    )
}

/// [I] an attribute key that is not one of the API's.
pub fn lookup_attribute_key(op: &str, key: &str) -> AwsError {
    err(
        "InvalidLookupAttributesException",
        op,
        format!("Invalid attribute key: {key}. Valid keys are: EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId"),
    )
}

/// [I] MaxResults outside 1..=50.
pub fn lookup_max_results(op: &str) -> AwsError {
    err(
        "InvalidMaxResultsException",
        op,
        "MaxResults must be a number between 1 and 50.",
    )
}

/// [I] a start time after the end time.
pub fn lookup_time_range(op: &str) -> AwsError {
    err(
        "InvalidTimeRangeException",
        op,
        "Start time must be less than or equal to end time.",
    )
}

/// [I] a NextToken this lookup did not hand out.
pub fn lookup_next_token(op: &str) -> AwsError {
    err("InvalidNextTokenException", op, "Invalid NextToken.")
}

/// [I] an EventCategory other than `insight`.
pub fn lookup_event_category(op: &str, v: &str) -> AwsError {
    err(
        "InvalidEventCategoryException",
        op,
        format!("Invalid EventCategory: {v}. The only valid value is insight."),
    )
}

// ---------------------------------------------------------------------------
// Service Quotas.

/// [I] a quota code the service does not have (the code is the model's
/// `NoSuchResourceException`; the message is inferred).
pub fn quota_not_found(op: &str, service: &str, quota: &str) -> AwsError {
    err(
        "NoSuchResourceException",
        op,
        format!("The request failed because the specified quota {quota} does not exist for the service {service}."),
    )
}

/// [I] a service code Service Quotas does not know.
pub fn quota_service_not_found(op: &str, service: &str) -> AwsError {
    err(
        "NoSuchResourceException",
        op,
        format!("The request failed because the specified service {service} does not exist."),
    )
}

/// [I] an increase to a value no larger than the quota's (the model's
/// `IllegalArgumentException` for RequestServiceQuotaIncrease; the message
/// is inferred).
pub fn quota_increase_not_larger(op: &str, desired: f64, current: f64) -> AwsError {
    err(
        "IllegalArgumentException",
        op,
        format!(
            "The requested value {desired} must be greater than the current quota value {current}."
        ),
    )
}

/// [I] a second increase request while one for the quota is still open
/// (the model's `ResourceAlreadyExistsException`; the message is inferred).
pub fn quota_request_open(op: &str) -> AwsError {
    err(
        "ResourceAlreadyExistsException",
        op,
        "Only one open service quota increase request is allowed per quota.",
    )
}

// ---------------------------------------------------------------------------
// CloudFormation.

/// [C] DescribeStacks for a name or id that is no stack: a ValidationError
/// (the response body quoted in boto/boto3 issue #2807:
/// `<Code>ValidationError</Code><Message>Stack with id foo does not exist</Message>`).
pub fn stack_not_found(op: &str, name: &str) -> AwsError {
    err(
        "ValidationError",
        op,
        format!("Stack with id {name} does not exist"),
    )
}
