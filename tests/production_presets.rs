//! The production presets (`src/scenario/presets/production.rs`): every phase
//! caption's claim checked against the run, as `tests/preset_phases.rs` does
//! for the paper's stories, plus what only a variant of a preset can show
//! (the same cut-off leader without CheckQuorum) and the command line's
//! `run --preset ID` for each.

mod support;

use raft_playground::check::Property;
use raft_playground::event::Payload;
use raft_playground::raft::{MembershipEvent, MessageBody, NodeId, RejectReason, RoleKind, Term};
use raft_playground::scenario::presets::{self, Preset};
use raft_playground::sim::{EventKind, MS, PERSON, SECOND, TraceMode, World};
use support::role;
use support::story::{Story, commit, log_terms};

/// The production presets, in gallery order.
const PRODUCTION: [&str; 8] = [
    presets::REJOIN_DISRUPTS,
    presets::CHECKQUORUM_DEPOSES,
    presets::LEADERSHIP_TRANSFER,
    presets::ADD_REMOVE_SERVER,
    presets::SNAPSHOT_CATCH_UP,
    presets::GC_PAUSED_LEADER,
    presets::LEASE_READ_STALE,
    presets::READ_INDEX_SAFE,
];

/// In phase `name`: the times (ms) `node` took `role`, with the term.
fn role_changes(s: &Story, name: &str, node: NodeId, role: RoleKind) -> Vec<(f64, Term)> {
    s.during(name)
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::Role {
                node: n,
                role: r,
                term,
            } if *n == node && *r == role => Some((t, *term)),
            _ => None,
        })
        .collect()
}

/// In phase `name`: when (ms) Raft messages `from -> to` matching `body` were sent.
fn sends(
    s: &Story,
    name: &str,
    from: NodeId,
    to: NodeId,
    body: fn(&MessageBody) -> bool,
) -> Vec<f64> {
    s.during(name)
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::Send {
                message: Payload::Raft(m),
                ..
            } if m.from == from && m.to == to && body(&m.body) => Some(t),
            _ => None,
        })
        .collect()
}

/// In phase `name`: (ms, node, index) of every snapshot written.
fn snapshots(s: &Story, name: &str) -> Vec<(f64, NodeId, u64)> {
    s.during(name)
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::Snapshot { node, index, .. } => Some((t, *node, *index)),
            _ => None,
        })
        .collect()
}

/// In phase `name`: (ms, index) of every entry `node` appended.
fn appends(s: &Story, name: &str, node: NodeId) -> Vec<(f64, u64)> {
    s.during(name)
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::LogAppend { node: n, index, .. } if *n == node => Some((t, *index)),
            _ => None,
        })
        .collect()
}

/// The configuration in force at `node`.
fn voters(w: &World, node: NodeId) -> Vec<NodeId> {
    let n = w.server(node).unwrap().node.as_ref().unwrap();
    n.membership().voters().to_vec()
}

fn kv(w: &World, node: NodeId) -> Vec<String> {
    let s = w.server(node).unwrap();
    s.kv.entries().map(|(k, v)| format!("{k}={v}")).collect()
}

#[track_caller]
fn near(t: f64, ms: f64) {
    assert!((t - ms).abs() < 1.0, "at {t} ms, caption says {ms}");
}

#[test]
fn the_production_presets_are_in_the_gallery_after_the_papers_stories() {
    let ids = presets::ids();
    assert_eq!(ids[ids.len() - PRODUCTION.len()..], PRODUCTION);
    for id in PRODUCTION {
        let p = support::preset(id);
        assert!((2..=4).contains(&p.phases.len()), "{id}");
        // Production settings need link format 3 or 2; the link round-trips
        // (tests/scenario_presets.rs checks every preset's link the same way).
        let link = p.scenario.encode_link().unwrap();
        assert!(!link.starts_with("#s=1."), "{id}: {link}");
    }
}

