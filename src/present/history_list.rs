//! The page's lasting event list over a timeline's compact history
//! ([`crate::scenario::lasting`]): the rows at or before the cursor, newest
//! first, filtered by node, kind family and text, a page at a time for a
//! virtualised list. Sentences are made only for the rows asked for — and,
//! with a text filter, for the rows scanned, a budget per call, so a long run
//! never freezes a frame: the index of matching rows is kept between calls
//! and grows as the run does (it starts again when the filter changes or a
//! fork forgets rows).

use super::history::{Family, HistoryFilter, HistoryRow, concerns, row};
use crate::raft::NodeId;
use crate::scenario::lasting::Lasting;
use crate::sim::compact_history::{Code, CompactHistory, RowMeta};
use crate::sim::history::HistoryRecord;
use serde::Serialize;

/// Rows a text filter examines per call (each needs its sentence made: a
/// few milliseconds' worth, see `examples/history_bench`).
pub const TEXT_BUDGET: usize = 2_000;
/// Rows a node or family filter examines per call (no sentence needed).
pub const CHEAP_BUDGET: usize = 50_000;

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

/// A filter from the page's fields: `families` comma-separated
/// (`messages,elections,log,clients,faults,rejections,violations`; empty for
/// all), `text` matched ignoring case.
pub fn filter(node: Option<NodeId>, families: &str, text: &str) -> Result<HistoryFilter, String> {
    Ok(HistoryFilter {
        node,
        families: families
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(Family::parse)
            .collect::<Result<_, _>>()?,
        text: text.to_string(),
    })
}

/// What the lasting history holds, for the page's status line and the README.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryStats {
    pub rows: usize,
    pub requests: usize,
    pub bytes: usize,
    pub bytes_per_row: f64,
}

pub fn stats(lasting: &Lasting) -> HistoryStats {
    HistoryStats {
        rows: lasting.rows.len(),
        requests: lasting.requests.all().len(),
        bytes: lasting.bytes(),
        bytes_per_row: lasting.rows.bytes() as f64 / lasting.rows.len().max(1) as f64,
    }
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
        if *filter != self.filter
            || lasting.generation != self.generation
            || self.scanned > rows.len()
        {
            *self = HistoryIndex {
                filter: filter.clone(),
                generation: lasting.generation,
                ..HistoryIndex::default()
            };
        }
        let stored = rows.count_through_step(cursor_step);
        if *filter == HistoryFilter::default() {
            // Every row matches: the list is the rows themselves.
            let page = (offset.min(stored)..stored.min(offset.saturating_add(limit)))
                .map(|k| list_row(rows, stored - 1 - k))
                .collect();
            return ListPage {
                total: stored,
                stored,
                complete: true,
                scanned: stored,
                rows: page,
            };
        }
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
            .map(|k| list_row(rows, self.matched[visible - 1 - k] as usize))
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
        let filter = &self.filter;
        let matched = &mut self.matched;
        rows.scan(self.scanned, end, |i, meta| {
            if matches(rows, i, meta, filter, &needle) {
                matched.push(i as u32);
            }
        });
        self.scanned = self.scanned.max(end);
    }
}

fn list_row(rows: &CompactHistory, i: usize) -> ListRow {
    ListRow {
        step: rows.step(i),
        row: row(i, &rows.get(i)),
    }
}

/// Whether row `i` passes the filter: family and node from the row's code and
/// slots (decoding only spilled rows), the text from its sentence.
fn matches(
    rows: &CompactHistory,
    i: usize,
    meta: RowMeta,
    filter: &HistoryFilter,
    needle: &str,
) -> bool {
    let mut decoded: Option<HistoryRecord> = None;
    let mut record = || decoded.get_or_insert_with(|| rows.get(i)).clone();
    if !filter.families.is_empty() {
        let family = family_of(meta.code).unwrap_or_else(|| Family::of(&record().recorded));
        if !filter.families.contains(&family) {
            return false;
        }
    }
    if let Some(n) = filter.node {
        let yes = meta.concerns(n).unwrap_or_else(|| concerns(&record(), n));
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
