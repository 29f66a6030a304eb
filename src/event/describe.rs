//! Words about the trace vocabulary that sentences on several floors share: the
//! checker's explanations (`check`), the page's texts and the command line's
//! summary (`present::describe` builds on these).

use super::Address;
use crate::kv::Op;
use crate::raft::{EntryData, Time};

/// "n3" for node 3, "c0" for client 0.
pub fn address(a: Address) -> String {
    match a {
        Address::Node(n) => format!("n{n}"),
        Address::Client(c) => format!("c{c}"),
    }
}

/// "put x=1", "delete x", "get x".
pub fn op(op: &Op) -> String {
    match op {
        Op::Put { key, value } => format!("put {key}={value}"),
        Op::Delete { key } => format!("delete {key}"),
        Op::Get { key } => format!("get {key}"),
    }
}

/// A log entry's content, short: "noop", "put x=1 (c0#3)".
pub fn entry(data: &EntryData) -> String {
    match data {
        EntryData::Noop => "noop".into(),
        EntryData::Command(c) => format!("{} (c{}#{})", op(&c.op), c.client, c.seq),
        EntryData::Config { members } => format!("config {}", ids(members)),
    }
}

/// A log entry's content inside a sentence: "a no-op", "client 0's put x=1 (seq 3)".
pub fn entry_in_words(data: &EntryData) -> String {
    match data {
        EntryData::Noop => "a no-op".into(),
        EntryData::Command(c) => format!("client {}'s {} (seq {})", c.client, op(&c.op), c.seq),
        EntryData::Config { members } => format!("the configuration {}", ids(members)),
    }
}

/// Node ids as a set: "{1,2,3}".
pub fn ids(ids: &[crate::raft::NodeId]) -> String {
    let inner: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    format!("{{{}}}", inner.join(","))
}

/// Virtual µs as milliseconds: "1250 ms", "0.100 ms".
pub fn millis(us: Time) -> String {
    if us.is_multiple_of(1000) {
        format!("{} ms", us / 1000)
    } else {
        format!("{}.{:03} ms", us / 1000, us % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::Command;

    #[test]
    fn words() {
        assert_eq!(address(Address::Node(3)), "n3");
        assert_eq!(address(Address::Client(0)), "c0");
        let put = Op::Put {
            key: "x".into(),
            value: "1".into(),
        };
        let data = EntryData::Command(Command {
            client: 0,
            seq: 3,
            op: put,
        });
        assert_eq!(entry(&data), "put x=1 (c0#3)");
        assert_eq!(entry_in_words(&data), "client 0's put x=1 (seq 3)");
        assert_eq!(entry(&EntryData::Noop), "noop");
        assert_eq!(entry_in_words(&EntryData::Noop), "a no-op");
    }

    #[test]
    fn millis_has_three_decimals_only_when_needed() {
        assert_eq!(millis(1_250_000), "1250 ms");
        assert_eq!(millis(1_250), "1.250 ms");
        assert_eq!(millis(100), "0.100 ms");
        assert_eq!(millis(0), "0 ms");
        // The command line used to format through f64: the same text (for
        // any time a run reaches; f64 loses digits only past ~10^11 ms: years).
        for us in [1u64, 999, 1_001, 123_456_789, 1_000_000_000_001] {
            if !us.is_multiple_of(1000) {
                assert_eq!(millis(us), format!("{:.3} ms", us as f64 / 1000.0));
            }
        }
    }
}
