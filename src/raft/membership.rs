//! Single-server membership change (dissertation §4.1–4.2).
//!
//! The *cluster* is every node that exists (ids the node will talk to). The
//! *configuration* is the subset that votes and counts in majorities. It lives
//! in the log as `EntryData::Config` entries, and a server uses the latest
//! configuration in its log, committed or not: it takes effect as soon as it is
//! appended, and reverts if that entry is truncated away (§4.1). Before any
//! configuration entry, the initial configuration is in force (every node of
//! the cluster unless the caller says otherwise), so a cluster that never
//! changes membership behaves exactly as one without this module.
//!
//! The leader changes one server at a time, and only
//! - once an entry of its own term has committed (otherwise a configuration
//!   entry of an older leader, not yet committed, could be lost while ours
//!   commits: the bug of the single-server algorithm, fixed as in the
//!   dissertation's errata by the new leader's no-op), and
//! - when the configuration in force is committed (one change at a time).
//!
//! A new server first catches up as a non-voter (§4.2.1): the leader replicates
//! to it in rounds; a round ends when the server holds what the leader held when
//! the round began. A round shorter than the minimum election timeout means it
//! is close enough: the leader appends the new configuration. After
//! [`MAX_CATCH_UP_ROUNDS`] rounds, or a round with no end in sight, it gives up.

use super::log::Log;
use super::types::{EntryData, LogIndex, NodeId, Time};
use serde::{Deserialize, Serialize};

/// A new server gets at most this many catch-up rounds.
pub const MAX_CATCH_UP_ROUNDS: u32 = 10;

/// A catch-up round that lasts this many minimum election timeouts means the
/// new server is unreachable or hopelessly slow: the leader gives up.
pub const CATCH_UP_ROUND_TIMEOUTS: u64 = 10;

/// A change a person or a scenario asks the leader for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipChange {
    AddServer(NodeId),
    RemoveServer(NodeId),
}

impl MembershipChange {
    pub fn server(self) -> NodeId {
        match self {
            MembershipChange::AddServer(s) | MembershipChange::RemoveServer(s) => s,
        }
    }
}

/// Why a leader refused a membership change (or gave up on one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum MembershipRefusal {
    /// Only the leader changes the configuration.
    NotLeader { leader_hint: Option<NodeId> },
    /// No entry of the leader's term has committed yet (the single-server
    /// change bug: an older leader's uncommitted change could be lost).
    NoCommitInTerm { term: u64 },
    /// The configuration entry at `index` is not committed yet, or a new server
    /// is still catching up: one change at a time.
    ChangeInProgress { index: LogIndex },
    /// The server to add is already a member, or the one to remove is not.
    NothingToChange { server: NodeId },
    /// The server is not a node of this cluster.
    UnknownServer { server: NodeId },
    /// The last member cannot be removed.
    LastMember { server: NodeId },
    /// A leadership transfer is under way.
    Transferring { to: NodeId },
}

impl MembershipRefusal {
    /// The refusal as a sentence.
    pub fn explain(&self) -> String {
        match self {
            MembershipRefusal::NotLeader {
                leader_hint: Some(l),
            } => {
                format!("only the leader changes the configuration (try node {l})")
            }
            MembershipRefusal::NotLeader { leader_hint: None } => {
                "only the leader changes the configuration, and none is known".into()
            }
            MembershipRefusal::NoCommitInTerm { term } => format!(
                "no entry of the leader's term {term} has committed yet, so an older change could still be lost"
            ),
            MembershipRefusal::ChangeInProgress { index } => format!(
                "one change at a time: the change at index {index} (or a catch-up) is still in progress"
            ),
            MembershipRefusal::NothingToChange { server } => {
                format!("node {server} is already where the change would put it")
            }
            MembershipRefusal::UnknownServer { server } => {
                format!("node {server} is not a node of this cluster")
            }
            MembershipRefusal::LastMember { server } => {
                format!("node {server} is the last member and cannot be removed")
            }
            MembershipRefusal::Transferring { to } => {
                format!("a leadership transfer to node {to} is under way")
            }
        }
    }
}

/// A new server catching up as a non-voter (§4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatchUp {
    pub server: NodeId,
    /// 1 for the first round.
    pub round: u32,
    /// The round ends when the server's matchIndex reaches this (the leader's
    /// last index when the round began).
    pub round_target: LogIndex,
    pub round_started: Time,
}

