//! TEMPORARY placeholder until the checker branch lands (replaced on merge).
use crate::check::Violation;
use crate::raft::{LogIndex, NodeId};
use crate::sim::event::Event;

pub struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    pub fn new(_nodes: &[NodeId]) -> Self {
        Checker {
            violations: Vec::new(),
        }
    }
    pub fn observe(&mut self, _event: &Event) -> Vec<Violation> {
        Vec::new()
    }
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
    pub fn committed_len(&self) -> LogIndex {
        0
    }
}
