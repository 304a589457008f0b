//! Fix-quality lints: fixes that work but break the security and cost
//! practices every Fargate engineer is expected to know (least privilege,
//! private subnets, restricted ingress and egress, right-sizing, keeping
//! capacity and logs).
//!
//! A lint judges what the player's fixes changed: it compares the world
//! before the fixes with the world after them, so whatever the environment
//! already had (an unused security group open on 22, a broad policy it was
//! built with) is never held against the player. Lints read both worlds and
//! never change them; they never panic on odd worlds (missing services,
//! roles, task definitions, images): what cannot be judged is not linted.

use super::{AppliedFix, Lint};
use crate::engine::taskdef;
use crate::scenario::Scenario;
use crate::world::{
    evaluate, glob_match, Decision, Effect, PolicyDocument, Principal, Role, RouteDest,
    RouteTarget, SecurityGroup, Service, SgRule, TaskDefinition, World, TASK_EXECUTION_POLICY_ARN,
};
use std::collections::{BTreeMap, BTreeSet};

/// One kind of lint: its stable id, the points it costs and what it catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintKind {
    /// Stable id, e.g. `iam.admin-access`.
    pub id: &'static str,
    /// Points taken off.
    pub penalty: u32,
    /// One line: what it catches.
    pub summary: &'static str,
}

/// A role gained `*` or `<service>:*` on every resource.
pub const ADMIN_ACCESS: LintKind = LintKind {
    id: "iam.admin-access",
    penalty: 25,
    summary: "a role gained AdministratorAccess or a `<service>:*` grant on every resource",
};
/// A new statement grants specific actions on `*` where an ARN was possible.
pub const WILDCARD_RESOURCE: LintKind = LintKind {
    id: "iam.wildcard-resource",
    penalty: 10,
    summary: "a new statement allows actions on Resource `*` where a specific ARN was possible",
};
/// A role's trust policy now trusts anyone.
pub const TRUST_WIDENED: LintKind = LintKind {
    id: "iam.trust-widened",
    penalty: 20,
    summary: "a role's trust policy now trusts `*`",
};
/// The judged service now gets public IPs or runs in public subnets.
pub const PUBLIC_IP: LintKind = LintKind {
    id: "network.public-ip",
    penalty: 20,
    summary: "the service's tasks now get public IPs or run in public subnets",
};
/// A security group gained ingress from 0.0.0.0/0.
pub const OPEN_INGRESS: LintKind = LintKind {
    id: "network.open-ingress",
    penalty: 20,
    summary: "a security group gained ingress from 0.0.0.0/0",
};
/// Restricted egress widened to all traffic everywhere.
pub const WIDE_EGRESS: LintKind = LintKind {
    id: "network.wide-egress",
    penalty: 5,
    summary: "a security group's restricted egress was widened to all traffic to 0.0.0.0/0",
};
/// A network ACL's restricted inbound rules were reopened to everything.
pub const ACL_REOPENED: LintKind = LintKind {
    id: "network.acl-reopened",
    penalty: 10,
    summary:
        "a network ACL whose inbound rules were restricted now allows all traffic from 0.0.0.0/0",
};
/// The judged service's task is sized far beyond what it needs.
pub const OVERSIZED_TASK: LintKind = LintKind {
    id: "cost.oversized-task",
    penalty: 15,
    summary: "the service's task memory or CPU is far beyond what its application needs",
};
/// The judged service's desired count was lowered.
pub const SCALED_TO_ZERO: LintKind = LintKind {
    id: "availability.scaled-to-zero",
    penalty: 30,
    summary: "the service's desired count was lowered to hide a capacity problem",
};
/// A container of the judged service lost its awslogs configuration.
pub const LOGGING_REMOVED: LintKind = LintKind {
    id: "logs.logging-removed",
    penalty: 15,
    summary: "a container of the service lost its awslogs log configuration",
};

/// Every lint, in id order.
pub const KINDS: [LintKind; 10] = [
    SCALED_TO_ZERO,
    OVERSIZED_TASK,
    ADMIN_ACCESS,
    TRUST_WIDENED,
    WILDCARD_RESOURCE,
    LOGGING_REMOVED,
    ACL_REOPENED,
    OPEN_INGRESS,
    PUBLIC_IP,
    WIDE_EGRESS,
];

// [judgement] Task memory counts as oversized above 2.5x the summed peak of
// its containers' applications, and only above 2 GiB (small tasks are cheap
// whatever their ratio).
const MEMORY_FACTOR: f64 = 2.5;
const MEMORY_FLOOR_MIB: u32 = 2048;
// [judgement] Task CPU counts as oversized above 4x the largest cpu_units of
// its applications, and only above 1 vCPU.
const CPU_FACTOR: u32 = 4;
const CPU_FLOOR_UNITS: u32 = 1024;
// [judgement] The size we suggest instead: 25% memory headroom over the peak,
// twice the CPU units the application needs, rounded up to a Fargate size.
const SUGGEST_MEMORY_HEADROOM: f64 = 1.25;
const SUGGEST_CPU_FACTOR: u32 = 2;

/// The lints a set of fixes earns, judged on the world before and after them.
///
/// Ordered by id, then by the resource each names. No fixes, no lints: what
/// the world did on its own is not the player's doing.
pub fn lint(scenario: &Scenario, before: &World, after: &World, fixes: &[AppliedFix]) -> Vec<Lint> {
    if fixes.is_empty() {
        return Vec::new();
    }
    let judged = Judged {
        before: before.service(
            &scenario.spec.success.cluster,
            &scenario.spec.success.service,
        ),
        after: after.service(
            &scenario.spec.success.cluster,
            &scenario.spec.success.service,
        ),
    };
    let cx = Cx {
        before,
        after,
        fixes,
        judged,
    };
    let mut found = Vec::new();
    iam_lints(&cx, &mut found);
    public_ip(&cx, &mut found);
    security_groups(&cx, &mut found);
    network_acls(&cx, &mut found);
    oversized_task(&cx, &mut found);
    scaled_down(&cx, &mut found);
    logging_removed(&cx, &mut found);
    found.sort_by(|a, b| {
        (a.kind.id, &a.resource, &a.reason).cmp(&(b.kind.id, &b.resource, &b.reason))
    });
    found
        .into_iter()
        .map(|f| Lint {
            id: f.kind.id,
            penalty: f.kind.penalty,
            reason: f.reason,
            better: f.better,
        })
        .collect()
}

/// Both worlds, the fixes, and the service the scenario judges.
struct Cx<'a> {
    before: &'a World,
    after: &'a World,
    fixes: &'a [AppliedFix],
    judged: Judged<'a>,
}

/// The judged service in each world (either may be missing in an odd world).
struct Judged<'a> {
    before: Option<&'a Service>,
    after: Option<&'a Service>,
}

/// A lint found, with the resource it is sorted by.
struct Found {
    kind: LintKind,
    resource: String,
    reason: String,
    better: String,
}

impl Cx<'_> {
    /// `` (by `service operation`)`` for the last fix of one of the CLI services
    /// `services` (all when empty) whose line names one of `needles` as a word.
    fn by(&self, services: &[&str], needles: &[&str]) -> String {
        self.by_both(services, needles, &[])
    }

    /// Like [`Cx::by`], preferring a fix that also names one of `also`.
    fn by_both(&self, services: &[&str], needles: &[&str], also: &[&str]) -> String {
        let candidates = || {
            self.fixes
                .iter()
                .rev()
                .filter(|f| services.is_empty() || services.contains(&f.service.as_str()))
                .filter(|f| needles.iter().any(|n| names_word(&f.line, n)))
        };
        candidates()
            .find(|f| also.iter().any(|n| names_word(&f.line, n)))
            .or_else(|| candidates().next())
            .map(|f| format!(" (by `{} {}`)", f.service, f.operation))
            .unwrap_or_default()
    }

    /// The judged service's task definition in each world.
    fn task_definitions(&self) -> (Option<&TaskDefinition>, Option<&TaskDefinition>) {
        (
            self.judged
                .before
                .and_then(|s| self.before.task_definition(&s.task_definition)),
            self.judged
                .after
                .and_then(|s| self.after.task_definition(&s.task_definition)),
        )
    }
}

