//! Everything that happens in a run, as typed events. The trace is these events
//! serialised one per line; the safety checker consumes the same stream, so what
//! it judges is exactly what a trace shows.

use crate::check::Violation;
use crate::kv::{ClientId, Op, OpResult};
use crate::raft::{
    Entry, EntryData, LogIndex, Message, NodeEvent, NodeId, PersistOp, RoleKind, Term, Time,
};
use serde::{Deserialize, Serialize};

/// A deterministic message id: the n-th message sent in the run (1-based).
/// Duplicates get fresh ids. Scenario links name messages by it ("drop message 17").
pub type MessageId = u64;

/// An endpoint on the simulated network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Address {
    Node(NodeId),
    Client(ClientId),
}

/// What travels on the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "payload", rename_all = "snake_case")]
pub enum Payload {
    /// A Raft message between two nodes.
    Raft(Message),
    /// A client asks a node to run `op`; `(client, seq)` identifies it across retries.
    ClientRequest { client: ClientId, seq: u64, op: Op },
    /// A node's answer to a client.
    ClientReply {
        client: ClientId,
        seq: u64,
        outcome: ClientOutcome,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClientOutcome {
    /// Committed and applied at `index`; `result` as the state machine returned it.
    Ok { index: LogIndex, result: OpResult },
    /// This node is not the leader; try `leader_hint` if known.
    NotLeader { leader_hint: Option<NodeId> },
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Random loss (the loss ratio knob).
    Loss,
    /// The link was cut by a partition or a one-way cut when it was sent or due.
    Partitioned,
    /// The receiving node was crashed.
    Crashed,
    /// A person (or a scenario) dropped it by hand.
    Manual,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Virtual time in microseconds.
    pub time: Time,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    // --- network ---
    Send {
        id: MessageId,
        from: Address,
        to: Address,
        deliver_at: Time,
        message: Payload,
    },
    Deliver {
        id: MessageId,
    },
    Drop {
        id: MessageId,
        reason: DropReason,
    },
    Duplicate {
        id: MessageId,
        copy: MessageId,
        deliver_at: Time,
    },

    // --- a node's state (as its Ready reported it) ---
    Role {
        node: NodeId,
        role: RoleKind,
        term: Term,
    },
    /// currentTerm / votedFor written to stable storage.
    HardState {
        node: NodeId,
        term: Term,
        voted_for: Option<NodeId>,
    },
    LogAppend {
        node: NodeId,
        index: LogIndex,
        entry: Entry,
    },
    /// Entries at `from` and after removed from the node's log.
    LogTruncate {
        node: NodeId,
        from: LogIndex,
    },
    Commit {
        node: NodeId,
        index: LogIndex,
    },
    Apply {
        node: NodeId,
        index: LogIndex,
        data: EntryData,
    },

    // --- clients ---
    ClientInvoke {
        client: ClientId,
        seq: u64,
        op: Op,
        to: NodeId,
    },
    ClientOk {
        client: ClientId,
        seq: u64,
        index: LogIndex,
        result: OpResult,
    },
    /// The client gave up on this attempt (timeout) and will retry elsewhere.
    ClientRetry {
        client: ClientId,
        seq: u64,
        to: NodeId,
    },
    /// The client gave up on the request for good (the run ended first).
    ClientFail {
        client: ClientId,
        seq: u64,
        reason: String,
    },

    // --- faults and actions ---
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    /// The directed link `from -> to` is cut (messages that way are dropped).
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Heal,
    ForceTimeout {
        node: NodeId,
    },
    /// A network knob or a broken-rule toggle changed; `detail` says which and to what.
    Setting {
        detail: String,
    },

    /// The safety checker found a broken invariant. In JSON the violation's own
    /// detection time is `detected_at`, so the line has one `time` key.
    #[serde(with = "violation_fields")]
    Violation(Violation),
}

/// A [`Violation`] inside an event: its fields flattened into the event line, with
/// `time` renamed `detected_at` (an event line already has a `time`).
mod violation_fields {
    use crate::check::{Property, Violation};
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

impl EventKind {
    /// The event for one change a node wrote to stable storage.
    pub fn persisted(node: NodeId, op: PersistOp) -> EventKind {
        match op {
            PersistOp::HardState { term, voted_for } => EventKind::HardState {
                node,
                term,
                voted_for,
            },
            PersistOp::Truncate { from } => EventKind::LogTruncate { node, from },
            PersistOp::Append { index, entry } => EventKind::LogAppend { node, index, entry },
        }
    }

    /// The event for a role change or a commit advance a node reported.
    pub fn from_node(node: NodeId, event: NodeEvent) -> EventKind {
        match event {
            NodeEvent::RoleChanged { role, term } => EventKind::Role { node, role, term },
            NodeEvent::CommitAdvanced { commit_index } => EventKind::Commit {
                node,
                index: commit_index,
            },
        }
    }
}
