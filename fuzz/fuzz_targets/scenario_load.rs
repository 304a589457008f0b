//! The scenario loader on any bytes: a scenario file (with the built-in
//! environments beside it) must load or give an error, never panic or abort.

#![no_main]

use faultline::scenario::{Library, Scenario};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut files = Library::built_in_files();
    let file = PathBuf::from("scenarios/fuzz.yaml");
    files.push((file.clone(), text.to_string()));
    let lib = Library::Memory(files);
    // Loading builds the world and runs the pre-history at seed 0.
    if let Ok(s) = Scenario::load_from(&lib, &file) {
        let _ = s.incident(1);
    }
});
