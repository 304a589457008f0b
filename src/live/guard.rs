//! The sandbox guard: the one check every live mutation passes before it is
//! sent. It refuses — with a message saying why, and nothing sent — unless
//! the caller's account is on the explicit allow list (no account is allowed
//! by default), the account's region is the run's, and the target resource
//! carries the stack's `faultline:sandbox` tag or belongs to one that does
//! (a route of a tagged route table, a policy on a tagged role, a revision of
//! a tagged task definition family, a network interface in a tagged subnet).
//! The guard itself only reads.

use super::stack::SANDBOX_TAG;
use super::{sdk_error, LiveAccount};
use crate::aws::CommandError;
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

/// What the guard allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Account ids live mode may change (empty: none).
    pub allowed_accounts: Vec<String>,
    /// The region of the run.
    pub region: String,
    /// The sandbox stack (the tag's value).
    pub stack: String,
}

/// A resource a mutation changes, as the guard checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A route table, or a route in it.
    RouteTable(String),
    /// An IAM role, or a policy attached to or inline in it.
    Role(String),
    /// A customer managed policy (by ARN).
    ManagedPolicy(String),
    /// A task definition family, or a revision of it.
    Family(String),
    /// An ECS service.
    Service {
        /// Cluster.
        cluster: String,
        /// Service.
        service: String,
    },
    /// A CloudWatch Logs log group.
    LogGroup(String),
    /// A subnet (or a network interface created in it).
    Subnet(String),
    /// A resource the mutation creates, carrying the sandbox and run tags from birth.
    New {
        /// What kind (`policy`, `log group`).
        kind: &'static str,
        /// Its name.
        name: String,
    },
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::RouteTable(id) => write!(f, "route table {id}"),
            Target::Role(r) => write!(f, "role {r}"),
            Target::ManagedPolicy(a) => write!(f, "policy {a}"),
            Target::Family(t) => write!(f, "task definition family {t}"),
            Target::Service { cluster, service } => {
                write!(f, "service {service} of cluster {cluster}")
            }
            Target::LogGroup(g) => write!(f, "log group {g}"),
            Target::Subnet(s) => write!(f, "subnet {s}"),
            Target::New { kind, name } => write!(f, "new {kind} {name}"),
        }
    }
}

/// Why the guard refused a mutation. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused to {action}: {reason}. Nothing was sent to AWS.")]
pub struct Refusal {
    /// The mutation, in words.
    pub action: String,
    /// Why.
    pub reason: String,
}

/// The guard over one account.
pub struct Guard<'a> {
    live: &'a LiveAccount,
    policy: Policy,
    account: OnceCell<String>,
}

