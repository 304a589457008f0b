//! Read-only `iam` operations in the AWS CLI's shapes: roles, their managed
//! and inline policies, managed policies and their versions, and the policy
//! simulator over the role's identity-based policies.
//!
//! IAM is a query (XML) service: the CLI prints members in the order of the
//! botocore shapes, keeps second precision in dates, and decodes the
//! URL-encoded policy documents into JSON objects.

use super::misc::cli_time_secs;
use super::{CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors::{self, Validation};
use crate::world::{evaluate, Decision, ManagedPolicy, PolicyDocument, Role, Statements, World};
use serde_json::{json, Map, Value};

fn role<'a>(w: &'a World, name: &str, op: &str) -> Result<&'a Role, CommandError> {
    w.roles
        .get(name)
        .ok_or_else(|| errors::role_not_found(op, name).into())
}

fn policy<'a>(w: &'a World, arn: &str, op: &str) -> Result<&'a ManagedPolicy, CommandError> {
    if !arn.starts_with("arn:aws:iam::") || !arn.contains(":policy/") {
        return Err(errors::policy_arn_invalid(op, arn).into());
    }
    w.policies
        .get(arn)
        .ok_or_else(|| errors::policy_not_found(op, arn).into())
}

fn doc_json(d: &PolicyDocument) -> Value {
    serde_json::to_value(d).expect("policy documents serialize")
}

/// Descriptions AWS gives its managed policies [I: paraphrased from the IAM console].
fn aws_description(p: &ManagedPolicy) -> Option<&'static str> {
    Some(match p.name.as_str() {
        "AmazonECSTaskExecutionRolePolicy" => {
            "Provides access to other AWS service resources that are required to run Amazon ECS tasks"
        }
        "AdministratorAccess" => "Provides full access to AWS services and resources.",
        "CloudWatchLogsFullAccess" => "Provides full access to CloudWatch Logs",
        "AmazonEC2ContainerRegistryReadOnly" => {
            "Provides read-only access to Amazon EC2 Container Registry repositories."
        }
        "SecretsManagerReadWrite" => {
            "Provides read/write access to AWS Secrets Manager via the AWS Management Console."
        }
        _ => return None,
    })
    .filter(|_| p.arn.starts_with("arn:aws:iam::aws:"))
}

fn attachment_count(w: &World, arn: &str) -> usize {
    w.roles
        .values()
        .filter(|r| r.attached.iter().any(|a| a == arn))
        .count()
}

/// A managed policy as GetPolicy (`full`) or ListPolicies shows it.
fn policy_json(w: &World, p: &ManagedPolicy, full: bool) -> Value {
    let mut m = Map::new();
    m.insert("PolicyName".into(), json!(p.name));
    m.insert("PolicyId".into(), json!(p.policy_id));
    m.insert("Arn".into(), json!(p.arn));
    m.insert("Path".into(), json!(p.path));
    m.insert("DefaultVersionId".into(), json!(p.version));
    m.insert("AttachmentCount".into(), json!(attachment_count(w, &p.arn)));
    m.insert("PermissionsBoundaryUsageCount".into(), json!(0));
    m.insert("IsAttachable".into(), json!(true));
    if full {
        if let Some(d) = aws_description(p) {
            m.insert("Description".into(), json!(d));
        }
    }
    m.insert("CreateDate".into(), json!(cli_time_secs(p.created)));
    m.insert("UpdateDate".into(), json!(cli_time_secs(p.created)));
    if full {
        m.insert("Tags".into(), json!([]));
    }
    Value::Object(m)
}

/// When tasks last assumed the role (as execution or task role) [I].
fn last_used(w: &World, r: &Role, now: i64) -> Option<i64> {
    w.tasks
        .values()
        .filter(|t| t.created_at <= now)
        .filter(|t| {
            let td = t
                .run
                .td
                .as_deref()
                .or_else(|| w.task_definition(&t.task_definition_arn));
            td.is_some_and(|td| {
                td.def.execution_role_arn.as_deref() == Some(r.arn.as_str())
                    || td.def.task_role_arn.as_deref() == Some(r.arn.as_str())
            })
        })
        .map(|t| t.created_at)
        .max()
}

