//! Simulated clients: one request at a time, retried until it is acknowledged.
//!
//! A request is identified by `(client, seq)` across retries, so the state machine
//! applies it once however many times it is resent. A write is *acknowledged*
//! only when a success reply reaches the client.
//!
//! A client is a sans-IO state machine, like a Raft `Node`: the world feeds it
//! inputs ([`Client::wake`], [`Client::timeout`], [`Client::resend`],
//! [`Client::reply`], [`Client::enqueue`]) and carries out, in order, the
//! [`Effect`]s it then takes from [`Client::take_effects`]: send a request,
//! schedule a timer, emit an event. The client draws from its own random stream
//! only, so its draws never shift anyone else's.

use crate::kv::{ClientId, Op, OpResult};
use crate::raft::{LogIndex, NodeId, Time};
use crate::rng::Rng;
use crate::sim::config::SimConfig;
use crate::sim::effect::{Effect, Envelope};
use crate::sim::event::{Address, ClientOutcome, EventKind, Payload};
use crate::sim::queue::Due;
use std::collections::VecDeque;

/// Client 0 sends only what a person or a scenario asks.
pub const PERSON: ClientId = 0;

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

/// What a client knows of the world's config (none of it changes during a run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientRules {
    /// Nodes are 1..=nodes.
    pub nodes: usize,
    /// Automatic clients use keys `k0 .. k{key_space-1}`.
    pub key_space: u64,
    /// Mean pause of an automatic client between an answer and its next request.
    pub think_time: Time,
    /// How long one attempt waits for an answer before trying the next node.
    pub request_timeout: Time,
    /// How long to wait before retrying when no node is known to lead.
    pub backoff: Time,
}

