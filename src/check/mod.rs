//! The safety checker: watches the event stream of a run and reports broken
//! invariants as values, never panics.
//!
//! - [`Checker`]: the continuous safety checker (Election Safety, Leader
//!   Append-Only, Log Matching, Leader Completeness, State Machine Safety, terms
//!   never decrease, one vote per term, committed entries never change,
//!   acknowledged writes are durable). O(log n) work per event.
//! - [`LivenessWatch`]: the liveness verdict of a sweep (a leader and completed
//!   client requests after the final heal).
//!
//! The checker sees only the events of [`crate::sim::event`], never the nodes.
//! It assumes what the simulator guarantees about their order: events come in
//! time order, and the events one node's `Ready` produced are emitted together,
//! persistence first (`HardState`, `LogTruncate`, `LogAppend`, in the order
//! written), then `Role`/`Commit`, then `Apply`.

mod checker;
pub mod liveness;
pub mod violation;

#[cfg(test)]
mod tests;

pub use checker::Checker;
pub use liveness::LivenessWatch;
pub use violation::{Property, Violation};
