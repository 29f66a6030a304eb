//! Unit tests of the checker: one violating stream per property, correct streams
//! that must stay silent, a garbage fuzz loop, and the liveness watch.

use super::{Checker, LivenessWatch, MAX_REPORTS_PER_PROPERTY, Property, Violation};
use crate::event::{Event, EventKind};
use crate::kv::{Command, Op};
use crate::raft::{Entry, EntryData, LogIndex, NodeId, RoleKind, Term, Time};
use crate::rng::Rng;

/// A hand-written event stream; every event one microsecond after the last.
struct Stream {
    checker: Checker,
    time: Time,
    found: Vec<Violation>,
}

fn cmd(client: u64, seq: u64) -> EntryData {
    EntryData::Command(Command {
        client,
        seq,
        op: Op::Put {
            key: format!("k{client}"),
            value: format!("v{seq}"),
        },
    })
}

impl Stream {
    fn new(nodes: &[NodeId]) -> Self {
        Stream {
            checker: Checker::new(nodes),
            time: 0,
            found: Vec::new(),
        }
    }

    fn ev(&mut self, kind: EventKind) -> &mut Self {
        self.time += 1;
        let found = self.checker.observe(&Event {
            time: self.time,
            kind,
        });
        self.found.extend(found);
        self
    }

    fn hard(&mut self, node: NodeId, term: Term, voted_for: Option<NodeId>) -> &mut Self {
        self.ev(EventKind::HardState {
            node,
            term,
            voted_for,
        })
    }
    fn role(&mut self, node: NodeId, role: RoleKind, term: Term) -> &mut Self {
        self.ev(EventKind::Role { node, role, term })
    }
    fn append(&mut self, node: NodeId, index: LogIndex, term: Term, data: EntryData) -> &mut Self {
        self.ev(EventKind::LogAppend {
            node,
            index,
            entry: Entry { term, data },
        })
    }
    fn truncate(&mut self, node: NodeId, from: LogIndex) -> &mut Self {
        self.ev(EventKind::LogTruncate { node, from })
    }
    fn commit(&mut self, node: NodeId, index: LogIndex) -> &mut Self {
        self.ev(EventKind::Commit { node, index })
    }
    fn apply(&mut self, node: NodeId, index: LogIndex, data: EntryData) -> &mut Self {
        self.ev(EventKind::Apply { node, index, data })
    }
    fn ok(&mut self, client: u64, seq: u64, index: LogIndex) -> &mut Self {
        self.ev(EventKind::ClientOk {
            client,
            seq,
            index,
            result: None,
        })
    }
    fn crash(&mut self, node: NodeId) -> &mut Self {
        self.ev(EventKind::Crash { node })
    }
    fn restart(&mut self, node: NodeId) -> &mut Self {
        self.ev(EventKind::Restart { node })
    }

    /// Node `leader` wins `term` with the votes of `voters` (self included).
    fn elect(&mut self, leader: NodeId, term: Term, voters: &[NodeId]) -> &mut Self {
        self.hard(leader, term, Some(leader))
            .role(leader, RoleKind::Candidate, term);
        for &v in voters.iter().filter(|&&v| v != leader) {
            self.hard(v, term, Some(leader))
                .role(v, RoleKind::Follower, term);
        }
        self.role(leader, RoleKind::Leader, term)
    }

    /// Appends the entry at `index` on every node of `nodes`.
    fn replicate(
        &mut self,
        nodes: &[NodeId],
        index: LogIndex,
        term: Term,
        data: EntryData,
    ) -> &mut Self {
        for &n in nodes {
            self.append(n, index, term, data.clone());
        }
        self
    }

    /// Commits up to `index` on `nodes` and applies `from..=index` there.
    fn commit_apply(
        &mut self,
        nodes: &[NodeId],
        from: LogIndex,
        index: LogIndex,
        log: &[EntryData],
    ) -> &mut Self {
        for &n in nodes {
            self.commit(n, index);
            for i in from..=index {
                self.apply(n, i, log[i as usize - 1].clone());
            }
        }
        self
    }

