//! The gallery: scripted scenarios that each show one thing about Raft, built
//! deterministically here so the page and the native tests use the very same ones
//! (`tests/scenario_presets.rs` checks that each does what its caption promises).
//!
//! Node `n` is "S`n`" in captions, as in the paper's figures.

mod production;

pub use production::{
    ADD_REMOVE_SERVER, CHECKQUORUM_DEPOSES, GC_PAUSED_LEADER, LEADERSHIP_TRANSFER,
    LEASE_READ_STALE, READ_INDEX_SAFE, REJOIN_DISRUPTS, SNAPSHOT_CATCH_UP,
};

use super::Scenario;
use crate::kv::{ClientId, Command, Op};
use crate::raft::{Bug, Bugs, Config as RaftConfig, Entry, Log, NodeId, PersistentState, Term};
use crate::sim::{Action, ClientConfig, MS, NetworkConfig, PERSON, SECOND, SimConfig};

/// One gallery item.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Stable id (used by the page and the CLI: `raft-playground run --preset ID`).
    pub id: &'static str,
    pub title: &'static str,
    /// What to watch; also the scenario's caption.
    pub caption: &'static str,
    /// How long the story takes (virtual time); the tests run to here.
    pub duration: crate::raft::Time,
    /// The story's phases in time order, the first at 0 (the page marks them
    /// on the timeline and steps through them). Not part of the scenario or
    /// its link: a preset's link is the same with or without them.
    pub phases: Vec<Phase>,
    pub scenario: Scenario,
}

/// One phase of a preset's story: from `start` to the next phase's start (the
/// last one to the preset's `duration`). `tests/preset_phases.rs` checks each
/// caption's claims (who leads, which term, what is committed) against the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Phase {
    /// A short label: "(a)" as in the paper's figures, or a word.
    pub name: &'static str,
    pub start: crate::raft::Time,
    /// One or two sentences: what happens during this phase.
    pub caption: &'static str,
}

impl Preset {
    /// The index of the phase under way at `time` (the last one started).
    pub fn phase_at(&self, time: crate::raft::Time) -> usize {
        self.phases
            .iter()
            .rposition(|p| p.start <= time)
            .unwrap_or(0)
    }
}

fn phase(name: &'static str, start: crate::raft::Time, caption: &'static str) -> Phase {
    Phase {
        name,
        start,
        caption,
    }
}

/// Every preset, in gallery order: the paper's stories, then the production
/// features.
pub fn all() -> Vec<Preset> {
    let mut all = vec![
        figure8(false),
        figure8(true),
        figure7(),
        split_vote(),
        stale_leader(),
        minority_cannot_commit(),
        redirect(),
        crash_restart(),
        state_machines(),
    ];
    all.extend(production::all());
    all
}

/// The preset with this id.
pub fn get(id: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.id == id)
}

/// Ids in gallery order.
pub fn ids() -> Vec<&'static str> {
    all().into_iter().map(|p| p.id).collect()
}

// ----- Building blocks -----------------------------------------------------------

/// A cluster where nothing happens on its own for a second: elections are long
/// (1–2 s) and every message takes exactly 10 ms, so a script decides who leads
/// and when each message lands.
fn scripted(nodes: usize, seed: u64) -> SimConfig {
    SimConfig {
        nodes,
        seed,
        raft: RaftConfig {
            election_timeout_min: SECOND,
            election_timeout_max: 2 * SECOND,
            heartbeat_interval: 50 * MS,
            max_entries_per_append: 64,
            ..RaftConfig::default()
        },
        network: NetworkConfig {
            latency_min: 10 * MS,
            latency_max: 10 * MS,
            loss: 0.0,
            duplicate: 0.0,
        },
        clients: ClientConfig {
            count: 0,
            think_time: 100 * MS,
            request_timeout: 500 * MS,
            key_space: 5,
        },
        bugs: Bugs::none(),
        initial_state: Vec::new(),
        initial_members: Vec::new(),
    }
}

