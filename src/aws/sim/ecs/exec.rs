//! `ecs execute-command` (ECS Exec): one command run inside a running
//! container, answered from the simulated world.
//!
//! The AWS CLI hands ExecuteCommand's session to the Session Manager plugin
//! and prints what the plugin prints: its banner, the session's start, the
//! command's output, the session's end. The operation returns that
//! transcript as one string; the game prints it as it is.
//!
//! Preconditions are AWS's: the task was launched with ECS Exec and is
//! RUNNING, the task role may open Session Manager channels, and the task has
//! a network path to `ssmmessages`. Inside, a small set of commands answer
//! from the world: `env`/`printenv`, `cat /etc/resolv.conf`, `nslookup`,
//! `dig`, `getent hosts`, `curl` (to an AWS endpoint, the internet, or the
//! application on localhost), `free`, the memory cgroup's files, `ps`,
//! `hostname`. They answer as the task's network path and memory allow.
//! Nothing here changes the world; the session takes no virtual time.

use super::super::{CommandError, Input};
use super::cluster;
use crate::aws::catalogue::ReadCtx;
use crate::aws::errors;
use crate::engine::network::{reach, Endpoint, Origin};
use crate::time::Millis;
use crate::world::{ip_to_string, short_name, Decision, Task, TaskStatus, World};
use serde_json::Value;
use sha2::{Digest, Sha256};

const API: &str = "ExecuteCommand";

/// [C] The Session Manager plugin's first line, printed before every
/// ExecuteCommand call the AWS CLI makes (real sessions: fabfuel/ecs-deploy#193,
/// aws/amazon-ssm-agent#536), followed by two blank lines.
pub const PLUGIN_BANNER: &str =
    "The Session Manager plugin was installed successfully. Use the AWS CLI to start a session.";

/// The Session Manager channel actions the task role needs
/// [V: Amazon ECS developer guide, "Using Amazon ECS Exec", IAM permissions].
const CHANNEL_ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// ExecuteCommand: the plugin's transcript of one session, as a JSON string.
pub(super) fn execute_command(ctx: &ReadCtx, inv: &Input) -> Result<Value, CommandError> {
    let world = ctx.world;
    let given = inv.value("cluster")?;
    let task_key = inv.required("task")?;
    let container = inv.value("container")?;
    let command = inv.required("command")?;
    let interactive = inv.switch("interactive")?.unwrap_or(false);
    let non_interactive = inv.switch("nonInteractive")?.unwrap_or(false);
    if !interactive && !non_interactive {
        return Err(super::super::ArgError(
            "aws: error: the following arguments are required: --interactive | --non-interactive"
                .into(),
        )
        .into());
    }
    if non_interactive {
        return Err(errors::exec_interactive_only(API).into());
    }
    let cl = cluster(world, given, API)?;
    let id = short_name(&task_key);
    let Some(task) = world.tasks.get(&id).filter(|t| t.cluster == cl.name) else {
        return Err(errors::task_not_found(API).into());
    };
    let idx = match container {
        Some(name) => task
            .containers
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| errors::exec_container_not_found(API, &name))?,
        None if task.containers.len() > 1 => {
            return Err(errors::exec_container_required(API).into())
        }
        None => 0,
    };
    if !task.enable_execute_command
        || task.last_status != TaskStatus::Running
        || task.containers[idx].last_status != "RUNNING"
    {
        return Err(errors::exec_not_enabled(API).into());
    }
    if !agent_connects(world, task) {
        return Err(errors::exec_target_not_connected(API).into());
    }
    let session = session_id(task, ctx.now, &command);
    let inside = Inside {
        world,
        task,
        container: idx,
        now: ctx.now,
        session: &session,
    };
    let output = inside.run(&command);
    let mut text = String::new();
    text.push('\n');
    text.push_str(PLUGIN_BANNER);
    text.push_str("\n\n\nStarting session with SessionId: ");
    text.push_str(&session);
    text.push('\n');
    text.push_str(&output);
    if !output.is_empty() && !output.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("\n\nExiting session with sessionId: ");
    text.push_str(&session);
    text.push_str(".\n");
    Ok(Value::String(text))
}

/// Whether the task's execute-command agent can open its Session Manager
/// channels: the task role allows them and the task reaches `ssmmessages`.
fn agent_connects(world: &World, task: &Task) -> bool {
    let role = task
        .run
        .td
        .as_deref()
        .or_else(|| world.task_definition(&task.task_definition_arn))
        .and_then(|td| td.def.task_role_arn.clone());
    let Some(role) = role.filter(|r| !r.is_empty()) else {
        return false;
    };
    let allowed = CHANNEL_ACTIONS
        .iter()
        .all(|a| world.role_allows(&role, a, "*") == Decision::Allow);
    allowed && reaches(world, task, &Endpoint::SsmMessages)
}

