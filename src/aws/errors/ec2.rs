//! EC2: malformed and missing ids, describe requests, routes, subnets and
//! their route tables, VPC endpoints, security group rules.

use super::{bracketed, err};
use crate::aws::AwsError;
use std::fmt::Display;

// ---------------------------------------------------------------------------
// Ids and describe requests

// [I] the brief's text; AWS's reference gives the code only.
fn invalid_id(id: &str) -> String {
    format!("Invalid id: \"{id}\"")
}

/// [I] a VPC id of the wrong shape.
pub fn vpc_id_malformed(op: &str, id: &str) -> AwsError {
    err("InvalidVpcID.Malformed", op, invalid_id(id))
}

/// [I] a subnet id of the wrong shape.
pub fn subnet_id_malformed(op: &str, id: &str) -> AwsError {
    err("InvalidSubnetID.Malformed", op, invalid_id(id))
}

/// [I] a route table id of the wrong shape.
pub fn route_table_id_malformed(op: &str, id: &str) -> AwsError {
    err("InvalidRouteTableId.Malformed", op, invalid_id(id))
}

/// [I] a NAT gateway id of the wrong shape.
pub fn nat_gateway_id_malformed(op: &str, id: &str) -> AwsError {
    err(
        "NatGatewayMalformed",
        op,
        format!("The Nat Gateway ID '{id}' is malformed"),
    )
}

/// [I] an internet gateway id of the wrong shape.
pub fn internet_gateway_id_malformed(op: &str, id: &str) -> AwsError {
    err("InvalidInternetGatewayId.Malformed", op, invalid_id(id))
}

/// [V] a security group id of the wrong shape: "Invalid id: \"DSESecurityGroup\"
/// (expecting \"sg-...\")" (aws-ia/taskcat#14).
pub fn group_id_malformed(op: &str, id: &str) -> AwsError {
    err(
        "InvalidGroupId.Malformed",
        op,
        format!("Invalid id: \"{id}\" (expecting \"sg-...\")"),
    )
}

/// [I] a network interface id of the wrong shape.
pub fn network_interface_id_malformed(op: &str, id: &str) -> AwsError {
    err("InvalidNetworkInterfaceId.Malformed", op, invalid_id(id))
}

/// [I] a VPC endpoint id of the wrong shape.
pub fn vpc_endpoint_id_malformed(op: &str, id: &str) -> AwsError {
    err(
        "InvalidVpcEndpointId.Malformed",
        op,
        format!("Invalid Id: '{id}'"),
    )
}

/// [V] the EC2 text for a missing VPC.
pub fn vpc_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidVpcID.NotFound",
        op,
        format!("The vpc ID '{id}' does not exist"),
    )
}

/// [V] a missing subnet; quoted by ECS in "Error retrieving subnet
/// information" (moosefs/moosefs-csi#1).
pub fn subnet_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidSubnetID.NotFound",
        op,
        format!("The subnet ID '{id}' does not exist"),
    )
}

/// [V] a missing route table, as the route writes report it.
pub fn route_table_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidRouteTableID.NotFound",
        op,
        format!("The routeTable ID '{id}' does not exist"),
    )
}

/// [V] a missing NAT gateway in DescribeNatGateways: "NatGatewayNotFound: NAT
/// gateway nat-0f23ac5d3265a98ff was not found" (gruntwork-io/cloud-nuke#325).
pub fn nat_gateway_not_found(op: &str, id: &str) -> AwsError {
    err(
        "NatGatewayNotFound",
        op,
        format!("NAT gateway {id} was not found"),
    )
}

/// [I] a missing internet gateway, in the pattern of the other EC2 NotFound texts.
pub fn internet_gateway_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidInternetGatewayID.NotFound",
        op,
        format!("The internetGateway ID '{id}' does not exist"),
    )
}

/// [V] a missing security group.
pub fn group_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidGroup.NotFound",
        op,
        format!("The security group '{id}' does not exist"),
    )
}

/// [I] a missing network interface, in the pattern of the other EC2 NotFound texts.
pub fn network_interface_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidNetworkInterfaceID.NotFound",
        op,
        format!("The networkInterface ID '{id}' does not exist"),
    )
}

/// [I] a missing VPC endpoint.
pub fn vpc_endpoint_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidVpcEndpointId.NotFound",
        op,
        format!("The Vpc Endpoint Id '{id}' does not exist"),
    )
}

fn filter_text(name: &str) -> String {
    format!("The filter '{name}' is invalid")
}

