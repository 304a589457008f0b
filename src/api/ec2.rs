//! Read-only `ec2` operations in the AWS CLI's shapes.

use super::read::Op;

/// The `ec2` operations.
pub const OPS: &[Op] = &[];
