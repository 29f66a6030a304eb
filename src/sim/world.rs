//! The world runs the event loop: it owns virtual time and the event queue, hands
//! each due item and each action to the part it concerns (the servers, the
//! clients, the network) and carries out, in order, the effects they hand back.
//!
//! Nothing here reads a clock or an unseeded RNG, so a config and a list of
//! actions always produce the same run. A `World` is a plain value: cloning it
//! checkpoints the whole run, and the clone carries on exactly like the original.

/// Memory accounting: a world taken apart into named pieces.
mod memory_parts;
/// The scripted mode's hooks (tests: see `sim::harness`), in their own file.
mod script_hooks;

use crate::check::liveness::LivenessWatch;
use crate::check::{Checker, Violation};
use crate::kv::{ClientId, Op};
use crate::raft::{MembershipChange, Message, NodeId, Time};
use crate::rng::Rng;
use crate::sim::action::{Action, TimedAction};
use crate::sim::client::Client;
pub use crate::sim::client::PERSON;
use crate::sim::config::{NetworkConfig, SimConfig, TraceMode};
use crate::sim::effect::{Effect, Envelope};
use crate::sim::event::{Address, Event, EventKind, MessageId, Payload};
pub use crate::sim::inflight::InFlight;
use crate::sim::network::Network;
use crate::sim::observers::Observers;
use crate::sim::queue::{Due, EventQueue};
use crate::sim::scripted::ScriptedMode;
pub use crate::sim::servers::Server;
use crate::sim::servers::Servers;
use crate::sim::trace::Trace;

