//! Serving a scenario as live mode's sandbox (`faultline serve
//! --sandbox-stack NAME`): the scenario's environment before its timeline
//! ([`crate::scenario::Mode::Environment`]: live start applies the timeline
//! and the decoys itself), with a CloudFormation stack recorded over it that
//! stands for `infra/sandbox.yaml` deployed as NAME. Its outputs name the
//! world's resources as the template's outputs name the sandbox's (the
//! placeholders of [`crate::scenario::live::BINDINGS`] resolved through the
//! world's names; the service's task definition, roles, log group and
//! image read from the world), and its stack-level tag
//! `faultline:sandbox=NAME` is propagated to the world's resources, as the
//! template tags every resource. `faultline live start --stack NAME`
//! pointed at the server then injects the scenario's fault over the wire,
//! and the simulator shows its symptom as Fargate would.

use crate::scenario::live::SANDBOX_TAG;
use crate::scenario::{Instance, Scenario};
use crate::world::{Stack, World};

/// A CloudFormation stack name: a letter, then letters, digits and hyphens,
/// at most 128 characters [V: the `StackName` pattern of the API reference].
pub fn stack_name(text: &str) -> Result<String, String> {
    let mut chars = text.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
        && text.len() <= 128;
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "--sandbox-stack {text:?}: a stack name starts with a letter and has only letters, digits and hyphens (at most 128)"
        ))
    }
}

/// The outputs of the sandbox stack `stack` over `w`, in the template's
/// order: each output the world has a resource for (a scenario's world has
/// no /28 `ExhaustSubnet` unless the scenario builds one, nor the player role).
pub fn outputs(w: &World, stack: &str, cluster: &str, service: &str) -> Vec<(String, String)> {
    let name = |k: &str| w.names.get(k).cloned();
    let svc = w.services.get(&(cluster.to_string(), service.to_string()));
    let td = svc.and_then(|s| w.task_definition(&s.task_definition));
    let container = td.and_then(|t| t.def.container_definitions.first());
    let role_name = |arn: &Option<String>| {
        arn.as_deref()
            .and_then(|a| a.rsplit('/').next())
            .map(str::to_string)
    };
    let lb = name("lb:shop-prod-alb");
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for k in crate::scenario::live::template_outputs() {
        let v = match k.as_str() {
            "ClusterName" => svc.map(|_| cluster.to_string()),
            "ServiceName" => svc.map(|_| service.to_string()),
            "TaskDefinitionArn" => td.map(|t| t.arn.clone()),
            "TaskDefinitionFamily" => td.map(|t| t.def.family.clone()),
            "ExecutionRoleName" => td.and_then(|t| role_name(&t.def.execution_role_arn)),
            "ExecutionRoleArn" => td.and_then(|t| t.def.execution_role_arn.clone()),
            "TaskRoleName" => td.and_then(|t| role_name(&t.def.task_role_arn)),
            "TaskRoleArn" => td.and_then(|t| t.def.task_role_arn.clone()),
            "LogGroupName" => container
                .and_then(|c| c.log_configuration.as_ref())
                .and_then(|l| l.options.get("awslogs-group").cloned()),
            "ImageUri" => container.map(|c| c.image.clone()),
            "ImageRepository" => container.map(|c| {
                let image = c.image.split('@').next().unwrap_or(&c.image);
                match image.rsplit_once(':') {
                    Some((repo, tag)) if !tag.contains('/') => repo.to_string(),
                    _ => image.to_string(),
                }
            }),
            "LoadBalancerDnsName" => lb
                .as_ref()
                .and_then(|a| w.load_balancers.get(a))
                .map(|l| l.dns_name.clone()),
            "SandboxTag" => Some(format!("{SANDBOX_TAG}={stack}")),
            other => crate::scenario::live::BINDINGS
                .iter()
                .find(|(_, o)| *o == other)
                .and_then(|(p, _)| name(p)),
        };
        out.push((k.clone(), v));
    }
    out.into_iter().filter_map(|(k, v)| Some((k, v?))).collect()
}

/// Records the sandbox stack `name` over the instance's world (its
/// outputs, parameters and the propagated sandbox tag).
pub fn record(inst: &mut Instance, scenario: &Scenario, name: &str) -> Result<(), String> {
    let name = stack_name(name)?;
    let (cluster, service) = (
        scenario.spec.success.cluster.clone(),
        scenario.spec.success.service.clone(),
    );
    let created = inst.now;
    inst.sim.mutate(|c| {
        let w = &mut *c.world;
        // The template makes no customer managed policy: the environment's
        // that nothing uses are left to `live start`, which creates the
        // ones the timeline names.
        let used: Vec<String> = w.roles.values().flat_map(|r| r.attached.clone()).collect();
        w.policies
            .retain(|arn, _| arn.starts_with("arn:aws:iam::aws:") || used.contains(arn));
        let outputs = outputs(w, &name, &cluster, &service);
        let mut parameters = vec![(
            "EnvironmentName".to_string(),
            scenario.spec.environment.clone(),
        )];
        if let Some(s) = w.services.get(&(cluster.clone(), service.clone())) {
            parameters.push(("DesiredCount".into(), s.desired_count.to_string()));
        }
        let id = format!(
            "arn:aws:cloudformation:{}:{}:stack/{name}/{}",
            w.region,
            w.account,
            w.rng.uuid()
        );
        w.stacks.push(Stack {
            name: name.clone(),
            id,
            status: "CREATE_COMPLETE".into(),
            created,
            description: String::new(),
            parameters,
            outputs,
            tags: vec![(SANDBOX_TAG.to_string(), name.clone())],
        });
    });
    Ok(())
}
