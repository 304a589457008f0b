//! The spectator: `faultline watch`, an interviewer's or facilitator's live
//! view of a session played elsewhere, and the session's side of it
//! ([`share`], `play --share`). The watcher reads the session's events — a
//! growing `--events` file, or a shared session over TCP — and shows each
//! command with a digest of its answer, the evidence checklist ticking,
//! diagnoses and fixes with their correctness, and the clock; and, for the
//! watcher only, the answer and the reference path, resolved from the
//! scenario files at the session's seed as `faultline show` does. Over TCP
//! the watcher can send a hint or a note into the session.
//!
//! It holds no game rules (the events say what happened) and never changes a
//! session but through the interviewer's hints and notes.

pub mod share;

use crate::cli::{self, CliError};
use crate::game::event::told;
use crate::game::Event;
use crate::scenario::Library;
use crate::time::{parse_iso, Millis};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

/// Options of `faultline watch`.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// A shared session's address (`play --share`).
    pub addr: Option<String>,
    /// The token it printed.
    pub token: Option<String>,
    /// An `--events` file to follow instead.
    pub events: Option<PathBuf>,
}

/// How often a followed file is read again when it has nothing new.
const POLL: Duration = Duration::from_millis(100);

/// Prints one line of the view; a closed pipe ends the watcher quietly.
fn say(text: &str) {
    let mut o = std::io::stdout().lock();
    if writeln!(o, "{text}").and_then(|()| o.flush()).is_err() {
        std::process::exit(0);
    }
}

/// The lines of a growing file, as `tail -f` reads them: waits for the file
/// to exist, gives complete lines only, starts over if the file is replaced
/// by a shorter one.
struct Follow {
    path: PathBuf,
    file: Option<std::fs::File>,
    pos: u64,
    buf: Vec<u8>,
}

impl Follow {
    fn next_line(&mut self) -> Result<String, CliError> {
        let mut waited = false;
        loop {
            if let Some(i) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                return Ok(String::from_utf8_lossy(&line).trim_end().to_string());
            }
            if self.file.is_none() {
                match std::fs::File::open(&self.path) {
                    Ok(f) => self.file = Some(f),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        if !waited {
                            eprintln!(
                                "waiting for {} (the session's --events file)...",
                                self.path.display()
                            );
                            waited = true;
                        }
                        std::thread::sleep(POLL);
                        continue;
                    }
                    Err(e) => {
                        return Err(CliError::Input(format!(
                            "--events {}: cannot read it: {e}",
                            self.path.display()
                        )))
                    }
                }
            }
            let len = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
            if len < self.pos {
                // Replaced by a new session: start over.
                self.file = None;
                self.pos = 0;
                self.buf.clear();
                continue;
            }
            let mut chunk = Vec::new();
            if let Some(f) = self.file.as_mut() {
                use std::io::Seek;
                let _ = f.seek(std::io::SeekFrom::Start(self.pos));
                let n = f.read_to_end(&mut chunk).unwrap_or(0);
                self.pos += n as u64;
            }
            if chunk.is_empty() {
                std::thread::sleep(POLL);
            } else {
                self.buf.extend_from_slice(&chunk);
            }
        }
    }
}

/// What the watcher (only) knows of the scenario: the answer and the reference path.
struct Spoilers {
    /// Each cause with its culprits, and whether it hides behind the first.
    causes: Vec<(String, Vec<String>, bool)>,
    path: Vec<String>,
    fix: Vec<String>,
    evidence: Vec<String>,
}

fn spoilers(lib: &Library, id: &str, seed: u64) -> Result<Spoilers, CliError> {
    let s = cli::open(lib, id)?;
    let inst = s.incident(seed)?;
    let resolve = |t: &String| inst.resolve(t).unwrap_or_else(|_| t.clone());
    let answer = &s.spec.answer;
    let mut causes = vec![(
        answer.cause.clone(),
        answer.culprits.iter().map(resolve).collect(),
        false,
    )];
    for o in &answer.also {
        causes.push((
            o.cause.clone(),
            o.culprits.iter().map(resolve).collect(),
            o.hidden,
        ));
    }
    Ok(Spoilers {
        causes,
        path: s.spec.investigation.iter().map(resolve).collect(),
        fix: s.spec.fix.iter().map(resolve).collect(),
        evidence: s.spec.evidence.iter().map(|e| resolve(&e.text)).collect(),
    })
}

/// The watcher's state: the clock's origin and the evidence checklist.
struct View<'a> {
    lib: &'a Library,
    arrived: Option<Millis>,
    /// Each evidence item and whether it has been seen.
    evidence: Vec<(String, bool)>,
    /// The reference fix's commands, words normalised.
    reference_fix: Vec<String>,
}