// ---------------------------------------------------------------- IAM

/// Whether `line` holds `word` not as part of a longer name
/// (`checkout-task` is not named by `checkout-task-execution`).
fn names_word(line: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let part = |c: char| c.is_ascii_alphanumeric() || "-_".contains(c);
    line.match_indices(word).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + word.len()..].chars().next();
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

/// Where a grant comes from.
#[derive(Debug, Clone)]
struct Source {
    /// `AdministratorAccess` or `inline policy allow-all`.
    label: String,
    /// An AWS-managed policy (which the player cannot scope down).
    aws_managed: bool,
    /// What a fix line names it by: the policy ARN, or the inline policy's name.
    needle: String,
}

/// What a role's Allow statements grant: (lower-case action pattern, resource
/// pattern) to the action as written and where it comes from.
type Grants = BTreeMap<(String, String), (String, Vec<Source>)>;

fn grants(w: &World, role: &Role) -> Grants {
    let mut out = Grants::new();
    let mut add = |doc: &PolicyDocument, src: &Source| {
        for st in doc.statements() {
            if st.effect != Effect::Allow {
                continue;
            }
            let Some(resources) = st.resource.as_ref().map(|r| r.to_vec()) else {
                continue;
            };
            let actions: Vec<(String, String)> = match (&st.action, &st.not_action) {
                (Some(a), _) => a
                    .to_vec()
                    .into_iter()
                    .map(|a| (a.to_ascii_lowercase(), a))
                    .collect(),
                (None, Some(na)) => {
                    let mut v = na.to_vec();
                    v.sort();
                    let shown = format!("everything but {}", v.join(", "));
                    vec![(
                        format!("notaction:{}", v.join(",").to_ascii_lowercase()),
                        shown,
                    )]
                }
                (None, None) => continue,
            };
            for (key, shown) in &actions {
                for r in &resources {
                    out.entry((key.clone(), r.clone()))
                        .or_insert_with(|| (shown.clone(), Vec::new()))
                        .1
                        .push(src.clone());
                }
            }
        }
    };
    for arn in &role.attached {
        if let Some(p) = w.policies.get(arn) {
            let src = Source {
                label: p.name.clone(),
                aws_managed: arn.starts_with("arn:aws:iam::aws:policy/"),
                needle: arn.clone(),
            };
            add(&p.document, &src);
        }
    }
    for (name, doc) in &role.inline {
        let src = Source {
            label: format!("inline policy {name}"),
            aws_managed: false,
            needle: name.clone(),
        };
        add(doc, &src);
    }
    out
}

/// `*`, `*:*`, `s3:*`, or an Allow with NotAction: every action of a service or more.
fn is_broad_action(key: &str) -> bool {
    let all_stars = |s: &str| !s.is_empty() && s.chars().all(|c| c == '*');
    key.starts_with("notaction:")
        || all_stars(key)
        || key.split_once(':').is_some_and(|(_, op)| all_stars(op))
}

/// Whether a resource pattern names no specific resource: `*`, `arn:aws:s3:::*`,
/// `arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:logs:r:a:log-group:*`.
/// [judgement] A pattern whose resource part is only a type and wildcards counts as `*`.
fn is_wildcard_resource(r: &str) -> bool {
    let all_stars = |s: &str| !s.is_empty() && s.chars().all(|c| c == '*');
    if all_stars(r) {
        return true;
    }
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    if parts.first() != Some(&"arn") {
        return false;
    }
    if parts.len() < 6 {
        return parts.last().is_some_and(|p| all_stars(p));
    }
    let rest = parts[5];
    if all_stars(rest) {
        return true;
    }
    if parts[2] == "s3" {
        // S3 ARNs have no type: `bucket/*` names a bucket.
        return rest.chars().all(|c| c == '*' || c == '/');
    }
    match rest.split_once([':', '/']) {
        Some((ty, name)) => {
            !ty.is_empty()
                && ty
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && all_stars(name)
        }
        None => false,
    }
}

/// Actions that take no resource (or only `*`) in IAM, so `*` is the only choice.
/// [judgement] Besides the named ones, read-only `Describe*` and `List*` calls
/// are treated as resource-less: they reveal metadata, not data.
fn is_resourceless(action: &str) -> bool {
    const NAMED: [&str; 5] = [
        "ecr:getauthorizationtoken",
        "sts:getcalleridentity",
        "secretsmanager:getrandompassword",
        "kms:generaterandom",
        "logs:describeloggroups",
    ];
    let a = action.to_ascii_lowercase();
    if NAMED.contains(&a.as_str()) {
        return true;
    }
    a.split_once(':')
        .is_some_and(|(_, op)| op.starts_with("describe") || op.starts_with("list"))
}

/// What a role's trust policy lets anyone assume it as: `*`, `AWS: *`, `Service: *`.
fn wide_trust(doc: &PolicyDocument) -> Option<String> {
    for st in doc.statements() {
        if st.effect != Effect::Allow {
            continue;
        }
        let assumes = match (&st.action, &st.not_action) {
            (Some(a), _) => a
                .to_vec()
                .iter()
                .any(|p| glob_match(p, "sts:AssumeRole", true)),
            (None, Some(na)) => !na
                .to_vec()
                .iter()
                .any(|p| glob_match(p, "sts:AssumeRole", true)),
            (None, None) => false,
        };
        if !assumes {
            continue;
        }
        let star = |v: &Option<crate::world::OneOrMany>| {
            v.as_ref()
                .is_some_and(|v| v.to_vec().iter().any(|p| p == "*"))
        };
        match &st.principal {
            Some(Principal::Any(s)) if s == "*" => return Some("\"Principal\": \"*\"".into()),
            Some(Principal::Map(m)) if star(&m.aws) => {
                return Some("\"Principal\": {\"AWS\": \"*\"}".into())
            }
            Some(Principal::Map(m)) if star(&m.service) => {
                return Some("\"Principal\": {\"Service\": \"*\"}".into())
            }
            _ => {}
        }
    }
    None
}

/// Whether some task definition in `w` uses the role as its execution role.
fn is_execution_role(w: &World, role: &Role) -> bool {
    w.task_definitions
        .values()
        .any(|td| td.def.execution_role_arn.as_deref() == Some(role.arn.as_str()))
}