    /// Judges a pending `Commit` (what the end of a run does).
    fn flush(&mut self) -> &mut Self {
        let found = self.checker.flush();
        self.found.extend(found);
        self
    }

    /// The single violation found, checked to be of `property`.
    fn only(&mut self, property: Property) -> &Violation {
        self.flush();
        assert_eq!(
            self.found.len(),
            1,
            "expected exactly one violation, got {:#?}",
            self.found
        );
        assert_eq!(self.found[0].property, property, "{:#?}", self.found);
        assert_eq!(self.checker.violations(), &self.found[..]);
        assert!(!self.found[0].explanation.is_empty());
        &self.found[0]
    }

    fn none(&mut self) {
        self.flush();
        assert!(
            self.found.is_empty(),
            "expected no violation, got {:#?}",
            self.found
        );
        assert!(self.checker.violations().is_empty());
    }
}

/// A healthy 3-node run: election, replication, commit, apply, a client write, a
/// leader crash with an uncommitted tail, a new leader, the old leader's divergent
/// tail truncated on restart, a second write, a follower crash and re-apply.
fn healthy() -> Stream {
    let mut s = Stream::new(&[1, 2, 3]);
    let log = [EntryData::Noop, cmd(1, 1), EntryData::Noop, cmd(2, 1)];
    s.elect(1, 1, &[1, 2, 3])
        .replicate(&[1, 2, 3], 1, 1, EntryData::Noop)
        .commit_apply(&[1, 2, 3], 1, 1, &log);
    s.replicate(&[1, 2], 2, 1, cmd(1, 1))
        .commit_apply(&[1], 2, 2, &log)
        .ok(1, 1, 2)
        .commit_apply(&[2], 2, 2, &log);
    // Node 1 appends client 2's write but crashes before replicating it.
    s.append(1, 3, 1, cmd(2, 1)).crash(1);
    s.elect(2, 2, &[2, 3])
        .replicate(&[2], 3, 2, EntryData::Noop);
    s.append(3, 2, 1, cmd(1, 1))
        .append(3, 3, 2, EntryData::Noop);
    s.commit_apply(&[2], 3, 3, &log)
        .commit_apply(&[3], 2, 3, &log);
    // Node 1 comes back: adopts term 2, drops its uncommitted tail, catches up.
    s.restart(1)
        .hard(1, 2, None)
        .role(1, RoleKind::Follower, 2)
        .truncate(1, 3)
        .append(1, 3, 2, EntryData::Noop);
    s.commit_apply(&[1], 1, 3, &log);
    // Client 2 retries at the new leader.
    s.replicate(&[2, 3, 1], 4, 2, cmd(2, 1))
        .commit_apply(&[2], 4, 4, &log)
        .ok(2, 1, 4);
    s.commit_apply(&[3, 1], 4, 4, &log);
    // Node 3 crashes and re-learns everything.
    s.crash(3).restart(3).commit_apply(&[3], 1, 4, &log);
    s
}

#[test]
fn healthy_run_has_no_violation() {
    let mut s = healthy();
    s.none();
    assert_eq!(s.checker.committed_len(), 4);
}

#[test]
fn election_safety_two_leaders_one_term() {
    let mut s = Stream::new(&[1, 2, 3, 4, 5]);
    s.elect(1, 4, &[1, 2]);
    s.hard(3, 4, Some(3)).role(3, RoleKind::Leader, 4);
    let v = s.only(Property::ElectionSafety);
    assert_eq!(
        (v.nodes.as_slice(), v.term, v.index),
        (&[1, 3][..], Some(4), None)
    );
    assert_eq!(v.explanation, "Nodes 1 and 3 both became leader of term 4.");
    // A third leader of the same term is the same violation: reported once.
    s.hard(4, 4, Some(4)).role(4, RoleKind::Leader, 4);
    assert_eq!(s.found.len(), 1);
}

