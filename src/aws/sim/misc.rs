//! Read-only operations of the smaller services in the AWS CLI's shapes:
//! `ecr`, `secretsmanager`, `kms`, `ssm` and `cloudwatch` (ECS service metrics
//! computed from the simulation), plus the small helpers the `logs`, `iam`
//! and `elbv2` tables share (CLI timestamps, stable hashes, integer flags).
//!
//! Nothing here reveals a secret or parameter value: only metadata.

use super::read::timestamp;
use super::{ArgError, CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors::{self, Validation};
use crate::time::{Millis, MINUTE};
use crate::world::{Image, Task, World};
use serde_json::{json, Map, Value};

/// The instant as the AWS CLI v2 prints a parsed timestamp: Python's
/// `isoformat()`, which drops the fraction when it is zero
/// (`2026-03-12T14:32:05+00:00`, `2026-03-12T14:32:05.123000+00:00`).
pub(super) fn cli_time(t: Millis) -> String {
    let full = crate::time::iso(t);
    if t.rem_euclid(1000) == 0 {
        full.replace(".000000+", "+")
    } else {
        full
    }
}

/// [`cli_time`] at one-second precision, for services that keep whole seconds (IAM, ECR).
pub(super) fn cli_time_secs(t: Millis) -> String {
    cli_time(t - t.rem_euclid(1000))
}

/// A stable 64-bit FNV-1a hash of some strings (ids, tokens, jitter: never an RNG).
pub(super) fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// An integer flag (`--limit 5`), with the CLI's parse error.
pub(super) fn int_flag(inv: &Input, name: &str) -> Result<Option<i64>, ArgError> {
    match inv.value(name)? {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{v}'"))),
    }
}

/// A range check worded as AWS's request validation words it.
pub(super) fn check_range(
    service: Validation,
    op: &str,
    field: &str,
    v: i64,
    lo: i64,
    hi: i64,
) -> Result<(), CommandError> {
    if v < lo {
        return Err(errors::below_minimum(service, op, field, v, lo).into());
    }
    if v > hi {
        return Err(errors::above_maximum(service, op, field, v, hi).into());
    }
    Ok(())
}

/// A list-of-structures member (none given: empty).
fn structures(inv: &Input, name: &str) -> Result<Vec<Value>, ArgError> {
    Ok(inv.structures(name).unwrap_or_default())
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.to_string()))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------- ECR

/// `ecr describe-repositories`.
fn describe_repositories(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let names = inv.values("repositoryNames")?;
    let w = ctx.world;
    let repos: Vec<&crate::world::Repository> = match &names {
        None => w.repositories.values().collect(),
        Some(names) => {
            let mut out = Vec::new();
            for n in names {
                match w.repositories.get(n) {
                    Some(r) => out.push(r),
                    None => return Err(repo_missing(w, n, "DescribeRepositories")),
                }
            }
            out
        }
    };
    let list: Vec<Value> = repos
        .iter()
        .map(|r| {
            json!({
                "repositoryArn": r.arn,
                "registryId": w.account,
                "repositoryName": r.name,
                "repositoryUri": r.uri,
                "createdAt": cli_time_secs(r.created),
                "imageTagMutability": "MUTABLE",
                "imageScanningConfiguration": {"scanOnPush": false},
                "encryptionConfiguration": {"encryptionType": "AES256"},
            })
        })
        .collect();
    Ok(json!({ "repositories": list }))
}

/// RepositoryNotFoundException, naming the account's registry.
fn repo_missing(w: &World, name: &str, op: &str) -> CommandError {
    errors::repository_not_found(op, name, &w.account).into()
}

/// Media types ECR reports for an image manifest.
fn manifest_media_type(im: &Image) -> &'static str {
    if im.is_index {
        "application/vnd.oci.image.index.v1+json"
    } else {
        "application/vnd.docker.distribution.manifest.v2+json"
    }
}

