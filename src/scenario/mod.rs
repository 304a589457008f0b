//! Scenarios: the YAML format, loading with precise errors (file, line,
//! column, field path, what was expected), seeded variation, running the
//! timeline into a live simulation, and `validate`.
//!
//! A scenario never writes symptom text: it changes the world, and the engine
//! produces what the player sees.

pub mod build;
pub mod causes;
pub mod format;
pub mod library;
pub mod live;
pub mod locate;
pub mod schema;
pub mod validate;

use crate::engine::Sim;
use crate::time::{days_from_civil, Dur, Millis, HOUR, MINUTE, SECOND};
use crate::world::{short_name, Rng, TaskDefinitionInput};
use build::PathError;
use format::{Environment, ScenarioSpec, TimelineEntry};
pub use library::Library;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// An error in a scenario or environment file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// Field path (may be empty).
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

fn at_path(file: &Path, text: &str, path: &str, message: String) -> ScenarioError {
    let pos = locate::locate_str(text, path);
    ScenarioError {
        file: file.to_path_buf(),
        line: pos.map(|p| p.line).unwrap_or(0),
        column: pos.map(|p| p.column).unwrap_or(0),
        path: path.to_string(),
        message,
    }
}

/// Parses YAML text into `T`, with the failing field's path and place.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, ScenarioError> {
    // A byte-order mark is not content (editors on Windows add one).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some((line, column)) = crate::limits::yaml_too_deep(text) {
        return Err(ScenarioError {
            file: file.to_path_buf(),
            line,
            column,
            path: String::new(),
            message: format!(
                "nested more than {} levels deep; scenario and environment files nest a handful",
                crate::limits::MAX_NESTING
            ),
        });
    }
    let de = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        // serde_path_to_error writes `?` for steps it could not name (syntax errors).
        let plain = e.path().to_string();
        let mut path = path_text(e.path());
        while let Some(p) = path.strip_suffix(".?").or_else(|| path.strip_suffix('?')) {
            path = p.to_string();
        }
        if path == "." {
            path.clear();
        }
        let inner = e.inner();
        let mut message = inner.to_string();
        // The YAML library may start its message with the path, and end its
        // first sentence with the place; both are given in front instead.
        if let Some((head, rest)) = message.split_once(": ") {
            let is_path_prefix = !head.is_empty()
                && !head.contains(' ')
                && (head == "." || path.starts_with(head) || plain.starts_with(head));
            if is_path_prefix {
                message = rest.to_string();
            }
        }
        if let Some(loc) = inner.location() {
            let place = format!(" at line {} column {}", loc.line(), loc.column());
            message = message.replacen(&place, "", 1);
        }
        message = friendly_types(&message);
        let mut pos = inner.location().map(|l| (l.line(), l.column()));
        if let Some(key) = message
            .strip_prefix("duplicate field `")
            .and_then(|m| m.split('`').next())
        {
            pos = second_occurrence(text, key).or(pos);
            path = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
        }
        let (line, column) = pos
            .or_else(|| locate::locate_str(text, &path).map(|p| (p.line, p.column)))
            .unwrap_or((0, 0));
        ScenarioError {
            file: file.to_path_buf(),
            line,
            column,
            path,
            message,
        }
    })
}

/// A deserializer's path as the loader writes paths (`services[0].grace`),
/// with a key that holds dots or brackets quoted (`profiles["api-2.3"].port`).
fn path_text(p: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in p.iter() {
        let key = match seg {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                continue;
            }
            Segment::Map { key } if key.contains(['.', '[', ']']) => {
                out.push_str(&format!("[\"{key}\"]"));
                continue;
            }
            Segment::Map { key } => key.as_str(),
            Segment::Enum { variant } => variant.as_str(),
            Segment::Unknown => "?",
        };
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    }
    out
}

/// Replaces Rust type names in serde messages with what an author writes.
fn friendly_types(message: &str) -> String {
    let mut out = message.to_string();
    while let Some(i) = out.find("expected struct ") {
        let rest = &out[i + "expected struct ".len()..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        out.replace_range(
            i..i + "expected struct ".len() + end,
            "expected a mapping of fields (key: value)",
        );
    }
    out.replace("expected a sequence", "expected a list")
        .replace("invalid type: sequence", "invalid type: a list")
}

/// Line and column of the second `key:` at the indentation of the first (a repeated key).
fn second_occurrence(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut first_indent = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_key = trimmed
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'));
        if !is_key {
            continue;
        }
        match first_indent {
            None => first_indent = Some(indent),
            Some(i) if i == indent => return Some((n + 1, indent + 1)),
            _ => {}
        }
    }
    None
}

fn read(file: &Path) -> Result<String, ScenarioError> {
    let fail = |line: usize, column: usize, message: String| ScenarioError {
        file: file.to_path_buf(),
        line,
        column,
        path: String::new(),
        message,
    };
    let bytes =
        std::fs::read(file).map_err(|e| fail(0, 0, format!("cannot read the file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good
            .iter()
            .rposition(|b| *b == b'\n')
            .map(|p| p + 1)
            .unwrap_or(0);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        fail(
            line,
            column,
            "the file is not valid UTF-8 text; save it as UTF-8".into(),
        )
    })
}

/// A loaded scenario with its environment.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario.
    pub spec: ScenarioSpec,
    /// Its environment.
    pub env: Environment,
    /// Scenario file.
    pub file: PathBuf,
    /// Scenario text.
    text: String,
    /// Environment file.
    pub env_file: PathBuf,
    /// Environment text.
    env_text: String,
}

