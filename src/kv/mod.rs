//! The replicated key-value state machine: "consensus gives a replicated log; the
//! state machine on top is yours". Raft only orders [`Command`]s; this module gives
//! them meaning, and makes retried client requests take effect once.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type ClientId = u64;

/// One client operation. `Get` goes through the log too, so a read is linearizable
/// without any leader lease.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    Put { key: String, value: String },
    Delete { key: String },
    Get { key: String },
}

/// A client request as it travels in a log entry. `(client, seq)` identifies it
/// across retries: the state machine applies each pair at most once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Command {
    pub client: ClientId,
    pub seq: u64,
    #[serde(flatten)]
    pub op: Op,
}

/// What applying a command returned: the value read (for `Get`), the previous
/// value (for `Put`/`Delete`), `None` when there was none.
pub type OpResult = Option<String>;

/// The key-value store plus the client session table that deduplicates retries.
/// Serialisable: a snapshot (log compaction) carries the whole store, sessions
/// included (without them a retried request would apply twice after an install).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "KvWire", from = "KvWire")]
pub struct KvStore {
    data: BTreeMap<String, String>,
    /// Per client: the highest sequence number applied and its result.
    /// Invariant: clients issue one request at a time with increasing `seq`, so
    /// remembering the last one is enough to answer any retry.
    sessions: BTreeMap<ClientId, (u64, OpResult)>,
}

/// A [`KvStore`] as JSON (in a snapshot): the session table as a list of
/// `[client, seq, result]`, since JSON object keys are strings and a trace
/// line must read back into the very same value.
#[derive(Serialize, Deserialize)]
struct KvWire {
    data: BTreeMap<String, String>,
    sessions: Vec<(ClientId, u64, OpResult)>,
}

impl From<KvStore> for KvWire {
    fn from(kv: KvStore) -> Self {
        KvWire {
            data: kv.data,
            sessions: kv
                .sessions
                .into_iter()
                .map(|(client, (seq, result))| (client, seq, result))
                .collect(),
        }
    }
}

impl From<KvWire> for KvStore {
    fn from(w: KvWire) -> Self {
        KvStore {
            data: w.data,
            sessions: w
                .sessions
                .into_iter()
                .map(|(client, seq, result)| (client, (seq, result)))
                .collect(),
        }
    }
}

impl KvStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a committed command; a duplicate (an already-applied `(client, seq)`)
    /// changes nothing and returns the first application's result.
    pub fn apply(&mut self, cmd: &Command) -> OpResult {
        if let Some((last_seq, result)) = self.sessions.get(&cmd.client)
            && cmd.seq <= *last_seq
        {
            return result.clone();
        }
        let result = match &cmd.op {
            Op::Put { key, value } => self.data.insert(key.clone(), value.clone()),
            Op::Delete { key } => self.data.remove(key),
            Op::Get { key } => self.data.get(key).cloned(),
        };
        self.sessions.insert(cmd.client, (cmd.seq, result.clone()));
        result
    }

    /// What [`KvStore::apply`] would return for `cmd` now, without applying it:
    /// the first result for a duplicate, else the key's current value (the value
    /// read by a `Get`, the previous value for a `Put` or `Delete`).
    pub fn preview(&self, cmd: &Command) -> OpResult {
        if let Some((last_seq, result)) = self.sessions.get(&cmd.client)
            && cmd.seq <= *last_seq
        {
            return result.clone();
        }
        let (Op::Put { key, .. } | Op::Delete { key } | Op::Get { key }) = &cmd.op;
        self.data.get(key).cloned()
    }

    /// A 64-bit fingerprint of the whole state (data and sessions), the same on
    /// every platform: two stores with equal digests hold the same state (up to
    /// collisions). The trace and the checker compare snapshots by it.
    pub fn digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        /// FNV-1a: deterministic, no per-process keys.
        struct Fnv(u64);
        impl Hasher for Fnv {
            fn finish(&self) -> u64 {
                self.0
            }
            fn write(&mut self, bytes: &[u8]) {
                for &b in bytes {
                    self.0 ^= u64::from(b);
                    self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
                }
            }
            // Lengths as 8 bytes, so that wasm32 and native agree.
            fn write_usize(&mut self, n: usize) {
                self.write(&(n as u64).to_le_bytes());
            }
        }
        let mut h = Fnv(0xCBF2_9CE4_8422_2325);
        self.hash(&mut h);
        h.finish()
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.data.get(key)
    }

    /// Key/value pairs in key order (deterministic).
    pub fn entries(&self) -> impl Iterator<Item = (&String, &String)> {
        self.data.iter()
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// How many clients the session table remembers.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(client: ClientId, seq: u64, k: &str, v: &str) -> Command {
        Command {
            client,
            seq,
            op: Op::Put {
                key: k.into(),
                value: v.into(),
            },
        }
    }

    #[test]
    fn retried_request_applies_once() {
        let mut kv = KvStore::new();
        assert_eq!(kv.apply(&put(1, 1, "x", "a")), None);
        assert_eq!(kv.preview(&put(2, 1, "x", "b")), Some("a".into()));
        assert_eq!(kv.apply(&put(2, 1, "x", "b")), Some("a".into()));
        assert_eq!(kv.preview(&put(1, 1, "x", "a")), None, "a duplicate");
        // Client 1 retries its seq 1: no effect, same answer as the first time.
        assert_eq!(kv.apply(&put(1, 1, "x", "a")), None);
        assert_eq!(kv.get("x"), Some(&"b".to_string()));
        let get = Command {
            client: 1,
            seq: 2,
            op: Op::Get { key: "x".into() },
        };
        assert_eq!(kv.apply(&get), Some("b".into()));
        let del = Command {
            client: 1,
            seq: 3,
            op: Op::Delete { key: "x".into() },
        };
        assert_eq!(kv.apply(&del), Some("b".into()));
        assert!(kv.is_empty());
    }
}
