//! The command line's verbs over the library: `list`, `causes`, `show`,
//! `validate`, the shell completions and man page, and the game day's
//! `scoreboard` and `gameday plan`. Each result of the first four is one
//! value rendered either as text (coloured by the [`Paint`] decided at the
//! edge, fitted to the terminal's width when there is one) or as JSON
//! (`--json`, the same fields); `main` maps errors to exit codes.

use crate::paint::{Paint, Role};
use crate::scenario::format::ScenarioSpec;
use crate::scenario::{
    causes, load_spec, scenario_files, validate, Library, Mode, Scenario, ScenarioError,
};
use crate::time::{iso, Dur};
use crate::world::{RouteDest, RouteTarget};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How a command's text result is printed, decided at the edge.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    /// Colour.
    pub paint: Paint,
    /// The terminal's width in columns; `None` when standard output is not a
    /// terminal (tables are then not truncated or wrapped).
    pub width: Option<usize>,
    /// JSON instead of text.
    pub json: bool,
}

/// `value` as pretty JSON (coloured on a terminal), with a final newline.
fn to_json<T: serde::Serialize>(value: &T, paint: Paint) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        // Our own plain structs always serialise; say so if one ever does not.
        format!("{{\"error\": {:?}}}", e.to_string())
    });
    paint.json(&text) + "\n"
}

