//! `raft-playground run`: one simulated cluster, a summary, a trace hash.

use crate::cli::args::{Faults, RunArgs, format_duration};
use crate::event::{DropReason, Event, EventKind, Violation};
use crate::present::describe::{self, millis};
use crate::raft::{Bugs, NodeId, RoleKind, Term, Time};
use crate::scenario::{Scenario, presets};
use crate::sim::Production;
use crate::sim::config::{ClientConfig, SimConfig, TraceMode};
use crate::sim::swarm::SwarmPlan;
use crate::sim::sweep::{Ended, SweepConfig, drive_mut, finish_seed, prepare_seed_with};
use crate::sim::world::World;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Automatic clients when `--clients` is not given (so a run has writes to commit).
pub const DEFAULT_CLIENTS: u64 = 3;

/// What to run, with every default filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOptions {
    pub seed: u64,
    pub nodes: usize,
    pub duration: Time,
    pub loss: Option<f64>,
    pub dup: Option<f64>,
    pub latency: Option<(Time, Time)>,
    pub clients: Option<u64>,
    pub bugs: Bugs,
    pub faults: Faults,
    /// Keep the JSON Lines text (for `--trace`).
    pub keep_trace: bool,
    /// A scenario to replay (`run LINK` or `run --preset ID`) instead of the flags.
    pub scenario: Option<ScenarioSource>,
    /// PreVote / CheckQuorum on; pauses, drift, transfers in the swarm's schedule.
    pub production: Production,
    /// Membership changes: the initial configuration (empty: every node).
    pub members: Vec<NodeId>,
}

/// A scenario given on the command line, and how it was named (for the summary).
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioSource {
    pub scenario: Scenario,
    /// `'<link>'` or `--preset ID`: how to name it again on a command line.
    pub named: String,
}

impl RunOptions {
    pub fn from_args(args: &RunArgs) -> RunOptions {
        let mut bugs = Bugs::none();
        for &b in &args.bugs {
            bugs.set(b, true);
        }
        RunOptions {
            seed: args.seed,
            nodes: args.nodes,
            duration: args.duration,
            loss: args.loss,
            dup: args.dup,
            latency: args.latency,
            clients: args.clients,
            bugs,
            faults: args.faults,
            keep_trace: args.trace.is_some(),
            scenario: None,
            production: args.production.production(),
            members: args.members.clone().map(|m| m.0).unwrap_or_default(),
        }
        .with_until(args.until)
    }

    fn with_until(mut self, until: Option<Time>) -> RunOptions {
        if let Some(t) = until {
            self.duration = t;
        }
        self
    }

    /// Decodes `run LINK` / `run --preset ID`, if given: the scenario then fixes the
    /// cluster, and the run ends at `--until` or the scenario's own end.
    pub fn load_scenario(&mut self, args: &RunArgs) -> Result<(), String> {
        let source = match (&args.link, &args.preset) {
            (Some(link), _) => {
                let scenario = Scenario::decode_link(link).map_err(|e| e.to_string())?;
                let until = crate::scenario::default_until(&scenario);
                let fragment = scenario.encode_link().unwrap_or_else(|_| link.clone());
                (scenario, format!("'{fragment}'"), until)
            }
            (None, Some(id)) => {
                let p = presets::get(id).ok_or_else(|| {
                    format!("no preset '{id}'; known: {}", presets::ids().join(", "))
                })?;
                (p.scenario, format!("--preset {id}"), p.duration)
            }
            (None, None) => return Ok(()),
        };
        let (scenario, named, default_until) = source;
        self.seed = scenario.config.seed;
        self.nodes = scenario.config.nodes;
        self.bugs = scenario.config.bugs;
        self.duration = args.until.unwrap_or(default_until);
        self.scenario = Some(ScenarioSource { scenario, named });
        Ok(())
    }

    /// A plain run: `seed`, `nodes`, `duration`, nothing else changed.
    pub fn new(seed: u64, nodes: usize, duration: Time) -> RunOptions {
        RunOptions {
            seed,
            nodes,
            duration,
            loss: None,
            dup: None,
            latency: None,
            clients: None,
            bugs: Bugs::none(),
            faults: Faults::None,
            keep_trace: false,
            scenario: None,
            production: Production::default(),
            members: Vec::new(),
        }
    }

    /// The sweep that `--faults random` replays (the same as `sweep` builds).
    pub fn sweep_config(&self) -> SweepConfig {
        sweep_config(self.nodes, self.bugs, self.duration, self.production)
    }

