//! Customer managed KMS keys, Secrets Manager secrets and SSM parameters
//! (policies may name them).

use super::{env_err, resolve, PathError};
use crate::scenario::format::Environment;
use crate::time::Millis;
use crate::world::*;
use std::collections::BTreeMap;

/// Whether `r` looks like a region name (`eu-west-1`).
fn is_region(r: &str) -> bool {
    r.split('-').count() >= 3 && r.chars().last().is_some_and(|c| c.is_ascii_digit())
}

/// A region field: the environment's when absent, else checked.
fn region_of(w: &World, given: &Option<String>, path: String) -> Result<String, PathError> {
    match given {
        None => Ok(w.region.clone()),
        Some(r) if is_region(r) => Ok(r.clone()),
        Some(r) => Err(env_err(
            path,
            format!("'{r}' is not a region name; expected one such as us-east-1 or eu-west-2"),
        )),
    }
}

/// Creates the customer managed KMS keys (each draws its id from the seed;
/// an environment without keys draws nothing).
pub(super) fn build_kms_keys(
    w: &mut World,
    env: &Environment,
    created: Millis,
) -> Result<(), PathError> {
    for (i, k) in env.kms_keys.iter().enumerate() {
        let alias = k.alias.trim_start_matches("alias/").to_string();
        let valid = !alias.is_empty()
            && !alias.starts_with("aws/")
            && alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c));
        if !valid {
            return Err(env_err(
                format!("kms_keys[{i}].alias"),
                format!("'{}' is not a customer alias name; expected letters, digits, '/', '_' or '-', not starting with aws/ (e.g. billing-secrets)", k.alias),
            ));
        }
        if w.names.contains_key(&format!("kms:{alias}")) {
            return Err(env_err(
                format!("kms_keys[{i}].alias"),
                format!("the alias '{alias}' is declared twice"),
            ));
        }
        let region = region_of(w, &k.region, format!("kms_keys[{i}].region"))?;
        let id = w.rng.uuid();
        let arn = w.arn_in("kms", &region, &format!("key/{id}"));
        let description = match &k.description {
            Some(d) => resolve(w, &BTreeMap::new(), d)
                .map_err(|e| env_err(format!("kms_keys[{i}].description"), e))?,
            None => String::new(),
        };
        w.kms_keys.insert(
            arn.clone(),
            KmsKey {
                id,
                arn: arn.clone(),
                alias: alias.clone(),
                description,
                region,
                created,
            },
        );
        w.names.insert(format!("kms:{alias}"), arn);
    }
    Ok(())
}

/// The ARN of the key a `kms_key` field names: an alias (`billing-secrets`,
/// `alias/billing-secrets`), an alias ARN or a key ARN, placeholders resolved.
fn kms_key_arn(w: &World, given: &str, path: String) -> Result<String, PathError> {
    let text = resolve(w, &BTreeMap::new(), given).map_err(|e| env_err(path.clone(), e))?;
    if w.kms_keys.contains_key(&text) {
        return Ok(text);
    }
    let alias = match text.split_once(":alias/") {
        Some((_, a)) if text.starts_with("arn:") => a,
        _ => text.trim_start_matches("alias/"),
    };
    if let Some(arn) = w.name(&format!("kms:{alias}")) {
        return Ok(arn.to_string());
    }
    let known: Vec<&str> = w.kms_keys.values().map(|k| k.alias.as_str()).collect();
    Err(env_err(
        path,
        format!(
            "no KMS key with alias '{alias}' in kms_keys; known: {} (the AWS managed key needs no kms_key)",
            if known.is_empty() { "(none)".to_string() } else { known.join(", ") }
        ),
    ))
}

/// AWS's six-character secret ARN suffix, drawn from the seed.
fn arn_suffix(w: &mut World) -> String {
    w.rng
        .hex(6)
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                (b'A' + (c as u8 - b'0')) as char
            } else {
                c
            }
        })
        .collect()
}

