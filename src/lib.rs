//! raft-playground: a deterministic Raft playground.
//!
//! - [`raft`]: the sans-IO Raft node.
//! - [`kv`]: the key-value state machine on top of the log.
//! - [`sim`]: the deterministic discrete-event world (network, faults, clients).
//! - [`check`]: safety invariants checked as a run goes.
//! - [`scenario`]: scenarios, shareable links, JSON files and the preset gallery.
//! - [`rng`]: the one seeded PRNG every random choice derives from.
//! - `wasm` (wasm32 only): the JavaScript bindings for the browser build.
//! - `cli` (native only): the `raft-playground` command line.

pub mod check;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod kv;
pub mod raft;
pub mod rng;
pub mod scenario;
pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
