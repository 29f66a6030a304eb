//! Time travel: a timeline's seeks, steps back and forks give exactly the runs
//! a fresh replay gives (trace hashes), whatever checkpoint they start from.

use raft_playground::kv::Op;
use raft_playground::rng::Rng;
use raft_playground::scenario::timeline::{CheckpointPolicy, MarkerKind, Timeline};
use raft_playground::scenario::{Scenario, presets};
use raft_playground::sim::{Action, ClientConfig, MS, SECOND, SimConfig, TraceMode};

/// 5 nodes, 3 automatic clients, a lossy, duplicating network, and a person's
/// writes, a crash, a partition, a restart and a heal.
fn busy(seed: u64) -> Scenario {
    let mut config = SimConfig {
        nodes: 5,
        seed,
        clients: ClientConfig {
            count: 3,
            ..ClientConfig::default()
        },
        ..SimConfig::default()
    };
    config.network.loss = 0.05;
    config.network.duplicate = 0.05;
    let put = |key: &str| Action::Client {
        op: Op::Put {
            key: key.into(),
            value: "v".into(),
        },
        to: None,
    };
    Scenario::new(config)
        .at(800 * MS, put("a"))
        .at(1200 * MS, Action::Crash { node: 1 })
        .at(1500 * MS, put("b"))
        .at(
            2 * SECOND,
            Action::Partition {
                groups: vec![vec![1, 2], vec![3, 4, 5]],
            },
        )
        .at(2500 * MS, Action::Restart { node: 1 })
        .at(3 * SECOND, Action::Heal)
}

/// Dense checkpoints, so that seeks start from many different ones.
fn dense() -> CheckpointPolicy {
    CheckpointPolicy {
        spacing: 100 * MS,
        max: 12,
        max_bytes: usize::MAX,
    }
}

fn timeline(s: &Scenario) -> Timeline {
    Timeline::new(s.clone(), TraceMode::Hash, 0, dense()).unwrap()
}

fn replay_hash(s: &Scenario, until: u64) -> String {
    s.replay(until, TraceMode::Hash).unwrap().trace_hash()
}

/// The hash after exactly `step` steps, from a timeline with nothing but its start.
fn fresh_step_hash(s: &Scenario, step: u64) -> String {
    let mut t = timeline(s);
    t.seek_step(step);
    assert_eq!(t.position().step, step);
    t.world().trace_hash()
}

#[test]
fn seeking_back_and_forth_equals_a_fresh_replay_to_the_same_time() {
    for seed in 1..=4 {
        let s = busy(seed);
        let mut t = timeline(&s);
        t.seek(5 * SECOND);
        assert_eq!(t.world().trace_hash(), replay_hash(&s, 5 * SECOND));
        assert!(t.checkpoint_count() > 3, "seed {seed}: checkpoints taken");
        let mut rng = Rng::new(seed);
        for _ in 0..8 {
            let at = rng.range(0, 6 * SECOND);
            t.seek(at);
            assert_eq!(t.now(), at);
            assert_eq!(t.world().now(), at);
            assert_eq!(
                t.world().trace_hash(),
                replay_hash(&s, at),
                "seed {seed}: seek to {at} µs"
            );
        }
    }
}

#[test]
fn restoring_any_checkpoint_and_replaying_equals_the_straight_run() {
    let s = busy(7);
    let mut t = timeline(&s);
    t.seek(4 * SECOND);
    let end = t.position().step;
    let mut rng = Rng::new(99);
    for _ in 0..10 {
        let step = rng.range(0, end);
        t.seek_step(step);
        assert_eq!(t.position().step, step);
        assert_eq!(
            t.world().trace_hash(),
            fresh_step_hash(&s, step),
            "step {step}"
        );
    }
}

