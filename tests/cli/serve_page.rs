//! `faultline serve`'s facilitator page, end to end: the real binary on
//! port 0, the page loaded once in headless Chromium (driven over the
//! DevTools protocol by a small Python script, standard library only), a
//! scripted team playing through `faultline play --connect` (and the real
//! `aws` CLI when it is installed), and the page — not reloaded — showing the
//! new timeline entries and scoreboard row by its own polling. Without the
//! facilitator's token the page and its data answer 401, and the team-facing
//! API never carries the answer.

use super::support::faultline;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// The DevTools driver: opens the URL given in a new tab of a headless
/// Chromium started with `--remote-debugging-pipe` (fds 3 and 4, JSON
/// messages ended by NUL), then evaluates each line of stdin as a JavaScript
/// expression in the page and prints `{"value": ...}` or `{"error": ...}`.
const DRIVER: &str = r#"
import json, os, subprocess, sys
browser, url, profile = sys.argv[1:4]
to_browser_r, to_browser_w = os.pipe()
from_browser_r, from_browser_w = os.pipe()
os.dup2(to_browser_r, 10)
os.dup2(from_browser_w, 11)
def fds():
    os.dup2(10, 3)
    os.dup2(11, 4)
proc = subprocess.Popen(
    [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
     "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-pipe",
     "--user-data-dir=" + profile, "about:blank"],
    pass_fds=(3, 4), preexec_fn=fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for fd in (10, 11, to_browser_r, from_browser_w):
    os.close(fd)
inbox = os.fdopen(from_browser_r, "rb")
counter = [0]
buffered = b""
def send(method, params=None, session=None):
    global buffered
    counter[0] += 1
    msg = {"id": counter[0], "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(to_browser_w, json.dumps(msg).encode() + b"\0")
    while True:
        while b"\0" not in buffered:
            chunk = inbox.read1(65536)
            if not chunk:
                raise SystemExit("chromium closed the pipe")
            buffered += chunk
        raw, buffered = buffered.split(b"\0", 1)
        reply = json.loads(raw)
        if reply.get("id") == counter[0]:
            if "error" in reply:
                raise SystemExit("devtools: " + json.dumps(reply["error"]))
            return reply["result"]
target = send("Target.createTarget", {"url": url})["targetId"]
session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
print(json.dumps({"value": "ready"}), flush=True)
for line in sys.stdin:
    r = send("Runtime.evaluate", {"expression": line, "returnByValue": True}, session)
    if "exceptionDetails" in r:
        d = r["exceptionDetails"]
        print(json.dumps({"error": d.get("exception", {}).get("description") or d.get("text", "exception")}), flush=True)
    else:
        print(json.dumps({"value": r["result"].get("value")}), flush=True)
try:
    send("Browser.close")
except SystemExit:
    pass
proc.wait(timeout=30)
"#;

/// What the page shows, as one JSON value (evaluated in the page).
const PROBE: &str = "JSON.stringify({\
 probe: window.__probe || null,\
 polls: Number(document.body.dataset.polls),\
 status: document.getElementById('status').textContent,\
 rows: Array.from(document.querySelectorAll('#scoreboard tbody tr[data-team]')).map(function (tr) {\
   var o = {}; Array.from(tr.cells).forEach(function (c) { o[c.className] = c.textContent; }); return o; }),\
 teams: Array.from(document.querySelectorAll('#teams section.team')).map(function (s) { return {\
   name: s.dataset.team,\
   summary: s.querySelector('.summary').textContent,\
   entries: Array.from(s.querySelectorAll('li.entry')).map(function (li) { return {\
     kind: li.dataset.kind, text: li.querySelector('.text').textContent,\
     detail: li.querySelector('pre') ? li.querySelector('pre').textContent : '' }; }) }; }),\
 markup: document.querySelectorAll('#teams b, #teams img, #teams script, #scoreboard b').length,\
 answer: document.getElementById('answer-body').textContent,\
 answerOpen: document.getElementById('answer').open,\
 fetched: performance.getEntriesByType('resource').map(function (e) { return e.name; })\
})";

/// Headless Chromium, or None (with a note) when it is not installed; a
/// failure when `FAULTLINE_REQUIRE_CHROMIUM=1` says it must be there.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("FAULTLINE_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!("chromium is not installed and FAULTLINE_REQUIRE_CHROMIUM=1 (apt-get install chromium)");
        }
        eprintln!(
            "note: chromium is not installed; the facilitator page is checked without a browser"
        );
    }
    found
}

