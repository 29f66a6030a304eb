//! The safety checker: watches the event stream of a run and reports broken
//! invariants as values, never panics.

pub mod checker;
pub mod liveness;
pub mod violation;

pub use checker::Checker;
pub use violation::{Property, Violation};
