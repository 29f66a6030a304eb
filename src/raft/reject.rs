//! Why a node refused or ignored an input. Observability only: these values go
//! to `Ready::events` (and from there to the trace and the page), never on the
//! wire, and nothing in the protocol reads them.

use super::message::MessageBody;
use super::types::{LogIndex, NodeId, RoleKind, Term};
use crate::kv::ClientId;
use serde::{Deserialize, Serialize};

/// The four Raft messages by kind, for saying which one was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RaftMessageKind {
    RequestVote,
    RequestVoteReply,
    AppendEntries,
    AppendEntriesReply,
    PreVote,
    PreVoteReply,
    TimeoutNow,
    ReadHeartbeat,
    ReadHeartbeatReply,
    InstallSnapshot,
    InstallSnapshotReply,
}

impl RaftMessageKind {
    pub fn of(body: &MessageBody) -> Self {
        match body {
            MessageBody::RequestVote { .. } => RaftMessageKind::RequestVote,
            MessageBody::RequestVoteReply { .. } => RaftMessageKind::RequestVoteReply,
            MessageBody::AppendEntries { .. } => RaftMessageKind::AppendEntries,
            MessageBody::AppendEntriesReply { .. } => RaftMessageKind::AppendEntriesReply,
            MessageBody::PreVote { .. } => RaftMessageKind::PreVote,
            MessageBody::PreVoteReply { .. } => RaftMessageKind::PreVoteReply,
            MessageBody::TimeoutNow => RaftMessageKind::TimeoutNow,
            MessageBody::ReadHeartbeat { .. } => RaftMessageKind::ReadHeartbeat,
            MessageBody::ReadHeartbeatReply { .. } => RaftMessageKind::ReadHeartbeatReply,
            MessageBody::InstallSnapshot { .. } => RaftMessageKind::InstallSnapshot,
            MessageBody::InstallSnapshotReply { .. } => RaftMessageKind::InstallSnapshotReply,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RaftMessageKind::RequestVote => "RequestVote",
            RaftMessageKind::RequestVoteReply => "RequestVoteReply",
            RaftMessageKind::AppendEntries => "AppendEntries",
            RaftMessageKind::AppendEntriesReply => "AppendEntriesReply",
            RaftMessageKind::PreVote => "PreVote",
            RaftMessageKind::PreVoteReply => "PreVoteReply",
            RaftMessageKind::TimeoutNow => "TimeoutNow",
            RaftMessageKind::ReadHeartbeat => "ReadHeartbeat",
            RaftMessageKind::ReadHeartbeatReply => "ReadHeartbeatReply",
            RaftMessageKind::InstallSnapshot => "InstallSnapshot",
            RaftMessageKind::InstallSnapshotReply => "InstallSnapshotReply",
        }
    }

    /// A request is refused with a negative reply; a reply is only ignored.
    pub fn is_request(self) -> bool {
        matches!(
            self,
            RaftMessageKind::RequestVote
                | RaftMessageKind::AppendEntries
                | RaftMessageKind::PreVote
                | RaftMessageKind::TimeoutNow
                | RaftMessageKind::ReadHeartbeat
                | RaftMessageKind::InstallSnapshot
        )
    }
}

