//! `faultline play --share ADDR`: the session's events served over TCP as
//! JSON Lines to the watchers that connect with the session's token; each
//! gets the events so far, then each event as it happens. A watcher can send
//! back a hint or a note (`{"hint": "..."}` / `{"note": "..."}`, one a line).
//!
//! The session never waits for a watcher: each connection has its own thread
//! and a bounded queue, an event is offered to each queue without blocking,
//! and a watcher whose queue is full (it fell behind, or stopped reading) is
//! dropped; it may connect again and is sent everything from the start.
//!
//! The protocol, one JSON object a line: the watcher sends
//! `{"token": "T"}`; the session answers `{"ok": true}` then the events, or
//! `{"error": "..."}` and closes.

use crate::game::{Event, Interjection, Watcher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Events queued for one watcher before it counts as fallen behind and is dropped.
pub const QUEUE: usize = 4096;

/// Longest line a watcher may send.
const MAX_LINE: u64 = 8192;

/// Connections served at once (watchers and handshakes); more are closed at once.
pub const MAX_CONNECTIONS: usize = 64;

/// What happens with a hint or note a watcher sent.
pub type Hearer = Box<dyn Fn(Interjection) + Send + Sync>;

/// The events so far and the watchers connected.
#[derive(Default)]
struct Hub {
    /// Every event so far, as JSON lines (without the newline).
    history: Vec<Arc<str>>,
    /// The queues of the connected watchers.
    queues: Vec<SyncSender<Arc<str>>>,
    /// The session ended: new watchers get the history and are closed.
    closed: bool,
}

/// A session shared on a TCP port.
pub struct Share {
    addr: SocketAddr,
    hub: Arc<Mutex<Hub>>,
    /// Connections still sending.
    active: Arc<AtomicUsize>,
}

/// The [`Watcher`] that feeds a [`Share`]'s watchers.
struct Feed {
    hub: Arc<Mutex<Hub>>,
}

impl Watcher for Feed {
    fn event(&mut self, event: &Event) -> std::io::Result<()> {
        let line: Arc<str> = event.to_json_line().into();
        let mut hub = self.hub.lock().unwrap_or_else(|p| p.into_inner());
        hub.history.push(line.clone());
        // Never blocks: a watcher that cannot take the event now is dropped.
        hub.queues.retain(|q| match q.try_send(line.clone()) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
        });
        Ok(())
    }
}

/// `ADDR`, `HOST:PORT`, `:PORT` or `PORT` (the last two on loopback).
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    let t = text.trim();
    let full = if let Some(port) = t.strip_prefix(':') {
        format!("127.0.0.1:{port}")
    } else if t.parse::<u16>().is_ok() {
        format!("127.0.0.1:{t}")
    } else {
        t.to_string()
    };
    full.to_socket_addrs()
        .map_err(|e| format!("{text}: not an address to listen on ({e}); e.g. 127.0.0.1:0"))?
        .next()
        .ok_or_else(|| format!("{text}: the name resolves to no address"))
}

pub use crate::token::random_token;
use crate::token::same;

