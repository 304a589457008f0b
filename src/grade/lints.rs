//! Fix-quality lints: fixes that work but break the security and cost
//! practices every Fargate engineer is expected to know.

use super::{AppliedFix, Lint};
use crate::scenario::Scenario;
use crate::world::World;

/// The lints a set of fixes earns, judged on the world before and after them.
pub fn lint(_scenario: &Scenario, _before: &World, _after: &World, _fixes: &[AppliedFix]) -> Vec<Lint> {
    Vec::new()
}
