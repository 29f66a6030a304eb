//! One seed of a random-fault sweep: a cluster with busy clients, a random fault
//! schedule, the checker on, and liveness judged after the final heal.

use crate::check::Violation;
use crate::check::liveness::LivenessWatch;
use crate::raft::{Bugs, Time};
use crate::sim::config::{ClientConfig, MS, SECOND, SimConfig, TraceMode};
use crate::sim::faults::{FaultPlan, random_schedule};
use crate::sim::world::World;

#[derive(Clone, Debug, PartialEq)]
pub struct SweepConfig {
    pub nodes: usize,
    pub bugs: Bugs,
    /// Simulated length of each run.
    pub duration: Time,
    /// How long before the end the final heal happens; liveness must hold by the end.
    pub heal_phase: Time,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            nodes: 5,
            bugs: Bugs::none(),
            duration: 10 * SECOND,
            heal_phase: 4 * SECOND,
        }
    }
}

impl SweepConfig {
    /// The world config a sweep seed runs with.
    pub fn sim_config(&self, seed: u64) -> SimConfig {
        SimConfig {
            nodes: self.nodes,
            seed,
            bugs: self.bugs,
            clients: ClientConfig {
                count: 3,
                think_time: 50 * MS,
                request_timeout: 300 * MS,
                key_space: 4,
            },
            ..SimConfig::default()
        }
    }

    pub fn fault_plan(&self) -> FaultPlan {
        FaultPlan {
            nodes: self.nodes,
            heal_at: self.duration.saturating_sub(self.heal_phase),
            mean_gap: 400 * MS,
            calm_network: SimConfig::default().network,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SeedOutcome {
    pub seed: u64,
    pub violations: Vec<Violation>,
    pub delivered: u64,
    pub trace_hash: String,
}

/// Runs one seed. `trace` is usually `Off` for speed.
pub fn run_seed(config: &SweepConfig, seed: u64, trace: TraceMode) -> Result<SeedOutcome, String> {
    let mut world = World::new(config.sim_config(seed), trace, 0)?;
    let plan = config.fault_plan();
    for a in random_schedule(seed, &plan) {
        world.schedule_action(a.time, a.action);
    }
    let mut liveness = LivenessWatch::new();
    liveness.set_final_heal(plan.heal_at);
    world.set_observer_liveness(liveness);
    world.run_until(config.duration);
    let mut violations = world.violations().to_vec();
    violations
        .extend(world.finish_liveness(config.duration, config.heal_phase.saturating_sub(500 * MS)));
    Ok(SeedOutcome {
        seed,
        violations,
        delivered: world.delivered(),
        trace_hash: world.trace_hash(),
    })
}
