//! Shrinking: a violating run becomes a minimal scenario that still breaks the
//! same property. Delta debugging (ddmin, Zeller) over the timed actions, the run
//! cut to just after the violation, then fewer nodes and fewer clients when the
//! property still breaks without them.
//!
//! The oracle replays a candidate scenario (no reactor: a swarm run's reactions
//! are already timed actions in its capture) until the current violation time,
//! and asks whether the property broke by then. Each accepted step can only
//! bring the violation earlier, so the duration never grows.

use crate::check::{Property, Violation};
use crate::raft::{NodeId, Time};
use crate::scenario::{Scenario, ViewState};
use crate::sim::Production;
use crate::sim::{Action, TimedAction, TraceMode, World};

/// How big a scenario is, the way shrinking counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Size {
    pub actions: usize,
    /// The run's length: its end before shrinking, the violation time after.
    pub duration: Time,
    pub nodes: usize,
    pub clients: u64,
    /// Characters of the link fragment (`None` if it would be too long for a link).
    pub link_chars: Option<usize>,
}

impl Size {
    pub fn of(scenario: &Scenario, duration: Time) -> Size {
        Size {
            actions: scenario.actions.len(),
            duration,
            nodes: scenario.config.nodes,
            clients: scenario.config.clients.count,
            link_chars: scenario.encode_link().ok().map(|l| l.len()),
        }
    }
}

/// The result of [`shrink`].
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// Opens (paused) at the violation.
    pub scenario: Scenario,
    /// The property the input broke first, which the output still breaks.
    pub property: Property,
    /// The output's violation of it.
    pub violation: Violation,
    pub before: Size,
    pub after: Size,
    /// Replays the search made.
    pub runs: usize,
}

/// At most this many replays in one shrink (each is one short run).
pub const MAX_RUNS: usize = 4_000;

/// The first violation of `property` when `scenario` runs to `until`, if any.
pub fn breaks(scenario: &Scenario, until: Time, property: Property) -> Option<Violation> {
    let mut world = scenario.to_world(TraceMode::Off, 0).ok()?;
    first_violation(&mut world, until, Some(property))
}

/// Runs `world` to `until` and returns its first safety violation (of
/// `property`, when given). Stops as a storm past the sweep's event budget.
pub fn first_violation(
    world: &mut World,
    until: Time,
    property: Option<Property>,
) -> Option<Violation> {
    let budget = crate::sim::sweep::event_budget(until);
    let wanted = |v: &Violation| match property {
        Some(p) => v.property == p,
        None => v.property != Property::Liveness,
    };
    while world.next_event_time().is_some_and(|t| t <= until) {
        world.step();
        if let Some(v) = world.violations().iter().find(|v| wanted(v)) {
            return Some(v.clone());
        }
        if world.trace().event_count() > budget {
            return None;
        }
    }
    world.flush_checker();
    world.violations().iter().find(|v| wanted(v)).cloned()
}

/// Shrinks `scenario`, which first breaks a safety property within `until`.
pub fn shrink(scenario: &Scenario, until: Time) -> Result<Shrunk, String> {
    let mut world = scenario.to_world(TraceMode::Off, 0)?;
    let first = first_violation(&mut world, until, None)
        .ok_or("this run breaks no safety property: nothing to shrink")?;
    let property = first.property;
    let before = Size::of(scenario, until);
    let mut search = Search {
        property,
        runs: 1,
        best: scenario.clone(),
        violation: first,
    };
    // The run ends at the violation: later actions cannot matter.
    let cut = search.violation.time;
    search.best.actions.retain(|a| a.time <= cut);
    search.try_candidate(search.best.clone());

    search.ddmin_actions();
    if search.fewer_nodes() {
        search.ddmin_actions();
    }
    search.fewer_clients();

    let mut out = search.best;
    out.title = format!("Shrunk: {}", property.name());
    out.view = ViewState {
        time: search.violation.time,
        playing: false,
        selected: search.violation.nodes.first().copied(),
    };
    let after = Size::of(&out, search.violation.time);
    Ok(Shrunk {
        scenario: out,
        property,
        violation: search.violation,
        before,
        after,
        runs: search.runs,
    })
}

/// The search state: the smallest failing scenario so far and its violation.
struct Search {
    property: Property,
    runs: usize,
    best: Scenario,
    /// `best`'s first violation of `property`; candidates must break it by then.
    violation: Violation,
}

impl Search {
    /// Keeps `candidate` if it still breaks the property no later than `best`.
    fn try_candidate(&mut self, candidate: Scenario) -> bool {
        if self.runs >= MAX_RUNS || candidate.validate().is_err() {
            return false;
        }
        self.runs += 1;
        match breaks(&candidate, self.violation.time, self.property) {
            Some(v) => {
                self.best = candidate;
                self.violation = v;
                true
            }
            None => false,
        }
    }