    /// The world config: the sweep's for `--faults random`, else the defaults;
    /// explicit flags override either.
    pub fn sim_config(&self) -> SimConfig {
        if let Some(s) = &self.scenario {
            return s.scenario.config.clone();
        }
        let mut config = match self.faults {
            Faults::Random => self.sweep_config().sim_config(self.seed),
            // The swarm draws every knob from the seed: no override applies.
            Faults::Swarm => return self.swarm_plan().sim,
            Faults::None => SimConfig {
                nodes: self.nodes,
                seed: self.seed,
                bugs: self.bugs,
                clients: ClientConfig {
                    count: DEFAULT_CLIENTS,
                    ..ClientConfig::default()
                },
                ..SimConfig::default()
            },
        };
        self.apply_overrides(&mut config);
        config
    }

    /// The swarm plan `--faults swarm` runs (the same as `sweep --swarm` draws).
    pub fn swarm_plan(&self) -> SwarmPlan {
        SwarmPlan::draw_with(self.seed, self.bugs, self.duration, self.production)
    }

    /// Production faults are drawn with a random fault schedule (random or swarm).
    pub fn check_production(&self) -> Result<(), String> {
        let p = self.production;
        let drawn = p.pauses || p.drift || p.transfers || p.snapshots || p.membership;
        if drawn && self.faults == Faults::None {
            return Err(
                "--pauses, --drift, --transfers, --snapshots and --membership need --faults random or --faults swarm"
                    .into(),
            );
        }
        Ok(())
    }

    fn apply_overrides(&self, config: &mut SimConfig) {
        self.production.apply(&mut config.raft);
        if let Some(loss) = self.loss {
            config.network.loss = loss;
        }
        if let Some(dup) = self.dup {
            config.network.duplicate = dup;
        }
        if let Some((lo, hi)) = self.latency {
            config.network.latency_min = lo;
            config.network.latency_max = hi;
        }
        if let Some(c) = self.clients {
            config.clients.count = c;
        }
        if !self.members.is_empty() {
            config.initial_members = self.members.clone();
        }
    }

    /// The command line that repeats this run.
    pub fn command_line(&self) -> String {
        if let Some(s) = &self.scenario {
            return format!(
                "raft-playground run {} --until {}",
                s.named,
                format_duration(self.duration)
            );
        }
        if self.faults == Faults::Swarm {
            // The seed draws the cluster: only the seed, length and toggles matter.
            let mut s = format!(
                "raft-playground run --seed {} --duration {} --faults swarm",
                self.seed,
                format_duration(self.duration)
            );
            for b in self.bugs.enabled() {
                let _ = write!(s, " --bug {}", b.name());
            }
            s.push_str(&production_flags(self.production));
            return s;
        }
        let mut s = format!(
            "raft-playground run --seed {} --nodes {} --duration {}",
            self.seed,
            self.nodes,
            format_duration(self.duration)
        );
        if let Some(l) = self.loss {
            let _ = write!(s, " --loss {l}");
        }
        if let Some(d) = self.dup {
            let _ = write!(s, " --dup {d}");
        }
        if let Some((lo, hi)) = self.latency {
            let _ = write!(
                s,
                " --latency {}..{}",
                format_duration(lo),
                format_duration(hi)
            );
        }
        if let Some(c) = self.clients {
            let _ = write!(s, " --clients {c}");
        }
        if !self.members.is_empty() {
            let ids: Vec<String> = self.members.iter().map(|m| m.to_string()).collect();
            let _ = write!(s, " --members {}", ids.join(","));
        }
        if self.faults == Faults::Random {
            s.push_str(" --faults random");
        }
        for b in self.bugs.enabled() {
            let _ = write!(s, " --bug {}", b.name());
        }
        s.push_str(&production_flags(self.production));
        s
    }
}

/// The sweep configuration for a cluster size, toggles, duration and production
/// features: the one place both `sweep` and `run --faults random` get it from.
pub fn sweep_config(
    nodes: usize,
    bugs: Bugs,
    duration: Time,
    production: Production,
) -> SweepConfig {
    SweepConfig {
        nodes,
        bugs,
        duration,
        production,
        ..SweepConfig::default()
    }
}

