//! What a server or a client asks the world to do, in the order it asks.
//!
//! Servers and clients are state machines: the world feeds them inputs (a
//! message, a timer, a crash) and carries out the effects they hand back, one
//! after the other, exactly in order, since the order of events and of random
//! draws is the trace.

use crate::raft::Time;
use crate::sim::event::{Address, EventKind, Payload};
use crate::sim::queue::Due;

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Show an event to the observers (the checker, the trace).
    Emit(EventKind),
    /// Put a message on the network.
    Send(Envelope),
    /// Make `due` happen at `at`.
    Schedule { at: Time, due: Due },
}

/// A message about to be sent: who to whom, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub from: Address,
    pub to: Address,
    pub payload: Payload,
}
