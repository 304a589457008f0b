//! The task lifecycle: the launch sequence (ENI, execution-role fetches,
//! awslogs, image pull), running containers (logs, memory, exits, container
//! health), ELB target health, and the way down to STOPPED.
//!
//! Durations marked [I] are inferred: no capture gives them exactly.

use super::messages as m;
use super::network::{reach, Endpoint, Origin};
use super::{Ev, Sim, Step, StopCause, STOPPED_TASK_RETENTION};
use crate::time::{Millis, SECOND};
use crate::world::{
    concat, ip_to_string, parse_ip, Attachment, Container, Decision, EniOwner, LogEvent, LogStream,
    PlannedExit, Task, TaskStatus,
};

/// [I] ENI creation after the task is accepted.
const PROVISION: (i64, i64) = (3 * SECOND, 8 * SECOND);
/// [I] ENI attach until PENDING.
const ATTACH: (i64, i64) = (8 * SECOND, 18 * SECOND);
/// [I] GetAuthorizationToken: 3 attempts, each ending in a dial timeout.
const ECR_AUTH_TIMEOUT: i64 = 95 * SECOND;
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
/// [I] target registration while ACTIVATING.
const ACTIVATE: (i64, i64) = (3 * SECOND, 6 * SECOND);
/// [C-ish] DEPROVISIONING to STOPPED took about 30 s in a real capture.
const DEPROVISION: (i64, i64) = (25 * SECOND, 35 * SECOND);
/// [I] containers exit after SIGTERM.
const STOPPING: (i64, i64) = (SECOND, 4 * SECOND);

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImageRef {
    /// This account's ECR.
    Ecr { repo: String, tag: String },
    /// A public registry (Docker Hub library image).
    Public { name: String, tag: String },
}

pub(crate) fn parse_image(registry: &str, image: &str) -> ImageRef {
    let split_tag = |s: &str| -> (String, String) {
        match s.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n.to_string(), t.to_string()),
            _ => (s.to_string(), "latest".to_string()),
        }
    };
    if let Some(rest) = image
        .strip_prefix(registry)
        .and_then(|r| r.strip_prefix('/'))
    {
        let (repo, tag) = split_tag(rest);
        ImageRef::Ecr { repo, tag }
    } else {
        let (name, tag) = split_tag(image);
        let name = name
            .trim_start_matches("docker.io/")
            .trim_start_matches("library/")
            .to_string();
        ImageRef::Public { name, tag }
    }
}

impl Sim {
    fn rand(&mut self, (lo, hi): (i64, i64)) -> i64 {
        self.world.rng.range(lo, hi)
    }

