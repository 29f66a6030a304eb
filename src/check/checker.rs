//! The continuous safety checker: judges the event stream, one event at a time,
//! against the safety properties. The compact log shadows it judges with (slots,
//! prefix hashes) are in `shadow.rs`.
//!
//! # Data structures
//! - Per node, a shadow of its persisted log: one [`Slot`] per index holding the
//!   entry's term, a hash of its data, the client command it carries, and a rolling
//!   prefix hash `h[i] = chain(h[i-1], term_i, hash(data_i))`. Two logs hold the
//!   same prefix up to `i` iff their `h[i]` are equal (up to 64-bit hash
//!   collisions, which can only hide a violation, never invent one).
//! - The cluster's committed prefix: per index the entry (a [`Slot`], its prefix
//!   hash along the committed chain), and apart, the first node seen committing
//!   it and the term it was committed in (together a [`Committed`]). It only
//!   grows; the first commit of an index wins. A node's shadow that agrees with
//!   it shares its chunks (see [`Checker::share_committed_chunks`]): five nodes'
//!   shadows of one committed log are held once.
//! - Maps for the facts that must hold over the whole run: leader per term, vote
//!   per (node, term), prefix hash per (index, term), first applied data per index,
//!   acknowledged client writes per index.
//! - The term of every Raft message on the wire, and per node the highest term
//!   delivered to it: a node must never send below a term it has heard.
//!
//! Every event costs O(log n) (map look-ups, binary searches over prefix hashes),
//! except that extending the committed prefix costs O(1) per new committed index.
//! Logs are never rescanned.

use crate::check::linearizability::NonLinearizable;
use crate::check::linearizable_watch::LinearizableWatch;
use crate::check::shadow::{
    Committed, Committer, PerIndex, Slot, chain, command_of, describe_slot, first_mismatch, get,
    hash_of, to_usize,
};
use crate::chunked::{CHUNK, Chunked};
use crate::event::describe;
use crate::event::{
    Address, Event, EventKind, MessageId, MessageKind, Payload, Property, Violation,
};
use crate::kv::ClientId;
use crate::raft::{
    Entry, EntryData, LogIndex, MessageBody, NodeId, RaftMessageKind, RejectReason, RoleKind, Term,
    Time,
};
use std::collections::{BTreeMap, BTreeSet};

mod majority;
mod parts;
pub use parts::MemoryParts;
mod snapshots;

#[derive(Clone, Debug, Default)]
struct NodeState {
    /// The shadow of the persisted log; `log[i - 1]` is index `i`.
    log: Chunked<Slot>,
    /// The persisted `currentTerm`.
    hard_term: Term,
    /// The current role (`None` while crashed or before any role is known).
    role: Option<RoleKind>,
    /// The term of the last `Role` event.
    role_term: Term,
    /// The highest term of a Raft message delivered to the node (kept across
    /// crashes: adopting it was persisted before the node sent anything).
    heard_term: Term,
    /// The term of a RequestVote just delivered that the node may ignore
    /// without adopting it (CheckQuorum's leader stickiness says so with a
    /// `leader_in_lease` rejection right away); 0 if none. Folded into
    /// `heard_term` as soon as the node does anything else.
    tentative_term: Term,
    /// The node's commit index (volatile: 0 after a crash), as judged so far.
    commit: LogIndex,
    /// A `Commit` not judged yet (see [`Checker::observe`]); 0 if none.
    pending_commit: LogIndex,
    /// The node's log is checked against the committed prefix up to here
    /// (`verified <= min(commit, log.len())`).
    verified: LogIndex,
    /// Memory only: the leading chunks of `log` already offered to
    /// [`Checker::share_committed_chunks`] (a hint, so that sharing costs
    /// O(new chunks); a wrong value never changes a verdict).
    shared_chunks: usize,
}

impl NodeState {
    fn len(&self) -> LogIndex {
        self.log.len() as LogIndex
    }

    fn slot(&self, index: LogIndex) -> Option<&Slot> {
        get(&self.log, index)
    }

    /// Leader of its role term, and has not persisted a newer term (a leader that
    /// just learnt of a higher term persists it before its role event follows).
    fn is_current_leader(&self) -> bool {
        self.role == Some(RoleKind::Leader) && self.hard_term <= self.role_term
    }
}

