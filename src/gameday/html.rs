//! The scoreboard as one self-contained HTML page: inline CSS, a table per
//! round, and inline SVG charts of the score parts and of the time to heal
//! per player. No script, no font or stylesheet from elsewhere: it reads
//! the same offline, from a file or a shared folder.

use super::scoreboard::{duration, Board, Group, Row};
use std::fmt::Write as _;

/// Options of the page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Page {
    /// Seconds after which the browser reloads the page (for `--watch`), if any.
    pub refresh: Option<u32>,
}

/// Text escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2330; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #d8dde6; padding-bottom: .3rem; }
p.note { color: #55607a; margin-top: 0; }
table.board { border-collapse: collapse; width: 100%; margin: .8rem 0 1.2rem; font-variant-numeric: tabular-nums; }
table.board th, table.board td { padding: .3rem .5rem; border-bottom: 1px solid #e6e9ef; text-align: right; white-space: nowrap; }
table.board th { background: #f3f5f9; font-weight: 600; font-size: .8rem; white-space: normal; vertical-align: bottom; }
div.scroll { overflow-x: auto; }
table.board td.name, table.board th.name { text-align: left; }
table.board tr.first td { font-weight: 600; }
table.board td.unhealed { color: #a33; }
figure { margin: 1rem 0 1.6rem; }
figcaption { font-weight: 600; margin-bottom: .4rem; }
svg { max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
svg .label { fill: #1d2330; }
svg .value { fill: #55607a; }
svg .value.unhealed { fill: #a33; }
svg .axis { stroke: #9aa3b5; stroke-width: 1; }
footer { margin-top: 3rem; color: #8a93a6; font-size: .8rem; }
@media print { body { margin: 0; } h2 { break-before: auto; } }
"#;

/// Colours of the score parts that give points, in column order.
const GAINS: &[&str] = &[
    "#2f6fbf", "#3aa17e", "#7a5cc2", "#d49a1f", "#4fb3d9", "#8bb84a", "#b05fa0", "#5a7d9a",
];
/// Colours of the deductions.
const LOSSES: &[&str] = &["#d0463c", "#e07b39", "#b23a6b", "#8c3a2b"];

/// The colour of part column `k` of `g`.
fn colour(g: &Group, k: usize) -> &'static str {
    let c = &g.columns[k];
    if c.max > 0 {
        let i = g.columns[..k].iter().filter(|c| c.max > 0).count();
        GAINS[i % GAINS.len()]
    } else {
        let i = g.columns[..k].iter().filter(|c| c.max <= 0).count();
        LOSSES[i % LOSSES.len()]
    }
}

/// A label cut to fit the chart's label column.
fn short(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(chars.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The page.
pub fn render(board: &Board, page: Page) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if let Some(s) = page.refresh {
        let _ = writeln!(o, "<meta http-equiv=\"refresh\" content=\"{s}\">");
    }
    o.push_str("<title>faultline scoreboard</title>\n<style>");
    o.push_str(STYLE);
    o.push_str("</style>\n</head>\n<body>\n<h1>Scoreboard</h1>\n");
    let sessions = board.len();
    let _ = writeln!(
        o,
        "<p class=\"note\">{sessions} session{} in {} round{} (scenario and seed); each round is ranked on its own: by total, then the faster heal, then fewer wrong diagnoses and hints.{}</p>",
        if sessions == 1 { "" } else { "s" },
        board.groups.len(),
        if board.groups.len() == 1 { "" } else { "s" },
        if page.refresh.is_some() {
            " This page reloads itself as reports arrive."
        } else {
            ""
        }
    );
    if board.is_empty() {
        o.push_str("<p>No reports yet.</p>\n");
    }
    for (i, g) in board.groups.iter().enumerate() {
        let _ = writeln!(
            o,
            "<section class=\"round\" id=\"round-{}\" data-scenario=\"{}\" data-seed=\"{}\">",
            i + 1,
            escape(&g.scenario),
            g.seed
        );
        let _ = writeln!(o, "<h2>{}</h2>", escape(&g.heading()));
        table(&mut o, g);
        parts_chart(&mut o, g);
        time_chart(&mut o, g);
        o.push_str("</section>\n");
    }
    let _ = writeln!(
        o,
        "<footer>faultline {} scoreboard, from the players' session reports.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    o
}

fn table(o: &mut String, g: &Group) {
    o.push_str("<div class=\"scroll\"><table class=\"board\">\n<thead><tr>");
    o.push_str("<th>#</th><th class=\"name\">player</th><th class=\"name\">team</th><th>total</th><th>grade</th><th>healed in</th>");
    for c in &g.columns {
        let head = if c.max > 0 {
            format!("{} <small>/{}</small>", escape(&c.name), c.max)
        } else {
            escape(&c.name)
        };
        let _ = write!(o, "<th>{head}</th>");
    }
    o.push_str(
        "<th>wrong tries</th><th>refused fixes</th><th>hints taken</th></tr></thead>\n<tbody>\n",
    );
    for (rank, r) in &g.rows {
        let _ = write!(
            o,
            "<tr class=\"row{}\" data-label=\"{}\" data-total=\"{}\"><td>{rank}</td>",
            if *rank == 1 { " first" } else { "" },
            escape(&r.label()),
            r.total
        );
        let dash = |v: &Option<String>| v.as_deref().map(escape).unwrap_or_else(|| "–".into());
        let player = match (&r.player, &r.team) {
            (None, None) => escape(&r.label()),
            _ => dash(&r.player),
        };
        let _ = write!(
            o,
            "<td class=\"name\">{player}</td><td class=\"name\">{}</td><td>{}</td><td>{}</td>",
            dash(&r.team),
            r.total,
            escape(&r.grade)
        );
        match r.time_to_heal {
            Some(t) => {
                let _ = write!(o, "<td>{}</td>", duration(t));
            }
            None => {
                let _ = write!(o, "<td class=\"unhealed\">{}</td>", r.healed_in());
            }
        }
        for p in &r.parts {
            let _ = write!(o, "<td>{p}</td>");
        }
        let _ = writeln!(
            o,
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            r.wrong, r.refused, r.hints
        );
    }
    o.push_str("</tbody>\n</table></div>\n");
}

/// Layout shared by the charts.
const ROW_H: i32 = 26;
const BAR_H: i32 = 18;
const TOP: i32 = 8;
const PLOT_W: i32 = 500;

fn label_width(g: &Group) -> (i32, usize) {
    let chars = g
        .rows
        .iter()
        .map(|(_, r)| r.label().chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 32);
    (chars as i32 * 7 + 16, chars)
}

fn row_label(o: &mut String, y: i32, lw: i32, chars: usize, r: &Row) {
    let _ = write!(
        o,
        "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\"><title>{}</title>{}</text>",
        lw - 8,
        y + BAR_H - 5,
        escape(&r.label()),
        escape(&short(&r.label(), chars))
    );
}

/// Stacked bars: each part of each row's score, deductions to the left of zero.
fn parts_chart(o: &mut String, g: &Group) {
    let (lw, chars) = label_width(g);
    let scale = PLOT_W as f64 / 100.0;
    let most_lost = g
        .rows
        .iter()
        .map(|(_, r)| r.parts.iter().filter(|p| **p < 0).map(|p| -p).sum::<i32>())
        .max()
        .unwrap_or(0)
        .min(100);
    let x0 = lw + (most_lost as f64 * scale).round() as i32 + 4;
    let legend_y = TOP + g.rows.len() as i32 * ROW_H + 14;
    let width = x0 + PLOT_W + 70;
    let height = legend_y + 22;
    let _ = writeln!(
        o,
        "<figure class=\"chart parts\"><figcaption>Score parts per player</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"parts-chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Score parts per player\">"
    );
    for (i, (_, r)) in g.rows.iter().enumerate() {
        let y = TOP + i as i32 * ROW_H;
        row_label(o, y, lw, chars, r);
        let (mut right, mut left) = (x0 as f64, x0 as f64);
        for (k, p) in r.parts.iter().enumerate() {
            if *p == 0 {
                continue;
            }
            let w = (p.abs() as f64 * scale).max(1.0);
            let x = if *p > 0 {
                right += w;
                right - w
            } else {
                left -= w;
                left
            };
            let name = &g.columns[k].name;
            let _ = write!(
                o,
                "<rect class=\"part\" data-label=\"{}\" data-part=\"{}\" data-points=\"{p}\" x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{}\"><title>{}: {} {p}</title></rect>",
                escape(&r.label()),
                escape(name),
                colour(g, k),
                escape(&r.label()),
                escape(name)
            );
        }
        let _ = writeln!(
            o,
            "<text class=\"value\" x=\"{:.1}\" y=\"{}\">{}</text>",
            right + 6.0,
            y + BAR_H - 5,
            r.total
        );
    }
    let _ = writeln!(
        o,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{}\" x2=\"{x0}\" y2=\"{}\"/>",
        TOP - 4,
        TOP + g.rows.len() as i32 * ROW_H
    );
    let mut x = lw;
    for (k, c) in g.columns.iter().enumerate() {
        let _ = write!(
            o,
            "<rect class=\"legend\" x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text class=\"label\" x=\"{}\" y=\"{}\">{}</text>",
            legend_y,
            colour(g, k),
            x + 16,
            legend_y + 10,
            escape(&c.name)
        );
        x += 16 + c.name.chars().count() as i32 * 7 + 14;
    }
    o.push_str("\n</svg></figure>\n");
}

/// Bars of the virtual time from arrival to a healing submission.
fn time_chart(o: &mut String, g: &Group) {
    let (lw, chars) = label_width(g);
    let longest = g
        .rows
        .iter()
        .filter_map(|(_, r)| r.time_to_heal)
        .max()
        .unwrap_or(0)
        .max(1);
    let width = lw + PLOT_W + 90;
    let height = TOP + g.rows.len() as i32 * ROW_H + 8;
    let _ = writeln!(
        o,
        "<figure class=\"chart time\"><figcaption>Time to heal (incident time, arrival to a healing submit)</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"time-chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Time to heal per player\">"
    );
    for (i, (_, r)) in g.rows.iter().enumerate() {
        let y = TOP + i as i32 * ROW_H;
        row_label(o, y, lw, chars, r);
        match r.time_to_heal {
            Some(t) => {
                let w = (t as f64 / longest as f64 * PLOT_W as f64).max(1.0);
                let _ = writeln!(
                    o,
                    "<rect class=\"heal\" data-label=\"{}\" data-ms=\"{t}\" x=\"{lw}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"#3aa17e\"><title>{}: healed in {}</title></rect><text class=\"value\" x=\"{:.1}\" y=\"{}\">{}</text>",
                    escape(&r.label()),
                    escape(&r.label()),
                    duration(t),
                    lw as f64 + w + 6.0,
                    y + BAR_H - 5,
                    duration(t)
                );
            }
            None => {
                let _ = writeln!(
                    o,
                    "<text class=\"value unhealed\" data-label=\"{}\" x=\"{lw}\" y=\"{}\">{}</text>",
                    escape(&r.label()),
                    y + BAR_H - 5,
                    if r.submitted { "not healed" } else { "not submitted" }
                );
            }
        }
    }
    o.push_str("</svg></figure>\n");
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_covers_text_and_attributes() {
        assert_eq!(
            super::escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
