//! IAM: roles, managed policies, policy documents in IAM's own JSON grammar,
//! and identity-based policy evaluation (explicit deny, wildcards).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A string or a list of strings, as IAM accepts for Action, Resource and principals.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// `"ecr:*"`.
    One(String),
    /// `["ecr:GetAuthorizationToken", ...]`.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a slice-like list.
    pub fn to_vec(&self) -> Vec<String> {
        self.as_slice().to_vec()
    }

    /// The values, borrowed.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// `Principal`: `"*"` or `{"Service": ..., "AWS": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Principal {
    /// `"*"`.
    Any(String),
    /// Service or AWS principals.
    Map(PrincipalMap),
}

/// The map form of a principal.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PrincipalMap {
    /// Service principals, e.g. `ecs-tasks.amazonaws.com`.
    #[serde(rename = "Service", skip_serializing_if = "Option::is_none", default)]
    pub service: Option<OneOrMany>,
    /// Account or role principals.
    #[serde(rename = "AWS", skip_serializing_if = "Option::is_none", default)]
    pub aws: Option<OneOrMany>,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Optional statement id.
    #[serde(rename = "Sid", skip_serializing_if = "Option::is_none", default)]
    pub sid: Option<String>,
    /// Allow or Deny.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// Principal (trust policies only).
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none", default)]
    pub principal: Option<Principal>,
    /// Actions.
    #[serde(rename = "Action", skip_serializing_if = "Option::is_none", default)]
    pub action: Option<OneOrMany>,
    /// Actions excluded (`NotAction`).
    #[serde(rename = "NotAction", skip_serializing_if = "Option::is_none", default)]
    pub not_action: Option<OneOrMany>,
    /// Resources.
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none", default)]
    pub resource: Option<OneOrMany>,
}

/// Whole statement list: IAM accepts one statement or an array.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Statements {
    /// A single statement object.
    One(Box<Statement>),
    /// An array of statements.
    Many(Vec<Statement>),
}

/// An IAM policy document in IAM's JSON grammar.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// Usually `2012-10-17`.
    #[serde(rename = "Version", default = "default_version")]
    pub version: String,
    /// Optional id.
    #[serde(rename = "Id", skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    /// The statements.
    #[serde(rename = "Statement")]
    pub statement: Statements,
}

fn default_version() -> String {
    "2012-10-17".into()
}

impl PolicyDocument {
    /// The statements as a list.
    pub fn statements(&self) -> Vec<&Statement> {
        self.statement_slice().iter().collect()
    }

    /// The statements, borrowed.
    pub fn statement_slice(&self) -> &[Statement] {
        match &self.statement {
            Statements::One(s) => std::slice::from_ref(s.as_ref()),
            Statements::Many(v) => v,
        }
    }

    /// A document allowing `actions` on `resource`.
    pub fn allow(actions: &[&str], resource: &str) -> Self {
        PolicyDocument {
            version: default_version(),
            id: None,
            statement: Statements::Many(vec![Statement {
                sid: None,
                effect: Effect::Allow,
                principal: None,
                action: Some(OneOrMany::Many(
                    actions.iter().map(|s| s.to_string()).collect(),
                )),
                not_action: None,
                resource: Some(OneOrMany::One(resource.into())),
            }]),
        }
    }

    /// The trust policy letting `service` assume a role.
    pub fn trust(service: &str) -> Self {
        PolicyDocument {
            version: default_version(),
            id: None,
            statement: Statements::Many(vec![Statement {
                sid: None,
                effect: Effect::Allow,
                principal: Some(Principal::Map(PrincipalMap {
                    service: Some(OneOrMany::One(service.into())),
                    aws: None,
                })),
                action: Some(OneOrMany::One("sts:AssumeRole".into())),
                not_action: None,
                resource: None,
            }]),
        }
    }

    /// Whether this trust policy lets `service` call sts:AssumeRole.
    pub fn trusts_service(&self, service: &str) -> bool {
        let mut allowed = false;
        for st in self.statements() {
            let names = match &st.principal {
                Some(Principal::Any(s)) if s == "*" => vec!["*".to_string()],
                Some(Principal::Map(m)) => {
                    m.service.as_ref().map(|s| s.to_vec()).unwrap_or_default()
                }
                _ => vec![],
            };
            if !names.iter().any(|n| n == "*" || n == service) {
                continue;
            }
            let acts = st.action.as_ref().map(|a| a.to_vec()).unwrap_or_default();
            if !acts.iter().any(|a| glob_match(a, "sts:AssumeRole", true)) {
                continue;
            }
            match st.effect {
                Effect::Deny => return false,
                Effect::Allow => allowed = true,
            }
        }
        allowed
    }
}