/// A cluster with the usual timing (elections 150–300 ms, latency 5–15 ms).
/// Spelled out rather than taken from `Default`, so presets never drift.
fn lively(nodes: usize, seed: u64) -> SimConfig {
    SimConfig {
        raft: RaftConfig {
            election_timeout_min: 150 * MS,
            election_timeout_max: 300 * MS,
            heartbeat_interval: 50 * MS,
            max_entries_per_append: 64,
            ..RaftConfig::default()
        },
        network: NetworkConfig {
            latency_min: 5 * MS,
            latency_max: 15 * MS,
            loss: 0.0,
            duplicate: 0.0,
        },
        ..scripted(nodes, seed)
    }
}

fn scenario(title: &str, caption: &str, config: SimConfig) -> Scenario {
    Scenario {
        title: title.to_string(),
        caption: caption.to_string(),
        ..Scenario::new(config)
    }
}

fn put(key: &str, value: &str, to: Option<NodeId>) -> Action {
    Action::Client {
        op: Op::Put {
            key: key.into(),
            value: value.into(),
        },
        to,
    }
}

fn state(term: Term, voted_for: Option<NodeId>, log: Vec<Entry>) -> PersistentState {
    PersistentState {
        current_term: term,
        voted_for,
        log: Log::from_entries(log),
    }
}

// ----- Figure 8 ------------------------------------------------------------------

pub const FIGURE8_CORRECT: &str = "figure-8";
pub const FIGURE8_BROKEN: &str = "figure-8-broken";

const FIGURE8_CAPTION: &str = "Raft paper, Figure 8. (a) S1 led term 2 and copied the person's write x=1 (index 2) to S2 only, then crashed. (b) S5 wins term 3 with S3 and S4 and appends its own entry at index 2, reaching no one. (c) S5 crashes; S1 restarts and wins term 4 (its first try, term 3, fails: S3 and S4 already voted in term 3); the person re-sends x=1 to S1; S1 copies the term-2 entry to S3, so index 2 is on a majority (S1, S2, S3), and then S3 is cut off before it gets anything of term 4. Watch S1's commit index: with the correct rule it does not count replicas of an older-term entry, so index 2 stays uncommitted and nothing is acknowledged. (d) S1 crashes; S5 wins term 5 with S3 and S4 and overwrites index 2 everywhere with its term-3 entry: safe, since it was never committed. The person's write times out, is retried through S5 and commits in term 5.";

const FIGURE8_BROKEN_CAPTION: &str = "Raft paper, Figure 8, with the broken commit rule (commit-old-term). Same script as Figure 8: in (c) the term-2 entry x=1 reaches a majority (S1, S2, S3) and S1, counting replicas of an entry from an older term, marks index 2 committed, applies it and acknowledges the person's write. (d) S1 crashes; S5 wins term 5 (S3 and S4 vote for it: its last term, 3, beats theirs) and overwrites index 2 with its term-3 entry on every node. The acknowledged write x=1 is gone: S2 applied x=1 at index 2, S5 applies something else there. The checker reports State Machine Safety and acknowledged-write violations.";

