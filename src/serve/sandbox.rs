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
use crate::world::{
    Association, Cidr, Route, RouteDest, RouteTable, RouteTarget, Stack, Subnet, World,
};

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
        add_exhaust_subnet(w);
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

/// The template's /28 `ExhaustSubnet` (in the first zone, routed through the
/// NAT gateway by its own `ExhaustRouteTable`), when the scenario's
/// environment has none: the subnet live mode fills for subnet-exhausted.
/// Its block is the template's 10.40.12.0/28 when the VPC holds it and no
/// subnet uses it, else the first free /28 from the top of the VPC.
fn add_exhaust_subnet(w: &mut World) {
    if w.names.contains_key("subnet:private-exhaust") {
        return;
    }
    let (Some(vpc_id), Some(private_a)) = (w.names.get("vpc"), w.names.get("subnet:private-a"))
    else {
        return;
    };
    let (vpc_id, private_a) = (vpc_id.clone(), private_a.clone());
    let (Some(vpc), Some(a)) = (w.vpcs.get(&vpc_id), w.subnets.get(&private_a)) else {
        return;
    };
    let vpc_cidr = vpc.cidr;
    let (az, az_id) = (a.az.clone(), a.az_id.clone());
    let free = |c: &Cidr| {
        vpc_cidr.covers(c)
            && !w
                .subnets
                .values()
                .any(|s| s.vpc_id == vpc_id && (s.cidr.covers(c) || c.covers(&s.cidr)))
    };
    let template: Option<Cidr> = "10.40.12.0/28".parse().ok().filter(|c| free(c));
    let size = 16u32;
    let top = vpc_cidr
        .base
        .wrapping_add(u32::MAX >> vpc_cidr.prefix)
        .wrapping_sub(size - 1);
    let block = template.or_else(|| {
        (0..4096u32)
            .map(|k| Cidr {
                base: top.wrapping_sub(k * size),
                prefix: 28,
            })
            .find(|c| free(c))
    });
    let Some(cidr) = block else {
        return;
    };
    let nat = w.names.get("nat:nat-a").cloned();
    let subnet_id = w.rng.ec2_id("subnet");
    w.subnets.insert(
        subnet_id.clone(),
        Subnet {
            id: subnet_id.clone(),
            name: "private-exhaust".into(),
            vpc_id: vpc_id.clone(),
            az,
            az_id,
            cidr,
            map_public_ip_on_launch: false,
        },
    );
    w.ensure_default_nacl(&vpc_id);
    let mut routes = vec![Route {
        dest: RouteDest::Cidr(vpc_cidr),
        target: RouteTarget::Local,
        origin: "CreateRouteTable",
    }];
    if let Some(n) = nat {
        routes.push(Route {
            dest: RouteDest::Cidr(Cidr { base: 0, prefix: 0 }),
            target: RouteTarget::NatGateway(n),
            origin: "CreateRoute",
        });
    }
    let rtb = w.rng.ec2_id("rtb");
    let association = Association {
        id: w.rng.ec2_id("rtbassoc"),
        subnet_id: Some(subnet_id.clone()),
    };
    w.route_tables.insert(
        rtb.clone(),
        RouteTable {
            id: rtb.clone(),
            name: "private-exhaust".into(),
            vpc_id,
            main: false,
            associations: vec![association],
            routes,
        },
    );
    w.names.insert("subnet:private-exhaust".into(), subnet_id);
    w.names.insert("rtb:private-exhaust".into(), rtb);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Mode;
    use serde_json::json;
    use std::path::Path;

    fn scenario(id: &str) -> Scenario {
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
            .unwrap()
    }

    fn read(inst: &Instance, line: &str) -> serde_json::Value {
        crate::awscli::command::read(&inst.sim, line)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .1
    }

    #[test]
    fn the_recorded_stack_names_the_worlds_resources_and_tags_them() {
        let s = scenario("nat-route-missing");
        let mut inst = s.instantiate(1, Mode::Environment).unwrap();
        record(&mut inst, &s, "fl-sandbox").unwrap();
        let w = inst.sim.world();
        let v = read(
            &inst,
            "cloudformation describe-stacks --stack-name fl-sandbox",
        );
        let outputs: std::collections::BTreeMap<String, String> = v["Stacks"][0]["Outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["OutputKey"].as_str().unwrap().to_string(),
                    o["OutputValue"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(outputs["PrivateRouteTableA"], w.names["rtb:private-a"]);
        assert_eq!(outputs["NatGatewayId"], w.names["nat:nat-a"]);
        assert_eq!(outputs["ExecutionRoleName"], "checkout-task-execution");
        assert_eq!(outputs["ClusterName"], "prod");
        assert_eq!(outputs["SandboxTag"], "faultline:sandbox=fl-sandbox");
        // The template's /28, added since this environment has none.
        let exhaust = &w.subnets[&outputs["ExhaustSubnet"]];
        assert_eq!(exhaust.cidr.prefix, 28);
        assert!(outputs.contains_key("ExhaustRouteTable"));
        let tag = json!({"Key": "faultline:sandbox", "Value": "fl-sandbox"});
        let rt = read(
            &inst,
            &format!(
                "ec2 describe-route-tables --route-table-ids {}",
                outputs["PrivateRouteTableA"]
            ),
        );
        assert!(
            rt["RouteTables"][0]["Tags"]
                .as_array()
                .unwrap()
                .contains(&tag),
            "{rt}"
        );
        assert_eq!(
            read(
                &inst,
                "iam list-role-tags --role-name checkout-task-execution"
            )["Tags"],
            json!([tag])
        );
        assert_eq!(
            read(
                &inst,
                "logs list-tags-log-group --log-group-name /ecs/checkout-api"
            )["tags"],
            json!({"faultline:sandbox": "fl-sandbox"})
        );
        let svc = read(
            &inst,
            "ecs describe-services --cluster prod --services checkout --include TAGS",
        );
        assert_eq!(
            svc["services"][0]["tags"],
            json!([{"key": "faultline:sandbox", "value": "fl-sandbox"}])
        );
        assert!(
            w.policies.keys().all(|a| a.starts_with("arn:aws:iam::aws:")
                || w.roles.values().any(|r| r.attached.contains(a))),
            "no customer managed policy that nothing uses"
        );
    }

    #[test]
    fn a_stack_name_is_checked() {
        assert!(stack_name("faultline-sandbox").is_ok());
        assert!(stack_name("1sandbox")
            .unwrap_err()
            .contains("starts with a letter"));
        assert!(stack_name("sand_box").is_err());
    }
}
