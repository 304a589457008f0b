//! Read-only `elbv2` operations in the AWS CLI's shapes: load balancers,
//! target groups and the health of their targets.
//!
//! Elastic Load Balancing is a query (XML) service: the CLI prints members in
//! the order of the botocore shapes.

use super::misc::cli_time;
use super::{ArgError, CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors;
use crate::world::{LoadBalancer, TargetGroup, World};
use serde_json::{json, Map, Value};

/// Route 53 hosted zone of Application Load Balancers, per region [V: ELB endpoints table].
fn hosted_zone(region: &str) -> &'static str {
    match region {
        "us-east-1" => "Z35SXDOTRQ7X7K",
        "us-east-2" => "Z3AADJGX6KTTL2",
        "us-west-1" => "Z368ELLRRE2KJ0",
        "us-west-2" => "Z1H1FL5HABSF5",
        "eu-west-1" => "Z32O12XQLNTSW2",
        "eu-west-2" => "ZHURV8PSTC4K8",
        "eu-central-1" => "Z215JYRZR1TBD5",
        "ap-southeast-1" => "Z1LMS91P8CMLE5",
        "ap-southeast-2" => "Z1GM3OXH4ZPM65",
        "ap-northeast-1" => "Z14GRHDCWA56QT",
        // [I] regions the scenarios do not use.
        _ => "Z35SXDOTRQ7X7K",
    }
}

fn lb_json(w: &World, lb: &LoadBalancer) -> Value {
    let azs: Vec<Value> = lb
        .subnets
        .iter()
        .map(|s| {
            let zone = w.subnets.get(s).map(|s| s.az.clone()).unwrap_or_default();
            json!({"ZoneName": zone, "SubnetId": s, "LoadBalancerAddresses": []})
        })
        .collect();
    json!({
        "LoadBalancerArn": lb.arn,
        "DNSName": lb.dns_name,
        "CanonicalHostedZoneId": hosted_zone(&w.region),
        "CreatedTime": cli_time(lb.created),
        "LoadBalancerName": lb.name,
        "Scheme": lb.scheme,
        "VpcId": lb.vpc_id,
        "State": {"Code": "active"},
        "Type": "application",
        "AvailabilityZones": azs,
        "SecurityGroups": lb.security_groups,
        "IpAddressType": "ipv4",
    })
}

/// `elbv2 describe-load-balancers`.
fn describe_load_balancers(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeLoadBalancers";
    let arns = inv.values("LoadBalancerArns")?;
    let names = inv.values("Names")?;
    let w = ctx.world;
    if arns.is_some() && names.is_some() {
        return Err(errors::load_balancer_names_and_arns(op).into());
    }
    let lbs: Vec<&LoadBalancer> = match (&arns, &names) {
        (Some(arns), _) => {
            if arns.iter().any(|a| !w.load_balancers.contains_key(a)) {
                return Err(errors::load_balancers_not_found(op).into());
            }
            arns.iter().map(|a| &w.load_balancers[a]).collect()
        }
        (None, Some(names)) => {
            let missing: Vec<&String> = names
                .iter()
                .filter(|n| !w.load_balancers.values().any(|lb| &lb.name == *n))
                .collect();
            if !missing.is_empty() {
                return Err(errors::load_balancer_names_not_found(op, &missing).into());
            }
            w.load_balancers
                .values()
                .filter(|lb| names.contains(&lb.name))
                .collect()
        }
        (None, None) => w.load_balancers.values().collect(),
    };
    let list: Vec<Value> = lbs.iter().map(|lb| lb_json(w, lb)).collect();
    Ok(json!({ "LoadBalancers": list }))
}

fn tg_json(tg: &TargetGroup) -> Value {
    let hc = &tg.health_check;
    json!({
        "TargetGroupArn": tg.arn,
        "TargetGroupName": tg.name,
        "Protocol": tg.protocol,
        "Port": tg.port,
        "VpcId": tg.vpc_id,
        "HealthCheckProtocol": hc.protocol,
        "HealthCheckPort": hc.port,
        "HealthCheckEnabled": true,
        "HealthCheckIntervalSeconds": hc.interval,
        "HealthCheckTimeoutSeconds": hc.timeout,
        "HealthyThresholdCount": hc.healthy_threshold,
        "UnhealthyThresholdCount": hc.unhealthy_threshold,
        "HealthCheckPath": hc.path,
        "Matcher": {"HttpCode": hc.matcher},
        "LoadBalancerArns": tg.load_balancer_arns,
        "TargetType": tg.target_type,
        "ProtocolVersion": "HTTP1",
        "IpAddressType": "ipv4",
    })
}

