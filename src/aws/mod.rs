//! AWS operations, independent of how they are typed or carried: the
//! operation catalogue (every read and write, its members and help), the
//! requests built from it, the [`Account`] that evaluates them, and AWS's
//! error shapes and texts (the catalogue in [`errors`]). The simulator ([`sim`]) is the first account.
//!
//! Nothing here knows AWS CLI syntax (that is [`crate::awscli`]); a read
//! request cannot reach a write: reads take the account by shared reference.

pub mod account;
pub mod catalogue;
pub mod errors;
pub mod input;
pub mod sim;
pub mod snapshot;

pub use crate::error::{ArgError, AwsError};
pub use account::{Account, ReadRequest, Reader, WriteRequest};
pub use input::Input;

/// Why a command could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The command or request itself is malformed (the client reports it before sending).
    #[error("{0}")]
    Args(#[from] ArgError),
    /// AWS refused the request.
    #[error("{0}")]
    Aws(#[from] AwsError),
}
