//! raft-playground: a deterministic Raft playground.
//!
//! Modules stand on floors, lowest first; a module imports only from floors
//! below its own (`tests/layers.rs` checks it):
//!
//! 1. [`kv`]: the key-value state machine on top of the log; [`rng`]: the one
//!    seeded PRNG every random choice derives from; [`chunked`]: a vector whose
//!    bulk clones share (cheap checkpoints).
//! 2. [`raft`]: the sans-IO Raft node.
//! 3. [`event`]: the trace vocabulary (events, messages, violations).
//! 4. [`check`]: safety invariants checked as a run goes.
//! 5. [`sim`]: the deterministic discrete-event world (network, faults, clients).
//! 6. [`scenario`]: scenarios, shareable links, JSON files and the preset gallery.
//! 7. [`present`]: what the page and the command line show (view, texts, the
//!    page's input checked).
//! 8. `wasm` (wasm32 only): the JavaScript bindings for the browser build;
//!    `cli` (native only): the `raft-playground` command line.

pub mod check;
pub mod chunked;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod event;
pub mod kv;
pub mod present;
pub mod raft;
pub mod rng;
pub mod scenario;
pub mod sim;
// Not in the scenario module's build (src/bin/scenarios.rs): that module has
// its own exports, and the page's would only add weight to it.
#[cfg(all(
    target_arch = "wasm32",
    not(any(feature = "scenario-module", feature = "hunt-module"))
))]
pub mod wasm;
