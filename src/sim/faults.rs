//! Random fault schedules for sweeps: a timed list of actions drawn from the seed
//! alone, always ending with a heal phase so liveness can be judged.

use crate::raft::{NodeId, Time};
use crate::rng::Rng;
use crate::sim::action::{Action, TimedAction};
use crate::sim::config::{MS, NetworkConfig};
use crate::sim::production::Production;

/// How a random schedule is shaped.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultPlan {
    pub nodes: usize,
    /// Faults happen in `[0, heal_at)`.
    pub heal_at: Time,
    /// Mean gap between two faults.
    pub mean_gap: Time,
    /// The network the heal phase restores.
    pub calm_network: NetworkConfig,
    /// Production faults (pauses, drift, transfers) drawn on top, from their
    /// own stream: off, the schedule is exactly the one drawn before they existed.
    pub production: Production,
}

/// Draws a fault schedule from `seed`. The generator tracks which nodes it has
/// crashed, so every action it emits is valid when its time comes.
pub fn random_schedule(seed: u64, plan: &FaultPlan) -> Vec<TimedAction> {
    let mut rng = Rng::derive(seed, "faults", 0);
    let ids: Vec<NodeId> = (1..=plan.nodes as NodeId).collect();
    let mut crashed: Vec<NodeId> = Vec::new();
    let mut actions = Vec::new();
    let mut t = rng.range(plan.mean_gap / 2, plan.mean_gap * 3 / 2 + 1);
    while t < plan.heal_at {
        let action = match rng.range(0, 100) {
            // Crash a running node (keep at least one running).
            0..=19 if crashed.len() + 1 < ids.len() => {
                let running: Vec<NodeId> = ids
                    .iter()
                    .copied()
                    .filter(|n| !crashed.contains(n))
                    .collect();
                let node = running[rng.range(0, running.len() as u64) as usize];
                crashed.push(node);
                Action::Crash { node }
            }
            20..=34 if !crashed.is_empty() => {
                let node = crashed.remove(rng.range(0, crashed.len() as u64) as usize);
                Action::Restart { node }
            }
            35..=54 => Action::Partition {
                groups: random_groups(&mut rng, &ids),
            },
            55..=64 => {
                let from = ids[rng.range(0, ids.len() as u64) as usize];
                let to = ids[rng.range(0, ids.len() as u64) as usize];
                if from == to {
                    Action::Heal
                } else {
                    Action::Cut { from, to }
                }
            }
            65..=74 => Action::Heal,
            75..=84 => Action::Timeout {
                node: ids[rng.range(0, ids.len() as u64) as usize],
            },
            _ => {
                let mut network = plan.calm_network.clone();
                network.loss = rng.range(0, 31) as f64 / 100.0;
                network.duplicate = rng.range(0, 21) as f64 / 100.0;
                network.latency_max = network.latency_min + rng.range(0, 60) * MS;
                Action::SetNetwork { network }
            }
        };
        // A timeout aimed at a crashed node is not valid; skip it.
        if !matches!(&action, Action::Timeout { node } if crashed.contains(node)) {
            actions.push(TimedAction { time: t, action });
        }
        t += rng.range(plan.mean_gap / 2, plan.mean_gap * 3 / 2 + 1);
    }
    // The heal phase: every link back, every node up, a quiet network.
    actions.push(TimedAction {
        time: plan.heal_at,
        action: Action::Heal,
    });
    for node in crashed {
        actions.push(TimedAction {
            time: plan.heal_at,
            action: Action::Restart { node },
        });
    }
    actions.push(TimedAction {
        time: plan.heal_at,
        action: Action::SetNetwork {
            network: plan.calm_network.clone(),
        },
    });
    if !plan.production.is_off() {
        // Stable: at equal times the random faults come first, as drawn.
        actions.extend(
            plan.production
                .draw_schedule(seed, plan.nodes, plan.heal_at),
        );
        actions.sort_by_key(|a| a.time);
    }
    actions
}

/// Two or three random groups (some possibly empty).
fn random_groups(rng: &mut Rng, ids: &[NodeId]) -> Vec<Vec<NodeId>> {
    let count = rng.range(2, 4) as usize;
    let mut groups = vec![Vec::new(); count];
    for &id in ids {
        groups[rng.range(0, count as u64) as usize].push(id);
    }
    groups
}