/// What a catch-up round's end (or a tick) asks the leader to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUpStep {
    /// Nothing yet.
    Wait,
    /// The server is close enough: append the new configuration.
    Append,
    /// Give up after this many rounds (the server is too slow or unreachable).
    GiveUp { rounds: u32 },
}

/// A membership step a node reports (observability: `NodeEvent::Membership`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum MembershipEvent {
    /// The configuration in force changed: the entry at `index` (0: the
    /// initial configuration, after a truncation) says `members`.
    ConfigInForce {
        index: LogIndex,
        members: Vec<NodeId>,
    },
    /// The leader began catching `server` up as a non-voter.
    CatchUpStarted { server: NodeId },
    /// The leader gave up on adding `server` after `rounds` catch-up rounds.
    CatchUpAbandoned { server: NodeId, rounds: u32 },
    /// The leader refused `change`.
    Refused {
        change: MembershipChange,
        refusal: MembershipRefusal,
    },
    /// A leader not in the configuration it committed stepped down (§4.2.2).
    RemovedLeaderSteppedDown { index: LogIndex },
}

/// The configuration a server uses, and the catch-up a leader runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    /// The configuration before any configuration entry, in id order.
    initial: Vec<NodeId>,
    /// The configuration in force, in id order. Invariant: the members of the
    /// last `Config` entry in the log, or `initial` if there is none.
    voters: Vec<NodeId>,
    /// The index of the configuration entry in force (0: the initial one).
    index: LogIndex,
    /// Leader only: the new server catching up, if any.
    catch_up: Option<CatchUp>,
}

impl Membership {
    pub fn new(initial: Vec<NodeId>) -> Self {
        let initial = sorted(initial);
        Membership {
            voters: initial.clone(),
            initial,
            index: 0,
            catch_up: None,
        }
    }

    pub fn voters(&self) -> &[NodeId] {
        &self.voters
    }

    pub fn initial(&self) -> &[NodeId] {
        &self.initial
    }

