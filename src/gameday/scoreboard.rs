//! The scoreboard: session reports (`faultline play --report FILE`) read
//! back — or event streams (`--events FILE.jsonl`, the session journal),
//! replayed into the report of the session so far, so a board can follow
//! games still being played — grouped by scenario and seed (a game day's
//! rounds), and ranked in each group: by total, then healed before not, then the faster heal, then
//! fewer wrong diagnoses and fewer hints. Rendered as a terminal table or
//! Markdown here, as HTML in [`super::html`].

use super::Error;
use crate::game::grade::report::SCHEMA;
use crate::game::journal::Journal;
use crate::game::{Clock, Game, SCRIPT_STEP};
use crate::scenario::{Library, Scenario};
use crate::time::{Dur, Millis, SECOND};
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The fields of a report the scoreboard reads (the report has more; see
/// [`crate::game::grade::report::Report`]).
#[derive(Debug, Clone, Deserialize)]
struct Sheet {
    scenario: String,
    title: String,
    seed: u64,
    #[serde(default)]
    player: Option<String>,
    #[serde(default)]
    team: Option<String>,
    elapsed_ms: Millis,
    diagnoses: Vec<DiagnosisSeen>,
    fix_errors: u32,
    verdict: Option<VerdictSeen>,
    hints: Vec<serde_json::Value>,
    score: ScoreSeen,
}

#[derive(Debug, Clone, Deserialize)]
struct DiagnosisSeen {
    cause_correct: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct VerdictSeen {
    healed: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct ScoreSeen {
    total: i32,
    grade: String,
    parts: Vec<PartSeen>,
}

#[derive(Debug, Clone, Deserialize)]
struct PartSeen {
    name: String,
    points: i32,
    max: i32,
}

/// One session on the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The report it was read from.
    pub file: PathBuf,
    /// The player (`--player`), if named.
    pub player: Option<String>,
    /// The team (`--team`), if named.
    pub team: Option<String>,
    /// Score, 0 to 100.
    pub total: i32,
    /// Letter grade.
    pub grade: String,
    /// Virtual time from arrival to the submission that healed the service; None if not healed.
    pub time_to_heal: Option<Millis>,
    /// Virtual time spent, healed or not.
    pub elapsed: Millis,
    /// Whether the player submitted a fix.
    pub submitted: bool,
    /// Points per part of the score, summed by part name, in the board's part order.
    pub parts: Vec<i32>,
    /// Diagnoses whose cause was wrong.
    pub wrong: usize,
    /// Fix commands AWS refused.
    pub refused: u32,
    /// Hints taken.
    pub hints: usize,
}

impl Row {
    /// The time to heal, or why there is none and the time spent.
    pub fn healed_in(&self) -> String {
        match self.time_to_heal {
            Some(t) => duration(t),
            None if self.submitted => format!("not healed ({})", duration(self.elapsed)),
            None => format!("not submitted ({})", duration(self.elapsed)),
        }
    }

    /// Who the row is: team and player, or either, else the report's file name.
    pub fn label(&self) -> String {
        match (&self.team, &self.player) {
            (Some(t), Some(p)) => format!("{t} ({p})"),
            (Some(n), None) | (None, Some(n)) => n.clone(),
            (None, None) => self
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// A column of score parts: its name and most points (0 for deductions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartColumn {
    /// The part's name, as the report names it (`cause`, `hint`, ...).
    pub name: String,
    /// Most points it can give; 0 for a deduction.
    pub max: i32,
}

/// The sessions of one scenario at one seed, ranked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Scenario id.
    pub scenario: String,
    /// Its title.
    pub title: String,
    /// Seed.
    pub seed: u64,
    /// The score parts seen in this group, in the order the reports give them.
    pub columns: Vec<PartColumn>,
    /// Rank (ties share one) and row, best first.
    pub rows: Vec<(usize, Row)>,
}

/// The whole board: one group per scenario and seed, in the order first read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Board {
    /// The groups.
    pub groups: Vec<Group>,
}

/// The report files named: files as given, folders as their `*.json`
/// reports and `*.jsonl` event streams (not recursive; a stream with a report
/// of the same name beside it is left out: the report is the session's end),
/// sorted by name.
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut here = json_files(p)?;
            if here.is_empty() {
                return Err(Error::Empty(p.clone()));
            }
            out.append(&mut here);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The `*.json` reports and `*.jsonl` event streams of a folder, sorted; a
/// stream whose report (`X.json` beside `X.jsonl`) is there is left out.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && (is_report(p) || is_stream(p)))
        .collect();
    out.sort();
    let reports: Vec<PathBuf> = out.iter().filter(|p| is_report(p)).cloned().collect();
    out.retain(|p| !is_stream(p) || !reports.contains(&p.with_extension("json")));
    Ok(out)
}

fn is_report(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "json")
}

