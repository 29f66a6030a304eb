//! Table tests of the production features of the sans-IO node — PreVote
//! (§9.6), CheckQuorum and leader stickiness (§6.2, §4.2.3), leadership
//! transfer (§3.10) and clock drift — one test per rule, in the style of
//! `tests/raft_paper.rs` (and of etcd's `raft_test.go` / raft-rs's
//! `test_raft.rs`, which test the same rules).
//!
//! Nodes are built in a given state with `Node::restart`, fed messages and
//! ticks by hand, and their `Ready`s inspected. No simulator.

use raft_playground::kv::{Command, Op};
use raft_playground::raft::{
    Bugs, Config, Entry, Log, LogIndex, Message, MessageBody, Node, NodeEvent, NodeId, PersistOp,
    PersistentState, ProposeError, Ready, RejectReason, RoleKind, Term, Time,
};
use raft_playground::rng::Rng;

const SEED: u64 = 0x5EED;
const T0: Time = 10_000_000;
const ELECTION_MIN: Time = 150_000;

fn config(pre_vote: bool, check_quorum: bool) -> Config {
    Config {
        pre_vote,
        check_quorum,
        ..Config::default()
    }
}

fn log_of(terms: &[Term]) -> Log {
    Log::from_entries(terms.iter().map(|&t| Entry::noop(t)).collect())
}

fn msg(from: NodeId, to: NodeId, term: Term, body: MessageBody) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

fn pre_vote(from: NodeId, to: NodeId, term: Term, last: (LogIndex, Term)) -> Message {
    let body = MessageBody::PreVote {
        last_log_index: last.0,
        last_log_term: last.1,
    };
    msg(from, to, term, body)
}

fn pre_vote_reply(from: NodeId, to: NodeId, term: Term, vote_granted: bool) -> Message {
    msg(from, to, term, MessageBody::PreVoteReply { vote_granted })
}

fn request_vote(from: NodeId, to: NodeId, term: Term, transfer: bool) -> Message {
    let body = MessageBody::RequestVote {
        last_log_index: 10,
        last_log_term: term,
        transfer,
    };
    msg(from, to, term, body)
}

fn heartbeat(from: NodeId, to: NodeId, term: Term, prev: (LogIndex, Term)) -> Message {
    let body = MessageBody::AppendEntries {
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries: Vec::new(),
        leader_commit: 0,
    };
    msg(from, to, term, body)
}

fn ae_ok(from: NodeId, to: NodeId, term: Term, match_index: LogIndex) -> Message {
    let body = MessageBody::AppendEntriesReply {
        success: true,
        match_index,
        rejected_index: 0,
        hint: None,
    };
    msg(from, to, term, body)
}

fn put() -> Command {
    Command {
        client: 1,
        seq: 1,
        op: Op::Put {
            key: "k".into(),
            value: "v".into(),
        },
    }
}

/// A node and its clock.
struct Peer {
    node: Node,
    now: Time,
}

impl Peer {
    /// Node `id` of an `n`-node cluster at `term` with log `terms`, no vote.
    fn new(id: NodeId, n: u64, term: Term, terms: &[Term], config: Config) -> Peer {
        let disk = PersistentState {
            current_term: term,
            voted_for: None,
            log: log_of(terms),
        };
        let rng = Rng::derive(SEED, "node", id);
        let node = Node::restart(id, (1..=n).collect(), config, Bugs::none(), rng, disk, T0);
        Peer { node, now: T0 }
    }

    /// Node 1 of `n`, leader of `term + 1` after votes from a majority.
    fn leader(n: u64, term: Term, terms: &[Term], config: Config) -> Peer {
        let mut p = Peer::new(
            1,
            n,
            term,
            terms,
            Config {
                pre_vote: false,
                ..config.clone()
            },
        );
        p.node.force_timeout(p.now);
        for v in 2..=n / 2 + 1 {
            let reply = MessageBody::RequestVoteReply { vote_granted: true };
            p.node.step(p.now, msg(v, 1, term + 1, reply));
        }
        p.node.set_config(config);
        assert_eq!(p.node.role_kind(), RoleKind::Leader);
        let _ = p.node.take_ready();
        p
    }

    fn step(&mut self, m: Message) -> Ready {
        self.node.step(self.now, m);
        self.node.take_ready()
    }

    fn tick(&mut self, now: Time) -> Ready {
        self.now = now;
        self.node.tick(now);
        self.node.take_ready()
    }

    fn timeout(&mut self) -> Ready {
        self.node.force_timeout(self.now);
        self.node.take_ready()
    }

    fn role(&self) -> (RoleKind, Term) {
        (self.node.role_kind(), self.node.current_term())
    }
}

