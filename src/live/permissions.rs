//! What the caller must be allowed to do for a live run, and whether IAM
//! says it is: the IAM actions behind every change `live start` sends (and
//! the reads it and the guard make on the way), every undo of those changes,
//! and every fix the scenario's reference solution applies; checked with
//! IAM's policy simulator (`iam simulate-principal-policy`) for the caller's
//! principal. The simulator evaluates identity-based policies (and
//! permissions boundaries) only: an SCP or a resource policy can still deny
//! what it allows.

use super::inject::{Action, Step};
use super::stack::Stack;
use super::{sdk_error, LiveAccount};
use std::collections::{BTreeMap, BTreeSet};

/// One IAM action a live run needs, on a resource (`*` when the action takes none).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Need {
    /// `ec2:DeleteRoute`.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: String,
    /// What sends it: `inject`, `undo`, `fix`, or `guard` (the tag checks).
    pub by: &'static str,
}

/// Where the resources of `account` in `region` are.
struct Arns<'a> {
    account: &'a str,
    region: &'a str,
}

impl Arns<'_> {
    fn role(&self, name: &str) -> String {
        format!("arn:aws:iam::{}:role/{name}", self.account)
    }
    fn policy(&self, name: &str) -> String {
        format!("arn:aws:iam::{}:policy/{name}", self.account)
    }
    fn regional(&self, service: &str, rest: &str) -> String {
        format!("arn:aws:{service}:{}:{}:{rest}", self.region, self.account)
    }
}

fn need(out: &mut Vec<Need>, by: &'static str, resource: &str, actions: &[&str]) {
    for a in actions {
        out.push(Need {
            action: a.to_string(),
            resource: resource.to_string(),
            by,
        });
    }
}

