//! Malformed scenario and environment files: exit 2, no panic, and stderr
//! starting with `<file>:<line>:<col>: <path>: ` followed by what was expected.
//!
//! Every case edits one line of the fixtures (`tests/fixtures/`), so the line
//! numbers below are those of the fixtures. `list` reads scenario files on
//! their own, so it reports the errors of a scenario file (`load_error`) but
//! not those found with the environment or the world (`world_error`).

use crate::support::{
    assert_contains, assert_starts_with, edit, Workspace, ENVIRONMENT, ID, SCENARIO,
};
use faultline::scenario::causes::CAUSES;

/// Which file of the fixtures a malformed case replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    /// The scenario (`nat-route-missing.yaml`).
    Scenario,
    /// Its environment (`environments/shop-prod.yaml`).
    Environment,
}

/// Whether the JSON Schema of the file rejects a case too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// The schema rejects it.
    Rejects,
    /// Only the loader can: why the schema cannot say it.
    LoaderOnly(&'static str),
}

/// One malformed file the loader rejects (each test below takes its file
/// from here by name, and schema.rs checks every one against the schemas).
pub struct Malformed {
    /// The case's name.
    pub name: &'static str,
    /// The file it replaces.
    pub file: File,
    /// The file's bytes.
    pub text: Vec<u8>,
    /// What the schema does with it.
    pub schema: Schema,
}

