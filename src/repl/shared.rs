//! The shell's side of `play --share`: the share server started with the
//! game's events so far, and one inbox where the session hears what it waits
//! for — the watchers' hints and notes, and, in a script, standard input's
//! lines (read on a thread, so a hint is heard between lines as soon as it
//! arrives). On a terminal a watcher's words are also shown at once, over the
//! prompt; the game records them when the player next presses Enter.

use crate::cli::CliError;
use crate::game::{Game, Interjection};
use crate::watch::share::{self, Share};
use std::io::BufRead;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// What the session hears while it waits.
pub(super) enum Input {
    /// A line of standard input (a script).
    Line(Vec<u8>),
    /// Standard input ended (or failed, with why).
    End(Option<String>),
    /// A watcher's hint or note.
    Said(Interjection),
}

/// Reads one line of standard input.
pub(super) fn read_line(input: &mut impl BufRead) -> Input {
    let mut bytes = Vec::new();
    match input.read_until(b'\n', &mut bytes) {
        Ok(0) => Input::End(None),
        Ok(_) => Input::Line(bytes),
        Err(e) => Input::End(Some(e.to_string())),
    }
}

/// Where a watcher's words are announced as they arrive (set by the line editor).
type Notice = Arc<Mutex<Option<Box<dyn FnMut(String) + Send>>>>;

/// A session shared with watchers.
pub(super) struct Shared {
    server: Share,
    inbox: Receiver<Input>,
    sender: Sender<Input>,
    notice: Notice,
}

impl Shared {
    /// Shares the game's events on `addr` (`--share`); prints where and the
    /// token on standard error (standard output is the session's, the same
    /// with or without watchers).
    pub(super) fn start(game: &mut Game, addr: &str) -> Result<Shared, CliError> {
        let at = share::parse_addr(addr).map_err(|e| CliError::Input(format!("--share {e}")))?;
        let token = share::random_token();
        let (sender, inbox) = channel();
        let tx = sender.clone();
        let notice: Notice = Default::default();
        let announce = notice.clone();
        let server = Share::start(
            at,
            token.clone(),
            Box::new(move |w| {
                if let Some(show) = announce.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
                    let (kind, text) = match &w {
                        Interjection::Hint(t) => ("hint", t),
                        Interjection::Note(t) => ("note", t),
                    };
                    show(format!("[the interviewer's {kind}: {text}]"));
                }
                let _ = tx.send(Input::Said(w));
            }),
        )
        .map_err(|e| CliError::Input(format!("--share {addr}: cannot listen there: {e}")))?;
        let mut feed = server.feed();
        for e in game.events() {
            let _ = feed.event(e);
        }
        game.watch(feed);
        let addr = server.addr();
        eprintln!("Sharing this session on {addr} with token {token}");
        eprintln!("Watch it with: faultline watch {addr} --token {token}");
        Ok(Shared {
            server,
            inbox,
            sender,
            notice,
        })
    }

    /// Standard input's lines go to the inbox too, read on a thread (a script).
    pub(super) fn read_stdin(&self) {
        let tx = self.sender.clone();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            loop {
                let next = read_line(&mut input);
                let end = matches!(next, Input::End(_));
                if tx.send(next).is_err() || end {
                    break;
                }
            }
        });
    }

    /// The next thing heard, waiting for it.
    pub(super) fn next(&self) -> Input {
        self.inbox.recv().unwrap_or(Input::End(None))
    }

    /// The watchers' words heard since the last call, without waiting.
    pub(super) fn said(&self) -> Vec<Interjection> {
        self.inbox
            .try_iter()
            .filter_map(|i| match i {
                Input::Said(w) => Some(w),
                _ => None,
            })
            .collect()
    }

    /// Shows the watchers' words at once through `show` (a terminal's printer).
    pub(super) fn announce_with(&self, show: Box<dyn FnMut(String) + Send>) {
        *self.notice.lock().unwrap_or_else(|p| p.into_inner()) = Some(show);
    }

    /// The session ended: the watchers get the last events, for up to two seconds.
    pub(super) fn close(&self) {
        self.server.close(std::time::Duration::from_secs(2));
    }
}
