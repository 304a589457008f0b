//! Security groups: their ids first (rules may refer to any group), then
//! their rules once prefix lists exist.

use super::{env_err, join_or_none, name_of, parse_cidr, PathError, VpcRef};
use crate::scenario::format::{Environment, RuleSpec};
use crate::world::*;
use std::collections::BTreeMap;

/// Draws the security groups' ids, by name, so rules may refer to each other.
pub(super) fn reserve_security_groups(
    w: &mut World,
    env: &Environment,
) -> Result<BTreeMap<String, String>, PathError> {
    let mut sg_ids: BTreeMap<String, String> = BTreeMap::new();
    for (i, g) in env.security_groups.iter().enumerate() {
        if g.name == DEFAULT_SG_NAME {
            return Err(env_err(
                format!("security_groups[{i}].name"),
                "the VPC's default security group 'default' exists already; give this group another name",
            ));
        }
        if sg_ids.contains_key(&g.name) {
            return Err(env_err(
                format!("security_groups[{i}].name"),
                format!("a security group named '{}' already exists", g.name),
            ));
        }
        let id = w.rng.ec2_id("sg");
        sg_ids.insert(g.name.clone(), id.clone());
        w.names.insert(format!("sg:{}", g.name), id);
    }
    Ok(sg_ids)
}

/// Creates the security groups with their rules (the default egress rule
/// where none are given).
pub(super) fn build_security_groups(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
    sg_ids: &BTreeMap<String, String>,
) -> Result<(), PathError> {
    let vpc_id = &vpc.id;
    for (i, g) in env.security_groups.iter().enumerate() {
        let path = format!("security_groups[{i}]");
        let mut ingress = Vec::new();
        for (j, r) in g.ingress.iter().enumerate() {
            ingress.push(rule(w, r, &format!("{path}.ingress[{j}]"), sg_ids)?);
        }
        let egress = match &g.egress {
            None => vec![SgRule {
                id: w.rng.ec2_id("sgr"),
                protocol: "-1".into(),
                from_port: -1,
                to_port: -1,
                cidrs: vec![Cidr::ANY],
                groups: vec![],
                prefix_lists: vec![],
                description: None,
            }],
            Some(rules) => {
                let mut v = Vec::new();
                for (j, r) in rules.iter().enumerate() {
                    v.push(rule(w, r, &format!("{path}.egress[{j}]"), sg_ids)?);
                }
                v
            }
        };
        let id = sg_ids[&g.name].clone();
        w.security_groups.insert(
            id.clone(),
            SecurityGroup {
                id,
                name: g.name.clone(),
                description: g.description.clone().unwrap_or_else(|| g.name.clone()),
                vpc_id: vpc_id.clone(),
                ingress,
                egress,
            },
        );
    }
    Ok(())
}

fn rule(
    world: &mut World,
    r: &RuleSpec,
    path: &str,
    egress_target_ids: &BTreeMap<String, String>,
) -> Result<SgRule, PathError> {
    let protocol = match r.protocol.as_str() {
        "all" | "-1" => "-1",
        "tcp" => "tcp",
        "udp" => "udp",
        "icmp" => "icmp",
        o => {
            return Err(env_err(
                format!("{path}.protocol"),
                format!("unknown protocol '{o}'; expected tcp, udp, icmp or all"),
            ))
        }
    };
    let (from, to) = match (&r.port, &r.ports) {
        (Some(p), None) => (*p as i32, *p as i32),
        (None, Some(range)) => {
            let bad = || {
                env_err(
                    format!("{path}.ports"),
                    format!("'{range}' is not a port range; expected from-to, such as 1024-65535"),
                )
            };
            let (a, b) = range.split_once('-').ok_or_else(bad)?;
            let a: i32 = a.trim().parse().map_err(|_| bad())?;
            let b: i32 = b.trim().parse().map_err(|_| bad())?;
            if a > b || b > 65535 {
                return Err(bad());
            }
            (a, b)
        }
        (None, None) if protocol == "-1" => (-1, -1),
        (None, None) => return Err(env_err(path, "a tcp/udp/icmp rule needs `port` or `ports`")),
        (Some(_), Some(_)) => return Err(env_err(path, "give `port` or `ports`, not both")),
    };
    let mut out = SgRule {
        id: world.rng.ec2_id("sgr"),
        protocol: protocol.into(),
        from_port: from,
        to_port: to,
        cidrs: vec![],
        groups: vec![],
        prefix_lists: vec![],
        description: r.description.clone(),
    };
    let targets = [
        r.cidr.is_some(),
        r.group.is_some(),
        r.prefix_list_of.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if targets != 1 {
        return Err(env_err(
            path,
            "a rule needs exactly one of `cidr`, `group` or `prefix_list_of`",
        ));
    }
    if let Some(c) = &r.cidr {
        out.cidrs.push(parse_cidr(c, &format!("{path}.cidr"))?);
    }
    if let Some(g) = &r.group {
        let id = egress_target_ids.get(g).ok_or_else(|| {
            env_err(
                format!("{path}.group"),
                format!(
                    "no security group named '{g}'; known: {}",
                    join_or_none(egress_target_ids.keys())
                ),
            )
        })?;
        out.groups.push(id.clone());
    }
    if let Some(e) = &r.prefix_list_of {
        let id = name_of(
            world,
            "pl",
            e,
            &format!("{path}.prefix_list_of"),
            "gateway endpoint",
        )?
        .to_string();
        out.prefix_lists.push(id);
    }
    Ok(out)
}