fn rejections(r: &Ready) -> Vec<&RejectReason> {
    r.events
        .iter()
        .filter_map(|e| match e {
            NodeEvent::Rejected { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

fn granted(m: &Message) -> bool {
    match m.body {
        MessageBody::PreVoteReply { vote_granted } => vote_granted,
        MessageBody::RequestVoteReply { vote_granted } => vote_granted,
        ref other => panic!("expected a vote reply, got {other:?}"),
    }
}

// ----- PreVote (§9.6) ---------------------------------------------------------

#[test]
fn prevote_a_timeout_asks_for_the_next_term_without_taking_it() {
    let mut p = Peer::new(1, 3, 4, &[1, 4], config(true, false));
    let r = p.timeout();
    assert_eq!(p.role(), (RoleKind::Precandidate, 4), "the term stays");
    assert!(r.persist.is_empty(), "no term, no vote persisted");
    assert_eq!(p.node.voted_for(), None);
    assert_eq!(r.messages.len(), 2);
    for m in &r.messages {
        assert_eq!(m.term, 5, "asks for term + 1");
        assert_eq!(
            m.body,
            MessageBody::PreVote {
                last_log_index: 2,
                last_log_term: 4
            }
        );
    }
}

#[test]
fn prevote_granting_changes_nothing_on_the_voter() {
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(true, false));
    let deadline = p.node.election_deadline();
    let r = p.step(pre_vote(1, 2, 5, (2, 4)));
    assert_eq!(r.messages.len(), 1);
    assert!(granted(&r.messages[0]));
    assert_eq!(r.messages[0].term, 5, "a grant echoes the asked-for term");
    assert!(r.persist.is_empty());
    assert_eq!(p.role(), (RoleKind::Follower, 4), "term not adopted");
    assert_eq!(p.node.voted_for(), None, "no vote recorded");
    assert_eq!(p.node.election_deadline(), deadline, "timer not reset");
}

#[test]
fn prevote_refused_to_a_log_less_up_to_date() {
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(true, false));
    let r = p.step(pre_vote(1, 2, 5, (5, 1)));
    assert!(!granted(&r.messages[0]));
    assert_eq!(
        r.messages[0].term, 4,
        "a refusal carries the refuser's term"
    );
    assert!(matches!(
        rejections(&r)[..],
        [RejectReason::PreVoteLogNotUpToDate { .. }]
    ));
}

#[test]
fn prevote_refused_while_the_leader_was_heard_within_the_election_timeout() {
    // Even without CheckQuorum: this is part of PreVote in the dissertation.
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(true, false));
    let _ = p.step(heartbeat(3, 2, 4, (2, 4)));
    let r = p.step(pre_vote(1, 2, 5, (2, 4)));
    assert!(!granted(&r.messages[0]));
    assert!(matches!(
        rejections(&r)[..],
        [RejectReason::LeaderInLease { leader: 3, .. }]
    ));
    // Once a minimum election timeout has passed without the leader, granted.
    p.now += ELECTION_MIN;
    let r = p.step(pre_vote(1, 2, 5, (2, 4)));
    assert!(granted(&r.messages[0]));
}

#[test]
fn prevote_for_a_term_not_above_ours_is_refused_with_our_term() {
    let mut p = Peer::new(2, 3, 5, &[1, 4], config(true, false));
    let r = p.step(pre_vote(1, 2, 5, (2, 4)));
    assert!(!granted(&r.messages[0]));
    assert_eq!(r.messages[0].term, 5);
}

#[test]
fn prevote_a_majority_of_grants_starts_the_real_election() {
    let mut p = Peer::new(1, 5, 4, &[1, 4], config(true, false));
    let _ = p.timeout();
    let r = p.step(pre_vote_reply(2, 1, 5, true));
    assert_eq!(
        p.role(),
        (RoleKind::Precandidate, 4),
        "2 of 5: no majority yet"
    );
    assert!(
        r.persist.is_empty(),
        "a granted reply's term is not adopted"
    );
    let r = p.step(pre_vote_reply(3, 1, 5, true));
    assert_eq!(p.role(), (RoleKind::Candidate, 5));
    assert_eq!(
        r.persist,
        vec![PersistOp::HardState {
            term: 5,
            voted_for: Some(1)
        }]
    );
    let votes = r
        .messages
        .iter()
        .filter(|m| {
            matches!(
                m.body,
                MessageBody::RequestVote {
                    transfer: false,
                    ..
                }
            )
        })
        .count();
    assert_eq!(votes, 4);
}

#[test]
fn prevote_a_refusal_with_a_higher_term_is_adopted() {
    let mut p = Peer::new(1, 3, 4, &[1, 4], config(true, false));
    let _ = p.timeout();
    let _ = p.step(pre_vote_reply(2, 1, 7, false));
    assert_eq!(p.role(), (RoleKind::Follower, 7));
}

#[test]
fn prevote_a_precandidate_follows_a_leader_of_its_term() {
    let mut p = Peer::new(1, 3, 4, &[1, 4], config(true, false));
    let _ = p.timeout();
    let _ = p.step(heartbeat(3, 1, 4, (2, 4)));
    assert_eq!(p.role(), (RoleKind::Follower, 4));
    assert_eq!(p.node.leader_hint(), Some(3));
}

#[test]
fn prevote_a_late_grant_after_the_campaign_is_ignored() {
    let mut p = Peer::new(1, 3, 4, &[1, 4], config(true, false));
    let _ = p.timeout();
    let _ = p.step(heartbeat(3, 1, 4, (2, 4)));
    let r = p.step(pre_vote_reply(2, 1, 5, true));
    assert_eq!(p.role(), (RoleKind::Follower, 4));
    assert!(r.messages.is_empty() && r.persist.is_empty());
}

// ----- CheckQuorum and leader stickiness ---------------------------------------

#[test]
fn checkquorum_a_leader_that_hears_from_no_majority_steps_down() {
    let mut p = Peer::leader(3, 1, &[1], config(false, true));
    let start = p.now;
    let r = p.tick(start + ELECTION_MIN - 1);
    assert_eq!(
        p.role().0,
        RoleKind::Leader,
        "not before an election timeout"
    );
    assert!(r.events.is_empty());
    let r = p.tick(start + ELECTION_MIN);
    assert_eq!(p.role(), (RoleKind::Follower, 2), "steps down, same term");
    assert!(
        r.events
            .contains(&NodeEvent::QuorumLost { heard_from: vec![] })
    );
}

#[test]
fn checkquorum_a_leader_that_hears_from_a_majority_stays() {
    let mut p = Peer::leader(3, 1, &[1], config(false, true));
    let start = p.now;
    let _ = p.step(ae_ok(2, 1, 2, 2));
    let _ = p.tick(start + ELECTION_MIN);
    assert_eq!(p.role().0, RoleKind::Leader);
    // The count starts over: the next period needs fresh replies.
    let _ = p.tick(start + 2 * ELECTION_MIN);
    assert_eq!(p.role().0, RoleKind::Follower);
}

#[test]
fn checkquorum_off_a_silent_leader_stays_leader() {
    let mut p = Peer::leader(3, 1, &[1], config(false, false));
    let start = p.now;
    let _ = p.tick(start + 10 * ELECTION_MIN);
    assert_eq!(p.role().0, RoleKind::Leader);
}

#[test]
fn stickiness_a_follower_that_hears_its_leader_ignores_a_vote_request() {
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(false, true));
    let _ = p.step(heartbeat(3, 2, 4, (2, 4)));
    let r = p.step(request_vote(1, 2, 9, false));
    assert!(r.messages.is_empty(), "no reply at all");
    assert!(r.persist.is_empty());
    assert_eq!(
        p.role(),
        (RoleKind::Follower, 4),
        "the higher term is not adopted"
    );
    assert!(matches!(
        rejections(&r)[..],
        [RejectReason::LeaderInLease {
            leader: 3,
            term: 9,
            ..
        }]
    ));
}

