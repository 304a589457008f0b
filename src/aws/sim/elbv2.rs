//! Read-only `elbv2` operations in the AWS CLI's shapes: load balancers,
//! their listeners and rules, target groups, their attributes and the health
//! of their targets.
//!
//! Elastic Load Balancing is a query (XML) service: the CLI prints members in
//! the order of the botocore shapes.

use super::misc::cli_time;
use super::{ArgError, CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors;
use crate::world::{Listener, LoadBalancer, TargetGroup, World};
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

/// A target group as DescribeTargetGroups (and ModifyTargetGroup) print it.
pub(crate) fn tg_json(tg: &TargetGroup) -> Value {
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

/// A forward action to one target group, as the API returns it: the
/// TargetGroupArn and the same group again in ForwardConfig, weight 1, the
/// members in botocore's `Action` order [I: no capture at hand; the
/// ForwardConfig member and its defaults are the model's, service-2.json].
fn forward_action(tg_arn: &str) -> Value {
    json!({
        "Type": "forward",
        "TargetGroupArn": tg_arn,
        "ForwardConfig": {
            "TargetGroups": [{"TargetGroupArn": tg_arn, "Weight": 1}],
            "TargetGroupStickinessConfig": {"Enabled": false},
        },
    })
}

/// A listener as DescribeListeners (and ModifyListener) print it: botocore's
/// `Listener` members in order (ListenerArn, LoadBalancerArn, Port, Protocol,
/// Certificates, SslPolicy, DefaultActions, ...); an HTTP listener has no
/// certificates or SSL policy [V: elbv2 service-2.json].
pub(crate) fn listener_json(lb_arn: &str, l: &Listener) -> Value {
    json!({
        "ListenerArn": l.arn,
        "LoadBalancerArn": lb_arn,
        "Port": l.port,
        "Protocol": l.protocol,
        "DefaultActions": [forward_action(&l.target_group_arn)],
    })
}

/// Every listener of the account with its load balancer's ARN.
fn all_listeners(w: &World) -> impl Iterator<Item = (&String, &Listener)> {
    w.load_balancers
        .values()
        .flat_map(|lb| lb.listeners.iter().map(move |l| (&lb.arn, l)))
}

/// The listener with this ARN, and its load balancer's ARN.
pub(crate) fn find_listener<'a>(w: &'a World, arn: &str) -> Option<(&'a String, &'a Listener)> {
    all_listeners(w).find(|(_, l)| l.arn == arn)
}

/// `elbv2 describe-listeners`.
fn describe_listeners(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeListeners";
    let lb = inv.value("LoadBalancerArn")?;
    let arns = inv.values("ListenerArns")?;
    let w = ctx.world;
    let list: Vec<Value> = match (&lb, &arns) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(errors::listener_selectors(op).into());
        }
        (Some(lb), None) => {
            let Some(lb) = w.load_balancers.get(lb) else {
                return Err(errors::load_balancers_not_found(op).into());
            };
            lb.listeners
                .iter()
                .map(|l| listener_json(&lb.arn, l))
                .collect()
        }
        (None, Some(arns)) => {
            let mut v = Vec::new();
            for a in arns {
                let Some((lb, l)) = find_listener(w, a) else {
                    return Err(errors::listeners_not_found(op).into());
                };
                v.push(listener_json(lb, l));
            }
            v
        }
    };
    Ok(json!({ "Listeners": list }))
}

/// A listener's default rule as DescribeRules prints it: botocore's `Rule`
/// members in order (RuleArn, Priority, Conditions, Actions, IsDefault)
/// [V: elbv2 service-2.json].
fn default_rule_json(l: &Listener) -> Value {
    json!({
        "RuleArn": l.default_rule_arn,
        "Priority": "default",
        "Conditions": [],
        "Actions": [forward_action(&l.target_group_arn)],
        "IsDefault": true,
    })
}

/// `elbv2 describe-rules`.
fn describe_rules(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeRules";
    let listener = inv.value("ListenerArn")?;
    let arns = inv.values("RuleArns")?;
    let w = ctx.world;
    let list: Vec<Value> = match (&listener, &arns) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(errors::rule_selectors(op).into());
        }
        (Some(l), None) => {
            let Some((_, l)) = find_listener(w, l) else {
                return Err(errors::listeners_not_found(op).into());
            };
            vec![default_rule_json(l)]
        }
        (None, Some(arns)) => {
            let mut v = Vec::new();
            for a in arns {
                let Some((_, l)) = all_listeners(w).find(|(_, l)| &l.default_rule_arn == a) else {
                    return Err(errors::rules_not_found(op).into());
                };
                v.push(default_rule_json(l));
            }
            v
        }
    };
    Ok(json!({ "Rules": list }))
}

