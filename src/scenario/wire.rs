//! The frozen on-the-wire shape of a scenario, format version 1.
//!
//! **Never change these types.** Links and JSON files made with format 1 must load
//! in every later release. The live types (`SimConfig`, `Action`, ...) may grow or
//! change; this module converts between them and the frozen shape. A change that
//! format 1 cannot express gets a new module (`V2`) and a new link version, and the
//! format-1 decoder stays as it is.
//!
//! Bytes: [postcard](https://docs.rs/postcard) 1.x (its wire format is stable):
//! structs are their fields in order, integers are LEB128 varints, `f64` is 8
//! little-endian bytes, strings and sequences are a varint length and the items,
//! `Option` is a 0/1 byte, an enum is its variant index (as listed here) and the
//! variant's fields. JSON: the same types through serde_json, enums externally
//! tagged in snake_case.

use crate::kv::{Command, Op};
use crate::raft::{Bug, Bugs, Config as RaftConfig, Entry, EntryData, Log, PersistentState};
use crate::sim::{Action, ClientConfig, NetworkConfig, SimConfig, TimedAction};
use serde::{Deserialize, Serialize};

use super::{Scenario, ScenarioError, ViewState};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioV1 {
    pub title: String,
    pub caption: String,
    pub seed: u64,
    pub nodes: u64,
    pub raft: RaftV1,
    pub network: NetworkV1,
    pub clients: ClientsV1,
    /// Broken-rule toggles on at time 0, by name (`raft::Bug::name`).
    pub bugs: Vec<String>,
    /// Empty, or one per node (index 0 = node 1).
    pub initial_state: Vec<NodeStateV1>,
    pub actions: Vec<TimedActionV1>,
    pub view: ViewV1,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaftV1 {
    pub election_timeout_min: u64,
    pub election_timeout_max: u64,
    pub heartbeat_interval: u64,
    pub max_entries_per_append: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkV1 {
    pub latency_min: u64,
    pub latency_max: u64,
    pub loss: f64,
    pub duplicate: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientsV1 {
    pub count: u64,
    pub think_time: u64,
    pub request_timeout: u64,
    pub key_space: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeStateV1 {
    pub term: u64,
    pub voted_for: Option<u64>,
    pub log: Vec<EntryV1>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryV1 {
    pub term: u64,
    pub data: EntryDataV1,
}

/// Variant order is part of the format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum EntryDataV1 {
    Noop,
    Command {
        client: u64,
        seq: u64,
        op: OpV1,
    },
    /// A configuration entry (membership change); added last, so older links
    /// decode as before.
    Config {
        members: Vec<u64>,
    },
}

/// Variant order is part of the format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OpV1 {
    Put { key: String, value: String },
    Delete { key: String },
    Get { key: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedActionV1 {
    pub time: u64,
    pub action: ActionV1,
}

/// Variant order is part of the format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionV1 {
    Partition { groups: Vec<Vec<u64>> },
    Cut { from: u64, to: u64 },
    Heal,
    Crash { node: u64 },
    Restart { node: u64 },
    Timeout { node: u64 },
    Client { op: OpV1, to: Option<u64> },
    DropMessage { id: u64 },
    SetNetwork { network: NetworkV1 },
    SetBug { bug: String, on: bool },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewV1 {
    pub time: u64,
    pub playing: bool,
    pub selected: Option<u64>,
}

// ----- live -> wire (total) ----------------------------------------------------

impl From<&Scenario> for ScenarioV1 {
    /// Every action format 1 cannot express is left out: call it only for a
    /// scenario that [`super::wire_v2::needs_v2`] says fits format 1, or to
    /// build format 2's base (whose actions it replaces).
    fn from(s: &Scenario) -> Self {
        let c = &s.config;
        ScenarioV1 {
            title: s.title.clone(),
            caption: s.caption.clone(),
            seed: c.seed,
            nodes: c.nodes as u64,
            raft: RaftV1 {
                election_timeout_min: c.raft.election_timeout_min,
                election_timeout_max: c.raft.election_timeout_max,
                heartbeat_interval: c.raft.heartbeat_interval,
                max_entries_per_append: c.raft.max_entries_per_append as u64,
            },
            network: network_v1(&c.network),
            clients: ClientsV1 {
                count: c.clients.count,
                think_time: c.clients.think_time,
                request_timeout: c.clients.request_timeout,
                key_space: c.clients.key_space,
            },
            bugs: c
                .bugs
                .enabled()
                .into_iter()
                .map(|b| b.name().to_string())
                .collect(),
            initial_state: c
                .initial_state
                .iter()
                .map(|p| NodeStateV1 {
                    term: p.current_term,
                    voted_for: p.voted_for,
                    log: p.log.entries().iter().map(entry_v1).collect(),
                })
                .collect(),
            actions: s
                .actions
                .iter()
                .filter_map(|a| {
                    Some(TimedActionV1 {
                        time: a.time,
                        action: action_v1(&a.action)?,
                    })
                })
                .collect(),
            view: ViewV1 {
                time: s.view.time,
                playing: s.view.playing,
                selected: s.view.selected,
            },
        }
    }
}

pub(super) fn network_v1(n: &NetworkConfig) -> NetworkV1 {
    NetworkV1 {
        latency_min: n.latency_min,
        latency_max: n.latency_max,
        loss: n.loss,
        duplicate: n.duplicate,
    }
}

fn op_v1(op: &Op) -> OpV1 {
    match op {
        Op::Put { key, value } => OpV1::Put {
            key: key.clone(),
            value: value.clone(),
        },
        Op::Delete { key } => OpV1::Delete { key: key.clone() },
        Op::Get { key } => OpV1::Get { key: key.clone() },
    }
}

fn entry_v1(e: &Entry) -> EntryV1 {
    EntryV1 {
        term: e.term,
        data: match &e.data {
            EntryData::Noop => EntryDataV1::Noop,
            EntryData::Command(c) => EntryDataV1::Command {
                client: c.client,
                seq: c.seq,
                op: op_v1(&c.op),
            },
            EntryData::Config { members } => EntryDataV1::Config {
                members: members.clone(),
            },
        },
    }
}

/// The action in format 1, or `None` for one it cannot express (format 2's).
pub(super) fn action_v1(a: &Action) -> Option<ActionV1> {
    Some(match a {
        Action::Partition { groups } => ActionV1::Partition {
            groups: groups.clone(),
        },
        Action::Cut { from, to } => ActionV1::Cut {
            from: *from,
            to: *to,
        },
        Action::Heal => ActionV1::Heal,
        Action::Crash { node } => ActionV1::Crash { node: *node },
        Action::Restart { node } => ActionV1::Restart { node: *node },
        Action::Timeout { node } => ActionV1::Timeout { node: *node },
        Action::Client { op, to } => ActionV1::Client {
            op: op_v1(op),
            to: *to,
        },
        Action::DropMessage { id } => ActionV1::DropMessage { id: *id },
        Action::SetNetwork { network } => ActionV1::SetNetwork {
            network: network_v1(network),
        },
        Action::SetBug { bug, on } => ActionV1::SetBug {
            bug: bug.name().to_string(),
            on: *on,
        },
        Action::SetFeature { .. }
        | Action::Transfer { .. }
        | Action::Pause { .. }
        | Action::Resume { .. }
        | Action::SetClockRate { .. }
        | Action::AddServer { .. }
        | Action::RemoveServer { .. }
        | Action::SetReadMode { .. }
        | Action::SetSnapshotThreshold { .. } => return None,
    })
}

// ----- wire -> live (checked; the result still goes through Scenario::validate) --

impl TryFrom<ScenarioV1> for Scenario {
    type Error = ScenarioError;

    fn try_from(w: ScenarioV1) -> Result<Self, ScenarioError> {
        let invalid = ScenarioError::Invalid;
        let nodes = usize::try_from(w.nodes)
            .ok()
            .filter(|&n| n <= crate::sim::config::MAX_NODES)
            .ok_or_else(|| {
                invalid(format!(
                    "a cluster has 1 to {} nodes (got {})",
                    crate::sim::config::MAX_NODES,
                    w.nodes
                ))
            })?;
        let max_entries_per_append = usize::try_from(w.raft.max_entries_per_append)
            .map_err(|_| invalid("max entries per AppendEntries is too large".into()))?;
        let mut bugs = Bugs::none();
        for name in &w.bugs {
            let bug = Bug::parse(name).map_err(invalid)?;
            bugs.set(bug, true);
        }
        let config = SimConfig {
            nodes,
            seed: w.seed,
            raft: RaftConfig {
                election_timeout_min: w.raft.election_timeout_min,
                election_timeout_max: w.raft.election_timeout_max,
                heartbeat_interval: w.raft.heartbeat_interval,
                max_entries_per_append,
                ..RaftConfig::default()
            },
            network: network_live(w.network),
            clients: ClientConfig {
                count: w.clients.count,
                think_time: w.clients.think_time,
                request_timeout: w.clients.request_timeout,
                key_space: w.clients.key_space,
            },
            bugs,
            initial_state: w
                .initial_state
                .into_iter()
                .map(|n| PersistentState {
                    current_term: n.term,
                    voted_for: n.voted_for,
                    log: Log::from_entries(n.log.into_iter().map(entry_live).collect()),
                })
                .collect(),
            initial_members: Vec::new(),
        };
        Ok(Scenario {
            title: w.title,
            caption: w.caption,
            config,
            actions: w
                .actions
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    let action = action_live(a.action)
                        .map_err(|e| invalid(format!("action {}: {e}", i + 1)))?;
                    Ok(TimedAction {
                        time: a.time,
                        action,
                    })
                })
                .collect::<Result<_, ScenarioError>>()?,
            view: ViewState {
                time: w.view.time,
                playing: w.view.playing,
                selected: w.view.selected,
            },
        })
    }
}

fn network_live(n: NetworkV1) -> NetworkConfig {
    NetworkConfig {
        latency_min: n.latency_min,
        latency_max: n.latency_max,
        loss: n.loss,
        duplicate: n.duplicate,
    }
}

fn op_live(op: OpV1) -> Op {
    match op {
        OpV1::Put { key, value } => Op::Put { key, value },
        OpV1::Delete { key } => Op::Delete { key },
        OpV1::Get { key } => Op::Get { key },
    }
}

fn entry_live(e: EntryV1) -> Entry {
    Entry {
        term: e.term,
        data: match e.data {
            EntryDataV1::Noop => EntryData::Noop,
            EntryDataV1::Command { client, seq, op } => EntryData::Command(Command {
                client,
                seq,
                op: op_live(op),
            }),
            EntryDataV1::Config { members } => EntryData::Config { members },
        },
    }
}

/// Fails only on a toggle name that does not exist.
pub(super) fn action_live(a: ActionV1) -> Result<Action, String> {
    Ok(match a {
        ActionV1::Partition { groups } => Action::Partition { groups },
        ActionV1::Cut { from, to } => Action::Cut { from, to },
        ActionV1::Heal => Action::Heal,
        ActionV1::Crash { node } => Action::Crash { node },
        ActionV1::Restart { node } => Action::Restart { node },
        ActionV1::Timeout { node } => Action::Timeout { node },
        ActionV1::Client { op, to } => Action::Client {
            op: op_live(op),
            to,
        },
        ActionV1::DropMessage { id } => Action::DropMessage { id },
        ActionV1::SetNetwork { network } => Action::SetNetwork {
            network: network_live(network),
        },
        ActionV1::SetBug { bug, on } => Action::SetBug {
            bug: Bug::parse(&bug)?,
            on,
        },
    })
}
