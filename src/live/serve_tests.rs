//! The live backend against the simulator: live mode's aws-sdk-rust
//! backend pointed at `faultline serve --sandbox-stack`, each seed scenario
//! through the whole live code path — `live start` injects the fault over
//! the wire, live mode's waiter sees the symptom the simulator shows as
//! Fargate would (what moto cannot give: moto runs no task), the scenario's
//! live reference fix goes through the game's `fix` (guard and journal),
//! `submit` verifies it on the served account, and `live undo` restores the
//! account's fingerprint.

use super::cli::{self, StartOptions};
use super::fingerprint::fingerprint;
use super::plan::resolve_for;
use super::session;
use super::stack::Stack;
use super::{AccountClock, ConnectOptions, LiveAccount};
use crate::scenario::{Library, Mode, Scenario};
use crate::serve::http::{self, Running};
use crate::serve::{ServeOptions, Served};
use crate::time::MINUTE;
use std::path::Path;
use std::sync::Arc;

/// The sandbox stack's name on the served account.
const STACK: &str = "faultline-sandbox";
/// The served account's clock: ten virtual minutes a wall second, so the
/// symptom and submit's hold show within seconds.
const SPEED: f64 = 600.0;

fn scenario(id: &str) -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{id}.yaml")))
        .unwrap()
}

/// A server of `id`'s account before the fault, as the sandbox stack.
struct Server {
    served: Arc<Served>,
    running: Option<Running>,
    /// The account's time when the server started.
    origin: crate::time::Millis,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(id: &str, seed: u64) -> Server {
        let s = scenario(id);
        let origin = s.instantiate(seed, Mode::Environment).unwrap().now;
        let dir = tempfile::tempdir().unwrap();
        let served = Served::new(
            &ServeOptions {
                scenario: s,
                seed,
                bind: "127.0.0.1:0".parse().unwrap(),
                speed: SPEED,
                teams: vec!["live".into()],
                journal_dir: dir.path().join("journals"),
                sandbox_stack: Some(STACK.into()),
            },
            false,
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        let served = Arc::new(served);
        let running = http::start(served.clone(), "127.0.0.1:0".parse().unwrap(), false).unwrap();
        Server {
            served,
            running: Some(running),
            origin,
            _dir: dir,
        }
    }

    /// Live mode's account on the server: the team's key, the served clock.
    fn account(&self) -> LiveAccount {
        let addr = self.running.as_ref().unwrap().addr;
        LiveAccount::connect(&ConnectOptions {
            region: Some(self.served.region.clone()),
            profile: None,
            endpoint_url: Some(format!("http://{addr}")),
            static_credentials: Some(("live".into(), "faultline".into())),
            clock: Some(AccountClock {
                origin: self.origin,
                since: self.served.started,
                speed: SPEED,
            }),
        })
        .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop();
        }
    }
}

/// start → symptom seen → reference fix → submit verified → undo, and the
/// fingerprint is the one before start.
fn live_round_trip(id: &str, seed: u64) {
    round_trip(id, seed, true);
}

