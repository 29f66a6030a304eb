//! The checker's linearizability property: it keeps the clients' history as the
//! run goes (O(log n) per client event) and judges it only when asked, at
//! [`super::Checker::flush`] (a sweep's end, a script's verdict). Re-searching a
//! key's history at every answer would cost O(n) per event, O(n²) per run.
//!
//! Only the keys whose sub-history changed since the last judgement are searched
//! again (P-compositionality: each key is judged on its own), and a key found
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
}

impl LinearizableWatch {
    /// Feeds one event (only client events matter).
    pub fn observe(&mut self, event: &Event) {
        match &event.kind {
            EventKind::ClientInvoke {
                client, seq, op, ..
            } => {
                let (Op::Put { key, .. } | Op::Delete { key } | Op::Get { key }) = op;
                self.unanswered.insert((*client, *seq), key.clone());
                self.changed.insert(key.clone());
            }
            EventKind::ClientOk { client, seq, .. } => {
                if let Some(key) = self.unanswered.remove(&(*client, *seq)) {
                    self.changed.insert(key);
                }
            }
            _ => return,
        }
        self.history.observe(event);
    }

    /// Searches every key changed since the last call; returns the keys newly
    /// found non-linearizable, each with its smallest failing sub-history. A key
    /// whose search runs out of budget is left unjudged (never a wrong verdict).
    pub fn judge(&mut self) -> Vec<NonLinearizable> {
        let options = CheckOptions::default();
        let mut found = Vec::new();
        for key in std::mem::take(&mut self.changed) {
            if self.failed.contains(&key) {
                continue;
            }
            if let Verdict::NotLinearizable(failures) =
                linearizability::check_key(&self.history, &key, &options)
            {
                self.failed.insert(key);
                found.extend(failures);
            }
        }
        found
    }

    /// How many keys have been found non-linearizable so far.
    pub fn failed_keys(&self) -> usize {
        self.failed.len()
    }
}
