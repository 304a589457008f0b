//! Secrets Manager secrets and SSM parameters (policies may name them).

use super::{env_err, PathError};
use crate::scenario::format::Environment;
use crate::time::Millis;
use crate::world::*;

/// Creates the secrets, each with its ARN suffix.
pub(super) fn build_secrets(
    w: &mut World,
    env: &Environment,
    created: Millis,
) -> Result<(), PathError> {
    for s in &env.secrets {
        let suffix: String = w
            .rng
            .hex(6)
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    (b'A' + (c as u8 - b'0')) as char
                } else {
                    c
                }
            })
            .collect();
        let arn = w.arn("secretsmanager", &format!("secret:{}-{suffix}", s.name));
        w.secrets.insert(
            s.name.clone(),
            Secret {
                name: s.name.clone(),
                arn: arn.clone(),
                created,
                kms_key_id: s.kms_key.clone(),
            },
        );
        w.names.insert(format!("secret:{}", s.name), arn);
    }
    Ok(())
}

/// Creates the SSM parameters.
pub(super) fn build_parameters(
    w: &mut World,
    env: &Environment,
    created: Millis,
) -> Result<(), PathError> {
    for (i, p) in env.parameters.iter().enumerate() {
        if !["String", "StringList", "SecureString"].contains(&p.kind.as_str()) {
            return Err(env_err(
                format!("parameters[{i}].type"),
                format!(
                    "'{}' is not a parameter type; expected String, StringList or SecureString",
                    p.kind
                ),
            ));
        }
        let arn = w.arn(
            "ssm",
            &format!(
                "parameter{}{}",
                if p.name.starts_with('/') { "" } else { "/" },
                p.name
            ),
        );
        w.parameters.insert(
            p.name.clone(),
            Parameter {
                name: p.name.clone(),
                arn: arn.clone(),
                kind: p.kind.clone(),
                modified: created,
            },
        );
        w.names.insert(format!("param:{}", p.name), arn);
    }
    Ok(())
}
