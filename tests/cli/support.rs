//! Shared helpers: the binary, the repository's scenarios folder, and a
//! scratch scenarios folder built from the fixtures with one edit applied.

use assert_cmd::Command;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The scenario every malformed case starts from (a frozen copy of
/// `scenarios/nat-route-missing.yaml`, so line numbers in the tests stay put).
pub const SCENARIO: &str = include_str!("../fixtures/nat-route-missing.yaml");

/// Its environment (a frozen copy of `scenarios/environments/shop-prod.yaml`).
pub const ENVIRONMENT: &str = include_str!("../fixtures/environments/shop-prod.yaml");

/// The id of the fixture scenario, which is also its file name.
pub const ID: &str = "nat-route-missing";

/// A scratch state folder for every session the tests play, so their journals
/// do not land in the real `~/.local/state`.
pub fn state_home() -> &'static Path {
    static DIR: std::sync::OnceLock<TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| TempDir::new().expect("a temp dir"))
        .path()
}

/// The `faultline` binary built by cargo.
pub fn faultline() -> Command {
    let mut c = Command::cargo_bin("faultline").expect("the faultline binary is built");
    c.env("XDG_STATE_HOME", state_home());
    // Colour is decided from these; the tests set them where they test them.
    for v in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR"] {
        c.env_remove(v);
    }
    c
}

/// The repository's scenarios folder.
pub fn repo_scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The fixtures folder, itself a valid scenarios folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// `text` with `from` replaced by `to`; `from` must occur exactly once.
pub fn edit(text: &str, from: &str, to: &str) -> String {
    let n = text.matches(from).count();
    assert_eq!(
        n, 1,
        "{from:?} occurs {n} times in the fixture, expected once"
    );
    text.replacen(from, to, 1)
}

/// Stdout and stderr of a finished command, as text.
pub struct Output {
    /// Exit code (None when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `faultline` with `args` and captures what it printed.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = faultline().args(args).output().expect("faultline runs");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A scratch scenarios folder: `nat-route-missing.yaml` and
/// `environments/shop-prod.yaml`, each the fixture or an edited copy.
pub struct Workspace {
    dir: TempDir,
}

impl Workspace {
    /// The unmodified fixtures.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir(dir.path().join("environments")).expect("environments/");
        let ws = Workspace { dir };
        ws.write_scenario(SCENARIO);
        ws.write_environment(ENVIRONMENT);
        ws
    }

    /// The fixtures with the scenario replaced by `text`.
    pub fn with_scenario(text: impl AsRef<[u8]>) -> Workspace {
        let ws = Workspace::new();
        ws.write_scenario(text);
        ws
    }

    /// The fixtures with the environment replaced by `text`.
    pub fn with_environment(text: impl AsRef<[u8]>) -> Workspace {
        let ws = Workspace::new();
        ws.write_environment(text);
        ws
    }

    /// The scenarios folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The scenario file, as `faultline` names it in errors.
    pub fn scenario(&self) -> PathBuf {
        self.dir().join(format!("{ID}.yaml"))
    }

    /// The environment file, as `faultline` names it in errors.
    pub fn environment(&self) -> PathBuf {
        self.dir().join("environments").join("shop-prod.yaml")
    }

    /// Overwrites the scenario file.
    pub fn write_scenario(&self, text: impl AsRef<[u8]>) {
        std::fs::write(self.scenario(), text).expect("write the scenario");
    }

    /// Overwrites the environment file.
    pub fn write_environment(&self, text: impl AsRef<[u8]>) {
        std::fs::write(self.environment(), text).expect("write the environment");
    }