/// `elbv2 describe-target-groups`.
fn describe_target_groups(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeTargetGroups";
    let arns = inv.values("TargetGroupArns")?;
    let names = inv.values("Names")?;
    let lb = inv.value("LoadBalancerArn")?;
    let w = ctx.world;
    let given = [arns.is_some(), names.is_some(), lb.is_some()]
        .iter()
        .filter(|x| **x)
        .count();
    if given > 1 {
        return Err(errors::target_group_selectors(op).into());
    }
    let tgs: Vec<&TargetGroup> = if let Some(arns) = &arns {
        if arns.iter().any(|a| !w.target_groups.contains_key(a)) {
            return Err(errors::target_groups_not_found(op).into());
        }
        arns.iter().map(|a| &w.target_groups[a]).collect()
    } else if let Some(names) = &names {
        let missing: Vec<&String> = names
            .iter()
            .filter(|n| !w.target_groups.values().any(|t| &t.name == *n))
            .collect();
        if !missing.is_empty() {
            return Err(errors::target_group_names_not_found(op, &missing).into());
        }
        w.target_groups
            .values()
            .filter(|t| names.contains(&t.name))
            .collect()
    } else if let Some(lb) = &lb {
        if !w.load_balancers.contains_key(lb) {
            return Err(errors::load_balancers_not_found(op).into());
        }
        w.target_groups
            .values()
            .filter(|t| t.load_balancer_arns.contains(lb))
            .collect()
    } else {
        w.target_groups.values().collect()
    };
    let list: Vec<Value> = tgs.iter().map(|t| tg_json(t)).collect();
    Ok(json!({ "TargetGroups": list }))
}

