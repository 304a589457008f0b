//! The JSON Schemas of scenario and environment files: current with the
//! format's types, accepting every shipped file, and rejecting the files the
//! loader rejects for their shape.

use crate::support::{edit, fixtures, repo_scenarios, run, ENVIRONMENT, SCENARIO};
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

/// Files the loader rejects for their shape (see scenario_errors.rs): the
/// schema rejects them too.
#[test]
fn the_schema_rejects_what_the_loader_rejects_for_its_shape() {
    let scenario = validator("scenario");
    let environment = validator("environment");
    let answer = SCENARIO.find("\nanswer:\n").expect("an answer");
    let success = SCENARIO.find("\nsuccess:").expect("a success");
    let scenarios = [
        (
            "unknown field",
            edit(
                SCENARIO,
                "difficulty: 2\n",
                "difficulty: 2\ndifficulty_level: 2\n",
            ),
        ),
        (
            "wrong type",
            edit(SCENARIO, "difficulty: 2\n", "difficulty: hard\n"),
        ),
        (
            "missing required field",
            format!("{}{}", &SCENARIO[..answer], &SCENARIO[success..]),
        ),
        (
            "a list instead of a mapping",
            "- id: nat-route-missing\n- title: x\n".to_string(),
        ),
        (
            "a duration without its unit",
            edit(SCENARIO, "at: -40m", "at: 40"),
        ),
    ];
    for (what, text) in &scenarios {
        assert!(
            !errors(&scenario, text).is_empty(),
            "the scenario schema accepts a file with {what}"
        );
    }
    let environments = [
        (
            "unknown field",
            edit(
                ENVIRONMENT,
                "    grace_period: 60s\n",
                "    grace_period: 60s\n    grace: 60s\n",
            ),
        ),
        (
            "a duration of the wrong form",
            edit(
                ENVIRONMENT,
                "    grace_period: 60s\n",
                "    grace_period: soon\n",
            ),
        ),
        (
            "missing required field",
            edit(ENVIRONMENT, "\nregion: us-east-1\n", "\n"),
        ),
    ];
    for (what, text) in &environments {
        assert!(
            !errors(&environment, text).is_empty(),
            "the environment schema accepts a file with {what}"
        );
    }
}
