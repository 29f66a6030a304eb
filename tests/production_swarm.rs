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
        a.raft.pre_vote = false;
        assert_eq!(a, b, "only the switches differ");
        // Every action of the old schedule is in the new one, in the same order.
        let mut rest = new.schedule.iter();
        for action in &old.schedule {
            assert!(rest.any(|b| b == action), "seed {seed}: {action:?} lost");
        }
    }
}
