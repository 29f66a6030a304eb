//! Links and JSON files: golden links made with format 1 must load (and replay to
//! the same trace) in every later release; damaged, foreign, oversized or unknown
//! input is a clear error, never a panic.

mod support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use raft_playground::kv::{Command, Op};
use raft_playground::raft::{
    Bug, Bugs, Config as RaftConfig, Entry, Log, PersistentState, ReadMode,
};
use raft_playground::scenario::wire::ScenarioV1;
use raft_playground::scenario::{
    MAX_ACTIONS, MAX_LINK_CHARS, Scenario, ScenarioError, ViewState, presets, replay_link,
};
use raft_playground::sim::{
    Action, ClientConfig, MS, NetworkConfig, SECOND, SimConfig, TimedAction, TraceMode,
};
use support::put_op;

// ----- Golden links ----------------------------------------------------------------
//
// Made once with format 1 and never regenerated: they are what an old link looks
// like. If a *decoding* test fails, the change broke old links: fix the change.
// If only a *trace hash* fails, the simulator or the Raft core changed behaviour
// on purpose: check the new behaviour, then update the hash (and say so in the
// release notes: old links replay differently).

/// A three-node cluster, nothing else.
const GOLDEN_MINIMAL: &str =
    "#s=1.eNoBMADP_wAAKgPwkwngpxLQhgNAiCeYdQAAAAAAAAAAAAAAAAAAAAAAoI0GoMIeBQAAAAABAB1ECWE";
/// Every action variant, initial state, toggles, view state, text with markup.
const GOLDEN_FULL: &str = "#s=1.eNqNTr9Lw0AYve8uP6wIRSfHoxR_gY1ZHCQmg4MIgpOTUxIPDdQ7TS_YMYOIi6B0USmYTQRXh26ZXM0f4BCcxEknV6_apXTpG9733uPjfZ-1KZr7jFOnFcbRsXT9Jovlgr3oWIOAztHaSSIka9Xoe7dT3444o4KzxuSfkqdijTqBy4WkgapyrMBtfFT1r06lfJgpzgm5mL9J7m77ePT-Z8_D6beWPs8SmJZxwkNfsuUjX4aHET_QMSggxRgQgKnIB1tZMmRNlfgYjRtOZZeGDuqkgaANNuC-xNBG-WsdEQwYEw2Vb0uglj5XzCuS_azi_GydkPJ6Y6KoZl1AQyi89H6rMvo-yp52NJL3dg1Q7eXLHgLtF0RWXEo";
/// The Figure 8 broken-rule preset as the page shared it, as a full URL.
const GOLDEN_FIGURE8_URL: &str = "https://raft.example/play/#s=1.eNptUk9rE0EUz2R3qodCRREUQd7NBDaBJBakpVdv9uD6Bcbdl2TM7kyYmfzzVFQED0LOnuoXEC-C4KX4ASR3rx76MXwzm7Ql7f558JY3v39vD5_LwcQgPEvgtdEjVJDpspQOzKTAAxAKRDZSelZgPsAcZkY6BGmh0Nb9jV-KvoOxGKNJ4BJoJt0Q3BBvQIRG1bR0kbccmrLZhlSUCDYzcuxA2AucA5CKxpsByY-2uoDKmQXMjzpgUGRDtCCgFG80qVpAI-0kkHbp7TVJeA6-z_REOakGdGBcyIzwdd-7qpD6Rpe-IzVoAklCeGZkiTvHOXTX2h3mCYgxIRAlWfHoV3KxQSOlYLV6YquQ2tDImyQBMiMsKT2EdJ-SUTbQwD7J7VUqn8JUU6h9bQiaXDtKV1i3ltOjxaBwgUIaWznTUzSB5VJoCN2fDVH11gY1OaXZBSidk6RXJPOGffpAaacDrWjlaXftNA_fhdtQJN7BJgSrS3RDHywWFr04s8antWQjSpMC14b0pE4QxQtal1RIy-4j7WorwLxVCZlKXQgntbLt2_zsw9HJp7erjxFbHi-Pa9vX6eed09-POdvb-qN4nbE6q9FD95x1rreM2tqm3KtFjKA4__nuFuMs1HqoUajx2ZfdiFOJGRXG4tX5LmfLr3s0--_OTsBk7PzPXcai79_uR4xK_eTHg5gv3z_kfPXrEfdOYmJn7D8qOhC5";

