//! One sentence a person can read about why a key's core cannot be linearized.

use super::WriteWindow;
use super::history::{Operation, Outcome};
use crate::kv::Op;
use crate::raft::Time;

/// Explains a shrunk counterexample (`core` and `writes` in invoke order): the
/// classic shapes in their own words, anything else as a list.
pub fn explain(key: &str, core: &[Operation], writes: &[WriteWindow]) -> String {
    stale(key, core, writes)
        .or_else(|| unwritten(key, core, writes))
        .unwrap_or_else(|| generic(key, core, writes))
}

/// Something finished before an operation began, yet that operation saw a
/// state older than the one it left: a stale read, or a lost write.
fn stale(key: &str, core: &[Operation], writes: &[WriteWindow]) -> Option<String> {
    let (earlier, later) = match core {
        // A read and the write that makes it stale.
        [later] => {
            let seen = result(later)?;
            let mut in_between = writes.iter().filter(|w| !writes_value(&w.op, seen));
            let write = in_between.next()?;
            if in_between.next().is_some() {
                return None;
            }
            let earlier = Earlier {
                op: &write.op,
                client: write.client,
                done: "was acknowledged".into(),
                at: write.until?,
                left: written(&write.op),
            };
            (earlier, later)
        }
        // Two results out of order (and the writes that are their sources).
        [first, later] => {
            let (seen_first, seen_later) = (result(first)?, result(later)?);
            if !writes
                .iter()
                .all(|w| writes_value(&w.op, seen_first) || writes_value(&w.op, seen_later))
            {
                return None;
            }
            let (done, left) = match &first.op {
                Op::Get { .. } => (format!("had {}", saw(key, first)?), seen_first.clone()),
                write => ("was acknowledged".into(), written(write)),
            };
            let earlier = Earlier {
                op: &first.op,
                client: first.client,
                done,
                at: first.responded_at()?,
                left,
            };
            (earlier, later)
        }
        _ => return None,
    };
    let seen = result(later)?;
    if earlier.at >= later.invoked_at || earlier.left == *seen {
        return None;
    }
    let rewrite = match seen {
        Some(value) => format!("written \"{value}\""),
        None => format!("deleted {key}"),
    };
    Some(format!(
        "{} by client {} {} at {}, but {} by client {} {} at {}, before that {} began at {}, \
         and nothing could have {rewrite} after it.",
        call(&later.op),
        later.client,
        saw(key, later)?,
        ms(later.responded_at()?),
        call(earlier.op),
        earlier.client,
        earlier.done,
        ms(earlier.at),
        verb(&later.op),
        ms(later.invoked_at),
    ))
}

/// The earlier half of a stale shape.
struct Earlier<'a> {
    op: &'a Op,
    client: u64,
    /// "was acknowledged", "had returned \"b\"".
    done: String,
    at: Time,
    /// The state it left behind (or saw, for a read).
    left: Option<String>,
}

/// One operation saw a value no write could have put there in time.
fn unwritten(key: &str, core: &[Operation], writes: &[WriteWindow]) -> Option<String> {
    let [read] = core else { return None };
    let Some(value) = result(read)? else {
        return None;
    };
    let seen = Some(value.clone());
    if !writes.iter().all(|w| writes_value(&w.op, &seen)) {
        return None;
    }
    let why = if writes.is_empty() {
        format!("nothing wrote \"{value}\" to {key} before then")
    } else {
        format!("every write of \"{value}\" to {key} began after that")
    };
    Some(format!(
        "{} by client {} {} at {}, but {why}.",
        call(&read.op),
        read.client,
        saw(key, read)?,
        ms(read.responded_at()?)
    ))
}

fn generic(key: &str, core: &[Operation], writes: &[WriteWindow]) -> String {
    let items: Vec<String> = core
        .iter()
        .map(|o| {
            format!(
                "{} by client {} from {} to {} {}",
                call(&o.op),
                o.client,
                ms(o.invoked_at),
                o.responded_at().map_or("no answer".to_string(), ms),
                saw(key, o).unwrap_or_default()
            )
        })
        .collect();
    let mut sentence = format!(
        "No order of these {} operations on {key} fits their results and times: {}",
        core.len(),
        items.join("; ")
    );
    if !writes.is_empty() {
        let windows: Vec<String> = writes
            .iter()
            .map(|w| {
                let until = w
                    .until
                    .map_or("unanswered".to_string(), |t| format!("to {}", ms(t)));
                format!(
                    "{} by client {} from {} {until}",
                    call(&w.op),
                    w.client,
                    ms(w.invoked_at)
                )
            })
            .collect();
        sentence.push_str(&format!(
            " (given when these writes could take effect: {})",
            windows.join("; ")
        ));
    }
    sentence.push('.');
    sentence
}

fn result(operation: &Operation) -> Option<&Option<String>> {
    match &operation.outcome {
        Outcome::Ok { result, .. } => Some(result),
        Outcome::Failed | Outcome::Pending => None,
    }
}

/// The value a write leaves (`None` for a delete or a read).
fn written(op: &Op) -> Option<String> {
    match op {
        Op::Put { value, .. } => Some(value.clone()),
        Op::Delete { .. } | Op::Get { .. } => None,
    }
}

/// Whether `op` is a write that leaves the register as `state`.
fn writes_value(op: &Op, state: &Option<String>) -> bool {
    !matches!(op, Op::Get { .. }) && written(op) == *state
}

/// What the operation saw, as a phrase: `returned "a"`, `replaced "a"`, `found k1 absent`.
fn saw(key: &str, operation: &Operation) -> Option<String> {
    Some(match (result(operation)?, &operation.op) {
        (None, _) => format!("found {key} absent"),
        (Some(value), Op::Get { .. }) => format!("returned \"{value}\""),
        (Some(value), _) => format!("replaced \"{value}\""),
    })
}

/// `put(k1, "b")`, `get(k1)`, `delete(k1)`.
fn call(op: &Op) -> String {
    match op {
        Op::Put { key, value } => format!("put({key}, \"{value}\")"),
        Op::Get { key } => format!("get({key})"),
        Op::Delete { key } => format!("delete({key})"),
    }
}

fn verb(op: &Op) -> &'static str {
    match op {
        Op::Put { .. } => "put",
        Op::Get { .. } => "get",
        Op::Delete { .. } => "delete",
    }
}

/// Virtual microseconds as milliseconds with one decimal: `41.0 ms`.
fn ms(t: Time) -> String {
    format!("{}.{} ms", t / 1000, (t % 1000) / 100)
}
