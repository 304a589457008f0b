//! Live mode against moto: reads in the AWS CLI's shapes; inject and undo;
//! crash safety; the guard.

use super::fixture::{sandbox, STACK};
use super::moto::Moto;
use crate::awscli::command;
use serde_json::{json, Value};

/// Runs a CLI line through the live account, with `--query`/`--output` applied.
fn cli(live: &super::LiveAccount, line: &str) -> String {
    match crate::game::aws::run_read(live, line) {
        Ok(o) => o.text,
        Err(e) => panic!("{line}: {e}"),
    }
}

fn read_err(live: &super::LiveAccount, line: &str) -> crate::aws::CommandError {
    match command::read(live, line) {
        Ok(_) => panic!("{line}: expected an error"),
        Err(e) => e,
    }
}

fn read(live: &super::LiveAccount, line: &str) -> Value {
    command::read(live, line)
        .unwrap_or_else(|e| panic!("{line}: {e}"))
        .1
}

#[test]
fn reads_answer_in_the_cli_shapes() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let stack = sandbox(&live, STACK);
    let rtb = stack.output("PrivateRouteTableA").unwrap();
    let nat = stack.output("NatGatewayId").unwrap();
    let vpc = stack.output("VpcId").unwrap();

    // EC2: route tables, with the CLI's keys and nesting.
    let v = read(
        &live,
        &format!("ec2 describe-route-tables --route-table-ids {rtb}"),
    );
    let t = &v["RouteTables"][0];
    assert_eq!(t["RouteTableId"], rtb);
    assert_eq!(t["VpcId"], vpc);
    assert!(t["Tags"]
        .as_array()
        .unwrap()
        .contains(&json!({"Key": "faultline:sandbox", "Value": STACK})));
    let default = t["Routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["DestinationCidrBlock"] == "0.0.0.0/0")
        .expect("a default route");
    assert_eq!(default["NatGatewayId"], nat);
    assert_eq!(default["State"], "active");
    // --query and --output work as on the simulator.
    let text = cli(
        &live,
        &format!("ec2 describe-route-tables --filters Name=association.subnet-id,Values={} --query \"RouteTables[].Routes[?DestinationCidrBlock=='0.0.0.0/0'].NatGatewayId[]\" --output text", stack.output("PrivateSubnetA").unwrap()),
    );
    assert_eq!(text.trim(), nat);

    // Subnets, by filter, in order of the model's members.
    let v = read(
        &live,
        &format!("ec2 describe-subnets --filters Name=vpc-id,Values={vpc}"),
    );
    let subnets = v["Subnets"].as_array().unwrap();
    assert_eq!(subnets.len(), 5);
    let exhaust = subnets
        .iter()
        .find(|s| s["CidrBlock"] == "10.40.12.0/28")
        .unwrap();
    assert_eq!(exhaust["AvailableIpAddressCount"], 11);
    let keys: Vec<&str> = exhaust
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(pos("OwnerId") < pos("SubnetId") && pos("SubnetId") < pos("CidrBlock"));

    // Security groups and network interfaces.
    let sg = stack.output("TaskSecurityGroupId").unwrap();
    let v = read(
        &live,
        &format!("ec2 describe-security-groups --group-ids {sg}"),
    );
    assert_eq!(v["SecurityGroups"][0]["GroupName"], "checkout-tasks");
    assert!(v["SecurityGroups"][0]["IpPermissionsEgress"].is_array());
    let v = read(
        &live,
        &format!("ec2 describe-network-interfaces --filters Name=vpc-id,Values={vpc}"),
    );
    assert!(v["NetworkInterfaces"].is_array());
    let v = read(
        &live,
        &format!("ec2 describe-nat-gateways --filter Name=vpc-id,Values={vpc}"),
    );
    assert_eq!(v["NatGateways"][0]["NatGatewayId"], nat);

    // ECS.
    let v = read(&live, "ecs describe-clusters --clusters prod");
    assert_eq!(v["clusters"][0]["clusterName"], "prod");
    assert_eq!(v["failures"], json!([]));
    let v = read(
        &live,
        "ecs describe-services --cluster prod --services checkout",
    );
    let s = &v["services"][0];
    assert_eq!(s["serviceName"], "checkout");
    assert_eq!(s["desiredCount"], 2);
    assert_eq!(
        s["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
        json!([
            stack.output("PrivateSubnetA").unwrap(),
            stack.output("PrivateSubnetB").unwrap()
        ])
    );
    assert_eq!(
        cli(&live, "ecs describe-services --cluster prod --services checkout --query services[0].taskDefinition --output text").trim(),
        stack.output("TaskDefinitionArn").unwrap()
    );
    let v = read(
        &live,
        "ecs list-tasks --cluster prod --service-name checkout",
    );
    assert!(v["taskArns"].is_array());
    assert!(v.get("nextToken").is_none());
    let v = read(
        &live,
        "ecs describe-tasks --cluster prod --tasks 0123456789abcdef0123456789abcdef",
    );
    // moto runs no Fargate task and (unlike ECS) reports no MISSING failure.
    assert_eq!(v["tasks"], json!([]), "{v}");
    let v = read(
        &live,
        "ecs describe-task-definition --task-definition checkout-api --include TAGS",
    );
    let td = &v["taskDefinition"];
    assert_eq!(td["family"], "checkout-api");
    assert_eq!(
        td["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"],
        "/ecs/checkout-api"
    );
    assert_eq!(
        v["tags"],
        json!([{"key": "faultline:sandbox", "value": STACK}])
    );

    // Logs, IAM, STS.
    let v = read(
        &live,
        "logs describe-log-groups --log-group-name-prefix /ecs",
    );
    assert_eq!(v["logGroups"][0]["logGroupName"], "/ecs/checkout-api");
    assert_eq!(v["logGroups"][0]["retentionInDays"], 3);
    let v = read(&live, "iam get-role --role-name checkout-task-execution");
    assert_eq!(v["Role"]["RoleName"], "checkout-task-execution");
    assert_eq!(
        v["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com",
        "the trust policy is printed as JSON, decoded"
    );
    let v = read(
        &live,
        "iam list-attached-role-policies --role-name checkout-task-execution",
    );
    assert_eq!(
        v["AttachedPolicies"][0]["PolicyName"],
        "AmazonECSTaskExecutionRolePolicy"
    );
    assert!(v.get("IsTruncated").is_none());
    let v = read(
        &live,
        "iam get-role-policy --role-name checkout-task --policy-name receipts-bucket",
    );
    assert_eq!(v["PolicyDocument"]["Statement"][0]["Effect"], "Allow");
    let v = read(&live, "sts get-caller-identity");
    assert_eq!(v["Account"], "123456789012");

    // Table output renders too.
    let table = cli(&live, "ecs describe-clusters --clusters prod --query clusters[].[clusterName,status] --output table");
    assert!(
        table.contains("prod") && table.contains("ACTIVE"),
        "{table}"
    );
}

#[test]
fn aws_errors_come_back_in_the_cli_words_and_unmapped_operations_are_named() {
    let Some(moto) = Moto::start() else { return };
    let live = moto.account();
    let e = read_err(&live, "iam get-role --role-name nobody");
    let text = e.to_string();
    assert!(
        text.starts_with("An error occurred (NoSuchEntity) when calling the GetRole operation:"),
        "{text}"
    );
    let before = moto.actions().len();
    let e = read_err(&live, "elbv2 describe-load-balancers");
    assert!(
        e.to_string()
            .contains("elbv2 describe-load-balancers is not available in live mode"),
        "{e}"
    );
    assert_eq!(moto.actions().len(), before, "nothing was sent");
    // A write cannot be read.
    let e = read_err(
        &live,
        "ec2 delete-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0",
    );
    assert!(e.to_string().contains("diagnostics are read-only"), "{e}");
    assert!(
        moto.actions().iter().all(|a| super::moto::is_read(a)),
        "{:?}",
        moto.actions()
    );
}
