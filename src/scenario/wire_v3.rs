//! The frozen on-the-wire shape of a scenario, format version 3: format 2 plus
//! **settings and actions by name**, so that a later feature adds a name to the
//! tables below instead of a whole new format.
//!
//! **Never change these types** (see `wire.rs`). A scenario that format 2 can
//! hold is still written in format 2 (or 1), byte for byte as before
//! ([`needs_v3`]).
//!
//! Bytes: postcard, as formats 1 and 2. `base` is a whole format-2 scenario
//! whose action list is empty; `settings` are the named knobs whose value is
//! not the default, in [`SETTINGS`] order; `actions` are every action, each a
//! format-2 action or a named one.
//!
//! Adding a feature: push a [`SettingKind`] to [`SETTINGS`] and/or a
//! [`NamedActionKind`] to [`NAMED_ACTIONS`]. A name, once released, keeps its
//! meaning forever; a link naming something this build does not know is refused
//! with a sentence, never half-read.

use crate::sim::{Action, TimedAction};
use serde::{Deserialize, Serialize};

use super::wire_v2::{ActionV2, ScenarioV2, action_live_v2, action_v2};
use super::{Scenario, ScenarioError};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioV3 {
    /// Everything format 2 holds, with no actions.
    pub base: ScenarioV2,
    /// Named knobs at time 0 (only those not at their default).
    pub settings: Vec<SettingV3>,
    pub actions: Vec<TimedActionV3>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingV3 {
    /// A [`SettingKind::name`], e.g. `snapshot-threshold`.
    pub name: String,
    pub value: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedActionV3 {
    pub time: u64,
    pub action: ActionV3,
}

/// Variant order is part of the format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionV3 {
    /// Any action format 2 has.
    V2(ActionV2),
    /// An action by name, e.g. `add-server` of node 4.
    Named(NamedActionV3),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedActionV3 {
    /// A [`NamedActionKind::name`].
    pub name: String,
    /// The node it concerns (0 when none).
    pub node: u64,
    /// Its argument (0 when none).
    pub value: u64,
}

/// One named knob of format 3: how to read it off a scenario and how to set it.
pub struct SettingKind {
    pub name: &'static str,
    /// The knob's value, or `None` when it is at its default (then it is not
    /// written, and a scenario with every knob at its default needs no format 3).
    pub read: fn(&Scenario) -> Option<u64>,
    /// Sets the knob on a scenario being read; the error is a sentence.
    pub write: fn(&mut Scenario, u64) -> Result<(), String>,
}

/// One named action of format 3.
pub struct NamedActionKind {
    pub name: &'static str,
    /// `Some((node, value))` when `action` is of this kind.
    pub from: fn(&Action) -> Option<(u64, u64)>,
    /// The live action for `(node, value)`; the error is a sentence.
    pub to: fn(u64, u64) -> Result<Action, String>,
}

/// Every named knob, in the order they are written.
pub const SETTINGS: &[SettingKind] = &[
    super::membership_link::INITIAL_MEMBERS,
    READ_MODE,
    CLOCK_DRIFT_BOUND,
    super::compaction::SNAPSHOT_THRESHOLD,
];

/// Every named action.
pub const NAMED_ACTIONS: &[NamedActionKind] = &[
    super::membership_link::ADD_SERVER,
    super::membership_link::REMOVE_SERVER,
    SET_READ_MODE,
    super::compaction::SET_SNAPSHOT_THRESHOLD,
];

// ----- Reads off the log (§6.4) -----------------------------------------------------

/// `read-mode`: 1 = ReadIndex, 2 = lease (0, the log, is the default).
const READ_MODE: SettingKind = SettingKind {
    name: "read-mode",
    read: |s| {
        let mode = s.config.raft.read_mode;
        (!mode.is_log()).then_some(mode.code())
    },
    write: |s, value| {
        s.config.raft.read_mode = read_mode(value)?;
        Ok(())
    },
};

/// `clock-drift-bound`: lease reads' bound in thousandths (default 1100).
const CLOCK_DRIFT_BOUND: SettingKind = SettingKind {
    name: "clock-drift-bound",
    read: |s| {
        let bound = s.config.raft.clock_drift_bound;
        (bound != crate::raft::config::DEFAULT_CLOCK_DRIFT_BOUND).then_some(bound)
    },
    write: |s, value| {
        s.config.raft.clock_drift_bound = value;
        Ok(())
    },
};

/// `set-read-mode`: the read mode changes during the run (value as `read-mode`).
const SET_READ_MODE: NamedActionKind = NamedActionKind {
    name: "set-read-mode",
    from: |a| match a {
        Action::SetReadMode { mode } => Some((0, mode.code())),
        _ => None,
    },
    to: |_, value| {
        Ok(Action::SetReadMode {
            mode: read_mode(value)?,
        })
    },
};

fn read_mode(value: u64) -> Result<crate::raft::ReadMode, String> {
    crate::raft::ReadMode::from_code(value)
        .ok_or_else(|| format!("no read mode {value}: 0 is the log, 1 ReadIndex, 2 lease"))
}

/// Whether `s` uses anything format 2 cannot hold.
pub fn needs_v3(s: &Scenario) -> bool {
    SETTINGS.iter().any(|k| (k.read)(s).is_some())
        || s.actions.iter().any(|a| action_v2(&a.action).is_none())
}

impl From<&Scenario> for ScenarioV3 {
    fn from(s: &Scenario) -> Self {
        let without_actions = Scenario {
            actions: Vec::new(),
            ..s.clone()
        };
        ScenarioV3 {
            base: ScenarioV2::from(&without_actions),
            settings: SETTINGS
                .iter()
                .filter_map(|k| {
                    (k.read)(s).map(|value| SettingV3 {
                        name: k.name.to_string(),
                        value,
                    })
                })
                .collect(),
            actions: s
                .actions
                .iter()
                .map(|a| TimedActionV3 {
                    time: a.time,
                    action: action_v3(&a.action),
                })
                .collect(),
        }
    }
}

fn action_v3(a: &Action) -> ActionV3 {
    if let Some(v2) = action_v2(a) {
        return ActionV3::V2(v2);
    }
    NAMED_ACTIONS
        .iter()
        .find_map(|k| {
            (k.from)(a).map(|(node, value)| {
                ActionV3::Named(NamedActionV3 {
                    name: k.name.to_string(),
                    node,
                    value,
                })
            })
        })
        .unwrap_or_else(|| unreachable!("every action is in format 2 or has a name: {a:?}"))
}

impl TryFrom<ScenarioV3> for Scenario {
    type Error = ScenarioError;

    fn try_from(w: ScenarioV3) -> Result<Self, ScenarioError> {
        let invalid = ScenarioError::Invalid;
        if !w.base.actions.is_empty() {
            return Err(invalid(
                "a format-3 scenario lists its actions outside the format-2 base".into(),
            ));
        }
        let mut scenario = Scenario::try_from(w.base)?;
        for (i, setting) in w.settings.iter().enumerate() {
            if w.settings[..i].iter().any(|s| s.name == setting.name) {
                return Err(invalid(format!(
                    "the setting \"{}\" is given twice",
                    setting.name
                )));
            }
            let kind = SETTINGS
                .iter()
                .find(|k| k.name == setting.name)
                .ok_or_else(|| invalid(unknown("setting", &setting.name)))?;
            (kind.write)(&mut scenario, setting.value)
                .map_err(|e| invalid(format!("setting \"{}\": {e}", setting.name)))?;
        }
        scenario.actions = w
            .actions
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let action = action_live_v3(a.action)
                    .map_err(|e| invalid(format!("action {}: {e}", i + 1)))?;
                Ok(TimedAction {
                    time: a.time,
                    action,
                })
            })
            .collect::<Result<_, ScenarioError>>()?;
        Ok(scenario)
    }
}

