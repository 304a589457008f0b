//! The HTTP side of `faultline serve`: one listener for AWS requests (any
//! path, `POST`, signed with SigV4), the thin client's API under
//! `/_faultline/`, and the facilitator page at `/`.
//!
//! The thin client's API (JSON, UTF-8):
//! - `GET /_faultline/teams/<team>/opening` → `{"text": "..."}`: the opening screen;
//! - `POST /_faultline/teams/<team>/line` with the line as the body →
//!   `{"text": "...", "error": bool, "quit": bool}`: one REPL line (a read,
//!   `diagnose`, `hint`, `fix`, `submit`, `status`, ...) run in the team's world.
//!
//! When teams have tokens (the server listens beyond loopback), both need
//! `Authorization: Bearer <team token>`. The facilitator's page and its data
//! (`GET /_faultline/board`) need `?token=<facilitator token>` always.

use super::line::cli_line;
use super::team::Job;
use super::wire::{self, Body, Call, Head, Protocol};
use super::{sigv4, Served};
use crate::aws::account::Request as Req;
use crate::aws::catalogue::{self, member_name, Op};
use crate::aws::{CommandError, Input};
use crate::game::Request;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::http::request::Parts;
use hyper::{Method, Response, StatusCode};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::oneshot;

/// Largest request body taken.
pub const MAX_BODY: usize = 1 << 20;

type Resp = Response<Full<Bytes>>;

static REQUESTS: AtomicU64 = AtomicU64::new(1);

/// A request id in the shape AWS gives them (a UUID), from a counter.
fn request_id() -> String {
    let n = REQUESTS.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        0x5eed_0000u32 | (n >> 48) as u32 & 0xffff,
        (n >> 32) & 0xffff,
        (n >> 20) & 0xfff,
        (n >> 8) & 0xfff,
        n
    )
}

