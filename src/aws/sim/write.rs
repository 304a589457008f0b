//! Mutating AWS operations, applied to the simulated world with AWS's own
//! validation and error texts. Used by the scenario timeline and, later, by
//! the player's `fix` commands.
//!
//! Error texts are AWS's own, from the catalogue in [`crate::aws::errors`].

use super::{ArgError, AwsError, CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, Flag, FlagKind, Op, WriteOp};
use crate::aws::errors::{self, Validation};
use crate::engine::{taskdef, Change};
use crate::world::{
    parse_ip, short_name, Association, Cidr, EndpointKind, EniOwner, KeyValue, LogGroup,
    PolicyDocument, Route, RouteDest, RouteTarget, SgRule, Subnet, TaskDefinition,
    TaskDefinitionInput, VpcEndpoint, World,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

const fn f(name: &'static str, kind: FlagKind, help: &'static str, complete: Complete) -> Flag {
    flag(name, kind, help, complete)
}
const fn req(name: &'static str, kind: FlagKind, help: &'static str, complete: Complete) -> Flag {
    required(name, kind, help, complete)
}
use Complete as C;
use FlagKind as K;

const ROUTE_TARGETS: &[Flag] = &[
    req("route-table-id", K::Str, "the route table", C::RouteTable),
    req(
        "destination-cidr-block",
        K::Str,
        "the destination, e.g. 0.0.0.0/0",
        C::Nothing,
    ),
    f(
        "nat-gateway-id",
        K::Str,
        "target: a NAT gateway",
        C::NatGateway,
    ),
    f(
        "gateway-id",
        K::Str,
        "target: an internet gateway",
        C::InternetGateway,
    ),
    f(
        "vpc-endpoint-id",
        K::Str,
        "target: a gateway endpoint",
        C::VpcEndpoint,
    ),
];
const SG_RULE: &[Flag] = &[
    f("group-id", K::Str, "the security group", C::SecurityGroup),
    f(
        "group-name",
        K::Str,
        "the security group, by name (default VPC only)",
        C::Nothing,
    ),
    f(
        "ip-permissions",
        K::Structure,
        "rules: IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.0.0/16}]",
        C::Nothing,
    ),
    f(
        "protocol",
        K::Str,
        "CLI shorthand: tcp, udp, icmp, all or a number",
        C::Choices(&["tcp", "udp", "icmp", "all"]),
    ),
    f(
        "port",
        K::Str,
        "CLI shorthand: a port or range (443, 1024-65535)",
        C::Nothing,
    ),
    f("cidr", K::Str, "CLI shorthand: the CIDR range", C::Nothing),
    f(
        "source-group",
        K::Str,
        "CLI shorthand: the source security group",
        C::SecurityGroup,
    ),
    f(
        "group-owner",
        K::Str,
        "CLI shorthand: the source group's account",
        C::Nothing,
    ),
];
const SG_EGRESS: &[Flag] = &[
    req("group-id", K::Str, "the security group", C::SecurityGroup),
    f(
        "ip-permissions",
        K::Structure,
        "rules: IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]",
        C::Nothing,
    ),
    f(
        "protocol",
        K::Str,
        "CLI shorthand: tcp, udp, icmp, all or a number",
        C::Choices(&["tcp", "udp", "icmp", "all"]),
    ),
    f(
        "port",
        K::Str,
        "CLI shorthand: a port or range (443, 1024-65535)",
        C::Nothing,
    ),
    f("cidr", K::Str, "CLI shorthand: the CIDR range", C::Nothing),
    f(
        "source-group",
        K::Str,
        "CLI shorthand: the destination security group",
        C::SecurityGroup,
    ),
    f(
        "group-owner",
        K::Str,
        "CLI shorthand: that group's account",
        C::Nothing,
    ),
];
const SG_REVOKE_INGRESS: &[Flag] = &[
    f("group-id", K::Str, "the security group", C::SecurityGroup),
    f(
        "group-name",
        K::Str,
        "the security group, by name (default VPC only)",
        C::Nothing,
    ),
    f(
        "ip-permissions",
        K::Structure,
        "the rules to remove, as they were authorized",
        C::Nothing,
    ),
    f(
        "security-group-rule-ids",
        K::List,
        "the rules to remove, by id (sgr-...)",
        C::Nothing,
    ),
    f(
        "protocol",
        K::Str,
        "CLI shorthand: tcp, udp, icmp, all or a number",
        C::Choices(&["tcp", "udp", "icmp", "all"]),
    ),
    f(
        "port",
        K::Str,
        "CLI shorthand: a port or range (443, 1024-65535)",
        C::Nothing,
    ),
    f("cidr", K::Str, "CLI shorthand: the CIDR range", C::Nothing),
    f(
        "source-group",
        K::Str,
        "CLI shorthand: the source security group",
        C::SecurityGroup,
    ),
    f(
        "group-owner",
        K::Str,
        "CLI shorthand: the source group's account",
        C::Nothing,
    ),
];
const SG_REVOKE_EGRESS: &[Flag] = &[
    req("group-id", K::Str, "the security group", C::SecurityGroup),
    f(
        "ip-permissions",
        K::Structure,
        "the rules to remove, as they were authorized",
        C::Nothing,
    ),
    f(
        "security-group-rule-ids",
        K::List,
        "the rules to remove, by id (sgr-...)",
        C::Nothing,
    ),
    f(
        "protocol",
        K::Str,
        "CLI shorthand: tcp, udp, icmp, all or a number",
        C::Choices(&["tcp", "udp", "icmp", "all"]),
    ),
    f(
        "port",
        K::Str,
        "CLI shorthand: a port or range (443, 1024-65535)",
        C::Nothing,
    ),
    f("cidr", K::Str, "CLI shorthand: the CIDR range", C::Nothing),
    f(
        "source-group",
        K::Str,
        "CLI shorthand: the destination security group",
        C::SecurityGroup,
    ),
    f(
        "group-owner",
        K::Str,
        "CLI shorthand: that group's account",
        C::Nothing,
    ),
];
const TAGS: Flag = f(
    "tag-specifications",
    K::Structure,
    "tags of the new resource: ResourceType=...,Tags=[{Key=Name,Value=...}]",
    C::Nothing,
);
const CLUSTER: Flag = f(
    "cluster",
    K::Str,
    "cluster name or ARN (default: the cluster named default)",
    C::Cluster,
);
const ROLE: Flag = req("role-name", K::Str, "the role", C::Role);
const LOG_GROUP: Flag = req("log-group-name", K::Str, "the log group", C::LogGroup);

macro_rules! op {
    ($service:literal, $name:literal, $api:literal, $summary:literal, $flags:expr, $run:expr) => {
        Op {
            service: $service,
            name: $name,
            api: $api,
            summary: $summary,
            flags: $flags,
            positional: None,
            run: $run,
        }
    };
}

/// The mutating operations, each with its flags. Fixes and scenario timelines use them.
pub const OPS: &[WriteOp] = &[
    op!(
        "ec2",
        "create-route",
        "CreateRoute",
        "Adds a route to a route table",
        ROUTE_TARGETS,
        |s, i| route(s, i, RouteOp::Create)
    ),
    op!(
        "ec2",
        "replace-route",
        "ReplaceRoute",
        "Replaces the target of a route",
        ROUTE_TARGETS,
        |s, i| route(s, i, RouteOp::Replace)
    ),
    op!(
        "ec2",
        "delete-route",
        "DeleteRoute",
        "Deletes a route from a route table",
        &[
            req("route-table-id", K::Str, "the route table", C::RouteTable),
            req(
                "destination-cidr-block",
                K::Str,
                "the route's destination",
                C::Nothing
            ),
        ],
        |s, i| route(s, i, RouteOp::Delete)
    ),
    op!(
        "ec2",
        "delete-network-interface",
        "DeleteNetworkInterface",
        "Deletes a detached network interface",
        &[req(
            "network-interface-id",
            K::Str,
            "the network interface",
            C::NetworkInterface
        ),],
        delete_eni
    ),
    op!(
        "ec2",
        "create-subnet",
        "CreateSubnet",
        "Creates a subnet in a VPC",
        &[
            req("vpc-id", K::Str, "the VPC", C::Vpc),
            req(
                "cidr-block",
                K::Str,
                "the subnet's IPv4 range, inside the VPC's",
                C::Nothing
            ),
            f(
                "availability-zone",
                K::Str,
                "the Availability Zone (e.g. us-east-1a)",
                C::Nothing
            ),
            f(
                "availability-zone-id",
                K::Str,
                "the Availability Zone, by id (e.g. use1-az1)",
                C::Nothing
            ),
            TAGS,
        ],
        create_subnet
    ),
    op!(
        "ec2",
        "modify-subnet-attribute",
        "ModifySubnetAttribute",
        "Changes a subnet attribute (public IPs on launch)",
        &[
            req("subnet-id", K::Str, "the subnet", C::Subnet),
            f(
                "map-public-ip-on-launch",
                K::Bool,
                "give instances and tasks public IPs by default (--no-... to stop)",
                C::Nothing
            ),
        ],
        modify_subnet_attribute
    ),
    op!(
        "ec2",
        "associate-route-table",
        "AssociateRouteTable",
        "Associates a subnet with a route table",
        &[
            req("route-table-id", K::Str, "the route table", C::RouteTable),
            req("subnet-id", K::Str, "the subnet", C::Subnet),
        ],
        associate_route_table
    ),
    op!(
        "ec2",
        "replace-route-table-association",
        "ReplaceRouteTableAssociation",
        "Moves a subnet's association to another route table",
        &[
            req(
                "association-id",
                K::Str,
                "the association (rtbassoc-...)",
                C::Nothing
            ),
            req(
                "route-table-id",
                K::Str,
                "the route table to use",
                C::RouteTable
            ),
        ],
        replace_association
    ),
    op!(
        "ec2",
        "disassociate-route-table",
        "DisassociateRouteTable",
        "Removes a subnet's explicit route table association",
        &[req(
            "association-id",
            K::Str,
            "the association (rtbassoc-...)",
            C::Nothing
        ),],
        disassociate_route_table
    ),
    op!(
        "ec2",
        "create-vpc-endpoint",
        "CreateVpcEndpoint",
        "Creates a VPC endpoint (Interface or Gateway)",
        &[
            req("vpc-id", K::Str, "the VPC", C::Vpc),
            req(
                "service-name",
                K::Str,
                "e.g. com.amazonaws.us-east-1.ecr.dkr",
                C::Nothing
            ),
            f(
                "vpc-endpoint-type",
                K::Str,
                "Gateway (the API's default) or Interface",
                C::Choices(&["Interface", "Gateway"])
            ),
            f(
                "subnet-ids",
                K::List,
                "Interface: the subnets to place it in",
                C::Subnet
            ),
            f(
                "security-group-ids",
                K::List,
                "Interface: its security groups",
                C::SecurityGroup
            ),
            f(
                "route-table-ids",
                K::List,
                "Gateway: the route tables to route through it",
                C::RouteTable
            ),
            f(
                "private-dns-enabled",
                K::Bool,
                "Interface: resolve the service's name to it (--no-... to stop)",
                C::Nothing
            ),
            TAGS,
        ],
        create_vpc_endpoint
    ),
    op!(
        "ec2",
        "authorize-security-group-ingress",
        "AuthorizeSecurityGroupIngress",
        "Adds inbound rules to a security group",
        SG_RULE,
        |s, i| sg_rules(s, i, Direction::Ingress, RuleOp::Authorize)
    ),
    op!(
        "ec2",
        "authorize-security-group-egress",
        "AuthorizeSecurityGroupEgress",
        "Adds outbound rules to a security group",
        SG_EGRESS,
        |s, i| sg_rules(s, i, Direction::Egress, RuleOp::Authorize)
    ),
    op!(
        "ec2",
        "revoke-security-group-ingress",
        "RevokeSecurityGroupIngress",
        "Removes inbound rules from a security group",
        SG_REVOKE_INGRESS,
        |s, i| sg_rules(s, i, Direction::Ingress, RuleOp::Revoke)
    ),
    op!(
        "ec2",
        "revoke-security-group-egress",
        "RevokeSecurityGroupEgress",
        "Removes outbound rules from a security group",
        SG_REVOKE_EGRESS,
        |s, i| sg_rules(s, i, Direction::Egress, RuleOp::Revoke)
    ),
    op!(
        "ecs",
        "register-task-definition",
        "RegisterTaskDefinition",
        "Registers a new revision of a task definition family",
        &[
            req("family", K::Str, "the family", C::Nothing),
            req(
                "container-definitions",
                K::Structure,
                "the containers, as JSON (e.g. from describe-task-definition)",
                C::Nothing
            ),
            f(
                "cpu",
                K::Str,
                "task CPU units (256, 512, 1024, ...)",
                C::Choices(&["256", "512", "1024", "2048", "4096", "8192", "16384"])
            ),
            f("memory", K::Str, "task memory in MiB", C::Nothing),
            f(
                "execution-role-arn",
                K::Str,
                "the role ECS uses to pull images, fetch secrets and write logs",
                C::RoleArn
            ),
            f(
                "task-role-arn",
                K::Str,
                "the role the application's own AWS calls use",
                C::RoleArn
            ),
            f(
                "network-mode",
                K::Str,
                "awsvpc on Fargate",
                C::Choices(&["awsvpc", "bridge", "host", "none"])
            ),
            f(
                "requires-compatibilities",
                K::List,
                "FARGATE",
                C::Choices(&["FARGATE", "EC2", "EXTERNAL"])
            ),
            f(
                "runtime-platform",
                K::Structure,
                "cpuArchitecture=ARM64|X86_64,operatingSystemFamily=LINUX",
                C::Nothing
            ),
            f(
                "ephemeral-storage",
                K::Structure,
                "sizeInGiB=21..200",
                C::Nothing
            ),
            f("volumes", K::Structure, "data volumes, as JSON", C::Nothing),
            f(
                "tags",
                K::Structure,
                "key=...,value=... (several allowed)",
                C::Nothing
            ),
            f(
                "cli-input-json",
                K::Structure,
                "the whole request as JSON (members as the API names them)",
                C::Nothing
            ),
        ],
        register_task_definition
    ),
    op!(
        "ecs",
        "update-service",
        "UpdateService",
        "Changes a service: task definition, desired count, network, new deployment",
        &[
            CLUSTER,
            req("service", K::Str, "the service", C::Service),
            f(
                "task-definition",
                K::Str,
                "family:revision (or family for the latest ACTIVE)",
                C::TaskDefinition
            ),
            f(
                "desired-count",
                K::Int,
                "how many tasks to keep running",
                C::Nothing
            ),
            f(
                "network-configuration",
                K::Structure,
                "awsvpcConfiguration={subnets=[...],securityGroups=[...],assignPublicIp=DISABLED}",
                C::Nothing
            ),
            f(
                "force-new-deployment",
                K::Bool,
                "start a new deployment even with nothing changed",
                C::Nothing
            ),
        ],
        update_service
    ),
    op!(
        "ecs",
        "stop-task",
        "StopTask",
        "Stops a running task",
        &[
            CLUSTER,
            req("task", K::Str, "the task id or ARN", C::Task),
            f(
                "reason",
                K::Str,
                "shown as the task's stoppedReason",
                C::Nothing
            ),
        ],
        stop_task
    ),
    op!(
        "iam",
        "attach-role-policy",
        "AttachRolePolicy",
        "Attaches a managed policy to a role",
        &[
            ROLE,
            req("policy-arn", K::Str, "the managed policy", C::PolicyArn),
        ],
        |s, i| attach_policy(s, i, true)
    ),
    op!(
        "iam",
        "detach-role-policy",
        "DetachRolePolicy",
        "Detaches a managed policy from a role",
        &[
            ROLE,
            req("policy-arn", K::Str, "the managed policy", C::PolicyArn),
        ],
        |s, i| attach_policy(s, i, false)
    ),
    op!(
        "iam",
        "put-role-policy",
        "PutRolePolicy",
        "Adds or replaces a role's inline policy",
        &[
            ROLE,
            req(
                "policy-name",
                K::Str,
                "the inline policy's name",
                C::InlinePolicy
            ),
            req("policy-document", K::Str, "the policy, as JSON", C::Nothing),
        ],
        put_role_policy
    ),
    op!(
        "iam",
        "delete-role-policy",
        "DeleteRolePolicy",
        "Deletes a role's inline policy",
        &[
            ROLE,
            req(
                "policy-name",
                K::Str,
                "the inline policy's name",
                C::InlinePolicy
            ),
        ],
        delete_role_policy
    ),
    op!(
        "iam",
        "update-assume-role-policy",
        "UpdateAssumeRolePolicy",
        "Replaces a role's trust policy",
        &[
            ROLE,
            req(
                "policy-document",
                K::Str,
                "the trust policy, as JSON",
                C::Nothing
            ),
        ],
        update_trust
    ),
    op!(
        "logs",
        "create-log-group",
        "CreateLogGroup",
        "Creates a log group",
        &[LOG_GROUP],
        |s, i| log_group(s, i, true)
    ),
    op!(
        "logs",
        "delete-log-group",
        "DeleteLogGroup",
        "Deletes a log group and its streams",
        &[LOG_GROUP],
        |s, i| log_group(s, i, false)
    ),
    op!(
        "logs",
        "put-retention-policy",
        "PutRetentionPolicy",
        "Sets how long a log group keeps events",
        &[
            LOG_GROUP,
            req(
                "retention-in-days",
                K::Int,
                "1, 3, 5, 7, 14, 30, 60, 90, ... days",
                C::Choices(&[
                    "1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400",
                    "545", "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653"
                ])
            ),
        ],
        retention
    ),
];

enum RouteOp {
    Create,
    Replace,
    Delete,
}

fn route(cx: &mut Change, inv: &Input, op: RouteOp) -> Result<Value, CommandError> {
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

fn delete_eni(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let id = inv.required("NetworkInterfaceId")?;
    let op = "DeleteNetworkInterface";
    let Some(eni) = cx.world.enis.get(&id) else {
        return Err(errors::network_interface_not_found(op, &id).into());
    };
    if eni.status == "in-use" || !matches!(eni.owner, EniOwner::Other(_)) {
        return Err(errors::network_interface_in_use(op, &id).into());
    }
    cx.world.remove_eni(&id);
    Ok(json!({}))
}

// ---------------------------------------------------------------------------
// EC2 networking: subnets, route table associations, VPC endpoints and
// security group rules. Each operation reads and checks everything first and
// draws ids from the RNG only once nothing can fail, so a refused command
// leaves the world (RNG included) as it was.

/// The one resource of a describe operation, so a created resource is shown
/// exactly as `describe-...` will show it.
fn described(cx: &Change, operation: &str, ids: (&str, &str), list: &str) -> Value {
    use crate::aws::Reader;
    let reader = crate::aws::catalogue::ReadCtx {
        world: cx.world,
        now: cx.now,
    };
    let input = Input::new().with(ids.0, json!([ids.1]));
    crate::aws::account::read_request("ec2", operation, input)
        .ok()
        .and_then(|r| reader.read(&r).ok())
        .and_then(|v| v.get(list).and_then(|l| l.get(0)).cloned())
        .unwrap_or(Value::Null)
}

/// The `TagSpecifications` of a create operation, as given.
fn tag_specs(inv: &Input) -> Result<Vec<Value>, ArgError> {
    Ok(inv.structures("TagSpecifications").unwrap_or_default())
}

/// The Name tag of the specifications for `resource` (the world keeps only Name tags).
fn name_tag(specs: &[Value], resource: &str, op: &str) -> Result<Option<String>, CommandError> {
    let mut name = None;
    for s in specs {
        let rt = s.get("ResourceType").and_then(Value::as_str).unwrap_or("");
        if rt != resource {
            return Err(errors::tag_resource_type_invalid(op, rt).into());
        }
        let tags = s.get("Tags").and_then(Value::as_array);
        for t in tags.into_iter().flatten() {
            if t.get("Key").and_then(Value::as_str) == Some("Name") {
                name = t.get("Value").and_then(Value::as_str).map(str::to_string);
            }
        }
    }
    Ok(name)
}

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

fn create_subnet(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
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
    if let Some(n) = name {
        cx.world
            .names
            .entry(format!("subnet:{n}"))
            .or_insert_with(|| id.clone());
    }
    let subnet = described(cx, "describe-subnets", ("SubnetIds", &id), "Subnets");
    Ok(json!({ "Subnet": subnet }))
}

fn modify_subnet_attribute(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
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

/// The table holding an association, and the association's place in it.
fn find_association(world: &World, id: &str) -> Option<(String, usize)> {
    world.route_tables.values().find_map(|t| {
        t.associations
            .iter()
            .position(|a| a.id == id)
            .map(|i| (t.id.clone(), i))
    })
}

fn associate_route_table(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
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

fn replace_association(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
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

fn disassociate_route_table(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
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

fn create_vpc_endpoint(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
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

/// Which rules of a group an operation works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

/// Adding or removing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleOp {
    Authorize,
    Revoke,
}

/// The other end of a rule: where traffic comes from (ingress) or goes to (egress).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Peer {
    Cidr(Cidr),
    Group(String),
    PrefixList(String),
}

impl Peer {
    fn text(&self) -> String {
        match self {
            Peer::Cidr(c) => c.to_string(),
            Peer::Group(g) | Peer::PrefixList(g) => g.clone(),
        }
    }

    /// Whether `rule` names this peer.
    fn in_rule(&self, rule: &SgRule) -> bool {
        match self {
            Peer::Cidr(c) => rule.cidrs.contains(c),
            Peer::Group(g) => rule.groups.contains(g),
            Peer::PrefixList(p) => rule.prefix_lists.contains(p),
        }
    }
}

/// One rule of a request: EC2 keeps one rule per peer.
#[derive(Debug, Clone)]
struct Permission {
    protocol: String,
    from: i32,
    to: i32,
    peer: Peer,
    description: Option<String>,
}

impl Permission {
    fn matches(&self, rule: &SgRule) -> bool {
        canonical_protocol(&rule.protocol).as_deref() == Some(self.protocol.as_str())
            && rule.from_port == self.from
            && rule.to_port == self.to
            && self.peer.in_rule(rule)
    }

    /// The rule as EC2 describes it in InvalidPermission.Duplicate.
    fn text(&self) -> String {
        let what = match self.protocol.as_str() {
            "-1" => "ALL".to_string(),
            "tcp" | "udp" => format!(
                "{}, from port: {}, to port: {}",
                self.protocol.to_uppercase(),
                self.from,
                self.to
            ),
            // [I]
            "icmp" => format!("ICMP, type: {}, code: {}", self.from, self.to),
            n => format!("protocol: {n}"),
        };
        format!("peer: {}, {what}, ALLOW", self.peer.text())
    }
}

/// EC2's spelling of a protocol (`6` is `tcp`, `all` is `-1`), None when unknown.
fn canonical_protocol(p: &str) -> Option<String> {
    Some(match p.to_ascii_lowercase().as_str() {
        "tcp" | "6" => "tcp".into(),
        "udp" | "17" => "udp".into(),
        "icmp" | "1" => "icmp".into(),
        "-1" | "all" => "-1".into(),
        "icmpv6" | "58" => "58".into(),
        n => match n.parse::<i32>() {
            Ok(v) if (0..=255).contains(&v) => v.to_string(),
            _ => return None,
        },
    })
}

/// An integer member given as a JSON number or a shorthand string.
fn int_member(p: &Value, key: &str) -> Result<Option<i64>, ArgError> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
            ArgError(format!("Invalid value for parameter IpPermissions.{key}: {n}"))
        }),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
            ArgError(format!(
                "Error parsing parameter '--ip-permissions': invalid literal for int() with base 10: '{s}'"
            ))
        }),
        Some(o) => Err(ArgError(format!(
            "Invalid type for parameter IpPermissions.{key}, value: {o}, valid types: <class 'int'>"
        ))),
    }
}

