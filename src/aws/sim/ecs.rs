//! Read-only `ecs` operations in the AWS CLI's shapes.
//!
//! Key order follows the response shapes' member order in botocore's ECS
//! model (`botocore/data/ecs/2014-11-13/service-2.json`), which is the order
//! the AWS CLI prints them in; keys whose value is absent are left out, as
//! the API leaves them out. Defaults and values the model does not give are
//! marked [I] (inferred).

use super::{CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors::{self, Validation};
use crate::time::iso;
use crate::world::{
    short_name, Cluster, ContainerDefinition, Deployment, NetworkConfig, Service, Task,
    TaskDefinition, TaskStatus, World,
};
use serde_json::{json, Map, Value};

const CLUSTER: crate::aws::catalogue::Flag = flag(
    "cluster",
    FlagKind::Str,
    "cluster name or ARN (default: the cluster named default)",
    Complete::Cluster,
);
const MAX_ITEMS: crate::aws::catalogue::Flag = flag(
    "max-items",
    FlagKind::Int,
    "return at most this many items, with a NextToken to continue",
    Complete::Nothing,
);
const STARTING_TOKEN: crate::aws::catalogue::Flag = flag(
    "starting-token",
    FlagKind::Str,
    "the NextToken of an earlier, truncated call",
    Complete::Nothing,
);
const PAGE_SIZE: crate::aws::catalogue::Flag = flag(
    "page-size",
    FlagKind::Int,
    "ignored: the simulator answers in one page",
    Complete::Nothing,
);

/// The `ecs` operations.
pub const OPS: &[ReadOp] = &[
    Op {
        service: "ecs",
        name: "list-clusters",
        api: "ListClusters",
        summary: "Lists the ARNs of the account's clusters",
        flags: &[MAX_ITEMS, STARTING_TOKEN, PAGE_SIZE],
        positional: None,
        run: list_clusters,
    },
    Op {
        service: "ecs",
        name: "describe-clusters",
        api: "DescribeClusters",
        summary: "Describes clusters: status, task and service counts, settings",
        flags: &[
            flag(
                "clusters",
                FlagKind::List,
                "cluster names or ARNs (default: the cluster named default)",
                Complete::Cluster,
            ),
            flag(
                "include",
                FlagKind::List,
                "extra details to include",
                Complete::Choices(&[
                    "ATTACHMENTS",
                    "CONFIGURATIONS",
                    "SETTINGS",
                    "STATISTICS",
                    "TAGS",
                ]),
            ),
        ],
        positional: None,
        run: describe_clusters,
    },
    Op {
        service: "ecs",
        name: "list-services",
        api: "ListServices",
        summary: "Lists the ARNs of a cluster's services",
        flags: &[
            CLUSTER,
            flag(
                "launch-type",
                FlagKind::Str,
                "only services of this launch type",
                Complete::Choices(&["EC2", "FARGATE", "EXTERNAL"]),
            ),
            flag(
                "scheduling-strategy",
                FlagKind::Str,
                "only services with this scheduling strategy",
                Complete::Choices(&["REPLICA", "DAEMON"]),
            ),
            MAX_ITEMS,
            STARTING_TOKEN,
            PAGE_SIZE,
        ],
        positional: None,
        run: list_services,
    },
    Op {
        service: "ecs",
        name: "describe-services",
        api: "DescribeServices",
        summary: "Describes services: counts, deployments, events, network configuration",
        flags: &[
            CLUSTER,
            required(
                "services",
                FlagKind::List,
                "service names or ARNs (up to 10)",
                Complete::Service,
            ),
            flag(
                "include",
                FlagKind::List,
                "extra details to include",
                Complete::Choices(&["TAGS"]),
            ),
        ],
        positional: None,
        run: describe_services,
    },
    Op {
        service: "ecs",
        name: "list-tasks",
        api: "ListTasks",
        summary: "Lists the ARNs of a cluster's tasks (desired status RUNNING unless told)",
        flags: &[
            CLUSTER,
            flag(
                "service-name",
                FlagKind::Str,
                "only tasks of this service",
                Complete::Service,
            ),
            flag(
                "family",
                FlagKind::Str,
                "only tasks of this task definition family",
                Complete::Nothing,
            ),
            flag(
                "started-by",
                FlagKind::Str,
                "only tasks started by this (a deployment id such as ecs-svc/123...)",
                Complete::Nothing,
            ),
            flag(
                "desired-status",
                FlagKind::Str,
                "only tasks with this desired status (default RUNNING)",
                Complete::Choices(&["RUNNING", "PENDING", "STOPPED"]),
            ),
            flag(
                "launch-type",
                FlagKind::Str,
                "only tasks of this launch type",
                Complete::Choices(&["EC2", "FARGATE", "EXTERNAL"]),
            ),
            MAX_ITEMS,
            STARTING_TOKEN,
            PAGE_SIZE,
        ],
        positional: None,
        run: list_tasks,
    },
    Op {
        service: "ecs",
        name: "describe-tasks",
        api: "DescribeTasks",
        summary: "Describes tasks: status, stop code and reason, containers, network attachment",
        flags: &[
            CLUSTER,
            required(
                "tasks",
                FlagKind::List,
                "task ids or ARNs (up to 100)",
                Complete::Task,
            ),
            flag(
                "include",
                FlagKind::List,
                "extra details to include",
                Complete::Choices(&["TAGS"]),
            ),
        ],
        positional: None,
        run: describe_tasks,
    },
    Op {
        service: "ecs",
        name: "list-task-definitions",
        api: "ListTaskDefinitions",
        summary: "Lists task definition ARNs, by family and revision",
        flags: &[
            flag(
                "family-prefix",
                FlagKind::Str,
                "only revisions of this family (the full family name)",
                Complete::Nothing,
            ),
            flag(
                "status",
                FlagKind::Str,
                "only revisions with this status (default ACTIVE)",
                Complete::Choices(&["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"]),
            ),
            flag(
                "sort",
                FlagKind::Str,
                "order by family and revision (default ASC)",
                Complete::Choices(&["ASC", "DESC"]),
            ),
            MAX_ITEMS,
            STARTING_TOKEN,
            PAGE_SIZE,
        ],
        positional: None,
        run: list_task_definitions,
    },
    Op {
        service: "ecs",
        name: "list-task-definition-families",
        api: "ListTaskDefinitionFamilies",
        summary: "Lists task definition family names",
        flags: &[
            flag(
                "family-prefix",
                FlagKind::Str,
                "only families whose name starts with this",
                Complete::Nothing,
            ),
            flag(
                "status",
                FlagKind::Str,
                "only families with a revision of this status (default ACTIVE)",
                Complete::Choices(&["ACTIVE", "INACTIVE", "ALL"]),
            ),
            MAX_ITEMS,
            STARTING_TOKEN,
            PAGE_SIZE,
        ],
        positional: None,
        run: list_task_definition_families,
    },
    Op {
        service: "ecs",
        name: "describe-task-definition",
        api: "DescribeTaskDefinition",
        summary: "Describes a task definition revision (family for the latest ACTIVE one)",
        flags: &[
            required(
                "task-definition",
                FlagKind::Str,
                "family, family:revision, or full ARN",
                Complete::TaskDefinition,
            ),
            flag(
                "include",
                FlagKind::List,
                "extra details to include",
                Complete::Choices(&["TAGS"]),
            ),
        ],
        positional: None,
        run: describe_task_definition,
    },
];

// ---------------------------------------------------------------- helpers

/// The values of a list member.
fn list_values(inv: &Input, name: &str) -> Result<Option<Vec<String>>, CommandError> {
    Ok(inv.values(name)?)
}

/// Checks an enum-valued parameter as the ECS API does.
fn choice(
    api: &str,
    member: &str,
    value: Option<String>,
    allowed: &[&str],
) -> Result<Option<String>, CommandError> {
    match value {
        Some(v) if !allowed.contains(&v.as_str()) => {
            Err(errors::not_in_enum(Validation::Ecs, api, v, member, allowed).into())
        }
        other => Ok(other),
    }
}

/// The cluster a `--cluster` value (or its absence: `default`) names.
fn cluster<'a>(
    world: &'a World,
    given: Option<String>,
    api: &str,
) -> Result<&'a Cluster, CommandError> {
    let name = short_name(given.as_deref().unwrap_or("default"));
    world
        .clusters
        .get(&name)
        .ok_or_else(|| errors::cluster_not_found(api).into())
}

