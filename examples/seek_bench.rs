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

/// The system allocator, counting the bytes it hands out.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
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
    let plain = Instant::now();
    let world = scenario.replay(RUN, TraceMode::Hash).expect("valid");
    let plain = plain.elapsed();
    println!(
        "10-minute run without checkpoints: {:.2} s ({} events)",
        plain.as_secs_f64(),
        world.trace().event_count()
    );
    drop(world);
    for policy in [
        CheckpointPolicy::default(),
        CheckpointPolicy {
            spacing: 5 * SECOND,
            per_level: 4,
        },
    ] {
        measure(&scenario, policy);
    }
}

fn measure(scenario: &Scenario, policy: CheckpointPolicy) {
    println!(
        "\npolicy: a checkpoint every {} ms, {} per level",
        policy.spacing / 1000,
        policy.per_level
    );
    // The page's settings: hash trace, 500 recent events.
    let mut t = Timeline::new(scenario.clone(), TraceMode::Hash, 500, policy).expect("valid");
    let start = Instant::now();
    t.seek(RUN);
    println!(
        "  run to 10 min with checkpoints: {:.2} s",
        start.elapsed().as_secs_f64()
    );
    let before = ALLOCATED.load(Ordering::Relaxed);
    let copies: Vec<_> = t.checkpoint_worlds().cloned().collect();
    let bytes = ALLOCATED.load(Ordering::Relaxed) - before;
    drop(copies);
    let before = ALLOCATED.load(Ordering::Relaxed);
    let now = t.world().clone();
    let world_bytes = ALLOCATED.load(Ordering::Relaxed) - before;
    drop(now);
    let times: Vec<String> = t
        .checkpoint_positions()
        .iter()
        .map(|p| format!("{}", p.time / SECOND))
        .collect();
    println!(
        "  checkpoints: {} ({:.1} MiB; the world now: {:.1} MiB), at s: {}",
        t.checkpoint_count(),
        mib(bytes),
        mib(world_bytes),
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
