//! The sequence diagram as the page reads it: for a window of time, the arrows
//! of the messages that show in it and each node's role and term over it, as
//! flat numbers (a page redraws them often), as of the timeline's cursor.
//!
//! The data are the timeline's [`Lifetimes`]; nothing after the cursor shows:
//! after a seek back, messages sent later are left out and messages that ended
//! later are drawn in flight.

use crate::event::{Address, DropReason, MessageId};
use crate::present::describe::{self, MessageLink};
use crate::raft::{NodeId, RoleKind, Term, Time};
use crate::scenario::timeline::Timeline;
use crate::sim::MS;
use crate::sim::lifetimes::{At, Lifetime, Lifetimes, Outcome};
use serde::Serialize;

/// Numbers per arrow in [`SequenceView::arrows`].
pub const ARROW_STRIDE: usize = 11;
/// Numbers per shaded span in [`SequenceView::spans`].
pub const SPAN_STRIDE: usize = 5;

/// The drop reasons in code order (the arrows' reason code indexes this).
pub const DROP_REASONS: [DropReason; 4] = [
    DropReason::Loss,
    DropReason::Partitioned,
    DropReason::Crashed,
    DropReason::Manual,
];

/// Short names of [`DROP_REASONS`], for a cross's label.
pub const DROP_REASON_NAMES: [&str; 4] = [
    "random loss",
    "partitioned link",
    "receiver crashed",
    "dropped by hand",
];

/// Numbers before the arrows in [`pack`]: `now ms, hidden heartbeats,
/// truncated (0/1), arrow count, span count`.
pub const PACK_HEADER: usize = 5;

/// `view` as one flat list for the page: the [`PACK_HEADER`] numbers, then
/// the arrows, then the spans.
pub fn pack(view: &SequenceView, out: &mut Vec<f64>) {
    out.clear();
    out.extend_from_slice(&[
        view.now_ms,
        view.hidden_heartbeats as f64,
        view.truncated as u8 as f64,
        (view.arrows.len() / ARROW_STRIDE) as f64,
        (view.spans.len() / SPAN_STRIDE) as f64,
    ]);
    out.extend_from_slice(&view.arrows);
    out.extend_from_slice(&view.spans);
}

/// Which part of the run to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: Time,
    pub to: Time,
    /// Show heartbeats (and the replies to them).
    pub heartbeats: bool,
}

/// The diagram's data for one window.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SequenceView {
    /// The cursor (ms).
    pub now_ms: f64,
    /// [`ARROW_STRIDE`] numbers per message, oldest first: `id, from lane, to
    /// lane (a node's id; 0 = the clients), kind code (MessageKind), sent at
    /// ms, ended at ms (delivered or dropped; while in flight, when it is
    /// due), outcome (0 in flight, 1 delivered, 2 dropped), drop reason code
    /// (index in [`DROP_REASON_NAMES`]; -1 if not dropped), rejected (1 = a reply that
    /// says no), term (0 for client messages), due at ms (when it would have
    /// arrived: where a dropped one's line was heading)`.
    pub arrows: Vec<f64>,
    /// [`SPAN_STRIDE`] numbers per span of a node's life in the window: `node,
    /// role code (0 follower, 1 candidate, 2 leader, 3 precandidate, -1
    /// crashed), term, from ms, to ms`.
    pub spans: Vec<f64>,
    /// Heartbeats (and their replies) left out by the filter.
    pub hidden_heartbeats: usize,
    /// The window reaches back before the oldest message remembered.
    pub truncated: bool,
}

fn ms(us: Time) -> f64 {
    us as f64 / MS as f64
}

fn lane(a: Address) -> f64 {
    a.node().map_or(0.0, |n| n as f64)
}

fn role_code(role: Option<RoleKind>) -> f64 {
    match role {
        None => -1.0,
        Some(RoleKind::Follower) => 0.0,
        Some(RoleKind::Candidate) => 1.0,
        Some(RoleKind::Leader) => 2.0,
        Some(RoleKind::Precandidate) => 3.0,
    }
}

fn reason_code(reason: DropReason) -> usize {
    DROP_REASONS
        .iter()
        .position(|r| *r == reason)
        .expect("every reason is listed")
}

/// The diagram of the timeline's run in `window`, as of its cursor.
pub fn sequence(timeline: &Timeline, window: Window) -> SequenceView {
    let p = timeline.position();
    let at = At {
        time: p.time,
        step: p.step,
    };
    let nodes = timeline.world().config().nodes as NodeId;
    view(timeline.lifetimes(), nodes, at, window)
}