#[derive(Clone)]
pub struct World {
    config: SimConfig,
    /// The config the world was built with (`config` follows later settings).
    initial_config: SimConfig,
    now: Time,
    queue: EventQueue,
    servers: Servers,
    network: Network,
    /// Client `c` at index `c`; client 0 is the [`PERSON`].
    clients: Vec<Client>,
    observers: Observers,
    /// Actions applied so far, with their times (what a scenario link records).
    applied_actions: Vec<TimedAction>,
    /// Tests only: held links and frozen timers (off unless a script turns it on).
    scripted: ScriptedMode,
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
            servers: Servers::new(),
            network,
            clients: Vec::new(),
            observers: Observers::new(&ids, trace, recent_events),
            applied_actions: Vec::new(),
            scripted: ScriptedMode::default(),
            initial_config: config.clone(),
            config,
        };
        if !world.config.initial_members.is_empty() {
            let members = world.config.initial_members.clone();
            world.observers.checker_mut().set_initial_members(&members);
        }
        for id in ids {
            world.feed_servers(|servers, config, now| servers.boot(id, config, now));
        }
        for c in 0..=world.config.clients.count {
            world.clients.push(Client::of(c, &world.config));
            world.feed_client(c, |client, now| client.start(now));
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
        self.queue.schedule(at, Due::Action(Box::new(action)));
    }

    /// Applies an action now, after validating it; a bad action changes nothing.
    ///
    /// The action takes effect after every event due at or before now (the
    /// world's own events still due at exactly now are processed first, as after
    /// [`World::run_until`]). Scheduled actions due now keep their place after it.
    pub fn apply(&mut self, action: Action) -> Result<(), String> {
        while self.queue.own_event_due_by(self.now) {
            self.step();
        }
        self.validate_action(&action)?;
        self.applied_actions.push(TimedAction {
            time: self.now,
            action: action.clone(),
        });
        match action {
            Action::Partition { groups } => {
                let ids = self.config.node_ids();
                self.network.partition(&ids, &groups);
                let groups = self.network.groups().to_vec();
                self.emit(EventKind::Partition { groups });
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
                self.feed_servers(|servers, _, now| servers.force_timeout(node, now));
            }
            Action::Client { op, to } => self.client_request(PERSON, op, to),
            Action::DropMessage { id } => {
                self.network.drop_message(id, self.now, &mut self.observers);
            }
            Action::SetNetwork { network } => {
                let detail = describe_network(&network);
                self.emit(EventKind::Setting { detail });
                self.network.config = network.clone();
                self.config.network = network;
            }
            Action::SetFeature { feature, on } => {
                feature.set(&mut self.config.raft, on);
                self.servers.set_raft_config(&self.config.raft);
                let detail = format!("{} {}", feature.name(), if on { "on" } else { "off" });
                self.emit(EventKind::Setting { detail });
            }
            Action::SetReadMode { mode } => {
                self.config.raft.read_mode = mode;
                self.servers.set_raft_config(&self.config.raft);
                let detail = format!("read mode {}", mode.name());
                self.emit(EventKind::Setting { detail });
            }
            Action::Transfer { to } => {
                let leader = self.leader().expect("validated: there is a leader");
                self.feed_servers(|servers, _, now| servers.transfer(leader, to, now));
            }
            Action::AddServer { node } | Action::RemoveServer { node } => {
                let leader = self.leader().expect("validated: there is a leader");
                let change = match action {
                    Action::AddServer { .. } => MembershipChange::AddServer(node),
                    _ => MembershipChange::RemoveServer(node),
                };
                self.feed_servers(|servers, _, now| servers.change_membership(leader, change, now));
            }
            Action::Pause { node } => self.feed_servers(|servers, _, _| servers.pause(node)),
            Action::Resume { node } => self.resume(node),
            Action::SetClockRate { node, permille } => {
                self.feed_servers(|servers, _, now| servers.set_clock_rate(node, permille, now));
            }
            Action::SetSnapshotThreshold { every } => {
                self.config.raft.snapshot_threshold = every;
                self.servers.set_raft_config(&self.config.raft);
                let detail = match every {
                    0 => "log compaction off".to_string(),
                    n => format!("log compaction: a snapshot every {n} applied entries"),
                };
                self.emit(EventKind::Setting { detail });
            }
            Action::SetBug { bug, on } => {
                self.config.bugs.set(bug, on);
                self.servers.set_bugs(self.config.bugs);
                let detail = format!("bug {} {}", bug.name(), if on { "on" } else { "off" });
                self.emit(EventKind::Setting { detail });
            }
        }
        Ok(())
    }

    /// Checks an action against the current world without changing anything:
    /// first on its own ([`Action::validate`]), then against the state it acts on.
    pub fn validate_action(&self, action: &Action) -> Result<(), String> {
        action.validate(self.config.nodes)?;
        let running = |node: NodeId| !self.servers.is_down(Address::Node(node));
        match action {
            Action::Crash { node } if !running(*node) => {
                Err(format!("node {node} is already crashed"))
            }
            Action::Restart { node } if running(*node) => Err(format!(
                "node {node} is running; crash it before restarting it"
            )),
            Action::Timeout { node } if !running(*node) => Err(format!("node {node} is crashed")),
            Action::Timeout { node } | Action::Pause { node } if self.servers.is_paused(*node) => {
                Err(format!("node {node} is paused"))
            }
            Action::Pause { node } if !running(*node) => Err(format!("node {node} is crashed")),
            Action::Resume { node } if !self.servers.is_paused(*node) => {
                Err(format!("node {node} is not paused"))
            }
            Action::Transfer { to } => match self.leader() {
                None => Err("there is no leader to hand leadership over".into()),
                Some(leader) if leader == *to => Err(format!("node {to} is already the leader")),
                Some(leader) if self.servers.is_paused(leader) => {
                    Err(format!("the leader, node {leader}, is paused"))
                }
                Some(_) => Ok(()),
            },
            Action::AddServer { .. } | Action::RemoveServer { .. } => match self.leader() {
                None => Err("there is no leader to change the membership".into()),
                Some(leader) if self.servers.is_paused(leader) => {
                    Err(format!("the leader, node {leader}, is paused"))
                }
                Some(_) => Ok(()),
            },
            Action::Client { .. } if self.clients[PERSON as usize].queue.len() >= 1000 => {
                Err("too many queued client requests (1000)".into())
            }
            Action::DropMessage { id } if self.network.message(*id).is_none() => {
                Err(format!("message {id} is not in flight"))
            }
            _ => Ok(()),
        }
    }

    /// Ends the run: every request still unanswered is reported as failed.
    pub fn finish(&mut self) {
        for c in 0..self.clients.len() as ClientId {
            self.feed_client(c, |client, _| client.give_up());
        }
    }

    // ----- Routing: who handles what -------------------------------------------

    fn handle(&mut self, due: Due) {
        match due {
            Due::Deliver(id) => self.deliver(id),
            Due::NodeTimer { node, generation }
                if self.scripted.timers_frozen || self.servers.is_paused(node) =>
            {
                // Frozen by a script, or the node is paused: on resume it
                // looks at its deadlines again.
                self.servers.expire_timer(node, generation);
            }
            Due::NodeTimer { node, generation } => {
                self.feed_servers(|servers, _, now| servers.fire_timer(node, generation, now));
            }
            Due::ClientWake { client } => self.feed_client(client, |c, now| c.wake(now)),
            Due::ClientTimeout {
                client,
                seq,
                attempt,
            } => self.feed_client(client, |c, now| c.timeout(now, seq, attempt)),
            Due::ClientResend {
                client,
                seq,
                attempt,
            } => self.feed_client(client, |c, now| c.resend(now, seq, attempt)),
            Due::Action(action) => {
                // A scheduled action that no longer fits (say, crashing a crashed node)
                // is skipped: schedules are data and must never stop a run.
                let _ = self.apply(*action);
            }
        }
    }

    fn crash(&mut self, node: NodeId) {
        self.feed_servers(|servers, _, _| servers.crash(node));
        // Whatever was on its way to the crashed node is lost.
        self.network
            .drop_messages_to(node, self.now, &mut self.observers);
    }

    /// The paused node runs again: first the messages that waited, in arrival
    /// order, handled on the beliefs it had when it paused; then its timers,
    /// which see the time that passed.
    fn resume(&mut self, node: NodeId) {
        let backlog = self.servers.resume(node);
        let carried = self.servers.take_effects();
        self.carry_out(carried);
        for id in backlog {
            self.deliver_now(id);
        }
        self.feed_servers(|servers, _, now| servers.tick(node, now));
    }

    fn restart(&mut self, node: NodeId) {
        self.feed_servers(|servers, config, now| servers.restart(node, config, now));
    }

    /// Message `id` comes due: it reaches its node or client unless it is dropped
    /// (or, in scripted mode, held on its link until the script delivers it).
    fn deliver(&mut self, id: MessageId) {
        if let Some(msg) = self.network.message(id)
            && self.scripted.holds(msg.from, msg.to)
        {
            self.scripted.park(id); // waits for the script (scripted mode)
            return;
        }
        self.deliver_now(id);
    }

    /// Delivers message `id` now, whether due or held (a no-op once it is off
    /// the wire); a cut link or a crashed receiver still drops it.
    pub fn deliver_now(&mut self, id: MessageId) {
        self.scripted.release(id);
        if let Some(msg) = self.network.message(id)
            && let Address::Node(to) = msg.to
            && self.servers.is_paused(to)
        {
            self.servers.park(to, id); // waits in its socket until it resumes
            return;
        }
        let servers = &self.servers;
        let is_down = |to| servers.is_down(to);
        let Some(msg) = self
            .network
            .deliver(id, self.now, is_down, &mut self.observers)
        else {
            return;
        };
        match (msg.to, msg.from, msg.payload) {
            (Address::Node(n), from, payload) => {
                self.feed_servers(|servers, _, now| servers.deliver(n, from, payload, now));
            }
            (
                Address::Client(c),
                Address::Node(from),
                Payload::ClientReply { seq, outcome, .. },
            ) => self.feed_client(c, |client, now| client.reply(now, from, seq, outcome)),
            (Address::Client(_), _, _) => {} // clients take only replies from nodes
        }
    }

    /// Queues a request on a client that sends only what it is given (the
    /// person's, or one from [`World::add_manual_client`]); sends it when idle.
    pub fn client_request(&mut self, client: ClientId, op: Op, to: Option<NodeId>) {
        self.feed_client(client, |c, now| c.enqueue(now, op, to));
    }

    fn send(&mut self, envelope: Envelope) {
        let receiver_down = self.servers.is_down(envelope.to);
        let (now, observers, queue) = (self.now, &mut self.observers, &mut self.queue);
        self.network
            .send(now, envelope, receiver_down, observers, queue);
    }

    /// Gives the servers one input, then carries out what it caused.
    fn feed_servers(&mut self, input: impl FnOnce(&mut Servers, &SimConfig, Time)) {
        input(&mut self.servers, &self.config, self.now);
        let effects = self.servers.take_effects();
        self.carry_out(effects);
    }

    /// Gives client `id` one input, then carries out what it caused.
    fn feed_client(&mut self, id: ClientId, input: impl FnOnce(&mut Client, Time)) {
        let client = &mut self.clients[id as usize];
        input(client, self.now);
        let effects = client.take_effects();
        self.carry_out(effects);
    }

    /// Carries out effects in the order they were asked for: that order is the trace.
    fn carry_out(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Emit(kind) => self.emit(kind),
                Effect::Send(envelope) => self.send(envelope),
                Effect::Schedule { at, due } => self.queue.schedule(at, due),
            }
        }
    }

    fn emit(&mut self, kind: EventKind) {
        self.observers.emit(self.now, kind);
    }

    // ----- Observers -------------------------------------------------------------

    /// Starts judging liveness with `watch` (sweeps).
    pub fn set_observer_liveness(&mut self, mut watch: LivenessWatch) {
        watch.set_initial_members(&self.config.initial_members);
        self.observers.watch_liveness(watch);
    }

    /// Keeps (or stops keeping) the notable events a timeline marks (see
    /// [`crate::sim::observers::is_notable`]) until [`World::take_notable`].
    pub fn collect_notable(&mut self, on: bool) {
        self.observers.collect_notable(on);
    }

    /// The notable events since the last call (empty unless collecting).
    pub fn take_notable(&mut self) -> Vec<Event> {
        self.observers.take_notable()
    }

    /// Keeps (or stops keeping) what a sequence diagram draws (see
    /// [`crate::sim::lifetimes`]) until [`World::take_traffic`].
    pub fn collect_traffic(&mut self, on: bool) {
        self.observers.collect_traffic(on);
    }

    /// Hands the sequence diagram's sightings since the last call to `read`
    /// (none unless collecting), then forgets them.
    pub fn drain_traffic(&mut self, read: impl FnOnce(&[crate::sim::lifetimes::Timed])) {
        self.observers.drain_traffic(read);
    }

    /// Liveness violations at `end`, allowing `bound` after the final heal.
    pub fn finish_liveness(&mut self, end: Time, bound: Time) -> Vec<Violation> {
        self.observers.finish_liveness(self.now, end, bound)
    }

    /// Judges what the checker still holds back (a `Commit` waiting for the rest
    /// of its `Ready`); call it when a run ends. Returns the violations it revealed.
    pub fn flush_checker(&mut self) -> Vec<Violation> {
        self.observers.flush_checker(self.now)
    }

    // ----- Read access -----------------------------------------------------------

    pub fn now(&self) -> Time {
        self.now
    }
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// The config the world was built with, before any `SetNetwork` / `SetBug`.
    pub fn initial_config(&self) -> &SimConfig {
        &self.initial_config
    }
    pub fn servers(&self) -> &[Server] {
        self.servers.all()
    }
    pub fn server(&self, id: NodeId) -> Option<&Server> {
        self.servers.get(id)
    }
    /// The leader with the highest term among running nodes, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.servers.leader(None)
    }
    /// Like [`World::leader`], ignoring one node (say, a leader cut off in a minority).
    pub fn leader_excluding(&self, excluded: NodeId) -> Option<NodeId> {
        self.servers.leader(Some(excluded))
    }
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn network_config(&self) -> &NetworkConfig {
        &self.network.config
    }
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.network.in_flight()
    }
    /// The message a drop action would name, if still in flight.
    pub fn message(&self, id: MessageId) -> Option<&InFlight> {
        self.network.message(id)
    }
    /// Raft messages in flight (for tests and views).
    pub fn raft_messages_in_flight(&self) -> impl Iterator<Item = (&InFlight, &Message)> {
        self.in_flight().filter_map(|m| match &m.payload {
            Payload::Raft(msg) => Some((m, msg)),
            _ => None,
        })
    }
    /// Messages delivered so far.
    pub fn delivered(&self) -> u64 {
        self.network.delivered()
    }
    pub fn violations(&self) -> &[Violation] {
        self.observers.violations()
    }
    pub fn checker(&self) -> &Checker {
        self.observers.checker()
    }
    pub fn trace(&self) -> &Trace {
        self.observers.trace()
    }
    /// Starts keeping the whole run's events for the page (see
    /// [`crate::sim::history::History`]); call it right after [`World::new`].
    /// Returns how many earlier events were already out of the recent buffer.
    pub fn keep_history(&mut self, keep_traffic: bool) -> u64 {
        self.observers.keep_history(keep_traffic)
    }
    /// The whole run's events, if [`World::keep_history`] was called.
    pub fn history(&self) -> Option<&crate::sim::history::History> {
        self.observers.history()
    }
    /// The history, to switch its collecting or take its records (a timeline's tap).
    pub fn history_mut(&mut self) -> Option<&mut crate::sim::history::History> {
        self.observers.history_mut()
    }
    pub fn trace_hash(&self) -> String {
        self.observers.trace().hash()
    }
    pub fn applied_actions(&self) -> &[TimedAction] {
        &self.applied_actions
    }
    /// Actions scheduled but not yet due, in the order they will be applied.
    pub fn pending_actions(&self) -> Vec<TimedAction> {
        self.queue.pending_actions()
    }
    /// The time of the next due event, if any.
    pub fn next_event_time(&self) -> Option<Time> {
        self.queue.peek_time()
    }
}

fn describe_network(n: &NetworkConfig) -> String {
    format!(
        "network latency {}..{} µs, loss {}, duplication {}",
        n.latency_min, n.latency_max, n.loss, n.duplicate
    )
}
