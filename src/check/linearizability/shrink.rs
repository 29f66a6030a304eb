//! Shrinking a key's non-linearizable sub-history to a small core a person can
//! read, without ever blaming operations that are fine.
//!
//! Simply dropping operations is unsound: drop the put that wrote "a" and a
//! perfectly good read of "a" becomes "impossible". So the shrinker only makes
//! the history *easier* to linearize, never harder; whatever still fails then
//! proves the original fails too. Three such moves:
//!
//! 1. **Cut at a time `T`** (linearizability is prefix-closed): keep the
//!    operations invoked by `T`; those answered after `T` become unanswered
//!    (any result, any point after their invoke, or never). The smallest failing
//!    `T` is found by bisection.
//! 2. **Forget an operation's result** (weaken it): it still takes effect within
//!    its window, but may have seen anything. A weakened read constrains nothing
//!    and changes nothing, so it is dropped.
//! 3. **Drop a weakened write whose value no strict operation saw**: in any
//!    linearization the operation right after it cannot be strict (it would see
//!    that value), so it is a weakened write that overwrites the register and
//!    nothing notices the removal.
//!
//! Two greedy passes, each ddmin-style (drop chunks: halves, quarters, ... then
//! single items, oldest first, while the rest still fails; repeat single items
//! until none can go, or the step budget runs out):
//!
//! - A: which results matter. Every other write is kept weakened (move 2).
//! - B: which of the weakened writes matter, among those whose value no kept
//!   result saw (move 3); writes of seen values stay as their possible sources.
//!
//! Pass B only makes the history easier, so A's set stays 1-minimal.

use super::register::{Effect, KeyHistory, NEVER_ANSWERED, RegisterOp, State};
use super::search::{SearchResult, search};
use crate::raft::Time;

/// What the shrinker kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shrunk {
    /// Operations whose results are part of the argument, in history order.
    pub strict: Vec<RegisterOp>,
    /// Writes that matter only by when they could take effect (results
    /// forgotten): the possible sources of the values seen, and the writes that
    /// must have come in between.
    pub writes: Vec<RegisterOp>,
    /// Neither pass can drop one more item (false if the budget ran out first).
    pub minimal: bool,
}

/// Shrinks a key history already known not to be linearizable. `budget` bounds
/// the search steps of all attempts together; `per_attempt` bounds each one.
pub fn shrink(key: &KeyHistory, budget: &mut u64, per_attempt: u64) -> Shrunk {
    let mut attempts = Attempts {
        budget,
        per_attempt,
        exhausted: false,
    };
    let cut = attempts.earliest_failing_cut(&key.ops);
    let answered: Vec<usize> = (0..cut.len()).filter(|&i| cut[i].is_answered()).collect();
    let writes: Vec<usize> = (0..cut.len())
        .filter(|&i| matches!(cut[i].effect, Effect::Write(_)))
        .collect();

    // Pass A: the results that matter, every other write kept weakened.
    let strict = minimise(answered, &mut attempts, |strict| {
        let mut is_strict = vec![false; cut.len()];
        strict.iter().for_each(|&i| is_strict[i] = true);
        let others: Vec<usize> = writes.iter().copied().filter(|&i| !is_strict[i]).collect();
        assemble(&cut, strict, &others)
    });

    // Pass B: the weakened writes that matter.
    let seen: Vec<State> = strict.iter().filter_map(|&i| cut[i].observed).collect();
    let (sources, optional): (Vec<usize>, Vec<usize>) = writes
        .iter()
        .copied()
        .filter(|i| !strict.contains(i))
        .partition(|&i| matches!(cut[i].effect, Effect::Write(w) if seen.contains(&w)));
    let needed = minimise(optional, &mut attempts, |kept| {
        let mut weakened: Vec<usize> = sources.iter().chain(kept).copied().collect();
        weakened.sort_unstable();
        assemble(&cut, &strict, &weakened)
    });

    let mut weakened: Vec<usize> = sources.into_iter().chain(needed).collect();
    weakened.sort_unstable();
    Shrunk {
        strict: strict.iter().map(|&i| cut[i]).collect(),
        writes: weakened.iter().map(|&i| cut[i].weakened()).collect(),
        minimal: !attempts.exhausted,
    }
}

/// Greedily drops items (positions, ascending) while the history `build` makes
/// of the rest still fails; returns the rest.
fn minimise(
    mut items: Vec<usize>,
    attempts: &mut Attempts,
    build: impl Fn(&[usize]) -> Vec<RegisterOp>,
) -> Vec<usize> {
    let mut chunk = items.len().div_ceil(2).max(1);
    loop {
        let mut removed_any = false;
        let mut start = 0;
        while start < items.len() {
            if attempts.exhausted {
                return items;
            }
            let end = (start + chunk).min(items.len());
            let trial: Vec<usize> = items[..start]
                .iter()
                .chain(&items[end..])
                .copied()
                .collect();
            if attempts.fails(&build(&trial)) {
                items = trial;
                removed_any = true;
            } else {
                start = end;
            }
        }
        if chunk == 1 && !removed_any {
            return items;
        }
        chunk = chunk.div_ceil(2);
    }
}

/// The operations of `cut` at positions `strict` as they are, those at
/// `weakened` with their results forgotten, the rest left out (both ascending).
fn assemble(cut: &[RegisterOp], strict: &[usize], weakened: &[usize]) -> Vec<RegisterOp> {
    let mut ops: Vec<(usize, RegisterOp)> = strict
        .iter()
        .map(|&i| (i, cut[i]))
        .chain(weakened.iter().map(|&i| (i, cut[i].weakened())))
        .collect();
    ops.sort_unstable_by_key(|&(i, _)| i);
    ops.into_iter().map(|(_, op)| op).collect()
}

/// The history as it stood at time `t` (move 1): operations invoked later are
/// gone, operations answered later have no answer.
fn cut_at(ops: &[RegisterOp], t: Time) -> Vec<RegisterOp> {
    ops.iter()
        .filter(|op| op.call <= t)
        .filter_map(|op| {
            if op.ret <= t {
                Some(*op)
            } else if op.effect == Effect::Read {
                None
            } else {
                Some(RegisterOp {
                    observed: None,
                    ret: NEVER_ANSWERED,
                    ..*op
                })
            }
        })
        .collect()
}

struct Attempts<'b> {
    budget: &'b mut u64,
    per_attempt: u64,
    exhausted: bool,
}

impl Attempts<'_> {
    /// Whether `ops` is known not to be linearizable (running out of steps
    /// counts as "not known").
    fn fails(&mut self, ops: &[RegisterOp]) -> bool {
        let mut steps = self.per_attempt.min(*self.budget);
        let before = steps;
        let result = search(ops, &mut steps);
        *self.budget -= before - steps;
        if *self.budget == 0 {
            self.exhausted = true;
        }
        result == SearchResult::NotLinearizable
    }

    /// The history cut at the earliest answer time where it already fails (the
    /// whole history if no earlier cut is known to).
    fn earliest_failing_cut(&mut self, ops: &[RegisterOp]) -> Vec<RegisterOp> {
        let mut answers: Vec<Time> = ops
            .iter()
            .filter(|op| op.is_answered())
            .map(|op| op.ret)
            .collect();
        answers.sort_unstable();
        answers.dedup();
        let mut best = ops.to_vec();
        let (mut low, mut high) = (0, answers.len());
        while low < high && !self.exhausted {
            let mid = (low + high) / 2;
            let cut = cut_at(ops, answers[mid]);
            if self.fails(&cut) {
                best = cut;
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        best
    }
}
