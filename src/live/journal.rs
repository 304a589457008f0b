//! The write-ahead journal of a live run: one JSON Lines file per run under
//! `$XDG_STATE_HOME/faultline/live/<run-id>.jsonl`. Before a mutation is
//! sent, the record that undoes it is appended and fsync'ed, so a process
//! killed at any point leaves a journal from which `undo` restores the
//! baseline. Undo records are written to be safe when the mutation never
//! happened (each undo step checks the current state first).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    /// The run's header, written first.
    Start(RunInfo),
    /// A mutation about to be sent, with what undoes it.
    Step {
        /// 1-based, in the order mutations were sent.
        seq: usize,
        /// What the step does (for reports).
        note: String,
        /// How to undo it.
        undo: Undo,
    },
    /// The mutation of step `seq` was sent and AWS accepted it.
    Sent {
        /// The step.
        seq: usize,
    },
    /// The run was undone (every step restored), at this Unix time.
    Undone {
        /// Unix seconds.
        at: u64,
    },
}

/// What a run is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The run id (also the journal's file name).
    pub run: String,
    /// The scenario id.
    pub scenario: String,
    /// The seed its variables were chosen with.
    pub seed: u64,
    /// The sandbox stack.
    pub stack: String,
    /// The account id.
    pub account: String,
    /// The region.
    pub region: String,
    /// Unix seconds at the start.
    pub started: u64,
    /// Unix seconds after which the run should be undone, if set.
    pub expires: Option<u64>,
}

/// How to put back what one mutation changed. Every variant is idempotent:
/// it checks the current state and does nothing when it already holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Undo {
    /// Recreate a route the step deletes (`ec2 create-route`), unless present.
    CreateRoute {
        /// Route table.
        route_table_id: String,
        /// Destination.
        destination_cidr_block: String,
        /// The target as DescribeRouteTables showed it (`NatGatewayId`, `GatewayId`, ...) and its id.
        target: (String, String),
    },
    /// Delete a route the step creates, if present.
    DeleteRoute {
        /// Route table.
        route_table_id: String,
        /// Destination.
        destination_cidr_block: String,
    },
    /// Attach a policy the step detaches, unless attached.
    AttachRolePolicy {
        /// Role name.
        role_name: String,
        /// Policy ARN.
        policy_arn: String,
    },
    /// Detach a policy the step attaches, if attached.
    DetachRolePolicy {
        /// Role name.
        role_name: String,
        /// Policy ARN.
        policy_arn: String,
    },
    /// Delete a customer managed policy the step creates (tagged with the run), if it exists.
    DeletePolicy {
        /// Policy ARN.
        policy_arn: String,
    },
    /// Put back an inline policy as it was (the step deletes or overwrites it).
    PutRolePolicy {
        /// Role name.
        role_name: String,
        /// Policy name.
        policy_name: String,
        /// The document as it was.
        document: Value,
    },
    /// Put back a role's trust policy as it was, unless it is.
    UpdateAssumeRolePolicy {
        /// Role name.
        role_name: String,
        /// The trust policy as it was.
        document: Value,
    },
    /// Delete an inline policy the step creates, if present.
    DeleteRolePolicy {
        /// Role name.
        role_name: String,
        /// Policy name.
        policy_name: String,
    },
    /// Deregister the ACTIVE revisions of a family that carry this run's tag.
    DeregisterRunRevisions {
        /// Task definition family.
        family: String,
        /// The run id (the `faultline:run` tag's value).
        run: String,
    },
    /// Put a service back as it was (those of its task definition, desired
    /// count and network configuration that are given), unless it already is.
    RestoreService {
        /// Cluster.
        cluster: String,
        /// Service.
        service: String,
        /// The task definition ARN it used.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        task_definition: Option<String>,
        /// The desired count it had.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        desired_count: Option<i32>,
        /// Its network configuration (`{"awsvpcConfiguration": {...}}`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        network_configuration: Option<Value>,
    },
    /// Delete the network interfaces in a subnet tagged with this run.
    DeleteRunEnis {
        /// Subnet id.
        subnet_id: String,
        /// The run id (the `faultline:run` tag's value; `*` for any run).
        run: String,
    },
    /// Put a log group's retention back (None: never expire), if the group exists.
    PutRetentionPolicy {
        /// Log group name.
        name: String,
        /// Days it kept events.
        days: Option<i32>,
    },
    /// Delete a log group the step creates (tagged with the run), if it exists.
    DeleteLogGroup {
        /// Log group name.
        name: String,
    },
    /// Nothing to undo (a forced new deployment of the same revision).
    Nothing,
}

/// An open journal, appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    next: usize,
}

/// Where journals live: `$XDG_STATE_HOME/faultline/live`, or
/// `~/.local/state/faultline/live`.
pub fn default_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(base.join("faultline").join("live"))
}

