//! The `ec2` read operations driven through the AWS CLI front end.

use super::super::CommandError;
use super::request::{glob, well_formed};
use super::shapes::timestamp;
use crate::aws::catalogue::{Complete, FlagKind, ReadCtx};
use crate::scenario::{Instance, Mode, Scenario};
use crate::time::Millis;
use crate::world::{EndpointKind, EniOwner, World};
use serde_json::{json, Value};
use std::path::Path;

fn instance(file: &str, seed: u64) -> Instance {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    Scenario::load(&path)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .instantiate(seed, Mode::Incident)
        .unwrap_or_else(|e| panic!("{file} seed {seed}: {e}"))
}

fn run(inst: &Instance, line: &str) -> Result<Value, CommandError> {
    crate::awscli::command::read(&inst.sim, line).map(|(_, v)| v)
}

fn ok(inst: &Instance, line: &str) -> Value {
    run(inst, line).unwrap_or_else(|e| panic!("seed {}: {line}: {e}", inst.seed))
}

fn err(inst: &Instance, line: &str) -> String {
    match run(inst, line) {
        Ok(v) => panic!("seed {}: {line}: expected an error, got {v}", inst.seed),
        Err(e) => e.to_string(),
    }
}

fn name(inst: &Instance, key: &str) -> String {
    inst.sim
        .world()
        .name(key)
        .unwrap_or_else(|| panic!("no {key}"))
        .to_string()
}

fn ids(v: &Value, list: &str, key: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {v}"))
        .iter()
        .map(|x| x[key].as_str().unwrap_or_default().to_string())
        .collect()
}

fn default_route(rt: &Value) -> Option<&Value> {
    rt["Routes"]
        .as_array()?
        .iter()
        .find(|r| r["DestinationCidrBlock"] == "0.0.0.0/0")
}

#[test]
fn faulted_route_table_lost_its_nat_route_and_the_other_keeps_it() {
    for seed in [1, 2, 3, 4] {
        let inst = instance("nat-route-missing.yaml", seed);
        let zone = inst.vars["zone"].clone();
        let other = if zone == "a" { "b" } else { "a" };
        let subnet = name(&inst, &format!("subnet:private-{zone}"));
        let v = ok(
            &inst,
            &format!(
                "ec2 describe-route-tables --filters Name=association.subnet-id,Values={subnet}"
            ),
        );
        let tables = v["RouteTables"].as_array().unwrap();
        assert_eq!(tables.len(), 1, "seed {seed}: {v}");
        let rt = &tables[0];
        assert_eq!(
            rt["RouteTableId"],
            name(&inst, &format!("rtb:private-{zone}"))
        );
        assert_eq!(
            rt["Tags"],
            json!([{"Key": "Name", "Value": format!("private-{zone}")}])
        );
        assert!(default_route(rt).is_none(), "seed {seed}: {rt}");
        assert_eq!(rt["Routes"][0]["GatewayId"], "local");
        assert_eq!(rt["Associations"][0]["SubnetId"], subnet);
        assert_eq!(rt["Associations"][0]["Main"], false);
        assert_eq!(
            rt["Associations"][0]["AssociationState"]["State"],
            "associated"
        );

        let healthy = name(&inst, &format!("subnet:private-{other}"));
        let v = ok(
            &inst,
            &format!(
                "ec2 describe-route-tables --filters Name=association.subnet-id,Values={healthy}"
            ),
        );
        let route = default_route(&v["RouteTables"][0]).expect("other AZ keeps its default route");
        assert_eq!(
            *route,
            json!({
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": name(&inst, &format!("nat:nat-{other}")),
                "Origin": "CreateRoute",
                "State": "active",
            })
        );
        // Key order as the CLI prints it.
        let keys: Vec<&String> = v["RouteTables"][0].as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "Associations",
                "PropagatingVgws",
                "RouteTableId",
                "Routes",
                "Tags",
                "VpcId",
                "OwnerId"
            ]
        );
    }
}

