//! The `rejected` events (why a node refused or ignored an input) were added to
//! the trace on purpose, and nothing else moved: strip their lines from today's
//! trace and the SHA-256 is the hash the same run had before they existed.
//!
//! The `BEFORE_*` hashes were recorded from the commit before `rejected` events
//! existed; they never change. If this test fails, some other event moved: a
//! change of behaviour, not of observability.

use raft_playground::raft::{Bug, Bugs};
use raft_playground::scenario::Scenario;
use raft_playground::sim::sweep::{SweepConfig, drive, finish_seed, prepare_seed};
use raft_playground::sim::{SECOND, TraceMode};
use sha2::{Digest, Sha256};

/// The SHA-256 of the trace's lines that are not `rejected` events.
fn hash_without_rejections(text: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for line in text.split_inclusive(|&b| b == b'\n') {
        if !line.starts_with(br#"{"time":"#) {
            panic!("a trace line starts with its time");
        }
        let is_rejection = line
            .windows(br#""event":"rejected""#.len())
            .any(|w| w == br#""event":"rejected""#);
        if !is_rejection {
            hasher.update(line);
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sweep_trace(seed: u64, config: &SweepConfig) -> Vec<u8> {
    let mut world = prepare_seed(config, seed, TraceMode::Full, 0).unwrap();
    drive(&mut world, config.duration, false, |_| {});
    finish_seed(config, &mut world);
    world.finish();
    world.trace().text().to_vec()
}

fn link_trace(link: &str, seconds: u64) -> Vec<u8> {
    let scenario = Scenario::decode_link(link).unwrap();
    let world = scenario.replay(seconds * SECOND, TraceMode::Full).unwrap();
    world.trace().text().to_vec()
}

fn buggy(bug: Bug) -> SweepConfig {
    SweepConfig {
        bugs: Bugs::none().with(bug),
        ..SweepConfig::default()
    }
}

/// The golden links of tests/scenario_link.rs: a minimal three-node cluster,
/// and one with every action variant, an initial state and a toggle.
const MINIMAL: &str =
    "#s=1.eNoBMADP_wAAKgPwkwngpxLQhgNAiCeYdQAAAAAAAAAAAAAAAAAAAAAAoI0GoMIeBQAAAAABAB1ECWE";
const FULL: &str = "#s=1.eNqNTr9Lw0AYve8uP6wIRSfHoxR_gY1ZHCQmg4MIgpOTUxIPDdQ7TS_YMYOIi6B0USmYTQRXh26ZXM0f4BCcxEknV6_apXTpG9733uPjfZ-1KZr7jFOnFcbRsXT9Jovlgr3oWIOAztHaSSIka9Xoe7dT3444o4KzxuSfkqdijTqBy4WkgapyrMBtfFT1r06lfJgpzgm5mL9J7m77ePT-Z8_D6beWPs8SmJZxwkNfsuUjX4aHET_QMSggxRgQgKnIB1tZMmRNlfgYjRtOZZeGDuqkgaANNuC-xNBG-WsdEQwYEw2Vb0uglj5XzCuS_azi_GydkPJ6Y6KoZl1AQyi89H6rMvo-yp52NJL3dg1Q7eXLHgLtF0RWXEo";

/// The Figure 8 golden link of tests/scenario_link.rs.
const FIGURE8: &str = "#s=1.eNptUk9rE0EUz2R3qodCRREUQd7NBDaBJBakpVdv9uD6Bcbdl2TM7kyYmfzzVFQED0LOnuoXEC-C4KX4ASR3rx76MXwzm7Ql7f558JY3v39vD5_LwcQgPEvgtdEjVJDpspQOzKTAAxAKRDZSelZgPsAcZkY6BGmh0Nb9jV-KvoOxGKNJ4BJoJt0Q3BBvQIRG1bR0kbccmrLZhlSUCDYzcuxA2AucA5CKxpsByY-2uoDKmQXMjzpgUGRDtCCgFG80qVpAI-0kkHbp7TVJeA6-z_REOakGdGBcyIzwdd-7qpD6Rpe-IzVoAklCeGZkiTvHOXTX2h3mCYgxIRAlWfHoV3KxQSOlYLV6YquQ2tDImyQBMiMsKT2EdJ-SUTbQwD7J7VUqn8JUU6h9bQiaXDtKV1i3ltOjxaBwgUIaWznTUzSB5VJoCN2fDVH11gY1OaXZBSidk6RXJPOGffpAaacDrWjlaXftNA_fhdtQJN7BJgSrS3RDHywWFr04s8antWQjSpMC14b0pE4QxQtal1RIy-4j7WorwLxVCZlKXQgntbLt2_zsw9HJp7erjxFbHi-Pa9vX6eed09-POdvb-qN4nbE6q9FD95x1rreM2tqm3KtFjKA4__nuFuMs1HqoUajx2ZfdiFOJGRXG4tX5LmfLr3s0--_OTsBk7PzPXcai79_uR4xK_eTHg5gv3z_kfPXrEfdOYmJn7D8qOhC5";

#[test]
fn stripping_the_rejected_lines_gives_the_hash_from_before_they_existed() {
    let runs: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "sweep seed 1",
            sweep_trace(1, &SweepConfig::default()),
            "2826809856f9169c2033386b33ab8d5afbe08d966c6bb39af52b432de3bfd7c4",
        ),
        (
            "sweep seed 2",
            sweep_trace(2, &SweepConfig::default()),
            "93cc409c5904735efc4177c626d0b711a140845a51904c39c1c18f758c9a581b",
        ),
        (
            "sweep seed 3",
            sweep_trace(3, &SweepConfig::default()),
            "411fd186980151f9fe6f24187c81fae9b1e2fd766f2baf647a784c23f00faa4e",
        ),
        (
            "TruncateMatching seed 1",
            sweep_trace(1, &buggy(Bug::TruncateMatching)),
            "9cc8db9e4ba2a9a0a09c41168cb9c243bd4e13847b4126ddaec9c459be842664",
        ),
        (
            "CommitOldTerm seed 4",
            sweep_trace(4, &buggy(Bug::CommitOldTerm)),
            "ac75cc272dfc1a966603da163765394d2517e96df38c6292b667371bd5e50e3a",
        ),
        (
            "IgnoreHigherTermReply seed 5",
            sweep_trace(5, &buggy(Bug::IgnoreHigherTermReply)),
            "7e99dc235a73095596b3aaeb988168617bfaa83fe3b40664c1c6ea725ed85e7b",
        ),
        (
            "VoteWithoutLogCheck seed 6",
            sweep_trace(6, &buggy(Bug::VoteWithoutLogCheck)),
            // Moved on purpose since the rejections landed (c62bc3a7…): this
            // run's three Linearizability violations are now recorded right
            // after the answer that revealed each (at 814.2, 817.5 and
            // 1078.0 ms), not at the run's end, so their `time` and operation
            // counts changed; every other line is as before.
            "5858db829a5e485560cccce031f9631d50fef4c978a85a4b499de186670b4e07",
        ),
        (
            "minimal link, 2 s",
            link_trace(MINIMAL, 2),
            "dbdc5f390a5a23477c0f53f375ed0b9e178e12d410ffc26c2a5ad3cd4b83c38d",
        ),
        (
            "full link, 3 s",
            link_trace(FULL, 3),
            "3a7ab9a47cb255c4da701b060b102436baa8b34cdc734a379ead41b4430849d9",
        ),
        (
            "Figure 8 link, 3 s",
            link_trace(FIGURE8, 3),
            "c594d1ac26566546a005eb73327dfd4692071a4a56d52a8fd6bc79e605de5f05",
        ),
    ];
    let mut wrong = Vec::new();
    let rejections: usize = runs
        .iter()
        .map(|(_, text, _)| {
            String::from_utf8_lossy(text)
                .matches(r#""event":"rejected""#)
                .count()
        })
        .sum();
    assert!(
        rejections > 1000,
        "only {rejections} rejected lines: the test strips nothing"
    );
    for (name, text, before) in &runs {
        let got = hash_without_rejections(text);
        if got != *before {
            wrong.push(format!("{name}: {got} (before: {before})"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
