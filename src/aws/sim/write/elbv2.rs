//! Elastic Load Balancing writes: ModifyTargetGroup (health checks),
//! ModifyListener (port, default forward action), RegisterTargets and
//! DeregisterTargets, with the service's validation and texts.
//!
//! Shapes and ranges follow botocore's elbv2 model (service-2.json):
//! HealthCheckIntervalSeconds 5-300, HealthCheckTimeoutSeconds 2-120,
//! HealthCheckThresholdCount 2-10, Port 1-65535, Path 1-1024 characters.

use super::super::elbv2::{find_listener, listener_json, tg_json};
use super::super::{ArgError, CommandError, Input};
use crate::aws::errors::{self, Validation};
use crate::engine::Change;
use crate::world::{parse_ip, Target, World};
use serde_json::{json, Value};

/// botocore checks a member's minimum before sending [V: botocore validate.py];
/// the service checks the maximum [C: cfn-lint#807, "1 validation error detected:
/// Value '600' at 'healthCheckIntervalSeconds' ... less than or equal to 300"].
fn ranged(
    inv: &Input,
    op: &str,
    member: &str,
    lo: i64,
    hi: i64,
) -> Result<Option<u32>, CommandError> {
    let Some(text) = inv.value(member)? else {
        return Ok(None);
    };
    let v: i64 = text
        .trim()
        .parse()
        .map_err(|_| ArgError(format!("invalid literal for int() with base 10: '{text}'")))?;
    if v < lo {
        return Err(ArgError(format!(
            "Parameter validation failed:\nInvalid range for parameter {member}, value: {v}, valid min value: {lo}"
        ))
        .into());
    }
    if v > hi {
        let field = lower_first(member);
        return Err(errors::above_maximum(Validation::Elbv2, op, &field, v, hi).into());
    }
    Ok(Some(v as u32))
}

/// `HealthCheckIntervalSeconds` -> `healthCheckIntervalSeconds`, as the
/// service names members in its validation messages.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Whether a matcher is HTTP codes 200-499: `200`, `200,202`, `200-299`.
fn matcher_ok(m: &str) -> bool {
    let code = |s: &str| {
        s.trim()
            .parse::<u16>()
            .is_ok_and(|c| (200..=499).contains(&c))
    };
    !m.is_empty()
        && m.split(',').all(|part| match part.split_once('-') {
            Some((a, b)) => code(a) && code(b) && a.trim() <= b.trim(),
            None => code(part),
        })
}