const HASH_MINIMAL_2S: &str = "eaef4f44c17aa8dbeae5e451905f0668c5e08d861479d33d7e3bfce9a2861565";
const HASH_FULL_3S: &str = "1753599b116829ff3cd2e47373ed124b040b042d03ec0f7b5a343e007302a47b";
const HASH_FIGURE8_3S: &str = "cbe9b987fb54ca06ced84cf6fb646e15cbc23f59b97276cf12eec7bd2f9f4f59";

/// The config of the golden links, spelled out (defaults may change; links don't).
fn golden_config(nodes: usize, seed: u64) -> SimConfig {
    SimConfig {
        nodes,
        seed,
        raft: RaftConfig {
            election_timeout_min: 150 * MS,
            election_timeout_max: 300 * MS,
            heartbeat_interval: 50 * MS,
            max_entries_per_append: 64,
            pre_vote: false,
            check_quorum: false,
            read_mode: ReadMode::Log,
            clock_drift_bound: 1100,
            snapshot_threshold: 0,
        },
        network: NetworkConfig {
            latency_min: 5 * MS,
            latency_max: 15 * MS,
            loss: 0.0,
            duplicate: 0.0,
        },
        clients: ClientConfig {
            count: 0,
            think_time: 100 * MS,
            request_timeout: 500 * MS,
            key_space: 5,
        },
        bugs: Bugs::none(),
        initial_state: Vec::new(),
        initial_members: Vec::new(),
    }
}

fn golden_minimal() -> Scenario {
    Scenario::new(golden_config(3, 42))
}

fn golden_full() -> Scenario {
    let mut config = golden_config(5, 2024);
    config.network.loss = 0.05;
    config.network.duplicate = 0.1;
    config.clients = ClientConfig {
        count: 2,
        think_time: 80 * MS,
        request_timeout: 400 * MS,
        key_space: 3,
    };
    config.raft.max_entries_per_append = 3;
    config.bugs = Bugs::none().with(Bug::TruncateMatching);
    let cmd = |term, seq, op| Entry::command(term, Command { client: 7, seq, op });
    let log = [
        Entry::noop(1),
        cmd(1, 1, put_op("a", "1")),
        cmd(2, 2, Op::Delete { key: "a".into() }),
    ];
    config.initial_state = (1..=5)
        .map(|n| PersistentState {
            current_term: 2,
            voted_for: (n <= 3).then_some(1),
            log: Log::from_entries(log[..(n as usize).min(3)].to_vec()),
        })
        .collect();
    let mut s = Scenario::new(config);
    s.title = "Golden <script>alert(1)</script> & \"quotes\" ✓".into();
    s.caption = "Line one.\nLine two: <b>not bold</b>.".into();
    s.view = ViewState {
        time: 1500 * MS,
        playing: false,
        selected: Some(4),
    };
    let actions = [
        (100, Action::Timeout { node: 1 }),
        (
            400,
            Action::Client {
                op: put_op("x", "1"),
                to: Some(2),
            },
        ),
        (
            400,
            Action::Client {
                op: Op::Get { key: "x".into() },
                to: None,
            },
        ),
        (
            600,
            Action::Partition {
                groups: vec![vec![1, 2], vec![3, 4], vec![]],
            },
        ),
        (700, Action::Cut { from: 5, to: 1 }),
        (800, Action::DropMessage { id: 400 }),
        (900, Action::Heal),
        (1000, Action::Crash { node: 3 }),
        (
            1100,
            Action::SetNetwork {
                network: NetworkConfig {
                    latency_min: 2 * MS,
                    latency_max: 20 * MS,
                    loss: 0.0,
                    duplicate: 0.25,
                },
            },
        ),
        (
            1200,
            Action::SetBug {
                bug: Bug::TruncateMatching,
                on: false,
            },
        ),
        (1300, Action::Restart { node: 3 }),
        (
            1400,
            Action::Client {
                op: Op::Delete { key: "x".into() },
                to: None,
            },
        ),
    ];
    s.actions = actions
        .into_iter()
        .map(|(ms, action)| TimedAction {
            time: ms * MS,
            action,
        })
        .collect();
    s
}

#[test]
#[ignore = "prints fresh golden links and hashes; run by hand, then paste"]
fn print_goldens() {
    let f8 = presets::get(presets::FIGURE8_BROKEN).unwrap().scenario;
    for (name, s, until) in [
        ("MINIMAL", golden_minimal(), 2 * SECOND),
        ("FULL", golden_full(), 3 * SECOND),
        ("FIGURE8", f8, 3 * SECOND),
    ] {
        println!("{name} link: {}", s.encode_link().unwrap());
        println!(
            "{name} hash: {}",
            s.replay(until, TraceMode::Hash).unwrap().trace_hash()
        );
    }
}