/// Creates the secrets, each with its ARN suffix and its versions.
pub(super) fn build_secrets(
    w: &mut World,
    env: &Environment,
    created: Millis,
) -> Result<(), PathError> {
    for (i, s) in env.secrets.iter().enumerate() {
        let at = |f: &str| format!("secrets[{i}].{f}");
        if w.secrets.contains_key(&s.name) {
            return Err(env_err(
                at("name"),
                format!("the secret '{}' is declared twice", s.name),
            ));
        }
        let value = match (&s.keys, &s.text) {
            (Some(_), Some(_)) => {
                return Err(env_err(
                    at("text"),
                    "give the value's JSON `keys` or a `text` that is not JSON, not both",
                ))
            }
            (Some(k), None) => SecretValue::Keys(k.clone()),
            (None, Some(t)) => {
                if serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).is_ok() {
                    return Err(env_err(
                        at("text"),
                        "this text is a JSON object; list its top-level keys under `keys` instead",
                    ));
                }
                SecretValue::Text(t.clone())
            }
            (None, None) => SecretValue::Unmodelled,
        };
        let region = region_of(w, &s.region, at("region"))?;
        let kms_key_id = match &s.kms_key {
            Some(k) => Some(kms_key_arn(w, k, at("kms_key"))?),
            None => None,
        };
        let description = match &s.description {
            Some(d) => {
                Some(resolve(w, &BTreeMap::new(), d).map_err(|e| env_err(at("description"), e))?)
            }
            None => None,
        };
        let suffix = arn_suffix(w);
        let arn = w.arn_in(
            "secretsmanager",
            &region,
            &format!("secret:{}-{suffix}", s.name),
        );
        let mut versions = vec![SecretVersion {
            id: secret_version_id(&arn, 0),
            stages: vec!["AWSCURRENT".into()],
            value,
        }];
        if let Some(k) = &s.previous_keys {
            versions.push(SecretVersion {
                id: secret_version_id(&arn, 1),
                stages: vec!["AWSPREVIOUS".into()],
                value: SecretValue::Keys(k.clone()),
            });
        }
        w.secrets.insert(
            s.name.clone(),
            Secret {
                name: s.name.clone(),
                arn: arn.clone(),
                region,
                created,
                kms_key_id,
                description,
                versions,
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
        if w.parameters.contains_key(&p.name) {
            return Err(env_err(
                format!("parameters[{i}].name"),
                format!("the parameter '{}' is declared twice", p.name),
            ));
        }
        let region = region_of(w, &p.region, format!("parameters[{i}].region"))?;
        let kms_key_id = match &p.kms_key {
            Some(_) if p.kind != "SecureString" => {
                return Err(env_err(
                    format!("parameters[{i}].kms_key"),
                    format!(
                        "only a SecureString is encrypted; this parameter is a {}",
                        p.kind
                    ),
                ))
            }
            Some(k) => Some(kms_key_arn(w, k, format!("parameters[{i}].kms_key"))?),
            None => None,
        };
        let arn = w.arn_in(
            "ssm",
            &region,
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
                region,
                kind: p.kind.clone(),
                kms_key_id,
                modified: created,
            },
        );
        w.names.insert(format!("param:{}", p.name), arn);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::build_world;
    use crate::scenario::format::Environment;

    fn env() -> Environment {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/environments/media-prod.yaml");
        crate::scenario::parse_yaml(&p, &std::fs::read_to_string(&p).unwrap()).unwrap()
    }

    fn error(env: &Environment) -> (String, String) {
        let e = build_world(env, 1, 0).expect_err("an error");
        (e.path, e.message)
    }

    #[test]
    fn kms_key_fields_resolve_placeholders_and_name_declared_keys() {
        let mut e = env();
        e.secrets[1].kms_key = Some("arn:aws:kms:${region}:${account}:alias/media-secrets".into());
        e.secrets[1].description = Some("token for ${account} in ${region}".into());
        let w = build_world(&e, 1, 0).unwrap();
        let s = &w.secrets["prod/media/cdn-origin-token"];
        let key = &w.names["kms:media-secrets"];
        assert_eq!(s.kms_key_id.as_ref(), Some(key));
        assert_eq!(
            s.description.as_deref(),
            Some(format!("token for {} in us-west-2", w.account).as_str())
        );
        assert!(key.starts_with(&format!("arn:aws:kms:us-west-2:{}:key/", w.account)));
        assert_eq!(
            w.parameters["/prod/media/cdn-origin-token"]
                .kms_key_id
                .as_ref(),
            Some(key)
        );

        e.secrets[1].kms_key = Some("alias/media-secret".into());
        assert_eq!(
            error(&e),
            (
                "secrets[1].kms_key".into(),
                "no KMS key with alias 'media-secret' in kms_keys; known: media-secrets (the AWS managed key needs no kms_key)".into()
            )
        );
    }

    #[test]
    fn value_region_and_type_errors_name_the_field() {
        let mut e = env();
        e.secrets[0].keys = Some(vec!["a".into()]);
        e.secrets[0].text = Some("x".into());
        assert_eq!(error(&e).0, "secrets[0].text");
        e.secrets[0].keys = None;
        e.secrets[0].text = Some(r#"{"a": 1}"#.into());
        assert_eq!(
            error(&e),
            (
                "secrets[0].text".into(),
                "this text is a JSON object; list its top-level keys under `keys` instead".into()
            )
        );
        let mut e = env();
        e.secrets[0].region = Some("mars".into());
        assert_eq!(
            error(&e),
            (
                "secrets[0].region".into(),
                "'mars' is not a region name; expected one such as us-east-1 or eu-west-2".into()
            )
        );
        let mut e = env();
        e.parameters[1].kms_key = Some("media-secrets".into());
        assert_eq!(
            error(&e),
            (
                "parameters[1].kms_key".into(),
                "only a SecureString is encrypted; this parameter is a String".into()
            )
        );
        let mut e = env();
        e.kms_keys[0].alias = "aws/secretsmanager".into();
        assert_eq!(error(&e).0, "kms_keys[0].alias");
    }
}
