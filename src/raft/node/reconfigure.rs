//! The node's side of single-server membership change (see `raft::membership`
//! for the rules): the leader's add/remove, the catch-up of a new server, the
//! removed leader stepping down, and servers outside the configuration sitting
//! elections out. A child module of `node`, so `node.rs` keeps one-line hooks.

use super::{Node, Progress, Role};
use crate::raft::membership::{CatchUpStep, MembershipChange, MembershipEvent, MembershipRefusal};
use crate::raft::message::{Message, MessageBody};
use crate::raft::ready::NodeEvent;
use crate::raft::reject::{RaftMessageKind, RejectReason};
use crate::raft::types::{Entry, EntryData, LogIndex, NodeId, Time};

impl Node {
    /// Asks this node (the leader) to add or remove one server. Adding starts
    /// the new server's catch-up; the configuration entry follows once it is
    /// close enough. Removing appends the configuration entry at once.
    /// A refusal is also reported as a `Membership` event.
    pub fn change_membership(
        &mut self,
        now: Time,
        change: MembershipChange,
    ) -> Result<(), MembershipRefusal> {
        let result = self.try_change_membership(now, change);
        if let Err(refusal) = &result {
            let refusal = refusal.clone();
            self.membership_event(MembershipEvent::Refused { change, refusal });
        }
        result
    }

    /// Whether this node would refuse `change` now, and why (nothing changes:
    /// a page asks before it records the change, to show the refusal).
    pub fn membership_refusal(&self, change: MembershipChange) -> Option<MembershipRefusal> {
        self.check_membership_change(change).err()
    }

    fn check_membership_change(&self, change: MembershipChange) -> Result<(), MembershipRefusal> {
        let Role::Leader { transfer, .. } = &self.role else {
            let leader_hint = self.leader_hint();
            return Err(MembershipRefusal::NotLeader { leader_hint });
        };
        if let Some(t) = transfer {
            return Err(MembershipRefusal::Transferring { to: t.to });
        }
        let own_term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
        let uncommitted_term = (!own_term_committed).then_some(self.current_term);
        self.membership
            .check_change(change, &self.members, self.commit_index, uncommitted_term)
    }

    fn try_change_membership(
        &mut self,
        now: Time,
        change: MembershipChange,
    ) -> Result<(), MembershipRefusal> {
        self.check_membership_change(change)?;
        match change {
            MembershipChange::AddServer(server) => {
                let last_index = self.log.last_index();
                self.membership.start_catch_up(server, last_index, now);
                self.track(server);
                self.membership_event(MembershipEvent::CatchUpStarted { server });
                self.send_append_entries(server);
            }
            MembershipChange::RemoveServer(_) => self.append_configuration(change),
        }
        Ok(())
    }

    /// The leader appends the configuration `change` puts in force (in force
    /// here at once), and replicates it.
    fn append_configuration(&mut self, change: MembershipChange) {
        let members = self.membership.changed(change);
        let entry = Entry {
            term: self.current_term,
            data: EntryData::Config { members },
        };
        self.append_to_own_log(entry);
        self.broadcast_append_entries();
        self.maybe_commit(); // a one-member configuration commits at once
    }

    /// The leader starts replicating to `server` (no-op if it already does).
    fn track(&mut self, server: NodeId) {
        let next_index = self.log.last_index() + 1;
        if let Role::Leader { progress, .. } = &mut self.role
            && server != self.id
        {
            progress.entry(server).or_insert(Progress {
                next_index,
                match_index: 0,
            });
        }
    }

    /// A new server's matchIndex moved to `match_index`: a catch-up round may end.
    pub(super) fn catch_up_progress(&mut self, now: Time, server: NodeId, match_index: LogIndex) {
        let round_limit = self.local(self.config.election_timeout_min);
        let last_index = self.log.last_index();
        let step = self
            .membership
            .on_match(server, match_index, last_index, now, round_limit);
        self.finish_catch_up(step);
    }

    /// A leader's tick: a catch-up round that never ends gives the catch-up up.
    pub(super) fn expire_catch_up(&mut self, now: Time) {
        let round_limit = self.local(self.config.election_timeout_min);
        let step = self.membership.on_tick(now, round_limit);
        self.finish_catch_up(step);
    }

    fn finish_catch_up(&mut self, step: CatchUpStep) {
        let Some(catch_up) = self.membership.catch_up() else {
            return;
        };
        let server = catch_up.server;
        match step {
            CatchUpStep::Wait => {}
            CatchUpStep::Append => {
                self.membership.end_catch_up();
                self.append_configuration(MembershipChange::AddServer(server));
            }
            CatchUpStep::GiveUp { rounds } => {
                self.membership.end_catch_up();
                self.forget_removed_followers();
                self.membership_event(MembershipEvent::CatchUpAbandoned { server, rounds });
            }
        }
    }

