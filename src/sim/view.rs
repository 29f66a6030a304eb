//! A snapshot of the world for drawing: plain lists in fixed orders (no maps that
//! could reorder), times in milliseconds, field names in camelCase for JavaScript.

use crate::check::Violation;
use crate::kv::Op;
use crate::raft::{Bug, EntryData, LogIndex, MessageBody, NodeId, Role, Term};
use crate::sim::event::{Address, ClientOutcome, DropReason, Event, EventKind, Payload};
use crate::sim::world::World;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    /// Simulated time, ms.
    pub time: f64,
    pub seed: u64,
    pub nodes: Vec<NodeView>,
    pub messages: Vec<MessageView>,
    pub partition: PartitionView,
    pub clients: Vec<ClientView>,
    pub violations: Vec<ViolationView>,
    pub network: NetworkView,
    pub bugs: Vec<BugView>,
    /// Newest first.
    pub events: Vec<EventView>,
    pub timing: TimingView,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub id: NodeId,
    /// "follower" | "candidate" | "leader". A crashed node (see `crashed`) reports
    /// "follower", the role it restarts in.
    pub role: &'static str,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub commit_index: LogIndex,
    pub last_applied: LogIndex,
    pub crashed: bool,
    pub leader_hint: Option<NodeId>,
    /// When the election timer fires (ms); `None` for leaders and crashed nodes.
    pub election_deadline: Option<f64>,
    /// Votes a candidate holds (self included), in id order.
    pub votes: Vec<NodeId>,
    /// A leader's view of each follower, in id order.
    pub progress: Vec<ProgressView>,
    pub log: Vec<EntryView>,
    /// The state machine, in key order.
    pub kv: Vec<[String; 2]>,
    pub restarts: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressView {
    pub peer: NodeId,
    pub next_index: LogIndex,
    pub match_index: LogIndex,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub index: LogIndex,
    pub term: Term,
    /// Readable command: "noop", "put x=1 (c0#3)", ...
    pub command: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: u64,
    /// "n3" for node 3, "c0" for client 0.
    pub from: String,
    pub to: String,
    /// Node ids when the endpoint is a node (for drawing), else `None`.
    pub from_node: Option<NodeId>,
    pub to_node: Option<NodeId>,
    /// "RequestVote", "RequestVoteReply", "AppendEntries", "Heartbeat",
    /// "AppendEntriesReply", "ClientRequest", "ClientReply".
    pub kind: &'static str,
    pub is_request: bool,
    /// For replies: granted / success / ok.
    pub success: Option<bool>,
    pub term: Option<Term>,
    pub sent_at: f64,
    pub deliver_at: f64,
    /// Every field, readable, one per line.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionView {
    /// Groups of the last partition (empty when none).
    pub groups: Vec<Vec<NodeId>>,
    /// Cut directed links `[from, to]`, in order.
    pub cuts: Vec<[NodeId; 2]>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientView {
    pub id: u64,
    pub automatic: bool,
    pub completed: u64,
    /// The request in progress, readable, if any.
    pub pending: Option<String>,
    pub pending_target: Option<NodeId>,
    pub queued: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViolationView {
    pub property: &'static str,
    pub time: f64,
    pub nodes: Vec<NodeId>,
    pub index: Option<LogIndex>,
    pub term: Option<Term>,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkView {
    pub latency_min: f64,
    pub latency_max: f64,
    pub loss: f64,
    pub duplicate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimingView {
    pub election_timeout_min: f64,
    pub election_timeout_max: f64,
    pub heartbeat_interval: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BugView {
    pub name: &'static str,
    pub explanation: &'static str,
    pub on: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub time: f64,
    /// The event's tag, e.g. "role", "commit", "violation".
    pub kind: &'static str,
    pub text: String,
    /// The nodes it concerns (for highlighting).
    pub nodes: Vec<NodeId>,
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

pub fn address(a: Address) -> String {
    match a {
        Address::Node(n) => format!("n{n}"),
        Address::Client(c) => format!("c{c}"),
    }
}

pub fn describe_op(op: &Op) -> String {
    match op {
        Op::Put { key, value } => format!("put {key}={value}"),
        Op::Delete { key } => format!("delete {key}"),
        Op::Get { key } => format!("get {key}"),
    }
}

pub fn describe_entry(data: &EntryData) -> String {
    match data {
        EntryData::Noop => "noop".into(),
        EntryData::Command(c) => format!("{} (c{}#{})", describe_op(&c.op), c.client, c.seq),
    }
}

impl View {
    /// Takes a snapshot; `max_events` bounds the event list.
    pub fn of(world: &World, max_events: usize) -> View {
        let now = world.now();
        let nodes = world.servers().iter().map(|s| node_view(s, now)).collect();
        let messages = world
            .in_flight()
            .map(|m| {
                let (kind, is_request, success, term, detail) = describe_payload(&m.payload);
                MessageView {
                    id: m.id,
                    from: address(m.from),
                    to: address(m.to),
                    from_node: node_of(m.from),
                    to_node: node_of(m.to),
                    kind,
                    is_request,
                    success,
                    term,
                    sent_at: ms(m.sent_at),
                    deliver_at: ms(m.deliver_at),
                    detail,
                }
            })
            .collect();
        let network = world.network();
        let partition = PartitionView {
            groups: network.groups().to_vec(),
            cuts: network.cut_links().map(|(a, b)| [a, b]).collect(),
        };
        let clients = world
            .clients()
            .iter()
            .map(|c| ClientView {
                id: c.id,
                automatic: c.automatic,
                completed: c.completed,
                pending: c
                    .outstanding
                    .as_ref()
                    .map(|o| format!("#{} {}", o.seq, describe_op(&o.op))),
                pending_target: c.outstanding.as_ref().map(|o| o.target),
                queued: c.queue.len(),
            })
            .collect();
        let violations = world.violations().iter().map(violation_view).collect();
        let cfg = world.config();
        let n = world.network_config();
        View {
            time: ms(now),
            seed: cfg.seed,
            nodes,
            messages,
            partition,
            clients,
            violations,
            network: NetworkView {
                latency_min: ms(n.latency_min),
                latency_max: ms(n.latency_max),
                loss: n.loss,
                duplicate: n.duplicate,
            },
            bugs: Bug::ALL
                .iter()
                .map(|&b| BugView {
                    name: b.name(),
                    explanation: b.explanation(),
                    on: cfg.bugs.is_on(b),
                })
                .collect(),
            events: world
                .trace()
                .recent()
                .rev()
                .take(max_events)
                .map(event_view)
                .collect(),
            timing: TimingView {
                election_timeout_min: ms(cfg.raft.election_timeout_min),
                election_timeout_max: ms(cfg.raft.election_timeout_max),
                heartbeat_interval: ms(cfg.raft.heartbeat_interval),
            },
        }
    }
}

fn node_of(a: Address) -> Option<NodeId> {
    match a {
        Address::Node(n) => Some(n),
        Address::Client(_) => None,
    }
}

fn node_view(s: &crate::sim::world::Server, _now: u64) -> NodeView {
    let kv =
        s.kv.entries()
            .map(|(k, v)| [k.clone(), v.clone()])
            .collect();
    let Some(node) = s.node.as_ref() else {
        // Crashed: only what is on disk is known.
        return NodeView {
            id: s.id,
            role: "follower",
            term: s.disk.current_term,
            voted_for: s.disk.voted_for,
            commit_index: 0,
            last_applied: 0,
            crashed: true,
            leader_hint: None,
            election_deadline: None,
            votes: Vec::new(),
            progress: Vec::new(),
            log: log_view(s.disk.log.entries()),
            kv,
            restarts: s.restarts,
        };
    };
    let (votes, progress) = match node.role() {
        Role::Candidate { votes } => (votes.iter().copied().collect(), Vec::new()),
        Role::Leader { progress, .. } => (
            Vec::new(),
            progress
                .iter()
                .map(|(&peer, p)| ProgressView {
                    peer,
                    next_index: p.next_index,
                    match_index: p.match_index,
                })
                .collect(),
        ),
        Role::Follower { .. } => (Vec::new(), Vec::new()),
    };
    let is_leader = matches!(node.role(), Role::Leader { .. });
    NodeView {
        id: s.id,
        role: node.role_kind().name(),
        term: node.current_term(),
        voted_for: node.voted_for(),
        commit_index: node.commit_index(),
        last_applied: node.last_applied(),
        crashed: false,
        leader_hint: node.leader_hint(),
        election_deadline: (!is_leader).then(|| ms(node.election_deadline())),
        votes,
        progress,
        log: log_view(node.log().entries()),
        kv,
        restarts: s.restarts,
    }
}

fn log_view(entries: &[crate::raft::Entry]) -> Vec<EntryView> {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| EntryView {
            index: i as u64 + 1,
            term: e.term,
            command: describe_entry(&e.data),
        })
        .collect()
}

/// (kind, is_request, success, term, detail) of a payload.
fn describe_payload(p: &Payload) -> (&'static str, bool, Option<bool>, Option<Term>, String) {
    match p {
        Payload::Raft(m) => {
            let head = format!("term {}", m.term);
            match &m.body {
                MessageBody::RequestVote {
                    last_log_index,
                    last_log_term,
                } => (
                    "RequestVote",
                    true,
                    None,
                    Some(m.term),
                    format!("{head}\nlastLogIndex {last_log_index}\nlastLogTerm {last_log_term}"),
                ),
                MessageBody::RequestVoteReply { vote_granted } => (
                    "RequestVoteReply",
                    false,
                    Some(*vote_granted),
                    Some(m.term),
                    format!("{head}\nvoteGranted {vote_granted}"),
                ),
                MessageBody::AppendEntries {
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                } => {
                    let kind = if entries.is_empty() {
                        "Heartbeat"
                    } else {
                        "AppendEntries"
                    };
                    let list: Vec<String> = entries
                        .iter()
                        .enumerate()
                        .map(|(i, e)| {
                            format!(
                                "  [{}] t{} {}",
                                *prev_log_index + 1 + i as u64,
                                e.term,
                                describe_entry(&e.data)
                            )
                        })
                        .collect();
                    let entries_text = if list.is_empty() {
                        "entries []".to_string()
                    } else {
                        format!("entries\n{}", list.join("\n"))
                    };
                    (
                        kind,
                        true,
                        None,
                        Some(m.term),
                        format!(
                            "{head}\nprevLogIndex {prev_log_index}\nprevLogTerm {prev_log_term}\nleaderCommit {leader_commit}\n{entries_text}"
                        ),
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
                        d.push_str(&format!("\nmatchIndex {match_index}"));
                    } else {
                        d.push_str(&format!("\nrejectedIndex {rejected_index}"));
                        if let Some(h) = hint {
                            match h.term {
                                Some(t) => d.push_str(&format!(
                                    "\nconflictTerm {t}\nconflictIndex {}",
                                    h.index
                                )),
                                None => d.push_str(&format!(
                                    "\nconflictIndex {} (log too short)",
                                    h.index
                                )),
                            }
                        }
                    }
                    ("AppendEntriesReply", false, Some(*success), Some(m.term), d)
                }
            }
        }
        Payload::ClientRequest { client, seq, op } => (
            "ClientRequest",
            true,
            None,
            None,
            format!("client {client} #{seq}\n{}", describe_op(op)),
        ),
        Payload::ClientReply {
            client,
            seq,
            outcome,
        } => match outcome {
            ClientOutcome::Ok { index, result } => (
                "ClientReply",
                false,
                Some(true),
                None,
                format!(
                    "client {client} #{seq}\nok at index {index}\nresult {}",
                    result.as_deref().unwrap_or("(none)")
                ),
            ),
            ClientOutcome::NotLeader { leader_hint } => (
                "ClientReply",
                false,
                Some(false),
                None,
                format!(
                    "client {client} #{seq}\nnot leader; hint {}",
                    leader_hint.map_or("unknown".to_string(), |h| format!("node {h}"))
                ),
            ),
        },
    }
}

pub fn violation_view(v: &Violation) -> ViolationView {
    ViolationView {
        property: v.property.name(),
        time: ms(v.time),
        nodes: v.nodes.clone(),
        index: v.index,
        term: v.term,
        explanation: v.explanation.clone(),
    }
}

/// One readable line per event (also used by the CLI).
pub fn event_view(e: &Event) -> EventView {
    let (kind, text, nodes): (&'static str, String, Vec<NodeId>) = match &e.kind {
        EventKind::Send {
            id,
            from,
            to,
            message,
            ..
        } => {
            let (k, ..) = describe_payload(message);
            (
                "send",
                format!("{} → {}: {k} (#{id})", address(*from), address(*to)),
                endpoints(*from, *to),
            )
        }
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
        EventKind::LogAppend { node, index, entry } => (
            "log_append",
            format!(
                "node {node} appended [{index}] t{} {}",
                entry.term,
                describe_entry(&entry.data)
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
            format!("node {node} applied [{index}] {}", describe_entry(data)),
            vec![*node],
        ),
        EventKind::ClientInvoke {
            client,
            seq,
            op,
            to,
        } => (
            "client_invoke",
            format!("client {client} #{seq}: {} → node {to}", describe_op(op)),
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
                    format!(
                        "{{{}}}",
                        g.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    )
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
    EventView {
        time: ms(e.time),
        kind,
        text,
        nodes,
    }
}

fn endpoints(from: Address, to: Address) -> Vec<NodeId> {
    [from, to].into_iter().filter_map(node_of).collect()
}
