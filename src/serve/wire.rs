//! The AWS wire protocols, both ways: an HTTP request in JSON 1.0/1.1
//! (`X-Amz-Target`), the query protocol or the EC2 query protocol becomes a
//! [`Call`] (the catalogue's operation and its [`Input`], named as the API
//! names its members); a response in the AWS CLI's JSON shape becomes the
//! body that protocol answers with, as botocore parses it back.
//!
//! Everything is driven by the service models ([`super::model`]): which
//! member is a list, a map or a timestamp, and what it is called on the wire.

use super::model::{self, Member, Service, Shape};
use crate::aws::Input;
// HTML's escaping is XML's too (`&#39;` is a character reference in both).
use crate::gameday::html::escape;
use crate::time::{iso, parse_iso};
use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

/// The three protocol families faultline answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// JSON 1.0 or 1.1: the operation in `X-Amz-Target`, JSON both ways.
    Json,
    /// The query protocol: a form in, XML out (IAM, ELBv2, STS, CloudWatch).
    Query,
    /// The EC2 query protocol: a form in, EC2's XML out.
    Ec2,
}

/// A decoded request: which operation, with what input.
#[derive(Debug, Clone)]
pub struct Call {
    /// CLI service name (`ecs`).
    pub service: &'static str,
    /// The service's model.
    pub model: &'static Service,
    /// API operation name (`DescribeServices`).
    pub api: String,
    /// The protocol it came in (errors answer in it).
    pub protocol: Protocol,
    /// JSON protocols: the version the client sent (`1.0`, `1.1`).
    pub json_version: String,
    /// Input members, as the API names them.
    pub input: Input,
}

/// Why a request could not be decoded: the error code and message AWS
/// answers with, in the protocol it was sent in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// Error code.
    pub code: String,
    /// Message.
    pub message: String,
}

impl Refusal {
    fn new(status: u16, code: &str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// What identifies a request's protocol, read off its headers.
#[derive(Debug, Default, Clone)]
pub struct Head<'a> {
    /// `X-Amz-Target`.
    pub target: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// The SigV4 scope's service (`ec2`, `iam`), when signed.
    pub signing_service: Option<&'a str>,
}

/// Decodes a request (POST body and the headers that matter).
pub fn decode(head: &Head, body: &[u8]) -> Result<Call, Refusal> {
    if let Some(target) = head.target {
        return decode_json(target, head.content_type.unwrap_or(""), body);
    }
    let text = std::str::from_utf8(body).map_err(|_| {
        Refusal::new(
            400,
            "MalformedQueryString",
            "The request body is not UTF-8.",
        )
    })?;
    let form = parse_form(text);
    let action = form
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone());
    let version = form
        .iter()
        .find(|(k, _)| k == "Version")
        .map(|(_, v)| v.clone());
    let Some(action) = action else {
        // [I] what an AWS endpoint says to a request without an operation.
        return Err(Refusal::new(
            400,
            "MissingAction",
            "Missing Action: send AWS API requests (X-Amz-Target for JSON services, Action= for query services)",
        ));
    };
    // The service: the one speaking a query protocol (CloudWatch's model
    // still offers it beside JSON) whose API version the form names (unique
    // per service), else the signing scope's.
    let found = model::models().services.iter().find(|(_, s)| {
        s.protocols.iter().any(|p| p == "query" || p == "ec2")
            && match (&version, head.signing_service) {
                (Some(v), _) => *v == s.api_version,
                (None, Some(sig)) => sig == s.signing_name,
                (None, None) => false,
            }
    });
    let Some((name, svc)) = found else {
        return Err(Refusal::new(
            400,
            "InvalidAction",
            format!(
                "The action {action} is not valid for this web service{}.",
                version
                    .map(|v| format!(" (version {v})"))
                    .unwrap_or_default()
            ),
        ));
    };
    let Some(op) = svc.operations.get(&action) else {
        return Err(unknown_operation(&action, svc));
    };
    let protocol = if svc.protocol == "ec2" {
        Protocol::Ec2
    } else {
        Protocol::Query
    };
    let mut input = Map::new();
    if let Some(shape) = &op.input {
        let pairs: Vec<(&str, &str)> = form
            .iter()
            .filter(|(k, _)| k != "Action" && k != "Version")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if let Value::Object(m) = query_structure(svc, svc.shape(shape), "", &pairs, protocol) {
            input = m;
        }
    }
    Ok(Call {
        service: static_name(name),
        model: svc,
        api: action,
        protocol,
        json_version: String::new(),
        input: Input::from_members(input),
    })
}

