//! The servers: each a Raft node (absent while crashed) with its disk and its
//! state machine, through boot, crash and restart; and the one way a node's
//! output leaves it, [`Servers::after_input`], which drains the node's `Ready`.
//!
//! Like a client, the servers speak in [`Effect`]s: each input (a message, a
//! timer, a crash) leaves the events, messages and timers it caused in order,
//! for the world to carry out after [`Servers::take_effects`].

use crate::kv::{ClientId, Command, KvStore, Op};
use crate::raft::MembershipChange;
use crate::raft::{
    Bug, Bugs, EntryData, Node, NodeId, PersistOp, PersistentState, ProposeError, ReadyRead,
    RoleKind, Time,
};
use crate::rng::Rng;
use crate::sim::config::SimConfig;
use crate::sim::effect::{Effect, Envelope};
use crate::sim::event::{Address, ClientOutcome, EventKind, Payload};
use crate::sim::queue::Due;
use std::collections::BTreeMap;

mod snapshots;

/// One server: a Raft node (absent while crashed), its disk and state machine.
#[derive(Clone, Debug)]
pub struct Server {
    pub id: NodeId,
    /// `None` while crashed.
    pub node: Option<Node>,
    /// Stable storage: survives crashes. Updated from `Ready::persist` before any send.
    pub disk: PersistentState,
    /// Writes handed to the disk but not on it yet: they land at the node's next
    /// input, and a crash loses them. Invariant: empty unless
    /// [`Bug::ReplyBeforePersist`] is on (or was, until the next input).
    unsynced: Vec<PersistOp>,
    /// The state machine: volatile, rebuilt by re-applying the log after a restart.
    pub kv: KvStore,
    /// Client requests this node proposed and will answer once applied: client -> seq.
    pending: BTreeMap<ClientId, u64>,
    /// Bumped whenever the timer is re-armed or cancelled: a timer entry of an
    /// older generation in the queue is stale.
    timer_generation: u64,
    /// When the armed timer fires; `None` when none is armed.
    timer_at: Option<Time>,
    pub restarts: u64,
    /// Paused (a GC stop-the-world): handles nothing until resumed.
    /// Invariant: `backlog` is empty unless paused.
    pub paused: bool,
    /// Messages that reached the paused node, in arrival order (still on the
    /// network's list of messages in flight).
    pub backlog: Vec<crate::sim::event::MessageId>,
    /// The node's clock rate in thousandths of real time (survives restarts:
    /// it is the machine's clock, not the process's).
    pub clock_permille: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Servers {
    /// Server `id` at index `id - 1`.
    list: Vec<Server>,
    /// What the world must do next, in order; drained by [`Servers::take_effects`].
    effects: Vec<Effect>,
}

impl Servers {
    pub fn new() -> Self {
        Self::default()
    }

    /// What the world must do, in order, since the last call.
    #[must_use = "carry out every effect, in order"]
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    // ----- Lifecycle -------------------------------------------------------------

    /// Adds server `id` (the next one) at `now`, from the initial state `config`
    /// gives it, which is first announced so that the trace and the checker know it.
    pub fn boot(&mut self, id: NodeId, config: &SimConfig, now: Time) {
        debug_assert_eq!(id as usize, self.list.len() + 1, "servers boot in id order");
        let disk = config
            .initial_state
            .get(id as usize - 1)
            .cloned()
            .unwrap_or_default();
        if disk != PersistentState::default() {
            self.emit(EventKind::HardState {
                node: id,
                term: disk.current_term,
                voted_for: disk.voted_for,
            });
            for (i, entry) in disk.log.entries().iter().enumerate() {
                self.emit(EventKind::LogAppend {
                    node: id,
                    index: disk.log.first_index() + i as u64,
                    entry: entry.clone(),
                });
            }
        }
        let mut node = Node::restart(
            id,
            config.node_ids(),
            config.raft.clone(),
            config.bugs,
            Rng::derive(config.seed, "node", id),
            disk.clone(),
            now,
        );
        if !config.initial_members.is_empty() {
            node.set_initial_members(config.initial_members.clone());
        }
        self.list.push(Server {
            id,
            node: Some(node),
            disk,
            unsynced: Vec::new(),
            kv: KvStore::new(),
            pending: BTreeMap::new(),
            timer_generation: 0,
            timer_at: None,
            restarts: 0,
            paused: false,
            backlog: Vec::new(),
            clock_permille: 1000,
        });
        self.after_input(id, now);
    }