    pub(super) fn arm_task(&mut self, id: &str, at: Millis) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        let ev = next_step_event(t);
        self.schedule(at, ev);
    }

    pub(super) fn arm_elb(&mut self, id: &str, at: Millis) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        t.run.elb_token += 1;
        let token = t.run.elb_token;
        let h = t.run.handle.get_or_insert_with(|| id.into()).clone();
        self.schedule(at, Ev::Elb(h, token));
    }

    fn set_status(&mut self, id: &str, status: TaskStatus) {
        if let Some(t) = self.world.tasks.get_mut(id) {
            if status > t.last_status {
                t.last_status = status;
                t.version += 1;
            }
        }
        self.note(|| format!("task {id} {}", status.as_str()));
    }

    /// Creates a task for a service deployment and starts its launch sequence.
    pub(super) fn create_task(
        &mut self,
        cluster: &str,
        service: &str,
        dep: &crate::world::Deployment,
        td: &std::sync::Arc<crate::world::TaskDefinition>,
        subnet_id: &str,
    ) -> Option<String> {
        let (deployment, security_groups, assign_public_ip) = (
            dep.id.as_str(),
            dep.network.security_groups.clone(),
            dep.network.assign_public_ip,
        );
        let id = self.world.rng.task_id();
        let az = self
            .world
            .subnets
            .get(subnet_id)
            .map(|s| s.az.clone())
            .unwrap_or_default();
        let arn = self
            .world
            .arn("ecs", &concat(&["task/", cluster, "/", &id]));
        let containers = td
            .def
            .container_definitions
            .iter()
            .map(|c| {
                let runtime = self.world.rng.uuid();
                Container {
                    name: c.name.clone(),
                    arn: self.world.arn(
                        "ecs",
                        &concat(&["container/", cluster, "/", &id, "/", &runtime]),
                    ),
                    image: c.image.clone(),
                    image_digest: None,
                    runtime_id: None,
                    last_status: "PENDING".into(),
                    exit_code: None,
                    reason: None,
                    health_status: "UNKNOWN".into(),
                    cpu: c.cpu,
                    memory: c.memory,
                    memory_reservation: c.memory_reservation,
                    essential: c.essential,
                }
            })
            .collect();
        let task = Task {
            id: id.clone(),
            arn,
            cluster: cluster.to_string(),
            task_definition_arn: td.arn.clone(),
            service: Some(service.to_string()),
            started_by: deployment.to_string(),
            az,
            subnet_id: subnet_id.to_string(),
            security_groups,
            assign_public_ip,
            last_status: TaskStatus::Provisioning,
            desired_status: TaskStatus::Running,
            cpu: td.cpu().to_string(),
            memory: td.memory().to_string(),
            containers,
            attachment: None,
            connectivity: None,
            connectivity_at: None,
            created_at: self.now,
            pull_started_at: None,
            pull_stopped_at: None,
            started_at: None,
            stopping_at: None,
            execution_stopped_at: None,
            stopped_at: None,
            stop_code: None,
            stopped_reason: None,
            health_status: "UNKNOWN".into(),
            ephemeral_gib: td.ephemeral_gib(),
            version: 1,
            stop_cause: None,
            run: super::TaskRun {
                td: Some(td.clone()),
                ..Default::default()
            },
        };
        self.world.tasks.insert(id.clone(), task);
        if let Some(svc) = self.world.service_mut(cluster, service) {
            svc.sched.live.insert(id.clone());
        }
        self.note(|| format!("task {id} PROVISIONING in {subnet_id} for {service}"));
        let d = self.rand(PROVISION);
        self.arm_task(&id, self.now + d);
        Some(id)
    }

    pub(super) fn task_event(&mut self, id: &str, token: u64) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        if t.run.token != token {
            return;
        }
        match t.run.step {
            Step::Provision => self.step_provision(id),
            Step::Attach => self.step_attach(id),
            Step::Auth => self.step_auth(id),
            Step::Secrets => self.step_secrets(id),
            Step::Logs => self.step_logs(id),
            Step::Pull => self.step_pull(id),
            Step::Activate => self.step_activate(id),
            Step::Running => self.step_running(id),
            Step::Deactivate => self.step_deactivate_done(id),
            Step::Stopping => self.step_stopping_done(id),
            Step::Deprovision => self.step_deprovision_done(id),
            Step::Done => {}
        }
    }

    fn goto(&mut self, id: &str, step: Step, at: Millis) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        t.run.step = step;
        t.run.wait_since = None;
        t.run.wait_for = None;
        let ev = next_step_event(t);
        self.schedule(at, ev);
    }

    fn step_provision(&mut self, id: &str) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        let (subnet, sgs, public) = (
            t.subnet_id.clone(),
            t.security_groups.clone(),
            t.assign_public_ip,
        );
        let attachment = self.world.rng.uuid();
        let desc = concat(&[
            "arn:aws:ecs:",
            &self.world.region,
            ":",
            &self.world.account,
            ":attachment/",
            &attachment,
        ]);
        match self.world.create_eni(
            &subnet,
            EniOwner::Task(id.to_string()),
            desc,
            "interface",
            sgs,
        ) {
            None => {
                let reason = if public {
                    m::no_free_ip_public(&subnet)
                } else {
                    m::no_free_ip(&subnet)
                };
                self.fail_task(id, reason, StopCause::NoFreeIp { subnet });
            }
            Some(eni_id) => {
                let region = self.world.region.clone();
                let (ip, mac) = match self.world.enis.get_mut(&eni_id) {
                    Some(e) => {
                        if public {
                            e.public_ip = Some(format!(
                                "{}.{}.{}.{}",
                                3 + e.private_ip % 50,
                                (e.private_ip >> 8) % 256,
                                e.private_ip % 251,
                                10 + e.private_ip % 240
                            ));
                        }
                        (e.private_ip, e.mac.clone())
                    }
                    None => return,
                };
                let dns_suffix = if region == "us-east-1" {
                    "ec2.internal".to_string()
                } else {
                    concat(&[&region, ".compute.internal"])
                };
                let ip_s = ip_to_string(ip);
                let att_id = self.world.rng.uuid();
                if let Some(t) = self.world.tasks.get_mut(id) {
                    t.attachment = Some(Attachment {
                        id: att_id,
                        status: "PRECREATED".into(),
                        subnet_id: subnet.clone(),
                        eni_id,
                        mac,
                        private_dns: concat(&["ip-", &ip_s.replace('.', "-"), ".", &dns_suffix]),
                        private_ip: ip_s,
                    });
                }
                let d = self.rand(ATTACH);
                self.goto(id, Step::Attach, self.now + d);
            }
        }
    }

    fn step_attach(&mut self, id: &str) {
        let now = self.now;
        if let Some(t) = self.world.tasks.get_mut(id) {
            if let Some(a) = t.attachment.as_mut() {
                a.status = "ATTACHED".into();
            }
            t.connectivity = Some("CONNECTED".into());
            t.connectivity_at = Some(now);
        }
        self.set_status(id, TaskStatus::Pending);
        self.goto(id, Step::Auth, now);
    }

    /// Checks a network path; on failure the step waits out the SDK's timeout
    /// (re-checking then, in case the world was fixed meanwhile).
    /// Returns Ok(true) to proceed, Ok(false) when waiting, Err(cause) when it failed.
    fn network(&mut self, id: &str, ep: Endpoint, timeout: i64) -> Result<bool, StopCause> {
        let Some(t) = self.world.tasks.get(id) else {
            return Ok(false);
        };
        // A wait belongs to one endpoint: a step that checks several (ECR's
        // registry, then S3 for the layers) must not restart another's wait.
        let wait_since = t
            .run
            .wait_since
            .filter(|_| t.run.wait_for.as_ref() == Some(&ep));
        let origin = Origin {
            subnet_id: &t.subnet_id,
            security_groups: &t.security_groups,
            public_ip: t.assign_public_ip,
            private_ip: t
                .attachment
                .as_ref()
                .and_then(|a| parse_ip(&a.private_ip))
                .unwrap_or(0),
        };
        let verdict = reach(&self.world, &origin, &ep);
        // The subnet is named only when the wait has run out.
        let subnet = match (&verdict, wait_since) {
            (Err(_), Some(since)) if self.now >= since + timeout => t.subnet_id.clone(),
            _ => String::new(),
        };
        match verdict {
            Ok(_) => {
                if let Some(t) = self.world.tasks.get_mut(id) {
                    if t.run.wait_for.as_ref() == Some(&ep) {
                        t.run.wait_since = None;
                        t.run.wait_for = None;
                    }
                }
                Ok(true)
            }
            Err(blocked) => match wait_since {
                Some(since) if self.now >= since + timeout => Err(StopCause::Unreachable {
                    endpoint: ep,
                    subnet,
                    blocked,
                }),
                Some(since) => {
                    self.arm_task(id, since + timeout);
                    Ok(false)
                }
                None => {
                    if let Some(t) = self.world.tasks.get_mut(id) {
                        t.run.wait_since = Some(self.now);
                        t.run.wait_for = Some(ep);
                    }
                    self.arm_task(id, self.now + timeout);
                    Ok(false)
                }
            },
        }
    }

    fn td_of(&self, id: &str) -> Option<std::sync::Arc<crate::world::TaskDefinition>> {
        let t = self.world.tasks.get(id)?;
        match &t.run.td {
            Some(td) => Some(td.clone()),
            None => self
                .world
                .task_definition_shared(&t.task_definition_arn)
                .cloned(),
        }
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

    fn step_auth(&mut self, id: &str) {
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

    fn step_secrets(&mut self, id: &str) {
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

    fn step_logs(&mut self, id: &str) {
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

    fn step_pull(&mut self, id: &str) {
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

    /// Containers start; ACTIVATING while targets register, then RUNNING.
    fn step_activate(&mut self, id: &str) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        let first = t.started_at.is_none();
        let svc = self.load_balancers_of(id);
        if first {
            self.start_containers(id);
            if svc.as_ref().is_some_and(|s| !s.lbs.is_empty()) {
                self.set_status(id, TaskStatus::Activating);
                let d = self.rand(ACTIVATE);
                self.arm_task(id, self.now + d);
                return;
            }
        }
        if let Some(svc) = svc.filter(|s| !s.lbs.is_empty()) {
            self.register_targets(id, &svc.cluster, &svc.name, svc.lbs);
        }
        self.set_status(id, TaskStatus::Running);
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.step = Step::Running;
        }
        self.on_task_running(id);
        self.plan_running(id);
    }

    fn service_of(&self, id: &str) -> Option<&crate::world::Service> {
        let t = self.world.tasks.get(id)?;
        self.world.service(&t.cluster, t.service.as_deref()?)
    }

    fn start_containers(&mut self, id: &str) {
        let Some(td) = self.td_of(id) else { return };
        let now = self.now;
        let task_mem = td.memory();
        let arch = td.architecture();
        let registry = self.world.registry();
        let mut exit: Option<PlannedExit> = None;
        let mut health: Option<(usize, bool, Millis)> = None;
        let mut logs = Vec::new();
        let mut memory = Vec::new();
        let mut ready_at = now;
        for (i, c) in td.def.container_definitions.iter().enumerate() {
            let profile_name = match parse_image(&registry, &c.image) {
                ImageRef::Ecr { repo, tag } => self
                    .world
                    .repositories
                    .get(&repo)
                    .and_then(|r| {
                        r.images.iter().find(|im| {
                            im.tags.contains(&tag)
                                || tag
                                    .strip_prefix("sha256:")
                                    .is_some_and(|d| im.digest.ends_with(d))
                        })
                    })
                    .map(|im| (im.profile.clone(), im.platforms.clone(), im.is_index)),
                ImageRef::Public { name, .. } => {
                    Some((name, vec!["linux/amd64".into(), "linux/arm64".into()], true))
                }
            };
            let Some((pname, platforms, is_index)) = profile_name else {
                continue;
            };
            let Some(profile) = self.world.profiles.get(&pname) else {
                continue;
            };
            let stream = c.awslogs().map(|o| {
                (
                    o.get("awslogs-group").cloned().unwrap_or_default(),
                    stream_name(
                        o.get("awslogs-stream-prefix").map(|s| s.as_str()),
                        &c.name,
                        id,
                    ),
                )
            });
            let mut push_log = |at: Millis, line: String| {
                if let Some((g, s)) = &stream {
                    logs.push((at, g.clone(), s.clone(), line));
                }
            };
            let want = if arch == "ARM64" {
                "linux/arm64"
            } else {
                "linux/amd64"
            };
            let mut my_exit: Option<(i32, Option<String>, StopCause, Millis)> = None;
            if !is_index && !platforms.iter().any(|p| p == want) {
                let at = now + 200;
                push_log(at, m::exec_format_error(&profile.entrypoint));
                my_exit = Some((
                    1,
                    None,
                    StopCause::ExecFormat {
                        container: c.name.clone(),
                    },
                    at + 100,
                ));
            } else {
                let env_names: Vec<&str> = c
                    .environment
                    .iter()
                    .map(|e| e.name.as_str())
                    .chain(c.secrets.iter().map(|s| s.name.as_str()))
                    .collect();
                if let Some(missing) = profile
                    .requires_env
                    .iter()
                    .find(|n| !env_names.contains(&n.as_str()))
                {
                    for l in profile.logs.iter().filter(|l| l.after.0 < 800) {
                        push_log(now + l.after.0, l.line.clone());
                    }
                    let at = now + 800;
                    push_log(at, profile.missing_env_log.replace("{name}", missing));
                    my_exit = Some((
                        1,
                        None,
                        StopCause::MissingEnv {
                            container: c.name.clone(),
                            name: missing.clone(),
                        },
                        at + 200,
                    ));
                } else if let Some((call, line)) =
                    self.denied_app_call(profile, td.def.task_role_arn.as_deref(), id)
                {
                    // The application's own AWS calls use the task role; a denial is fatal at start.
                    for l in profile.logs.iter().filter(|l| l.after.0 < call.after.0) {
                        push_log(now + l.after.0, l.line.clone());
                    }
                    let at = now + call.after.0;
                    push_log(at, line);
                    my_exit = Some((
                        1,
                        None,
                        StopCause::AppAccessDenied {
                            container: c.name.clone(),
                            action: call.action.clone(),
                        },
                        at + 300,
                    ));
                } else {
                    let limit = c.memory.unwrap_or(task_mem);
                    // Traffic differs from task to task: memory grows a little faster or slower [I].
                    let mut curve = profile.memory.clone();
                    curve.growth_per_minute *= 0.85 + self.world.rng.below(31) as f64 / 100.0;
                    let oom_at = curve.exceeds_at(limit).map(|u| now + u.max(500));
                    memory.push((i, curve.clone(), limit));
                    for l in &profile.logs {
                        if oom_at.is_none_or(|o| now + l.after.0 < o) {
                            push_log(now + l.after.0, l.line.clone());
                        }
                    }
                    if let Some(at) = oom_at {
                        my_exit = Some((
                            137,
                            Some(m::OOM_REASON.to_string()),
                            StopCause::OutOfMemory {
                                container: c.name.clone(),
                                limit_mib: limit,
                            },
                            at,
                        ));
                    }
                    ready_at = ready_at.max(now + profile.startup.0);
                    if let Some(hc) = &c.health_check {
                        let cmd = hc.command.join(" ");
                        let port_ok = profile.port.is_none_or(|p| {
                            !cmd.contains("localhost:") || cmd.contains(&format!("localhost:{p}"))
                        });
                        let ok =
                            port_ok && (cmd.contains(&profile.health_path) || !cmd.contains('/'));
                        let interval = hc.interval.max(5) as i64 * SECOND;
                        let at = if ok {
                            let first = now + interval;
                            let mut at = first;
                            while at < now + profile.startup.0 {
                                at += interval;
                            }
                            at
                        } else {
                            now + hc.start_period as i64 * SECOND
                                + hc.retries.max(1) as i64 * interval
                        };
                        if health.is_none_or(|(_, _, h)| at < h) {
                            health = Some((i, ok, at));
                        }
                    }
                }
            }
            if let Some((code, reason, cause, at)) = my_exit {
                if c.essential && exit.as_ref().is_none_or(|e| at < e.at) {
                    exit = Some(PlannedExit {
                        container: i,
                        code,
                        reason,
                        cause,
                        at,
                    });
                }
            }
        }
        logs.sort_by_key(|l| l.0);
        let t = match self.world.tasks.get_mut(id) {
            Some(t) => t,
            None => return,
        };
        t.started_at = Some(now);
        let runtime = (1_000_000_000u64 + (now as u64 % 9_000_000_000)).to_string();
        for c in t.containers.iter_mut() {
            c.last_status = "RUNNING".into();
            c.runtime_id = Some(concat(&[id, "-", &runtime]));
        }
        t.run.ready_at = Some(ready_at);
        t.run.exit = exit.map(Box::new);
        t.run.health = health;
        t.run.container_checks = td
            .def
            .container_definitions
            .iter()
            .any(|c| c.health_check.is_some());
        t.run.pending_logs = logs;
        t.run.memory = memory;
        t.version += 1;
        self.note(|| format!("task {id} containers started"));
    }

    /// The first AWS call of the application that its task role may not make,
    /// with the line the SDK logs for it.
    fn denied_app_call(
        &self,
        profile: &crate::world::AppProfile,
        task_role: Option<&str>,
        task_id: &str,
    ) -> Option<(crate::world::AppAwsCall, String)> {
        for call in &profile.aws_calls {
            let resource = call
                .resource
                .replace("${account}", &self.world.account)
                .replace("${region}", &self.world.region);
            let line = match task_role {
                // [I] the AWS SDK's error when a container has no credentials at all.
                None => call.log.replace(
                    "{error}",
                    "failed to refresh cached credentials, no EC2 IMDS role found",
                ),
                Some(arn) => {
                    let d = self.world.role_allows(arn, &call.action, &resource);
                    if d == Decision::Allow {
                        continue;
                    }
                    let role = arn.rsplit('/').next().unwrap_or(arn);
                    let why = if d == Decision::ExplicitDeny {
                        "with an explicit deny in an identity-based policy".to_string()
                    } else {
                        format!(
                            "because no identity-based policy allows the {} action",
                            call.action
                        )
                    };
                    // [I] the application logs the SDK's AccessDenied error as it receives it.
                    let error = format!(
                        "User: {} is not authorized to perform: {} on resource: {resource} {why}",
                        m::assumed_role(&self.world.account, role, task_id),
                        call.action
                    );
                    call.log.replace("{error}", &error)
                }
            };
            return Some((call.clone(), line));
        }
        None
    }

    /// Schedules the next thing a running task will do by itself.
    fn plan_running(&mut self, id: &str) {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        let next = [
            t.run.pending_logs.first().map(|l| l.0),
            t.run.exit.as_ref().map(|e| e.at),
            t.run.health.as_ref().map(|h| h.2),
        ]
        .into_iter()
        .flatten()
        .min();
        if let Some(at) = next {
            let ev = next_step_event(t);
            self.schedule(at, ev);
        }
    }

    fn step_running(&mut self, id: &str) {
        let now = self.now;
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        let due: Vec<_> = {
            let n = t.run.pending_logs.iter().take_while(|l| l.0 <= now).count();
            t.run.pending_logs.drain(..n).collect()
        };
        for (at, group, stream, line) in due {
            if let Some(s) = self
                .world
                .log_groups
                .get_mut(&group)
                .and_then(|g| g.streams.get_mut(&stream))
            {
                s.events.push(LogEvent {
                    timestamp: at,
                    message: line,
                    ingestion_time: at + 200,
                });
            }
        }
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        if let Some((i, ok, at)) = t.run.health {
            if at <= now {
                t.run.health = None;
                let status = if ok { "HEALTHY" } else { "UNHEALTHY" };
                if let Some(c) = t.containers.get_mut(i) {
                    c.health_status = status.into();
                }
                t.health_status = status.into();
                t.version += 1;
                if !ok {
                    let name = t
                        .containers
                        .get(i)
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    let svc = t.service.clone().unwrap_or_default();
                    self.service_event(
                        &t_cluster(&self.world, id),
                        &svc,
                        m::container_health_failed(&svc, id),
                    );
                    self.stop_task(
                        id,
                        "ServiceSchedulerInitiated",
                        m::CONTAINER_HEALTH_FAILED.to_string(),
                        StopCause::ContainerHealth { container: name },
                    );
                    return;
                }
            }
        }
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        if let Some(exit) = t.run.exit.take_if(|e| e.at <= now) {
            let PlannedExit {
                container,
                code,
                reason,
                cause,
                ..
            } = *exit;
            if let Some(c) = t.containers.get_mut(container) {
                c.exit_code = Some(code);
                c.reason = reason;
                c.last_status = "STOPPED".into();
            }
            self.note(|| format!("task {id} essential container exited {code}"));
            self.stop_task(
                id,
                "EssentialContainerExited",
                m::ESSENTIAL_CONTAINER_EXITED.to_string(),
                cause,
            );
            return;
        }
        self.plan_running(id);
    }

    /// The task's service and its load balancers. Only these: a service (its
    /// live set, its events) is too big to copy on every task step.
    fn load_balancers_of(&self, id: &str) -> Option<ServiceLbs> {
        self.service_of(id).map(|s| ServiceLbs {
            cluster: s.cluster.clone(),
            name: s.name.clone(),
            lbs: s
                .load_balancers
                .iter()
                .map(|lb| (lb.target_group_arn.clone(), lb.container_port))
                .collect(),
        })
    }

    fn register_targets(&mut self, id: &str, cluster: &str, name: &str, lbs: Vec<(String, u16)>) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        let ip = t
            .attachment
            .as_ref()
            .map(|a| a.private_ip.clone())
            .unwrap_or_default();
        let az = t.az.clone();
        let mut regs = Vec::new();
        for (tg_arn, port) in lbs {
            if let Some(tg) = self.world.target_groups.get_mut(&tg_arn) {
                tg.targets.retain(|x| x.task_id != id);
                tg.targets.push(crate::world::Target {
                    ip: ip.clone(),
                    port,
                    az: az.clone(),
                    task_id: id.to_string(),
                    state: "initial".into(),
                    reason: Some("Elb.RegistrationInProgress".into()),
                    description: Some(m::TARGET_REGISTERING.into()),
                    ok_streak: 0,
                    fail_streak: 0,
                });
                let msg = m::registered_targets(name, 1, &tg_arn);
                regs.push((tg_arn, port));
                self.service_event(cluster, name, msg);
            }
        }
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.targets = regs.clone();
        }
        if let Some((tg, _)) = regs.first() {
            let interval = self
                .world
                .target_groups
                .get(tg)
                .map(|g| g.health_check.interval)
                .unwrap_or(30);
            self.arm_elb(id, self.now + interval as i64 * SECOND);
        }
    }

    /// One round of ELB health checks against a task's targets.
    pub(super) fn elb_event(&mut self, id: &str, token: u64) {
        let Some(t) = self.world.tasks.get(id) else {
            return;
        };
        if t.run.elb_token != token || t.run.step != Step::Running {
            return;
        }
        let targets = t.run.targets.clone();
        let mut next: Option<i64> = None;
        let mut failed: Option<(String, u16, String)> = None;
        for (tg_arn, port) in targets {
            let verdict = self.probe(id, &tg_arn, port);
            let Some(tg) = self.world.target_groups.get_mut(&tg_arn) else {
                continue;
            };
            let hc = tg.health_check.clone();
            let Some(target) = tg.targets.iter_mut().find(|x| x.task_id == id) else {
                continue;
            };
            match verdict {
                Ok(()) => {
                    target.ok_streak += 1;
                    target.fail_streak = 0;
                    if target.ok_streak >= hc.healthy_threshold {
                        target.state = "healthy".into();
                        target.reason = None;
                        target.description = None;
                    } else {
                        target.reason = Some("Elb.InitialHealthChecking".into());
                        target.description = Some(m::TARGET_INITIAL_CHECKS.into());
                    }
                }
                Err((code, desc)) => {
                    target.fail_streak += 1;
                    target.ok_streak = 0;
                    if target.fail_streak >= hc.unhealthy_threshold {
                        target.state = "unhealthy".into();
                        target.reason = Some(code);
                        target.description = Some(desc.clone());
                        failed = Some((tg_arn.clone(), port, desc));
                    } else if target.state == "initial" {
                        target.reason = Some("Elb.InitialHealthChecking".into());
                        target.description = Some(m::TARGET_INITIAL_CHECKS.into());
                    }
                }
            }
            if target.state != "healthy" || target.fail_streak > 0 {
                let at = self.now + hc.interval as i64 * SECOND;
                next = Some(next.map_or(at, |n: i64| n.min(at)));
            }
        }
        // (cluster, name, grace period): not the whole service.
        let svc = self.service_of(id).map(|s| {
            (
                s.cluster.clone(),
                s.name.clone(),
                s.health_check_grace_period,
            )
        });
        if let (Some((tg_arn, port, desc)), Some((cluster, name, grace))) = (failed, svc.as_ref()) {
            let started = self
                .world
                .tasks
                .get(id)
                .and_then(|t| t.started_at)
                .unwrap_or(self.now);
            if self.now >= started + *grace as i64 * SECOND {
                let msg = m::target_unhealthy(name, id, port, &tg_arn, &desc);
                self.service_event(cluster, name, msg);
                self.stop_task(
                    id,
                    "ServiceSchedulerInitiated",
                    m::elb_health_failed(&tg_arn),
                    StopCause::ElbHealth {
                        target_group: tg_arn,
                        reason: desc,
                    },
                );
                return;
            }
        }
        if let Some((cluster, name, _)) = svc {
            self.poke_service(&cluster, &name, self.now);
        }
        if let Some(at) = next {
            self.arm_elb(id, at);
        }
    }

    /// What a load balancer health check against the task gets now.
    fn probe(&self, id: &str, tg_arn: &str, port: u16) -> Result<(), (String, String)> {
        let failed = || {
            (
                "Target.FailedHealthChecks".to_string(),
                m::HEALTH_CHECKS_FAILED.to_string(),
            )
        };
        let timeout = || {
            (
                "Target.Timeout".to_string(),
                m::REQUEST_TIMED_OUT.to_string(),
            )
        };
        let t = self.world.tasks.get(id).ok_or_else(failed)?;
        let tg = self.world.target_groups.get(tg_arn).ok_or_else(failed)?;
        let task_ip = t
            .attachment
            .as_ref()
            .and_then(|a| parse_ip(&a.private_ip))
            .unwrap_or(0);
        let check_port: u16 = if tg.health_check.port == "traffic-port" {
            port
        } else {
            tg.health_check.port.parse().unwrap_or(port)
        };
        // The load balancer must be able to reach the task: its own egress, the task's ingress.
        let reachable = tg
            .load_balancer_arns
            .iter()
            .filter_map(|a| self.world.load_balancers.get(a))
            .any(|lb| {
                let lb_ips: Vec<u32> = self
                    .world
                    .enis
                    .values()
                    .filter(|e| e.owner == EniOwner::LoadBalancer(lb.arn.clone()))
                    .map(|e| e.private_ip)
                    .collect();
                let lb_ip = lb_ips.first().copied().unwrap_or(0);
                let out = lb
                    .security_groups
                    .iter()
                    .filter_map(|g| self.world.security_groups.get(g))
                    .any(|sg| {
                        sg.egress.iter().any(|r| {
                            r.covers_tcp(check_port)
                                && (r.cidrs.iter().any(|c| c.contains(task_ip))
                                    || r.groups.iter().any(|g| t.security_groups.contains(g)))
                        })
                    });
                out && super::network::ingress_allows(
                    &self.world,
                    &t.security_groups,
                    check_port,
                    lb_ip,
                    &lb.security_groups,
                )
            });
        if !reachable {
            return Err(timeout());
        }
        let td = self
            .world
            .task_definition(&t.task_definition_arn)
            .ok_or_else(failed)?;
        let registry = self.world.registry();
        // The container listening on `port`.
        let c = td
            .def
            .container_definitions
            .iter()
            .find(|c| c.port_mappings.iter().any(|p| p.container_port == port))
            .ok_or_else(failed)?;
        let profile = match parse_image(&registry, &c.image) {
            ImageRef::Ecr { repo, tag } => self
                .world
                .repositories
                .get(&repo)
                .and_then(|r| r.images.iter().find(|i| i.tags.contains(&tag)))
                .and_then(|i| self.world.profiles.get(&i.profile)),
            ImageRef::Public { name, .. } => self.world.profiles.get(&name),
        }
        .ok_or_else(failed)?;
        if profile.port != Some(check_port) {
            return Err(failed());
        }
        if t.run.ready_at.is_none_or(|r| self.now < r) {
            return Err(failed());
        }
        let cpu = if c.cpu > 0 { c.cpu } else { td.cpu() };
        if profile.cpu_units > cpu {
            return Err(timeout());
        }
        if tg.health_check.path != profile.health_path {
            let code = 404;
            let ok = matcher_allows(&tg.health_check.matcher, code);
            if !ok {
                return Err((
                    "Target.ResponseCodeMismatch".into(),
                    m::health_check_codes(code),
                ));
            }
        } else if !matcher_allows(&tg.health_check.matcher, 200) {
            return Err((
                "Target.ResponseCodeMismatch".into(),
                m::health_check_codes(200),
            ));
        }
        Ok(())
    }

    fn pending_fail(&mut self, id: &str, reason: String, cause: StopCause, at: Millis) {
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.pending_failure = Some(Box::new((reason, cause)));
        }
        self.arm_task(id, at);
    }

    /// Fires a failure decided earlier (IAM denials answer after a short delay).
    fn fire_pending_fail(&mut self, id: &str) -> bool {
        let Some(t) = self.world.tasks.get_mut(id) else {
            return true;
        };
        if let Some((reason, cause)) = t.run.pending_failure.take().map(|f| *f) {
            self.fail_task(id, reason, cause);
            return true;
        }
        false
    }

    /// Stops a task that failed to start.
    fn fail_task(&mut self, id: &str, reason: String, cause: StopCause) {
        self.stop_task(id, "TaskFailedToStart", reason, cause);
    }

    /// Begins stopping a task: desired STOPPED now, then down the lifecycle.
    pub(super) fn stop_task(&mut self, id: &str, code: &str, reason: String, cause: StopCause) {
        let now = self.now;
        let Some(t) = self.world.tasks.get_mut(id) else {
            return;
        };
        if t.desired_status == TaskStatus::Stopped {
            return;
        }
        t.desired_status = TaskStatus::Stopped;
        let owner = t.service.clone().map(|s| (t.cluster.clone(), s));
        t.stopping_at = Some(now);
        t.stop_code = Some(code.to_string());
        t.stopped_reason = Some(reason);
        t.stop_cause = Some(cause);
        t.run.exit = None;
        t.run.health = None;
        t.run.pending_logs.clear();
        t.version += 1;
        let started = t.started_at.is_some();
        let has_eni = t.attachment.is_some();
        let has_targets = !t.run.targets.is_empty();
        if let Some(svc) = owner.and_then(|(c, s)| self.world.service_mut(&c, &s)) {
            svc.sched.live.remove(id);
        }
        self.note(|| format!("task {id} stopping ({code})"));
        self.on_task_stopping(id);
        if has_targets {
            self.set_status(id, TaskStatus::Deactivating);
            let delay = self.drain_targets(id);
            self.goto(id, Step::Deactivate, now + delay);
        } else if started {
            self.set_status(id, TaskStatus::Stopping);
            let d = self.rand(STOPPING);
            self.goto(id, Step::Stopping, now + d);
        } else if has_eni {
            for c in self
                .world
                .tasks
                .get_mut(id)
                .into_iter()
                .flat_map(|t| t.containers.iter_mut())
            {
                c.last_status = "STOPPED".into();
            }
            if let Some(t) = self.world.tasks.get_mut(id) {
                t.execution_stopped_at = Some(now);
            }
            self.set_status(id, TaskStatus::Deprovisioning);
            let d = self.rand(DEPROVISION);
            self.goto(id, Step::Deprovision, now + d);
        } else {
            for c in self
                .world
                .tasks
                .get_mut(id)
                .into_iter()
                .flat_map(|t| t.containers.iter_mut())
            {
                c.last_status = "STOPPED".into();
            }
            if let Some(t) = self.world.tasks.get_mut(id) {
                t.execution_stopped_at = Some(now);
            }
            self.finish_stop(id);
        }
    }

    fn drain_targets(&mut self, id: &str) -> i64 {
        let targets = self
            .world
            .tasks
            .get(id)
            .map(|t| t.run.targets.clone())
            .unwrap_or_default();
        let svc = self
            .service_of(id)
            .map(|s| (s.cluster.clone(), s.name.clone()));
        let mut delay = 0;
        for (tg_arn, _) in &targets {
            if let Some(tg) = self.world.target_groups.get_mut(tg_arn) {
                delay = delay.max(tg.deregistration_delay as i64 * SECOND);
                for x in tg.targets.iter_mut().filter(|x| x.task_id == id) {
                    x.state = "draining".into();
                    x.reason = Some("Target.DeregistrationInProgress".into());
                    x.description = Some(m::TARGET_DEREGISTERING.into());
                }
            }
            if let Some((c, s)) = &svc {
                let msg = m::deregistered_targets(s, 1, tg_arn);
                self.service_event(c, s, msg);
            }
        }
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.elb_token += 1;
        }
        delay
    }

    fn step_deactivate_done(&mut self, id: &str) {
        let targets = self
            .world
            .tasks
            .get(id)
            .map(|t| t.run.targets.clone())
            .unwrap_or_default();
        for (tg_arn, _) in targets {
            if let Some(tg) = self.world.target_groups.get_mut(&tg_arn) {
                tg.targets.retain(|x| x.task_id != id);
            }
        }
        if let Some(t) = self.world.tasks.get_mut(id) {
            t.run.targets.clear();
        }
        self.set_status(id, TaskStatus::Stopping);
        let d = self.rand(STOPPING);
        self.goto(id, Step::Stopping, self.now + d);
    }

    fn step_stopping_done(&mut self, id: &str) {
        let now = self.now;
        if let Some(t) = self.world.tasks.get_mut(id) {
            for c in t.containers.iter_mut() {
                if c.last_status != "STOPPED" {
                    c.last_status = "STOPPED".into();
                    c.exit_code = Some(0);
                }
            }
            t.execution_stopped_at = Some(now);
        }
        self.set_status(id, TaskStatus::Deprovisioning);
        let d = self.rand(DEPROVISION);
        self.goto(id, Step::Deprovision, now + d);
    }

    fn step_deprovision_done(&mut self, id: &str) {
        self.finish_stop(id);
    }

    fn finish_stop(&mut self, id: &str) {
        let now = self.now;
        let eni = self
            .world
            .tasks
            .get(id)
            .and_then(|t| t.attachment.as_ref().map(|a| a.eni_id.clone()));
        if let Some(eni) = eni {
            self.world.remove_eni(&eni);
        }
        if let Some(t) = self.world.tasks.get_mut(id) {
            if let Some(a) = t.attachment.as_mut() {
                a.status = "DELETED".into();
            }
            t.stopped_at = Some(now);
            t.connectivity = t.connectivity.as_ref().map(|_| "DISCONNECTED".into());
            t.run.step = Step::Done;
            t.run.token += 1;
        }
        self.set_status(id, TaskStatus::Stopped);
        let handle = self
            .world
            .tasks
            .get(id)
            .and_then(|t| t.run.handle.clone())
            .unwrap_or_else(|| id.into());
        self.schedule(now + STOPPED_TASK_RETENTION, Ev::Prune(handle));
        let svc = self
            .service_of(id)
            .map(|s| (s.cluster.clone(), s.name.clone()));
        if let Some((c, s)) = svc {
            // Freed addresses may let a waiting launch go ahead.
            self.poke_service(&c, &s, now);
        }
    }
}

