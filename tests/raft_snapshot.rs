//! Table tests of log compaction and InstallSnapshot (dissertation ch. 5,
//! Figure 13), one test per rule, in the style of `tests/raft_production.rs`
//! (and of etcd's `raft_snap_test.go` / raft-rs's `test_raft.rs`, which test
//! the same rules): nodes built in a given state, fed messages by hand, their
//! `Ready`s inspected. Then scripted runs of the real world (`sim::Harness`)
//! and a swarm with compaction on, judged by the checker.

use raft_playground::check::{Checker, Property};
use raft_playground::kv::{Command, KvStore, Op};
use raft_playground::raft::{
    Bugs, Config, Entry, EntryData, Log, LogIndex, Message, MessageBody, Node, NodeEvent, NodeId,
    PersistOp, PersistentState, Ready, RejectReason, Role, RoleKind, Snapshot, Term, Time,
};
use raft_playground::rng::Rng;
use raft_playground::sim::swarm::{SwarmPlan, run_swarm_plan};
use raft_playground::sim::{Event, EventKind, Harness, Production, SECOND, TraceMode};

const SEED: u64 = 0x5EED;
const T0: Time = 10_000_000;

fn config(threshold: u64) -> Config {
    Config {
        snapshot_threshold: threshold,
        ..Config::default()
    }
}

fn msg(from: NodeId, to: NodeId, term: Term, body: MessageBody) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

fn put(seq: u64) -> Command {
    Command {
        client: 1,
        seq,
        op: Op::Put {
            key: format!("k{}", seq % 3),
            value: format!("v{seq}"),
        },
    }
}

/// The state after applying `entries` in order.
fn state_of(entries: &[Entry]) -> KvStore {
    let mut kv = KvStore::new();
    for e in entries {
        if let EntryData::Command(c) = &e.data {
            kv.apply(c);
        }
    }
    kv
}

/// `(term, is a command)` per index: commands are client 1's puts, seq = index.
fn entries(terms: &[Term]) -> Vec<Entry> {
    terms
        .iter()
        .enumerate()
        .map(|(i, &t)| Entry::command(t, put(i as u64 + 1)))
        .collect()
}

fn snapshot_of(terms: &[Term], last_index: LogIndex) -> Snapshot {
    let covered = &entries(terms)[..last_index as usize];
    Snapshot {
        last_index,
        last_term: terms[last_index as usize - 1],
        state: state_of(covered),
        members: vec![1, 2, 3],
    }
}

fn install(from: NodeId, to: NodeId, term: Term, snapshot: Snapshot) -> Message {
    msg(from, to, term, MessageBody::InstallSnapshot { snapshot })
}

fn replies(r: &Ready) -> Vec<(NodeId, LogIndex)> {
    r.messages
        .iter()
        .filter_map(|m| match m.body {
            MessageBody::InstallSnapshotReply { match_index } => Some((m.to, match_index)),
            _ => None,
        })
        .collect()
}

fn snapshots_persisted(r: &Ready) -> Vec<(LogIndex, Term)> {
    r.persist
        .iter()
        .filter_map(|op| match op {
            PersistOp::Snapshot { snapshot } => Some((snapshot.last_index, snapshot.last_term)),
            _ => None,
        })
        .collect()
}

/// A node and its clock.
struct Peer {
    node: Node,
    now: Time,
}

impl Peer {
    /// Node `id` of a 3-node cluster at `term`, its log holding `terms`.
    fn new(id: NodeId, term: Term, terms: &[Term], threshold: u64) -> Peer {
        let disk = PersistentState {
            current_term: term,
            voted_for: None,
            log: Log::from_entries(entries(terms)),
        };
        Peer::from_disk(id, disk, threshold)
    }

