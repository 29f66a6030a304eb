//! Membership changes for the sweeps and the swarm (`Production::membership`):
//! a seed's initial configuration, and the servers the leader is asked to add
//! or remove before the heal.
//!
//! Both come from the seed's own stream (`"swarm-membership"`), never from
//! the other production draws: turning membership on moves nothing else.
//!
//! The draw plans the configuration it asks for and never plans fewer members
//! than a majority of the nodes, so after the heal (every node up) a majority
//! of the cluster can usually end as members. The leader may still refuse a
//! change (one at a time, none before its term commits, a catch-up given up):
//! then the configuration in force is whatever the accepted changes made it.

use crate::raft::{NodeId, Time};
use crate::rng::Rng;
use crate::sim::action::Action;
use crate::sim::config::MS;

const STREAM: &str = "swarm-membership";

/// The initial configuration of `seed`: empty (every node) for half the
/// seeds; else from a majority of the nodes to all but one, chosen at random.
pub fn initial_members(seed: u64, nodes: usize) -> Vec<NodeId> {
    let mut rng = Rng::derive(seed, STREAM, 0);
    let majority = nodes / 2 + 1;
    if majority >= nodes || rng.chance(0.5) {
        return Vec::new();
    }
    let size = rng.range(majority as u64, nodes as u64) as usize;
    let mut ids: Vec<NodeId> = (1..=nodes as NodeId).collect();
    // A partial Fisher–Yates shuffle: the first `size` ids are the members.
    for i in 0..size {
        let j = rng.range(i as u64, nodes as u64) as usize;
        ids.swap(i, j);
    }
    ids.truncate(size);
    ids.sort_unstable();
    ids
}

/// The add/remove requests of `seed` in `[0, heal_at)`, in time order, for a
/// cluster of `nodes` starting with `initial` (empty: every node). A picked
/// node outside the planned configuration is added; one inside is removed
/// while the plan keeps more than a majority of the nodes (the leader itself
/// may be picked: it steps down once its removal commits).
pub fn changes(seed: u64, nodes: usize, initial: &[NodeId], heal_at: Time) -> Vec<(Time, Action)> {
    let mut rng = Rng::derive(seed, STREAM, 1);
    let mut planned: Vec<NodeId> = if initial.is_empty() {
        (1..=nodes as NodeId).collect()
    } else {
        initial.to_vec()
    };
    let floor = nodes / 2 + 1;
    let mean_gap = rng.range(200, 2001) * MS;
    let mut t = rng.range(0, mean_gap + 1);
    let mut out = Vec::new();
    while t < heal_at {
        let node = rng.range(1, nodes as u64 + 1) as NodeId;
        if !planned.contains(&node) {
            planned.push(node);
            out.push((t, Action::AddServer { node }));
        } else if planned.len() > floor {
            planned.retain(|&m| m != node);
            out.push((t, Action::RemoveServer { node }));
        }
        t += rng.range(mean_gap / 2, mean_gap * 3 / 2 + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::SECOND;

    #[test]
    fn the_initial_configuration_is_a_majority_and_some_seeds_start_smaller() {
        let mut smaller = 0;
        for seed in 0..200 {
            let members = initial_members(seed, 5);
            if !members.is_empty() {
                smaller += 1;
                assert!((3..=4).contains(&members.len()), "{members:?}");
                assert!(members.windows(2).all(|w| w[0] < w[1]));
                assert!(members.iter().all(|&m| (1..=5).contains(&m)));
            }
        }
        assert!((50..150).contains(&smaller), "{smaller} of 200");
        assert!(initial_members(7, 2).is_empty() && initial_members(7, 1).is_empty());
    }

    #[test]
    fn changes_keep_the_planned_configuration_a_majority() {
        for seed in 0..100 {
            let initial = initial_members(seed, 5);
            let mut planned: Vec<NodeId> = if initial.is_empty() {
                (1..=5).collect()
            } else {
                initial.clone()
            };
            let drawn = changes(seed, 5, &initial, 6 * SECOND);
            assert!(drawn.windows(2).all(|w| w[0].0 <= w[1].0));
            assert!(drawn.iter().all(|(t, _)| *t < 6 * SECOND));
            for (_, action) in drawn {
                match action {
                    Action::AddServer { node } => planned.push(node),
                    Action::RemoveServer { node } => planned.retain(|&m| m != node),
                    other => panic!("not a membership change: {other:?}"),
                }
                assert!(planned.len() >= 3, "seed {seed}: {planned:?}");
            }
        }
    }
}
