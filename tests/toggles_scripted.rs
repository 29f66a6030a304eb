//! Scripted end-to-end demonstrations for the broken-rule toggles that random
//! runs do not reach: one exact schedule each, played on the real `World` by
//! `sim::Harness` (messages held on their links until the script delivers them,
//! node timers frozen), so the checker judges exactly what the product emits.
//! Each script runs with the toggle off (the checker stays silent) and on.

mod support;

use raft_playground::check::{Property, Violation};
use raft_playground::kv::Op;
use raft_playground::raft::{
    Bug, Bugs, EntryData, Message, MessageBody, NodeId, ProposeError, RoleKind,
};
use raft_playground::sim::{EventKind, Harness, SECOND, SimConfig};
use support::{assert_caught, first_of, properties, put_op};

fn any(_: &Message) -> bool {
    true
}

fn votes(m: &Message) -> bool {
    matches!(
        m.body,
        MessageBody::RequestVote { .. } | MessageBody::RequestVoteReply { .. }
    )
}

fn harness(nodes: usize, seed: u64, bugs: Bugs) -> Harness {
    Harness::new(SimConfig {
        seed,
        bugs,
        ..Harness::config(nodes)
    })
}

// ----- Figure 8: commit-old-term ---------------------------------------------------------

/// `node` times out twice, and votes flow within `group` each time: the first
/// round teaches it the term the others are in, the second wins `term`.
fn elect_in_two_rounds(h: &mut Harness, node: NodeId, group: &[NodeId], term: u64) {
    for _ in 0..2 {
        h.timeout(node);
        h.pump(group, votes);
    }
    assert_eq!(h.role(node), Some((RoleKind::Leader, term)));
}

/// Figure 8 with the paper's servers S1..S5 (terms shifted by one: our leaders
/// start with a no-op). Returns the checker's findings.
fn figure_8(bugs: Bugs) -> Vec<Violation> {
    let mut config = Harness::config(5);
    config.bugs = bugs;
    // One entry per AppendEntries, so S3 can take index 2 without index 3.
    config.raft.max_entries_per_append = 1;
    let request_timeout = config.clients.request_timeout;
    let mut h = Harness::new(config);
    let all = [1, 2, 3, 4, 5];
    // S1 leads term 1; its no-op commits everywhere.
    h.timeout(1);
    h.pump(&all, any);
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    // (a) S1 replicates a client's write (index 2, term 1) to S2 only.
    assert_eq!(h.propose(1, put_op("x", "1")), Ok(2));
    h.pump(&[1, 2], any);
    h.drop_held();
    // (b) S1 crashes; S5 wins term 2 with S3 and S4 and appends index 2 (term 2), alone.
    h.crash(1);
    h.timeout(5);
    h.pump(&[3, 4, 5], votes);
    assert_eq!(h.role(5), Some((RoleKind::Leader, 2)));
    h.drop_held();
    h.crash(5);
    // (c) S1 is back and wins term 3 (S2, S3, S4); it copies index 2 to S3: on a majority.
    h.restart(1);
    elect_in_two_rounds(&mut h, 1, &[1, 2, 3, 4], 3);
    h.pump(&[1, 2], any);
    // The client, unanswered since S1 crashed, times out and retries at S2, which
    // sends it to S1: S1 appends it again (index 4, term 3) and now waits to answer
    // it. (The crash made S1 forget the request; only the node that took a
    // request answers it.) Index 4 never leaves S1 in this script.
    h.advance(request_timeout);
    assert_eq!(h.log_terms(1), [1, 1, 3, 3]);
    // S3 lacks index 2: it rejects the probe, then takes index 2 (term 1) alone,
    // but never the term-3 entries after it.
    h.deliver_where(|m| m.to == 3).expect("a probe to S3");
    h.pump(&[1, 3], |m| {
        !matches!(&m.body, MessageBody::AppendEntries { entries, .. } if entries.iter().any(|e| e.term == 3))
    });
    assert_eq!(h.log_terms(3), [1, 1]);
    h.drop_held();
    // (d) S1 crashes; S5 wins term 4 (S2, S3, S4) and overwrites index 2 everywhere.
    h.crash(1);
    h.restart(5);
    elect_in_two_rounds(&mut h, 5, &[2, 3, 4, 5], 4);
    h.pump(&[2, 3, 4, 5], any);
    for n in 2..=5 {
        assert_eq!(h.log_terms(n)[1], 2, "S{n}: index 2 is S5's term-2 entry");
    }
    let found = h.violations();
    assert!(h.world().checker().committed_len() >= 3);
    found
}

