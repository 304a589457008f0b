//! A snapshot judges as the simulator's own world does: for every built-in
//! scenario at two seeds, the fix-quality lints on snapshots taken before
//! and after a set of fixes equal the lints on the simulator's worlds, reason
//! and advice alike.

use super::*;
use crate::game::grade::lints::lint;
use crate::game::grade::{AppliedFix, Lint};
use crate::scenario::{Instance, Library, Mode, Scenario};
use crate::world::TaskDefinitionInput;

fn library() -> Vec<Scenario> {
    let lib = Library::BuiltIn;
    lib.files()
        .expect("the built-in library")
        .iter()
        .map(|f| Scenario::load_from(&lib, f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn scope(s: &Scenario) -> Scope {
    Scope::new(&s.spec.success.cluster, &s.spec.success.service)
}

fn fix_of(line: &str) -> AppliedFix {
    let mut w = line.split_whitespace();
    AppliedFix {
        line: line.to_string(),
        service: w.next().unwrap_or_default().to_string(),
        operation: w.next().unwrap_or_default().to_string(),
        at: 0,
    }
}

/// Applies fix lines (placeholders resolved); `None` when one is refused.
fn apply(inst: &mut Instance, lines: &[String]) -> Option<Vec<AppliedFix>> {
    let mut out = Vec::new();
    for l in lines {
        let line = inst.resolve(l).ok()?;
        crate::awscli::command::write(&mut inst.sim, &line).ok()?;
        out.push(fix_of(&line));
    }
    Some(out)
}

/// Bad fixes built from the world of the judged service, by name; those a
/// world does not allow (no load balancer, no public subnet) are left out.
fn bad_fixes(s: &Scenario, w: &World) -> Vec<(&'static str, Vec<String>)> {
    let (cl, name) = (&s.spec.success.cluster, &s.spec.success.service);
    let Some(svc) = w.service(cl, name) else {
        return Vec::new();
    };
    let Some(td) = w.task_definition(&svc.task_definition) else {
        return Vec::new();
    };
    let update = format!("ecs update-service --cluster {cl} --service {name}");
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    let role = |arn: &Option<String>| arn.as_deref().map(last_part);
    if let Some(exec) = role(&td.def.execution_role_arn) {
        out.push(("admin", vec![format!("iam attach-role-policy --role-name {exec} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess")]));
        out.push(("wildcard", vec![format!(r#"iam put-role-policy --role-name {exec} --policy-name unblock --policy-document '{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","ssm:GetParameters","logs:CreateLogGroup"],"Resource":"*"}}]}}'"#)]));
        out.push(("trust", vec![format!(r#"iam update-assume-role-policy --role-name {exec} --policy-document '{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"sts:AssumeRole"}}]}}'"#)]));
    }
    if let Some(task) = role(&td.def.task_role_arn) {
        out.push(("inline-star", vec![format!(r#"iam put-role-policy --role-name {task} --policy-name all --policy-document '{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"*"}}}}'"#)]));
    }
    let is_public = |id: &String| {
        w.route_table_for(id).is_some_and(|rt| {
            rt.routes.iter().any(|r| {
                matches!((&r.dest, &r.target), (RouteDest::Cidr(c), RouteTarget::InternetGateway(_)) if c.prefix == 0)
            })
        })
    };
    let vpc = svc
        .network
        .subnets
        .first()
        .and_then(|id| w.subnets.get(id))
        .map(|x| x.vpc_id.clone())
        .unwrap_or_default();
    let public: Vec<String> = w
        .subnets
        .values()
        .filter(|x| x.vpc_id == vpc && is_public(&x.id))
        .map(|x| x.id.clone())
        .collect();
    let sgs = svc.network.security_groups.join(",");
    let subnets = if public.is_empty() {
        svc.network.subnets.join(",")
    } else {
        public.join(",")
    };
    out.push(("public-ip", vec![format!("{update} --network-configuration \"awsvpcConfiguration={{subnets=[{subnets}],securityGroups=[{sgs}],assignPublicIp=ENABLED}}\"")]));
    let igw = w
        .internet_gateways
        .values()
        .find(|g| g.vpc_id.as_deref() == Some(vpc.as_str()));
    if let (Some(igw), Some(rt)) = (
        igw,
        svc.network
            .subnets
            .iter()
            .find(|id| !is_public(id))
            .and_then(|id| w.route_table_for(id)),
    ) {
        let has_default = rt
            .routes
            .iter()
            .any(|r| matches!(&r.dest, RouteDest::Cidr(c) if c.prefix == 0));
        let verb = if has_default {
            "replace-route"
        } else {
            "create-route"
        };
        out.push((
            "igw-route",
            vec![format!(
                "ec2 {verb} --route-table-id {} --destination-cidr-block 0.0.0.0/0 --gateway-id {}",
                rt.id, igw.id
            )],
        ));
    }
    if svc.desired_count > 0 {
        out.push((
            "scale-down",
            vec![format!(
                "{update} --desired-count {}",
                svc.desired_count - 1
            )],
        ));
    }
    let register = |def: &TaskDefinitionInput| {
        vec![
            format!(
                "ecs register-task-definition --cli-input-json '{}'",
                serde_json::to_string(def).expect("a task definition serializes")
            ),
            format!("{update} --task-definition {}", def.family),
        ]
    };
    if td
        .def
        .container_definitions
        .iter()
        .any(|c| c.awslogs().is_some())
    {
        let mut def = td.def.clone();
        for c in &mut def.container_definitions {
            c.log_configuration = None;
        }
        out.push(("no-logging", register(&def)));
    }
    let mut big = td.def.clone();
    big.cpu = "4096".into();
    big.memory = "16384".into();
    out.push(("oversized", register(&big)));
    if let Some(sg) = svc.network.security_groups.first() {
        out.push(("open-ingress", vec![format!("ec2 authorize-security-group-ingress --group-id {sg} --protocol tcp --port 8080 --cidr 0.0.0.0/0")]));
    }
    let lb_sgs: Vec<&String> = svc
        .load_balancers
        .iter()
        .filter_map(|b| w.target_groups.get(&b.target_group_arn))
        .flat_map(|tg| tg.load_balancer_arns.iter())
        .filter_map(|a| w.load_balancers.get(a))
        .flat_map(|lb| lb.security_groups.iter())
        .collect();
    if let Some(sg) = lb_sgs.first() {
        out.push(("lb-egress", vec![format!("ec2 authorize-security-group-egress --group-id {sg} --protocol -1 --cidr 0.0.0.0/0")]));
        out.push(("lb-ssh", vec![format!("ec2 authorize-security-group-ingress --group-id {sg} --protocol tcp --port 22 --cidr 0.0.0.0/0")]));
    }
    // Another group of the VPC, neither the tasks' nor the load balancer's.
    if let Some(other) = w.security_groups.values().find(|g| {
        g.vpc_id == vpc && !svc.network.security_groups.contains(&g.id) && !lb_sgs.contains(&&g.id)
    }) {
        out.push(("other-sg", vec![format!("ec2 authorize-security-group-ingress --group-id {} --protocol tcp --port 3389 --cidr 0.0.0.0/0", other.id)]));
    }
    out.push(("several", {
        let mut v: Vec<String> = out
            .iter()
            .filter(|(k, _)| matches!(*k, "admin" | "scale-down" | "open-ingress"))
            .flat_map(|(_, l)| l.clone())
            .collect();
        v.dedup();
        v
    }));
    out
}

/// Lints that need what no describe call gives (see the module doc).
const NOT_FROM_DESCRIBE: &[&str] = &["cost.oversized-task"];

fn judged(lints: &[Lint]) -> Vec<(&'static str, String, String)> {
    lints
        .iter()
        .filter(|l| !NOT_FROM_DESCRIBE.contains(&l.id))
        .map(|l| (l.id, l.reason.clone(), l.better.clone()))
        .collect()
}

#[test]
fn snapshots_earn_the_simulators_lints_for_every_scenario() {
    let mut earned: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut runs = 0;
    for s in library() {
        for seed in 0..2 {
            let inst = s
                .instantiate(seed, Mode::Incident)
                .unwrap_or_else(|e| panic!("{} seed {seed}: {e}", s.id()));
            let before_world = inst.sim.world().clone();
            let before = snapshot(&inst.sim, &scope(&s))
                .unwrap_or_else(|e| panic!("{} seed {seed}: {e}", s.id()));
            let mut sets = vec![("reference", s.spec.fix.clone())];
            sets.extend(bad_fixes(&s, &before_world));
            for (kind, lines) in sets {
                let mut after = inst.clone();
                let Some(fixes) = apply(&mut after, &lines) else {
                    assert_ne!(kind, "reference", "{} seed {seed}", s.id());
                    continue;
                };
                runs += 1;
                let want = lint(&s, &before_world, after.sim.world(), &fixes);
                let snap = snapshot(&after.sim, &scope(&s).with_roles_of(&before))
                    .unwrap_or_else(|e| panic!("{} seed {seed} {kind}: {e}", s.id()));
                let got = lint(&s, &before, &snap, &fixes);
                assert_eq!(
                    judged(&got),
                    judged(&want),
                    "{} seed {seed}, fixes {kind}: {lines:#?}",
                    s.id()
                );
                if kind == "reference" {
                    assert!(got.is_empty(), "{} seed {seed}: {got:#?}", s.id());
                }
                for l in &want {
                    earned.entry(kind).or_default().insert(l.id);
                }
            }
        }
    }
    assert!(runs > 200, "only {runs} fix sets applied");
    // Every bad fix earned its lint somewhere, so the comparison compared something.
    let expect = [
        ("admin", "iam.admin-access"),
        ("inline-star", "iam.admin-access"),
        ("wildcard", "iam.wildcard-resource"),
        ("trust", "iam.trust-widened"),
        ("public-ip", "network.public-ip"),
        ("igw-route", "network.public-ip"),
        ("scale-down", "availability.scaled-to-zero"),
        ("no-logging", "logs.logging-removed"),
        ("oversized", "cost.oversized-task"),
        ("open-ingress", "network.open-ingress"),
        ("lb-egress", "network.wide-egress"),
        ("lb-ssh", "network.open-ingress"),
        ("other-sg", "network.open-ingress"),
    ];
    for (kind, id) in expect {
        assert!(
            earned.get(kind).is_some_and(|ids| ids.contains(id)),
            "{kind} never earned {id}: {earned:#?}"
        );
    }
}

#[test]
fn a_snapshot_holds_what_the_aliases_read() {
    for s in library() {
        let inst = s.instantiate(0, Mode::Incident).unwrap();
        let w = inst.sim.world();
        let snap = snapshot(&inst.sim, &scope(&s)).unwrap();
        for culprit in &s.spec.answer.culprits {
            let Ok(c) = inst.resolve(culprit) else {
                continue;
            };
            let mut want = crate::game::grade::aliases(w, &c);
            let mut got = crate::game::grade::aliases(&snap, &c);
            want.sort();
            got.sort();
            // The snapshot holds only the judged service's resources, so it may
            // know fewer names, never others.
            assert!(
                got.iter().all(|g| want.contains(g)),
                "{} {c}: {got:?} vs {want:?}",
                s.id()
            );
            if w.subnets.contains_key(&c)
                || w.route_tables.contains_key(&c)
                || w.roles.values().any(|r| r.arn == c || r.name == c)
            {
                assert_eq!(got, want, "{} {c}", s.id());
            }
        }
    }
}

#[test]
fn policy_documents_come_decoded_encoded_or_with_what_the_world_drops() {
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    let d = policy_document(&json!(encoded)).expect("decoded");
    let raw = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(d, serde_json::from_str::<PolicyDocument>(raw).unwrap());
    assert_eq!(policy_document(&json!(raw)), Some(d.clone()));
    let parsed: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(policy_document(&parsed), Some(d));
    let with_condition = json!({"Version": "2012-10-17", "Statement": {
        "Sid": "x", "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com", "Federated": "cognito"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}});
    let t = policy_document(&with_condition).expect("lenient");
    assert!(t.trusts_service("ecs-tasks.amazonaws.com"));
    assert_eq!(policy_document(&json!("not a document")), None);
    assert_eq!(percent_decode("a%2Fb%"), "a/b%");
    assert_eq!(percent_decode("%zz%4"), "%zz%4");
}

#[test]
fn a_missing_service_is_an_error() {
    let s = library().into_iter().next().unwrap();
    let inst = s.instantiate(0, Mode::Incident).unwrap();
    let e = snapshot(&inst.sim, &Scope::new(&s.spec.success.cluster, "nope")).unwrap_err();
    assert!(e.contains("nope"), "{e}");
    let e = snapshot(&inst.sim, &Scope::new("nope", "nope")).unwrap_err();
    assert!(e.contains("describe-services"), "{e}");
}

#[test]
fn images_name_their_repository() {
    assert_eq!(
        ecr_repository("1.dkr.ecr.us-east-1.amazonaws.com/team/api:v2"),
        Some("team/api".into())
    );
    assert_eq!(
        ecr_repository("1.dkr.ecr.us-east-1.amazonaws.com/api@sha256:ab"),
        Some("api".into())
    );
}
