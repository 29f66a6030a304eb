//! Reads that skip the log (dissertation §6.4): ReadIndex and lease reads.
//!
//! Table tests of the sans-IO node, one per rule, in the style of
//! `tests/raft_production.rs` (etcd's `TestReadOnlyOptionSafe` /
//! `TestReadOnlyOptionLease`, raft-rs's `test_read_only_option_*` test the same
//! rules); then runs of the real world where clock drift makes a lease read
//! stale — caught by the checker's linearizability property — and ReadIndex
//! stays linearizable; then swarm runs.

mod support;

use raft_playground::check::Property;
use raft_playground::event::EventKind;
use raft_playground::kv::{Command, Op};
use raft_playground::raft::{
    Bugs, Config, Entry, Log, LogIndex, Message, MessageBody, Node, NodeId, PersistentState,
    ProposeError, ReadMode, Ready, RejectReason, RoleKind, Term, Time,
};
use raft_playground::rng::Rng;
use raft_playground::sim::swarm::{SwarmPlan, run_swarm_plan};
use raft_playground::sim::{Action, MS, Production, SECOND, SimConfig, TraceMode, World};

const SEED: u64 = 0x5EED;
const T0: Time = 10_000_000;

fn config(read_mode: ReadMode) -> Config {
    Config {
        read_mode,
        ..Config::default()
    }
}

fn msg(from: NodeId, to: NodeId, term: Term, body: MessageBody) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

fn ae_ok(from: NodeId, term: Term, match_index: LogIndex) -> Message {
    let body = MessageBody::AppendEntriesReply {
        success: true,
        match_index,
        rejected_index: 0,
        hint: None,
    };
    msg(from, 1, term, body)
}

fn get(seq: u64) -> Command {
    Command {
        client: 1,
        seq,
        op: Op::Get { key: "k".into() },
    }
}

/// Node 1 of a cluster, and its clock.
struct Peer {
    node: Node,
    now: Time,
}

impl Peer {
    /// Node `id` of `n` at `term` with a log of no-ops of `terms`.
    fn new(id: NodeId, n: u64, term: Term, terms: &[Term], config: Config) -> Peer {
        let disk = PersistentState {
            current_term: term,
            voted_for: None,
            log: Log::from_entries(terms.iter().map(|&t| Entry::noop(t)).collect()),
        };
        let rng = Rng::derive(SEED, "node", id);
        let node = Node::restart(id, (1..=n).collect(), config, Bugs::none(), rng, disk, T0);
        Peer { node, now: T0 }
    }

    /// Node 1 of 3, leader of `term + 1` over a log of `terms` (its no-op
    /// appended at the end, not committed).
    fn leader(term: Term, terms: &[Term], config: Config) -> Peer {
        let mut p = Peer::new(1, 3, term, terms, config);
        p.node.force_timeout(p.now);
        let reply = MessageBody::RequestVoteReply { vote_granted: true };
        p.node.step(p.now, msg(2, 1, term + 1, reply));
        assert_eq!(p.node.role_kind(), RoleKind::Leader);
        let _ = p.node.take_ready();
        p
    }

    /// A leader of term 2 whose no-op (index 2) is committed.
    fn settled_leader(config: Config) -> Peer {
        let mut p = Peer::leader(1, &[1], config);
        let _ = p.step(ae_ok(2, 2, 2));
        assert_eq!(p.node.commit_index(), 2);
        p
    }

    fn read(&mut self, seq: u64) -> Ready {
        self.node
            .read(self.now, get(seq))
            .expect("the leader takes reads");
        self.node.take_ready()
    }

    fn step(&mut self, m: Message) -> Ready {
        self.node.step(self.now, m);
        self.node.take_ready()
    }

    /// Runs to the next heartbeat and fires it.
    fn heartbeat(&mut self) -> Ready {
        self.now = self.node.next_deadline();
        self.node.tick(self.now);
        self.node.take_ready()
    }
}

/// The rounds of the `ReadHeartbeat`s in `r`, one per peer.
fn rounds(r: &Ready) -> Vec<(NodeId, u64)> {
    r.messages
        .iter()
        .filter_map(|m| match m.body {
            MessageBody::ReadHeartbeat { round } => Some((m.to, round)),
            _ => None,
        })
        .collect()
}