#[test]
fn leader_append_only_truncation_and_overwrite() {
    let mut s = Stream::new(&[1, 2, 3]);
    s.elect(1, 3, &[1, 2])
        .append(1, 1, 3, EntryData::Noop)
        .append(1, 2, 3, cmd(1, 1));
    s.truncate(1, 2);
    let v = s.only(Property::LeaderAppendOnly);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1][..], Some(2), Some(3))
    );

    let mut s = Stream::new(&[1, 2, 3]);
    s.elect(1, 3, &[1, 2])
        .append(1, 1, 3, EntryData::Noop)
        .append(1, 2, 3, cmd(1, 1));
    s.append(1, 1, 3, cmd(9, 9));
    // The overwrite also gives (index 1, term 3) a second prefix: Log Matching too.
    assert_eq!(s.found.len(), 2, "{:#?}", s.found);
    let v = &s.found[0];
    assert_eq!(
        (v.property, v.nodes.as_slice(), v.index, v.term),
        (Property::LeaderAppendOnly, &[1][..], Some(1), Some(3))
    );
    assert_eq!(
        v.explanation,
        "Node 1, leader of term 3, overwrote its own entry at index 1."
    );
    assert_eq!(s.found[1].property, Property::LogMatching);
}

#[test]
fn a_leader_that_persisted_a_higher_term_may_truncate() {
    // Persistence first: the new term is written, then the tail is cut, then the
    // role event says follower. Not a Leader Append-Only violation.
    let mut s = Stream::new(&[1, 2, 3]);
    s.elect(1, 3, &[1, 2])
        .append(1, 1, 3, EntryData::Noop)
        .append(1, 2, 3, cmd(1, 1));
    s.hard(1, 4, None)
        .truncate(1, 2)
        .append(1, 2, 4, EntryData::Noop)
        .role(1, RoleKind::Follower, 4);
    s.none();
}

#[test]
fn log_matching_same_index_and_term_different_prefix() {
    let mut s = Stream::new(&[1, 2]);
    s.append(1, 1, 1, EntryData::Noop)
        .append(1, 2, 3, cmd(1, 1));
    s.append(2, 1, 2, EntryData::Noop)
        .append(2, 2, 3, cmd(1, 1));
    let v = s.only(Property::LogMatching);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1, 2][..], Some(2), Some(3))
    );
}

#[test]
fn log_matching_same_index_and_term_different_data() {
    let mut s = Stream::new(&[1, 2]);
    s.append(1, 1, 1, cmd(1, 1)).append(2, 1, 1, cmd(2, 1));
    let v = s.only(Property::LogMatching);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1, 2][..], Some(1), Some(1))
    );
}

#[test]
fn leader_completeness_at_election() {
    let mut s = Stream::new(&[1, 2, 3]);
    let log = [EntryData::Noop, cmd(1, 1)];
    s.elect(1, 1, &[1, 2])
        .replicate(&[1, 2], 1, 1, EntryData::Noop)
        .replicate(&[1, 2], 2, 1, cmd(1, 1));
    s.commit_apply(&[1, 2], 1, 2, &log);
    // Node 3 never got them, yet wins term 2 (a vote without the log check).
    s.elect(3, 2, &[3, 2]);
    let v = s.only(Property::LeaderCompleteness);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[3][..], Some(1), Some(2))
    );
    assert_eq!(
        v.explanation,
        "Node 3 became leader of term 2 without the entry at index 1 (a term-1 no-op, committed in term 1)."
    );
}

#[test]
fn leader_completeness_when_a_commit_grows_under_a_newer_leader() {
    let mut s = Stream::new(&[1, 2, 3]);
    s.elect(1, 1, &[1, 2])
        .replicate(&[1, 2, 3], 1, 1, EntryData::Noop)
        .commit(1, 1);
    s.replicate(&[1, 2], 2, 1, cmd(1, 1));
    // Node 3 wins term 2 while index 2 is not committed (legal so far)...
    s.elect(3, 2, &[3]);
    s.none();
    // ...then the old leader commits index 2 in term 1: the term-2 leader lacks it.
    s.commit(1, 2);
    let v = s.only(Property::LeaderCompleteness);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[3][..], Some(2), Some(2))
    );
}

