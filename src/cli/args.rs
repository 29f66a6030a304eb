//! The command line: clap definitions and the value parsers behind them.
//!
//! Every parser is a plain function returning `Result<_, String>` so it can be
//! tested without a process, and so that clap's error for a bad value is one line.

use crate::raft::{Bug, Time};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ops::RangeInclusive;

#[derive(Debug, Parser)]
#[command(
    name = "raft-playground",
    version,
    about = "A deterministic Raft playground: run a simulated cluster, sweep seeds for violations.",
    after_help = "Exit codes: 0 = done (run: even when violations were found), \
                  1 = sweep found violations or a run failed, 2 = bad arguments."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one simulated cluster and print a summary ending with its trace hash.
    Run(RunArgs),
    /// Run many seeds with random fault schedules; report every violating seed.
    Sweep(SweepArgs),
    /// Shrink a violating run (a sweep seed, or a LINK) to a minimal scenario link
    /// that still breaks the same property.
    Shrink(ShrinkArgs),
    /// List the broken-rule toggles (for --bug).
    Bugs,
    /// List the preset scenarios (for `run --preset ID`), each with its link.
    Presets,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Faults {
    /// No scheduled faults (only --loss / --dup / --latency).
    None,
    /// The sweep's random fault schedule for this seed (crashes, partitions, cuts,
    /// forced timeouts, network changes, then a heal phase; liveness is judged).
    Random,
    /// The swarm for this seed (`sweep --swarm`): cluster size, timing, network,
    /// clients and fault patterns all drawn from the seed, with reactive faults;
    /// --nodes, --loss, --dup, --latency and --clients are ignored.
    Swarm,
}

#[derive(Clone, Debug, Args)]
pub struct RunArgs {
    /// The seed every random choice derives from.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cluster size (1 to 9).
    #[arg(long, default_value_t = 5, value_parser = parse_nodes)]
    pub nodes: usize,
    /// Simulated time to run: 30s, 500ms, 2m, 1500us.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Time,
    /// Probability that a message is lost (0 to 1).
    #[arg(long, value_parser = parse_ratio)]
    pub loss: Option<f64>,
    /// Probability that a message is delivered twice (0 to 1).
    #[arg(long, value_parser = parse_ratio)]
    pub dup: Option<f64>,
    /// One-way latency range, e.g. 5ms..15ms (or one value, e.g. 10ms).
    #[arg(long, value_parser = parse_latency)]
    pub latency: Option<(Time, Time)>,
    /// Automatic clients writing and reading (default 3).
    #[arg(long)]
    pub clients: Option<u64>,
    /// Membership changes: the initial configuration, e.g. 1,2,3 (default: every
    /// node); the others are nodes outside it until added.
    #[arg(long, value_parser = parse_members)]
    pub members: Option<Members>,
    /// Turn a broken-rule toggle on (repeatable; see `raft-playground bugs`).
    #[arg(long = "bug", value_name = "NAME", value_parser = parse_bug)]
    pub bugs: Vec<Bug>,
    /// Fault schedule: none, or random (exactly what `sweep` runs for this seed).
    #[arg(long, value_enum, default_value_t = Faults::None)]
    pub faults: Faults,
    /// Write the JSON Lines trace to FILE (`-` = stdout; the summary then goes to stderr).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<String>,
    /// Replay a scenario link (a page URL, or its `#s=…` fragment; quote it in the
    /// shell) instead of building a cluster from the flags above.
    #[arg(value_name = "LINK", conflicts_with_all = SCENARIO_CONFLICTS)]
    pub link: Option<String>,
    /// Replay a preset of the page's gallery by id (see `raft-playground presets`).
    #[arg(long, value_name = "ID", conflicts_with_all = SCENARIO_CONFLICTS, conflicts_with = "link")]
    pub preset: Option<String>,
    /// Simulated time to run to (overrides --duration). With a link, the default is
    /// the link's view time (where the page opens it: the same trace hash); with a
    /// preset, the preset's length.
    #[arg(long, value_parser = parse_duration)]
    pub until: Option<Time>,
    #[command(flatten)]
    pub production: ProductionArgs,
}

