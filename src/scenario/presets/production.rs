//! The gallery's production presets: what PreVote, CheckQuorum, leadership
//! transfer, membership change, log compaction, pauses and reads off the log
//! change in a run (`tests/production_presets.rs` checks every phase caption).

use super::{Phase, Preset, lively, phase, put, scenario, scripted};
use crate::kv::Op;
use crate::raft::ReadMode;
use crate::sim::{Action, Feature, MS, SECOND};

pub const REJOIN_DISRUPTS: &str = "rejoin-disrupts";
pub const CHECKQUORUM_DEPOSES: &str = "checkquorum-deposes";
pub const LEADERSHIP_TRANSFER: &str = "leadership-transfer";
pub const ADD_REMOVE_SERVER: &str = "add-remove-server";
pub const SNAPSHOT_CATCH_UP: &str = "snapshot-catch-up";
pub const GC_PAUSED_LEADER: &str = "gc-paused-leader";
pub const LEASE_READ_STALE: &str = "lease-read-stale";
pub const READ_INDEX_SAFE: &str = "read-index-safe";

/// Every production preset, in gallery order.
pub fn all() -> Vec<Preset> {
    vec![
        rejoin_disrupts(),
        checkquorum_deposes(),
        leadership_transfer(),
        add_remove_server(),
        snapshot_catch_up(),
        gc_paused_leader(),
        drifted_read(ReadMode::Lease),
        drifted_read(ReadMode::ReadIndex),
    ]
}

fn preset(
    id: &'static str,
    title: &'static str,
    caption: &'static str,
    duration: crate::raft::Time,
    phases: Vec<Phase>,
    scenario: super::Scenario,
) -> Preset {
    Preset {
        id,
        title,
        caption,
        duration,
        phases,
        scenario,
    }
}

// ----- PreVote ------------------------------------------------------------------

fn rejoin_disrupts() -> Preset {
    let title = "A rejoining node disrupts the leader, unless PreVote";
    let caption = "Without PreVote, a node cut off from the others keeps timing out and raising its term, and when it comes back its higher term deposes a healthy leader for nothing. S5 is cut off at 0.3 s and stands for terms 2 to 5 alone while S1 leads term 1 and commits x=1. When the network heals (1.3 s), S5's answer to S1's heartbeat carries term 5: S1 steps down. S5 cannot win (its log lacks x=1) and S3 wins term 7. Then PreVote is turned on and S5 is cut off again: now it only asks whether the others would vote for it, hears nothing, and its term stays 7. When it rejoins at 3.1 s, S3 goes on leading term 7: no election at all.";
    let mut s = scenario(title, caption, lively(5, 11))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(
            300 * MS,
            Action::Partition {
                groups: vec![vec![1, 2, 3, 4], vec![5]],
            },
        )
        .at(400 * MS, put("x", "1", Some(1)))
        .at(1300 * MS, Action::Heal)
        .at(
            2 * SECOND,
            Action::SetFeature {
                feature: Feature::PreVote,
                on: true,
            },
        )
        .at(
            2100 * MS,
            Action::Partition {
                groups: vec![vec![1, 2, 3, 4], vec![5]],
            },
        )
        .at(2200 * MS, put("y", "2", None))
        .at(3100 * MS, Action::Heal);
    s.view.selected = Some(5);
    let phases = vec![
        phase(
            "cut off",
            0,
            "S1 wins term 1 (68 ms). S5 is cut off at 0.3 s; x=1 commits on the other four (437 ms). Alone, S5 times out again and again, standing for terms 2, 3, 4 and 5.",
        ),
        phase(
            "rejoin",
            1300 * MS,
            "The network heals: S5 answers S1's heartbeat with term 5 and S1 steps down (1.34 s). S5 stands for term 6, but its log lacks x=1 and everyone refuses; S3 wins term 7 (1.53 s). A healthy leader was deposed for nothing.",
        ),
        phase(
            "PreVote",
            2 * SECOND,
            "PreVote is turned on and S5 is cut off again (2.1 s); y=2 commits through S3 (2.26 s). S5 now only asks for pre-votes, four times, without an answer: its term stays 7.",
        ),
        phase(
            "rejoin again",
            3100 * MS,
            "The network heals: S3's next heartbeat brings S5 y=2 and S5 follows it (3.14 s). S3 still leads term 7: no step-down, no election.",
        ),
    ];
    preset(REJOIN_DISRUPTS, title, caption, 4 * SECOND, phases, s)
}

