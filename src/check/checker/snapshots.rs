//! Log compaction in the checker. A snapshot replaces a node's log prefix, so
//! the checker judges two things:
//! - **State Machine Safety across a snapshot**: the state a snapshot holds (or
//!   a node's state machine right after it installs one) must be the state of
//!   the committed log up to the snapshot's index, and the snapshot's last
//!   entry must be the committed one. The reference is a state machine the
//!   checker runs itself over the first-applied entry of each index (built
//!   lazily, at the first snapshot of a run: a run without snapshots pays nothing).
//! - **The shadow log across an install**: a compacted index counts as committed
//!   with the snapshot's term. A node that keeps its log (its entry at the
//!   snapshot's index has the snapshot's term) keeps its shadow; one whose log
//!   the snapshot replaced gets the committed prefix as its shadow, so Log
//!   Matching and Leader Completeness go on judging whole logs.

use super::Checker;
use crate::check::shadow::{PerIndex, get, to_usize};
use crate::chunked::Chunked;
use crate::event::{Property, Violation};
use crate::kv::KvStore;
use crate::raft::{EntryData, LogIndex, NodeId, Term, Time};

/// The reference state machine; see the module docs.
#[derive(Clone, Debug, Default)]
pub(super) struct SnapshotWatch {
    /// The state after applying the first-applied entries `1..=digests.len()`.
    kv: KvStore,
    /// `digests[i - 1]`: the state's digest after index `i`.
    digests: Chunked<u64>,
}

impl SnapshotWatch {
    /// The reference digest at `index`, once every entry up to it has been
    /// applied somewhere (`None` before that: nothing to judge against).
    fn digest_at(
        &mut self,
        applied: &PerIndex<Option<(u64, EntryData, NodeId)>>,
        index: LogIndex,
    ) -> Option<u64> {
        while (self.digests.len() as LogIndex) < index {
            let next = self.digests.len() as LogIndex + 1;
            let (_, first) = applied.between(next, next).next()?;
            let (_, data, _) = first.as_ref()?;
            if let EntryData::Command(cmd) = data {
                self.kv.apply(cmd);
            }
            self.digests.push(self.kv.digest());
        }
        get(&self.digests, index).copied()
    }
}

impl Checker {
    /// A node wrote a snapshot covering `1..=index` (last entry of `term`).
    pub(super) fn on_snapshot(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        index: LogIndex,
        term: Term,
        digest: u64,
    ) {
        // The node's own commit of what it snapshots may still be held back.
        if self.pending.is_some_and(|(n, _)| n == node) {
            self.judge_pending(out);
        }
        if let Some(c) = self.committed_at(index)
            && c.slot.term != term
        {
            self.report(
                out,
                (Property::StateMachineSafety, index, node),
                t,
                vec![c.node, node],
                Some(index),
                Some(term),
                || {
                    format!(
                        "Node {node}'s snapshot ends at index {index} with a term-{term} entry, but the entry committed there (by node {}) is of term {}.",
                        c.node, c.slot.term
                    )
                },
            );
        }
        self.check_snapshot_state(out, t, node, index, digest, "snapshot of its state machine");

        // The shadow: kept if the node's log extends the snapshot, else the
        // committed prefix the snapshot stands for.
        let keeps_log = self
            .nodes
            .get(&node)
            .and_then(|ns| ns.slot(index))
            .is_some_and(|s| s.term == term);
        if !keeps_log {
            // The committed prefix's own chunks (a clone shares them), cut at
            // the snapshot's index.
            let mut prefix = self.committed.clone();
            prefix.truncate(to_usize(index));
            let ns = self.node_mut(node);
            ns.verified = ns.verified.min(prefix.len() as LogIndex);
            ns.shared_chunks = 0;
            ns.log = prefix;
        }
    }

    /// A node's state machine was reset from its snapshot at `index`.
    pub(super) fn on_snapshot_restore(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        index: LogIndex,
        digest: u64,
    ) {
        self.check_snapshot_state(
            out,
            t,
            node,
            index,
            digest,
            "state machine, reset from its snapshot,",
        );
    }

    /// State Machine Safety: `digest` must be the reference state at `index`.
    fn check_snapshot_state(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        index: LogIndex,
        digest: u64,
        what: &str,
    ) {
        let Some(expected) = self.snapshots.digest_at(&self.applied, index) else {
            return;
        };
        if expected == digest {
            return;
        }
        self.report(
            out,
            (Property::StateMachineSafety, index, node),
            t,
            vec![node],
            Some(index),
            None,
            || {
                format!(
                    "Node {node}'s {what} at index {index} differs from the state of applying the committed log up to there."
                )
            },
        );
    }
}
