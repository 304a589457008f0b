//! ECR, CloudWatch Logs, Secrets Manager, SSM and KMS, Elastic Load Balancing, and
//! application profiles (how an image behaves once it runs).

use crate::time::Dur;
use serde::Deserialize;
use std::collections::BTreeMap;

/// An ECR repository.
#[derive(Debug, Clone)]
pub struct Repository {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `<acct>.dkr.ecr.<region>.amazonaws.com/<name>`.
    pub uri: String,
    /// Creation instant.
    pub created: i64,
    /// Images.
    pub images: Vec<Image>,
}

/// An image in a repository.
#[derive(Debug, Clone)]
pub struct Image {
    /// `sha256:...`.
    pub digest: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Push instant.
    pub pushed_at: i64,
    /// Compressed size, bytes.
    pub size_bytes: u64,
    /// Extracted size on disk, bytes (what ephemeral storage must hold).
    pub unpacked_bytes: u64,
    /// Platforms: one for a single-arch image, several for an index.
    pub platforms: Vec<String>,
    /// Whether it is a multi-platform image index.
    pub is_index: bool,
    /// Application profile name.
    pub profile: String,
}

/// One log event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// Instant.
    pub timestamp: i64,
    /// Text.
    pub message: String,
    /// Ingestion instant.
    pub ingestion_time: i64,
}

/// A log stream.
#[derive(Debug, Clone)]
pub struct LogStream {
    /// Name.
    pub name: String,
    /// Creation instant.
    pub created: i64,
    /// Events in time order.
    pub events: Vec<LogEvent>,
}

/// A log group.
#[derive(Debug, Clone)]
pub struct LogGroup {
    /// Name.
    pub name: String,
    /// ARN (`...:log-group:<name>:*`).
    pub arn: String,
    /// Creation instant.
    pub created: i64,
    /// Retention in days.
    pub retention_days: Option<u32>,
    /// Streams by name.
    pub streams: BTreeMap<String, LogStream>,
}

/// A Secrets Manager secret.
#[derive(Debug, Clone)]
pub struct Secret {
    /// Name.
    pub name: String,
    /// ARN with AWS's six-character suffix (in the secret's own region).
    pub arn: String,
    /// Region it lives in (the account's, unless the environment says otherwise).
    pub region: String,
    /// Creation instant.
    pub created: i64,
    /// ARN of the customer managed KMS key it is encrypted with (none: the AWS managed key).
    pub kms_key_id: Option<String>,
    /// Description, as `describe-secret` shows it.
    pub description: Option<String>,
    /// Versions, the current first; never empty for a built secret.
    pub versions: Vec<SecretVersion>,
}

impl Secret {
    /// The version a `valueFrom` asks for: by id, else by staging label (default `AWSCURRENT`).
    pub fn version(&self, stage: Option<&str>, id: Option<&str>) -> Option<&SecretVersion> {
        let stage = stage.unwrap_or(if id.is_some() { "" } else { "AWSCURRENT" });
        self.versions.iter().find(|v| {
            id.is_none_or(|i| v.id == i)
                && (stage.is_empty() || v.stages.iter().any(|s| s == stage))
        })
    }
}

/// One version of a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretVersion {
    /// Version id (a UUID).
    pub id: String,
    /// Staging labels (`AWSCURRENT`, `AWSPREVIOUS`, ...).
    pub stages: Vec<String>,
    /// What the engine needs of its value; never shown to the player.
    pub value: SecretValue,
}

/// What is known of a secret version's value: only its shape, never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// Not modelled: any JSON key resolves.
    Unmodelled,
    /// A JSON object with these top-level keys.
    Keys(Vec<String>),
    /// A string that is not a JSON object (the text itself, for the agent's parse error).
    Text(String),
}

/// A stable version id for version `n` of the secret `arn` (no RNG: adding a
/// version never moves the ids the seed draws) [I].
pub fn secret_version_id(arn: &str, n: usize) -> String {
    let hash = |parts: &[&str]| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in parts {
            for b in p.bytes().chain(std::iter::once(0xff)) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    };
    let salt = n.to_string();
    // SplitMix64's finalizer, so that later versions' ids share no digits with the first's.
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let (h, h2) = if n == 0 {
        (hash(&[arn, "version"]), hash(&[arn, "version", "2"]))
    } else {
        (
            mix(hash(&[arn, "version", &salt])),
            mix(hash(&[arn, "version", &salt, "2"])),
        )
    };
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (h >> 32) as u32,
        (h >> 16) as u16,
        h as u16 & 0xfff,
        0x8000 | (h2 as u16 & 0x3fff),
        h2 >> 16 & 0xffff_ffff_ffff
    )
}

/// An SSM parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Name (`/prod/checkout/db-host`).
    pub name: String,
    /// ARN (in the parameter's own region).
    pub arn: String,
    /// Region it lives in.
    pub region: String,
    /// `String`, `StringList`, `SecureString`.
    pub kind: String,
    /// ARN of the customer managed KMS key of a SecureString (none: `alias/aws/ssm`).
    pub kms_key_id: Option<String>,
    /// Last modified.
    pub modified: i64,
}

/// A customer managed KMS key. Its key policy is the default one (the account
/// may use it through IAM policies), so the caller's IAM policies decide.
#[derive(Debug, Clone)]
pub struct KmsKey {
    /// Key id (a UUID).
    pub id: String,
    /// `arn:aws:kms:<region>:<acct>:key/<id>`.
    pub arn: String,
    /// Alias name without the `alias/` prefix.
    pub alias: String,
    /// Description.
    pub description: String,
    /// Region.
    pub region: String,
    /// Creation instant.
    pub created: i64,
}

