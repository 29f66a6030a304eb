//! One Raft server, sans IO: the caller passes messages and time in and drains
//! [`Ready`] out. Follows Figure 2 of the paper; `BROKEN RULE` marks the only
//! places where a toggle from [`super::bugs`] changes behaviour.

use super::bugs::{Bug, Bugs};
use super::config::Config;
use super::log::Log;
use super::membership::Membership;
use super::message::{ConflictHint, Message, MessageBody};
use super::read_index::ReadOnly;
use super::ready::{NodeEvent, PersistOp, Ready};
use super::reject::{RaftMessageKind, RejectReason};
use super::types::{Entry, LogIndex, NodeId, RoleKind, Term, Time};
use crate::kv::Command;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod compaction;
mod reads;
mod reconfigure;

/// What survives a crash (Figure 2, "Persistent state on all servers").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistentState {
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
    pub log: Log,
}

impl PersistentState {
    /// Applies one op, as stable storage would.
    pub fn apply(&mut self, op: &PersistOp) {
        match op {
            PersistOp::HardState { term, voted_for } => {
                self.current_term = *term;
                self.voted_for = *voted_for;
            }
            PersistOp::Truncate { from } => self.log.truncate_from(*from),
            PersistOp::Append { index, entry } => {
                debug_assert_eq!(*index, self.log.last_index() + 1, "appends are contiguous");
                self.log.append(entry.clone());
            }
            PersistOp::Snapshot { snapshot } => self.log.compact(snapshot.clone()),
        }
    }
}

/// A leader's view of one follower (Figure 2, "Volatile state on leaders").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The next entry to send. Invariant: `match_index < next_index`.
    pub next_index: LogIndex,
    /// The highest entry known to be replicated there. Never moves backwards.
    pub match_index: LogIndex,
}

/// The role, with the data that only makes sense in that role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Follower {
        /// The leader of the current term, once heard from.
        leader: Option<NodeId>,
    },
    Candidate {
        /// Who granted a vote in this term (self included).
        votes: Votes,
    },
    Leader {
        /// One entry per other member, in id order.
        progress: BTreeMap<NodeId, Progress>,
        heartbeat_deadline: Time,
        /// CheckQuorum: the peers heard from (any message of our term) since
        /// `quorum_deadline` was last set.
        heard_from: Votes,
        /// CheckQuorum: when the leader next counts `heard_from` (one minimum
        /// election timeout after the last count). Ignored unless CheckQuorum is on.
        quorum_deadline: Time,
        /// A leadership transfer under way (§3.10), if any.
        transfer: Option<Transfer>,
        /// Reads that skip the log (§6.4): confirmation rounds, the lease,
        /// reads waiting. Untouched while the read mode is `log`.
        reads: ReadOnly,
    },
    /// PreVote (§9.6): the election timer fired and the node asks whether a
    /// majority would vote for it in `current_term + 1`; its term is unchanged.
    Precandidate {
        /// Who would grant a vote (self included).
        votes: Votes,
    },
}

/// A leader handing its leadership to `to` (§3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub to: NodeId,
    /// The transfer is abandoned if the leader still leads then.
    pub deadline: Time,
}

/// A candidate's granted votes: node ids in id order, each once. A sorted Vec,
/// not a BTreeSet: a cluster has at most 9 nodes, and the wasm carries one
/// B-tree instantiation less (README, "Page weight").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Votes(Vec<NodeId>);

impl Votes {
    fn of(id: NodeId) -> Self {
        Votes(vec![id])
    }

    fn none() -> Self {
        Votes(Vec::new())
    }

    /// Adds `id`, unless it voted already.
    fn insert(&mut self, id: NodeId) {
        if let Err(at) = self.0.binary_search(&id) {
            self.0.insert(at, id);
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The voters in id order.
    pub fn iter(&self) -> impl Iterator<Item = &NodeId> + '_ {
        self.0.iter()
    }
}

/// Why a proposal was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposeError {
    /// Only the leader appends client commands; try the hinted node if any.
    NotLeader { leader_hint: Option<NodeId> },
    /// The leader is handing its leadership to `to` (§3.10); try there soon.
    Transferring { to: NodeId },
}

#[derive(Clone, Debug)]
pub struct Node {
    id: NodeId,
    /// Every node of the cluster, self included, in id order.
    members: Vec<NodeId>,
    /// The configuration in force: who votes and counts in majorities (all of
    /// `members` unless membership changes are used; see `raft::membership`).
    membership: Membership,
    config: Config,
    bugs: Bugs,
    rng: Rng,

    // Persistent state. Every change is also pushed to `ready.persist`.
    current_term: Term,
    voted_for: Option<NodeId>,
    log: Log,

    // Volatile state on all servers.
    /// Highest index known committed. Invariant: never decreases within an incarnation.
    commit_index: LogIndex,
    /// Highest index handed out in `Ready::apply`. Invariant: `last_applied <= commit_index`.
    last_applied: LogIndex,
    role: Role,
    /// When a follower or candidate gives up on the leader and stands for election.
    election_deadline: Time,
    /// When a follower last heard from the leader of its current term (None
    /// since the term began): PreVote and leader stickiness ask whether that
    /// was within the minimum election timeout.
    leader_contact: Option<Time>,
    /// How fast this node's clock runs, in thousandths of real time (1000 =
    /// exact; 2000 = its timers run out twice as fast). Volatile: the simulator
    /// sets it again after a restart.
    clock_permille: u64,
    /// When this node came back from a crash (None if it never held a term):
    /// with lease reads it grants no vote for a minimum election timeout after
    /// (`reads::restart_fence`). Volatile.
    restarted_at: Option<Time>,