/// The catalogue's service name with a `'static` lifetime (the models live for the program).
fn static_name(name: &str) -> &'static str {
    model::models()
        .services
        .get_key_value(name)
        .map(|(k, _)| k.as_str())
        .unwrap_or("")
}

fn unknown_operation(action: &str, svc: &Service) -> Refusal {
    // [I] worded for faultline: the operation exists in AWS, not in the simulated account.
    Refusal::new(
        400,
        if svc.is_json() {
            "UnknownOperationException"
        } else {
            "InvalidAction"
        },
        format!(
            "faultline does not simulate {action}; the operations it answers: {}",
            {
                let mut ops: Vec<&str> = svc.operations.keys().map(String::as_str).collect();
                ops.sort_unstable();
                ops.join(", ")
            }
        ),
    )
}

fn decode_json(target: &str, content_type: &str, body: &[u8]) -> Result<Call, Refusal> {
    let Some((prefix, api)) = target.rsplit_once('.') else {
        return Err(Refusal::new(
            400,
            "UnknownOperationException",
            format!("X-Amz-Target {target} names no operation"),
        ));
    };
    let found = model::models()
        .services
        .iter()
        .find(|(_, s)| s.target_prefix.as_deref() == Some(prefix));
    let Some((name, svc)) = found else {
        return Err(Refusal::new(
            400,
            "UnknownOperationException",
            format!("faultline does not simulate the service of X-Amz-Target {target}"),
        ));
    };
    let Some(op) = svc.operations.get(api) else {
        return Err(unknown_operation(api, svc));
    };
    let json_version = content_type
        .strip_prefix("application/x-amz-json-")
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| svc.json_version.clone().unwrap_or_else(|| "1.1".into()));
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|e| {
            Refusal::new(
                400,
                "SerializationException",
                format!("The request body is not valid JSON: {e}"),
            )
        })?
    };
    let Value::Object(members) = value else {
        return Err(Refusal::new(
            400,
            "SerializationException",
            "The request body must be a JSON object",
        ));
    };
    let mut members = Value::Object(members);
    if let Some(shape) = &op.input {
        json_timestamps_in(svc, svc.shape(shape), &mut members);
    }
    let Value::Object(members) = members else {
        unreachable!("an object stays an object")
    };
    Ok(Call {
        service: static_name(name),
        model: svc,
        api: api.to_string(),
        protocol: Protocol::Json,
        json_version,
        input: Input::from_members(members),
    })
}

/// JSON inputs carry timestamps as epoch seconds; the catalogue's
/// operations read times as text (epoch seconds are one of its forms).
fn json_timestamps_in(svc: &Service, shape: &Shape, v: &mut Value) {
    match (shape.kind.as_str(), v) {
        ("structure", Value::Object(m)) => {
            for mem in &shape.members {
                if let Some(x) = m.get_mut(&mem.name) {
                    json_timestamps_in(svc, svc.shape(&mem.shape), x);
                }
            }
        }
        ("list", Value::Array(items)) => {
            if let Some(mem) = &shape.member {
                for x in items {
                    json_timestamps_in(svc, svc.shape(&mem.shape), x);
                }
            }
        }
        ("timestamp", x @ Value::Number(_)) => {
            *x = Value::String(x.to_string());
        }
        _ => {}
    }
}

