//! What a person, a scenario or a fault schedule can do to a running world.

use crate::kv::Op;
use crate::raft::{Bug, NodeId, ReadMode, Time};
use crate::sim::config::{MAX_NODES, NetworkConfig};
use crate::sim::event::MessageId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Split the nodes into groups that cannot reach each other; nodes in no group
    /// are isolated alone. Replaces earlier partitions and cuts.
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    /// Cut the directed link `from -> to` (one way); cut both ways with two actions.
    Cut {
        from: NodeId,
        to: NodeId,
    },
    /// Restore every link.
    Heal,
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    /// Make the node's election timeout fire now.
    Timeout {
        node: NodeId,
    },
    /// Client 0 (the person) sends `op` to `to`, or to the node it believes leads.
    Client {
        op: Op,
        to: Option<NodeId>,
    },
    /// Drop the message with this id if it is still in flight.
    DropMessage {
        id: MessageId,
    },
    SetNetwork {
        network: NetworkConfig,
    },
    /// Turn a broken-rule toggle on or off (named by `raft::Bug::name` in JSON).
    SetBug {
        bug: Bug,
        on: bool,
    },
    /// Turn a production feature (PreVote, CheckQuorum) on or off in every node.
    SetFeature {
        feature: Feature,
        on: bool,
    },
    /// The current leader hands its leadership to `to` (§3.10).
    Transfer {
        to: NodeId,
    },
    /// Pause the node (a GC stop-the-world): it handles nothing, its timers do
    /// not fire, and messages to it wait until it resumes.
    Pause {
        node: NodeId,
    },
    /// The paused node runs again: it handles the waiting messages in arrival
    /// order, then whatever timer ran out meanwhile.
    Resume {
        node: NodeId,
    },
    /// Clock drift: the node's timers run at `permille` thousandths of real
    /// time (1000 = exact, 2000 = twice as fast).
    SetClockRate {
        node: NodeId,
        permille: u64,
    },
    /// Membership change (§4.1–4.2): the leader adds `node` to the
    /// configuration (after catching it up as a non-voter).
    AddServer {
        node: NodeId,
    },
    /// Membership change: the leader removes `node` from the configuration
    /// (itself included: it steps down once the change commits).
    RemoveServer {
        node: NodeId,
    },
    /// How leaders answer reads from now on (§6.4): `log`, `read-index`,
    /// `lease` (named by `raft::ReadMode::name` in JSON).
    SetReadMode {
        mode: ReadMode,
    },
    /// Log compaction: nodes snapshot every `every` applied entries (0 = off).
    SetSnapshotThreshold {
        every: u64,
    },
}

/// The production features that are switches (each off by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    PreVote,
    CheckQuorum,
}

impl Feature {
    pub const ALL: [Feature; 2] = [Feature::PreVote, Feature::CheckQuorum];

    /// The name links, the CLI and the console use: `pre-vote`, `check-quorum`.
    pub fn name(self) -> &'static str {
        match self {
            Feature::PreVote => "pre-vote",
            Feature::CheckQuorum => "check-quorum",
        }
    }

    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether it is on in `raft`.
    pub fn is_on(self, raft: &crate::raft::Config) -> bool {
        match self {
            Feature::PreVote => raft.pre_vote,
            Feature::CheckQuorum => raft.check_quorum,
        }
    }

    pub fn set(self, raft: &mut crate::raft::Config, on: bool) {
        match self {
            Feature::PreVote => raft.pre_vote = on,
            Feature::CheckQuorum => raft.check_quorum = on,
        }
    }
}

/// The slowest and fastest clock rates a node may have, in thousandths.
pub const CLOCK_RATE_RANGE: std::ops::RangeInclusive<u64> = 250..=4000;

/// An action and when it happens (virtual µs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    pub time: Time,
    #[serde(flatten)]
    pub action: Action,
}

impl Action {
    /// Checks the action on its own, for a cluster of `nodes`: node ids, names,
    /// sizes. Whether it fits the world at its time (say, restarting a running
    /// node) is [`crate::sim::World::validate_action`]'s business.
    pub fn validate(&self, nodes: usize) -> Result<(), String> {
        let n = nodes as NodeId;
        let node = |id: NodeId| {
            if id == 0 || id > n {
                Err(format!("no node {id}: nodes are 1..={n}"))
            } else {
                Ok(())
            }
        };
        match self {
            Action::Partition { groups } => {
                if groups.len() > MAX_NODES {
                    return Err(format!("at most {MAX_NODES} partition groups"));
                }
                let mut seen = Vec::new();
                for g in groups {
                    for &id in g {
                        node(id)?;
                        if seen.contains(&id) {
                            return Err(format!("node {id} is in two partition groups"));
                        }
                        seen.push(id);
                    }
                }
                Ok(())
            }
            Action::Cut { from, to } => {
                node(*from)?;
                node(*to)?;
                if from == to {
                    return Err(format!("cannot cut node {from} from itself"));
                }
                Ok(())
            }
            Action::Heal
            | Action::DropMessage { .. }
            | Action::SetBug { .. }
            | Action::SetFeature { .. }
            | Action::SetReadMode { .. }
            | Action::SetSnapshotThreshold { .. } => Ok(()),
            Action::Crash { node: id }
            | Action::Restart { node: id }
            | Action::Timeout { node: id }
            | Action::Transfer { to: id }
            | Action::Pause { node: id }
            | Action::Resume { node: id }
            | Action::AddServer { node: id }
            | Action::RemoveServer { node: id } => node(*id),
            Action::SetClockRate { node: id, permille } => {
                node(*id)?;
                if !CLOCK_RATE_RANGE.contains(permille) {
                    return Err(format!(
                        "a clock rate must be between {}‰ and {}‰ of real time (got {permille}‰)",
                        CLOCK_RATE_RANGE.start(),
                        CLOCK_RATE_RANGE.end()
                    ));
                }
                Ok(())
            }
            Action::Client { op, to } => {
                if let Some(t) = to {
                    node(*t)?;
                }
                let (Op::Put { key, .. } | Op::Delete { key } | Op::Get { key }) = op;
                if key.is_empty() || key.len() > 64 {
                    return Err("a key must be 1 to 64 characters".into());
                }
                if let Op::Put { value, .. } = op
                    && value.len() > 256
                {
                    return Err("a value must be at most 256 characters".into());
                }
                Ok(())
            }
            Action::SetNetwork { network } => network.validate(),
        }
    }
}
