//! Read-only `logs` operations in the AWS CLI's shapes, and `logs tail`,
//! which prints plain lines as aws-cli's `awscli/customizations/logs/tail.py`
//! does.
//!
//! Only events whose timestamp has come (at or before the virtual now) exist.
//! Tokens (`nextToken`, `f/...`, `b/...`, `eventId`) are stable digits derived
//! from the stream and the event's position, never random.
//!
//! The tests drive the operations through the AWS CLI front end, in `tests.rs`.

#[cfg(test)]
mod tests;

use super::misc::{check_range, int_flag, stable_hash};
use super::{ArgError, CommandError, Input};
use crate::aws::catalogue::{flag, required, Complete, FlagKind, Op, ReadCtx, ReadOp};
use crate::aws::errors::{self, Validation};
use crate::time::Millis;
use crate::world::{LogEvent, LogGroup, LogStream};
use serde_json::{json, Map, Value};

fn group<'a>(ctx: &ReadCtx<'a>, name: &str, op: &str) -> Result<&'a LogGroup, CommandError> {
    ctx.world
        .log_groups
        .get(name)
        .ok_or_else(|| errors::log_group_not_found(op).into())
}

/// Events that exist at `now`, with their position in the stream.
fn visible(s: &LogStream, now: Millis) -> impl Iterator<Item = (usize, &LogEvent)> {
    s.events
        .iter()
        .enumerate()
        .filter(move |(_, e)| e.timestamp <= now)
}

/// The group's ARN without the trailing `:*` (`logGroupArn`).
fn bare_arn(g: &LogGroup) -> &str {
    g.arn.strip_suffix(":*").unwrap_or(&g.arn)
}

/// 56 digits, as CloudWatch Logs' tokens and event ids are: a stable prefix
/// from `seed`, then the position.
fn digits56(seed: &[&str], pos: usize) -> String {
    let h = stable_hash(seed);
    // A second, independent-looking number from the first (SplitMix64 finaliser).
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    let h2 = (z ^ (z >> 31)) % 1_000_000_000_000_000_000;
    format!("{h:020}{h2:018}{pos:018}")
}

/// An opaque paging token for the describe and filter operations (position `pos`).
fn page_token(seed: &str, pos: usize) -> String {
    format!("{:016x}{pos:08x}", stable_hash(&[seed, "page"]))
}

fn parse_page_token(seed: &str, token: &str, op: &str) -> Result<usize, CommandError> {
    let bad = || errors::next_token_invalid(op).into();
    if token.len() != 24 || token[..16] != format!("{:016x}", stable_hash(&[seed, "page"])) {
        return Err(bad());
    }
    usize::from_str_radix(&token[16..], 16).map_err(|_| bad())
}

fn limit(inv: &Input, op: &str, max: i64) -> Result<Option<usize>, CommandError> {
    match int_flag(inv, "limit")? {
        None => Ok(None),
        Some(n) => {
            check_range(Validation::Logs, op, "limit", n, 1, max)?;
            Ok(Some(n as usize))
        }
    }
}

/// `logs describe-log-groups`.
fn describe_log_groups(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeLogGroups";
    let prefix = inv.value("logGroupNamePrefix")?;
    let pattern = inv.value("logGroupNamePattern")?;
    let lim = limit(inv, op, 50)?;
    let token = inv.value("nextToken")?;
    if prefix.is_some() && pattern.is_some() {
        return Err(errors::group_prefix_and_pattern(op).into());
    }
    let groups: Vec<&LogGroup> = ctx
        .world
        .log_groups
        .values()
        .filter(|g| g.created <= ctx.now)
        .filter(|g| prefix.as_deref().is_none_or(|p| g.name.starts_with(p)))
        // A case-sensitive substring search [V].
        .filter(|g| pattern.as_deref().is_none_or(|p| g.name.contains(p)))
        .collect();
    let items: Vec<Value> = groups
        .iter()
        .map(|g| {
            let stored: usize = g
                .streams
                .values()
                .flat_map(|s| visible(s, ctx.now))
                .map(|(_, e)| e.message.len())
                .sum();
            let mut m = Map::new();
            m.insert("logGroupName".into(), json!(g.name));
            m.insert("creationTime".into(), json!(g.created));
            if let Some(d) = g.retention_days {
                m.insert("retentionInDays".into(), json!(d));
            }
            m.insert("metricFilterCount".into(), json!(0));
            m.insert("arn".into(), json!(g.arn));
            m.insert("storedBytes".into(), json!(stored));
            m.insert("logGroupClass".into(), json!("STANDARD"));
            m.insert("logGroupArn".into(), json!(bare_arn(g)));
            Value::Object(m)
        })
        .collect();
    page(items, "logGroups", "log-groups", lim, token, 50, op)
}

