//! The simulated world on its own: elections, replication, clients, faults, determinism.

mod support;

use raft_playground::raft::{Bug, RoleKind};
use raft_playground::sim::{Action, ClientConfig, MS, PERSON, SECOND, SimConfig, TraceMode, World};
use support::{persistent_state, put, put_op, world};

/// Seed `seed`'s world at 2 s, after the person wrote `key = value` at 1 s.
fn after_a_write(seed: u64, key: &str, value: &str) -> World {
    let mut w = world(seed);
    w.run_until(SECOND);
    w.apply(put(key, value)).unwrap();
    w.run_until(2 * SECOND);
    w
}

#[test]
fn elects_one_leader_within_two_seconds() {
    for seed in 1..=20 {
        let mut w = world(seed);
        w.run_until(2 * SECOND);
        let leaders: Vec<_> = w
            .servers()
            .iter()
            .filter(|s| s.node.as_ref().unwrap().role_kind() == RoleKind::Leader)
            .map(|s| s.id)
            .collect();
        assert_eq!(leaders.len(), 1, "seed {seed}: leaders {leaders:?}");
    }
}

#[test]
fn a_write_commits_everywhere_and_reaches_every_state_machine() {
    let w = after_a_write(3, "x", "1");
    for s in w.servers() {
        assert_eq!(s.kv.get("x"), Some(&"1".to_string()), "node {}", s.id);
        let n = s.node.as_ref().unwrap();
        assert!(
            n.commit_index() >= 2,
            "node {} commit {}",
            s.id,
            n.commit_index()
        );
    }
    assert_eq!(w.clients()[PERSON as usize].completed, 1);
}

#[test]
fn same_seed_same_trace_hash_and_different_seed_differs() {
    let run = |seed| {
        let cfg = SimConfig {
            seed,
            clients: ClientConfig {
                count: 3,
                ..ClientConfig::default()
            },
            ..SimConfig::default()
        };
        let mut w = World::new(cfg, TraceMode::Full, 0).unwrap();
        w.schedule_action(SECOND, Action::Crash { node: 1 });
        w.schedule_action(2 * SECOND, Action::Restart { node: 1 });
        w.schedule_action(
            2500 * MS,
            Action::Partition {
                groups: vec![vec![1, 2], vec![3, 4, 5]],
            },
        );
        w.schedule_action(3 * SECOND, Action::Heal);
        w.run_until(5 * SECOND);
        (w.trace_hash(), w.trace().text().to_vec())
    };
    let (h1, t1) = run(7);
    let (h2, t2) = run(7);
    assert_eq!(h1, h2);
    assert_eq!(t1, t2);
    assert_eq!(h1.len(), 64);
    let (h3, _) = run(8);
    assert_ne!(h1, h3);
}

#[test]
fn minority_leader_cannot_commit_and_steps_down_after_heal() {
    let mut w = world(5);
    w.run_until(SECOND);
    let old = w.leader().expect("a leader");
    let others: Vec<u64> = (1..=5).filter(|&n| n != old).collect();
    w.apply(Action::Partition {
        groups: vec![vec![old], others.clone()],
    })
    .unwrap();
    let old_commit = w.server(old).unwrap().node.as_ref().unwrap().commit_index();
    w.apply(Action::Client {
        op: put_op("k", "v"),
        to: Some(old),
    })
    .unwrap();
    w.run_until(3 * SECOND);
    let new = w.leader_excluding(old).expect("new leader in the majority");
    assert_ne!(new, old);
    let old_node = w.server(old).unwrap().node.as_ref().unwrap();
    assert_eq!(
        old_node.commit_index(),
        old_commit,
        "the isolated leader committed nothing"
    );
    w.apply(Action::Heal).unwrap();
    w.run_until(5 * SECOND);
    let old_node = w.server(old).unwrap().node.as_ref().unwrap();
    assert_ne!(old_node.role_kind(), RoleKind::Leader);
    let leader_log = w.server(new).unwrap().node.as_ref().unwrap().log().clone();
    for s in w.servers() {
        assert_eq!(
            s.node.as_ref().unwrap().log(),
            &leader_log,
            "node {} converged",
            s.id
        );
    }
}

#[test]
fn crash_and_restart_keep_term_vote_and_log() {
    let mut w = after_a_write(11, "a", "1");
    let before = persistent_state(&w, 2);
    w.apply(Action::Crash { node: 2 }).unwrap();
    assert!(w.server(2).unwrap().node.is_none());
    assert!(
        w.apply(Action::Crash { node: 2 }).is_err(),
        "crashing a crashed node is refused"
    );
    w.apply(Action::Restart { node: 2 }).unwrap();
    let after = w.server(2).unwrap().node.as_ref().unwrap();
    assert_eq!(after.persistent_state(), before);
    assert_eq!(after.commit_index(), 0);
    w.run_until(3 * SECOND);
    assert_eq!(
        w.server(2).unwrap().kv.get("a"),
        Some(&"1".to_string()),
        "re-applied after restart"
    );
}

#[test]
fn bad_actions_are_refused_with_a_reason() {
    let mut w = world(1);
    assert!(
        w.apply(Action::Crash { node: 9 })
            .unwrap_err()
            .contains("no node 9")
    );
    assert!(w.apply(Action::Cut { from: 1, to: 1 }).is_err());
    assert!(
        w.apply(Action::Partition {
            groups: vec![vec![1, 2], vec![2, 3]]
        })
        .is_err()
    );
    assert!(w.apply(Action::DropMessage { id: 123456 }).is_err());
    assert!(
        w.applied_actions().is_empty(),
        "refused actions are not recorded"
    );
}

#[test]
fn a_bug_action_is_named_in_json_and_an_unknown_name_is_refused() {
    let action = Action::SetBug {
        bug: Bug::ForgetVote,
        on: true,
    };
    let json = r#"{"action":"set_bug","bug":"forget-vote","on":true}"#;
    assert_eq!(serde_json::to_string(&action).unwrap(), json);
    assert_eq!(serde_json::from_str::<Action>(json).unwrap(), action);
    for bug in Bug::ALL {
        assert_eq!(serde_json::to_value(bug).unwrap(), bug.name());
    }
    let unknown = r#"{"action":"set_bug","bug":"nope","on":true}"#;
    let e = serde_json::from_str::<Action>(unknown).unwrap_err();
    assert!(e.to_string().contains("unknown bug 'nope'"), "{e}");
}
