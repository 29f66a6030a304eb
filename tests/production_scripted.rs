//! Scripted runs of the production features in the real world (timers, network,
//! checker): what each switch changes, shown on one seed with and without it.
//!
//! (a) a rejoining partitioned node disrupts the cluster without PreVote and
//!     does not with it; (b) a deposed leader behind a partition steps down with
//!     CheckQuorum; (c) a transfer hands leadership to its target; (d) a paused
//!     leader handles its stale backlog on resume, and a fast-clock follower
//!     times out more often. Plus: links of these runs (format 2) replay exactly.

mod support;

use raft_playground::event::EventKind;
use raft_playground::kv::Op;
use raft_playground::raft::{EntryData, NodeId, RoleKind, Term};
use raft_playground::scenario::{Scenario, ViewState};
use raft_playground::sim::{Action, Feature, MS, SECOND, SimConfig, TraceMode, World};
use support::{assert_no_violations, role};

fn world(seed: u64, pre_vote: bool, check_quorum: bool) -> World {
    let mut config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    config.raft.pre_vote = pre_vote;
    config.raft.check_quorum = check_quorum;
    World::new(config, TraceMode::Full, 0).unwrap()
}

/// Runs until a leader is up, then a little more; returns it and its term.
fn settled_leader(w: &mut World) -> (NodeId, Term) {
    w.run_until(w.now() + 2 * SECOND);
    let leader = w.leader().expect("a leader after two seconds");
    (leader, role(w, leader).unwrap().1)
}

fn follower_of(w: &World, leader: NodeId) -> NodeId {
    (1..=w.config().nodes as NodeId)
        .find(|&n| n != leader)
        .unwrap()
}

/// Everyone but `node` in one group, `node` alone.
fn isolate(w: &World, node: NodeId) -> Action {
    let rest = (1..=w.config().nodes as NodeId)
        .filter(|&n| n != node)
        .collect();
    Action::Partition {
        groups: vec![rest, vec![node]],
    }
}

/// (a): the node cut off for 3 s keeps timing out; what happens on rejoin.
fn rejoin(pre_vote: bool) -> (World, NodeId, Term, Term) {
    let mut w = world(7, pre_vote, false);
    let (leader, term) = settled_leader(&mut w);
    let lonely = follower_of(&w, leader);
    w.apply(isolate(&w, lonely)).unwrap();
    w.run_until(w.now() + 3 * SECOND);
    let lonely_term = role(&w, lonely).unwrap().1;
    w.apply(Action::Heal).unwrap();
    w.run_until(w.now() + 2 * SECOND);
    assert_eq!(role(&w, lonely).unwrap().1, role(&w, leader).unwrap().1);
    let _ = term;
    (w, leader, term, lonely_term)
}

#[test]
fn a_rejoining_node_disrupts_the_cluster_without_prevote() {
    let (w, leader, term, lonely_term) = rejoin(false);
    assert!(
        lonely_term > term + 3,
        "its term climbed alone: {lonely_term}"
    );
    let now_term = role(&w, w.leader().unwrap()).unwrap().1;
    assert!(
        now_term >= lonely_term,
        "the cluster had to move to its term"
    );
    assert_ne!(
        role(&w, leader).unwrap(),
        (RoleKind::Leader, term),
        "deposed"
    );
    assert_no_violations(&w);
}

#[test]
fn a_rejoining_node_does_not_disrupt_the_cluster_with_prevote() {
    let (w, leader, term, lonely_term) = rejoin(true);
    assert_eq!(
        lonely_term, term,
        "pre-votes got no majority: its term stayed"
    );
    assert_eq!(
        role(&w, leader).unwrap(),
        (RoleKind::Leader, term),
        "same leader, same term"
    );
    assert_no_violations(&w);
}

/// (b): the leader and one follower cut off from the other three.
fn deposed(check_quorum: bool) -> (World, NodeId, Term) {
    let mut w = world(3, false, check_quorum);
    let (leader, term) = settled_leader(&mut w);
    let buddy = follower_of(&w, leader);
    let rest = (1..=5).filter(|&n| n != leader && n != buddy).collect();
    w.apply(Action::Partition {
        groups: vec![vec![leader, buddy], rest],
    })
    .unwrap();
    w.run_until(w.now() + 2 * SECOND);
    (w, leader, term)
}