/// The `aws` CLI, or None (with a note); a failure when `FAULTLINE_REQUIRE_AWSCLI=1`.
fn aws_cli() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|d| d.join("aws"))
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("FAULTLINE_REQUIRE_AWSCLI").as_deref() == Ok("1") {
            panic!(
                "the aws CLI is not installed and FAULTLINE_REQUIRE_AWSCLI=1 (pip install awscli)"
            );
        }
        eprintln!("note: the aws CLI is not installed; team blue does not play");
    }
    found
}

/// A `faultline serve` child, killed when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    base: String,
    token: String,
    banner: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(journal_dir: &std::path::Path) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("faultline"))
        .env("XDG_STATE_HOME", super::support::state_home())
        .args([
            "serve",
            "nat-route-missing",
            "--seed",
            "1",
            "--bind",
            "127.0.0.1:0",
            "--team",
            "red",
            "--team",
            "blue",
            "--speed",
            "0",
            "--journal-dir",
        ])
        .arg(journal_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("faultline serve starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    loop {
        let mut line = String::new();
        let n = out.read_line(&mut line).expect("the banner");
        assert!(n > 0, "faultline serve ended before its banner:\n{banner}");
        banner.push_str(&line);
        if line.contains("Ctrl-C stops the server") {
            break;
        }
    }
    // Keep reading (and dropping) what it prints, so it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while out.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    let url = banner
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("http://") && l.contains("/?token="))
        .unwrap_or_else(|| panic!("no facilitator URL in the banner:\n{banner}"))
        .to_string();
    let (base, token) = url.split_once("/?token=").expect("URL with token");
    Server {
        child,
        base: base.to_string(),
        token: token.to_string(),
        banner,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .new_agent()
}

fn get(url: &str) -> (u16, String) {
    let mut r = agent().get(url).call().expect("the server answers");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().expect("a text body"))
}

fn post(url: &str, body: &str) -> (u16, String) {
    let mut r = agent().post(url).send(body).expect("the server answers");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().expect("a text body"))
}

/// The page in Chromium, through the driver.
struct Browser {
    driver: Child,
    to: ChildStdin,
    from: BufReader<ChildStdout>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn open(chromium: &std::path::Path, url: &str) -> Browser {
        let profile = tempfile::tempdir().expect("temp dir");
        let mut driver = Command::new("timeout")
            .arg("300")
            .arg("python3")
            .arg("-c")
            .arg(DRIVER)
            .arg(chromium)
            .arg(url)
            .arg(profile.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let to = driver.stdin.take().expect("stdin");
        let from = BufReader::new(driver.stdout.take().expect("stdout"));
        let mut b = Browser {
            driver,
            to,
            from,
            _profile: profile,
        };
        assert_eq!(b.answer(), Ok(Value::from("ready")));
        b
    }

    /// The driver's next answer: the value, or what the page threw.
    fn answer(&mut self) -> Result<Value, String> {
        let mut line = String::new();
        self.from.read_line(&mut line).expect("the driver answers");
        assert!(!line.is_empty(), "the DevTools driver ended");
        let v: Value = serde_json::from_str(&line).expect("JSON from the driver");
        match v.get("error") {
            Some(e) => Err(e.to_string()),
            None => Ok(v["value"].clone()),
        }
    }

    fn try_eval(&mut self, js: &str) -> Result<Value, String> {
        writeln!(self.to, "{}", js.replace('\n', " ")).expect("to the driver");
        self.to.flush().expect("to the driver");
        self.answer()
    }

    fn eval(&mut self, js: &str) -> Value {
        self.try_eval(js)
            .unwrap_or_else(|e| panic!("the page threw: {e}"))
    }

    /// What the page shows (an error while it is still loading).
    fn try_probe(&mut self) -> Result<Value, String> {
        let text = self.try_eval(PROBE)?;
        Ok(serde_json::from_str(text.as_str().expect("a JSON text")).expect("the probe's JSON"))
    }

    fn probe(&mut self) -> Value {
        self.try_probe()
            .unwrap_or_else(|e| panic!("the page threw: {e}"))
    }

    /// Probes until `ok` holds (every 250 ms, for at most 60 s).
    fn until(&mut self, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let v = self.try_probe().unwrap_or_else(Value::from);
            if ok(&v) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the page never showed {what}; it shows: {v:#}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn team<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["teams"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == name))
        .unwrap_or_else(|| panic!("no card for {name}: {v:#}"))
}

fn row<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["team"] == name))
}