/// One page of a paginated list. Without `--limit` or `--next-token` the CLI
/// fetches every page and prints only the list; with either, pagination is
/// off and the raw page (with its `nextToken`) is printed [V: aws-cli paginate.py].
fn page(
    items: Vec<Value>,
    key: &str,
    seed: &str,
    lim: Option<usize>,
    token: Option<String>,
    default: usize,
    op: &str,
) -> Result<Value, CommandError> {
    if lim.is_none() && token.is_none() {
        return Ok(json!({ key: items }));
    }
    let from = match &token {
        Some(t) => parse_page_token(seed, t, op)?,
        None => 0,
    };
    let n = lim.unwrap_or(default);
    let to = (from + n).min(items.len());
    let mut out = Map::new();
    out.insert(
        key.into(),
        Value::Array(items.get(from..to).unwrap_or_default().to_vec()),
    );
    if to < items.len() {
        out.insert("nextToken".into(), json!(page_token(seed, to)));
    }
    Ok(Value::Object(out))
}

fn stream_arn(g: &LogGroup, s: &str) -> String {
    format!("{}:log-stream:{s}", bare_arn(g))
}

/// `logs describe-log-streams`.
fn describe_log_streams(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "DescribeLogStreams";
    let name = inv.required("logGroupName")?;
    let prefix = inv.value("logStreamNamePrefix")?;
    let order = inv.value("orderBy")?;
    let desc = inv.switch("descending")?.unwrap_or(false);
    let lim = limit(inv, op, 50)?;
    let token = inv.value("nextToken")?;
    let by_time = match order.as_deref() {
        None | Some("LogStreamName") => false,
        Some("LastEventTime") => true,
        Some(o) => {
            return Err(errors::not_in_enum(
                Validation::Logs,
                op,
                o,
                "orderBy",
                &["LastEventTime", "LogStreamName"],
            )
            .into())
        }
    };
    if by_time && prefix.is_some() {
        return Err(errors::order_by_time_with_prefix(op).into());
    }
    let g = group(ctx, &name, op)?;
    let mut streams: Vec<(&LogStream, Option<(&LogEvent, &LogEvent)>)> = g
        .streams
        .values()
        .filter(|s| s.created <= ctx.now)
        .filter(|s| prefix.as_deref().is_none_or(|p| s.name.starts_with(p)))
        .map(|s| {
            let mut vis = visible(s, ctx.now).map(|(_, e)| e);
            let first = vis.next();
            let last = vis.last().or(first);
            (s, first.zip(last))
        })
        .collect();
    if by_time {
        // Streams without events sort by creation [I].
        streams.sort_by_key(|(s, fl)| {
            (
                fl.map(|(_, l)| l.timestamp).unwrap_or(s.created),
                s.name.clone(),
            )
        });
    }
    if desc {
        streams.reverse();
    }
    let items: Vec<Value> = streams
        .iter()
        .map(|(s, fl)| {
            let mut m = Map::new();
            m.insert("logStreamName".into(), json!(s.name));
            m.insert("creationTime".into(), json!(s.created));
            if let Some((f, l)) = fl {
                m.insert("firstEventTimestamp".into(), json!(f.timestamp));
                m.insert("lastEventTimestamp".into(), json!(l.timestamp));
                m.insert(
                    "lastIngestionTime".into(),
                    json!(l.ingestion_time.min(ctx.now)),
                );
            }
            let n = visible(s, ctx.now).count();
            m.insert(
                "uploadSequenceToken".into(),
                json!(digits56(&[&g.name, &s.name, "upload"], n)),
            );
            m.insert("arn".into(), json!(stream_arn(g, &s.name)));
            // storedBytes of streams is deprecated and always 0 [V].
            m.insert("storedBytes".into(), json!(0));
            Value::Object(m)
        })
        .collect();
    page(
        items,
        "logStreams",
        &format!("streams:{name}"),
        lim,
        token,
        50,
        op,
    )
}

