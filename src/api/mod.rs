//! AWS operations over the world, with AWS request and response shapes.
//!
//! Reads take the world by shared reference and cannot change it. Writes
//! ([`write`]) are the only way a command line changes the world: the
//! scenario timeline and the player's fixes both go through them, followed by
//! [`crate::engine::Sim::world_changed`].

pub mod args;
pub mod ec2;
pub mod ecs;
pub mod elbv2;
pub mod iam;
pub mod logs;
pub mod misc;
pub mod read;
pub mod render;
#[cfg(test)]
pub(crate) mod testkit;
pub mod write;

pub use crate::error::AwsError;
pub use args::{ArgError, Invocation};

/// Why a command line could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The command line itself is wrong (as the AWS CLI reports it).
    #[error("{0}")]
    Args(#[from] ArgError),
    /// AWS refused the request.
    #[error("{0}")]
    Aws(#[from] AwsError),
}
