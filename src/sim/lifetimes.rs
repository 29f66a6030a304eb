//! What a sequence diagram draws, kept in bounded memory: the life of each
//! message (sent, then delivered or dropped with the simulator's reason) as a
//! small fixed record, and each node's role and term over time.
//!
//! Two halves. The world's observers turn the events they see into
//! [`Sighting`]s (a few bytes each, no payload) while someone collects them
//! ([`crate::sim::World::collect_traffic`]); the owner of the run (the page's
//! timeline) hands each step's sightings to a [`Lifetimes`] store, with the
//! step's number. Records carry the step they happened at, so a reader at an
//! earlier step (after a seek back) sees exactly the run up to that step, and
//! [`Lifetimes::forget_after`] drops a future that was abandoned by a fork.
//!
//! The store lives outside the world on purpose: checkpoints (clones of the
//! world) then never copy it, and its memory is bounded once for the whole run
//! ([`MAX_MESSAGES`], [`MAX_ROLE_CHANGES`]): the oldest records go first.

use crate::event::{Address, DropReason, Event, EventKind, MessageId, MessageKind};
use crate::raft::{NodeId, RoleKind, Term, Time};
use std::collections::VecDeque;

/// At most this many messages are remembered (about 6.5 MiB: 104 bytes each); older ones are
/// forgotten first. A busy 9-node cluster sends a few thousand a second.
pub const MAX_MESSAGES: usize = 1 << 16;
/// At most this many role changes (and crashes, restarts) are remembered.
pub const MAX_ROLE_CHANGES: usize = 1 << 13;

/// One event that matters to a sequence diagram, without its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sighting {
    Sent {
        id: MessageId,
        from: Address,
        to: Address,
        kind: MessageKind,
        /// The sender's term (0 for client messages, which carry none).
        term: Term,
        /// A reply that says no: a vote refused, an append failed, a client
        /// request that did not succeed.
        rejected: bool,
        due: Time,
    },
    Duplicated {
        id: MessageId,
        copy: MessageId,
        due: Time,
    },
    Delivered {
        id: MessageId,
    },
    Dropped {
        id: MessageId,
        reason: DropReason,
    },
    Role {
        node: NodeId,
        role: RoleKind,
        term: Term,
    },
    /// The node wrote a new term to its disk (a follower learning of a newer
    /// term changes no role, so no `Role` event says so).
    Term {
        node: NodeId,
        term: Term,
    },
    Crashed {
        node: NodeId,
    },
    Restarted {
        node: NodeId,
    },
}

impl Sighting {
    /// The sighting in `event`, if it is one a sequence diagram draws.
    pub fn of(event: &EventKind) -> Option<Sighting> {
        Some(match event {
            EventKind::Send {
                id,
                from,
                to,
                deliver_at,
                message,
            } => {
                let summary = message.summary();
                Sighting::Sent {
                    id: *id,
                    from: *from,
                    to: *to,
                    kind: summary.kind,
                    term: summary.term.unwrap_or(0),
                    rejected: summary.success == Some(false),
                    due: *deliver_at,
                }
            }
            EventKind::Duplicate {
                id,
                copy,
                deliver_at,
            } => Sighting::Duplicated {
                id: *id,
                copy: *copy,
                due: *deliver_at,
            },
            EventKind::Deliver { id } => Sighting::Delivered { id: *id },
            EventKind::Drop { id, reason } => Sighting::Dropped {
                id: *id,
                reason: *reason,
            },
            EventKind::Role { node, role, term } => Sighting::Role {
                node: *node,
                role: *role,
                term: *term,
            },
            EventKind::HardState { node, term, .. } => Sighting::Term {
                node: *node,
                term: *term,
            },
            EventKind::Crash { node } => Sighting::Crashed { node: *node },
            EventKind::Restart { node } => Sighting::Restarted { node: *node },
            _ => return None,
        })
    }
}

