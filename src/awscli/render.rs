//! Rendering a response as the AWS CLI does: `--query` (JMESPath) first, then
//! `--output json|text|table`.
//!
//! This is a port of AWS CLI v2's `awscli/formatter.py`, `awscli/text.py` and
//! `awscli/table.py`, down to Python's `str()` of values (`True`, `None`,
//! `1e-05`), `json.dumps(indent=4, ensure_ascii=False)` and the table's
//! banker's rounding of column widths. Queries run on the `jmespath` crate's
//! interpreter, with the functions the Python `jmespath` package behaves
//! differently in (numbers, key order, argument errors) replaced so results
//! and errors read as the CLI's. It reads nothing but its arguments and keeps
//! no state; colour and the terminal's width are not its business (tables are
//! laid out for the 80 columns the CLI assumes when stdout is not a terminal).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jmespath::ast::Ast;
use jmespath::{Context, ErrorReason, JmespathError, Rcvar, Runtime, RuntimeError, Variable};
use serde_json::ser::{CharEscape, Formatter};
use serde_json::{Map, Number, Value};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `--output json`, the default.
    Json,
    /// `--output text`: tab-separated rows.
    Text,
    /// `--output table`: an ASCII table.
    Table,
}

/// The CLI's `--output` choices, in its order (`awscli/data/cli.json`).
const OUTPUT_CHOICES: [&str; 5] = ["json", "text", "table", "yaml", "yaml-stream"];

impl Output {
    /// Parses an `--output` value, failing with the CLI's argparse message.
    pub fn parse(s: &str) -> Result<Output, String> {
        match s {
            "json" => Ok(Output::Json),
            "text" => Ok(Output::Text),
            "table" => Ok(Output::Table),
            "yaml" | "yaml-stream" => Err(format!(
                "aws: error: argument --output: {s} output is not available in the game; use json, text or table"
            )),
            _ => Err(format!(
                "aws: error: argument --output: {}",
                invalid_choice(s, &OUTPUT_CHOICES)
            )),
        }
    }
}

/// Why rendering failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The query is malformed or failed while running (or, rarely, the table
    /// formatter cannot lay its result out); the text is what the CLI prints.
    #[error("{0}")]
    Query(String),
}

/// Columns the CLI lays tables out for when it cannot ask a terminal.
const TERMINAL_WIDTH: usize = 80;

/// Applies `--query` (if any) and renders.
///
/// `title` is the operation's API name (e.g. "DescribeTasks"), used as the
/// table title as the CLI does. A `Value::String` response from an operation
/// that prints plain text (logs tail) is returned as is regardless of output
/// (and of the query, which is still checked for syntax, as the CLI does for
/// every command).
pub fn render(
    value: &Value,
    query: Option<&str>,
    output: Output,
    title: &str,
) -> Result<String, RenderError> {
    // The CLI compiles `--query` while parsing arguments, before any call.
    let query = query.map(Query::compile).transpose()?;
    if let Value::String(text) = value {
        return Ok(text.clone());
    }
    let searched;
    let result = match &query {
        None => value,
        Some(q) => {
            searched = q.search(value)?;
            &searched
        }
    };
    match output {
        Output::Json => Ok(json_output(result)),
        Output::Text => text_output(result),
        Output::Table => table_output(result, title, Some(TERMINAL_WIDTH)),
    }
}

// ---------------------------------------------------------------------------
// --output json (formatter.py JSONFormatter)

/// `json.dump(response, indent=4, ensure_ascii=False)` and a newline, unless
/// the response is `{}` (`if response != {}`); `null` prints as `null`.
fn json_output(value: &Value) -> String {
    if value.as_object().is_some_and(Map::is_empty) {
        return String::new();
    }
    let mut out = py_json(value, true, false);
    out.push('\n');
    out
}

/// `json.dumps(value, separators=(',', ':'))`, as JMESPath's `to_string`.
fn compact_json_ascii(value: &Value) -> String {
    py_json(value, false, true)
}

/// `value` as Python's `json` writes it: with `indent=4` if `pretty`, else
/// with `separators=(',', ':')`; `ascii` is `ensure_ascii`. serde_json's
/// serializer walks the value and finds the characters to escape; [`PyJson`]
/// decides how each piece is written.
fn py_json(value: &Value, pretty: bool, ascii: bool) -> String {
    let formatter = PyJson {
        pretty,
        ascii,
        level: 0,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(Vec::with_capacity(1024), formatter);
    // A `Value` always serializes (its keys are strings) and a `Vec` never
    // fails to take bytes.
    serde::Serialize::serialize(value, &mut ser).expect("a JSON value serializes into memory");
    // serde_json copies the input's UTF-8 and writes only ASCII of its own.
    String::from_utf8(ser.into_inner()).expect("serde_json writes UTF-8")
}

/// A serde_json [`Formatter`] for Python's `json`
/// module (`json.encoder`): floats as `repr(float)` (`1e-05`, `1e+16`), the
/// escapes `\" \\ \n \r \t \b \f` and `\u00XX` in lowercase for other
/// control characters, and with `ensure_ascii` every character past `~` as
/// `\uXXXX` (UTF-16 surrogate pairs beyond the BMP). Pretty output indents by
/// four spaces a level, separates items with `,` (no trailing space) and keys
/// with `: `, and prints empty containers as `[]` and `{}`; compact output
/// uses `,` and `:`.
struct PyJson {
    /// `indent=4` rather than `separators=(',', ':')`.
    pretty: bool,
    /// `ensure_ascii`.
    ascii: bool,
    /// The depth of containers open.
    level: usize,
    /// Whether the innermost open container has had an item.
    has_value: bool,
}

/// Spaces for indentation, written a slice at a time.
const SPACES: [u8; 64] = [b' '; 64];

impl PyJson {
    /// Before an item: the separator, then (pretty) a new line indented to the level.
    fn item<W: ?Sized + io::Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        if !self.pretty {
            return if first { Ok(()) } else { w.write_all(b",") };
        }
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w, self.level)
    }

    fn indent<W: ?Sized + io::Write>(&self, w: &mut W, level: usize) -> io::Result<()> {
        let mut n = 4 * level;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.pretty && self.has_value {
            w.write_all(b"\n")?;
            self.indent(w, self.level)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for PyJson {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.pretty { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(py_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(w, f64::from(value))
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !self.ascii {
            return w.write_all(fragment.as_bytes());
        }
        // Runs of printable ASCII go out as they are; `~` is the last one
        // `ensure_ascii` leaves alone.
        let bytes = fragment.as_bytes();
        let mut run = 0;
        for (i, c) in fragment.char_indices() {
            if c > '~' {
                w.write_all(&bytes[run..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write_u_escape(w, *unit)?;
                }
                run = i + c.len_utf8();
            }
        }
        w.write_all(&bytes[run..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let short: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            // Python leaves `/` alone; serde_json never asks for this.
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => return write_u_escape(w, u16::from(byte)),
        };
        w.write_all(short)
    }
}

/// `\uXXXX` with lowercase hex digits, as Python writes it.
fn write_u_escape<W: ?Sized + io::Write>(w: &mut W, unit: u16) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u16| HEX[usize::from((unit >> shift) & 0xf)];
    w.write_all(&[b'\\', b'u', digit(12), digit(8), digit(4), digit(0)])
}

// ---------------------------------------------------------------------------
// Python's view of values

/// Python's `str()` of a decoded JSON value (`True`, `None`, `1e-05`).
fn py_str(value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => py_number(n),
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => py_repr(value),
    }
}

/// Python's `repr()` of a decoded JSON value.
fn py_repr(value: &Value) -> String {
    match value {
        Value::String(s) => py_repr_str(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        scalar => py_str(scalar),
    }
}

/// Python's `repr()` of a string: single quotes unless it holds only `'`.
fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c < ' ' || ('\u{7f}'..='\u{a0}').contains(&c) || c == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A number as Python prints it: ints as digits, floats as `repr(float)`.
fn py_number(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() => py_float(f),
        _ => n.to_string(),
    }
}

/// `repr(float)`: the shortest round-trip digits, positional for exponents
/// -4..16 (always with a fraction), else `d.ddde+XX`.
fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let body = if (-4..16).contains(&exp) {
        if exp >= 0 {
            let whole = exp.unsigned_abs() as usize + 1;
            if digits.len() <= whole {
                format!("{digits}{}.0", "0".repeat(whole - digits.len()))
            } else {
                format!("{}.{}", &digits[..whole], &digits[whole..])
            }
        } else {
            let zeros = exp.unsigned_abs() as usize - 1;
            format!("0.{}{digits}", "0".repeat(zeros))
        }
    } else {
        let mantissa = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    };
    if f < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

/// Python's type name of a value (`type(v).__name__`).
fn py_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python's truth value of a decoded JSON value.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

// ---------------------------------------------------------------------------
// --output text (text.py)

fn text_output(value: &Value) -> Result<String, RenderError> {
    let mut out = String::new();
    format_text(value, None, None, &mut out)?;
    Ok(out)
}

fn format_text(
    item: &Value,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) -> Result<(), RenderError> {
    match item {
        Value::Object(map) => format_text_dict(map, identifier, scalar_keys, out),
        Value::Array(items) => format_text_list(items, identifier, out),
        scalar => {
            out.push_str(&py_str(scalar));
            out.push('\n');
            Ok(())
        }
    }
}

fn format_text_list(
    items: &[Value],
    identifier: Option<&str>,
    out: &mut String,
) -> Result<(), RenderError> {
    if items.iter().any(Value::is_object) {
        // `_all_scalar_keys` calls `.items()` on every element.
        let mut keys = BTreeSet::new();
        for item in items {
            let map = item.as_object().ok_or_else(|| {
                RenderError::Query(format!(
                    "'{}' object has no attribute 'items'",
                    py_type(item)
                ))
            })?;
            keys.extend(
                map.iter()
                    .filter(|(_, v)| is_scalar(v))
                    .map(|(k, _)| k.clone()),
            );
        }
        let keys: Vec<String> = keys.into_iter().collect();
        for item in items {
            format_text(item, identifier, Some(&keys), out)?;
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, nested): (Vec<&Value>, Vec<&Value>) =
            items.iter().partition(|v| is_scalar(v));
        if !scalars.is_empty() {
            format_text_scalars(&scalars, identifier, out);
        }
        for item in nested {
            format_text(item, identifier, None, out)?;
        }
    } else if !items.is_empty() {
        let scalars: Vec<&Value> = items.iter().collect();
        format_text_scalars(&scalars, identifier, out);
    }
    Ok(())
}

fn format_text_scalars(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for item in items {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), py_str(item)));
            }
        }
        None => {
            let cells: Vec<String> = items.iter().map(|v| py_str(v)).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
}