/// What part of the timeline to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything: the incident as the player meets it.
    Incident,
    /// Without the entries marked `fault` (validation's healthy baseline).
    Baseline,
    /// The environment alone, no timeline entry nor decoy: the sandbox
    /// `faultline serve --sandbox-stack` stands for, onto which `live start`
    /// applies the timeline and the decoys itself.
    Environment,
}

/// One timeline entry as it was applied.
#[derive(Debug, Clone)]
pub struct Applied {
    /// When (virtual).
    pub at: Millis,
    /// Its note.
    pub note: String,
    /// Whether it was a fault.
    pub fault: bool,
    /// Whether it was a decoy.
    pub decoy: bool,
    /// The operation, as text.
    pub op: String,
    /// The AWS error that refused it (`refused: true` entries: history AWS refused).
    pub refused: Option<String>,
}

/// What a seed chooses in a scenario ([`Scenario::choose`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// The instant the player arrives (virtual).
    pub now: Millis,
    /// Variable values.
    pub vars: BTreeMap<String, String>,
    /// The decoys applied: indices into `decoys.from`.
    pub decoys: Vec<usize>,
}

/// A scenario instantiated with a seed: the simulation at "now".
#[derive(Debug, Clone)]
pub struct Instance {
    /// The simulation, its clock at now.
    pub sim: Sim,
    /// The instant the player arrives.
    pub now: Millis,
    /// The seed.
    pub seed: u64,
    /// Variable values chosen by the seed.
    pub vars: BTreeMap<String, String>,
    /// What the timeline did.
    pub applied: Vec<Applied>,
    /// The answer's cause id (`${stopped-task}` prefers a task that shows it).
    pub cause: String,
}

impl Instance {
    /// Resolves placeholders against this instance's world and variables.
    ///
    /// Besides the world's names, `${stopped-task}` is the id of the most
    /// recently stopped task (for reference investigations).
    pub fn resolve(&self, text: &str) -> Result<String, String> {
        let mut text = text.to_string();
        if text.contains("${stopped-task}") {
            let stopped = || {
                self.sim
                    .world()
                    .tasks
                    .values()
                    .filter(|t| t.desired_status == crate::world::TaskStatus::Stopped)
            };
            let newest = |it: &mut dyn Iterator<Item = &crate::world::Task>| {
                it.max_by_key(|t| (t.stopping_at, t.id.clone()))
                    .map(|t| t.id.clone())
            };
            // The newest task showing the answer's symptom, else the newest stopped task.
            let t = newest(&mut stopped().filter(|t| {
                t.stop_cause
                    .as_ref()
                    .is_some_and(|c| causes::shows(&self.cause, c))
            }))
            .or_else(|| newest(&mut stopped()))
            .ok_or("no stopped task to stand for ${stopped-task}")?;
            text = text.replace("${stopped-task}", &t);
        }
        let text = build::resolve_times(&text, self.now)?;
        build::resolve(self.sim.world(), &self.vars, &text)
    }
}

/// Records the calls a `docker push` makes that CloudTrail keeps: ECR's
/// PutImage, once per tag (the layer uploads are data, not management, events).
fn record_push(sim: &mut Sim, repository: &str, tags: &[String]) {
    let now = sim.now();
    let registry = sim.world().account.clone();
    let digest = sim
        .world()
        .repositories
        .get(repository)
        .and_then(|r| r.images.last())
        .map(|i| i.digest.clone())
        .unwrap_or_default();
    for tag in tags {
        let request = serde_json::json!({
            "repositoryName": repository,
            "imageTag": tag,
            "registryId": registry,
            "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
        });
        let response = serde_json::json!({
            "image": {
                "registryId": registry,
                "repositoryName": repository,
                "imageId": {"imageDigest": digest, "imageTag": tag},
                "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
            }
        });
        sim.trail_mut()
            .record(now, "ecr", "PutImage", request, Ok(response));
    }
}

/// Default virtual length of history before the first timeline entry.
const DEFAULT_HISTORY: Millis = 2 * HOUR;

/// A scenario file's text, for placing errors in it.
#[derive(Clone, Copy)]
struct SpecFile<'a> {
    file: &'a Path,
    text: &'a str,
}

impl SpecFile<'_> {
    fn err(&self, path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        at_path(self.file, self.text, &path.into(), message.into())
    }
}

/// Reads and parses a scenario file and checks its id against the file name.
fn read_spec(lib: &Library, file: &Path) -> Result<(ScenarioSpec, String), ScenarioError> {
    let text = lib.read(file)?;
    let spec: ScenarioSpec = parse_yaml(file, &text)?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if spec.id != stem {
        return Err(at_path(
            file,
            &text,
            "id",
            format!("id '{}' must match the file name '{stem}.yaml'", spec.id),
        ));
    }
    Ok((spec, text))
}