/// Figure 8 (a)–(d), scripted exactly: initial persisted state for (a), then
/// crashes, one-way cuts and forced timeouts, with every message taking 10 ms and
/// at most one entry per AppendEntries so the term-2 entry travels before the
/// term-4 ones. Identical actions with and without the broken rule.
fn figure8(broken: bool) -> Preset {
    let mut config = scripted(5, 8);
    config.raft.max_entries_per_append = 1;
    if broken {
        config.bugs = Bugs::none().with(Bug::CommitOldTerm);
    }
    // Index 1: term 1 (committed long ago); index 2: the person's write, term 2.
    let e1 = Entry::noop(1);
    let x1 = Entry::command(
        2,
        Command {
            client: PERSON,
            seq: 1,
            op: Op::Put {
                key: "x".into(),
                value: "1".into(),
            },
        },
    );
    config.initial_state = vec![
        state(2, Some(1), vec![e1.clone(), x1.clone()]), // S1, leader of term 2
        state(2, Some(1), vec![e1.clone(), x1]),         // S2
        state(2, Some(1), vec![e1.clone()]),             // S3
        state(2, None, vec![e1.clone()]),                // S4
        state(2, None, vec![e1]),                        // S5
    ];
    let (id, title, caption) = if broken {
        (
            FIGURE8_BROKEN,
            "Figure 8, broken commit rule: an acknowledged write is lost",
            FIGURE8_BROKEN_CAPTION,
        )
    } else {
        (
            FIGURE8_CORRECT,
            "Figure 8: why a leader only counts replicas of its own term",
            FIGURE8_CAPTION,
        )
    };
    let mut s = scenario(title, caption, config);
    s.view.selected = Some(1);
    let s = s
        // (a) -> (b): S1 crashes; S5 stands for term 3.
        .at(0, Action::Crash { node: 1 })
        .at(100 * MS, Action::Timeout { node: 5 })
        // Its votes (S3, S4) arrive at 120 ms; cut S5's outgoing links first, so the
        // entry it appends as leader at index 2 (term 3) reaches no one.
        .at(115 * MS, Action::Cut { from: 5, to: 1 })
        .at(115 * MS, Action::Cut { from: 5, to: 2 })
        .at(115 * MS, Action::Cut { from: 5, to: 3 })
        .at(115 * MS, Action::Cut { from: 5, to: 4 })
        // (b) -> (c): S5 crashes, S1 restarts (S4 stays out of S1's reach).
        .at(200 * MS, Action::Crash { node: 5 })
        .at(200 * MS, Action::Restart { node: 1 })
        .at(200 * MS, Action::Cut { from: 1, to: 4 })
        // Term 3 fails (S3 voted for S5 in term 3); term 4 wins with S2 and S3.
        .at(210 * MS, Action::Timeout { node: 1 })
        .at(250 * MS, Action::Timeout { node: 1 })
        // The person re-sends x=1 (same client, same sequence number) to S1.
        .at(275 * MS, put("x", "1", Some(1)))
        // S3 got index 2 at 300 ms; cut it off before index 3 (term 4) arrives.
        .at(305 * MS, Action::Cut { from: 1, to: 3 })
        // (d): S1 crashes; S5 comes back and wins term 5 (term 4 fails first).
        .at(350 * MS, Action::Crash { node: 1 })
        .at(350 * MS, Action::Heal)
        .at(400 * MS, Action::Restart { node: 5 })
        .at(410 * MS, Action::Timeout { node: 5 })
        .at(450 * MS, Action::Timeout { node: 5 })
        // S1 comes back as a follower and is brought in line too.
        .at(1000 * MS, Action::Restart { node: 1 });
    Preset {
        id,
        title,
        caption,
        duration: 3 * SECOND,
        phases: figure8_phases(broken),
        scenario: s,
    }
}