fn format_text_dict(
    map: &Map<String, Value>,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) -> Result<(), RenderError> {
    let mut scalars = Vec::new();
    let mut nested: Vec<(&String, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (key, value) in entries {
                if is_scalar(value) {
                    scalars.push(py_str(value));
                } else {
                    nested.push((key, value));
                }
            }
        }
        Some(keys) => {
            scalars.extend(
                keys.iter()
                    .map(|k| map.get(k).map_or_else(String::new, py_str)),
            );
            let mut rest: Vec<(&String, &Value)> =
                map.iter().filter(|(k, _)| !keys.contains(k)).collect();
            rest.sort_by(|a, b| a.0.cmp(b.0));
            nested = rest;
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in nested {
        format_text(value, Some(key), None, out)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// --output table (formatter.py TableFormatter, table.py MultiTable)

/// Renders a table titled `title`; `terminal_width` `None` never turns
/// single-row sections vertical (the CLI's `auto_reformat=False`).
fn table_output(
    value: &Value,
    title: &str,
    terminal_width: Option<usize>,
) -> Result<String, RenderError> {
    let mut table = Table::default();
    if !table.build(Some(title), value, 0)? {
        return Ok(String::new());
    }
    table.render(terminal_width)
}

/// Display width of a cell. The CLI counts East Asian wide characters twice;
/// responses here are ASCII, so every character counts once.
fn width(text: &str) -> usize {
    text.chars().count()
}

/// One titled block of a table (`table.py` `Section`).
#[derive(Debug, Default)]
struct Section {
    /// `None` is Python's `None` title of a nested list's later sections,
    /// which is not drawn but counts four wide (`len(str(None))`).
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    num_cols: Option<usize>,
    max_widths: Vec<usize>,
}

impl Section {
    fn new(title: Option<String>, indent: usize) -> Section {
        Section {
            title,
            indent,
            ..Section::default()
        }
    }

    fn add_header(&mut self, headers: Vec<String>) -> Result<(), RenderError> {
        self.update_max_widths(&headers)?;
        self.num_cols.get_or_insert(headers.len());
        self.headers = headers;
        Ok(())
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), RenderError> {
        let cols = *self.num_cols.get_or_insert(row.len());
        if row.len() != cols {
            return Err(RenderError::Query(format!(
                "Row should have {cols} elements, instead it has {}",
                row.len()
            )));
        }
        self.update_max_widths(&row)?;
        self.rows.push(row);
        Ok(())
    }

    fn update_max_widths(&mut self, row: &[String]) -> Result<(), RenderError> {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|cell| width(cell)).collect();
            return Ok(());
        }
        for (i, cell) in row.iter().enumerate() {
            let max = self
                .max_widths
                .get_mut(i)
                .ok_or_else(|| RenderError::Query("list index out of range".to_string()))?;
            *max = (*max).max(width(cell));
        }
        Ok(())
    }

    /// `total_width(padding=4, with_border=True, outer_padding=indent)`.
    fn total_width(&self) -> usize {
        let title = self.title.as_deref().map_or(4, width);
        let columns: usize = self.max_widths.iter().map(|w| w + 4).sum();
        (columns + 2 + 2 * self.indent).max(title + 2 + 2 * self.indent)
    }

    /// `calculate_column_widths(padding=4, max_width)`: the widest cells plus
    /// padding, scaled to fill `max_width` with Python's `round`.
    fn column_widths(&self, max_width: i64) -> Vec<i64> {
        let unscaled: Vec<i64> = self.max_widths.iter().map(|w| *w as i64 + 4).collect();
        let total: i64 = unscaled.iter().sum();
        if unscaled.is_empty() || total == 0 {
            return unscaled;
        }
        let scale = max_width as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|w| (scale * *w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled
    }
}

/// The whole table (`table.py` `MultiTable`) and the formatter's walk that
/// fills it (`formatter.py` `TableFormatter._build_table`).
#[derive(Debug, Default)]
struct Table {
    sections: Vec<Section>,
}

impl Table {
    fn new_section(&mut self, title: Option<&str>, indent: usize) {
        self.sections
            .push(Section::new(title.map(str::to_string), indent));
    }

    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.new_section(Some(""), 0);
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    fn build(
        &mut self,
        title: Option<&str>,
        current: &Value,
        indent: usize,
    ) -> Result<bool, RenderError> {
        if !truthy(current) {
            return Ok(false);
        }
        if title.is_some() {
            self.new_section(title, indent);
        }
        match current {
            Value::Array(items) if items[0].is_object() => {
                self.sub_table_from_list(items, indent, title)?
            }
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Array(cells) if cells.iter().all(is_scalar) => {
                            self.current().add_row(cells.iter().map(py_str).collect())?;
                        }
                        Value::Array(_) => {
                            self.build(None, item, 0)?;
                        }
                        // Python iterates a dict's keys here.
                        Value::Object(map) => {
                            self.current().add_row(map.keys().cloned().collect())?
                        }
                        scalar => self.current().add_row(vec![py_str(scalar)])?,
                    }
                }
            }
            Value::Object(map) => self.sub_table_from_dict(map, indent)?,
            _ => {}
        }
        Ok(true)
    }

    fn sub_table_from_dict(
        &mut self,
        map: &Map<String, Value>,
        indent: usize,
    ) -> Result<(), RenderError> {
        let (headers, more) = scalar_keys(map);
        if let [only] = headers.as_slice() {
            let row = vec![only.clone(), py_str(&map[only.as_str()])];
            self.current().add_row(row)?;
        } else if !headers.is_empty() {
            let row = headers.iter().map(|k| py_str(&map[k.as_str()])).collect();
            self.current().add_header(headers)?;
            self.current().add_row(row)?;
        }
        for key in more {
            self.build(Some(&key), &map[key.as_str()], indent + 1)?;
        }
        Ok(())
    }

    fn sub_table_from_list(
        &mut self,
        items: &[Value],
        indent: usize,
        title: Option<&str>,
    ) -> Result<(), RenderError> {
        let mut headers = BTreeSet::new();
        let mut more = BTreeSet::new();
        let mut maps = Vec::with_capacity(items.len());
        // The CLI crashes on a list mixing objects and other values: first
        // while collecting the headers, else on `element.get`.
        if let Some(crash) = items.iter().find_map(group_crash) {
            return Err(RenderError::Query(crash));
        }
        for item in items {
            let map = item.as_object().ok_or_else(|| {
                RenderError::Query(format!("'{}' object has no attribute 'get'", py_type(item)))
            })?;
            let (h, m) = scalar_keys(map);
            headers.extend(h);
            more.extend(m);
            maps.push(map);
        }
        let headers: Vec<String> = headers.into_iter().collect();
        self.current().add_header(headers.clone())?;
        for (i, map) in maps.into_iter().enumerate() {
            if i > 0 && !more.is_empty() {
                self.new_section(title, indent);
                self.current().add_header(headers.clone())?;
            }
            let row = headers
                .iter()
                .map(|h| map.get(h).map_or_else(String::new, py_str))
                .collect();
            self.current().add_row(row)?;
            for key in &more {
                if let Some(value) = map.get(key) {
                    self.build(Some(key), value, indent + 1)?;
                }
            }
        }
        Ok(())
    }

    fn max_width(&self) -> usize {
        self.sections
            .iter()
            .map(Section::total_width)
            .max()
            .unwrap_or(0)
    }

    /// Single-row sections with headers become `header | value` rows.
    fn convert_to_vertical(&mut self) -> Result<(), RenderError> {
        for section in &mut self.sections {
            if section.rows.len() == 1 && !section.headers.is_empty() {
                let mut vertical = Section::new(section.title.clone(), section.indent);
                for (header, cell) in section.headers.iter().zip(&section.rows[0]) {
                    vertical.add_row(vec![header.clone(), cell.clone()])?;
                }
                *section = vertical;
            }
        }
        Ok(())
    }

    fn render(mut self, terminal_width: Option<usize>) -> Result<String, RenderError> {
        let mut max_width = self.max_width();
        if terminal_width.is_some_and(|w| max_width > w) {
            self.convert_to_vertical()?;
            max_width = self.max_width();
        }
        let mut out = "-".repeat(max_width);
        out.push('\n');
        for section in &self.sections {
            render_section(section, max_width, &mut out);
        }
        Ok(out)
    }
}

fn render_section(section: &Section, max_width: usize, out: &mut String) {
    let edge = "|".repeat(section.indent);
    let mut line = |text: String| {
        out.push_str(&edge);
        out.push_str(&text);
        out.push_str(&edge);
        out.push('\n');
    };
    let max_width = max_width as i64 - 2 * section.indent as i64;
    if let Some(title) = section.title.as_deref().filter(|t| !t.is_empty()) {
        line(center(title, max_width, "|", "|"));
        if section.headers.is_empty() && section.rows.is_empty() {
            line(format!("+{}+", "-".repeat(count(max_width - 2))));
        }
    }
    if !section.headers.is_empty() {
        let widths = section.column_widths(max_width);
        line(line_break(&widths));
        let mut text = String::new();
        for (i, (w, header)) in widths.iter().zip(&section.headers).enumerate() {
            text.push_str(&center(header, *w, if i == 0 { "|" } else { "" }, "|"));
        }
        line(text);
    }
    if !section.rows.is_empty() {
        let widths = section.column_widths(max_width);
        if widths.is_empty() {
            return;
        }
        line(line_break(&widths));
        for row in &section.rows {
            let mut text = String::new();
            for (i, (w, cell)) in widths.iter().zip(row).enumerate() {
                text.push_str(&align_left(cell, *w, if i == 0 { "|" } else { "" }, "|"));
            }
            line(text);
        }
        line(line_break(&widths));
    }
}