/// The ARN of a cluster by name (whether or not it exists).
fn cluster_arn(world: &World, name: &str) -> String {
    world
        .clusters
        .get(name)
        .map(|c| c.arn.clone())
        .unwrap_or_else(|| world.arn("ecs", &format!("cluster/{name}")))
}

/// Whether a task is on its way up (counted as pending).
fn is_pending(s: TaskStatus) -> bool {
    matches!(
        s,
        TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating
    )
}

/// (running, pending) counts of tasks that are meant to run.
fn counts<'a>(tasks: impl Iterator<Item = &'a Task>) -> (u32, u32) {
    let mut running = 0;
    let mut pending = 0;
    for t in tasks.filter(|t| t.desired_status == TaskStatus::Running) {
        if t.last_status == TaskStatus::Running {
            running += 1;
        } else if is_pending(t.last_status) {
            pending += 1;
        }
    }
    (running, pending)
}

/// [I] The principal shown as `createdBy` / `registeredBy`: the account root,
/// so as not to name a role the account does not have.
fn principal(world: &World) -> String {
    format!("arn:aws:iam::{}:root", world.account)
}

/// A list response: every item (the CLI's `--max-items` pages it, see `awscli::command`).
fn list_response(key: &str, items: Vec<String>) -> Value {
    json!({ key: items })
}