/// A running server: its address, and how to stop it.
pub struct Running {
    /// The address it listens on (the port chosen when 0 was asked).
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Stops the server and waits for it.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Waits until the server ends (Ctrl-C), or stops it after `limit`.
    pub fn wait(mut self, limit: Option<std::time::Duration>) {
        let began = std::time::Instant::now();
        while let Some(t) = &self.thread {
            if t.is_finished() || limit.is_some_and(|l| began.elapsed() >= l) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        self.halt();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Starts serving on a thread of its own; `ctrl_c` ends it on Ctrl-C too.
pub fn start(served: Arc<Served>, bind: SocketAddr, ctrl_c: bool) -> Result<Running, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(bind))
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("serve".into())
        .spawn(move || {
            rt.block_on(async move {
                loop {
                    let accepted = tokio::select! {
                        a = listener.accept() => a,
                        _ = &mut stop_rx => break,
                        _ = ctrl_c_or_never(ctrl_c) => break,
                    };
                    let Ok((stream, _)) = accepted else { continue };
                    let _ = stream.set_nodelay(true);
                    let s = served.clone();
                    tokio::spawn(async move {
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let svc = hyper::service::service_fn(move |req| handle(s.clone(), req));
                        let _ = hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(io, svc)
                            .await;
                    });
                }
            });
            // Open connections end with the runtime.
            rt.shutdown_background();
        })
        .map_err(|e| format!("cannot start the server thread: {e}"))?;
    Ok(Running {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

async fn ctrl_c_or_never(on: bool) {
    if on {
        let _ = tokio::signal::ctrl_c().await;
    } else {
        std::future::pending::<()>().await;
    }
}

/// Serves until Ctrl-C (or for `limit`), after printing what each team exports.
pub fn run(
    served: Arc<Served>,
    bind: SocketAddr,
    limit: Option<std::time::Duration>,
) -> Result<(), String> {
    let running = start(served.clone(), bind, true)?;
    println!("{}", served.banner(&format!("http://{}", running.addr)));
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    running.wait(limit);
    eprintln!(
        "\nfaultline serve stopped. The teams' journals: {}\n  faultline scoreboard {}",
        served.journal_dir.display(),
        served.journal_dir.display()
    );
    Ok(())
}

fn respond(status: u16, content_type: &str, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

fn json(status: u16, v: &serde_json::Value) -> Resp {
    respond(status, "application/json", v.to_string())
}

fn header<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

async fn handle(s: Arc<Served>, req: hyper::Request<Incoming>) -> Result<Resp, Infallible> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Ok(respond(
                413,
                "text/plain",
                format!("request body over {} KiB", MAX_BODY / 1024),
            ))
        }
    };
    let path = parts.uri.path().to_string();
    if path.starts_with("/_faultline/") {
        return Ok(api(&s, &parts, &path, &body).await);
    }
    if parts.method == Method::GET && (path == "/" || path == "/index.html") {
        return Ok(super::page::page(&s, parts.uri.query().unwrap_or("")));
    }
    if parts.method != Method::POST {
        return Ok(respond(
            405,
            "text/plain",
            "faultline serve answers AWS API requests (POST), the facilitator page (GET /) and /_faultline/",
        ));
    }
    Ok(aws(&s, &parts, &body).await)
}

/// The protocol to answer a request in, when it could not be decoded.
fn guess_protocol(parts: &Parts, body: &[u8]) -> Protocol {
    if header(parts, "x-amz-target").is_some() {
        Protocol::Json
    } else if std::str::from_utf8(body).is_ok_and(|b| b.contains("Version=2016-11-15")) {
        Protocol::Ec2
    } else {
        Protocol::Query
    }
}

fn aws_response(body: Body, request_id: &str) -> Resp {
    let mut r = respond(body.status, &body.content_type, body.text);
    if let Ok(v) = HeaderValue::from_str(request_id) {
        r.headers_mut().insert("x-amzn-requestid", v);
    }
    if let Some(q) = body
        .query_error
        .and_then(|q| HeaderValue::from_str(&q).ok())
    {
        r.headers_mut().insert("x-amzn-query-error", q);
    }
    r
}

async fn aws(s: &Served, parts: &Parts, body: &Bytes) -> Resp {
    let id = request_id();
    let auth = header(parts, "authorization").and_then(sigv4::parse);
    let head = Head {
        target: header(parts, "x-amz-target"),
        content_type: header(parts, "content-type"),
        signing_service: auth.as_ref().map(|c| c.service.as_str()),
    };
    let call = match wire::decode(&head, body) {
        Ok(c) => c,
        Err(r) => {
            let p = guess_protocol(parts, body);
            return aws_response(
                wire::encode_error(p, None, "", r.status, &r.code, &r.message, &id),
                &id,
            );
        }
    };
    let fail = |code: &str, message: &str| {
        aws_response(
            wire::encode_error(
                call.protocol,
                Some(call.model),
                &call.json_version,
                0,
                code,
                message,
                &id,
            ),
            &id,
        )
    };
    let refuse = |why: Unauthorized| {
        let (code, message) = refusal(why, call.protocol);
        fail(code, message)
    };
    let Some(cred) = auth else {
        return refuse(Unauthorized::Unsigned);
    };
    let Some(team) = s.team(&cred.key_id) else {
        return refuse(Unauthorized::UnknownKey);
    };
    if let Some(token) = &team.token {
        let lookup = |h: &str| -> Vec<String> {
            parts
                .headers
                .get_all(h)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect()
        };
        let signed = sigv4::Signed {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            header: &lookup,
            body,
        };
        if !sigv4::verify(&cred, token, &signed) {
            return refuse(Unauthorized::BadSignature);
        }
    }
    let region = (cred.region != s.region).then(|| cred.region.clone());
    let region_key = cred.region.as_str();
    let (line, request) = match catalogue_request(&call) {
        Ok(r) => r,
        Err((code, message)) => return fail(&code, &message),
    };
    let (tx, rx) = oneshot::channel();
    let job = Job::Aws {
        line,
        request,
        region,
        reply: tx,
    };
    if !team.send(job) {
        return fail("ServiceUnavailable", "this team's world has stopped");
    }
    match rx.await {
        Ok(Ok(v)) => aws_response(team.encode(&call, &v, region_key, &id), &id),
        Ok(Err(CommandError::Aws(e))) => fail(&e.code, &e.message),
        Ok(Err(CommandError::Args(e))) => {
            let code = validation_code(call.protocol);
            fail(code, &e.0)
        }
        Err(_) => fail("InternalFailure", "this team's world stopped answering"),
    }
}

/// Why AWS refuses a request before any service sees it.
#[derive(Debug, Clone, Copy)]
enum Unauthorized {
    /// No `Authorization` header.
    Unsigned,
    /// An access key id that is no team's.
    UnknownKey,
    /// Signed with another secret than the team's token.
    BadSignature,
}

/// AWS's error code and message for `why`, in the protocol's family.
fn refusal(why: Unauthorized, p: Protocol) -> (&'static str, &'static str) {
    const INVALID_TOKEN: &str = "The security token included in the request is invalid.";
    const BAD_SIGNATURE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    match (why, p) {
        (Unauthorized::Unsigned, Protocol::Json) => (
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ),
        (Unauthorized::Unsigned, Protocol::Query) => (
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ),
        (Unauthorized::UnknownKey, Protocol::Json) => {
            ("UnrecognizedClientException", INVALID_TOKEN)
        }
        (Unauthorized::UnknownKey, Protocol::Query) => ("InvalidClientTokenId", INVALID_TOKEN),
        (Unauthorized::BadSignature, Protocol::Json) => {
            ("InvalidSignatureException", BAD_SIGNATURE)
        }
        (Unauthorized::BadSignature, Protocol::Query) => ("SignatureDoesNotMatch", BAD_SIGNATURE),
        (Unauthorized::BadSignature, Protocol::Ec2) => ("AuthFailure", BAD_SIGNATURE),
        (_, Protocol::Ec2) => (
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
        ),
    }
}

/// The code a service answers a request it cannot validate with.
/// [I] per protocol family: botocore validates most inputs before sending.
fn validation_code(p: Protocol) -> &'static str {
    match p {
        Protocol::Json => "ValidationException",
        Protocol::Query => "ValidationError",
        Protocol::Ec2 => "InvalidParameterValue",
    }
}

fn known_input<F>(op: &Op<F>, input: &Input) -> Input {
    // Members the catalogue has no flag for (the API's own paging members,
    // options faultline does not model) are left out, as a service ignores
    // what does not change its answer.
    let known = |m: &str| {
        op.flags
            .iter()
            .any(|f| member_name(op.service, f.name) == m)
    };
    let mut kept = Input::new();
    for (k, v) in input.members() {
        if known(k) {
            kept.set(k.clone(), v.clone());
        }
    }
    kept
}

/// The catalogue's request for a decoded call, and its CLI line.
fn catalogue_request(call: &Call) -> Result<(String, Request), (String, String)> {
    if call.service == "ecs" && call.api == "ExecuteCommand" {
        // [I] worded for faultline: the plugin's session is not simulated over the wire.
        return Err((
            "InvalidParameterException".into(),
            "faultline serve does not open Session Manager sessions; run `ecs execute-command` in `faultline play --connect`, where the session's transcript is simulated".into(),
        ));
    }
    let invalid = |e: crate::aws::ArgError| (validation_code(call.protocol).to_string(), e.0);
    if let Some(op) = catalogue::reads()
        .find(|o| o.service == call.service && o.api == call.api && o.name != "tail")
    {
        let input = known_input(op, &call.input);
        let line = cli_line(op, &input);
        let req = Req::new(op, input).map_err(invalid)?;
        return Ok((line, Request::Read(req)));
    }
    if let Some(op) = catalogue::writes().find(|o| o.service == call.service && o.api == call.api) {
        let input = known_input(op, &call.input);
        let line = cli_line(op, &input);
        let req = Req::new(op, input).map_err(invalid)?;
        return Ok((line, Request::Write(req)));
    }
    Err((
        "UnknownOperationException".into(),
        format!("faultline does not simulate {}", call.api),
    ))
}

/// The thin client's API and the board's data.
async fn api(s: &Served, parts: &Parts, path: &str, body: &Bytes) -> Resp {
    let rest = path.trim_start_matches("/_faultline/");
    if rest == "board" {
        return super::page::board(s, parts.uri.query().unwrap_or(""));
    }
    let mut p = rest.split('/');
    let (Some("teams"), Some(name), Some(what), None) = (p.next(), p.next(), p.next(), p.next())
    else {
        return json(
            404,
            &serde_json::json!({"error": format!("no such path: {path}")}),
        );
    };
    let Some(team) = s.team(name) else {
        return json(
            404,
            &serde_json::json!({"error": format!("no team {name}; the teams: {}", s.teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "))}),
        );
    };
    if let Some(token) = &team.token {
        let given = header(parts, "authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or("");
        if !crate::token::same(given.trim(), token) {
            return json(
                401,
                &serde_json::json!({"error": format!("team {name} needs its token: Authorization: Bearer <token>, as `faultline serve` printed it")}),
            );
        }
    }
    match (parts.method.clone(), what) {
        (Method::GET, "opening") => {
            let (tx, rx) = oneshot::channel();
            if !team.send(Job::Opening { reply: tx }) {
                return json(
                    503,
                    &serde_json::json!({"error": "this team's world has stopped"}),
                );
            }
            match rx.await {
                Ok(text) => json(200, &serde_json::json!({ "text": text })),
                Err(_) => json(
                    503,
                    &serde_json::json!({"error": "this team's world stopped answering"}),
                ),
            }
        }
        (Method::POST, "line") => {
            let Ok(line) = std::str::from_utf8(body) else {
                return json(400, &serde_json::json!({"error": "the line is not UTF-8"}));
            };
            let (tx, rx) = oneshot::channel();
            let job = Job::Line {
                line: line.to_string(),
                reply: tx,
            };
            if !team.send(job) {
                return json(
                    503,
                    &serde_json::json!({"error": "this team's world has stopped"}),
                );
            }
            match rx.await {
                Ok(r) => json(
                    200,
                    &serde_json::json!({"text": r.text, "error": r.error, "quit": r.quit}),
                ),
                Err(_) => json(
                    503,
                    &serde_json::json!({"error": "this team's world stopped answering"}),
                ),
            }
        }
        _ => json(
            404,
            &serde_json::json!({"error": format!("no such request: {} {path}", parts.method)}),
        ),
    }
}
