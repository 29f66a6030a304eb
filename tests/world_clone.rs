//! A `World` is a plain value: a clone taken mid-run carries on exactly like the
//! original (what time travel's checkpoints rely on).

use raft_playground::kv::Op;
use raft_playground::sim::sweep::{SweepConfig, liveness_bound, prepare_seed};
use raft_playground::sim::{Action, ClientConfig, MS, SECOND, SimConfig, TraceMode, World};

/// 5 nodes, 3 automatic clients, loss and duplication, and a person's writes,
/// crashes and a partition scheduled as actions.
fn busy_world() -> World {
    let mut config = SimConfig {
        nodes: 5,
        seed: 11,
        clients: ClientConfig {
            count: 3,
            ..ClientConfig::default()
        },
        ..SimConfig::default()
    };
    config.network.loss = 0.05;
    config.network.duplicate = 0.05;
    let mut w = World::new(config, TraceMode::Full, 100).unwrap();
    let put = |key: &str| Action::Client {
        op: Op::Put {
            key: key.into(),
            value: "v".into(),
        },
        to: None,
    };
    w.schedule_action(800 * MS, put("a"));
    w.schedule_action(1200 * MS, Action::Crash { node: 1 });
    w.schedule_action(1500 * MS, put("b"));
    w.schedule_action(
        2 * SECOND,
        Action::Partition {
            groups: vec![vec![1, 2], vec![3, 4, 5]],
        },
    );
    w.schedule_action(2500 * MS, Action::Restart { node: 1 });
    w.schedule_action(3 * SECOND, Action::Heal);
    w
}

#[test]
fn a_clone_taken_mid_run_runs_on_like_the_original() {
    let end = 4 * SECOND;
    let mut straight = busy_world();
    straight.run_until(end);

    let mut original = busy_world();
    original.run_until(1700 * MS); // a crashed node, messages in flight, actions pending
    assert!(original.server(1).unwrap().node.is_none(), "node 1 is down");
    assert!(original.in_flight().count() > 0 && !original.pending_actions().is_empty());
    let mut copy = original.clone();
    assert_eq!(copy.trace_hash(), original.trace_hash());
    original.run_until(end);
    copy.run_until(end);

    assert_eq!(original.trace_hash(), straight.trace_hash());
    assert_eq!(copy.trace_hash(), straight.trace_hash());
    assert_eq!(copy.trace().text(), straight.trace().text());
    assert_eq!(copy.applied_actions(), straight.applied_actions());
    assert!(straight.clients()[1].completed > 10, "a busy run");
    assert_eq!(copy.clients()[1].completed, straight.clients()[1].completed);
}

#[test]
fn a_cloned_sweep_seed_keeps_its_checker_and_liveness_watch() {
    let sweep = SweepConfig::default();
    let mut straight = prepare_seed(&sweep, 7, TraceMode::Hash, 0).unwrap();
    straight.run_until(sweep.duration);
    let straight_verdict = straight.finish_liveness(sweep.duration, liveness_bound(&sweep));

    let mut original = prepare_seed(&sweep, 7, TraceMode::Hash, 0).unwrap();
    original.run_until(sweep.duration / 2);
    let mut copy = original.clone();
    drop(original);
    copy.run_until(sweep.duration);
    let verdict = copy.finish_liveness(sweep.duration, liveness_bound(&sweep));

    assert_eq!(verdict, straight_verdict);
    assert_eq!(copy.violations(), straight.violations());
    assert_eq!(copy.trace_hash(), straight.trace_hash());
}
