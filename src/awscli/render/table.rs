//! `--output table` (`formatter.py` `TableFormatter`, `table.py` `MultiTable`).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::python::{is_scalar, py_str, py_type, truthy};
use super::RenderError;

/// Renders a table titled `title`; `terminal_width` `None` never turns
/// single-row sections vertical (the CLI's `auto_reformat=False`).
pub(super) fn table_output(
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
pub(super) struct Table {
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
