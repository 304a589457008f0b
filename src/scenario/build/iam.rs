//! IAM: managed policies, then roles (trust, attached and inline policies).

use super::{env_err, resolve_doc, PathError};
use crate::scenario::format::Environment;
use crate::time::Millis;
use crate::world::*;
use std::collections::BTreeMap;

/// Creates the customer managed policies.
pub(super) fn build_policies(
    w: &mut World,
    env: &Environment,
    created: Millis,
) -> Result<(), PathError> {
    for (i, p) in env.policies.iter().enumerate() {
        let arn = format!("arn:aws:iam::{}:policy/{}", w.account, p.name);
        if w.policies.contains_key(&arn) {
            return Err(env_err(
                format!("policies[{i}].name"),
                format!("a policy named '{}' already exists", p.name),
            ));
        }
        let pid = format!("ANPA{}", w.rng.hex(17).to_uppercase());
        let document = resolve_doc(w, &p.document, &format!("policies[{i}].document"))?;
        w.policies.insert(
            arn.clone(),
            ManagedPolicy {
                name: p.name.clone(),
                arn: arn.clone(),
                policy_id: pid,
                path: "/".into(),
                document,
                version: "v1".into(),
                created,
            },
        );
        w.names.insert(format!("policy:{}", p.name), arn);
    }
    Ok(())
}

/// Creates the roles: one trust policy each, managed policies by name or ARN.
pub(super) fn build_roles(
    w: &mut World,
    env: &Environment,
    created: Millis,
) -> Result<(), PathError> {
    for (i, r) in env.roles.iter().enumerate() {
        let path = format!("roles[{i}]");
        let trust = match (&r.trust, &r.trust_policy) {
            (Some(svc), None) => PolicyDocument::trust(svc),
            (None, Some(doc)) => doc.clone(),
            _ => return Err(env_err(
                path,
                "a role needs exactly one of `trust: <service principal>` or `trust_policy: {...}`",
            )),
        };
        let mut attached = Vec::new();
        for (j, m) in r.managed.iter().enumerate() {
            let arn = if m.starts_with("arn:") {
                m.clone()
            } else {
                w.policies
                    .values()
                    .find(|p| p.name == *m)
                    .map(|p| p.arn.clone())
                    .unwrap_or_default()
            };
            if !w.policies.contains_key(&arn) {
                let known: Vec<&str> = w.policies.values().map(|p| p.name.as_str()).collect();
                return Err(env_err(
                    format!("{path}.managed[{j}]"),
                    format!("no managed policy '{m}'; known: {}", known.join(", ")),
                ));
            }
            attached.push(arn);
        }
        let mut inline = BTreeMap::new();
        for (k, doc) in &r.inline {
            inline.insert(
                k.clone(),
                resolve_doc(w, doc, &format!("{path}.inline.{k}"))?,
            );
        }
        let arn = w.role_arn(&r.name);
        let role_id = format!("AROA{}", w.rng.hex(17).to_uppercase());
        w.roles.insert(
            r.name.clone(),
            Role {
                name: r.name.clone(),
                arn: arn.clone(),
                role_id,
                trust,
                attached,
                inline,
                description: r.description.clone(),
                created,
            },
        );
        w.names.insert(format!("role:{}", r.name), arn);
    }
    Ok(())
}

/// Creates the roles of the people and pipelines that call the account's
/// APIs (the scenario's history and the player), so that the identities
/// CloudTrail names can be looked up with `iam get-role`. An environment's
/// own role of the same name wins.
pub(super) fn build_people(w: &mut World, created: Millis) {
    let people = w.trail.people.clone();
    for p in people {
        if w.roles.contains_key(&p.role) {
            continue;
        }
        let trusted = p.trusted.replace("${account}", &w.account);
        let trust = if trusted.ends_with(".amazonaws.com") {
            PolicyDocument::trust(&trusted)
        } else {
            PolicyDocument {
                version: "2012-10-17".into(),
                id: None,
                statement: Statements::Many(vec![Statement {
                    sid: None,
                    effect: Effect::Allow,
                    principal: Some(Principal::Map(PrincipalMap {
                        service: None,
                        aws: Some(OneOrMany::One(trusted)),
                    })),
                    action: Some(OneOrMany::One("sts:AssumeRole".into())),
                    not_action: None,
                    resource: None,
                }]),
            }
        };
        let arn = w.role_arn(&p.role);
        // Inline policies, so that the account's managed policies (and
        // `iam list-policies --only-attached`) stay the environment's.
        let (name, actions): (&str, &[&str]) = match p.actor {
            Actor::Player => (
                "incident-response",
                &[
                    "ecs:*",
                    "ec2:*",
                    "iam:*",
                    "logs:*",
                    "ecr:*",
                    "elasticloadbalancing:*",
                    "cloudtrail:LookupEvents",
                    "servicequotas:*",
                    "ssm:DescribeParameters",
                    "secretsmanager:DescribeSecret",
                    "cloudwatch:GetMetricStatistics",
                ],
            ),
            Actor::Pipeline => (
                "deploy",
                &[
                    "ecs:RegisterTaskDefinition",
                    "ecs:UpdateService",
                    "ecs:DescribeServices",
                    "ecs:DescribeTaskDefinition",
                    "ecr:*",
                    "iam:PassRole",
                ],
            ),
            Actor::Terraform => ("apply", &["*"]),
            Actor::Engineer => (
                "platform-engineering",
                &[
                    "ecs:*",
                    "ec2:*",
                    "iam:*",
                    "logs:*",
                    "ecr:*",
                    "elasticloadbalancing:*",
                ],
            ),
        };
        let mut inline = BTreeMap::new();
        inline.insert(name.to_string(), PolicyDocument::allow(actions, "*"));
        w.roles.insert(
            p.role.clone(),
            Role {
                name: p.role.clone(),
                arn,
                role_id: p.role_id.clone(),
                trust,
                attached: Vec::new(),
                inline,
                description: Some(p.description.clone()),
                created,
            },
        );
    }
}