fn figure8_phases(broken: bool) -> Vec<Phase> {
    let c = if broken {
        "S5 crashes and S1 restarts: its try for term 3 fails, term 4 wins (270 ms). The person re-sends x=1; S1 copies the term-2 entry to S3, so index 2 is on S1, S2 and S3, and with the broken rule S1 counts those replicas: it commits index 2 and acknowledges x=1 (320 ms)."
    } else {
        "S5 crashes and S1 restarts: its try for term 3 fails, term 4 wins (270 ms). The person re-sends x=1; S1 copies the term-2 entry to S3, so index 2 is on S1, S2 and S3, but a leader only counts replicas of its own term: index 2 stays uncommitted and nothing is acknowledged."
    };
    let d = if broken {
        "S1 crashes; S5 restarts and wins term 5 (470 ms) with S3 and S4, then overwrites index 2 on S2 and S3 with its term-3 entry: the acknowledged x=1 is gone, and the checker says so."
    } else {
        "S1 crashes; S5 restarts and wins term 5 (470 ms) with S3 and S4, then overwrites index 2 on S2 and S3 with its term-3 entry: safe, since it was never committed."
    };
    let e = if broken {
        "S1 restarts as a follower of S5 and loses its x=1 at index 2 too (1.05 s): every log agrees, without the write the person was told had succeeded."
    } else {
        "The person's write times out, is retried through S5 and commits at index 4 in term 5 (835 ms); S1 restarts at 1 s as a follower and S5 brings its log in line."
    };
    vec![
        phase(
            "(a)",
            0,
            "S1 led term 2 and copied the person's write x=1 (index 2) to S2 only; it crashes now.",
        ),
        phase(
            "(b)",
            100 * MS,
            "S5 stands for term 3 and wins with S3 and S4 (120 ms); it appends its own entry at index 2, but its links are cut: it reaches no one.",
        ),
        phase("(c)", 200 * MS, c),
        phase("(d)", 350 * MS, d),
        phase("(e)", if broken { 1000 * MS } else { 775 * MS }, e),
    ]
}

// ----- Figure 7 ------------------------------------------------------------------

pub const FIGURE7: &str = "figure-7";

/// Terms per index of the seven logs of Figure 7: the leader, then (a)–(f).
pub const FIGURE7_LOGS: [&[Term]; 7] = [
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
    &[1, 1, 1, 4, 4, 5, 5, 6, 6],
    &[1, 1, 1, 4],
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    &[1, 1, 1, 4, 4, 4, 4],
    &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
];

/// The client id the entries of Figure 7's history are written as (not a live client).
pub const HISTORY_CLIENT: ClientId = 99;

/// The entry at `index` of term `term` in Figure 7's history: the first entry of a
/// term is its leader's no-op, the others writes. Same (index, term) => same entry.
fn history_entry(index: usize, term: Term, previous_term: Term) -> Entry {
    if term != previous_term {
        Entry::noop(term)
    } else {
        Entry::command(
            term,
            Command {
                client: HISTORY_CLIENT,
                seq: index as u64,
                op: Op::Put {
                    key: format!("k{}", index % 3),
                    value: format!("t{term}i{index}"),
                },
            },
        )
    }
}

/// The log of Figure 7 with these terms.
pub fn figure7_log(terms: &[Term]) -> Vec<Entry> {
    let mut previous = 0;
    terms
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let e = history_entry(i + 1, t, previous);
            previous = t;
            e
        })
        .collect()
}

fn figure7() -> Preset {
    let mut config = scripted(7, 7);
    config.initial_state = FIGURE7_LOGS
        .iter()
        .enumerate()
        .map(|(i, terms)| {
            // Everyone is in term 7 (S5, log (d), led it); S1 will stand for term 8.
            let vote = if i == 4 { Some(5) } else { None };
            state(7, vote, figure7_log(terms))
        })
        .collect();
    let title = "Figure 7: a new leader repairs every follower's log";
    let caption = "Raft paper, Figure 7. S1 holds the leader's log (terms 1 1 1 4 4 5 5 6 6 6); S2–S7 hold the follower logs (a)–(f): missing entries, extra uncommitted entries, entries from terms the leader never saw. S1 stands for term 8: (a), (b), (e) and (f) vote for it; (c) and (d) refuse, their logs being more up to date, but four of seven is enough. As leader, S1 appends its term-8 no-op and finds, for each follower, the last index where their logs agree (each rejection carries a conflict hint, so it takes one round trip per term, not per entry); the follower deletes everything after it and takes the leader's entries. Watch (d) lose its term-7 entries and (f) its terms 2 and 3: they were never committed. In the end every log equals the leader's.";
    let mut s = scenario(title, caption, config).at(100 * MS, Action::Timeout { node: 1 });
    s.view.selected = Some(7);
    let phases = vec![
        phase(
            "logs",
            0,
            "S1 holds the leader's log; S2–S7 hold the follower logs (a)–(f) of the figure, everyone in term 7.",
        ),
        phase(
            "election",
            100 * MS,
            "S1 stands for term 8: (a), (b), (e) and (f) vote for it, (c) and (d) refuse (their logs are more up to date); four of seven wins (120 ms) and S1 appends its term-8 no-op at index 11.",
        ),
        phase(
            "(c) (d)",
            130 * MS,
            "These two agree with the leader up to index 10: they delete their extra uncommitted entries from index 11 on (a term-6 entry; two term-7 entries) and take the no-op.",
        ),
        phase(
            "(a) (b)",
            150 * MS,
            "These two were only missing entries: the rejection's hint sends the leader back to their last index, and the next append fills them in.",
        ),
        phase(
            "(e) (f)",
            170 * MS,
            "The last two conflict earlier: (e) loses its term-4 entries at 6–7 and (f) everything after index 3 (terms 2 and 3), never committed. Every log now equals the leader's, committed up to index 11.",
        ),
    ];
    Preset {
        id: FIGURE7,
        title,
        caption,
        duration: 2 * SECOND,
        phases,
        scenario: s,
    }
}

