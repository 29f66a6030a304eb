//! The client history a linearizability check judges: every request with its
//! client, its invoke time and how it ended, built from hand or from the
//! simulator's client events.

use crate::chunked::{CHUNK, Chunked};
use crate::event::{Event, EventKind};
use crate::kv::{ClientId, Op, OpResult};
use crate::raft::Time;
use std::collections::BTreeMap;

/// How a request ended, as far as its client knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Acknowledged: it took effect exactly once, somewhere between its invoke
    /// and `responded_at`, and returned `result`.
    Ok {
        result: OpResult,
        responded_at: Time,
    },
    /// Known not to have taken effect; the check ignores it. The simulator never
    /// knows this: a `NotLeader` answer from one node does not rule out an earlier
    /// attempt appended elsewhere, and a timeout rules out nothing. It is here for
    /// hand-written histories and for clients that can prove it.
    Failed,
    /// No answer (yet, or ever): it may have taken effect at any point after its
    /// invoke, or never. Its response time is infinity.
    Pending,
}

/// One client request, the same across all its retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub client: ClientId,
    /// With `client`, identifies the request across retries.
    pub seq: u64,
    pub op: Op,
    pub invoked_at: Time,
    pub outcome: Outcome,
}

impl Operation {
    /// The key the operation touches (every `Op` touches exactly one).
    pub fn key(&self) -> &str {
        match &self.op {
            Op::Put { key, .. } | Op::Delete { key } | Op::Get { key } => key,
        }
    }

    /// When the acknowledgement arrived; `None` when there was none.
    pub fn responded_at(&self) -> Option<Time> {
        match self.outcome {
            Outcome::Ok { responded_at, .. } => Some(responded_at),
            Outcome::Failed | Outcome::Pending => None,
        }
    }
}

/// The requests of a run, in invoke order. Chunked, so that a checkpoint of a
/// world (whose checker keeps its clients' history) shares it.
#[derive(Clone, Debug, Default)]
pub struct History {
    operations: Chunked<Operation>,
    /// `(client, seq)` -> position in `operations`.
    /// Invariant: one entry per operation, so a request is never counted twice.
    by_request: RequestIndex,
    /// key -> positions in `operations` of the requests on it, in invoke order
    /// (a live checker searches one key often: building its history must not
    /// cost the whole run's). Chunked, shared between clones like the rest.
    by_key: BTreeMap<String, Chunked<usize>>,
}

/// Two histories are equal when they hold the same operations in the same order
/// (the index is derived from them).
impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.operations == other.operations
    }
}

impl Eq for History {}

/// `(client, seq)` -> position, shared between clones too: per client, positions
/// by seq (a run's seqs count up from 0 or 1); a seq far past the others goes to
/// `sparse`, so a hand-written history with seq 10^9 costs no dense table.
#[derive(Clone, Debug, Default)]
struct RequestIndex {
    dense: BTreeMap<ClientId, Chunked<Option<usize>>>,
    sparse: BTreeMap<(ClientId, u64), usize>,
}

impl RequestIndex {
    fn get(&self, client: ClientId, seq: u64) -> Option<usize> {
        let dense = self
            .dense
            .get(&client)
            .and_then(|d| d.get(usize::try_from(seq).ok()?));
        dense
            .copied()
            .flatten()
            .or_else(|| self.sparse.get(&(client, seq)).copied())
    }

    /// Records a request `get` does not know yet.
    fn insert(&mut self, client: ClientId, seq: u64, position: usize) {
        let dense = self.dense.entry(client).or_default();
        let i = usize::try_from(seq).unwrap_or(usize::MAX);
        if i < dense.len() {
            *dense.get_mut(i).expect("within the table") = Some(position);
        } else if i <= dense.len().saturating_add(CHUNK) {
            while dense.len() < i {
                dense.push(None);
            }
            dense.push(Some(position));
        } else {
            self.sparse.insert((client, seq), position);
        }
    }
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// The history of a stream of events (only the client events matter).
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut history = History::new();
        for event in events {
            history.observe(event);
        }
        history
    }

    /// Feeds one event of a run, in time order (what a live checker does).
    ///
    /// - `ClientInvoke` adds a pending operation.
    /// - `ClientOk` acknowledges it with its result.
    /// - `ClientRetry` is the same request sent again: nothing changes.
    /// - `ClientFail` only says the run ended before an answer, so the request
    ///   stays pending (it may have taken effect): it is not a failure.
    ///
    /// Answers to requests the history never saw invoked are ignored (a stream
    /// joined mid-run), and so are second answers.
    pub fn observe(&mut self, event: &Event) {
        match &event.kind {
            EventKind::ClientInvoke {
                client, seq, op, ..
            } => {
                // A second invoke of one request cannot happen in the simulator;
                // ignoring it keeps the first, which is what the client waited on.
                let _ = self.push(Operation {
                    client: *client,
                    seq: *seq,
                    op: op.clone(),
                    invoked_at: event.time,
                    outcome: Outcome::Pending,
                });
            }
            EventKind::ClientOk {
                client,
                seq,
                result,
                ..
            } => self.acknowledge(*client, *seq, result.clone(), event.time),
            _ => {}
        }
    }

    /// Adds an operation (hand-written histories; `observe` for runs).
    pub fn push(&mut self, operation: Operation) -> Result<(), String> {
        let request = (operation.client, operation.seq);
        if self.by_request.get(request.0, request.1).is_some() {
            return Err(format!(
                "Client {}'s request {} is already in the history.",
                request.0, request.1
            ));
        }
        if let Some(at) = operation.responded_at()
            && at < operation.invoked_at
        {
            return Err(format!(
                "Client {}'s request {} is answered at {at} µs, before its invoke at {} µs.",
                request.0, request.1, operation.invoked_at
            ));
        }
        self.by_request
            .insert(request.0, request.1, self.operations.len());
        match self.by_key.get_mut(operation.key()) {
            Some(positions) => positions.push(self.operations.len()),
            None => {
                let mut positions = Chunked::new();
                positions.push(self.operations.len());
                self.by_key.insert(operation.key().to_string(), positions);
            }
        }
        self.operations.push(operation);
        Ok(())
    }

    /// Marks a pending request as acknowledged with `result` at `at`.
    pub fn acknowledge(&mut self, client: ClientId, seq: u64, result: OpResult, at: Time) {
        let Some(i) = self.by_request.get(client, seq) else {
            return;
        };
        let Some(operation) = self.operations.get_mut(i) else {
            return;
        };
        if operation.outcome == Outcome::Pending && at >= operation.invoked_at {
            operation.outcome = Outcome::Ok {
                result,
                responded_at: at,
            };
        }
    }

    pub fn operations(&self) -> &Chunked<Operation> {
        &self.operations
    }

    /// The requests on `key` with their positions in [`History::operations`],
    /// in invoke order.
    pub fn operations_on<'a>(&'a self, key: &str) -> impl Iterator<Item = (usize, &'a Operation)> {
        self.by_key
            .get(key)
            .into_iter()
            .flat_map(|positions| positions.iter())
            .map(|&i| (i, self.operations.get(i).expect("an indexed operation")))
    }

    pub fn len(&self) -> usize {
        self.operations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// The keys touched, in key order.
    pub fn keys(&self) -> Vec<&str> {
        self.by_key.keys().map(String::as_str).collect()
    }

    /// How many requests have no answer.
    pub fn pending(&self) -> usize {
        self.operations
            .iter()
            .filter(|o| o.outcome == Outcome::Pending)
            .count()
    }
}
