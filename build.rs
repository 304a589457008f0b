//! Embeds the shipped scenarios (`scenarios/*.yaml` and
//! `scenarios/environments/*.yaml`) in the binary, so `faultline` plays from
//! any folder once installed. Writes `$OUT_DIR/library.rs`: a sorted table of
//! (virtual path, `include_str!` of the file), read by `scenario::library`.
//!
//! Also names the commit the binary is built from, for `faultline --version`:
//! `FAULTLINE_COMMIT` is `commit <hash>` from git, or the variable of that
//! name when the builder sets it (a packager), or `commit unknown` when
//! neither is there (a source tarball).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folders embedded, relative to the package root (also the virtual paths).
const FOLDERS: [&str; 2] = ["scenarios", "scenarios/environments"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    commit(&root);
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for folder in FOLDERS {
        // A folder is scanned as a whole: any file added, removed or edited reruns this.
        println!("cargo:rerun-if-changed={folder}");
        files.extend(yaml_files(&root, folder));
    }
    files.sort();
    let mut table = String::from("&[\n");
    for (name, path) in &files {
        let path = path.to_str().unwrap_or_else(|| {
            panic!("{}: the path is not UTF-8 text", path.display());
        });
        let _ = writeln!(table, "    ({name:?}, include_str!({path:?})),");
    }
    table.push(']');
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("library.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

/// The `*.yaml`/`*.yml` files directly in `root/folder`, as (virtual path, path).
fn yaml_files(root: &Path, folder: &str) -> Vec<(String, PathBuf)> {
    let dir = root.join(folder);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        let is_yaml = path.extension().is_some_and(|x| x == "yaml" || x == "yml");
        if !is_yaml || !path.is_file() {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_else(|| panic!("{}: the name is not UTF-8 text", path.display()));
        out.push((format!("{folder}/{name}"), path.clone()));
    }
    out
}

/// Sets `FAULTLINE_COMMIT` for the crate, and reruns when HEAD moves.
fn commit(root: &Path) {
    println!("cargo:rerun-if-env-changed=FAULTLINE_COMMIT");
    if let Some(given) = std::env::var("FAULTLINE_COMMIT")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        println!("cargo:rustc-env=FAULTLINE_COMMIT=commit {}", given.trim());
        return;
    }
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !text.is_empty()).then_some(text)
    };
    let hash = git(&["rev-parse", "--short=12", "HEAD"]);
    // HEAD, the branch it names, and packed refs: any commit or checkout moves one of them.
    // (Only files that exist: a missing one would rerun this on every build.)
    let watch = |path: String| {
        if Path::new(&path).is_file() {
            println!("cargo:rerun-if-changed={path}");
        }
    };
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        watch(format!("{dir}/HEAD"));
    }
    if let Some(common) = git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]) {
        watch(format!("{common}/packed-refs"));
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch(format!("{common}/{branch}"));
        }
    }
    let text = match hash {
        Some(h) => format!("commit {h}"),
        None => "commit unknown".to_string(),
    };
    println!("cargo:rustc-env=FAULTLINE_COMMIT={text}");
}