#[test]
fn figure_8_commit_old_term_is_caught() {
    let found = figure_8(Bugs::none().with(Bug::CommitOldTerm));
    assert_caught(
        &found,
        &[
            Property::LeaderCompleteness,
            Property::CommittedEntriesStable,
            Property::AckedWritesDurable,
            Property::StateMachineSafety,
        ],
    );
    assert_eq!(
        first_of(&found, Property::AckedWritesDurable).index,
        Some(2)
    );
    let lc = first_of(&found, Property::LeaderCompleteness);
    assert_eq!(
        (lc.nodes.as_slice(), lc.index, lc.term),
        (&[5][..], Some(2), Some(4))
    );
}

#[test]
fn figure_8_correct_raft_is_silent() {
    // Without the toggle S1 never commits index 2 in (c): S5 overwriting it is legal.
    let found = figure_8(Bugs::none());
    assert!(found.is_empty(), "{found:#?}");
}

// ----- commit-without-min ----------------------------------------------------------------

/// CommitWithoutMin. F = node 3 ends with log terms [1, 2, 2] (a term-2 leadership
/// of its own that never replicated anything); L = node 1 leads term 3 and commits
/// terms [1, 3, 3] with node 2. Then F gets an empty heartbeat from L.
fn commit_without_min(bugs: Bugs) -> (Harness, Vec<Violation>) {
    let mut h = harness(3, 7, bugs);
    // Term 1: node 1 leads; its no-op (index 1) reaches everyone.
    h.timeout(1);
    h.pump(&[1, 2, 3], any);
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    assert_eq!(h.log_terms(3), [1]);
    // Term 2: node 3 wins (votes from 1 and 2), appends its no-op and a client
    // write (indexes 2, 3), and sends them to nobody.
    h.timeout(3);
    h.pump(&[1, 2, 3], votes);
    assert_eq!(h.role(3), Some((RoleKind::Leader, 2)));
    h.drop_held();
    assert_eq!(h.propose(3, put_op("x", "from node 3")), Ok(3));
    h.drop_held();
    assert_eq!(h.log_terms(3), [1, 2, 2]);
    // Term 3: node 1 wins with node 2 (node 3 hears nothing), appends its no-op and
    // another client's write (indexes 2, 3) and commits them with node 2.
    h.timeout(1);
    h.pump(&[1, 2], any);
    assert_eq!(h.role(1), Some((RoleKind::Leader, 3)));
    assert_eq!(h.propose(1, put_op("x", "from node 1")), Ok(3));
    h.pump(&[1, 2], any);
    h.drop_held();
    assert_eq!(h.log_terms(1), [1, 3, 3]);
    let leader = h.node(1).unwrap();
    assert_eq!((leader.commit_index(), leader.last_applied()), (3, 3));
    // A heartbeat from a leader that sends empty heartbeats from matchIndex
    // (etcd-style: no entries, prev = the last index known to match, here 1).
    // Our leader never sends it (its conflict-hint back-off makes the first
    // accepted AppendEntries start at the first divergent index), so we inject it.
    h.inject(Message {
        from: 1,
        to: 3,
        term: 3,
        body: MessageBody::AppendEntries {
            prev_log_index: 1,
            prev_log_term: 1,
            entries: vec![],
            leader_commit: 3,
        },
    });
    assert_eq!(h.role(3), Some((RoleKind::Follower, 3)));
    assert_eq!(
        h.log_terms(3),
        [1, 2, 2],
        "an empty heartbeat changes no log"
    );
    let found = h.violations();
    (h, found)
}

