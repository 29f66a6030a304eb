//! The timeline as the page reads it: positions, markers and branches with
//! times in milliseconds.

use crate::raft::Time;
use crate::scenario::timeline::{MarkerKind, Timeline};
use crate::sim::MS;
use serde::Serialize;

fn ms(us: Time) -> f64 {
    us as f64 / MS as f64
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionView {
    pub time_ms: f64,
    pub step: u64,
    /// The furthest point this branch has run to.
    pub frontier_ms: f64,
    pub frontier_step: u64,
}

pub fn position(t: &Timeline) -> PositionView {
    PositionView {
        time_ms: ms(t.position().time),
        step: t.position().step,
        frontier_ms: ms(t.frontier().time),
        frontier_step: t.frontier().step,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkerView<'a> {
    pub time_ms: f64,
    /// The step that caused it; "just before" is `step - 1`.
    pub step: u64,
    #[serde(flatten)]
    pub kind: &'a MarkerKind,
}

pub fn markers(t: &Timeline) -> Vec<MarkerView<'_>> {
    t.markers()
        .iter()
        .map(|m| MarkerView {
            time_ms: ms(m.at.time),
            step: m.at.step,
            kind: &m.kind,
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchView {
    pub index: usize,
    pub current: bool,
    pub actions: usize,
    pub end_ms: f64,
    pub last_action_ms: f64,
}

pub fn branches(t: &Timeline) -> Vec<BranchView> {
    t.branches()
        .into_iter()
        .map(|b| BranchView {
            index: b.index,
            current: b.current,
            actions: b.actions,
            end_ms: ms(b.end),
            last_action_ms: ms(b.last_action),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::sim::{Action, SECOND, SimConfig, TraceMode};

    #[test]
    fn the_page_reads_milliseconds_and_the_causing_step() {
        let mut t =
            Timeline::open(Scenario::new(SimConfig::default()), TraceMode::Hash, 0).unwrap();
        t.seek(2 * SECOND);
        t.act(Action::Crash { node: 1 }).unwrap();
        t.seek(SECOND);
        t.act(Action::Heal).unwrap();
        let p = position(&t);
        assert_eq!((p.time_ms, p.frontier_ms), (1000.0, 1000.0));
        let json = serde_json::to_string(&markers(&t)).unwrap();
        assert!(json.contains(r#""kind":"leader""#), "{json}");
        assert!(
            json.contains(r#""kind":"action","action":{"action":"heal"}"#),
            "{json}"
        );
        let b = branches(&t);
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[1].end_ms, b[1].actions, b[1].last_action_ms),
            (2000.0, 1, 2000.0)
        );
        assert!(b[0].current);
    }
}
