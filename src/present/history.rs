//! The page's whole-run event list: one sentence per row of the run's
//! [`History`], filtered by node, kind family and text, a page at a time (for a
//! virtualised list; click a row's `time` to seek there).

use super::describe::{self, MessageLink};
use crate::event::{Address, EventKind};
use crate::raft::{NodeId, Time};
use crate::sim::history::{History, HistoryRecord, MessageStep, Recorded};
use serde::Serialize;

/// The kinds of event a person filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// send, deliver, drop, duplicate.
    Messages,
    /// role, hard_state.
    Elections,
    /// log_append, log_truncate, commit, apply.
    Log,
    /// client_invoke, client_ok, client_retry, client_fail.
    Clients,
    /// crash, restart, partition, cut, heal, force_timeout, setting.
    Faults,
    /// rejected: a node refused or ignored an input.
    Rejections,
    Violations,
}

impl Family {
    pub const ALL: [Family; 7] = [
        Family::Messages,
        Family::Elections,
        Family::Log,
        Family::Clients,
        Family::Faults,
        Family::Rejections,
        Family::Violations,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Messages => "messages",
            Family::Elections => "elections",
            Family::Log => "log",
            Family::Clients => "clients",
            Family::Faults => "faults",
            Family::Rejections => "rejections",
            Family::Violations => "violations",
        }
    }

    /// "log" -> `Family::Log`; an unknown name is an error sentence.
    pub fn parse(name: &str) -> Result<Family, String> {
        Family::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "Unknown event family \"{name}\"; use one of: {}.",
                    names.join(", ")
                )
            })
    }

    pub(crate) fn of(recorded: &Recorded) -> Family {
        let kind = match recorded {
            Recorded::Message { .. } => return Family::Messages,
            Recorded::Other(kind) => kind,
        };
        match **kind {
            EventKind::Send { .. }
            | EventKind::Deliver { .. }
            | EventKind::Drop { .. }
            | EventKind::Duplicate { .. } => Family::Messages,
            EventKind::Role { .. } | EventKind::HardState { .. } => Family::Elections,
            EventKind::LogAppend { .. }
            | EventKind::LogTruncate { .. }
            | EventKind::Commit { .. }
            | EventKind::Apply { .. }
            | EventKind::Snapshot { .. }
            | EventKind::SnapshotRestore { .. } => Family::Log,
            EventKind::ClientInvoke { .. }
            | EventKind::ClientOk { .. }
            | EventKind::ClientRetry { .. }
            | EventKind::ClientFail { .. }
            | EventKind::ReadServe { .. } => Family::Clients,
            EventKind::Crash { .. }
            | EventKind::Restart { .. }
            | EventKind::Partition { .. }
            | EventKind::Cut { .. }
            | EventKind::Heal
            | EventKind::ForceTimeout { .. }
            | EventKind::Pause { .. }
            | EventKind::Resume { .. }
            | EventKind::ClockRate { .. }
            | EventKind::Setting { .. } => Family::Faults,
            EventKind::QuorumLost { .. }
            | EventKind::TransferStart { .. }
            | EventKind::TransferAbort { .. }
            | EventKind::Membership { .. } => Family::Elections,
            EventKind::Rejected { .. } => Family::Rejections,
            EventKind::Violation(_) => Family::Violations,
        }
    }
}

/// Which rows to show. Empty `families` and `text` match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// Rows concerning this node (as sender, receiver or subject).
    pub node: Option<NodeId>,
    pub families: Vec<Family>,
    /// Rows whose sentence contains this, ignoring case.
    pub text: String,
}

/// One row of the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryRow {
    /// The row's position in the whole history (stable as the run grows).
    pub index: usize,
    /// Milliseconds (seek here on a click).
    pub time: f64,
    /// The event's tag, as the recent-events list has it ("role", "rejected", …).
    pub kind: &'static str,
    pub text: String,
    pub nodes: Vec<NodeId>,
}

/// A page of matching rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    /// Rows matching the filter (the list's length).
    pub total: usize,
    /// Rows kept in the whole history.
    pub stored: usize,
    /// Heartbeat steps and deliveries counted but not kept.
    pub skipped: u64,
    pub rows: Vec<HistoryRow>,
}

/// The rows of `history` matching `filter`, skipping `offset` of them, at most `limit`.
pub fn events(
    history: &History,
    filter: &HistoryFilter,
    offset: usize,
    limit: usize,
) -> HistoryPage {
    let needle = filter.text.to_lowercase();
    let mut total = 0;
    let mut rows = Vec::new();
    for (index, record) in history.records().iter().enumerate() {
        if !filter.families.is_empty() && !filter.families.contains(&Family::of(&record.recorded)) {
            continue;
        }
        // Node and family are cheap: test them before making the sentence.
        if let Some(n) = filter.node
            && !concerns(record, n)
        {
            continue;
        }
        let wanted = total >= offset && rows.len() < limit;
        if needle.is_empty() && !wanted {
            total += 1;
            continue;
        }
        let row = row(index, record);
        if !needle.is_empty() && !row.text.to_lowercase().contains(&needle) {
            continue;
        }
        if wanted {
            rows.push(row);
        }
        total += 1;
    }
    HistoryPage {
        total,
        stored: history.records().len(),
        skipped: history.skipped(),
        rows,
    }
}