    fn from_disk(id: NodeId, disk: PersistentState, threshold: u64) -> Peer {
        let rng = Rng::derive(SEED, "node", id);
        let node = Node::restart(
            id,
            vec![1, 2, 3],
            config(threshold),
            Bugs::none(),
            rng,
            disk,
            T0,
        );
        Peer { node, now: T0 }
    }

    /// Node 1, leader of `term + 1` with log `terms` plus its no-op, which
    /// node 2 acknowledges: everything is committed and applied.
    fn leader(term: Term, terms: &[Term], threshold: u64) -> (Peer, KvStore) {
        let mut p = Peer::new(1, term, terms, threshold);
        p.node.force_timeout(p.now);
        let granted = MessageBody::RequestVoteReply { vote_granted: true };
        p.node.step(p.now, msg(2, 1, term + 1, granted));
        assert_eq!(p.node.role_kind(), RoleKind::Leader);
        let last = p.node.log().last_index();
        let ok = MessageBody::AppendEntriesReply {
            success: true,
            match_index: last,
            rejected_index: 0,
            hint: None,
        };
        p.node.step(p.now, msg(2, 1, term + 1, ok));
        let r = p.node.take_ready();
        let applied: Vec<Entry> = r.apply.iter().map(|(_, e)| e.clone()).collect();
        assert_eq!(p.node.commit_index(), last);
        (p, state_of(&applied))
    }

    fn step(&mut self, m: Message) -> Ready {
        self.node.step(self.now, m);
        self.node.take_ready()
    }

    fn progress(&self, peer: NodeId) -> (LogIndex, LogIndex) {
        match self.node.role() {
            Role::Leader { progress, .. } => {
                (progress[&peer].next_index, progress[&peer].match_index)
            }
            _ => panic!("not the leader"),
        }
    }
}

// ----- Taking a snapshot ------------------------------------------------------------------

#[test]
fn a_node_snapshots_once_the_threshold_of_applied_entries_is_reached() {
    let cases: [(u64, bool); 4] = [(0, false), (8, false), (7, true), (3, true)];
    for (threshold, takes) in cases {
        // Six commands of term 1 and the leader's no-op (term 2): 7 applied.
        let (mut p, kv) = Peer::leader(1, &[1; 6], threshold);
        assert_eq!(p.node.maybe_snapshot(&kv), takes, "threshold {threshold}");
        let r = p.node.take_ready();
        let log = p.node.log();
        if takes {
            assert_eq!(snapshots_persisted(&r), vec![(7, 2)]);
            assert_eq!(
                (log.offset(), log.first_index(), log.last_index()),
                (7, 8, 7)
            );
            assert_eq!(
                log.term_at(7),
                Some(2),
                "the boundary answers with the snapshot's term"
            );
            assert_eq!(log.term_at(6), None, "a compacted index is gone");
            assert_eq!(log.snapshot().unwrap().state, kv);
        } else {
            assert!(snapshots_persisted(&r).is_empty());
            assert_eq!(log.offset(), 0);
        }
    }
}

#[test]
fn the_persisted_state_holds_the_snapshot_and_a_restart_starts_from_it() {
    let (mut p, kv) = Peer::leader(1, &[1; 6], 3);
    assert!(p.node.maybe_snapshot(&kv));
    let _ = p.node.take_ready();
    let disk = p.node.persistent_state();
    assert_eq!(disk.log.snapshot().map(|s| s.last_index), Some(7));
    let mut back = Peer::from_disk(1, disk, 3);
    assert_eq!(back.node.commit_index(), 7);
    assert_eq!(back.node.last_applied(), 7);
    let r = back.node.take_ready();
    assert_eq!(r.restore.as_ref().map(|s| &s.state), Some(&kv));
    assert!(
        r.events
            .contains(&NodeEvent::CommitAdvanced { commit_index: 7 })
    );
    assert!(
        r.apply.is_empty(),
        "nothing before the snapshot is applied again"
    );
}

// ----- Leader side -------------------------------------------------------------------------

