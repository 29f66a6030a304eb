//! The checker against real Raft nodes: a small deterministic cluster (lossy,
//! reordering, duplicating network; crashes, restarts, partitions; clients) drives
//! `raft::Node`s and feeds every event to the checker. A correct Raft must never be
//! flagged; each broken-rule toggle must be caught by the properties that the
//! reference table names.

use raft_playground::check::{Checker, LivenessWatch, Property, Violation};
use raft_playground::kv::{Command, Op};
use raft_playground::raft::{
    Bug, Bugs, Config, EntryData, Message, MessageBody, Node, NodeId, PersistOp, PersistentState,
    RoleKind, Time,
};
use raft_playground::rng::Rng;
use raft_playground::sim::event::{Event, EventKind};
use std::collections::{BTreeMap, BTreeSet};

const MS: Time = 1_000;

struct Client {
    seq: u64,
    /// When the outstanding request was last sent to a leader (None: not yet sent).
    sent: Option<Time>,
}

struct Mini {
    seed: u64,
    ids: Vec<NodeId>,
    config: Config,
    bugs: Bugs,
    rng: Rng,
    now: Time,
    nodes: BTreeMap<NodeId, Option<Node>>,
    disk: BTreeMap<NodeId, PersistentState>,
    incarnation: u64,
    queue: BTreeMap<(Time, u64), Message>,
    sent: u64,
    isolated: BTreeSet<NodeId>,
    clients: BTreeMap<u64, Client>,
    checker: Checker,
    watch: LivenessWatch,
    found: Vec<Violation>,
    events: usize,
    /// Emit a `Ready`'s role/commit events before its persistence events (the
    /// checker must not depend on that order).
    events_first: bool,
    /// Manual mode (scripts): messages go to `outbox` instead of the network.
    manual: bool,
    outbox: Vec<Message>,
}

impl Mini {
    fn new(seed: u64, n: u64, bugs: Bugs) -> Self {
        Self::with_config(seed, n, bugs, Config::default())
    }

    fn with_config(seed: u64, n: u64, bugs: Bugs, config: Config) -> Self {
        let ids: Vec<NodeId> = (1..=n).collect();
        let mut nodes = BTreeMap::new();
        let mut disk = BTreeMap::new();
        for &id in &ids {
            let rng = Rng::derive(seed, "node", id);
            nodes.insert(
                id,
                Some(Node::new(id, ids.clone(), config.clone(), bugs, rng, 0)),
            );
            disk.insert(id, PersistentState::default());
        }
        let clients = (1..=3)
            .map(|c| (c, Client { seq: 1, sent: None }))
            .collect();
        Mini {
            seed,
            checker: Checker::new(&ids),
            ids,
            config,
            bugs,
            rng: Rng::derive(seed, "world", 0),
            now: 0,
            nodes,
            disk,
            incarnation: 0,
            queue: BTreeMap::new(),
            sent: 0,
            isolated: BTreeSet::new(),
            clients,
            watch: LivenessWatch::new(),
            found: Vec::new(),
            events: 0,
            events_first: false,
            manual: false,
            outbox: Vec::new(),
        }
    }

    fn emit(&mut self, kind: EventKind) {
        let event = Event {
            time: self.now,
            kind,
        };
        self.events += 1;
        self.watch.observe(&event);
        let found = self.checker.observe(&event);
        self.found.extend(found);
    }

    fn linked(&self, a: NodeId, b: NodeId) -> bool {
        self.isolated.contains(&a) == self.isolated.contains(&b)
    }

    fn persist(&mut self, id: NodeId, ops: &[PersistOp]) {
        for op in ops {
            if let Some(d) = self.disk.get_mut(&id) {
                d.apply(op);
            }
            self.emit(EventKind::persisted(id, op.clone()));
        }
    }