/// Every malformed file of these tests.
pub fn malformed() -> Vec<Malformed> {
    vec![
        Malformed {
            name: "unclosed_bracket",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "tags: [networking, nat, deployment]\n",
        "tags: [networking, nat, deployment\n",
    )),
            schema: Schema::LoaderOnly("not YAML: a schema checks a document once it is parsed"),
        },
        Malformed {
            name: "over_indented_key",
            file: File::Environment,
            text: Vec::from(edit(
        ENVIRONMENT,
        "    cpu: \"512\"\n",
        "     cpu: \"512\"\n",
    )),
            schema: Schema::LoaderOnly("not YAML: a schema checks a document once it is parsed"),
        },
        Malformed {
            name: "indented_key_at_the_top_level",
            file: File::Scenario,
            text: Vec::from(edit(SCENARIO, "\ntitle: ", "\n  title: ")),
            schema: Schema::LoaderOnly("not YAML: a schema checks a document once it is parsed"),
        },
        Malformed {
            name: "unknown_field_in_the_scenario",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "difficulty: 2\n",
        "difficulty: 2\ndifficulty_level: 2\n",
    )),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "duplicate_field_points_at_the_repeat",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "difficulty: 2\n",
        "difficulty: 2\ndifficulty: 3\n",
    )),
            schema: Schema::LoaderOnly("a repeated key: a YAML parser keeps one of the two or refuses the text, so no schema sees both"),
        },
        Malformed {
            name: "unknown_service_field",
            file: File::Environment,
            text: Vec::from(edit(
        ENVIRONMENT,
        "    grace_period: 60s\n",
        "    grace_period: 60s\n    grace: 60s\n",
    )),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "wrong_type_at_the_top_level",
            file: File::Scenario,
            text: Vec::from(edit(SCENARIO, "difficulty: 2\n", "difficulty: hard\n")),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "unknown_route_table_in_the_timeline",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "delete-route --route-table-id ${rtb:private-${var:zone}}",
        "delete-route --route-table-id ${rtb:private-z}",
    )),
            schema: Schema::LoaderOnly("a placeholder must name a resource of the environment: a cross-reference, resolved against the built world"),
        },
        Malformed {
            name: "unknown_route_table_in_the_fix",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "create-route --route-table-id ${rtb:private-${var:zone}}",
        "create-route --route-table-id ${rtb:private-z}",
    )),
            schema: Schema::LoaderOnly("a placeholder must name a resource of the environment: a cross-reference, resolved against the built world"),
        },
        Malformed {
            name: "unknown_subnet_of_a_service",
            file: File::Environment,
            text: Vec::from(edit(
        ENVIRONMENT,
        "    subnets: [private-a, private-b]\n",
        "    subnets: [private-a, private-q]\n",
    )),
            schema: Schema::LoaderOnly("a service names subnets declared elsewhere in the file: a cross-reference"),
        },
        Malformed {
            name: "invalid_fargate_size",
            file: File::Environment,
            text: Vec::from(edit(
            &edit(ENVIRONMENT, "    cpu: \"512\"\n", "    cpu: \"256\"\n"),
            "    memory: \"1024\"\n",
            "    memory: \"4096\"\n",
        )),
            schema: Schema::LoaderOnly("task definitions are plain objects to the schema, and the valid CPU/memory pairs are Fargate's table, checked as RegisterTaskDefinition checks them"),
        },
        Malformed {
            name: "missing_answer",
            file: File::Scenario,
            text: Vec::from({
            let start = SCENARIO.find("\nanswer:\n").expect("an answer");
            let end = SCENARIO.find("\nsuccess:").expect("a success");
            format!("{}{}", &SCENARIO[..start], &SCENARIO[end..])
        }),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "unknown_cause_lists_the_valid_ones",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "cause: network.no-nat-route",
        "cause: network.no-route",
    )),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "difficulty_out_of_range",
            file: File::Scenario,
            text: Vec::from(edit(SCENARIO, "difficulty: 2\n", "difficulty: 7\n")),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "difficulty_beyond_a_byte",
            file: File::Scenario,
            text: Vec::from(edit(SCENARIO, "difficulty: 2\n", "difficulty: 700\n")),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "timeline_entry_with_two_operations",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "    note: CI deploys checkout v2.4.0\n",
        "    note: CI deploys checkout v2.4.0\n    aws: logs create-log-group --log-group-name /x\n",
    )),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "timeline_entry_after_now",
            file: File::Scenario,
            text: Vec::from(edit(SCENARIO, "  - at: -12m\n", "  - at: 5m\n")),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "empty_file",
            file: File::Scenario,
            text: Vec::from(""),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "a_list",
            file: File::Scenario,
            text: Vec::from("- id: nat-route-missing\n- title: x\n"),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "not_utf8",
            file: File::Scenario,
            text: not_utf8_bytes(),
            schema: Schema::LoaderOnly("not UTF-8 text: there is no document to check"),
        },
        Malformed {
            name: "missing_environment_file",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "environment: shop-prod\n",
        "environment: shop-staging\n",
    )),
            schema: Schema::LoaderOnly("names another file, which must exist beside it"),
        },
        Malformed {
            name: "id_differs_from_the_file_name",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "id: nat-route-missing\n",
        "id: nat-route-gone\n",
    )),
            schema: Schema::LoaderOnly("the file's own name is not part of the document"),
        },
        Malformed {
            name: "yaml_nested_too_deep_is_refused_at_once",
            file: File::Scenario,
            text: Vec::from(edit(
            SCENARIO,
            "tags: [networking, nat, deployment]\n",
            &format!("tags: {}x{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        )),
            schema: Schema::LoaderOnly("refused before parsing (a bound on nesting); a schema checks a parsed document"),
        },
        Malformed {
            name: "more_tasks_than_a_service_may_run",
            file: File::Environment,
            text: Vec::from(edit(
        ENVIRONMENT,
        "    desired: 4\n",
        "    desired: 100000\n",
    )),
            schema: Schema::Rejects,
        },
        Malformed {
            name: "a_pre_history_longer_than_two_days",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "difficulty: 2\n",
        "difficulty: 2\nhistory: 99999999h\n",
    )),
            schema: Schema::LoaderOnly("a bound on history plus the timeline's span: a sum across fields"),
        },
        Malformed {
            name: "a_hold_beyond_six_hours",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "success: {cluster: prod, service: checkout}\n",
        "success: {cluster: prod, service: checkout, hold: 999999999h}\n",
    )),
            schema: Schema::LoaderOnly("a bound on a duration's value; the schema checks a duration's form (a pattern), not its size"),
        },
        Malformed {
            name: "a_scenario_profile_may_not_replace_the_environments",
            file: File::Scenario,
            text: Vec::from(with_profiles(
        &LEAKY.replace("checkout-api-2.4-leaky:", "checkout-api-2.3:"),
    )),
            schema: Schema::LoaderOnly("a profile name checked against the environment file: a cross-reference"),
        },
        Malformed {
            name: "a_scenario_profile_whose_memory_starts_above_its_peak",
            file: File::Scenario,
            text: Vec::from(with_profiles(&LEAKY.replace("peak: 2000", "peak: 100"))),
            schema: Schema::LoaderOnly("profiles are plain objects to the schema (the engine\'s AppProfile), and start <= peak compares two values"),
        },
        Malformed {
            name: "an_unknown_field_in_a_scenario_profile",
            file: File::Scenario,
            text: Vec::from(with_profiles(
        &LEAKY.replace("    port: 8080\n", "    port: 8080\n    listen: 8080\n"),
    )),
            schema: Schema::LoaderOnly("profiles are plain objects to the schema (the engine's AppProfile, whose fields the loader checks)"),
        },
        Malformed {
            name: "a_quota_value_that_is_no_number",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "difficulty: 2\n",
        "difficulty: 2\nquotas: {L-3032A538: lots}\n",
    )),
            schema: Schema::LoaderOnly("quota values are strings, so that they may name a variable; the number is checked once variables are resolved"),
        },
        Malformed {
            name: "an_unknown_quota_code",
            file: File::Scenario,
            text: Vec::from(edit(
        SCENARIO,
        "difficulty: 2\n",
        "difficulty: 2\nquotas: {L-12345678: \"40\"}\n",
    )),
            schema: Schema::LoaderOnly("the known quota codes are the simulator's, not the format's"),
        },
    ]
}

