//! A scenario's `live:` key: that it runs on a real sandbox account (the
//! stack of `infra/sandbox.yaml`), and what a live run needs that the
//! simulator form does not say. This module owns the format, how
//! placeholders bind to the sandbox stack's outputs, which AWS CLI writes
//! have a live mapping, and the static check `validate` runs without the
//! `live` cargo feature. It sends nothing: the injection itself is
//! `crate::live` (behind the feature).
//!
//! ```yaml
//! live:
//!   bind:    # placeholders the sandbox names differently (value: a sandbox placeholder)
//!     "subnet:private-${var:zone}": subnet:private-exhaust
//!   before:  # AWS CLI writes applied (journaled) before the timeline
//!     - ecs update-service --cluster prod --service checkout --desired-count 2
//!   set:     # merged into every fault `deploy`'s `set`
//!     "containerDefinitions[0].command": ["sh", "-c", "..."]
//!   fix:     # the reference fix on the sandbox (default: the scenario's `fix`)
//!     - ...
//! ```

use super::format::{LiveSpec, ScenarioSpec, TimelineEntry};
use super::{Library, Scenario, ScenarioError};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The tag key every sandbox resource carries; its value is the stack name.
pub const SANDBOX_TAG: &str = "faultline:sandbox";

/// Scenario placeholders (the shop-prod environment's names) and the stack
/// output each binds to. The stack has one NAT gateway, shared by both AZs.
pub const BINDINGS: &[(&str, &str)] = &[
    ("vpc", "VpcId"),
    ("igw", "InternetGatewayId"),
    ("subnet:public-a", "PublicSubnetA"),
    ("subnet:public-b", "PublicSubnetB"),
    ("subnet:private-a", "PrivateSubnetA"),
    ("subnet:private-b", "PrivateSubnetB"),
    ("subnet:private-exhaust", "ExhaustSubnet"),
    ("rtb:public", "PublicRouteTable"),
    ("rtb:private-a", "PrivateRouteTableA"),
    ("rtb:private-b", "PrivateRouteTableB"),
    ("rtb:private-exhaust", "ExhaustRouteTable"),
    ("nat:nat-a", "NatGatewayId"),
    ("nat:nat-b", "NatGatewayId"),
    ("vpce:s3", "S3EndpointId"),
    ("sg:checkout-tasks", "TaskSecurityGroupId"),
    ("sg:shop-alb", "AlbSecurityGroupId"),
    ("role:checkout-task-execution", "ExecutionRoleArn"),
    ("role:checkout-task", "TaskRoleArn"),
    ("cluster:prod", "ClusterName"),
    ("td:checkout-api", "TaskDefinitionFamily"),
    ("lb:shop-prod-alb", "LoadBalancerArn"),
    ("tg:checkout-api-tg", "TargetGroupArn"),
];

/// The AWS CLI writes that have a live mapping (`service operation`): what
/// a timeline entry, a decoy, `live.before` and a fix may use.
pub const LIVE_WRITES: &[(&str, &str)] = &[
    ("ec2", "create-route"),
    ("ec2", "delete-route"),
    ("iam", "attach-role-policy"),
    ("iam", "detach-role-policy"),
    ("iam", "put-role-policy"),
    ("iam", "delete-role-policy"),
    ("iam", "update-assume-role-policy"),
    ("logs", "create-log-group"),
    ("logs", "put-retention-policy"),
    ("ecs", "register-task-definition"),
    ("ecs", "update-service"),
];

/// The sandbox template, as built into the binary.
pub const TEMPLATE: &str = include_str!("../../infra/sandbox.yaml");

/// The output keys of `infra/sandbox.yaml` (its `Outputs:` section, parsed).
pub fn template_outputs() -> &'static [String] {
    static OUTPUTS: OnceLock<Vec<String>> = OnceLock::new();
    OUTPUTS.get_or_init(|| outputs_of(TEMPLATE).unwrap_or_default())
}

/// The output keys of a CloudFormation template in YAML (intrinsic
/// functions such as `!Ref` are read as tagged values).
pub fn outputs_of(template: &str) -> Result<Vec<String>, String> {
    let v: serde_yaml::Value = serde_yaml::from_str(template).map_err(|e| e.to_string())?;
    let outputs = v
        .get("Outputs")
        .and_then(|o| o.as_mapping())
        .ok_or("the template has no Outputs section")?;
    Ok(outputs
        .keys()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect())
}

