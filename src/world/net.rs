//! VPC networking: VPCs, subnets with free-IP accounting, route tables,
//! gateways, VPC endpoints, security groups and network interfaces.

use std::fmt;
use std::str::FromStr;

/// An IPv4 CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    /// Network address as a number.
    pub base: u32,
    /// Prefix length, 0 to 32.
    pub prefix: u8,
}

impl Cidr {
    /// `0.0.0.0/0`.
    pub const ANY: Cidr = Cidr { base: 0, prefix: 0 };

    fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix as u32)
        }
    }

    /// Whether `ip` lies inside the block.
    pub fn contains(&self, ip: u32) -> bool {
        ip & self.mask() == self.base & self.mask()
    }

    /// Whether the whole of `other` lies inside this block.
    pub fn covers(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix && self.contains(other.base)
    }

    /// Addresses in the block.
    pub fn size(&self) -> u64 {
        1u64 << (32 - self.prefix as u32)
    }

    /// Addresses a subnet of this size offers: AWS reserves five in every subnet.
    pub fn usable(&self) -> u64 {
        self.size().saturating_sub(5)
    }

    /// The `n`th usable host address (AWS reserves the first four and the last).
    pub fn host(&self, n: u64) -> Option<u32> {
        if n < self.usable() {
            Some(self.base.wrapping_add(4 + n as u32))
        } else {
            None
        }
    }
}

/// Dotted-quad form of an address.
pub fn ip_to_string(ip: u32) -> String {
    let mut s = String::with_capacity(15);
    for (i, b) in ip.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        if b >= 100 {
            s.push((b'0' + b / 100) as char);
        }
        if b >= 10 {
            s.push((b'0' + b / 10 % 10) as char);
        }
        s.push((b'0' + b % 10) as char);
    }
    s
}

/// Parses a dotted-quad address.
pub fn parse_ip(s: &str) -> Option<u32> {
    // By hand: the engine reads a task's address on every network check.
    let (mut v, mut part, mut digits, mut dots) = (0u32, 0u32, 0, 0);
    for b in s.bytes() {
        match b {
            b'0'..=b'9' if digits < 3 => {
                part = part * 10 + (b - b'0') as u32;
                digits += 1;
            }
            b'.' if digits > 0 && part <= 255 && dots < 3 => {
                v = (v << 8) | part;
                (part, digits, dots) = (0, 0, dots + 1);
            }
            _ => return None,
        }
    }
    (dots == 3 && digits > 0 && part <= 255).then_some((v << 8) | part)
}

impl FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("'{s}' is not a valid CIDR block (expected a.b.c.d/n, such as 10.0.1.0/24)");
        let (ip, len) = s.split_once('/').ok_or_else(bad)?;
        let base = parse_ip(ip).ok_or_else(bad)?;
        let prefix: u8 = len.parse().map_err(|_| bad())?;
        if prefix > 32 {
            return Err(bad());
        }
        let c = Cidr { base, prefix };
        if base & c.mask() != base {
            return Err(format!(
                "'{s}' has host bits set; the network address is {}/{}",
                ip_to_string(base & c.mask()),
                prefix
            ));
        }
        Ok(c)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", ip_to_string(self.base), self.prefix)
    }
}

/// A VPC.
#[derive(Debug, Clone)]
pub struct Vpc {
    /// `vpc-...`.
    pub id: String,
    /// The Name tag.
    pub name: String,
    /// Primary CIDR block.
    pub cidr: Cidr,
    /// `enableDnsSupport`: needed for interface endpoints' private DNS.
    pub dns_support: bool,
    /// `enableDnsHostnames`.
    pub dns_hostnames: bool,
}

/// A subnet.
#[derive(Debug, Clone)]
pub struct Subnet {
    /// `subnet-...`.
    pub id: String,
    /// The Name tag.
    pub name: String,
    /// Owning VPC.
    pub vpc_id: String,
    /// Availability Zone, e.g. `us-east-1a`.
    pub az: String,
    /// Availability Zone id, e.g. `use1-az1`.
    pub az_id: String,
    /// The block.
    pub cidr: Cidr,
    /// `MapPublicIpOnLaunch`.
    pub map_public_ip_on_launch: bool,
}

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    /// Within the VPC.
    Local,
    /// An internet gateway `igw-...`.
    InternetGateway(String),
    /// A NAT gateway `nat-...`.
    NatGateway(String),
    /// A gateway VPC endpoint `vpce-...` (S3, DynamoDB).
    GatewayEndpoint(String),
}

