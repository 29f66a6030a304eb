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
//!
//! For a stuck request the bound is widened by the **catch-up allowance** `C`
//! ([`LivenessWatch::set_catch_up`]): at `H`, the leader-to-be may hold a long
//! tail the majority lacks (a deposed leader keeps appending its clients'
//! retries while cut off), and the core ships at most one batch of `b` entries
//! per follower per round trip `R`. With `L` the highest last log index at `H`
//! and `M` the last index the majority holds (the median-high of the nodes'
//! last indexes), `C = ceil((L - M) / b) * R`; 2. then reads
//! `max(t0, H) + B + C <= E`. Without [`LivenessWatch::set_catch_up`], `C = 0`.
//!
//! At most one violation of each kind; the second names the earliest stuck request
//! and how many more there are.
//!
//! # Membership changes
//! With a configuration smaller than the cluster ([`LivenessWatch::set_initial_members`],
//! or configuration entries appended), progress is required from the
//! configuration in force, not from every node: in 1., a reign counts only if
//! its leader was a voter of its own configuration in force when elected (a
//! removed server may lead for a moment, to commit its own removal, §4.2.2;
//! a cluster whose members never elect one of theirs is stuck); in `C`, `L`
//! and `M` are taken over the voters of the configuration in force at the node
//! holding the longest log (nodes outside it are not replicated to).

use crate::event::describe::millis;
use crate::event::{Event, EventKind, Property, Violation};
use crate::kv::ClientId;
use crate::raft::{EntryData, LogIndex, MembershipEvent, NodeId, RoleKind, Term, Time};
use std::collections::{BTreeMap, BTreeSet};

/// One stretch of leadership.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reign {
    node: NodeId,
    term: Term,
    start: Time,
    /// `None` while still in power.
    end: Option<Time>,
    /// Whether the leader was a voter of its configuration in force when elected.
    member: bool,
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
    /// How the core ships a backlog (see the module docs); `None`: no allowance.
    catch_up: Option<CatchUp>,
    /// Node -> last log index, as the run goes.
    last_index: BTreeMap<NodeId, LogIndex>,
    /// The allowance `C`, fixed at the first event at or after the final heal.
    allowance: Option<Time>,
    /// Membership: the voters before any configuration entry (empty: every node).
    initial_members: Vec<NodeId>,
    /// Node -> its log's configuration entries, (index, members) in index order.
    configs: BTreeMap<NodeId, Vec<(LogIndex, Vec<NodeId>)>>,
}

/// How fast a leader brings followers up to date: `batch` entries per
/// AppendEntries, one in flight per follower, `round_trip` at most per exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatchUp {
    pub nodes: usize,
    pub batch: u64,
    pub round_trip: Time,
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

    /// Membership changes: the voters before any configuration entry, when not
    /// every node (see the module docs).
    pub fn set_initial_members(&mut self, members: &[NodeId]) {
        self.initial_members = members.to_vec();
    }

    /// The voters of `node`'s configuration in force; `None`: every node.
    fn voters(&self, node: NodeId) -> Option<&[NodeId]> {
        match self.configs.get(&node).and_then(|c| c.last()) {
            Some((_, members)) => Some(members),
            None if self.initial_members.is_empty() => None,
            None => Some(&self.initial_members),
        }
    }

    /// Widens the bound for stuck requests by the time to ship the backlog at
    /// the final heal (see the module docs).
    pub fn set_catch_up(&mut self, catch_up: CatchUp) {
        self.catch_up = Some(catch_up);
    }

    /// `C` of the module docs for the logs as they are now.
    fn backlog_allowance(&self) -> Time {
        let Some(c) = self.catch_up else { return 0 };
        let last_of = |n: &NodeId| self.last_index.get(n).copied().unwrap_or(0);
        let everyone: Vec<NodeId> = (1..=c.nodes as NodeId).collect();
        // The configuration in force at the longest log (lowest id on a tie).
        let longest = everyone
            .iter()
            .max_by_key(|n| (last_of(n), std::cmp::Reverse(**n)));
        let voters = longest.and_then(|&n| self.voters(n)).unwrap_or(&everyone);
        let mut last: Vec<LogIndex> = voters.iter().map(last_of).collect();
        last.sort_unstable_by(|a, b| b.cmp(a));
        let highest = longest.map_or(0, last_of);
        let majority = last.get(voters.len() / 2).copied().unwrap_or(0);
        highest
            .saturating_sub(majority)
            .div_ceil(c.batch.max(1))
            .saturating_mul(c.round_trip)
    }

    /// Feeds one event (the same stream as [`super::Checker::observe`]).
    pub fn observe(&mut self, event: &Event) {
        let t = event.time;
        if self.allowance.is_none() && self.final_heal.is_some_and(|h| t >= h) {
            self.allowance = Some(self.backlog_allowance());
        }
        match &event.kind {
            EventKind::LogAppend { node, index, entry } => {
                self.last_index.insert(*node, *index);
                if let EntryData::Config { members } = &entry.data {
                    let configs = self.configs.entry(*node).or_default();
                    configs.push((*index, members.clone()));
                }
            }
            EventKind::LogTruncate { node, from } => {
                self.last_index.insert(*node, from.saturating_sub(1));
                if let Some(configs) = self.configs.get_mut(node) {
                    configs.retain(|&(i, _)| i < *from);
                }
            }
            // A configuration in force not seen entry by entry (a snapshot
            // installed over the log): see `Checker`'s `in_force_now`.
            EventKind::Membership {
                node,
                step: MembershipEvent::ConfigInForce { index, members },
            } => {
                let configs = self.configs.entry(*node).or_default();
                configs.retain(|&(i, _)| i < *index);
                configs.push((*index, members.clone()));
            }
            EventKind::Snapshot { node, index, .. } => {
                let last = self.last_index.entry(*node).or_default();
                *last = (*last).max(*index);
            }
            EventKind::Role { node, role, term } => {
                self.end_reign(*node, t);
                if *role == RoleKind::Leader {
                    let member = self.voters(*node).is_none_or(|v| v.contains(node));
                    self.in_power.insert(*node, self.reigns.len() as u64);
                    self.reigns.push(Reign {
                        node: *node,
                        term: *term,
                        start: t,
                        end: None,
                        member,
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
                .any(|r| r.member && r.start <= window_end && r.end.is_none_or(|e| e >= heal));
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

        let allowance = self.allowance.unwrap_or_else(|| self.backlog_allowance());
        let request_bound = bound.saturating_add(allowance);
        let stuck: Vec<_> = self
            .pending
            .iter()
            .filter(|(_, (t0, _))| (*t0).max(heal).saturating_add(request_bound) <= end_time)
            .map(|(&(client, seq), &(t0, to))| (t0, client, seq, to))
            .collect();
        if let Some(&(t0, client, seq, to)) = stuck.iter().min() {
            let more = match stuck.len() - 1 {
                0 => String::new(),
                1 => " (and 1 more request)".to_string(),
                n => format!(" (and {n} more requests)"),
            };
            let allowed = match allowance {
                0 => String::new(),
                a => format!(
                    " (allowed: {} plus {} to ship the backlog at the heal)",
                    millis(bound),
                    millis(a)
                ),
            };
            out.push(Violation {
                property: Property::Liveness,
                time: end_time,
                nodes: vec![to],
                index: None,
                term: None,
                explanation: format!(
                    "Client {client}'s request (seq {seq}), invoked at {} on node {to}, was still not complete at {}, {} after the final heal{allowed}{more}.",
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
