//! Read-only `cloudformation` operations: the account's stacks
//! ([`crate::world::Stack`]). The scenarios' accounts have none; a world
//! served for live mode (`faultline serve --sandbox-stack NAME`) has the
//! sandbox stack of `infra/sandbox.yaml`, whose outputs name the world's
//! resources.

use super::misc::cli_time;
use super::{CommandError, Input};
use crate::aws::catalogue::{flag, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors;
use crate::world::Stack;
use serde_json::{json, Map, Value};

/// A stack as DescribeStacks shows it, members in the order of the botocore
/// `Stack` shape (aws-cli's awscli/examples/cloudformation/describe-stacks.rst
/// shows StackId, Description, Tags, Outputs, CreationTime, StackName,
/// StackStatus, DisableRollback).
fn stack_json(s: &Stack) -> Value {
    let mut m = Map::new();
    m.insert("StackId".into(), json!(s.id));
    m.insert("StackName".into(), json!(s.name));
    if !s.description.is_empty() {
        m.insert("Description".into(), json!(s.description));
    }
    m.insert(
        "Parameters".into(),
        Value::Array(
            s.parameters
                .iter()
                .map(|(k, v)| json!({"ParameterKey": k, "ParameterValue": v}))
                .collect(),
        ),
    );
    m.insert("CreationTime".into(), json!(cli_time(s.created)));
    m.insert("RollbackConfiguration".into(), json!({}));
    m.insert("StackStatus".into(), json!(s.status));
    m.insert("DisableRollback".into(), json!(false));
    m.insert("NotificationARNs".into(), json!([]));
    m.insert(
        "Capabilities".into(),
        json!(["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]),
    );
    m.insert(
        "Outputs".into(),
        Value::Array(
            s.outputs
                .iter()
                .map(|(k, v)| json!({"OutputKey": k, "OutputValue": v}))
                .collect(),
        ),
    );
    m.insert(
        "Tags".into(),
        Value::Array(
            s.tags
                .iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect(),
        ),
    );
    m.insert("EnableTerminationProtection".into(), json!(false));
    m.insert(
        "DriftInformation".into(),
        json!({"StackDriftStatus": "NOT_CHECKED"}),
    );
    Value::Object(m)
}

/// `cloudformation describe-stacks [--stack-name NAME]`: one stack by name or
/// ARN, or every stack. A name that is no stack is AWS's ValidationError.
fn describe_stacks(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeStacks";
    let stacks = &ctx.world.stacks;
    let out: Vec<Value> = match inv.value("StackName")? {
        Some(name) => {
            let Some(s) = stacks.iter().find(|s| s.name == name || s.id == name) else {
                return Err(errors::stack_not_found(api, &name).into());
            };
            vec![stack_json(s)]
        }
        None => stacks.iter().map(stack_json).collect(),
    };
    Ok(json!({ "Stacks": out }))
}

/// CloudFormation operations.
pub const OPS: &[ReadOp] = &[Op {
    service: "cloudformation",
    name: "describe-stacks",
    api: "DescribeStacks",
    summary: "Describes the account's CloudFormation stacks: status, parameters, outputs, tags",
    flags: &[flag(
        "stack-name",
        FlagKind::Str,
        "the stack's name or ARN (default: every stack)",
        Complete::Nothing,
    )],
    positional: None,
    run: describe_stacks,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::sim::testkit::{aws_err, call, instance};

    fn sandbox() -> Stack {
        Stack {
            name: "fl-sandbox".into(),
            id: "arn:aws:cloudformation:us-east-1:123456789012:stack/fl-sandbox/0a1b".into(),
            status: "CREATE_COMPLETE".into(),
            created: 0,
            description: String::new(),
            parameters: vec![("DesiredCount".into(), "2".into())],
            outputs: vec![("VpcId".into(), "vpc-1".into())],
            tags: vec![("faultline:sandbox".into(), "fl-sandbox".into())],
        }
    }

    #[test]
    fn describe_stacks_answers_the_recorded_stacks_and_refuses_others() {
        let mut inst = instance("nat-route-missing.yaml", 1);
        let v = call(&inst, "cloudformation describe-stacks").unwrap();
        assert_eq!(
            v,
            json!({"Stacks": []}),
            "a scenario's account has no stack"
        );
        let e = aws_err(call(
            &inst,
            "cloudformation describe-stacks --stack-name fl-sandbox",
        ));
        assert_eq!(
            e.to_string(),
            "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id fl-sandbox does not exist"
        );
        inst.sim.mutate(|c| c.world.stacks.push(sandbox()));
        let v = call(
            &inst,
            "cloudformation describe-stacks --stack-name fl-sandbox",
        )
        .unwrap();
        let s = &v["Stacks"][0];
        assert_eq!(s["StackStatus"], "CREATE_COMPLETE");
        assert_eq!(
            s["Outputs"],
            json!([{"OutputKey": "VpcId", "OutputValue": "vpc-1"}])
        );
        assert_eq!(
            s["Parameters"],
            json!([{"ParameterKey": "DesiredCount", "ParameterValue": "2"}])
        );
        assert_eq!(
            s["Tags"],
            json!([{"Key": "faultline:sandbox", "Value": "fl-sandbox"}])
        );
        let by_arn = call(
            &inst,
            &format!(
                "cloudformation describe-stacks --stack-name {}",
                sandbox().id
            ),
        )
        .unwrap();
        assert_eq!(by_arn, v);
    }
}
