//! A broken invariant, as a value.

use crate::raft::{LogIndex, NodeId, Term, Time};
use serde::{Deserialize, Serialize};

/// The properties the checker watches (raft-facts.md, "Safety properties").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    ElectionSafety,
    LeaderAppendOnly,
    LogMatching,
    LeaderCompleteness,
    StateMachineSafety,
    TermMonotonic,
    OneVotePerTerm,
    CommittedEntriesStable,
    AckedWritesDurable,
    /// Sweeps only: after the final heal a leader exists and client requests complete.
    Liveness,
}

impl Property {
    /// How many properties there are: [`Property::index`] is below it
    /// (`Liveness` must stay the last variant).
    pub const COUNT: usize = Property::Liveness as usize + 1;

    /// 0, 1, 2, ... in declaration order (the order `Ord` sorts in).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
            Property::TermMonotonic => "Terms never decrease",
            Property::OneVotePerTerm => "One vote per term",
            Property::CommittedEntriesStable => "Committed entries never change",
            Property::AckedWritesDurable => "Acknowledged writes are durable",
            Property::Liveness => "Liveness",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub property: Property,
    /// When it was detected (virtual microseconds).
    pub time: Time,
    /// The nodes involved, in id order.
    pub nodes: Vec<NodeId>,
    pub index: Option<LogIndex>,
    pub term: Option<Term>,
    /// One sentence a person can read.
    pub explanation: String,
}
