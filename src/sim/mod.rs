//! The deterministic discrete-event world: virtual time (microseconds), one seed
//! for every random choice, a faulty network, crashes and restarts, clients.

pub mod action;
pub mod client;
pub mod config;
pub mod effect;
pub mod event;
pub mod faults;
pub mod inflight;
pub mod network;
pub mod observers;
pub mod page;
pub mod queue;
pub mod servers;
pub mod sweep;
pub mod trace;
pub mod view;
pub mod world;

pub use action::{Action, TimedAction};
pub use config::{ClientConfig, MS, NetworkConfig, SECOND, SimConfig, TraceMode};
pub use event::{Address, Event, EventKind, MessageId, Payload};
pub use view::View;
pub use world::{PERSON, World};