fn network_json(n: &NetworkConfig) -> Value {
    json!({
        "awsvpcConfiguration": {
            "subnets": n.subnets,
            "securityGroups": n.security_groups,
            "assignPublicIp": if n.assign_public_ip { "ENABLED" } else { "DISABLED" },
        }
    })
}

/// Inserts `key` when the value is present.
fn put<T: Into<Value>>(m: &mut Map<String, Value>, key: &str, v: Option<T>) {
    if let Some(v) = v {
        m.insert(key.into(), v.into());
    }
}

// ---------------------------------------------------------------- clusters

fn list_clusters(ctx: &ReadCtx, _: &Input) -> Result<Value, CommandError> {
    let arns: Vec<String> = ctx.world.clusters.values().map(|c| c.arn.clone()).collect();
    Ok(list_response("clusterArns", arns))
}

fn cluster_json(world: &World, c: &Cluster) -> Value {
    let (running, pending) = counts(world.tasks.values().filter(|t| t.cluster == c.name));
    let active = world
        .services
        .values()
        .filter(|s| s.cluster == c.name && s.status == "ACTIVE")
        .count();
    json!({
        "clusterArn": c.arn,
        "clusterName": c.name,
        "status": "ACTIVE",
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": running,
        "pendingTasksCount": pending,
        "activeServicesCount": active,
        "statistics": [],
        "tags": [],
        // [I] a cluster created without Container Insights, with both Fargate providers.
        "settings": [{"name": "containerInsights", "value": "disabled"}],
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [],
    })
}

fn describe_clusters(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let names = list_values(inv, "clusters")?.unwrap_or_else(|| vec!["default".into()]);
    list_values(inv, "include")?;
    let mut clusters = Vec::new();
    let mut failures = Vec::new();
    for given in names {
        match ctx.world.clusters.get(&short_name(&given)) {
            Some(c) => clusters.push(cluster_json(ctx.world, c)),
            None => {
                let arn = if given.starts_with("arn:") {
                    given
                } else {
                    ctx.world.arn("ecs", &format!("cluster/{given}"))
                };
                failures.push(json!({"arn": arn, "reason": "MISSING"}));
            }
        }
    }
    Ok(json!({"clusters": clusters, "failures": failures}))
}

// ---------------------------------------------------------------- services

fn list_services(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListServices";
    let given = inv.value("cluster")?;
    let launch = choice(
        api,
        "launchType",
        inv.value("launchType")?,
        &["EC2", "FARGATE", "EXTERNAL"],
    )?;
    let strategy = choice(
        api,
        "schedulingStrategy",
        inv.value("schedulingStrategy")?,
        &["REPLICA", "DAEMON"],
    )?;
    let cl = cluster(ctx.world, given, api)?;
    let arns: Vec<String> = ctx
        .world
        .services
        .values()
        .filter(|s| s.cluster == cl.name)
        .filter(|_| launch.as_deref().is_none_or(|l| l == "FARGATE"))
        .filter(|_| strategy.as_deref().is_none_or(|s| s == "REPLICA"))
        .map(|s| s.arn.clone())
        .collect();
    Ok(list_response("serviceArns", arns))
}

