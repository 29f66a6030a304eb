//! Simulated clients: one request at a time, retried until it is acknowledged.
//!
//! A request is identified by `(client, seq)` across retries, so the state machine
//! applies it once however many times it is resent. A write is *acknowledged*
//! only when a success reply reaches the client.

use crate::kv::{ClientId, Op};
use crate::raft::{NodeId, Time};
use crate::rng::Rng;
use std::collections::VecDeque;

/// The request a client is waiting on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outstanding {
    pub seq: u64,
    pub op: Op,
    /// The node the latest attempt went to.
    pub target: NodeId,
    /// Counts attempts; a timeout for an older attempt is ignored.
    pub attempt: u32,
    pub invoked_at: Time,
}

pub struct Client {
    pub id: ClientId,
    /// Automatic clients invent their own requests; client 0 only sends what it is given.
    pub automatic: bool,
    pub rng: Rng,
    /// Sequence number of the last request invoked (first is 1).
    pub last_seq: u64,
    /// Requests waiting their turn (client 0): the op and an optional target node.
    pub queue: VecDeque<(Op, Option<NodeId>)>,
    pub outstanding: Option<Outstanding>,
    /// Where the client last found the leader.
    pub leader_guess: Option<NodeId>,
    pub completed: u64,
}

impl Client {
    pub fn new(id: ClientId, automatic: bool, rng: Rng) -> Self {
        Client {
            id,
            automatic,
            rng,
            last_seq: 0,
            queue: VecDeque::new(),
            outstanding: None,
            leader_guess: None,
            completed: 0,
        }
    }

    /// An automatic client's next operation: mostly writes, some reads and deletes.
    pub fn invent_op(&mut self, key_space: u64) -> Op {
        let key = format!("k{}", self.rng.range(0, key_space));
        match self.rng.range(0, 10) {
            0..=5 => Op::Put {
                key,
                value: format!("c{}.{}", self.id, self.last_seq + 1),
            },
            6..=7 => Op::Get { key },
            _ => Op::Delete { key },
        }
    }

    /// The node after `node` in 1..=nodes, wrapping: where to try when there is no hint.
    pub fn next_node(node: NodeId, nodes: usize) -> NodeId {
        node % nodes as NodeId + 1
    }
}
