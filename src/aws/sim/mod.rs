//! The simulator's implementation of the catalogue's operations: reads over
//! the world by shared reference, writes through the engine.

pub mod cloudformation;
pub mod cloudtrail;
pub mod ec2;
pub mod ecs;
pub mod elbv2;
pub mod iam;
pub mod logs;
pub mod misc;
pub mod read;
pub mod service_quotas;
#[cfg(test)]
pub(crate) mod testkit;
pub mod write;

pub use super::{ArgError, AwsError, CommandError, Input};
