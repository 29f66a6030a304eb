//! The trace: every event as one JSON line, and a SHA-256 of those lines.
//! Same scenario => byte-identical lines => the same hash, natively and in wasm.

use crate::sim::config::TraceMode;
use crate::sim::event::{Event, EventKind};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::sync::Arc;

/// Events per chunk of [`Trace::recent`]'s window.
const RECENT_CHUNK: usize = 32;

#[derive(Clone)]
pub struct Trace {
    mode: TraceMode,
    hasher: Sha256,
    /// Scratch buffer for one line (reused: no allocation per event).
    line: Vec<u8>,
    /// The JSON Lines text, in `TraceMode::Full`.
    text: Vec<u8>,
    /// The newest events (for the page's event log), in chunks of
    /// [`RECENT_CHUNK`] that a clone (a time-travel checkpoint) shares: every
    /// chunk but the last is full, and whole chunks are dropped from the front
    /// once the rest hold `recent_capacity` events. [`Trace::recent`] shows the
    /// newest `recent_capacity`.
    recent: VecDeque<Arc<Vec<Event>>>,
    /// Events in `recent`'s chunks.
    recent_held: usize,
    recent_capacity: usize,
    /// Every event recorded, `rejected` ones included.
    recorded: u64,
    /// The `rejected` events among them (observability only).
    rejections: u64,
}

impl Trace {
    pub fn new(mode: TraceMode, recent_capacity: usize) -> Self {
        Trace {
            mode,
            hasher: Sha256::new(),
            line: Vec::with_capacity(256),
            text: Vec::new(),
            recent: VecDeque::new(),
            recent_held: 0,
            recent_capacity,
            recorded: 0,
            rejections: 0,
        }
    }

    pub fn record(&mut self, event: &Event) {
        self.recorded += 1;
        if matches!(event.kind, EventKind::Rejected { .. }) {
            self.rejections += 1;
        }
        if self.recent_capacity > 0 {
            self.keep_recent(event);
        }
        if self.mode == TraceMode::Off {
            return;
        }
        self.line.clear();
        serde_json::to_writer(&mut self.line, event).expect("events always serialise");
        self.line.push(b'\n');
        self.hasher.update(&self.line);
        if self.mode == TraceMode::Full {
            self.text.extend_from_slice(&self.line);
        }
    }

    /// Lowercase hex SHA-256 of every line so far (empty when the mode is `Off`).
    pub fn hash(&self) -> String {
        if self.mode == TraceMode::Off {
            return String::new();
        }
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The JSON Lines text so far (`TraceMode::Full` only).
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// The events of the JSON Lines text parsed back (`TraceMode::Full` only),
    /// without the `violation` lines: those are the checker's verdicts on the
    /// run, not part of it (the world keeps them as values).
    pub fn events(&self) -> Vec<Event> {
        self.text
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).expect("a trace line parses back"))
            .filter(|e: &Event| !matches!(e.kind, EventKind::Violation(_)))
            .collect()
    }

    /// The newest events, at most `recent_capacity`, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &Event> {
        let first = self.recent_held.saturating_sub(self.recent_capacity);
        (first..self.recent_held).map(|i| &self.recent[i / RECENT_CHUNK][i % RECENT_CHUNK])
    }

    fn keep_recent(&mut self, event: &Event) {
        match self.recent.back_mut() {
            Some(last) if last.len() < RECENT_CHUNK => Arc::make_mut(last).push(event.clone()),
            _ => {
                let mut chunk = Vec::with_capacity(RECENT_CHUNK);
                chunk.push(event.clone());
                self.recent.push_back(Arc::new(chunk));
            }
        }
        self.recent_held += 1;
        while self.recent.len() > 1 && self.recent_held - RECENT_CHUNK >= self.recent_capacity {
            self.recent.pop_front();
            self.recent_held -= RECENT_CHUNK;
        }
    }

    /// Events so far, not counting `rejected` ones: those only say why a node
    /// refused something, so the storm budget (`sim::sweep::event_budget`) and
    /// every count stay what they were before rejections were recorded.
    pub fn event_count(&self) -> u64 {
        self.recorded - self.rejections
    }

    /// Every event recorded so far, `rejected` ones included (what
    /// [`Trace::recent`] has seen).
    pub fn recorded_count(&self) -> u64 {
        self.recorded
    }

    /// The `rejected` events recorded so far.
    pub fn rejection_count(&self) -> u64 {
        self.rejections
    }
}
