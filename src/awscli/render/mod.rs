//! Rendering a response as the AWS CLI does: `--query` (JMESPath) first, then
//! `--output json|text|table`.
//!
//! This is a port of AWS CLI v2's `awscli/formatter.py`, `awscli/text.py` and
//! `awscli/table.py`, down to Python's `str()` of values (`True`, `None`,
//! `1e-05`), `json.dumps(indent=4, ensure_ascii=False)` and the table's
//! banker's rounding of column widths. Queries run on the `jmespath` crate's
//! interpreter, with the functions the Python `jmespath` package behaves
//! differently in (numbers, key order, argument errors) replaced so results
//! and errors read as the CLI's. It reads nothing but its arguments and keeps
//! no state; colour and the terminal's width are not its business (tables are
//! laid out for the 80 columns the CLI assumes when stdout is not a terminal).
//!
//! The folder holds the entry point and `Output` here, the three formats
//! (`json.rs`, `text.rs`, `table.rs`) and Python's `str()`/`repr()` of values
//! they share (`python.rs`), the `--query` layer (`query.rs`, with the
//! JMESPath functions in `functions.rs`) and the `--output` invalid choice
//! message (`choices.rs`).

mod choices;
mod functions;
mod json;
mod python;
mod query;
mod table;
#[cfg(test)]
mod tests;
mod text;

use serde_json::Value;

use choices::invalid_choice;
use json::json_output;
use query::Query;
use table::table_output;
use text::text_output;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `--output json`, the default.
    Json,
    /// `--output text`: tab-separated rows.
    Text,
    /// `--output table`: an ASCII table.
    Table,
}

/// The `--output` choices faultline renders, in the CLI's order
/// (`awscli/data/cli.json`). The CLI v2's `yaml`, `yaml-stream` and `off`
/// are not listed: faultline does not render them, and says so when asked.
const OUTPUT_CHOICES: [&str; 3] = ["json", "text", "table"];

impl Output {
    /// Parses an `--output` value, failing with the CLI's argparse message.
    pub fn parse(s: &str) -> Result<Output, String> {
        match s {
            "json" => Ok(Output::Json),
            "text" => Ok(Output::Text),
            "table" => Ok(Output::Table),
            "yaml" | "yaml-stream" | "off" => Err(format!(
                "aws: error: argument --output: {s} is an output of the AWS CLI v2 that faultline does not render; use json, text or table"
            )),
            _ => Err(format!(
                "aws: error: argument --output: {}",
                invalid_choice(s, &OUTPUT_CHOICES)
            )),
        }
    }
}

/// Why rendering failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The query is malformed or failed while running (or, rarely, the table
    /// formatter cannot lay its result out); the text is what the CLI prints.
    #[error("{0}")]
    Query(String),
}

/// Columns the CLI lays tables out for when it cannot ask a terminal.
const TERMINAL_WIDTH: usize = 80;

/// Applies `--query` (if any) and renders.
///
/// `title` is the operation's API name (e.g. "DescribeTasks"), used as the
/// table title as the CLI does. A `Value::String` response from an operation
/// that prints plain text (logs tail) is returned as is regardless of output
/// (and of the query, which is still checked for syntax, as the CLI does for
/// every command).
pub fn render(
    value: &Value,
    query: Option<&str>,
    output: Output,
    title: &str,
) -> Result<String, RenderError> {
    // The CLI compiles `--query` while parsing arguments, before any call.
    let query = query.map(Query::compile).transpose()?;
    if let Value::String(text) = value {
        return Ok(text.clone());
    }
    let searched;
    let result = match &query {
        None => value,
        Some(q) => {
            searched = q.search(value)?;
            &searched
        }
    };
    match output {
        Output::Json => Ok(json_output(result)),
        Output::Text => text_output(result),
        Output::Table => table_output(result, title, Some(TERMINAL_WIDTH)),
    }
}