/// `iam get-role`.
fn get_role(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let name = inv.required("RoleName")?;
    let w = ctx.world;
    let r = role(w, &name, "GetRole")?;
    let mut m = Map::new();
    m.insert("Path".into(), json!("/"));
    m.insert("RoleName".into(), json!(r.name));
    m.insert("RoleId".into(), json!(r.role_id));
    m.insert("Arn".into(), json!(r.arn));
    m.insert("CreateDate".into(), json!(cli_time_secs(r.created)));
    m.insert("AssumeRolePolicyDocument".into(), doc_json(&r.trust));
    if let Some(d) = &r.description {
        m.insert("Description".into(), json!(d));
    }
    m.insert("MaxSessionDuration".into(), json!(3600));
    let used = match last_used(w, r, ctx.now) {
        Some(t) => json!({"LastUsedDate": cli_time_secs(t), "Region": w.region}),
        None => json!({}),
    };
    m.insert("RoleLastUsed".into(), used);
    Ok(json!({ "Role": m }))
}

/// `iam list-attached-role-policies`.
fn list_attached(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let name = inv.required("RoleName")?;
    let prefix = inv.value("PathPrefix")?;
    let w = ctx.world;
    let r = role(w, &name, "ListAttachedRolePolicies")?;
    let list: Vec<Value> = r
        .attached
        .iter()
        .filter(|arn| {
            prefix.as_deref().is_none_or(|p| {
                w.policies
                    .get(*arn)
                    .is_some_and(|pol| pol.path.starts_with(p))
            })
        })
        .map(|arn| {
            let name = w
                .policies
                .get(arn)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_string());
            json!({"PolicyName": name, "PolicyArn": arn})
        })
        .collect();
    Ok(json!({ "AttachedPolicies": list }))
}

/// `iam list-role-policies` (inline policy names).
fn list_role_policies(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let name = inv.required("RoleName")?;
    let r = role(ctx.world, &name, "ListRolePolicies")?;
    let names: Vec<&String> = r.inline.keys().collect();
    Ok(json!({ "PolicyNames": names }))
}

/// `iam get-role-policy` (an inline policy).
fn get_role_policy(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "GetRolePolicy";
    let name = inv.required("RoleName")?;
    let pname = inv.required("PolicyName")?;
    let r = role(ctx.world, &name, op)?;
    let Some(doc) = r.inline.get(&pname) else {
        return Err(errors::role_policy_not_found(op, &pname).into());
    };
    Ok(json!({
        "RoleName": r.name,
        "PolicyName": pname,
        "PolicyDocument": doc_json(doc),
    }))
}

/// `iam get-policy`.
fn get_policy(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let arn = inv.required("PolicyArn")?;
    let p = policy(ctx.world, &arn, "GetPolicy")?;
    Ok(json!({ "Policy": policy_json(ctx.world, p, true) }))
}

/// `iam get-policy-version`.
fn get_policy_version(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "GetPolicyVersion";
    let arn = inv.required("PolicyArn")?;
    let version = inv.required("VersionId")?;
    let p = policy(ctx.world, &arn, op)?;
    if version != p.version {
        return Err(errors::policy_version_not_found(op, &arn, &version).into());
    }
    Ok(json!({
        "PolicyVersion": {
            "Document": doc_json(&p.document),
            "VersionId": p.version,
            "IsDefaultVersion": true,
            "CreateDate": cli_time_secs(p.created),
        }
    }))
}