#[test]
fn rejoin_disrupts_without_prevote_and_not_with_it() {
    let s = Story::of(presets::REJOIN_DISRUPTS);
    s.wins("cut off", 1, 1, 67.933);
    assert_eq!(s.acks("cut off"), [(437.0, 2)]);
    assert_eq!(
        s.candidates("cut off"),
        [(1, 1), (5, 2), (5, 3), (5, 4), (5, 5)]
    );
    // Rejoin: S1 steps down at 1.34 s in term 5; S5 (term 6) is refused; S3 wins term 7.
    // (S1 steps down once more later, as a candidate of term 7 losing to S3.)
    let down = role_changes(&s, "rejoin", 1, RoleKind::Follower);
    near(down[0].0, 1342.0);
    assert_eq!(down[0].1, 5);
    let rejoin = s.during("rejoin");
    assert!(rejoin.iter().any(|(_, k)| matches!(
        k,
        EventKind::Rejected {
            node: 5,
            from: Some(1),
            reason: RejectReason::StaleTerm {
                term: 1,
                current_term: 5,
                ..
            },
        }
    )));
    assert_eq!(s.candidates("rejoin")[..2], [(5, 6), (3, 7)]);
    let refusals = rejoin.iter().filter(|(_, k)| {
        matches!(
            k,
            EventKind::Rejected {
                from: Some(5),
                reason: RejectReason::LogNotUpToDate { .. },
                ..
            }
        )
    });
    assert_eq!(
        refusals.count(),
        4,
        "everyone refuses S5: its log lacks x=1"
    );
    s.wins("rejoin", 3, 7, 1533.0);
    let w = s.world_after("rejoin");
    assert_eq!(log_terms(&w, 5), [1, 1, 7], "S5 got x=1 only from S3");
    // PreVote: S5 cut off again only asks for pre-votes (four times); term 7 stays.
    assert!(s.during("PreVote").iter().any(|(t, k)| *t == 2000.0
        && matches!(k, EventKind::Setting { detail } if detail == "pre-vote on")));
    assert_eq!(s.acks("PreVote"), [(2262.0, 4)]);
    assert!(s.candidates("PreVote").is_empty());
    let pre = role_changes(&s, "PreVote", 5, RoleKind::Precandidate);
    assert_eq!(pre.iter().map(|p| p.1).collect::<Vec<_>>(), [7, 7, 7, 7]);
    // Rejoin again: S5 follows S3 at 3.14 s; no candidate, no new leader.
    let follows = role_changes(&s, "rejoin again", 5, RoleKind::Follower);
    assert_eq!(follows.len(), 1);
    near(follows[0].0, 3142.67);
    assert_eq!(appends(&s, "rejoin again", 5), [(follows[0].0, 4)]);
    assert!(s.candidates("rejoin again").is_empty());
    assert!(role_changes(&s, "rejoin again", 3, RoleKind::Follower).is_empty());
    let end = s.world_after("rejoin again");
    assert_eq!(role(&end, 3), Some((RoleKind::Leader, 7)));
    for n in 1..=5 {
        assert_eq!(log_terms(&end, n), [1, 1, 7, 7], "S{n}");
    }
    for phase in ["cut off", "rejoin", "PreVote", "rejoin again"] {
        assert_eq!(s.violations(phase), 0, "{phase}");
    }
}

