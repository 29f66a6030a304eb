//! Table tests of the sans-IO node against the rules of the Raft paper
//! (Figure 2, §5, Figures 7 and 8), in the spirit of etcd's `raft_paper_test.go`.
//!
//! No simulator: nodes are built in a given state with `Node::restart`, fed
//! messages and ticks by hand, and their `Ready`s inspected. A tiny in-test
//! network ([`Net`]) delivers messages between a set of nodes until quiet.
//!
//! Every `Ready` drained through [`Peer::ready`] is also checked against the
//! storage contract: the persist ops reproduce the node's persistent state, and
//! no message promises more than what was persisted (persist before send).

use raft_playground::event::MessageKind;
use raft_playground::kv::{Command, Op};
use raft_playground::raft::{
    Bug, Bugs, Config, ConflictHint, Entry, Log, LogIndex, Message, MessageBody, Node, NodeEvent,
    NodeId, PersistOp, PersistentState, Progress, ProposeError, Ready, Role, RoleKind, Term, Time,
};
use raft_playground::rng::Rng;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

const SEED: u64 = 0x5EED;
/// The start of every test's clock (well away from 0 so `now - 1` is fine).
const T0: Time = 10_000_000;

// ----- Building blocks --------------------------------------------------------

fn members(n: u64) -> Vec<NodeId> {
    (1..=n).collect()
}

/// The entry at `index` of `term`. Its content depends only on (index, term), so
/// two logs built from the same terms hold equal entries (Log Matching).
fn ent(index: LogIndex, term: Term) -> Entry {
    Entry::command(term, cmd(term, index))
}

fn cmd(client: u64, seq: u64) -> Command {
    Command {
        client,
        seq,
        op: Op::Put {
            key: format!("k{seq}"),
            value: format!("c{client}"),
        },
    }
}

fn log_of(terms: &[Term]) -> Log {
    Log::from_entries(
        terms
            .iter()
            .enumerate()
            .map(|(i, &t)| ent(i as LogIndex + 1, t))
            .collect(),
    )
}

fn terms_of(log: &Log) -> Vec<Term> {
    log.entries().iter().map(|e| e.term).collect()
}

fn msg(from: NodeId, to: NodeId, term: Term, body: MessageBody) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

fn rv(
    from: NodeId,
    to: NodeId,
    term: Term,
    last_log_index: LogIndex,
    last_log_term: Term,
) -> Message {
    msg(
        from,
        to,
        term,
        MessageBody::RequestVote {
            last_log_index,
            last_log_term,
            transfer: false,
        },
    )
}

fn vote(from: NodeId, to: NodeId, term: Term, vote_granted: bool) -> Message {
    msg(
        from,
        to,
        term,
        MessageBody::RequestVoteReply { vote_granted },
    )
}

