//! The shell around a command, as at work: `file://` parameters read from
//! the current folder and `| ...` through `sh -c` in a local session; both
//! refused, with a clear message, in a session shared with watchers.

use crate::support::{faultline, repo_scenarios, state_home, ID};
use std::io::Write;
use std::process::Stdio;

fn play_in(dir: &std::path::Path, extra: &[&str], script: &str) -> (String, String) {
    let mut cmd = faultline();
    cmd.current_dir(dir)
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", "1"])
        .args(extra);
    let out = cmd
        .write_stdin(script.to_string())
        .output()
        .expect("faultline runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_local_session_pipes_through_the_shell_and_reads_paramfiles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("td.json"),
        r#"[{"name": "app", "image": "nginx", "essential": true}]"#,
    )
    .unwrap();
    let script = "\
ecs list-clusters | sed 's/cluster/CLUSTER/' | tr -d '\"'
ecs describe-services --cluster prod --services checkout --query 'services[0].serviceName' --output text | wc -c
fix ecs register-task-definition --cli-input-json file://missing.json
fix ecs register-task-definition --family piped --cpu 256 --memory 512 --container-definitions file://td.json --query 'taskDefinition.[family,revision,containerDefinitions[0].name]' --output text
quit
";
    let (stdout, stderr) = play_in(dir.path(), &[], script);
    // The pipeline's output, not the CLI's JSON.
    assert!(
        stdout.contains("        arn:aws:ecs:us-east-1:") && stdout.contains(":CLUSTER/prod\n"),
        "{stdout}"
    );
    // "checkout\n" is 9 bytes.
    assert!(stdout.lines().any(|l| l.trim() == "9"), "{stdout}");
    // [C] awscli 1.45.11 in a folder without x.json.
    assert!(
        stderr.contains("Error parsing parameter '--cli-input-json': Unable to load paramfile file://missing.json: [Errno 2] No such file or directory: 'missing.json'"),
        "{stderr}"
    );
    assert!(stdout.contains("piped\t1\tapp\n"), "{stdout}");
    assert!(!stderr.contains("Invalid choice"), "{stderr}");
}

#[test]
fn a_shared_session_refuses_pipes_and_paramfiles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("td.json"), "[]").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("faultline"))
        .env("XDG_STATE_HOME", state_home())
        .current_dir(dir.path())
        .arg("--scenarios")
        .arg(repo_scenarios())
        .args(["play", ID, "--seed", "1", "--share", "127.0.0.1:0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("faultline starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"ecs list-clusters | jq .\nfix ecs register-task-definition --cli-input-json file://td.json\nquit\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stderr.contains("`| jq .` would run a command on this machine, and this session is shared with watchers (play --share): pipes run only in a local session."),
        "{stderr}"
    );
    assert!(
        stderr.contains("file:// reads a file from this machine's disk, and this session is shared with watchers (play --share): paste the JSON inline instead."),
        "{stderr}"
    );
    assert!(!stdout.contains("clusterArns"), "nothing ran: {stdout}");
}
