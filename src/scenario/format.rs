//! The YAML format of environments (`scenarios/environments/*.yaml`) and
//! scenarios (`scenarios/*.yaml`). Unknown fields are errors everywhere.
//!
//! Where AWS has a document format of its own, it is used as is: task
//! definitions are RegisterTaskDefinition input, policies are IAM JSON.
//! Strings may hold placeholders resolved against the built world:
//! `${subnet:private-a}`, `${sg:alb}`, `${rtb:private-a}`, `${nat:nat-a}`,
//! `${igw}`, `${vpc}`, `${role:name}` (ARN), `${policy:name}` (ARN),
//! `${secret:name}` (ARN), `${param:name}` (ARN), `${tg:name}` (ARN),
//! `${lb:name}` (ARN), `${repo:name}` (URI), `${ecr}` (registry host),
//! `${account}`, `${region}`, and the scenario's own `${var:name}`.

use crate::time::Dur;
use crate::world::{AppProfile, PolicyDocument, TaskDefinitionInput};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A baseline world.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// One line saying what this account is.
    pub description: String,
    /// Region.
    pub region: String,
    /// The VPC.
    pub vpc: VpcSpec,
    /// Subnets.
    pub subnets: Vec<SubnetSpec>,
    /// Name of the internet gateway, if the VPC has one.
    #[serde(default)]
    pub internet_gateway: Option<String>,
    /// NAT gateways.
    #[serde(default)]
    pub nat_gateways: Vec<NatSpec>,
    /// Route tables (the main table is made for you unless one says `main: true`).
    #[serde(default)]
    pub route_tables: Vec<RouteTableSpec>,
    /// VPC endpoints.
    #[serde(default)]
    pub vpc_endpoints: Vec<EndpointSpec>,
    /// Security groups.
    #[serde(default)]
    pub security_groups: Vec<SecurityGroupSpec>,
    /// Network interfaces of other workloads in the account.
    #[serde(default)]
    pub other_enis: Vec<OtherEnisSpec>,
    /// Customer-managed policies.
    #[serde(default)]
    pub policies: Vec<PolicySpec>,
    /// IAM roles.
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    /// How images behave when they run, by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, AppProfile>,
    /// ECR repositories.
    #[serde(default)]
    pub repositories: Vec<RepositorySpec>,
    /// Log groups.
    #[serde(default)]
    pub log_groups: Vec<LogGroupSpec>,
    /// Customer managed KMS keys (secrets and SecureString parameters name them by alias).
    #[serde(default)]
    pub kms_keys: Vec<KmsKeySpec>,
    /// Secrets Manager secrets.
    #[serde(default)]
    pub secrets: Vec<SecretSpec>,
    /// SSM parameters.
    #[serde(default)]
    pub parameters: Vec<ParameterSpec>,
    /// Application load balancers.
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancerSpec>,
    /// Target groups.
    #[serde(default)]
    pub target_groups: Vec<TargetGroupSpec>,
    /// Cluster names.
    pub clusters: Vec<String>,
    /// Task definitions, registered in order (revision 1, 2, ... per family).
    #[serde(default)]
    pub task_definitions: Vec<TaskDefinitionInput>,
    /// Services.
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
}

/// The VPC.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcSpec {
    /// Name tag.
    pub name: String,
    /// CIDR block.
    pub cidr: String,
    /// enableDnsSupport (default true).
    #[serde(default = "yes")]
    pub dns_support: bool,
    /// enableDnsHostnames (default true).
    #[serde(default = "yes")]
    pub dns_hostnames: bool,
}

fn yes() -> bool {
    true
}

/// A subnet.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    /// Name tag, and its name in placeholders.
    pub name: String,
    /// AZ letter (`a`, `b`, ...) appended to the region.
    pub az: String,
    /// CIDR block inside the VPC's.
    pub cidr: String,
    /// MapPublicIpOnLaunch.
    #[serde(default)]
    pub public: bool,
}

/// A NAT gateway.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NatSpec {
    /// Name.
    pub name: String,
    /// The (public) subnet it lives in.
    pub subnet: String,
}

/// A route table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTableSpec {
    /// Name.
    pub name: String,
    /// Whether it is the main table.
    #[serde(default)]
    pub main: bool,
    /// Subnets explicitly associated.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// Routes besides the local one.
    #[serde(default)]
    pub routes: Vec<RouteSpec>,
}

/// A route: a destination and exactly one target.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Destination CIDR.
    pub destination: String,
    /// NAT gateway name.
    #[serde(default)]
    pub nat_gateway: Option<String>,
    /// Route to the internet gateway.
    #[serde(default)]
    pub internet_gateway: bool,
}

