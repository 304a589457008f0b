//! The write operations driven through the AWS CLI front end: what they
//! change, and what a refused command leaves alone.

use super::ec2_routes::find_association;
use crate::scenario::{Instance, Mode, Scenario};
use crate::world::{Cidr, EndpointKind, EniOwner, RouteDest, RouteTarget, World};
use serde_json::{json, Value};
use std::collections::BTreeSet;
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
    let conflict = format!(
        "the specified association for route table {rtb_b} conflicts with an existing association"
    );
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
            &format!("ec2 associate-route-table --route-table-id {rtb_b} --subnet-id {private_a}")
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
        &format!(
            "ec2 replace-route-table-association --association-id {assoc} --route-table-id {rtb_b}"
        ),
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
        &format!(
            "ec2 replace-route-table-association --association-id {main} --route-table-id {data}"
        ),
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
        &format!(
            "ec2 revoke-security-group-ingress --group-id {tasks} --security-group-rule-ids {udp}"
        ),
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

/// AWS's own limits, with AWS's codes: a refused command changes nothing.
#[test]
fn aws_quotas_bound_what_a_fix_can_create() {
    let mut inst = instance(1);
    let op = "UpdateService";
    assert!(refused(
        &mut inst,
        "ecs update-service --cluster prod --service checkout --desired-count 100000"
    )
    .starts_with(&aws_text(
        "InvalidParameterException",
        op,
        "desiredCount 100000 exceeds"
    )));
    assert!(refused(
        &mut inst,
        "ecs update-service --cluster prod --service checkout --desired-count -1"
    )
    .starts_with(&aws_text(
        "InvalidParameterException",
        op,
        "desiredCount -1 is invalid"
    )));
    ok(
        &mut inst,
        "ecs update-service --cluster prod --service checkout --desired-count 5000",
    );

    // Routes: 50 a table.
    let rtb = name(&inst, "rtb:private-a");
    let have = inst.sim.world().route_tables[&rtb].routes.len();
    let nat = name(&inst, &format!("nat:{}", "nat-a"));
    for i in have..crate::limits::MAX_ROUTES {
        ok(
            &mut inst,
            &format!("ec2 create-route --route-table-id {rtb} --destination-cidr-block 192.168.{i}.0/24 --nat-gateway-id {nat}"),
        );
    }
    assert_eq!(
        refused(
            &mut inst,
            &format!("ec2 create-route --route-table-id {rtb} --destination-cidr-block 192.169.0.0/24 --nat-gateway-id {nat}"),
        ),
        aws_text(
            "RouteLimitExceeded",
            "CreateRoute",
            &format!("The maximum number of routes (50) for route table '{rtb}' has been reached.")
        )
    );

    // Subnets: 200 a VPC.
    let vpc = name(&inst, "vpc");
    let have = inst
        .sim
        .world()
        .subnets
        .values()
        .filter(|s| s.vpc_id == vpc)
        .count();
    for i in have..crate::limits::MAX_SUBNETS {
        ok(
            &mut inst,
            &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.{}.{}/28 --availability-zone us-east-1a", 100 + i / 16, (i % 16) * 16),
        );
    }
    assert_eq!(
        refused(
            &mut inst,
            &format!("ec2 create-subnet --vpc-id {vpc} --cidr-block 10.40.250.0/28 --availability-zone us-east-1a"),
        ),
        aws_text(
            "SubnetLimitExceeded",
            "CreateSubnet",
            &format!("The maximum number of subnets (200) for VPC '{vpc}' has been reached.")
        )
    );
}