#[test]
fn golden_links_decode_to_the_same_scenario_forever() {
    assert_eq!(
        Scenario::decode_link(GOLDEN_MINIMAL).unwrap(),
        golden_minimal()
    );
    assert_eq!(Scenario::decode_link(GOLDEN_FULL).unwrap(), golden_full());
    let f8 = Scenario::decode_link(GOLDEN_FIGURE8_URL).unwrap();
    assert_eq!(f8.config.nodes, 5);
    assert_eq!(f8.config.bugs, Bugs::none().with(Bug::CommitOldTerm));
    assert_eq!(f8.config.raft.max_entries_per_append, 1);
    assert_eq!(f8.config.initial_state[0].log.last_index(), 2);
    assert_eq!(f8.actions.len(), 19);
    assert_eq!(
        f8.actions[0],
        TimedAction {
            time: 0,
            action: Action::Crash { node: 1 }
        }
    );
}

#[test]
fn golden_links_replay_to_fixed_trace_hashes() {
    let hash = |link: &str, until| {
        replay_link(link, Some(until), TraceMode::Hash)
            .unwrap()
            .trace_hash
    };
    assert_eq!(hash(GOLDEN_MINIMAL, 2 * SECOND), HASH_MINIMAL_2S);
    assert_eq!(hash(GOLDEN_FULL, 3 * SECOND), HASH_FULL_3S);
    let r = replay_link(GOLDEN_FIGURE8_URL, Some(3 * SECOND), TraceMode::Hash).unwrap();
    assert_eq!(r.trace_hash, HASH_FIGURE8_3S);
    assert!(
        !r.world.violations().is_empty(),
        "Figure 8 broken shows violations"
    );
}

// ----- Round trips ----------------------------------------------------------------------

#[test]
fn every_form_of_a_link_decodes() {
    let s = golden_full();
    let fragment = s.encode_link().unwrap();
    assert!(fragment.starts_with("#s=1."));
    let bare = &fragment[3..];
    for form in [
        fragment.clone(),
        format!("https://raft.example/play/{fragment}"),
        format!("http://localhost:8080/index.html?x=1{fragment}"),
        format!("s={bare}"),
        bare.to_string(),
        format!("  {fragment}\n"),
        format!("#view=2&s={bare}"),
        format!("{fragment}&later=param"),
    ] {
        assert_eq!(Scenario::decode_link(&form).unwrap(), s, "{form}");
    }
}

#[test]
fn json_round_trips_and_is_validated_like_a_link() {
    for s in [golden_minimal(), golden_full()] {
        let json = s.to_json();
        assert!(json.contains("\"format\": \"raft-playground-scenario\""));
        assert!(json.contains("\"version\": 1"));
        assert_eq!(Scenario::from_json(&json).unwrap(), s);
    }
    let json = golden_full().to_json();
    let bad = json.replace("\"nodes\": 5", "\"nodes\": 12");
    assert!(matches!(
        Scenario::from_json(&bad),
        Err(ScenarioError::Invalid(_))
    ));
    // Formats 2 and 3 exist (production features, named settings); 4 is from the future.
    let newer = json.replace("\"version\": 1", "\"version\": 4");
    assert!(matches!(
        Scenario::from_json(&newer),
        Err(ScenarioError::UnsupportedVersion(_))
    ));
    let typo = json.replace("\"seed\"", "\"sead\"");
    assert!(matches!(
        Scenario::from_json(&typo),
        Err(ScenarioError::Json(_))
    ));
    for junk in ["", "{}", "[]", "null", "{\"format\": 3}", "{{{{"] {
        assert!(Scenario::from_json(junk).is_err(), "{junk}");
    }
}

// ----- Errors -----------------------------------------------------------------------------

fn wrap(bytes: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6);
    format!("#s=1.{}", URL_SAFE_NO_PAD.encode(packed))
}

fn err(link: &str) -> ScenarioError {
    Scenario::decode_link(link).expect_err(link)
}

#[test]
fn unknown_versions_and_non_links_are_clear_errors() {
    assert_eq!(err(""), ScenarioError::NotALink);
    assert_eq!(err("https://raft.example/play/"), ScenarioError::NotALink);
    assert_eq!(err("#view=3"), ScenarioError::NotALink);
    assert_eq!(err("hello"), ScenarioError::NotALink);
    let e = err("#s=4.AAAA");
    assert_eq!(e, ScenarioError::UnsupportedVersion("4".into()));
    assert!(e.to_string().contains("newer"), "{e}");
    assert!(matches!(
        err("#s=0.AAAA"),
        ScenarioError::UnsupportedVersion(_)
    ));
    assert!(matches!(
        err("#s=99999999999999999999999.x"),
        ScenarioError::UnsupportedVersion(_)
    ));
    assert!(matches!(err("#s=abc"), ScenarioError::Corrupt(_)));
    assert!(matches!(err("#s=x.AAAA"), ScenarioError::Corrupt(_)));
}

