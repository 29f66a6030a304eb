//! `raft-playground sweep`: many seeds of random fault schedules, on every core,
//! reported in seed order.

use crate::cli::args::Faults;
use crate::cli::run::{RunOptions, sweep_config};
use crate::present::describe;
use crate::raft::{Bugs, Time};
use crate::sim::Production;
use crate::sim::config::TraceMode;
use crate::sim::swarm::{SwarmPlan, run_swarm_plan, run_swarm_seed};
use crate::sim::sweep::{SeedOutcome, SweepConfig, run_seed_with};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq)]
pub struct SweepOptions {
    pub seeds: RangeInclusive<u64>,
    pub nodes: usize,
    pub bugs: Bugs,
    pub duration: Time,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Stop at the first violating seed (the lowest one: every seed below it is run).
    pub stop_at_first: bool,
    /// Swarm testing (every knob and fault pattern drawn from the seed) instead
    /// of the random fault schedule.
    pub swarm: bool,
    /// Run only this shard's seeds: `(k, n)` takes every seed `s` with `s % n == k - 1`.
    pub shard: Option<(u64, u64)>,
    /// Production features (swarm only): switches on, faults drawn from the seed.
    pub production: Production,
}

impl SweepOptions {
    pub fn new(seeds: RangeInclusive<u64>, nodes: usize, bugs: Bugs, duration: Time) -> Self {
        SweepOptions {
            seeds,
            nodes,
            bugs,
            duration,
            jobs: default_jobs(),
            stop_at_first: false,
            swarm: false,
            shard: None,
            production: Production::default(),
        }
    }

    pub fn sweep_config(&self) -> SweepConfig {
        sweep_config(self.nodes, self.bugs, self.duration, self.production)
    }

    /// The `run` command that replays `seed` exactly as this sweep ran it.
    pub fn reproduce(&self, seed: u64) -> String {
        let mut o = RunOptions::new(seed, self.nodes, self.duration);
        o.bugs = self.bugs;
        o.production = self.production;
        o.faults = if self.swarm {
            Faults::Swarm
        } else {
            Faults::Random
        };
        o.command_line()
    }

    /// The seeds this sweep runs, in order: the range, or this shard's part of it.
    pub fn seed_list(&self) -> SeedList {
        let (k, n) = self.shard.unwrap_or((1, 1));
        SeedList {
            range: self.seeds.clone(),
            shard: k - 1,
            shards: n,
        }
    }

    /// Runs one seed as this sweep does.
    pub fn run_seed(&self, config: &SweepConfig, seed: u64) -> SeedOutcome {
        if self.swarm && !self.production.is_off() {
            let plan = SwarmPlan::draw_with(seed, self.bugs, self.duration, self.production);
            run_swarm_plan(plan, TraceMode::Off, true)
        } else if self.swarm {
            run_swarm_seed(seed, self.bugs, self.duration, TraceMode::Off, true)
        } else {
            run_seed_with(config, seed, TraceMode::Off, true)
        }
        .expect("validated before the sweep")
    }
}

/// The seeds of one shard of a range: shard `k` of `n` (0-based here) holds every
/// seed `s` of the range with `s % n == k`, so the `n` shards of a range are
/// disjoint and together hold every seed exactly once, whatever the range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedList {
    pub range: RangeInclusive<u64>,
    pub shard: u64,
    pub shards: u64,
}

impl SeedList {
    /// The first seed of the range that belongs to this shard, if any.
    fn first(&self) -> Option<u64> {
        let start = *self.range.start();
        let offset = (self.shard + self.shards - start % self.shards) % self.shards;
        start.checked_add(offset).filter(|s| s <= self.range.end())
    }

    /// How many seeds the shard holds.
    pub fn len(&self) -> u64 {
        self.first()
            .map_or(0, |f| (self.range.end() - f) / self.shards + 1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th seed of the shard (`i < len()`).
    pub fn nth(&self, i: u64) -> u64 {
        self.first().expect("a non-empty shard") + i * self.shards
    }

    /// Every seed of the shard, in order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        (0..self.len()).map(|i| self.nth(i))
    }
}

/// Parses `K/N` (1 <= K <= N): the K-th of N shards.
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("'{s}' is not a shard: use K/N with 1 <= K <= N, e.g. 3/8");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Every core this process may use.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub violating_seeds: u64,
}

#[derive(Clone, Debug)]
pub struct SweepSummary {
    /// Seeds judged (with `stop_at_first`: up to and including the first violating one).
    pub swept: u64,
    /// Every violating seed's outcome, in seed order.
    pub violating: Vec<SeedOutcome>,
    pub delivered: u64,
    pub elapsed: Duration,
}

impl SweepSummary {
    pub fn violations(&self) -> u64 {
        self.violating
            .iter()
            .map(|o| o.violations.len() as u64)
            .sum()
    }
}

