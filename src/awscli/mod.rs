//! AWS CLI syntax: command lines split into service, operation and flags;
//! flags turned into a request's members by the operation catalogue, with the
//! CLI's own argument errors; `--query` and `--output` applied to responses
//! as the CLI applies them. Nothing here evaluates an operation.

pub mod args;
pub mod command;
pub mod render;