/// Seconds since the Unix epoch (the journal's clock: live mode is at the edge).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A new run id: the start time and the scenario, unique per process start.
pub fn new_run_id(scenario: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let salt = (u64::from(now.subsec_nanos())
        ^ u64::from(std::process::id()).wrapping_mul(2_654_435_761))
        & 0xffff;
    format!("{}-{scenario}-{salt:04x}", now.as_secs())
}

impl Journal {
    /// Creates the journal of a new run in `dir` and writes its header.
    pub fn create(dir: &Path, info: &RunInfo) -> std::io::Result<Journal> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}.jsonl", info.run));
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)?;
        // The directory entry must survive a crash too.
        File::open(dir)?.sync_all()?;
        let mut j = Journal {
            path,
            file,
            next: 1,
        };
        j.append(&Entry::Start(info.clone()))?;
        Ok(j)
    }

    /// Reopens an existing journal to append to it (for `undo`).
    pub fn reopen(path: &Path) -> std::io::Result<Journal> {
        let entries = read(path)?;
        let next = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Step { seq, .. } => Some(*seq),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            + 1;
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            next,
        })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry and waits until it is on disk.
    pub fn append(&mut self, e: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(e).map_err(std::io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.sync_all()
    }

    /// Appends the undo record of the next mutation; returns its step number.
    pub fn step(&mut self, note: &str, undo: Undo) -> std::io::Result<usize> {
        let seq = self.next;
        self.append(&Entry::Step {
            seq,
            note: note.to_string(),
            undo,
        })?;
        self.next += 1;
        Ok(seq)
    }
}

/// Reads a journal. A torn last line (the process died while writing it,
/// before its mutation was sent) is ignored; a bad line elsewhere is an error.
pub fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match serde_json::from_str(l) {
            Ok(e) => out.push(e),
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {}
            Err(e) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}:{}: {e}", path.display(), i + 1),
                ))
            }
        }
    }
    Ok(out)
}

/// The runs journaled in `dir`, oldest first: each journal's path and entries.
pub fn runs(dir: &Path) -> std::io::Result<Vec<(PathBuf, Vec<Entry>)>> {
    let mut out = Vec::new();
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    for p in paths {
        let entries = read(&p)?;
        out.push((p, entries));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> RunInfo {
        RunInfo {
            run: "r1".into(),
            scenario: "nat-route-missing".into(),
            seed: 3,
            stack: "sb".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            started: 1,
            expires: None,
        }
    }

    #[test]
    fn steps_are_numbered_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(dir.path(), &info()).unwrap();
        let undo = Undo::AttachRolePolicy {
            role_name: "r".into(),
            policy_arn: "arn".into(),
        };
        assert_eq!(j.step("detach", undo.clone()).unwrap(), 1);
        j.append(&Entry::Sent { seq: 1 }).unwrap();
        assert_eq!(j.step("again", Undo::Nothing).unwrap(), 2);
        let entries = read(j.path()).unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0], Entry::Start(info()));
        assert_eq!(
            entries[1],
            Entry::Step {
                seq: 1,
                note: "detach".into(),
                undo
            }
        );
        let mut again = Journal::reopen(j.path()).unwrap();
        assert_eq!(again.step("third", Undo::Nothing).unwrap(), 3);
        assert!(
            Journal::create(dir.path(), &info()).is_err(),
            "a run id is used once"
        );
    }

    #[test]
    fn a_torn_last_line_is_ignored_but_a_torn_middle_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::create(dir.path(), &info()).unwrap();
        let p = j.path().to_path_buf();
        let mut text = std::fs::read_to_string(&p).unwrap();
        text.push_str("{\"entry\":\"step\",\"se");
        std::fs::write(&p, &text).unwrap();
        assert_eq!(read(&p).unwrap().len(), 1);
        text.push_str("\n{\"entry\":\"sent\",\"seq\":1}\n");
        std::fs::write(&p, &text).unwrap();
        assert!(read(&p).is_err());
    }

    #[test]
    fn journals_written_before_restore_service_grew_fields_still_read() {
        let line = r#"{"entry":"step","seq":2,"note":"n","undo":{"op":"restore-service","cluster":"prod","service":"checkout","task_definition":"arn:td:1"}}"#;
        let e: Entry = serde_json::from_str(line).unwrap();
        assert_eq!(
            e,
            Entry::Step {
                seq: 2,
                note: "n".into(),
                undo: Undo::RestoreService {
                    cluster: "prod".into(),
                    service: "checkout".into(),
                    task_definition: Some("arn:td:1".into()),
                    desired_count: None,
                    network_configuration: None,
                }
            }
        );
        // And what is not given is not written.
        let back = serde_json::to_string(&e).unwrap();
        assert!(!back.contains("desired_count"), "{back}");
    }

    #[test]
    fn the_default_dir_follows_xdg_state_home() {
        // Only checks the shape: the environment is the test runner's.
        if let Some(d) = default_dir() {
            assert!(d.ends_with("faultline/live"));
        }
    }
}
