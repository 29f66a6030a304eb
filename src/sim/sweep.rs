//! One seed of a random-fault sweep: a cluster with busy clients, a random fault
//! schedule, the checker on, and liveness judged after the final heal.

use crate::check::liveness::{CatchUp, LivenessWatch};
use crate::check::{Property, Violation};
use crate::raft::{Bugs, Time};
use crate::sim::config::{ClientConfig, MS, SECOND, SimConfig, TraceMode};
use crate::sim::faults::{FaultPlan, random_schedule};
use crate::sim::production::Production;
use crate::sim::world::World;

#[derive(Clone, Debug, PartialEq)]
pub struct SweepConfig {
    pub nodes: usize,
    pub bugs: Bugs,
    /// Simulated length of each run.
    pub duration: Time,
    /// How long before the end the final heal happens; liveness must hold by the end.
    pub heal_phase: Time,
    /// Production switches on, and production faults (pauses, drift, transfers)
    /// added to the random schedule from their own random stream: with every
    /// one off, a seed's run is exactly what it was before they existed.
    pub production: Production,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            nodes: 5,
            bugs: Bugs::none(),
            duration: 10 * SECOND,
            heal_phase: 4 * SECOND,
            production: Production::default(),
        }
    }
}

impl SweepConfig {
    /// The world config a sweep seed runs with.
    pub fn sim_config(&self, seed: u64) -> SimConfig {
        let mut sim = SimConfig {
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
        };
        self.production.apply(&mut sim.raft);
        sim.raft.snapshot_threshold = self.production.snapshot_threshold(seed);
        sim.initial_members = self.production.initial_members(seed, self.nodes);
        sim
    }

