//! The messages on the wire: one message ([`InFlight`]) and the set of them,
//! keyed by their (sequential) message id.
//!
//! Message ids are handed out in increasing order and most messages live for a
//! few milliseconds, so a window of slots starting at the oldest live id is both
//! cheaper than a map (no rebalancing, no moving of large values, no allocation
//! per message) and iterates in id order like one.

use crate::raft::Time;
use crate::sim::event::{Address, MessageId, Payload};
use std::collections::VecDeque;

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    pub id: MessageId,
    pub from: Address,
    pub to: Address,
    pub sent_at: Time,
    pub deliver_at: Time,
    pub payload: Payload,
}

#[derive(Clone, Debug, Default)]
pub struct InFlightSet {
    /// `slots[i]` holds message `base + i`, if still in flight.
    slots: VecDeque<Option<InFlight>>,
    base: MessageId,
    len: usize,
}

impl InFlightSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `msg` under `id` (replacing any message with that id).
    pub fn insert(&mut self, id: MessageId, msg: InFlight) {
        if self.slots.is_empty() {
            self.base = id;
        }
        while id < self.base {
            self.slots.push_front(None);
            self.base -= 1;
        }
        let i = (id - self.base) as usize;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        if self.slots[i].replace(msg).is_none() {
            self.len += 1;
        }
    }

    pub fn remove(&mut self, id: &MessageId) -> Option<InFlight> {
        let i = id.checked_sub(self.base)? as usize;
        let msg = self.slots.get_mut(i)?.take()?;
        self.len -= 1;
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.base += 1;
        }
        Some(msg)
    }

    pub fn get(&self, id: &MessageId) -> Option<&InFlight> {
        let i = id.checked_sub(self.base)? as usize;
        self.slots.get(i)?.as_ref()
    }

    pub fn contains_key(&self, id: &MessageId) -> bool {
        self.get(id).is_some()
    }

    /// Messages in id order.
    pub fn values(&self) -> impl Iterator<Item = &InFlight> {
        self.slots.iter().flatten()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: MessageId) -> InFlight {
        InFlight {
            id,
            from: Address::Node(1),
            to: Address::Node(2),
            sent_at: 0,
            deliver_at: 0,
            payload: Payload::ClientRequest {
                client: 1,
                seq: id,
                op: crate::kv::Op::Get { key: "k".into() },
            },
        }
    }

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut s = InFlightSet::new();
        let mut reference = std::collections::BTreeMap::new();
        let mut rng = crate::rng::Rng::new(9);
        let mut next = 1;
        for _ in 0..5000 {
            if rng.chance(0.55) {
                // Out of order inserts, as a duplicate's copy is inserted first.
                let id = next + rng.range(0, 2);
                next = id + 1;
                s.insert(id, msg(id));
                reference.insert(id, id);
            } else if !reference.is_empty() {
                let keys: Vec<_> = reference.keys().copied().collect();
                let id = keys[rng.range(0, keys.len() as u64) as usize];
                assert_eq!(s.remove(&id).map(|m| m.id), reference.remove(&id));
            }
            assert_eq!(s.len(), reference.len());
            assert_eq!(
                s.values().map(|m| m.id).collect::<Vec<_>>(),
                reference.keys().copied().collect::<Vec<_>>()
            );
        }
        assert!(s.remove(&0).is_none());
        assert!(s.get(&(next + 10)).is_none());
    }
}
