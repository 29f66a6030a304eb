//! Everything that defines a simulated cluster before the first event.

use crate::raft::{Bugs, Config as RaftConfig, NodeId, PersistentState, Time};
use serde::{Deserialize, Serialize};

/// Virtual time is in microseconds; these make configs readable.
pub const MS: Time = 1_000;
pub const SECOND: Time = 1_000_000;

/// The most nodes a cluster may have (the page draws up to nine).
pub const MAX_NODES: usize = 9;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// One-way latency is uniform in `[latency_min, latency_max]` (µs); jitter reorders messages.
    pub latency_min: Time,
    pub latency_max: Time,
    /// Probability that a message is lost (0.0 ..= 1.0).
    pub loss: f64,
    /// Probability that a message is delivered twice (0.0 ..= 1.0).
    pub duplicate: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_min: 5 * MS,
            latency_max: 15 * MS,
            loss: 0.0,
            duplicate: 0.0,
        }
    }
}

impl NetworkConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.latency_max < self.latency_min {
            return Err(format!(
                "latency max ({} µs) is below latency min ({} µs)",
                self.latency_max, self.latency_min
            ));
        }
        if self.latency_max > 10 * SECOND {
            return Err("latency above 10 s is not supported".into());
        }
        for (name, p) in [("loss", self.loss), ("duplication", self.duplicate)] {
            if !(0.0..=1.0).contains(&p) || p.is_nan() {
                return Err(format!("{name} ratio must be between 0 and 1 (got {p})"));
            }
        }
        Ok(())
    }
}

/// Simulated clients that write and read on their own (for sweeps and busy demos).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// How many automatic clients (ids 1..=count). Client 0 is always there: it
    /// sends only what a person (or a scenario) asks.
    pub count: u64,
    /// Mean pause between one request's completion and the client's next (µs).
    pub think_time: Time,
    /// After this long without an answer a client retries at another node (µs).
    pub request_timeout: Time,
    /// Automatic clients use keys `k0 .. k{key_space-1}`.
    pub key_space: u64,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            count: 0,
            think_time: 100 * MS,
            request_timeout: 500 * MS,
            key_space: 5,
        }
    }
}

/// How much of the event stream to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceMode {
    /// No serialisation at all (fast sweeps); the checker still sees every event.
    Off,
    /// Serialise every event into the running trace hash.
    Hash,
    /// Hash, and keep the JSON Lines text.
    Full,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// Nodes 1..=nodes.
    pub nodes: usize,
    /// The one seed every random choice derives from.
    pub seed: u64,
    pub raft: RaftConfig,
    pub network: NetworkConfig,
    pub clients: ClientConfig,
    pub bugs: Bugs,
    /// Optional persisted state per node (index 0 = node 1), e.g. Figure 7's logs.
    /// Empty = every node starts blank.
    pub initial_state: Vec<PersistentState>,
    /// Membership changes: the voters before any configuration entry, in id
    /// order. Empty means every node (the default, and the only case before
    /// membership changes existed: absent from JSON then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial_members: Vec<NodeId>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            nodes: 5,
            seed: 1,
            raft: RaftConfig::default(),
            network: NetworkConfig::default(),
            clients: ClientConfig::default(),
            bugs: Bugs::none(),
            initial_state: Vec::new(),
            initial_members: Vec::new(),
        }
    }
}

impl SimConfig {
    pub fn node_ids(&self) -> Vec<NodeId> {
        (1..=self.nodes as NodeId).collect()
    }

    /// The initial configuration: `initial_members`, or every node.
    pub fn initial_members(&self) -> Vec<NodeId> {
        if self.initial_members.is_empty() {
            self.node_ids()
        } else {
            self.initial_members.clone()
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return Err(format!(
                "a cluster has 1 to {MAX_NODES} nodes (got {})",
                self.nodes
            ));
        }
        self.raft.validate()?;
        self.network.validate()?;
        if let Some(&m) = self
            .initial_members
            .iter()
            .find(|&&m| m == 0 || m > self.nodes as NodeId)
        {
            return Err(format!(
                "initial member {m} is not a node of the cluster (1 to {})",
                self.nodes
            ));
        }
        if self.clients.count > 100 {
            return Err(format!(
                "at most 100 automatic clients (got {})",
                self.clients.count
            ));
        }
        if self.clients.request_timeout == 0 || self.clients.key_space == 0 {
            return Err("client request timeout and key space must be positive".into());
        }
        if !self.initial_state.is_empty() {
            if self.initial_state.len() != self.nodes {
                return Err(format!(
                    "initial state lists {} nodes but the cluster has {}",
                    self.initial_state.len(),
                    self.nodes
                ));
            }
            for (i, state) in self.initial_state.iter().enumerate() {
                validate_persistent(i as NodeId + 1, self.nodes, state)?;
            }
        }
        Ok(())
    }
}

fn validate_persistent(id: NodeId, nodes: usize, state: &PersistentState) -> Result<(), String> {
    if let Some(v) = state.voted_for
        && (v == 0 || v > nodes as NodeId)
    {
        return Err(format!(
            "node {id} voted for node {v}, which is not in the cluster"
        ));
    }
    let mut previous = 0;
    for (i, entry) in state.log.entries().iter().enumerate() {
        if entry.term == 0 {
            return Err(format!(
                "node {id}: log entry {} has term 0 (terms start at 1)",
                i + 1
            ));
        }
        if entry.term < previous {
            return Err(format!(
                "node {id}: log terms must not decrease (entry {} has term {})",
                i + 1,
                entry.term
            ));
        }
        if entry.term > state.current_term {
            return Err(format!(
                "node {id}: log entry {} has term {} above the node's current term {}",
                i + 1,
                entry.term,
                state.current_term
            ));
        }
        previous = entry.term;
    }
    if state.log.entries().len() > 10_000 {
        return Err(format!(
            "node {id}: initial log too long (at most 10000 entries)"
        ));
    }
    Ok(())
}
