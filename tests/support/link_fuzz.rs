//! A dependency-free fuzz harness for the link and JSON decoders, shared by
//! `tests/scenario_fuzz.rs` (a short run on every `cargo test`) and
//! `examples/fuzz_links.rs` (long runs: `cargo run --release --example fuzz_links -- 1000000`).
//!
//! Inputs, all from one seeded PRNG: random text; valid links (presets and random
//! valid scenarios) mutated as text; their postcard bytes mutated and re-wrapped
//! (valid zlib and base64, so the mutations reach the scenario decoder and the
//! validation behind it); mutated compressed streams; zip bombs; mutated JSON.
//! For every input: no panic; an accepted link must re-encode and decode to the
//! same scenario; every so often an accepted scenario is also built into a world
//! and run briefly.

#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use raft_playground::kv::{Command, Op};
use raft_playground::raft::{Bug, Entry, Log, PersistentState};
use raft_playground::rng::Rng;
use raft_playground::scenario::wire::ScenarioV1;
use raft_playground::scenario::{Scenario, ScenarioError, ViewState, presets};
use raft_playground::sim::{Action, MS, NetworkConfig, SimConfig, TimedAction, TraceMode};
use std::cell::RefCell;
use std::collections::BTreeMap;

thread_local! {
    /// The input being tried, printed by the panic hook if decoding panics.
    static CURRENT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Prints the failing input before the default hook (works with panic = "abort").
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        CURRENT.with(|c| {
            let c = c.borrow();
            let shown: String = c.chars().take(4000).collect();
            eprintln!("\nFUZZ FAILURE on input ({} chars):\n{shown}\n", c.len());
        });
        default(info);
    }));
}

#[derive(Default, Debug)]
pub struct Stats {
    pub inputs: u64,
    pub accepted: u64,
    pub worlds_run: u64,
    /// Rejections by kind of error.
    pub rejected: BTreeMap<&'static str, u64>,
}

fn kind(e: &ScenarioError) -> &'static str {
    match e {
        ScenarioError::NotALink => "not-a-link",
        ScenarioError::UnsupportedVersion(_) => "unsupported-version",
        ScenarioError::TooLong { .. } => "too-long",
        ScenarioError::Corrupt(_) => "corrupt",
        ScenarioError::TooLarge(_) => "too-large",
        ScenarioError::Invalid(_) => "invalid",
        ScenarioError::Json(_) => "json",
    }
}

/// Runs `iterations` inputs from `seed`; panics (with the input printed) on a bug.
pub fn run(iterations: u64, seed: u64) -> Stats {
    let mut rng = Rng::derive(seed, "fuzz-links", 0);
    let mut corpus: Vec<Scenario> = presets::all().into_iter().map(|p| p.scenario).collect();
    for i in 0..40 {
        corpus.push(random_scenario(&mut Rng::derive(seed, "fuzz-corpus", i)));
    }
    let links: Vec<String> = corpus
        .iter()
        .map(|s| s.encode_link().expect("corpus scenarios encode"))
        .collect();
    let raw: Vec<Vec<u8>> = corpus
        .iter()
        .map(|s| postcard::to_allocvec(&ScenarioV1::from(s)).unwrap())
        .collect();
    let bombs: Vec<String> = [(1 << 20) + 1, 4 << 20, 16 << 20]
        .iter()
        .enumerate()
        .map(|(k, &size)| {
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(&vec![k as u8; size], 6);
            format!("#s=1.{}", URL_SAFE_NO_PAD.encode(packed))
        })
        .collect();
    let jsons: Vec<String> = corpus.iter().map(|s| s.to_json()).collect();
    let mut stats = Stats::default();
    for i in 0..iterations {
        let pick = rng.range(0, corpus.len() as u64) as usize;
        let input = match rng.range(0, 100) {
            0..=9 => random_text(&mut rng),
            10..=34 => mutate_text(&mut rng, &links[pick]),
            35..=79 => wrap(&mutate_bytes(&mut rng, &raw[pick])),
            80..=87 => {
                let packed = miniz_oxide::deflate::compress_to_vec_zlib(&raw[pick], 6);
                format!(
                    "#s=1.{}",
                    URL_SAFE_NO_PAD.encode(mutate_bytes(&mut rng, &packed))
                )
            }
            88..=89 => bombs[rng.range(0, bombs.len() as u64) as usize].clone(),
            90..=94 => {
                // A fresh random valid scenario, unmutated: must round-trip.
                let s = random_scenario(&mut rng);
                s.encode_link().expect("random valid scenarios encode")
            }
            _ => {
                // JSON: mutate a valid file as text.
                let text = if rng.chance(0.2) {
                    jsons[pick].clone()
                } else {
                    mutate_text(&mut rng, &jsons[pick])
                };
                check_json(&text, &mut stats);
                stats.inputs += 1;
                continue;
            }
        };
        check_link(&input, i, &mut rng, &mut stats);
        stats.inputs += 1;
    }
    stats
}

