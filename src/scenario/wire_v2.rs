//! The frozen on-the-wire shape of a scenario, format version 2: format 1 plus
//! the production features (PreVote, CheckQuorum, leadership transfer, pauses,
//! clock drift).
//!
//! **Never change these types** (see `wire.rs`). A scenario that uses none of
//! the new things is still written in format 1, byte for byte as before
//! ([`needs_v2`]); format 2 is only for those that do.
//!
//! Bytes: postcard, as format 1. `base` is a whole format-1 scenario whose
//! action list is empty: the actions, old kinds and new, are in `actions`.

use crate::sim::{Action, Feature};
use serde::{Deserialize, Serialize};

use super::wire::{ActionV1, ScenarioV1, action_live, action_v1};
use super::{Scenario, ScenarioError};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioV2 {
    /// Everything format 1 holds, with no actions.
    pub base: ScenarioV1,
    /// Production switches on at time 0.
    pub features: FeaturesV2,
    pub actions: Vec<TimedActionV2>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesV2 {
    pub pre_vote: bool,
    pub check_quorum: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedActionV2 {
    pub time: u64,
    pub action: ActionV2,
}

/// Variant order is part of the format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionV2 {
    /// Any action format 1 has.
    V1(ActionV1),
    /// `feature` by name: `pre-vote`, `check-quorum`.
    SetFeature {
        feature: String,
        on: bool,
    },
    Transfer {
        to: u64,
    },
    Pause {
        node: u64,
    },
    Resume {
        node: u64,
    },
    SetClockRate {
        node: u64,
        permille: u64,
    },
}

/// Whether `s` uses anything format 1 cannot hold.
pub fn needs_v2(s: &Scenario) -> bool {
    let raft = &s.config.raft;
    raft.pre_vote || raft.check_quorum || s.actions.iter().any(|a| action_v1(&a.action).is_none())
}

impl From<&Scenario> for ScenarioV2 {
    fn from(s: &Scenario) -> Self {
        let mut base = ScenarioV1::from(s);
        base.actions.clear();
        ScenarioV2 {
            base,
            features: FeaturesV2 {
                pre_vote: s.config.raft.pre_vote,
                check_quorum: s.config.raft.check_quorum,
            },
            actions: s
                .actions
                .iter()
                .map(|a| TimedActionV2 {
                    time: a.time,
                    action: action_v2(&a.action)
                        .expect("format 3 holds the actions format 2 cannot"),
                })
                .collect(),
        }
    }
}

/// `a` in format 2, or `None` when only format 3 holds it.
pub(super) fn action_v2(a: &Action) -> Option<ActionV2> {
    if let Some(old) = action_v1(a) {
        return Some(ActionV2::V1(old));
    }
    Some(match a {
        Action::SetFeature { feature, on } => ActionV2::SetFeature {
            feature: feature.name().to_string(),
            on: *on,
        },
        Action::Transfer { to } => ActionV2::Transfer { to: *to },
        Action::Pause { node } => ActionV2::Pause { node: *node },
        Action::Resume { node } => ActionV2::Resume { node: *node },
        Action::SetClockRate { node, permille } => ActionV2::SetClockRate {
            node: *node,
            permille: *permille,
        },
        _ => return None,
    })
}

impl TryFrom<ScenarioV2> for Scenario {
    type Error = ScenarioError;

    fn try_from(w: ScenarioV2) -> Result<Self, ScenarioError> {
        let invalid = ScenarioError::Invalid;
        if !w.base.actions.is_empty() {
            return Err(invalid(
                "a format-2 scenario lists its actions outside the format-1 base".into(),
            ));
        }
        let mut scenario = Scenario::try_from(w.base)?;
        scenario.config.raft.pre_vote = w.features.pre_vote;
        scenario.config.raft.check_quorum = w.features.check_quorum;
        scenario.actions = w
            .actions
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let action = action_live_v2(a.action)
                    .map_err(|e| invalid(format!("action {}: {e}", i + 1)))?;
                Ok(crate::sim::TimedAction {
                    time: a.time,
                    action,
                })
            })
            .collect::<Result<_, ScenarioError>>()?;
        Ok(scenario)
    }
}

/// Fails only on a name (toggle, feature) that does not exist.
pub(super) fn action_live_v2(a: ActionV2) -> Result<Action, String> {
    Ok(match a {
        ActionV2::V1(old) => action_live(old)?,
        ActionV2::SetFeature { feature, on } => Action::SetFeature {
            feature: Feature::from_name(&feature).ok_or_else(|| {
                let names: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown feature \"{feature}\"; use one of: {}",
                    names.join(", ")
                )
            })?,
            on,
        },
        ActionV2::Transfer { to } => Action::Transfer { to },
        ActionV2::Pause { node } => Action::Pause { node },
        ActionV2::Resume { node } => Action::Resume { node },
        ActionV2::SetClockRate { node, permille } => Action::SetClockRate { node, permille },
    })
}
