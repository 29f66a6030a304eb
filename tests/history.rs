//! The page's whole-run history: its memory for a long busy run (measured, not
//! timed: run with `--ignored --nocapture` to print it).

use raft_playground::present::history::{HistoryFilter, events};
use raft_playground::sim::sweep::SweepConfig;
use raft_playground::sim::{SECOND, TraceMode, World};

#[test]
#[ignore = "a measurement: 10 simulated minutes"]
fn ten_busy_minutes_fit_in_modest_memory() {
    // Five nodes, three busy clients (the sweep's cluster), no faults.
    let config = SweepConfig::default().sim_config(1);
    let mut w = World::new(config, TraceMode::Off, 500).unwrap();
    w.keep_history(false);
    w.run_until(600 * SECOND);
    let h = w.history().unwrap();
    let bytes = h.approx_bytes();
    println!(
        "10 min: {} events, {} rows kept, {} heartbeat steps and deliveries counted, ~{:.1} MB",
        w.trace().recorded_count(),
        h.records().len(),
        h.skipped(),
        bytes as f64 / 1e6
    );
    let all = events(h, &HistoryFilter::default(), 0, 50);
    assert_eq!(all.rows.len(), 50);
    assert!(bytes < 160_000_000, "{bytes} bytes");
}