// ----- CheckQuorum --------------------------------------------------------------

fn checkquorum_deposes() -> Preset {
    let title = "CheckQuorum: a leader cut off from the majority steps down";
    let caption = "With CheckQuorum (and PreVote) on, a leader cut off from the majority notices by itself. S1 leads term 1; at 0.5 s it is cut off alone and takes the person's y=2, which it cannot commit. Every 150 ms (the minimum election timeout) S1 counts the followers it heard from: at 0.69 s it has heard from none of the four and steps down on its own, while S3 wins term 2 on the majority side. y=2 is retried through S3 and commits. Without CheckQuorum, S1 would still believe it led term 1 until the network heals (as in the stale-leader preset). With PreVote, S1's tries to stand never raise its term, so when the network heals at 2 s it simply follows S3: no election.";
    let mut config = lively(5, 12);
    config.raft.check_quorum = true;
    config.raft.pre_vote = true;
    let mut s = scenario(title, caption, config)
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(300 * MS, put("x", "1", Some(1)))
        .at(
            500 * MS,
            Action::Partition {
                groups: vec![vec![1], vec![2, 3, 4, 5]],
            },
        )
        .at(600 * MS, put("y", "2", Some(1)))
        .at(2 * SECOND, Action::Heal);
    s.view.selected = Some(1);
    let phases = vec![
        phase(
            "term 1",
            0,
            "S1 wins term 1 (87 ms, after a round of pre-votes); x=1 commits (335 ms).",
        ),
        phase(
            "cut off",
            500 * MS,
            "S1 is cut off alone and takes y=2 (613 ms), which it cannot commit. At 687 ms it has heard from none of the four since its last count and steps down (CheckQuorum); without CheckQuorum it would still believe it leads. S3 wins term 2 (699 ms); y=2, retried through S3, commits (1.16 s).",
        ),
        phase(
            "heal",
            2 * SECOND,
            "The network heals. S1 asked only for pre-votes while cut off, so it is still in term 1: S3's heartbeat replaces its uncommitted y=2 and S1 follows term 2 (2.05 s), with no election.",
        ),
    ];
    preset(CHECKQUORUM_DEPOSES, title, caption, 3 * SECOND, phases, s)
}

// ----- Leadership transfer ----------------------------------------------------------

fn leadership_transfer() -> Preset {
    let title = "Leadership transfer: the leader hands over without an election timeout";
    let caption = "Leadership transfer (§3.10). Elections here wait 1–2 s to time out, and every message takes 10 ms. S1 leads term 1; its link to S3 is cut from 0.2 s to 0.6 s, so x=1 and y=2 commit without S3. At 0.6 s the link is back and the person asks S1 to hand its leadership to S3: S1 first sends S3 the two entries it lacks, then TimeoutNow. S3 stands for term 2 at once, long before any election timeout would run out, and wins; S1 follows it. The person's z=3, sent to S1, is redirected to S3 and commits in term 2.";
    let mut s = scenario(title, caption, scripted(5, 13))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(200 * MS, Action::Cut { from: 1, to: 3 })
        .at(300 * MS, put("x", "1", Some(1)))
        .at(400 * MS, put("y", "2", Some(1)))
        .at(600 * MS, Action::Heal)
        .at(600 * MS, Action::Transfer { to: 3 })
        .at(900 * MS, put("z", "3", None));
    s.view.selected = Some(3);
    let phases = vec![
        phase(
            "term 1",
            0,
            "S1 wins term 1 (70 ms). Its link to S3 is cut at 0.2 s: x=1 (340 ms) and y=2 (440 ms) commit on the other four, not on S3.",
        ),
        phase(
            "transfer",
            600 * MS,
            "The link is back and the person asks S1 to hand over to S3. S1 catches S3 up (x=1 and y=2 reach it at 610 ms), then sends TimeoutNow (620 ms): S3 stands for term 2 at once (630 ms), no election timeout run out, and wins (650 ms).",
        ),
        phase(
            "S3 leads",
            900 * MS,
            "The person's z=3 goes to S1, which answers 'not the leader, try S3'; it commits at index 5 in term 2 (960 ms).",
        ),
    ];
    preset(LEADERSHIP_TRANSFER, title, caption, 1500 * MS, phases, s)
}