    ready: Ready,
}

impl Node {
    /// A fresh member of a cluster, with an empty log, at time `now`.
    pub fn new(
        id: NodeId,
        members: Vec<NodeId>,
        config: Config,
        bugs: Bugs,
        rng: Rng,
        now: Time,
    ) -> Self {
        Self::restart(
            id,
            members,
            config,
            bugs,
            rng,
            PersistentState::default(),
            now,
        )
    }

    /// A node coming back from a crash (or from a given initial state): persisted
    /// term, vote and log are kept; everything volatile starts over, as a follower
    /// with `commitIndex = 0`.
    pub fn restart(
        id: NodeId,
        members: Vec<NodeId>,
        config: Config,
        bugs: Bugs,
        rng: Rng,
        persisted: PersistentState,
        now: Time,
    ) -> Self {
        assert!(
            members.contains(&id),
            "a node must be a member of its cluster"
        );
        let mut members = members;
        members.sort_unstable();
        members.dedup();
        let restarted_at = (persisted.current_term > 0).then_some(now);
        let mut voted_for = persisted.voted_for;
        if bugs.is_on(Bug::ForgetVote) {
            // BROKEN RULE: votedFor must survive a restart; here it is lost.
            voted_for = None;
        }
        let mut node = Node {
            id,
            membership: Membership::new(members.clone()),
            members,
            config,
            bugs,
            rng,
            current_term: persisted.current_term,
            voted_for,
            log: persisted.log,
            commit_index: 0,
            last_applied: 0,
            role: Role::Follower { leader: None },
            election_deadline: 0,
            leader_contact: None,
            clock_permille: 1000,
            restarted_at,
            ready: Ready::default(),
        };
        node.reset_election_timer(now);
        node.membership.set_initial(node.members.clone(), &node.log);
        node.restore_from_snapshot(); // log compaction: the state machine starts there
        node
    }

    // ----- Inputs -------------------------------------------------------------

