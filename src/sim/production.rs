//! The production features a run turns on (PreVote, CheckQuorum) and the
//! seed's faults the swarm may add for them (GC pauses, clock drift,
//! leadership transfers).
//!
//! Everything here is drawn from its own random stream (`"swarm-production"`),
//! never from the swarm's: a swarm seed without production features draws
//! exactly what it drew before they existed (tests/swarm.rs relies on it).

use crate::raft::{Config as RaftConfig, NodeId, ReadMode, Time};
use crate::rng::Rng;
use crate::sim::action::{Action, TimedAction};
use crate::sim::config::MS;
use crate::sim::membership_draw;

/// Which production switches are on, and which production faults a swarm draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Production {
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// Pause nodes (GC stop-the-world) and resume them later.
    pub pauses: bool,
    /// Give nodes clock rates between 0.5× and 2×.
    pub drift: bool,
    /// Ask the leader to hand its leadership to a node now and then.
    pub transfers: bool,
    /// How leaders answer reads (§6.4): the log (default), ReadIndex, lease.
    pub reads: ReadMode,
    /// Lease reads: the clock drift bound in thousandths (`None`: the
    /// default, 1100). Drift draws go up to 4× apart (500‰ to 2000‰).
    pub drift_bound: Option<u64>,
    /// Log compaction, swarm: a snapshot threshold drawn from the seed
    /// ([`Production::snapshot_threshold`]) unless `snapshot_every` fixes one.
    pub snapshots: bool,
    /// Log compaction at this many applied entries (0 = not fixed).
    pub snapshot_every: u64,
    /// Membership changes: some seeds start with fewer members than nodes,
    /// and the leader is asked to add or remove a server now and then
    /// (drawn from their own stream, see [`crate::sim::membership_draw`]).
    pub membership: bool,
}

impl Production {
    /// Every switch and every fault.
    pub fn all() -> Production {
        Production {
            pre_vote: true,
            check_quorum: true,
            pauses: true,
            drift: true,
            transfers: true,
            reads: ReadMode::Log,
            drift_bound: None,
            snapshots: true,
            snapshot_every: 0,
            // Not yet: with log compaction, a configuration entry compacted
            // away is lost (a snapshot records the cluster, not the
            // configuration in force), and `--membership --snapshots` sweeps
            // break Committed-by-majority and Leader Completeness.
            membership: false,
        }
    }

    pub fn is_off(&self) -> bool {
        *self == Production::default()
    }

    /// Turns the switches on in `raft` (never off: a config may have them on).
    pub fn apply(&self, raft: &mut RaftConfig) {
        raft.pre_vote |= self.pre_vote;
        raft.check_quorum |= self.check_quorum;
        if !self.reads.is_log() {
            raft.read_mode = self.reads;
        }
        if let Some(bound) = self.drift_bound {
            raft.clock_drift_bound = bound;
        }
        if self.snapshot_every > 0 {
            raft.snapshot_threshold = self.snapshot_every;
        }
    }

    /// The snapshot threshold a swarm seed runs with: `snapshot_every` if set;
    /// with `snapshots`, one drawn from the seed's own stream
    /// (`"swarm-snapshots"`), from a snapshot every 2 entries (followers get
    /// InstallSnapshot all the time) to every 200; else 0 (off).
    pub fn snapshot_threshold(&self, seed: u64) -> u64 {
        if self.snapshot_every > 0 {
            self.snapshot_every
        } else if self.snapshots {
            let mut rng = Rng::derive(seed, "swarm-snapshots", 0);
            let thresholds = [2, 3, 5, 10, 20, 50, 200];
            thresholds[rng.range(0, thresholds.len() as u64) as usize]
        } else {
            0
        }
    }

    /// The initial configuration of `seed` with `membership` on (empty, i.e.
    /// every node, otherwise or when the seed starts with every node).
    pub fn initial_members(&self, seed: u64, nodes: usize) -> Vec<NodeId> {
        if self.membership {
            membership_draw::initial_members(seed, nodes)
        } else {
            Vec::new()
        }
    }

    /// The production faults of `seed` in `[0, heal_at)`, then at `heal_at`
    /// every node resumed and back at the true clock rate (liveness is judged
    /// with true clocks). In time order.
    pub fn draw_schedule(&self, seed: u64, nodes: usize, heal_at: Time) -> Vec<TimedAction> {
        let mut rng = Rng::derive(seed, "swarm-production", 0);
        let ids: Vec<NodeId> = (1..=nodes as NodeId).collect();
        let pick = |rng: &mut Rng| ids[rng.range(0, ids.len() as u64) as usize];
        let mut actions = Vec::new();
        let mut push = |time: Time, action: Action| {
            if time < heal_at {
                actions.push(TimedAction { time, action });
            }
        };
        if self.pauses && heal_at > 0 {
            // Stop-the-world pauses: from a few ms to longer than an election.
            let mean_gap = rng.range(200, 2001) * MS;
            let longest = rng.range(50, 1501) * MS;
            let mut t = rng.range(0, mean_gap + 1);
            while t < heal_at {
                let node = pick(&mut rng);
                push(t, Action::Pause { node });
                push(t + rng.range(MS, longest + 1), Action::Resume { node });
                t += rng.range(mean_gap / 2, mean_gap * 3 / 2 + 1);
            }
        }
        if self.drift && heal_at > 0 {
            for &node in &ids {
                if rng.chance(0.5) {
                    let at = rng.range(0, heal_at);
                    let permille = rng.range(500, 2001);
                    push(at, Action::SetClockRate { node, permille });
                }
            }
        }
        if self.transfers && heal_at > 0 {
            let mean_gap = rng.range(300, 3001) * MS;
            let mut t = rng.range(0, mean_gap + 1);
            while t < heal_at {
                push(t, Action::Transfer { to: pick(&mut rng) });
                t += rng.range(mean_gap / 2, mean_gap * 3 / 2 + 1);
            }
        }
        if self.membership {
            // Last, and from its own stream: the draws above do not move.
            let initial = self.initial_members(seed, nodes);
            for (time, action) in membership_draw::changes(seed, nodes, &initial, heal_at) {
                push(time, action);
            }
        }
        // Resumes were drawn ahead of later pauses: time order (stable).
        actions.sort_by_key(|a| a.time);
        for &node in &ids {
            if self.pauses {
                actions.push(TimedAction {
                    time: heal_at,
                    action: Action::Resume { node },
                });
            }
            if self.drift {
                actions.push(TimedAction {
                    time: heal_at,
                    action: Action::SetClockRate {
                        node,
                        permille: 1000,
                    },
                });
            }
        }
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::SECOND;

    #[test]
    fn nothing_is_drawn_when_off_and_the_draw_is_a_function_of_the_seed() {
        assert!(
            Production::default()
                .draw_schedule(3, 5, 6 * SECOND)
                .is_empty()
        );
        let all = Production::all();
        let a = all.draw_schedule(3, 5, 6 * SECOND);
        assert_eq!(a, all.draw_schedule(3, 5, 6 * SECOND));
        assert!(a.windows(2).all(|w| w[0].time <= w[1].time));
        assert!(a.iter().any(|t| matches!(t.action, Action::Pause { .. })));
    }
}