/// [V] "The filter 'x' is invalid": a filter name the operation does not know.
pub fn filter_invalid(op: &str, name: &str) -> AwsError {
    err("InvalidParameterValue", op, filter_text(name))
}

/// [V] the same text as [`filter_invalid`], with the code DescribeVpcEndpoints uses.
pub fn vpc_endpoint_filter_invalid(op: &str, name: &str) -> AwsError {
    err("InvalidFilter", op, filter_text(name))
}

/// [V] a request with `--dry-run` that would have succeeded.
pub fn dry_run(op: &str) -> AwsError {
    err(
        "DryRunOperation",
        op,
        "Request would have succeeded, but DryRun flag is set.",
    )
}

/// [V] security groups asked for by name in an account without a default VPC
/// (gruntwork-io/kubergrunt#106).
pub fn no_default_vpc(op: &str) -> AwsError {
    err(
        "VPCIdNotSpecified",
        op,
        "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
    )
}

/// [I] a tag specification for a resource type the operation does not create.
pub fn tag_resource_type_invalid(op: &str, resource_type: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("'{resource_type}' is not a valid taggable resource type for this operation."),
    )
}

// ---------------------------------------------------------------------------
// EC2: routes and network interfaces

/// [I] (no source recorded) CreateRoute with a NAT gateway that does not exist.
pub fn route_nat_gateway_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidNatGatewayID.NotFound",
        op,
        format!("The natGateway ID '{id}' does not exist"),
    )
}

/// [I] (no source recorded) CreateRoute with a gateway that does not exist.
pub fn route_gateway_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidGatewayID.NotFound",
        op,
        format!("The gateway ID '{id}' does not exist"),
    )
}

/// [I] (no source recorded) a route without a target.
pub fn route_target_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "The request must contain exactly one of gatewayId, natGatewayId, vpcEndpointId, networkInterfaceId, vpcPeeringConnectionId, transitGatewayId, localGatewayId, carrierGatewayId or coreNetworkArn",
    )
}

/// [I] (no source recorded) a route with more than one target.
pub fn route_targets_several(op: &str) -> AwsError {
    err(
        "InvalidParameterCombination",
        op,
        "More than one target specified",
    )
}

/// [I] (no source recorded) a route destination that is not a CIDR block.
pub fn route_destination_invalid(op: &str, destination: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Value ({destination}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block."),
    )
}

/// [I] (no source recorded) CreateRoute for a destination the table already routes.
pub fn route_already_exists(op: &str, cidr: impl Display) -> AwsError {
    err(
        "RouteAlreadyExists",
        op,
        format!("The route identified by {cidr} already exists."),
    )
}

/// CreateRoute past the routes-per-table quota. Code and meaning [V: EC2 API
/// error codes, "RouteLimitExceeded"]; the message [I].
pub fn route_limit_exceeded(op: &str, table: &str, limit: usize) -> AwsError {
    err(
        "RouteLimitExceeded",
        op,
        format!(
            "The maximum number of routes ({limit}) for route table '{table}' has been reached."
        ),
    )
}

/// CreateSubnet past the subnets-per-VPC quota. Code and meaning [V: EC2 API
/// error codes, "SubnetLimitExceeded"]; the message [I].
pub fn subnet_limit_exceeded(op: &str, vpc: &str, limit: usize) -> AwsError {
    err(
        "SubnetLimitExceeded",
        op,
        format!("The maximum number of subnets ({limit}) for VPC '{vpc}' has been reached."),
    )
}

/// [I] (no source recorded) ReplaceRoute for a destination the table does not route.
pub fn route_to_replace_not_found(op: &str, cidr: impl Display) -> AwsError {
    err(
        "InvalidRoute.NotFound",
        op,
        format!(
            "There is no route defined for '{cidr}' in the route table. Use CreateRoute instead."
        ),
    )
}

/// [I] (no source recorded) DeleteRoute for a destination the table does not route.
pub fn route_to_delete_not_found(op: &str, cidr: impl Display, table: &str) -> AwsError {
    err(
        "InvalidRoute.NotFound",
        op,
        format!("no route with destination-cidr-block {cidr} in route table {table}"),
    )
}

/// [I] (no source recorded) DeleteRoute of the VPC's local route.
pub fn local_route_undeletable(op: &str, cidr: impl Display, table: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("cannot remove local route {cidr} in route table {table}"),
    )
}

/// [I] (no source recorded) DeleteNetworkInterface of an attached interface.
pub fn network_interface_in_use(op: &str, id: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Network interface '{id}' is currently in use."),
    )
}