/// `*` and `?` wildcard match, as IAM does for actions (case-insensitive) and
/// resources (case-sensitive).
pub fn glob_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let wild = pattern.bytes().any(|b| b == b'*' || b == b'?');
    if !wild && !ignore_case {
        return pattern == text;
    }
    // ASCII (every IAM action and ARN in practice): bytes are characters, no copies.
    if pattern.is_ascii() && text.is_ascii() {
        if !wild {
            return pattern.eq_ignore_ascii_case(text);
        }
        // (A text starting with `*` takes the walk: it matches that star literally first.)
        if pattern == "*" && !text.starts_with('*') {
            return true;
        }
        let fold = |b: u8| {
            if ignore_case {
                b.to_ascii_lowercase()
            } else {
                b
            }
        };
        return glob_match_by(pattern.as_bytes(), text.as_bytes(), |p, t| {
            p == b'?' || fold(p) == fold(t)
        });
    }
    let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    glob_match_by(&p, &t, |p, t| p == '?' || p == t)
}

/// The `*`/`?` matcher over characters (or bytes); `hit` says whether a
/// pattern element matches a text element as it stands (`?`, or equal),
/// tried before `*` is taken as a wildcard.
fn glob_match_by<C: Copy + PartialEq + From<u8>>(
    p: &[C],
    t: &[C],
    hit: impl Fn(C, C) -> bool,
) -> bool {
    let any = C::from(b'*');
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && hit(p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == any {
        pi += 1;
    }
    pi == p.len()
}

/// The outcome of evaluating identity-based policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Some statement allows it and none denies it.
    Allow,
    /// No statement allows it.
    ImplicitDeny,
    /// A statement denies it.
    ExplicitDeny,
}

/// An IAM role.
#[derive(Debug, Clone)]
pub struct Role {
    /// RoleName.
    pub name: String,
    /// `arn:aws:iam::<acct>:role/<name>`.
    pub arn: String,
    /// `AROA...`.
    pub role_id: String,
    /// The trust (assume-role) policy.
    pub trust: PolicyDocument,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
    /// Inline policies by name.
    pub inline: BTreeMap<String, PolicyDocument>,
    /// Description.
    pub description: Option<String>,
    /// Creation instant.
    pub created: i64,
}

/// A managed policy (AWS-managed or customer-managed).
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    /// PolicyName.
    pub name: String,
    /// ARN (`arn:aws:iam::aws:policy/...` for AWS-managed).
    pub arn: String,
    /// `ANPA...`.
    pub policy_id: String,
    /// Path, e.g. `/service-role/`.
    pub path: String,
    /// The default version's document.
    pub document: PolicyDocument,
    /// Default version id, e.g. `v1`.
    pub version: String,
    /// Creation instant.
    pub created: i64,
}

/// The six actions `AmazonECSTaskExecutionRolePolicy` grants, exactly
/// (reference §3 [V]).
pub const TASK_EXECUTION_ACTIONS: [&str; 6] = [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
];

/// ARN of `AmazonECSTaskExecutionRolePolicy`.
pub const TASK_EXECUTION_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// The AWS-managed policies every simulated account has.
pub fn aws_managed_policies() -> Vec<ManagedPolicy> {
    let mk = |name: &str, path: &str, id: &str, doc: PolicyDocument| ManagedPolicy {
        name: name.into(),
        arn: format!("arn:aws:iam::aws:policy{path}{name}"),
        policy_id: id.into(),
        path: path.into(),
        document: doc,
        version: "v1".into(),
        created: 1_447_372_800_000, // 2015-11-13, fixed: AWS-managed policies predate every scenario.
    };
    vec![
        mk(
            "AmazonECSTaskExecutionRolePolicy",
            "/service-role/",
            "ANPAJG4T4G4PV56DE72PY",
            PolicyDocument::allow(&TASK_EXECUTION_ACTIONS, "*"),
        ),
        mk(
            "AdministratorAccess",
            "/",
            "ANPAIWMBCKSKIEE64ZLYK",
            PolicyDocument::allow(&["*"], "*"),
        ),
        mk(
            "CloudWatchLogsFullAccess",
            "/",
            "ANPAJ3ZGNWK2R5HW5BQFO",
            PolicyDocument::allow(&["logs:*"], "*"),
        ),
        mk(
            "AmazonEC2ContainerRegistryReadOnly",
            "/",
            "ANPAIFYZPA37OOHVIH7KQ",
            PolicyDocument::allow(
                &[
                    "ecr:GetAuthorizationToken",
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:GetRepositoryPolicy",
                    "ecr:DescribeRepositories",
                    "ecr:ListImages",
                    "ecr:DescribeImages",
                    "ecr:BatchGetImage",
                ],
                "*",
            ),
        ),
        mk(
            "SecretsManagerReadWrite",
            "/",
            "ANPAJTENA24QLUNE5NY2A",
            PolicyDocument::allow(&["secretsmanager:*"], "*"),
        ),
    ]
}

