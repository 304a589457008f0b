//! The JSON Schemas of scenario and environment files: current with the
//! format's types, accepting every shipped file, and rejecting the files the
//! loader rejects for their shape.

use crate::support::{fixtures, repo_scenarios, run, Workspace};
use std::path::{Path, PathBuf};

fn schema_file(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schema")
        .join(format!("{kind}.schema.json"))
}

fn validator(kind: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_file(kind)).expect("the schema file");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// A YAML file as the JSON value a schema checks.
fn as_json(yaml: &str) -> serde_json::Value {
    serde_yaml::from_str(yaml).expect("YAML")
}

fn errors(v: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    v.iter_errors(&as_json(yaml))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_committed_schemas_are_current() {
    for kind in ["scenario", "environment"] {
        let out = run(["schema", kind]);
        assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
        let committed = std::fs::read_to_string(schema_file(kind)).unwrap_or_default();
        assert!(
            out.stdout == committed,
            "docs/schema/{kind}.schema.json is not current; regenerate it with\n  cargo run -q -- schema {kind} > docs/schema/{kind}.schema.json"
        );
    }
}

#[test]
fn every_shipped_file_validates_against_its_schema() {
    let scenario = validator("scenario");
    let environment = validator("environment");
    let dirs = [
        (repo_scenarios(), &scenario, "scenario"),
        (
            repo_scenarios().join("environments"),
            &environment,
            "environment",
        ),
        (fixtures(), &scenario, "scenario"),
        (fixtures().join("environments"), &environment, "environment"),
    ];
    let mut checked = 0;
    for (dir, v, kind) in dirs {
        for file in yaml_files(&dir) {
            let text = std::fs::read_to_string(&file).expect("a file");
            // Shipped files name their schema for editors.
            if file.starts_with(repo_scenarios()) {
                let up = if kind == "scenario" { ".." } else { "../.." };
                let header = format!(
                    "# yaml-language-server: $schema={up}/docs/schema/{kind}.schema.json\n"
                );
                assert!(
                    text.starts_with(&header),
                    "{} does not name its schema on its first line",
                    file.display()
                );
            }
            let errs = errors(v, &text);
            assert!(errs.is_empty(), "{}: {errs:#?}", file.display());
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} files checked");
}

/// Every malformed file of the loader's tests (scenario_errors.rs): the
/// loader rejects it, and so does the schema of its file, except the cases
/// listed there as loader-only with the reason the schema cannot say it. A
/// loader-only case the schema comes to reject must move to `Rejects`.
#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    use crate::scenario_errors::{malformed, File, Schema};
    let scenario = validator("scenario");
    let environment = validator("environment");
    let cases = malformed();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    let mut loader_only = Vec::new();
    for m in &cases {
        let ws = match m.file {
            File::Scenario => Workspace::with_scenario(&m.text),
            File::Environment => Workspace::with_environment(&m.text),
        };
        assert!(
            faultline::scenario::Scenario::load(&ws.scenario()).is_err(),
            "{}: the loader accepts it",
            m.name
        );
        let v = match m.file {
            File::Scenario => &scenario,
            File::Environment => &environment,
        };
        // What an editor's YAML language server would check: the parsed
        // document (none for text the loader refuses to parse at all).
        let doc: Option<serde_json::Value> = std::str::from_utf8(&m.text)
            .ok()
            .filter(|t| faultline::limits::yaml_too_deep(t).is_none())
            .and_then(|t| serde_yaml::from_str(t).ok());
        match (m.schema, doc) {
            (Schema::Rejects, Some(doc)) => assert!(
                !v.is_valid(&doc),
                "{}: the {:?} schema accepts a file the loader rejects",
                m.name,
                m.file
            ),
            (Schema::Rejects, None) => {
                panic!("{}: not a YAML document; list it as loader-only", m.name)
            }
            (Schema::LoaderOnly(why), doc) => {
                assert!(!why.is_empty(), "{}: say why", m.name);
                if let Some(doc) = doc {
                    assert!(
                        v.is_valid(&doc),
                        "{}: listed as loader-only, yet the schema rejects it: move it to Rejects",
                        m.name
                    );
                }
                loader_only.push(m.name);
            }
        }
    }
    // The cross-references and rules across fields or files, by name.
    assert_eq!(
        loader_only,
        [
            "unclosed_bracket",
            "over_indented_key",
            "indented_key_at_the_top_level",
            "duplicate_field_points_at_the_repeat",
            "unknown_route_table_in_the_timeline",
            "unknown_route_table_in_the_fix",
            "unknown_subnet_of_a_service",
            "invalid_fargate_size",
            "not_utf8",
            "missing_environment_file",
            "id_differs_from_the_file_name",
            "yaml_nested_too_deep_is_refused_at_once",
            "a_pre_history_longer_than_two_days",
            "a_hold_beyond_six_hours",
            "a_scenario_profile_may_not_replace_the_environments",
            "a_scenario_profile_whose_memory_starts_above_its_peak",
            "an_unknown_field_in_a_scenario_profile",
            "a_quota_value_that_is_no_number",
            "an_unknown_quota_code",
        ]
    );
}