#[test]
fn checkquorum_deposes_the_cut_off_leader() {
    let s = Story::of(presets::CHECKQUORUM_DEPOSES);
    assert!(s.p.scenario.config.raft.check_quorum && s.p.scenario.config.raft.pre_vote);
    assert!(role_changes(&s, "term 1", 1, RoleKind::Precandidate).len() == 1);
    s.wins("term 1", 1, 1, 86.91);
    assert_eq!(s.acks("term 1"), [(335.0, 2)]);
    // Cut off: y=2 appended at 613 ms, never committed by S1; quorum lost at 687 ms.
    assert_eq!(appends(&s, "cut off", 1)[0].1, 3);
    near(appends(&s, "cut off", 1)[0].0, 613.47);
    let lost: Vec<_> = s
        .during("cut off")
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::QuorumLost {
                node: 1,
                heard_from,
            } => Some((t, heard_from.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(lost.len(), 1);
    near(lost[0].0, 686.91);
    assert!(lost[0].1.is_empty(), "heard from none of the four");
    assert_eq!(
        role_changes(&s, "cut off", 1, RoleKind::Follower),
        [(lost[0].0, 1)]
    );
    s.wins("cut off", 3, 2, 698.87);
    assert_eq!(s.acks("cut off"), [(1157.0, 4)]);
    // S1 only asks for pre-votes: its term stays 1 until the heal.
    let w = s.world_after("cut off");
    assert_eq!(role(&w, 1).unwrap().1, 1);
    assert_eq!(commit(&w, 1), 2);
    // Heal: S1 follows term 2 at 2.05 s, its y=2 at index 3 replaced; no election.
    assert_eq!(s.truncations("heal"), [(1, 3)]);
    let follows = role_changes(&s, "heal", 1, RoleKind::Follower);
    assert_eq!(follows.len(), 1);
    near(follows[0].0, 2053.9);
    assert_eq!(follows[0].1, 2);
    assert!(s.candidates("heal").is_empty());
    let end = s.world_after("heal");
    assert_eq!(role(&end, 3), Some((RoleKind::Leader, 2)));
    for phase in ["term 1", "cut off", "heal"] {
        assert_eq!(s.violations(phase), 0, "{phase}");
    }
}

#[test]
fn without_checkquorum_the_cut_off_leader_still_believes_it_leads() {
    // The caption's counterfactual: the same scenario with CheckQuorum off.
    let mut scenario = support::preset(presets::CHECKQUORUM_DEPOSES).scenario;
    scenario.config.raft.check_quorum = false;
    let w = scenario.replay(2 * SECOND - 1, TraceMode::Hash).unwrap();
    assert_eq!(role(&w, 1), Some((RoleKind::Leader, 1)));
}

#[test]
fn leadership_transfer_catches_up_then_timeout_now() {
    let s = Story::of(presets::LEADERSHIP_TRANSFER);
    s.wins("term 1", 1, 1, 70.0);
    assert_eq!(s.acks("term 1"), [(340.0, 2), (440.0, 3)]);
    assert_eq!(log_terms(&s.world_after("term 1"), 3), [1], "not on S3");
    // Transfer: S3 caught up at 610 ms, TimeoutNow at 620, candidate at 630, wins at 650.
    assert!(
        s.during("transfer")
            .iter()
            .any(|(t, k)| *t == 600.0 && matches!(k, EventKind::TransferStart { node: 1, to: 3 }))
    );
    assert_eq!(appends(&s, "transfer", 3)[..2], [(610.0, 2), (610.0, 3)]);
    let timeout_now = |b: &MessageBody| matches!(b, MessageBody::TimeoutNow);
    assert_eq!(sends(&s, "transfer", 1, 3, timeout_now), [620.0]);
    assert_eq!(
        role_changes(&s, "transfer", 3, RoleKind::Candidate),
        [(630.0, 2)]
    );
    assert!(
        !s.during("transfer")
            .iter()
            .any(|(_, k)| matches!(k, EventKind::ForceTimeout { .. })),
        "no one's election timer was forced"
    );
    let timeouts = s.p.scenario.config.raft.election_timeout_min;
    assert!(630 * MS - 600 * MS < timeouts, "long before a timeout");
    s.wins("transfer", 3, 2, 650.0);
    // S3 leads: z=3 redirected from S1, commits at index 5 in term 2.
    assert!(s.during("S3 leads").iter().any(|(_, k)| matches!(
        k,
        EventKind::ClientRetry {
            client: PERSON,
            to: 3,
            ..
        }
    )));
    assert_eq!(s.acks("S3 leads"), [(960.0, 5)]);
    let end = s.world_after("S3 leads");
    assert_eq!(log_terms(&end, 3)[4], 2);
    assert_eq!(s.violations("transfer") + s.violations("S3 leads"), 0);
}

#[test]
fn add_remove_server_phases() {
    let s = Story::of(presets::ADD_REMOVE_SERVER);
    s.wins("three", 1, 1, 64.09);
    assert_eq!(s.acks("three"), [(332.0, 2)]);
    let w = s.world_after("three");
    assert_eq!(voters(&w, 1), [1, 2, 3]);
    assert!(log_terms(&w, 4).is_empty(), "S4 is not a member");
    let s4_stands = s.events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::Role {
                node: 4,
                role: RoleKind::Candidate | RoleKind::Precandidate,
                ..
            }
        )
    });
    assert!(!s4_stands, "S4 never stands");
    // Add S4: catch-up, then the configuration entry at index 3, in force on append.
    let steps: Vec<_> = s
        .during("add S4")
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::Membership { node, step } => Some((t, *node, step.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps[0],
        (500.0, 1, MembershipEvent::CatchUpStarted { server: 4 })
    );
    let s4 = appends(&s, "add S4", 4);
    assert_eq!(s4[..2].iter().map(|a| a.1).collect::<Vec<_>>(), [1, 2]);
    near(s4[0].0, 527.83);
    let in_force: Vec<_> = steps[1..]
        .iter()
        .map(|(t, node, step)| {
            let MembershipEvent::ConfigInForce { index, members } = step else {
                panic!("{step:?}")
            };
            assert_eq!((*index, members.as_slice()), (3, &[1, 2, 3, 4][..]));
            (*t, *node)
        })
        .collect();
    assert_eq!(in_force.len(), 4, "each server as it appends the entry");
    near(in_force[0].0, 535.6);
    for (t, node) in &in_force {
        assert!(appends(&s, "add S4", *node).contains(&(*t, 3)));
    }
    let committed = s
        .during("add S4")
        .into_iter()
        .find_map(|(t, k)| matches!(k, EventKind::Commit { node: 1, index: 3 }).then_some(t));
    near(committed.unwrap(), 563.0);
    assert_eq!(s.acks("add S4"), [(838.0, 4)]);
    // Remove S1: {2, 3, 4} at index 5, in force at once; S1 steps down when it commits.
    let w = s.world_after("remove S1");
    for n in 1..=4 {
        assert_eq!(voters(&w, n), [2, 3, 4], "S{n}");
    }
    let stepped: Vec<_> = s
        .during("remove S1")
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::Membership {
                node: 1,
                step: MembershipEvent::RemovedLeaderSteppedDown { index },
            } => Some((t, *index)),
            _ => None,
        })
        .collect();
    assert_eq!(stepped.len(), 1);
    near(stepped[0].0, 1218.86);
    assert_eq!(stepped[0].1, 5);
    assert_eq!(role(&w, 1), Some((RoleKind::Follower, 1)));
    // New leader: S2 wins term 2; S1 never stands; z=3 commits at index 7.
    assert_eq!(s.candidates("new leader"), [(2, 2)]);
    s.wins("new leader", 2, 2, 1405.5);
    assert!(s.during("new leader").iter().any(|(_, k)| matches!(
        k,
        EventKind::ClientInvoke {
            client: PERSON,
            to: 1,
            ..
        }
    )));
    assert_eq!(s.acks("new leader"), [(2093.0, 7)]);
    for phase in ["three", "add S4", "remove S1", "new leader"] {
        assert_eq!(s.violations(phase), 0, "{phase}");
    }
}

