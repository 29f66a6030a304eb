//! A snapshot of the world for drawing: plain lists in fixed orders (no maps that
//! could reorder), times in milliseconds, field names in camelCase for JavaScript.
//! The texts come from [`super::describe`], the log entries from [`super::log_delta`].

use super::describe;
use super::log_delta::{EntryView, log_sig_of, newest_entries};
use super::membership_view::{ConfigurationView, NodeMembershipView, membership_views};
use crate::event::{DropReason, Event, EventKind, MessageId, MessageKind, Violation};
use crate::raft::{Bug, LogIndex, NodeId, Role, Term};
use crate::sim::world::{Server, World};
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
    /// Membership change: the leader's configuration (see
    /// [`super::membership_view`]). Absent from JSON while not in play.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<ConfigurationView>,
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
    /// Log compaction: the entries up to this index are replaced by a
    /// snapshot (`log` starts after it). Absent from JSON when 0.
    #[serde(skip_serializing_if = "is_zero_index")]
    pub compacted: LogIndex,
    /// Paused (GC stop-the-world), with `backlog` messages waiting. Absent
    /// from JSON when not paused.
    #[serde(skip_serializing_if = "is_false")]
    pub paused: bool,
    #[serde(skip_serializing_if = "is_zero")]
    pub backlog: usize,
    /// Clock drift: the node's clock rate (× real time). Absent when exactly 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_rate: Option<f64>,
    /// Membership change: the node's configuration in force and its standing
    /// in the leader's. Absent from JSON while not in play.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<NodeMembershipView>,
}

fn is_zero_index(i: &LogIndex) -> bool {
    *i == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The node's clock rate, when it drifts.
fn clock_rate(s: &Server) -> Option<f64> {
    (s.clock_permille != 1000).then(|| s.clock_permille as f64 / 1000.0)
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
pub struct MessageView {
    pub id: u64,
    /// "n3" for node 3, "c0" for client 0.
    pub from: String,
    pub to: String,
    /// Node ids when the endpoint is a node (for drawing), else `None`.
    pub from_node: Option<NodeId>,
    pub to_node: Option<NodeId>,
    /// Serialised as its name: "RequestVote", "Heartbeat", ...
    pub kind: MessageKind,
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
    /// Empty (and left out) without [`ViewOptions::explanations`].
    #[serde(skip_serializing_if = "str::is_empty")]
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
    /// [`super::frames::packed_messages`]).
    pub messages: bool,
    /// Give each broken-rule toggle its explanation (static text: a page
    /// drawing every frame fetches it once, see `Playground::bugs`).
    pub explanations: bool,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            max_events: 50,
            max_log: None,
            message_details: true,
            quiet_events: false,
            messages: true,
            explanations: true,
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
        let (configuration, mut node_memberships) = match membership_views(world) {
            Some((c, nodes)) => (Some(c), nodes.into_iter().map(Some).collect()),
            None => (None, Vec::new()),
        };
        node_memberships.resize(world.servers().len(), None);
        let nodes = world
            .servers()
            .iter()
            .zip(node_memberships)
            .map(|(s, membership)| NodeView {
                membership,
                ..node_view(s, options.max_log)
            })
            .collect();
        let messages = world
            .in_flight()
            .filter(|_| options.messages)
            .map(|m| {
                let summary = m.payload.summary();
                MessageView {
                    id: m.id,
                    from: describe::address(m.from),
                    to: describe::address(m.to),
                    from_node: m.from.node(),
                    to_node: m.to.node(),
                    kind: summary.kind,
                    is_request: summary.kind.is_request(),
                    success: summary.success,
                    term: summary.term,
                    sent_at: ms(m.sent_at),
                    deliver_at: ms(m.deliver_at),
                    // Building it costs a string per field: only when asked.
                    detail: if options.message_details {
                        describe::message(&m.payload)
                    } else {
                        String::new()
                    },
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
                    .map(|o| format!("#{} {}", o.seq, describe::op(&o.op))),
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
                    explanation: if options.explanations {
                        b.explanation()
                    } else {
                        ""
                    },
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
            configuration,
        }
    }
}

fn node_view(s: &Server, max_log: Option<usize>) -> NodeView {
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
            log: newest_entries(&s.disk.log, max_log),
            kv,
            restarts: s.restarts,
            log_length: s.disk.log.last_index(),
            log_sig: log_sig_of(&s.disk.log),
            compacted: s.disk.log.offset(),
            paused: false,
            backlog: 0,
            clock_rate: clock_rate(s),
            membership: None,
        };
    };
    let (votes, progress) = match node.role() {
        Role::Candidate { votes } | Role::Precandidate { votes } => {
            (votes.iter().copied().collect(), Vec::new())
        }
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
        log: newest_entries(node.log(), max_log),
        kv,
        restarts: s.restarts,
        log_length: node.log().last_index(),
        log_sig: log_sig_of(node.log()),
        compacted: node.log().offset(),
        paused: s.paused,
        backlog: s.backlog.len(),
        clock_rate: clock_rate(s),
        membership: None,
    }
}

/// Every field of the message with this id, readable, if it is in flight.
pub fn message_detail(world: &World, id: MessageId) -> Option<String> {
    world.message(id).map(|m| describe::message(&m.payload))
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

/// One event as a line of the page's event log.
pub fn event_view(e: &Event) -> EventView {
    let line = describe::event(&e.kind);
    EventView {
        time: ms(e.time),
        kind: line.tag,
        text: line.text,
        nodes: line.nodes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::log_delta::log_tail;
    use crate::present::test_world::busy_world;

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
                explanations: false,
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
        assert!(full.bugs.iter().all(|b| !b.explanation.is_empty()));
        assert!(
            small.bugs.iter().all(|b| b.explanation.is_empty()),
            "static text is fetched once"
        );
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
