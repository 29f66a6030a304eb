//! Throughput figures (not a timed test): `cargo bench --bench throughput`.
//!
//! - simulated seconds per wall second: 5 nodes, 10 client writes/s, no faults,
//!   with `TraceMode::Off` and `TraceMode::Hash`;
//! - sweep seeds per second on one core: 5 nodes, 10 s simulated, random faults,
//!   checker and liveness on (exactly `sim::sweep::run_seed`);
//! - delivered messages per wall second (both workloads);
//! - peak memory (VmHWM from /proc/self/status).
//!
//! Everything runs on the calling thread (one core). `BENCH_SCALE=0.1` shortens it.

use raft_playground::kv::Op;
use raft_playground::sim::sweep::{SweepConfig, run_seed};
use raft_playground::sim::{Action, MS, SECOND, SimConfig, TraceMode, World};
use std::time::Instant;

fn scale() -> f64 {
    std::env::var("BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

/// A 5-node cluster, no faults, the person's client writing 10 times a second.
fn steady(trace: TraceMode, simulated: u64) -> (u64, u64) {
    let mut world = World::new(SimConfig::default(), trace, 0).expect("valid config");
    let mut t = SECOND; // after the first election
    let mut i = 0u64;
    while t < simulated {
        world.schedule_action(
            t,
            Action::Client {
                op: Op::Put {
                    key: format!("k{}", i % 16),
                    value: format!("v{i}"),
                },
                to: None,
            },
        );
        t += 100 * MS;
        i += 1;
    }
    world.run_until(simulated);
    assert!(
        world.violations().is_empty(),
        "a correct run has no violations"
    );
    let done = world.clients()[0].completed;
    assert!(done + 10 >= i, "writes completed: {done} of {i}");
    (world.delivered(), world.trace().event_count())
}

/// CPU time of this thread (ns) from /proc/thread-self/schedstat: figures per
/// CPU second stay meaningful on a machine shared with other work.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Wall and CPU seconds of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, Option<f64>) {
    let cpu0 = cpu_ns();
    let began = Instant::now();
    let out = f();
    let wall = began.elapsed().as_secs_f64();
    let cpu = match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) => Some((b - a) as f64 / 1e9),
        _ => None,
    };
    (out, wall, cpu)
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let s = scale();
    println!(
        "raft-playground throughput (one core{})",
        if s != 1.0 {
            format!(", scale {s}")
        } else {
            String::new()
        }
    );

    // Warm up caches and the allocator.
    let _ = steady(TraceMode::Off, 20 * SECOND);

    let simulated = ((3_600.0 * s) as u64).max(10) * SECOND;
    for (name, mode) in [("Off", TraceMode::Off), ("Hash", TraceMode::Hash)] {
        let ((delivered, events), wall, cpu) = timed(|| steady(mode, simulated));
        let sim_s = simulated as f64 / SECOND as f64;
        let t = cpu.unwrap_or(wall);
        println!(
            "steady 5 nodes, 10 writes/s, trace {name:<4}: {sim_s:.0} simulated s in {t:.3} CPU s ({wall:.3} s wall) = {:.0}x real time; {:.0} delivered msgs/s; {:.0} events/s",
            sim_s / t,
            delivered as f64 / t,
            events as f64 / t
        );
    }

    let seeds = ((2_000.0 * s) as u64).max(20);
    let config = SweepConfig::default();
    let ((delivered, violating), wall, cpu) = timed(|| {
        let mut delivered = 0;
        let mut violating = 0;
        for seed in 1..=seeds {
            let o = run_seed(&config, seed, TraceMode::Off).expect("valid config");
            delivered += o.delivered;
            violating += u64::from(!o.violations.is_empty());
        }
        (delivered, violating)
    });
    let t = cpu.unwrap_or(wall);
    println!(
        "sweep 5 nodes, 10 s simulated, random faults, checker on: {seeds} seeds in {t:.3} CPU s ({wall:.3} s wall) = {:.0} seeds/s ({:.0}x real time); {:.0} delivered msgs/s; {violating} violating seeds",
        seeds as f64 / t,
        seeds as f64 * 10.0 / t,
        delivered as f64 / t
    );
    match vm_hwm_kib() {
        Some(k) => println!("peak memory (VmHWM): {:.1} MiB", k as f64 / 1024.0),
        None => println!("peak memory: unavailable (no /proc/self/status)"),
    }
    println!(
        "(rates are per CPU second of the benchmark thread: on a busy machine wall time is longer)"
    );
}