/// Whether the task's network lets it reach `endpoint`.
fn reaches(world: &World, task: &Task, endpoint: &Endpoint) -> bool {
    let Some(a) = task.attachment.as_ref() else {
        return false;
    };
    let origin = Origin {
        subnet_id: &task.subnet_id,
        security_groups: &task.security_groups,
        public_ip: task.assign_public_ip,
        private_ip: crate::world::parse_ip(&a.private_ip).unwrap_or(0),
    };
    reach(world, &origin, endpoint).is_ok()
}

/// `ecs-execute-command-` and 17 hex digits, derived from the task, the
/// instant and the command (a read never draws from the world's generator).
fn session_id(task: &Task, now: Millis, command: &str) -> String {
    let h = digest(&[&task.id, &now.to_string(), command]);
    format!("ecs-execute-command-{}", &h[..17])
}

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The VPC's Amazon-provided DNS server: the VPC's base address plus two
/// [V: Amazon VPC user guide, "Amazon DNS server"].
fn dns_server(world: &World, task: &Task) -> Option<u32> {
    let subnet = world.subnets.get(&task.subnet_id)?;
    let vpc = world.vpcs.get(&subnet.vpc_id)?;
    Some(vpc.cidr.base + 2)
}

/// Whether the task's VPC answers DNS at all (`enableDnsSupport`).
fn dns_works(world: &World, task: &Task) -> bool {
    world
        .subnets
        .get(&task.subnet_id)
        .and_then(|s| world.vpcs.get(&s.vpc_id))
        .is_some_and(|v| v.dns_support)
}

/// The AWS service endpoint a host name is, if it is one.
fn aws_endpoint(world: &World, host: &str) -> Option<Endpoint> {
    [
        Endpoint::EcrApi,
        Endpoint::EcrDkr,
        Endpoint::S3,
        Endpoint::Logs,
        Endpoint::SecretsManager,
        Endpoint::Ssm,
        Endpoint::SsmMessages,
    ]
    .into_iter()
    .find(|e| e.host(world) == host)
}

/// What a host name resolves to from inside the task: an interface
/// endpoint's addresses where one with private DNS serves it in the task's
/// VPC, otherwise a public address. Names that are neither AWS's nor public
/// do not resolve.
fn resolve(world: &World, task: &Task, host: &str) -> Option<u32> {
    let vpc_id = world.subnets.get(&task.subnet_id)?.vpc_id.clone();
    if let Some(svc) = aws_endpoint(world, host).and_then(|e| e.vpce_service()) {
        let ep = world.vpc_endpoints.values().find(|e| {
            e.vpc_id == vpc_id
                && e.kind == crate::world::EndpointKind::Interface
                && e.service == svc
                && e.private_dns
        });
        if let Some(ip) = ep
            .and_then(|e| e.eni_ids.first())
            .and_then(|id| world.enis.get(id))
            .map(|e| e.private_ip)
        {
            return Some(ip);
        }
    }
    if host == "localhost" {
        return Some(0x7f00_0001);
    }
    let public = host.ends_with(".amazonaws.com")
        || [".com", ".io", ".org", ".net", ".dev", ".co"]
            .iter()
            .any(|t| host.ends_with(t));
    public.then(|| public_ip(host))
}

/// [I] A public address for a name: invented, stable for the name, in
/// 52.94.0.0/16 (an Amazon block); no capture says which address a real
/// resolver would return.
fn public_ip(host: &str) -> u32 {
    let h = digest(&[host]);
    let n = u32::from_str_radix(&h[..4], 16).unwrap_or(1);
    0x345e_0000 | (n & 0xffff).max(1)
}

/// A command run inside one container of a running task.
struct Inside<'a> {
    world: &'a World,
    task: &'a Task,
    container: usize,
    now: Millis,
    session: &'a str,
}