#[test]
fn a_leader_sends_its_snapshot_to_a_follower_behind_it_and_moves_progress_on_the_reply() {
    let (mut p, kv) = Peer::leader(1, &[1; 6], 3);
    assert!(p.node.maybe_snapshot(&kv));
    let _ = p.node.take_ready();
    // Node 3 was never heard from: its nextIndex (7, the no-op) is inside the snapshot.
    p.now += 60_000;
    p.node.tick(p.now);
    let r = p.node.take_ready();
    let to_3: Vec<&MessageBody> = r
        .messages
        .iter()
        .filter(|m| m.to == 3)
        .map(|m| &m.body)
        .collect();
    assert!(
        matches!(to_3.as_slice(), [MessageBody::InstallSnapshot { snapshot }] if snapshot.last_index == 7),
        "{to_3:?}"
    );
    // Node 2 matches everything: it gets a heartbeat, not the snapshot.
    assert!(
        r.messages
            .iter()
            .any(|m| m.to == 2 && matches!(m.body, MessageBody::AppendEntries { .. }))
    );
    let reply = MessageBody::InstallSnapshotReply { match_index: 7 };
    let r = p.step(msg(3, 1, 2, reply.clone()));
    assert_eq!(p.progress(3), (8, 7));
    assert!(r.messages.is_empty(), "nothing after the snapshot to send");
    // A duplicated reply changes nothing; a stale one (lower match) neither.
    let _ = p.step(msg(3, 1, 2, reply));
    let _ = p.step(msg(
        3,
        1,
        2,
        MessageBody::InstallSnapshotReply { match_index: 3 },
    ));
    assert_eq!(p.progress(3), (8, 7));
}

#[test]
fn a_reply_with_entries_after_the_snapshot_sends_them_next() {
    let (mut p, kv) = Peer::leader(1, &[1; 6], 3);
    assert!(p.node.maybe_snapshot(&kv));
    p.node.propose(p.now, put(8)).unwrap();
    let _ = p.node.take_ready();
    let r = p.step(msg(
        3,
        1,
        2,
        MessageBody::InstallSnapshotReply { match_index: 7 },
    ));
    assert_eq!(p.progress(3), (8, 7));
    let sent: Vec<&MessageBody> = r
        .messages
        .iter()
        .filter(|m| m.to == 3)
        .map(|m| &m.body)
        .collect();
    assert!(
        matches!(sent.as_slice(), [MessageBody::AppendEntries { prev_log_index: 7, prev_log_term: 2, entries, .. }] if entries.len() == 1),
        "{sent:?}"
    );
}

// ----- Follower side (Figure 13, receiver rules) --------------------------------------------

#[test]
fn a_follower_whose_log_conflicts_drops_it_and_resets_its_state_machine() {
    let leader_terms = [1, 1, 2, 2, 2, 2, 2];
    // Its own log: term-1 entries, the last two never committed.
    let mut f = Peer::new(3, 1, &[1, 1, 1, 1], 0);
    let snapshot = snapshot_of(&leader_terms, 7);
    let r = f.step(install(1, 3, 2, snapshot.clone()));
    let log = f.node.log();
    assert_eq!((log.offset(), log.last_index(), log.last_term()), (7, 7, 2));
    assert!(log.entries().is_empty());
    assert_eq!((f.node.commit_index(), f.node.last_applied()), (7, 7));
    assert_eq!(snapshots_persisted(&r), vec![(7, 2)]);
    assert_eq!(r.restore, Some(snapshot));
    assert_eq!(replies(&r), vec![(1, 7)]);
    assert_eq!(f.node.role_kind(), RoleKind::Follower);
    assert_eq!(f.node.leader_hint(), Some(1));
}

