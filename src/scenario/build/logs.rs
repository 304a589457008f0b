//! CloudWatch Logs log groups.

use super::{env_err, PathError};
use crate::aws::sim::write;
use crate::scenario::format::Environment;
use crate::time::Millis;
use crate::world::*;

/// Creates the log groups with their retention.
pub(super) fn build_log_groups(
    w: &mut World,
    env: &Environment,
    created: Millis,
) -> Result<(), PathError> {
    for (i, g) in env.log_groups.iter().enumerate() {
        write::create_log_group(w, &g.name, created)
            .map_err(|e| env_err(format!("log_groups[{i}].name"), e.message))?;
        if let Some(gr) = w.log_groups.get_mut(&g.name) {
            gr.retention_days = g.retention_days;
        }
    }
    Ok(())
}
