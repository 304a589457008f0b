//! The fixed vocabulary of causes: what a player may diagnose, and how the
//! symptom of each shows in the world (a task's structured stop cause).

use crate::engine::{Blocked, Endpoint, StopCause};

/// One cause of the vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct Cause {
    /// Id, e.g. `network.no-nat-route`.
    pub id: &'static str,
    /// One line: what it means.
    pub summary: &'static str,
}

/// The vocabulary, in the order `faultline causes` lists it.
pub const CAUSES: &[Cause] = &[
    Cause { id: "network.no-nat-route", summary: "A private subnet has no working route to the internet (NAT route missing or NAT broken), so the task cannot reach AWS APIs" },
    Cause { id: "network.subnet-exhausted", summary: "A subnet has no free IP addresses left for the task's network interface" },
    Cause { id: "network.egress-blocked", summary: "Security group rules block the task's outbound HTTPS (443) to AWS endpoints" },
    Cause { id: "network.nacl-blocked", summary: "A network ACL on the task's subnet drops its outbound HTTPS or the replies to it (ACLs are stateless: the ephemeral ports must be allowed back in)" },
    Cause { id: "network.no-public-ip", summary: "A task in a public subnet has no public IP, so its internet gateway route cannot be used" },
    Cause { id: "network.missing-vpc-endpoint", summary: "An isolated subnet lacks a VPC endpoint the task needs (ecr.api, ecr.dkr, s3, logs, secretsmanager, ssm)" },
    Cause { id: "iam.execution-role-permissions", summary: "The task execution role lacks a permission the agent needs (ECR auth or pull, log stream or group creation)" },
    Cause { id: "iam.execution-role-trust", summary: "The task execution role's trust policy does not let ecs-tasks.amazonaws.com assume it" },
    Cause { id: "iam.task-role-permissions", summary: "The task role (the application's own identity) lacks permissions the application calls need" },
    Cause { id: "logs.log-group-missing", summary: "The awslogs log group named in the task definition does not exist" },
    Cause { id: "logs.driver-misconfigured", summary: "The awslogs options are incomplete or wrong (awslogs-group, awslogs-region or awslogs-stream-prefix missing or misspelt, awslogs-region naming another region or none)" },
    Cause { id: "runtime.oom", summary: "A container uses more memory than its limit and is killed (exit 137)" },
    Cause { id: "runtime.crash-missing-config", summary: "The application exits at start because required configuration (environment or secret) is missing" },
    Cause { id: "runtime.container-health-check", summary: "The container health check never passes, so ECS replaces the task" },
    Cause { id: "image.not-found", summary: "The image repository or tag in the task definition does not exist" },
    Cause { id: "image.arch-mismatch", summary: "The image is built for another CPU architecture or lacks the task's platform" },
    Cause { id: "image.too-large", summary: "The image does not fit the task's ephemeral storage" },
    Cause { id: "secrets.unreadable", summary: "A secret or parameter the task references (or the JSON key or version it names) is missing, or the execution role may not read or decrypt it" },
    Cause { id: "elb.health-check-failing", summary: "The load balancer's health checks fail (wrong path or port, blocked by security groups, too slow)" },
    Cause { id: "capacity.vcpu-quota", summary: "The account's Fargate On-Demand vCPU quota (L-3032A538) is used up, so the service cannot place the tasks it wants" },
    Cause { id: "taskdef.invalid-size", summary: "The task definition's CPU/memory pair is not a valid Fargate size" },
];

/// Looks a cause up by id.
pub fn find(id: &str) -> Option<&'static Cause> {
    CAUSES.iter().find(|c| c.id == id)
}

/// Whether a task's stop cause is a symptom of cause `id`.
pub fn shows(id: &str, stop: &StopCause) -> bool {
    use StopCause as S;
    match id {
        "network.no-nat-route" => matches!(
            stop,
            S::Unreachable {
                blocked: Blocked::NoRoute { .. } | Blocked::NatBroken { .. },
                ..
            }
        ),
        "network.subnet-exhausted" => matches!(stop, S::NoFreeIp { .. }),
        "network.egress-blocked" => matches!(
            stop,
            S::Unreachable {
                blocked: Blocked::EgressDenied | Blocked::EndpointIngressDenied { .. },
                ..
            }
        ),
        "network.nacl-blocked" => matches!(
            stop,
            S::Unreachable {
                blocked: Blocked::NaclDenied { .. },
                ..
            }
        ),
        "network.no-public-ip" => matches!(
            stop,
            S::Unreachable {
                blocked: Blocked::NoPublicIp { .. },
                ..
            }
        ),
        "network.missing-vpc-endpoint" => {
            matches!(stop, S::Unreachable { blocked: Blocked::NoRoute { .. }, endpoint, .. } if *endpoint != Endpoint::Internet)
        }
        "iam.execution-role-permissions" => {
            matches!(stop, S::IamDenied { action, .. } if action.starts_with("ecr:") || action.starts_with("logs:"))
        }
        "logs.log-group-missing" => matches!(stop, S::LogGroupMissing { .. }),
        "logs.driver-misconfigured" => matches!(
            stop,
            S::LogRegionMissing
                | S::LogGroupOptionMissing
                | S::LogRegionWrong { .. }
                | S::LogRegionInvalid { .. }
        ),
        "runtime.oom" => matches!(stop, S::OutOfMemory { .. }),
        "runtime.crash-missing-config" => matches!(stop, S::MissingEnv { .. }),
        "iam.task-role-permissions" => matches!(stop, S::AppAccessDenied { .. }),
        "iam.execution-role-trust" => matches!(stop, S::RoleNotAssumable { .. }),
        "runtime.container-health-check" => matches!(stop, S::ContainerHealth { .. }),
        "image.not-found" => matches!(stop, S::ImageNotFound { .. }),
        "image.arch-mismatch" => matches!(stop, S::ExecFormat { .. } | S::PlatformMismatch { .. }),
        "image.too-large" => matches!(stop, S::NoSpace),
        "secrets.unreadable" => {
            matches!(
                stop,
                S::SecretMissing { .. }
                    | S::SecretVersionMissing { .. }
                    | S::SecretKeyMissing { .. }
                    | S::SecretNotJson { .. }
            ) || matches!(stop, S::IamDenied { action, .. } if action.starts_with("secretsmanager:") || action.starts_with("ssm:") || action.starts_with("kms:"))
        }
        "elb.health-check-failing" => matches!(stop, S::ElbHealth { .. }),
        "capacity.vcpu-quota" => matches!(stop, S::VcpuLimit { .. }),
        _ => false,
    }
}

