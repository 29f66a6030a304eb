//! Swarm testing, after TigerBeetle's VOPR: every knob of a run is drawn from its
//! seed (cluster size, timeouts, heartbeat, batching, latency, loss, duplication,
//! clients, which faults and how often), so that across seeds some runs switch a
//! fault off entirely and others hammer one pattern. A fixed mix never reaches the
//! corners that need one fault often and the others rarely (Figure 8 needs
//! leaders to die just after they append, and nothing else in the way).
//!
//! A swarm run has two halves:
//! - a **schedule**, plain data drawn from the seed before the run (crash–restart
//!   storms, flapping partitions, many short terms, network changes), ending with
//!   a heal phase so liveness can be judged;
//! - **reactions** ([`Reactor`]): between two steps it looks at the world (who
//!   leads, what it appended or committed) and, by the seed's own random stream,
//!   may schedule a timed action: crash the leader right after it is elected,
//!   appends or commits; partition a new leader with a minority. Every reaction is
//!   a timed [`Action`] in the world's record, so
//!   [`crate::scenario::Scenario::capture`] turns the run into a link that replays
//!   exactly, without the reactor.

use crate::check::Violation;
use crate::check::liveness::LivenessWatch;
use crate::raft::{Bugs, Config as RaftConfig, LogIndex, NodeId, RoleKind, Term, Time};
use crate::rng::Rng;
use crate::sim::action::{Action, TimedAction};
use crate::sim::config::{ClientConfig, MS, NetworkConfig, SECOND, SimConfig, TraceMode};
use crate::sim::production::Production;
use crate::sim::sweep::{Ended, SeedOutcome, drive_mut};
use crate::sim::world::World;

/// How long before the end the heal phase starts (as in the random sweep).
pub const HEAL_PHASE: Time = 4 * SECOND;

/// The reactions a seed turns on, each a probability per observed occasion.
#[derive(Clone, Debug, PartialEq)]
pub struct Reactions {
    /// Crash a node just after it becomes leader (its no-op on it alone).
    pub crash_new_leader: f64,
    /// Crash the leader just after it appends an entry (on a minority at most).
    pub crash_after_append: f64,
    /// Crash the leader just after its commit index moves (before it spreads).
    pub crash_after_commit: f64,
    /// Partition a new leader together with a minority; clients keep talking to it.
    pub isolate_new_leader: f64,
    /// A reaction's action comes 1 µs to this long after what it reacts to.
    pub max_delay: Time,
    /// How long a crashed node stays down: `[min, max)`.
    pub downtime: (Time, Time),
    /// How long an isolated leader stays cut off: `[min, max)`.
    pub isolation: (Time, Time),
}

/// Everything a swarm seed fixes before its first event.
#[derive(Clone, Debug, PartialEq)]
pub struct SwarmPlan {
    pub sim: SimConfig,
    /// The run's length; faults and reactions stop at `heal_at`.
    pub duration: Time,
    pub heal_at: Time,
    /// The data half: timed actions drawn from the seed, heal phase included.
    pub schedule: Vec<TimedAction>,
    pub reactions: Reactions,
    /// Production switches on, and production faults in the schedule.
    pub production: Production,
}

/// Draws 0 with probability `off`, else one of `values`: swarm testing turns
/// whole features off in some seeds.
fn maybe(rng: &mut Rng, off: f64, values: &[f64]) -> f64 {
    if rng.chance(off) {
        0.0
    } else {
        values[rng.range(0, values.len() as u64) as usize]
    }
}

impl SwarmPlan {
    /// The plan of `seed` with `bugs` on, for runs of `duration`.
    pub fn draw(seed: u64, bugs: Bugs, duration: Time) -> SwarmPlan {
        Self::draw_with(seed, bugs, duration, Production::default())
    }

