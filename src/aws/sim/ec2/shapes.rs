//! Output shapes the describe operations share: tags, timestamps, DNS names,
//! and values derived from ids for what the world does not keep.

use crate::time::Millis;
use crate::world::World;
use serde_json::{json, Value};

/// `[{"Key": "Name", "Value": name}]`, or `[]` for an unnamed resource.
pub(super) fn tags(name: &str) -> Value {
    if name.is_empty() {
        json!([])
    } else {
        json!([{"Key": "Name", "Value": name}])
    }
}

/// A resource's tags with its Name, then the tags of the account's stacks
/// (CloudFormation propagates stack-level tags to the resources it made).
pub(super) fn stack_tags(w: &World, name: &str) -> Value {
    let own = if name.is_empty() {
        Vec::new()
    } else {
        vec![("Name".to_string(), name.to_string())]
    };
    Value::Array(
        w.with_stack_tags(own)
            .into_iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// [`stack_tags`], left out when there are none: VPCs and subnets without
/// tags have no Tags member.
pub(super) fn stack_tags_or_absent(w: &World, name: &str) -> Value {
    match stack_tags(w, name) {
        Value::Array(a) if a.is_empty() => Value::Null,
        v => v,
    }
}

/// Drops null members from every object: absent optional members are written as null while building.
pub(super) fn compact(mut v: Value) -> Value {
    compact_in_place(&mut v);
    v
}

/// [`compact`] in place: no map is rebuilt (nor its keys hashed again).
fn compact_in_place(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(compact_in_place);
        }
        Value::Array(a) => a.iter_mut().for_each(compact_in_place),
        _ => {}
    }
}

/// Hex digits derived from `seed` (stable, for values the world does not keep).
pub(super) fn derived_hex(seed: &str, len: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = String::with_capacity(len);
    while out.len() < len {
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        for i in 0..16 {
            if out.len() == len {
                break;
            }
            let d = ((z >> (i * 4)) & 0xf) as u32;
            out.push(char::from_digit(d, 16).unwrap_or('0'));
        }
    }
    out
}

/// An EC2-style id derived from `seed`: `prefix-0` and 16 hex digits.
pub(super) fn derived_id(prefix: &str, seed: &str) -> String {
    format!("{prefix}-0{}", derived_hex(seed, 16))
}

/// A timestamp as the CLI v2 prints EC2's: ISO 8601 in UTC, the fraction only when non-zero.
pub(super) fn timestamp(t: Millis) -> String {
    let s = crate::time::iso(t);
    if t.rem_euclid(1000) == 0 {
        s.replace(".000000+", "+")
    } else {
        s
    }
}

/// A `DateTime` member: EC2 gives these to the second.
pub(super) fn timestamp_seconds(t: Millis) -> String {
    timestamp(t - t.rem_euclid(1000))
}

pub(super) fn private_dns_name(w: &World, ip: &str) -> String {
    let host = format!("ip-{}", ip.replace('.', "-"));
    if w.region == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{}.compute.internal", w.region)
    }
}

pub(super) fn public_dns_name(w: &World, ip: &str) -> String {
    let host = format!("ec2-{}", ip.replace('.', "-"));
    if w.region == "us-east-1" {
        format!("{host}.compute-1.amazonaws.com")
    } else {
        format!("{host}.{}.compute.amazonaws.com", w.region)
    }
}