/// The command-line flags that turn `p` on (empty when off).
pub fn production_flags(p: Production) -> String {
    let mut s = String::new();
    for (on, flag) in [
        (p.pre_vote, " --pre-vote"),
        (p.check_quorum, " --check-quorum"),
        (p.pauses, " --pauses"),
        (p.drift, " --drift"),
        (p.transfers, " --transfers"),
        (p.snapshots, " --snapshots"),
        (p.membership, " --membership"),
    ] {
        if on {
            s.push_str(flag);
        }
    }
    if !p.reads.is_log() {
        let _ = write!(s, " --reads {}", p.reads.name());
    }
    if let Some(bound) = p.drift_bound {
        let _ = write!(s, " --drift-bound {}", bound as f64 / 1000.0);
    }
    if p.snapshot_every > 0 {
        let _ = write!(s, " --snapshot-every {}", p.snapshot_every);
    }
    s
}

/// Counts gathered from the event stream of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunStats {
    pub events: u64,
    pub sent: u64,
    pub delivered: u64,
    pub dropped: u64,
    pub dropped_loss: u64,
    pub dropped_partition: u64,
    pub dropped_crashed: u64,
    pub dropped_manual: u64,
    pub duplicated: u64,
    /// Candidacies started (each is one election attempt).
    pub elections: u64,
    /// Who became leader in each term (two names in one term is a violation).
    pub leaders: BTreeMap<Term, Vec<NodeId>>,
    /// The highest commit index any node reached.
    pub commit_index: u64,
    pub applied: u64,
    pub truncations: u64,
    pub client_invoked: u64,
    pub client_ok: u64,
    pub client_retries: u64,
    pub client_failed: u64,
    pub crashes: u64,
    pub restarts: u64,
    pub partitions: u64,
    pub cuts: u64,
    pub heals: u64,
    pub forced_timeouts: u64,
    /// Leaders that stepped down for want of a quorum (CheckQuorum).
    pub quorum_losses: u64,
    /// Leadership transfers started.
    pub transfers: u64,
    /// Nodes paused (GC stop-the-world).
    pub pauses: u64,
    /// Inputs a node refused or ignored (`rejected` events; not in `events`).
    pub rejections: u64,
}

impl RunStats {
    pub fn observe(&mut self, e: &Event) {
        if matches!(e.kind, EventKind::Rejected { .. }) {
            self.rejections += 1;
            return;
        }
        self.events += 1;
        match &e.kind {
            EventKind::Send { .. } => self.sent += 1,
            EventKind::Deliver { .. } => self.delivered += 1,
            EventKind::Drop { reason, .. } => {
                self.dropped += 1;
                match reason {
                    DropReason::Loss => self.dropped_loss += 1,
                    DropReason::Partitioned => self.dropped_partition += 1,
                    DropReason::Crashed => self.dropped_crashed += 1,
                    DropReason::Manual => self.dropped_manual += 1,
                }
            }
            EventKind::Duplicate { .. } => self.duplicated += 1,
            EventKind::Role { node, role, term } => match role {
                RoleKind::Candidate => self.elections += 1,
                RoleKind::Leader => {
                    let names = self.leaders.entry(*term).or_default();
                    if !names.contains(node) {
                        names.push(*node);
                    }
                }
                RoleKind::Follower | RoleKind::Precandidate => {}
            },
            EventKind::Commit { index, .. } => self.commit_index = self.commit_index.max(*index),
            EventKind::Apply { .. } => self.applied += 1,
            EventKind::LogTruncate { .. } => self.truncations += 1,
            EventKind::ClientInvoke { .. } => self.client_invoked += 1,
            EventKind::ClientOk { .. } => self.client_ok += 1,
            EventKind::ClientRetry { .. } => self.client_retries += 1,
            EventKind::ClientFail { .. } => self.client_failed += 1,
            EventKind::Crash { .. } => self.crashes += 1,
            EventKind::Restart { .. } => self.restarts += 1,
            EventKind::Partition { .. } => self.partitions += 1,
            EventKind::Cut { .. } => self.cuts += 1,
            EventKind::Heal => self.heals += 1,
            EventKind::ForceTimeout { .. } => self.forced_timeouts += 1,
            EventKind::QuorumLost { .. } => self.quorum_losses += 1,
            EventKind::TransferStart { .. } => self.transfers += 1,
            EventKind::Pause { .. } => self.pauses += 1,
            EventKind::LogAppend { .. }
            | EventKind::Snapshot { .. }
            | EventKind::SnapshotRestore { .. }
            | EventKind::HardState { .. }
            | EventKind::TransferAbort { .. }
            | EventKind::Membership { .. }
            | EventKind::Resume { .. }
            | EventKind::ClockRate { .. }
            | EventKind::ReadServe { .. }
            | EventKind::Setting { .. }
            | EventKind::Rejected { .. }
            | EventKind::Violation(_) => {}
        }
    }
}

