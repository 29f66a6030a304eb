//! A session driven live (step, run_until, apply at "now", in any mix, on top of a
//! scheduled scenario) and the same session captured as a scenario and replayed
//! give byte-identical traces.

use raft_playground::kv::Op;
use raft_playground::raft::{Bug, NodeId};
use raft_playground::rng::Rng;
use raft_playground::scenario::{Scenario, ViewState, presets};
use raft_playground::sim::{
    Action, ClientConfig, MS, NetworkConfig, SECOND, SimConfig, TimedAction, TraceMode, World,
};

/// A busy, messy cluster: zero-latency messages and many client requests put many
/// events at the same microsecond as the actions.
fn busy_config(seed: u64) -> SimConfig {
    SimConfig {
        nodes: 5,
        seed,
        network: NetworkConfig {
            latency_min: 0,
            latency_max: 2 * MS,
            loss: 0.05,
            duplicate: 0.05,
        },
        clients: ClientConfig {
            count: 2,
            think_time: 2 * MS,
            request_timeout: 100 * MS,
            key_space: 3,
        },
        ..SimConfig::default()
    }
}

fn random_action(rng: &mut Rng, w: &World) -> Action {
    let n = w.config().nodes as u64;
    let node = rng.range(1, n + 1) as NodeId;
    let other = rng.range(1, n + 1) as NodeId;
    match rng.range(0, 12) {
        0 => Action::Crash { node },
        1 => Action::Restart { node },
        2 => Action::Timeout { node },
        3 => Action::Partition {
            groups: vec![vec![node], vec![other]],
        },
        4 => Action::Cut {
            from: node,
            to: other,
        },
        5 => Action::Heal,
        6 => {
            let ids: Vec<u64> = w.in_flight().map(|m| m.id).collect();
            let id = if ids.is_empty() {
                rng.range(0, 100)
            } else {
                ids[rng.range(0, ids.len() as u64) as usize]
            };
            Action::DropMessage { id }
        }
        7 => Action::SetNetwork {
            network: NetworkConfig {
                latency_min: 0,
                latency_max: rng.range(0, 3) * MS,
                loss: rng.range(0, 3) as f64 / 10.0,
                duplicate: rng.range(0, 3) as f64 / 10.0,
            },
        },
        8 => Action::SetBug {
            bug: Bug::ALL[rng.range(0, Bug::ALL.len() as u64) as usize],
            on: rng.chance(0.5),
        },
        _ => Action::Client {
            op: Op::Put {
                key: format!("k{}", rng.range(0, 3)),
                value: format!("v{}", rng.range(0, 100)),
            },
            to: rng.chance(0.5).then_some(node),
        },
    }
}

/// Drives `base` live with a random mix of steps, runs and actions; returns the
/// live world (settled at its final time) and the captured scenario.
fn drive_live(base: &Scenario, seed: u64, rounds: usize) -> (World, Scenario) {
    let mut w = base.to_world(TraceMode::Full, 0).unwrap();
    let mut rng = Rng::derive(seed, "live-session", 0);
    for _ in 0..rounds {
        match rng.range(0, 10) {
            0..=2 => {
                for _ in 0..rng.range(1, 20) {
                    w.step();
                }
            }
            3..=5 => {
                let t = w.now() + rng.range(0, 40) * MS;
                w.run_until(t);
            }
            _ => {
                // One or several actions at the same instant; invalid ones are
                // refused and change nothing.
                for _ in 0..rng.range(1, 4) {
                    let a = random_action(&mut rng, &w);
                    let _ = w.apply(a);
                }
            }
        }
    }
    let end = w.now();
    w.run_until(end);
    let scenario = Scenario::capture(
        &w,
        ViewState {
            time: end,
            playing: false,
            selected: Some(1),
        },
    );
    (w, scenario)
}

fn assert_replay_matches(live: &World, scenario: &Scenario) {
    scenario.validate().unwrap();
    let replayed = scenario
        .replay(scenario.view.time, TraceMode::Full)
        .unwrap();
    assert_eq!(replayed.now(), live.now());
    assert_eq!(replayed.applied_actions(), live.applied_actions());
    if replayed.trace().text() != live.trace().text() {
        let a = String::from_utf8_lossy(live.trace().text());
        let b = String::from_utf8_lossy(replayed.trace().text());
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "traces differ at line {first}:\n live:   {}\n replay: {}",
            a.lines().nth(first).unwrap_or(""),
            b.lines().nth(first).unwrap_or("")
        );
    }
    assert_eq!(replayed.trace_hash(), live.trace_hash());
    // ... and through a link.
    let link = scenario.encode_link().unwrap();
    let back = Scenario::decode_link(&link).unwrap();
    assert_eq!(&back, scenario);
    let again = back.replay(back.view.time, TraceMode::Hash).unwrap();
    assert_eq!(again.trace_hash(), live.trace_hash());
}