/// [`live_round_trip`]; without `play`, start → undo only.
fn round_trip(id: &str, seed: u64, play: bool) {
    let server = Server::start(id, seed);
    let live = server.account();
    let stack = Stack::load(&live, STACK).unwrap_or_else(|e| panic!("{id}: {e}"));
    let before = fingerprint(&live, &stack).unwrap_or_else(|e| panic!("{id}: {e}"));
    let journals = tempfile::tempdir().unwrap();
    let allowed = vec![server.served.account.clone()];
    let s = scenario(id);
    cli::start(
        &live,
        &s,
        &StartOptions {
            allowed: &allowed,
            stack: STACK,
            seed,
            expires: None,
            journal_dir: journals.path(),
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{id}: live start: {e}"));
    assert_ne!(
        fingerprint(&live, &stack).unwrap(),
        before,
        "{id}: live start changed nothing"
    );

    if play {
        play_and_submit(&server, &s, seed, journals.path(), &stack, &allowed);
    }

    let out = cli::undo(&server.account(), &allowed, journals.path(), None)
        .unwrap_or_else(|e| panic!("{id}: live undo: {e}"));
    assert_eq!(
        fingerprint(&live, &stack).unwrap(),
        before,
        "{id}: live undo did not restore the account: {out}"
    );
}

/// The symptom awaited, the live reference fix through the game, `submit`.
fn play_and_submit(
    server: &Server,
    s: &Scenario,
    seed: u64,
    journals: &Path,
    stack: &Stack,
    allowed: &[String],
) {
    let id = s.spec.id.as_str();
    let (path, info) = session::open_run(journals, None).unwrap();
    let mut g = session::enter(
        &Library::BuiltIn,
        server.account(),
        path,
        info,
        allowed.to_vec(),
        Some(60 * MINUTE),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{id}: the symptom: {e}"));
    let mut p = g.join(Some("ada".into()));
    let vars = s.instantiate(seed, Mode::Incident).unwrap().vars;
    for line in crate::scenario::live::live_fix(&s.spec) {
        let line = resolve_for(
            s,
            line,
            stack,
            &vars,
            &server.served.account,
            &server.served.region,
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        let r = g.execute(&mut p, &format!("fix {line}"), None);
        assert!(!r.error, "{id}: fix {line}: {}", r.text);
    }
    let r = g.execute(&mut p, "submit", None);
    assert!(
        r.text.starts_with("Verified: the fix holds."),
        "{id}: submit: {}",
        r.text
    );
}

#[test]
fn the_served_account_is_a_sandbox_stack() {
    let server = Server::start("nat-route-missing", 1);
    let live = server.account();
    let stack = Stack::load(&live, STACK).unwrap();
    for (key, out) in super::stack::BINDINGS {
        if *key == "subnet:private-exhaust" || *key == "rtb:private-exhaust" {
            continue; // the /28 of subnet-exhausted: not in this scenario's account
        }
        assert!(
            stack.outputs.contains_key(*out),
            "no output {out} for {key}"
        );
    }
    assert_eq!(stack.output("ClusterName").unwrap(), "prod");
    assert_eq!(stack.output("ServiceName").unwrap(), "checkout");
    assert_eq!(
        stack.output("SandboxTag").unwrap(),
        format!("faultline:sandbox={STACK}")
    );
    let e = Stack::load(&live, "another").unwrap_err();
    assert!(
        e.to_string()
            .contains("Stack with id another does not exist"),
        "{e}"
    );
}

#[test]
fn nat_route_missing_over_serve() {
    live_round_trip("nat-route-missing", 1);
}

#[test]
fn execution_role_permissions_over_serve() {
    live_round_trip("execution-role-permissions", 0);
}

#[test]
fn execution_role_trust_over_serve() {
    live_round_trip("execution-role-trust", 0);
}

#[test]
fn image_tag_not_found_over_serve() {
    live_round_trip("image-tag-not-found", 0);
}

#[test]
fn log_group_missing_over_serve() {
    live_round_trip("log-group-missing", 0);
}

#[test]
fn logs_behind_logs_over_serve() {
    live_round_trip("logs-behind-logs", 0);
}

/// Injected and undone only: on the sandbox the container takes its memory
/// with a shell command (`live.set`), which the simulator does not run (it
/// takes a container's memory use from its image's profile), so the
/// OutOfMemoryError never shows on the served account.
#[test]
fn oom_killed_is_injected_and_undone_over_serve() {
    round_trip("oom-killed", 0, false);
}

#[test]
fn subnet_exhausted_over_serve() {
    live_round_trip("subnet-exhausted", 0);
}

#[test]
fn hidden_second_fault_over_serve() {
    live_round_trip("hidden-second-fault", 0);
}
