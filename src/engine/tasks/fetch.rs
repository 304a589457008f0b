//! What the agent fetches before containers can start, under the execution
//! role: the ECR auth token, secrets, the awslogs checks and the image pull.

use super::{parse_image, stream_name, ImageRef};
use crate::engine::messages as m;
use crate::engine::network::Endpoint;
use crate::engine::{Sim, Step, StopCause};
use crate::time::SECOND;
use crate::world::{concat, Decision, LogStream, SecretValue};

/// GetAuthorizationToken without a network path: the agent's calls end in
/// dial timeouts (3 attempts each, the text says) until it gives up. A real
/// capture took about 4 m 48 s per attempt from the task's createdAt to its
/// stoppedAt [C timing]; with ENI provisioning and attachment before (about
/// 18 s, [`super::launch`]) and stopping and deprovisioning after (about
/// 33 s, [`super::stopping`]), the wait itself is about 3 m 57 s. The split
/// between retries is [I].
pub(in crate::engine) const ECR_AUTH_TIMEOUT: i64 = 237 * SECOND;
/// [I] Secrets Manager / SSM: the agent's context deadline.
const SECRETS_TIMEOUT: i64 = 75 * SECOND;
/// [I] awslogs validation killed after its deadline.
const LOGS_TIMEOUT: i64 = 60 * SECOND;
/// [I] a region name that does not resolve: the client's retries (7, in the capture).
const INVALID_REGION: (i64, i64) = (5 * SECOND, 12 * SECOND);
/// [I] manifest or layer pull retried 5 times.
const PULL_TIMEOUT: i64 = 150 * SECOND;
/// [I] an API call denied by IAM comes back quickly.
const DENIED: (i64, i64) = (SECOND, 3 * SECOND);
/// [I] pull throughput, bytes per ms (about 40 MB/s).
const PULL_BYTES_PER_MS: u64 = 40_000;

/// The commercial AWS Regions (awslogs-region must name one to resolve).
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// Whether `r` names a Region whose endpoints resolve.
fn is_region(r: &str) -> bool {
    REGIONS.contains(&r)
}

impl Sim {
    /// The VPC's DNS server (the VPC's base address + 2) as seen from a task.
    fn vpc_dns(&self, id: &str) -> String {
        let base = self
            .world
            .tasks
            .get(id)
            .and_then(|t| self.world.subnets.get(&t.subnet_id))
            .and_then(|s| self.world.vpcs.get(&s.vpc_id))
            .map(|v| v.cidr.base)
            .unwrap_or(0xAC1F_0000);
        crate::world::ip_to_string(base.wrapping_add(2))
    }

    fn principal(&self, id: &str, role_arn: &str) -> (String, String) {
        let role = role_arn.rsplit('/').next().unwrap_or(role_arn).to_string();
        (m::assumed_role(&self.world.account, &role, id), role)
    }

    fn exec_role(&self, id: &str) -> String {
        self.td_of(id)
            .and_then(|td| td.def.execution_role_arn.clone())
            .unwrap_or_default()
    }

    fn denied_later(&mut self, id: &str, reason: String, cause: StopCause) {
        // An AccessDenied comes back after a short retry.
        let d = self.rand(DENIED);
        self.pending_fail(id, reason, cause, self.now + d);
    }

    pub(super) fn step_auth(&mut self, id: &str) {
        // A pending failure decided earlier fires now.
        if self.fire_pending_fail(id) {
            return;
        }
        let Some(td) = self.td_of(id) else { return };
        let registry = self.world.registry();
        let needs_ecr = td
            .def
            .container_definitions
            .iter()
            .any(|c| matches!(parse_image(&registry, &c.image), ImageRef::Ecr { .. }));
        if needs_ecr {
            match self.network(id, Endpoint::EcrApi, ECR_AUTH_TIMEOUT) {
                Ok(false) => return,
                Err(cause) => {
                    let host = Endpoint::EcrApi.host(&self.world);
                    let ip = self.world.endpoint_ip(&host);
                    let reason = m::ecr_auth_timeout(&self.world.region, &ip);
                    self.fail_task(id, reason, cause);
                    return;
                }
                Ok(true) => {}
            }
            let role_arn = self.exec_role(id);
            let decision = self
                .world
                .role_allows(&role_arn, "ecr:GetAuthorizationToken", "*");
            if decision != Decision::Allow {
                let (principal, role) = self.principal(id, &role_arn);
                let rid = self.world.rng.uuid();
                let reason =
                    m::ecr_auth_denied(&principal, &rid, decision == Decision::ExplicitDeny);
                self.denied_later(
                    id,
                    reason,
                    StopCause::IamDenied {
                        role,
                        action: "ecr:GetAuthorizationToken".into(),
                        resource: "*".into(),
                    },
                );
                return;
            }
        }
        self.goto(id, Step::Secrets, self.now);
    }

