//! The sequence diagram's data (`sim::lifetimes`, `present::sequence`): exact
//! arrows for a scripted election, and, on the page's timeline, the run as of
//! the cursor after a seek back or a fork, whatever came after.

mod support;

use raft_playground::event::MessageKind;
use raft_playground::kv::Op;
use raft_playground::present::sequence::{
    self, ARROW_STRIDE, DROP_REASON_NAMES, SPAN_STRIDE, SequenceView, Window,
};
use raft_playground::raft::{MessageBody, RoleKind};
use raft_playground::scenario::timeline::{CheckpointPolicy, Timeline};
use raft_playground::scenario::{Scenario, presets};
use raft_playground::sim::lifetimes::{At, Lifetimes};
use raft_playground::sim::{Action, Harness, MS, SECOND, SimConfig, TraceMode};

/// One arrow of a view, readable.
#[derive(Debug, PartialEq)]
struct Arrow {
    id: u64,
    from: u64,
    to: u64,
    kind: &'static str,
    outcome: &'static str,
    reason: Option<&'static str>,
    rejected: bool,
    term: u64,
}

fn arrows(v: &SequenceView) -> Vec<Arrow> {
    v.arrows
        .chunks(ARROW_STRIDE)
        .map(|a| Arrow {
            id: a[0] as u64,
            from: a[1] as u64,
            to: a[2] as u64,
            kind: MessageKind::ALL[a[3] as usize].name(),
            outcome: ["in flight", "delivered", "dropped"][a[6] as usize],
            reason: (a[7] >= 0.0).then(|| DROP_REASON_NAMES[a[7] as usize]),
            rejected: a[8] == 1.0,
            term: a[9] as u64,
        })
        .collect()
}

fn arrow(id: u64, from: u64, to: u64, kind: &'static str, outcome: &'static str) -> Arrow {
    Arrow {
        id,
        from,
        to,
        kind,
        outcome,
        reason: None,
        rejected: false,
        term: 1,
    }
}

/// A harness whose every step is fed to a `Lifetimes` store, as the timeline does.
struct Scripted {
    h: Harness,
    lifetimes: Lifetimes,
    steps: u64,
}

impl Scripted {
    fn new(nodes: usize) -> Self {
        let mut h = Harness::new(Harness::config(nodes));
        h.world_mut().collect_traffic(true);
        Scripted {
            h,
            lifetimes: Lifetimes::new(),
            steps: 0,
        }
    }

    fn step(&mut self, f: impl FnOnce(&mut Harness)) {
        f(&mut self.h);
        self.steps += 1;
        let (lifetimes, step) = (&mut self.lifetimes, self.steps);
        self.h
            .world_mut()
            .drain_traffic(|t| lifetimes.record(step, t));
    }

    fn at(&self) -> At {
        At {
            time: self.h.world().now(),
            step: self.steps,
        }
    }

    fn view(&self, heartbeats: bool) -> SequenceView {
        let window = Window {
            from: 0,
            to: self.h.world().now(),
            heartbeats,
        };
        sequence::view(&self.lifetimes, 3, self.at(), window)
    }

    fn held(&self, pred: impl Fn(&raft_playground::raft::Message) -> bool) -> u64 {
        self.h.held().iter().find(|(_, m)| pred(m)).unwrap().0
    }
}