/// The workspace of the malformed case `name`.
fn case(name: &str) -> Workspace {
    let m = malformed()
        .into_iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no malformed case {name}"));
    match m.file {
        File::Scenario => Workspace::with_scenario(m.text),
        File::Environment => Workspace::with_environment(m.text),
    }
}

#[test]
fn the_unedited_fixtures_load() {
    let ws = Workspace::new();
    let out = ws.run(&["show", ID, "--seed", "1"]);
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
}

// a. Bad YAML.

fn unclosed_bracket() -> Workspace {
    case("unclosed_bracket")
}

#[test]
fn unclosed_flow_sequence() {
    let ws = unclosed_bracket();
    let err = ws.load_error();
    // The parser notices at the `:` of the next line (`environment: ...`).
    assert_starts_with(&err, &ws.at_scenario(5, 12, "tags"));
    assert_contains(&err, "did not find expected ',' or ']'");
}

#[test]
fn unclosed_flow_sequence_names_where_it_opened() {
    let err = unclosed_bracket().load_error();
    assert_contains(&err, "line 4 column 7");
}

fn over_indented_key() -> Workspace {
    case("over_indented_key")
}

#[test]
fn bad_indentation() {
    let ws = over_indented_key();
    let err = ws.world_error();
    // The place and the mapping it is in (the path's last step is wrong: see below).
    let place = format!("{}:214:6: task_definitions[0]", ws.environment().display());
    assert_starts_with(&err, &place);
    assert_contains(&err, "did not find expected key");
}

#[test]
fn bad_indentation_has_no_question_mark_in_its_path() {
    let ws = over_indented_key();
    let err = ws.world_error();
    assert_starts_with(
        &err,
        &format!(
            "{}did not find expected key",
            ws.at_environment(214, 6, "task_definitions[0]")
        ),
    );
    // Also at the top level: an indented key after `id:`.
    let ws = case("indented_key_at_the_top_level");
    let err = ws.load_error();
    assert_starts_with(&err, &ws.at_scenario(2, 8, ""));
    assert!(!err.contains(": ?: "), "path `?` in\n{err}");
}

