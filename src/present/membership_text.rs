//! Sentences about membership changes (single-server change, §4.1–4.2).

use crate::event::describe::ids;
use crate::raft::{MembershipChange, MembershipEvent, NodeId};

/// The change in words: "add node 4", "remove node 2".
pub fn change(change: &MembershipChange) -> String {
    match change {
        MembershipChange::AddServer(s) => format!("add node {s}"),
        MembershipChange::RemoveServer(s) => format!("remove node {s}"),
    }
}

/// One membership step of `node`, as a sentence.
pub fn step(node: NodeId, step: &MembershipEvent) -> String {
    match step {
        MembershipEvent::ConfigInForce { index: 0, members } => format!(
            "node {node} is back to the initial configuration {} (its configuration entry was truncated)",
            ids(members)
        ),
        MembershipEvent::ConfigInForce { index, members } => format!(
            "node {node} now uses the configuration {} of index {index} (in force on append, committed or not)",
            ids(members)
        ),
        MembershipEvent::CatchUpStarted { server } => format!(
            "node {node} (leader) replicates to node {server} as a non-voter until it is within a round of its log"
        ),
        MembershipEvent::CatchUpAbandoned { server, rounds } => format!(
            "node {node} gives up adding node {server}: still behind after {rounds} catch-up round(s)"
        ),
        MembershipEvent::Refused { change: c, refusal } => format!(
            "node {node} refuses to {}: {}",
            change(c),
            refusal.explain()
        ),
        MembershipEvent::RemovedLeaderSteppedDown { index } => format!(
            "node {node} steps down: the configuration of index {index}, which removes it, has committed"
        ),
    }
}
