//! The checker against the real `World` in random runs: seeded fault schedules
//! (crashes, restarts, partitions, one-way cuts, forced timeouts, loss,
//! duplication, reordering, with automatic clients) from `sim::sweep`. A correct
//! Raft is never flagged and stays live; each broken-rule toggle that random runs
//! reach is caught by the properties the reference table names. And the verdict
//! does not depend on the order of one node's events within an instant.
//!
//! The toggles random runs do not reach have scripts: tests/toggles_scripted.rs.

mod support;

use raft_playground::check::{Checker, Property, Violation};
use raft_playground::raft::{Bug, Bugs};
use raft_playground::rng::Rng;
use raft_playground::sim::faults::FaultPlan;
use raft_playground::sim::sweep::{SweepConfig, drive, prepare_with_faults};
use raft_playground::sim::{Event, EventKind, MS, SECOND, TraceMode, World};
use std::collections::BTreeSet;
use support::properties;

/// A leader and every client's answer must come within this long of the final heal.
const LIVENESS_BOUND: u64 = 3 * SECOND;

/// `chaos` of random faults, then everything healed and `calm` without faults
/// (automatic clients throughout).
fn plan(nodes: usize, bugs: Bugs, chaos: u64, calm: u64) -> SweepConfig {
    SweepConfig {
        nodes,
        bugs,
        duration: chaos + calm,
        heal_phase: calm,
        ..SweepConfig::default()
    }
}

/// One run of `plan`'s world for `seed`; `one_entry_per_append` sends one entry
/// per AppendEntries (more interleavings where it matters: Figure 8).
fn random_run(
    plan: &SweepConfig,
    seed: u64,
    one_entry_per_append: bool,
    trace: TraceMode,
) -> World {
    let mut sim = plan.sim_config(seed);
    if one_entry_per_append {
        sim.raft.max_entries_per_append = 1;
    }
    // About ten faults a second: four times the sweep's rate, for short runs
    // that still crash a node between its vote and its next vote.
    let faults = FaultPlan {
        mean_gap: 100 * MS,
        ..plan.fault_plan()
    };
    let mut world = prepare_with_faults(sim, &faults, trace, 0).expect("a valid sweep config");
    drive(&mut world, plan.duration, false, |_| {});
    world
}

#[track_caller]
fn assert_safe_live_and_busy(plan: &SweepConfig, seeds: std::ops::Range<u64>, committed: u64) {
    for seed in seeds {
        let mut w = random_run(plan, seed, false, TraceMode::Off);
        let found = w.violations();
        assert!(
            found.is_empty(),
            "seed {seed}: false positive(s): {found:#?}"
        );
        let live = w.finish_liveness(plan.duration, LIVENESS_BOUND);
        assert!(live.is_empty(), "seed {seed}: {live:#?}");
        let done = w.checker().committed_len();
        assert!(done >= committed, "seed {seed}: only {done} committed");
    }
}

#[test]
fn correct_raft_is_never_flagged_and_stays_live() {
    let plan = plan(5, Bugs::none(), 12 * SECOND, 5 * SECOND);
    assert_safe_live_and_busy(&plan, 0..12, 20);
}

#[test]
fn three_node_cluster_correct_raft() {
    let plan = plan(3, Bugs::none(), 8 * SECOND, 4 * SECOND);
    assert_safe_live_and_busy(&plan, 100..106, 20);
}

/// Runs `seeds` with `bug` on and returns the properties caught over all of them.
fn caught(bug: Bug, seeds: std::ops::Range<u64>) -> BTreeSet<Property> {
    let plan = plan(5, Bugs::none().with(bug), 12 * SECOND, 3 * SECOND);
    let mut all = BTreeSet::new();
    for seed in seeds {
        let w = random_run(&plan, seed, true, TraceMode::Off);
        for v in w.violations() {
            assert!(!v.explanation.is_empty());
            assert!(
                v.nodes.windows(2).all(|w| w[0] < w[1]),
                "nodes in id order: {v:?}"
            );
        }
        all.extend(properties(w.violations()));
    }
    eprintln!("{}: {all:?}", bug.name());
    all
}

/// The toggles that random runs of this core trigger; each is caught by what the
/// reference table names (or by a more direct property: a forgotten vote is seen as
/// the second vote itself).
#[test]
fn broken_rules_are_caught_in_random_runs() {
    let forget = caught(Bug::ForgetVote, 0..100);
    assert!(forget.contains(&Property::OneVotePerTerm), "{forget:?}");
    let no_log_check = caught(Bug::VoteWithoutLogCheck, 0..20);
    for p in [Property::LeaderCompleteness, Property::StateMachineSafety] {
        assert!(no_log_check.contains(&p), "{p:?}: {no_log_check:?}");
    }
    let truncate = caught(Bug::TruncateMatching, 0..100);
    for p in [
        Property::CommittedEntriesStable,
        Property::StateMachineSafety,
    ] {
        assert!(truncate.contains(&p), "{p:?}: {truncate:?}");
    }
}