/// Characters of `s` (its width on a terminal, for the text we print).
fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` characters, the last one an ellipsis when cut.
fn truncate(s: &str, max: usize) -> String {
    if width_of(s) <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `s` padded with spaces to `w` characters.
fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width_of(s))))
}

/// `s` painted as `role`, then padded (outside the colour) to `w` characters.
fn pad_painted(paint: Paint, role: Role, s: &str, w: usize) -> String {
    format!(
        "{}{}",
        paint.paint(role, s),
        " ".repeat(w.saturating_sub(width_of(s)))
    )
}

/// A failure of a command, with its exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad scenario files or arguments (exit 2).
    Input(String),
    /// Validation found scenarios that do not hold (exit 1).
    Invalid(String),
    /// A result that is also a failure: the report goes to standard output,
    /// the errors to standard error, and the exit code says which failure.
    Reported {
        /// The result (standard output).
        report: String,
        /// What went wrong (standard error).
        errors: String,
        /// Exit code.
        code: i32,
    },
}

impl CliError {
    /// The process exit code for this error.
    pub fn code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Invalid(_) => 1,
            CliError::Reported { code, .. } => *code,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Input(s) | CliError::Invalid(s) => f.write_str(s),
            CliError::Reported { errors, .. } => f.write_str(errors),
        }
    }
}

impl From<ScenarioError> for CliError {
    fn from(e: ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<crate::gameday::Error> for CliError {
    fn from(e: crate::gameday::Error) -> Self {
        CliError::Input(e.to_string())
    }
}

/// The scenarios: `--scenarios DIR`, else `./scenarios` when there is one,
/// else the ones built into the binary.
pub fn library(flag: Option<&Path>) -> Library {
    if let Some(p) = flag {
        return Library::Folder(p.to_path_buf());
    }
    let local = PathBuf::from("scenarios");
    if local.is_dir() {
        return Library::Folder(local);
    }
    Library::BuiltIn
}

/// The scenario files of `lib`; an error when there are none.
fn files(lib: &Library) -> Result<Vec<PathBuf>, CliError> {
    let files = lib.files().map_err(CliError::Input)?;
    if files.is_empty() {
        return Err(CliError::Input(format!("no scenarios (*.yaml) in {lib}")));
    }
    Ok(files)
}

/// Every scenario file of `lib` read on its own (no environment, no world), or all their errors.
fn load_specs(lib: &Library) -> Result<Vec<ScenarioSpec>, CliError> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for f in files(lib)? {
        match load_spec(lib, &f) {
            Ok(s) => out.push(s),
            Err(e) => errs.push(e.to_string()),
        }
    }
    if !errs.is_empty() {
        return Err(CliError::Input(errs.join("\n")));
    }
    Ok(out)
}

/// Finds a scenario by id, proven to instantiate at seed 0 ([`Scenario::load`]).
pub fn find(lib: &Library, id: &str) -> Result<Scenario, CliError> {
    let file = locate(lib, id)?;
    Ok(Scenario::load_from(lib, &file)?)
}

/// Finds a scenario by id and loads it without simulating anything
/// ([`Scenario::open`]); [`Scenario::incident`] finishes its checks at a seed.
pub fn open(lib: &Library, id: &str) -> Result<Scenario, CliError> {
    let file = locate(lib, id)?;
    Ok(Scenario::open(lib, &file)?)
}

/// The file of the scenario `id`, or an error naming the ones there are.
fn locate(lib: &Library, id: &str) -> Result<PathBuf, CliError> {
    let file = lib.file(id);
    if lib.exists(&file) {
        return Ok(file);
    }
    let ids: Vec<String> = lib
        .files()
        .map_err(CliError::Input)?
        .iter()
        .filter_map(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .map(|s| s.to_string())
        })
        .collect();
    let near = crate::suggest::closest(id, ids.iter().map(String::as_str));
    let hint = near
        .map(|n| format!(" Did you mean '{n}'?"))
        .unwrap_or_default();
    Err(CliError::Input(format!(
        "no scenario '{id}' in {lib}.{hint} Known: {}",
        ids.join(", ")
    )))
}

/// One row of `faultline list` (and of `list --json`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListRow {
    /// Scenario id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Difficulty, 1 to 5.
    pub difficulty: u8,
    /// Tags.
    pub tags: Vec<String>,
}

/// `faultline list`: id, title, difficulty, tags; filtered by tag and difficulty.
///
/// Reads each scenario file on its own: the environments are not read and
/// nothing is simulated (`show`, `play` and `validate` check the rest).
pub fn list(
    lib: &Library,
    tag: Option<&str>,
    difficulty: Option<u8>,
    output: Output,
) -> Result<String, CliError> {
    let all = load_specs(lib)?;
    let rows: Vec<ListRow> = all
        .iter()
        .filter(|s| tag.is_none_or(|t| s.tags.iter().any(|x| x == t)))
        .filter(|s| difficulty.is_none_or(|d| s.difficulty == d))
        .map(|s| ListRow {
            id: s.id.clone(),
            title: s.title.clone(),
            difficulty: s.difficulty,
            tags: s.tags.clone(),
        })
        .collect();
    if output.json {
        return Ok(to_json(&rows, output.paint));
    }
    Ok(list_table(&rows, output.width, output.paint))
}

/// The narrowest tags column titles give way to (wider when a tag is longer).
const MIN_TAGS: usize = 16;
/// The narrowest a title is cut to.
const MIN_TITLE: usize = 12;
/// The narrowest the tags column gets; below it the table overflows instead.
const MIN_CUT_TAGS: usize = 6;

/// The list as a table. With a `width` (a terminal), the table fits it: tags
/// wrap onto more lines, at a tag boundary; when that is not enough titles
/// are cut with an ellipsis, down to 12 characters, and on a very narrow
/// terminal long tags too (ids are never cut). Without one (a pipe), every
/// row is one line, nothing cut.
pub fn list_table(rows: &[ListRow], width: Option<usize>, paint: Paint) -> String {
    const DIFF: &str = "DIFFICULTY";
    let w = rows
        .iter()
        .map(|s| width_of(&s.id))
        .max()
        .unwrap_or(2)
        .max(2);
    let full_title = rows
        .iter()
        .map(|s| width_of(&s.title))
        .max()
        .unwrap_or(5)
        .max(5);
    let full_tags = rows
        .iter()
        .map(|s| width_of(&s.tags.join(", ")))
        .max()
        .unwrap_or(4)
        .max(4);
    // Titles give way until the longest tag (and its comma) fits whole.
    let tag_floor = rows
        .iter()
        .flat_map(|s| s.tags.iter().map(|t| width_of(t) + 1))
        .max()
        .unwrap_or(0)
        .max(MIN_TAGS);
    let fixed = w + 2 + 2 + DIFF.len() + 2;
    let (tw, tags_w) = match width {
        None => (full_title, usize::MAX),
        Some(cols) => {
            let avail = cols.saturating_sub(fixed);
            if full_title + full_tags <= avail {
                (full_title, full_tags)
            } else if avail >= full_title + tag_floor {
                (full_title, avail - full_title)
            } else {
                // Titles give way down to MIN_TITLE; then tags are cut too.
                let tw = avail
                    .saturating_sub(tag_floor)
                    .max(MIN_TITLE)
                    .min(full_title);
                (tw, avail.saturating_sub(tw).max(MIN_CUT_TAGS))
            }
        }
    };
    let mut out = format!(
        "{}  {}  {}  {}\n",
        pad_painted(paint, Role::Heading, "ID", w),
        pad_painted(paint, Role::Heading, "TITLE", tw),
        paint.paint(Role::Heading, DIFF),
        paint.paint(Role::Heading, "TAGS")
    );
    let indent = " ".repeat(fixed + tw);
    for s in rows {
        let tag_lines = wrap_tags(&s.tags, tags_w);
        let _ = write!(
            out,
            "{}  {}  {}{}  ",
            pad_painted(paint, Role::Id, &s.id, w),
            pad(&truncate(&s.title, tw), tw),
            paint.difficulty(s.difficulty),
            " ".repeat(DIFF.len() - 5)
        );
        for (i, l) in tag_lines.iter().enumerate() {
            if i > 0 {
                out.push_str(&indent);
            }
            out.push_str(l);
            out.push('\n');
        }
        if tag_lines.is_empty() {
            // No tags: the row ends after the difficulty, with no trailing spaces.
            let end = out.trim_end_matches(' ').len();
            out.truncate(end);
            out.push('\n');
        }
    }
    out
}

/// Tags joined by ", " in lines of at most `w` characters, broken between
/// tags; a tag longer than a line is cut with an ellipsis.
fn wrap_tags(tags: &[String], w: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (i, t) in tags.iter().enumerate() {
        let last = i + 1 == tags.len();
        let piece = if last { t.clone() } else { format!("{t},") };
        let piece = truncate(&piece, w);
        let needed = width_of(&piece) + usize::from(!line.is_empty());
        if !line.is_empty() && width_of(&line) + needed > w {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `faultline causes`: the vocabulary.
pub fn causes() -> String {
    causes::listing()
}

/// The author's view of a scenario at a seed: what `show` prints, and `show --json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowData {
    /// Scenario id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Difficulty, 1 to 5.
    pub difficulty: u8,
    /// The seed.
    pub seed: u64,
    /// The instant the player arrives (ISO 8601).
    pub now: String,
    /// Account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// The variables the seed chose.
    pub variables: std::collections::BTreeMap<String, String>,
    /// The briefing.
    pub briefing: String,
    /// Subnets.
    pub subnets: Vec<ShowSubnet>,
    /// Route tables.
    pub route_tables: Vec<ShowRouteTable>,
    /// Services.
    pub services: Vec<ShowService>,
    /// The timeline before now, oldest first.
    pub timeline: Vec<ShowStep>,
    /// Service events, oldest first.
    pub service_events: Vec<ShowEvent>,
    /// The three most recently stopped tasks.
    pub stopped_tasks: Vec<ShowTask>,
    /// The answer.
    pub answer: ShowAnswer,
    /// The reference investigation, resolved at this seed.
    pub investigation: Vec<String>,
    /// The reference fix, resolved at this seed.
    pub fix: Vec<String>,
}

