//! The facilitator's sheet: for each round of a game day, the scenario at
//! its seed with everything a facilitator needs resolved to that seed's ids —
//! the briefing to read out, the answer (cause, culprits, explanation), what
//! really happened, the reference investigation and fix, the hints and the
//! evidence. [`Key`] is the resolved answer key; `faultline show` prints the
//! same one.

use super::Error;
use crate::scenario::{Instance, Mode, Scenario};
use crate::time::{Dur, SECOND};
use std::fmt::Write as _;

/// A scenario's answer key resolved at one seed: ids, names and ARNs as the
/// player's world has them. A placeholder that does not resolve is shown as
/// its error, so an author sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The briefing, as the player reads it.
    pub briefing: String,
    /// The answer's cause id.
    pub cause: String,
    /// The culprit resources.
    pub culprits: Vec<String>,
    /// Why it broke.
    pub explanation: String,
    /// The reference investigation (read-only commands).
    pub investigation: Vec<String>,
    /// The reference fix.
    pub fix: Vec<String>,
    /// The hints and their costs, in the order `hint` gives them.
    pub hints: Vec<(String, u32)>,
    /// The observations that prove the cause.
    pub evidence: Vec<String>,
}

impl Key {
    /// The key of `scenario` in `inst` (an instance of it).
    pub fn of(scenario: &Scenario, inst: &Instance) -> Key {
        let s = &scenario.spec;
        let r = |t: &str| inst.resolve(t).unwrap_or_else(|e| e);
        Key {
            briefing: r(s.briefing.trim_end()),
            cause: s.answer.cause.clone(),
            culprits: s.answer.culprits.iter().map(|c| r(c)).collect(),
            explanation: r(s.answer.explanation.trim()),
            investigation: s.investigation.iter().map(|c| r(c)).collect(),
            fix: s.fix.iter().map(|c| r(c)).collect(),
            hints: s.hints.iter().map(|h| (r(&h.text), h.cost)).collect(),
            evidence: s.evidence.iter().map(|e| r(&e.text)).collect(),
        }
    }
}

/// One round of a game day: a scenario at a seed.
pub struct Round<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The seed every player of the round uses.
    pub seed: u64,
}

/// Splits a round argument, `ID` or `ID:SEED`, using `seed` when none is given.
pub fn round_arg(arg: &str, seed: u64) -> Result<(String, u64), Error> {
    match arg.rsplit_once(':') {
        Some((id, n)) => {
            let n = n.parse::<u64>().map_err(|_| {
                Error::Usage(format!(
                    "{arg}: expected ID or ID:SEED with a whole number as the seed"
                ))
            })?;
            Ok((id.to_string(), n))
        }
        None => Ok((arg.to_string(), seed)),
    }
}

/// The facilitator's sheet, in Markdown.
pub fn sheet(rounds: &[Round]) -> Result<String, Error> {
    let mut o = String::from("# Game day: the facilitator's sheet\n\n");
    o.push_str("Spoilers: for the facilitator only. Each team plays the same scenario and seed in its own world; a round's answers below are resolved at its seed.\n\n");
    o.push_str(
        "| round | scenario | title | difficulty | seed | par |\n|---:|---|---|---:|---:|---|\n",
    );
    for (i, r) in rounds.iter().enumerate() {
        let s = &r.scenario.spec;
        let _ = writeln!(
            o,
            "| {} | `{}` | {} | {} | {} | {} commands, {}m |",
            i + 1,
            s.id,
            s.title.replace('|', "\\|"),
            s.difficulty,
            r.seed,
            s.par.commands,
            s.par.minutes
        );
    }
    o.push_str("\nEach player or team runs, for round N:\n\n```\nfaultline play ID --seed SEED --team NAME --report reports/round-N/NAME.json\n```\n\nand the facilitator follows the round with `faultline scoreboard reports/round-N --watch`, then `faultline scoreboard reports/round-N --format html --out round-N.html` for the debrief.\n");
    for (i, r) in rounds.iter().enumerate() {
        let inst = r.scenario.instantiate(r.seed, Mode::Incident)?;
        round(&mut o, i + 1, r, &inst);
    }
    Ok(o)
}

fn round(o: &mut String, n: usize, r: &Round, inst: &Instance) {
    let s = &r.scenario.spec;
    let key = Key::of(r.scenario, inst);
    let _ = writeln!(
        o,
        "\n## Round {n}: {} (seed {})\n\n`{}`, difficulty {}, par {} commands and {} minutes.\n",
        s.title, r.seed, s.id, s.difficulty, s.par.commands, s.par.minutes
    );
    let _ = writeln!(
        o,
        "```\nfaultline play {} --seed {} --team NAME --report reports/round-{n}/NAME.json\n```\n",
        s.id, r.seed
    );
    o.push_str("### The briefing (read it out)\n\n");
    for line in key.briefing.lines() {
        let _ = writeln!(o, "> {line}");
    }
    o.push_str("\n### The answer\n\n");
    let _ = writeln!(o, "- cause: `{}`", key.cause);
    for c in &key.culprits {
        let _ = writeln!(o, "- culprit: `{c}`");
    }
    let _ = writeln!(o, "\n{}\n", key.explanation);
    o.push_str("### What really happened\n\n");
    for a in &inst.applied {
        let tag = if a.fault {
            " **(the fault)**"
        } else if a.decoy {
            " (a decoy: harmless)"
        } else {
            ""
        };
        let at = Dur((a.at - inst.now) / SECOND * SECOND);
        let _ = writeln!(o, "- `{at}` {}{tag}", a.note);
    }
    o.push_str("\n### The reference investigation\n\n");
    for (i, c) in key.investigation.iter().enumerate() {
        let _ = writeln!(o, "{}. `{c}`", i + 1);
    }
    o.push_str("\n### The reference fix\n\n```\n");
    for c in &key.fix {
        let _ = writeln!(o, "{c}");
    }
    o.push_str("```\n\n### Hints (give them in order; each costs the player points)\n\n");
    if key.hints.is_empty() {
        o.push_str("None.\n");
    }
    for (i, (text, cost)) in key.hints.iter().enumerate() {
        let _ = writeln!(o, "{}. ({cost} points) {text}", i + 1);
    }
    o.push_str("\n### The evidence that proves it\n\n");
    for e in &key.evidence {
        let _ = writeln!(o, "- {e}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_round_is_an_id_with_an_optional_seed() {
        assert_eq!(
            super::round_arg("oom-killed", 4).unwrap(),
            ("oom-killed".into(), 4)
        );
        assert_eq!(
            super::round_arg("oom-killed:9", 4).unwrap(),
            ("oom-killed".into(), 9)
        );
        assert!(super::round_arg("oom-killed:x", 4).is_err());
    }
}