/// The diagram of `lifetimes` in `window` as of `at`, for nodes `1..=nodes`.
pub fn view(lifetimes: &Lifetimes, nodes: NodeId, at: At, window: Window) -> SequenceView {
    let to = window.to.min(at.time);
    let mut arrows = Vec::new();
    let mut hidden_heartbeats = 0;
    for m in lifetimes.around(window.from, to, at) {
        let end = m.end_as_of(at);
        let end_time = end.map_or(m.due.max(at.time), |e| e.at.time);
        if end_time < window.from {
            continue;
        }
        if !window.heartbeats && m.is_heartbeat() {
            hidden_heartbeats += 1;
            continue;
        }
        let (outcome, reason) = match end.map(|e| e.outcome) {
            None => (0.0, -1.0),
            Some(Outcome::Delivered) => (1.0, -1.0),
            Some(Outcome::Dropped(r)) => (2.0, reason_code(r) as f64),
        };
        arrows.extend_from_slice(&[
            m.id as f64,
            lane(m.from),
            lane(m.to),
            m.kind.code() as f64,
            ms(m.sent.time),
            ms(end.map_or(m.due, |e| e.at.time)),
            outcome,
            reason,
            m.rejected as u8 as f64,
            m.term as f64,
            ms(m.due),
        ]);
    }
    let truncated = lifetimes.forgotten() > 0
        && lifetimes
            .messages()
            .next()
            .is_some_and(|m| m.sent.time > window.from);
    SequenceView {
        now_ms: ms(at.time),
        arrows,
        spans: spans(lifetimes, nodes, at, window.from, to),
        hidden_heartbeats,
        truncated,
    }
}

/// Each node's role and term over `from..=to` (up to `at`), as spans.
fn spans(lifetimes: &Lifetimes, nodes: NodeId, at: At, from: Time, to: Time) -> Vec<f64> {
    // What each node is since when: (since, role, term); every node starts a follower of term 0.
    let mut current: Vec<(Time, Option<RoleKind>, Term)> =
        vec![(0, Some(RoleKind::Follower), 0); nodes as usize + 1];
    let mut out = Vec::new();
    let close =
        |out: &mut Vec<f64>, node: NodeId, span: (Time, Option<RoleKind>, Term), end: Time| {
            let (since, role, term) = span;
            if end > since && end >= from && since <= to {
                out.extend_from_slice(&[
                    node as f64,
                    role_code(role),
                    term as f64,
                    ms(since.max(from)),
                    ms(end.min(to)),
                ]);
            }
        };
    for r in lifetimes.role_changes() {
        if r.since.step > at.step || r.since.time > to {
            break;
        }
        let Some(slot) = current.get_mut(r.node as usize) else {
            continue;
        };
        let previous = *slot;
        *slot = (r.since.time, r.role, r.term);
        close(&mut out, r.node, previous, r.since.time);
    }
    for node in 1..=nodes {
        close(&mut out, node, current[node as usize], to);
    }
    out
}

/// One message as the inspector shows it once delivered or dropped (or in
/// flight): what it was, when, and how it ended, as of the cursor.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRecord {
    pub id: MessageId,
    pub kind: &'static str,
    pub from: String,
    pub to: String,
    /// The sender's term; `None` for client messages.
    pub term: Option<Term>,
    pub rejected: bool,
    pub heartbeat_reply: bool,
    pub sent_ms: f64,
    pub due_ms: f64,
    /// When it was delivered or dropped; `None` while in flight.
    pub ended_ms: Option<f64>,
    /// "in flight", "delivered" or "dropped".
    pub outcome: &'static str,
    /// The simulator's reason, as a sentence, when dropped.
    pub reason: Option<String>,
}

/// Message `id` as of the timeline's cursor, if remembered and sent by then.
pub fn message(timeline: &Timeline, id: MessageId) -> Option<MessageRecord> {
    let p = timeline.position();
    let at = At {
        time: p.time,
        step: p.step,
    };
    record(timeline.lifetimes().get(id)?, at)
}

/// `m` as of `at` (`None` if it was not sent yet then).
pub fn record(m: &Lifetime, at: At) -> Option<MessageRecord> {
    if m.sent.step > at.step {
        return None;
    }
    let end = m.end_as_of(at);
    let name = |a: Address| match a {
        Address::Node(n) => format!("S{n}"),
        Address::Client(c) => format!("client {c}"),
    };
    let (outcome, reason) = match end.map(|e| e.outcome) {
        None => ("in flight", None),
        Some(Outcome::Delivered) => ("delivered", None),
        Some(Outcome::Dropped(r)) => {
            let link = MessageLink {
                from: m.from,
                to: m.to,
                kind: m.kind,
            };
            ("dropped", Some(describe::drop(m.id, r, Some(link))))
        }
    };
    Some(MessageRecord {
        id: m.id,
        kind: m.kind.name(),
        from: name(m.from),
        to: name(m.to),
        term: (m.from.node().is_some() && m.to.node().is_some()).then_some(m.term),
        rejected: m.rejected,
        heartbeat_reply: m.heartbeat_reply,
        sent_ms: ms(m.sent.time),
        due_ms: ms(m.due),
        ended_ms: end.map(|e| ms(e.at.time)),
        outcome,
        reason,
    })
}