/// A subnet in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowSubnet {
    /// Subnet id.
    pub id: String,
    /// Its Name tag.
    pub name: String,
    /// Availability zone.
    pub az: String,
    /// CIDR block.
    pub cidr: String,
    /// Free IP addresses.
    pub free_ips: u64,
}

/// A route table in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowRouteTable {
    /// Route table id.
    pub id: String,
    /// Its Name tag.
    pub name: String,
    /// The VPC's main route table.
    pub main: bool,
    /// Routes.
    pub routes: Vec<ShowRoute>,
}

/// A route in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowRoute {
    /// A CIDR block or a prefix list id.
    pub destination: String,
    /// `local` or a gateway or endpoint id.
    pub target: String,
}

/// A service in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowService {
    /// Cluster name.
    pub cluster: String,
    /// Service name.
    pub name: String,
    /// Desired count.
    pub desired: u32,
    /// Running tasks.
    pub running: usize,
    /// Task definition `family:revision`.
    pub task_definition: String,
}

/// A timeline step in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowStep {
    /// Relative to now, e.g. `-15m`.
    pub at: String,
    /// `FAULT`, `decoy` or `op`.
    pub kind: &'static str,
    /// The author's note.
    pub note: String,
    /// The operation.
    pub op: String,
    /// The AWS error that refused it, for history AWS refused.
    pub refused: Option<String>,
}

/// A service event in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowEvent {
    /// Relative to now.
    pub at: String,
    /// The event's message.
    pub message: String,
}

/// A stopped task in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowTask {
    /// Task id.
    pub id: String,
    /// Stop code.
    pub stop_code: String,
    /// Last status.
    pub last_status: String,
    /// Private IP, `-` when it had none.
    pub private_ip: String,
    /// Stopped reason.
    pub stopped_reason: String,
}

/// The answer in `show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShowAnswer {
    /// The cause.
    pub cause: String,
    /// The culprits, resolved at this seed.
    pub culprits: Vec<String>,
    /// The explanation, resolved at this seed.
    pub explanation: String,
}

/// `faultline show <id>`: the author's view, spoilers included.
pub fn show(lib: &Library, id: &str, seed: u64, output: Output) -> Result<String, CliError> {
    let data = show_data(lib, id, seed)?;
    if output.json {
        return Ok(to_json(&data, output.paint));
    }
    Ok(show_text(&data, output.paint))
}

