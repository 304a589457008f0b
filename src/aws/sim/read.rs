//! Helpers shared by the simulator's read operations (filters, timestamps)
//! and the `sts` operations.

use super::{ArgError, CommandError, Input};
use crate::aws::catalogue::{Op, ReadCtx, ReadOp};
use crate::time::Millis;
use serde_json::{json, Value};

/// `sts get-caller-identity`: who the player is.
fn get_caller_identity(ctx: &ReadCtx, _: &Input) -> Result<Value, CommandError> {
    let acct = &ctx.world.account;
    Ok(json!({
        "UserId": "AROAEXAMPLEONCALL01:oncall",
        "Account": acct,
        "Arn": format!("arn:aws:sts::{acct}:assumed-role/OnCallEngineer/oncall"),
    }))
}

/// STS operations.
pub const STS: &[ReadOp] = &[Op {
    service: "sts",
    name: "get-caller-identity",
    api: "GetCallerIdentity",
    summary: "Returns the identity you are playing as",
    flags: &[],
    positional: None,
    run: get_caller_identity,
}];

/// The `Filters` member (`--filters Name=a,Values=x,y Name=b,Values=z`) as pairs.
pub fn filters(inv: &Input, member: &str) -> Result<Vec<(String, Vec<String>)>, CommandError> {
    let Some(parsed) = inv.structures(member) else {
        return Ok(Vec::new());
    };
    let flag_name = crate::aws::catalogue::flag_name(member);
    let flag_name = flag_name.trim_start_matches('-');
    let mut out = Vec::new();
    for f in parsed {
        let name = f
            .get("Name")
            .and_then(|n| n.as_str())
            .map(|s| s.to_string());
        let values: Vec<String> = match f.get("Values") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(|s| s.to_string()))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        match name {
            Some(n) if !values.is_empty() => out.push((n, values)),
            _ => {
                return Err(ArgError(format!(
                    "Error parsing parameter '--{flag_name}': Expected: 'Name=<name>,Values=<value>,<value>', received: '{f}'"
                ))
                .into())
            }
        }
    }
    Ok(out)
}

/// Parses a timestamp flag: ISO 8601 (`2026-03-12T14:00:00Z`), epoch seconds,
/// `now`, or a duration relative to now (`-30m`, `2h` ago is `-2h`).
pub fn timestamp(text: &str, now: Millis) -> Result<Millis, String> {
    let t = text.trim();
    if t == "now" {
        return Ok(now);
    }
    if let Ok(d) = crate::time::Dur::parse(t) {
        return Ok(now + d.0);
    }
    if let Ok(secs) = t.parse::<i64>() {
        return Ok(secs * 1000);
    }
    crate::time::parse_iso(t).ok_or_else(|| {
        format!("Unable to parse parameter value '{t}': expected an ISO 8601 time (2026-03-12T14:00:00Z), epoch seconds, now, or -30m")
    })
}
