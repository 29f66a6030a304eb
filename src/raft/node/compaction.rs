//! Log compaction and InstallSnapshot (dissertation ch. 5, Figure 13): when a
//! node takes a snapshot, how a leader sends one to a follower that needs
//! entries it dropped, and the follower's rules for installing it. Hooks in
//! `node.rs` call these; everything here is inert while
//! `Config::snapshot_threshold` is 0 (no snapshot is ever taken, so none is sent).

use super::{Node, Role};
use crate::kv::KvStore;
use crate::raft::membership::config_at;
use crate::raft::message::MessageBody;
use crate::raft::ready::{NodeEvent, PersistOp};
use crate::raft::reject::{RaftMessageKind, RejectReason};
use crate::raft::snapshot::Snapshot;
use crate::raft::types::{Entry, LogIndex, NodeId, RoleKind, Term, Time};

impl Node {
    /// Takes a snapshot if `snapshot_threshold` applied entries follow the last
    /// one; `state` must be the state machine after applying up to
    /// `last_applied` (call it after carrying out `Ready::apply`). Returns
    /// whether it took one (its `PersistOp::Snapshot` is then in the next Ready).
    pub fn maybe_snapshot(&mut self, state: &KvStore) -> bool {
        let threshold = self.config.snapshot_threshold;
        if threshold == 0 || self.last_applied < self.log.offset() + threshold {
            return false;
        }
        self.take_snapshot(state.clone());
        true
    }

    /// Snapshots `state` (the state machine at `last_applied`) and drops the
    /// log up to `last_applied`. Only applied, hence committed, entries go.
    pub fn take_snapshot(&mut self, state: KvStore) {
        let index = self.last_applied;
        if index <= self.log.offset() {
            return; // nothing new to compact
        }
        let last_term = self
            .log
            .term_at(index)
            .expect("an applied entry is in the log");
        // The configuration as of `index` (its entry may be compacted away now).
        let (_, members) = config_at(&self.log, self.membership.initial(), index);
        let snapshot = Snapshot {
            last_index: index,
            last_term,
            state,
            members,
        };
        self.log.compact(snapshot.clone());
        self.ready.persist.push(PersistOp::Snapshot { snapshot });
    }

    /// After a restart: the persisted snapshot's entries are committed and
    /// applied, so the state machine starts from it.
    pub(super) fn restore_from_snapshot(&mut self) {
        let Some(snapshot) = self.log.snapshot().cloned() else {
            return;
        };
        self.commit_index = snapshot.last_index;
        self.last_applied = snapshot.last_index;
        self.ready.events.push(NodeEvent::CommitAdvanced {
            commit_index: snapshot.last_index,
        });
        self.ready.restore = Some(snapshot);
    }

    /// Leader: `peer` needs an entry the log no longer holds.
    pub(super) fn send_snapshot(&mut self, peer: NodeId) {
        let snapshot = self
            .log
            .snapshot()
            .cloned()
            .expect("only a compacted log lacks an entry below its first");
        self.send(peer, MessageBody::InstallSnapshot { snapshot });
    }

    /// Follower: an AppendEntries whose `prev_log_index` lies inside our
    /// snapshot. Those entries are committed here, so they match the leader's
    /// (Leader Completeness): check from the snapshot's last index instead,
    /// with its term, and skip the entries it covers.
    pub(super) fn skip_compacted(
        &self,
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: Vec<Entry>,
    ) -> (LogIndex, Term, Vec<Entry>) {
        let offset = self.log.offset();
        if prev_log_index >= offset {
            return (prev_log_index, prev_log_term, entries);
        }
        let covered = (offset - prev_log_index) as usize;
        let snapshot_term = self.log.term_at(offset).unwrap_or(0);
        let rest = entries.into_iter().skip(covered).collect();
        (offset, snapshot_term, rest)
    }

    /// Follower (Figure 13's receiver rules), the term already checked:
    /// a snapshot we committed past is stale; one whose last entry we hold
    /// with its term only commits up to it (our log extends it, and applying
    /// our own entries gives the same state); any other replaces the whole
    /// log and resets the state machine.
    pub(super) fn handle_install_snapshot(
        &mut self,
        now: Time,
        leader: NodeId,
        snapshot: Snapshot,
    ) {
        if !self.heard_from_leader(now, leader) {
            return;
        }

        let index = snapshot.last_index;
        if index <= self.commit_index {
            let commit_index = self.commit_index;
            self.reject(
                Some(leader),
                RejectReason::StaleSnapshot {
                    index,
                    commit_index,
                },
            );
        } else if self.log.term_at(index) == Some(snapshot.last_term) {
            // Our log holds the snapshot's last entry: keep what follows it.
            self.advance_commit(index);
        } else {
            self.log.compact(snapshot.clone());
            self.ready.persist.push(PersistOp::Snapshot {
                snapshot: snapshot.clone(),
            });
            self.commit_index = index;
            self.last_applied = index;
            self.ready.events.push(NodeEvent::CommitAdvanced {
                commit_index: index,
            });
            self.ready.restore = Some(snapshot);
            // The snapshot's configuration replaces whatever our old log held.
            if self.membership.after_install(&self.log) {
                self.configuration_changed();
            }
        }
        let match_index = self.commit_index;
        self.send(leader, MessageBody::InstallSnapshotReply { match_index });
    }

    /// Leader: the follower matches up to `match_index`; move its Progress on
    /// and send what follows. A late or duplicated reply changes nothing.
    pub(super) fn handle_snapshot_reply(&mut self, follower: NodeId, match_index: LogIndex) {
        let last_index = self.log.last_index();
        let Role::Leader { progress, .. } = &mut self.role else {
            let kind = RaftMessageKind::InstallSnapshotReply;
            return self.reject_for_role(follower, kind, RoleKind::Leader);
        };
        let Some(pr) = progress.get_mut(&follower) else {
            return;
        };
        if match_index <= pr.match_index {
            return;
        }
        pr.match_index = match_index.min(last_index);
        pr.next_index = pr.next_index.max(pr.match_index + 1);
        let more_to_send = pr.next_index <= last_index;
        self.maybe_commit();
        if more_to_send {
            self.send_append_entries(follower);
        }
    }
}
