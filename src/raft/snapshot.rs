//! Log compaction (dissertation ch. 5): a snapshot stands for the log prefix it
//! replaces — the state machine after applying it, plus the index and term of
//! the last entry it covers (so the log-consistency check still works at the
//! boundary).

use super::types::{LogIndex, NodeId, Term};
use crate::kv::KvStore;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last entry the snapshot covers. Invariant: committed (a node only
    /// snapshots what it applied).
    pub last_index: LogIndex,
    /// The term of that entry: the prevLogTerm of the first entry after it.
    pub last_term: Term,
    /// The state machine after applying `1..=last_index`, client sessions included.
    pub state: KvStore,
    /// The configuration in force as of `last_index` (§5.1): the members of
    /// the last configuration entry it covers, or the initial configuration.
    /// A node whose log starts after the snapshot uses it until a later
    /// configuration entry (see `membership::config_at`).
    pub members: Vec<NodeId>,
}

impl Snapshot {
    /// The snapshot's state fingerprint (see [`KvStore::digest`]).
    pub fn digest(&self) -> u64 {
        self.state.digest()
    }
}
