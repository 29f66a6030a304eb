//! The memory budget of a timeline's checkpoints: an estimate, from a few
//! counts, of the bytes the checkpoints hold that the present world does not.
//! Deterministic (counts, never the allocator), so a run keeps the same
//! checkpoints on every machine; calibrated against the exact figures of
//! `examples/memory_hour.rs` (a counting allocator).
//!
//! A checkpoint is a clone of the world: its bulk (logs, the checker's
//! shadows and per-index facts, the client history) sits in chunks shared with
//! its neighbours and the present world. What it holds alone is
//! - the tables of those chunks (a pointer per [`CHUNK`] items of each),
//! - everything else of a world (volatile node state, state machines, the
//!   queue, the wire) and the tail chunks the present world wrote after it,
//! - with log compaction, the log entries neither its predecessor nor the
//!   present world still hold (the present world dropped them; a checkpoint
//!   holds the entries between its nodes' snapshots and their last index).

use crate::chunked::CHUNK;
use crate::raft::{Entry, LogIndex};
use crate::sim::World;

/// Chunk tables as long as the committed log: the checker's five node shadows
/// (one per node of the benchmark's cluster), committed prefix and who
/// committed it, three per-index facts, the snapshot reference's digests, and
/// about three for the client history.
const INDEX_LONG_TABLES: usize = 14;

/// Per checkpoint, whatever the run's length: everything of a world that is
/// not chunked, the tail chunks copied after it, and its window of recent
/// events (the page's 500: ~90 KiB; a checkpoint a second back shares none of
/// it). Measured: ~200 KiB with 5 nodes and 3 busy clients.
const FIXED_BYTES: usize = 192 * 1024;

/// A log entry's bytes, with its command's strings.
const ENTRY_BYTES: usize = size_of::<Entry>() + 16;

/// What the budget knows of one world.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Weight {
    /// Chunk tables and the fixed part (see the module).
    fixed: usize,
    /// The log indexes its servers hold, from the lowest first index to the
    /// highest last one (empty when `first > last`).
    first: LogIndex,
    last: LogIndex,
    /// The logs holding them: each server's disk and its node's own copy.
    logs: usize,
}

impl Weight {
    pub fn of(world: &World) -> Weight {
        let committed = world.checker().committed_len() as usize;
        let servers = world.servers();
        let disk_entries: usize = servers.iter().map(|s| s.disk.log.entries().len()).sum();
        let tables =
            (INDEX_LONG_TABLES * committed + 2 * disk_entries) / CHUNK * size_of::<usize>();
        let first = servers
            .iter()
            .map(|s| s.disk.log.first_index())
            .min()
            .unwrap_or(1);
        let last = servers
            .iter()
            .map(|s| s.disk.log.last_index())
            .max()
            .unwrap_or(0);
        Weight {
            fixed: FIXED_BYTES + tables,
            first,
            last,
            logs: 2 * servers.len(),
        }
    }
}

/// The bytes `checkpoints` (in run order) hold alone, estimated, while the
/// present world is `present`: each one's fixed part, and the log entries it
/// holds below what the present world holds and above what the checkpoint
/// before it holds (those are counted there).
pub fn held_alone<'a>(checkpoints: impl Iterator<Item = &'a Weight>, present: &Weight) -> usize {
    let mut total = 0;
    let mut counted_to: LogIndex = 0;
    for w in checkpoints {
        let from = w.first.max(counted_to + 1);
        let to = w.last.min(present.first.saturating_sub(1));
        if from <= to {
            total += (to - from + 1) as usize * w.logs * ENTRY_BYTES;
        }
        counted_to = counted_to.max(w.last);
        total += w.fixed;
    }
    total
}