    /// Persist, then report role/commit, then apply (acknowledging clients), then send.
    fn drain(&mut self, id: NodeId) {
        let Some(Some(node)) = self.nodes.get_mut(&id) else {
            return;
        };
        let ready = node.take_ready();
        let is_leader = node.role_kind() == RoleKind::Leader;
        if !self.events_first {
            self.persist(id, &ready.persist);
        }
        for ev in &ready.events {
            self.emit(EventKind::from_node(id, ev.clone()));
        }
        if self.events_first {
            self.persist(id, &ready.persist);
        }
        for (index, entry) in ready.apply {
            self.emit(EventKind::Apply {
                node: id,
                index,
                data: entry.data.clone(),
            });
            if let (true, EntryData::Command(c)) = (is_leader, &entry.data) {
                let outstanding = self
                    .clients
                    .get(&c.client)
                    .is_some_and(|cl| cl.seq == c.seq);
                if outstanding {
                    self.emit(EventKind::ClientOk {
                        client: c.client,
                        seq: c.seq,
                        index,
                        result: None,
                    });
                    if let Some(cl) = self.clients.get_mut(&c.client) {
                        cl.seq += 1;
                        cl.sent = None;
                    }
                }
            }
        }
        if self.manual {
            self.outbox.extend(ready.messages);
            return;
        }
        for msg in ready.messages {
            self.sent += 1;
            if !self.linked(msg.from, msg.to) || self.rng.chance(0.05) {
                continue;
            }
            let at = self.now + self.rng.range(MS, 15 * MS);
            if self.rng.chance(0.02) {
                let again = self.now + self.rng.range(MS, 30 * MS);
                self.queue
                    .insert((again, self.sent + 1_000_000_000), msg.clone());
            }
            self.queue.insert((at, self.sent), msg);
        }
    }

    fn alive(&self) -> Vec<NodeId> {
        self.ids
            .iter()
            .copied()
            .filter(|id| matches!(self.nodes.get(id), Some(Some(_))))
            .collect()
    }

    fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter_map(|(&id, n)| n.as_ref().map(|n| (id, n)))
            .filter(|(_, n)| n.role_kind() == RoleKind::Leader)
            .max_by_key(|(_, n)| n.current_term())
            .map(|(id, _)| id)
    }

    fn crash(&mut self, id: NodeId) {
        if let Some(slot) = self.nodes.get_mut(&id) {
            *slot = None;
            self.emit(EventKind::Crash { node: id });
        }
    }

    fn restart(&mut self, id: NodeId) {
        self.incarnation += 1;
        let rng = Rng::derive(self.seed, "node", id + 100 * self.incarnation);
        let disk = self.disk.get(&id).cloned().unwrap_or_default();
        let node = Node::restart(
            id,
            self.ids.clone(),
            self.config.clone(),
            self.bugs,
            rng,
            disk,
            self.now,
        );
        self.nodes.insert(id, Some(node));
        self.emit(EventKind::Restart { node: id });
    }

    /// One millisecond of the world.
    fn step(&mut self, faults: bool) {
        self.now += MS;
        while let Some((&(at, key), _)) = self.queue.first_key_value() {
            if at > self.now {
                break;
            }
            let Some(msg) = self.queue.remove(&(at, key)) else {
                break;
            };
            if !self.linked(msg.from, msg.to) {
                continue;
            }
            let to = msg.to;
            if let Some(Some(node)) = self.nodes.get_mut(&to) {
                node.step(self.now, msg);
                self.drain(to);
            }
        }
        for id in self.ids.clone() {
            if let Some(Some(node)) = self.nodes.get_mut(&id) {
                node.tick(self.now);
                self.drain(id);
            }
        }
        if faults {
            let alive = self.alive();
            if self.rng.chance(0.002) && alive.len() * 2 > self.ids.len() + 1 {
                let victim = alive[self.rng.range(0, alive.len() as u64) as usize];
                self.crash(victim);
            }
            let down: Vec<NodeId> = self
                .ids
                .iter()
                .copied()
                .filter(|id| !alive.contains(id))
                .collect();
            if !down.is_empty() && self.rng.chance(0.004) {
                let back = down[self.rng.range(0, down.len() as u64) as usize];
                self.restart(back);
                self.drain(back);
            }
            if self.rng.chance(0.001) {
                self.isolated = self
                    .ids
                    .iter()
                    .copied()
                    .filter(|_| self.rng.chance(0.3))
                    .collect();
            }
            if self.rng.chance(0.002) {
                self.isolated.clear();
            }
            if self.rng.chance(0.002) {
                let id = self.ids[self.rng.range(0, self.ids.len() as u64) as usize];
                if let Some(Some(node)) = self.nodes.get_mut(&id) {
                    node.force_timeout(self.now);
                    self.emit(EventKind::ForceTimeout { node: id });
                    self.drain(id);
                }
            }
        }
        self.clients_act();
    }

    /// Each client keeps one request outstanding; it resends it to the current
    /// leader after 500 ms without an answer.
    fn clients_act(&mut self) {
        let Some(leader) = self.leader() else { return };
        for c in 1..=3u64 {
            let Some(cl) = self.clients.get(&c) else {
                continue;
            };
            let due = cl.sent.is_none_or(|t| self.now >= t + 500 * MS);
            if !due || !self.rng.chance(0.05) {
                continue;
            }
            let seq = cl.seq;
            let op = Op::Put {
                key: format!("k{}", seq % 4),
                value: format!("c{c}s{seq}"),
            };
            if let Some(cl) = self.clients.get_mut(&c) {
                cl.sent = Some(self.now);
            }
            self.emit(EventKind::ClientInvoke {
                client: c,
                seq,
                op: op.clone(),
                to: leader,
            });
            if let Some(Some(node)) = self.nodes.get_mut(&leader) {
                let _ = node.propose(self.now, Command { client: c, seq, op });
                self.drain(leader);
            }
        }
    }

    /// `chaos_ms` of faults, then everything healed and `calm_ms` without faults.
    fn run(&mut self, chaos_ms: u64, calm_ms: u64) {
        for _ in 0..chaos_ms {
            self.step(true);
        }
        self.isolated.clear();
        self.emit(EventKind::Heal);
        let down: Vec<NodeId> = self
            .ids
            .iter()
            .copied()
            .filter(|id| !self.alive().contains(id))
            .collect();
        for id in down {
            self.restart(id);
            self.drain(id);
        }
        self.watch.set_final_heal(self.now);
        for _ in 0..calm_ms {
            self.step(false);
        }
        let found = self.checker.flush();
        self.found.extend(found);
    }
}