impl<'a> Guard<'a> {
    /// A guard enforcing `policy` over `live`.
    pub fn new(live: &'a LiveAccount, policy: Policy) -> Guard<'a> {
        Guard {
            live,
            policy,
            account: OnceCell::new(),
        }
    }

    /// What it enforces.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The caller's account id (asked of STS once).
    pub fn account(&self) -> Result<&str, CommandError> {
        if let Some(a) = self.account.get() {
            return Ok(a);
        }
        let a = self.live.account_id()?;
        Ok(self.account.get_or_init(|| a))
    }

    /// The check every mutation passes: `Ok` only when the account is
    /// allowed, the region is the run's and the target carries the sandbox tag.
    pub fn check(&self, action: &str, target: &Target) -> Result<(), Refusal> {
        let refuse = |reason: String| Refusal {
            action: action.to_string(),
            reason,
        };
        if self.policy.allowed_accounts.is_empty() {
            return Err(refuse(
                "no account is allowed: live mode changes only accounts named on the allow list (--allow-account or the allowed-accounts file)".into(),
            ));
        }
        let account = self
            .account()
            .map_err(|e| refuse(format!("could not learn the account id ({e})")))?;
        if !self.policy.allowed_accounts.iter().any(|a| a == account) {
            return Err(refuse(format!(
                "account {account} is not on the allow list ({})",
                self.policy.allowed_accounts.join(", ")
            )));
        }
        let region = crate::aws::Reader::region(self.live);
        if region != self.policy.region {
            return Err(refuse(format!(
                "the account is configured for region {region}, but the run is in {}",
                self.policy.region
            )));
        }
        if let Target::New { .. } = target {
            return Ok(());
        }
        let tags = self
            .live
            .block_on(tags_of(self.live, target))
            .map_err(|e| refuse(format!("could not read the tags of {target} ({e})")))?;
        let want = &self.policy.stack;
        match tags.iter().find(|(k, _)| k == SANDBOX_TAG) {
            Some((_, v)) if v == want => Ok(()),
            Some((_, v)) => Err(refuse(format!(
                "{target} belongs to sandbox {v}, not {want}"
            ))),
            None => Err(refuse(format!(
                "{target} does not carry the tag {SANDBOX_TAG}={want}; live mode changes only the sandbox stack's resources"
            ))),
        }
    }
}

/// The tags of a target (for a route, its table's; for a revision, its family's newest).
#[allow(deprecated)] // ListTagsLogGroup: moto and every region answer it.
async fn tags_of(
    live: &LiveAccount,
    target: &Target,
) -> Result<Vec<(String, String)>, CommandError> {
    let c = &live.clients;
    Ok(match target {
        Target::RouteTable(id) => {
            let api = "DescribeRouteTables";
            let o = c
                .ec2
                .describe_route_tables()
                .route_table_ids(id)
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            o.route_tables
                .unwrap_or_default()
                .into_iter()
                .flat_map(|t| t.tags.unwrap_or_default())
                .filter_map(|t| Some((t.key?, t.value?)))
                .collect()
        }
        Target::Role(name) => {
            let api = "ListRoleTags";
            let o = c
                .iam
                .list_role_tags()
                .role_name(name)
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            o.tags.into_iter().map(|t| (t.key, t.value)).collect()
        }
        Target::ManagedPolicy(arn) => {
            let api = "ListPolicyTags";
            let o = c
                .iam
                .list_policy_tags()
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            o.tags.into_iter().map(|t| (t.key, t.value)).collect()
        }
        Target::Family(family) => {
            let api = "DescribeTaskDefinition";
            let o = c
                .ecs
                .describe_task_definition()
                .task_definition(family)
                .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            o.tags
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| Some((t.key?, t.value?)))
                .collect()
        }
        Target::Service { cluster, service } => {
            let api = "DescribeServices";
            let o = c
                .ecs
                .describe_services()
                .cluster(cluster)
                .services(service)
                .include(aws_sdk_ecs::types::ServiceField::Tags)
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            o.services
                .unwrap_or_default()
                .into_iter()
                .flat_map(|s| s.tags.unwrap_or_default())
                .filter_map(|t| Some((t.key?, t.value?)))
                .collect()
        }
        Target::LogGroup(name) => {
            let api = "ListTagsLogGroup";
            let o = c
                .logs
                .list_tags_log_group()
                .log_group_name(name)
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            o.tags.unwrap_or_default().into_iter().collect()
        }
        Target::Subnet(id) => {
            let api = "DescribeSubnets";
            let o = c
                .ec2
                .describe_subnets()
                .subnet_ids(id)
                .send()
                .await
                .map_err(|e| sdk_error(api, e))?;
            o.subnets
                .unwrap_or_default()
                .into_iter()
                .flat_map(|s| s.tags.unwrap_or_default())
                .filter_map(|t| Some((t.key?, t.value?)))
                .collect()
        }
        Target::New { .. } => Vec::new(),
    })
}

/// The allow-list file: `$XDG_CONFIG_HOME/faultline/allowed-accounts` (or
/// `~/.config/...`), one account id a line, `#` comments.
pub fn allow_list_file() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".config"),
    };
    Some(base.join("faultline").join("allowed-accounts"))
}

/// The allowed accounts: those in `file` (if it exists) and `extra`
/// (`--allow-account`). Lines that are not 12-digit ids are errors.
pub fn allowed_accounts(file: Option<&Path>, extra: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    if let Some(f) = file {
        match std::fs::read_to_string(f) {
            Ok(text) => {
                for (i, line) in text.lines().enumerate() {
                    let id = line.split('#').next().unwrap_or("").trim();
                    if id.is_empty() {
                        continue;
                    }
                    if !is_account_id(id) {
                        return Err(format!(
                            "{}:{}: '{id}' is not an account id; expected 12 digits",
                            f.display(),
                            i + 1
                        ));
                    }
                    out.push(id.to_string());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot read {}: {e}", f.display())),
        }
    }
    for id in extra {
        if !is_account_id(id) {
            return Err(format!(
                "--allow-account {id}: not an account id; expected 12 digits"
            ));
        }
        out.push(id.clone());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allow_list_reads_the_file_and_the_flags() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("allowed-accounts");
        std::fs::write(&f, "# sandbox\n123456789012  # game day\n\n").unwrap();
        assert_eq!(
            allowed_accounts(Some(&f), &["210987654321".into()]).unwrap(),
            ["123456789012", "210987654321"]
        );
        assert_eq!(
            allowed_accounts(Some(&dir.path().join("none")), &[]).unwrap(),
            Vec::<String>::new()
        );
        std::fs::write(&f, "12345\n").unwrap();
        assert!(allowed_accounts(Some(&f), &[])
            .unwrap_err()
            .contains(":1: '12345' is not an account id"));
        assert!(allowed_accounts(None, &["x".into()]).is_err());
    }
}
