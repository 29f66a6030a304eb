//! The JSON Lines trace (docs/trace-schema.md): every line parses, every event
//! kind and field is documented, lines round-trip through `sim::Event`, and the
//! same input gives byte-identical traces whose hash is the SHA-256 of the bytes.

mod support;

use raft_playground::kv::Op;
use raft_playground::raft::Bug;
use raft_playground::sim::sweep::{SweepConfig, drive, finish_seed, prepare_seed};
use raft_playground::sim::{Action, Event, MS, SECOND, TraceMode, World};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use support::{put, world};

const SCHEMA: &str = include_str!("../docs/trace-schema.md");

/// Event kind -> its documented top-level fields, read from the schema's
/// `### \`kind\`` headings and the first column of the table under each.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    documented_under("### `", ["time", "event"])
}

/// A `rejected` event's reason kind -> its documented fields, read from the
/// schema's `#### reason \`kind\`` headings.
fn documented_reasons() -> BTreeMap<String, BTreeSet<String>> {
    documented_under("#### reason `", ["kind"])
}

/// Heading name -> the fields in the table under it (plus `always`), for the
/// headings starting with `prefix`; any other heading ends a section.
fn documented_under<const N: usize>(
    prefix: &str,
    always: [&str; N],
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in SCHEMA.lines() {
        if let Some(rest) = line.strip_prefix(prefix) {
            let kind = rest.split('`').next().unwrap().to_string();
            out.insert(kind.clone(), always.map(String::from).into());
            current = Some(kind);
        } else if line.starts_with('#') {
            current = None;
        } else if let (Some(kind), Some(row)) = (&current, line.strip_prefix("| `")) {
            let field = row.split('`').next().unwrap().to_string();
            out.get_mut(kind).unwrap().insert(field);
        }
    }
    out
}

/// A random-fault sweep seed (the sweep's own config and schedule), full trace.
fn sweep_trace(seed: u64, config: &SweepConfig) -> Vec<u8> {
    let mut world = prepare_seed(config, seed, TraceMode::Full, 0).unwrap();
    drive(&mut world, config.duration, false, |_| {});
    finish_seed(config, &mut world);
    world.finish();
    world.trace().text().to_vec()
}

/// A scripted run touching what random faults may not: a message dropped by
/// hand, a toggle switched, a request left unanswered at the end.
fn scripted_trace() -> Vec<u8> {
    let mut w = world(11);
    w.run_until(SECOND);
    w.apply(put("x", "1")).unwrap();
    let id = w.in_flight().next().expect("the request is on its way").id;
    w.apply(Action::DropMessage { id }).unwrap();
    w.apply(Action::SetBug {
        bug: Bug::ForgetVote,
        on: true,
    })
    .unwrap();
    w.apply(Action::Timeout { node: 2 }).unwrap();
    w.run_until(1500 * MS);
    w.apply(Action::Partition {
        groups: vec![vec![1, 2, 3, 4, 5]],
    })
    .unwrap();
    w.apply(Action::Cut { from: 1, to: 2 }).unwrap();
    w.apply(Action::Heal).unwrap();
    w.apply(Action::Crash { node: 3 }).unwrap();
    w.apply(Action::Restart { node: 3 }).unwrap();
    w.apply(put("y", "2")).unwrap();
    w.apply(Action::Client {
        op: Op::Get { key: "y".into() },
        to: None,
    })
    .unwrap();
    w.run_until(1500 * MS + 1); // the get is still unanswered
    w.finish();
    w.trace().text().to_vec()
}

/// A run with a caught toggle, so violation lines appear.
fn violation_trace() -> Vec<u8> {
    let config = SweepConfig {
        bugs: raft_playground::raft::Bugs::none()
            .with(raft_playground::raft::Bug::TruncateMatching),
        ..SweepConfig::default()
    };
    sweep_trace(1, &config)
}