/// The stack output a sandbox placeholder (without `${}`, variables
/// substituted) binds to, before `live.bind` (see [`rebind`]).
pub fn output_of(key: &str) -> Option<String> {
    if let Some(out) = key.strip_prefix("stack:") {
        return Some(out.to_string());
    }
    BINDINGS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, o)| o.to_string())
}

/// `key` as the live run names it: a `live.bind` entry whose key (its
/// variables substituted) is `key` gives its value (variables substituted);
/// bound values are sandbox placeholders and are not bound again.
pub fn rebind(
    key: &str,
    live: Option<&LiveSpec>,
    vars: &BTreeMap<String, String>,
) -> Result<String, String> {
    let Some(live) = live else {
        return Ok(key.to_string());
    };
    for (k, v) in &live.bind {
        if substitute_vars(k, vars)? == key {
            return substitute_vars(v, vars);
        }
    }
    Ok(key.to_string())
}

/// Replaces `${var:NAME}` (only) in `text`.
pub fn substitute_vars(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut s = text.to_string();
    while let Some(start) = s.find("${var:") {
        let end = s[start..]
            .find('}')
            .ok_or_else(|| format!("unclosed placeholder in '{text}'"))?;
        let name = &s[start + 6..start + end];
        let value = vars
            .get(name)
            .ok_or_else(|| format!("unknown variable '{name}' in '{text}'"))?
            .clone();
        s.replace_range(start..start + end + 1, &value);
    }
    Ok(s)
}

/// How placeholders resolve on the sandbox: the seed's variables, the
/// account and region, `${policy:NAME}` (an ARN in the account), and
/// everything else through `live.bind` then [`output_of`] to `outputs`.
pub struct Sandbox<'a> {
    /// The scenario's `live:` key.
    pub live: Option<&'a LiveSpec>,
    /// The seed's variables.
    pub vars: &'a BTreeMap<String, String>,
    /// The account id.
    pub account: &'a str,
    /// The region.
    pub region: &'a str,
    /// A stack output's value, if the stack has it.
    pub output: &'a dyn Fn(&str) -> Option<String>,
    /// The stack's name (for messages).
    pub stack: &'a str,
}