#[test]
fn a_follower_that_holds_the_snapshots_last_entry_keeps_its_suffix() {
    let terms = [1, 1, 2, 2, 2, 2, 2, 2, 2];
    let mut f = Peer::new(3, 2, &terms, 0);
    let r = f.step(install(1, 3, 2, snapshot_of(&terms, 7)));
    assert_eq!(f.node.log().last_index(), 9, "entries 8 and 9 are kept");
    assert_eq!(f.node.commit_index(), 7);
    assert!(r.restore.is_none(), "its own entries give the same state");
    let applied: Vec<LogIndex> = r.apply.iter().map(|(i, _)| *i).collect();
    assert_eq!(applied, (1..=7).collect::<Vec<_>>());
    assert_eq!(replies(&r), vec![(1, 7)]);
}

#[test]
fn a_stale_snapshot_is_ignored_and_answered_with_the_commit_index() {
    let terms = [1, 1, 2, 2, 2, 2, 2, 2, 2];
    let mut f = Peer::new(3, 2, &terms, 0);
    let _ = f.step(install(1, 3, 2, snapshot_of(&terms, 8)));
    assert_eq!(f.node.commit_index(), 8);
    let r = f.step(install(1, 3, 2, snapshot_of(&terms, 5)));
    assert!(
        r.events.iter().any(|e| matches!(
            e,
            NodeEvent::Rejected {
                reason: RejectReason::StaleSnapshot {
                    index: 5,
                    commit_index: 8
                },
                ..
            }
        )),
        "{:?}",
        r.events
    );
    assert!(r.persist.is_empty() && r.restore.is_none());
    assert_eq!(f.node.log().last_index(), 9);
    assert_eq!(replies(&r), vec![(1, 8)]);
}

#[test]
fn a_snapshot_of_an_older_term_is_refused_with_the_newer_term() {
    let mut f = Peer::new(3, 5, &[1, 1], 0);
    let r = f.step(install(1, 3, 2, snapshot_of(&[1, 1, 2], 3)));
    assert_eq!(f.node.log().offset(), 0);
    assert_eq!(replies(&r), vec![(1, 0)]);
    assert!(r.messages.iter().all(|m| m.term == 5));
}

#[test]
fn append_entries_reaching_into_a_followers_snapshot_match_from_its_boundary() {
    let terms = [1, 1, 2, 2, 2, 2, 2, 2];
    let mut f = Peer::new(3, 2, &[], 0);
    let _ = f.step(install(1, 3, 2, snapshot_of(&terms, 7)));
    // The leader probes from index 5 (behind the follower's snapshot).
    let ae = MessageBody::AppendEntries {
        prev_log_index: 5,
        prev_log_term: 2,
        entries: entries(&terms)[5..8].to_vec(),
        leader_commit: 8,
    };
    let r = f.step(msg(1, 3, 2, ae));
    assert_eq!(f.node.log().last_index(), 8);
    assert_eq!(f.node.commit_index(), 8);
    let ok = r.messages.iter().any(|m| {
        matches!(
            m.body,
            MessageBody::AppendEntriesReply {
                success: true,
                match_index: 8,
                ..
            }
        )
    });
    assert!(ok, "{:?}", r.messages);
}

// ----- The checker ---------------------------------------------------------------------------

fn event(time: Time, kind: EventKind) -> Event {
    Event { time, kind }
}

/// Node 1 applies three puts; then `snapshot_event` (about node 2) is judged.
fn judge(snapshot_event: EventKind) -> Vec<Property> {
    let mut checker = Checker::new(&[1, 2, 3]);
    let log = entries(&[1, 1, 1]);
    let mut found = Vec::new();
    for (i, e) in log.iter().enumerate() {
        let index = i as LogIndex + 1;
        let append = EventKind::LogAppend {
            node: 1,
            index,
            entry: e.clone(),
        };
        found.extend(checker.observe(&event(1, append)));
    }
    found.extend(checker.observe(&event(2, EventKind::Commit { node: 1, index: 3 })));
    for (i, e) in log.iter().enumerate() {
        let apply = EventKind::Apply {
            node: 1,
            index: i as LogIndex + 1,
            data: e.data.clone(),
        };
        found.extend(checker.observe(&event(2, apply)));
    }
    found.extend(checker.observe(&event(3, snapshot_event)));
    found.extend(checker.flush());
    found.into_iter().map(|v| v.property).collect()
}