/// `logs get-log-events`.
fn get_log_events(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "GetLogEvents";
    let gname = inv.required("logGroupName")?;
    let sname = inv.required("logStreamName")?;
    let start = int_flag(inv, "startTime")?;
    let end = int_flag(inv, "endTime")?;
    let lim = limit(inv, op, 10_000)?.unwrap_or(10_000);
    let head = inv.switch("startFromHead")?.unwrap_or(false);
    let token = inv.value("nextToken")?;
    let g = group(ctx, &gname, op)?;
    let s = g
        .streams
        .get(&sname)
        .filter(|s| s.created <= ctx.now)
        .ok_or_else(|| errors::log_stream_not_found(op))?;
    let seed = [gname.as_str(), sname.as_str()];
    // startTime is inclusive, endTime exclusive [V].
    let evs: Vec<(usize, &LogEvent)> = visible(s, ctx.now)
        .filter(|(_, e)| start.is_none_or(|t| e.timestamp >= t))
        .filter(|(_, e)| end.is_none_or(|t| e.timestamp < t))
        .collect();
    let total = s.events.len();
    let (from, to, here) = match token.as_deref() {
        Some(t) => {
            let (dir, digits) = t.split_at(t.len().min(2));
            let pos = (digits.len() == 56 && digits[..38] == digits56(&seed, 0)[..38])
                .then(|| digits[38..].parse::<usize>().ok())
                .flatten()
                .filter(|p| *p <= total)
                .ok_or_else(|| errors::next_token_invalid(op))?;
            match dir {
                "f/" => {
                    let a = evs.partition_point(|(i, _)| *i < pos);
                    (a, (a + lim).min(evs.len()), pos)
                }
                "b/" => {
                    let b = evs.partition_point(|(i, _)| *i < pos);
                    (b.saturating_sub(lim), b, pos)
                }
                _ => return Err(errors::next_token_invalid(op).into()),
            }
        }
        None if head => (0, lim.min(evs.len()), 0),
        None => (evs.len().saturating_sub(lim), evs.len(), total),
    };
    let page = &evs[from..to];
    let forward = page.last().map(|(i, _)| i + 1).unwrap_or(here);
    let backward = page.first().map(|(i, _)| *i).unwrap_or(here);
    let events: Vec<Value> = page
        .iter()
        .map(|(_, e)| {
            json!({
                "timestamp": e.timestamp,
                "message": e.message,
                "ingestionTime": e.ingestion_time,
            })
        })
        .collect();
    Ok(json!({
        "events": events,
        "nextForwardToken": format!("f/{}", digits56(&seed, forward)),
        "nextBackwardToken": format!("b/{}", digits56(&seed, backward)),
    }))
}

/// A parsed filter pattern: the term syntax of unstructured logs.
#[derive(Debug, Default, PartialEq)]
struct Pattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl Pattern {
    /// Plain terms (all must match), `"quoted phrases"`, `?a ?b` (any of),
    /// `-term` (must not match). Matching is case-sensitive [V].
    fn parse(text: &str) -> Result<Pattern, ArgError> {
        let t = text.trim();
        let unsupported = |what: &str| {
            ArgError(format!(
                "faultline simulates only term filter patterns (ERROR, \"exact phrase\", ?ERROR ?WARN, -DEBUG); {what} patterns are not supported in the game. Try a term or a quoted phrase, e.g. --filter-pattern '\"level\":\"error\"'"
            ))
        };
        if t.starts_with('{') {
            return Err(unsupported("JSON ({ $.field = value })"));
        }
        if t.starts_with('[') {
            return Err(unsupported("space-delimited ([a, b, ...])"));
        }
        if t.starts_with('%') {
            return Err(unsupported("regular-expression (%...%)"));
        }
        let mut p = Pattern::default();
        let chars: Vec<char> = t.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let kind = match chars[i] {
                '?' => {
                    i += 1;
                    1
                }
                '-' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() => {
                    i += 1;
                    2
                }
                _ => 0,
            };
            let mut term = String::new();
            if chars.get(i) == Some(&'"') {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    term.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(ArgError(format!(
                        "Invalid filter pattern: unbalanced quotes in {t}"
                    )));
                }
                i += 1;
            } else {
                while i < chars.len() && !chars[i].is_whitespace() {
                    term.push(chars[i]);
                    i += 1;
                }
            }
            if term.is_empty() {
                continue;
            }
            match kind {
                1 => p.any.push(term),
                2 => p.none.push(term),
                _ => p.all.push(term),
            }
        }
        Ok(p)
    }

    fn matches(&self, msg: &str) -> bool {
        self.all.iter().all(|t| msg.contains(t.as_str()))
            && !self.none.iter().any(|t| msg.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| msg.contains(t.as_str())))
    }
}

