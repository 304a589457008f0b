//! Mutating AWS operations, applied to the simulated world with AWS's own
//! validation and error texts: the table of every write operation (its CLI
//! name, API name, help and flags) here, their implementations one file per
//! concern beside it. Used by the scenario timeline and by the player's `fix`
//! commands; each runs inside [`crate::engine::Sim::change`], so it changes
//! the world only when it succeeds.
//!
//! Error texts are AWS's own, from the catalogue in [`crate::aws::errors`].

mod ec2;
mod ec2_endpoints;
mod ec2_nacls;
mod ec2_routes;
mod ec2_security_groups;
mod ec2_subnets;
mod ecs;
mod elbv2;
mod iam;
mod logs;
#[cfg(test)]
#[path = "response/tests.rs"]
mod response_tests;
mod service_quotas;
#[cfg(test)]
mod tests;

pub use ecs::{env_pairs, network_config, register};
pub use logs::create_log_group;

use crate::aws::catalogue::{flag, required, Complete, Flag, FlagKind, Op, WriteOp};
use ec2_endpoints::create_vpc_endpoint;
use ec2_nacls::{nacl_entry, NaclOp};
use ec2_routes::{
    associate_route_table, disassociate_route_table, replace_association, route, RouteOp,
};
use ec2_security_groups::{sg_rules, Direction, RuleOp};
use ec2_subnets::{create_eni, create_subnet, delete_eni, modify_subnet_attribute};
use ecs::{deregister_task_definition, register_task_definition, stop_task, update_service};
use elbv2::{deregister_targets, modify_listener, modify_target_group, register_targets};
use iam::{
    attach_policy, create_policy, delete_policy, delete_role_policy, put_role_policy, update_trust,
};
use logs::{delete_retention, log_group, retention};
use service_quotas::request_increase;

/// A write's response completed once the change is in the world, as AWS
/// answers it: UpdateService's `service` is the whole service as
/// DescribeServices shapes it, with the deployment the update started
/// (botocore's UpdateServiceResponse is `{service: Service}`; the CLI prints
/// all of it).
pub fn response(sim: &crate::engine::Sim, op: &WriteOp, v: serde_json::Value) -> serde_json::Value {
    use crate::aws::Reader;
    if op.api != "UpdateService" {
        return v;
    }
    let s = &v["service"];
    let (Some(cluster), Some(arn)) = (s["clusterArn"].as_str(), s["serviceArn"].as_str()) else {
        return v;
    };
    let input = crate::aws::Input::new()
        .with("cluster", cluster)
        .with("services", serde_json::json!([arn]));
    let described = crate::aws::account::read_request("ecs", "describe-services", input)
        .ok()
        .and_then(|req| sim.read(&req).ok());
    match described.as_ref().and_then(|d| d["services"].get(0)) {
        Some(full) => serde_json::json!({ "service": full }),
        None => v,
    }
}

const fn f(name: &'static str, kind: FlagKind, help: &'static str, complete: Complete) -> Flag {
    flag(name, kind, help, complete)
}
const fn req(name: &'static str, kind: FlagKind, help: &'static str, complete: Complete) -> Flag {
    required(name, kind, help, complete)
}
use Complete as C;
use FlagKind as K;

/// The flags of CreateNetworkAclEntry and ReplaceNetworkAclEntry.
const NACL_ENTRY: &[Flag] = &[
    req("network-acl-id", K::Str, "the network ACL", C::NetworkAcl),
    req(
        "rule-number",
        K::Int,
        "the rule number (1-32766; the lowest matching rule decides)",
        C::Nothing,
    ),
    req(
        "protocol",
        K::Str,
        "tcp, udp, icmp, -1 (all) or a protocol number",
        C::Choices(&["tcp", "udp", "icmp", "-1"]),
    ),
    req(
        "rule-action",
        K::Str,
        "allow or deny",
        C::Choices(&["allow", "deny"]),
    ),
    f("egress", K::Bool, "an outbound rule", C::Nothing),
    f("ingress", K::Bool, "an inbound rule", C::Nothing),
    req(
        "cidr-block",
        K::Str,
        "the other end's IPv4 range, e.g. 0.0.0.0/0",
        C::Nothing,
    ),
    f(
        "port-range",
        K::Structure,
        "From=1024,To=65535 (TCP and UDP)",
        C::Nothing,
    ),
];

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
// The security-group operations' flags: which group, the rules as
// IpPermissions, and the AWS CLI's shorthand for one rule.
const SG_ID: Flag = f("group-id", K::Str, "the security group", C::SecurityGroup);
const SG_ID_REQUIRED: Flag = req("group-id", K::Str, "the security group", C::SecurityGroup);
const SG_NAME: Flag = f(
    "group-name",
    K::Str,
    "the security group, by name (default VPC only)",
    C::Nothing,
);
const SG_RULE_IDS: Flag = f(
    "security-group-rule-ids",
    K::List,
    "the rules to remove, by id (sgr-...)",
    C::Nothing,
);
const fn sg_permissions(help: &'static str) -> Flag {
    f("ip-permissions", K::Structure, help, C::Nothing)
}
const PROTOCOL: Flag = f(
    "protocol",
    K::Str,
    "CLI shorthand: tcp, udp, icmp, all or a number",
    C::Choices(&["tcp", "udp", "icmp", "all"]),
);
const PORT: Flag = f(
    "port",
    K::Str,
    "CLI shorthand: a port or range (443, 1024-65535)",
    C::Nothing,
);
const CIDR: Flag = f("cidr", K::Str, "CLI shorthand: the CIDR range", C::Nothing);
const SOURCE_GROUP: Flag = f(
    "source-group",
    K::Str,
    "CLI shorthand: the source security group",
    C::SecurityGroup,
);
const DESTINATION_GROUP: Flag = f(
    "source-group",
    K::Str,
    "CLI shorthand: the destination security group",
    C::SecurityGroup,
);
const SOURCE_OWNER: Flag = f(
    "group-owner",
    K::Str,
    "CLI shorthand: the source group's account",
    C::Nothing,
);
const DESTINATION_OWNER: Flag = f(
    "group-owner",
    K::Str,
    "CLI shorthand: that group's account",
    C::Nothing,
);
const AUTHORIZED: &str =
    "rules: IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.0.0/16}]";