    /// [`SwarmPlan::draw`], with `production`'s switches on and its faults
    /// (drawn from their own stream) merged into the schedule. With nothing
    /// in `production`, exactly `draw`.
    pub fn draw_with(seed: u64, bugs: Bugs, duration: Time, production: Production) -> SwarmPlan {
        let mut rng = Rng::derive(seed, "swarm", 0);
        let nodes = rng.range(3, 8) as usize;
        let election_min = rng.range(100, 401) * MS;
        let raft = RaftConfig {
            election_timeout_min: election_min,
            election_timeout_max: election_min + rng.range(election_min / 4, election_min + 1),
            heartbeat_interval: rng.range(election_min / 10, election_min / 2),
            // Small batches let an old entry reach a follower without the entries after it.
            max_entries_per_append: [1, 1, 1, 2, 3, 8, 64][rng.range(0, 7) as usize],
            ..RaftConfig::default()
        };
        let latency_min = rng.range(1, 11) * MS;
        let calm_network = NetworkConfig {
            latency_min,
            latency_max: latency_min + rng.range(0, 31) * MS,
            loss: 0.0,
            duplicate: 0.0,
        };
        let network = NetworkConfig {
            loss: maybe(&mut rng, 0.5, &[0.01, 0.05, 0.1, 0.2]),
            duplicate: maybe(&mut rng, 0.5, &[0.01, 0.05, 0.1, 0.2]),
            ..calm_network.clone()
        };
        let clients = ClientConfig {
            count: rng.range(1, 7),
            think_time: rng.range(5, 151) * MS,
            request_timeout: rng.range(100, 601) * MS,
            key_space: rng.range(1, 5),
        };
        let mut raft = raft;
        production.apply(&mut raft);
        raft.snapshot_threshold = production.snapshot_threshold(seed);
        let sim = SimConfig {
            nodes,
            seed,
            raft,
            network,
            clients,
            bugs,
            initial_state: Vec::new(),
            initial_members: production.initial_members(seed, nodes),
        };
        let heal_at = duration.saturating_sub(HEAL_PHASE);
        let reactions = Reactions {
            crash_new_leader: maybe(&mut rng, 0.4, &[0.1, 0.3, 0.6, 1.0]),
            crash_after_append: maybe(&mut rng, 0.5, &[0.02, 0.1, 0.3]),
            crash_after_commit: maybe(&mut rng, 0.5, &[0.05, 0.2, 0.5, 1.0]),
            isolate_new_leader: maybe(&mut rng, 0.5, &[0.2, 0.5, 1.0]),
            max_delay: rng.range(1, 4) * calm_network.latency_max,
            downtime: {
                let min = rng.range(20, 301) * MS;
                (min, min + rng.range(1, 1001) * MS)
            },
            isolation: {
                let min = rng.range(50, 501) * MS;
                (min, min + rng.range(1, 1501) * MS)
            },
        };
        let mut schedule = draw_schedule(&mut rng, nodes, heal_at, &calm_network);
        if !production.is_off() {
            schedule.extend(production.draw_schedule(seed, nodes, heal_at));
            // Stable: at equal times the swarm's own actions keep their order, first.
            schedule.sort_by_key(|a| a.time);
        }
        SwarmPlan {
            sim,
            duration,
            heal_at,
            schedule,
            reactions,
            production,
        }
    }

    /// The world of this plan with its schedule in, and the reactor that goes with it.
    pub fn prepare(
        &self,
        trace: TraceMode,
        recent_events: usize,
    ) -> Result<(World, Reactor), String> {
        let mut world = World::new(self.sim.clone(), trace, recent_events)?;
        for a in &self.schedule {
            world.schedule_action(a.time, a.action.clone());
        }
        let mut liveness = LivenessWatch::new();
        liveness.set_final_heal(self.heal_at);
        liveness.set_catch_up(crate::sim::sweep::catch_up(&self.sim));
        world.set_observer_liveness(liveness);
        let reactor = Reactor::new(self.sim.seed, self.reactions.clone(), self.heal_at);
        Ok((world, reactor))
    }

    /// How long after the final heal a leader and completed requests must appear.
    pub fn liveness_bound(&self) -> Time {
        HEAL_PHASE.saturating_sub(500 * MS)
    }
}

/// Weights of the scheduled fault kinds, some zero: crash, partition, cut, heal,
/// forced timeout, network change.
const KINDS: usize = 6;