impl View<'_> {
    /// Virtual time since arrival, `+hh:mm:ss`.
    fn at(&self, virtual_time: &str) -> String {
        told::since(self.arrived, virtual_time)
    }

    fn checklist(&self) -> String {
        let seen = self.evidence.iter().filter(|(_, s)| *s).count();
        let mut o = format!("evidence {seen} of {}:", self.evidence.len());
        for (text, s) in &self.evidence {
            o.push_str(&format!("\n  [{}] {text}", if *s { "x" } else { " " }));
        }
        o
    }

    /// Shows one event; true when the session has ended.
    fn show(&mut self, e: &Event) -> bool {
        match e {
            Event::SessionStarted {
                scenario,
                seed,
                player,
                team,
                arrived,
                interview,
            } => {
                self.arrived = parse_iso(arrived);
                say(&format!(
                    "== {scenario} seed {seed}, player {}{}{}; arrived {arrived}",
                    player.as_deref().unwrap_or("-"),
                    team.as_deref()
                        .map(|t| format!(", team {t}"))
                        .unwrap_or_default(),
                    if *interview { ", interview" } else { "" }
                ));
                match spoilers(self.lib, scenario, *seed) {
                    Ok(s) => {
                        for (i, (cause, culprits, hidden)) in s.causes.iter().enumerate() {
                            say(&format!(
                                "{} (watcher only): {cause} — culprit {}{}",
                                if i == 0 { "answer" } else { "  and" },
                                culprits.join(", "),
                                if *hidden {
                                    " (hidden until the first is fixed)"
                                } else {
                                    ""
                                }
                            ));
                        }
                        say("reference path:");
                        for (i, c) in s.path.iter().enumerate() {
                            say(&format!("  {}. {c}", i + 1));
                        }
                        for c in &s.fix {
                            say(&format!("  fix: {c}"));
                        }
                        self.evidence = s.evidence.into_iter().map(|t| (t, false)).collect();
                        self.reference_fix = s.fix.iter().map(|f| told::words(f)).collect();
                        say(&self.checklist());
                    }
                    Err(err) => say(&format!(
                        "(no answer or reference path here: {})",
                        err.to_string().lines().next().unwrap_or("")
                    )),
                }
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
                let wall = wall_ms
                    .map(|w| format!(" wall {}", told::clock(w as Millis)))
                    .unwrap_or_default();
                say(&format!(
                    "[{}{wall}] {} {line}",
                    self.at(virtual_time),
                    if *ok { "$" } else { "✗" }
                ));
                for l in output_head.lines() {
                    say(&format!("    │ {l}"));
                }
                let total = output_head.lines().count();
                say(&format!(
                    "    └ {output_bytes} bytes{}",
                    if total == 0 { " (no output)" } else { "" }
                ));
                for text in evidence {
                    match self.evidence.iter_mut().find(|(t, _)| t == text) {
                        Some(item) => item.1 = true,
                        None => self.evidence.push((text.clone(), true)),
                    }
                    say(&format!("    ✓ evidence seen: {text}"));
                }
                if !evidence.is_empty() {
                    say(&self.checklist());
                }
            }
            Event::Diagnosis {
                cause,
                resources,
                note,
                cause_correct,
                culprit_correct,
                ..
            } => say(&format!(
                "    {}{}",
                told::diagnosis(cause, resources, *cause_correct, *culprit_correct),
                note.as_ref()
                    .map(|n| format!("; note: {n}"))
                    .unwrap_or_default()
            )),
            Event::FixApplied {
                service,
                operation,
                line,
                ..
            } => say(&format!(
                "    {}",
                told::fix_applied(service, operation, line, &self.reference_fix)
            )),
            Event::FixRefused { error, .. } => say(&format!(
                "    → fix refused by AWS: {}",
                error.lines().next().unwrap_or("")
            )),
            Event::Hint { index, cost, .. } => {
                say(&format!("    → hint {index} taken (costs {cost} points)"))
            }
            Event::Wait {
                duration_ms,
                virtual_time,
            } => say(&format!(
                "    → waited {}; incident clock {}",
                crate::time::Dur(*duration_ms),
                self.at(virtual_time)
            )),
            Event::Submit { virtual_time } => {
                say(&format!("[{}] submitted", self.at(virtual_time)))
            }
            Event::Verdict {
                healed, findings, ..
            } => say(&format!(
                "verdict: {} — {}",
                if *healed { "HEALED" } else { "NOT HEALED" },
                findings.join("; ")
            )),
            Event::InterviewerHint {
                virtual_time,
                text,
                cost,
            } => say(&format!(
                "[{}] >> hint from the interviewer (costs {cost} points): {text}",
                self.at(virtual_time)
            )),
            Event::InterviewerNote { virtual_time, text } => say(&format!(
                "[{}] >> note from the interviewer: {text}",
                self.at(virtual_time)
            )),
            Event::InternalError { line, message, .. } => {
                say(&format!("    ! faultline failed on `{line}`: {message}"))
            }
            Event::SessionEnded {
                virtual_time,
                total,
                grade,
            } => {
                say(&format!(
                    "== session ended at {}: {total} / 100, grade {grade}",
                    self.at(virtual_time)
                ));
                if !self.evidence.is_empty() {
                    say(&self.checklist());
                }
                return true;
            }
        }
        false
    }

    /// Shows one line of the stream; true when the session has ended.
    fn line(&mut self, line: &str) -> bool {
        if line.trim().is_empty() {
            return false;
        }
        match serde_json::from_str::<Event>(line) {
            Ok(e) => self.show(&e),
            Err(_) => {
                say(&format!("(an event this faultline does not know: {line})"));
                false
            }
        }
    }
}

