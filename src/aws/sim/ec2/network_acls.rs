//! `describe-network-acls`: each ACL's entries (outbound first, then
//! inbound, each in rule-number order, as EC2 lists them) and its subnet
//! associations. Shapes: botocore's `NetworkAcl`, `NetworkAclEntry` and
//! `NetworkAclAssociation`, members in the model's order.

use super::super::{CommandError, Input};
use super::request::{flag_str, one, request, tag_filter, NACL_IDS};
use super::shapes::{compact, tags};
use super::NACL_FILTERS;
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::world::{NaclEntry, NetworkAcl};
use serde_json::{json, Value};

/// The entries in EC2's order: outbound, then inbound, by rule number.
fn ordered(acl: &NetworkAcl) -> Vec<&NaclEntry> {
    let mut v: Vec<&NaclEntry> = acl.entries.iter().collect();
    v.sort_by_key(|e| (!e.egress, e.rule_number));
    v
}

/// One entry as the API shows it.
fn entry_json(e: &NaclEntry) -> Value {
    compact(json!({
        "CidrBlock": e.cidr.to_string(),
        "Egress": e.egress,
        "PortRange": e.port_range.map(|(from, to)| json!({"From": from, "To": to})),
        "Protocol": e.protocol,
        "RuleAction": e.action.as_str(),
        "RuleNumber": e.rule_number,
    }))
}

pub(super) fn describe_network_acls(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeNetworkAcls";
    let w = ctx.world;
    let req = request(
        inv,
        api,
        Some(("NetworkAclIds", &NACL_IDS)),
        "Filters",
        NACL_FILTERS,
        errors::filter_invalid,
    )?;
    let mut out = Vec::new();
    for acl in req.select(&w.network_acls, &NACL_IDS, api)? {
        let name = acl.name.clone().unwrap_or_default();
        let entries = ordered(acl);
        let keep = req.keeps(|f| {
            if let Some(t) = tag_filter(f, &name) {
                return t;
            }
            let from_entries = |pick: fn(&NaclEntry) -> Option<String>| -> Vec<String> {
                entries.iter().filter_map(|e| pick(e)).collect()
            };
            match f {
                "association.association-id" => {
                    acl.associations.iter().map(|(a, _)| a.clone()).collect()
                }
                "association.network-acl-id" if !acl.associations.is_empty() => {
                    one(acl.id.as_str())
                }
                "association.subnet-id" => {
                    acl.associations.iter().map(|(_, s)| s.clone()).collect()
                }
                "default" => one(flag_str(acl.is_default)),
                "entry.cidr" => from_entries(|e| Some(e.cidr.to_string())),
                "entry.egress" => from_entries(|e| Some(flag_str(e.egress))),
                "entry.port-range.from" => from_entries(|e| e.port_range.map(|p| p.0.to_string())),
                "entry.port-range.to" => from_entries(|e| e.port_range.map(|p| p.1.to_string())),
                "entry.protocol" => from_entries(|e| Some(e.protocol.clone())),
                "entry.rule-action" => from_entries(|e| Some(e.action.as_str().to_string())),
                "entry.rule-number" => from_entries(|e| Some(e.rule_number.to_string())),
                "network-acl-id" => one(acl.id.as_str()),
                "owner-id" => one(w.account.as_str()),
                "vpc-id" => one(acl.vpc_id.as_str()),
                _ => Vec::new(),
            }
        });
        if !keep {
            continue;
        }
        let associations: Vec<Value> = acl
            .associations
            .iter()
            .map(|(a, s)| {
                json!({"NetworkAclAssociationId": a, "NetworkAclId": acl.id, "SubnetId": s})
            })
            .collect();
        out.push(json!({
            "Associations": associations,
            "Entries": entries.into_iter().map(entry_json).collect::<Vec<_>>(),
            "IsDefault": acl.is_default,
            "NetworkAclId": acl.id,
            "Tags": tags(&name),
            "VpcId": acl.vpc_id,
            "OwnerId": w.account,
        }));
    }
    Ok(json!({ "NetworkAcls": out }))
}

#[cfg(test)]
mod tests {
    use crate::aws::sim::testkit::{aws_err, call, instance};
    use serde_json::json;

    #[test]
    fn every_subnet_is_associated_with_the_default_acl_in_the_models_shape() {
        let inst = instance("nat-route-missing.yaml", 1);
        let w = inst.sim.world();
        let v = call(&inst, "ec2 describe-network-acls").unwrap();
        let acls = v["NetworkAcls"].as_array().unwrap();
        assert_eq!(acls.len(), 1);
        let acl = &acls[0];
        let keys: Vec<&str> = acl
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "Associations",
                "Entries",
                "IsDefault",
                "NetworkAclId",
                "Tags",
                "VpcId",
                "OwnerId"
            ]
        );
        assert_eq!(acl["IsDefault"], true);
        assert_eq!(acl["OwnerId"], json!(w.account));
        assert_eq!(
            acl["Associations"].as_array().unwrap().len(),
            w.subnets.len()
        );
        let id = acl["NetworkAclId"].as_str().unwrap();
        assert_eq!(
            acl["Associations"][0]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["NetworkAclAssociationId", "NetworkAclId", "SubnetId"]
        );
        assert!(acl["Associations"][0]["NetworkAclAssociationId"]
            .as_str()
            .unwrap()
            .starts_with("aclassoc-0"));
        // Outbound first, then inbound; each by rule number; * last.
        assert_eq!(
            acl["Entries"],
            json!([
                {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
                {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
                {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
                {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}
            ])
        );
        // Filters.
        let subnet = inst.resolve("${subnet:private-a}").unwrap();
        let by = |f: &str| {
            call(&inst, &format!("ec2 describe-network-acls --filters {f}")).unwrap()["NetworkAcls"]
                .as_array()
                .unwrap()
                .len()
        };
        assert_eq!(
            by(&format!("Name=association.subnet-id,Values={subnet}")),
            1
        );
        assert_eq!(
            by("Name=association.subnet-id,Values=subnet-0000000000000000f"),
            0
        );
        assert_eq!(by("Name=default,Values=true"), 1);
        assert_eq!(by("Name=entry.rule-action,Values=deny"), 1);
        assert_eq!(
            by(&format!(
                "Name=vpc-id,Values={}",
                inst.resolve("${vpc}").unwrap()
            )),
            1
        );
        let e = aws_err(call(
            &inst,
            "ec2 describe-network-acls --filters Name=nonsense,Values=x",
        ));
        assert_eq!(e.code, "InvalidParameterValue");
        let e = aws_err(call(
            &inst,
            "ec2 describe-network-acls --network-acl-ids acl-0123456789abcdef0",
        ));
        assert_eq!(
            e.to_string(),
            "An error occurred (InvalidNetworkAclID.NotFound) when calling the DescribeNetworkAcls operation: The networkAcl ID 'acl-0123456789abcdef0' does not exist"
        );
        let one = call(
            &inst,
            &format!("ec2 describe-network-acls --network-acl-ids {id}"),
        )
        .unwrap();
        assert_eq!(one["NetworkAcls"][0]["NetworkAclId"], json!(id));
    }
}
