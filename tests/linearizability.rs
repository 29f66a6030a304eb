//! The linearizability checker on hand-written histories (both verdicts, the
//! classic stale-read and lost-write shapes, pending writes, deletes, the budget),
//! on histories built from events, and on real simulated runs.

use raft_playground::check::linearizability::{
    CheckOptions, History, NonLinearizable, Operation, Outcome, Stats, Verdict, check, check_key,
    check_with_stats,
};
use raft_playground::kv::{ClientId, Op};
use raft_playground::raft::{Bug, Bugs, Time};
use raft_playground::sim::sweep::{SweepConfig, drive, prepare_seed};
use raft_playground::sim::{Event, EventKind, MS, SECOND, TraceMode, World};
use std::time::Instant;

/// Hand-written histories: times in milliseconds, one request number per client.
#[derive(Default)]
struct Builder {
    history: History,
    next_seq: Vec<u64>,
}

/// `Some("a")` / `None` for a result, written short.
fn val(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

fn ms(t: u64) -> Time {
    t * MS
}

impl Builder {
    fn op(&mut self, client: ClientId, op: Op, from: u64, outcome: Outcome) -> &mut Self {
        let c = client as usize;
        if self.next_seq.len() <= c {
            self.next_seq.resize(c + 1, 1);
        }
        let seq = self.next_seq[c];
        self.next_seq[c] += 1;
        self.history
            .push(Operation {
                client,
                seq,
                op,
                invoked_at: ms(from),
                outcome,
            })
            .unwrap();
        self
    }

    fn ok(result: Option<&str>, to: u64) -> Outcome {
        Outcome::Ok {
            result: val(result),
            responded_at: ms(to),
        }
    }

    /// put(key, value) from..to, returning the previous value `prev`.
    fn put(
        &mut self,
        c: ClientId,
        key: &str,
        value: &str,
        from: u64,
        to: u64,
        prev: Option<&str>,
    ) -> &mut Self {
        self.op(c, put_op(key, value), from, Self::ok(prev, to))
    }

    fn get(
        &mut self,
        c: ClientId,
        key: &str,
        from: u64,
        to: u64,
        result: Option<&str>,
    ) -> &mut Self {
        self.op(c, Op::Get { key: key.into() }, from, Self::ok(result, to))
    }

    fn delete(
        &mut self,
        c: ClientId,
        key: &str,
        from: u64,
        to: u64,
        prev: Option<&str>,
    ) -> &mut Self {
        self.op(c, Op::Delete { key: key.into() }, from, Self::ok(prev, to))
    }

    fn pending_put(&mut self, c: ClientId, key: &str, value: &str, from: u64) -> &mut Self {
        self.op(c, put_op(key, value), from, Outcome::Pending)
    }

    fn failed_put(&mut self, c: ClientId, key: &str, value: &str, from: u64) -> &mut Self {
        self.op(c, put_op(key, value), from, Outcome::Failed)
    }

    fn verdict(&self) -> Verdict {
        check(&self.history, &CheckOptions::default())
    }
}

fn put_op(key: &str, value: &str) -> Op {
    Op::Put {
        key: key.into(),
        value: value.into(),
    }
}

fn linearizable(b: &Builder) {
    assert_eq!(b.verdict(), Verdict::Linearizable);
}

/// The single counterexample of a non-linearizable history.
fn counterexample(b: &Builder) -> NonLinearizable {
    match b.verdict() {
        Verdict::NotLinearizable(mut failures) => {
            assert_eq!(failures.len(), 1, "{failures:#?}");
            let failure = failures.remove(0);
            println!("{}", failure.explanation);
            failure
        }
        other => panic!("expected a counterexample, got {other:?}"),
    }
}

/// The core as `(client, op)` pairs, to compare with what a test expects.
fn core_ops(failure: &NonLinearizable) -> Vec<(ClientId, Op)> {
    failure
        .core
        .iter()
        .map(|o| (o.client, o.op.clone()))
        .collect()
}

// ----- linearizable -----------------------------------------------------------

#[test]
fn an_empty_history_is_linearizable() {
    linearizable(&Builder::default());
}

#[test]
fn a_sequential_history_is_linearizable() {
    let mut b = Builder::default();
    b.get(1, "k1", 0, 5, None)
        .put(1, "k1", "a", 10, 20, None)
        .get(2, "k1", 30, 35, Some("a"))
        .put(2, "k1", "b", 40, 45, Some("a"))
        .delete(1, "k1", 50, 55, Some("b"))
        .get(3, "k1", 60, 65, None)
        .delete(3, "k1", 70, 75, None);
    linearizable(&b);
}

#[test]
fn overlapping_operations_may_take_effect_in_either_order() {
    let mut b = Builder::default();
    // Two concurrent puts; reads during them see either, reads after see the winner.
    b.put(1, "k1", "a", 0, 100, Some("b"))
        .put(2, "k1", "b", 10, 50, None)
        .get(3, "k1", 20, 30, None)
        .get(3, "k1", 40, 60, Some("b"))
        .get(4, "k1", 45, 90, Some("a"))
        .get(3, "k1", 110, 120, Some("a"));
    linearizable(&b);
}

#[test]
fn a_pending_write_may_have_taken_effect() {
    let mut b = Builder::default();
    b.pending_put(1, "k1", "a", 0)
        .get(2, "k1", 50, 60, Some("a"));
    linearizable(&b);
}

#[test]
fn a_pending_write_may_never_have_taken_effect() {
    let mut b = Builder::default();
    b.pending_put(1, "k1", "a", 0)
        .get(2, "k1", 50, 60, None)
        .get(2, "k1", 70, 80, None);
    linearizable(&b);
}

#[test]
fn a_pending_write_may_take_effect_long_after_its_invoke() {
    let mut b = Builder::default();
    b.pending_put(1, "k1", "a", 0)
        .put(2, "k1", "b", 10, 20, None)
        .get(3, "k1", 30, 40, Some("b"))
        .get(3, "k1", 50, 60, Some("a"));
    linearizable(&b);
}

#[test]
fn keys_are_independent() {
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .put(2, "k2", "a", 5, 15, None)
        .get(3, "k1", 20, 30, Some("a"))
        .delete(1, "k2", 20, 30, Some("a"))
        .get(2, "k2", 40, 50, None)
        .get(2, "k1", 60, 70, Some("a"));
    linearizable(&b);
}

#[test]
fn failed_operations_did_not_happen() {
    let mut b = Builder::default();
    b.failed_put(1, "k1", "a", 0).get(2, "k1", 50, 60, None);
    linearizable(&b);
    b.get(2, "k1", 70, 80, Some("a"));
    let failure = counterexample(&b);
    assert_eq!(
        failure.explanation,
        "get(k1) by client 2 returned \"a\" at 80.0 ms, but nothing wrote \"a\" to k1 before then."
    );
}

// ----- not linearizable ----------------------------------------------------------

#[test]
fn stale_read_is_caught_and_explained() {
    // A read returns an old value after a newer write was acknowledged before
    // the read was invoked.
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .put(1, "k1", "b", 20, 30, Some("a"))
        .get(2, "k1", 35, 41, Some("a"));
    let failure = counterexample(&b);
    assert_eq!(failure.key, "k1");
    // The result that matters is the read's; the writes matter by when they took
    // effect: "a" before "b", and "b" before the read began.
    assert_eq!(core_ops(&failure), vec![(2, Op::Get { key: "k1".into() })]);
    let writes: Vec<(Op, Option<Time>)> = failure
        .writes
        .iter()
        .map(|w| (w.op.clone(), w.until))
        .collect();
    assert_eq!(
        writes,
        vec![
            (put_op("k1", "a"), Some(ms(10))),
            (put_op("k1", "b"), Some(ms(30)))
        ]
    );
    assert!(failure.minimal);
    assert_eq!(failure.detected_at(), ms(41));
    assert_eq!(
        failure.explanation,
        "get(k1) by client 2 returned \"a\" at 41.0 ms, but put(k1, \"b\") by client 1 was \
         acknowledged at 30.0 ms, before that get began at 35.0 ms, and nothing could have \
         written \"a\" after it."
    );
}

#[test]
fn lost_write_is_caught_and_explained() {
    // An acknowledged put whose value later reads never see, while a later read
    // returns an older value.
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .put(2, "k1", "b", 20, 30, Some("a"))
        .get(3, "k1", 40, 50, Some("a"))
        .get(3, "k1", 60, 70, Some("a"));
    let failure = counterexample(&b);
    assert_eq!(core_ops(&failure), vec![(3, Op::Get { key: "k1".into() })]);
    assert_eq!(
        failure.detected_at(),
        ms(50),
        "the first read that misses it"
    );
    assert_eq!(
        failure.explanation,
        "get(k1) by client 3 returned \"a\" at 50.0 ms, but put(k1, \"b\") by client 2 was \
         acknowledged at 30.0 ms, before that get began at 40.0 ms, and nothing could have \
         written \"a\" after it."
    );

    // The same loss seen by a later put's previous value instead of a read.
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .put(2, "k1", "b", 20, 30, Some("a"))
        .put(1, "k1", "c", 40, 50, Some("a"))
        .get(3, "k1", 60, 70, Some("c"));
    let failure = counterexample(&b);
    assert_eq!(core_ops(&failure), vec![(1, put_op("k1", "c"))]);
    assert_eq!(
        failure.explanation,
        "put(k1, \"c\") by client 1 replaced \"a\" at 50.0 ms, but put(k1, \"b\") by client 2 \
         was acknowledged at 30.0 ms, before that put began at 40.0 ms, and nothing could have \
         written \"a\" after it."
    );
}

#[test]
fn a_put_returning_a_previous_value_nobody_wrote_is_caught() {
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .put(2, "k1", "b", 20, 30, Some("x"));
    let failure = counterexample(&b);
    assert_eq!(core_ops(&failure), vec![(2, put_op("k1", "b"))]);
    assert_eq!(
        failure.explanation,
        "put(k1, \"b\") by client 2 replaced \"x\" at 30.0 ms, but nothing wrote \"x\" to k1 before then."
    );
}

#[test]
fn a_read_cannot_go_back_in_time_during_a_write() {
    // Both reads overlap the put of "b", but the second began after the first
    // saw "b": it may not see "a" again.
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .put(1, "k1", "b", 20, 100, Some("a"))
        .get(2, "k1", 30, 40, Some("b"))
        .get(3, "k1", 50, 60, Some("a"));
    let failure = counterexample(&b);
    assert_eq!(failure.core.len(), 2);
    assert_eq!(
        failure.explanation,
        "get(k1) by client 3 returned \"a\" at 60.0 ms, but get(k1) by client 2 had returned \
         \"b\" at 40.0 ms, before that get began at 50.0 ms, and nothing could have written \
         \"a\" after it."
    );
}

#[test]
fn a_pending_write_cannot_be_taken_back() {
    let mut b = Builder::default();
    b.pending_put(1, "k1", "a", 0)
        .get(2, "k1", 50, 60, Some("a"))
        .get(3, "k1", 70, 80, None);
    let failure = counterexample(&b);
    assert_eq!(failure.core.len(), 2);
    assert_eq!(failure.writes.len(), 1);
    assert_eq!(failure.writes[0].until, None, "the pending put");
    assert_eq!(
        failure.explanation,
        "get(k1) by client 3 found k1 absent at 80.0 ms, but get(k1) by client 2 had returned \
         \"a\" at 60.0 ms, before that get began at 70.0 ms, and nothing could have deleted k1 \
         after it."
    );
}

#[test]
fn deletes_are_checked() {
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .delete(2, "k1", 20, 30, Some("a"))
        .get(3, "k1", 40, 50, Some("a"));
    let failure = counterexample(&b);
    assert!(
        failure
            .explanation
            .contains("delete(k1) by client 2 was acknowledged at 30.0 ms"),
        "{}",
        failure.explanation
    );
}

#[test]
fn only_the_broken_key_is_named() {
    let mut b = Builder::default();
    b.put(1, "k1", "a", 0, 10, None)
        .put(1, "k2", "a", 0, 10, None)
        .put(2, "k2", "b", 20, 30, Some("a"))
        .get(3, "k1", 40, 50, Some("a"))
        .get(3, "k2", 40, 50, Some("a"));
    assert_eq!(counterexample(&b).key, "k2");
    assert_eq!(
        check_key(&b.history, "k1", &CheckOptions::default()),
        Verdict::Linearizable
    );
}

/// 300 operations by 3 clients on one key, overlapping three at a time, all
/// consistent with one order, except a stale read at operation 200.
fn long_history_with_a_stale_read() -> Builder {
    let mut b = Builder::default();
    let mut value: Option<String> = None;
    let mut written: Vec<String> = Vec::new();
    for i in 0..300u64 {
        let client = i % 3 + 1;
        let (from, to) = (10 * i, 10 * i + 25);
        if i == 200 {
            // Puts 196 and 197 were acknowledged before this read began.
            b.get(client, "k1", from, to, Some("v190"));
        } else if i % 3 == 0 {
            b.get(client, "k1", from, to, value.as_deref());
        } else {
            let v = format!("v{i}");
            b.put(client, "k1", &v, from, to, value.as_deref());
            written.push(v.clone());
            value = Some(v);
        }
    }
    b
}

#[test]
fn a_stale_read_deep_in_a_long_history_shrinks_to_its_core() {
    let b = long_history_with_a_stale_read();
    let failure = counterexample(&b);
    assert_eq!(failure.key_operations, 300);
    assert!(failure.minimal);
    assert_eq!(failure.core.len(), 1, "{:#?}", failure.core);
    let stale = &failure.core[0];
    assert_eq!((stale.client, stale.seq), (3, 67), "the read of op 200");
    // The source of "v190", and one put acknowledged after it and before the read.
    assert_eq!(failure.writes.len(), 2, "{:#?}", failure.writes);
    assert_eq!(failure.writes[0].op, put_op("k1", "v190"));
    assert!(failure.writes[1].until < Some(ms(2000)));
}

#[test]
fn the_budget_turns_a_hard_search_into_unknown_never_a_wrong_verdict() {
    // 30 concurrent puts that all claim to have been first: impossible, and
    // expensive to rule out.
    let mut b = Builder::default();
    for c in 1..=30 {
        b.put(c, "k1", &format!("v{c}"), 0, 1000, None);
    }
    let tight = CheckOptions {
        max_steps_per_key: 100,
        ..CheckOptions::default()
    };
    assert_eq!(
        check(&b.history, &tight),
        Verdict::Unknown {
            keys: vec!["k1".into()]
        }
    );
    let (verdict, stats) = check_with_stats(&b.history, &CheckOptions::default());
    assert!(
        matches!(verdict, Verdict::NotLinearizable(_)),
        "{verdict:?}"
    );
    assert!(stats.search_steps > 100);
    // And a linearizable history under the same tight budget is never called broken.
    let mut ok = Builder::default();
    for c in 1..=30 {
        let prev = (c > 1).then(|| format!("v{}", c - 1));
        ok.put(c, "k1", &format!("v{c}"), 0, 1000, prev.as_deref());
    }
    assert!(matches!(
        check(&ok.history, &tight),
        Verdict::Linearizable | Verdict::Unknown { .. }
    ));
}

// ----- histories from events ----------------------------------------------------

fn event(time: Time, kind: EventKind) -> Event {
    Event { time, kind }
}

#[test]
fn history_from_events_follows_requests_across_retries() {
    let events = vec![
        event(
            1000,
            EventKind::ClientInvoke {
                client: 1,
                seq: 1,
                op: put_op("k1", "a"),
                to: 2,
            },
        ),
        event(
            2000,
            EventKind::ClientInvoke {
                client: 2,
                seq: 1,
                op: Op::Get { key: "k1".into() },
                to: 1,
            },
        ),
        event(
            5000,
            EventKind::ClientRetry {
                client: 1,
                seq: 1,
                to: 3,
            },
        ),
        event(
            7000,
            EventKind::ClientOk {
                client: 1,
                seq: 1,
                index: 4,
                result: None,
            },
        ),
        // An answer to a request never seen invoked, and a second answer: ignored.
        event(
            7500,
            EventKind::ClientOk {
                client: 9,
                seq: 1,
                index: 5,
                result: None,
            },
        ),
        event(
            7600,
            EventKind::ClientOk {
                client: 1,
                seq: 1,
                index: 4,
                result: val(Some("zzz")),
            },
        ),
        event(
            8000,
            EventKind::ClientInvoke {
                client: 1,
                seq: 2,
                op: Op::Delete { key: "k1".into() },
                to: 3,
            },
        ),
        event(
            9000,
            EventKind::ClientOk {
                client: 1,
                seq: 2,
                index: 6,
                result: val(Some("a")),
            },
        ),
        // The run ended before client 2 heard back: pending, not failed.
        event(
            10_000,
            EventKind::ClientFail {
                client: 2,
                seq: 1,
                reason: "run ended before an answer".into(),
            },
        ),
    ];
    let history = History::from_events(&events);
    assert_eq!(history.len(), 3);
    assert_eq!(history.pending(), 1);
    let ops = history.operations();
    assert_eq!((ops[0].client, ops[0].seq, ops[0].invoked_at), (1, 1, 1000));
    assert_eq!(
        ops[0].outcome,
        Outcome::Ok {
            result: None,
            responded_at: 7000
        }
    );
    assert_eq!(ops[1].outcome, Outcome::Pending);
    assert_eq!(
        ops[2].outcome,
        Outcome::Ok {
            result: val(Some("a")),
            responded_at: 9000
        }
    );
    assert_eq!(history.keys(), vec!["k1"]);
    assert_eq!(
        check(&history, &CheckOptions::default()),
        Verdict::Linearizable
    );

    // Fed one event at a time, as a live checker would: the same history.
    let mut live = History::new();
    for e in &events {
        live.observe(e);
    }
    assert_eq!(live, history);
}

/// Runs `world` to `until`, ends it (unanswered requests get `ClientFail`) and
/// reads its client history back from the JSON Lines trace.
fn history_of_run(mut world: World, until: Time) -> History {
    drive(&mut world, until, false, |_| {});
    world.finish();
    let events: Vec<Event> = world
        .trace()
        .text()
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("a trace line is an event"))
        .collect();
    History::from_events(&events)
}