pub(crate) fn concerns(record: &HistoryRecord, node: NodeId) -> bool {
    match &record.recorded {
        Recorded::Message { hop, .. } => {
            hop.is_some_and(|h| h.from == Address::Node(node) || h.to == Address::Node(node))
        }
        Recorded::Other(kind) => describe::event(kind).nodes.contains(&node),
    }
}

pub(crate) fn row(index: usize, record: &HistoryRecord) -> HistoryRow {
    let (kind, text, nodes) = match &record.recorded {
        Recorded::Other(kind) => {
            let line = describe::event(kind);
            (line.tag, line.text, line.nodes)
        }
        Recorded::Message { id, step, hop } => {
            let link = hop.map(|h| MessageLink {
                from: h.from,
                to: h.to,
                kind: h.kind,
            });
            let nodes = hop
                .map(|h| {
                    [h.from, h.to]
                        .into_iter()
                        .filter_map(Address::node)
                        .collect()
                })
                .unwrap_or_default();
            let what = match hop {
                Some(h) => format!(
                    "{} → {}: {} (#{id})",
                    describe::address(h.from),
                    describe::address(h.to),
                    h.kind
                ),
                None => format!("message #{id}"),
            };
            let (tag, text) = match step {
                MessageStep::Send => ("send", what),
                MessageStep::Deliver => ("deliver", format!("{what} delivered")),
                MessageStep::Drop(reason) => ("drop", describe::drop(*id, *reason, link)),
                MessageStep::Duplicate { copy } => {
                    ("duplicate", format!("{what} duplicated as #{copy}"))
                }
            };
            (tag, text, nodes)
        }
    };
    HistoryRow {
        index,
        time: ms(record.time),
        kind,
        text,
        nodes,
    }
}

fn ms(us: Time) -> f64 {
    us as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Action, MS, SECOND, TraceMode, World};

    fn busy_world() -> World {
        let config = crate::present::input::PageConfig {
            seed: Some(3.0),
            ..Default::default()
        }
        .sim_config()
        .unwrap();
        let mut w = World::new(config, TraceMode::Off, 500).unwrap();
        assert_eq!(w.keep_history(false), 0, "nothing missed at time 0");
        w.run_until(SECOND);
        w.apply(Action::Partition {
            groups: vec![vec![1, 2], vec![3, 4, 5]],
        })
        .unwrap();
        w.run_until(2 * SECOND);
        w.apply(Action::Heal).unwrap();
        w.run_until(3 * SECOND);
        w
    }

    #[test]
    fn filters_by_family_node_and_text_and_pages() {
        let w = busy_world();
        let h = w.history().unwrap();
        let all = events(h, &HistoryFilter::default(), 0, usize::MAX);
        assert_eq!(all.total, h.records().len());
        assert!(all.skipped > 0, "heartbeats are counted, not kept");
        assert!(
            all.rows
                .iter()
                .all(|r| !r.text.contains("Heartbeat") || r.kind == "drop")
        );

        let rejections = HistoryFilter {
            families: vec![Family::Rejections],
            ..Default::default()
        };
        let page = events(h, &rejections, 0, usize::MAX);
        assert!(page.total > 0);
        assert!(page.rows.iter().all(|r| r.kind == "rejected"));

        let node2 = HistoryFilter {
            node: Some(2),
            ..Default::default()
        };
        let page = events(h, &node2, 0, usize::MAX);
        assert!(page.total > 0 && page.total < all.total);
        assert!(page.rows.iter().all(|r| r.nodes.contains(&2)));

        let text = HistoryFilter {
            text: "PARTITIONED LINK".into(),
            ..Default::default()
        };
        let page = events(h, &text, 0, usize::MAX);
        assert!(page.total > 0, "drops name their link");
        assert!(
            page.rows
                .iter()
                .all(|r| r.text.contains("partitioned link S"))
        );

        // Paging: consecutive pages are the full list, cut in order.
        let mut paged = Vec::new();
        let mut offset = 0;
        loop {
            let p = events(h, &node2, offset, 37);
            assert_eq!(p.total, events(h, &node2, 0, 0).total);
            if p.rows.is_empty() {
                break;
            }
            offset += p.rows.len();
            paged.extend(p.rows);
        }
        assert_eq!(paged, events(h, &node2, 0, usize::MAX).rows);
        assert!(
            paged
                .windows(2)
                .all(|w| w[0].index < w[1].index && w[0].time <= w[1].time)
        );
        let last = events(h, &node2, page_total(h, &node2) - 1, 10);
        assert_eq!(last.rows.len(), 1);
        assert!(events(h, &node2, 0, 0).rows.is_empty());
        let _ = MS;
    }

    fn page_total(h: &History, f: &HistoryFilter) -> usize {
        events(h, f, 0, 0).total
    }

    #[test]
    fn family_names_parse_back() {
        for f in Family::ALL {
            assert_eq!(Family::parse(f.name()), Ok(f));
        }
        assert!(
            Family::parse("gossip")
                .unwrap_err()
                .contains("Unknown event family")
        );
    }
}