impl ClientRules {
    pub fn of(config: &SimConfig) -> Self {
        ClientRules {
            nodes: config.nodes,
            key_space: config.clients.key_space,
            think_time: config.clients.think_time,
            request_timeout: config.clients.request_timeout,
            backoff: config.raft.heartbeat_interval,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Client {
    pub id: ClientId,
    /// Automatic clients invent their own requests; client 0 only sends what it is given.
    pub automatic: bool,
    rng: Rng,
    rules: ClientRules,
    /// Sequence number of the last request invoked (first is 1).
    last_seq: u64,
    /// Requests waiting their turn (client 0): the op and an optional target node.
    pub queue: VecDeque<(Op, Option<NodeId>)>,
    /// Invariant: at most one request in progress.
    pub outstanding: Option<Outstanding>,
    /// Where the client last found the leader.
    leader_guess: Option<NodeId>,
    pub completed: u64,
    /// What the world must do next, in order; drained by [`Client::take_effects`].
    effects: Vec<Effect>,
}

impl Client {
    /// Client `id` of a world with `config`: automatic unless it is the [`PERSON`].
    pub fn of(id: ClientId, config: &SimConfig) -> Self {
        Client {
            id,
            automatic: id != PERSON,
            rng: Rng::derive(config.seed, "client", id),
            rules: ClientRules::of(config),
            last_seq: 0,
            queue: VecDeque::new(),
            outstanding: None,
            leader_guess: None,
            completed: 0,
            effects: Vec::new(),
        }
    }

    /// A client like the [`PERSON`]: it sends only what it is given (scripts).
    pub fn manual(id: ClientId, config: &SimConfig) -> Self {
        Client {
            automatic: false,
            ..Client::of(id, config)
        }
    }

    /// What the world must do, in order, since the last call.
    #[must_use = "carry out every effect, in order"]
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }
    pub fn leader_guess(&self) -> Option<NodeId> {
        self.leader_guess
    }

    // ----- Inputs ----------------------------------------------------------------

    /// The run starts at `now`: an automatic client picks when it first wakes.
    pub fn start(&mut self, now: Time) {
        if self.automatic {
            let first = self.rng.range(0, self.rules.think_time + 1);
            self.schedule(now + first, Due::ClientWake { client: self.id });
        }
    }

    /// The person asks for `op`, sent to `to` or to the node the client believes
    /// leads; it waits its turn behind requests still queued.
    pub fn enqueue(&mut self, now: Time, op: Op, to: Option<NodeId>) {
        self.queue.push_back((op, to));
        self.next_request(now);
    }

    /// An automatic client's pause is over: it starts its next request.
    pub fn wake(&mut self, now: Time) {
        self.next_request(now);
    }

    /// No answer to attempt `(seq, attempt)` in time: the node may be crashed, cut
    /// off or no leader, so try the next one. Ignored for an earlier attempt.
    pub fn timeout(&mut self, now: Time, seq: u64, attempt: u32) {
        if let Some(target) = self.attempt_in_progress(seq, attempt) {
            let next = next_node(target, self.rules.nodes);
            self.retry(now, next);
        }
    }

    /// The back-off before resending attempt `(seq, attempt)` is over.
    pub fn resend(&mut self, now: Time, seq: u64, attempt: u32) {
        if let Some(target) = self.attempt_in_progress(seq, attempt) {
            self.retry(now, target);
        }
    }

    /// Node `from` answers request `seq`.
    pub fn reply(&mut self, now: Time, from: NodeId, seq: u64, outcome: ClientOutcome) {
        let Some(out) = &self.outstanding else {
            return;
        };
        if out.seq != seq {
            return; // an answer to an earlier attempt of an earlier request
        }
        let target = out.target;
        match outcome {
            ClientOutcome::Ok { index, result } => self.acknowledged(now, from, index, result),
            ClientOutcome::NotLeader { .. } if target != from => {
                // A late answer from a node we already left.
            }
            ClientOutcome::NotLeader {
                leader_hint: Some(hint),
            } if hint != from => {
                self.leader_guess = Some(hint);
                self.retry(now, hint);
            }
            ClientOutcome::NotLeader { .. } => {
                // Nobody known to lead yet (an election is on): back off, then try
                // the next node.
                self.leader_guess = None;
                let out = self.outstanding.as_mut().expect("checked above");
                out.target = next_node(from, self.rules.nodes);
                out.attempt += 1;
                let due = Due::ClientResend {
                    client: self.id,
                    seq: out.seq,
                    attempt: out.attempt,
                };
                self.schedule(now + self.rules.backoff, due);
            }
        }
    }

    /// The run ends: a request still unanswered is reported as failed.
    pub fn give_up(&mut self) {
        if let Some(out) = self.outstanding.take() {
            self.emit(EventKind::ClientFail {
                client: self.id,
                seq: out.seq,
                reason: "run ended before an answer".into(),
            });
        }
    }

    // ----- The protocol -------------------------------------------------------------

    /// If the client is idle, starts its next request (queued, or invented).
    fn next_request(&mut self, now: Time) {
        if self.outstanding.is_some() {
            return;
        }
        let (op, to) = if let Some(next) = self.queue.pop_front() {
            next
        } else if self.automatic {
            (self.invent_op(), None)
        } else {
            return;
        };
        let nodes = self.rules.nodes as u64;
        let target = to
            .or(self.leader_guess)
            .unwrap_or_else(|| self.rng.range(1, nodes + 1));
        self.last_seq += 1;
        let seq = self.last_seq;
        self.outstanding = Some(Outstanding {
            seq,
            op: op.clone(),
            target,
            attempt: 0,
            invoked_at: now,
        });
        self.emit(EventKind::ClientInvoke {
            client: self.id,
            seq,
            op,
            to: target,
        });
        self.send_attempt(now);
    }

    /// Sends the attempt in progress and sets its timeout.
    fn send_attempt(&mut self, now: Time) {
        let Some(out) = &self.outstanding else {
            return;
        };
        let (seq, attempt, target) = (out.seq, out.attempt, out.target);
        let payload = Payload::ClientRequest {
            client: self.id,
            seq,
            op: out.op.clone(),
        };
        self.effects.push(Effect::Send(Envelope {
            from: Address::Client(self.id),
            to: Address::Node(target),
            payload,
        }));
        let due = Due::ClientTimeout {
            client: self.id,
            seq,
            attempt,
        };
        self.schedule(now + self.rules.request_timeout, due);
    }

    /// A new attempt of the request in progress, at `target`.
    fn retry(&mut self, now: Time, target: NodeId) {
        let Some(out) = self.outstanding.as_mut() else {
            return;
        };
        out.target = target;
        out.attempt += 1;
        let seq = out.seq;
        self.emit(EventKind::ClientRetry {
            client: self.id,
            seq,
            to: target,
        });
        self.send_attempt(now);
    }

    /// A success reply from `from`: the request is done; pause, or take the next.
    fn acknowledged(&mut self, now: Time, from: NodeId, index: LogIndex, result: OpResult) {
        let Some(out) = self.outstanding.take() else {
            return;
        };
        self.leader_guess = Some(from);
        self.completed += 1;
        let think = self.rules.think_time;
        let pause = if self.automatic {
            self.rng.range(think / 2, think + think / 2 + 1)
        } else {
            0
        };
        self.emit(EventKind::ClientOk {
            client: self.id,
            seq: out.seq,
            index,
            result,
        });
        if self.automatic {
            self.schedule(now + pause, Due::ClientWake { client: self.id });
        } else {
            self.next_request(now);
        }
    }

    /// The target of attempt `(seq, attempt)` if that attempt is still the one in
    /// progress; `None` for a timer left over from an earlier attempt.
    fn attempt_in_progress(&self, seq: u64, attempt: u32) -> Option<NodeId> {
        let out = self.outstanding.as_ref()?;
        (out.seq == seq && out.attempt == attempt).then_some(out.target)
    }

    /// An automatic client's next operation: mostly writes, some reads and deletes.
    fn invent_op(&mut self) -> Op {
        let key = format!("k{}", self.rng.range(0, self.rules.key_space));
        match self.rng.range(0, 10) {
            0..=5 => Op::Put {
                key,
                value: format!("c{}.{}", self.id, self.last_seq + 1),
            },
            6..=7 => Op::Get { key },
            _ => Op::Delete { key },
        }
    }

    fn emit(&mut self, kind: EventKind) {
        self.effects.push(Effect::Emit(kind));
    }

    fn schedule(&mut self, at: Time, due: Due) {
        self.effects.push(Effect::Schedule { at, due });
    }
}

/// The node after `node` in 1..=nodes, wrapping: where to try when there is no hint.
pub fn next_node(node: NodeId, nodes: usize) -> NodeId {
    node % nodes as NodeId + 1
}
