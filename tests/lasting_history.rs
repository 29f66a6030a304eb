//! The timeline's lasting history (compact rows): every row decodes to the
//! sentence `present::history` makes from the full record; filters agree; the
//! list at a cursor in the past shows the run up to it; a fork keeps exactly
//! the rows of the new branch; the client requests; the memory per row.

use raft_playground::present::client_history;
use raft_playground::present::history::{Family, HistoryFilter, events};
use raft_playground::present::history_list::HistoryIndex;
use raft_playground::scenario::Scenario;
use raft_playground::scenario::timeline::{CheckpointPolicy, Timeline};
use raft_playground::sim::sweep::SweepConfig;
use raft_playground::sim::{Action, MS, SECOND, TraceMode};

/// Five nodes, three busy clients, a partition and a heal, a crash and a restart.
fn scenario() -> Scenario {
    Scenario::new(SweepConfig::default().sim_config(7))
        .at(
            SECOND,
            Action::Partition {
                groups: vec![vec![1, 2], vec![3, 4, 5]],
            },
        )
        .at(2 * SECOND, Action::Heal)
        .at(2500 * MS, Action::Crash { node: 3 })
        .at(3 * SECOND, Action::Restart { node: 3 })
}

fn timeline(s: &Scenario) -> Timeline {
    let mut t = Timeline::new(s.clone(), TraceMode::Hash, 50, CheckpointPolicy::default()).unwrap();
    t.keep_history();
    t
}

/// The whole list at the cursor, oldest first, as (time, kind, text, nodes).
fn list(t: &Timeline, filter: &HistoryFilter) -> Vec<(f64, String, String, Vec<u64>)> {
    let mut index = HistoryIndex::new();
    let step = t.position().step;
    let lasting = t.lasting().unwrap();
    let mut page = index.page(lasting, step, filter, 0, 0);
    while !page.complete {
        page = index.page(lasting, step, filter, 0, 0);
    }
    let mut rows: Vec<_> = index
        .page(lasting, step, filter, 0, usize::MAX)
        .rows
        .into_iter()
        .map(|r| (r.row.time, r.row.kind.to_string(), r.row.text, r.row.nodes))
        .collect();
    rows.reverse();
    rows
}

/// The same from the full (uncompacted) history of a plain world.
fn reference(
    s: &Scenario,
    until: u64,
    filter: &HistoryFilter,
) -> Vec<(f64, String, String, Vec<u64>)> {
    let mut w = s.to_world(TraceMode::Hash, 50).unwrap();
    assert_eq!(w.keep_history(false), 0);
    w.run_until(until);
    events(w.history().unwrap(), filter, 0, usize::MAX)
        .rows
        .into_iter()
        .map(|r| (r.time, r.kind.to_string(), r.text, r.nodes))
        .collect()
}

fn filters() -> Vec<HistoryFilter> {
    vec![
        HistoryFilter::default(),
        HistoryFilter {
            node: Some(3),
            ..Default::default()
        },
        HistoryFilter {
            families: vec![Family::Rejections],
            ..Default::default()
        },
        HistoryFilter {
            families: vec![Family::Faults, Family::Clients],
            node: Some(1),
            ..Default::default()
        },
        HistoryFilter {
            text: "STALE".into(),
            ..Default::default()
        },
    ]
}

#[test]
fn compact_rows_read_back_as_the_full_history_with_every_filter() {
    let s = scenario();
    let mut t = timeline(&s);
    t.seek(4 * SECOND);
    for f in filters() {
        let ours = list(&t, &f);
        assert!(!ours.is_empty(), "{f:?} matches something");
        assert_eq!(ours, reference(&s, 4 * SECOND, &f), "{f:?}");
    }
    let rejections = list(
        &t,
        &HistoryFilter {
            families: vec![Family::Rejections],
            ..Default::default()
        },
    );
    assert!(
        rejections
            .iter()
            .all(|r| r.2.contains("because") || r.2.contains(':') || r.2.len() > 30),
        "every rejection says why"
    );
    let lasting = t.lasting().unwrap();
    assert!(
        lasting.rows.spilled_count() * 20 < lasting.rows.len(),
        "few rows kept whole"
    );
}

