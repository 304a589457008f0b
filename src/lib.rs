//! faultline: a troubleshooting game for AWS ECS on Fargate, played against a
//! deterministic simulator of the account.
//!
//! Data flows one way: [`scenario`] builds a [`world::World`] and a timeline,
//! the [`engine`] runs the pre-history, the player reads through the API layer
//! and changes the world through fixes, the engine runs forward, and grading
//! judges the result.

pub mod aws;
pub mod awscli;
pub mod cli;
pub mod engine;
pub mod error;
pub mod grade;
pub mod repl;
pub mod scenario;
pub mod suggest;
pub mod time;
pub mod world;
