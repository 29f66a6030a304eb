//! A node's log as the page reads it: entries as text, a fingerprint of the log
//! ([`log_sig`]) and the delta protocol ([`log_delta`]) that lets a page fetch
//! only what was appended since it last looked.

use super::describe;
use crate::raft::{Entry, Log, LogIndex, Term};
use crate::sim::world::Server;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub index: LogIndex,
    pub term: Term,
    /// Readable command: "noop", "put x=1 (c0#3)", ...
    pub command: String,
}

/// FNV-1a over the terms of a log (an entry's index and term fix its content,
/// by Log Matching; the length is folded in too).
pub fn log_sig<'a>(entries: impl ExactSizeIterator<Item = &'a Entry>) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let len = entries.len();
    for e in entries {
        for b in e.term.to_le_bytes() {
            h = (h ^ b as u32).wrapping_mul(0x0100_0193);
        }
    }
    h ^ len as u32
}

/// [`log_sig`] of a whole log, its compacted prefix (log compaction) folded
/// in: a compaction changes it. The same as `log_sig` without compaction.
pub fn log_sig_of(log: &Log) -> u32 {
    let sig = log_sig(log.entries().iter());
    match log.offset() {
        0 => sig,
        offset => sig ^ (offset as u32).wrapping_mul(0x9E37_79B9),
    }
}

/// A node's log: its live log, or its disk while it is crashed.
fn log_of(server: &Server) -> &Log {
    match &server.node {
        Some(n) => n.log(),
        None => &server.disk.log,
    }
}

/// The newest `max` entries of a node's log (from disk while it is crashed).
pub fn log_tail(server: &Server, max: usize) -> Vec<EntryView> {
    newest_entries(log_of(server), Some(max))
}

/// What changed in a node's log since a reader saw it up to index
/// `known_length`, with fingerprint `known_sig` ([`log_sig_of`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogDelta {
    /// The reader's entries are no longer a prefix of the log: `entries` is
    /// the newest `max` entries, to replace them all. Otherwise `entries` are
    /// the ones appended after the known prefix (at most `max`).
    pub reset: bool,
    pub entries: Vec<EntryView>,
    pub log_length: LogIndex,
    pub log_sig: u32,
}

/// The entries appended since the reader's prefix, or the tail if it diverged.
pub fn log_delta(server: &Server, known_length: usize, known_sig: u32, max: usize) -> LogDelta {
    let log = log_of(server);
    let entries = log.entries();
    let offset = log.offset() as usize;
    // Nothing known is a prefix of anything. (A compaction since the reader
    // looked changes the fingerprint: the reader then gets the tail anew.)
    let prefix = known_length == 0
        || (known_length >= offset
            && known_length - offset <= entries.len()
            && log_sig_of_prefix(log, known_length - offset) == known_sig);
    let known = known_length.saturating_sub(offset);
    let (reset, list) = if prefix {
        let new = entries.len() - known;
        let first = known + new.saturating_sub(max);
        (false, entries_from(log, first))
    } else {
        (true, newest_entries(log, Some(max)))
    };
    LogDelta {
        reset,
        entries: list,
        log_length: log.last_index(),
        log_sig: log_sig_of(log),
    }
}

/// [`log_sig_of`] the log's first `kept` entries after its snapshot.
fn log_sig_of_prefix(log: &Log, kept: usize) -> u32 {
    let sig = log_sig(log.entries().range(0, kept));
    match log.offset() {
        0 => sig,
        offset => sig ^ (offset as u32).wrapping_mul(0x9E37_79B9),
    }
}

/// The entries kept from 0-based position `offset` on, viewed with their indexes.
fn entries_from(log: &Log, offset: usize) -> Vec<EntryView> {
    let entries = log.entries();
    let first = log.first_index();
    entries
        .range(offset, entries.len())
        .enumerate()
        .map(|(i, e)| EntryView {
            index: first + (offset + i) as u64,
            term: e.term,
            command: describe::entry(&e.data),
        })
        .collect()
}

/// The newest `max_log` entries (all of them for `None`), viewed.
pub(super) fn newest_entries(log: &Log, max_log: Option<usize>) -> Vec<EntryView> {
    let skip = max_log.map_or(0, |m| log.entries().len().saturating_sub(m));
    entries_from(log, skip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::Op;
    use crate::present::View;
    use crate::present::test_world::busy_world;
    use crate::sim::{Action, MS, World};

    #[test]
    fn log_deltas_carry_only_what_was_appended_unless_the_log_diverged() {
        let mut w = busy_world();
        let s = |w: &World| View::of(w, 0).nodes[0].clone();
        let before = s(&w);
        fn server(w: &World) -> &Server {
            w.server(1).unwrap()
        }
        // Nothing new.
        let d = log_delta(server(&w), before.log.len(), before.log_sig, 100);
        assert!(!d.reset && d.entries.is_empty());
        assert_eq!(
            (d.log_length, d.log_sig),
            (before.log_length, before.log_sig)
        );
        // Appends: only the new entries, with their indexes.
        w.apply(Action::Client {
            op: Op::Put {
                key: "z".into(),
                value: "1".into(),
            },
            to: None,
        })
        .unwrap();
        w.run_until(w.now() + 500 * MS);
        let after = s(&w);
        let d = log_delta(server(&w), before.log.len(), before.log_sig, 100);
        assert!(!d.reset);
        assert_eq!(d.entries, after.log[before.log.len()..].to_vec());
        assert_eq!(d.log_sig, after.log_sig);
        // At most `max`, the newest.
        let d = log_delta(server(&w), 0, 12345, 2);
        assert!(!d.reset);
        assert_eq!(d.entries, after.log[after.log.len() - 2..].to_vec());
        // A reader whose prefix differs (a wrong fingerprint, or longer than
        // the log) gets the tail to start over.
        let d = log_delta(server(&w), before.log.len(), before.log_sig ^ 1, 3);
        assert!(d.reset);
        assert_eq!(d.entries, after.log[after.log.len() - 3..].to_vec());
        assert!(log_delta(server(&w), 10_000, 0, 3).reset);
    }
}
