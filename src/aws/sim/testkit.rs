//! Helpers shared by the API modules' unit tests: a scenario instance, one
//! command run through the operation table, and the AWS error of a result.

use super::{AwsError, CommandError};
use crate::scenario::{Instance, Mode, Scenario};
use serde_json::Value;
use std::path::Path;

/// The scenario `scenarios/<file>` instantiated at `seed`.
pub fn instance(file: &str, seed: u64) -> Instance {
    Scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file),
    )
    .unwrap()
    .instantiate(seed, Mode::Incident)
    .unwrap()
}

/// Runs one read command line against the instance's world.
pub fn call(inst: &Instance, line: &str) -> Result<Value, CommandError> {
    crate::awscli::command::read(&inst.sim, line).map(|(_, v)| v)
}

/// The AWS error of a result (panics on anything else).
pub fn aws_err(r: Result<Value, CommandError>) -> AwsError {
    match r {
        Err(CommandError::Aws(e)) => e,
        other => panic!("expected an AWS error, got {other:?}"),
    }
}
