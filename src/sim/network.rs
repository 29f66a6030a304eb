//! The simulated network: which links are up, the seeded fault decisions, and
//! the messages on the wire.
//!
//! In the spirit of TigerBeetle's packet simulator, every fault decision is one
//! named predicate drawing from the network's own random stream.
//!
//! Unlike servers and clients, the network writes its events and deliveries
//! straight to the observers and the queue: a message's payload moves into its
//! `Send` event and back out into the wire, never cloned.

use crate::raft::{NodeId, Time};
use crate::rng::Rng;
use crate::sim::config::NetworkConfig;
use crate::sim::effect::Envelope;
use crate::sim::event::{Address, DropReason, EventKind, MessageId};
use crate::sim::inflight::{InFlight, InFlightSet};
use crate::sim::observers::Observers;
use crate::sim::queue::{Due, EventQueue};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub struct Network {
    pub config: NetworkConfig,
    rng: Rng,
    /// Directed links that drop everything: `(from, to)`.
    /// Invariant: never contains `(n, n)`.
    cut: BTreeSet<(NodeId, NodeId)>,
    /// The groups of the last `partition` (for drawing), empty when none.
    groups: Vec<Vec<NodeId>>,
    /// Messages sent and neither delivered nor dropped yet.
    in_flight: InFlightSet,
    /// The id of the last message sent: ids are 1, 2, ... in sending order.
    last_message_id: MessageId,
    /// Messages delivered so far.
    delivered: u64,
}

impl Network {
    pub fn new(config: NetworkConfig, rng: Rng) -> Self {
        Network {
            config,
            rng,
            cut: BTreeSet::new(),
            groups: Vec::new(),
            in_flight: InFlightSet::new(),
            last_message_id: 0,
            delivered: 0,
        }
    }

    /// Cuts every link between different groups; nodes in no group are isolated alone.
    /// Replaces previous partitions and cuts.
    pub fn partition(&mut self, nodes: &[NodeId], groups: &[Vec<NodeId>]) {
        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
        self.cut.clear();
        for &a in nodes {
            for &b in nodes {
                let separated = match (group_of(a), group_of(b)) {
                    (Some(x), Some(y)) => x != y,
                    _ => true,
                };
                if a != b && separated {
                    self.cut.insert((a, b));
                }
            }
        }
        let mut full: Vec<Vec<NodeId>> = groups.iter().filter(|g| !g.is_empty()).cloned().collect();
        for &n in nodes {
            if group_of(n).is_none() {
                full.push(vec![n]);
            }
        }
        self.groups = full;
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        if from != to {
            self.cut.insert((from, to));
        }
    }