// ----- Elections ----------------------------------------------------------------

pub const SPLIT_VOTE: &str = "split-vote";

/// The seed under which the three simultaneous candidates split the vote (found
/// once by search; `tests/scenario_presets.rs` checks the split still happens).
const SPLIT_VOTE_SEED: u64 = 5;

fn split_vote() -> Preset {
    let title = "Split vote";
    let caption = "S1, S3 and S5 time out at the same moment and all stand for term 1, each voting for itself. S2 and S4 each vote for whichever request reaches them first, and no one gets the three votes a majority of five needs: term 1 ends with no leader. Each candidate waits a fresh random election timeout (150–300 ms); the first to wake up starts term 2 alone and wins. Randomised timeouts are what make split votes rare and short.";
    let s = scenario(title, caption, lively(5, SPLIT_VOTE_SEED))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(50 * MS, Action::Timeout { node: 3 })
        .at(50 * MS, Action::Timeout { node: 5 });
    let phases = vec![
        phase("quiet", 0, "Five followers, no leader yet."),
        phase(
            "split",
            50 * MS,
            "S1, S3 and S5 time out at once and stand for term 1; S2 and S4 vote for the first request they get, and no candidate reaches three votes.",
        ),
        phase(
            "term 2",
            200 * MS,
            "S5's fresh timeout ends first (206 ms): it stands for term 2 alone and wins (220 ms); S1 and S3 become its followers.",
        ),
    ];
    Preset {
        id: SPLIT_VOTE,
        title,
        caption,
        duration: 2 * SECOND,
        phases,
        scenario: s,
    }
}

pub const STALE_LEADER: &str = "stale-leader";

fn stale_leader() -> Preset {
    let title = "Terms are the real clock: a stale leader steps down";
    let caption = "S1 leads term 1. At 0.5 s it is cut off alone. It does not know: it keeps its stale term and still believes it leads, and takes the person's write y=2, which it can never commit. The other four stop hearing from it, elect a new leader in term 2 and go on; the person's write times out at S1 and is retried through them. At 2 s the network heals: the first message S1 sees carries term 2, so S1 steps down at once, adopts term 2, and its uncommitted entry is replaced by the new leader's log. No clock decided this — only terms.";
    let s = scenario(title, caption, lively(5, 3))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(300 * MS, put("x", "1", Some(1)))
        .at(
            500 * MS,
            Action::Partition {
                groups: vec![vec![1], vec![2, 3, 4, 5]],
            },
        )
        .at(700 * MS, put("y", "2", Some(1)))
        .at(2 * SECOND, Action::Heal);
    let phases = vec![
        phase(
            "term 1",
            0,
            "S1 stands and wins term 1 (70 ms); the person's x=1 commits (344 ms).",
        ),
        phase(
            "cut off",
            500 * MS,
            "S1 is cut off alone. S5 wins term 2 (699 ms) with the other three; S1 still believes it leads term 1 and takes y=2 (700 ms), which it cannot commit.",
        ),
        phase(
            "retry",
            1200 * MS,
            "y=2 times out at S1 and is retried through S2 to S5, the leader of term 2: it commits (1.26 s).",
        ),
        phase(
            "heal",
            2 * SECOND,
            "The network heals. The first message S1 sees carries term 2: it steps down (2.04 s) and its uncommitted y=2 at index 3 is replaced by S5's log (2.06 s).",
        ),
    ];
    Preset {
        id: STALE_LEADER,
        title,
        caption,
        duration: 3 * SECOND,
        phases,
        scenario: s,
    }
}

