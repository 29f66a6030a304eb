//! The trace: every event as one JSON line, and a SHA-256 of those lines.
//! Same scenario => byte-identical lines => the same hash, natively and in wasm.

use crate::sim::config::TraceMode;
use crate::sim::event::{Event, EventKind};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;

#[derive(Clone)]
pub struct Trace {
    mode: TraceMode,
    hasher: Sha256,
    /// Scratch buffer for one line (reused: no allocation per event).
    line: Vec<u8>,
    /// The JSON Lines text, in `TraceMode::Full`.
    text: Vec<u8>,
    /// The newest events (for the page's event log), bounded.
    recent: VecDeque<Event>,
    recent_capacity: usize,
    events: u64,
}

impl Trace {
    pub fn new(mode: TraceMode, recent_capacity: usize) -> Self {
        Trace {
            mode,
            hasher: Sha256::new(),
            line: Vec::with_capacity(256),
            text: Vec::new(),
            recent: VecDeque::new(),
            recent_capacity,
            events: 0,
        }
    }

    pub fn record(&mut self, event: &Event) {
        self.events += 1;
        if self.recent_capacity > 0 {
            if self.recent.len() == self.recent_capacity {
                self.recent.pop_front();
            }
            self.recent.push_back(event.clone());
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

    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.recent.iter()
    }

    pub fn event_count(&self) -> u64 {
        self.events
    }
}