    fn with_actions(&self, actions: Vec<TimedAction>) -> Scenario {
        Scenario {
            actions,
            ..self.best.clone()
        }
    }

    /// ddmin over the actions: remove chunks while the property still breaks,
    /// halving the chunk size down to single actions (1-minimal at the end).
    fn ddmin_actions(&mut self) {
        let mut parts = 2usize;
        while !self.best.actions.is_empty() && self.runs < MAX_RUNS {
            let len = self.best.actions.len();
            let chunk = len.div_ceil(parts);
            let mut reduced = false;
            let mut start = 0;
            while start < self.best.actions.len() {
                let mut rest = self.best.actions.clone();
                let end = (start + chunk).min(rest.len());
                rest.drain(start..end);
                if self.try_candidate(self.with_actions(rest)) {
                    reduced = true;
                } else {
                    start += chunk;
                }
            }
            if reduced {
                parts = parts.saturating_sub(1).max(2);
            } else if chunk == 1 {
                break;
            } else {
                parts = (parts * 2).min(self.best.actions.len());
            }
        }
    }

    /// Tries every smaller cluster (down to 3), smallest first; actions about the
    /// removed nodes go, partitions lose them. Returns whether one was kept.
    fn fewer_nodes(&mut self) -> bool {
        let current = self.best.config.nodes;
        for nodes in 3..current {
            let mut candidate = self.best.clone();
            candidate.config.nodes = nodes;
            if !candidate.config.initial_state.is_empty() {
                return false;
            }
            candidate.actions = self
                .best
                .actions
                .iter()
                .filter_map(|a| without_nodes_above(a, nodes as NodeId))
                .collect();
            if self.try_candidate(candidate) {
                return true;
            }
        }
        false
    }

    /// Tries fewer automatic clients, fewest first.
    fn fewer_clients(&mut self) {
        for count in 0..self.best.config.clients.count {
            let mut candidate = self.best.clone();
            candidate.config.clients.count = count;
            if self.try_candidate(candidate) {
                return;
            }
        }
    }
}

/// `action` in a cluster of nodes `1..=max`: `None` when it concerns a removed node.
fn without_nodes_above(timed: &TimedAction, max: NodeId) -> Option<TimedAction> {
    let keep = |n: &NodeId| *n <= max;
    let action = match &timed.action {
        Action::Crash { node } | Action::Restart { node } | Action::Timeout { node }
            if !keep(node) =>
        {
            return None;
        }
        Action::Cut { from, to } if !keep(from) || !keep(to) => return None,
        Action::Partition { groups } => Action::Partition {
            groups: groups
                .iter()
                .map(|g| g.iter().copied().filter(keep).collect())
                .collect(),
        },
        Action::Client { op, to: Some(t) } if !keep(t) => Action::Client {
            op: op.clone(),
            to: None,
        },
        other => other.clone(),
    };
    Some(TimedAction {
        time: timed.time,
        action,
    })
}

/// Which sweep a seed comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedKind {
    /// `sweep` (the random fault schedule) with this cluster size.
    Random { nodes: usize },
    /// `sweep --swarm`.
    Swarm,
}

/// The run a sweep makes of `seed`, as a scenario (every action it applied or
/// still had scheduled, the swarm's reactions included), with the run's length.
pub fn seed_scenario(
    seed: u64,
    kind: SeedKind,
    bugs: crate::raft::Bugs,
    duration: Time,
) -> Result<Scenario, String> {
    seed_scenario_with(seed, kind, bugs, duration, Production::default())
}

/// [`seed_scenario`] of a sweep run with production features (`--pre-vote`,
/// `--pauses`, … as given to the sweep).
pub fn seed_scenario_with(
    seed: u64,
    kind: SeedKind,
    bugs: crate::raft::Bugs,
    duration: Time,
    production: Production,
) -> Result<Scenario, String> {
    let world = match kind {
        SeedKind::Swarm => {
            let plan = crate::sim::swarm::SwarmPlan::draw_with(seed, bugs, duration, production);
            crate::sim::swarm::run_plan(&plan, TraceMode::Off, 0, true)?.0
        }
        SeedKind::Random { nodes } => {
            let config = crate::sim::sweep::SweepConfig {
                nodes,
                bugs,
                duration,
                production,
                ..Default::default()
            };
            let mut world = crate::sim::sweep::prepare_seed(&config, seed, TraceMode::Off, 0)?;
            crate::sim::sweep::drive(&mut world, duration, true, |_| {});
            world
        }
    };
    let mut scenario = Scenario::capture(&world, ViewState::default());
    scenario.actions.retain(|a| a.time <= duration);
    Ok(scenario)
}
