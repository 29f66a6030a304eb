//! Every phase caption of every preset says what its run does: who stands and
//! wins which term when, what is committed or acknowledged, what is lost. Each
//! claim is checked on the events of that phase (from its start to the next
//! phase's start) or on the world at the phase's end. The production presets'
//! phases are checked in `tests/production_presets.rs`.

mod support;

use raft_playground::raft::RoleKind;
use raft_playground::scenario::presets;
use raft_playground::sim::{EventKind, TraceMode, World};
use support::role;
use support::story::{Story, commit, log_terms};

#[test]
fn every_preset_has_phases_in_time_order_from_zero_within_its_run() {
    for p in presets::all() {
        assert!(p.phases.len() >= 2, "{}: phases", p.id);
        assert_eq!(p.phases[0].start, 0, "{}", p.id);
        for pair in p.phases.windows(2) {
            assert!(pair[0].start < pair[1].start, "{}: {pair:?}", p.id);
        }
        assert!(p.phases.last().unwrap().start < p.duration, "{}", p.id);
        for ph in &p.phases {
            assert!(
                !ph.name.is_empty() && ph.caption.ends_with('.'),
                "{}: {ph:?}",
                p.id
            );
        }
        assert_eq!(p.phase_at(0), 0);
        assert_eq!(p.phase_at(p.duration), p.phases.len() - 1);
    }
}

#[test]
fn figure8_phases_a_to_e() {
    for broken in [false, true] {
        let s = Story::of(if broken {
            presets::FIGURE8_BROKEN
        } else {
            presets::FIGURE8_CORRECT
        });
        let names: Vec<_> = s.p.phases.iter().map(|p| p.name).collect();
        assert_eq!(names, ["(a)", "(b)", "(c)", "(d)", "(e)"]);
        // (a) S1 led term 2, x=1 at index 2 on S1 and S2 only; it crashes at once.
        let a = s.during("(a)");
        assert!(
            a.iter()
                .any(|(t, k)| *t == 0.0 && matches!(k, EventKind::Crash { node: 1 }))
        );
        let w = s.p.scenario.to_world(TraceMode::Hash, 0).unwrap();
        assert_eq!(log_terms(&w, 1), [1, 2]);
        assert_eq!(log_terms(&w, 2), [1, 2]);
        for n in 3..=5 {
            assert_eq!(log_terms(&w, n), [1], "S{n}");
        }
        // (b) S5 wins term 3 at 120 ms; its entry at index 2 reaches no one.
        s.wins("(b)", 5, 3, 120.0);
        let b = s.world_after("(b)");
        assert_eq!(log_terms(&b, 5), [1, 3]);
        for n in 2..=4 {
            assert_eq!(log_terms(&b, n)[1..].iter().filter(|&&t| t == 3).count(), 0);
        }
        // (c) S1: term 3 fails, term 4 wins at 270 ms; index 2 on S1, S2, S3.
        assert_eq!(s.candidates("(c)"), [(1, 3), (1, 4)]);
        s.wins("(c)", 1, 4, 270.0);
        let c = s.world_after("(c)");
        for n in 1..=3 {
            assert_eq!(log_terms(&c, n)[..2], [1, 2], "S{n}");
        }
        if broken {
            assert_eq!(s.acks("(c)"), [(320.0, 2)], "committed and acknowledged");
            assert_eq!(commit(&c, 1), 2);
        } else {
            assert!(s.acks("(c)").is_empty(), "nothing acknowledged");
            assert!(commit(&c, 1) < 2, "index 2 stays uncommitted");
        }
        // (d) S5 wins term 5 at 470 ms and overwrites index 2 on S2 and S3.
        s.wins("(d)", 5, 5, 470.0);
        assert_eq!(s.truncations("(d)"), [(2, 2), (3, 2)]);
        assert_eq!(s.violations("(d)") > 0, broken, "the checker says so");
        // (e)
        if broken {
            assert_eq!(s.truncations("(e)"), [(1, 2)]);
            let e = s.world_after("(e)");
            let s1 = log_terms(&e, 1);
            for n in 2..=5 {
                assert_eq!(log_terms(&e, n), s1, "every log agrees");
            }
            assert_eq!(s1[1], 3, "x=1 of term 2 is gone");
        } else {
            assert_eq!(s.acks("(e)"), [(835.0, 4)]);
            assert_eq!(role(&s.world_after("(e)"), 5), Some((RoleKind::Leader, 5)));
            assert_eq!(s.truncations("(e)"), [(1, 2)]);
            assert!(s.violations("(e)") == 0 && s.violations("(d)") == 0);
        }
    }
}

