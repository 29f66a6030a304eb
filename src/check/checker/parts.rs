//! Memory accounting: the checker taken apart into its big pieces, each named,
//! so that a benchmark with a counting allocator can drop them one at a time
//! and see what each held (`examples/memory_hour.rs`). A run never calls it.

use super::Checker;
use std::any::Any;

/// Named pieces of something taken apart, to be dropped one by one.
pub type MemoryParts = Vec<(&'static str, Box<dyn Any>)>;

impl Checker {
    /// The checker's pieces that grow with the run, then the rest.
    pub fn into_memory_parts(mut self) -> MemoryParts {
        let shadows: Vec<_> = self
            .nodes
            .values_mut()
            .map(|ns| std::mem::take(&mut ns.log))
            .collect();
        vec![
            ("checker: node log shadows", Box::new(shadows)),
            (
                "checker: committed prefix",
                Box::new((
                    std::mem::take(&mut self.committed),
                    std::mem::take(&mut self.committers),
                )),
            ),
            (
                "checker: per-index terms seen (Log Matching)",
                Box::new(std::mem::take(&mut self.entries)),
            ),
            (
                "checker: per-index first applied entry",
                Box::new(std::mem::take(&mut self.applied)),
            ),
            (
                "checker: per-index acknowledged writes",
                Box::new(std::mem::take(&mut self.acked)),
            ),
            (
                "checker: snapshot reference state",
                Box::new(std::mem::take(&mut self.snapshots)),
            ),
            (
                "checker: client history (linearizability)",
                Box::new(std::mem::take(&mut self.linearizable)),
            ),
            ("checker: the rest", Box::new(self)),
        ]
    }
}