/// What `show` shows, gathered once for both renderings.
pub fn show_data(lib: &Library, id: &str, seed: u64) -> Result<ShowData, CliError> {
    let s = find(lib, id)?;
    let inst = s.instantiate(seed, Mode::Incident)?;
    let w = inst.sim.world();
    let resolve = |c: &str| inst.resolve(c).unwrap_or_else(|e| e);
    let subnets = w
        .subnets
        .values()
        .map(|sn| ShowSubnet {
            id: sn.id.clone(),
            name: sn.name.clone(),
            az: sn.az.clone(),
            cidr: sn.cidr.to_string(),
            free_ips: w.available_ips(&sn.id),
        })
        .collect();
    let route_tables = w
        .route_tables
        .values()
        .map(|rt| ShowRouteTable {
            id: rt.id.clone(),
            name: rt.name.clone(),
            main: rt.main,
            routes: rt
                .routes
                .iter()
                .map(|r| ShowRoute {
                    destination: match &r.dest {
                        RouteDest::Cidr(c) => c.to_string(),
                        RouteDest::PrefixList(p) => p.clone(),
                    },
                    target: match &r.target {
                        RouteTarget::Local => "local".to_string(),
                        RouteTarget::InternetGateway(g)
                        | RouteTarget::NatGateway(g)
                        | RouteTarget::GatewayEndpoint(g) => g.clone(),
                    },
                })
                .collect(),
        })
        .collect();
    let services = w
        .services
        .values()
        .map(|svc| ShowService {
            cluster: svc.cluster.clone(),
            name: svc.name.clone(),
            desired: svc.desired_count,
            running: w
                .tasks
                .values()
                .filter(|t| {
                    t.service.as_deref() == Some(svc.name.as_str())
                        && t.last_status == crate::world::TaskStatus::Running
                })
                .count(),
            task_definition: svc
                .task_definition
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string(),
        })
        .collect();
    let timeline = inst
        .applied
        .iter()
        .map(|a| ShowStep {
            at: secs(a.at - inst.now),
            kind: if a.fault {
                "FAULT"
            } else if a.decoy {
                "decoy"
            } else {
                "op"
            },
            note: a.note.clone(),
            op: a.op.clone(),
            refused: a.refused.clone(),
        })
        .collect();
    let service_events = w
        .services
        .values()
        .flat_map(|svc| svc.events.iter().rev())
        .map(|e| ShowEvent {
            at: secs(e.created_at - inst.now),
            message: e.message.clone(),
        })
        .collect();
    let mut stopped: Vec<&crate::world::Task> = w
        .tasks
        .values()
        .filter(|t| {
            t.stopped_reason.is_some() && t.desired_status == crate::world::TaskStatus::Stopped
        })
        .collect();
    stopped.sort_by_key(|t| std::cmp::Reverse(t.stopping_at));
    let stopped_tasks = stopped
        .iter()
        .take(3)
        .map(|t| ShowTask {
            id: t.id.clone(),
            stop_code: t.stop_code.clone().unwrap_or_default(),
            last_status: t.last_status.as_str().to_string(),
            private_ip: t
                .attachment
                .as_ref()
                .map(|a| a.private_ip.clone())
                .unwrap_or_else(|| "-".into()),
            stopped_reason: t.stopped_reason.clone().unwrap_or_default(),
        })
        .collect();
    Ok(ShowData {
        id: s.id().to_string(),
        title: s.spec.title.clone(),
        difficulty: s.spec.difficulty,
        seed,
        now: iso(inst.now),
        account: w.account.clone(),
        region: w.region.clone(),
        variables: inst.vars.clone(),
        briefing: s.spec.briefing.trim_end().to_string(),
        subnets,
        route_tables,
        services,
        timeline,
        service_events,
        stopped_tasks,
        answer: ShowAnswer {
            cause: s.spec.answer.cause.clone(),
            culprits: s.spec.answer.culprits.iter().map(|c| resolve(c)).collect(),
            explanation: resolve(s.spec.answer.explanation.trim()),
        },
        investigation: s.spec.investigation.iter().map(|c| resolve(c)).collect(),
        fix: s.spec.fix.iter().map(|c| resolve(c)).collect(),
    })
}