#[test]
fn snapshot_catch_up_phases() {
    let s = Story::of(presets::SNAPSHOT_CATCH_UP);
    assert_eq!(s.p.scenario.config.raft.snapshot_threshold, 4);
    s.wins("term 1", 1, 1, 71.355);
    let w = s.world_after("term 1");
    for n in 1..=5 {
        assert_eq!(log_terms(&w, n), [1], "S{n}");
    }
    // S5 down: eight writes at indexes 2-9, snapshots at 4 and 8 on S1-S4.
    let acks = s.acks("S5 down");
    assert_eq!(
        acks.iter().map(|a| a.1).collect::<Vec<_>>(),
        (2..=9).collect::<Vec<_>>()
    );
    assert!(acks.last().unwrap().0 <= 1041.0);
    let snaps = snapshots(&s, "S5 down");
    let at = |index| {
        let nodes: Vec<_> = snaps.iter().filter(|x| x.2 == index).collect();
        assert_eq!(
            nodes.iter().map(|x| x.1).collect::<Vec<_>>().len(),
            4,
            "{snaps:?}"
        );
        nodes[0].0
    };
    assert!((529.0..531.0).contains(&at(4)));
    assert!((926.0..927.0).contains(&at(8)));
    assert!(snaps.iter().all(|x| x.1 != 5));
    let install = |b: &MessageBody| matches!(b, MessageBody::InstallSnapshot { .. });
    near(sends(&s, "S5 down", 1, 5, install)[0], 571.355);
    // S5 back: the snapshot of index 8 at 1.33 s, then index 9 by AppendEntries.
    let back = s.world_after("S5 down");
    assert!(back.server(5).unwrap().node.is_none(), "S5 is down");
    assert_eq!(log_terms(&back, 5), [1], "only index 1 on its disk");
    let restored: Vec<_> = s
        .during("S5 back")
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::SnapshotRestore { node: 5, index, .. } => Some((t, *index)),
            _ => None,
        })
        .collect();
    assert_eq!(restored.len(), 1);
    near(restored[0].0, 1329.72);
    assert_eq!(restored[0].1, 8);
    assert_eq!(snapshots(&s, "S5 back"), [(restored[0].0, 5, 8)]);
    let s5 = appends(&s, "S5 back", 5);
    assert_eq!(s5.len(), 1);
    near(s5[0].0, 1342.28);
    assert_eq!(s5[0].1, 9);
    // i=9: index 10, to S5 by AppendEntries alone; every store the same.
    assert_eq!(s.acks("i=9"), [(1749.0, 10)]);
    assert!(sends(&s, "i=9", 1, 5, install).is_empty());
    assert_eq!(appends(&s, "i=9", 5).len(), 1);
    let end = s.world_after("i=9");
    let expected: Vec<String> = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k}={}", i + 1))
        .collect();
    for n in 1..=5 {
        assert_eq!(kv(&end, n), expected, "S{n}");
    }
    for phase in ["term 1", "S5 down", "S5 back", "i=9"] {
        assert_eq!(s.violations(phase), 0, "{phase}");
    }
}

