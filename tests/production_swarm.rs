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

/// `--membership`: some seeds start with fewer members than nodes, and
/// add/remove requests join the schedule, drawn from their own stream (the
/// other draws do not move), the same for the same seed.
#[test]
fn membership_changes_are_drawn_from_their_own_stream() {
    use raft_playground::sim::Action;
    use raft_playground::sim::faults::random_schedule;
    use raft_playground::sim::sweep::SweepConfig;
    let membership = Production {
        membership: true,
        ..Production::default()
    };
    let plain = SweepConfig::default();
    let with = SweepConfig {
        production: membership,
        ..SweepConfig::default()
    };
    let is_change =
        |a: &Action| matches!(a, Action::AddServer { .. } | Action::RemoveServer { .. });
    let (mut smaller, mut changes) = (0, 0);
    for seed in 1..=40 {
        let old = random_schedule(seed, &plain.fault_plan());
        let new = random_schedule(seed, &with.fault_plan());
        assert_eq!(new, random_schedule(seed, &with.fault_plan()));
        let others: Vec<_> = new
            .iter()
            .filter(|a| !is_change(&a.action))
            .cloned()
            .collect();
        assert_eq!(old, others, "seed {seed}: the other draws moved");
        changes += new.len() - old.len();
        let members = with.sim_config(seed).initial_members;
        assert!(plain.sim_config(seed).initial_members.is_empty());
        if !members.is_empty() {
            smaller += 1;
            assert!(members.len() >= 3 && members.len() < 5, "{members:?}");
        }
        // The swarm: the same switch, the rest of the plan as it was.
        let a = SwarmPlan::draw(seed, Bugs::none(), 6 * SECOND);
        let b = SwarmPlan::draw_with(seed, Bugs::none(), 6 * SECOND, membership);
        assert_eq!(a.reactions, b.reactions);
        let others: Vec<_> = b
            .schedule
            .iter()
            .filter(|a| !is_change(&a.action))
            .cloned()
            .collect();
        assert_eq!(a.schedule, others, "seed {seed}: the swarm's draws moved");
    }
    assert!(
        smaller > 5 && changes > 40,
        "{smaller} smaller, {changes} changes"
    );
}

/// A few hundred seeds with membership changes, random and swarm: clean, and
/// a seed's run replays to the same trace hash (and its scenario link too).
#[test]
fn sweeps_with_membership_changes_stay_clean_and_replay() {
    use raft_playground::scenario::Scenario;
    use raft_playground::scenario::shrink::{SeedKind, seed_scenario_with};
    use raft_playground::sim::sweep::{SweepConfig, run_seed_with};
    let membership = Production {
        membership: true,
        ..Production::default()
    };
    let bad = violating_seeds(membership, 1..=150);
    assert!(bad.is_empty(), "{bad:#?}");
    let config = SweepConfig {
        production: membership,
        ..SweepConfig::default()
    };
    for seed in 1..=150 {
        let outcome = run_seed_with(&config, seed, TraceMode::Off, true).unwrap();
        assert!(
            outcome.violations.is_empty(),
            "seed {seed}: {:?}",
            outcome.violations.first().map(|v| &v.explanation)
        );
    }
    let once = run_seed_with(&config, 7, TraceMode::Hash, false).unwrap();
    let twice = run_seed_with(&config, 7, TraceMode::Hash, false).unwrap();
    assert_eq!(once.trace_hash, twice.trace_hash);
    // The seed's scenario (what `shrink --seed 7 --membership` starts from)
    // keeps its initial configuration and its membership changes.
    for seed in 1..=10 {
        let kind = SeedKind::Random { nodes: 5 };
        let s = seed_scenario_with(seed, kind, Bugs::none(), 10 * SECOND, membership).unwrap();
        assert_eq!(
            s.config.initial_members,
            config.sim_config(seed).initial_members
        );
        let link = s.encode_link().unwrap();
        let back = Scenario::decode_link(&link).unwrap();
        assert_eq!(back.config.initial_members, s.config.initial_members);
        assert_eq!(back.actions, s.actions);
    }
}