fn is_stream(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "jsonl")
}

/// The report of an event stream's session so far: its commands played again
/// on the scenario of `lib` at its seed, as `faultline report` does.
fn replay(path: &Path, lib: &Library) -> Result<serde_json::Value, Error> {
    let not = |why: String| Error::NotReport {
        path: path.to_path_buf(),
        why,
    };
    let journal = Journal::read(path).map_err(|e| {
        // Journal errors start with the path already.
        let shown = path.display().to_string();
        not(e
            .strip_prefix(&shown)
            .map(|r| r.trim_start_matches(':').trim_start().to_string())
            .unwrap_or(e))
    })?;
    let file = lib.file(&journal.scenario);
    if !lib.exists(&file) {
        return Err(not(format!(
            "its scenario '{}' is not in {lib} (give --scenarios DIR)",
            journal.scenario
        )));
    }
    let scenario = Scenario::open(lib, &file)?;
    let inst = scenario.incident(journal.seed)?;
    let mut game = Game::new(scenario, inst, Clock::Step(SCRIPT_STEP));
    let player = journal.replay(&mut game).map_err(not)?;
    serde_json::to_value(game.report(&player)).map_err(|e| not(e.to_string()))
}

/// Largest report read, in bytes (a session's report is tens of kilobytes).
const MAX_REPORT_BYTES: u64 = 16 << 20;