#[test]
fn gc_paused_leader_phases() {
    let s = Story::of(presets::GC_PAUSED_LEADER);
    s.wins("term 1", 1, 1, 69.0);
    assert_eq!(s.acks("term 1"), [(343.0, 2)]);
    // Paused: y=2 waits; S5 and S3 stand for term 2, S5 wins at 668 ms.
    let paused = s.during("paused");
    assert!(
        paused
            .iter()
            .any(|(t, k)| *t == 500.0 && matches!(k, EventKind::Pause { node: 1 }))
    );
    assert!(paused.iter().any(|(t, k)| *t == 600.0
        && matches!(
            k,
            EventKind::ClientInvoke {
                client: PERSON,
                to: 1,
                ..
            }
        )));
    assert!(appends(&s, "paused", 1).is_empty(), "S1 handles nothing");
    assert_eq!(s.candidates("paused"), [(5, 2), (3, 2)]);
    s.wins("paused", 5, 2, 668.4);
    // Resumed: 11 waiting messages; y=2 appended in term 1, then S1 steps down.
    let resumed = s.during("resumed");
    assert!(resumed.iter().any(|(t, k)| *t == 1000.0
        && matches!(
            k,
            EventKind::Resume {
                node: 1,
                backlog: 11
            }
        )));
    let first = appends(&s, "resumed", 1)[0];
    assert_eq!(first, (1000.0, 3));
    let y2_term = s.events.iter().find_map(|e| match &e.kind {
        EventKind::LogAppend {
            node: 1,
            index: 3,
            entry,
        } if e.time == 1000 * MS => Some(entry.term),
        _ => None,
    });
    assert_eq!(y2_term, Some(1), "appended as leader of term 1");
    assert_eq!(
        role_changes(&s, "resumed", 1, RoleKind::Follower),
        [(1000.0, 2)]
    );
    assert_eq!(s.truncations("resumed"), [(1, 3)]);
    let stale_appends = resumed
        .iter()
        .filter(|(_, k)| {
            matches!(
                k,
                EventKind::Rejected {
                    from: Some(1),
                    reason: RejectReason::StaleTerm {
                        message: raft_playground::raft::RaftMessageKind::AppendEntries,
                        term: 1,
                        ..
                    },
                    ..
                }
            )
        })
        .count();
    assert_eq!(
        stale_appends, 4,
        "the others refuse its term-1 AppendEntries"
    );
    assert_eq!(s.acks("resumed"), [(1157.0, 4)]);
    let end = s.world_after("resumed");
    for n in 1..=5 {
        assert_eq!(log_terms(&end, n), [1, 1, 2, 2], "S{n}");
    }
    for phase in ["term 1", "paused", "resumed"] {
        assert_eq!(s.violations(phase), 0, "{phase}");
    }
}

