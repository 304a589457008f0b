//! Building a world from an environment, resolving placeholders, and applying
//! timeline operations. Errors carry the field path they concern; the loader
//! turns paths into file, line and column.

use super::format::*;
use crate::aws::sim::write;
use crate::engine::Sim;
use crate::time::{Millis, SECOND};
use crate::world::*;
use std::collections::BTreeMap;

/// An error at a field path of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Which file: the environment or the scenario.
    pub in_env: bool,
    /// Field path, e.g. `services[0].subnets[1]`.
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

fn env_err(path: impl Into<String>, message: impl Into<String>) -> PathError {
    PathError {
        in_env: true,
        path: path.into(),
        message: message.into(),
    }
}

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
            "unknown placeholder ${{{key}}}; kinds are subnet, sg, rtb, nat, igw, vpc, vpce, role, policy, secret, param, tg, lb, repo, cluster, ecr, account, region, var"
        ))
    } else {
        Err(format!(
            "no resource '{key}' in this environment; known: {}",
            known.join(", ")
        ))
    }
}

fn join_or_none<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = it.map(|s| s.as_str()).collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

/// Resolves placeholders in every string of a JSON value.
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

fn name_of<'a>(
    world: &'a World,
    kind: &str,
    name: &str,
    path: &str,
    what: &str,
) -> Result<&'a str, PathError> {
    world.name(&format!("{kind}:{name}")).ok_or_else(|| {
        let known: Vec<&str> = world
            .names
            .keys()
            .filter_map(|k| k.strip_prefix(&format!("{kind}:")))
            .collect();
        env_err(
            path,
            format!(
                "no {what} named '{name}'; known: {}",
                if known.is_empty() {
                    "(none)".into()
                } else {
                    known.join(", ")
                }
            ),
        )
    })
}