/// Whether a delivered message's term must be adopted by its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binding {
    Always,
    /// A PreVote asks for a term nobody holds yet, and a granted pre-vote
    /// echoes it: neither is adopted (§9.6).
    Never,
    /// A RequestVote not sent for a leadership transfer: a node with
    /// CheckQuorum ignores it while it hears from its leader.
    UnlessInLease,
}

impl Binding {
    fn of(body: &MessageBody) -> Binding {
        match body {
            MessageBody::PreVote { .. } | MessageBody::PreVoteReply { vote_granted: true } => {
                Binding::Never
            }
            MessageBody::RequestVote {
                transfer: false, ..
            } => Binding::UnlessInLease,
            _ => Binding::Always,
        }
    }
}

/// The acknowledged writes at indexes `first..=last`, as (index, client, seq) in
/// increasing order.
fn acked_between(
    acked: &PerIndex<Vec<(ClientId, u64)>>,
    first: LogIndex,
    last: LogIndex,
) -> Vec<(LogIndex, ClientId, u64)> {
    acked
        .between(first, last)
        .flat_map(|(i, writes)| writes.iter().map(move |&(c, s)| (i, c, s)))
        .collect()
}

/// Dedupe key: at most one violation per key.
type Key = (Property, u64, u64);

/// A [`Key`] as stored in [`Checker::reported`]: the property by its index (one
/// B-tree instantiation fewer in the wasm; see README, "Page weight").
fn stored(key: Key) -> (u64, u64, u64) {
    (key.0.index() as u64, key.1, key.2)
}

/// At most this many violations of one property are reported in a run; further
/// distinct ones are only counted ([`Checker::suppressed`]). One broken rule tends to
/// break the same property at every later index: the first reports say it all.
pub const MAX_REPORTS_PER_PROPERTY: usize = 8;

/// The continuous safety checker; see the module docs.
///
/// What grows with the run (shadows, committed prefix, the per-index facts, the
/// client history) is [`Chunked`]: a clone, a time-travel checkpoint, shares it.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    nodes: BTreeMap<NodeId, NodeState>,
    /// Term -> the first node seen becoming its leader.
    leaders: BTreeMap<Term, NodeId>,
    /// (voter, term) -> the first candidate it voted for.
    votes: BTreeMap<(NodeId, Term), NodeId>,
    /// At position `index`: (term, prefix hash, first node seen holding it), one
    /// per term seen at that index, in the order seen. Kept after truncation: in a
    /// correct Raft (index, term) identifies one entry and one prefix over the run.
    entries: PerIndex<Vec<(Term, u64, NodeId)>>,
    /// The cluster's committed prefix; `committed[i - 1]` is index `i`, its
    /// `prefix` along the committed chain itself. Never changed once pushed, so
    /// a node shadow equal to it over a whole chunk can hold that chunk instead.
    committed: Chunked<Slot>,
    /// Who committed each committed index first, and in what term:
    /// `committers[i - 1]` for index `i` (as long as `committed`).
    committers: Chunked<Committer>,
    /// Monotone stack over the committed prefix: `(last index of a batch, its
    /// commit term)`, terms strictly increasing upwards. Answers "the highest
    /// committed index committed in a term < T" by binary search.
    commit_terms: Vec<(LogIndex, Term)>,
    /// At position `index`: (data hash, data, node) of the first application seen.
    applied: PerIndex<Option<(u64, EntryData, NodeId)>>,
    /// At position `index`: every acknowledged write there, as (client, seq) in
    /// increasing order.
    acked: PerIndex<Vec<(ClientId, u64)>>,
    /// Raft messages on the wire: id -> (receiver, term). Removed when delivered
    /// or dropped.
    wire: BTreeMap<MessageId, (NodeId, Term, Binding)>,
    /// The clients' history, judged for linearizability as reads are answered
    /// and at [`Checker::flush`].
    linearizable: LinearizableWatch,
    /// The node (and time) whose `Commit` waits for the rest of its `Ready`.
    pending: Option<(NodeId, Time)>,
    /// Every [`Key`] found so far, [`stored`].
    reported: BTreeSet<(u64, u64, u64)>,
    /// Violations reported so far, by [`Property::index`].
    per_property: [usize; Property::COUNT],
    suppressed: usize,
    violations: Vec<Violation>,
    /// The requests (client, seq) of every non-linearizable core found, its
    /// results and the writes that matter (for the page's client history).
    blamed: Vec<(ClientId, u64)>,
    /// Membership changes: the configurations seen (see `majority.rs`).
    configs: majority::Configs,
    /// Log compaction: the reference state machine snapshots are judged against.
    snapshots: snapshots::SnapshotWatch,
}