#[test]
fn step_back_undoes_exactly_one_visible_step() {
    let s = busy(3);
    let mut t = timeline(&s);
    t.seek(2 * SECOND);
    let mut rng = Rng::new(5);
    for _ in 0..12 {
        let before = t.position();
        let hash = t.world().trace_hash();
        let events = t.world().trace().event_count();
        assert!(t.step_back());
        let back = t.position();
        assert!(back.step < before.step);
        assert!(t.world().trace().event_count() < events);
        // Exactly the world after `back.step` steps, with nothing kept from later.
        assert_eq!(t.world().trace_hash(), fresh_step_hash(&s, back.step));
        // One visible step forward undoes the step back.
        assert!(t.step_forward());
        assert_eq!(t.world().trace_hash(), hash, "from {before:?} to {back:?}");
        assert!(t.position().step <= before.step);
        // Go somewhere else and step back from there next.
        t.seek(rng.range(100 * MS, 3 * SECOND));
    }
    t.seek_step(0);
    assert!(!t.step_back(), "nothing before the start");
}

#[test]
fn acting_in_the_past_forks_and_switching_back_restores_the_old_future() {
    let s = busy(11);
    let mut t = timeline(&s);
    t.seek(4 * SECOND);
    let old_hash = t.world().trace_hash();
    assert_eq!(old_hash, replay_hash(&s, 4 * SECOND));

    t.seek(1300 * MS); // after the crash, before the second write
    t.act(Action::Timeout { node: 3 }).unwrap();
    let branches = t.branches();
    assert_eq!(branches.len(), 2, "{branches:?}");
    let old = branches.iter().find(|b| !b.current).unwrap();
    assert_eq!((old.actions, old.end), (s.actions.len(), 4 * SECOND));
    // The current branch: the actions before 1.3 s, then the new one.
    assert_eq!(t.actions().len(), 3);
    assert_eq!(t.actions()[2].time, 1300 * MS);
    t.seek(3 * SECOND);
    let forked = t.scenario(Default::default());
    let new_hash = t.world().trace_hash();
    assert_eq!(new_hash, replay_hash(&forked, 3 * SECOND));
    assert_ne!(new_hash, replay_hash(&s, 3 * SECOND));

    // Back to the abandoned future: the same run as before the fork.
    t.switch_branch(old.index).unwrap();
    assert_eq!(t.now(), 4 * SECOND);
    assert_eq!(t.world().trace_hash(), old_hash);
    assert_eq!(t.actions(), &s.actions[..]);
    // And to the new branch again, to where it was left.
    let new_index = t.branches().iter().find(|b| !b.current).unwrap().index;
    t.switch_branch(new_index).unwrap();
    assert_eq!(t.now(), 3 * SECOND);
    assert_eq!(t.world().trace_hash(), new_hash);
    assert!(t.switch_branch(9).is_err());
    // Seeking inside the branch after a switch still replays exactly.
    t.seek(2 * SECOND);
    assert_eq!(t.world().trace_hash(), replay_hash(&forked, 2 * SECOND));
}

#[test]
fn acting_at_the_frontier_does_not_fork() {
    let s = busy(2).at(4 * SECOND, Action::Heal);
    let mut t = timeline(&s);
    t.seek(5 * SECOND);
    t.act(Action::Crash { node: 2 }).unwrap();
    assert_eq!(t.branches().len(), 1);
    assert!(t.act(Action::Crash { node: 2 }).is_err(), "already crashed");
    assert_eq!(t.branches().len(), 1, "a refused action does not fork");
    t.seek(6 * SECOND);
    let s2 = t.scenario(Default::default());
    assert_eq!(t.world().trace_hash(), replay_hash(&s2, 6 * SECOND));
}

/// Acting at the frontier of a scenario with actions still scheduled (a
/// preset's script) keeps them: the new action joins the script, and the run
/// equals a fresh replay of the merged scenario.
#[test]
fn acting_at_the_frontier_keeps_the_scripts_future() {
    let s = busy(11);
    let mut t = timeline(&s);
    t.seek(1300 * MS); // after the crash, before the second write
    t.act(Action::Timeout { node: 3 }).unwrap();
    assert_eq!(t.branches().len(), 1, "no fork at the frontier");
    assert_eq!(t.actions().len(), s.actions.len() + 1);
    assert_eq!(t.actions()[2].time, 1300 * MS);
    assert_eq!(&t.actions()[3..], &s.actions[2..], "the script goes on");
    t.seek(4 * SECOND);
    let merged = t.scenario(Default::default());
    assert_eq!(t.world().trace_hash(), replay_hash(&merged, 4 * SECOND));
    // Seeking back into it and forward again replays the same merged run.
    t.seek(SECOND);
    t.seek(4 * SECOND);
    assert_eq!(t.world().trace_hash(), replay_hash(&merged, 4 * SECOND));
}

