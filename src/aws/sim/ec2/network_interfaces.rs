//! `describe-network-interfaces`, with the requester-managed interfaces of
//! ECS tasks, NAT gateways and endpoints.

use super::super::{CommandError, Input};
use super::request::{flag_str, one, request, ENI_IDS};
use super::shapes::{compact, derived_id, private_dns_name, public_dns_name, timestamp_seconds};
use super::ENI_FILTERS;
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::time::Millis;
use crate::world::{ip_to_string, EniOwner, NetworkInterface, World};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// describe-network-interfaces

// [I] the AWS-owned accounts behind requester-managed interfaces.
pub(super) const ECS_REQUESTER: &str = "578734482556";
pub(super) const NAT_REQUESTER: &str = "036872051663";
pub(super) const VPCE_REQUESTER: &str = "727180483921";
pub(super) const LAMBDA_REQUESTER: &str = "560195853173";

/// Who created an interface, as `(RequesterId, RequesterManaged, InstanceOwnerId)`.
pub(super) fn requester(
    e: &NetworkInterface,
) -> (Option<&'static str>, bool, Option<&'static str>) {
    match &e.owner {
        EniOwner::Task(_) => (Some(ECS_REQUESTER), true, Some(ECS_REQUESTER)),
        EniOwner::NatGateway(_) => (Some(NAT_REQUESTER), true, Some(NAT_REQUESTER)),
        EniOwner::Endpoint(_) => (Some(VPCE_REQUESTER), true, Some(VPCE_REQUESTER)),
        // [V] load balancer interfaces show amazon-elb for both.
        EniOwner::LoadBalancer(_) => (Some("amazon-elb"), true, Some("amazon-elb")),
        // [V] An instance's own interface: not requester-managed; its
        // InstanceOwnerId is the account (filled in where it is printed).
        EniOwner::Instance(_) => (None, false, None),
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

/// The instance whose primary interface this is.
fn instance_of(e: &NetworkInterface) -> Option<&str> {
    match &e.owner {
        EniOwner::Instance(i) => Some(i),
        _ => None,
    }
}

/// When an interface was attached, if the world knows.
pub(super) fn attach_time(w: &World, e: &NetworkInterface) -> Option<Millis> {
    match &e.owner {
        EniOwner::Task(t) => w.tasks.get(t).map(|t| t.created_at),
        EniOwner::NatGateway(n) => w.nat_gateways.get(n).map(|n| n.created),
        EniOwner::Endpoint(v) => w.vpc_endpoints.get(v).map(|v| v.created),
        EniOwner::LoadBalancer(a) => w.load_balancers.get(a).map(|l| l.created),
        EniOwner::Instance(_) | EniOwner::Other(_) => None,
    }
}

/// The security groups of an interface. A load balancer's interfaces carry the
/// load balancer's groups (the world records them on the load balancer only).
pub(super) fn eni_groups<'a>(w: &'a World, e: &'a NetworkInterface) -> &'a [String] {
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
pub(super) fn public_side(
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

pub(crate) fn describe_network_interfaces(
    ctx: &ReadCtx,
    inv: &Input,
) -> Result<Value, CommandError> {
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
            if let Some(key) = f.strip_prefix("tag:") {
                return e
                    .tags
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .collect();
            }
            if f == "tag-key" {
                return e.tags.iter().map(|(k, _)| k.clone()).collect();
            }
            match f {
                "addresses.association.public-ip" | "association.public-ip" => {
                    public.iter().map(|p| p.3.clone()).collect()
                }
                "association.ip-owner-id" => public.iter().map(|p| p.2.clone()).collect(),
                "addresses.primary" => one("true"),
                "addresses.private-ip-address" | "private-ip-address" => one(ip.as_str()),
                "attachment.instance-owner-id" if attached && instance_of(e).is_some() => {
                    one(w.account.as_str())
                }
                "attachment.instance-owner-id" => instance_owner
                    .filter(|_| attached)
                    .map(one)
                    .unwrap_or_default(),
                "attachment.instance-id" => instance_of(e)
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
        // [V] an instance's primary interface: the instance, device 0, deleted with it.
        let instance = match &e.owner {
            EniOwner::Instance(i) => Some(i.as_str()),
            _ => None,
        };
        // [I] the attachment of a service-managed interface: no instance, device 1.
        let attachment = attached.then(|| match instance {
            Some(i) => json!({
                "AttachmentId": derived_id("eni-attach", &e.id),
                "DeleteOnTermination": true,
                "DeviceIndex": 0,
                "NetworkCardIndex": 0,
                "InstanceId": i,
                "InstanceOwnerId": w.account,
                "Status": "attached",
            }),
            None => json!({
                "AttachTime": attach_time(w, e).map(timestamp_seconds),
                "AttachmentId": derived_id("eni-attach", &e.id),
                "DeleteOnTermination": false,
                "DeviceIndex": 1,
                "NetworkCardIndex": 0,
                "InstanceOwnerId": instance_owner,
                "Status": "attached",
            }),
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
            "TagSet": e
                .tags
                .iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect::<Vec<_>>(),
            "VpcId": vpc_id,
        }));
    }
    Ok(compact(json!({ "NetworkInterfaces": out })))
}
