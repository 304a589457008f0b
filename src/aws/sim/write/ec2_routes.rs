//! EC2 routes and route table associations: CreateRoute, ReplaceRoute,
//! DeleteRoute, AssociateRouteTable, ReplaceRouteTableAssociation,
//! DisassociateRouteTable.

use super::super::{CommandError, Input};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::{Association, Cidr, Route, RouteDest, RouteTarget, World};
use serde_json::{json, Value};

pub(super) enum RouteOp {
    Create,
    Replace,
    Delete,
}

pub(super) fn route(cx: &mut Change, inv: &Input, op: RouteOp) -> Result<Value, CommandError> {
    let opname = match op {
        RouteOp::Create => "CreateRoute",
        RouteOp::Replace => "ReplaceRoute",
        RouteOp::Delete => "DeleteRoute",
    };
    let rtb = inv.required("RouteTableId")?;
    let dest = inv.required("DestinationCidrBlock")?;
    let target = match op {
        RouteOp::Delete => None,
        _ => {
            let nat = inv.value("NatGatewayId")?;
            let igw = inv.value("GatewayId")?;
            let vpce = inv.value("VpcEndpointId")?;
            let w = &cx.world;
            Some(match (nat, igw, vpce) {
                (Some(n), None, None) => {
                    if !w.nat_gateways.contains_key(&n) {
                        return Err(errors::route_nat_gateway_not_found(opname, &n).into());
                    }
                    RouteTarget::NatGateway(n)
                }
                (None, Some(g), None) => {
                    if !w.internet_gateways.contains_key(&g) {
                        return Err(errors::route_gateway_not_found(opname, &g).into());
                    }
                    RouteTarget::InternetGateway(g)
                }
                (None, None, Some(e)) => RouteTarget::GatewayEndpoint(e),
                (None, None, None) => return Err(errors::route_target_missing(opname).into()),
                _ => return Err(errors::route_targets_several(opname).into()),
            })
        }
    };
    let cidr: Cidr = dest
        .parse()
        .map_err(|_| errors::route_destination_invalid(opname, &dest))?;
    let Some(table) = cx.world.route_tables.get_mut(&rtb) else {
        return Err(errors::route_table_not_found(opname, &rtb).into());
    };
    let pos = table
        .routes
        .iter()
        .position(|r| r.dest == RouteDest::Cidr(cidr));
    match op {
        RouteOp::Create => {
            if pos.is_some() {
                return Err(errors::route_already_exists(opname, cidr).into());
            }
            if table.routes.len() >= crate::limits::MAX_ROUTES {
                return Err(
                    errors::route_limit_exceeded(opname, &rtb, crate::limits::MAX_ROUTES).into(),
                );
            }
            table.routes.push(Route {
                dest: RouteDest::Cidr(cidr),
                target: target.unwrap_or(RouteTarget::Local),
                origin: "CreateRoute",
            });
            Ok(json!({"Return": true}))
        }
        RouteOp::Replace => {
            let Some(i) = pos else {
                return Err(errors::route_to_replace_not_found(opname, cidr).into());
            };
            table.routes[i] = Route {
                dest: RouteDest::Cidr(cidr),
                target: target.unwrap_or(RouteTarget::Local),
                origin: "ReplaceRoute",
            };
            Ok(json!({}))
        }
        RouteOp::Delete => {
            let Some(i) = pos else {
                return Err(errors::route_to_delete_not_found(opname, cidr, &rtb).into());
            };
            if table.routes[i].target == RouteTarget::Local {
                return Err(errors::local_route_undeletable(opname, cidr, &rtb).into());
            }
            table.routes.remove(i);
            Ok(json!({}))
        }
    }
}

/// The table holding an association, and the association's place in it.
pub(super) fn find_association(world: &World, id: &str) -> Option<(String, usize)> {
    world.route_tables.values().find_map(|t| {
        t.associations
            .iter()
            .position(|a| a.id == id)
            .map(|i| (t.id.clone(), i))
    })
}

pub(super) fn associate_route_table(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "AssociateRouteTable";
    let rtb = inv.required("RouteTableId")?;
    let subnet = inv.required("SubnetId")?;
    let w = &cx.world;
    let Some(table) = w.route_tables.get(&rtb) else {
        return Err(errors::route_table_not_found(op, &rtb).into());
    };
    let Some(s) = w.subnets.get(&subnet) else {
        return Err(errors::subnet_not_found(op, &subnet).into());
    };
    if s.vpc_id != table.vpc_id {
        return Err(errors::route_table_subnet_other_vpc(op, &rtb, &subnet).into());
    }
    let taken = w.route_tables.values().any(|t| {
        t.associations
            .iter()
            .any(|a| a.subnet_id.as_deref() == Some(subnet.as_str()))
    });
    if taken {
        return Err(errors::subnet_already_associated(op, &rtb).into());
    }
    let id = cx.world.rng.ec2_id("rtbassoc");
    if let Some(t) = cx.world.route_tables.get_mut(&rtb) {
        t.associations.push(Association {
            id: id.clone(),
            subnet_id: Some(subnet),
        });
    }
    Ok(json!({"AssociationId": id, "AssociationState": {"State": "associated"}}))
}

pub(super) fn replace_association(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "ReplaceRouteTableAssociation";
    let assoc = inv.required("AssociationId")?;
    let rtb = inv.required("RouteTableId")?;
    let w = &cx.world;
    let Some((old, i)) = find_association(w, &assoc) else {
        return Err(errors::association_not_found(op, &assoc).into());
    };
    let Some(table) = w.route_tables.get(&rtb) else {
        return Err(errors::route_table_not_found(op, &rtb).into());
    };
    let old_vpc = w.route_tables.get(&old).map(|t| t.vpc_id.as_str());
    if old_vpc != Some(table.vpc_id.as_str()) {
        return Err(errors::route_table_association_other_vpc(op, &rtb, &assoc).into());
    }
    let id = cx.world.rng.ec2_id("rtbassoc");
    let Some(previous) = cx.world.route_tables.get_mut(&old) else {
        return Err(errors::association_not_found(op, &assoc).into());
    };
    let a = previous.associations.remove(i);
    let main = a.subnet_id.is_none();
    if main {
        // Replacing the main association makes the new table the VPC's main one.
        previous.main = false;
    }
    if let Some(t) = cx.world.route_tables.get_mut(&rtb) {
        t.main |= main;
        t.associations.push(Association {
            id: id.clone(),
            subnet_id: a.subnet_id,
        });
    }
    Ok(json!({"NewAssociationId": id, "AssociationState": {"State": "associated"}}))
}

pub(super) fn disassociate_route_table(
    cx: &mut Change,
    inv: &Input,
) -> Result<Value, CommandError> {
    let op = "DisassociateRouteTable";
    let assoc = inv.required("AssociationId")?;
    let Some((rtb, i)) = find_association(cx.world, &assoc) else {
        return Err(errors::association_not_found(op, &assoc).into());
    };
    let Some(t) = cx.world.route_tables.get_mut(&rtb) else {
        return Err(errors::association_not_found(op, &assoc).into());
    };
    if t.associations[i].subnet_id.is_none() {
        return Err(errors::main_association_undisassociable(op, &assoc).into());
    }
    t.associations.remove(i);
    Ok(json!({}))
}