/// A task's service (cluster, name) and its load balancers (target group, container port).
struct ServiceLbs {
    cluster: String,
    name: String,
    lbs: Vec<(String, u16)>,
}

/// The task's next step event: a new token (older events become stale), with
/// the task's shared id.
fn next_step_event(t: &mut Task) -> Ev {
    t.run.token += 1;
    let h = match &t.run.handle {
        Some(h) => h.clone(),
        None => t.run.handle.insert(t.id.as_str().into()).clone(),
    };
    Ev::Task(h, t.run.token)
}

fn t_cluster(world: &crate::world::World, id: &str) -> String {
    world
        .tasks
        .get(id)
        .map(|t| t.cluster.clone())
        .unwrap_or_default()
}

/// `<prefix>/<container-name>/<task-id>` [V] §5.
pub fn stream_name(prefix: Option<&str>, container: &str, task_id: &str) -> String {
    match prefix {
        Some(p) if !p.is_empty() => concat(&[p, "/", container, "/", task_id]),
        _ => concat(&[container, "/", task_id]),
    }
}

/// Whether an ELB matcher (`200`, `200-299`, `200,302`) accepts `code`.
pub fn matcher_allows(matcher: &str, code: u16) -> bool {
    matcher.split(',').any(|part| {
        let part = part.trim();
        match part.split_once('-') {
            Some((a, b)) => match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
                (Ok(a), Ok(b)) => a <= code && code <= b,
                _ => false,
            },
            None => part.parse::<u16>() == Ok(code),
        }
    })
}