/// A sighting with its time (what the observers collect).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timed {
    pub time: Time,
    pub sighting: Sighting,
}

impl Timed {
    pub fn of(event: &Event) -> Option<Timed> {
        Sighting::of(&event.kind).map(|sighting| Timed {
            time: event.time,
            sighting,
        })
    }
}

/// How a message's life ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Dropped(DropReason),
}

/// A point of the run: the clock and the number of steps done (the step that
/// caused something is the count right after it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub time: Time,
    pub step: u64,
}

/// The end of a message's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct End {
    pub at: At,
    pub outcome: Outcome,
}

/// One message's life: where it went, what it was, and how it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime {
    pub id: MessageId,
    pub from: Address,
    pub to: Address,
    pub kind: MessageKind,
    pub term: Term,
    pub rejected: bool,
    /// An AppendEntriesReply answering a heartbeat (the diagram's heartbeat
    /// filter hides it with the heartbeat).
    pub heartbeat_reply: bool,
    pub sent: At,
    /// When it was due when sent (its arrow's end while in flight).
    pub due: Time,
    /// `None` while in flight.
    pub end: Option<End>,
}

impl Lifetime {
    /// A heartbeat, or the reply to one.
    pub fn is_heartbeat(&self) -> bool {
        self.kind == MessageKind::Heartbeat || self.heartbeat_reply
    }

    /// How it ended as of `at`: `None` when it was still in flight then.
    pub fn end_as_of(&self, at: At) -> Option<End> {
        self.end.filter(|e| e.at.step <= at.step)
    }
}

/// What a node was from `since` on: a role in a term, or crashed (`role` None).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleChange {
    pub node: NodeId,
    pub since: At,
    pub role: Option<RoleKind>,
    pub term: Term,
}

/// The run's message lives and role changes, oldest first, in bounded memory.
#[derive(Clone, Debug, Default)]
pub struct Lifetimes {
    /// In id order (ids are handed out in sending order, so in time order too).
    messages: VecDeque<Lifetime>,
    roles: VecDeque<RoleChange>,
    /// The longest any remembered message took from send to end (or was due):
    /// how far before a window a message can start and still show in it.
    longest: Time,
    /// Messages forgotten to keep within the bound.
    forgotten: u64,
}