fn deployment_json(world: &World, svc: &Service, d: &Deployment) -> Value {
    let (running, pending) = counts(world.tasks.values().filter(|t| {
        t.cluster == svc.cluster
            && t.service.as_deref() == Some(svc.name.as_str())
            && t.started_by == d.id
    }));
    json!({
        "id": d.id,
        "status": d.status,
        "taskDefinition": d.task_definition,
        "desiredCount": d.desired_count,
        "pendingCount": pending,
        "runningCount": running,
        "failedTasks": d.failed_tasks,
        "createdAt": iso(d.created_at),
        "updatedAt": iso(d.updated_at),
        "launchType": "FARGATE",
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "networkConfiguration": network_json(&d.network),
        "rolloutState": d.rollout_state.as_str(),
        "rolloutStateReason": d.rollout_state_reason,
    })
}

fn service_json(world: &World, svc: &Service, tags: bool) -> Value {
    let (running, pending) =
        counts(world.tasks.values().filter(|t| {
            t.cluster == svc.cluster && t.service.as_deref() == Some(svc.name.as_str())
        }));
    let lbs: Vec<Value> = svc
        .load_balancers
        .iter()
        .map(|lb| {
            json!({
                "targetGroupArn": lb.target_group_arn,
                "containerName": lb.container_name,
                "containerPort": lb.container_port,
            })
        })
        .collect();
    let cb = svc.deployment_config.circuit_breaker;
    let mut m = Map::new();
    let mut ins = |k: &str, v: Value| {
        m.insert(k.into(), v);
    };
    ins("serviceArn", json!(svc.arn));
    ins("serviceName", json!(svc.name));
    ins("clusterArn", json!(cluster_arn(world, &svc.cluster)));
    ins("loadBalancers", json!(lbs));
    ins("serviceRegistries", json!([]));
    ins("status", json!(svc.status));
    ins("desiredCount", json!(svc.desired_count));
    ins("runningCount", json!(running));
    ins("pendingCount", json!(pending));
    ins("launchType", json!("FARGATE"));
    ins("platformVersion", json!("LATEST"));
    ins("platformFamily", json!("Linux"));
    ins("taskDefinition", json!(svc.task_definition));
    ins(
        "deploymentConfiguration",
        json!({
            "deploymentCircuitBreaker": {"enable": cb.enable, "rollback": cb.rollback},
            "maximumPercent": svc.deployment_config.maximum_percent,
            "minimumHealthyPercent": svc.deployment_config.minimum_healthy_percent,
        }),
    );
    ins(
        "deployments",
        Value::Array(
            svc.deployments
                .iter()
                .map(|d| deployment_json(world, svc, d))
                .collect(),
        ),
    );
    ins(
        "roleArn",
        json!(format!(
            "arn:aws:iam::{}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
            world.account
        )),
    );
    ins(
        "events",
        Value::Array(
            svc.events
                .iter()
                .map(|e| json!({"id": e.id, "createdAt": iso(e.created_at), "message": e.message}))
                .collect(),
        ),
    );
    ins("createdAt", json!(iso(svc.created_at)));
    ins("placementConstraints", json!([]));
    ins("placementStrategy", json!([]));
    ins("networkConfiguration", network_json(&svc.network));
    ins(
        "healthCheckGracePeriodSeconds",
        json!(svc.health_check_grace_period),
    );
    ins("schedulingStrategy", json!("REPLICA"));
    ins("deploymentController", json!({"type": "ECS"}));
    if tags {
        ins("tags", json!([]));
    }
    ins("createdBy", json!(principal(world)));
    ins("enableECSManagedTags", json!(false));
    ins("propagateTags", json!("NONE"));
    ins("enableExecuteCommand", json!(false));
    ins("availabilityZoneRebalancing", json!("ENABLED"));
    Value::Object(m)
}

fn describe_services(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeServices";
    let given = inv.value("cluster")?;
    let names = list_values(inv, "services")?.unwrap_or_default();
    let tags = list_values(inv, "include")?.is_some_and(|v| v.iter().any(|x| x == "TAGS"));
    let cl = cluster(ctx.world, given, api)?;
    if names.is_empty() {
        return Err(errors::services_empty(api).into());
    }
    let mut services = Vec::new();
    let mut failures = Vec::new();
    for name in names {
        match ctx.world.service(&cl.name, &name) {
            Some(s) => services.push(service_json(ctx.world, s, tags)),
            None => {
                let arn = if name.starts_with("arn:") {
                    name
                } else {
                    ctx.world.arn("ecs", &format!("service/{}/{name}", cl.name))
                };
                failures.push(json!({"arn": arn, "reason": "MISSING"}));
            }
        }
    }
    Ok(json!({"services": services, "failures": failures}))
}

// ---------------------------------------------------------------- tasks