impl Share {
    /// Listens on `addr`; watchers must give `token`; what they send goes to `hear`.
    pub fn start(addr: SocketAddr, token: String, hear: Hearer) -> std::io::Result<Share> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let hub = Arc::new(Mutex::new(Hub::default()));
        let active = Arc::new(AtomicUsize::new(0));
        let hear = Arc::new(hear);
        let (h, a) = (hub.clone(), active.clone());
        let open = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else {
                    // Out of file descriptors, say: wait rather than spin.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                };
                if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    open.fetch_sub(1, Ordering::SeqCst);
                    let _ = (&stream).write_all(b"{\"error\":\"too many watchers\"}\n");
                    continue;
                }
                let (hub, active, hear, token) =
                    (h.clone(), a.clone(), hear.clone(), token.clone());
                let open = open.clone();
                std::thread::spawn(move || {
                    serve(stream, &token, &hub, &active, &hear);
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Ok(Share { addr, hub, active })
    }

    /// The address it listens on (with the port chosen when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The watcher to add to the game: every event it gets goes to the watchers.
    pub fn feed(&self) -> Box<dyn Watcher> {
        Box::new(Feed {
            hub: self.hub.clone(),
        })
    }

    /// The session ended: each watcher is sent what is queued for it, then
    /// closed; waits at most `grace` for that.
    pub fn close(&self, grace: Duration) {
        {
            let mut hub = self.hub.lock().unwrap_or_else(|p| p.into_inner());
            hub.closed = true;
            hub.queues.clear();
        }
        let end = Instant::now() + grace;
        while self.active.load(Ordering::SeqCst) > 0 && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// One line from the watcher, at most [`MAX_LINE`] bytes; None at the end.
fn read_line(r: &mut impl BufRead) -> Option<String> {
    let mut buf = Vec::new();
    match r.by_ref().take(MAX_LINE).read_until(b'\n', &mut buf) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(String::from_utf8_lossy(&buf).trim().to_string()),
    }
}

/// One watcher's connection: the handshake, its reader, then its events.
fn serve(
    stream: TcpStream,
    token: &str,
    hub: &Mutex<Hub>,
    active: &AtomicUsize,
    hear: &Arc<Hearer>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut w = &stream;
    let hello = read_line(&mut reader).unwrap_or_default();
    let given = serde_json::from_str::<serde_json::Value>(&hello)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_string));
    match given {
        Some(t) if same(&t, token) => {}
        Some(_) => {
            let _ = w.write_all(
                b"{\"error\":\"wrong token: this session was shared with another token\"}\n",
            );
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
        None => {
            let _ = w.write_all(
                b"{\"error\":\"expected {\\\"token\\\": \\\"...\\\"} as the first line\"}\n",
            );
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
    // The queue is registered with a copy of the history under one lock: no event is lost or sent twice.
    let (tx, rx) = sync_channel::<Arc<str>>(QUEUE);
    let history = {
        let mut hub = hub.lock().unwrap_or_else(|p| p.into_inner());
        if !hub.closed {
            hub.queues.push(tx);
        }
        hub.history.clone()
    };
    active.fetch_add(1, Ordering::SeqCst);
    let _ = reader.get_ref().set_read_timeout(None);
    let hear = hear.clone();
    std::thread::spawn(move || {
        while let Some(line) = read_line(&mut reader) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if let Some(t) = v["hint"].as_str() {
                hear(Interjection::Hint(t.to_string()));
            } else if let Some(t) = v["note"].as_str() {
                hear(Interjection::Note(t.to_string()));
            }
        }
    });
    let mut send = |line: &str| -> std::io::Result<()> {
        w.write_all(line.as_bytes())?;
        w.write_all(b"\n")
    };
    let mut ok = send("{\"ok\":true}").is_ok();
    for line in &history {
        if !ok {
            break;
        }
        ok = send(line).is_ok();
    }
    if ok {
        // Ends when the session closes or drops this watcher (the sender is gone).
        for line in rx.iter() {
            if send(&line).is_err() {
                break;
            }
        }
    }
    let _ = w.flush();
    let _ = stream.shutdown(Shutdown::Both);
    active.fetch_sub(1, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_default_to_loopback() {
        assert_eq!(parse_addr(":0").unwrap().to_string(), "127.0.0.1:0");
        assert_eq!(parse_addr("4000").unwrap().to_string(), "127.0.0.1:4000");
        assert_eq!(
            parse_addr("127.0.0.1:9").unwrap().to_string(),
            "127.0.0.1:9"
        );
        assert!(parse_addr("no such thing").is_err());
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, &a[..31]));
    }

    #[test]
    fn a_watcher_that_stops_reading_never_blocks_the_session() {
        let share =
            Share::start("127.0.0.1:0".parse().unwrap(), "t".into(), Box::new(|_| {})).unwrap();
        let mut s = TcpStream::connect(share.addr()).unwrap();
        s.write_all(b"{\"token\":\"t\"}\n").unwrap();
        let mut feed = share.feed();
        let big = Event::InternalError {
            virtual_time: "2026-01-01T00:00:00+00:00".into(),
            line: "x".repeat(1_000),
            message: String::new(),
        };
        // Far more than the socket buffers and the queue hold; the watcher never reads.
        let start = Instant::now();
        for _ in 0..(QUEUE * 2) {
            feed.event(&big).unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(20));
        share.close(Duration::from_millis(100));
    }
}