    /// Handles one message from a peer.
    pub fn step(&mut self, now: Time, msg: Message) {
        if msg.to != self.id || !self.members.contains(&msg.from) || msg.from == self.id {
            // Not for us, or from a stranger: ignore.
            self.reject(Some(msg.from), RejectReason::Misaddressed { to: msg.to });
            return;
        }
        let kind = RaftMessageKind::of(&msg.body);
        if self.ignores_non_voter_campaign(now, &msg) {
            return;
        }
        // Messages that must not make us adopt their higher term.
        match msg.body {
            MessageBody::PreVote {
                last_log_index,
                last_log_term,
            } => {
                return self.handle_pre_vote(
                    now,
                    msg.from,
                    msg.term,
                    last_log_index,
                    last_log_term,
                );
            }
            MessageBody::PreVoteReply { vote_granted: true } if msg.term > self.current_term => {
                return self.handle_pre_vote_grant(now, msg.from, msg.term);
            }
            MessageBody::RequestVote {
                transfer: false, ..
            } if msg.term > self.current_term && self.config.leader_stickiness() => {
                if let Some(reason) = self.restart_fence(now, msg.term) {
                    return self.reject(Some(msg.from), reason);
                }
                if let Some(leader) = self.leader_in_lease(now) {
                    // Leader stickiness: a working leader needs no election; the
                    // candidate's higher term is not adopted either.
                    let term = msg.term;
                    let reason = RejectReason::LeaderInLease {
                        message: kind,
                        term,
                        leader,
                    };
                    return self.reject(Some(msg.from), reason);
                }
            }
            _ => {}
        }
        // Terms are the real clock: a higher term in any request or reply makes us
        // adopt it and become a follower before we look at the message.
        if msg.term > self.current_term {
            let ignore = !msg.body.is_request() && self.bugs.is_on(Bug::IgnoreHigherTermReply);
            // BROKEN RULE (when `ignore`): a reply's higher term must end our role too.
            if ignore {
                let (term, current_term) = (msg.term, self.current_term);
                self.reject(
                    Some(msg.from),
                    RejectReason::HigherTermReplyIgnored {
                        message: kind,
                        term,
                        current_term,
                    },
                );
                return;
            }
            let leader = matches!(
                msg.body,
                MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. }
            )
            .then_some(msg.from);
            self.become_follower(now, msg.term, leader);
        }
        if msg.term < self.current_term {
            // A stale request is rejected with our term, which tells its sender it is
            // out of date. A stale reply answers a question we no longer ask.
            let reason = RejectReason::StaleTerm {
                message: kind,
                term: msg.term,
                current_term: self.current_term,
            };
            self.reject(Some(msg.from), reason);
            match msg.body {
                MessageBody::RequestVote { .. } => self.send(
                    msg.from,
                    MessageBody::RequestVoteReply {
                        vote_granted: false,
                    },
                ),
                MessageBody::AppendEntries { prev_log_index, .. } => self.send(
                    msg.from,
                    MessageBody::AppendEntriesReply {
                        success: false,
                        match_index: 0,
                        rejected_index: prev_log_index,
                        hint: None,
                    },
                ),
                MessageBody::InstallSnapshot { .. } => self.send(
                    msg.from,
                    MessageBody::InstallSnapshotReply { match_index: 0 },
                ),
                _ => {}
            }
            return;
        }
        // From here on, msg.term == current_term.
        if let Role::Leader { heard_from, .. } = &mut self.role {
            heard_from.insert(msg.from); // CheckQuorum: this peer is alive
        }
        match msg.body {
            MessageBody::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => self.handle_request_vote(now, msg.from, last_log_index, last_log_term),
            // A refusal of our term (a granted one was handled above): nothing to count.
            MessageBody::PreVoteReply { .. } | MessageBody::PreVote { .. } => {}
            MessageBody::TimeoutNow => self.handle_timeout_now(now, msg.from),
            MessageBody::ReadHeartbeat { round } => {
                self.handle_read_heartbeat(now, msg.from, round)
            }
            MessageBody::ReadHeartbeatReply { round } => {
                self.handle_read_heartbeat_reply(msg.from, round)
            }
            MessageBody::RequestVoteReply { vote_granted } => {
                self.handle_vote_reply(now, msg.from, vote_granted)
            }
            MessageBody::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => self.handle_append_entries(
                now,
                msg.from,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            ),
            MessageBody::AppendEntriesReply {
                success,
                match_index,
                rejected_index,
                hint,
            } => {
                self.handle_append_reply(now, msg.from, success, match_index, rejected_index, hint)
            }
            MessageBody::InstallSnapshot { snapshot } => {
                self.handle_install_snapshot(now, msg.from, snapshot)
            }
            MessageBody::InstallSnapshotReply { match_index } => {
                self.handle_snapshot_reply(msg.from, match_index)
            }
        }
    }

    /// Lets time pass: fires the election timeout or the heartbeat when due.
    /// Call it at (or after) [`Node::next_deadline`].
    pub fn tick(&mut self, now: Time) {
        if !matches!(self.role, Role::Leader { .. }) {
            if now >= self.election_deadline {
                self.campaign(now);
            }
            return;
        }
        self.expire_transfer(now);
        self.expire_catch_up(now);
        if self.config.check_quorum && !self.check_quorum(now) {
            return; // stepped down
        }
        let interval = self.local(self.config.heartbeat_interval);
        if let Role::Leader {
            heartbeat_deadline, ..
        } = &mut self.role
            && now >= *heartbeat_deadline
        {
            *heartbeat_deadline = now + interval;
            self.broadcast_append_entries();
            self.read_heartbeat(now);
        }
    }

    /// §3.10: a transfer whose target has not taken over within an election
    /// timeout is abandoned, and the leader takes commands again.
    fn expire_transfer(&mut self, now: Time) {
        if let Role::Leader { transfer, .. } = &mut self.role
            && let Some(t) = *transfer
            && now >= t.deadline
        {
            *transfer = None;
            self.ready
                .events
                .push(NodeEvent::TransferAborted { to: t.to });
        }
    }

    /// CheckQuorum: once per minimum election timeout the leader counts the
    /// peers it heard from; without a majority (itself included) it steps down.
    /// Returns whether it still leads.
    fn check_quorum(&mut self, now: Time) -> bool {
        let period = self.local(self.config.election_timeout_min);
        let Role::Leader {
            heard_from,
            quorum_deadline,
            ..
        } = &mut self.role
        else {
            return false;
        };
        if now < *quorum_deadline {
            return true;
        }
        let heard = std::mem::replace(heard_from, Votes::none());
        *quorum_deadline = now + period;
        if self.is_majority(self.own_vote() + self.membership.count_voters(heard.iter())) {
            return true;
        }
        self.ready.events.push(NodeEvent::QuorumLost {
            heard_from: heard.0,
        });
        self.become_follower(now, self.current_term, None);
        false
    }

    /// Makes the election timeout fire now (the playground's "force timeout").
    /// A leader has no election timer and ignores it.
    pub fn force_timeout(&mut self, now: Time) {
        if matches!(self.role, Role::Leader { .. }) {
            self.reject(None, RejectReason::LeaderHasNoElectionTimer);
        } else if self.sits_out_elections() {
            self.sit_out_election(now, true);
        } else {
            self.campaign(now);
        }
    }

    /// Hands leadership to `to` (§3.10): stop taking commands, bring `to` up to
    /// date, then send it TimeoutNow. Abandoned after an election timeout.
    /// Refused (with a `Rejected` event) unless this node leads and `to` is
    /// another member.
    pub fn transfer_leadership(&mut self, now: Time, to: NodeId) {
        if !self.members.contains(&to) || !self.membership.is_voter(to) {
            return self.reject(None, RejectReason::Misaddressed { to });
        }
        let deadline = now + self.local(self.config.election_timeout_min);
        let role = self.role_kind();
        let Role::Leader {
            progress,
            transfer,
            reads,
            ..
        } = &mut self.role
        else {
            return self.reject(None, RejectReason::CannotTransfer { to, role });
        };
        if to == self.id {
            return self.reject(None, RejectReason::CannotTransfer { to, role });
        }
        *transfer = Some(Transfer { to, deadline });
        // Its target may be elected past our followers' stickiness: no lease.
        reads.revoke_lease();
        let caught_up = progress[&to].match_index == self.log.last_index();
        self.ready.events.push(NodeEvent::TransferStarted { to });
        if caught_up {
            self.send(to, MessageBody::TimeoutNow);
        } else {
            self.send_append_entries(to);
        }
    }

    /// Appends a client command if this node is the leader; returns its index.
    /// The command is committed only once an entry of this term at or after it is
    /// on a majority; being appended here acknowledges nothing.
    pub fn propose(&mut self, _now: Time, command: Command) -> Result<LogIndex, ProposeError> {
        if let Role::Leader {
            transfer: Some(t), ..
        } = self.role
        {
            let reason = RejectReason::TransferInProgress {
                client: command.client,
                seq: command.seq,
                to: t.to,
            };
            self.reject(None, reason);
            return Err(ProposeError::Transferring { to: t.to });
        }
        if !matches!(self.role, Role::Leader { .. }) {
            let leader_hint = self.client_leader_hint();
            let reason = RejectReason::NotLeader {
                client: command.client,
                seq: command.seq,
                leader_hint,
            };
            self.reject(None, reason);
            return Err(ProposeError::NotLeader { leader_hint });
        }
        let index = self.append_to_own_log(Entry::command(self.current_term, command));
        self.broadcast_append_entries();
        self.maybe_commit(); // a one-node cluster commits at once
        Ok(index)
    }

    /// Drains everything produced since the last call. See [`Ready`]: persist, then send, then apply.
    pub fn take_ready(&mut self) -> Ready {
        self.release_reads();
        std::mem::take(&mut self.ready)
    }

    // ----- Elections ----------------------------------------------------------

    /// The election timer fired (or was forced): with PreVote, ask first;
    /// otherwise stand at once.
    fn campaign(&mut self, now: Time) {
        if self.sits_out_elections() {
            return self.sit_out_election(now, false);
        }
        if self.config.pre_vote {
            self.start_pre_vote(now);
        } else {
            self.start_election(now, false);
        }
    }

    /// §9.6: ask every peer whether it would vote for us in the next term,
    /// changing nothing that persists.
    fn start_pre_vote(&mut self, now: Time) {
        self.set_role(Role::Precandidate {
            votes: Votes::of(self.id),
        });
        self.reset_election_timer(now);
        if self.is_majority(self.own_vote()) {
            return self.start_election(now, false);
        }
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        let term = self.current_term + 1;
        for peer in self.peers() {
            let body = MessageBody::PreVote {
                last_log_index,
                last_log_term,
            };
            self.send_in_term(peer, term, body);
        }
    }

    /// A PreVote for `term`: granted if that term is newer than ours, the
    /// candidate's log is at least as up to date, and we have not heard from a
    /// leader within the minimum election timeout. Changes nothing here.
    fn handle_pre_vote(
        &mut self,
        now: Time,
        from: NodeId,
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
    ) {
        let current_term = self.current_term;
        let refusal = if term <= current_term {
            Some(RejectReason::StaleTerm {
                message: RaftMessageKind::PreVote,
                term,
                current_term,
            })
        } else if let Some(leader) = self.leader_in_lease(now) {
            Some(RejectReason::LeaderInLease {
                message: RaftMessageKind::PreVote,
                term,
                leader,
            })
        } else if !self.log.is_up_to_date(last_log_index, last_log_term) {
            Some(RejectReason::PreVoteLogNotUpToDate {
                last_log_term,
                last_log_index,
                our_last_term: self.log.last_term(),
                our_last_index: self.log.last_index(),
            })
        } else {
            None
        };
        let vote_granted = refusal.is_none();
        // Granted: the asked-for term, which the pre-candidate will not adopt.
        // Refused: ours, which it adopts if it is newer than its own.
        let reply_term = if vote_granted { term } else { current_term };
        if let Some(reason) = refusal {
            self.reject(Some(from), reason);
        }
        self.send_in_term(from, reply_term, MessageBody::PreVoteReply { vote_granted });
    }

    /// A granted pre-vote for `term`: counts if we are still asking for exactly
    /// that term; a majority starts the real election.
    fn handle_pre_vote_grant(&mut self, now: Time, voter: NodeId, term: Term) {
        let asking = term == self.current_term + 1;
        let Role::Precandidate { votes } = &mut self.role else {
            let kind = RaftMessageKind::PreVoteReply;
            return self.reject_for_role(voter, kind, RoleKind::Precandidate);
        };
        if !asking {
            return;
        }
        votes.insert(voter);
        let count = self.membership.count_voters(votes.iter());
        if self.is_majority(count) {
            self.start_election(now, false);
        }
    }

    /// The leader of our term hands us its leadership (§3.10): stand now, with
    /// no PreVote, in an election that leader stickiness lets through.
    fn handle_timeout_now(&mut self, now: Time, leader: NodeId) {
        if matches!(self.role, Role::Leader { .. }) {
            let term = self.current_term;
            return self.reject(Some(leader), RejectReason::RivalLeader { term });
        }
        if self.sits_out_elections() {
            return self.sit_out_election(now, true);
        }
        self.start_election(now, true);
    }

    /// The leader this follower heard from within the minimum election timeout
    /// (by its own clock), if any; a leader counts itself.
    pub(super) fn leader_in_lease(&self, now: Time) -> Option<NodeId> {
        match self.role {
            Role::Leader { .. } => Some(self.id),
            Role::Follower {
                leader: Some(leader),
            } => self
                .leader_contact
                .filter(|&at| now < at + self.local(self.config.election_timeout_min))
                .map(|_| leader),
            _ => None,
        }
    }

    fn start_election(&mut self, now: Time, transfer: bool) {
        self.current_term += 1;
        self.voted_for = Some(self.id);
        self.persist_hard_state();
        self.set_role(Role::Candidate {
            votes: Votes::of(self.id),
        });
        self.reset_election_timer(now);
        // Our own vote counts only if we are a voter (a removed server may
        // stand while its removal is uncommitted, §4.2.2).
        if self.is_majority(self.own_vote()) {
            self.become_leader(now);
            return;
        }
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        for peer in self.peers() {
            self.send(
                peer,
                MessageBody::RequestVote {
                    last_log_index,
                    last_log_term,
                    transfer,
                },
            );
        }
    }

    fn handle_request_vote(
        &mut self,
        now: Time,
        candidate: NodeId,
        last_log_index: LogIndex,
        last_log_term: Term,
    ) {
        let free_to_vote = self.voted_for.is_none() || self.voted_for == Some(candidate);
        let log_ok = if self.bugs.is_on(Bug::VoteWithoutLogCheck) {
            true // BROKEN RULE: the candidate's log must be at least as up to date as ours.
        } else {
            self.log.is_up_to_date(last_log_index, last_log_term)
        };
        let vote_granted = free_to_vote && log_ok;
        if let Some(voted_for) = self.voted_for.filter(|_| !free_to_vote) {
            let term = self.current_term;
            self.reject(
                Some(candidate),
                RejectReason::AlreadyVoted { voted_for, term },
            );
        } else if !log_ok {
            let reason = RejectReason::LogNotUpToDate {
                last_log_term,
                last_log_index,
                our_last_term: self.log.last_term(),
                our_last_index: self.log.last_index(),
            };
            self.reject(Some(candidate), reason);
        }
        if vote_granted {
            if self.voted_for != Some(candidate) {
                self.voted_for = Some(candidate);
                self.persist_hard_state(); // before the reply below is sent
            }
            // A vote for a server outside our configuration (one standing while
            // its removal is uncommitted, §4.2.2) does not hold our own election
            // back: it may not win, and a voter answering such campaigns in
            // turn would never stand itself (swarm seed 80922: a voter kept
            // granting a removed server and never timed out, no leader for 4 s).
            if self.membership.is_voter(candidate) {
                self.reset_election_timer(now);
            }
        }
        self.send(candidate, MessageBody::RequestVoteReply { vote_granted });
    }

    fn handle_vote_reply(&mut self, now: Time, voter: NodeId, vote_granted: bool) {
        let Role::Candidate { votes } = &mut self.role else {
            self.reject_for_role(
                voter,
                RaftMessageKind::RequestVoteReply,
                RoleKind::Candidate,
            );
            return;
        };
        if vote_granted {
            votes.insert(voter);
        }
        let count = self.membership.count_voters(votes.iter());
        if self.is_majority(count) {
            self.become_leader(now);
        }
    }

    fn become_leader(&mut self, now: Time) {
        let next_index = self.log.last_index() + 1;
        let progress = self
            .peers()
            .map(|p| {
                (
                    p,
                    Progress {
                        next_index,
                        match_index: 0,
                    },
                )
            })
            .collect();
        self.set_role(Role::Leader {
            progress,
            heartbeat_deadline: now + self.local(self.config.heartbeat_interval),
            heard_from: Votes::none(),
            quorum_deadline: now + self.local(self.config.election_timeout_min),
            transfer: None,
            reads: ReadOnly::default(),
        });
        // The no-op of the new term: committing it commits every entry before it.
        self.append_to_own_log(Entry::noop(self.current_term));
        self.broadcast_append_entries();
        self.maybe_commit();
    }

    /// Adopts `term` if it is newer (clearing the vote), and follows `leader`.
    fn become_follower(&mut self, now: Time, term: Term, leader: Option<NodeId>) {
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.leader_contact = None;
            self.persist_hard_state();
        }
        // A follower's timer is reset only by its leader or by granting a vote
        // (Figure 2), not by merely hearing a higher term. A stepping-down leader
        // or candidate starts a fresh timer: a leader's old deadline is long past.
        let was_follower = matches!(self.role, Role::Follower { .. });
        self.set_role(Role::Follower { leader });
        if !was_follower {
            self.reset_election_timer(now);
        }
    }

    // ----- Replication: follower side ------------------------------------------

    fn handle_append_entries(
        &mut self,
        now: Time,
        leader: NodeId,
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: LogIndex,
    ) {
        if !self.heard_from_leader(now, leader) {
            return;
        }
        // Log compaction: what precedes our snapshot is committed and matches.
        let (prev_log_index, prev_log_term, entries) =
            self.skip_compacted(prev_log_index, prev_log_term, entries);

        // Log consistency check: we must hold prevLogIndex with prevLogTerm.
        match self.log.term_at(prev_log_index) {
            None => {
                let last_index = self.log.last_index();
                let reason = RejectReason::MissingEntry {
                    prev_log_index,
                    last_index,
                };
                self.reject(Some(leader), reason);
                let hint = ConflictHint {
                    term: None,
                    index: last_index + 1,
                };
                self.reject_append(leader, prev_log_index, hint);
                return;
            }
            Some(term) if term != prev_log_term => {
                let reason = RejectReason::TermMismatch {
                    prev_log_index,
                    prev_log_term,
                    our_term: term,
                };
                self.reject(Some(leader), reason);
                let hint = ConflictHint {
                    term: Some(term),
                    index: self.log.first_index_of_term(term, prev_log_index),
                };
                self.reject_append(leader, prev_log_index, hint);
                return;
            }
            Some(_) => {}
        }

        let last_new_index = prev_log_index + entries.len() as LogIndex;
        let mut index = prev_log_index;
        for (offset, entry) in entries.into_iter().enumerate() {
            index += 1;
            let conflict = match self.log.term_at(index) {
                None => false,
                Some(term) if term != entry.term => true,
                // BROKEN RULE: an entry that already matches must never be truncated;
                // a stale or duplicated AppendEntries would take back later entries.
                Some(_) => offset == 0 && self.bugs.is_on(Bug::TruncateMatching),
            };
            if conflict {
                self.truncate_own_log(index);
            }
            if index > self.log.last_index() {
                self.append_to_own_log(entry);
            }
        }

        if leader_commit > self.commit_index {
            let new_commit = if self.bugs.is_on(Bug::CommitWithoutMin) {
                // BROKEN RULE: must be min(leaderCommit, index of last new entry).
                leader_commit.min(self.log.last_index())
            } else {
                leader_commit.min(last_new_index)
            };
            self.advance_commit(new_commit);
        }
        self.send(
            leader,
            MessageBody::AppendEntriesReply {
                success: true,
                match_index: last_new_index,
                rejected_index: 0,
                hint: None,
            },
        );
    }

    fn reject_append(&mut self, leader: NodeId, prev_log_index: LogIndex, hint: ConflictHint) {
        self.send(
            leader,
            MessageBody::AppendEntriesReply {
                success: false,
                match_index: 0,
                rejected_index: prev_log_index,
                hint: Some(hint),
            },
        );
    }

    // ----- Replication: leader side --------------------------------------------

    fn handle_append_reply(
        &mut self,
        now: Time,
        follower: NodeId,
        success: bool,
        match_index: LogIndex,
        rejected_index: LogIndex,
        hint: Option<ConflictHint>,
    ) {
        let last_index = self.log.last_index();
        let Role::Leader {
            progress, transfer, ..
        } = &mut self.role
        else {
            let kind = RaftMessageKind::AppendEntriesReply;
            self.reject_for_role(follower, kind, RoleKind::Leader);
            return;
        };
        let Some(pr) = progress.get_mut(&follower) else {
            let to = self.id;
            self.reject(Some(follower), RejectReason::Misaddressed { to });
            return;
        };
        if success {
            // A late reply can carry an older match: matchIndex never moves backwards.
            let advanced = match_index > pr.match_index;
            if advanced {
                pr.match_index = match_index.min(last_index);
            }
            pr.next_index = pr.next_index.max(pr.match_index + 1);
            // Only a reply that moved matchIndex sends the next batch: a duplicated or
            // late reply must not start a second stream of AppendEntries (under
            // duplication the streams would multiply with every round trip; whatever
            // is still missing goes out with the next heartbeat).
            let more_to_send = advanced && pr.next_index <= last_index;
            let caught_up = advanced && pr.match_index == last_index;
            let transfer_to = transfer.map(|t| t.to);
            self.maybe_commit();
            if self.step_down_if_removed(now) {
                return;
            }
            if advanced {
                self.catch_up_progress(now, follower, match_index.min(last_index));
            }
            if more_to_send {
                self.send_append_entries(follower);
            }
            if caught_up && transfer_to == Some(follower) {
                // §3.10: the target is up to date; it may stand now.
                self.send(follower, MessageBody::TimeoutNow);
            }
        } else {
            // Only the rejection of the probe we are waiting on moves nextIndex;
            // a late one about an index we have moved past is ignored.
            if rejected_index + 1 != pr.next_index {
                let next_index = pr.next_index;
                let reason = RejectReason::StaleRejection {
                    rejected_index,
                    next_index,
                };
                self.reject(Some(follower), reason);
                return;
            }
            let next = match hint {
                Some(ConflictHint {
                    term: Some(term),
                    index,
                }) => {
                    // If we hold entries of the follower's conflicting term, resume after
                    // our last one; otherwise skip that whole term of theirs.
                    self.log.last_index_of_term(term).map_or(index, |i| i + 1)
                }
                Some(ConflictHint { term: None, index }) => index,
                None => rejected_index,
            };
            // Back off by at least one, but never to or below what is known to match.
            let backed_off = next.min(pr.next_index - 1).max(pr.match_index + 1);
            if backed_off == pr.next_index {
                // The follower rejects what it acknowledged as matching: it lost
                // entries it had promised (only a broken rule does that, e.g.
                // reply-before-persist). Nothing to back off to; resending at once
                // would loop forever at zero latency, so leave it to the heartbeat.
                return;
            }
            pr.next_index = backed_off;
            self.send_append_entries(follower);
        }
    }

    /// Commits the highest index that a majority holds and that is of the current
    /// term; earlier entries commit with it (§5.4.2).
    fn maybe_commit(&mut self) {
        let Role::Leader { progress, .. } = &self.role else {
            return;
        };
        let mut new_commit = self.commit_index;
        for n in (self.commit_index + 1..=self.log.last_index()).rev() {
            let term = self.log.term_at(n).unwrap_or(0);
            if term != self.current_term && !self.bugs.is_on(Bug::CommitOldTerm) {
                // Entries of older terms are never committed by counting replicas.
                // BROKEN RULE (CommitOldTerm): count them anyway (Figure 8).
                if term < self.current_term {
                    break; // every lower index has an older term too
                }
                continue;
            }
            let holders = progress.iter().filter(|(_, p)| p.match_index >= n);
            let replicas =
                self.own_vote() + self.membership.count_voters(holders.map(|(id, _)| id));
            if self.is_majority(replicas) {
                new_commit = n;
                break;
            }
        }
        if new_commit > self.commit_index {
            self.advance_commit(new_commit);
            // Tell followers promptly so they can apply too; a follower this
            // commit removes hears it once more, so it learns its removal is
            // committed and sits elections out (§4.2.3), before it is forgotten.
            self.broadcast_append_entries();
            self.forget_removed_followers();
        }
    }

    /// To every follower the leader replicates to (the voters, and a new server
    /// catching up), in id order.
    fn broadcast_append_entries(&mut self) {
        let Role::Leader { progress, .. } = &self.role else {
            return;
        };
        for peer in progress.keys().copied().collect::<Vec<_>>() {
            self.send_append_entries(peer);
        }
    }

    /// Sends `peer` everything from its nextIndex (up to the batch limit); an empty
    /// batch is a heartbeat.
    fn send_append_entries(&mut self, peer: NodeId) {
        let Role::Leader { progress, .. } = &self.role else {
            return;
        };
        let Some(pr) = progress.get(&peer) else {
            return;
        };
        let prev_log_index = pr.next_index - 1;
        if prev_log_index < self.log.offset() {
            // Log compaction: the entries it needs are gone; send what replaced them.
            return self.send_snapshot(peer);
        }
        let prev_log_term = self
            .log
            .term_at(prev_log_index)
            .expect("nextIndex is within the leader's log + 1");
        let last = prev_log_index + self.config.max_entries_per_append as LogIndex;
        let entries = self.log.slice(pr.next_index, last);
        let leader_commit = self.commit_index;
        self.send(
            peer,
            MessageBody::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            },
        );
    }

    // ----- Shared helpers -------------------------------------------------------

    fn advance_commit(&mut self, new_commit: LogIndex) {
        if new_commit <= self.commit_index {
            return;
        }
        self.commit_index = new_commit;
        self.ready.events.push(NodeEvent::CommitAdvanced {
            commit_index: new_commit,
        });
        // Apply in order, each entry once.
        while self.last_applied < self.commit_index {
            let next = self.last_applied + 1;
            let Some(entry) = self.log.get(next) else {
                break;
            };
            self.ready.apply.push((next, entry.clone()));
            self.last_applied = next;
        }
    }

    fn append_to_own_log(&mut self, entry: Entry) -> LogIndex {
        let index = self.log.append(entry.clone());
        let reconfigured = self.membership.after_append(index, &entry.data);
        self.ready.persist.push(PersistOp::Append { index, entry });
        if reconfigured {
            self.configuration_changed();
        }
        index
    }

    fn truncate_own_log(&mut self, from: LogIndex) {
        self.log.truncate_from(from);
        self.ready.persist.push(PersistOp::Truncate { from });
        if self.membership.after_truncate(&self.log, from) {
            self.configuration_changed();
        }
    }

    fn persist_hard_state(&mut self) {
        self.ready.persist.push(PersistOp::HardState {
            term: self.current_term,
            voted_for: self.voted_for,
        });
    }

    fn set_role(&mut self, role: Role) {
        let changed = self.role_kind() != role_kind(&role);
        self.role = role;
        if !matches!(self.role, Role::Leader { .. }) {
            self.membership.end_catch_up();
        }
        let campaign = matches!(
            self.role_kind(),
            RoleKind::Candidate | RoleKind::Precandidate
        );
        if changed || campaign {
            self.ready.events.push(NodeEvent::RoleChanged {
                role: self.role_kind(),
                term: self.current_term,
            });
        }
    }

    /// Says why an input was refused or ignored (observability only: see [`RejectReason`]).
    fn reject(&mut self, from: Option<NodeId>, reason: RejectReason) {
        self.ready.events.push(NodeEvent::Rejected { from, reason });
    }

    /// A reply ignored because the role that asked for it is gone.
    fn reject_for_role(&mut self, from: NodeId, message: RaftMessageKind, expected: RoleKind) {
        let reason = RejectReason::WrongRole {
            message,
            expected,
            role: self.role_kind(),
        };
        self.reject(Some(from), reason);
    }

    fn reset_election_timer(&mut self, now: Time) {
        let timeout = self.rng.range(
            self.config.election_timeout_min,
            self.config.election_timeout_max,
        );
        self.election_deadline = now + self.local(timeout);
    }

    /// A duration of this node's clock in real time: `d` at clock rate 1000‰
    /// (exactly `d`), shorter for a fast clock, longer for a slow one.
    fn local(&self, d: Time) -> Time {
        if self.clock_permille == 1000 {
            d
        } else {
            d * 1000 / self.clock_permille
        }
    }

    fn send(&mut self, to: NodeId, body: MessageBody) {
        self.send_in_term(to, self.current_term, body);
    }

    /// Sends with a term other than ours: PreVote asks for the next one, and a
    /// granted pre-vote echoes it.
    fn send_in_term(&mut self, to: NodeId, term: Term, body: MessageBody) {
        self.ready.messages.push(Message {
            from: self.id,
            to,
            term,
            body,
        });
    }

    /// A message of our term from `leader` (AppendEntries, InstallSnapshot,
    /// ReadHeartbeat): a candidate, or a follower that had not heard, recognises
    /// the term's leader, and the election can wait. A leader never yields to a
    /// rival of its own term (two cannot exist in a correct run): it refuses and
    /// this returns false.
    fn heard_from_leader(&mut self, now: Time, leader: NodeId) -> bool {
        match self.role {
            Role::Leader { .. } => {
                let term = self.current_term;
                self.reject(Some(leader), RejectReason::RivalLeader { term });
                return false;
            }
            Role::Candidate { .. }
            | Role::Precandidate { .. }
            | Role::Follower { leader: None } => {
                self.become_follower(now, self.current_term, Some(leader))
            }
            Role::Follower { .. } => {}
        }
        self.reset_election_timer(now);
        self.leader_contact = Some(now);
        true
    }

    /// The other voters of the configuration in force, in id order.
    fn peers(&self) -> impl Iterator<Item = NodeId> + use<> {
        let id = self.id;
        let voters = self.membership.voters().to_vec();
        voters.into_iter().filter(move |&m| m != id)
    }

    /// Whether `count` voters are a majority of the configuration in force.
    fn is_majority(&self, count: usize) -> bool {
        self.membership.is_majority(count)
    }

    /// 1 if this node votes in the configuration in force (a leader being
    /// removed does not count itself, §4.2.2), else 0.
    fn own_vote(&self) -> usize {
        usize::from(self.membership.is_voter(self.id))
    }

    // ----- Read-only view ---------------------------------------------------------

    pub fn id(&self) -> NodeId {
        self.id
    }
    pub fn members(&self) -> &[NodeId] {
        &self.members
    }
    pub fn current_term(&self) -> Term {
        self.current_term
    }
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    pub fn log(&self) -> &Log {
        &self.log
    }
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }
    pub fn last_applied(&self) -> LogIndex {
        self.last_applied
    }
    pub fn role(&self) -> &Role {
        &self.role
    }
    pub fn role_kind(&self) -> RoleKind {
        role_kind(&self.role)
    }
    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn bugs(&self) -> Bugs {
        self.bugs
    }
    /// Toggles take effect from the next input on.
    pub fn set_bugs(&mut self, bugs: Bugs) {
        self.bugs = bugs;
    }
    /// Network knobs and timings can change while running; takes effect at the next timer reset.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }
    pub fn election_deadline(&self) -> Time {
        self.election_deadline
    }
    /// The next time `tick` has something to do.
    pub fn next_deadline(&self) -> Time {
        match &self.role {
            Role::Leader {
                heartbeat_deadline,
                quorum_deadline,
                transfer,
                ..
            } => {
                let mut next = *heartbeat_deadline;
                if self.config.check_quorum {
                    next = next.min(*quorum_deadline);
                }
                if let Some(t) = transfer {
                    next = next.min(t.deadline);
                }
                next
            }
            _ => self.election_deadline,
        }
    }
    /// This node's clock rate in thousandths of real time (1000 = exact).
    pub fn clock_permille(&self) -> u64 {
        self.clock_permille
    }
    /// Sets the clock rate (clock drift; at least 1‰). The timers already
    /// running keep the local time they have left, now at the new rate.
    pub fn set_clock_permille(&mut self, now: Time, permille: u64) {
        let (old, permille) = (self.clock_permille, permille.max(1));
        let rescale = |deadline: Time| {
            let left_local = deadline.saturating_sub(now) * old / 1000;
            now + left_local * 1000 / permille
        };
        self.election_deadline = rescale(self.election_deadline);
        let mut role = self.role.clone();
        if let Role::Leader {
            heartbeat_deadline,
            quorum_deadline,
            ..
        } = &mut role
        {
            *heartbeat_deadline = rescale(*heartbeat_deadline);
            *quorum_deadline = rescale(*quorum_deadline);
        }
        self.role = role;
        self.clock_permille = permille;
    }
    /// The leadership transfer under way, if this node leads and is transferring.
    pub fn transfer(&self) -> Option<Transfer> {
        match &self.role {
            Role::Leader { transfer, .. } => *transfer,
            _ => None,
        }
    }
    /// Who this node believes leads its current term.
    pub fn leader_hint(&self) -> Option<NodeId> {
        match &self.role {
            Role::Follower { leader } => *leader,
            Role::Candidate { .. } | Role::Precandidate { .. } => None,
            Role::Leader { .. } => Some(self.id),
        }
    }
    /// The persistent state as stable storage should now hold it.
    pub fn persistent_state(&self) -> PersistentState {
        PersistentState {
            current_term: self.current_term,
            voted_for: self.voted_for,
            log: self.log.clone(),
        }
    }
}

fn role_kind(role: &Role) -> RoleKind {
    match role {
        Role::Follower { .. } => RoleKind::Follower,
        Role::Candidate { .. } => RoleKind::Candidate,
        Role::Leader { .. } => RoleKind::Leader,
        Role::Precandidate { .. } => RoleKind::Precandidate,
    }
}