/// The data half of a swarm run: faults in `[0, heal_at)`, then the heal phase.
fn draw_schedule(
    rng: &mut Rng,
    nodes: usize,
    heal_at: Time,
    calm_network: &NetworkConfig,
) -> Vec<TimedAction> {
    let mut weights = [0u64; KINDS];
    for w in &mut weights {
        *w = if rng.chance(0.4) { 0 } else { rng.range(1, 11) };
    }
    let total: u64 = weights.iter().sum();
    let mean_gap = rng.range(30, 801) * MS;
    let downtime = (rng.range(20, 301) * MS, rng.range(301, 2001) * MS);
    // Flapping: every partition heals again soon after.
    let flap = rng.chance(0.5).then(|| rng.range(20, 501) * MS);
    let ids: Vec<NodeId> = (1..=nodes as NodeId).collect();
    let pick = |rng: &mut Rng| ids[rng.range(0, ids.len() as u64) as usize];
    let mut actions = Vec::new();
    let mut push = |time: Time, action: Action| {
        if time < heal_at {
            actions.push(TimedAction { time, action });
        }
    };
    let mut t = rng.range(0, mean_gap + 1);
    while total > 0 && t < heal_at {
        let mut roll = rng.range(0, total);
        let mut kind = 0;
        while roll >= weights[kind] {
            roll -= weights[kind];
            kind += 1;
        }
        match kind {
            0 => {
                // Crash–restart: the node comes back after its downtime.
                let node = pick(rng);
                push(t, Action::Crash { node });
                push(
                    t + rng.range(downtime.0, downtime.1),
                    Action::Restart { node },
                );
            }
            1 => {
                let count = rng.range(2, 4) as usize;
                let mut groups = vec![Vec::new(); count];
                for &id in &ids {
                    groups[rng.range(0, count as u64) as usize].push(id);
                }
                push(t, Action::Partition { groups });
                if let Some(flap) = flap {
                    push(t + rng.range(1, flap + 1), Action::Heal);
                }
            }
            2 => {
                let (from, to) = (pick(rng), pick(rng));
                if from != to {
                    push(t, Action::Cut { from, to });
                }
            }
            3 => push(t, Action::Heal),
            4 => push(t, Action::Timeout { node: pick(rng) }),
            _ => {
                let mut network = calm_network.clone();
                network.loss = rng.range(0, 31) as f64 / 100.0;
                network.duplicate = rng.range(0, 21) as f64 / 100.0;
                network.latency_max = network.latency_min + rng.range(0, 60) * MS;
                push(t, Action::SetNetwork { network });
            }
        }
        t += rng.range(mean_gap / 2, mean_gap * 3 / 2 + 1);
    }
    // Restarts are drawn ahead of their crash's successors: put the list in time order.
    actions.sort_by_key(|a| a.time);
    heal_phase(&mut actions, nodes, heal_at, calm_network);
    actions
}

/// Every link back, every node up (a restart of a running node is skipped), a
/// quiet network.
fn heal_phase(actions: &mut Vec<TimedAction>, nodes: usize, heal_at: Time, calm: &NetworkConfig) {
    let at = |action| TimedAction {
        time: heal_at,
        action,
    };
    actions.push(at(Action::Heal));
    for node in 1..=nodes as NodeId {
        actions.push(at(Action::Restart { node }));
    }
    actions.push(at(Action::SetNetwork {
        network: calm.clone(),
    }));
}

/// What the reactor last saw of one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
struct Seen {
    leader: bool,
    term: Term,
    last_index: LogIndex,
    commit: LogIndex,
}

/// The reactive half of a swarm run: looks at the world between steps and
/// schedules timed actions drawn from its own random stream (see the module docs).
#[derive(Clone, Debug)]
pub struct Reactor {
    rng: Rng,
    reactions: Reactions,
    heal_at: Time,
    /// Node `id` at index `id - 1`; `None` while crashed.
    seen: Vec<Option<Seen>>,
    /// Reactions scheduled so far (bounded so a link stays short).
    scheduled: usize,
}

/// At most this many reactions in one run.
const MAX_REACTIONS: usize = 300;

impl Reactor {
    pub fn new(seed: u64, reactions: Reactions, heal_at: Time) -> Reactor {
        Reactor {
            rng: Rng::derive(seed, "swarm-react", 0),
            reactions,
            heal_at,
            seen: Vec::new(),
            scheduled: 0,
        }
    }

