//! Time travel over a scenario: the present world, the recorded actions of the
//! current branch, checkpoints (clones of the world) to seek from, the branches
//! a person abandoned by acting in the past, and the markers of the run.
//!
//! A run is a sequence of *steps*: each one is either one event of the world's
//! queue or one recorded action. A [`Position`] counts the steps done, so "one
//! step back" is exact. Actions are never put into the world's queue: the
//! timeline feeds them itself, in the queue's own order (an action at `t` after
//! every event of the world due at or before `t`), so the run is the same as
//! [`Scenario::to_world`]'s and the future can be cut off at any point.
//!
//! Seeking restores the nearest checkpoint at or before the target and replays
//! forward (replay is deterministic). Checkpoints are taken as the run first
//! reaches new ground (the *frontier*), at most a fixed number spread over the
//! run (see [`CheckpointPolicy`]); they are cheap because a clone of the world
//! shares its logs and history with the run ([`crate::chunked`]).

use crate::event::{Event, EventKind, Violation};
use crate::raft::{NodeId, RoleKind, Term, Time};
use crate::scenario::checkpoint_weight::{Weight, held_alone};
use crate::scenario::lasting::Lasting;
use crate::scenario::{Scenario, ScenarioError, ViewState};
use crate::sim::lifetimes::Lifetimes;
use crate::sim::{Action, SECOND, TimedAction, TraceMode, World};
use serde::Serialize;

/// A point in a run: `step` steps done (queue events and actions), the clock at `time`.
/// Positions order like the run: by time, then by step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub time: Time,
    pub step: u64,
}

/// Where checkpoints are kept: at most `max` of them (plus the start), spread
/// over the run.
///
/// The frontier takes one checkpoint per `spacing` of simulated time (the first
/// step in each new slot). Beyond `max`, one is dropped: the one whose two
/// neighbours are closest (the oldest of equals; never the start or the
/// newest), so the gaps stay as even as the run allows. A run of `T` then keeps
/// all `max`, at most `2 · T / max` apart, and most gaps much shorter: a seek
/// replays at most that much. (Earlier, the slot doubled and every other
/// checkpoint went, leaving between `max / 2` and `max`; using the whole budget
/// halves the typical replay for the same memory bound.)
///
/// Memory: a checkpoint is a clone of the world whose logs, checker shadows and
/// client history share their chunks with the present world (see
/// [`crate::chunked`]); what it holds alone is the rest of the world (nodes'
/// volatile state, the wire, the queue, recent events) and the tail chunks it
/// stopped sharing and its window of recent events, ~200 KiB in a busy run
/// (measured by `examples/seek_bench` and `examples/memory_hour`).
///
/// That is not all: the chunk tables a clone copies grow with the run (a
/// pointer per 32 entries of each), and with log compaction each checkpoint
/// holds log entries the present world has dropped. So there is a byte
/// budget too: beyond `max_bytes` (estimated, see
/// [`crate::scenario::checkpoint_weight`]), checkpoints are thinned the same
/// way. The default, 128 MiB, keeps all 512 in a 10-minute run (~110 MiB)
/// and bounds a longer one (the 1-hour run of `examples/memory_hour` keeps
/// fewer, further apart: a seek there replays a little more).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointPolicy {
    pub spacing: Time,
    pub max: usize,
    pub max_bytes: usize,
}

impl Default for CheckpointPolicy {
    fn default() -> Self {
        CheckpointPolicy {
            spacing: SECOND / 4,
            max: 512,
            max_bytes: 128 << 20,
        }
    }
}

/// Where the timeline stands, apart from the world itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    at: Position,
    /// Actions of the current branch applied so far (the next one's index).
    next_action: usize,
}

#[derive(Clone)]
struct Checkpoint {
    /// The slot of `spacing` it stands for (0 for the start of the run).
    slot: u64,
    cursor: Cursor,
    world: World,
    /// What the byte budget counts of it.
    weight: Weight,
}