/// Reads one report, or replays one event stream, into a row (with its group's identity).
fn read_one(path: &Path, lib: &Library) -> Result<(Sheet, Row), Error> {
    let not = |why: String| Error::NotReport {
        path: path.to_path_buf(),
        why,
    };
    if is_stream(path) {
        let value = replay(path, lib)?;
        return row_of(path, value);
    }
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > MAX_REPORT_BYTES {
        return Err(not(format!(
            "{} bytes; a report is at most {MAX_REPORT_BYTES}",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| not(format!("not JSON ({e})")))?;
    row_of(path, value)
}

/// A report's row, once its schema is checked.
fn row_of(path: &Path, value: serde_json::Value) -> Result<(Sheet, Row), Error> {
    let not = |why: String| Error::NotReport {
        path: path.to_path_buf(),
        why,
    };
    let schema = value.get("schema").ok_or_else(|| {
        not("no `schema` field (write one with `faultline play --report FILE`)".into())
    })?;
    let schema = schema
        .as_u64()
        .ok_or_else(|| not(format!("`schema` is {schema}, not a number")))?;
    if schema != u64::from(SCHEMA) {
        return Err(Error::Schema {
            path: path.to_path_buf(),
            found: schema,
            expected: SCHEMA,
        });
    }
    let sheet: Sheet = serde_json::from_value(value).map_err(|e| not(e.to_string()))?;
    let healed = sheet.verdict.as_ref().is_some_and(|v| v.healed);
    let row = Row {
        file: path.to_path_buf(),
        player: sheet.player.clone(),
        team: sheet.team.clone(),
        total: sheet.score.total,
        grade: sheet.score.grade.clone(),
        time_to_heal: healed.then_some(sheet.elapsed_ms),
        elapsed: sheet.elapsed_ms,
        submitted: sheet.verdict.is_some(),
        parts: Vec::new(),
        wrong: sheet.diagnoses.iter().filter(|d| !d.cause_correct).count(),
        refused: sheet.fix_errors,
        hints: sheet.hints.len(),
    };
    Ok((sheet, row))
}

/// Reads every report and ranks them; any file that is not a readable
/// report of this schema is an error naming it (all such files, one a line).
pub fn read(paths: &[PathBuf], lib: &Library) -> Result<Board, Error> {
    let files = files(paths)?;
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for f in &files {
        match read_one(f, lib) {
            Ok(r) => ok.push(r),
            Err(e) => bad.push(e),
        }
    }
    match bad.len() {
        0 => Ok(rank(ok)),
        1 => Err(bad.remove(0)),
        _ => Err(Error::Many(bad)),
    }
}

/// Reads what can be read (a report still being written is skipped, with
/// its error, and read again next time): for `--watch`.
pub fn read_lenient(paths: &[PathBuf], lib: &Library) -> (Board, Vec<Error>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for p in paths {
        let here = if p.is_dir() {
            match json_files(p) {
                Ok(f) => f,
                Err(e) => {
                    bad.push(e);
                    continue;
                }
            }
        } else {
            vec![p.clone()]
        };
        for f in here {
            match read_one(&f, lib) {
                Ok(r) => ok.push(r),
                Err(e) => bad.push(e),
            }
        }
    }
    (rank(ok), bad)
}

/// Ranks reports already in hand (a server's sessions so far, as
/// [`crate::game::Game::report`] gives them), each named by the path its row
/// is read as; one that is not a report of this schema is left out, with its error.
pub fn rank_reports(reports: Vec<(PathBuf, serde_json::Value)>) -> (Board, Vec<Error>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (path, value) in reports {
        match row_of(&path, value) {
            Ok(r) => ok.push(r),
            Err(e) => bad.push(e),
        }
    }
    (rank(ok), bad)
}

/// Groups by scenario and seed, and ranks each group.
fn rank(read: Vec<(Sheet, Row)>) -> Board {
    let mut groups: Vec<(Group, Vec<(Sheet, Row)>)> = Vec::new();
    for (sheet, row) in read {
        let at = groups
            .iter()
            .position(|(g, _)| g.scenario == sheet.scenario && g.seed == sheet.seed);
        let i = match at {
            Some(i) => i,
            None => {
                groups.push((
                    Group {
                        scenario: sheet.scenario.clone(),
                        title: sheet.title.clone(),
                        seed: sheet.seed,
                        columns: Vec::new(),
                        rows: Vec::new(),
                    },
                    Vec::new(),
                ));
                groups.len() - 1
            }
        };
        groups[i].1.push((sheet, row));
    }
    let groups = groups
        .into_iter()
        .map(|(mut g, members)| {
            // The part columns: every name seen, in first-seen order; a part that
            // repeats (one `hint` part per hint) is summed.
            for (s, _) in &members {
                for p in &s.score.parts {
                    match g.columns.iter_mut().find(|c| c.name == p.name) {
                        Some(c) => c.max = c.max.max(p.max),
                        None => g.columns.push(PartColumn {
                            name: p.name.clone(),
                            max: p.max,
                        }),
                    }
                }
            }
            let mut rows: Vec<Row> = members
                .into_iter()
                .map(|(s, mut r)| {
                    r.parts = g
                        .columns
                        .iter()
                        .map(|c| {
                            s.score
                                .parts
                                .iter()
                                .filter(|p| p.name == c.name)
                                .map(|p| p.points)
                                .sum()
                        })
                        .collect();
                    r
                })
                .collect();
            rows.sort_by(|a, b| {
                order_key(a)
                    .cmp(&order_key(b))
                    .then_with(|| a.label().cmp(&b.label()))
                    .then_with(|| a.file.cmp(&b.file))
            });
            let mut ranked: Vec<(usize, Row)> = Vec::with_capacity(rows.len());
            for (i, r) in rows.into_iter().enumerate() {
                let rank = match ranked.last() {
                    Some((k, prev)) if tie_key(prev) == tie_key(&r) => *k,
                    _ => i + 1,
                };
                ranked.push((rank, r));
            }
            g.rows = ranked;
            g
        })
        .collect();
    Board { groups }
}

/// Sort key, best first: higher total, healed, faster heal, fewer wrong diagnoses, fewer hints.
fn order_key(r: &Row) -> (i32, bool, Millis, usize, usize) {
    let (total, unhealed, time) = tie_key(r);
    (total, unhealed, time, r.wrong, r.hints)
}

/// What must be equal for two rows to share a rank: total and time to heal.
fn tie_key(r: &Row) -> (i32, bool, Millis) {
    (
        -r.total,
        r.time_to_heal.is_none(),
        r.time_to_heal.unwrap_or(Millis::MAX),
    )
}

/// A duration as the game prints it, to the second.
pub fn duration(ms: Millis) -> String {
    Dur(ms / SECOND * SECOND).to_string()
}

impl Group {
    /// The heading of a group: scenario, title, seed, how many sessions.
    pub fn heading(&self) -> String {
        format!(
            "{} — {} (seed {}), {} session{}",
            self.scenario,
            self.title,
            self.seed,
            self.rows.len(),
            if self.rows.len() == 1 { "" } else { "s" }
        )
    }

    /// A part's column header: `cause/30`, or the name of a deduction.
    fn part_header(c: &PartColumn) -> String {
        if c.max > 0 {
            format!("{}/{}", c.name, c.max)
        } else {
            c.name.clone()
        }
    }

    /// The table's header and cells, as text.
    fn cells(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header: Vec<String> = ["#", "player", "team", "total", "grade", "healed in"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        header.extend(self.columns.iter().map(Group::part_header));
        header.extend(
            ["wrong tries", "refused fixes", "hints taken"]
                .iter()
                .map(|s| s.to_string()),
        );
        let rows = self
            .rows
            .iter()
            .map(|(rank, r)| {
                let mut c = vec![
                    rank.to_string(),
                    r.player.clone().unwrap_or_else(|| {
                        if r.team.is_none() {
                            r.label()
                        } else {
                            "-".into()
                        }
                    }),
                    r.team.clone().unwrap_or_else(|| "-".into()),
                    r.total.to_string(),
                    r.grade.clone(),
                    r.healed_in(),
                ];
                c.extend(r.parts.iter().map(i32::to_string));
                c.push(r.wrong.to_string());
                c.push(r.refused.to_string());
                c.push(r.hints.to_string());
                c
            })
            .collect();
        (header, rows)
    }
}

impl Board {
    /// Sessions on the board.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.rows.len()).sum()
    }

    /// Whether the board has no session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A note when the reports are of several scenarios or seeds: each is ranked on its own.
    fn mixed_note(&self) -> Option<String> {
        (self.groups.len() > 1).then(|| {
            format!(
                "{} rounds (scenario and seed): each is ranked on its own.",
                self.groups.len()
            )
        })
    }

    /// The terminal table: one per group, columns aligned.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        if let Some(n) = self.mixed_note() {
            let _ = writeln!(o, "{n}\n");
        }
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                o.push('\n');
            }
            let _ = writeln!(o, "{}", g.heading());
            let (header, rows) = g.cells();
            let width = |k: usize| {
                rows.iter()
                    .map(|r| r[k].chars().count())
                    .chain([header[k].chars().count()])
                    .max()
                    .unwrap_or(0)
            };
            let widths: Vec<usize> = (0..header.len()).map(width).collect();
            let line = |cells: &[String]| {
                let mut l = String::new();
                for (k, c) in cells.iter().enumerate() {
                    // Names and words left, numbers right.
                    let numeric = k == 0 || (k >= 3 && k != 4 && k != 5);
                    let pad = widths[k].saturating_sub(c.chars().count());
                    if k > 0 {
                        l.push_str("  ");
                    }
                    if numeric {
                        l.push_str(&" ".repeat(pad));
                        l.push_str(c);
                    } else {
                        l.push_str(c);
                        l.push_str(&" ".repeat(pad));
                    }
                }
                l.trim_end().to_string()
            };
            let _ = writeln!(o, "{}", line(&header));
            for r in &rows {
                let _ = writeln!(o, "{}", line(r));
            }
        }
        o
    }

    /// Markdown: a heading and a table per group.
    pub fn to_markdown(&self) -> String {
        let mut o = String::from("# Scoreboard\n\n");
        if let Some(n) = self.mixed_note() {
            let _ = writeln!(o, "{n}\n");
        }
        for g in &self.groups {
            let _ = writeln!(o, "## {}\n", md(&g.heading()));
            let (header, rows) = g.cells();
            let _ = writeln!(
                o,
                "| {} |",
                header.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | ")
            );
            let _ = writeln!(
                o,
                "|{}",
                header
                    .iter()
                    .enumerate()
                    .map(|(k, _)| if k == 1 || k == 2 || k == 5 {
                        "---|"
                    } else {
                        "---:|"
                    })
                    .collect::<String>()
            );
            for r in &rows {
                let _ = writeln!(
                    o,
                    "| {} |",
                    r.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ")
                );
            }
            o.push('\n');
        }
        o
    }
}