// ----- Membership change ------------------------------------------------------------

fn add_remove_server() -> Preset {
    let title = "Membership change: add a server, then the leader removes itself";
    let caption = "Single-server membership change (§4.1–4.2). The configuration starts as S1, S2 and S3; S4 runs but is not a member, so it never stands. S1 leads term 1. At 0.5 s the person asks S1 to add S4: S1 first catches S4 up as a non-voter, then appends the configuration entry {S1, S2, S3, S4}, which each server uses as soon as it appends it, committed or not; y=2 then commits under four members. At 1.2 s S1 removes itself: it appends {S2, S3, S4}, in force at once, and once that entry commits it steps down, leading a configuration it is not in. S2, S3 and S4 elect S2 in term 2; S1 sits the election out, and the person's z=3 commits through S2.";
    let mut config = lively(4, 14);
    config.initial_members = vec![1, 2, 3];
    let mut s = scenario(title, caption, config)
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(300 * MS, put("x", "1", Some(1)))
        .at(500 * MS, Action::AddServer { node: 4 })
        .at(800 * MS, put("y", "2", None))
        .at(1200 * MS, Action::RemoveServer { node: 1 })
        .at(2000 * MS, put("z", "3", None));
    s.view.selected = Some(4);
    let phases = vec![
        phase(
            "three",
            0,
            "S1, S2 and S3 are the configuration; S4 is not a member. S1 wins term 1 (64 ms) and x=1 commits (332 ms).",
        ),
        phase(
            "add S4",
            500 * MS,
            "S1 catches S4 up as a non-voter (indexes 1–2 at 528 ms), then appends the configuration {S1, S2, S3, S4} at index 3 (536 ms): each server uses it as soon as it appends it. It commits (563 ms); y=2 commits under four members (838 ms).",
        ),
        phase(
            "remove S1",
            1200 * MS,
            "S1 removes itself: it appends {S2, S3, S4} at index 5, in force at once; when the entry commits (1.22 s) S1 steps down, leading a configuration it is not in.",
        ),
        phase(
            "new leader",
            1300 * MS,
            "S2 times out and wins term 2 (1.41 s) with S3 and S4; S1 sits the election out. The person's z=3, sent to S1, ends up at S2 and commits at index 7 (2.09 s).",
        ),
    ];
    preset(ADD_REMOVE_SERVER, title, caption, 2500 * MS, phases, s)
}

// ----- Log compaction -----------------------------------------------------------------