/// A line of actions and how far it was run: the current one, or one abandoned
/// by acting in the past.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub actions: Vec<TimedAction>,
    /// The furthest time the run reached on this branch.
    pub end: Time,
}

/// Something worth a mark on the timeline, at the step that caused it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    /// Right after the step that caused it; "just before" is `at.step - 1`.
    pub at: Position,
    #[serde(flatten)]
    pub kind: MarkerKind,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarkerKind {
    /// A node became a candidate for `term`.
    Election {
        node: NodeId,
        term: Term,
    },
    /// A node became leader; `changed` when it is not the previous leader.
    Leader {
        node: NodeId,
        term: Term,
        changed: bool,
    },
    /// The checker found a broken invariant on this step.
    Violation {
        violation: Violation,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Heal,
    /// A recorded action (the person's, or the scenario's script).
    Action {
        action: Action,
    },
}

/// A summary of one branch, for a list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BranchInfo {
    pub index: usize,
    pub current: bool,
    pub actions: usize,
    pub end: Time,
    /// The time of its last action (0 without any).
    pub last_action: Time,
}

pub struct Timeline {
    /// Title, caption and config (its `actions` are unused: see `branches`).
    scenario: Scenario,
    policy: CheckpointPolicy,
    world: World,
    cursor: Cursor,
    /// The furthest position reached on the current branch. Invariant: every
    /// checkpoint and marker is at or before it.
    frontier: Position,
    /// Sorted by position; the first is the start of the run.
    checkpoints: Vec<Checkpoint>,
    /// The current branch's markers up to the frontier, in step order.
    markers: Vec<Marker>,
    /// Every branch; `branches[current].end` is refreshed from the frontier when read.
    branches: Vec<Branch>,
    current: usize,
    /// The whole run's events and client requests up to the frontier, once
    /// asked for ([`Timeline::keep_history`]).
    lasting: Option<Lasting>,
    /// The current branch's message lives up to the frontier (bounded; kept
    /// here, not in the world, so checkpoints never copy it).
    lifetimes: Lifetimes,
}

/// Where [`Timeline::advance`] stops.
#[derive(Clone, Copy)]
enum Stop {
    /// After every step due at or before this time (clock set to it).
    Time(Time),
    /// After this many steps.
    Step(u64),
    /// After the world's own events due at the current time (not actions).
    OwnEventsNow,
}

impl Timeline {
    /// The scenario at time 0 (call [`Timeline::seek`] to its view time to open
    /// it as the page does).
    pub fn new(
        scenario: Scenario,
        trace: TraceMode,
        recent_events: usize,
        policy: CheckpointPolicy,
    ) -> Result<Timeline, ScenarioError> {
        scenario.validate()?;
        let mut world = World::new(scenario.config.clone(), trace, recent_events)
            .map_err(ScenarioError::Invalid)?;
        world.collect_notable(true);
        world.collect_traffic(true);
        let cursor = Cursor {
            at: Position::default(),
            next_action: 0,
        };
        let branch = Branch {
            actions: scenario.actions.clone(),
            end: 0,
        };
        Ok(Timeline {
            checkpoints: vec![Checkpoint {
                slot: 0,
                cursor,
                world: world.clone(),
                weight: Weight::of(&world),
            }],
            scenario,
            policy,
            world,
            cursor,
            frontier: Position::default(),
            markers: Vec::new(),
            branches: vec![branch],
            current: 0,
            lasting: None,
            lifetimes: Lifetimes::new(),
        })
    }

    /// [`Timeline::new`] with the default policy, run to the scenario's view time.
    pub fn open(
        scenario: Scenario,
        trace: TraceMode,
        recent_events: usize,
    ) -> Result<Timeline, ScenarioError> {
        let view_time = scenario.view.time;
        let mut t = Timeline::new(scenario, trace, recent_events, CheckpointPolicy::default())?;
        t.seek(view_time);
        Ok(t)
    }