#[test]
fn stickiness_a_leader_ignores_a_vote_request() {
    let mut p = Peer::leader(3, 1, &[1], config(false, true));
    let r = p.step(request_vote(3, 1, 9, false));
    assert!(r.messages.is_empty());
    assert_eq!(p.role(), (RoleKind::Leader, 2));
}

#[test]
fn stickiness_ends_an_election_timeout_after_the_last_heartbeat() {
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(false, true));
    let _ = p.step(heartbeat(3, 2, 4, (2, 4)));
    p.now += ELECTION_MIN;
    let r = p.step(request_vote(1, 2, 9, false));
    assert!(granted(&r.messages[0]));
    assert_eq!(p.role(), (RoleKind::Follower, 9));
}

#[test]
fn stickiness_does_not_hold_back_a_transfer_election() {
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(false, true));
    let _ = p.step(heartbeat(3, 2, 4, (2, 4)));
    let r = p.step(request_vote(1, 2, 5, true));
    assert!(granted(&r.messages[0]));
    assert_eq!(p.role(), (RoleKind::Follower, 5));
}

#[test]
fn stickiness_needs_checkquorum() {
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(false, false));
    let _ = p.step(heartbeat(3, 2, 4, (2, 4)));
    let r = p.step(request_vote(1, 2, 5, false));
    assert!(granted(&r.messages[0]));
}