fn snapshot_catch_up() -> Preset {
    let title = "Log compaction: a follower that fell behind gets a snapshot";
    let caption = "Log compaction, with a snapshot every 4 applied entries. S1 leads term 1; S5 crashes at 0.2 s with only the first entry. While it is down, eight writes commit (a=1 to h=8), and every live node snapshots its store at index 4 and again at index 8, dropping its log up to there: the entries S5 lacks are gone from every log. So S1 sends S5 its snapshot (InstallSnapshot) instead, again and again until S5 restarts at 1.3 s: S5 installs the snapshot of index 8 and resets its store from it, then plain AppendEntries bring it h=8 and, later, i=9. It ends with the same store as everyone.";
    let mut config = lively(5, 15);
    config.raft.snapshot_threshold = 4;
    let mut s = scenario(title, caption, config)
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(200 * MS, Action::Crash { node: 5 });
    for (i, key) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        let value = (i + 1).to_string();
        s = s.at((300 + 100 * i as u64) * MS, put(key, &value, None));
    }
    let mut s = s
        .at(1300 * MS, Action::Restart { node: 5 })
        .at(1700 * MS, put("i", "9", None));
    s.view.selected = Some(5);
    let phases = vec![
        phase(
            "term 1",
            0,
            "S1 wins term 1 (71 ms); every node has its no-op at index 1.",
        ),
        phase(
            "S5 down",
            200 * MS,
            "S5 crashes. a=1 to h=8 commit at indexes 2–9 (by 1.04 s); each live node snapshots at index 4 (0.53 s) and at index 8 (0.93 s), dropping its log up to there. From 0.57 s S1 sends S5 InstallSnapshot, unanswered.",
        ),
        phase(
            "S5 back",
            1300 * MS,
            "S5 restarts with only index 1. The next InstallSnapshot gives it the snapshot of index 8 (1.33 s): it resets its store from it; then an AppendEntries brings h=8 at index 9 (1.34 s).",
        ),
        phase(
            "i=9",
            1700 * MS,
            "i=9 commits at index 10 (1.75 s) and reaches S5 by plain AppendEntries: all five stores hold a=1 to i=9.",
        ),
    ];
    preset(SNAPSHOT_CATCH_UP, title, caption, 2500 * MS, phases, s)
}

// ----- Pauses ----------------------------------------------------------------------

fn gc_paused_leader() -> Preset {
    let title = "A paused leader wakes up deposed";
    let caption = "S1 leads term 1. At 0.5 s it pauses for half a second, like a garbage collector's stop-the-world: it handles nothing, its timers stand still, and messages to it wait, the person's y=2 among them. The others stop hearing heartbeats and elect S5 in term 2. At 1 s S1 resumes and works through its backlog in arrival order: still believing it leads term 1, it appends y=2 and sends it out; a waiting message of term 2 makes it step down, the others refuse its term-1 AppendEntries, and S5's log replaces its y=2. The person's y=2 times out and commits through S5, once. Terms, not clocks, fenced the old leader off.";
    let mut s = scenario(title, caption, lively(5, 16))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(300 * MS, put("x", "1", Some(1)))
        .at(500 * MS, Action::Pause { node: 1 })
        .at(600 * MS, put("y", "2", Some(1)))
        .at(1000 * MS, Action::Resume { node: 1 });
    s.view.selected = Some(1);
    let phases = vec![
        phase(
            "term 1",
            0,
            "S1 wins term 1 (69 ms) and x=1 commits (343 ms).",
        ),
        phase(
            "paused",
            500 * MS,
            "S1 pauses: messages to it wait, the person's y=2 (0.6 s) among them. S5 and S3 stand for term 2; S5 wins (668 ms).",
        ),
        phase(
            "resumed",
            1000 * MS,
            "S1 resumes with 11 waiting messages. Still leader of term 1, it appends y=2 at index 3 and sends it out; a waiting message of term 2 makes it step down (1 s) and S5's no-op replaces its y=2. The others refuse its term-1 AppendEntries. y=2, retried through S5, commits at index 4 in term 2 (1.16 s).",
        ),
    ];
    preset(GC_PAUSED_LEADER, title, caption, 2 * SECOND, phases, s)
}

// ----- Reads off the log ------------------------------------------------------------

