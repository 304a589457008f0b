//! The scenarios travel with the binary: from a folder with no `scenarios/`,
//! `list`, `show` and `play` use the ones built in; a `./scenarios` folder,
//! when there is one, is used instead.

use crate::support::{assert_starts_with, faultline, repo_scenarios, Output, ID};
use faultline::scenario::scenario_files;
use std::path::Path;
use tempfile::TempDir;

/// Runs `faultline <args>` in `dir`, feeding it `stdin`.
fn run_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let out = faultline()
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("faultline runs");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A temporary folder with no `scenarios/` in it.
fn elsewhere() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    assert!(!dir.path().join("scenarios").exists());
    dir
}

/// The ids of the repository's scenarios, sorted.
fn repo_ids() -> Vec<String> {
    scenario_files(&repo_scenarios())
        .expect("the scenarios folder")
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The ids of a `list` output (the first word of each row after the header).
fn listed(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn list_from_elsewhere_shows_every_built_in_scenario() {
    let dir = elsewhere();
    let out = run_in(dir.path(), &["list"], "");
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(out.stderr, "");
    let ids = listed(&out.stdout);
    assert_eq!(ids, repo_ids(), "list:\n{}", out.stdout);
    assert_eq!(
        ids.len(),
        35,
        "the library has 35 scenarios:\n{}",
        out.stdout
    );
}

#[test]
fn play_from_elsewhere_starts_a_built_in_scenario() {
    let dir = elsewhere();
    let out = run_in(dir.path(), &["play", ID, "--seed", "1"], "quit\n");
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_starts_with(
        &out.stdout,
        "faultline — Checkout deploy stuck waiting for stability (difficulty 2, seed 1)\n",
    );
    assert!(
        out.stdout.contains("Leaving the incident after 1 command "),
        "{}",
        out.stdout
    );
}

#[test]
fn show_from_elsewhere_matches_show_in_the_repository() {
    let dir = elsewhere();
    let built_in = run_in(dir.path(), &["show", ID, "--seed", "2"], "");
    assert_eq!(built_in.code, Some(0), "stderr:\n{}", built_in.stderr);
    let repo = repo_scenarios();
    let folder = run_in(
        dir.path(),
        &[
            "--scenarios",
            repo.to_str().unwrap(),
            "show",
            ID,
            "--seed",
            "2",
        ],
        "",
    );
    assert_eq!(built_in.stdout, folder.stdout);
}

#[test]
fn an_unknown_id_names_the_built_in_scenarios() {
    let dir = elsewhere();
    let out = run_in(dir.path(), &["show", "nat-route-misisng"], "");
    assert_eq!(out.code, Some(2), "stderr:\n{}", out.stderr);
    assert_starts_with(
        &out.stderr,
        "no scenario 'nat-route-misisng' in the built-in scenarios. Did you mean 'nat-route-missing'? Known: ",
    );
}

#[test]
fn a_scenarios_folder_in_the_current_folder_comes_first() {
    let dir = elsewhere();
    let local = dir.path().join("scenarios");
    std::fs::create_dir_all(local.join("environments")).expect("scenarios/environments/");
    std::fs::write(
        local.join(format!("{ID}.yaml")),
        crate::support::SCENARIO.replace(
            "title: Checkout deploy stuck waiting for stability",
            "title: A local copy",
        ),
    )
    .expect("the scenario");
    std::fs::write(
        local.join("environments").join("shop-prod.yaml"),
        crate::support::ENVIRONMENT,
    )
    .expect("the environment");
    let out = run_in(dir.path(), &["list"], "");
    assert_eq!(out.code, Some(0), "stderr:\n{}", out.stderr);
    assert_eq!(listed(&out.stdout), [ID]);
    assert!(out.stdout.contains("A local copy"), "{}", out.stdout);
}
