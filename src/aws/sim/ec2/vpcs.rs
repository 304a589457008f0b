//! `describe-vpcs` and `describe-subnets`.

use super::super::{CommandError, Input};
use super::request::{flag_str, one, request, tag_filter, SUBNET_IDS, VPC_IDS};
use super::shapes::{compact, derived_id, stack_tags_or_absent};
use super::{SUBNET_FILTERS, VPC_FILTERS};
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// describe-vpcs

pub(super) fn describe_vpcs(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
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
            "Tags": stack_tags_or_absent(w, &v.name),
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

pub(super) fn describe_subnets(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
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
            "Tags": stack_tags_or_absent(w, &s.name),
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