fn list_tasks(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListTasks";
    let given = inv.value("cluster")?;
    let service = inv.value("serviceName")?;
    let family = inv.value("family")?;
    let started_by = inv.value("startedBy")?;
    let desired = choice(
        api,
        "desiredStatus",
        inv.value("desiredStatus")?,
        &["RUNNING", "PENDING", "STOPPED"],
    )?;
    let launch = choice(
        api,
        "launchType",
        inv.value("launchType")?,
        &["EC2", "FARGATE", "EXTERNAL"],
    )?;
    let cl = cluster(ctx.world, given, api)?;
    let service = match service {
        None => None,
        Some(s) => match ctx.world.service(&cl.name, &s) {
            Some(svc) => Some(svc.name.clone()),
            None => return Err(errors::service_not_found(api).into()),
        },
    };
    // [V] ECS never sets a desired status of PENDING, so that filter matches nothing.
    let want = match desired.as_deref() {
        None | Some("RUNNING") => Some(TaskStatus::Running),
        Some("STOPPED") => Some(TaskStatus::Stopped),
        _ => None,
    };
    let family = family.map(|f| short_name(&f));
    let arns: Vec<String> = ctx
        .world
        .tasks
        .values()
        .filter(|t| t.cluster == cl.name)
        .filter(|t| want == Some(t.desired_status))
        .filter(|t| service.is_none() || t.service == service)
        .filter(|t| {
            family
                .as_deref()
                .is_none_or(|f| task_family(&t.task_definition_arn) == f)
        })
        .filter(|t| started_by.as_deref().is_none_or(|s| t.started_by == s))
        .filter(|_| launch.as_deref().is_none_or(|l| l == "FARGATE"))
        .map(|t| t.arn.clone())
        .collect();
    Ok(list_response("taskArns", arns))
}

/// The family of a task definition ARN (`.../checkout-api:3` -> `checkout-api`).
fn task_family(arn: &str) -> &str {
    let short = arn.rsplit("task-definition/").next().unwrap_or(arn);
    short.rsplit_once(':').map(|(f, _)| f).unwrap_or(short)
}

