//! The search and the shrinker against a brute-force oracle, on many small
//! random register histories.

use super::register::{ABSENT, Effect, NEVER_ANSWERED, RegisterOp, State};
use super::search::{SearchResult, search};
use super::shrink::shrink;
use crate::check::linearizability::register::KeyHistory;
use crate::rng::Rng;

/// Linearizable by exhaustive search: every answered operation placed once,
/// real-time order respected, unanswered ones placed or left out.
fn brute_force(ops: &[RegisterOp]) -> bool {
    fn place(ops: &[RegisterOp], placed: &mut Vec<bool>, state: State) -> bool {
        if (0..ops.len()).all(|i| placed[i] || !ops[i].is_answered()) {
            return true;
        }
        for i in 0..ops.len() {
            if placed[i] {
                continue;
            }
            // Someone still unplaced finished before `i` began: `i` cannot go yet.
            let blocked = (0..ops.len()).any(|j| !placed[j] && j != i && ops[j].ret < ops[i].call);
            if blocked {
                continue;
            }
            if let Some(next) = ops[i].step(state) {
                placed[i] = true;
                if place(ops, placed, next) {
                    return true;
                }
                placed[i] = false;
            }
        }
        false
    }
    place(ops, &mut vec![false; ops.len()], ABSENT)
}

/// A random history of up to `max_ops` operations over values 1..=3: results
/// come from a real execution at random points in each window, then sometimes
/// one is corrupted, so both verdicts occur.
fn random_history(rng: &mut Rng, max_ops: u64) -> Vec<RegisterOp> {
    let n = rng.range(1, max_ops + 1) as usize;
    let mut ops: Vec<RegisterOp> = (0..n)
        .map(|source| {
            let call = rng.range(0, 30);
            let ret = if rng.chance(0.2) {
                NEVER_ANSWERED
            } else {
                call + rng.range(0, 12)
            };
            let effect = match rng.range(0, 4) {
                0 => Effect::Read,
                1 => Effect::Write(ABSENT),
                _ => Effect::Write(rng.range(1, 4) as State),
            };
            RegisterOp {
                effect,
                observed: None,
                call,
                ret,
                source,
            }
        })
        .collect();
    // A real execution: each operation at a random instant of its window
    // (unanswered ones sometimes never).
    let mut points: Vec<(u64, usize)> = ops
        .iter()
        .enumerate()
        .filter_map(|(i, op)| {
            let end = if op.is_answered() {
                op.ret
            } else {
                op.call + 40
            };
            let at = rng.range(op.call, end + 1);
            (op.is_answered() || rng.chance(0.7)).then_some((at, i))
        })
        .collect();
    points.sort_unstable();
    let mut state = ABSENT;
    for &(_, i) in &points {
        if ops[i].is_answered() {
            ops[i].observed = Some(state);
        }
        state = ops[i].step(state).expect("unconstrained");
    }
    if rng.chance(0.5) {
        let i = rng.range(0, n as u64) as usize;
        if ops[i].is_answered() {
            ops[i].observed = Some(rng.range(0, 4) as State);
        }
    }
    ops
}

#[test]
fn search_agrees_with_brute_force() {
    let mut rng = Rng::new(42);
    let (mut yes, mut no) = (0, 0);
    for case in 0..20_000 {
        let ops = random_history(&mut rng, 7);
        let expected = brute_force(&ops);
        let mut budget = u64::MAX;
        let got = search(&ops, &mut budget);
        let want = if expected {
            SearchResult::Linearizable
        } else {
            SearchResult::NotLinearizable
        };
        assert_eq!(got, want, "case {case}: {ops:#?}");
        if expected { yes += 1 } else { no += 1 }
    }
    assert!(
        yes > 3000 && no > 3000,
        "both verdicts exercised: {yes} / {no}"
    );
}

#[test]
fn a_small_budget_gives_no_verdict_rather_than_a_wrong_one() {
    let mut rng = Rng::new(7);
    let mut out_of_budget = 0;
    for _ in 0..5_000 {
        let ops = random_history(&mut rng, 10);
        let mut budget = rng.range(1, 30);
        match search(&ops, &mut budget) {
            SearchResult::OutOfBudget => out_of_budget += 1,
            SearchResult::Linearizable => assert!(brute_force(&ops)),
            SearchResult::NotLinearizable => assert!(!brute_force(&ops)),
        }
    }
    assert!(out_of_budget > 100);
}

#[test]
fn a_shrunk_core_fails_on_its_own() {
    let mut rng = Rng::new(3);
    let mut shrunk_cases = 0;
    for case in 0..5_000 {
        let ops = random_history(&mut rng, 9);
        if brute_force(&ops) {
            continue;
        }
        shrunk_cases += 1;
        let key = KeyHistory {
            key: "k".into(),
            ops: ops.clone(),
        };
        let mut budget = 1_000_000;
        let shrunk = shrink(&key, &mut budget, 100_000);
        assert!(shrunk.minimal);
        let core: Vec<RegisterOp> = shrunk
            .strict
            .iter()
            .chain(&shrunk.writes)
            .copied()
            .collect();
        assert!(
            !brute_force(&core),
            "case {case}: core linearizable: {core:#?}"
        );
        assert!(shrunk.strict.len() <= ops.iter().filter(|op| op.is_answered()).count());
        assert!(shrunk.strict.iter().all(|op| op.observed.is_some()));
        assert!(shrunk.writes.iter().all(|op| op.observed.is_none()));
    }
    assert!(shrunk_cases > 500, "{shrunk_cases}");
}