/// `a=b&c=d` with percent-decoding (`+` is a space, as forms write it).
pub fn parse_form(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Percent-decoding of one form component.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The key a member has in a query form.
fn query_key(m: &Member, protocol: Protocol) -> String {
    match protocol {
        Protocol::Ec2 => m.ec2_query_name(),
        _ => m.location_name.clone().unwrap_or_else(|| m.name.clone()),
    }
}

/// The pairs under `prefix.` (all of them when the prefix is empty), with the prefix cut.
fn under<'a>(pairs: &[(&'a str, &'a str)], prefix: &str) -> Vec<(&'a str, &'a str)> {
    if prefix.is_empty() {
        return pairs.to_vec();
    }
    pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                .map(|rest| (rest, *v))
        })
        .collect()
}

fn query_structure(
    svc: &Service,
    shape: &Shape,
    prefix: &str,
    pairs: &[(&str, &str)],
    protocol: Protocol,
) -> Value {
    let inner = under(pairs, prefix);
    let mut out = Map::new();
    for m in &shape.members {
        let key = query_key(m, protocol);
        if let Some(v) = query_value(svc, m, &key, &inner, protocol) {
            out.insert(m.name.clone(), v);
        }
    }
    Value::Object(out)
}

fn query_value(
    svc: &Service,
    m: &Member,
    key: &str,
    pairs: &[(&str, &str)],
    protocol: Protocol,
) -> Option<Value> {
    let shape = svc.shape(&m.shape);
    match shape.kind.as_str() {
        "structure" => {
            let prefix = format!("{key}.");
            pairs
                .iter()
                .any(|(k, _)| k.starts_with(&prefix))
                .then(|| query_structure(svc, shape, key, pairs, protocol))
        }
        "list" => {
            let member = shape.member.as_ref()?;
            // An empty list is sent as the bare key (`Names=`).
            if pairs.iter().any(|(k, v)| *k == key && v.is_empty()) {
                return Some(Value::Array(Vec::new()));
            }
            let base = if protocol == Protocol::Ec2 || shape.flattened || m.flattened {
                key.to_string()
            } else {
                format!(
                    "{key}.{}",
                    member.location_name.as_deref().unwrap_or("member")
                )
            };
            let items = under(pairs, &base);
            if items.is_empty() {
                return None;
            }
            let mut indexes: Vec<usize> = items
                .iter()
                .filter_map(|(k, _)| k.split('.').next()?.parse().ok())
                .collect();
            indexes.sort_unstable();
            indexes.dedup();
            let list = indexes
                .into_iter()
                .filter_map(|i| query_value(svc, member, &format!("{base}.{i}"), pairs, protocol))
                .collect();
            Some(Value::Array(list))
        }
        "map" => {
            let (kref, vref) = (shape.key.as_ref()?, shape.value.as_ref()?);
            let base = if shape.flattened || m.flattened {
                key.to_string()
            } else {
                format!("{key}.entry")
            };
            let items = under(pairs, &base);
            let mut indexes: Vec<usize> = items
                .iter()
                .filter_map(|(k, _)| k.split('.').next()?.parse().ok())
                .collect();
            indexes.sort_unstable();
            indexes.dedup();
            let mut out = Map::new();
            for i in indexes {
                let kname = kref.location_name.as_deref().unwrap_or("key");
                let vname = vref.location_name.as_deref().unwrap_or("value");
                let k = pairs
                    .iter()
                    .find(|(k, _)| *k == format!("{base}.{i}.{kname}"))
                    .map(|(_, v)| v.to_string());
                let v = query_value(svc, vref, &format!("{base}.{i}.{vname}"), pairs, protocol);
                if let (Some(k), Some(v)) = (k, v) {
                    out.insert(k, v);
                }
            }
            Some(Value::Object(out))
        }
        kind => {
            let (_, v) = pairs.iter().find(|(k, _)| *k == key)?;
            Some(scalar(kind, v))
        }
    }
}

