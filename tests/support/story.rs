//! A preset's run cut into its phases, for checking each phase caption's
//! claims on the events of that phase or on the world at its end
//! (`tests/preset_phases.rs`, `tests/production_presets.rs`).

use super::preset;
use raft_playground::raft::{NodeId, RoleKind, Term, Time};
use raft_playground::scenario::presets::Preset;
use raft_playground::sim::{EventKind, MS, PERSON, TraceMode, World};

/// A preset's run, cut into its phases.
pub struct Story {
    pub p: Preset,
    pub events: Vec<raft_playground::sim::Event>,
    /// When the checker found each violation.
    pub violation_times: Vec<Time>,
}

impl Story {
    pub fn of(id: &str) -> Story {
        let p = preset(id);
        let mut w = p.scenario.to_world(TraceMode::Full, 0).unwrap();
        w.run_until(p.duration);
        // Violations the checker finds only once the run is over (a read's
        // linearizability) are stamped with their own time.
        w.flush_checker();
        Story {
            events: w.trace().events(),
            violation_times: w.violations().iter().map(|v| v.time).collect(),
            p,
        }
    }

    /// The phase called `name`: (start, end).
    pub fn span(&self, name: &str) -> (Time, Time) {
        let i = self
            .p
            .phases
            .iter()
            .position(|ph| ph.name == name)
            .unwrap_or_else(|| panic!("{}: no phase {name}", self.p.id));
        let end = self
            .p
            .phases
            .get(i + 1)
            .map_or(self.p.duration, |n| n.start);
        (self.p.phases[i].start, end)
    }

    /// The events of phase `name`, as (time in ms, kind).
    pub fn during(&self, name: &str) -> Vec<(f64, &EventKind)> {
        let (from, to) = self.span(name);
        self.events
            .iter()
            .filter(|e| e.time >= from && e.time < to)
            .map(|e| (e.time as f64 / MS as f64, &e.kind))
            .collect()
    }

    /// The world at the end of phase `name`.
    pub fn world_after(&self, name: &str) -> World {
        let mut w = self.p.scenario.to_world(TraceMode::Hash, 0).unwrap();
        w.run_until(self.span(name).1 - 1);
        w
    }

    /// In phase `name`, `node` became leader of `term` at about `ms`, and no one else became leader.
    #[track_caller]
    pub fn wins(&self, name: &str, node: NodeId, term: Term, ms: f64) {
        let leaders: Vec<_> = self
            .during(name)
            .into_iter()
            .filter_map(|(t, k)| match k {
                EventKind::Role {
                    node,
                    role: RoleKind::Leader,
                    term,
                } => Some((t, *node, *term)),
                _ => None,
            })
            .collect();
        assert_eq!(leaders.len(), 1, "{} {name}: {leaders:?}", self.p.id);
        let (t, n, tm) = leaders[0];
        assert_eq!((n, tm), (node, term), "{} {name}", self.p.id);
        assert!(
            (t - ms).abs() < 1.0,
            "{} {name}: at {t} ms, caption says {ms}",
            self.p.id
        );
    }

    /// In phase `name`, the candidates (node, term) in order.
    pub fn candidates(&self, name: &str) -> Vec<(NodeId, Term)> {
        self.during(name)
            .into_iter()
            .filter_map(|(_, k)| match k {
                EventKind::Role {
                    node,
                    role: RoleKind::Candidate,
                    term,
                } => Some((*node, *term)),
                _ => None,
            })
            .collect()
    }

    /// The person's acknowledgements in phase `name`: (ms, index).
    pub fn acks(&self, name: &str) -> Vec<(f64, u64)> {
        self.during(name)
            .into_iter()
            .filter_map(|(t, k)| match k {
                EventKind::ClientOk { client, index, .. } if *client == PERSON => {
                    Some((t.round(), *index))
                }
                _ => None,
            })
            .collect()
    }

    /// Log truncations in phase `name`: (node, from index).
    pub fn truncations(&self, name: &str) -> Vec<(NodeId, u64)> {
        self.during(name)
            .into_iter()
            .filter_map(|(_, k)| match k {
                EventKind::LogTruncate { node, from } => Some((*node, *from)),
                _ => None,
            })
            .collect()
    }

    pub fn violations(&self, name: &str) -> usize {
        let (from, to) = self.span(name);
        let found = self.violation_times.iter();
        found.filter(|&&t| t >= from && t < to).count()
    }
}

pub fn commit(w: &World, id: NodeId) -> u64 {
    w.server(id).unwrap().node.as_ref().unwrap().commit_index()
}

pub fn log_terms(w: &World, id: NodeId) -> Vec<Term> {
    let log = &w.server(id).unwrap().disk.log;
    log.entries().iter().map(|e| e.term).collect()
}
