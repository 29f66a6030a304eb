//! The vocabulary of the paper: node ids, terms, log indexes and entries.

use crate::kv::Command;
use serde::{Deserialize, Serialize};

/// Node ids are 1..=N, as the paper's S1..S5.
pub type NodeId = u64;
/// A term number. Terms are the real clock: they only move forward.
pub type Term = u64;
/// A 1-based log index; 0 means "before the first entry".
pub type LogIndex = u64;
/// Virtual time as the caller measures it (the simulator uses microseconds).
pub type Time = u64;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EntryData {
    /// The entry a new leader appends on election (dissertation §6.4): it lets
    /// older-term entries commit without waiting for a client write.
    Noop,
    /// A client command for the state machine.
    Command(Command),
    /// A configuration (membership change, §4.1): the voting members from this
    /// entry on, in id order. In force as soon as appended (see `raft::membership`).
    Config { members: Vec<NodeId> },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub term: Term,
    pub data: EntryData,
}

impl Entry {
    pub fn noop(term: Term) -> Self {
        Entry {
            term,
            data: EntryData::Noop,
        }
    }

    pub fn command(term: Term, command: Command) -> Self {
        Entry {
            term,
            data: EntryData::Command(command),
        }
    }
}

/// The three roles, without their data (for views and events).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleKind {
    Follower,
    Candidate,
    Leader,
    /// PreVote only: asking whether a majority would vote, before raising the term.
    Precandidate,
}

impl RoleKind {
    pub fn name(self) -> &'static str {
        match self {
            RoleKind::Follower => "follower",
            RoleKind::Candidate => "candidate",
            RoleKind::Leader => "leader",
            RoleKind::Precandidate => "pre-candidate",
        }
    }
}