#[test]
fn live_sessions_and_their_replays_have_identical_traces() {
    for seed in 1..=12 {
        let base = Scenario::new(busy_config(seed));
        let (live, scenario) = drive_live(&base, seed, 150);
        assert!(
            scenario.actions.len() > 50,
            "seed {seed}: {} actions",
            scenario.actions.len()
        );
        // Several actions share a time.
        let same_time = scenario
            .actions
            .windows(2)
            .filter(|p| p[0].time == p[1].time)
            .count();
        assert!(same_time > 10, "seed {seed}");
        assert_replay_matches(&live, &scenario);
    }
}

#[test]
fn live_actions_on_top_of_a_scheduled_preset_replay_identically() {
    // The page opens a preset (actions scheduled), the person meddles, shares.
    for (i, p) in presets::all().into_iter().enumerate() {
        let (live, scenario) = drive_live(&p.scenario, 100 + i as u64, 40);
        let preset_actions = &p.scenario.actions;
        // Every preset action is still in the captured list (applied or pending),
        // unless the person's meddling made it inapplicable when its time came.
        assert!(scenario.actions.len() >= live.applied_actions().len());
        assert!(!preset_actions.is_empty());
        assert_replay_matches(&live, &scenario);
    }
}

#[test]
fn capture_before_any_action_is_due_gives_back_the_scenario() {
    for p in presets::all() {
        let mut w = p.scenario.to_world(TraceMode::Hash, 0).unwrap();
        let first = p.scenario.actions[0].time;
        if first > 0 {
            w.run_until(first - 1);
        }
        let mut captured = Scenario::capture(&w, p.scenario.view.clone());
        assert!(captured.title.is_empty());
        captured.title = p.scenario.title.clone();
        captured.caption = p.scenario.caption.clone();
        assert_eq!(captured, p.scenario, "{}", p.id);
        // Midway: applied + pending is still the whole list.
        w.run_until(p.duration / 2);
        let mid = Scenario::capture(&w, p.scenario.view.clone());
        assert_eq!(mid.actions, p.scenario.actions, "{}", p.id);
        assert_eq!(mid.config, p.scenario.config);
    }
}

#[test]
fn an_action_at_t_runs_after_every_event_due_at_t() {
    // Live: run to t, apply. Replay: scheduled at t. Same trace whether the live
    // side got to t by run_until or by single steps that stop mid-instant.
    let config = busy_config(77);
    let t = 300 * MS;
    let crash = Action::Crash { node: 2 };
    let mut by_run = World::new(config.clone(), TraceMode::Full, 0).unwrap();
    by_run.run_until(t);
    by_run.apply(crash.clone()).unwrap();
    by_run.run_until(SECOND);

    let mut by_step = World::new(config.clone(), TraceMode::Full, 0).unwrap();
    while by_step.next_event_time().is_some_and(|n| n <= t) {
        by_step.step();
        if by_step.now() == t {
            break; // stop in the middle of the instant
        }
    }
    if by_step.now() < t {
        by_step.run_until(t);
    }
    by_step.apply(crash.clone()).unwrap();
    by_step.run_until(SECOND);

    let scheduled = Scenario::new(config)
        .at(t, crash)
        .replay(SECOND, TraceMode::Full)
        .unwrap();
    assert_eq!(by_run.trace().text(), scheduled.trace().text());
    assert_eq!(by_step.trace().text(), scheduled.trace().text());
}

#[test]
fn same_scenario_same_hash_different_seed_different_hash() {
    let s = Scenario::new(busy_config(5))
        .at(200 * MS, Action::Crash { node: 1 })
        .at(900 * MS, Action::Restart { node: 1 });
    let a = s.replay(2 * SECOND, TraceMode::Hash).unwrap();
    let b = s.replay(2 * SECOND, TraceMode::Hash).unwrap();
    assert_eq!(a.trace_hash(), b.trace_hash());
    let mut other = s.clone();
    other.config.seed = 6;
    let c = other.replay(2 * SECOND, TraceMode::Hash).unwrap();
    assert_ne!(a.trace_hash(), c.trace_hash());
}

#[test]
fn actions_out_of_time_order_are_refused() {
    let mut s = Scenario::new(busy_config(1));
    s.actions = vec![
        TimedAction {
            time: 2 * MS,
            action: Action::Heal,
        },
        TimedAction {
            time: MS,
            action: Action::Heal,
        },
    ];
    let e = s.validate().unwrap_err().to_string();
    assert!(e.contains("time order"), "{e}");
}
