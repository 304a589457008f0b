//! Test helper: a `moto_server` on a free loopback port, started per test and
//! killed on drop, with every request it receives recorded to a file so
//! tests can prove what was (not) sent.

use super::{ConnectOptions, LiveAccount};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The region tests use.
pub const REGION: &str = "us-east-1";

/// A running moto server.
pub struct Moto {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Moto {
    /// Starts moto, or None (with a message saying so) when it is not
    /// installed: `pip install 'moto[server]'`.
    pub fn start() -> Option<Moto> {
        let installed = Command::new("moto_server")
            .arg("--help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            // CI sets this: there a missing moto is a failure, not a skip.
            assert!(
                std::env::var_os("FAULTLINE_REQUIRE_MOTO").is_none(),
                "moto_server is not installed, and FAULTLINE_REQUIRE_MOTO is set"
            );
            eprintln!(
                "SKIPPED: moto_server is not installed (pip install 'moto[server]'); live tests need it"
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_ENABLE_RECORDING", "true")
            .env("MOTO_RECORDER_FILEPATH", dir.path().join("recording.jsonl"))
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("AWS_DEFAULT_REGION", REGION)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !moto.answers() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// The endpoint URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn answers(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let req = format!(
            "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1:{}\r\n\r\n",
            self.port
        );
        if s.write_all(req.as_bytes()).is_err() {
            return false;
        }
        let mut buf = [0u8; 12];
        s.read(&mut buf)
            .is_ok_and(|n| n >= 12 && buf.starts_with(b"HTTP/1."))
    }

    /// A live account in `region` talking to this server.
    pub fn account_in(&self, region: &str) -> LiveAccount {
        LiveAccount::connect(&ConnectOptions {
            region: Some(region.to_string()),
            profile: None,
            endpoint_url: Some(self.url()),
            static_credentials: Some(("testing".into(), "testing".into())),
            clock: None,
        })
        .expect("a live account over moto")
    }

    /// A live account in the tests' region.
    pub fn account(&self) -> LiveAccount {
        self.account_in(REGION)
    }

    /// The API actions moto has received so far, in order (`ec2:DeleteRoute`,
    /// `ecs:UpdateService`).
    pub fn actions(&self) -> Vec<String> {
        let path: PathBuf = self.dir.path().join("recording.jsonl");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|r| action_of(&r))
            .collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The action of one recorded request: the JSON protocols name it in
/// `X-Amz-Target`, the query protocols in the body's `Action=`.
fn action_of(r: &serde_json::Value) -> Option<String> {
    let headers = r.get("headers")?.as_object()?;
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    };
    let auth = header("Authorization").unwrap_or_default();
    // The credential scope names the service: .../us-east-1/ec2/aws4_request.
    let service = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("?")
        .to_string();
    if let Some(t) = header("X-Amz-Target") {
        let op = t.rsplit('.').next().unwrap_or(t);
        return Some(format!("{service}:{op}"));
    }
    let body = r.get("body").and_then(|b| b.as_str()).unwrap_or_default();
    let body = if r.get("body_encoded").and_then(|b| b.as_bool()) == Some(true) {
        decode_base64(body)
    } else {
        body.to_string()
    };
    body.split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(|a| format!("{service}:{a}"))
}

fn decode_base64(s: &str) -> String {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether an action only reads.
pub fn is_read(action: &str) -> bool {
    let op = action.rsplit(':').next().unwrap_or(action);
    ["Describe", "List", "Get", "Filter", "Simulate"]
        .iter()
        .any(|p| op.starts_with(p))
}
