//! Any text as a JSON scenario file: never panics; accepted files round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raft_playground::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = Scenario::from_json(text) {
        assert_eq!(Scenario::from_json(&s.to_json()).expect("re-exported JSON loads"), s);
    }
});