fn check_link(input: &str, i: u64, rng: &mut Rng, stats: &mut Stats) {
    CURRENT.with(|c| *c.borrow_mut() = input.to_string());
    match Scenario::decode_link(input) {
        Ok(s) => {
            stats.accepted += 1;
            let again = s
                .encode_link()
                .unwrap_or_else(|e| panic!("an accepted scenario must encode: {e}"));
            let back = Scenario::decode_link(&again)
                .unwrap_or_else(|e| panic!("a re-encoded link must decode: {e}"));
            assert_eq!(back, s, "decode -> encode -> decode changed the scenario");
            if i.is_multiple_of(16) {
                let from_json = Scenario::from_json(&s.to_json())
                    .unwrap_or_else(|e| panic!("JSON of an accepted scenario must load: {e}"));
                assert_eq!(from_json, s, "JSON round trip changed the scenario");
            }
            if rng.chance(0.02) {
                // Accepted means a world can be built and run without panicking.
                let mut w = s
                    .to_world(TraceMode::Hash, 0)
                    .unwrap_or_else(|e| panic!("an accepted scenario must build: {e}"));
                w.run_until(20 * MS);
                stats.worlds_run += 1;
            }
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            *stats.rejected.entry(kind(&e)).or_default() += 1;
        }
    }
}

fn check_json(text: &str, stats: &mut Stats) {
    CURRENT.with(|c| *c.borrow_mut() = text.to_string());
    match Scenario::from_json(text) {
        Ok(s) => {
            stats.accepted += 1;
            let back = Scenario::from_json(&s.to_json()).expect("re-exported JSON loads");
            assert_eq!(back, s, "JSON round trip changed the scenario");
        }
        Err(e) => *stats.rejected.entry(kind(&e)).or_default() += 1,
    }
}

fn wrap(bytes: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(bytes, 1);
    format!("#s=1.{}", URL_SAFE_NO_PAD.encode(packed))
}

const ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=#&s%+/ ";

fn random_text(rng: &mut Rng) -> String {
    let len = rng.range(0, 200) as usize;
    let prefix = [
        "",
        "#s=",
        "#s=1.",
        "s=1.",
        "https://x.test/#s=1.",
        "#s=2.",
        "1.",
    ][rng.range(0, 7) as usize];
    let mut s = prefix.to_string();
    for _ in 0..len {
        if rng.chance(0.05) {
            s.push(char::from_u32(rng.range(0, 0x11_0000) as u32).unwrap_or('\u{fffd}'));
        } else {
            s.push(ALPHABET[rng.range(0, ALPHABET.len() as u64) as usize] as char);
        }
    }
    s
}

fn mutate_text(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.range(1, 4) {
        if chars.is_empty() {
            break;
        }
        let at = rng.range(0, chars.len() as u64) as usize;
        match rng.range(0, 6) {
            0 => chars[at] = ALPHABET[rng.range(0, ALPHABET.len() as u64) as usize] as char,
            1 => chars.insert(
                at,
                ALPHABET[rng.range(0, ALPHABET.len() as u64) as usize] as char,
            ),
            2 => {
                chars.remove(at);
            }
            3 => chars.truncate(at),
            4 => {
                let end = (at + rng.range(1, 40) as usize).min(chars.len());
                let piece: Vec<char> = chars[at..end].to_vec();
                let to = rng.range(0, chars.len() as u64) as usize;
                for (k, c) in piece.into_iter().enumerate() {
                    chars.insert(to + k, c);
                }
            }
            _ => chars[at] = char::from_u32(rng.range(0, 0x800) as u32).unwrap_or('x'),
        }
    }
    chars.into_iter().collect()
}

fn mutate_bytes(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..rng.range(1, 5) {
        if b.is_empty() {
            b.push(rng.next_u64() as u8);
            continue;
        }
        let at = rng.range(0, b.len() as u64) as usize;
        match rng.range(0, 8) {
            0 => b[at] ^= 1 << rng.range(0, 8),
            1 => b[at] = rng.next_u64() as u8,
            2 => b.insert(at, rng.next_u64() as u8),
            3 => {
                b.remove(at);
            }
            4 => b.truncate(at),
            5 => {
                // A huge varint (length prefixes, node ids, terms, times).
                let big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
                for (k, x) in big.iter().enumerate() {
                    b.insert(at + k, *x);
                }
            }
            6 => {
                let end = (at + rng.range(1, 64) as usize).min(b.len());
                let piece = b[at..end].to_vec();
                let to = rng.range(0, b.len() as u64) as usize;
                b.splice(to..to, piece);
            }
            _ => b[at] = [0, 1, 0x7f, 0x80, 0xff][rng.range(0, 5) as usize],
        }
    }
    b
}

