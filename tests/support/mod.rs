//! Helpers shared by the integration tests (`mod support;` in a test file).
//! Each test file uses some of them, hence `allow(dead_code)`.

#![allow(dead_code)]

pub mod story;

use raft_playground::check::{Property, Violation};
use raft_playground::kv::Op;
use raft_playground::raft::{NodeId, PersistentState, RoleKind, Term};
use raft_playground::scenario::presets::{self, Preset};
use raft_playground::sim::{Action, SimConfig, TraceMode, World};
use std::collections::BTreeSet;

// ----- Verdicts ----------------------------------------------------------------------

/// The properties a list of violations breaks.
pub fn properties(found: &[Violation]) -> BTreeSet<Property> {
    found.iter().map(|v| v.property).collect()
}

/// Asserts that the checker caught each of `expected` among `found`.
#[track_caller]
pub fn assert_caught(found: &[Violation], expected: &[Property]) {
    let caught = properties(found);
    for p in expected {
        assert!(caught.contains(p), "{p:?} not caught: {found:#?}");
    }
}

/// The first violation of `property` (it must be there).
#[track_caller]
pub fn first_of(found: &[Violation], property: Property) -> &Violation {
    found
        .iter()
        .find(|v| v.property == property)
        .unwrap_or_else(|| panic!("no {property:?} in {found:#?}"))
}

#[track_caller]
pub fn assert_no_violations(w: &World) {
    assert!(
        w.violations().is_empty(),
        "violations: {:#?}",
        w.violations()
    );
}

// ----- Requests ----------------------------------------------------------------------

pub fn put_op(key: &str, value: &str) -> Op {
    Op::Put {
        key: key.into(),
        value: value.into(),
    }
}

/// The person's write, to whichever node its client picks.
pub fn put(key: &str, value: &str) -> Action {
    Action::Client {
        op: put_op(key, value),
        to: None,
    }
}

// ----- Worlds and their state ----------------------------------------------------------

/// The default cluster with `seed`, with a full trace.
pub fn world(seed: u64) -> World {
    let config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    World::new(config, TraceMode::Full, 0).unwrap()
}

pub fn preset(id: &str) -> Preset {
    presets::get(id).unwrap_or_else(|| panic!("no preset {id}"))
}

/// The preset's world at time 0, with a full trace.
pub fn world_of(p: &Preset) -> World {
    p.scenario.to_world(TraceMode::Full, 0).unwrap()
}

/// Preset `id` and its world at time 0, with a full trace.
pub fn preset_world(id: &str) -> (Preset, World) {
    let p = preset(id);
    let w = world_of(&p);
    (p, w)
}

/// Role and current term of a running node (`None` while crashed).
pub fn role(w: &World, id: NodeId) -> Option<(RoleKind, Term)> {
    w.server(id)
        .unwrap()
        .node
        .as_ref()
        .map(|n| (n.role_kind(), n.current_term()))
}

/// The persistent state of a running node (it must be running).
#[track_caller]
pub fn persistent_state(w: &World, id: NodeId) -> PersistentState {
    let node = w.server(id).unwrap().node.as_ref();
    node.unwrap_or_else(|| panic!("node {id} is crashed"))
        .persistent_state()
}