#[test]
fn markers_are_the_runs_elections_faults_actions_and_violations() {
    let s = busy(4);
    let mut t = timeline(&s);
    t.seek(4 * SECOND);
    let kinds: Vec<&MarkerKind> = t.markers().iter().map(|m| &m.kind).collect();
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, MarkerKind::Election { .. }))
    );
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, MarkerKind::Leader { changed: true, .. }))
    );
    assert!(kinds.contains(&&MarkerKind::Crash { node: 1 }));
    assert!(kinds.contains(&&MarkerKind::Heal));
    let actions = kinds
        .iter()
        .filter(|k| matches!(k, MarkerKind::Action { .. }))
        .count();
    assert_eq!(actions, s.actions.len());
    assert!(t.markers().windows(2).all(|w| w[0].at <= w[1].at));
    // Seeking back and forth does not change them.
    let markers = t.markers().to_vec();
    t.seek(SECOND);
    t.seek(4 * SECOND);
    assert_eq!(t.markers(), &markers[..]);

    // A broken rule: the violation's marker is at the step that revealed it,
    // and "just before" has every earlier violation but not this one.
    let p = presets::get(presets::FIGURE8_BROKEN).unwrap();
    let mut t = timeline(&p.scenario);
    t.seek(p.duration);
    let (at, first) = t
        .markers()
        .iter()
        .find_map(|m| match &m.kind {
            MarkerKind::Violation { violation } => Some((m.at, violation.clone())),
            _ => None,
        })
        .expect("figure 8 broken has a violation");
    t.seek_step(at.step);
    assert_eq!(t.world().violations().first(), Some(&first));
    t.seek_step(at.step - 1);
    assert!(t.world().violations().is_empty());
}

#[test]
fn opening_a_scenario_gives_the_pages_run_and_the_same_link() {
    let p = presets::get(presets::CRASH_RESTART).unwrap();
    let mut s = p.scenario.clone();
    s.view.time = 2500 * MS;
    let t = Timeline::open(s.clone(), TraceMode::Hash, 0).unwrap();
    assert_eq!(t.world().trace_hash(), replay_hash(&s, 2500 * MS));
    assert_eq!(t.scenario(s.view.clone()), s);

    // The next step counts recorded actions too (they are not in the world's queue).
    let mut quiet = Scenario::new(SimConfig::default()).at(3 * SECOND, Action::Heal);
    quiet.config.raft.election_timeout_min = 5 * SECOND;
    quiet.config.raft.election_timeout_max = 6 * SECOND;
    let mut t = timeline(&quiet);
    t.seek(2 * SECOND);
    assert_eq!(t.next_step_time(), Some(3 * SECOND));
}

#[test]
fn checkpoints_stay_at_most_the_maximum_and_spread_evenly() {
    let s = busy(1);
    let policy = CheckpointPolicy {
        spacing: 10 * MS,
        max: 16,
        max_bytes: usize::MAX,
    };
    let mut t = Timeline::new(s, TraceMode::Off, 0, policy).unwrap();
    for end in [SECOND, 5 * SECOND, 20 * SECOND] {
        t.seek(end);
        // The start, then the whole budget of max more.
        let n = t.checkpoint_count();
        assert_eq!(n, 17, "{n} checkpoints at {end}");
        let times: Vec<u64> = t.checkpoint_positions().iter().map(|p| p.time).collect();
        // No gap is more than twice the even spacing (plus one slot of slack).
        let even = end / 16;
        let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            gaps.iter().all(|&g| g <= 2 * even + 10 * MS),
            "{gaps:?} at {end}"
        );
        assert!(end - times.last().unwrap() <= 2 * even + 10 * MS);
    }
}
