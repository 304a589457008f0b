//! `service-quotas get-service-quota`: the account's Fargate quotas, in the
//! botocore service-quotas model's `ServiceQuota` shape (ServiceCode,
//! ServiceName, QuotaArn, QuotaCode, QuotaName, Value, Unit, Adjustable,
//! GlobalQuota, UsageMetric, QuotaAppliedAtLevel, Description).

use super::{CommandError, Input};
use crate::aws::catalogue::{required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors;
use serde_json::{json, Value};

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

/// Service Quotas operations.
pub const OPS: &[ReadOp] = &[Op {
    service: "service-quotas",
    name: "get-service-quota",
    api: "GetServiceQuota",
    summary:
        "Shows a quota's applied value (fargate: L-3032A538 On-Demand vCPUs, L-36FBB829 Spot vCPUs)",
    flags: &[
        required(
            "service-code",
            FlagKind::Str,
            "the service (fargate)",
            Complete::Choices(&["fargate"]),
        ),
        required(
            "quota-code",
            FlagKind::Str,
            "the quota (L-3032A538: Fargate On-Demand vCPU resource count)",
            Complete::Choices(&["L-3032A538", "L-36FBB829"]),
        ),
    ],
    positional: None,
    run: get_service_quota,
}];

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