    pub(super) fn step_secrets(&mut self, id: &str) {
        if self.fire_pending_fail(id) {
            return;
        }
        let Some(td) = self.td_of(id) else { return };
        let role_arn = td.def.execution_role_arn.clone().unwrap_or_default();
        let refs: Vec<String> = td
            .def
            .container_definitions
            .iter()
            .flat_map(|c| {
                c.secrets
                    .iter()
                    .chain(
                        c.log_configuration
                            .iter()
                            .flat_map(|l| l.secret_options.iter()),
                    )
                    .map(|s| s.value_from.clone())
            })
            .collect();
        for value_from in refs {
            let is_asm = value_from.starts_with("arn:aws:secretsmanager:");
            // A secret or parameter ARN is fetched in the ARN's own region [V]
            // (the agent builds its client for the ARN's region); a name, in the task's.
            let region = if value_from.starts_with("arn:") {
                value_from.split(':').nth(3).unwrap_or_default().to_string()
            } else {
                self.world.region.clone()
            };
            let ep = if region != self.world.region {
                // Another region's endpoint is public: interface endpoints of this
                // VPC serve only their own region, so the call needs the internet [I].
                Endpoint::Internet
            } else if is_asm {
                Endpoint::SecretsManager
            } else {
                Endpoint::Ssm
            };
            match self.network(id, ep, SECRETS_TIMEOUT) {
                Ok(false) => return,
                Err(cause) => {
                    let reason = if is_asm {
                        m::asm_timeout(&secret_base_arn(&value_from))
                    } else {
                        m::SSM_TIMEOUT.to_string()
                    };
                    self.fail_task(id, reason, cause);
                    return;
                }
                Ok(true) => {}
            }
            let done = if is_asm {
                self.fetch_asm(id, &role_arn, &value_from)
            } else {
                self.fetch_ssm(id, &role_arn, &value_from, &region)
            };
            if !done {
                return;
            }
        }
        self.goto(id, Step::Logs, self.now);
    }

    /// GetSecretValue for one `valueFrom`, then the JSON key, as the agent does it.
    /// False when the task is to fail (the failure is pending).
    fn fetch_asm(&mut self, id: &str, role_arn: &str, value_from: &str) -> bool {
        let (principal, role) = self.principal(id, role_arn);
        let rid = self.world.rng.uuid();
        // `arn:...:secret:NAME` or `arn:...:secret:NAME:json-key:version-stage:version-id`
        // (amazon-ecs-agent asmsecret.go [V]): any other shape is refused.
        let parts: Vec<&str> = value_from.splitn(6, ':').collect();
        let resource: Vec<&str> = parts
            .get(5)
            .map(|r| r.split(':').collect())
            .unwrap_or_default();
        if parts.len() < 6 || !(resource.len() == 2 || resource.len() == 5) {
            let name = value_from.to_string();
            self.denied_later(
                id,
                m::asm_invalid_arn(value_from),
                StopCause::SecretMissing { name },
            );
            return false;
        }
        let base = secret_base_arn(value_from);
        let nonempty = |i: usize| {
            resource
                .get(i)
                .filter(|s| !s.is_empty())
                .map(|s| s.to_string())
        };
        let (json_key, stage, version_id) = (nonempty(2), nonempty(3), nonempty(4));
        let decision = self
            .world
            .role_allows(role_arn, "secretsmanager:GetSecretValue", &base);
        if decision != Decision::Allow {
            let reason = m::asm_denied(&principal, &base, &rid, decision == Decision::ExplicitDeny);
            self.denied_later(
                id,
                reason,
                StopCause::IamDenied {
                    role,
                    action: "secretsmanager:GetSecretValue".into(),
                    resource: base,
                },
            );
            return false;
        }
        let Some(secret) = self.world.secret_by_arn(&base).cloned() else {
            let name = base.rsplit(':').next().unwrap_or(&base).to_string();
            self.denied_later(
                id,
                m::asm_not_found(&base, &rid),
                StopCause::SecretMissing { name },
            );
            return false;
        };
        let Some(version) = secret
            .version(stage.as_deref(), version_id.as_deref())
            .cloned()
        else {
            let version = version_id
                .clone()
                .or(stage.clone())
                .unwrap_or_else(|| "AWSCURRENT".into());
            self.denied_later(
                id,
                m::asm_version_not_found(&base, &rid, stage.as_deref(), version_id.as_deref()),
                StopCause::SecretVersionMissing {
                    secret: secret.name.clone(),
                    version,
                },
            );
            return false;
        };
        // Secrets Manager decrypts with the caller's permission on a customer managed key.
        if let Some(key) = &secret.kms_key_id {
            let decision = self.world.role_allows(role_arn, "kms:Decrypt", key);
            if decision != Decision::Allow {
                self.denied_later(
                    id,
                    m::asm_kms_denied(&base, &rid),
                    StopCause::IamDenied {
                        role,
                        action: "kms:Decrypt".into(),
                        resource: key.clone(),
                    },
                );
                return false;
            }
        }
        let Some(key) = json_key else { return true };
        let failure = match &version.value {
            SecretValue::Unmodelled => None,
            SecretValue::Keys(keys) if keys.contains(&key) => None,
            SecretValue::Keys(_) => Some(m::asm_json_key_missing(&key)),
            SecretValue::Text(text) => Some(match m::go_json_object_error(text) {
                Some(err) => m::asm_not_json(&err),
                // `null` decodes to an empty map: no key in it.
                None => m::asm_json_key_missing(&key),
            }),
        };
        match failure {
            None => true,
            Some(reason) => {
                let cause = if matches!(version.value, SecretValue::Keys(_)) {
                    StopCause::SecretKeyMissing {
                        secret: secret.name.clone(),
                        key,
                    }
                } else {
                    StopCause::SecretNotJson {
                        secret: secret.name.clone(),
                    }
                };
                self.denied_later(id, reason, cause);
                false
            }
        }
    }