/// The phases both read presets share: S2 wins term 1, x=a commits, S3 drifts,
/// S2 is cut off at 1.131 s, S1 wins term 2 and commits x=b at `x_b_committed`.
fn drifted_read_common(s: &Story, x_b_committed: f64) {
    s.wins("term 1", 2, 1, 175.54);
    assert_eq!(s.acks("term 1"), [(1009.0, 2)]);
    let drift = s.during("drift");
    assert!(drift.iter().any(|(t, k)| *t == 1100.0
        && matches!(
            k,
            EventKind::ClockRate {
                node: 3,
                permille: 2000
            }
        )));
    assert!(
        drift
            .iter()
            .any(|(t, k)| *t == 1130.9 && matches!(k, EventKind::Partition { .. }))
    );
    assert_eq!(s.candidates("term 2"), [(1, 2)]);
    let refused = s.during("term 2").into_iter().any(|(_, k)| {
        matches!(
            k,
            EventKind::Rejected {
                node: 3,
                reason: RejectReason::LeaderInLease { .. },
                ..
            }
        )
    });
    assert!(!refused, "S3 no longer counts on S2");
    s.wins("term 2", 1, 2, 1226.0);
    let committed = s
        .during("term 2")
        .into_iter()
        .find_map(|(t, k)| matches!(k, EventKind::Commit { node: 1, index: 4 }).then_some(t));
    near(committed.unwrap(), x_b_committed);
}

/// (ms, node, lease) of every read served in phase `name`, and the result the person got.
fn reads(s: &Story, name: &str) -> Vec<(f64, NodeId, bool)> {
    s.during(name)
        .into_iter()
        .filter_map(|(t, k)| match k {
            EventKind::ReadServe { node, lease, .. } => Some((t, *node, *lease)),
            _ => None,
        })
        .collect()
}