// b. Unknown field in the scenario.

#[test]
fn unknown_field_in_the_scenario() {
    let ws = case("unknown_field_in_the_scenario");
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}unknown field `difficulty_level`, expected one of `id`, `title`, `difficulty`, ",
            ws.at_scenario(4, 1, "difficulty_level")
        ),
    );
    assert_contains(&err, "`answer`");
}

#[test]
fn duplicate_field_points_at_the_repeat() {
    let ws = case("duplicate_field_points_at_the_repeat");
    let err = ws.load_error();
    assert_starts_with(&err, &ws.at_scenario(4, 1, "difficulty"));
    assert_contains(&err, "duplicate field `difficulty`");
}

// c. Unknown field in the environment.

fn unknown_service_field() -> Workspace {
    case("unknown_service_field")
}

#[test]
fn unknown_field_in_the_environment() {
    let ws = unknown_service_field();
    let err = ws.world_error();
    assert_starts_with(&err, &ws.at_environment(245, 5, "services[0].grace"));
    assert_contains(
        &err,
        "unknown field `grace`, expected one of `name`, `cluster`, ",
    );
    assert_contains(&err, "`grace_period`");
}

#[test]
fn nested_errors_name_the_path_once() {
    let ws = unknown_service_field();
    let err = ws.world_error();
    assert_starts_with(
        &err,
        &format!(
            "{}unknown field `grace`",
            ws.at_environment(245, 5, "services[0].grace")
        ),
    );
    // Also for a scalar of the wrong type at the top level.
    let ws = case("wrong_type_at_the_top_level");
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}invalid type: string \"hard\"",
            ws.at_scenario(3, 13, "difficulty")
        ),
    );
}

// d. References to resources that do not exist.

#[test]
fn unknown_route_table_in_the_timeline() {
    let ws = case("unknown_route_table_in_the_timeline");
    let err = ws.world_error();
    assert_starts_with(
        &err,
        &format!(
            "{}no resource 'rtb:private-z' in this environment; known: ",
            ws.at_scenario(27, 10, "timeline[1].aws")
        ),
    );
    assert_contains(&err, "rtb:private-a");
}

#[test]
fn unknown_route_table_in_the_fix() {
    let ws = case("unknown_route_table_in_the_fix");
    let err = ws.world_error();
    assert_starts_with(
        &err,
        &format!(
            "{}no resource 'rtb:private-z' in this environment",
            ws.at_scenario(72, 5, "fix[0]")
        ),
    );
}

#[test]
fn unknown_subnet_of_a_service() {
    let ws = case("unknown_subnet_of_a_service");
    let err = ws.world_error();
    assert_starts_with(
        &err,
        &format!(
            "{}no subnet named 'private-q'; known: ",
            ws.at_environment(240, 26, "services[0].subnets[1]")
        ),
    );
    assert_contains(&err, "private-a");
}

// e. A CPU/memory pair Fargate does not offer.

#[test]
fn invalid_fargate_size() {
    let ws = case("invalid_fargate_size");
    let err = ws.world_error();
    assert_eq!(
        err,
        format!(
            "{}No Fargate configuration exists for given values: 256 CPU, 4096 memory\n",
            ws.at_environment(209, 5, "task_definitions[0]")
        )
    );
}

// f. A missing required field.

#[test]
fn missing_answer() {
    let ws = case("missing_answer");
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!("{}missing field `answer`", ws.at_scenario(1, 1, "")),
    );
}

// g. A cause outside the vocabulary.

#[test]
fn unknown_cause_lists_the_valid_ones() {
    let ws = case("unknown_cause_lists_the_valid_ones");
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}unknown cause 'network.no-route'; expected one of: network.no-nat-route, ",
            ws.at_scenario(46, 10, "answer.cause")
        ),
    );
    for c in CAUSES {
        assert_contains(&err, c.id);
    }
}

