//! Swarm testing, shards and shrinking: every reachable toggle is caught by the
//! swarm at the seed the README's table names; a swarm seed replays exactly as a
//! scenario; shards partition a range; a shrunk run still breaks its property.

use raft_playground::check::Property;
use raft_playground::cli::sweep::{SweepOptions, parse_shard, sweep};
use raft_playground::raft::{Bug, Bugs};
use raft_playground::scenario::Scenario;
use raft_playground::scenario::shrink::{SeedKind, breaks, seed_scenario, shrink};
use raft_playground::sim::swarm::{SwarmPlan, run_plan};
use raft_playground::sim::{SECOND, TraceMode};

/// The README's table: toggle, first swarm seed that catches it, the property it
/// breaks there.
const FIRST_SEEDS: [(Bug, u64, Property); 8] = [
    (Bug::VoteWithoutLogCheck, 1, Property::LeaderCompleteness),
    (Bug::TruncateMatching, 1, Property::CommittedEntriesStable),
    (Bug::ForgetVote, 4, Property::OneVotePerTerm),
    (Bug::CommitOldTerm, 518, Property::LeaderCompleteness),
    (Bug::AckBeforeCommit, 1, Property::AckedWritesDurable),
    (Bug::ReplyBeforePersist, 1, Property::CommittedEntriesStable),
    (Bug::IgnoreHigherTermReply, 3, Property::HigherTermAdopted),
    // Caught only by the linearizability search, judged at the sweep's end.
    (Bug::StaleRead, 90, Property::Linearizable),
];

/// Runs the swarm over `1..=last` and returns the first violating seed and its property.
fn first_caught(bug: Bug, last: u64) -> Option<(u64, Property)> {
    let mut options = SweepOptions::new(1..=last, 5, Bugs::none().with(bug), 10 * SECOND);
    options.swarm = true;
    options.stop_at_first = true;
    let summary = sweep(&options, |_| {}, |_| {}).expect("valid sweep");
    summary
        .violating
        .first()
        .map(|o| (o.seed, o.violations[0].property))
}

#[test]
fn the_swarm_catches_each_reachable_toggle_at_its_first_seed() {
    for (bug, seed, property) in FIRST_SEEDS {
        assert!(seed <= 1000, "{}: within 1,000 seeds", bug.name());
        assert_eq!(
            first_caught(bug, seed),
            Some((seed, property)),
            "{}",
            bug.name()
        );
    }
}

#[test]
fn a_swarm_seed_replays_exactly_as_its_scenario() {
    for seed in [3, 518] {
        let bugs = Bugs::none().with(Bug::CommitOldTerm);
        let plan = SwarmPlan::draw(seed, bugs, 4 * SECOND);
        let (live, _, _) = run_plan(&plan, TraceMode::Hash, 0, false).unwrap();
        let scenario = Scenario::capture(&live, Default::default());
        let replay = scenario.replay(4 * SECOND, TraceMode::Hash).unwrap();
        assert_eq!(live.trace_hash(), replay.trace_hash(), "seed {seed}");
        // And through a link, as the page would open it.
        let link = scenario.encode_link().unwrap();
        let decoded = Scenario::decode_link(&link).unwrap();
        let again = decoded.replay(4 * SECOND, TraceMode::Hash).unwrap();
        assert_eq!(live.trace_hash(), again.trace_hash(), "seed {seed} link");
    }
}

#[test]
fn swarm_knobs_come_from_the_seed() {
    let sizes: Vec<usize> = (1..=200)
        .map(|s| SwarmPlan::draw(s, Bugs::none(), 10 * SECOND).sim.nodes)
        .collect();
    for n in 3..=7 {
        assert!(sizes.contains(&n), "some seed draws {n} nodes");
    }
    assert_eq!(
        SwarmPlan::draw(9, Bugs::none(), 10 * SECOND),
        SwarmPlan::draw(9, Bugs::none(), 10 * SECOND)
    );
}

