//! Read-only `logs` operations in the AWS CLI's shapes.

use super::read::Op;

/// The `logs` operations.
pub const OPS: &[Op] = &[];