/// The IAM actions one change needs: to send it, and to undo it.
fn for_action(a: &Action, arn: &Arns, stack: &Stack, out: &mut Vec<Need>) {
    match a {
        Action::DeleteRoute { route_table_id, .. } => {
            let rt = arn.regional("ec2", &format!("route-table/{route_table_id}"));
            need(out, "inject", "*", &["ec2:DescribeRouteTables"]);
            need(out, "inject", &rt, &["ec2:DeleteRoute"]);
            need(out, "undo", &rt, &["ec2:CreateRoute", "ec2:ReplaceRoute"]);
        }
        Action::DetachRolePolicy { role_name, .. } => {
            let role = arn.role(role_name);
            need(out, "guard", &role, &["iam:ListRoleTags"]);
            need(out, "inject", &role, &["iam:DetachRolePolicy"]);
            need(out, "undo", &role, &["iam:AttachRolePolicy"]);
        }
        Action::AttachRolePolicy { role_name, .. } => {
            let role = arn.role(role_name);
            need(out, "guard", &role, &["iam:ListRoleTags"]);
            need(out, "inject", &role, &["iam:AttachRolePolicy"]);
            need(out, "undo", &role, &["iam:DetachRolePolicy"]);
        }
        Action::CreatePolicy { name, .. } => {
            let p = arn.policy(name);
            // Creating with tags needs iam:TagPolicy as well.
            need(out, "inject", &p, &["iam:CreatePolicy", "iam:TagPolicy"]);
            need(out, "inject", "*", &["iam:ListPolicies"]);
            need(out, "guard", &p, &["iam:ListPolicyTags"]);
            need(
                out,
                "undo",
                &p,
                &[
                    "iam:GetPolicy",
                    "iam:ListPolicyVersions",
                    "iam:DeletePolicyVersion",
                    "iam:DeletePolicy",
                ],
            );
        }
        Action::PutRolePolicy { role_name, .. } => {
            let role = arn.role(role_name);
            need(out, "guard", &role, &["iam:ListRoleTags"]);
            need(
                out,
                "inject",
                &role,
                &["iam:GetRolePolicy", "iam:PutRolePolicy"],
            );
            need(
                out,
                "undo",
                &role,
                &["iam:PutRolePolicy", "iam:DeleteRolePolicy"],
            );
        }
        Action::DeleteRolePolicy { role_name, .. } => {
            let role = arn.role(role_name);
            need(out, "guard", &role, &["iam:ListRoleTags"]);
            need(
                out,
                "inject",
                &role,
                &["iam:GetRolePolicy", "iam:DeleteRolePolicy"],
            );
            need(out, "undo", &role, &["iam:PutRolePolicy"]);
        }
        Action::CreateLogGroup { name } => {
            let g = arn.regional("logs", &format!("log-group:{name}"));
            // Creating with tags needs logs:TagResource as well.
            need(
                out,
                "inject",
                &g,
                &["logs:CreateLogGroup", "logs:TagResource"],
            );
            need(out, "inject", "*", &["logs:DescribeLogGroups"]);
            need(
                out,
                "guard",
                &g,
                &["logs:ListTagsLogGroup", "logs:ListTagsForResource"],
            );
            need(out, "undo", &g, &["logs:DeleteLogGroup"]);
        }
        Action::Deploy {
            cluster, service, ..
        } => {
            let svc = arn.regional("ecs", &format!("service/{cluster}/{service}"));
            need(out, "inject", "*", &["ecs:DescribeTaskDefinition"]);
            need(
                out,
                "inject",
                &svc,
                &["ecs:DescribeServices", "ecs:UpdateService"],
            );
            // Registering a revision with its roles passes them to ECS, tagged.
            need(out, "inject", "*", &["ecs:RegisterTaskDefinition"]);
            for key in ["ExecutionRoleArn", "TaskRoleArn"] {
                if let Ok(role) = stack.output(key) {
                    need(out, "inject", role, &["iam:PassRole"]);
                }
            }
            need(out, "undo", &svc, &["ecs:UpdateService"]);
            need(
                out,
                "undo",
                "*",
                &["ecs:ListTaskDefinitions", "ecs:DeregisterTaskDefinition"],
            );
        }
        Action::ForceDeployment { cluster, service } => {
            let svc = arn.regional("ecs", &format!("service/{cluster}/{service}"));
            need(
                out,
                "inject",
                &svc,
                &["ecs:DescribeServices", "ecs:UpdateService"],
            );
        }
        Action::CreateRoute { route_table_id, .. } => {
            let rt = arn.regional("ec2", &format!("route-table/{route_table_id}"));
            need(out, "inject", "*", &["ec2:DescribeRouteTables"]);
            need(out, "inject", &rt, &["ec2:CreateRoute"]);
            need(out, "undo", &rt, &["ec2:DeleteRoute", "ec2:ReplaceRoute"]);
        }
        Action::UpdateAssumeRolePolicy { role_name, .. } => {
            let role = arn.role(role_name);
            need(out, "guard", &role, &["iam:ListRoleTags"]);
            need(
                out,
                "inject",
                &role,
                &["iam:GetRole", "iam:UpdateAssumeRolePolicy"],
            );
            need(out, "undo", &role, &["iam:UpdateAssumeRolePolicy"]);
        }
        Action::PutRetentionPolicy { name, .. } => {
            let g = arn.regional("logs", &format!("log-group:{name}"));
            need(out, "inject", "*", &["logs:DescribeLogGroups"]);
            need(
                out,
                "guard",
                &g,
                &["logs:ListTagsLogGroup", "logs:ListTagsForResource"],
            );
            need(out, "inject", &g, &["logs:PutRetentionPolicy"]);
            need(
                out,
                "undo",
                &g,
                &["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy"],
            );
        }
        Action::RegisterTaskDefinition { .. } => {
            // Registering a revision with its roles passes them to ECS, tagged.
            need(
                out,
                "inject",
                "*",
                &["ecs:RegisterTaskDefinition", "ecs:TagResource"],
            );
            for key in ["ExecutionRoleArn", "TaskRoleArn"] {
                if let Ok(role) = stack.output(key) {
                    need(out, "inject", role, &["iam:PassRole"]);
                }
            }
            need(out, "undo", "*", &["ecs:DeregisterTaskDefinition"]);
        }
        Action::UpdateService {
            cluster, service, ..
        } => {
            let svc = arn.regional("ecs", &format!("service/{cluster}/{service}"));
            need(
                out,
                "inject",
                &svc,
                &["ecs:DescribeServices", "ecs:UpdateService"],
            );
            need(out, "undo", &svc, &["ecs:UpdateService"]);
        }
        Action::OccupyIps { subnet_id, .. } => {
            let subnet = arn.regional("ec2", &format!("subnet/{subnet_id}"));
            need(out, "inject", "*", &["ec2:DescribeSubnets"]);
            need(
                out,
                "inject",
                &subnet,
                &["ec2:CreateNetworkInterface", "ec2:CreateTags"],
            );
            need(
                out,
                "undo",
                "*",
                &[
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                ],
            );
        }
    }
}

/// The IAM action of a CLI operation (`ec2 create-route` -> `ec2:CreateRoute`).
fn iam_action(service: &str, operation: &str) -> Option<String> {
    let entry = crate::aws::catalogue::find(service, operation)?;
    Some(format!("{service}:{}", entry.api()))
}

