//! `${...}` placeholders: resolving them in texts, JSON values and policy documents.

use super::{env_err, join_or_none, PathError};
use crate::world::*;
use std::collections::BTreeMap;

/// Resolves `${...}` placeholders, innermost first.
pub fn resolve(
    world: &World,
    vars: &BTreeMap<String, String>,
    text: &str,
) -> Result<String, String> {
    let mut s = text.to_string();
    for _ in 0..64 {
        let Some(start) = s.rfind("${") else {
            return Ok(s);
        };
        let Some(len) = s[start..].find('}') else {
            return Err(format!(
                "unclosed placeholder in '{text}': a '${{' needs its '}}'"
            ));
        };
        let key = &s[start + 2..start + len];
        let value = lookup(world, vars, key)?;
        s.replace_range(start..start + len + 1, &value);
    }
    Err(format!("placeholders nest too deeply in '{text}'"))
}

fn lookup(world: &World, vars: &BTreeMap<String, String>, key: &str) -> Result<String, String> {
    match key {
        "account" => return Ok(world.account.clone()),
        "region" => return Ok(world.region.clone()),
        "ecr" => return Ok(world.registry()),
        _ => {}
    }
    if let Some(v) = key.strip_prefix("var:") {
        return vars.get(v).cloned().ok_or_else(|| {
            format!(
                "unknown variable '{v}' in ${{{key}}}; the scenario's variables are: {}",
                join_or_none(vars.keys())
            )
        });
    }
    if let Some(v) = world.names.get(key) {
        return Ok(v.clone());
    }
    let kind = key.split(':').next().unwrap_or(key);
    let known: Vec<&str> = world
        .names
        .keys()
        .filter(|k| k.split(':').next() == Some(kind))
        .map(|k| k.as_str())
        .collect();
    if known.is_empty() {
        Err(format!(
            "unknown placeholder ${{{key}}}; kinds are subnet, sg, rtb, nat, igw, vpc, vpce, role, policy, secret, param, kms, tg, lb, repo, cluster, ecr, account, region, var"
        ))
    } else {
        Err(format!(
            "no resource '{key}' in this environment; known: {}",
            known.join(", ")
        ))
    }
}

pub fn resolve_json(
    world: &World,
    vars: &BTreeMap<String, String>,
    v: &mut serde_json::Value,
) -> Result<(), String> {
    match v {
        serde_json::Value::String(s) => {
            *s = resolve(world, vars, s)?;
        }
        serde_json::Value::Array(a) => {
            for x in a {
                resolve_json(world, vars, x)?;
            }
        }
        serde_json::Value::Object(o) => {
            for (_, x) in o.iter_mut() {
                resolve_json(world, vars, x)?;
            }
        }
        _ => {}
    }
    Ok(())
}

pub(super) fn resolve_doc(
    w: &World,
    doc: &PolicyDocument,
    path: &str,
) -> Result<PolicyDocument, PathError> {
    let mut v = serde_json::to_value(doc).map_err(|e| env_err(path, e.to_string()))?;
    resolve_json(w, &BTreeMap::new(), &mut v).map_err(|e| env_err(path, e))?;
    serde_json::from_value(v).map_err(|e| env_err(path, e.to_string()))
}

/// Resolves the time placeholders `${now}` and `${ago:DURATION}` (e.g.
/// `${ago:30m}`) to ISO 8601 instants (`2026-03-14T11:18:00Z`) relative to
/// `now`: reference paths name times as the AWS CLI takes them (it has no
/// relative times), yet stay true for any arrival time. Other placeholders
/// are left for [`resolve`].
pub fn resolve_times(text: &str, now: crate::time::Millis) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            return Ok(out);
        };
        let key = &after[..end];
        let at = if key == "now" {
            Some(now)
        } else if let Some(d) = key.strip_prefix("ago:") {
            let d = crate::time::Dur::parse_or(
                d,
                "expected a duration such as 30m or 1h, as in ${ago:30m}",
            )
            .map_err(|e| format!("${{{key}}}: {e}"))?;
            Some(now - d.0)
        } else {
            None
        };
        match at {
            Some(t) => out.push_str(&iso_z(t)),
            None => out.push_str(&rest[i..i + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// An instant as `YYYY-MM-DDTHH:MM:SSZ`, a form every AWS CLI timestamp parameter takes.
pub fn iso_z(t: crate::time::Millis) -> String {
    let s = crate::time::iso(t - t.rem_euclid(1000));
    s.strip_suffix("+00:00")
        .map(|h| format!("{h}Z"))
        .unwrap_or(s)
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn time_placeholders_are_iso_instants_before_now() {
        // 2026-03-14T11:48:00Z
        let now = crate::time::parse_iso("2026-03-14T11:48:00Z").unwrap();
        assert_eq!(
            resolve_times(
                "--start-time ${ago:30m} --end-time ${now} --x ${rtb:a}",
                now
            )
            .unwrap(),
            "--start-time 2026-03-14T11:18:00Z --end-time 2026-03-14T11:48:00Z --x ${rtb:a}"
        );
        let e = resolve_times("${ago:soon}", now).unwrap_err();
        assert!(e.starts_with("${ago:soon}: "), "{e}");
    }
}