/// One event found across streams.
struct Found<'a> {
    stream: &'a str,
    pos: usize,
    ev: &'a LogEvent,
}

/// Events of a group, interleaved by time across streams (the FilterLogEvents core).
#[allow(clippy::too_many_arguments)]
fn filter_events<'a>(
    ctx: &ReadCtx<'a>,
    g: &'a LogGroup,
    names: Option<&[String]>,
    prefix: Option<&str>,
    pattern: &Pattern,
    start: Option<Millis>,
    end: Option<Millis>,
    op: &str,
) -> Result<Vec<Found<'a>>, CommandError> {
    if names.is_some() && prefix.is_some() {
        return Err(errors::stream_names_and_prefix(op).into());
    }
    let mut out: Vec<Found> = g
        .streams
        .values()
        .filter(|s| names.is_none_or(|n| n.contains(&s.name)))
        .filter(|s| prefix.is_none_or(|p| s.name.starts_with(p)))
        .flat_map(|s| {
            visible(s, ctx.now).map(move |(pos, ev)| Found {
                stream: &s.name,
                pos,
                ev,
            })
        })
        // startTime inclusive; events later than endTime are not returned [V].
        .filter(|f| start.is_none_or(|t| f.ev.timestamp >= t))
        .filter(|f| end.is_none_or(|t| f.ev.timestamp <= t))
        .filter(|f| pattern.matches(&f.ev.message))
        .collect();
    out.sort_by(|a, b| (a.ev.timestamp, a.stream, a.pos).cmp(&(b.ev.timestamp, b.stream, b.pos)));
    Ok(out)
}

/// `logs filter-log-events`.
fn filter_log_events(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "FilterLogEvents";
    let gname = inv.required("logGroupName")?;
    let names = inv.values("logStreamNames")?;
    let prefix = inv.value("logStreamNamePrefix")?;
    let pattern = Pattern::parse(&inv.value("filterPattern")?.unwrap_or_default())?;
    let start = int_flag(inv, "startTime")?;
    let end = int_flag(inv, "endTime")?;
    let lim = limit(inv, op, 10_000)?;
    let token = inv.value("nextToken")?;
    // Deprecated and always on [V]: accepted, changes nothing.
    inv.switch("interleaved")?;
    let g = group(ctx, &gname, op)?;
    let found = filter_events(
        ctx,
        g,
        names.as_deref(),
        prefix.as_deref(),
        &pattern,
        start,
        end,
        op,
    )?;
    let items: Vec<Value> = found
        .iter()
        .map(|f| {
            let ts = f.ev.timestamp.to_string();
            let mut m = serde_json::Map::with_capacity(5);
            m.insert("logStreamName".into(), Value::String(f.stream.to_string()));
            m.insert("timestamp".into(), json!(f.ev.timestamp));
            m.insert("message".into(), Value::String(f.ev.message.clone()));
            m.insert("ingestionTime".into(), json!(f.ev.ingestion_time));
            m.insert(
                "eventId".into(),
                Value::String(digits56(&[&gname, f.stream, &ts], f.pos)),
            );
            Value::Object(m)
        })
        .collect();
    let seed = format!("events:{gname}");
    let mut v = page(items, "events", &seed, lim, token, 10_000, op)?;
    if let Value::Object(m) = &mut v {
        // Every page carries the deprecated, now empty, searchedLogStreams [V],
        // so the CLI's joined result has it too (botocore's build_full_result
        // sets each result key a page has, after `events`).
        let next = m.remove("nextToken");
        m.insert("searchedLogStreams".into(), json!([]));
        if let Some(n) = next {
            m.insert("nextToken".into(), n);
        }
    }
    Ok(v)
}

