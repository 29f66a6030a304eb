//! A small busy world the presentation tests draw: five nodes, a leader, five writes.

use crate::kv::Op;
use crate::sim::{Action, MS, SimConfig, TraceMode, World};

pub(super) fn busy_world() -> World {
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
