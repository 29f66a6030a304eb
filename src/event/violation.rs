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
    /// A node that received a message of term T never sends one of a lower term
    /// (Figure 2: a higher term in any request or reply is adopted at once).
    HigherTermAdopted,
    /// The clients' history (invokes, answers, requests never answered) is
    /// linearizable, key by key. Judged at `Checker::flush`.
    Linearizable,
    /// Membership changes: an index a leader commits is held by a majority of
    /// the leader's configuration in force.
    CommittedByMajority,
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
            Property::HigherTermAdopted => "A higher term is adopted at once",
            Property::Linearizable => "Linearizability",
            Property::CommittedByMajority => "Committed by a majority of the configuration",
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

/// A [`Violation`] inside an event: its fields flattened into the event line, with
/// `time` renamed `detected_at` (an event line already has a `time`).
pub(super) mod event_fields {
    use super::{Property, Violation};
    use crate::raft::{LogIndex, NodeId, Term, Time};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize)]
    struct Ref<'a> {
        property: Property,
        detected_at: Time,
        nodes: &'a [NodeId],
        index: Option<LogIndex>,
        term: Option<Term>,
        explanation: &'a str,
    }

    #[derive(Deserialize)]
    struct Owned {
        property: Property,
        detected_at: Time,
        nodes: Vec<NodeId>,
        index: Option<LogIndex>,
        term: Option<Term>,
        explanation: String,
    }

    pub fn serialize<S: Serializer>(v: &Violation, s: S) -> Result<S::Ok, S::Error> {
        Ref {
            property: v.property,
            detected_at: v.time,
            nodes: &v.nodes,
            index: v.index,
            term: v.term,
            explanation: &v.explanation,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Violation, D::Error> {
        let o = Owned::deserialize(d)?;
        Ok(Violation {
            property: o.property,
            time: o.detected_at,
            nodes: o.nodes,
            index: o.index,
            term: o.term,
            explanation: o.explanation,
        })
    }
}