#[test]
fn leader_completeness_ignores_entries_committed_in_later_terms() {
    // A candidate of term 5 whose vote replies were delayed may win after a
    // term-7 leader committed entries: that is legal Raft.
    let mut s = Stream::new(&[1, 2, 3, 4, 5]);
    s.hard(1, 5, Some(1)).role(1, RoleKind::Candidate, 5);
    s.hard(2, 5, Some(1)).hard(3, 5, Some(1));
    s.elect(4, 7, &[4, 2, 3])
        .replicate(&[4, 2, 3], 1, 7, EntryData::Noop)
        .commit(4, 1);
    s.role(1, RoleKind::Leader, 5);
    s.none();
    assert_eq!(s.checker.committed_len(), 1);
}

#[test]
fn state_machine_safety_different_data_at_one_index() {
    let mut s = Stream::new(&[1, 2]);
    s.apply(1, 1, EntryData::Noop).apply(2, 1, cmd(4, 2));
    let v = s.only(Property::StateMachineSafety);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1, 2][..], Some(1), None)
    );
    assert_eq!(
        v.explanation,
        "Node 2 applied client 4's put k4=v2 (seq 2) at index 1, but node 1 had applied a no-op there."
    );
    // Re-applying the same data after a restart is fine.
    s.crash(1).restart(1).apply(1, 1, EntryData::Noop);
    assert_eq!(s.found.len(), 1);
}

#[test]
fn term_monotonic_across_restart() {
    let mut s = Stream::new(&[1, 2]);
    s.hard(1, 3, None).crash(1).restart(1).hard(1, 2, None);
    let v = s.only(Property::TermMonotonic);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1][..], None, Some(2))
    );
    assert_eq!(
        v.explanation,
        "Node 1's persisted term went back from 3 to 2."
    );
}

#[test]
fn one_vote_per_term_across_restart() {
    let mut s = Stream::new(&[1, 2, 3]);
    s.hard(2, 1, Some(1))
        .hard(2, 1, Some(1))
        .crash(2)
        .restart(2)
        .hard(2, 1, Some(3));
    let v = s.only(Property::OneVotePerTerm);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1, 2, 3][..], None, Some(1))
    );
    assert_eq!(
        v.explanation,
        "Node 2 voted for node 1 and then for node 3 in term 1."
    );
}

#[test]
fn committed_entries_stable_truncation_below_commit() {
    let mut s = Stream::new(&[1, 2]);
    s.append(2, 1, 1, EntryData::Noop)
        .append(2, 2, 1, cmd(1, 1))
        .commit(2, 2);
    s.truncate(2, 2);
    let v = s.only(Property::CommittedEntriesStable);
    assert_eq!((v.nodes.as_slice(), v.index), (&[2][..], Some(2)));
}

#[test]
fn committed_entries_stable_different_entry_committed() {
    let mut s = Stream::new(&[1, 2]);
    s.append(1, 1, 1, EntryData::Noop)
        .append(1, 2, 1, cmd(1, 1))
        .commit(1, 2);
    s.append(2, 1, 1, EntryData::Noop)
        .append(2, 2, 2, EntryData::Noop)
        .append(2, 3, 2, cmd(5, 5));
    s.none();
    s.commit(2, 3);
    let v = s.only(Property::CommittedEntriesStable);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1, 2][..], Some(2), Some(2))
    );
    assert_eq!(
        v.explanation,
        "Node 2 committed a term-2 no-op at index 2, but node 1 had committed a term-1 entry with client 1's command (seq 1) there."
    );
}

