//! `describe-security-groups`.

use super::super::{CommandError, Input};
use super::request::{one, request, tag_filter, SG_IDS};
use super::shapes::compact;
use super::SG_FILTERS;
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::world::{SgRule, World};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// describe-security-groups

/// AWS's spelling of a rule's protocol.
pub(super) fn protocol(p: &str) -> &str {
    match p {
        "all" | "-1" => "-1",
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        o => o,
    }
}

/// Rules as `IpPermissions`: rules with the same protocol and ports are one
/// permission with all their sources, as EC2 reports them.
pub(super) fn permissions(w: &World, rules: &[SgRule]) -> Vec<Value> {
    let mut groups: Vec<(String, i32, i32, Vec<&SgRule>)> = Vec::new();
    for r in rules {
        let proto = protocol(&r.protocol).to_string();
        match groups
            .iter_mut()
            .find(|(p, f, t, _)| *p == proto && *f == r.from_port && *t == r.to_port)
        {
            Some(g) => g.3.push(r),
            None => groups.push((proto, r.from_port, r.to_port, vec![r])),
        }
    }
    groups
        .into_iter()
        .map(|(proto, from, to, rs)| {
            let all = proto == "-1";
            let pairs: Vec<Value> = rs
                .iter()
                .flat_map(|r| {
                    r.groups.iter().map(|g| {
                        json!({"Description": r.description, "UserId": w.account, "GroupId": g})
                    })
                })
                .collect();
            let ranges: Vec<Value> = rs
                .iter()
                .flat_map(|r| {
                    r.cidrs
                        .iter()
                        .map(|c| json!({"Description": r.description, "CidrIp": c.to_string()}))
                })
                .collect();
            let lists: Vec<Value> = rs
                .iter()
                .flat_map(|r| {
                    r.prefix_lists
                        .iter()
                        .map(|p| json!({"Description": r.description, "PrefixListId": p}))
                })
                .collect();
            json!({
                "IpProtocol": proto,
                "FromPort": if all { Value::Null } else { json!(from) },
                "ToPort": if all { Value::Null } else { json!(to) },
                "UserIdGroupPairs": pairs,
                "IpRanges": ranges,
                "Ipv6Ranges": [],
                "PrefixListIds": lists,
            })
        })
        .collect()
}

/// Values of the `ip-permission.*` filters over a set of rules.
pub(super) fn rule_filter(w: &World, rules: &[SgRule], what: &str) -> Vec<String> {
    rules
        .iter()
        .flat_map(|r| -> Vec<String> {
            match what {
                "cidr" => r.cidrs.iter().map(|c| c.to_string()).collect(),
                "from-port" => one(r.from_port.to_string()),
                "to-port" => one(r.to_port.to_string()),
                "protocol" => one(protocol(&r.protocol)),
                "group-id" => r.groups.clone(),
                "prefix-list-id" => r.prefix_lists.clone(),
                "user-id" => r.groups.iter().map(|_| w.account.clone()).collect(),
                _ => Vec::new(),
            }
        })
        .collect()
}

pub(super) fn describe_security_groups(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeSecurityGroups";
    let w = ctx.world;
    let names = inv.values("GroupNames")?;
    let req = request(
        inv,
        api,
        Some(("GroupIds", &SG_IDS)),
        "Filters",
        SG_FILTERS,
        errors::filter_invalid,
    )?;
    if names.is_some() {
        // The simulated account has no default VPC, and GroupName selects only there.
        return Err(errors::no_default_vpc(api).into());
    }
    let mut out = Vec::new();
    for g in req.select(&w.security_groups, &SG_IDS, api)? {
        let keep = req.keeps(|f| {
            // Security groups carry no Name tag here: their name is GroupName.
            if let Some(t) = tag_filter(f, "") {
                return t;
            }
            if let Some(what) = f.strip_prefix("egress.ip-permission.") {
                return rule_filter(w, &g.egress, what);
            }
            if let Some(what) = f.strip_prefix("ip-permission.") {
                return rule_filter(w, &g.ingress, what);
            }
            match f {
                "description" => one(g.description.as_str()),
                "group-id" => one(g.id.as_str()),
                "group-name" => one(g.name.as_str()),
                "owner-id" => one(w.account.as_str()),
                "vpc-id" => one(g.vpc_id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        out.push(json!({
            "GroupId": g.id,
            "IpPermissionsEgress": permissions(w, &g.egress),
            "VpcId": g.vpc_id,
            "SecurityGroupArn": w.arn("ec2", &format!("security-group/{}", g.id)),
            "OwnerId": w.account,
            "GroupName": g.name,
            "Description": g.description,
            "IpPermissions": permissions(w, &g.ingress),
        }));
    }
    Ok(compact(json!({ "SecurityGroups": out })))
}