fn properties(found: &[Violation]) -> BTreeSet<Property> {
    found.iter().map(|v| v.property).collect()
}

#[test]
fn correct_raft_is_never_flagged_and_stays_live() {
    let mut total_committed = 0;
    for seed in 0..12 {
        let mut m = Mini::new(seed, 5, Bugs::none());
        m.run(12_000, 5_000);
        assert!(
            m.found.is_empty(),
            "seed {seed}: false positive(s): {:#?}",
            m.found
        );
        assert_eq!(m.checker.violations().len(), 0);
        let live = m.watch.finish(m.now, 3_000 * MS);
        assert!(live.is_empty(), "seed {seed}: {live:#?}");
        assert!(
            m.checker.committed_len() >= 20,
            "seed {seed}: only {} committed",
            m.checker.committed_len()
        );
        total_committed += m.checker.committed_len();
    }
    assert!(total_committed > 0);
}

#[test]
fn correct_raft_is_never_flagged_whatever_the_order_within_a_ready() {
    for seed in 20..26 {
        let mut m = Mini::new(seed, 5, Bugs::none());
        m.events_first = true;
        m.run(12_000, 3_000);
        assert!(
            m.found.is_empty(),
            "seed {seed}: false positive(s): {:#?}",
            m.found
        );
        assert!(m.checker.committed_len() >= 20, "seed {seed}");
    }
}

#[test]
fn three_node_cluster_correct_raft() {
    for seed in 100..106 {
        let mut m = Mini::new(seed, 3, Bugs::none());
        m.run(8_000, 4_000);
        assert!(
            m.found.is_empty(),
            "seed {seed}: false positive(s): {:#?}",
            m.found
        );
        assert!(m.watch.finish(m.now, 3_000 * MS).is_empty(), "seed {seed}");
    }
}

/// Runs `seeds` with `bug` on and returns the properties caught over all of them.
fn caught(bug: Bug, seeds: std::ops::Range<u64>) -> BTreeSet<Property> {
    let mut all = BTreeSet::new();
    for seed in seeds {
        // One entry per AppendEntries: more interleavings where it matters (Figure 8).
        let config = Config {
            max_entries_per_append: 1,
            ..Config::default()
        };
        let mut m = Mini::with_config(seed, 5, Bugs::none().with(bug), config);
        m.run(12_000, 3_000);
        for v in &m.found {
            assert!(!v.explanation.is_empty());
            assert!(
                v.nodes.windows(2).all(|w| w[0] < w[1]),
                "nodes in id order: {v:?}"
            );
        }
        all.extend(properties(&m.found));
    }
    eprintln!("{}: {all:?}", bug.name());
    all
}