/// Connects to a shared session and says who we are; the events follow.
fn connect(addr: &str, token: &str) -> Result<(BufReader<TcpStream>, TcpStream), CliError> {
    let target = share::parse_addr(addr).map_err(CliError::Input)?;
    let stream = TcpStream::connect_timeout(&target, Duration::from_secs(10)).map_err(|e| {
        CliError::Input(format!(
            "cannot connect to {addr}: {e} (is the session running with --share?)"
        ))
    })?;
    let mut w = stream
        .try_clone()
        .map_err(|e| CliError::Input(format!("{addr}: {e}")))?;
    let hello = serde_json::json!({ "token": token }).to_string() + "\n";
    w.write_all(hello.as_bytes())
        .map_err(|e| CliError::Input(format!("{addr}: cannot send the token: {e}")))?;
    let mut r = BufReader::new(stream);
    let mut answer = String::new();
    let _ = r.read_line(&mut answer);
    let v: serde_json::Value = serde_json::from_str(answer.trim()).unwrap_or_default();
    if v["ok"] != true {
        let why = v["error"]
            .as_str()
            .unwrap_or("it closed the connection without an answer");
        return Err(CliError::Input(format!(
            "{addr}: the session refused this watcher: {why}"
        )));
    }
    Ok((r, w))
}

/// Sends what the interviewer types (`hint TEXT`, `note TEXT`) into the session.
fn relay_input(mut to: TcpStream) {
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            let line = line.trim();
            let (verb, text) = line.split_once(' ').unwrap_or((line, ""));
            let text = text.trim();
            let msg = match verb {
                "hint" | "note" if !text.is_empty() => serde_json::json!({ verb: text }),
                "" => continue,
                _ => {
                    eprintln!("type `hint TEXT` (costs the player points) or `note TEXT`");
                    continue;
                }
            };
            if to.write_all((msg.to_string() + "\n").as_bytes()).is_err() {
                eprintln!("the session is gone; nothing was sent");
                break;
            }
        }
    });
}

/// `faultline watch`.
pub fn watch(lib: &Library, opts: &WatchOptions) -> Result<(), CliError> {
    let mut view = View {
        lib,
        arrived: None,
        evidence: Vec::new(),
        reference_fix: Vec::new(),
    };
    match (&opts.events, &opts.addr) {
        (Some(path), None) => {
            eprintln!(
                "following {} (to send hints, watch a session started with --share)",
                path.display()
            );
            let mut follow = Follow {
                path: path.clone(),
                file: None,
                pos: 0,
                buf: Vec::new(),
            };
            loop {
                let line = follow.next_line()?;
                if view.line(&line) {
                    return Ok(());
                }
            }
        }
        (None, Some(addr)) => {
            let token = opts.token.as_deref().ok_or_else(|| {
                CliError::Input(format!(
                    "watch {addr}: --token is needed (the session printed it when it started)"
                ))
            })?;
            let (mut r, w) = connect(addr, token)?;
            eprintln!("watching {addr}; type `hint TEXT` or `note TEXT` to send one to the player");
            relay_input(w);
            loop {
                let mut line = String::new();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        eprintln!("the session closed the connection before it ended");
                        return Ok(());
                    }
                    Ok(_) => {
                        if view.line(&line) {
                            return Ok(());
                        }
                    }
                }
            }
        }
        (Some(_), Some(_)) => Err(CliError::Input(
            "watch: give an address or --events FILE, not both".into(),
        )),
        (None, None) => Err(CliError::Input(
            "watch: give a shared session's address (`faultline watch 127.0.0.1:PORT --token T`) or --events FILE".into(),
        )),
    }
}