fn answer(from: NodeId, term: Term, round: u64) -> Message {
    msg(from, 1, term, MessageBody::ReadHeartbeatReply { round })
}

// ----- ReadIndex (§6.4) ------------------------------------------------------------

#[test]
fn read_index_confirms_leadership_with_a_round_then_answers_at_the_commit_index() {
    let mut p = Peer::settled_leader(config(ReadMode::ReadIndex));
    let r = p.read(1);
    assert_eq!(rounds(&r), [(2, 1), (3, 1)], "a round to every peer");
    assert!(r.reads.is_empty(), "not before a majority answers");
    let r = p.step(answer(3, 2, 1));
    assert_eq!(r.reads.len(), 1, "itself and node 3: a majority of 3");
    assert_eq!(r.reads[0].read_index, 2);
    assert!(!r.reads[0].lease);
    assert!(p.step(answer(2, 2, 1)).reads.is_empty(), "answered once");
}

#[test]
fn read_index_waits_for_the_noop_of_its_term() {
    // Leader of term 3 over entries of term 1: commit index 0 until the no-op commits.
    let mut p = Peer::leader(2, &[1, 1], config(ReadMode::ReadIndex));
    let _ = p.read(1);
    let r = p.step(answer(2, 3, 1));
    assert!(
        r.reads.is_empty(),
        "leadership confirmed, but no entry of term 3 committed"
    );
    let r = p.step(ae_ok(2, 3, 3));
    assert_eq!(p.node.commit_index(), 3);
    assert_eq!(r.reads.len(), 1, "the no-op committed");
    assert_eq!(
        r.reads[0].read_index, 3,
        "the read index is the commit index then"
    );
}

#[test]
fn a_read_is_answered_only_once_applied_up_to_its_read_index() {
    let mut p = Peer::leader(2, &[1, 1], config(ReadMode::ReadIndex));
    let _ = p.read(1);
    let _ = p.step(answer(2, 3, 1));
    let r = p.step(ae_ok(2, 3, 3));
    // The same Ready applies entries 1..=3 before the read is answered.
    let applied: Vec<LogIndex> = r.apply.iter().map(|(i, _)| *i).collect();
    assert_eq!(applied, [1, 2, 3]);
    assert!(r.reads[0].read_index <= *applied.last().unwrap());
    assert!(p.node.last_applied() >= r.reads[0].read_index);
}

#[test]
fn a_deposed_leader_cannot_complete_a_read_index_read() {
    let mut p = Peer::settled_leader(config(ReadMode::ReadIndex));
    let _ = p.read(1);
    // Cut off: no answers. Every heartbeat sends a new round; none completes.
    for _ in 0..5 {
        let r = p.heartbeat();
        assert!(!rounds(&r).is_empty(), "the round is sent again");
        assert!(r.reads.is_empty());
    }
    assert_eq!(p.node.reads_waiting(), 1);
    // A peer of a newer term answers: the leader steps down, the read is gone.
    let r = p.step(answer(2, 3, 1));
    assert_eq!(p.node.role_kind(), RoleKind::Follower);
    assert!(r.reads.is_empty());
    assert_eq!(p.node.reads_waiting(), 0);
    // An answer of its old term after that confirms nothing.
    assert!(p.step(answer(3, 2, 1)).reads.is_empty());
}

#[test]
fn only_an_answer_to_a_round_sent_after_the_read_counts() {
    let mut p = Peer::settled_leader(config(ReadMode::ReadIndex));
    let _ = p.read(1);
    p.now += MS;
    let r = p.read(2);
    assert_eq!(
        rounds(&r),
        [(2, 2), (3, 2)],
        "the second read needs round 2"
    );
    let r = p.step(answer(2, 2, 1));
    assert_eq!(r.reads.len(), 1, "round 1 confirms read 1 only");
    assert_eq!(r.reads[0].command.seq, 1);
    let r = p.step(answer(3, 2, 2));
    assert_eq!(r.reads[0].command.seq, 2);
}

