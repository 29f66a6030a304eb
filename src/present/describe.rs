//! Every sentence the page and the command line show about messages, events and
//! violations. The words the checker shares (ops, entries, times) sit a floor
//! lower, in [`crate::event::describe`], and are re-exported here.

pub use crate::event::describe::{address, entry, entry_in_words, millis, op};

use crate::event::{
    Address, ClientOutcome, DropReason, EventKind, MessageId, MessageKind, Payload, Violation,
};
use crate::raft::{MessageBody, NodeId, RejectReason, RoleKind};
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
                    transfer,
                } => {
                    let mut d = format!(
                        "{head}\nlastLogIndex {last_log_index}\nlastLogTerm {last_log_term}"
                    );
                    if *transfer {
                        d.push_str("\ntransfer true (leader stickiness does not apply)");
                    }
                    d
                }
                MessageBody::PreVote {
                    last_log_index,
                    last_log_term,
                } => format!(
                    "{head} (asked for, not adopted)\nlastLogIndex {last_log_index}\nlastLogTerm {last_log_term}"
                ),
                MessageBody::RequestVoteReply { vote_granted }
                | MessageBody::PreVoteReply { vote_granted } => {
                    format!("{head}\nvoteGranted {vote_granted}")
                }
                MessageBody::TimeoutNow => format!("{head}\nstart an election now"),
                MessageBody::ReadHeartbeat { round } => {
                    format!("{head}\nround {round}\nam I still the leader? (for reads)")
                }
                MessageBody::ReadHeartbeatReply { round } => {
                    format!("{head}\nround {round}\nyes, in this term")
                }
                MessageBody::InstallSnapshot { snapshot } => format!(
                    "{head}\nlastIncludedIndex {}\nlastIncludedTerm {}\nstate {} keys, {} client sessions",
                    snapshot.last_index,
                    snapshot.last_term,
                    snapshot.state.len(),
                    snapshot.state.session_count()
                ),
                MessageBody::InstallSnapshotReply { match_index } => {
                    format!("{head}\nmatches up to index {match_index}")
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
        EventKind::Drop { id, reason } => ("drop", drop(*id, *reason, None), vec![]),
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
        EventKind::QuorumLost { node, heard_from } => (
            "quorum_lost",
            format!(
                "node {node} steps down: in the last election timeout it heard from {} of its peers, not a majority (CheckQuorum)",
                heard_from.len()
            ),
            vec![*node],
        ),
        EventKind::TransferStart { node, to } => (
            "transfer_start",
            format!("node {node} hands its leadership to node {to}: no new commands until then"),
            vec![*node, *to],
        ),
        EventKind::TransferAbort { node, to } => (
            "transfer_abort",
            format!(
                "node {node} gives up handing its leadership to node {to} (an election timeout passed) and takes commands again"
            ),
            vec![*node, *to],
        ),
        EventKind::Membership { node, step } => (
            "membership",
            super::membership_text::step(*node, step),
            vec![*node],
        ),
        EventKind::Pause { node } => (
            "pause",
            format!(
                "node {node} paused (a GC stop-the-world): it handles nothing, its timers stop, messages to it wait"
            ),
            vec![*node],
        ),
        EventKind::Resume { node, backlog } => (
            "resume",
            format!(
                "node {node} resumed with {backlog} waiting messages, handled now in order on its old beliefs"
            ),
            vec![*node],
        ),
        EventKind::ReadServe {
            node,
            client,
            seq,
            read_index,
            lease,
        } => (
            "read_serve",
            format!(
                "node {node} answers client {client}'s read #{seq} from its state machine (applied up to read index {read_index}; {})",
                if *lease {
                    "within its lease, no round trip"
                } else {
                    "a majority confirmed its leadership"
                }
            ),
            vec![*node],
        ),
        EventKind::Snapshot {
            node, index, term, ..
        } => (
            "snapshot",
            format!(
                "node {node} snapshotted its state machine up to index {index} (term {term}) and dropped that log prefix"
            ),
            vec![*node],
        ),
        EventKind::SnapshotRestore { node, index, .. } => (
            "snapshot_restore",
            format!("node {node}'s state machine was reset from its snapshot at index {index}"),
            vec![*node],
        ),
        EventKind::ClockRate { node, permille } => (
            "clock_rate",
            format!(
                "node {node}'s clock now runs at {}× real time",
                rate(*permille)
            ),
            vec![*node],
        ),
        EventKind::Rejected { node, from, reason } => (
            "rejected",
            rejection(*node, *from, reason),
            [Some(*node), *from].into_iter().flatten().collect(),
        ),
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

/// A clock rate in thousandths as a factor: 1500 → "1.5", 1000 → "1".
pub fn rate(permille: u64) -> String {
    let text = format!("{}.{:03}", permille / 1000, permille % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "S3" for node 3: the name the page's ring shows.
fn server(n: NodeId) -> String {
    format!("S{n}")
}

/// A message's endpoints and kind, when the caller still knows them (the trace's
/// `drop` line names only the message id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageLink {
    pub from: Address,
    pub to: Address,
    pub kind: MessageKind,
}

fn endpoint(a: Address) -> String {
    match a {
        Address::Node(n) => server(n),
        Address::Client(c) => format!("client {c}"),
    }
}

/// Why a message did not arrive, with the simulator's real reason: "message #12
/// (AppendEntries S1 → S3) dropped: partitioned link S1→S3", "… receiver S2
/// crashed", "… random loss", "… dropped by hand".
pub fn drop(id: MessageId, reason: DropReason, link: Option<MessageLink>) -> String {
    let (what, from, to) = match link {
        Some(l) => {
            let (from, to) = (endpoint(l.from), endpoint(l.to));
            let what = format!("message #{id} ({} {from} → {to})", l.kind);
            (what, format!(" {from}"), format!(" {to}"))
        }
        None => (format!("message #{id}"), String::new(), String::new()),
    };
    match reason {
        DropReason::Loss => format!("{what} dropped: random loss"),
        DropReason::Partitioned => {
            let link = if from.is_empty() {
                String::new()
            } else {
                format!("{from}→{}", to.trim_start())
            };
            format!("{what} dropped: partitioned link{link}")
        }
        DropReason::Crashed => format!("{what} dropped: receiver{to} crashed"),
        DropReason::Manual => format!("{what} dropped by hand"),
    }
}

/// "a candidate", "a leader".
fn a_role(role: RoleKind) -> &'static str {
    match role {
        RoleKind::Follower => "a follower",
        RoleKind::Candidate => "a candidate",
        RoleKind::Leader => "the leader",
        RoleKind::Precandidate => "a pre-candidate",
    }
}

/// Why, as the end of a sentence: "stale term (3 < 5)".
pub fn reject_reason(node: NodeId, reason: &RejectReason) -> String {
    match reason {
        RejectReason::StaleTerm {
            term, current_term, ..
        } => format!("stale term ({term} < {current_term})"),
        RejectReason::AlreadyVoted { voted_for, term } => {
            format!("already voted for {} in term {term}", server(*voted_for))
        }
        RejectReason::LogNotUpToDate {
            last_log_term,
            last_log_index,
            our_last_term,
            our_last_index,
        } => format!(
            "candidate's log not up to date (last entry term {last_log_term} index {last_log_index} vs ours term {our_last_term} index {our_last_index})"
        ),
        RejectReason::MissingEntry {
            prev_log_index,
            last_index,
        } => format!("no entry at prevLogIndex {prev_log_index}, its log ends at {last_index}"),
        RejectReason::TermMismatch {
            prev_log_index,
            prev_log_term,
            our_term,
        } => format!("prevLogIndex {prev_log_index} holds term {our_term} not {prev_log_term}"),
        RejectReason::RivalLeader { term } => format!(
            "{} is itself the leader of term {term} (two leaders in one term)",
            server(node)
        ),
        RejectReason::WrongRole { expected, role, .. } => {
            format!("no longer {} (now {})", a_role(*expected), role.name())
        }
        RejectReason::StaleRejection {
            rejected_index,
            next_index,
        } => format!(
            "a late rejection of the probe at prevLogIndex {rejected_index} (nextIndex is now {next_index})"
        ),
        RejectReason::NotLeader { leader_hint, .. } => match leader_hint {
            Some(h) => format!("not the leader (hint {})", server(*h)),
            None => "not the leader (no leader known)".to_string(),
        },
        RejectReason::LeaderHasNoElectionTimer => "a leader has no election timer".to_string(),
        RejectReason::Misaddressed { to } if *to != node => {
            format!("addressed to {}", server(*to))
        }
        RejectReason::Misaddressed { .. } => {
            "the sender is not a member of the cluster".to_string()
        }
        RejectReason::HigherTermReplyIgnored {
            term, current_term, ..
        } => format!(
            "BROKEN RULE: its term {term} is newer than ours ({current_term}) and should have made us step down"
        ),
        RejectReason::LeaderInLease { term, leader, .. } => format!(
            "heard from the leader {} within the minimum election timeout, so no election for term {term}",
            server(*leader)
        ),
        RejectReason::PreVoteLogNotUpToDate {
            last_log_term,
            last_log_index,
            our_last_term,
            our_last_index,
        } => format!(
            "pre-candidate's log not up to date (last entry term {last_log_term} index {last_log_index} vs ours term {our_last_term} index {our_last_index})"
        ),
        RejectReason::TransferInProgress { to, .. } => format!(
            "handing leadership to {}, taking no new commands meanwhile",
            server(*to)
        ),
        RejectReason::CannotTransfer { to, role } if *to == node => format!(
            "cannot transfer leadership to itself (it is {})",
            a_role(*role)
        ),
        RejectReason::StaleSnapshot {
            index,
            commit_index,
        } => format!(
            "a stale snapshot (up to index {index}; committed up to {commit_index} already)"
        ),
        RejectReason::CannotTransfer { role, .. } => {
            format!(
                "only the leader can transfer leadership (it is {})",
                a_role(*role)
            )
        }
        RejectReason::NotAVoter { candidate, .. } if *candidate == node => {
            "not in the configuration in force, so it does not stand for election".to_string()
        }
        RejectReason::NotAVoter { candidate, .. } => format!(
            "{} is not in the configuration in force, so its election is ignored",
            server(*candidate)
        ),
        RejectReason::RestartFence { term } => format!(
            "restarted less than a minimum election timeout ago, it may have backed a leader's lease: no election for term {term} yet"
        ),
        RejectReason::NotLeaderForRead { leader_hint, .. } => match leader_hint {
            Some(h) => format!(
                "only the leader answers reads off the log (hint {})",
                server(*h)
            ),
            None => "only the leader answers reads off the log (no leader known)".to_string(),
        },
    }
}

/// One rejection as a sentence: "S2 refused S1's RequestVote: stale term (3 < 5)",
/// "S1 ignored S4's RequestVoteReply: no longer a candidate (now leader)".
pub fn rejection(node: NodeId, from: Option<NodeId>, reason: &RejectReason) -> String {
    let verb = if reason.answered() {
        "refused"
    } else {
        "ignored"
    };
    let what = match (reason, reason.message()) {
        (RejectReason::NotLeader { client, seq, .. }, _)
        | (RejectReason::NotLeaderForRead { client, seq, .. }, _) => {
            format!("client {client}'s request #{seq}")
        }
        (RejectReason::LeaderHasNoElectionTimer, _) => "the forced election timeout".to_string(),
        (RejectReason::TransferInProgress { client, seq, .. }, _) => {
            format!("client {client}'s request #{seq}")
        }
        (RejectReason::CannotTransfer { to, .. }, _) => {
            format!("a leadership transfer to {}", server(*to))
        }
        (_, Some(kind)) => match from {
            Some(f) => format!("{}'s {}", server(f), kind.name()),
            None => format!("a {}", kind.name()),
        },
        (_, None) => match from {
            Some(f) => format!("a message from {}", server(f)),
            None => "a message".to_string(),
        },
    };
    format!(
        "{} {verb} {what}: {}",
        server(node),
        reject_reason(node, reason)
    )
}
