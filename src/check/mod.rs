//! The safety checker: watches the event stream of a run and reports broken
//! invariants as values, never panics.

pub mod violation;

pub use violation::{Property, Violation};