/// A run with the production features: PreVote and CheckQuorum on, a drifting
/// clock, a transfer to a paused node (abandoned), a pause and resume, and a
/// leader cut off until CheckQuorum deposes it.
fn production_trace() -> Vec<u8> {
    let mut config = raft_playground::sim::SimConfig {
        seed: 11,
        ..Default::default()
    };
    config.raft.pre_vote = true;
    config.raft.check_quorum = true;
    let mut w = World::new(config, TraceMode::Full, 0).unwrap();
    w.run_until(SECOND);
    let leader = w.leader().expect("a leader after a second");
    let other = if leader == 1 { 2 } else { 1 };
    w.apply(Action::SetClockRate {
        node: other,
        permille: 1500,
    })
    .unwrap();
    w.apply(Action::Pause { node: other }).unwrap();
    w.apply(Action::Transfer { to: other }).unwrap();
    w.run_until(w.now() + SECOND);
    w.apply(Action::Resume { node: other }).unwrap();
    w.run_until(w.now() + 500 * MS);
    let leader = w.leader().expect("a leader");
    let rest = (1..=5).filter(|&n| n != leader).collect();
    w.apply(Action::Partition {
        groups: vec![vec![leader], rest],
    })
    .unwrap();
    w.run_until(w.now() + SECOND);
    w.finish();
    w.trace().text().to_vec()
}

/// A run with reads off the log (lease reads, ReadIndex when the lease is
/// out): `read_serve` lines.
fn reads_trace() -> Vec<u8> {
    let mut config = raft_playground::sim::SimConfig {
        seed: 3,
        ..Default::default()
    };
    config.raft.read_mode = raft_playground::raft::ReadMode::Lease;
    config.clients.count = 3;
    let mut w = World::new(config, TraceMode::Full, 0).unwrap();
    w.run_until(3 * SECOND);
    w.finish();
    w.trace().text().to_vec()
}

/// A run with a membership change: members {1, 2, 3} of 5 nodes, then S4 added
/// (`membership` lines).
fn membership_trace() -> Vec<u8> {
    let mut config = raft_playground::sim::SimConfig {
        seed: 3,
        initial_members: vec![1, 2, 3],
        ..Default::default()
    };
    config.clients.count = 1;
    let mut w = World::new(config, TraceMode::Full, 0).unwrap();
    w.schedule_action(SECOND, raft_playground::sim::Action::AddServer { node: 4 });
    w.run_until(3 * SECOND);
    w.finish();
    w.trace().text().to_vec()
}

/// Checks every line; returns the kinds seen.
fn check_lines(text: &[u8], docs: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let text = std::str::from_utf8(text).expect("UTF-8");
    assert!(text.ends_with('\n'), "every line ends with a newline");
    let mut kinds = BTreeSet::new();
    let mut last_time = 0;
    for (n, line) in text.lines().enumerate() {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {}: not JSON ({e}): {line}", n + 1));
        let object = value.as_object().expect("each line is an object");
        let time = object["time"].as_u64().expect("time is an integer (µs)");
        assert!(time >= last_time, "line {}: time goes back", n + 1);
        last_time = time;
        let kind = object["event"].as_str().expect("event is a string");
        let fields = docs
            .get(kind)
            .unwrap_or_else(|| panic!("event kind `{kind}` is not documented"));
        let keys: BTreeSet<String> = object.keys().cloned().collect();
        assert_eq!(
            &keys, fields,
            "fields of `{kind}` differ from the schema: {line}"
        );
        if kind == "rejected" {
            let reason = object["reason"].as_object().expect("a reason is an object");
            let name = reason["kind"].as_str().expect("a reason has a kind");
            let documented = documented_reasons();
            let fields = documented
                .get(name)
                .unwrap_or_else(|| panic!("reason `{name}` is not documented"));
            let keys: BTreeSet<String> = reason.keys().cloned().collect();
            assert_eq!(
                &keys, fields,
                "fields of reason `{name}` differ from the schema: {line}"
            );
            kinds.insert(format!("rejected/{name}"));
        }
        // The line is exactly what serialising the typed event gives back.
        let event: Event = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {} does not parse as an Event ({e}): {line}", n + 1));
        assert_eq!(serde_json::to_string(&event).unwrap(), line);
        kinds.insert(kind.to_string());
    }
    kinds
}