/// What a route matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDest {
    /// A CIDR block.
    Cidr(Cidr),
    /// A managed prefix list `pl-...` (gateway endpoints).
    PrefixList(String),
}

/// One route.
#[derive(Debug, Clone)]
pub struct Route {
    /// Destination.
    pub dest: RouteDest,
    /// Target.
    pub target: RouteTarget,
    /// `CreateRouteTable` or `CreateRoute`.
    pub origin: &'static str,
}

/// An association of a route table with a subnet, or the main association.
#[derive(Debug, Clone)]
pub struct Association {
    /// `rtbassoc-...`.
    pub id: String,
    /// The subnet, None for the main association.
    pub subnet_id: Option<String>,
}

/// A route table.
#[derive(Debug, Clone)]
pub struct RouteTable {
    /// `rtb-...`.
    pub id: String,
    /// The Name tag.
    pub name: String,
    /// Owning VPC.
    pub vpc_id: String,
    /// Whether this is the VPC's main table.
    pub main: bool,
    /// Associations (the main one has no subnet).
    pub associations: Vec<Association>,
    /// Routes, the local route first.
    pub routes: Vec<Route>,
}

/// An internet gateway.
#[derive(Debug, Clone)]
pub struct InternetGateway {
    /// `igw-...`.
    pub id: String,
    /// The Name tag.
    pub name: String,
    /// The attached VPC.
    pub vpc_id: Option<String>,
}

/// A NAT gateway.
#[derive(Debug, Clone)]
pub struct NatGateway {
    /// `nat-...`.
    pub id: String,
    /// The Name tag.
    pub name: String,
    /// The subnet it lives in (a public one, for it to work).
    pub subnet_id: String,
    /// Owning VPC.
    pub vpc_id: String,
    /// `available`, `deleted`, ...
    pub state: String,
    /// Its network interface.
    pub eni_id: String,
    /// Its Elastic IP.
    pub public_ip: String,
    /// `eipalloc-...`.
    pub allocation_id: String,
    /// Creation instant.
    pub created: i64,
}

/// Interface or gateway endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    /// An interface endpoint (ENIs in subnets, security groups, private DNS).
    Interface,
    /// A gateway endpoint (routes to a prefix list).
    Gateway,
}

/// A VPC endpoint.
#[derive(Debug, Clone)]
pub struct VpcEndpoint {
    /// `vpce-...`.
    pub id: String,
    /// The Name tag.
    pub name: String,
    /// Owning VPC.
    pub vpc_id: String,
    /// Short service name: `ecr.api`, `ecr.dkr`, `logs`, `s3`, `secretsmanager`, `ssm`, ...
    pub service: String,
    /// Interface or gateway.
    pub kind: EndpointKind,
    /// Subnets with an endpoint ENI (interface).
    pub subnet_ids: Vec<String>,
    /// Security groups on the endpoint ENIs (interface).
    pub security_group_ids: Vec<String>,
    /// Route tables given a prefix-list route (gateway).
    pub route_table_ids: Vec<String>,
    /// Private DNS on (interface).
    pub private_dns: bool,
    /// Its ENIs (interface).
    pub eni_ids: Vec<String>,
    /// The prefix list `pl-...` (gateway).
    pub prefix_list: Option<String>,
    /// Creation instant.
    pub created: i64,
}

/// One security group rule (ingress or egress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgRule {
    /// `sgr-...`.
    pub id: String,
    /// `-1` (all), `tcp`, `udp`, `icmp`.
    pub protocol: String,
    /// First port (-1 for all).
    pub from_port: i32,
    /// Last port (-1 for all).
    pub to_port: i32,
    /// IPv4 ranges.
    pub cidrs: Vec<Cidr>,
    /// Referenced security groups.
    pub groups: Vec<String>,
    /// Prefix lists.
    pub prefix_lists: Vec<String>,
    /// Free text.
    pub description: Option<String>,
}