fn parse_cidr(text: &str, path: &str) -> Result<Cidr, PathError> {
    text.parse().map_err(|e: String| env_err(path, e))
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

/// Builds the world of an environment at virtual time `t0` (its "creation").
pub fn build_world(env: &Environment, seed: u64, t0: Millis) -> Result<World, PathError> {
    let valid_region = env.region.split('-').count() >= 3
        && env
            .region
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_digit());
    if !valid_region {
        return Err(env_err(
            "region",
            format!(
                "'{}' is not a region name; expected one such as us-east-1 or eu-west-2",
                env.region
            ),
        ));
    }
    let mut w = World::new(seed, &env.region);
    let week = 7 * 24 * 3600 * SECOND;
    let created = t0 - 30 * 24 * 3600 * SECOND;

    // VPC, internet gateway, subnets.
    let vpc_cidr = parse_cidr(&env.vpc.cidr, "vpc.cidr")?;
    if vpc_cidr.prefix < 16 || vpc_cidr.prefix > 28 {
        return Err(env_err(
            "vpc.cidr",
            "a VPC block must be between /16 and /28",
        ));
    }
    let vpc_id = w.rng.ec2_id("vpc");
    w.vpcs.insert(
        vpc_id.clone(),
        Vpc {
            id: vpc_id.clone(),
            name: env.vpc.name.clone(),
            cidr: vpc_cidr,
            dns_support: env.vpc.dns_support,
            dns_hostnames: env.vpc.dns_hostnames,
        },
    );
    w.names.insert("vpc".into(), vpc_id.clone());
    if let Some(name) = &env.internet_gateway {
        let id = w.rng.ec2_id("igw");
        w.internet_gateways.insert(
            id.clone(),
            InternetGateway {
                id: id.clone(),
                name: name.clone(),
                vpc_id: Some(vpc_id.clone()),
            },
        );
        w.names.insert("igw".into(), id);
    }
    let mut blocks: Vec<(Cidr, String)> = Vec::new();
    for (i, s) in env.subnets.iter().enumerate() {
        let path = format!("subnets[{i}]");
        let cidr = parse_cidr(&s.cidr, &format!("{path}.cidr"))?;
        if !vpc_cidr.covers(&cidr) {
            return Err(env_err(
                format!("{path}.cidr"),
                format!("{cidr} is not inside the VPC's {vpc_cidr}"),
            ));
        }
        if cidr.prefix > 28 || cidr.prefix < 16 {
            return Err(env_err(
                format!("{path}.cidr"),
                "a subnet block must be between /16 and /28",
            ));
        }
        if let Some((_, other)) = blocks
            .iter()
            .find(|(b, _)| b.covers(&cidr) || cidr.covers(b))
        {
            return Err(env_err(
                format!("{path}.cidr"),
                format!("{cidr} overlaps subnet '{other}'"),
            ));
        }
        if s.az.len() != 1 || !s.az.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(env_err(
                format!("{path}.az"),
                format!("'{}' is not an AZ letter; expected a, b, c, ...", s.az),
            ));
        }
        if w.names.contains_key(&format!("subnet:{}", s.name)) {
            return Err(env_err(
                format!("{path}.name"),
                format!("a subnet named '{}' already exists", s.name),
            ));
        }
        blocks.push((cidr, s.name.clone()));
        let id = w.rng.ec2_id("subnet");
        w.subnets.insert(
            id.clone(),
            Subnet {
                id: id.clone(),
                name: s.name.clone(),
                vpc_id: vpc_id.clone(),
                az: format!("{}{}", env.region, s.az),
                az_id: az_id(&env.region, &s.az),
                cidr,
                map_public_ip_on_launch: s.public,
            },
        );
        w.names.insert(format!("subnet:{}", s.name), id);
    }

    // NAT gateways.
    for (i, n) in env.nat_gateways.iter().enumerate() {
        let path = format!("nat_gateways[{i}]");
        let subnet =
            name_of(&w, "subnet", &n.subnet, &format!("{path}.subnet"), "subnet")?.to_string();
        let id = w.rng.ec2_id("nat");
        let eni = w
            .create_eni(
                &subnet,
                EniOwner::NatGateway(id.clone()),
                format!("Interface for NAT Gateway {id}"),
                "nat_gateway",
                vec![],
            )
            .ok_or_else(|| {
                env_err(
                    format!("{path}.subnet"),
                    "the subnet has no free address for the NAT gateway",
                )
            })?;
        let public_ip = w.endpoint_ip(&format!("eip-{id}"));
        let alloc = w.rng.ec2_id("eipalloc");
        w.nat_gateways.insert(
            id.clone(),
            NatGateway {
                id: id.clone(),
                name: n.name.clone(),
                subnet_id: subnet,
                vpc_id: vpc_id.clone(),
                state: "available".into(),
                eni_id: eni,
                public_ip,
                allocation_id: alloc,
                created,
            },
        );
        w.names.insert(format!("nat:{}", n.name), id);
    }

    // Security groups: ids first, so rules may refer to each other.
    let mut sg_ids: BTreeMap<String, String> = BTreeMap::new();
    for (i, g) in env.security_groups.iter().enumerate() {
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

    // Route tables (the main one made if none is declared), gateway endpoints add routes.
    let mut main_declared = false;
    for (i, rt) in env.route_tables.iter().enumerate() {
        let path = format!("route_tables[{i}]");
        main_declared |= rt.main;
        let id = w.rng.ec2_id("rtb");
        let mut associations = Vec::new();
        if rt.main {
            associations.push(Association {
                id: w.rng.ec2_id("rtbassoc"),
                subnet_id: None,
            });
        }
        for (j, s) in rt.subnets.iter().enumerate() {
            let sid =
                name_of(&w, "subnet", s, &format!("{path}.subnets[{j}]"), "subnet")?.to_string();
            let taken = w.route_tables.values().any(|t| {
                t.associations
                    .iter()
                    .any(|a| a.subnet_id.as_deref() == Some(sid.as_str()))
            });
            if taken {
                return Err(env_err(
                    format!("{path}.subnets[{j}]"),
                    format!("subnet '{s}' is already associated with another route table"),
                ));
            }
            associations.push(Association {
                id: w.rng.ec2_id("rtbassoc"),
                subnet_id: Some(sid),
            });
        }
        let mut routes = vec![Route {
            dest: RouteDest::Cidr(vpc_cidr),
            target: RouteTarget::Local,
            origin: "CreateRouteTable",
        }];
        for (j, r) in rt.routes.iter().enumerate() {
            let rp = format!("{path}.routes[{j}]");
            let dest = parse_cidr(&r.destination, &format!("{rp}.destination"))?;
            let target = match (&r.nat_gateway, r.internet_gateway) {
                (Some(n), false) => RouteTarget::NatGateway(name_of(&w, "nat", n, &format!("{rp}.nat_gateway"), "NAT gateway")?.to_string()),
                (None, true) => RouteTarget::InternetGateway(
                    w.name("igw").ok_or_else(|| env_err(format!("{rp}.internet_gateway"), "the environment has no internet_gateway"))?.to_string(),
                ),
                _ => return Err(env_err(rp, "a route needs exactly one target: `nat_gateway: <name>` or `internet_gateway: true`")),
            };
            routes.push(Route {
                dest: RouteDest::Cidr(dest),
                target,
                origin: "CreateRoute",
            });
        }
        w.route_tables.insert(
            id.clone(),
            RouteTable {
                id: id.clone(),
                name: rt.name.clone(),
                vpc_id: vpc_id.clone(),
                main: rt.main,
                associations,
                routes,
            },
        );
        w.names.insert(format!("rtb:{}", rt.name), id);
    }
    if env.route_tables.iter().filter(|r| r.main).count() > 1 {
        return Err(env_err(
            "route_tables",
            "only one route table can be `main: true`",
        ));
    }
    if !main_declared {
        let id = w.rng.ec2_id("rtb");
        let assoc = Association {
            id: w.rng.ec2_id("rtbassoc"),
            subnet_id: None,
        };
        w.route_tables.insert(
            id.clone(),
            RouteTable {
                id: id.clone(),
                name: String::new(),
                vpc_id: vpc_id.clone(),
                main: true,
                associations: vec![assoc],
                routes: vec![Route {
                    dest: RouteDest::Cidr(vpc_cidr),
                    target: RouteTarget::Local,
                    origin: "CreateRouteTable",
                }],
            },
        );
        w.names.insert("rtb:main".into(), id);
    }

    // Endpoints.
    let services: Vec<&str> = ENDPOINT_SERVICES.iter().map(|(s, _)| *s).collect();
    for (i, e) in env.vpc_endpoints.iter().enumerate() {
        let path = format!("vpc_endpoints[{i}]");
        if !services.contains(&e.service.as_str()) {
            return Err(env_err(
                format!("{path}.service"),
                format!(
                    "unknown endpoint service '{}'; expected one of {}",
                    e.service,
                    services.join(", ")
                ),
            ));
        }
        let id = w.rng.ec2_id("vpce");
        let kind = match e.kind.as_str() {
            "Interface" => EndpointKind::Interface,
            "Gateway" => EndpointKind::Gateway,
            o => {
                return Err(env_err(
                    format!("{path}.type"),
                    format!("'{o}' is not an endpoint type; expected Interface or Gateway"),
                ))
            }
        };
        let mut ep = VpcEndpoint {
            id: id.clone(),
            name: e.name.clone(),
            vpc_id: vpc_id.clone(),
            service: e.service.clone(),
            kind,
            subnet_ids: vec![],
            security_group_ids: vec![],
            route_table_ids: vec![],
            private_dns: kind == EndpointKind::Interface && e.private_dns,
            eni_ids: vec![],
            prefix_list: None,
            created,
        };
        if kind == EndpointKind::Gateway {
            if e.service != "s3" && e.service != "dynamodb" {
                return Err(env_err(
                    format!("{path}.service"),
                    "gateway endpoints exist only for s3 and dynamodb",
                ));
            }
            let pl = format!("pl-{}", w.rng.hex(8));
            ep.prefix_list = Some(pl.clone());
            w.names.insert(format!("pl:{}", e.name), pl.clone());
            for (j, rt) in e.route_tables.iter().enumerate() {
                let rid = name_of(
                    &w,
                    "rtb",
                    rt,
                    &format!("{path}.route_tables[{j}]"),
                    "route table",
                )?
                .to_string();
                ep.route_table_ids.push(rid.clone());
                if let Some(t) = w.route_tables.get_mut(&rid) {
                    t.routes.push(Route {
                        dest: RouteDest::PrefixList(pl.clone()),
                        target: RouteTarget::GatewayEndpoint(id.clone()),
                        origin: "CreateRoute",
                    });
                }
            }
        } else {
            for (j, g) in e.security_groups.iter().enumerate() {
                ep.security_group_ids.push(
                    name_of(
                        &w,
                        "sg",
                        g,
                        &format!("{path}.security_groups[{j}]"),
                        "security group",
                    )?
                    .to_string(),
                );
            }
            for (j, s) in e.subnets.iter().enumerate() {
                let sid = name_of(&w, "subnet", s, &format!("{path}.subnets[{j}]"), "subnet")?
                    .to_string();
                let eni = w
                    .create_eni(
                        &sid,
                        EniOwner::Endpoint(id.clone()),
                        format!("VPC Endpoint Interface {id}"),
                        "vpc_endpoint",
                        ep.security_group_ids.clone(),
                    )
                    .ok_or_else(|| {
                        env_err(
                            format!("{path}.subnets[{j}]"),
                            "the subnet has no free address for the endpoint",
                        )
                    })?;
                ep.subnet_ids.push(sid);
                ep.eni_ids.push(eni);
            }
            if ep.subnet_ids.is_empty() {
                return Err(env_err(
                    format!("{path}.subnets"),
                    "an interface endpoint needs at least one subnet",
                ));
            }
        }
        w.vpc_endpoints.insert(id.clone(), ep);
        w.names.insert(format!("vpce:{}", e.name), id);
    }

    // Security group rules (prefix lists now exist).
    for (i, g) in env.security_groups.iter().enumerate() {
        let path = format!("security_groups[{i}]");
        let mut ingress = Vec::new();
        for (j, r) in g.ingress.iter().enumerate() {
            ingress.push(rule(&mut w, r, &format!("{path}.ingress[{j}]"), &sg_ids)?);
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
                    v.push(rule(&mut w, r, &format!("{path}.egress[{j}]"), &sg_ids)?);
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

    // Other workloads' ENIs.
    for (i, o) in env.other_enis.iter().enumerate() {
        let path = format!("other_enis[{i}]");
        let sid =
            name_of(&w, "subnet", &o.subnet, &format!("{path}.subnet"), "subnet")?.to_string();
        for _ in 0..o.count {
            let desc = resolve(&w, &BTreeMap::new(), &o.description)
                .map_err(|e| env_err(format!("{path}.description"), e))?;
            let eni = w
                .create_eni(
                    &sid,
                    EniOwner::Other(desc.clone()),
                    desc.clone(),
                    interface_type_for(&desc),
                    vec![],
                )
                .ok_or_else(|| {
                    env_err(
                        format!("{path}.count"),
                        format!(
                            "subnet '{}' has no room for {} more interfaces",
                            o.subnet, o.count
                        ),
                    )
                })?;
            if let Some(e) = w.enis.get_mut(&eni) {
                e.status = o.status.clone();
            }
        }
    }

    // Secrets and parameters (policies may name them).
    for s in &env.secrets {
        let suffix: String = w
            .rng
            .hex(6)
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    (b'A' + (c as u8 - b'0')) as char
                } else {
                    c
                }
            })
            .collect();
        let arn = w.arn("secretsmanager", &format!("secret:{}-{suffix}", s.name));
        w.secrets.insert(
            s.name.clone(),
            Secret {
                name: s.name.clone(),
                arn: arn.clone(),
                created,
                kms_key_id: s.kms_key.clone(),
            },
        );
        w.names.insert(format!("secret:{}", s.name), arn);
    }
    for (i, p) in env.parameters.iter().enumerate() {
        if !["String", "StringList", "SecureString"].contains(&p.kind.as_str()) {
            return Err(env_err(
                format!("parameters[{i}].type"),
                format!(
                    "'{}' is not a parameter type; expected String, StringList or SecureString",
                    p.kind
                ),
            ));
        }
        let arn = w.arn(
            "ssm",
            &format!(
                "parameter{}{}",
                if p.name.starts_with('/') { "" } else { "/" },
                p.name
            ),
        );
        w.parameters.insert(
            p.name.clone(),
            Parameter {
                name: p.name.clone(),
                arn: arn.clone(),
                kind: p.kind.clone(),
                modified: created,
            },
        );
        w.names.insert(format!("param:{}", p.name), arn);
    }

    // IAM.
    for (i, p) in env.policies.iter().enumerate() {
        let arn = format!("arn:aws:iam::{}:policy/{}", w.account, p.name);
        if w.policies.contains_key(&arn) {
            return Err(env_err(
                format!("policies[{i}].name"),
                format!("a policy named '{}' already exists", p.name),
            ));
        }
        let pid = format!("ANPA{}", w.rng.hex(17).to_uppercase());
        let document = resolve_doc(&w, &p.document, &format!("policies[{i}].document"))?;
        w.policies.insert(
            arn.clone(),
            ManagedPolicy {
                name: p.name.clone(),
                arn: arn.clone(),
                policy_id: pid,
                path: "/".into(),
                document,
                version: "v1".into(),
                created,
            },
        );
        w.names.insert(format!("policy:{}", p.name), arn);
    }
    for (i, r) in env.roles.iter().enumerate() {
        let path = format!("roles[{i}]");
        let trust = match (&r.trust, &r.trust_policy) {
            (Some(svc), None) => PolicyDocument::trust(svc),
            (None, Some(doc)) => doc.clone(),
            _ => return Err(env_err(
                path,
                "a role needs exactly one of `trust: <service principal>` or `trust_policy: {...}`",
            )),
        };
        let mut attached = Vec::new();
        for (j, m) in r.managed.iter().enumerate() {
            let arn = if m.starts_with("arn:") {
                m.clone()
            } else {
                w.policies
                    .values()
                    .find(|p| p.name == *m)
                    .map(|p| p.arn.clone())
                    .unwrap_or_default()
            };
            if !w.policies.contains_key(&arn) {
                let known: Vec<&str> = w.policies.values().map(|p| p.name.as_str()).collect();
                return Err(env_err(
                    format!("{path}.managed[{j}]"),
                    format!("no managed policy '{m}'; known: {}", known.join(", ")),
                ));
            }
            attached.push(arn);
        }
        let mut inline = BTreeMap::new();
        for (k, doc) in &r.inline {
            inline.insert(
                k.clone(),
                resolve_doc(&w, doc, &format!("{path}.inline.{k}"))?,
            );
        }
        let arn = w.role_arn(&r.name);
        let role_id = format!("AROA{}", w.rng.hex(17).to_uppercase());
        w.roles.insert(
            r.name.clone(),
            Role {
                name: r.name.clone(),
                arn: arn.clone(),
                role_id,
                trust,
                attached,
                inline,
                description: r.description.clone(),
                created,
            },
        );
        w.names.insert(format!("role:{}", r.name), arn);
    }

    // Applications, images, logs, secrets.
    for (name, p) in &env.profiles {
        if p.memory.start > p.memory.peak {
            return Err(env_err(
                format!("profiles.{name}.memory"),
                "start must not exceed peak",
            ));
        }
        w.profiles.insert(name.clone(), p.clone());
    }
    for (i, r) in env.repositories.iter().enumerate() {
        let uri = format!("{}/{}", w.registry(), r.name);
        let arn = w.arn("ecr", &format!("repository/{}", r.name));
        w.repositories.insert(
            r.name.clone(),
            Repository {
                name: r.name.clone(),
                arn,
                uri: uri.clone(),
                created,
                images: vec![],
            },
        );
        w.names.insert(format!("repo:{}", r.name), uri);
        for (j, im) in r.images.iter().enumerate() {
            push_image(
                &mut w,
                &r.name,
                im,
                t0,
                &format!("repositories[{i}].images[{j}]"),
                true,
            )?;
        }
        let _ = week;
    }
    for (i, g) in env.log_groups.iter().enumerate() {
        write::create_log_group(&mut w, &g.name, created)
            .map_err(|e| env_err(format!("log_groups[{i}].name"), e.message))?;
        if let Some(gr) = w.log_groups.get_mut(&g.name) {
            gr.retention_days = g.retention_days;
        }
    }
    // Load balancing.
    for (i, lb) in env.load_balancers.iter().enumerate() {
        let path = format!("load_balancers[{i}]");
        let hex = w.rng.hex(16);
        let arn = w.arn(
            "elasticloadbalancing",
            &format!("loadbalancer/app/{}/{hex}", lb.name),
        );
        let mut sgs = Vec::new();
        for (j, g) in lb.security_groups.iter().enumerate() {
            sgs.push(
                name_of(
                    &w,
                    "sg",
                    g,
                    &format!("{path}.security_groups[{j}]"),
                    "security group",
                )?
                .to_string(),
            );
        }
        let mut subnets = Vec::new();
        for (j, s) in lb.subnets.iter().enumerate() {
            let sid =
                name_of(&w, "subnet", s, &format!("{path}.subnets[{j}]"), "subnet")?.to_string();
            w.create_eni(
                &sid,
                EniOwner::LoadBalancer(arn.clone()),
                format!("ELB app/{}/{hex}", lb.name),
                "interface",
                sgs.clone(),
            )
            .ok_or_else(|| {
                env_err(
                    format!("{path}.subnets[{j}]"),
                    "the subnet has no free address for the load balancer",
                )
            })?;
            subnets.push(sid);
        }
        let dns = format!(
            "{}-{}.{}.elb.amazonaws.com",
            lb.name,
            w.rng.digits(10),
            env.region
        );
        w.load_balancers.insert(
            arn.clone(),
            LoadBalancer {
                name: lb.name.clone(),
                arn: arn.clone(),
                dns_name: dns,
                scheme: lb.scheme.clone(),
                vpc_id: vpc_id.clone(),
                subnets,
                security_groups: sgs,
                created,
            },
        );
        w.names.insert(format!("lb:{}", lb.name), arn);
    }
    for (i, tg) in env.target_groups.iter().enumerate() {
        let path = format!("target_groups[{i}]");
        let lb = name_of(
            &w,
            "lb",
            &tg.load_balancer,
            &format!("{path}.load_balancer"),
            "load balancer",
        )?
        .to_string();
        let hc = &tg.health_check;
        if hc.port != "traffic-port" && hc.port.parse::<u16>().is_err() {
            return Err(env_err(
                format!("{path}.health_check.port"),
                format!(
                    "'{}' is not a port; expected traffic-port or a number",
                    hc.port
                ),
            ));
        }
        let hex = w.rng.hex(16);
        let arn = w.arn(
            "elasticloadbalancing",
            &format!("targetgroup/{}/{hex}", tg.name),
        );
        w.target_groups.insert(
            arn.clone(),
            TargetGroup {
                name: tg.name.clone(),
                arn: arn.clone(),
                port: tg.port,
                protocol: "HTTP".into(),
                vpc_id: vpc_id.clone(),
                target_type: "ip".into(),
                health_check: TargetHealthCheck {
                    protocol: "HTTP".into(),
                    port: hc.port.clone(),
                    path: hc.path.clone(),
                    interval: hc.interval,
                    timeout: hc.timeout,
                    healthy_threshold: hc.healthy_threshold,
                    unhealthy_threshold: hc.unhealthy_threshold,
                    matcher: hc.matcher.clone(),
                },
                deregistration_delay: tg.deregistration_delay,
                load_balancer_arns: vec![lb],
                targets: vec![],
            },
        );
        w.names.insert(format!("tg:{}", tg.name), arn);
    }

    // ECS.
    for c in &env.clusters {
        let arn = w.arn("ecs", &format!("cluster/{c}"));
        w.clusters.insert(
            c.clone(),
            Cluster {
                name: c.clone(),
                arn: arn.clone(),
            },
        );
        w.names.insert(format!("cluster:{c}"), arn);
    }
    for (i, td) in env.task_definitions.iter().enumerate() {
        let path = format!("task_definitions[{i}]");
        let mut v = serde_json::to_value(td).map_err(|e| env_err(&path, e.to_string()))?;
        resolve_json(&w, &BTreeMap::new(), &mut v).map_err(|e| env_err(&path, e))?;
        let def: TaskDefinitionInput =
            serde_json::from_value(v).map_err(|e| env_err(&path, e.to_string()))?;
        let reg =
            write::register(&mut w, def, created + week).map_err(|e| env_err(&path, e.message))?;
        w.names.insert(format!("td:{}", reg.def.family), reg.arn);
    }
    Ok(w)
}

