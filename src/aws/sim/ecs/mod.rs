//! Read-only `ecs` operations in the AWS CLI's shapes.
//!
//! Key order follows the response shapes' member order in botocore's ECS
//! model (`botocore/data/ecs/2014-11-13/service-2.json`), which is the order
//! the AWS CLI prints them in; keys whose value is absent are left out, as
//! the API leaves them out. Defaults and values the model does not give are
//! marked [I] (inferred).
//!
//! This folder: the operation table and the helpers the operations share
//! here; clusters, services, tasks and task definitions one file each.

mod account;
mod clusters;
mod exec;
mod services;
mod task_definitions;
mod tasks;

pub(crate) use task_definitions::task_definition_json;
#[cfg(test)]
mod tests;

use super::{CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, FlagKind, Op, ReadOp};
use crate::aws::errors::{self, Validation};
use crate::world::{short_name, Cluster, NetworkConfig, Task, TaskStatus, World};
pub use account::SETTINGS;
use account::{describe_task_sets, list_account_settings};
use clusters::{describe_clusters, list_clusters};
use serde_json::{json, Map, Value};
use services::{describe_services, list_services};
use task_definitions::{
    describe_task_definition, list_task_definition_families, list_task_definitions,
};
use tasks::{describe_tasks, list_tasks};

pub use exec::PLUGIN_BANNER;

const CLUSTER: crate::aws::catalogue::Flag = flag(
    "cluster",
    FlagKind::Str,
    "cluster name or ARN (default: the cluster named default)",
    Complete::Cluster,
);
pub(crate) const MAX_ITEMS: crate::aws::catalogue::Flag = flag(
    "max-items",
    FlagKind::Int,
    "return at most this many items, with a NextToken to continue",
    Complete::Nothing,
);
pub(crate) const STARTING_TOKEN: crate::aws::catalogue::Flag = flag(
    "starting-token",
    FlagKind::Str,
    "the NextToken of an earlier, truncated call",
    Complete::Nothing,
);
pub(crate) const PAGE_SIZE: crate::aws::catalogue::Flag = flag(
    "page-size",
    FlagKind::Int,
    "ignored: every page is fetched and merged, as the AWS CLI does",
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
        name: "execute-command",
        api: "ExecuteCommand",
        summary: "Runs one command inside a running container (ECS Exec): env, cat /etc/resolv.conf, nslookup, dig, curl, free -m, ps",
        flags: &[
            CLUSTER,
            required("task", FlagKind::Str, "the task id or ARN", Complete::Task),
            flag(
                "container",
                FlagKind::Str,
                "the container (needed when the task has several)",
                Complete::Nothing,
            ),
            required(
                "command",
                FlagKind::Str,
                "the command to run, e.g. \"env\" or \"curl -sv https://logs.<region>.amazonaws.com\"",
                Complete::Nothing,
            ),
            flag(
                "interactive",
                FlagKind::Bool,
                "run the command in an interactive session (the only mode ECS Exec supports)",
                Complete::Nothing,
            ),
            flag(
                "non-interactive",
                FlagKind::Bool,
                "refused: ECS Exec supports interactive sessions only",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: exec::execute_command,
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
    Op {
        service: "ecs",
        name: "list-account-settings",
        api: "ListAccountSettings",
        summary: "Lists the account's ECS settings (--effective-settings: with the defaults that apply)",
        flags: &[
            flag(
                "name",
                FlagKind::Str,
                "only this setting",
                Complete::Choices(&[
                    "serviceLongArnFormat",
                    "taskLongArnFormat",
                    "containerInstanceLongArnFormat",
                    "awsvpcTrunking",
                    "containerInsights",
                    "fargateFIPSMode",
                    "tagResourceAuthorization",
                    "fargateTaskRetirementWaitPeriod",
                    "guardDutyActivate",
                    "defaultLogDriverMode",
                    "fargateEventWindows",
                ]),
            ),
            flag(
                "value",
                FlagKind::Str,
                "only settings with this value",
                Complete::Nothing,
            ),
            flag(
                "principal-arn",
                FlagKind::Str,
                "the user, role or account (root) whose settings to list",
                Complete::Nothing,
            ),
            flag(
                "effective-settings",
                FlagKind::Bool,
                "include the defaults that apply where nothing is set",
                Complete::Nothing,
            ),
            MAX_ITEMS,
            STARTING_TOKEN,
            PAGE_SIZE,
        ],
        positional: None,
        run: list_account_settings,
    },
    Op {
        service: "ecs",
        name: "describe-task-sets",
        api: "DescribeTaskSets",
        summary: "Describes a service's task sets (services with an external or CODE_DEPLOY deployment controller)",
        flags: &[
            required(
                "cluster",
                FlagKind::Str,
                "cluster name or ARN",
                Complete::Cluster,
            ),
            required(
                "service",
                FlagKind::Str,
                "service name or ARN",
                Complete::Service,
            ),
            flag(
                "task-sets",
                FlagKind::List,
                "task set ids or ARNs",
                Complete::Nothing,
            ),
            flag(
                "include",
                FlagKind::List,
                "extra details to include",
                Complete::Choices(&["TAGS"]),
            ),
        ],
        positional: None,
        run: describe_task_sets,
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
