//! The shared handling of describe requests: id shapes and existence, filters
//! (names, globs, tag filters), dry run.

use super::super::read::filters;
use super::super::{AwsError, CommandError, Input};
use crate::aws::errors;
use std::collections::{BTreeMap, BTreeSet};

/// How one kind of id is checked, and the errors for bad ones.
pub(super) struct IdRule {
    /// `subnet` for `subnet-0123...`.
    prefix: &'static str,
    /// The error for an id of the wrong shape.
    malformed: fn(&str, &str) -> AwsError,
    /// The error for a well-formed id that does not exist.
    not_found: fn(&str, &str) -> AwsError,
}

pub(super) const VPC_IDS: IdRule = IdRule {
    prefix: "vpc",
    malformed: errors::vpc_id_malformed,
    not_found: errors::vpc_not_found,
};

pub(super) const SUBNET_IDS: IdRule = IdRule {
    prefix: "subnet",
    malformed: errors::subnet_id_malformed,
    not_found: errors::subnet_not_found,
};

pub(super) const ROUTE_TABLE_IDS: IdRule = IdRule {
    prefix: "rtb",
    malformed: errors::route_table_id_malformed,
    not_found: errors::route_table_not_found,
};

pub(super) const NAT_IDS: IdRule = IdRule {
    prefix: "nat",
    malformed: errors::nat_gateway_id_malformed,
    not_found: errors::nat_gateway_not_found,
};

pub(super) const IGW_IDS: IdRule = IdRule {
    prefix: "igw",
    malformed: errors::internet_gateway_id_malformed,
    not_found: errors::internet_gateway_not_found,
};

pub(super) const SG_IDS: IdRule = IdRule {
    prefix: "sg",
    malformed: errors::group_id_malformed,
    not_found: errors::group_not_found,
};

pub(super) const ENI_IDS: IdRule = IdRule {
    prefix: "eni",
    malformed: errors::network_interface_id_malformed,
    not_found: errors::network_interface_not_found,
};

pub(super) const VPCE_IDS: IdRule = IdRule {
    prefix: "vpce",
    malformed: errors::vpc_endpoint_id_malformed,
    not_found: errors::vpc_endpoint_not_found,
};

pub(super) const NACL_IDS: IdRule = IdRule {
    prefix: "acl",
    malformed: errors::network_acl_id_malformed,
    not_found: errors::network_acl_not_found,
};

/// Whether `id` is `prefix-` and 8 or 17 hex digits, the two forms EC2 issues.
pub(super) fn well_formed(id: &str, prefix: &str) -> bool {
    match id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) {
        Some(hex) => {
            (hex.len() == 8 || hex.len() == 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

/// A describe request: the ids asked for (None for all) and the filters.
pub(super) struct Request {
    ids: Option<Vec<String>>,
    filters: Vec<(String, Vec<String>)>,
}

impl Request {
    /// Whether a resource passes every filter: filters are ANDed, the values of
    /// one filter ORed, and a value matches any of the resource's values for
    /// that filter name (`*` and `?` are wildcards).
    pub(super) fn keeps(&self, values: impl Fn(&str) -> Vec<String>) -> bool {
        self.filters.iter().all(|(name, patterns)| {
            values(name)
                .iter()
                .any(|v| patterns.iter().any(|p| glob(p, v)))
        })
    }

    /// The resources of `map` asked for, in id order: all of them, or the
    /// listed ids (each must exist).
    pub(super) fn select<'a, T>(
        &self,
        map: &'a BTreeMap<String, T>,
        rule: &IdRule,
        api: &str,
    ) -> Result<Vec<&'a T>, CommandError> {
        match &self.ids {
            None => Ok(map.values().collect()),
            Some(ids) => {
                if let Some(missing) = ids.iter().find(|id| !map.contains_key(*id)) {
                    return Err((rule.not_found)(api, missing).into());
                }
                let wanted: BTreeSet<&String> = ids.iter().collect();
                Ok(wanted.into_iter().filter_map(|id| map.get(id)).collect())
            }
        }
    }
}

/// Reads the id list and filters of a describe operation, finishes the
/// invocation, and checks as EC2 does: id shapes, filter names, dry run.
pub(super) fn request(
    inv: &Input,
    api: &str,
    ids: Option<(&str, &IdRule)>,
    filter_flag: &str,
    known: &[&str],
    invalid_filter: fn(&str, &str) -> AwsError,
) -> Result<Request, CommandError> {
    let id_list = match ids {
        Some((f, _)) => inv.values(f)?,
        None => None,
    };
    let fl = filters(inv, filter_flag)?;
    let dry = inv.switch("DryRun")?;
    if let (Some(list), Some((_, rule))) = (&id_list, ids) {
        // Shapes are checked across the whole list before any lookup.
        if let Some(bad) = list.iter().find(|id| !well_formed(id, rule.prefix)) {
            return Err((rule.malformed)(api, bad).into());
        }
    }
    for (name, _) in &fl {
        let tag = name.strip_prefix("tag:").is_some_and(|k| !k.is_empty());
        if !tag && !known.contains(&name.as_str()) {
            // The code differs per backend, see callers.
            return Err(invalid_filter(api, name).into());
        }
    }
    if dry == Some(true) {
        return Err(errors::dry_run(api).into());
    }
    Ok(Request {
        ids: id_list,
        filters: fl,
    })
}

/// Glob match with `*` (any text) and `?` (one character), as EC2 filters do.
pub(super) fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Values of the `tag:<key>` and `tag-key` filters for a resource whose only
/// tag is its Name (None for other filter names).
pub(super) fn tag_filter(filter: &str, name: &str) -> Option<Vec<String>> {
    if let Some(key) = filter.strip_prefix("tag:") {
        return Some(if key == "Name" && !name.is_empty() {
            vec![name.to_string()]
        } else {
            Vec::new()
        });
    }
    if filter == "tag-key" {
        return Some(if name.is_empty() {
            Vec::new()
        } else {
            vec!["Name".to_string()]
        });
    }
    None
}

pub(super) fn one(v: impl Into<String>) -> Vec<String> {
    vec![v.into()]
}

pub(super) fn flag_str(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}
