//! Read-only `ec2` operations in the AWS CLI's shapes: VPCs, subnets, route
//! tables, NAT and internet gateways, security groups, network interfaces and
//! VPC endpoints, with EC2's id checks, filters and error texts.
//!
//! Keys come out in the order of the members of botocore's current EC2 model
//! (`botocore/data/ec2/2016-11-15/service-2.json`): the CLI parses the XML
//! response member by member in model order and prints the dictionary as
//! built, so that is what `aws ec2 describe-...` shows today (the older
//! examples in the CLI's documentation predate the model's reordering). Lists
//! are ordered by id. Nothing here changes the world; values the world does
//! not keep (DHCP options, association ids, requester accounts) are derived
//! from the resource's id so they are stable within a world.
//!
//! Source marks on texts and shapes: [V] seen in real AWS output, [I] inferred.

use super::read::filters;
use super::{AwsError, CommandError, Input};
use crate::aws::catalogue::{flag, Complete, Flag, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors;
use crate::time::Millis;
use crate::world::{
    ip_to_string, EndpointKind, EniOwner, NetworkInterface, RouteDest, RouteTable, RouteTarget,
    SgRule, World,
};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------
// Flag tables.

const DRY_RUN: Flag = flag(
    "dry-run",
    FlagKind::Bool,
    "check permissions only: fails with DryRunOperation instead of describing",
    Complete::Nothing,
);

const VPC_FILTERS: &[&str] = &[
    "cidr",
    "cidr-block-association.cidr-block",
    "cidr-block-association.association-id",
    "cidr-block-association.state",
    "dhcp-options-id",
    "is-default",
    "owner-id",
    "state",
    "tag-key",
    "vpc-id",
];
const VPC_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=cidr,Values=",
    "Name=state,Values=available",
    "Name=tag:Name,Values=",
    "Name=is-default,Values=false",
];

const SUBNET_FILTERS: &[&str] = &[
    "availability-zone",
    "availabilityZone",
    "availability-zone-id",
    "available-ip-address-count",
    "cidr-block",
    "cidr",
    "cidrBlock",
    "default-for-az",
    "map-public-ip-on-launch",
    "owner-id",
    "state",
    "subnet-arn",
    "subnet-id",
    "tag-key",
    "vpc-id",
];
const SUBNET_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=subnet-id,Values=",
    "Name=availability-zone,Values=",
    "Name=cidr-block,Values=",
    "Name=tag:Name,Values=",
    "Name=map-public-ip-on-launch,Values=true",
];

const ROUTE_TABLE_FILTERS: &[&str] = &[
    "association.route-table-association-id",
    "association.route-table-id",
    "association.subnet-id",
    "association.main",
    "owner-id",
    "route-table-id",
    "route.destination-cidr-block",
    "route.destination-prefix-list-id",
    "route.gateway-id",
    "route.nat-gateway-id",
    "route.origin",
    "route.state",
    "tag-key",
    "vpc-id",
];
const ROUTE_TABLE_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=route-table-id,Values=",
    "Name=association.subnet-id,Values=",
    "Name=association.main,Values=true",
    "Name=route.nat-gateway-id,Values=",
    "Name=route.gateway-id,Values=",
    "Name=route.destination-cidr-block,Values=0.0.0.0/0",
    "Name=route.state,Values=blackhole",
    "Name=tag:Name,Values=",
];

const NAT_FILTERS: &[&str] = &["nat-gateway-id", "state", "subnet-id", "tag-key", "vpc-id"];
const NAT_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=subnet-id,Values=",
    "Name=state,Values=available",
    "Name=nat-gateway-id,Values=",
    "Name=tag:Name,Values=",
];

const IGW_FILTERS: &[&str] = &[
    "attachment.state",
    "attachment.vpc-id",
    "internet-gateway-id",
    "owner-id",
    "tag-key",
];
const IGW_FILTER_HINTS: &[&str] = &[
    "Name=attachment.vpc-id,Values=",
    "Name=internet-gateway-id,Values=",
    "Name=tag:Name,Values=",
];

const SG_FILTERS: &[&str] = &[
    "description",
    "egress.ip-permission.cidr",
    "egress.ip-permission.from-port",
    "egress.ip-permission.group-id",
    "egress.ip-permission.prefix-list-id",
    "egress.ip-permission.protocol",
    "egress.ip-permission.to-port",
    "egress.ip-permission.user-id",
    "group-id",
    "group-name",
    "ip-permission.cidr",
    "ip-permission.from-port",
    "ip-permission.group-id",
    "ip-permission.prefix-list-id",
    "ip-permission.protocol",
    "ip-permission.to-port",
    "ip-permission.user-id",
    "owner-id",
    "tag-key",
    "vpc-id",
];
const SG_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=group-id,Values=",
    "Name=group-name,Values=",
    "Name=ip-permission.from-port,Values=",
    "Name=ip-permission.cidr,Values=0.0.0.0/0",
    "Name=ip-permission.group-id,Values=",
    "Name=egress.ip-permission.cidr,Values=0.0.0.0/0",
];

const ENI_FILTERS: &[&str] = &[
    "addresses.association.public-ip",
    "addresses.primary",
    "addresses.private-ip-address",
    "association.ip-owner-id",
    "association.public-ip",
    "attachment.instance-owner-id",
    "attachment.status",
    "availability-zone",
    "description",
    "group-id",
    "interface-type",
    "mac-address",
    "network-interface-id",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "requester-id",
    "requester-managed",
    "source-dest-check",
    "status",
    "subnet-id",
    "tag-key",
    "vpc-id",
];
const ENI_FILTER_HINTS: &[&str] = &[
    "Name=subnet-id,Values=",
    "Name=vpc-id,Values=",
    "Name=status,Values=in-use",
    "Name=description,Values=",
    "Name=interface-type,Values=",
    "Name=group-id,Values=",
    "Name=private-ip-address,Values=",
    "Name=requester-managed,Values=true",
];

const VPCE_FILTERS: &[&str] = &[
    "ip-address-type",
    "service-name",
    "tag-key",
    "vpc-endpoint-id",
    "vpc-endpoint-state",
    "vpc-endpoint-type",
    "vpc-id",
];
const VPCE_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=service-name,Values=",
    "Name=vpc-endpoint-type,Values=Interface",
    "Name=vpc-endpoint-id,Values=",
    "Name=vpc-endpoint-state,Values=available",
];

const FILTERS_HELP: &str =
    "Name=<filter>,Values=<v1>,<v2> ...: values of one filter are ORed, filters ANDed; * and ? match any text";

