//! Deployments as CI makes them: a changed revision of the service's task
//! definition, registered (tagged with the run), then the service updated to it.

use super::state::{service_state, service_task_definition};
use super::{Injector, LiveFailure};
use crate::aws::{ArgError, CommandError};
use crate::live::guard::Target;
use crate::live::journal::Undo;
use crate::live::sdk_error;
use crate::live::shape::ecs_json;
use crate::live::stack::{RUN_TAG, SANDBOX_TAG};
use serde_json::{json, Value};
use std::collections::BTreeMap;

impl Injector<'_> {
    /// A deployment: register a changed revision (undo: deregister the run's
    /// revisions), then point the service at it (undo: the revision before).
    pub(super) fn deploy(
        &mut self,
        note: &str,
        cluster: &str,
        service: &str,
        set: &BTreeMap<String, Value>,
        unset: &[String],
    ) -> Result<(), LiveFailure> {
        let c = self.live.clients.clone();
        // The gate checks each mutation; checking first keeps the reads below
        // from answering for an account or region the guard would refuse.
        self.guard.check(
            note,
            &Target::Service {
                cluster: cluster.to_string(),
                service: service.to_string(),
            },
        )?;
        let current = self
            .live
            .block_on(service_task_definition(self.live, cluster, service))?;
        let described = self
            .live
            .block_on(
                c.ecs
                    .describe_task_definition()
                    .task_definition(&current)
                    .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
                    .send(),
            )
            .map_err(|e| sdk_error("DescribeTaskDefinition", e))?;
        let out = ecs_json(&described);
        let mut td = out["taskDefinition"].clone();
        for (path, value) in set {
            set_path(&mut td, path, Some(value.clone())).map_err(ArgError)?;
        }
        for path in unset {
            set_path(&mut td, path, None).map_err(ArgError)?;
        }
        let mut input = serde_json::Map::new();
        for key in REGISTER_MEMBERS {
            if let Some(v) = td.get(*key).filter(|v| !v.is_null()) {
                input.insert(key.to_string(), v.clone());
            }
        }
        input.insert("tags".into(), out["tags"].clone());
        let registered = self.register(note, &Value::Object(input))?;
        let new_arn = registered["taskDefinition"]["taskDefinitionArn"]
            .as_str()
            .map(str::to_string);
        let new_arn =
            new_arn.ok_or_else(|| ArgError("RegisterTaskDefinition returned no ARN".into()))?;
        let undo = Undo::RestoreService {
            cluster: cluster.to_string(),
            service: service.to_string(),
            task_definition: Some(current),
            desired_count: None,
            network_configuration: None,
        };
        let send = async {
            c.ecs
                .update_service()
                .cluster(cluster)
                .service(service)
                .task_definition(&new_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_error("UpdateService", e))
        };
        let target = Target::Service {
            cluster: cluster.to_string(),
            service: service.to_string(),
        };
        self.mutate(
            &format!("{note} (update the service to {new_arn})"),
            &target,
            || Ok(undo),
            send,
        )
    }
}

/// What `ecs update-service` changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ServiceChange {
    pub task_definition: Option<String>,
    pub desired_count: Option<i32>,
    pub network_configuration: Option<Value>,
    pub force_new_deployment: bool,
}

impl Injector<'_> {
    /// `ecs register-task-definition` of `input` (the API's members), tagged
    /// with the sandbox and the run (undo: deregister the run's revisions
    /// of the family). Returns the CLI's answer.
    pub(super) fn register(&mut self, note: &str, input: &Value) -> Result<Value, LiveFailure> {
        let c = self.live.clients.clone();
        let mut input = input
            .as_object()
            .cloned()
            .ok_or_else(|| ArgError("a task definition is a JSON object".into()))?;
        let family = input
            .get("family")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut tags: Vec<Value> = input
            .get("tags")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t["key"] != RUN_TAG && t["key"] != SANDBOX_TAG)
            .collect();
        tags.push(json!({"key": SANDBOX_TAG, "value": self.guard.policy().stack}));
        tags.push(json!({"key": RUN_TAG, "value": self.run}));
        input.insert("tags".into(), Value::Array(tags));
        let i = crate::live::shape::ecs_from_json(
            &Value::Object(input),
            aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionInput::deserialize,
        )
        .map_err(|e| ArgError(format!("the task definition does not read as RegisterTaskDefinition input: {e}")))?;
        let send = async {
            c.ecs
                .register_task_definition()
                .set_family(i.family)
                .set_task_role_arn(i.task_role_arn)
                .set_execution_role_arn(i.execution_role_arn)
                .set_network_mode(i.network_mode)
                .set_container_definitions(i.container_definitions)
                .set_volumes(i.volumes)
                .set_placement_constraints(i.placement_constraints)
                .set_requires_compatibilities(i.requires_compatibilities)
                .set_cpu(i.cpu)
                .set_memory(i.memory)
                .set_tags(i.tags)
                .set_pid_mode(i.pid_mode)
                .set_ipc_mode(i.ipc_mode)
                .set_proxy_configuration(i.proxy_configuration)
                .set_ephemeral_storage(i.ephemeral_storage)
                .set_runtime_platform(i.runtime_platform)
                .set_enable_fault_injection(i.enable_fault_injection)
                .send()
                .await
                .map(|o| ecs_json(&o))
                .map_err(|e| sdk_error("RegisterTaskDefinition", e))
        };
        let undo = Undo::DeregisterRunRevisions {
            family: family.clone(),
            run: self.run.clone(),
        };
        self.mutate(
            &format!("{note} (register a revision of {family})"),
            &Target::Family(family.clone()),
            || Ok(undo),
            send,
        )
    }

    /// `ecs update-service` (undo: what it changes, as it was).
    pub(super) fn update_service(
        &mut self,
        note: &str,
        cluster: &str,
        service: &str,
        change: &ServiceChange,
    ) -> Result<Value, LiveFailure> {
        let c = self.live.clients.clone();
        let target = Target::Service {
            cluster: cluster.to_string(),
            service: service.to_string(),
        };
        self.guard.check(note, &target)?;
        let now = self
            .live
            .block_on(service_state(self.live, cluster, service))?;
        let undo = Undo::RestoreService {
            cluster: cluster.to_string(),
            service: service.to_string(),
            task_definition: change
                .task_definition
                .as_ref()
                .map(|_| now.task_definition.clone()),
            desired_count: change.desired_count.map(|_| now.desired_count),
            network_configuration: change
                .network_configuration
                .as_ref()
                .and(now.network_configuration.clone()),
        };
        let send = send_update(&c, cluster, service, change);
        self.mutate(note, &target, || Ok(undo), send)
    }
}

