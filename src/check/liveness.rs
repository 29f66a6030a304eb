//! TEMPORARY placeholder until the checker branch lands (replaced on merge).
use crate::check::Violation;
use crate::raft::Time;
use crate::sim::event::Event;

#[derive(Default)]
pub struct LivenessWatch {}

impl LivenessWatch {
    pub fn new() -> Self {
        LivenessWatch {}
    }
    pub fn set_final_heal(&mut self, _time: Time) {}
    pub fn observe(&mut self, _event: &Event) {}
    pub fn finish(&self, _end: Time, _bound: Time) -> Vec<Violation> {
        Vec::new()
    }
}