/// An application load balancer.
#[derive(Debug, Clone)]
pub struct LoadBalancer {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// DNS name.
    pub dns_name: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// VPC.
    pub vpc_id: String,
    /// Subnets.
    pub subnets: Vec<String>,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// Creation instant.
    pub created: i64,
    /// Its listeners.
    pub listeners: Vec<Listener>,
}

/// A load balancer's listener: a port and protocol, its default action
/// forwarding to a target group, and its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// ARN (`arn:...:listener/app/<lb>/<lb-id>/<id>`).
    pub arn: String,
    /// Port it listens on.
    pub port: u16,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// The target group its default action forwards to.
    pub target_group_arn: String,
    /// ARN of its default rule (`listener-rule/app/...`).
    pub default_rule_arn: String,
}

/// A target group's health check settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealthCheck {
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// `traffic-port` or a number.
    pub port: String,
    /// Path, e.g. `/health`.
    pub path: String,
    /// Seconds between checks.
    pub interval: u32,
    /// Seconds before a check times out.
    pub timeout: u32,
    /// Successes to become healthy.
    pub healthy_threshold: u32,
    /// Failures to become unhealthy.
    pub unhealthy_threshold: u32,
    /// Success codes, e.g. `200` or `200-399`.
    pub matcher: String,
}

/// A registered target.
#[derive(Debug, Clone)]
pub struct Target {
    /// Target IP.
    pub ip: String,
    /// Port.
    pub port: u16,
    /// Availability Zone.
    pub az: String,
    /// The task behind it.
    pub task_id: String,
    /// `initial`, `healthy`, `unhealthy`, `draining`, ...
    pub state: String,
    /// Reason code, e.g. `Elb.InitialHealthChecking`.
    pub reason: Option<String>,
    /// Description, e.g. `Health checks failed with these codes: [404]`.
    pub description: Option<String>,
    /// Consecutive successful checks.
    pub ok_streak: u32,
    /// Consecutive failed checks.
    pub fail_streak: u32,
}

/// A target group.
#[derive(Debug, Clone)]
pub struct TargetGroup {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Port.
    pub port: u16,
    /// `HTTP`.
    pub protocol: String,
    /// VPC.
    pub vpc_id: String,
    /// `ip` for Fargate.
    pub target_type: String,
    /// Health check settings.
    pub health_check: TargetHealthCheck,
    /// Deregistration delay, seconds.
    pub deregistration_delay: u32,
    /// Load balancers that forward to it.
    pub load_balancer_arns: Vec<String>,
    /// Registered targets.
    pub targets: Vec<Target>,
}

/// How much memory an application uses over time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryCurve {
    /// MiB right after start.
    pub start: u32,
    /// MiB gained per minute of uptime (caches warming, a leak).
    #[serde(default)]
    pub growth_per_minute: f64,
    /// The most it ever uses, MiB.
    pub peak: u32,
}

impl MemoryCurve {
    /// MiB in use `uptime` ms after start.
    pub fn at(&self, uptime: i64) -> u32 {
        let grown = self.start as f64 + self.growth_per_minute * (uptime as f64 / 60_000.0);
        (grown.min(self.peak as f64)).max(0.0) as u32
    }

    /// Uptime (ms) at which usage first exceeds `limit`, if it ever does.
    pub fn exceeds_at(&self, limit: u32) -> Option<i64> {
        if self.start > limit {
            return Some(0);
        }
        if self.peak <= limit || self.growth_per_minute <= 0.0 {
            return None;
        }
        let minutes = (limit as f64 + 1.0 - self.start as f64) / self.growth_per_minute;
        Some((minutes * 60_000.0).ceil() as i64)
    }
}

/// One line an application writes, `after` its start.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileLogLine {
    /// Offset from container start.
    pub after: Dur,
    /// The line.
    pub line: String,
}

/// An AWS call an application makes with its task role.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppAwsCall {
    /// When, after start.
    pub after: Dur,
    /// IAM action, e.g. `s3:PutObject`.
    pub action: String,
    /// Resource ARN (`${account}` and `${region}` are filled in).
    pub resource: String,
    /// The line the app logs when the call is denied; `{error}` becomes the denial
    /// (`User: <assumed role> is not authorized to perform: ...`).
    pub log: String,
}

/// How an image behaves once it runs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppProfile {
    /// Path of the entry point binary (for `exec format error`).
    pub entrypoint: String,
    /// Time from start until it answers on its port.
    pub startup: Dur,
    /// Port it listens on (None for workers).
    #[serde(default)]
    pub port: Option<u16>,
    /// Path answering 200 (other paths answer 404).
    #[serde(default = "health_default")]
    pub health_path: String,
    /// Memory over time.
    pub memory: MemoryCurve,
    /// CPU units it needs to answer health checks in time.
    #[serde(default)]
    pub cpu_units: u32,
    /// Environment variables (or secrets) it cannot start without.
    #[serde(default)]
    pub requires_env: Vec<String>,
    /// Lines written after start.
    #[serde(default)]
    pub logs: Vec<ProfileLogLine>,
    /// AWS calls the application makes at start with its task role (fatal when denied).
    #[serde(default)]
    pub aws_calls: Vec<AppAwsCall>,
    /// Line written when a required variable is missing (`{name}` is replaced).
    #[serde(default = "missing_env_default")]
    pub missing_env_log: String,
}

fn health_default() -> String {
    "/health".into()
}
fn missing_env_default() -> String {
    "Error: required environment variable {name} is not set".into()
}
