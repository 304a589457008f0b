//! ECS: clusters, task definitions (in the RegisterTaskDefinition JSON shape),
//! services with their deployments and events, and tasks with the full
//! DescribeTasks field set.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `{name, value}` pair of a container's environment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyValue {
    /// Variable name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A secret injected into a container.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretRef {
    /// Environment variable name.
    pub name: String,
    /// Secrets Manager ARN, SSM parameter ARN or SSM parameter name.
    pub value_from: String,
}

/// A port mapping.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortMapping {
    /// Container port.
    pub container_port: u16,
    /// Host port (equals the container port under awsvpc).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub host_port: Option<u16>,
    /// `tcp` or `udp`.
    #[serde(default = "tcp")]
    pub protocol: String,
    /// Optional name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// `http`, `http2`, `grpc`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub app_protocol: Option<String>,
}

fn tcp() -> String {
    "tcp".into()
}

/// A container's log configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogConfiguration {
    /// `awslogs`, `awsfirelens`, `splunk`, ...
    pub log_driver: String,
    /// Driver options (`awslogs-group`, `awslogs-region`, `awslogs-stream-prefix`, `awslogs-create-group`).
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Secret options.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub secret_options: Vec<SecretRef>,
}

/// A container health check (Docker HEALTHCHECK).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthCheck {
    /// `["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]`.
    pub command: Vec<String>,
    /// Seconds between checks (default 30).
    #[serde(default = "thirty")]
    pub interval: u32,
    /// Seconds before a check fails (default 5).
    #[serde(default = "five")]
    pub timeout: u32,
    /// Failures before UNHEALTHY (default 3).
    #[serde(default = "three")]
    pub retries: u32,
    /// Grace seconds after start (default 0).
    #[serde(default)]
    pub start_period: u32,
}

fn thirty() -> u32 {
    30
}
fn five() -> u32 {
    5
}
fn three() -> u32 {
    3
}
fn yes() -> bool {
    true
}

/// One container definition, as in RegisterTaskDefinition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerDefinition {
    /// Container name.
    pub name: String,
    /// Image reference.
    pub image: String,
    /// CPU units.
    #[serde(default)]
    pub cpu: u32,
    /// Hard memory limit, MiB.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memory: Option<u32>,
    /// Soft memory reservation, MiB.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memory_reservation: Option<u32>,
    /// Whether the task stops when this container stops.
    #[serde(default = "yes")]
    pub essential: bool,
    /// Port mappings.
    #[serde(default)]
    pub port_mappings: Vec<PortMapping>,
    /// Environment variables.
    #[serde(default)]
    pub environment: Vec<KeyValue>,
    /// Secrets.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub secrets: Vec<SecretRef>,
    /// Entry point override.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub entry_point: Option<Vec<String>>,
    /// Command override.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub command: Option<Vec<String>>,
    /// Log configuration.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub log_configuration: Option<LogConfiguration>,
    /// Container health check.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub health_check: Option<HealthCheck>,
    /// Seconds between SIGTERM and SIGKILL.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stop_timeout: Option<u32>,
    /// Read-only root file system.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub readonly_root_filesystem: Option<bool>,
    /// Mount points (accepted, not modelled).
    #[serde(default)]
    pub mount_points: Vec<serde_json::Value>,
    /// Volumes from (accepted, not modelled).
    #[serde(default)]
    pub volumes_from: Vec<serde_json::Value>,
    /// System controls (accepted, not modelled).
    #[serde(default)]
    pub system_controls: Vec<serde_json::Value>,
}

impl ContainerDefinition {
    /// The awslogs options, when the container logs with awslogs.
    pub fn awslogs(&self) -> Option<&BTreeMap<String, String>> {
        self.log_configuration
            .as_ref()
            .filter(|l| l.log_driver == "awslogs")
            .map(|l| &l.options)
    }
}

/// `runtimePlatform`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuntimePlatform {
    /// `X86_64` or `ARM64`.
    #[serde(default = "x86")]
    pub cpu_architecture: String,
    /// `LINUX`.
    #[serde(default = "linux")]
    pub operating_system_family: String,
}

fn x86() -> String {
    "X86_64".into()
}
fn linux() -> String {
    "LINUX".into()
}