/// `ecr describe-images`.
fn describe_images(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeImages";
    let repo_name = inv.required("repositoryName")?;
    let ids = structures(inv, "imageIds")?;
    let filter = inv.structure("filter")?;
    let w = ctx.world;
    let Some(repo) = w.repositories.get(&repo_name) else {
        return Err(repo_missing(w, &repo_name, op));
    };
    let tag_status = filter
        .as_ref()
        .and_then(|f| f.get("tagStatus"))
        .and_then(|v| v.as_str())
        .unwrap_or("ANY")
        .to_string();
    if !["TAGGED", "UNTAGGED", "ANY"].contains(&tag_status.as_str()) {
        return Err(errors::not_in_enum(
            Validation::Ecr,
            op,
            &tag_status,
            "filter.tagStatus",
            &["TAGGED", "UNTAGGED", "ANY"],
        )
        .into());
    }
    let mut images: Vec<&Image> = Vec::new();
    if ids.is_empty() {
        images.extend(repo.images.iter().filter(|im| match tag_status.as_str() {
            "TAGGED" => !im.tags.is_empty(),
            "UNTAGGED" => im.tags.is_empty(),
            _ => true,
        }));
    } else {
        for id in &ids {
            let tag = id.get("imageTag").and_then(|v| v.as_str());
            let digest = id.get("imageDigest").and_then(|v| v.as_str());
            if tag.is_none() && digest.is_none() {
                return Err(ArgError(format!(
                    "Error parsing parameter '--image-ids': Expected: 'imageTag=<tag>' or 'imageDigest=<digest>', received: '{id}'"
                ))
                .into());
            }
            let found = repo.images.iter().find(|im| {
                tag.is_none_or(|t| im.tags.iter().any(|x| x == t))
                    && digest.is_none_or(|d| im.digest == d)
            });
            match found {
                Some(im) => {
                    if !images.iter().any(|x| x.digest == im.digest) {
                        images.push(im)
                    }
                }
                None => {
                    return Err(
                        errors::image_not_found(op, digest, tag, &repo.name, &w.account).into(),
                    );
                }
            }
        }
    }
    let details: Vec<Value> = images
        .iter()
        .map(|im| {
            let mut d = Map::new();
            d.insert("registryId".into(), json!(w.account));
            d.insert("repositoryName".into(), json!(repo.name));
            d.insert("imageDigest".into(), json!(im.digest));
            if !im.tags.is_empty() {
                d.insert("imageTags".into(), json!(im.tags));
            }
            d.insert("imageSizeInBytes".into(), json!(im.size_bytes));
            d.insert("imagePushedAt".into(), json!(cli_time_secs(im.pushed_at)));
            d.insert(
                "imageManifestMediaType".into(),
                json!(manifest_media_type(im)),
            );
            if !im.is_index {
                // [I] an image index has no single config blob, so no artifact type.
                d.insert(
                    "artifactMediaType".into(),
                    json!("application/vnd.docker.container.image.v1+json"),
                );
            }
            if let Some(t) = last_pull(w, im, ctx.now) {
                d.insert("lastRecordedPullTime".into(), json!(cli_time(t)));
            }
            Value::Object(d)
        })
        .collect();
    Ok(json!({ "imageDetails": details }))
}

/// When a task last finished pulling this image (from tasks still visible) [I].
fn last_pull(w: &World, im: &Image, now: Millis) -> Option<Millis> {
    w.tasks
        .values()
        .filter(|t| {
            t.containers
                .iter()
                .any(|c| c.image_digest.as_deref() == Some(im.digest.as_str()))
        })
        .filter_map(|t| t.pull_stopped_at)
        .filter(|t| *t <= now)
        .max()
}

// ---------------------------------------------------------------- Secrets Manager

/// `secretsmanager describe-secret` (metadata only; never a value).
fn describe_secret(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let id = inv.required("SecretId")?;
    let w = ctx.world;
    // By name, full ARN, or partial ARN (without AWS's six-character suffix),
    // among the secrets of the session's region: another region's secret is
    // not found here, as the CLI's call goes to this region's endpoint.
    let here = |s: &&crate::world::Secret| s.region == w.region;
    let s = w.secrets.get(&id).filter(here).or_else(|| {
        w.secrets.values().filter(here).find(|s| {
            s.arn == id
                || (id.starts_with("arn:")
                    && s.arn.len() == id.len() + 7
                    && s.arn.starts_with(&id)
                    && s.arn.as_bytes()[id.len()] == b'-')
        })
    });
    let Some(s) = s else {
        return Err(errors::secret_not_found("DescribeSecret").into());
    };
    // Tasks read the secret at every start, so it was accessed today [I];
    // Secrets Manager keeps the access date to the day [V].
    let day = ctx.now - ctx.now.rem_euclid(24 * crate::time::HOUR);
    let mut out = Map::new();
    out.insert("ARN".into(), json!(s.arn));
    out.insert("Name".into(), json!(s.name));
    if let Some(d) = &s.description {
        out.insert("Description".into(), json!(d));
    }
    if let Some(k) = &s.kms_key_id {
        out.insert("KmsKeyId".into(), json!(k));
    }
    out.insert("LastChangedDate".into(), json!(cli_time(s.created)));
    out.insert(
        "LastAccessedDate".into(),
        json!(cli_time(day.max(
            s.created - s.created.rem_euclid(24 * crate::time::HOUR)
        ))),
    );
    // Version ids and their staging labels; never a value.
    let mut stages = Map::new();
    if s.versions.is_empty() {
        stages.insert(
            crate::world::secret_version_id(&s.arn, 0),
            json!(["AWSCURRENT"]),
        );
    }
    for v in &s.versions {
        stages.insert(v.id.clone(), json!(v.stages));
    }
    out.insert("VersionIdsToStages".into(), Value::Object(stages));
    out.insert("CreatedDate".into(), json!(cli_time(s.created)));
    Ok(Value::Object(out))
}

// ---------------------------------------------------------------- KMS

/// The customer managed key `id` names: a key id, key ARN, `alias/NAME` or an alias ARN.
fn find_key<'w>(
    w: &'w World,
    id: &str,
    op: &str,
) -> Result<&'w crate::world::KmsKey, CommandError> {
    let here = |k: &&crate::world::KmsKey| k.region == w.region;
    let alias = id
        .strip_prefix("alias/")
        .or_else(|| id.split_once(":alias/").map(|(_, a)| a));
    let found = match alias {
        Some(a) => w.kms_keys.values().filter(here).find(|k| k.alias == a),
        None => w
            .kms_keys
            .values()
            .filter(here)
            .find(|k| k.id == id || k.arn == id),
    };
    found.ok_or_else(|| {
        let alias_arn = alias.map(|a| w.arn("kms", &format!("alias/{a}")));
        let what = if id.starts_with("arn:") {
            id.to_string()
        } else {
            w.arn("kms", &format!("key/{id}"))
        };
        errors::kms_not_found(op, &what, alias_arn.as_deref()).into()
    })
}

