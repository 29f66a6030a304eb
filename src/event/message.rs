//! What travels on the simulated network, and the one list of message kinds that
//! Rust, the page's packed frames and JavaScript all use.

use crate::kv::{ClientId, Op, OpResult};
use crate::raft::{LogIndex, Message, MessageBody, NodeId, Term};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A deterministic message id: the n-th message sent in the run (1-based).
/// Duplicates get fresh ids. Scenario links name messages by it ("drop message 17").
pub type MessageId = u64;

/// An endpoint on the simulated network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Address {
    Node(NodeId),
    Client(ClientId),
}

/// What travels on the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "payload", rename_all = "snake_case")]
pub enum Payload {
    /// A Raft message between two nodes.
    Raft(Message),
    /// A client asks a node to run `op`; `(client, seq)` identifies it across retries.
    ClientRequest { client: ClientId, seq: u64, op: Op },
    /// A node's answer to a client.
    ClientReply {
        client: ClientId,
        seq: u64,
        outcome: ClientOutcome,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClientOutcome {
    /// Committed and applied at `index`; `result` as the state machine returned it.
    /// (Broken-rule toggles break this promise: `ack-before-commit` answers with
    /// the appended index and the result the leader's state machine would give
    /// then; `stale-read` answers a read from the state machine with index 0.)
    Ok { index: LogIndex, result: OpResult },
    /// This node is not the leader; try `leader_hint` if known.
    NotLeader { leader_hint: Option<NodeId> },
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Random loss (the loss ratio knob).
    Loss,
    /// The link was cut by a partition or a one-way cut when it was sent or due.
    Partitioned,
    /// The receiving node was crashed.
    Crashed,
    /// A person (or a scenario) dropped it by hand.
    Manual,
}

/// Every kind of message on the network. The codes (`kind as u8`) are what the
/// page's packed frames carry (`present::frames`): append new kinds, never
/// renumber. In the browser this is the wasm export `MessageKind`, whose
/// `MessageKind[code]` is the kind's name.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[repr(u8)]
pub enum MessageKind {
    RequestVote = 0,
    RequestVoteReply = 1,
    /// An AppendEntries that carries entries.
    AppendEntries = 2,
    /// An AppendEntries with no entries.
    Heartbeat = 3,
    AppendEntriesReply = 4,
    ClientRequest = 5,
    ClientReply = 6,
    /// PreVote (§9.6) and its reply.
    PreVote = 7,
    PreVoteReply = 8,
    /// A transferring leader's "stand now" (§3.10).
    TimeoutNow = 9,
    /// Log compaction: a leader's snapshot for a follower behind it, and the reply.
    InstallSnapshot = 10,
    InstallSnapshotReply = 11,
    /// A leader's confirmation round for reads that skip the log (§6.4).
    ReadHeartbeat = 12,
    ReadHeartbeatReply = 13,
}

impl MessageKind {
    /// Every kind, in code order.
    pub const ALL: [MessageKind; 14] = [
        MessageKind::RequestVote,
        MessageKind::RequestVoteReply,
        MessageKind::AppendEntries,
        MessageKind::Heartbeat,
        MessageKind::AppendEntriesReply,
        MessageKind::ClientRequest,
        MessageKind::ClientReply,
        MessageKind::PreVote,
        MessageKind::PreVoteReply,
        MessageKind::TimeoutNow,
        MessageKind::InstallSnapshot,
        MessageKind::InstallSnapshotReply,
        MessageKind::ReadHeartbeat,
        MessageKind::ReadHeartbeatReply,
    ];

    /// The name, as the view, the message texts and JavaScript spell it (the
    /// variant's name, which is what serde and wasm-bindgen use too).
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::RequestVoteReply => "RequestVoteReply",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::Heartbeat => "Heartbeat",
            MessageKind::AppendEntriesReply => "AppendEntriesReply",
            MessageKind::ClientRequest => "ClientRequest",
            MessageKind::ClientReply => "ClientReply",
            MessageKind::PreVote => "PreVote",
            MessageKind::PreVoteReply => "PreVoteReply",
            MessageKind::TimeoutNow => "TimeoutNow",
            MessageKind::ReadHeartbeat => "ReadHeartbeat",
            MessageKind::ReadHeartbeatReply => "ReadHeartbeatReply",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::InstallSnapshotReply => "InstallSnapshotReply",
        }
    }

    /// The code the page's packed frames carry.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind with this code (codes may have gaps while kinds are added).
    pub fn from_code(code: u8) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A request (the replies answer one).
    pub fn is_request(self) -> bool {
        matches!(
            self,
            MessageKind::RequestVote
                | MessageKind::AppendEntries
                | MessageKind::Heartbeat
                | MessageKind::ClientRequest
                | MessageKind::PreVote
                | MessageKind::TimeoutNow
                | MessageKind::ReadHeartbeat
                | MessageKind::InstallSnapshot
        )
    }