/// Why a node refused (answered "no") or ignored (did nothing with) an input.
/// One variant per refusal or ignore path of [`super::Node`]; each carries the
/// values a person needs to see why, e.g. both terms of a stale message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RejectReason {
    /// The message's `term` is older than our `current_term`. A request is
    /// refused with our term (which tells its sender it is out of date); a
    /// reply answers a question we no longer ask and is ignored.
    StaleTerm {
        message: RaftMessageKind,
        term: Term,
        current_term: Term,
    },
    /// A RequestVote refused: we already voted for `voted_for` in `term`.
    AlreadyVoted { voted_for: NodeId, term: Term },
    /// A RequestVote refused: the candidate's last entry (`last_log_term`,
    /// `last_log_index`) is less up to date than ours (§5.4.1).
    LogNotUpToDate {
        last_log_term: Term,
        last_log_index: LogIndex,
        our_last_term: Term,
        our_last_index: LogIndex,
    },
    /// An AppendEntries refused: our log ends at `last_index`, before `prev_log_index`.
    MissingEntry {
        prev_log_index: LogIndex,
        last_index: LogIndex,
    },
    /// An AppendEntries refused: our entry at `prev_log_index` has `our_term`,
    /// not the leader's `prev_log_term`.
    TermMismatch {
        prev_log_index: LogIndex,
        prev_log_term: Term,
        our_term: Term,
    },
    /// An AppendEntries ignored: we are the leader of this `term` ourselves (two
    /// leaders in one term only exist in a broken run).
    RivalLeader { term: Term },
    /// A reply ignored because we no longer hold the role that asked for it:
    /// a vote after the election ended (`expected` candidate), or an
    /// AppendEntries reply to a node that is no longer leader.
    WrongRole {
        message: RaftMessageKind,
        expected: RoleKind,
        role: RoleKind,
    },
    /// An AppendEntries rejection ignored: it answers the probe at
    /// `rejected_index`, but we have moved on (nextIndex is `next_index`).
    StaleRejection {
        rejected_index: LogIndex,
        next_index: LogIndex,
    },
    /// A client's request refused: only the leader appends commands; try
    /// `leader_hint` if known.
    NotLeader {
        client: ClientId,
        seq: u64,
        leader_hint: Option<NodeId>,
    },
    /// A forced election timeout ignored: a leader has no election timer.
    LeaderHasNoElectionTimer,
    /// A message not addressed to us (`to`), or from a node outside the
    /// cluster or from ourselves: ignored.
    Misaddressed { to: NodeId },
    /// BROKEN RULE (`IgnoreHigherTermReply`): a reply of the higher `term`
    /// ignored, where it must have made us adopt it and step down.
    HigherTermReplyIgnored {
        message: RaftMessageKind,
        term: Term,
        current_term: Term,
    },
    /// A PreVote refused, or (CheckQuorum) a RequestVote of the higher `term`
    /// ignored: we heard from `leader` within the minimum election timeout, so
    /// the cluster has a working leader and needs no election.
    LeaderInLease {
        message: RaftMessageKind,
        term: Term,
        leader: NodeId,
    },
    /// A PreVote refused: the pre-candidate's last entry is less up to date
    /// than ours (the same test as for a vote, §5.4.1).
    PreVoteLogNotUpToDate {
        last_log_term: Term,
        last_log_index: LogIndex,
        our_last_term: Term,
        our_last_index: LogIndex,
    },
    /// A client's request refused: the leader is handing its leadership to `to`
    /// (§3.10) and takes no new commands meanwhile.
    TransferInProgress {
        client: ClientId,
        seq: u64,
        to: NodeId,
    },
    /// A leadership transfer to `to` refused: only a leader can transfer, and
    /// not to itself (`role` is ours).
    CannotTransfer { to: NodeId, role: RoleKind },
    /// Membership changes only: `candidate` is not in the configuration in
    /// force, so its RequestVote is ignored (its term not adopted), or (when
    /// it is this node) its election timer fired or was forced and it does not
    /// stand.
    NotAVoter {
        message: Option<RaftMessageKind>,
        candidate: NodeId,
    },
    /// Lease reads: a RequestVote of the higher `term` ignored by a node that
    /// restarted less than a minimum election timeout ago. Before its crash it
    /// may have answered a leader's lease round; it keeps that promise.
    RestartFence { term: Term },
    /// A client's read refused: only the leader answers reads that skip the
    /// log; try `leader_hint` if known.
    NotLeaderForRead {
        client: ClientId,
        seq: u64,
        leader_hint: Option<NodeId>,
    },
    /// An InstallSnapshot ignored: it covers only up to `index`, which we
    /// have committed already (`commit_index`); answered with our commit index.
    StaleSnapshot {
        index: LogIndex,
        commit_index: LogIndex,
    },
}

impl RejectReason {
    /// Whether the node answered "no" (a negative reply, or a refusal to a
    /// client) rather than doing nothing at all.
    pub fn answered(&self) -> bool {
        match self {
            RejectReason::StaleTerm { message, .. } => message.is_request(),
            RejectReason::AlreadyVoted { .. }
            | RejectReason::LogNotUpToDate { .. }
            | RejectReason::MissingEntry { .. }
            | RejectReason::TermMismatch { .. }
            | RejectReason::NotLeader { .. }
            | RejectReason::PreVoteLogNotUpToDate { .. }
            | RejectReason::TransferInProgress { .. }
            | RejectReason::NotLeaderForRead { .. } => true,
            RejectReason::LeaderInLease { message, .. } => *message == RaftMessageKind::PreVote,
            RejectReason::RivalLeader { .. }
            | RejectReason::WrongRole { .. }
            | RejectReason::StaleRejection { .. }
            | RejectReason::LeaderHasNoElectionTimer
            | RejectReason::Misaddressed { .. }
            | RejectReason::HigherTermReplyIgnored { .. }
            | RejectReason::CannotTransfer { .. }
            | RejectReason::NotAVoter { .. }
            | RejectReason::RestartFence { .. }
            | RejectReason::StaleSnapshot { .. } => false,
        }
    }