/// `elbv2 describe-target-health`.
fn describe_target_health(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeTargetHealth";
    let arn = inv.required("TargetGroupArn")?;
    let wanted = match inv.structures("Targets") {
        None => None,
        Some(items) => {
            let mut v = Vec::new();
            {
                for t in items {
                    let id = t.get("Id").and_then(|x| x.as_str()).ok_or_else(|| {
                        ArgError(format!(
                            "Error parsing parameter '--targets': Expected: 'Id=<ip>,Port=<port>', received: '{t}'"
                        ))
                    })?;
                    let port = t.get("Port").and_then(|p| {
                        p.as_u64()
                            .or_else(|| p.as_str().and_then(|s| s.parse().ok()))
                    });
                    v.push((id.to_string(), port.map(|p| p as u16)));
                }
            }
            Some(v)
        }
    };
    let Some(tg) = ctx.world.target_groups.get(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    let hc_port = |port: u16| {
        if tg.health_check.port == "traffic-port" {
            port.to_string()
        } else {
            tg.health_check.port.clone()
        }
    };
    // Since 2023 every description carries the zonal-shift override [C].
    let no_override = json!({
        "State": "no_override",
        "Reason": "AdministrativeOverride.NoOverride",
        "Description": "No override is currently active on target",
    });
    let mut out = Vec::new();
    let describe = |ip: &str, port: u16, az: Option<&str>, health: Value| {
        let mut target = Map::new();
        target.insert("Id".into(), json!(ip));
        target.insert("Port".into(), json!(port));
        if let Some(az) = az {
            target.insert("AvailabilityZone".into(), json!(az));
        }
        json!({
            "Target": target,
            "HealthCheckPort": hc_port(port),
            "TargetHealth": health,
            "AdministrativeOverride": no_override.clone(),
        })
    };
    let health = |state: &str, reason: Option<&str>, desc: Option<&str>| {
        let mut h = Map::new();
        h.insert("State".into(), json!(state));
        if let Some(r) = reason {
            h.insert("Reason".into(), json!(r));
        }
        if let Some(d) = desc {
            h.insert("Description".into(), json!(d));
        }
        Value::Object(h)
    };
    match &wanted {
        None => {
            for t in &tg.targets {
                out.push(describe(
                    &t.ip,
                    t.port,
                    Some(&t.az),
                    health(&t.state, t.reason.as_deref(), t.description.as_deref()),
                ));
            }
        }
        Some(list) => {
            for (id, port) in list {
                let port = port.unwrap_or(tg.port);
                match tg.targets.iter().find(|t| t.ip == *id && t.port == port) {
                    Some(t) => out.push(describe(
                        &t.ip,
                        t.port,
                        Some(&t.az),
                        health(&t.state, t.reason.as_deref(), t.description.as_deref()),
                    )),
                    // [V] aws-cli example for an unregistered target.
                    None => out.push(describe(
                        id,
                        port,
                        None,
                        health(
                            "unused",
                            Some("Target.NotRegistered"),
                            Some("Target is not registered to the target group"),
                        ),
                    )),
                }
            }
        }
    }
    Ok(json!({ "TargetHealthDescriptions": out }))
}

/// The `elbv2` operations.
pub const OPS: &[ReadOp] = &[
    Op {
        service: "elbv2",
        name: "describe-load-balancers",
        api: "DescribeLoadBalancers",
        summary: "Describes load balancers (DNS name, subnets, security groups)",
        flags: &[
            flag(
                "load-balancer-arns",
                FlagKind::List,
                "load balancers to describe by ARN",
                Complete::LoadBalancer,
            ),
            flag(
                "names",
                FlagKind::List,
                "load balancers to describe by name",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: describe_load_balancers,
    },
    Op {
        service: "elbv2",
        name: "describe-target-groups",
        api: "DescribeTargetGroups",
        summary: "Describes target groups (port, health check settings)",
        flags: &[
            flag(
                "target-group-arns",
                FlagKind::List,
                "target groups to describe by ARN",
                Complete::TargetGroup,
            ),
            flag(
                "names",
                FlagKind::List,
                "target groups to describe by name",
                Complete::Nothing,
            ),
            flag(
                "load-balancer-arn",
                FlagKind::Str,
                "only the target groups of this load balancer",
                Complete::LoadBalancer,
            ),
        ],
        positional: None,
        run: describe_target_groups,
    },
    Op {
        service: "elbv2",
        name: "describe-target-health",
        api: "DescribeTargetHealth",
        summary: "Shows the health of the targets registered in a target group",
        flags: &[
            required(
                "target-group-arn",
                FlagKind::Str,
                "the target group",
                Complete::TargetGroup,
            ),
            flag(
                "targets",
                FlagKind::Structure,
                "only these targets: Id=<ip>,Port=<port> (several allowed)",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: describe_target_health,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    use crate::aws::sim::testkit::{aws_err, call, instance};

    #[test]
    fn load_balancer_shape() {
        let inst = instance("oom-killed.yaml", 4);
        let v = call(&inst, "elbv2 describe-load-balancers --names shop-prod-alb").unwrap();
        let lb = &v["LoadBalancers"][0];
        let keys: Vec<&String> = lb.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "LoadBalancerArn",
                "DNSName",
                "CanonicalHostedZoneId",
                "CreatedTime",
                "LoadBalancerName",
                "Scheme",
                "VpcId",
                "State",
                "Type",
                "AvailabilityZones",
                "SecurityGroups",
                "IpAddressType"
            ]
        );
        assert_eq!(lb["State"], json!({"Code": "active"}));
        assert_eq!(lb["CanonicalHostedZoneId"], "Z35SXDOTRQ7X7K");
        let azs = lb["AvailabilityZones"].as_array().unwrap();
        assert_eq!(azs.len(), 2);
        assert_eq!(azs[0]["ZoneName"], "us-east-1a");
        assert_eq!(azs[0]["LoadBalancerAddresses"], json!([]));
        let e = aws_err(call(
            &inst,
            "elbv2 describe-load-balancers --names nope other",
        ));
        assert_eq!(e.code, "LoadBalancerNotFound");
        assert_eq!(e.message, "Load balancers '[nope, other]' not found");
        let e = aws_err(call(&inst, "elbv2 describe-load-balancers --load-balancer-arns arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1"));
        assert_eq!(e.message, "One or more load balancers not found");
    }

    #[test]
    fn target_group_shape() {
        let inst = instance("oom-killed.yaml", 4);
        let lb = inst
            .sim
            .world()
            .name("lb:shop-prod-alb")
            .unwrap()
            .to_string();
        let v = call(
            &inst,
            &format!("elbv2 describe-target-groups --load-balancer-arn {lb}"),
        )
        .unwrap();
        let tg = &v["TargetGroups"][0];
        assert_eq!(tg["TargetGroupName"], "checkout-api-tg");
        assert_eq!(tg["Port"], 8080);
        assert_eq!(tg["HealthCheckPath"], "/healthz");
        assert_eq!(tg["HealthCheckPort"], "traffic-port");
        assert_eq!(tg["HealthCheckIntervalSeconds"], 10);
        assert_eq!(tg["TargetType"], "ip");
        assert_eq!(tg["LoadBalancerArns"], json!([lb]));
        assert_eq!(tg["Matcher"]["HttpCode"], "200");
        let e = aws_err(call(&inst, "elbv2 describe-target-groups --target-group-arns arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1"));
        assert_eq!(e.code, "TargetGroupNotFound");
        assert_eq!(e.message, "One or more target groups not found");
    }

    #[test]
    fn target_health_states() {
        let inst = instance("oom-killed.yaml", 4);
        let w = inst.sim.world();
        let tg = w.name("tg:checkout-api-tg").unwrap().to_string();
        let v = call(
            &inst,
            &format!("elbv2 describe-target-health --target-group-arn {tg}"),
        )
        .unwrap();
        let list = v["TargetHealthDescriptions"].as_array().unwrap();
        let world_targets = &w.target_groups[&tg].targets;
        assert_eq!(list.len(), world_targets.len());
        assert!(!list.is_empty());
        for (d, t) in list.iter().zip(world_targets) {
            assert_eq!(d["Target"]["Id"], json!(t.ip));
            assert_eq!(d["Target"]["Port"], 8080);
            assert_eq!(d["Target"]["AvailabilityZone"], json!(t.az));
            assert_eq!(d["HealthCheckPort"], "8080");
            assert_eq!(d["TargetHealth"]["State"], json!(t.state));
            assert_eq!(
                d["TargetHealth"].get("Reason").and_then(|r| r.as_str()),
                t.reason.as_deref()
            );
            let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                [
                    "Target",
                    "HealthCheckPort",
                    "TargetHealth",
                    "AdministrativeOverride"
                ]
            );
        }
        // The 2.5.0 tasks die together: their targets drain, with the reason.
        let draining: Vec<&Value> = list
            .iter()
            .filter(|d| d["TargetHealth"]["State"] == "draining")
            .collect();
        for d in &draining {
            assert_eq!(
                d["TargetHealth"]["Reason"],
                "Target.DeregistrationInProgress"
            );
            assert_eq!(
                d["TargetHealth"]["Description"],
                "Target deregistration is in progress"
            );
        }

        // In execution-role-permissions the old tasks still serve: all healthy, no reason.
        let inst2 = instance("execution-role-permissions.yaml", 4);
        let tg2 = inst2
            .sim
            .world()
            .name("tg:checkout-api-tg")
            .unwrap()
            .to_string();
        let v2 = call(
            &inst2,
            &format!("elbv2 describe-target-health --target-group-arn {tg2}"),
        )
        .unwrap();
        let list2 = v2["TargetHealthDescriptions"].as_array().unwrap();
        assert_eq!(list2.len(), 4);
        for d in list2 {
            assert_eq!(d["TargetHealth"], json!({"State": "healthy"}));
        }

        let one = call(&inst, &format!("elbv2 describe-target-health --target-group-arn {tg} --targets Id=10.9.9.9,Port=8080")).unwrap();
        assert_eq!(
            one["TargetHealthDescriptions"][0]["TargetHealth"],
            json!({"State": "unused", "Reason": "Target.NotRegistered", "Description": "Target is not registered to the target group"})
        );
        let e = aws_err(call(&inst, "elbv2 describe-target-health --target-group-arn arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1"));
        assert_eq!(e.code, "TargetGroupNotFound");
    }
}