impl Checker {
    /// A checker for a cluster of `nodes` (events naming other nodes are checked too).
    pub fn new(nodes: &[NodeId]) -> Self {
        let mut checker = Checker::default();
        for &n in nodes {
            checker.nodes.entry(n).or_default();
        }
        checker
    }

    /// Membership changes: the voters before any configuration entry, when
    /// not every node (commits are then judged against the configuration in force).
    pub fn set_initial_members(&mut self, members: &[NodeId]) {
        self.configs.set_initial(members);
    }

    /// Feeds one event; returns the violations it revealed (possibly empty). Each
    /// distinct violation is reported once (one per property and key: the term for
    /// Election Safety, the index for the log properties, the node and term for
    /// per-node properties).
    ///
    /// A `Commit` is judged once the rest of its node's `Ready` has been seen: at the
    /// next event about another node or at a later time (or at [`Checker::flush`]),
    /// so the checker does not depend on whether the simulator emits a `Ready`'s
    /// persistence events before or after its `Commit`.
    pub fn observe(&mut self, event: &Event) -> Vec<Violation> {
        // A rejection only says why a node refused something: it changes no
        // state, and must not even judge a held-back `Commit` early (a `rejected`
        // event for another node, or at a later time, would otherwise move where
        // a violation lands in the trace).
        // (One exception, which judges nothing: leader stickiness says the
        // RequestVote just delivered was rightly not adopted.)
        // (Likewise a RequestVote from a node outside the configuration in force.)
        if let EventKind::Rejected {
            node,
            reason:
                RejectReason::LeaderInLease {
                    message: RaftMessageKind::RequestVote,
                    ..
                }
                | RejectReason::NotAVoter {
                    message: Some(RaftMessageKind::RequestVote),
                    ..
                }
                | RejectReason::RestartFence { .. },
            ..
        } = &event.kind
        {
            self.node_mut(*node).tentative_term = 0;
        }
        if matches!(event.kind, EventKind::Rejected { .. }) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let t = event.time;
        if let Some((pending, at)) = self.pending {
            let other = node_of(&event.kind).is_some_and(|n| n != pending);
            let own_fault = matches!(event.kind, EventKind::Crash { node } | EventKind::Restart { node } if node == pending);
            if t != at || other || own_fault {
                self.judge_pending(&mut out);
            }
        }
        if let Some(key) = self.linearizable.observe(event) {
            let failures = self.linearizable.judge_key(&key);
            self.report_non_linearizable(&mut out, failures);
        }
        match &event.kind {
            EventKind::HardState {
                node,
                term,
                voted_for,
            } => self.on_hard_state(&mut out, t, *node, *term, *voted_for),
            EventKind::Role { node, role, term } => self.on_role(&mut out, t, *node, *role, *term),
            EventKind::LogAppend { node, index, entry } => {
                self.on_append(&mut out, t, *node, *index, entry)
            }
            EventKind::LogTruncate { node, from } => {
                self.on_truncate(&mut out, t, *node, *from, false)
            }
            EventKind::Commit { node, index } => {
                let ns = self.node_mut(*node);
                ns.pending_commit = ns.pending_commit.max(*index);
                self.pending = Some((*node, t));
            }
            EventKind::Apply { node, index, data } => {
                self.on_apply(&mut out, t, *node, *index, data)
            }
            // A read answered off the log (index 0) names no entry.
            EventKind::ClientOk { index: 0, .. } => {}
            EventKind::Snapshot {
                node,
                index,
                term,
                digest,
            } => self.on_snapshot(&mut out, t, *node, *index, *term, *digest),
            // The configuration in force changed otherwise than by an append
            // or a truncation the checker sees entry by entry: a snapshot
            // installed over the log carries its own.
            EventKind::Membership {
                node,
                step: crate::raft::MembershipEvent::ConfigInForce { index, members },
            } => self.configs.in_force_now(*node, *index, members),
            EventKind::SnapshotRestore {
                node,
                index,
                digest,
            } => self.on_snapshot_restore(&mut out, t, *node, *index, *digest),
            EventKind::ClientOk {
                client, seq, index, ..
            } => {
                let at = self.acked.at(*index);
                if let Err(p) = at.binary_search(&(*client, *seq)) {
                    // Exactly: one write per index is the rule.
                    at.reserve_exact(1);
                    at.insert(p, (*client, *seq));
                }
                self.check_ack(&mut out, t, *index, *client, *seq);
            }
            EventKind::Send {
                id,
                from,
                to: Address::Node(to),
                message: Payload::Raft(msg),
                ..
            } => {
                if let Address::Node(from) = from {
                    let kind = MessageKind::of_raft(&msg.body).name();
                    self.on_raft_send(&mut out, t, *from, msg.term, kind);
                }
                self.wire
                    .insert(*id, (*to, msg.term, Binding::of(&msg.body)));
            }
            EventKind::Duplicate { id, copy, .. } => {
                if let Some(&sent) = self.wire.get(id) {
                    self.wire.insert(*copy, sent);
                }
            }
            EventKind::Deliver { id } => {
                if let Some((to, term, binding)) = self.wire.remove(id) {
                    let ns = self.node_mut(to);
                    ns.heard_term = ns.heard_term.max(std::mem::take(&mut ns.tentative_term));
                    match binding {
                        Binding::Always => ns.heard_term = ns.heard_term.max(term),
                        Binding::UnlessInLease => ns.tentative_term = term,
                        Binding::Never => {}
                    }
                }
            }
            EventKind::Drop { id, .. } => {
                self.wire.remove(id);
            }
            EventKind::Crash { node } => {
                let ns = self.node_mut(*node);
                ns.role = None;
                ns.commit = 0;
                ns.pending_commit = 0;
                ns.verified = 0;
            }
            EventKind::Restart { node } => {
                let ns = self.node_mut(*node);
                ns.role = Some(RoleKind::Follower);
                ns.commit = 0;
                ns.pending_commit = 0;
                ns.verified = 0;
            }
            // Network, client bookkeeping, faults without state, and our own echoes.
            _ => {}
        }
        self.violations.extend(out.iter().cloned());
        out
    }

