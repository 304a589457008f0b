//! Tab completion and inline hints, driven by the operation table and the
//! live world: services, operations, flags, and resource names and ids.

use crate::aws::catalogue::{self, Complete, Flag, FlagKind};
use crate::awscli::command::GLOBAL_FLAGS;
use crate::game::help::services;
use crate::game::{Game as Session, VERBS};
use crate::paint::{Paint, Role};
use crate::world::World;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

/// The rustyline helper: completion, hints, prompt colour.
pub struct ReplHelper {
    /// The session (shared with the loop).
    pub session: Rc<RefCell<Session>>,
    /// Colour, decided at the edge.
    pub paint: Paint,
}

/// Candidates for the word being typed in `line` (up to the cursor): the start
/// offset of that word and the candidates.
pub fn candidates(world: &World, line: &str) -> (usize, Vec<String>) {
    let start = line.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0);
    let current = &line[start..];
    let mut words: Vec<&str> = line[..start].split_whitespace().collect();
    if words.first() == Some(&"aws") {
        words.remove(0);
    }
    let pick = |items: Vec<String>| -> Vec<String> {
        let mut v: Vec<String> = items
            .into_iter()
            .filter(|c| c.starts_with(current))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    // `fix` is followed by a mutating command; everything else is read-only.
    let fixing = words.first() == Some(&"fix");
    if fixing {
        words.remove(0);
        if words.first() == Some(&"aws") {
            words.remove(0);
        }
    }
    let ops_of = |svc: &str| -> Vec<String> {
        catalogue::entries()
            .filter(|o| o.service() == svc && o.is_write() == fixing)
            .map(|o| o.name().to_string())
            .collect()
    };
    let services_for = || -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for o in catalogue::entries().filter(|o| o.is_write() == fixing) {
            if !v.iter().any(|s| s == o.service()) {
                v.push(o.service().to_string());
            }
        }
        v
    };
    match words.as_slice() {
        [] if fixing => (start, pick(services_for())),
        [] => {
            let mut all: Vec<String> = VERBS.iter().map(|v| v.0.to_string()).collect();
            all.extend(services().iter().map(|s| s.to_string()));
            all.push("aws".into());
            (start, pick(all))
        }
        ["help"] => (
            start,
            pick(
                catalogue::services()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
        ),
        ["help", svc] => {
            let ops = catalogue::entries()
                .filter(|o| o.service() == *svc)
                .map(|o| o.name().to_string())
                .collect();
            (start, pick(ops))
        }
        [svc] => (start, pick(ops_of(svc))),
        [svc, op, rest @ ..] => {
            let Some(op) = catalogue::find(svc, op).filter(|o| o.is_write() == fixing) else {
                return (start, vec![]);
            };
            let flags: Vec<&Flag> = op.flags().iter().chain(GLOBAL_FLAGS.iter()).collect();
            if current.starts_with("--")
                || (current.is_empty() && rest.last().is_none_or(|w| !w.starts_with("--")))
                    && op.positional().is_none()
            {
                let used: Vec<&str> = rest.iter().filter_map(|w| w.strip_prefix("--")).collect();
                let names = flags
                    .iter()
                    .filter(|f| !used.contains(&f.name))
                    .map(|f| format!("--{}", f.name))
                    .collect();
                return (start, pick(names));
            }
            // The value of the last flag, or the positional argument.
            let source = match rest.iter().rev().find(|w| w.starts_with("--")) {
                Some(f) => flags
                    .iter()
                    .find(|x| format!("--{}", x.name) == **f)
                    .map(|x| (x.complete, x.kind)),
                None => op.positional().map(|(_, c)| (c, FlagKind::Str)),
            };
            match source {
                Some((c, _)) => (start, pick(values(world, c))),
                None => (start, vec![]),
            }
        }
    }
}