fn resolve_doc(w: &World, doc: &PolicyDocument, path: &str) -> Result<PolicyDocument, PathError> {
    let mut v = serde_json::to_value(doc).map_err(|e| env_err(path, e.to_string()))?;
    resolve_json(w, &BTreeMap::new(), &mut v).map_err(|e| env_err(path, e))?;
    serde_json::from_value(v).map_err(|e| env_err(path, e.to_string()))
}

/// Adds an image to a repository.
pub fn push_image(
    w: &mut World,
    repo: &str,
    im: &ImageSpec,
    now: Millis,
    path: &str,
    in_env: bool,
) -> Result<(), PathError> {
    let err = |p: String, m: String| PathError {
        in_env,
        path: p,
        message: m,
    };
    if !w.profiles.contains_key(&im.profile) {
        let known: Vec<&str> = w.profiles.keys().map(|s| s.as_str()).collect();
        return Err(err(
            format!("{path}.profile"),
            format!("no profile '{}'; known: {}", im.profile, known.join(", ")),
        ));
    }
    let platforms = im
        .platforms
        .clone()
        .unwrap_or_else(|| vec!["linux/amd64".into()]);
    for (k, p) in platforms.iter().enumerate() {
        if p != "linux/amd64" && p != "linux/arm64" {
            return Err(err(
                format!("{path}.platforms[{k}]"),
                format!("'{p}' is not a platform; expected linux/amd64 or linux/arm64"),
            ));
        }
    }
    let digest = format!("sha256:{}", w.rng.hex(64));
    let pushed = now + im.pushed.map(|d| d.0).unwrap_or(-7 * 24 * 3600 * SECOND);
    let Some(r) = w.repositories.get_mut(repo) else {
        return Err(err(
            format!("{path}.repository"),
            format!("no repository '{repo}'"),
        ));
    };
    for t in &im.tags {
        for other in r.images.iter_mut() {
            other.tags.retain(|x| x != t);
        }
    }
    r.images.push(Image {
        digest,
        tags: im.tags.clone(),
        pushed_at: pushed,
        size_bytes: im.size_mb * 1_000_000,
        unpacked_bytes: im.unpacked_mb.unwrap_or(im.size_mb * 5 / 2) * 1_000_000,
        platforms,
        is_index: im.index,
        profile: im.profile.clone(),
    });
    Ok(())
}

