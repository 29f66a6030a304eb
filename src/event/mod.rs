//! The trace vocabulary: everything that happens in a run, as typed events. The
//! trace is these events serialised one per line; the safety checker consumes the
//! same stream, so what it judges is exactly what a trace shows.
//!
//! This is the floor just above `raft`, `kv` and `rng`: the checker (`check`),
//! the simulator (`sim`) and everything above them speak it, and it imports none
//! of them.
//!
//! - [`Event`], [`EventKind`]: one line of the trace.
//! - [`Address`], [`Payload`], [`MessageKind`], [`MessageSummary`]: what travels
//!   on the network, and its kind (one list for Rust, the page and JavaScript).
//! - [`Violation`], [`Property`]: a broken invariant, as a value.
//! - [`describe`]: the few words about ops, entries and times that the checker's
//!   sentences and the page's texts share.

pub mod describe;
mod message;
mod violation;

pub use message::{
    Address, ClientOutcome, DropReason, MessageId, MessageKind, MessageSummary, Payload,
};
pub use violation::{Property, Violation};

use crate::kv::{ClientId, Op, OpResult};
use crate::raft::{
    Entry, EntryData, LogIndex, NodeEvent, NodeId, PersistOp, RejectReason, RoleKind, Term, Time,
};
use serde::{Deserialize, Serialize};

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
    /// The node refused or ignored an input, and why (observability only: never
    /// on the wire). `from` is the peer whose message it was, `None` for a
    /// client's request (the reason names the client) or a person's action.
    Rejected {
        node: NodeId,
        from: Option<NodeId>,
        reason: RejectReason,
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
    /// CheckQuorum: the leader heard from only `heard_from` (itself not
    /// included) in the last election timeout, not a majority, and steps down.
    QuorumLost {
        node: NodeId,
        heard_from: Vec<NodeId>,
    },
    /// Leader `node` began handing its leadership to `to` (§3.10).
    TransferStart {
        node: NodeId,
        to: NodeId,
    },
    /// The transfer to `to` did not complete within an election timeout.
    TransferAbort {
        node: NodeId,
        to: NodeId,
    },
    /// A membership change step (single-server change, §4.1–4.2): only in
    /// runs that change the membership.
    Membership {
        node: NodeId,
        step: crate::raft::MembershipEvent,
    },
    /// The node is paused (a garbage-collection stop-the-world): it handles
    /// nothing and its timers do not fire; messages to it wait.
    Pause {
        node: NodeId,
    },
    /// The paused node runs again; `backlog` messages waited for it, which it
    /// now handles in arrival order.
    Resume {
        node: NodeId,
        backlog: u64,
    },
    /// Reads off the log (ReadIndex, lease): leader `node` answers client
    /// `client`'s read `seq` from its state machine, applied up to
    /// `read_index`; `lease` when its lease, not a heartbeat round, confirmed
    /// its leadership. Only with a read mode other than `log`.
    ReadServe {
        node: NodeId,
        client: ClientId,
        seq: u64,
        read_index: LogIndex,
        lease: bool,
    },
    /// The node's clock now runs at `permille` thousandths of real time
    /// (clock drift: 2000 = its timers run out twice as fast).
    ClockRate {
        node: NodeId,
        permille: u64,
    },
    /// Log compaction: the node wrote a snapshot to stable storage (taken of its
    /// own state machine, or installed from its leader) covering `1..=index`,
    /// whose last entry has `term`, and dropped its log up to there. `digest`
    /// fingerprints the snapshot's state machine (`KvStore::digest`).
    Snapshot {
        node: NodeId,
        index: LogIndex,
        term: Term,
        digest: u64,
    },
    /// Log compaction: the node's state machine was reset from its snapshot at
    /// `index` (an installed snapshot, or a restart); `digest` fingerprints the
    /// state machine as it now is.
    SnapshotRestore {
        node: NodeId,
        index: LogIndex,
        digest: u64,
    },
    /// A network knob or a broken-rule toggle changed; `detail` says which and to what.
    Setting {
        detail: String,
    },

    /// The safety checker found a broken invariant. In JSON the violation's own
    /// detection time is `detected_at`, so the line has one `time` key.
    #[serde(with = "violation::event_fields")]
    Violation(Violation),
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
            PersistOp::Snapshot { snapshot } => EventKind::Snapshot {
                node,
                index: snapshot.last_index,
                term: snapshot.last_term,
                digest: snapshot.digest(),
            },
        }
    }

    /// The event for a role change, a commit advance or a rejection a node reported.
    pub fn from_node(node: NodeId, event: NodeEvent) -> EventKind {
        match event {
            NodeEvent::RoleChanged { role, term } => EventKind::Role { node, role, term },
            NodeEvent::CommitAdvanced { commit_index } => EventKind::Commit {
                node,
                index: commit_index,
            },
            NodeEvent::Rejected { from, reason } => EventKind::Rejected { node, from, reason },
            NodeEvent::QuorumLost { heard_from } => EventKind::QuorumLost { node, heard_from },
            NodeEvent::TransferStarted { to } => EventKind::TransferStart { node, to },
            NodeEvent::TransferAborted { to } => EventKind::TransferAbort { node, to },
            NodeEvent::Membership(step) => EventKind::Membership { node, step },
        }
    }
}