impl SgRule {
    /// Whether the rule covers TCP traffic on `port`.
    pub fn covers_tcp(&self, port: u16) -> bool {
        match self.protocol.as_str() {
            "-1" | "all" => true,
            "tcp" | "6" => self.from_port <= port as i32 && port as i32 <= self.to_port,
            _ => false,
        }
    }
}

/// A security group.
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    /// `sg-...`.
    pub id: String,
    /// GroupName.
    pub name: String,
    /// Description.
    pub description: String,
    /// Owning VPC.
    pub vpc_id: String,
    /// Inbound rules.
    pub ingress: Vec<SgRule>,
    /// Outbound rules.
    pub egress: Vec<SgRule>,
}

/// [V] The name of a VPC's default security group (EC2 User Guide,
/// "Default security groups for your VPCs": "Group name: default").
pub const DEFAULT_SG_NAME: &str = "default";
/// [V] Its description, as `describe-security-groups` prints it ("Description:
/// default VPC security group" on the same page).
pub const DEFAULT_SG_DESCRIPTION: &str = "default VPC security group";

impl super::World {
    /// Gives VPC `vpc_id` its default security group, as EC2 does when it
    /// creates a VPC [V]: inbound, all traffic from the group itself;
    /// outbound, all traffic to 0.0.0.0/0. Its ids are drawn from a generator
    /// of their own (seeded from the account, itself from the seed, and the
    /// VPC id), so adding it moves no other id of the world. Returns its id.
    pub fn add_default_security_group(&mut self, vpc_id: &str) -> String {
        if let Some(id) = self.default_security_group(vpc_id) {
            return id.to_string();
        }
        // FNV-1a over the account and the VPC id.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.account.bytes().chain([b'/']).chain(vpc_id.bytes()) {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        let mut rng = super::Rng::new(h);
        let id = rng.ec2_id("sg");
        let all = |rng: &mut super::Rng, cidrs: Vec<Cidr>, groups: Vec<String>| SgRule {
            id: rng.ec2_id("sgr"),
            protocol: "-1".into(),
            from_port: -1,
            to_port: -1,
            cidrs,
            groups,
            prefix_lists: vec![],
            description: None,
        };
        let ingress = vec![all(&mut rng, vec![], vec![id.clone()])];
        let egress = vec![all(&mut rng, vec![Cidr::ANY], vec![])];
        self.security_groups.insert(
            id.clone(),
            SecurityGroup {
                id: id.clone(),
                name: DEFAULT_SG_NAME.into(),
                description: DEFAULT_SG_DESCRIPTION.into(),
                vpc_id: vpc_id.to_string(),
                ingress,
                egress,
            },
        );
        id
    }

    /// The id of VPC `vpc_id`'s default security group, if it has one.
    pub fn default_security_group(&self, vpc_id: &str) -> Option<&str> {
        self.security_groups
            .values()
            .find(|g| g.vpc_id == vpc_id && g.name == DEFAULT_SG_NAME)
            .map(|g| g.id.as_str())
    }

    /// The security groups an ENI in `subnet_id` gets for `groups` as given:
    /// those, or when none are given, the VPC's default security group [V]
    /// (ECS API, AwsVpcConfiguration.securityGroups: "If you don't specify a
    /// security group, the default security group for the VPC is used.").
    pub fn effective_security_groups(&self, subnet_id: &str, groups: &[String]) -> Vec<String> {
        if !groups.is_empty() {
            return groups.to_vec();
        }
        self.subnets
            .get(subnet_id)
            .and_then(|s| self.default_security_group(&s.vpc_id))
            .map(|g| vec![g.to_string()])
            .unwrap_or_default()
    }
}

/// The owner of an interface another workload holds, from the description
/// AWS shows: an empty description is an EC2 instance's primary interface
/// (the instance id drawn from `uuid`, a fresh random id), anything else is
/// held by the service the description names.
pub fn workload_owner(description: &str, uuid: &str) -> EniOwner {
    if description.is_empty() {
        let hex: String = uuid.chars().filter(|c| *c != '-').take(16).collect();
        EniOwner::Instance(format!("i-0{hex}"))
    } else {
        EniOwner::Other(description.to_string())
    }
}