// h. Difficulty out of range.

#[test]
fn difficulty_out_of_range() {
    let ws = case("difficulty_out_of_range");
    let err = ws.load_error();
    assert_eq!(
        err,
        format!(
            "{}7 is out of range; expected 1 (warm-up) to 5 (hard)\n",
            ws.at_scenario(3, 13, "difficulty")
        )
    );
    // Beyond what the field can hold at all.
    let ws = case("difficulty_beyond_a_byte");
    let err = ws.load_error();
    assert_starts_with(&err, &ws.at_scenario(3, 13, "difficulty"));
    assert_contains(&err, "invalid value: integer `700`");
}

// i. Timeline entries.

#[test]
fn timeline_entry_with_two_operations() {
    let ws = case("timeline_entry_with_two_operations");
    let err = ws.load_error();
    assert_eq!(
        err,
        format!(
            "{}an entry needs exactly one operation: aws, deploy, push_image or occupy_ips\n",
            ws.at_scenario(28, 5, "timeline[2]")
        )
    );
}

#[test]
fn timeline_entry_after_now() {
    let ws = case("timeline_entry_after_now");
    let err = ws.load_error();
    assert_eq!(
        err,
        format!(
            "{}5m is not before now; timeline times are negative, such as -15m\n",
            ws.at_scenario(28, 9, "timeline[2].at")
        )
    );
}

// j. Files that are not scenarios.

#[test]
fn empty_file() {
    let ws = case("empty_file");
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!("{}missing field `id`", ws.at_scenario(1, 1, "")),
    );
}

fn a_list() -> Workspace {
    case("a_list")
}

#[test]
fn a_list_instead_of_a_mapping() {
    let ws = a_list();
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}invalid type: a list, expected a mapping",
            ws.at_scenario(1, 1, "")
        ),
    );
}

#[test]
fn a_list_instead_of_a_mapping_says_mapping() {
    let err = a_list().load_error();
    assert_contains(&err, "mapping");
    assert!(!err.contains("ScenarioSpec"), "{err}");
}

fn not_utf8() -> Workspace {
    case("not_utf8")
}

fn not_utf8_bytes() -> Vec<u8> {
    let mut bytes = SCENARIO.as_bytes().to_vec();
    let title = b"title: Checkout";
    let at = bytes
        .windows(title.len())
        .position(|w| w == title)
        .expect("a title");
    // `title: Caf\xe9...`: a Latin-1 é, invalid UTF-8, at line 2 column 11.
    bytes.splice(at..at + title.len(), b"title: Caf\xe9".iter().copied());
    bytes
}

#[test]
fn a_file_that_is_not_utf8() {
    let ws = not_utf8();
    let err = ws.load_error();
    assert_starts_with(&err, &format!("{}:", ws.scenario().display()));
    assert_contains(&err, "valid UTF-8");
}

#[test]
fn a_file_that_is_not_utf8_names_the_place() {
    let ws = not_utf8();
    let err = ws.load_error();
    assert_starts_with(&err, &ws.at_scenario(2, 11, ""));
}

#[test]
fn missing_environment_file() {
    let ws = case("missing_environment_file");
    let err = ws.world_error();
    let expected = ws.dir().join("environments").join("shop-staging.yaml");
    assert_eq!(
        err,
        format!(
            "{}no environment file {}\n",
            ws.at_scenario(5, 14, "environment"),
            expected.display()
        )
    );
}

#[test]
fn id_differs_from_the_file_name() {
    let ws = case("id_differs_from_the_file_name");
    let err = ws.load_error();
    assert_eq!(
        err,
        format!(
            "{}id 'nat-route-gone' must match the file name 'nat-route-missing.yaml'\n",
            ws.at_scenario(1, 5, "id")
        )
    );
}