fn ae(
    from: NodeId,
    to: NodeId,
    term: Term,
    prev: (LogIndex, Term),
    entries: Vec<Entry>,
    commit: LogIndex,
) -> Message {
    let body = MessageBody::AppendEntries {
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries,
        leader_commit: commit,
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

fn ae_reject(
    from: NodeId,
    to: NodeId,
    term: Term,
    rejected_index: LogIndex,
    hint: Option<ConflictHint>,
) -> Message {
    let body = MessageBody::AppendEntriesReply {
        success: false,
        match_index: 0,
        rejected_index,
        hint,
    };
    msg(from, to, term, body)
}

/// The one message of a Ready (panics otherwise).
fn only_message(r: &Ready) -> &Message {
    assert_eq!(
        r.messages.len(),
        1,
        "expected exactly one message, got {:?}",
        r.messages
    );
    &r.messages[0]
}

fn vote_granted(m: &Message) -> bool {
    match m.body {
        MessageBody::RequestVoteReply { vote_granted } => vote_granted,
        ref other => panic!("expected RequestVoteReply, got {other:?}"),
    }
}

/// (success, match_index, rejected_index, hint) of an AppendEntriesReply.
fn ae_reply(m: &Message) -> (bool, LogIndex, LogIndex, Option<ConflictHint>) {
    match m.body {
        MessageBody::AppendEntriesReply {
            success,
            match_index,
            rejected_index,
            hint,
        } => (success, match_index, rejected_index, hint),
        ref other => panic!("expected AppendEntriesReply, got {other:?}"),
    }
}

/// (prev_log_index, prev_log_term, entries, leader_commit) of an AppendEntries.
fn ae_parts(m: &Message) -> (LogIndex, Term, &[Entry], LogIndex) {
    match &m.body {
        MessageBody::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } => (*prev_log_index, *prev_log_term, entries, *leader_commit),
        other => panic!("expected AppendEntries, got {other:?}"),
    }
}

fn hard_state(term: Term, voted_for: Option<NodeId>) -> PersistOp {
    PersistOp::HardState { term, voted_for }
}

fn progress(node: &Node, peer: NodeId) -> Progress {
    match node.role() {
        Role::Leader { progress, .. } => progress[&peer],
        other => panic!("node {} is not leader: {other:?}", node.id()),
    }
}

// ----- A node with its stable storage -----------------------------------------

/// A node, the disk its persist ops are written to, what it has applied in this
/// incarnation, and the messages it has sent (for [`Net`] to deliver).
struct Peer {
    node: Node,
    disk: PersistentState,
    applied: Vec<(LogIndex, Entry)>,
    outbox: Vec<Message>,
    now: Time,
}

impl Peer {
    fn restart(id: NodeId, n: u64, bugs: Bugs, disk: PersistentState) -> Peer {
        let rng = Rng::derive(SEED, "node", id);
        let node = Node::restart(
            id,
            members(n),
            Config::default(),
            bugs,
            rng,
            disk.clone(),
            T0,
        );
        Peer {
            node,
            disk,
            applied: Vec::new(),
            outbox: Vec::new(),
            now: T0,
        }
    }

    fn fresh(id: NodeId, n: u64) -> Peer {
        Peer::restart(id, n, Bugs::none(), PersistentState::default())
    }

    /// Node `id` of an `n`-node cluster with the given term, vote and log terms.
    fn with(
        id: NodeId,
        n: u64,
        term: Term,
        voted_for: Option<NodeId>,
        log: &[Term],
        bugs: Bugs,
    ) -> Peer {
        let disk = PersistentState {
            current_term: term,
            voted_for,
            log: log_of(log),
        };
        Peer::restart(id, n, bugs, disk)
    }

    /// Drains the node's Ready, writes `persist` to disk and checks the contract.
    fn ready(&mut self) -> Ready {
        let r = self.node.take_ready();
        for op in &r.persist {
            self.disk.apply(op);
        }
        assert_eq!(
            self.disk,
            self.node.persistent_state(),
            "persist ops must reproduce the node's persistent state"
        );
        // Persist before send: nothing sent may rest on state that is not on disk.
        for m in &r.messages {
            assert!(
                m.term <= self.disk.current_term,
                "message term {} not persisted: {m:?}",
                m.term
            );
            match m.body {
                MessageBody::RequestVoteReply { vote_granted: true } => {
                    assert_eq!(
                        (self.disk.current_term, self.disk.voted_for),
                        (m.term, Some(m.to)),
                        "unpersisted vote"
                    );
                }
                MessageBody::AppendEntriesReply {
                    success: true,
                    match_index,
                    ..
                } => {
                    assert!(
                        self.disk.log.last_index() >= match_index,
                        "acked entries not persisted"
                    );
                }
                _ => {}
            }
        }
        // Apply: contiguous, in order, each once, only committed entries.
        for (index, entry) in &r.apply {
            let expected = self.applied.last().map_or(1, |(i, _)| i + 1);
            assert_eq!(*index, expected, "apply out of order or repeated");
            assert!(
                *index <= self.node.commit_index(),
                "applied an uncommitted entry"
            );
            assert_eq!(Some(entry), self.node.log().get(*index));
            self.applied.push((*index, entry.clone()));
        }
        self.outbox.extend(r.messages.iter().cloned());
        r
    }

    fn step(&mut self, m: Message) -> Ready {
        self.node.step(self.now, m);
        self.ready()
    }

    /// `step`, when the test does not look at the Ready (it is still checked).
    fn feed(&mut self, m: Message) {
        let _ = self.step(m);
    }

    fn tick(&mut self, now: Time) -> Ready {
        self.now = now;
        self.node.tick(now);
        self.ready()
    }

    fn timeout(&mut self) -> Ready {
        self.node.force_timeout(self.now);
        self.ready()
    }
}

/// Node 1 of an `n`-node cluster, restarted with `log` at `term`, then elected
/// leader of `term + 1` by votes from 2, 3, ...; its Ready is drained.
fn leader(n: u64, term: Term, log: &[Term], bugs: Bugs) -> Peer {
    let mut p = Peer::with(1, n, term, None, log, bugs);
    let _ = p.timeout();
    let mut voter = 2;
    while p.node.role_kind() != RoleKind::Leader {
        p.feed(vote(voter, 1, term + 1, true));
        voter += 1;
    }
    let _ = p.ready();
    assert_eq!(p.node.current_term(), term + 1);
    p
}

/// Node 1 of a 3-node cluster in `role`, at term 2 (a follower has voted for 3).
fn in_role(role: RoleKind) -> Peer {
    match role {
        RoleKind::Follower => Peer::with(1, 3, 2, Some(3), &[1, 1], Bugs::none()),
        RoleKind::Candidate => {
            let mut p = Peer::with(1, 3, 1, None, &[1, 1], Bugs::none());
            let _ = p.timeout();
            p
        }
        RoleKind::Leader => leader(3, 1, &[1, 1], Bugs::none()),
        RoleKind::Precandidate => unreachable!("PreVote is off in these tests"),
    }
}

const ROLES: [RoleKind; 3] = [RoleKind::Follower, RoleKind::Candidate, RoleKind::Leader];

// ----- A tiny network ------------------------------------------------------------

/// Delivers every message between the peers it holds, in FIFO order, until
/// quiet. Messages to a node it does not hold are dropped. No time passes.
struct Net {
    peers: BTreeMap<NodeId, Peer>,
    queue: VecDeque<Message>,
    delivered: Vec<Message>,
}

impl Net {
    fn new(peers: Vec<Peer>) -> Net {
        let peers = peers.into_iter().map(|p| (p.node.id(), p)).collect();
        Net {
            peers,
            queue: VecDeque::new(),
            delivered: Vec::new(),
        }
    }

    fn peer(&mut self, id: NodeId) -> &mut Peer {
        self.peers.get_mut(&id).expect("no such peer")
    }

    /// Picks up whatever the peers produced outside `run` (timeouts, proposals).
    fn collect(&mut self) {
        for p in self.peers.values_mut() {
            let _ = p.ready();
            self.queue.extend(p.outbox.drain(..));
        }
    }

    fn run(&mut self) {
        self.collect();
        let mut steps = 0;
        while let Some(m) = self.queue.pop_front() {
            steps += 1;
            assert!(steps < 100_000, "the network never went quiet");
            let Some(p) = self.peers.get_mut(&m.to) else {
                continue;
            };
            self.delivered.push(m.clone());
            let _ = p.step(m);
            self.queue.extend(p.outbox.drain(..));
        }
    }

    fn leaders(&self) -> Vec<NodeId> {
        self.peers
            .values()
            .filter(|p| p.node.role_kind() == RoleKind::Leader)
            .map(|p| p.node.id())
            .collect()
    }
}

// ----- Terms: every message carries one ----------------------------------------

/// §5.1 / Figure 2 "Rules for all servers": a request with a higher term makes
/// any role adopt it, clear its vote and follow, persisted before the answer.
#[test]
fn higher_term_request_makes_every_role_adopt_term_and_follow() {
    for role in ROLES {
        for request in ["RequestVote", "AppendEntries"] {
            let mut p = in_role(role);
            assert_eq!((p.node.role_kind(), p.node.current_term()), (role, 2));
            // A stale-log RequestVote (so the vote stays cleared), or a heartbeat.
            let m = match request {
                "RequestVote" => rv(2, 1, 5, 1, 1),
                _ => ae(2, 1, 5, (0, 0), vec![], 0),
            };
            let r = p.step(m);
            let case = format!("{role:?} / {request}");
            assert_eq!(p.node.current_term(), 5, "{case}");
            assert_eq!(p.node.voted_for(), None, "{case}");
            assert_eq!(p.node.role_kind(), RoleKind::Follower, "{case}");
            assert_eq!(
                r.persist.first(),
                Some(&hard_state(5, None)),
                "{case}: HardState first"
            );
            assert_eq!((p.disk.current_term, p.disk.voted_for), (5, None), "{case}");
            let reply = only_message(&r);
            assert_eq!(reply.term, 5, "{case}: the reply carries the new term");
            match request {
                "RequestVote" => assert!(!vote_granted(reply), "{case}: stale log"),
                _ => {
                    assert!(ae_reply(reply).0, "{case}");
                    assert_eq!(p.node.leader_hint(), Some(2), "{case}: follows the sender");
                }
            }
        }
    }
}

/// The same rule for replies: a higher term in a response ends any role too.
#[test]
fn higher_term_reply_makes_every_role_adopt_term_and_follow() {
    for role in ROLES {
        for reply in [vote(2, 1, 5, false), ae_reject(2, 1, 5, 0, None)] {
            let mut p = in_role(role);
            let case = format!("{role:?} / {}", MessageKind::of_raft(&reply.body));
            let r = p.step(reply);
            assert_eq!(p.node.current_term(), 5, "{case}");
            assert_eq!(p.node.voted_for(), None, "{case}");
            assert_eq!(p.node.role_kind(), RoleKind::Follower, "{case}");
            assert_eq!(
                p.node.leader_hint(),
                None,
                "{case}: a reply names no leader"
            );
            assert_eq!(r.persist, vec![hard_state(5, None)], "{case}");
            assert!(r.messages.is_empty(), "{case}: nothing to answer");
        }
    }
}

/// A request with a lower term is rejected with the receiver's term; nothing
/// else changes (not even the election timer).
#[test]
fn stale_term_requests_are_rejected_with_receivers_term() {
    for role in ROLES {
        for request in [rv(2, 1, 1, 9, 9), ae(2, 1, 1, (0, 0), vec![ent(1, 1)], 9)] {
            let mut p = in_role(role);
            let case = format!("{role:?} / {}", MessageKind::of_raft(&request.body));
            let before = (
                p.node.persistent_state(),
                p.node.role().clone(),
                p.node.next_deadline(),
                p.node.commit_index(),
            );
            p.now += 1_000;
            let r = p.step(request.clone());
            let after = (
                p.node.persistent_state(),
                p.node.role().clone(),
                p.node.next_deadline(),
                p.node.commit_index(),
            );
            assert_eq!(before, after, "{case}: a stale request changes nothing");
            assert!(r.persist.is_empty(), "{case}");
            let reply = only_message(&r);
            assert_eq!(
                (reply.to, reply.term),
                (2, 2),
                "{case}: the reply carries the receiver's term"
            );
            match request.body {
                MessageBody::RequestVote { .. } => assert!(!vote_granted(reply), "{case}"),
                _ => assert!(!ae_reply(reply).0, "{case}"),
            }
        }
    }
}

/// Replies from an older term answer questions no longer asked: ignored.
#[test]
fn stale_term_replies_are_ignored() {
    // A candidate of term 2 in a 3-node cluster needs one vote: a term-1 vote must not count.
    let mut c = in_role(RoleKind::Candidate);
    let r = c.step(vote(2, 1, 1, true));
    assert_eq!(c.node.role_kind(), RoleKind::Candidate);
    assert_only_stale_term(&r);
    // A leader must not take matchIndex (and commit) from a term-1 reply.
    let mut l = in_role(RoleKind::Leader);
    let before = progress(&l.node, 2);
    let r = l.step(ae_ok(2, 1, 1, 3));
    assert_eq!(progress(&l.node, 2), before);
    assert_eq!(l.node.commit_index(), 0);
    assert_only_stale_term(&r);
    // Nor back off on a term-1 rejection.
    let r = l.step(ae_reject(
        2,
        1,
        1,
        before.next_index - 1,
        Some(ConflictHint {
            term: None,
            index: 1,
        }),
    ));
    assert_eq!(progress(&l.node, 2), before);
    assert_only_stale_term(&r);
    // And same-term reply kinds that do not fit the role are ignored too.
    let mut f = in_role(RoleKind::Follower);
    let r = f.step(vote(2, 1, 2, true));
    let r2 = f.step(ae_ok(2, 1, 2, 2));
    for r in [r, r2] {
        // Only the `Rejected` event saying the role that asked is gone.
        assert!(r.persist.is_empty() && r.messages.is_empty() && r.apply.is_empty());
        assert!(matches!(
            r.events.as_slice(),
            [raft_playground::raft::NodeEvent::Rejected {
                reason: raft_playground::raft::RejectReason::WrongRole { .. },
                ..
            }]
        ));
    }
    assert_eq!(
        (f.node.role_kind(), f.node.commit_index()),
        (RoleKind::Follower, 0)
    );
}

// ----- Elections ---------------------------------------------------------------------

/// A node (fresh or restarted) starts as a follower with no known leader.
#[test]
fn nodes_start_as_followers() {
    let mut p = Peer::fresh(1, 3);
    assert_eq!(
        (
            p.node.role_kind(),
            p.node.current_term(),
            p.node.voted_for()
        ),
        (RoleKind::Follower, 0, None)
    );
    assert_eq!(p.node.leader_hint(), None);
    assert!(p.ready().is_empty(), "starting produces nothing");
    let p = Peer::with(1, 3, 7, Some(2), &[1, 3], Bugs::none());
    assert_eq!(
        (
            p.node.role_kind(),
            p.node.current_term(),
            p.node.voted_for()
        ),
        (RoleKind::Follower, 7, Some(2))
    );
    assert_eq!((p.node.commit_index(), p.node.last_applied()), (0, 0));
}

/// §5.2: a follower that hears nothing until its deadline becomes a candidate:
/// term+1, votes for itself (persisted), RequestVote to every peer.
#[test]
fn follower_times_out_and_starts_election() {
    let mut p = Peer::with(1, 5, 2, None, &[1, 1, 2], Bugs::none());
    let deadline = p.node.next_deadline();
    assert!(
        p.tick(deadline - 1).is_empty(),
        "nothing before the deadline"
    );
    assert_eq!(p.node.role_kind(), RoleKind::Follower);
    let r = p.tick(deadline);
    assert_eq!(
        (
            p.node.role_kind(),
            p.node.current_term(),
            p.node.voted_for()
        ),
        (RoleKind::Candidate, 3, Some(1))
    );
    assert_eq!(r.persist, vec![hard_state(3, Some(1))]);
    assert!(r.events.contains(&NodeEvent::RoleChanged {
        role: RoleKind::Candidate,
        term: 3
    }));
    let expected: Vec<Message> = (2..=5).map(|to| rv(1, to, 3, 3, 2)).collect();
    assert_eq!(r.messages, expected);
    assert!(
        p.node.election_deadline() >= deadline + Config::default().election_timeout_min,
        "timer re-armed"
    );
}

/// Timeouts are uniform in [min, max) and drawn afresh at every reset; different
/// nodes draw differently.
#[test]
fn election_timeout_is_randomized_and_redrawn() {
    let cfg = Config::default();
    let mut p = Peer::fresh(1, 3);
    let mut seen = BTreeSet::new();
    let mut deadline = p.node.next_deadline();
    for round in 0..50 {
        let r = p.tick(deadline);
        assert_eq!(
            p.node.current_term(),
            round + 1,
            "each timeout is a new election"
        );
        assert_eq!(r.messages.len(), 2);
        let timeout = p.node.election_deadline() - deadline;
        assert!(
            (cfg.election_timeout_min..cfg.election_timeout_max).contains(&timeout),
            "{timeout}"
        );
        seen.insert(timeout);
        deadline = p.node.election_deadline();
    }
    assert!(
        seen.len() >= 45,
        "timeouts must be re-drawn, got only {} distinct",
        seen.len()
    );
    // A heartbeat resets the timer with a fresh draw too.
    let mut f = Peer::with(1, 3, 1, None, &[], Bugs::none());
    let mut drawn = BTreeSet::new();
    for i in 0..20 {
        f.now = T0 + i * 10_000;
        f.feed(ae(2, 1, 1, (0, 0), vec![], 0));
        drawn.insert(f.node.election_deadline() - f.now);
    }
    assert!(drawn.len() >= 18, "heartbeats must re-draw the timeout");
    // Different nodes, different first deadlines.
    let firsts: BTreeSet<Time> = (1..=5)
        .map(|id| Peer::fresh(id, 5).node.next_deadline())
        .collect();
    assert_eq!(firsts.len(), 5);
}

/// etcd's TestLeaderElectionInOneRoundRPC: a candidate becomes leader iff votes
/// from distinct members (itself included) form a majority of the full cluster.
#[test]
fn candidate_wins_only_with_majority_of_distinct_votes() {
    // (cluster size, granted from, rejected from, expected role)
    let table: &[(u64, &[NodeId], &[NodeId], RoleKind)] = &[
        (1, &[], &[], RoleKind::Leader),
        (3, &[2], &[], RoleKind::Leader),
        (3, &[], &[2, 3], RoleKind::Candidate),
        (4, &[2], &[3], RoleKind::Candidate),
        (4, &[2, 3], &[], RoleKind::Leader),
        (5, &[2], &[3, 4, 5], RoleKind::Candidate),
        (5, &[2, 2, 2], &[], RoleKind::Candidate),
        (5, &[2, 2, 3], &[4], RoleKind::Leader),
        (5, &[2, 3], &[], RoleKind::Leader),
    ];
    for (i, &(n, granted, rejected, expected)) in table.iter().enumerate() {
        let mut p = Peer::with(1, n, 1, None, &[1, 1], Bugs::none());
        let mut all = p.timeout();
        for &v in rejected {
            all.persist.extend(p.step(vote(v, 1, 2, false)).persist);
        }
        for &v in granted {
            let r = p.step(vote(v, 1, 2, true));
            all.persist.extend(r.persist);
            all.messages.extend(r.messages);
            all.events.extend(r.events);
        }
        assert_eq!(p.node.role_kind(), expected, "case {i}");
        assert_eq!(p.node.current_term(), 2, "case {i}");
        if expected == RoleKind::Leader {
            // The no-op of its term, persisted, and AppendEntries to every peer.
            assert_eq!(terms_of(p.node.log()), vec![1, 1, 2], "case {i}");
            assert_eq!(p.node.log().get(3), Some(&Entry::noop(2)), "case {i}");
            assert!(
                all.persist.contains(&PersistOp::Append {
                    index: 3,
                    entry: Entry::noop(2)
                }),
                "case {i}"
            );
            assert!(
                all.events.contains(&NodeEvent::RoleChanged {
                    role: RoleKind::Leader,
                    term: 2
                }),
                "case {i}"
            );
            let appends: Vec<&Message> = all
                .messages
                .iter()
                .filter(|m| matches!(m.body, MessageBody::AppendEntries { .. }))
                .collect();
            assert_eq!(appends.len() as u64, n - 1, "case {i}");
            for (m, to) in appends.iter().zip(2..) {
                assert_eq!((m.to, m.term), (to, 2), "case {i}");
                assert_eq!(ae_parts(m), (2, 1, &[Entry::noop(2)][..], 0), "case {i}");
            }
            if n == 1 {
                assert_eq!(
                    p.node.commit_index(),
                    3,
                    "a one-node cluster commits its no-op at once"
                );
            }
        } else {
            assert_eq!(
                p.node.log().last_index(),
                2,
                "case {i}: no no-op without winning"
            );
        }
    }
}

/// §5.2: a candidate that hears AppendEntries from a leader of its own term
/// returns to follower (keeping term and vote) and answers it.
#[test]
fn candidate_steps_down_on_append_entries_of_same_term() {
    let mut p = in_role(RoleKind::Candidate);
    let r = p.step(ae(3, 1, 2, (2, 1), vec![ent(3, 2)], 0));
    assert_eq!(
        (
            p.node.role_kind(),
            p.node.current_term(),
            p.node.voted_for()
        ),
        (RoleKind::Follower, 2, Some(1))
    );
    assert_eq!(p.node.leader_hint(), Some(3));
    assert!(
        r.persist
            .iter()
            .all(|op| !matches!(op, PersistOp::HardState { .. })),
        "term and vote unchanged"
    );
    assert_eq!(ae_reply(only_message(&r)), (true, 3, 0, None));
    assert_eq!(terms_of(p.node.log()), vec![1, 1, 2]);
}

/// A candidate whose election times out starts another at a higher term.
#[test]
fn candidate_times_out_and_starts_new_election() {
    let mut p = in_role(RoleKind::Candidate);
    p.feed(vote(2, 1, 2, false));
    let deadline = p.node.next_deadline();
    assert!(p.tick(deadline - 1).is_empty());
    let r = p.tick(deadline);
    assert_eq!(
        (
            p.node.role_kind(),
            p.node.current_term(),
            p.node.voted_for()
        ),
        (RoleKind::Candidate, 3, Some(1))
    );
    assert_eq!(r.persist, vec![hard_state(3, Some(1))]);
    assert_eq!(r.messages, vec![rv(1, 2, 3, 2, 1), rv(1, 3, 3, 2, 1)]);
    // The old term's votes are gone: a late term-2 grant does not elect it.
    p.feed(vote(2, 1, 2, true));
    assert_eq!(p.node.role_kind(), RoleKind::Candidate);
    p.feed(vote(2, 1, 3, true));
    assert_eq!(p.node.role_kind(), RoleKind::Leader);
}

/// A split vote elects nobody; the first randomized timeout starts a higher term
/// that then wins.
#[test]
fn split_vote_then_randomized_timeout_elects_one_leader() {
    let mut net = Net::new((1..=4).map(|id| Peer::fresh(id, 4)).collect());
    let _ = net.peer(1).timeout();
    let _ = net.peer(2).timeout();
    net.collect();
    // 3 hears 1 first, 4 hears 2 first: two votes each, no majority of four.
    let (first, rest): (Vec<Message>, Vec<Message>) = net
        .queue
        .drain(..)
        .partition(|m| matches!((m.from, m.to), (1, 3) | (2, 4)));
    net.queue.extend(first.into_iter().chain(rest));
    net.run();
    assert!(net.leaders().is_empty(), "split vote");
    assert_eq!(net.peer(1).node.role_kind(), RoleKind::Candidate);
    assert_eq!(net.peer(2).node.role_kind(), RoleKind::Candidate);
    assert_eq!(
        (net.peer(3).node.voted_for(), net.peer(4).node.voted_for()),
        (Some(1), Some(2))
    );
    // The node whose (random) deadline comes first stands again, at term 2, and wins.
    let deadlines: BTreeMap<Time, NodeId> = net
        .peers
        .values()
        .map(|p| (p.node.next_deadline(), p.node.id()))
        .collect();
    assert_eq!(deadlines.len(), 4, "deadlines are randomized");
    let (&first_deadline, &first_node) = deadlines.iter().next().unwrap();
    let _ = net.peer(first_node).tick(first_deadline);
    net.run();
    assert_eq!(net.leaders(), vec![first_node]);
    for p in net.peers.values() {
        assert_eq!(p.node.current_term(), 2);
        assert_eq!(
            p.node.log().entries().to_vec(),
            [Entry::noop(2)],
            "the no-op reached everyone"
        );
        assert_eq!(p.node.commit_index(), 1);
    }
}

/// etcd's TestVoter plus Figure 2's RequestVote receiver rules: granted iff the
/// term is current, votedFor is empty or the candidate, and the candidate's log
/// is at least as up to date. Granting persists the vote before the reply and
/// resets the election timer.
#[test]
fn vote_table() {
    // The voter: node 1 of 5, term 3, log terms [1, 1, 2] (last index 3, last term 2).
    // (case, voter's votedFor, request term, candidate's last index, last term, granted)
    type Case = (&'static str, Option<NodeId>, Term, LogIndex, Term, bool);
    let table: &[Case] = &[
        ("higher last term, shorter log", None, 3, 1, 3, true),
        ("same last term, shorter log", None, 3, 2, 2, false),
        ("same last term, same length", None, 3, 3, 2, true),
        ("same last term, longer log", None, 3, 4, 2, true),
        ("lower last term, longer log", None, 3, 9, 1, false),
        ("empty candidate log", None, 3, 0, 0, false),
        ("already voted for another", Some(3), 3, 3, 2, false),
        ("re-request from the same candidate", Some(2), 3, 3, 2, true),
        ("stale term", None, 2, 9, 3, false),
        (
            "higher term, up to date (vote of the old term cleared)",
            Some(3),
            4,
            3,
            2,
            true,
        ),
        ("higher term, stale log", Some(3), 4, 2, 2, false),
    ];
    for &(case, voted_for, term, lli, llt, granted) in table {
        let mut p = Peer::with(1, 5, 3, voted_for, &[1, 1, 2], Bugs::none());
        let old_deadline = p.node.election_deadline();
        p.now = old_deadline - 1;
        let r = p.step(rv(2, 1, term, lli, llt));
        let reply = only_message(&r);
        assert_eq!(vote_granted(reply), granted, "{case}");
        assert_eq!((reply.to, reply.term), (2, term.max(3)), "{case}");
        let new_term = term.max(3);
        let expected_vote = if granted {
            Some(2)
        } else if term > 3 {
            None
        } else {
            voted_for
        };
        assert_eq!(
            (p.node.current_term(), p.node.voted_for()),
            (new_term, expected_vote),
            "{case}"
        );
        let mut expected_ops = Vec::new();
        if term > 3 {
            expected_ops.push(hard_state(term, None));
        }
        if granted && (term > 3 || voted_for != Some(2)) {
            expected_ops.push(hard_state(new_term, Some(2)));
        }
        assert_eq!(r.persist, expected_ops, "{case}");
        if granted {
            assert!(
                p.node.election_deadline() > old_deadline,
                "{case}: granting resets the timer"
            );
        } else {
            // Figure 2: only a granted vote or the leader's AppendEntries reset a
            // follower's timer; a refused higher-term candidate does not.
            assert_eq!(
                p.node.election_deadline(),
                old_deadline,
                "{case}: a refusal does not reset the timer"
            );
        }
    }
}

/// A candidate's and a leader's vote of the term is their own.
#[test]
fn candidates_and_leaders_refuse_other_candidates_of_their_term() {
    for role in [RoleKind::Candidate, RoleKind::Leader] {
        let mut p = in_role(role);
        let r = p.step(rv(3, 1, 2, 99, 99));
        assert!(!vote_granted(only_message(&r)), "{role:?}");
        assert_eq!(
            (p.node.role_kind(), p.node.voted_for()),
            (role, Some(1)),
            "{role:?}"
        );
    }
}

// ----- AppendEntries: the follower ---------------------------------------------

/// Consistency check failures and their hints (dissertation §5.3).
#[test]
fn append_entries_rejects_inconsistent_prev_with_hint() {
    // Follower log terms [1, 2, 2, 2] at term 3; leader 2 of term 3.
    // (prevLogIndex, prevLogTerm, expected hint)
    let table: &[((LogIndex, Term), ConflictHint)] = &[
        (
            (5, 3),
            ConflictHint {
                term: None,
                index: 5,
            },
        ),
        (
            (9, 3),
            ConflictHint {
                term: None,
                index: 5,
            },
        ),
        (
            (4, 3),
            ConflictHint {
                term: Some(2),
                index: 2,
            },
        ),
        (
            (3, 1),
            ConflictHint {
                term: Some(2),
                index: 2,
            },
        ),
        (
            (1, 2),
            ConflictHint {
                term: Some(1),
                index: 1,
            },
        ),
    ];
    for &(prev, hint) in table {
        let mut p = Peer::with(1, 3, 3, None, &[1, 2, 2, 2], Bugs::none());
        let r = p.step(ae(2, 1, 3, prev, vec![ent(prev.0 + 1, 3)], 9));
        assert_eq!(
            ae_reply(only_message(&r)),
            (false, 0, prev.0, Some(hint)),
            "prev {prev:?}"
        );
        assert!(r.persist.is_empty(), "prev {prev:?}: log untouched");
        assert_eq!(terms_of(p.node.log()), vec![1, 2, 2, 2]);
        assert_eq!(
            p.node.commit_index(),
            0,
            "prev {prev:?}: nothing commits on a rejection"
        );
    }
}

/// etcd's TestFollowerAppendEntries: append what is missing, truncate only from a
/// real conflict, never an entry that already matches.
#[test]
fn append_entries_appends_and_truncates_only_on_conflict() {
    // Follower log terms [1, 2, 2] at term 3.
    // (prev, entry terms, expected log terms, expected first Truncate)
    type Case = (
        (LogIndex, Term),
        &'static [Term],
        &'static [Term],
        Option<LogIndex>,
    );
    let table: &[Case] = &[
        ((3, 2), &[3], &[1, 2, 2, 3], None),
        ((3, 2), &[], &[1, 2, 2], None),
        ((1, 1), &[3, 3], &[1, 3, 3], Some(2)),
        ((1, 1), &[2], &[1, 2, 2], None),
        ((1, 1), &[2, 2, 3, 3], &[1, 2, 2, 3, 3], None),
        ((2, 2), &[3], &[1, 2, 3], Some(3)),
        ((0, 0), &[1], &[1, 2, 2], None),
        ((0, 0), &[3], &[3], Some(1)),
    ];
    for &(prev, new, expected, truncate) in table {
        let mut p = Peer::with(1, 3, 3, None, &[1, 2, 2], Bugs::none());
        let entries: Vec<Entry> = new
            .iter()
            .zip(prev.0 + 1..)
            .map(|(&t, i)| ent(i, t))
            .collect();
        let r = p.step(ae(2, 1, 3, prev, entries, 0));
        let case = format!("prev {prev:?} entries {new:?}");
        assert_eq!(terms_of(p.node.log()), expected, "{case}");
        assert_eq!(terms_of(&p.disk.log), expected, "{case}: on disk too");
        let first_truncate = r.persist.iter().find_map(|op| match op {
            PersistOp::Truncate { from } => Some(*from),
            _ => None,
        });
        assert_eq!(first_truncate, truncate, "{case}");
        // The ack covers exactly this request, never the follower's log length.
        assert_eq!(
            ae_reply(only_message(&r)),
            (true, prev.0 + new.len() as LogIndex, 0, None),
            "{case}"
        );
    }
}

/// A stale or duplicated AppendEntries whose entries already match must not take
/// back later entries (the follower may already have acked them).
#[test]
fn stale_duplicate_append_entries_never_truncates() {
    let mut p = Peer::with(1, 3, 2, None, &[], Bugs::none());
    let old = ae(2, 1, 2, (1, 1), vec![ent(2, 1)], 0);
    p.feed(ae(2, 1, 2, (0, 0), vec![ent(1, 1)], 0));
    let r = p.step(ae(
        2,
        1,
        2,
        (1, 1),
        vec![ent(2, 1), ent(3, 1), ent(4, 2), ent(5, 2)],
        0,
    ));
    assert_eq!(ae_reply(only_message(&r)), (true, 5, 0, None));
    // The late copy of an earlier request arrives now.
    let r = p.step(old);
    assert_eq!(
        terms_of(p.node.log()),
        vec![1, 1, 1, 2, 2],
        "nothing taken back"
    );
    assert!(r.persist.is_empty());
    assert_eq!(
        ae_reply(only_message(&r)),
        (true, 2, 0, None),
        "acks only what that request proved"
    );
}

/// Follower commitIndex = min(leaderCommit, index of the last new entry), never
/// decreasing; entries are applied in order, each once.
#[test]
fn follower_commit_is_min_of_leader_commit_and_last_new_entry() {
    // The follower's tail (indexes 4, 5 of term 2) is from an old leader; the
    // current leader (term 3) has not verified it yet.
    let mut p = Peer::with(1, 3, 3, None, &[1, 1, 1, 2, 2], Bugs::none());
    // (prev, entry terms, leaderCommit, expected commit)
    type Step = ((LogIndex, Term), &'static [Term], LogIndex, LogIndex);
    let steps: &[Step] = &[
        ((2, 1), &[], 9, 2),  // heartbeat proves only up to 2
        ((3, 1), &[3], 9, 4), // index 4 replaced by a term-3 entry
        ((1, 1), &[], 1, 4),  // a smaller leaderCommit never lowers it
        ((2, 1), &[], 9, 4),  // nor does a stale heartbeat proving less
        ((4, 3), &[3], 4, 4), // leaderCommit bounds it
        ((5, 3), &[], 5, 5),
    ];
    for &(prev, new, leader_commit, expected) in steps {
        let entries: Vec<Entry> = new
            .iter()
            .zip(prev.0 + 1..)
            .map(|(&t, i)| ent(i, t))
            .collect();
        let r = p.step(ae(2, 1, 3, prev, entries, leader_commit));
        assert!(ae_reply(only_message(&r)).0);
        assert_eq!(
            p.node.commit_index(),
            expected,
            "prev {prev:?} leaderCommit {leader_commit}"
        );
    }
    assert_eq!(terms_of(p.node.log()), vec![1, 1, 1, 3, 3]);
    let applied: Vec<(LogIndex, Term)> = p.applied.iter().map(|(i, e)| (*i, e.term)).collect();
    assert_eq!(
        applied,
        vec![(1, 1), (2, 1), (3, 1), (4, 3), (5, 3)],
        "each once, in order, never the stale tail"
    );
}

/// Any AppendEntries from the current leader (heartbeat or not, matching or not)
/// resets the election timer; a follower that hears it never stands.
#[test]
fn append_entries_from_leader_resets_election_timer() {
    let mut p = Peer::with(1, 3, 2, None, &[1], Bugs::none());
    for prev in [(1, 1), (7, 2)] {
        for _ in 0..5 {
            let deadline = p.node.election_deadline();
            p.now = deadline - 1;
            p.feed(ae(2, 1, 2, prev, vec![], 0));
            assert!(p.node.election_deadline() > deadline, "prev {prev:?}");
            let _ = p.tick(deadline);
            assert_eq!(
                (p.node.role_kind(), p.node.current_term()),
                (RoleKind::Follower, 2)
            );
        }
    }
    assert_eq!(p.node.leader_hint(), Some(2));
    // Without it, the timer fires.
    let deadline = p.node.election_deadline();
    let _ = p.tick(deadline);
    assert_eq!(p.node.role_kind(), RoleKind::Candidate);
}

// ----- The leader ------------------------------------------------------------------

/// A leader sends heartbeats when its interval expires, and only then.
#[test]
fn leader_sends_heartbeats_on_interval() {
    let mut p = leader(3, 1, &[1, 1], Bugs::none());
    p.feed(ae_ok(2, 1, 2, 3));
    p.feed(ae_ok(3, 1, 2, 3));
    assert_eq!(p.node.commit_index(), 3);
    let hb = p.node.next_deadline();
    assert!(p.tick(hb - 1).messages.is_empty());
    let r = p.tick(hb);
    assert_eq!(r.messages.len(), 2);
    for (m, to) in r.messages.iter().zip(2..) {
        assert_eq!((m.to, m.term), (to, 2));
        assert_eq!(
            ae_parts(m),
            (3, 2, &[][..], 3),
            "an empty AppendEntries carrying the commit index"
        );
    }
    assert_eq!(
        p.node.next_deadline(),
        hb + Config::default().heartbeat_interval
    );
    assert_eq!(
        p.node.role_kind(),
        RoleKind::Leader,
        "a leader has no election timeout"
    );
}

/// A proposal is appended (persisted) and sent to every follower at its nextIndex;
/// non-leaders refuse with a hint.
#[test]
fn leader_replicates_proposals_and_followers_refuse_them() {
    let mut p = leader(3, 1, &[1, 1], Bugs::none());
    p.feed(ae_ok(2, 1, 2, 3));
    p.feed(ae_ok(3, 1, 2, 3));
    let c = cmd(7, 1);
    assert_eq!(p.node.propose(T0, c.clone()), Ok(4));
    let r = p.ready();
    let entry = Entry::command(2, c.clone());
    assert_eq!(
        r.persist,
        vec![PersistOp::Append {
            index: 4,
            entry: entry.clone()
        }]
    );
    assert_eq!(r.messages.len(), 2);
    for m in &r.messages {
        assert_eq!(ae_parts(m), (3, 2, std::slice::from_ref(&entry), 3));
    }
    assert_eq!(p.node.commit_index(), 3, "appending acknowledges nothing");
    let mut f = Peer::with(1, 3, 2, None, &[], Bugs::none());
    f.feed(ae(3, 1, 2, (0, 0), vec![], 0));
    assert_eq!(
        f.node.propose(T0, c),
        Err(ProposeError::NotLeader {
            leader_hint: Some(3)
        })
    );
    assert!(f.ready().persist.is_empty());
}

/// matchIndex comes from the reply's match_index and never moves backwards.
#[test]
fn leader_match_index_from_reply_never_backwards() {
    let mut p = leader(3, 0, &[], Bugs::none());
    for seq in 1..=3 {
        p.node.propose(T0, cmd(9, seq)).unwrap();
    }
    let _ = p.ready();
    assert_eq!(p.node.log().last_index(), 4);
    let r = p.step(ae_ok(2, 1, 1, 4));
    assert_eq!(
        progress(&p.node, 2),
        Progress {
            next_index: 5,
            match_index: 4
        }
    );
    assert_eq!(p.node.commit_index(), 4);
    assert!(
        r.events
            .contains(&NodeEvent::CommitAdvanced { commit_index: 4 })
    );
    // A late reply to an older request: no change, nothing resent.
    let r = p.step(ae_ok(2, 1, 1, 2));
    assert_eq!(
        progress(&p.node, 2),
        Progress {
            next_index: 5,
            match_index: 4
        }
    );
    assert!(r.messages.is_empty());
    // A partial ack: the rest is sent at once from the new nextIndex.
    let r = p.step(ae_ok(3, 1, 1, 1));
    assert_eq!(
        progress(&p.node, 3),
        Progress {
            next_index: 2,
            match_index: 1
        }
    );
    let m = only_message(&r);
    assert_eq!(m.to, 3);
    let (prev, prev_term, entries, commit) = ae_parts(m);
    assert_eq!((prev, prev_term, entries.len(), commit), (1, 1, 3, 4));
}

/// On a rejection the leader moves nextIndex back using the follower's hint, and
/// probes again at once.
#[test]
fn leader_backs_off_next_index_with_conflict_hint() {
    let fig7 = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    // (hint, expected nextIndex); the rejected probe is at prevLogIndex 10.
    let table: &[(Option<ConflictHint>, LogIndex)] = &[
        (None, 10),
        (
            Some(ConflictHint {
                term: None,
                index: 5,
            }),
            5,
        ),
        (
            Some(ConflictHint {
                term: None,
                index: 11,
            }),
            10,
        ), // at least one step back
        (
            Some(ConflictHint {
                term: Some(2),
                index: 4,
            }),
            4,
        ), // leader has no term 2: skip it
        (
            Some(ConflictHint {
                term: Some(3),
                index: 7,
            }),
            7,
        ),
        (
            Some(ConflictHint {
                term: Some(4),
                index: 4,
            }),
            6,
        ), // after the leader's last term-4 entry
        (
            Some(ConflictHint {
                term: Some(6),
                index: 9,
            }),
            10,
        ),
    ];
    for &(hint, expected) in table {
        let mut p = leader(3, 7, &fig7, Bugs::none());
        assert_eq!(progress(&p.node, 2).next_index, 11);
        let r = p.step(ae_reject(2, 1, 8, 10, hint));
        assert_eq!(
            progress(&p.node, 2),
            Progress {
                next_index: expected,
                match_index: 0
            },
            "{hint:?}"
        );
        let m = only_message(&r);
        assert_eq!(m.to, 2);
        let (prev, prev_term, entries, _) = ae_parts(m);
        assert_eq!(
            (prev, prev_term),
            (expected - 1, p.node.log().term_at(expected - 1).unwrap()),
            "{hint:?}"
        );
        assert_eq!(entries, p.node.log().slice(expected, 11), "{hint:?}");
    }
}

/// A rejection of a probe the leader has moved past is ignored, and nextIndex
/// never goes to or below matchIndex.
#[test]
fn leader_ignores_stale_rejections() {
    let mut p = leader(3, 7, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6], Bugs::none());
    let hint = Some(ConflictHint {
        term: None,
        index: 5,
    });
    p.feed(ae_reject(2, 1, 8, 10, hint));
    assert_eq!(progress(&p.node, 2).next_index, 5);
    // The same rejection again (a duplicate, or the heartbeat's twin): ignored.
    let r = p.step(ae_reject(2, 1, 8, 10, hint));
    assert_eq!(progress(&p.node, 2).next_index, 5);
    assert!(r.messages.is_empty());
    let r = p.step(ae_ok(2, 1, 8, 11));
    assert_eq!(
        progress(&p.node, 2),
        Progress {
            next_index: 12,
            match_index: 11
        }
    );
    assert_eq!(p.node.commit_index(), 11);
    assert!(
        r.messages.iter().all(|m| ae_parts(m).3 == 11),
        "followers learn the new commit"
    );
    // A late rejection of the index-4 probe: ignored, progress intact.
    let r = p.step(ae_reject(
        2,
        1,
        8,
        4,
        Some(ConflictHint {
            term: None,
            index: 1,
        }),
    ));
    assert_eq!(
        progress(&p.node, 2),
        Progress {
            next_index: 12,
            match_index: 11
        }
    );
    assert!(r.messages.is_empty());
}

/// §5.3: an entry of the leader's term commits once a majority (leader included)
/// holds it; followers then hear the new commit index.
#[test]
fn leader_commits_current_term_entry_on_majority() {
    let mut p = leader(5, 0, &[], Bugs::none());
    let r = p.step(ae_ok(2, 1, 1, 1));
    assert_eq!(p.node.commit_index(), 0, "2 of 5");
    assert!(r.apply.is_empty());
    let r = p.step(ae_ok(3, 1, 1, 1));
    assert_eq!(p.node.commit_index(), 1, "3 of 5");
    assert_eq!(r.apply, vec![(1, Entry::noop(1))]);
    assert_eq!(
        r.events,
        vec![NodeEvent::CommitAdvanced { commit_index: 1 }]
    );
    let told: BTreeSet<NodeId> = r
        .messages
        .iter()
        .filter(|m| ae_parts(m).3 == 1)
        .map(|m| m.to)
        .collect();
    assert_eq!(told, BTreeSet::from([2, 3, 4, 5]));
}

/// §5.4.2 / Figure 8(c): S1 leads term 4 with [1, 2, 4]; index 2 (term 2) reaches
/// a majority but is not committed until the term-4 entry above it is.
#[test]
fn older_term_entry_on_majority_commits_only_under_current_term_entry() {
    let mut p = leader(5, 3, &[1, 2], Bugs::none());
    assert_eq!(terms_of(p.node.log()), vec![1, 2, 4]);
    p.feed(ae_ok(2, 1, 4, 2));
    p.feed(ae_ok(3, 1, 4, 2));
    assert_eq!(
        p.node.commit_index(),
        0,
        "index 2 is on S1, S2, S3 but is of term 2"
    );
    p.feed(ae_ok(2, 1, 4, 3));
    assert_eq!(p.node.commit_index(), 0, "index 3 is on 2 of 5");
    let r = p.step(ae_ok(3, 1, 4, 3));
    assert_eq!(
        p.node.commit_index(),
        3,
        "index 3 of term 4 on a majority commits 1..=3"
    );
    let applied: Vec<LogIndex> = r.apply.iter().map(|(i, _)| *i).collect();
    assert_eq!(applied, vec![1, 2, 3]);
}

/// The same history with `Bug::CommitOldTerm`: the term-2 entry is committed by
/// counting replicas, the unsafe step of Figure 8(c).
#[test]
fn bug_commit_old_term_commits_by_counting_replicas() {
    let mut p = leader(5, 3, &[1, 2], Bugs::none().with(Bug::CommitOldTerm));
    p.feed(ae_ok(2, 1, 4, 2));
    assert_eq!(p.node.commit_index(), 0, "2 of 5 is still no majority");
    let r = p.step(ae_ok(3, 1, 4, 2));
    assert_eq!(
        p.node.commit_index(),
        2,
        "BROKEN: committed a term-2 entry in term 4"
    );
    assert_eq!(
        r.apply
            .iter()
            .map(|(i, e)| (*i, e.term))
            .collect::<Vec<_>>(),
        vec![(1, 1), (2, 2)]
    );
}

// ----- Figure 7 --------------------------------------------------------------------------

/// Figure 7: the term-8 leader (log 1 1 1 4 4 5 5 6 6 6) brings each possible
/// follower log (a)–(f) to its own, truncating what it does not have.
#[test]
fn figure7_leader_brings_every_follower_to_its_log() {
    let leader_log: &[Term] = &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    // (case, follower log terms, follower's current term)
    let table: &[(&str, &[Term], Term)] = &[
        ("a", &[1, 1, 1, 4, 4, 5, 5, 6, 6], 6),
        ("b", &[1, 1, 1, 4], 4),
        ("c", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], 6),
        ("d", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], 7),
        ("e", &[1, 1, 1, 4, 4, 4, 4], 4),
        ("f", &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 3),
    ];
    let mut expected = log_of(leader_log);
    expected.append(Entry::noop(8));
    for &(case, follower_log, follower_term) in table {
        // Node 1 the leader-to-be, node 2 the follower; node 3 only casts its vote.
        let l = Peer::with(1, 3, 7, None, leader_log, Bugs::none());
        let f = Peer::with(2, 3, follower_term, None, follower_log, Bugs::none());
        let mut net = Net::new(vec![l, f]);
        let _ = net.peer(1).timeout();
        net.peer(1).node.step(T0, vote(3, 1, 8, true));
        net.run();
        assert_eq!(net.leaders(), vec![1], "({case})");
        let (l, f) = (&net.peers[&1], &net.peers[&2]);
        assert_eq!(
            l.node.log(),
            &expected,
            "({case}) the leader never changes its log"
        );
        assert_eq!(f.node.log(), &expected, "({case}) follower log");
        assert_eq!(f.disk.log, expected, "({case}) follower disk");
        assert_eq!(f.node.current_term(), 8, "({case})");
        assert_eq!(
            (l.node.commit_index(), f.node.commit_index()),
            (11, 11),
            "({case})"
        );
        assert_eq!(f.applied.len(), 11, "({case})");
        assert_eq!(
            progress(&l.node, 2),
            Progress {
                next_index: 12,
                match_index: 11
            },
            "({case})"
        );
        // The conflict hint costs about one round trip per term, not one per entry.
        let rejections = net
            .delivered
            .iter()
            .filter(|m| {
                matches!(
                    m.body,
                    MessageBody::AppendEntriesReply { success: false, .. }
                )
            })
            .count();
        assert!(rejections <= 2, "({case}) {rejections} rejections");
    }
}