fn iam_lints(cx: &Cx, out: &mut Vec<Found>) {
    for (name, role) in &cx.after.roles {
        let old = cx.before.roles.get(name);
        let now = grants(cx.after, role);
        let was = old.map(|r| grants(cx.before, r)).unwrap_or_default();
        let old_docs: Vec<&PolicyDocument> =
            old.map(|r| cx.before.role_documents(r)).unwrap_or_default();
        let by = |srcs: &[&Source]| {
            let also: Vec<&str> = srcs.iter().map(|s| s.needle.as_str()).collect();
            cx.by_both(&["iam"], &[name.as_str()], &also)
        };
        let exec = is_execution_role(cx.after, role);

        // Broad grants the role did not have (nor had through a broader one).
        let was_broad: Vec<&String> = was
            .keys()
            .filter(|(a, r)| is_broad_action(a) && is_wildcard_resource(r))
            .map(|(a, _)| a)
            .collect();
        let (mut broad, mut broad_srcs) = (Vec::new(), Vec::new());
        let (mut narrow, mut narrow_srcs) = (Vec::new(), Vec::new());
        for ((key, res), (shown, srcs)) in &now {
            if was.contains_key(&(key.clone(), res.clone())) || !is_wildcard_resource(res) {
                continue;
            }
            if is_broad_action(key) {
                let covered = was_broad
                    .iter()
                    .any(|b| !b.starts_with("notaction:") && glob_match(b, key, true));
                if !covered {
                    broad.push(describe_grant(shown, res, srcs));
                    broad_srcs.extend(srcs);
                }
                continue;
            }
            if is_resourceless(key) || srcs.iter().all(|s| s.aws_managed) {
                continue;
            }
            let concrete = !key.contains(['*', '?']);
            if concrete && evaluate(old_docs.iter().copied(), shown, "*") == Decision::Allow {
                continue;
            }
            narrow.push((shown.clone(), describe_grant(shown, res, srcs)));
            narrow_srcs.extend(srcs);
        }
        if !broad.is_empty() {
            let better = if exec {
                format!(
                    "Remove the broad grant and attach {TASK_EXECUTION_POLICY_ARN} (the six actions an execution role needs), or add only the missing action on the specific resource with iam put-role-policy."
                )
            } else {
                "Remove the broad grant and allow only the actions the application calls, on its own resources (ARNs), with iam put-role-policy.".into()
            };
            out.push(Found {
                kind: ADMIN_ACCESS,
                resource: name.clone(),
                reason: format!("role {name} gained {}{}", broad.join("; "), by(&broad_srcs)),
                better,
            });
        }
        if !narrow.is_empty() {
            let arns: Vec<String> = narrow
                .iter()
                .filter_map(|(a, _)| specific_arn(cx, a).map(|arn| format!("{a} on {arn}")))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let better = if arns.is_empty() {
                "Name the specific resource ARNs in Resource instead of \"*\".".to_string()
            } else {
                format!(
                    "Name the specific resources instead of \"*\": {}.",
                    arns.join("; ")
                )
            };
            out.push(Found {
                kind: WILDCARD_RESOURCE,
                resource: name.clone(),
                reason: format!(
                    "role {name} gained {}{}",
                    narrow
                        .iter()
                        .map(|(_, d)| d.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    by(&narrow_srcs)
                ),
                better,
            });
        }

        let old_wide = old.and_then(|r| wide_trust(&r.trust));
        if let (Some(wide), None) = (wide_trust(&role.trust), old_wide) {
            const ECS_TASKS: &str = "ecs-tasks.amazonaws.com";
            let ecs = exec || old.is_some_and(|r| r.trust.trusts_service(ECS_TASKS));
            let better = if ecs {
                format!(
                    "Trust {ECS_TASKS} only: {{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"{ECS_TASKS}\"}},\"Action\":\"sts:AssumeRole\"}}."
                )
            } else {
                "Trust only the service principal that assumes the role, as it did before.".into()
            };
            let by = cx.by_both(&["iam"], &[name.as_str()], &["update-assume-role-policy"]);
            out.push(Found {
                kind: TRUST_WIDENED,
                resource: name.clone(),
                reason: format!(
                    "role {name}'s trust policy now has {wide}: any principal may assume it{by}"
                ),
                better,
            });
        }
    }
}

fn describe_grant(action: &str, resource: &str, srcs: &[Source]) -> String {
    let labels: BTreeSet<&str> = srcs.iter().map(|s| s.label.as_str()).collect();
    let labels: Vec<&str> = labels.into_iter().collect();
    format!("`{action}` on `{resource}` through {}", labels.join(", "))
}

/// The resource the judged service actually uses for `action`, when one is known.
fn specific_arn(cx: &Cx, action: &str) -> Option<String> {
    let (_, td) = cx.task_definitions();
    let td = td?;
    let w = cx.after;
    let service = action.split_once(':')?.0.to_ascii_lowercase();
    let refs = || {
        td.def
            .container_definitions
            .iter()
            .flat_map(|c| c.secrets.iter().map(|s| s.value_from.clone()))
    };
    let found: Vec<String> = match service.as_str() {
        "secretsmanager" => refs().filter(|v| v.contains(":secretsmanager:")).collect(),
        "ssm" => refs()
            .filter(|v| !v.contains(":secretsmanager:"))
            .map(|v| {
                if v.starts_with("arn:") {
                    v
                } else {
                    w.parameters
                        .get(&v)
                        .map(|p| p.arn.clone())
                        .unwrap_or_else(|| {
                            w.arn("ssm", &format!("parameter/{}", v.trim_start_matches('/')))
                        })
                }
            })
            .collect(),
        // The customer managed keys of the secrets and SecureStrings it reads.
        "kms" => refs()
            .filter_map(|v| {
                let key = if v.contains(":secretsmanager:") {
                    let base: Vec<&str> = v.split(':').take(7).collect();
                    w.secret_by_arn(&base.join(":"))?.kms_key_id.clone()
                } else {
                    let name = v.split_once(":parameter").map_or(v.as_str(), |(_, n)| n);
                    let region = if v.starts_with("arn:") {
                        v.split(':').nth(3).unwrap_or(&w.region)
                    } else {
                        &w.region
                    };
                    w.parameter_in(region, name)?.kms_key_id.clone()
                };
                key
            })
            .collect(),
        "logs" => td
            .def
            .container_definitions
            .iter()
            .filter_map(|c| c.awslogs()?.get("awslogs-group").cloned())
            .map(|g| w.arn("logs", &format!("log-group:{g}:*")))
            .collect(),
        "ecr" => td
            .def
            .container_definitions
            .iter()
            .filter_map(|c| image_repo(&c.image).0)
            .filter_map(|r| w.repositories.get(&r).map(|r| r.arn.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let found: BTreeSet<String> = found.into_iter().collect();
    if found.is_empty() {
        None
    } else {
        Some(found.into_iter().collect::<Vec<_>>().join(", "))
    }
}

// ---------------------------------------------------------------- Network

/// The internet gateway a subnet's default route goes to, if it is public.
fn igw_route(w: &World, subnet: &str) -> Option<String> {
    w.route_table_for(subnet)?
        .routes
        .iter()
        .find_map(|r| match (&r.dest, &r.target) {
            (RouteDest::Cidr(c), RouteTarget::InternetGateway(g)) if c.prefix == 0 => {
                Some(g.clone())
            }
            _ => None,
        })
}

fn subnet_label(w: &World, id: &str) -> String {
    match w.subnets.get(id) {
        Some(s) if !s.name.is_empty() => format!("{id} ({})", s.name),
        _ => id.to_string(),
    }
}

fn public_ip(cx: &Cx, out: &mut Vec<Found>) {
    let Some(svc) = cx.judged.after else {
        return;
    };
    let old = cx.judged.before;
    let was_public: BTreeSet<&String> = old
        .map(|s| {
            s.network
                .subnets
                .iter()
                .filter(|id| igw_route(cx.before, id).is_some())
                .collect()
        })
        .unwrap_or_default();
    // Each change is named with the fix that made it: public IPs and new
    // subnets by the service update, a new internet route by the route change.
    let mut what = Vec::new();
    if svc.network.assign_public_ip && !old.is_some_and(|s| s.network.assign_public_ip) {
        what.push(format!(
            "assigns public IPs to its tasks (assignPublicIp ENABLED){}",
            cx.by(&["ecs"], &[svc.name.as_str()])
        ));
    }
    let used_before: BTreeSet<&String> = old
        .map(|s| s.network.subnets.iter().collect())
        .unwrap_or_default();
    let newly: Vec<String> = svc
        .network
        .subnets
        .iter()
        .filter(|id| !was_public.contains(id))
        .filter_map(|id| {
            let igw = igw_route(cx.after, id)?;
            let by = if used_before.contains(id) {
                // The same subnet became public: its route table changed.
                let rt = cx.after.route_table_for(id).map(|rt| rt.id.clone());
                let needles: Vec<&str> =
                    rt.iter().map(String::as_str).chain([id.as_str()]).collect();
                cx.by(&["ec2"], &needles)
            } else {
                cx.by(&["ecs"], &[svc.name.as_str(), id.as_str()])
            };
            Some(format!(
                "{} (0.0.0.0/0 -> {igw}){by}",
                subnet_label(cx.after, id)
            ))
        })
        .collect();
    if !newly.is_empty() {
        what.push(format!("runs in public subnets {}", newly.join(", ")));
    }
    if what.is_empty() {
        return;
    }
    let mut better = "Keep the tasks in private subnets with assignPublicIp DISABLED".to_string();
    match nat_hint(cx) {
        Some(cmd) => better.push_str(&format!(
            " and restore the NAT route ({cmd}), or add VPC endpoints (ecr.api, ecr.dkr, s3, logs, secretsmanager)."
        )),
        None => better.push_str(
            "; restore the 0.0.0.0/0 route to a NAT gateway in their route tables, or add VPC endpoints (ecr.api, ecr.dkr, s3, logs, secretsmanager).",
        ),
    }
    out.push(Found {
        kind: PUBLIC_IP,
        resource: format!("{}/{}", svc.cluster, svc.name),
        reason: format!("service {} now {}", svc.name, what.join(" and ")),
        better,
    });
}

/// `ec2 create-route ...` restoring a default route to a NAT gateway for a
/// private subnet the service used before, when one lacks it.
fn nat_hint(cx: &Cx) -> Option<String> {
    let old = cx.judged.before?;
    for id in &old.network.subnets {
        let Some(rt) = cx.after.route_table_for(id) else {
            continue;
        };
        let has_default = rt
            .routes
            .iter()
            .any(|r| matches!(&r.dest, RouteDest::Cidr(c) if c.prefix == 0));
        if has_default {
            continue;
        }
        let az = cx.after.subnets.get(id).map(|s| s.az.as_str());
        let nat = cx
            .after
            .nat_gateways
            .values()
            .filter(|n| n.state == "available" && n.vpc_id == rt.vpc_id)
            .min_by_key(|n| {
                let same_az = cx.after.subnets.get(&n.subnet_id).map(|s| s.az.as_str()) == az;
                (!same_az, n.id.clone())
            })?;
        return Some(format!(
            "ec2 create-route --route-table-id {} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {}",
            rt.id, nat.id
        ));
    }
    None
}

fn sg_label(sg: &SecurityGroup) -> String {
    if sg.name.is_empty() {
        sg.id.clone()
    } else {
        format!("{} ({})", sg.id, sg.name)
    }
}

fn from_anywhere(r: &SgRule) -> bool {
    r.cidrs.iter().any(|c| c.prefix == 0)
}

fn all_protocols(r: &SgRule) -> bool {
    matches!(r.protocol.as_str(), "-1" | "all")
}

fn ports_text(r: &SgRule) -> String {
    if all_protocols(r) {
        return "all traffic".into();
    }
    let proto = match r.protocol.as_str() {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        p => p,
    };
    if r.from_port < 0 || (r.from_port <= 0 && r.to_port >= 65535) {
        format!("all {proto}")
    } else if r.from_port == r.to_port {
        format!("{proto} {}", r.from_port)
    } else {
        format!("{proto} {}-{}", r.from_port, r.to_port)
    }
}

/// Whether `old` already let in from 0.0.0.0/0 everything `r` lets in.
fn already_open(old: &[SgRule], r: &SgRule) -> bool {
    old.iter().filter(|o| from_anywhere(o)).any(|o| {
        all_protocols(o)
            || (o.protocol == r.protocol
                && (o.from_port < 0 || (o.from_port <= r.from_port && r.to_port <= o.to_port)))
    })
}

/// Egress that allows all traffic to 0.0.0.0/0.
/// [judgement] Every TCP port to anywhere counts as all traffic too.
fn all_egress(r: &SgRule) -> bool {
    from_anywhere(r)
        && (all_protocols(r)
            || (matches!(r.protocol.as_str(), "tcp" | "6")
                && (r.from_port < 0 || (r.from_port <= 1 && r.to_port >= 65535))))
}

/// Security groups of the load balancers in front of the judged service.
fn lb_groups(cx: &Cx) -> Vec<String> {
    let Some(svc) = cx.judged.after else {
        return Vec::new();
    };
    let w = cx.after;
    let mut out = BTreeSet::new();
    for b in &svc.load_balancers {
        let Some(tg) = w.target_groups.get(&b.target_group_arn) else {
            continue;
        };
        for lb in tg
            .load_balancer_arns
            .iter()
            .filter_map(|a| w.load_balancers.get(a))
        {
            out.extend(lb.security_groups.iter().cloned());
        }
    }
    out.into_iter().collect()
}

fn security_groups(cx: &Cx, out: &mut Vec<Found>) {
    let internet_facing: BTreeSet<&String> = cx
        .after
        .load_balancers
        .values()
        .filter(|lb| lb.scheme == "internet-facing")
        .flat_map(|lb| lb.security_groups.iter())
        .collect();
    let lbs = lb_groups(cx);
    let task_groups: BTreeSet<&String> = cx
        .judged
        .after
        .map(|s| s.network.security_groups.iter().collect())
        .unwrap_or_default();
    for (id, sg) in &cx.after.security_groups {
        let old = cx.before.security_groups.get(id);
        let by = cx.by(&["ec2"], &[id.as_str()]);
        let old_ingress: &[SgRule] = old.map(|g| g.ingress.as_slice()).unwrap_or(&[]);
        let faces_internet = internet_facing.contains(id);
        let opened: Vec<&SgRule> = sg
            .ingress
            .iter()
            .filter(|r| from_anywhere(r) && !already_open(old_ingress, r))
            .filter(|r| {
                // HTTP and HTTPS from anywhere is what an internet-facing load balancer is for.
                let web = matches!(r.protocol.as_str(), "tcp" | "6")
                    && r.from_port == r.to_port
                    && matches!(r.from_port, 80 | 443);
                !(faces_internet && web)
            })
            .collect();
        if !opened.is_empty() {
            let ports: BTreeSet<String> = opened.iter().map(|r| ports_text(r)).collect();
            let ports: Vec<String> = ports.into_iter().collect();
            let lb_sg = lbs
                .iter()
                .filter(|g| *g != id)
                .filter_map(|g| cx.after.security_groups.get(g))
                .map(sg_label)
                .collect::<Vec<_>>();
            let better = if faces_internet {
                "An internet-facing load balancer needs only tcp 80 and 443 from 0.0.0.0/0; remove the rest.".to_string()
            } else if !lb_sg.is_empty() && task_groups.contains(id) {
                format!(
                    "Allow only the load balancer's security group {} as the source, on the container port.",
                    lb_sg.join(", ")
                )
            } else {
                "Allow only the security group (or the narrow CIDR) that needs it as the source; use Session Manager instead of opening SSH.".to_string()
            };
            out.push(Found {
                kind: OPEN_INGRESS,
                resource: id.clone(),
                reason: format!(
                    "security group {} gained ingress from 0.0.0.0/0 on {}{by}",
                    sg_label(sg),
                    ports.join(", ")
                ),
                better,
            });
        }

        let Some(old) = old else {
            continue;
        };
        let was_restricted = !old.egress.iter().any(all_egress);
        if was_restricted && sg.egress.iter().any(all_egress) {
            out.push(Found {
                kind: WIDE_EGRESS,
                resource: id.clone(),
                reason: format!(
                    "security group {}'s egress was restricted ({}) and now allows all traffic to 0.0.0.0/0{by}",
                    sg_label(sg),
                    if old.egress.is_empty() {
                        "none".to_string()
                    } else {
                        old.egress.iter().map(egress_text).collect::<Vec<_>>().join(", ")
                    }
                ),
                better: "Add only what is missing, e.g. tcp 443 to 0.0.0.0/0 (or to the VPC endpoints' security group or prefix list) for AWS APIs, and keep the rest restricted.".into(),
            });
        }
    }
}

/// Whether an ACL lets everything in from the internet: SSH, databases and
/// the ephemeral ports alike (a sample of ports that a restricted ACL keeps
/// apart).
fn acl_open_inbound(acl: &crate::world::NetworkAcl) -> bool {
    const INTERNET: u32 = 0x3400_0001; // 52.0.0.1
    [22, 443, 3306, 40000]
        .iter()
        .all(|p| acl.decide_tcp(false, INTERNET, *p).0 == crate::world::NaclAction::Allow)
}

fn network_acls(cx: &Cx, out: &mut Vec<Found>) {
    for (id, acl) in &cx.after.network_acls {
        let Some(old) = cx.before.network_acls.get(id) else {
            continue;
        };
        if !acl_open_inbound(old) && acl_open_inbound(acl) {
            let by = cx.by(&["ec2"], &[id.as_str()]);
            out.push(Found {
                kind: ACL_REOPENED,
                resource: id.clone(),
                reason: format!(
                    "network ACL {id}'s inbound rules were restricted and now allow all traffic from 0.0.0.0/0{by}"
                ),
                better: "Allow back in only what the subnets need: the replies, tcp 1024-65535 from 0.0.0.0/0 (network ACLs are stateless), and keep the rest of the restriction.".into(),
            });
        }
    }
}

fn egress_text(r: &SgRule) -> String {
    let mut to: Vec<String> = r.cidrs.iter().map(|c| c.to_string()).collect();
    to.extend(r.groups.iter().cloned());
    to.extend(r.prefix_lists.iter().cloned());
    format!("{} to {}", ports_text(r), to.join(" "))
}

// ---------------------------------------------------------------- Tasks

/// Repository name and tag or digest of an image reference
/// (`<registry>/<repo>:<tag>`, `<registry>/<repo>@sha256:...`).
fn image_repo(image: &str) -> (Option<String>, Option<String>, Option<String>) {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d.to_string())),
        None => (image, None),
    };
    let slash = name.rfind('/');
    let (path, tag) = match name.rfind(':') {
        Some(i) if slash.is_none_or(|s| i > s) => (&name[..i], Some(name[i + 1..].to_string())),
        _ => (name, None),
    };
    let repo = match path.split_once('/') {
        Some((host, rest)) if host.contains('.') || host.contains(':') || host == "localhost" => {
            rest
        }
        _ => path,
    };
    if repo.is_empty() {
        (None, tag, digest)
    } else {
        (Some(repo.to_string()), tag, digest)
    }
}

/// The application profile an image runs as, looked up through its repository.
fn profile_of<'a>(w: &'a World, image: &str) -> Option<&'a crate::world::AppProfile> {
    let (repo, tag, digest) = image_repo(image);
    let repo = w.repositories.get(&repo?)?;
    let img = match digest {
        Some(d) => repo.images.iter().find(|i| i.digest == d)?,
        None => {
            let tag = tag.unwrap_or_else(|| "latest".into());
            repo.images.iter().find(|i| i.tags.contains(&tag))?
        }
    };
    w.profiles.get(&img.profile)
}