    /// Judges a `Commit` still waiting for the rest of its `Ready` (see
    /// [`Checker::observe`]), and the linearizability of the keys whose client
    /// history changed since the last flush; call it at the end of a run. Returns
    /// what it revealed.
    pub fn flush(&mut self) -> Vec<Violation> {
        let mut out = Vec::new();
        self.judge_pending(&mut out);
        self.judge_linearizable(&mut out);
        self.violations.extend(out.iter().cloned());
        out
    }

    /// Reports each key newly found non-linearizable, with its smallest failing
    /// sub-history in the explanation.
    fn judge_linearizable(&mut self, out: &mut Vec<Violation>) {
        let failures = self.linearizable.judge();
        self.report_non_linearizable(out, failures);
    }

    fn report_non_linearizable(
        &mut self,
        out: &mut Vec<Violation>,
        failures: Vec<NonLinearizable>,
    ) {
        // Dedupe key: the failing key's rank among all keys found failing so far.
        let before = self.linearizable.failed_keys() - failures.len();
        for (i, failure) in failures.into_iter().enumerate() {
            let core = failure.core.iter().map(|o| (o.client, o.seq));
            let writes = failure.writes.iter().map(|w| (w.client, w.seq));
            self.blamed.extend(core.chain(writes));
            let key = (Property::Linearizable, (before + i) as u64, 0);
            let size = failure.core.len() + failure.writes.len();
            let total = failure.key_operations;
            self.report(out, key, failure.detected_at(), vec![], None, None, || {
                format!(
                    "{} (the {size} of the {total} operations on key '{}' that cannot be linearized)",
                    failure.explanation, failure.key
                )
            });
        }
    }

    /// The requests the linearizability check blamed so far, as (client, seq).
    pub fn blamed_requests(&self) -> &[(ClientId, u64)] {
        &self.blamed
    }