fn read_results(s: &Story) -> Vec<Option<String>> {
    s.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ClientOk {
                client: PERSON,
                index: 0,
                result,
                ..
            } => Some(result.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_lease_read_under_drift_is_stale_and_caught() {
    let s = Story::of(presets::LEASE_READ_STALE);
    let raft = &s.p.scenario.config.raft;
    assert_eq!(raft.clock_drift_bound, 1100, "10 % drift allowed for");
    assert_eq!(
        raft.election_timeout_min * 1000 / 1100 / MS,
        136,
        "the lease"
    );
    drifted_read_common(&s, 1243.0);
    assert_eq!(
        s.acks("term 2"),
        [(1245.0, 4)],
        "x=b acknowledged before the read"
    );
    // The lease was renewed right at the cut, until 1.262 s.
    let lease_at = |t| {
        let w = s.p.scenario.replay(t, TraceMode::Hash).unwrap();
        w.server(2).unwrap().node.as_ref().unwrap().lease_end()
    };
    assert_ne!(lease_at(1_130_800), lease_at(1_130_900));
    let end = lease_at(1_130_900).unwrap();
    assert_eq!(end / MS, 1261);
    // The read: served by S2 on its lease at 1.248 s, with x=a; the checker says so.
    let served = reads(&s, "read");
    assert_eq!(served.len(), 1);
    near(served[0].0, 1248.2);
    assert_eq!((served[0].1, served[0].2), (2, true));
    assert!(served[0].0 * 1000.0 < end as f64, "inside its lease");
    assert_eq!(read_results(&s), [Some("a".to_string())]);
    assert_eq!(s.violations("read"), 1);
    let w = {
        let mut w = s.p.scenario.to_world(TraceMode::Hash, 0).unwrap();
        w.run_until(s.p.duration);
        w.flush_checker();
        w
    };
    assert_eq!(w.violations()[0].property, Property::Linearizable);
    for phase in ["term 1", "drift", "term 2"] {
        assert_eq!(s.violations(phase), 0, "{phase}");
    }
    let down = role_changes(&s, "read", 2, RoleKind::Follower);
    assert_eq!(down.len(), 1);
    near(down[0].0, 1628.5);
}

#[test]
fn read_index_under_the_same_drift_answers_no_stale_read() {
    let s = Story::of(presets::READ_INDEX_SAFE);
    let lease = support::preset(presets::LEASE_READ_STALE).scenario;
    assert_eq!(s.p.scenario.actions, lease.actions, "the same script");
    drifted_read_common(&s, 1244.08);
    // The read is sent to S2 once x=b is acknowledged; S2 never answers it.
    let invoked = s.during("read").into_iter().find_map(|(t, k)| match k {
        EventKind::ClientInvoke {
            client: PERSON,
            to: 2,
            ..
        } => Some(t),
        _ => None,
    });
    near(invoked.unwrap(), 1246.35);
    let served = reads(&s, "read");
    assert_eq!(served.len(), 1, "{served:?}");
    assert_eq!((served[0].1, served[0].2), (1, false), "answered by S1");
    near(served[0].0, 1758.9);
    assert_eq!(read_results(&s), [Some("b".to_string())]);
    let down = role_changes(&s, "read", 2, RoleKind::Follower);
    assert_eq!(down.len(), 1);
    near(down[0].0, 1628.4);
    let answered = s.during("read").into_iter().find_map(|(t, k)| match k {
        EventKind::ClientOk {
            client: PERSON,
            index: 0,
            ..
        } => Some(t),
        _ => None,
    });
    near(answered.unwrap(), 1761.65);
    for phase in ["term 1", "drift", "term 2", "read"] {
        assert_eq!(s.violations(phase), 0, "{phase}");
    }
}

#[test]
fn the_command_line_runs_each_production_preset_like_the_page() {
    use clap::Parser;
    use raft_playground::cli::args::{Cli, Command};
    use raft_playground::cli::run::{RunOptions, run};
    for id in PRODUCTION {
        let p: Preset = support::preset(id);
        let argv = ["raft-playground", "run", "--preset", id];
        let Command::Run(args) = Cli::try_parse_from(argv).unwrap().command else {
            panic!("run")
        };
        let mut options = RunOptions::from_args(&args);
        options.load_scenario(&args).unwrap();
        let report = run(&options).unwrap();
        let w = p.scenario.replay(p.duration, TraceMode::Hash).unwrap();
        assert_eq!(report.trace_hash, w.trace_hash(), "{id}");
        let lease = id == presets::LEASE_READ_STALE;
        assert_eq!(report.violations.is_empty(), !lease, "{id}");
    }
}