    /// Starts keeping the lasting history (every event of the run, compactly,
    /// and the client requests): call it before the first step. Recording
    /// happens on new ground only, so replays after a seek cost nothing more.
    pub fn keep_history(&mut self) {
        assert_eq!(self.cursor.at.step, 0, "keep the history from the start");
        self.world.keep_history(false);
        let mut lasting = Lasting::default();
        lasting.record(0, self.take_history_records());
        self.checkpoints[0].world = self.world.clone();
        self.lasting = Some(lasting);
    }

    /// The lasting history, if kept (rows up to the frontier: a reader at the
    /// cursor shows those at or before [`Timeline::position`]'s step).
    pub fn lasting(&self) -> Option<&Lasting> {
        self.lasting.as_ref()
    }

    fn take_history_records(&mut self) -> Vec<crate::sim::history::HistoryRecord> {
        self.world
            .history_mut()
            .map(|h| h.take_records())
            .unwrap_or_default()
    }

    // ----- Reading ------------------------------------------------------------

    pub fn world(&self) -> &World {
        &self.world
    }
    pub fn now(&self) -> Time {
        self.cursor.at.time
    }
    pub fn position(&self) -> Position {
        self.cursor.at
    }
    /// When the next step is due (an event of the world or a recorded action), if any.
    pub fn next_step_time(&self) -> Option<Time> {
        let action = self.actions().get(self.cursor.next_action).map(|a| a.time);
        match (self.world.next_event_time(), action) {
            (Some(e), Some(a)) => Some(e.min(a)),
            (e, a) => e.or(a),
        }
    }

