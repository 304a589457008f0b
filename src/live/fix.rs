//! A player's `fix` line (or a scenario's write) as a live [`Action`]: the
//! AWS CLI line parsed by the same front end the simulator uses, each write
//! of [`crate::scenario::live::LIVE_WRITES`] mapped to the action that
//! [`super::inject::Injector::apply_action`] applies through the guard and
//! the journal. Nothing here sends anything.

use super::inject::Action;
use serde_json::Value;

/// A mutating AWS CLI line (placeholders resolved) as a live action, parsed
/// by the CLI front end: the player's `fix` lines, the scenario's timeline,
/// decoys and `live.before`. Every operation of
/// [`crate::scenario::live::LIVE_WRITES`] maps; the action carries what
/// [`super::inject::Injector::apply_action`] needs to journal its undo.
pub fn fix_action(line: &str, region: &str) -> Result<Action, String> {
    let cmd = crate::awscli::command::parse(line, region).map_err(|e| e.to_string())?;
    let i = &cmd.input;
    let get = |m: &str| -> Result<String, String> { i.required(m).map_err(|e| e.0) };
    let opt = |m: &str| -> Result<Option<String>, String> { i.value(m).map_err(|e| e.0) };
    let doc = |m: &str| -> Result<Value, String> {
        let text = get(m)?;
        serde_json::from_str(&text).map_err(|e| format!("{m} is not JSON: {e}"))
    };
    Ok(match (cmd.entry.service(), cmd.entry.name()) {
        ("ec2", "delete-route") => Action::DeleteRoute {
            route_table_id: get("RouteTableId")?,
            destination_cidr_block: get("DestinationCidrBlock")?,
        },
        ("ec2", "create-route") => {
            let target = ROUTE_TARGETS
                .iter()
                .find_map(|m| opt(m).transpose().map(|v| v.map(|v| (m.to_string(), v))))
                .transpose()?
                .ok_or_else(|| {
                    "create-route needs a target (--nat-gateway-id, --gateway-id, ...)".to_string()
                })?;
            Action::CreateRoute {
                route_table_id: get("RouteTableId")?,
                destination_cidr_block: get("DestinationCidrBlock")?,
                target,
            }
        }
        ("iam", "detach-role-policy") => Action::DetachRolePolicy {
            role_name: get("RoleName")?,
            policy_arn: get("PolicyArn")?,
        },
        ("iam", "attach-role-policy") => Action::AttachRolePolicy {
            role_name: get("RoleName")?,
            policy_arn: get("PolicyArn")?,
        },
        ("iam", "put-role-policy") => Action::PutRolePolicy {
            role_name: get("RoleName")?,
            policy_name: get("PolicyName")?,
            document: doc("PolicyDocument")?,
        },
        ("iam", "update-assume-role-policy") => Action::UpdateAssumeRolePolicy {
            role_name: get("RoleName")?,
            document: doc("PolicyDocument")?,
        },
        ("iam", "delete-role-policy") => Action::DeleteRolePolicy {
            role_name: get("RoleName")?,
            policy_name: get("PolicyName")?,
        },
        ("logs", "create-log-group") => Action::CreateLogGroup {
            name: get("logGroupName")?,
        },
        ("logs", "put-retention-policy") => Action::PutRetentionPolicy {
            name: get("logGroupName")?,
            days: get("retentionInDays")?
                .parse()
                .map_err(|_| "--retention-in-days: expected a number of days".to_string())?,
        },
        ("ecs", "register-task-definition") => {
            // The front end has merged --cli-input-json into the members.
            let mut input = serde_json::Map::new();
            for (k, v) in i.members() {
                if !v.is_null() {
                    input.insert(k.clone(), v.clone());
                }
            }
            for k in ["cpu", "memory"] {
                if let Some(Value::Number(n)) = input.get(k) {
                    let s = n.to_string();
                    input.insert(k.into(), Value::String(s));
                }
            }
            if !input.contains_key("family") {
                return Err("register-task-definition needs --family".into());
            }
            Action::RegisterTaskDefinition {
                input: Value::Object(input),
            }
        }
        ("ecs", "update-service") => {
            let desired_count = match opt("desiredCount")? {
                None => None,
                Some(n) => Some(
                    n.parse::<i32>()
                        .map_err(|_| "--desired-count: expected a number".to_string())?,
                ),
            };
            Action::UpdateService {
                cluster: opt("cluster")?.unwrap_or_else(|| "default".into()),
                service: get("service")?,
                task_definition: opt("taskDefinition")?,
                desired_count,
                network_configuration: i.structure("networkConfiguration").map_err(|e| e.0)?,
                force_new_deployment: i.switch("forceNewDeployment").map_err(|e| e.0)?
                    == Some(true),
            }
        }
        (s, n) => return Err(format!("{s} {n} has no live mapping yet")),
    })
}

/// The target members of `ec2 create-route`, as the API names them.
const ROUTE_TARGETS: &[&str] = &[
    "NatGatewayId",
    "GatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "VpcPeeringConnectionId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_live_write_maps_to_an_action() {
        let lines = [
            "ec2 create-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1",
            "ec2 delete-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0",
            "iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/P",
            "iam detach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/P",
            r#"iam put-role-policy --role-name r --policy-name p --policy-document '{"Version":"2012-10-17","Statement":[]}'"#,
            "iam delete-role-policy --role-name r --policy-name p",
            r#"iam update-assume-role-policy --role-name r --policy-document '{"Version":"2012-10-17","Statement":[]}'"#,
            "logs create-log-group --log-group-name /g",
            "logs put-retention-policy --log-group-name /g --retention-in-days 30",
            r#"ecs register-task-definition --family f --cpu 512 --memory 2048 --container-definitions '[{"name":"a","image":"i","memory":1536}]'"#,
            "ecs update-service --cluster prod --service checkout --desired-count 3 --task-definition f:2 --force-new-deployment --network-configuration awsvpcConfiguration={subnets=[subnet-a],securityGroups=[sg-1],assignPublicIp=DISABLED}",
        ];
        let mut seen = Vec::new();
        for l in lines {
            let cmd = crate::awscli::command::check(l).unwrap();
            seen.push((cmd.service(), cmd.name()));
            fix_action(l, "us-east-1").unwrap_or_else(|e| panic!("{l}: {e}"));
        }
        seen.sort();
        let mut all = crate::scenario::live::LIVE_WRITES.to_vec();
        all.sort();
        assert_eq!(seen, all);
        assert_eq!(
            fix_action(lines[0], "us-east-1").unwrap(),
            Action::CreateRoute {
                route_table_id: "rtb-1".into(),
                destination_cidr_block: "0.0.0.0/0".into(),
                target: ("NatGatewayId".into(), "nat-1".into())
            }
        );
        let Action::RegisterTaskDefinition { input } = fix_action(lines[9], "us-east-1").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (input["family"].clone(), input["cpu"].clone()),
            (json!("f"), json!("512"))
        );
        let Action::UpdateService {
            desired_count,
            task_definition,
            network_configuration,
            force_new_deployment,
            ..
        } = fix_action(lines[10], "us-east-1").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (
                desired_count,
                task_definition.as_deref(),
                force_new_deployment
            ),
            (Some(3), Some("f:2"), true)
        );
        assert_eq!(
            network_configuration.unwrap()["awsvpcConfiguration"]["subnets"],
            json!(["subnet-a"])
        );
        let e = fix_action("ec2 create-vpc --cidr-block 10.0.0.0/16", "us-east-1").unwrap_err();
        assert!(
            e.contains("no live mapping") || e.contains("Invalid choice"),
            "{e}"
        );
    }
}