// ---------------------------------------------------------------------------
// EC2: subnets and route table associations

/// [I] a subnet block that is not a CIDR block, as CreateRoute words a malformed block.
pub fn subnet_cidr_invalid(op: &str, block: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!(
            "Value ({block}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
        ),
    )
}

/// [V] "The CIDR '10.10.1.0/24' is invalid." (pulumi/pulumi-awsx#111): outside
/// the VPC, outside /16../28, or host bits set.
pub fn subnet_range_invalid(op: &str, block: &str) -> AwsError {
    err(
        "InvalidSubnet.Range",
        op,
        format!("The CIDR '{block}' is invalid."),
    )
}

/// [V] a subnet overlapping another of the VPC (hashicorp/terraform#24317).
pub fn subnet_conflict(op: &str, block: &str) -> AwsError {
    err(
        "InvalidSubnet.Conflict",
        op,
        format!("The CIDR '{block}' conflicts with another subnet"),
    )
}

/// [I] both a zone and a zone id.
pub fn zone_and_zone_id(op: &str) -> AwsError {
    err(
        "InvalidParameterCombination",
        op,
        "Only one of availabilityZone or availabilityZoneId may be specified.",
    )
}

/// [V] a zone subnets cannot be created in (kz8s/tack#67).
pub fn zone_invalid(op: &str, zone: &str, zones: &[String]) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Value ({zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {}.", zones.join(", ")),
    )
}

/// [I] a zone id subnets cannot be created in, in the words of [`zone_invalid`].
pub fn zone_id_invalid(op: &str, zone_id: &str, zone_ids: &[String]) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Value ({zone_id}) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zone ids: {}.", zone_ids.join(", ")),
    )
}

/// [I] ModifySubnetAttribute without an attribute.
pub fn subnet_attribute_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "The request must contain the parameter mapPublicIpOnLaunch",
    )
}

/// [I] a missing route table association, in the pattern of the other EC2 NotFound texts.
pub fn association_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidAssociationID.NotFound",
        op,
        format!("The association ID '{id}' does not exist"),
    )
}

/// [I] a route table and a subnet of different VPCs.
pub fn route_table_subnet_other_vpc(op: &str, table: &str, subnet: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("route table {table} and subnet {subnet} belong to different networks"),
    )
}

/// [V] a subnet that already has an explicit association
/// (hashicorp/terraform-provider-aws#38960).
pub fn subnet_already_associated(op: &str, table: &str) -> AwsError {
    err(
        "Resource.AlreadyAssociated",
        op,
        format!("the specified association for route table {table} conflicts with an existing association"),
    )
}

/// [I] a route table and an association of different VPCs.
pub fn route_table_association_other_vpc(op: &str, table: &str, association: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("route table {table} and association {association} belong to different networks"),
    )
}

/// [I] DisassociateRouteTable of the main association.
pub fn main_association_undisassociable(op: &str, association: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("cannot disassociate the main route table association {association}"),
    )
}

// ---------------------------------------------------------------------------
// EC2: VPC endpoints

/// [V] an endpoint service the region does not offer
/// (terraform-aws-modules/terraform-aws-vpc#481).
pub fn endpoint_service_not_found(op: &str, service_name: &str) -> AwsError {
    err(
        "InvalidServiceName",
        op,
        format!("The Vpc Endpoint Service '{service_name}' does not exist"),
    )
}

/// [V] an endpoint type the service does not offer (hashicorp/terraform#24478).
pub fn endpoint_type_mismatch(op: &str, kind: &str, types: &[&str]) -> AwsError {
    err(
        "InvalidParameter",
        op,
        format!(
            "Endpoint type ({kind}) does not match available service types ({}).",
            bracketed(types)
        ),
    )
}

/// [V] subnets for a Gateway endpoint (nanlabs/terraform-aws-starter#18).
pub fn gateway_endpoint_subnets(op: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.",
    )
}

/// [I] security groups for a Gateway endpoint, in the words of [`gateway_endpoint_subnets`].
pub fn gateway_endpoint_groups(op: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        "Security group IDs are only supported for Interface type VPC Endpoints.",
    )
}

/// [I] private DNS for a Gateway endpoint.
pub fn gateway_endpoint_private_dns(op: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        "Private DNS can only be enabled for Interface type VPC Endpoints.",
    )
}

/// [I] a route table of another VPC for a Gateway endpoint.
pub fn endpoint_route_table_other_vpc(op: &str, table: &str, vpc: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        format!("Route table {table} does not belong to VPC {vpc}."),
    )
}

