//! Who is in the cluster, for drawing (membership change, §4.1–4.2): each
//! node's configuration in force and where it stands in the leader's, and the
//! leader's configuration in one sentence. All absent while the cluster has
//! never used membership change (every node a member, no configuration entry),
//! so a page's frames stay as small as before.

use super::membership_text;
use crate::event::describe::ids;
use crate::raft::{
    EntryData, Log, LogIndex, Membership, MembershipChange, MembershipEvent, NodeId,
};
use crate::sim::world::{Server, World};
use serde::Serialize;
use std::collections::BTreeSet;

/// One node's configuration in force and its standing in the reference one.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeMembershipView {
    /// The voters of the configuration this node uses, in id order.
    pub members: Vec<NodeId>,
    /// The index of its configuration entry (0: the initial configuration).
    pub index: LogIndex,
    /// Whether this node knows that entry committed (the initial one always
    /// is; a crashed node's commit index is not on disk: false).
    pub committed: bool,
    /// Where the node stands in the reference configuration (the leader's, see
    /// [`ConfigurationView`]): "voter", "catching-up" (being added: the leader
    /// replicates to it as a non-voter), "removed" (a member once, no longer)
    /// or "non-member" (never added).
    pub standing: &'static str,
}

/// The reference configuration: the leader's, or with no leader the newest a
/// running node holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationView {
    /// Whose configuration it is.
    pub node: NodeId,
    /// Whether `node` is the leader.
    pub leader: bool,
    pub members: Vec<NodeId>,
    pub index: LogIndex,
    pub committed: bool,
    /// The server the leader is catching up to add, if any.
    pub catching_up: Option<NodeId>,
    /// What the entry at `index` changed: the server it added or removed.
    pub added: Option<NodeId>,
    pub removed: Option<NodeId>,
    /// In one line: "Configuration {1,2,3,4} at index 12, committed".
    pub text: String,
}

/// The membership part of a view: the reference configuration and each node's
/// (in id order), or `None` while membership change is not in play.
pub fn membership_views(world: &World) -> Option<(ConfigurationView, Vec<NodeMembershipView>)> {
    if !in_play(world) {
        return None;
    }
    let initial = world.config().initial_members();
    let configs: Vec<NodeConfig> = world
        .servers()
        .iter()
        .map(|s| node_config(s, &initial))
        .collect();
    let reference = reference_server(world, &configs)?;
    let config = &configs[world.servers().iter().position(|s| s.id == reference.id)?];
    let catching_up = reference
        .node
        .as_ref()
        .and_then(|n| n.membership().catch_up())
        .map(|c| c.server);
    let ever = ever_members(reference, &initial);
    let standing = |id: NodeId| {
        if config.members.contains(&id) {
            "voter"
        } else if catching_up == Some(id) {
            "catching-up"
        } else if ever.contains(&id) {
            "removed"
        } else {
            "non-member"
        }
    };
    let nodes = world
        .servers()
        .iter()
        .zip(&configs)
        .map(|(s, c)| NodeMembershipView {
            members: c.members.clone(),
            index: c.index,
            committed: c.committed,
            standing: standing(s.id),
        })
        .collect();
    let (added, removed) = match previous_members(log_of(reference), config.index, &initial) {
        Some(before) => (
            config.members.iter().find(|m| !before.contains(m)).copied(),
            before.iter().find(|m| !config.members.contains(m)).copied(),
        ),
        None => (None, None),
    };
    let leader = world.leader() == Some(reference.id);
    let view = ConfigurationView {
        node: reference.id,
        leader,
        text: sentence(reference.id, leader, config, catching_up),
        members: config.members.clone(),
        index: config.index,
        committed: config.committed,
        catching_up,
        added,
        removed,
    };
    Some((view, nodes))
}

/// Why the leader would refuse `change` now, as the core says it ("node 1
/// refuses to add node 4: one change at a time: …"); `None` when it would
/// take it (or there is no leader: the world refuses that itself).
pub fn refusal(world: &World, change: MembershipChange) -> Option<String> {
    let leader = world.leader()?;
    let node = world.server(leader)?.node.as_ref()?;
    let refusal = node.membership_refusal(change)?;
    Some(membership_text::step(
        leader,
        &MembershipEvent::Refused { change, refusal },
    ))
}

/// Membership change is in play once the initial configuration leaves a node
/// out, a running node holds a configuration entry, or a leader catches one up.
fn in_play(world: &World) -> bool {
    !world.config().initial_members.is_empty()
        || world.servers().iter().any(|s| {
            s.node
                .as_ref()
                .is_some_and(|n| n.membership().index() != 0 || n.membership().catch_up().is_some())
        })
}

struct NodeConfig {
    members: Vec<NodeId>,
    index: LogIndex,
    committed: bool,
}

/// A running node's configuration in force; a crashed one's from its disk.
fn node_config(s: &Server, initial: &[NodeId]) -> NodeConfig {
    match &s.node {
        Some(node) => {
            let m = node.membership();
            NodeConfig {
                members: m.voters().to_vec(),
                index: m.index(),
                committed: m.index() <= node.commit_index(),
            }
        }
        None => {
            let mut m = Membership::new(initial.to_vec());
            m.set_initial(initial.to_vec(), &s.disk.log);
            NodeConfig {
                members: m.voters().to_vec(),
                index: m.index(),
                committed: m.index() == 0,
            }
        }
    }
}

/// The leader, or with none the running node with the newest configuration
/// (the lowest id among equals).
fn reference_server<'w>(world: &'w World, configs: &[NodeConfig]) -> Option<&'w Server> {
    if let Some(l) = world.leader().and_then(|l| world.server(l)) {
        return Some(l);
    }
    world
        .servers()
        .iter()
        .zip(configs)
        .filter(|(s, _)| s.node.is_some())
        .max_by_key(|(s, c)| (c.index, std::cmp::Reverse(s.id)))
        .map(|(s, _)| s)
}

