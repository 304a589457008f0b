//! EC2 security group rules: AuthorizeSecurityGroupIngress and -Egress,
//! RevokeSecurityGroupIngress and -Egress, with EC2's checks of protocols,
//! ports, peers and duplicates.

use super::super::{ArgError, CommandError, Input};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::{parse_ip, Cidr, SgRule};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Which rules of a group an operation works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Ingress,
    Egress,
}

/// Adding or removing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RuleOp {
    Authorize,
    Revoke,
}

/// The other end of a rule: where traffic comes from (ingress) or goes to (egress).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Peer {
    Cidr(Cidr),
    Group(String),
    PrefixList(String),
}

impl Peer {
    fn text(&self) -> String {
        match self {
            Peer::Cidr(c) => c.to_string(),
            Peer::Group(g) | Peer::PrefixList(g) => g.clone(),
        }
    }

    /// Whether `rule` names this peer.
    fn in_rule(&self, rule: &SgRule) -> bool {
        match self {
            Peer::Cidr(c) => rule.cidrs.contains(c),
            Peer::Group(g) => rule.groups.contains(g),
            Peer::PrefixList(p) => rule.prefix_lists.contains(p),
        }
    }
}

/// One rule of a request: EC2 keeps one rule per peer.
#[derive(Debug, Clone)]
struct Permission {
    protocol: String,
    from: i32,
    to: i32,
    peer: Peer,
    description: Option<String>,
}

impl Permission {
    fn matches(&self, rule: &SgRule) -> bool {
        canonical_protocol(&rule.protocol).as_deref() == Some(self.protocol.as_str())
            && rule.from_port == self.from
            && rule.to_port == self.to
            && self.peer.in_rule(rule)
    }

    /// The rule as EC2 describes it in InvalidPermission.Duplicate.
    fn text(&self) -> String {
        let what = match self.protocol.as_str() {
            "-1" => "ALL".to_string(),
            "tcp" | "udp" => format!(
                "{}, from port: {}, to port: {}",
                self.protocol.to_uppercase(),
                self.from,
                self.to
            ),
            // [I]
            "icmp" => format!("ICMP, type: {}, code: {}", self.from, self.to),
            n => format!("protocol: {n}"),
        };
        format!("peer: {}, {what}, ALLOW", self.peer.text())
    }
}

/// EC2's spelling of a protocol (`6` is `tcp`, `all` is `-1`), None when unknown.
fn canonical_protocol(p: &str) -> Option<String> {
    Some(match p.to_ascii_lowercase().as_str() {
        "tcp" | "6" => "tcp".into(),
        "udp" | "17" => "udp".into(),
        "icmp" | "1" => "icmp".into(),
        "-1" | "all" => "-1".into(),
        "icmpv6" | "58" => "58".into(),
        n => match n.parse::<i32>() {
            Ok(v) if (0..=255).contains(&v) => v.to_string(),
            _ => return None,
        },
    })
}

/// An integer member given as a JSON number or a shorthand string.
fn int_member(p: &Value, key: &str) -> Result<Option<i64>, ArgError> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
            ArgError(format!("Invalid value for parameter IpPermissions.{key}: {n}"))
        }),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
            ArgError(format!(
                "Error parsing parameter '--ip-permissions': invalid literal for int() with base 10: '{s}'"
            ))
        }),
        Some(o) => Err(ArgError(format!(
            "Invalid type for parameter IpPermissions.{key}, value: {o}, valid types: <class 'int'>"
        ))),
    }
}

