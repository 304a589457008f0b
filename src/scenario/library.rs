//! Where scenarios come from: a folder on disk, or the library built into the
//! binary (the repository's `scenarios/`, embedded by `build.rs`). Built-in
//! files have virtual paths (`scenarios/x.yaml`,
//! `scenarios/environments/y.yaml`) that errors name like real ones. This
//! module only finds and reads files; it does not parse them.

use super::{read, ScenarioError};
use std::fmt;
use std::path::{Path, PathBuf};

/// The built-in files: (virtual path, text), sorted by path.
static BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/library.rs"));

/// The virtual folder of the built-in scenarios.
const BUILT_IN_DIR: &str = "scenarios";

/// A set of scenarios and their environments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Library {
    /// A folder: `*.yaml` scenarios, environments in `environments/`.
    Folder(PathBuf),
    /// The scenarios built into the binary.
    BuiltIn,
    /// Files held in memory, by path (`scenarios/x.yaml`,
    /// `scenarios/environments/y.yaml`): for tests and fuzzing.
    Memory(Vec<(PathBuf, String)>),
}

impl Library {
    /// The scenario files, sorted (environments excluded).
    pub fn files(&self) -> Result<Vec<PathBuf>, String> {
        match self {
            Library::Folder(dir) => super::scenario_files(dir),
            Library::BuiltIn => Ok(BUILT_IN
                .iter()
                .map(|(name, _)| Path::new(name))
                .filter(|p| p.parent() == Some(Path::new(BUILT_IN_DIR)))
                .map(Path::to_path_buf)
                .collect()),
            Library::Memory(files) => {
                let mut v: Vec<PathBuf> = files
                    .iter()
                    .map(|(p, _)| p.clone())
                    .filter(|p| p.parent() == Some(Path::new(BUILT_IN_DIR)))
                    .collect();
                v.sort();
                Ok(v)
            }
        }
    }

    /// The built-in files (scenarios and environments), by virtual path: a
    /// start for a [`Library::Memory`].
    pub fn built_in_files() -> Vec<(PathBuf, String)> {
        BUILT_IN
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect()
    }

    /// The file of the scenario `id` (which may not exist).
    pub fn file(&self, id: &str) -> PathBuf {
        let dir = match self {
            Library::Folder(dir) => dir.as_path(),
            Library::BuiltIn | Library::Memory(_) => Path::new(BUILT_IN_DIR),
        };
        dir.join(format!("{id}.yaml"))
    }

    /// Whether `file` (as [`Library::files`] or [`Library::file`] name it) exists.
    pub fn exists(&self, file: &Path) -> bool {
        match self {
            Library::Folder(_) => file.is_file(),
            Library::BuiltIn => built_in(file).is_some(),
            Library::Memory(files) => files.iter().any(|(p, _)| p == file),
        }
    }

    /// The text of `file`; an error names the file (and the place of bytes that are not UTF-8).
    pub fn read(&self, file: &Path) -> Result<String, ScenarioError> {
        match self {
            Library::Folder(_) => read(file),
            Library::Memory(files) => files
                .iter()
                .find(|(p, _)| p == file)
                .map(|(_, t)| t.clone())
                .ok_or_else(|| ScenarioError {
                    file: file.to_path_buf(),
                    line: 0,
                    column: 0,
                    path: String::new(),
                    message: "cannot read the file: there is no such file".into(),
                }),
            Library::BuiltIn => built_in(file)
                .map(str::to_string)
                .ok_or_else(|| ScenarioError {
                    file: file.to_path_buf(),
                    line: 0,
                    column: 0,
                    path: String::new(),
                    message: "cannot read the file: it is not one of the built-in scenarios".into(),
                }),
        }
    }
}

impl fmt::Display for Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Library::Folder(dir) => write!(f, "{}", dir.display()),
            Library::BuiltIn => f.write_str("the built-in scenarios"),
            Library::Memory(_) => f.write_str("the scenarios in memory"),
        }
    }
}

fn built_in(file: &Path) -> Option<&'static str> {
    BUILT_IN
        .iter()
        .find(|(name, _)| Path::new(name) == file)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_library_is_the_repository_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let on_disk: Vec<String> = super::super::scenario_files(&dir)
            .expect("the scenarios folder")
            .iter()
            .map(|p| format!("scenarios/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
        let built_in: Vec<String> = Library::BuiltIn
            .files()
            .expect("built in")
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(built_in, on_disk);
        for f in Library::BuiltIn.files().unwrap() {
            let disk = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&f))
                .expect("the file on disk");
            assert_eq!(Library::BuiltIn.read(&f).expect("built in"), disk);
        }
    }

    #[test]
    fn built_in_environments_sit_beside_their_scenarios() {
        let lib = Library::BuiltIn;
        assert!(lib.exists(Path::new("scenarios/environments/shop-prod.yaml")));
        assert!(lib.exists(&lib.file("nat-route-missing")));
        assert!(!lib.exists(&lib.file("no-such-scenario")));
        let err = lib
            .read(Path::new("scenarios/nope.yaml"))
            .expect_err("not built in");
        assert_eq!(
            err.to_string(),
            "scenarios/nope.yaml: cannot read the file: it is not one of the built-in scenarios"
        );
    }
}