#[test]
fn acked_write_that_is_not_the_committed_entry() {
    let mut s = Stream::new(&[1, 2]);
    s.append(1, 1, 1, EntryData::Noop)
        .append(1, 2, 1, cmd(1, 1))
        .commit(1, 2);
    s.ok(1, 1, 2).none();
    s.ok(3, 7, 1);
    let v = s.only(Property::AckedWritesDurable);
    assert_eq!(
        (v.nodes.as_slice(), v.index, v.term),
        (&[1][..], Some(1), Some(1))
    );
    // An ack ahead of the commit is checked when the index commits.
    s.append(1, 3, 1, cmd(2, 2)).ok(2, 9, 3);
    assert_eq!(s.found.len(), 1);
    s.commit(1, 3).flush();
    assert_eq!(s.found.len(), 2);
    assert_eq!(
        (s.found[1].property, s.found[1].index),
        (Property::AckedWritesDurable, Some(3))
    );
}

#[test]
fn acked_write_replaced_on_a_node() {
    let mut s = Stream::new(&[1, 2, 3]);
    s.append(1, 1, 1, EntryData::Noop)
        .append(1, 2, 1, cmd(3, 7))
        .commit(1, 2)
        .ok(3, 7, 2);
    s.append(2, 1, 1, EntryData::Noop)
        .append(2, 2, 5, EntryData::Noop)
        .commit(2, 2)
        .flush();
    assert_eq!(s.found.len(), 2, "{:#?}", s.found);
    assert_eq!(s.found[0].property, Property::CommittedEntriesStable);
    let v = &s.found[1];
    assert_eq!(
        (v.property, v.nodes.as_slice(), v.index, v.term),
        (Property::AckedWritesDurable, &[2][..], Some(2), Some(5))
    );
    assert_eq!(
        v.explanation,
        "Client 3's write (seq 7), acknowledged at index 2, was replaced by a term-5 no-op on node 2."
    );
}

/// The events of one `Ready` share a time; whether the simulator emits the
/// `Commit` before or after the `Ready`'s truncation and appends, it is judged on
/// the log as the `Ready` left it.
#[test]
fn a_commit_is_judged_after_the_rest_of_its_ready() {
    for commit_first in [false, true] {
        let mut s = Stream::new(&[1, 2]);
        s.append(1, 1, 1, EntryData::Noop)
            .append(1, 2, 2, EntryData::Noop)
            .commit(1, 2);
        // Node 2 holds a stale uncommitted entry at index 2, then one Ready (at one
        // instant) replaces it and commits index 2.
        s.append(2, 1, 1, EntryData::Noop)
            .append(2, 2, 1, cmd(1, 1));
        s.time += 1;
        let t = s.time;
        let mut ready = vec![
            EventKind::LogTruncate { node: 2, from: 2 },
            EventKind::LogAppend {
                node: 2,
                index: 2,
                entry: Entry::noop(2),
            },
        ];
        let commit = EventKind::Commit { node: 2, index: 2 };
        if commit_first {
            ready.insert(0, commit)
        } else {
            ready.push(commit)
        }
        for kind in ready {
            let found = s.checker.observe(&Event { time: t, kind });
            s.found.extend(found);
        }
        s.apply(1, 1, EntryData::Noop);
        s.none();
        assert_eq!(s.checker.committed_len(), 2);
    }
    // A Commit of the same node at a later time is judged on its own.
    let mut s = Stream::new(&[1]);
    s.append(1, 1, 1, EntryData::Noop)
        .commit(1, 1)
        .truncate(1, 1);
    assert_eq!(s.only(Property::CommittedEntriesStable).index, Some(1));
}

#[test]
fn a_broken_run_does_not_flood() {
    // Two nodes applying different data at 50 indexes: 50 distinct violations of
    // one property, of which the first MAX_REPORTS_PER_PROPERTY are reported.
    let mut s = Stream::new(&[1, 2]);
    for i in 1..=50 {
        s.apply(1, i, EntryData::Noop).apply(2, i, cmd(1, i));
    }
    s.flush();
    assert_eq!(s.found.len(), MAX_REPORTS_PER_PROPERTY);
    assert_eq!(s.checker.suppressed(), 50 - MAX_REPORTS_PER_PROPERTY);
    assert_eq!(s.found[0].index, Some(1));
    // Another property still gets reported.
    s.hard(1, 5, None).hard(1, 4, None);
    assert_eq!(
        s.found.last().map(|v| v.property),
        Some(Property::TermMonotonic)
    );
}