    /// GetParameters (with decryption) for one `valueFrom` in `region`.
    /// False when the task is to fail (the failure is pending).
    fn fetch_ssm(&mut self, id: &str, role_arn: &str, value_from: &str, region: &str) -> bool {
        let (principal, role) = self.principal(id, role_arn);
        let rid = self.world.rng.uuid();
        let name = if value_from.starts_with("arn:") {
            value_from
                .split_once(":parameter")
                .map(|(_, n)| n.to_string())
                .unwrap_or_default()
        } else {
            value_from.to_string()
        };
        let arn = if value_from.starts_with("arn:") {
            value_from.to_string()
        } else {
            self.world.arn_in(
                "ssm",
                region,
                &format!(
                    "parameter{}{}",
                    if name.starts_with('/') { "" } else { "/" },
                    name
                ),
            )
        };
        let decision = self.world.role_allows(role_arn, "ssm:GetParameters", &arn);
        if decision != Decision::Allow {
            let reason = m::ssm_denied(&principal, &arn, &rid, decision == Decision::ExplicitDeny);
            self.denied_later(
                id,
                reason,
                StopCause::IamDenied {
                    role,
                    action: "ssm:GetParameters".into(),
                    resource: arn,
                },
            );
            return false;
        }
        let Some(param) = self.world.parameter_in(region, &name).cloned() else {
            self.denied_later(id, m::ssm_missing(&name), StopCause::SecretMissing { name });
            return false;
        };
        if param.kind == "SecureString" {
            if let Some(key) = &param.kms_key_id {
                let decision = self.world.role_allows(role_arn, "kms:Decrypt", key);
                if decision != Decision::Allow {
                    let kms_rid = self.world.rng.uuid();
                    self.denied_later(
                        id,
                        m::ssm_kms_denied(&rid, &kms_rid),
                        StopCause::IamDenied {
                            role,
                            action: "kms:Decrypt".into(),
                            resource: key.clone(),
                        },
                    );
                    return false;
                }
            }
        }
        true
    }