/// A VPC endpoint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// Name.
    pub name: String,
    /// Short service name: `ecr.api`, `ecr.dkr`, `logs`, `s3`, `secretsmanager`, `ssm`, ...
    pub service: String,
    /// `Interface` or `Gateway`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Subnets (interface).
    #[serde(default)]
    pub subnets: Vec<String>,
    /// Security groups (interface).
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Route tables (gateway).
    #[serde(default)]
    pub route_tables: Vec<String>,
    /// Private DNS (interface, default true).
    #[serde(default = "yes")]
    pub private_dns: bool,
}

/// A security group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroupSpec {
    /// GroupName, and its name in placeholders.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Inbound rules.
    #[serde(default)]
    pub ingress: Vec<RuleSpec>,
    /// Outbound rules (absent: AWS's default allow-all).
    #[serde(default)]
    pub egress: Option<Vec<RuleSpec>>,
}

/// A security group rule.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// `tcp`, `udp`, `icmp` or `all`.
    pub protocol: String,
    /// One port.
    #[serde(default)]
    pub port: Option<u16>,
    /// A range `from-to`.
    #[serde(default)]
    pub ports: Option<String>,
    /// IPv4 range.
    #[serde(default)]
    pub cidr: Option<String>,
    /// Another security group, by name.
    #[serde(default)]
    pub group: Option<String>,
    /// A prefix list of a gateway endpoint, by endpoint name.
    #[serde(default)]
    pub prefix_list_of: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
}

/// ENIs held by other workloads in a subnet.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherEnisSpec {
    /// Subnet name.
    pub subnet: String,
    /// How many.
    pub count: u32,
    /// Description AWS shows (`AWS Lambda VPC ENI-...`).
    pub description: String,
    /// `in-use` (default) or `available` (left behind).
    #[serde(default = "in_use")]
    pub status: String,
}

fn in_use() -> String {
    "in-use".into()
}

/// A customer-managed policy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Name.
    pub name: String,
    /// Its document.
    pub document: PolicyDocument,
}

/// An IAM role.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    /// RoleName.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// A service principal trusted (shorthand for a trust policy).
    #[serde(default)]
    pub trust: Option<String>,
    /// A full trust policy.
    #[serde(default)]
    pub trust_policy: Option<PolicyDocument>,
    /// Managed policies: AWS-managed names, customer policy names, or ARNs.
    #[serde(default)]
    pub managed: Vec<String>,
    /// Inline policies by name.
    #[serde(default)]
    pub inline: BTreeMap<String, PolicyDocument>,
}

/// An ECR repository.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositorySpec {
    /// Name.
    pub name: String,
    /// Images in it.
    #[serde(default)]
    pub images: Vec<ImageSpec>,
}

/// An image.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    /// Tags.
    pub tags: Vec<String>,
    /// Application profile.
    pub profile: String,
    /// Compressed size, MB.
    pub size_mb: u64,
    /// Unpacked size on disk, MB (default 2.5 x compressed).
    #[serde(default)]
    pub unpacked_mb: Option<u64>,
    /// Platforms (default `[linux/amd64]`).
    #[serde(default)]
    pub platforms: Option<Vec<String>>,
    /// Whether it is a multi-platform index.
    #[serde(default)]
    pub index: bool,
    /// When it was pushed, relative to now (default -7d).
    #[serde(default)]
    pub pushed: Option<Dur>,
}

/// A log group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogGroupSpec {
    /// Name.
    pub name: String,
    /// Retention in days.
    #[serde(default)]
    pub retention_days: Option<u32>,
}

/// A customer managed KMS key (its key policy is the default: IAM policies decide who may use it).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsKeySpec {
    /// Alias, without `alias/` (`billing-secrets`); `${kms:ALIAS}` is the key's ARN.
    pub alias: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Region (default: the environment's).
    #[serde(default)]
    pub region: Option<String>,
}

/// A secret.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretSpec {
    /// Name.
    pub name: String,
    /// Alias of the customer managed KMS key (from `kms_keys`) it is encrypted with
    /// (default: the AWS managed key `aws/secretsmanager`, which needs no grant).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// Description `describe-secret` shows.
    #[serde(default)]
    pub description: Option<String>,
    /// Region it lives in (default: the environment's); `${secret:NAME}` names it there.
    #[serde(default)]
    pub region: Option<String>,
    /// The current value is a JSON object with these top-level keys (the values
    /// themselves are never modelled). Without `keys` or `text`, any JSON key resolves.
    #[serde(default)]
    pub keys: Option<Vec<String>>,
    /// The current value is this string, which is not a JSON object (a task asking
    /// for a JSON key of it fails to parse it). Never shown to the player.
    #[serde(default)]
    pub text: Option<String>,
    /// Keys of the version labelled `AWSPREVIOUS` (a rotation happened); none: no such version.
    #[serde(default)]
    pub previous_keys: Option<Vec<String>>,
}