#[test]
fn route_filters_find_tables_by_target() {
    let inst = instance("nat-route-missing.yaml", 7);
    let zone = inst.vars["zone"].clone();
    let other = if zone == "a" { "b" } else { "a" };
    let nat_other = name(&inst, &format!("nat:nat-{other}"));
    let v = ok(
        &inst,
        &format!(
            "ec2 describe-route-tables --filters Name=route.nat-gateway-id,Values={nat_other}"
        ),
    );
    let found = ids(&v, "RouteTables", "RouteTableId");
    assert!(found.contains(&name(&inst, &format!("rtb:private-{other}"))));
    assert!(!found.contains(&name(&inst, &format!("rtb:private-{zone}"))));
    // The gateway endpoint's prefix-list route and the public table's igw route.
    let igw = name(&inst, "igw");
    let v = ok(
        &inst,
        &format!("ec2 describe-route-tables --filters Name=route.gateway-id,Values={igw}"),
    );
    assert_eq!(
        ids(&v, "RouteTables", "RouteTableId"),
        [name(&inst, "rtb:public")]
    );
    let v = ok(
        &inst,
        &format!(
            "ec2 describe-route-tables --route-table-ids {}",
            name(&inst, "rtb:private-c")
        ),
    );
    let routes = v["RouteTables"][0]["Routes"].as_array().unwrap();
    let pl = routes
        .iter()
        .find(|r| r.get("DestinationPrefixListId").is_some())
        .expect("s3 gateway endpoint route");
    assert_eq!(pl["GatewayId"], name(&inst, "vpce:s3"));
    assert_eq!(pl["State"], "active");
    // No route table is the main one in shop-prod except the generated one.
    let v = ok(
        &inst,
        "ec2 describe-route-tables --filters Name=association.main,Values=true",
    );
    assert_eq!(
        ids(&v, "RouteTables", "RouteTableId"),
        [name(&inst, "rtb:main")]
    );
    assert_eq!(v["RouteTables"][0]["Tags"], json!([]));
    assert!(v["RouteTables"][0]["Associations"][0]
        .get("SubnetId")
        .is_none());
}

#[test]
fn exhausted_subnet_shows_no_free_addresses() {
    for seed in [1, 2, 3] {
        let inst = instance("subnet-exhausted.yaml", seed);
        let zone = inst.vars["zone"].clone();
        let full = name(&inst, &format!("subnet:private-{zone}"));
        let v = ok(&inst, &format!("ec2 describe-subnets --subnet-ids {full}"));
        let s = &v["Subnets"][0];
        assert_eq!(s["AvailableIpAddressCount"], 0, "seed {seed}: {s}");
        assert_eq!(s["SubnetId"], full);
        let cidr = if zone == "a" {
            "10.40.10.0/24"
        } else {
            "10.40.11.0/24"
        };
        assert_eq!(s["CidrBlock"], cidr);
        assert_eq!(s["MapPublicIpOnLaunch"], false);
        assert_eq!(
            s["Tags"],
            json!([{"Key": "Name", "Value": format!("private-{zone}")}])
        );
        let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("AvailabilityZoneId"));
        assert_eq!(keys.last().map(|k| k.as_str()), Some("MapPublicIpOnLaunch"));
        let c = name(&inst, "subnet:private-c");
        let v = ok(&inst, &format!("ec2 describe-subnets --subnet-ids {c}"));
        assert_eq!(v["Subnets"][0]["AvailableIpAddressCount"], 1019);
        // The interfaces in the full subnet are the primary interfaces of a
        // Batch EC2 compute environment's instances, in the default group.
        let v = ok(
            &inst,
            &format!(
                "ec2 describe-network-interfaces --filters Name=subnet-id,Values={full} Name=attachment.instance-id,Values='i-*'"
            ),
        );
        let enis = v["NetworkInterfaces"].as_array().unwrap();
        let default_sg = name(&inst, "sg:default");
        assert!(enis.len() > 200, "seed {seed}: {}", enis.len());
        assert!(enis.iter().all(|e| e["RequesterManaged"] == false
            && e["InterfaceType"] == "interface"
            && e["Description"] == ""
            && e["Attachment"]["DeviceIndex"] == 0
            && e["Groups"] == json!([{"GroupId": default_sg, "GroupName": "default"}])
            && e["SubnetId"] == full));
    }
}

