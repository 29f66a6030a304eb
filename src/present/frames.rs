//! The messages in flight as flat numbers: a page that moves hundreds of them
//! every frame reads one `Float64Array` instead of a list of objects.

use crate::event::Address;
use crate::sim::{MS, World};

/// Numbers per message in [`packed_messages`].
pub const PACKED_STRIDE: usize = 7;

/// The messages in flight, [`PACKED_STRIDE`] numbers each: `id, from node, to
/// node (0 for a client), kind code (`MessageKind as u8`), success (1, 0, or -1
/// when not a reply), sent at (ms), due at (ms)`.
pub fn packed_messages(world: &World, out: &mut Vec<f64>) {
    out.clear();
    let node = |a: Address| a.node().map_or(0.0, |n| n as f64);
    for m in world.in_flight() {
        let summary = m.payload.summary();
        out.extend_from_slice(&[
            m.id as f64,
            node(m.from),
            node(m.to),
            summary.kind.code() as f64,
            summary.success.map_or(-1.0, |s| s as u8 as f64),
            m.sent_at as f64 / MS as f64,
            m.deliver_at as f64 / MS as f64,
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::MessageKind;
    use crate::present::View;
    use crate::sim::{Action, SimConfig, TraceMode};

    #[test]
    fn packed_messages_match_the_view() {
        let mut w = World::new(SimConfig::default(), TraceMode::Off, 0).unwrap();
        w.run_until(1003 * MS);
        w.apply(Action::Client {
            op: crate::kv::Op::Get { key: "k".into() },
            to: None,
        })
        .unwrap();
        let v = View::of(&w, 0);
        let mut packed = vec![1.0; 3];
        packed_messages(&w, &mut packed);
        assert!(!v.messages.is_empty());
        assert_eq!(packed.len(), v.messages.len() * PACKED_STRIDE);
        for (m, p) in v.messages.iter().zip(packed.chunks(PACKED_STRIDE)) {
            assert_eq!(p[0], m.id as f64);
            assert_eq!(p[1], m.from_node.unwrap_or(0) as f64);
            assert_eq!(p[2], m.to_node.unwrap_or(0) as f64);
            assert_eq!(MessageKind::from_code(p[3] as u8), Some(m.kind));
            assert_eq!(p[4], m.success.map_or(-1.0, |s| if s { 1.0 } else { 0.0 }));
            assert_eq!((p[5], p[6]), (m.sent_at, m.deliver_at));
        }
        assert!(
            packed.chunks(PACKED_STRIDE).any(|p| p[1] == 0.0),
            "the client's request"
        );
    }
}
