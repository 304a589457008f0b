//! `service-quotas get-service-quota`: the account's Fargate quotas, in the
//! botocore service-quotas model's `ServiceQuota` shape (ServiceCode,
//! ServiceName, QuotaArn, QuotaCode, QuotaName, Value, Unit, Adjustable,
//! GlobalQuota, UsageMetric, QuotaAppliedAtLevel, Description);
//! `list-requested-service-quota-change-history-by-quota`: the increase
//! requests of a quota in the model's `RequestedServiceQuotaChange` shape.

use super::{CommandError, Input};
use crate::aws::catalogue::{required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors;
use crate::time::{iso, Millis, MINUTE};
use crate::world::{QuotaRequest, World};
use serde_json::{json, Value};

/// [I] How long a new increase request stays `PENDING` before Service
/// Quotas opens a support case for it (`CASE_OPENED`). Service Quotas
/// approves small increases on its own and sends larger ones to AWS Support
/// [V: Service Quotas User Guide, "Requesting a quota increase"]; a case
/// takes hours to days, longer than any game, so a request here is never
/// `APPROVED` and the quota keeps its value.
pub const CASE_OPENED_AFTER: Millis = 10 * MINUTE;

/// A request's status at `now`: `PENDING`, then `CASE_OPENED`.
pub fn request_status(r: &QuotaRequest, now: Millis) -> &'static str {
    if now < r.created + CASE_OPENED_AFTER {
        "PENDING"
    } else {
        "CASE_OPENED"
    }
}

/// A request in the model's `RequestedServiceQuotaChange` shape, fields in
/// the model's order as the AWS CLI's example output shows them (Id,
/// CaseId, ServiceCode, ServiceName, QuotaCode, QuotaName, DesiredValue,
/// Status, Created, LastUpdated, Requester, QuotaArn, GlobalQuota, Unit);
/// CaseId and LastUpdated only once a case is open [V: the CLI's examples
/// of request-service-quota-increase (PENDING, neither) and
/// get-requested-service-quota-change (CASE_OPENED, both)].
pub fn requested_quota(w: &World, r: &QuotaRequest, now: Millis) -> Value {
    let q = QUOTAS
        .iter()
        .find(|q| q.0 == r.service_code && q.2 == r.quota_code);
    let status = request_status(r, now);
    let mut m = serde_json::Map::new();
    m.insert("Id".into(), json!(r.id));
    if status != "PENDING" {
        m.insert("CaseId".into(), json!(r.case_id));
    }
    m.insert("ServiceCode".into(), json!(r.service_code));
    m.insert("ServiceName".into(), json!(q.map_or("", |q| q.1)));
    m.insert("QuotaCode".into(), json!(r.quota_code));
    m.insert("QuotaName".into(), json!(q.map_or("", |q| q.3)));
    m.insert("DesiredValue".into(), json!(r.desired_value));
    m.insert("Status".into(), json!(status));
    m.insert("Created".into(), json!(iso(r.created)));
    if status != "PENDING" {
        m.insert(
            "LastUpdated".into(),
            json!(iso(r.created + CASE_OPENED_AFTER)),
        );
    }
    m.insert(
        "Requester".into(),
        json!(format!(
            "{{\"accountId\":\"{}\",\"callerArn\":\"{}\"}}",
            w.account, r.requester
        )),
    );
    m.insert(
        "QuotaArn".into(),
        json!(format!(
            "arn:aws:servicequotas:{}:{}:{}/{}",
            w.region, w.account, r.service_code, r.quota_code
        )),
    );
    m.insert("GlobalQuota".into(), json!(false));
    m.insert("Unit".into(), json!("None"));
    Value::Object(m)
}

/// `service-quotas list-requested-service-quota-change-history-by-quota`.
fn list_history(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "ListRequestedServiceQuotaChangeHistoryByQuota";
    let service = inv.required("ServiceCode")?;
    let code = inv.required("QuotaCode")?;
    if !QUOTAS.iter().any(|q| q.0 == service) {
        return Err(errors::quota_service_not_found(api, &service).into());
    }
    if !QUOTAS.iter().any(|q| q.0 == service && q.2 == code) {
        return Err(errors::quota_not_found(api, &service, &code).into());
    }
    let status = inv.value("Status")?;
    // Newest first [I].
    let list: Vec<Value> = ctx
        .world
        .quota_requests
        .iter()
        .rev()
        .filter(|r| r.service_code == service && r.quota_code == code)
        .filter(|r| {
            status
                .as_deref()
                .is_none_or(|s| s == request_status(r, ctx.now))
        })
        .map(|r| requested_quota(ctx.world, r, ctx.now))
        .collect();
    Ok(json!({ "RequestedQuotas": list }))
}

/// One quota of a service: (service code, service name, quota code, quota
/// name, usage metric Class dimension, description). Names and codes [V]
/// from the Service Quotas console and the AWS General Reference (Fargate
/// quotas); the descriptions [I].
pub const QUOTAS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "fargate",
        "AWS Fargate",
        "L-3032A538",
        "Fargate On-Demand vCPU resource count",
        "Standard/OnDemand",
        "The number of Fargate vCPUs running concurrently as Fargate On-Demand in this account in the current Region.",
    ),
    (
        "fargate",
        "AWS Fargate",
        "L-36FBB829",
        "Fargate Spot vCPU resource count",
        "Standard/Spot",
        "The number of Fargate vCPUs running concurrently as Fargate Spot in this account in the current Region.",
    ),
];