// k. A folder without scenarios.

#[test]
fn a_folder_with_no_scenarios() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(dir.path().join("environments")).expect("environments/");
    std::fs::write(
        dir.path().join("environments").join("shop-prod.yaml"),
        ENVIRONMENT,
    )
    .expect("the environment");
    let d = dir.path().to_str().expect("a UTF-8 path");
    for (args, message) in [
        (vec!["list"], format!("no scenarios (*.yaml) in {d}\n")),
        (
            vec!["validate", "--seeds", "1"],
            format!("no scenarios (*.yaml) to validate in {d}\n"),
        ),
    ] {
        let mut all = vec!["--scenarios", d];
        all.extend(&args);
        let out = crate::support::run(&all);
        assert_eq!(out.code, Some(2), "{args:?}; stderr:\n{}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
        assert_eq!(out.stderr, message, "{args:?}");
    }
    let out = crate::support::run(["--scenarios", d, "show", ID]);
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert_starts_with(&out.stderr, &format!("no scenario '{ID}' in {d}."));
}

#[test]
fn validate_of_an_empty_folder_names_that_folder() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path().to_str().expect("a UTF-8 path");
    let out = crate::support::run(["validate", d, "--seeds", "1"]);
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("no scenarios (*.yaml) to validate in {d}\n")
    );
}

#[test]
fn show_in_a_missing_folder_says_it_cannot_read_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let missing = dir.path().join("nope");
    let d = missing.to_str().expect("a UTF-8 path");
    let out = crate::support::run(["--scenarios", d, "show", ID]);
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert_starts_with(&out.stderr, &format!("cannot read {d}: "));
}

// Bounds: what input may cost.

#[test]
fn a_byte_order_mark_is_not_content() {
    let mut text = "\u{feff}".to_string();
    text.push_str(SCENARIO);
    let ws = Workspace::with_scenario(text);
    let out = ws.run(&["show", ID, "--seed", "1"]);
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
}

#[test]
fn yaml_nested_too_deep_is_refused_at_once() {
    let ws = case("yaml_nested_too_deep_is_refused_at_once");
    let err = ws.load_error();
    assert_starts_with(&err, &format!("{}:4:70: ", ws.scenario().display()));
    assert_contains(&err, "nested more than 64 levels deep");
}

#[test]
fn more_tasks_than_a_service_may_run() {
    let ws = case("more_tasks_than_a_service_may_run");
    let err = ws.world_error();
    assert_starts_with(&err, &ws.at_environment(239, 14, "services[0].desired"));
    assert_contains(
        &err,
        "100000 tasks is more than ECS runs in one service (5000 by default)",
    );
}

#[test]
fn a_pre_history_longer_than_two_days() {
    let ws = case("a_pre_history_longer_than_two_days");
    let err = ws.load_error();
    assert_starts_with(&err, &ws.at_scenario(4, 10, "history"));
    assert_contains(
        &err,
        "99999999h: the pre-history (history before the first timeline entry, plus the timeline) may span at most 48h",
    );
}

#[test]
fn a_hold_beyond_six_hours() {
    let ws = case("a_hold_beyond_six_hours");
    let err = ws.load_error();
    assert_contains(
        &err,
        "success.hold: 999999999h is out of range; expected more than 0 and at most 6h",
    );
}

// A reference path in faultline-only syntax.

#[test]
fn a_reference_path_with_relative_times_is_refused_with_the_placeholders_to_use() {
    let ws = Workspace::with_scenario(edit(
        SCENARIO,
        "  - ecs describe-services --cluster prod --services checkout\n",
        "  - cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --start-time -30m --end-time now --period 60 --statistics Maximum\n",
    ));
    let err = ws.world_error();
    assert_starts_with(&err, &ws.at_scenario(64, 5, "investigation[0]"));
    assert_contains(
        &err,
        "--start-time -30m: the AWS CLI takes an ISO 8601 timestamp or epoch seconds here, not faultline's relative times (use ${ago:30m} and ${now} for times)",
    );
}