/// The client history of one sweep seed: 5 nodes, 3 clients, random faults.
fn simulated_history(config: &SweepConfig, seed: u64) -> History {
    let world = prepare_seed(config, seed, TraceMode::Full, 0).unwrap();
    history_of_run(world, config.duration)
}

#[test]
fn correct_raft_is_linearizable_over_50_faulty_seeds() {
    let config = SweepConfig::default();
    let (mut operations, mut pending, mut steps) = (0, 0, 0);
    for seed in 1..=50 {
        let history = simulated_history(&config, seed);
        let (verdict, stats) = check_with_stats(&history, &CheckOptions::default());
        assert_eq!(verdict, Verdict::Linearizable, "seed {seed}");
        operations += history.len();
        pending += history.pending();
        steps += stats.search_steps;
    }
    println!("50 seeds: {operations} operations, {pending} pending, {steps} search steps");
    assert!(operations > 50 * 100, "the clients did work: {operations}");
    assert!(
        pending > 0,
        "some requests were still unanswered at the end"
    );
}

#[test]
fn a_write_lost_by_truncate_matching_is_caught() {
    // Seed 41 of the sweep with the toggle on: a follower takes back acknowledged
    // entries, and a later put's previous value shows the loss.
    let config = SweepConfig {
        bugs: Bugs::none().with(Bug::TruncateMatching),
        ..SweepConfig::default()
    };
    let history = simulated_history(&config, 41);
    let Verdict::NotLinearizable(failures) = check(&history, &CheckOptions::default()) else {
        panic!("seed 41 loses a write");
    };
    let failure = &failures[0];
    println!("{}", failure.explanation);
    assert_eq!(failure.key, "k3");
    assert!(failure.minimal);
    assert_eq!(core_ops(failure), vec![(3, put_op("k3", "c3.15"))]);
    assert!(
        failure
            .explanation
            .contains("but put(k3, \"c3.14\") by client 3 was acknowledged"),
        "{}",
        failure.explanation
    );
}

