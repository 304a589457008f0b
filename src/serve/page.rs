//! The facilitator's page (`GET /?token=...`) and its data
//! (`GET /_faultline/board?token=...`).
//!
//! The page is one self-contained HTML file (inline CSS and script, nothing
//! fetched from elsewhere, so it works offline) that polls the board's JSON
//! every 1.5 s and redraws: the scoreboard on top, one card per team with its
//! timeline newest first, and the answer in a block that stays closed until
//! the facilitator opens it. Everything a player typed is set as text by the
//! script (never as markup), and the board's first state, embedded in the
//! page, has `<`, `>` and `&` escaped.
//!
//! The board is built on the teams' session events ([`super::team::Board`]):
//! the timeline is their wording in `faultline watch`, and the scoreboard's
//! rows come from each team's report so far, made by replaying its events on
//! a fresh copy of the world (as `faultline report` and `faultline scoreboard`
//! do with a journal) and ranked by [`crate::gameday::scoreboard`]. A team's
//! report is made again only when it has new events.

use super::Served;
use crate::game::event::told;
use crate::game::journal::Journal;
use crate::game::{Clock, Event, Game, SCRIPT_STEP};
use crate::gameday::scoreboard;
use crate::scenario::{Instance, Scenario};
use crate::time::{parse_iso, Millis};
use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Mutex;

type Resp = Response<Full<Bytes>>;

/// The page: markup, style and script; `__TITLE__` and `__BOARD__` are filled in.
const PAGE: &str = include_str!("page/index.html");

/// What the board needs of the scenario, made once when the server starts:
/// the answer resolved against the teams' world (every team has the same
/// one), the evidence checklist, and the world to replay sessions on.
pub struct Facilitator {
    scenario: Scenario,
    inst: Instance,
    answer: Value,
    evidence: Vec<String>,
    reference_fix: Vec<String>,
    /// Per team: how many events its last report was made from, and that report.
    reports: Mutex<Vec<Option<Made>>>,
}

/// A team's report, or why there is none, and how many events it was made from.
type Made = (usize, Result<Value, String>);

impl Facilitator {
    /// The answer and checklist of `scenario` in its instance `inst`, as
    /// `faultline show` and `faultline watch` resolve them.
    pub fn new(scenario: &Scenario, inst: &Instance) -> Facilitator {
        let resolve = |t: &String| inst.resolve(t).unwrap_or_else(|_| t.clone());
        let a = &scenario.spec.answer;
        let mut causes = vec![json!({
            "cause": a.cause,
            "culprits": a.culprits.iter().map(resolve).collect::<Vec<_>>(),
            "hidden": false,
        })];
        for o in &a.also {
            causes.push(json!({
                "cause": o.cause,
                "culprits": o.culprits.iter().map(resolve).collect::<Vec<_>>(),
                "hidden": o.hidden,
            }));
        }
        let evidence: Vec<String> = scenario
            .spec
            .evidence
            .iter()
            .map(|e| resolve(&e.text))
            .collect();
        let fix: Vec<String> = scenario.spec.fix.iter().map(resolve).collect();
        let answer = json!({
            "causes": causes,
            "explanation": resolve(&a.explanation.trim().to_string()),
            "investigation": scenario.spec.investigation.iter().map(resolve).collect::<Vec<_>>(),
            "fix": fix,
            "evidence": evidence,
        });
        Facilitator {
            scenario: scenario.clone(),
            inst: inst.clone(),
            answer,
            reference_fix: fix.iter().map(|f| told::words(f)).collect(),
            evidence,
            reports: Mutex::new(Vec::new()),
        }
    }

    /// The report so far of a session whose events are `events`: its
    /// commands played again on a fresh copy of the world.
    fn replay(&self, events: &[Event]) -> Result<Value, String> {
        let text: String = events
            .iter()
            .map(|e| e.to_json_line() + "\n")
            .collect::<String>();
        let journal =
            Journal::parse(&text).map_err(|(line, why)| format!("event {line}: {why}"))?;
        let mut game = Game::new(
            self.scenario.clone(),
            self.inst.clone(),
            Clock::Step(SCRIPT_STEP),
        );
        let player = journal.replay(&mut game)?;
        serde_json::to_value(game.report(&player)).map_err(|e| e.to_string())
    }