/// `show` as text.
fn show_text(d: &ShowData, paint: Paint) -> String {
    let h = |t: &str| paint.paint(Role::Heading, t);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — {} (difficulty {}, seed {})",
        paint.paint(Role::Id, &d.id),
        d.title,
        d.difficulty,
        d.seed
    );
    let _ = writeln!(o, "now: {}   account {} in {}", d.now, d.account, d.region);
    if !d.variables.is_empty() {
        let vars: Vec<String> = d
            .variables
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(o, "variables: {}", vars.join(", "));
    }
    let _ = writeln!(o, "\n{}\n{}", h("BRIEFING"), d.briefing);
    let _ = writeln!(o, "\n{}", h("WORLD"));
    for sn in &d.subnets {
        let _ = writeln!(
            o,
            "  subnet {} {:<12} {} {:<16} free IPs {}",
            sn.id, sn.name, sn.az, sn.cidr, sn.free_ips
        );
    }
    for rt in &d.route_tables {
        let routes: Vec<String> = rt
            .routes
            .iter()
            .map(|r| format!("{}->{}", r.destination, r.target))
            .collect();
        let _ = writeln!(
            o,
            "  route table {} {:<10} {}{}",
            rt.id,
            rt.name,
            if rt.main { "(main) " } else { "" },
            routes.join(" ")
        );
    }
    for svc in &d.services {
        let _ = writeln!(
            o,
            "  service {}/{} desired {} running {} taskDefinition {}",
            svc.cluster, svc.name, svc.desired, svc.running, svc.task_definition
        );
    }
    let _ = writeln!(o, "\n{}", h("TIMELINE (relative to now)"));
    for a in &d.timeline {
        let kind = match a.kind {
            "FAULT" => pad_painted(paint, Role::Bad, a.kind, 5),
            "decoy" => pad_painted(paint, Role::Warn, a.kind, 5),
            _ => pad(a.kind, 5),
        };
        let _ = writeln!(
            o,
            "  {:>6}  {kind}  {}\n                 {}",
            a.at,
            a.note,
            match &a.refused {
                Some(e) => format!("{}\nrefused: {e}", a.op),
                None => a.op.clone(),
            }
        );
    }
    let _ = writeln!(o, "\n{}", h("SERVICE EVENTS (oldest first)"));
    for e in &d.service_events {
        let _ = writeln!(o, "  {:>8}  {}", e.at, e.message);
    }
    let _ = writeln!(o, "\n{}", h("RECENT STOPPED TASKS"));
    for t in &d.stopped_tasks {
        let _ = writeln!(
            o,
            "  {} {} {} ip {}\n    {}",
            t.id, t.stop_code, t.last_status, t.private_ip, t.stopped_reason
        );
    }
    let _ = writeln!(
        o,
        "\n{}\n  cause: {}",
        h("ANSWER"),
        paint.paint(Role::Id, &d.answer.cause)
    );
    for c in &d.answer.culprits {
        let _ = writeln!(o, "  culprit: {c}");
    }
    let _ = writeln!(o, "  {}", d.answer.explanation);
    let _ = writeln!(o, "\n{}", h("REFERENCE INVESTIGATION"));
    for c in &d.investigation {
        let _ = writeln!(o, "  {c}");
    }
    let _ = writeln!(o, "\n{}", h("REFERENCE FIX"));
    for c in &d.fix {
        let _ = writeln!(o, "  {c}");
    }
    o
}

/// `faultline gameday plan`: the facilitator's sheet of the rounds, each
/// `ID` or `ID:SEED` (`seed` when none is given).
pub fn gameday_plan(lib: &Library, rounds: &[String], seed: u64) -> Result<String, CliError> {
    let mut found = Vec::new();
    for r in rounds {
        let (id, seed) = crate::gameday::plan::round_arg(r, seed)?;
        found.push((find(lib, &id)?, seed));
    }
    let rounds: Vec<crate::gameday::plan::Round> = found
        .iter()
        .map(|(scenario, seed)| crate::gameday::plan::Round {
            scenario,
            seed: *seed,
        })
        .collect();
    Ok(crate::gameday::plan::sheet(&rounds)?)
}

/// `faultline scoreboard`: the board of the reports, printed or written to
/// `out`; with `watch` (how long to go on), read again every second as
/// reports arrive, until then or Ctrl-C.
pub fn scoreboard(
    lib: &Library,
    paths: &[PathBuf],
    format: crate::gameday::scoreboard::Format,
    out: Option<&Path>,
    watch: Option<Dur>,
) -> Result<String, CliError> {
    use crate::gameday::scoreboard;
    use std::io::IsTerminal;
    let Some(until) = watch else {
        return Ok(scoreboard::run(paths, lib, format, out)?);
    };
    if until.0 <= 0 {
        return Err(CliError::Input(format!(
            "--for {until}: expected a positive duration such as 30m or 4h"
        )));
    }
    let how = scoreboard::Watch {
        every: std::time::Duration::from_secs(1),
        until: std::time::Duration::from_millis(until.0 as u64),
        clear: out.is_none() && std::io::stdout().is_terminal(),
    };
    let (mut screen, mut errors) = (std::io::stdout(), std::io::stderr());
    scoreboard::watch(paths, lib, format, out, &how, &mut screen, &mut errors)?;
    Ok(String::new())
}

fn secs(d: i64) -> String {
    Dur(d.div_euclid(1000) * 1000).to_string()
}

/// The result of `validate` for one scenario file (a row of the table, an
/// element of `validate --json`'s `scenarios`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ValidateRow {
    /// The file.
    pub file: String,
    /// The scenario's id (null when the file does not load).
    pub id: Option<String>,
    /// Whether the file loads.
    pub loads: bool,
    /// Seeds proven.
    pub seeds_ok: u64,
    /// Seeds that failed.
    pub seeds_failed: u64,
    /// Loads, and every seed holds.
    pub ok: bool,
}

/// `validate --json`: the table, the failures and the verdict.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ValidateReport {
    /// Every scenario and seed held.
    pub valid: bool,
    /// Seeds each scenario was proven with.
    pub seeds: u64,
    /// One row per scenario file, in file order.
    pub scenarios: Vec<ValidateRow>,
    /// Why files did not load.
    pub load_errors: Vec<String>,
    /// Why seeds failed.
    pub failures: Vec<String>,
}