/// What a live run of the plan `steps` needs, with the reference fix lines
/// `fix` (AWS CLI lines, placeholders unresolved): sorted, without repeats.
/// A fix acts on the resources the faults changed, so a fix action that
/// also undoes a step is simulated on that step's resources, others on `*`.
pub fn needs(
    steps: &[Step],
    fix: &[String],
    stack: &Stack,
    account: &str,
    region: &str,
) -> Vec<Need> {
    let arn = Arns { account, region };
    let mut out = Vec::new();
    need(&mut out, "guard", "*", &["sts:GetCallerIdentity"]);
    for s in steps {
        for_action(&s.action, &arn, stack, &mut out);
    }
    let touched: Vec<Need> = out.clone();
    for line in fix {
        let mut words = line.split_whitespace();
        let (Some(service), Some(op)) = (words.next(), words.next()) else {
            continue;
        };
        let Some(action) = iam_action(service, op) else {
            continue;
        };
        let mut resources: BTreeSet<&str> = touched
            .iter()
            .filter(|n| n.resource != "*" && n.action == action)
            .map(|n| n.resource.as_str())
            .collect();
        if resources.is_empty() {
            resources.insert("*");
        }
        for r in resources {
            need(&mut out, "fix", r, &[action.as_str()]);
        }
        if op == "register-task-definition" {
            need(&mut out, "fix", "*", &["iam:PassRole"]);
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.action == b.action && a.resource == b.resource);
    out
}

/// The principal IAM simulates for a caller ARN from STS: a user or role
/// as it is, the role of an assumed-role session.
pub fn principal(caller: &str) -> Result<String, String> {
    let parts: Vec<&str> = caller.splitn(6, ':').collect();
    let (Some(account), Some(resource)) = (parts.get(4), parts.get(5)) else {
        return Err(format!("'{caller}' is not an ARN"));
    };
    if *resource == "root" {
        return Err(
            "the caller is the account's root user, which IAM does not simulate (and which may do everything); use an IAM role for game days"
                .into(),
        );
    }
    if let Some(rest) = resource.strip_prefix("assumed-role/") {
        let role = rest.split('/').next().unwrap_or(rest);
        return Ok(format!("arn:aws:iam::{account}:role/{role}"));
    }
    if resource.starts_with("federated-user/") {
        return Err(
            "the caller is a federated user, which IAM's policy simulator does not take".into(),
        );
    }
    Ok(caller.to_string())
}

/// A needed action IAM would not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// The need.
    pub need: Need,
    /// `implicitDeny` or `explicitDeny`.
    pub decision: String,
}

/// The simulator's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Simulation {
    /// Every need is allowed (how many were simulated).
    Allowed(usize),
    /// These are not.
    Denied(Vec<Denied>),
    /// The simulation could not be run, and why.
    Unavailable(String),
}

/// Simulates `needs` for the caller `caller` (an ARN from STS).
pub fn simulate(live: &LiveAccount, caller: &str, needs: &[Need]) -> Simulation {
    let source = match principal(caller) {
        Ok(p) => p,
        Err(why) => return Simulation::Unavailable(why),
    };
    // A role with a path has it in its ARN, which an assumed-role ARN drops.
    let source = match source.split_once(":role/") {
        Some((_, name)) if caller.contains(":assumed-role/") => live
            .block_on(live.clients.iam.get_role().role_name(name).send())
            .ok()
            .and_then(|o| o.role.map(|r| r.arn))
            .unwrap_or(source),
        _ => source,
    };
    let mut by_resource: BTreeMap<&str, Vec<&Need>> = BTreeMap::new();
    for n in needs {
        by_resource.entry(n.resource.as_str()).or_default().push(n);
    }
    let mut denied = Vec::new();
    for (resource, ns) in by_resource {
        let mut actions: Vec<String> = ns.iter().map(|n| n.action.clone()).collect();
        actions.dedup();
        let mut marker = None;
        loop {
            let call = live
                .clients
                .iam
                .simulate_principal_policy()
                .policy_source_arn(&source)
                .set_action_names(Some(actions.clone()))
                .set_resource_arns((resource != "*").then(|| vec![resource.to_string()]))
                .set_marker(marker.clone());
            let out = match live.block_on(call.send()) {
                Ok(o) => o,
                Err(e) => return Simulation::Unavailable(unavailable(&source, e)),
            };
            for r in out.evaluation_results() {
                let decision = r.eval_decision().as_str();
                if decision == "allowed" {
                    continue;
                }
                if let Some(n) = ns.iter().find(|n| n.action == r.eval_action_name()) {
                    denied.push(Denied {
                        need: (*n).clone(),
                        decision: decision.to_string(),
                    });
                }
            }
            match (out.is_truncated, out.marker) {
                (true, Some(m)) => marker = Some(m),
                _ => break,
            }
        }
    }
    if denied.is_empty() {
        Simulation::Allowed(needs.len())
    } else {
        Simulation::Denied(denied)
    }
}