    /// The kind of a Raft message (an AppendEntries without entries is a heartbeat).
    pub fn of_raft(body: &MessageBody) -> MessageKind {
        match body {
            MessageBody::RequestVote { .. } => MessageKind::RequestVote,
            MessageBody::RequestVoteReply { .. } => MessageKind::RequestVoteReply,
            MessageBody::AppendEntries { entries, .. } if entries.is_empty() => {
                MessageKind::Heartbeat
            }
            MessageBody::AppendEntries { .. } => MessageKind::AppendEntries,
            MessageBody::AppendEntriesReply { .. } => MessageKind::AppendEntriesReply,
            MessageBody::PreVote { .. } => MessageKind::PreVote,
            MessageBody::PreVoteReply { .. } => MessageKind::PreVoteReply,
            MessageBody::TimeoutNow => MessageKind::TimeoutNow,
            MessageBody::ReadHeartbeat { .. } => MessageKind::ReadHeartbeat,
            MessageBody::ReadHeartbeatReply { .. } => MessageKind::ReadHeartbeatReply,
            MessageBody::InstallSnapshot { .. } => MessageKind::InstallSnapshot,
            MessageBody::InstallSnapshotReply { .. } => MessageKind::InstallSnapshotReply,
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a drawing needs to know of a message, without building any text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageSummary {
    pub kind: MessageKind,
    /// The sender's term (Raft messages only).
    pub term: Option<Term>,
    /// For replies: vote granted / append succeeded / client request done;
    /// `None` for requests.
    pub success: Option<bool>,
}

impl Payload {
    pub fn kind(&self) -> MessageKind {
        self.summary().kind
    }

    pub fn summary(&self) -> MessageSummary {
        let (kind, term, success) = match self {
            Payload::Raft(m) => {
                let success = match &m.body {
                    MessageBody::RequestVoteReply { vote_granted }
                    | MessageBody::PreVoteReply { vote_granted } => Some(*vote_granted),
                    MessageBody::AppendEntriesReply { success, .. } => Some(*success),
                    MessageBody::InstallSnapshotReply { .. } => Some(true),
                    MessageBody::InstallSnapshot { .. }
                    | MessageBody::RequestVote { .. }
                    | MessageBody::AppendEntries { .. }
                    | MessageBody::PreVote { .. }
                    | MessageBody::TimeoutNow
                    | MessageBody::ReadHeartbeat { .. } => None,
                    // An answer in the leader's term is always a "yes".
                    MessageBody::ReadHeartbeatReply { .. } => Some(true),
                };
                (MessageKind::of_raft(&m.body), Some(m.term), success)
            }
            Payload::ClientRequest { .. } => (MessageKind::ClientRequest, None, None),
            Payload::ClientReply { outcome, .. } => (
                MessageKind::ClientReply,
                None,
                Some(matches!(outcome, ClientOutcome::Ok { .. })),
            ),
        };
        MessageSummary {
            kind,
            term,
            success,
        }
    }
}

impl Address {
    /// The node at this end, if it is one.
    pub fn node(self) -> Option<NodeId> {
        match self {
            Address::Node(n) => Some(n),
            Address::Client(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_numbered_in_order_and_named_after_their_variant() {
        let mut previous = None;
        for kind in MessageKind::ALL {
            // Codes increase; 10 and 11 are kept for InstallSnapshot.
            assert!(previous < Some(kind.code()));
            previous = Some(kind.code());
            assert_eq!(kind.name(), format!("{kind:?}"));
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.name())
            );
        }
    }

    #[test]
    fn a_raft_kind_is_a_request_exactly_when_raft_says_so() {
        let bodies = [
            MessageBody::RequestVote {
                last_log_index: 0,
                last_log_term: 0,
                transfer: false,
            },
            MessageBody::PreVote {
                last_log_index: 0,
                last_log_term: 0,
            },
            MessageBody::TimeoutNow,
            MessageBody::InstallSnapshot {
                snapshot: Default::default(),
            },
            MessageBody::InstallSnapshotReply { match_index: 0 },
            MessageBody::RequestVoteReply { vote_granted: true },
            MessageBody::AppendEntries {
                prev_log_index: 0,
                prev_log_term: 0,
                entries: Vec::new(),
                leader_commit: 0,
            },
            MessageBody::AppendEntriesReply {
                success: false,
                match_index: 0,
                rejected_index: 0,
                hint: None,
            },
        ];
        for body in &bodies {
            assert_eq!(MessageKind::of_raft(body).is_request(), body.is_request());
        }
    }
}
