//! `describe-route-tables` and the gateways routes point at:
//! `describe-nat-gateways`, `describe-internet-gateways`.

use super::super::{CommandError, Input};
use super::request::{flag_str, one, request, tag_filter, IGW_IDS, NAT_IDS, ROUTE_TABLE_IDS};
use super::shapes::{compact, derived_id, stack_tags, timestamp_seconds};
use super::{IGW_FILTERS, NAT_FILTERS, ROUTE_TABLE_FILTERS};
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::world::{ip_to_string, RouteDest, RouteTable, RouteTarget, World};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// describe-route-tables

/// One route as AWS shows it: destination, target, origin and state.
pub(super) struct RouteView {
    cidr: Option<String>,
    prefix_list: Option<String>,
    gateway: Option<String>,
    nat: Option<String>,
    origin: &'static str,
    state: &'static str,
}

pub(super) fn route_views(w: &World, rt: &RouteTable) -> Vec<RouteView> {
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

pub(super) fn describe_route_tables(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
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
        // The lists are moved in after, not through `json!` (which copies them).
        let mut table = json!({
            "Associations": null,
            "PropagatingVgws": [],
            "RouteTableId": rt.id,
            "Routes": null,
            "Tags": stack_tags(w, &rt.name),
            "VpcId": rt.vpc_id,
            "OwnerId": w.account,
        });
        table["Associations"] = Value::Array(associations);
        table["Routes"] = Value::Array(routes);
        out.push(table);
    }
    let mut m = Map::new();
    m.insert("RouteTables".into(), Value::Array(out));
    Ok(compact(Value::Object(m)))
}

// ---------------------------------------------------------------------------
// describe-nat-gateways

pub(super) fn describe_nat_gateways(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
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
            "Tags": stack_tags(w, &n.name),
            "ConnectivityType": "public",
        }));
    }
    Ok(compact(json!({ "NatGateways": out })))
}

// ---------------------------------------------------------------------------
// describe-internet-gateways

pub(super) fn describe_internet_gateways(
    ctx: &ReadCtx,
    inv: &Input,
) -> Result<Value, CommandError> {
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
            "Tags": stack_tags(w, &g.name),
        }));
    }
    Ok(compact(json!({ "InternetGateways": out })))
}