/// `faultline serve`: the scenario's account over the AWS wire protocols
/// until Ctrl-C or `serve_for` (see [`crate::serve`]); with `sandbox_stack`,
/// the account before the fault as live mode's sandbox stack.
#[allow(clippy::too_many_arguments)] // one per flag of `faultline serve`
pub fn serve(
    lib: &Library,
    id: &str,
    seed: u64,
    bind: &str,
    speed: f64,
    teams: &[String],
    journal_dir: PathBuf,
    serve_for: Option<std::time::Duration>,
    sandbox_stack: Option<&str>,
) -> Result<String, CliError> {
    use std::net::ToSocketAddrs as _;
    let t = bind.trim();
    let full = match t.strip_prefix(':') {
        Some(port) => format!("127.0.0.1:{port}"),
        None => t.to_string(),
    };
    let bind = full
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            CliError::Input(format!(
                "--bind {t}: expected HOST:PORT, e.g. 127.0.0.1:4566 or 0.0.0.0:4566"
            ))
        })?;
    let scenario = open(lib, id)?;
    let opts = crate::serve::ServeOptions {
        scenario,
        seed,
        bind,
        speed,
        teams: teams.to_vec(),
        journal_dir,
        sandbox_stack: sandbox_stack.map(str::to_string),
    };
    crate::serve::serve(&opts, serve_for).map_err(CliError::Input)?;
    Ok(String::new())
}

/// The operation catalogue, one `service Api cli-name read|write` line each.
pub fn catalogue() -> String {
    let mut o = String::new();
    for op in crate::aws::catalogue::reads() {
        o.push_str(&format!("{} {} {} read\n", op.service, op.api, op.name));
    }
    for op in crate::aws::catalogue::writes() {
        o.push_str(&format!("{} {} {} write\n", op.service, op.api, op.name));
    }
    o
}

/// `faultline validate`: proves scenarios over `seeds` seeds. Returns the report.
///
/// `paths` are scenario files, folders of them, or ids of the library's
/// scenarios. Scenarios load, and scenario × seed proofs run, on every core;
/// the report is in file and seed order whatever the order they finished in.
pub fn validate(
    lib: &Library,
    paths: &[PathBuf],
    seeds: u64,
    output: Output,
) -> Result<String, CliError> {
    // Each file, and whether it is read from the library (else from disk).
    let files: Vec<(PathBuf, bool)> = if paths.is_empty() {
        lib.files()
            .map_err(CliError::Input)?
            .into_iter()
            .map(|f| (f, true))
            .collect()
    } else {
        let mut v = Vec::new();
        for p in paths {
            if p.is_dir() {
                v.extend(
                    scenario_files(p)
                        .map_err(CliError::Input)?
                        .into_iter()
                        .map(|f| (f, false)),
                );
            } else if !p.exists() && is_id(p) && lib.exists(&lib.file(&p.to_string_lossy())) {
                v.push((lib.file(&p.to_string_lossy()), true));
            } else {
                v.push((p.clone(), false));
            }
        }
        v
    };
    if files.is_empty() {
        let places: Vec<String> = if paths.is_empty() {
            vec![lib.to_string()]
        } else {
            paths.iter().map(|p| p.display().to_string()).collect()
        };
        return Err(CliError::Input(format!(
            "no scenarios (*.yaml) to validate in {}",
            places.join(", ")
        )));
    }
    if seeds == 0 {
        return Err(CliError::Input(
            "--seeds must be at least 1: with no seed nothing is proven".into(),
        ));
    }
    let loaded = on_every_core(files.len() as u64, |i| {
        let (f, from_lib) = &files[i as usize];
        Some(if *from_lib {
            Scenario::load_from(lib, f)
        } else {
            Scenario::load(f)
        })
    });
    let loadable: Vec<&Scenario> = loaded.iter().filter_map(|(_, r)| r.as_ref().ok()).collect();
    // Job j proves scenario j / seeds at seed j % seeds; only failures come back.
    let jobs = (loadable.len() as u64).saturating_mul(seeds);
    let failed = on_every_core(jobs, |j| {
        validate::prove(loadable[(j / seeds) as usize], j % seeds).err()
    });
    let mut report = ValidateReport {
        valid: false,
        seeds,
        scenarios: Vec::new(),
        load_errors: Vec::new(),
        failures: Vec::new(),
    };
    let mut failed = failed.into_iter().peekable();
    let mut k = 0;
    for ((f, _), (_, s)) in files.iter().zip(&loaded) {
        let s = match s {
            Ok(s) => s,
            Err(e) => {
                report.load_errors.push(e.to_string());
                report.scenarios.push(ValidateRow {
                    file: f.display().to_string(),
                    id: None,
                    loads: false,
                    seeds_ok: 0,
                    seeds_failed: 0,
                    ok: false,
                });
                continue;
            }
        };
        let mut bad = 0;
        while let Some((_, e)) = failed.next_if(|(j, _)| j / seeds == k) {
            bad += 1;
            report.failures.push(e.to_string());
        }
        k += 1;
        report.scenarios.push(ValidateRow {
            file: f.display().to_string(),
            id: Some(s.id().to_string()),
            loads: true,
            seeds_ok: seeds - bad,
            seeds_failed: bad,
            ok: bad == 0,
        });
    }
    report.valid = report.failures.is_empty() && report.load_errors.is_empty();
    let mut out = if output.json {
        to_json(&report, output.paint)
    } else {
        validate_text(&report, output.paint)
    };
    if report.valid {
        return Ok(out);
    }
    // The result is on stdout: the table, then what failed and why (the
    // events and stopped reasons that kept a service from settling). Files
    // that do not load are bad input: their errors go to stderr, with a
    // one-line summary of the failures.
    let mut errors = report.load_errors.join("\n");
    if !report.failures.is_empty() {
        if !output.json {
            let _ = writeln!(out, "{} failures:", report.failures.len());
            for f in &report.failures {
                let _ = writeln!(out, "  {f}");
            }
        }
        if !errors.is_empty() {
            errors.push('\n');
        }
        let _ = write!(
            errors,
            "validate: {} failures (listed in the report)",
            report.failures.len()
        );
    }
    // A file that does not load is bad input; one that loads but does not hold is invalid.
    Err(CliError::Reported {
        report: out,
        errors: errors.trim_end().to_string(),
        code: if report.load_errors.is_empty() { 1 } else { 2 },
    })
}

