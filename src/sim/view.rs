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
    /// The full log length; `log` may hold only the newest entries (see
    /// [`ViewOptions::max_log`]).
    pub log_length: LogIndex,
    /// A 32-bit fingerprint of the log's terms: it changes whenever the log
    /// does, so a page can skip fetching and redrawing an unchanged log.
    pub log_sig: u32,
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
    /// Every field, readable, one per line (empty unless
    /// [`ViewOptions::message_details`]).
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

/// How much a snapshot holds (a page drawing every frame wants it small).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewOptions {
    /// At most this many recent events.
    pub max_events: usize,
    /// At most this many of the newest entries of each node's log (`None`: all).
    pub max_log: Option<usize>,
    /// Fill in each message's `detail` text.
    pub message_details: bool,
    /// Leave message traffic (see [`is_traffic`]) out of the event list.
    pub quiet_events: bool,
    /// List the messages in flight (a page may fetch them packed instead, see
    /// `sim::page::packed_messages`).
    pub messages: bool,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            max_events: 50,
            max_log: None,
            message_details: true,
            quiet_events: false,
            messages: true,
        }
    }
}

/// Events that are message traffic (left out by [`ViewOptions::quiet_events`]):
/// sends, deliveries, duplicates, and drops other than by hand.
pub fn is_traffic(kind: &EventKind) -> bool {
    match kind {
        EventKind::Send { .. } | EventKind::Deliver { .. } | EventKind::Duplicate { .. } => true,
        EventKind::Drop { reason, .. } => *reason != DropReason::Manual,
        _ => false,
    }
}

impl View {
    /// Takes a full snapshot; `max_events` bounds the event list.
    pub fn of(world: &World, max_events: usize) -> View {
        View::with(
            world,
            &ViewOptions {
                max_events,
                ..ViewOptions::default()
            },
        )
    }

