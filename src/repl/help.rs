//! What the shell answers about commands: `help`, the services and
//! operations it knows, and the AWS CLI's words for an unknown command.

use crate::api::{read, write};
use crate::game::VERBS;
use std::fmt::Write as _;

/// The `help` text.
pub fn help(args: &[String]) -> String {
    let mut o = String::new();
    match args {
        [] => {
            let _ = writeln!(o, "Game commands:");
            for (_, usage, what) in VERBS {
                let _ = writeln!(o, "  {usage:<28} {what}");
            }
            let _ = writeln!(o, "\nAWS commands (read-only; `aws` in front is optional), with --query and --output json|text|table:");
            for svc in services() {
                let names: Vec<&str> = read::ops()
                    .iter()
                    .filter(|op| op.service == svc)
                    .map(|op| op.name)
                    .collect();
                let _ = writeln!(o, "  {svc:<15} {}", names.join(", "));
            }
            let _ = write!(o, "\n`help <service>` or `help <service> <operation>` for details. Tab completes commands, flags and resource ids.");
        }
        [svc] => {
            let ops: Vec<_> = read::ops()
                .into_iter()
                .filter(|op| op.service == svc.as_str())
                .collect();
            if ops.is_empty() {
                return unknown_command(svc, "");
            }
            for op in ops {
                let _ = writeln!(o, "  {} {:<28} {}", op.service, op.name, op.summary);
            }
        }
        [svc, name, ..] => match read::find(svc, name) {
            None => return unknown_command(svc, name),
            Some(op) => {
                let _ = writeln!(o, "{} {}: {}", op.service, op.name, op.summary);
                if let Some((p, _)) = op.positional {
                    let _ = writeln!(o, "  <{p}>");
                }
                for f in op.flags {
                    let req = if f.required { " (required)" } else { "" };
                    let _ = writeln!(o, "  --{:<26} {}{req}", f.name, f.help);
                }
                let _ = write!(o, "  --query, --output json|text|table");
            }
        },
    }
    o.trim_end().to_string()
}

/// The services that have read operations, in help order.
pub fn services() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for op in read::ops() {
        if !v.contains(&op.service) {
            v.push(op.service);
        }
    }
    v
}

/// Text for a command faultline does not know, with a suggestion.
pub fn unknown_command(service: &str, operation: &str) -> String {
    let svcs = services();
    let verbs: Vec<&str> = VERBS.iter().map(|v| v.0).collect();
    if !svcs.contains(&service) {
        if write::is_write(service, operation) {
            return format!("{service} {operation} changes the world; diagnostics are read-only");
        }
        // Prefer a near service that has the operation typed (`ecz describe-tasks` -> ecs).
        let with_op: Vec<&str> = svcs
            .iter()
            .copied()
            .filter(|s| read::find(s, operation).is_some())
            .collect();
        let all: Vec<&str> = svcs.iter().copied().chain(verbs.iter().copied()).collect();
        let near = closest(service, &with_op).or_else(|| closest(service, &all));
        let mut msg = format!("Unknown command '{service}'.");
        if let Some(n) = near {
            let _ = write!(msg, " Did you mean '{n}'?");
        }
        let _ = write!(msg, " Type `help` for what you can use.");
        return msg;
    }
    if write::is_write(service, operation) {
        return format!(
            "{service} {operation} changes the world; the diagnostics are read-only. Fixes (`fix {service} {operation} ...`) arrive with grading."
        );
    }
    let names: Vec<&str> = read::ops()
        .iter()
        .filter(|o| o.service == service)
        .map(|o| o.name)
        .collect();
    // The AWS CLI's own wording for an unknown operation: argparse's two padded columns.
    let mut msg =
        String::from("aws: error: argument operation: Invalid choice, valid choices are:\n\n");
    for pair in names.chunks(2) {
        match pair {
            [a, b] => {
                let _ = writeln!(msg, "{a:<40} | {b}");
            }
            [a] => {
                let _ = writeln!(msg, "{a}");
            }
            _ => {}
        }
    }
    if let Some(n) = closest(operation, &names) {
        let _ = write!(msg, "\nInvalid choice: '{operation}', maybe you meant:\n\n  * {n}\n\nDid you mean '{service} {n}'?");
    }
    msg.trim_end().to_string()
}

fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    crate::suggest::closest(word, candidates.iter().copied())
}