/// A form value as its shape's JSON type.
fn scalar(kind: &str, v: &str) -> Value {
    match kind {
        "boolean" => match v {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(v.to_string()),
        },
        "integer" | "long" => v
            .parse::<i64>()
            .map(|n| Value::Number(n.into()))
            .unwrap_or_else(|_| Value::String(v.to_string())),
        "double" | "float" => v
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(v.to_string())),
        _ => Value::String(v.to_string()),
    }
}

// ---------------------------------------------------------------- responses

/// A response body and its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// The body.
    pub text: String,
    /// JSON services that answer query-compatible errors: `x-amzn-query-error`.
    pub query_error: Option<String>,
}

/// The content type of a JSON protocol's responses.
fn json_type(version: &str) -> String {
    format!("application/x-amz-json-{version}")
}

/// Encodes a successful response (the CLI's JSON of it) in the call's protocol.
pub fn encode(call: &Call, response: &Value, request_id: &str) -> Body {
    let svc = call.model;
    let op = &svc.operations[&call.api];
    match call.protocol {
        Protocol::Json => {
            let mut text = Vec::with_capacity(1024);
            match &op.output {
                Some(shape) => json_write(svc, svc.shape(shape), response, &mut text),
                None => text.extend_from_slice(b"{}"),
            }
            Body {
                status: 200,
                content_type: json_type(&call.json_version),
                // Only JSON text was written, from valid UTF-8 strings.
                text: String::from_utf8(text).unwrap_or_default(),
                query_error: None,
            }
        }
        Protocol::Query => {
            let ns = svc.xml_namespace.as_deref().unwrap_or("");
            let mut x = String::with_capacity(1024);
            let _ = write!(x, "<{}Response xmlns=\"{ns}\">", call.api);
            if let Some(shape) = &op.output {
                let wrapper = op
                    .result_wrapper
                    .clone()
                    .unwrap_or_else(|| format!("{}Result", call.api));
                let _ = write!(x, "<{wrapper}>");
                xml_members(svc, svc.shape(shape), response, &mut x, false);
                let _ = write!(x, "</{wrapper}>");
            }
            let _ = write!(
                x,
                "<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{}Response>",
                call.api
            );
            Body {
                status: 200,
                content_type: "text/xml".into(),
                text: x,
                query_error: None,
            }
        }
        Protocol::Ec2 => {
            let ns = svc.xml_namespace.as_deref().unwrap_or("");
            let mut x = String::with_capacity(1024);
            let _ = write!(
                x,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{}Response xmlns=\"{ns}/\"><requestId>{request_id}</requestId>",
                call.api
            );
            if let Some(shape) = &op.output {
                xml_members(svc, svc.shape(shape), response, &mut x, true);
            }
            let _ = write!(x, "</{}Response>", call.api);
            Body {
                status: 200,
                content_type: "text/xml;charset=UTF-8".into(),
                text: x,
                query_error: None,
            }
        }
    }
}

/// The HTTP status AWS answers an error code with, where it is not 400.
fn error_status(code: &str) -> u16 {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "InvalidSignatureException"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException" => 403,
        "UnauthorizedOperation" => 403,
        "AuthFailure" => 401,
        "NoSuchEntity" => 404,
        "ServiceUnavailable" | "ServiceUnavailableException" => 503,
        "InternalFailure" | "ServerException" | "InternalError" => 500,
        _ => 400,
    }
}

