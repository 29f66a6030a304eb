#![cfg(target_arch = "wasm32")]
//! JavaScript bindings for the browser build.
//!
//! Placeholder: enough for the page and the browser tests to prove that the
//! wasm loads and answers. The real playground API replaces it.

use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated: Rust panics show up in the
/// browser console with a message and a stack instead of "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version, e.g. "0.1.0".
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