#[test]
fn damaged_links_are_errors_never_panics() {
    let link = golden_full().encode_link().unwrap();
    // Cut short anywhere.
    for cut in (6..link.len()).step_by(7) {
        assert!(Scenario::decode_link(&link[..cut]).is_err(), "cut at {cut}");
    }
    // One character changed anywhere (the zlib checksum catches what base64 and
    // inflate do not).
    let chars: Vec<char> = link.chars().collect();
    for i in 5..chars.len() {
        let mut c = chars.clone();
        c[i] = if c[i] == 'A' { 'B' } else { 'A' };
        let changed: String = c.into_iter().collect();
        if let Ok(s) = Scenario::decode_link(&changed) {
            // Only a change in the base64 padding bits could survive; it must then
            // decode to the very same scenario.
            assert_eq!(s, golden_full(), "char {i}");
        }
    }
    assert!(matches!(err("#s=1.!!!!"), ScenarioError::Corrupt(_)));
    assert!(matches!(err("#s=1."), ScenarioError::Corrupt(_)));
    // Valid zlib, garbage inside.
    assert!(matches!(
        err(&wrap(b"not postcard at all")),
        ScenarioError::Corrupt(_)
    ));
    // Trailing bytes after a valid scenario.
    let mut bytes = postcard::to_allocvec(&ScenarioV1::from(&golden_minimal())).unwrap();
    bytes.push(0);
    assert!(matches!(err(&wrap(&bytes)), ScenarioError::Corrupt(_)));
}

#[test]
fn oversized_links_zip_bombs_and_huge_scenarios_are_refused() {
    let long = format!("#s=1.{}", "A".repeat(MAX_LINK_CHARS));
    assert!(matches!(err(&long), ScenarioError::TooLong { .. }));
    // 16 MiB of zeros compresses to a few KiB: refused after 1 MiB of output.
    let bomb = wrap(&vec![0u8; 16 << 20]);
    assert!(bomb.len() < MAX_LINK_CHARS);
    assert!(matches!(err(&bomb), ScenarioError::TooLarge(_)));
    // Too many actions.
    let mut s = golden_minimal();
    s.actions = vec![
        TimedAction {
            time: 0,
            action: Action::Heal
        };
        MAX_ACTIONS + 1
    ];
    let too_many = wrap(&postcard::to_allocvec(&ScenarioV1::from(&s)).unwrap());
    assert!(matches!(err(&too_many), ScenarioError::TooLarge(_)));
    assert!(s.encode_link().is_err());
    // A scenario too big for a link says so (and can still go to JSON).
    let mut big = golden_minimal();
    let mut t = 0;
    for i in 0..20_000u64 {
        t += i % 7;
        big.actions.push(TimedAction {
            time: t,
            action: Action::Client {
                op: put_op(
                    &format!("key{i}"),
                    &format!("{:x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                ),
                to: None,
            },
        });
    }
    assert!(matches!(
        big.encode_link(),
        Err(ScenarioError::TooLong { .. })
    ));
    assert_eq!(Scenario::from_json(&big.to_json()).unwrap(), big);
}

#[test]
fn invalid_scenarios_in_well_formed_links_are_refused_with_a_reason() {
    type Change = Box<dyn Fn(&mut ScenarioV1)>;
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|w| w.nodes = 0), "1 to 9 nodes"),
        (Box::new(|w| w.nodes = 10), "1 to 9 nodes"),
        (Box::new(|w| w.nodes = u64::MAX), "1 to 9 nodes"),
        (
            Box::new(|w| w.bugs = vec!["no-such-bug".into()]),
            "unknown bug",
        ),
        (
            Box::new(|w| w.raft.heartbeat_interval = w.raft.election_timeout_min),
            "heartbeat",
        ),
        (
            Box::new(|w| w.raft.max_entries_per_append = u64::MAX),
            "max entries",
        ),
        (
            Box::new(|w| w.raft.election_timeout_max = u64::MAX),
            "election timeout",
        ),
        (Box::new(|w| w.network.loss = f64::NAN), "loss"),
        (Box::new(|w| w.network.latency_min = 99 * SECOND), "latency"),
        (Box::new(|w| w.view.selected = Some(4)), "selected node"),
        (Box::new(|w| w.view.time = u64::MAX), "after one hour"),
        (Box::new(|w| w.title = "x".repeat(201)), "title"),
        (
            Box::new(|w| {
                w.clients.count = 1;
                w.clients.think_time = 0;
            }),
            "think time",
        ),
        (
            Box::new(|w| {
                w.actions
                    .push(raft_playground::scenario::wire::TimedActionV1 {
                        time: 5,
                        action: raft_playground::scenario::wire::ActionV1::Crash { node: 7 },
                    })
            }),
            "no node 7",
        ),
        (
            Box::new(|w| {
                w.actions
                    .push(raft_playground::scenario::wire::TimedActionV1 {
                        time: 5,
                        action: raft_playground::scenario::wire::ActionV1::SetBug {
                            bug: "no-such-bug".into(),
                            on: true,
                        },
                    })
            }),
            "unknown bug 'no-such-bug'",
        ),
        (
            Box::new(|w| {
                w.initial_state = vec![
                    raft_playground::scenario::wire::NodeStateV1 {
                        term: u64::MAX,
                        voted_for: None,
                        log: vec![],
                    };
                    3
                ]
            }),
            "too large",
        ),
        (
            Box::new(|w| {
                w.initial_state = vec![
                    raft_playground::scenario::wire::NodeStateV1 {
                        term: 1,
                        voted_for: Some(9),
                        log: vec![],
                    };
                    3
                ]
            }),
            "not in the cluster",
        ),
    ];
    for (change, reason) in cases {
        let mut w = ScenarioV1::from(&golden_minimal());
        change(&mut w);
        let link = wrap(&postcard::to_allocvec(&w).unwrap());
        let e = err(&link);
        assert!(matches!(e, ScenarioError::Invalid(_)), "{reason}: {e:?}");
        assert!(
            e.to_string().contains(reason),
            "expected '{reason}' in: {e}"
        );
    }
}