#[test]
fn violation_events_in_the_stream_are_ignored() {
    let mut s = healthy();
    let v = Violation {
        property: Property::ElectionSafety,
        time: 1,
        nodes: vec![1, 2],
        index: None,
        term: Some(1),
        explanation: "echo".into(),
    };
    s.ev(EventKind::Violation(v));
    s.none();
}

/// Random nonsense, including out-of-range indexes and terms: no panic, and the
/// returned violations add up to `violations()`.
#[test]
fn garbage_streams_never_panic() {
    for seed in 0..8 {
        let mut rng = Rng::derive(seed, "check-fuzz", 0);
        let mut checker = Checker::new(&[1, 2, 3]);
        let mut watch = LivenessWatch::new();
        let mut returned = 0;
        let mut time = 0;
        for _ in 0..20_000 {
            time += rng.range(0, 3);
            let kind = random_event(&mut rng);
            let event = Event { time, kind };
            returned += checker.observe(&event).len();
            watch.observe(&event);
            if rng.chance(0.001) {
                watch.set_final_heal(rng.next_u64());
            }
        }
        assert_eq!(returned, checker.violations().len());
        let _ = watch.finish(time, rng.range(0, 100));
        let _ = watch.finish(u64::MAX, u64::MAX);
        let _ = watch.finish(0, 0);
    }
}

fn random_event(rng: &mut Rng) -> EventKind {
    let small = |rng: &mut Rng, n: u64| {
        if rng.chance(0.02) {
            u64::MAX - rng.range(0, 2)
        } else {
            rng.range(0, n)
        }
    };
    let node = small(rng, 5);
    let term = small(rng, 6);
    let index = small(rng, 12);
    let data = if rng.chance(0.5) {
        EntryData::Noop
    } else {
        cmd(rng.range(0, 3), rng.range(0, 3))
    };
    let roles = [RoleKind::Follower, RoleKind::Candidate, RoleKind::Leader];
    match rng.range(0, 11) {
        0 => EventKind::HardState {
            node,
            term,
            voted_for: rng.chance(0.5).then(|| rng.range(0, 5)),
        },
        1 => EventKind::Role {
            node,
            role: roles[rng.range(0, 3) as usize],
            term,
        },
        2 | 3 => EventKind::LogAppend {
            node,
            index,
            entry: Entry { term, data },
        },
        4 => EventKind::LogTruncate { node, from: index },
        5 => EventKind::Commit { node, index },
        6 => EventKind::Apply { node, index, data },
        7 => EventKind::ClientOk {
            client: rng.range(0, 3),
            seq: rng.range(0, 3),
            index,
            result: None,
        },
        8 => EventKind::ClientInvoke {
            client: rng.range(0, 3),
            seq: rng.range(0, 3),
            op: Op::Get { key: "k".into() },
            to: node,
        },
        9 => EventKind::Crash { node },
        _ => EventKind::Restart { node },
    }
}

// ----- liveness ------------------------------------------------------------------------------

fn at(time: Time, kind: EventKind) -> Event {
    Event { time, kind }
}

fn invoke(time: Time, client: u64, seq: u64, to: NodeId) -> Event {
    at(
        time,
        EventKind::ClientInvoke {
            client,
            seq,
            op: Op::Get { key: "x".into() },
            to,
        },
    )
}