/// The production features (issue 11), each off unless given.
#[derive(Clone, Debug, Default, Args)]
pub struct ProductionArgs {
    /// PreVote (§9.6): ask a majority before raising the term.
    #[arg(long)]
    pub pre_vote: bool,
    /// CheckQuorum: a leader without a majority steps down; followers that hear
    /// their leader ignore RequestVote (leader stickiness).
    #[arg(long)]
    pub check_quorum: bool,
    /// Pause nodes (GC stop-the-world) at times drawn from the seed (sweeps and
    /// `run --faults random|swarm`).
    #[arg(long)]
    pub pauses: bool,
    /// Clock drift: node clock rates 0.5×–2× drawn from the seed (sweeps and
    /// `run --faults random|swarm`).
    #[arg(long)]
    pub drift: bool,
    /// Leadership transfers at times drawn from the seed (sweeps and
    /// `run --faults random|swarm`).
    #[arg(long)]
    pub transfers: bool,
    /// How leaders answer reads: log (a log entry, the default), read-index
    /// (a heartbeat round per read, §6.4) or lease (no round while the lease
    /// holds; stale under clock drift beyond --drift-bound).
    #[arg(long, value_name = "MODE", value_parser = parse_read_mode)]
    pub reads: Option<crate::raft::ReadMode>,
    /// Lease reads: how much faster one clock may run than another, e.g. 1.1
    /// (the default) or 4 (the swarm's drift draws stay within 4×).
    #[arg(long, value_name = "RATIO", value_parser = parse_drift_bound)]
    pub drift_bound: Option<u64>,
    /// Swarm only: log compaction, with a snapshot threshold drawn from the seed.
    #[arg(long)]
    pub snapshots: bool,
    /// Log compaction: a node snapshots its state machine every N applied
    /// entries, and a leader sends InstallSnapshot to followers behind it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub snapshot_every: Option<u64>,
    /// Membership changes drawn from the seed: some seeds start with fewer
    /// members than nodes, and the leader adds and removes servers now and
    /// then (sweeps and `run --faults random|swarm`).
    #[arg(long)]
    pub membership: bool,
}

impl ProductionArgs {
    pub fn production(&self) -> crate::sim::Production {
        crate::sim::Production {
            pre_vote: self.pre_vote,
            check_quorum: self.check_quorum,
            pauses: self.pauses,
            drift: self.drift,
            transfers: self.transfers,
            reads: self.reads.unwrap_or_default(),
            drift_bound: self.drift_bound,
            snapshots: self.snapshots,
            snapshot_every: self.snapshot_every.unwrap_or(0),
            membership: self.membership,
        }
    }
}

/// Flags that a scenario (link or preset) fixes itself.
const SCENARIO_CONFLICTS: [&str; 8] = [
    "seed", "nodes", "loss", "dup", "latency", "clients", "bugs", "faults",
];

#[derive(Clone, Debug, Args)]
pub struct SweepArgs {
    /// Seeds to run, inclusive: A..B (e.g. 1..1000), or one seed.
    #[arg(long, value_parser = parse_seeds)]
    pub seeds: RangeInclusive<u64>,
    /// Cluster size (1 to 9).
    #[arg(long, default_value_t = 5, value_parser = parse_nodes)]
    pub nodes: usize,
    /// Turn a broken-rule toggle on (repeatable; see `raft-playground bugs`).
    #[arg(long = "bug", value_name = "NAME", value_parser = parse_bug)]
    pub bugs: Vec<Bug>,
    /// Simulated time per seed (the last 4 s are the heal phase).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Time,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: Option<u64>,
    /// Swarm testing: every knob (cluster size 3-7, timeouts, network, clients,
    /// fault mix) and reactive fault patterns drawn from the seed (--nodes is ignored).
    #[arg(long)]
    pub swarm: bool,
    /// Run only shard K of N (K/N): the seeds s of the range with s % N == K - 1.
    #[arg(long, value_name = "K/N", value_parser = crate::cli::sweep::parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Print a JSON summary on stdout instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Stop at the first violating seed.
    #[arg(long)]
    pub stop_at_first: bool,
    #[command(flatten)]
    pub production: ProductionArgs,
}