    /// The node loses everything volatile: its role, its state machine, the
    /// requests it meant to answer, its timer. Its disk stays.
    pub fn crash(&mut self, id: NodeId) {
        let server = self.server_mut(id);
        server.node = None;
        server.unsynced.clear(); // never reached the disk
        server.kv = KvStore::new();
        server.pending.clear();
        server.timer_generation += 1;
        server.timer_at = None;
        server.paused = false; // what waited for it is dropped with the crash
        server.backlog.clear();
        self.emit(EventKind::Crash { node: id });
    }

    /// The node comes back from its disk, as a follower, with a fresh random stream.
    pub fn restart(&mut self, id: NodeId, config: &SimConfig, now: Time) {
        let server = self.server_mut(id);
        server.restarts += 1;
        let rng = Rng::derive(config.seed, "node-restart", (id << 32) | server.restarts);
        let mut node = Node::restart(
            id,
            config.node_ids(),
            config.raft.clone(),
            config.bugs,
            rng,
            server.disk.clone(),
            now,
        );
        if server.clock_permille != 1000 {
            node.set_clock_permille(now, server.clock_permille);
        }
        if !config.initial_members.is_empty() {
            node.set_initial_members(config.initial_members.clone());
        }
        server.node = Some(node);
        self.emit(EventKind::Restart { node: id });
        self.after_input(id, now);
    }

    /// Turns broken-rule toggles on or off in every running node.
    pub fn set_bugs(&mut self, bugs: Bugs) {
        for node in self.list.iter_mut().filter_map(|s| s.node.as_mut()) {
            node.set_bugs(bugs);
        }
    }

    /// Gives every running node the Raft config (PreVote, CheckQuorum, timings).
    pub fn set_raft_config(&mut self, config: &crate::raft::Config) {
        for node in self.list.iter_mut().filter_map(|s| s.node.as_mut()) {
            node.set_config(config.clone());
        }
    }

    /// Clock drift: the node's timers run at `permille` thousandths of real time.
    pub fn set_clock_rate(&mut self, id: NodeId, permille: u64, now: Time) {
        let server = self.server_mut(id);
        server.clock_permille = permille;
        if let Some(n) = server.node.as_mut() {
            n.set_clock_permille(now, permille);
        }
        self.emit(EventKind::ClockRate { node: id, permille });
        self.after_input(id, now);
    }

    /// The leader hands its leadership to `to` (§3.10).
    pub fn transfer(&mut self, leader: NodeId, to: NodeId, now: Time) {
        if let Some(n) = self.server_mut(leader).node.as_mut() {
            n.transfer_leadership(now, to);
        }
        self.after_input(leader, now);
    }

    /// Asks the leader for a membership change; a refusal is in its events.
    pub fn change_membership(&mut self, leader: NodeId, change: MembershipChange, now: Time) {
        if let Some(n) = self.server_mut(leader).node.as_mut() {
            let _ = n.change_membership(now, change);
        }
        self.after_input(leader, now);
    }

    /// Pauses the node: the world parks what reaches it and skips its timers.
    pub fn pause(&mut self, id: NodeId) {
        self.server_mut(id).paused = true;
        self.emit(EventKind::Pause { node: id });
    }

    /// Keeps message `id` for the paused node, to handle on resume.
    pub fn park(&mut self, id: NodeId, message: crate::sim::event::MessageId) {
        self.server_mut(id).backlog.push(message);
    }

    /// Ends the pause; returns the waiting messages in arrival order, for the
    /// world to deliver before the node's overdue timer fires.
    pub fn resume(&mut self, id: NodeId) -> Vec<crate::sim::event::MessageId> {
        let server = self.server_mut(id);
        server.paused = false;
        let backlog = std::mem::take(&mut server.backlog);
        let count = backlog.len() as u64;
        self.emit(EventKind::Resume {
            node: id,
            backlog: count,
        });
        backlog
    }

    /// Whether node `id` is paused.
    pub fn is_paused(&self, id: NodeId) -> bool {
        self.get(id).is_some_and(|s| s.paused)
    }

    // ----- Inputs ------------------------------------------------------------------

    /// The node's timer of `generation` fires; ignored when superseded by a later reset.
    pub fn fire_timer(&mut self, id: NodeId, generation: u64, now: Time) {
        if self.expire_timer(id, generation) {
            self.tick(id, now);
        }
    }

    /// The node's timer of `generation` came due: forgets it and says whether it
    /// was still the current one (not superseded by a later reset).
    pub fn expire_timer(&mut self, id: NodeId, generation: u64) -> bool {
        let server = self.server_mut(id);
        if server.timer_generation != generation {
            return false;
        }
        server.timer_at = None;
        true
    }

