//! Data the engine stores with each task: where it is in its life, what it
//! waits for, what it has planned, and why it stopped. The world keeps it so
//! that a task is one value (cloned, described, graded with the rest), but
//! never interprets it: the behaviour on these types (which causes mean a
//! failed start, which host an endpoint is) lives in the engine.

use super::{MemoryCurve, TaskDefinition};
use crate::time::Millis;
use std::sync::Arc;

/// Why a task stopped, as data (the text is in `stoppedReason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopCause {
    /// No free address in the subnet.
    NoFreeIp { subnet: String },
    /// A call from the task's ENI timed out.
    Unreachable {
        endpoint: Endpoint,
        subnet: String,
        blocked: Blocked,
    },
    /// The execution role was denied an action.
    IamDenied {
        role: String,
        action: String,
        resource: String,
    },
    /// A referenced secret or parameter does not exist.
    SecretMissing { name: String },
    /// The secret has no version with the staging label or id asked for.
    SecretVersionMissing { secret: String, version: String },
    /// The secret's value, a JSON object, lacks the JSON key asked for.
    SecretKeyMissing { secret: String, key: String },
    /// A JSON key was asked of a secret whose value is not a JSON object.
    SecretNotJson { secret: String },
    /// The awslogs group does not exist.
    LogGroupMissing { group: String },
    /// `awslogs-region` missing.
    LogRegionMissing,
    /// `awslogs-group` missing (left out, or its key misspelt).
    LogGroupOptionMissing,
    /// `awslogs-region` names a real region other than the account's: the
    /// group is looked for there.
    LogRegionWrong { group: String, region: String },
    /// `awslogs-region` names no region: its endpoint has no DNS name.
    LogRegionInvalid { region: String },
    /// Repository or tag not found.
    ImageNotFound { repository: String, tag: String },
    /// Image index lacks the task's platform.
    PlatformMismatch { platform: String },
    /// Image does not fit ephemeral storage.
    NoSpace,
    /// A container exceeded its memory limit.
    OutOfMemory { container: String, limit_mib: u32 },
    /// A single-arch image for the other CPU architecture.
    ExecFormat { container: String },
    /// The app exited for a missing environment variable.
    MissingEnv { container: String, name: String },
    /// The app exited because its task role may not make an AWS call it needs.
    AppAccessDenied { container: String, action: String },
    /// No task could be created: the role cannot be assumed by ecs-tasks.
    RoleNotAssumable { role: String },
    /// No task could be created: the account's Fargate On-Demand vCPU quota
    /// (`L-3032A538`) has no room for it.
    VcpuLimit { quota: u32 },
    /// ELB health checks failed.
    ElbHealth {
        target_group: String,
        reason: String,
    },
    /// Container health checks failed.
    ContainerHealth { container: String },
    /// The scheduler stopped it (deployment, scale-in).
    Scheduler,
    /// A person stopped it.
    User,
}

/// An AWS service a task's agent must reach while it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `api.ecr.<region>.amazonaws.com` (GetAuthorizationToken).
    EcrApi,
    /// `<acct>.dkr.ecr.<region>.amazonaws.com` (manifests).
    EcrDkr,
    /// S3, where ECR keeps image layers.
    S3,
    /// CloudWatch Logs.
    Logs,
    /// Secrets Manager.
    SecretsManager,
    /// SSM Parameter Store.
    Ssm,
    /// Session Manager's message channels (ECS Exec's agent).
    SsmMessages,
    /// A public registry outside AWS (Docker Hub).
    Internet,
}

/// Why a connection timed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// The subnet's route table has no route toward the destination.
    NoRoute { route_table: Option<String> },
    /// A default route to an internet gateway, but the task has no public IP.
    NoPublicIp { route_table: String },
    /// The NAT gateway cannot forward (deleted, or its subnet has no internet route).
    NatBroken { nat: String },
    /// The route points at an internet gateway that is not attached.
    IgwDetached { igw: String },
    /// The task's security groups allow no egress on 443 to the destination.
    EgressDenied,
    /// The interface endpoint's security groups do not admit 443 from the task.
    EndpointIngressDenied { endpoint: String },
    /// A network ACL drops the request or its reply (ACLs are stateless).
    NaclDenied { nacl: String },
}

/// Where a task is in its life, for the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    /// Creating the ENI.
    #[default]
    Provision,
    /// Attaching the ENI.
    Attach,
    /// Fetching the ECR auth token.
    Auth,
    /// Fetching secrets.
    Secrets,
    /// Validating the log driver.
    Logs,
    /// Pulling images.
    Pull,
    /// Registering targets.
    Activate,
    /// Containers running.
    Running,
    /// Draining from target groups.
    Deactivate,
    /// Containers stopping.
    Stopping,
    /// ENI being deleted.
    Deprovision,
    /// Stopped.
    Done,
}

/// Engine bookkeeping carried by each task.
#[derive(Debug, Clone, Default)]
pub struct TaskRun {
    /// Current step.
    pub step: Step,
    /// Token of the step event that is current (older ones are stale).
    pub token: u64,
    /// Token of the current ELB health-check event.
    pub elb_token: u64,
    /// When a network wait began (the SDK retries until its timeout).
    pub wait_since: Option<Millis>,
    /// The endpoint that wait is for.
    pub wait_for: Option<Endpoint>,
    /// When the app answers on its port.
    pub ready_at: Option<Millis>,
    /// Target groups registered in, with the port.
    pub targets: Vec<(String, u16)>,
    /// A planned container exit (boxed: most tasks have none, and tasks are moved whole).
    pub exit: Option<Box<PlannedExit>>,
    /// A planned container health verdict: (container index, healthy, at).
    pub health: Option<(usize, bool, Millis)>,
    /// Profile log lines still to write: (at, stream group, stream, line).
    pub pending_logs: Vec<(Millis, String, String, String)>,

    /// A failure already decided that fires at the next step event (IAM answers after a short delay):
    /// (stopped reason, cause).
    pub pending_failure: Option<Box<(String, StopCause)>>,
    /// Whether any container has a health check (the task is healthy only once it passes).
    pub container_checks: bool,
    /// Memory use over uptime of each container that runs a profile: (container index, curve, hard limit MiB).
    pub memory: Vec<(usize, MemoryCurve, u32)>,
    /// The task definition it runs (registered revisions never change).
    pub td: Option<Arc<TaskDefinition>>,
    /// The task id, shared by the events queued for it.
    pub handle: Option<Arc<str>>,
}

/// A container exit planned when the containers start.
#[derive(Debug, Clone)]
pub struct PlannedExit {
    /// Index of the container in the task.
    pub container: usize,
    /// Its exit code.
    pub code: i32,
    /// The container's `reason`, if any.
    pub reason: Option<String>,
    /// Why the task stops.
    pub cause: StopCause,
    /// When.
    pub at: Millis,
}
