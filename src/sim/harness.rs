//! A scripted driver over the real [`World`], for tests that need one exact
//! schedule (Figure 8, a crafted heartbeat, a reply that arrives late): in the
//! spirit of etcd's `rafttest` (`DeliverMsgs`), turmoil's hold/release and
//! TigerBeetle's record/replay.

use crate::check::Violation;
use crate::kv::Op;
use crate::raft::{LogIndex, Message, Node, NodeId, ProposeError, RoleKind, Term, Time};
use crate::sim::action::Action;
use crate::sim::config::{SECOND, SimConfig, TraceMode};
use crate::sim::event::{Address, ClientOutcome, Event, MessageId, Payload};
use crate::sim::scripted::Hold;
use crate::sim::world::World;
use std::collections::BTreeSet;

/// A [`World`] run by a script, one step at a time.
///
/// # Contract
/// - Every message between two nodes waits on its link until the script
///   [delivers](Harness::deliver) or [drops](Harness::drop) it. Messages to and
///   from clients are never held: requests and replies follow the product's
///   client protocol on their own.
/// - Node timers are frozen: nothing times out or sends a heartbeat unless the
///   script says so ([`Harness::timeout`], [`Harness::fire_timer`]).
/// - After every method returns, the world is *settled*: every message sent so
///   far has either been delivered (client traffic) or is waiting on its link
///   ([`Harness::held`]). Settling lets virtual time pass (network latency), so
///   each step happens a few milliseconds after the one before.
/// - What happens goes through the world's own code paths (actions, the network,
///   the client protocol, the `Ready` of every node) and its own event emission,
///   so the checker judges exactly what the product would emit. A script asserts
///   on [`Harness::violations`] and [`Harness::events`].
/// - A method that cannot do what it says (an action the world refuses, a
///   request no node took) panics with the world's reason: scripts are tests.
pub struct Harness {
    world: World,
}

impl Harness {
    /// A script's usual config: `nodes` nodes, no automatic clients, and clients
    /// that retry only after a minute (so a retry happens only when a script
    /// [advances](Harness::advance) time that far).
    pub fn config(nodes: usize) -> SimConfig {
        let mut config = SimConfig {
            nodes,
            ..SimConfig::default()
        };
        config.clients.request_timeout = 60 * SECOND;
        config
    }

