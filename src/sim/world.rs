//! The world: nodes, their disks, the network and the clients, advanced one event
//! at a time in virtual time. Nothing here reads a clock or an unseeded RNG, so a
//! config and a list of actions always produce the same run.

use crate::check::liveness::LivenessWatch;
use crate::check::{Checker, Violation};
use crate::kv::{ClientId, Command, KvStore};
use crate::raft::{Bug, EntryData, Message, Node, NodeId, PersistentState, ProposeError, Time};
use crate::rng::Rng;
use crate::sim::action::{Action, TimedAction};
use crate::sim::client::{Client, Outstanding};
use crate::sim::config::{NetworkConfig, SimConfig, TraceMode};
use crate::sim::event::{Address, ClientOutcome, DropReason, Event, EventKind, MessageId, Payload};
pub use crate::sim::inflight::InFlight;
use crate::sim::inflight::InFlightSet;
use crate::sim::network::Network;
use crate::sim::queue::{Due, EventQueue};
use crate::sim::trace::Trace;
use std::collections::BTreeMap;

/// Client 0 sends only what a person or a scenario asks.
pub const PERSON: ClientId = 0;

/// One server: a Raft node (absent while crashed), its disk and state machine.
pub struct Server {
    pub id: NodeId,
    /// `None` while crashed.
    pub node: Option<Node>,
    /// Stable storage: survives crashes. Updated from `Ready::persist` before any send.
    pub disk: PersistentState,
    /// The state machine: volatile, rebuilt by re-applying the log after a restart.
    pub kv: KvStore,
    /// Client requests this node proposed and will answer once applied: client -> seq.
    pending: BTreeMap<ClientId, u64>,
    timer_generation: u64,
    timer_at: Option<Time>,
    pub restarts: u64,
}

pub struct World {
    config: SimConfig,
    /// The config the world was built with (`config` follows later settings).
    initial_config: SimConfig,
    now: Time,
    queue: EventQueue,
    servers: Vec<Server>,
    network: Network,
    clients: Vec<Client>,
    next_message_id: MessageId,
    in_flight: InFlightSet,
    checker: Checker,
    /// Sweeps only: judges progress after the final heal.
    liveness: Option<LivenessWatch>,
    trace: Trace,
    violations: Vec<Violation>,
    /// Actions applied so far, with their times (what a scenario link records).
    applied_actions: Vec<TimedAction>,
    delivered: u64,
}

impl World {
    /// Builds the world at time 0. `trace` chooses how much of the event stream is
    /// serialised; `recent_events` how many of the newest events to keep for display.
    pub fn new(config: SimConfig, trace: TraceMode, recent_events: usize) -> Result<World, String> {
        config.validate()?;
        let ids = config.node_ids();
        let network = Network::new(
            config.network.clone(),
            Rng::derive(config.seed, "network", 0),
        );
        let mut world = World {
            now: 0,
            queue: EventQueue::new(),
            servers: Vec::new(),
            network,
            clients: Vec::new(),
            next_message_id: 0,
            in_flight: InFlightSet::new(),
            checker: Checker::new(&ids),
            liveness: None,
            trace: Trace::new(trace, recent_events),
            violations: Vec::new(),
            applied_actions: Vec::new(),
            delivered: 0,
            initial_config: config.clone(),
            config,
        };
        for &id in &ids {
            let disk = world
                .config
                .initial_state
                .get(id as usize - 1)
                .cloned()
                .unwrap_or_default();
            // Announce given initial state so the trace and the checker know it.
            if disk != PersistentState::default() {
                world.emit(EventKind::HardState {
                    node: id,
                    term: disk.current_term,
                    voted_for: disk.voted_for,
                });
                for (i, entry) in disk.log.entries().iter().enumerate() {
                    world.emit(EventKind::LogAppend {
                        node: id,
                        index: i as u64 + 1,
                        entry: entry.clone(),
                    });
                }
            }
            let node = Node::restart(
                id,
                ids.clone(),
                world.config.raft.clone(),
                world.config.bugs,
                Rng::derive(world.config.seed, "node", id),
                disk.clone(),
                0,
            );
            world.servers.push(Server {
                id,
                node: Some(node),
                disk,
                kv: KvStore::new(),
                pending: BTreeMap::new(),
                timer_generation: 0,
                timer_at: None,
                restarts: 0,
            });
            world.after_input(id);
        }
        world.clients.push(Client::new(
            PERSON,
            false,
            Rng::derive(world.config.seed, "client", PERSON),
        ));
        for c in 1..=world.config.clients.count {
            world.clients.push(Client::new(
                c,
                true,
                Rng::derive(world.config.seed, "client", c),
            ));
            let first = world.clients[c as usize]
                .rng
                .range(0, world.config.clients.think_time + 1);
            world.schedule(first, Due::ClientWake { client: c });
        }
        Ok(world)
    }

