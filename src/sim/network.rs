//! The simulated network: which links are up, and the seeded fault decisions.
//!
//! In the spirit of TigerBeetle's packet simulator, every fault decision is one
//! named predicate drawing from the network's own random stream.

use crate::raft::{NodeId, Time};
use crate::rng::Rng;
use crate::sim::config::NetworkConfig;
use std::collections::BTreeSet;

pub struct Network {
    pub config: NetworkConfig,
    rng: Rng,
    /// Directed links that drop everything: `(from, to)`.
    /// Invariant: never contains `(n, n)`.
    cut: BTreeSet<(NodeId, NodeId)>,
    /// The groups of the last `partition` (for drawing), empty when none.
    groups: Vec<Vec<NodeId>>,
}

impl Network {
    pub fn new(config: NetworkConfig, rng: Rng) -> Self {
        Network {
            config,
            rng,
            cut: BTreeSet::new(),
            groups: Vec::new(),
        }
    }

    /// Cuts every link between different groups; nodes in no group are isolated alone.
    /// Replaces previous partitions and cuts.
    pub fn partition(&mut self, nodes: &[NodeId], groups: &[Vec<NodeId>]) {
        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
        self.cut.clear();
        for &a in nodes {
            for &b in nodes {
                let separated = match (group_of(a), group_of(b)) {
                    (Some(x), Some(y)) => x != y,
                    _ => true,
                };
                if a != b && separated {
                    self.cut.insert((a, b));
                }
            }
        }
        let mut full: Vec<Vec<NodeId>> = groups.iter().filter(|g| !g.is_empty()).cloned().collect();
        for &n in nodes {
            if group_of(n).is_none() {
                full.push(vec![n]);
            }
        }
        self.groups = full;
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        if from != to {
            self.cut.insert((from, to));
        }
    }

    pub fn heal(&mut self) {
        self.cut.clear();
        self.groups.clear();
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.contains(&(from, to))
    }

    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().copied()
    }

    pub fn groups(&self) -> &[Vec<NodeId>] {
        &self.groups
    }

    // ----- Fault decisions: one predicate each --------------------------------

    /// How long the next message takes.
    pub fn pick_latency(&mut self) -> Time {
        self.rng
            .range(self.config.latency_min, self.config.latency_max + 1)
    }

    /// Whether the next message is lost.
    pub fn should_lose(&mut self) -> bool {
        self.rng.chance(self.config.loss)
    }

    /// Whether the next message is delivered twice.
    pub fn should_duplicate(&mut self) -> bool {
        self.rng.chance(self.config.duplicate)
    }
}