// ----- Native replay -----------------------------------------------------------------------

#[test]
fn replay_link_defaults_to_the_view_time_where_the_page_opens_it() {
    let s = golden_full();
    let r = replay_link(&s.encode_link().unwrap(), None, TraceMode::Hash).unwrap();
    assert_eq!(r.until, s.view.time);
    let page = s.to_world(TraceMode::Hash, 0).unwrap();
    let mut page = page;
    page.run_until(s.view.time);
    assert_eq!(r.trace_hash, page.trace_hash());
    assert_eq!(r.world.now(), r.until);
    assert_eq!(r.scenario, s);
    let mut at_view = golden_minimal();
    at_view.view.time = 9 * SECOND;
    let r = replay_link(&at_view.encode_link().unwrap(), None, TraceMode::Off).unwrap();
    assert_eq!(r.until, 9 * SECOND);
    assert!(r.trace_hash.is_empty(), "TraceMode::Off has no hash");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_cli_replays_a_link_to_the_same_trace_hash() {
    use clap::Parser;
    use raft_playground::cli::args::{Cli, Command};
    use raft_playground::cli::run::{RunOptions, run};
    let p = presets::get(presets::FIGURE8_BROKEN).unwrap();
    let link = format!("https://raft.example/{}", p.scenario.encode_link().unwrap());
    let expected = replay_link(&link, Some(3 * SECOND), TraceMode::Hash).unwrap();
    for argv in [
        vec!["raft-playground", "run", &link, "--until", "3s"],
        vec!["raft-playground", "run", "--preset", p.id, "--until", "3s"],
    ] {
        let Command::Run(args) = Cli::try_parse_from(&argv).unwrap().command else {
            panic!("run")
        };
        let mut options = RunOptions::from_args(&args);
        options.load_scenario(&args).unwrap();
        let report = run(&options).unwrap();
        assert_eq!(report.trace_hash, expected.trace_hash, "{argv:?}");
        assert_eq!(report.violations.len(), expected.world.violations().len());
        let summary = report.summary();
        assert!(summary.contains("raft-playground run "), "{summary}");
        assert!(summary.contains("--until 3s"), "{summary}");
    }
    // A link fixes the cluster: flags that would change it are refused.
    assert!(Cli::try_parse_from(["raft-playground", "run", &link, "--seed", "3"]).is_err());
    // A bad link is an error, not a panic.
    let Command::Run(args) = Cli::try_parse_from(["raft-playground", "run", "#s=9.x"])
        .unwrap()
        .command
    else {
        panic!("run")
    };
    let mut options = RunOptions::from_args(&args);
    assert!(
        options
            .load_scenario(&args)
            .unwrap_err()
            .contains("format 9")
    );
}