/// Encodes an error in the protocol the request came in (`status` 0: the code's usual one).
pub fn encode_error(
    protocol: Protocol,
    svc: Option<&Service>,
    json_version: &str,
    status: u16,
    code: &str,
    message: &str,
    request_id: &str,
) -> Body {
    let status = if status == 0 {
        error_status(code)
    } else {
        status
    };
    match protocol {
        Protocol::Json => {
            let query_error = svc
                .filter(|s| s.query_compatible)
                .map(|_| format!("{code};{}", if status >= 500 { "Receiver" } else { "Sender" }));
            let version = if json_version.is_empty() {
                svc.and_then(|s| s.json_version.clone())
                    .unwrap_or_else(|| "1.1".into())
            } else {
                json_version.to_string()
            };
            Body {
                status,
                content_type: json_type(&version),
                text: serde_json::json!({"__type": code, "message": message}).to_string(),
                query_error,
            }
        }
        Protocol::Query => {
            let ns = svc.and_then(|s| s.xml_namespace.as_deref()).unwrap_or("");
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            Body {
                status,
                content_type: "text/xml".into(),
                text: format!(
                    "<ErrorResponse xmlns=\"{ns}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
                    escape(code),
                    escape(message)
                ),
                query_error: None,
            }
        }
        Protocol::Ec2 => Body {
            status,
            content_type: "text/xml;charset=UTF-8".into(),
            text: format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>",
                escape(code),
                escape(message)
            ),
            query_error: None,
        },
    }
}

/// A JSON response as the JSON protocols carry it: the model's members
/// only, timestamps as epoch seconds.
/// Writes `v` as the JSON protocols answer it: the output shape's members
/// only, in the model's order, timestamps as epoch seconds. The same text as
/// [`json_out`]'s value printed, without building that value first (a large
/// response is written once instead of copied, hashed and then written).
fn json_write(svc: &Service, shape: &Shape, v: &Value, out: &mut Vec<u8>) {
    match (shape.kind.as_str(), v) {
        ("structure", Value::Object(m)) => {
            out.push(b'{');
            let mut first = true;
            for mem in &shape.members {
                if let Some(x) = m.get(&mem.name) {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    json_key(&mem.name, out);
                    out.push(b':');
                    json_write(svc, svc.shape(&mem.shape), x, out);
                }
            }
            out.push(b'}');
        }
        ("list", Value::Array(items)) => match &shape.member {
            Some(mem) => {
                let item = svc.shape(&mem.shape);
                out.push(b'[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    json_write(svc, item, x, out);
                }
                out.push(b']');
            }
            None => json_scalar(v, out),
        },
        ("map", Value::Object(m)) => match &shape.value {
            Some(val) => {
                let value = svc.shape(&val.shape);
                out.push(b'{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    json_key(k, out);
                    out.push(b':');
                    json_write(svc, value, x, out);
                }
                out.push(b'}');
            }
            None => json_scalar(v, out),
        },
        ("timestamp", Value::String(s)) => match parse_iso(s) {
            Some(ms) => json_scalar(&epoch_seconds(ms), out),
            None => json_scalar(v, out),
        },
        _ => json_scalar(v, out),
    }
}

/// A key written as serde_json prints a string.
fn json_key(k: &str, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, k);
}

