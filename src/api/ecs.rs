//! Read-only `ecs` operations in the AWS CLI's shapes.

use super::read::Op;

/// The `ecs` operations.
pub const OPS: &[Op] = &[];