    /// Team `i`'s report, made again only if it has new events.
    fn report(&self, i: usize, events: &[Event]) -> Result<Value, String> {
        let mut cache = self.reports.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() <= i {
            cache.resize(i + 1, None);
        }
        match &cache[i] {
            Some((n, r)) if *n == events.len() => r.clone(),
            _ => {
                let r = self.replay(events);
                cache[i] = Some((events.len(), r.clone()));
                r
            }
        }
    }
}

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
    // The board changes every poll, and holds the answer: nothing keeps a copy.
    r.headers_mut().insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-store"),
    );
    r
}

/// The text of a 401 on the page (no token, or a wrong one).
pub const PAGE_401: &str = "401 Unauthorized: the facilitator page needs the facilitator token that `faultline serve` printed at start (open the address it printed: /?token=...). The token given is missing or wrong.";

/// The page.
pub fn page(s: &Served, query: &str) -> Resp {
    if !crate::token::same(&token_of(query), &s.facilitator_token) {
        return reply(401, "text/plain; charset=utf-8", PAGE_401.into());
    }
    let title = crate::gameday::html::escape(&format!(
        "{} — {}",
        s.scenario.spec.id, s.scenario.spec.title
    ));
    let html = fill(PAGE, &title, &script_json(&versioned(s).0));
    reply(200, "text/html; charset=utf-8", html)
}