/// RequestServiceQuotaIncrease answers `{RequestedQuota: ...}` in the model's
/// RequestedServiceQuotaChange shape, as the CLI's example shows it; the
/// request opens a case after a while and the quota keeps its value.
#[test]
fn a_quota_increase_request_in_the_models_shape() {
    let mut inst = instance(1);
    let (account, region) = {
        let w = inst.sim.world();
        (w.account.clone(), w.region.clone())
    };
    let v = ok(
        &mut inst,
        "service-quotas request-service-quota-increase --service-code fargate --quota-code L-3032A538 --desired-value 2000",
    );
    let q = &v["RequestedQuota"];
    let keys: Vec<&str> = q.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "Id",
            "ServiceCode",
            "ServiceName",
            "QuotaCode",
            "QuotaName",
            "DesiredValue",
            "Status",
            "Created",
            "Requester",
            "QuotaArn",
            "GlobalQuota",
            "Unit"
        ]
    );
    assert_eq!(q["ServiceName"], "AWS Fargate");
    assert_eq!(q["QuotaName"], "Fargate On-Demand vCPU resource count");
    assert_eq!(q["DesiredValue"], json!(2000.0));
    assert_eq!(q["Status"], "PENDING");
    assert_eq!(q["Id"].as_str().unwrap().len(), 40);
    assert_eq!(
        q["Requester"],
        format!("{{\"accountId\":\"{account}\",\"callerArn\":\"arn:aws:sts::{account}:assumed-role/OnCallEngineer/oncall\"}}")
    );
    assert_eq!(
        q["QuotaArn"],
        format!("arn:aws:servicequotas:{region}:{account}:fargate/L-3032A538")
    );
    // The quota itself is unchanged: a support case decides.
    assert_eq!(inst.sim.world().quota_value("L-3032A538"), 1000.0);

    // One open request per quota; an increase must be an increase.
    let op = "RequestServiceQuotaIncrease";
    assert_eq!(
        refused(
            &mut inst,
            "service-quotas request-service-quota-increase --service-code fargate --quota-code L-3032A538 --desired-value 3000",
        ),
        aws_text(
            "ResourceAlreadyExistsException",
            op,
            "Only one open service quota increase request is allowed per quota."
        )
    );
    assert!(refused(
        &mut inst,
        "service-quotas request-service-quota-increase --service-code fargate --quota-code L-36FBB829 --desired-value 10",
    )
    .starts_with(&aws_text("IllegalArgumentException", op, "")));
    assert!(refused(
        &mut inst,
        "service-quotas request-service-quota-increase --service-code fargate --quota-code L-00000000 --desired-value 10",
    )
    .starts_with(&aws_text("NoSuchResourceException", op, "")));

    // The history shows it, PENDING, then CASE_OPENED with a case id.
    let list = "service-quotas list-requested-service-quota-change-history-by-quota --service-code fargate --quota-code L-3032A538";
    let h = crate::awscli::command::read(&inst.sim, list).unwrap().1;
    assert_eq!(h["RequestedQuotas"][0]["Id"], q["Id"]);
    assert_eq!(h["RequestedQuotas"][0]["Status"], "PENDING");
    inst.sim.run_for(15 * crate::time::MINUTE).unwrap();
    let h = crate::awscli::command::read(&inst.sim, list).unwrap().1;
    let r = &h["RequestedQuotas"][0];
    assert_eq!(r["Status"], "CASE_OPENED");
    assert_eq!(r["CaseId"].as_str().unwrap().len(), 10);
    assert!(r["LastUpdated"].is_string());
    assert_eq!(inst.sim.world().quota_value("L-3032A538"), 1000.0);
}

