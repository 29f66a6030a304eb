//! The checker's linearizability property: it keeps the clients' history as the
//! run goes (O(log n) per client event) and judges it
//! - during the run, when a request is answered ([`LinearizableWatch::observe`]
//!   says the key is due): only a result (a read's value, the value a put or
//!   delete replaced) can reveal a non-linearizable history. A key is searched
//!   at every answer while its history is short ([`EVERY_READ_UP_TO`] operations), then once a quarter more
//!   operations have arrived: re-searching a key's whole history at every
//!   answer would cost O(n) per event, O(n²) per run; this way the searches of a
//!   run add up to about 5n. Judging a prefix is sound: a history whose prefix
//!   (unanswered requests pending) cannot be linearized cannot be either.
//!   The schedule depends only on the events, so a replay finds the same
//!   violations at the same events (the page, `run` and sweeps agree);
//! - at [`super::Checker::flush`] (a sweep's end, a script's verdict), every key
//!   changed since it was last searched.
//!
//! Keys are judged on their own (P-compositionality), and a key found
//! non-linearizable is reported once.

use crate::check::linearizability::{self, CheckOptions, History, NonLinearizable, Verdict};
use crate::event::{Event, EventKind};
use crate::kv::{ClientId, Op};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default)]
pub struct LinearizableWatch {
    history: History,
    /// Requests invoked and not answered yet: (client, seq) -> key.
    unanswered: BTreeMap<(ClientId, u64), String>,
    /// Keys whose sub-history changed since the last [`LinearizableWatch::judge`].
    changed: BTreeSet<String>,
    /// Keys already found non-linearizable: never reported twice.
    failed: BTreeSet<String>,
    /// Per key: operations invoked in all, and since its last search.
    counts: BTreeMap<String, KeyCounts>,
}

/// A key is searched at every answer while it has at most this many
/// operations (each search then costs little), then geometrically.
pub const EVERY_READ_UP_TO: u64 = 16;

#[derive(Clone, Copy, Debug, Default)]
struct KeyCounts {
    total: u64,
    since_search: u64,
}

impl LinearizableWatch {
    /// Feeds one event (only client events matter). Returns the key to search
    /// now, if this event is an answer that makes its key due.
    pub fn observe(&mut self, event: &Event) -> Option<String> {
        let mut due = None;
        match &event.kind {
            EventKind::ClientInvoke {
                client, seq, op, ..
            } => {
                let (Op::Put { key, .. } | Op::Delete { key } | Op::Get { key }) = op;
                // A retry is the same request: count it once.
                if self
                    .unanswered
                    .insert((*client, *seq), key.clone())
                    .is_none()
                {
                    let counts = self.counts.entry(key.clone()).or_default();
                    counts.total += 1;
                    counts.since_search += 1;
                }
                self.changed.insert(key.clone());
            }
            EventKind::ClientOk { client, seq, .. } => {
                if let Some(key) = self.unanswered.remove(&(*client, *seq)) {
                    if self.is_due(&key) {
                        due = Some(key.clone());
                    }
                    self.changed.insert(key);
                }
            }
            _ => return None,
        }
        self.history.observe(event);
        due
    }

    /// Whether an answer on `key` should search it now (see the module).
    fn is_due(&self, key: &str) -> bool {
        if self.failed.contains(key) {
            return false;
        }
        let c = self.counts.get(key).copied().unwrap_or_default();
        c.total <= EVERY_READ_UP_TO || c.since_search * 4 >= c.total
    }

    /// Searches `key` now (a due answer, see [`LinearizableWatch::observe`]);
    /// returns its failures if it is newly found non-linearizable.
    pub fn judge_key(&mut self, key: &str) -> Vec<NonLinearizable> {
        self.changed.remove(key);
        self.search(key.to_string())
    }

    /// Searches every key changed since the last call; returns the keys newly
    /// found non-linearizable, each with its smallest failing sub-history. A key
    /// whose search runs out of budget is left unjudged (never a wrong verdict).
    pub fn judge(&mut self) -> Vec<NonLinearizable> {
        let mut found = Vec::new();
        for key in std::mem::take(&mut self.changed) {
            found.extend(self.search(key));
        }
        found
    }

    fn search(&mut self, key: String) -> Vec<NonLinearizable> {
        if self.failed.contains(&key) {
            return Vec::new();
        }
        if let Some(c) = self.counts.get_mut(&key) {
            c.since_search = 0;
        }
        match linearizability::check_key(&self.history, &key, &CheckOptions::default()) {
            Verdict::NotLinearizable(failures) => {
                self.failed.insert(key);
                failures
            }
            _ => Vec::new(),
        }
    }

    /// How many keys have been found non-linearizable so far.
    pub fn failed_keys(&self) -> usize {
        self.failed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::OpResult;

    fn invoke(time: u64, seq: u64, op: Op) -> Event {
        let kind = EventKind::ClientInvoke {
            client: 1,
            seq,
            op,
            to: 1,
        };
        Event { time, kind }
    }

    fn ok(time: u64, seq: u64, result: OpResult) -> Event {
        let kind = EventKind::ClientOk {
            client: 1,
            seq,
            index: seq,
            result,
        };
        Event { time, kind }
    }

    /// 10,000 sequential puts on one key: searched at each of the first answers,
    /// then only when a quarter more operations have come (about 5n in all).
    #[test]
    fn a_long_history_is_searched_a_logarithmic_number_of_times() {
        let mut watch = LinearizableWatch::default();
        let mut searches = 0;
        let mut previous: OpResult = None;
        for seq in 1..=10_000u64 {
            let value = format!("v{seq}");
            let put = Op::Put {
                key: "k".into(),
                value: value.clone(),
            };
            assert_eq!(watch.observe(&invoke(seq * 10, seq, put)), None);
            if let Some(key) = watch.observe(&ok(seq * 10 + 5, seq, previous.take())) {
                searches += 1;
                assert!(watch.judge_key(&key).is_empty(), "linearizable");
            }
            previous = Some(value);
        }
        // 16 while short, then one per 25 % growth: 16 + log(10000/16)/log(1.25) ≈ 45.
        assert!((16..=50).contains(&searches), "{searches} searches");
        assert!(watch.judge().is_empty());
    }

    /// A read that misses the acknowledged write before it is reported at its
    /// answer, once.
    #[test]
    fn a_stale_read_is_found_at_its_answer() {
        let mut watch = LinearizableWatch::default();
        let put = |v: &str| Op::Put {
            key: "k".into(),
            value: v.into(),
        };
        watch.observe(&invoke(0, 1, put("a")));
        watch.observe(&ok(10, 1, None));
        watch.observe(&invoke(20, 2, put("b")));
        watch.observe(&ok(30, 2, Some("a".into())));
        watch.observe(&invoke(40, 3, Op::Get { key: "k".into() }));
        let key = watch.observe(&ok(50, 3, Some("a".into()))).expect("due");
        assert_eq!(watch.judge_key(&key).len(), 1);
        assert_eq!(watch.failed_keys(), 1);
        assert!(watch.judge().is_empty(), "reported once");
    }
}