#[test]
fn followers_refuse_reads_with_a_hint() {
    let mut f = Peer::new(2, 3, 2, &[1], config(ReadMode::ReadIndex));
    let heartbeat = MessageBody::AppendEntries {
        prev_log_index: 1,
        prev_log_term: 1,
        entries: Vec::new(),
        leader_commit: 1,
    };
    let _ = f.step(msg(1, 2, 2, heartbeat));
    assert_eq!(
        f.node.read(f.now, get(1)),
        Err(ProposeError::NotLeader {
            leader_hint: Some(1)
        })
    );
    let r = f.node.take_ready();
    assert!(matches!(
        r.events[..],
        [raft_playground::raft::NodeEvent::Rejected {
            reason: RejectReason::NotLeaderForRead { .. },
            ..
        }]
    ));
}

#[test]
fn a_read_heartbeat_is_word_from_the_leader() {
    let mut f = Peer::new(2, 3, 2, &[1], config(ReadMode::ReadIndex));
    let before = f.node.election_deadline();
    f.now += 100 * MS;
    let r = f.step(msg(1, 2, 2, MessageBody::ReadHeartbeat { round: 7 }));
    assert_eq!(f.node.leader_hint(), Some(1));
    assert!(
        f.node.election_deadline() > before,
        "the election timer restarts"
    );
    assert_eq!(
        r.messages,
        [msg(2, 1, 2, MessageBody::ReadHeartbeatReply { round: 7 })]
    );
}

// ----- Lease reads (§6.4.1) --------------------------------------------------------

/// A lease-mode leader whose heartbeat round, sent at the returned time, a
/// majority answered.
fn leader_with_lease() -> (Peer, Time) {
    let mut p = Peer::settled_leader(config(ReadMode::Lease));
    let r = p.heartbeat();
    let round = rounds(&r)[0].1;
    let start = p.now;
    p.now += 10 * MS;
    let _ = p.step(answer(2, 2, round));
    (p, start)
}

#[test]
fn a_lease_read_is_served_without_a_round_trip() {
    let (mut p, start) = leader_with_lease();
    assert_eq!(p.node.lease_end(), Some(start + 136_363));
    let r = p.read(1);
    assert!(r.messages.is_empty(), "no message at all");
    assert_eq!(r.reads.len(), 1);
    assert!(r.reads[0].lease);
    assert_eq!(r.reads[0].read_index, 2);
}

#[test]
fn the_lease_expires_and_reads_need_a_round_again() {
    let (mut p, start) = leader_with_lease();
    let end = p.node.lease_end().unwrap();
    assert!(
        end < start + Config::default().election_timeout_min,
        "shorter than the election timeout"
    );
    p.now = end - 1;
    assert_eq!(p.read(1).reads.len(), 1, "still within the lease");
    p.now = end;
    let r = p.read(2);
    assert!(r.reads.is_empty(), "the lease is over");
    let round = rounds(&r)[0].1;
    let r = p.step(answer(3, 2, round));
    assert_eq!(r.reads.len(), 1);
    assert!(!r.reads[0].lease, "confirmed by the round");
    assert_eq!(
        p.node.lease_end(),
        Some(end + (end - start)),
        "a new lease from the round"
    );
}

#[test]
fn a_slow_leader_clock_stretches_its_lease_in_real_time() {
    let (mut p, start) = leader_with_lease();
    let exact = p.node.lease_end().unwrap() - start;
    p.node.set_clock_permille(p.now, 500);
    assert_eq!(p.node.lease_end(), Some(start + 2 * exact), "twice as long");
}

#[test]
fn a_transfer_ends_the_lease() {
    let (mut p, _) = leader_with_lease();
    p.node.transfer_leadership(p.now, 2);
    let _ = p.node.take_ready();
    assert_eq!(p.node.lease_end(), None);
    let r = p.read(1);
    assert!(r.reads.is_empty(), "a round is needed now");
    assert!(!rounds(&r).is_empty());
}

#[test]
fn lease_reads_turn_leader_stickiness_on() {
    let mut f = Peer::new(2, 3, 2, &[1], config(ReadMode::Lease));
    f.now += 200 * MS; // past its restart fence
    let _ = f.step(msg(1, 2, 2, MessageBody::ReadHeartbeat { round: 1 }));
    let vote = MessageBody::RequestVote {
        last_log_index: 5,
        last_log_term: 2,
        transfer: false,
    };
    let r = f.step(msg(3, 2, 3, vote));
    assert_eq!(f.node.current_term(), 2, "the higher term is ignored");
    assert!(r.messages.is_empty());
    assert!(matches!(
        r.events[..],
        [raft_playground::raft::NodeEvent::Rejected {
            reason: RejectReason::LeaderInLease { leader: 1, .. },
            ..
        }]
    ));
}