/// Evaluates `action` on `resource` over a set of policy documents, as IAM
/// does for identity-based policies: an explicit deny wins, then any allow.
pub fn evaluate<'a>(
    docs: impl IntoIterator<Item = &'a PolicyDocument>,
    action: &str,
    resource: &str,
) -> Decision {
    let mut allowed = false;
    for doc in docs {
        for st in doc.statement_slice() {
            let action_hit = match (&st.action, &st.not_action) {
                (Some(a), _) => a.as_slice().iter().any(|p| glob_match(p, action, true)),
                (None, Some(na)) => !na.as_slice().iter().any(|p| glob_match(p, action, true)),
                (None, None) => false,
            };
            if !action_hit {
                continue;
            }
            let resource_hit = st
                .resource
                .as_ref()
                .map(|r| r.as_slice().iter().any(|p| glob_match(p, resource, false)))
                .unwrap_or(false);
            if !resource_hit {
                continue;
            }
            match st.effect {
                Effect::Deny => return Decision::ExplicitDeny,
                Effect::Allow => allowed = true,
            }
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(glob_match("ecr:*", "ecr:GetAuthorizationToken", true));
        assert!(glob_match("ECR:get*", "ecr:GetAuthorizationToken", true));
        assert!(!glob_match("ecr:Batch*", "ecr:GetAuthorizationToken", true));
        assert!(glob_match(
            "arn:aws:logs:*:*:log-group:/ecs/*",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/web:log-stream:x",
            false
        ));
        assert!(!glob_match(
            "arn:aws:logs:*:*:log-group:/ECS/*",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/web",
            false
        ));
        assert!(glob_match("a?c", "abc", false));
    }

    #[test]
    fn ascii_and_unicode_matching_agree() {
        // The matcher as first written, over lowercased characters.
        fn by_chars(pattern: &str, text: &str, ignore_case: bool) -> bool {
            let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
                (
                    pattern.to_lowercase().chars().collect(),
                    text.to_lowercase().chars().collect(),
                )
            } else {
                (pattern.chars().collect(), text.chars().collect())
            };
            let (mut pi, mut ti) = (0usize, 0usize);
            let (mut star, mut mark) = (None::<usize>, 0usize);
            while ti < t.len() {
                if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
                    pi += 1;
                    ti += 1;
                } else if pi < p.len() && p[pi] == '*' {
                    star = Some(pi);
                    mark = ti;
                    pi += 1;
                } else if let Some(s) = star {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                } else {
                    return false;
                }
            }
            while pi < p.len() && p[pi] == '*' {
                pi += 1;
            }
            pi == p.len()
        }
        let patterns = [
            "*", "*a", "a*", "a?c", "ECR:get*", "*:*:x", "**", "", "?", "*b*a", "a*b?c*", "abc",
            "ÄB", "ä?",
        ];
        let texts = [
            "",
            "a",
            "abc",
            "*b a",
            "ecr:GetAuthorizationToken",
            "x:y:x",
            "*",
            "ab?c",
            "AbC",
            "b*a",
            "aXbYcZ",
            "äb",
            "ÄB",
        ];
        for p in patterns {
            for t in texts {
                for ic in [false, true] {
                    assert_eq!(glob_match(p, t, ic), by_chars(p, t, ic), "{p:?} {t:?} {ic}");
                }
            }
        }
        assert!(!glob_match("*a", "*b a", false));
        assert!(glob_match("ä*", "Äpfel", true));
    }

    #[test]
    fn explicit_deny_wins() {
        let allow = PolicyDocument::allow(&["ecr:*"], "*");
        let deny: PolicyDocument = serde_json::from_str(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ecr:GetAuthorizationToken","Resource":"*"}}"#,
        )
        .unwrap();
        assert_eq!(
            evaluate([&allow], "ecr:GetAuthorizationToken", "*"),
            Decision::Allow
        );
        assert_eq!(
            evaluate([&allow, &deny], "ecr:GetAuthorizationToken", "*"),
            Decision::ExplicitDeny
        );
        assert_eq!(
            evaluate([&allow], "logs:CreateLogStream", "*"),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn execution_policy_has_exactly_six_actions() {
        let p = aws_managed_policies()
            .into_iter()
            .find(|p| p.arn == TASK_EXECUTION_POLICY_ARN)
            .unwrap();
        let acts = p.document.statements()[0].action.as_ref().unwrap().to_vec();
        assert_eq!(acts.len(), 6);
        assert_eq!(
            evaluate([&p.document], "logs:CreateLogGroup", "*"),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate([&p.document], "secretsmanager:GetSecretValue", "*"),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn trust() {
        assert!(PolicyDocument::trust("ecs-tasks.amazonaws.com")
            .trusts_service("ecs-tasks.amazonaws.com"));
        assert!(
            !PolicyDocument::trust("ec2.amazonaws.com").trusts_service("ecs-tasks.amazonaws.com")
        );
    }
}
