//! Every sentence the page and the command line show about messages, events and
//! violations. The words the checker shares (ops, entries, times) sit a floor
//! lower, in [`crate::event::describe`], and are re-exported here.

pub use crate::event::describe::{address, entry, entry_in_words, millis, op};

use crate::event::{Address, ClientOutcome, DropReason, EventKind, Payload, Violation};
use crate::raft::{MessageBody, NodeId};
use std::fmt::Write as _;

/// Every field of a message, readable, one per line.
pub fn message(p: &Payload) -> String {
    match p {
        Payload::Raft(m) => {
            let head = format!("term {}", m.term);
            match &m.body {
                MessageBody::RequestVote {
                    last_log_index,
                    last_log_term,
                } => format!("{head}\nlastLogIndex {last_log_index}\nlastLogTerm {last_log_term}"),
                MessageBody::RequestVoteReply { vote_granted } => {
                    format!("{head}\nvoteGranted {vote_granted}")
                }
                MessageBody::AppendEntries {
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                } => {
                    let list: Vec<String> = entries
                        .iter()
                        .enumerate()
                        .map(|(i, e)| {
                            format!(
                                "  [{}] t{} {}",
                                *prev_log_index + 1 + i as u64,
                                e.term,
                                entry(&e.data)
                            )
                        })
                        .collect();
                    let entries_text = if list.is_empty() {
                        "entries []".to_string()
                    } else {
                        format!("entries\n{}", list.join("\n"))
                    };
                    format!(
                        "{head}\nprevLogIndex {prev_log_index}\nprevLogTerm {prev_log_term}\nleaderCommit {leader_commit}\n{entries_text}"
                    )
                }
                MessageBody::AppendEntriesReply {
                    success,
                    match_index,
                    rejected_index,
                    hint,
                } => {
                    let mut d = format!("{head}\nsuccess {success}");
                    if *success {
                        let _ = write!(d, "\nmatchIndex {match_index}");
                    } else {
                        let _ = write!(d, "\nrejectedIndex {rejected_index}");
                        if let Some(h) = hint {
                            let _ = match h.term {
                                Some(t) => {
                                    write!(d, "\nconflictTerm {t}\nconflictIndex {}", h.index)
                                }
                                None => write!(d, "\nconflictIndex {} (log too short)", h.index),
                            };
                        }
                    }
                    d
                }
            }
        }
        Payload::ClientRequest { client, seq, op } => {
            format!("client {client} #{seq}\n{}", self::op(op))
        }
        Payload::ClientReply {
            client,
            seq,
            outcome,
        } => match outcome {
            ClientOutcome::Ok { index, result } => format!(
                "client {client} #{seq}\nok at index {index}\nresult {}",
                result.as_deref().unwrap_or("(none)")
            ),
            ClientOutcome::NotLeader { leader_hint } => format!(
                "client {client} #{seq}\nnot leader; hint {}",
                leader_hint.map_or("unknown".to_string(), |h| format!("node {h}"))
            ),
        },
    }
}

/// One event as a line of the page's event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLine {
    /// The event's tag, e.g. "role", "commit", "violation" (the page styles by it).
    pub tag: &'static str,
    pub text: String,
    /// The nodes it concerns (for highlighting).
    pub nodes: Vec<NodeId>,
}

