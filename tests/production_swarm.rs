//! Swarm runs with the production features on: every switch and every
//! production fault together, and each alone, must stay at 0 violations
//! (safety and liveness). A few hundred seeds here; the CLI runs more
//! (`raft-playground sweep --swarm --pre-vote --check-quorum --pauses --drift --transfers`).

use raft_playground::raft::Bugs;
use raft_playground::sim::swarm::{SwarmPlan, run_swarm_plan};
use raft_playground::sim::{Production, SECOND, TraceMode};

fn violating_seeds(production: Production, seeds: std::ops::RangeInclusive<u64>) -> Vec<String> {
    let mut bad = Vec::new();
    for seed in seeds {
        let plan = SwarmPlan::draw_with(seed, Bugs::none(), 6 * SECOND, production);
        let outcome = run_swarm_plan(plan, TraceMode::Off, true).unwrap();
        if let Some(v) = outcome.violations.first() {
            bad.push(format!(
                "seed {seed}: {}: {}",
                v.property.name(),
                v.explanation
            ));
        }
    }
    bad
}

#[test]
fn every_production_feature_together_keeps_the_swarm_clean() {
    let bad = violating_seeds(Production::all(), 1..=200);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn each_production_feature_alone_keeps_the_swarm_clean() {
    let none = Production::default();
    let alone = [
        Production {
            pre_vote: true,
            ..none
        },
        Production {
            check_quorum: true,
            ..none
        },
        Production {
            pauses: true,
            ..none
        },
        Production {
            drift: true,
            ..none
        },
        Production {
            transfers: true,
            ..none
        },
    ];
    for production in alone {
        let bad = violating_seeds(production, 1001..=1040);
        assert!(bad.is_empty(), "{production:?}: {bad:#?}");
    }
}

#[test]
fn the_production_draw_leaves_the_swarm_plan_as_it_was() {
    for seed in 1..=20 {
        let old = SwarmPlan::draw(seed, Bugs::none(), 6 * SECOND);
        let new = SwarmPlan::draw_with(seed, Bugs::none(), 6 * SECOND, Production::all());
        assert_eq!(old.reactions, new.reactions);
        let (mut a, mut b) = (old.sim.clone(), new.sim.clone());
        b.raft.pre_vote = false;
        b.raft.check_quorum = false;
        b.raft.snapshot_threshold = 0;
        a.raft.pre_vote = false;
        assert_eq!(a, b, "only the switches differ");
        // Every action of the old schedule is in the new one, in the same order.
        let mut rest = new.schedule.iter();
        for action in &old.schedule {
            assert!(rest.any(|b| b == action), "seed {seed}: {action:?} lost");
        }
    }
}

/// Random-fault sweeps (not swarm) draw the production faults too, on top of
/// the random schedule: with them off a seed's schedule is what it always was.
#[test]
fn the_random_sweep_adds_production_faults_without_moving_its_own() {
    use raft_playground::sim::Action;
    use raft_playground::sim::faults::random_schedule;
    use raft_playground::sim::sweep::SweepConfig;
    let plain = SweepConfig::default();
    let with = SweepConfig {
        production: Production::all(),
        ..SweepConfig::default()
    };
    for seed in 1..=20 {
        let old = random_schedule(seed, &plain.fault_plan());
        let new = random_schedule(seed, &with.fault_plan());
        let mut rest = new.iter();
        for action in &old {
            assert!(rest.any(|b| b == action), "seed {seed}: {action:?} lost");
        }
        assert!(new.windows(2).all(|w| w[0].time <= w[1].time));
        assert!(
            new.iter().any(|a| matches!(a.action, Action::Pause { .. })),
            "seed {seed}: no pause drawn"
        );
        assert!(with.sim_config(seed).raft.pre_vote && with.sim_config(seed).raft.check_quorum);
    }
}

#[test]
fn random_sweeps_with_production_faults_stay_clean() {
    use raft_playground::sim::sweep::{SweepConfig, run_seed_with};
    for production in [
        Production::all(),
        Production {
            pauses: true,
            drift: true,
            ..Production::default()
        },
    ] {
        let config = SweepConfig {
            production,
            ..SweepConfig::default()
        };
        for seed in 1..=60 {
            let outcome = run_seed_with(&config, seed, TraceMode::Off, true).unwrap();
            assert!(
                outcome.violations.is_empty(),
                "{production:?} seed {seed}: {:?}",
                outcome.violations.first().map(|v| &v.explanation)
            );
        }
    }
}

/// `shrink --seed N --pauses …` shrinks the run the sweep judged: the seed's
/// scenario holds its production switches and faults.
#[test]
fn a_seed_scenario_keeps_the_production_features_it_ran_with() {
    use raft_playground::scenario::shrink::{SeedKind, seed_scenario_with};
    use raft_playground::sim::Action;
    for kind in [SeedKind::Random { nodes: 5 }, SeedKind::Swarm] {
        let s = seed_scenario_with(4, kind, Bugs::none(), 6 * SECOND, Production::all()).unwrap();
        assert!(s.config.raft.pre_vote && s.config.raft.check_quorum);
        assert!(
            s.actions
                .iter()
                .any(|a| matches!(a.action, Action::Pause { .. })),
            "{kind:?}"
        );
    }
}