/// The same script with lease reads and with ReadIndex (the lease hazard of
/// `tests/raft_reads.rs`, fixed in time): three nodes, 2–3 ms links; S3's
/// clock runs twice as fast; the leader S2 is cut off right after a heartbeat
/// round, S1 wins term 2 and takes x=b, then the person reads x at S2.
fn drifted_read(mode: ReadMode) -> Preset {
    let lease = mode == ReadMode::Lease;
    let (id, title, caption) = if lease {
        (
            LEASE_READ_STALE,
            "Lease reads under clock drift: a stale read",
            "Lease reads (§6.4): the leader answers a read from its own store, asking no one, while its lease lasts: the minimum election timeout divided by the clock drift it allows for (10 %), 136 ms after a heartbeat round. Here S3's clock runs at 2×, far beyond that. S2 leads term 1 and x=a commits. At 1.131 s, right after a heartbeat round renewed its lease, S2 is cut off from S1 and S3. S3's fast clock soon gives up on S2: it votes for S1, which wins term 2 and commits x=b. Then the person reads x at S2: still inside its lease, S2 answers x=a, a stale read, and the checker reports a Linearizability violation. The same script with ReadIndex (read-index-safe) answers no stale read.",
        )
    } else {
        (
            READ_INDEX_SAFE,
            "ReadIndex under the same clock drift: no stale read",
            "The lease preset's script (lease-read-stale) with ReadIndex reads (§6.4): before answering a read, the leader confirms it still leads with a heartbeat round to a majority. S3's clock runs at 2×; S2 leads term 1 and x=a commits; at 1.131 s S2 is cut off; S1 wins term 2 and commits x=b. The person's read of x at S2 gets no answer: S2 cannot reach a majority to confirm. The read is retried, redirected to S1, which answers x=b. No stale read, whatever the clocks: the checker finds nothing.",
        )
    };
    let mut config = lively(3, 5);
    config.network.latency_min = 2 * MS;
    config.network.latency_max = 3 * MS;
    config.raft.read_mode = mode;
    let get_x = Action::Client {
        op: Op::Get { key: "x".into() },
        to: Some(2),
    };
    let mut s = scenario(title, caption, config)
        .at(1000 * MS, put("x", "a", Some(2)))
        .at(
            1100 * MS,
            Action::SetClockRate {
                node: 3,
                permille: 2000,
            },
        )
        // The moments `drift_scenario` of tests/raft_reads.rs finds live with
        // this seed: the cut lands 0.1 ms after a heartbeat round renewed
        // S2's lease; S1 stands 90 ms later; the write and the read follow.
        .at(
            1_130_900,
            Action::Partition {
                groups: vec![vec![2], vec![1, 3]],
            },
        )
        .at(1_220_900, Action::Timeout { node: 1 })
        .at(1_235_900, put("x", "b", Some(1)))
        .at(1_245_900, get_x)
        .at(1600 * MS, Action::Heal);
    s.view.selected = Some(2);
    let phases = if lease {
        vec![
            phase(
                "term 1",
                0,
                "S2 wins term 1 (176 ms); x=a commits (1.009 s).",
            ),
            phase(
                "drift",
                1100 * MS,
                "S3's clock now runs at 2× real time, beyond the 10 % drift lease reads allow for. At 1.131 s, right after a heartbeat round renewed its lease (until 1.262 s), S2 is cut off from S1 and S3.",
            ),
            phase(
                "term 2",
                1_220_900,
                "S1 stands for term 2 and wins (1.226 s) with the vote of S3, whose fast clock has given up on S2; x=b commits (1.243 s) and is acknowledged (1.245 s).",
            ),
            phase(
                "read",
                1_245_900,
                "The person reads x at S2: inside its lease, S2 answers from its own store x=a (1.248 s), though x=b was acknowledged before the read began. The checker reports a Linearizability violation. The network heals at 1.6 s and S2 steps down (1.63 s).",
            ),
        ]
    } else {
        vec![
            phase(
                "term 1",
                0,
                "S2 wins term 1 (176 ms); x=a commits (1.009 s).",
            ),
            phase(
                "drift",
                1100 * MS,
                "S3's clock now runs at 2× real time. At 1.131 s S2 is cut off from S1 and S3.",
            ),
            phase(
                "term 2",
                1_220_900,
                "S1 stands for term 2 and wins (1.226 s) with the vote of S3; x=b commits (1.244 s).",
            ),
            phase(
                "read",
                1_245_900,
                "Once x=b is acknowledged, the person reads x at S2 (1.246 s): S2 cannot confirm it still leads, so no answer. The network heals at 1.6 s and S2 steps down (1.63 s); the read, retried, is redirected to S1, which answers x=b (1.76 s). The checker finds nothing.",
            ),
        ]
    };
    preset(id, title, caption, 2500 * MS, phases, s)
}
