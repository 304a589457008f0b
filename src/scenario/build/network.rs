//! The network: region, VPC, internet gateway, subnets, NAT gateways, route
//! tables, VPC endpoints, and other workloads' network interfaces.

use super::{env_err, name_of, parse_cidr, resolve, PathError, VpcRef};
use crate::scenario::format::Environment;
use crate::time::Millis;
use crate::world::*;
use std::collections::BTreeMap;

/// Checks the region is a region name (`us-east-1`).
pub(super) fn check_region(env: &Environment) -> Result<(), PathError> {
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
    Ok(())
}

/// Creates the VPC.
pub(super) fn build_vpc(w: &mut World, env: &Environment) -> Result<VpcRef, PathError> {
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
    // Every VPC has its default security group, as EC2 creates it.
    let default_sg = w.add_default_security_group(&vpc_id);
    w.names.insert("sg:default".into(), default_sg);
    Ok(VpcRef {
        id: vpc_id,
        cidr: vpc_cidr,
    })
}

/// Creates the internet gateway, if the environment has one, attached to the VPC.
pub(super) fn build_internet_gateway(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
) -> Result<(), PathError> {
    let vpc_id = &vpc.id;
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
    Ok(())
}

/// Creates the subnets: inside the VPC, not overlapping, one AZ letter each.
pub(super) fn build_subnets(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
) -> Result<(), PathError> {
    let (vpc_id, vpc_cidr) = (&vpc.id, vpc.cidr);
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
    Ok(())
}

/// Creates the NAT gateways, each with its interface and public address.
pub(super) fn build_nat_gateways(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
    created: Millis,
) -> Result<(), PathError> {
    let vpc_id = &vpc.id;
    for (i, n) in env.nat_gateways.iter().enumerate() {
        let path = format!("nat_gateways[{i}]");
        let subnet =
            name_of(w, "subnet", &n.subnet, &format!("{path}.subnet"), "subnet")?.to_string();
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
    Ok(())
}

/// Creates the route tables (the main one if none is declared), with their
/// associations and routes.
pub(super) fn build_route_tables(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
) -> Result<(), PathError> {
    let (vpc_id, vpc_cidr) = (&vpc.id, vpc.cidr);
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
                name_of(w, "subnet", s, &format!("{path}.subnets[{j}]"), "subnet")?.to_string();
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
                (Some(n), false) => RouteTarget::NatGateway(name_of(w, "nat", n, &format!("{rp}.nat_gateway"), "NAT gateway")?.to_string()),
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
    Ok(())
}

/// Creates the VPC endpoints: a gateway endpoint's prefix list and routes, an
/// interface endpoint's network interfaces.
pub(super) fn build_vpc_endpoints(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
    created: Millis,
) -> Result<(), PathError> {
    let vpc_id = &vpc.id;
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
                    w,
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
                        w,
                        "sg",
                        g,
                        &format!("{path}.security_groups[{j}]"),
                        "security group",
                    )?
                    .to_string(),
                );
            }
            for (j, s) in e.subnets.iter().enumerate() {
                let sid =
                    name_of(w, "subnet", s, &format!("{path}.subnets[{j}]"), "subnet")?.to_string();
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
    Ok(())
}

/// Creates other workloads' network interfaces (they take subnet addresses).
pub(super) fn build_other_enis(w: &mut World, env: &Environment) -> Result<(), PathError> {
    for (i, o) in env.other_enis.iter().enumerate() {
        let path = format!("other_enis[{i}]");
        let sid = name_of(w, "subnet", &o.subnet, &format!("{path}.subnet"), "subnet")?.to_string();
        for _ in 0..o.count {
            let desc = resolve(w, &BTreeMap::new(), &o.description)
                .map_err(|e| env_err(format!("{path}.description"), e))?;
            // Another workload's interfaces carry its security groups: here
            // the VPC's default group. An instance's id is derived from the
            // interface's place (no draw from the world's generator).
            let groups = w.effective_security_groups(&sid, &[]);
            let tag = format!("{:016x}", (i as u64) << 32 | w.enis.len() as u64);
            let owner = workload_owner(&desc, &tag);
            let eni = w
                .create_eni(&sid, owner, desc.clone(), interface_type_for(&desc), groups)
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
    Ok(())
}
