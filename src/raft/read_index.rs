//! Reads that do not go through the log (dissertation §6.4): the read mode, and
//! the leader's book of confirmation rounds and waiting reads.
//!
//! - **ReadIndex**: the leader takes its commit index as the read's *read
//!   index* (once an entry of its own term, the no-op, is committed), confirms
//!   it still leads with a round of `ReadHeartbeat`s that a majority answers
//!   (sent after the read arrived), waits until it has applied up to the read
//!   index, then answers from its state machine.
//! - **Lease**: a round a majority answered, sent at `start`, gives the leader a
//!   lease until `start` + the minimum election timeout divided by the clock
//!   drift bound (by its own clock): no other leader can be elected before then
//!   as long as every voter heard from it and clocks drift less than the bound
//!   (leader stickiness, see `Config::leader_stickiness`). Within its lease it
//!   skips the round. With more drift than the bound a lease read can be stale.
//!
//! Pure bookkeeping: the node (`node/reads.rs`) sends the rounds and answers.

use super::types::{LogIndex, NodeId, Time};
use crate::kv::Command;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a leader answers a `get`. Serialised by its [`ReadMode::name`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadMode {
    /// A `get` is a log entry like a write (linearizable, one round of
    /// replication per read). Today's behaviour, the default.
    #[default]
    #[serde(rename = "log")]
    Log,
    /// ReadIndex (§6.4): no log entry; a heartbeat round per read.
    #[serde(rename = "read-index")]
    ReadIndex,
    /// Lease reads (§6.4.1): no round while the lease holds. Safe only while
    /// clocks drift less than `Config::clock_drift_bound`.
    #[serde(rename = "lease")]
    Lease,
}

impl ReadMode {
    pub const ALL: [ReadMode; 3] = [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease];

    /// The name the CLI, links, the page and the console use.
    pub fn name(self) -> &'static str {
        match self {
            ReadMode::Log => "log",
            ReadMode::ReadIndex => "read-index",
            ReadMode::Lease => "lease",
        }
    }

    /// The mode named `name`, or an error that lists the names.
    pub fn parse(name: &str) -> Result<ReadMode, String> {
        ReadMode::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| format!("unknown read mode '{name}'; known: log, read-index, lease"))
    }

    /// The mode's number in links (`read-mode` setting): 0, 1, 2.
    pub fn code(self) -> u64 {
        self as u64
    }

    pub fn from_code(code: u64) -> Option<ReadMode> {
        ReadMode::ALL.get(code as usize).copied()
    }

    pub fn is_log(&self) -> bool {
        *self == ReadMode::Log
    }
}

/// A read the leader can answer now: leadership confirmed and the state
/// machine applied up to `read_index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadyRead {
    pub command: Command,
    pub read_index: LogIndex,
    /// Confirmed by the lease (no round) rather than by a round.
    pub lease: bool,
}

/// A read waiting at the leader.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PendingRead {
    command: Command,
    /// The round whose majority confirms this read (the first sent after it
    /// arrived); 0 once confirmed by the lease.
    round: u64,
    /// The commit index once the leader has committed an entry of its term.
    read_index: Option<LogIndex>,
    lease: bool,
}

/// The leader's reads: rounds sent, who answered them, reads waiting. Lives in
/// `Role::Leader`: everything here ends with the leadership.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOnly {
    /// The last round sent (rounds are 1, 2, … within one leadership).
    last_round: u64,
    /// When each round above `confirmed` was sent, oldest first.
    unconfirmed: Vec<(u64, Time)>,
    /// Per peer: the highest round it answered.
    answered: BTreeMap<NodeId, u64>,
    /// The highest round a majority answered, and when it was sent (the lease
    /// starts there). Invariant: never moves backwards.
    confirmed: Option<(u64, Time)>,
    /// No lease for the rest of this leadership: a transfer began, and its
    /// target may be elected without waiting for stickiness to run out.
    lease_revoked: bool,
    /// In arrival order.
    pending: Vec<PendingRead>,
}

impl ReadOnly {
    /// Starts round `last_round + 1` at `now`; returns its number. In a
    /// one-node cluster it is confirmed at once.
    pub fn start_round(&mut self, now: Time, cluster: usize) -> u64 {
        self.last_round += 1;
        self.unconfirmed.push((self.last_round, now));
        self.recount(cluster);
        self.last_round
    }

    /// A round sent at exactly `now`, if any (several reads share it).
    pub fn round_sent_at(&self, now: Time) -> Option<u64> {
        self.unconfirmed
            .last()
            .filter(|&&(_, at)| at == now)
            .map(|&(round, _)| round)
    }

    /// Peer `from` answered `round`. Returns whether a new round is confirmed.
    pub fn answer(&mut self, from: NodeId, round: u64, cluster: usize) -> bool {
        if round > self.last_round {
            return false; // not ours (cannot happen within one term)
        }
        let best = self.answered.entry(from).or_insert(0);
        *best = (*best).max(round);
        self.recount(cluster)
    }