// ----- Apply ------------------------------------------------------------------------------

/// Committed entries are applied in order, each exactly once; a restarted node
/// starts from commitIndex 0 and applies again as it re-learns the commit point.
#[test]
fn apply_in_order_once_and_again_after_restart() {
    let mut net = Net::new((1..=3).map(|id| Peer::fresh(id, 3)).collect());
    let _ = net.peer(1).timeout();
    net.run();
    assert_eq!(net.leaders(), vec![1]);
    for seq in 1..=3 {
        net.peer(1).node.propose(T0, cmd(5, seq)).unwrap();
        net.run();
    }
    let mut expected = vec![(1, Entry::noop(1))];
    expected.extend((1..=3).map(|seq| (seq + 1, Entry::command(1, cmd(5, seq)))));
    for p in net.peers.values() {
        assert_eq!(p.applied, expected, "node {}", p.node.id());
        assert_eq!(p.node.last_applied(), 4);
    }
    // Node 2 crashes and restarts from its disk.
    let disk = net.peers[&2].disk.clone();
    let restarted = Peer::restart(2, 3, Bugs::none(), disk);
    assert_eq!(
        (restarted.node.commit_index(), restarted.node.last_applied()),
        (0, 0)
    );
    assert_eq!(restarted.node.log().last_index(), 4, "the log survives");
    assert_eq!(
        (restarted.node.current_term(), restarted.node.voted_for()),
        (1, Some(1))
    );
    net.peers.insert(2, restarted);
    // Nothing is applied until a leader tells it the commit point.
    net.run();
    assert!(net.peers[&2].applied.is_empty());
    let hb = net.peer(1).node.next_deadline();
    let _ = net.peer(1).tick(hb);
    net.run();
    assert_eq!(
        net.peers[&2].applied, expected,
        "re-applied, in order, once"
    );
    assert_eq!(net.peers[&2].node.commit_index(), 4);
    // More heartbeats apply nothing twice.
    let hb = net.peer(1).node.next_deadline();
    let _ = net.peer(1).tick(hb);
    net.run();
    assert_eq!(net.peers[&2].applied.len(), 4);
    assert_eq!(
        net.peers[&1].applied, expected,
        "the leader applied once too"
    );
}