/// Python's `n * ' '` for a possibly negative `n`.
fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// `+-----+----+`.
fn line_break(widths: &[i64]) -> String {
    let mut out = String::new();
    for (i, w) in widths.iter().enumerate() {
        if i == 0 {
            out.push('+');
            out.push_str(&"-".repeat(count(w - 2)));
        } else {
            out.push_str(&"-".repeat(count(w - 1)));
        }
        out.push('+');
    }
    out
}

/// `table.center_text`.
fn center(text: &str, length: i64, left: &str, right: &str) -> String {
    let text_len = width(text) as i64;
    let start = length.div_euclid(2) - text_len.div_euclid(2) - 1;
    let so_far = width(left) as i64 + start + text_len;
    let right_spaces = length - width(right) as i64 - so_far;
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(count(start)),
        " ".repeat(count(right_spaces))
    )
}

/// `table.align_left` with its two spaces of left padding.
fn align_left(text: &str, length: i64, left: &str, right: &str) -> String {
    let text_len = width(text) as i64;
    let (left_len, right_len) = (width(left) as i64, width(right) as i64);
    let padding = if length - (text_len + 2 + left_len + right_len) >= 0 {
        2
    } else {
        0
    };
    let rest = length - (left_len + padding + text_len) - right_len;
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(count(padding)),
        " ".repeat(count(rest))
    )
}

/// What `_group_scalar_keys` raises for a non-dict list element, if anything.
fn group_crash(item: &Value) -> Option<String> {
    match item {
        Value::Object(_) => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(_) => Some("string indices must be integers, not 'str'".to_string()),
        // `current[element]` for each element of the list.
        Value::Array(items) => items.iter().find_map(|element| {
            let index = match element {
                Value::Bool(b) => i64::from(*b),
                Value::Number(n) if !n.is_f64() => n.as_i64().unwrap_or(i64::MAX),
                other => {
                    return Some(format!(
                        "list indices must be integers or slices, not {}",
                        py_type(other)
                    ))
                }
            };
            let len = items.len() as i64;
            (index < -len || index >= len).then(|| "list index out of range".to_string())
        }),
        scalar => Some(format!("'{}' object is not iterable", py_type(scalar))),
    }
}