#[test]
fn the_checker_judges_a_snapshot_against_the_committed_log() {
    let terms = [1, 1, 1];
    let right = snapshot_of(&terms, 2).digest();
    let wrong = snapshot_of(&terms, 3).digest();
    let snap = |index, term, digest| EventKind::Snapshot {
        node: 2,
        index,
        term,
        digest,
    };
    let restore = |digest| EventKind::SnapshotRestore {
        node: 2,
        index: 2,
        digest,
    };
    assert_eq!(judge(snap(2, 1, right)), vec![]);
    assert_eq!(judge(restore(right)), vec![]);
    // The state of another index, or a state machine not reset (the old state kept).
    assert_eq!(judge(snap(2, 1, wrong)), vec![Property::StateMachineSafety]);
    assert_eq!(
        judge(restore(KvStore::new().digest())),
        vec![Property::StateMachineSafety]
    );
    // A snapshot whose last entry is not the committed one.
    assert_eq!(judge(snap(2, 4, right)), vec![Property::StateMachineSafety]);
}

// ----- Scripted runs of the real world --------------------------------------------------------

fn any(_: &Message) -> bool {
    true
}

#[test]
fn a_far_behind_follower_is_caught_up_by_a_snapshot() {
    let mut config = Harness::config(3);
    config.raft.snapshot_threshold = 5;
    let mut h = Harness::new(config);
    h.crash(3);
    h.timeout(1);
    h.pump(&[1, 2], any);
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    for i in 0..12 {
        h.propose(
            1,
            Op::Put {
                key: format!("k{}", i % 4),
                value: format!("{i}"),
            },
        )
        .unwrap();
        h.pump(&[1, 2], any);
    }
    assert_eq!(h.node(1).unwrap().commit_index(), 13);
    assert!(
        h.node(1).unwrap().log().offset() >= 10,
        "the leader compacted"
    );
    h.drop_held();
    h.restart(3);
    h.fire_timer(1);
    h.pump(&[1, 2, 3], any);
    let (leader, follower) = (h.world().server(1).unwrap(), h.world().server(3).unwrap());
    assert_eq!(follower.node.as_ref().unwrap().commit_index(), 13);
    assert_eq!(follower.kv, leader.kv, "the same state machine");
    let events = h.events();
    let installed = events
        .iter()
        .any(|e| matches!(e.kind, EventKind::SnapshotRestore { node: 3, .. }));
    assert!(installed);
    let sent = events.iter().any(|e| {
        matches!(&e.kind, EventKind::Send { message: raft_playground::sim::Payload::Raft(m), .. } if matches!(m.body, MessageBody::InstallSnapshot { .. }))
    });
    assert!(sent);
    // A restart of the follower starts from its snapshot.
    h.crash(3);
    h.restart(3);
    assert!(h.node(3).unwrap().commit_index() >= 10);
    assert_eq!(h.violations(), vec![]);
}

// ----- Swarm ------------------------------------------------------------------------------------

#[test]
fn a_swarm_with_compaction_on_stays_clean() {
    let production = Production {
        snapshots: true,
        ..Production::default()
    };
    let mut bad = Vec::new();
    for seed in 1..=2_000 {
        let plan = SwarmPlan::draw_with(seed, Bugs::none(), 6 * SECOND, production);
        assert!(plan.sim.raft.snapshot_threshold > 0);
        let outcome = run_swarm_plan(plan, TraceMode::Off, true).unwrap();
        if let Some(v) = outcome.violations.first() {
            bad.push(format!(
                "seed {seed}: {}: {}",
                v.property.name(),
                v.explanation
            ));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