/// The `InterfaceType` AWS gives an interface of another workload, from its description.
pub fn interface_type_for(description: &str) -> &'static str {
    if description.starts_with("AWS Lambda VPC ENI") {
        "lambda"
    } else {
        "interface"
    }
}

/// Who holds a network interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EniOwner {
    /// A Fargate task (by task id).
    Task(String),
    /// A NAT gateway.
    NatGateway(String),
    /// An interface endpoint.
    Endpoint(String),
    /// A load balancer (by ARN).
    LoadBalancer(String),
    /// An EC2 instance's primary interface (by instance id): an instance
    /// fleet such as an AWS Batch EC2 compute environment.
    Instance(String),
    /// Anything else in the account (Lambda, leaked ENIs), with its requester.
    Other(String),
}

/// An elastic network interface.
#[derive(Debug, Clone)]
pub struct NetworkInterface {
    /// `eni-...`.
    pub id: String,
    /// Its subnet.
    pub subnet_id: String,
    /// Primary private address.
    pub private_ip: u32,
    /// Public address, if any.
    pub public_ip: Option<String>,
    /// Description as AWS shows it.
    pub description: String,
    /// `in-use` or `available`.
    pub status: String,
    /// `interface`, `nat_gateway`, `vpc_endpoint`, ...
    pub interface_type: String,
    /// Holder.
    pub owner: EniOwner,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// MAC address.
    pub mac: String,
    /// Tags given at creation (`create-network-interface`); AWS's own
    /// interfaces (tasks', NAT's) carry none.
    pub tags: Vec<(String, String)>,
}

/// AWS services that offer VPC endpoints here , with the endpoint types each supports.
pub const ENDPOINT_SERVICES: &[(&str, &[&str])] = &[
    ("ecr.api", &["Interface"]),
    ("ecr.dkr", &["Interface"]),
    ("logs", &["Interface"]),
    ("s3", &["Interface", "Gateway"]),
    ("secretsmanager", &["Interface"]),
    ("ssm", &["Interface"]),
    ("ssmmessages", &["Interface"]),
    ("kms", &["Interface"]),
    ("sts", &["Interface"]),
    ("ecs", &["Interface"]),
    ("dynamodb", &["Interface", "Gateway"]),
];

/// The AZ id of an AZ letter in a region: us-east-1 + a -> use1-az1, eu-west-2 -> euw2-az1,
/// ap-southeast-1 -> apse1-az1. (Real accounts map letters to ids differently; one fixed map here.)
pub fn az_id(region: &str, letter: &str) -> String {
    let mut parts = region.split('-');
    let geo = parts.next().unwrap_or("");
    let dir = match parts.next().unwrap_or("") {
        "northeast" => "ne",
        "southeast" => "se",
        "northwest" => "nw",
        "southwest" => "sw",
        "central" => "c",
        d => &d[..d.len().min(1)],
    };
    let digit: String = region.chars().filter(|c| c.is_ascii_digit()).collect();
    let n = letter
        .bytes()
        .next()
        .map(|b| (b.saturating_sub(b'a') as u32) + 1)
        .unwrap_or(1);
    format!("{geo}{dir}{digit}-az{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_print_and_parse_as_dotted_quads() {
        for ip in [
            0u32,
            1,
            9,
            10,
            99,
            100,
            255,
            0x0a09_0004,
            0xc0a8_6401,
            u32::MAX,
        ] {
            let b = ip.to_be_bytes();
            let text = format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
            assert_eq!(ip_to_string(ip), text);
            assert_eq!(parse_ip(&text), Some(ip));
        }
        for bad in [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.256",
            "1..3.4",
            "1.2.3.x",
            "1.2.3.1000",
            "+1.2.3.4",
        ] {
            assert_eq!(parse_ip(bad), None, "{bad}");
        }
        assert_eq!(parse_ip("010.001.000.009"), Some(0x0a01_0009));
    }
}