/// `service-quotas get-service-quota`.
fn get_service_quota(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let api = "GetServiceQuota";
    let service = inv.required("ServiceCode")?;
    let code = inv.required("QuotaCode")?;
    if !QUOTAS.iter().any(|q| q.0 == service) {
        return Err(errors::quota_service_not_found(api, &service).into());
    }
    let Some(&(svc, svc_name, qc, name, class, description)) =
        QUOTAS.iter().find(|q| q.0 == service && q.2 == code)
    else {
        return Err(errors::quota_not_found(api, &service, &code).into());
    };
    let w = ctx.world;
    Ok(json!({
        "Quota": {
            "ServiceCode": svc,
            "ServiceName": svc_name,
            "QuotaArn": format!("arn:aws:servicequotas:{}:{}:{svc}/{qc}", w.region, w.account),
            "QuotaCode": qc,
            "QuotaName": name,
            "Value": w.quota_value(qc),
            "Unit": "None",
            "Adjustable": true,
            "GlobalQuota": false,
            "UsageMetric": {
                "MetricNamespace": "AWS/Usage",
                "MetricName": "ResourceCount",
                "MetricDimensions": {
                    "Class": class,
                    "Resource": "vCPU",
                    "Service": "Fargate",
                    "Type": "Resource",
                },
                "MetricStatisticRecommendation": "Maximum",
            },
            "QuotaAppliedAtLevel": "ACCOUNT",
            "Description": description,
        }
    }))
}

/// `--service-code`, as the Service Quotas operations take it.
pub(crate) const SERVICE_CODE: crate::aws::catalogue::Flag = required(
    "service-code",
    FlagKind::Str,
    "the service (fargate)",
    Complete::Choices(&["fargate"]),
);

/// `--quota-code`, as the Service Quotas operations take it.
pub(crate) const QUOTA_CODE: crate::aws::catalogue::Flag = required(
    "quota-code",
    FlagKind::Str,
    "the quota (L-3032A538: Fargate On-Demand vCPU resource count)",
    Complete::Choices(&["L-3032A538", "L-36FBB829"]),
);

/// Service Quotas operations.
pub const OPS: &[ReadOp] = &[
    Op {
        service: "service-quotas",
        name: "list-requested-service-quota-change-history-by-quota",
        api: "ListRequestedServiceQuotaChangeHistoryByQuota",
        summary: "Lists a quota's increase requests and their status",
        flags: &[
            SERVICE_CODE,
            QUOTA_CODE,
            crate::aws::catalogue::flag(
                "status",
                FlagKind::Str,
                "only requests in this status",
                Complete::Choices(&[
                    "PENDING",
                    "CASE_OPENED",
                    "APPROVED",
                    "DENIED",
                    "CASE_CLOSED",
                    "NOT_APPROVED",
                    "INVALID_REQUEST",
                ]),
            ),
        ],
        positional: None,
        run: list_history,
    },
    Op {
    service: "service-quotas",
    name: "get-service-quota",
    api: "GetServiceQuota",
    summary:
        "Shows a quota's applied value (fargate: L-3032A538 On-Demand vCPUs, L-36FBB829 Spot vCPUs)",
    flags: &[
        SERVICE_CODE,
        QUOTA_CODE,
    ],
    positional: None,
    run: get_service_quota,
    },
];

#[cfg(test)]
mod tests {
    use super::super::testkit::{aws_err, call, instance};

    #[test]
    fn the_fargate_vcpu_quota_in_the_models_shape() {
        let inst = instance("nat-route-missing.yaml", 1);
        let w = inst.sim.world();
        let v = call(
            &inst,
            "service-quotas get-service-quota --service-code fargate --quota-code L-3032A538",
        )
        .unwrap();
        let q = &v["Quota"];
        let keys: Vec<&str> = q.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "ServiceCode",
                "ServiceName",
                "QuotaArn",
                "QuotaCode",
                "QuotaName",
                "Value",
                "Unit",
                "Adjustable",
                "GlobalQuota",
                "UsageMetric",
                "QuotaAppliedAtLevel",
                "Description"
            ]
        );
        assert_eq!(q["QuotaName"], "Fargate On-Demand vCPU resource count");
        assert_eq!(
            q["QuotaArn"],
            format!(
                "arn:aws:servicequotas:{}:{}:fargate/L-3032A538",
                w.region, w.account
            )
        );
        assert!(q["Value"].is_f64());
        assert_eq!(q["UsageMetric"]["MetricDimensions"]["Resource"], "vCPU");
        let e = aws_err(call(
            &inst,
            "service-quotas get-service-quota --service-code fargate --quota-code L-00000000",
        ));
        assert_eq!(e.code, "NoSuchResourceException");
        let e = aws_err(call(
            &inst,
            "service-quotas get-service-quota --service-code lambda --quota-code L-3032A538",
        ));
        assert_eq!(e.code, "NoSuchResourceException");
    }
}
