//! A fingerprint of the sandbox: the state of everything a live run may
//! touch, to prove that undo restores the baseline (and that refused or
//! read-only sessions change nothing).

use super::stack::Stack;
use super::LiveAccount;
use serde_json::{json, Value};

/// The state of everything a live run may touch in the sandbox, for
/// comparing before a run and after its undo: the routes of the stack's
/// route tables, the policies of its roles, the account's customer managed
/// policies, the service's task definition, count and network, the family's
/// ACTIVE revisions, the VPC's network interfaces (but those AWS manages
/// for the tasks) and the log groups. Read through the catalogue's
/// operations, as a player would.
pub fn fingerprint(live: &LiveAccount, stack: &Stack) -> Result<Value, String> {
    use crate::awscli::command::read;
    let r = |line: String| -> Result<Value, String> {
        read(live, &line)
            .map(|(_, v)| v)
            .map_err(|e| format!("{line}: {e}"))
    };
    let mut out = serde_json::Map::new();
    let mut tables = serde_json::Map::new();
    for key in [
        "PublicRouteTable",
        "PrivateRouteTableA",
        "PrivateRouteTableB",
        "ExhaustRouteTable",
    ] {
        // A stack that does not output a table (a served scenario without
        // the /28) has nothing there to touch.
        let Some(id) = stack.outputs.get(key) else {
            continue;
        };
        let v = r(format!("ec2 describe-route-tables --route-table-ids {id}"))?;
        let mut routes: Vec<String> = v["RouteTables"][0]["Routes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|x| {
                let dest = x["DestinationCidrBlock"]
                    .as_str()
                    .or(x["DestinationPrefixListId"].as_str())
                    .unwrap_or("?");
                let target = [
                    "NatGatewayId",
                    "GatewayId",
                    "NetworkInterfaceId",
                    "TransitGatewayId",
                ]
                .iter()
                .find_map(|k| x[*k].as_str())
                .unwrap_or("?");
                format!("{dest} -> {target}")
            })
            .collect();
        routes.sort();
        tables.insert(key.into(), json!(routes));
    }
    out.insert("routes".into(), Value::Object(tables));
    let mut roles = serde_json::Map::new();
    for key in ["ExecutionRoleName", "TaskRoleName"] {
        let role = stack.output(key)?;
        let v = r(format!(
            "iam list-attached-role-policies --role-name {role}"
        ))?;
        let mut attached: Vec<String> = v["AttachedPolicies"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p["PolicyArn"].as_str().map(str::to_string))
            .collect();
        attached.sort();
        let v = r(format!("iam list-role-policies --role-name {role}"))?;
        let mut inline = serde_json::Map::new();
        let mut names: Vec<String> = v["PolicyNames"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect();
        names.sort();
        for n in names {
            let d = r(format!(
                "iam get-role-policy --role-name {role} --policy-name {n}"
            ))?;
            inline.insert(n, d["PolicyDocument"].clone());
        }
        let trust = r(format!("iam get-role --role-name {role}"))?["Role"]
            ["AssumeRolePolicyDocument"]
            .clone();
        roles.insert(
            role.into(),
            json!({"attached": attached, "inline": inline, "trust": trust}),
        );
    }
    out.insert("roles".into(), Value::Object(roles));
    let v = r("iam list-policies --scope Local".into())?;
    let mut local: Vec<String> = v["Policies"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p["PolicyName"].as_str().map(str::to_string))
        .collect();
    local.sort();
    out.insert("customer_managed_policies".into(), json!(local));
    let (cluster, service) = (stack.output("ClusterName")?, stack.output("ServiceName")?);
    let v = r(format!(
        "ecs describe-services --cluster {cluster} --services {service}"
    ))?;
    let s = &v["services"][0];
    out.insert(
        "service".into(),
        json!({
            "taskDefinition": s["taskDefinition"],
            "desiredCount": s["desiredCount"],
            "networkConfiguration": s["networkConfiguration"],
        }),
    );
    let family = stack.output("TaskDefinitionFamily")?;
    let v = r(format!(
        "ecs list-task-definitions --family-prefix {family} --status ACTIVE"
    ))?;
    out.insert("active_revisions".into(), v["taskDefinitionArns"].clone());
    let vpc = stack.output("VpcId")?;
    let v = r(format!(
        "ec2 describe-network-interfaces --filters Name=vpc-id,Values={vpc}"
    ))?;
    let mut enis: Vec<String> = v["NetworkInterfaces"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        // Interfaces AWS manages for others (each Fargate task's) come and
        // go with the tasks; what a run creates and deletes is the caller's.
        .filter(|n| n["RequesterManaged"] != json!(true))
        .map(|n| {
            format!(
                "{} {}",
                n["SubnetId"].as_str().unwrap_or("?"),
                n["NetworkInterfaceId"].as_str().unwrap_or("?")
            )
        })
        .collect();
    enis.sort();
    out.insert("network_interfaces".into(), json!(enis));
    let v = r("logs describe-log-groups".into())?;
    let groups: Vec<Value> = v["logGroups"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|g| json!([g["logGroupName"], g["retentionInDays"]]))
        .collect();
    out.insert("log_groups".into(), json!(groups));
    Ok(Value::Object(out))
}
