//! Sweeps in the normal test run: the correct Raft survives thousands of random
//! fault schedules (safety and liveness), and the broken-rule toggles are caught.
//!
//! Both cores: `cli::sweep::sweep` splits the seeds over threads and reports in
//! seed order. Each sweep prints its rate (run with `--nocapture` to see it).

use raft_playground::check::Property;
use raft_playground::cli::sweep::{SweepOptions, SweepSummary, sweep};
use raft_playground::raft::{Bug, Bugs};
use raft_playground::sim::SECOND;
use std::ops::RangeInclusive;

fn run(seeds: RangeInclusive<u64>, bugs: Bugs, stop_at_first: bool) -> SweepSummary {
    let mut options = SweepOptions::new(seeds, 5, bugs, 10 * SECOND);
    options.stop_at_first = stop_at_first;
    let summary = sweep(&options, |_| {}, |_| {}).expect("valid sweep");
    println!(
        "{:?}: {} seeds in {:.2} s ({:.0} seeds/s on {} threads)",
        bugs.enabled(),
        summary.swept,
        summary.elapsed.as_secs_f64(),
        summary.swept as f64 / summary.elapsed.as_secs_f64(),
        options.jobs
    );
    summary
}

#[test]
fn correct_raft_survives_2000_random_fault_seeds() {
    let summary = run(1..=2000, Bugs::none(), false);
    assert_eq!(summary.swept, 2000);
    let report: Vec<String> = summary
        .violating
        .iter()
        .map(|o| format!("seed {}: {:?}", o.seed, o.violations))
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
    assert!(summary.delivered > 2000 * 1000, "the runs did work");
}

/// Sweeps seeds 1..=1000 with `bug` on and stops at the first violating seed;
/// its first violation must be one of `expected`.
fn caught(bug: Bug, expected: &[Property]) {
    let summary = run(1..=1000, Bugs::none().with(bug), true);
    let Some(first) = summary.violating.first() else {
        panic!("{} not caught within 1000 seeds", bug.name());
    };
    assert_eq!(
        summary.swept, first.seed,
        "stopped at the first violating seed"
    );
    let property = first.violations[0].property;
    assert!(
        expected.contains(&property),
        "{}: seed {} broke {:?}, expected one of {expected:?}: {:?}",
        bug.name(),
        first.seed,
        property,
        first.violations
    );
    println!(
        "{} caught at seed {}: {}",
        bug.name(),
        first.seed,
        first.violations[0].explanation
    );
}

#[test]
fn forget_vote_is_caught() {
    caught(
        Bug::ForgetVote,
        &[Property::OneVotePerTerm, Property::ElectionSafety],
    );
}

#[test]
fn vote_without_log_check_is_caught() {
    caught(Bug::VoteWithoutLogCheck, &[Property::LeaderCompleteness]);
}

#[test]
fn truncate_matching_is_caught() {
    caught(
        Bug::TruncateMatching,
        &[
            Property::CommittedEntriesStable,
            Property::StateMachineSafety,
            Property::AckedWritesDurable,
        ],
    );
}

// Not caught by random fault schedules within 1,000 seeds (nor 20,000): see the
// README's CLI section. Run with `cargo test -- --ignored` to try again.

#[test]
#[ignore = "Figure 8 needs a precise crash sequence: caught by the scripted Figure 8 scenario"]
fn commit_old_term_is_caught() {
    caught(
        Bug::CommitOldTerm,
        &[
            Property::LeaderCompleteness,
            Property::StateMachineSafety,
            Property::CommittedEntriesStable,
            Property::AckedWritesDurable,
        ],
    );
}

#[test]
#[ignore = "unreachable with conflict-hint back-off: a follower's first accepted AppendEntries always starts at its first divergent index"]
fn commit_without_min_is_caught() {
    caught(
        Bug::CommitWithoutMin,
        &[
            Property::StateMachineSafety,
            Property::CommittedEntriesStable,
        ],
    );
}

#[test]
fn ignore_higher_term_reply_is_caught() {
    caught(Bug::IgnoreHigherTermReply, &[Property::HigherTermAdopted]);
}

#[test]
fn ack_before_commit_is_caught() {
    caught(
        Bug::AckBeforeCommit,
        &[Property::AckedWritesDurable, Property::Linearizable],
    );
}

#[test]
fn reply_before_persist_is_caught() {
    caught(
        Bug::ReplyBeforePersist,
        &[
            Property::CommittedEntriesStable,
            Property::StateMachineSafety,
            Property::AckedWritesDurable,
            Property::LeaderCompleteness,
            Property::ElectionSafety,
            Property::OneVotePerTerm,
            Property::HigherTermAdopted,
            Property::TermMonotonic,
        ],
    );
}

// Random mode first catches it at seed 376 (a client still asking a deposed
// leader after a newer write of the same key was acknowledged); only the
// linearizability search, judged at each seed's end, sees it.
#[test]
fn stale_read_is_caught() {
    caught(Bug::StaleRead, &[Property::Linearizable]);
}
