//! The start of the launch sequence: the task is created, its ENI is
//! provisioned and attached.

use crate::engine::messages as m;
use crate::engine::{Sim, Step, StopCause};
use crate::time::SECOND;
use crate::world::{concat, ip_to_string, Attachment, Container, EniOwner, Task, TaskStatus};

/// [I] ENI creation after the task is accepted.
const PROVISION: (i64, i64) = (3 * SECOND, 8 * SECOND);
/// [I] ENI attach until PENDING.
const ATTACH: (i64, i64) = (8 * SECOND, 18 * SECOND);

impl Sim {
    /// Creates a task for a service deployment and starts its launch sequence.
    pub(in crate::engine) fn create_task(
        &mut self,
        cluster: &str,
        service: &str,
        dep: &crate::world::Deployment,
        td: &std::sync::Arc<crate::world::TaskDefinition>,
        subnet_id: &str,
    ) -> Option<String> {
        // The service keeps its network configuration as given; the ENI gets
        // the VPC's default security group when it names none [V].
        let (deployment, security_groups, assign_public_ip) = (
            dep.id.as_str(),
            self.world
                .effective_security_groups(subnet_id, &dep.network.security_groups),
            dep.network.assign_public_ip,
        );
        let exec = self
            .world
            .service(cluster, service)
            .is_some_and(|s| s.enable_execute_command);
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
            enable_execute_command: exec,
            version: 1,
            stop_cause: None,
            run: crate::engine::TaskRun {
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

    pub(super) fn step_provision(&mut self, id: &str) {
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
                // The interface's description names the task's attachment
                // (`arn:aws:ecs:...:attachment/<id>`), as describe-tasks shows
                // it. (A second id is still drawn, so every later id of the
                // world stays what it was.)
                let _ = self.world.rng.uuid();
                if let Some(t) = self.world.tasks.get_mut(id) {
                    t.attachment = Some(Attachment {
                        id: attachment,
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

    pub(super) fn step_attach(&mut self, id: &str) {
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
}