    pub fn fault_plan(&self) -> FaultPlan {
        FaultPlan {
            nodes: self.nodes,
            heal_at: self.duration.saturating_sub(self.heal_phase),
            mean_gap: 400 * MS,
            calm_network: SimConfig::default().network,
            production: self.production,
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

/// Builds the world of one sweep seed: its config, its fault schedule and the
/// liveness watch, ready to run to `config.duration`. The CLI's
/// `run --faults random` goes through here too, so a reproduce command replays
/// exactly the run a sweep judged.
pub fn prepare_seed(
    config: &SweepConfig,
    seed: u64,
    trace: TraceMode,
    recent_events: usize,
) -> Result<World, String> {
    prepare_seed_with(config, config.sim_config(seed), trace, recent_events)
}

/// [`prepare_seed`] with a world config of the caller's (say, the sweep's with a
/// knob changed); the fault schedule is drawn from `sim.seed`.
pub fn prepare_seed_with(
    config: &SweepConfig,
    sim: SimConfig,
    trace: TraceMode,
    recent_events: usize,
) -> Result<World, String> {
    prepare_with_faults(sim, &config.fault_plan(), trace, recent_events)
}

/// The world of `sim` with `plan`'s random faults scheduled (drawn from
/// `sim.seed`) and liveness judged after `plan.heal_at`.
pub fn prepare_with_faults(
    sim: SimConfig,
    plan: &FaultPlan,
    trace: TraceMode,
    recent_events: usize,
) -> Result<World, String> {
    let seed = sim.seed;
    let sim_config = sim.clone();
    let mut world = World::new(sim, trace, recent_events)?;
    for a in random_schedule(seed, plan) {
        world.schedule_action(a.time, a.action);
    }
    let mut liveness = LivenessWatch::new();
    liveness.set_final_heal(plan.heal_at);
    liveness.set_catch_up(catch_up(&sim_config));
    world.set_observer_liveness(liveness);
    Ok(world)
}

/// How the core of `sim` ships a backlog after the final heal, for the liveness
/// watch's allowance: one AppendEntries of at most `max_entries_per_append`
/// entries in flight per follower, a round trip of twice the longest latency.
pub fn catch_up(sim: &SimConfig) -> CatchUp {
    CatchUp {
        nodes: sim.nodes,
        batch: sim.raft.max_entries_per_append as u64,
        round_trip: 2 * sim.network.latency_max,
    }
}

/// The liveness verdict of a sweep seed whose world has run to `config.duration`.
pub fn finish_seed(config: &SweepConfig, world: &mut World) -> Vec<Violation> {
    world.finish_liveness(config.duration, liveness_bound(config))
}

/// How long after the final heal a leader and completed requests must appear.
pub fn liveness_bound(config: &SweepConfig) -> Time {
    config.heal_phase.saturating_sub(500 * MS)
}

/// A run that emits more events than this is stopped as a message storm (a
/// correct cluster emits a few thousand per simulated second; some broken-rule
/// toggles make a leader and a follower ping-pong, and duplication multiplies
/// those exchanges exponentially).
pub fn event_budget(duration: Time) -> u64 {
    let per_second = 200_000;
    1_000_000 + per_second * (duration / SECOND + 1)
}

/// How [`drive`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The clock reached the end.
    Completed,
    /// Stopped at the first safety violation (asked for by the caller).
    FirstViolation,
    /// Stopped because the event budget ran out.
    Storm,
}

/// Runs `world` until `until`, calling `after_step` after every event. Stops
/// early at the first safety violation when `stop_at_violation`, and always when
/// the run exceeds [`event_budget`] (then the returned list ends with a
/// [`Property::Liveness`] violation naming the storm). Returns the safety
/// violations found (not the liveness verdict: see [`finish_seed`]).
pub fn drive(
    world: &mut World,
    until: Time,
    stop_at_violation: bool,
    mut after_step: impl FnMut(&World),
) -> (Ended, Vec<Violation>) {
    drive_mut(world, until, stop_at_violation, |w| after_step(w))
}

/// [`drive`] whose `after_step` may act on the world (the swarm's reactive
/// faults schedule actions from it).
pub fn drive_mut(
    world: &mut World,
    until: Time,
    stop_at_violation: bool,
    mut after_step: impl FnMut(&mut World),
) -> (Ended, Vec<Violation>) {
    let budget = event_budget(until);
    let mut ended = Ended::Completed;
    while let Some(t) = world.next_event_time() {
        if t > until {
            break;
        }
        world.step();
        after_step(world);
        if stop_at_violation && !world.violations().is_empty() {
            ended = Ended::FirstViolation;
            break;
        }
        if world.trace().event_count() > budget {
            ended = Ended::Storm;
            break;
        }
    }
    if ended == Ended::Completed {
        world.run_until(until);
        world.flush_checker();
    }
    let mut violations = world.violations().to_vec();
    if ended == Ended::Storm {
        violations.push(Violation {
            property: Property::Liveness,
            time: world.now(),
            nodes: Vec::new(),
            index: None,
            term: None,
            explanation: format!(
                "Message storm: more than {budget} events by {} ms ({} messages in flight); the run was stopped.",
                world.now() / MS,
                world.in_flight().count()
            ),
        });
    }
    (ended, violations)
}

/// Runs one seed to the end (or its first violation when `stop_at_violation`):
/// safety violations, then the liveness verdict of a run that completed.
pub fn run_seed_with(
    config: &SweepConfig,
    seed: u64,
    trace: TraceMode,
    stop_at_violation: bool,
) -> Result<SeedOutcome, String> {
    let mut world = prepare_seed(config, seed, trace, 0)?;
    let (ended, mut violations) = drive(&mut world, config.duration, stop_at_violation, |_| {});
    if ended == Ended::Completed {
        violations.extend(finish_seed(config, &mut world));
    }
    Ok(SeedOutcome {
        seed,
        violations,
        delivered: world.delivered(),
        trace_hash: world.trace_hash(),
    })
}

/// Runs one seed to its end and judges it. `trace` is usually `Off` for speed.
pub fn run_seed(config: &SweepConfig, seed: u64, trace: TraceMode) -> Result<SeedOutcome, String> {
    run_seed_with(config, seed, trace, false)
}