#[test]
fn a_scripted_election_draws_its_votes_a_drop_and_a_refusal() {
    let mut s = Scripted::new(3);
    // S1 stands in term 1: RequestVote to S2 (#1) and S3 (#2), both held.
    s.step(|h| h.timeout(1));
    let to_s2 = s.held(|m| m.to == 2);
    let to_s3 = s.held(|m| m.to == 3);
    // S2 votes yes (#3); S1 counts it and leads term 1.
    s.step(|h| h.deliver(to_s2));
    let vote = s.held(|m| matches!(m.body, MessageBody::RequestVoteReply { .. }));
    s.step(|h| h.deliver(vote));
    assert_eq!(s.h.role(1), Some((RoleKind::Leader, 1)));
    // S3 crashes: what was on its way to it is dropped, for that reason.
    s.step(|h| h.crash(3));
    let v = s.view(true);
    let got = arrows(&v);
    let expected_head = [
        arrow(to_s2, 1, 2, "RequestVote", "delivered"),
        Arrow {
            reason: Some("receiver crashed"),
            ..arrow(to_s3, 1, 3, "RequestVote", "dropped")
        },
        arrow(vote, 2, 1, "RequestVoteReply", "delivered"),
    ];
    assert_eq!(got[..3], expected_head[..], "{got:#?}");
    // The new leader's first AppendEntries: held to S2, dropped to S3.
    for a in &got[3..] {
        assert_eq!((a.from, a.term), (1, 1), "{a:?}");
        match a.to {
            2 => assert_eq!(a.outcome, "in flight"),
            3 => assert_eq!((a.outcome, a.reason), ("dropped", Some("receiver crashed"))),
            _ => panic!("{a:?}"),
        }
    }
    assert!(got.len() >= 5, "{got:#?}");

    // S1 takes a write; S2 (whose log is now behind) stands in term 2 and S1
    // refuses its vote: a rejected reply.
    s.step(|h| {
        h.propose(
            1,
            Op::Put {
                key: "k".into(),
                value: "v".into(),
            },
        )
        .unwrap();
    });
    s.step(|h| h.timeout(2));
    let plea = s.held(|m| m.from == 2 && matches!(m.body, MessageBody::RequestVote { .. }));
    s.step(|h| h.deliver(plea));
    let refusal = s.held(|m| matches!(m.body, MessageBody::RequestVoteReply { .. }));
    s.step(|h| h.deliver(refusal));
    let got = arrows(&s.view(true));
    let refused = got.iter().find(|a| a.id == refusal).unwrap();
    assert_eq!(
        refused,
        &Arrow {
            rejected: true,
            term: 2,
            ..arrow(refusal, 1, 2, "RequestVoteReply", "delivered")
        }
    );
    // S2's RequestVote to the crashed S3 is dropped as it is sent.
    let to_crashed = got
        .iter()
        .find(|a| a.from == 2 && a.to == 3 && a.kind == "RequestVote")
        .unwrap();
    assert_eq!(to_crashed.reason, Some("receiver crashed"));
    // Lanes: S1 led term 1, then followed in term 2; S3 is crashed.
    let spans: Vec<(u64, f64, u64)> = s
        .view(true)
        .spans
        .chunks(SPAN_STRIDE)
        .map(|x| (x[0] as u64, x[1], x[2] as u64))
        .collect();
    assert!(spans.contains(&(1, 2.0, 1)), "{spans:?}");
    assert!(spans.contains(&(1, 0.0, 2)), "{spans:?}");
    assert!(spans.contains(&(3, -1.0, 0)), "{spans:?}");
    assert!(spans.contains(&(2, 1.0, 2)), "{spans:?}");

    // The inspector's record of the dropped one says why in a sentence.
    let record = sequence::record(s.lifetimes.get(to_s3).unwrap(), s.at()).unwrap();
    assert_eq!(record.outcome, "dropped");
    assert_eq!(
        record.reason.as_deref(),
        Some("message #2 (RequestVote S1 → S3) dropped: receiver S3 crashed")
    );
}

#[test]
fn the_heartbeat_filter_hides_heartbeats_and_their_replies() {
    let mut t = timeline(SimConfig::default());
    t.seek(3 * SECOND);
    let window = |heartbeats| Window {
        from: 0,
        to: 3 * SECOND,
        heartbeats,
    };
    let all = arrows(&sequence::sequence(&t, window(true)));
    let filtered = sequence::sequence(&t, window(false));
    let some = arrows(&filtered);
    assert!(all.iter().any(|a| a.kind == "Heartbeat"));
    assert!(some.iter().all(|a| a.kind != "Heartbeat"));
    assert_eq!(all.len(), some.len() + filtered.hidden_heartbeats);
    // Replies to heartbeats go too, but not every AppendEntriesReply: the
    // ones answering entries stay.
    let replies = |v: &[Arrow]| v.iter().filter(|a| a.kind == "AppendEntriesReply").count();
    assert!(replies(&some) < replies(&all));
    assert!(some.iter().any(|a| a.kind == "AppendEntries"));
}