/// A value written as serde_json prints it (compact).
fn json_scalar(v: &Value, out: &mut Vec<u8>) {
    // Writing to a Vec cannot fail, nor can printing a `Value`.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// The JSON protocols' response as a value: [`json_write`]'s reference.
#[cfg(test)]
fn json_out(svc: &Service, shape: &Shape, v: &Value) -> Value {
    match (shape.kind.as_str(), v) {
        ("structure", Value::Object(m)) => {
            let mut out = Map::new();
            for mem in &shape.members {
                if let Some(x) = m.get(&mem.name) {
                    out.insert(mem.name.clone(), json_out(svc, svc.shape(&mem.shape), x));
                }
            }
            Value::Object(out)
        }
        ("list", Value::Array(items)) => match &shape.member {
            Some(mem) => Value::Array(
                items
                    .iter()
                    .map(|x| json_out(svc, svc.shape(&mem.shape), x))
                    .collect(),
            ),
            None => v.clone(),
        },
        ("map", Value::Object(m)) => match &shape.value {
            Some(val) => Value::Object(
                m.iter()
                    .map(|(k, x)| (k.clone(), json_out(svc, svc.shape(&val.shape), x)))
                    .collect(),
            ),
            None => v.clone(),
        },
        ("timestamp", Value::String(s)) => match parse_iso(s) {
            Some(ms) => epoch_seconds(ms),
            None => v.clone(),
        },
        _ => v.clone(),
    }
}

/// Epoch seconds with milliseconds, as the JSON protocols write timestamps.
fn epoch_seconds(ms: i64) -> Value {
    if ms % 1000 == 0 {
        Value::Number((ms / 1000).into())
    } else {
        Number::from_f64(ms as f64 / 1000.0)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// The members of a structure as XML elements.
fn xml_members(svc: &Service, shape: &Shape, v: &Value, x: &mut String, ec2: bool) {
    let Value::Object(m) = v else {
        return;
    };
    for mem in &shape.members {
        if let Some(val) = m.get(&mem.name) {
            xml_member(svc, mem, mem.xml_name(), val, x, ec2);
        }
    }
}

fn xml_member(svc: &Service, mem: &Member, name: &str, v: &Value, x: &mut String, ec2: bool) {
    if v.is_null() {
        return;
    }
    let shape = svc.shape(&mem.shape);
    match shape.kind.as_str() {
        "structure" => {
            let _ = write!(x, "<{name}>");
            xml_members(svc, shape, v, x, ec2);
            let _ = write!(x, "</{name}>");
        }
        "list" => {
            let Some(item) = &shape.member else { return };
            let Value::Array(items) = v else { return };
            let flat = shape.flattened || mem.flattened;
            let item_name =
                item.location_name
                    .as_deref()
                    .unwrap_or(if ec2 { "item" } else { "member" });
            if flat {
                for i in items {
                    xml_member(svc, item, name, i, x, ec2);
                }
            } else {
                let _ = write!(x, "<{name}>");
                for i in items {
                    xml_member(svc, item, item_name, i, x, ec2);
                }
                let _ = write!(x, "</{name}>");
            }
        }
        "map" => {
            let (Some(k), Some(val)) = (&shape.key, &shape.value) else {
                return;
            };
            let Value::Object(entries) = v else { return };
            let (kname, vname) = (
                k.location_name.as_deref().unwrap_or("key"),
                val.location_name.as_deref().unwrap_or("value"),
            );
            let _ = write!(x, "<{name}>");
            for (key, value) in entries {
                let _ = write!(x, "<entry><{kname}>{}</{kname}>", escape(key));
                xml_member(svc, val, vname, value, x, ec2);
                x.push_str("</entry>");
            }
            let _ = write!(x, "</{name}>");
        }
        kind => {
            let text = match (kind, v) {
                ("timestamp", Value::String(s)) => match parse_iso(s) {
                    Some(ms) => xml_time(ms),
                    None => s.clone(),
                },
                // IAM's policy documents travel URL-encoded (botocore decodes them).
                ("string", Value::Object(_) | Value::Array(_))
                    if mem.shape == "policyDocumentType" =>
                {
                    url_encode(&v.to_string())
                }
                ("string", Value::String(s)) if mem.shape == "policyDocumentType" => url_encode(s),
                (_, Value::String(s)) => s.clone(),
                (_, Value::Bool(b)) => b.to_string(),
                (_, Value::Number(n)) => n.to_string(),
                (_, other) => other.to_string(),
            };
            let _ = write!(x, "<{name}>{}</{name}>", escape(&text));
        }
    }
}

/// ISO 8601 in UTC with milliseconds, as AWS's XML writes instants.
fn xml_time(ms: i64) -> String {
    let s = iso(ms);
    // iso(): `2026-03-12T14:00:00+00:00` or `...:00.123000+00:00`.
    let base = s.trim_end_matches("+00:00");
    match base.split_once('.') {
        Some((whole, frac)) => format!("{whole}.{}Z", &frac[..3.min(frac.len())]),
        None => format!("{base}.000Z"),
    }
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
pub fn url_encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(api: &str, version: &str, rest: &str) -> Vec<u8> {
        format!("Action={api}&Version={version}&{rest}").into_bytes()
    }

    #[test]
    fn ec2_lists_and_filters_become_the_apis_members() {
        let body = form(
            "DescribeRouteTables",
            "2016-11-15",
            "RouteTableId.1=rtb-1&RouteTableId.2=rtb-2&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-9",
        );
        let call = decode(&Head::default(), &body).unwrap();
        assert_eq!(call.service, "ec2");
        assert_eq!(call.protocol, Protocol::Ec2);
        assert_eq!(
            serde_json::to_value(&call.input).unwrap(),
            serde_json::json!({
                "RouteTableIds": ["rtb-1", "rtb-2"],
                "Filters": [{"Name": "vpc-id", "Values": ["vpc-9"]}]
            })
        );
    }

    #[test]
    fn query_lists_are_members_of_their_key() {
        let body = form(
            "DescribeTargetHealth",
            "2015-12-01",
            "TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Ax&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=8080",
        );
        let call = decode(&Head::default(), &body).unwrap();
        assert_eq!(call.service, "elbv2");
        assert_eq!(
            serde_json::to_value(&call.input).unwrap(),
            serde_json::json!({
                "TargetGroupArn": "arn:aws:elasticloadbalancing:x",
                "Targets": [{"Id": "10.0.0.1", "Port": 8080}]
            })
        );
    }

    #[test]
    fn cloudwatch_answers_its_query_protocol_too() {
        let body = form(
            "GetMetricStatistics",
            "2010-08-01",
            "Namespace=AWS%2FECS&MetricName=CPUUtilization&Statistics.member.1=Maximum&Period=60&StartTime=2026-03-12T13%3A00%3A00Z&EndTime=2026-03-12T14%3A00%3A00Z",
        );
        let call = decode(&Head::default(), &body).unwrap();
        assert_eq!(
            (call.service, call.protocol),
            ("cloudwatch", Protocol::Query)
        );
        assert_eq!(
            call.input.members()["Statistics"],
            serde_json::json!(["Maximum"])
        );
        assert_eq!(call.input.members()["Period"], 60);
        let v = serde_json::json!({"Label": "CPUUtilization", "Datapoints": [{"Timestamp": "2026-03-12T13:00:00+00:00", "Maximum": 12.5, "Unit": "Percent"}]});
        let text = encode(&call, &v, "r").text;
        assert!(text.starts_with("<GetMetricStatisticsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><GetMetricStatisticsResult><Label>CPUUtilization</Label><Datapoints><member><Timestamp>2026-03-12T13:00:00.000Z</Timestamp><Maximum>12.5</Maximum><Unit>Percent</Unit></member></Datapoints></GetMetricStatisticsResult>"), "{text}");
    }

    #[test]
    fn json_targets_name_service_and_operation() {
        let head = Head {
            target: Some("AmazonEC2ContainerServiceV20141113.DescribeServices"),
            content_type: Some("application/x-amz-json-1.1"),
            signing_service: None,
        };
        let call = decode(&head, br#"{"cluster":"prod","services":["checkout"]}"#).unwrap();
        assert_eq!(
            (call.service, call.api.as_str()),
            ("ecs", "DescribeServices")
        );
        assert_eq!(call.json_version, "1.1");
        let bad = decode(
            &Head {
                target: Some("AmazonEC2ContainerServiceV20141113.RunTask"),
                ..head
            },
            b"{}",
        )
        .unwrap_err();
        assert_eq!(bad.code, "UnknownOperationException");
    }

    #[test]
    fn responses_follow_each_protocol() {
        let head = Head {
            target: Some("AmazonEC2ContainerServiceV20141113.DescribeClusters"),
            content_type: Some("application/x-amz-json-1.1"),
            signing_service: None,
        };
        let call = decode(&head, b"{}").unwrap();
        let v = serde_json::json!({"clusters": [{"clusterName": "prod", "status": "ACTIVE", "notInModel": 1}], "failures": []});
        let body = encode(&call, &v, "req-1");
        assert_eq!(
            body.text,
            r#"{"clusters":[{"clusterName":"prod","status":"ACTIVE"}],"failures":[]}"#
        );

        let call = decode(&Head::default(), &form("DescribeVpcs", "2016-11-15", "")).unwrap();
        let v = serde_json::json!({"Vpcs": [{"VpcId": "vpc-1", "IsDefault": false, "Tags": [{"Key": "Name", "Value": "a&b"}]}]});
        let body = encode(&call, &v, "req-2");
        // Elements in model order, named by their locationName, lists of `item`s.
        assert!(body.text.contains("<requestId>req-2</requestId><vpcSet><item><isDefault>false</isDefault><tagSet><item><key>Name</key><value>a&amp;b</value></item></tagSet><vpcId>vpc-1</vpcId></item></vpcSet>"), "{}", body.text);

        let call = decode(
            &Head::default(),
            &form("GetRole", "2010-05-08", "RoleName=r"),
        )
        .unwrap();
        let v = serde_json::json!({"Role": {"RoleName": "r", "CreateDate": "2026-03-12T14:00:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17"}}});
        let body = encode(&call, &v, "req-3");
        assert!(body.text.starts_with("<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role>"), "{}", body.text);
        assert!(
            body.text
                .contains("<CreateDate>2026-03-12T14:00:00.000Z</CreateDate>"),
            "{}",
            body.text
        );
        assert!(body.text.contains("<AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%7D</AssumeRolePolicyDocument>"), "{}", body.text);
    }

    #[test]
    fn json_written_as_it_goes_is_the_model_walks_value_printed() {
        use crate::scenario::{Mode, Scenario};
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/nat-route-missing.yaml");
        let mut inst = Scenario::load(&file)
            .unwrap()
            .instantiate(1, Mode::Incident)
            .unwrap();
        inst.sim.run_for(600_000).unwrap();
        let tasks: Vec<String> = inst.sim.world().tasks.keys().take(5).cloned().collect();
        assert!(!tasks.is_empty());
        let lines = [
            (
                "ecs",
                "DescribeTasks",
                format!(
                    "ecs describe-tasks --cluster prod --tasks {}",
                    tasks.join(" ")
                ),
            ),
            (
                "ecs",
                "DescribeServices",
                "ecs describe-services --cluster prod --services checkout".to_string(),
            ),
            (
                "logs",
                "DescribeLogGroups",
                "logs describe-log-groups".to_string(),
            ),
        ];
        for (service, api, line) in lines {
            let out = crate::game::aws::run_read(&inst.sim, &line).unwrap();
            let v: Value = serde_json::from_str(&out.data).unwrap();
            let svc = model::service(service).unwrap();
            let shape = svc.shape(svc.operations[api].output.as_deref().unwrap());
            let mut written = Vec::new();
            json_write(svc, shape, &v, &mut written);
            let written = String::from_utf8(written).unwrap();
            assert_eq!(written, json_out(svc, shape, &v).to_string(), "{line}");
            // Timestamps as epoch seconds: no ISO text reaches the wire.
            assert!(!written.contains("+00:00"), "{line}: {written}");
        }
    }

    #[test]
    fn json_timestamps_are_epoch_seconds_both_ways() {
        let head = Head {
            target: Some("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"),
            content_type: Some("application/x-amz-json-1.1"),
            signing_service: None,
        };
        let call = decode(&head, br#"{"StartTime": 1773324000}"#).unwrap();
        assert_eq!(call.input.members()["StartTime"], "1773324000");
        let v = serde_json::json!({"Events": [{"EventTime": "2026-03-12T14:00:00.250000+00:00"}]});
        assert_eq!(
            encode(&call, &v, "r").text,
            r#"{"Events":[{"EventTime":1773324000.25}]}"#
        );
    }

    #[test]
    fn percent_decoding_takes_plus_as_space_and_keeps_bad_escapes() {
        assert_eq!(percent_decode("a+b%2Cc"), "a b,c");
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
