//! What a person, a scenario or a fault schedule can do to a running world.

use crate::kv::Op;
use crate::raft::{NodeId, Time};
use crate::sim::config::NetworkConfig;
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
    /// Turn a broken-rule toggle on or off, by name (see `raft::Bug::name`).
    SetBug {
        bug: String,
        on: bool,
    },
}

/// An action and when it happens (virtual µs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    pub time: Time,
    #[serde(flatten)]
    pub action: Action,
}