    /// The furthest position reached on the current branch.
    pub fn frontier(&self) -> Position {
        self.frontier
    }
    /// The current branch's markers up to the frontier, in step order.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }
    /// The current branch's message lives and role changes up to the frontier
    /// (the sequence diagram's data; see [`crate::sim::lifetimes`]).
    pub fn lifetimes(&self) -> &Lifetimes {
        &self.lifetimes
    }
    /// The current branch's recorded actions (past and future).
    pub fn actions(&self) -> &[TimedAction] {
        &self.branches[self.current].actions
    }
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }
    /// The positions of the checkpoints (for tests and the benchmark).
    pub fn checkpoint_positions(&self) -> Vec<Position> {
        self.checkpoints.iter().map(|c| c.cursor.at).collect()
    }
    /// The worlds kept as checkpoints (for measuring their memory).
    pub fn checkpoint_worlds(&self) -> impl Iterator<Item = &World> {
        self.checkpoints.iter().map(|c| &c.world)
    }

    /// Memory accounting (see [`crate::check::MemoryParts`]): the checkpoints
    /// first (dropped while the present world still shares their chunks, they
    /// free what they hold alone), the lasting history, the sequence records,
    /// the markers, then the present world's pieces.
    pub fn into_memory_parts(self) -> crate::check::MemoryParts {
        let mut parts: crate::check::MemoryParts = vec![
            ("page: checkpoints", Box::new(self.checkpoints)),
            ("page: lasting history", Box::new(self.lasting)),
            ("page: sequence records", Box::new(self.lifetimes)),
            (
                "page: markers and branches",
                Box::new((self.markers, self.branches)),
            ),
        ];
        parts.extend(self.world.into_memory_parts());
        parts
    }

    /// The scenario of the current branch (every action, past and future), opening at `view`.
    pub fn scenario(&self, view: ViewState) -> Scenario {
        Scenario {
            actions: self.actions().to_vec(),
            view,
            ..self.scenario.clone()
        }
    }

    /// Every branch, the current one marked.
    pub fn branches(&self) -> Vec<BranchInfo> {
        self.branches
            .iter()
            .enumerate()
            .map(|(index, b)| BranchInfo {
                index,
                current: index == self.current,
                actions: b.actions.len(),
                end: if index == self.current {
                    self.frontier.time
                } else {
                    b.end
                },
                last_action: b.actions.last().map_or(0, |a| a.time),
            })
            .collect()
    }

    // ----- Moving -------------------------------------------------------------

    /// Goes to time `t`: every step due at or before it done, the clock at `t`.
    /// Backwards restores the nearest checkpoint and replays; forwards (beyond
    /// the frontier too) just runs.
    pub fn seek(&mut self, t: Time) {
        self.start_from(|at| at.time <= t);
        self.advance(Stop::Time(t));
    }

    /// Goes to the position after exactly `step` steps.
    pub fn seek_step(&mut self, step: u64) {
        self.start_from(|at| at.step <= step);
        self.advance(Stop::Step(step));
    }

    /// Restores the latest checkpoint at a position `usable` for the target,
    /// unless the cursor is usable and no further back.
    fn start_from(&mut self, usable: impl Fn(&Position) -> bool) {
        let i = self
            .checkpoints
            .iter()
            .rposition(|c| usable(&c.cursor.at))
            .expect("the checkpoint at the start of the run");
        if !usable(&self.cursor.at) || self.checkpoints[i].cursor.at > self.cursor.at {
            self.restore(i);
        }
    }

    /// Does the next step that shows in the trace (skipping steps that change
    /// nothing, such as a stale timer); returns false when nothing is left.
    pub fn step_forward(&mut self) -> bool {
        loop {
            let events = self.world.trace().event_count();
            let step = self.cursor.at.step;
            self.advance(Stop::Step(step + 1));
            if self.cursor.at.step == step {
                return false;
            }
            if self.world.trace().event_count() > events {
                return true;
            }
        }
    }

    /// Undoes the last step that shows in the trace (and any silent steps after
    /// it): the world is then exactly as just before that step. Returns false at
    /// the start of the run.
    pub fn step_back(&mut self) -> bool {
        let mut end = self.cursor.at.step;
        while end > 0 {
            // Replay the steps before `end` from a checkpoint strictly before
            // them, noting the last one that emitted events.
            let i = self
                .checkpoints
                .iter()
                .rposition(|c| c.cursor.at.step < end)
                .expect("the checkpoint at step 0");
            self.restore(i);
            let start = self.cursor.at.step;
            let mut last_visible = None;
            while self.cursor.at.step < end {
                let events = self.world.trace().event_count();
                self.advance(Stop::Step(self.cursor.at.step + 1));
                if self.world.trace().event_count() > events {
                    last_visible = Some(self.cursor.at.step);
                }
            }
            if let Some(k) = last_visible {
                self.seek_step(k - 1);
                return true;
            }
            end = start;
        }
        self.seek_step(0);
        false
    }

    // ----- Acting and branches -------------------------------------------------

    /// Applies `action` now. In the past (before the frontier: after a seek
    /// back) it first forks: the recorded future is kept as a branch and the
    /// current branch ends here. At the frontier, actions the scenario still has
    /// scheduled (a preset's script, a link's faults) stay scheduled: the new
    /// one joins them, in time order, applied now. A bad action changes nothing.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        // Like `World::apply`: the world's own events due now come first.
        self.advance(Stop::OwnEventsNow);
        self.world.validate_action(&action)?;
        if self.cursor.at < self.frontier {
            self.fork();
        }
        let time = self.cursor.at.time;
        // Every action before `next_action` is applied (time <= now), every one
        // from it on is still ahead (time >= now): inserting here keeps the
        // list in time order, and checkpoints (all at or before now, with
        // `next_action` at most this) replay it in the same place.
        let at = self.cursor.next_action;
        self.branches[self.current]
            .actions
            .insert(at, TimedAction { time, action });
        self.advance(Stop::Step(self.cursor.at.step + 1));
        Ok(())
    }

    /// Makes branch `index` the current one and runs it to its end; the current
    /// one is kept in the list.
    pub fn switch_branch(&mut self, index: usize) -> Result<(), String> {
        if index >= self.branches.len() {
            return Err(format!(
                "no branch {index}: there are {} (0 to {})",
                self.branches.len(),
                self.branches.len() - 1
            ));
        }
        if index == self.current {
            return Ok(());
        }
        self.branches[self.current].end = self.frontier.time;
        let from = &self.branches[self.current].actions;
        let to = &self.branches[index].actions;
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        // A checkpoint serves both branches when every action it applied is
        // common and the first one that differs was not yet due.
        let differs_at = [from.get(common), to.get(common)]
            .into_iter()
            .flatten()
            .map(|a| a.time)
            .min()
            .unwrap_or(Time::MAX);
        let keep = self
            .checkpoints
            .iter()
            .position(|c| c.cursor.next_action > common || c.cursor.at.time >= differs_at)
            .unwrap_or(self.checkpoints.len())
            .max(1);
        self.checkpoints.truncate(keep);
        self.current = index;
        self.restore(keep - 1);
        self.cut_future_here();
        let end = self.branches[index].end;
        self.advance(Stop::Time(end));
        Ok(())
    }

    /// Keeps the current branch as it is, and continues on a copy of it cut at
    /// the cursor (its recorded future dropped).
    fn fork(&mut self) {
        let mut kept = self.branches[self.current].clone();
        kept.end = self.frontier.time;
        let keep = self
            .checkpoints
            .iter()
            .position(|c| c.cursor.at > self.cursor.at)
            .unwrap_or(self.checkpoints.len());
        self.checkpoints.truncate(keep);
        let next_action = self.cursor.next_action;
        self.branches[self.current].actions.truncate(next_action);
        self.branches.push(kept);
        self.cut_future_here();
    }

    /// Makes the cursor the frontier: markers after it are forgotten.
    fn cut_future_here(&mut self) {
        let at = self.cursor.at;
        self.markers.retain(|m| m.at.step <= at.step);
        if let Some(l) = self.lasting.as_mut() {
            l.cut_after_step(at.step);
        }
        self.lifetimes.forget_after(at.step);
        self.frontier = at;
    }

    // ----- The engine ------------------------------------------------------------

    fn restore(&mut self, i: usize) {
        let c = &self.checkpoints[i];
        self.world = c.world.clone();
        self.cursor = c.cursor;
    }

    /// Runs steps until `stop`; records markers and takes checkpoints on new ground.
    fn advance(&mut self, stop: Stop) {
        loop {
            let own = self.world.next_event_time();
            let action = self.actions().get(self.cursor.next_action).map(|a| a.time);
            // An action at `t` comes after every event of the world due at or before `t`.
            let (time, is_action) = match (own, action) {
                (Some(e), Some(a)) if a < e => (a, true),
                (Some(e), _) => (e, false),
                (None, Some(a)) => (a, true),
                (None, None) => break,
            };
            let done = match stop {
                Stop::Time(t) => time > t,
                Stop::Step(n) => self.cursor.at.step >= n,
                Stop::OwnEventsNow => is_action || time > self.cursor.at.time,
            };
            if done {
                break;
            }
            let on_new_ground = self.cursor.at.step >= self.frontier.step;
            if on_new_ground {
                self.maybe_checkpoint(time);
            }
            if self.lasting.is_some()
                && let Some(h) = self.world.history_mut()
            {
                h.set_collecting(on_new_ground);
            }
            let applied = if is_action {
                let a = self.actions()[self.cursor.next_action].clone();
                self.world.run_until(time);
                // Like a scheduled action: one that no longer fits is skipped.
                let _ = self.world.apply(a.action.clone());
                self.cursor.next_action += 1;
                Some(a.action)
            } else {
                self.world.step();
                None
            };
            self.cursor.at = Position {
                time,
                step: self.cursor.at.step + 1,
            };
            let notable = self.world.take_notable();
            if on_new_ground && self.lasting.is_some() {
                let records = self.take_history_records();
                let step = self.cursor.at.step;
                if let Some(l) = self.lasting.as_mut() {
                    l.record(step, records);
                }
            }
            let (lifetimes, step) = (&mut self.lifetimes, self.cursor.at.step);
            self.world.drain_traffic(|traffic| {
                if on_new_ground {
                    lifetimes.record(step, traffic);
                }
            });
            if on_new_ground {
                if let Some(action) = applied {
                    self.mark(MarkerKind::Action { action });
                }
                for e in notable {
                    self.observe(e);
                }
            }
        }
        if let Stop::Time(t) = stop
            && t > self.cursor.at.time
        {
            self.world.run_until(t);
            self.cursor.at.time = t;
        }
        self.frontier = self.frontier.max(self.cursor.at);
    }

    /// At the frontier, before a step at `next_time`: one checkpoint for each
    /// new slot, then thinning to the policy's maximum.
    fn maybe_checkpoint(&mut self, next_time: Time) {
        let slot = next_time / self.policy.spacing.max(1);
        let last = self.checkpoints.last().map_or(0, |c| c.slot);
        if slot <= last {
            return;
        }
        let weight = Weight::of(&self.world);
        self.checkpoints.push(Checkpoint {
            slot,
            cursor: self.cursor,
            world: self.world.clone(),
            weight,
        });
        while self.checkpoints.len() > self.policy.max.max(2) + 1 {
            self.drop_closest_checkpoint();
        }
        // The byte budget (the start and the newest always stay).
        while self.checkpoints.len() > 2 && self.checkpoint_bytes(&weight) > self.policy.max_bytes {
            self.drop_closest_checkpoint();
        }
    }

    /// The bytes the checkpoints hold alone, estimated, with the present
    /// world at `present` (see [`crate::scenario::checkpoint_weight`]).
    fn checkpoint_bytes(&self, present: &Weight) -> usize {
        held_alone(self.checkpoints.iter().map(|c| &c.weight), present)
    }

    /// The bytes the checkpoints hold alone, as the byte budget estimates them.
    pub fn checkpoint_bytes_estimate(&self) -> usize {
        self.checkpoint_bytes(&Weight::of(&self.world))
    }

    /// Drops the checkpoint whose neighbours are closest in time (the oldest
    /// of equals), never the start or the newest: the gap it leaves is the
    /// shortest one possible, so the checkpoints stay evenly spread.
    fn drop_closest_checkpoint(&mut self) {
        let time = |i: usize| self.checkpoints[i].cursor.at.time;
        let closest = (1..self.checkpoints.len() - 1)
            .min_by_key(|&i| (time(i + 1) - time(i - 1), i))
            .expect("at least three checkpoints");
        self.checkpoints.remove(closest);
    }

    fn mark(&mut self, kind: MarkerKind) {
        self.markers.push(Marker {
            at: self.cursor.at,
            kind,
        });
    }

    /// One notable event of a step on new ground, as a marker.
    fn observe(&mut self, e: Event) {
        let kind = match e.kind {
            EventKind::Role {
                node,
                role: RoleKind::Candidate,
                term,
            } => MarkerKind::Election { node, term },
            EventKind::Role {
                node,
                role: RoleKind::Leader,
                term,
            } => {
                let previous = self.markers.iter().rev().find_map(|m| match m.kind {
                    MarkerKind::Leader { node, .. } => Some(node),
                    _ => None,
                });
                MarkerKind::Leader {
                    node,
                    term,
                    changed: previous != Some(node),
                }
            }
            EventKind::Violation(violation) => MarkerKind::Violation { violation },
            EventKind::Crash { node } => MarkerKind::Crash { node },
            EventKind::Restart { node } => MarkerKind::Restart { node },
            EventKind::Partition { groups } => MarkerKind::Partition { groups },
            EventKind::Cut { from, to } => MarkerKind::Cut { from, to },
            EventKind::Heal => MarkerKind::Heal,
            _ => return,
        };
        self.mark(kind);
    }
}
