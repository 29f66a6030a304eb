//! Any text: decoding never panics; an accepted link re-encodes to an equal scenario.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raft_playground::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Also try the bytes as a payload, so the fuzzer reaches past base64.
    for input in [text.to_string(), format!("#s=1.{text}")] {
        if let Ok(s) = Scenario::decode_link(&input) {
            let link = s.encode_link().expect("an accepted scenario encodes");
            assert_eq!(Scenario::decode_link(&link).expect("re-encoded link decodes"), s);
        }
    }
});
