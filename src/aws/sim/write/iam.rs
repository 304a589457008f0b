//! IAM writes: AttachRolePolicy, DetachRolePolicy, PutRolePolicy,
//! DeleteRolePolicy, UpdateAssumeRolePolicy.

use super::super::{CommandError, Input};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::{PolicyDocument, World};
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