fn task_json(world: &World, t: &Task) -> Value {
    let td = t
        .run
        .td
        .as_deref()
        .or_else(|| world.task_definition(&t.task_definition_arn));
    let arch = match td.map(|d| d.architecture()) {
        Some(a) if a == "ARM64" => "arm64",
        _ => "x86_64",
    };
    let attached = t.attachment.as_ref().filter(|a| a.status != "PRECREATED");
    let attachments: Vec<Value> = t
        .attachment
        .iter()
        .map(|a| {
            let mut details = vec![json!({"name": "subnetId", "value": a.subnet_id})];
            // [I] while PRECREATED the attachment shows only its subnet.
            if a.status != "PRECREATED" {
                details.extend([
                    json!({"name": "networkInterfaceId", "value": a.eni_id}),
                    json!({"name": "macAddress", "value": a.mac}),
                    json!({"name": "privateDnsName", "value": a.private_dns}),
                    json!({"name": "privateIPv4Address", "value": a.private_ip}),
                ]);
            }
            json!({"id": a.id, "type": "ElasticNetworkInterface", "status": a.status, "details": details})
        })
        .collect();
    let nics: Vec<Value> = attached
        .iter()
        .map(|a| json!({"attachmentId": a.id, "privateIpv4Address": a.private_ip}))
        .collect();
    let containers: Vec<Value> = t
        .containers
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert("containerArn".into(), json!(c.arn));
            m.insert("taskArn".into(), json!(t.arn));
            m.insert("name".into(), json!(c.name));
            m.insert("image".into(), json!(c.image));
            put(&mut m, "imageDigest", c.image_digest.clone());
            put(&mut m, "runtimeId", c.runtime_id.clone());
            m.insert("lastStatus".into(), json!(c.last_status));
            put(&mut m, "exitCode", c.exit_code);
            put(&mut m, "reason", c.reason.clone());
            m.insert("networkBindings".into(), json!([]));
            m.insert("networkInterfaces".into(), json!(nics));
            m.insert("healthStatus".into(), json!(c.health_status));
            m.insert("cpu".into(), json!(c.cpu.to_string()));
            put(&mut m, "memory", c.memory.map(|x| x.to_string()));
            put(
                &mut m,
                "memoryReservation",
                c.memory_reservation.map(|x| x.to_string()),
            );
            Value::Object(m)
        })
        .collect();
    let group = match (&t.service, td) {
        (Some(s), _) => format!("service:{s}"),
        (None, Some(d)) => format!("family:{}", d.def.family),
        (None, None) => format!("family:{}", task_family(&t.task_definition_arn)),
    };
    let mut m = Map::new();
    m.insert("attachments".into(), json!(attachments));
    m.insert(
        "attributes".into(),
        json!([{"name": "ecs.cpu-architecture", "value": arch}]),
    );
    m.insert("availabilityZone".into(), json!(t.az));
    m.insert("clusterArn".into(), json!(cluster_arn(world, &t.cluster)));
    put(&mut m, "connectivity", t.connectivity.clone());
    put(&mut m, "connectivityAt", t.connectivity_at.map(iso));
    m.insert("containers".into(), json!(containers));
    m.insert("cpu".into(), json!(t.cpu));
    m.insert("createdAt".into(), json!(iso(t.created_at)));
    m.insert("desiredStatus".into(), json!(t.desired_status.as_str()));
    m.insert("enableExecuteCommand".into(), json!(false));
    put(
        &mut m,
        "executionStoppedAt",
        t.execution_stopped_at.map(iso),
    );
    m.insert("group".into(), json!(group));
    m.insert("healthStatus".into(), json!(t.health_status));
    m.insert("lastStatus".into(), json!(t.last_status.as_str()));
    m.insert("launchType".into(), json!("FARGATE"));
    m.insert("memory".into(), json!(t.memory));
    m.insert(
        "overrides".into(),
        json!({
            "containerOverrides": t.containers.iter().map(|c| json!({"name": c.name})).collect::<Vec<_>>(),
            "inferenceAcceleratorOverrides": [],
        }),
    );
    m.insert("platformVersion".into(), json!("1.4.0"));
    m.insert("platformFamily".into(), json!("Linux"));
    put(&mut m, "pullStartedAt", t.pull_started_at.map(iso));
    put(&mut m, "pullStoppedAt", t.pull_stopped_at.map(iso));
    put(&mut m, "startedAt", t.started_at.map(iso));
    put(
        &mut m,
        "startedBy",
        Some(t.started_by.clone()).filter(|s| !s.is_empty()),
    );
    put(&mut m, "stopCode", t.stop_code.clone());
    put(&mut m, "stoppedAt", t.stopped_at.map(iso));
    put(&mut m, "stoppedReason", t.stopped_reason.clone());
    put(&mut m, "stoppingAt", t.stopping_at.map(iso));
    m.insert("tags".into(), json!([]));
    m.insert("taskArn".into(), json!(t.arn));
    m.insert("taskDefinitionArn".into(), json!(t.task_definition_arn));
    m.insert("version".into(), json!(t.version));
    m.insert(
        "ephemeralStorage".into(),
        json!({"sizeInGiB": t.ephemeral_gib}),
    );
    m.insert(
        "fargateEphemeralStorage".into(),
        json!({"sizeInGiB": t.ephemeral_gib}),
    );
    Value::Object(m)
}

fn describe_tasks(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeTasks";
    let given = inv.value("cluster")?;
    let keys = list_values(inv, "tasks")?.unwrap_or_default();
    list_values(inv, "include")?;
    let cl = cluster(ctx.world, given, api)?;
    if keys.is_empty() {
        return Err(errors::tasks_empty(api).into());
    }
    let mut tasks = Vec::new();
    let mut failures = Vec::new();
    for key in keys {
        let id = short_name(&key);
        match ctx.world.tasks.get(&id).filter(|t| t.cluster == cl.name) {
            Some(t) => tasks.push(task_json(ctx.world, t)),
            None => {
                // [I] the ARN ECS reports for an id it does not know (new ARN format).
                let arn = if key.starts_with("arn:") {
                    key
                } else {
                    ctx.world.arn("ecs", &format!("task/{}/{key}", cl.name))
                };
                failures.push(json!({"arn": arn, "reason": "MISSING"}));
            }
        }
    }
    Ok(json!({"tasks": tasks, "failures": failures}))
}

// ---------------------------------------------------------------- task definitions