/// Whether a `validate` argument could be a scenario id (a bare name, no folder, no extension).
fn is_id(p: &Path) -> bool {
    p.components().count() == 1 && p.extension().is_none()
}

/// `validate` as text: one line per scenario, then the verdict when all held.
fn validate_text(r: &ValidateReport, paint: Paint) -> String {
    let mut out = String::new();
    for row in &r.scenarios {
        match &row.id {
            None => {
                let _ = writeln!(
                    out,
                    "{} {}: does not load",
                    paint.paint(Role::Bad, "FAIL"),
                    row.file
                );
            }
            Some(id) => {
                let mark = if row.ok {
                    paint.paint(Role::Good, "ok  ")
                } else {
                    paint.paint(Role::Bad, "FAIL")
                };
                let _ = writeln!(out, "{mark} {:<28} {} seeds", id, row.seeds_ok);
            }
        }
    }
    if r.valid {
        let _ = writeln!(
            out,
            "{} scenarios valid over {} seeds each",
            r.scenarios.len(),
            r.seeds
        );
    }
    out
}

/// The ids of the scenarios in `lib` (none when it cannot be read).
pub fn scenario_ids(lib: &Library) -> Vec<String> {
    lib.files()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect()
}

/// `faultline completions <shell>`: the completion script for `cmd` (the
/// binary's clap definition), with the ids of `lib`'s scenarios offered for
/// `play`, `show` and `validate` (ids known when the script is made: the
/// built-in ones, or `--scenarios DIR`'s).
pub fn completions(lib: &Library, cmd: clap::Command, shell: clap_complete::Shell) -> String {
    let ids = scenario_ids(lib);
    let mut cmd = with_scenario_ids(cmd, &ids);
    let name = cmd.get_name().to_string();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, name.clone(), &mut buf);
    let mut script = String::from_utf8_lossy(&buf).into_owned();
    if shell == clap_complete::Shell::Fish && !ids.is_empty() {
        // clap_complete's fish script offers option values only; the ids of
        // positional arguments are added here (files stay on for validate).
        let all = ids.join(" ");
        script.push_str("# Scenario ids.\n");
        for (sub, files) in [("play", "-f "), ("show", "-f "), ("validate", "")] {
            let _ = writeln!(
                script,
                "complete -c {name} -n \"__fish_{name}_using_subcommand {sub}\" {files}-a \"{all}\""
            );
        }
    }
    script
}

/// `cmd` with `ids` as the values offered for the scenario arguments. Only
/// for generating completions: parsing still takes any id and says "no
/// scenario" (with a suggestion) itself.
fn with_scenario_ids(cmd: clap::Command, ids: &[String]) -> clap::Command {
    let values = || {
        clap::builder::PossibleValuesParser::new(
            ids.iter()
                .map(|i| clap::builder::PossibleValue::new(clap::builder::Str::from(i.clone()))),
        )
    };
    cmd.mut_subcommand("play", |c| c.mut_arg("id", |a| a.value_parser(values())))
        .mut_subcommand("show", |c| c.mut_arg("id", |a| a.value_parser(values())))
        .mut_subcommand("validate", |c| {
            c.mut_arg("paths", |a| a.value_parser(values()))
        })
}

