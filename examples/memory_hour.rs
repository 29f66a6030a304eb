//! Heap after one simulated hour with 3 clients (the benchmark's workload: 5
//! nodes, seed 1, latency 10-15 ms, election timeout 100-200 ms), with log
//! compaction off and on (issue 11: ≤ 50 MB with it on), in one run:
//! - the world alone (what the run itself holds), piece by piece;
//! - the page's `Playground` as `src/wasm.rs` builds it: the timeline with its
//!   checkpoints, the lasting history and the sequence diagram's records.
//!
//! ```text
//! cargo run --release --example memory_hour [THRESHOLD] [MINUTES]
//! ```
//!
//! Bytes are exact: a counting allocator (live bytes = allocated - freed).
//! A piece's figure is what dropping it freed, the pieces dropped in the order
//! printed (`World::into_memory_parts`, `Timeline::into_memory_parts`); the
//! checkpoints go first, while the present world still shares their chunks,
//! so theirs is what they hold alone. The wasm's linear memory is at least
//! this plus allocator slack (and 32-bit pointers make it somewhat smaller).

use raft_playground::check::MemoryParts;
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
/// As the page: `RECENT_EVENTS` in `src/wasm.rs`.
const RECENT_EVENTS: usize = 500;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB)
}

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

/// What one configuration holds after the run.
struct Figures {
    world: usize,
    world_parts: Vec<(&'static str, usize)>,
    page: usize,
    page_peak: usize,
    page_parts: Vec<(&'static str, usize)>,
    checkpoints: usize,
    /// What the checkpoints' byte budget counted.
    estimate: usize,
    clone_parts: Vec<(&'static str, usize)>,
    alone_parts: Vec<(&'static str, usize)>,
    disk_entries: u64,
    committed: u64,
}

/// Drops the pieces one by one: what each freed.
fn weigh(parts: MemoryParts) -> Vec<(&'static str, usize)> {
    parts
        .into_iter()
        .map(|(name, part)| {
            let before = live();
            drop(part);
            (name, before - live())
        })
        .collect()
}

fn measure(threshold: u64, until: u64) -> Figures {
    // The live world alone.
    let base = live();
    let mut world = World::new(config(threshold), TraceMode::Off, RECENT_EVENTS).unwrap();
    // A checkpoint's gap once 512 of them spread over the run.
    let gap = until / 512;
    world.run_until(until - gap);
    let earlier = world.clone();
    world.run_until(until);
    // What a checkpoint one gap back holds alone, by piece.
    let alone_parts = weigh(earlier.into_memory_parts());
    let world_bytes = live() - base;
    let disk_entries = world
        .servers()
        .iter()
        .map(|s| s.disk.log.entries().len() as u64)
        .sum();
    let committed = world.checker().committed_len();
    let world_parts = weigh(world.into_memory_parts());

    // As the page holds it (`Playground::open`, then playing on).
    let base = live();
    PEAK.store(base, Ordering::Relaxed);
    let scenario = Scenario::new(config(threshold));
    let mut timeline = Timeline::new(
        scenario,
        TraceMode::Off,
        RECENT_EVENTS,
        CheckpointPolicy::default(),
    )
    .unwrap();
    timeline.keep_history();
    for minute in 1..=until.div_ceil(60 * SECOND) {
        timeline.seek((minute * 60 * SECOND).min(until));
    }
    let page = live() - base;
    let page_peak = PEAK.load(Ordering::Relaxed) - base;
    let checkpoints = timeline.checkpoint_count();
    let estimate = timeline.checkpoint_bytes_estimate();
    // A clone of the middle checkpoint, while it is still held: what any
    // clone holds alone (chunk tables, everything not chunked), by piece.
    let middle = timeline
        .checkpoint_worlds()
        .nth(checkpoints / 2)
        .cloned()
        .unwrap();
    let clone_parts = weigh(middle.into_memory_parts());
    let page_parts = weigh(timeline.into_memory_parts());
    Figures {
        world: world_bytes,
        world_parts,
        page,
        page_peak,
        page_parts,
        checkpoints,
        estimate,
        clone_parts,
        alone_parts,
        disk_entries,
        committed,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let on: u64 = args
        .next()
        .map(|a| a.parse().expect("THRESHOLD: a number"))
        .unwrap_or(1000);
    let minutes: u64 = args
        .next()
        .map(|a| a.parse().expect("MINUTES: a number"))
        .unwrap_or(60);
    let until = minutes * 60 * SECOND;
    let off = measure(0, until);
    let with = measure(on, until);

    println!("{minutes} simulated minutes, 5 nodes, 3 clients, seed 1 (exact heap bytes)");
    println!(
        "{:<52} {:>14} {:>16}",
        "",
        "compaction off",
        format!("threshold {on}")
    );
    let row = |name: &str, a: String, b: String| println!("{name:<52} {a:>14} {b:>16}");
    row("the world alone", mib(off.world), mib(with.world));
    for ((name, a), (_, b)) in off.world_parts.iter().zip(&with.world_parts) {
        row(&format!("  {name}"), mib(*a), mib(*b));
    }
    row(
        "the page's Playground (timeline, history, sequence)",
        mib(off.page),
        mib(with.page),
    );
    row(
        "  peak while running",
        mib(off.page_peak),
        mib(with.page_peak),
    );
    let page_world = |f: &Figures| f.page_parts.iter().skip(4).map(|p| p.1).sum::<usize>();
    for ((name, a), (_, b)) in off.page_parts.iter().zip(&with.page_parts).take(4) {
        row(&format!("  {name}"), mib(*a), mib(*b));
    }
    row(
        "    (the budget's estimate of the checkpoints)",
        mib(off.estimate),
        mib(with.estimate),
    );
    row(
        "  page: the present world",
        mib(page_world(&off)),
        mib(page_world(&with)),
    );
    for ((name, a), (_, b)) in off.page_parts.iter().zip(&with.page_parts).skip(4) {
        row(&format!("    {name}"), mib(*a), mib(*b));
    }
    let kib = |b: usize| format!("{:.1} KiB", b as f64 / 1024.0);
    let total = |f: &Figures| f.clone_parts.iter().map(|p| p.1).sum::<usize>();
    row(
        "a checkpoint's clone, alone",
        kib(total(&off)),
        kib(total(&with)),
    );
    for ((name, a), (_, b)) in off.clone_parts.iter().zip(&with.clone_parts) {
        row(&format!("  {name}"), kib(*a), kib(*b));
    }
    let total = |f: &Figures| f.alone_parts.iter().map(|p| p.1).sum::<usize>();
    row(
        "a world one checkpoint gap back, alone",
        kib(total(&off)),
        kib(total(&with)),
    );
    for ((name, a), (_, b)) in off.alone_parts.iter().zip(&with.alone_parts) {
        row(&format!("  {name}"), kib(*a), kib(*b));
    }
    row(
        "checkpoints kept",
        off.checkpoints.to_string(),
        with.checkpoints.to_string(),
    );
    row(
        "log entries on the disks (all nodes)",
        off.disk_entries.to_string(),
        with.disk_entries.to_string(),
    );
    row(
        "committed entries",
        off.committed.to_string(),
        with.committed.to_string(),
    );
}