    pub fn heal(&mut self) {
        self.cut.clear();
        self.groups.clear();
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.contains(&(from, to))
    }

    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().copied()
    }

    pub fn groups(&self) -> &[Vec<NodeId>] {
        &self.groups
    }

    // ----- Fault decisions: one predicate each --------------------------------

    /// How long the next message takes.
    pub fn pick_latency(&mut self) -> Time {
        self.rng
            .range(self.config.latency_min, self.config.latency_max + 1)
    }

    /// Whether the next message is lost.
    pub fn should_lose(&mut self) -> bool {
        self.rng.chance(self.config.loss)
    }

    /// Whether the next message is delivered twice.
    pub fn should_duplicate(&mut self) -> bool {
        self.rng.chance(self.config.duplicate)
    }

    // ----- Messages on the wire ---------------------------------------------------

    /// Puts a message on the wire at `now`: emits its `Send`, then drops it (a cut
    /// link, a crashed receiver, random loss) or schedules its delivery, after a
    /// duplicate's if it is duplicated. `receiver_down`: the receiver is a crashed node.
    pub fn send(
        &mut self,
        now: Time,
        envelope: Envelope,
        receiver_down: bool,
        observers: &mut Observers,
        queue: &mut EventQueue,
    ) {
        let Envelope { from, to, payload } = envelope;
        let id = self.next_message_id();
        let deliver_at = now + self.pick_latency();
        let send = EventKind::Send {
            id,
            from,
            to,
            deliver_at,
            message: payload,
        };
        let EventKind::Send {
            message: payload, ..
        } = observers.emit(now, send)
        else {
            unreachable!("emit returns the kind it was given")
        };
        let dropped = if self.link_is_cut(from, to) {
            Some(DropReason::Partitioned)
        } else if receiver_down {
            Some(DropReason::Crashed)
        } else if self.should_lose() {
            Some(DropReason::Loss)
        } else {
            None
        };
        if let Some(reason) = dropped {
            observers.emit(now, EventKind::Drop { id, reason });
            return;
        }
        let msg = InFlight {
            id,
            from,
            to,
            sent_at: now,
            deliver_at,
            payload,
        };
        if self.should_duplicate() {
            let copy = self.next_message_id();
            let copy_at = now + self.pick_latency();
            let duplicate = EventKind::Duplicate {
                id,
                copy,
                deliver_at: copy_at,
            };
            observers.emit(now, duplicate);
            let dup = InFlight {
                id: copy,
                deliver_at: copy_at,
                ..msg.clone()
            };
            self.in_flight.insert(copy, dup);
            queue.schedule(copy_at, Due::Deliver(copy));
        }
        self.in_flight.insert(id, msg);
        queue.schedule(deliver_at, Due::Deliver(id));
    }

    /// Takes message `id` off the wire as it comes due at `now`. It arrives
    /// (emits `Deliver` and is returned) unless its link is cut or its receiver is
    /// down by now (emits `Drop`). `None` too for a message already dropped by hand.
    pub fn deliver(
        &mut self,
        id: MessageId,
        now: Time,
        is_down: impl Fn(Address) -> bool,
        observers: &mut Observers,
    ) -> Option<InFlight> {
        let msg = self.in_flight.remove(&id)?;
        let dropped = if self.link_is_cut(msg.from, msg.to) {
            Some(DropReason::Partitioned)
        } else if is_down(msg.to) {
            Some(DropReason::Crashed)
        } else {
            None
        };
        if let Some(reason) = dropped {
            observers.emit(now, EventKind::Drop { id, reason });
            return None;
        }
        self.delivered += 1;
        observers.emit(now, EventKind::Deliver { id });
        Some(msg)
    }

    /// Drops every message on its way to `node` (it just crashed), in id order.
    pub fn drop_messages_to(&mut self, node: NodeId, now: Time, observers: &mut Observers) {
        let doomed: Vec<MessageId> = self
            .in_flight
            .values()
            .filter(|m| m.to == Address::Node(node))
            .map(|m| m.id)
            .collect();
        for id in doomed {
            self.in_flight.remove(&id);
            let reason = DropReason::Crashed;
            observers.emit(now, EventKind::Drop { id, reason });
        }
    }

    /// Drops message `id` by hand, if it is still in flight.
    pub fn drop_message(&mut self, id: MessageId, now: Time, observers: &mut Observers) {
        if self.in_flight.remove(&id).is_some() {
            let reason = DropReason::Manual;
            observers.emit(now, EventKind::Drop { id, reason });
        }
    }

    /// Messages in flight, in id order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }

    /// Message `id`, if still in flight.
    pub fn message(&self, id: MessageId) -> Option<&InFlight> {
        self.in_flight.get(&id)
    }

    /// The id the next message sent will get.
    pub fn next_id(&self) -> MessageId {
        self.last_message_id + 1
    }

    /// Messages delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    fn next_message_id(&mut self) -> MessageId {
        self.last_message_id += 1;
        self.last_message_id
    }

    fn link_is_cut(&self, from: Address, to: Address) -> bool {
        match (from, to) {
            (Address::Node(a), Address::Node(b)) => self.is_cut(a, b),
            _ => false, // clients sit outside the partitioned network
        }
    }
}