#[test]
fn a_deposed_leader_behind_a_partition_lingers_without_checkquorum() {
    let (w, leader, term) = deposed(false);
    assert_eq!(role(&w, leader).unwrap(), (RoleKind::Leader, term));
    assert_no_violations(&w);
}

#[test]
fn a_deposed_leader_behind_a_partition_steps_down_with_checkquorum() {
    let (w, leader, term) = deposed(true);
    assert_eq!(role(&w, leader).unwrap().0, RoleKind::Follower);
    let lost = w
        .trace()
        .events()
        .into_iter()
        .any(|e| matches!(e.kind, EventKind::QuorumLost { node, .. } if node == leader));
    assert!(lost, "a quorum_lost event says why");
    assert!(
        w.leader_excluding(leader).is_some(),
        "the majority side elected another"
    );
    let _ = term;
    assert_no_violations(&w);
}

#[test]
fn a_transfer_hands_leadership_to_its_target() {
    for (pre_vote, check_quorum) in [(false, false), (true, true)] {
        let mut w = world(11, pre_vote, check_quorum);
        let (leader, term) = settled_leader(&mut w);
        let target = follower_of(&w, leader);
        w.apply(Action::Transfer { to: target }).unwrap();
        w.run_until(w.now() + 500 * MS);
        assert_eq!(w.leader(), Some(target));
        assert_eq!(role(&w, target).unwrap(), (RoleKind::Leader, term + 1));
        assert_eq!(role(&w, leader).unwrap(), (RoleKind::Follower, term + 1));
        assert_no_violations(&w);
    }
}

#[test]
fn a_transfer_needs_a_leader_and_another_node() {
    let mut w = world(11, false, false);
    assert!(
        w.apply(Action::Transfer { to: 2 }).is_err(),
        "no leader at time 0"
    );
    let (leader, _) = settled_leader(&mut w);
    let err = w.apply(Action::Transfer { to: leader }).unwrap_err();
    assert!(err.contains("already the leader"), "{err}");
}

#[test]
fn a_paused_leader_acts_on_its_stale_backlog_when_it_resumes() {
    let mut w = world(5, false, false);
    let (leader, term) = settled_leader(&mut w);
    w.apply(Action::Pause { node: leader }).unwrap();
    // A request reaches it while paused: it waits in the backlog.
    let op = Op::Put {
        key: "k".into(),
        value: "stale".into(),
    };
    w.apply(Action::Client {
        op,
        to: Some(leader),
    })
    .unwrap();
    w.run_until(w.now() + 2 * SECOND);
    let new_leader = w
        .leader_excluding(leader)
        .expect("the others elected a leader");
    assert_eq!(
        role(&w, leader).unwrap(),
        (RoleKind::Leader, term),
        "paused: unchanged"
    );
    let resumed_at = w.now();
    w.apply(Action::Resume { node: leader }).unwrap();
    w.run_until(w.now() + SECOND);
    let events = w.trace().events();
    let backlog = events.iter().find_map(|e| match e.kind {
        EventKind::Resume { node, backlog } if node == leader => Some(backlog),
        _ => None,
    });
    assert!(backlog.unwrap() > 1, "messages waited for it");
    // Old beliefs: it still thought it led, and appended the request in its old term.
    let stale_append = events.iter().any(|e| {
        e.time >= resumed_at
            && matches!(&e.kind, EventKind::LogAppend { node, entry, .. }
                if *node == leader && entry.term == term && matches!(entry.data, EntryData::Command(_)))
    });
    assert!(
        stale_append,
        "appended the waiting request as leader of its old term"
    );
    // Then the newer term fenced it off.
    assert_eq!(role(&w, leader).unwrap().0, RoleKind::Follower);
    assert!(role(&w, leader).unwrap().1 > term);
    let _ = new_leader;
    assert_no_violations(&w);
}