#[test]
fn a_restarted_node_grants_no_vote_for_an_election_timeout_with_lease_reads() {
    let vote = || MessageBody::RequestVote {
        last_log_index: 5,
        last_log_term: 2,
        transfer: false,
    };
    let mut f = Peer::new(2, 3, 2, &[1], config(ReadMode::Lease));
    let r = f.step(msg(3, 2, 3, vote()));
    assert!(r.messages.is_empty(), "fenced");
    assert!(matches!(
        r.events[..],
        [raft_playground::raft::NodeEvent::Rejected {
            reason: RejectReason::RestartFence { term: 3 },
            ..
        }]
    ));
    f.now += Config::default().election_timeout_min;
    let r = f.step(msg(3, 2, 3, vote()));
    assert_eq!(f.node.voted_for(), Some(3), "the fence is over");
    assert_eq!(r.messages.len(), 1);
    // Without lease reads, no fence.
    let mut g = Peer::new(2, 3, 2, &[1], config(ReadMode::ReadIndex));
    let _ = g.step(msg(3, 2, 3, vote()));
    assert_eq!(g.node.voted_for(), Some(3));
}

// ----- The real world: a stale lease read, caught ------------------------------------

/// Three nodes, `mode`, quiet clients, a steady 2–3 ms network.
fn world(mode: ReadMode, seed: u64) -> World {
    let mut config = SimConfig {
        seed,
        nodes: 3,
        ..SimConfig::default()
    };
    config.clients.count = 0;
    config.network.latency_min = 2 * MS;
    config.network.latency_max = 3 * MS;
    config.raft.read_mode = mode;
    World::new(config, TraceMode::Full, 0).unwrap()
}

fn person(w: &mut World, op: Op, to: NodeId) {
    w.apply(Action::Client { op, to: Some(to) }).unwrap();
}

fn put_x(value: &str) -> Op {
    Op::Put {
        key: "x".into(),
        value: value.into(),
    }
}

fn get_x() -> Op {
    Op::Get { key: "x".into() }
}

/// The results of the person's answered reads, in order.
fn reads_answered(w: &World) -> Vec<Option<String>> {
    let events = w.trace().events();
    let mut out = Vec::new();
    for e in &events {
        if let EventKind::ReadServe { client, seq, .. } = e.kind {
            let result = events.iter().find_map(|o| match &o.kind {
                EventKind::ClientOk {
                    client: c,
                    seq: s,
                    result,
                    ..
                } if *c == client && *s == seq => Some(result.clone()),
                _ => None,
            });
            out.push(result.flatten());
        }
    }
    out
}

/// Clock drift beyond the bound: the follower `voter` runs at 2× (its
/// stickiness ends after 75 ms of real time) while the leader's lease lasts
/// 136 ms. The leader is cut off right after a lease round; the other
/// follower stands at 90 ms, `voter` grants its vote, the new leader takes
/// `x = b`; then the old leader answers a read of `x`. Returns the world.
fn drift_scenario(mode: ReadMode) -> World {
    let mut w = world(mode, 5);
    w.run_until(SECOND);
    let leader = w.leader().expect("a leader after a second");
    let others: Vec<NodeId> = (1..=3).filter(|&n| n != leader).collect();
    let (candidate, voter) = (others[0], others[1]);
    person(&mut w, put_x("a"), leader);
    w.run_until(w.now() + 100 * MS);
    w.apply(Action::SetClockRate {
        node: voter,
        permille: 2000,
    })
    .unwrap();
    // Wait for a heartbeat round to be confirmed (lease mode) or for a
    // heartbeat (ReadIndex), then cut the leader off at once.
    let lease_of = |w: &World| w.server(leader).unwrap().node.as_ref().unwrap().lease_end();
    let before = lease_of(&w);
    let mut t = w.now();
    loop {
        t += 100;
        w.run_until(t);
        if mode != ReadMode::Lease || lease_of(&w) != before {
            break;
        }
    }
    let cut_at = w.now();
    w.apply(Action::Partition {
        groups: vec![vec![leader], others.clone()],
    })
    .unwrap();
    w.run_until(cut_at + 90 * MS);
    w.apply(Action::Timeout { node: candidate }).unwrap();
    w.run_until(w.now() + 15 * MS);
    assert_eq!(
        w.leader_excluding(leader),
        Some(candidate),
        "a second leader"
    );
    person(&mut w, put_x("b"), candidate);
    w.run_until(w.now() + 10 * MS);
    person(&mut w, get_x(), leader);
    w.run_until(w.now() + 10 * MS);
    if mode == ReadMode::Lease {
        let end = lease_of(&w).expect("the old leader still holds its lease");
        assert!(w.now() < end, "the read came within the lease");
    }
    w.flush_checker();
    w
}