/// A dict's keys with scalar values and the others, each sorted.
fn scalar_keys(map: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let (mut headers, mut more): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (key, value) in map {
        if is_scalar(value) {
            headers.push(key.clone());
        } else {
            more.push(key.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

// ---------------------------------------------------------------------------
// --query

/// Internal function standing in for `{key: expr, ...}`, so the object keeps
/// its keys in the order written (the crate's objects are sorted maps).
/// `#` cannot appear in a JMESPath identifier.
const HASH_FN: &str = "faultline#multi_select_hash";
/// Internal function standing in for `expr.*`, yielding values in key order.
const VALUES_FN: &str = "faultline#object_values";
/// Internal function standing in for a JSON literal holding an object: it
/// parses the literal's text again so the object keeps its key order.
const LITERAL_FN: &str = "faultline#json_literal";
/// Marks an error message already worded as Python's jmespath words it.
const PY_ERROR: &str = "\u{1}";

/// Key order of the objects alive during one search, by address: the
/// response's objects and the ones queries build. The crate's `Variable`
/// objects are sorted maps; Python's dicts keep insertion order.
type KeyOrders = HashMap<usize, Vec<String>>;

#[derive(Debug, Default)]
struct Orders(Mutex<KeyOrders>);

impl Orders {
    fn lock(&self) -> MutexGuard<'_, KeyOrders> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn addr(var: &Rcvar) -> usize {
    Rcvar::as_ptr(var) as usize
}

/// A compiled `--query`.
struct Query<'q> {
    text: &'q str,
    ast: Ast,
}

impl<'q> Query<'q> {
    fn compile(text: &'q str) -> Result<Query<'q>, RenderError> {
        let ast = jmespath::parse(text).map_err(|e| {
            RenderError::Query(format!(
                "Bad value for --query {text}: {}",
                parse_error(text, &e)
            ))
        })?;
        Ok(Query {
            text,
            ast: rewrite(ast, text),
        })
    }

    fn search(&self, value: &Value) -> Result<Value, RenderError> {
        let orders = Arc::new(Orders::default());
        let root = to_var(value, &mut orders.lock());
        let runtime = runtime(&orders);
        let mut ctx = Context::new(self.text, &runtime);
        let result = jmespath::interpret(&root, &self.ast, &mut ctx).map_err(query_error)?;
        let orders = orders.lock();
        Ok(from_var(&result, &orders))
    }
}

/// A syntax error in Python jmespath's words where the crate's error maps to
/// one (unknown character, unclosed quote, early end, stray closing token),
/// else the crate's own.
fn parse_error(text: &str, err: &JmespathError) -> String {
    let ErrorReason::Parse(msg) = &err.reason else {
        return err.to_string().trim_end().to_string();
    };
    let at = text.get(..err.offset).map_or(0, |s| s.chars().count());
    let lexer = |what: &str| {
        format!(
            "Bad jmespath expression: {what}:\n{text}\n{}^",
            " ".repeat(at)
        )
    };
    let found = msg.rsplit_once(" -- found ").map(|(_, token)| token);
    if found == Some("Eof") {
        let caret = " ".repeat(text.chars().count() + 1);
        return format!(
            "Invalid jmespath expression: Incomplete expression:\n\"{text}\"\n{caret}^"
        );
    }
    if let Some(c) = msg.strip_prefix("Invalid character: ") {
        return lexer(&format!("Unknown token {c}"));
    }
    if msg.starts_with("'-' must be followed") {
        return lexer("Unknown token '-'");
    }
    if msg.starts_with("'=' is not valid") {
        return lexer("Unknown token '='");
    }
    if msg.starts_with("Unclosed ") {
        return lexer(msg.split(':').next().unwrap_or(msg));
    }
    // Tokens that end Python's Pratt loop early are "unexpected"; tokens it
    // tries to continue with but cannot are "invalid".
    let token = found.and_then(python_token);
    let (what, (value, kind)) = match (msg.split(" -- ").next(), token) {
        (Some("Did not parse the complete expression"), Some(t)) => {
            (format!("Unexpected token: {}", t.0), t)
        }
        (Some("Unexpected led token"), Some(t)) => ("invalid token".to_string(), t),
        _ => return err.to_string().trim_end().to_string(),
    };
    format!(
        "{what}: Parse error at column {at}, token \"{value}\" ({kind}), for expression:\n\"{text}\"\n{}^",
        " ".repeat(at + 1)
    )
}

/// A crate token's text and Python jmespath's (upper-cased) type for it.
fn python_token(debug: &str) -> Option<(&'static str, &'static str)> {
    Some(match debug {
        "Rbracket" => ("]", "RBRACKET"),
        "Rparen" => (")", "RPAREN"),
        "Rbrace" => ("}", "RBRACE"),
        "Lbrace" => ("{", "LBRACE"),
        "Comma" => (",", "COMMA"),
        "Colon" => (":", "COLON"),
        "At" => ("@", "CURRENT"),
        "Ampersand" => ("&", "EXPREF"),
        "Not" => ("!", "NOT"),
        _ => return None,
    })
}

/// The error text for a failed search, as the CLI prints it.
fn query_error(err: JmespathError) -> RenderError {
    let text = match &err.reason {
        ErrorReason::Parse(msg) if msg.starts_with(PY_ERROR) => msg[PY_ERROR.len()..].to_string(),
        ErrorReason::Runtime(RuntimeError::UnknownFunction(name)) => {
            format!("Unknown function: {name}()")
        }
        reason => reason.to_string(),
    };
    RenderError::Query(text)
}

/// Replaces the AST nodes whose results would lose key order.
fn rewrite(ast: Ast, text: &str) -> Ast {
    let b = |node: Box<Ast>| Box::new(rewrite(*node, text));
    let all = |nodes: Vec<Ast>| nodes.into_iter().map(|n| rewrite(n, text)).collect();
    match ast {
        Ast::Literal { offset, value } if has_object(&value) => match literal_text(text, offset) {
            Some(json) => Ast::Function {
                offset,
                name: LITERAL_FN.to_string(),
                args: vec![Ast::Literal {
                    offset,
                    value: Rcvar::new(Variable::String(json)),
                }],
            },
            None => Ast::Literal { offset, value },
        },
        Ast::MultiHash { offset, elements } => {
            let keys = elements
                .iter()
                .map(|kv| Rcvar::new(Variable::String(kv.key.clone())))
                .collect();
            let mut args = vec![
                Ast::Identity { offset },
                Ast::Literal {
                    offset,
                    value: Rcvar::new(Variable::Array(keys)),
                },
            ];
            args.extend(elements.into_iter().map(|kv| rewrite(kv.value, text)));
            Ast::Function {
                offset,
                name: HASH_FN.to_string(),
                args,
            }
        }
        Ast::ObjectValues { offset, node } => Ast::Function {
            offset,
            name: VALUES_FN.to_string(),
            args: vec![rewrite(*node, text)],
        },
        Ast::Comparison {
            offset,
            comparator,
            lhs,
            rhs,
        } => Ast::Comparison {
            offset,
            comparator,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::Condition {
            offset,
            predicate,
            then,
        } => Ast::Condition {
            offset,
            predicate: b(predicate),
            then: b(then),
        },
        Ast::Expref { offset, ast } => Ast::Expref {
            offset,
            ast: b(ast),
        },
        Ast::Flatten { offset, node } => Ast::Flatten {
            offset,
            node: b(node),
        },
        Ast::Function { offset, name, args } => Ast::Function {
            offset,
            name,
            args: all(args),
        },
        Ast::MultiList { offset, elements } => Ast::MultiList {
            offset,
            elements: all(elements),
        },
        Ast::Not { offset, node } => Ast::Not {
            offset,
            node: b(node),
        },
        Ast::Projection { offset, lhs, rhs } => Ast::Projection {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::And { offset, lhs, rhs } => Ast::And {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::Or { offset, lhs, rhs } => Ast::Or {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::Subexpr { offset, lhs, rhs } => Ast::Subexpr {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        leaf @ (Ast::Identity { .. }
        | Ast::Field { .. }
        | Ast::Index { .. }
        | Ast::Literal { .. }
        | Ast::Slice { .. }) => leaf,
    }
}

fn has_object(var: &Variable) -> bool {
    match var {
        Variable::Object(_) => true,
        Variable::Array(items) => items.iter().any(|v| has_object(v)),
        _ => false,
    }
}

/// The JSON text of the `` `...` `` literal starting at byte `offset`.
fn literal_text(text: &str, offset: usize) -> Option<String> {
    let mut chars = text.get(offset..)?.chars();
    if chars.next() != Some('`') {
        return None;
    }
    let mut raw = String::new();
    while let Some(c) = chars.next() {
        match c {
            '`' => return Some(raw.replace("\\`", "`")),
            '\\' => {
                raw.push(c);
                raw.extend(chars.next());
            }
            c => raw.push(c),
        }
    }
    None
}

fn to_var(value: &Value, orders: &mut KeyOrders) -> Rcvar {
    match value {
        Value::Null => Rcvar::new(Variable::Null),
        Value::Bool(b) => Rcvar::new(Variable::Bool(*b)),
        Value::Number(n) => Rcvar::new(Variable::Number(n.clone())),
        Value::String(s) => Rcvar::new(Variable::String(s.clone())),
        Value::Array(items) => Rcvar::new(Variable::Array(
            items.iter().map(|v| to_var(v, orders)).collect(),
        )),
        Value::Object(map) => {
            let fields = map
                .iter()
                .map(|(k, v)| (k.clone(), to_var(v, orders)))
                .collect();
            new_object(fields, map.keys().cloned().collect(), orders)
        }
    }
}

fn new_object(
    fields: BTreeMap<String, Rcvar>,
    order: Vec<String>,
    orders: &mut KeyOrders,
) -> Rcvar {
    let object = Rcvar::new(Variable::Object(fields));
    orders.insert(addr(&object), order);
    object
}

fn from_var(var: &Rcvar, orders: &KeyOrders) -> Value {
    match &**var {
        Variable::Null | Variable::Expref(_) => Value::Null,
        Variable::Bool(b) => Value::Bool(*b),
        Variable::Number(n) => Value::Number(n.clone()),
        Variable::String(s) => Value::String(s.clone()),
        Variable::Array(items) => Value::Array(items.iter().map(|v| from_var(v, orders)).collect()),
        Variable::Object(fields) => Value::Object(
            ordered(var, fields, orders)
                .into_iter()
                .map(|(k, v)| (k.clone(), from_var(v, orders)))
                .collect(),
        ),
    }
}

/// An object's fields in the order they were given (sorted if unknown).
fn ordered<'v>(
    var: &Rcvar,
    fields: &'v BTreeMap<String, Rcvar>,
    orders: &KeyOrders,
) -> Vec<(&'v String, &'v Rcvar)> {
    if let Some(keys) = orders
        .get(&addr(var))
        .filter(|keys| keys.len() == fields.len())
    {
        if let Some(picked) = keys.iter().map(|k| fields.get_key_value(k)).collect() {
            return picked;
        }
    }
    fields.iter().collect()
}

fn null() -> Rcvar {
    Rcvar::new(Variable::Null)
}

fn number(n: Option<Number>) -> Rcvar {
    Rcvar::new(n.map_or(Variable::Null, Variable::Number))
}

/// A JMESPath function's parameter types as Python's jmespath declares them
/// (`jmespath/functions.py`); an empty list accepts anything.
#[derive(Debug, Clone, Copy)]
struct Signature {
    name: &'static str,
    params: &'static [&'static [&'static str]],
    variadic: bool,
}

const ANY: &[&str] = &[];

/// Python jmespath's functions, the same 26 the crate has.
const SIGNATURES: [Signature; 26] = {
    const fn sig(name: &'static str, params: &'static [&'static [&'static str]]) -> Signature {
        Signature {
            name,
            params,
            variadic: false,
        }
    }
    [
        sig("abs", &[&["number"]]),
        sig("avg", &[&["array-number"]]),
        sig("ceil", &[&["number"]]),
        sig("contains", &[&["array", "string"], ANY]),
        sig("ends_with", &[&["string"], &["string"]]),
        sig("floor", &[&["number"]]),
        sig("join", &[&["string"], &["array-string"]]),
        sig("keys", &[&["object"]]),
        sig("length", &[&["string", "array", "object"]]),
        sig("map", &[&["expref"], &["array"]]),
        sig("max", &[&["array-number", "array-string"]]),
        sig("max_by", &[&["array"], &["expref"]]),
        Signature {
            name: "merge",
            params: &[&["object"]],
            variadic: true,
        },
        sig("min", &[&["array-number", "array-string"]]),
        sig("min_by", &[&["array"], &["expref"]]),
        Signature {
            name: "not_null",
            params: &[ANY],
            variadic: true,
        },
        sig("reverse", &[&["array", "string"]]),
        sig("sort", &[&["array-string", "array-number"]]),
        sig("sort_by", &[&["array"], &["expref"]]),
        sig("starts_with", &[&["string"], &["string"]]),
        sig("sum", &[&["array-number"]]),
        sig("to_array", &[ANY]),
        sig("to_number", &[ANY]),
        sig("to_string", &[ANY]),
        sig("type", &[ANY]),
        sig("values", &[&["object"]]),
    ]
};

type Body = dyn Fn(&[Rcvar], &mut Context<'_>, &Orders) -> jmespath::SearchResult + Send + Sync;

fn boxed<F>(f: F) -> Box<Body>
where
    F: Fn(&[Rcvar], &mut Context<'_>, &Orders) -> jmespath::SearchResult + Send + Sync + 'static,
{
    Box::new(f)
}

/// The crate's functions behind Python's argument checks, with the ones that
/// differ from Python's replaced, plus the internal functions.
fn runtime(orders: &Arc<Orders>) -> Runtime {
    let mut builtins = Runtime::new();
    builtins.register_builtin_functions();
    let mut runtime = Runtime::new();
    for sig in SIGNATURES {
        let body: Box<Body> = match sig.name {
            "abs" => boxed(|args, _, _| Ok(number(num(&args[0]).and_then(py_abs)))),
            "avg" => boxed(|args, _, _| Ok(py_avg(array(&args[0])))),
            "ceil" => boxed(|args, _, _| Ok(number(num(&args[0]).map(|n| py_round(n, f64::ceil))))),
            "floor" => {
                boxed(|args, _, _| Ok(number(num(&args[0]).map(|n| py_round(n, f64::floor)))))
            }
            "sum" => boxed(|args, _, _| Ok(number(py_sum(array(&args[0]))))),
            "to_number" => boxed(|args, _, _| Ok(py_to_number(&args[0]))),
            "to_string" => boxed(|args, _, orders| {
                Ok(match &*args[0] {
                    Variable::String(_) => args[0].clone(),
                    _ => {
                        let value = from_var(&args[0], &orders.lock());
                        Rcvar::new(Variable::String(compact_json_ascii(&value)))
                    }
                })
            }),
            "keys" => boxed(|args, _, orders| {
                let orders = orders.lock();
                let keys = match &*args[0] {
                    Variable::Object(fields) => ordered(&args[0], fields, &orders)
                        .into_iter()
                        .map(|(k, _)| Rcvar::new(Variable::String(k.clone())))
                        .collect(),
                    _ => Vec::new(),
                };
                Ok(Rcvar::new(Variable::Array(keys)))
            }),
            "values" => {
                boxed(|args, _, orders| Ok(object_values(&args[0], orders).unwrap_or_else(null)))
            }
            "merge" => boxed(|args, _, orders| py_merge(args, orders)),
            "contains" => match builtins.deregister_function("contains") {
                Some(inner) => boxed(move |args, ctx, _| match (&*args[0], &*args[1]) {
                    (Variable::String(_), Variable::String(_)) | (Variable::Array(_), _) => {
                        inner.evaluate(args, ctx)
                    }
                    (_, search) => Err(py_error(format!(
                        "'in <string>' requires string as left operand, not {}",
                        var_py_type(search)
                    ))),
                }),
                None => continue,
            },
            "sort_by" => boxed(py_sort_by),
            "max_by" => boxed(|args, ctx, orders| py_extreme_by("max_by", args, ctx, orders)),
            "min_by" => boxed(|args, ctx, orders| py_extreme_by("min_by", args, ctx, orders)),
            name => match builtins.deregister_function(name) {
                Some(inner) => boxed(move |args, ctx, _| inner.evaluate(args, ctx)),
                None => continue,
            },
        };
        let orders = Arc::clone(orders);
        runtime.register_function(
            sig.name,
            Box::new(move |args: &[Rcvar], ctx: &mut Context<'_>| {
                check_args(sig, args, &orders)?;
                body(args, ctx, &orders)
            }),
        );
    }
    let hash_orders = Arc::clone(orders);
    runtime.register_function(
        HASH_FN,
        Box::new(move |args: &[Rcvar], _: &mut Context<'_>| {
            Ok(multi_select_hash(args, &hash_orders))
        }),
    );
    let literal_orders = Arc::clone(orders);
    runtime.register_function(
        LITERAL_FN,
        Box::new(move |args: &[Rcvar], _: &mut Context<'_>| {
            let json = args.first().and_then(|a| a.as_string().cloned());
            let value = json.and_then(|j| serde_json::from_str::<Value>(&j).ok());
            Ok(value.map_or_else(null, |v| to_var(&v, &mut literal_orders.lock())))
        }),
    );
    let values_orders = Arc::clone(orders);
    runtime.register_function(
        VALUES_FN,
        Box::new(move |args: &[Rcvar], _: &mut Context<'_>| {
            Ok(args
                .first()
                .and_then(|a| object_values(a, &values_orders))
                .unwrap_or_else(null))
        }),
    );
    runtime
}

/// `[Identity, Literal [keys...], values...]` into an object in key order;
/// `null` when the current node is null, as the CLI's jmespath does.
fn multi_select_hash(args: &[Rcvar], orders: &Orders) -> Rcvar {
    let (Some(data), Some(Variable::Array(keys))) = (args.first(), args.get(1).map(|k| &**k))
    else {
        return null();
    };
    if data.is_null() {
        return null();
    }
    let mut fields = BTreeMap::new();
    let mut order = Vec::new();
    for (key, value) in keys.iter().zip(&args[2..]) {
        if let Some(key) = key.as_string() {
            if fields.insert(key.clone(), value.clone()).is_none() {
                order.push(key.clone());
            }
        }
    }
    new_object(fields, order, &mut orders.lock())
}

/// An object's values in key order, or `None` for anything else.
fn object_values(var: &Rcvar, orders: &Orders) -> Option<Rcvar> {
    let Variable::Object(fields) = &**var else {
        return None;
    };
    let orders = orders.lock();
    let values = ordered(var, fields, &orders)
        .into_iter()
        .map(|(_, v)| v.clone())
        .collect();
    Some(Rcvar::new(Variable::Array(values)))
}

fn array(var: &Rcvar) -> &[Rcvar] {
    var.as_array().map_or(&[], Vec::as_slice)
}

fn num(var: &Variable) -> Option<&Number> {
    match var {
        Variable::Number(n) => Some(n),
        _ => None,
    }
}

fn as_int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn int_number(i: i128) -> Option<Number> {
    i64::try_from(i)
        .map(Number::from)
        .or_else(|_| u64::try_from(i).map(Number::from))
        .ok()
        .or_else(|| Number::from_f64(i as f64))
}

/// Python's `math.ceil`/`math.floor`: ints stay, floats become ints.
fn py_round(n: &Number, round: fn(f64) -> f64) -> Number {
    if as_int(n).is_some() {
        return n.clone();
    }
    let f = round(n.as_f64().unwrap_or(0.0));
    if f.is_finite() && f.abs() < 9.0e18 {
        Number::from(f as i64)
    } else {
        Number::from_f64(f).unwrap_or_else(|| n.clone())
    }
}

/// `abs()` keeps ints ints.
fn py_abs(n: &Number) -> Option<Number> {
    match as_int(n) {
        Some(i) => int_number(i.abs()),
        None => Number::from_f64(n.as_f64()?.abs()),
    }
}

/// Python's `sum()`: ints while every item is an int, then a float.
fn py_sum(items: &[Rcvar]) -> Option<Number> {
    let mut int: Option<i128> = Some(0);
    let mut float = 0.0;
    for n in items.iter().filter_map(|v| num(v)) {
        match (int, as_int(n)) {
            (Some(acc), Some(i)) => int = Some(acc.saturating_add(i)),
            (Some(acc), None) => {
                float = acc as f64 + n.as_f64()?;
                int = None;
            }
            (None, _) => float += n.as_f64()?,
        }
    }
    match int {
        Some(i) => int_number(i),
        None => Number::from_f64(float),
    }
}

/// `avg()`: `sum / float(len)`, `null` for an empty list.
fn py_avg(items: &[Rcvar]) -> Rcvar {
    if items.is_empty() {
        return null();
    }
    let total = py_sum(items).and_then(|n| n.as_f64());
    number(total.and_then(|t| Number::from_f64(t / items.len() as f64)))
}

/// `to_number()`: `int(s)`, else `float(s)`, else `null`; booleans are `null`.
fn py_to_number(var: &Rcvar) -> Rcvar {
    match &**var {
        Variable::Number(_) => var.clone(),
        Variable::String(s) => {
            let s = s.trim();
            let int = s.parse::<i64>().ok().map(Number::from);
            let int = int.or_else(|| s.parse::<u64>().ok().map(Number::from));
            number(int.or_else(|| s.parse::<f64>().ok().and_then(Number::from_f64)))
        }
        _ => null(),
    }
}

fn py_merge(args: &[Rcvar], orders: &Orders) -> jmespath::SearchResult {
    let mut orders = orders.lock();
    let mut fields = BTreeMap::new();
    let mut order = Vec::new();
    for arg in args {
        let map = match &**arg {
            Variable::Object(map) => map,
            // `dict.update()` of an empty string or list changes nothing.
            Variable::String(s) if s.is_empty() => continue,
            Variable::Array(items) if items.is_empty() => continue,
            Variable::String(_) => {
                return Err(py_error(
                    "dictionary update sequence element #0 has length 1; 2 is required".to_string(),
                ))
            }
            Variable::Array(_) => {
                return Err(py_error(
                    "cannot convert dictionary update sequence element #0 to a sequence"
                        .to_string(),
                ))
            }
            other => {
                return Err(py_error(format!(
                    "'{}' object is not iterable",
                    var_py_type(other)
                )))
            }
        };
        for (key, value) in ordered(arg, map, &orders) {
            if fields.insert(key.clone(), value.clone()).is_none() {
                order.push(key.clone());
            }
        }
    }
    Ok(new_object(fields, order, &mut orders))
}

fn expref<'a>(var: &'a Rcvar, func: &str) -> Result<&'a Ast, JmespathError> {
    var.as_expref()
        .ok_or_else(|| type_error(func, "None", jtype(var), &["expref"]))
}

/// `sort_by()`: keys must all have the type of the first, number or string.
fn py_sort_by(args: &[Rcvar], ctx: &mut Context<'_>, orders: &Orders) -> jmespath::SearchResult {
    let items = array(&args[0]);
    if items.is_empty() {
        return Ok(args[0].clone());
    }
    let ast = expref(&args[1], "sort_by")?;
    let first = jmespath::interpret(&items[0], ast, ctx)?;
    let required = jtype(&first);
    if required != "number" && required != "string" {
        let value = py_str(&from_var(&items[0], &orders.lock()));
        return Err(type_error(
            "sort_by",
            &value,
            required,
            &["string", "number"],
        ));
    }
    let mut keyed = Vec::with_capacity(items.len());
    for item in items {
        let key = jmespath::interpret(item, ast, ctx)?;
        if jtype(&key) != required {
            let value = py_str(&from_var(&key, &orders.lock()));
            return Err(type_error("sort_by", &value, jtype(&key), &[required]));
        }
        keyed.push((key, item.clone()));
    }
    keyed.sort_by(|a, b| compare_keys(&a.0, &b.0));
    Ok(Rcvar::new(Variable::Array(
        keyed.into_iter().map(|(_, item)| item).collect(),
    )))
}

/// `max_by()`/`min_by()`: the first item with the largest/smallest key.
fn py_extreme_by(
    func: &str,
    args: &[Rcvar],
    ctx: &mut Context<'_>,
    orders: &Orders,
) -> jmespath::SearchResult {
    let ast = expref(&args[1], func)?;
    let (want, op) = if func == "max_by" {
        (Ordering::Greater, '>')
    } else {
        (Ordering::Less, '<')
    };
    let mut best: Option<(Rcvar, Rcvar)> = None;
    for item in array(&args[0]) {
        let key = jmespath::interpret(item, ast, ctx)?;
        let t = jtype(&key);
        if t != "number" && t != "string" {
            let value = py_str(&from_var(&key, &orders.lock()));
            return Err(type_error(func, &value, t, &["number", "string"]));
        }
        match &best {
            Some((best_key, _)) if jtype(best_key) != t => {
                let (a, b) = (var_py_type(&key), var_py_type(best_key));
                return Err(py_error(format!(
                    "'{op}' not supported between instances of '{a}' and '{b}'"
                )));
            }
            Some((best_key, _)) if compare_keys(&key, best_key) != want => {}
            _ => best = Some((key, item.clone())),
        }
    }
    Ok(best.map_or_else(null, |(_, item)| item))
}

fn compare_keys(a: &Variable, b: &Variable) -> Ordering {
    match (a, b) {
        (Variable::Number(x), Variable::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Variable::String(x), Variable::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// JMESPath's type name of a value.
fn jtype(var: &Variable) -> &'static str {
    match var {
        Variable::Null => "null",
        Variable::String(_) => "string",
        Variable::Bool(_) => "boolean",
        Variable::Number(_) => "number",
        Variable::Array(_) => "array",
        Variable::Object(_) => "object",
        Variable::Expref(_) => "expref",
    }
}

fn var_py_type(var: &Variable) -> &'static str {
    match var {
        Variable::Expref(_) => "_Expression",
        Variable::Number(n) if n.is_f64() => "float",
        Variable::Number(_) => "int",
        Variable::Null => "NoneType",
        Variable::String(_) => "str",
        Variable::Bool(_) => "bool",
        Variable::Array(_) => "list",
        Variable::Object(_) => "dict",
    }
}

fn py_error(text: String) -> JmespathError {
    JmespathError::new("", 0, ErrorReason::Parse(format!("{PY_ERROR}{text}")))
}

/// Python jmespath's `JMESPathTypeError`.
fn type_error(func: &str, value: &str, actual: &str, expected: &[&str]) -> JmespathError {
    let expected: Vec<String> = expected.iter().map(|t| py_repr_str(t)).collect();
    py_error(format!(
        "In function {func}(), invalid type for value: {value}, expected one of: [{}], received: \"{actual}\"",
        expected.join(", ")
    ))
}

/// Python jmespath's arity and argument type checks.
fn check_args(sig: Signature, args: &[Rcvar], orders: &Orders) -> Result<(), JmespathError> {
    let n = sig.params.len();
    let noun = if n == 1 { "argument" } else { "arguments" };
    if sig.variadic && args.len() < n {
        return Err(py_error(format!(
            "Expected at least {n} {noun} for function {}(), received {}",
            sig.name,
            args.len()
        )));
    }
    if !sig.variadic && args.len() != n {
        return Err(py_error(format!(
            "Expected {n} {noun} for function {}(), received {}",
            sig.name,
            args.len()
        )));
    }
    let show = |var: &Rcvar| py_str(&from_var(var, &orders.lock()));
    for (arg, types) in args.iter().zip(sig.params) {
        if types.is_empty() {
            continue;
        }
        let actual = jtype(arg);
        if !types.iter().any(|t| t.split('-').next() == Some(actual)) {
            return Err(type_error(sig.name, &show(arg), actual, types));
        }
        let subtypes: Vec<&str> = types
            .iter()
            .filter_map(|t| t.split_once('-').map(|(_, s)| s))
            .collect();
        let items = array(arg);
        let allowed = match subtypes.as_slice() {
            [] => continue,
            [only] => *only,
            _ => {
                let Some(first) = items.first() else { continue };
                match subtypes.iter().find(|s| **s == jtype(first)) {
                    Some(s) => *s,
                    None => {
                        return Err(type_error(
                            sig.name,
                            &show(first),
                            var_py_type(first),
                            types,
                        ))
                    }
                }
            }
        };
        if let Some(bad) = items.iter().find(|item| jtype(item) != allowed) {
            return Err(type_error(sig.name, &show(bad), var_py_type(bad), types));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// argparse's invalid choice message (awscli/argparser.py)

/// `CLIArgParser._check_value`'s message: the choices two to a line, padded
/// to 40, then `difflib.get_close_matches` suggestions.
fn invalid_choice(value: &str, choices: &[&str]) -> String {
    let mut lines = vec!["Invalid choice, valid choices are:\n".to_string()];
    for pair in choices.chunks(2) {
        let cells: Vec<String> = pair.iter().map(|c| format!("{c:<40}")).collect();
        lines.push(cells.join(" | "));
    }
    let near = close_matches(value, choices);
    if !near.is_empty() {
        lines.push(format!(
            "\n\nInvalid choice: {}, maybe you meant:\n",
            py_repr_str(value)
        ));
        lines.extend(near.iter().map(|w| format!("  * {w}")));
    }
    lines.join("\n")
}

/// `difflib.get_close_matches(word, choices, n=3, cutoff=0.8)`.
fn close_matches<'a>(word: &str, choices: &[&'a str]) -> Vec<&'a str> {
    let b: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &str)> = choices
        .iter()
        .map(|c| (ratio(&c.chars().collect::<Vec<_>>(), &b), *c))
        .filter(|(r, _)| *r >= 0.8)
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| y.1.cmp(x.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// `SequenceMatcher(None, a, b).ratio()`.
fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matching_chars(a, b) as f64 / total as f64
}

fn matching_chars(a: &[char], b: &[char]) -> usize {
    let (i, j, k) = longest_match(a, b);
    if k == 0 {
        return 0;
    }
    k + matching_chars(&a[..i], &b[..j]) + matching_chars(&a[i + k..], &b[j + k..])
}

/// `find_longest_match` without junk: the earliest longest common run.
fn longest_match(a: &[char], b: &[char]) -> (usize, usize, usize) {
    let (mut best_i, mut best_j, mut best) = (0, 0, 0);
    let mut prev: HashMap<usize, usize> = HashMap::new();
    for (i, ca) in a.iter().enumerate() {
        let mut next = HashMap::new();
        for (j, _) in b.iter().enumerate().filter(|(_, cb)| *cb == ca) {
            let k = j
                .checked_sub(1)
                .and_then(|p| prev.get(&p))
                .copied()
                .unwrap_or(0)
                + 1;
            next.insert(j, k);
            if k > best {
                (best_i, best_j, best) = (i + 1 - k, j + 1 - k, k);
            }
        }
        prev = next;
    }
    (best_i, best_j, best)
}

#[cfg(test)]
mod tests {
    //! Expected strings are what AWS CLI v2's formatter code (formatter.py,
    //! text.py, table.py, jmespath 1.0) prints for the same data.

    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn subnets() -> Value {
        json!({"Subnets": [{"SubnetId": "subnet-1", "AvailableIpAddressCount": 0}]})
    }

    fn subnets2() -> Value {
        json!({"Subnets": [
            {"SubnetId": "subnet-0a1", "CidrBlock": "10.0.1.0/28", "AvailableIpAddressCount": 0,
             "Tags": [{"Key": "Name", "Value": "private-a"}]},
            {"SubnetId": "subnet-0b2", "CidrBlock": "10.0.2.0/24", "AvailableIpAddressCount": 249}
        ]})
    }

    fn tasks() -> Value {
        json!({"tasks": [
            {"taskArn": "arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e", "lastStatus": "STOPPED",
             "cpu": "256", "version": 4, "stoppedReason": "Essential container in task exited",
             "containers": [
                 {"name": "web", "exitCode": 137,
                  "reason": "OutOfMemoryError: Container killed due to memory usage"},
                 {"name": "log-router", "exitCode": 0}],
             "overrides": {"containerOverrides": []}},
            {"taskArn": "arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b", "lastStatus": "PROVISIONING",
             "cpu": "512", "version": 1,
             "stoppedReason": "ResourceInitializationError: unable to pull secrets",
             "containers": [{"name": "web"}], "overrides": {}}],
         "failures": []})
    }

    fn ok(value: &Value, query: Option<&str>, output: Output) -> String {
        let title = if value.get("tasks").is_some() {
            "DescribeTasks"
        } else {
            "DescribeSubnets"
        };
        render(value, query, output, title).expect("renders")
    }

    fn err(value: &Value, query: &str) -> String {
        render(value, Some(query), Output::Json, "DescribeTasks")
            .expect_err("fails")
            .to_string()
    }

    #[test]
    fn json_is_indented_by_four_in_the_response_key_order() {
        let expected = r#"{
    "Subnets": [
        {
            "SubnetId": "subnet-1",
            "AvailableIpAddressCount": 0
        }
    ]
}
"#;
        assert_eq!(ok(&subnets(), None, Output::Json), expected);
        let value =
            json!({"b": [], "a": {}, "c": "caf\u{e9} \"q\"\t", "d": null, "e": true, "f": 1.5});
        let expected = "{\n    \"b\": [],\n    \"a\": {},\n    \"c\": \"caf\u{e9} \\\"q\\\"\\t\",\n    \"d\": null,\n    \"e\": true,\n    \"f\": 1.5\n}\n";
        assert_eq!(ok(&value, None, Output::Json), expected);
    }

    #[test]
    fn json_prints_nothing_for_an_empty_object_and_null_for_a_missing_key() {
        assert_eq!(ok(&json!({}), None, Output::Json), "");
        assert_eq!(ok(&tasks(), Some("tasks[1].overrides"), Output::Json), "");
        assert_eq!(ok(&tasks(), Some("nope"), Output::Json), "null\n");
        assert_eq!(ok(&tasks(), Some("nope"), Output::Text), "None\n");
        assert_eq!(ok(&tasks(), Some("nope"), Output::Table), "");
        assert_eq!(ok(&tasks(), Some("failures"), Output::Json), "[]\n");
        assert_eq!(ok(&tasks(), Some("failures"), Output::Text), "");
    }

    #[test]
    fn numbers_strings_and_scalars_from_a_query() {
        let q = Some("tasks[0].containers[0].exitCode");
        assert_eq!(ok(&tasks(), q, Output::Json), "137\n");
        assert_eq!(ok(&tasks(), q, Output::Text), "137\n");
        assert_eq!(ok(&subnets(), Some("length(Subnets)"), Output::Json), "1\n");
        assert_eq!(ok(&subnets(), Some("length(Subnets)"), Output::Text), "1\n");
        let q = Some("Subnets[].AvailableIpAddressCount");
        assert_eq!(ok(&subnets(), q, Output::Json), "[\n    0\n]\n");
        assert_eq!(ok(&subnets(), q, Output::Text), "0\n");
        assert_eq!(
            ok(&tasks(), Some("tasks[0].lastStatus"), Output::Json),
            "\"STOPPED\"\n"
        );
        assert_eq!(
            ok(&tasks(), Some("tasks[0].lastStatus"), Output::Text),
            "STOPPED\n"
        );
    }

    #[test]
    fn table_of_a_list_of_objects_under_the_operation_title() {
        let expected = r"-------------------------------------------
|             DescribeSubnets             |
+-----------------------------------------+
||                Subnets                ||
|+--------------------------+------------+|
||  AvailableIpAddressCount | SubnetId   ||
|+--------------------------+------------+|
||  0                       |  subnet-1  ||
|+--------------------------+------------+|
";
        assert_eq!(ok(&subnets(), None, Output::Table), expected);
    }

    #[test]
    fn table_nests_lists_inside_list_items_one_level_deeper() {
        let expected = r"------------------------------------------------------------
|                      DescribeSubnets                     |
+----------------------------------------------------------+
||                         Subnets                        ||
|+-------------------------+---------------+--------------+|
|| AvailableIpAddressCount |   CidrBlock   |  SubnetId    ||
|+-------------------------+---------------+--------------+|
||  0                      |  10.0.1.0/28  |  subnet-0a1  ||
|+-------------------------+---------------+--------------+|
|||                         Tags                         |||
||+-------------------+----------------------------------+||
|||        Key        |              Value               |||
||+-------------------+----------------------------------+||
|||  Name             |  private-a                       |||
||+-------------------+----------------------------------+||
||                         Subnets                        ||
|+-------------------------+---------------+--------------+|
|| AvailableIpAddressCount |   CidrBlock   |  SubnetId    ||
|+-------------------------+---------------+--------------+|
||  249                    |  10.0.2.0/24  |  subnet-0b2  ||
|+-------------------------+---------------+--------------+|
";
        assert_eq!(ok(&subnets2(), None, Output::Table), expected);
    }

    #[test]
    fn table_of_a_list_of_lists_has_rows_and_no_headers() {
        let q = Some("Subnets[].[SubnetId,AvailableIpAddressCount]");
        let expected = r"-----------------------
|   DescribeSubnets   |
+-------------+-------+
|  subnet-0a1 |  0    |
|  subnet-0b2 |  249  |
+-------------+-------+
";
        assert_eq!(ok(&subnets2(), q, Output::Table), expected);
        assert_eq!(
            ok(&subnets2(), q, Output::Text),
            "subnet-0a1\t0\nsubnet-0b2\t249\n"
        );
    }

    #[test]
    fn table_of_a_scalar_is_the_title_alone() {
        let expected = "-----------------\n|DescribeSubnets|\n+---------------+\n";
        assert_eq!(
            ok(&subnets2(), Some("length(Subnets)"), Output::Table),
            expected
        );
        let expected = "-----------------\n|DescribeSubnets|\n+---------------+\n|  True         |\n|  None         |\n|  2.5          |\n|  x            |\n+---------------+\n";
        let value = json!({"a": [true, null, 2.5, "x"]});
        assert_eq!(ok(&value, Some("a"), Output::Table), expected);
    }

    #[test]
    fn table_turns_single_row_sections_vertical_past_80_columns() {
        let expected = r"----------------------------------------------------------------------------------------
|                                     DescribeTasks                                    |
+-------------------+------------------------------------------------------------------+
|  cpu              |  256                                                             |
|  lastStatus       |  STOPPED                                                         |
|  stoppedReason    |  Essential container in task exited                              |
|  taskArn          |  arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e               |
|  version          |  4                                                               |
+-------------------+------------------------------------------------------------------+
||                                     containers                                     ||
|+----------+-------------+-----------------------------------------------------------+|
|| exitCode |    name     |                          reason                           ||
|+----------+-------------+-----------------------------------------------------------+|
||  137     |  web        |  OutOfMemoryError: Container killed due to memory usage   ||
||  0       |  log-router |                                                           ||
|+----------+-------------+-----------------------------------------------------------+|
||                                      overrides                                     ||
|+------------------------------------------------------------------------------------+|
";
        assert_eq!(ok(&tasks(), Some("tasks[0]"), Output::Table), expected);
    }

    #[test]
    fn table_of_a_multi_select_hash_sorts_its_columns() {
        let q = Some("tasks[].{why: stoppedReason, arn: taskArn}");
        let expected = r"--------------------------------------------------------------------------------------------------------------
|                                                DescribeTasks                                               |
+----------------------------------------------------+-------------------------------------------------------+
|                         arn                        |                          why                          |
+----------------------------------------------------+-------------------------------------------------------+
|  arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e |  Essential container in task exited                   |
|  arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b |  ResourceInitializationError: unable to pull secrets  |
+----------------------------------------------------+-------------------------------------------------------+
";
        assert_eq!(ok(&tasks(), q, Output::Table), expected);
    }

    #[test]
    fn table_rows_of_different_lengths_fail_as_the_cli_does() {
        let value = json!({"a": [[1, 2], [3]]});
        let e = render(&value, None, Output::Table, "X").expect_err("fails");
        assert_eq!(
            e.to_string(),
            "Row should have 2 elements, instead it has 1"
        );
    }

    #[test]
    fn text_rows_take_sorted_scalars_behind_the_uppercased_key() {
        assert_eq!(ok(&subnets(), None, Output::Text), "SUBNETS\t0\tsubnet-1\n");
        let expected = "SUBNETS\t0\t10.0.1.0/28\tsubnet-0a1\nTAGS\tName\tprivate-a\nSUBNETS\t249\t10.0.2.0/24\tsubnet-0b2\n";
        assert_eq!(ok(&subnets2(), None, Output::Text), expected);
        let expected = "TASKS\t256\tSTOPPED\tEssential container in task exited\tarn:aws:ecs:us-east-1:111122223333:task/prod/0f1e\t4\n\
                        CONTAINERS\t137\tweb\tOutOfMemoryError: Container killed due to memory usage\n\
                        CONTAINERS\t0\tlog-router\t\n\
                        TASKS\t512\tPROVISIONING\tResourceInitializationError: unable to pull secrets\tarn:aws:ecs:us-east-1:111122223333:task/prod/9a8b\t1\n\
                        CONTAINERS\tweb\n";
        assert_eq!(ok(&tasks(), None, Output::Text), expected);
    }

    #[test]
    fn text_prints_a_list_of_scalars_on_one_line() {
        let expected = "Essential container in task exited\tResourceInitializationError: unable to pull secrets\n";
        assert_eq!(
            ok(&tasks(), Some("tasks[].stoppedReason"), Output::Text),
            expected
        );
        let value = json!({"a": [true, null, 2.5, "x"]});
        assert_eq!(ok(&value, Some("a"), Output::Text), "True\tNone\t2.5\tx\n");
        let e = render(&json!({"a": [{"b": 1}, "c"]}), None, Output::Text, "X").expect_err("fails");
        assert_eq!(e.to_string(), "'str' object has no attribute 'items'");
    }

    #[test]
    fn queries_keep_the_key_order_of_the_response_and_of_the_query() {
        let q = Some("tasks[].{why: stoppedReason, arn: taskArn}");
        let expected = r#"[
    {
        "why": "Essential container in task exited",
        "arn": "arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e"
    },
    {
        "why": "ResourceInitializationError: unable to pull secrets",
        "arn": "arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b"
    }
]
"#;
        assert_eq!(ok(&tasks(), q, Output::Json), expected);
        let q = Some("keys(tasks[0])");
        let expected = "[\n    \"taskArn\",\n    \"lastStatus\",\n    \"cpu\",\n    \"version\",\n    \"stoppedReason\",\n    \"containers\",\n    \"overrides\"\n]\n";
        assert_eq!(ok(&tasks(), q, Output::Json), expected);
        let q = Some("tasks[0].containers[0].*");
        let expected = "[\n    \"web\",\n    137,\n    \"OutOfMemoryError: Container killed due to memory usage\"\n]\n";
        assert_eq!(ok(&tasks(), q, Output::Json), expected);
        let q = Some("to_string(tasks[0].containers[1])");
        let expected = "\"{\\\"name\\\":\\\"log-router\\\",\\\"exitCode\\\":0}\"\n";
        assert_eq!(ok(&tasks(), q, Output::Json), expected);
        let q = Some("merge(tasks[0].containers[1], `{\"z\": 1, \"a\": 2}`)");
        let expected = "{\n    \"name\": \"log-router\",\n    \"exitCode\": 0,\n    \"z\": 1,\n    \"a\": 2\n}\n";
        assert_eq!(ok(&tasks(), q, Output::Json), expected);
    }

    #[test]
    fn sort_by_and_other_functions_work() {
        let q = Some("sort_by(tasks, &version)[].[version, lastStatus]");
        let expected = "[\n    [\n        1,\n        \"PROVISIONING\"\n    ],\n    [\n        4,\n        \"STOPPED\"\n    ]\n]\n";
        assert_eq!(ok(&tasks(), q, Output::Json), expected);
        let q = Some("sort_by(Subnets, &AvailableIpAddressCount)[].SubnetId");
        assert_eq!(ok(&subnets2(), q, Output::Text), "subnet-0a1\tsubnet-0b2\n");
        let q = Some("max_by(tasks, &cpu).taskArn");
        assert_eq!(
            ok(&tasks(), q, Output::Text),
            "arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b\n"
        );
        let q = Some("tasks[?contains(stoppedReason, 'secrets')] | length(@)");
        assert_eq!(ok(&tasks(), q, Output::Json), "1\n");
        let q = Some("join(', ', tasks[?starts_with(lastStatus, 'STOP')].cpu)");
        assert_eq!(ok(&tasks(), q, Output::Json), "\"256\"\n");
    }

    #[test]
    fn numbers_follow_python() {
        let value = json!({"a": [1, 2, 3], "f": [0.5, 1e-5, 1e16, 100.0]});
        let q = Some("{s: sum(a), avg: avg(a), c: ceil(`1.5`), n: to_number('42'), f: f, t: to_number(`true`)}");
        let expected = "{\n    \"s\": 6,\n    \"avg\": 2.0,\n    \"c\": 2,\n    \"n\": 42,\n    \"f\": [\n        0.5,\n        1e-05,\n        1e+16,\n        100.0\n    ],\n    \"t\": null\n}\n";
        assert_eq!(ok(&value, q, Output::Json), expected);
        let q = Some("{s: sum(a), avg: avg(a), c: ceil(`1.5`), n: to_number('42'), f: f}");
        assert_eq!(
            ok(&value, q, Output::Text),
            "2.0\t2\t42\t6\nF\t0.5\nF\t1e-05\nF\t1e+16\nF\t100.0\n"
        );
        for (f, repr) in [
            (0.1, "0.1"),
            (1e-4, "0.0001"),
            (1.5e-7, "1.5e-07"),
            (1e22, "1e+22"),
            (-2.0, "-2.0"),
        ] {
            assert_eq!(py_float(f), repr);
        }
        assert_eq!(py_float(123456789012345678.0), "1.2345678901234568e+17");
    }

    #[test]
    fn query_errors_read_as_the_cli_prints_them() {
        assert_eq!(
            err(&tasks(), "tasks[?lastStatus=='STOPPED'"),
            "Bad value for --query tasks[?lastStatus=='STOPPED': Invalid jmespath expression: Incomplete expression:\n\"tasks[?lastStatus=='STOPPED'\"\n                             ^"
        );
        assert_eq!(
            err(&tasks(), "tasks[?lastStatus==STOPPED']"),
            "Bad value for --query tasks[?lastStatus==STOPPED']: Bad jmespath expression: Unclosed ' delimiter:\ntasks[?lastStatus==STOPPED']\n                          ^"
        );
        assert_eq!(
            err(&tasks(), "tasks]"),
            "Bad value for --query tasks]: Unexpected token: ]: Parse error at column 5, token \"]\" (RBRACKET), for expression:\n\"tasks]\"\n      ^"
        );
        assert_eq!(err(&tasks(), "lenght(tasks)"), "Unknown function: lenght()");
        assert_eq!(
            err(&tasks(), "length(tasks, tasks)"),
            "Expected 1 argument for function length(), received 2"
        );
        assert_eq!(
            err(&tasks(), "length(tasks[0].version)"),
            "In function length(), invalid type for value: 4, expected one of: ['string', 'array', 'object'], received: \"number\""
        );
        assert_eq!(
            err(&tasks(), "sort_by(tasks, &containers[0].exitCode)"),
            "In function sort_by(), invalid type for value: None, expected one of: ['number'], received: \"null\""
        );
    }

    #[test]
    fn plain_text_responses_pass_through_but_a_bad_query_still_fails() {
        let logs = Value::String("2024-01-01T00:00:00 web exited\n".to_string());
        assert_eq!(
            render(&logs, None, Output::Table, "Tail").as_deref(),
            Ok("2024-01-01T00:00:00 web exited\n")
        );
        assert_eq!(
            render(&logs, Some("a"), Output::Json, "Tail").as_deref(),
            Ok("2024-01-01T00:00:00 web exited\n")
        );
        assert!(render(&logs, Some("a["), Output::Json, "Tail").is_err());
    }

    #[test]
    fn output_parses_the_cli_choices() {
        assert_eq!(Output::parse("json"), Ok(Output::Json));
        assert_eq!(Output::parse("text"), Ok(Output::Text));
        assert_eq!(Output::parse("table"), Ok(Output::Table));
        assert_eq!(
            Output::parse("yaml"),
            Err("aws: error: argument --output: yaml output is not available in the game; use json, text or table".to_string())
        );
        let choices = format!(
            "aws: error: argument --output: Invalid choice, valid choices are:\n\n{:<40} | {:<40}\n{:<40} | {:<40}\n{:<40}",
            "json", "text", "table", "yaml", "yaml-stream"
        );
        assert_eq!(Output::parse("xml"), Err(choices.clone()));
        let near = format!("{choices}\n\n\nInvalid choice: 'tabel', maybe you meant:\n\n  * table");
        assert_eq!(Output::parse("tabel"), Err(near));
    }

    /// The JSON writer this file had before serde_json did the walking and
    /// escaping, kept as the reference the fast path must equal byte for byte.
    mod former {
        use super::super::py_number;
        use serde_json::{Map, Value};

        /// `json.dump(response, indent=4, ensure_ascii=False)` and a newline, unless
        /// the response is `{}` (`if response != {}`); `null` prints as `null`.
        pub(super) fn json_output(value: &Value) -> String {
            if value.as_object().is_some_and(Map::is_empty) {
                return String::new();
            }
            let mut out = String::new();
            write_json(value, 0, &mut out);
            out.push('\n');
            out
        }

        fn write_json(value: &Value, level: usize, out: &mut String) {
            let pad = |out: &mut String, level: usize| out.push_str(&" ".repeat(4 * level));
            match value {
                Value::Array(items) if !items.is_empty() => {
                    out.push_str("[\n");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(",\n");
                        }
                        pad(out, level + 1);
                        write_json(item, level + 1, out);
                    }
                    out.push('\n');
                    pad(out, level);
                    out.push(']');
                }
                Value::Object(map) if !map.is_empty() => {
                    out.push_str("{\n");
                    for (i, (key, item)) in map.iter().enumerate() {
                        if i > 0 {
                            out.push_str(",\n");
                        }
                        pad(out, level + 1);
                        out.push_str(&json_string(key, false));
                        out.push_str(": ");
                        write_json(item, level + 1, out);
                    }
                    out.push('\n');
                    pad(out, level);
                    out.push('}');
                }
                _ => write_compact_json(value, false, out),
            }
        }

        /// `json.dumps(value, separators=(',', ':'))`, as JMESPath's `to_string`.
        pub(super) fn write_compact_json(value: &Value, ascii: bool, out: &mut String) {
            match value {
                Value::Null => out.push_str("null"),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Number(n) => out.push_str(&py_number(n)),
                Value::String(s) => out.push_str(&json_string(s, ascii)),
                Value::Array(items) => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        write_compact_json(item, ascii, out);
                    }
                    out.push(']');
                }
                Value::Object(map) => {
                    out.push('{');
                    for (i, (key, item)) in map.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&json_string(key, ascii));
                        out.push(':');
                        write_compact_json(item, ascii, out);
                    }
                    out.push('}');
                }
            }
        }

        /// A JSON string as Python's `json` writes it; `ascii` is `ensure_ascii`.
        fn json_string(s: &str, ascii: bool) -> String {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    c if c < ' ' || (ascii && c > '~') => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }

    /// What the former writer prints for `value`: `--output json`, and
    /// JMESPath's `to_string` (compact, `ensure_ascii`).
    fn former_outputs(value: &Value) -> (String, String) {
        let mut compact = String::new();
        former::write_compact_json(value, true, &mut compact);
        (former::json_output(value), compact)
    }

    fn assert_same_as_former(value: &Value) {
        let (pretty, compact) = former_outputs(value);
        assert_eq!(json_output(value), pretty, "--output json of {value:?}");
        assert_eq!(compact_json_ascii(value), compact, "to_string of {value:?}");
    }

    #[test]
    fn json_escapes_and_numbers_read_as_python_json_dumps() {
        // Expected texts are Python 3's json.dumps(v, indent=4,
        // ensure_ascii=False) and json.dumps(v, separators=(',', ':')).
        let value = json!({
            "s": "café 中 \u{2028} \u{feff} \u{7f} \u{80} \u{0}\u{1}\u{1f}\u{8}\u{c}\n\r\t \"q\" \\ / 😀",
            "e": [], "o": {}, "n": [{"a": [[], {}]}],
            "f": [1e-5, 1e16, -0.0, 100.0, 5e-324, f64::MAX, 0.1],
            "i": [0, -1, i64::MIN, u64::MAX]
        });
        let pretty = "{\n    \"s\": \"café 中 \u{2028} \u{feff} \u{7f} \u{80} \\u0000\\u0001\\u001f\\b\\f\\n\\r\\t \\\"q\\\" \\\\ / 😀\",\n    \"e\": [],\n    \"o\": {},\n    \"n\": [\n        {\n            \"a\": [\n                [],\n                {}\n            ]\n        }\n    ],\n    \"f\": [\n        1e-05,\n        1e+16,\n        -0.0,\n        100.0,\n        5e-324,\n        1.7976931348623157e+308,\n        0.1\n    ],\n    \"i\": [\n        0,\n        -1,\n        -9223372036854775808,\n        18446744073709551615\n    ]\n}\n";
        assert_eq!(json_output(&value), pretty);
        let compact = "{\"s\":\"caf\\u00e9 \\u4e2d \\u2028 \\ufeff \\u007f \\u0080 \\u0000\\u0001\\u001f\\b\\f\\n\\r\\t \\\"q\\\" \\\\ / \\ud83d\\ude00\",\"e\":[],\"o\":{},\"n\":[{\"a\":[[],{}]}],\"f\":[1e-05,1e+16,-0.0,100.0,5e-324,1.7976931348623157e+308,0.1],\"i\":[0,-1,-9223372036854775808,18446744073709551615]}";
        assert_eq!(compact_json_ascii(&value), compact);
        assert_same_as_former(&value);
    }

    #[test]
    fn json_output_equals_the_former_writer_on_chosen_values() {
        let strings = [
            "",
            "plain",
            "\"",
            "\\",
            "/",
            "\"\\\"",
            "tab\there",
            "\r\n",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "\u{80}",
            "\u{a0}",
            "\u{ad}",
            "caf\u{e9}",
            "\u{4e2d}\u{6587}",
            "\u{2028}\u{2029}",
            "\u{fffd}",
            "\u{feff}",
            "\u{ffff}",
            "\u{1f600}",
            "\u{1f468}\u{200d}\u{1f469}",
            "\u{10ffff}",
            "a\u{1f600}b\"c\u{8}d\u{c}e",
            "~",
            "\u{7e}\u{7f}",
        ];
        let floats = [
            0.0,
            -0.0,
            0.1,
            0.5,
            1.0,
            -2.0,
            100.0,
            1.5,
            1e-4,
            1e-5,
            1.5e-7,
            1e15,
            1e16,
            1e22,
            123456789012345678.0,
            9007199254740993.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            f64::EPSILON,
            std::f64::consts::PI,
        ];
        let mut values = vec![
            json!(null),
            json!(true),
            json!(false),
            json!([]),
            json!({}),
            json!([[]]),
            json!([{}]),
            json!({"a": {}}),
            json!({"a": []}),
            json!([[], {}, [[]], {"b": {}}]),
            json!([0, 1, -1, i64::MAX, i64::MIN, u64::MAX]),
            json!({"tasks": [{"containers": [{"name": "web", "exitCode": 137, "reason": null}],
                   "overrides": {}, "tags": [], "cpu": "256", "memoryReservation": 0.5}],
                   "failures": []}),
        ];
        for s in strings {
            values.push(json!(s));
            values.push(json!([s]));
            values.push(json!({ s: s }));
        }
        for f in floats {
            values.push(json!(f));
            values.push(json!({"n": [f, -f]}));
        }
        let mut deep = json!("\u{1f600}");
        for depth in 0..40 {
            deep = if depth % 2 == 0 {
                json!([deep, depth])
            } else {
                json!({"k": deep, "e": {}})
            };
        }
        values.push(deep);
        for value in &values {
            assert_same_as_former(value);
        }
    }

    /// Strings weighted towards what the escaper treats specially.
    fn arb_string() -> impl Strategy<Value = String> {
        let char = prop_oneof![
            4 => proptest::char::range('\u{0}', '\u{7f}'),
            1 => proptest::sample::select(vec!['"', '\\', '\u{7f}', '\u{80}', '\u{e9}', '\u{2028}', '\u{feff}', '\u{1f600}', '\u{10ffff}']),
            1 => any::<char>(),
        ];
        proptest::collection::vec(char, 0..12).prop_map(|chars| chars.into_iter().collect())
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let float = prop_oneof![
            any::<f64>(),
            any::<i32>().prop_map(f64::from),
            (-30i32..30, 1u8..10).prop_map(|(e, m)| f64::from(m) * 10f64.powi(e)),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            float.prop_filter_map("JSON numbers are finite", |f| Number::from_f64(f)
                .map(Value::Number)),
            arb_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((arb_string(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn json_output_equals_the_former_writer_on_random_values(value in arb_value()) {
            let (pretty, compact) = former_outputs(&value);
            prop_assert_eq!(json_output(&value), pretty);
            prop_assert_eq!(compact_json_ascii(&value), compact);
        }
    }
}
