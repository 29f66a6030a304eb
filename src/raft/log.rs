//! The replicated log: 1-based, with index 0 standing for "empty prefix" (term 0).
//! With log compaction, a [`Snapshot`] replaces a prefix: the entries kept are
//! those after `snapshot.last_index`, and that index answers with the snapshot's
//! term (the consistency check's boundary); indexes below it are gone (`None`).

use super::snapshot::Snapshot;
use super::types::{Entry, LogIndex, Term};
use crate::chunked::Chunked;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log {
    /// `entries[i]` holds index `offset() + i + 1`. Chunked, so that a checkpoint
    /// of the world shares the log with the run instead of copying it.
    entries: Chunked<Entry>,
    /// The snapshot standing for the compacted prefix `1..=last_index`, if any.
    /// Absent from JSON when none (old links and hashes hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    snapshot: Option<Snapshot>,
}

impl Log {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_entries(entries: Vec<Entry>) -> Self {
        Log {
            entries: Chunked::from(entries),
            snapshot: None,
        }
    }

    /// The last compacted index (the snapshot's), 0 without a snapshot.
    pub fn offset(&self) -> LogIndex {
        self.snapshot.as_ref().map_or(0, |s| s.last_index)
    }

    /// The snapshot that replaced the log's prefix, if any.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }

    /// The index of `entries()[0]`.
    pub fn first_index(&self) -> LogIndex {
        self.offset() + 1
    }

    pub fn last_index(&self) -> LogIndex {
        self.offset() + self.entries.len() as LogIndex
    }

    pub fn last_term(&self) -> Term {
        match self.entries.last() {
            Some(e) => e.term,
            None => self.snapshot.as_ref().map_or(0, |s| s.last_term),
        }
    }

    /// The term at `index`; 0 for index 0; the snapshot's term at its last
    /// index; `None` past the end or inside the compacted prefix.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        let offset = self.offset();
        if index == offset {
            return self.snapshot.as_ref().map(|s| s.last_term);
        }
        if index < offset {
            return None;
        }
        self.entries
            .get((index - offset) as usize - 1)
            .map(|e| e.term)
    }

    pub fn get(&self, index: LogIndex) -> Option<&Entry> {
        let offset = self.offset();
        if index <= offset {
            return None;
        }
        self.entries.get((index - offset) as usize - 1)
    }

    /// Copies of the entries `from ..= to` (clamped to what the log still holds).
    pub fn slice(&self, from: LogIndex, to: LogIndex) -> Vec<Entry> {
        let offset = self.offset();
        let start = (from.max(offset + 1) - offset - 1) as usize;
        let end = to.saturating_sub(offset) as usize;
        self.entries.range(start, end).cloned().collect()
    }

    /// The entries kept (after the snapshot): `entries()[i]` is index `first_index() + i`.
    pub fn entries(&self) -> &Chunked<Entry> {
        &self.entries
    }

    /// Replaces the prefix `1..=snapshot.last_index` by `snapshot` (§5.1, Figure
    /// 13): if the log holds that index with the snapshot's term, the entries
    /// after it are kept (they extend the same prefix); otherwise the whole log
    /// is dropped. A snapshot not past the current one changes nothing.
    pub fn compact(&mut self, snapshot: Snapshot) {
        let (index, term) = (snapshot.last_index, snapshot.last_term);
        let offset = self.offset();
        if index <= offset && self.snapshot.is_some() {
            return;
        }
        if self.term_at(index) == Some(term) {
            self.entries.drop_front((index - offset) as usize);
        } else {
            self.entries = Chunked::new();
        }
        self.snapshot = Some(snapshot);
    }

    pub fn append(&mut self, entry: Entry) -> LogIndex {
        self.entries.push(entry);
        self.last_index()
    }

    /// Removes the entries at `from` and after (never the compacted prefix).
    pub fn truncate_from(&mut self, from: LogIndex) {
        let offset = self.offset();
        self.entries
            .truncate((from.max(offset + 1) - offset - 1) as usize);
    }

    /// The first index holding an entry of `term`, searching back from `at`
    /// (whose term must be `term`).
    pub fn first_index_of_term(&self, term: Term, at: LogIndex) -> LogIndex {
        let mut i = at;
        while i > 1 && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }

    /// The last index holding an entry of `term`, if any (for the leader's use of a
    /// conflict hint).
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        self.entries
            .iter()
            .rposition(|e| e.term == term)
            .map(|p| self.offset() + p as LogIndex + 1)
    }

    /// Raft's "at least as up to date" (§5.4.1): a later last term wins; with equal
    /// last terms, the longer log wins.
    pub fn is_up_to_date(&self, last_log_index: LogIndex, last_log_term: Term) -> bool {
        last_log_term > self.last_term()
            || (last_log_term == self.last_term() && last_log_index >= self.last_index())
    }
}