fn items<'a>(p: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    p.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn str_member(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// IpPermissions entries as rules, with EC2's checks of protocols, ports and CIDRs.
fn permissions(list: &[Value], op: &str) -> Result<Vec<Permission>, CommandError> {
    let mut out = Vec::new();
    for p in list {
        let Some(raw) = str_member(p, "IpProtocol") else {
            return Err(errors::permission_protocol_missing(op).into());
        };
        let Some(protocol) = canonical_protocol(&raw) else {
            return Err(errors::permission_protocol_unknown(op, &raw).into());
        };
        let from = int_member(p, "FromPort")?;
        let to = int_member(p, "ToPort")?;
        let (from, to) = match protocol.as_str() {
            "tcp" | "udp" => {
                let (Some(f), Some(t)) = (from, to) else {
                    return Err(errors::port_range_missing(op).into());
                };
                if let Some(bad) = [f, t].into_iter().find(|x| !(0..=65535).contains(x)) {
                    return Err(errors::port_out_of_range(op, bad).into());
                }
                if f > t {
                    return Err(errors::port_range_reversed(op, f, t).into());
                }
                (f as i32, t as i32)
            }
            "icmp" => {
                let (Some(f), Some(t)) = (from, to) else {
                    return Err(errors::icmp_range_missing(op).into());
                };
                if let Some(bad) = [f, t].into_iter().find(|x| !(-1..=255).contains(x)) {
                    return Err(errors::icmp_out_of_range(op, bad).into());
                }
                (f as i32, t as i32)
            }
            // All protocols, or a protocol without ports: EC2 ignores any ports given.
            _ => (-1, -1),
        };
        if items(p, "Ipv6Ranges").next().is_some() {
            return Err(
                ArgError("Ipv6Ranges: the simulated VPC has no IPv6; use IpRanges".into()).into(),
            );
        }
        let mut peers: Vec<(Peer, Option<String>)> = Vec::new();
        for r in items(p, "IpRanges") {
            let text = str_member(r, "CidrIp").unwrap_or_default();
            peers.push((
                Peer::Cidr(sg_cidr(&text, op)?),
                str_member(r, "Description"),
            ));
        }
        for g in items(p, "UserIdGroupPairs") {
            let desc = str_member(g, "Description");
            match (str_member(g, "GroupId"), str_member(g, "GroupName")) {
                (Some(id), _) => peers.push((Peer::Group(id), desc)),
                (None, Some(name)) => {
                    // Groups of a non-default VPC are named by id.
                    return Err(errors::group_name_not_in_default_vpc(op, &name).into());
                }
                (None, None) => return Err(errors::group_pair_id_missing(op).into()),
            }
        }
        for l in items(p, "PrefixListIds") {
            let id = str_member(l, "PrefixListId").unwrap_or_default();
            peers.push((Peer::PrefixList(id), str_member(l, "Description")));
        }
        if peers.is_empty() {
            return Err(errors::permission_peer_missing(op).into());
        }
        for (peer, description) in peers {
            out.push(Permission {
                protocol: protocol.clone(),
                from,
                to,
                peer,
                description,
            });
        }
    }
    Ok(out)
}