/// Creates the environment's services in the simulation (their first deployments start).
pub fn create_services(sim: &mut Sim, env: &Environment) -> Result<(), PathError> {
    for (i, s) in env.services.iter().enumerate() {
        let path = format!("services[{i}]");
        let w = sim.world();
        if !w.clusters.contains_key(&s.cluster) {
            return Err(env_err(
                format!("{path}.cluster"),
                format!(
                    "no cluster '{}'; known: {}",
                    s.cluster,
                    join_or_none(w.clusters.keys())
                ),
            ));
        }
        let td = w
            .task_definition(&s.task_definition)
            .ok_or_else(|| {
                env_err(
                    format!("{path}.task_definition"),
                    format!(
                        "no task definition '{}' (give a family registered in task_definitions)",
                        s.task_definition
                    ),
                )
            })?
            .clone();
        let mut subnets = Vec::new();
        for (j, n) in s.subnets.iter().enumerate() {
            subnets.push(
                name_of(w, "subnet", n, &format!("{path}.subnets[{j}]"), "subnet")?.to_string(),
            );
        }
        let mut sgs = Vec::new();
        for (j, n) in s.security_groups.iter().enumerate() {
            sgs.push(
                name_of(
                    w,
                    "sg",
                    n,
                    &format!("{path}.security_groups[{j}]"),
                    "security group",
                )?
                .to_string(),
            );
        }
        let mut lbs = Vec::new();
        if let Some(lb) = &s.load_balancer {
            let tg = name_of(
                w,
                "tg",
                &lb.target_group,
                &format!("{path}.load_balancer.target_group"),
                "target group",
            )?
            .to_string();
            let has = td.def.container_definitions.iter().any(|c| {
                c.name == lb.container
                    && c.port_mappings.iter().any(|p| p.container_port == lb.port)
            });
            if !has {
                return Err(env_err(
                    format!("{path}.load_balancer"),
                    format!(
                        "task definition {} has no container '{}' mapping port {}",
                        td.family_revision(),
                        lb.container,
                        lb.port
                    ),
                ));
            }
            lbs.push(ServiceLoadBalancer {
                target_group_arn: tg,
                container_name: lb.container.clone(),
                container_port: lb.port,
            });
        }
        if s.deployment.max_percent < 100 || s.deployment.min_healthy_percent > 100 {
            return Err(env_err(
                format!("{path}.deployment"),
                "max_percent must be at least 100 and min_healthy_percent at most 100",
            ));
        }
        let arn = w.arn("ecs", &format!("service/{}/{}", s.cluster, s.name));
        if w.service(&s.cluster, &s.name).is_some() {
            return Err(env_err(
                format!("{path}.name"),
                format!(
                    "service '{}' already exists in cluster '{}'",
                    s.name, s.cluster
                ),
            ));
        }
        let svc = Service {
            name: s.name.clone(),
            arn,
            cluster: s.cluster.clone(),
            task_definition: td.arn.clone(),
            desired_count: s.desired,
            network: NetworkConfig {
                subnets,
                security_groups: sgs,
                assign_public_ip: s.public_ip,
            },
            deployment_config: DeploymentConfig {
                maximum_percent: s.deployment.max_percent,
                minimum_healthy_percent: s.deployment.min_healthy_percent,
                circuit_breaker: CircuitBreaker {
                    enable: s.deployment.circuit_breaker,
                    rollback: s.deployment.rollback,
                },
            },
            load_balancers: lbs,
            health_check_grace_period: (s.grace_period.0 / SECOND) as u32,
            deployments: vec![],
            events: Default::default(),
            created_at: sim.now(),
            status: "ACTIVE".into(),
            sched: Default::default(),
        };
        sim.mutate(|c| {
            let arn = svc.arn.clone();
            c.world
                .services
                .insert((s.cluster.clone(), s.name.clone()), svc);
            c.world.names.insert(format!("service:{}", s.name), arn);
            c.new_deployment(&s.cluster, &s.name);
        });
    }
    Ok(())
}