pub const MINORITY: &str = "minority-cannot-commit";

fn minority_cannot_commit() -> Preset {
    let title = "A minority cannot commit";
    let caption = "S1 leads; at 0.5 s the network splits S1 and S2 from S3, S4 and S5. The person sends a=1 to S1: S1 appends it and S2 copies it, but two of five is not a majority, so S1's commit index does not move and the person gets no answer. Commit is a majority, not an ack. Meanwhile S3–S5 elect a leader of their own, whose commits do go through. When the network heals at 2.5 s, S1 and S2 learn the newer term, their uncommitted entry is replaced, and the retried write commits through the majority's leader, once.";
    let s = scenario(title, caption, lively(5, 4))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(300 * MS, put("x", "1", Some(1)))
        .at(
            500 * MS,
            Action::Partition {
                groups: vec![vec![1, 2], vec![3, 4, 5]],
            },
        )
        .at(600 * MS, put("a", "1", Some(1)))
        .at(2500 * MS, Action::Heal);
    let phases = vec![
        phase(
            "term 1",
            0,
            "S1 wins term 1 (72 ms); the person's x=1 commits (342 ms).",
        ),
        phase(
            "split",
            500 * MS,
            "S1 and S2 are split from S3, S4 and S5. a=1, sent to S1 at 0.6 s, is appended on S1 and S2 but never committed: no answer. S4 wins term 3 (0.89 s) on the majority side.",
        ),
        phase(
            "heal",
            2500 * MS,
            "The network heals: S1 and S2 learn term 3, their uncommitted a=1 is replaced, and the retried write commits through S4 (2.74 s), once.",
        ),
    ];
    Preset {
        id: MINORITY,
        title,
        caption,
        duration: 4 * SECOND,
        phases,
        scenario: s,
    }
}

// ----- Clients and state -----------------------------------------------------------

pub const REDIRECT: &str = "redirect";

fn redirect() -> Preset {
    let title = "A write sent to a follower is redirected";
    let caption = "S1 leads. The person sends x=1 to S3, a follower. Only the leader may append to the log, so S3 answers 'not the leader, try S1' and the client re-sends the same request (same sequence number) to S1, which appends it, replicates it to a majority, commits, applies it and answers. Every node then applies x=1 to its own key-value store.";
    let s = scenario(title, caption, lively(5, 2))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(400 * MS, put("x", "1", Some(3)));
    let phases = vec![
        phase("term 1", 0, "S1 stands and wins term 1 (70 ms)."),
        phase(
            "redirect",
            400 * MS,
            "The person sends x=1 to S3, a follower: S3 answers 'not the leader, try S1', the client re-sends it to S1 (426 ms), which commits it at index 2 and answers (464 ms).",
        ),
    ];
    Preset {
        id: REDIRECT,
        title,
        caption,
        duration: 1500 * MS,
        phases,
        scenario: s,
    }
}

pub const CRASH_RESTART: &str = "crash-restart";