/// `iam list-policies`.
fn list_policies(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "ListPolicies";
    let scope = inv.value("Scope")?.unwrap_or_else(|| "All".into());
    let only_attached = inv.switch("OnlyAttached")?.unwrap_or(false);
    let prefix = inv.value("PathPrefix")?;
    if !["All", "AWS", "Local"].contains(&scope.as_str()) {
        return Err(errors::not_in_enum(
            Validation::Iam,
            op,
            &scope,
            "scope",
            &["All", "AWS", "Local"],
        )
        .into());
    }
    let w = ctx.world;
    let mut list: Vec<&ManagedPolicy> = w
        .policies
        .values()
        .filter(|p| {
            let aws = p.arn.starts_with("arn:aws:iam::aws:");
            match scope.as_str() {
                "AWS" => aws,
                "Local" => !aws,
                _ => true,
            }
        })
        .filter(|p| !only_attached || attachment_count(w, &p.arn) > 0)
        .filter(|p| prefix.as_deref().is_none_or(|x| p.path.starts_with(x)))
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    let out: Vec<Value> = list.iter().map(|p| policy_json(w, p, false)).collect();
    Ok(json!({ "Policies": out }))
}

/// Where each statement of a document starts and ends (line, column), in its
/// pretty-printed text [I: IAM reports positions in the text as stored].
fn statement_positions(doc: &PolicyDocument) -> Vec<((usize, usize), (usize, usize))> {
    let text = serde_json::to_string_pretty(doc).expect("policy documents serialize");
    let Some(key) = text.find("\"Statement\": ") else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let pos = |i: usize| {
        let before = &text[..i];
        let line = before.matches('\n').count() + 1;
        let col = i - before.rfind('\n').map(|n| n + 1).unwrap_or(0) + 1;
        (line, col)
    };
    let mut out = Vec::new();
    let mut i = key + "\"Statement\": ".len();
    let single = bytes.get(i) == Some(&b'{');
    let mut depth = 0usize;
    let (mut in_str, mut esc) = (false, false);
    let mut start = 0usize;
    let base = if single { 0 } else { 1 };
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => {
                    if c == b'{' && depth == base {
                        start = i;
                    }
                    depth += 1;
                }
                b'}' | b']' => {
                    depth -= 1;
                    if c == b'}' && depth == base {
                        let (el, ec) = pos(i);
                        out.push((pos(start), (el, ec + 1)));
                        if single {
                            break;
                        }
                    }
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    out
}

/// The role's policies with the names the simulator reports them by:
/// managed policies by name, inline ones as `role_<role>_<policy>` [C].
fn sources<'a>(w: &'a World, r: &'a Role) -> Vec<(String, &'a PolicyDocument)> {
    let mut v: Vec<(String, &PolicyDocument)> = r
        .attached
        .iter()
        .filter_map(|arn| w.policies.get(arn).map(|p| (p.name.clone(), &p.document)))
        .collect();
    v.extend(
        r.inline
            .iter()
            .map(|(n, d)| (format!("role_{}_{n}", r.name), d)),
    );
    v
}

fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allowed",
        Decision::ImplicitDeny => "implicitDeny",
        Decision::ExplicitDeny => "explicitDeny",
    }
}

/// The decision and the statements that decided it (only denies when one denies).
fn simulate(w: &World, r: &Role, action: &str, resource: &str) -> (Decision, Vec<Value>) {
    let decision = evaluate(w.role_documents(r), action, resource);
    let mut matched = Vec::new();
    if decision == Decision::ImplicitDeny {
        return (decision, matched);
    }
    for (id, doc) in sources(w, r) {
        let positions = statement_positions(doc);
        for (k, st) in doc.statements().into_iter().enumerate() {
            let one = PolicyDocument {
                version: doc.version.clone(),
                id: None,
                statement: Statements::One(Box::new(st.clone())),
            };
            if evaluate([&one], action, resource) != decision {
                continue;
            }
            let ((sl, sc), (el, ec)) = positions.get(k).copied().unwrap_or(((1, 1), (1, 1)));
            // [V] the shape of awscli's own example output
            // (awscli/examples/iam/simulate-principal-policy.rst):
            // SourcePolicyId and the positions; no SourcePolicyType (whose
            // values, botocore's PolicySourceType, are user, group, role,
            // aws-managed, user-managed, resource or none).
            matched.push(json!({
                "SourcePolicyId": id,
                "StartPosition": {"Line": sl, "Column": sc},
                "EndPosition": {"Line": el, "Column": ec},
            }));
        }
    }
    (decision, matched)
}

