//! The safety checker: watches the event stream of a run and reports broken
//! invariants as values, never panics.
//!
//! - [`Checker`]: the continuous safety checker (Election Safety, Leader
//!   Append-Only, Log Matching, Leader Completeness, State Machine Safety, terms
//!   never decrease, one vote per term, committed entries never change,
//!   acknowledged writes are durable, a higher term is adopted at once; and,
//!   judged at [`Checker::flush`], linearizability of the clients' history).
//!   O(log n) work per event.
//! - [`LivenessWatch`]: the liveness verdict of a sweep (a leader and completed
//!   client requests after the final heal).
//!
//! The checker sees only the events of [`crate::event`], never the nodes.
//! It assumes events come in time order and that the events of one node's `Ready`
//! are emitted together at one time. Within a `Ready` the order of persistence
//! events (`HardState`, `LogTruncate`, `LogAppend`) and `Role`/`Commit` events
//! does not matter: a `Commit` is judged once the rest of its `Ready` has been seen
//! (at the next event about another node or at a later time; call
//! [`Checker::flush`] at the end of a run).

mod checker;
pub mod linearizability;
mod linearizable_watch;
pub mod liveness;
mod shadow;

#[cfg(test)]
mod tests;

/// The old path of the violation types, which now live in the trace vocabulary.
pub use crate::event::{Property, Violation};
pub use checker::{Checker, MAX_REPORTS_PER_PROPERTY, MemoryParts};
pub use liveness::LivenessWatch;
