//! IAM writes: AttachRolePolicy, DetachRolePolicy, PutRolePolicy,
//! DeleteRolePolicy, UpdateAssumeRolePolicy, CreatePolicy, DeletePolicy.

use super::super::{CommandError, Input};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::{ManagedPolicy, PolicyDocument, World};
use serde_json::{json, Value};

fn role_name_checked(world: &World, inv: &Input, op: &str) -> Result<String, CommandError> {
    let name = inv.required("RoleName")?;
    if !world.roles.contains_key(&name) {
        return Err(errors::role_not_found(op, &name).into());
    }
    Ok(name)
}

pub(super) fn attach_policy(
    cx: &mut Change,
    inv: &Input,
    attach: bool,
) -> Result<Value, CommandError> {
    let op = if attach {
        "AttachRolePolicy"
    } else {
        "DetachRolePolicy"
    };
    let role = role_name_checked(cx.world, inv, op)?;
    let arn = inv.required("PolicyArn")?;
    if !cx.world.policies.contains_key(&arn) {
        return Err(errors::policy_not_attachable(op, &arn).into());
    }
    let r = cx
        .world
        .roles
        .get_mut(&role)
        .ok_or_else(|| errors::role_not_found(op, &role))?;
    if attach {
        if !r.attached.contains(&arn) {
            r.attached.push(arn);
        }
    } else {
        let Some(i) = r.attached.iter().position(|a| *a == arn) else {
            return Err(errors::policy_not_found(op, &arn).into());
        };
        r.attached.remove(i);
    }
    Ok(json!({}))
}

fn policy_document(text: &str, op: &str) -> Result<PolicyDocument, CommandError> {
    // The CLI sends the document as the string it was given; IAM parses it.
    serde_json::from_str(text).map_err(|_| errors::policy_document_malformed(op).into())
}

pub(super) fn put_role_policy(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "PutRolePolicy";
    let role = role_name_checked(cx.world, inv, op)?;
    let name = inv.required("PolicyName")?;
    let doc = inv.required("PolicyDocument")?;
    let doc = policy_document(&doc, op)?;
    if let Some(r) = cx.world.roles.get_mut(&role) {
        r.inline.insert(name, doc);
    }
    Ok(json!({}))
}

pub(super) fn delete_role_policy(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "DeleteRolePolicy";
    let role = role_name_checked(cx.world, inv, op)?;
    let name = inv.required("PolicyName")?;
    let removed = cx
        .world
        .roles
        .get_mut(&role)
        .and_then(|r| r.inline.remove(&name));
    if removed.is_none() {
        return Err(errors::role_policy_not_found(op, &name).into());
    }
    Ok(json!({}))
}

pub(super) fn update_trust(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "UpdateAssumeRolePolicy";
    let role = role_name_checked(cx.world, inv, op)?;
    let doc = inv.required("PolicyDocument")?;
    let doc = policy_document(&doc, op)?;
    if let Some(r) = cx.world.roles.get_mut(&role) {
        r.trust = doc;
    }
    Ok(json!({}))
}

/// `iam create-policy`: a customer managed policy at version v1. Its tags
/// are accepted and not kept (the account's stack tags are what reads show).
pub(super) fn create_policy(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "CreatePolicy";
    let name = inv.required("PolicyName")?;
    let doc = policy_document(&inv.required("PolicyDocument")?, op)?;
    let path = inv.value("Path")?.unwrap_or_else(|| "/".into());
    let arn = format!("arn:aws:iam::{}:policy{path}{name}", cx.world.account);
    if cx
        .world
        .policies
        .values()
        .any(|p| p.name == name && !p.arn.starts_with("arn:aws:iam::aws:"))
    {
        return Err(errors::policy_exists(op, &name).into());
    }
    let policy_id = format!("ANPA{}", cx.world.rng.hex(17).to_uppercase());
    let p = ManagedPolicy {
        name: name.clone(),
        arn: arn.clone(),
        policy_id,
        path,
        document: doc,
        version: "v1".into(),
        created: cx.now,
    };
    let created = crate::aws::sim::misc::cli_time_secs(cx.now);
    let out = json!({"Policy": {
        "PolicyName": p.name,
        "PolicyId": p.policy_id,
        "Arn": p.arn,
        "Path": p.path,
        "DefaultVersionId": "v1",
        "AttachmentCount": 0,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": true,
        "CreateDate": created,
        "UpdateDate": created,
    }});
    cx.world.policies.insert(arn, p);
    Ok(out)
}

/// `iam delete-policy`: a customer managed policy attached to nothing.
pub(super) fn delete_policy(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "DeletePolicy";
    let arn = inv.required("PolicyArn")?;
    if !cx.world.policies.contains_key(&arn) || arn.starts_with("arn:aws:iam::aws:") {
        return Err(errors::policy_not_found(op, &arn).into());
    }
    if cx.world.roles.values().any(|r| r.attached.contains(&arn)) {
        return Err(errors::policy_attached(op).into());
    }
    cx.world.policies.remove(&arn);
    Ok(json!({}))
}