impl Default for RuntimePlatform {
    fn default() -> Self {
        RuntimePlatform {
            cpu_architecture: x86(),
            operating_system_family: linux(),
        }
    }
}

/// `ephemeralStorage`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EphemeralStorage {
    /// GiB, 21 to 200 (20 is the default when absent).
    pub size_in_gi_b: u32,
}

/// The RegisterTaskDefinition input (`--cli-input-json` shape).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskDefinitionInput {
    /// Family.
    pub family: String,
    /// Task role ARN (the application's own permissions).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub task_role_arn: Option<String>,
    /// Execution role ARN (pulls, logs, secrets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub execution_role_arn: Option<String>,
    /// Must be `awsvpc` on Fargate.
    #[serde(default = "awsvpc")]
    pub network_mode: String,
    /// Containers.
    pub container_definitions: Vec<ContainerDefinition>,
    /// `["FARGATE"]`.
    #[serde(default = "fargate")]
    pub requires_compatibilities: Vec<String>,
    /// Task CPU units as a string (`"256"`, or `"0.25 vCPU"`).
    pub cpu: String,
    /// Task memory MiB as a string (`"512"`, or `"0.5 GB"`).
    pub memory: String,
    /// Runtime platform.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub runtime_platform: Option<RuntimePlatform>,
    /// Ephemeral storage.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ephemeral_storage: Option<EphemeralStorage>,
    /// Volumes (accepted, not modelled).
    #[serde(default)]
    pub volumes: Vec<serde_json::Value>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<serde_json::Value>,
}

fn awsvpc() -> String {
    "awsvpc".into()
}
fn fargate() -> Vec<String> {
    vec!["FARGATE".into()]
}

/// A registered task definition revision.
#[derive(Debug, Clone)]
pub struct TaskDefinition {
    /// `arn:aws:ecs:<region>:<acct>:task-definition/<family>:<rev>`.
    pub arn: String,
    /// Revision number.
    pub revision: u32,
    /// `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// Registration instant.
    pub registered_at: i64,
    /// The definition as registered (CPU and memory normalised to units and MiB).
    pub def: TaskDefinitionInput,
}

impl TaskDefinition {
    /// Task CPU units.
    pub fn cpu(&self) -> u32 {
        self.def.cpu.parse().unwrap_or(0)
    }
    /// Task memory MiB.
    pub fn memory(&self) -> u32 {
        self.def.memory.parse().unwrap_or(0)
    }
    /// `family:revision`.
    pub fn family_revision(&self) -> String {
        format!("{}:{}", self.def.family, self.revision)
    }
    /// Ephemeral storage GiB (20 when absent).
    pub fn ephemeral_gib(&self) -> u32 {
        self.def
            .ephemeral_storage
            .as_ref()
            .map(|e| e.size_in_gi_b)
            .unwrap_or(20)
    }
    /// CPU architecture (`X86_64` when absent).
    pub fn architecture(&self) -> String {
        self.def
            .runtime_platform
            .as_ref()
            .map(|p| p.cpu_architecture.clone())
            .unwrap_or_else(x86)
    }
}

/// A cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
}

/// `awsvpcConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkConfig {
    /// Subnet ids.
    pub subnets: Vec<String>,
    /// Security group ids.
    pub security_groups: Vec<String>,
    /// `assignPublicIp` ENABLED.
    pub assign_public_ip: bool,
}

/// `deploymentCircuitBreaker`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CircuitBreaker {
    /// Enabled.
    pub enable: bool,
    /// Roll back on failure.
    pub rollback: bool,
}

/// `deploymentConfiguration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeploymentConfig {
    /// `maximumPercent`.
    pub maximum_percent: u32,
    /// `minimumHealthyPercent`.
    pub minimum_healthy_percent: u32,
    /// Circuit breaker.
    pub circuit_breaker: CircuitBreaker,
}

/// A service's load balancer binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLoadBalancer {
    /// Target group ARN.
    pub target_group_arn: String,
    /// Container name.
    pub container_name: String,
    /// Container port.
    pub container_port: u16,
}

/// `rolloutState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutState {
    /// `IN_PROGRESS`.
    InProgress,
    /// `COMPLETED`.
    Completed,
    /// `FAILED`.
    Failed,
}

