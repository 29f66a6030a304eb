//! The clients' requests as the page's client history draws them (Porcupine
//! style): a lane per client, a bar per request from its invoke to its
//! acknowledgement, its failure or the cursor (still pending), labelled with
//! its op, its result and the log index where it took effect. Everything as it
//! stood at the timeline's cursor; the bars of requests the linearizability
//! checker blamed are marked.

use super::describe;
use crate::kv::{ClientId, Op};
use crate::raft::{NodeId, Time};
use crate::scenario::timeline::Timeline;
use crate::sim::MS;
use crate::sim::client_requests::{ClientRequest, RequestEnd};
use serde::Serialize;

/// At most this many bars per answer (the newest of the window).
pub const MAX_BARS: usize = 600;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientHistoryView {
    pub now_ms: f64,
    /// Every client that made a request so far, ascending (one lane each).
    pub clients: Vec<ClientId>,
    /// The requests touching the window, oldest invoke first.
    pub bars: Vec<RequestBar>,
    /// Requests in the window left out past [`MAX_BARS`] (the oldest).
    pub left_out: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestBar {
    pub client: ClientId,
    pub seq: u64,
    /// "put", "get" or "delete".
    pub kind: &'static str,
    /// The op in words: `put x=3`.
    pub op: String,
    pub invoked_ms: f64,
    /// The acknowledgement or failure; `None` while pending at the cursor.
    pub end_ms: Option<f64>,
    /// "ok", "failed" or "pending".
    pub status: &'static str,
    /// What a read returned ("none" for a missing key); `None` for a write or
    /// a request without an answer.
    pub result: Option<String>,
    /// The log index where it took effect (acknowledged requests).
    pub index: Option<u64>,
    /// The node of the first attempt, then each retry's (time, node).
    pub to: NodeId,
    pub retries: Vec<(f64, NodeId)>,
    /// Why it failed.
    pub reason: Option<String>,
    /// The linearizability checker named it in a counterexample.
    pub blamed: bool,
    /// One line: op, outcome, index.
    pub label: String,
}

/// The requests of `timeline` (which must keep its history) overlapping
/// `from..=to` (µs) at its cursor.
pub fn view(timeline: &Timeline, from: Time, to: Time) -> Option<ClientHistoryView> {
    let lasting = timeline.lasting()?;
    let cursor = timeline.position();
    let blamed = timeline.world().checker().blamed_requests();
    let all = lasting.requests.all();
    let known = all.partition_point(|r| r.invoked.step <= cursor.step);
    let mut clients: Vec<ClientId> = all[..known].iter().map(|r| r.client).collect();
    clients.sort_unstable();
    clients.dedup();
    let in_window: Vec<&ClientRequest> = all[..known]
        .iter()
        .filter(|r| {
            let end = ended(r, cursor.step).map_or(cursor.time, |(t, _)| t);
            r.invoked.time <= to && end >= from
        })
        .collect();
    let left_out = in_window.len().saturating_sub(MAX_BARS);
    let bars = in_window[left_out..]
        .iter()
        .map(|r| bar(r, cursor.step, blamed.contains(&(r.client, r.seq))))
        .collect();
    Some(ClientHistoryView {
        now_ms: ms(cursor.time),
        clients,
        bars,
        left_out,
    })
}

/// How `r` had ended by step `step`, if it had.
fn ended(r: &ClientRequest, step: u64) -> Option<(Time, &RequestEnd)> {
    r.end
        .as_ref()
        .filter(|(m, _)| m.step <= step)
        .map(|(m, e)| (m.time, e))
}

fn bar(r: &ClientRequest, step: u64, blamed: bool) -> RequestBar {
    let kind = match r.op {
        Op::Put { .. } => "put",
        Op::Get { .. } => "get",
        Op::Delete { .. } => "delete",
    };
    let op = describe::op(&r.op);
    let end = ended(r, step);
    let (status, result, index, reason) = match end.map(|(_, e)| e) {
        None => ("pending", None, None, None),
        Some(RequestEnd::Ok { index, result }) => {
            let shown = (kind == "get").then(|| result.clone().unwrap_or_else(|| "none".into()));
            ("ok", shown, Some(*index), None)
        }
        Some(RequestEnd::Failed { reason }) => ("failed", None, None, Some(reason.clone())),
    };
    let label = match (status, &result, index) {
        ("ok", Some(v), Some(i)) => format!("{op} → {v} @{i}"),
        ("ok", None, Some(i)) => format!("{op} ✓ @{i}"),
        ("failed", ..) => format!("{op} ✗ failed"),
        _ => format!("{op} …"),
    };
    RequestBar {
        client: r.client,
        seq: r.seq,
        kind,
        op,
        invoked_ms: ms(r.invoked.time),
        end_ms: end.map(|(t, _)| ms(t)),
        status,
        result,
        index,
        to: r.to,
        retries: r
            .retries
            .iter()
            .filter(|(m, _)| m.step <= step)
            .map(|(m, n)| (ms(m.time), *n))
            .collect(),
        reason,
        blamed,
        label,
    }
}

fn ms(us: Time) -> f64 {
    us as f64 / MS as f64
}
