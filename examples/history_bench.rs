//! The lasting history of a 10-minute run of 5 nodes with 3 busy clients: rows
//! kept, bytes per row, memory, and the time of the list's queries (a node or
//! family filter over every row; a text filter, one budget of rows per call;
//! a page of 40 rows).
//!
//! ```text
//! cargo run --release --example history_bench
//! ```
//!
//! Figures, not a timed test (the browser's wasm is slower than native).

use raft_playground::present::history::{Family, HistoryFilter};
use raft_playground::present::history_list::{HistoryIndex, TEXT_BUDGET, stats};
use raft_playground::scenario::Scenario;
use raft_playground::scenario::timeline::{CheckpointPolicy, Timeline};
use raft_playground::sim::{ClientConfig, SECOND, SimConfig, TraceMode};
use std::time::Instant;

fn main() {
    let config = SimConfig {
        nodes: 5,
        clients: ClientConfig {
            count: 3,
            ..ClientConfig::default()
        },
        ..SimConfig::default()
    };
    let mut t = Timeline::new(
        Scenario::new(config),
        TraceMode::Off,
        500,
        CheckpointPolicy::default(),
    )
    .expect("valid");
    t.keep_history();
    let run = Instant::now();
    t.seek(600 * SECOND);
    let run = run.elapsed();
    let lasting = t.lasting().expect("kept");
    let s = stats(lasting);
    println!(
        "10 busy minutes ({:.1} s to run): {} rows ({} kept whole), {} requests; {:.2} MB in all, {:.1} bytes per row ({:.2} MB rows, {:.2} MB requests)",
        run.as_secs_f64(),
        s.rows,
        lasting.rows.spilled_count(),
        s.requests,
        s.bytes as f64 / 1e6,
        s.bytes_per_row,
        lasting.rows.bytes() as f64 / 1e6,
        lasting.requests.bytes() as f64 / 1e6,
    );
    let step = t.position().step;
    let time = |name: &str, filter: HistoryFilter| {
        let mut index = HistoryIndex::new();
        let start = Instant::now();
        let first = index.page(lasting, step, &filter, 0, 40);
        let first_call = start.elapsed();
        let mut calls = 1;
        let mut page = first;
        while !page.complete {
            page = index.page(lasting, step, &filter, 0, 40);
            calls += 1;
        }
        let whole = start.elapsed();
        let again = Instant::now();
        index.page(lasting, step, &filter, page.total / 2, 40);
        println!(
            "{name}: {} matches; first call {:.1} ms, whole scan {:.1} ms in {calls} call(s); a page of 40 then {:.2} ms",
            page.total,
            first_call.as_secs_f64() * 1e3,
            whole.as_secs_f64() * 1e3,
            again.elapsed().as_secs_f64() * 1e3,
        );
    };
    time("no filter", HistoryFilter::default());
    time(
        "node 3",
        HistoryFilter {
            node: Some(3),
            ..Default::default()
        },
    );
    time(
        "rejections",
        HistoryFilter {
            families: vec![Family::Rejections],
            ..Default::default()
        },
    );
    time(
        &format!("text \"already voted\" ({TEXT_BUDGET} rows per call)"),
        HistoryFilter {
            text: "already voted".into(),
            ..Default::default()
        },
    );
}