fn timeline(config: SimConfig) -> Timeline {
    Timeline::new(
        Scenario::new(config),
        TraceMode::Off,
        0,
        CheckpointPolicy::default(),
    )
    .unwrap()
}

fn whole(t: &Timeline) -> SequenceView {
    let window = Window {
        from: 0,
        to: t.now(),
        heartbeats: true,
    };
    sequence::sequence(t, window)
}

#[test]
fn after_a_seek_back_the_diagram_is_the_run_up_to_the_cursor() {
    let p = presets::get("crash-restart").unwrap();
    let open = |until| {
        let mut t = Timeline::new(
            p.scenario.clone(),
            TraceMode::Off,
            0,
            CheckpointPolicy::default(),
        )
        .unwrap();
        t.seek(until);
        t
    };
    let mut t = open(4 * SECOND);
    for back in [2500 * MS, 1234 * MS, 3 * SECOND, 10 * MS] {
        t.seek(back);
        let fresh = open(back);
        assert_eq!(whole(&t), whole(&fresh), "at {back} µs");
        assert!(arrows(&whole(&t)).iter().any(|a| a.outcome == "in flight") || back < 200 * MS);
    }
    // Step by step too: the same world as a fresh run to that step.
    t.seek(1500 * MS);
    let step = t.position().step;
    t.seek_step(step - 3);
    let mut fresh = open(0);
    fresh.seek_step(step - 3);
    assert_eq!(whole(&t), whole(&fresh));
}

#[test]
fn a_fork_forgets_the_abandoned_future() {
    let config = SimConfig::default();
    let mut t = timeline(config.clone());
    t.seek(3 * SECOND);
    t.seek(1200 * MS);
    let leader = t.world().leader().unwrap();
    t.act(Action::Crash { node: leader }).unwrap();
    t.seek(2 * SECOND);
    // A fresh run of the same actions draws the same diagram.
    let mut scenario = Scenario::new(config);
    scenario.actions = t.actions().to_vec();
    let mut fresh =
        Timeline::new(scenario, TraceMode::Off, 0, CheckpointPolicy::default()).unwrap();
    fresh.seek(2 * SECOND);
    assert_eq!(whole(&t), whole(&fresh));
    // And a drop with the crash's reason shows, to the crashed leader.
    assert!(
        arrows(&whole(&t)).iter().any(|a| a.to == leader
            && a.outcome == "dropped"
            && a.reason == Some("receiver crashed"))
    );
    // The message record agrees with its arrow.
    let a = &arrows(&whole(&t))[0];
    let r = sequence::message(&t, a.id).unwrap();
    assert_eq!((r.kind, r.outcome), (a.kind, a.outcome));
    assert_eq!(r.from, format!("S{}", a.from));
}

#[test]
fn memory_is_bounded() {
    let mut t = timeline(SimConfig {
        nodes: 9,
        ..SimConfig::default()
    });
    // About 320 messages a second: past the bound after some 205 s.
    t.seek(220 * SECOND);
    let l = t.lifetimes();
    assert_eq!(
        l.messages().count(),
        raft_playground::sim::lifetimes::MAX_MESSAGES
    );
    assert!(l.forgotten() > 0);
    eprintln!("lifetimes: {} bytes", l.approx_bytes());
    assert!(l.approx_bytes() < 8 << 20, "{} bytes", l.approx_bytes());
    // A window of the recent past is whole; one reaching before what is
    // remembered says so.
    let recent = sequence::sequence(
        &t,
        Window {
            from: 219 * SECOND,
            to: 220 * SECOND,
            heartbeats: true,
        },
    );
    assert!(!recent.truncated && !recent.arrows.is_empty());
    assert!(whole(&t).truncated);
}