impl RolloutState {
    /// The AWS spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            RolloutState::InProgress => "IN_PROGRESS",
            RolloutState::Completed => "COMPLETED",
            RolloutState::Failed => "FAILED",
        }
    }
}

/// A service deployment.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// `ecs-svc/<19 digits>`.
    pub id: String,
    /// `PRIMARY` or `ACTIVE`.
    pub status: String,
    /// Task definition ARN.
    pub task_definition: String,
    /// Desired count.
    pub desired_count: u32,
    /// Consecutive failed tasks (resets when a task of it runs).
    pub failed_tasks: u32,
    /// Whether a task of this deployment ever reached RUNNING (then failures stop being counted).
    pub had_running: bool,
    /// Network configuration of this deployment.
    pub network: NetworkConfig,
    /// Creation instant.
    pub created_at: i64,
    /// Last update.
    pub updated_at: i64,
    /// Rollout state.
    pub rollout_state: RolloutState,
    /// Reason text.
    pub rollout_state_reason: String,
}

/// One service event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEvent {
    /// UUID.
    pub id: String,
    /// Instant.
    pub created_at: i64,
    /// The message, in AWS wording.
    pub message: String,
}

/// The scheduler's own bookkeeping for a service.
#[derive(Debug, Clone, Default)]
pub struct SchedulerState {
    /// No launch before this instant (throttle after failures).
    pub next_launch_at: i64,
    /// Consecutive failed launch attempts (tasks that went from PENDING to
    /// STOPPED, or could not be created) since a task last reached RUNNING.
    pub consecutive_failures: u32,
    /// When the last failed launch attempt counted was launched (tasks
    /// launched together fail as one attempt).
    pub last_failed_attempt: Option<i64>,
    /// Whether "unable to consistently start tasks" was said for this episode.
    pub throttle_announced: bool,
    /// Whether the service is at steady state (and said so).
    pub steady: bool,
    /// When the last steady-state event was written.
    pub last_steady_event: Option<i64>,
    /// Since when the service has been continuously steady.
    pub steady_since: Option<i64>,
    /// When the next scheduler pass is due, if one is queued.
    pub tick_at: Option<i64>,
    /// Tasks stopped for failing health checks, not yet replaced.
    pub unhealthy_to_replace: usize,
    /// Why the last launch attempt created no task, if it did not.
    pub launch_failure: Option<super::run::StopCause>,
    /// Task definition and network of the last deployment that completed (what a rollback returns to).
    pub last_completed: Option<(String, NetworkConfig)>,
    /// Ids of the service's tasks whose desired status is RUNNING.
    pub live: std::collections::BTreeSet<String>,
}

impl SchedulerState {
    /// Ends the throttle: the next launch may happen at `now`.
    pub fn reset_throttle(&mut self, now: i64) {
        self.consecutive_failures = 0;
        self.last_failed_attempt = None;
        self.throttle_announced = false;
        self.next_launch_at = self.next_launch_at.min(now);
    }
}

/// An ECS service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Cluster name.
    pub cluster: String,
    /// Current (primary) task definition ARN.
    pub task_definition: String,
    /// Desired count.
    pub desired_count: u32,
    /// Network configuration.
    pub network: NetworkConfig,
    /// Deployment configuration.
    pub deployment_config: DeploymentConfig,
    /// Load balancers.
    pub load_balancers: Vec<ServiceLoadBalancer>,
    /// Seconds the scheduler ignores ELB health checks after a task starts.
    pub health_check_grace_period: u32,
    /// Deployments, PRIMARY first.
    pub deployments: Vec<Deployment>,
    /// Events, newest first, at most 100.
    pub events: std::collections::VecDeque<ServiceEvent>,
    /// Creation instant.
    pub created_at: i64,
    /// `ACTIVE` or `DRAINING`.
    pub status: String,
    /// Scheduler state.
    pub sched: SchedulerState,
    /// ECS Exec (`enableExecuteCommand`): tasks it launches from now on run the
    /// execute-command agent.
    pub enable_execute_command: bool,
}

/// Most events a service keeps, newest first (reference: at most 100).
pub const MAX_SERVICE_EVENTS: usize = 100;

