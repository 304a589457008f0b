//! `faultline play` on a real pseudo-terminal: the prompt, tab completion of
//! operations and live resource names, a command's output, and leaving with
//! Ctrl-D and a confirmation.

use rexpect::session::spawn_command;

/// `faultline play nat-route-missing --seed 7` on a pseudo-terminal, with a
/// scratch state folder (kept alive by the returned guard).
fn play_on_a_pty() -> (tempfile::TempDir, rexpect::session::PtySession) {
    let state = tempfile::tempdir().expect("temp dir");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("faultline"));
    cmd.args([
        "play",
        "nat-route-missing",
        "--seed",
        "7",
        "--color",
        "never",
    ])
    .env("XDG_STATE_HOME", state.path())
    .env("TERM", "xterm")
    .current_dir(env!("CARGO_MANIFEST_DIR"));
    let p = spawn_command(cmd, Some(20_000)).expect("faultline starts on a pty");
    (state, p)
}

#[test]
fn prompt_completion_and_leaving() {
    let (state, mut p) = play_on_a_pty();
    p.exp_string("Type `help` for more.").expect("the opening");
    p.exp_string("faultline> ").expect("the prompt");

    // An operation completes from its prefix, a flag from its prefix, and the
    // cluster name from the world: the completed line runs (the terminal redraws
    // only the inserted part, so the proof is the command's output).
    for part in ["ecs describe-servi", "\t", "--clu", "\t", "pr", "\t"] {
        p.send(part).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    p.send_line(
        "--services checkout --query 'services[0].[serviceName,desiredCount]' --output text",
    )
    .unwrap();
    p.exp_string("checkout\t4")
        .expect("the completed command's output");
    p.exp_string("faultline> ").expect("the prompt again");

    // Ctrl-D asks before leaving; "n" stays, then Ctrl-D and "y" leave.
    p.send_control('d').unwrap();
    p.exp_string("Leave the incident? [y/N]")
        .expect("confirmation");
    p.send_line("n").unwrap();
    p.exp_string("faultline> ").expect("still playing");
    p.send_control('d').unwrap();
    p.exp_string("Leave the incident? [y/N]")
        .expect("confirmation");
    p.send_line("y").unwrap();
    p.exp_string("Leaving the incident after 1 command")
        .expect("farewell");
    p.exp_eof().expect("the process ends");
    assert!(
        state.path().join("faultline/history").exists(),
        "history is kept in the state directory"
    );
}

/// Several lines pasted at once (one write, as a terminal delivers a paste)
/// all run, in order.
#[test]
fn a_paste_of_three_lines_runs_three_commands() {
    let (_state, mut p) = play_on_a_pty();
    p.exp_string("faultline> ").expect("the prompt");
    p.send("sts get-caller-identity --query Account --output text\rstatus\rquit\r")
        .unwrap();
    p.flush().unwrap();
    p.exp_string("incident clock").expect("the second line ran");
    p.exp_string("Leaving the incident after 3 commands")
        .expect("the third line ran and ended the session");
    p.exp_eof().expect("the process ends");
}

/// A bracketed paste (what a terminal sends when the paste mode is on) of
/// several lines runs each line once Enter is pressed.
#[test]
fn a_bracketed_paste_of_three_lines_runs_three_commands() {
    let (_state, mut p) = play_on_a_pty();
    p.exp_string("faultline> ").expect("the prompt");
    p.send(
        "\x1b[200~sts get-caller-identity --query Account --output text\rstatus\rquit\x1b[201~\r",
    )
    .unwrap();
    p.flush().unwrap();
    p.exp_string("incident clock").expect("the second line ran");
    p.exp_string("Leaving the incident after 3 commands")
        .expect("the third line ran and ended the session");
    p.exp_eof().expect("the process ends");
}