// ----- Broken-rule toggles at the node level -------------------------------------

/// `votedFor` must survive a restart; with `Bug::ForgetVote` it does not, and the
/// node votes twice in one term.
#[test]
fn bug_forget_vote_restarted_node_votes_twice() {
    for bugs in [Bugs::none(), Bugs::none().with(Bug::ForgetVote)] {
        let broken = bugs.is_on(Bug::ForgetVote);
        // Node 1 voted for 2 in term 5, then crashed.
        let mut p = Peer::with(1, 3, 5, Some(2), &[1, 1], bugs);
        assert_eq!(p.node.voted_for(), if broken { None } else { Some(2) });
        let r = p.step(rv(3, 1, 5, 2, 1));
        assert_eq!(vote_granted(only_message(&r)), broken, "broken: {broken}");
        assert_eq!(p.node.voted_for(), Some(if broken { 3 } else { 2 }));
    }
}

/// With `Bug::VoteWithoutLogCheck` a candidate with a stale log gets the vote.
#[test]
fn bug_vote_without_log_check_grants_stale_candidate() {
    for bugs in [Bugs::none(), Bugs::none().with(Bug::VoteWithoutLogCheck)] {
        let broken = bugs.is_on(Bug::VoteWithoutLogCheck);
        let mut p = Peer::with(1, 3, 3, None, &[1, 1, 2], bugs);
        let r = p.step(rv(2, 1, 3, 9, 1));
        assert_eq!(vote_granted(only_message(&r)), broken, "broken: {broken}");
        // The term and votedFor rules still hold under the toggle.
        let r = p.step(rv(3, 1, 2, 9, 9));
        assert!(!vote_granted(only_message(&r)));
    }
}

