//! faultline: a troubleshooting game for AWS ECS on Fargate, played against a
//! deterministic simulator of the account.
//!
//! Data flows one way: [`scenario`] builds a [`world::World`] and a timeline,
//! the [`engine`] runs the pre-history, a [`game`] takes the player's lines
//! from the shell ([`repl`]), reads through the API layer and changes the
//! world through fixes, the engine runs forward, grading judges the result,
//! and every step is a typed event.

pub mod aws;
pub mod awscli;
pub mod cli;
pub mod engine;
pub mod error;
pub mod game;
pub mod gameday;
pub mod limits;
#[cfg(feature = "live")]
pub mod live;
pub mod paint;
pub mod repl;
pub mod scenario;
pub mod serve;
pub mod suggest;
pub mod time;
pub mod token;
pub mod watch;
pub mod world;
