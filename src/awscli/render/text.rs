//! `--output text` (`text.py`).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::python::{is_scalar, py_str, py_type};
use super::RenderError;

pub(super) fn text_output(value: &Value) -> Result<String, RenderError> {
    let mut out = String::new();
    format_text(value, None, None, &mut out)?;
    Ok(out)
}

fn format_text(
    item: &Value,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) -> Result<(), RenderError> {
    match item {
        Value::Object(map) => format_text_dict(map, identifier, scalar_keys, out),
        Value::Array(items) => format_text_list(items, identifier, out),
        scalar => {
            out.push_str(&py_str(scalar));
            out.push('\n');
            Ok(())
        }
    }
}

fn format_text_list(
    items: &[Value],
    identifier: Option<&str>,
    out: &mut String,
) -> Result<(), RenderError> {
    if items.iter().any(Value::is_object) {
        // `_all_scalar_keys` calls `.items()` on every element.
        let mut keys = BTreeSet::new();
        for item in items {
            let map = item.as_object().ok_or_else(|| {
                RenderError::Query(format!(
                    "'{}' object has no attribute 'items'",
                    py_type(item)
                ))
            })?;
            keys.extend(
                map.iter()
                    .filter(|(_, v)| is_scalar(v))
                    .map(|(k, _)| k.clone()),
            );
        }
        let keys: Vec<String> = keys.into_iter().collect();
        for item in items {
            format_text(item, identifier, Some(&keys), out)?;
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, nested): (Vec<&Value>, Vec<&Value>) =
            items.iter().partition(|v| is_scalar(v));
        if !scalars.is_empty() {
            format_text_scalars(&scalars, identifier, out);
        }
        for item in nested {
            format_text(item, identifier, None, out)?;
        }
    } else if !items.is_empty() {
        let scalars: Vec<&Value> = items.iter().collect();
        format_text_scalars(&scalars, identifier, out);
    }
    Ok(())
}

fn format_text_scalars(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for item in items {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), py_str(item)));
            }
        }
        None => {
            let cells: Vec<String> = items.iter().map(|v| py_str(v)).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
}

fn format_text_dict(
    map: &Map<String, Value>,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) -> Result<(), RenderError> {
    let mut scalars = Vec::new();
    let mut nested: Vec<(&String, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (key, value) in entries {
                if is_scalar(value) {
                    scalars.push(py_str(value));
                } else {
                    nested.push((key, value));
                }
            }
        }
        Some(keys) => {
            scalars.extend(
                keys.iter()
                    .map(|k| map.get(k).map_or_else(String::new, py_str)),
            );
            let mut rest: Vec<(&String, &Value)> =
                map.iter().filter(|(k, _)| !keys.contains(k)).collect();
            rest.sort_by(|a, b| a.0.cmp(b.0));
            nested = rest;
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in nested {
        format_text(value, Some(key), None, out)?;
    }
    Ok(())
}
