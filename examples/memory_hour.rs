//! Heap after one simulated hour with 3 clients, as the page runs it (the
//! benchmark's workload: 5 nodes, seed 1, latency 10-15 ms, election timeout
//! 100-200 ms; the page's timeline with its checkpoints), with log compaction
//! off and on (issue 11: ≤ 50 MB with it on). Also what dominates: the live
//! world alone (no checkpoints), and the world's parts.
//!
//! ```text
//! cargo run --release --example memory_hour [THRESHOLD]
//! ```
//!
//! Bytes are exact (a counting allocator, live bytes = allocated - freed);
//! the wasm's linear memory is at least this plus allocator slack.

use raft_playground::scenario::Scenario;
use raft_playground::scenario::timeline::{CheckpointPolicy, Timeline};
use raft_playground::sim::{ClientConfig, MS, NetworkConfig, SECOND, SimConfig, TraceMode, World};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

fn config(threshold: u64) -> SimConfig {
    let mut c = SimConfig {
        nodes: 5,
        seed: 1,
        clients: ClientConfig {
            count: 3,
            ..ClientConfig::default()
        },
        network: NetworkConfig {
            latency_min: 10 * MS,
            latency_max: 15 * MS,
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    c.raft.election_timeout_min = 100 * MS;
    c.raft.election_timeout_max = 200 * MS;
    c.raft.snapshot_threshold = threshold;
    c
}

fn main() {
    let on: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("THRESHOLD: a number"))
        .unwrap_or(1000);
    for threshold in [0, on] {
        // The live world alone (what the run itself holds).
        let base = LIVE.load(Ordering::Relaxed);
        let mut world = World::new(config(threshold), TraceMode::Off, 500).unwrap();
        world.run_until(3600 * SECOND);
        let world_bytes = LIVE.load(Ordering::Relaxed) - base;
        let logs: u64 = world
            .servers()
            .iter()
            .map(|s| s.disk.log.entries().len() as u64)
            .sum();
        let committed = world.checker().committed_len();
        drop(world);

        // As the page holds it: the timeline with its checkpoints.
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let scenario = Scenario::new(config(threshold));
        let mut timeline =
            Timeline::new(scenario, TraceMode::Off, 500, CheckpointPolicy::default()).unwrap();
        for minute in 1..=60 {
            timeline.seek(minute * 60 * SECOND);
        }
        let with_timeline = LIVE.load(Ordering::Relaxed) - base;
        let peak = PEAK.load(Ordering::Relaxed) - base;
        println!(
            "threshold {threshold:>5}: the page's timeline {:.1} MiB live ({} checkpoints), peak {:.1} MiB; \
             the world alone {:.1} MiB; log entries on the disks (all nodes) {logs}; committed {committed}",
            with_timeline as f64 / MIB,
            timeline.checkpoint_count(),
            peak as f64 / MIB,
            world_bytes as f64 / MIB,
        );
        drop(timeline);
    }
}
