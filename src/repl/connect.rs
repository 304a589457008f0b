//! `faultline play --connect URL --team NAME`: the REPL as a thin client of
//! a `faultline serve`. Every line runs in the team's world on the server
//! (reads, `diagnose`, `hint`, `fix`, `submit`, `status`, ...), through the
//! server's small HTTP API (see `crate::serve::http`); this side edits
//! lines and prints replies. A trailing `| jq ...` and `file://` parameters
//! are the player's own machine's, as in a local session: the server never
//! runs a pipe or reads a file for a client.

use crate::cli::CliError;
use crate::game::Reply;
use crate::paint::{Paint, Role};
use std::io::IsTerminal;

/// A connection to one team of a server.
pub struct Client {
    base: String,
    team: String,
    token: Option<String>,
    agent: ureq::Agent,
}

impl Client {
    /// A client of `url` (`http://host:port`) for `team`.
    pub fn new(url: &str, team: &str, token: Option<&str>) -> Result<Client, String> {
        let base = url.trim_end_matches('/').to_string();
        if !base.starts_with("http://") {
            return Err(format!(
                "--connect {url}: expected the server's http:// URL, as `faultline serve` printed it"
            ));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(600)))
            .build()
            .new_agent();
        Ok(Client {
            base,
            team: team.to_string(),
            token: token.map(str::to_string),
            agent,
        })
    }

    fn url(&self, what: &str) -> String {
        format!("{}/_faultline/teams/{}/{what}", self.base, self.team)
    }

    fn answer(
        &self,
        res: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<serde_json::Value, String> {
        let mut res = res.map_err(|e| format!("cannot reach {}: {e}", self.base))?;
        let status = res.status().as_u16();
        let text = res
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("{}: unreadable answer: {e}", self.base))?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
            format!(
                "{} answered {status} with something that is not faultline's API: {}",
                self.base,
                text.chars().take(200).collect::<String>()
            )
        })?;
        if status != 200 {
            return Err(v["error"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("{} answered {status}", self.base)));
        }
        Ok(v)
    }

    fn auth(&self) -> Option<String> {
        self.token.as_ref().map(|t| format!("Bearer {t}"))
    }

    /// The opening screen.
    pub fn opening(&self) -> Result<String, String> {
        let mut req = self.agent.get(&self.url("opening"));
        if let Some(a) = self.auth() {
            req = req.header("Authorization", &a);
        }
        let v = self.answer(req.call())?;
        Ok(v["text"].as_str().unwrap_or_default().to_string())
    }

    /// Runs one line on the server.
    pub fn line(&self, line: &str) -> Result<Reply, String> {
        let mut req = self
            .agent
            .post(&self.url("line"))
            .header("Content-Type", "text/plain; charset=utf-8");
        if let Some(a) = self.auth() {
            req = req.header("Authorization", &a);
        }
        let v = self.answer(req.send(line))?;
        Ok(Reply {
            text: v["text"].as_str().unwrap_or_default().to_string(),
            error: v["error"].as_bool().unwrap_or(false),
            quit: v["quit"].as_bool().unwrap_or(false),
        })
    }
}

/// Plays a team's world of a server until `quit`, `submit` or end of input.
pub fn run(url: &str, team: &str, token: Option<&str>, paint: Paint) -> Result<(), CliError> {
    let client = Client::new(url, team, token).map_err(CliError::Input)?;
    let opening = client.opening().map_err(CliError::Input)?;
    println!("{opening}");
    if std::io::stdin().is_terminal() {
        interactive(&client, paint)
    } else {
        use std::io::BufRead as _;
        for line in std::io::stdin().lock().lines() {
            let line =
                line.map_err(|e| CliError::Input(format!("cannot read standard input: {e}")))?;
            if one(&client, &line, paint)? {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// One line: sent, and its reply printed. True when the session ended.
/// As in a local session, a trailing `| pipeline` and `file://` parameters
/// are this machine's: the pipe runs here over the reply, the file is read
/// here, and only the AWS command goes to the server.
fn one(client: &Client, line: &str, paint: Paint) -> Result<bool, CliError> {
    if line.trim().is_empty() {
        return Ok(false);
    }
    let mut failed = None;
    let reply = super::with_local_shell(line, false, paint, &mut |command| {
        client.line(command).unwrap_or_else(|e| {
            failed = Some(e);
            Reply {
                text: String::new(),
                error: true,
                quit: false,
            }
        })
    });
    if let Some(e) = failed {
        return Err(CliError::Input(e));
    }
    Ok(reply.quit)
}

fn interactive(client: &Client, paint: Paint) -> Result<(), CliError> {
    use rustyline::error::ReadlineError;
    let mut rl = rustyline::DefaultEditor::new()
        .map_err(|e| CliError::Input(format!("cannot start the line editor: {e}")))?;
    let prompt = paint.paint(Role::Prompt, &format!("[{}] faultline> ", client.team));
    loop {
        match rl.readline(&prompt) {
            Ok(text) => {
                let _ = rl.add_history_entry(text.as_str());
                for line in text.split(['\n', '\r']) {
                    if one(client, line, paint)? {
                        return Ok(());
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(()),
            Err(e) => return Err(CliError::Input(format!("cannot read the line: {e}"))),
        }
    }
}