fn texts(card: &Value) -> Vec<String> {
    card["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect()
}

/// The note the scripted team writes: markup that must stay text.
const NOTE: &str = "<b>bold</b> & <img src=x onerror=alert(1)>";

#[test]
fn the_facilitator_page_follows_the_teams_live_and_keeps_the_answer_to_the_token() {
    let journals = tempfile::tempdir().expect("temp dir");
    let server = serve(journals.path());
    // Port 0 asked: the banner names the port chosen.
    let port: u16 = server
        .base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {}", server.base));
    assert_ne!(port, 0, "{}", server.banner);
    assert!(server
        .banner
        .contains(&format!("export AWS_ENDPOINT_URL={}", server.base)));

    // The answer, from the board with the token; the scripted team plays it.
    let (status, text) = get(&format!(
        "{}/_faultline/board?token={}",
        server.base, server.token
    ));
    assert_eq!(status, 200, "{text}");
    let board: Value = serde_json::from_str(&text).expect("the board's JSON");
    let cause = board["answer"]["causes"][0]["cause"]
        .as_str()
        .unwrap()
        .to_string();
    let culprit = board["answer"]["causes"][0]["culprits"][0]
        .as_str()
        .unwrap()
        .to_string();
    let fix = board["answer"]["fix"][0].as_str().unwrap().to_string();
    let explanation = board["answer"]["explanation"].as_str().unwrap().to_string();
    assert_eq!(cause, "network.no-nat-route");
    let secrets = [cause.as_str(), explanation.as_str(), fix.as_str()];

    // Without the token, or with a wrong one: 401, a clear text, no answer.
    for q in ["", "?token=", "?token=0123456789abcdef0123456789abcdef"] {
        for path in ["/", "/_faultline/board"] {
            let (status, text) = get(&format!("{}{path}{q}", server.base));
            assert_eq!(status, 401, "{path}{q}: {text}");
            assert!(text.contains("401 Unauthorized"), "{path}{q}: {text}");
            assert!(text.contains("facilitator token"), "{path}{q}: {text}");
            for s in secrets {
                assert!(!text.contains(s), "{path}{q} tells {s}");
            }
        }
    }
    // The team-facing API: the opening and a status never carry the answer.
    let (status, opening) = get(&format!("{}/_faultline/teams/red/opening", server.base));
    assert_eq!(status, 200, "{opening}");
    let (status, said) = post(
        &format!("{}/_faultline/teams/blue/line", server.base),
        "status",
    );
    assert_eq!(status, 200, "{said}");
    for text in [&opening, &said] {
        for s in secrets {
            assert!(!text.contains(s), "the team API tells {s}: {text}");
        }
    }

    // The page with the token: self-contained.
    let page_url = format!("{}/?token={}", server.base, server.token);
    let (status, html) = get(&page_url);
    assert_eq!(status, 200);
    for banned in ["http://", "https://", "src=", "@import", "url("] {
        assert!(!html.contains(banned), "the page holds {banned}");
    }
    // Its one link is its icon, empty and inline.
    assert_eq!(html.matches("href=").count(), 1, "{html}");
    assert!(
        html.contains("<link rel=\"icon\" href=\"data:,\">"),
        "{html}"
    );

    let Some(browser) = chromium() else { return };
    let mut page = Browser::open(&browser, &page_url);
    let first = page.until("both teams", |v| {
        v["rows"].as_array().is_some_and(|r| r.len() == 2)
            && v["teams"].as_array().is_some_and(|t| t.len() == 2)
    });
    let red = team(&first, "red");
    assert_eq!(red["entries"].as_array().unwrap().len(), 1, "{red:#}");
    assert_eq!(red["entries"][0]["kind"], "session_started");
    assert_eq!(row(&first, "red").unwrap()["commands"], "0");
    assert_eq!(row(&first, "red").unwrap()["verdict"], "—");
    // The answer is on the page, folded away.
    assert!(first["answer"].as_str().unwrap().contains(&cause));
    assert!(first["answer"].as_str().unwrap().contains(&fix));
    assert_eq!(first["answerOpen"], false);
    let blue_before: u32 = row(&first, "blue").unwrap()["commands"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // A mark that a reload would wipe.
    page.eval("window.__probe = 'loaded once'");
    let polls_before = page.probe()["polls"].as_u64().unwrap();

    // Team red plays through the thin client: a read, a diagnosis with a
    // note of markup, the fix, submit.
    let lines = format!(
        "ecs describe-services --cluster prod --services checkout\n\
         diagnose {cause} {culprit} --note '{NOTE}'\n\
         fix {fix}\n\
         submit\n"
    );
    let played = faultline()
        .args(["play", "--connect", &server.base, "--team", "red"])
        .write_stdin(lines)
        .timeout(Duration::from_secs(240))
        .output()
        .expect("faultline play --connect runs");
    let said = String::from_utf8_lossy(&played.stdout);
    assert!(
        played.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&played.stderr)
    );
    assert!(said.contains("Verified"), "{said}");

    // Team blue reads with the real aws CLI, over the wire.
    let blue_plays = aws_cli().map(|aws| {
        let o = Command::new(aws)
            .args([
                "ecs",
                "describe-services",
                "--cluster",
                "prod",
                "--services",
                "checkout",
            ])
            .env("AWS_ENDPOINT_URL", &server.base)
            .env("AWS_ACCESS_KEY_ID", "blue")
            .env("AWS_SECRET_ACCESS_KEY", "faultline")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .output()
            .expect("aws runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    });

    // The page, not reloaded, catches up by its own polling.
    let now = page.until("red's verdict", |v| {
        row(v, "red").is_some_and(|r| r["verdict"] == "healed")
            && texts(team(v, "red")).iter().any(|t| t == "verdict: HEALED")
            && (blue_plays.is_none()
                || row(v, "blue")
                    .is_some_and(|r| r["commands"] == (blue_before + 1).to_string().as_str()))
    });
    assert_eq!(now["probe"], "loaded once", "the page was reloaded");
    assert!(now["polls"].as_u64().unwrap() > polls_before, "{now:#}");
    assert!(
        now["status"].as_str().unwrap().starts_with("updated"),
        "{now:#}"
    );
    // All the page ever fetched is its board, from its own server.
    let fetched = now["fetched"].as_array().unwrap();
    assert!(!fetched.is_empty(), "{now:#}");
    for url in fetched {
        assert!(
            url.as_str().unwrap().starts_with(&format!(
                "{}/_faultline/board?token={}",
                server.base, server.token
            )),
            "the page fetched {url}"
        );
    }

    let r = row(&now, "red").unwrap();
    assert_eq!(r["rank"], "1", "{now:#}");
    assert_eq!(r["commands"], "4", "{now:#}");
    assert_eq!(r["hints"], "0");
    assert_eq!(r["wrong"], "0");
    assert!(
        r["total"].as_str().unwrap().parse::<i32>().unwrap() > 50,
        "{r}"
    );
    assert!(r["evidence"].as_str().unwrap().ends_with(" of 2"), "{r}");
    assert_ne!(r["evidence"], "0 of 2", "{r}");

    let red = team(&now, "red");
    let t = texts(red);
    // Newest first: the verdict on top, the arrival at the bottom.
    assert_eq!(
        t.first().map(String::as_str),
        Some("verdict: HEALED"),
        "{t:#?}"
    );
    assert!(t.last().unwrap().starts_with("== arrived "), "{t:#?}");
    for want in [
        "$ ecs describe-services --cluster prod --services checkout".to_string(),
        format!("→ diagnosis {cause} {culprit} — cause RIGHT, culprit named"),
        "→ fix applied: ec2 create-route — a step of the reference fix".to_string(),
        format!("$ fix {fix}"),
        "submitted".to_string(),
    ] {
        assert!(t.contains(&want), "no {want:?} in {t:#?}");
    }
    assert!(
        t.iter().any(|x| x.starts_with("✓ evidence seen: ")),
        "{t:#?}"
    );
    // The note is shown as the text typed, not as markup.
    let diagnosis = red["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "diagnosis")
        .unwrap();
    assert_eq!(diagnosis["detail"], format!("note: {NOTE}"));
    assert_eq!(now["markup"], 0, "user text became markup");

    if blue_plays.is_some() {
        let blue = texts(team(&now, "blue"));
        let read = "$ ecs describe-services --cluster prod --services checkout";
        let at = |line: &str| blue.iter().position(|t| t == line);
        // The wire request is on the timeline, newer than the status line.
        assert!(at(read).is_some() && at(read) < at("$ status"), "{blue:#?}");
        assert_eq!(row(&now, "blue").unwrap()["verdict"], "—");
    }
}
