//! Network reachability from a task's ENI to an AWS service endpoint:
//! interface endpoints (private DNS), the S3 gateway endpoint, a NAT route,
//! or an internet gateway with a public IP; security-group egress on 443 and
//! the endpoint's own ingress; the network ACLs of the subnets on the way
//! (stateless: the reply must come back on the task's ephemeral port).

pub use crate::world::run::{Blocked, Endpoint};
use crate::world::{Cidr, EndpointKind, RouteDest, RouteTarget, SgRule, World};

// `Endpoint` and `Blocked` are task data kept by the world (`world/run.rs`).
impl Endpoint {
    /// Short VPC-endpoint service name (`ecr.api`, `s3`, ...).
    pub fn vpce_service(&self) -> Option<&'static str> {
        Some(match self {
            Endpoint::EcrApi => "ecr.api",
            Endpoint::EcrDkr => "ecr.dkr",
            Endpoint::S3 => "s3",
            Endpoint::Logs => "logs",
            Endpoint::SecretsManager => "secretsmanager",
            Endpoint::Ssm => "ssm",
            Endpoint::SsmMessages => "ssmmessages",
            Endpoint::Internet => return None,
        })
    }

    /// Host name the agent resolves.
    pub fn host(&self, world: &World) -> String {
        let r = &world.region;
        match self {
            Endpoint::EcrApi => format!("api.ecr.{r}.amazonaws.com"),
            Endpoint::EcrDkr => world.registry(),
            Endpoint::S3 => format!("prod-{r}-starport-layer-bucket.s3.{r}.amazonaws.com"),
            Endpoint::Logs => format!("logs.{r}.amazonaws.com"),
            Endpoint::SecretsManager => format!("secretsmanager.{r}.amazonaws.com"),
            Endpoint::Ssm => format!("ssm.{r}.amazonaws.com"),
            Endpoint::SsmMessages => format!("ssmmessages.{r}.amazonaws.com"),
            Endpoint::Internet => "registry-1.docker.io".into(),
        }
    }
}

/// Where traffic leaves from.
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    /// The task's subnet.
    pub subnet_id: &'a str,
    /// The task's security groups.
    pub security_groups: &'a [String],
    /// Whether the task has a public IP.
    pub public_ip: bool,
    /// The task's private address.
    pub private_ip: u32,
}

/// How a connection got out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// Through an interface endpoint.
    InterfaceEndpoint(String),
    /// Through the S3 gateway endpoint.
    GatewayEndpoint(String),
    /// Through a NAT gateway.
    Nat(String),
    /// Straight out of an internet gateway with a public IP.
    InternetGateway(String),
}

/// An address outside every VPC, standing for "the internet" in rule matching.
const PUBLIC_PROBE: u32 = 0x3400_0001; // 52.0.0.1

fn rule_hits_ip(r: &SgRule, ip: u32) -> bool {
    r.cidrs.iter().any(|c| c.contains(ip))
}

/// Whether any group allows TCP `port` out to `ip` (or to one of `to_groups`, or a prefix list).
fn egress_allows(
    world: &World,
    groups: &[String],
    port: u16,
    ip: u32,
    to_groups: &[String],
    prefix_list: Option<&str>,
) -> bool {
    groups
        .iter()
        .filter_map(|g| world.security_groups.get(g))
        .any(|sg| {
            sg.egress.iter().any(|r| {
                r.covers_tcp(port)
                    && (rule_hits_ip(r, ip)
                        || r.groups.iter().any(|g| to_groups.contains(g))
                        || prefix_list.is_some_and(|pl| r.prefix_lists.iter().any(|p| p == pl)))
            })
        })
}

/// Whether any group admits TCP `port` from `ip` or from one of `from_groups`.
pub fn ingress_allows(
    world: &World,
    groups: &[String],
    port: u16,
    ip: u32,
    from_groups: &[String],
) -> bool {
    groups
        .iter()
        .filter_map(|g| world.security_groups.get(g))
        .any(|sg| {
            sg.ingress.iter().any(|r| {
                r.covers_tcp(port)
                    && (rule_hits_ip(r, ip) || r.groups.iter().any(|g| from_groups.contains(g)))
            })
        })
}

/// Whether the network ACLs let a TCP 443 connection from `from_ip` in
/// `from_subnet` to `to_ip` (in `to_subnet`, when it is in the VPC) through,
/// both ways. Traffic within one subnet is not filtered.
fn nacls_allow(
    world: &World,
    from_subnet: &str,
    from_ip: u32,
    to_ip: u32,
    to_subnet: Option<&str>,
) -> Result<(), Blocked> {
    if to_subnet == Some(from_subnet) {
        return Ok(());
    }
    if let Some(acl) = world.network_acl_for(from_subnet) {
        if !acl.allows_tcp_out(to_ip, 443) {
            return Err(Blocked::NaclDenied {
                nacl: acl.id.clone(),
            });
        }
    }
    if let Some(acl) = to_subnet.and_then(|s| world.network_acl_for(s)) {
        if !acl.allows_tcp_in(from_ip, 443) {
            return Err(Blocked::NaclDenied {
                nacl: acl.id.clone(),
            });
        }
    }
    Ok(())
}