/// With `Bug::TruncateMatching` a stale AppendEntries takes back acked entries.
#[test]
fn bug_truncate_matching_takes_back_entries() {
    for bugs in [Bugs::none(), Bugs::none().with(Bug::TruncateMatching)] {
        let broken = bugs.is_on(Bug::TruncateMatching);
        let mut p = Peer::with(1, 3, 2, None, &[], bugs);
        let r = p.step(ae(
            2,
            1,
            2,
            (0, 0),
            vec![ent(1, 1), ent(2, 1), ent(3, 2)],
            0,
        ));
        assert_eq!(ae_reply(only_message(&r)), (true, 3, 0, None));
        let r = p.step(ae(2, 1, 2, (0, 0), vec![ent(1, 1)], 0));
        let expected: &[Term] = if broken { &[1] } else { &[1, 1, 2] };
        assert_eq!(terms_of(p.node.log()), expected, "broken: {broken}");
        assert_eq!(
            r.persist
                .iter()
                .any(|op| matches!(op, PersistOp::Truncate { .. })),
            broken
        );
    }
}

/// With `Bug::CommitWithoutMin` a heartbeat that proves only a prefix commits the
/// follower's unverified stale tail, which is then applied.
#[test]
fn bug_commit_without_min_applies_unverified_tail() {
    for bugs in [Bugs::none(), Bugs::none().with(Bug::CommitWithoutMin)] {
        let broken = bugs.is_on(Bug::CommitWithoutMin);
        // Indexes 4, 5 are of term 2 from a deposed leader; the term-3 leader's
        // committed 4, 5 are other entries.
        let mut p = Peer::with(1, 3, 3, None, &[1, 1, 1, 2, 2], bugs);
        p.feed(ae(2, 1, 3, (3, 1), vec![], 5));
        assert_eq!(
            p.node.commit_index(),
            if broken { 5 } else { 3 },
            "broken: {broken}"
        );
        let stale_applied = p.applied.iter().any(|(_, e)| e.term == 2);
        assert_eq!(stale_applied, broken, "broken: {broken}");
    }
}

