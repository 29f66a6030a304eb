//! The world's scripted-mode hooks, for tests ([`crate::sim::harness`]): hold
//! messages on their links, fire one node's timer, inject a crafted message, add
//! a client that sends only what it is given. Off unless a script turns it on.

use super::World;
use crate::kv::ClientId;
use crate::raft::{Message, NodeId};
use crate::sim::client::Client;
use crate::sim::effect::Envelope;
use crate::sim::event::{Address, MessageId, Payload};
use crate::sim::inflight::InFlight;
use crate::sim::scripted::Hold;

impl World {
    /// Holds the messages of some node-to-node links at delivery until
    /// [`World::deliver_now`] or a drop; messages already held stay held.
    pub fn hold(&mut self, hold: Hold) {
        self.scripted.set_hold(hold);
    }

    /// Messages waiting on a held link, in id order.
    pub fn held(&self) -> impl Iterator<Item = &InFlight> {
        self.scripted
            .held_ids()
            .filter_map(|id| self.network.message(id))
    }

    /// Stops (or restarts) the nodes' own timers; [`World::fire_timer`] still works.
    pub fn freeze_timers(&mut self, frozen: bool) {
        self.scripted.timers_frozen = frozen;
        if !frozen {
            for id in self.config.node_ids() {
                self.feed_servers(|servers, _, now| servers.arm_timer(id, now));
            }
        }
    }

    /// The node's timer fires now: a leader's heartbeat or a follower's election,
    /// if due (see `Node::tick`).
    pub fn fire_timer(&mut self, node: NodeId) {
        self.feed_servers(|servers, _, now| servers.tick(node, now));
    }

    /// Sends a crafted Raft message as if `message.from` had sent it now (through
    /// the network, with its `Send` event); returns its id.
    pub fn inject(&mut self, message: Message) -> MessageId {
        let id = self.network.next_id();
        self.send(Envelope {
            from: Address::Node(message.from),
            to: Address::Node(message.to),
            payload: Payload::Raft(message),
        });
        id
    }

    /// Adds a client that, like the person's, sends only what it is given.
    pub fn add_manual_client(&mut self) -> ClientId {
        let id = self.clients.len() as ClientId;
        self.clients.push(Client::manual(id, &self.config));
        id
    }
}
