//! What the EC2 writes share: the created resource as `describe-...` shows
//! it, and the Name tag of `--tag-specifications`.
//!
//! Each EC2 write reads and checks everything first and draws ids from the
//! RNG only once nothing can fail, so a refused command leaves the world (RNG
//! included) as it was.

use super::super::{ArgError, CommandError, Input};
use crate::aws::errors;
use crate::engine::Change;
use serde_json::{json, Value};

/// The one resource of a describe operation, so a created resource is shown
/// exactly as `describe-...` will show it.
pub(super) fn described(cx: &Change, operation: &str, ids: (&str, &str), list: &str) -> Value {
    use crate::aws::Reader;
    let reader = crate::aws::catalogue::ReadCtx {
        world: cx.world,
        now: cx.now,
    };
    let input = Input::new().with(ids.0, json!([ids.1]));
    crate::aws::account::read_request("ec2", operation, input)
        .ok()
        .and_then(|r| reader.read(&r).ok())
        .and_then(|v| v.get(list).and_then(|l| l.get(0)).cloned())
        .unwrap_or(Value::Null)
}

/// The `TagSpecifications` of a create operation, as given.
pub(super) fn tag_specs(inv: &Input) -> Result<Vec<Value>, ArgError> {
    Ok(inv.structures("TagSpecifications").unwrap_or_default())
}

/// The Name tag of the specifications for `resource` (the world keeps only Name tags).
pub(super) fn name_tag(
    specs: &[Value],
    resource: &str,
    op: &str,
) -> Result<Option<String>, CommandError> {
    let mut name = None;
    for s in specs {
        let rt = s.get("ResourceType").and_then(Value::as_str).unwrap_or("");
        if rt != resource {
            return Err(errors::tag_resource_type_invalid(op, rt).into());
        }
        let tags = s.get("Tags").and_then(Value::as_array);
        for t in tags.into_iter().flatten() {
            if t.get("Key").and_then(Value::as_str) == Some("Name") {
                name = t.get("Value").and_then(Value::as_str).map(str::to_string);
            }
        }
    }
    Ok(name)
}