#[test]
fn a_created_network_interface_takes_an_address_keeps_its_tags_and_is_deleted() {
    let mut inst = instance(1);
    let subnet = name(&inst, "subnet:private-b");
    let free = |inst: &Instance| {
        crate::awscli::command::read(
            &inst.sim,
            &format!("ec2 describe-subnets --subnet-ids {subnet}"),
        )
        .unwrap()
        .1["Subnets"][0]["AvailableIpAddressCount"]
            .as_u64()
            .unwrap()
    };
    let before = free(&inst);
    let v = ok(
        &mut inst,
        &format!(
            "ec2 create-network-interface --subnet-id {subnet} --description batch \
             --tag-specifications 'ResourceType=network-interface,Tags=[{{Key=faultline:run,Value=run-1}}]'"
        ),
    );
    let eni = &v["NetworkInterface"];
    assert_eq!(eni["Status"], "available");
    assert_eq!(eni["Description"], "batch");
    assert_eq!(eni["SubnetId"], json!(subnet));
    assert_eq!(
        eni["TagSet"],
        json!([{"Key": "faultline:run", "Value": "run-1"}])
    );
    assert_eq!(eni["RequesterManaged"], json!(false));
    assert_eq!(free(&inst), before - 1);
    let id = eni["NetworkInterfaceId"].as_str().unwrap().to_string();
    let found = crate::awscli::command::read(
        &inst.sim,
        "ec2 describe-network-interfaces --filters Name=tag:faultline:run,Values=run-1",
    )
    .unwrap()
    .1;
    assert_eq!(
        found["NetworkInterfaces"][0]["NetworkInterfaceId"],
        json!(id)
    );
    ok(
        &mut inst,
        &format!("ec2 delete-network-interface --network-interface-id {id}"),
    );
    assert_eq!(free(&inst), before);
    let e = refused(
        &mut inst,
        "ec2 create-network-interface --subnet-id subnet-0123456789abcdef0",
    );
    assert!(e.contains("InvalidSubnetID.NotFound"), "{e}");
}

#[test]
fn a_customer_policy_is_created_listed_and_deleted_once_detached() {
    let mut inst = instance(1);
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}"#;
    let v = ok(
        &mut inst,
        &format!("iam create-policy --policy-name extra-logs --policy-document '{doc}'"),
    );
    let arn = v["Policy"]["Arn"].as_str().unwrap().to_string();
    assert_eq!(
        arn,
        format!(
            "arn:aws:iam::{}:policy/extra-logs",
            inst.sim.world().account
        )
    );
    assert_eq!(v["Policy"]["DefaultVersionId"], "v1");
    let e = refused(
        &mut inst,
        &format!("iam create-policy --policy-name extra-logs --policy-document '{doc}'"),
    );
    assert!(
        e.contains("(EntityAlreadyExists)")
            && e.contains("A policy called extra-logs already exists."),
        "{e}"
    );
    let versions = crate::awscli::command::read(
        &inst.sim,
        &format!("iam list-policy-versions --policy-arn {arn}"),
    )
    .unwrap()
    .1;
    assert_eq!(versions["Versions"][0]["VersionId"], "v1");
    assert_eq!(versions["Versions"][0]["IsDefaultVersion"], true);
    ok(
        &mut inst,
        &format!("iam attach-role-policy --role-name checkout-task --policy-arn {arn}"),
    );
    let e = refused(&mut inst, &format!("iam delete-policy --policy-arn {arn}"));
    assert!(e.contains("(DeleteConflict)"), "{e}");
    ok(
        &mut inst,
        &format!("iam detach-role-policy --role-name checkout-task --policy-arn {arn}"),
    );
    ok(&mut inst, &format!("iam delete-policy --policy-arn {arn}"));
    assert!(!inst.sim.world().policies.contains_key(&arn));
}

#[test]
fn deregistering_a_revision_makes_it_inactive_and_retention_can_be_removed() {
    let mut inst = instance(1);
    let v = ok(
        &mut inst,
        "ecs deregister-task-definition --task-definition checkout-api:1",
    );
    assert_eq!(v["taskDefinition"]["status"], "INACTIVE");
    assert_eq!(v["taskDefinition"]["revision"], 1);
    let e = refused(
        &mut inst,
        "ecs deregister-task-definition --task-definition checkout-api",
    );
    assert!(e.contains("(ClientException)"), "{e}");
    ok(
        &mut inst,
        "logs put-retention-policy --log-group-name /ecs/checkout-api --retention-in-days 14",
    );
    assert_eq!(
        ok(
            &mut inst,
            "logs delete-retention-policy --log-group-name /ecs/checkout-api"
        ),
        json!({})
    );
    assert_eq!(
        inst.sim.world().log_groups["/ecs/checkout-api"].retention_days,
        None
    );
}
