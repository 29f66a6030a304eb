//! Membership changes in links (format 3): the initial configuration as the
//! setting `initial-members` (a bitmask, bit 0 for node 1; absent: every node)
//! and the named actions `add-server` and `remove-server` of a node.

use super::Scenario;
use super::wire_v3::{NamedActionKind, SettingKind};
use crate::raft::NodeId;
use crate::sim::Action;

pub const INITIAL_MEMBERS: SettingKind = SettingKind {
    name: "initial-members",
    read: read_initial_members,
    write: write_initial_members,
};

pub const ADD_SERVER: NamedActionKind = NamedActionKind {
    name: "add-server",
    from: |a| match a {
        Action::AddServer { node } => Some((*node, 0)),
        _ => None,
    },
    to: |node, _| Ok(Action::AddServer { node }),
};

pub const REMOVE_SERVER: NamedActionKind = NamedActionKind {
    name: "remove-server",
    from: |a| match a {
        Action::RemoveServer { node } => Some((*node, 0)),
        _ => None,
    },
    to: |node, _| Ok(Action::RemoveServer { node }),
};

fn read_initial_members(s: &Scenario) -> Option<u64> {
    let members = &s.config.initial_members;
    if members.is_empty() {
        return None;
    }
    Some(
        members
            .iter()
            .filter(|&&m| (1..=64).contains(&m))
            .fold(0, |mask, m| mask | 1 << (m - 1)),
    )
}

fn write_initial_members(s: &mut Scenario, mask: u64) -> Result<(), String> {
    let nodes = s.config.nodes as u32;
    if mask == 0 || mask >> nodes != 0 {
        return Err(format!(
            "the initial members must be some of the {nodes} nodes (got the bitmask {mask:#b})"
        ));
    }
    s.config.initial_members = (1..=nodes as NodeId)
        .filter(|m| mask & (1 << (m - 1)) != 0)
        .collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use crate::sim::{Action, SimConfig, TimedAction};

    #[test]
    fn membership_changes_round_trip_through_a_format_3_link() {
        let mut s = Scenario::new(SimConfig::default());
        s.config.initial_members = vec![1, 2, 3];
        s.actions = vec![
            TimedAction {
                time: 1_000_000,
                action: Action::AddServer { node: 4 },
            },
            TimedAction {
                time: 2_000_000,
                action: Action::RemoveServer { node: 1 },
            },
        ];
        let link = s.encode_link().expect("encodes");
        assert!(link.starts_with("#s=3."), "{link}");
        let back = Scenario::decode_link(&link).expect("decodes");
        assert_eq!(back.config.initial_members, vec![1, 2, 3]);
        assert_eq!(back.actions, s.actions);
    }

    #[test]
    fn a_cluster_of_every_node_needs_no_format_3() {
        let s = Scenario::new(SimConfig::default());
        assert!(!s.encode_link().unwrap().starts_with("#s=3."));
    }
}