/// The `ec2` operations.
pub const OPS: &[ReadOp] = &[
    Op {
        service: "ec2",
        name: "describe-vpcs",
        api: "DescribeVpcs",
        summary: "Describes your VPCs",
        flags: &[
            flag(
                "vpc-ids",
                FlagKind::List,
                "VPC ids (default: all)",
                Complete::Vpc,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(VPC_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_vpcs,
    },
    Op {
        service: "ec2",
        name: "describe-subnets",
        api: "DescribeSubnets",
        summary: "Describes your subnets, with the free addresses of each",
        flags: &[
            flag(
                "subnet-ids",
                FlagKind::List,
                "subnet ids (default: all)",
                Complete::Subnet,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(SUBNET_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_subnets,
    },
    Op {
        service: "ec2",
        name: "describe-route-tables",
        api: "DescribeRouteTables",
        summary: "Describes your route tables: associations and routes",
        flags: &[
            flag(
                "route-table-ids",
                FlagKind::List,
                "route table ids (default: all)",
                Complete::RouteTable,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(ROUTE_TABLE_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_route_tables,
    },
    Op {
        service: "ec2",
        name: "describe-nat-gateways",
        api: "DescribeNatGateways",
        summary: "Describes your NAT gateways",
        flags: &[
            flag(
                "nat-gateway-ids",
                FlagKind::List,
                "NAT gateway ids (default: all)",
                Complete::NatGateway,
            ),
            // The API member is `Filter`, so the CLI flag is --filter (singular).
            flag(
                "filter",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(NAT_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_nat_gateways,
    },
    Op {
        service: "ec2",
        name: "describe-internet-gateways",
        api: "DescribeInternetGateways",
        summary: "Describes your internet gateways and their VPC attachments",
        flags: &[
            flag(
                "internet-gateway-ids",
                FlagKind::List,
                "internet gateway ids (default: all)",
                Complete::InternetGateway,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(IGW_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_internet_gateways,
    },
    Op {
        service: "ec2",
        name: "describe-security-groups",
        api: "DescribeSecurityGroups",
        summary: "Describes your security groups and their rules",
        flags: &[
            flag(
                "group-ids",
                FlagKind::List,
                "security group ids (default: all)",
                Complete::SecurityGroup,
            ),
            flag(
                "group-names",
                FlagKind::List,
                "group names: default VPC only; elsewhere use --filters Name=group-name,Values=...",
                Complete::Nothing,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(SG_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_security_groups,
    },
    Op {
        service: "ec2",
        name: "describe-network-interfaces",
        api: "DescribeNetworkInterfaces",
        summary: "Describes network interfaces (ENIs): who holds which address in which subnet",
        flags: &[
            flag(
                "network-interface-ids",
                FlagKind::List,
                "network interface ids (default: all)",
                Complete::NetworkInterface,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(ENI_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_network_interfaces,
    },
    Op {
        service: "ec2",
        name: "describe-vpc-endpoints",
        api: "DescribeVpcEndpoints",
        summary: "Describes your VPC endpoints (interface and gateway)",
        flags: &[
            flag(
                "vpc-endpoint-ids",
                FlagKind::List,
                "VPC endpoint ids (default: all)",
                Complete::VpcEndpoint,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(VPCE_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_vpc_endpoints,
    },
];

// ---------------------------------------------------------------------------
// Ids, filters and the shared request handling.

/// How one kind of id is checked, and the errors for bad ones.
struct IdRule {
    /// `subnet` for `subnet-0123...`.
    prefix: &'static str,
    /// The error for an id of the wrong shape.
    malformed: fn(&str, &str) -> AwsError,
    /// The error for a well-formed id that does not exist.
    not_found: fn(&str, &str) -> AwsError,
}

const VPC_IDS: IdRule = IdRule {
    prefix: "vpc",
    malformed: errors::vpc_id_malformed,
    not_found: errors::vpc_not_found,
};

const SUBNET_IDS: IdRule = IdRule {
    prefix: "subnet",
    malformed: errors::subnet_id_malformed,
    not_found: errors::subnet_not_found,
};

const ROUTE_TABLE_IDS: IdRule = IdRule {
    prefix: "rtb",
    malformed: errors::route_table_id_malformed,
    not_found: errors::route_table_not_found,
};

const NAT_IDS: IdRule = IdRule {
    prefix: "nat",
    malformed: errors::nat_gateway_id_malformed,
    not_found: errors::nat_gateway_not_found,
};

const IGW_IDS: IdRule = IdRule {
    prefix: "igw",
    malformed: errors::internet_gateway_id_malformed,
    not_found: errors::internet_gateway_not_found,
};

const SG_IDS: IdRule = IdRule {
    prefix: "sg",
    malformed: errors::group_id_malformed,
    not_found: errors::group_not_found,
};

const ENI_IDS: IdRule = IdRule {
    prefix: "eni",
    malformed: errors::network_interface_id_malformed,
    not_found: errors::network_interface_not_found,
};

const VPCE_IDS: IdRule = IdRule {
    prefix: "vpce",
    malformed: errors::vpc_endpoint_id_malformed,
    not_found: errors::vpc_endpoint_not_found,
};

/// Whether `id` is `prefix-` and 8 or 17 hex digits, the two forms EC2 issues.
fn well_formed(id: &str, prefix: &str) -> bool {
    match id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) {
        Some(hex) => {
            (hex.len() == 8 || hex.len() == 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

/// A describe request: the ids asked for (None for all) and the filters.
struct Request {
    ids: Option<Vec<String>>,
    filters: Vec<(String, Vec<String>)>,
}

impl Request {
    /// Whether a resource passes every filter: filters are ANDed, the values of
    /// one filter ORed, and a value matches any of the resource's values for
    /// that filter name (`*` and `?` are wildcards).
    fn keeps(&self, values: impl Fn(&str) -> Vec<String>) -> bool {
        self.filters.iter().all(|(name, patterns)| {
            values(name)
                .iter()
                .any(|v| patterns.iter().any(|p| glob(p, v)))
        })
    }

    /// The resources of `map` asked for, in id order: all of them, or the
    /// listed ids (each must exist).
    fn select<'a, T>(
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
fn request(
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
fn glob(pattern: &str, text: &str) -> bool {
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
fn tag_filter(filter: &str, name: &str) -> Option<Vec<String>> {
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

fn one(v: impl Into<String>) -> Vec<String> {
    vec![v.into()]
}

fn flag_str(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

// ---------------------------------------------------------------------------
// Shared shapes.

/// `[{"Key": "Name", "Value": name}]`, or `[]` for an unnamed resource.
fn tags(name: &str) -> Value {
    if name.is_empty() {
        json!([])
    } else {
        json!([{"Key": "Name", "Value": name}])
    }
}

/// Tags for shapes AWS leaves the key out of when a resource has none (VPCs, subnets).
fn tags_or_absent(name: &str) -> Value {
    if name.is_empty() {
        Value::Null
    } else {
        tags(name)
    }
}

/// Drops null members from every object: absent optional members are written as null while building.
fn compact(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, compact(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(compact).collect()),
        o => o,
    }
}

/// Hex digits derived from `seed` (stable, for values the world does not keep).
fn derived_hex(seed: &str, len: usize) -> String {
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
fn derived_id(prefix: &str, seed: &str) -> String {
    format!("{prefix}-0{}", derived_hex(seed, 16))
}

/// A timestamp as the CLI v2 prints EC2's: ISO 8601 in UTC, the fraction only when non-zero.
fn timestamp(t: Millis) -> String {
    let s = crate::time::iso(t);
    if t.rem_euclid(1000) == 0 {
        s.replace(".000000+", "+")
    } else {
        s
    }
}

/// A `DateTime` member: EC2 gives these to the second.
fn timestamp_seconds(t: Millis) -> String {
    timestamp(t - t.rem_euclid(1000))
}

fn private_dns_name(w: &World, ip: &str) -> String {
    let host = format!("ip-{}", ip.replace('.', "-"));
    if w.region == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{}.compute.internal", w.region)
    }
}

fn public_dns_name(w: &World, ip: &str) -> String {
    let host = format!("ec2-{}", ip.replace('.', "-"));
    if w.region == "us-east-1" {
        format!("{host}.compute-1.amazonaws.com")
    } else {
        format!("{host}.{}.compute.amazonaws.com", w.region)
    }
}

// ---------------------------------------------------------------------------
// describe-vpcs

fn describe_vpcs(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeVpcs";
    let w = ctx.world;
    let req = request(
        inv,
        api,
        Some(("VpcIds", &VPC_IDS)),
        "Filters",
        VPC_FILTERS,
        errors::filter_invalid,
    )?;
    let mut out = Vec::new();
    for v in req.select(&w.vpcs, &VPC_IDS, api)? {
        let cidr = v.cidr.to_string();
        let assoc = derived_id("vpc-cidr-assoc", &v.id);
        let dopt = derived_id("dopt", &w.account);
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, &v.name) {
                return t;
            }
            match f {
                "cidr" | "cidr-block-association.cidr-block" => one(cidr.as_str()),
                "cidr-block-association.association-id" => one(assoc.as_str()),
                "cidr-block-association.state" => one("associated"),
                "dhcp-options-id" => one(dopt.as_str()),
                "is-default" => one("false"),
                "owner-id" => one(w.account.as_str()),
                "state" => one("available"),
                "vpc-id" => one(v.id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        out.push(json!({
            "OwnerId": w.account,
            "InstanceTenancy": "default",
            "CidrBlockAssociationSet": [{
                "AssociationId": assoc,
                "CidrBlock": cidr,
                "CidrBlockState": {"State": "associated"},
            }],
            "IsDefault": false,
            "Tags": tags_or_absent(&v.name),
            // [I] what accounts without VPC Block Public Access show.
            "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
            "VpcId": v.id,
            "State": "available",
            "CidrBlock": cidr,
            "DhcpOptionsId": dopt,
        }));
    }
    Ok(compact(json!({ "Vpcs": out })))
}

// ---------------------------------------------------------------------------
// describe-subnets

fn describe_subnets(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeSubnets";
    let w = ctx.world;
    let req = request(
        inv,
        api,
        Some(("SubnetIds", &SUBNET_IDS)),
        "Filters",
        SUBNET_FILTERS,
        errors::filter_invalid,
    )?;
    let mut out = Vec::new();
    for s in req.select(&w.subnets, &SUBNET_IDS, api)? {
        let cidr = s.cidr.to_string();
        let free = w.available_ips(&s.id);
        let arn = w.arn("ec2", &format!("subnet/{}", s.id));
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, &s.name) {
                return t;
            }
            match f {
                "availability-zone" | "availabilityZone" => one(s.az.as_str()),
                "availability-zone-id" => one(s.az_id.as_str()),
                "available-ip-address-count" => one(free.to_string()),
                "cidr-block" | "cidr" | "cidrBlock" => one(cidr.as_str()),
                "default-for-az" => one("false"),
                "map-public-ip-on-launch" => one(flag_str(s.map_public_ip_on_launch)),
                "owner-id" => one(w.account.as_str()),
                "state" => one("available"),
                "subnet-arn" => one(arn.as_str()),
                "subnet-id" => one(s.id.as_str()),
                "vpc-id" => one(s.vpc_id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        out.push(json!({
            "AvailabilityZoneId": s.az_id,
            "MapCustomerOwnedIpOnLaunch": false,
            "OwnerId": w.account,
            "AssignIpv6AddressOnCreation": false,
            "Ipv6CidrBlockAssociationSet": [],
            "Tags": tags_or_absent(&s.name),
            "SubnetArn": arn,
            "EnableDns64": false,
            "Ipv6Native": false,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": false,
                "EnableResourceNameDnsAAAARecord": false,
            },
            // [I] what accounts without VPC Block Public Access show.
            "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
            "SubnetId": s.id,
            "State": "available",
            "VpcId": s.vpc_id,
            "CidrBlock": cidr,
            "AvailableIpAddressCount": free,
            "AvailabilityZone": s.az,
            "DefaultForAz": false,
            "MapPublicIpOnLaunch": s.map_public_ip_on_launch,
        }));
    }
    Ok(compact(json!({ "Subnets": out })))
}

// ---------------------------------------------------------------------------
// describe-route-tables

/// One route as AWS shows it: destination, target, origin and state.
struct RouteView {
    cidr: Option<String>,
    prefix_list: Option<String>,
    gateway: Option<String>,
    nat: Option<String>,
    origin: &'static str,
    state: &'static str,
}

fn route_views(w: &World, rt: &RouteTable) -> Vec<RouteView> {
    rt.routes
        .iter()
        .map(|r| {
            let (cidr, prefix_list) = match &r.dest {
                RouteDest::Cidr(c) => (Some(c.to_string()), None),
                RouteDest::PrefixList(p) => (None, Some(p.clone())),
            };
            let (gateway, nat, active) = match &r.target {
                RouteTarget::Local => (Some("local".to_string()), None, true),
                RouteTarget::InternetGateway(g) => (
                    Some(g.clone()),
                    None,
                    w.internet_gateways
                        .get(g)
                        .is_some_and(|i| i.vpc_id.as_deref() == Some(rt.vpc_id.as_str())),
                ),
                RouteTarget::NatGateway(n) => (
                    None,
                    Some(n.clone()),
                    w.nat_gateways
                        .get(n)
                        .is_some_and(|g| g.state == "available"),
                ),
                RouteTarget::GatewayEndpoint(e) => {
                    (Some(e.clone()), None, w.vpc_endpoints.contains_key(e))
                }
            };
            let origin = match r.origin {
                "CreateRouteTable" | "CreateRoute" | "EnableVgwRoutePropagation" => r.origin,
                // [I] a gateway endpoint's prefix-list route: RouteOrigin has no
                // CreateVpcEndpoint value, and AWS shows these as CreateRoute.
                _ => "CreateRoute",
            };
            RouteView {
                cidr,
                prefix_list,
                gateway,
                nat,
                origin,
                state: if active { "active" } else { "blackhole" },
            }
        })
        .collect()
}

fn describe_route_tables(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeRouteTables";
    let w = ctx.world;
    let req = request(
        inv,
        api,
        Some(("RouteTableIds", &ROUTE_TABLE_IDS)),
        "Filters",
        ROUTE_TABLE_FILTERS,
        errors::filter_invalid,
    )?;
    let mut out = Vec::new();
    for rt in req.select(&w.route_tables, &ROUTE_TABLE_IDS, api)? {
        let routes = route_views(w, rt);
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, &rt.name) {
                return t;
            }
            let from_routes = |pick: fn(&RouteView) -> Option<String>| -> Vec<String> {
                routes.iter().filter_map(pick).collect()
            };
            match f {
                "association.route-table-association-id" => {
                    rt.associations.iter().map(|a| a.id.clone()).collect()
                }
                "association.route-table-id" if !rt.associations.is_empty() => one(rt.id.as_str()),
                "association.subnet-id" => rt
                    .associations
                    .iter()
                    .filter_map(|a| a.subnet_id.clone())
                    .collect(),
                "association.main" => rt
                    .associations
                    .iter()
                    .map(|a| flag_str(a.subnet_id.is_none()))
                    .collect(),
                "owner-id" => one(w.account.as_str()),
                "route-table-id" => one(rt.id.as_str()),
                "route.destination-cidr-block" => from_routes(|r| r.cidr.clone()),
                "route.destination-prefix-list-id" => from_routes(|r| r.prefix_list.clone()),
                "route.gateway-id" => from_routes(|r| r.gateway.clone()),
                "route.nat-gateway-id" => from_routes(|r| r.nat.clone()),
                "route.origin" => from_routes(|r| Some(r.origin.to_string())),
                "route.state" => from_routes(|r| Some(r.state.to_string())),
                "vpc-id" => one(rt.vpc_id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        let associations: Vec<Value> = rt
            .associations
            .iter()
            .map(|a| {
                json!({
                    "Main": a.subnet_id.is_none(),
                    "RouteTableAssociationId": a.id,
                    "RouteTableId": rt.id,
                    "SubnetId": a.subnet_id,
                    "AssociationState": {"State": "associated"},
                })
            })
            .collect();
        let routes: Vec<Value> = routes
            .iter()
            .map(|r| {
                json!({
                    "DestinationCidrBlock": r.cidr,
                    "DestinationPrefixListId": r.prefix_list,
                    "GatewayId": r.gateway,
                    "NatGatewayId": r.nat,
                    "Origin": r.origin,
                    "State": r.state,
                })
            })
            .collect();
        out.push(json!({
            "Associations": associations,
            "PropagatingVgws": [],
            "RouteTableId": rt.id,
            "Routes": routes,
            "Tags": tags(&rt.name),
            "VpcId": rt.vpc_id,
            "OwnerId": w.account,
        }));
    }
    Ok(compact(json!({ "RouteTables": out })))
}

// ---------------------------------------------------------------------------
// describe-nat-gateways

fn describe_nat_gateways(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeNatGateways";
    let w = ctx.world;
    let req = request(
        inv,
        api,
        Some(("NatGatewayIds", &NAT_IDS)),
        "Filter",
        NAT_FILTERS,
        errors::filter_invalid,
    )?;
    let mut out = Vec::new();
    for n in req.select(&w.nat_gateways, &NAT_IDS, api)? {
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, &n.name) {
                return t;
            }
            match f {
                "nat-gateway-id" => one(n.id.as_str()),
                "state" => one(n.state.as_str()),
                "subnet-id" => one(n.subnet_id.as_str()),
                "vpc-id" => one(n.vpc_id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        let private_ip = w.enis.get(&n.eni_id).map(|e| ip_to_string(e.private_ip));
        // [I] address states while the gateway goes away.
        let (status, assoc) = match n.state.as_str() {
            "deleting" => ("disassociating", true),
            "deleted" => ("succeeded", false),
            "failed" => ("failed", false),
            _ => ("succeeded", true),
        };
        out.push(json!({
            "CreateTime": timestamp_seconds(n.created),
            "NatGatewayAddresses": [{
                "AllocationId": n.allocation_id,
                "NetworkInterfaceId": n.eni_id,
                "PrivateIp": private_ip,
                "PublicIp": n.public_ip,
                "AssociationId": assoc.then(|| derived_id("eipassoc", &n.allocation_id)),
                "IsPrimary": true,
                "Status": status,
            }],
            "NatGatewayId": n.id,
            "State": n.state,
            "SubnetId": n.subnet_id,
            "VpcId": n.vpc_id,
            "Tags": tags(&n.name),
            "ConnectivityType": "public",
        }));
    }
    Ok(compact(json!({ "NatGateways": out })))
}

// ---------------------------------------------------------------------------
// describe-internet-gateways

fn describe_internet_gateways(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeInternetGateways";
    let w = ctx.world;
    let req = request(
        inv,
        api,
        Some(("InternetGatewayIds", &IGW_IDS)),
        "Filters",
        IGW_FILTERS,
        errors::filter_invalid,
    )?;
    let mut out = Vec::new();
    for g in req.select(&w.internet_gateways, &IGW_IDS, api)? {
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, &g.name) {
                return t;
            }
            match f {
                "attachment.state" => g.vpc_id.iter().map(|_| "available".to_string()).collect(),
                "attachment.vpc-id" => g.vpc_id.iter().cloned().collect(),
                "internet-gateway-id" => one(g.id.as_str()),
                "owner-id" => one(w.account.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        let attachments: Vec<Value> = g
            .vpc_id
            .iter()
            .map(|v| json!({"State": "available", "VpcId": v}))
            .collect();
        out.push(json!({
            "Attachments": attachments,
            "InternetGatewayId": g.id,
            "OwnerId": w.account,
            "Tags": tags(&g.name),
        }));
    }
    Ok(compact(json!({ "InternetGateways": out })))
}

// ---------------------------------------------------------------------------
// describe-security-groups

/// AWS's spelling of a rule's protocol.
fn protocol(p: &str) -> &str {
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
fn permissions(w: &World, rules: &[SgRule]) -> Vec<Value> {
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
fn rule_filter(w: &World, rules: &[SgRule], what: &str) -> Vec<String> {
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

fn describe_security_groups(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
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

// ---------------------------------------------------------------------------
// describe-network-interfaces

// [I] the AWS-owned accounts behind requester-managed interfaces.
const ECS_REQUESTER: &str = "578734482556";
const NAT_REQUESTER: &str = "036872051663";
const VPCE_REQUESTER: &str = "727180483921";
const LAMBDA_REQUESTER: &str = "560195853173";

/// Who created an interface, as `(RequesterId, RequesterManaged, InstanceOwnerId)`.
fn requester(e: &NetworkInterface) -> (Option<&'static str>, bool, Option<&'static str>) {
    match &e.owner {
        EniOwner::Task(_) => (Some(ECS_REQUESTER), true, Some(ECS_REQUESTER)),
        EniOwner::NatGateway(_) => (Some(NAT_REQUESTER), true, Some(NAT_REQUESTER)),
        EniOwner::Endpoint(_) => (Some(VPCE_REQUESTER), true, Some(VPCE_REQUESTER)),
        // [V] load balancer interfaces show amazon-elb for both.
        EniOwner::LoadBalancer(_) => (Some("amazon-elb"), true, Some("amazon-elb")),
        EniOwner::Other(_) => {
            let d = e.description.as_str();
            if d.starts_with("arn:aws:ecs:") {
                // Another Fargate workload's task (AWS Batch, a different cluster).
                (Some(ECS_REQUESTER), true, Some(ECS_REQUESTER))
            } else if d.starts_with("AWS Lambda VPC ENI") {
                (Some(LAMBDA_REQUESTER), true, Some(LAMBDA_REQUESTER))
            } else if d.starts_with("RDSNetworkInterface") {
                (Some("amazon-rds"), true, Some("amazon-rds"))
            } else {
                (None, false, None)
            }
        }
    }
}

/// When an interface was attached, if the world knows.
fn attach_time(w: &World, e: &NetworkInterface) -> Option<Millis> {
    match &e.owner {
        EniOwner::Task(t) => w.tasks.get(t).map(|t| t.created_at),
        EniOwner::NatGateway(n) => w.nat_gateways.get(n).map(|n| n.created),
        EniOwner::Endpoint(v) => w.vpc_endpoints.get(v).map(|v| v.created),
        EniOwner::LoadBalancer(a) => w.load_balancers.get(a).map(|l| l.created),
        EniOwner::Other(_) => None,
    }
}

/// The security groups of an interface. A load balancer's interfaces carry the
/// load balancer's groups (the world records them on the load balancer only).
fn eni_groups<'a>(w: &'a World, e: &'a NetworkInterface) -> &'a [String] {
    match &e.owner {
        EniOwner::LoadBalancer(arn) if e.security_groups.is_empty() => w
            .load_balancers
            .get(arn)
            .map(|l| l.security_groups.as_slice())
            .unwrap_or(&[]),
        _ => &e.security_groups,
    }
}

/// The public side of an interface: (AllocationId, AssociationId, IpOwnerId, PublicIp).
fn public_side(
    w: &World,
    e: &NetworkInterface,
) -> Option<(Option<String>, Option<String>, String, String)> {
    if let EniOwner::NatGateway(n) = &e.owner {
        let nat = w.nat_gateways.get(n)?;
        return Some((
            Some(nat.allocation_id.clone()),
            Some(derived_id("eipassoc", &nat.allocation_id)),
            w.account.clone(),
            nat.public_ip.clone(),
        ));
    }
    e.public_ip
        .as_ref()
        .map(|ip| (None, None, "amazon".to_string(), ip.clone()))
}

fn describe_network_interfaces(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeNetworkInterfaces";
    let w = ctx.world;
    let req = request(
        inv,
        api,
        Some(("NetworkInterfaceIds", &ENI_IDS)),
        "Filters",
        ENI_FILTERS,
        errors::filter_invalid,
    )?;
    let mut out = Vec::new();
    for e in req.select(&w.enis, &ENI_IDS, api)? {
        let subnet = w.subnets.get(&e.subnet_id);
        let az = subnet.map(|s| s.az.clone()).unwrap_or_default();
        let vpc_id = subnet.map(|s| s.vpc_id.clone()).unwrap_or_default();
        let ip = ip_to_string(e.private_ip);
        let dns = private_dns_name(w, &ip);
        let (requester_id, managed, instance_owner) = requester(e);
        let public = public_side(w, e);
        let attached = e.status == "in-use";
        let nat = matches!(e.owner, EniOwner::NatGateway(_));
        let sgs = eni_groups(w, e);
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, "") {
                return t;
            }
            match f {
                "addresses.association.public-ip" | "association.public-ip" => {
                    public.iter().map(|p| p.3.clone()).collect()
                }
                "association.ip-owner-id" => public.iter().map(|p| p.2.clone()).collect(),
                "addresses.primary" => one("true"),
                "addresses.private-ip-address" | "private-ip-address" => one(ip.as_str()),
                "attachment.instance-owner-id" => instance_owner
                    .filter(|_| attached)
                    .map(one)
                    .unwrap_or_default(),
                "attachment.status" => {
                    if attached {
                        one("attached")
                    } else {
                        Vec::new()
                    }
                }
                "availability-zone" => one(az.as_str()),
                "description" => one(e.description.as_str()),
                "group-id" => sgs.to_vec(),
                "interface-type" => one(e.interface_type.as_str()),
                "mac-address" => one(e.mac.as_str()),
                "network-interface-id" => one(e.id.as_str()),
                "owner-id" => one(w.account.as_str()),
                "private-dns-name" => one(dns.as_str()),
                "requester-id" => requester_id.map(one).unwrap_or_default(),
                "requester-managed" => one(flag_str(managed)),
                "source-dest-check" => one(flag_str(!nat)),
                "status" => one(e.status.as_str()),
                "subnet-id" => one(e.subnet_id.as_str()),
                "vpc-id" => one(vpc_id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        let association = public.as_ref().map(|(alloc, assoc, owner, pip)| {
            json!({
                "AllocationId": alloc,
                "AssociationId": assoc,
                "IpOwnerId": owner,
                "PublicDnsName": public_dns_name(w, pip),
                "PublicIp": pip,
            })
        });
        // [I] the attachment of a service-managed interface: no instance, device 1.
        let attachment = attached.then(|| {
            json!({
                "AttachTime": attach_time(w, e).map(timestamp_seconds),
                "AttachmentId": derived_id("eni-attach", &e.id),
                "DeleteOnTermination": false,
                "DeviceIndex": 1,
                "NetworkCardIndex": 0,
                "InstanceOwnerId": instance_owner,
                "Status": "attached",
            })
        });
        let groups: Vec<Value> = sgs
            .iter()
            .map(|g| {
                let name = w.security_groups.get(g).map(|s| s.name.clone());
                json!({"GroupId": g, "GroupName": name})
            })
            .collect();
        out.push(json!({
            "Association": association,
            "Attachment": attachment,
            "AvailabilityZone": az,
            "Description": e.description,
            "Groups": groups,
            "InterfaceType": e.interface_type,
            "Ipv6Addresses": [],
            "MacAddress": e.mac,
            "NetworkInterfaceId": e.id,
            "OwnerId": w.account,
            "PrivateDnsName": dns,
            "PrivateIpAddress": ip,
            "PrivateIpAddresses": [{
                "Association": association,
                "Primary": true,
                "PrivateDnsName": dns,
                "PrivateIpAddress": ip,
            }],
            "RequesterId": requester_id,
            "RequesterManaged": managed,
            "SourceDestCheck": !nat,
            "Status": e.status,
            "SubnetId": e.subnet_id,
            "TagSet": [],
            "VpcId": vpc_id,
        }));
    }
    Ok(compact(json!({ "NetworkInterfaces": out })))
}

// ---------------------------------------------------------------------------
// describe-vpc-endpoints

/// [V] the policy EC2 gives an interface endpoint created without one (aws-cli example).
const INTERFACE_POLICY: &str = "{\n  \"Statement\": [\n    {\n      \"Action\": \"*\", \n      \"Effect\": \"Allow\", \n      \"Principal\": \"*\", \n      \"Resource\": \"*\"\n    }\n  ]\n}";
/// [V] the policy EC2 gives a gateway endpoint created without one (aws-cli example).
const GATEWAY_POLICY: &str = "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

/// The DNS label of an endpoint service (`ecr.api` is `api.ecr`).
fn service_dns_label(service: &str) -> String {
    match service {
        "ecr.api" => "api.ecr".to_string(),
        "ecr.dkr" => "dkr.ecr".to_string(),
        s => s.to_string(),
    }
}

/// The public name private DNS overrides inside the VPC.
fn private_dns_entry(service: &str, region: &str) -> String {
    match service {
        "ecr.dkr" => format!("*.dkr.ecr.{region}.amazonaws.com"),
        s => format!("{}.{region}.amazonaws.com", service_dns_label(s)),
    }
}

fn describe_vpc_endpoints(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeVpcEndpoints";
    let w = ctx.world;
    // [I] the endpoint backend rejects unknown filters as InvalidFilter (as
    // DescribeVpcEndpointServices does: mondoohq/mql#4454), not InvalidParameterValue.
    let req = request(
        inv,
        api,
        Some(("VpcEndpointIds", &VPCE_IDS)),
        "Filters",
        VPCE_FILTERS,
        errors::vpc_endpoint_filter_invalid,
    )?;
    let region = w.region.as_str();
    let mut out = Vec::new();
    for ep in req.select(&w.vpc_endpoints, &VPCE_IDS, api)? {
        let service_name = format!("com.amazonaws.{region}.{}", ep.service);
        let kind = match ep.kind {
            EndpointKind::Interface => "Interface",
            EndpointKind::Gateway => "Gateway",
        };
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, &ep.name) {
                return t;
            }
            match f {
                "ip-address-type" => one("ipv4"),
                "service-name" => one(service_name.as_str()),
                "vpc-endpoint-id" => one(ep.id.as_str()),
                "vpc-endpoint-state" => one("available"),
                "vpc-endpoint-type" => one(kind),
                "vpc-id" => one(ep.vpc_id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        let interface = ep.kind == EndpointKind::Interface;
        let groups: Vec<Value> = ep
            .security_group_ids
            .iter()
            .map(|g| {
                let name = w.security_groups.get(g).map(|s| s.name.clone());
                json!({"GroupId": g, "GroupName": name})
            })
            .collect();
        let mut dns = Vec::new();
        if interface {
            // [V] the vpce zone of us-east-1 (aws-cli example); [I] elsewhere.
            let zone = if region == "us-east-1" {
                "Z7HUB22UULQXV".to_string()
            } else {
                format!("Z{}", derived_hex(region, 12).to_uppercase())
            };
            let base = format!("{}-{}", ep.id, &derived_hex(&ep.id, 8));
            let label = service_dns_label(&ep.service);
            dns.push(json!({
                "DnsName": format!("{base}.{label}.{region}.vpce.amazonaws.com"),
                "HostedZoneId": zone,
            }));
            let zones: BTreeSet<&str> = ep
                .subnet_ids
                .iter()
                .filter_map(|s| w.subnets.get(s).map(|s| s.az.as_str()))
                .collect();
            for az in zones {
                dns.push(json!({
                    "DnsName": format!("{base}-{az}.{label}.{region}.vpce.amazonaws.com"),
                    "HostedZoneId": zone,
                }));
            }
            if ep.private_dns {
                dns.push(json!({
                    "DnsName": private_dns_entry(&ep.service, region),
                    // [I] the private hosted zone AWS manages for the endpoint.
                    "HostedZoneId": format!("Z{}", derived_hex(&format!("phz-{}", ep.id), 20).to_uppercase()),
                }));
            }
        }
        out.push(json!({
            "VpcEndpointId": ep.id,
            "VpcEndpointType": kind,
            "VpcId": ep.vpc_id,
            "ServiceName": service_name,
            "State": "available",
            "PolicyDocument": if interface { INTERFACE_POLICY } else { GATEWAY_POLICY },
            "RouteTableIds": ep.route_table_ids,
            "SubnetIds": ep.subnet_ids,
            "Groups": groups,
            // [I] interface endpoints show their address type; gateway ones do not.
            "IpAddressType": if interface { json!("ipv4") } else { Value::Null },
            "DnsOptions": if interface { json!({"DnsRecordIpType": "ipv4"}) } else { Value::Null },
            "PrivateDnsEnabled": ep.private_dns,
            "RequesterManaged": false,
            "NetworkInterfaceIds": ep.eni_ids,
            "DnsEntries": dns,
            "CreationTimestamp": timestamp(ep.created),
            "Tags": tags(&ep.name),
            "OwnerId": w.account,
        }));
    }
    Ok(compact(json!({ "VpcEndpoints": out })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Instance, Mode, Scenario};
    use std::path::Path;

    fn instance(file: &str, seed: u64) -> Instance {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file);
        Scenario::load(&path)
            .unwrap_or_else(|e| panic!("{file}: {e}"))
            .instantiate(seed, Mode::Incident)
            .unwrap_or_else(|e| panic!("{file} seed {seed}: {e}"))
    }

    fn run(inst: &Instance, line: &str) -> Result<Value, CommandError> {
        crate::awscli::command::read(&inst.sim, line).map(|(_, v)| v)
    }

    fn ok(inst: &Instance, line: &str) -> Value {
        run(inst, line).unwrap_or_else(|e| panic!("seed {}: {line}: {e}", inst.seed))
    }

    fn err(inst: &Instance, line: &str) -> String {
        match run(inst, line) {
            Ok(v) => panic!("seed {}: {line}: expected an error, got {v}", inst.seed),
            Err(e) => e.to_string(),
        }
    }

    fn name(inst: &Instance, key: &str) -> String {
        inst.sim
            .world()
            .name(key)
            .unwrap_or_else(|| panic!("no {key}"))
            .to_string()
    }

    fn ids(v: &Value, list: &str, key: &str) -> Vec<String> {
        v[list]
            .as_array()
            .unwrap_or_else(|| panic!("no {list} in {v}"))
            .iter()
            .map(|x| x[key].as_str().unwrap_or_default().to_string())
            .collect()
    }

    fn default_route(rt: &Value) -> Option<&Value> {
        rt["Routes"]
            .as_array()?
            .iter()
            .find(|r| r["DestinationCidrBlock"] == "0.0.0.0/0")
    }

    #[test]
    fn faulted_route_table_lost_its_nat_route_and_the_other_keeps_it() {
        for seed in [1, 2, 3, 4] {
            let inst = instance("nat-route-missing.yaml", seed);
            let zone = inst.vars["zone"].clone();
            let other = if zone == "a" { "b" } else { "a" };
            let subnet = name(&inst, &format!("subnet:private-{zone}"));
            let v = ok(
                &inst,
                &format!("ec2 describe-route-tables --filters Name=association.subnet-id,Values={subnet}"),
            );
            let tables = v["RouteTables"].as_array().unwrap();
            assert_eq!(tables.len(), 1, "seed {seed}: {v}");
            let rt = &tables[0];
            assert_eq!(
                rt["RouteTableId"],
                name(&inst, &format!("rtb:private-{zone}"))
            );
            assert_eq!(
                rt["Tags"],
                json!([{"Key": "Name", "Value": format!("private-{zone}")}])
            );
            assert!(default_route(rt).is_none(), "seed {seed}: {rt}");
            assert_eq!(rt["Routes"][0]["GatewayId"], "local");
            assert_eq!(rt["Associations"][0]["SubnetId"], subnet);
            assert_eq!(rt["Associations"][0]["Main"], false);
            assert_eq!(
                rt["Associations"][0]["AssociationState"]["State"],
                "associated"
            );

            let healthy = name(&inst, &format!("subnet:private-{other}"));
            let v = ok(
                &inst,
                &format!("ec2 describe-route-tables --filters Name=association.subnet-id,Values={healthy}"),
            );
            let route =
                default_route(&v["RouteTables"][0]).expect("other AZ keeps its default route");
            assert_eq!(
                *route,
                json!({
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": name(&inst, &format!("nat:nat-{other}")),
                    "Origin": "CreateRoute",
                    "State": "active",
                })
            );
            // Key order as the CLI prints it.
            let keys: Vec<&String> = v["RouteTables"][0].as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                [
                    "Associations",
                    "PropagatingVgws",
                    "RouteTableId",
                    "Routes",
                    "Tags",
                    "VpcId",
                    "OwnerId"
                ]
            );
        }
    }

    #[test]
    fn route_filters_find_tables_by_target() {
        let inst = instance("nat-route-missing.yaml", 7);
        let zone = inst.vars["zone"].clone();
        let other = if zone == "a" { "b" } else { "a" };
        let nat_other = name(&inst, &format!("nat:nat-{other}"));
        let v = ok(
            &inst,
            &format!(
                "ec2 describe-route-tables --filters Name=route.nat-gateway-id,Values={nat_other}"
            ),
        );
        let found = ids(&v, "RouteTables", "RouteTableId");
        assert!(found.contains(&name(&inst, &format!("rtb:private-{other}"))));
        assert!(!found.contains(&name(&inst, &format!("rtb:private-{zone}"))));
        // The gateway endpoint's prefix-list route and the public table's igw route.
        let igw = name(&inst, "igw");
        let v = ok(
            &inst,
            &format!("ec2 describe-route-tables --filters Name=route.gateway-id,Values={igw}"),
        );
        assert_eq!(
            ids(&v, "RouteTables", "RouteTableId"),
            [name(&inst, "rtb:public")]
        );
        let v = ok(
            &inst,
            &format!(
                "ec2 describe-route-tables --route-table-ids {}",
                name(&inst, "rtb:private-c")
            ),
        );
        let routes = v["RouteTables"][0]["Routes"].as_array().unwrap();
        let pl = routes
            .iter()
            .find(|r| r.get("DestinationPrefixListId").is_some())
            .expect("s3 gateway endpoint route");
        assert_eq!(pl["GatewayId"], name(&inst, "vpce:s3"));
        assert_eq!(pl["State"], "active");
        // No route table is the main one in shop-prod except the generated one.
        let v = ok(
            &inst,
            "ec2 describe-route-tables --filters Name=association.main,Values=true",
        );
        assert_eq!(
            ids(&v, "RouteTables", "RouteTableId"),
            [name(&inst, "rtb:main")]
        );
        assert_eq!(v["RouteTables"][0]["Tags"], json!([]));
        assert!(v["RouteTables"][0]["Associations"][0]
            .get("SubnetId")
            .is_none());
    }

    #[test]
    fn exhausted_subnet_shows_no_free_addresses() {
        for seed in [1, 2, 3] {
            let inst = instance("subnet-exhausted.yaml", seed);
            let zone = inst.vars["zone"].clone();
            let full = name(&inst, &format!("subnet:private-{zone}"));
            let v = ok(&inst, &format!("ec2 describe-subnets --subnet-ids {full}"));
            let s = &v["Subnets"][0];
            assert_eq!(s["AvailableIpAddressCount"], 0, "seed {seed}: {s}");
            assert_eq!(s["SubnetId"], full);
            let cidr = if zone == "a" {
                "10.40.10.0/24"
            } else {
                "10.40.11.0/24"
            };
            assert_eq!(s["CidrBlock"], cidr);
            assert_eq!(s["MapPublicIpOnLaunch"], false);
            assert_eq!(
                s["Tags"],
                json!([{"Key": "Name", "Value": format!("private-{zone}")}])
            );
            let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
            assert_eq!(keys.first().map(|k| k.as_str()), Some("AvailabilityZoneId"));
            assert_eq!(keys.last().map(|k| k.as_str()), Some("MapPublicIpOnLaunch"));
            let c = name(&inst, "subnet:private-c");
            let v = ok(&inst, &format!("ec2 describe-subnets --subnet-ids {c}"));
            assert_eq!(v["Subnets"][0]["AvailableIpAddressCount"], 1019);
            // The interfaces in the full subnet are Batch's Fargate tasks, requester-managed.
            let v = ok(
                &inst,
                &format!(
                    "ec2 describe-network-interfaces --filters Name=subnet-id,Values={full} Name=description,Values='arn:aws:ecs:*'"
                ),
            );
            let enis = v["NetworkInterfaces"].as_array().unwrap();
            assert!(enis.len() > 200, "seed {seed}: {}", enis.len());
            assert!(enis.iter().all(|e| e["RequesterManaged"] == true
                && e["InterfaceType"] == "interface"
                && e["SubnetId"] == full));
        }
    }

    #[test]
    fn filters_and_across_names_or_within_values() {
        let inst = instance("subnet-exhausted.yaml", 5);
        let vpc = name(&inst, "vpc");
        let a = name(&inst, "subnet:private-a");
        let b = name(&inst, "subnet:private-b");
        let v = ok(
            &inst,
            &format!("ec2 describe-subnets --filters Name=vpc-id,Values={vpc}"),
        );
        assert_eq!(v["Subnets"].as_array().unwrap().len(), 7);
        // OR within Values (bracketed shorthand and JSON).
        let v = ok(
            &inst,
            &format!("ec2 describe-subnets --filters Name=subnet-id,Values=[{a},{b}]"),
        );
        let mut want = vec![a.clone(), b.clone()];
        want.sort();
        assert_eq!(ids(&v, "Subnets", "SubnetId"), want);
        let v = ok(
            &inst,
            r#"ec2 describe-subnets --filters '[{"Name":"tag:Name","Values":["private-a","private-b"]}]'"#,
        );
        assert_eq!(ids(&v, "Subnets", "SubnetId"), want);
        // AND across filters.
        let v = ok(
            &inst,
            &format!(
                "ec2 describe-subnets --filters Name=subnet-id,Values=[{a},{b}] Name=availability-zone,Values=us-east-1a"
            ),
        );
        assert_eq!(ids(&v, "Subnets", "SubnetId"), [a.as_str()]);
        let v = ok(
            &inst,
            "ec2 describe-subnets --filters Name=tag:Name,Values=private-* Name=map-public-ip-on-launch,Values=false",
        );
        assert_eq!(v["Subnets"].as_array().unwrap().len(), 3);
        let v = ok(
            &inst,
            "ec2 describe-subnets --filters Name=tag:Name,Values=public-?",
        );
        assert_eq!(v["Subnets"].as_array().unwrap().len(), 2);
        assert!(v["Subnets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["MapPublicIpOnLaunch"] == true));
        // Ids and filters together, and a filter that matches nothing is an empty list.
        let v = ok(
            &inst,
            &format!("ec2 describe-subnets --subnet-ids {a} {b} --filters Name=availability-zone,Values=us-east-1b"),
        );
        assert_eq!(ids(&v, "Subnets", "SubnetId"), [b.as_str()]);
        let v = ok(
            &inst,
            "ec2 describe-subnets --filters Name=cidr-block,Values=10.99.0.0/24",
        );
        assert_eq!(v, json!({"Subnets": []}));
        // Lambda interfaces by description wildcard.
        let v = ok(
            &inst,
            "ec2 describe-network-interfaces --filters Name=description,Values='AWS Lambda*'",
        );
        let lambdas = v["NetworkInterfaces"].as_array().unwrap();
        assert!(lambdas.len() >= 6);
        assert!(lambdas.iter().all(|e| e["RequesterManaged"] == true));
    }

    #[test]
    fn unknown_and_malformed_ids_give_aws_errors() {
        let inst = instance("nat-route-missing.yaml", 1);
        assert_eq!(
            err(&inst, "ec2 describe-subnets --subnet-ids subnet-12345678"),
            "An error occurred (InvalidSubnetID.NotFound) when calling the DescribeSubnets operation: The subnet ID 'subnet-12345678' does not exist"
        );
        assert_eq!(
            err(&inst, "ec2 describe-subnets --subnet-ids foo"),
            "An error occurred (InvalidSubnetID.Malformed) when calling the DescribeSubnets operation: Invalid id: \"foo\""
        );
        // Shapes are checked before existence, across the list.
        let a = name(&inst, "subnet:private-a");
        assert!(err(
            &inst,
            &format!("ec2 describe-subnets --subnet-ids subnet-12345678 {a} subnet-xyz")
        )
        .contains("(InvalidSubnetID.Malformed)"));
        assert_eq!(
            err(&inst, "ec2 describe-route-tables --route-table-ids rtb-00000001"),
            "An error occurred (InvalidRouteTableID.NotFound) when calling the DescribeRouteTables operation: The routeTable ID 'rtb-00000001' does not exist"
        );
        assert_eq!(
            err(&inst, "ec2 describe-security-groups --group-ids sg-00000001"),
            "An error occurred (InvalidGroup.NotFound) when calling the DescribeSecurityGroups operation: The security group 'sg-00000001' does not exist"
        );
        assert_eq!(
            err(&inst, "ec2 describe-security-groups --group-ids web"),
            "An error occurred (InvalidGroupId.Malformed) when calling the DescribeSecurityGroups operation: Invalid id: \"web\" (expecting \"sg-...\")"
        );
        assert_eq!(
            err(&inst, "ec2 describe-nat-gateways --nat-gateway-ids nat-00000001"),
            "An error occurred (NatGatewayNotFound) when calling the DescribeNatGateways operation: NAT gateway nat-00000001 was not found"
        );
        assert_eq!(
            err(&inst, "ec2 describe-vpcs --vpc-ids vpc-00000001"),
            "An error occurred (InvalidVpcID.NotFound) when calling the DescribeVpcs operation: The vpc ID 'vpc-00000001' does not exist"
        );
        assert_eq!(
            err(&inst, "ec2 describe-network-interfaces --network-interface-ids eni-00000001"),
            "An error occurred (InvalidNetworkInterfaceID.NotFound) when calling the DescribeNetworkInterfaces operation: The networkInterface ID 'eni-00000001' does not exist"
        );
        assert_eq!(
            err(&inst, "ec2 describe-subnets --filters Name=foo,Values=bar"),
            "An error occurred (InvalidParameterValue) when calling the DescribeSubnets operation: The filter 'foo' is invalid"
        );
        assert_eq!(
            err(&inst, "ec2 describe-vpcs --dry-run"),
            "An error occurred (DryRunOperation) when calling the DescribeVpcs operation: Request would have succeeded, but DryRun flag is set."
        );
        assert!(err(
            &inst,
            "ec2 describe-security-groups --group-names checkout-tasks"
        )
        .starts_with("An error occurred (VPCIdNotSpecified)"));
        // describe-nat-gateways takes --filter, not --filters.
        assert!(err(
            &inst,
            "ec2 describe-nat-gateways --filters Name=state,Values=available"
        )
        .contains("did you mean --filter?"));
    }

    #[test]
    fn nat_gateways_internet_gateways_and_vpcs() {
        let inst = instance("nat-route-missing.yaml", 3);
        let vpc = name(&inst, "vpc");
        let v = ok(
            &inst,
            &format!("ec2 describe-nat-gateways --filter Name=vpc-id,Values={vpc}"),
        );
        let nats = v["NatGateways"].as_array().unwrap();
        assert_eq!(nats.len(), 2);
        let nat_a = name(&inst, "nat:nat-a");
        let n = nats.iter().find(|n| n["NatGatewayId"] == nat_a).unwrap();
        assert_eq!(n["State"], "available");
        assert_eq!(n["SubnetId"], name(&inst, "subnet:public-a"));
        assert_eq!(n["ConnectivityType"], "public");
        let addr = &n["NatGatewayAddresses"][0];
        let eni = addr["NetworkInterfaceId"].as_str().unwrap();
        assert_eq!(addr["IsPrimary"], true);
        assert_eq!(addr["Status"], "succeeded");
        assert!(addr["PrivateIp"].as_str().unwrap().starts_with("10.40.0."));
        assert!(n["CreateTime"].as_str().unwrap().ends_with("+00:00"));
        // Its interface shows the Elastic IP and no source/dest check.
        let v = ok(
            &inst,
            &format!("ec2 describe-network-interfaces --network-interface-ids {eni}"),
        );
        let e = &v["NetworkInterfaces"][0];
        assert_eq!(e["InterfaceType"], "nat_gateway");
        assert_eq!(e["SourceDestCheck"], false);
        assert_eq!(e["Association"]["PublicIp"], addr["PublicIp"]);
        assert_eq!(e["PrivateIpAddress"], addr["PrivateIp"]);
        // The load balancer's interfaces carry its security group.
        let alb = name(&inst, "sg:shop-alb");
        let v = ok(
            &inst,
            &format!("ec2 describe-network-interfaces --filters Name=group-id,Values={alb}"),
        );
        let lb = v["NetworkInterfaces"].as_array().unwrap();
        assert_eq!(lb.len(), 2);
        assert!(lb.iter().all(|e| e["RequesterId"] == "amazon-elb"
            && e["Description"]
                .as_str()
                .unwrap()
                .starts_with("ELB app/shop-prod-alb/")));
        let v = ok(
            &inst,
            "ec2 describe-nat-gateways --filter Name=state,Values=deleted",
        );
        assert_eq!(v, json!({"NatGateways": []}));

        let v = ok(
            &inst,
            &format!(
                "ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values={vpc}"
            ),
        );
        assert_eq!(
            v["InternetGateways"][0],
            json!({
                "Attachments": [{"State": "available", "VpcId": vpc}],
                "InternetGatewayId": name(&inst, "igw"),
                "OwnerId": inst.sim.world().account,
                "Tags": [{"Key": "Name", "Value": "shop-prod-igw"}],
            })
        );

        let v = ok(&inst, "ec2 describe-vpcs --filters Name=cidr,Values=10.40.0.0/16 Name=is-default,Values=false");
        let x = &v["Vpcs"][0];
        assert_eq!(x["VpcId"], vpc);
        assert_eq!(x["State"], "available");
        assert_eq!(x["CidrBlockAssociationSet"][0]["CidrBlock"], "10.40.0.0/16");
        assert_eq!(x["Tags"], json!([{"Key": "Name", "Value": "shop-prod"}]));
        assert!(x["DhcpOptionsId"].as_str().unwrap().starts_with("dopt-0"));
    }

    #[test]
    fn security_groups_show_rules_as_ip_permissions() {
        let inst = instance("nat-route-missing.yaml", 2);
        let alb = name(&inst, "sg:shop-alb");
        let tasks = name(&inst, "sg:checkout-tasks");
        let v = ok(
            &inst,
            &format!("ec2 describe-security-groups --group-ids {tasks}"),
        );
        let g = &v["SecurityGroups"][0];
        assert_eq!(g["GroupName"], "checkout-tasks");
        assert_eq!(g["Description"], "Checkout API tasks");
        assert_eq!(
            g["IpPermissions"],
            json!([{
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "UserIdGroupPairs": [{"Description": "from the ALB", "UserId": inst.sim.world().account, "GroupId": alb}],
                "IpRanges": [],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
            }])
        );
        // The default egress rule: all protocols, no ports.
        assert_eq!(
            g["IpPermissionsEgress"],
            json!([{
                "IpProtocol": "-1",
                "UserIdGroupPairs": [],
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
            }])
        );
        assert!(g.get("Tags").is_none());
        let v = ok(
            &inst,
            "ec2 describe-security-groups --filters Name=ip-permission.cidr,Values=0.0.0.0/0 Name=ip-permission.from-port,Values=22",
        );
        assert_eq!(ids(&v, "SecurityGroups", "GroupName"), ["legacy-bastion"]);
        let v = ok(
            &inst,
            "ec2 describe-security-groups --filters Name=group-name,Values=checkout-*",
        );
        let mut names = ids(&v, "SecurityGroups", "GroupName");
        names.sort();
        assert_eq!(names, ["checkout-db", "checkout-tasks"]);
        let v = ok(
            &inst,
            "ec2 describe-security-groups --filters Name=egress.ip-permission.cidr,Values=0.0.0.0/0",
        );
        assert!(!ids(&v, "SecurityGroups", "GroupId").contains(&alb));
    }

    #[test]
    fn task_interfaces_and_endpoints() {
        let inst = instance("nat-route-missing.yaml", 4);
        let tasks = name(&inst, "sg:checkout-tasks");
        let v = ok(
            &inst,
            &format!("ec2 describe-network-interfaces --filters Name=group-id,Values={tasks} Name=status,Values=in-use"),
        );
        let enis = v["NetworkInterfaces"].as_array().unwrap();
        assert!(!enis.is_empty(), "running tasks hold interfaces");
        let region = &inst.sim.world().region;
        let acct = &inst.sim.world().account;
        for e in enis {
            let d = e["Description"].as_str().unwrap();
            assert!(
                d.starts_with(&format!("arn:aws:ecs:{region}:{acct}:attachment/")),
                "{d}"
            );
            assert_eq!(e["InterfaceType"], "interface");
            assert_eq!(e["RequesterManaged"], true);
            assert_eq!(
                e["Groups"],
                json!([{"GroupId": tasks, "GroupName": "checkout-tasks"}])
            );
            assert_eq!(e["Attachment"]["Status"], "attached");
            assert_eq!(e["PrivateIpAddresses"][0]["Primary"], true);
            assert!(e["PrivateDnsName"]
                .as_str()
                .unwrap()
                .ends_with(".ec2.internal"));
            assert!(e.get("Association").is_none());
            assert_eq!(e["TagSet"], json!([]));
        }
        let v = ok(
            &inst,
            "ec2 describe-vpc-endpoints --filters Name=vpc-endpoint-type,Values=Gateway",
        );
        let ep = &v["VpcEndpoints"][0];
        assert_eq!(ep["VpcEndpointId"], name(&inst, "vpce:s3"));
        assert_eq!(ep["ServiceName"], format!("com.amazonaws.{region}.s3"));
        assert_eq!(ep["RouteTableIds"].as_array().unwrap().len(), 3);
        assert_eq!(ep["DnsEntries"], json!([]));
        assert_eq!(ep["State"], "available");
        let policy: Value = serde_json::from_str(ep["PolicyDocument"].as_str().unwrap()).unwrap();
        assert_eq!(policy["Statement"][0]["Effect"], "Allow");
        let v = ok(
            &inst,
            "ec2 describe-vpc-endpoints --filters Name=service-name,Values=*.ecr.api",
        );
        assert_eq!(v, json!({"VpcEndpoints": []}));
        assert_eq!(
            err(&inst, "ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-00000001"),
            "An error occurred (InvalidVpcEndpointId.NotFound) when calling the DescribeVpcEndpoints operation: The Vpc Endpoint Id 'vpce-00000001' does not exist"
        );
    }

    /// Runs `line` against a changed copy of the instance's world.
    fn ok_in(world: &World, now: Millis, line: &str) -> Value {
        crate::awscli::command::read(&ReadCtx { world, now }, line)
            .map(|(_, v)| v)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    #[test]
    fn routes_to_a_deleted_nat_gateway_are_blackholes() {
        let inst = instance("nat-route-missing.yaml", 9);
        let mut world = inst.sim.world().clone();
        let nat = name(&inst, "nat:nat-a");
        world.nat_gateways.get_mut(&nat).unwrap().state = "deleted".into();
        let now = inst.sim.now();
        let v = ok_in(
            &world,
            now,
            &format!(
                "ec2 describe-route-tables --route-table-ids {}",
                name(&inst, "rtb:private-c")
            ),
        );
        let route = default_route(&v["RouteTables"][0]).unwrap();
        assert_eq!(route["NatGatewayId"], nat);
        assert_eq!(route["State"], "blackhole");
        let v = ok_in(
            &world,
            now,
            "ec2 describe-route-tables --filters Name=route.state,Values=blackhole",
        );
        assert!(ids(&v, "RouteTables", "RouteTableId").contains(&name(&inst, "rtb:private-c")));
        let v = ok_in(
            &world,
            now,
            "ec2 describe-nat-gateways --filter Name=state,Values=deleted",
        );
        assert_eq!(ids(&v, "NatGateways", "NatGatewayId"), [nat.as_str()]);
        assert!(v["NatGateways"][0]["NatGatewayAddresses"][0]
            .get("AssociationId")
            .is_none());
    }

    #[test]
    fn interface_endpoints_show_dns_entries_and_groups() {
        let inst = instance("nat-route-missing.yaml", 11);
        let mut world = inst.sim.world().clone();
        let sg = name(&inst, "sg:checkout-tasks");
        let subnets = [
            name(&inst, "subnet:private-a"),
            name(&inst, "subnet:private-b"),
        ];
        let id = "vpce-0123456789abcdef0".to_string();
        let mut enis = Vec::new();
        for s in &subnets {
            enis.push(
                world
                    .create_eni(
                        s,
                        EniOwner::Endpoint(id.clone()),
                        format!("VPC Endpoint Interface {id}"),
                        "vpc_endpoint",
                        vec![sg.clone()],
                    )
                    .unwrap(),
            );
        }
        world.vpc_endpoints.insert(
            id.clone(),
            crate::world::VpcEndpoint {
                id: id.clone(),
                name: "ecr-api".into(),
                vpc_id: name(&inst, "vpc"),
                service: "ecr.api".into(),
                kind: EndpointKind::Interface,
                subnet_ids: subnets.to_vec(),
                security_group_ids: vec![sg.clone()],
                route_table_ids: vec![],
                private_dns: true,
                eni_ids: enis.clone(),
                prefix_list: None,
                created: 1_700_000_000_123,
            },
        );
        let now = inst.sim.now();
        let v = ok_in(
            &world,
            now,
            "ec2 describe-vpc-endpoints --filters Name=service-name,Values=*.ecr.api Name=vpc-endpoint-type,Values=Interface",
        );
        let ep = &v["VpcEndpoints"][0];
        assert_eq!(ep["VpcEndpointId"], id);
        assert_eq!(ep["ServiceName"], "com.amazonaws.us-east-1.ecr.api");
        assert_eq!(
            ep["Groups"],
            json!([{"GroupId": sg, "GroupName": "checkout-tasks"}])
        );
        assert_eq!(ep["NetworkInterfaceIds"], json!(enis));
        assert_eq!(ep["PrivateDnsEnabled"], true);
        assert_eq!(ep["CreationTimestamp"], "2023-11-14T22:13:20.123000+00:00");
        let dns: Vec<&str> = ep["DnsEntries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["DnsName"].as_str().unwrap())
            .collect();
        assert_eq!(dns.len(), 4, "{dns:?}");
        assert!(dns[0].starts_with(&format!("{id}-")));
        assert!(dns[0].ends_with(".api.ecr.us-east-1.vpce.amazonaws.com"));
        assert!(dns[1].contains("-us-east-1a.api.ecr."));
        assert_eq!(dns[3], "api.ecr.us-east-1.amazonaws.com");
        let v = ok_in(
            &world,
            now,
            &format!(
                "ec2 describe-network-interfaces --network-interface-ids {}",
                enis[0]
            ),
        );
        let e = &v["NetworkInterfaces"][0];
        assert_eq!(e["InterfaceType"], "vpc_endpoint");
        assert_eq!(e["Description"], format!("VPC Endpoint Interface {id}"));
        assert_eq!(e["RequesterManaged"], true);
        // The endpoint backend names unknown filters InvalidFilter.
        let e = crate::awscli::command::read(
            &ReadCtx { world: &world, now },
            "ec2 describe-vpc-endpoints --filters Name=state,Values=available",
        )
        .map(|(_, v)| v)
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "An error occurred (InvalidFilter) when calling the DescribeVpcEndpoints operation: The filter 'state' is invalid"
        );
    }

    #[test]
    fn glob_matches_like_ec2_filters() {
        assert!(glob("AWS Lambda*", "AWS Lambda VPC ENI-x"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(glob("public-?", "public-a"));
        assert!(!glob("public-?", "public-ab"));
        assert!(!glob("a*c", "abd"));
        assert!(well_formed("subnet-0123456789abcdef0", "subnet"));
        assert!(well_formed("sg-1234abcd", "sg"));
        assert!(!well_formed("subnet-123", "subnet"));
        assert!(!well_formed("sg-1234abcd", "subnet"));
        assert_eq!(timestamp(1_700_000_000_000), "2023-11-14T22:13:20+00:00");
        assert_eq!(
            timestamp(1_700_000_000_250),
            "2023-11-14T22:13:20.250000+00:00"
        );
    }

    #[test]
    fn every_op_is_registered_with_its_flags() {
        for (name, ids_flag, filter_flag) in [
            ("describe-vpcs", "vpc-ids", "filters"),
            ("describe-subnets", "subnet-ids", "filters"),
            ("describe-route-tables", "route-table-ids", "filters"),
            ("describe-nat-gateways", "nat-gateway-ids", "filter"),
            (
                "describe-internet-gateways",
                "internet-gateway-ids",
                "filters",
            ),
            ("describe-security-groups", "group-ids", "filters"),
            (
                "describe-network-interfaces",
                "network-interface-ids",
                "filters",
            ),
            ("describe-vpc-endpoints", "vpc-endpoint-ids", "filters"),
        ] {
            let op =
                crate::aws::catalogue::find_read("ec2", name).unwrap_or_else(|| panic!("{name}"));
            let f = op.flags.iter().find(|f| f.name == ids_flag).unwrap();
            assert_eq!(f.kind, FlagKind::List);
            assert_ne!(f.complete, Complete::Nothing);
            let f = op.flags.iter().find(|f| f.name == filter_flag).unwrap();
            assert_eq!(f.kind, FlagKind::Structure);
        }
    }
}
