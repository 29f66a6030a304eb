//! Every preset does what its caption promises (src/scenario/presets.rs).

mod support;

use raft_playground::check::Property;
use raft_playground::raft::{Entry, EntryData, NodeId, RoleKind, Term, Time};
use raft_playground::scenario::presets::{self, Preset};
use raft_playground::scenario::{Scenario, presets::FIGURE7_LOGS};
use raft_playground::sim::event::ClientOutcome;
use raft_playground::sim::{
    Address, Event, EventKind, MS, PERSON, Payload, SECOND, TraceMode, World,
};
use std::ops::RangeInclusive;
use support::{
    assert_caught, assert_no_violations, persistent_state, preset, preset_world, role, world_of,
};

fn terms(w: &World, id: NodeId) -> Vec<Term> {
    w.server(id)
        .unwrap()
        .disk
        .log
        .entries()
        .iter()
        .map(|e| e.term)
        .collect()
}

fn log(w: &World, id: NodeId) -> Vec<Entry> {
    w.server(id).unwrap().disk.log.entries().to_vec()
}

fn commit(w: &World, id: NodeId) -> u64 {
    w.server(id).unwrap().node.as_ref().unwrap().commit_index()
}

fn kv(w: &World, id: NodeId) -> Vec<(String, String)> {
    w.server(id)
        .unwrap()
        .kv
        .entries()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `(time, seq, index)` of every acknowledgement the person received.
fn person_acks(evs: &[Event]) -> Vec<(Time, u64, u64)> {
    evs.iter()
        .filter_map(|e| match &e.kind {
            EventKind::ClientOk {
                client, seq, index, ..
            } if *client == PERSON => Some((e.time, *seq, *index)),
            _ => None,
        })
        .collect()
}

fn assert_all_logs_equal(w: &World, nodes: &[NodeId]) {
    let first = log(w, nodes[0]);
    for &n in nodes {
        assert_eq!(log(w, n), first, "log of S{n} differs from S{}", nodes[0]);
    }
}

/// Runs the preset's world to its end; returns every event of the run.
fn run_to_end(w: &mut World, p: &Preset) -> Vec<Event> {
    w.run_until(p.duration);
    w.trace().events()
}

/// The state machines of `nodes` all hold exactly `expected`.
#[track_caller]
fn assert_state_machines(w: &World, nodes: RangeInclusive<NodeId>, expected: &[(&str, &str)]) {
    for n in nodes {
        assert_eq!(kv(w, n), pairs(expected), "S{n}");
    }
}

// ----- Every preset --------------------------------------------------------------

#[test]
fn every_preset_is_valid_distinct_round_trips_and_replays_deterministically() {
    let all = presets::all();
    assert!(all.len() >= 9);
    let mut ids: Vec<_> = all.iter().map(|p| p.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "preset ids are unique");
    for p in &all {
        assert!(!p.title.is_empty() && !p.caption.is_empty(), "{}", p.id);
        assert_eq!(p.scenario.title, p.title);
        assert_eq!(p.scenario.caption, p.caption);
        p.scenario.validate().unwrap();
        let link = p.scenario.encode_link().unwrap();
        assert!(link.len() < 4000, "{}: link of {} chars", p.id, link.len());
        assert_eq!(
            Scenario::decode_link(&link).unwrap(),
            p.scenario,
            "{}",
            p.id
        );
        assert_eq!(
            Scenario::from_json(&p.scenario.to_json()).unwrap(),
            p.scenario
        );
        let a = p.scenario.replay(p.duration, TraceMode::Hash).unwrap();
        let b = p.scenario.replay(p.duration, TraceMode::Hash).unwrap();
        assert_eq!(a.trace_hash(), b.trace_hash(), "{}", p.id);
        assert_eq!(presets::get(p.id).unwrap(), *p, "built deterministically");
    }
}

// ----- Figure 8 ------------------------------------------------------------------

/// Index 2 on S1, S2, S3 is the term-2 write x=1 (on a majority) just after S3 got
/// it, before S1 crashes: Figure 8 (c).
fn assert_figure8_c(w: &World) {
    for n in [1, 2, 3] {
        assert_eq!(terms(w, n)[..2], [1, 2], "S{n} at (c)");
    }
    assert_eq!(terms(w, 4), [1], "S4 at (c)");
    assert_eq!(terms(w, 5), [1, 3], "S5 (crashed) at (c)");
    assert_eq!(role(w, 1), Some((RoleKind::Leader, 4)));
    assert_eq!(terms(w, 1), [1, 2, 4, 4], "S1: no-op and the re-sent write");
}

#[test]
fn figure8_correct_rule_never_commits_the_old_term_entry_and_loses_nothing() {
    let (p, mut w) = preset_world(presets::FIGURE8_CORRECT);
    w.run_until(340 * MS);
    assert_figure8_c(&w);
    // On a majority, but of an older term: not committed, nothing acknowledged.
    assert_eq!(
        commit(&w, 1),
        0,
        "S1 must not count replicas of a term-2 entry"
    );
    let evs = run_to_end(&mut w, &p);
    // No node ever applied the term-2 entry at index 2.
    let x1_at_2 = evs.iter().any(|e| {
        matches!(&e.kind, EventKind::Apply { index: 2, data: EntryData::Command(c), .. } if c.seq == 1)
    });
    assert!(!x1_at_2, "the uncommitted term-2 entry was applied");
    // (d): S5 won term 5 and index 2 holds its term-3 entry everywhere.
    assert_eq!(role(&w, 5), Some((RoleKind::Leader, 5)));
    for n in 1..=5 {
        assert_eq!(terms(&w, n)[1], 3, "index 2 of S{n} is S5's term-3 entry");
        assert_eq!(commit(&w, n), 4, "S{n}");
    }
    assert_all_logs_equal(&w, &[1, 2, 3, 4, 5]);
    // The person's write was acknowledged once, later, in term 5, and every
    // state machine has it.
    let acks = person_acks(&evs);
    assert_eq!(acks.len(), 1, "{acks:?}");
    let (at, seq, index) = acks[0];
    assert!(at > 350 * MS && seq == 1 && index == 4, "{acks:?}");
    assert_eq!(log(&w, 5)[3].term, 5);
    assert_state_machines(&w, 1..=5, &[("x", "1")]);
    assert_no_violations(&w);
}

#[test]
fn figure8_broken_rule_loses_an_acknowledged_write_and_the_checker_says_so() {
    let p = preset(presets::FIGURE8_BROKEN);
    let correct = preset(presets::FIGURE8_CORRECT);
    // Same script, same initial state; only the commit rule differs.
    assert_eq!(p.scenario.actions, correct.scenario.actions);
    let mut only_bug = correct.scenario.config.clone();
    only_bug.bugs = p.scenario.config.bugs;
    assert_eq!(p.scenario.config, only_bug);

    let mut w = world_of(&p);
    w.run_until(340 * MS);
    assert_figure8_c(&w);
    // S1 counted replicas of the term-2 entry: committed, applied, acknowledged.
    assert_eq!(commit(&w, 1), 2);
    let evs = run_to_end(&mut w, &p);
    let acks = person_acks(&evs);
    assert_eq!(acks.len(), 1, "{acks:?}");
    let (at, seq, index) = acks[0];
    assert!(
        at < 350 * MS && seq == 1 && index == 2,
        "acked at index 2: {acks:?}"
    );
    // (d): index 2 now holds S5's term-3 entry on every node: the acked write is gone.
    assert_eq!(role(&w, 5), Some((RoleKind::Leader, 5)));
    for n in 1..=5 {
        assert_eq!(terms(&w, n), [1, 3, 5], "S{n}");
        assert!(commit(&w, n) >= 2);
    }
    assert!(
        !log(&w, 5)
            .iter()
            .any(|e| matches!(&e.data, EntryData::Command(_))),
        "no trace of x=1 in the committed log"
    );
    // S2 applied x=1 at index 2; S5 applied something else there.
    assert_eq!(kv(&w, 2), pairs(&[("x", "1")]));
    assert_eq!(kv(&w, 5), pairs(&[]));
    let applied_at_2 = |node: NodeId| {
        evs.iter()
            .filter_map(|e| match &e.kind {
                EventKind::Apply {
                    node: n,
                    index: 2,
                    data,
                } if *n == node => Some(data.clone()),
                _ => None,
            })
            .next()
    };
    assert_ne!(applied_at_2(2), applied_at_2(5));
    // The checker sees it.
    assert_caught(
        w.violations(),
        &[Property::StateMachineSafety, Property::AckedWritesDurable],
    );
}

// ----- Figure 7 ------------------------------------------------------------------

#[test]
fn figure7_the_term8_leader_brings_every_follower_to_its_log() {
    let (p, mut w) = preset_world(presets::FIGURE7);
    w.run_until(99 * MS);
    for (i, want) in FIGURE7_LOGS.iter().enumerate() {
        assert_eq!(
            terms(&w, i as NodeId + 1),
            *want,
            "initial log of S{}",
            i + 1
        );
    }
    let leader_log = log(&w, 1);
    let evs = run_to_end(&mut w, &p);
    assert_eq!(role(&w, 1), Some((RoleKind::Leader, 8)));
    // (c) = S4 and (d) = S5 refuse their votes (their logs are more up to date);
    // the leader wins with S2, S3, S6, S7.
    let mut refused = Vec::new();
    for e in &evs {
        if let EventKind::Send {
            message: Payload::Raft(m),
            ..
        } = &e.kind
            && let raft_playground::raft::MessageBody::RequestVoteReply { vote_granted } = m.body
            && m.term == 8
            && !vote_granted
        {
            refused.push(m.from);
        }
    }
    assert_eq!(refused, [4, 5]);
    let mut want = leader_log;
    want.push(Entry::noop(8));
    for n in 1..=7 {
        assert_eq!(log(&w, n), want, "S{n} converged to the leader's log");
        assert_eq!(commit(&w, n), 11, "S{n}");
    }
    assert_no_violations(&w);
}

// ----- Elections -------------------------------------------------------------------

fn roles(evs: &[Event]) -> Vec<(Time, NodeId, RoleKind, Term)> {
    evs.iter()
        .filter_map(|e| match e.kind {
            EventKind::Role { node, role, term } => Some((e.time, node, role, term)),
            _ => None,
        })
        .collect()
}

#[test]
fn split_vote_term1_has_three_candidates_and_no_leader_then_one_leader() {
    let (p, mut w) = preset_world(presets::SPLIT_VOTE);
    let r = roles(&run_to_end(&mut w, &p));
    let candidates1: Vec<NodeId> = r
        .iter()
        .filter(|(_, _, k, t)| *k == RoleKind::Candidate && *t == 1)
        .map(|x| x.1)
        .collect();
    assert_eq!(candidates1, [1, 3, 5]);
    assert!(
        !r.iter()
            .any(|(_, _, k, t)| *k == RoleKind::Leader && *t == 1),
        "term 1 must end without a leader: {r:?}"
    );
    let leaders: Vec<_> = r.iter().filter(|x| x.2 == RoleKind::Leader).collect();
    assert_eq!(leaders.len(), 1, "{r:?}");
    assert!(leaders[0].3 >= 2);
    let leader = leaders[0].1;
    for n in 1..=5 {
        assert_eq!(role(&w, n).unwrap().1, leaders[0].3);
        let want = if n == leader {
            RoleKind::Leader
        } else {
            RoleKind::Follower
        };
        assert_eq!(role(&w, n).unwrap().0, want);
    }
    assert_no_violations(&w);
}

#[test]
fn stale_leader_keeps_its_term_in_the_minority_then_steps_down_on_heal() {
    let (p, mut w) = preset_world(presets::STALE_LEADER);
    w.run_until(1990 * MS);
    // Two nodes believe they lead, in different terms.
    assert_eq!(
        role(&w, 1),
        Some((RoleKind::Leader, 1)),
        "S1 still leads term 1"
    );
    let new_leader = w
        .leader_excluding(1)
        .expect("the majority elected a leader");
    let new_term = role(&w, new_leader).unwrap().1;
    assert!(new_term >= 2);
    // S1 took y=2 at index 3 in term 1 but could not commit it.
    assert_eq!(terms(&w, 1), [1, 1, 1]);
    assert_eq!(commit(&w, 1), 2);
    let evs = run_to_end(&mut w, &p);
    // After the heal S1 adopted the newer term and stepped down.
    let step_down = roles(&evs)
        .into_iter()
        .find(|(_, n, k, _)| *n == 1 && *k == RoleKind::Follower)
        .expect("S1 steps down");
    assert!(
        step_down.0 >= 2 * SECOND && step_down.3 == new_term,
        "{step_down:?}"
    );
    assert_eq!(role(&w, 1), Some((RoleKind::Follower, new_term)));
    assert_all_logs_equal(&w, &[1, 2, 3, 4, 5]);
    assert!(
        terms(&w, 1)[2] >= 2,
        "S1's uncommitted term-1 entry was replaced"
    );
    let acks = person_acks(&evs);
    assert_eq!(acks.iter().map(|a| a.1).collect::<Vec<_>>(), [1, 2]);
    assert_state_machines(&w, 1..=5, &[("x", "1"), ("y", "2")]);
    assert_no_violations(&w);
}

#[test]
fn minority_cannot_commit_while_the_majority_can() {
    let (p, mut w) = preset_world(presets::MINORITY);
    w.run_until(590 * MS);
    let commit_before = commit(&w, 1);
    assert_eq!(role(&w, 1), Some((RoleKind::Leader, 1)));
    w.run_until(2490 * MS);
    // a=1 was appended by S1 (once per attempt of the client) and copied to S2,
    // but never committed.
    assert!(terms(&w, 1).len() > 2);
    assert!(log(&w, 1)[2..].iter().all(|e| matches!(&e.data,
        EntryData::Command(c) if c.op == raft_playground::kv::Op::Put { key: "a".into(), value: "1".into() })));
    assert_eq!(log(&w, 2), log(&w, 1));
    assert_eq!(commit(&w, 1), commit_before, "a minority cannot commit");
    assert_eq!(commit(&w, 2), commit_before);
    // The majority elected a leader and committed its no-op.
    let leader = w.leader_excluding(1).unwrap();
    assert!([3, 4, 5].contains(&leader));
    assert!(commit(&w, leader) > commit_before);
    assert!(kv(&w, 1).iter().all(|(k, _)| k != "a"));
    let evs = run_to_end(&mut w, &p);
    let acks = person_acks(&evs);
    assert_eq!(
        acks.iter().map(|a| a.1).collect::<Vec<_>>(),
        [1, 2],
        "a=1 acked once"
    );
    assert!(acks[1].0 > 2500 * MS, "only after the heal");
    assert_all_logs_equal(&w, &[1, 2, 3, 4, 5]);
    assert_state_machines(&w, 1..=5, &[("a", "1"), ("x", "1")]);
    assert_no_violations(&w);
}

// ----- Clients and state -------------------------------------------------------------

#[test]
fn redirect_follower_answers_not_leader_and_the_client_retries_at_the_leader() {
    let (p, mut w) = preset_world(presets::REDIRECT);
    let evs = run_to_end(&mut w, &p);
    let pos = |f: &dyn Fn(&EventKind) -> bool| {
        evs.iter()
            .position(|e| f(&e.kind))
            .unwrap_or_else(|| panic!("missing event"))
    };
    let invoke = pos(&|k| matches!(k, EventKind::ClientInvoke { to: 3, .. }));
    let refused = pos(&|k| {
        matches!(
            k,
            EventKind::Send {
                from: Address::Node(3),
                message: Payload::ClientReply {
                    outcome: ClientOutcome::NotLeader {
                        leader_hint: Some(1)
                    },
                    ..
                },
                ..
            }
        )
    });
    let retry = pos(&|k| matches!(k, EventKind::ClientRetry { to: 1, .. }));
    let ok = pos(&|k| matches!(k, EventKind::ClientOk { .. }));
    assert!(invoke < refused && refused < retry && retry < ok);
    assert_eq!(person_acks(&evs).len(), 1);
    assert_eq!(role(&w, 1), Some((RoleKind::Leader, 1)));
    assert_state_machines(&w, 1..=5, &[("x", "1")]);
    assert_no_violations(&w);
}

#[test]
fn crash_restart_keeps_term_vote_and_log_and_loses_the_rest() {
    let (p, mut w) = preset_world(presets::CRASH_RESTART);
    w.run_until(699 * MS);
    let before = persistent_state(&w, 1);
    assert_eq!(before.current_term, 1);
    assert_eq!(before.voted_for, Some(1));
    assert_eq!(before.log.last_index(), 3, "no-op, x=1, y=2");
    assert_eq!(kv(&w, 1), pairs(&[("x", "1"), ("y", "2")]));
    w.run_until(1990 * MS);
    assert!(w.server(1).unwrap().node.is_none(), "S1 is down");
    assert!(
        role(&w, w.leader().unwrap()).unwrap().1 >= 2,
        "a leader of term 2+"
    );
    w.run_until(2 * SECOND);
    // Just restarted: the same term, vote and log; volatile state from scratch.
    let n1 = w.server(1).unwrap().node.as_ref().unwrap();
    assert_eq!(n1.persistent_state(), before);
    assert_eq!(n1.role_kind(), RoleKind::Follower);
    assert_eq!(n1.commit_index(), 0);
    assert!(kv(&w, 1).is_empty());
    w.run_until(p.duration);
    let leader = w.leader().unwrap();
    assert_eq!(role(&w, 1).unwrap().1, role(&w, leader).unwrap().1);
    assert_all_logs_equal(&w, &[1, 2, 3, 4, 5]);
    for n in 1..=5 {
        assert_eq!(
            kv(&w, n),
            pairs(&[("x", "1"), ("y", "2"), ("z", "3")]),
            "S{n}"
        );
        assert_eq!(commit(&w, n), log(&w, 1).len() as u64);
    }
    assert_no_violations(&w);
}

#[test]
fn state_machines_each_node_applies_the_log_and_converges() {
    let (p, mut w) = preset_world(presets::STATE_MACHINES);
    w.run_until(1490 * MS);
    assert!(w.server(5).unwrap().node.is_none());
    for n in 1..=4 {
        assert_eq!(kv(&w, n), pairs(&[("y", "2"), ("z", "3")]), "S{n}");
    }
    w.run_until(1500 * MS);
    assert!(
        kv(&w, 5).is_empty(),
        "a restarted node starts with an empty store"
    );
    w.run_until(p.duration);
    assert_all_logs_equal(&w, &[1, 2, 3, 4, 5]);
    assert_state_machines(&w, 1..=5, &[("w", "4"), ("y", "2"), ("z", "3")]);
    // S5 re-applied every entry of the log, in order, in its new life.
    let evs = w.trace().events();
    let reapplied: Vec<u64> = evs
        .iter()
        .filter(|e| e.time >= 1500 * MS)
        .filter_map(|e| match e.kind {
            EventKind::Apply { node: 5, index, .. } => Some(index),
            _ => None,
        })
        .collect();
    assert_eq!(reapplied, (1..=log(&w, 5).len() as u64).collect::<Vec<_>>());
    assert_no_violations(&w);
}
