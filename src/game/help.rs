//! What the game answers about commands: `help`, the services and
//! operations it knows, and the AWS CLI's words for an unknown command. All
//! of it comes from the operation catalogue.

use super::VERBS;
use crate::aws::catalogue::{self, Entry};
use std::fmt::Write as _;

fn names(service: &str, write: bool) -> Vec<&'static str> {
    catalogue::entries()
        .filter(|o| o.service() == service && o.is_write() == write)
        .map(|o| o.name())
        .collect()
}

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
                let _ = writeln!(o, "  {svc:<15} {}", names(svc, false).join(", "));
            }
            let _ = writeln!(
                o,
                "\nFixes (`fix <service> <operation> ...`; AWS validates them):"
            );
            for svc in catalogue::services() {
                let w = names(svc, true);
                if !w.is_empty() {
                    let _ = writeln!(o, "  {svc:<15} {}", w.join(", "));
                }
            }
            let _ = writeln!(o, "\nAs at work: `file://PATH` parameters are read from your disk and `... | jq .` pipes through your shell (a local session only, not one shared with --share).");
            let _ = write!(o, "\n`help <service>` or `help <service> <operation>` for details. Tab completes commands, flags and resource ids.");
        }
        [svc] => {
            let ops: Vec<Entry> = catalogue::entries()
                .filter(|op| op.service() == svc.as_str())
                .collect();
            if ops.is_empty() {
                return unknown_command(svc, "");
            }
            // One column for the summaries, as wide as the longest command.
            let command = |op: &Entry| {
                let fix = if op.is_write() { "fix " } else { "" };
                format!("{fix}{} {}", op.service(), op.name())
            };
            let width = ops.iter().map(|op| command(op).len()).max().unwrap_or(0);
            for op in &ops {
                let _ = writeln!(o, "  {:<width$} {}", command(op), op.summary());
            }
        }
        [svc, name, ..] => match catalogue::find(svc, name) {
            None => return unknown_command(svc, name),
            Some(op) => {
                let fix = if op.is_write() { "fix " } else { "" };
                let _ = writeln!(o, "{fix}{} {}: {}", op.service(), op.name(), op.summary());
                if let Some((p, _)) = op.positional() {
                    let _ = writeln!(o, "  <{p}>");
                }
                for f in op.flags() {
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
    for op in catalogue::reads() {
        if !v.contains(&op.service) {
            v.push(op.service);
        }
    }
    v
}

/// Text for a command faultline does not know, with a suggestion.
pub fn unknown_command(service: &str, operation: &str) -> String {
    if catalogue::find_write(service, operation).is_some() {
        return format!(
            "{service} {operation} changes the world; the diagnostics are read-only. Apply it as a fix: `fix {service} {operation} ...` (`help {service} {operation}` lists its flags)."
        );
    }
    let svcs = services();
    let verbs: Vec<&str> = VERBS.iter().map(|v| v.0).collect();
    if !svcs.contains(&service) {
        // Prefer a near service that has the operation typed (`ecz describe-tasks` -> ecs).
        let with_op: Vec<&str> = svcs
            .iter()
            .copied()
            .filter(|s| catalogue::find_read(s, operation).is_some())
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
    let names = names(service, false);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_help_with_its_flags() {
        for op in catalogue::entries() {
            let text = help(&[op.service().to_string(), op.name().to_string()]);
            let head = format!(
                "{}{} {}: {}",
                if op.is_write() { "fix " } else { "" },
                op.service(),
                op.name(),
                op.summary()
            );
            assert!(text.starts_with(&head), "{text}");
            for f in op.flags() {
                assert!(
                    text.contains(&format!("--{}", f.name)),
                    "{head}: --{}",
                    f.name
                );
                if f.required {
                    assert!(
                        text.lines()
                            .any(|l| l.contains(&format!("--{} ", f.name))
                                && l.ends_with("(required)")),
                        "{head}: --{} not marked required",
                        f.name
                    );
                }
            }
        }
    }

    #[test]
    fn a_services_summaries_start_in_one_column() {
        for svc in services() {
            let text = help(&[svc.to_string()]);
            let columns: Vec<usize> = catalogue::entries()
                .filter(|op| op.service() == svc)
                .map(|op| {
                    let line = text
                        .lines()
                        .find(|l| l.ends_with(op.summary()))
                        .unwrap_or_else(|| panic!("{svc}: no line for {}", op.name()));
                    line.len() - op.summary().len()
                })
                .collect();
            assert!(
                columns.windows(2).all(|w| w[0] == w[1]),
                "{svc}: summaries at columns {columns:?}\n{text}"
            );
        }
    }

    #[test]
    fn a_write_typed_without_fix_says_how_to_apply_it() {
        assert_eq!(
            unknown_command("ec2", "create-route"),
            "ec2 create-route changes the world; the diagnostics are read-only. Apply it as a fix: `fix ec2 create-route ...` (`help ec2 create-route` lists its flags)."
        );
    }
}