    /// Every violation reported so far, in the order found.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Distinct violations found but not reported, past
    /// [`MAX_REPORTS_PER_PROPERTY`] for their property.
    pub fn suppressed(&self) -> usize {
        self.suppressed
    }

    /// The longest committed prefix seen in the cluster: indexes a node committed
    /// and whose entries the checker has seen in that node's log (a `Commit` counts
    /// once judged: see [`Checker::observe`]).
    pub fn committed_len(&self) -> LogIndex {
        self.committed.len() as LogIndex
    }

    fn judge_pending(&mut self, out: &mut Vec<Violation>) {
        let Some((node, t)) = self.pending.take() else {
            return;
        };
        let ns = self.node_mut(node);
        let judged = std::mem::take(&mut ns.pending_commit);
        ns.commit = ns.commit.max(judged);
        self.advance_node_commit(out, t, node);
        self.check_commit_majority(out, t, node, judged);
    }

    // ----- handlers -------------------------------------------------------------------

    fn on_hard_state(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        term: Term,
        voted_for: Option<NodeId>,
    ) {
        let ns = self.node_mut(node);
        let previous = ns.hard_term;
        ns.hard_term = term;
        if term < previous {
            self.report(
                out,
                (Property::TermMonotonic, node, term),
                t,
                vec![node],
                None,
                Some(term),
                || format!("Node {node}'s persisted term went back from {previous} to {term}."),
            );
        }
        if let Some(candidate) = voted_for {
            match self.votes.get(&(node, term)).copied() {
                None => {
                    self.votes.insert((node, term), candidate);
                }
                Some(first) if first != candidate => self.report(
                    out,
                    (Property::OneVotePerTerm, node, term),
                    t,
                    vec![node, first, candidate],
                    None,
                    Some(term),
                    || {
                        format!(
                            "Node {node} voted for node {first} and then for node {candidate} in term {term}."
                        )
                    },
                ),
                Some(_) => {}
            }
        }
    }

    /// A node sends a Raft message of `term`: never below a term it has heard.
    fn on_raft_send(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        term: Term,
        kind: &str,
    ) {
        let ns = self.node_mut(node);
        ns.heard_term = ns.heard_term.max(std::mem::take(&mut ns.tentative_term));
        let heard = ns.heard_term;
        if term >= heard {
            return;
        }
        self.report(
            out,
            (Property::HigherTermAdopted, node, term),
            t,
            vec![node],
            None,
            Some(term),
            || {
                format!(
                    "Node {node} sent {kind} in term {term} after it had received a message of term {heard}."
                )
            },
        );
    }

    fn on_role(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        role: RoleKind,
        term: Term,
    ) {
        let ns = self.node_mut(node);
        ns.role = Some(role);
        ns.role_term = term;
        if role != RoleKind::Leader {
            return;
        }
        match self.leaders.get(&term).copied() {
            None => {
                self.leaders.insert(term, node);
            }
            Some(first) if first != node => self.report(
                out,
                (Property::ElectionSafety, term, 0),
                t,
                vec![first, node],
                None,
                Some(term),
                || {
                    let (a, b) = (first.min(node), first.max(node));
                    format!("Nodes {a} and {b} both became leader of term {term}.")
                },
            ),
            Some(_) => {}
        }
        // Leader Completeness: every entry committed in a term < `term` must be in
        // the new leader's log. The committed prefix up to the last such index is
        // exactly what must be there (the prefix hash covers everything before it).
        let required = self.required_len(term);
        self.check_leader_has(out, t, node, term, required, true);
    }