/// A rule's CIDR: host bits are cleared, as EC2 canonicalizes them.
fn sg_cidr(text: &str, op: &str) -> Result<Cidr, CommandError> {
    let bad = || errors::cidr_malformed(op, text);
    let (ip, len) = text.split_once('/').ok_or_else(bad)?;
    let ip = parse_ip(ip).ok_or_else(bad)?;
    let prefix: u8 = len.parse().map_err(|_| bad())?;
    if prefix > 32 {
        return Err(bad().into());
    }
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    };
    Ok(Cidr {
        base: ip & mask,
        prefix,
    })
}

fn sg_rules(
    cx: &mut Change,
    inv: &Input,
    dir: Direction,
    what: RuleOp,
) -> Result<Value, CommandError> {
    let op = match (what, dir) {
        (RuleOp::Authorize, Direction::Ingress) => "AuthorizeSecurityGroupIngress",
        (RuleOp::Authorize, Direction::Egress) => "AuthorizeSecurityGroupEgress",
        (RuleOp::Revoke, Direction::Ingress) => "RevokeSecurityGroupIngress",
        (RuleOp::Revoke, Direction::Egress) => "RevokeSecurityGroupEgress",
    };
    let group_id = inv.value("GroupId")?;
    let group_name = match dir {
        Direction::Ingress => inv.value("GroupName")?,
        Direction::Egress => None,
    };
    let rule_ids = match what {
        RuleOp::Revoke => inv.values("SecurityGroupRuleIds")?,
        RuleOp::Authorize => None,
    };
    let list = inv.structures("IpPermissions").unwrap_or_default();
    let gid = match (group_id, group_name, dir) {
        (Some(id), _, _) => id,
        (None, Some(name), _) => {
            // Names select groups of the default VPC only.
            return Err(errors::group_name_not_in_default_vpc(op, &name).into());
        }
        (None, None, Direction::Egress) => {
            return Err(ArgError(
                "aws: error: the following arguments are required: --group-id".into(),
            )
            .into())
        }
        (None, None, Direction::Ingress) => return Err(errors::group_missing(op).into()),
    };
    let w = &cx.world;
    let Some(group) = w.security_groups.get(&gid) else {
        return Err(errors::group_not_found(op, &gid).into());
    };
    if list.is_empty() && rule_ids.is_none() {
        return Err(errors::permissions_missing(op).into());
    }
    let perms = permissions(&list, op)?;
    let known_lists: BTreeSet<&String> = w
        .vpc_endpoints
        .values()
        .filter_map(|e| e.prefix_list.as_ref())
        .collect();
    for p in &perms {
        match &p.peer {
            Peer::Group(g) if !w.security_groups.contains_key(g) => {
                return Err(errors::group_not_found(op, g).into());
            }
            Peer::PrefixList(l) if !known_lists.contains(l) => {
                return Err(errors::prefix_list_not_found(op, l).into());
            }
            _ => {}
        }
    }
    let rules = match dir {
        Direction::Ingress => &group.ingress,
        Direction::Egress => &group.egress,
    };
    match what {
        RuleOp::Authorize => {
            for (i, p) in perms.iter().enumerate() {
                let twice = perms[..i].iter().any(|q| {
                    q.protocol == p.protocol && q.from == p.from && q.to == p.to && q.peer == p.peer
                });
                if twice {
                    return Err(errors::permission_repeated(op).into());
                }
                if rules.iter().any(|r| p.matches(r)) {
                    return Err(errors::permission_duplicate(op, &p.text()).into());
                }
            }
            let account = w.account.clone();
            let mut added = Vec::new();
            let mut shown = Vec::new();
            for p in perms {
                let id = cx.world.rng.ec2_id("sgr");
                let mut rule = SgRule {
                    id: id.clone(),
                    protocol: p.protocol.clone(),
                    from_port: p.from,
                    to_port: p.to,
                    cidrs: vec![],
                    groups: vec![],
                    prefix_lists: vec![],
                    description: p.description.clone(),
                };
                let mut o = Map::new();
                o.insert("SecurityGroupRuleId".into(), json!(id));
                o.insert("GroupId".into(), json!(gid));
                o.insert("GroupOwnerId".into(), json!(account));
                o.insert("IsEgress".into(), json!(dir == Direction::Egress));
                o.insert("IpProtocol".into(), json!(p.protocol));
                o.insert("FromPort".into(), json!(p.from));
                o.insert("ToPort".into(), json!(p.to));
                match p.peer {
                    Peer::Cidr(c) => {
                        o.insert("CidrIpv4".into(), json!(c.to_string()));
                        rule.cidrs.push(c);
                    }
                    Peer::PrefixList(l) => {
                        o.insert("PrefixListId".into(), json!(l));
                        rule.prefix_lists.push(l);
                    }
                    Peer::Group(g) => {
                        o.insert(
                            "ReferencedGroupInfo".into(),
                            json!({"GroupId": g, "UserId": account}),
                        );
                        rule.groups.push(g);
                    }
                }
                if let Some(d) = &p.description {
                    o.insert("Description".into(), json!(d));
                }
                o.insert(
                    "SecurityGroupRuleArn".into(),
                    json!(cx.world.arn("ec2", &format!("security-group-rule/{id}"))),
                );
                shown.push(Value::Object(o));
                added.push(rule);
            }
            if let Some(g) = cx.world.security_groups.get_mut(&gid) {
                match dir {
                    Direction::Ingress => g.ingress.extend(added),
                    Direction::Egress => g.egress.extend(added),
                }
            }
            Ok(json!({"Return": true, "SecurityGroupRules": shown}))
        }
        RuleOp::Revoke => {
            let mut kept = rules.clone();
            for id in rule_ids.unwrap_or_default() {
                let Some(i) = kept.iter().position(|r| r.id == id) else {
                    return Err(errors::security_group_rule_not_found(op, &id).into());
                };
                kept.remove(i);
            }
            for p in &perms {
                let Some(i) = kept.iter().position(|r| p.matches(r)) else {
                    return Err(errors::permission_not_found(op).into());
                };
                let r = &mut kept[i];
                match &p.peer {
                    Peer::Cidr(c) => r.cidrs.retain(|x| x != c),
                    Peer::Group(g) => r.groups.retain(|x| x != g),
                    Peer::PrefixList(l) => r.prefix_lists.retain(|x| x != l),
                }
                if r.cidrs.is_empty() && r.groups.is_empty() && r.prefix_lists.is_empty() {
                    kept.remove(i);
                }
            }
            if let Some(g) = cx.world.security_groups.get_mut(&gid) {
                match dir {
                    Direction::Ingress => g.ingress = kept,
                    Direction::Egress => g.egress = kept,
                }
            }
            Ok(json!({"Return": true}))
        }
    }
}

