//! Network ACL entries: CreateNetworkAclEntry, ReplaceNetworkAclEntry,
//! DeleteNetworkAclEntry. Each answers nothing on success (`{}`), as EC2's
//! return of `true` is not printed by the CLI.

use super::super::{ArgError, CommandError, Input};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::nacl::CATCH_ALL;
use crate::world::{Cidr, NaclAction, NaclEntry};
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum NaclOp {
    Create,
    Replace,
    Delete,
}

/// The direction: `--egress` or `--ingress` (the CLI's two spellings of
/// the Egress member; botocore requires it).
fn egress(inv: &Input) -> Result<bool, CommandError> {
    match (inv.switch("Egress")?, inv.switch("Ingress")?) {
        (Some(e), None) => Ok(e),
        (None, Some(i)) => Ok(!i),
        (Some(e), Some(i)) if e != i => Ok(e),
        (Some(_), Some(_)) => Err(ArgError(
            "aws: error: argument --ingress: not allowed with argument --egress".into(),
        )
        .into()),
        (None, None) => Err(ArgError(
            "Parameter validation failed:\nMissing required parameter in input: \"Egress\"".into(),
        )
        .into()),
    }
}

/// `tcp` -> `6`: EC2 keeps protocol numbers.
fn protocol(op: &str, p: &str) -> Result<String, CommandError> {
    Ok(match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        n if n.parse::<u8>().is_ok() => n.to_string(),
        _ => return Err(errors::nacl_protocol_invalid(op, p).into()),
    })
}