/// Reads a scenario file on its own and checks what needs no world: its
/// syntax and fields, its id, and the rules of the format. The environment is
/// not read and nothing is simulated (what `list` needs: id, title, difficulty, tags).
pub fn load_spec(lib: &Library, file: &Path) -> Result<ScenarioSpec, ScenarioError> {
    let (spec, text) = read_spec(lib, file)?;
    check_static(&spec, SpecFile { file, text: &text })?;
    Ok(spec)
}

impl Scenario {
    /// Loads a scenario file and the environment it names (from `environments/` beside it),
    /// and proves it instantiates at seed 0.
    pub fn load(file: &Path) -> Result<Scenario, ScenarioError> {
        let dir = file.parent().unwrap_or(Path::new("."));
        Scenario::load_from(&Library::Folder(dir.to_path_buf()), file)
    }

    /// [`Scenario::load`] for a file of `lib`.
    pub fn load_from(lib: &Library, file: &Path) -> Result<Scenario, ScenarioError> {
        let s = Scenario::open(lib, file)?;
        s.incident(0)?;
        Ok(s)
    }

    /// Loads a scenario file of `lib` and its environment, and checks what needs
    /// no world; nothing is simulated. [`Scenario::incident`] does the rest of
    /// [`Scenario::load`]'s checks at the seed it is given.
    pub fn open(lib: &Library, file: &Path) -> Result<Scenario, ScenarioError> {
        let (spec, text) = read_spec(lib, file)?;
        let env_file = file
            .parent()
            .unwrap_or(Path::new("."))
            .join("environments")
            .join(format!("{}.yaml", spec.environment));
        if !lib.exists(&env_file) {
            return Err(at_path(
                file,
                &text,
                "environment",
                format!("no environment file {}", env_file.display()),
            ));
        }
        let env_text = lib.read(&env_file)?;
        let env: Environment = parse_yaml(&env_file, &env_text)?;
        let s = Scenario {
            spec,
            env,
            file: file.to_path_buf(),
            text,
            env_file,
            env_text,
        };
        check_static(&s.spec, s.spec_file())?;
        s.check_profiles()?;
        live::check(&s)?;
        for (i, svc) in s.env.services.iter().enumerate() {
            if svc.desired > crate::limits::MAX_DESIRED {
                return Err(at_path(
                    &s.env_file,
                    &s.env_text,
                    &format!("services[{i}].desired"),
                    format!(
                        "{} tasks is more than ECS runs in one service ({} by default)",
                        svc.desired,
                        crate::limits::MAX_DESIRED
                    ),
                ));
            }
        }
        Ok(s)
    }

    /// The scenario's own profiles add names to the environment's: one the
    /// environment already declares is refused (overriding it would change
    /// the environment's baseline for this scenario only, and silently).
    fn check_profiles(&self) -> Result<(), ScenarioError> {
        for name in self.spec.profiles.keys() {
            if !self.env.profiles.contains_key(name) {
                continue;
            }
            let theirs = at_path(
                &self.env_file,
                &self.env_text,
                &format!("profiles[\"{name}\"]"),
                String::new(),
            );
            return Err(self.err(
                format!("profiles[\"{name}\"]"),
                format!(
                    "environment {} already declares profile '{name}' ({}:{}:{}); a scenario's profiles add to the environment's and never replace one: give this one a new name (such as '{name}-{}') and push an image that runs it",
                    self.spec.environment,
                    theirs.file.display(),
                    theirs.line,
                    theirs.column,
                    self.spec.id,
                ),
            ));
        }
        Ok(())
    }

    /// The incident at `seed` (as [`Scenario::instantiate`] in [`Mode::Incident`]),
    /// with every placeholder of the answer, investigation, fix, hints and
    /// briefing proven to name something of its world.
    pub fn incident(&self, seed: u64) -> Result<Instance, ScenarioError> {
        let inst = self.instantiate(seed, Mode::Incident)?;
        self.check_references(&inst)?;
        Ok(inst)
    }

    /// Turns a path error into a placed error in the right file.
    pub fn place(&self, e: PathError) -> ScenarioError {
        if e.in_env {
            at_path(&self.env_file, &self.env_text, &e.path, e.message)
        } else {
            at_path(&self.file, &self.text, &e.path, e.message)
        }
    }