/// `--since` as tail.py reads it: `<n><s|m|h|d|w>` ago, else a timestamp.
fn since(text: &str, now: Millis) -> Result<Millis, ArgError> {
    let t = text.trim();
    if let Some(unit) = t.chars().last() {
        let num = &t[..t.len() - unit.len_utf8()];
        let scale = match unit {
            's' => Some(1000),
            'm' => Some(60_000),
            'h' => Some(3_600_000),
            'd' => Some(86_400_000),
            'w' => Some(7 * 86_400_000),
            _ => None,
        };
        if let (Some(scale), false) = (scale, num.is_empty()) {
            if num.chars().all(|c| c.is_ascii_digit()) {
                let n: i64 = num
                    .parse()
                    .map_err(|_| ArgError(format!("Invalid timestamp \"{t}\"")))?;
                return Ok(now - n.saturating_mul(scale));
            }
        }
    }
    if let Some(ms) = crate::time::parse_iso(t) {
        return Ok(ms);
    }
    if let Ok(secs) = t.parse::<f64>() {
        return Ok((secs * 1000.0) as Millis);
    }
    // [I] botocore's parse_timestamp error, with the accepted forms.
    Err(ArgError(format!(
        "Invalid timestamp \"{t}\": use a relative time with one unit (10m, 1h, 2d, 1w) or an ISO 8601 timestamp (2026-03-12T14:00:00Z)"
    )))
}