fn items<'a>(p: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    p.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn str_member(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// IpPermissions entries as rules, with EC2's checks of protocols, ports and CIDRs.
fn permissions(list: &[Value], op: &str) -> Result<Vec<Permission>, CommandError> {
    let mut out = Vec::new();
    for p in list {
        let Some(raw) = str_member(p, "IpProtocol") else {
            return Err(errors::permission_protocol_missing(op).into());
        };
        let Some(protocol) = canonical_protocol(&raw) else {
            return Err(errors::permission_protocol_unknown(op, &raw).into());
        };
        let from = int_member(p, "FromPort")?;
        let to = int_member(p, "ToPort")?;
        let (from, to) = match protocol.as_str() {
            "tcp" | "udp" => {
                let (Some(f), Some(t)) = (from, to) else {
                    return Err(errors::port_range_missing(op).into());
                };
                if let Some(bad) = [f, t].into_iter().find(|x| !(0..=65535).contains(x)) {
                    return Err(errors::port_out_of_range(op, bad).into());
                }
                if f > t {
                    return Err(errors::port_range_reversed(op, f, t).into());
                }
                (f as i32, t as i32)
            }
            "icmp" => {
                let (Some(f), Some(t)) = (from, to) else {
                    return Err(errors::icmp_range_missing(op).into());
                };
                if let Some(bad) = [f, t].into_iter().find(|x| !(-1..=255).contains(x)) {
                    return Err(errors::icmp_out_of_range(op, bad).into());
                }
                (f as i32, t as i32)
            }
            // All protocols, or a protocol without ports: EC2 ignores any ports given.
            _ => (-1, -1),
        };
        if items(p, "Ipv6Ranges").next().is_some() {
            return Err(
                ArgError("Ipv6Ranges: the simulated VPC has no IPv6; use IpRanges".into()).into(),
            );
        }
        let mut peers: Vec<(Peer, Option<String>)> = Vec::new();
        for r in items(p, "IpRanges") {
            let text = str_member(r, "CidrIp").unwrap_or_default();
            peers.push((
                Peer::Cidr(sg_cidr(&text, op)?),
                str_member(r, "Description"),
            ));
        }
        for g in items(p, "UserIdGroupPairs") {
            let desc = str_member(g, "Description");
            match (str_member(g, "GroupId"), str_member(g, "GroupName")) {
                (Some(id), _) => peers.push((Peer::Group(id), desc)),
                (None, Some(name)) => {
                    // Groups of a non-default VPC are named by id.
                    return Err(errors::group_name_not_in_default_vpc(op, &name).into());
                }
                (None, None) => return Err(errors::group_pair_id_missing(op).into()),
            }
        }
        for l in items(p, "PrefixListIds") {
            let id = str_member(l, "PrefixListId").unwrap_or_default();
            peers.push((Peer::PrefixList(id), str_member(l, "Description")));
        }
        if peers.is_empty() {
            return Err(errors::permission_peer_missing(op).into());
        }
        for (peer, description) in peers {
            out.push(Permission {
                protocol: protocol.clone(),
                from,
                to,
                peer,
                description,
            });
        }
    }
    Ok(out)
}

/// A rule's CIDR: host bits are cleared, as EC2 canonicalizes them.
fn sg_cidr(text: &str, op: &str) -> Result<Cidr, CommandError> {
    let bad = || errors::cidr_malformed(op, text);
    let (ip, len) = text.split_once('/').ok_or_else(bad)?;
    let ip = parse_ip(ip).ok_or_else(bad)?;
    let prefix: u8 = len.parse().map_err(|_| bad())?;
    if prefix > 32 {
        return Err(bad().into());
    }
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    };
    Ok(Cidr {
        base: ip & mask,
        prefix,
    })
}

