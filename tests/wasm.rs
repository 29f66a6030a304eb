#![cfg(target_arch = "wasm32")]
//! Browser tests of the wasm bindings, run in headless Chromium by
//! wasm-bindgen-test-runner: `make test-wasm`.

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(raft_playground::wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn runs_in_a_browser_with_a_document() {
    let global = js_sys::global();
    let document = js_sys::Reflect::get(&global, &"document".into()).unwrap();
    assert!(
        document.is_object(),
        "no `document`: not running in a browser"
    );
}
