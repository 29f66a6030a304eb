//! Every client request of a run, from invoke to its end, for the page's client
//! history (a lane per client, a bar per request): built from the history rows
//! as the timeline records them, each moment with its step so that a seek back
//! shows the requests as they stood then.

use crate::event::EventKind;
use crate::kv::{ClientId, Op, OpResult};
use crate::raft::{LogIndex, NodeId, Time};
use crate::sim::history::{HistoryRecord, Recorded};
use std::collections::BTreeMap;

/// When something happened: the clock and the timeline step that did it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub time: Time,
    pub step: u64,
}

/// How a request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestEnd {
    /// Acknowledged: it took effect at log `index` (0 when the answer did not
    /// come from the log, e.g. a broken-rule stale read) and returned `result`.
    Ok { index: LogIndex, result: OpResult },
    /// The client gave up on it for good.
    Failed { reason: String },
}

/// One request, the same across its retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRequest {
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    pub invoked: Moment,
    /// The node of the first attempt.
    pub to: NodeId,
    /// Each retry: when, and to which node.
    pub retries: Vec<(Moment, NodeId)>,
    pub end: Option<(Moment, RequestEnd)>,
}

/// The run's requests in invoke order.
#[derive(Clone, Debug, Default)]
pub struct ClientRequests {
    requests: Vec<ClientRequest>,
    /// `(client, seq)` -> position in `requests`.
    by_id: BTreeMap<(ClientId, u64), usize>,
}

impl ClientRequests {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn all(&self) -> &[ClientRequest] {
        &self.requests
    }

    /// Notes a history row made by timeline step `step`.
    pub fn record(&mut self, step: u64, record: &HistoryRecord) {
        let Recorded::Other(kind) = &record.recorded else {
            return;
        };
        let at = Moment {
            time: record.time,
            step,
        };
        match &**kind {
            EventKind::ClientInvoke {
                client,
                seq,
                op,
                to,
            } => {
                if self.by_id.contains_key(&(*client, *seq)) {
                    return;
                }
                self.by_id.insert((*client, *seq), self.requests.len());
                self.requests.push(ClientRequest {
                    client: *client,
                    seq: *seq,
                    op: op.clone(),
                    invoked: at,
                    to: *to,
                    retries: Vec::new(),
                    end: None,
                });
            }
            EventKind::ClientRetry { client, seq, to } => {
                if let Some(r) = self.get_mut(*client, *seq) {
                    r.retries.push((at, *to));
                }
            }
            EventKind::ClientOk {
                client,
                seq,
                index,
                result,
            } => self.end(*client, *seq, at, || RequestEnd::Ok {
                index: *index,
                result: result.clone(),
            }),
            EventKind::ClientFail {
                client,
                seq,
                reason,
            } => self.end(*client, *seq, at, || RequestEnd::Failed {
                reason: reason.clone(),
            }),
            _ => {}
        }
    }

    /// Forgets what happened after step `step`.
    pub fn cut_after_step(&mut self, step: u64) {
        let keep = self.requests.partition_point(|r| r.invoked.step <= step);
        for r in self.requests.drain(keep..) {
            self.by_id.remove(&(r.client, r.seq));
        }
        for r in &mut self.requests {
            r.retries.retain(|(m, _)| m.step <= step);
            if r.end.as_ref().is_some_and(|(m, _)| m.step > step) {
                r.end = None;
            }
        }
    }

    /// An estimate of the memory held, in bytes.
    pub fn bytes(&self) -> usize {
        self.requests.capacity() * size_of::<ClientRequest>()
            + self.requests.len() * 48
            + self.by_id.len() * 40
    }

    fn get_mut(&mut self, client: ClientId, seq: u64) -> Option<&mut ClientRequest> {
        let i = *self.by_id.get(&(client, seq))?;
        Some(&mut self.requests[i])
    }

    fn end(&mut self, client: ClientId, seq: u64, at: Moment, end: impl FnOnce() -> RequestEnd) {
        if let Some(r) = self.get_mut(client, seq)
            && r.end.is_none()
        {
            r.end = Some((at, end()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;

    fn record(requests: &mut ClientRequests, step: u64, kind: EventKind) {
        let r = HistoryRecord {
            time: step * 1000,
            recorded: Recorded::Other(Box::new(kind)),
        };
        requests.record(step, &r);
    }

    #[test]
    fn invoke_retry_end_and_a_cut() {
        let mut r = ClientRequests::new();
        let op = Op::Get { key: "x".into() };
        let invoke = |seq| EventKind::ClientInvoke {
            client: 1,
            seq,
            op: op.clone(),
            to: 2,
        };
        record(&mut r, 1, invoke(1));
        record(
            &mut r,
            2,
            EventKind::ClientRetry {
                client: 1,
                seq: 1,
                to: 3,
            },
        );
        record(
            &mut r,
            3,
            EventKind::ClientOk {
                client: 1,
                seq: 1,
                index: 7,
                result: Some("v".into()),
            },
        );
        record(&mut r, 4, invoke(2));
        record(
            &mut r,
            5,
            EventKind::ClientFail {
                client: 1,
                seq: 2,
                reason: "the run ended".into(),
            },
        );
        let all = r.all();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].retries,
            vec![(
                Moment {
                    time: 2000,
                    step: 2
                },
                3
            )]
        );
        assert_eq!(
            all[0].end.as_ref().map(|(_, e)| e.clone()),
            Some(RequestEnd::Ok {
                index: 7,
                result: Some("v".into())
            })
        );
        assert!(matches!(all[1].end, Some((_, RequestEnd::Failed { .. }))));
        r.cut_after_step(2);
        assert_eq!(r.all().len(), 1);
        assert_eq!(r.all()[0].end, None, "answered after the cut");
        assert_eq!(r.all()[0].retries.len(), 1);
        record(&mut r, 3, invoke(2));
        assert_eq!(
            r.all().len(),
            2,
            "a request forgotten by the cut comes again"
        );
    }
}