/// The toggles that random runs of this core trigger; each is caught by what the
/// reference table names (or by a more direct property: a forgotten vote is seen as
/// the second vote itself). `commit-old-term` needs the Figure 8 schedule (see the
/// scripted test below); `commit-without-min` and `ignore-higher-term-reply` need
/// schedules these random runs do not produce.
#[test]
fn broken_rules_are_caught_in_random_runs() {
    let forget = caught(Bug::ForgetVote, 0..100);
    assert!(forget.contains(&Property::OneVotePerTerm), "{forget:?}");
    let no_log_check = caught(Bug::VoteWithoutLogCheck, 0..20);
    assert!(
        no_log_check.contains(&Property::LeaderCompleteness),
        "{no_log_check:?}"
    );
    assert!(
        no_log_check.contains(&Property::StateMachineSafety),
        "{no_log_check:?}"
    );
    let truncate = caught(Bug::TruncateMatching, 0..20);
    assert!(
        truncate.contains(&Property::CommittedEntriesStable),
        "{truncate:?}"
    );
    assert!(
        truncate.contains(&Property::StateMachineSafety),
        "{truncate:?}"
    );
}

// ----- Figure 8, scripted ----------------------------------------------------------------------

/// Manual mode: messages wait in an outbox until delivered by hand; no timers.
struct Script {
    m: Mini,
    outbox: Vec<Message>,
}

impl Script {
    fn new(bugs: Bugs) -> Self {
        let config = Config {
            max_entries_per_append: 1,
            ..Config::default()
        };
        let mut m = Mini::with_config(1, 5, bugs, config);
        m.manual = true;
        Script {
            m,
            outbox: Vec::new(),
        }
    }

    fn collect(&mut self) {
        self.outbox.append(&mut self.m.outbox);
    }

    fn timeout(&mut self, id: NodeId) {
        self.m.now += MS;
        if let Some(Some(node)) = self.m.nodes.get_mut(&id) {
            node.force_timeout(self.m.now);
        }
        self.m.drain(id);
        self.collect();
    }

    /// Delivers (and keeps delivering what follows) every message between members
    /// of `group` that `kinds` accepts; the rest stays in the outbox.
    fn pump(&mut self, group: &[NodeId], kinds: fn(&Message) -> bool) {
        while let Some(i) = self
            .outbox
            .iter()
            .position(|m| group.contains(&m.from) && group.contains(&m.to) && kinds(m))
        {
            let msg = self.outbox.remove(i);
            self.m.now += MS;
            let to = msg.to;
            if let Some(Some(node)) = self.m.nodes.get_mut(&to) {
                node.step(self.m.now, msg);
                self.m.drain(to);
            }
            self.collect();
        }
    }

    fn deliver_one(&mut self, which: fn(&Message) -> bool) {
        if let Some(i) = self.outbox.iter().position(which) {
            let msg = self.outbox.remove(i);
            self.m.now += MS;
            let to = msg.to;
            if let Some(Some(node)) = self.m.nodes.get_mut(&to) {
                node.step(self.m.now, msg);
                self.m.drain(to);
            }
            self.collect();
        }
    }

    fn drop_all(&mut self) {
        self.outbox.clear();
    }

    fn crash(&mut self, id: NodeId) {
        self.m.now += MS;
        self.m.crash(id);
        self.outbox.retain(|m| m.from != id);
    }

    fn restart(&mut self, id: NodeId) {
        self.m.now += MS;
        self.m.restart(id);
        self.m.drain(id);
        self.collect();
    }

    fn propose(&mut self, id: NodeId, client: u64, seq: u64) {
        self.m.now += MS;
        let op = Op::Put {
            key: "x".into(),
            value: format!("c{client}s{seq}"),
        };
        self.m.emit(EventKind::ClientInvoke {
            client,
            seq,
            op: op.clone(),
            to: id,
        });
        if let Some(Some(node)) = self.m.nodes.get_mut(&id) {
            node.propose(self.m.now, Command { client, seq, op })
                .expect("the leader accepts");
        }
        self.m.drain(id);
        self.collect();
    }