/// `elbv2 modify-target-group`: the health check settings.
pub(super) fn modify_target_group(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "ModifyTargetGroup";
    let arn = inv.required("TargetGroupArn")?;
    let protocol = inv.value("HealthCheckProtocol")?;
    let port = inv.value("HealthCheckPort")?;
    let path = inv.value("HealthCheckPath")?;
    let interval = ranged(inv, op, "HealthCheckIntervalSeconds", 5, 300)?;
    let timeout = ranged(inv, op, "HealthCheckTimeoutSeconds", 2, 120)?;
    let healthy = ranged(inv, op, "HealthyThresholdCount", 2, 10)?;
    let unhealthy = ranged(inv, op, "UnhealthyThresholdCount", 2, 10)?;
    let matcher = match inv.structure("Matcher")? {
        None => None,
        Some(v) => {
            let code = v
                .get("HttpCode")
                .and_then(|c| match c {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .ok_or_else(|| {
                    ArgError(format!(
                        "Error parsing parameter '--matcher': Expected: 'HttpCode=<codes>', received: '{v}'"
                    ))
                })?;
            Some(code)
        }
    };
    let Some(tg) = cx.world.target_groups.get(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    const PROTOCOLS: [&str; 7] = ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"];
    if let Some(p) = &protocol {
        if !PROTOCOLS.contains(&p.as_str()) {
            return Err(errors::not_in_enum(
                Validation::Elbv2,
                op,
                p,
                "healthCheckProtocol",
                &PROTOCOLS,
            )
            .into());
        }
        if p != "HTTP" && p != "HTTPS" {
            return Err(errors::health_check_protocol_unsupported(op, p, &tg.protocol).into());
        }
    }
    if let Some(p) = &port {
        if p != "traffic-port" && !p.parse::<u16>().is_ok_and(|n| n > 0) {
            return Err(errors::health_check_port_invalid(op, p).into());
        }
    }
    if let Some(p) = &path {
        if !p.starts_with('/') || p.len() > 1024 {
            return Err(errors::health_check_path_invalid(op).into());
        }
    }
    if let Some(m) = &matcher {
        if !matcher_ok(m) {
            return Err(errors::matcher_invalid(op, m).into());
        }
    }
    let hc = &tg.health_check;
    if interval.unwrap_or(hc.interval) <= timeout.unwrap_or(hc.timeout) {
        return Err(errors::interval_not_above_timeout(op).into());
    }
    let Some(tg) = cx.world.target_groups.get_mut(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    let hc = &mut tg.health_check;
    if let Some(p) = protocol {
        hc.protocol = p;
    }
    if let Some(p) = port {
        hc.port = p;
    }
    if let Some(p) = path {
        hc.path = p;
    }
    if let Some(v) = interval {
        hc.interval = v;
    }
    if let Some(v) = timeout {
        hc.timeout = v;
    }
    if let Some(v) = healthy {
        hc.healthy_threshold = v;
    }
    if let Some(v) = unhealthy {
        hc.unhealthy_threshold = v;
    }
    if let Some(m) = matcher {
        hc.matcher = m;
    }
    let out = tg_json(tg);
    // Every registered target is checked again under the new settings.
    let tasks: Vec<String> = tg.targets.iter().map(|t| t.task_id.clone()).collect();
    for t in tasks.iter().filter(|t| !t.is_empty()) {
        cx.check_targets(t);
    }
    Ok(json!({ "TargetGroups": [out] }))
}

/// `elbv2 modify-listener`: its port and its default forward action.
pub(super) fn modify_listener(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "ModifyListener";
    let arn = inv.required("ListenerArn")?;
    let port = ranged(inv, op, "Port", 1, 65535)?;
    let protocol = inv.value("Protocol")?;
    let actions = inv.structures("DefaultActions");
    let Some((lb_arn, _)) = find_listener(cx.world, &arn) else {
        return Err(errors::listeners_not_found(op).into());
    };
    let lb_arn = lb_arn.clone();
    if let Some(p) = &protocol {
        const PROTOCOLS: [&str; 7] = ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"];
        if !PROTOCOLS.contains(&p.as_str()) {
            return Err(
                errors::not_in_enum(Validation::Elbv2, op, p, "protocol", &PROTOCOLS).into(),
            );
        }
        if p != "HTTP" {
            // HTTPS needs a certificate; the other protocols are not an ALB's.
            return Err(errors::listener_protocol_unsupported(op, p).into());
        }
    }
    let target = match &actions {
        None => None,
        Some(list) => {
            let [action] = list.as_slice() else {
                return Err(errors::listener_actions_count(op).into());
            };
            let kind = action.get("Type").and_then(|t| t.as_str()).unwrap_or("");
            if kind != "forward" {
                return Err(errors::action_type_unsupported(op, kind).into());
            }
            let tg = action
                .get("TargetGroupArn")
                .and_then(|t| t.as_str())
                .or_else(|| {
                    action
                        .pointer("/ForwardConfig/TargetGroups/0/TargetGroupArn")
                        .and_then(|t| t.as_str())
                })
                .ok_or_else(|| errors::forward_without_target_group(op))?
                .to_string();
            if !cx.world.target_groups.contains_key(&tg) {
                return Err(errors::target_groups_not_found(op).into());
            }
            Some(tg)
        }
    };
    let lb = cx
        .world
        .load_balancers
        .get(&lb_arn)
        .ok_or_else(|| errors::listeners_not_found(op))?;
    if let Some(p) = port {
        if lb
            .listeners
            .iter()
            .any(|l| l.arn != arn && u32::from(l.port) == p)
        {
            return Err(errors::duplicate_listener(op).into());
        }
    }
    let lb = cx
        .world
        .load_balancers
        .get_mut(&lb_arn)
        .ok_or_else(|| errors::listeners_not_found(op))?;
    let Some(l) = lb.listeners.iter_mut().find(|l| l.arn == arn) else {
        return Err(errors::listeners_not_found(op).into());
    };
    if let Some(p) = port {
        l.port = p as u16;
    }
    if let Some(tg) = &target {
        l.target_group_arn = tg.clone();
    }
    let out = listener_json(&lb_arn, l);
    if target.is_some() {
        relink_target_groups(cx.world, &lb_arn);
    }
    Ok(json!({ "Listeners": [out] }))
}

/// A target group's LoadBalancerArns are the load balancers whose listeners forward to it.
fn relink_target_groups(w: &mut World, lb_arn: &str) {
    let used: Vec<String> = w
        .load_balancers
        .get(lb_arn)
        .map(|lb| {
            lb.listeners
                .iter()
                .map(|l| l.target_group_arn.clone())
                .collect()
        })
        .unwrap_or_default();
    for tg in w.target_groups.values_mut() {
        let linked = tg.load_balancer_arns.iter().any(|a| a == lb_arn);
        let wanted = used.contains(&tg.arn);
        if wanted && !linked {
            tg.load_balancer_arns.push(lb_arn.to_string());
        } else if linked && !wanted {
            tg.load_balancer_arns.retain(|a| a != lb_arn);
        }
    }
}

/// The targets of a Register/DeregisterTargets request: (Id, Port).
fn targets(inv: &Input, default_port: u16) -> Result<Vec<(String, u16)>, ArgError> {
    let items = inv.structures("Targets").ok_or_else(|| {
        ArgError("aws: error: the following arguments are required: --targets".into())
    })?;
    let mut out = Vec::new();
    for t in items {
        let id = t.get("Id").and_then(|x| x.as_str()).ok_or_else(|| {
            ArgError(format!(
                "Error parsing parameter '--targets': Expected: 'Id=<ip>,Port=<port>', received: '{t}'"
            ))
        })?;
        let port = match t.get("Port") {
            None => default_port,
            Some(p) => p
                .as_u64()
                .or_else(|| p.as_str().and_then(|s| s.parse().ok()))
                .filter(|p| (1..=65535).contains(p))
                .ok_or_else(|| {
                    ArgError(format!(
                        "Error parsing parameter '--targets': Port must be a number from 1 to 65535, received: '{p}'"
                    ))
                })? as u16,
        };
        out.push((id.to_string(), port));
    }
    Ok(out)
}

/// `elbv2 register-targets`: IP targets; a task's address is checked like
/// the ones ECS registers, any other address in the VPC answers nothing.
pub(super) fn register_targets(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "RegisterTargets";
    let arn = inv.required("TargetGroupArn")?;
    let Some(tg) = cx.world.target_groups.get(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    let list = targets(inv, tg.port)?;
    let vpc = cx.world.vpcs.get(&tg.vpc_id).map(|v| v.cidr);
    let mut adds = Vec::new();
    for (id, port) in &list {
        let Some(ip) = parse_ip(id) else {
            return Err(errors::target_id_not_ip(op, id).into());
        };
        if !vpc.is_some_and(|c| c.contains(ip)) {
            return Err(errors::target_ip_outside_vpc(op, id).into());
        }
        let task = cx
            .world
            .tasks
            .values()
            .find(|t| t.is_live() && t.attachment.as_ref().is_some_and(|a| a.private_ip == *id))
            .map(|t| (t.id.clone(), t.az.clone()));
        let az = match &task {
            Some((_, az)) => az.clone(),
            None => cx
                .world
                .subnets
                .values()
                .find(|s| s.vpc_id == tg.vpc_id && s.cidr.contains(ip))
                .map(|s| s.az.clone())
                .unwrap_or_default(),
        };
        adds.push((id.clone(), *port, az, task.map(|t| t.0)));
    }
    let Some(tg) = cx.world.target_groups.get_mut(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    let mut probe = Vec::new();
    for (ip, port, az, task) in adds {
        // Registering a registered target again changes nothing [I].
        if tg.targets.iter().any(|t| t.ip == ip && t.port == port) {
            continue;
        }
        let (state, reason, description) = match &task {
            Some(_) => (
                "initial",
                "Elb.RegistrationInProgress",
                crate::engine::messages::TARGET_REGISTERING,
            ),
            // [I] nothing listens at an address no task holds: the checks time out.
            None => (
                "unhealthy",
                "Target.Timeout",
                crate::engine::messages::REQUEST_TIMED_OUT,
            ),
        };
        tg.targets.push(Target {
            ip,
            port,
            az,
            task_id: task.clone().unwrap_or_default(),
            state: state.into(),
            reason: Some(reason.into()),
            description: Some(description.into()),
            ok_streak: 0,
            fail_streak: 0,
        });
        if let Some(t) = task {
            probe.push((t, port));
        }
    }
    for (task, port) in probe {
        if let Some(t) = cx.world.tasks.get_mut(&task) {
            if !t.run.targets.iter().any(|(g, p)| *g == arn && *p == port) {
                t.run.targets.push((arn.clone(), port));
            }
        }
        cx.check_targets(&task);
    }
    // RegisterTargetsOutput has no members: the CLI prints nothing [V: service-2.json].
    Ok(json!({}))
}

/// `elbv2 deregister-targets`: the targets drain for the deregistration
/// delay, then are gone.
pub(super) fn deregister_targets(cx: &mut Change, inv: &Input) -> Result<Value, CommandError> {
    let op = "DeregisterTargets";
    let arn = inv.required("TargetGroupArn")?;
    let Some(tg) = cx.world.target_groups.get(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    let list = targets(inv, tg.port)?;
    for (id, port) in &list {
        if !tg.targets.iter().any(|t| t.ip == *id && t.port == *port) {
            return Err(errors::target_not_registered(op, id).into());
        }
    }
    let delay = tg.deregistration_delay;
    let Some(tg) = cx.world.target_groups.get_mut(&arn) else {
        return Err(errors::target_groups_not_found(op).into());
    };
    let mut drained = Vec::new();
    for t in tg
        .targets
        .iter_mut()
        .filter(|t| list.iter().any(|(id, p)| t.ip == *id && t.port == *p))
    {
        t.state = "draining".into();
        t.reason = Some("Target.DeregistrationInProgress".into());
        t.description = Some(crate::engine::messages::TARGET_DEREGISTERING.into());
        drained.push((t.ip.clone(), t.port, t.task_id.clone()));
    }
    for (ip, port, task) in drained {
        if let Some(t) = cx.world.tasks.get_mut(&task) {
            t.run.targets.retain(|(g, p)| !(*g == arn && *p == port));
        }
        cx.drop_target_after(&arn, &ip, port, delay);
    }
    // DeregisterTargetsOutput has no members [V: service-2.json].
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use crate::aws::sim::testkit::{aws_err, call, instance};
    use crate::aws::CommandError;
    use crate::scenario::Instance;
    use crate::time::{MINUTE, SECOND};
    use serde_json::{json, Value};

    fn write(inst: &mut Instance, line: &str) -> Result<Value, CommandError> {
        crate::awscli::command::write(&mut inst.sim, line).map(|(_, v)| v)
    }

    fn ok(inst: &mut Instance, line: &str) -> Value {
        write(inst, line).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    fn arg_err(r: Result<Value, CommandError>) -> String {
        match r {
            Err(CommandError::Args(e)) => e.0,
            other => panic!("expected a client-side error, got {other:?}"),
        }
    }

    fn name(inst: &Instance, key: &str) -> String {
        inst.sim.world().name(key).unwrap().to_string()
    }

    /// health-check-path-wrong: checkout 2.7 serves /health/ready, the target group checks /healthz.
    fn lb_instance() -> Instance {
        instance("health-check-path-wrong.yaml", 7)
    }

    #[test]
    fn modify_target_group_prints_the_group_and_heals_the_rollout() {
        let mut inst = lb_instance();
        let tg = name(&inst, "tg:checkout-api-tg");
        let before = call(
            &inst,
            &format!("elbv2 describe-target-groups --target-group-arns {tg}"),
        )
        .unwrap();
        let v = ok(
            &mut inst,
            &format!("elbv2 modify-target-group --target-group-arn {tg} --health-check-path /health/ready --matcher HttpCode=200-299 --health-check-interval-seconds 15"),
        );
        let g = &v["TargetGroups"][0];
        // The same object as DescribeTargetGroups, keys in the same order.
        let keys: Vec<&String> = g.as_object().unwrap().keys().collect();
        let want: Vec<&String> = before["TargetGroups"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, want);
        assert_eq!(v.as_object().unwrap().len(), 1);
        assert_eq!(g["HealthCheckPath"], "/health/ready");
        assert_eq!(g["Matcher"], json!({"HttpCode": "200-299"}));
        assert_eq!(g["HealthCheckIntervalSeconds"], 15);
        assert_eq!(g["HealthCheckTimeoutSeconds"], 5);
        assert_eq!(g["HealthCheckPort"], "traffic-port");
        let after = call(
            &inst,
            &format!("elbv2 describe-target-groups --target-group-arns {tg}"),
        )
        .unwrap();
        assert_eq!(after["TargetGroups"][0], *g);
        // The 2.7.0 tasks now pass their checks (and the 2.3 ones, which
        // answer 404 on the new path, are replaced): the rollout completes.
        let now = inst.sim.now();
        inst.sim.run_until(now + 20 * MINUTE).unwrap();
        let svc = inst.sim.world().service("prod", "checkout").unwrap();
        let said: Vec<&str> = svc.events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(svc.deployments.len(), 1, "{said:#?}");
        assert_eq!(
            svc.deployments[0].rollout_state,
            crate::world::RolloutState::Completed,
            "{said:#?}"
        );
        assert!(
            svc.task_definition.ends_with(":2"),
            "{}",
            svc.task_definition
        );
    }

    #[test]
    fn modify_target_group_refusals() {
        let mut inst = lb_instance();
        let tg = name(&inst, "tg:checkout-api-tg");
        let hc = inst.sim.world().target_groups[&tg].health_check.clone();
        let m = |x: &str| format!("elbv2 modify-target-group --target-group-arn {tg} {x}");
        assert_eq!(
            arg_err(write(&mut inst, &m("--health-check-interval-seconds 1"))),
            "Parameter validation failed:\nInvalid range for parameter HealthCheckIntervalSeconds, value: 1, valid min value: 5"
        );
        let e = aws_err(write(&mut inst, &m("--health-check-interval-seconds 400")));
        assert_eq!(e.code, "ValidationError");
        assert_eq!(e.operation, "ModifyTargetGroup");
        assert_eq!(
            e.message,
            "1 validation error detected: Value '400' at 'healthCheckIntervalSeconds' failed to satisfy constraint: Member must have value less than or equal to 300"
        );
        let e = aws_err(write(&mut inst, &m("--health-check-timeout-seconds 10")));
        assert_eq!(
            e.message,
            "Health check interval must be greater than the timeout."
        );
        let e = aws_err(write(&mut inst, &m("--health-check-path health")));
        assert_eq!(
            e.message,
            "Health check path must begin with a '/' character"
        );
        let e = aws_err(write(&mut inst, &m("--matcher HttpCode=600")));
        assert_eq!(
            e.message,
            "Health check matcher HTTP code '600' must be within '200-499' code range"
        );
        let e = aws_err(write(&mut inst, &m("--health-check-port http")));
        assert_eq!(
            e.message,
            "Health check port 'http' must be 'traffic-port' or a number between 1 and 65535"
        );
        let e = aws_err(write(&mut inst, &m("--health-check-protocol TCP")));
        assert_eq!(
            e.message,
            "Health check protocol 'TCP' is not supported for target groups with the 'HTTP' protocol"
        );
        let e = aws_err(write(&mut inst, &m("--health-check-protocol FTP")));
        assert_eq!(
            e.message,
            "1 validation error detected: Value 'FTP' at 'healthCheckProtocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE]"
        );
        let e = aws_err(write(
            &mut inst,
            "elbv2 modify-target-group --target-group-arn arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1 --health-check-path /",
        ));
        assert_eq!(e.code, "TargetGroupNotFound");
        assert_eq!(e.message, "One or more target groups not found");
        // Nothing refused changed anything.
        assert_eq!(inst.sim.world().target_groups[&tg].health_check, hc);
    }

    #[test]
    fn modify_listener_moves_port_and_forward() {
        let mut inst = lb_instance();
        let lb = name(&inst, "lb:shop-prod-alb");
        let tg = name(&inst, "tg:checkout-api-tg");
        let l = call(
            &inst,
            &format!("elbv2 describe-listeners --load-balancer-arn {lb}"),
        )
        .unwrap();
        let arn = l["Listeners"][0]["ListenerArn"]
            .as_str()
            .unwrap()
            .to_string();
        let v = ok(
            &mut inst,
            &format!("elbv2 modify-listener --listener-arn {arn} --port 8080 --default-actions Type=forward,TargetGroupArn={tg}"),
        );
        let got = &v["Listeners"][0];
        assert_eq!(got["Port"], 8080);
        assert_eq!(got["DefaultActions"][0]["TargetGroupArn"], json!(tg));
        let now = call(
            &inst,
            &format!("elbv2 describe-listeners --listener-arns {arn}"),
        )
        .unwrap();
        assert_eq!(now["Listeners"][0], *got);
        // JSON works as the shorthand does.
        let v = ok(
            &mut inst,
            &format!("elbv2 modify-listener --listener-arn {arn} --default-actions '[{{\"Type\":\"forward\",\"TargetGroupArn\":\"{tg}\"}}]'"),
        );
        assert_eq!(v["Listeners"][0]["Port"], 8080);

        let e = aws_err(write(
            &mut inst,
            &format!("elbv2 modify-listener --listener-arn {arn}x --port 81"),
        ));
        assert_eq!(e.code, "ListenerNotFound");
        assert_eq!(e.message, "One or more listeners not found");
        let e = aws_err(write(&mut inst, &format!("elbv2 modify-listener --listener-arn {arn} --default-actions Type=forward,TargetGroupArn={tg}x")));
        assert_eq!(e.code, "TargetGroupNotFound");
        let e = aws_err(write(
            &mut inst,
            &format!("elbv2 modify-listener --listener-arn {arn} --default-actions Type=redirect"),
        ));
        assert_eq!(
            e.message,
            "Action type 'redirect' is not supported for this listener; use 'forward' with a TargetGroupArn"
        );
        assert_eq!(
            arg_err(write(&mut inst, &format!("elbv2 modify-listener --listener-arn {arn} --port 0"))),
            "Parameter validation failed:\nInvalid range for parameter Port, value: 0, valid min value: 1"
        );
        let after = call(
            &inst,
            &format!("elbv2 describe-listeners --listener-arns {arn}"),
        )
        .unwrap();
        assert_eq!(after["Listeners"][0]["Port"], 8080);
    }

    #[test]
    fn register_and_deregister_targets() {
        let mut inst = lb_instance();
        let tg = name(&inst, "tg:checkout-api-tg");
        // An address in the VPC that nothing holds: registered, and its checks time out.
        let v = ok(
            &mut inst,
            &format!("elbv2 register-targets --target-group-arn {tg} --targets Id=10.40.10.250,Port=8080"),
        );
        assert_eq!(v, json!({}));
        let h = call(&inst, &format!("elbv2 describe-target-health --target-group-arn {tg} --targets Id=10.40.10.250,Port=8080")).unwrap();
        assert_eq!(
            h["TargetHealthDescriptions"][0]["TargetHealth"],
            json!({"State": "unhealthy", "Reason": "Target.Timeout", "Description": "Request timed out"})
        );
        assert_eq!(
            h["TargetHealthDescriptions"][0]["Target"]["AvailabilityZone"],
            "us-east-1a"
        );
        // Again: nothing changes.
        ok(
            &mut inst,
            &format!("elbv2 register-targets --target-group-arn {tg} --targets Id=10.40.10.250"),
        );
        let n = |inst: &Instance| {
            inst.sim.world().target_groups[&tg]
                .targets
                .iter()
                .filter(|t| t.ip == "10.40.10.250")
                .count()
        };
        assert_eq!(n(&inst), 1);
        let e = aws_err(write(
            &mut inst,
            &format!("elbv2 register-targets --target-group-arn {tg} --targets Id=192.168.1.1"),
        ));
        assert_eq!(e.code, "ValidationError");
        assert_eq!(
            e.message,
            "The IP address '192.168.1.1' is not within a VPC or subnet that the target group supports"
        );
        let e = aws_err(write(
            &mut inst,
            &format!("elbv2 register-targets --target-group-arn {tg} --targets Id=i-0abc"),
        ));
        assert_eq!(
            e.message,
            "The IP address 'i-0abc' is not a valid IPv4 address"
        );

        // Deregistered: draining for the 30 s delay, then gone.
        let v = ok(
            &mut inst,
            &format!("elbv2 deregister-targets --target-group-arn {tg} --targets Id=10.40.10.250,Port=8080"),
        );
        assert_eq!(v, json!({}));
        let h = call(&inst, &format!("elbv2 describe-target-health --target-group-arn {tg} --targets Id=10.40.10.250,Port=8080")).unwrap();
        assert_eq!(
            h["TargetHealthDescriptions"][0]["TargetHealth"],
            json!({"State": "draining", "Reason": "Target.DeregistrationInProgress", "Description": "Target deregistration is in progress"})
        );
        let now = inst.sim.now();
        inst.sim.run_until(now + 29 * SECOND).unwrap();
        assert_eq!(n(&inst), 1);
        inst.sim.run_until(now + 30 * SECOND).unwrap();
        assert_eq!(n(&inst), 0);
        let e = aws_err(write(
            &mut inst,
            &format!("elbv2 deregister-targets --target-group-arn {tg} --targets Id=10.40.10.250"),
        ));
        assert_eq!(e.code, "InvalidTarget");
        assert_eq!(
            e.message,
            "The following targets are not registered in the target group: '10.40.10.250'"
        );
    }

    #[test]
    fn registering_a_task_address_checks_it() {
        let mut inst = lb_instance();
        let tg = name(&inst, "tg:checkout-api-tg");
        // A running 2.3 task's address, registered again on another port.
        let ip = inst
            .sim
            .world()
            .tasks
            .values()
            .find(|t| t.is_live() && t.last_status == crate::world::TaskStatus::Running)
            .and_then(|t| t.attachment.as_ref().map(|a| a.private_ip.clone()))
            .expect("a running task");
        ok(
            &mut inst,
            &format!("elbv2 register-targets --target-group-arn {tg} --targets Id={ip},Port=9090"),
        );
        let h = call(
            &inst,
            &format!(
                "elbv2 describe-target-health --target-group-arn {tg} --targets Id={ip},Port=9090"
            ),
        )
        .unwrap();
        assert_eq!(
            h["TargetHealthDescriptions"][0]["TargetHealth"]["State"],
            "initial"
        );
        // Nothing listens on 9090: the checks fail and ECS replaces the task.
        let now = inst.sim.now();
        inst.sim.run_until(now + 2 * MINUTE).unwrap();
        let t = inst.sim.world().target_groups[&tg]
            .targets
            .iter()
            .find(|t| t.ip == ip && t.port == 9090)
            .map(|t| t.state.clone());
        assert!(
            matches!(t.as_deref(), Some("unhealthy") | Some("draining") | None),
            "{t:?}"
        );
    }

    #[test]
    fn update_service_load_balancers_are_checked_against_the_task_definition() {
        let mut inst = lb_instance();
        let tg = name(&inst, "tg:checkout-api-tg");
        let lbs = |x: &str| {
            format!("ecs update-service --cluster prod --service checkout --load-balancers {x}")
        };
        let e = aws_err(write(
            &mut inst,
            &lbs(&format!(
                "targetGroupArn={tg},containerName=checkout-api,containerPort=80"
            )),
        ));
        assert_eq!(e.code, "InvalidParameterException");
        assert_eq!(e.operation, "UpdateService");
        assert_eq!(
            e.message,
            "The container checkout-api did not have a container port 80 defined."
        );
        let e = aws_err(write(
            &mut inst,
            &lbs(&format!(
                "targetGroupArn={tg},containerName=web,containerPort=8080"
            )),
        ));
        assert_eq!(
            e.message,
            "The container web does not exist in the task definition."
        );
        let e = aws_err(write(
            &mut inst,
            &lbs(&format!("targetGroupArn={tg},containerPort=8080")),
        ));
        assert_eq!(e.message, "Container Name can not be blank.");
        let e = aws_err(write(
            &mut inst,
            &lbs("targetGroupArn=arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1,containerName=checkout-api,containerPort=8080"),
        ));
        assert_eq!(
            e.message,
            "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions."
        );
        let deps = inst
            .sim
            .world()
            .service("prod", "checkout")
            .unwrap()
            .deployments
            .len();
        // The same binding, as JSON: accepted, and nothing to deploy.
        ok(
            &mut inst,
            &lbs(&format!("'[{{\"targetGroupArn\":\"{tg}\",\"containerName\":\"checkout-api\",\"containerPort\":8080}}]'")),
        );
        let svc = inst.sim.world().service("prod", "checkout").unwrap();
        assert_eq!(svc.deployments.len(), deps);
        assert_eq!(svc.load_balancers[0].container_port, 8080);

        // A revision whose container listens on 9090 only.
        let role = inst.sim.world().role_arn("checkout-task-execution");
        ok(
            &mut inst,
            &format!("ecs register-task-definition --family checkout-api --cpu 512 --memory 1024 --network-mode awsvpc --requires-compatibilities FARGATE --execution-role-arn {role} --container-definitions '[{{\"name\":\"checkout-api\",\"image\":\"nginx\",\"portMappings\":[{{\"containerPort\":9090}}]}}]'"),
        );
        let e = aws_err(write(
            &mut inst,
            "ecs update-service --cluster prod --service checkout --task-definition checkout-api:3",
        ));
        assert_eq!(
            e.message,
            "The container checkout-api did not have a container port 8080 defined."
        );
        // With the binding moved to 9090 in the same call: accepted, a new deployment.
        ok(
            &mut inst,
            &format!("ecs update-service --cluster prod --service checkout --task-definition checkout-api:3 --load-balancers targetGroupArn={tg},containerName=checkout-api,containerPort=9090"),
        );
        let svc = inst.sim.world().service("prod", "checkout").unwrap();
        assert_eq!(svc.load_balancers[0].container_port, 9090);
        assert!(svc.task_definition.ends_with(":3"));
        assert_eq!(svc.deployments[0].task_definition, svc.task_definition);
        assert_eq!(
            svc.deployments[0].rollout_state,
            crate::world::RolloutState::InProgress
        );
    }
}