#[test]
fn commit_without_min_applies_a_stale_tail_and_is_caught() {
    let (h, found) = commit_without_min(Bugs::none().with(Bug::CommitWithoutMin));
    // The broken follower commits its unverified term-2 tail...
    let follower = h.node(3).unwrap();
    assert_eq!((follower.commit_index(), follower.last_applied()), (3, 3));
    // ...and applies node 3's client write at index 3, where node 1 applied another.
    let applied_at_3: Vec<(NodeId, EntryData)> = h
        .events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Apply {
                node,
                index: 3,
                data,
            } => Some((node, data)),
            _ => None,
        })
        .collect();
    let on = |n: NodeId| applied_at_3.iter().find(|(m, _)| *m == n).map(|(_, d)| d);
    assert!(on(1).is_some() && on(3).is_some(), "{applied_at_3:?}");
    assert_ne!(on(1), on(3), "{applied_at_3:?}");
    assert_caught(
        &found,
        &[
            Property::StateMachineSafety,
            Property::CommittedEntriesStable,
        ],
    );
    let sms = first_of(&found, Property::StateMachineSafety);
    assert_eq!(sms.index, Some(3), "{sms:#?}");
    assert!(sms.nodes.contains(&3), "{sms:#?}");
}

#[test]
fn commit_without_min_correct_raft_is_silent() {
    let (h, found) = commit_without_min(Bugs::none());
    // min(leaderCommit = 3, last new entry = 1): only index 1 is known to match.
    let follower = h.node(3).unwrap();
    assert_eq!((follower.commit_index(), follower.last_applied()), (1, 1));
    assert!(found.is_empty(), "{found:#?}");
}

// ----- ignore-higher-term-reply ------------------------------------------------------------

/// IgnoreHigherTermReply. Node 1 leads term 1; node 2, cut off, times out four
/// times (terms 2..5, its RequestVotes lost). After the heal node 1's next
/// AppendEntries reaches node 2, which rejects it with term 5; the reply reaches
/// node 1. Returns the harness just after node 1 handled that reply, and the
/// number of events before it.
fn ignore_higher_term_reply(bugs: Bugs) -> (Harness, usize) {
    let mut h = harness(3, 7, bugs);
    h.timeout(1);
    h.pump(&[1, 2, 3], any);
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    for _ in 0..4 {
        h.timeout(2);
        h.drop_held(); // partitioned: its RequestVotes are lost
    }
    assert_eq!(h.role(2), Some((RoleKind::Candidate, 5)));
    // Heal. Node 1 sends a client's write to nodes 2 and 3.
    assert_eq!(h.propose(1, put_op("x", "1")), Ok(2));
    h.pump(&[1, 2, 3], |m| m.to == 2);
    let (reply, message) = h
        .held()
        .into_iter()
        .find(|(_, m)| m.from == 2)
        .expect("node 2's reply");
    assert_eq!(message.term, 5);
    assert!(matches!(
        message.body,
        MessageBody::AppendEntriesReply { success: false, .. }
    ));
    let mark = h.events().len();
    h.deliver(reply);
    (h, mark)
}

fn hard_states_of_1(h: &Harness, from: usize) -> Vec<u64> {
    h.events()[from..]
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::HardState { node: 1, term, .. } => Some(term),
            _ => None,
        })
        .collect()
}

#[test]
fn ignore_higher_term_reply_correct_leader_steps_down() {
    let (mut h, mark) = ignore_higher_term_reply(Bugs::none());
    assert_eq!(h.role(1), Some((RoleKind::Follower, 5)));
    assert_eq!(hard_states_of_1(&h, mark), vec![5]);
    assert!(h.events()[mark..].iter().any(|e| matches!(
        e.kind,
        EventKind::Role {
            node: 1,
            role: RoleKind::Follower,
            term: 5
        }
    )));
    assert!(matches!(
        h.propose(1, put_op("y", "2")),
        Err(ProposeError::NotLeader { .. })
    ));
    let found = h.violations();
    assert!(found.is_empty(), "{found:#?}");
}

