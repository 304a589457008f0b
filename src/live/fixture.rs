//! Test fixture: the sandbox stack's resources built directly with the SDK
//! (moto's CloudFormation drops the tags the guard relies on, see
//! infra/README.md), with the outputs `infra/sandbox.yaml` would give and
//! its inline policies as the template writes them (what `reset` restores).

use super::stack::{Stack, SANDBOX_TAG};
use super::LiveAccount;
use std::collections::BTreeMap;

/// The name of the test stack.
pub const STACK: &str = "faultline-sandbox";

/// The ECS task execution role's managed policy.
pub const EXEC_POLICY: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

fn ec2_tags(
    kind: aws_sdk_ec2::types::ResourceType,
    name: &str,
    stack: &str,
) -> aws_sdk_ec2::types::TagSpecification {
    use aws_sdk_ec2::types::{Tag, TagSpecification};
    TagSpecification::builder()
        .resource_type(kind)
        .tags(Tag::builder().key("Name").value(name).build())
        .tags(Tag::builder().key(SANDBOX_TAG).value(stack).build())
        .build()
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Builds the sandbox in the account behind `live` and returns its outputs.
pub fn sandbox(live: &LiveAccount, stack: &str) -> Stack {
    live.block_on(build(live, stack))
        .expect("the sandbox builds in moto")
}

async fn build(live: &LiveAccount, stack: &str) -> Result<Stack, String> {
    use aws_sdk_ec2::types::{DomainType, ResourceType};
    let c = &live.clients;
    let region = crate::aws::Reader::region(live).to_string();
    let e = |x: &dyn std::fmt::Debug| format!("{x:?}");
    let mut out = BTreeMap::new();

    // Network.
    let vpc = c
        .ec2
        .create_vpc()
        .cidr_block("10.40.0.0/16")
        .tag_specifications(ec2_tags(ResourceType::Vpc, "shop-prod", stack))
        .send()
        .await
        .map_err(|x| e(&x))?
        .vpc
        .and_then(|v| v.vpc_id)
        .ok_or("no vpc id")?;
    out.insert("VpcId", vpc.clone());
    let subnet = |name: &'static str, az: &'static str, cidr: &'static str, key: &'static str| {
        let (vpc, region) = (vpc.clone(), region.clone());
        async move {
            let id = c
                .ec2
                .create_subnet()
                .vpc_id(vpc)
                .cidr_block(cidr)
                .availability_zone(format!("{region}{az}"))
                .tag_specifications(ec2_tags(ResourceType::Subnet, name, stack))
                .send()
                .await
                .map_err(|x| format!("{x:?}"))?
                .subnet
                .and_then(|s| s.subnet_id)
                .ok_or("no subnet id")?;
            Ok::<_, String>((key, id))
        }
    };
    for (name, az, cidr, key) in [
        ("public-a", "a", "10.40.0.0/24", "PublicSubnetA"),
        ("public-b", "b", "10.40.1.0/24", "PublicSubnetB"),
        ("private-a", "a", "10.40.10.0/24", "PrivateSubnetA"),
        ("private-b", "b", "10.40.11.0/24", "PrivateSubnetB"),
        ("private-exhaust", "a", "10.40.12.0/28", "ExhaustSubnet"),
    ] {
        let (k, id) = subnet(name, az, cidr, key).await?;
        out.insert(k, id);
    }
    let igw = c
        .ec2
        .create_internet_gateway()
        .tag_specifications(ec2_tags(ResourceType::InternetGateway, "shop-prod", stack))
        .send()
        .await
        .map_err(|x| e(&x))?
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .ok_or("no igw id")?;
    c.ec2
        .attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .map_err(|x| e(&x))?;
    out.insert("InternetGatewayId", igw.clone());
    let eip = c
        .ec2
        .allocate_address()
        .domain(DomainType::Vpc)
        .send()
        .await
        .map_err(|x| e(&x))?
        .allocation_id
        .ok_or("no allocation id")?;
    let nat = c
        .ec2
        .create_nat_gateway()
        .subnet_id(&out["PublicSubnetA"])
        .allocation_id(eip)
        .tag_specifications(ec2_tags(ResourceType::Natgateway, "shop-prod-nat", stack))
        .send()
        .await
        .map_err(|x| e(&x))?
        .nat_gateway
        .and_then(|n| n.nat_gateway_id)
        .ok_or("no nat id")?;
    out.insert("NatGatewayId", nat.clone());
    for (name, key, subnet, via_nat) in [
        ("public", "PublicRouteTable", "PublicSubnetA", false),
        ("private-a", "PrivateRouteTableA", "PrivateSubnetA", true),
        ("private-b", "PrivateRouteTableB", "PrivateSubnetB", true),
        (
            "private-exhaust",
            "ExhaustRouteTable",
            "ExhaustSubnet",
            true,
        ),
    ] {
        let rtb = c
            .ec2
            .create_route_table()
            .vpc_id(&vpc)
            .tag_specifications(ec2_tags(ResourceType::RouteTable, name, stack))
            .send()
            .await
            .map_err(|x| e(&x))?
            .route_table
            .and_then(|r| r.route_table_id)
            .ok_or("no route table id")?;
        let route = c
            .ec2
            .create_route()
            .route_table_id(&rtb)
            .destination_cidr_block("0.0.0.0/0");
        let route = if via_nat {
            route.nat_gateway_id(&nat)
        } else {
            route.gateway_id(&igw)
        };
        route.send().await.map_err(|x| e(&x))?;
        c.ec2
            .associate_route_table()
            .route_table_id(&rtb)
            .subnet_id(&out[subnet])
            .send()
            .await
            .map_err(|x| e(&x))?;
        out.insert(key, rtb);
    }
    for (name, key) in [
        ("checkout-tasks", "TaskSecurityGroupId"),
        ("shop-alb", "AlbSecurityGroupId"),
    ] {
        let sg = c
            .ec2
            .create_security_group()
            .group_name(name)
            .description(name)
            .vpc_id(&vpc)
            .tag_specifications(ec2_tags(ResourceType::SecurityGroup, name, stack))
            .send()
            .await
            .map_err(|x| e(&x))?
            .group_id
            .ok_or("no group id")?;
        out.insert(key, sg);
    }

    // The load balancer in front of the service.
    {
        use aws_sdk_elasticloadbalancingv2::types::{
            Action, ActionTypeEnum, LoadBalancerSchemeEnum, LoadBalancerTypeEnum, Matcher,
            ProtocolEnum, Tag, TargetTypeEnum,
        };
        let tag = || Tag::builder().key(SANDBOX_TAG).value(stack).build();
        let lb = c
            .elbv2
            .create_load_balancer()
            .name("shop-prod-alb")
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .subnets(&out["PublicSubnetA"])
            .subnets(&out["PublicSubnetB"])
            .security_groups(&out["AlbSecurityGroupId"])
            .tags(Tag::builder().key("Name").value("shop-prod-alb").build())
            .tags(tag())
            .send()
            .await
            .map_err(|x| e(&x))?
            .load_balancers
            .and_then(|v| v.into_iter().next())
            .ok_or("no load balancer")?;
        let lb_arn = lb.load_balancer_arn.ok_or("no load balancer arn")?;
        out.insert("LoadBalancerDnsName", lb.dns_name.unwrap_or_default());
        let tg = c
            .elbv2
            .create_target_group()
            .name("checkout-api-tg")
            .vpc_id(&vpc)
            .target_type(TargetTypeEnum::Ip)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .health_check_protocol(ProtocolEnum::Http)
            .health_check_path("/")
            .health_check_interval_seconds(10)
            .health_check_timeout_seconds(5)
            .healthy_threshold_count(2)
            .unhealthy_threshold_count(3)
            .matcher(Matcher::builder().http_code("200").build())
            .tags(tag())
            .send()
            .await
            .map_err(|x| e(&x))?
            .target_groups
            .and_then(|v| v.into_iter().next())
            .and_then(|t| t.target_group_arn)
            .ok_or("no target group arn")?;
        let listener = c
            .elbv2
            .create_listener()
            .load_balancer_arn(&lb_arn)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn(&tg)
                    .build(),
            )
            .send()
            .await
            .map_err(|x| e(&x))?
            .listeners
            .and_then(|v| v.into_iter().next())
            .and_then(|l| l.listener_arn)
            .ok_or("no listener arn")?;
        out.insert("LoadBalancerArn", lb_arn);
        out.insert("TargetGroupArn", tg);
        out.insert("ListenerArn", listener);
    }

    // Logs.
    c.logs
        .create_log_group()
        .log_group_name("/ecs/checkout-api")
        .tags(SANDBOX_TAG, stack)
        .send()
        .await
        .map_err(|x| e(&x))?;
    c.logs
        .put_retention_policy()
        .log_group_name("/ecs/checkout-api")
        .retention_in_days(3)
        .send()
        .await
        .map_err(|x| e(&x))?;
    out.insert("LogGroupName", "/ecs/checkout-api".into());

    // IAM.
    let tag = aws_sdk_iam::types::Tag::builder()
        .key(SANDBOX_TAG)
        .value(stack)
        .build()
        .map_err(|x| e(&x))?;
    let mut role_arns = BTreeMap::new();
    for (name, key) in [
        ("checkout-task-execution", "ExecutionRole"),
        ("checkout-task", "TaskRole"),
    ] {
        let arn = c
            .iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(TRUST)
            .tags(tag.clone())
            .send()
            .await
            .map_err(|x| e(&x))?
            .role
            .map(|r| r.arn)
            .ok_or("no role")?;
        out.insert(
            if key == "ExecutionRole" {
                "ExecutionRoleName"
            } else {
                "TaskRoleName"
            },
            name.into(),
        );
        out.insert(
            if key == "ExecutionRole" {
                "ExecutionRoleArn"
            } else {
                "TaskRoleArn"
            },
            arn.clone(),
        );
        role_arns.insert(key, arn);
    }
    c.iam
        .attach_role_policy()
        .role_name("checkout-task-execution")
        .policy_arn(EXEC_POLICY)
        .send()
        .await
        .map_err(|x| e(&x))?;
    c.iam
        .put_role_policy()
        .role_name("checkout-task-execution")
        .policy_name("pull-through-cache")
        .policy_document(format!(r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"ImportFromEcrPublicCache","Effect":"Allow","Action":["ecr:CreateRepository","ecr:BatchImportUpstreamImage"],"Resource":"arn:aws:ecr:{region}:123456789012:repository/ecr-public/*"}}]}}"#))
        .send()
        .await
        .map_err(|x| e(&x))?;
    c.iam
        .put_role_policy()
        .role_name("checkout-task")
        .policy_name("receipts-bucket")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::shop-prod-receipts-123456789012/*"}]}"#)
        .send()
        .await
        .map_err(|x| e(&x))?;

    // ECS.
    use aws_sdk_ecs::types::{
        AssignPublicIp, AwsVpcConfiguration, Compatibility, ContainerDefinition, LaunchType,
        LoadBalancer, LogConfiguration, LogDriver, NetworkConfiguration, NetworkMode, PortMapping,
        Tag,
    };
    let ecs_tag = Tag::builder().key(SANDBOX_TAG).value(stack).build();
    c.ecs
        .create_cluster()
        .cluster_name("prod")
        .tags(ecs_tag.clone())
        .send()
        .await
        .map_err(|x| e(&x))?;
    out.insert("ClusterName", "prod".into());
    let repository = format!("123456789012.dkr.ecr.{region}.amazonaws.com/ecr-public/nginx/nginx");
    let image = format!("{repository}:stable-alpine");
    let td = c
        .ecs
        .register_task_definition()
        .family("checkout-api")
        .requires_compatibilities(Compatibility::Fargate)
        .network_mode(NetworkMode::Awsvpc)
        .cpu("256")
        .memory("512")
        .execution_role_arn(&role_arns["ExecutionRole"])
        .task_role_arn(&role_arns["TaskRole"])
        .container_definitions(
            ContainerDefinition::builder()
                .name("checkout-api")
                .image(&image)
                .essential(true)
                .memory(384)
                .port_mappings(PortMapping::builder().container_port(80).build())
                .log_configuration(
                    LogConfiguration::builder()
                        .log_driver(LogDriver::Awslogs)
                        .options("awslogs-group", "/ecs/checkout-api")
                        .options("awslogs-region", &region)
                        .options("awslogs-stream-prefix", "ecs")
                        .build()
                        .map_err(|x| e(&x))?,
                )
                .build(),
        )
        .tags(ecs_tag.clone())
        .send()
        .await
        .map_err(|x| e(&x))?
        .task_definition
        .and_then(|t| t.task_definition_arn)
        .ok_or("no task definition arn")?;
    out.insert("TaskDefinitionArn", td.clone());
    out.insert("TaskDefinitionFamily", "checkout-api".into());
    c.ecs
        .create_service()
        .cluster("prod")
        .service_name("checkout")
        .task_definition(&td)
        .desired_count(2)
        .launch_type(LaunchType::Fargate)
        .load_balancers(
            LoadBalancer::builder()
                .target_group_arn(&out["TargetGroupArn"])
                .container_name("checkout-api")
                .container_port(80)
                .build(),
        )
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(
                    AwsVpcConfiguration::builder()
                        .subnets(&out["PrivateSubnetA"])
                        .subnets(&out["PrivateSubnetB"])
                        .security_groups(&out["TaskSecurityGroupId"])
                        .assign_public_ip(AssignPublicIp::Disabled)
                        .build()
                        .map_err(|x| e(&x))?,
                )
                .build(),
        )
        .tags(ecs_tag)
        .send()
        .await
        .map_err(|x| e(&x))?;
    out.insert("ServiceName", "checkout".into());
    out.insert("ImageUri", image);
    out.insert("RepositoryPrefix", "ecr-public".into());
    out.insert("ImageRepository", repository);
    out.insert("SandboxTag", format!("{SANDBOX_TAG}={stack}"));
    Ok(Stack::from_outputs(
        stack,
        out.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    ))
}

/// A CloudFormation stack named like the sandbox whose outputs are the
/// fixture's (moto cannot build the real template's tags; see above).
pub fn cfn_stack(live: &LiveAccount, stack: &Stack) {
    let mut outputs = serde_json::Map::new();
    for (k, v) in &stack.outputs {
        outputs.insert(k.clone(), serde_json::json!({ "Value": v }));
    }
    let template = serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
        "Outputs": outputs,
    });
    live.block_on(
        live.clients
            .cfn
            .create_stack()
            .stack_name(&stack.name)
            .template_body(template.to_string())
            .send(),
    )
    .expect("moto creates the stack");
}