/// The page with its markers filled in, in one pass (a filled-in text that
/// holds a marker's name stays as it is).
fn fill(template: &str, title: &str, board: &str) -> String {
    let mut out = String::with_capacity(template.len() + board.len());
    let mut rest = template;
    loop {
        let next = [("__TITLE__", title), ("__BOARD__", board)]
            .into_iter()
            .filter_map(|(marker, with)| rest.find(marker).map(|i| (i, marker, with)))
            .min_by_key(|(i, ..)| *i);
        match next {
            Some((i, marker, with)) => {
                out.push_str(&rest[..i]);
                out.push_str(with);
                rest = &rest[i + marker.len()..];
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// JSON to embed in a `<script type="application/json">`: `<`, `>` and `&`
/// as JSON escapes, so no text in it can close the script or open markup.
pub fn script_json(v: &Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The board's data, as JSON, with its `version`; with `since=VERSION`
/// (the version the asker has), only `{"version", "unchanged": true}` when
/// nothing changed since.
pub fn board(s: &Served, query: &str) -> Resp {
    if !crate::token::same(&token_of(query), &s.facilitator_token) {
        return reply(
            401,
            "application/json",
            json!({"error": "401 Unauthorized: the board needs the facilitator token that `faultline serve` printed at start: /_faultline/board?token=... (the token given is missing or wrong)"})
                .to_string(),
        );
    }
    let (b, version) = versioned(s);
    let since = super::wire::parse_form(query)
        .into_iter()
        .find(|(k, _)| k == "since")
        .map(|(_, v)| v);
    if since.as_deref() == Some(version.as_str()) {
        // What the page already has: nothing to send again.
        return reply(
            200,
            "application/json",
            json!({"version": version, "unchanged": true}).to_string(),
        );
    }
    reply(200, "application/json", b.to_string())
}

/// The board with its `version`: the first 16 hex digits of the SHA-256 of
/// the board without it.
fn versioned(s: &Served) -> (Value, String) {
    let mut b = board_json(s);
    let version = crate::game::event::sha256_hex(&b.to_string())[..16].to_string();
    b["version"] = Value::from(version.clone());
    (b, version)
}

/// One line of a team's timeline: when (since arrival, and the virtual
/// time itself), what kind of event, a tone (`good`, `bad` or none), the
/// line and its details.
fn entry(
    arrived: Option<Millis>,
    virtual_time: &str,
    kind: &str,
    tone: &str,
    text: String,
    detail: Vec<String>,
) -> Value {
    json!({
        "at": told::since(arrived, virtual_time),
        "virtual_time": virtual_time,
        "kind": kind,
        "tone": tone,
        "text": text,
        "detail": detail,
    })
}

/// A team's timeline, oldest first, in `faultline watch`'s words; and the
/// evidence it has seen, in the order seen.
fn timeline(f: &Facilitator, events: &[Event]) -> (Vec<Value>, Vec<String>) {
    let mut arrived: Option<Millis> = None;
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for e in events {
        match e {
            Event::SessionStarted {
                arrived: when,
                player,
                team,
                ..
            } => {
                arrived = parse_iso(when);
                out.push(entry(
                    arrived,
                    when,
                    e.kind(),
                    "",
                    format!(
                        "== arrived {when} (team {})",
                        team.as_deref().or(player.as_deref()).unwrap_or("-")
                    ),
                    Vec::new(),
                ));
            }
            Event::Command {
                line,
                virtual_time,
                wall_ms,
                ok,
                output_bytes,
                output_head,
                evidence,
                ..
            } => {
                let mut detail: Vec<String> = output_head.lines().map(str::to_string).collect();
                detail.push(format!(
                    "{output_bytes} bytes{}{}",
                    if output_head.is_empty() {
                        " (no output)"
                    } else {
                        ""
                    },
                    wall_ms
                        .map(|w| format!(", wall {}", told::clock(w as Millis)))
                        .unwrap_or_default()
                ));
                for t in evidence {
                    if !seen.contains(t) {
                        seen.push(t.clone());
                    }
                }
                out.push(entry(
                    arrived,
                    virtual_time,
                    e.kind(),
                    if *ok { "" } else { "bad" },
                    format!("{} {line}", if *ok { "$" } else { "✗" }),
                    detail,
                ));
                for t in evidence {
                    out.push(entry(
                        arrived,
                        virtual_time,
                        "evidence",
                        "good",
                        format!(
                            "✓ evidence seen: {t} ({} of {})",
                            seen.iter().position(|s| s == t).map_or(0, |p| p + 1),
                            f.evidence.len().max(seen.len())
                        ),
                        Vec::new(),
                    ));
                }
            }
            Event::Diagnosis {
                virtual_time,
                cause,
                resources,
                note,
                cause_correct,
                culprit_correct,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                if *cause_correct { "good" } else { "bad" },
                told::diagnosis(cause, resources, *cause_correct, *culprit_correct),
                note.iter().map(|n| format!("note: {n}")).collect(),
            )),
            Event::FixApplied {
                virtual_time,
                line,
                service,
                operation,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "",
                told::fix_applied(service, operation, line, &f.reference_fix),
                vec![line.clone()],
            )),
            Event::FixRefused {
                virtual_time,
                line,
                error,
                ..
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "bad",
                format!(
                    "→ fix refused by AWS: {}",
                    error.lines().next().unwrap_or("")
                ),
                vec![line.clone()],
            )),
            Event::Hint {
                virtual_time,
                index,
                cost,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "",
                format!("→ hint {index} taken (costs {cost} points)"),
                Vec::new(),
            )),
            Event::Wait {
                duration_ms,
                virtual_time,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "",
                format!(
                    "→ waited {}; incident clock {}",
                    crate::time::Dur(*duration_ms),
                    told::since(arrived, virtual_time)
                ),
                Vec::new(),
            )),
            Event::Submit { virtual_time } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "",
                "submitted".into(),
                Vec::new(),
            )),
            Event::Verdict {
                virtual_time,
                healed,
                findings,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                if *healed { "good" } else { "bad" },
                format!("verdict: {}", if *healed { "HEALED" } else { "NOT HEALED" }),
                findings.clone(),
            )),
            Event::InternalError {
                virtual_time,
                line,
                message,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "bad",
                format!("! faultline failed on `{line}`: {message}"),
                Vec::new(),
            )),
            Event::InterviewerHint {
                virtual_time,
                text,
                cost,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "",
                format!(">> hint from the interviewer (costs {cost} points): {text}"),
                Vec::new(),
            )),
            Event::InterviewerNote { virtual_time, text } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "",
                format!(">> note from the interviewer: {text}"),
                Vec::new(),
            )),
            Event::SessionEnded {
                virtual_time,
                total,
                grade,
            } => out.push(entry(
                arrived,
                virtual_time,
                e.kind(),
                "",
                format!("== session ended: {total} / 100, grade {grade}"),
                Vec::new(),
            )),
        }
    }
    (out, seen)
}

