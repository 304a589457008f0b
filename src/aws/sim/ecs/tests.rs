//! The `ecs` read operations driven through the AWS CLI front end.

use super::super::CommandError;
use crate::scenario::{Mode, Scenario};
use crate::world::{short_name, TaskStatus};
use serde_json::{json, Value};
use std::path::Path;

fn instance(seed: u64) -> crate::scenario::Instance {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nat-route-missing.yaml");
    let sc = Scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
    sc.instantiate(seed, Mode::Incident)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
}

fn call(inst: &crate::scenario::Instance, line: &str) -> Result<Value, CommandError> {
    crate::awscli::command::read(&inst.sim, line).map(|(_, v)| v)
}

fn ok(inst: &crate::scenario::Instance, line: &str) -> Value {
    call(inst, line).unwrap_or_else(|e| panic!("seed {}: {line}: {e}", inst.seed))
}

fn err(inst: &crate::scenario::Instance, line: &str) -> String {
    match call(inst, line) {
        Ok(v) => panic!("seed {}: {line}: expected an error, got {v}", inst.seed),
        Err(e) => e.to_string(),
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn stopped_tasks_carry_the_ecr_reason() {
    let inst = instance(7);
    let list = ok(
        &inst,
        "ecs list-tasks --cluster prod --service-name checkout --desired-status STOPPED",
    );
    let arns = strs(&list["taskArns"]);
    assert!(!arns.is_empty(), "seed 7: no stopped tasks listed");
    let ids: Vec<String> = arns.iter().map(|a| short_name(a)).collect();
    let out = ok(
        &inst,
        &format!(
            "ecs describe-tasks --cluster prod --tasks {}",
            ids.join(" ")
        ),
    );
    assert_eq!(out["failures"], json!([]));
    let tasks = out["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), ids.len());
    let failed: Vec<&Value> = tasks
        .iter()
        .filter(|t| t["stopCode"] == "TaskFailedToStart")
        .collect();
    assert!(!failed.is_empty(), "seed 7: no TaskFailedToStart task");
    for t in failed {
        assert_eq!(t["desiredStatus"], "STOPPED");
        let reason = t["stoppedReason"].as_str().unwrap();
        assert!(
            reason.starts_with("ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR."),
            "{reason}"
        );
        assert!(reason.contains("operation error ECR: GetAuthorizationToken"));
        assert!(reason.contains("i/o timeout"));
        assert!(t["group"] == "service:checkout");
        assert!(t["startedBy"].as_str().unwrap().starts_with("ecs-svc/"));
        // Containers never started: no exit code, no runtime id.
        for c in t["containers"].as_array().unwrap() {
            assert!(c.get("exitCode").is_none(), "{c}");
            assert!(c.get("runtimeId").is_none(), "{c}");
            assert_eq!(c["cpu"], "0");
            assert_eq!(c["memory"], "768");
            assert_eq!(c["taskArn"], t["taskArn"]);
        }
        let att = &t["attachments"][0];
        assert_eq!(att["type"], "ElasticNetworkInterface");
        let names: Vec<&str> = att["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "subnetId",
                "networkInterfaceId",
                "macAddress",
                "privateDnsName",
                "privateIPv4Address"
            ]
        );
        assert_eq!(t["launchType"], "FARGATE");
        assert_eq!(t["platformVersion"], "1.4.0");
        assert_eq!(t["attributes"][0]["name"], "ecs.cpu-architecture");
        assert_eq!(t["attributes"][0]["value"], "x86_64");
        assert_eq!(t["ephemeralStorage"]["sizeInGiB"], 20);
        assert!(t["stoppedAt"].as_str().unwrap().ends_with("+00:00"));
        assert!(t.get("startedAt").is_none());
    }
    // Key order follows the DescribeTasks model.
    let keys: Vec<&String> = tasks[0].as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "attachments");
    assert_eq!(keys[keys.len() - 1], "fargateEphemeralStorage");
    // Listed as STOPPED, not as RUNNING.
    let running = strs(&ok(&inst, "ecs list-tasks --cluster prod")["taskArns"]);
    assert!(arns.iter().all(|a| !running.contains(a)));
    assert!(!running.is_empty());
    // The ARN works as well as the id.
    let by_arn = ok(
        &inst,
        &format!("ecs describe-tasks --cluster prod --tasks {}", arns[0]),
    );
    assert_eq!(by_arn["tasks"][0]["taskArn"], json!(arns[0]));
}

#[test]
fn describe_services_shows_both_deployments_and_events_newest_first() {
    let inst = instance(11);
    let out = ok(
        &inst,
        "ecs describe-services --cluster prod --services checkout",
    );
    assert_eq!(out["failures"], json!([]));
    let s = &out["services"][0];
    assert_eq!(s["serviceName"], "checkout");
    assert_eq!(s["launchType"], "FARGATE");
    assert_eq!(s["desiredCount"], 4);
    assert_eq!(s["schedulingStrategy"], "REPLICA");
    assert_eq!(
        s["roleArn"],
        json!(format!(
            "arn:aws:iam::{}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
            inst.sim.world().account
        ))
    );
    let deps = s["deployments"].as_array().unwrap();
    assert_eq!(deps.len(), 2, "{deps:?}");
    assert_eq!(deps[0]["status"], "PRIMARY");
    assert_eq!(deps[1]["status"], "ACTIVE");
    assert_eq!(deps[0]["rolloutState"], "IN_PROGRESS");
    assert_ne!(deps[0]["taskDefinition"], deps[1]["taskDefinition"]);
    assert_eq!(s["taskDefinition"], deps[0]["taskDefinition"]);
    // Counts agree with the world's tasks.
    let w = inst.sim.world();
    for d in deps {
        let id = d["id"].as_str().unwrap();
        let running = w
            .tasks
            .values()
            .filter(|t| {
                t.started_by == id
                    && t.last_status == TaskStatus::Running
                    && t.desired_status == TaskStatus::Running
            })
            .count();
        assert_eq!(d["runningCount"], running, "{d}");
        assert_eq!(d["platformVersion"], "1.4.0");
        assert_eq!(
            d["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"],
            "DISABLED"
        );
    }
    // The old tasks keep serving.
    assert!(deps[1]["runningCount"].as_u64().unwrap() > 0);
    let total =
        deps[0]["runningCount"].as_u64().unwrap() + deps[1]["runningCount"].as_u64().unwrap();
    assert_eq!(s["runningCount"], total);
    let events = s["events"].as_array().unwrap();
    assert!(events.len() >= 2);
    let times: Vec<&str> = events
        .iter()
        .map(|e| e["createdAt"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    assert!(events.iter().any(|e| e["message"]
        .as_str()
        .unwrap()
        .starts_with("(service checkout) has started")));
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "serviceArn");
    assert_eq!(keys[keys.len() - 1], "availabilityZoneRebalancing");
    assert_eq!(
        s["loadBalancers"][0]["containerName"],
        json!("checkout-api")
    );
    // A missing service is a failure, not an error.
    let out = ok(
        &inst,
        "ecs describe-services --cluster prod --services checkout nope",
    );
    assert_eq!(out["services"].as_array().unwrap().len(), 1);
    assert_eq!(
        out["failures"],
        json!([{"arn": w.arn("ecs", "service/prod/nope"), "reason": "MISSING"}])
    );
}

#[test]
fn missing_cluster_task_and_flags_use_the_aws_texts() {
    let inst = instance(3);
    let w = inst.sim.world();
    for line in [
        "ecs describe-tasks --tasks abc",
        "ecs list-tasks",
        "ecs list-services --cluster staging",
        "ecs describe-services --cluster nope --services checkout",
    ] {
        let e = err(&inst, line);
        let op = match line.split_whitespace().nth(1).unwrap() {
            "describe-tasks" => "DescribeTasks",
            "list-tasks" => "ListTasks",
            "list-services" => "ListServices",
            _ => "DescribeServices",
        };
        assert_eq!(
            e,
            format!("An error occurred (ClusterNotFoundException) when calling the {op} operation: Cluster not found.")
        );
    }
    let out = ok(
        &inst,
        "ecs describe-tasks --cluster prod --tasks 0123456789abcdef0123456789abcdef",
    );
    assert_eq!(out["tasks"], json!([]));
    assert_eq!(
        out["failures"],
        json!([{"arn": w.arn("ecs", "task/prod/0123456789abcdef0123456789abcdef"), "reason": "MISSING"}])
    );
    assert_eq!(
        err(&inst, "ecs describe-tasks --cluster prod"),
        "aws: error: the following arguments are required: --tasks"
    );
    assert_eq!(
        err(&inst, "ecs describe-task-definition --task-definition nope:1"),
        "An error occurred (ClientException) when calling the DescribeTaskDefinition operation: Unable to describe task definition."
    );
    assert_eq!(
        err(&inst, "ecs list-tasks --cluster prod --service-name nope"),
        "An error occurred (ServiceNotFoundException) when calling the ListTasks operation: Service not found."
    );
    assert!(
        err(&inst, "ecs list-tasks --cluster prod --desired-status DONE").starts_with(
            "An error occurred (InvalidParameterException) when calling the ListTasks operation: "
        )
    );
    assert!(err(&inst, "ecs describe-tasks --cluster prod --task x")
        .starts_with("Unknown options: --task"));
    let out = ok(&inst, "ecs describe-clusters --clusters prod nope");
    assert_eq!(out["clusters"][0]["clusterName"], "prod");
    assert_eq!(out["clusters"][0]["status"], "ACTIVE");
    assert_eq!(out["clusters"][0]["activeServicesCount"], 1);
    assert_eq!(
        out["failures"],
        json!([{"arn": w.arn("ecs", "cluster/nope"), "reason": "MISSING"}])
    );
    assert_eq!(
        ok(&inst, "ecs list-clusters"),
        json!({"clusterArns": [w.arn("ecs", "cluster/prod")]})
    );
}

#[test]
fn task_definitions_have_the_aws_shape() {
    let inst = instance(5);
    let list = ok(
        &inst,
        "ecs list-task-definitions --family-prefix checkout-api",
    );
    let arns = strs(&list["taskDefinitionArns"]);
    assert_eq!(arns.len(), 2, "the original and the v2.4.0 revision");
    assert!(arns[0].ends_with(":1") && arns[1].ends_with(":2"));
    let desc = strs(&ok(&inst, "ecs list-task-definitions --sort DESC")["taskDefinitionArns"]);
    assert_eq!(desc[0], arns[1]);
    let page = ok(&inst, "ecs list-task-definitions --max-items 1");
    assert_eq!(strs(&page["taskDefinitionArns"]), [arns[0].clone()]);
    let tok = page["NextToken"].as_str().unwrap().to_string();
    let next = ok(
        &inst,
        &format!("ecs list-task-definitions --max-items 1 --starting-token {tok}"),
    );
    assert_eq!(strs(&next["taskDefinitionArns"]), [arns[1].clone()]);
    assert!(next.get("NextToken").is_none());

    let out = ok(
        &inst,
        "ecs describe-task-definition --task-definition checkout-api",
    );
    let td = &out["taskDefinition"];
    assert_eq!(td["taskDefinitionArn"], json!(arns[1]));
    assert_eq!(td["revision"], 2);
    assert_eq!(td["status"], "ACTIVE");
    assert_eq!(td["cpu"], "512");
    assert_eq!(td["memory"], "1024");
    assert_eq!(td["compatibilities"], json!(["EC2", "FARGATE"]));
    assert_eq!(td["requiresCompatibilities"], json!(["FARGATE"]));
    let c = &td["containerDefinitions"][0];
    assert_eq!(c["cpu"], 0);
    assert_eq!(
        c["portMappings"],
        json!([{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}])
    );
    assert!(c["image"].as_str().unwrap().ends_with(":v2.4.0"));
    assert_eq!(c["mountPoints"], json!([]));
    assert_eq!(c["volumesFrom"], json!([]));
    assert_eq!(c["systemControls"], json!([]));
    assert_eq!(c["logConfiguration"]["logDriver"], "awslogs");
    let attrs: Vec<&str> = td["requiresAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(attrs.contains(&"ecs.capability.execution-role-ecr-pull"));
    assert!(attrs.contains(&"ecs.capability.secrets.asm.environment-variables"));
    assert!(attrs.contains(&"ecs.capability.task-eni"));
    let keys: Vec<&String> = td.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "taskDefinitionArn");
    assert_eq!(keys[1], "containerDefinitions");
    // family:revision and the ARN name the same revisions.
    let one = ok(
        &inst,
        "ecs describe-task-definition --task-definition checkout-api:1",
    );
    assert_eq!(one["taskDefinition"]["taskDefinitionArn"], json!(arns[0]));
    let by_arn = ok(
        &inst,
        &format!("ecs describe-task-definition --task-definition {}", arns[0]),
    );
    assert_eq!(by_arn, one);
    assert_eq!(
        ok(&inst, "ecs list-task-definition-families"),
        json!({"families": ["checkout-api"]})
    );
}