    /// The node's timer fires now, whatever its deadline: a leader's heartbeat or a
    /// follower's election if due (see `Node::tick`). Scripts call it directly.
    pub fn tick(&mut self, id: NodeId, now: Time) {
        if let Some(n) = self.server_mut(id).node.as_mut() {
            n.tick(now);
        }
        self.after_input(id, now);
    }

    /// Makes the node's election timeout fire now (a person's action).
    pub fn force_timeout(&mut self, id: NodeId, now: Time) {
        self.emit(EventKind::ForceTimeout { node: id });
        if let Some(n) = self.server_mut(id).node.as_mut() {
            n.force_timeout(now);
        }
        self.after_input(id, now);
    }

    /// A message from `from` arrives at node `id`: a Raft message, or a client's
    /// request, which the node proposes (and answers once applied) or refuses.
    pub fn deliver(&mut self, id: NodeId, from: Address, payload: Payload, now: Time) {
        match payload {
            Payload::Raft(msg) => {
                if let Some(n) = self.server_mut(id).node.as_mut() {
                    n.step(now, msg);
                }
                self.after_input(id, now);
            }
            Payload::ClientRequest { client, seq, op } => {
                let server = self.server_mut(id);
                let Some(node) = server.node.as_mut() else {
                    return;
                };
                let command = Command { client, seq, op };
                let bugs = node.bugs();
                let outcome = if bugs.is_on(Bug::StaleRead)
                    && node.role_kind() == RoleKind::Leader
                    && matches!(command.op, Op::Get { .. })
                {
                    // BROKEN RULE (StaleRead): a read must go through the log (or
                    // the leader must first confirm with a majority that it still
                    // leads); here it reads its own state machine at once. Index 0:
                    // the answer comes from no log entry.
                    let result = server.kv.preview(&command);
                    Some(ClientOutcome::Ok { index: 0, result })
                } else if !node.config().read_mode.is_log() && matches!(command.op, Op::Get { .. })
                {
                    // ReadIndex or lease (§6.4): answered in `after_input` once
                    // the node hands the read out.
                    match node.read(now, command) {
                        Ok(()) => None,
                        Err(ProposeError::NotLeader { leader_hint }) => {
                            Some(ClientOutcome::NotLeader { leader_hint })
                        }
                        Err(ProposeError::Transferring { to }) => Some(ClientOutcome::NotLeader {
                            leader_hint: Some(to),
                        }),
                    }
                } else {
                    // With AckBeforeCommit, the result the state machine would give
                    // now (the entries before it may not be applied yet).
                    let early = bugs
                        .is_on(Bug::AckBeforeCommit)
                        .then(|| server.kv.preview(&command));
                    match node.propose(now, command) {
                        // BROKEN RULE (AckBeforeCommit): a client may be answered only
                        // once its entry is committed and applied; here "in the
                        // leader's log" is taken for "committed".
                        Ok(index) if early.is_some() => Some(ClientOutcome::Ok {
                            index,
                            result: early.flatten(),
                        }),
                        Ok(_) => {
                            server.pending.insert(client, seq);
                            None
                        }
                        Err(ProposeError::NotLeader { leader_hint }) => {
                            Some(ClientOutcome::NotLeader { leader_hint })
                        }
                        // Transferring: the client should try the target next.
                        Err(ProposeError::Transferring { to }) => Some(ClientOutcome::NotLeader {
                            leader_hint: Some(to),
                        }),
                    }
                };
                self.after_input(id, now);
                if let Some(outcome) = outcome {
                    let payload = Payload::ClientReply {
                        client,
                        seq,
                        outcome,
                    };
                    self.send(id, from, payload);
                }
            }
            Payload::ClientReply { .. } => {} // nodes do not take replies
        }
    }