/// The outcome of one run.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub options: RunOptions,
    /// Whether the run reached its end (or was stopped as a message storm).
    pub ended: Ended,
    pub config: SimConfig,
    pub stats: RunStats,
    pub violations: Vec<Violation>,
    /// The leader with the highest term among running nodes at the end.
    pub final_leader: Option<(NodeId, Term)>,
    pub trace_hash: String,
    /// The JSON Lines trace, when `keep_trace` was set.
    pub trace: Option<Vec<u8>>,
}

/// Events kept in the world's recent buffer between two reads; one step emits
/// far fewer (the most: a crash dropping everything in flight to a node).
const RECENT: usize = 1 << 16;

/// Runs the simulation described by `options`.
pub fn run(options: &RunOptions) -> Result<RunReport, String> {
    let mode = if options.keep_trace {
        TraceMode::Full
    } else {
        TraceMode::Hash
    };
    let config = options.sim_config();
    let sweep = options.sweep_config();
    let swarm = (options.scenario.is_none() && options.faults == Faults::Swarm)
        .then(|| options.swarm_plan());
    let mut reactor = None;
    let mut world = match (&options.scenario, options.faults) {
        // Every action of the scenario scheduled: the same run as the page's.
        (Some(s), _) => s
            .scenario
            .to_world(mode, RECENT)
            .map_err(|e| e.to_string())?,
        // Exactly what a sweep runs for this seed (plus any explicit overrides).
        (None, Faults::Random) => prepare_seed_with(&sweep, config.clone(), mode, RECENT)?,
        // Exactly what `sweep --swarm` runs for this seed, reactions included.
        (None, Faults::Swarm) => {
            let plan = swarm.as_ref().expect("drawn above");
            let (world, r) = plan.prepare(mode, RECENT)?;
            reactor = Some(r);
            world
        }
        (None, Faults::None) => World::new(config.clone(), mode, RECENT)?,
    };
    let mut stats = RunStats::default();
    let mut seen = 0u64;
    let mut take_new = |world: &World, stats: &mut RunStats| {
        let trace = world.trace();
        let new = (trace.recorded_count() - seen) as usize;
        let recent: Vec<&Event> = trace.recent().rev().take(new).collect();
        for e in recent.into_iter().rev() {
            stats.observe(e);
        }
        seen = trace.recorded_count();
    };
    take_new(&world, &mut stats);
    let (ended, mut violations) = drive_mut(&mut world, options.duration, false, |w| {
        if let Some(r) = reactor.as_mut() {
            r.after_step(w);
        }
        take_new(w, &mut stats)
    });
    if ended == Ended::Completed && options.scenario.is_none() {
        match &swarm {
            Some(plan) => {
                violations.extend(world.finish_liveness(options.duration, plan.liveness_bound()))
            }
            None if options.faults == Faults::Random => {
                violations.extend(finish_seed(&sweep, &mut world))
            }
            None => {}
        }
    }
    // Requests still unanswered are reported as failed (client_fail events) —
    // except for a scenario, whose trace hash must equal the page's at that time.
    if options.scenario.is_none() {
        let before = world.violations().len();
        world.finish();
        violations.extend(world.violations()[before..].iter().cloned());
        take_new(&world, &mut stats);
    }
    let final_leader = world.leader().map(|id| {
        let term = world
            .server(id)
            .and_then(|s| s.node.as_ref())
            .map(|n| n.current_term())
            .unwrap_or(0);
        (id, term)
    });
    Ok(RunReport {
        options: options.clone(),
        ended,
        stats,
        violations,
        final_leader,
        trace_hash: world.trace_hash(),
        trace: options.keep_trace.then(|| world.trace().text().to_vec()),
        config,
    })
}