fn crash_restart() -> Preset {
    let title = "Crash and restart: term, vote and log survive";
    let caption = "S1 leads term 1 and commits x=1 and y=2. At 0.7 s S1 crashes: its role, commit index and key-value store are volatile and gone, but its disk keeps its current term, its vote and its log. The others elect a new leader: S2 and S3 split the vote of term 2 and S3 wins term 3. The person's z=3 goes to S1, the leader it knew, and gets no answer. At 2 s S1 restarts with exactly the term, vote and log it had — as a follower with commit index 0 and an empty store — while z=3, retried through S3, commits. S3's messages tell S1 about term 3 and z=3; it learns the commit point again and re-applies its log, ending with the same store as everyone.";
    let s = scenario(title, caption, lively(5, 6))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(300 * MS, put("x", "1", Some(1)))
        .at(400 * MS, put("y", "2", None))
        .at(700 * MS, Action::Crash { node: 1 })
        .at(1500 * MS, put("z", "3", None))
        .at(2 * SECOND, Action::Restart { node: 1 });
    let mut s = s;
    s.view.selected = Some(1);
    let phases = vec![
        phase(
            "term 1",
            0,
            "S1 wins term 1 (69 ms) and commits x=1 (333 ms) and y=2 (443 ms).",
        ),
        phase(
            "crash",
            700 * MS,
            "S1 crashes. S2 and S3 both stand for term 2 and split the vote; S3 stands again and wins term 3 (1.08 s).",
        ),
        phase(
            "z=3",
            1500 * MS,
            "The person sends z=3 to S1, the leader it knew, which is down: no answer yet.",
        ),
        phase(
            "restart",
            2 * SECOND,
            "S1 restarts with its term 1, vote and log, as a follower with commit index 0 and an empty store. z=3, retried through S3, commits in term 3 (2.05 s); S1 learns term 3 and the commit point and re-applies its log.",
        ),
    ];
    Preset {
        id: CRASH_RESTART,
        title,
        caption,
        duration: 3500 * MS,
        phases,
        scenario: s,
    }
}

pub const STATE_MACHINES: &str = "state-machines";

fn state_machines() -> Preset {
    let title = "A replicated log, not a replicated database";
    let caption = "Consensus gives a replicated log; the state machine on top is each node's own. Every node runs its own key-value store and applies committed entries in log order. S5 is down from 0.3 s to 1.5 s while the person writes x=1, y=2, deletes x and writes z=3: the others' stores change, S5's does not exist. When S5 restarts its store is empty (only term, vote and log were on disk): it catches up on the log and re-applies it in the same order, and ends with exactly the same keys and values as every other node.";
    let s = scenario(title, caption, lively(5, 9))
        .at(50 * MS, Action::Timeout { node: 1 })
        .at(300 * MS, Action::Crash { node: 5 })
        .at(400 * MS, put("x", "1", Some(1)))
        .at(500 * MS, put("y", "2", None))
        .at(
            600 * MS,
            Action::Client {
                op: Op::Delete { key: "x".into() },
                to: None,
            },
        )
        .at(700 * MS, put("z", "3", None))
        .at(1500 * MS, Action::Restart { node: 5 })
        .at(2000 * MS, put("w", "4", None));
    let mut s = s;
    s.view.selected = Some(5);
    let phases = vec![
        phase("term 1", 0, "S1 stands and wins term 1 (71 ms)."),
        phase(
            "S5 down",
            300 * MS,
            "S5 crashes. x=1, y=2, delete x and z=3 commit on the other four (by 745 ms), each applying them to its own store.",
        ),
        phase(
            "S5 back",
            1500 * MS,
            "S5 restarts with an empty store; it catches up on the log and re-applies it in order.",
        ),
        phase(
            "w=4",
            2 * SECOND,
            "w=4 commits (2.04 s): all five stores hold y=2, z=3 and w=4.",
        ),
    ];
    Preset {
        id: STATE_MACHINES,
        title,
        caption,
        duration: 3 * SECOND,
        phases,
        scenario: s,
    }
}
