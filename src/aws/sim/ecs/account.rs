//! `list-account-settings` and `describe-task-sets`: the account's ECS
//! settings, and the task sets a service has (none: every service here uses
//! the ECS deployment controller).

use super::{cluster, list_values};
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors::{self, Validation};
use crate::aws::{CommandError, Input};
use serde_json::{json, Value};

/// The account's ECS settings (botocore's `SettingName`, in the model's
/// order) and their values: the defaults of an account created before
/// 2024, as `--effective-settings` shows them ([I]: values from the ECS
/// developer guide's account settings page).
pub const SETTINGS: &[(&str, &str)] = &[
    ("serviceLongArnFormat", "enabled"),
    ("taskLongArnFormat", "enabled"),
    ("containerInstanceLongArnFormat", "enabled"),
    ("awsvpcTrunking", "disabled"),
    ("containerInsights", "disabled"),
    ("fargateFIPSMode", "disabled"),
    ("tagResourceAuthorization", "on"),
    ("fargateTaskRetirementWaitPeriod", "7"),
    ("guardDutyActivate", "off"),
    ("defaultLogDriverMode", "non-blocking"),
    ("fargateEventWindows", "disabled"),
];

/// `ecs list-account-settings`.
pub(super) fn list_account_settings(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListAccountSettings";
    let name = inv.value("name")?;
    if let Some(n) = &name {
        if !SETTINGS.iter().any(|(s, _)| s == n) {
            let names: Vec<&str> = SETTINGS.iter().map(|(s, _)| *s).collect();
            return Err(errors::not_in_enum(Validation::Ecs, api, n, "name", &names).into());
        }
    }
    let value = inv.value("value")?;
    let effective = inv.switch("effectiveSettings")?.unwrap_or(false);
    let principal = inv
        .value("principalArn")?
        .unwrap_or_else(|| format!("arn:aws:iam::{}:root", ctx.world.account));
    // Nothing is set explicitly in these accounts: without
    // --effective-settings the answer is empty, with it every setting's
    // default, as ECS applies it.
    let settings: Vec<Value> = if effective {
        SETTINGS
            .iter()
            .filter(|(s, _)| name.as_deref().is_none_or(|n| n == *s))
            .filter(|(_, v)| value.as_deref().is_none_or(|x| x == *v))
            .map(|(s, v)| {
                let kind = match *s {
                    "tagResourceAuthorization" | "guardDutyActivate" => "aws_managed",
                    _ => "user",
                };
                json!({"name": s, "value": v, "principalArn": principal, "type": kind})
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(json!({ "settings": settings }))
}

/// `ecs describe-task-sets`.
pub(super) fn describe_task_sets(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeTaskSets";
    let cl = cluster(ctx.world, inv.value("cluster")?, api)?;
    let service = inv.required("service")?;
    let _ = list_values(inv, "taskSets")?;
    let name = crate::world::short_name(&service);
    if ctx.world.service(&cl.name, &name).is_none() {
        return Err(errors::service_not_found(api).into());
    }
    // Every service here uses the ECS (rolling update) deployment controller.
    Err(errors::task_sets_need_external_controller(api).into())
}

#[cfg(test)]
mod tests {
    use crate::aws::sim::testkit::{aws_err, call, instance};
    use serde_json::json;

    #[test]
    fn account_settings_are_empty_unless_effective_and_in_the_models_shape() {
        let inst = instance("nat-route-missing.yaml", 1);
        let acct = inst.sim.world().account.clone();
        assert_eq!(
            call(&inst, "ecs list-account-settings").unwrap(),
            json!({"settings": []})
        );
        let all = call(&inst, "ecs list-account-settings --effective-settings").unwrap();
        let names: Vec<&str> = all["settings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 11);
        assert!(names.contains(&"awsvpcTrunking") && names.contains(&"containerInsights"));
        let one = call(
            &inst,
            "ecs list-account-settings --effective-settings --name fargateTaskRetirementWaitPeriod",
        )
        .unwrap();
        assert_eq!(
            one,
            json!({"settings": [{
                "name": "fargateTaskRetirementWaitPeriod",
                "value": "7",
                "principalArn": format!("arn:aws:iam::{acct}:root"),
                "type": "user"
            }]})
        );
        let e = aws_err(call(&inst, "ecs list-account-settings --name longArns"));
        assert_eq!(e.code, "InvalidParameterException");
        assert!(e.message.starts_with(
            "1 validation error detected: Value 'longArns' at 'name' failed to satisfy constraint"
        ));
    }

    #[test]
    fn task_sets_are_refused_for_a_service_with_the_ecs_deployment_controller() {
        let inst = instance("nat-route-missing.yaml", 1);
        let e = aws_err(call(
            &inst,
            "ecs describe-task-sets --cluster prod --service checkout",
        ));
        assert_eq!(
            e.to_string(),
            "An error occurred (InvalidParameterException) when calling the DescribeTaskSets operation: Amazon ECS only supports task set management on services configured to use external deployment controllers."
        );
        assert_eq!(
            aws_err(call(
                &inst,
                "ecs describe-task-sets --cluster prod --service nope"
            ))
            .code,
            "ServiceNotFoundException"
        );
        assert_eq!(
            aws_err(call(
                &inst,
                "ecs describe-task-sets --cluster nope --service checkout"
            ))
            .code,
            "ClusterNotFoundException"
        );
    }
}