/// Text made safe in a Markdown table cell (names are the players' own).
fn md(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#'
        ) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// A fingerprint of the reports under `paths` (names, sizes, modification
/// times): `--watch` re-reads and re-prints only when it changes.
pub fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    for p in paths {
        let files = if p.is_dir() {
            json_files(p).unwrap_or_default()
        } else {
            vec![p.clone()]
        };
        for f in files {
            let meta = std::fs::metadata(&f).ok();
            out.push((
                f,
                meta.as_ref().map_or(0, |m| m.len()),
                meta.and_then(|m| m.modified().ok()),
            ));
        }
    }
    out
}

/// How the board is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, for a terminal.
    Table,
    /// Markdown tables, for a chat or a wiki.
    Markdown,
    /// One self-contained HTML page with charts.
    Html,
}

/// The board in `format`; `refresh` makes an HTML page reload itself.
pub fn render(board: &Board, format: Format, refresh: Option<u32>) -> String {
    match format {
        Format::Table => board.to_text(),
        Format::Markdown => board.to_markdown(),
        Format::Html => super::html::render(board, super::html::Page { refresh }),
    }
}

/// Writes `text` to `path` whole: into a file beside it, then renamed over
/// it, so a reader (a browser, a watcher interrupted mid-write) never sees half.
pub fn write_whole(path: &Path, text: &str) -> Result<(), Error> {
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).map_err(werr)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        werr(e)
    })
}