/// Checks `history` a few times and returns the verdict, what it cost, and the
/// fastest wall time (the machine may be busy).
fn timed_check(history: &History) -> (Verdict, Stats, f64) {
    let mut fastest = f64::MAX;
    let mut result = None;
    for _ in 0..5 {
        let started = Instant::now();
        let (verdict, stats) = check_with_stats(history, &CheckOptions::default());
        fastest = fastest.min(started.elapsed().as_secs_f64() * 1000.0);
        result = Some((verdict, stats));
    }
    let (verdict, stats) = result.unwrap();
    (verdict, stats, fastest)
}

fn time_check(label: &str, history: &History) {
    let (verdict, stats, elapsed) = timed_check(history);
    assert_eq!(verdict, Verdict::Linearizable, "{label}");
    println!(
        "{label}: {} operations ({} pending) on {} keys checked in {elapsed:.2} ms \
         ({} search steps, at most {} for one key)",
        history.len(),
        history.pending(),
        stats.keys,
        stats.search_steps,
        stats.max_key_steps
    );
}

/// Prints what checking a 60 s, 3-client run costs (`--nocapture` to see it).
#[test]
fn cost_of_checking_a_60_second_run() {
    let faulty = SweepConfig {
        duration: 60 * SECOND,
        ..SweepConfig::default()
    };
    for seed in [1, 2] {
        let label = format!("60 s, 3 clients, random faults, seed {seed}");
        time_check(&label, &simulated_history(&faulty, seed));
    }
    // No faults: the clients never wait, so the history is as long as it gets.
    for key_space in [4, 1] {
        let mut config = faulty.sim_config(1);
        config.clients.key_space = key_space;
        let world = World::new(config, TraceMode::Full, 0).unwrap();
        let label = format!("60 s, 3 clients, no faults, {key_space} key(s)");
        let history = history_of_run(world, 60 * SECOND);
        time_check(&label, &history);
        if key_space == 1 {
            time_stale_read(&history);
        }
    }
}

