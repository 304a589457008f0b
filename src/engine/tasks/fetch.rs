//! What the agent fetches before containers can start, under the execution
//! role: the ECR auth token, secrets, the awslogs checks and the image pull.

use super::{parse_image, stream_name, ImageRef};
use crate::engine::messages as m;
use crate::engine::network::Endpoint;
use crate::engine::{Sim, Step, StopCause};
use crate::time::SECOND;
use crate::world::{concat, Decision, LogStream};

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
/// [I] manifest or layer pull retried 5 times.
const PULL_TIMEOUT: i64 = 150 * SECOND;
/// [I] an API call denied by IAM comes back quickly.
const DENIED: (i64, i64) = (SECOND, 3 * SECOND);
/// [I] pull throughput, bytes per ms (about 40 MB/s).
const PULL_BYTES_PER_MS: u64 = 40_000;

impl Sim {
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
            let ep = if is_asm {
                Endpoint::SecretsManager
            } else {
                Endpoint::Ssm
            };
            match self.network(id, ep, SECRETS_TIMEOUT) {
                Ok(false) => return,
                Err(cause) => {
                    let reason = if is_asm {
                        m::asm_timeout(&value_from)
                    } else {
                        m::SSM_TIMEOUT.to_string()
                    };
                    self.fail_task(id, reason, cause);
                    return;
                }
                Ok(true) => {}
            }
            let (principal, role) = self.principal(id, &role_arn);
            let rid = self.world.rng.uuid();
            if is_asm {
                // A secret ARN may carry a JSON key suffix (`arn:...:secret:name-AbCdEf:key::`).
                let base: String = value_from.split(':').take(7).collect::<Vec<_>>().join(":");
                let decision =
                    self.world
                        .role_allows(&role_arn, "secretsmanager:GetSecretValue", &base);
                if decision != Decision::Allow {
                    let reason =
                        m::asm_denied(&principal, &base, &rid, decision == Decision::ExplicitDeny);
                    self.denied_later(
                        id,
                        reason,
                        StopCause::IamDenied {
                            role,
                            action: "secretsmanager:GetSecretValue".into(),
                            resource: base,
                        },
                    );
                    return;
                }
                if !self.world.secrets.values().any(|s| s.arn == base) {
                    let name = base.rsplit(':').next().unwrap_or(&base).to_string();
                    self.denied_later(
                        id,
                        m::asm_not_found(&base, &rid),
                        StopCause::SecretMissing { name },
                    );
                    return;
                }
            } else {
                let name = if value_from.starts_with("arn:") {
                    value_from
                        .split_once(":parameter")
                        .map(|(_, n)| n.to_string())
                        .unwrap_or_default()
                } else {
                    value_from.clone()
                };
                let arn = self.world.arn(
                    "ssm",
                    &format!(
                        "parameter{}{}",
                        if name.starts_with('/') { "" } else { "/" },
                        name
                    ),
                );
                let decision = self.world.role_allows(&role_arn, "ssm:GetParameters", &arn);
                if decision != Decision::Allow {
                    let reason =
                        m::ssm_denied(&principal, &arn, &rid, decision == Decision::ExplicitDeny);
                    self.denied_later(
                        id,
                        reason,
                        StopCause::IamDenied {
                            role,
                            action: "ssm:GetParameters".into(),
                            resource: arn,
                        },
                    );
                    return;
                }
                if !self.world.parameters.contains_key(&name) {
                    self.denied_later(id, m::ssm_missing(&name), StopCause::SecretMissing { name });
                    return;
                }
            }
        }
        self.goto(id, Step::Logs, self.now);
    }

    pub(super) fn step_logs(&mut self, id: &str) {
        if self.fire_pending_fail(id) {
            return;
        }
        let Some(td) = self.td_of(id) else { return };
        let role_arn = td.def.execution_role_arn.clone().unwrap_or_default();
        for c in &td.def.container_definitions {
            let Some(opts) = c.awslogs() else { continue };
            if !opts.contains_key("awslogs-region") {
                self.fail_task(
                    id,
                    m::LOG_REGION_MISSING.to_string(),
                    StopCause::LogRegionMissing,
                );
                return;
            }
            match self.network(id, Endpoint::Logs, LOGS_TIMEOUT) {
                Ok(false) => return,
                Err(cause) => {
                    self.fail_task(id, m::LOGS_TIMEOUT.to_string(), cause);
                    return;
                }
                Ok(true) => {}
            }
            let group = opts.get("awslogs-group").cloned().unwrap_or_default();
            let region = opts.get("awslogs-region").cloned().unwrap_or_default();
            let (principal, role) = self.principal(id, &role_arn);
            let rid = self.world.rng.uuid();
            // A group in another region is, to this account's region, missing [I].
            let exists = region == self.world.region && self.world.log_groups.contains_key(&group);
            if !exists {
                let create = opts
                    .get("awslogs-create-group")
                    .map(|v| v == "true")
                    .unwrap_or(false);
                if !create {
                    self.denied_later(
                        id,
                        m::LOG_GROUP_MISSING.to_string(),
                        StopCause::LogGroupMissing { group },
                    );
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
