//! The two RPCs of Figure 2 and their replies, as one-way messages.

use super::snapshot::Snapshot;
use super::types::{Entry, LogIndex, NodeId, Term};
use serde::{Deserialize, Serialize};

/// Every message carries the sender's term: that is how terms act as a clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub from: NodeId,
    pub to: NodeId,
    pub term: Term,
    pub body: MessageBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum MessageBody {
    RequestVote {
        last_log_index: LogIndex,
        last_log_term: Term,
        /// Sent by a leadership transfer's target (after TimeoutNow, §3.10): the
        /// vote is granted even by a follower that heard from its leader recently
        /// (CheckQuorum's leader stickiness). Absent from JSON when false.
        #[serde(default, skip_serializing_if = "is_false")]
        transfer: bool,
    },
    RequestVoteReply {
        vote_granted: bool,
    },
    AppendEntries {
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: LogIndex,
    },
    /// PreVote (§9.6): "would you vote for me?" The message's term is the one the
    /// pre-candidate would stand in (its term + 1); nobody adopts it.
    PreVote {
        last_log_index: LogIndex,
        last_log_term: Term,
    },
    /// The answer to a PreVote. Granted: the message carries the asked-for term,
    /// which the pre-candidate does not adopt. Refused: the refuser's own term.
    PreVoteReply {
        vote_granted: bool,
    },
    /// A leader transferring its leadership (§3.10) tells the target to start an
    /// election at once.
    TimeoutNow,
    /// ReadIndex and lease reads (§6.4): a leader's heartbeat of confirmation
    /// round `round`. The receiver treats it as word from its leader (resets
    /// its election timer) and answers. Only sent when reads skip the log.
    ReadHeartbeat {
        round: u64,
    },
    /// The answer to a `ReadHeartbeat`: in the leader's term, it confirms the
    /// leader still led when the round was sent.
    ReadHeartbeatReply {
        round: u64,
    },
    AppendEntriesReply {
        success: bool,
        /// On success: `prev_log_index + entries.len()` of the request being answered,
        /// the highest index this request proved to match. The leader takes its
        /// matchIndex from this, never from the follower's log length.
        match_index: LogIndex,
        /// On failure: the request's `prev_log_index`, so the leader can ignore a
        /// late rejection of a probe it has moved past.
        rejected_index: LogIndex,
        /// On failure: where the leader should look next (one round trip per term
        /// instead of one per entry).
        hint: Option<ConflictHint>,
    },
    /// Log compaction (ch. 5): the leader no longer holds the entries this
    /// follower needs next, so it sends the snapshot that replaced them (in one
    /// piece: the state machine here is small).
    InstallSnapshot {
        snapshot: Snapshot,
    },
    /// The answer to an InstallSnapshot: the follower's log now matches the
    /// leader's up to `match_index` (the snapshot's last index, or the follower's
    /// commit index when the snapshot was stale).
    InstallSnapshotReply {
        match_index: LogIndex,
    },
}

/// A follower's hint after a failed log-consistency check (dissertation §5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictHint {
    /// The term of the follower's entry at `prev_log_index`, or `None` when its
    /// log is shorter than that.
    pub term: Option<Term>,
    /// The first index the follower holds with `term`; or, when `term` is
    /// `None`, its last index + 1.
    pub index: LogIndex,
}

impl MessageBody {
    /// A request (RequestVote, AppendEntries) rather than a reply. Names and
    /// the heartbeat distinction live in `event::MessageKind`.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            MessageBody::RequestVote { .. }
                | MessageBody::AppendEntries { .. }
                | MessageBody::PreVote { .. }
                | MessageBody::TimeoutNow
                | MessageBody::ReadHeartbeat { .. }
                | MessageBody::InstallSnapshot { .. }
        )
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}