/// The same long one-key history with one read made stale in the middle: what
/// finding and shrinking the counterexample costs.
fn time_stale_read(history: &History) {
    let ops = history.operations();
    let reads: Vec<usize> = (ops.len() / 2..ops.len())
        .filter(|&i| matches!(ops[i].op, Op::Get { .. }))
        .collect();
    let victim = reads[0];
    // The value put 20 operations earlier: overwritten long before.
    let old = (0..victim - 20)
        .rev()
        .find_map(|i| match &ops[i].op {
            Op::Put { value, .. } => Some(value.clone()),
            _ => None,
        })
        .unwrap();
    let mut broken = History::new();
    for (i, operation) in ops.iter().enumerate() {
        let mut operation = operation.clone();
        if i == victim
            && let Outcome::Ok { result, .. } = &mut operation.outcome
        {
            *result = Some(old.clone());
        }
        broken.push(operation).unwrap();
    }
    let (verdict, stats, elapsed) = timed_check(&broken);
    let Verdict::NotLinearizable(failures) = verdict else {
        panic!("the stale read is caught: {verdict:?}");
    };
    let failure = &failures[0];
    assert_eq!(failure.core.len(), 1);
    assert_eq!(
        (failure.core[0].client, failure.core[0].seq),
        (ops[victim].client, ops[victim].seq)
    );
    println!(
        "... with one stale read at operation {victim}: caught and shrunk to {} + {} writes in \
         {elapsed:.2} ms ({} search steps, {} shrinking): {}",
        failure.core.len(),
        failure.writes.len(),
        stats.search_steps,
        stats.shrink_steps,
        failure.explanation
    );
}