/// With `Bug::IgnoreHigherTermReply` a deposed leader ignores the higher term in a
/// reply and keeps acting in its old term.
#[test]
fn bug_ignore_higher_term_reply_keeps_stale_leader() {
    for bugs in [Bugs::none(), Bugs::none().with(Bug::IgnoreHigherTermReply)] {
        let broken = bugs.is_on(Bug::IgnoreHigherTermReply);
        let mut p = leader(3, 1, &[1, 1], bugs);
        let r = p.step(ae_reject(2, 1, 5, 2, None));
        if broken {
            assert_eq!(
                (p.node.role_kind(), p.node.current_term()),
                (RoleKind::Leader, 2)
            );
            assert!(r.persist.is_empty());
            assert_eq!(
                p.node.propose(T0, cmd(1, 1)),
                Ok(4),
                "still accepting writes"
            );
            let hb = p.node.next_deadline();
            assert!(p.tick(hb).messages.iter().all(|m| m.term == 2));
        } else {
            assert_eq!(
                (p.node.role_kind(), p.node.current_term()),
                (RoleKind::Follower, 5)
            );
            assert_eq!(r.persist, vec![hard_state(5, None)]);
            assert!(p.node.propose(T0, cmd(1, 1)).is_err());
        }
        // A higher-term *request* is still obeyed under the toggle.
        p.feed(ae(3, 1, 6, (0, 0), vec![], 0));
        assert_eq!(
            (p.node.role_kind(), p.node.current_term()),
            (RoleKind::Follower, 6)
        );
    }
}

/// Nothing to persist, send or apply: only the `Rejected` event saying why.
fn assert_only_stale_term(r: &raft_playground::raft::Ready) {
    use raft_playground::raft::{NodeEvent, RejectReason};
    assert!(r.persist.is_empty() && r.messages.is_empty() && r.apply.is_empty());
    assert!(matches!(
        r.events.as_slice(),
        [NodeEvent::Rejected {
            reason: RejectReason::StaleTerm {
                term: 1,
                current_term: 2,
                ..
            },
            ..
        }]
    ));
}