    fn on_append(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        index: LogIndex,
        entry: &Entry,
    ) {
        let len = self.node_mut(node).len();
        if index == 0 || index > len.saturating_add(1) {
            return; // a gap: nothing sensible to chain onto (never happens in a real run)
        }
        if index <= len {
            // Appending over an existing entry is an overwrite: a truncation first.
            self.on_truncate(out, t, node, index, true);
        }
        self.configs.on_append(node, index, &entry.data);
        let data = hash_of(&entry.data);
        let ns = self.node_mut(node);
        let prev = ns.log.last().map_or(0, |s| s.prefix);
        let slot = Slot {
            term: entry.term,
            data,
            prefix: chain(prev, entry.term, data),
            cmd: command_of(&entry.data),
        };
        ns.log.push(slot);
        let commit = ns.commit;

        // Log Matching: (index, term) names one prefix over the whole run.
        let seen = self.entries.at(index);
        match seen.iter().find(|e| e.0 == entry.term).map(|e| (e.1, e.2)) {
            None => {
                // Exactly: one term per index is the rule, and a Vec's first
                // growth would hold four.
                seen.reserve_exact(1);
                seen.push((entry.term, slot.prefix, node))
            }
            Some((prefix, other)) if prefix != slot.prefix => {
                let term = entry.term;
                self.report(
                    out,
                    (Property::LogMatching, index, term),
                    t,
                    vec![other, node],
                    Some(index),
                    Some(term),
                    || {
                        let (a, b) = (other.min(node), other.max(node));
                        if a == b {
                            format!(
                                "Node {a} held a term-{term} entry at index {index} twice, with different logs up to it."
                            )
                        } else {
                            format!(
                                "Nodes {a} and {b} both hold a term-{term} entry at index {index}, but their logs up to it differ."
                            )
                        }
                    },
                );
            }
            Some(_) => {}
        }
        if index <= commit {
            // The node had already declared this index committed (only after a
            // truncation of committed entries, or an unusual event order).
            self.advance_node_commit(out, t, node);
        }
    }

    fn on_truncate(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        from: LogIndex,
        overwrite: bool,
    ) {
        let from = from.max(1);
        let ns = self.node_mut(node);
        if from > ns.len() {
            return; // removes nothing
        }
        let leader_term = ns.is_current_leader().then_some(ns.role_term);
        let commit = ns.commit;
        ns.log.truncate(to_usize(from - 1));
        ns.verified = ns.verified.min(from - 1);
        ns.shared_chunks = ns.shared_chunks.min(ns.log.len() / CHUNK);
        self.configs.on_truncate(node, from);

        if let Some(term) = leader_term {
            self.report(
                out,
                (Property::LeaderAppendOnly, node, term),
                t,
                vec![node],
                Some(from),
                Some(term),
                || {
                    if overwrite {
                        format!("Node {node}, leader of term {term}, overwrote its own entry at index {from}.")
                    } else {
                        format!("Node {node}, leader of term {term}, deleted its own entries from index {from} on.")
                    }
                },
            );
        }
        if from <= commit {
            self.report(
                out,
                (Property::CommittedEntriesStable, from, 0),
                t,
                vec![node],
                Some(from),
                None,
                || {
                    format!(
                        "Node {node} removed its log entries from index {from} on, although it had committed up to index {commit}."
                    )
                },
            );
        }
    }

    fn on_apply(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        index: LogIndex,
        data: &EntryData,
    ) {
        let hash = hash_of(data);
        let earlier = self.applied.at(index);
        match earlier {
            None => *earlier = Some((hash, data.clone(), node)),
            Some((first_hash, first_data, first_node)) if *first_hash != hash => {
                let (first_node, first) = (*first_node, describe::entry_in_words(first_data));
                self.report(
                    out,
                    (Property::StateMachineSafety, index, 0),
                    t,
                    vec![first_node, node],
                    Some(index),
                    None,
                    || {
                        let now = describe::entry_in_words(data);
                        if first_node == node {
                            format!("Node {node} applied {now} at index {index}, after having applied {first} there.")
                        } else {
                            format!(
                                "Node {node} applied {now} at index {index}, but node {first_node} had applied {first} there."
                            )
                        }
                    },
                );
            }
            Some(_) => {}
        }
    }

    // ----- commits ---------------------------------------------------------------------