/// `kms describe-key` (a customer managed key's metadata).
fn describe_key(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let id = inv.required("KeyId")?;
    let w = ctx.world;
    let k = find_key(w, &id, "DescribeKey")?;
    // The KeyMetadata members of a symmetric customer managed key, in the
    // order the KMS API reference's DescribeKey example prints them [V].
    Ok(json!({"KeyMetadata": {
        "AWSAccountId": w.account,
        "KeyId": k.id,
        "Arn": k.arn,
        "CreationDate": cli_time(k.created),
        "Enabled": true,
        "Description": k.description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": false,
    }}))
}

/// `kms list-aliases` (the customer managed keys' aliases; the AWS managed
/// aliases an account also lists are left out [I]).
fn list_aliases(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let w = ctx.world;
    let only = match inv.value("KeyId")? {
        Some(id) => Some(find_key(w, &id, "ListAliases")?.arn.clone()),
        None => None,
    };
    let mut keys: Vec<&crate::world::KmsKey> = w
        .kms_keys
        .values()
        .filter(|k| k.region == w.region && only.as_ref().is_none_or(|a| *a == k.arn))
        .collect();
    keys.sort_by(|a, b| a.alias.cmp(&b.alias));
    let list: Vec<Value> = keys
        .iter()
        .map(|k| {
            json!({
                "AliasName": format!("alias/{}", k.alias),
                "AliasArn": w.arn("kms", &format!("alias/{}", k.alias)),
                "TargetKeyId": k.id,
                "CreationDate": cli_time(k.created),
                "LastUpdatedDate": cli_time(k.created),
            })
        })
        .collect();
    Ok(json!({ "Aliases": list }))
}

// ---------------------------------------------------------------- SSM

/// `ssm describe-parameters`.
fn describe_parameters(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeParameters";
    let pfilters = structures(inv, "ParameterFilters")?;
    let filters = structures(inv, "Filters")?;
    let max = int_flag(inv, "MaxResults")?;
    if !pfilters.is_empty() && !filters.is_empty() {
        return Err(errors::parameter_filters_and_filters(op).into());
    }
    if let Some(m) = max {
        check_range(Validation::Ssm, op, "maxResults", m, 1, 50)?;
    }
    // (key, option, values)
    let mut conds: Vec<(String, String, Vec<String>)> = Vec::new();
    for f in &pfilters {
        let key = f
            .get("Key")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                ArgError(format!(
                    "Error parsing parameter '--parameter-filters': Expected: 'Key=<key>,Option=<option>,Values=<value>,<value>', received: '{f}'"
                ))
            })?
            .to_string();
        let valid = ["Path", "Name", "Type", "KeyId", "Tier", "Label", "DataType"];
        if !valid.contains(&key.as_str()) && !key.starts_with("tag:") {
            return Err(errors::parameter_filter_key_invalid(op, &key, &valid).into());
        }
        let default = if key == "Path" { "OneLevel" } else { "Equals" };
        let option = f
            .get("Option")
            .and_then(|v| v.as_str())
            .unwrap_or(default)
            .to_string();
        let allowed: &[&str] = match key.as_str() {
            "Path" => &["Recursive", "OneLevel"],
            "Name" => &["Equals", "BeginsWith", "Contains"],
            "KeyId" => &["Equals", "BeginsWith"],
            _ => &["Equals"],
        };
        if !allowed.contains(&option.as_str()) {
            return Err(errors::parameter_filter_option_invalid(op, &option, allowed).into());
        }
        conds.push((key, option, string_list(f.get("Values"))));
    }
    for f in &filters {
        let key = f
            .get("Key")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        if !["Name", "Type", "KeyId"].contains(&key.as_str()) {
            return Err(errors::not_in_enum(
                Validation::Ssm,
                op,
                &key,
                "filters.1.member.key",
                &["Name", "Type", "KeyId"],
            )
            .into());
        }
        conds.push((key, "Equals".into(), string_list(f.get("Values"))));
    }
    let w = ctx.world;
    let mut out = Vec::new();
    for p in w.parameters.values().filter(|p| p.region == w.region) {
        // A SecureString shows its key: `alias/aws/ssm`, or the customer key as
        // its alias (the form a `--key-id alias/...` at PutParameter leaves) [I].
        let cmk = p
            .kms_key_id
            .as_ref()
            .and_then(|arn| w.kms_keys.get(arn))
            .map(|k| format!("alias/{}", k.alias));
        let key_id = (p.kind == "SecureString").then(|| cmk.as_deref().unwrap_or("alias/aws/ssm"));
        let ok = conds.iter().all(|(k, o, vals)| {
            vals.iter().any(|v| match (k.as_str(), o.as_str()) {
                ("Name", "BeginsWith") => p.name.starts_with(v.as_str()),
                ("Name", "Contains") => p.name.contains(v.as_str()),
                ("Name", _) => {
                    p.name == *v || p.name.trim_start_matches('/') == v.trim_start_matches('/')
                }
                ("Type", _) => p.kind == *v,
                ("KeyId", "BeginsWith") => key_id.is_some_and(|k| k.starts_with(v.as_str())),
                ("KeyId", _) => key_id == Some(v.as_str()),
                ("Tier", _) => v == "Standard",
                ("DataType", _) => v == "text",
                ("Path", opt) => {
                    let base = v.trim_end_matches('/');
                    let Some(rest) = p.name.strip_prefix(&format!("{base}/")) else {
                        return false;
                    };
                    opt == "Recursive" || !rest.contains('/')
                }
                _ => false,
            })
        });
        if !ok {
            continue;
        }
        let mut m = Map::new();
        m.insert("Name".into(), json!(p.name));
        m.insert("ARN".into(), json!(p.arn));
        m.insert("Type".into(), json!(p.kind));
        if let Some(k) = key_id {
            m.insert("KeyId".into(), json!(k));
        }
        m.insert("LastModifiedDate".into(), json!(cli_time(p.modified)));
        m.insert("Version".into(), json!(1));
        m.insert("Tier".into(), json!("Standard"));
        m.insert("Policies".into(), json!([]));
        m.insert("DataType".into(), json!("text"));
        out.push(Value::Object(m));
    }
    if let Some(m) = max {
        out.truncate(m as usize);
    }
    Ok(json!({ "Parameters": out }))
}

