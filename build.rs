//! Embeds the shipped scenarios (`scenarios/*.yaml` and
//! `scenarios/environments/*.yaml`) in the binary, so `faultline` plays from
//! any folder once installed. Writes `$OUT_DIR/library.rs`: a sorted table of
//! (virtual path, `include_str!` of the file), read by `scenario::library`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The folders embedded, relative to the package root (also the virtual paths).
const FOLDERS: [&str; 2] = ["scenarios", "scenarios/environments"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
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
