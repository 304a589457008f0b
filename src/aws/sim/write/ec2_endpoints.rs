//! EC2 VPC endpoints: CreateVpcEndpoint, Gateway (routes to the service's
//! prefix list) and Interface (a network interface in each subnet, private
//! DNS).

use super::super::{CommandError, Input};
use super::ec2::{described, name_tag, tag_specs};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::{
    EndpointKind, EniOwner, Route, RouteDest, RouteTarget, Vpc, VpcEndpoint, World,
    ENDPOINT_SERVICES,
};
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

const OP: &str = "CreateVpcEndpoint";

/// A CreateVpcEndpoint request, as given.
struct EndpointRequest {
    vpc_id: String,
    service_name: String,
    /// `Gateway` (the API's default) or `Interface`.
    kind: String,
    subnets: Option<Vec<String>>,
    groups: Option<Vec<String>>,
    tables: Option<Vec<String>>,
    private_dns: Option<bool>,
    specs: Vec<Value>,
}

impl EndpointRequest {
    fn read(inv: &Input) -> Result<EndpointRequest, CommandError> {
        Ok(EndpointRequest {
            vpc_id: inv.required("VpcId")?,
            service_name: inv.required("ServiceName")?,
            // The API's default type is Gateway.
            kind: inv
                .value("VpcEndpointType")?
                .unwrap_or_else(|| "Gateway".into()),
            subnets: inv.values("SubnetIds")?,
            groups: inv.values("SecurityGroupIds")?,
            tables: inv.values("RouteTableIds")?,
            private_dns: inv.switch("PrivateDnsEnabled")?,
            specs: tag_specs(inv)?,
        })
    }
}

/// What a Gateway endpoint will change: the route tables to route through
/// it, and the service's prefix list if another gateway endpoint has one.
struct GatewayPlan {
    tables: Vec<String>,
    existing_prefix_list: Option<String>,
}

/// What an Interface endpoint will change: an interface in each subnet.
struct InterfacePlan {
    subnets: Vec<String>,
    groups: Vec<String>,
    private_dns: bool,
}

pub(super) fn create_vpc_endpoint(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let req = EndpointRequest::read(inv)?;
    // Everything is checked before the world changes.
    let w: &World = cx.world;
    let (vpc, service) = offered_service(w, &req)?;
    let name = name_tag(&req.specs, "vpc-endpoint", OP)?;
    if req.kind == "Gateway" {
        let plan = check_gateway(w, &req, service)?;
        Ok(create_gateway(cx, req.vpc_id, service, name, plan))
    } else {
        let plan = check_interface(w, &req, vpc, service)?;
        Ok(create_interface(cx, req.vpc_id, service, name, plan))
    }
}

/// The VPC, and the service (`s3`) the endpoint's service name offers in
/// the region with the type asked for.
fn offered_service<'w>(
    w: &'w World,
    req: &EndpointRequest,
) -> Result<(&'w Vpc, &'static str), CommandError> {
    let Some(vpc) = w.vpcs.get(&req.vpc_id) else {
        return Err(errors::vpc_not_found(OP, &req.vpc_id).into());
    };
    let known = req
        .service_name
        .strip_prefix(&format!("com.amazonaws.{}.", w.region))
        .and_then(|s| ENDPOINT_SERVICES.iter().find(|(n, _)| *n == s));
    let Some(&(service, types)) = known else {
        return Err(errors::endpoint_service_not_found(OP, &req.service_name).into());
    };
    if !types.contains(&req.kind.as_str()) {
        return Err(errors::endpoint_type_mismatch(OP, &req.kind, types).into());
    }
    Ok((vpc, service))
}

/// Checks a Gateway endpoint: no Interface members, route tables of the VPC
/// not yet routing the service's prefix list.
fn check_gateway(
    w: &World,
    req: &EndpointRequest,
    service: &str,
) -> Result<GatewayPlan, CommandError> {
    if req.subnets.is_some() {
        return Err(errors::gateway_endpoint_subnets(OP).into());
    }
    if req.groups.is_some() {
        return Err(errors::gateway_endpoint_groups(OP).into());
    }
    if req.private_dns == Some(true) {
        return Err(errors::gateway_endpoint_private_dns(OP).into());
    }
    let tables = unique(req.tables.clone().unwrap_or_default());
    // Gateway endpoints of one service share its AWS-managed prefix list.
    let existing_prefix_list = w
        .vpc_endpoints
        .values()
        .find(|e| e.kind == EndpointKind::Gateway && e.service == service)
        .and_then(|e| e.prefix_list.clone());
    for r in &tables {
        let Some(t) = w.route_tables.get(r) else {
            return Err(errors::route_table_not_found(OP, r).into());
        };
        if t.vpc_id != req.vpc_id {
            return Err(errors::endpoint_route_table_other_vpc(OP, r, &req.vpc_id).into());
        }
        if let Some(pl) = &existing_prefix_list {
            if t.routes
                .iter()
                .any(|x| x.dest == RouteDest::PrefixList(pl.clone()))
            {
                return Err(errors::endpoint_route_exists(OP, r, pl).into());
            }
        }
    }
    Ok(GatewayPlan {
        tables,
        existing_prefix_list,
    })
}

