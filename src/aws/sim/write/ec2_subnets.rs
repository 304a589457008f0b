//! EC2 subnets and the network interfaces in them: CreateSubnet,
//! ModifySubnetAttribute, DeleteNetworkInterface.

use super::super::{CommandError, Input};
use super::ec2::{described, name_tag, tag_specs};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::{parse_ip, Cidr, EniOwner, Subnet, World};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Availability Zones where subnets can be created: the region's usual
/// letters ([I] per region; accounts differ) and every zone already in use.
fn subnet_zones(world: &World) -> Vec<String> {
    let n: u8 = match world.region.as_str() {
        "us-east-1" => 6,
        "us-west-2" => 4,
        "us-west-1" => 2,
        _ => 3,
    };
    let mut zones: BTreeSet<String> = (0..n)
        .map(|i| format!("{}{}", world.region, (b'a' + i) as char))
        .collect();
    zones.extend(world.subnets.values().map(|s| s.az.clone()));
    zones.into_iter().collect()
}

/// The AZ id of a zone: as its subnets show it, else as the scenario builder
/// names them (`us-east-1c` is `use1-az3`).
fn zone_id(world: &World, az: &str) -> String {
    if let Some(s) = world.subnets.values().find(|s| s.az == az) {
        return s.az_id.clone();
    }
    let letter = az.strip_prefix(world.region.as_str()).unwrap_or("a");
    crate::world::az_id(&world.region, letter)
}

pub(super) fn create_subnet(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "CreateSubnet";
    let vpc_id = inv.required("VpcId")?;
    let block = inv.required("CidrBlock")?;
    let az = inv.value("AvailabilityZone")?;
    let az_id = inv.value("AvailabilityZoneId")?;
    let specs = tag_specs(inv)?;
    let w = &cx.world;
    let Some(vpc) = w.vpcs.get(&vpc_id) else {
        return Err(errors::vpc_not_found(op, &vpc_id).into());
    };
    if w.subnets.values().filter(|s| s.vpc_id == vpc_id).count() >= crate::limits::MAX_SUBNETS {
        return Err(errors::subnet_limit_exceeded(op, &vpc_id, crate::limits::MAX_SUBNETS).into());
    }
    let name = name_tag(&specs, "subnet", op)?;
    let well_formed = block.split_once('/').is_some_and(|(ip, len)| {
        parse_ip(ip).is_some() && len.parse::<u8>().is_ok_and(|n| n <= 32)
    });
    if !well_formed {
        return Err(errors::subnet_cidr_invalid(op, &block).into());
    }
    // Outside the VPC, outside /16../28, or host bits set.
    let range = || errors::subnet_range_invalid(op, &block);
    let cidr: Cidr = block.parse().map_err(|_| range())?;
    if !(16..=28).contains(&cidr.prefix) || !vpc.cidr.covers(&cidr) {
        return Err(range().into());
    }
    let overlaps = w
        .subnets
        .values()
        .any(|s| s.vpc_id == vpc_id && (s.cidr.covers(&cidr) || cidr.covers(&s.cidr)));
    if overlaps {
        return Err(errors::subnet_conflict(op, &block).into());
    }
    let zones = subnet_zones(w);
    let chosen = match (az, az_id) {
        (Some(_), Some(_)) => return Err(errors::zone_and_zone_id(op).into()),
        (Some(a), None) => {
            if !zones.contains(&a) {
                return Err(errors::zone_invalid(op, &a, &zones).into());
            }
            Some(a)
        }
        (None, Some(id)) => match zones.iter().find(|z| zone_id(w, z) == id) {
            Some(z) => Some(z.clone()),
            None => {
                let ids: Vec<String> = zones.iter().map(|z| zone_id(w, z)).collect();
                return Err(errors::zone_id_invalid(op, &id, &ids).into());
            }
        },
        (None, None) => None,
    };
    // Everything is checked: the world changes from here on.
    let az = match chosen {
        Some(a) => a,
        None => zones[cx.world.rng.below(zones.len() as u64) as usize].clone(),
    };
    let az_id = zone_id(cx.world, &az);
    let id = cx.world.rng.ec2_id("subnet");
    cx.world.subnets.insert(
        id.clone(),
        Subnet {
            id: id.clone(),
            name: name.clone().unwrap_or_default(),
            vpc_id,
            az,
            az_id,
            cidr,
            map_public_ip_on_launch: false,
        },
    );
    // A new subnet is associated with its VPC's default network ACL.
    let vpc = cx.world.subnets[&id].vpc_id.clone();
    cx.world.ensure_default_nacl(&vpc);
    if let Some(n) = name {
        cx.world
            .names
            .entry(format!("subnet:{n}"))
            .or_insert_with(|| id.clone());
    }
    let subnet = described(cx, "describe-subnets", ("SubnetIds", &id), "Subnets");
    Ok(json!({ "Subnet": subnet }))
}

