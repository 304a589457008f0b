//! CloudWatch Logs writes: CreateLogGroup (also used by the scenario
//! builder), DeleteLogGroup, PutRetentionPolicy.

use super::super::{ArgError, AwsError, CommandError, Input};
use crate::aws::errors::{self, Validation};
use crate::engine::Change;
use crate::world::{LogGroup, World};
use serde_json::{json, Value};

/// Creates a log group (the world-level part of CreateLogGroup).
pub fn create_log_group(world: &mut World, name: &str, now: i64) -> Result<(), AwsError> {
    if world.log_groups.contains_key(name) {
        return Err(errors::log_group_exists("CreateLogGroup"));
    }
    let valid = !name.is_empty()
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.#".contains(c));
    if !valid {
        return Err(errors::log_group_name_invalid("CreateLogGroup", name));
    }
    let arn = world.arn("logs", &format!("log-group:{name}:*"));
    world.log_groups.insert(
        name.to_string(),
        LogGroup {
            name: name.to_string(),
            arn,
            created: now,
            retention_days: None,
            streams: Default::default(),
        },
    );
    Ok(())
}

pub(super) fn log_group(cx: &mut Change, inv: &Input, create: bool) -> Result<Value, CommandError> {
    let name = inv.required("logGroupName")?;
    if create {
        let now = cx.now;
        create_log_group(cx.world, &name, now)?;
    } else if cx.world.log_groups.remove(&name).is_none() {
        return Err(errors::log_group_not_found("DeleteLogGroup").into());
    }
    Ok(json!({}))
}

pub(super) fn retention(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "PutRetentionPolicy";
    let name = inv.required("logGroupName")?;
    let days = inv.required("retentionInDays")?;
    const VALID: [u32; 22] = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ];
    let d: u32 = days
        .parse()
        .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{days}'")))?;
    if !VALID.contains(&d) {
        return Err(errors::not_in_enum(Validation::Logs, op, d, "retentionInDays", &VALID).into());
    }
    let Some(g) = cx.world.log_groups.get_mut(&name) else {
        return Err(errors::log_group_not_found(op).into());
    };
    g.retention_days = Some(d);
    Ok(json!({}))
}

/// `logs delete-retention-policy`: the group keeps its events forever again.
pub(super) fn delete_retention(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "DeleteRetentionPolicy";
    let name = inv.required("logGroupName")?;
    let Some(g) = cx.world.log_groups.get_mut(&name) else {
        return Err(errors::log_group_not_found(op).into());
    };
    g.retention_days = None;
    Ok(json!({}))
}
