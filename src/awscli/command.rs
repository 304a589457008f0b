//! From an AWS CLI command line to a request: the operation from the
//! catalogue, the flags checked against it (unknown options with a
//! suggestion, missing required arguments in argparse's words), their values
//! turned into the API's members, and what the CLI itself handles — the
//! global options, `--query`/`--output`, client-side pagination
//! (`--max-items`, `--starting-token`), `--cli-input-json` and the EC2
//! security-group shorthand.

use super::args::{parse_value, ArgError, Invocation};
use super::render::Output;
use crate::aws::account::Request;
use crate::aws::catalogue::{self, flag, Complete, Entry, Flag, FlagKind};
use crate::aws::{Account, AwsError, CommandError, Input, Reader};
use serde_json::{json, Map, Value};

/// Flags every command takes (the AWS CLI's global options the game honours or ignores).
pub const GLOBAL_FLAGS: &[Flag] = &[
    flag(
        "query",
        FlagKind::Str,
        "JMESPath query to apply to the response",
        Complete::Nothing,
    ),
    flag(
        "output",
        FlagKind::Str,
        "json, text or table",
        Complete::Choices(&["json", "text", "table"]),
    ),
    flag(
        "region",
        FlagKind::Str,
        "the region to ask (the account's resources are in the session's region; IAM and STS are global)",
        Complete::Nothing,
    ),
    flag(
        "profile",
        FlagKind::Str,
        "ignored: the session's account and credentials are fixed when it starts",
        Complete::Nothing,
    ),
    flag(
        "no-cli-pager",
        FlagKind::Bool,
        "ignored: output is never paged",
        Complete::Nothing,
    ),
    flag(
        "no-paginate",
        FlagKind::Bool,
        "ignored: every result is returned",
        Complete::Nothing,
    ),
];

/// Options the CLI handles itself for list operations it pages on the client.
pub const PAGING_FLAGS: &[&str] = &["max-items", "starting-token", "page-size"];

/// The operations the CLI pages on the client, with the list it pages
/// (botocore's paginator `result_key`).
const PAGINATED: &[(&str, &str, &str)] = &[
    ("ecs", "list-clusters", "clusterArns"),
    ("ecs", "list-services", "serviceArns"),
    ("ecs", "list-tasks", "taskArns"),
    ("ecs", "list-task-definitions", "taskDefinitionArns"),
    ("ecs", "list-task-definition-families", "families"),
    // botocore's logs and ecr paginators (paginators-1.json): DescribeLogStreams
    // pages logStreams, FilterLogEvents events (and searchedLogStreams, kept
    // whole here), DescribeImages imageDetails.
    ("logs", "describe-log-streams", "logStreams"),
    ("logs", "filter-log-events", "events"),
    ("ecr", "describe-images", "imageDetails"),
    ("cloudtrail", "lookup-events", "Events"),
    ("ecs", "list-account-settings", "settings"),
];

/// The API's own paging members of the operations above (`--next-token`,
/// `--limit`): the CLI still takes them, undocumented, and one given turns
/// its own paging off (awscli's `check_should_enable_pagination`).
const API_PAGING_FLAGS: &[&str] = &["next-token", "limit"];

/// The operations whose API pages on the server (botocore's paginator:
/// result key, output token, and the members that turn the CLI's paging off
/// when given: the input token and the limit key). With paging on, the CLI
/// follows the token and joins the pages.
const SERVER_PAGED: &[(&str, &str, &str, &str, &[&str])] = &[(
    "cloudtrail",
    "lookup-events",
    "Events",
    "NextToken",
    &["NextToken", "MaxResults"],
)];

/// Flags of the EC2 security-group customization, turned into one `IpPermissions` entry.
const SG_SHORTHAND: &[&str] = &["protocol", "port", "cidr", "source-group", "group-owner"];

/// Client-side paging asked for on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paging {
    /// `--max-items`.
    pub max_items: Option<i64>,
    /// Where `--starting-token` resumes.
    pub start: usize,
}

/// A command line understood: the operation, its request input, and what the CLI does with the answer.
#[derive(Clone)]
pub struct Command {
    /// The operation.
    pub entry: Entry,
    /// The request's members.
    pub input: Input,
    /// `--query`.
    pub query: Option<String>,
    /// `--output`.
    pub output: Output,
    /// Client-side paging, for the operations the CLI pages.
    pub paging: Option<Paging>,
    /// `--region`, when it names another region than the account's.
    pub region: Option<String>,
}

