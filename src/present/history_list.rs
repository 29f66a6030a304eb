//! The page's lasting event list over a timeline's compact history
//! ([`crate::scenario::lasting`]): the rows at or before the cursor, newest
//! first, filtered by node, kind family and text, a page at a time for a
//! virtualised list. Sentences are made only for the rows asked for — and,
//! with a text filter, for the rows scanned, a budget per call, so a long run
//! never freezes a frame: the index of matching rows is kept between calls
//! and grows as the run does (it starts again when the filter changes or a
//! fork forgets rows).

use super::history::{Family, HistoryFilter, HistoryRow, concerns, row};
use crate::scenario::lasting::Lasting;
use crate::sim::compact_history::{Code, CompactHistory};
use serde::Serialize;

/// Rows a text filter examines per call (each needs its sentence made).
pub const TEXT_BUDGET: usize = 20_000;
/// Rows a node or family filter examines per call (no sentence needed).
pub const CHEAP_BUDGET: usize = 1_000_000;

/// A page of the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPage {
    /// Matching rows at or before the cursor found so far (the list's length).
    pub total: usize,
    /// Rows stored at or before the cursor.
    pub stored: usize,
    /// False while a text filter is still scanning: ask again next frame.
    pub complete: bool,
    /// Rows the filter has examined, of `stored` (for a progress line).
    pub scanned: usize,
    pub rows: Vec<ListRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRow {
    /// The timeline step that made it (seek here on a click).
    pub step: u64,
    #[serde(flatten)]
    pub row: HistoryRow,
}

/// The matching rows found so far, for one filter.
#[derive(Clone, Debug, Default)]
pub struct HistoryIndex {
    filter: HistoryFilter,
    generation: u64,
    /// Rows examined: `0..scanned`.
    scanned: usize,
    /// Positions of the matching rows among them, ascending.
    matched: Vec<u32>,
}

impl HistoryIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows `offset..offset + limit` of the list at cursor step `cursor_step`
    /// (newest first), scanning at most a budget of new rows first.
    pub fn page(
        &mut self,
        lasting: &Lasting,
        cursor_step: u64,
        filter: &HistoryFilter,
        offset: usize,
        limit: usize,
    ) -> ListPage {
        let rows = &lasting.rows;
        if *filter != self.filter || lasting.generation != self.generation || self.scanned > rows.len() {
            *self = HistoryIndex {
                filter: filter.clone(),
                generation: lasting.generation,
                ..HistoryIndex::default()
            };
        }
        let stored = rows.count_through_step(cursor_step);
        let budget = if filter.text.is_empty() {
            CHEAP_BUDGET
        } else {
            TEXT_BUDGET
        };
        self.scan(rows, rows.len().min(self.scanned + budget));
        let visible = self
            .matched
            .partition_point(|&i| rows.step(i as usize) <= cursor_step);
        let page = (offset.min(visible)..visible.min(offset.saturating_add(limit)))
            .map(|k| {
                let i = self.matched[visible - 1 - k] as usize;
                ListRow {
                    step: rows.step(i),
                    row: row(i, &rows.get(i)),
                }
            })
            .collect();
        ListPage {
            total: visible,
            stored,
            complete: self.scanned >= stored,
            scanned: self.scanned.min(stored),
            rows: page,
        }
    }

    fn scan(&mut self, rows: &CompactHistory, end: usize) {
        let needle = self.filter.text.to_lowercase();
        for i in self.scanned..end {
            if matches(rows, i, &self.filter, &needle) {
                self.matched.push(i as u32);
            }
        }
        self.scanned = self.scanned.max(end);
    }
}

/// Whether row `i` passes the filter: family and node from the row's code and
/// slots (decoding only spilled rows), the text from its sentence.
fn matches(rows: &CompactHistory, i: usize, filter: &HistoryFilter, needle: &str) -> bool {
    let code = rows.code(i);
    let mut decoded = None;
    let mut record = || decoded.get_or_insert_with(|| rows.get(i)).clone();
    if !filter.families.is_empty() {
        let family = family_of(code).unwrap_or_else(|| Family::of(&record().recorded));
        if !filter.families.contains(&family) {
            return false;
        }
    }
    if let Some(n) = filter.node {
        let yes = rows
            .concerns(i, n)
            .unwrap_or_else(|| concerns(&record(), n));
        if !yes {
            return false;
        }
    }
    needle.is_empty() || row(i, &record()).text.to_lowercase().contains(needle)
}

/// A row's family from its code (`None` for a spilled row: decode it).
fn family_of(code: Code) -> Option<Family> {
    Some(match code {
        Code::Spilled => return None,
        Code::Send | Code::Deliver | Code::Drop | Code::Duplicate => Family::Messages,
        Code::Role | Code::HardState => Family::Elections,
        Code::LogAppend | Code::LogTruncate | Code::Commit | Code::Apply => Family::Log,
        Code::ClientInvoke | Code::ClientOk | Code::ClientRetry => Family::Clients,
        Code::StaleTerm
        | Code::AlreadyVoted
        | Code::MissingEntry
        | Code::TermMismatch
        | Code::NotLeader
        | Code::StaleRejection => Family::Rejections,
    })
}