#[test]
fn shards_partition_the_range_exactly() {
    for (start, end) in [(1u64, 100u64), (7, 7), (5, 1003), (0, 9)] {
        for n in [1u64, 2, 3, 8, 13] {
            let mut all: Vec<u64> = Vec::new();
            for k in 1..=n {
                let mut o = SweepOptions::new(start..=end, 5, Bugs::none(), SECOND);
                o.shard = Some((k, n));
                let list = o.seed_list();
                let seeds: Vec<u64> = list.iter().collect();
                assert_eq!(seeds.len() as u64, list.len());
                assert!(seeds.iter().all(|s| s % n == k - 1));
                all.extend(seeds);
            }
            all.sort_unstable();
            let expected: Vec<u64> = (start..=end).collect();
            assert_eq!(all, expected, "{start}..{end} in {n} shards");
        }
    }
    assert_eq!(parse_shard("3/8"), Ok((3, 8)));
    for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
        assert!(parse_shard(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_shard_sweep_runs_its_seeds_only() {
    let mut o = SweepOptions::new(1..=10, 5, Bugs::none().with(Bug::TruncateMatching), SECOND);
    o.swarm = true;
    o.shard = Some((2, 3));
    let summary = sweep(&o, |_| {}, |_| {}).unwrap();
    assert_eq!(summary.swept, 4, "seeds 1, 4, 7, 10");
    assert!(summary.violating.iter().all(|v| v.seed % 3 == 1));
}

#[test]
fn shrinking_keeps_the_property_and_never_grows() {
    let cases = [
        (1, SeedKind::Random { nodes: 5 }, Bug::TruncateMatching),
        (4, SeedKind::Swarm, Bug::ForgetVote),
        (1, SeedKind::Swarm, Bug::TruncateMatching),
    ];
    for (seed, kind, bug) in cases {
        let duration = 10 * SECOND;
        let input = seed_scenario(seed, kind, Bugs::none().with(bug), duration).unwrap();
        let shrunk = shrink(&input, duration).unwrap();
        let after = &shrunk.after;
        let before = &shrunk.before;
        assert!(
            after.actions <= before.actions,
            "{bug:?}: {after:?} vs {before:?}"
        );
        assert!(after.duration <= before.duration);
        assert!(after.nodes <= before.nodes);
        assert!(after.clients <= before.clients);
        // The output, through its link, still breaks the same property.
        let link = shrunk.scenario.encode_link().unwrap();
        let decoded = Scenario::decode_link(&link).unwrap();
        let v = breaks(&decoded, shrunk.scenario.view.time, shrunk.property)
            .expect("the shrunk link still breaks the property");
        assert_eq!(v.property, shrunk.property);
    }
}

#[test]
fn the_json_summary_names_each_violation_and_its_reproduce_command() {
    let mut o = SweepOptions::new(
        1..=3,
        5,
        Bugs::none().with(Bug::TruncateMatching),
        2 * SECOND,
    );
    o.swarm = true;
    o.shard = Some((1, 1));
    let summary = sweep(&o, |_| {}, |_| {}).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&raft_playground::cli::sweep::json_summary(&o, &summary)).unwrap();
    assert_eq!(json["seeds_run"], 3);
    assert_eq!(json["mode"], "swarm");
    assert_eq!(json["shard"], "1/1");
    let first = &json["violations"][0];
    assert_eq!(first["seed"], 1);
    assert_eq!(
        first["reproduce"],
        "raft-playground run --seed 1 --duration 2s --faults swarm --bug truncate-matching"
    );
    assert!(json["seeds_per_s"].as_f64().unwrap() > 0.0);
}

/// Linearizability is judged as answers arrive, not only when a run is
/// flushed: the page and `run LINK` (which never flush) see a stale read too,
/// in the trace right after the answer that revealed it.
#[test]
fn a_stale_read_is_caught_during_the_run_without_a_flush() {
    let plan = SwarmPlan::draw(90, Bugs::none().with(Bug::StaleRead), 10 * SECOND);
    let (world, _, violations) = run_plan(&plan, TraceMode::Full, 0, true).unwrap();
    let found = violations
        .iter()
        .find(|v| v.property == Property::Linearizable)
        .expect("the stale read, found before the run's end");
    assert!(found.time < 10 * SECOND);
    // Stopped at that violation: the world's clock is at the answer.
    assert_eq!(world.now(), found.time);
    let text = String::from_utf8_lossy(world.trace().text()).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(r#""property":"linearizable""#))
        .expect("a linearizable violation line");
    assert!(
        lines[at - 1].contains(r#""event":"client_ok""#),
        "recorded right after the answer: {}",
        lines[at - 1]
    );
}
