//! Everything a node asks of the outside world, drained from one place.

use super::membership::MembershipEvent;
use super::message::Message;
use super::read_index::ReadyRead;
use super::reject::RejectReason;
use super::snapshot::Snapshot;
use super::types::{Entry, LogIndex, NodeId, RoleKind, Term};
use serde::{Deserialize, Serialize};

/// A change to stable storage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersistOp {
    /// `currentTerm` and `votedFor` changed.
    HardState {
        term: Term,
        voted_for: Option<NodeId>,
    },
    /// Remove the log entries at `from` and after.
    Truncate { from: LogIndex },
    /// Append `entry` at `index` (always the log's last index + 1).
    Append { index: LogIndex, entry: Entry },
    /// Store `snapshot` and compact the log up to its last index (see
    /// [`crate::raft::Log::compact`]): taken by the node itself, or installed
    /// from its leader.
    Snapshot { snapshot: Snapshot },
}

/// Something observable that is not a persistent change or a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeEvent {
    RoleChanged {
        role: RoleKind,
        term: Term,
    },
    CommitAdvanced {
        commit_index: LogIndex,
    },
    /// The node refused or ignored an input, and why. `from` is the peer whose
    /// message it was; `None` for a client's request or a person's action.
    Rejected {
        from: Option<NodeId>,
        reason: RejectReason,
    },
    /// CheckQuorum: a leader heard from too few peers (`heard_from`, itself not
    /// included) in the last election timeout, and steps down.
    QuorumLost {
        heard_from: Vec<NodeId>,
    },
    /// A leadership transfer to `to` began (the leader takes no new commands).
    TransferStarted {
        to: NodeId,
    },
    /// The transfer to `to` did not complete within an election timeout: the
    /// leader takes commands again.
    TransferAborted {
        to: NodeId,
    },
    /// A membership change step (only when membership changes are used).
    Membership(MembershipEvent),
}

/// The output of a node since it was last drained.
///
/// **Persist before send.** The caller must write every op in `persist`, in order,
/// to stable storage *before* sending any of `messages`: a vote granted or an
/// entry acknowledged is only a promise if it survives a crash. `apply` holds the
/// newly committed entries, in index order, each exactly once per incarnation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use = "persist, then send, then apply"]
pub struct Ready {
    pub persist: Vec<PersistOp>,
    pub messages: Vec<Message>,
    pub apply: Vec<(LogIndex, Entry)>,
    pub events: Vec<NodeEvent>,
    /// Reads that skip the log, to answer from the state machine once `apply`
    /// is applied (empty unless the read mode is ReadIndex or lease).
    pub reads: Vec<ReadyRead>,
    /// Log compaction: reset the state machine to this snapshot's state, before
    /// applying `apply` (which follows it). Set by an InstallSnapshot that
    /// replaced the log, and by a restart from a snapshot.
    pub restore: Option<Snapshot>,
}

impl Ready {
    pub fn is_empty(&self) -> bool {
        self.persist.is_empty()
            && self.messages.is_empty()
            && self.apply.is_empty()
            && self.events.is_empty()
            && self.reads.is_empty()
            && self.restore.is_none()
    }
}
