//! Tunables of a node. Times are in the caller's unit (the simulator: microseconds).

use super::read_index::ReadMode;
use super::types::Time;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Election timeouts are drawn uniformly from `[election_timeout_min, election_timeout_max)`,
    /// afresh each time the timer is reset, so that split votes resolve.
    pub election_timeout_min: Time,
    pub election_timeout_max: Time,
    /// How often a leader sends AppendEntries when it has nothing new: must be well
    /// below `election_timeout_min` or followers start needless elections.
    pub heartbeat_interval: Time,
    /// At most this many entries in one AppendEntries (at least 1).
    pub max_entries_per_append: usize,
    /// PreVote (dissertation §9.6): a node whose election timer fires first asks
    /// its peers whether they would vote for it in the next term, and raises its
    /// term only once a majority would. Off by default.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pre_vote: bool,
    /// CheckQuorum (§6.2): a leader that has not heard from a majority within an
    /// election timeout steps down; and a follower that heard from its leader
    /// within the minimum election timeout ignores RequestVote (leader
    /// stickiness, §4.2.3), unless the election was started by a leadership
    /// transfer. Off by default.
    #[serde(default, skip_serializing_if = "is_false")]
    pub check_quorum: bool,
    /// How the leader answers reads (§6.4): through the log (the default),
    /// ReadIndex, or lease reads. Lease reads turn leader stickiness on.
    #[serde(default, skip_serializing_if = "ReadMode::is_log")]
    pub read_mode: ReadMode,
    /// Lease reads: how much faster than another any node's clock may run, in
    /// thousandths (1100 = 10 % drift). The lease lasts the minimum election
    /// timeout divided by this ratio.
    #[serde(
        default = "default_clock_drift_bound",
        skip_serializing_if = "is_default_clock_drift_bound"
    )]
    pub clock_drift_bound: u64,
    /// Log compaction (ch. 5): a node snapshots its state machine and drops its
    /// log prefix once this many applied entries follow its last snapshot; a
    /// leader sends the snapshot to a follower that needs a dropped entry.
    /// 0 = off (the default).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub snapshot_threshold: u64,
}

/// 10 %: the lease is 1/1.1 of the minimum election timeout.
pub const DEFAULT_CLOCK_DRIFT_BOUND: u64 = 1100;

fn default_clock_drift_bound() -> u64 {
    DEFAULT_CLOCK_DRIFT_BOUND
}

fn is_default_clock_drift_bound(bound: &u64) -> bool {
    *bound == DEFAULT_CLOCK_DRIFT_BOUND
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Default for Config {
    fn default() -> Self {
        Config {
            election_timeout_min: 150_000,
            election_timeout_max: 300_000,
            heartbeat_interval: 50_000,
            max_entries_per_append: 64,
            pre_vote: false,
            check_quorum: false,
            read_mode: ReadMode::Log,
            clock_drift_bound: DEFAULT_CLOCK_DRIFT_BOUND,
            snapshot_threshold: 0,
        }
    }
}

impl Config {
    /// Checks the relations the algorithm depends on.
    pub fn validate(&self) -> Result<(), String> {
        if self.election_timeout_min == 0 || self.election_timeout_max <= self.election_timeout_min
        {
            return Err(format!(
                "election timeout range must be non-empty and positive (got {}..{})",
                self.election_timeout_min, self.election_timeout_max
            ));
        }
        if self.heartbeat_interval == 0 || self.heartbeat_interval >= self.election_timeout_min {
            return Err(format!(
                "heartbeat interval ({}) must be positive and below the minimum election timeout ({})",
                self.heartbeat_interval, self.election_timeout_min
            ));
        }
        if self.max_entries_per_append == 0 {
            return Err("max entries per AppendEntries must be at least 1".into());
        }
        if !(1000..=10_000).contains(&self.clock_drift_bound) {
            return Err(format!(
                "the clock drift bound must be between 1000 and 10000 thousandths (got {})",
                self.clock_drift_bound
            ));
        }
        Ok(())
    }

    /// Leader stickiness (§4.2.3): a follower that heard from its leader within
    /// the minimum election timeout ignores RequestVote. CheckQuorum turns it
    /// on, and so do lease reads, whose safety rests on it.
    pub fn leader_stickiness(&self) -> bool {
        self.check_quorum || self.read_mode == ReadMode::Lease
    }

    /// How long a lease lasts from the send time of its round, by the leader's
    /// clock: the minimum election timeout over the clock drift bound.
    pub fn lease_duration(&self) -> Time {
        self.election_timeout_min * 1000 / self.clock_drift_bound.max(1000)
    }
}