// ---------------------------------------------------------------- CloudWatch

/// The statistics GetMetricStatistics knows, in the order a Datapoint lists them [V: botocore shape].
const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

/// `cloudwatch get-metric-statistics` for the ECS service and cluster metrics.
fn get_metric_statistics(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "GetMetricStatistics";
    let namespace = inv.required("Namespace")?;
    let metric = inv.required("MetricName")?;
    let dims = structures(inv, "Dimensions")?;
    let start = inv.required("StartTime")?;
    let end = inv.required("EndTime")?;
    let period = inv.required("Period")?;
    let stats = inv.values("Statistics")?.unwrap_or_default();
    let unit = inv.value("Unit")?;
    let start = timestamp(&start, ctx.now).map_err(ArgError)?;
    let end = timestamp(&end, ctx.now).map_err(ArgError)?;
    let period: i64 = period.trim().parse().map_err(|_| {
        ArgError(format!(
            "invalid literal for int() with base 10: '{period}'"
        ))
    })?;
    if stats.is_empty() {
        return Err(errors::statistics_missing(op).into());
    }
    for (i, s) in stats.iter().enumerate() {
        if !STATISTICS.contains(&s.as_str()) {
            return Err(errors::statistic_invalid(op, i + 1).into());
        }
    }
    if period <= 0 || period % 60 != 0 {
        return Err(errors::period_invalid(op).into());
    }
    if start >= end {
        return Err(errors::start_not_before_end(op).into());
    }
    let period_ms = period * 1000;
    // Start times within 15 days are rounded down to the minute [V: API reference].
    let first = start - start.rem_euclid(MINUTE);
    let buckets = (end - first + period_ms - 1) / period_ms;
    if buckets > 1440 {
        return Err(errors::too_many_datapoints(op, buckets).into());
    }
    let mut dmap: Vec<(String, String)> = Vec::new();
    for d in &dims {
        let n = d.get("Name").and_then(|v| v.as_str());
        let v = d.get("Value").and_then(|v| v.as_str());
        match (n, v) {
            (Some(n), Some(v)) => dmap.push((n.to_string(), v.to_string())),
            _ => {
                return Err(ArgError(format!(
                    "Error parsing parameter '--dimensions': Expected: 'Name=<name>,Value=<value>', received: '{d}'"
                ))
                .into())
            }
        }
    }
    dmap.sort();
    let label = json!(metric);
    let mem = metric == "MemoryUtilization";
    // ECS publishes these two, per cluster and per service, in percent [V].
    let known = namespace == "AWS/ECS"
        && (mem || metric == "CPUUtilization")
        && unit.as_deref().is_none_or(|u| u == "Percent");
    let scope = match dmap.as_slice() {
        [(a, c)] if a == "ClusterName" => Some((c.clone(), None)),
        [(a, c), (b, s)] if a == "ClusterName" && b == "ServiceName" => {
            Some((c.clone(), Some(s.clone())))
        }
        _ => None,
    };
    let (Some((cluster, service)), true) = (scope, known) else {
        // A metric with no data answers with no datapoints, not an error [V].
        return Ok(json!({ "Label": label, "Datapoints": [] }));
    };
    let w = ctx.world;
    let tasks: Vec<&Task> = w
        .tasks
        .values()
        .filter(|t| {
            t.cluster == cluster
                && t.started_at.is_some()
                && service
                    .as_deref()
                    .is_none_or(|s| t.service.as_deref() == Some(s))
        })
        .collect();
    let mut points = Vec::new();
    for b in 0..buckets {
        let b_start = first + b * period_ms;
        let b_end = (b_start + period_ms).min(end);
        let mut samples: Vec<f64> = Vec::new();
        // One sample per task per whole minute, as ECS reports them [I].
        let mut m = b_start;
        while m < b_end {
            if m + MINUTE <= ctx.now {
                for t in &tasks {
                    if let Some(v) = task_utilization(w, t, m, ctx.now, mem) {
                        samples.push(v);
                    }
                }
            }
            m += MINUTE;
        }
        if samples.is_empty() {
            continue;
        }
        let n = samples.len() as f64;
        let sum: f64 = samples.iter().sum();
        let mut p = Map::new();
        p.insert("Timestamp".into(), json!(cli_time(b_start)));
        for s in STATISTICS {
            if !stats.iter().any(|x| x == s) {
                continue;
            }
            let v = match s {
                "SampleCount" => n,
                "Average" => sum / n,
                "Sum" => sum,
                "Minimum" => samples.iter().cloned().fold(f64::INFINITY, f64::min),
                _ => samples.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            };
            p.insert(s.into(), json!(v));
        }
        p.insert("Unit".into(), json!("Percent"));
        points.push(Value::Object(p));
    }
    // CloudWatch returns datapoints in no particular order; the game sorts them by time.
    Ok(json!({ "Label": label, "Datapoints": points }))
}