    /// Checks the node's log over its newly committed range against the committed
    /// prefix, and extends the committed prefix with what is new to the cluster.
    fn advance_node_commit(&mut self, out: &mut Vec<Violation>, t: Time, node: NodeId) {
        let Some(ns) = self.nodes.get(&node) else {
            return;
        };
        let top = ns.commit.min(ns.len());
        if top <= ns.verified {
            return;
        }
        let verified = ns.verified;
        let known = self.committed_len();
        let overlap = top.min(known);

        // Committed Entries Stable: what the node commits must be what was committed.
        if overlap > verified {
            let mine = ns.slot(overlap).map(|s| s.prefix);
            let theirs = get(&self.committed, overlap).map(|s| s.prefix);
            if mine != theirs {
                let first = first_mismatch(&ns.log, &self.committed, overlap);
                self.report_commit_mismatch(out, t, node, first, overlap);
            }
        }

        // New to the cluster: extend the committed prefix.
        if top > known {
            let Some(ns) = self.nodes.get(&node) else {
                return;
            };
            let commit_term = ns.hard_term.max(ns.role_term);
            let mut prev = self.committed.last().map_or(0, |s| s.prefix);
            for i in known + 1..=top {
                let Some(slot) = ns.slot(i).copied() else {
                    break;
                };
                prev = chain(prev, slot.term, slot.data);
                self.committed.push(Slot {
                    prefix: prev,
                    ..slot
                });
                self.committers.push(Committer { node, commit_term });
            }
            while self
                .commit_terms
                .last()
                .is_some_and(|&(_, term)| term >= commit_term)
            {
                self.commit_terms.pop();
            }
            self.commit_terms.push((top, commit_term));

            // Acknowledged writes that were waiting for their index to commit.
            let pending = acked_between(&self.acked, known + 1, top);
            for (index, client, seq) in pending {
                self.check_ack(out, t, index, client, seq);
            }

            // Leader Completeness: leaders of later terms must already hold it.
            let leaders: Vec<(NodeId, Term)> = self
                .nodes
                .iter()
                .filter(|(_, s)| s.is_current_leader() && s.role_term > commit_term)
                .map(|(&n, s)| (n, s.role_term))
                .collect();
            for (leader, term) in leaders {
                self.check_leader_has(out, t, leader, term, top, false);
            }
        }
        if let Some(ns) = self.nodes.get_mut(&node) {
            ns.verified = top;
        }
        self.share_committed_chunks(node, top);
    }

    /// Memory only: once `node`'s shadow agrees with the committed prefix up
    /// to `upto` (equal prefix hashes there, so equal entries all the way
    /// down, the very assumption every check here makes), its whole chunks
    /// below `upto` become the committed prefix's own. What the shadow holds
    /// is unchanged (a later truncation or overwrite copies the chunk first),
    /// so no verdict can change; five agreeing shadows cost one.
    fn share_committed_chunks(&mut self, node: NodeId, upto: LogIndex) {
        let Some(ns) = self.nodes.get_mut(&node) else {
            return;
        };
        let agree = ns.slot(upto).map(|s| s.prefix) == get(&self.committed, upto).map(|s| s.prefix);
        if upto == 0 || !agree {
            return;
        }
        ns.shared_chunks =
            ns.log
                .share_chunks_from(&self.committed, ns.shared_chunks, to_usize(upto));
    }

    /// The committed entry at `index`, with who committed it first and when.
    fn committed_at(&self, index: LogIndex) -> Option<Committed> {
        let slot = *get(&self.committed, index)?;
        let by = *get(&self.committers, index)?;
        Some(Committed {
            slot,
            node: by.node,
            commit_term: by.commit_term,
        })
    }

    fn report_commit_mismatch(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        node: NodeId,
        first: LogIndex,
        last: LogIndex,
    ) {
        let Some(ns) = self.nodes.get(&node) else {
            return;
        };
        let (Some(mine), Some(theirs)) = (ns.slot(first).copied(), self.committed_at(first)) else {
            return;
        };
        // Acknowledged writes in the differing range that this node replaced.
        let mut lost = Vec::new();
        for (index, client, seq) in acked_between(&self.acked, first, last) {
            if let Some(slot) = ns.slot(index)
                && slot.cmd != Some((client, seq))
            {
                lost.push((index, client, seq, *slot));
            }
        }
        self.report(
            out,
            (Property::CommittedEntriesStable, first, 0),
            t,
            vec![theirs.node, node],
            Some(first),
            Some(mine.term),
            || {
                format!(
                    "Node {node} committed {} at index {first}, but node {} had committed {} there.",
                    describe_slot(&mine),
                    theirs.node,
                    describe_slot(&theirs.slot)
                )
            },
        );
        for (index, client, seq, slot) in lost {
            self.report(
                out,
                (Property::AckedWritesDurable, index, 0),
                t,
                vec![node],
                Some(index),
                Some(slot.term),
                || {
                    format!(
                        "Client {client}'s write (seq {seq}), acknowledged at index {index}, was replaced by {} on node {node}.",
                        describe_slot(&slot)
                    )
                },
            );
        }
    }