impl Inside<'_> {
    /// The command's output.
    fn run(&self, command: &str) -> String {
        let Some(mut words) = shlex::split(command) else {
            return "faultline: the command's quotes do not close\n".into();
        };
        // `sh -c '...'` and `bash -c '...'` run their one command.
        if words.len() == 3
            && matches!(words[0].as_str(), "sh" | "/bin/sh" | "bash" | "/bin/bash")
            && words[1] == "-c"
        {
            let inner = words[2].clone();
            if inner.contains(['|', ';', '&', '>', '<', '`', '$']) {
                return "faultline: only one command per session is simulated: no pipes, redirections or lists\n".into();
            }
            match shlex::split(&inner) {
                Some(w) => words = w,
                None => return "faultline: the command's quotes do not close\n".into(),
            }
        }
        let Some(program) = words.first().cloned() else {
            return String::new();
        };
        let args = &words[1..];
        let name = program.rsplit('/').next().unwrap_or(&program);
        match name {
            "sh" | "bash" | "ash" | "zsh" if args.is_empty() => {
                "faultline: an interactive shell is not simulated; run one command per session, e.g. --command \"env\"\n".into()
            }
            "env" if args.is_empty() => self.env(),
            "printenv" => self.printenv(args),
            "hostname" => format!("{}\n", self.hostname()),
            "cat" => self.cat(args),
            "nslookup" => self.nslookup(args),
            "dig" => self.dig(args),
            "getent" if args.first().map(String::as_str) == Some("hosts") => {
                self.getent(&args[1..])
            }
            "curl" => self.curl(args),
            "free" => self.free(args),
            "ps" => self.ps(),
            // [I] runc's message for a program the image does not have.
            _ => format!(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown\n"
            ),
        }
    }

    fn td(&self) -> Option<&crate::world::TaskDefinition> {
        self.task
            .run
            .td
            .as_deref()
            .or_else(|| self.world.task_definition(&self.task.task_definition_arn))
    }

    fn def(&self) -> Option<&crate::world::ContainerDefinition> {
        let name = &self.task.containers[self.container].name;
        self.td()?
            .def
            .container_definitions
            .iter()
            .find(|c| &c.name == name)
    }

    fn hostname(&self) -> String {
        self.task
            .attachment
            .as_ref()
            .map(|a| a.private_dns.clone())
            .unwrap_or_default()
    }

    /// The container's environment: the image's, the task definition's
    /// variables and secrets, and what Fargate adds [V: Amazon ECS developer
    /// guide, task metadata endpoint v4 and task IAM roles]. [I] the order.
    fn vars(&self) -> Vec<(String, String)> {
        let region = &self.world.region;
        let mut v = vec![
            (
                "PATH".to_string(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
            ),
            ("HOSTNAME".into(), self.hostname()),
        ];
        if let Some(def) = self.def() {
            for kv in &def.environment {
                v.push((kv.name.clone(), kv.value.clone()));
            }
            for s in &def.secrets {
                // [I] the secret's value is invented: no read shows it, and the
                // world keeps none.
                let h = digest(&[&s.value_from]);
                v.push((s.name.clone(), h[..24].to_string()));
            }
        }
        let task = &self.task.id;
        let suffix = &digest(&[task, &self.task.containers[self.container].name])[..10];
        let creds = &digest(&[task, "credentials"])[..32];
        let has_role = self.td().is_some_and(|t| {
            t.def
                .task_role_arn
                .as_deref()
                .is_some_and(|r| !r.is_empty())
        });
        if has_role {
            v.push((
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI".into(),
                format!("/v2/credentials/{creds}"),
            ));
        }
        v.extend([
            ("AWS_DEFAULT_REGION".to_string(), region.clone()),
            ("AWS_EXECUTION_ENV".into(), "AWS_ECS_FARGATE".into()),
            ("AWS_REGION".into(), region.clone()),
            (
                "ECS_AGENT_URI".into(),
                format!("http://169.254.170.2/api/{task}-{suffix}"),
            ),
            (
                "ECS_CONTAINER_METADATA_URI".into(),
                format!("http://169.254.170.2/v3/{task}-{suffix}"),
            ),
            (
                "ECS_CONTAINER_METADATA_URI_V4".into(),
                format!("http://169.254.170.2/v4/{task}-{suffix}"),
            ),
            ("HOME".into(), "/root".into()),
        ]);
        v
    }

    fn env(&self) -> String {
        self.vars()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect()
    }

    /// `printenv` prints all; `printenv NAME` its value, or nothing (exit 1).
    fn printenv(&self, args: &[String]) -> String {
        if args.is_empty() {
            return self.env();
        }
        let vars = self.vars();
        args.iter()
            .filter_map(|a| vars.iter().find(|(k, _)| k == a))
            .map(|(_, v)| format!("{v}\n"))
            .collect()
    }

    fn cat(&self, args: &[String]) -> String {
        let mut out = String::new();
        for path in args {
            out.push_str(&match path.as_str() {
                "/etc/resolv.conf" => self.resolv_conf(),
                "/etc/hostname" => format!("{}\n", self.hostname()),
                // cgroup v2 and v1 names of the same numbers.
                "/sys/fs/cgroup/memory.max" => match self.limit_mib() {
                    Some(m) => format!("{}\n", u64::from(m) * 1024 * 1024),
                    None => "max\n".into(),
                },
                "/sys/fs/cgroup/memory/memory.limit_in_bytes" => {
                    let m = self.limit_mib().unwrap_or_else(|| self.task_mib());
                    format!("{}\n", u64::from(m) * 1024 * 1024)
                }
                "/sys/fs/cgroup/memory.current" | "/sys/fs/cgroup/memory/memory.usage_in_bytes" => {
                    format!("{}\n", u64::from(self.used_mib()) * 1024 * 1024)
                }
                other => format!("cat: {other}: No such file or directory\n"),
            });
        }
        out
    }

    /// [I] Fargate's resolver configuration: the VPC's DNS server, and the
    /// region's internal domain as the search list.
    fn resolv_conf(&self) -> String {
        let server = dns_server(self.world, self.task).unwrap_or(0);
        format!(
            "search {}\nnameserver {}\n",
            internal_domain(&self.world.region),
            ip_to_string(server)
        )
    }

    /// One name looked up from inside the task: `Ok(address)`, or the way it
    /// failed (`Err(true)`: no answer at all; `Err(false)`: no such name).
    fn lookup(&self, host: &str) -> Result<u32, bool> {
        if !dns_works(self.world, self.task) {
            return Err(true);
        }
        resolve(self.world, self.task, host).ok_or(false)
    }

    /// bind9's `nslookup` output.
    fn nslookup(&self, args: &[String]) -> String {
        let Some(host) = args.iter().find(|a| !a.starts_with('-')) else {
            return "faultline: give nslookup a name, e.g. nslookup logs.<region>.amazonaws.com\n"
                .into();
        };
        let server = ip_to_string(dns_server(self.world, self.task).unwrap_or(0));
        match self.lookup(host) {
            Err(true) => ";; connection timed out; no servers could be reached\n\n".into(),
            Err(false) => format!(
                "Server:\t\t{server}\nAddress:\t{server}#53\n\n** server can't find {host}: NXDOMAIN\n\n"
            ),
            Ok(ip) => format!(
                "Server:\t\t{server}\nAddress:\t{server}#53\n\nNon-authoritative answer:\nName:\t{host}\nAddress: {}\n\n",
                ip_to_string(ip)
            ),
        }
    }

    /// `dig +short NAME` (the address alone) or `dig NAME` (bind9's layout).
    fn dig(&self, args: &[String]) -> String {
        let short = args.iter().any(|a| a == "+short");
        let Some(host) = args
            .iter()
            .find(|a| !a.starts_with('+') && !a.starts_with('-') && !a.starts_with('@'))
        else {
            return "faultline: give dig a name, e.g. dig +short logs.<region>.amazonaws.com\n"
                .into();
        };
        let server = ip_to_string(dns_server(self.world, self.task).unwrap_or(0));
        let answer = self.lookup(host);
        if short {
            return match answer {
                Ok(ip) => format!("{}\n", ip_to_string(ip)),
                Err(true) => format!(";; communications error to {server}#53: timed out\n;; communications error to {server}#53: timed out\n;; communications error to {server}#53: timed out\n;; no servers could be reached\n"),
                Err(false) => String::new(),
            };
        }
        // [I] bind9 9.18's layout; the query id and timings are invented.
        let qid = u16::from_str_radix(&digest(&[self.session, host])[..4], 16).unwrap_or(1);
        match answer {
            Err(true) => format!(
                ";; communications error to {server}#53: timed out\n;; communications error to {server}#53: timed out\n;; communications error to {server}#53: timed out\n\n; <<>> DiG 9.18.28-1~deb12u2-Debian <<>> {host}\n;; global options: +cmd\n;; no servers could be reached\n"
            ),
            Err(false) => format!(
                "\n; <<>> DiG 9.18.28-1~deb12u2-Debian <<>> {host}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: {qid}\n;; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n;; QUESTION SECTION:\n;{host}.\t\t\tIN\tA\n\n;; Query time: 1 msec\n;; SERVER: {server}#53({server}) (UDP)\n;; MSG SIZE  rcvd: 50\n\n"
            ),
            Ok(ip) => format!(
                "\n; <<>> DiG 9.18.28-1~deb12u2-Debian <<>> {host}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: {qid}\n;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n;; QUESTION SECTION:\n;{host}.\t\t\tIN\tA\n\n;; ANSWER SECTION:\n{host}.\t60\tIN\tA\t{}\n\n;; Query time: 1 msec\n;; SERVER: {server}#53({server}) (UDP)\n;; MSG SIZE  rcvd: 66\n\n",
                ip_to_string(ip)
            ),
        }
    }

    fn getent(&self, args: &[String]) -> String {
        args.iter()
            .filter_map(|h| self.lookup(h).ok().map(|ip| (h, ip)))
            .map(|(h, ip)| format!("{:<15} {h}\n", ip_to_string(ip)))
            .collect()
    }

    /// `curl [-s] [-v] [-I] URL`: a connection the task's network allows or
    /// times out on, or the application on localhost.
    fn curl(&self, args: &[String]) -> String {
        let verbose = args.iter().any(|a| {
            a == "--verbose" || (a.starts_with('-') && !a.starts_with("--") && a.contains('v'))
        });
        let silent = args.iter().any(|a| {
            a == "--silent" || (a.starts_with('-') && !a.starts_with("--") && a.contains('s'))
        });
        let show_error = args.iter().any(|a| {
            a == "--show-error" || (a.starts_with('-') && !a.starts_with("--") && a.contains('S'))
        });
        let Some(url) = curl_url(args) else {
            return "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n".into();
        };
        let (scheme, rest) = url.split_once("://").unwrap_or(("http", url.as_str()));
        let (hostport, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().unwrap_or(0)),
            None => (hostport, if scheme == "https" { 443 } else { 80 }),
        };
        let mut out = String::new();
        let fail = |out: &mut String, code: u8, msg: String| {
            if verbose {
                out.push_str(&format!("* {msg}\n* Closing connection 0\n"));
            }
            if !silent || show_error {
                out.push_str(&format!("curl: ({code}) {msg}\n"));
            }
        };
        if host == "localhost" || host == "127.0.0.1" {
            return self.curl_local(port, path, verbose, silent, show_error);
        }
        let ip = match self.lookup(host) {
            Ok(ip) => ip,
            Err(_) => {
                // [I] curl 7.88's message for a name that does not resolve.
                fail(&mut out, 6, format!("Could not resolve host: {host}"));
                return out;
            }
        };
        let addr = ip_to_string(ip);
        if verbose {
            out.push_str(&format!("*   Trying {addr}:{port}...\n"));
        }
        let endpoint = aws_endpoint(self.world, host).unwrap_or(Endpoint::Internet);
        // [I] the network path is judged for TCP 443 whatever the port.
        if reaches(self.world, self.task, &endpoint) {
            if verbose {
                out.push_str(&format!(
                    "* Connected to {host} ({addr}) port {port} (#0)\n"
                ));
                if scheme == "https" {
                    out.push_str(&format!(
                        "* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256\n* Server certificate:\n*  subject: CN={host}\n> GET {path} HTTP/1.1\n> Host: {host}\n> User-Agent: curl/7.88.1\n> Accept: */*\n>\n"
                    ));
                }
            }
            return out;
        }
        // [I] curl 7.88 after the kernel's SYN retries give up (about 130 s).
        if verbose {
            out.push_str(&format!(
                "* connect to {addr} port {port} failed: Connection timed out\n"
            ));
        }
        fail(
            &mut out,
            28,
            format!("Failed to connect to {host} port {port} after 130713 ms: Couldn't connect to server"),
        );
        out
    }

    /// curl to the application in the task: it answers on its profile's port
    /// once started, 200 on its health path and 404 elsewhere.
    fn curl_local(
        &self,
        port: u16,
        path: &str,
        verbose: bool,
        silent: bool,
        show_error: bool,
    ) -> String {
        let profile = self
            .task
            .containers
            .iter()
            .filter_map(|c| crate::engine::image_profile(self.world, &c.image))
            .find(|p| p.port == Some(port));
        let ready = self.task.run.ready_at.is_some_and(|r| self.now >= r);
        let mut out = String::new();
        if verbose {
            out.push_str(&format!("*   Trying 127.0.0.1:{port}...\n"));
        }
        let Some(profile) = profile.filter(|_| ready) else {
            let msg = format!(
                "Failed to connect to localhost port {port} after 0 ms: Couldn't connect to server"
            );
            if verbose {
                out.push_str(&format!(
                    "* connect to 127.0.0.1 port {port} failed: Connection refused\n* {msg}\n* Closing connection 0\n"
                ));
            }
            if !silent || show_error {
                out.push_str(&format!("curl: (7) {msg}\n"));
            }
            return out;
        };
        let (code, reason, body) = if path == profile.health_path {
            (200, "OK", "ok")
        } else {
            (404, "Not Found", "404 page not found")
        };
        if verbose {
            out.push_str(&format!(
                "* Connected to localhost (127.0.0.1) port {port} (#0)\n> GET {path} HTTP/1.1\n> Host: localhost:{port}\n> User-Agent: curl/7.88.1\n> Accept: */*\n>\n< HTTP/1.1 {code} {reason}\n< Content-Type: text/plain; charset=utf-8\n< Content-Length: {}\n<\n",
                body.len()
            ));
        }
        out.push_str(body);
        out.push('\n');
        if verbose {
            out.push_str("* Connection #0 to host localhost left intact\n");
        }
        out
    }

    /// The task's memory, MiB.
    fn task_mib(&self) -> u32 {
        self.task.memory.parse().unwrap_or(512)
    }

    /// The container's own hard limit, if its definition sets one.
    fn limit_mib(&self) -> Option<u32> {
        self.def().and_then(|d| d.memory)
    }

    /// MiB the container uses now (its profile's curve since it started).
    fn used_mib(&self) -> u32 {
        let since = self.task.started_at.unwrap_or(self.now);
        self.task
            .run
            .memory
            .iter()
            .find(|(i, _, _)| *i == self.container)
            .map(|(_, curve, _)| curve.at(self.now - since))
            .unwrap_or(24)
    }

    /// procps-ng `free`: the task's memory as the micro-VM reports it.
    /// [I] the kernel keeps about 3% of the task's memory; buff/cache is
    /// invented at an eighth of what the application uses.
    fn free(&self, args: &[String]) -> String {
        let total_mib = u64::from(self.task_mib()) * 97 / 100;
        let used: u64 = (0..self.task.containers.len())
            .map(|i| {
                u64::from(
                    Inside {
                        container: i,
                        ..*self
                    }
                    .used_mib(),
                )
            })
            .sum::<u64>()
            + 40;
        let cache = used / 8;
        let free = total_mib.saturating_sub(used + cache);
        let avail = total_mib.saturating_sub(used);
        let (scale, unit): (u64, &str) = if args.iter().any(|a| a == "-m" || a == "--mebi") {
            (1, "")
        } else if args.iter().any(|a| a == "-g" || a == "--gibi") {
            (1024, "")
        } else if args.iter().any(|a| a == "-h" || a == "--human") {
            (1, "Mi")
        } else {
            (0, "")
        };
        let fmt = |mib: u64| -> String {
            match (scale, unit) {
                (0, _) => (mib * 1024).to_string(),
                (1, "Mi") => format!("{mib}Mi"),
                (s, _) => (mib / s).to_string(),
            }
        };
        format!(
            "{:>20}{:>12}{:>12}{:>12}{:>12}{:>12}\nMem:{:>16}{:>12}{:>12}{:>12}{:>12}{:>12}\nSwap:{:>15}{:>12}{:>12}\n",
            "total",
            "used",
            "free",
            "shared",
            "buff/cache",
            "available",
            fmt(total_mib),
            fmt(used),
            fmt(free),
            fmt(0),
            fmt(cache),
            fmt(avail),
            fmt(0),
            fmt(0),
            fmt(0),
        )
    }

    /// [I] busybox `ps`: the application, the execute-command agent's
    /// processes (ECS mounts them under /managed-agents/execute-command), and
    /// ps itself.
    fn ps(&self) -> String {
        let app = self
            .def()
            .and_then(|d| d.entry_point.clone().or_else(|| d.command.clone()))
            .map(|v| v.join(" "))
            .or_else(|| {
                crate::engine::image_profile(
                    self.world,
                    &self.task.containers[self.container].image,
                )
                .map(|p| p.entrypoint.clone())
            })
            .unwrap_or_else(|| "/app".into());
        format!(
            "PID   USER     TIME  COMMAND\n    1 root      0:01 {app}\n   14 root      0:00 /managed-agents/execute-command/amazon-ssm-agent\n   27 root      0:00 /managed-agents/execute-command/ssm-agent-worker\n   41 root      0:00 /managed-agents/execute-command/ssm-session-worker {} ecs-execute-command\n   52 root      0:00 ps\n",
            self.session
        )
    }
}