/// Parses a command line (with or without the leading `aws`) into a command of the catalogue.
/// `region` is the account's: another `--region` is refused, and nothing is sent.
pub fn parse(line: &str, region: &str) -> Result<Command, CommandError> {
    let inv = Invocation::parse(line)?;
    let entry = catalogue::find(&inv.service, &inv.operation).ok_or_else(|| {
        ArgError(format!(
            "aws: error: argument operation: Invalid choice: '{} {}'",
            inv.service, inv.operation
        ))
    })?;
    command(entry, inv, region)
}

/// Checks the invocation's flags against the operation's: unknown flags
/// (with a suggestion), then missing required ones.
pub fn check_flags(entry: Entry, inv: &Invocation) -> Result<(), ArgError> {
    let flags = entry.flags();
    for name in inv.flag_names() {
        let plain = name.strip_prefix("no-").unwrap_or(name);
        let known = flags
            .iter()
            .chain(GLOBAL_FLAGS.iter())
            .find(|f| f.name == name || (f.kind == FlagKind::Bool && f.name == plain));
        if known.is_none() {
            let all: Vec<&str> = flags.iter().map(|f| f.name).collect();
            let near = crate::suggest::closest(name, all.iter().copied());
            let hint = near
                .map(|n| format!("\n(did you mean --{n}?)"))
                .unwrap_or_default();
            return Err(ArgError(format!("Unknown options: --{name}{hint}")));
        }
    }
    let given_json = inv.has("cli-input-json");
    let missing: Vec<String> = flags
        .iter()
        .filter(|f| f.required && !inv.has(f.name) && !given_json)
        .map(|f| format!("--{}", f.name))
        .collect();
    if !missing.is_empty() {
        return Err(ArgError(format!(
            "aws: error: the following arguments are required: {}",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// Turns a parsed invocation of `entry` into a command.
pub fn command(entry: Entry, mut inv: Invocation, region: &str) -> Result<Command, CommandError> {
    check_flags(entry, &inv)?;
    let mut input = Input::new();
    if let Some((name, _)) = entry.positional() {
        if let Some(v) = inv.positional() {
            input.set(entry.member(name), v);
        } else {
            return Err(ArgError(format!(
                "aws: error: the following arguments are required: {name}"
            ))
            .into());
        }
    }
    let paged = PAGINATED
        .iter()
        .any(|(s, o, _)| *s == entry.service() && *o == entry.name());
    let mut paging = None;
    let mut scalars: Vec<(&str, String)> = Vec::new();
    for f in entry.flags() {
        if paged && PAGING_FLAGS.contains(&f.name) {
            continue;
        }
        if f.name == "cli-input-json" {
            if let Some(v) = inv.value(f.name)? {
                match parse_value(&v).map_err(|e| {
                    ArgError(format!("Error parsing parameter '--cli-input-json': {e}"))
                })? {
                    Value::Object(m) => {
                        for (k, v) in m {
                            input.set(k, v);
                        }
                    }
                    _ => {
                        return Err(ArgError(
                            "Error parsing parameter '--cli-input-json': expected a JSON object"
                                .into(),
                        )
                        .into())
                    }
                }
            }
            continue;
        }
        // The customization is the security-group operations' only
        // (a network ACL entry's --protocol is its own member).
        if entry.service() == "ec2"
            && entry.name().contains("security-group")
            && SG_SHORTHAND.contains(&f.name)
        {
            if let Some(v) = inv.value(f.name)? {
                scalars.push((f.name, v));
            }
            continue;
        }
        if let Some(v) = flag_value(&mut inv, f)? {
            input.set(entry.member(f.name), v);
        }
    }
    if paged {
        paging = paging_options(&mut inv)?;
        if API_PAGING_FLAGS.iter().any(|f| inv.has(f)) {
            paging = None;
        }
    }
    if !scalars.is_empty() {
        if input.has("IpPermissions") {
            // [V] awscli's secgroupsimplify.
            return Err(ArgError(format!(
                "The --{} option is not compatible with the --ip-permissions option",
                scalars[0].0
            ))
            .into());
        }
        let get = |n: &str| {
            scalars
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.clone())
        };
        let p = scalar_permission(
            get("protocol"),
            get("port"),
            get("cidr"),
            get("source-group"),
            get("group-owner"),
        )?;
        input.set("IpPermissions", json!([p]));
    }
    for g in GLOBAL_FLAGS {
        if g.kind == FlagKind::Bool {
            inv.switch(g.name)?;
        }
    }
    inv.value("profile")?;
    let output = match inv.value("output")? {
        Some(o) => Output::parse(&o).map_err(ArgError)?,
        None => Output::Json,
    };
    let query = inv.value("query")?;
    if let Some(q) = &query {
        crate::limits::check_query(q).map_err(ArgError)?;
    }
    // Another region is asked as the CLI asks it: the account answers from
    // that region (see `Reader::read_in`).
    let other_region = inv.value("region")?.filter(|r| r != region);
    inv.finish()?;
    Ok(Command {
        entry,
        input,
        query,
        output,
        paging,
        region: other_region,
    })
}

/// A flag's value as the API member's JSON type, or None when not given.
fn flag_value(inv: &mut Invocation, f: &Flag) -> Result<Option<Value>, ArgError> {
    Ok(match f.kind {
        FlagKind::Str | FlagKind::Timestamp => inv.value(f.name)?.map(Value::String),
        FlagKind::List => match inv.values(f.name)? {
            None => None,
            Some(words) => Some(list(f.name, &words)?),
        },
        FlagKind::Bool => inv.switch(f.name)?.map(Value::Bool),
        // A number when it reads as one; otherwise the text, for the operation to refuse in its words.
        FlagKind::Int => inv.value(f.name)?.map(|v| match v.trim().parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => Value::String(v),
        }),
        FlagKind::Structure => match inv.values(f.name)? {
            None => None,
            Some(words) => Some(structure(f.name, &words)?),
        },
    })
}

/// A list flag's words: one JSON array, or words that are each split at commas (shorthand).
fn list(name: &str, words: &[String]) -> Result<Value, ArgError> {
    if words.len() == 1 && words[0].trim_start().starts_with('[') {
        let v = parse_value(&words[0])
            .map_err(|e| ArgError(format!("Error parsing parameter '--{name}': {e}")))?;
        let items: Vec<Value> = v
            .as_array()
            .map(|a| a.iter().filter(|x| x.is_string()).cloned().collect())
            .unwrap_or_default();
        return Ok(Value::Array(items));
    }
    Ok(json!(words
        .iter()
        .flat_map(|w| w.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()))
}

/// A structure flag's words: one JSON or shorthand value, or a list of them.
fn structure(name: &str, words: &[String]) -> Result<Value, ArgError> {
    let bad = |e: String| ArgError(format!("Error parsing parameter '--{name}': {e}"));
    let joined = words.join(" ");
    if words.len() == 1 || joined.trim_start().starts_with(['[', '{']) {
        return parse_value(&joined)
            .or_else(|e| lenient_shorthand(&joined).map_err(|_| e))
            .map_err(bad);
    }
    words
        .iter()
        .map(|w| {
            parse_value(w)
                .or_else(|e| lenient_shorthand(w).map_err(|_| e))
                .map_err(bad)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// AWS CLI shorthand for one structure, where a value may be a bare comma
/// list (`Key=Name,Values=a,b`), which the CLI accepts. JSON objects pass through.
fn lenient_shorthand(word: &str) -> Result<Value, String> {
    let w = word.trim();
    if w.starts_with('{') {
        return parse_value(w);
    }
    let mut map = Map::new();
    let mut last: Option<String> = None;
    for piece in w.split(',') {
        match piece.split_once('=') {
            Some((k, v)) if !k.is_empty() && !k.contains(' ') => {
                let v = v.trim_matches(|c| c == '[' || c == ']');
                map.insert(k.to_string(), Value::String(v.to_string()));
                last = Some(k.to_string());
            }
            _ => {
                let Some(k) = &last else {
                    return Err(format!(
                        "Expected: '=', received: '{}' for input:\n{w}",
                        piece.chars().next().unwrap_or(' ')
                    ));
                };
                let piece = piece.trim_matches(|c| c == '[' || c == ']');
                let entry = map.get_mut(k).expect("key just inserted");
                match entry {
                    Value::Array(a) => a.push(Value::String(piece.to_string())),
                    other => {
                        let first = other.clone();
                        *other = Value::Array(vec![first, Value::String(piece.to_string())]);
                    }
                }
            }
        }
    }
    Ok(Value::Object(map))
}

fn paging_options(inv: &mut Invocation) -> Result<Option<Paging>, ArgError> {
    let int =
        |inv: &mut Invocation, name: &str| -> Result<Option<i64>, ArgError> {
            match inv.value(name)? {
                None => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| {
                    ArgError(format!("invalid literal for int() with base 10: '{v}'"))
                }),
            }
        };
    let max_items = int(inv, "max-items")?;
    int(inv, "page-size")?;
    let start = match inv.value("starting-token")? {
        None => None,
        Some(tok) => Some(decode_token(&tok).ok_or_else(|| {
            // [I] the CLI's text for a token it cannot read.
            ArgError(format!("Unable to parse the starting token: {tok}"))
        })?),
    };
    if max_items.is_none() && start.is_none() {
        return Ok(None);
    }
    Ok(Some(Paging {
        max_items,
        start: start.unwrap_or(0),
    }))
}

/// `--max-items` / `--starting-token` over a complete result, as the CLI's
/// paginator does: the page, and `NextToken` (last) when more remain.
pub fn paginate(entry: Entry, paging: Option<Paging>, response: Value) -> Value {
    let Some(p) = paging else {
        return response;
    };
    let Some((_, _, key)) = PAGINATED
        .iter()
        .find(|(s, o, _)| *s == entry.service() && *o == entry.name())
    else {
        return response;
    };
    let Value::Object(mut m) = response else {
        return response;
    };
    // The paginator's input token: `nextToken`, or the server-paged
    // operation's own (CloudTrail's `NextToken`).
    let token = SERVER_PAGED
        .iter()
        .find(|(s, o, ..)| *s == entry.service() && *o == entry.name())
        .map(|(_, _, _, t, _)| *t)
        .unwrap_or("nextToken");
    // The CLI follows the API's own token to the end; it never prints it.
    m.remove(token);
    let items = match m.remove(*key) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    let rest: Vec<Value> = items.into_iter().skip(p.start).collect();
    let mut out = Map::new();
    match p.max_items {
        Some(n) if n > 0 && (n as usize) < rest.len() => {
            let n = n as usize;
            out.insert(
                key.to_string(),
                Value::Array(rest.into_iter().take(n).collect()),
            );
            out.extend(m);
            out.insert("NextToken".into(), json!(encode_token(token, p.start + n)));
        }
        _ => {
            out.insert(key.to_string(), Value::Array(rest));
            out.extend(m);
        }
    }
    Value::Object(out)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The CLI's pagination token: base64 of `{"<input token>": null, "boto_truncate_amount": n}`.
fn encode_token(token: &str, offset: usize) -> String {
    let text = format!("{{\"{token}\": null, \"boto_truncate_amount\": {offset}}}");
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode_token(tok: &str) -> Option<usize> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut bytes = Vec::new();
    for c in tok.trim().bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|x| *x == c)? as u32;
        bits = bits << 6 | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            bytes.push((bits >> nbits & 0xff) as u8);
        }
    }
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("boto_truncate_amount")?.as_u64().map(|n| n as usize)
}

/// `--protocol`, `--port`, `--cidr`, `--source-group` and `--group-owner` as
/// the CLI turns them into one IpPermissions entry (awscli's secgroupsimplify).
pub fn scalar_permission(
    protocol: Option<String>,
    port: Option<String>,
    cidr: Option<String>,
    source_group: Option<String>,
    owner: Option<String>,
) -> Result<Value, ArgError> {
    let mut p = Map::new();
    if let Some(proto) = protocol {
        let number = proto.parse::<i32>().ok();
        let valid = match number {
            Some(n) => (0..=255).contains(&n) || n == -1,
            None => ["tcp", "udp", "icmp", "all"].contains(&proto.as_str()),
        };
        if !valid {
            // [V] awscli's ProtocolArgument.
            return Err(ArgError(match number {
                Some(_) => "protocol numbers must be in the range 0-255 or -1 to specify all protocols".into(),
                None => "protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.".into(),
            }));
        }
        let proto = if proto == "all" { "-1".into() } else { proto };
        p.insert("IpProtocol".into(), json!(proto));
    }
    if let Some(port) = port {
        // [V] awscli's PortArgument.
        let bad = || {
            ArgError("port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)".into())
        };
        let (from, to) = if port == "-1" || port == "all" {
            (-1, -1)
        } else if let Some((a, b)) = port.split_once('-') {
            (
                a.parse::<i64>().map_err(|_| bad())?,
                b.parse::<i64>().map_err(|_| bad())?,
            )
        } else {
            let n = port.parse::<i64>().map_err(|_| bad())?;
            (n, n)
        };
        p.insert("FromPort".into(), json!(from));
        p.insert("ToPort".into(), json!(to));
    }
    if let Some(c) = cidr {
        p.insert("IpRanges".into(), json!([{ "CidrIp": c }]));
    }
    if source_group.is_some() || owner.is_some() {
        let mut pair = Map::new();
        if let Some(g) = source_group {
            let key = if g.starts_with("sg-") {
                "GroupId"
            } else {
                "GroupName"
            };
            pair.insert(key.into(), json!(g));
        }
        if let Some(o) = owner {
            pair.insert("UserId".into(), json!(o));
        }
        p.insert("UserIdGroupPairs".into(), json!([pair]));
    }
    Ok(Value::Object(p))
}

/// Runs a read-only command line against an account: the command (for its
/// `--query` and `--output`) and the response, paged as the CLI pages it.
/// A mutating operation is refused here: diagnostics cannot change the account.
pub fn read<R: Reader + ?Sized>(account: &R, line: &str) -> Result<(Command, Value), CommandError> {
    let cmd = parse(line, account.region())?;
    let Entry::Read(op) = cmd.entry else {
        return Err(ArgError(format!(
            "{} {} changes the account; diagnostics are read-only (apply it with `fix`)",
            cmd.entry.service(),
            cmd.entry.name()
        ))
        .into());
    };
    let req = Request::new(op, cmd.input.clone())?;
    let read_one = |r: &Request<_>| match &cmd.region {
        Some(region) => account.read_in(region, r),
        None => account.read(r),
    };
    let mut v = read_one(&req)?;
    if let Some((_, _, key, token, manual)) = SERVER_PAGED
        .iter()
        .find(|(s, o, ..)| *s == op.service && *o == op.name)
    {
        if !manual.iter().any(|m| cmd.input.has(m)) {
            // The CLI's paginator: follow the token, join the pages.
            let mut pages = 0;
            while let Some(next) = v.get(*token).cloned() {
                pages += 1;
                if pages > 10_000 {
                    break;
                }
                let more = Request::new(op, cmd.input.clone().with(*token, next))?;
                let page = read_one(&more)?;
                let items = page.get(*key).and_then(|x| x.as_array()).cloned();
                if let (Some(Value::Array(all)), Some(items)) = (v.get_mut(*key), items) {
                    all.extend(items);
                }
                match page.get(*token) {
                    Some(t) => v[*token] = t.clone(),
                    None => {
                        if let Value::Object(m) = &mut v {
                            m.remove(*token);
                        }
                    }
                }
            }
        }
    }
    let v = paginate(cmd.entry, cmd.paging, v);
    Ok((cmd, v))
}

/// Applies a mutating command line to an account: the command and AWS's response.
pub fn write<A: Account + ?Sized>(
    account: &mut A,
    line: &str,
) -> Result<(Command, Value), CommandError> {
    let cmd = parse(line, account.region())?;
    let Entry::Write(op) = cmd.entry else {
        return Err(ArgError(format!(
            "{} {} is read-only: run it without `fix`",
            cmd.entry.service(),
            cmd.entry.name()
        ))
        .into());
    };
    if let Some(r) = &cmd.region {
        // In another region the resources a fix names are not there: AWS's
        // own not-found error, where the account can say it (the simulator).
        let req = Request::new(op, cmd.input.clone())?;
        if let Some(Err(e)) = account.refused_in(r, &req) {
            return Err(e);
        }
        // [I] otherwise a fix goes to the account's own region only: the
        // simulated account has nothing elsewhere, and a live session changes
        // nothing outside its sandbox.
        return Err(AwsError::new(
            "UnrecognizedClientException",
            op.api,
            format!(
                "This session changes {} only; --region {r} is another region, and nothing was sent there.",
                account.region()
            ),
        )
        .into());
    }
    let req = Request::new(op, cmd.input.clone())?;
    let v = account.write(&req)?;
    Ok((cmd, v))
}

/// Checks that a command line is one the AWS CLI itself takes: it parses
/// here (values included), and it uses none of faultline's conveniences the
/// CLI lacks — relative times and `now` in timestamp parameters (botocore
/// takes ISO 8601 or epoch seconds: "valid types: <class 'datetime.datetime'>,
/// timestamp-string"). Reference paths, hints and fixes must pass this.
pub fn cli_compatible(line: &str, region: &str) -> Result<Entry, String> {
    let cmd = parse(line, region).map_err(|e| e.to_string())?;
    let mut inv = Invocation::parse(line).map_err(|e| e.0)?;
    for f in cmd.entry.flags() {
        if f.kind != FlagKind::Timestamp {
            continue;
        }
        if let Some(v) = inv.value(f.name).map_err(|e| e.0)? {
            let v = v.trim();
            let epoch = v.parse::<f64>().is_ok();
            if !epoch && crate::time::parse_iso(v).is_none() {
                return Err(format!(
                    "--{} {v}: the AWS CLI takes an ISO 8601 timestamp or epoch seconds here, not faultline's relative times",
                    f.name
                ));
            }
        }
    }
    Ok(cmd.entry)
}

/// The catalogue's operation `service name`, or what is wrong with the pair
/// (with the nearest operation of that service, if one is near).
pub fn operation(service: &str, name: &str) -> Result<Entry, ArgError> {
    catalogue::find(service, name).ok_or_else(|| {
        let near = crate::suggest::closest(
            name,
            catalogue::entries()
                .filter(|e| e.service() == service)
                .map(|e| e.name()),
        );
        ArgError(match near {
            Some(n) => format!(
                "'{service} {name}' is not an operation faultline knows; did you mean '{service} {n}'?"
            ),
            None => format!("'{service} {name}' is not an operation faultline knows"),
        })
    })
}

/// Checks a command line without running it: the operation exists and its
/// flags are its own, with every required one given (values are not read, so
/// placeholders such as `${rtb:private-a}` may stand in them).
pub fn check(line: &str) -> Result<Entry, ArgError> {
    let inv = Invocation::parse(line)?;
    let entry = operation(&inv.service, &inv.operation)?;
    check_flags(entry, &inv)?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pagination_tokens_round_trip() {
        for n in [0, 1, 7, 42, 1234] {
            assert_eq!(decode_token(&encode_token("nextToken", n)), Some(n));
        }
        assert_eq!(decode_token("not a token"), None);
    }

    #[test]
    fn lenient_shorthand_takes_comma_lists() {
        assert_eq!(
            lenient_shorthand("Key=Name,Option=BeginsWith,Values=/prod,/dev").unwrap(),
            json!({"Key": "Name", "Option": "BeginsWith", "Values": ["/prod", "/dev"]})
        );
        assert_eq!(
            lenient_shorthand("Name=ClusterName,Value=prod").unwrap(),
            json!({"Name": "ClusterName", "Value": "prod"})
        );
        assert!(lenient_shorthand("nonsense").is_err());
    }

    #[test]
    fn another_region_answers_as_an_empty_region_of_the_same_account() {
        use crate::aws::sim::testkit::instance;
        let inst = instance("nat-route-missing.yaml", 1);
        let own = read(&inst.sim, "ecs list-clusters --region us-east-1")
            .unwrap()
            .1;
        assert_eq!(own["clusterArns"].as_array().unwrap().len(), 1);
        // A real account whose resources are in us-east-1, asked in eu-west-1:
        // empty lists, and named resources not found there.
        let (_, v) = read(&inst.sim, "ecs list-clusters --region eu-west-1").unwrap();
        assert_eq!(v, json!({"clusterArns": []}));
        let e = read(
            &inst.sim,
            "ecs describe-services --cluster prod --services checkout --region eu-west-1",
        )
        .map(|_| ())
        .unwrap_err()
        .to_string();
        // [V] ECS's ClusterNotFoundException, as in the account's own region.
        assert_eq!(
            e,
            "An error occurred (ClusterNotFoundException) when calling the DescribeServices operation: Cluster not found."
        );
        let (_, v) = read(&inst.sim, "ec2 describe-route-tables --region eu-west-1").unwrap();
        assert_eq!(v, json!({"RouteTables": []}));
        // A fix naming this region's resources meets AWS's not-found there.
        let mut inst = inst;
        let routes = |i: &crate::scenario::Instance| -> usize {
            i.sim
                .world()
                .route_tables
                .values()
                .map(|t| t.routes.len())
                .sum()
        };
        let before = routes(&inst);
        let rtb = inst.sim.world().name("rtb:private-a").unwrap().to_string();
        let nat = inst.sim.world().nat_gateways.keys().next().unwrap().clone();
        let e = write(
            &mut inst.sim,
            &format!("ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat} --region eu-west-1"),
        )
        .map(|_| ())
        .unwrap_err()
        .to_string();
        // (EC2's own text for the first id it cannot find there.)
        assert!(
            e.starts_with("An error occurred (InvalidNatGatewayID.NotFound) when calling the CreateRoute operation: The natGateway ID '"),
            "{e}"
        );
        assert_eq!(
            routes(&inst),
            before,
            "nothing changed in the session's region"
        );
        // One that would be accepted there is not made: nothing is sent outside the session's region.
        let e = write(
            &mut inst.sim,
            "logs create-log-group --log-group-name /x --region eu-west-1",
        )
        .map(|_| ())
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("--region eu-west-1 is another region, and nothing was sent there"),
            "{e}"
        );
        // IAM is global: the same roles from any region.
        let here = read(
            &inst.sim,
            "iam get-role --role-name checkout-task-execution",
        )
        .unwrap()
        .1;
        let there = read(
            &inst.sim,
            "iam get-role --role-name checkout-task-execution --region eu-west-1",
        )
        .unwrap()
        .1;
        assert_eq!(here, there);
    }
}

/// Tests generated over the catalogue: every operation, read or write, is
/// covered without test code of its own.
#[cfg(test)]
mod catalogue_tests {
    use super::*;
    use crate::aws::sim::testkit::instance;

    /// A line for `entry` with every required flag (dummy values) except `skip`.
    fn line_without(entry: Entry, skip: Option<&str>) -> String {
        let mut l = format!("{} {}", entry.service(), entry.name());
        if let Some((_, _)) = entry.positional() {
            l.push_str(" /ecs/x");
        }
        for f in entry.flags().iter().filter(|f| f.required) {
            if Some(f.name) == skip {
                continue;
            }
            let v = match f.kind {
                FlagKind::Structure => "{}",
                FlagKind::Int => "1",
                _ => "x",
            };
            l.push_str(&format!(" --{} {v}", f.name));
        }
        l
    }

    #[test]
    fn a_missing_required_flag_reads_as_argparse_says_it() {
        for entry in catalogue::entries() {
            let required: Vec<&str> = entry
                .flags()
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name)
                .collect();
            for r in &required {
                let inv = Invocation::parse(&line_without(entry, Some(r))).unwrap();
                let e = check_flags(entry, &inv).unwrap_err();
                assert_eq!(
                    e.0,
                    format!("aws: error: the following arguments are required: --{r}"),
                    "{} {}",
                    entry.service(),
                    entry.name()
                );
            }
            let inv = Invocation::parse(&line_without(entry, None)).unwrap();
            check_flags(entry, &inv)
                .unwrap_or_else(|e| panic!("{} {}: {e}", entry.service(), entry.name()));
        }
    }

    #[test]
    fn every_missing_required_flag_is_named_at_once() {
        let entry = catalogue::find("ec2", "create-route").unwrap();
        let inv = Invocation::parse("ec2 create-route --nat-gateway-id nat-1").unwrap();
        assert_eq!(
            check_flags(entry, &inv).unwrap_err().0,
            "aws: error: the following arguments are required: --route-table-id, --destination-cidr-block"
        );
    }

    #[test]
    fn an_unknown_flag_is_refused_with_the_nearest_for_every_operation() {
        for entry in catalogue::entries() {
            let Some(f) = entry.flags().iter().find(|f| f.name.len() > 5) else {
                continue;
            };
            // One letter dropped from a real flag.
            let typo = format!("{}{}", &f.name[..2], &f.name[3..]);
            if entry.flags().iter().any(|g| g.name == typo) {
                continue;
            }
            let line = format!("{} --{typo} x", line_without(entry, None));
            let inv = Invocation::parse(&line).unwrap();
            let e = check_flags(entry, &inv).unwrap_err().0;
            assert!(
                e.starts_with(&format!("Unknown options: --{typo}")),
                "{line}: {e}"
            );
            assert!(e.contains("(did you mean --"), "{line}: {e}");
        }
    }

    #[test]
    fn every_flag_maps_to_a_member_the_request_accepts() {
        for entry in catalogue::entries() {
            for f in entry.flags() {
                let m = entry.member(f.name);
                assert!(
                    m.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && !m.contains('-'),
                    "{} {} --{}: member {m}",
                    entry.service(),
                    entry.name(),
                    f.name
                );
                assert_eq!(catalogue::flag_name(&m), format!("--{}", f.name));
            }
        }
    }

    #[test]
    fn the_read_path_cannot_reach_a_write() {
        let inst = instance("nat-route-missing.yaml", 1);
        let before = format!("{:?}", inst.sim.world());
        let mut writes = 0;
        for op in catalogue::writes() {
            let line = line_without(Entry::Write(op), None);
            let e = read(&inst.sim, &line).map(|_| ()).unwrap_err();
            assert!(
                e.to_string().contains("diagnostics are read-only"),
                "{line}: {e}"
            );
            writes += 1;
        }
        assert!(writes >= 25, "the catalogue lists {writes} writes");
        assert_eq!(
            before,
            format!("{:?}", inst.sim.world()),
            "the world changed"
        );
    }

    #[test]
    fn max_items_pages_log_streams_log_events_and_images_as_the_cli_does() {
        let inst = instance("oom-killed.yaml", 1);
        let group = "--log-group-name /ecs/checkout-api";
        let repo = "--repository-name checkout-api";
        for (line, key) in [
            (format!("logs describe-log-streams {group}"), "logStreams"),
            (format!("logs filter-log-events {group}"), "events"),
            (format!("ecr describe-images {repo}"), "imageDetails"),
        ] {
            let (_, all) = read(&inst.sim, &line).unwrap();
            let all = all[key].as_array().unwrap().clone();
            assert!(all.len() >= 2, "{line}: {} items", all.len());
            let (_, page) = read(&inst.sim, &format!("{line} --max-items 1")).unwrap();
            assert_eq!(page[key], json!([all[0].clone()]), "{line}");
            // NextToken, the CLI's own token, comes last.
            let keys: Vec<&String> = page.as_object().unwrap().keys().collect();
            assert_eq!(
                keys.last().unwrap().as_str(),
                "NextToken",
                "{line}: {keys:?}"
            );
            assert!(page.get("nextToken").is_none(), "{line}");
            let tok = page["NextToken"].as_str().unwrap();
            assert_eq!(tok, encode_token("nextToken", 1));
            let (_, rest) = read(&inst.sim, &format!("{line} --starting-token {tok}")).unwrap();
            assert_eq!(
                rest[key].as_array().unwrap().as_slice(),
                &all[1..],
                "{line}"
            );
            assert!(rest.get("NextToken").is_none(), "{line}");
        }
    }

    #[test]
    fn the_write_path_refuses_a_read() {
        let mut inst = instance("nat-route-missing.yaml", 1);
        let e = write(&mut inst.sim, "ecs list-clusters")
            .map(|_| ())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ecs list-clusters is read-only: run it without `fix`"
        );
    }

    #[test]
    fn a_request_with_a_member_the_operation_lacks_is_refused() {
        let op = catalogue::find_write("ec2", "create-route").unwrap();
        let input = Input::new()
            .with("RouteTableId", "rtb-1")
            .with("DestinationCidrBlock", "0.0.0.0/0")
            .with("Bogus", 1);
        let e = Request::new(op, input).map(|_| ()).unwrap_err();
        assert!(e.0.contains("Unknown parameter in input: \"Bogus\""), "{e}");
    }
}