    /// An acknowledged write must be the committed entry at its index.
    fn check_ack(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        index: LogIndex,
        client: ClientId,
        seq: u64,
    ) {
        let Some(c) = self.committed_at(index) else {
            return;
        };
        if c.slot.cmd == Some((client, seq)) {
            return;
        }
        self.report(
            out,
            (Property::AckedWritesDurable, index, 0),
            t,
            vec![c.node],
            Some(index),
            Some(c.slot.term),
            || {
                format!(
                    "Client {client}'s write (seq {seq}) was acknowledged at index {index}, but the entry committed there (by node {}) is {}.",
                    c.node,
                    describe_slot(&c.slot)
                )
            },
        );
    }

    // ----- leader completeness -----------------------------------------------------------

    /// The highest committed index whose commit term is below `term` (0 if none).
    fn required_len(&self, term: Term) -> LogIndex {
        let p = self.commit_terms.partition_point(|&(_, t)| t < term);
        if p == 0 {
            0
        } else {
            self.commit_terms[p - 1].0
        }
    }

    /// Reports if `leader` (of `term`) lacks the committed prefix up to `required`.
    fn check_leader_has(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        leader: NodeId,
        term: Term,
        required: LogIndex,
        at_election: bool,
    ) {
        if required == 0 {
            return;
        }
        let Some(ns) = self.nodes.get(&leader) else {
            return;
        };
        let Some(need) = self.committed_at(required) else {
            return;
        };
        if ns.slot(required).map(|s| s.prefix) == Some(need.slot.prefix) {
            return;
        }
        // The first committed index the leader lacks.
        let len = ns.len().min(required);
        let first = if len == 0 {
            1
        } else if ns.slot(len).map(|s| s.prefix) != get(&self.committed, len).map(|s| s.prefix) {
            first_mismatch(&ns.log, &self.committed, len)
        } else {
            len + 1
        };
        let Some(missing) = self.committed_at(first) else {
            return;
        };
        let required_term = need.commit_term;
        self.report(
            out,
            (Property::LeaderCompleteness, leader, term),
            t,
            vec![leader],
            Some(first),
            Some(term),
            || {
                let what = describe_slot(&missing.slot);
                let when = if missing.commit_term < term {
                    format!("committed in term {}", missing.commit_term)
                } else {
                    format!("which precedes index {required}, committed in term {required_term}")
                };
                if at_election {
                    format!("Node {leader} became leader of term {term} without the entry at index {first} ({what}, {when}).")
                } else {
                    format!("Node {leader}, leader of term {term}, lacks the entry at index {first} ({what}, {when}).")
                }
            },
        );
    }

    // ----- helpers ---------------------------------------------------------------------

    fn node_mut(&mut self, node: NodeId) -> &mut NodeState {
        self.nodes.entry(node).or_default()
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        out: &mut Vec<Violation>,
        key: Key,
        time: Time,
        mut nodes: Vec<NodeId>,
        index: Option<LogIndex>,
        term: Option<Term>,
        explanation: impl FnOnce() -> String,
    ) {
        if !self.reported.insert(stored(key)) {
            return;
        }
        let count = &mut self.per_property[key.0.index()];
        if *count >= MAX_REPORTS_PER_PROPERTY {
            self.suppressed += 1;
            return;
        }
        *count += 1;
        nodes.sort_unstable();
        nodes.dedup();
        out.push(Violation {
            property: key.0,
            time,
            nodes,
            index,
            term,
            explanation: explanation(),
        });
    }
}

/// The node an event is about, if any.
fn node_of(kind: &EventKind) -> Option<NodeId> {
    match kind {
        EventKind::Role { node, .. }
        | EventKind::HardState { node, .. }
        | EventKind::LogAppend { node, .. }
        | EventKind::LogTruncate { node, .. }
        | EventKind::Commit { node, .. }
        | EventKind::Apply { node, .. }
        | EventKind::Snapshot { node, .. }
        | EventKind::SnapshotRestore { node, .. }
        | EventKind::Crash { node }
        | EventKind::Restart { node }
        | EventKind::ForceTimeout { node } => Some(*node),
        _ => None,
    }
}
