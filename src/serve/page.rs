//! The facilitator's page (`GET /?token=...`) and its data
//! (`GET /_faultline/board?token=...`).

use super::Served;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;

type Resp = Response<Full<Bytes>>;

fn token_of(query: &str) -> String {
    super::wire::parse_form(query)
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v)
        .unwrap_or_default()
}

fn reply(status: u16, content_type: &str, body: String) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_str(content_type)
            .unwrap_or(hyper::header::HeaderValue::from_static("text/plain")),
    );
    r
}

/// The page.
pub fn page(s: &Served, query: &str) -> Resp {
    if !crate::token::same(&token_of(query), &s.facilitator_token) {
        return reply(
            401,
            "text/plain; charset=utf-8",
            "The facilitator page needs the token `faultline serve` printed: /?token=...".into(),
        );
    }
    reply(
        200,
        "text/html; charset=utf-8",
        format!(
            "<!doctype html><title>faultline serve</title><h1>{}</h1>",
            crate::gameday::html::escape(&s.scenario.spec.title)
        ),
    )
}

/// The board's data, as JSON.
pub fn board(s: &Served, query: &str) -> Resp {
    if !crate::token::same(&token_of(query), &s.facilitator_token) {
        return reply(
            401,
            "application/json",
            serde_json::json!({"error": "the board needs the facilitator's token: ?token=..."})
                .to_string(),
        );
    }
    let teams: Vec<serde_json::Value> = match s.board.lock() {
        Ok(b) => b
            .teams
            .iter()
            .map(|(name, events)| serde_json::json!({"name": name, "events": events}))
            .collect(),
        Err(_) => Vec::new(),
    };
    reply(
        200,
        "application/json",
        serde_json::json!({
            "scenario": s.scenario.spec.id,
            "seed": s.seed,
            "teams": teams,
        })
        .to_string(),
    )
}
