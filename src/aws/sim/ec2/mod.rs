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
//!
//! This folder: the operation table and flag tables here; the shared request
//! handling (id checks, filters, dry run) in `request`, shared output shapes
//! in `shapes`, and one file per kind of resource described.

mod network_acls;
pub(crate) mod network_interfaces;
mod request;
mod route_tables;
mod security_groups;
mod shapes;
#[cfg(test)]
mod tests;
mod vpc_endpoints;
mod vpcs;

use crate::aws::catalogue::{flag, Complete, Flag, FlagKind, Op, ReadOp};
use network_acls::describe_network_acls;
use network_interfaces::describe_network_interfaces;
use route_tables::{describe_internet_gateways, describe_nat_gateways, describe_route_tables};
use security_groups::describe_security_groups;
use vpc_endpoints::describe_vpc_endpoints;
use vpcs::{describe_subnets, describe_vpcs};

// ---------------------------------------------------------------------------
// Flag tables.

const DRY_RUN: Flag = flag(
    "dry-run",
    FlagKind::Bool,
    "check permissions only: fails with DryRunOperation instead of describing",
    Complete::Nothing,
);

pub(super) const VPC_FILTERS: &[&str] = &[
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
pub(super) const VPC_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=cidr,Values=",
    "Name=state,Values=available",
    "Name=tag:Name,Values=",
    "Name=is-default,Values=false",
];

pub(super) const SUBNET_FILTERS: &[&str] = &[
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
pub(super) const SUBNET_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=subnet-id,Values=",
    "Name=availability-zone,Values=",
    "Name=cidr-block,Values=",
    "Name=tag:Name,Values=",
    "Name=map-public-ip-on-launch,Values=true",
];

pub(super) const NACL_FILTERS: &[&str] = &[
    "association.association-id",
    "association.network-acl-id",
    "association.subnet-id",
    "default",
    "entry.cidr",
    "entry.egress",
    "entry.port-range.from",
    "entry.port-range.to",
    "entry.protocol",
    "entry.rule-action",
    "entry.rule-number",
    "network-acl-id",
    "owner-id",
    "tag-key",
    "vpc-id",
];
pub(super) const NACL_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=association.subnet-id,Values=",
    "Name=default,Values=true",
    "Name=entry.rule-action,Values=deny",
    "Name=entry.egress,Values=false",
    "Name=tag:Name,Values=",
];
pub(super) const ROUTE_TABLE_FILTERS: &[&str] = &[
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
pub(super) const ROUTE_TABLE_FILTER_HINTS: &[&str] = &[
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

pub(super) const NAT_FILTERS: &[&str] =
    &["nat-gateway-id", "state", "subnet-id", "tag-key", "vpc-id"];
pub(super) const NAT_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=subnet-id,Values=",
    "Name=state,Values=available",
    "Name=nat-gateway-id,Values=",
    "Name=tag:Name,Values=",
];

pub(super) const IGW_FILTERS: &[&str] = &[
    "attachment.state",
    "attachment.vpc-id",
    "internet-gateway-id",
    "owner-id",
    "tag-key",
];
pub(super) const IGW_FILTER_HINTS: &[&str] = &[
    "Name=attachment.vpc-id,Values=",
    "Name=internet-gateway-id,Values=",
    "Name=tag:Name,Values=",
];

pub(super) const SG_FILTERS: &[&str] = &[
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
pub(super) const SG_FILTER_HINTS: &[&str] = &[
    "Name=vpc-id,Values=",
    "Name=group-id,Values=",
    "Name=group-name,Values=",
    "Name=ip-permission.from-port,Values=",
    "Name=ip-permission.cidr,Values=0.0.0.0/0",
    "Name=ip-permission.group-id,Values=",
    "Name=egress.ip-permission.cidr,Values=0.0.0.0/0",
];

pub(super) const ENI_FILTERS: &[&str] = &[
    "addresses.association.public-ip",
    "addresses.primary",
    "addresses.private-ip-address",
    "association.ip-owner-id",
    "association.public-ip",
    "attachment.instance-id",
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
pub(super) const ENI_FILTER_HINTS: &[&str] = &[
    "Name=subnet-id,Values=",
    "Name=vpc-id,Values=",
    "Name=status,Values=in-use",
    "Name=description,Values=",
    "Name=interface-type,Values=",
    "Name=group-id,Values=",
    "Name=private-ip-address,Values=",
    "Name=requester-managed,Values=true",
];

pub(super) const VPCE_FILTERS: &[&str] = &[
    "ip-address-type",
    "service-name",
    "tag-key",
    "vpc-endpoint-id",
    "vpc-endpoint-state",
    "vpc-endpoint-type",
    "vpc-id",
];
pub(super) const VPCE_FILTER_HINTS: &[&str] = &[
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
        name: "describe-network-acls",
        api: "DescribeNetworkAcls",
        summary:
            "Describes your network ACLs: entries in both directions, and the subnets they apply to",
        flags: &[
            flag(
                "network-acl-ids",
                FlagKind::List,
                "network ACL ids (default: all)",
                Complete::NetworkAcl,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                FILTERS_HELP,
                Complete::Choices(NACL_FILTER_HINTS),
            ),
            DRY_RUN,
        ],
        positional: None,
        run: describe_network_acls,
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
