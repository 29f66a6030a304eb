//! The replicated log: 1-based, with index 0 standing for "empty prefix" (term 0).

use super::types::{Entry, LogIndex, Term};
use crate::chunked::Chunked;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log {
    /// `entries[i]` holds index `i + 1`. Chunked, so that a checkpoint of the
    /// world shares the log with the run instead of copying it.
    entries: Chunked<Entry>,
}

impl Log {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_entries(entries: Vec<Entry>) -> Self {
        Log {
            entries: Chunked::from(entries),
        }
    }

    pub fn last_index(&self) -> LogIndex {
        self.entries.len() as LogIndex
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// The term at `index`; 0 for index 0; `None` past the end.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        self.entries.get(index as usize - 1).map(|e| e.term)
    }

    pub fn get(&self, index: LogIndex) -> Option<&Entry> {
        if index == 0 {
            return None;
        }
        self.entries.get(index as usize - 1)
    }

    /// Copies of the entries `from ..= to` (clamped to what exists).
    pub fn slice(&self, from: LogIndex, to: LogIndex) -> Vec<Entry> {
        let start = (from.max(1) - 1) as usize;
        self.entries.range(start, to as usize).cloned().collect()
    }

    pub fn entries(&self) -> &Chunked<Entry> {
        &self.entries
    }

    pub fn append(&mut self, entry: Entry) -> LogIndex {
        self.entries.push(entry);
        self.last_index()
    }

    /// Removes the entries at `from` and after.
    pub fn truncate_from(&mut self, from: LogIndex) {
        self.entries.truncate((from.max(1) - 1) as usize);
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
            .map(|p| p as LogIndex + 1)
    }

    /// Raft's "at least as up to date" (§5.4.1): a later last term wins; with equal
    /// last terms, the longer log wins.
    pub fn is_up_to_date(&self, last_log_index: LogIndex, last_log_term: Term) -> bool {
        last_log_term > self.last_term()
            || (last_log_term == self.last_term() && last_log_index >= self.last_index())
    }
}