/// A task's utilization (percent) for the minute starting at `m`, if it ran in it.
fn task_utilization(w: &World, t: &Task, m: Millis, now: Millis, mem: bool) -> Option<f64> {
    let started = t.started_at?;
    let end = t.stopping_at.or(t.stopped_at).unwrap_or(Millis::MAX);
    if started >= m + MINUTE || end <= m {
        return None;
    }
    // The reading at the end of the minute (or when the task stopped) [I].
    let at = (m + MINUTE).min(end).min(now) - 1;
    let uptime = (at - started).max(0);
    if mem {
        // [I] used MiB over the task's memory, each container capped at its hard limit.
        let task_mem: f64 = t.memory.trim().parse().ok()?;
        if task_mem <= 0.0 {
            return None;
        }
        let used: u64 = t
            .run
            .memory
            .iter()
            .map(|(_, curve, limit)| curve.at(uptime).min(*limit) as u64)
            .sum();
        Some(used as f64 / task_mem * 100.0)
    } else {
        // [I] the profile's CPU need over the task's CPU, varied by ±15% per task and minute.
        let task_cpu: f64 = t.cpu.trim().parse().ok()?;
        if task_cpu <= 0.0 {
            return None;
        }
        let units: u32 = profile_cpu_units(w, t);
        let jitter = stable_hash(&[&t.id, &m.to_string()]) % 31;
        let factor = 0.85 + jitter as f64 / 100.0;
        Some(units as f64 / task_cpu * 100.0 * factor)
    }
}

/// CPU units the task's running containers need, from their images' profiles.
fn profile_cpu_units(w: &World, t: &Task) -> u32 {
    let Some(td) = t.run.td.as_ref() else {
        return 0;
    };
    let registry = format!("{}/", w.registry());
    t.run
        .memory
        .iter()
        .filter_map(|(i, _, _)| td.def.container_definitions.get(*i))
        .filter_map(|c| {
            let rest = c.image.strip_prefix(&registry)?;
            let (repo, tag) = rest.rsplit_once(':').unwrap_or((rest, "latest"));
            let im = w.repositories.get(repo)?.images.iter().find(|im| {
                im.tags.iter().any(|x| x == tag)
                    || tag
                        .strip_prefix("sha256:")
                        .is_some_and(|d| im.digest.ends_with(d))
            })?;
            w.profiles.get(&im.profile).map(|p| p.cpu_units)
        })
        .sum()
}