    // ----- Running -------------------------------------------------------------

    /// Processes the next due event; returns its time, or `None` when nothing is due.
    pub fn step(&mut self) -> Option<Time> {
        let (time, due) = self.queue.pop()?;
        self.now = time;
        self.handle(due);
        Some(self.now)
    }

    /// Processes every event due at or before `until`, then sets the clock to `until`.
    pub fn run_until(&mut self, until: Time) {
        while self.queue.peek_time().is_some_and(|t| t <= until) {
            self.step();
        }
        self.now = self.now.max(until);
    }

    /// Schedules `action` at `time` (not before now).
    pub fn schedule_action(&mut self, time: Time, action: Action) {
        let at = time.max(self.now);
        self.schedule(at, Due::Action(Box::new(action)));
    }

    /// Applies an action now, after validating it; a bad action changes nothing.
    ///
    /// The action takes effect after every event due at or before now (the
    /// world's own events still due at exactly now are processed first, as after
    /// [`World::run_until`]). Scheduled actions due now keep their place after it.
    pub fn apply(&mut self, action: Action) -> Result<(), String> {
        self.settle_now();
        self.validate_action(&action)?;
        self.applied_actions.push(TimedAction {
            time: self.now,
            action: action.clone(),
        });
        match action {
            Action::Partition { groups } => {
                let ids = self.config.node_ids();
                self.network.partition(&ids, &groups);
                self.emit(EventKind::Partition {
                    groups: self.network.groups().to_vec(),
                });
            }
            Action::Cut { from, to } => {
                self.network.cut(from, to);
                self.emit(EventKind::Cut { from, to });
            }
            Action::Heal => {
                self.network.heal();
                self.emit(EventKind::Heal);
            }
            Action::Crash { node } => self.crash(node),
            Action::Restart { node } => self.restart(node),
            Action::Timeout { node } => {
                self.emit(EventKind::ForceTimeout { node });
                let now = self.now;
                if let Some(n) = self.server_mut(node).node.as_mut() {
                    n.force_timeout(now);
                }
                self.after_input(node);
            }
            Action::Client { op, to } => {
                self.clients[PERSON as usize].queue.push_back((op, to));
                self.client_next(PERSON);
            }
            Action::DropMessage { id } => {
                if self.in_flight.remove(&id).is_some() {
                    self.emit(EventKind::Drop {
                        id,
                        reason: DropReason::Manual,
                    });
                }
            }
            Action::SetNetwork { network } => {
                self.emit(EventKind::Setting {
                    detail: describe_network(&network),
                });
                self.network.config = network.clone();
                self.config.network = network;
            }
            Action::SetBug { bug, on } => {
                let b = Bug::from_name(&bug).expect("validated");
                self.config.bugs.set(b, on);
                let bugs = self.config.bugs;
                for s in &mut self.servers {
                    if let Some(n) = s.node.as_mut() {
                        n.set_bugs(bugs);
                    }
                }
                self.emit(EventKind::Setting {
                    detail: format!("bug {bug} {}", if on { "on" } else { "off" }),
                });
            }
        }
        Ok(())
    }

    /// Processes the world's own events still due at exactly `now` (not actions).
    fn settle_now(&mut self) {
        while self.queue.own_event_due_by(self.now) {
            self.step();
        }
    }

    /// Checks an action against the current world without changing anything:
    /// first on its own ([`Action::validate`]), then against the state it acts on.
    pub fn validate_action(&self, action: &Action) -> Result<(), String> {
        action.validate(self.config.nodes)?;
        let running = |node: NodeId| self.servers[node as usize - 1].node.is_some();
        match action {
            Action::Crash { node } if !running(*node) => {
                Err(format!("node {node} is already crashed"))
            }
            Action::Restart { node } if running(*node) => Err(format!(
                "node {node} is running; crash it before restarting it"
            )),
            Action::Timeout { node } if !running(*node) => Err(format!("node {node} is crashed")),
            Action::Client { .. } if self.clients[PERSON as usize].queue.len() >= 1000 => {
                Err("too many queued client requests (1000)".into())
            }
            Action::DropMessage { id } if !self.in_flight.contains_key(id) => {
                Err(format!("message {id} is not in flight"))
            }
            _ => Ok(()),
        }
    }