/// An SSM parameter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// Name.
    pub name: String,
    /// `String`, `StringList` or `SecureString`.
    #[serde(rename = "type", default = "string_type")]
    pub kind: String,
    /// Alias of the customer managed KMS key (from `kms_keys`) a SecureString is
    /// encrypted with (default: `alias/aws/ssm`, which needs no grant).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// Region it lives in (default: the environment's).
    #[serde(default)]
    pub region: Option<String>,
}

fn string_type() -> String {
    "String".into()
}

/// A load balancer.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    /// Name.
    pub name: String,
    /// Subnets.
    pub subnets: Vec<String>,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// `internet-facing` (default) or `internal`.
    #[serde(default = "internet_facing")]
    pub scheme: String,
}

fn internet_facing() -> String {
    "internet-facing".into()
}

/// A target group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupSpec {
    /// Name.
    pub name: String,
    /// Port.
    pub port: u16,
    /// The load balancer forwarding to it.
    pub load_balancer: String,
    /// Health check.
    #[serde(default)]
    pub health_check: HealthCheckSpec,
    /// Deregistration delay, seconds (default 300, as AWS).
    #[serde(default = "three_hundred")]
    pub deregistration_delay: u32,
}

fn three_hundred() -> u32 {
    300
}

/// Target group health check (AWS defaults where absent).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheckSpec {
    /// Path (default `/`).
    #[serde(default = "slash")]
    pub path: String,
    /// `traffic-port` (default) or a number.
    #[serde(default = "traffic_port")]
    pub port: String,
    /// Seconds (default 30).
    #[serde(default = "thirty")]
    pub interval: u32,
    /// Seconds (default 5).
    #[serde(default = "five")]
    pub timeout: u32,
    /// Default 5.
    #[serde(default = "five")]
    pub healthy_threshold: u32,
    /// Default 2.
    #[serde(default = "two")]
    pub unhealthy_threshold: u32,
    /// Default `200`.
    #[serde(default = "ok200")]
    pub matcher: String,
}

impl Default for HealthCheckSpec {
    fn default() -> Self {
        HealthCheckSpec {
            path: slash(),
            port: traffic_port(),
            interval: 30,
            timeout: 5,
            healthy_threshold: 5,
            unhealthy_threshold: 2,
            matcher: ok200(),
        }
    }
}

fn slash() -> String {
    "/".into()
}
fn traffic_port() -> String {
    "traffic-port".into()
}
fn thirty() -> u32 {
    30
}
fn five() -> u32 {
    5
}
fn two() -> u32 {
    2
}
fn ok200() -> String {
    "200".into()
}

/// A service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Name.
    pub name: String,
    /// Cluster name.
    pub cluster: String,
    /// Task definition family (latest revision) or `family:revision`.
    pub task_definition: String,
    /// Desired count.
    #[schemars(range(max = crate::limits::MAX_DESIRED))]
    pub desired: u32,
    /// Subnet names.
    pub subnets: Vec<String>,
    /// Security group names.
    pub security_groups: Vec<String>,
    /// assignPublicIp.
    #[serde(default)]
    pub public_ip: bool,
    /// Deployment configuration.
    #[serde(default)]
    pub deployment: DeploymentSpec,
    /// Load balancer binding.
    #[serde(default)]
    pub load_balancer: Option<ServiceLbSpec>,
    /// Health check grace period (default 0s).
    #[serde(default)]
    pub grace_period: Dur,
    /// ECS Exec (`enableExecuteCommand`, default false): its tasks run the
    /// execute-command agent, so `ecs execute-command` can reach them.
    #[serde(default)]
    pub enable_execute_command: bool,
}

/// Deployment configuration (AWS defaults where absent).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSpec {
    /// maximumPercent (default 200).
    #[serde(default = "two_hundred")]
    pub max_percent: u32,
    /// minimumHealthyPercent (default 100).
    #[serde(default = "hundred")]
    pub min_healthy_percent: u32,
    /// Circuit breaker enabled.
    #[serde(default)]
    pub circuit_breaker: bool,
    /// Roll back when it trips.
    #[serde(default)]
    pub rollback: bool,
}

