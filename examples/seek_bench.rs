//! Random seeks in a 10-minute run of 5 nodes with 3 busy automatic clients:
//! the time per seek (p50, p95), the checkpoints kept and their memory.
//!
//! ```text
//! cargo run --release --example seek_bench
//! ```
//!
//! Figures, not a timed test: the bytes are exact (a counting allocator), the
//! times depend on the machine (and the browser's wasm is slower).

use raft_playground::rng::Rng;
use raft_playground::scenario::Scenario;
use raft_playground::scenario::timeline::{CheckpointPolicy, Timeline};
use raft_playground::sim::{ClientConfig, SECOND, SimConfig, TraceMode};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting the bytes live (handed out, not yet freed).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const RUN: u64 = 600 * SECOND;
const SEEKS: usize = 100;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let config = SimConfig {
        nodes: 5,
        clients: ClientConfig {
            count: 3,
            ..ClientConfig::default()
        },
        ..SimConfig::default()
    };
    let scenario = Scenario::new(config);
    let before = live();
    let plain = Instant::now();
    let world = scenario.replay(RUN, TraceMode::Hash).expect("valid");
    let plain = plain.elapsed();
    let world_bytes = live() - before;
    println!(
        "10-minute run without checkpoints: {:.2} s ({} events); the world holds {:.1} MiB",
        plain.as_secs_f64(),
        world.trace().event_count(),
        mib(world_bytes)
    );
    drop(world);
    for policy in [
        CheckpointPolicy::default(),
        CheckpointPolicy {
            spacing: SECOND / 2,
            max: 512,
            ..CheckpointPolicy::default()
        },
        CheckpointPolicy {
            spacing: SECOND / 2,
            max: 256,
            ..CheckpointPolicy::default()
        },
        // Almost none: what the timeline's own stepping costs.
        CheckpointPolicy {
            spacing: RUN,
            max: 2,
            ..CheckpointPolicy::default()
        },
    ] {
        measure(&scenario, policy, world_bytes);
    }
}

fn measure(scenario: &Scenario, policy: CheckpointPolicy, world_bytes: usize) {
    println!(
        "\npolicy: a checkpoint every {} ms or more, at most {}",
        policy.spacing / 1000,
        policy.max
    );
    // The page's settings: hash trace, 500 recent events.
    let before = live();
    let mut t = Timeline::new(scenario.clone(), TraceMode::Hash, 500, policy).expect("valid");
    let start = Instant::now();
    t.seek(RUN);
    println!(
        "  run to 10 min with checkpoints: {:.2} s",
        start.elapsed().as_secs_f64()
    );
    // Everything the timeline holds beyond what the plain world holds.
    let extra = (live() - before).saturating_sub(world_bytes);
    let times: Vec<String> = t
        .checkpoint_positions()
        .iter()
        .map(|p| format!("{}", p.time / SECOND))
        .collect();
    println!(
        "  checkpoints: {} holding {:.1} MiB beyond the world itself ({:.0} KiB each), at s: {}",
        t.checkpoint_count(),
        mib(extra),
        extra as f64 / 1024.0 / t.checkpoint_count() as f64,
        times.join(" ")
    );
    let mut rng = Rng::new(42);
    let mut ms: Vec<f64> = (0..SEEKS)
        .map(|_| {
            let target = rng.range(0, RUN);
            let start = Instant::now();
            t.seek(target);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    println!(
        "  {SEEKS} random seeks: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    let mut back = Vec::new();
    t.seek(RUN);
    for _ in 0..20 {
        let start = Instant::now();
        t.step_back();
        back.push(start.elapsed().as_secs_f64() * 1e3);
    }
    back.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  20 steps back from the end: p50 {:.1} ms, max {:.1} ms",
        back[10], back[19]
    );
}