    /// The target of the client's attempt `(seq, attempt)` if that attempt is still
    /// the one in progress; `None` for a timer left over from an earlier attempt.
    fn attempt_in_progress(&self, client: ClientId, seq: u64, attempt: u32) -> Option<NodeId> {
        let out = self.clients[client as usize].outstanding.as_ref()?;
        (out.seq == seq && out.attempt == attempt).then_some(out.target)
    }

    fn handle(&mut self, due: Due) {
        match due {
            Due::Deliver(id) => self.deliver(id),
            Due::NodeTimer { node, generation } => {
                let now = self.now;
                let server = self.server_mut(node);
                if server.timer_generation != generation {
                    return; // superseded by a later reset
                }
                server.timer_at = None;
                if let Some(n) = server.node.as_mut() {
                    n.tick(now);
                }
                self.after_input(node);
            }
            Due::ClientWake { client } => self.client_next(client),
            Due::ClientTimeout {
                client,
                seq,
                attempt,
            } => {
                // No answer in time: the node may be crashed, cut off or no leader.
                if let Some(target) = self.attempt_in_progress(client, seq, attempt) {
                    let next = Client::next_node(target, self.config.nodes);
                    self.client_resend(client, next);
                }
            }
            Due::ClientResend {
                client,
                seq,
                attempt,
            } => {
                if let Some(target) = self.attempt_in_progress(client, seq, attempt) {
                    self.client_resend(client, target);
                }
            }
            Due::Action(action) => {
                // A scheduled action that no longer fits (say, crashing a crashed node)
                // is skipped: schedules are data and must never stop a run.
                let _ = self.apply(*action);
            }
        }
    }

    // ----- Nodes ---------------------------------------------------------------

    fn crash(&mut self, node: NodeId) {
        let server = self.server_mut(node);
        server.node = None;
        server.kv = KvStore::new();
        server.pending.clear();
        server.timer_generation += 1;
        server.timer_at = None;
        self.emit(EventKind::Crash { node });
        // Whatever was on its way to the crashed node is lost.
        let doomed: Vec<MessageId> = self
            .in_flight
            .values()
            .filter(|m| m.to == Address::Node(node))
            .map(|m| m.id)
            .collect();
        for id in doomed {
            self.in_flight.remove(&id);
            self.emit(EventKind::Drop {
                id,
                reason: DropReason::Crashed,
            });
        }
    }

    fn restart(&mut self, node: NodeId) {
        let ids = self.config.node_ids();
        let (raft, bugs, seed, now) = (
            self.config.raft.clone(),
            self.config.bugs,
            self.config.seed,
            self.now,
        );
        let server = self.server_mut(node);
        server.restarts += 1;
        let rng = Rng::derive(seed, "node-restart", (node << 32) | server.restarts);
        server.node = Some(Node::restart(
            node,
            ids,
            raft,
            bugs,
            rng,
            server.disk.clone(),
            now,
        ));
        self.emit(EventKind::Restart { node });
        self.after_input(node);
    }

    /// Drains the node's Ready in the required order — persist, then send, then
    /// apply — and re-arms its timer.
    fn after_input(&mut self, id: NodeId) {
        let Some(node) = self.server_mut(id).node.as_mut() else {
            return;
        };
        let ready = node.take_ready();
        // 1. Persist before send.
        for op in ready.persist {
            self.server_mut(id).disk.apply(&op);
            self.emit(EventKind::persisted(id, op));
        }
        for ev in ready.events {
            self.emit(EventKind::from_node(id, ev));
        }
        // 2. Send.
        for msg in ready.messages {
            let to = msg.to;
            self.send(Address::Node(id), Address::Node(to), Payload::Raft(msg));
        }
        // 3. Apply, and answer the clients whose requests just took effect here.
        for (index, entry) in ready.apply {
            let kind = self.emit_back(EventKind::Apply {
                node: id,
                index,
                data: entry.data,
            });
            if let EventKind::Apply {
                data: EntryData::Command(cmd),
                ..
            } = kind
            {
                self.apply_command(id, index, cmd);
            }
        }
        self.arm_timer(id);
    }