#[derive(Clone, Debug, Args)]
pub struct ShrinkArgs {
    /// The sweep seed to shrink.
    #[arg(long, conflicts_with = "link")]
    pub seed: Option<u64>,
    /// Cluster size of a random-sweep seed (ignored with --swarm).
    #[arg(long, default_value_t = 5, value_parser = parse_nodes)]
    pub nodes: usize,
    /// Turn a broken-rule toggle on (repeatable), as in the sweep that found the seed.
    #[arg(long = "bug", value_name = "NAME", value_parser = parse_bug)]
    pub bugs: Vec<Bug>,
    /// The seed comes from `sweep --swarm`.
    #[arg(long)]
    pub swarm: bool,
    /// Simulated time of the seed's run (as given to the sweep).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Time,
    /// Or a scenario link (quote it in the shell) to shrink instead of a seed.
    #[arg(value_name = "LINK")]
    pub link: Option<String>,
    /// The production features the sweep that found the seed had on.
    #[command(flatten)]
    pub production: ProductionArgs,
}

/// `log`, `read-index` or `lease`.
pub fn parse_read_mode(s: &str) -> Result<crate::raft::ReadMode, String> {
    crate::raft::ReadMode::parse(s.trim())
}

/// A ratio from 1 to 10 (`1.1`), in thousandths (1100).
pub fn parse_drift_bound(s: &str) -> Result<u64, String> {
    let ratio: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a ratio (e.g. 1.1)"))?;
    if !(1.0..=10.0).contains(&ratio) {
        return Err(format!("a drift bound must be between 1 and 10 (got {s})"));
    }
    Ok((ratio * 1000.0).round() as u64)
}

/// `30s`, `500ms`, `2m`, `1500us` (also `µs`, `h`; a bare number is refused).
pub fn parse_duration(s: &str) -> Result<Time, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .ok_or_else(|| format!("'{s}' has no unit (use us, ms, s, m or h, e.g. 30s)"))?;
    let (number, unit) = s.split_at(split);
    let scale: u64 = match unit {
        "us" | "µs" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        "h" => 3_600_000_000,
        _ => {
            return Err(format!(
                "unknown unit '{unit}' in '{s}' (use us, ms, s, m or h)"
            ));
        }
    };
    if number.is_empty() {
        return Err(format!("'{s}' has no number"));
    }
    let value = if let Some((whole, frac)) = number.split_once('.') {
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| format!("bad number in '{s}'"))?
        };
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 6 {
            return Err(format!("bad number in '{s}'"));
        }
        let frac_value: u64 = frac.parse().map_err(|_| format!("bad number in '{s}'"))?;
        let denominator = 10u64.pow(frac.len() as u32);
        let frac_scaled = frac_value * scale / denominator;
        if !(frac_value * scale).is_multiple_of(denominator) {
            return Err(format!("'{s}' is finer than a microsecond"));
        }
        whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac_scaled))
    } else {
        number
            .parse::<u64>()
            .map_err(|_| format!("bad number in '{s}'"))?
            .checked_mul(scale)
    };
    let value = value.ok_or_else(|| format!("'{s}' is too long"))?;
    // Ten simulated days is more than anyone waits for; it keeps time arithmetic far from overflow.
    if value > 10 * 24 * 3_600_000_000 {
        return Err(format!("'{s}' is too long (at most 240h)"));
    }
    Ok(value)
}

/// The shortest exact spelling of a duration: `10s`, `1500ms`, `250us`, `2m`.
pub fn format_duration(t: Time) -> String {
    if t == 0 {
        return "0s".into();
    }
    for (unit, scale) in [("m", 60_000_000), ("s", 1_000_000), ("ms", 1_000)] {
        if t.is_multiple_of(scale) {
            return format!("{}{unit}", t / scale);
        }
    }
    format!("{t}us")
}

/// `5ms..15ms` (inclusive range) or a single duration for a fixed latency.
pub fn parse_latency(s: &str) -> Result<(Time, Time), String> {
    let (lo, hi) = match s.split_once("..") {
        Some((a, b)) => (parse_duration(a)?, parse_duration(b)?),
        None => {
            let d = parse_duration(s)?;
            (d, d)
        }
    };
    if hi < lo {
        return Err(format!("latency range '{s}' ends before it starts"));
    }
    Ok((lo, hi))
}

/// `A..B` inclusive (also `A..=B`), or a single seed `A`.
pub fn parse_seeds(s: &str) -> Result<RangeInclusive<u64>, String> {
    let num = |x: &str| {
        x.trim()
            .parse::<u64>()
            .map_err(|_| format!("'{x}' is not a seed (a whole number)"))
    };
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (num(a)?, num(b.strip_prefix('=').unwrap_or(b))?),
        None => {
            let a = num(s)?;
            (a, a)
        }
    };
    if b < a {
        return Err(format!("seed range '{s}' is empty"));
    }
    Ok(a..=b)
}

