//! Service Quotas writes: `request-service-quota-increase`.

use super::super::service_quotas::{request_status, requested_quota, QUOTAS};
use super::super::{ArgError, CommandError, Input};
use crate::aws::errors;
use crate::engine::Change;
use crate::world::QuotaRequest;
use serde_json::{json, Value};

/// `service-quotas request-service-quota-increase`: records the request and
/// answers `{RequestedQuota: RequestedServiceQuotaChange}` (botocore's
/// RequestServiceQuotaIncreaseResponse), `PENDING`. The quota's value does
/// not change: a case with AWS Support decides (see `CASE_OPENED_AFTER`).
pub(super) fn request_increase(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "RequestServiceQuotaIncrease";
    let service = inv.required("ServiceCode")?;
    let code = inv.required("QuotaCode")?;
    let desired = inv.required("DesiredValue")?;
    let desired: f64 = desired
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| ArgError(format!("could not convert string to float: '{desired}'")))?;
    if !QUOTAS.iter().any(|q| q.0 == service) {
        return Err(errors::quota_service_not_found(op, &service).into());
    }
    if !QUOTAS.iter().any(|q| q.0 == service && q.2 == code) {
        return Err(errors::quota_not_found(op, &service, &code).into());
    }
    let w = &mut *cx.world;
    let current = w.quota_value(&code);
    if desired <= current {
        return Err(errors::quota_increase_not_larger(op, desired, current).into());
    }
    let now = cx.now;
    if w.quota_requests.iter().any(|r| {
        r.service_code == service && r.quota_code == code && request_status(r, now) != "APPROVED"
    }) {
        return Err(errors::quota_request_open(op).into());
    }
    // [V] ids as the CLI's example shows them: 32 hex digits and 8 letters
    // or digits (`d187537d15254312a9609aa51bbf7624u7W49tPO`); case ids are
    // ten digits (`6780195351`).
    let id = format!("{}{}", w.rng.hex(32), w.rng.hex(8));
    let case_id = w.rng.digits(10);
    let who = w.trail.identity(w.trail.actor);
    let requester = format!(
        "arn:aws:sts::{}:assumed-role/{}/{}",
        w.account, who.role, who.session
    );
    let r = QuotaRequest {
        id,
        case_id,
        requester,
        service_code: service,
        quota_code: code,
        desired_value: desired,
        created: now,
    };
    let v = requested_quota(w, &r, now);
    w.quota_requests.push(r);
    Ok(json!({ "RequestedQuota": v }))
}