    /// Takes a snapshot holding what `options` ask for.
    pub fn with(world: &World, options: &ViewOptions) -> View {
        let now = world.now();
        let nodes = world
            .servers()
            .iter()
            .map(|s| node_view(s, now, options.max_log))
            .collect();
        let messages = world
            .in_flight()
            .filter(|_| options.messages)
            .map(|m| {
                let (kind, is_request, success, term, detail) =
                    describe_payload(&m.payload, options.message_details);
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
                .filter(|e| !(options.quiet_events && is_traffic(&e.kind)))
                .take(options.max_events)
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

fn node_view(s: &crate::sim::world::Server, _now: u64, max_log: Option<usize>) -> NodeView {
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
            log: log_view(s.disk.log.entries(), max_log),
            kv,
            restarts: s.restarts,
            log_length: s.disk.log.last_index(),
            log_sig: log_sig(s.disk.log.entries()),
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
        log: log_view(node.log().entries(), max_log),
        kv,
        restarts: s.restarts,
        log_length: node.log().last_index(),
        log_sig: log_sig(node.log().entries()),
    }
}

/// FNV-1a over the terms of a log (an entry's index and term fix its content,
/// by Log Matching; the length is folded in too).
pub fn log_sig(entries: &[crate::raft::Entry]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for e in entries {
        for b in e.term.to_le_bytes() {
            h = (h ^ b as u32).wrapping_mul(0x0100_0193);
        }
    }
    h ^ entries.len() as u32
}

/// The newest `max` entries of a node's log (from disk while it is crashed).
pub fn log_tail(server: &crate::sim::world::Server, max: usize) -> Vec<EntryView> {
    let entries = match &server.node {
        Some(n) => n.log().entries(),
        None => server.disk.log.entries(),
    };
    log_view(entries, Some(max))
}

fn log_view(entries: &[crate::raft::Entry], max_log: Option<usize>) -> Vec<EntryView> {
    let skip = max_log.map_or(0, |m| entries.len().saturating_sub(m));
    entries
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, e)| EntryView {
            index: i as u64 + 1,
            term: e.term,
            command: describe_entry(&e.data),
        })
        .collect()
}

/// (kind, is_request, success, term, detail) of a payload; `detail` stays empty
/// unless asked for (building it costs a string per field).
fn describe_payload(
    p: &Payload,
    detail: bool,
) -> (&'static str, bool, Option<bool>, Option<Term>, String) {
    if detail {
        return describe_full(p);
    }
    let (kind, is_request, success, term) = summary(p);
    (kind, is_request, success, term, String::new())
}

/// (kind, is_request, success, term) of a payload, without building any text.
pub fn summary(p: &Payload) -> (&'static str, bool, Option<bool>, Option<Term>) {
    match p {
        Payload::Raft(m) => match &m.body {
            MessageBody::RequestVote { .. } => ("RequestVote", true, None, Some(m.term)),
            MessageBody::RequestVoteReply { vote_granted } => {
                ("RequestVoteReply", false, Some(*vote_granted), Some(m.term))
            }
            MessageBody::AppendEntries { entries, .. } => (
                if entries.is_empty() {
                    "Heartbeat"
                } else {
                    "AppendEntries"
                },
                true,
                None,
                Some(m.term),
            ),
            MessageBody::AppendEntriesReply { success, .. } => {
                ("AppendEntriesReply", false, Some(*success), Some(m.term))
            }
        },
        Payload::ClientRequest { .. } => ("ClientRequest", true, None, None),
        Payload::ClientReply { outcome, .. } => (
            "ClientReply",
            false,
            Some(matches!(outcome, ClientOutcome::Ok { .. })),
            None,
        ),
    }
}

/// The readable detail of the message with this id, if in flight.
pub fn message_detail(world: &World, id: u64) -> Option<String> {
    world.message(id).map(|m| describe_full(&m.payload).4)
}

fn describe_full(p: &Payload) -> (&'static str, bool, Option<bool>, Option<Term>, String) {
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
            let (k, ..) = describe_payload(message, false);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::Op;
    use crate::sim::action::Action;
    use crate::sim::config::{MS, SimConfig, TraceMode};

    fn busy_world() -> World {
        let mut w = World::new(SimConfig::default(), TraceMode::Off, 500).unwrap();
        w.run_until(1000 * MS);
        for i in 0..5 {
            w.apply(Action::Client {
                op: Op::Put {
                    key: format!("k{i}"),
                    value: "v".into(),
                },
                to: None,
            })
            .unwrap();
        }
        w.run_until(1500 * MS);
        w
    }

    #[test]
    fn options_bound_the_log_and_skip_details_and_traffic() {
        let w = busy_world();
        let full = View::of(&w, 50);
        let small = View::with(
            &w,
            &ViewOptions {
                max_events: 10,
                max_log: Some(2),
                message_details: false,
                quiet_events: true,
                messages: true,
            },
        );
        for (f, s) in full.nodes.iter().zip(&small.nodes) {
            assert_eq!(f.log_length as usize, f.log.len());
            assert_eq!(s.log_length, f.log_length);
            assert_eq!(s.log.len(), 2.min(f.log.len()));
            assert_eq!(s.log.last(), f.log.last(), "the newest entries are kept");
        }
        assert_eq!(full.messages.len(), small.messages.len());
        for (f, s) in full.messages.iter().zip(&small.messages) {
            assert!(!f.detail.is_empty());
            assert!(s.detail.is_empty());
            assert_eq!((f.kind, f.success, f.term), (s.kind, s.success, s.term));
            assert_eq!(message_detail(&w, f.id).as_deref(), Some(f.detail.as_str()));
        }
        assert!(small.events.len() <= 10);
        for (f, s) in full.nodes.iter().zip(&small.nodes) {
            assert_eq!(f.log_sig, s.log_sig);
            let server = w.server(f.id).unwrap();
            assert_eq!(log_tail(server, 2), s.log);
        }
        let sigs: std::collections::BTreeSet<u32> = full.nodes.iter().map(|n| n.log_sig).collect();
        let logs: std::collections::BTreeSet<Vec<u64>> = full
            .nodes
            .iter()
            .map(|n| n.log.iter().map(|e| e.term).collect())
            .collect();
        assert_eq!(sigs.len(), logs.len(), "one fingerprint per distinct log");
        let none = View::with(
            &w,
            &ViewOptions {
                messages: false,
                ..ViewOptions::default()
            },
        );
        assert!(none.messages.is_empty() && !full.messages.is_empty());
        assert!(
            small
                .events
                .iter()
                .all(|e| !matches!(e.kind, "send" | "deliver" | "duplicate" | "drop"))
        );
    }
}
