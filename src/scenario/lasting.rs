//! The lasting history of a timeline: every row of the run (compact) and every
//! client request, recorded as the run first reaches new ground and cut where a
//! fork or a branch switch cuts the future. Each row keeps the step that made
//! it, so a reader at a cursor in the past shows the run up to the cursor.

use crate::sim::client_requests::ClientRequests;
use crate::sim::compact_history::CompactHistory;
use crate::sim::history::HistoryRecord;

#[derive(Default)]
pub struct Lasting {
    pub rows: CompactHistory,
    pub requests: ClientRequests,
    /// Bumped whenever rows are forgotten, so a reader's cached index knows
    /// to start again.
    pub generation: u64,
}

impl Lasting {
    pub fn record(&mut self, step: u64, records: Vec<HistoryRecord>) {
        for r in &records {
            self.rows.push(step, r);
            self.requests.record(step, r);
        }
    }

    pub fn cut_after_step(&mut self, step: u64) {
        if self.rows.len() > self.rows.count_through_step(step) {
            self.generation += 1;
        }
        self.rows.cut_after_step(step);
        self.requests.cut_after_step(step);
    }

    /// The memory held, in bytes (rows and requests).
    pub fn bytes(&self) -> usize {
        self.rows.bytes() + self.requests.bytes()
    }
}