impl Default for DeploymentSpec {
    fn default() -> Self {
        DeploymentSpec {
            max_percent: 200,
            min_healthy_percent: 100,
            circuit_breaker: false,
            rollback: false,
        }
    }
}

fn two_hundred() -> u32 {
    200
}
fn hundred() -> u32 {
    100
}

/// A service's target group binding.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceLbSpec {
    /// Target group name.
    pub target_group: String,
    /// Container name.
    pub container: String,
    /// Container port.
    pub port: u16,
}

/// A scenario: one game.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Id; must equal the file name without `.yaml`.
    pub id: String,
    /// Title.
    pub title: String,
    /// 1 (warm-up) to 5 (hard).
    #[schemars(range(min = 1, max = 5))]
    pub difficulty: u8,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Environment file name (without `.yaml`) under `scenarios/environments/`.
    pub environment: String,
    /// How long the account ran before the first timeline entry (default 2h).
    #[serde(default)]
    pub history: Option<Dur>,
    /// The page or ticket the player receives.
    pub briefing: String,
    /// Seeded choices: each variable takes one of its values per seed.
    #[serde(default)]
    pub variables: BTreeMap<String, Vec<String>>,
    /// Correlated seeded choices: one of these sets of variables is taken per seed.
    #[serde(default)]
    pub variants: Vec<BTreeMap<String, String>>,
    /// How images behave when they run, by name, added to the environment's
    /// for this scenario (a `push_image` runs them); a name the environment
    /// already declares is an error, so an environment's behaviour never
    /// changes under another scenario's feet.
    #[serde(default)]
    pub profiles: BTreeMap<String, AppProfile>,
    /// Service quotas the account runs with where they differ from the
    /// defaults, by quota code (`L-3032A538: "${var:vcpus}"`, Fargate
    /// On-Demand vCPUs); a value may name a variable.
    #[serde(default)]
    pub quotas: BTreeMap<String, String>,
    /// Operations and faults before now (negative times).
    pub timeline: Vec<TimelineEntry>,
    /// Harmless oddities, some chosen per seed.
    #[serde(default)]
    pub decoys: Option<Decoys>,
    /// The answer key.
    pub answer: Answer,
    /// What counts as healed.
    pub success: Success,
    /// Hints, in order.
    #[serde(default)]
    pub hints: Vec<Hint>,
    /// Par.
    pub par: Par,
    /// Read-only commands an expert runs to find the cause.
    pub investigation: Vec<String>,
    /// Mutating commands that heal the world.
    pub fix: Vec<String>,
    /// Where to learn more.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Observations that prove the cause (the report says which the player saw).
    #[serde(default)]
    pub evidence: Vec<EvidenceSpec>,
    /// Present when the scenario runs on a real sandbox account too (`faultline
    /// live start`), with what a live run needs that the rest does not say.
    #[serde(default)]
    pub live: Option<LiveSpec>,
}

/// How a scenario runs on the sandbox stack of `infra/sandbox.yaml` (see
/// [`crate::scenario::live`]). `live: {}` says it runs as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveSpec {
    /// Placeholders the sandbox names differently: placeholder (without
    /// `${}`, variables allowed) -> the sandbox placeholder that stands for
    /// it (`subnet:private-${var:zone}: subnet:private-exhaust`).
    #[serde(default)]
    pub bind: BTreeMap<String, String>,
    /// AWS CLI writes applied (journaled, undone) before the timeline: the
    /// sandbox made to look like the scenario's environment.
    #[serde(default)]
    pub before: Vec<String>,
    /// Field paths merged into every fault `deploy`'s `set`: what the
    /// container really runs in the sandbox (its public image, a command).
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// The reference fix on the sandbox, when the scenario's `fix` names
    /// what the sandbox does not have (default: `fix`).
    #[serde(default)]
    pub fix: Option<Vec<String>>,
}

/// An observation that proves the cause: seen when a successful `command`
/// printed output containing `shows`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSpec {
    /// What the observation is (for the report).
    pub text: String,
    /// `service operation`, e.g. `ecs describe-tasks`.
    pub command: String,
    /// Text the output must contain (placeholders allowed).
    pub shows: String,
    /// The cause it proves, in a compound incident (default: the answer's first).
    #[serde(default)]
    pub cause: Option<String>,
}

