//! The node's side of reads that skip the log (§6.4; the bookkeeping is
//! [`crate::raft::read_index`]): taking a read, the `ReadHeartbeat` rounds,
//! the lease, and handing out the reads that can be answered. Nothing here
//! runs while the read mode is `log`.

use super::{Node, ProposeError, Role};
use crate::kv::Command;
use crate::raft::message::MessageBody;
use crate::raft::read_index::{ReadMode, ReadOnly};
use crate::raft::reject::{RaftMessageKind, RejectReason};
use crate::raft::types::{LogIndex, NodeId, RoleKind, Term, Time};

impl Node {
    /// A client's read (a `get`) that skips the log. Only the leader takes
    /// it: within its lease (lease mode) it is confirmed at once; otherwise a
    /// round of `ReadHeartbeat`s must confirm it. It comes out of
    /// [`Node::take_ready`] in `Ready::reads` once the leader has committed an
    /// entry of its term and applied up to the read index.
    pub fn read(&mut self, now: Time, command: Command) -> Result<(), ProposeError> {
        if !matches!(self.role, Role::Leader { .. }) {
            let leader_hint = self.client_leader_hint();
            let reason = RejectReason::NotLeaderForRead {
                client: command.client,
                seq: command.seq,
                leader_hint,
            };
            self.reject(None, reason);
            return Err(ProposeError::NotLeader { leader_hint });
        }
        let in_lease = self.config.read_mode == ReadMode::Lease && self.lease_holds(now);
        let round = if in_lease {
            None
        } else {
            let shared = self.read_only().and_then(|r| r.round_sent_at(now));
            Some(shared.unwrap_or_else(|| self.send_read_round(now)))
        };
        if let Some(reads) = self.read_only_mut() {
            reads.add(command, round);
        }
        Ok(())
    }

    /// Whether this leader's lease holds at `now` (lease mode).
    pub fn lease_holds(&self, now: Time) -> bool {
        self.lease_end().is_some_and(|end| now < end)
    }

    /// When the lease ends, in real time, if the leader has one.
    pub fn lease_end(&self) -> Option<Time> {
        if self.config.read_mode != ReadMode::Lease {
            return None;
        }
        let lease = self.local(self.config.lease_duration());
        self.read_only()?.lease_end(lease)
    }

    /// Reads waiting at this leader (0 elsewhere).
    pub fn reads_waiting(&self) -> usize {
        self.read_only().map_or(0, ReadOnly::waiting)
    }

    /// Sends a new confirmation round to every peer; returns its number.
    fn send_read_round(&mut self, now: Time) -> u64 {
        // Majorities of the configuration in force (all members unless a
        // membership change is in use).
        let cluster = self.membership.voters().len();
        let Some(reads) = self.read_only_mut() else {
            return 0;
        };
        let round = reads.start_round(now, cluster);
        for peer in self.peers() {
            self.send(peer, MessageBody::ReadHeartbeat { round });
        }
        round
    }

    /// The heartbeat timer fired at a leader: in lease mode every heartbeat
    /// renews the lease with a round; in ReadIndex mode a round goes out again
    /// while a read still waits for one (the last may have been lost).
    pub(super) fn read_heartbeat(&mut self, now: Time) {
        let renew = match self.config.read_mode {
            ReadMode::Log => false,
            ReadMode::ReadIndex => self.read_only().is_some_and(ReadOnly::awaits_round),
            ReadMode::Lease => true,
        };
        if renew {
            self.send_read_round(now);
        }
    }

    /// A `ReadHeartbeat` of our term: word from the leader, like an empty
    /// AppendEntries (its lease rests on our election timer and stickiness
    /// counting from here). Answered with the same round.
    pub(super) fn handle_read_heartbeat(&mut self, now: Time, leader: NodeId, round: u64) {
        if !self.heard_from_leader(now, leader) {
            return;
        }
        self.send(leader, MessageBody::ReadHeartbeatReply { round });
    }

    /// A peer answered round `round` in our term.
    pub(super) fn handle_read_heartbeat_reply(&mut self, from: NodeId, round: u64) {
        let cluster = self.membership.voters().len();
        let voter = self.membership.is_voter(from);
        let Some(reads) = self.read_only_mut() else {
            let kind = RaftMessageKind::ReadHeartbeatReply;
            return self.reject_for_role(from, kind, RoleKind::Leader);
        };
        // Only voters of the configuration in force confirm leadership; the
        // answer of a server being caught up (or removed) counts for nothing.
        if voter {
            reads.answer(from, round, cluster);
        }
    }

    /// Moves the reads that can be answered now into the `Ready`: leadership
    /// confirmed, an entry of this term committed (the read index is the
    /// commit index then), and applied up to the read index.
    pub(super) fn release_reads(&mut self) {
        let term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
        let commit: Option<LogIndex> = term_committed.then_some(self.commit_index);
        let applied = self.last_applied;
        let Some(reads) = self.read_only_mut() else {
            return;
        };
        let ready = reads.release(commit, applied);
        self.ready.reads.extend(ready);
    }

    /// Lease reads: a RequestVote of `term` that a node restarted less than a
    /// minimum election timeout ago must not grant. Returns the refusal.
    pub(super) fn restart_fence(&self, now: Time, term: Term) -> Option<RejectReason> {
        let restarted_at = self.restarted_at?;
        let fenced = self.config.read_mode == ReadMode::Lease
            && now < restarted_at + self.local(self.config.election_timeout_min);
        fenced.then_some(RejectReason::RestartFence { term })
    }

    fn read_only(&self) -> Option<&ReadOnly> {
        match &self.role {
            Role::Leader { reads, .. } => Some(reads),
            _ => None,
        }
    }

    fn read_only_mut(&mut self) -> Option<&mut ReadOnly> {
        match &mut self.role {
            Role::Leader { reads, .. } => Some(reads),
            _ => None,
        }
    }
}