#[test]
fn liveness_leader_after_heal() {
    let mut w = LivenessWatch::new();
    w.observe(&at(
        10,
        EventKind::Role {
            node: 1,
            role: RoleKind::Leader,
            term: 1,
        },
    ));
    w.observe(&at(20, EventKind::Crash { node: 1 }));
    w.set_final_heal(1_000);
    // No leader from the heal on, and enough time has passed: a violation.
    let v = w.finish(5_000, 2_000);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].property, Property::Liveness);
    assert_eq!(
        v[0].explanation,
        "No leader was in power in the 2 ms after the final heal at 1 ms."
    );
    // Not enough time yet: no verdict.
    assert!(w.finish(2_999, 2_000).is_empty());
    // A leader elected within the bound fixes it; one elected too late does not.
    let mut late = w.clone();
    late.observe(&at(
        3_500,
        EventKind::Role {
            node: 2,
            role: RoleKind::Leader,
            term: 2,
        },
    ));
    assert_eq!(late.finish(5_000, 2_000).len(), 1);
    w.observe(&at(
        2_500,
        EventKind::Role {
            node: 2,
            role: RoleKind::Leader,
            term: 2,
        },
    ));
    assert!(w.finish(5_000, 2_000).is_empty());
    assert_eq!(w.leader(), Some((2, 2)));
}

#[test]
fn liveness_leader_in_power_through_the_heal_counts() {
    let mut w = LivenessWatch::new();
    w.observe(&at(
        10,
        EventKind::Role {
            node: 3,
            role: RoleKind::Leader,
            term: 4,
        },
    ));
    w.set_final_heal(1_000);
    assert!(w.finish(10_000, 500).is_empty());
    w.observe(&at(
        999,
        EventKind::Role {
            node: 3,
            role: RoleKind::Follower,
            term: 5,
        },
    ));
    assert_eq!(w.finish(10_000, 500).len(), 1);
}

#[test]
fn liveness_stuck_requests() {
    let mut w = LivenessWatch::new();
    w.observe(&at(
        0,
        EventKind::Role {
            node: 1,
            role: RoleKind::Leader,
            term: 1,
        },
    ));
    w.observe(&invoke(100, 1, 1, 1));
    w.observe(&invoke(200, 2, 1, 1));
    w.observe(&invoke(9_500, 3, 1, 1)); // too late to be judged at 10 ms with a 1 ms bound
    w.observe(&at(
        300,
        EventKind::ClientOk {
            client: 2,
            seq: 1,
            index: 2,
            result: None,
        },
    ));
    w.set_final_heal(4_000);
    let v = w.finish(10_000, 1_000);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].nodes, vec![1]);
    assert_eq!(
        v[0].explanation,
        "Client 1's request (seq 1), invoked at 0.100 ms on node 1, was still not complete at 10 ms, 6 ms after the final heal."
    );
    // Invoked before the heal counts from the heal: with a 6.5 ms bound it is not late yet.
    assert!(w.finish(10_000, 6_500).is_empty());
    w.observe(&at(
        9_900,
        EventKind::ClientOk {
            client: 1,
            seq: 1,
            index: 3,
            result: None,
        },
    ));
    assert!(w.finish(10_000, 1_000).is_empty());
    // A retry's invoke after completion does not reopen it.
    w.observe(&invoke(9_950, 1, 1, 2));
    assert_eq!(w.finish(20_000, 1_000).len(), 1); // only client 3 remains
}

/// A long tail the majority lacks at the heal widens the bound for stuck
/// requests by the time the core needs to ship it: one batch per round trip.
#[test]
fn liveness_allows_for_the_backlog_at_the_heal() {
    use super::liveness::CatchUp;
    let append = |time: Time, node: NodeId, index: LogIndex| {
        at(
            time,
            EventKind::LogAppend {
                node,
                index,
                entry: Entry {
                    term: 1,
                    data: EntryData::Noop,
                },
            },
        )
    };
    let mut w = LivenessWatch::new();
    w.set_final_heal(1_000_000);
    w.set_catch_up(CatchUp {
        nodes: 3,
        batch: 2,
        round_trip: 50_000,
    });
    w.observe(&invoke(0, 1, 1, 1));
    // Before the heal: node 1 holds 100 entries, node 2 10, node 3 1; the
    // majority holds 10, so 90 entries in batches of 2: 45 round trips, 2.25 s.
    w.observe(&append(10, 1, 100));
    w.observe(&append(20, 2, 10));
    w.observe(&append(30, 3, 1));
    w.observe(&at(
        1_000_000,
        EventKind::Role {
            node: 1,
            role: RoleKind::Leader,
            term: 2,
        },
    ));
    // Appends after the heal do not move the allowance.
    w.observe(&append(1_100_000, 1, 200));
    let bound = 3_000_000;
    assert!(
        w.finish(1_000_000 + bound + 2_250_000 - 1, bound)
            .is_empty()
    );
    let v = w.finish(1_000_000 + bound + 2_250_000, bound);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(
        v[0].explanation
            .contains("(allowed: 3000 ms plus 2250 ms to ship the backlog at the heal)"),
        "{}",
        v[0].explanation
    );
    // Without a catch-up model there is no allowance.
    let mut plain = LivenessWatch::new();
    plain.set_final_heal(1_000_000);
    plain.observe(&invoke(0, 1, 1, 1));
    plain.observe(&append(10, 1, 100));
    let stuck = plain.finish(1_000_000 + bound, bound);
    assert!(
        stuck
            .iter()
            .any(|v| v.explanation.starts_with("Client 1's request")),
        "{stuck:#?}"
    );
}