/// Whether `origin` can open TCP 443 to `endpoint`, and by which path.
pub fn reach(world: &World, origin: &Origin, endpoint: &Endpoint) -> Result<Path, Blocked> {
    let Some(subnet) = world.subnets.get(origin.subnet_id) else {
        return Err(Blocked::NoRoute { route_table: None });
    };
    let vpc = world.vpcs.get(&subnet.vpc_id);
    let dns = vpc.map(|v| v.dns_support).unwrap_or(true);
    let rt = world.route_table_for(origin.subnet_id);

    if let Some(svc) = endpoint.vpce_service() {
        // Interface endpoint with private DNS: the service's name resolves to it.
        let iface = world.vpc_endpoints.values().find(|e| {
            e.vpc_id == subnet.vpc_id
                && e.kind == EndpointKind::Interface
                && e.service == svc
                && e.private_dns
                && dns
        });
        if let Some(ep) = iface {
            let eni = ep.eni_ids.iter().filter_map(|id| world.enis.get(id)).next();
            let ep_ip = eni.map(|e| e.private_ip).unwrap_or(0);
            let ep_subnet = eni.map(|e| e.subnet_id.as_str());
            if !egress_allows(
                world,
                origin.security_groups,
                443,
                ep_ip,
                &ep.security_group_ids,
                None,
            ) {
                return Err(Blocked::EgressDenied);
            }
            if !ingress_allows(
                world,
                &ep.security_group_ids,
                443,
                origin.private_ip,
                origin.security_groups,
            ) {
                return Err(Blocked::EndpointIngressDenied {
                    endpoint: ep.id.clone(),
                });
            }
            nacls_allow(world, origin.subnet_id, origin.private_ip, ep_ip, ep_subnet)?;
            return Ok(Path::InterfaceEndpoint(ep.id.clone()));
        }
        // Gateway endpoint (S3): a prefix-list route in the subnet's table.
        if let Some(rt) = rt {
            let gw = world.vpc_endpoints.values().find(|e| {
                e.kind == EndpointKind::Gateway
                    && e.service == svc
                    && e.route_table_ids.contains(&rt.id)
            });
            if let Some(ep) = gw {
                if egress_allows(
                    world,
                    origin.security_groups,
                    443,
                    PUBLIC_PROBE,
                    &[],
                    ep.prefix_list.as_deref(),
                ) {
                    nacls_allow(
                        world,
                        origin.subnet_id,
                        origin.private_ip,
                        PUBLIC_PROBE,
                        None,
                    )?;
                    return Ok(Path::GatewayEndpoint(ep.id.clone()));
                }
                return Err(Blocked::EgressDenied);
            }
        }
    }

    let Some(rt) = rt else {
        return Err(Blocked::NoRoute { route_table: None });
    };
    let default = rt
        .routes
        .iter()
        .filter_map(|r| match &r.dest {
            RouteDest::Cidr(c) if c.contains(PUBLIC_PROBE) => Some((c.prefix, &r.target)),
            _ => None,
        })
        .max_by_key(|(p, _)| *p)
        .map(|(_, t)| t);
    let path = match default {
        None | Some(RouteTarget::Local) | Some(RouteTarget::GatewayEndpoint(_)) => {
            return Err(Blocked::NoRoute {
                route_table: Some(rt.id.clone()),
            })
        }
        Some(RouteTarget::NatGateway(nat_id)) => {
            let ok = world.nat_gateways.get(nat_id).is_some_and(|nat| {
                nat.state == "available"
                    && world.route_table_for(&nat.subnet_id).is_some_and(|nrt| {
                        nrt.routes.iter().any(|r| {
                            matches!(&r.dest, RouteDest::Cidr(c) if *c == Cidr::ANY)
                                && matches!(&r.target, RouteTarget::InternetGateway(igw)
                                    if world.internet_gateways.get(igw).is_some_and(|g| g.vpc_id.as_deref() == Some(nat.vpc_id.as_str())))
                        })
                    })
            });
            if !ok {
                return Err(Blocked::NatBroken {
                    nat: nat_id.clone(),
                });
            }
            Path::Nat(nat_id.clone())
        }
        Some(RouteTarget::InternetGateway(igw)) => {
            let attached = world
                .internet_gateways
                .get(igw)
                .is_some_and(|g| g.vpc_id.as_deref() == Some(subnet.vpc_id.as_str()));
            if !attached {
                return Err(Blocked::IgwDetached { igw: igw.clone() });
            }
            if !origin.public_ip {
                return Err(Blocked::NoPublicIp {
                    route_table: rt.id.clone(),
                });
            }
            Path::InternetGateway(igw.clone())
        }
    };
    if !egress_allows(world, origin.security_groups, 443, PUBLIC_PROBE, &[], None) {
        return Err(Blocked::EgressDenied);
    }
    // The task's subnet's ACL, toward the internet (the NAT gateway's own
    // subnet is not modelled).
    nacls_allow(
        world,
        origin.subnet_id,
        origin.private_ip,
        PUBLIC_PROBE,
        None,
    )?;
    Ok(path)
}