const AUTHORIZED_EGRESS: &str =
    "rules: IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]";
const REVOKED: &str = "the rules to remove, as they were authorized";

const SG_RULE: &[Flag] = &[
    SG_ID,
    SG_NAME,
    sg_permissions(AUTHORIZED),
    PROTOCOL,
    PORT,
    CIDR,
    SOURCE_GROUP,
    SOURCE_OWNER,
];
const SG_EGRESS: &[Flag] = &[
    SG_ID_REQUIRED,
    sg_permissions(AUTHORIZED_EGRESS),
    PROTOCOL,
    PORT,
    CIDR,
    DESTINATION_GROUP,
    DESTINATION_OWNER,
];
const SG_REVOKE_INGRESS: &[Flag] = &[
    SG_ID,
    SG_NAME,
    sg_permissions(REVOKED),
    SG_RULE_IDS,
    PROTOCOL,
    PORT,
    CIDR,
    SOURCE_GROUP,
    SOURCE_OWNER,
];
const SG_REVOKE_EGRESS: &[Flag] = &[
    SG_ID_REQUIRED,
    sg_permissions(REVOKED),
    SG_RULE_IDS,
    PROTOCOL,
    PORT,
    CIDR,
    DESTINATION_GROUP,
    DESTINATION_OWNER,
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
        "create-network-acl-entry",
        "CreateNetworkAclEntry",
        "Adds a numbered rule to a network ACL (inbound or outbound)",
        NACL_ENTRY,
        |s, i| nacl_entry(s, i, NaclOp::Create)
    ),
    op!(
        "ec2",
        "replace-network-acl-entry",
        "ReplaceNetworkAclEntry",
        "Replaces a numbered rule of a network ACL",
        NACL_ENTRY,
        |s, i| nacl_entry(s, i, NaclOp::Replace)
    ),
    op!(
        "ec2",
        "delete-network-acl-entry",
        "DeleteNetworkAclEntry",
        "Deletes a numbered rule from a network ACL",
        &[
            req("network-acl-id", K::Str, "the network ACL", C::NetworkAcl),
            req("rule-number", K::Int, "the rule number", C::Nothing),
            f("egress", K::Bool, "an outbound rule", C::Nothing),
            f("ingress", K::Bool, "an inbound rule", C::Nothing),
        ],
        |s, i| nacl_entry(s, i, NaclOp::Delete)
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
                "load-balancers",
                K::Structure,
                "targetGroupArn=...,containerName=...,containerPort=... (replaces the service's list)",
                C::Nothing
            ),
            f(
                "force-new-deployment",
                K::Bool,
                "start a new deployment even with nothing changed",
                C::Nothing
            ),
            f(
                "enable-execute-command",
                K::Bool,
                "turn ECS Exec on for tasks launched from now on (needs a task role)",
                C::Nothing
            ),
            f(
                "disable-execute-command",
                K::Bool,
                "turn ECS Exec off for tasks launched from now on",
                C::Nothing
            ),
            f(
                "deployment-configuration",
                K::Structure,
                "maximumPercent=200,minimumHealthyPercent=100,deploymentCircuitBreaker={enable=true,rollback=true}",
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
        "elbv2",
        "modify-target-group",
        "ModifyTargetGroup",
        "Changes a target group's health check (path, port, protocol, codes, timing)",
        &[
            req("target-group-arn", K::Str, "the target group", C::TargetGroup),
            f(
                "health-check-protocol",
                K::Str,
                "HTTP or HTTPS",
                C::Choices(&["HTTP", "HTTPS"])
            ),
            f(
                "health-check-port",
                K::Str,
                "traffic-port or a port number",
                C::Choices(&["traffic-port"])
            ),
            f(
                "health-check-path",
                K::Str,
                "the path checked, e.g. /healthz",
                C::Nothing
            ),
            f(
                "health-check-interval-seconds",
                K::Int,
                "seconds between checks (5-300)",
                C::Nothing
            ),
            f(
                "health-check-timeout-seconds",
                K::Int,
                "seconds before a check fails (2-120, below the interval)",
                C::Nothing
            ),
            f(
                "healthy-threshold-count",
                K::Int,
                "successes before healthy (2-10)",
                C::Nothing
            ),
            f(
                "unhealthy-threshold-count",
                K::Int,
                "failures before unhealthy (2-10)",
                C::Nothing
            ),
            f(
                "matcher",
                K::Structure,
                "success codes: HttpCode=200 (or 200-299, 200,302)",
                C::Nothing
            ),
        ],
        modify_target_group
    ),
    op!(
        "elbv2",
        "modify-listener",
        "ModifyListener",
        "Changes a listener's port or the target group its default action forwards to",
        &[
            req("listener-arn", K::Str, "the listener", C::Listener),
            f("port", K::Int, "the port it listens on", C::Nothing),
            f("protocol", K::Str, "HTTP", C::Choices(&["HTTP"])),
            f(
                "default-actions",
                K::Structure,
                "Type=forward,TargetGroupArn=...",
                C::Nothing
            ),
        ],
        modify_listener
    ),
    op!(
        "elbv2",
        "register-targets",
        "RegisterTargets",
        "Registers IP targets with a target group",
        &[
            req("target-group-arn", K::Str, "the target group", C::TargetGroup),
            req(
                "targets",
                K::Structure,
                "Id=<ip>,Port=<port> (several allowed)",
                C::Nothing
            ),
        ],
        register_targets
    ),
    op!(
        "elbv2",
        "deregister-targets",
        "DeregisterTargets",
        "Deregisters targets: they drain for the deregistration delay",
        &[
            req("target-group-arn", K::Str, "the target group", C::TargetGroup),
            req(
                "targets",
                K::Structure,
                "Id=<ip>,Port=<port> (several allowed)",
                C::Nothing
            ),
        ],
        deregister_targets
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
    op!(
        "ec2",
        "create-network-interface",
        "CreateNetworkInterface",
        "Creates a network interface in a subnet (it takes one of its addresses)",
        &[
            req("subnet-id", K::Str, "the subnet", C::Subnet),
            f("description", K::Str, "what it is for", C::Nothing),
            f("groups", K::List, "security group ids (default: the VPC's default group)", C::SecurityGroup),
            f(
                "tag-specifications",
                K::Structure,
                "ResourceType=network-interface,Tags=[{Key=k,Value=v}]",
                C::Nothing
            ),
        ],
        create_eni
    ),
    op!(
        "logs",
        "delete-retention-policy",
        "DeleteRetentionPolicy",
        "Removes a log group's retention: its events are kept forever",
        &[LOG_GROUP],
        delete_retention
    ),
    op!(
        "ecs",
        "deregister-task-definition",
        "DeregisterTaskDefinition",
        "Marks a task definition revision INACTIVE (running tasks go on)",
        &[req(
            "task-definition",
            K::Str,
            "family:revision or the revision's ARN",
            C::TaskDefinition
        )],
        deregister_task_definition
    ),
    op!(
        "iam",
        "create-policy",
        "CreatePolicy",
        "Creates a customer managed policy (version v1)",
        &[
            req("policy-name", K::Str, "the policy's name", C::Nothing),
            req(
                "policy-document",
                K::Str,
                "the policy JSON (a string, or file:// in your own CLI)",
                C::Nothing
            ),
            f("path", K::Str, "its path (default /)", C::Nothing),
            f("description", K::Str, "what it is for", C::Nothing),
            f("tags", K::Structure, "Key=k,Value=v ... (accepted, not kept)", C::Nothing),
        ],
        create_policy
    ),
    op!(
        "iam",
        "delete-policy",
        "DeletePolicy",
        "Deletes a customer managed policy attached to nothing",
        &[req("policy-arn", K::Str, "the policy's ARN", C::PolicyArn)],
        delete_policy
    ),
    op!(
        "service-quotas",
        "request-service-quota-increase",
        "RequestServiceQuotaIncrease",
        "Asks AWS to raise a quota (fargate L-3032A538: On-Demand vCPUs); a support case decides",
        &[
            super::service_quotas::SERVICE_CODE,
            super::service_quotas::QUOTA_CODE,
            req("desired-value", K::Str, "the new value asked for", C::Nothing),
        ],
        request_increase
    ),
];