/// The `ecr`, `secretsmanager`, `ssm` and `cloudwatch` operations.
pub const OPS: &[ReadOp] = &[
    Op {
        service: "ecr",
        name: "describe-repositories",
        api: "DescribeRepositories",
        summary: "Describes image repositories in the registry",
        flags: &[flag(
            "repository-names",
            FlagKind::List,
            "repositories to describe (all when omitted)",
            Complete::Repository,
        )],
        positional: None,
        run: describe_repositories,
    },
    Op {
        service: "ecr",
        name: "describe-images",
        api: "DescribeImages",
        summary: "Describes the images in a repository (tags, digests, sizes, push times)",
        flags: &[
            required(
                "repository-name",
                FlagKind::Str,
                "the repository whose images to describe",
                Complete::Repository,
            ),
            flag(
                "image-ids",
                FlagKind::Structure,
                "images to describe: imageTag=v1 or imageDigest=sha256:... (several allowed)",
                Complete::Nothing,
            ),
            flag(
                "filter",
                FlagKind::Structure,
                "tagStatus=TAGGED|UNTAGGED|ANY",
                Complete::Choices(&["tagStatus=TAGGED", "tagStatus=UNTAGGED", "tagStatus=ANY"]),
            ),
            crate::aws::sim::ecs::MAX_ITEMS,
            crate::aws::sim::ecs::STARTING_TOKEN,
            crate::aws::sim::ecs::PAGE_SIZE,
        ],
        positional: None,
        run: describe_images,
    },
    Op {
        service: "secretsmanager",
        name: "describe-secret",
        api: "DescribeSecret",
        summary: "Describes a secret's metadata (never its value)",
        flags: &[required(
            "secret-id",
            FlagKind::Str,
            "the secret's name or ARN",
            Complete::Secret,
        )],
        positional: None,
        run: describe_secret,
    },
    Op {
        service: "kms",
        name: "describe-key",
        api: "DescribeKey",
        summary: "Describes a KMS key (by key id, key ARN, alias/NAME or alias ARN)",
        flags: &[required(
            "key-id",
            FlagKind::Str,
            "a key id, key ARN, alias name (alias/NAME) or alias ARN",
            Complete::Nothing,
        )],
        positional: None,
        run: describe_key,
    },
    Op {
        service: "kms",
        name: "list-aliases",
        api: "ListAliases",
        summary: "Lists the account's KMS key aliases and the keys they point to",
        flags: &[flag(
            "key-id",
            FlagKind::Str,
            "only the aliases of this key",
            Complete::Nothing,
        )],
        positional: None,
        run: list_aliases,
    },
    Op {
        service: "ssm",
        name: "describe-parameters",
        api: "DescribeParameters",
        summary: "Lists Parameter Store parameters' metadata (never their values)",
        flags: &[
            flag(
                "parameter-filters",
                FlagKind::Structure,
                "Key=Name|Path|Type,Option=Equals|BeginsWith|Recursive,Values=... (several allowed)",
                Complete::Nothing,
            ),
            flag(
                "filters",
                FlagKind::Structure,
                "legacy filters: Key=Name|Type|KeyId,Values=...",
                Complete::Nothing,
            ),
            flag(
                "max-results",
                FlagKind::Int,
                "most parameters to return (1-50)",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: describe_parameters,
    },
    Op {
        service: "cloudwatch",
        name: "get-metric-statistics",
        api: "GetMetricStatistics",
        summary: "Gets statistics of a metric (AWS/ECS CPUUtilization and MemoryUtilization)",
        flags: &[
            required(
                "namespace",
                FlagKind::Str,
                "the metric's namespace, e.g. AWS/ECS",
                Complete::Choices(&["AWS/ECS"]),
            ),
            required(
                "metric-name",
                FlagKind::Str,
                "the metric, e.g. CPUUtilization or MemoryUtilization",
                Complete::Choices(&["CPUUtilization", "MemoryUtilization"]),
            ),
            flag(
                "dimensions",
                FlagKind::Structure,
                "Name=ClusterName,Value=prod Name=ServiceName,Value=checkout",
                Complete::Nothing,
            ),
            required(
                "start-time",
                FlagKind::Timestamp,
                "first instant: ISO 8601 or epoch seconds (faultline also takes -30m and now; the AWS CLI does not)",
                Complete::Nothing,
            ),
            required(
                "end-time",
                FlagKind::Timestamp,
                "instant after the last: ISO 8601 or epoch seconds (faultline also takes now and -30m; the AWS CLI does not)",
                Complete::Nothing,
            ),
            required(
                "period",
                FlagKind::Int,
                "seconds per datapoint, a multiple of 60",
                Complete::Choices(&["60", "300", "3600"]),
            ),
            flag(
                "statistics",
                FlagKind::List,
                "Average Maximum Minimum SampleCount Sum",
                Complete::Choices(&STATISTICS),
            ),
            flag(
                "unit",
                FlagKind::Str,
                "only datapoints in this unit (ECS metrics are Percent)",
                Complete::Choices(&["Percent"]),
            ),
        ],
        positional: None,
        run: get_metric_statistics,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    use crate::aws::sim::testkit::{aws_err, call, instance};

    #[test]
    fn cli_time_drops_zero_fraction() {
        let t = crate::time::parse_iso("2026-03-12T14:32:05Z").unwrap();
        assert_eq!(cli_time(t), "2026-03-12T14:32:05+00:00");
        assert_eq!(cli_time(t + 123), "2026-03-12T14:32:05.123000+00:00");
        assert_eq!(cli_time_secs(t + 123), "2026-03-12T14:32:05+00:00");
    }

    #[test]
    fn ecr_repositories_and_images() {
        let inst = instance("oom-killed.yaml", 7);
        let acct = inst.sim.world().account.clone();
        let v = call(&inst, "ecr describe-repositories").unwrap();
        let r = &v["repositories"][0];
        assert_eq!(r["repositoryName"], "checkout-api");
        assert_eq!(r["registryId"], json!(acct));
        assert_eq!(
            r["repositoryUri"],
            json!(format!(
                "{acct}.dkr.ecr.us-east-1.amazonaws.com/checkout-api"
            ))
        );
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "repositoryArn",
                "registryId",
                "repositoryName",
                "repositoryUri",
                "createdAt",
                "imageTagMutability",
                "imageScanningConfiguration",
                "encryptionConfiguration"
            ]
        );
        let e = aws_err(call(
            &inst,
            "ecr describe-repositories --repository-names nope",
        ));
        assert_eq!(e.code, "RepositoryNotFoundException");
        assert_eq!(
            e.message,
            format!(
                "The repository with name 'nope' does not exist in the registry with id '{acct}'"
            )
        );

        let v = call(
            &inst,
            "ecr describe-images --repository-name checkout-api --image-ids imageTag=v2.5.0",
        )
        .unwrap();
        let d = &v["imageDetails"][0];
        assert_eq!(d["imageTags"], json!(["v2.5.0"]));
        assert_eq!(d["imageSizeInBytes"], json!(151_000_000u64));
        assert_eq!(
            d["imageManifestMediaType"],
            "application/vnd.docker.distribution.manifest.v2+json"
        );
        assert!(d.get("architecture").is_none());
        let all = call(&inst, "ecr describe-images --repository-name checkout-api").unwrap();
        assert_eq!(all["imageDetails"].as_array().unwrap().len(), 2);
        let e = aws_err(call(
            &inst,
            "ecr describe-images --repository-name checkout-api --image-ids imageTag=v9",
        ));
        assert_eq!(e.code, "ImageNotFoundException");
        assert_eq!(e.message, format!("The image with imageId {{imageDigest:'null', imageTag:'v9'}} does not exist within the repository with name 'checkout-api' in the registry with id '{acct}'"));
    }

    #[test]
    fn secret_metadata_only() {
        let inst = instance("oom-killed.yaml", 3);
        let arn = inst.sim.world().secrets["prod/checkout/db"].arn.clone();
        let by_name = call(
            &inst,
            "secretsmanager describe-secret --secret-id prod/checkout/db",
        )
        .unwrap();
        let by_arn = call(
            &inst,
            &format!("secretsmanager describe-secret --secret-id {arn}"),
        )
        .unwrap();
        let partial = &arn[..arn.len() - 7];
        let by_partial = call(
            &inst,
            &format!("secretsmanager describe-secret --secret-id {partial}"),
        )
        .unwrap();
        assert_eq!(by_name, by_arn);
        assert_eq!(by_name, by_partial);
        assert_eq!(by_name["ARN"], json!(arn));
        assert!(by_name.get("SecretString").is_none());
        let stages = by_name["VersionIdsToStages"].as_object().unwrap();
        assert_eq!(stages.len(), 1);
        assert_eq!(stages.values().next().unwrap(), &json!(["AWSCURRENT"]));
        let e = aws_err(call(
            &inst,
            "secretsmanager describe-secret --secret-id prod/nope",
        ));
        assert_eq!(e.code, "ResourceNotFoundException");
        assert_eq!(
            e.message,
            "Secrets Manager can't find the specified secret."
        );
    }

    #[test]
    fn secret_versions_key_and_description_never_a_value() {
        let inst = instance("secret-kms-decrypt-denied.yaml", 5);
        let w = inst.sim.world();
        let key = w.names["kms:media-secrets"].clone();
        let v = call(
            &inst,
            "secretsmanager describe-secret --secret-id prod/media/cdn-origin-token",
        )
        .unwrap();
        assert_eq!(v["KmsKeyId"], json!(key));
        assert_eq!(
            v["Description"],
            "Shared secret the CDN sends to the thumbnailer origin (X-Origin-Token)"
        );
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "ARN",
                "Name",
                "Description",
                "KmsKeyId",
                "LastChangedDate",
                "LastAccessedDate",
                "VersionIdsToStages",
                "CreatedDate"
            ]
        );
        // A rotated secret lists both versions with their stages; no value anywhere.
        let inst = instance("secret-json-key-missing.yaml", 5);
        let s = &inst.sim.world().secrets["prod/billing/db"];
        let v = call(
            &inst,
            "secretsmanager describe-secret --secret-id prod/billing/db",
        )
        .unwrap();
        let stages = v["VersionIdsToStages"].as_object().unwrap();
        assert_eq!(stages.len(), 2);
        assert_eq!(stages[&s.versions[0].id], json!(["AWSCURRENT"]));
        assert_eq!(stages[&s.versions[1].id], json!(["AWSPREVIOUS"]));
        assert_ne!(s.versions[0].id, s.versions[1].id);
        let text = v.to_string();
        assert!(!text.contains("SecretString") && !text.contains("SecretBinary"));
        assert!(
            v.get("KmsKeyId").is_none(),
            "the AWS managed key is not shown"
        );
    }

    #[test]
    fn a_secret_of_another_region_is_not_found_here() {
        let mut env: crate::scenario::format::Environment = crate::scenario::parse_yaml(
            std::path::Path::new("x.yaml"),
            &std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("scenarios/environments/media-prod.yaml"),
            )
            .unwrap(),
        )
        .unwrap();
        env.secrets[1].region = Some("eu-central-1".into());
        let w = crate::scenario::build::build_world(&env, 3, 0).unwrap();
        let arn = w.secrets["prod/media/cdn-origin-token"].arn.clone();
        assert!(arn.starts_with(&format!(
            "arn:aws:secretsmanager:eu-central-1:{}:secret:prod/media/cdn-origin-token-",
            w.account
        )));
        let ctx = ReadCtx { world: &w, now: 0 };
        let input = |id: &str| Input::new().with("SecretId", id);
        for id in ["prod/media/cdn-origin-token", arn.as_str()] {
            let e = describe_secret(&ctx, &input(id)).unwrap_err();
            assert!(
                e.to_string()
                    .contains("Secrets Manager can't find the specified secret."),
                "{e}"
            );
        }
        assert!(describe_secret(&ctx, &input("prod/media/url-signing-key")).is_ok());
    }

    #[test]
    fn kms_keys_by_id_arn_and_alias() {
        let inst = instance("secret-kms-decrypt-denied.yaml", 9);
        let w = inst.sim.world();
        let acct = w.account.clone();
        let k = w.kms_keys.values().next().unwrap().clone();
        let by_alias = call(&inst, "kms describe-key --key-id alias/media-secrets").unwrap();
        let by_id = call(&inst, &format!("kms describe-key --key-id {}", k.id)).unwrap();
        let by_arn = call(&inst, &format!("kms describe-key --key-id {}", k.arn)).unwrap();
        let by_alias_arn = call(
            &inst,
            &format!("kms describe-key --key-id arn:aws:kms:us-west-2:{acct}:alias/media-secrets"),
        )
        .unwrap();
        assert_eq!(by_alias, by_id);
        assert_eq!(by_alias, by_arn);
        assert_eq!(by_alias, by_alias_arn);
        let m = &by_alias["KeyMetadata"];
        assert_eq!(
            m["Arn"],
            json!(format!("arn:aws:kms:us-west-2:{acct}:key/{}", k.id))
        );
        assert_eq!(m["KeyManager"], "CUSTOMER");
        assert_eq!(m["Description"], "media platform secrets (SEC-212)");
        assert_eq!(m["AWSAccountId"], json!(acct));
        let e = aws_err(call(&inst, "kms describe-key --key-id alias/nope"));
        assert_eq!(e.code, "NotFoundException");
        assert_eq!(
            e.message,
            format!("Alias arn:aws:kms:us-west-2:{acct}:alias/nope is not found.")
        );
        let e = aws_err(call(
            &inst,
            "kms describe-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab",
        ));
        assert_eq!(
            e.message,
            format!("Key 'arn:aws:kms:us-west-2:{acct}:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist")
        );
        let v = call(&inst, "kms list-aliases").unwrap();
        assert_eq!(
            v["Aliases"][0]["AliasArn"],
            json!(format!("arn:aws:kms:us-west-2:{acct}:alias/media-secrets"))
        );
        assert_eq!(v["Aliases"][0]["TargetKeyId"], json!(k.id));
        // A SecureString under the customer key shows its alias; the others alias/aws/ssm or none.
        let p = call(&inst, "ssm describe-parameters").unwrap();
        let by_name = |n: &str| {
            p["Parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["Name"] == n)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            by_name("/prod/media/cdn-origin-token")["KeyId"],
            "alias/media-secrets"
        );
        assert!(by_name("/prod/media/cdn-hostname").get("KeyId").is_none());
    }

    #[test]
    fn ssm_parameters_filtered() {
        let inst = instance("oom-killed.yaml", 3);
        let all = call(&inst, "ssm describe-parameters").unwrap();
        let p = &all["Parameters"][0];
        assert_eq!(p["Name"], "/prod/checkout/payments-url");
        assert_eq!(p["Type"], "String");
        assert_eq!(p["Tier"], "Standard");
        assert_eq!(p["DataType"], "text");
        let hit = call(
            &inst,
            "ssm describe-parameters --parameter-filters Key=Name,Option=BeginsWith,Values=/prod/checkout,/other",
        )
        .unwrap();
        assert_eq!(hit["Parameters"].as_array().unwrap().len(), 1);
        let path = call(
            &inst,
            "ssm describe-parameters --parameter-filters Key=Path,Values=/prod",
        )
        .unwrap();
        assert_eq!(path["Parameters"].as_array().unwrap().len(), 0);
        let rec = call(
            &inst,
            "ssm describe-parameters --parameter-filters Key=Path,Option=Recursive,Values=/prod",
        )
        .unwrap();
        assert_eq!(rec["Parameters"].as_array().unwrap().len(), 1);
        let miss = call(
            &inst,
            "ssm describe-parameters --parameter-filters Key=Name,Values=/prod/checkout/db-host",
        )
        .unwrap();
        assert_eq!(miss["Parameters"], json!([]));
        let e = aws_err(call(
            &inst,
            "ssm describe-parameters --parameter-filters Key=Colour,Values=x",
        ));
        assert_eq!(e.code, "InvalidFilterKey");
    }

    #[test]
    fn memory_utilization_reaches_the_container_limit_in_oom() {
        let inst = instance("oom-killed.yaml", 11);
        let v = call(&inst, "cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name MemoryUtilization --dimensions Name=ClusterName,Value=prod Name=ServiceName,Value=checkout --start-time -30m --end-time now --period 60 --statistics Maximum Average").unwrap();
        assert_eq!(v["Label"], "MemoryUtilization");
        let pts = v["Datapoints"].as_array().unwrap();
        assert!(pts.len() >= 20, "{} datapoints", pts.len());
        let max = pts
            .iter()
            .map(|p| p["Maximum"].as_f64().unwrap())
            .fold(0.0, f64::max);
        // The container's hard limit (768 MiB) is 75% of the task's 1024 MiB:
        // the task-level metric peaks there when the kernel kills the container.
        assert!(max > 70.0 && max <= 75.0 + 1e-9, "max {max}");
        // Before the bad deploy, v2.3.1 sat well below it.
        let first = pts[0]["Maximum"].as_f64().unwrap();
        assert!(first < 40.0, "first {first}");
        assert_eq!(pts[0]["Unit"], "Percent");
        let keys: Vec<&String> = pts[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Timestamp", "Average", "Maximum", "Unit"]);
        let times: Vec<&str> = pts
            .iter()
            .map(|p| p["Timestamp"].as_str().unwrap())
            .collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted);
    }

    #[test]
    fn cpu_utilization_and_empty_metrics() {
        let inst = instance("oom-killed.yaml", 11);
        let v = call(&inst, "cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --dimensions Name=ClusterName,Value=prod --start-time -10m --end-time now --period 300 --statistics Average SampleCount").unwrap();
        let pts = v["Datapoints"].as_array().unwrap();
        assert!(!pts.is_empty());
        for p in pts {
            // 128 of 512 units is 25%, varied by at most 15%.
            let a = p["Average"].as_f64().unwrap();
            assert!((21.0..=29.0).contains(&a), "avg {a}");
            assert!(p["SampleCount"].as_f64().unwrap() >= 1.0);
        }
        let none = call(&inst, "cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPUUtilization --dimensions Name=InstanceId,Value=i-1 --start-time -10m --end-time now --period 60 --statistics Average").unwrap();
        assert_eq!(none, json!({"Label": "CPUUtilization", "Datapoints": []}));
        let e = aws_err(call(&inst, "cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --start-time -10m --end-time now --period 61 --statistics Average"));
        assert_eq!(e.code, "InvalidParameterValue");
        let e = aws_err(call(&inst, "cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --start-time -3d --end-time now --period 60 --statistics Average"));
        assert_eq!(e.code, "InvalidParameterCombination");
        assert!(
            e.message.starts_with("You have requested up to 4,32"),
            "{}",
            e.message
        );
    }
}