/// Why the simulator could not answer, in one line.
fn unavailable(
    source: &str,
    e: aws_sdk_iam::error::SdkError<
        aws_sdk_iam::operation::simulate_principal_policy::SimulatePrincipalPolicyError,
        aws_sdk_iam::config::http::HttpResponse,
    >,
) -> String {
    use aws_sdk_iam::error::ProvideErrorMetadata as _;
    match (e.code(), e.raw_response().map(|r| r.status().as_u16())) {
        (Some(code), _) if code.contains("AccessDenied") => format!(
            "the caller may not call iam:SimulatePrincipalPolicy for {source} ({code}: {})",
            e.message().unwrap_or_default()
        ),
        (Some(code), _) => format!(
            "iam:SimulatePrincipalPolicy for {source} failed ({code}: {})",
            e.message().unwrap_or_default()
        ),
        (None, Some(status)) => format!(
            "the endpoint answered iam:SimulatePrincipalPolicy with HTTP {status} and no AWS error (it may not implement IAM's policy simulator)"
        ),
        (None, None) => format!(
            "no answer to iam:SimulatePrincipalPolicy: {}",
            sdk_error("SimulatePrincipalPolicy", e)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_roles_are_simulated_as_their_role() {
        assert_eq!(
            principal("arn:aws:sts::123456789012:assumed-role/GameDay/alice").unwrap(),
            "arn:aws:iam::123456789012:role/GameDay"
        );
        assert_eq!(
            principal("arn:aws:iam::123456789012:user/bob").unwrap(),
            "arn:aws:iam::123456789012:user/bob"
        );
        assert!(principal("arn:aws:iam::123456789012:root")
            .unwrap_err()
            .contains("root user"));
        assert!(principal("arn:aws:sts::123456789012:federated-user/x").is_err());
        assert!(principal("nonsense").is_err());
    }

    #[test]
    fn a_plan_needs_its_changes_their_undo_and_the_fix() {
        let stack = Stack::from_outputs(
            "s",
            [
                ("ExecutionRoleArn", "arn:aws:iam::1:role/exec"),
                ("TaskRoleArn", "arn:aws:iam::1:role/task"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        );
        let steps = [
            Step {
                note: "route".into(),
                action: Action::DeleteRoute {
                    route_table_id: "rtb-1".into(),
                    destination_cidr_block: "0.0.0.0/0".into(),
                },
            },
            Step {
                note: "deploy".into(),
                action: Action::Deploy {
                    cluster: "prod".into(),
                    service: "checkout".into(),
                    set: Default::default(),
                    unset: Vec::new(),
                },
            },
        ];
        let fix = [
            "ec2 create-route --route-table-id ${rtb:private-a} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat}".to_string(),
            "logs create-log-group --log-group-name /ecs/x".to_string(),
        ];
        let got = needs(&steps, &fix, &stack, "1", "us-east-1");
        let has = |action: &str, resource: &str| {
            got.iter()
                .any(|n| n.action == action && n.resource == resource)
        };
        let rt = "arn:aws:ec2:us-east-1:1:route-table/rtb-1";
        assert!(has("ec2:DeleteRoute", rt), "{got:#?}");
        assert!(has("ec2:CreateRoute", rt), "{got:#?}");
        assert!(has("ec2:ReplaceRoute", rt), "{got:#?}");
        assert!(has(
            "ecs:UpdateService",
            "arn:aws:ecs:us-east-1:1:service/prod/checkout"
        ));
        assert!(has("ecs:RegisterTaskDefinition", "*"));
        assert!(has("iam:PassRole", "arn:aws:iam::1:role/exec"));
        assert!(has("iam:PassRole", "arn:aws:iam::1:role/task"));
        assert!(has("ecs:DeregisterTaskDefinition", "*"));
        assert!(has("sts:GetCallerIdentity", "*"));
        // A fix that undoes no step is simulated on any resource.
        assert!(has("logs:CreateLogGroup", "*"));
        assert!(!got
            .iter()
            .any(|n| n.action == "ec2:CreateRoute" && n.resource == "*"));
        // Sorted, once each.
        let mut keys: Vec<(&str, &str)> = got
            .iter()
            .map(|n| (n.action.as_str(), n.resource.as_str()))
            .collect();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "{got:#?}");
    }

    #[test]
    fn fixes_map_to_their_iam_actions() {
        assert_eq!(
            iam_action("ec2", "create-route").as_deref(),
            Some("ec2:CreateRoute")
        );
        assert_eq!(
            iam_action("iam", "attach-role-policy").as_deref(),
            Some("iam:AttachRolePolicy")
        );
        assert_eq!(iam_action("ec2", "no-such-thing"), None);
    }
}