    fn apply_command(&mut self, id: NodeId, index: u64, cmd: Command) {
        let server = self.server_mut(id);
        let result = server.kv.apply(&cmd);
        if server.pending.get(&cmd.client) == Some(&cmd.seq) {
            server.pending.remove(&cmd.client);
            let outcome = ClientOutcome::Ok { index, result };
            let payload = Payload::ClientReply {
                client: cmd.client,
                seq: cmd.seq,
                outcome,
            };
            self.send(Address::Node(id), Address::Client(cmd.client), payload);
        }
    }

    fn arm_timer(&mut self, id: NodeId) {
        let now = self.now;
        let server = self.server_mut(id);
        let Some(node) = server.node.as_ref() else {
            return;
        };
        let deadline = node.next_deadline().max(now);
        if server.timer_at == Some(deadline) {
            return;
        }
        server.timer_generation += 1;
        server.timer_at = Some(deadline);
        let generation = server.timer_generation;
        self.schedule(
            deadline,
            Due::NodeTimer {
                node: id,
                generation,
            },
        );
    }

    fn deliver_to_node(&mut self, id: NodeId, from: Address, payload: Payload) {
        let now = self.now;
        match payload {
            Payload::Raft(msg) => {
                if let Some(n) = self.server_mut(id).node.as_mut() {
                    n.step(now, msg);
                }
                self.after_input(id);
            }
            Payload::ClientRequest { client, seq, op } => {
                let Some(node) = self.server_mut(id).node.as_mut() else {
                    return;
                };
                let command = Command { client, seq, op };
                let outcome = match node.propose(now, command) {
                    Ok(_) => {
                        self.server_mut(id).pending.insert(client, seq);
                        None
                    }
                    Err(ProposeError::NotLeader { leader_hint }) => {
                        Some(ClientOutcome::NotLeader { leader_hint })
                    }
                };
                self.after_input(id);
                if let Some(outcome) = outcome {
                    self.send(
                        Address::Node(id),
                        from,
                        Payload::ClientReply {
                            client,
                            seq,
                            outcome,
                        },
                    );
                }
            }
            Payload::ClientReply { .. } => {} // nodes do not take replies
        }
    }

    // ----- Network -------------------------------------------------------------

    fn send(&mut self, from: Address, to: Address, payload: Payload) {
        self.next_message_id += 1;
        let id = self.next_message_id;
        let deliver_at = self.now + self.network.pick_latency();
        let EventKind::Send {
            message: payload, ..
        } = self.emit_back(EventKind::Send {
            id,
            from,
            to,
            deliver_at,
            message: payload,
        })
        else {
            unreachable!("emit_back returns the kind it was given")
        };
        if self.link_is_cut(from, to) {
            self.emit(EventKind::Drop {
                id,
                reason: DropReason::Partitioned,
            });
            return;
        }
        if let Address::Node(n) = to
            && self.servers[n as usize - 1].node.is_none()
        {
            self.emit(EventKind::Drop {
                id,
                reason: DropReason::Crashed,
            });
            return;
        }
        if self.network.should_lose() {
            self.emit(EventKind::Drop {
                id,
                reason: DropReason::Loss,
            });
            return;
        }
        let duplicate = self.network.should_duplicate();
        let msg = InFlight {
            id,
            from,
            to,
            sent_at: self.now,
            deliver_at,
            payload,
        };
        if duplicate {
            self.next_message_id += 1;
            let copy = self.next_message_id;
            let copy_at = self.now + self.network.pick_latency();
            self.emit(EventKind::Duplicate {
                id,
                copy,
                deliver_at: copy_at,
            });
            let dup = InFlight {
                id: copy,
                deliver_at: copy_at,
                ..msg.clone()
            };
            self.in_flight.insert(copy, dup);
            self.schedule(copy_at, Due::Deliver(copy));
        }
        self.in_flight.insert(id, msg);
        self.schedule(deliver_at, Due::Deliver(id));
    }

    fn link_is_cut(&self, from: Address, to: Address) -> bool {
        match (from, to) {
            (Address::Node(a), Address::Node(b)) => self.network.is_cut(a, b),
            _ => false, // clients sit outside the partitioned network
        }
    }

    fn deliver(&mut self, id: MessageId) {
        let Some(msg) = self.in_flight.remove(&id) else {
            return;
        }; // dropped by hand
        if self.link_is_cut(msg.from, msg.to) {
            self.emit(EventKind::Drop {
                id,
                reason: DropReason::Partitioned,
            });
            return;
        }
        if let Address::Node(n) = msg.to
            && self.servers[n as usize - 1].node.is_none()
        {
            self.emit(EventKind::Drop {
                id,
                reason: DropReason::Crashed,
            });
            return;
        }
        self.delivered += 1;
        self.emit(EventKind::Deliver { id });
        match msg.to {
            Address::Node(n) => self.deliver_to_node(n, msg.from, msg.payload),
            Address::Client(c) => self.deliver_to_client(c, msg.from, msg.payload),
        }
    }

