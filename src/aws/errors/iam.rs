//! IAM: roles, managed and inline policies, principals.

use super::err;
use crate::aws::AwsError;

/// [C] NoSuchEntity, as the CLI shows IAM's error code (GetRole words it
/// so also for a role of another account).
pub fn role_not_found(op: &str, name: &str) -> AwsError {
    err(
        "NoSuchEntity",
        op,
        format!("The role with name {name} cannot be found."),
    )
}

/// [I] the account has no IAM users.
pub fn user_not_found(op: &str, name: &str) -> AwsError {
    err(
        "NoSuchEntity",
        op,
        format!("The user with name {name} cannot be found."),
    )
}

/// [C] a managed policy that does not exist (or is not attached, on detach).
pub fn policy_not_found(op: &str, arn: &str) -> AwsError {
    err("NoSuchEntity", op, format!("Policy {arn} was not found."))
}

/// [I] creating a customer managed policy whose name the account has
/// (EntityAlreadyExists, worded as CLI transcripts show it).
pub fn policy_exists(op: &str, name: &str) -> AwsError {
    err(
        "EntityAlreadyExists",
        op,
        format!("A policy called {name} already exists. Duplicate names are not allowed."),
    )
}

/// [I] deleting a managed policy still attached to a role (DeleteConflict,
/// worded as CLI transcripts show it).
pub fn policy_attached(op: &str) -> AwsError {
    err(
        "DeleteConflict",
        op,
        "Cannot delete a policy attached to entities.",
    )
}

/// [I] (no source recorded) attaching a managed policy that does not exist.
pub fn policy_not_attachable(op: &str, arn: &str) -> AwsError {
    err(
        "NoSuchEntity",
        op,
        format!("Policy {arn} does not exist or is not attachable."),
    )
}

/// [I] a policy version that does not exist.
pub fn policy_version_not_found(op: &str, arn: &str, version: &str) -> AwsError {
    err(
        "NoSuchEntity",
        op,
        format!("Policy {arn} version {version} does not exist or is not attachable."),
    )
}

/// [C] a role's inline policy that does not exist.
pub fn role_policy_not_found(op: &str, name: &str) -> AwsError {
    err(
        "NoSuchEntity",
        op,
        format!("The role policy with name {name} cannot be found."),
    )
}

/// [I] a policy ARN of the wrong shape.
pub fn policy_arn_invalid(op: &str, arn: &str) -> AwsError {
    err("InvalidInput", op, format!("ARN {arn} is not valid."))
}

/// [I] a principal ARN that is neither a role's nor a user's; `example` is a role ARN.
pub fn principal_arn_invalid(op: &str, arn: &str, example: &str) -> AwsError {
    err(
        "InvalidInput",
        op,
        format!("Invalid ARN: {arn}. Pass the ARN of a role, such as {example}."),
    )
}

/// [I] (no source recorded) a policy document that is not JSON.
pub fn policy_document_malformed(op: &str) -> AwsError {
    err("MalformedPolicyDocument", op, "Syntax errors in policy.")
}