#[test]
fn every_line_is_documented_json_and_every_documented_kind_occurs() {
    let docs = documented();
    assert!(docs.len() >= 20, "schema lists {} kinds", docs.len());
    let config = SweepConfig::default();
    let mut seen = BTreeSet::new();
    for seed in 1..=4 {
        seen.extend(check_lines(&sweep_trace(seed, &config), &docs));
    }
    // A random-fault run alone shows every network, node, client and fault kind.
    for kind in [
        "send",
        "deliver",
        "drop",
        "duplicate",
        "role",
        "hard_state",
        "log_append",
        "log_truncate",
        "commit",
        "apply",
        "client_invoke",
        "client_ok",
        "client_retry",
        "crash",
        "restart",
        "partition",
        "cut",
        "heal",
        "force_timeout",
        "setting",
        "rejected",
        "rejected/stale_term",
        "rejected/already_voted",
        "rejected/log_not_up_to_date",
        "rejected/missing_entry",
        "rejected/term_mismatch",
        "rejected/wrong_role",
        "rejected/not_leader",
    ] {
        assert!(seen.contains(kind), "no `{kind}` in random-fault runs");
    }
    seen.extend(check_lines(&scripted_trace(), &docs));
    seen.extend(check_lines(&violation_trace(), &docs));
    seen.extend(check_lines(&production_trace(), &docs));
    seen.extend(check_lines(&reads_trace(), &docs));
    seen.extend(check_lines(&membership_trace(), &docs));
    // Log compaction (snapshot, snapshot_restore, InstallSnapshot on the wire).
    let compaction = SweepConfig {
        production: raft_playground::sim::Production {
            snapshot_every: 3,
            ..Default::default()
        },
        ..SweepConfig::default()
    };
    seen.extend(check_lines(&sweep_trace(3, &compaction), &docs));
    let reasons = documented_reasons();
    assert!(
        reasons.len() >= 12,
        "schema lists {} reasons",
        reasons.len()
    );
    for name in seen.iter().filter_map(|k| k.strip_prefix("rejected/")) {
        assert!(
            reasons.contains_key(name),
            "reason `{name}` is not documented"
        );
    }
    seen.retain(|k| !k.starts_with("rejected/"));
    let documented: BTreeSet<String> = docs.keys().cloned().collect();
    assert_eq!(
        seen, documented,
        "documented kinds that never occurred (or the reverse)"
    );
}

#[test]
fn same_input_gives_a_byte_identical_trace_whose_hash_is_its_sha256() {
    let config = SweepConfig::default();
    let a = sweep_trace(7, &config);
    let b = sweep_trace(7, &config);
    assert!(a.len() > 100_000, "a 10 s run with faults has a long trace");
    assert!(a == b, "same seed, different traces");
    assert_ne!(a, sweep_trace(8, &config));

    let mut world = prepare_seed(&config, 7, TraceMode::Full, 0).unwrap();
    drive(&mut world, config.duration, false, |_| {});
    let text = world.trace().text().to_vec();
    let hex: String = Sha256::digest(&text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(world.trace_hash(), hex);
    // The hash needs no text: TraceMode::Hash gives the same one.
    let mut hashed = prepare_seed(&config, 7, TraceMode::Hash, 0).unwrap();
    drive(&mut hashed, config.duration, false, |_| {});
    assert_eq!(hashed.trace_hash(), hex);
    assert!(hashed.trace().text().is_empty());
}

/// The page runs with the trace off and hashes on demand by replaying its run
/// (`scenario::replayed_trace_hash`): the answer equals the hash of the same
/// run made in hash mode, at every point — between two events at one instant
/// (after `step`), after live actions, and with actions still scheduled.
#[test]
fn a_world_without_trace_hashes_by_replay_exactly() {
    use raft_playground::scenario::replayed_trace_hash;
    use raft_playground::sim::{SimConfig, World};
    let config = SimConfig {
        seed: 11,
        ..SimConfig::default()
    };
    let mut off = World::new(config.clone(), TraceMode::Off, 50).unwrap();
    let mut hashed = World::new(config, TraceMode::Hash, 0).unwrap();
    type Step = Box<dyn Fn(&mut World)>;
    let mut script: Vec<Step> = vec![
        Box::new(|w| w.run_until(700 * MS)),
        Box::new(|w| w.apply(put("x", "1")).unwrap()),
        Box::new(|w| {
            w.step();
            w.step();
        }),
        Box::new(|w| w.apply(Action::Crash { node: 2 }).unwrap()),
        Box::new(|w| w.schedule_action(1900 * MS, Action::Restart { node: 2 })),
        Box::new(|w| w.run_until(1500 * MS)),
        Box::new(|w| {
            w.step();
        }),
        Box::new(|w| w.apply(put("y", "2")).unwrap()),
        Box::new(|w| w.run_until(3 * SECOND)),
    ];
    for (i, act) in script.drain(..).enumerate() {
        act(&mut off);
        act(&mut hashed);
        assert_eq!(off.trace_hash(), "", "the trace is off");
        assert_eq!(
            replayed_trace_hash(&off),
            hashed.trace_hash(),
            "after script step {i}"
        );
    }
}