fn port_range(op: &str, inv: &Input) -> Result<Option<(u16, u16)>, CommandError> {
    let Some(v) = inv.structure("PortRange")? else {
        return Ok(None);
    };
    let num = |k: &str| -> Option<i64> {
        match v.get(k) {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
    };
    match (num("From"), num("To")) {
        (Some(a), Some(b)) if (0..=65535).contains(&a) && (0..=65535).contains(&b) && a <= b => {
            Ok(Some((a as u16, b as u16)))
        }
        _ => Err(errors::nacl_port_range_invalid(op).into()),
    }
}

pub(super) fn nacl_entry(cx: &mut Change, inv: &Input, op: NaclOp) -> Result<Value, CommandError> {
    let api = match op {
        NaclOp::Create => "CreateNetworkAclEntry",
        NaclOp::Replace => "ReplaceNetworkAclEntry",
        NaclOp::Delete => "DeleteNetworkAclEntry",
    };
    let id = inv.required("NetworkAclId")?;
    let rule_text = inv.required("RuleNumber")?;
    let rule: i64 = rule_text.trim().parse().map_err(|_| {
        ArgError(format!(
            "invalid literal for int() with base 10: '{rule_text}'"
        ))
    })?;
    let egress = egress(inv)?;
    let entry = if op == NaclOp::Delete {
        None
    } else {
        let proto = protocol(api, &inv.required("Protocol")?)?;
        let action = match inv.required("RuleAction")?.as_str() {
            "allow" => NaclAction::Allow,
            "deny" => NaclAction::Deny,
            other => return Err(errors::nacl_rule_action_invalid(api, other).into()),
        };
        let cidr_text = inv.required("CidrBlock")?;
        let cidr: Cidr = cidr_text
            .parse()
            .map_err(|_| errors::route_destination_invalid(api, &cidr_text))?;
        let ports = port_range(api, inv)?;
        let ports = match proto.as_str() {
            "6" | "17" => Some(ports.ok_or_else(|| errors::nacl_port_range_missing(api))?),
            // Other protocols match every port; a range given is ignored.
            _ => None,
        };
        Some((proto, action, cidr, ports))
    };
    let Some(acl) = cx.world.network_acls.get_mut(&id) else {
        return Err(errors::network_acl_not_found(api, &id).into());
    };
    if rule == CATCH_ALL as i64 {
        return Err(errors::nacl_default_rule(api).into());
    }
    if !(1..CATCH_ALL as i64).contains(&rule) {
        return Err(errors::nacl_rule_number_invalid(api, rule).into());
    }
    let rule = rule as u32;
    let pos = acl
        .entries
        .iter()
        .position(|e| e.egress == egress && e.rule_number == rule);
    match (op, pos) {
        (NaclOp::Create, Some(_)) => return Err(errors::nacl_entry_exists(api, rule).into()),
        (NaclOp::Replace | NaclOp::Delete, None) => {
            return Err(errors::nacl_entry_not_found(api, rule, egress).into())
        }
        _ => {}
    }
    if let Some(p) = pos {
        acl.entries.remove(p);
    }
    if let Some((protocol, action, cidr, port_range)) = entry {
        acl.entries.push(NaclEntry {
            rule_number: rule,
            egress,
            protocol,
            action,
            cidr,
            port_range,
        });
    }
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use crate::aws::sim::testkit::{call, instance};
    use crate::aws::CommandError;
    use crate::awscli::command::write;
    use serde_json::json;

    fn entries(inst: &crate::scenario::Instance) -> serde_json::Value {
        call(inst, "ec2 describe-network-acls").unwrap()["NetworkAcls"][0]["Entries"].clone()
    }

    fn err(
        r: Result<(crate::awscli::command::Command, serde_json::Value), CommandError>,
    ) -> String {
        match r {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn entries_are_created_replaced_and_deleted_as_ec2_does() {
        let mut inst = instance("nat-route-missing.yaml", 1);
        let acl = inst.resolve("${nacl:default}").unwrap();
        let create = format!("ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 120 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow");
        let (_, v) = write(&mut inst.sim, &create).unwrap();
        assert_eq!(v, json!({}));
        let e = entries(&inst);
        // tcp is kept as its number, and the entry sorts among the inbound rules.
        assert_eq!(
            e[3],
            json!({"CidrBlock": "0.0.0.0/0", "Egress": false, "PortRange": {"From": 1024, "To": 65535}, "Protocol": "6", "RuleAction": "allow", "RuleNumber": 120})
        );
        assert_eq!(
            err(write(&mut inst.sim, &create)),
            "An error occurred (NetworkAclEntryAlreadyExists) when calling the CreateNetworkAclEntry operation: The network acl entry identified by 120 already exists."
        );
        // The same number outbound is another rule.
        write(&mut inst.sim, &create.replace("--ingress", "--egress")).unwrap();
        let replace = format!("ec2 replace-network-acl-entry --network-acl-id {acl} --ingress --rule-number 120 --protocol -1 --cidr-block 10.0.0.0/8 --rule-action deny");
        write(&mut inst.sim, &replace).unwrap();
        assert_eq!(
            entries(&inst)[4],
            json!({"CidrBlock": "10.0.0.0/8", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 120})
        );
        let delete = format!(
            "ec2 delete-network-acl-entry --network-acl-id {acl} --ingress --rule-number 120"
        );
        write(&mut inst.sim, &delete).unwrap();
        assert_eq!(entries(&inst).as_array().unwrap().len(), 5);
        assert!(err(write(&mut inst.sim, &delete)).contains("(InvalidNetworkAclEntry.NotFound)"));
        // Refusals change nothing.
        let before = entries(&inst);
        for (line, code) in [
            (format!("ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 130 --protocol tcp --cidr-block 0.0.0.0/0 --rule-action allow"), "MissingParameter"),
            (format!("ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 40000 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action allow"), "InvalidParameterValue"),
            (format!("ec2 replace-network-acl-entry --network-acl-id {acl} --ingress --rule-number 32767 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action allow"), "InvalidParameterValue"),
            (format!("ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 130 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action permit"), "InvalidParameterValue"),
            ("ec2 create-network-acl-entry --network-acl-id acl-0123456789abcdef0 --ingress --rule-number 130 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action allow".to_string(), "InvalidNetworkAclID.NotFound"),
        ] {
            let e = err(write(&mut inst.sim, &line));
            assert!(e.contains(&format!("({code})")), "{line}: {e}");
        }
        assert_eq!(entries(&inst), before);
        // The direction is required, as botocore requires Egress.
        let e = err(write(
            &mut inst.sim,
            &format!("ec2 delete-network-acl-entry --network-acl-id {acl} --rule-number 100"),
        ));
        assert!(
            e.contains("Missing required parameter in input: \"Egress\""),
            "{e}"
        );
    }
}