    /// The configuration in force changed (appended or truncated): say so, and
    /// a leader replicates to every voter of the new one.
    pub(super) fn configuration_changed(&mut self) {
        let index = self.membership.index();
        let members = self.membership.voters().to_vec();
        for &m in &members {
            self.track(m);
        }
        self.forget_removed_followers();
        self.membership_event(MembershipEvent::ConfigInForce { index, members });
    }

    /// A leader stops replicating to a server that is neither a voter nor
    /// catching up, once the configuration that removed it has committed (so
    /// that the removed server likely learns of its removal first, and sits
    /// elections out instead of disrupting the cluster).
    pub(super) fn forget_removed_followers(&mut self) {
        let committed = self.membership.index() <= self.commit_index;
        let catching_up = self.membership.catch_up().map(|c| c.server);
        let membership = &self.membership;
        if let Role::Leader { progress, .. } = &mut self.role {
            progress
                .retain(|&id, _| membership.is_voter(id) || Some(id) == catching_up || !committed);
        }
    }

    /// §4.2.2: a leader that is not in the configuration it leads steps down
    /// once that configuration has committed. Returns whether it did.
    pub(super) fn step_down_if_removed(&mut self, now: Time) -> bool {
        let index = self.membership.index();
        let removed = matches!(self.role, Role::Leader { .. })
            && !self.membership.is_voter(self.id)
            && index <= self.commit_index;
        if removed {
            self.membership_event(MembershipEvent::RemovedLeaderSteppedDown { index });
            self.become_follower(now, self.current_term, None);
        }
        removed
    }

    /// Whether this node stays out of elections: it is outside the
    /// configuration in force *and* that configuration is committed. While
    /// the entry that removed it is uncommitted it still stands (without
    /// counting its own vote), as it may be needed to commit that entry
    /// (§4.2.2): a removed leader deposed before its removal committed, whose
    /// longer log no other member would vote past, would otherwise leave
    /// the cluster without a leader for ever.
    pub(super) fn sits_out_elections(&self) -> bool {
        !self.membership.is_voter(self.id) && self.membership.index() <= self.commit_index
    }

    /// The leader a client is pointed to: none from a server that sits
    /// elections out. Nobody replicates to it, so the leader it last heard
    /// from may have lost power long ago, and a client following its hint
    /// would cycle through the same few nodes for ever (random seed 976 of
    /// `sweep --membership`).
    pub(super) fn client_leader_hint(&self) -> Option<NodeId> {
        if self.sits_out_elections() {
            None
        } else {
            self.leader_hint()
        }
    }

    /// A server outside the configuration in force does not stand: its
    /// election timer starts over (silently: it fires all the time; a person's
    /// forced timeout or a TimeoutNow is answered with a `not_a_voter` rejection).
    pub(super) fn sit_out_election(&mut self, now: Time, told: bool) {
        if told {
            let reason = RejectReason::NotAVoter {
                message: None,
                candidate: self.id,
            };
            self.reject(None, reason);
        }
        self.reset_election_timer(now);
    }

    /// A RequestVote (not a transfer's) from a node outside our configuration
    /// is ignored, its term not adopted, once that configuration is committed
    /// here, or while we heard from a current leader within the minimum
    /// election timeout: a removed server must not disrupt the cluster
    /// (§4.2.3). While the configuration is uncommitted and no leader is heard
    /// the candidate may be the removed leader, the one holding the entries
    /// needed to commit it (§4.2.2): it is answered as any candidate. (Without
    /// the lease rule a restarted voter, its commit index back to 0, took a
    /// removed server's ever higher terms and deposed leader after leader:
    /// swarm seed 17443.) Returns whether `msg` was ignored.
    pub(super) fn ignores_non_voter_campaign(&mut self, now: Time, msg: &Message) -> bool {
        let campaign = matches!(
            msg.body,
            MessageBody::RequestVote {
                transfer: false,
                ..
            } | MessageBody::PreVote { .. }
        );
        if !campaign || self.membership.is_voter(msg.from) {
            return false;
        }
        let committed = self.membership.index() <= self.commit_index;
        if !committed && self.leader_in_lease(now).is_none() {
            return false;
        }
        let reason = RejectReason::NotAVoter {
            message: Some(RaftMessageKind::of(&msg.body)),
            candidate: msg.from,
        };
        self.reject(Some(msg.from), reason);
        true
    }

    fn membership_event(&mut self, event: MembershipEvent) {
        self.ready.events.push(NodeEvent::Membership(event));
    }

    // ----- Read-only view and setup ---------------------------------------------

    /// The configuration in force (and a leader's catch-up).
    pub fn membership(&self) -> &crate::raft::Membership {
        &self.membership
    }

    /// Sets the initial configuration (the voters before any configuration
    /// entry; all nodes by default). Call right after `new` or `restart`.
    pub fn set_initial_members(&mut self, members: Vec<NodeId>) {
        self.membership.set_initial(members, &self.log);
    }
}