impl RunReport {
    /// The human summary; its last two lines are `trace-hash: <hex>` and
    /// `violations: <count>`.
    pub fn summary(&self) -> String {
        let o = &self.options;
        let c = &self.config;
        let s = &self.stats;
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(w, "raft-playground run");
        let _ = writeln!(w, "  command:     {}", o.command_line());
        let _ = writeln!(w, "  nodes:       {}", c.nodes);
        let _ = writeln!(w, "  seed:        {}", c.seed);
        let _ = writeln!(
            w,
            "  simulated:   {} ({} µs)",
            format_duration(o.duration),
            o.duration
        );
        let bugs: Vec<&str> = c.bugs.enabled().iter().map(|b| b.name()).collect();
        let _ = writeln!(
            w,
            "  bugs:        {}",
            if bugs.is_empty() {
                "none (correct Raft)".to_string()
            } else {
                bugs.join(", ")
            }
        );
        let _ = writeln!(
            w,
            "  network:     latency {}..{}, loss {}, dup {}",
            millis(c.network.latency_min),
            millis(c.network.latency_max),
            c.network.loss,
            c.network.duplicate
        );
        let _ = writeln!(
            w,
            "  faults:      {}",
            match (&o.scenario, o.faults) {
                (Some(sc), _) => format!(
                    "scenario \"{}\": {} scheduled actions",
                    if sc.scenario.title.is_empty() {
                        "untitled"
                    } else {
                        &sc.scenario.title
                    },
                    sc.scenario.actions.len()
                ),
                (None, Faults::None) => "none".to_string(),
                (None, Faults::Swarm) => format!(
                    "swarm (heal at {}); {} crashes, {} restarts, {} partitions, {} cuts, {} heals, {} forced timeouts",
                    format_duration(self.options.swarm_plan().heal_at),
                    s.crashes,
                    s.restarts,
                    s.partitions,
                    s.cuts,
                    s.heals,
                    s.forced_timeouts
                ),
                (None, Faults::Random) => format!(
                    "random (heal at {}); {} crashes, {} restarts, {} partitions, {} cuts, {} heals, {} forced timeouts",
                    format_duration(self.options.sweep_config().fault_plan().heal_at),
                    s.crashes,
                    s.restarts,
                    s.partitions,
                    s.cuts,
                    s.heals,
                    s.forced_timeouts
                ),
            }
        );
        let _ = writeln!(
            w,
            "  elections:   {} started, {} terms with a leader",
            s.elections,
            s.leaders.len()
        );
        let _ = writeln!(w, "  leaders:     {}", leaders_line(&s.leaders));
        if s.quorum_losses + s.transfers + s.pauses > 0 {
            let _ = writeln!(
                w,
                "  production:  {} quorum losses, {} transfers, {} pauses",
                s.quorum_losses, s.transfers, s.pauses
            );
        }
        let _ = writeln!(
            w,
            "  commits:     highest commit index {}, {} entries applied across nodes, {} log truncations",
            s.commit_index, s.applied, s.truncations
        );
        let _ = writeln!(
            w,
            "  clients:     {} automatic; {} requests invoked, {} completed, {} retries, {} unfinished at the end",
            c.clients.count, s.client_invoked, s.client_ok, s.client_retries, s.client_failed
        );
        let _ = writeln!(
            w,
            "  messages:    {} sent, {} delivered, {} dropped ({} lost, {} partitioned, {} to crashed nodes), {} duplicated",
            s.sent,
            s.delivered,
            s.dropped,
            s.dropped_loss,
            s.dropped_partition,
            s.dropped_crashed,
            s.duplicated
        );
        let _ = writeln!(
            w,
            "  final leader: {}",
            match self.final_leader {
                Some((id, term)) => format!("node {id} (term {term})"),
                None => "none".into(),
            }
        );
        let _ = writeln!(w, "  events:      {}", s.events);
        let _ = writeln!(
            w,
            "  rejections:  {} inputs refused or ignored (`rejected` in the trace says why)",
            s.rejections
        );
        if self.ended == Ended::Storm {
            let _ = writeln!(
                w,
                "  stopped:     message storm at {} (see the last violation)",
                millis(self.violations.last().map_or(0, |v| v.time))
            );
        }
        for (i, v) in self.violations.iter().enumerate() {
            let _ = writeln!(w, "violation {}: {}", i + 1, describe::violation(v));
        }
        let _ = writeln!(w, "trace-hash: {}", self.trace_hash);
        let _ = writeln!(w, "violations: {}", self.violations.len());
        out
    }
}

/// `t1=n3 t2=n1 ...`; at most 30 terms shown, then how many more.
fn leaders_line(leaders: &BTreeMap<Term, Vec<NodeId>>) -> String {
    if leaders.is_empty() {
        return "none".into();
    }
    const SHOWN: usize = 30;
    let mut parts: Vec<String> = leaders
        .iter()
        .take(SHOWN)
        .map(|(t, ns)| {
            let names: Vec<String> = ns.iter().map(|n| format!("n{n}")).collect();
            format!("t{t}={}", names.join("+"))
        })
        .collect();
    if leaders.len() > SHOWN {
        parts.push(format!("… ({} more terms)", leaders.len() - SHOWN));
    }
    parts.join(" ")
}