#[test]
fn clock_drift_beyond_the_bound_makes_a_lease_read_stale_and_the_checker_catches_it() {
    let w = drift_scenario(ReadMode::Lease);
    assert_eq!(reads_answered(&w), [Some("a".to_string())], "the old value");
    let props: Vec<Property> = w.violations().iter().map(|v| v.property).collect();
    assert!(
        props.contains(&Property::Linearizable),
        "{:#?}",
        w.violations()
    );
}

#[test]
fn the_same_drift_leaves_read_index_linearizable() {
    let w = drift_scenario(ReadMode::ReadIndex);
    assert!(
        reads_answered(&w).is_empty(),
        "the cut-off leader cannot confirm"
    );
    support::assert_no_violations(&w);
}

#[test]
fn reads_off_the_log_emit_read_serve_only_when_on() {
    for mode in ReadMode::ALL {
        let mut w = world(mode, 9);
        w.run_until(SECOND);
        let leader = w.leader().unwrap();
        person(&mut w, put_x("a"), leader);
        person(&mut w, get_x(), leader);
        w.run_until(w.now() + 200 * MS);
        let served = reads_answered(&w);
        if mode.is_log() {
            assert!(served.is_empty());
        } else {
            assert_eq!(served, [Some("a".to_string())], "{mode:?}");
        }
        support::assert_no_violations(&w);
    }
}

// ----- The lease hazard, at random ----------------------------------------------------

/// One random draw of the lease hazard, from `seed`: three nodes at clock
/// rates drawn in `rates` (‰), timers running; after a second the leader is
/// cut off from the other nodes (clients still reach it) at a random moment;
/// a random while later the person writes `x = b` at the new leader, if there
/// is one, then reads `x` at the old one. Returns the world, judged.
fn lease_hazard(seed: u64, mode: ReadMode, rates: std::ops::Range<u64>) -> World {
    let mut rng = Rng::derive(seed, "lease-hazard", 0);
    let mut w = world(mode, seed);
    for node in 1..=3 {
        let permille = rng.range(rates.start, rates.end);
        w.apply(Action::SetClockRate { node, permille }).unwrap();
    }
    w.run_until(SECOND);
    if let Some(leader) = w.leader() {
        person(&mut w, put_x("a"), leader);
        w.run_until(w.now() + 100 * MS + rng.range(0, 50 * MS));
        let others: Vec<NodeId> = (1..=3).filter(|&n| n != leader).collect();
        w.apply(Action::Partition {
            groups: vec![vec![leader], others],
        })
        .unwrap();
        // As soon as the others have a leader: write there, then read at the
        // old leader once the write is acknowledged.
        let give_up = w.now() + 400 * MS;
        while w.leader_excluding(leader).is_none() && w.now() < give_up {
            w.run_until(w.now() + MS);
        }
        if let Some(new_leader) = w.leader_excluding(leader) {
            person(&mut w, put_x("b"), new_leader);
            let acked = |w: &World| w.clients()[0].outstanding.is_none();
            let give_up = w.now() + 50 * MS;
            while !acked(&w) && w.now() < give_up {
                w.run_until(w.now() + MS);
            }
            w.run_until(w.now() + rng.range(0, 5 * MS));
            person(&mut w, get_x(), leader);
            w.run_until(w.now() + 20 * MS);
        }
    }
    w.flush_checker();
    w
}