/// `faultline man`: the man page (roff) of `cmd`, the binary's clap
/// definition; with `dir`, every page (`faultline.1` and one per subcommand,
/// `faultline-play.1`, ...) written there instead, and their paths listed.
pub fn man(cmd: clap::Command, dir: Option<&Path>) -> Result<String, CliError> {
    let Some(dir) = dir else {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut buf)
            .map_err(|e| CliError::Input(format!("cannot render the man page: {e}")))?;
        return Ok(String::from_utf8_lossy(&buf).into_owned());
    };
    let fail = |e: std::io::Error| CliError::Input(format!("--dir {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    // The command and its subcommands, at every depth (`faultline-live-start.1`).
    fn pages(cmd: &clap::Command, into: &mut Vec<clap::Command>) {
        into.push(cmd.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            pages(sub, into);
        }
    }
    let mut all = Vec::new();
    pages(&cmd, &mut all);
    let mut out = String::new();
    for page in all {
        let path = clap_mangen::Man::new(page).generate_to(dir).map_err(fail)?;
        let _ = writeln!(out, "{}", path.display());
    }
    Ok(out)
}

/// Runs `job` for every index in `0..n` on every core, and returns the
/// results it gave (`Some`) with their indices, in index order.
fn on_every_core<R: Send>(n: u64, job: impl Fn(u64) -> Option<R> + Sync) -> Vec<(u64, R)> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let threads = u64::try_from(cores).unwrap_or(1).min(n);
    if threads <= 1 {
        return (0..n).filter_map(|i| job(i).map(|r| (i, r))).collect();
    }
    let next = AtomicU64::new(0);
    let worker = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return mine;
            }
            if let Some(r) = job(i) {
                mine.push((i, r));
            }
        }
    };
    let mut all: Vec<(u64, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all
}

#[cfg(test)]
mod tests {
    use super::{list_table, on_every_core, wrap_tags, ListRow};
    use crate::paint::Paint;

    fn rows() -> Vec<ListRow> {
        let row = |id: &str, title: &str, d: u8, tags: &[&str]| ListRow {
            id: id.into(),
            title: title.into(),
            difficulty: d,
            tags: tags.iter().map(|t| t.to_string()).collect(),
        };
        vec![
            row(
                "nat-route-missing",
                "Checkout deploy stuck waiting for stability",
                2,
                &["networking", "nat", "deployment"],
            ),
            row(
                "two-zones-two-faults",
                "Flash-sale scale-out fails in both zones, for different reasons",
                5,
                &[
                    "compound",
                    "networking",
                    "capacity",
                    "subnets",
                    "load-balancer",
                ],
            ),
            row("bare", "No tags", 1, &[]),
        ]
    }

    #[test]
    fn a_pipe_gets_one_line_per_row_and_nothing_cut() {
        let t = list_table(&rows(), None, Paint::plain());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(lines[2].ends_with("compound, networking, capacity, subnets, load-balancer"));
        assert!(lines[2].contains("for different reasons"));
        assert!(
            lines[3].ends_with("*...."),
            "no trailing spaces: {:?}",
            lines[3]
        );
        assert!(!t.contains('…'));
    }

    #[test]
    fn a_terminal_wraps_tags_then_cuts_titles_to_fit() {
        for width in [60, 70, 80, 100, 120, 160] {
            let t = list_table(&rows(), Some(width), Paint::plain());
            for line in t.lines() {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            if width < 80 {
                continue;
            }
            // Every tag is there, in order, across the wrapped lines.
            let tags: String = t
                .lines()
                .map(|l| {
                    l.get(l.find(" *").map_or(0, |i| i + 12)..)
                        .unwrap_or("")
                        .trim()
                })
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                tags.contains("compound, networking, capacity,"),
                "{width}: {t}"
            );
            assert!(tags.contains("load-balancer"), "{width}: {t}");
        }
        // Wide enough: the same as a pipe.
        let wide = list_table(&rows(), Some(200), Paint::plain());
        assert_eq!(wide, list_table(&rows(), None, Paint::plain()));
        // Narrow: titles are cut, ids never.
        let narrow = list_table(&rows(), Some(70), Paint::plain());
        assert!(
            narrow.contains('…') && narrow.contains("two-zones-two-faults"),
            "{narrow}"
        );
    }

    #[test]
    fn tags_wrap_between_tags_and_a_long_one_is_cut() {
        let tags: Vec<String> = ["networking", "nat", "deployment"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        assert_eq!(wrap_tags(&tags, 16), ["networking, nat,", "deployment"]);
        assert_eq!(wrap_tags(&tags, 100), ["networking, nat, deployment"]);
        assert_eq!(
            wrap_tags(&["a-very-long-tag-indeed".into()], 10),
            ["a-very-lo…"]
        );
        assert!(wrap_tags(&[], 10).is_empty());
    }

    #[test]
    fn on_every_core_keeps_index_order_and_drops_nones() {
        let got = on_every_core(1000, |i| (i % 3 == 0).then_some(i * 2));
        let want: Vec<(u64, u64)> = (0..1000)
            .filter(|i| i % 3 == 0)
            .map(|i| (i, i * 2))
            .collect();
        assert_eq!(got, want);
        assert!(on_every_core(0, Some).is_empty());
        assert_eq!(on_every_core(1, Some), [(0, 0)]);
    }
}