/// Whether an AWS refusal recorded in the timeline (a failed deploy) is a symptom of cause `id`.
pub fn shows_refusal(id: &str, error: &str) -> bool {
    match id {
        "taskdef.invalid-size" => {
            error.contains("No Fargate configuration exists for given values")
        }
        "logs.driver-misconfigured" => {
            error.contains(crate::engine::messages::AWSLOGS_NEEDS_STREAM_PREFIX)
        }
        _ => false,
    }
}

/// The vocabulary, one line a cause: id and summary.
pub fn listing() -> String {
    let w = CAUSES.iter().map(|c| c.id.len()).max().unwrap_or(0);
    CAUSES
        .iter()
        .map(|c| format!("{:<w$}  {}\n", c.id, c.summary))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of docs/scenarios.md's "Which symptom belongs to which
    /// cause" table: (cause id, library scenarios).
    fn doc_table() -> Vec<(String, Vec<String>)> {
        let doc = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md"),
        )
        .expect("docs/scenarios.md");
        let section = doc
            .split("\n## Which symptom belongs to which cause\n")
            .nth(1)
            .expect("the section")
            .split("\n## ")
            .next()
            .unwrap_or_default();
        let ticked = |cell: &str| -> Vec<String> {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        section
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| {
                let cells: Vec<&str> = l.split(" | ").collect();
                let id = ticked(cells[0]).remove(0);
                (id, ticked(cells.last().copied().unwrap_or_default()))
            })
            .collect()
    }

    #[test]
    fn the_docs_table_lists_every_cause_with_its_library_scenarios() {
        let table = doc_table();
        let ids: Vec<&str> = table.iter().map(|(id, _)| id.as_str()).collect();
        let vocabulary: Vec<&str> = CAUSES.iter().map(|c| c.id).collect();
        assert_eq!(
            ids, vocabulary,
            "the table's causes, in the vocabulary's order"
        );
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut library: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for f in crate::scenario::scenario_files(&dir).expect("the library") {
            let s = crate::scenario::Scenario::load(&f).expect("loads");
            for (cause, _) in s.spec.answer.causes() {
                library
                    .entry(cause.to_string())
                    .or_default()
                    .push(s.id().to_string());
            }
        }
        for (id, scenarios) in &table {
            let mut want = library.get(id).cloned().unwrap_or_default();
            want.sort();
            let mut got = scenarios.clone();
            got.sort();
            assert_eq!(got, want, "docs/scenarios.md: the scenarios of {id}");
        }
    }

    #[test]
    fn a_driver_option_mistake_is_the_driver_not_the_group() {
        let wrong_region = StopCause::LogRegionWrong {
            group: "/ecs/checkout-api".into(),
            region: "us-west-2".into(),
        };
        assert!(shows("logs.driver-misconfigured", &wrong_region));
        assert!(!shows("logs.log-group-missing", &wrong_region));
        for stop in [
            StopCause::LogRegionMissing,
            StopCause::LogGroupOptionMissing,
            StopCause::LogRegionInvalid {
                region: "us-east1".into(),
            },
        ] {
            assert!(shows("logs.driver-misconfigured", &stop), "{stop:?}");
            assert!(!shows("logs.log-group-missing", &stop), "{stop:?}");
        }
        let missing = StopCause::LogGroupMissing {
            group: "/ecs/x".into(),
        };
        assert!(shows("logs.log-group-missing", &missing));
        assert!(!shows("logs.driver-misconfigured", &missing));
        // A deploy without awslogs-stream-prefix is refused at registration.
        let refused = "An error occurred (ClientException) when calling the RegisterTaskDefinition operation: Fargate requires log configuration options to include awslogs-stream-prefix to support log driver awslogs.";
        assert!(shows_refusal("logs.driver-misconfigured", refused));
        assert!(!shows_refusal("taskdef.invalid-size", refused));
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = CAUSES.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CAUSES.len());
        assert!(CAUSES
            .iter()
            .all(|c| c.id.contains('.') && !c.summary.is_empty()));
        assert!(shows(
            "runtime.oom",
            &StopCause::OutOfMemory {
                container: "a".into(),
                limit_mib: 512
            }
        ));
        assert!(!shows("runtime.oom", &StopCause::NoSpace));
    }
}
