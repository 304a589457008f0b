//! Load balancing: Application Load Balancers and their target groups.

use super::{env_err, name_of, PathError, VpcRef};
use crate::scenario::format::Environment;
use crate::time::Millis;
use crate::world::*;

/// Creates the load balancers, each with an interface in each of its subnets.
pub(super) fn build_load_balancers(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
    created: Millis,
) -> Result<(), PathError> {
    let vpc_id = &vpc.id;
    for (i, lb) in env.load_balancers.iter().enumerate() {
        let path = format!("load_balancers[{i}]");
        let hex = w.rng.hex(16);
        let arn = w.arn(
            "elasticloadbalancing",
            &format!("loadbalancer/app/{}/{hex}", lb.name),
        );
        let mut sgs = Vec::new();
        for (j, g) in lb.security_groups.iter().enumerate() {
            sgs.push(
                name_of(
                    w,
                    "sg",
                    g,
                    &format!("{path}.security_groups[{j}]"),
                    "security group",
                )?
                .to_string(),
            );
        }
        let mut subnets = Vec::new();
        for (j, s) in lb.subnets.iter().enumerate() {
            let sid =
                name_of(w, "subnet", s, &format!("{path}.subnets[{j}]"), "subnet")?.to_string();
            w.create_eni(
                &sid,
                EniOwner::LoadBalancer(arn.clone()),
                format!("ELB app/{}/{hex}", lb.name),
                "interface",
                sgs.clone(),
            )
            .ok_or_else(|| {
                env_err(
                    format!("{path}.subnets[{j}]"),
                    "the subnet has no free address for the load balancer",
                )
            })?;
            subnets.push(sid);
        }
        let dns = format!(
            "{}-{}.{}.elb.amazonaws.com",
            lb.name,
            w.rng.digits(10),
            env.region
        );
        w.load_balancers.insert(
            arn.clone(),
            LoadBalancer {
                name: lb.name.clone(),
                arn: arn.clone(),
                dns_name: dns,
                scheme: lb.scheme.clone(),
                vpc_id: vpc_id.clone(),
                subnets,
                security_groups: sgs,
                created,
                listeners: Vec::new(),
            },
        );
        w.names.insert(format!("lb:{}", lb.name), arn);
    }
    Ok(())
}

/// Creates the target groups, each of one load balancer.
pub(super) fn build_target_groups(
    w: &mut World,
    env: &Environment,
    vpc: &VpcRef,
) -> Result<(), PathError> {
    let vpc_id = &vpc.id;
    for (i, tg) in env.target_groups.iter().enumerate() {
        let path = format!("target_groups[{i}]");
        let lb = name_of(
            w,
            "lb",
            &tg.load_balancer,
            &format!("{path}.load_balancer"),
            "load balancer",
        )?
        .to_string();
        let hc = &tg.health_check;
        if hc.port != "traffic-port" && hc.port.parse::<u16>().is_err() {
            return Err(env_err(
                format!("{path}.health_check.port"),
                format!(
                    "'{}' is not a port; expected traffic-port or a number",
                    hc.port
                ),
            ));
        }
        let hex = w.rng.hex(16);
        let arn = w.arn(
            "elasticloadbalancing",
            &format!("targetgroup/{}/{hex}", tg.name),
        );
        w.target_groups.insert(
            arn.clone(),
            TargetGroup {
                name: tg.name.clone(),
                arn: arn.clone(),
                port: tg.port,
                protocol: "HTTP".into(),
                vpc_id: vpc_id.clone(),
                target_type: "ip".into(),
                health_check: TargetHealthCheck {
                    protocol: "HTTP".into(),
                    port: hc.port.clone(),
                    path: hc.path.clone(),
                    interval: hc.interval,
                    timeout: hc.timeout,
                    healthy_threshold: hc.healthy_threshold,
                    unhealthy_threshold: hc.unhealthy_threshold,
                    matcher: hc.matcher.clone(),
                },
                deregistration_delay: tg.deregistration_delay,
                load_balancer_arns: vec![lb.clone()],
                targets: vec![],
            },
        );
        // The load balancer's HTTP listener on port 80 forwards to its first target group.
        if let Some(l) = w.load_balancers.get_mut(&lb) {
            if l.listeners.is_empty() {
                l.listeners.push(http_listener(&lb, 80, &arn));
            }
        }
        w.names.insert(format!("tg:{}", tg.name), arn);
    }
    Ok(())
}

/// A listener on `port` of the load balancer `lb_arn` whose default action
/// forwards to `tg_arn`. Its ids are derived from the load balancer's ARN,
/// not drawn from the world's RNG: adding listeners moves no other id.
pub(super) fn http_listener(lb_arn: &str, port: u16, tg_arn: &str) -> Listener {
    let base = lb_arn.replacen(":loadbalancer/", ":listener/", 1);
    let id = derived_hex(&format!("{lb_arn}#listener:{port}"));
    let arn = format!("{base}/{id}");
    let rule_base = lb_arn.replacen(":loadbalancer/", ":listener-rule/", 1);
    let rule = derived_hex(&format!("{arn}#default-rule"));
    Listener {
        default_rule_arn: format!("{rule_base}/{id}/{rule}"),
        arn,
        port,
        protocol: "HTTP".into(),
        target_group_arn: tg_arn.to_string(),
    }
}

/// 16 hex digits from a text (FNV-1a): stable ids that use no randomness.
fn derived_hex(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
