//! JSON Schemas of the file formats (scenario and environment files), made
//! from the format's types so an editor checks what the loader accepts.
//! The loader stays the authority: documents with formats of their own (task
//! definitions, IAM policies, image profiles) are described here only as
//! objects, and the rules across fields (`validate`) are not in the schema.

use super::format::{Environment, ScenarioSpec};
use crate::time::Dur;
use crate::world::{AppProfile, PolicyDocument, TaskDefinitionInput};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// The files a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// `scenarios/*.yaml`.
    Scenario,
    /// `scenarios/environments/*.yaml`.
    Environment,
}

/// The JSON Schema of one file format, pretty-printed with a final newline.
pub fn schema(kind: Kind) -> String {
    let schema = match kind {
        Kind::Scenario => schemars::schema_for!(ScenarioSpec),
        Kind::Environment => schemars::schema_for!(Environment),
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

impl JsonSchema for Dur {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration such as 90s, 15m, 1h30m, 2d, 500ms or -40m (0 needs no unit)",
            "oneOf": [
                {"type": "string", "pattern": "^\\s*[+-]?(0|([0-9]+(ms|h|m|s|d))+)\\s*$"},
                {"const": 0}
            ]
        })
    }
}

/// A cause id of the vocabulary (`faultline causes`).
pub(super) fn cause_id(_: &mut SchemaGenerator) -> Schema {
    let ids: Vec<&str> = super::causes::CAUSES.iter().map(|c| c.id).collect();
    json_schema!({
        "description": "Cause id from the vocabulary (`faultline causes`)",
        "type": "string",
        "enum": ids,
    })
}

/// A timeline time: a duration before now (negative).
pub(super) fn before_now(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Time relative to now, before it: -15m, -1h30m",
        "type": "string",
        "pattern": "^\\s*-([0-9]+(ms|h|m|s|d))+\\s*$"
    })
}

/// A document whose shape the loader checks with its own rules.
fn document(description: &str) -> Schema {
    json_schema!({
        "type": "object",
        "description": description,
    })
}

impl JsonSchema for TaskDefinitionInput {
    fn schema_name() -> Cow<'static, str> {
        "TaskDefinitionInput".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        document("ECS RegisterTaskDefinition input (the `--cli-input-json` shape, camelCase)")
    }
}

impl JsonSchema for PolicyDocument {
    fn schema_name() -> Cow<'static, str> {
        "PolicyDocument".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        document("An IAM policy document in IAM's JSON grammar (Version, Statement)")
    }
}

impl JsonSchema for AppProfile {
    fn schema_name() -> Cow<'static, str> {
        "AppProfile".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        document("How an image behaves once it runs (see docs/scenarios.md, profiles)")
    }
}
