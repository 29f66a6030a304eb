//! The page's golden run, natively: the same script as the browser test in
//! tests/wasm_facade.rs, which must reach the same trace hash in wasm.

use raft_playground::kv::Op;
use raft_playground::present::input::PageConfig;
use raft_playground::sim::{Action, MS, TraceMode, World};

/// Seed 7, five nodes: run 1 s, write x=1, run to 2 s, crash node 2, run 500 ms,
/// restart it, run 500 ms.
pub fn golden_run() -> World {
    let config = PageConfig {
        seed: Some(7.0),
        ..PageConfig::default()
    }
    .sim_config()
    .unwrap();
    let mut w = World::new(config, TraceMode::Hash, 0).unwrap();
    w.run_until(1000 * MS);
    w.apply(Action::Client {
        op: Op::Put {
            key: "x".into(),
            value: "1".into(),
        },
        to: None,
    })
    .unwrap();
    w.run_until(2000 * MS);
    w.apply(Action::Crash { node: 2 }).unwrap();
    w.run_until(2500 * MS);
    w.apply(Action::Restart { node: 2 }).unwrap();
    w.run_until(3000 * MS);
    w
}

#[test]
fn golden_trace_hash_matches_the_file_shared_with_the_browser_test() {
    let w = golden_run();
    let expected = include_str!("data/facade_trace_hash.txt").trim();
    assert_eq!(
        w.trace_hash(),
        expected,
        "if the simulator changed on purpose, write the new hash to tests/data/facade_trace_hash.txt"
    );
    assert!(w.leader().is_some());
}
