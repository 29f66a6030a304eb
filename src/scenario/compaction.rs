//! Log compaction in scenario links (format 3, by name): the snapshot
//! threshold a scenario starts with (`snapshot-threshold` setting) and changes
//! of it during the run (`snapshot-threshold` action, node 0).

use super::Scenario;
use super::wire_v3::{NamedActionKind, SettingKind};
use crate::sim::Action;

/// The largest threshold a link may carry (a snapshot every million entries is
/// as good as none in a page's run).
const MAX_THRESHOLD: u64 = 1_000_000;

fn check(value: u64) -> Result<u64, String> {
    if value > MAX_THRESHOLD {
        Err(format!(
            "a snapshot threshold must be at most {MAX_THRESHOLD} entries (got {value})"
        ))
    } else {
        Ok(value)
    }
}

/// The threshold the run starts with (absent when off).
pub const SNAPSHOT_THRESHOLD: SettingKind = SettingKind {
    name: "snapshot-threshold",
    read: |s: &Scenario| Some(s.config.raft.snapshot_threshold).filter(|&n| n > 0),
    write: |s: &mut Scenario, value: u64| {
        s.config.raft.snapshot_threshold = check(value)?;
        Ok(())
    },
};

/// The threshold set during the run (0 = compaction off).
pub const SET_SNAPSHOT_THRESHOLD: NamedActionKind = NamedActionKind {
    name: "snapshot-threshold",
    from: |a: &Action| match a {
        Action::SetSnapshotThreshold { every } => Some((0, *every)),
        _ => None,
    },
    to: |node: u64, value: u64| {
        if node != 0 {
            return Err(format!(
                "the snapshot threshold concerns no node (got node {node})"
            ));
        }
        Ok(Action::SetSnapshotThreshold {
            every: check(value)?,
        })
    },
};

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use crate::sim::{Action, SimConfig, TimedAction};

    #[test]
    fn a_scenario_with_compaction_round_trips_through_a_format_3_link() {
        let mut config = SimConfig::default();
        config.raft.snapshot_threshold = 25;
        let mut s = Scenario::new(config);
        s.actions.push(TimedAction {
            time: 1_000_000,
            action: Action::SetSnapshotThreshold { every: 0 },
        });
        let link = s.encode_link().expect("encodes");
        let back = Scenario::decode_link(&link).expect("decodes");
        assert_eq!(back.config.raft.snapshot_threshold, 25);
        assert_eq!(back.actions, s.actions);
        assert_eq!(crate::scenario::link::to_payload(&s)[0], 3, "format 3");
    }

    #[test]
    fn a_scenario_without_compaction_keeps_its_older_format() {
        let s = Scenario::new(SimConfig::default());
        assert_ne!(crate::scenario::link::to_payload(&s)[0], 3);
    }
}