/// [I] a route table that already routes the service's prefix list.
pub fn endpoint_route_exists(op: &str, table: &str, prefix_list: &str) -> AwsError {
    err(
        "RouteAlreadyExists",
        op,
        format!(
            "route table {table} already has a route with destination-prefix-list-id {prefix_list}"
        ),
    )
}

/// [V] route tables for an Interface endpoint (ansible-collections/amazon.aws#576).
pub fn interface_endpoint_route_tables(op: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        "Route table IDs are only supported for Gateway type VPC Endpoint.",
    )
}

/// [I] an Interface endpoint without subnets.
pub fn interface_endpoint_no_subnets(op: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        "At least one subnet must be specified for an Interface type VPC Endpoint.",
    )
}

/// [I] a subnet of another VPC for an Interface endpoint.
pub fn endpoint_subnet_other_vpc(op: &str, subnet: &str, vpc: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        format!("The subnet {subnet} does not belong to VPC {vpc}."),
    )
}

/// [V] two subnets of one zone for an Interface endpoint
/// (terraform-aws-modules/terraform-aws-vpc#583).
pub fn endpoint_subnets_same_zone(op: &str, subnet: &str) -> AwsError {
    err(
        "DuplicateSubnetsInSameZone",
        op,
        format!("Found another VPC endpoint subnet in the availability zone of {subnet}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service."),
    )
}

/// [I] a subnet without a free address, in the words of RunInstances.
pub fn subnet_addresses_exhausted(op: &str, subnet: &str) -> AwsError {
    err(
        "InsufficientFreeAddressesInSubnet",
        op,
        format!("There are not enough free addresses in subnet '{subnet}' to satisfy the requested number of instances."),
    )
}

/// [I] private DNS in a VPC without DNS support and hostnames.
pub fn private_dns_needs_vpc_dns(op: &str, vpc: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        format!("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {vpc}"),
    )
}

/// [V] a second private-DNS endpoint of one service in a VPC
/// (hashicorp/terraform-provider-aws#17535).
pub fn private_dns_conflict(op: &str, domain: &str, vpc: &str) -> AwsError {
    err(
        "InvalidParameter",
        op,
        format!("private-dns-enabled cannot be set because there is already a conflicting DNS domain for {domain} in the VPC {vpc}"),
    )
}

// ---------------------------------------------------------------------------
// EC2: security group rules

/// [I] a permission without a protocol.
pub fn permission_protocol_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "The request must contain the parameter ipPermissions.ipProtocol",
    )
}

/// [I] a protocol EC2 does not know.
pub fn permission_protocol_unknown(op: &str, protocol: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Invalid value '{protocol}' for IP protocol. Unknown protocol."),
    )
}

/// [V] a TCP or UDP permission without both ports (chef-boneyard/chef-provisioning-aws#183).
pub fn port_range_missing(op: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
    )
}

/// [V] a TCP or UDP port outside 0..65535 (boto/boto3#336).
pub fn port_out_of_range(op: &str, port: i64) -> AwsError {
    err(
        "InvalidPermission.Malformed",
        op,
        format!("TCP/UDP port ({port}) out of range"),
    )
}

/// [I] a port range whose start is after its end.
pub fn port_range_reversed(op: &str, from: i64, to: i64) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Invalid value 'The from port ({from}) must not be greater than the to port ({to}).' for portRange."),
    )
}

/// [V] an ICMP permission without type and code (martysweet/cfn-lint#6).
pub fn icmp_range_missing(op: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        "Invalid value 'Must specify both from and to ports with ICMP.' for portRange.",
    )
}

/// [I] an ICMP type or code outside -1..255.
pub fn icmp_out_of_range(op: &str, value: i64) -> AwsError {
    err(
        "InvalidPermission.Malformed",
        op,
        format!("ICMP type or code ({value}) out of range"),
    )
}

/// [V] a security group named rather than given by id, where names select
/// groups of the default VPC only and the account has none (boto/boto3#1697;
/// [I] for a group pair of a permission, where it is inferred the same).
pub fn group_name_not_in_default_vpc(op: &str, name: &str) -> AwsError {
    err(
        "InvalidGroup.NotFound",
        op,
        format!("The security group '{name}' does not exist in default VPC 'none'"),
    )
}

/// [I] a group pair without a group id.
pub fn group_pair_id_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "The request must contain the parameter groupId",
    )
}