    /// Looks at `world` after a step; may schedule actions for later.
    pub fn after_step(&mut self, world: &mut World) {
        let now = world.now();
        if now >= self.heal_at || self.scheduled >= MAX_REACTIONS {
            return;
        }
        let mut planned: Vec<(Time, Action)> = Vec::new();
        let nodes = world.servers().len();
        self.seen.resize(nodes, None);
        for server in world.servers() {
            let slot = (server.id - 1) as usize;
            let Some(node) = server.node.as_ref() else {
                self.seen[slot] = None;
                continue;
            };
            let now_seen = Seen {
                leader: node.role_kind() == RoleKind::Leader,
                term: node.current_term(),
                last_index: node.log().last_index(),
                commit: node.commit_index(),
            };
            let before = self.seen[slot].replace(now_seen);
            if !now_seen.leader {
                continue;
            }
            let id = server.id;
            let new_leader = before.is_none_or(|b| !b.leader || b.term != now_seen.term);
            let r = self.reactions.clone();
            if new_leader {
                if self.rng.chance(r.crash_new_leader) {
                    self.crash(&mut planned, id, now);
                } else if self.rng.chance(r.isolate_new_leader) {
                    self.isolate(&mut planned, id, nodes, now);
                }
                continue;
            }
            let before = before.unwrap_or_default();
            // A commit first (the Figure 8 moment), else an append.
            let crash = (now_seen.commit > before.commit && self.rng.chance(r.crash_after_commit))
                || (now_seen.last_index > before.last_index
                    && self.rng.chance(r.crash_after_append));
            if crash {
                self.crash(&mut planned, id, now);
            }
        }
        for (time, action) in planned {
            if time < self.heal_at {
                self.scheduled += 1;
                world.schedule_action(time, action);
            }
        }
    }

    fn delay(&mut self) -> Time {
        self.rng.range(1, self.reactions.max_delay.max(1) + 1)
    }

    /// Crash `id` soon, and restart it after its downtime (by the heal at the latest).
    fn crash(&mut self, planned: &mut Vec<(Time, Action)>, id: NodeId, now: Time) {
        let at = now + self.delay();
        let (lo, hi) = self.reactions.downtime;
        let back = (at + self.rng.range(lo, hi)).min(self.heal_at.saturating_sub(1));
        planned.push((at, Action::Crash { node: id }));
        if back > at {
            planned.push((back, Action::Restart { node: id }));
        }
    }

    /// Partition `id` with a minority (possibly alone) soon; heal after a while.
    fn isolate(&mut self, planned: &mut Vec<(Time, Action)>, id: NodeId, nodes: usize, now: Time) {
        let at = now + self.delay();
        let companions = self.rng.range(0, ((nodes - 1) / 2) as u64 + 1) as usize;
        let mut others: Vec<NodeId> = (1..=nodes as NodeId).filter(|&n| n != id).collect();
        let mut minority = vec![id];
        for _ in 0..companions {
            let i = self.rng.range(0, others.len() as u64) as usize;
            minority.push(others.remove(i));
        }
        minority.sort_unstable();
        planned.push((
            at,
            Action::Partition {
                groups: vec![minority, others],
            },
        ));
        let (lo, hi) = self.reactions.isolation;
        let heal = (at + self.rng.range(lo, hi)).min(self.heal_at.saturating_sub(1));
        if heal > at {
            planned.push((heal, Action::Heal));
        }
    }
}

/// Runs swarm seed `seed` with `bugs` for `duration`: safety violations (the run
/// stops at the first when `stop_at_violation`), then the liveness verdict of a
/// run that completed.
pub fn run_swarm_seed(
    seed: u64,
    bugs: Bugs,
    duration: Time,
    trace: TraceMode,
    stop_at_violation: bool,
) -> Result<SeedOutcome, String> {
    let plan = SwarmPlan::draw(seed, bugs, duration);
    run_swarm_plan(plan, trace, stop_at_violation)
}

/// Runs the drawn `plan` as [`run_swarm_seed`] does (say, one drawn with
/// production features).
pub fn run_swarm_plan(
    plan: SwarmPlan,
    trace: TraceMode,
    stop_at_violation: bool,
) -> Result<SeedOutcome, String> {
    let seed = plan.sim.seed;
    let (mut world, ended, mut violations) = run_plan(&plan, trace, 0, stop_at_violation)?;
    if ended == Ended::Completed {
        violations.extend(world.finish_liveness(plan.duration, plan.liveness_bound()));
    }
    Ok(SeedOutcome {
        seed,
        violations,
        delivered: world.delivered(),
        trace_hash: world.trace_hash(),
    })
}

/// Runs `plan` with its reactor to its end (or first violation); returns the
/// world, how the run ended and its safety violations (see [`drive_mut`]).
pub fn run_plan(
    plan: &SwarmPlan,
    trace: TraceMode,
    recent_events: usize,
    stop_at_violation: bool,
) -> Result<(World, Ended, Vec<Violation>), String> {
    let (mut world, mut reactor) = plan.prepare(trace, recent_events)?;
    let (ended, violations) = drive_mut(&mut world, plan.duration, stop_at_violation, |w| {
        reactor.after_step(w)
    });
    Ok((world, ended, violations))
}