/// `elbv2 describe-target-group-attributes`: an ALB target group of target
/// type ip. Keys and defaults [V: TargetGroupAttribute in the API reference];
/// the service returns them in no documented order, this is one [I].
fn describe_target_group_attributes(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeTargetGroupAttributes";
    let arn = inv.required("TargetGroupArn")?;
    let Some(tg) = ctx.world.target_groups.get(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    let delay = tg.deregistration_delay.to_string();
    let attrs: [(&str, &str); 14] = [
        (
            "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count",
            "1",
        ),
        ("stickiness.enabled", "false"),
        (
            "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage",
            "off",
        ),
        ("deregistration_delay.timeout_seconds", &delay),
        (
            "target_group_health.dns_failover.minimum_healthy_targets.count",
            "1",
        ),
        ("stickiness.app_cookie.cookie_name", ""),
        ("stickiness.type", "lb_cookie"),
        ("stickiness.lb_cookie.duration_seconds", "86400"),
        ("slow_start.duration_seconds", "0"),
        ("stickiness.app_cookie.duration_seconds", "86400"),
        (
            "target_group_health.dns_failover.minimum_healthy_targets.percentage",
            "off",
        ),
        (
            "load_balancing.cross_zone.enabled",
            "use_load_balancer_configuration",
        ),
        ("load_balancing.algorithm.type", "round_robin"),
        ("load_balancing.algorithm.anomaly_mitigation", "off"),
    ];
    let list: Vec<Value> = attrs
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    Ok(json!({ "Attributes": list }))
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
        name: "describe-listeners",
        api: "DescribeListeners",
        summary: "Describes a load balancer's listeners (port, protocol, default actions)",
        flags: &[
            flag(
                "load-balancer-arn",
                FlagKind::Str,
                "the listeners of this load balancer",
                Complete::LoadBalancer,
            ),
            flag(
                "listener-arns",
                FlagKind::List,
                "listeners to describe by ARN",
                Complete::Listener,
            ),
        ],
        positional: None,
        run: describe_listeners,
    },
    Op {
        service: "elbv2",
        name: "describe-rules",
        api: "DescribeRules",
        summary: "Describes a listener's rules (conditions, actions, priority)",
        flags: &[
            flag(
                "listener-arn",
                FlagKind::Str,
                "the rules of this listener",
                Complete::Listener,
            ),
            flag(
                "rule-arns",
                FlagKind::List,
                "rules to describe by ARN",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: describe_rules,
    },
    Op {
        service: "elbv2",
        name: "describe-target-group-attributes",
        api: "DescribeTargetGroupAttributes",
        summary: "Shows a target group's attributes (deregistration delay, stickiness, algorithm)",
        flags: &[required(
            "target-group-arn",
            FlagKind::Str,
            "the target group",
            Complete::TargetGroup,
        )],
        positional: None,
        run: describe_target_group_attributes,
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

    #[test]
    fn listener_and_rule_shapes() {
        let inst = instance("health-check-path-wrong.yaml", 3);
        let w = inst.sim.world();
        let lb = w.name("lb:shop-prod-alb").unwrap().to_string();
        let tg = w.name("tg:checkout-api-tg").unwrap().to_string();
        let v = call(
            &inst,
            &format!("elbv2 describe-listeners --load-balancer-arn {lb}"),
        )
        .unwrap();
        let list = v["Listeners"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        let l = &list[0];
        let keys: Vec<&String> = l.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "ListenerArn",
                "LoadBalancerArn",
                "Port",
                "Protocol",
                "DefaultActions"
            ]
        );
        let arn = l["ListenerArn"].as_str().unwrap().to_string();
        let lb_path = lb.split_once(":loadbalancer/").unwrap().1;
        assert!(
            arn.starts_with(&format!(
                "arn:aws:elasticloadbalancing:us-east-1:{}:listener/{lb_path}/",
                w.account
            )),
            "{arn}"
        );
        assert_eq!(arn.rsplit('/').next().unwrap().len(), 16);
        assert_eq!(l["LoadBalancerArn"], json!(lb));
        assert_eq!(l["Port"], 80);
        assert_eq!(l["Protocol"], "HTTP");
        assert_eq!(
            l["DefaultActions"],
            json!([{
                "Type": "forward",
                "TargetGroupArn": tg,
                "ForwardConfig": {
                    "TargetGroups": [{"TargetGroupArn": tg, "Weight": 1}],
                    "TargetGroupStickinessConfig": {"Enabled": false}
                }
            }])
        );
        // By ARN: the same listener.
        let by_arn = call(
            &inst,
            &format!("elbv2 describe-listeners --listener-arns {arn}"),
        )
        .unwrap();
        assert_eq!(by_arn["Listeners"][0], *l);
        // Same seed, same ids; they move no other id.
        let again = instance("health-check-path-wrong.yaml", 3);
        assert_eq!(
            call(
                &again,
                &format!("elbv2 describe-listeners --load-balancer-arn {lb}")
            )
            .unwrap(),
            v
        );

        let rules = call(&inst, &format!("elbv2 describe-rules --listener-arn {arn}")).unwrap();
        let r = &rules["Rules"][0];
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["RuleArn", "Priority", "Conditions", "Actions", "IsDefault"]
        );
        let rule_arn = r["RuleArn"].as_str().unwrap();
        assert!(rule_arn.contains(":listener-rule/app/shop-prod-alb/"));
        assert!(rule_arn.starts_with(&arn.replace(":listener/", ":listener-rule/")));
        assert_eq!(r["Priority"], "default");
        assert_eq!(r["Conditions"], json!([]));
        assert_eq!(r["IsDefault"], true);
        assert_eq!(r["Actions"], l["DefaultActions"]);
        let by_rule = call(
            &inst,
            &format!("elbv2 describe-rules --rule-arns {rule_arn}"),
        )
        .unwrap();
        assert_eq!(by_rule["Rules"][0], *r);

        // Refusals.
        let e = aws_err(call(&inst, "elbv2 describe-listeners"));
        assert_eq!(e.code, "ValidationError");
        assert_eq!(
            e.message,
            "You must specify either listener ARNs or a load balancer ARN"
        );
        let e = aws_err(call(
            &inst,
            &format!("elbv2 describe-listeners --listener-arns {arn}x"),
        ));
        assert_eq!(e.code, "ListenerNotFound");
        assert_eq!(e.message, "One or more listeners not found");
        let e = aws_err(call(&inst, "elbv2 describe-listeners --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1"));
        assert_eq!(e.code, "LoadBalancerNotFound");
        let e = aws_err(call(
            &inst,
            &format!("elbv2 describe-rules --listener-arn {arn}x"),
        ));
        assert_eq!(e.code, "ListenerNotFound");
        let e = aws_err(call(
            &inst,
            &format!("elbv2 describe-rules --rule-arns {rule_arn}x"),
        ));
        assert_eq!(e.code, "RuleNotFound");
        assert_eq!(e.message, "One or more rules not found");
    }

    #[test]
    fn target_group_attributes_shape() {
        let inst = instance("health-check-path-wrong.yaml", 3);
        let tg = inst
            .sim
            .world()
            .name("tg:checkout-api-tg")
            .unwrap()
            .to_string();
        let v = call(
            &inst,
            &format!("elbv2 describe-target-group-attributes --target-group-arn {tg}"),
        )
        .unwrap();
        let attrs = v["Attributes"].as_array().unwrap();
        let get = |k: &str| {
            attrs
                .iter()
                .find(|a| a["Key"] == k)
                .map(|a| a["Value"].clone())
                .unwrap_or_else(|| panic!("no {k}"))
        };
        // shop-prod-lb sets a 30 s delay; the rest are AWS's defaults.
        assert_eq!(get("deregistration_delay.timeout_seconds"), "30");
        assert_eq!(get("stickiness.enabled"), "false");
        assert_eq!(get("stickiness.type"), "lb_cookie");
        assert_eq!(get("stickiness.lb_cookie.duration_seconds"), "86400");
        assert_eq!(get("slow_start.duration_seconds"), "0");
        assert_eq!(get("load_balancing.algorithm.type"), "round_robin");
        assert_eq!(
            get("load_balancing.cross_zone.enabled"),
            "use_load_balancer_configuration"
        );
        assert_eq!(attrs.len(), 14);
        for a in attrs {
            let keys: Vec<&String> = a.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["Key", "Value"]);
            assert!(a["Value"].is_string());
        }
        let e = aws_err(call(&inst, "elbv2 describe-target-group-attributes --target-group-arn arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1"));
        assert_eq!(e.code, "TargetGroupNotFound");
        assert_eq!(e.message, "One or more target groups not found");
    }
}