    /// Drains the node's Ready in the required order — persist, then send, then
    /// apply — and re-arms its timer.
    pub fn after_input(&mut self, id: NodeId, now: Time) {
        let Some(node) = self.server_mut(id).node.as_mut() else {
            return;
        };
        let write_late = node.bugs().is_on(Bug::ReplyBeforePersist);
        let ready = node.take_ready();
        // What the previous input left unwritten lands first (ReplyBeforePersist).
        let unsynced = std::mem::take(&mut self.server_mut(id).unsynced);
        self.write_to_disk(id, unsynced);
        // 1. Persist before send.
        if write_late {
            // BROKEN RULE (ReplyBeforePersist): the writes must be on disk before
            // any message goes out; here they land only at the node's next input,
            // after the votes and acknowledgements that promise them.
            self.server_mut(id).unsynced = ready.persist;
        } else {
            self.write_to_disk(id, ready.persist);
        }
        for ev in ready.events {
            self.emit(EventKind::from_node(id, ev));
        }
        // 2. Send.
        for msg in ready.messages {
            let to = Address::Node(msg.to);
            self.send(id, to, Payload::Raft(msg));
        }
        // 3. Apply, and answer the clients whose requests just took effect here
        // (from the snapshot the node restored, if any: log compaction).
        if let Some(snapshot) = ready.restore {
            self.restore_snapshot(id, snapshot);
        }
        for (index, entry) in ready.apply {
            let reply = match &entry.data {
                EntryData::Command(cmd) => self.apply_command(id, index, cmd),
                EntryData::Noop | EntryData::Config { .. } => None,
            };
            self.emit(EventKind::Apply {
                node: id,
                index,
                data: entry.data,
            });
            if let Some((client, payload)) = reply {
                self.send(id, Address::Client(client), payload);
            }
        }
        // 4. Reads off the log, now that the state machine is up to date.
        for read in ready.reads {
            self.answer_read(id, read);
        }
        self.snapshot_if_due(id);
        self.arm_timer(id, now);
    }

    /// Writes `ops` to the node's stable storage, in order, each with its event.
    fn write_to_disk(&mut self, id: NodeId, ops: Vec<PersistOp>) {
        for op in ops {
            self.server_mut(id).disk.apply(&op);
            self.emit(EventKind::persisted(id, op));
        }
    }

    /// Applies `cmd` to the node's state machine; returns the reply to send if
    /// this node promised one to the command's client.
    fn apply_command(
        &mut self,
        id: NodeId,
        index: u64,
        cmd: &Command,
    ) -> Option<(ClientId, Payload)> {
        let server = self.server_mut(id);
        let result = server.kv.apply(cmd);
        if server.pending.get(&cmd.client) != Some(&cmd.seq) {
            return None;
        }
        server.pending.remove(&cmd.client);
        let payload = Payload::ClientReply {
            client: cmd.client,
            seq: cmd.seq,
            outcome: ClientOutcome::Ok { index, result },
        };
        Some((cmd.client, payload))
    }

    /// Answers a read the node handed out (ReadIndex or lease) from the state
    /// machine. Index 0: the answer comes from no log entry.
    fn answer_read(&mut self, id: NodeId, read: ReadyRead) {
        let (client, seq) = (read.command.client, read.command.seq);
        let result = self.server_mut(id).kv.preview(&read.command);
        self.emit(EventKind::ReadServe {
            node: id,
            client,
            seq,
            read_index: read.read_index,
            lease: read.lease,
        });
        let outcome = ClientOutcome::Ok { index: 0, result };
        let payload = Payload::ClientReply {
            client,
            seq,
            outcome,
        };
        self.send(id, Address::Client(client), payload);
    }

    /// Schedules the node's timer at its next deadline (once per deadline).
    pub fn arm_timer(&mut self, id: NodeId, now: Time) {
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
        let due = Due::NodeTimer {
            node: id,
            generation: server.timer_generation,
        };
        self.effects.push(Effect::Schedule { at: deadline, due });
    }

    fn send(&mut self, from: NodeId, to: Address, payload: Payload) {
        self.effects.push(Effect::Send(Envelope {
            from: Address::Node(from),
            to,
            payload,
        }));
    }

    fn emit(&mut self, kind: EventKind) {
        self.effects.push(Effect::Emit(kind));
    }

    fn server_mut(&mut self, id: NodeId) -> &mut Server {
        &mut self.list[id as usize - 1]
    }

    // ----- Read access -------------------------------------------------------------

    pub fn all(&self) -> &[Server] {
        &self.list
    }

    /// The servers themselves (memory accounting: see `World::into_memory_parts`).
    pub fn into_list(self) -> Vec<Server> {
        self.list
    }

    pub fn get(&self, id: NodeId) -> Option<&Server> {
        self.list.get((id as usize).wrapping_sub(1))
    }

    /// Whether `address` is a crashed node (clients never are).
    pub fn is_down(&self, address: Address) -> bool {
        match address {
            Address::Node(n) => self.list[n as usize - 1].node.is_none(),
            Address::Client(_) => false,
        }
    }

    /// The leader with the highest term among running nodes other than
    /// `excluded`, if any.
    pub fn leader(&self, excluded: Option<NodeId>) -> Option<NodeId> {
        self.list
            .iter()
            .filter(|s| Some(s.id) != excluded)
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.role_kind() == RoleKind::Leader)
            .max_by_key(|n| n.current_term())
            .map(|n| n.id())
    }
}
