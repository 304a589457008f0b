//! The game's two doors to the AWS operation layer: one runs a read command
//! line, one applies a fix command line. Nothing else in the game calls
//! `crate::api`, so a new operation layer plugs in here and only here.

use crate::api::read::{self, ReadCtx};
use crate::api::render::{self, Output};
use crate::api::{write, CommandError, Invocation};
use crate::engine::Sim;

/// What a read command showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOutput {
    /// CLI service of the operation that ran (`ecs`).
    pub service: &'static str,
    /// CLI operation that ran (`describe-tasks`).
    pub operation: &'static str,
    /// The rendered output, as the AWS CLI prints it (`--query` and `--output` applied).
    pub text: String,
}

/// Runs one read-only AWS CLI command line (without `fix`) over the world.
pub fn run_read(sim: &Sim, line: &str) -> Result<ReadOutput, String> {
    let mut inv = Invocation::parse(line).map_err(|e| e.0)?;
    let Some(op) = read::find(&inv.service, &inv.operation) else {
        return Err(crate::repl::help::unknown_command(
            &inv.service,
            &inv.operation,
        ));
    };
    let output = inv.value("output").map_err(|e| e.0)?;
    let output = output
        .as_deref()
        .map(Output::parse)
        .unwrap_or(Ok(Output::Json))?;
    let query = inv.value("query").map_err(|e| e.0)?;
    let ctx = ReadCtx {
        world: &sim.world,
        now: sim.now(),
    };
    let value = match read::run(op, &ctx, &mut inv) {
        Ok(v) => v,
        Err(CommandError::Args(e)) => return Err(e.0),
        Err(e) => return Err(e.to_string()),
    };
    let text =
        render::render(&value, query.as_deref(), output, op.api).map_err(|e| e.to_string())?;
    Ok(ReadOutput {
        service: op.service,
        operation: op.name,
        text,
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

/// Applies one mutating AWS CLI command line (without `fix`) to the simulation.
pub fn apply_fix(sim: &mut Sim, command: &str) -> FixOutcome {
    let inv = match Invocation::parse(command) {
        Ok(i) => i,
        Err(e) => return FixOutcome::NotAFix(e.0),
    };
    if !write::is_write(&inv.service, &inv.operation) {
        if read::find(&inv.service, &inv.operation).is_some() {
            return FixOutcome::NotAFix(format!(
                "{} {} is read-only: run it without `fix`",
                inv.service, inv.operation
            ));
        }
        return FixOutcome::NotAFix(format!(
            "faultline cannot apply {} {}; the fixes it knows: {}",
            inv.service,
            inv.operation,
            write::OPERATIONS.join(", ")
        ));
    }
    let (service, operation) = (inv.service, inv.operation);
    match write::apply(sim, command) {
        Ok(v) => FixOutcome::Applied {
            service,
            operation,
            text: render::render(&v, None, Output::Json, "").unwrap_or_default(),
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