    /// The world of `config` at time 0, in scripted mode, with a full trace.
    pub fn new(config: SimConfig) -> Harness {
        let mut world =
            World::new(config, TraceMode::Full, 0).unwrap_or_else(|e| panic!("Harness: {e}"));
        world.hold(Hold::AllLinks);
        world.freeze_timers(true);
        Harness { world }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world itself, for what the harness does not wrap. Call
    /// [`Harness::advance`]`(0)` after changing it to settle again.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Chooses which node-to-node links hold their messages (all, by default).
    /// Messages already held stay held until delivered or dropped.
    pub fn hold(&mut self, hold: Hold) {
        self.world.hold(hold);
        self.settle();
    }

    /// Freezes or restarts the nodes' own timers (frozen by default). With timers
    /// running, keep every link held: otherwise heartbeats flow for ever and no
    /// step can settle.
    pub fn freeze_timers(&mut self, frozen: bool) {
        self.world.freeze_timers(frozen);
        self.settle();
    }

    // ----- Nodes ---------------------------------------------------------------------
    // ----- Nodes ---------------------------------------------------------------------

    /// Forces the node's election timeout now (the page's "timeout" action).
    pub fn timeout(&mut self, node: NodeId) {
        self.act(Action::Timeout { node });
    }

    /// Lets time run to the node's next deadline and fires its timer alone: a
    /// leader's heartbeat, or a follower's or candidate's election.
    pub fn fire_timer(&mut self, node: NodeId) {
        let deadline = self.running(node).next_deadline();
        self.world.run_until(deadline.max(self.world.now()));
        self.world.fire_timer(node);
        self.settle();
    }

    pub fn crash(&mut self, node: NodeId) {
        self.act(Action::Crash { node });
    }

    pub fn restart(&mut self, node: NodeId) {
        self.act(Action::Restart { node });
    }

    /// A new client sends `op` to `node`, which gets it at once. Returns the log
    /// index the node appended it at, or the node's refusal (a client then
    /// follows the refusal's hint as the product's clients do).
    pub fn propose(&mut self, node: NodeId, op: Op) -> Result<LogIndex, ProposeError> {
        let client = self.world.add_manual_client();
        self.world.client_request(client, op, Some(node));
        let request = self
            .world
            .in_flight()
            .find(|m| m.from == Address::Client(client))
            .map(|m| m.id)
            .unwrap_or_else(|| panic!("Harness: node {node} cannot take a request"));
        self.world.deliver_now(request);
        let refusal = self.world.in_flight().find_map(|m| match &m.payload {
            Payload::ClientReply {
                client: c,
                outcome: ClientOutcome::NotLeader { leader_hint },
                ..
            } if *c == client => Some(*leader_hint),
            _ => None,
        });
        let log = self.running(node).log();
        let appended = log
            .entries()
            .iter()
            .rposition(
                |e| matches!(&e.data, crate::raft::EntryData::Command(c) if c.client == client),
            )
            .map(|i| log.first_index() + i as LogIndex);
        self.settle();
        match (refusal, appended) {
            (Some(leader_hint), _) => Err(ProposeError::NotLeader { leader_hint }),
            (None, Some(index)) => Ok(index),
            (None, None) => panic!("Harness: node {node} neither took nor refused the request"),
        }
    }

    // ----- Messages ------------------------------------------------------------------

    /// The messages waiting on their links, in id (sending) order.
    pub fn held(&self) -> Vec<(MessageId, &Message)> {
        self.world
            .held()
            .filter_map(|m| match &m.payload {
                Payload::Raft(msg) => Some((m.id, msg)),
                _ => None,
            })
            .collect()
    }

    /// Delivers held message `id` now (and settles what it causes).
    pub fn deliver(&mut self, id: MessageId) {
        self.world.deliver_now(id);
        self.settle();
    }

    /// Delivers the oldest held message that `pred` accepts; returns its id.
    pub fn deliver_where(&mut self, pred: impl Fn(&Message) -> bool) -> Option<MessageId> {
        let id = self.first_held(pred)?;
        self.deliver(id);
        Some(id)
    }

    /// Delivers held messages between members of `group` that `pred` accepts,
    /// oldest first, including those that deliveries cause, until none is left.
    /// The others stay held. Returns how many were delivered.
    pub fn pump(&mut self, group: &[NodeId], pred: impl Fn(&Message) -> bool) -> usize {
        let within = |m: &Message| group.contains(&m.from) && group.contains(&m.to) && pred(m);
        let mut delivered = 0;
        while self.deliver_where(within).is_some() {
            delivered += 1;
        }
        delivered
    }

    /// Drops held message `id` (the page's "drop message" action).
    pub fn drop(&mut self, id: MessageId) {
        self.act(Action::DropMessage { id });
    }

    /// Drops every held message.
    pub fn drop_held(&mut self) {
        let ids: Vec<MessageId> = self.held().iter().map(|(id, _)| *id).collect();
        for id in ids {
            self.drop(id);
        }
    }

    /// Sends a crafted Raft message as if `message.from` had sent it, and
    /// delivers it now: for a message this core never sends (say, an etcd-style
    /// empty heartbeat). It appears in the trace like any other.
    pub fn inject(&mut self, message: Message) {
        let id = self.world.inject(message);
        self.deliver(id);
    }

    /// Lets `by` of virtual time pass (client retries may fire; node timers stay
    /// frozen), then settles.
    pub fn advance(&mut self, by: Time) {
        self.world.run_until(self.world.now() + by);
        self.settle();
    }

    // ----- Looking -------------------------------------------------------------------

    /// The running node (`None` while crashed).
    pub fn node(&self, node: NodeId) -> Option<&Node> {
        self.world.server(node)?.node.as_ref()
    }

    /// Role and current term of a running node.
    pub fn role(&self, node: NodeId) -> Option<(RoleKind, Term)> {
        self.node(node).map(|n| (n.role_kind(), n.current_term()))
    }

    /// The terms of the node's persisted log, index 1 first (with log
    /// compaction: the entries after its snapshot).
    pub fn log_terms(&self, node: NodeId) -> Vec<Term> {
        let server = self.world.server(node).expect("a node of the cluster");
        server.disk.log.entries().iter().map(|e| e.term).collect()
    }

    /// Every event so far, as the trace recorded it.
    pub fn events(&self) -> Vec<Event> {
        self.world.trace().events()
    }

    /// Everything the checker found, after judging what it still held back.
    pub fn violations(&mut self) -> Vec<Violation> {
        self.world.flush_checker();
        self.world.violations().to_vec()
    }

    // ----- Plumbing ------------------------------------------------------------------

    fn act(&mut self, action: Action) {
        if let Err(e) = self.world.apply(action.clone()) {
            panic!("Harness: {action:?} refused: {e}");
        }
        self.settle();
    }

    fn running(&self, node: NodeId) -> &Node {
        self.node(node)
            .unwrap_or_else(|| panic!("Harness: node {node} is crashed"))
    }

    fn first_held(&self, pred: impl Fn(&Message) -> bool) -> Option<MessageId> {
        self.held()
            .into_iter()
            .find(|(_, m)| pred(m))
            .map(|(id, _)| id)
    }

    /// Runs the world until every message on the wire has been delivered or
    /// waits on a held link.
    fn settle(&mut self) {
        for _ in 0..10_000 {
            let held: BTreeSet<MessageId> = self.world.held().map(|m| m.id).collect();
            let last_due = self
                .world
                .in_flight()
                .filter(|m| !held.contains(&m.id))
                .map(|m| m.deliver_at)
                .max();
            let Some(at) = last_due else { return };
            self.world.run_until(at);
        }
        panic!("Harness: messages keep flowing (timers running on a link not held?)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::MessageBody;

    fn is_vote_request(m: &Message) -> bool {
        matches!(m.body, MessageBody::RequestVote { .. })
    }

    fn put() -> Op {
        Op::Put {
            key: "x".into(),
            value: "1".into(),
        }
    }

    #[test]
    fn messages_wait_until_delivered_or_dropped() {
        let mut h = Harness::new(Harness::config(3));
        h.timeout(1);
        let held = h.held();
        assert_eq!(held.len(), 2);
        assert!(held.iter().all(|(_, m)| is_vote_request(m)));
        let to_2 = h.deliver_where(|m| m.to == 2).expect("a vote request to 2");
        assert!(h.held().iter().all(|(id, _)| *id != to_2));
        assert!(h.held().iter().any(|(_, m)| m.from == 2 && m.to == 1));
        h.drop_held();
        assert!(h.held().is_empty());
        assert_eq!(h.role(1), Some((RoleKind::Candidate, 1)));
        assert!(h.violations().is_empty());
    }

    #[test]
    fn timers_fire_only_when_the_script_says() {
        let mut h = Harness::new(Harness::config(3));
        h.advance(60 * SECOND);
        assert_eq!(h.role(1), Some((RoleKind::Follower, 0)), "frozen");
        h.timeout(1);
        h.pump(&[1, 2, 3], |_| true);
        assert_eq!(h.role(1), Some((RoleKind::Leader, 1)));
        let before = h.world().now();
        h.fire_timer(1);
        assert!(h.world().now() > before, "time ran to the heartbeat");
        let beats = h.held();
        assert_eq!(beats.len(), 2);
        assert!(beats.iter().all(|(_, m)| matches!(
            &m.body,
            MessageBody::AppendEntries { entries, .. } if entries.is_empty()
        )));
    }

    #[test]
    fn proposals_go_through_the_client_protocol() {
        let mut h = Harness::new(Harness::config(3));
        h.timeout(1);
        h.pump(&[1, 2, 3], |_| true);
        assert_eq!(
            h.propose(2, put()),
            Err(ProposeError::NotLeader {
                leader_hint: Some(1)
            })
        );
        // The refused client followed the hint: node 1 took its request too.
        assert_eq!(h.log_terms(1), [1, 1]);
        assert_eq!(h.propose(1, put()), Ok(3));
        h.pump(&[1, 2, 3], |_| true);
        let acks = h
            .events()
            .iter()
            .filter(|e| matches!(e.kind, crate::sim::EventKind::ClientOk { .. }))
            .count();
        assert_eq!(acks, 2, "both clients answered by the leader");
        h.fire_timer(1);
        h.pump(&[1, 2, 3], |_| true);
        for n in 1..=3 {
            assert_eq!(h.node(n).unwrap().commit_index(), 3, "node {n}");
        }
    }

    #[test]
    fn only_held_links_wait_and_injected_messages_are_traced() {
        let mut h = Harness::new(Harness::config(3));
        h.hold(Hold::Links([(1, 2)].into()));
        h.timeout(1);
        assert_eq!(h.role(1), Some((RoleKind::Leader, 1)), "node 3's vote came");
        assert!(h.held().iter().all(|(_, m)| (m.from, m.to) == (1, 2)));
        let sent = h.events().len();
        h.inject(Message {
            from: 3,
            to: 2,
            term: 7,
            body: MessageBody::AppendEntriesReply {
                success: false,
                match_index: 0,
                rejected_index: 0,
                hint: None,
            },
        });
        assert!(matches!(
            h.events()[sent].kind,
            crate::sim::EventKind::Send { .. }
        ));
        assert_eq!(h.role(2), Some((RoleKind::Follower, 7)));
    }
}