#[test]
fn a_paused_node_handles_nothing_and_its_timers_stand_still() {
    let mut w = world(5, false, false);
    let (leader, _) = settled_leader(&mut w);
    let follower = follower_of(&w, leader);
    w.apply(Action::Pause { node: follower }).unwrap();
    let before = w.trace().events().len();
    w.run_until(w.now() + SECOND);
    let handled = w.trace().events()[before..].iter().any(|e| match &e.kind {
        EventKind::Send { from, .. } => from.node() == Some(follower),
        EventKind::Role { node, .. } | EventKind::HardState { node, .. } => *node == follower,
        _ => false,
    });
    assert!(!handled, "a paused node sends and changes nothing");
    assert!(w.apply(Action::Timeout { node: follower }).is_err());
    w.apply(Action::Resume { node: follower }).unwrap();
    w.run_until(w.now() + SECOND);
    assert_eq!(
        w.leader(),
        Some(leader),
        "a paused follower's backlog is harmless"
    );
    assert_no_violations(&w);
}

fn elections_by(w: &World, node: NodeId) -> usize {
    w.trace()
        .events()
        .iter()
        .filter(|e| {
            matches!(e.kind, EventKind::Role { node: n, role: RoleKind::Candidate, .. } if n == node)
        })
        .count()
}

#[test]
fn a_fast_clock_follower_times_out_more_often() {
    let run = |permille: u64| {
        let mut w = world(9, false, false);
        let (leader, _) = settled_leader(&mut w);
        let follower = follower_of(&w, leader);
        let before = elections_by(&w, follower);
        w.apply(Action::SetClockRate {
            node: follower,
            permille,
        })
        .unwrap();
        w.run_until(w.now() + 5 * SECOND);
        assert_no_violations(&w);
        elections_by(&w, follower) - before
    };
    let steady = run(1000);
    let fast = run(4000);
    assert_eq!(steady, 0, "at the true rate, heartbeats keep it a follower");
    // At 4× its timeout (37–75 ms real) beats the 50 ms heartbeats: it stands
    // (and, winning, leads: a leader has no election timer to drift).
    assert!(
        fast >= 1,
        "at 4× its election timer beats the heartbeats: {fast}"
    );
}

#[test]
fn production_links_are_format_2_and_replay_exactly() {
    let mut w = world(11, true, false);
    let (leader, _) = settled_leader(&mut w);
    let other = follower_of(&w, leader);
    w.apply(Action::SetFeature {
        feature: Feature::CheckQuorum,
        on: true,
    })
    .unwrap();
    w.apply(Action::SetClockRate {
        node: other,
        permille: 1500,
    })
    .unwrap();
    w.run_until(w.now() + 300 * MS);
    w.apply(Action::Pause { node: other }).unwrap();
    w.run_until(w.now() + 100 * MS);
    w.apply(Action::Resume { node: other }).unwrap();
    w.apply(Action::Transfer { to: other }).unwrap();
    w.run_until(w.now() + SECOND);
    let view = ViewState {
        time: w.now(),
        playing: false,
        selected: None,
    };
    let scenario = Scenario::capture(&w, view);
    let link = scenario.encode_link().unwrap();
    assert!(link.starts_with("#s=2."), "{link}");
    let back = Scenario::decode_link(&link).unwrap();
    assert_eq!(back, scenario);
    let replayed = back.replay(w.now(), TraceMode::Hash).unwrap();
    assert_eq!(replayed.trace_hash(), w.trace_hash());
    let json = Scenario::from_json(&scenario.to_json()).unwrap();
    assert_eq!(json, scenario);
    // Without any of it, format 1 as before.
    let mut plain = scenario.clone();
    plain.config.raft.pre_vote = false;
    plain.actions.retain(|a| {
        !matches!(
            a.action,
            Action::SetFeature { .. }
                | Action::SetClockRate { .. }
                | Action::Pause { .. }
                | Action::Resume { .. }
                | Action::Transfer { .. }
        )
    });
    assert!(plain.encode_link().unwrap().starts_with("#s=1."));
}