// ----- Leadership transfer (§3.10) -----------------------------------------------

#[test]
fn transfer_to_an_up_to_date_target_sends_timeout_now_at_once() {
    let mut p = Peer::leader(3, 1, &[1], config(false, false));
    let _ = p.step(ae_ok(2, 1, 2, 2));
    p.node.transfer_leadership(p.now, 2);
    let r = p.node.take_ready();
    assert!(r.events.contains(&NodeEvent::TransferStarted { to: 2 }));
    assert_eq!(r.messages.len(), 1);
    assert_eq!(r.messages[0].to, 2);
    assert_eq!(r.messages[0].body, MessageBody::TimeoutNow);
}

#[test]
fn transfer_brings_a_lagging_target_up_to_date_first() {
    let mut p = Peer::leader(3, 1, &[1], config(false, false));
    p.node.transfer_leadership(p.now, 3);
    let r = p.node.take_ready();
    assert!(matches!(
        r.messages[0].body,
        MessageBody::AppendEntries { .. }
    ));
    let r = p.step(ae_ok(3, 1, 2, 2));
    let timeout_now: Vec<_> = r
        .messages
        .iter()
        .filter(|m| m.body == MessageBody::TimeoutNow)
        .collect();
    assert_eq!(timeout_now.len(), 1);
    assert_eq!(timeout_now[0].to, 3);
}

#[test]
fn transfer_the_leader_takes_no_new_commands_meanwhile() {
    let mut p = Peer::leader(3, 1, &[1], config(false, false));
    p.node.transfer_leadership(p.now, 3);
    let _ = p.node.take_ready();
    let last = p.node.log().last_index();
    assert_eq!(
        p.node.propose(p.now, put()),
        Err(ProposeError::Transferring { to: 3 })
    );
    assert_eq!(p.node.log().last_index(), last);
}

#[test]
fn transfer_is_abandoned_after_an_election_timeout() {
    let mut p = Peer::leader(3, 1, &[1], config(false, false));
    let start = p.now;
    p.node.transfer_leadership(start, 3);
    let _ = p.node.take_ready();
    assert!(p.node.next_deadline() <= start + ELECTION_MIN);
    let r = p.tick(start + ELECTION_MIN);
    assert!(r.events.contains(&NodeEvent::TransferAborted { to: 3 }));
    assert_eq!(p.node.transfer(), None);
    assert!(p.node.propose(p.now, put()).is_ok(), "takes commands again");
}

#[test]
fn transfer_the_target_stands_at_once_with_the_transfer_flag_even_with_prevote() {
    let mut p = Peer::new(2, 3, 4, &[1, 4], config(true, true));
    let _ = p.step(heartbeat(1, 2, 4, (2, 4)));
    let r = p.step(msg(1, 2, 4, MessageBody::TimeoutNow));
    assert_eq!(p.role(), (RoleKind::Candidate, 5), "no PreVote round");
    assert!(
        r.messages
            .iter()
            .all(|m| matches!(m.body, MessageBody::RequestVote { transfer: true, .. }))
    );
}

#[test]
fn transfer_only_a_leader_transfers_and_never_to_itself() {
    let mut f = Peer::new(2, 3, 4, &[1, 4], config(false, false));
    f.node.transfer_leadership(f.now, 3);
    let r = f.node.take_ready();
    assert!(matches!(
        rejections(&r)[..],
        [RejectReason::CannotTransfer {
            to: 3,
            role: RoleKind::Follower
        }]
    ));
    let mut p = Peer::leader(3, 1, &[1], config(false, false));
    p.node.transfer_leadership(p.now, 1);
    let r = p.node.take_ready();
    assert!(r.messages.is_empty());
    assert_eq!(p.node.transfer(), None);
}

// ----- Clock drift -----------------------------------------------------------------

#[test]
fn drift_a_fast_clock_runs_its_timers_out_sooner() {
    let mut p = Peer::new(1, 3, 1, &[1], config(false, false));
    let left = p.node.election_deadline() - p.now;
    p.node.set_clock_permille(p.now, 2000);
    assert_eq!(p.node.election_deadline() - p.now, left / 2);
    p.node.set_clock_permille(p.now, 500);
    let slow = p.node.election_deadline() - p.now;
    assert!(
        slow.abs_diff(left * 2) <= 4,
        "{slow} vs {} (µs rounding)",
        left * 2
    );
    assert_eq!(p.node.clock_permille(), 500);
}
