//! The command parser, `--query` and the game's verbs on any input: up to
//! eight lines run in a session of `nat-route-missing`; each must answer or
//! give an error, never panic or abort, and the session must end with a report.

#![no_main]

use faultline::game::{Clock, Game, SCRIPT_STEP};
use faultline::scenario::{Instance, Library, Scenario};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn base() -> &'static (Scenario, Instance) {
    static BASE: OnceLock<(Scenario, Instance)> = OnceLock::new();
    BASE.get_or_init(|| {
        let lib = Library::BuiltIn;
        let s = Scenario::open(&lib, &lib.file("nat-route-missing")).expect("built in");
        let inst = s.incident(1).expect("instantiates");
        (s, inst)
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (s, inst) = base();
    let mut game = Game::new(s.clone(), inst.clone(), Clock::Step(SCRIPT_STEP));
    let mut player = game.join(None);
    for line in text.lines().take(8) {
        if game.execute(&mut player, line, None).quit {
            break;
        }
    }
    let report = game.finish(&player);
    assert!(report.to_json().starts_with('{'));
});