/// One timeline entry: a time, and exactly one operation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [
    {"required": ["aws"]},
    {"required": ["deploy"]},
    {"required": ["push_image"]},
    {"required": ["occupy_ips"]}
]))]
pub struct TimelineEntry {
    /// Time relative to now (negative).
    #[schemars(schema_with = "super::schema::before_now")]
    pub at: Dur,
    /// Whether this entry is (part of) the fault.
    #[serde(default)]
    pub fault: bool,
    /// Whether AWS refused this operation when it happened (a failed deploy):
    /// the refusal is part of the history, and the entry changes nothing.
    #[serde(default)]
    pub refused: bool,
    /// What happened, for the author's view and the debrief.
    pub note: String,
    /// A mutating AWS CLI command.
    #[serde(default)]
    pub aws: Option<String>,
    /// A deployment: new task definition revision plus UpdateService.
    #[serde(default)]
    pub deploy: Option<DeployOp>,
    /// An image pushed to ECR.
    #[serde(default)]
    pub push_image: Option<PushImageOp>,
    /// Another workload takes addresses in a subnet.
    #[serde(default)]
    pub occupy_ips: Option<OccupyIpsOp>,
    /// Who made the calls, as CloudTrail shows them: `pipeline` (the default
    /// for `deploy` and `push_image`), `terraform`, or `engineer` (the
    /// default for `aws`).
    #[serde(default)]
    pub by: Option<By>,
}

/// Who made a timeline entry's API calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum By {
    /// The deploy pipeline (role `deploy-pipeline`).
    Pipeline,
    /// Infrastructure as code (role `terraform-apply`).
    Terraform,
    /// A platform engineer (role `PlatformEngineer`).
    Engineer,
}

impl By {
    /// The world's actor.
    pub fn actor(self) -> crate::world::Actor {
        match self {
            By::Pipeline => crate::world::Actor::Pipeline,
            By::Terraform => crate::world::Actor::Terraform,
            By::Engineer => crate::world::Actor::Engineer,
        }
    }
}

/// A deployment as CI does it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployOp {
    /// Cluster name.
    pub cluster: String,
    /// Service name.
    pub service: String,
    /// Changes to the current task definition, by path (`containerDefinitions[0].image`).
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// Paths to remove.
    #[serde(default)]
    pub unset: Vec<String>,
}

/// An image push.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushImageOp {
    /// Repository name.
    pub repository: String,
    /// The image.
    pub image: ImageSpec,
}

/// Addresses taken by another workload.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OccupyIpsOp {
    /// Subnet name.
    pub subnet: String,
    /// Leave this many free (default 0).
    #[serde(default)]
    pub leave: u32,
    /// ENI description AWS shows.
    pub description: String,
}

/// Decoys: `pick` of `from`, chosen per seed.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decoys {
    /// How many to apply.
    pub pick: usize,
    /// Candidates.
    pub from: Vec<TimelineEntry>,
}

/// The answer key.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Cause id from the vocabulary (`faultline causes`).
    #[schemars(schema_with = "super::schema::cause_id")]
    pub cause: String,
    /// Culprit resources (ids or ARNs, usually placeholders).
    pub culprits: Vec<String>,
    /// One paragraph for the debrief: what happened.
    pub explanation: String,
    /// The other causes of a compound incident, each diagnosable and
    /// scored like the first.
    #[serde(default)]
    pub also: Vec<OtherCause>,
}

/// Another cause of a compound incident.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherCause {
    /// Cause id from the vocabulary.
    #[schemars(schema_with = "super::schema::cause_id")]
    pub cause: String,
    /// Its culprit resources.
    pub culprits: Vec<String>,
    /// Hidden behind the first cause: its symptom does not show until the
    /// first is fixed (`validate` proves it).
    #[serde(default)]
    pub hidden: bool,
}

impl Answer {
    /// Every cause of the incident with its culprits: the first, then `also`.
    pub fn causes(&self) -> Vec<(&str, &[String])> {
        let mut v = vec![(self.cause.as_str(), self.culprits.as_slice())];
        for o in &self.also {
            v.push((o.cause.as_str(), o.culprits.as_slice()));
        }
        v
    }
}

/// The success condition: the service reaches and holds steady state.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Success {
    /// Cluster.
    pub cluster: String,
    /// Service.
    pub service: String,
    /// How long steady state must hold (default 5m).
    #[serde(default)]
    pub hold: Option<Dur>,
    /// Bound on the time to heal after the reference fix (default 30m).
    #[serde(default)]
    pub within: Option<Dur>,
    /// When set, every running task must also run this image (placeholders
    /// allowed): a rolled-back or never-deployed release is not healed.
    #[serde(default)]
    pub image: Option<String>,
}

/// A hint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    /// Text.
    pub text: String,
    /// Points it costs.
    pub cost: u32,
}

/// Par.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Par {
    /// Commands.
    pub commands: u32,
    /// Minutes.
    pub minutes: u32,
}

/// A link.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
}