// l. A scenario's own profiles.

/// The fixture with `profiles:` (given as its lines) declared just before
/// `timeline:` (`profiles:` on line 20, the first profile's name on line 21).
fn with_profiles(profiles: &str) -> String {
    edit(
        SCENARIO,
        "\ntimeline:\n",
        &format!("\nprofiles:\n{profiles}timeline:\n"),
    )
}

const LEAKY: &str = "  checkout-api-2.4-leaky:\n    entrypoint: /usr/local/bin/checkout-api\n    startup: 14s\n    port: 8080\n    health_path: /healthz\n    memory: {start: 170, growth_per_minute: 900, peak: 2000}\n";

#[test]
fn a_scenario_profile_runs_the_image_the_timeline_pushes() {
    let text = with_profiles(LEAKY);
    let text = edit(
        &text,
        "profile: checkout-api-2.4, size_mb: 146",
        "profile: checkout-api-2.4-leaky, size_mb: 146",
    );
    let ws = Workspace::with_scenario(text);
    let s = faultline::scenario::Scenario::load(&ws.scenario()).expect("loads");
    let inst = s
        .instantiate(1, faultline::scenario::Mode::Incident)
        .expect("instantiates");
    let w = inst.sim.world();
    assert!(w.profiles.contains_key("checkout-api-2.4-leaky"));
    assert!(
        w.profiles.contains_key("checkout-api-2.3"),
        "the environment's profiles are still there"
    );
    // v2.4.0 now runs the scenario's leaking profile: its tasks are OOM-killed.
    assert!(
        w.tasks.values().any(|t| matches!(
            t.stop_cause,
            Some(faultline::engine::StopCause::OutOfMemory { .. })
        )),
        "no task ran the scenario's profile to its memory limit"
    );
}

#[test]
fn a_scenario_profile_may_not_replace_the_environments() {
    let ws = case("a_scenario_profile_may_not_replace_the_environments");
    let err = ws.world_error();
    assert_eq!(
        err,
        format!(
            "{}environment shop-prod already declares profile 'checkout-api-2.3' ({}:136:5); a scenario's profiles add to the environment's and never replace one: give this one a new name (such as 'checkout-api-2.3-nat-route-missing') and push an image that runs it\n",
            ws.at_scenario(22, 5, "profiles[\"checkout-api-2.3\"]"),
            ws.environment().display()
        )
    );
}

#[test]
fn a_scenario_profile_whose_memory_starts_above_its_peak() {
    let ws = case("a_scenario_profile_whose_memory_starts_above_its_peak");
    let err = ws.load_error();
    assert_eq!(
        err,
        format!(
            "{}start (170 MiB) must not exceed peak (100 MiB)\n",
            ws.at_scenario(26, 13, "profiles[\"checkout-api-2.4-leaky\"].memory")
        )
    );
}

#[test]
fn an_unknown_field_in_a_scenario_profile() {
    let ws = case("an_unknown_field_in_a_scenario_profile");
    let err = ws.load_error();
    assert_starts_with(
        &err,
        &format!(
            "{}unknown field `listen`, expected one of ",
            ws.at_scenario(25, 5, "profiles[\"checkout-api-2.4-leaky\"].listen")
        ),
    );
}

#[test]
fn quotas_name_known_codes_and_numbers() {
    let ws = case("a_quota_value_that_is_no_number");
    let err = ws.world_error();
    assert_contains(&err, "quotas[\"L-3032A538\"]");
    assert_contains(
        &err,
        "'lots' is not a quota value: expected a number of 0 or more, such as 40",
    );
    let ws = case("an_unknown_quota_code");
    let err = ws.world_error();
    assert_contains(
        &err,
        "unknown quota code 'L-12345678'; known: L-3032A538, L-36FBB829",
    );
}