    /// Confirms the highest round a majority (the leader counts itself for
    /// every round it sent) answered: a peer that answered round r answered
    /// after every earlier round was sent, so it counts for those too.
    fn recount(&mut self, cluster: usize) -> bool {
        let mut rounds: Vec<u64> = self.answered.values().copied().collect();
        rounds.push(self.last_round);
        rounds.sort_unstable_by(|a, b| b.cmp(a));
        let majority = cluster / 2 + 1;
        let Some(&round) = rounds.get(majority - 1) else {
            return false;
        };
        if round == 0 || self.confirmed.is_some_and(|(r, _)| r >= round) {
            return false;
        }
        let sent_at = self
            .unconfirmed
            .iter()
            .find(|&&(r, _)| r == round)
            .map(|&(_, at)| at)
            .expect("an unconfirmed round above the confirmed one");
        self.unconfirmed.retain(|&(r, _)| r > round);
        self.confirmed = Some((round, sent_at));
        true
    }

    /// When the lease ends (real time), given its length in real time by the
    /// leader's clock; `None` without a confirmed round or once revoked.
    pub fn lease_end(&self, lease: Time) -> Option<Time> {
        if self.lease_revoked {
            return None;
        }
        self.confirmed.map(|(_, start)| start + lease)
    }

    pub fn revoke_lease(&mut self) {
        self.lease_revoked = true;
    }

    /// Queues a read. `round`: the round that confirms it, or `None` when the
    /// lease already does.
    pub fn add(&mut self, command: Command, round: Option<u64>) {
        self.pending.push(PendingRead {
            command,
            round: round.unwrap_or(0),
            read_index: None,
            lease: round.is_none(),
        });
    }

    /// Whether some read still waits for its round (the heartbeat then sends a
    /// new one, in case the last was lost).
    pub fn awaits_round(&self) -> bool {
        let confirmed = self.confirmed.map_or(0, |(r, _)| r);
        self.pending.iter().any(|p| p.round > confirmed)
    }

    /// Takes the reads that can be answered now. `commit`: the commit index,
    /// if the leader has committed an entry of its term (else reads get no
    /// read index yet); `applied`: how far its state machine is.
    pub fn release(&mut self, commit: Option<LogIndex>, applied: LogIndex) -> Vec<ReadyRead> {
        let confirmed = self.confirmed.map_or(0, |(r, _)| r);
        let mut ready = Vec::new();
        let mut waiting = Vec::new();
        for mut p in std::mem::take(&mut self.pending) {
            if p.read_index.is_none() {
                p.read_index = commit;
            }
            match p.read_index {
                Some(index) if p.round <= confirmed && applied >= index => ready.push(ReadyRead {
                    command: p.command,
                    read_index: index,
                    lease: p.lease,
                }),
                _ => waiting.push(p),
            }
        }
        self.pending = waiting;
        ready
    }

    /// Reads waiting, for the view.
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::Op;

    fn get(seq: u64) -> Command {
        Command {
            client: 1,
            seq,
            op: Op::Get { key: "k".into() },
        }
    }

    #[test]
    fn a_round_is_confirmed_by_a_majority_and_counts_for_earlier_rounds() {
        let mut r = ReadOnly::default();
        assert_eq!(r.start_round(10, 5), 1);
        assert_eq!(r.start_round(20, 5), 2);
        r.add(get(1), Some(1));
        assert!(!r.answer(2, 2, 5), "two of five");
        assert!(r.release(Some(3), 3).is_empty());
        assert!(r.answer(3, 2, 5), "three of five answered round 2");
        assert_eq!(
            r.lease_end(100),
            Some(120),
            "the lease starts at round 2's send"
        );
        let ready = r.release(Some(3), 3);
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].read_index, 3);
        assert!(!r.answer(4, 1, 5), "an older round confirms nothing new");
    }

    #[test]
    fn a_read_waits_for_the_term_commit_and_for_apply() {
        let mut r = ReadOnly::default();
        r.add(get(1), None);
        assert!(
            r.release(None, 5).is_empty(),
            "no entry of the term committed"
        );
        assert!(r.release(Some(7), 6).is_empty(), "read index 7, applied 6");
        assert_eq!(r.release(Some(9), 7)[0].read_index, 7, "index fixed once");
    }

    #[test]
    fn a_one_node_cluster_confirms_at_once_and_a_revoked_lease_is_gone() {
        let mut r = ReadOnly::default();
        r.start_round(5, 1);
        assert_eq!(r.lease_end(10), Some(15));
        r.revoke_lease();
        assert_eq!(r.lease_end(10), None);
    }

    #[test]
    fn modes_round_trip_by_name_and_code() {
        for m in ReadMode::ALL {
            assert_eq!(ReadMode::parse(m.name()), Ok(m));
            assert_eq!(ReadMode::from_code(m.code()), Some(m));
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.name()));
        }
        assert!(ReadMode::parse("fast").is_err());
    }
}
