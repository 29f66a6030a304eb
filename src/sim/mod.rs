//! The deterministic discrete-event world: virtual time (microseconds), one seed
//! for every random choice, a faulty network, crashes and restarts, clients.

pub mod action;
pub mod client;
pub mod client_requests;
pub mod compact_history;
pub mod config;
pub mod effect;
pub mod faults;
pub mod harness;
pub mod history;
pub mod inflight;
pub mod lifetimes;
pub mod membership_draw;
pub mod network;
pub mod observers;
pub mod production;
pub mod queue;
pub mod scripted;
pub mod servers;
pub mod swarm;
pub mod sweep;
pub mod trace;
pub mod world;

/// The trace vocabulary's old path (it is the floor below, `crate::event`).
pub use crate::event;

pub use crate::event::{Address, Event, EventKind, MessageId, Payload};
pub use action::{Action, CLOCK_RATE_RANGE, Feature, TimedAction};
pub use config::{ClientConfig, MS, NetworkConfig, SECOND, SimConfig, TraceMode};
pub use harness::Harness;
pub use production::Production;
pub use world::{PERSON, World};