    /// Runs `faultline --scenarios <dir> <args>`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&OsStr> = vec!["--scenarios".as_ref(), self.dir().as_os_str()];
        all.extend(args.iter().map(OsStr::new));
        run(all)
    }

    /// The error of a scenario file that is wrong on its own (syntax, fields,
    /// id, the format's rules): `show` and `list` must both exit 2 without
    /// panicking, print nothing on stdout and the same one-line-per-error text
    /// on stderr, which is returned.
    pub fn load_error(&self) -> String {
        let show = self.run(&["show", ID, "--seed", "1"]);
        let list = self.run(&["list"]);
        for (what, out) in [("show", &show), ("list", &list)] {
            assert!(
                !out.stderr.contains("panicked"),
                "{what} panicked:\n{}",
                out.stderr
            );
            assert_eq!(
                out.code,
                Some(2),
                "{what} exit code; stderr:\n{}",
                out.stderr
            );
            assert_eq!(out.stdout, "", "{what} printed on stdout");
        }
        assert_eq!(show.stderr, list.stderr, "show and list disagree");
        show.stderr
    }

    /// The error of a scenario that only shows with its environment or its
    /// world: `show` exits 2 without panicking and prints it on stderr (which
    /// is returned), `play` prints the same before it starts, `validate`
    /// starts its report with it, and `list`, which reads scenario files on
    /// their own, lists the scenario.
    pub fn world_error(&self) -> String {
        let show = self.run(&["show", ID, "--seed", "1"]);
        assert!(
            !show.stderr.contains("panicked"),
            "show panicked:\n{}",
            show.stderr
        );
        assert_eq!(
            show.code,
            Some(2),
            "show exit code; stderr:\n{}",
            show.stderr
        );
        assert_eq!(show.stdout, "", "show printed on stdout");
        let play = self.run(&["play", ID, "--seed", "1"]);
        assert_eq!(
            play.code,
            Some(2),
            "play exit code; stderr:\n{}",
            play.stderr
        );
        assert_eq!(play.stdout, "", "play printed on stdout");
        assert_eq!(play.stderr, show.stderr, "show and play disagree");
        let validate = self.run(&["validate", "--seeds", "1"]);
        assert_eq!(
            validate.code,
            Some(2),
            "validate exit code; stderr:\n{}",
            validate.stderr
        );
        assert_starts_with(&validate.stderr, &show.stderr);
        let list = self.run(&["list"]);
        assert_eq!(
            list.code,
            Some(0),
            "list exit code; stderr:\n{}",
            list.stderr
        );
        assert!(
            list.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{ID} "))),
            "list does not list {ID}:\n{}",
            list.stdout
        );
        show.stderr
    }

    /// The place prefix of an error in the scenario file: `<file>:<line>:<col>: <path>: `.
    pub fn at_scenario(&self, line: usize, column: usize, path: &str) -> String {
        place(&self.scenario(), line, column, path)
    }

    /// The place prefix of an error in the environment file.
    pub fn at_environment(&self, line: usize, column: usize, path: &str) -> String {
        place(&self.environment(), line, column, path)
    }
}

fn place(file: &Path, line: usize, column: usize, path: &str) -> String {
    if path.is_empty() {
        format!("{}:{line}:{column}: ", file.display())
    } else {
        format!("{}:{line}:{column}: {path}: ", file.display())
    }
}

/// Asserts that `text` starts with `prefix`, showing both when it does not.
#[track_caller]
pub fn assert_starts_with(text: &str, prefix: &str) {
    assert!(
        text.starts_with(prefix),
        "expected text starting with\n  {prefix}\ngot\n  {text}"
    );
}

/// Asserts that `text` contains `part`, showing both when it does not.
#[track_caller]
pub fn assert_contains(text: &str, part: &str) {
    assert!(
        text.contains(part),
        "expected text containing\n  {part}\ngot\n  {text}"
    );
}

/// One player at a game of a repository scenario, driven line by line as a
/// script is (each command advances the clock by the script step; no wall clock).
pub struct Session {
    /// The game.
    pub game: faultline::game::Game,
    /// Its player.
    pub player: faultline::game::Player,
}

impl Session {
    /// A scripted session of `scenarios/<id>.yaml` with `seed`.
    pub fn new(id: &str, seed: u64) -> Session {
        let file = repo_scenarios().join(format!("{id}.yaml"));
        let scenario = faultline::scenario::Scenario::load(&file).expect("scenario loads");
        let inst = scenario
            .instantiate(seed, faultline::scenario::Mode::Incident)
            .expect("scenario instantiates");
        Session::of(scenario, inst)
    }

    /// A scripted session of a scenario already instantiated.
    pub fn of(
        scenario: faultline::scenario::Scenario,
        inst: faultline::scenario::Instance,
    ) -> Session {
        use faultline::game::{Clock, Game, SCRIPT_STEP};
        let mut game = Game::new(scenario, inst, Clock::Step(SCRIPT_STEP));
        let player = game.join(None);
        Session { game, player }
    }

    /// Runs one line.
    pub fn execute(&mut self, line: &str) -> faultline::game::Reply {
        self.game.execute(&mut self.player, line, None)
    }

    /// The player's report so far.
    pub fn report(&self) -> faultline::game::grade::report::Report {
        self.game.report(&self.player)
    }
}
