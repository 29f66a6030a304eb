//! The deterministic discrete-event world.

pub mod event;