    pub(super) fn step_logs(&mut self, id: &str) {
        if self.fire_pending_fail(id) {
            return;
        }
        let Some(td) = self.td_of(id) else { return };
        let role_arn = td.def.execution_role_arn.clone().unwrap_or_default();
        for c in &td.def.container_definitions {
            let Some(opts) = c.awslogs() else { continue };
            // The logger takes the options it knows and asks for its required
            // ones, group first (aws/shim-loggers-for-containerd `args.go`):
            // a misspelt key is not passed on, so a required one is missing.
            if !opts.contains_key("awslogs-group") {
                self.fail_task(
                    id,
                    m::LOG_GROUP_OPTION_MISSING.to_string(),
                    StopCause::LogGroupOptionMissing,
                );
                return;
            }
            if !opts.contains_key("awslogs-region") {
                self.fail_task(
                    id,
                    m::LOG_REGION_MISSING.to_string(),
                    StopCause::LogRegionMissing,
                );
                return;
            }
            let group = opts.get("awslogs-group").cloned().unwrap_or_default();
            let region = opts.get("awslogs-region").cloned().unwrap_or_default();
            // A region that does not exist has no endpoint to resolve: the
            // VPC's DNS server answers at once, the client retries [I timing].
            if !is_region(&region) {
                let dns = self.vpc_dns(id);
                let d = self.rand(INVALID_REGION);
                self.pending_fail(
                    id,
                    m::log_region_invalid(&region, &dns),
                    StopCause::LogRegionInvalid { region },
                    self.now + d,
                );
                return;
            }
            // Another region's endpoint is reached over the internet: no VPC
            // endpoint of this region serves it [I].
            let ep = if region == self.world.region {
                Endpoint::Logs
            } else {
                Endpoint::Internet
            };
            match self.network(id, ep, LOGS_TIMEOUT) {
                Ok(false) => return,
                Err(cause) => {
                    self.fail_task(id, m::LOGS_TIMEOUT.to_string(), cause);
                    return;
                }
                Ok(true) => {}
            }
            let (principal, role) = self.principal(id, &role_arn);
            let rid = self.world.rng.uuid();
            // A group in another region is, to this account's region, missing:
            // the same text [C], the driver's region the cause.
            let exists = region == self.world.region && self.world.log_groups.contains_key(&group);
            if !exists {
                let create = opts
                    .get("awslogs-create-group")
                    .map(|v| v == "true")
                    .unwrap_or(false);
                if !create {
                    let cause = if region == self.world.region {
                        StopCause::LogGroupMissing { group }
                    } else {
                        StopCause::LogRegionWrong { group, region }
                    };
                    self.denied_later(id, m::LOG_GROUP_MISSING.to_string(), cause);
                    return;
                }
                let group_arn = format!(
                    "arn:aws:logs:{region}:{}:log-group:{group}:log-stream:",
                    self.world.account
                );
                let decision = self
                    .world
                    .role_allows(&role_arn, "logs:CreateLogGroup", &group_arn);
                if decision != Decision::Allow {
                    let reason = m::create_group_denied(
                        &principal,
                        &group_arn,
                        &rid,
                        decision == Decision::ExplicitDeny,
                    );
                    self.denied_later(
                        id,
                        reason,
                        StopCause::IamDenied {
                            role,
                            action: "logs:CreateLogGroup".into(),
                            resource: group_arn,
                        },
                    );
                    return;
                }
                if region == self.world.region {
                    let arn = self.world.arn("logs", &format!("log-group:{group}:*"));
                    self.world.log_groups.insert(
                        group.clone(),
                        crate::world::LogGroup {
                            name: group.clone(),
                            arn,
                            created: self.now,
                            retention_days: None,
                            streams: Default::default(),
                        },
                    );
                }
            }
            let stream = stream_name(
                opts.get("awslogs-stream-prefix").map(|s| s.as_str()),
                &c.name,
                id,
            );
            let stream_arn = concat(&[
                "arn:aws:logs:",
                &region,
                ":",
                &self.world.account,
                ":log-group:",
                &group,
                ":log-stream:",
                &stream,
            ]);
            let decision = self
                .world
                .role_allows(&role_arn, "logs:CreateLogStream", &stream_arn);
            if decision != Decision::Allow {
                let reason = m::create_stream_denied(
                    &principal,
                    &stream_arn,
                    &rid,
                    decision == Decision::ExplicitDeny,
                );
                self.denied_later(
                    id,
                    reason,
                    StopCause::IamDenied {
                        role,
                        action: "logs:CreateLogStream".into(),
                        resource: stream_arn,
                    },
                );
                return;
            }
            let now = self.now;
            if let Some(g) = self.world.log_groups.get_mut(&group) {
                g.streams.entry(stream.clone()).or_insert(LogStream {
                    name: stream,
                    created: now,
                    events: Vec::new(),
                });
            }
        }
        self.goto(id, Step::Pull, self.now);
    }

