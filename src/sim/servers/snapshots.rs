//! Log compaction on the server side: the state machine the node snapshots,
//! and the reset when the node installs (or restarts from) a snapshot.

use super::Servers;
use crate::raft::{NodeId, Snapshot};
use crate::sim::event::EventKind;

impl Servers {
    /// After the node's entries were applied: lets it snapshot the state
    /// machine if its threshold is reached, and writes the snapshot to disk.
    pub(super) fn snapshot_if_due(&mut self, id: NodeId) {
        let server = self.server_mut(id);
        let Some(node) = server.node.as_mut() else {
            return;
        };
        if !node.maybe_snapshot(&server.kv) {
            return;
        }
        let ready = node.take_ready();
        debug_assert!(ready.messages.is_empty() && ready.apply.is_empty());
        self.write_to_disk(id, ready.persist);
        for ev in ready.events {
            self.emit(EventKind::from_node(id, ev));
        }
    }

    /// The node's state machine becomes the snapshot's (Figure 13: "reset
    /// state machine using snapshot contents").
    pub(super) fn restore_snapshot(&mut self, id: NodeId, snapshot: Snapshot) {
        let server = self.server_mut(id);
        server.kv = snapshot.state;
        let digest = server.kv.digest();
        self.emit(EventKind::SnapshotRestore {
            node: id,
            index: snapshot.last_index,
            digest,
        });
    }
}
