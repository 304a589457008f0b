//! The game's two doors to the AWS operation layer: one runs a read command
//! line, one applies a fix command line. Nothing else in the game calls
//! the AWS CLI front end, and both work over any account (the simulator, or a
//! real one).

use crate::aws::catalogue;
use crate::aws::{Account, CommandError, Reader};
use crate::awscli::args::Invocation;
use crate::awscli::command;
use crate::awscli::render::{self, Output};

/// What a read command showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOutput {
    /// CLI service of the operation that ran (`ecs`).
    pub service: &'static str,
    /// CLI operation that ran (`describe-tasks`).
    pub operation: &'static str,
    /// The rendered output, as the AWS CLI prints it (`--query` and `--output` applied).
    pub text: String,
    /// The response data before `--query` and `--output`, as JSON text.
    pub data: String,
}

/// Runs one read-only AWS CLI command line (without `fix`) over an account.
pub fn run_read<R: Reader + ?Sized>(account: &R, line: &str) -> Result<ReadOutput, String> {
    let inv = Invocation::parse(line).map_err(|e| e.0)?;
    if catalogue::find_read(&inv.service, &inv.operation).is_none() {
        return Err(super::help::unknown_command(&inv.service, &inv.operation));
    }
    // `ecs execute-command` prints the Session Manager plugin's transcript, not
    // a JSON response; the plugin's banner comes first, error or not.
    let session = inv.service == "ecs" && inv.operation == "execute-command";
    let (cmd, value) = match command::read(account, line) {
        Ok(r) => r,
        Err(CommandError::Args(e)) => return Err(e.0),
        Err(CommandError::Aws(e)) if session => {
            return Err(format!(
                "\n{}\n\n\n{e}",
                crate::aws::sim::ecs::PLUGIN_BANNER
            ))
        }
        Err(e) => return Err(e.to_string()),
    };
    if let (true, serde_json::Value::String(text)) = (session, &value) {
        return Ok(ReadOutput {
            service: cmd.entry.service(),
            operation: cmd.entry.name(),
            text: text.clone(),
            data: text.clone(),
        });
    }
    let text = render::render(&value, cmd.query.as_deref(), cmd.output, cmd.entry.api())
        .map_err(|e| e.to_string())?;
    Ok(ReadOutput {
        service: cmd.entry.service(),
        operation: cmd.entry.name(),
        text,
        data: render::render(&value, None, Output::Json, cmd.entry.api()).unwrap_or_default(),
    })
}

/// What became of a fix command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixOutcome {
    /// Not a fix AWS could be asked for (bad syntax, a read-only or unknown
    /// operation): nothing was attempted.
    NotAFix(String),
    /// AWS applied it; the text is its response (empty when AWS answers nothing).
    Applied {
        /// CLI service (`ec2`).
        service: String,
        /// CLI operation (`create-route`).
        operation: String,
        /// The response, rendered as JSON.
        text: String,
    },
    /// AWS refused it; the world did not change.
    Refused {
        /// CLI service.
        service: String,
        /// CLI operation.
        operation: String,
        /// AWS's error text.
        error: String,
    },
}

/// Whether a line (without `fix`) names a write operation faultline knows:
/// its CLI service and operation, or why it is not a fix.
pub fn fix_operation(line: &str) -> Result<(String, String), String> {
    let inv = Invocation::parse(line).map_err(|e| e.0)?;
    if catalogue::find_write(&inv.service, &inv.operation).is_none() {
        if catalogue::find_read(&inv.service, &inv.operation).is_some() {
            return Err(format!(
                "{} {} is read-only: run it without `fix`",
                inv.service, inv.operation
            ));
        }
        let known: Vec<String> = catalogue::writes()
            .map(|o| format!("{} {}", o.service, o.name))
            .collect();
        return Err(format!(
            "faultline cannot apply {} {}; the fixes it knows: {}",
            inv.service,
            inv.operation,
            known.join(", ")
        ));
    }
    Ok((inv.service, inv.operation))
}

/// Applies one mutating AWS CLI command line (without `fix`) to an account.
pub fn apply_fix<A: Account + ?Sized>(account: &mut A, line: &str) -> FixOutcome {
    let (service, operation) = match fix_operation(line) {
        Ok(op) => op,
        Err(e) => return FixOutcome::NotAFix(e),
    };
    // The CLI compiles `--query` while reading its arguments: a bad one
    // sends nothing.
    if let Ok(cmd) = command::parse(line, account.region()) {
        if let Err(e) = render::render(&serde_json::json!({}), cmd.query.as_deref(), cmd.output, "")
        {
            return FixOutcome::NotAFix(e.to_string());
        }
    }
    match command::write(account, line) {
        // `--query` and `--output` apply as to any command; an empty response
        // (`{}`) prints nothing, as awscli's formatter skips it.
        Ok((cmd, v)) => FixOutcome::Applied {
            service,
            operation,
            text: if v == serde_json::json!({}) {
                String::new()
            } else {
                render::render(&v, cmd.query.as_deref(), cmd.output, cmd.entry.api())
                    .unwrap_or_else(|e| e.to_string())
            },
        },
        Err(CommandError::Args(e)) => FixOutcome::Refused {
            service,
            operation,
            error: e.0,
        },
        Err(e) => FixOutcome::Refused {
            service,
            operation,
            error: e.to_string(),
        },
    }
}