/// The board: the scoreboard's rows (ranked), each team's timeline (newest
/// first) and evidence count, and the answer.
pub fn board_json(s: &Served) -> Value {
    // A copy of the events, so that replays do not hold the teams up.
    let teams: Vec<(String, Vec<Event>)> = match s.board.lock() {
        Ok(b) => b.teams.clone(),
        Err(p) => p.into_inner().teams.clone(),
    };
    board_of(&s.facilitator, &s.scenario, s.seed, s.speed, &teams)
}

/// The board of `teams`' events (see [`board_json`]).
pub fn board_of(
    f: &Facilitator,
    scenario: &Scenario,
    seed: u64,
    speed: f64,
    teams: &[(String, Vec<Event>)],
) -> Value {
    let mut reports = Vec::new();
    let mut cards = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    for (i, (name, events)) in teams.iter().enumerate() {
        match f.report(i, events) {
            Ok(r) => reports.push((PathBuf::from(name), r)),
            Err(e) => errors.push((name.clone(), e)),
        }
        let (mut entries, seen) = timeline(f, events);
        entries.reverse();
        cards.push(json!({
            "name": name,
            "evidence": {"seen": seen.len(), "total": f.evidence.len().max(seen.len()), "items": seen},
            "timeline": entries,
            "events": events,
        }));
    }
    let (ranked, bad) = scoreboard::rank_reports(reports);
    for e in bad {
        errors.push((String::new(), e.to_string()));
    }
    let group = ranked.groups.into_iter().next();
    let columns: Vec<Value> = group
        .iter()
        .flat_map(|g| g.columns.iter())
        .map(|c| json!({"name": c.name, "max": c.max}))
        .collect();
    let mut rows: Vec<Value> = Vec::new();
    for (rank, r) in group.iter().flat_map(|g| g.rows.iter()) {
        let name = r.file.to_string_lossy().into_owned();
        let (commands, seen, total) = teams
            .iter()
            .zip(&cards)
            .find(|((n, _), _)| *n == name)
            .map(|((_, events), card)| {
                (
                    events
                        .iter()
                        .filter(|e| matches!(e, Event::Command { .. }))
                        .count(),
                    card["evidence"]["seen"].clone(),
                    card["evidence"]["total"].clone(),
                )
            })
            .unwrap_or((0, Value::from(0), Value::from(f.evidence.len())));
        rows.push(json!({
            "rank": rank,
            "team": name,
            "total": r.total,
            "grade": r.grade,
            "verdict": if r.time_to_heal.is_some() { Some("healed") } else if r.submitted { Some("not healed") } else { None },
            "healed_in": r.healed_in(),
            "time_to_heal_ms": r.time_to_heal,
            "elapsed_ms": r.elapsed,
            "commands": commands,
            "evidence_seen": seen,
            "evidence_total": total,
            "hints": r.hints,
            "wrong": r.wrong,
            "refused": r.refused,
            "parts": r.parts,
        }));
    }
    json!({
        "scenario": scenario.spec.id,
        "title": scenario.spec.title,
        "seed": seed,
        "speed": speed,
        "columns": columns,
        "rows": rows,
        "errors": errors.iter().map(|(t, e)| json!({"team": t, "error": e})).collect::<Vec<_>>(),
        "teams": cards,
        "answer": f.answer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Library;

    fn scenario() -> (Scenario, Instance) {
        let lib = Library::BuiltIn;
        let s = Scenario::open(&lib, &lib.file("nat-route-missing")).expect("built in");
        let inst = s.incident(1).expect("seed 1");
        (s, inst)
    }

    /// The events of one team playing `lines` on the scenario at seed 1.
    fn played(team: &str, lines: &[&str]) -> Vec<Event> {
        let (s, inst) = scenario();
        let mut game = Game::new(s, inst, Clock::Step(SCRIPT_STEP));
        let mut p = game.join_team(Some(team.into()), Some(team.into()));
        for l in lines {
            game.execute(&mut p, l, None);
        }
        game.events().to_vec()
    }

    fn answer_of(f: &Facilitator) -> (String, String, String) {
        let a = &f.answer;
        (
            a["causes"][0]["cause"].as_str().unwrap().to_string(),
            a["causes"][0]["culprits"][0].as_str().unwrap().to_string(),
            a["fix"][0].as_str().unwrap().to_string(),
        )
    }

    #[test]
    fn the_board_ranks_the_teams_and_gives_each_its_timeline_newest_first_and_the_answer() {
        let (s, inst) = scenario();
        let f = Facilitator::new(&s, &inst);
        let (cause, culprit, fix) = answer_of(&f);
        // Resolved against the world: no placeholder is left.
        assert_eq!(cause, "network.no-nat-route");
        assert!(culprit.starts_with("rtb-"), "{culprit}");
        assert!(
            fix.starts_with("ec2 create-route --route-table-id rtb-"),
            "{fix}"
        );
        assert!(!f.answer.to_string().contains("${"), "{}", f.answer);

        let red = played(
            "red",
            &[
                "ecs describe-services --cluster prod --services checkout",
                "diagnose network.subnet-exhausted subnet-x --note \"<b>wrong</b>\"",
                &format!("diagnose {cause} {culprit}"),
                &format!("fix {fix}"),
                "hint",
                "submit",
            ],
        );
        let blue = played("blue", &["ecs list-clusters"]);
        let teams = vec![("red".to_string(), red), ("blue".to_string(), blue)];
        let b = board_of(&f, &s, 1, 0.0, &teams);

        assert_eq!(b["scenario"], "nat-route-missing");
        assert_eq!(b["seed"], 1);
        assert_eq!(b["errors"], json!([]));
        let rows = b["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let (r, bl) = (&rows[0], &rows[1]);
        assert_eq!(
            (r["rank"].as_u64(), r["team"].as_str()),
            (Some(1), Some("red"))
        );
        assert_eq!(
            (bl["rank"].as_u64(), bl["team"].as_str()),
            (Some(2), Some("blue"))
        );
        assert_eq!(r["verdict"], "healed");
        assert!(r["time_to_heal_ms"].is_u64(), "{r}");
        assert_eq!(r["commands"], 6);
        assert_eq!(r["hints"], 1);
        assert_eq!(r["wrong"], 1);
        assert_eq!(r["refused"], 0);
        assert_eq!(r["evidence_total"], f.evidence.len());
        assert!(r["evidence_seen"].as_u64().unwrap() >= 1, "{r}");
        assert!(r["total"].as_i64().unwrap() > 0, "{r}");
        assert_eq!(bl["verdict"], Value::Null);
        assert_eq!(bl["commands"], 1);
        assert!(bl["healed_in"]
            .as_str()
            .unwrap()
            .starts_with("not submitted"));
        // The parts line up with the columns.
        assert_eq!(
            r["parts"].as_array().unwrap().len(),
            b["columns"].as_array().unwrap().len()
        );

        let card = &b["teams"][0];
        assert_eq!(card["name"], "red");
        let kinds: Vec<&str> = card["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        // Newest first: the verdict on top, the arrival at the bottom.
        assert_eq!(kinds.first(), Some(&"verdict"));
        assert_eq!(kinds.last(), Some(&"session_started"));
        for k in [
            "command",
            "evidence",
            "diagnosis",
            "fix_applied",
            "hint",
            "submit",
        ] {
            assert!(kinds.contains(&k), "no {k} in {kinds:?}");
        }
        let texts: Vec<&str> = card["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap())
            .collect();
        assert!(texts.contains(&"verdict: HEALED"), "{texts:?}");
        assert!(texts.contains(&"→ fix applied: ec2 create-route — a step of the reference fix"));
        assert!(
            texts.contains(&"→ hint 1 taken (costs 5 points)"),
            "{texts:?}"
        );
        assert!(
            texts.contains(
                &format!("→ diagnosis {cause} {culprit} — cause RIGHT, culprit named").as_str()
            ),
            "{texts:?}"
        );
        let wrong = card["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "diagnosis" && e["tone"] == "bad")
            .expect("the wrong diagnosis");
        assert_eq!(wrong["detail"], json!(["note: <b>wrong</b>"]));
        let first = &card["timeline"].as_array().unwrap().last().unwrap()["at"];
        assert_eq!(first, "+00:00:00");
        let arrived = card["events"][0]["arrived"].as_str().unwrap();
        assert_eq!(
            card["timeline"].as_array().unwrap().last().unwrap()["virtual_time"],
            arrived
        );
        assert_eq!(card["evidence"]["seen"], r["evidence_seen"]);
        assert_eq!(card["evidence"]["total"], f.evidence.len());
        // The raw events stay on the board too.
        assert_eq!(card["events"][0]["event"], "session_started");
        assert_eq!(b["answer"]["causes"][0]["cause"], cause.as_str());
    }

    #[test]
    fn a_team_s_report_is_made_again_only_when_it_has_new_events() {
        let (s, inst) = scenario();
        let f = Facilitator::new(&s, &inst);
        let one = played("red", &["ecs list-clusters"]);
        let r1 = f.report(0, &one).unwrap();
        assert_eq!(r1["commands"].as_array().unwrap().len(), 1);
        // Same count of events: the cached report (even if they differed).
        let other = played("red", &["ecs describe-clusters --clusters prod"]);
        assert_eq!(f.report(0, &other).unwrap(), r1);
        let two = played("red", &["ecs list-clusters", "ecs list-clusters"]);
        assert_eq!(
            f.report(0, &two).unwrap()["commands"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn the_embedded_board_cannot_close_its_script_and_the_markers_are_filled_once() {
        let v = json!({"note": "</script><b>x</b> & y"});
        let text = script_json(&v);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
        assert_eq!(
            fill(
                "<t>__TITLE__</t><d>__BOARD__</d>",
                "__BOARD__",
                "{\"a\":\"__TITLE__\"}"
            ),
            "<t>__BOARD__</t><d>{\"a\":\"__TITLE__\"}</d>"
        );
        // The page has both markers, and nothing from elsewhere (its icon is
        // an empty `data:` URL, so that a browser does not ask for /favicon.ico).
        assert!(PAGE.contains("__TITLE__") && PAGE.contains("__BOARD__"));
        for banned in ["http://", "https://", "src=", "@import", "url("] {
            assert!(!PAGE.contains(banned), "the page holds {banned}");
        }
        assert_eq!(PAGE.matches("href=").count(), 1);
        assert_eq!(PAGE.matches("<link").count(), 1);
        assert!(PAGE.contains("<link rel=\"icon\" href=\"data:,\">"));
    }

    #[test]
    fn the_page_and_the_board_answer_401_without_the_facilitator_token() {
        let (s, _) = scenario();
        let dir = tempfile::tempdir().unwrap();
        let served = Served::new(
            &super::super::ServeOptions {
                scenario: s,
                seed: 1,
                bind: "127.0.0.1:0".parse().unwrap(),
                speed: 0.0,
                teams: vec!["red".into()],
                journal_dir: dir.path().to_path_buf(),
                sandbox_stack: None,
            },
            false,
        )
        .unwrap();
        let body = |r: Resp| {
            use http_body_util::BodyExt;
            let status = r.status().as_u16();
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let bytes = rt.block_on(r.into_body().collect()).unwrap().to_bytes();
            (status, String::from_utf8(bytes.to_vec()).unwrap())
        };
        for q in ["", "token=", "token=wrong"] {
            let (status, text) = body(page(&served, q));
            assert_eq!(status, 401);
            assert_eq!(text, PAGE_401);
            let (status, text) = body(board(&served, q));
            assert_eq!(status, 401);
            assert!(text.contains("needs the facilitator token"), "{text}");
            assert!(!text.contains("no-nat-route"), "{text}");
        }
        let q = format!("token={}", served.facilitator_token);
        let (status, html) = body(page(&served, &q));
        assert_eq!(status, 200);
        assert!(
            html.contains("network.no-nat-route"),
            "the answer is embedded"
        );
        assert!(!html.contains("__BOARD__") && !html.contains("__TITLE__"));
        let (status, text) = body(board(&served, &q));
        assert_eq!(status, 200);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["rows"][0]["team"], "red");
        assert_eq!(v["answer"]["causes"][0]["cause"], "network.no-nat-route");
        // Asked again with the version it has: unchanged, nothing else.
        let version = v["version"].as_str().unwrap();
        assert_eq!(version.len(), 16);
        let (_, again) = body(board(&served, &format!("{q}&since={version}")));
        assert_eq!(
            serde_json::from_str::<Value>(&again).unwrap(),
            json!({"version": version, "unchanged": true})
        );
        // An old version gets the whole board.
        let (_, whole) = body(board(&served, &format!("{q}&since=0123456789abcdef")));
        assert_eq!(serde_json::from_str::<Value>(&whole).unwrap(), v);
    }
}
