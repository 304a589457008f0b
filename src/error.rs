//! Errors the player or author sees: AWS API errors in AWS's own shape, and
//! errors in scenario files with their place.

use thiserror::Error;

/// An error as an AWS API returns it: a code and a message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("An error occurred ({code}) when calling the {operation} operation: {message}")]
pub struct AwsError {
    /// Error code, e.g. `ClientException`, `InvalidParameterException`.
    pub code: String,
    /// Operation name, e.g. `RegisterTaskDefinition`.
    pub operation: String,
    /// Message in AWS's words.
    pub message: String,
}

impl AwsError {
    /// An error of `code` from `operation`.
    pub fn new(code: &str, operation: &str, message: impl Into<String>) -> AwsError {
        AwsError {
            code: code.to_string(),
            operation: operation.to_string(),
            message: message.into(),
        }
    }
}

/// A request the client refuses before sending it (a missing or malformed
/// argument), worded as the AWS CLI or the SDK's parameter validation words it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct ArgError(pub String);