    fn role(&self, id: NodeId) -> Option<(RoleKind, u64)> {
        self.m
            .nodes
            .get(&id)?
            .as_ref()
            .map(|n| (n.role_kind(), n.current_term()))
    }
}

fn any(_: &Message) -> bool {
    true
}

fn votes(m: &Message) -> bool {
    matches!(
        m.body,
        MessageBody::RequestVote { .. } | MessageBody::RequestVoteReply { .. }
    )
}

/// Figure 8 with the paper's servers S1..S5 (terms shifted by one: our leaders
/// start with a no-op). Returns the checker's findings.
fn figure_8(bugs: Bugs) -> Vec<Violation> {
    let mut s = Script::new(bugs);
    let all = [1, 2, 3, 4, 5];
    // S1 leads term 1; its no-op commits everywhere.
    s.timeout(1);
    s.pump(&all, any);
    assert_eq!(s.role(1), Some((RoleKind::Leader, 1)));
    // (a) S1 replicates client 1's write (index 2, term 1) to S2 only.
    s.propose(1, 1, 1);
    s.pump(&[1, 2], any);
    s.drop_all();
    // (b) S1 crashes; S5 wins term 2 with S3 and S4 and appends index 2 (term 2), alone.
    s.crash(1);
    s.timeout(5);
    s.pump(&[3, 4, 5], votes);
    assert_eq!(s.role(5), Some((RoleKind::Leader, 2)));
    s.drop_all();
    s.crash(5);
    // (c) S1 is back and wins term 3 (S2, S3, S4); it copies index 2 to S3: on a majority.
    s.restart(1);
    s.timeout(1);
    s.pump(&[1, 2, 3, 4], votes);
    s.timeout(1);
    s.pump(&[1, 2, 3, 4], votes);
    assert_eq!(s.role(1), Some((RoleKind::Leader, 3)));
    s.pump(&[1, 2], any);
    // S3 lacks index 2: it rejects the probe, then takes index 2 (term 1) alone,
    // but never the term-3 no-op after it.
    s.deliver_one(|m| m.to == 3);
    s.pump(&[1, 3], |m| {
        !matches!(&m.body, MessageBody::AppendEntries { entries, .. } if entries.iter().any(|e| e.term == 3))
    });
    s.drop_all();
    // (d) S1 crashes; S5 wins term 4 (S3, S4) and overwrites index 2 everywhere.
    s.crash(1);
    s.restart(5);
    s.timeout(5);
    s.pump(&[2, 3, 4, 5], votes);
    s.timeout(5);
    s.pump(&[2, 3, 4, 5], votes);
    assert_eq!(s.role(5), Some((RoleKind::Leader, 4)));
    s.pump(&[2, 3, 4, 5], any);
    let found = s.m.checker.flush();
    s.m.found.extend(found);
    assert!(s.m.checker.committed_len() >= 3);
    s.m.found
}

#[test]
fn figure_8_commit_old_term_is_caught() {
    let found = figure_8(Bugs::none().with(Bug::CommitOldTerm));
    let caught = properties(&found);
    for p in [
        Property::LeaderCompleteness,
        Property::CommittedEntriesStable,
        Property::AckedWritesDurable,
        Property::StateMachineSafety,
    ] {
        assert!(caught.contains(&p), "{p:?} not caught: {found:#?}");
    }
    let acked = found
        .iter()
        .find(|v| v.property == Property::AckedWritesDurable)
        .expect("acked");
    assert_eq!(acked.index, Some(2));
    let lc = found
        .iter()
        .find(|v| v.property == Property::LeaderCompleteness)
        .expect("lc");
    assert_eq!(
        (lc.nodes.as_slice(), lc.index, lc.term),
        (&[5][..], Some(2), Some(4))
    );
}

#[test]
fn figure_8_correct_raft_is_silent() {
    // Without the toggle S1 never commits index 2 in (c): S5 overwriting it is legal.
    let found = figure_8(Bugs::none());
    assert!(found.is_empty(), "{found:#?}");
}
