//! Properties of a session under any input: random text, bytes, deep
//! brackets, very long lines, every operation of the catalogue with random
//! flags, `wait` with random durations. No line aborts the session, the
//! session always ends with a report, and each line's cost is bounded: at
//! most `WORK` engine steps, and the world stays within `TASKS` tasks.

use crate::support::Session;
use faultline::aws::catalogue::{self, FlagKind};
use proptest::prelude::*;

/// Engine steps (task steps, ELB checks, scheduler passes) one line may cost.
/// The heaviest legal line is `wait 6h` on the largest world a fix can make.
const WORK: u64 = 3_000_000;

/// Tasks the world may hold (running and recently stopped), whatever is typed.
const TASKS: usize = 60_000;

fn value_pool() -> Vec<&'static str> {
    vec![
        "prod",
        "checkout",
        "x",
        "0",
        "-1",
        "1",
        "100000",
        "99999999999999999999",
        "now",
        "-5m",
        "1h",
        "2026-03-12T14:00:00Z",
        "Name=vpc-id,Values=x",
        "{}",
        "[]",
        "[[[",
        "'",
        "\"",
        "`0.0.0.0/0`",
        "0.0.0.0/0",
        "tcp",
        "443",
        "é",
        "\u{0}",
        "Maximum",
        "/ecs/checkout-api",
        "awsvpcConfiguration={subnets=[x],securityGroups=[y]}",
        "{\"a\":",
        "FARGATE",
        "256",
    ]
}

/// An operation: `service name`, whether it is a write, and its flags.
type OpShape = (String, bool, Vec<(String, FlagKind)>);

/// One line: any of the kinds of input the session must survive.
fn line() -> impl Strategy<Value = String> {
    let ops: Vec<OpShape> = catalogue::entries()
        .map(|e| {
            (
                format!("{} {}", e.service(), e.name()),
                e.is_write(),
                e.flags()
                    .iter()
                    .map(|f| (f.name.to_string(), f.kind))
                    .collect(),
            )
        })
        .collect();
    let op_line = (
        proptest::sample::select(ops),
        proptest::collection::vec(
            (
                any::<prop::sample::Index>(),
                proptest::sample::select(value_pool()),
            ),
            0..6,
        ),
        any::<bool>(),
    )
        .prop_map(|((op, write, flags), picks, query)| {
            let mut l = if write { format!("fix {op}") } else { op };
            for (i, v) in picks {
                if flags.is_empty() {
                    break;
                }
                let (name, kind) = &flags[i.index(flags.len())];
                l.push_str(&format!(" --{name}"));
                if *kind != FlagKind::Bool {
                    l.push_str(&format!(" '{v}'"));
                }
            }
            if query {
                l.push_str(" --query '[0]' --output table");
            }
            l
        });
    prop_oneof![
        3 => op_line,
        1 => "\\PC{0,80}",
        1 => any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        1 => prop_oneof![1usize..80, 1usize..5000].prop_map(|n| format!("ecs list-clusters --query '{}@{}'", "[".repeat(n), "]".repeat(n))),
        1 => prop_oneof![1usize..80, 1usize..5000].prop_map(|n| format!("ecs list-clusters --query '{}a'", "a.".repeat(n))),
        1 => (1usize..70, 1usize..70).prop_map(|(n, m)| format!("ecs list-clusters --query '{}{}@{}'", "a.".repeat(m), "[".repeat(n), "]".repeat(n))),
        1 => (1usize..200_000).prop_map(|n| format!("status {}", "x".repeat(n))),
        1 => (prop_oneof![1usize..80, 1usize..20_000], any::<bool>()).prop_map(|(n, brace)| {
            let (open, close) = if brace { ("{b=", "}") } else { ("[", "]") };
            format!(
                "fix ecs update-service --cluster prod --service checkout --network-configuration a={}x{}",
                open.repeat(n),
                close.repeat(n)
            )
        }),
        1 => "-?[0-9]{0,22}[a-z]{0,2}[0-9]{0,3}[smhd]?".prop_map(|d| format!("wait {d}")),
        1 => proptest::sample::select(vec!["hint", "status", "brief", "causes", "help", "help ecs update-service", "diagnose network.no-nat-route x", "submit"]).prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_input_aborts_a_session_or_runs_away(lines in proptest::collection::vec(line(), 1..8)) {
        static BASE: std::sync::OnceLock<(faultline::scenario::Scenario, faultline::scenario::Instance)> =
            std::sync::OnceLock::new();
        let (scenario, inst) = BASE.get_or_init(|| {
            let s = Session::new("nat-route-missing", 1);
            (s.game.scenario, s.game.inst)
        });
        let mut s = Session::of(scenario.clone(), inst.clone());
        for l in &lines {
            let before: u64 = s.game.inst.sim.processed.iter().sum();
            let r = s.execute(l);
            let work: u64 = s.game.inst.sim.processed.iter().sum::<u64>() - before;
            prop_assert!(work <= WORK, "{} engine steps for {:.80}", work, l);
            let tasks = s.game.inst.sim.world().tasks.len();
            prop_assert!(tasks <= TASKS, "{} tasks after {:.80}", tasks, l);
            if r.quit {
                break;
            }
        }
        let report = s.game.finish(&s.player);
        prop_assert!(report.to_json().starts_with('{'), "the report is JSON");
        prop_assert!(!report.scorecard(faultline::paint::Paint::plain()).is_empty());
    }
}
