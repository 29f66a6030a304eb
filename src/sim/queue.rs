//! The event queue: what is due when, in a fixed order.
//!
//! Entries come out by time, then by rank (the world's own events before
//! actions), then in the order they were scheduled. That order is part of every
//! trace: two entries due at the same time must always come out the same way.

use crate::kv::ClientId;
use crate::raft::{NodeId, Time};
use crate::sim::action::{Action, TimedAction};
use crate::sim::event::MessageId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Something due at a point in virtual time.
#[derive(Clone, Debug, PartialEq)]
pub enum Due {
    Deliver(MessageId),
    /// A node's timer; stale when `generation` is not the node's current one.
    NodeTimer {
        node: NodeId,
        generation: u64,
    },
    /// An automatic client's next request.
    ClientWake {
        client: ClientId,
    },
    /// A client's patience for one attempt ran out.
    ClientTimeout {
        client: ClientId,
        seq: u64,
        attempt: u32,
    },
    /// A client resends after a short back-off.
    ClientResend {
        client: ClientId,
        seq: u64,
        attempt: u32,
    },
    /// Boxed: the queue moves its entries around, and actions are large and rare.
    Action(Box<Action>),
}

/// A queue entry; ordered by time, then by rank, then by insertion order.
///
/// Actions rank after every other event due at the same time, so an action at
/// time `t` takes effect after everything the world does at `t` on its own
/// (including what those events trigger at `t`). That is exactly the moment at
/// which a person's [`crate::sim::World::apply`] acts, so a session recorded live
/// and the same actions replayed with [`crate::sim::World::schedule_action`] give
/// the same trace.
#[derive(Clone, Debug)]
struct Scheduled {
    time: Time,
    /// 0 for the world's own events, 1 for actions.
    rank: u8,
    order: u64,
    due: Due,
}

impl Scheduled {
    fn key(&self) -> (Time, u8, u64) {
        (self.time, self.rank, self.order)
    }
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

#[derive(Clone, Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Scheduled>>,
    /// Insertion counter: the last tie-breaker. Invariant: strictly increasing.
    next_order: u64,
}

impl EventQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `due` happen at `time`.
    pub fn schedule(&mut self, time: Time, due: Due) {
        self.next_order += 1;
        let rank = u8::from(matches!(due, Due::Action(_)));
        self.heap.push(Reverse(Scheduled {
            time,
            rank,
            order: self.next_order,
            due,
        }));
    }

    /// Takes the next entry off the queue: its time and what is due.
    pub fn pop(&mut self) -> Option<(Time, Due)> {
        self.heap.pop().map(|Reverse(s)| (s.time, s.due))
    }

    /// The time of the next entry, if any.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|Reverse(s)| s.time)
    }

    /// Whether the next entry is one of the world's own events (not an action)
    /// due at or before `now`.
    pub fn own_event_due_by(&self, now: Time) -> bool {
        self.heap
            .peek()
            .is_some_and(|Reverse(s)| s.time <= now && s.rank == 0)
    }

    /// Actions scheduled but not yet due, in the order they will be applied.
    pub fn pending_actions(&self) -> Vec<TimedAction> {
        let mut pending: Vec<&Scheduled> = self
            .heap
            .iter()
            .map(|Reverse(s)| s)
            .filter(|s| matches!(s.due, Due::Action(_)))
            .collect();
        pending.sort_by_key(|s| s.key());
        pending
            .into_iter()
            .filter_map(|s| match &s.due {
                Due::Action(action) => Some(TimedAction {
                    time: s.time,
                    action: (**action).clone(),
                }),
                _ => None,
            })
            .collect()
    }
}