/// A random scenario that passes validation (so it must round-trip).
pub fn random_scenario(rng: &mut Rng) -> Scenario {
    let nodes = rng.range(1, 10) as usize;
    let mut config = SimConfig {
        nodes,
        seed: rng.next_u64(),
        ..SimConfig::default()
    };
    config.raft.election_timeout_min = rng.range(1, 400) * MS;
    config.raft.election_timeout_max = config.raft.election_timeout_min + rng.range(1, 400) * MS;
    config.raft.heartbeat_interval = rng.range(1, config.raft.election_timeout_min);
    config.raft.max_entries_per_append = rng.range(1, 100) as usize;
    config.network = random_network(rng);
    config.clients.count = rng.range(0, 4);
    config.clients.think_time = rng.range(1, 500) * MS;
    config.clients.request_timeout = rng.range(1, 1000) * MS;
    config.clients.key_space = rng.range(1, 10);
    for b in Bug::ALL {
        config.bugs.set(b, rng.chance(0.2));
    }
    if rng.chance(0.4) {
        config.initial_state = (1..=nodes as u64)
            .map(|_| {
                let term = rng.range(0, 6);
                let mut log = Vec::new();
                let mut t = 1;
                for i in 0..rng.range(0, 8) {
                    if term == 0 {
                        break;
                    }
                    t = rng.range(t, term + 1);
                    log.push(if rng.chance(0.5) {
                        Entry::noop(t)
                    } else {
                        Entry::command(
                            t,
                            Command {
                                client: rng.range(0, 5),
                                seq: i + 1,
                                op: random_op(rng),
                            },
                        )
                    });
                }
                PersistentState {
                    current_term: term,
                    voted_for: (term > 0 && rng.chance(0.5))
                        .then(|| rng.range(1, nodes as u64 + 1)),
                    log: Log::from_entries(log),
                }
            })
            .collect();
    }
    let mut s = Scenario::new(config);
    s.title = if rng.chance(0.5) {
        "fuzz <b>&amp;</b> ✓".into()
    } else {
        String::new()
    };
    let mut t = 0;
    for _ in 0..rng.range(0, 30) {
        t += rng.range(0, 300) * MS;
        let node = rng.range(1, nodes as u64 + 1);
        let other = rng.range(1, nodes as u64 + 1);
        let action = match rng.range(0, 10) {
            0 => Action::Partition {
                groups: vec![vec![node], if other != node { vec![other] } else { vec![] }],
            },
            1 if other != node => Action::Cut {
                from: node,
                to: other,
            },
            2 => Action::Crash { node },
            3 => Action::Restart { node },
            4 => Action::Timeout { node },
            5 => Action::Client {
                op: random_op(rng),
                to: rng.chance(0.5).then_some(node),
            },
            6 => Action::DropMessage {
                id: rng.range(0, 500),
            },
            7 => Action::SetNetwork {
                network: random_network(rng),
            },
            8 => Action::SetBug {
                bug: Bug::ALL[rng.range(0, Bug::ALL.len() as u64) as usize],
                on: rng.chance(0.5),
            },
            _ => Action::Heal,
        };
        s.actions.push(TimedAction { time: t, action });
    }
    s.view = ViewState {
        time: rng.range(0, 5000) * MS,
        playing: rng.chance(0.5),
        selected: rng.chance(0.5).then(|| rng.range(1, nodes as u64 + 1)),
    };
    s.validate().expect("random scenarios are valid");
    s
}

fn random_network(rng: &mut Rng) -> NetworkConfig {
    let latency_min = rng.range(0, 50) * MS;
    NetworkConfig {
        latency_min,
        latency_max: latency_min + rng.range(0, 50) * MS,
        loss: rng.range(0, 101) as f64 / 100.0,
        duplicate: rng.range(0, 31) as f64 / 100.0,
    }
}

fn random_op(rng: &mut Rng) -> Op {
    let key = format!("k{}", rng.range(0, 4));
    match rng.range(0, 3) {
        0 => Op::Put {
            key,
            value: format!("v{}", rng.range(0, 100)),
        },
        1 => Op::Delete { key },
        _ => Op::Get { key },
    }
}
