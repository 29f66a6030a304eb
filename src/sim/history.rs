//! The whole run's events for the page's history list, in bounded memory: each
//! message step as a small fixed record (no payload), every other event as
//! itself. Only counted unless asked for: heartbeats (an empty AppendEntries,
//! sent every heartbeat interval) and deliveries (a `send` row already says
//! where a message goes; a drop is kept with its reason). The sentences are
//! made on demand by `present::history`.

use crate::event::{Address, DropReason, Event, EventKind, MessageId, MessageKind};
use crate::raft::Time;
use std::collections::BTreeMap;

/// One step of a message's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStep {
    Send,
    Deliver,
    Drop(DropReason),
    Duplicate { copy: MessageId },
}

/// A message's endpoints and kind (its payload is not kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    pub from: Address,
    pub to: Address,
    pub kind: MessageKind,
}

/// What a history row holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// A message step; `hop` is `None` only for a message sent before the
    /// history started.
    Message {
        id: MessageId,
        step: MessageStep,
        hop: Option<Hop>,
    },
    /// Any other event (boxed: message rows are the many, and stay small).
    Other(Box<EventKind>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRecord {
    pub time: Time,
    pub recorded: Recorded,
}

/// The run's events, oldest first.
#[derive(Clone, Debug, Default)]
pub struct History {
    records: Vec<HistoryRecord>,
    /// The hop of every message still in flight (bounded by what is in flight):
    /// names a drop's link and tells a heartbeat's delivery from others.
    in_flight: BTreeMap<MessageId, Hop>,
    keep_traffic: bool,
    /// Heartbeat steps and deliveries counted but not kept.
    skipped: u64,
    /// A tap ([`History::tap`]) keeps records only while this is on, for
    /// someone to take them ([`History::take_records`]); it always follows
    /// the messages in flight, so it names hops right when switched on.
    paused: bool,
}

impl History {
    /// An empty history; heartbeats and deliveries are kept only if `keep_traffic`.
    pub fn new(keep_traffic: bool) -> Self {
        History {
            keep_traffic,
            ..History::default()
        }
    }

    /// A history whose records are taken by its owner as they come (the
    /// timeline's lasting history stores them compactly): see
    /// [`History::set_collecting`] and [`History::take_records`].
    pub fn tap(keep_traffic: bool) -> Self {
        History::new(keep_traffic)
    }

    /// Whether to make records (a tap is switched off while the timeline
    /// replays ground it already stored: only the in-flight hops are followed).
    pub fn set_collecting(&mut self, on: bool) {
        self.paused = !on;
    }

    /// The records made since the last call, oldest first.
    pub fn take_records(&mut self) -> Vec<HistoryRecord> {
        std::mem::take(&mut self.records)
    }

    pub fn record(&mut self, event: &Event) {
        if self.paused {
            self.follow_in_flight(&event.kind);
            return;
        }
        let message = |id, step, hop| Recorded::Message { id, step, hop };
        let recorded = match &event.kind {
            EventKind::Send {
                id,
                from,
                to,
                message: payload,
                ..
            } => {
                let hop = Hop {
                    from: *from,
                    to: *to,
                    kind: payload.kind(),
                };
                self.in_flight.insert(*id, hop);
                message(*id, MessageStep::Send, Some(hop))
            }
            EventKind::Deliver { id } => {
                let hop = self.in_flight.remove(id);
                message(*id, MessageStep::Deliver, hop)
            }
            EventKind::Drop { id, reason } => {
                let hop = self.in_flight.remove(id);
                message(*id, MessageStep::Drop(*reason), hop)
            }
            EventKind::Duplicate { id, copy, .. } => {
                let hop = self.in_flight.get(id).copied();
                if let Some(h) = hop {
                    self.in_flight.insert(*copy, h);
                }
                message(*id, MessageStep::Duplicate { copy: *copy }, hop)
            }
            other => Recorded::Other(Box::new(other.clone())),
        };
        if let Recorded::Message { step, hop, .. } = &recorded
            && !self.keep_traffic
        {
            let heartbeat = hop.is_some_and(|h| h.kind == MessageKind::Heartbeat);
            let drop = matches!(step, MessageStep::Drop(_));
            if (heartbeat || *step == MessageStep::Deliver) && !drop {
                self.skipped += 1;
                return;
            }
        }
        self.records.push(HistoryRecord {
            time: event.time,
            recorded,
        });
    }

    /// What [`History::record`] does to the in-flight hops, without a record.
    fn follow_in_flight(&mut self, kind: &EventKind) {
        match kind {
            EventKind::Send {
                id,
                from,
                to,
                message,
                ..
            } => {
                let hop = Hop {
                    from: *from,
                    to: *to,
                    kind: message.kind(),
                };
                self.in_flight.insert(*id, hop);
            }
            EventKind::Deliver { id } | EventKind::Drop { id, .. } => {
                self.in_flight.remove(id);
            }
            EventKind::Duplicate { id, copy, .. } => {
                if let Some(h) = self.in_flight.get(id).copied() {
                    self.in_flight.insert(*copy, h);
                }
            }
            _ => {}
        }
    }

    pub fn records(&self) -> &[HistoryRecord] {
        &self.records
    }

    /// Heartbeat steps and deliveries counted but not kept.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// An estimate of the memory held, in bytes: the records, the boxed events
    /// (with a flat allowance for their strings and lists) and the in-flight map.
    pub fn approx_bytes(&self) -> usize {
        let boxed = self
            .records
            .iter()
            .filter(|r| matches!(r.recorded, Recorded::Other(_)))
            .count()
            * (size_of::<EventKind>() + 32);
        self.records.capacity() * size_of::<HistoryRecord>()
            + boxed
            + self.in_flight.len() * (size_of::<MessageId>() + size_of::<Hop>() + 16)
    }
}
