//! Read-only `elbv2` operations in the AWS CLI's shapes.

use super::read::Op;

/// The `elbv2` operations.
pub const OPS: &[Op] = &[];
