//! Membership change as the page does it: a cluster that starts with some
//! nodes outside the configuration, a server added and one removed through the
//! timeline (what the façade's `addServer` / `removeServer` do), the view's
//! membership fields at each step, and a share link that replays the same run.

use raft_playground::present::input::{Field, PageConfig};
use raft_playground::present::membership_view::refusal;
use raft_playground::present::{View, ViewOptions};
use raft_playground::raft::{MembershipChange, NodeId};
use raft_playground::scenario::timeline::{CheckpointPolicy, Timeline};
use raft_playground::scenario::{Scenario, ViewState, replayed_trace_hash};
use raft_playground::sim::{Action, MS, TraceMode};

/// A cluster as the page makes it from `{ nodes: 5, seed: 7, initialMembers: 3 }`.
fn page_cluster() -> Timeline {
    let page = PageConfig::read(|k| match k {
        "nodes" => Field::Number(5.0),
        "seed" => Field::Number(7.0),
        "initialMembers" => Field::Number(3.0),
        _ => Field::Missing,
    })
    .unwrap();
    let config = page.sim_config().unwrap();
    assert_eq!(config.initial_members, vec![1, 2, 3]);
    open(Scenario::new(config))
}

/// What the façade's `open` does.
fn open(scenario: Scenario) -> Timeline {
    let at = scenario.view.time;
    let mut t = Timeline::new(scenario, TraceMode::Off, 500, CheckpointPolicy::default()).unwrap();
    t.keep_history();
    t.seek(at);
    t
}

/// What the façade's `addServer` / `removeServer` do: ask first, so that a
/// refusal is the core's sentence and nothing is recorded.
fn change(t: &mut Timeline, change: MembershipChange) -> Result<(), String> {
    if let Some(no) = refusal(t.world(), change) {
        return Err(no);
    }
    t.act(match change {
        MembershipChange::AddServer(node) => Action::AddServer { node },
        MembershipChange::RemoveServer(node) => Action::RemoveServer { node },
    })
}

fn frame(t: &Timeline) -> View {
    View::with(
        t.world(),
        &ViewOptions {
            max_events: 0,
            max_log: Some(0),
            message_details: false,
            quiet_events: true,
            messages: false,
            explanations: false,
        },
    )
}

fn standings(v: &View) -> Vec<&'static str> {
    v.nodes
        .iter()
        .map(|n| n.membership.as_ref().expect("in play").standing)
        .collect()
}

#[test]
fn a_page_made_add_and_remove_show_in_the_view_and_replay_from_the_link() {
    let mut t = page_cluster();
    t.seek(2000 * MS);
    let v = frame(&t);
    assert_eq!(
        standings(&v),
        ["voter", "voter", "voter", "non-member", "non-member"]
    );
    let c = v.configuration.as_ref().unwrap();
    assert_eq!(
        (c.members.clone(), c.index, c.committed),
        (vec![1, 2, 3], 0, true)
    );
    let leader = t.world().leader().expect("a leader among 1..3");
    assert!(leader <= 3);

    change(&mut t, MembershipChange::AddServer(4)).unwrap();
    let v = frame(&t);
    assert_eq!(standings(&v)[3], "catching-up");
    let pending = change(&mut t, MembershipChange::AddServer(5)).unwrap_err();
    assert!(
        pending.starts_with(&format!(
            "node {leader} refuses to add node 5: one change at a time"
        )),
        "{pending}"
    );
    let recorded = t.world().applied_actions().len();

    t.seek(3000 * MS);
    let v = frame(&t);
    assert_eq!(
        standings(&v),
        ["voter", "voter", "voter", "voter", "non-member"]
    );
    let c = v.configuration.clone().unwrap();
    assert_eq!(c.members, vec![1, 2, 3, 4]);
    assert!(c.committed && c.index > 0, "{c:?}");
    assert_eq!(c.added, Some(4));
    assert_eq!(
        c.text,
        format!("Configuration {{1,2,3,4}} at index {}, committed", c.index)
    );

    let removed: NodeId = (1..=3).find(|&n| n != leader).unwrap();
    change(&mut t, MembershipChange::RemoveServer(removed)).unwrap();
    t.seek(4000 * MS);
    let v = frame(&t);
    assert_eq!(
        v.nodes[removed as usize - 1]
            .membership
            .as_ref()
            .unwrap()
            .standing,
        "removed"
    );
    assert_eq!(v.configuration.as_ref().unwrap().removed, Some(removed));
    assert_eq!(
        t.world().applied_actions().len(),
        recorded + 1,
        "the refused change was not recorded"
    );

    // The share link: format 3, with the initial members and both changes.
    let scenario = t.scenario(ViewState {
        time: t.now(),
        playing: false,
        selected: None,
    });
    let link = scenario.encode_link().unwrap();
    assert!(link.starts_with("#s=3."), "{link}");
    let back = Scenario::decode_link(&link).unwrap();
    assert_eq!(back.config.initial_members, vec![1, 2, 3]);
    let reopened = open(back);
    assert_eq!(reopened.now(), t.now());
    assert_eq!(
        replayed_trace_hash(reopened.world()),
        replayed_trace_hash(t.world())
    );
    assert_eq!(
        frame(&reopened),
        v,
        "the reopened page draws the same frame"
    );
}

#[test]
fn the_views_of_a_cluster_without_membership_change_carry_none_of_it() {
    let t = open(Scenario::new(Default::default()));
    let json = serde_json::to_string(&frame(&t)).unwrap();
    assert!(!json.contains("membership") && !json.contains("configuration"));
}