fn log_of(s: &Server) -> &Log {
    s.node.as_ref().map_or(&s.disk.log, |n| n.log())
}

/// Every node that was a voter in some configuration `s` knows of: the
/// initial one, its snapshot's, and each configuration entry in its log.
fn ever_members(s: &Server, initial: &[NodeId]) -> BTreeSet<NodeId> {
    let log = log_of(s);
    let mut ever: BTreeSet<NodeId> = initial.iter().copied().collect();
    if let Some(snapshot) = log.snapshot() {
        ever.extend(&snapshot.members);
    }
    for i in log.first_index()..=log.last_index() {
        if let Some(EntryData::Config { members }) = log.get(i).map(|e| &e.data) {
            ever.extend(members);
        }
    }
    ever
}

/// The configuration before the entry at `index`: the previous configuration
/// entry's, or the initial one. `None` for the initial configuration itself,
/// or when the entries before it were compacted away.
fn previous_members(log: &Log, index: LogIndex, initial: &[NodeId]) -> Option<Vec<NodeId>> {
    if index == 0 {
        return None;
    }
    for i in (log.first_index()..index).rev() {
        if let Some(EntryData::Config { members }) = log.get(i).map(|e| &e.data) {
            return Some(members.clone());
        }
    }
    (log.offset() == 0).then(|| initial.to_vec())
}

fn sentence(node: NodeId, leader: bool, c: &NodeConfig, catching_up: Option<NodeId>) -> String {
    let whose = if leader {
        "Configuration".to_string()
    } else {
        format!("No leader; S{node}'s configuration")
    };
    let at = if c.index == 0 {
        "(the initial one)".to_string()
    } else {
        let state = if c.committed { "committed" } else { "pending" };
        format!("at index {}, {state}", c.index)
    };
    let catch_up = catching_up.map_or(String::new(), |s| format!("; S{s} catching up"));
    format!("{whose} {} {at}{catch_up}", ids(&c.members))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Action, MS, SimConfig, TraceMode};

    fn world(nodes: usize, members: Vec<NodeId>) -> World {
        let config = SimConfig {
            nodes,
            initial_members: members,
            ..SimConfig::default()
        };
        let mut w = World::new(config, TraceMode::Off, 0).unwrap();
        w.run_until(2000 * MS);
        w
    }

    fn standings(w: &World) -> Vec<&'static str> {
        membership_views(w)
            .expect("in play")
            .1
            .iter()
            .map(|n| n.standing)
            .collect()
    }

    #[test]
    fn a_cluster_without_membership_change_sends_nothing() {
        let w = world(5, Vec::new());
        assert!(membership_views(&w).is_none());
        assert!(refusal(&w, MembershipChange::AddServer(1)).is_some());
    }

    #[test]
    fn adding_then_removing_a_server_is_drawn_step_by_step() {
        let mut w = world(4, vec![1, 2, 3]);
        let (config, _) = membership_views(&w).unwrap();
        assert_eq!(config.members, vec![1, 2, 3]);
        assert_eq!(
            (config.index, config.committed, config.leader),
            (0, true, true)
        );
        assert_eq!(standings(&w), ["voter", "voter", "voter", "non-member"]);
        assert!(
            config
                .text
                .starts_with("Configuration {1,2,3} (the initial one)")
        );
        assert_eq!(refusal(&w, MembershipChange::AddServer(4)), None);

        w.apply(Action::AddServer { node: 4 }).unwrap();
        let (config, _) = membership_views(&w).unwrap();
        assert_eq!(config.catching_up, Some(4));
        assert_eq!(standings(&w)[3], "catching-up");
        assert!(config.text.ends_with("; S4 catching up"), "{}", config.text);
        let busy = refusal(&w, MembershipChange::RemoveServer(2)).expect("one change at a time");
        assert!(busy.contains("one change at a time"), "{busy}");

        w.run_until(w.now() + 1000 * MS);
        let (config, nodes) = membership_views(&w).unwrap();
        assert_eq!(config.members, vec![1, 2, 3, 4]);
        assert!(config.index > 0 && config.committed, "{config:?}");
        assert_eq!((config.added, config.removed), (Some(4), None));
        assert_eq!(standings(&w), ["voter"; 4]);
        assert!(nodes.iter().all(|n| n.members == [1, 2, 3, 4]));
        assert_eq!(
            config.text,
            format!(
                "Configuration {{1,2,3,4}} at index {}, committed",
                config.index
            )
        );

        let leader = w.leader().unwrap();
        let other = (1..=4).find(|&n| n != leader).unwrap();
        w.apply(Action::RemoveServer { node: other }).unwrap();
        let (config, _) = membership_views(&w).unwrap();
        assert!(
            !config.committed && config.text.ends_with("pending"),
            "{config:?}"
        );
        assert_eq!(config.removed, Some(other));
        w.run_until(w.now() + 1000 * MS);
        let (config, nodes) = membership_views(&w).unwrap();
        assert!(config.committed);
        assert_eq!(nodes[other as usize - 1].standing, "removed");
    }

    #[test]
    fn removing_the_last_member_is_refused_in_the_cores_words() {
        let w = world(3, vec![1]);
        assert_eq!(w.leader(), Some(1));
        let no = refusal(&w, MembershipChange::RemoveServer(1)).expect("refused");
        assert_eq!(
            no,
            "node 1 refuses to remove node 1: node 1 is the last member and cannot be removed"
        );
        let no = refusal(&w, MembershipChange::RemoveServer(2)).expect("refused");
        assert!(no.contains("already where the change would put it"), "{no}");
    }
}