/// One readable line per event.
pub fn event(kind: &EventKind) -> EventLine {
    let (tag, text, nodes): (&'static str, String, Vec<NodeId>) = match kind {
        EventKind::Send {
            id,
            from,
            to,
            message,
            ..
        } => (
            "send",
            format!(
                "{} → {}: {} (#{id})",
                address(*from),
                address(*to),
                message.kind()
            ),
            [*from, *to].into_iter().filter_map(Address::node).collect(),
        ),
        EventKind::Deliver { id } => ("deliver", format!("message #{id} delivered"), vec![]),
        EventKind::Drop { id, reason } => {
            let why = match reason {
                DropReason::Loss => "lost",
                DropReason::Partitioned => "dropped by a partition",
                DropReason::Crashed => "dropped: receiver crashed",
                DropReason::Manual => "dropped by hand",
            };
            ("drop", format!("message #{id} {why}"), vec![])
        }
        EventKind::Duplicate { id, copy, .. } => (
            "duplicate",
            format!("message #{id} duplicated as #{copy}"),
            vec![],
        ),
        EventKind::Role { node, role, term } => (
            "role",
            format!("node {node} is {} of term {term}", role.name()),
            vec![*node],
        ),
        EventKind::HardState {
            node,
            term,
            voted_for,
        } => (
            "hard_state",
            match voted_for {
                Some(v) => format!("node {node} persisted term {term}, vote for {v}"),
                None => format!("node {node} persisted term {term}, no vote"),
            },
            vec![*node],
        ),
        EventKind::LogAppend {
            node,
            index,
            entry: e,
        } => (
            "log_append",
            format!(
                "node {node} appended [{index}] t{} {}",
                e.term,
                entry(&e.data)
            ),
            vec![*node],
        ),
        EventKind::LogTruncate { node, from } => (
            "log_truncate",
            format!("node {node} truncated its log from index {from}"),
            vec![*node],
        ),
        EventKind::Commit { node, index } => (
            "commit",
            format!("node {node} committed up to {index}"),
            vec![*node],
        ),
        EventKind::Apply { node, index, data } => (
            "apply",
            format!("node {node} applied [{index}] {}", entry(data)),
            vec![*node],
        ),
        EventKind::ClientInvoke {
            client,
            seq,
            op,
            to,
        } => (
            "client_invoke",
            format!("client {client} #{seq}: {} → node {to}", self::op(op)),
            vec![*to],
        ),
        EventKind::ClientOk {
            client,
            seq,
            index,
            result,
        } => (
            "client_ok",
            format!(
                "client {client} #{seq} acknowledged (index {index}, result {})",
                result.as_deref().unwrap_or("none")
            ),
            vec![],
        ),
        EventKind::ClientRetry { client, seq, to } => (
            "client_retry",
            format!("client {client} #{seq} retries at node {to}"),
            vec![*to],
        ),
        EventKind::ClientFail {
            client,
            seq,
            reason,
        } => (
            "client_fail",
            format!("client {client} #{seq} failed: {reason}"),
            vec![],
        ),
        EventKind::Crash { node } => ("crash", format!("node {node} crashed"), vec![*node]),
        EventKind::Restart { node } => ("restart", format!("node {node} restarted"), vec![*node]),
        EventKind::Partition { groups } => {
            let g: Vec<String> = groups
                .iter()
                .map(|g| {
                    let ids: Vec<String> = g.iter().map(|n| n.to_string()).collect();
                    format!("{{{}}}", ids.join(","))
                })
                .collect();
            ("partition", format!("partition {}", g.join(" | ")), vec![])
        }
        EventKind::Cut { from, to } => ("cut", format!("link {from} → {to} cut"), vec![*from, *to]),
        EventKind::Heal => ("heal", "network healed".into(), vec![]),
        EventKind::ForceTimeout { node } => (
            "timeout",
            format!("node {node}'s election timeout forced"),
            vec![*node],
        ),
        EventKind::Setting { detail } => ("setting", detail.clone(), vec![]),
        EventKind::Violation(v) => (
            "violation",
            format!("{}: {}", v.property.name(), v.explanation),
            v.nodes.clone(),
        ),
    };
    EventLine { tag, text, nodes }
}

/// One line: property, time, where, and the checker's explanation, e.g.
/// "Election Safety (at 1250 ms, nodes 1,2, term 3): …".
pub fn violation(v: &Violation) -> String {
    let mut at = format!("at {}", millis(v.time));
    if !v.nodes.is_empty() {
        let nodes: Vec<String> = v.nodes.iter().map(|n| n.to_string()).collect();
        let _ = write!(at, ", nodes {}", nodes.join(","));
    }
    if let Some(i) = v.index {
        let _ = write!(at, ", index {i}");
    }
    if let Some(t) = v.term {
        let _ = write!(at, ", term {t}");
    }
    format!("{} ({at}): {}", v.property.name(), v.explanation)
}