/// Checks an Interface endpoint: subnets of the VPC, one a zone, each with a
/// free address; groups that exist; private DNS (on by default) the VPC can
/// resolve and no other endpoint of the service already claims.
fn check_interface(
    w: &World,
    req: &EndpointRequest,
    vpc: &Vpc,
    service: &str,
) -> Result<InterfacePlan, CommandError> {
    if req.tables.is_some() {
        return Err(errors::interface_endpoint_route_tables(OP).into());
    }
    let subnets = unique(req.subnets.clone().unwrap_or_default());
    if subnets.is_empty() {
        return Err(errors::interface_endpoint_no_subnets(OP).into());
    }
    let mut zones: BTreeSet<&str> = BTreeSet::new();
    for s in &subnets {
        let Some(sub) = w.subnets.get(s) else {
            return Err(errors::subnet_not_found(OP, s).into());
        };
        if sub.vpc_id != req.vpc_id {
            return Err(errors::endpoint_subnet_other_vpc(OP, s, &req.vpc_id).into());
        }
        if !zones.insert(sub.az.as_str()) {
            return Err(errors::endpoint_subnets_same_zone(OP, s).into());
        }
        if w.available_ips(s) == 0 {
            return Err(errors::subnet_addresses_exhausted(OP, s).into());
        }
    }
    // Without groups AWS uses the VPC's default group, which admits only its
    // own members; the world has no default group, and no groups admit the same.
    let groups = unique(req.groups.clone().unwrap_or_default());
    if let Some(g) = groups.iter().find(|g| !w.security_groups.contains_key(*g)) {
        return Err(errors::group_not_found(OP, g).into());
    }
    let private_dns = req.private_dns.unwrap_or(true);
    if private_dns {
        if !(vpc.dns_support && vpc.dns_hostnames) {
            return Err(errors::private_dns_needs_vpc_dns(OP, &req.vpc_id).into());
        }
        let conflict = w.vpc_endpoints.values().any(|e| {
            e.vpc_id == req.vpc_id
                && e.kind == EndpointKind::Interface
                && e.service == service
                && e.private_dns
        });
        if conflict {
            let domain = private_dns_domain(service, &w.region);
            return Err(errors::private_dns_conflict(OP, &domain, &req.vpc_id).into());
        }
    }
    Ok(InterfacePlan {
        subnets,
        groups,
        private_dns,
    })
}

/// Creates a checked Gateway endpoint: its id, the prefix list (the
/// service's, or a new one), a route to it in each table.
fn create_gateway(
    cx: &mut Change,
    vpc_id: String,
    service: &str,
    name: Option<String>,
    plan: GatewayPlan,
) -> Value {
    let id = cx.world.rng.ec2_id("vpce");
    let pl = match plan.existing_prefix_list {
        Some(pl) => pl,
        None => format!("pl-{}", cx.world.rng.hex(8)),
    };
    for r in &plan.tables {
        if let Some(t) = cx.world.route_tables.get_mut(r) {
            t.routes.push(Route {
                dest: RouteDest::PrefixList(pl.clone()),
                target: RouteTarget::GatewayEndpoint(id.clone()),
                origin: "CreateRoute",
            });
        }
    }
    let endpoint = VpcEndpoint {
        id: id.clone(),
        name: name.clone().unwrap_or_default(),
        vpc_id,
        service: service.to_string(),
        kind: EndpointKind::Gateway,
        subnet_ids: vec![],
        security_group_ids: vec![],
        route_table_ids: plan.tables,
        private_dns: false,
        eni_ids: vec![],
        prefix_list: Some(pl),
        created: cx.now,
    };
    let ep = record(cx, endpoint, name);
    json!({ "VpcEndpoint": ep })
}

/// Creates a checked Interface endpoint: its id and an interface in each subnet.
fn create_interface(
    cx: &mut Change,
    vpc_id: String,
    service: &str,
    name: Option<String>,
    plan: InterfacePlan,
) -> Value {
    let id = cx.world.rng.ec2_id("vpce");
    let mut enis = Vec::new();
    for s in &plan.subnets {
        // Checked above: every subnet has a free address.
        if let Some(eni) = cx.world.create_eni(
            s,
            EniOwner::Endpoint(id.clone()),
            format!("VPC Endpoint Interface {id}"),
            "vpc_endpoint",
            plan.groups.clone(),
        ) {
            enis.push(eni);
        }
    }
    let endpoint = VpcEndpoint {
        id: id.clone(),
        name: name.clone().unwrap_or_default(),
        vpc_id,
        service: service.to_string(),
        kind: EndpointKind::Interface,
        subnet_ids: plan.subnets,
        security_group_ids: plan.groups,
        route_table_ids: vec![],
        private_dns: plan.private_dns,
        eni_ids: enis,
        prefix_list: None,
        created: cx.now,
    };
    let mut ep = record(cx, endpoint, name);
    // [V] a new interface endpoint is pending in the response (aws-cli example);
    // the simulated one works at once.
    if let Some(o) = ep.as_object_mut() {
        o.insert("State".into(), json!("pending"));
    }
    json!({ "VpcEndpoint": ep })
}

/// Adds an endpoint to the world under its Name tag (and its prefix list's,
/// for a gateway), and returns it as describe-vpc-endpoints shows it.
fn record(cx: &mut Change, endpoint: VpcEndpoint, name: Option<String>) -> Value {
    let id = endpoint.id.clone();
    let prefix_list = endpoint.prefix_list.clone();
    cx.world.vpc_endpoints.insert(id.clone(), endpoint);
    if let Some(n) = name {
        let names = &mut cx.world.names;
        names
            .entry(format!("vpce:{n}"))
            .or_insert_with(|| id.clone());
        if let Some(pl) = prefix_list {
            names.entry(format!("pl:{n}")).or_insert(pl);
        }
    }
    described(
        cx,
        "describe-vpc-endpoints",
        ("VpcEndpointIds", &id),
        "VpcEndpoints",
    )
}
