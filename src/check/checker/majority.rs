//! Membership changes: majorities follow the configuration in force.
//!
//! The checker keeps, per node, the configuration entries of its (shadow) log,
//! and when a leader commits an index it counts who holds the leader's entry
//! there (same prefix hash) among the voters of the leader's configuration in
//! force: fewer than a majority breaks [`Property::CommittedByMajority`].
//! Election Safety and Leader Completeness need nothing new: they hold per term
//! whatever the configuration.
//!
//! Only judged once membership changes are in use (an initial configuration
//! smaller than the cluster, or a configuration entry seen), so runs without
//! them are judged, and traced, exactly as before.

use super::Checker;
use crate::event::describe::ids;
use crate::event::{Property, Violation};
use crate::raft::{EntryData, LogIndex, NodeId, Time};
use std::collections::BTreeMap;

/// The configurations the checker has seen.
#[derive(Clone, Debug, Default)]
pub(super) struct Configs {
    /// Whether membership changes are in use (nothing is judged otherwise).
    enabled: bool,
    /// The voters before any configuration entry (empty: every node).
    initial: Vec<NodeId>,
    /// Per node: its log's configuration entries, (index, members) in index order.
    logs: BTreeMap<NodeId, Vec<(LogIndex, Vec<NodeId>)>>,
}

impl Configs {
    pub(super) fn set_initial(&mut self, members: &[NodeId]) {
        self.enabled = true;
        self.initial = members.to_vec();
    }

    pub(super) fn on_append(&mut self, node: NodeId, index: LogIndex, data: &EntryData) {
        if let EntryData::Config { members } = data {
            self.enabled = true;
            self.logs
                .entry(node)
                .or_default()
                .push((index, members.clone()));
        }
    }

    pub(super) fn on_truncate(&mut self, node: NodeId, from: LogIndex) {
        if let Some(entries) = self.logs.get_mut(&node) {
            entries.retain(|&(i, _)| i < from);
        }
    }

    /// `node` reports the configuration of `index` in force (a node reports
    /// every change; after an append or a truncation this changes nothing,
    /// after a snapshot install it is the snapshot's configuration, whose
    /// entry the node's log no longer holds).
    pub(super) fn in_force_now(&mut self, node: NodeId, index: LogIndex, members: &[NodeId]) {
        let entries = self.logs.entry(node).or_default();
        entries.retain(|&(i, _)| i < index);
        entries.push((index, members.to_vec()));
    }

    /// The configuration in force at `node` (the initial one: `None` if every node).
    fn in_force(&self, node: NodeId) -> Option<&[NodeId]> {
        match self.logs.get(&node).and_then(|e| e.last()) {
            Some((_, members)) => Some(members),
            None if self.initial.is_empty() => None,
            None => Some(&self.initial),
        }
    }
}

impl Checker {
    /// Judges a leader's commit of `index`: a majority of its configuration in
    /// force must hold its entry there.
    pub(super) fn check_commit_majority(
        &mut self,
        out: &mut Vec<Violation>,
        t: Time,
        leader: NodeId,
        index: LogIndex,
    ) {
        if !self.configs.enabled || index == 0 {
            return;
        }
        let Some(ns) = self.nodes.get(&leader) else {
            return;
        };
        if !ns.is_current_leader() {
            return;
        }
        let Some(prefix) = ns.slot(index).map(|s| s.prefix) else {
            return;
        };
        let term = ns.role_term;
        let voters: Vec<NodeId> = match self.configs.in_force(leader) {
            Some(members) => members.to_vec(),
            None => self.nodes.keys().copied().collect(),
        };
        let holders: Vec<NodeId> = voters
            .iter()
            .copied()
            .filter(|v| {
                self.nodes
                    .get(v)
                    .and_then(|n| n.slot(index))
                    .is_some_and(|s| s.prefix == prefix)
            })
            .collect();
        if holders.len() * 2 > voters.len() {
            return;
        }
        self.report(
            out,
            (Property::CommittedByMajority, index, term),
            t,
            vec![leader],
            Some(index),
            Some(term),
            || {
                format!(
                    "Node {leader}, leader of term {term}, committed index {index}, but only {} of its configuration {} hold that entry.",
                    ids(&holders),
                    ids(&voters)
                )
            },
        );
    }
}