impl Sandbox<'_> {
    /// One placeholder's value.
    pub fn lookup(&self, key: &str) -> Result<String, String> {
        match key {
            "account" => return Ok(self.account.to_string()),
            "region" => return Ok(self.region.to_string()),
            _ => {}
        }
        if key == "now" || key.starts_with("ago:") {
            // A real account's time is the wall clock's.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as crate::time::Millis)
                .unwrap_or(0);
            return super::build::resolve_times(&format!("${{{key}}}"), now);
        }
        if let Some(v) = key.strip_prefix("var:") {
            return self
                .vars
                .get(v)
                .cloned()
                .ok_or_else(|| format!("unknown variable {v}"));
        }
        if let Some(name) = key.strip_prefix("policy:") {
            return Ok(format!("arn:aws:iam::{}:policy/{name}", self.account));
        }
        let bound = rebind(key, self.live, self.vars)?;
        let Some(out) = output_of(&bound) else {
            return Err(format!(
                "${{{key}}} has no live binding (no stack output stands for {bound}; bind it under live.bind, or name an output as ${{stack:OUTPUT}})"
            ));
        };
        (self.output)(&out).ok_or_else(|| {
            format!(
                "${{{key}}} binds to the output {out}, which the sandbox stack {} does not have",
                self.stack
            )
        })
    }

    /// Resolves `${...}`, innermost first.
    pub fn resolve(&self, text: &str) -> Result<String, String> {
        let mut s = text.to_string();
        for _ in 0..64 {
            let Some(start) = s.rfind("${") else {
                return Ok(s);
            };
            let len = s[start..]
                .find('}')
                .ok_or_else(|| format!("unclosed placeholder in '{text}'"))?;
            let value = self.lookup(&s[start + 2..start + len])?;
            s.replace_range(start..start + len + 1, &value);
        }
        Err(format!("placeholders nest too deeply in '{text}'"))
    }

    /// Resolves every string inside a JSON value.
    pub fn resolve_json(&self, v: &mut serde_json::Value) -> Result<(), String> {
        use serde_json::Value;
        match v {
            Value::String(s) => *s = self.resolve(s)?,
            Value::Array(a) => {
                for x in a {
                    self.resolve_json(x)?;
                }
            }
            Value::Object(m) => {
                for x in m.values_mut() {
                    self.resolve_json(x)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The ids of the scenarios of `lib` that declare `live:`, sorted.
pub fn live_scenarios(lib: &Library) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for f in lib.files()? {
        let spec = super::load_spec(lib, &f).map_err(|e| e.to_string())?;
        if spec.live.is_some() {
            out.push(spec.id);
        }
    }
    Ok(out)
}

/// The reference fix a live run uses: `live.fix`, else the scenario's `fix`.
pub fn live_fix(spec: &ScenarioSpec) -> &[String] {
    match spec.live.as_ref().and_then(|l| l.fix.as_ref()) {
        Some(f) => f,
        None => &spec.fix,
    }
}

/// Whether an AWS CLI line is a write with a live mapping; its error says
/// which operations have one.
pub fn check_write(line: &str) -> Result<(), String> {
    let entry = crate::awscli::command::check(line).map_err(|e| e.0)?;
    let op = (entry.service(), entry.name());
    if LIVE_WRITES.contains(&op) {
        return Ok(());
    }
    Err(format!(
        "{} {} has no live mapping; live runs can apply: {}",
        op.0,
        op.1,
        LIVE_WRITES
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Every assignment of the scenario's variables a seed can choose (each
/// variant with every combination of the free variables), at most 256.
fn assignments(spec: &ScenarioSpec) -> Vec<BTreeMap<String, String>> {
    let mut out: Vec<BTreeMap<String, String>> = if spec.variants.is_empty() {
        vec![BTreeMap::new()]
    } else {
        spec.variants.clone()
    };
    for (name, values) in &spec.variables {
        let mut next = Vec::new();
        for a in &out {
            for v in values {
                let mut a = a.clone();
                a.insert(name.clone(), v.clone());
                next.push(a);
            }
        }
        next.truncate(256);
        out = next;
    }
    out
}

/// The static check of a live scenario: every timeline entry, decoy,
/// `live.before` line and reference fix maps to a live action, and every
/// placeholder they (and the answer's culprits and the investigation) use
/// binds to an output of `infra/sandbox.yaml`, a variable, the account or
/// the region. Nothing is sent and no world is built.
pub fn check(s: &Scenario) -> Result<(), ScenarioError> {
    let spec = &s.spec;
    let Some(live) = &spec.live else {
        return Ok(());
    };
    let err = |path: String, m: String| s.err(path, m);
    for k in live.bind.keys() {
        if k.starts_with("${") {
            return Err(err(
                format!("live.bind.{k}"),
                "bind keys are placeholders without ${}, such as subnet:private-a".into(),
            ));
        }
    }
    let outputs = template_outputs();
    let policies: Vec<&str> = s.env.policies.iter().map(|p| p.name.as_str()).collect();
    // Placeholders of `text` (at field `path`) bind under every variable assignment.
    let binds = |path: &str, text: &str| -> Result<(), ScenarioError> {
        for vars in assignments(spec) {
            let output = |o: &str| outputs.iter().any(|x| x == o).then(|| format!("<{o}>"));
            let sb = Sandbox {
                live: Some(live),
                vars: &vars,
                account: "123456789012",
                region: "us-east-1",
                output: &output,
                stack: "of infra/sandbox.yaml",
            };
            let probe = text.replace("${stopped-task}", "0").replace("${uuid}", "0");
            sb.resolve(&probe).map_err(|m| err(path.to_string(), m))?;
            let mut rest = probe.as_str();
            while let Some(i) = rest.find("${policy:") {
                let after = &rest[i + 9..];
                // The name may hold a variable: resolve the whole placeholder's inside.
                let name = sb
                    .resolve(&policy_name(after))
                    .map_err(|m| err(path.to_string(), m))?;
                if !policies.contains(&name.as_str()) {
                    return Err(err(
                        path.to_string(),
                        format!("no policy {name} in the environment to create on the sandbox"),
                    ));
                }
                rest = after;
            }
        }
        Ok(())
    };
    let entry = |path: String, e: &TimelineEntry| -> Result<(), ScenarioError> {
        if e.refused {
            return Ok(());
        }
        if let Some(line) = &e.aws {
            check_write(line).map_err(|m| err(format!("{path}.aws"), m))?;
            binds(&format!("{path}.aws"), line)?;
        } else if let Some(d) = &e.deploy {
            binds(&format!("{path}.deploy.cluster"), &d.cluster)?;
            binds(&format!("{path}.deploy.service"), &d.service)?;
            if e.fault {
                for (k, v) in &d.set {
                    if live.set.contains_key(k) {
                        continue;
                    }
                    binds(&format!("{path}.deploy.set.{k}"), &v.to_string())?;
                }
            }
        } else if let Some(o) = &e.occupy_ips {
            binds(
                &format!("{path}.occupy_ips.subnet"),
                &format!("${{subnet:{}}}", o.subnet),
            )?;
            binds(&format!("{path}.occupy_ips.description"), &o.description)?;
        } else if e.push_image.is_some() && e.fault {
            return Err(err(
                format!("{path}.push_image"),
                "a fault that pushes an image has no live mapping (the sandbox runs one public image through the pull-through cache)".into(),
            ));
        }
        Ok(())
    };
    for (i, e) in spec.timeline.iter().enumerate() {
        entry(format!("timeline[{i}]"), e)?;
    }
    if let Some(d) = &spec.decoys {
        for (i, e) in d.from.iter().enumerate() {
            entry(format!("decoys.from[{i}]"), e)?;
        }
    }
    for (i, line) in live.before.iter().enumerate() {
        let path = format!("live.before[{i}]");
        check_write(line).map_err(|m| err(path.clone(), m))?;
        binds(&path, line)?;
    }
    for (k, v) in &live.set {
        binds(&format!("live.set.{k}"), &v.to_string())?;
    }
    if !live.set.is_empty() && !spec.timeline.iter().any(|e| e.fault && e.deploy.is_some()) {
        return Err(err(
            "live.set".into(),
            "live.set changes fault deployments, but no `fault: true` timeline entry deploys"
                .into(),
        ));
    }
    let (field, fix) = match &live.fix {
        Some(f) => ("live.fix", f),
        None => ("fix", &spec.fix),
    };
    if fix.is_empty() {
        return Err(err(
            field.into(),
            "give at least one reference fix command".into(),
        ));
    }
    for (i, line) in fix.iter().enumerate() {
        let path = format!("{field}[{i}]");
        check_write(line).map_err(|m| err(path.clone(), m))?;
        binds(&path, line)?;
    }
    for (i, c) in spec.answer.culprits.iter().enumerate() {
        binds(&format!("answer.culprits[{i}]"), c)?;
    }
    for (i, c) in spec.investigation.iter().enumerate() {
        binds(&format!("investigation[{i}]"), c)?;
    }
    Ok(())
}

/// The inside of a `${policy:...}` placeholder, given the text after
/// `${policy:` (braces matched, so the name may hold a variable).
fn policy_name(after: &str) -> String {
    let mut depth = 1;
    let mut k = 0;
    let b = after.as_bytes();
    while k < b.len() {
        if after[k..].starts_with("${") {
            depth += 1;
            k += 2;
            continue;
        }
        if b[k] == b'}' {
            depth -= 1;
            if depth == 0 {
                return after[..k].to_string();
            }
        }
        k += 1;
    }
    after.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn lib_scenario(id: &str) -> Scenario {
        let lib = Library::BuiltIn;
        Scenario::open(&lib, &lib.file(id)).unwrap()
    }

    #[test]
    fn the_template_outputs_parse() {
        let outs = template_outputs();
        for k in [
            "VpcId",
            "ExhaustSubnet",
            "ImageUri",
            "SandboxTag",
            "TaskDefinitionArn",
        ] {
            assert!(outs.iter().any(|o| o == k), "{k} not in {outs:?}");
        }
        for (key, out) in BINDINGS {
            assert!(
                outs.iter().any(|o| o == out),
                "{key} binds to {out}, which infra/sandbox.yaml does not output"
            );
        }
    }

    #[test]
    fn every_placeholder_a_live_scenario_uses_is_an_output_of_the_template() {
        let ids = live_scenarios(&Library::BuiltIn).unwrap();
        assert!(ids.len() >= 5, "{ids:?}");
        let outs = template_outputs();
        for id in &ids {
            let s = lib_scenario(id);
            check(&s).unwrap_or_else(|e| panic!("{e}"));
            // Every output any placeholder resolves to is one of the template's.
            let spec = &s.spec;
            let live = spec.live.as_ref().unwrap();
            let mut texts: Vec<String> = live_fix(spec).to_vec();
            texts.extend(live.before.iter().cloned());
            texts.extend(spec.answer.culprits.iter().cloned());
            texts.extend(spec.investigation.iter().cloned());
            for e in spec
                .timeline
                .iter()
                .chain(spec.decoys.iter().flat_map(|d| &d.from))
            {
                texts.extend(e.aws.iter().cloned());
                if let Some(o) = &e.occupy_ips {
                    texts.push(format!("${{subnet:{}}}", o.subnet));
                }
            }
            for vars in assignments(spec) {
                let seen = std::cell::RefCell::new(Vec::new());
                let output = |o: &str| {
                    seen.borrow_mut().push(o.to_string());
                    Some(format!("<{o}>"))
                };
                let sb = Sandbox {
                    live: Some(live),
                    vars: &vars,
                    account: "123456789012",
                    region: "us-east-1",
                    output: &output,
                    stack: "test",
                };
                for t in &texts {
                    sb.resolve(&t.replace("${stopped-task}", "0"))
                        .unwrap_or_else(|e| panic!("{id}: {e}"));
                }
                for o in seen.borrow().iter() {
                    assert!(
                        outs.contains(o),
                        "{id}: {o} is not an output of infra/sandbox.yaml"
                    );
                }
            }
        }
    }

    #[test]
    fn a_live_scenario_with_an_unmapped_step_or_binding_is_refused_with_its_field() {
        let base = Library::built_in_files();
        let edit = |id: &str, from: &str, to: &str| -> String {
            let mut files = base.clone();
            let f = files
                .iter_mut()
                .find(|(p, _)| p == Path::new(&format!("scenarios/{id}.yaml")))
                .unwrap();
            assert!(f.1.contains(from), "{from}");
            f.1 = f.1.replacen(from, to, 1);
            let lib = Library::Memory(files);
            let s = Scenario::open(&lib, &lib.file(id));
            match s.and_then(|s| check(&s).map(|_| s)) {
                Ok(_) => panic!("{id}: expected a refusal"),
                Err(e) => e.to_string(),
            }
        };
        let e = edit(
            "nat-route-missing",
            "fix:\n  - ec2 create-route",
            "fix:\n  - ec2 create-route --route-table-id ${rtb:private-c} --destination-cidr-block 0.0.0.0/0 --gateway-id ${igw}\n  - ec2 create-route",
        );
        assert!(
            e.starts_with("scenarios/nat-route-missing.yaml:")
                && e.contains(": fix[0]: ${rtb:private-c} has no live binding"),
            "{e}"
        );
        let e = edit(
            "nat-route-missing",
            "fix:\n  - ec2 create-route",
            "fix:\n  - ec2 create-vpc-endpoint --vpc-id ${vpc} --service-name com.amazonaws.us-east-1.s3\n  - ec2 create-route",
        );
        assert!(
            e.contains(": fix[0]: ec2 create-vpc-endpoint has no live mapping"),
            "{e}"
        );
    }

    #[test]
    fn bind_rewrites_a_placeholder_once() {
        let live = LiveSpec {
            bind: [
                (
                    "subnet:private-${var:zone}".to_string(),
                    "subnet:private-exhaust".to_string(),
                ),
                (
                    "subnet:private-c".to_string(),
                    "subnet:private-${var:zone}".to_string(),
                ),
            ]
            .into(),
            ..LiveSpec::default()
        };
        let vars: BTreeMap<String, String> = [("zone".to_string(), "a".to_string())].into();
        assert_eq!(
            rebind("subnet:private-a", Some(&live), &vars).unwrap(),
            "subnet:private-exhaust"
        );
        assert_eq!(
            rebind("subnet:private-c", Some(&live), &vars).unwrap(),
            "subnet:private-a"
        );
        assert_eq!(
            rebind("subnet:private-b", Some(&live), &vars).unwrap(),
            "subnet:private-b"
        );
    }
}