/// A stale leader that keeps acting breaks no log property (it can only commit
/// with a majority still in its own term, which is legal Raft), so the checker
/// watches the rule itself: a node that has received term 5 must never send in
/// term 1 again ("A higher term is adopted at once").
#[test]
fn ignore_higher_term_reply_stale_leader_keeps_acting_and_is_caught() {
    let (mut h, mark) = ignore_higher_term_reply(Bugs::none().with(Bug::IgnoreHigherTermReply));
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    assert_eq!(hard_states_of_1(&h, mark), Vec::<u64>::new());
    assert!(
        h.events()[mark..]
            .iter()
            .all(|e| !matches!(e.kind, EventKind::Role { node: 1, .. }))
    );
    assert!(
        h.violations().is_empty(),
        "not yet: it has sent nothing since"
    );
    // It keeps accepting proposals in term 1, while a term 5 exists, and sends them.
    // Log: no-op (1), the first write (2), this write (3), all term 1.
    assert_eq!(h.propose(1, put_op("y", "2")), Ok(3));
    assert_eq!(h.log_terms(1), [1, 1, 1]);
    let found = h.violations();
    assert_caught(&found, &[Property::HigherTermAdopted]);
    let v = first_of(&found, Property::HigherTermAdopted);
    assert_eq!((v.nodes.as_slice(), v.term), (&[1][..], Some(1)), "{v:#?}");
}

// ----- ack-before-commit ----------------------------------------------------------------

/// AckBeforeCommit. Node 1 leads term 1 (its no-op committed everywhere) and
/// appends a client's write at index 2, whose AppendEntries are lost; it crashes.
/// Node 2 wins term 2 with node 3 and commits its own no-op at index 2.
fn ack_before_commit(bugs: Bugs) -> (Harness, Vec<Violation>) {
    let mut h = harness(3, 7, bugs);
    h.timeout(1);
    h.pump(&[1, 2, 3], any);
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    assert_eq!(h.propose(1, put_op("x", "1")), Ok(2));
    h.drop_held();
    h.crash(1);
    h.timeout(2);
    h.pump(&[2, 3], any);
    assert_eq!(h.role(2), Some((RoleKind::Leader, 2)));
    assert_eq!(h.node(2).unwrap().commit_index(), 2);
    let found = h.violations();
    (h, found)
}

fn client_oks(h: &Harness) -> Vec<(u64, Option<String>)> {
    h.events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::ClientOk { index, result, .. } => Some((index, result)),
            _ => None,
        })
        .collect()
}

#[test]
fn ack_before_commit_loses_an_acknowledged_write_and_is_caught() {
    let (mut h, found) = ack_before_commit(Bugs::none().with(Bug::AckBeforeCommit));
    // The client was told "done at index 2" (no previous value) before anyone else had it.
    assert_eq!(client_oks(&h), [(2, None)]);
    assert_caught(&found, &[Property::AckedWritesDurable]);
    // A later read at the new leader does not see the acknowledged write.
    assert_eq!(read(&mut h, 2, "x"), Some(None));
    assert_caught(&h.violations(), &[Property::Linearizable]);
    let v = first_of(&found, Property::AckedWritesDurable);
    assert_eq!((v.index, v.term), (Some(2), Some(2)), "{v:#?}");
}

#[test]
fn ack_before_commit_correct_raft_is_silent() {
    let (h, found) = ack_before_commit(Bugs::none());
    assert_eq!(
        client_oks(&h),
        [],
        "the write was never committed: no answer"
    );
    assert!(found.is_empty(), "{found:#?}");
}

// ----- stale-read -------------------------------------------------------------------------

/// A new client reads `key` at `node`; returns the answer, if one came.
fn read(h: &mut Harness, node: NodeId, key: &str) -> Option<Option<String>> {
    let world = h.world_mut();
    let client = world.add_manual_client();
    world.client_request(client, Op::Get { key: key.into() }, Some(node));
    h.advance(SECOND);
    h.events().into_iter().find_map(|e| match e.kind {
        EventKind::ClientOk {
            client: c, result, ..
        } if c == client => Some(result),
        _ => None,
    })
}