/// The seeds of `1..=last` whose lease hazard breaks linearizability.
fn stale_hazards(mode: ReadMode, rates: std::ops::Range<u64>, last: u64) -> Vec<u64> {
    (1..=last)
        .filter(|&seed| {
            let w = lease_hazard(seed, mode, rates.clone());
            let props: Vec<Property> = w.violations().iter().map(|v| v.property).collect();
            assert!(
                props.iter().all(|p| *p == Property::Linearizable),
                "seed {seed}: {props:?}"
            );
            !props.is_empty()
        })
        .collect()
}

/// Drift beyond the bound (rates 0.5×–2×, bound 1.1×): the random lease
/// hazard finds stale reads; the first seed is recorded here.
#[test]
fn the_random_lease_hazard_finds_a_stale_read_with_drift_beyond_the_bound() {
    let found = stale_hazards(ReadMode::Lease, 500..2001, FIRST_STALE_HAZARD_SEED);
    assert_eq!(found.first(), Some(&FIRST_STALE_HAZARD_SEED), "{found:?}");
}

/// The same draws with ReadIndex, and with lease reads under drift within the
/// bound (all clocks within 1.1× of each other): 0 violations.
#[test]
fn the_random_lease_hazard_is_harmless_to_read_index_and_within_the_bound() {
    assert_eq!(
        stale_hazards(ReadMode::ReadIndex, 500..2001, 300),
        [0u64; 0]
    );
    assert_eq!(stale_hazards(ReadMode::Lease, 1000..1100, 300), [0u64; 0]);
}

/// The first seed (of 1, 2, …) whose random lease hazard is stale.
const FIRST_STALE_HAZARD_SEED: u64 = 98;

// ----- Swarms ----------------------------------------------------------------------

fn violating_seeds(
    production: Production,
    seeds: std::ops::RangeInclusive<u64>,
) -> Vec<(u64, Property)> {
    let mut bad = Vec::new();
    for seed in seeds {
        let plan = SwarmPlan::draw_with(seed, Bugs::none(), 6 * SECOND, production);
        let outcome = run_swarm_plan(plan, TraceMode::Off, true).unwrap();
        if let Some(v) = outcome.violations.first() {
            bad.push((seed, v.property));
        }
    }
    bad
}

/// ReadIndex with every production fault: 2,000 seeds, 0 violations.
#[test]
fn read_index_keeps_the_swarm_clean() {
    let production = Production {
        reads: ReadMode::ReadIndex,
        ..Production::all()
    };
    let bad = violating_seeds(production, 1..=2000);
    assert!(bad.is_empty(), "{bad:?}");
}

/// Lease reads with clock drift within the bound (the drift draws stay within
/// 4×, the bound says 4×): 0 violations.
#[test]
fn lease_reads_with_drift_within_the_bound_keep_the_swarm_clean() {
    let production = Production {
        reads: ReadMode::Lease,
        drift: true,
        drift_bound: Some(4000),
        ..Production::default()
    };
    let bad = violating_seeds(production, 1..=300);
    assert!(bad.is_empty(), "{bad:?}");
}

// ----- Links (format 3) --------------------------------------------------------------

#[test]
fn the_read_mode_travels_in_a_format_3_link_and_replays_the_same_trace() {
    use raft_playground::scenario::Scenario;
    let mut config = SimConfig {
        seed: 4,
        ..SimConfig::default()
    };
    config.raft.read_mode = ReadMode::Lease;
    config.raft.clock_drift_bound = 1500;
    let mut s = Scenario::new(config);
    s.actions.push(raft_playground::sim::TimedAction {
        time: 800 * MS,
        action: Action::SetReadMode {
            mode: ReadMode::ReadIndex,
        },
    });
    let link = s.encode_link().unwrap();
    let back = Scenario::decode_link(&link).unwrap();
    assert_eq!(back.config.raft.read_mode, ReadMode::Lease);
    assert_eq!(back.config.raft.clock_drift_bound, 1500);
    assert_eq!(back.actions, s.actions);
    assert_eq!(back.to_payload()[0], 3, "format 3");
    // Off (the log) needs no format 3.
    let plain = Scenario::new(SimConfig::default());
    assert_ne!(plain.to_payload()[0], 3);
}