    fn spec_file(&self) -> SpecFile<'_> {
        SpecFile {
            file: &self.file,
            text: &self.text,
        }
    }

    fn err(&self, path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        self.spec_file().err(path, message)
    }

    /// Every placeholder in the answer, investigation, fix and hints names something of the world.
    fn check_references(&self, inst: &Instance) -> Result<(), ScenarioError> {
        let s = &self.spec;
        let also: Vec<&String> = s.answer.also.iter().flat_map(|o| &o.culprits).collect();
        let lists: [(&str, Vec<&String>); 5] = [
            ("answer.culprits", s.answer.culprits.iter().collect()),
            ("answer.also.culprits", also),
            ("investigation", s.investigation.iter().collect()),
            ("fix", s.fix.iter().collect()),
            ("hints", vec![]),
        ];
        for (field, items) in lists {
            for (i, text) in items.into_iter().enumerate() {
                let probe = build::resolve_times(&text.replace("${stopped-task}", "0"), inst.now)
                    .map_err(|m| self.err(format!("{field}[{i}]"), m))?;
                let resolved = build::resolve(inst.sim.world(), &inst.vars, &probe)
                    .map_err(|m| self.err(format!("{field}[{i}]"), m))?;
                // What a scenario teaches must run on the real AWS CLI: no
                // faultline-only syntax such as relative times.
                if field == "investigation" || field == "fix" {
                    crate::awscli::command::cli_compatible(&resolved, &inst.sim.world().region)
                        .map_err(|m| {
                            self.err(
                                format!("{field}[{i}]"),
                                format!("{m} (use ${{ago:30m}} and ${{now}} for times)"),
                            )
                        })?;
                }
            }
        }
        for (i, h) in s.hints.iter().enumerate() {
            let text = build::resolve_times(&h.text, inst.now)
                .map_err(|m| self.err(format!("hints[{i}].text"), m))?;
            build::resolve(inst.sim.world(), &inst.vars, &text)
                .map_err(|m| self.err(format!("hints[{i}].text"), m))?;
        }
        build::resolve(inst.sim.world(), &inst.vars, &s.answer.explanation)
            .map_err(|m| self.err("answer.explanation", m))?;
        build::resolve(inst.sim.world(), &inst.vars, &s.briefing)
            .map_err(|m| self.err("briefing", m))?;
        Ok(())
    }

    /// The scenario's id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// What `seed` chooses, without building a world: the instant the
    /// player arrives, the variables' values and the decoys (indices into
    /// `decoys.from`, in the order chosen).
    pub fn choose(&self, seed: u64) -> Choices {
        let mut choices = Rng::new(seed ^ 0x05ee_dc40_1ce5_u64);
        // Now: a weekday afternoon in March 2026, varied by the seed.
        let base = days_from_civil(2026, 3, 2) * 24 * HOUR;
        let now = base
            + choices.below(14) as i64 * 24 * HOUR
            + (9 + choices.below(9) as i64) * HOUR
            + choices.below(60) as i64 * MINUTE;
        let mut vars: BTreeMap<String, String> = self
            .spec
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), choices.pick(v).cloned().unwrap_or_default()))
            .collect();
        if let Some(variant) = choices.pick(&self.spec.variants) {
            vars.extend(variant.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let decoys = match &self.spec.decoys {
            Some(d) => choices.choose_indices(d.from.len(), d.pick),
            None => Vec::new(),
        };
        Choices { now, vars, decoys }
    }

    /// Builds the world for `seed` and runs the timeline up to now.
    pub fn instantiate(&self, seed: u64, mode: Mode) -> Result<Instance, ScenarioError> {
        let Choices { now, vars, decoys } = self.choose(seed);
        let mut entries: Vec<(usize, bool, &TimelineEntry, String)> = self
            .spec
            .timeline
            .iter()
            .enumerate()
            .map(|(i, e)| (i, false, e, format!("timeline[{i}]")))
            .collect();
        if let Some(d) = &self.spec.decoys {
            for i in decoys {
                entries.push((i, true, &d.from[i], format!("decoys.from[{i}]")));
            }
        }
        match mode {
            Mode::Incident => {}
            Mode::Baseline => entries.retain(|e| !e.2.fault),
            Mode::Environment => entries.clear(),
        }
        entries.sort_by_key(|e| (e.2.at.0, e.1, e.0));
        let history = self.spec.history.map(|d| d.0).unwrap_or(DEFAULT_HISTORY);
        let first = self.spec.timeline.iter().map(|e| e.at.0).min().unwrap_or(0);
        let start = now + first - history;
        let mut world = build::build_world(&self.env, seed, start).map_err(|e| self.place(e))?;
        // The scenario's own profiles, checked by `open` not to clash.
        for (name, p) in &self.spec.profiles {
            world
                .profiles
                .entry(name.clone())
                .or_insert_with(|| p.clone());
        }
        for (code, value) in &self.spec.quotas {
            let path = format!("quotas[\"{code}\"]");
            if !crate::aws::sim::service_quotas::QUOTAS
                .iter()
                .any(|q| q.2 == code)
            {
                let known: Vec<&str> = crate::aws::sim::service_quotas::QUOTAS
                    .iter()
                    .map(|q| q.2)
                    .collect();
                return Err(self.err(
                    &path,
                    format!("unknown quota code '{code}'; known: {}", known.join(", ")),
                ));
            }
            let text = build::resolve(&world, &vars, value).map_err(|m| self.err(&path, m))?;
            let v: f64 = text
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    self.err(
                        &path,
                        format!("'{text}' is not a quota value: expected a number of 0 or more, such as 40"),
                    )
                })?;
            world.quotas.insert(code.clone(), v);
        }
        let mut sim = Sim::new(world, start);
        build::create_services(&mut sim, &self.env).map_err(|e| self.place(e))?;
        let mut applied = Vec::new();
        for (_, decoy, e, path) in entries {
            let at = now + e.at.0;
            sim.run_until(at)
                .map_err(|m| self.err(&path, format!("seed {seed}: {m}")))?;
            let by = e.by.unwrap_or(if e.aws.is_some() {
                format::By::Engineer
            } else {
                format::By::Pipeline
            });
            sim.trail_mut().actor = by.actor();
            let applied_entry = self.apply_entry(&mut sim, &vars, e, &path);
            sim.trail_mut().actor = crate::world::Actor::Player;
            let (op, refused) = applied_entry?;
            let note = build::resolve(sim.world(), &vars, &e.note)
                .map_err(|m| self.err(format!("{path}.note"), m))?;
            applied.push(Applied {
                at,
                note,
                fault: e.fault,
                decoy,
                op,
                refused,
            });
        }
        sim.run_until(now)
            .map_err(|m| self.err("timeline", format!("seed {seed}: {m}")))?;
        Ok(Instance {
            sim,
            now,
            seed,
            vars,
            applied,
            cause: self.spec.answer.cause.clone(),
        })
    }

    /// Whether an applied entry was refused by AWS, with its error.
    pub fn refusal(a: &Applied) -> Option<&str> {
        a.refused.as_deref()
    }

    fn apply_entry(
        &self,
        sim: &mut Sim,
        vars: &BTreeMap<String, String>,
        e: &TimelineEntry,
        path: &str,
    ) -> Result<(String, Option<String>), ScenarioError> {
        let resolve = |sim: &Sim, p: &str, t: &str| {
            build::resolve(sim.world(), vars, t).map_err(|m| self.err(p, m))
        };
        if let Some(line) = &e.aws {
            let p = format!("{path}.aws");
            let line = resolve(sim, &p, line)?;
            match (crate::awscli::command::write(sim, &line), e.refused) {
                (Ok(_), false) => return Ok((line, None)),
                (Err(err), true) => return Ok((line, Some(err.to_string()))),
                (Ok(_), true) => {
                    return Err(self.err(&p, "marked `refused: true`, but AWS accepted it"))
                }
                (Err(err), false) => return Err(self.err(&p, err.to_string())),
            }
        }
        if let Some(d) = &e.deploy {
            let p = format!("{path}.deploy");
            let svc = sim.world().service(&d.cluster, &d.service).ok_or_else(|| {
                self.err(
                    &p,
                    format!("no service '{}' in cluster '{}'", d.service, d.cluster),
                )
            })?;
            let td = sim
                .world()
                .task_definition(&svc.task_definition)
                .ok_or_else(|| self.err(&p, "the service's task definition is gone"))?;
            let mut v = serde_json::to_value(&td.def).map_err(|m| self.err(&p, m.to_string()))?;
            for (k, val) in &d.set {
                let mut val = val.clone();
                build::resolve_json(sim.world(), vars, &mut val)
                    .map_err(|m| self.err(format!("{p}.set.{k}"), m))?;
                set_path(&mut v, k, Some(val)).map_err(|m| self.err(format!("{p}.set.{k}"), m))?;
            }
            for (j, k) in d.unset.iter().enumerate() {
                set_path(&mut v, k, None).map_err(|m| self.err(format!("{p}.unset[{j}]"), m))?;
            }
            let def: TaskDefinitionInput = serde_json::from_value(v).map_err(|m| {
                self.err(&p, format!("the changed task definition is invalid: {m}"))
            })?;
            // The pipeline's two calls: RegisterTaskDefinition, then UpdateService.
            let register = serde_json::from_value(
                serde_json::to_value(&def).map_err(|m| self.err(&p, m.to_string()))?,
            )
            .map_err(|m: serde_json::Error| self.err(&p, m.to_string()))
            .and_then(|input| {
                crate::aws::account::write_request("ecs", "register-task-definition", input)
                    .map_err(|m| self.err(&p, m.to_string()))
            })?;
            let registered = crate::aws::Account::write(sim, &register).map(|v| {
                let td = &v["taskDefinition"];
                (
                    td["family"].as_str().unwrap_or_default().to_string(),
                    td["revision"].as_u64().unwrap_or_default(),
                )
            });
            let (family, revision) = match (registered, e.refused) {
                (Ok(td), false) => td,
                // The pipeline's RegisterTaskDefinition call was refused: nothing was deployed.
                (Err(m), true) => {
                    return Ok((
                        format!("ecs register-task-definition ({})", d.service),
                        Some(m.to_string()),
                    ))
                }
                (Ok(_), true) => {
                    return Err(self.err(
                        &p,
                        "marked `refused: true`, but AWS accepted the task definition",
                    ))
                }
                (Err(m), false) => return Err(self.err(&p, m.to_string())),
            };
            let family_revision = format!("{family}:{revision}");
            let update = crate::aws::Input::new()
                .with("cluster", d.cluster.as_str())
                .with("service", d.service.as_str())
                .with("taskDefinition", family_revision.as_str());
            let req = crate::aws::account::write_request("ecs", "update-service", update)
                .map_err(|m| self.err(&p, m.to_string()))?;
            crate::aws::Account::write(sim, &req).map_err(|m| self.err(&p, m.to_string()))?;
            let line = format!(
                "ecs update-service --cluster {} --service {} --task-definition {family_revision}",
                d.cluster, d.service,
            );
            return Ok((
                format!(
                    "ecs register-task-definition (family {family}, revision {revision}) && {line}"
                ),
                None,
            ));
        }
        if let Some(pi) = &e.push_image {
            let p = format!("{path}.push_image");
            let mut im = pi.image.clone();
            im.pushed = Some(Dur(0));
            sim.change(|c| {
                build::push_image(
                    c.world,
                    &pi.repository,
                    &im,
                    c.now,
                    &format!("{p}.image"),
                    false,
                )
            })
            .map_err(|e| self.place(e))?;
            record_push(sim, &pi.repository, &pi.image.tags);
            return Ok((
                format!(
                    "docker push {}/{}:{}",
                    sim.world().registry(),
                    pi.repository,
                    pi.image.tags.join(",")
                ),
                None,
            ));
        }
        if let Some(o) = &e.occupy_ips {
            let p = format!("{path}.occupy_ips");
            let subnet = resolve(sim, &format!("{p}.subnet"), &o.subnet)?;
            let sid = sim
                .world()
                .name(&format!("subnet:{subnet}"))
                .map(|s| s.to_string())
                .ok_or_else(|| {
                    self.err(format!("{p}.subnet"), format!("no subnet named '{subnet}'"))
                })?;
            // `${uuid}` is fresh for every interface (AWS descriptions often carry one).
            let template = o.description.replace("${uuid}", "\u{0}");
            let desc = resolve(sim, &format!("{p}.description"), &template)?;
            let n = sim.mutate(|c| {
                let mut n = 0;
                while c.world.available_ips(&sid) > o.leave as u64 {
                    let uuid = c.world.rng.uuid();
                    let d = desc.replace('\u{0}', &uuid);
                    // Another workload's interfaces carry its security groups:
                    // here the VPC's default group.
                    let groups = c.world.effective_security_groups(&sid, &[]);
                    if c.world
                        .create_eni(
                            &sid,
                            crate::world::workload_owner(&d, &uuid),
                            d.clone(),
                            crate::world::interface_type_for(&d),
                            groups,
                        )
                        .is_none()
                    {
                        break;
                    }
                    n += 1;
                }
                n
            });
            let desc = desc.replace('\u{0}', "<uuid>");
            return Ok((
                format!("{n} network interfaces created in {sid} ({desc})"),
                None,
            ));
        }
        Err(self.err(path, "no operation"))
    }

    /// Hold time of the success condition.
    pub fn hold(&self) -> Millis {
        self.spec.success.hold.map(|d| d.0).unwrap_or(5 * MINUTE)
    }

    /// Bound on healing time after the reference fix.
    pub fn within(&self) -> Millis {
        self.spec.success.within.map(|d| d.0).unwrap_or(30 * MINUTE)
    }

    /// Whether the success condition holds at the instance's current time.
    pub fn success_holds(&self, inst: &Instance) -> bool {
        let s = &self.spec.success;
        let steady = self.steady_holds(inst);
        let image_ok = match &s.image {
            None => true,
            Some(img) => {
                let want = inst.resolve(img).unwrap_or_else(|_| img.clone());
                let svc = inst.sim.world().service(&s.cluster, &s.service);
                svc.is_some_and(|svc| {
                    svc.sched
                        .live
                        .iter()
                        .filter_map(|id| inst.sim.world().tasks.get(id))
                        .all(|t| t.containers.iter().any(|c| c.image == want))
                })
            }
        };
        steady && image_ok
    }

    /// Whether the success service has held steady state for the hold time (the
    /// success condition without its image requirement: what a healthy baseline shows).
    pub fn steady_holds(&self, inst: &Instance) -> bool {
        let s = &self.spec.success;
        inst.sim
            .steady_since(&s.cluster, &s.service)
            .is_some_and(|t| inst.sim.now() - t >= self.hold())
    }

    /// Runs forward up to `bound` until the success condition holds; returns when it did.
    pub fn run_until_healed(
        &self,
        inst: &mut Instance,
        bound: Millis,
    ) -> Result<Option<Millis>, String> {
        self.run_until(inst, bound, Self::success_holds)
    }

    /// Runs forward up to `bound` until `done` holds; returns when it did.
    pub fn run_until(
        &self,
        inst: &mut Instance,
        bound: Millis,
        done: fn(&Scenario, &Instance) -> bool,
    ) -> Result<Option<Millis>, String> {
        let end = inst.sim.now() + bound;
        while inst.sim.now() < end {
            inst.sim.run_for(10 * SECOND)?;
            if done(self, inst) {
                return Ok(Some(inst.sim.now()));
            }
        }
        Ok(None)
    }

    /// A short name of the success service (for messages).
    pub fn service_name(&self) -> String {
        short_name(&self.spec.success.service)
    }
}