/// `iam simulate-principal-policy` over a role's identity-based policies.
fn simulate_principal_policy(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "SimulatePrincipalPolicy";
    let arn = inv.required("PolicySourceArn")?;
    let actions = inv.values("ActionNames")?.unwrap_or_default();
    let resources = inv.values("ResourceArns")?;
    let w = ctx.world;
    let name = arn.rsplit('/').next().unwrap_or(&arn);
    let r = match w.role_by_arn(&arn) {
        Some(r) => r,
        None if arn.contains(":role/") => {
            return Err(errors::role_not_found(op, name).into());
        }
        None if arn.contains(":user/") => {
            return Err(errors::user_not_found(op, name).into());
        }
        None => {
            return Err(errors::principal_arn_invalid(op, &arn, &w.role_arn("<name>")).into());
        }
    };
    let explicit = resources.is_some();
    let resources = resources.unwrap_or_else(|| vec!["*".to_string()]);
    let mut results = Vec::new();
    for action in &actions {
        let per: Vec<(String, Decision, Vec<Value>)> = resources
            .iter()
            .map(|res| {
                let (d, m) = simulate(w, r, action, res);
                (res.clone(), d, m)
            })
            .collect();
        // The most restrictive decision across resources [V: EvaluationResult].
        let rank = |d: Decision| match d {
            Decision::ExplicitDeny => 2,
            Decision::ImplicitDeny => 1,
            Decision::Allow => 0,
        };
        let top = per
            .iter()
            .map(|p| p.1)
            .max_by_key(|d| rank(*d))
            .unwrap_or(Decision::ImplicitDeny);
        let mut matched: Vec<Value> = Vec::new();
        for (_, d, m) in &per {
            if *d == top {
                for s in m {
                    if !matched.contains(s) {
                        matched.push(s.clone());
                    }
                }
            }
        }
        let mut e = Map::new();
        e.insert("EvalActionName".into(), json!(action));
        // [I] one resource names itself; several are summarized as "*".
        let rname = if resources.len() == 1 {
            resources[0].as_str()
        } else {
            "*"
        };
        e.insert("EvalResourceName".into(), json!(rname));
        e.insert("EvalDecision".into(), json!(decision_name(top)));
        e.insert("MatchedStatements".into(), Value::Array(matched));
        e.insert("MissingContextValues".into(), json!([]));
        if explicit {
            // Present but empty for same-account simulations with resources [V].
            e.insert("EvalDecisionDetails".into(), json!({}));
            let rs: Vec<Value> = per
                .iter()
                .map(|(res, d, m)| {
                    json!({
                        "EvalResourceName": res,
                        "EvalResourceDecision": decision_name(*d),
                        "MatchedStatements": m,
                        "MissingContextValues": [],
                    })
                })
                .collect();
            e.insert("ResourceSpecificResults".into(), Value::Array(rs));
        }
        results.push(Value::Object(e));
    }
    Ok(json!({ "EvaluationResults": results }))
}

/// `iam list-policy-versions`: the versions of a managed policy (the world
/// keeps one, the default). As the CLI prints it: its paginator joins the
/// pages and drops `IsTruncated`, as for the other IAM lists.
fn list_policy_versions(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let arn = inv.required("PolicyArn")?;
    let p = policy(ctx.world, &arn, "ListPolicyVersions")?;
    Ok(json!({
        "Versions": [{
            "VersionId": p.version,
            "IsDefaultVersion": true,
            "CreateDate": cli_time_secs(p.created),
        }],
    }))
}

