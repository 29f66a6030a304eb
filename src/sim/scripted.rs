//! The world's test-facing scripted mode: which links hold their messages at
//! delivery, the messages held so far, and whether node timers are frozen.
//!
//! Off by default (nothing held, timers running): a world that never turns it on
//! behaves exactly as before. [`crate::sim::harness::Harness`] turns it on and
//! drives it; the hooks on `World` (`hold`, `held`, `deliver_now`, `fire_timer`,
//! `freeze_timers`, `inject`) are the only way in.

use crate::raft::NodeId;
use crate::sim::event::{Address, MessageId};
use std::collections::BTreeSet;

/// Which node-to-node links hold their messages. Messages to and from clients are
/// never held: they follow the product's client protocol on their own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Hold {
    /// Every message is delivered when due (the product's behaviour).
    #[default]
    Nothing,
    /// Every message between two nodes waits for the script.
    AllLinks,
    /// Messages on these directed links `(from, to)` wait for the script.
    Links(BTreeSet<(NodeId, NodeId)>),
}

#[derive(Clone, Debug, Default)]
pub struct ScriptedMode {
    hold: Hold,
    /// Messages that reached their delivery time on a held link and wait there.
    /// May name messages since removed from the wire (dropped, or sent to a node
    /// that crashed): readers look each id up among the messages in flight.
    held: BTreeSet<MessageId>,
    /// Node timers fire only when a script fires them (`World::fire_timer`).
    pub timers_frozen: bool,
}

impl ScriptedMode {
    pub fn set_hold(&mut self, hold: Hold) {
        self.hold = hold;
    }

    /// Whether a message from `from` to `to` waits for the script when it is due.
    pub fn holds(&self, from: Address, to: Address) -> bool {
        let (Address::Node(a), Address::Node(b)) = (from, to) else {
            return false;
        };
        match &self.hold {
            Hold::Nothing => false,
            Hold::AllLinks => true,
            Hold::Links(links) => links.contains(&(a, b)),
        }
    }

    /// Keeps message `id` waiting (it is due, on a held link).
    pub fn park(&mut self, id: MessageId) {
        self.held.insert(id);
    }

    /// Forgets that `id` was held (it is being delivered now).
    pub fn release(&mut self, id: MessageId) {
        self.held.remove(&id);
    }

    /// The ids held, in id order (some may be gone from the wire: see `held`).
    pub fn held_ids(&self) -> impl Iterator<Item = MessageId> + '_ {
        self.held.iter().copied()
    }
}