// ----- The order of one node's events within an instant ------------------------------

/// A node's `Ready` reaches the trace as one run of events at one time: its
/// persistence events (`HardState`, `LogTruncate`, `LogAppend`) and its reports
/// (`Role`, `Commit`). The world emits the persistence events first; another
/// simulator could emit them in any interleaving. Each stream keeps its own order
/// (a disk's writes, a node's successive roles), so this riffles the two streams:
/// every interleaving is equally likely.
fn riffle_ready_batches(events: &[Event], rng: &mut Rng) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let Some(node) = ready_node(&events[i]) else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let time = events[i].time;
        let end = (i..events.len())
            .find(|&j| events[j].time != time || ready_node(&events[j]) != Some(node))
            .unwrap_or(events.len());
        let (persisted, reported): (Vec<&Event>, Vec<&Event>) =
            events[i..end].iter().partition(|e| is_persistence(e));
        let (mut p, mut r) = (
            persisted.into_iter().peekable(),
            reported.into_iter().peekable(),
        );
        for left in (1..=end - i).rev() {
            let p_left = p.len() as u64;
            let take_persisted = rng.range(0, left as u64) < p_left;
            let next = if take_persisted { p.next() } else { r.next() };
            out.push(next.expect("counted").clone());
        }
        i = end;
    }
    out
}

/// The node whose `Ready` this event belongs to, if it belongs to one.
fn ready_node(e: &Event) -> Option<u64> {
    match e.kind {
        EventKind::HardState { node, .. }
        | EventKind::LogTruncate { node, .. }
        | EventKind::LogAppend { node, .. }
        | EventKind::Role { node, .. }
        | EventKind::Commit { node, .. } => Some(node),
        _ => None,
    }
}

fn is_persistence(e: &Event) -> bool {
    matches!(
        e.kind,
        EventKind::HardState { .. } | EventKind::LogTruncate { .. } | EventKind::LogAppend { .. }
    )
}

/// What a fresh checker finds in `events`.
fn replay(nodes: usize, events: &[Event]) -> Vec<Violation> {
    let ids: Vec<u64> = (1..=nodes as u64).collect();
    let mut checker = Checker::new(&ids);
    for e in events {
        checker.observe(e);
    }
    checker.flush();
    checker.violations().to_vec()
}

/// Records `seed`'s run, replays it unchanged (the same violations, to the
/// letter: the trace holds everything the checker saw), then `shuffles` times
/// with its `Ready` batches riffled; returns the properties of the run and of
/// each riffled replay.
fn verdicts(
    plan: &SweepConfig,
    seed: u64,
    shuffles: u64,
) -> (BTreeSet<Property>, Vec<BTreeSet<Property>>) {
    let w = random_run(plan, seed, true, TraceMode::Full);
    let events = w.trace().events();
    assert_eq!(replay(plan.nodes, &events), w.violations(), "seed {seed}");
    let mut rng = Rng::derive(seed, "riffle", 0);
    let riffled = (0..shuffles)
        .map(|_| {
            properties(&replay(
                plan.nodes,
                &riffle_ready_batches(&events, &mut rng),
            ))
        })
        .collect();
    (properties(w.violations()), riffled)
}

#[test]
fn the_verdict_does_not_depend_on_the_order_within_a_ready() {
    let correct = plan(5, Bugs::none(), 6 * SECOND, 2 * SECOND);
    for seed in 0..16 {
        let (original, riffled) = verdicts(&correct, seed, 4);
        assert!(original.is_empty(), "seed {seed}: {original:?}");
        for found in riffled {
            assert!(found.is_empty(), "seed {seed}: false positive(s) {found:?}");
        }
    }
    let mut flagged = 0;
    for bug in [
        Bug::TruncateMatching,
        Bug::VoteWithoutLogCheck,
        Bug::ForgetVote,
    ] {
        let broken = plan(5, Bugs::none().with(bug), 6 * SECOND, 2 * SECOND);
        for seed in 0..8 {
            let (original, riffled) = verdicts(&broken, seed, 4);
            flagged += usize::from(!original.is_empty());
            for found in riffled {
                assert_eq!(found, original, "{} seed {seed}", bug.name());
            }
        }
    }
    assert!(
        flagged >= 6,
        "only {flagged} broken runs flagged: too few to compare"
    );
}