/// The URL among curl's arguments: the first word that is neither an option
/// nor the value of an option that takes one.
fn curl_url(args: &[String]) -> Option<&String> {
    const TAKES_VALUE: &[&str] = &[
        "-m",
        "--max-time",
        "--connect-timeout",
        "-o",
        "--output",
        "-w",
        "--write-out",
        "-H",
        "--header",
        "-X",
        "--request",
        "-d",
        "--data",
        "-A",
        "--user-agent",
        "-u",
        "--user",
        "--retry",
        "--resolve",
        "-x",
        "--proxy",
    ];
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if TAKES_VALUE.contains(&a.as_str()) {
            skip = true;
            continue;
        }
        if !a.starts_with('-') {
            return Some(a);
        }
    }
    None
}

/// [V: Amazon VPC user guide, DNS hostnames] the region's internal domain:
/// `ec2.internal` in us-east-1, `<region>.compute.internal` elsewhere.
fn internal_domain(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".into()
    } else {
        format!("{region}.compute.internal")
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::sim::testkit::{aws_err, call, instance};
    use crate::scenario::Instance;
    use crate::time::SECOND;
    use crate::world::TaskStatus;

    /// A RUNNING task of `service` after `secs` of play.
    fn running(inst: &mut Instance, service: &str, secs: i64) -> String {
        inst.sim.run_for(secs * SECOND).unwrap();
        inst.sim
            .world()
            .tasks
            .values()
            .find(|t| t.service.as_deref() == Some(service) && t.last_status == TaskStatus::Running)
            .map(|t| t.id.clone())
            .expect("a running task")
    }

    fn exec(inst: &Instance, cluster: &str, task: &str, command: &str) -> String {
        let line = format!(
            "ecs execute-command --cluster {cluster} --task {task} --interactive --command '{command}'"
        );
        match call(inst, &line).unwrap() {
            serde_json::Value::String(s) => s,
            other => panic!("not a transcript: {other}"),
        }
    }

    /// The command's output between the session's start and end lines.
    fn output(transcript: &str) -> &str {
        let start = transcript
            .find("Starting session with SessionId: ")
            .unwrap();
        let body = &transcript[start..];
        let body = &body[body.find('\n').unwrap() + 1..];
        &body[..body.find("\n\nExiting session with sessionId: ").unwrap()]
    }

    #[test]
    fn a_session_prints_the_plugin_transcript_around_the_output() {
        let mut inst = instance("health-check-path-wrong.yaml", 3);
        let task = running(&mut inst, "checkout", 30);
        let t = exec(&inst, "prod", &task, "hostname");
        assert!(t.starts_with(
            "\nThe Session Manager plugin was installed successfully. Use the AWS CLI to start a session.\n\n\nStarting session with SessionId: ecs-execute-command-"
        ));
        let id = &t[t.find("ecs-execute-command-").unwrap()..][..37];
        assert!(t.ends_with(&format!("\n\nExiting session with sessionId: {id}.\n")));
        let dns = inst.sim.world().tasks[&task]
            .attachment
            .as_ref()
            .unwrap()
            .private_dns
            .clone();
        assert_eq!(output(&t), format!("{dns}\n"));
        // The same call at the same instant is the same session: a read is deterministic.
        assert_eq!(t, exec(&inst, "prod", &task, "hostname"));
    }

    #[test]
    fn env_shows_the_task_definition_and_what_fargate_adds() {
        let mut inst = instance("health-check-path-wrong.yaml", 3);
        let task = running(&mut inst, "checkout", 30);
        let out = exec(&inst, "prod", &task, "env");
        let env = output(&out);
        for line in [
            "DB_HOST=checkout-db.internal",
            "AWS_EXECUTION_ENV=AWS_ECS_FARGATE",
            "AWS_REGION=us-east-1",
        ] {
            assert!(env.lines().any(|l| l == line), "{line} missing from\n{env}");
        }
        assert!(env.lines().any(|l| l.starts_with(&format!(
            "ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/{task}-"
        ))));
        let one = exec(&inst, "prod", &task, "printenv DB_HOST");
        assert_eq!(output(&one), "checkout-db.internal\n");
        let none = exec(&inst, "prod", &task, "printenv NOPE");
        assert_eq!(output(&none), "");
    }

    #[test]
    fn the_application_answers_on_localhost_and_memory_follows_the_task() {
        let mut inst = instance("health-check-path-wrong.yaml", 3);
        let task = running(&mut inst, "checkout", 60);
        let ok = exec(&inst, "prod", &task, "curl -s localhost:8080/healthz");
        assert_eq!(output(&ok), "ok\n");
        let verbose = exec(
            &inst,
            "prod",
            &task,
            "curl -sv http://localhost:8080/health",
        );
        assert!(
            output(&verbose).contains("< HTTP/1.1 404 Not Found\n"),
            "{verbose}"
        );
        let refused = exec(&inst, "prod", &task, "curl localhost:9000/");
        assert_eq!(
            output(&refused),
            "curl: (7) Failed to connect to localhost port 9000 after 0 ms: Couldn't connect to server\n"
        );
        let t = &inst.sim.world().tasks[&task];
        let mib: u64 = t.memory.parse().unwrap();
        let free = exec(&inst, "prod", &task, "free -m");
        let lines: Vec<&str> = output(&free).lines().collect();
        assert_eq!(
            lines[0],
            "               total        used        free      shared  buff/cache   available"
        );
        let total: u64 = lines[1].split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(total, mib * 97 / 100);
        let max = exec(&inst, "prod", &task, "cat /sys/fs/cgroup/memory.max");
        let def = inst
            .sim
            .world()
            .task_definition(&t.task_definition_arn)
            .unwrap();
        let expected = match def.def.container_definitions[0].memory {
            Some(m) => format!("{}\n", u64::from(m) * 1024 * 1024),
            None => "max\n".into(),
        };
        assert_eq!(output(&max), expected);
    }

    #[test]
    fn dns_and_curl_follow_the_network_path() {
        let mut inst = instance("health-check-path-wrong.yaml", 3);
        let task = running(&mut inst, "checkout", 30);
        let host = "logs.us-east-1.amazonaws.com";
        let ns = exec(&inst, "prod", &task, &format!("nslookup {host}"));
        assert!(output(&ns).starts_with("Server:\t\t10."), "{ns}");
        assert!(output(&ns).contains(&format!(
            "Non-authoritative answer:\nName:\t{host}\nAddress: "
        )));
        let nx = exec(&inst, "prod", &task, "nslookup checkout-db.nowhere");
        assert!(output(&nx).contains("** server can't find checkout-db.nowhere: NXDOMAIN"));
        let ok = exec(&inst, "prod", &task, &format!("curl -sv https://{host}"));
        assert!(
            output(&ok).contains(&format!("* Connected to {host} (")),
            "{ok}"
        );

        // An interface endpoint keeps Session Manager reachable; then cut the
        // private subnets' way out: the same curl now times out.
        let w = inst.sim.world();
        let t = &w.tasks[&task];
        let (subnet, sg) = (t.subnet_id.clone(), t.security_groups[0].clone());
        let vpc = w.subnets[&subnet].vpc_id.clone();
        call_write(
            &mut inst,
            &format!("ec2 authorize-security-group-ingress --group-id {sg} --protocol tcp --port 443 --source-group {sg}"),
        );
        call_write(
            &mut inst,
            &format!("ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.ssmmessages --subnet-ids {subnet} --security-group-ids {sg} --private-dns-enabled"),
        );
        let rt: Vec<String> = inst
            .sim
            .world()
            .route_tables
            .values()
            .filter(|r| r.name.starts_with("private"))
            .map(|r| r.id.clone())
            .collect();
        for id in rt {
            call_write(
                &mut inst,
                &format!(
                    "ec2 delete-route --route-table-id {id} --destination-cidr-block 0.0.0.0/0"
                ),
            );
        }
        let timeout = exec(&inst, "prod", &task, &format!("curl -sSv https://{host}"));
        assert!(
            output(&timeout).ends_with(&format!(
                "curl: (28) Failed to connect to {host} port 443 after 130713 ms: Couldn't connect to server\n"
            )),
            "{timeout}"
        );
        // When the endpoint stops admitting the task, the agent cannot reach
        // Session Manager either.
        call_write(
            &mut inst,
            &format!("ec2 revoke-security-group-ingress --group-id {sg} --protocol tcp --port 443 --source-group {sg}"),
        );
        let e = aws_err(call(
            &inst,
            &format!(
                "ecs execute-command --cluster prod --task {task} --interactive --command env"
            ),
        ));
        assert_eq!(e.code, "TargetNotConnectedException");
    }

    fn call_write(inst: &mut Instance, line: &str) {
        crate::awscli::command::write(&mut inst.sim, line).unwrap();
    }

    #[test]
    fn preconditions_use_the_aws_texts() {
        let mut inst = instance("nat-route-missing.yaml", 1);
        inst.sim.run_for(5 * SECOND).unwrap();
        // nat-route-missing runs on shop-prod, whose service has ECS Exec on,
        // but its tasks never reach RUNNING.
        let pending = inst
            .sim
            .world()
            .tasks
            .values()
            .find(|t| t.last_status != TaskStatus::Running)
            .map(|t| t.id.clone())
            .unwrap();
        let e = aws_err(call(
            &inst,
            &format!(
                "ecs execute-command --cluster prod --task {pending} --interactive --command env"
            ),
        ));
        assert_eq!(e.code, "InvalidParameterException");
        assert_eq!(
            e.message,
            "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn\u{2019}t running. Wait and try again or run a new task with execute command enabled and try again."
        );
        let e = aws_err(call(
            &inst,
            &format!("ecs execute-command --cluster prod --task {pending} --non-interactive --command env"),
        ));
        assert_eq!(
            e.message,
            "Interactive is the only mode supported currently."
        );
        let e = call(
            &inst,
            &format!("ecs execute-command --cluster prod --task {pending} --command env"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "aws: error: the following arguments are required: --interactive | --non-interactive"
        );
    }

    #[test]
    fn a_task_launched_without_exec_refuses_and_update_service_turns_it_on() {
        let mut inst = instance("health-check-path-wrong.yaml", 3);
        let task = running(&mut inst, "checkout", 30);
        call_write(
            &mut inst,
            "ecs update-service --cluster prod --service checkout --disable-execute-command --force-new-deployment",
        );
        let svc = crate::awscli::command::read(
            &inst.sim,
            "ecs describe-services --cluster prod --services checkout",
        )
        .unwrap()
        .1;
        assert_eq!(svc["services"][0]["enableExecuteCommand"], false);
        // The running task keeps the setting it was launched with.
        assert!(exec(&inst, "prod", &task, "hostname").contains("Starting session"));
        let mut fresh = None;
        for _ in 0..60 {
            inst.sim.run_for(5 * SECOND).unwrap();
            fresh = inst
                .sim
                .world()
                .tasks
                .values()
                .find(|t| t.last_status == TaskStatus::Running && !t.enable_execute_command)
                .map(|t| t.id.clone());
            if fresh.is_some() {
                break;
            }
        }
        let fresh = fresh.expect("a running task of the new deployment");
        let e = aws_err(call(
            &inst,
            &format!(
                "ecs execute-command --cluster prod --task {fresh} --interactive --command env"
            ),
        ));
        assert_eq!(e.code, "InvalidParameterException");
        let d = crate::awscli::command::read(
            &inst.sim,
            &format!("ecs describe-tasks --cluster prod --tasks {fresh} {task}"),
        )
        .unwrap()
        .1;
        assert_eq!(d["tasks"][0]["enableExecuteCommand"], false);
        assert!(d["tasks"][0]["containers"][0]
            .get("managedAgents")
            .is_none());
        assert_eq!(d["tasks"][1]["enableExecuteCommand"], true);
        assert_eq!(
            d["tasks"][1]["containers"][0]["managedAgents"][0]["name"],
            "ExecuteCommandAgent"
        );
    }

    #[test]
    fn enabling_exec_needs_a_task_role() {
        // platform-tools' status-exporter runs without a task role.
        let mut inst = instance("public-ip-disabled.yaml", 1);
        let e = match crate::awscli::command::write(
            &mut inst.sim,
            "ecs update-service --cluster tools --service status-exporter --enable-execute-command",
        ) {
            Err(crate::aws::CommandError::Aws(e)) => e,
            Err(other) => panic!("expected an AWS refusal, got {other:?}"),
            Ok(_) => panic!("expected a refusal, the update was accepted"),
        };
        assert_eq!(e.code, "InvalidParameterException");
        assert_eq!(
            e.message,
            "The service couldn't be updated because a valid taskRoleArn is not being used. Specify a valid task role in your task definition and try again."
        );
        assert!(
            !inst
                .sim
                .world()
                .service("tools", "status-exporter")
                .unwrap()
                .enable_execute_command
        );
        // runbook-bot has one: accepted, and the service says so.
        call_write(
            &mut inst,
            "ecs update-service --cluster tools --service runbook-bot --enable-execute-command",
        );
        assert!(
            inst.sim
                .world()
                .service("tools", "runbook-bot")
                .unwrap()
                .enable_execute_command
        );
    }
}
