//! One key's sub-history in the compact form the search works on, and the model
//! it is checked against: a single register holding a value or nothing.
//!
//! P-compositionality: every `Op` touches one key, and a history is linearizable
//! exactly when each key's sub-history is, so keys are checked one at a time.

use super::history::{History, Operation, Outcome};
use crate::kv::Op;
use crate::raft::Time;
use std::collections::BTreeMap;

/// A register state: [`ABSENT`], or `i` for the `i`-th distinct value of the key
/// (1-based, in order of first appearance). Small integers make the search's cache cheap.
pub type State = u32;
pub const ABSENT: State = 0;

/// "No answer": the return time of an operation that may take effect at any
/// point after its invoke, or never (never = after everything else: nobody is
/// left to observe it).
pub const NEVER_ANSWERED: Time = Time::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Read,
    /// A put writes its value; a delete writes [`ABSENT`].
    Write(State),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisterOp {
    pub effect: Effect,
    /// The state the operation saw: a get's result, a put's or delete's previous
    /// value. `None` = unconstrained (no answer, or deliberately weakened).
    pub observed: Option<State>,
    pub call: Time,
    /// Invariant: `ret >= call`; [`NEVER_ANSWERED`] when there was no answer.
    pub ret: Time,
    /// Position of the operation in the [`History`].
    pub source: usize,
}

impl RegisterOp {
    /// The register model: the state after this operation runs in `state`, or
    /// `None` when what it observed contradicts `state`.
    pub fn step(&self, state: State) -> Option<State> {
        if self.observed.is_some_and(|seen| seen != state) {
            return None;
        }
        Some(match self.effect {
            Effect::Read => state,
            Effect::Write(written) => written,
        })
    }

    pub fn is_answered(&self) -> bool {
        self.ret != NEVER_ANSWERED
    }

    /// The same operation with its result forgotten: it still takes effect in
    /// its window, but may have seen anything. Only ever makes a history easier
    /// to linearize.
    pub fn weakened(self) -> RegisterOp {
        RegisterOp {
            observed: None,
            ..self
        }
    }
}

/// The sub-history of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHistory {
    pub key: String,
    /// In the history's order (invoke order for runs).
    pub ops: Vec<RegisterOp>,
}

/// Splits a history by key, in key order. Failed operations are left out (they
/// did not happen), and so are gets without an answer (they neither constrain
/// nor change anything).
pub fn split_by_key(history: &History) -> Vec<KeyHistory> {
    split(history.operations().iter().enumerate())
}

/// The history of `key` alone (empty if no request touched it), at the cost of
/// that key's requests only.
pub fn key_history(history: &History, key: &str) -> Option<KeyHistory> {
    split(history.operations_on(key)).pop()
}

fn split<'a>(operations: impl Iterator<Item = (usize, &'a Operation)>) -> Vec<KeyHistory> {
    let mut keys: BTreeMap<&str, Interner> = BTreeMap::new();
    for (source, operation) in operations {
        let key = keys.entry(operation.key()).or_insert_with(|| Interner {
            history: KeyHistory {
                key: operation.key().to_string(),
                ops: Vec::new(),
            },
            states: BTreeMap::new(),
        });
        let effect = match &operation.op {
            Op::Put { value, .. } => Effect::Write(key.state_of(Some(value))),
            Op::Delete { .. } => Effect::Write(ABSENT),
            Op::Get { .. } => Effect::Read,
        };
        let (observed, ret) = match &operation.outcome {
            Outcome::Failed => continue,
            Outcome::Pending if effect == Effect::Read => continue,
            Outcome::Pending => (None, NEVER_ANSWERED),
            Outcome::Ok {
                result,
                responded_at,
            } => (
                Some(key.state_of(result.as_ref())),
                (*responded_at).max(operation.invoked_at),
            ),
        };
        key.history.ops.push(RegisterOp {
            effect,
            observed,
            call: operation.invoked_at,
            ret,
            source,
        });
    }
    keys.into_values().map(|k| k.history).collect()
}

/// Builds one key's history, numbering its distinct values as they appear.
struct Interner {
    history: KeyHistory,
    /// Invariant: the states are 1..=len, in order of first appearance.
    states: BTreeMap<String, State>,
}

impl Interner {
    fn state_of(&mut self, value: Option<&String>) -> State {
        let Some(value) = value else { return ABSENT };
        if let Some(&state) = self.states.get(value) {
            return state;
        }
        let state = self.states.len() as State + 1;
        self.states.insert(value.clone(), state);
        state
    }
}