/// `faultline scoreboard`: reads the reports, ranks them and returns the
/// board in `format`, or writes it to `out` and says so.
pub fn run(
    paths: &[PathBuf],
    lib: &Library,
    format: Format,
    out: Option<&Path>,
) -> Result<String, Error> {
    let board = read(paths, lib)?;
    let text = render(&board, format, None);
    match out {
        None => Ok(text),
        Some(p) => {
            write_whole(p, &text)?;
            Ok(format!(
                "wrote {} ({} session{} in {} round{})\n",
                p.display(),
                board.len(),
                if board.len() == 1 { "" } else { "s" },
                board.groups.len(),
                if board.groups.len() == 1 { "" } else { "s" },
            ))
        }
    }
}

/// How `--watch` runs.
#[derive(Debug, Clone)]
pub struct Watch {
    /// Time between two reads of the reports.
    pub every: std::time::Duration,
    /// When to stop (the watch is bounded).
    pub until: std::time::Duration,
    /// Whether to clear the screen before each board (on a terminal).
    pub clear: bool,
}

/// `faultline scoreboard --watch`: reads the reports now and again every
/// `every` until `until` has passed, and when they changed writes the board
/// anew (to `screen`, or to `out` with a line on `screen`). A report that
/// does not read yet (being written) is named on `errors` and read again
/// when it changes. Interrupting it (Ctrl-C) loses nothing: `out` is only
/// ever replaced whole.
pub fn watch(
    paths: &[PathBuf],
    lib: &Library,
    format: Format,
    out: Option<&Path>,
    how: &Watch,
    screen: &mut dyn std::io::Write,
    errors: &mut dyn std::io::Write,
) -> Result<(), Error> {
    for p in paths {
        if !p.exists() {
            return Err(Error::Read {
                path: p.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
    }
    let werr = |source| Error::Write {
        path: PathBuf::from("<stdout>"),
        source,
    };
    let start = std::time::Instant::now();
    let places: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut last = None;
    loop {
        let seen = fingerprint(paths);
        if last.as_ref() != Some(&seen) {
            let (board, bad) = read_lenient(paths, lib);
            let refresh = (format == Format::Html && out.is_some())
                .then(|| how.every.as_secs().max(2) as u32);
            let text = render(&board, format, refresh);
            let status = format!(
                "[{}] {} session{} in {} round{}; watching {} every {}s until {} (Ctrl-C stops)",
                duration(start.elapsed().as_millis() as Millis),
                board.len(),
                if board.len() == 1 { "" } else { "s" },
                board.groups.len(),
                if board.groups.len() == 1 { "" } else { "s" },
                places.join(", "),
                how.every.as_secs_f64(),
                duration(how.until.as_millis() as Millis),
            );
            match out {
                Some(p) => {
                    write_whole(p, &text)?;
                    writeln!(screen, "{status}; wrote {}", p.display()).map_err(werr)?;
                }
                None => {
                    if how.clear {
                        write!(screen, "\x1b[2J\x1b[H").map_err(werr)?;
                    }
                    if board.is_empty() {
                        writeln!(screen, "No reports yet.").map_err(werr)?;
                    } else {
                        write!(screen, "{text}").map_err(werr)?;
                    }
                    writeln!(screen, "\n{status}").map_err(werr)?;
                }
            }
            screen.flush().map_err(werr)?;
            for e in &bad {
                let _ = writeln!(errors, "skipped for now: {e}");
            }
            last = Some(seen);
        }
        let spent = start.elapsed();
        if spent >= how.until {
            let _ = writeln!(
                screen,
                "Watch ended after {}.",
                duration(how.until.as_millis() as Millis)
            );
            return Ok(());
        }
        std::thread::sleep(how.every.min(how.until - spent));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(total: i32, heal: Option<Millis>, wrong: usize, name: &str) -> Row {
        Row {
            file: PathBuf::from(format!("{name}.json")),
            player: Some(name.into()),
            team: None,
            total,
            grade: "A".into(),
            time_to_heal: heal,
            elapsed: heal.unwrap_or(600_000),
            submitted: true,
            parts: Vec::new(),
            wrong,
            refused: 0,
            hints: 0,
        }
    }

    #[test]
    fn ties_on_total_and_time_share_a_rank_and_wrong_attempts_break_order_only() {
        let mut rows = [
            row(80, Some(300_000), 0, "c"),
            row(95, Some(400_000), 0, "a"),
            row(80, Some(300_000), 1, "b"),
            row(80, None, 0, "d"),
            row(80, Some(200_000), 2, "e"),
        ];
        rows.sort_by_key(order_key);
        let names: Vec<&str> = rows.iter().map(|r| r.player.as_deref().unwrap()).collect();
        assert_eq!(names, ["a", "e", "c", "b", "d"]);
        assert_eq!(tie_key(&rows[2]), tie_key(&rows[3]));
        assert_ne!(tie_key(&rows[1]), tie_key(&rows[2]));
    }

    #[test]
    fn markdown_cells_escape_what_would_break_the_table() {
        assert_eq!(md("a|b <i>"), "a\\|b \\<i\\>");
    }
}
