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
    /// The configuration as of `last_index`: today the fixed member list.
    /// Membership change (a configuration in the log) restores it from here.
    pub members: Vec<NodeId>,
}

impl Snapshot {
    /// The snapshot's state fingerprint (see [`KvStore::digest`]).
    pub fn digest(&self) -> u64 {
        self.state.digest()
    }
}