pub(super) fn sg_rules(
    cx: &mut Change,
    inv: &Input,
    dir: Direction,
    what: RuleOp,
) -> Result<Value, CommandError> {
    let op = match (what, dir) {
        (RuleOp::Authorize, Direction::Ingress) => "AuthorizeSecurityGroupIngress",
        (RuleOp::Authorize, Direction::Egress) => "AuthorizeSecurityGroupEgress",
        (RuleOp::Revoke, Direction::Ingress) => "RevokeSecurityGroupIngress",
        (RuleOp::Revoke, Direction::Egress) => "RevokeSecurityGroupEgress",
    };
    let group_id = inv.value("GroupId")?;
    let group_name = match dir {
        Direction::Ingress => inv.value("GroupName")?,
        Direction::Egress => None,
    };
    let rule_ids = match what {
        RuleOp::Revoke => inv.values("SecurityGroupRuleIds")?,
        RuleOp::Authorize => None,
    };
    let list = inv.structures("IpPermissions").unwrap_or_default();
    let gid = match (group_id, group_name, dir) {
        (Some(id), _, _) => id,
        (None, Some(name), _) => {
            // Names select groups of the default VPC only.
            return Err(errors::group_name_not_in_default_vpc(op, &name).into());
        }
        (None, None, Direction::Egress) => {
            return Err(ArgError(
                "aws: error: the following arguments are required: --group-id".into(),
            )
            .into())
        }
        (None, None, Direction::Ingress) => return Err(errors::group_missing(op).into()),
    };
    let w = &cx.world;
    let Some(group) = w.security_groups.get(&gid) else {
        return Err(errors::group_not_found(op, &gid).into());
    };
    if list.is_empty() && rule_ids.is_none() {
        return Err(errors::permissions_missing(op).into());
    }
    let perms = permissions(&list, op)?;
    let known_lists: BTreeSet<&String> = w
        .vpc_endpoints
        .values()
        .filter_map(|e| e.prefix_list.as_ref())
        .collect();
    for p in &perms {
        match &p.peer {
            Peer::Group(g) if !w.security_groups.contains_key(g) => {
                return Err(errors::group_not_found(op, g).into());
            }
            Peer::PrefixList(l) if !known_lists.contains(l) => {
                return Err(errors::prefix_list_not_found(op, l).into());
            }
            _ => {}
        }
    }
    let rules = match dir {
        Direction::Ingress => &group.ingress,
        Direction::Egress => &group.egress,
    };
    match what {
        RuleOp::Authorize => {
            for (i, p) in perms.iter().enumerate() {
                let twice = perms[..i].iter().any(|q| {
                    q.protocol == p.protocol && q.from == p.from && q.to == p.to && q.peer == p.peer
                });
                if twice {
                    return Err(errors::permission_repeated(op).into());
                }
                if rules.iter().any(|r| p.matches(r)) {
                    return Err(errors::permission_duplicate(op, &p.text()).into());
                }
            }
            let account = w.account.clone();
            let mut added = Vec::new();
            let mut shown = Vec::new();
            for p in perms {
                let id = cx.world.rng.ec2_id("sgr");
                let mut rule = SgRule {
                    id: id.clone(),
                    protocol: p.protocol.clone(),
                    from_port: p.from,
                    to_port: p.to,
                    cidrs: vec![],
                    groups: vec![],
                    prefix_lists: vec![],
                    description: p.description.clone(),
                };
                let mut o = Map::new();
                o.insert("SecurityGroupRuleId".into(), json!(id));
                o.insert("GroupId".into(), json!(gid));
                o.insert("GroupOwnerId".into(), json!(account));
                o.insert("IsEgress".into(), json!(dir == Direction::Egress));
                o.insert("IpProtocol".into(), json!(p.protocol));
                o.insert("FromPort".into(), json!(p.from));
                o.insert("ToPort".into(), json!(p.to));
                match p.peer {
                    Peer::Cidr(c) => {
                        o.insert("CidrIpv4".into(), json!(c.to_string()));
                        rule.cidrs.push(c);
                    }
                    Peer::PrefixList(l) => {
                        o.insert("PrefixListId".into(), json!(l));
                        rule.prefix_lists.push(l);
                    }
                    Peer::Group(g) => {
                        o.insert(
                            "ReferencedGroupInfo".into(),
                            json!({"GroupId": g, "UserId": account}),
                        );
                        rule.groups.push(g);
                    }
                }
                if let Some(d) = &p.description {
                    o.insert("Description".into(), json!(d));
                }
                o.insert(
                    "SecurityGroupRuleArn".into(),
                    json!(cx.world.arn("ec2", &format!("security-group-rule/{id}"))),
                );
                shown.push(Value::Object(o));
                added.push(rule);
            }
            if let Some(g) = cx.world.security_groups.get_mut(&gid) {
                match dir {
                    Direction::Ingress => g.ingress.extend(added),
                    Direction::Egress => g.egress.extend(added),
                }
            }
            Ok(json!({"Return": true, "SecurityGroupRules": shown}))
        }
        RuleOp::Revoke => {
            let mut kept = rules.clone();
            for id in rule_ids.unwrap_or_default() {
                let Some(i) = kept.iter().position(|r| r.id == id) else {
                    return Err(errors::security_group_rule_not_found(op, &id).into());
                };
                kept.remove(i);
            }
            for p in &perms {
                let Some(i) = kept.iter().position(|r| p.matches(r)) else {
                    return Err(errors::permission_not_found(op).into());
                };
                let r = &mut kept[i];
                match &p.peer {
                    Peer::Cidr(c) => r.cidrs.retain(|x| x != c),
                    Peer::Group(g) => r.groups.retain(|x| x != g),
                    Peer::PrefixList(l) => r.prefix_lists.retain(|x| x != l),
                }
                if r.cidrs.is_empty() && r.groups.is_empty() && r.prefix_lists.is_empty() {
                    kept.remove(i);
                }
            }
            if let Some(g) = cx.world.security_groups.get_mut(&gid) {
                match dir {
                    Direction::Ingress => g.ingress = kept,
                    Direction::Egress => g.egress = kept,
                }
            }
            Ok(json!({"Return": true}))
        }
    }
}