/// A Fargate size with headroom: (CPU units, MiB).
fn suggested_size(peak_mib: u32, cpu_units: u32) -> Option<(u32, u32)> {
    let want_mem = (peak_mib as f64 * SUGGEST_MEMORY_HEADROOM).ceil() as u32;
    let want_cpu = cpu_units.max(1) * SUGGEST_CPU_FACTOR;
    [256u32, 512, 1024, 2048, 4096, 8192, 16384]
        .into_iter()
        .filter(|c| *c >= want_cpu)
        .find_map(|c| {
            let m = taskdef::valid_memory(c)?
                .into_iter()
                .find(|m| *m >= want_mem)?;
            Some((c, m))
        })
}

fn oversized_task(cx: &Cx, out: &mut Vec<Found>) {
    let (Some(svc), (old_td, Some(td))) = (cx.judged.after, cx.task_definitions()) else {
        return;
    };
    // [judgement] A container whose image has no known profile (a sidecar from
    // another registry) makes the need unknown: then nothing is judged.
    let profiles: Option<Vec<&crate::world::AppProfile>> = td
        .def
        .container_definitions
        .iter()
        .map(|c| profile_of(cx.after, &c.image))
        .collect();
    let Some(profiles) = profiles.filter(|p| !p.is_empty()) else {
        return;
    };
    let peak: u32 = profiles.iter().map(|p| p.memory.peak).sum();
    let need_cpu: u32 = profiles.iter().map(|p| p.cpu_units).max().unwrap_or(0);
    let (mem, cpu) = (td.memory(), td.cpu());
    let (old_mem, old_cpu) = old_td.map(|t| (t.memory(), t.cpu())).unwrap_or((0, 0));
    let mut what = Vec::new();
    // Only what the fixes grew: a size the environment already had is not the player's.
    if mem > old_mem && mem > MEMORY_FLOOR_MIB && mem as f64 > MEMORY_FACTOR * peak as f64 {
        what.push(format!(
            "{mem} MiB of memory for a {peak} MiB peak ({:.1}x)",
            mem as f64 / peak.max(1) as f64
        ));
    }
    if cpu > old_cpu && cpu > CPU_FLOOR_UNITS && cpu > CPU_FACTOR * need_cpu {
        what.push(format!(
            "{cpu} CPU units where the application needs {need_cpu}"
        ));
    }
    if what.is_empty() {
        return;
    }
    let better = match suggested_size(peak, need_cpu) {
        Some((c, m)) => format!(
            "Size it with headroom, not by the largest: {m} MiB would fit a {peak} MiB peak, and {c} CPU units cover {need_cpu}; register that size (and a container limit under it)."
        ),
        None => format!(
            "Size it with headroom over the {peak} MiB peak and {need_cpu} CPU units the application needs."
        ),
    };
    out.push(Found {
        kind: OVERSIZED_TASK,
        resource: td.family_revision(),
        reason: format!(
            "service {} now runs task definition {} with {}{}",
            svc.name,
            td.family_revision(),
            what.join(" and "),
            cx.by(&["ecs"], &[td.def.family.as_str()])
        ),
        better,
    });
}