impl Lifetimes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in the sightings of one step: `step` is the count of steps done
    /// right after it.
    pub fn record(&mut self, step: u64, sightings: &[Timed]) {
        // A heartbeat delivered in this step: an AppendEntriesReply going back
        // to its sender in the same step answers it.
        let mut answering: Option<(Address, Address)> = None;
        for t in sightings {
            let at = At { time: t.time, step };
            match t.sighting {
                Sighting::Sent {
                    id,
                    from,
                    to,
                    kind,
                    term,
                    rejected,
                    due,
                } => {
                    let heartbeat_reply =
                        kind == MessageKind::AppendEntriesReply && answering == Some((to, from));
                    self.push(Lifetime {
                        id,
                        from,
                        to,
                        kind,
                        term,
                        rejected,
                        heartbeat_reply,
                        sent: at,
                        due,
                        end: None,
                    });
                }
                Sighting::Duplicated { id, copy, due } => {
                    if let Some(original) = self.get(id).copied() {
                        self.push(Lifetime {
                            id: copy,
                            due,
                            end: None,
                            ..original
                        });
                    }
                }
                Sighting::Delivered { id } => {
                    if let Some(m) = self.get(id)
                        && m.kind == MessageKind::Heartbeat
                    {
                        answering = Some((m.from, m.to));
                    }
                    self.end(id, at, Outcome::Delivered);
                }
                Sighting::Dropped { id, reason } => self.end(id, at, Outcome::Dropped(reason)),
                Sighting::Role { node, role, term } => self.role(node, at, Some(role), term),
                Sighting::Term { node, term } => {
                    let now = self.role_of(node).copied();
                    let role = now.map_or(Some(RoleKind::Follower), |r| r.role);
                    if now.is_none_or(|r| r.term != term) && role.is_some() {
                        self.role(node, at, role, term);
                    }
                }
                Sighting::Crashed { node } => {
                    let term = self.role_of(node).map_or(0, |r| r.term);
                    self.role(node, at, None, term);
                }
                Sighting::Restarted { node } => {
                    // It starts again as a follower of the term on its disk.
                    let term = self.role_of(node).map_or(0, |r| r.term);
                    self.role(node, at, Some(RoleKind::Follower), term);
                }
            }
        }
    }

    /// Forgets everything after step `step` (a fork abandoned that future):
    /// later messages go, and messages that ended later are in flight again.
    pub fn forget_after(&mut self, step: u64) {
        while self.messages.back().is_some_and(|m| m.sent.step > step) {
            self.messages.pop_back();
        }
        for m in self.messages.iter_mut().rev() {
            if m.end.is_some_and(|e| e.at.step > step) {
                m.end = None;
            }
        }
        while self.roles.back().is_some_and(|r| r.since.step > step) {
            self.roles.pop_back();
        }
    }

    /// The messages sent at or before `at` that may show in the window
    /// `from..=to` (they start before its end and may end after its start),
    /// oldest first. Callers still check each one's end as of `at`.
    pub fn around(&self, from: Time, to: Time, at: At) -> impl Iterator<Item = &Lifetime> {
        let earliest = from.saturating_sub(self.longest);
        let first = self.messages.partition_point(|m| m.sent.time < earliest);
        self.messages
            .range(first..)
            .take_while(move |m| m.sent.time <= to)
            .filter(move |m| m.sent.step <= at.step)
    }

    /// Message `id`, if remembered.
    pub fn get(&self, id: MessageId) -> Option<&Lifetime> {
        let i = self.messages.partition_point(|m| m.id < id);
        self.messages.get(i).filter(|m| m.id == id)
    }

    /// Every remembered role change, oldest first.
    pub fn role_changes(&self) -> impl Iterator<Item = &RoleChange> {
        self.roles.iter()
    }

    pub fn messages(&self) -> impl Iterator<Item = &Lifetime> {
        self.messages.iter()
    }

    /// Messages forgotten to stay within [`MAX_MESSAGES`].
    pub fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// The memory held, in bytes (the bound is about [`MAX_MESSAGES`] times a
    /// record's size, plus the role changes).
    pub fn approx_bytes(&self) -> usize {
        self.messages.capacity() * size_of::<Lifetime>()
            + self.roles.capacity() * size_of::<RoleChange>()
    }

    fn push(&mut self, m: Lifetime) {
        self.longest = self.longest.max(m.due.saturating_sub(m.sent.time));
        // Ids only grow, but a fork can hand out an id again: keep the order.
        while self.messages.back().is_some_and(|last| last.id >= m.id) {
            self.messages.pop_back();
        }
        if self.messages.len() == MAX_MESSAGES {
            self.messages.pop_front();
            self.forgotten += 1;
        }
        self.messages.push_back(m);
    }

    fn end(&mut self, id: MessageId, at: At, outcome: Outcome) {
        let i = self.messages.partition_point(|m| m.id < id);
        if let Some(m) = self.messages.get_mut(i).filter(|m| m.id == id) {
            m.end = Some(End { at, outcome });
            self.longest = self.longest.max(at.time.saturating_sub(m.sent.time));
        }
    }

    fn role_of(&self, node: NodeId) -> Option<&RoleChange> {
        self.roles.iter().rev().find(|r| r.node == node)
    }

    fn role(&mut self, node: NodeId, since: At, role: Option<RoleKind>, term: Term) {
        if self.roles.len() == MAX_ROLE_CHANGES {
            self.roles.pop_front();
        }
        self.roles.push_back(RoleChange {
            node,
            since,
            role,
            term,
        });
    }
}
