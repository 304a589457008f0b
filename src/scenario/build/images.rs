//! The applications and their images: profiles, ECR repositories, pushed images.

use super::{env_err, PathError};
use crate::scenario::format::{Environment, ImageSpec};
use crate::time::{Millis, SECOND};
use crate::world::*;

/// Adds the application profiles images run.
pub(super) fn build_profiles(w: &mut World, env: &Environment) -> Result<(), PathError> {
    for (name, p) in &env.profiles {
        if let Some((path, message)) = check_profile(name, p) {
            return Err(env_err(path, message));
        }
        w.profiles.insert(name.clone(), p.clone());
    }
    Ok(())
}

/// What is wrong with a profile, as (field path, message): the rules serde
/// does not check.
pub fn check_profile(name: &str, p: &AppProfile) -> Option<(String, String)> {
    (p.memory.start > p.memory.peak).then(|| {
        (
            format!("profiles[\"{name}\"].memory"),
            format!(
                "start ({} MiB) must not exceed peak ({} MiB)",
                p.memory.start, p.memory.peak
            ),
        )
    })
}

/// Creates the repositories and pushes their images.
pub(super) fn build_repositories(
    w: &mut World,
    env: &Environment,
    t0: Millis,
    created: Millis,
) -> Result<(), PathError> {
    for (i, r) in env.repositories.iter().enumerate() {
        let uri = format!("{}/{}", w.registry(), r.name);
        let arn = w.arn("ecr", &format!("repository/{}", r.name));
        w.repositories.insert(
            r.name.clone(),
            Repository {
                name: r.name.clone(),
                arn,
                uri: uri.clone(),
                created,
                images: vec![],
            },
        );
        w.names.insert(format!("repo:{}", r.name), uri);
        for (j, im) in r.images.iter().enumerate() {
            push_image(
                w,
                &r.name,
                im,
                t0,
                &format!("repositories[{i}].images[{j}]"),
                true,
            )?;
        }
    }
    Ok(())
}

/// Adds an image to a repository.
pub fn push_image(
    w: &mut World,
    repo: &str,
    im: &ImageSpec,
    now: Millis,
    path: &str,
    in_env: bool,
) -> Result<(), PathError> {
    let err = |p: String, m: String| PathError {
        in_env,
        path: p,
        message: m,
    };
    if !w.profiles.contains_key(&im.profile) {
        let known: Vec<&str> = w.profiles.keys().map(|s| s.as_str()).collect();
        return Err(err(
            format!("{path}.profile"),
            format!("no profile '{}'; known: {}", im.profile, known.join(", ")),
        ));
    }
    let platforms = im
        .platforms
        .clone()
        .unwrap_or_else(|| vec!["linux/amd64".into()]);
    for (k, p) in platforms.iter().enumerate() {
        if p != "linux/amd64" && p != "linux/arm64" {
            return Err(err(
                format!("{path}.platforms[{k}]"),
                format!("'{p}' is not a platform; expected linux/amd64 or linux/arm64"),
            ));
        }
    }
    let digest = format!("sha256:{}", w.rng.hex(64));
    let pushed = now + im.pushed.map(|d| d.0).unwrap_or(-7 * 24 * 3600 * SECOND);
    let Some(r) = w.repositories.get_mut(repo) else {
        return Err(err(
            format!("{path}.repository"),
            format!("no repository '{repo}'"),
        ));
    };
    for t in &im.tags {
        for other in r.images.iter_mut() {
            other.tags.retain(|x| x != t);
        }
    }
    r.images.push(Image {
        digest,
        tags: im.tags.clone(),
        pushed_at: pushed,
        size_bytes: im.size_mb * 1_000_000,
        unpacked_bytes: im.unpacked_mb.unwrap_or(im.size_mb * 5 / 2) * 1_000_000,
        platforms,
        is_index: im.index,
        profile: im.profile.clone(),
    });
    Ok(())
}