/// Task lifecycle states, in the only order a task moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskStatus {
    /// ENI being created.
    Provisioning,
    /// Pulling, fetching secrets, validating logs.
    Pending,
    /// Registering targets.
    Activating,
    /// Running.
    Running,
    /// Deregistering targets.
    Deactivating,
    /// Containers being stopped.
    Stopping,
    /// ENI being deleted.
    Deprovisioning,
    /// Stopped.
    Stopped,
}

impl TaskStatus {
    /// The AWS spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        }
    }
}

/// A container of a task.
#[derive(Debug, Clone)]
pub struct Container {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Image reference.
    pub image: String,
    /// Digest once pulled.
    pub image_digest: Option<String>,
    /// Runtime id once started.
    pub runtime_id: Option<String>,
    /// `PENDING`, `RUNNING`, `STOPPED`.
    pub last_status: String,
    /// Exit code once exited.
    pub exit_code: Option<i32>,
    /// Reason, e.g. `OutOfMemoryError: container killed due to memory usage`.
    pub reason: Option<String>,
    /// `HEALTHY`, `UNHEALTHY`, `UNKNOWN`.
    pub health_status: String,
    /// CPU units.
    pub cpu: u32,
    /// Hard limit MiB.
    pub memory: Option<u32>,
    /// Soft limit MiB.
    pub memory_reservation: Option<u32>,
    /// Whether essential.
    pub essential: bool,
}

/// The task's ENI attachment.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Attachment id (UUID).
    pub id: String,
    /// `PRECREATED`, `ATTACHED`, `DELETED`.
    pub status: String,
    /// Subnet id.
    pub subnet_id: String,
    /// ENI id.
    pub eni_id: String,
    /// MAC address.
    pub mac: String,
    /// Private DNS name.
    pub private_dns: String,
    /// Private IPv4 address.
    pub private_ip: String,
}

/// A task.
#[derive(Debug, Clone)]
pub struct Task {
    /// 32-hex id.
    pub id: String,
    /// ARN.
    pub arn: String,
    /// Cluster name.
    pub cluster: String,
    /// Task definition ARN.
    pub task_definition_arn: String,
    /// Owning service, if any.
    pub service: Option<String>,
    /// Deployment id that started it (`startedBy`).
    pub started_by: String,
    /// Availability Zone.
    pub az: String,
    /// The subnet the scheduler chose.
    pub subnet_id: String,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// Public IP requested.
    pub assign_public_ip: bool,
    /// Last status.
    pub last_status: TaskStatus,
    /// Desired status (RUNNING or STOPPED).
    pub desired_status: TaskStatus,
    /// CPU units (string as AWS shows).
    pub cpu: String,
    /// Memory MiB (string as AWS shows).
    pub memory: String,
    /// Containers.
    pub containers: Vec<Container>,
    /// ENI attachment.
    pub attachment: Option<Attachment>,
    /// Connectivity.
    pub connectivity: Option<String>,
    /// Connectivity instant.
    pub connectivity_at: Option<i64>,
    /// Created.
    pub created_at: i64,
    /// Pull start.
    pub pull_started_at: Option<i64>,
    /// Pull end.
    pub pull_stopped_at: Option<i64>,
    /// Containers started.
    pub started_at: Option<i64>,
    /// Stop requested.
    pub stopping_at: Option<i64>,
    /// Execution stopped.
    pub execution_stopped_at: Option<i64>,
    /// Stopped.
    pub stopped_at: Option<i64>,
    /// stopCode.
    pub stop_code: Option<String>,
    /// stoppedReason.
    pub stopped_reason: Option<String>,
    /// `HEALTHY`, `UNHEALTHY`, `UNKNOWN`.
    pub health_status: String,
    /// Ephemeral storage GiB.
    pub ephemeral_gib: u32,
    /// Whether it was launched with ECS Exec (its service's setting at launch).
    pub enable_execute_command: bool,
    /// Version counter (bumped on each change).
    pub version: u32,
    /// Why the task stopped, as structured data (for validation and grading).
    pub stop_cause: Option<super::run::StopCause>,
    /// Engine bookkeeping.
    pub run: super::run::TaskRun,
}

impl Task {
    /// Whether the task counts toward the service (not being stopped).
    pub fn is_live(&self) -> bool {
        self.desired_status == TaskStatus::Running
    }
}