pub fn parse_ratio(s: &str) -> Result<f64, String> {
    let p: f64 = s
        .parse()
        .map_err(|_| format!("'{s}' is not a number between 0 and 1"))?;
    if !(0.0..=1.0).contains(&p) {
        return Err(format!("'{s}' is not between 0 and 1"));
    }
    Ok(p)
}

pub fn parse_nodes(s: &str) -> Result<usize, String> {
    let max = crate::sim::config::MAX_NODES;
    match s.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("'{s}' is not a cluster size (1 to {max})")),
    }
}

/// An initial configuration given on the command line (`--members 1,2,3`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Members(pub Vec<crate::raft::NodeId>);

pub fn parse_members(s: &str) -> Result<Members, String> {
    let mut ids = Vec::new();
    for part in s.split(',') {
        match part.trim().parse::<crate::raft::NodeId>() {
            Ok(id) if (1..=crate::sim::config::MAX_NODES as u64).contains(&id) => ids.push(id),
            _ => return Err(format!("'{part}' is not a node id (1 to 9) in '{s}'")),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Members(ids))
}

pub fn parse_bug(s: &str) -> Result<Bug, String> {
    Bug::from_name(s).ok_or_else(|| {
        format!(
            "unknown bug '{s}' (known: {})",
            Bug::ALL.map(|b| b.name()).join(", ")
        )
    })
}

/// Makes a clap error one line: `error: <what went wrong>`, without the usage block.
pub fn one_line_error(e: &clap::Error) -> String {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        return "error: no command given: use run, sweep or bugs (see --help)".into();
    }
    let text = e.render().to_string();
    let mut parts: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line);
        }
    }
    let joined = parts.join(" ");
    let message = joined.strip_prefix("error:").unwrap_or(&joined).trim();
    let message = if message.is_empty() {
        format!("{:?}", e.kind())
    } else {
        message.to_string()
    };
    format!("error: {message} (see --help)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(30_000_000));
        assert_eq!(parse_duration("500ms"), Ok(500_000));
        assert_eq!(parse_duration("2m"), Ok(120_000_000));
        assert_eq!(parse_duration("1500us"), Ok(1500));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("3x").is_err());
        assert!(parse_duration("0.0000001s").is_err());
        assert!(parse_duration("99999999999999h").is_err());
        for t in [
            0,
            1,
            999,
            1000,
            1500,
            10_000_000,
            1_500_000,
            120_000_000,
            90_000_000,
        ] {
            assert_eq!(parse_duration(&format_duration(t)), Ok(t), "{t}");
        }
        assert_eq!(format_duration(10_000_000), "10s");
        assert_eq!(format_duration(1_500_000), "1500ms");
    }

    #[test]
    fn latencies_seeds_ratios() {
        assert_eq!(parse_latency("5ms..15ms"), Ok((5000, 15000)));
        assert_eq!(parse_latency("10ms"), Ok((10000, 10000)));
        assert!(parse_latency("15ms..5ms").is_err());
        assert_eq!(parse_seeds("1..100"), Ok(1..=100));
        assert_eq!(parse_seeds("1..=100"), Ok(1..=100));
        assert_eq!(parse_seeds("7"), Ok(7..=7));
        assert!(parse_seeds("9..1").is_err());
        assert!(parse_seeds("a..b").is_err());
        assert_eq!(parse_ratio("0.1"), Ok(0.1));
        assert!(parse_ratio("1.5").is_err());
        assert!(parse_nodes("0").is_err());
        assert!(parse_nodes("10").is_err());
        assert_eq!(parse_bug("forget-vote"), Ok(Bug::ForgetVote));
        assert!(parse_bug("nope").is_err());
    }

    #[test]
    fn clap_errors_become_one_line() {
        for args in [
            vec!["raft-playground", "run", "--nodes", "abc"],
            vec!["raft-playground", "run", "--frobnicate"],
            vec!["raft-playground", "sweep"],
            vec!["raft-playground"],
            vec!["raft-playground", "explode"],
            vec!["raft-playground", "run", "--bug", "nope"],
        ] {
            let e = Cli::try_parse_from(&args).unwrap_err();
            let line = one_line_error(&e);
            assert!(!line.contains('\n'), "{args:?}: {line}");
            assert!(line.starts_with("error: "), "{line}");
            assert!(line.len() > "error:  (see --help)".len(), "{line}");
        }
    }
}
