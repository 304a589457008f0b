//! The parts' import graph runs one way: each part under `src/` uses only the
//! parts before it in `ORDER` (and the leaf modules), never one after it, so
//! there is no circle. Test code is left out (it may drive any part).

use std::collections::BTreeSet;
use std::path::Path;

/// The parts, lowest first.
const ORDER: &[&str] = &[
    "world", "engine", "aws", "awscli", "scenario", "game", "gameday", "serve", "cli", "watch",
    "repl",
];

/// Modules any part may use: no dependencies of their own on the parts.
const LEAVES: &[&str] = &["time", "error", "limits", "suggest", "paint", "token"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("a source folder") {
        let p = e.expect("an entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_part_imports_only_the_parts_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = BTreeSet::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let name = rel.file_name().unwrap().to_string_lossy();
        if name == "tests.rs" || name == "testkit.rs" {
            continue;
        }
        let part = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(rank) = ORDER.iter().position(|p| *p == part) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).unwrap();
        // Production code only: up to the first test module.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for line in code.lines() {
            let line = line.split("//").next().unwrap();
            for (i, _) in line.match_indices("crate::") {
                let used: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if used == part || LEAVES.contains(&used.as_str()) {
                    continue;
                }
                match ORDER.iter().position(|p| *p == used) {
                    Some(r) if r < rank => {}
                    _ => {
                        wrong.insert(format!("{} uses crate::{used}", rel.display()));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or sideways:\n{wrong:#?}"
    );
}