/// Sends an UpdateService; answers as the CLI prints it.
pub(super) async fn send_update(
    c: &crate::live::Clients,
    cluster: &str,
    service: &str,
    change: &ServiceChange,
) -> Result<Value, CommandError> {
    let network = match &change.network_configuration {
        None => None,
        Some(v) => Some(
            crate::live::shape::ecs_from_json(
                v,
                aws_sdk_ecs::types::NetworkConfiguration::deserialize,
            )
            .map_err(|e| ArgError(format!("--network-configuration: {e}")))?,
        ),
    };
    let mut b = c
        .ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .set_task_definition(change.task_definition.clone())
        .set_desired_count(change.desired_count)
        .set_network_configuration(network);
    if change.force_new_deployment {
        b = b.force_new_deployment(true);
    }
    b.send()
        .await
        .map(|o| ecs_json(&o))
        .map_err(|e| sdk_error("UpdateService", e))
}

/// The members of a described task definition that RegisterTaskDefinition takes.
const REGISTER_MEMBERS: &[&str] = &[
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "ephemeralStorage",
    "runtimePlatform",
    "enableFaultInjection",
];

/// Sets (or with None removes) the value at a field path
/// (`containerDefinitions[0].logConfiguration.options.awslogs-group`).
fn set_path(v: &mut Value, path: &str, value: Option<Value>) -> Result<(), String> {
    use crate::scenario::locate::{parse_path, Step as P};
    let steps = parse_path(path).ok_or_else(|| format!("'{path}' is not a field path"))?;
    let Some((last, init)) = steps.split_last() else {
        return Err("the path is empty".into());
    };
    let mut cur = v;
    for s in init {
        cur = match s {
            P::Key(k) => {
                let m = cur
                    .as_object_mut()
                    .ok_or_else(|| format!("'{path}': '{k}' is not inside an object"))?;
                m.entry(k.clone()).or_insert_with(|| json!({}))
            }
            P::Index(i) => cur
                .get_mut(*i)
                .ok_or_else(|| format!("'{path}': no element [{i}]"))?,
        };
    }
    match (last, value) {
        (P::Key(k), Some(val)) => {
            cur.as_object_mut()
                .ok_or_else(|| format!("'{path}': not an object"))?
                .insert(k.clone(), val);
        }
        (P::Key(k), None) => {
            if let Some(m) = cur.as_object_mut() {
                m.remove(k);
            }
        }
        (P::Index(i), Some(val)) => {
            let a = cur
                .as_array_mut()
                .ok_or_else(|| format!("'{path}': not a list"))?;
            match a.len() {
                n if *i < n => a[*i] = val,
                n if *i == n => a.push(val),
                n => {
                    return Err(format!(
                        "'{path}': index {i} is past the end ({n} elements)"
                    ))
                }
            }
        }
        (P::Index(i), None) => {
            let a = cur
                .as_array_mut()
                .ok_or_else(|| format!("'{path}': not a list"))?;
            if *i < a.len() {
                a.remove(*i);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_set_and_unset_inside_a_task_definition() {
        let mut td = json!({"containerDefinitions": [{"name": "app", "logConfiguration":
            {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/a"}}}]});
        set_path(
            &mut td,
            "containerDefinitions[0].logConfiguration.options.awslogs-group",
            Some(json!("/ecs/b")),
        )
        .unwrap();
        assert_eq!(
            td["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"],
            "/ecs/b"
        );
        set_path(
            &mut td,
            "runtimePlatform.cpuArchitecture",
            Some(json!("ARM64")),
        )
        .unwrap();
        assert_eq!(td["runtimePlatform"]["cpuArchitecture"], "ARM64");
        set_path(&mut td, "containerDefinitions[0].logConfiguration", None).unwrap();
        assert!(td["containerDefinitions"][0]
            .get("logConfiguration")
            .is_none());
        assert!(set_path(&mut td, "containerDefinitions[3].image", Some(json!("x"))).is_err());
    }
}