/// Python's `json.dumps(..., indent=4)` (ASCII-escaped, `": "` after keys).
fn python_pretty(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(v, &mut ser).expect("a JSON value serializes");
    let text = String::from_utf8(buf).expect("serde_json writes UTF-8");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// Python's `isoformat(timespec='microseconds')` of a UTC instant: always six fraction digits.
fn iso_micros(t: Millis) -> String {
    let s = crate::time::iso(t);
    match s.strip_suffix("+00:00") {
        Some(head) if !head.contains('.') => format!("{head}.000000+00:00"),
        _ => s,
    }
}

/// `logs tail <group>`: plain lines, not JSON.
fn tail(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let Some(gname) = inv.value("groupName")? else {
        return Err(ArgError(
            "aws: error: the following arguments are required: group_name".into(),
        )
        .into());
    };
    let since_text = inv.value("since")?.unwrap_or_else(|| "10m".into());
    let follow = inv.switch("follow")?.unwrap_or(false);
    let format = inv.value("format")?.unwrap_or_else(|| "detailed".into());
    let names = inv.values("logStreamNames")?;
    let prefix = inv.value("logStreamNamePrefix")?;
    let pattern = Pattern::parse(&inv.value("filterPattern")?.unwrap_or_default())?;
    if !["detailed", "short", "json"].contains(&format.as_str()) {
        return Err(ArgError(format!(
            "aws: error: argument --format: Invalid choice, valid choices are:\n\ndetailed                                 | short\njson\n\n(got '{format}')"
        ))
        .into());
    }
    if follow {
        return Err(ArgError(
            "--follow is not available in faultline: virtual time only moves between commands. Run logs tail again (with --since) to see newer lines.".into(),
        )
        .into());
    }
    let start = since(&since_text, ctx.now)?;
    // tail calls FilterLogEvents; a missing group fails there [V: tail.py].
    let op = "FilterLogEvents";
    let g = group(ctx, &gname, op)?;
    let found = filter_events(
        ctx,
        g,
        names.as_deref(),
        prefix.as_deref(),
        &pattern,
        Some(start),
        None,
        op,
    )?;
    let lines: Vec<String> = found
        .iter()
        .map(|f| {
            let ts = f.ev.timestamp;
            let line = match format.as_str() {
                // isoformat(timespec='microseconds') of a UTC datetime.
                "detailed" => format!("{} {} {}", iso_micros(ts), f.stream, f.ev.message),
                // strftime("%Y-%m-%dT%H:%M:%S").
                "short" => format!("{} {}", &crate::time::iso(ts)[..19], f.ev.message),
                // isoformat(), then the message pretty-printed if it is JSON.
                _ => {
                    let msg = match serde_json::from_str::<Value>(&f.ev.message) {
                        Ok(v) => format!("\n{}", python_pretty(&v)),
                        Err(_) => f.ev.message.clone(),
                    };
                    format!("{} {} {msg}", super::misc::cli_time(ts), f.stream)
                }
            };
            // _ensure_single_newline_ending: rstrip, one newline.
            line.trim_end().to_string()
        })
        .collect();
    Ok(Value::String(lines.join("\n")))
}

/// `logs list-tags-log-group`: the group's tags as a map (the tags of the
/// account's stacks, CloudFormation propagates them to the groups it made).
/// AWS deprecates it for ListTagsForResource, but every region still answers it.
fn list_tags_log_group(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let op = "ListTagsLogGroup";
    let name = inv.required("logGroupName")?;
    if ctx
        .world
        .log_groups
        .get(&name)
        .is_none_or(|g| g.created > ctx.now)
    {
        return Err(errors::log_group_not_found(op).into());
    }
    let tags: Map<String, Value> = ctx
        .world
        .with_stack_tags(Vec::new())
        .into_iter()
        .map(|(k, v)| (k, json!(v)))
        .collect();
    Ok(json!({ "tags": tags }))
}

const ORDER_BY: &[&str] = &["LogStreamName", "LastEventTime"];

/// The `logs` operations.
pub const OPS: &[ReadOp] = &[
    Op {
        service: "logs",
        name: "describe-log-groups",
        api: "DescribeLogGroups",
        summary: "Lists log groups (retention, size, ARN)",
        flags: &[
            flag(
                "log-group-name-prefix",
                FlagKind::Str,
                "only groups whose names start with this",
                Complete::LogGroup,
            ),
            flag(
                "log-group-name-pattern",
                FlagKind::Str,
                "only groups whose names contain this (case-sensitive)",
                Complete::Nothing,
            ),
            flag(
                "limit",
                FlagKind::Int,
                "one page of at most this many groups (1-50)",
                Complete::Nothing,
            ),
            flag(
                "next-token",
                FlagKind::Str,
                "the nextToken of the previous page",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: describe_log_groups,
    },
    Op {
        service: "logs",
        name: "describe-log-streams",
        api: "DescribeLogStreams",
        summary: "Lists the log streams of a group (first and last event times)",
        flags: &[
            required(
                "log-group-name",
                FlagKind::Str,
                "the log group",
                Complete::LogGroup,
            ),
            flag(
                "log-stream-name-prefix",
                FlagKind::Str,
                "only streams whose names start with this",
                Complete::LogStream,
            ),
            flag(
                "order-by",
                FlagKind::Str,
                "LogStreamName (default) or LastEventTime",
                Complete::Choices(ORDER_BY),
            ),
            flag(
                "descending",
                FlagKind::Bool,
                "newest or last names first",
                Complete::Nothing,
            ),
            flag(
                "limit",
                FlagKind::Int,
                "one page of at most this many streams (1-50)",
                Complete::Nothing,
            ),
            flag(
                "next-token",
                FlagKind::Str,
                "the nextToken of the previous page",
                Complete::Nothing,
            ),
            crate::aws::sim::ecs::MAX_ITEMS,
            crate::aws::sim::ecs::STARTING_TOKEN,
            crate::aws::sim::ecs::PAGE_SIZE,
        ],
        positional: None,
        run: describe_log_streams,
    },
    Op {
        service: "logs",
        name: "get-log-events",
        api: "GetLogEvents",
        summary: "Gets the events of one log stream",
        flags: &[
            required(
                "log-group-name",
                FlagKind::Str,
                "the log group",
                Complete::LogGroup,
            ),
            required(
                "log-stream-name",
                FlagKind::Str,
                "the log stream, e.g. ecs/<container>/<task-id>",
                Complete::LogStream,
            ),
            flag(
                "start-time",
                FlagKind::Int,
                "first instant, epoch milliseconds (inclusive)",
                Complete::Nothing,
            ),
            flag(
                "end-time",
                FlagKind::Int,
                "last instant, epoch milliseconds (exclusive)",
                Complete::Nothing,
            ),
            flag(
                "limit",
                FlagKind::Int,
                "at most this many events (1-10000)",
                Complete::Nothing,
            ),
            flag(
                "start-from-head",
                FlagKind::Bool,
                "the oldest events first (default: the newest)",
                Complete::Nothing,
            ),
            flag(
                "next-token",
                FlagKind::Str,
                "nextForwardToken or nextBackwardToken of the previous call",
                Complete::Nothing,
            ),
        ],
        positional: None,
        run: get_log_events,
    },
    Op {
        service: "logs",
        name: "filter-log-events",
        api: "FilterLogEvents",
        summary: "Searches the events of a log group across streams",
        flags: &[
            required(
                "log-group-name",
                FlagKind::Str,
                "the log group",
                Complete::LogGroup,
            ),
            flag(
                "log-stream-names",
                FlagKind::List,
                "only these streams",
                Complete::LogStream,
            ),
            flag(
                "log-stream-name-prefix",
                FlagKind::Str,
                "only streams whose names start with this",
                Complete::LogStream,
            ),
            flag(
                "filter-pattern",
                FlagKind::Str,
                "terms to match: ERROR, '\"exact phrase\"', '?ERROR ?WARN', -DEBUG",
                Complete::Nothing,
            ),
            flag(
                "start-time",
                FlagKind::Int,
                "first instant, epoch milliseconds",
                Complete::Nothing,
            ),
            flag(
                "end-time",
                FlagKind::Int,
                "last instant, epoch milliseconds",
                Complete::Nothing,
            ),
            flag(
                "limit",
                FlagKind::Int,
                "one page of at most this many events (1-10000)",
                Complete::Nothing,
            ),
            flag(
                "next-token",
                FlagKind::Str,
                "the nextToken of the previous page",
                Complete::Nothing,
            ),
            flag(
                "interleaved",
                FlagKind::Bool,
                "deprecated: events are always interleaved",
                Complete::Nothing,
            ),
            crate::aws::sim::ecs::MAX_ITEMS,
            crate::aws::sim::ecs::STARTING_TOKEN,
            crate::aws::sim::ecs::PAGE_SIZE,
        ],
        positional: None,
        run: filter_log_events,
    },
    Op {
        service: "logs",
        name: "tail",
        api: "FilterLogEvents",
        summary: "Prints a log group's recent events as lines (default: the last 10 minutes)",
        flags: &[
            flag(
                "since",
                FlagKind::Str,
                "from when: 10m, 1h, 2d (one unit) or an ISO 8601 time; default 10m",
                Complete::Choices(&["5m", "10m", "15m", "30m", "1h"]),
            ),
            flag(
                "follow",
                FlagKind::Bool,
                "keep polling (not available: time only moves between commands)",
                Complete::Nothing,
            ),
            flag(
                "format",
                FlagKind::Str,
                "detailed (default), short, or json",
                Complete::Choices(&["detailed", "short", "json"]),
            ),
            flag(
                "log-stream-names",
                FlagKind::List,
                "only these streams",
                Complete::LogStream,
            ),
            flag(
                "log-stream-name-prefix",
                FlagKind::Str,
                "only streams whose names start with this",
                Complete::LogStream,
            ),
            flag(
                "filter-pattern",
                FlagKind::Str,
                "terms to match: ERROR, '\"exact phrase\"', '?ERROR ?WARN', -DEBUG",
                Complete::Nothing,
            ),
        ],
        positional: Some(("group_name", Complete::LogGroup)),
        run: tail,
    },
    Op {
        service: "logs",
        name: "list-tags-log-group",
        api: "ListTagsLogGroup",
        summary: "Lists a log group's tags",
        flags: &[required(
            "log-group-name",
            FlagKind::Str,
            "the log group",
            Complete::LogGroup,
        )],
        positional: None,
        run: list_tags_log_group,
    },
];