/// Tags as IAM's ListRoleTags and ListPolicyTags answer them, through the
/// CLI's paginator (no `IsTruncated`).
fn tag_list(tags: Vec<(String, String)>) -> Value {
    let tags: Vec<Value> = tags
        .into_iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    json!({ "Tags": tags })
}

/// `iam list-role-tags`: a role's tags (the tags of the account's stacks,
/// which CloudFormation propagates to the roles it made).
fn list_role_tags(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let name = inv.required("RoleName")?;
    role(ctx.world, &name, "ListRoleTags")?;
    Ok(tag_list(ctx.world.with_stack_tags(Vec::new())))
}

/// `iam list-policy-tags`: a managed policy's tags (AWS-managed policies
/// carry none; the account's own carry its stacks' tags).
fn list_policy_tags(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let arn = inv.required("PolicyArn")?;
    let p = policy(ctx.world, &arn, "ListPolicyTags")?;
    if p.arn.starts_with("arn:aws:iam::aws:") {
        return Ok(tag_list(Vec::new()));
    }
    Ok(tag_list(ctx.world.with_stack_tags(Vec::new())))
}

/// Actions worth simulating for an ECS execution role (completion candidates).
const ACTIONS: &[&str] = &[
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:CreateLogGroup",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameters",
    "kms:Decrypt",
];