#[test]
fn a_seek_back_lists_the_run_up_to_the_cursor() {
    let s = scenario();
    let mut t = timeline(&s);
    t.seek(4 * SECOND);
    let all = HistoryFilter::default();
    t.seek(1500 * MS);
    assert_eq!(list(&t, &all), reference(&s, 1500 * MS, &all));
    t.seek_step(t.position().step - 3);
    let step = t.position().step;
    let rows = list(&t, &all);
    let lasting = t.lasting().unwrap();
    assert_eq!(rows.len(), lasting.rows.count_through_step(step));
    // Clicking a row seeks to its step: the world is then as a fresh replay.
    let mut index = HistoryIndex::new();
    let row = index.page(lasting, step, &all, 10, 1).rows[0].clone();
    t.seek_step(row.step);
    let mut fresh = timeline(&s);
    fresh.seek_step(row.step);
    assert_eq!(t.world().trace_hash(), fresh.world().trace_hash());
    assert_eq!(t.position(), fresh.position());
    assert_eq!(t.position().time as f64 / MS as f64, row.row.time);
}

#[test]
fn a_fork_keeps_the_rows_of_the_new_branch_and_a_switch_brings_the_old_back() {
    let s = scenario();
    let mut t = timeline(&s);
    t.seek(4 * SECOND);
    let all = HistoryFilter::default();
    let before = list(&t, &all);
    t.seek(1800 * MS);
    t.act(Action::Crash { node: 1 }).unwrap();
    t.seek(3500 * MS);
    let forked = t.scenario(Default::default());
    let (ours, theirs) = (list(&t, &all), reference(&forked, 3500 * MS, &all));
    let first = ours.iter().zip(&theirs).position(|(a, b)| a != b);
    assert_eq!(
        (ours.len(), first),
        (theirs.len(), None),
        "{:?}",
        first.map(|i| (&ours[i], &theirs[i]))
    );
    // The abandoned future is kept as the last branch.
    t.switch_branch(t.branches().len() - 1).unwrap();
    t.seek(4 * SECOND);
    let after = list(&t, &all);
    let first = before.iter().zip(&after).position(|(a, b)| a != b);
    assert_eq!(
        (before.len(), first),
        (after.len(), None),
        "{:?}",
        first.map(|i| (&before[i], &after[i]))
    );
}

#[test]
fn client_requests_as_bars_at_the_cursor() {
    let s = scenario();
    let mut t = timeline(&s);
    t.seek(4 * SECOND);
    let v = client_history::view(&t, 0, 4 * SECOND).unwrap();
    assert!(v.clients.len() >= 3, "{:?}", v.clients);
    let ok: Vec<_> = v.bars.iter().filter(|b| b.status == "ok").collect();
    assert!(!ok.is_empty());
    assert!(
        ok.iter()
            .all(|b| b.index.is_some_and(|i| i > 0) && b.end_ms.is_some())
    );
    assert!(
        ok.iter()
            .filter(|b| b.kind == "get")
            .all(|b| b.result.is_some())
    );
    assert!(
        v.bars
            .iter()
            .filter(|b| b.status == "pending")
            .all(|b| b.end_ms.is_none())
    );
    // At an earlier cursor a request answered later is still pending.
    let later = ok.last().unwrap();
    let (client, seq, end) = (later.client, later.seq, later.end_ms.unwrap());
    t.seek(((end - 0.001) * MS as f64) as u64);
    let v = client_history::view(&t, 0, 4 * SECOND).unwrap();
    let bar = v
        .bars
        .iter()
        .find(|b| b.client == client && b.seq == seq)
        .unwrap();
    assert_eq!(bar.status, "pending");
}

#[test]
fn a_row_costs_a_few_dozen_bytes() {
    let s = Scenario::new(SweepConfig::default().sim_config(1));
    let mut t = timeline(&s);
    t.seek(60 * SECOND);
    let l = t.lasting().unwrap();
    let per_row = l.rows.bytes() as f64 / l.rows.len() as f64;
    println!(
        "60 s busy: {} rows, {} kept whole, {:.1} bytes per row, {:.2} MB with the requests",
        l.rows.len(),
        l.rows.spilled_count(),
        per_row,
        l.bytes() as f64 / 1e6
    );
    assert!(per_row < 40.0, "{per_row} bytes per row");
}