fn list_task_definitions(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListTaskDefinitions";
    let family = inv.value("familyPrefix")?;
    let status = choice(
        api,
        "status",
        inv.value("status")?,
        &["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"],
    )?
    .unwrap_or_else(|| "ACTIVE".into());
    let sort = choice(api, "sort", inv.value("sort")?, &["ASC", "DESC"])?;
    // [V] Listed by family name, then revision, ascending unless DESC.
    let mut arns: Vec<String> = ctx
        .world
        .task_definitions
        .iter()
        .filter(|((f, _), _)| family.as_deref().is_none_or(|p| f == p))
        .filter(|(_, td)| td.status == status)
        .map(|(_, td)| td.arn.clone())
        .collect();
    if sort.as_deref() == Some("DESC") {
        arns.reverse();
    }
    Ok(list_response("taskDefinitionArns", arns))
}

fn list_task_definition_families(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListTaskDefinitionFamilies";
    let prefix = inv.value("familyPrefix")?.unwrap_or_default();
    let status = choice(
        api,
        "status",
        inv.value("status")?,
        &["ACTIVE", "INACTIVE", "ALL"],
    )?
    .unwrap_or_else(|| "ACTIVE".into());
    let mut families: Vec<String> = Vec::new();
    for ((f, _), td) in &ctx.world.task_definitions {
        let matches = status == "ALL" || td.status == status;
        if matches && f.starts_with(&prefix) && families.last() != Some(f) {
            families.push(f.clone());
        }
    }
    Ok(list_response("families", families))
}

fn container_definition_json(c: &ContainerDefinition) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(c.name));
    m.insert("image".into(), json!(c.image));
    m.insert("cpu".into(), json!(c.cpu));
    put(&mut m, "memory", c.memory);
    put(&mut m, "memoryReservation", c.memory_reservation);
    let ports: Vec<Value> = c
        .port_mappings
        .iter()
        .map(|p| {
            let mut pm = Map::new();
            pm.insert("containerPort".into(), json!(p.container_port));
            // Under awsvpc the host port is the container port.
            pm.insert(
                "hostPort".into(),
                json!(p.host_port.unwrap_or(p.container_port)),
            );
            pm.insert("protocol".into(), json!(p.protocol));
            put(&mut pm, "name", p.name.clone());
            put(&mut pm, "appProtocol", p.app_protocol.clone());
            Value::Object(pm)
        })
        .collect();
    m.insert("portMappings".into(), json!(ports));
    m.insert("essential".into(), json!(c.essential));
    put(&mut m, "entryPoint", c.entry_point.clone());
    put(&mut m, "command", c.command.clone());
    m.insert(
        "environment".into(),
        json!(c
            .environment
            .iter()
            .map(|e| json!({"name": e.name, "value": e.value}))
            .collect::<Vec<_>>()),
    );
    m.insert("mountPoints".into(), json!(c.mount_points));
    m.insert("volumesFrom".into(), json!(c.volumes_from));
    if !c.secrets.is_empty() {
        m.insert(
            "secrets".into(),
            json!(c
                .secrets
                .iter()
                .map(|s| json!({"name": s.name, "valueFrom": s.value_from}))
                .collect::<Vec<_>>()),
        );
    }
    put(&mut m, "stopTimeout", c.stop_timeout);
    put(&mut m, "readonlyRootFilesystem", c.readonly_root_filesystem);
    if let Some(l) = &c.log_configuration {
        let mut lm = Map::new();
        lm.insert("logDriver".into(), json!(l.log_driver));
        lm.insert("options".into(), json!(l.options));
        if !l.secret_options.is_empty() {
            lm.insert(
                "secretOptions".into(),
                json!(l
                    .secret_options
                    .iter()
                    .map(|s| json!({"name": s.name, "valueFrom": s.value_from}))
                    .collect::<Vec<_>>()),
            );
        }
        m.insert("logConfiguration".into(), Value::Object(lm));
    }
    if let Some(h) = &c.health_check {
        let mut hm = Map::new();
        hm.insert("command".into(), json!(h.command));
        hm.insert("interval".into(), json!(h.interval));
        hm.insert("timeout".into(), json!(h.timeout));
        hm.insert("retries".into(), json!(h.retries));
        // [I] startPeriod is shown only when set.
        if h.start_period > 0 {
            hm.insert("startPeriod".into(), json!(h.start_period));
        }
        m.insert("healthCheck".into(), Value::Object(hm));
    }
    m.insert("systemControls".into(), json!(c.system_controls));
    Value::Object(m)
}

