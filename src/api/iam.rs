//! Read-only `iam` operations in the AWS CLI's shapes.

use super::read::Op;

/// The `iam` operations.
pub const OPS: &[Op] = &[];