/// StaleRead. Node 1 leads term 1 and commits x = 1. Cut off from the others, it
/// still believes it leads while node 2 wins term 2 with node 3 and commits
/// x = 2, acknowledged. Then a client reads x at node 1.
fn stale_read(bugs: Bugs) -> (Harness, Option<Option<String>>) {
    let mut h = harness(3, 7, bugs);
    h.timeout(1);
    h.pump(&[1, 2, 3], any);
    assert_eq!(h.propose(1, put_op("x", "1")), Ok(2));
    h.pump(&[1, 2, 3], any);
    assert_eq!(client_oks(&h), [(2, None)]);
    h.timeout(2);
    h.pump(&[2, 3], any);
    assert_eq!(h.role(2), Some((RoleKind::Leader, 2)));
    assert_eq!(h.propose(2, put_op("x", "2")), Ok(4));
    h.pump(&[2, 3], any);
    assert_eq!(client_oks(&h), [(2, None), (4, Some("1".into()))]);
    h.drop_held(); // node 1 hears none of it
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    let answer = read(&mut h, 1, "x");
    (h, answer)
}

#[test]
fn stale_read_returns_an_overwritten_value_and_is_caught() {
    let (mut h, answer) = stale_read(Bugs::none().with(Bug::StaleRead));
    // x = 2 was acknowledged before the read began: x = 1 is stale.
    assert_eq!(answer, Some(Some("1".into())));
    // No log property breaks (the read is in no log); the clients' history does.
    let found = h.violations();
    assert_eq!(
        properties(&found),
        [Property::Linearizable].into(),
        "{found:#?}"
    );
    let v = first_of(&found, Property::Linearizable);
    assert!(v.explanation.contains("'x'"), "{v:#?}");
}

#[test]
fn stale_read_correct_raft_does_not_answer_from_a_deposed_leader() {
    let (mut h, answer) = stale_read(Bugs::none());
    // The read went into node 1's log (index 3, term 1); it cannot commit there.
    assert_eq!(answer, None);
    assert_eq!(h.log_terms(1), [1, 1, 1]);
    let found = h.violations();
    assert!(found.is_empty(), "{found:#?}");
}

// ----- reply-before-persist ----------------------------------------------------------------

/// ReplyBeforePersist. Node 1 stands in term 1; node 2 grants it its vote and
/// crashes before its next input, then restarts. Node 3 stands in term 1 too and
/// asks node 2. Both candidates then get node 2's answers.
fn reply_before_persist(bugs: Bugs) -> Harness {
    let mut h = harness(3, 7, bugs);
    h.timeout(1);
    h.deliver_where(|m| m.from == 1 && m.to == 2)
        .expect("node 1's RequestVote to node 2");
    h.crash(2);
    h.restart(2);
    h.timeout(3);
    h.deliver_where(|m| m.from == 3 && m.to == 2)
        .expect("node 3's RequestVote to node 2");
    h.pump(&[1, 2, 3], |m| {
        m.from == 2 && matches!(m.body, MessageBody::RequestVoteReply { .. })
    });
    h
}

#[test]
fn reply_before_persist_loses_a_vote_and_is_caught() {
    let mut h = reply_before_persist(Bugs::none().with(Bug::ReplyBeforePersist));
    // Node 2's vote for node 1 never reached its disk: it restarted in term 0
    // and voted again in term 1, for node 3. Two leaders of term 1.
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    assert_eq!(h.role(3), Some((RoleKind::Leader, 1)));
    let found = h.violations();
    assert_caught(&found, &[Property::ElectionSafety]);
    let v = first_of(&found, Property::ElectionSafety);
    assert_eq!(
        (v.nodes.as_slice(), v.term),
        (&[1, 3][..], Some(1)),
        "{v:#?}"
    );
}

#[test]
fn reply_before_persist_correct_raft_is_silent() {
    let mut h = reply_before_persist(Bugs::none());
    // Node 2 came back with its vote for node 1 and refused node 3.
    assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
    assert_eq!(h.role(3), Some((RoleKind::Candidate, 1)));
    let found = h.violations();
    assert!(found.is_empty(), "{found:#?}");
}