fn action_live_v3(a: ActionV3) -> Result<Action, String> {
    match a {
        ActionV3::V2(v2) => action_live_v2(v2),
        ActionV3::Named(named) => {
            let kind = NAMED_ACTIONS
                .iter()
                .find(|k| k.name == named.name)
                .ok_or_else(|| unknown("action", &named.name))?;
            (kind.to)(named.node, named.value)
        }
    }
}

/// A name this build does not know: most likely the link is newer than the page.
fn unknown(what: &str, name: &str) -> String {
    let name: String = name.chars().take(40).collect();
    format!("unknown {what} \"{name}\"; was the link made by a newer raft-playground?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::link;

    fn payload(w: &ScenarioV3) -> Vec<u8> {
        let mut bytes = vec![3];
        bytes.extend(postcard::to_allocvec(w).expect("serialises"));
        bytes
    }

    fn plain() -> Scenario {
        Scenario::new(crate::sim::SimConfig::default())
    }

    #[test]
    fn a_format_3_payload_without_names_reads_as_its_base() {
        let s = plain();
        let w = ScenarioV3::from(&s);
        assert!(w.settings.is_empty());
        let back = link::from_payload(&payload(&w)).expect("reads");
        assert_eq!(back.to_payload(), s.to_payload());
    }

    #[test]
    fn an_unknown_setting_is_refused_with_a_sentence() {
        let mut w = ScenarioV3::from(&plain());
        w.settings.push(SettingV3 {
            name: "warp-drive".into(),
            value: 1,
        });
        let err = link::from_payload(&payload(&w)).expect_err("unknown setting");
        assert_eq!(
            err.to_string(),
            ScenarioError::Invalid(
                "unknown setting \"warp-drive\"; was the link made by a newer raft-playground?"
                    .into()
            )
            .to_string()
        );
    }

    #[test]
    fn an_unknown_named_action_is_refused_with_its_position() {
        let mut w = ScenarioV3::from(&plain());
        w.actions.push(TimedActionV3 {
            time: 5,
            action: ActionV3::Named(NamedActionV3 {
                name: "teleport".into(),
                node: 1,
                value: 0,
            }),
        });
        let err = link::from_payload(&payload(&w)).expect_err("unknown action");
        assert!(err.to_string().contains("action 1: "), "{err}");
        assert!(
            err.to_string().contains("unknown action \"teleport\""),
            "{err}"
        );
    }

    #[test]
    fn a_scenario_format_2_can_hold_is_not_written_as_format_3() {
        assert!(!needs_v3(&plain()));
        assert_ne!(plain().to_payload()[0], 3);
    }
}
