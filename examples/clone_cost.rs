//! What a `World` clone (a time-travel checkpoint) costs: heap bytes and time,
//! for a 5-node world with 3 automatic clients after 60 simulated seconds.
//!
//! ```text
//! cargo run --release --example clone_cost
//! ```
//!
//! Figures, not a timed test: the bytes are exact (a counting allocator), the
//! time depends on the machine.

use raft_playground::sim::{ClientConfig, SECOND, SimConfig, TraceMode, World};
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

fn main() {
    // The page keeps 500 recent events and hashes the trace; the CLI may keep it all.
    for (mode, recent) in [(TraceMode::Hash, 500), (TraceMode::Full, 500)] {
        let config = SimConfig {
            nodes: 5,
            clients: ClientConfig {
                count: 3,
                ..ClientConfig::default()
            },
            ..SimConfig::default()
        };
        let mut world = World::new(config, mode, recent).expect("valid config");
        world.run_until(60 * SECOND);
        let before = ALLOCATED.load(Ordering::Relaxed);
        let copy = world.clone();
        let bytes = ALLOCATED.load(Ordering::Relaxed) - before;
        drop(copy);
        let rounds = 200;
        let start = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(world.clone());
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / rounds as f64;
        let log: usize = world
            .servers()
            .iter()
            .map(|s| s.disk.log.entries().len())
            .sum();
        println!(
            "{mode:?} trace, {recent} recent events: one clone = {:.0} KiB in {micros:.0} µs \
             ({} events, {log} log entries over 5 nodes)",
            bytes as f64 / 1024.0,
            world.trace().event_count(),
        );
        breakdown(&world);
    }
}

/// Where the bytes go: each part cloned on its own.
fn breakdown(world: &World) {
    let measure = |name: &str, f: &dyn Fn()| {
        let before = ALLOCATED.load(Ordering::Relaxed);
        f();
        println!(
            "  {name}: {:.0} KiB",
            (ALLOCATED.load(Ordering::Relaxed) - before) as f64 / 1024.0
        );
    };
    measure("checker", &|| drop(world.checker().clone()));
    measure("trace", &|| drop(world.trace().clone()));
    measure("servers", &|| drop(world.servers().to_vec()));
    measure("  of which nodes", &|| {
        drop(
            world
                .servers()
                .iter()
                .map(|s| s.node.clone())
                .collect::<Vec<_>>(),
        )
    });
    measure("  of which disks", &|| {
        drop(
            world
                .servers()
                .iter()
                .map(|s| s.disk.clone())
                .collect::<Vec<_>>(),
        )
    });
    measure("  of which key-value stores", &|| {
        drop(
            world
                .servers()
                .iter()
                .map(|s| s.kv.clone())
                .collect::<Vec<_>>(),
        )
    });
    measure("clients", &|| drop(world.clients().to_vec()));
    measure("network", &|| drop(world.network().clone()));
}