/// Membership: progress is required from the configuration in force. A
/// leader outside its own configuration (a removed server committing its
/// removal) does not count; the backlog allowance looks at the voters only.
#[test]
fn liveness_judges_the_configuration_in_force() {
    use super::liveness::CatchUp;
    let leader = |time, node, term| {
        at(
            time,
            EventKind::Role {
                node,
                role: RoleKind::Leader,
                term,
            },
        )
    };
    let config = |time, node, index, members: &[NodeId]| {
        at(
            time,
            EventKind::LogAppend {
                node,
                index,
                entry: Entry {
                    term: 1,
                    data: EntryData::Config {
                        members: members.to_vec(),
                    },
                },
            },
        )
    };
    // Node 4 is outside the initial configuration {1, 2, 3}: its reign does not count.
    let mut w = LivenessWatch::new();
    w.set_initial_members(&[1, 2, 3]);
    w.set_final_heal(1_000);
    w.observe(&leader(1_500, 4, 2));
    assert_eq!(w.finish(5_000, 2_000).len(), 1);
    w.observe(&leader(2_000, 1, 3));
    assert!(w.finish(5_000, 2_000).is_empty());
    // Node 1 removed itself ({2, 3} in force at node 1): its next reign does not count.
    let mut w = LivenessWatch::new();
    w.set_final_heal(1_000);
    w.observe(&config(500, 1, 7, &[2, 3]));
    w.observe(&leader(1_500, 1, 2));
    assert_eq!(w.finish(5_000, 2_000).len(), 1);
    // A truncated configuration entry no longer holds.
    w.observe(&at(1_600, EventKind::LogTruncate { node: 1, from: 7 }));
    w.observe(&leader(1_700, 1, 3));
    assert!(w.finish(5_000, 2_000).is_empty());
    // The allowance: nodes 4 and 5 are outside {1, 2, 3} and hold nothing;
    // a majority of the voters holds 100 of 100, so nothing to ship (over
    // every node, the median would be node 3's 90: 10 entries to ship).
    let mut w = LivenessWatch::new();
    w.set_initial_members(&[1, 2, 3]);
    w.set_final_heal(1_000_000);
    w.set_catch_up(CatchUp {
        nodes: 5,
        batch: 1,
        round_trip: 50_000,
    });
    let invoke = at(
        0,
        EventKind::ClientInvoke {
            client: 1,
            seq: 1,
            op: Op::Get { key: "k".into() },
            to: 1,
        },
    );
    w.observe(&invoke);
    for (node, index) in [(1, 100), (2, 100), (3, 90)] {
        w.observe(&config(10, node, index, &[1, 2, 3]));
    }
    w.observe(&leader(1_000_000, 1, 2));
    let v = w.finish(1_000_000 + 3_000_000, 3_000_000);
    assert_eq!(v.len(), 1);
    assert!(
        !v[0].explanation.contains("allowed"),
        "{}",
        v[0].explanation
    );
}