    /// The index of the configuration entry in force (0: the initial configuration).
    pub fn index(&self) -> LogIndex {
        self.index
    }

    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.binary_search(&id).is_ok()
    }

    /// Whether `count` voters are a majority of the configuration in force.
    pub fn is_majority(&self, count: usize) -> bool {
        count * 2 > self.voters.len()
    }

    /// How many of `ids` are voters.
    pub fn count_voters<'a>(&self, ids: impl Iterator<Item = &'a NodeId>) -> usize {
        ids.filter(|&&id| self.is_voter(id)).count()
    }

    pub fn catch_up(&self) -> Option<CatchUp> {
        self.catch_up
    }

    /// Changes the initial configuration and recomputes what is in force.
    /// Returns whether the configuration in force changed.
    pub fn set_initial(&mut self, initial: Vec<NodeId>, log: &Log) -> bool {
        self.initial = sorted(initial);
        self.rescan(log, log.last_index())
    }

    /// An entry was appended at `index`: a configuration entry takes effect now.
    pub fn after_append(&mut self, index: LogIndex, data: &EntryData) -> bool {
        let EntryData::Config { members } = data else {
            return false;
        };
        self.index = index;
        let old = std::mem::replace(&mut self.voters, sorted(members.clone()));
        old != self.voters
    }

    /// Entries from `from` on were removed: a configuration entry among them
    /// no longer holds, and the one before it (or the initial one) is back.
    pub fn after_truncate(&mut self, log: &Log, from: LogIndex) -> bool {
        if self.index < from {
            return false;
        }
        self.rescan(log, from.saturating_sub(1))
    }

    /// The whole log (or its snapshot) changed under us: after a snapshot was
    /// installed, the configuration in force is the last one the log or the
    /// snapshot holds. Returns whether the configuration in force changed.
    pub fn after_install(&mut self, log: &Log) -> bool {
        self.rescan(log, log.last_index())
    }

    /// Finds the last configuration entry at or before `upto`.
    fn rescan(&mut self, log: &Log, upto: LogIndex) -> bool {
        let (index, members) = config_at(log, &self.initial, upto);
        self.index = index;
        let old = std::mem::replace(&mut self.voters, members);
        old != self.voters
    }

    /// Starts the catch-up of `server` at `now`, the leader's log ending at `last_index`.
    pub fn start_catch_up(&mut self, server: NodeId, last_index: LogIndex, now: Time) {
        self.catch_up = Some(CatchUp {
            server,
            round: 1,
            round_target: last_index,
            round_started: now,
        });
    }

    /// The catch-up ends (done, given up, or leadership lost).
    pub fn end_catch_up(&mut self) {
        self.catch_up = None;
    }

    /// `server` now matches the leader up to `match_index`; the leader's log ends
    /// at `last_index`. A round that ended within `round_limit` (the minimum
    /// election timeout) means the server is close enough.
    pub fn on_match(
        &mut self,
        server: NodeId,
        match_index: LogIndex,
        last_index: LogIndex,
        now: Time,
        round_limit: Time,
    ) -> CatchUpStep {
        let Some(c) = &mut self.catch_up else {
            return CatchUpStep::Wait;
        };
        if c.server != server || match_index < c.round_target {
            return CatchUpStep::Wait;
        }
        if now - c.round_started < round_limit || match_index >= last_index {
            return CatchUpStep::Append;
        }
        if c.round >= MAX_CATCH_UP_ROUNDS {
            return CatchUpStep::GiveUp { rounds: c.round };
        }
        c.round += 1;
        c.round_target = last_index;
        c.round_started = now;
        CatchUpStep::Wait
    }

    /// A tick at `now`: a round that has lasted `CATCH_UP_ROUND_TIMEOUTS` round
    /// limits gives the catch-up up.
    pub fn on_tick(&self, now: Time, round_limit: Time) -> CatchUpStep {
        match self.catch_up {
            Some(c) if now >= c.round_started + CATCH_UP_ROUND_TIMEOUTS * round_limit => {
                CatchUpStep::GiveUp { rounds: c.round }
            }
            _ => CatchUpStep::Wait,
        }
    }

    /// The configuration `change` would put in force.
    pub fn changed(&self, change: MembershipChange) -> Vec<NodeId> {
        let mut members = self.voters.clone();
        match change {
            MembershipChange::AddServer(s) => members.push(s),
            MembershipChange::RemoveServer(s) => members.retain(|&m| m != s),
        }
        sorted(members)
    }

    /// Checks a change against the configuration in force; `cluster` is every
    /// node, `commit_index` the leader's, `uncommitted_term` the leader's term
    /// while no entry of it has committed (`None` once one has).
    pub fn check_change(
        &self,
        change: MembershipChange,
        cluster: &[NodeId],
        commit_index: LogIndex,
        uncommitted_term: Option<u64>,
    ) -> Result<(), MembershipRefusal> {
        let server = change.server();
        if !cluster.contains(&server) {
            return Err(MembershipRefusal::UnknownServer { server });
        }
        if let Some(term) = uncommitted_term {
            return Err(MembershipRefusal::NoCommitInTerm { term });
        }
        if self.index > commit_index || self.catch_up.is_some() {
            return Err(MembershipRefusal::ChangeInProgress { index: self.index });
        }
        let member = self.is_voter(server);
        match change {
            MembershipChange::AddServer(_) if member => {
                Err(MembershipRefusal::NothingToChange { server })
            }
            MembershipChange::RemoveServer(_) if !member => {
                Err(MembershipRefusal::NothingToChange { server })
            }
            MembershipChange::RemoveServer(_) if self.voters.len() == 1 => {
                Err(MembershipRefusal::LastMember { server })
            }
            _ => Ok(()),
        }
    }
}

/// The configuration as of index `upto` of `log`: `(index of its entry,
/// members)`. The last configuration entry at or before `upto` that the log
/// still holds; below the log's first entry, the one its snapshot recorded
/// (dissertation §5.1: a snapshot carries the latest configuration it covers,
/// because the entry itself is compacted away; its index stands for the
/// entry's); with neither, `initial` at index 0.
pub fn config_at(log: &Log, initial: &[NodeId], upto: LogIndex) -> (LogIndex, Vec<NodeId>) {
    for i in (log.offset() + 1..=upto).rev() {
        if let Some(EntryData::Config { members }) = log.get(i).map(|e| &e.data) {
            return (i, sorted(members.clone()));
        }
    }
    match log.snapshot() {
        Some(s) if s.last_index <= upto => (s.last_index, sorted(s.members.clone())),
        _ => (0, sorted(initial.to_vec())),
    }
}

fn sorted(mut ids: Vec<NodeId>) -> Vec<NodeId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}
