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