#[test]
fn filters_and_across_names_or_within_values() {
    let inst = instance("subnet-exhausted.yaml", 5);
    let vpc = name(&inst, "vpc");
    let a = name(&inst, "subnet:private-a");
    let b = name(&inst, "subnet:private-b");
    let v = ok(
        &inst,
        &format!("ec2 describe-subnets --filters Name=vpc-id,Values={vpc}"),
    );
    assert_eq!(v["Subnets"].as_array().unwrap().len(), 7);
    // OR within Values (bracketed shorthand and JSON).
    let v = ok(
        &inst,
        &format!("ec2 describe-subnets --filters Name=subnet-id,Values=[{a},{b}]"),
    );
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(ids(&v, "Subnets", "SubnetId"), want);
    let v = ok(
        &inst,
        r#"ec2 describe-subnets --filters '[{"Name":"tag:Name","Values":["private-a","private-b"]}]'"#,
    );
    assert_eq!(ids(&v, "Subnets", "SubnetId"), want);
    // AND across filters.
    let v = ok(
        &inst,
        &format!(
            "ec2 describe-subnets --filters Name=subnet-id,Values=[{a},{b}] Name=availability-zone,Values=us-east-1a"
        ),
    );
    assert_eq!(ids(&v, "Subnets", "SubnetId"), [a.as_str()]);
    let v = ok(
        &inst,
        "ec2 describe-subnets --filters Name=tag:Name,Values=private-* Name=map-public-ip-on-launch,Values=false",
    );
    assert_eq!(v["Subnets"].as_array().unwrap().len(), 3);
    let v = ok(
        &inst,
        "ec2 describe-subnets --filters Name=tag:Name,Values=public-?",
    );
    assert_eq!(v["Subnets"].as_array().unwrap().len(), 2);
    assert!(v["Subnets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["MapPublicIpOnLaunch"] == true));
    // Ids and filters together, and a filter that matches nothing is an empty list.
    let v = ok(
        &inst,
        &format!("ec2 describe-subnets --subnet-ids {a} {b} --filters Name=availability-zone,Values=us-east-1b"),
    );
    assert_eq!(ids(&v, "Subnets", "SubnetId"), [b.as_str()]);
    let v = ok(
        &inst,
        "ec2 describe-subnets --filters Name=cidr-block,Values=10.99.0.0/24",
    );
    assert_eq!(v, json!({"Subnets": []}));
    // Lambda interfaces by description wildcard.
    let v = ok(
        &inst,
        "ec2 describe-network-interfaces --filters Name=description,Values='AWS Lambda*'",
    );
    let lambdas = v["NetworkInterfaces"].as_array().unwrap();
    assert!(lambdas.len() >= 6);
    assert!(lambdas.iter().all(|e| e["RequesterManaged"] == true));
}

#[test]
fn unknown_and_malformed_ids_give_aws_errors() {
    let inst = instance("nat-route-missing.yaml", 1);
    assert_eq!(
        err(&inst, "ec2 describe-subnets --subnet-ids subnet-12345678"),
        "An error occurred (InvalidSubnetID.NotFound) when calling the DescribeSubnets operation: The subnet ID 'subnet-12345678' does not exist"
    );
    assert_eq!(
        err(&inst, "ec2 describe-subnets --subnet-ids foo"),
        "An error occurred (InvalidSubnetID.Malformed) when calling the DescribeSubnets operation: Invalid id: \"foo\""
    );
    // Shapes are checked before existence, across the list.
    let a = name(&inst, "subnet:private-a");
    assert!(err(
        &inst,
        &format!("ec2 describe-subnets --subnet-ids subnet-12345678 {a} subnet-xyz")
    )
    .contains("(InvalidSubnetID.Malformed)"));
    assert_eq!(
        err(&inst, "ec2 describe-route-tables --route-table-ids rtb-00000001"),
        "An error occurred (InvalidRouteTableID.NotFound) when calling the DescribeRouteTables operation: The routeTable ID 'rtb-00000001' does not exist"
    );
    assert_eq!(
        err(&inst, "ec2 describe-security-groups --group-ids sg-00000001"),
        "An error occurred (InvalidGroup.NotFound) when calling the DescribeSecurityGroups operation: The security group 'sg-00000001' does not exist"
    );
    assert_eq!(
        err(&inst, "ec2 describe-security-groups --group-ids web"),
        "An error occurred (InvalidGroupId.Malformed) when calling the DescribeSecurityGroups operation: Invalid id: \"web\" (expecting \"sg-...\")"
    );
    assert_eq!(
        err(&inst, "ec2 describe-nat-gateways --nat-gateway-ids nat-00000001"),
        "An error occurred (NatGatewayNotFound) when calling the DescribeNatGateways operation: NAT gateway nat-00000001 was not found"
    );
    assert_eq!(
        err(&inst, "ec2 describe-vpcs --vpc-ids vpc-00000001"),
        "An error occurred (InvalidVpcID.NotFound) when calling the DescribeVpcs operation: The vpc ID 'vpc-00000001' does not exist"
    );
    assert_eq!(
        err(&inst, "ec2 describe-network-interfaces --network-interface-ids eni-00000001"),
        "An error occurred (InvalidNetworkInterfaceID.NotFound) when calling the DescribeNetworkInterfaces operation: The networkInterface ID 'eni-00000001' does not exist"
    );
    assert_eq!(
        err(&inst, "ec2 describe-subnets --filters Name=foo,Values=bar"),
        "An error occurred (InvalidParameterValue) when calling the DescribeSubnets operation: The filter 'foo' is invalid"
    );
    assert_eq!(
        err(&inst, "ec2 describe-vpcs --dry-run"),
        "An error occurred (DryRunOperation) when calling the DescribeVpcs operation: Request would have succeeded, but DryRun flag is set."
    );
    assert!(err(
        &inst,
        "ec2 describe-security-groups --group-names checkout-tasks"
    )
    .starts_with("An error occurred (VPCIdNotSpecified)"));
    // describe-nat-gateways takes --filter, not --filters.
    assert!(err(
        &inst,
        "ec2 describe-nat-gateways --filters Name=state,Values=available"
    )
    .contains("did you mean --filter?"));
}

#[test]
fn nat_gateways_internet_gateways_and_vpcs() {
    let inst = instance("nat-route-missing.yaml", 3);
    let vpc = name(&inst, "vpc");
    let v = ok(
        &inst,
        &format!("ec2 describe-nat-gateways --filter Name=vpc-id,Values={vpc}"),
    );
    let nats = v["NatGateways"].as_array().unwrap();
    assert_eq!(nats.len(), 2);
    let nat_a = name(&inst, "nat:nat-a");
    let n = nats.iter().find(|n| n["NatGatewayId"] == nat_a).unwrap();
    assert_eq!(n["State"], "available");
    assert_eq!(n["SubnetId"], name(&inst, "subnet:public-a"));
    assert_eq!(n["ConnectivityType"], "public");
    let addr = &n["NatGatewayAddresses"][0];
    let eni = addr["NetworkInterfaceId"].as_str().unwrap();
    assert_eq!(addr["IsPrimary"], true);
    assert_eq!(addr["Status"], "succeeded");
    assert!(addr["PrivateIp"].as_str().unwrap().starts_with("10.40.0."));
    assert!(n["CreateTime"].as_str().unwrap().ends_with("+00:00"));
    // Its interface shows the Elastic IP and no source/dest check.
    let v = ok(
        &inst,
        &format!("ec2 describe-network-interfaces --network-interface-ids {eni}"),
    );
    let e = &v["NetworkInterfaces"][0];
    assert_eq!(e["InterfaceType"], "nat_gateway");
    assert_eq!(e["SourceDestCheck"], false);
    assert_eq!(e["Association"]["PublicIp"], addr["PublicIp"]);
    assert_eq!(e["PrivateIpAddress"], addr["PrivateIp"]);
    // The load balancer's interfaces carry its security group.
    let alb = name(&inst, "sg:shop-alb");
    let v = ok(
        &inst,
        &format!("ec2 describe-network-interfaces --filters Name=group-id,Values={alb}"),
    );
    let lb = v["NetworkInterfaces"].as_array().unwrap();
    assert_eq!(lb.len(), 2);
    assert!(lb.iter().all(|e| e["RequesterId"] == "amazon-elb"
        && e["Description"]
            .as_str()
            .unwrap()
            .starts_with("ELB app/shop-prod-alb/")));
    let v = ok(
        &inst,
        "ec2 describe-nat-gateways --filter Name=state,Values=deleted",
    );
    assert_eq!(v, json!({"NatGateways": []}));

    let v = ok(
        &inst,
        &format!("ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values={vpc}"),
    );
    assert_eq!(
        v["InternetGateways"][0],
        json!({
            "Attachments": [{"State": "available", "VpcId": vpc}],
            "InternetGatewayId": name(&inst, "igw"),
            "OwnerId": inst.sim.world().account,
            "Tags": [{"Key": "Name", "Value": "shop-prod-igw"}],
        })
    );

    let v = ok(
        &inst,
        "ec2 describe-vpcs --filters Name=cidr,Values=10.40.0.0/16 Name=is-default,Values=false",
    );
    let x = &v["Vpcs"][0];
    assert_eq!(x["VpcId"], vpc);
    assert_eq!(x["State"], "available");
    assert_eq!(x["CidrBlockAssociationSet"][0]["CidrBlock"], "10.40.0.0/16");
    assert_eq!(x["Tags"], json!([{"Key": "Name", "Value": "shop-prod"}]));
    assert!(x["DhcpOptionsId"].as_str().unwrap().starts_with("dopt-0"));
}

#[test]
fn security_groups_show_rules_as_ip_permissions() {
    let inst = instance("nat-route-missing.yaml", 2);
    let alb = name(&inst, "sg:shop-alb");
    let tasks = name(&inst, "sg:checkout-tasks");
    let v = ok(
        &inst,
        &format!("ec2 describe-security-groups --group-ids {tasks}"),
    );
    let g = &v["SecurityGroups"][0];
    assert_eq!(g["GroupName"], "checkout-tasks");
    assert_eq!(g["Description"], "Checkout API tasks");
    assert_eq!(
        g["IpPermissions"],
        json!([{
            "IpProtocol": "tcp",
            "FromPort": 8080,
            "ToPort": 8080,
            "UserIdGroupPairs": [{"Description": "from the ALB", "UserId": inst.sim.world().account, "GroupId": alb}],
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
        }])
    );
    // The default egress rule: all protocols, no ports.
    assert_eq!(
        g["IpPermissionsEgress"],
        json!([{
            "IpProtocol": "-1",
            "UserIdGroupPairs": [],
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
        }])
    );
    assert!(g.get("Tags").is_none());
    let v = ok(
        &inst,
        "ec2 describe-security-groups --filters Name=ip-permission.cidr,Values=0.0.0.0/0 Name=ip-permission.from-port,Values=22",
    );
    assert_eq!(ids(&v, "SecurityGroups", "GroupName"), ["legacy-bastion"]);
    let v = ok(
        &inst,
        "ec2 describe-security-groups --filters Name=group-name,Values=checkout-*",
    );
    let mut names = ids(&v, "SecurityGroups", "GroupName");
    names.sort();
    assert_eq!(names, ["checkout-db", "checkout-tasks"]);
    let v = ok(
        &inst,
        "ec2 describe-security-groups --filters Name=egress.ip-permission.cidr,Values=0.0.0.0/0",
    );
    assert!(!ids(&v, "SecurityGroups", "GroupId").contains(&alb));
}

#[test]
fn task_interfaces_and_endpoints() {
    let inst = instance("nat-route-missing.yaml", 4);
    let tasks = name(&inst, "sg:checkout-tasks");
    let v = ok(
        &inst,
        &format!("ec2 describe-network-interfaces --filters Name=group-id,Values={tasks} Name=status,Values=in-use"),
    );
    let enis = v["NetworkInterfaces"].as_array().unwrap();
    assert!(!enis.is_empty(), "running tasks hold interfaces");
    let region = &inst.sim.world().region;
    let acct = &inst.sim.world().account;
    for e in enis {
        let d = e["Description"].as_str().unwrap();
        assert!(
            d.starts_with(&format!("arn:aws:ecs:{region}:{acct}:attachment/")),
            "{d}"
        );
        assert_eq!(e["InterfaceType"], "interface");
        assert_eq!(e["RequesterManaged"], true);
        assert_eq!(
            e["Groups"],
            json!([{"GroupId": tasks, "GroupName": "checkout-tasks"}])
        );
        assert_eq!(e["Attachment"]["Status"], "attached");
        assert_eq!(e["PrivateIpAddresses"][0]["Primary"], true);
        assert!(e["PrivateDnsName"]
            .as_str()
            .unwrap()
            .ends_with(".ec2.internal"));
        assert!(e.get("Association").is_none());
        assert_eq!(e["TagSet"], json!([]));
    }
    let v = ok(
        &inst,
        "ec2 describe-vpc-endpoints --filters Name=vpc-endpoint-type,Values=Gateway",
    );
    let ep = &v["VpcEndpoints"][0];
    assert_eq!(ep["VpcEndpointId"], name(&inst, "vpce:s3"));
    assert_eq!(ep["ServiceName"], format!("com.amazonaws.{region}.s3"));
    assert_eq!(ep["RouteTableIds"].as_array().unwrap().len(), 3);
    assert_eq!(ep["DnsEntries"], json!([]));
    assert_eq!(ep["State"], "available");
    let policy: Value = serde_json::from_str(ep["PolicyDocument"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Effect"], "Allow");
    let v = ok(
        &inst,
        "ec2 describe-vpc-endpoints --filters Name=service-name,Values=*.ecr.api",
    );
    assert_eq!(v, json!({"VpcEndpoints": []}));
    assert_eq!(
        err(&inst, "ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-00000001"),
        "An error occurred (InvalidVpcEndpointId.NotFound) when calling the DescribeVpcEndpoints operation: The Vpc Endpoint Id 'vpce-00000001' does not exist"
    );
}

/// Runs `line` against a changed copy of the instance's world.
fn ok_in(world: &World, now: Millis, line: &str) -> Value {
    crate::awscli::command::read(&ReadCtx { world, now }, line)
        .map(|(_, v)| v)
        .unwrap_or_else(|e| panic!("{line}: {e}"))
}

#[test]
fn routes_to_a_deleted_nat_gateway_are_blackholes() {
    let inst = instance("nat-route-missing.yaml", 9);
    let mut world = inst.sim.world().clone();
    let nat = name(&inst, "nat:nat-a");
    world.nat_gateways.get_mut(&nat).unwrap().state = "deleted".into();
    let now = inst.sim.now();
    let v = ok_in(
        &world,
        now,
        &format!(
            "ec2 describe-route-tables --route-table-ids {}",
            name(&inst, "rtb:private-c")
        ),
    );
    let route = default_route(&v["RouteTables"][0]).unwrap();
    assert_eq!(route["NatGatewayId"], nat);
    assert_eq!(route["State"], "blackhole");
    let v = ok_in(
        &world,
        now,
        "ec2 describe-route-tables --filters Name=route.state,Values=blackhole",
    );
    assert!(ids(&v, "RouteTables", "RouteTableId").contains(&name(&inst, "rtb:private-c")));
    let v = ok_in(
        &world,
        now,
        "ec2 describe-nat-gateways --filter Name=state,Values=deleted",
    );
    assert_eq!(ids(&v, "NatGateways", "NatGatewayId"), [nat.as_str()]);
    assert!(v["NatGateways"][0]["NatGatewayAddresses"][0]
        .get("AssociationId")
        .is_none());
}

#[test]
fn interface_endpoints_show_dns_entries_and_groups() {
    let inst = instance("nat-route-missing.yaml", 11);
    let mut world = inst.sim.world().clone();
    let sg = name(&inst, "sg:checkout-tasks");
    let subnets = [
        name(&inst, "subnet:private-a"),
        name(&inst, "subnet:private-b"),
    ];
    let id = "vpce-0123456789abcdef0".to_string();
    let mut enis = Vec::new();
    for s in &subnets {
        enis.push(
            world
                .create_eni(
                    s,
                    EniOwner::Endpoint(id.clone()),
                    format!("VPC Endpoint Interface {id}"),
                    "vpc_endpoint",
                    vec![sg.clone()],
                )
                .unwrap(),
        );
    }
    world.vpc_endpoints.insert(
        id.clone(),
        crate::world::VpcEndpoint {
            id: id.clone(),
            name: "ecr-api".into(),
            vpc_id: name(&inst, "vpc"),
            service: "ecr.api".into(),
            kind: EndpointKind::Interface,
            subnet_ids: subnets.to_vec(),
            security_group_ids: vec![sg.clone()],
            route_table_ids: vec![],
            private_dns: true,
            eni_ids: enis.clone(),
            prefix_list: None,
            created: 1_700_000_000_123,
        },
    );
    let now = inst.sim.now();
    let v = ok_in(
        &world,
        now,
        "ec2 describe-vpc-endpoints --filters Name=service-name,Values=*.ecr.api Name=vpc-endpoint-type,Values=Interface",
    );
    let ep = &v["VpcEndpoints"][0];
    assert_eq!(ep["VpcEndpointId"], id);
    assert_eq!(ep["ServiceName"], "com.amazonaws.us-east-1.ecr.api");
    assert_eq!(
        ep["Groups"],
        json!([{"GroupId": sg, "GroupName": "checkout-tasks"}])
    );
    assert_eq!(ep["NetworkInterfaceIds"], json!(enis));
    assert_eq!(ep["PrivateDnsEnabled"], true);
    assert_eq!(ep["CreationTimestamp"], "2023-11-14T22:13:20.123000+00:00");
    let dns: Vec<&str> = ep["DnsEntries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["DnsName"].as_str().unwrap())
        .collect();
    assert_eq!(dns.len(), 4, "{dns:?}");
    assert!(dns[0].starts_with(&format!("{id}-")));
    assert!(dns[0].ends_with(".api.ecr.us-east-1.vpce.amazonaws.com"));
    assert!(dns[1].contains("-us-east-1a.api.ecr."));
    assert_eq!(dns[3], "api.ecr.us-east-1.amazonaws.com");
    let v = ok_in(
        &world,
        now,
        &format!(
            "ec2 describe-network-interfaces --network-interface-ids {}",
            enis[0]
        ),
    );
    let e = &v["NetworkInterfaces"][0];
    assert_eq!(e["InterfaceType"], "vpc_endpoint");
    assert_eq!(e["Description"], format!("VPC Endpoint Interface {id}"));
    assert_eq!(e["RequesterManaged"], true);
    // The endpoint backend names unknown filters InvalidFilter.
    let e = crate::awscli::command::read(
        &ReadCtx { world: &world, now },
        "ec2 describe-vpc-endpoints --filters Name=state,Values=available",
    )
    .map(|(_, v)| v)
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "An error occurred (InvalidFilter) when calling the DescribeVpcEndpoints operation: The filter 'state' is invalid"
    );
}

#[test]
fn glob_matches_like_ec2_filters() {
    assert!(glob("AWS Lambda*", "AWS Lambda VPC ENI-x"));
    assert!(glob("*", ""));
    assert!(glob("a*b*c", "axxbyyc"));
    assert!(glob("public-?", "public-a"));
    assert!(!glob("public-?", "public-ab"));
    assert!(!glob("a*c", "abd"));
    assert!(well_formed("subnet-0123456789abcdef0", "subnet"));
    assert!(well_formed("sg-1234abcd", "sg"));
    assert!(!well_formed("subnet-123", "subnet"));
    assert!(!well_formed("sg-1234abcd", "subnet"));
    assert_eq!(timestamp(1_700_000_000_000), "2023-11-14T22:13:20+00:00");
    assert_eq!(
        timestamp(1_700_000_000_250),
        "2023-11-14T22:13:20.250000+00:00"
    );
}

#[test]
fn every_op_is_registered_with_its_flags() {
    for (name, ids_flag, filter_flag) in [
        ("describe-vpcs", "vpc-ids", "filters"),
        ("describe-subnets", "subnet-ids", "filters"),
        ("describe-route-tables", "route-table-ids", "filters"),
        ("describe-nat-gateways", "nat-gateway-ids", "filter"),
        (
            "describe-internet-gateways",
            "internet-gateway-ids",
            "filters",
        ),
        ("describe-security-groups", "group-ids", "filters"),
        (
            "describe-network-interfaces",
            "network-interface-ids",
            "filters",
        ),
        ("describe-vpc-endpoints", "vpc-endpoint-ids", "filters"),
    ] {
        let op = crate::aws::catalogue::find_read("ec2", name).unwrap_or_else(|| panic!("{name}"));
        let f = op.flags.iter().find(|f| f.name == ids_flag).unwrap();
        assert_eq!(f.kind, FlagKind::List);
        assert_ne!(f.complete, Complete::Nothing);
        let f = op.flags.iter().find(|f| f.name == filter_flag).unwrap();
        assert_eq!(f.kind, FlagKind::Structure);
    }
}

// ---------------------------------------------------------------------------
// Every workload behind a network interface is one the player can find.

/// Across the library (every scenario, a few seeds so that each variant and
/// decoy is drawn): an interface that claims an ECS attachment belongs to a
/// task the player can describe in a cluster the player can list; every
/// interface's security groups exist, in the interface's VPC; another
/// workload's interface names its holder the way AWS does (an instance's
/// primary interface is attached to that instance; a Lambda interface is
/// of type `lambda` and requester-managed), and carries a security group.
#[test]
fn every_interface_matches_a_workload_the_player_can_find() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".yaml"))
        .collect();
    files.sort();
    assert!(files.len() > 20, "{files:?}");
    let mut problems = Vec::new();
    for file in &files {
        for seed in 1..=3 {
            let inst = instance(file, seed);
            let w = inst.sim.world();
            let clusters = ok(&inst, "ecs list-clusters");
            let groups = ok(&inst, "ec2 describe-security-groups");
            let group_vpc = |id: &str| -> Option<String> {
                groups["SecurityGroups"]
                    .as_array()?
                    .iter()
                    .find(|g| g["GroupId"] == id)
                    .map(|g| g["VpcId"].as_str().unwrap_or_default().to_string())
            };
            let enis = ok(&inst, "ec2 describe-network-interfaces");
            for e in enis["NetworkInterfaces"]
                .as_array()
                .expect("NetworkInterfaces")
            {
                let id = e["NetworkInterfaceId"].as_str().unwrap_or_default();
                let at = format!("{file} seed {seed}: {id}");
                let desc = e["Description"].as_str().unwrap_or_default();
                let kind = e["InterfaceType"].as_str().unwrap_or_default();
                let vpc = e["VpcId"].as_str().unwrap_or_default();
                let sgs: Vec<&str> = e["Groups"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|g| g["GroupId"].as_str()).collect())
                    .unwrap_or_default();
                for g in &sgs {
                    match group_vpc(g) {
                        None => problems.push(format!("{at}: security group {g} does not exist")),
                        Some(v) if v != vpc => {
                            problems.push(format!("{at}: security group {g} is in {v}, not {vpc}"))
                        }
                        Some(_) => {}
                    }
                }
                // NAT gateways' interfaces are the only ones without a group.
                if sgs.is_empty() && kind != "nat_gateway" {
                    problems.push(format!("{at} ({desc:?}): no security group"));
                }
                let owner = w.enis.get(id).map(|n| n.owner.clone());
                if desc.starts_with("arn:aws:ecs:") {
                    let task = match &owner {
                        Some(EniOwner::Task(t)) => t.clone(),
                        _ => {
                            problems.push(format!("{at}: {desc} is no task's attachment"));
                            continue;
                        }
                    };
                    let cluster = w.tasks.get(&task).map(|t| t.cluster.clone());
                    let listed = cluster.as_ref().is_some_and(|c| {
                        clusters["clusterArns"].as_array().is_some_and(|a| {
                            a.iter()
                                .any(|x| x.as_str().is_some_and(|x| x.ends_with(&format!("/{c}"))))
                        })
                    });
                    if !listed {
                        problems.push(format!("{at}: task {task} is in no listed cluster"));
                        continue;
                    }
                    let cluster = cluster.unwrap_or_default();
                    // The description names the task's attachment (its
                    // interface id shows once the attachment is past PRECREATED).
                    let attachment = desc.rsplit('/').next().unwrap_or_default();
                    let d = ok(
                        &inst,
                        &format!("ecs describe-tasks --cluster {cluster} --tasks {task}"),
                    );
                    if d["tasks"][0]["attachments"][0]["id"] != attachment {
                        problems.push(format!(
                            "{at}: describe-tasks of {task} does not show attachment {attachment}"
                        ));
                    }
                }
                match owner {
                    Some(EniOwner::Instance(i)) => {
                        let a = &e["Attachment"];
                        if a["InstanceId"] != i.as_str()
                            || a["DeviceIndex"] != 0
                            || a["InstanceOwnerId"] != w.account.as_str()
                            || e["RequesterManaged"] != false
                            || !desc.is_empty()
                        {
                            problems
                                .push(format!("{at}: not an instance's primary interface: {e}"));
                        }
                    }
                    Some(EniOwner::Other(_))
                        if desc.starts_with("AWS Lambda VPC ENI-")
                            && (kind != "lambda"
                                || e["RequesterManaged"] != true
                                || e["RequesterId"].is_null()) =>
                    {
                        problems.push(format!("{at}: not a Lambda interface: {e}"));
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `describe-security-groups` shows every VPC's default group as EC2 does.
#[test]
fn the_default_security_group_is_listed_with_its_default_rules() {
    let inst = instance("subnet-exhausted.yaml", 1);
    let vpc = name(&inst, "vpc");
    let sg = name(&inst, "sg:default");
    let v = ok(
        &inst,
        &format!("ec2 describe-security-groups --filters Name=vpc-id,Values={vpc} Name=group-name,Values=default"),
    );
    let acct = inst.sim.world().account.clone();
    assert_eq!(
        v,
        json!({"SecurityGroups": [{
            "GroupId": sg,
            "GroupName": "default",
            "Description": "default VPC security group",
            "IpPermissions": [{
                "IpProtocol": "-1",
                "IpRanges": [],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [{"GroupId": sg, "UserId": acct}],
            }],
            "IpPermissionsEgress": [{
                "IpProtocol": "-1",
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [],
            }],
            "OwnerId": acct,
            "SecurityGroupArn": format!("arn:aws:ec2:{}:{acct}:security-group/{sg}", inst.sim.world().region),
            "VpcId": vpc,
        }]})
    );
}