pub(super) fn modify_subnet_attribute(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "ModifySubnetAttribute";
    let id = inv.required("SubnetId")?;
    let public = inv.switch("MapPublicIpOnLaunch")?;
    let Some(subnet) = cx.world.subnets.get_mut(&id) else {
        return Err(errors::subnet_not_found(op, &id).into());
    };
    let Some(public) = public else {
        return Err(errors::subnet_attribute_missing(op).into());
    };
    subnet.map_public_ip_on_launch = public;
    Ok(json!({}))
}

pub(super) fn delete_eni(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let id = inv.required("NetworkInterfaceId")?;
    let op = "DeleteNetworkInterface";
    let Some(eni) = cx.world.enis.get(&id) else {
        return Err(errors::network_interface_not_found(op, &id).into());
    };
    if eni.status == "in-use" || !matches!(eni.owner, EniOwner::Other(_) | EniOwner::Instance(_)) {
        return Err(errors::network_interface_in_use(op, &id).into());
    }
    cx.world.remove_eni(&id);
    Ok(json!({}))
}

/// `ec2 create-network-interface`: an interface in a subnet, at its lowest
/// free address, not attached (`available`), in the given security groups
/// (default: the VPC's default group), with the tags of its
/// `TagSpecifications`. It answers the interface as DescribeNetworkInterfaces
/// shows it.
pub(super) fn create_eni(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "CreateNetworkInterface";
    let subnet = inv.required("SubnetId")?;
    let Some(s) = cx.world.subnets.get(&subnet) else {
        return Err(errors::subnet_not_found(op, &subnet).into());
    };
    let vpc = s.vpc_id.clone();
    let groups = match inv.values("Groups")? {
        Some(g) => g,
        None => cx
            .world
            .security_groups
            .values()
            .filter(|g| g.vpc_id == vpc && g.name == "default")
            .map(|g| g.id.clone())
            .collect(),
    };
    let mut tags = Vec::new();
    for spec in super::ec2::tag_specs(inv)? {
        let rt = spec
            .get("ResourceType")
            .and_then(Value::as_str)
            .unwrap_or("");
        if rt != "network-interface" {
            return Err(errors::tag_resource_type_invalid(op, rt).into());
        }
        for t in spec
            .get("Tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(k), Some(v)) = (t["Key"].as_str(), t["Value"].as_str()) {
                tags.push((k.to_string(), v.to_string()));
            }
        }
    }
    let description = inv.value("Description")?.unwrap_or_default();
    let requester = cx.world.account.clone();
    let Some(id) = cx.world.create_eni(
        &subnet,
        EniOwner::Other(requester),
        description,
        "interface",
        groups,
    ) else {
        return Err(errors::subnet_addresses_exhausted(op, &subnet).into());
    };
    if let Some(e) = cx.world.enis.get_mut(&id) {
        e.status = "available".into();
        e.tags = tags;
    }
    let ctx = crate::aws::catalogue::ReadCtx {
        world: cx.world,
        now: cx.now,
    };
    let v = crate::aws::sim::ec2::network_interfaces::describe_network_interfaces(
        &ctx,
        &Input::new().with("NetworkInterfaceIds", json!([id])),
    )?;
    Ok(json!({"NetworkInterface": v["NetworkInterfaces"][0]}))
}