/// [I] The capabilities ECS derives from a Fargate task definition (the set
/// real registrations show for these features; ECS's own order varies).
fn requires_attributes(td: &TaskDefinition) -> Vec<Value> {
    let d = &td.def;
    let cs = &d.container_definitions;
    let exec = d.execution_role_arn.is_some();
    let awslogs = cs.iter().any(|c| c.awslogs().is_some());
    let ecr = cs.iter().any(|c| c.image.contains(".dkr.ecr."));
    let secrets = || cs.iter().flat_map(|c| c.secrets.iter());
    let asm = secrets().any(|s| s.value_from.contains(":secretsmanager:"));
    let ssm = secrets().any(|s| !s.value_from.contains(":secretsmanager:"));
    let mut names = Vec::new();
    if awslogs {
        names.push("com.amazonaws.ecs.capability.logging-driver.awslogs");
    }
    if awslogs && exec {
        names.push("ecs.capability.execution-role-awslogs");
    }
    if ecr {
        names.push("com.amazonaws.ecs.capability.ecr-auth");
    }
    if awslogs {
        names.push("com.amazonaws.ecs.capability.docker-remote-api.1.19");
    }
    if asm {
        names.push("ecs.capability.secrets.asm.environment-variables");
    }
    if ssm {
        names.push("ecs.capability.secrets.ssm.environment-variables");
    }
    if cs.iter().any(|c| c.memory_reservation.is_some()) {
        names.push("com.amazonaws.ecs.capability.docker-remote-api.1.21");
    }
    if d.task_role_arn.is_some() {
        names.push("com.amazonaws.ecs.capability.task-iam-role");
    }
    if cs.iter().any(|c| c.health_check.is_some()) {
        names.push("ecs.capability.container-health-check");
    }
    if ecr && exec {
        names.push("ecs.capability.execution-role-ecr-pull");
    }
    if d.network_mode == "awsvpc" {
        names.push("com.amazonaws.ecs.capability.docker-remote-api.1.18");
        names.push("ecs.capability.task-eni");
    }
    names.into_iter().map(|n| json!({"name": n})).collect()
}

fn task_definition_json(world: &World, td: &TaskDefinition) -> Value {
    let d = &td.def;
    let mut m = Map::new();
    m.insert("taskDefinitionArn".into(), json!(td.arn));
    m.insert(
        "containerDefinitions".into(),
        Value::Array(
            d.container_definitions
                .iter()
                .map(container_definition_json)
                .collect(),
        ),
    );
    m.insert("family".into(), json!(d.family));
    put(&mut m, "taskRoleArn", d.task_role_arn.clone());
    put(&mut m, "executionRoleArn", d.execution_role_arn.clone());
    m.insert("networkMode".into(), json!(d.network_mode));
    m.insert("revision".into(), json!(td.revision));
    m.insert("volumes".into(), json!(d.volumes));
    m.insert("status".into(), json!(td.status));
    m.insert("requiresAttributes".into(), json!(requires_attributes(td)));
    m.insert("placementConstraints".into(), json!([]));
    // [I] an awsvpc task definition is compatible with both EC2 and Fargate (as pasted outputs show).
    m.insert("compatibilities".into(), json!(["EC2", "FARGATE"]));
    if let Some(p) = &d.runtime_platform {
        m.insert(
            "runtimePlatform".into(),
            json!({"cpuArchitecture": p.cpu_architecture, "operatingSystemFamily": p.operating_system_family}),
        );
    }
    m.insert(
        "requiresCompatibilities".into(),
        json!(d.requires_compatibilities),
    );
    m.insert("cpu".into(), json!(d.cpu));
    m.insert("memory".into(), json!(d.memory));
    m.insert("registeredAt".into(), json!(iso(td.registered_at)));
    m.insert("registeredBy".into(), json!(principal(world)));
    if let Some(e) = &d.ephemeral_storage {
        m.insert(
            "ephemeralStorage".into(),
            json!({"sizeInGiB": e.size_in_gi_b}),
        );
    }
    Value::Object(m)
}

fn describe_task_definition(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "DescribeTaskDefinition";
    let key = inv.required("taskDefinition")?;
    let tags = list_values(inv, "include")?.is_some_and(|v| v.iter().any(|x| x == "TAGS"));
    let Some(td) = ctx.world.task_definition(&key) else {
        return Err(errors::task_definition_not_found(api).into());
    };
    let mut out = Map::new();
    out.insert("taskDefinition".into(), task_definition_json(ctx.world, td));
    if tags {
        out.insert("tags".into(), json!(td.def.tags));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Mode, Scenario};
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
        assert!(err(&inst, "ecs list-tasks --cluster prod --desired-status DONE")
            .starts_with("An error occurred (InvalidParameterException) when calling the ListTasks operation: "));
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
}
