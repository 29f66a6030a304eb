//! Everything that watches a run: the safety checker, the liveness watch (sweeps
//! only), the trace, and the violations found so far. Each event the world emits
//! reaches all of them, in that order, exactly once.

use crate::check::liveness::LivenessWatch;
use crate::check::{Checker, Violation};
use crate::raft::{NodeId, Time};
use crate::sim::config::TraceMode;
use crate::sim::event::{Event, EventKind};
use crate::sim::history::History;
use crate::sim::lifetimes::Timed;
use crate::sim::trace::Trace;

#[derive(Clone)]
pub struct Observers {
    checker: Checker,
    /// Sweeps only: judges progress after the final heal.
    liveness: Option<LivenessWatch>,
    trace: Trace,
    /// Every violation found so far, in the order the trace records them.
    violations: Vec<Violation>,
    /// The page's whole-run event list, once asked for ([`Observers::keep_history`]).
    history: Option<History>,
    /// Time travel only: the notable events (see [`is_notable`]) since the last
    /// [`Observers::take_notable`]; `None` when nobody collects them.
    notable: Option<Vec<Event>>,
    /// Sequence diagram only: the message steps and role changes since the
    /// last [`Observers::take_traffic`]; `None` when nobody collects them.
    traffic: Option<Vec<Timed>>,
}

/// Events worth a marker on a timeline: elections and leaders, crashes and
/// restarts, partitions, cuts and heals, violations. Few per step.
pub fn is_notable(kind: &EventKind) -> bool {
    use crate::raft::RoleKind;
    matches!(
        kind,
        EventKind::Role {
            role: RoleKind::Candidate | RoleKind::Leader,
            ..
        } | EventKind::Crash { .. }
            | EventKind::Restart { .. }
            | EventKind::Partition { .. }
            | EventKind::Cut { .. }
            | EventKind::Heal
            | EventKind::Violation(_)
    )
}

impl Observers {
    /// Observers of a cluster of `nodes`; `trace` and `recent_events` as for [`Trace::new`].
    pub fn new(nodes: &[NodeId], trace: TraceMode, recent_events: usize) -> Self {
        Observers {
            checker: Checker::new(nodes),
            liveness: None,
            trace: Trace::new(trace, recent_events),
            violations: Vec::new(),
            history: None,
            notable: None,
            traffic: None,
        }
    }

    /// Starts (or stops) keeping the notable events for [`Observers::take_notable`].
    pub fn collect_notable(&mut self, on: bool) {
        self.notable = on.then(Vec::new);
    }

    /// The notable events since the last call (empty when not collecting).
    pub fn take_notable(&mut self) -> Vec<Event> {
        self.notable
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Starts (or stops) keeping what a sequence diagram draws for [`Observers::take_traffic`].
    pub fn collect_traffic(&mut self, on: bool) {
        self.traffic = on.then(Vec::new);
    }

    /// Hands what a sequence diagram draws since the last call to `read`
    /// (nothing when not collecting), then forgets it (keeping the buffer).
    pub fn drain_traffic(&mut self, read: impl FnOnce(&[Timed])) {
        if let Some(traffic) = self.traffic.as_mut() {
            read(traffic);
            traffic.clear();
        }
    }

    fn note(&mut self, event: &Event) {
        if let Some(traffic) = self.traffic.as_mut()
            && let Some(t) = Timed::of(event)
        {
            traffic.push(t);
        }
        if let Some(notable) = self.notable.as_mut()
            && is_notable(&event.kind)
        {
            notable.push(event.clone());
        }
    }

    /// Shows an event at `time` to every observer and hands its kind back, so that
    /// a payload can be moved in and out of the event instead of cloned (the hot
    /// path of every message).
    pub fn emit(&mut self, time: Time, kind: EventKind) -> EventKind {
        let event = Event { time, kind };
        if let Some(l) = self.liveness.as_mut() {
            l.observe(&event);
        }
        let found = self.checker.observe(&event);
        self.trace.record(&event);
        if let Some(h) = self.history.as_mut() {
            h.record(&event);
        }
        self.note(&event);
        for v in found {
            self.record_violation(time, v);
        }
        event.kind
    }

    /// The one place a violation is recorded: in the trace, right after the event
    /// that revealed it, and in the list.
    fn record_violation(&mut self, time: Time, violation: Violation) {
        let event = Event {
            time,
            kind: EventKind::Violation(violation.clone()),
        };
        self.trace.record(&event);
        if let Some(h) = self.history.as_mut() {
            h.record(&event);
        }
        self.note(&event);
        self.violations.push(violation);
    }

    /// Judges what the checker still holds back (a `Commit` waiting for the rest
    /// of its `Ready`); call it when a run ends. Returns the violations it revealed.
    pub fn flush_checker(&mut self, now: Time) -> Vec<Violation> {
        let found = self.checker.flush();
        for v in &found {
            self.record_violation(now, v.clone());
        }
        found
    }

    /// Starts judging liveness with `watch` (sweeps).
    pub fn watch_liveness(&mut self, watch: LivenessWatch) {
        self.liveness = Some(watch);
    }

    /// Liveness violations at `end`, allowing `bound` after the final heal;
    /// recorded at `now` like any other violation.
    pub fn finish_liveness(&mut self, now: Time, end: Time, bound: Time) -> Vec<Violation> {
        let found = self
            .liveness
            .as_ref()
            .map(|l| l.finish(end, bound))
            .unwrap_or_default();
        for v in &found {
            self.record_violation(now, v.clone());
        }
        found
    }

    /// Starts keeping the whole run's events (see [`History`]), beginning with
    /// those still in the trace's recent buffer: call it right after building
    /// the world and the history is complete. Returns how many earlier events it
    /// could not recover (0 then).
    pub fn keep_history(&mut self, keep_traffic: bool) -> u64 {
        let mut history = History::new(keep_traffic);
        for e in self.trace.recent() {
            history.record(e);
        }
        let missed = self.trace.recorded_count() - self.trace.recent().count() as u64;
        self.history = Some(history);
        missed
    }

    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
    }

    pub fn history_mut(&mut self) -> Option<&mut History> {
        self.history.as_mut()
    }

    pub fn checker(&self) -> &Checker {
        &self.checker
    }
    /// For setting the checker up before the first event (membership changes).
    pub fn checker_mut(&mut self) -> &mut Checker {
        &mut self.checker
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Memory accounting (see [`crate::check::MemoryParts`]): the checker's
    /// pieces, the recent-events window, the page's event list, the rest.
    pub fn into_memory_parts(self) -> crate::check::MemoryParts {
        let Observers {
            checker,
            liveness,
            trace,
            violations,
            history,
            notable,
            traffic,
        } = self;
        let mut parts = checker.into_memory_parts();
        parts.push(("recent events (trace window)", Box::new(trace)));
        parts.push(("page event list (not yet taken)", Box::new(history)));
        let rest = (liveness, violations, notable, traffic);
        parts.push(("observers: the rest", Box::new(rest)));
        parts
    }
}
