//! Long fuzz runs of the scenario link and JSON decoders (no nightly needed):
//!
//! ```text
//! cargo run --release --example fuzz_links -- 1000000 [SEED]
//! ```
//!
//! Exits non-zero (printing the input) on a panic or a broken round trip. The
//! same harness runs 20,000 inputs in `cargo test` (tests/scenario_fuzz.rs); a
//! libFuzzer target lives in fuzz/ for nightly + cargo-fuzz.

#[path = "../tests/support/link_fuzz.rs"]
mod link_fuzz;

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: u64 = args
        .next()
        .map(|s| s.parse().expect("iterations: a number"))
        .unwrap_or(100_000);
    let seed: u64 = args
        .next()
        .map(|s| s.parse().expect("seed: a number"))
        .unwrap_or(1);
    link_fuzz::install_panic_hook();
    let start = std::time::Instant::now();
    // Report progress in chunks so a long run shows it is alive.
    let chunk = 100_000.min(iterations.max(1));
    let mut total = link_fuzz::Stats::default();
    let mut done = 0;
    let mut round = 0;
    while done < iterations {
        let n = chunk.min(iterations - done);
        let s = link_fuzz::run(n, seed.wrapping_mul(1_000_003).wrapping_add(round));
        total.inputs += s.inputs;
        total.accepted += s.accepted;
        total.worlds_run += s.worlds_run;
        for (k, v) in s.rejected {
            *total.rejected.entry(k).or_default() += v;
        }
        done += n;
        round += 1;
        eprintln!(
            "{done}/{iterations} inputs, {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    println!(
        "fuzz_links: {} inputs, seed {seed}: no panic, every accepted input round-tripped; \
         accepted {}, worlds run {}, rejected {:?}; {:.1} s",
        total.inputs,
        total.accepted,
        total.worlds_run,
        total.rejected,
        start.elapsed().as_secs_f64()
    );
}