/// The `iam` operations.
pub const OPS: &[ReadOp] = &[
    Op {
        service: "iam",
        name: "get-role",
        api: "GetRole",
        summary: "Describes a role, with its trust policy",
        flags: &[required(
            "role-name",
            FlagKind::Str,
            "the role's name",
            Complete::Role,
        )],
        positional: None,
        run: get_role,
    },
    Op {
        service: "iam",
        name: "list-attached-role-policies",
        api: "ListAttachedRolePolicies",
        summary: "Lists the managed policies attached to a role",
        flags: &[
            required(
                "role-name",
                FlagKind::Str,
                "the role's name",
                Complete::Role,
            ),
            flag(
                "path-prefix",
                FlagKind::Str,
                "only policies whose path starts with this",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: list_attached,
    },
    Op {
        service: "iam",
        name: "list-role-policies",
        api: "ListRolePolicies",
        summary: "Lists the names of a role's inline policies",
        flags: &[required(
            "role-name",
            FlagKind::Str,
            "the role's name",
            Complete::Role,
        )],
        positional: None,
        run: list_role_policies,
    },
    Op {
        service: "iam",
        name: "get-role-policy",
        api: "GetRolePolicy",
        summary: "Shows an inline policy of a role",
        flags: &[
            required(
                "role-name",
                FlagKind::Str,
                "the role's name",
                Complete::Role,
            ),
            required(
                "policy-name",
                FlagKind::Str,
                "the inline policy's name",
                Complete::InlinePolicy,
            ),
        ],
        positional: None,
        run: get_role_policy,
    },
    Op {
        service: "iam",
        name: "get-policy",
        api: "GetPolicy",
        summary: "Describes a managed policy (default version, attachments)",
        flags: &[required(
            "policy-arn",
            FlagKind::Str,
            "the managed policy's ARN",
            Complete::PolicyArn,
        )],
        positional: None,
        run: get_policy,
    },
    Op {
        service: "iam",
        name: "get-policy-version",
        api: "GetPolicyVersion",
        summary: "Shows the document of a managed policy version",
        flags: &[
            required(
                "policy-arn",
                FlagKind::Str,
                "the managed policy's ARN",
                Complete::PolicyArn,
            ),
            required(
                "version-id",
                FlagKind::Str,
                "the version, e.g. v1 (see DefaultVersionId in get-policy)",
                Complete::Choices(&["v1"]),
            ),
        ],
        positional: None,
        run: get_policy_version,
    },
    Op {
        service: "iam",
        name: "list-policies",
        api: "ListPolicies",
        summary: "Lists managed policies (AWS-managed and the account's own)",
        flags: &[
            flag(
                "scope",
                FlagKind::Str,
                "All (default), AWS, or Local (the account's own)",
                Complete::Choices(&["All", "AWS", "Local"]),
            ),
            flag(
                "only-attached",
                FlagKind::Bool,
                "only policies attached to something",
                Complete::Nothing,
            ),
            flag(
                "path-prefix",
                FlagKind::Str,
                "only policies whose path starts with this",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: list_policies,
    },
    Op {
        service: "iam",
        name: "simulate-principal-policy",
        api: "SimulatePrincipalPolicy",
        summary: "Simulates whether a role's policies allow actions on resources",
        flags: &[
            required(
                "policy-source-arn",
                FlagKind::Str,
                "the role's ARN",
                Complete::RoleArn,
            ),
            required(
                "action-names",
                FlagKind::List,
                "actions to simulate, e.g. ecr:GetAuthorizationToken logs:CreateLogStream",
                Complete::Choices(ACTIONS),
            ),
            flag(
                "resource-arns",
                FlagKind::List,
                "resources to simulate on (default *)",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: simulate_principal_policy,
    },
    Op {
        service: "iam",
        name: "list-policy-versions",
        api: "ListPolicyVersions",
        summary: "Lists a managed policy's versions",
        flags: &[required(
            "policy-arn",
            FlagKind::Str,
            "the policy's ARN",
            Complete::PolicyArn,
        )],
        positional: None,
        run: list_policy_versions,
    },
    Op {
        service: "iam",
        name: "list-role-tags",
        api: "ListRoleTags",
        summary: "Lists a role's tags",
        flags: &[required(
            "role-name",
            FlagKind::Str,
            "the role",
            Complete::Role,
        )],
        positional: None,
        run: list_role_tags,
    },
    Op {
        service: "iam",
        name: "list-policy-tags",
        api: "ListPolicyTags",
        summary: "Lists a managed policy's tags",
        flags: &[required(
            "policy-arn",
            FlagKind::Str,
            "the policy's ARN",
            Complete::PolicyArn,
        )],
        positional: None,
        run: list_policy_tags,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    use crate::world::TASK_EXECUTION_POLICY_ARN;

    use crate::aws::sim::testkit::{aws_err, call, instance};

    #[test]
    fn customer_policy_replaced_the_managed_one() {
        for seed in [1, 2, 3, 4] {
            let inst = instance("execution-role-permissions.yaml", seed);
            let want = inst.vars["policy"].clone();
            let v = call(
                &inst,
                "iam list-attached-role-policies --role-name checkout-task-execution",
            )
            .unwrap();
            let list = v["AttachedPolicies"].as_array().unwrap();
            assert_eq!(list.len(), 1, "{v}");
            assert_eq!(list[0]["PolicyName"], json!(want));
            let acct = &inst.sim.world().account;
            assert_eq!(
                list[0]["PolicyArn"],
                json!(format!("arn:aws:iam::{acct}:policy/{want}"))
            );
            assert!(!v.to_string().contains("AmazonECSTaskExecutionRolePolicy"));
        }
    }

    #[test]
    fn simulator_finds_the_missing_action() {
        for seed in [1, 2, 3, 4, 5, 6] {
            let inst = instance("execution-role-permissions.yaml", seed);
            let missing = inst.vars["missing"].clone();
            let arn = inst.sim.world().role_arn("checkout-task-execution");
            let v = call(
                &inst,
                &format!("iam simulate-principal-policy --policy-source-arn {arn} --action-names {missing} ecr:BatchGetImage"),
            )
            .unwrap();
            let r = &v["EvaluationResults"];
            assert_eq!(r[0]["EvalActionName"], json!(missing));
            assert_eq!(r[0]["EvalResourceName"], "*");
            assert_eq!(r[0]["EvalDecision"], "implicitDeny");
            assert_eq!(r[0]["MatchedStatements"], json!([]));
            assert_eq!(r[0]["MissingContextValues"], json!([]));
            // BatchGetImage is only allowed on the checkout repository.
            assert_eq!(r[1]["EvalDecision"], "implicitDeny");
            let repo = inst.sim.world().repositories["checkout-api"].arn.clone();
            let v = call(
                &inst,
                &format!("iam simulate-principal-policy --policy-source-arn {arn} --action-names ecr:BatchGetImage --resource-arns {repo}"),
            )
            .unwrap();
            let r = &v["EvaluationResults"][0];
            assert_eq!(r["EvalDecision"], "allowed");
            assert_eq!(r["EvalResourceName"], json!(repo));
            let m = &r["MatchedStatements"][0];
            assert_eq!(m["SourcePolicyId"], json!(inst.vars["policy"]));
            let statement_keys: Vec<&String> = m.as_object().unwrap().keys().collect();
            assert_eq!(
                statement_keys,
                ["SourcePolicyId", "StartPosition", "EndPosition"]
            );
            assert!(m["StartPosition"]["Line"].as_u64().unwrap() > 1);
            assert_eq!(
                r["ResourceSpecificResults"][0]["EvalResourceDecision"],
                "allowed"
            );
            let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                [
                    "EvalActionName",
                    "EvalResourceName",
                    "EvalDecision",
                    "MatchedStatements",
                    "MissingContextValues",
                    "EvalDecisionDetails",
                    "ResourceSpecificResults"
                ]
            );
        }
    }

    #[test]
    fn simulator_matches_inline_policies_by_role_name() {
        let inst = instance("execution-role-permissions.yaml", 1);
        let arn = inst.sim.world().role_arn("checkout-task-execution");
        let v = call(&inst, &format!("iam simulate-principal-policy --policy-source-arn {arn} --action-names secretsmanager:GetSecretValue --resource-arns {}", inst.sim.world().secrets["prod/checkout/db"].arn)).unwrap();
        let r = &v["EvaluationResults"][0];
        assert_eq!(r["EvalDecision"], "allowed");
        assert_eq!(
            r["MatchedStatements"][0]["SourcePolicyId"],
            "role_checkout-task-execution_read-checkout-secrets"
        );
        let e = aws_err(call(
            &inst,
            &format!(
                "iam simulate-principal-policy --policy-source-arn {} --action-names s3:GetObject",
                inst.sim.world().role_arn("ghost")
            ),
        ));
        assert_eq!(e.code, "NoSuchEntity");
        assert_eq!(e.message, "The role with name ghost cannot be found.");
    }

    #[test]
    fn role_and_trust_policy() {
        let inst = instance("execution-role-permissions.yaml", 1);
        let v = call(&inst, "iam get-role --role-name checkout-task-execution").unwrap();
        let r = &v["Role"];
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "Path",
                "RoleName",
                "RoleId",
                "Arn",
                "CreateDate",
                "AssumeRolePolicyDocument",
                "Description",
                "MaxSessionDuration",
                "RoleLastUsed"
            ]
        );
        assert_eq!(
            r["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "ecs-tasks.amazonaws.com"
        );
        assert!(r["RoleId"].as_str().unwrap().starts_with("AROA"));
        let created = r["CreateDate"].as_str().unwrap();
        assert!(
            created.ends_with("+00:00") && !created.contains('.'),
            "{created}"
        );
        assert_eq!(r["RoleLastUsed"]["Region"], "us-east-1");
        let e = aws_err(call(&inst, "iam get-role --role-name nope"));
        assert_eq!(e.code, "NoSuchEntity");
        assert_eq!(e.message, "The role with name nope cannot be found.");
        assert_eq!(
            e.to_string(),
            "An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name nope cannot be found."
        );
    }

    #[test]
    fn inline_policies() {
        let inst = instance("oom-killed.yaml", 1);
        let v = call(
            &inst,
            "iam list-role-policies --role-name checkout-task-execution",
        )
        .unwrap();
        assert_eq!(v, json!({"PolicyNames": ["read-checkout-secrets"]}));
        let v = call(&inst, "iam get-role-policy --role-name checkout-task-execution --policy-name read-checkout-secrets").unwrap();
        assert_eq!(v["RoleName"], "checkout-task-execution");
        assert_eq!(
            v["PolicyDocument"]["Statement"][0]["Action"],
            "secretsmanager:GetSecretValue"
        );
        let e = aws_err(call(
            &inst,
            "iam get-role-policy --role-name checkout-task-execution --policy-name nope",
        ));
        assert_eq!(e.message, "The role policy with name nope cannot be found.");
    }

    #[test]
    fn managed_policies_and_versions() {
        let inst = instance("execution-role-permissions.yaml", 1);
        let w = inst.sim.world();
        let v = call(
            &inst,
            &format!("iam get-policy --policy-arn {TASK_EXECUTION_POLICY_ARN}"),
        )
        .unwrap();
        let p = &v["Policy"];
        // Detached by the platform team: no role uses it any more.
        assert_eq!(p["AttachmentCount"], 0);
        assert_eq!(p["DefaultVersionId"], "v1");
        assert_eq!(p["Path"], "/service-role/");
        let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "PolicyName",
                "PolicyId",
                "Arn",
                "Path",
                "DefaultVersionId",
                "AttachmentCount",
                "PermissionsBoundaryUsageCount",
                "IsAttachable",
                "Description",
                "CreateDate",
                "UpdateDate",
                "Tags"
            ]
        );
        let own = w
            .name(&format!("policy:{}", inst.vars["policy"]))
            .unwrap()
            .to_string();
        let v = call(&inst, &format!("iam get-policy --policy-arn {own}")).unwrap();
        assert_eq!(v["Policy"]["AttachmentCount"], 1);
        let v = call(
            &inst,
            &format!("iam get-policy-version --policy-arn {own} --version-id v1"),
        )
        .unwrap();
        let doc = &v["PolicyVersion"]["Document"];
        assert_eq!(doc["Version"], "2012-10-17");
        assert!(!doc.to_string().contains(&inst.vars["missing"]));
        assert_eq!(v["PolicyVersion"]["IsDefaultVersion"], true);
        let e = aws_err(call(
            &inst,
            &format!("iam get-policy-version --policy-arn {own} --version-id v2"),
        ));
        assert_eq!(e.code, "NoSuchEntity");
        let missing = format!("arn:aws:iam::{}:policy/nope", w.account);
        let e = aws_err(call(
            &inst,
            &format!("iam get-policy --policy-arn {missing}"),
        ));
        assert_eq!(e.message, format!("Policy {missing} was not found."));

        let local = call(&inst, "iam list-policies --scope Local").unwrap();
        let names: Vec<&str> = local["Policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["PolicyName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["checkout-exec-minimal", "checkout-exec-minimal-v2"]);
        assert!(local["Policies"][0].get("Description").is_none());
        let attached = call(&inst, "iam list-policies --only-attached").unwrap();
        assert_eq!(attached["Policies"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn positions_of_statements() {
        let doc: PolicyDocument = serde_json::from_str(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},{"Effect":"Deny","Action":"c:d","Resource":"x{y}"}]}"#,
        )
        .unwrap();
        let p = statement_positions(&doc);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].0, (4, 5));
        assert!(p[1].0 .0 > p[0].1 .0);
        let one: PolicyDocument = serde_json::from_str(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}"#,
        )
        .unwrap();
        assert_eq!(statement_positions(&one).len(), 1);
    }
}