/// Runs the seeds on `options.jobs` threads; each seed stops at its first
/// safety violation (its reproduce command shows the whole run). `on_violation` sees each violating
/// seed in seed order as soon as every seed before it is done; `on_progress` is
/// called now and then (at most every 100 ms) and once at the end.
pub fn sweep(
    options: &SweepOptions,
    mut on_progress: impl FnMut(Progress),
    mut on_violation: impl FnMut(&SeedOutcome),
) -> Result<SweepSummary, String> {
    let config = options.sweep_config();
    config.sim_config(*options.seeds.start()).validate()?;
    let seeds = options.seed_list();
    if seeds.range.end() - seeds.range.start() >= u64::MAX / 2 {
        return Err("seed range too large".into());
    }
    let total = seeds.len();
    if total == 0 {
        return Err("this shard holds no seed of the range".into());
    }
    let last = total - 1;
    let began = Instant::now();
    // Workers take seed offsets in order from `next`; with stop_at_first, `first_bad`
    // is the lowest violating offset found so far and nobody starts a seed above it.
    let next = AtomicU64::new(0);
    let first_bad = AtomicU64::new(u64::MAX);
    let jobs = options.jobs.max(1).min(total as usize);
    let (tx, rx) = mpsc::channel::<(u64, SeedOutcome)>();

    let mut summary = SweepSummary {
        swept: 0,
        violating: Vec::new(),
        delivered: 0,
        elapsed: Duration::ZERO,
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, first_bad, config, seeds) = (&next, &first_bad, &config, &seeds);
            let stop = options.stop_at_first;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i > last || (stop && i > first_bad.load(Ordering::Relaxed)) {
                        break;
                    }
                    let outcome = options.run_seed(config, seeds.nth(i));
                    if stop && !outcome.violations.is_empty() {
                        first_bad.fetch_min(i, Ordering::Relaxed);
                    }
                    if tx.send((i, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);

        // Reorder: report in seed order, as soon as the prefix is complete.
        let mut pending: BTreeMap<u64, SeedOutcome> = BTreeMap::new();
        let mut emitted = 0u64; // offsets < emitted are reported
        let mut stopped = false;
        let mut last_progress = Instant::now();
        let mut received = 0u64;
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok((i, outcome)) => {
                    received += 1;
                    pending.insert(i, outcome);
                    while !stopped {
                        let Some(o) = pending.remove(&emitted) else {
                            break;
                        };
                        emitted += 1;
                        summary.delivered += o.delivered;
                        if !o.violations.is_empty() {
                            on_violation(&o);
                            summary.violating.push(o);
                            if options.stop_at_first {
                                stopped = true;
                            }
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if last_progress.elapsed() >= Duration::from_millis(100) {
                last_progress = Instant::now();
                on_progress(Progress {
                    done: if stopped { emitted } else { received },
                    total,
                    violating_seeds: summary.violating.len() as u64,
                });
            }
        }
        summary.swept = emitted;
    });
    summary.elapsed = began.elapsed();
    on_progress(Progress {
        done: summary.swept,
        total,
        violating_seeds: summary.violating.len() as u64,
    });
    Ok(summary)
}

/// What the CLI prints for one violating seed.
pub fn describe_seed(options: &SweepOptions, o: &SeedOutcome) -> String {
    let mut s = format!(
        "seed {}: {} violation{}\n",
        o.seed,
        o.violations.len(),
        if o.violations.len() == 1 { "" } else { "s" }
    );
    for v in &o.violations {
        s.push_str("  ");
        s.push_str(&describe::violation(v));
        s.push('\n');
    }
    s.push_str("  reproduce: ");
    s.push_str(&options.reproduce(o.seed));
    s.push('\n');
    s
}

/// A plain-ASCII progress bar line (no newline).
pub fn progress_bar(p: Progress, elapsed: Duration) -> String {
    const WIDTH: u64 = 30;
    let filled = (p.done * WIDTH).checked_div(p.total).unwrap_or(WIDTH);
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        p.done as f64 / secs
    } else {
        0.0
    };
    let eta = if rate > 0.0 {
        format!(
            ", ETA {}s",
            ((p.total - p.done.min(p.total)) as f64 / rate).ceil()
        )
    } else {
        String::new()
    };
    format!(
        "[{}{}] {}/{} seeds, {} violating, {:.0} seeds/s{}",
        "#".repeat(filled as usize),
        "-".repeat((WIDTH - filled) as usize),
        p.done,
        p.total,
        p.violating_seeds,
        rate,
        eta
    )
}

/// The JSON summary of a sweep (`sweep --json`): what ran, every violation with
/// its seed, property and reproduce command, and the rate.
pub fn json_summary(options: &SweepOptions, summary: &SweepSummary) -> String {
    let secs = summary.elapsed.as_secs_f64();
    let violations: Vec<serde_json::Value> = summary
        .violating
        .iter()
        .flat_map(|o| {
            o.violations.iter().map(move |v| {
                serde_json::json!({
                    "seed": o.seed,
                    "property": v.property.name(),
                    "time_us": v.time,
                    "explanation": v.explanation,
                    "reproduce": options.reproduce(o.seed),
                })
            })
        })
        .collect();
    let value = serde_json::json!({
        "seeds": format!("{}..{}", options.seeds.start(), options.seeds.end()),
        "shard": options.shard.map(|(k, n)| format!("{k}/{n}")),
        "mode": if options.swarm { "swarm" } else { "random" },
        "bugs": options.bugs.enabled().iter().map(|b| b.name()).collect::<Vec<_>>(),
        "seeds_run": summary.swept,
        "violating_seeds": summary.violating.iter().map(|o| o.seed).collect::<Vec<_>>(),
        "violations": violations,
        "elapsed_s": secs,
        "seeds_per_s": summary.swept as f64 / secs.max(1e-9),
    });
    serde_json::to_string_pretty(&value).expect("plain JSON values serialise")
}