    // ----- Clients ---------------------------------------------------------------

    /// If the client is idle, starts its next request (queued, or invented).
    fn client_next(&mut self, client: ClientId) {
        let key_space = self.config.clients.key_space;
        let nodes = self.config.nodes;
        let c = &mut self.clients[client as usize];
        if c.outstanding.is_some() {
            return;
        }
        let (op, to) = if let Some(next) = c.queue.pop_front() {
            next
        } else if c.automatic {
            (c.invent_op(key_space), None)
        } else {
            return;
        };
        let target = to
            .or(c.leader_guess)
            .unwrap_or_else(|| c.rng.range(1, nodes as u64 + 1));
        c.last_seq += 1;
        let seq = c.last_seq;
        c.outstanding = Some(Outstanding {
            seq,
            op: op.clone(),
            target,
            attempt: 0,
            invoked_at: self.now,
        });
        self.emit(EventKind::ClientInvoke {
            client,
            seq,
            op: op.clone(),
            to: target,
        });
        self.client_send(client);
    }

    fn client_send(&mut self, client: ClientId) {
        let timeout = self.config.clients.request_timeout;
        let Some(out) = self.clients[client as usize].outstanding.clone() else {
            return;
        };
        let payload = Payload::ClientRequest {
            client,
            seq: out.seq,
            op: out.op,
        };
        self.send(Address::Client(client), Address::Node(out.target), payload);
        self.schedule(
            self.now + timeout,
            Due::ClientTimeout {
                client,
                seq: out.seq,
                attempt: out.attempt,
            },
        );
    }

    fn client_resend(&mut self, client: ClientId, target: NodeId) {
        let Some(out) = self.clients[client as usize].outstanding.as_mut() else {
            return;
        };
        out.target = target;
        out.attempt += 1;
        let seq = out.seq;
        self.emit(EventKind::ClientRetry {
            client,
            seq,
            to: target,
        });
        self.client_send(client);
    }

    fn deliver_to_client(&mut self, client: ClientId, from: Address, payload: Payload) {
        let Payload::ClientReply { seq, outcome, .. } = payload else {
            return;
        };
        let Address::Node(from) = from else { return };
        let nodes = self.config.nodes;
        let think = self.config.clients.think_time;
        let c = &mut self.clients[client as usize];
        let Some(out) = c.outstanding.clone() else {
            return;
        };
        if out.seq != seq {
            return; // an answer to an earlier attempt of an earlier request
        }
        match outcome {
            ClientOutcome::Ok { index, result } => {
                c.outstanding = None;
                c.leader_guess = Some(from);
                c.completed += 1;
                let pause = if c.automatic {
                    c.rng.range(think / 2, think + think / 2 + 1)
                } else {
                    0
                };
                self.emit(EventKind::ClientOk {
                    client,
                    seq,
                    index,
                    result,
                });
                if self.clients[client as usize].automatic {
                    self.schedule(self.now + pause, Due::ClientWake { client });
                } else {
                    self.client_next(client);
                }
            }
            ClientOutcome::NotLeader { leader_hint } => {
                if out.target != from {
                    return; // a late answer from a node we already left
                }
                match leader_hint {
                    Some(hint) if hint != from => {
                        c.leader_guess = Some(hint);
                        self.client_resend(client, hint);
                    }
                    _ => {
                        // Nobody known to lead yet (an election is on): back off, then
                        // try the next node.
                        c.leader_guess = None;
                        let out = c.outstanding.as_mut().expect("checked above");
                        out.target = Client::next_node(from, nodes);
                        out.attempt += 1;
                        let (seq, attempt) = (out.seq, out.attempt);
                        let backoff = self.config.raft.heartbeat_interval;
                        self.schedule(
                            self.now + backoff,
                            Due::ClientResend {
                                client,
                                seq,
                                attempt,
                            },
                        );
                    }
                }
            }
        }
    }

    // ----- Plumbing ------------------------------------------------------------

    fn schedule(&mut self, time: Time, due: Due) {
        self.queue.schedule(time, due);
    }

    fn emit(&mut self, kind: EventKind) {
        let _ = self.emit_back(kind);
    }

