//! The `faultline` binary end to end: `list`, `causes`, `show` and `validate`
//! over the repository's scenarios and the built-in ones, and the errors it
//! gives for malformed scenario files. One test binary, so the link step
//! happens once.
//!
//! Tests marked `#[ignore = "bug: ..."]` pin a known defect of `src/`: they
//! assert the right behaviour and fail today. Run them with
//! `cargo test --test cli -- --ignored`.

#[path = "cli/support.rs"]
mod support;

#[path = "cli/commands.rs"]
mod commands;

#[path = "cli/scenario_errors.rs"]
mod scenario_errors;

#[path = "cli/validate.rs"]
mod validate;

#[path = "cli/play.rs"]
mod play;

#[path = "cli/pty.rs"]
mod pty;

#[path = "cli/grade.rs"]
mod grade;

#[path = "cli/events.rs"]
mod events;

#[path = "cli/safety.rs"]
mod safety;

#[path = "cli/properties.rs"]
mod properties;

#[path = "cli/built_in.rs"]
mod built_in;

#[path = "cli/gameday.rs"]
mod gameday;

#[path = "cli/layers.rs"]
mod layers;

#[path = "cli/watch.rs"]
mod watch;

#[path = "cli/tooling.rs"]
mod tooling;

#[path = "cli/schema.rs"]
mod schema;

#[path = "cli/preview.rs"]
mod preview;

#[path = "cli/cli_syntax.rs"]
mod cli_syntax;

/// Pipes and file:// parameters in a local session, refused in a shared one.
#[path = "cli/shell.rs"]
mod shell;

#[path = "cli/serve_wire.rs"]
mod serve_wire;

#[path = "cli/serve_game.rs"]
mod serve_game;

#[path = "cli/serve_page.rs"]
mod serve_page;
