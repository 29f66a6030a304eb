//! Linearizability of the key-value store, judged from the clients' side only.
//!
//! A run is linearizable when every operation can be given one instant between
//! its invoke and its answer such that, taken in that order, the operations are
//! a correct sequential run of the store: each get returns the latest value, each
//! put and delete returns the previous one. Requests without an answer may take
//! effect at any point after their invoke, or never.
//!
//! - [`History`]: the client history, built by hand or from the simulator's
//!   events ([`History::from_events`], or [`History::observe`] one at a time).
//! - [`check`]: Wing & Gong's search with Lowe's memoisation (as Porcupine and
//!   Knossos), key by key (P-compositionality: each key is a register holding a
//!   value or nothing), with a step budget per key so that a pathological history
//!   yields [`Verdict::Unknown`], never a wrong verdict.
//! - On failure, [`NonLinearizable`] names the key and a small core of operations
//!   that cannot be linearized, shrunk soundly (see `shrink.rs`), with a sentence.
//!
//! Times are the clients' (invoke = `ClientInvoke`, answer = `ClientOk`); two
//! operations that touch at one instant count as concurrent.
//!
//! The module is pure: it sees a history, never the nodes. A live checker feeds
//! every event to [`History::observe`] and calls [`check`] when it wants a
//! verdict (requests still outstanding are pending, which is always sound);
//! [`NonLinearizable::detected_at`] and its `explanation` make a violation.

mod explain;
mod history;
mod register;
mod search;
mod shrink;
#[cfg(test)]
mod tests;

pub use history::{History, Operation, Outcome};

use crate::kv::{ClientId, Op};
use crate::raft::Time;
use register::{KeyHistory, NEVER_ANSWERED, RegisterOp, key_history, split_by_key};
use search::{SearchResult, search};

/// Bounds on the work of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// Search steps allowed per key (one step = one look at a call or return
    /// entry); past it the key's verdict is unknown. Also bounds the search's
    /// memory: the cache grows by at most one entry per step.
    pub max_steps_per_key: u64,
    /// Search steps allowed for shrinking one failing key. When they run out the
    /// core found so far is reported: still a valid counterexample, perhaps not
    /// the smallest.
    pub max_shrink_steps: u64,
}

impl Default for CheckOptions {
    /// A 60 s run with 3 busy clients takes about one step per operation
    /// (~2,000 for one key); these leave a wide margin, cost well under a second,
    /// and keep the cache (one bitset per step) to tens of MB at worst.
    fn default() -> Self {
        CheckOptions {
            max_steps_per_key: 100_000,
            max_shrink_steps: 1_000_000,
        }
    }
}

/// A write that matters to a counterexample only by when it could take effect:
/// somewhere from `invoked_at` to `until` (`None`: no answer by then, so at any
/// later point, or never). Its own result plays no part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteWindow {
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    pub invoked_at: Time,
    pub until: Option<Time>,
}

/// A key whose history cannot be linearized, shrunk to a small core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonLinearizable {
    pub key: String,
    /// Acknowledged operations whose results matter, in invoke order. With
    /// `writes` they make a history that cannot be linearized on its own, and
    /// whose failure implies the whole history's.
    pub core: Vec<Operation>,
    /// The writes that matter only by when they took effect, in invoke order:
    /// the possible sources of the values the core saw, and the writes that
    /// must have come in between.
    pub writes: Vec<WriteWindow>,
    /// Neither a result of the core nor a write can be left out (false when
    /// the shrinking budget ran out first).
    pub minimal: bool,
    /// How many operations the key's whole history had.
    pub key_operations: usize,
    /// One sentence a person can read.
    pub explanation: String,
}

impl NonLinearizable {
    /// When the violation became visible: the last answer in the core.
    pub fn detected_at(&self) -> Time {
        self.core
            .iter()
            .filter_map(Operation::responded_at)
            .max()
            .unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Linearizable,
    /// One counterexample per key that cannot be linearized, in key order.
    NotLinearizable(Vec<NonLinearizable>),
    /// No key failed, but these keys' searches ran out of budget.
    Unknown {
        keys: Vec<String>,
    },
}

impl Verdict {
    pub fn is_linearizable(&self) -> bool {
        *self == Verdict::Linearizable
    }
}

/// What a check cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub keys: usize,
    /// Operations the search considered (failed ones and unanswered gets left out).
    pub operations: usize,
    pub search_steps: u64,
    /// The most steps one key's search took.
    pub max_key_steps: u64,
    pub shrink_steps: u64,
}

/// Checks every key of `history`.
pub fn check(history: &History, options: &CheckOptions) -> Verdict {
    check_with_stats(history, options).0
}

/// Checks one key only (a live checker can re-check just the keys that changed).
pub fn check_key(history: &History, key: &str, options: &CheckOptions) -> Verdict {
    let keys = key_history(history, key).into_iter().collect();
    check_keys(history, keys, options).0
}

/// [`check`], with what it cost.
pub fn check_with_stats(history: &History, options: &CheckOptions) -> (Verdict, Stats) {
    check_keys(history, split_by_key(history), options)
}

fn check_keys(
    history: &History,
    keys: Vec<KeyHistory>,
    options: &CheckOptions,
) -> (Verdict, Stats) {
    let mut stats = Stats {
        keys: keys.len(),
        ..Stats::default()
    };
    let mut failures = Vec::new();
    let mut unknown = Vec::new();
    for key in &keys {
        stats.operations += key.ops.len();
        let mut budget = options.max_steps_per_key;
        let result = search(&key.ops, &mut budget);
        let steps = options.max_steps_per_key - budget;
        stats.search_steps += steps;
        stats.max_key_steps = stats.max_key_steps.max(steps);
        match result {
            SearchResult::Linearizable => {}
            SearchResult::OutOfBudget => unknown.push(key.key.clone()),
            SearchResult::NotLinearizable => {
                let mut shrink_budget = options.max_shrink_steps;
                let shrunk = shrink::shrink(key, &mut shrink_budget, options.max_steps_per_key);
                stats.shrink_steps += options.max_shrink_steps - shrink_budget;
                failures.push(counterexample(history, key, shrunk));
            }
        }
    }
    let verdict = if !failures.is_empty() {
        Verdict::NotLinearizable(failures)
    } else if !unknown.is_empty() {
        Verdict::Unknown { keys: unknown }
    } else {
        Verdict::Linearizable
    };
    (verdict, stats)
}

fn counterexample(history: &History, key: &KeyHistory, shrunk: shrink::Shrunk) -> NonLinearizable {
    let operation = |op: &RegisterOp| &history.operations()[op.source];
    let mut core: Vec<Operation> = shrunk
        .strict
        .iter()
        .map(|op| operation(op).clone())
        .collect();
    core.sort_by_key(|o| (o.invoked_at, o.client, o.seq));
    let mut writes: Vec<WriteWindow> = shrunk
        .writes
        .iter()
        .map(|op| {
            let o = operation(op);
            WriteWindow {
                client: o.client,
                seq: o.seq,
                op: o.op.clone(),
                invoked_at: o.invoked_at,
                until: (op.ret != NEVER_ANSWERED).then_some(op.ret),
            }
        })
        .collect();
    writes.sort_by_key(|w| (w.invoked_at, w.client, w.seq));
    let explanation = explain::explain(&key.key, &core, &writes);
    NonLinearizable {
        key: key.key.clone(),
        core,
        writes,
        minimal: shrunk.minimal,
        key_operations: key.ops.len(),
        explanation,
    }
}