/// [I] a permission without a peer.
pub fn permission_peer_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "The request must contain the parameter ipRanges, userIdGroupPairs or prefixListIds",
    )
}

/// [V] "CIDR block ::/0 is malformed" (aws/aws-cli#2428).
pub fn cidr_malformed(op: &str, text: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("CIDR block {text} is malformed"),
    )
}

/// [I] an ingress rule request naming no group.
pub fn group_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "The request must contain the parameter groupName or groupId",
    )
}

/// [I] a rule request with neither permissions nor rule ids.
pub fn permissions_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "Either 'ipPermissions' or 'securityGroupRuleIds' should be provided.",
    )
}

/// [I] a prefix list that does not exist.
pub fn prefix_list_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidPrefixListId.NotFound",
        op,
        format!("The prefix list ID '{id}' does not exist"),
    )
}

/// [V] one permission twice in a request (input-output-hk/bitte#24).
pub fn permission_repeated(op: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        "The same permission must not appear multiple times",
    )
}

/// [V] a rule the group already has (hashicorp/terraform#1874,
/// lucidsoftware/cumulus#101); `rule` as EC2 describes it.
pub fn permission_duplicate(op: &str, rule: &str) -> AwsError {
    err(
        "InvalidPermission.Duplicate",
        op,
        format!("the specified rule \"{rule}\" already exists"),
    )
}

/// [I] a security group rule id that does not exist.
pub fn security_group_rule_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidSecurityGroupRuleId.NotFound",
        op,
        format!("The security group rule ID '{id}' does not exist"),
    )
}

/// [V] revoking a rule the group does not have (cloud-custodian/cloud-custodian#9656).
pub fn permission_not_found(op: &str) -> AwsError {
    err(
        "InvalidPermission.NotFound",
        op,
        "The specified rule does not exist in this security group.",
    )
}

/// [I] a network ACL id that does not exist (the code is EC2's; the message
/// in the shape of the other `...ID.NotFound` texts).
pub fn network_acl_not_found(op: &str, id: &str) -> AwsError {
    err(
        "InvalidNetworkAclID.NotFound",
        op,
        format!("The networkAcl ID '{id}' does not exist"),
    )
}

/// [I] a network ACL id of the wrong shape (EC2 answers it as not found).
pub fn network_acl_id_malformed(op: &str, id: &str) -> AwsError {
    network_acl_not_found(op, id)
}

/// [I] CreateNetworkAclEntry with a rule number the direction already has
/// (the code is EC2's; the message as EC2 words it, from memory of real output).
pub fn nacl_entry_exists(op: &str, rule: u32) -> AwsError {
    err(
        "NetworkAclEntryAlreadyExists",
        op,
        format!("The network acl entry identified by {rule} already exists."),
    )
}

/// [I] ReplaceNetworkAclEntry or DeleteNetworkAclEntry of a rule the
/// direction does not have.
pub fn nacl_entry_not_found(op: &str, rule: u32, egress: bool) -> AwsError {
    err(
        "InvalidNetworkAclEntry.NotFound",
        op,
        format!(
            "The network acl entry identified by {rule} ({}) does not exist.",
            if egress { "egress" } else { "ingress" }
        ),
    )
}

/// [I] a rule number outside 1..=32766.
pub fn nacl_rule_number_invalid(op: &str, rule: i64) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Value ({rule}) for parameter ruleNumber is invalid. Rule number must be between 1 and 32766."),
    )
}

/// [I] a TCP or UDP rule without a port range.
pub fn nacl_port_range_missing(op: &str) -> AwsError {
    err(
        "MissingParameter",
        op,
        "The request must contain the parameter portRange",
    )
}

/// [I] a protocol that is neither a name EC2 knows nor a protocol number.
pub fn nacl_protocol_invalid(op: &str, p: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Invalid value '{p}' for protocol. Must be a protocol number or one of tcp, udp, icmp, all, -1."),
    )
}

/// [I] a rule action other than allow or deny.
pub fn nacl_rule_action_invalid(op: &str, a: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        format!("Value ({a}) for parameter ruleAction is invalid. Must be allow or deny."),
    )
}

/// [I] a port range whose From is above its To, or out of 0..=65535.
pub fn nacl_port_range_invalid(op: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        "Invalid value for portRange. Must be a valid port range (From <= To, 0-65535).",
    )
}

/// [I] the default rule (*) cannot be changed.
pub fn nacl_default_rule(op: &str) -> AwsError {
    err(
        "InvalidParameterValue",
        op,
        "The default rule (32767) of a network ACL cannot be modified.",
    )
}