/// Names and ids from the world for a completion source.
pub fn values(w: &World, c: Complete) -> Vec<String> {
    match c {
        Complete::Nothing => vec![],
        Complete::Choices(v) => v.iter().map(|s| s.to_string()).collect(),
        Complete::Cluster => w.clusters.keys().cloned().collect(),
        Complete::Service => w.services.keys().map(|(_, s)| s.clone()).collect(),
        Complete::Task => w.tasks.keys().cloned().collect(),
        Complete::TaskDefinition => {
            let mut v: Vec<String> = w
                .task_definitions
                .values()
                .map(|t| t.family_revision())
                .collect();
            v.extend(w.task_definitions.keys().map(|(f, _)| f.clone()));
            v
        }
        Complete::LogGroup => w.log_groups.keys().cloned().collect(),
        Complete::LogStream => w
            .log_groups
            .values()
            .flat_map(|g| g.streams.keys().cloned())
            .collect(),
        Complete::Vpc => w.vpcs.keys().cloned().collect(),
        Complete::Subnet => w.subnets.keys().cloned().collect(),
        Complete::RouteTable => w.route_tables.keys().cloned().collect(),
        Complete::SecurityGroup => w.security_groups.keys().cloned().collect(),
        Complete::NatGateway => w.nat_gateways.keys().cloned().collect(),
        Complete::InternetGateway => w.internet_gateways.keys().cloned().collect(),
        Complete::NetworkInterface => w.enis.keys().cloned().collect(),
        Complete::VpcEndpoint => w.vpc_endpoints.keys().cloned().collect(),
        Complete::NetworkAcl => w.network_acls.keys().cloned().collect(),
        Complete::Role => w.roles.keys().cloned().collect(),
        Complete::RoleArn => w.roles.values().map(|r| r.arn.clone()).collect(),
        Complete::PolicyArn => w.policies.keys().cloned().collect(),
        Complete::InlinePolicy => w
            .roles
            .values()
            .flat_map(|r| r.inline.keys().cloned())
            .collect(),
        Complete::LoadBalancer => w.load_balancers.keys().cloned().collect(),
        Complete::TargetGroup => w.target_groups.keys().cloned().collect(),
        Complete::Listener => w
            .load_balancers
            .values()
            .flat_map(|lb| lb.listeners.iter().map(|l| l.arn.clone()))
            .collect(),
        Complete::Repository => w.repositories.keys().cloned().collect(),
        Complete::Secret => w.secrets.keys().cloned().collect(),
        Complete::Parameter => w.parameters.keys().cloned().collect(),
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let session = self.session.borrow();
        let (start, cands) = candidates(session.completion_world(), &line[..pos]);
        Ok((
            start,
            cands
                .into_iter()
                // A completed word is followed by a space, ready for the next one.
                .map(|c| Pair {
                    display: c.clone(),
                    replacement: format!("{c} "),
                })
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() || line.is_empty() || line.ends_with(' ') {
            return None;
        }
        let session = self.session.borrow();
        let (start, cands) = candidates(session.completion_world(), line);
        let current = &line[start..];
        match cands.as_slice() {
            [only] if only.len() > current.len() => Some(only[current.len()..].to_string()),
            _ => None,
        }
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.paint.is_on() {
            Cow::Owned(self.paint.paint(Role::Dim, hint))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::sim::testkit::instance;

    #[test]
    fn fixes_complete_their_operations_and_flags() {
        let inst = instance("nat-route-missing.yaml", 1);
        let w = inst.sim.world();
        for op in catalogue::writes() {
            let (_, ops) = candidates(w, &format!("fix {} ", op.service));
            assert!(
                ops.contains(&op.name.to_string()),
                "fix {}: {ops:?}",
                op.service
            );
            let (_, flags) = candidates(w, &format!("fix {} {} --", op.service, op.name));
            for f in op.flags {
                assert!(
                    flags.contains(&format!("--{}", f.name)),
                    "fix {} {}: --{} not offered: {flags:?}",
                    op.service,
                    op.name,
                    f.name
                );
            }
        }
        // Reads are not offered after `fix`, writes not without it.
        let (_, ops) = candidates(w, "fix ecs ");
        assert!(!ops.contains(&"describe-services".to_string()));
        let (_, ops) = candidates(w, "ecs ");
        assert!(!ops.contains(&"update-service".to_string()));
        // Values complete from the world.
        let (_, ids) = candidates(w, "fix ec2 create-route --route-table-id ");
        assert!(
            !ids.is_empty() && ids.iter().all(|i| i.starts_with("rtb-")),
            "{ids:?}"
        );
    }
}