/// The rules of the format a scenario file must follow on its own (no environment, no world).
fn check_static(s: &ScenarioSpec, f: SpecFile) -> Result<(), ScenarioError> {
    for (name, p) in &s.profiles {
        if let Some((path, message)) = build::check_profile(name, p) {
            return Err(f.err(path, message));
        }
    }
    if !(1..=5).contains(&s.difficulty) {
        return Err(f.err(
            "difficulty",
            format!(
                "{} is out of range; expected 1 (warm-up) to 5 (hard)",
                s.difficulty
            ),
        ));
    }
    if causes::find(&s.answer.cause).is_none() {
        let ids: Vec<&str> = causes::CAUSES.iter().map(|c| c.id).collect();
        return Err(f.err(
            "answer.cause",
            format!(
                "unknown cause '{}'; expected one of: {}",
                s.answer.cause,
                ids.join(", ")
            ),
        ));
    }
    if s.answer.culprits.is_empty() {
        return Err(f.err("answer.culprits", "name at least one culprit resource"));
    }
    for (i, e) in s.evidence.iter().enumerate() {
        if let Some(c) = &e.cause {
            if !s.answer.causes().iter().any(|(a, _)| a == c) {
                let ids: Vec<&str> = s.answer.causes().iter().map(|(a, _)| *a).collect();
                return Err(f.err(
                    format!("evidence[{i}].cause"),
                    format!(
                        "{c} is not a cause of this scenario's answer; expected one of: {}",
                        ids.join(", ")
                    ),
                ));
            }
        }
    }
    for (i, o) in s.answer.also.iter().enumerate() {
        if causes::find(&o.cause).is_none() {
            let ids: Vec<&str> = causes::CAUSES.iter().map(|c| c.id).collect();
            return Err(f.err(
                format!("answer.also[{i}].cause"),
                format!(
                    "unknown cause '{}'; expected one of: {}",
                    o.cause,
                    ids.join(", ")
                ),
            ));
        }
        if o.cause == s.answer.cause || s.answer.also[..i].iter().any(|p| p.cause == o.cause) {
            return Err(f.err(
                format!("answer.also[{i}].cause"),
                format!(
                    "{} is already a cause of this answer; list each cause once",
                    o.cause
                ),
            ));
        }
        if o.culprits.is_empty() {
            return Err(f.err(
                format!("answer.also[{i}].culprits"),
                "name at least one culprit resource",
            ));
        }
    }
    if s.fix.is_empty() {
        return Err(f.err("fix", "give at least one reference fix command"));
    }
    if s.investigation.is_empty() {
        return Err(f.err(
            "investigation",
            "give the read-only commands an expert would run",
        ));
    }
    if s.timeline.is_empty() || !s.timeline.iter().any(|e| e.fault) {
        return Err(f.err(
            "timeline",
            "the timeline needs at least one entry with `fault: true`",
        ));
    }
    let earliest = s.timeline.iter().map(|e| e.at.0).min().unwrap_or(0);
    if earliest > -10 * MINUTE {
        return Err(f.err("timeline", "the player must arrive to at least 10 minutes of history: start the timeline at -10m or earlier"));
    }
    let span = s.history.map(|d| d.0).unwrap_or(DEFAULT_HISTORY) - earliest;
    if span > crate::limits::MAX_HISTORY {
        let (path, what) = match s.timeline.iter().position(|e| e.at.0 == earliest) {
            Some(i) if -earliest > crate::limits::MAX_HISTORY => {
                (format!("timeline[{i}].at"), Dur(earliest))
            }
            _ => (
                "history".to_string(),
                Dur(s.history.map(|d| d.0).unwrap_or(DEFAULT_HISTORY)),
            ),
        };
        return Err(f.err(
            path,
            format!(
                "{what}: the pre-history (history before the first timeline entry, plus the timeline) may span at most {}",
                Dur(crate::limits::MAX_HISTORY)
            ),
        ));
    }
    for (field, value, max) in [
        ("success.hold", s.success.hold, crate::limits::MAX_HOLD),
        (
            "success.within",
            s.success.within,
            crate::limits::MAX_WITHIN,
        ),
    ] {
        if let Some(d) = value {
            if d.0 <= 0 || d.0 > max {
                return Err(f.err(
                    field,
                    format!(
                        "{d} is out of range; expected more than 0 and at most {}",
                        Dur(max)
                    ),
                ));
            }
        }
    }
    for (i, e) in s.timeline.iter().enumerate() {
        check_entry(e, &format!("timeline[{i}]"), f)?;
    }
    if let Some(d) = &s.decoys {
        if d.pick > d.from.len() {
            return Err(f.err(
                "decoys.pick",
                format!("cannot pick {} of {} decoys", d.pick, d.from.len()),
            ));
        }
        for (i, e) in d.from.iter().enumerate() {
            check_entry(e, &format!("decoys.from[{i}]"), f)?;
        }
    }
    for (name, values) in &s.variables {
        if values.is_empty() {
            return Err(f.err(
                format!("variables.{name}"),
                "a variable needs at least one value",
            ));
        }
    }
    for (i, c) in s.investigation.iter().enumerate() {
        let entry = crate::awscli::command::check(c)
            .map_err(|e| f.err(format!("investigation[{i}]"), e.0))?;
        if entry.is_write() {
            return Err(f.err(
                format!("investigation[{i}]"),
                "the investigation must be read-only; this command changes the world",
            ));
        }
    }
    for (i, e) in s.evidence.iter().enumerate() {
        check_evidence_command(&e.command)
            .map_err(|m| f.err(format!("evidence[{i}].command"), m))?;
    }
    for (i, h) in s.hints.iter().enumerate() {
        for quoted in quoted_commands(&h.text) {
            // A quoted operation without flags is a pointer to it; with flags,
            // a command the player may copy, so its flags are checked too.
            let checked = if quoted.contains("--") {
                crate::awscli::command::check(quoted)
                    .map(|_| ())
                    .map_err(|e| format!("`{quoted}`: {}", e.0))
            } else {
                let words: Vec<&str> = quoted.split_whitespace().collect();
                crate::awscli::command::operation(words[0], words[1])
                    .map(|_| ())
                    .map_err(|e| e.0)
            };
            checked.map_err(|m| f.err(format!("hints[{i}].text"), m))?;
        }
    }
    for (i, c) in s.fix.iter().enumerate() {
        let entry =
            crate::awscli::command::check(c).map_err(|e| f.err(format!("fix[{i}]"), e.0))?;
        if !entry.is_write() {
            return Err(f.err(
                format!("fix[{i}]"),
                format!(
                    "not a mutating operation; known: {}",
                    crate::aws::catalogue::writes()
                        .map(|o| format!("{} {}", o.service, o.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// An evidence command is a read operation of the catalogue, written
/// `service operation` (no flags: any invocation of it counts).
fn check_evidence_command(command: &str) -> Result<(), String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let words = words.strip_prefix(&["aws"]).unwrap_or(&words);
    let [service, name] = words else {
        return Err(format!(
            "'{command}' is not a `service operation` pair, such as `ecs describe-tasks`"
        ));
    };
    let entry = crate::awscli::command::operation(service, name).map_err(|e| e.0)?;
    if entry.is_write() {
        return Err(format!(
            "'{service} {name}' changes the world; evidence is seen through a read operation"
        ));
    }
    Ok(())
}

/// The AWS commands a text quotes in backticks: spans whose first word
/// (after an optional `aws`) is a service of the catalogue, followed by an operation.
pub fn quoted_commands(text: &str) -> Vec<&str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(|q| q.trim())
        .map(|q| q.strip_prefix("aws ").unwrap_or(q).trim_start())
        .filter(|q| {
            let mut w = q.split_whitespace();
            matches!((w.next(), w.next()), (Some(svc), Some(_))
                if crate::aws::catalogue::entries().any(|e| e.service() == svc))
        })
        .collect()
}

fn check_entry(e: &TimelineEntry, path: &str, f: SpecFile) -> Result<(), ScenarioError> {
    let n = [
        e.aws.is_some(),
        e.deploy.is_some(),
        e.push_image.is_some(),
        e.occupy_ips.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if n != 1 {
        return Err(f.err(
            path,
            "an entry needs exactly one operation: aws, deploy, push_image or occupy_ips",
        ));
    }
    if e.at.0 >= 0 {
        return Err(f.err(
            format!("{path}.at"),
            format!(
                "{} is not before now; timeline times are negative, such as -15m",
                e.at
            ),
        ));
    }
    Ok(())
}

/// Sets (or with None removes) the value at `path` inside a JSON value.
fn set_path(
    v: &mut serde_json::Value,
    path: &str,
    value: Option<serde_json::Value>,
) -> Result<(), String> {
    let steps = locate::parse_path(path).ok_or_else(|| {
        format!("'{path}' is not a field path; expected one such as containerDefinitions[0].image")
    })?;
    let Some((last, init)) = steps.split_last() else {
        return Err("the path is empty".into());
    };
    let mut cur = v;
    for s in init {
        cur = match s {
            locate::Step::Key(k) => cur
                .get_mut(k.as_str())
                .ok_or_else(|| format!("'{path}': no field '{k}'"))?,
            locate::Step::Index(i) => cur
                .get_mut(*i)
                .ok_or_else(|| format!("'{path}': no element [{i}]"))?,
        };
    }
    match (last, value) {
        (locate::Step::Key(k), Some(val)) => {
            cur.as_object_mut()
                .ok_or_else(|| format!("'{path}': not an object"))?
                .insert(k.clone(), val);
        }
        (locate::Step::Key(k), None) => {
            cur.as_object_mut()
                .ok_or_else(|| format!("'{path}': not an object"))?
                .remove(k);
        }
        (locate::Step::Index(i), Some(val)) => {
            let a = cur
                .as_array_mut()
                .ok_or_else(|| format!("'{path}': not a list"))?;
            if *i < a.len() {
                a[*i] = val;
            } else if *i == a.len() {
                a.push(val);
            } else {
                return Err(format!(
                    "'{path}': index {i} is past the end ({} elements)",
                    a.len()
                ));
            }
        }
        (locate::Step::Index(i), None) => {
            let a = cur
                .as_array_mut()
                .ok_or_else(|| format!("'{path}': not a list"))?;
            if *i >= a.len() {
                return Err(format!("'{path}': no element [{i}]"));
            }
            a.remove(*i);
        }
    }
    Ok(())
}

/// Every `*.yaml` directly in `dir` (environments excluded), sorted.
pub fn scenario_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    v.sort();
    Ok(v)
}
