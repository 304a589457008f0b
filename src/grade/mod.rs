//! Grading: the player's diagnosis, fixes applied to the world and verified
//! by running it forward, fix-quality lints, evidence, the score, and the
//! session reports. Grading parses no REPL lines: the REPL hands it commands.

pub mod lints;

use crate::time::Millis;

/// One fix the player applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AppliedFix {
    /// The command line as typed (without `fix`).
    pub line: String,
    /// CLI service (`ec2`).
    pub service: String,
    /// CLI operation (`create-route`).
    pub operation: String,
    /// Virtual time it was applied.
    pub at: Millis,
}

/// A fix that works but breaks good practice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Lint {
    /// Stable id, e.g. `iam.admin-access`.
    pub id: &'static str,
    /// Points taken off.
    pub penalty: u32,
    /// What was wrong, naming the resource.
    pub reason: String,
    /// The better fix.
    pub better: String,
}