fn scaled_down(cx: &Cx, out: &mut Vec<Found>) {
    let (Some(old), Some(svc)) = (cx.judged.before, cx.judged.after) else {
        return;
    };
    if svc.desired_count >= old.desired_count {
        return;
    }
    out.push(Found {
        kind: SCALED_TO_ZERO,
        resource: format!("{}/{}", svc.cluster, svc.name),
        reason: format!(
            "service {}'s desired count went from {} to {}: fewer tasks hide the failure instead of fixing it{}",
            svc.name,
            old.desired_count,
            svc.desired_count,
            cx.by(&["ecs"], &["--desired-count"])
        ),
        better: format!(
            "Keep the desired count at {} and fix why its tasks fail to start or stay up.",
            old.desired_count
        ),
    });
}

fn logging_removed(cx: &Cx, out: &mut Vec<Found>) {
    let (Some(svc), (Some(old), Some(td))) = (cx.judged.after, cx.task_definitions()) else {
        return;
    };
    if old.arn == td.arn {
        return;
    }
    let (olds, news) = (
        &old.def.container_definitions,
        &td.def.container_definitions,
    );
    for (i, oc) in olds.iter().enumerate() {
        let Some(opts) = oc.awslogs() else {
            continue;
        };
        // The same container by name, else (one renamed) by position.
        let nc = news
            .iter()
            .find(|c| c.name == oc.name)
            .or_else(|| (olds.len() == news.len()).then(|| &news[i]));
        let Some(nc) = nc else {
            continue;
        };
        if nc.awslogs().is_some() {
            continue;
        }
        let now = match &nc.log_configuration {
            None => "has no logConfiguration".to_string(),
            Some(l) => format!("logs with {}", l.log_driver),
        };
        let group = opts.get("awslogs-group").cloned().unwrap_or_default();
        let better = if group.is_empty() {
            "Keep the awslogs configuration; create its log group or grant the execution role logs:CreateLogStream on it.".to_string()
        } else {
            format!(
                "Keep awslogs and create the log group (logs create-log-group --log-group-name {group}), or grant the execution role logs:CreateLogGroup on {} and set awslogs-create-group.",
                cx.after.arn("logs", &format!("log-group:{group}:*"))
            )
        };
        out.push(Found {
            kind: LOGGING_REMOVED,
            resource: format!("{}/{}", td.family_revision(), nc.name),
            reason: format!(
                "container {} of service {} logged with awslogs (group {}) and in {} {now}{}",
                nc.name,
                svc.name,
                if group.is_empty() { "unnamed" } else { &group },
                td.family_revision(),
                cx.by(&["ecs"], &[td.def.family.as_str()])
            ),
            better,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Instance, Mode, Scenario};
    use crate::world::{Cidr, TaskDefinitionInput};
    use std::path::Path;

    fn load(id: &str) -> Scenario {
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
            .unwrap()
    }

    /// A scenario at `seed` and the world before any fix.
    fn start(id: &str, seed: u64) -> (Scenario, Instance, World) {
        let s = load(id);
        let inst = s
            .instantiate(seed, Mode::Incident)
            .unwrap_or_else(|e| panic!("{id} seed {seed}: {e}"));
        let before = inst.sim.world().clone();
        (s, inst, before)
    }

    fn fix_of(line: &str) -> AppliedFix {
        let mut w = line.split_whitespace();
        AppliedFix {
            line: line.to_string(),
            service: w.next().unwrap_or_default().to_string(),
            operation: w.next().unwrap_or_default().to_string(),
            at: 0,
        }
    }

    /// Resolves and applies fix lines; returns them as applied.
    fn apply(inst: &mut Instance, lines: &[&str]) -> Vec<AppliedFix> {
        lines
            .iter()
            .map(|l| {
                let line = inst.resolve(l).unwrap_or_else(|e| panic!("{l}: {e}"));
                crate::awscli::command::write(&mut inst.sim, &line)
                    .map(|(_, v)| v)
                    .unwrap_or_else(|e| panic!("{line}: {e} (seed {})", inst.seed));
                fix_of(&line)
            })
            .collect()
    }

    fn ids(lints: &[Lint]) -> Vec<&'static str> {
        lints.iter().map(|l| l.id).collect()
    }

    fn run(id: &str, seed: u64, lines: &[&str]) -> Vec<Lint> {
        let (s, mut inst, before) = start(id, seed);
        let fixes = apply(&mut inst, lines);
        lint(&s, &before, inst.sim.world(), &fixes)
    }

    const SCENARIOS: [&str; 5] = [
        "execution-role-permissions",
        "log-group-missing",
        "nat-route-missing",
        "oom-killed",
        "subnet-exhausted",
    ];

    #[test]
    fn reference_fixes_earn_no_lint() {
        for id in SCENARIOS {
            let s = load(id);
            for seed in 0..4 {
                let lines: Vec<&str> = s.spec.fix.iter().map(|l| l.as_str()).collect();
                let lints = run(id, seed, &lines);
                assert!(lints.is_empty(), "{id} seed {seed}: {lints:#?}");
            }
        }
    }

    #[test]
    fn no_fixes_no_lints() {
        let (s, inst, before) = start("nat-route-missing", 0);
        assert!(lint(&s, &before, inst.sim.world(), &[]).is_empty());
    }

    #[test]
    fn administrator_access_is_linted() {
        for seed in 0..2 {
            let lints = run(
                "execution-role-permissions",
                seed,
                &["iam attach-role-policy --role-name checkout-task-execution --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"],
            );
            assert_eq!(ids(&lints), ["iam.admin-access"], "{lints:#?}");
            assert_eq!(lints[0].penalty, 25);
            assert!(lints[0].reason.contains("checkout-task-execution"));
            assert!(lints[0].reason.contains("AdministratorAccess"));
            assert!(lints[0].better.contains("AmazonECSTaskExecutionRolePolicy"));
        }
    }

    #[test]
    fn inline_allow_all_is_linted() {
        let lints = run(
            "execution-role-permissions",
            0,
            &[
                r#"iam put-role-policy --role-name checkout-task-execution --policy-name unblock --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'"#,
            ],
        );
        assert_eq!(ids(&lints), ["iam.admin-access"], "{lints:#?}");
        assert!(lints[0].reason.contains("inline policy unblock"));
    }

    #[test]
    fn service_wide_grants_are_linted() {
        for line in [
            r#"iam put-role-policy --role-name checkout-task-execution --policy-name ecr --policy-document '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["ecr:*","logs:*"],"Resource":"*"}}'"#,
            "iam attach-role-policy --role-name checkout-task-execution --policy-arn arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
        ] {
            let lints = run("execution-role-permissions", 1, &[line]);
            assert_eq!(ids(&lints), ["iam.admin-access"], "{line}: {lints:#?}");
        }
    }

    #[test]
    fn missing_action_on_its_resource_is_fine_but_on_star_is_linted() {
        // The registry token has no resource: `*` is the only choice.
        let lints = run(
            "execution-role-permissions",
            0,
            &[
                r#"iam put-role-policy --role-name checkout-task-execution --policy-name token --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}'"#,
            ],
        );
        assert!(lints.is_empty(), "{lints:#?}");
        let scoped = run(
            "execution-role-permissions",
            0,
            &[
                r#"iam put-role-policy --role-name checkout-task-execution --policy-name logs --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:${region}:${account}:log-group:/ecs/checkout-api:*"}]}'"#,
            ],
        );
        assert!(scoped.is_empty(), "{scoped:#?}");
        let lints = run(
            "execution-role-permissions",
            0,
            &[
                r#"iam put-role-policy --role-name checkout-task-execution --policy-name secrets --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","ssm:GetParameters","logs:CreateLogGroup"],"Resource":"*"}]}'"#,
            ],
        );
        assert_eq!(ids(&lints), ["iam.wildcard-resource"], "{lints:#?}");
        assert_eq!(lints[0].penalty, 10);
        assert!(lints[0].reason.contains("secretsmanager:GetSecretValue"));
        assert!(
            lints[0].better.contains(":secret:prod/checkout/db"),
            "{}",
            lints[0].better
        );
        assert!(
            lints[0].better.contains("log-group:"),
            "{}",
            lints[0].better
        );
    }

    #[test]
    fn kms_decrypt_on_star_is_linted_with_the_key_it_needs() {
        // Seed 1 picks the Secrets Manager variant, seed 6 the SecureString one.
        for seed in [1, 6] {
            let lints = run(
                "secret-kms-decrypt-denied",
                seed,
                &[
                    r#"iam put-role-policy --role-name media-task-execution --policy-name kms --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}'"#,
                ],
            );
            assert_eq!(ids(&lints), ["iam.wildcard-resource"], "{lints:#?}");
            assert!(
                lints[0].better.contains(":kms:us-west-2:") && lints[0].better.contains(":key/"),
                "{}",
                lints[0].better
            );
        }
        let scoped = run(
            "secret-kms-decrypt-denied",
            1,
            &[
                r#"iam put-role-policy --role-name media-task-execution --policy-name kms --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"${kms:media-secrets}"}]}'"#,
            ],
        );
        assert!(scoped.is_empty(), "{scoped:#?}");
    }

    #[test]
    fn widened_trust_is_linted() {
        let lints = run(
            "execution-role-permissions",
            0,
            &[
                r#"iam update-assume-role-policy --role-name checkout-task-execution --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'"#,
            ],
        );
        assert_eq!(ids(&lints), ["iam.trust-widened"], "{lints:#?}");
        assert!(lints[0].better.contains("ecs-tasks.amazonaws.com"));
        let lints = run(
            "execution-role-permissions",
            0,
            &[
                r#"iam update-assume-role-policy --role-name checkout-task --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}'"#,
            ],
        );
        assert_eq!(ids(&lints), ["iam.trust-widened"], "{lints:#?}");
    }

    #[test]
    fn public_subnets_with_public_ip_are_linted() {
        for seed in 0..2 {
            let lints = run(
                "nat-route-missing",
                seed,
                &["ecs update-service --cluster prod --service checkout --network-configuration \"awsvpcConfiguration={subnets=[${subnet:public-a},${subnet:public-b}],securityGroups=[${sg:checkout-tasks}],assignPublicIp=ENABLED}\""],
            );
            assert_eq!(ids(&lints), ["network.public-ip"], "{lints:#?}");
            assert_eq!(lints[0].penalty, 20);
            assert!(lints[0].reason.contains("assignPublicIp ENABLED"));
            assert!(lints[0].reason.contains("public-a"));
            assert!(
                lints[0].better.contains("ec2 create-route"),
                "{}",
                lints[0].better
            );
        }
    }

    #[test]
    fn default_route_to_the_internet_gateway_is_linted() {
        let lints = run(
            "nat-route-missing",
            0,
            &["ec2 create-route --route-table-id ${rtb:private-${var:zone}} --destination-cidr-block 0.0.0.0/0 --gateway-id ${igw}"],
        );
        assert_eq!(ids(&lints), ["network.public-ip"], "{lints:#?}");
        assert!(lints[0].reason.contains("public subnets"));
    }

    #[test]
    fn a_finding_names_the_command_that_caused_it() {
        // A later service update does not take the blame for the route.
        let lints = run(
            "nat-route-missing",
            0,
            &[
                "ec2 create-route --route-table-id ${rtb:private-${var:zone}} --destination-cidr-block 0.0.0.0/0 --gateway-id ${igw}",
                "ecs update-service --cluster prod --service checkout --force-new-deployment",
            ],
        );
        assert_eq!(ids(&lints), ["network.public-ip"], "{lints:#?}");
        assert!(
            lints[0].reason.contains("(by `ec2 create-route`)")
                && !lints[0].reason.contains("update-service"),
            "{}",
            lints[0].reason
        );
    }

    #[test]
    fn oversized_task_is_linted() {
        let s = load("oom-killed");
        let big = s.spec.fix[0]
            .replace("--cpu 512", "--cpu 4096")
            .replace("--memory 2048", "--memory 16384");
        assert_ne!(big, s.spec.fix[0]);
        let lints = run("oom-killed", 0, &[&big, &s.spec.fix[1]]);
        assert_eq!(ids(&lints), ["cost.oversized-task"], "{lints:#?}");
        assert_eq!(lints[0].penalty, 15);
        assert!(lints[0].reason.contains("16384 MiB"), "{}", lints[0].reason);
        assert!(
            lints[0].reason.contains("4096 CPU units"),
            "{}",
            lints[0].reason
        );
        assert!(
            lints[0]
                .better
                .contains("2048 MiB would fit a 1180 MiB peak"),
            "{}",
            lints[0].better
        );
    }

    #[test]
    fn moderate_size_is_not_linted() {
        // 1 vCPU for 128 units needed is 8x, but not above the 1 vCPU floor.
        let s = load("oom-killed");
        let roomy = s.spec.fix[0].replace("--cpu 512", "--cpu 1024");
        let lints = run("oom-killed", 0, &[&roomy, &s.spec.fix[1]]);
        assert!(lints.is_empty(), "{lints:#?}");
    }

    #[test]
    fn lowering_desired_count_is_linted() {
        for id in ["oom-killed", "subnet-exhausted"] {
            let lints = run(
                id,
                0,
                &["ecs update-service --cluster prod --service checkout --desired-count 0"],
            );
            assert_eq!(
                ids(&lints),
                ["availability.scaled-to-zero"],
                "{id}: {lints:#?}"
            );
            assert_eq!(lints[0].penalty, 30);
            assert!(lints[0].reason.contains("to 0"), "{}", lints[0].reason);
        }
        let lints = run(
            "subnet-exhausted",
            1,
            &["ecs update-service --cluster prod --service checkout --desired-count 2"],
        );
        assert_eq!(ids(&lints), ["availability.scaled-to-zero"]);
    }

    #[test]
    fn removing_logging_is_linted() {
        for seed in 0..2 {
            let (s, mut inst, before) = start("log-group-missing", seed);
            let td = inst.sim.world().task_definition("checkout-api").unwrap();
            let mut def: TaskDefinitionInput = td.def.clone();
            for c in &mut def.container_definitions {
                c.log_configuration = None;
            }
            let json = serde_json::to_string(&def).unwrap();
            let lines = [
                format!("ecs register-task-definition --cli-input-json '{json}'"),
                "ecs update-service --cluster prod --service checkout --task-definition checkout-api".to_string(),
            ];
            let lines: Vec<&str> = lines.iter().map(|l| l.as_str()).collect();
            let fixes = apply(&mut inst, &lines);
            let lints = lint(&s, &before, inst.sim.world(), &fixes);
            assert_eq!(ids(&lints), ["logs.logging-removed"], "{lints:#?}");
            assert_eq!(lints[0].penalty, 15);
            assert!(lints[0].reason.contains("checkout-api"));
            assert!(lints[0].better.contains("logs create-log-group"));
        }
    }

    #[test]
    fn moving_the_log_group_back_is_fine() {
        let (s, mut inst, before) = start("log-group-missing", 0);
        let td = inst.sim.world().task_definition("checkout-api").unwrap();
        let mut def: TaskDefinitionInput = td.def.clone();
        for c in &mut def.container_definitions {
            if let Some(l) = &mut c.log_configuration {
                l.options
                    .insert("awslogs-group".into(), "/ecs/checkout-api".into());
            }
        }
        let json = serde_json::to_string(&def).unwrap();
        let lines = [
            format!("ecs register-task-definition --cli-input-json '{json}'"),
            "ecs update-service --cluster prod --service checkout --task-definition checkout-api"
                .to_string(),
        ];
        let lines: Vec<&str> = lines.iter().map(|l| l.as_str()).collect();
        let fixes = apply(&mut inst, &lines);
        assert!(lint(&s, &before, inst.sim.world(), &fixes).is_empty());
    }

    /// Applies a security-group change straight to the world (no write operation
    /// for security groups exists yet) and lints it as one fix.
    fn sg_change(change: impl FnOnce(&mut World, &str, &str), line: &str) -> Vec<Lint> {
        let (s, mut inst, before) = start("nat-route-missing", 0);
        let tasks = inst.resolve("${sg:checkout-tasks}").unwrap();
        let alb = inst.resolve("${sg:shop-alb}").unwrap();
        inst.sim.mutate(|c| change(c.world, &tasks, &alb));
        let line = line.replace("<tasks>", &tasks).replace("<alb>", &alb);
        lint(&s, &before, inst.sim.world(), &[fix_of(&line)])
    }

    #[test]
    fn security_group_commands_are_judged() {
        let lints = run(
            "nat-route-missing",
            0,
            &[
                "ec2 authorize-security-group-ingress --group-id ${sg:checkout-tasks} --protocol tcp --port 8080 --cidr 0.0.0.0/0",
                "ec2 authorize-security-group-egress --group-id ${sg:shop-alb} --protocol -1 --cidr 0.0.0.0/0",
            ],
        );
        assert_eq!(
            ids(&lints),
            ["network.open-ingress", "network.wide-egress"],
            "{lints:#?}"
        );
        assert!(lints[0]
            .reason
            .ends_with("(by `ec2 authorize-security-group-ingress`)"));
        assert!(lints[1]
            .reason
            .ends_with("(by `ec2 authorize-security-group-egress`)"));
        // What the ALB should have had: 443 out, from its own group.
        let lints = run(
            "nat-route-missing",
            0,
            &[
                "ec2 authorize-security-group-egress --group-id ${sg:shop-alb} --protocol tcp --port 443 --cidr 0.0.0.0/0",
                "ec2 authorize-security-group-ingress --group-id ${sg:checkout-tasks} --protocol tcp --port 9090 --source-group ${sg:shop-alb}",
            ],
        );
        assert!(lints.is_empty(), "{lints:#?}");
    }

    fn rule(protocol: &str, from: i32, to: i32) -> SgRule {
        SgRule {
            id: "sgr-0test".into(),
            protocol: protocol.into(),
            from_port: from,
            to_port: to,
            cidrs: vec![Cidr::ANY],
            groups: vec![],
            prefix_lists: vec![],
            description: None,
        }
    }

    #[test]
    fn legacy_open_ssh_is_not_the_players() {
        // The environment's legacy-bastion group is open on 22 from anywhere.
        let (s, mut inst, before) = start("nat-route-missing", 0);
        let bastion = inst.resolve("${sg:legacy-bastion}").unwrap();
        assert!(before.security_groups[&bastion]
            .ingress
            .iter()
            .any(|r| from_anywhere(r) && r.covers_tcp(22)));
        let lines: Vec<&str> = s.spec.fix.iter().map(|l| l.as_str()).collect();
        let fixes = apply(&mut inst, &lines);
        assert!(lint(&s, &before, inst.sim.world(), &fixes).is_empty());
        // Nor is re-adding what it already had.
        let lints = sg_change(
            |w, _, _| {
                let b = w
                    .security_groups
                    .values_mut()
                    .find(|g| g.name == "legacy-bastion")
                    .unwrap();
                b.ingress.push(rule("tcp", 22, 22));
            },
            "ec2 authorize-security-group-ingress --group-name legacy-bastion --protocol tcp --port 22 --cidr 0.0.0.0/0",
        );
        assert!(lints.is_empty(), "{lints:#?}");
    }

    #[test]
    fn open_ingress_is_linted() {
        let lints = sg_change(
            |w, tasks, _| {
                w.security_groups
                    .get_mut(tasks)
                    .unwrap()
                    .ingress
                    .push(rule("tcp", 8080, 8080))
            },
            "ec2 authorize-security-group-ingress --group-id <tasks> --protocol tcp --port 8080 --cidr 0.0.0.0/0",
        );
        assert_eq!(ids(&lints), ["network.open-ingress"], "{lints:#?}");
        assert_eq!(lints[0].penalty, 20);
        assert!(lints[0].reason.contains("checkout-tasks"));
        assert!(lints[0].better.contains("shop-alb"), "{}", lints[0].better);
        let lints = sg_change(
            |w, tasks, _| {
                w.security_groups
                    .get_mut(tasks)
                    .unwrap()
                    .ingress
                    .push(rule("-1", -1, -1))
            },
            "ec2 authorize-security-group-ingress --group-id <tasks> --protocol -1 --cidr 0.0.0.0/0",
        );
        assert_eq!(ids(&lints), ["network.open-ingress"], "{lints:#?}");
        assert!(lints[0].reason.contains("all traffic"));
    }

    #[test]
    fn reopening_a_restricted_acl_is_linted_and_letting_the_replies_in_is_not() {
        for seed in 0..4 {
            // The reference fix: the ephemeral ports back in.
            let s = load("nacl-ephemeral-blocked");
            let lines: Vec<&str> = s.spec.fix.iter().map(|l| l.as_str()).collect();
            assert!(run("nacl-ephemeral-blocked", seed, &lines).is_empty());
            // Undoing the remediation heals too, and is marked down.
            let lints = run(
                "nacl-ephemeral-blocked",
                seed,
                &["ec2 replace-network-acl-entry --network-acl-id ${nacl:default} --ingress --rule-number 100 --protocol -1 --cidr-block 0.0.0.0/0 --rule-action allow"],
            );
            assert_eq!(ids(&lints), ["network.acl-reopened"], "{lints:#?}");
            assert!(
                lints[0].reason.contains("replace-network-acl-entry"),
                "{}",
                lints[0].reason
            );
            assert!(lints[0].better.contains("1024-65535"));
        }
    }

    #[test]
    fn open_ingress_on_another_group_gets_general_advice() {
        let lints = run(
            "nat-route-missing",
            0,
            &["ec2 authorize-security-group-ingress --group-id ${sg:legacy-bastion} --protocol tcp --port 3389 --cidr 0.0.0.0/0"],
        );
        assert_eq!(ids(&lints), ["network.open-ingress"], "{lints:#?}");
        assert!(lints[0].reason.contains("legacy-bastion"));
        assert!(lints[0].reason.contains("tcp 3389"));
        assert!(
            !lints[0].better.contains("load balancer"),
            "{}",
            lints[0].better
        );
    }

    #[test]
    fn web_ports_on_an_internet_facing_load_balancer_are_normal() {
        let lints = sg_change(
            |w, _, alb| {
                let g = w.security_groups.get_mut(alb).unwrap();
                g.ingress.clear();
                g.ingress.push(rule("tcp", 443, 443));
                g.ingress.push(rule("tcp", 80, 80));
            },
            "ec2 authorize-security-group-ingress --group-id <alb> --protocol tcp --port 443 --cidr 0.0.0.0/0",
        );
        assert!(lints.is_empty(), "{lints:#?}");
        let lints = sg_change(
            |w, _, alb| {
                w.security_groups
                    .get_mut(alb)
                    .unwrap()
                    .ingress
                    .push(rule("tcp", 22, 22))
            },
            "ec2 authorize-security-group-ingress --group-id <alb> --protocol tcp --port 22 --cidr 0.0.0.0/0",
        );
        assert_eq!(ids(&lints), ["network.open-ingress"], "{lints:#?}");
    }

    #[test]
    fn egress_widened_from_restricted_is_linted() {
        let lints = sg_change(
            |w, _, alb| {
                w.security_groups
                    .get_mut(alb)
                    .unwrap()
                    .egress
                    .push(rule("-1", -1, -1))
            },
            "ec2 authorize-security-group-egress --group-id <alb> --protocol -1 --cidr 0.0.0.0/0",
        );
        assert_eq!(ids(&lints), ["network.wide-egress"], "{lints:#?}");
        assert_eq!(lints[0].penalty, 5);
        assert!(lints[0].better.contains("443"));
        // checkout-tasks already had AWS's default allow-all egress.
        let lints = sg_change(
            |w, tasks, _| {
                w.security_groups
                    .get_mut(tasks)
                    .unwrap()
                    .egress
                    .push(rule("-1", -1, -1))
            },
            "ec2 authorize-security-group-egress --group-id <tasks> --protocol -1 --cidr 0.0.0.0/0",
        );
        assert!(lints.is_empty(), "{lints:#?}");
        // 443 alone is what it should have been.
        let lints = sg_change(
            |w, _, alb| {
                w.security_groups
                    .get_mut(alb)
                    .unwrap()
                    .egress
                    .push(rule("tcp", 443, 443))
            },
            "ec2 authorize-security-group-egress --group-id <alb> --protocol tcp --port 443 --cidr 0.0.0.0/0",
        );
        assert!(lints.is_empty(), "{lints:#?}");
    }

    #[test]
    fn several_lints_are_ordered_by_id_then_resource() {
        let lints = run(
            "execution-role-permissions",
            0,
            &[
                "iam attach-role-policy --role-name checkout-task-execution --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
                "iam attach-role-policy --role-name checkout-task --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
                "ecs update-service --cluster prod --service checkout --desired-count 1",
            ],
        );
        assert_eq!(
            ids(&lints),
            [
                "availability.scaled-to-zero",
                "iam.admin-access",
                "iam.admin-access"
            ]
        );
        assert!(lints[1].reason.starts_with("role checkout-task "));
        assert!(lints[2].reason.starts_with("role checkout-task-execution "));
        // The execution role is told about the managed policy; the task role is not.
        assert!(lints[2].better.contains("AmazonECSTaskExecutionRolePolicy"));
        assert!(!lints[1].better.contains("AmazonECSTaskExecutionRolePolicy"));
    }

    #[test]
    fn odd_worlds_do_not_panic() {
        let (s, inst, before) = start("oom-killed", 0);
        let fixes = [fix_of(
            "ecs update-service --cluster prod --service checkout",
        )];
        // No services, roles, task definitions, repositories or groups at all.
        let mut empty = inst.sim.world().clone();
        empty.services.clear();
        empty.roles.clear();
        empty.task_definitions.clear();
        empty.repositories.clear();
        empty.security_groups.clear();
        empty.route_tables.clear();
        assert!(lint(&s, &before, &empty, &fixes).is_empty());
        let _ = lint(&s, &empty, &before, &fixes);
        // A service whose task definition and images are unknown.
        let mut odd = inst.sim.world().clone();
        for svc in odd.services.values_mut() {
            svc.task_definition = "arn:aws:ecs:us-east-1:1:task-definition/gone:9".into();
        }
        odd.profiles.clear();
        assert!(lint(&s, &before, &odd, &fixes).is_empty());
    }

    #[test]
    fn helpers() {
        assert!(is_wildcard_resource("*"));
        assert!(is_wildcard_resource("arn:aws:s3:::*"));
        assert!(is_wildcard_resource("arn:aws:secretsmanager:*:*:secret:*"));
        assert!(is_wildcard_resource("arn:aws:logs:us-east-1:1:log-group:*"));
        assert!(!is_wildcard_resource(
            "arn:aws:logs:us-east-1:1:log-group:/ecs/x:*"
        ));
        assert!(!is_wildcard_resource("arn:aws:s3:::bucket/*"));
        assert!(is_wildcard_resource("arn:aws:s3:::*/*"));
        assert!(is_broad_action("*"));
        assert!(is_broad_action("s3:*"));
        assert!(!is_broad_action("s3:get*"));
        assert_eq!(
            image_repo("1.dkr.ecr.us-east-1.amazonaws.com/checkout-api:v2.5.0"),
            (Some("checkout-api".into()), Some("v2.5.0".into()), None)
        );
        assert_eq!(
            image_repo("localhost:5000/team/app@sha256:ab"),
            (Some("team/app".into()), None, Some("sha256:ab".into()))
        );
        assert_eq!(suggested_size(1180, 128), Some((256, 2048)));
        assert_eq!(suggested_size(3000, 700), Some((2048, 4096)));
        let ids: Vec<&str> = KINDS.iter().map(|k| k.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }
}