    /// Emits an event and hands its kind back, so that a payload can be moved in
    /// and out of the event instead of cloned (the hot path of every message).
    fn emit_back(&mut self, kind: EventKind) -> EventKind {
        let event = Event {
            time: self.now,
            kind,
        };
        if let Some(l) = self.liveness.as_mut() {
            l.observe(&event);
        }
        let found = self.checker.observe(&event);
        self.trace.record(&event);
        for v in found {
            self.trace.record(&Event {
                time: self.now,
                kind: EventKind::Violation(v.clone()),
            });
            self.violations.push(v);
        }
        event.kind
    }

    fn server_mut(&mut self, id: NodeId) -> &mut Server {
        &mut self.servers[id as usize - 1]
    }

    // ----- Read access -----------------------------------------------------------

    pub fn now(&self) -> Time {
        self.now
    }
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }
    pub fn server(&self, id: NodeId) -> Option<&Server> {
        self.servers.get((id as usize).wrapping_sub(1))
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
    pub fn checker(&self) -> &Checker {
        &self.checker
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    pub fn trace_hash(&self) -> String {
        self.trace.hash()
    }
    pub fn applied_actions(&self) -> &[TimedAction] {
        &self.applied_actions
    }
    /// Actions scheduled but not yet due, in the order they will be applied.
    pub fn pending_actions(&self) -> Vec<TimedAction> {
        self.queue.pending_actions()
    }
    /// The config the world was built with, before any `SetNetwork` / `SetBug`.
    pub fn initial_config(&self) -> &SimConfig {
        &self.initial_config
    }
    /// Messages delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }
    /// The time of the next due event, if any.
    pub fn next_event_time(&self) -> Option<Time> {
        self.queue.peek_time()
    }
    /// The leader with the highest term among running nodes, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.servers
            .iter()
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.role_kind() == crate::raft::RoleKind::Leader)
            .max_by_key(|n| n.current_term())
            .map(|n| n.id())
    }

    /// Starts judging liveness with `watch` (sweeps).
    pub fn set_observer_liveness(&mut self, watch: LivenessWatch) {
        self.liveness = Some(watch);
    }

    /// Liveness violations at `end`, allowing `bound` after the final heal.
    pub fn finish_liveness(&mut self, end: Time, bound: Time) -> Vec<Violation> {
        let found = self
            .liveness
            .as_ref()
            .map(|l| l.finish(end, bound))
            .unwrap_or_default();
        for v in &found {
            self.trace.record(&Event {
                time: self.now,
                kind: EventKind::Violation(v.clone()),
            });
        }
        found
    }

    /// Judges what the checker still holds back (a `Commit` waiting for the rest
    /// of its `Ready`); call it when a run ends. Returns the violations it revealed.
    pub fn flush_checker(&mut self) -> Vec<Violation> {
        let found = self.checker.flush();
        for v in &found {
            self.trace.record(&Event {
                time: self.now,
                kind: EventKind::Violation(v.clone()),
            });
            self.violations.push(v.clone());
        }
        found
    }

    /// Like [`World::leader`], ignoring one node (say, a leader cut off in a minority).
    pub fn leader_excluding(&self, excluded: NodeId) -> Option<NodeId> {
        self.servers
            .iter()
            .filter(|s| s.id != excluded)
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.role_kind() == crate::raft::RoleKind::Leader)
            .max_by_key(|n| n.current_term())
            .map(|n| n.id())
    }

    /// Ends the run: every request still unanswered is reported as failed.
    pub fn finish(&mut self) {
        for i in 0..self.clients.len() {
            if let Some(out) = self.clients[i].outstanding.take() {
                let client = self.clients[i].id;
                self.emit(EventKind::ClientFail {
                    client,
                    seq: out.seq,
                    reason: "run ended before an answer".into(),
                });
            }
        }
    }

    /// The message a drop action would name, if still in flight.
    pub fn message(&self, id: MessageId) -> Option<&InFlight> {
        self.in_flight.get(&id)
    }

    pub fn network_config(&self) -> &NetworkConfig {
        &self.network.config
    }

    /// Raft messages in flight (for tests and views).
    pub fn raft_messages_in_flight(&self) -> impl Iterator<Item = (&InFlight, &Message)> {
        self.in_flight.values().filter_map(|m| match &m.payload {
            Payload::Raft(msg) => Some((m, msg)),
            _ => None,
        })
    }
}

fn describe_network(n: &NetworkConfig) -> String {
    format!(
        "network latency {}..{} µs, loss {}, duplication {}",
        n.latency_min, n.latency_max, n.loss, n.duplicate
    )
}
