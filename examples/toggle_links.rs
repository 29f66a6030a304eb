//! Prints the page's "Show me" links for the broken-rule toggles that a random
//! sweep catches (web/toggles.js holds their output). Each is the run of
//! `raft-playground run --seed N --faults random --bug NAME` (the seeds of the
//! README's toggle table) as a scenario link that opens paused shortly before
//! the checker's first violation:
//!
//! ```text
//! cargo run --example toggle_links
//! ```
//!
//! It checks that the link replays the sweep's very run (same trace hash up
//! to the violation) and fails otherwise. `ignore-higher-term-reply` breaks no
//! safety property in any seed; its link is the stale-leader preset with the
//! toggle on, opening just before the heal, where the stale leader ignores the
//! higher term in the replies it gets.

use raft_playground::raft::{Bug, Bugs, RoleKind, Time};
use raft_playground::scenario::{Scenario, ViewState, presets};
use raft_playground::sim::faults::random_schedule;
use raft_playground::sim::sweep::{SweepConfig, prepare_seed};
use raft_playground::sim::{MS, TraceMode};

/// (toggle, seed): the first seed the sweep catches it at (README, "What sweeps find").
/// A toggle this build's core does not have is skipped, with a note.
const CAUGHT: [(&str, u64); 6] = [
    ("forget-vote", 114),
    ("vote-without-log-check", 1),
    ("truncate-matching", 1),
    ("ack-before-commit", 1),
    ("reply-before-persist", 1),
    ("stale-read", 376),
];

/// How long before the violation the link opens.
const LEAD: u64 = 500 * MS;
/// How long after the violation the link's scheduled faults go on.
const AFTER: u64 = 1000 * MS;

fn main() {
    for (name, seed) in CAUGHT {
        let Some(bug) = Bug::from_name(name) else {
            eprintln!("{name}: not a toggle of this build; skipped");
            continue;
        };
        let sweep = SweepConfig {
            bugs: Bugs::none().with(bug),
            ..SweepConfig::default()
        };
        let mut scenario = Scenario::new(sweep.sim_config(seed));
        scenario.actions = random_schedule(seed, &sweep.fault_plan());

        // The first violation, and where the story starts.
        let mut world = scenario
            .to_world(TraceMode::Hash, 0)
            .expect("a valid scenario");
        while world.violations().is_empty() && world.now() < sweep.duration {
            world.step();
        }
        let Some(first) = world.violations().first().cloned() else {
            panic!("{name}: seed {seed} no longer shows a violation; pick a new seed");
        };

        // The link must be the sweep's run: same trace up to the violation.
        let mut sweep_world =
            prepare_seed(&sweep, seed, TraceMode::Hash, 0).expect("a sweep world");
        sweep_world.run_until(first.time);
        let mut link_world = scenario
            .to_world(TraceMode::Hash, 0)
            .expect("a valid scenario");
        link_world.run_until(first.time);
        assert_eq!(
            sweep_world.trace_hash(),
            link_world.trace_hash(),
            "{name}: the link does not replay seed {seed}'s run"
        );

        // Actions after the violation show nothing more: the link stops there
        // (a shorter link, a lighter page).
        scenario.actions.retain(|a| a.time <= first.time + AFTER);
        let at = first.time.saturating_sub(LEAD);
        scenario.title = format!("{name}: seed {seed} of the random sweep");
        scenario.caption = format!(
            "Random crashes, partitions and three busy clients, with {name} switched on. \
             Press Play (or S to step): at {:.0} ms the checker reports {}: {} \
             Native replay: raft-playground run --seed {seed} --faults random --bug {name}",
            first.time as f64 / MS as f64,
            first.property.name(),
            first.explanation
        );
        scenario.view = ViewState {
            time: at,
            playing: false,
            selected: first.nodes.first().copied(),
        };
        let link = scenario.encode_link().expect("a link");
        println!(
            "{name}\t{seed}\t{}\t{}\t{link}",
            first.time,
            first.property.name()
        );
    }
    stale_leader_ignoring_replies();
}

/// The stale-leader preset with `ignore-higher-term-reply` on: S1 is cut off
/// leading term 1, the others move to term 2, the network heals at 2 s.
fn stale_leader_ignoring_replies() {
    let name = "ignore-higher-term-reply";
    let preset = presets::get(presets::STALE_LEADER).expect("the preset");
    let mut scenario = preset.scenario.clone();
    scenario.config.bugs = scenario
        .config
        .bugs
        .with(Bug::from_name(name).expect("a known toggle"));
    let steps_down = |s: &Scenario| -> Time {
        let mut world = s.to_world(TraceMode::Hash, 0).expect("a valid scenario");
        world.run_until(2000 * MS);
        while world.now() < 4000 * MS {
            let s1 = world.server(1).and_then(|s| s.node.as_ref());
            if s1.is_some_and(|n| n.role_kind() != RoleKind::Leader) {
                return world.now();
            }
            world.step();
        }
        Time::MAX
    };
    let with = steps_down(&scenario);
    let without = steps_down(&preset.scenario);
    scenario.title = format!("{name}: a stale leader that ignores replies");
    scenario.caption = format!(
        "The stale-leader story with {name} switched on. S1 leads term 1, is cut off at 0.5 s and keeps \
         believing it leads; the others elect a leader of term 2. The network heals at 2 s: S1's \
         heartbeats of term 1 are refused with replies carrying term 2 (hollow squares), and S1 \
         ignores the term they carry. It steps down only when the new leader's own messages reach it, \
         at {:.1} ms (without the toggle: {:.1} ms). No safety property breaks here: the next \
         higher-term request still deposes it.",
        with as f64 / MS as f64,
        without as f64 / MS as f64
    );
    scenario.view = ViewState {
        time: 1990 * MS,
        playing: false,
        selected: Some(1),
    };
    let link = scenario.encode_link().expect("a link");
    println!("{name}\t-\t{with}\t(steps down; {without} without)\t{link}");
}