#[test]
fn figure7_phases_repair_c_d_then_a_b_then_e_f() {
    let s = Story::of(presets::FIGURE7);
    assert_eq!(s.candidates("election"), [(1, 8)]);
    s.wins("election", 1, 8, 120.0);
    assert_eq!(s.truncations("(c) (d)"), [(4, 11), (5, 11)]);
    assert_eq!(s.truncations("(e) (f)"), [(6, 6), (7, 4)]);
    assert!(
        s.truncations("(a) (b)").is_empty(),
        "(a) and (b) only miss entries"
    );
    // Each pair equals the leader's log at its phase's end, not before.
    let leader = |w: &World| log_terms(w, 1);
    for (phase, nodes) in [
        ("(c) (d)", [4, 5]),
        ("(a) (b)", [2, 3]),
        ("(e) (f)", [6, 7]),
    ] {
        let (start, end) = s.span(phase);
        let mut before = s.p.scenario.to_world(TraceMode::Hash, 0).unwrap();
        before.run_until(start - 1);
        let mut after = s.p.scenario.to_world(TraceMode::Hash, 0).unwrap();
        after.run_until(end - 1);
        for n in nodes {
            assert_ne!(
                log_terms(&before, n),
                leader(&before),
                "{phase}: S{n} before"
            );
            assert_eq!(log_terms(&after, n), leader(&after), "{phase}: S{n} after");
        }
    }
    let end = s.world_after("(e) (f)");
    for n in 1..=7 {
        assert_eq!(commit(&end, n), 11, "S{n} committed up to index 11");
    }
}

#[test]
fn split_vote_phases() {
    let s = Story::of(presets::SPLIT_VOTE);
    assert!(s.during("quiet").is_empty());
    assert_eq!(s.candidates("split"), [(1, 1), (3, 1), (5, 1)]);
    assert!(s.acks("split").is_empty());
    assert_eq!(s.candidates("term 2"), [(5, 2)]);
    s.wins("term 2", 5, 2, 220.0);
    let w = s.world_after("term 2");
    for n in [1, 3] {
        assert_eq!(role(&w, n), Some((RoleKind::Follower, 2)));
    }
}

#[test]
fn stale_leader_phases() {
    let s = Story::of(presets::STALE_LEADER);
    s.wins("term 1", 1, 1, 70.0);
    assert_eq!(s.acks("term 1"), [(344.0, 2)]);
    s.wins("cut off", 5, 2, 699.0);
    let w = s.world_after("cut off");
    assert_eq!(
        role(&w, 1),
        Some((RoleKind::Leader, 1)),
        "S1 still believes"
    );
    assert!(s.acks("cut off").is_empty());
    assert_eq!(s.acks("retry"), [(1258.0, 4)]);
    assert_eq!(s.truncations("heal"), [(1, 3)]);
    let w = s.world_after("heal");
    assert_eq!(role(&w, 1), Some((RoleKind::Follower, 2)));
}

#[test]
fn minority_phases() {
    let s = Story::of(presets::MINORITY);
    s.wins("term 1", 1, 1, 72.0);
    assert_eq!(s.acks("term 1"), [(342.0, 2)]);
    s.wins("split", 4, 3, 892.0);
    assert!(s.acks("split").is_empty(), "no answer for a=1");
    let w = s.world_after("split");
    assert_eq!(log_terms(&w, 1), log_terms(&w, 2), "a=1 on S1 and S2");
    assert_eq!(commit(&w, 1), 2, "not committed");
    assert_eq!(s.truncations("heal"), [(2, 3), (1, 3)]);
    assert_eq!(s.acks("heal"), [(2741.0, 4)]);
}

#[test]
fn redirect_phases() {
    let s = Story::of(presets::REDIRECT);
    s.wins("term 1", 1, 1, 70.0);
    assert!(
        s.during("redirect").iter().any(|(t, k)| {
            matches!(k, EventKind::ClientRetry { to: 1, .. }) && t.round() == 426.0
        })
    );
    assert_eq!(s.acks("redirect"), [(464.0, 2)]);
}

#[test]
fn crash_restart_phases_elect_s3_in_term_3() {
    let s = Story::of(presets::CRASH_RESTART);
    assert!(
        s.p.caption.contains("S3 wins term 3"),
        "the caption names the real leader"
    );
    assert!(!s.p.caption.contains("leader of term 2"));
    s.wins("term 1", 1, 1, 69.0);
    assert_eq!(s.acks("term 1"), [(333.0, 2), (443.0, 3)]);
    let c = s.candidates("crash");
    assert!(
        c.starts_with(&[(3, 2), (2, 2)]) && c.contains(&(3, 3)),
        "{c:?}"
    );
    s.wins("crash", 3, 3, 1080.0);
    assert!(s.acks("z=3").is_empty(), "no answer yet");
    assert!(
        s.during("z=3")
            .iter()
            .any(|(_, k)| matches!(k, EventKind::ClientInvoke { to: 1, .. }))
    );
    assert_eq!(s.acks("restart"), [(2049.0, 5)]);
    let w = s.world_after("restart");
    assert_eq!(role(&w, 1), Some((RoleKind::Follower, 3)));
    assert_eq!(role(&w, 3), Some((RoleKind::Leader, 3)));
    assert_eq!(commit(&w, 1), 5);
}

#[test]
fn state_machines_phases() {
    let s = Story::of(presets::STATE_MACHINES);
    s.wins("term 1", 1, 1, 71.0);
    let acks = s.acks("S5 down");
    assert_eq!(acks.len(), 4);
    assert!(acks.last().unwrap().0 <= 745.0);
    assert!(s.acks("S5 back").is_empty());
    assert_eq!(s.acks("w=4"), [(2038.0, 6)]);
    let w = s.world_after("w=4");
    for n in 1..=5 {
        let kv: Vec<_> = w
            .server(n)
            .unwrap()
            .kv
            .entries()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(kv, ["w=4", "y=2", "z=3"], "S{n}");
    }
}
