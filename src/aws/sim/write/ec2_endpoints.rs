//! EC2 VPC endpoints: CreateVpcEndpoint, Gateway (routes to the service's
//! prefix list) and Interface (a network interface in each subnet, private
//! DNS).

use super::super::{CommandError, Input};
use super::ec2::{described, name_tag, tag_specs};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::{EndpointKind, EniOwner, Route, RouteDest, RouteTarget, VpcEndpoint};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The domain private DNS takes over inside the VPC (as describe-vpc-endpoints shows it).
fn private_dns_domain(service: &str, region: &str) -> String {
    match service {
        "ecr.dkr" => format!("*.dkr.ecr.{region}.amazonaws.com"),
        "ecr.api" => format!("api.ecr.{region}.amazonaws.com"),
        s => format!("{s}.{region}.amazonaws.com"),
    }
}

/// A list parameter with duplicates dropped, in order.
fn unique(items: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items
        .into_iter()
        .filter(|x| seen.insert(x.clone()))
        .collect()
}

pub(super) fn create_vpc_endpoint(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "CreateVpcEndpoint";
    let vpc_id = inv.required("VpcId")?;
    let service_name = inv.required("ServiceName")?;
    // The API's default type is Gateway.
    let kind = inv
        .value("VpcEndpointType")?
        .unwrap_or_else(|| "Gateway".into());
    let subnets = inv.values("SubnetIds")?;
    let groups = inv.values("SecurityGroupIds")?;
    let tables = inv.values("RouteTableIds")?;
    let dns = inv.switch("PrivateDnsEnabled")?;
    let specs = tag_specs(inv)?;
    let w = &cx.world;
    let Some(vpc) = w.vpcs.get(&vpc_id) else {
        return Err(errors::vpc_not_found(op, &vpc_id).into());
    };
    let known = service_name
        .strip_prefix(&format!("com.amazonaws.{}.", w.region))
        .and_then(|s| {
            crate::world::ENDPOINT_SERVICES
                .iter()
                .find(|(n, _)| *n == s)
        });
    let Some(&(service, types)) = known else {
        return Err(errors::endpoint_service_not_found(op, &service_name).into());
    };
    if !types.contains(&kind.as_str()) {
        return Err(errors::endpoint_type_mismatch(op, &kind, types).into());
    }
    let name = name_tag(&specs, "vpc-endpoint", op)?;
    let region = w.region.clone();
    if kind == "Gateway" {
        if subnets.is_some() {
            return Err(errors::gateway_endpoint_subnets(op).into());
        }
        if groups.is_some() {
            return Err(errors::gateway_endpoint_groups(op).into());
        }
        if dns == Some(true) {
            return Err(errors::gateway_endpoint_private_dns(op).into());
        }
        let tables = unique(tables.unwrap_or_default());
        // Gateway endpoints of one service share its AWS-managed prefix list.
        let existing_pl = w
            .vpc_endpoints
            .values()
            .find(|e| e.kind == EndpointKind::Gateway && e.service == service)
            .and_then(|e| e.prefix_list.clone());
        for r in &tables {
            let Some(t) = w.route_tables.get(r) else {
                return Err(errors::route_table_not_found(op, r).into());
            };
            if t.vpc_id != vpc_id {
                return Err(errors::endpoint_route_table_other_vpc(op, r, &vpc_id).into());
            }
            if let Some(pl) = &existing_pl {
                if t.routes
                    .iter()
                    .any(|x| x.dest == RouteDest::PrefixList(pl.clone()))
                {
                    return Err(errors::endpoint_route_exists(op, r, pl).into());
                }
            }
        }
        let id = cx.world.rng.ec2_id("vpce");
        let pl = match existing_pl {
            Some(pl) => pl,
            None => format!("pl-{}", cx.world.rng.hex(8)),
        };
        for r in &tables {
            if let Some(t) = cx.world.route_tables.get_mut(r) {
                t.routes.push(Route {
                    dest: RouteDest::PrefixList(pl.clone()),
                    target: RouteTarget::GatewayEndpoint(id.clone()),
                    origin: "CreateRoute",
                });
            }
        }
        let created = cx.now;
        cx.world.vpc_endpoints.insert(
            id.clone(),
            VpcEndpoint {
                id: id.clone(),
                name: name.clone().unwrap_or_default(),
                vpc_id,
                service: service.to_string(),
                kind: EndpointKind::Gateway,
                subnet_ids: vec![],
                security_group_ids: vec![],
                route_table_ids: tables,
                private_dns: false,
                eni_ids: vec![],
                prefix_list: Some(pl.clone()),
                created,
            },
        );
        if let Some(n) = name {
            let names = &mut cx.world.names;
            names
                .entry(format!("vpce:{n}"))
                .or_insert_with(|| id.clone());
            names.entry(format!("pl:{n}")).or_insert(pl);
        }
        let ep = described(
            cx,
            "describe-vpc-endpoints",
            ("VpcEndpointIds", &id),
            "VpcEndpoints",
        );
        return Ok(json!({ "VpcEndpoint": ep }));
    }

    // Interface endpoints: one interface in each subnet, private DNS on by default.
    if tables.is_some() {
        return Err(errors::interface_endpoint_route_tables(op).into());
    }
    let subnets = unique(subnets.unwrap_or_default());
    if subnets.is_empty() {
        return Err(errors::interface_endpoint_no_subnets(op).into());
    }
    let mut zones: BTreeSet<&str> = BTreeSet::new();
    for s in &subnets {
        let Some(sub) = w.subnets.get(s) else {
            return Err(errors::subnet_not_found(op, s).into());
        };
        if sub.vpc_id != vpc_id {
            return Err(errors::endpoint_subnet_other_vpc(op, s, &vpc_id).into());
        }
        if !zones.insert(sub.az.as_str()) {
            return Err(errors::endpoint_subnets_same_zone(op, s).into());
        }
        if w.available_ips(s) == 0 {
            return Err(errors::subnet_addresses_exhausted(op, s).into());
        }
    }
    // Without groups AWS uses the VPC's default group, which admits only its
    // own members; the world has no default group, and no groups admit the same.
    let groups = unique(groups.unwrap_or_default());
    if let Some(g) = groups.iter().find(|g| !w.security_groups.contains_key(*g)) {
        return Err(errors::group_not_found(op, g).into());
    }
    let private_dns = dns.unwrap_or(true);
    if private_dns {
        if !(vpc.dns_support && vpc.dns_hostnames) {
            return Err(errors::private_dns_needs_vpc_dns(op, &vpc_id).into());
        }
        let conflict = w.vpc_endpoints.values().any(|e| {
            e.vpc_id == vpc_id
                && e.kind == EndpointKind::Interface
                && e.service == service
                && e.private_dns
        });
        if conflict {
            let domain = private_dns_domain(service, &region);
            return Err(errors::private_dns_conflict(op, &domain, &vpc_id).into());
        }
    }
    let id = cx.world.rng.ec2_id("vpce");
    let mut enis = Vec::new();
    for s in &subnets {
        // Checked above: every subnet has a free address.
        if let Some(eni) = cx.world.create_eni(
            s,
            EniOwner::Endpoint(id.clone()),
            format!("VPC Endpoint Interface {id}"),
            "vpc_endpoint",
            groups.clone(),
        ) {
            enis.push(eni);
        }
    }
    let created = cx.now;
    cx.world.vpc_endpoints.insert(
        id.clone(),
        VpcEndpoint {
            id: id.clone(),
            name: name.clone().unwrap_or_default(),
            vpc_id,
            service: service.to_string(),
            kind: EndpointKind::Interface,
            subnet_ids: subnets,
            security_group_ids: groups,
            route_table_ids: vec![],
            private_dns,
            eni_ids: enis,
            prefix_list: None,
            created,
        },
    );
    if let Some(n) = name {
        cx.world
            .names
            .entry(format!("vpce:{n}"))
            .or_insert_with(|| id.clone());
    }
    let mut ep = described(
        cx,
        "describe-vpc-endpoints",
        ("VpcEndpointIds", &id),
        "VpcEndpoints",
    );
    // [V] a new interface endpoint is pending in the response (aws-cli example);
    // the simulated one works at once.
    if let Some(o) = ep.as_object_mut() {
        o.insert("State".into(), json!("pending"));
    }
    Ok(json!({ "VpcEndpoint": ep }))
}
