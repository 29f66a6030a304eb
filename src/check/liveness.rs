//! The liveness verdict of a sweep, from the same event stream as the safety checker.
//!
//! # Definition
//! Let `H` be the time of the final heal ([`LivenessWatch::set_final_heal`]; 0 if
//! never set: a run without faults), `E` the end of the run and `B` the bound, all in
//! virtual µs. [`LivenessWatch::finish`]`(E, B)` reports a [`Property::Liveness`]
//! violation when:
//! 1. **No leader**: `H + B <= E` and no node was leader at any moment of
//!    `[H, H + B]` (a `Role{Leader}` event in that window, or a leader elected
//!    earlier that had not stepped down or crashed by `H`).
//! 2. **A stuck request**: some client request `(client, seq)`, first invoked
//!    (`ClientInvoke`) at `t0`, has no `ClientOk` by `E` although
//!    `max(t0, H) + B <= E`, i.e. it had `B` µs after both its invocation and the
//!    heal. Requests invoked before the heal count as invoked at the heal.
//!
//! At most one violation of each kind; the second names the earliest stuck request
//! and how many more there are.

use crate::event::describe::millis;
use crate::event::{Event, EventKind, Property, Violation};
use crate::kv::ClientId;
use crate::raft::{NodeId, RoleKind, Term, Time};
use std::collections::{BTreeMap, BTreeSet};

/// One stretch of leadership.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reign {
    node: NodeId,
    term: Term,
    start: Time,
    /// `None` while still in power.
    end: Option<Time>,
}

/// Watches elections and client requests; see the module docs.
#[derive(Clone, Debug, Default)]
pub struct LivenessWatch {
    final_heal: Option<Time>,
    reigns: Vec<Reign>,
    /// Node -> index in `reigns` of its open reign. A u64, not a usize: the
    /// same map type as the checker's `leaders`, one B-tree instantiation less
    /// in the wasm (README, "Page weight").
    in_power: BTreeMap<NodeId, u64>,
    /// (client, seq) -> (first invocation time, node first asked), until completed.
    pending: BTreeMap<(ClientId, u64), (Time, NodeId)>,
    completed: BTreeSet<(ClientId, u64)>,
}

impl LivenessWatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// The time of the last fault repair (heal, restart, ...) of the run; the
    /// latest call wins.
    pub fn set_final_heal(&mut self, time: Time) {
        self.final_heal = Some(time);
    }

    /// Feeds one event (the same stream as [`super::Checker::observe`]).
    pub fn observe(&mut self, event: &Event) {
        let t = event.time;
        match &event.kind {
            EventKind::Role { node, role, term } => {
                self.end_reign(*node, t);
                if *role == RoleKind::Leader {
                    self.in_power.insert(*node, self.reigns.len() as u64);
                    self.reigns.push(Reign {
                        node: *node,
                        term: *term,
                        start: t,
                        end: None,
                    });
                }
            }
            EventKind::Crash { node } | EventKind::Restart { node } => self.end_reign(*node, t),
            EventKind::ClientInvoke {
                client, seq, to, ..
            } => {
                let key = (*client, *seq);
                if !self.completed.contains(&key) {
                    self.pending.entry(key).or_insert((t, *to));
                }
            }
            EventKind::ClientOk { client, seq, .. } => {
                let key = (*client, *seq);
                self.pending.remove(&key);
                self.completed.insert(key);
            }
            _ => {}
        }
    }

    /// The verdict at the end of the run (`end_time`), with `bound` µs allowed after
    /// the final heal. Does not consume the watch.
    pub fn finish(&self, end_time: Time, bound: Time) -> Vec<Violation> {
        let heal = self.final_heal.unwrap_or(0);
        let window_end = heal.saturating_add(bound);
        let mut out = Vec::new();

        if window_end <= end_time {
            let led = self
                .reigns
                .iter()
                .any(|r| r.start <= window_end && r.end.is_none_or(|e| e >= heal));
            if !led {
                out.push(Violation {
                    property: Property::Liveness,
                    time: end_time,
                    nodes: Vec::new(),
                    index: None,
                    term: None,
                    explanation: format!(
                        "No leader was in power in the {} after the final heal at {}.",
                        millis(bound),
                        millis(heal)
                    ),
                });
            }
        }

        let stuck: Vec<_> = self
            .pending
            .iter()
            .filter(|(_, (t0, _))| (*t0).max(heal).saturating_add(bound) <= end_time)
            .map(|(&(client, seq), &(t0, to))| (t0, client, seq, to))
            .collect();
        if let Some(&(t0, client, seq, to)) = stuck.iter().min() {
            let more = match stuck.len() - 1 {
                0 => String::new(),
                1 => " (and 1 more request)".to_string(),
                n => format!(" (and {n} more requests)"),
            };
            out.push(Violation {
                property: Property::Liveness,
                time: end_time,
                nodes: vec![to],
                index: None,
                term: None,
                explanation: format!(
                    "Client {client}'s request (seq {seq}), invoked at {} on node {to}, was still not complete at {}, {} after the final heal{more}.",
                    millis(t0),
                    millis(end_time),
                    millis(end_time.saturating_sub(heal))
                ),
            });
        }
        out
    }

    /// The node currently leading, if any (the latest elected of those in power).
    pub fn leader(&self) -> Option<(NodeId, Term)> {
        self.in_power
            .values()
            .filter_map(|&i| self.reigns.get(i as usize))
            .max_by_key(|r| (r.term, r.start))
            .map(|r| (r.node, r.term))
    }

    fn end_reign(&mut self, node: NodeId, t: Time) {
        if let Some(r) = self
            .in_power
            .remove(&node)
            .and_then(|i| self.reigns.get_mut(i as usize))
        {
            r.end = Some(t);
        }
    }
}