    /// The Raft message refused or ignored, when the reason implies one.
    pub fn message(&self) -> Option<RaftMessageKind> {
        match self {
            RejectReason::StaleTerm { message, .. }
            | RejectReason::WrongRole { message, .. }
            | RejectReason::HigherTermReplyIgnored { message, .. }
            | RejectReason::LeaderInLease { message, .. } => Some(*message),
            RejectReason::PreVoteLogNotUpToDate { .. } => Some(RaftMessageKind::PreVote),
            RejectReason::AlreadyVoted { .. } | RejectReason::LogNotUpToDate { .. } => {
                Some(RaftMessageKind::RequestVote)
            }
            RejectReason::MissingEntry { .. }
            | RejectReason::TermMismatch { .. }
            | RejectReason::RivalLeader { .. } => Some(RaftMessageKind::AppendEntries),
            RejectReason::StaleRejection { .. } => Some(RaftMessageKind::AppendEntriesReply),
            RejectReason::StaleSnapshot { .. } => Some(RaftMessageKind::InstallSnapshot),
            RejectReason::NotLeader { .. }
            | RejectReason::LeaderHasNoElectionTimer
            | RejectReason::Misaddressed { .. }
            | RejectReason::TransferInProgress { .. }
            | RejectReason::CannotTransfer { .. }
            | RejectReason::NotLeaderForRead { .. } => None,
            RejectReason::NotAVoter { message, .. } => *message,
            RejectReason::RestartFence { .. } => Some(RaftMessageKind::RequestVote),
        }
    }

    /// The reason's name as the trace spells it (its `kind`: `stale_term`, …).
    pub fn name(&self) -> &'static str {
        match self {
            RejectReason::StaleTerm { .. } => "stale_term",
            RejectReason::AlreadyVoted { .. } => "already_voted",
            RejectReason::LogNotUpToDate { .. } => "log_not_up_to_date",
            RejectReason::MissingEntry { .. } => "missing_entry",
            RejectReason::TermMismatch { .. } => "term_mismatch",
            RejectReason::RivalLeader { .. } => "rival_leader",
            RejectReason::WrongRole { .. } => "wrong_role",
            RejectReason::StaleRejection { .. } => "stale_rejection",
            RejectReason::NotLeader { .. } => "not_leader",
            RejectReason::LeaderHasNoElectionTimer => "leader_has_no_election_timer",
            RejectReason::Misaddressed { .. } => "misaddressed",
            RejectReason::HigherTermReplyIgnored { .. } => "higher_term_reply_ignored",
            RejectReason::LeaderInLease { .. } => "leader_in_lease",
            RejectReason::PreVoteLogNotUpToDate { .. } => "pre_vote_log_not_up_to_date",
            RejectReason::TransferInProgress { .. } => "transfer_in_progress",
            RejectReason::CannotTransfer { .. } => "cannot_transfer",
            RejectReason::NotAVoter { .. } => "not_a_voter",
            RejectReason::RestartFence { .. } => "restart_fence",
            RejectReason::NotLeaderForRead { .. } => "not_leader_for_read",
            RejectReason::StaleSnapshot { .. } => "stale_snapshot",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serde_tags() {
        let reasons = [
            RejectReason::StaleTerm {
                message: RaftMessageKind::RequestVote,
                term: 3,
                current_term: 5,
            },
            RejectReason::LeaderHasNoElectionTimer,
            RejectReason::NotLeader {
                client: 0,
                seq: 1,
                leader_hint: Some(4),
            },
        ];
        for r in reasons {
            let json = serde_json::to_value(&r).unwrap();
            assert_eq!(json["kind"], r.name());
            let back: RejectReason = serde_json::from_value(json).unwrap();
            assert_eq!(back, r);
        }
    }
}