    pub(super) fn step_pull(&mut self, id: &str) {
        if self.fire_pending_fail(id) {
            return;
        }
        let Some(td) = self.td_of(id) else { return };
        let now = self.now;
        if let Some(t) = self.world.tasks.get_mut(id) {
            if t.pull_started_at.is_none() {
                t.pull_started_at = Some(now);
            }
        }
        let registry = self.world.registry();
        let role_arn = td.def.execution_role_arn.clone().unwrap_or_default();
        let platform = if td.architecture() == "ARM64" {
            "linux/arm64"
        } else {
            "linux/amd64"
        };
        let mut total_bytes: u64 = 0;
        let mut digests = Vec::new();
        for c in &td.def.container_definitions {
            match parse_image(&registry, &c.image) {
                ImageRef::Public { name, tag } => {
                    match self.network(id, Endpoint::Internet, PULL_TIMEOUT) {
                        Ok(false) => return,
                        Err(cause) => {
                            let ip = self.world.endpoint_ip("registry-1.docker.io");
                            self.fail_task(id, m::public_pull_timeout(&name, &tag, &ip), cause);
                            return;
                        }
                        Ok(true) => {}
                    }
                    total_bytes += 50_000_000;
                    digests.push(None);
                }
                ImageRef::Ecr { repo, tag } => {
                    match self.network(id, Endpoint::EcrDkr, PULL_TIMEOUT) {
                        Ok(false) => return,
                        Err(cause) => {
                            let ip = self.world.endpoint_ip(&registry);
                            self.fail_task(
                                id,
                                m::ecr_pull_timeout(&registry, &repo, &tag, &ip),
                                cause,
                            );
                            return;
                        }
                        Ok(true) => {}
                    }
                    let repo_arn = self.world.arn("ecr", &format!("repository/{repo}"));
                    let decision =
                        self.world
                            .role_allows(&role_arn, "ecr:BatchGetImage", &repo_arn);
                    if decision != Decision::Allow {
                        let (principal, role) = self.principal(id, &role_arn);
                        let reason = m::ecr_pull_denied(
                            &principal,
                            &repo_arn,
                            decision == Decision::ExplicitDeny,
                        );
                        self.denied_later(
                            id,
                            reason,
                            StopCause::IamDenied {
                                role,
                                action: "ecr:BatchGetImage".into(),
                                resource: repo_arn,
                            },
                        );
                        return;
                    }
                    let image = self.world.repositories.get(&repo).and_then(|r| {
                        r.images.iter().find(|i| {
                            if let Some(d) = tag.strip_prefix("sha256:") {
                                i.digest.ends_with(d)
                            } else {
                                i.tags.contains(&tag)
                            }
                        })
                    });
                    let Some(image) = image.cloned() else {
                        let reason = m::image_not_found(&registry, &repo, &tag);
                        self.denied_later(
                            id,
                            reason,
                            StopCause::ImageNotFound {
                                repository: repo,
                                tag,
                            },
                        );
                        return;
                    };
                    if image.is_index && !image.platforms.iter().any(|p| p == platform) {
                        self.denied_later(
                            id,
                            m::platform_mismatch(platform),
                            StopCause::PlatformMismatch {
                                platform: platform.into(),
                            },
                        );
                        return;
                    }
                    match self.network(id, Endpoint::S3, PULL_TIMEOUT) {
                        Ok(false) => return,
                        Err(cause) => {
                            let host = Endpoint::S3.host(&self.world);
                            let ip = self.world.endpoint_ip(&host);
                            let reason = m::s3_layer_timeout(&self.world.region, &ip);
                            self.fail_task(id, reason, cause);
                            return;
                        }
                        Ok(true) => {}
                    }
                    total_bytes += image.size_bytes;
                    let fits = image.unpacked_bytes <= (td.ephemeral_gib() as u64) << 30;
                    if !fits {
                        let hex = image.digest.trim_start_matches("sha256:").to_string();
                        let snap = 10 + self.world.rng.below(90) as u32;
                        let reason = m::no_space(&hex, snap, "usr/lib/model/weights.bin");
                        let at = self.now + (image.size_bytes / PULL_BYTES_PER_MS) as i64;
                        self.pending_fail(id, reason, StopCause::NoSpace, at);
                        return;
                    }
                    digests.push(Some(image.digest.clone()));
                }
            }
        }
        let d = 2 * SECOND + (total_bytes / PULL_BYTES_PER_MS) as i64;
        let done = self.now + d;
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.pull_stopped_at = Some(done);
            for (c, dg) in t.containers.iter_mut().zip(digests) {
                c.image_digest = dg;
            }
        }
        self.goto(id, Step::Activate, done);
    }
}

/// A secret `valueFrom` without its JSON key, version stage and version id: the
/// ARN GetSecretValue is called with (and IAM judges).
fn secret_base_arn(value_from: &str) -> String {
    value_from.split(':').take(7).collect::<Vec<_>>().join(":")
}
