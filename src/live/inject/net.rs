//! Network changes: a route created (a player's fix), and another
//! workload's addresses taken by network interfaces tagged with the run.

use super::state::route_target;
use super::{Injector, LiveFailure};
use crate::aws::{ArgError, CommandError};
use crate::live::guard::Target;
use crate::live::journal::Undo;
use crate::live::sdk_error;
use crate::live::stack::{RUN_TAG, SANDBOX_TAG};
use aws_sdk_ec2::error::ProvideErrorMetadata as _;
use serde_json::{json, Value};

/// The most interfaces one `occupy_ips` step creates (the sandbox's /24s
/// hold 251 addresses; the /28, 11).
pub const MAX_OCCUPY: i32 = 256;

impl Injector<'_> {
    /// `ec2 create-route` (undo: delete it, or put back the route it replaced).
    pub(super) fn create_route(
        &mut self,
        note: &str,
        table: &str,
        cidr: &str,
        (member, id): &(String, String),
    ) -> Result<Value, LiveFailure> {
        let c = self.live.clients.clone();
        let target = Target::RouteTable(table.to_string());
        self.guard.check(note, &target)?;
        let live = self.live;
        let undo = || {
            Ok(match live.block_on(route_target(live, table, cidr))? {
                Some(was) => Undo::CreateRoute {
                    route_table_id: table.to_string(),
                    destination_cidr_block: cidr.to_string(),
                    target: was,
                },
                None => Undo::DeleteRoute {
                    route_table_id: table.to_string(),
                    destination_cidr_block: cidr.to_string(),
                },
            })
        };
        let send = async {
            let b = c
                .ec2
                .create_route()
                .route_table_id(table)
                .destination_cidr_block(cidr);
            let b = match member.as_str() {
                "NatGatewayId" => b.nat_gateway_id(id),
                "GatewayId" => b.gateway_id(id),
                "TransitGatewayId" => b.transit_gateway_id(id),
                "NetworkInterfaceId" => b.network_interface_id(id),
                "VpcPeeringConnectionId" => b.vpc_peering_connection_id(id),
                "InstanceId" => b.instance_id(id),
                "EgressOnlyInternetGatewayId" => b.egress_only_internet_gateway_id(id),
                other => {
                    return Err(CommandError::from(ArgError(format!(
                        "create-route: {other} is not a route target"
                    ))))
                }
            };
            b.send()
                .await
                .map(|o| json!({"Return": o.r#return.unwrap_or(true)}))
                .map_err(|e| sdk_error("CreateRoute", e))
        };
        self.mutate(note, &target, undo, send)
    }

    /// Network interfaces created in `subnet` until `leave` addresses are
    /// free: one journal step (undo: delete the run's interfaces in the
    /// subnet), then one CreateNetworkInterface per address, each tagged with
    /// the sandbox and the run from birth.
    pub(super) fn occupy(
        &mut self,
        note: &str,
        subnet: &str,
        leave: u32,
        description: &str,
    ) -> Result<Value, LiveFailure> {
        let c = self.live.clients.clone();
        let target = Target::Subnet(subnet.to_string());
        self.guard.check(note, &target)?;
        let free = self
            .live
            .block_on(c.ec2.describe_subnets().subnet_ids(subnet).send())
            .map_err(|e| sdk_error("DescribeSubnets", e))?
            .subnets
            .unwrap_or_default()
            .into_iter()
            .next()
            .and_then(|s| s.available_ip_address_count)
            .unwrap_or(0);
        let n = free - i32::try_from(leave).unwrap_or(i32::MAX);
        if n <= 0 {
            return Ok(json!({"NetworkInterfaces": []}));
        }
        if n > MAX_OCCUPY {
            return Err(ArgError(format!(
                "taking {n} addresses in {subnet} is more than live mode creates in one step ({MAX_OCCUPY})"
            ))
            .into());
        }
        let undo = Undo::DeleteRunEnis {
            subnet_id: subnet.to_string(),
            run: self.run.clone(),
        };
        let stack = self.guard.policy().stack.clone();
        let run = self.run.clone();
        let send = async {
            use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
            let mut ids = Vec::new();
            for k in 0..n {
                let tags = TagSpecification::builder()
                    .resource_type(ResourceType::NetworkInterface)
                    .tags(Tag::builder().key(SANDBOX_TAG).value(&stack).build())
                    .tags(Tag::builder().key(RUN_TAG).value(&run).build())
                    .build();
                let sent = c
                    .ec2
                    .create_network_interface()
                    .subnet_id(subnet)
                    .description(description.replace("${uuid}", &uuid(&run, k)))
                    .tag_specifications(tags)
                    .send()
                    .await;
                let o = match sent {
                    // The service's own tasks take addresses too: a subnet
                    // that filled up meanwhile is what this step is for.
                    Err(e) if e.code() == Some("InsufficientFreeAddressesInSubnet") => break,
                    other => other.map_err(|e| sdk_error("CreateNetworkInterface", e))?,
                };
                if let Some(id) = o.network_interface.and_then(|n| n.network_interface_id) {
                    ids.push(Value::String(id));
                }
            }
            Ok(json!({"NetworkInterfaces": ids}))
        };
        self.mutate(
            &format!("{note} ({n} network interfaces in {subnet})"),
            &target,
            || Ok(undo),
            send,
        )
    }
}

/// A UUID-shaped id, different per run and interface (an ENI description
/// names an attachment; nothing looks it up).
fn uuid(run: &str, k: i32) -> String {
    use std::hash::{Hash, Hasher};
    let h = |salt: u8| {
        let mut s = std::collections::hash_map::DefaultHasher::new();
        (run, k, salt).hash(&mut s);
        s.finish()
    };
    let (a, b) = (h(1), h(2));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_differ_per_interface_and_have_the_shape() {
        let a = super::uuid("r", 0);
        assert_ne!(a, super::uuid("r", 1));
        assert_eq!(a.len(), 36, "{a}");
        assert_eq!(a.matches('-').count(), 4);
    }
}