/// Reads shorthand's untyped scalars by the model's types: `"30"` as 30 for the
/// integer members of task definitions, `"true"` as true for the boolean ones.
/// The task's own `cpu` and `memory` stay strings, as the API has them.
fn coerce_scalars(v: Value) -> Value {
    const INTS: &[&str] = &[
        "sizeInGiB",
        "containerPort",
        "hostPort",
        "cpu",
        "memory",
        "memoryReservation",
        "interval",
        "timeout",
        "retries",
        "startPeriod",
        "stopTimeout",
    ];
    const BOOLS: &[&str] = &["essential", "readonlyRootFilesystem"];
    fn inner(v: Value, key: Option<&str>) -> Value {
        match v {
            Value::String(s) => match key {
                Some(k) if INTS.contains(&k) => s
                    .parse::<i64>()
                    .map(|n| json!(n))
                    .unwrap_or(Value::String(s)),
                Some(k) if BOOLS.contains(&k) && (s == "true" || s == "false") => {
                    json!(s == "true")
                }
                _ => Value::String(s),
            },
            Value::Array(a) => Value::Array(a.into_iter().map(|x| inner(x, key)).collect()),
            Value::Object(o) => Value::Object(
                o.into_iter()
                    .map(|(k, x)| {
                        let y = inner(x, Some(&k));
                        (k, y)
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    match v {
        // Top level: only the nested members are converted.
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| {
                    let y = if k == "cpu" || k == "memory" {
                        x
                    } else {
                        inner(x, None)
                    };
                    (k, y)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Registers a checked task definition as the next revision of its family.
pub fn register(
    world: &mut World,
    def: TaskDefinitionInput,
    now: i64,
) -> Result<TaskDefinition, AwsError> {
    let def = taskdef::check(def)?;
    for arn in [&def.execution_role_arn, &def.task_role_arn]
        .into_iter()
        .flatten()
    {
        if !arn.starts_with("arn:aws:iam::") || !arn.contains(":role/") {
            return Err(errors::task_role_arn_invalid("RegisterTaskDefinition", arn));
        }
    }
    let rev = world.next_revision(&def.family);
    let arn = world.arn("ecs", &format!("task-definition/{}:{rev}", def.family));
    let td = TaskDefinition {
        arn,
        revision: rev,
        status: "ACTIVE".into(),
        registered_at: now,
        def,
    };
    world.task_definitions.insert(
        (td.def.family.clone(), rev),
        std::sync::Arc::new(td.clone()),
    );
    world
        .names
        .insert(format!("td:{}", td.def.family), td.arn.clone());
    Ok(td)
}

fn register_task_definition(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "RegisterTaskDefinition";
    let input = Value::Object(inv.members().clone());
    // DescribeTaskDefinition output pasted back in carries read-only fields; the CLI rejects them too.
    // Shorthand values arrive as strings; the CLI converts them by the model's
    // types (`sizeInGiB=30`). Try as given, then with numbers and booleans read.
    let def: TaskDefinitionInput = serde_json::from_value(input.clone())
        .or_else(|e| serde_json::from_value(coerce_scalars(input.clone())).map_err(|_| e))
        .map_err(|e| {
            ArgError(format!(
                "Parameter validation failed:\n{}",
                e.to_string().replace(" at line 1 column", " (column")
            ))
        })?;
    if def.family.is_empty() {
        return Err(
            ArgError("aws: error: the following arguments are required: --family".into()).into(),
        );
    }
    let now = cx.now;
    let td = register(cx.world, def, now).map_err(|mut e| {
        e.operation = op.into();
        e
    })?;
    Ok(
        json!({"taskDefinition": {"taskDefinitionArn": td.arn, "family": td.def.family, "revision": td.revision, "status": td.status}}),
    )
}

fn update_service(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "UpdateService";
    let cluster = inv.value("cluster")?.unwrap_or_else(|| "default".into());
    let service = inv.required("service")?;
    let td = inv.value("taskDefinition")?;
    let desired = inv.value("desiredCount")?;
    let force = inv.switch("forceNewDeployment")?.unwrap_or(false);
    let net = inv.structure("networkConfiguration")?;
    let cl = short_name(&cluster);
    if !cx.world.clusters.contains_key(&cl) {
        return Err(errors::cluster_not_found(op).into());
    }
    if cx.world.service(&cl, &service).is_none() {
        return Err(errors::service_not_found(op).into());
    }
    let desired: Option<u32> = match desired {
        None => None,
        Some(d) => Some(
            d.parse()
                .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{d}'")))?,
        ),
    };
    let td_arn = match td {
        None => None,
        Some(key) => match cx.world.task_definition(&key) {
            Some(t) if t.status == "ACTIVE" => Some(t.arn.clone()),
            Some(_) => return Err(errors::task_definition_inactive(op).into()),
            None => return Err(errors::task_definition_not_found(op).into()),
        },
    };
    let network = match net {
        None => None,
        Some(v) => Some(network_config(cx.world, &v, op)?),
    };
    let svc = cx
        .world
        .service_mut(&cl, &service)
        .ok_or_else(|| errors::service_not_found(op))?;
    let mut changed = force;
    if let Some(arn) = td_arn {
        changed |= svc.task_definition != arn;
        svc.task_definition = arn;
    }
    if let Some(n) = network {
        changed |= svc.network != n;
        svc.network = n;
    }
    if let Some(d) = desired {
        svc.desired_count = d;
        if let Some(p) = svc.deployments.first_mut() {
            p.desired_count = d;
        }
    }
    let (name, arn) = (svc.name.clone(), svc.arn.clone());
    if changed {
        cx.new_deployment(&cl, &service);
    }
    let svc = cx
        .world
        .service(&cl, &service)
        .ok_or_else(|| errors::service_not_found(op))?;
    Ok(
        json!({"service": {"serviceArn": arn, "serviceName": name, "taskDefinition": svc.task_definition, "desiredCount": svc.desired_count, "status": svc.status}}),
    )
}

/// Reads an `awsvpcConfiguration` structure, checking the ids exist.
pub fn network_config(
    world: &World,
    v: &Value,
    op: &str,
) -> Result<crate::world::NetworkConfig, CommandError> {
    let aws = v.get("awsvpcConfiguration").ok_or_else(|| {
        ArgError(
            "Error parsing parameter '--network-configuration': missing awsvpcConfiguration".into(),
        )
    })?;
    let list = |k: &str| -> Vec<String> {
        aws.get(k)
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(|s| s.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let subnets = list("subnets");
    let sgs = list("securityGroups");
    if subnets.is_empty() {
        return Err(errors::network_subnets_empty(op).into());
    }
    for s in &subnets {
        if !world.subnets.contains_key(s) {
            return Err(errors::network_subnet_not_found(op, s).into());
        }
    }
    for g in &sgs {
        if !world.security_groups.contains_key(g) {
            return Err(errors::network_group_not_found(op, g).into());
        }
    }
    let vpcs: std::collections::BTreeSet<&str> = subnets
        .iter()
        .filter_map(|s| world.subnets.get(s))
        .map(|s| s.vpc_id.as_str())
        .collect();
    if vpcs.len() > 1 {
        return Err(errors::network_subnets_other_vpcs(op).into());
    }
    let public = match aws.get("assignPublicIp").and_then(|x| x.as_str()) {
        None | Some("DISABLED") => false,
        Some("ENABLED") => true,
        Some(o) => return Err(ArgError(format!("Invalid value for parameter assignPublicIp, value: {o}, valid values: ENABLED, DISABLED")).into()),
    };
    Ok(crate::world::NetworkConfig {
        subnets,
        security_groups: sgs,
        assign_public_ip: public,
    })
}

fn stop_task(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "StopTask";
    let cluster = short_name(&inv.value("cluster")?.unwrap_or_else(|| "default".into()));
    let task = short_name(&inv.required("task")?);
    let reason = inv.value("reason")?;
    if !cx.world.clusters.contains_key(&cluster) {
        return Err(errors::cluster_not_found(op).into());
    }
    if cx
        .world
        .tasks
        .get(&task)
        .is_none_or(|t| t.cluster != cluster)
    {
        return Err(errors::task_not_found(op).into());
    }
    let text = reason.unwrap_or_else(|| crate::engine::messages::STOPPED_BY_USER.to_string());
    cx.stop_task(&task, text);
    let arn = cx
        .world
        .tasks
        .get(&task)
        .map(|t| t.arn.clone())
        .unwrap_or_default();
    Ok(json!({"task": {"taskArn": arn, "desiredStatus": "STOPPED"}}))
}

fn role_name_checked(world: &World, inv: &Input, op: &str) -> Result<String, CommandError> {
    let name = inv.required("RoleName")?;
    if !world.roles.contains_key(&name) {
        return Err(errors::role_not_found(op, &name).into());
    }
    Ok(name)
}

fn attach_policy(cx: &mut Change, inv: &Input, attach: bool) -> Result<Value, CommandError> {
    let op = if attach {
        "AttachRolePolicy"
    } else {
        "DetachRolePolicy"
    };
    let role = role_name_checked(cx.world, inv, op)?;
    let arn = inv.required("PolicyArn")?;
    if !cx.world.policies.contains_key(&arn) {
        return Err(errors::policy_not_attachable(op, &arn).into());
    }
    let r = cx
        .world
        .roles
        .get_mut(&role)
        .ok_or_else(|| errors::role_not_found(op, &role))?;
    if attach {
        if !r.attached.contains(&arn) {
            r.attached.push(arn);
        }
    } else {
        let Some(i) = r.attached.iter().position(|a| *a == arn) else {
            return Err(errors::policy_not_found(op, &arn).into());
        };
        r.attached.remove(i);
    }
    Ok(json!({}))
}

fn policy_document(text: &str, op: &str) -> Result<PolicyDocument, CommandError> {
    // The CLI sends the document as the string it was given; IAM parses it.
    serde_json::from_str(text).map_err(|_| errors::policy_document_malformed(op).into())
}

fn put_role_policy(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "PutRolePolicy";
    let role = role_name_checked(cx.world, inv, op)?;
    let name = inv.required("PolicyName")?;
    let doc = inv.required("PolicyDocument")?;
    let doc = policy_document(&doc, op)?;
    if let Some(r) = cx.world.roles.get_mut(&role) {
        r.inline.insert(name, doc);
    }
    Ok(json!({}))
}

fn delete_role_policy(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "DeleteRolePolicy";
    let role = role_name_checked(cx.world, inv, op)?;
    let name = inv.required("PolicyName")?;
    let removed = cx
        .world
        .roles
        .get_mut(&role)
        .and_then(|r| r.inline.remove(&name));
    if removed.is_none() {
        return Err(errors::role_policy_not_found(op, &name).into());
    }
    Ok(json!({}))
}

fn update_trust(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "UpdateAssumeRolePolicy";
    let role = role_name_checked(cx.world, inv, op)?;
    let doc = inv.required("PolicyDocument")?;
    let doc = policy_document(&doc, op)?;
    if let Some(r) = cx.world.roles.get_mut(&role) {
        r.trust = doc;
    }
    Ok(json!({}))
}

/// Creates a log group (the world-level part of CreateLogGroup).
pub fn create_log_group(world: &mut World, name: &str, now: i64) -> Result<(), AwsError> {
    if world.log_groups.contains_key(name) {
        return Err(errors::log_group_exists("CreateLogGroup"));
    }
    let valid = !name.is_empty()
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.#".contains(c));
    if !valid {
        return Err(errors::log_group_name_invalid("CreateLogGroup", name));
    }
    let arn = world.arn("logs", &format!("log-group:{name}:*"));
    world.log_groups.insert(
        name.to_string(),
        LogGroup {
            name: name.to_string(),
            arn,
            created: now,
            retention_days: None,
            streams: Default::default(),
        },
    );
    Ok(())
}

fn log_group(cx: &mut Change, inv: &Input, create: bool) -> Result<Value, CommandError> {
    let name = inv.required("logGroupName")?;
    if create {
        let now = cx.now;
        create_log_group(cx.world, &name, now)?;
    } else if cx.world.log_groups.remove(&name).is_none() {
        return Err(errors::log_group_not_found("DeleteLogGroup").into());
    }
    Ok(json!({}))
}

fn retention(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "PutRetentionPolicy";
    let name = inv.required("logGroupName")?;
    let days = inv.required("retentionInDays")?;
    const VALID: [u32; 22] = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ];
    let d: u32 = days
        .parse()
        .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{days}'")))?;
    if !VALID.contains(&d) {
        return Err(errors::not_in_enum(Validation::Logs, op, d, "retentionInDays", &VALID).into());
    }
    let Some(g) = cx.world.log_groups.get_mut(&name) else {
        return Err(errors::log_group_not_found(op).into());
    };
    g.retention_days = Some(d);
    Ok(json!({}))
}

/// Environment variables as `{name, value}` pairs from a `NAME=value` list.
pub fn env_pairs(items: &[String]) -> Vec<KeyValue> {
    items
        .iter()
        .filter_map(|s| s.split_once('='))
        .map(|(n, v)| KeyValue {
            name: n.into(),
            value: v.into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Instance, Mode, Scenario};
    use std::path::Path;

    fn instance(seed: u64) -> Instance {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
        Scenario::load(&path)
            .unwrap_or_else(|e| panic!("{e}"))
            .instantiate(seed, Mode::Incident)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
    }

    fn name(inst: &Instance, key: &str) -> String {
        inst.sim
            .world()
            .name(key)
            .unwrap_or_else(|| panic!("no {key}"))
            .to_string()
    }

    fn ok(inst: &mut Instance, line: &str) -> Value {
        crate::awscli::command::write(&mut inst.sim, line)
            .map(|(_, v)| v)
            .unwrap_or_else(|e| panic!("seed {}: {line}: {e}", inst.seed))
    }

    /// What a refused command must leave alone (the RNG too: ids drawn late).
    #[test]
    fn shorthand_numbers_are_read_as_numbers() {
        let mut inst = instance(1);
        let role = inst.sim.world().role_arn("checkout-task-execution");
        let line = format!(
            "ecs register-task-definition --family big --cpu 256 --memory 512 --execution-role-arn {role} \
             --ephemeral-storage sizeInGiB=30 --container-definitions '[{{\"name\":\"app\",\"image\":\"nginx\"}}]'"
        );
        let v = ok(&mut inst, &line);
        assert_eq!(v["taskDefinition"]["revision"], 1);
        let td = inst.sim.world().task_definition("big").unwrap();
        assert_eq!(td.ephemeral_gib(), 30);
    }

    fn fingerprint(w: &World) -> String {
        let rules: Vec<&str> = w
            .security_groups
            .values()
            .flat_map(|g| g.ingress.iter().chain(&g.egress))
            .map(|r| r.id.as_str())
            .collect();
        let routes: usize = w.route_tables.values().map(|t| t.routes.len()).sum();
        let assocs: Vec<(&str, &str, bool)> = w
            .route_tables
            .values()
            .flat_map(|t| {
                t.associations
                    .iter()
                    .map(move |a| (t.id.as_str(), a.id.as_str(), t.main))
            })
            .collect();
        let public: Vec<bool> = w
            .subnets
            .values()
            .map(|s| s.map_public_ip_on_launch)
            .collect();
        format!(
            "subnets {} enis {} rules {rules:?} routes {routes} associations {assocs:?} endpoints {} names {} public {public:?} rng {:?}",
            w.subnets.len(),
            w.enis.len(),
            w.vpc_endpoints.len(),
            w.names.len(),
            w.rng
        )
    }

    /// Runs a command that must be refused: its text, the world unchanged.
    fn refused(inst: &mut Instance, line: &str) -> String {
        let before = fingerprint(inst.sim.world());
        let text = match crate::awscli::command::write(&mut inst.sim, line).map(|(_, v)| v) {
            Ok(v) => panic!("seed {}: {line}: expected an error, got {v}", inst.seed),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            fingerprint(inst.sim.world()),
            before,
            "{line} changed the world"
        );
        text
    }

    fn aws_text(code: &str, op: &str, message: &str) -> String {
        format!("An error occurred ({code}) when calling the {op} operation: {message}")
    }

    #[test]
    fn every_operation_is_registered() {
        for op in [
            "create-subnet",
            "modify-subnet-attribute",
            "associate-route-table",
            "replace-route-table-association",
            "disassociate-route-table",
            "create-vpc-endpoint",
            "authorize-security-group-ingress",
            "authorize-security-group-egress",
            "revoke-security-group-ingress",
            "revoke-security-group-egress",
        ] {
            assert!(
                crate::aws::catalogue::find_write("ec2", op).is_some(),
                "{op}"
            );
        }
    }

    #[test]
    fn create_subnet_adds_a_subnet_the_main_table_governs() {
        let mut inst = instance(1);
        let vpc = name(&inst, "vpc");
        let v = ok(
            &mut inst,
            &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.30.0/24 --availability-zone us-east-1c --tag-specifications ResourceType=subnet,Tags=[{{Key=Name,Value=private-d}}]"),
        );
        let s = &v["Subnet"];
        let id = s["SubnetId"].as_str().unwrap().to_string();
        assert!(id.starts_with("subnet-0") && id.len() == 24, "{id}");
        assert_eq!(s["VpcId"], vpc);
        assert_eq!(s["CidrBlock"], "10.40.30.0/24");
        assert_eq!(s["AvailabilityZone"], "us-east-1c");
        assert_eq!(s["AvailabilityZoneId"], "use1-az3");
        assert_eq!(s["AvailableIpAddressCount"], 251);
        assert_eq!(s["MapPublicIpOnLaunch"], false);
        assert_eq!(s["DefaultForAz"], false);
        assert_eq!(s["State"], "available");
        assert_eq!(s["Tags"], json!([{"Key": "Name", "Value": "private-d"}]));
        let w = inst.sim.world();
        assert_eq!(w.name("subnet:private-d"), Some(id.as_str()));
        assert_eq!(w.subnets[&id].az_id, "use1-az3");
        // No association: the VPC's main table applies.
        let rt = w.route_table_for(&id).unwrap();
        assert!(rt.main);
        assert_eq!(rt.id, name(&inst, "rtb:main"));
        // By zone id, untagged.
        let v = ok(
            &mut inst,
            &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.31.0/28 --availability-zone-id use1-az2"),
        );
        assert_eq!(v["Subnet"]["AvailabilityZone"], "us-east-1b");
        assert_eq!(v["Subnet"]["AvailableIpAddressCount"], 11);
        assert!(v["Subnet"].get("Tags").is_none());
        // Without a zone, EC2 picks one of those it offers.
        let v = ok(
            &mut inst,
            &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.32.0/24"),
        );
        assert!(v["Subnet"]["AvailabilityZone"]
            .as_str()
            .unwrap()
            .starts_with("us-east-1"));
    }

    #[test]
    fn create_subnet_refusals_change_nothing() {
        let mut inst = instance(2);
        let vpc = name(&inst, "vpc");
        let op = "CreateSubnet";
        assert_eq!(
            refused(
                &mut inst,
                "ec2 create-subnet --vpc-id vpc-0123456789abcdef0 --cidr-block 10.40.30.0/24"
            ),
            aws_text(
                "InvalidVpcID.NotFound",
                op,
                "The vpc ID 'vpc-0123456789abcdef0' does not exist"
            )
        );
        for block in [
            "10.40.0.0/12",
            "10.50.0.0/24",
            "10.40.30.0/29",
            "10.40.30.5/24",
        ] {
            assert_eq!(
                refused(
                    &mut inst,
                    &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block {block}")
                ),
                aws_text(
                    "InvalidSubnet.Range",
                    op,
                    &format!("The CIDR '{block}' is invalid.")
                )
            );
        }
        assert_eq!(
            refused(
                &mut inst,
                &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.10.128/25")
            ),
            aws_text(
                "InvalidSubnet.Conflict",
                op,
                "The CIDR '10.40.10.128/25' conflicts with another subnet"
            )
        );
        // private-c is a /22 holding 10.40.13.0/24.
        assert_eq!(
            refused(
                &mut inst,
                &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.13.0/24")
            ),
            aws_text(
                "InvalidSubnet.Conflict",
                op,
                "The CIDR '10.40.13.0/24' conflicts with another subnet"
            )
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.30.0/24 --availability-zone us-east-1z")),
            aws_text("InvalidParameterValue", op, "Value (us-east-1z) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f.")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.30.0/33")),
            aws_text("InvalidParameterValue", op, "Value (10.40.30.0/33) for parameter cidrBlock is invalid. This is not a valid CIDR block.")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.30.0/24 --tag-specifications ResourceType=vpc,Tags=[{{Key=Name,Value=x}}]")),
            aws_text("InvalidParameterValue", op, "'vpc' is not a valid taggable resource type for this operation.")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-subnet --vpc-id {vpc}")),
            "aws: error: the following arguments are required: --cidr-block"
        );
    }

    #[test]
    fn route_table_associations_move_a_subnet_between_tables() {
        let mut inst = instance(3);
        let vpc = name(&inst, "vpc");
        let (rtb_a, rtb_b) = (name(&inst, "rtb:private-a"), name(&inst, "rtb:private-b"));
        let v = ok(
            &mut inst,
            &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.30.0/24 --availability-zone us-east-1a"),
        );
        let subnet = v["Subnet"]["SubnetId"].as_str().unwrap().to_string();
        let v = ok(
            &mut inst,
            &format!("ec2 associate-route-table --route-table-id {rtb_a} --subnet-id {subnet}"),
        );
        let assoc = v["AssociationId"].as_str().unwrap().to_string();
        assert!(assoc.starts_with("rtbassoc-0"), "{assoc}");
        assert_eq!(v["AssociationState"], json!({"State": "associated"}));
        assert_eq!(inst.sim.world().route_table_for(&subnet).unwrap().id, rtb_a);

        // A subnet has one explicit association.
        let op = "AssociateRouteTable";
        let conflict = format!("the specified association for route table {rtb_b} conflicts with an existing association");
        assert_eq!(
            refused(
                &mut inst,
                &format!("ec2 associate-route-table --route-table-id {rtb_b} --subnet-id {subnet}")
            ),
            aws_text("Resource.AlreadyAssociated", op, &conflict)
        );
        let private_a = name(&inst, "subnet:private-a");
        assert_eq!(
            refused(
                &mut inst,
                &format!(
                    "ec2 associate-route-table --route-table-id {rtb_b} --subnet-id {private_a}"
                )
            ),
            aws_text("Resource.AlreadyAssociated", op, &conflict)
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 associate-route-table --route-table-id rtb-0123456789abcdef0 --subnet-id {subnet}")),
            aws_text("InvalidRouteTableID.NotFound", op, "The routeTable ID 'rtb-0123456789abcdef0' does not exist")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 associate-route-table --route-table-id {rtb_b} --subnet-id subnet-0123456789abcdef0")),
            aws_text("InvalidSubnetID.NotFound", op, "The subnet ID 'subnet-0123456789abcdef0' does not exist")
        );

        // Replace: the subnet follows the new table under a new association id.
        let v = ok(
            &mut inst,
            &format!("ec2 replace-route-table-association --association-id {assoc} --route-table-id {rtb_b}"),
        );
        let new = v["NewAssociationId"].as_str().unwrap().to_string();
        assert_ne!(new, assoc);
        assert_eq!(v["AssociationState"], json!({"State": "associated"}));
        assert_eq!(inst.sim.world().route_table_for(&subnet).unwrap().id, rtb_b);
        assert!(find_association(inst.sim.world(), &assoc).is_none());
        assert_eq!(
            refused(&mut inst, &format!("ec2 replace-route-table-association --association-id {assoc} --route-table-id {rtb_a}")),
            aws_text("InvalidAssociationID.NotFound", "ReplaceRouteTableAssociation", &format!("The association ID '{assoc}' does not exist"))
        );

        // Disassociate: back to the main table.
        let v = ok(
            &mut inst,
            &format!("ec2 disassociate-route-table --association-id {new}"),
        );
        assert_eq!(v, json!({}));
        let rt = inst.sim.world().route_table_for(&subnet).unwrap();
        assert!(rt.main);
        let main = rt
            .associations
            .iter()
            .find(|a| a.subnet_id.is_none())
            .unwrap()
            .id
            .clone();
        let op = "DisassociateRouteTable";
        assert_eq!(
            refused(
                &mut inst,
                &format!("ec2 disassociate-route-table --association-id {new}")
            ),
            aws_text(
                "InvalidAssociationID.NotFound",
                op,
                &format!("The association ID '{new}' does not exist")
            )
        );
        assert_eq!(
            refused(
                &mut inst,
                &format!("ec2 disassociate-route-table --association-id {main}")
            ),
            aws_text(
                "InvalidParameterValue",
                op,
                &format!("cannot disassociate the main route table association {main}")
            )
        );
    }

    #[test]
    fn replacing_the_main_association_moves_the_main_table() {
        let mut inst = instance(4);
        let main_id = name(&inst, "rtb:main");
        let data = name(&inst, "rtb:data");
        let main = inst.sim.world().route_tables[&main_id]
            .associations
            .iter()
            .find(|a| a.subnet_id.is_none())
            .unwrap()
            .id
            .clone();
        ok(
            &mut inst,
            &format!("ec2 replace-route-table-association --association-id {main} --route-table-id {data}"),
        );
        let w = inst.sim.world();
        assert!(!w.route_tables[&main_id].main);
        assert!(w.route_tables[&data].main);
        assert_eq!(w.route_tables.values().filter(|t| t.main).count(), 1);
    }

    fn endpoint_cmd(inst: &Instance, service: &str, extra: &str) -> String {
        format!(
            "ec2 create-vpc-endpoint --vpc-id {} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.{service} --subnet-ids {} {} {extra}",
            name(inst, "vpc"),
            name(inst, "subnet:private-a"),
            name(inst, "subnet:private-b"),
        )
    }

    #[test]
    fn interface_endpoints_get_an_interface_per_subnet_and_private_dns() {
        let mut inst = instance(5);
        let sg = name(&inst, "sg:legacy-bastion");
        let line = endpoint_cmd(
            &inst,
            "ecr.api",
            &format!("--security-group-ids {sg} --tag-specifications ResourceType=vpc-endpoint,Tags=[{{Key=Name,Value=ecr-api}}]"),
        );
        let v = ok(&mut inst, &line);
        let ep = &v["VpcEndpoint"];
        let id = ep["VpcEndpointId"].as_str().unwrap().to_string();
        assert!(id.starts_with("vpce-0"), "{id}");
        assert_eq!(ep["VpcEndpointType"], "Interface");
        assert_eq!(ep["ServiceName"], "com.amazonaws.us-east-1.ecr.api");
        assert_eq!(ep["State"], "pending");
        assert_eq!(ep["PrivateDnsEnabled"], true);
        assert_eq!(ep["RouteTableIds"], json!([]));
        assert_eq!(
            ep["Groups"],
            json!([{"GroupId": sg, "GroupName": "legacy-bastion"}])
        );
        assert_eq!(ep["Tags"], json!([{"Key": "Name", "Value": "ecr-api"}]));
        assert_eq!(ep["NetworkInterfaceIds"].as_array().unwrap().len(), 2);
        assert_eq!(
            ep["DnsEntries"].as_array().unwrap().last().unwrap()["DnsName"],
            "api.ecr.us-east-1.amazonaws.com"
        );
        let w = inst.sim.world();
        assert_eq!(w.name("vpce:ecr-api"), Some(id.as_str()));
        let e = &w.vpc_endpoints[&id];
        assert_eq!(e.kind, EndpointKind::Interface);
        assert!(e.private_dns);
        assert_eq!(
            e.subnet_ids,
            [
                name(&inst, "subnet:private-a"),
                name(&inst, "subnet:private-b")
            ]
        );
        for (eni, subnet) in e.eni_ids.iter().zip(&e.subnet_ids) {
            let n = &w.enis[eni];
            assert_eq!(&n.subnet_id, subnet);
            assert_eq!(n.owner, EniOwner::Endpoint(id.clone()));
            assert_eq!(n.description, format!("VPC Endpoint Interface {id}"));
            assert_eq!(n.interface_type, "vpc_endpoint");
            assert_eq!(n.security_groups, std::slice::from_ref(&sg));
        }
        w.check_invariants().unwrap();

        // A second private-DNS endpoint for the service would shadow the first.
        let vpc = name(&inst, "vpc");
        let again = endpoint_cmd(&inst, "ecr.api", &format!("--security-group-ids {sg}"));
        assert_eq!(
            refused(&mut inst, &again),
            aws_text("InvalidParameter", "CreateVpcEndpoint", &format!("private-dns-enabled cannot be set because there is already a conflicting DNS domain for api.ecr.us-east-1.amazonaws.com in the VPC {vpc}"))
        );
        let no_dns = endpoint_cmd(&inst, "ecr.api", "--no-private-dns-enabled");
        let v = ok(&mut inst, &no_dns);
        assert_eq!(v["VpcEndpoint"]["PrivateDnsEnabled"], false);
        assert_eq!(v["VpcEndpoint"]["Groups"], json!([]));
        let dkr = endpoint_cmd(&inst, "ecr.dkr", "");
        ok(&mut inst, &dkr);
        assert_eq!(
            refused(&mut inst, &dkr),
            aws_text("InvalidParameter", "CreateVpcEndpoint", &format!("private-dns-enabled cannot be set because there is already a conflicting DNS domain for *.dkr.ecr.us-east-1.amazonaws.com in the VPC {vpc}"))
        );
    }

    #[test]
    fn create_vpc_endpoint_refusals_change_nothing() {
        let mut inst = instance(6);
        let op = "CreateVpcEndpoint";
        let vpc = name(&inst, "vpc");
        let (a, data_a) = (
            name(&inst, "subnet:private-a"),
            name(&inst, "subnet:data-a"),
        );
        let rtb = name(&inst, "rtb:private-a");
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.foo --subnet-ids {a}")),
            aws_text("InvalidServiceName", op, "The Vpc Endpoint Service 'com.amazonaws.us-east-1.foo' does not exist")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --service-name com.amazonaws.eu-west-1.logs")),
            aws_text("InvalidServiceName", op, "The Vpc Endpoint Service 'com.amazonaws.eu-west-1.logs' does not exist")
        );
        // The type defaults to Gateway, which ECR does not offer.
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --service-name com.amazonaws.us-east-1.ecr.api --route-table-ids {rtb}")),
            aws_text("InvalidParameter", op, "Endpoint type (Gateway) does not match available service types ([Interface]).")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.logs")),
            aws_text("InvalidParameter", op, "At least one subnet must be specified for an Interface type VPC Endpoint.")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.logs --subnet-ids {a} --route-table-ids {rtb}")),
            aws_text("InvalidParameter", op, "Route table IDs are only supported for Gateway type VPC Endpoint.")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.logs --subnet-ids {a} {data_a}")),
            aws_text("DuplicateSubnetsInSameZone", op, &format!("Found another VPC endpoint subnet in the availability zone of {data_a}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service."))
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.logs --subnet-ids {a} --security-group-ids sg-0123456789abcdef0")),
            aws_text("InvalidGroup.NotFound", op, "The security group 'sg-0123456789abcdef0' does not exist")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.s3 --subnet-ids {a}")),
            aws_text("InvalidParameter", op, "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.")
        );
        // shop-prod's S3 gateway endpoint already routes private-a.
        let pl = name(&inst, "pl:s3");
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --service-name com.amazonaws.us-east-1.s3 --route-table-ids {rtb}")),
            aws_text("RouteAlreadyExists", op, &format!("route table {rtb} already has a route with destination-prefix-list-id {pl}"))
        );
        assert_eq!(
            refused(&mut inst, "ec2 create-vpc-endpoint --vpc-id vpc-0123456789abcdef0 --service-name com.amazonaws.us-east-1.s3"),
            aws_text("InvalidVpcID.NotFound", op, "The vpc ID 'vpc-0123456789abcdef0' does not exist")
        );
        // Missing route tables and subnets read as every other EC2 operation has them.
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --service-name com.amazonaws.us-east-1.dynamodb --route-table-ids rtb-0123456789abcdef0")),
            aws_text("InvalidRouteTableID.NotFound", op, "The routeTable ID 'rtb-0123456789abcdef0' does not exist")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.logs --subnet-ids subnet-0123456789abcdef0")),
            aws_text("InvalidSubnetID.NotFound", op, "The subnet ID 'subnet-0123456789abcdef0' does not exist")
        );
    }

    #[test]
    fn gateway_endpoints_route_the_service_prefix_list() {
        let mut inst = instance(7);
        let vpc = name(&inst, "vpc");
        let data = name(&inst, "rtb:data");
        let pl = name(&inst, "pl:s3");
        let routes = inst.sim.world().route_tables[&data].routes.len();
        let v = ok(
            &mut inst,
            &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --service-name com.amazonaws.us-east-1.s3 --route-table-ids {data}"),
        );
        let ep = &v["VpcEndpoint"];
        let id = ep["VpcEndpointId"].as_str().unwrap().to_string();
        assert_eq!(ep["VpcEndpointType"], "Gateway");
        assert_eq!(ep["State"], "available");
        assert_eq!(ep["RouteTableIds"], json!([data]));
        assert!(ep["PolicyDocument"]
            .as_str()
            .unwrap()
            .contains("2008-10-17"));
        let t = &inst.sim.world().route_tables[&data];
        assert_eq!(t.routes.len(), routes + 1);
        let r = t.routes.last().unwrap();
        // One AWS-managed prefix list per service and region.
        assert_eq!(r.dest, RouteDest::PrefixList(pl.clone()));
        assert_eq!(r.target, RouteTarget::GatewayEndpoint(id.clone()));
        assert_eq!(r.origin, "CreateRoute");
        assert_eq!(
            inst.sim.world().vpc_endpoints[&id].prefix_list.as_deref(),
            Some(pl.as_str())
        );
        // DynamoDB gets a prefix list of its own.
        let v = ok(
            &mut inst,
            &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.dynamodb --route-table-ids {data}"),
        );
        let id = v["VpcEndpoint"]["VpcEndpointId"].as_str().unwrap();
        let dpl = inst.sim.world().vpc_endpoints[id]
            .prefix_list
            .clone()
            .unwrap();
        assert!(dpl.starts_with("pl-") && dpl != pl);
    }

    #[test]
    fn authorize_and_revoke_ingress_rules() {
        let mut inst = instance(8);
        let tasks = name(&inst, "sg:checkout-tasks");
        let alb = name(&inst, "sg:shop-alb");
        let acct = inst.sim.world().account.clone();
        let v = ok(
            &mut inst,
            &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tcp --port 443 --cidr 0.0.0.0/0"),
        );
        assert_eq!(v["Return"], true);
        let rules = v["SecurityGroupRules"].as_array().unwrap();
        assert_eq!(rules.len(), 1);
        let r = &rules[0];
        let rid = r["SecurityGroupRuleId"].as_str().unwrap().to_string();
        assert!(rid.starts_with("sgr-0"), "{rid}");
        assert_eq!(r["GroupId"], tasks);
        assert_eq!(r["GroupOwnerId"], acct);
        assert_eq!(r["IsEgress"], false);
        assert_eq!(r["IpProtocol"], "tcp");
        assert_eq!(
            (r["FromPort"].clone(), r["ToPort"].clone()),
            (json!(443), json!(443))
        );
        assert_eq!(r["CidrIpv4"], "0.0.0.0/0");
        assert!(r.get("ReferencedGroupInfo").is_none());
        let g = &inst.sim.world().security_groups[&tasks];
        let rule = g.ingress.iter().find(|x| x.id == rid).unwrap();
        assert_eq!(rule.cidrs, [Cidr::ANY]);
        assert!(rule.covers_tcp(443) && !rule.covers_tcp(444));

        let op = "AuthorizeSecurityGroupIngress";
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tcp --port 443 --cidr 0.0.0.0/0")),
            aws_text("InvalidPermission.Duplicate", op, "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 443, to port: 443, ALLOW\" already exists")
        );
        // The environment's own rule counts too.
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --ip-permissions IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{{GroupId={alb}}}]")),
            aws_text("InvalidPermission.Duplicate", op, &format!("the specified rule \"peer: {alb}, TCP, from port: 8080, to port: 8080, ALLOW\" already exists"))
        );

        // A source group, a port range, all protocols, JSON.
        let v = ok(
            &mut inst,
            &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tcp --port 1024-65535 --source-group {alb}"),
        );
        let r = &v["SecurityGroupRules"][0];
        assert_eq!(
            (r["FromPort"].clone(), r["ToPort"].clone()),
            (json!(1024), json!(65535))
        );
        assert_eq!(
            r["ReferencedGroupInfo"],
            json!({"GroupId": alb, "UserId": acct})
        );
        assert!(r.get("CidrIpv4").is_none());
        let v = ok(
            &mut inst,
            &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol all --cidr 10.40.0.0/16"),
        );
        let r = &v["SecurityGroupRules"][0];
        assert_eq!(r["IpProtocol"], "-1");
        assert_eq!(
            (r["FromPort"].clone(), r["ToPort"].clone()),
            (json!(-1), json!(-1))
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol -1 --cidr 10.40.0.0/16")),
            aws_text("InvalidPermission.Duplicate", op, "the specified rule \"peer: 10.40.0.0/16, ALL, ALLOW\" already exists")
        );
        let json_line = format!(
            "ec2 authorize-security-group-ingress --group-id {tasks} --ip-permissions '[{{\"IpProtocol\": \"udp\", \"FromPort\": 53, \"ToPort\": 53, \"IpRanges\": [{{\"CidrIp\": \"10.40.0.0/16\", \"Description\": \"dns\"}}, {{\"CidrIp\": \"10.41.0.0/16\"}}]}}]'"
        );
        let v = ok(&mut inst, &json_line);
        let rules = v["SecurityGroupRules"].as_array().unwrap();
        assert_eq!(rules.len(), 2, "one rule per peer");
        assert_eq!(rules[0]["Description"], "dns");
        assert_eq!(rules[1]["CidrIpv4"], "10.41.0.0/16");

        // Revoke removes exactly the rule named; then it is gone.
        let v = ok(
            &mut inst,
            &format!("ec2 revoke-security-group-ingress --group-id {tasks} --protocol tcp --port 443 --cidr 0.0.0.0/0"),
        );
        assert_eq!(v, json!({"Return": true}));
        assert!(!inst.sim.world().security_groups[&tasks]
            .ingress
            .iter()
            .any(|x| x.id == rid));
        let op = "RevokeSecurityGroupIngress";
        assert_eq!(
            refused(&mut inst, &format!("ec2 revoke-security-group-ingress --group-id {tasks} --protocol tcp --port 443 --cidr 0.0.0.0/0")),
            aws_text("InvalidPermission.NotFound", op, "The specified rule does not exist in this security group.")
        );
        // By rule id.
        let udp = rules[1]["SecurityGroupRuleId"]
            .as_str()
            .unwrap()
            .to_string();
        ok(
            &mut inst,
            &format!("ec2 revoke-security-group-ingress --group-id {tasks} --security-group-rule-ids {udp}"),
        );
        assert!(!inst.sim.world().security_groups[&tasks]
            .ingress
            .iter()
            .any(|x| x.id == udp));
        assert_eq!(
            refused(&mut inst, &format!("ec2 revoke-security-group-ingress --group-id {tasks} --security-group-rule-ids {udp}")),
            aws_text("InvalidSecurityGroupRuleId.NotFound", op, &format!("The security group rule ID '{udp}' does not exist"))
        );
    }

    #[test]
    fn security_group_rule_refusals_change_nothing() {
        let mut inst = instance(9);
        let tasks = name(&inst, "sg:checkout-tasks");
        let op = "AuthorizeSecurityGroupIngress";
        assert_eq!(
            refused(&mut inst, "ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 --protocol tcp --port 443 --cidr 0.0.0.0/0"),
            aws_text("InvalidGroup.NotFound", op, "The security group 'sg-0123456789abcdef0' does not exist")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tcp --port 443 --source-group sg-0123456789abcdef0")),
            aws_text("InvalidGroup.NotFound", op, "The security group 'sg-0123456789abcdef0' does not exist")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --ip-permissions IpProtocol=tcp,IpRanges=[{{CidrIp=0.0.0.0/0}}]")),
            aws_text("InvalidParameterValue", op, "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --ip-permissions IpProtocol=tcp,FromPort=-1,ToPort=443,IpRanges=[{{CidrIp=0.0.0.0/0}}]")),
            aws_text("InvalidPermission.Malformed", op, "TCP/UDP port (-1) out of range")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tcp --port 443 --cidr 0.0.0.0")),
            aws_text("InvalidParameterValue", op, "CIDR block 0.0.0.0 is malformed")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{{CidrIp=1.2.3.4/32}},{{CidrIp=1.2.3.4/32}}]")),
            aws_text("InvalidParameterValue", op, "The same permission must not appear multiple times")
        );
        // A duplicate anywhere in the request refuses all of it.
        let alb = name(&inst, "sg:shop-alb");
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --ip-permissions IpProtocol=tcp,FromPort=9000,ToPort=9000,IpRanges=[{{CidrIp=1.2.3.4/32}}] IpProtocol=-1,IpRanges=[{{CidrIp=0.0.0.0/0}}] IpProtocol=-1,UserIdGroupPairs=[{{GroupId={tasks}}}] IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{{GroupId={alb}}}]")),
            aws_text("InvalidPermission.Duplicate", op, &format!("the specified rule \"peer: {alb}, TCP, from port: 8080, to port: 8080, ALLOW\" already exists"))
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tcp --port https --cidr 0.0.0.0/0")),
            "port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)"
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tls --port 443 --cidr 0.0.0.0/0")),
            "protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number."
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-ingress --group-id {tasks} --protocol tcp --ip-permissions IpProtocol=tcp,FromPort=1,ToPort=1,IpRanges=[{{CidrIp=0.0.0.0/0}}]")),
            "The --protocol option is not compatible with the --ip-permissions option"
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-egress --group-id {tasks} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{{PrefixListId=pl-00000000}}]")),
            aws_text("InvalidPrefixListId.NotFound", "AuthorizeSecurityGroupEgress", "The prefix list ID 'pl-00000000' does not exist")
        );
        assert_eq!(
            refused(&mut inst, &format!("ec2 revoke-security-group-egress --group-id {tasks} --protocol tcp --port 443 --cidr 0.0.0.0/0")),
            aws_text("InvalidPermission.NotFound", "RevokeSecurityGroupEgress", "The specified rule does not exist in this security group.")
        );
    }

    #[test]
    fn egress_rules_to_prefix_lists_and_revoking_the_default() {
        let mut inst = instance(10);
        let tasks = name(&inst, "sg:checkout-tasks");
        let pl = name(&inst, "pl:s3");
        let v = ok(
            &mut inst,
            &format!("ec2 authorize-security-group-egress --group-id {tasks} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{{PrefixListId={pl}}}]"),
        );
        let r = &v["SecurityGroupRules"][0];
        assert_eq!(r["IsEgress"], true);
        assert_eq!(r["PrefixListId"], pl);
        ok(
            &mut inst,
            &format!("ec2 revoke-security-group-egress --group-id {tasks} --ip-permissions IpProtocol=-1,IpRanges=[{{CidrIp=0.0.0.0/0}}]"),
        );
        let g = &inst.sim.world().security_groups[&tasks];
        assert_eq!(g.egress.len(), 1);
        assert_eq!(g.egress[0].prefix_lists, std::slice::from_ref(&pl));
        assert_eq!(
            refused(&mut inst, &format!("ec2 authorize-security-group-egress --group-id {tasks} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{{PrefixListId={pl}}}]")),
            aws_text("InvalidPermission.Duplicate", "AuthorizeSecurityGroupEgress", &format!("the specified rule \"peer: {pl}, TCP, from port: 443, to port: 443, ALLOW\" already exists"))
        );
    }

    #[test]
    fn modify_subnet_attribute_maps_public_addresses() {
        let mut inst = instance(11);
        let s = name(&inst, "subnet:private-a");
        let v = ok(
            &mut inst,
            &format!("ec2 modify-subnet-attribute --subnet-id {s} --map-public-ip-on-launch"),
        );
        assert_eq!(v, json!({}));
        assert!(inst.sim.world().subnets[&s].map_public_ip_on_launch);
        ok(
            &mut inst,
            &format!("ec2 modify-subnet-attribute --subnet-id {s} --no-map-public-ip-on-launch"),
        );
        assert!(!inst.sim.world().subnets[&s].map_public_ip_on_launch);
        assert_eq!(
            refused(&mut inst, "ec2 modify-subnet-attribute --subnet-id subnet-0123456789abcdef0 --map-public-ip-on-launch"),
            aws_text("InvalidSubnetID.NotFound", "ModifySubnetAttribute", "The subnet ID 'subnet-0123456789abcdef0' does not exist")
        );
        assert_eq!(
            refused(
                &mut inst,
                &format!("ec2 modify-subnet-attribute --subnet-id {s}")
            ),
            aws_text(
                "MissingParameter",
                "ModifySubnetAttribute",
                "The request must contain the parameter mapPublicIpOnLaunch"
            )
        );
    }

    /// Private subnets without their NAT route: interface endpoints for what
    /// a task needs while starting (and the S3 gateway) let new tasks start.
    #[test]
    fn endpoints_instead_of_the_nat_route_let_the_deployment_finish() {
        let mut zones = BTreeSet::new();
        for seed in 1..=20 {
            let mut inst = instance(seed);
            if !zones.insert(inst.vars["zone"].clone()) {
                continue;
            }
            let vpc = name(&inst, "vpc");
            let (a, b) = (
                name(&inst, "subnet:private-a"),
                name(&inst, "subnet:private-b"),
            );
            let (tasks, endpoints) = (
                name(&inst, "sg:checkout-tasks"),
                name(&inst, "sg:legacy-bastion"),
            );
            ok(
                &mut inst,
                &format!("ec2 authorize-security-group-ingress --group-id {endpoints} --protocol tcp --port 443 --source-group {tasks}"),
            );
            for svc in ["ecr.api", "ecr.dkr", "logs", "secretsmanager"] {
                ok(
                    &mut inst,
                    &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.{svc} --subnet-ids {a} {b} --security-group-ids {endpoints}"),
                );
            }
            ok(
                &mut inst,
                "ecs update-service --cluster prod --service checkout --force-new-deployment",
            );
            inst.sim
                .run_for(30 * 60_000)
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert!(
                inst.sim.steady_since("prod", "checkout").is_some(),
                "seed {seed} (zone {}): the deployment did not finish",
                inst.vars["zone"]
            );
        }
        assert_eq!(zones.len(), 2, "both variants played");
    }

    /// The same without the endpoints, or with endpoints no group admits the
    /// tasks to (the VPC's default group): the faulted zone's tasks keep failing.
    #[test]
    fn without_reachable_endpoints_the_deployment_stays_stuck() {
        for with_endpoints in [false, true] {
            let mut inst = instance(1);
            if with_endpoints {
                let vpc = name(&inst, "vpc");
                let (a, b) = (
                    name(&inst, "subnet:private-a"),
                    name(&inst, "subnet:private-b"),
                );
                for svc in ["ecr.api", "ecr.dkr", "logs", "secretsmanager"] {
                    ok(
                        &mut inst,
                        &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.{svc} --subnet-ids {a} {b}"),
                    );
                }
            }
            ok(
                &mut inst,
                "ecs update-service --cluster prod --service checkout --force-new-deployment",
            );
            inst.sim.run_for(30 * 60_000).unwrap();
            assert!(
                inst.sim.steady_since("prod", "checkout").is_none(),
                "endpoints: {with_endpoints}"
            );
        }
    }
}
