//! `describe-vpc-endpoints`.

use super::super::{CommandError, Input};
use super::request::{one, request, tag_filter, VPCE_IDS};
use super::shapes::{compact, derived_hex, tags, timestamp};
use super::VPCE_FILTERS;
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::world::EndpointKind;
use serde_json::{json, Value};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------
// describe-vpc-endpoints

/// [V] the policy EC2 gives an interface endpoint created without one (aws-cli example).
pub(super) const INTERFACE_POLICY: &str = "{\n  \"Statement\": [\n    {\n      \"Action\": \"*\", \n      \"Effect\": \"Allow\", \n      \"Principal\": \"*\", \n      \"Resource\": \"*\"\n    }\n  ]\n}";
/// [V] the policy EC2 gives a gateway endpoint created without one (aws-cli example).
pub(super) const GATEWAY_POLICY: &str = "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

/// The DNS label of an endpoint service (`ecr.api` is `api.ecr`).
pub(super) fn service_dns_label(service: &str) -> String {
    match service {
        "ecr.api" => "api.ecr".to_string(),
        "ecr.dkr" => "dkr.ecr".to_string(),
        s => s.to_string(),
    }
}

/// The public name private DNS overrides inside the VPC.
pub(super) fn private_dns_entry(service: &str, region: &str) -> String {
    match service {
        "ecr.dkr" => format!("*.dkr.ecr.{region}.amazonaws.com"),
        s => format!("{}.{region}.amazonaws.com", service_dns_label(s)),
    }
}

pub(super) fn describe_vpc_endpoints(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
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
