//! Building a world from an environment, resolving placeholders, and applying
//! timeline operations. Errors carry the field path they concern; the loader
//! turns paths into file, line and column.
//!
//! `build_world` creates an environment's resources kind by kind, in an order
//! that lets each refer to those before it (and keeps the ids the seed draws
//! stable): the network, security groups, endpoints, rules, secrets, IAM,
//! images and logs, load balancing, ECS. Each kind has its own file here; this
//! one holds the order and the helpers they share.

mod ecs;
mod iam;
mod images;
mod load_balancers;
mod logs;
mod network;
mod resolve;
mod secrets;
mod security_groups;

pub use ecs::create_services;
pub use images::{check_profile, push_image};
pub use resolve::{iso_z, resolve, resolve_json, resolve_times};

use super::format::Environment;
use crate::time::{Millis, SECOND};
use crate::world::*;
use resolve::resolve_doc;

/// An error at a field path of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Which file: the environment or the scenario.
    pub in_env: bool,
    /// Field path, e.g. `services[0].subnets[1]`.
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

fn env_err(path: impl Into<String>, message: impl Into<String>) -> PathError {
    PathError {
        in_env: true,
        path: path.into(),
        message: message.into(),
    }
}

/// The environment's VPC, as the steps after it need it.
struct VpcRef {
    id: String,
    cidr: Cidr,
}

/// Builds the world of an environment at virtual time `t0` (its "creation").
pub fn build_world(env: &Environment, seed: u64, t0: Millis) -> Result<World, PathError> {
    network::check_region(env)?;
    let mut w = World::new(seed, &env.region);
    let week = 7 * 24 * 3600 * SECOND;
    let created = t0 - 30 * 24 * 3600 * SECOND;

    let vpc = network::build_vpc(&mut w, env)?;
    network::build_internet_gateway(&mut w, env, &vpc)?;
    network::build_subnets(&mut w, env, &vpc)?;
    network::build_nat_gateways(&mut w, env, &vpc, created)?;
    let sg_ids = security_groups::reserve_security_groups(&mut w, env)?;
    network::build_route_tables(&mut w, env, &vpc)?;
    network::build_vpc_endpoints(&mut w, env, &vpc, created)?;
    // Prefix lists now exist for the rules to name.
    security_groups::build_security_groups(&mut w, env, &vpc, &sg_ids)?;
    network::build_other_enis(&mut w, env)?;

    secrets::build_kms_keys(&mut w, env, created)?;
    secrets::build_secrets(&mut w, env, created)?;
    secrets::build_parameters(&mut w, env, created)?;
    iam::build_policies(&mut w, env, created)?;
    iam::build_roles(&mut w, env, created)?;
    iam::build_people(&mut w, created);

    images::build_profiles(&mut w, env)?;
    images::build_repositories(&mut w, env, t0, created)?;
    logs::build_log_groups(&mut w, env, created)?;
    load_balancers::build_load_balancers(&mut w, env, &vpc, created)?;
    load_balancers::build_target_groups(&mut w, env, &vpc)?;
    ecs::build_clusters(&mut w, env)?;
    ecs::build_task_definitions(&mut w, env, created + week)?;
    // Last, and with derived ids: the world's other ids stay as they were.
    w.ensure_default_nacl(&vpc.id);
    if let Some(acl) = w.network_acls.values().find(|a| a.vpc_id == vpc.id) {
        let id = acl.id.clone();
        w.names.insert("nacl:default".into(), id);
    }
    Ok(w)
}

fn join_or_none<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = it.map(|s| s.as_str()).collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

fn name_of<'a>(
    world: &'a World,
    kind: &str,
    name: &str,
    path: &str,
    what: &str,
) -> Result<&'a str, PathError> {
    world.name(&format!("{kind}:{name}")).ok_or_else(|| {
        let known: Vec<&str> = world
            .names
            .keys()
            .filter_map(|k| k.strip_prefix(&format!("{kind}:")))
            .collect();
        env_err(
            path,
            format!(
                "no {what} named '{name}'; known: {}",
                if known.is_empty() {
                    "(none)".into()
                } else {
                    known.join(", ")
                }
            ),
        )
    })
}

fn parse_cidr(text: &str, path: &str) -> Result<Cidr, PathError> {
    text.parse().map_err(|e: String| env_err(path, e))
}
