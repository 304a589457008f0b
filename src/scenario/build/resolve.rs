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
