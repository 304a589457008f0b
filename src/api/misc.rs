//! Read-only `misc` operations in the AWS CLI's shapes.

use super::read::Op;

/// The `misc` operations.
pub const OPS: &[Op] = &[];
