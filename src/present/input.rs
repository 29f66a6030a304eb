//! What the page asks of the simulator, checked and converted, kept native so it
//! can be tested: a cluster described in milliseconds (as the page speaks), the
//! checks every number arriving from JavaScript passes before it reaches the
//! world, and the one compound action (restoring a single link). The wasm façade
//! (`src/wasm.rs`) only converts JavaScript values and calls into here.

use crate::raft::{Bug, NodeId, Time};
use crate::sim::config::MAX_NODES;
use crate::sim::{Action, MS, NetworkConfig, SimConfig, World};

/// The longest stretch one `run_until` call may cover (ms): a typo such as
/// `runFor(1e9)` must not freeze the tab for hours.
pub const MAX_RUN_SPAN_MS: f64 = 600_000.0;

/// The largest time the page may name (ms): about 11.5 days of simulated time.
pub const MAX_TIME_MS: f64 = 1e9;

/// A new cluster as the page describes it; every field is optional. Times in ms,
/// ratios in `0..=1`. Read from a JavaScript object by [`PageConfig::read`],
/// whose keys are [`PageConfig::FIELDS`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageConfig {
    /// 1 to 9 (default 5).
    pub nodes: Option<f64>,
    /// A whole number 0 ..= 2^53 (default 1).
    pub seed: Option<f64>,
    pub election_timeout_min: Option<f64>,
    pub election_timeout_max: Option<f64>,
    pub heartbeat_interval: Option<f64>,
    /// The network knobs, as the same object's `latencyMin`, `latencyMax`,
    /// `loss` and `duplicate`.
    pub network: PageNetwork,
    /// How many automatic clients write and read on their own (default 0).
    pub clients: Option<f64>,
    /// Broken-rule toggles to turn on, by name.
    pub bugs: Vec<String>,
    /// Membership change: nodes 1 to this many start as the configuration, the
    /// rest outside it (default: every node).
    pub initial_members: Option<f64>,
}

/// Network knobs as the page sets them; absent fields keep their current value.
/// Read by [`PageNetwork::read`], whose keys are [`PageNetwork::FIELDS`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageNetwork {
    pub latency_min: Option<f64>,
    pub latency_max: Option<f64>,
    pub loss: Option<f64>,
    pub duplicate: Option<f64>,
}

impl PageConfig {
    /// The keys a config object may have, in the order [`PageConfig::read`]
    /// reads them (a test holds the two together).
    pub const FIELDS: [&'static str; 12] = [
        "nodes",
        "seed",
        "electionTimeoutMin",
        "electionTimeoutMax",
        "heartbeatInterval",
        "latencyMin",
        "latencyMax",
        "loss",
        "duplicate",
        "clients",
        "bugs",
        "initialMembers",
    ];
}

impl PageNetwork {
    /// The keys a network-knobs object may have, in the order
    /// [`PageNetwork::read`] reads them.
    pub const FIELDS: [&'static str; 4] = ["latencyMin", "latencyMax", "loss", "duplicate"];
}

/// One field of an object from the page, as read by the façade (which knows
/// JavaScript values; this module only knows what they held).
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// Absent, `undefined` or `null`.
    Missing,
    Number(f64),
    /// A list of strings.
    Strings(Vec<String>),
    /// Anything else, by its JavaScript type name.
    Other(String),
}

fn number(what: &str, key: &str, f: Field) -> Result<Option<f64>, String> {
    match f {
        Field::Missing => Ok(None),
        Field::Number(x) => Ok(Some(x)),
        Field::Strings(_) => Err(format!("{what}: {key} must be a number (got a list)")),
        Field::Other(t) => Err(format!("{what}: {key} must be a number (got {t})")),
    }
}

impl PageConfig {
    /// Reads a config object field by field: `get(name)` says what the object
    /// holds under `name`. Unknown keys are caught by [`check_fields`].
    pub fn read(mut get: impl FnMut(&str) -> Field) -> Result<PageConfig, String> {
        let w = "cluster config";
        let mut n = |k: &str| number(w, k, get(k));
        let mut c = PageConfig {
            nodes: n("nodes")?,
            seed: n("seed")?,
            election_timeout_min: n("electionTimeoutMin")?,
            election_timeout_max: n("electionTimeoutMax")?,
            heartbeat_interval: n("heartbeatInterval")?,
            network: PageNetwork::read_in(w, &mut get)?,
            clients: number(w, "clients", get("clients"))?,
            bugs: Vec::new(),
            initial_members: None,
        };
        match get("bugs") {
            Field::Missing => {}
            Field::Strings(b) => c.bugs = b,
            _ => return Err(format!("{w}: bugs must be a list of names")),
        }
        c.initial_members = number(w, "initialMembers", get("initialMembers"))?;
        Ok(c)
    }
}

impl PageNetwork {
    /// Reads network knobs field by field (see [`PageConfig::read`]).
    pub fn read(mut get: impl FnMut(&str) -> Field) -> Result<PageNetwork, String> {
        PageNetwork::read_in("network knobs", &mut get)
    }

    /// The knobs of an object that errors call `what`.
    fn read_in(what: &str, get: &mut impl FnMut(&str) -> Field) -> Result<PageNetwork, String> {
        let mut n = |k: &str| number(what, k, get(k));
        Ok(PageNetwork {
            latency_min: n("latencyMin")?,
            latency_max: n("latencyMax")?,
            loss: n("loss")?,
            duplicate: n("duplicate")?,
        })
    }
}

/// Catches typos in an object's keys (a reader that asks only for the fields
/// it knows would silently ignore `{ node: 3 }`).
pub fn check_fields(what: &str, keys: &[String], known: &[&str]) -> Result<(), String> {
    match keys.iter().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{what}: unknown field '{k}'; known: {}",
            known.join(", ")
        )),
        None => Ok(()),
    }
}

/// A whole number in `lo..=hi`, or a sentence saying what was wrong.
pub fn whole(x: f64, what: &str, lo: u64, hi: u64) -> Result<u64, String> {
    if !x.is_finite() || x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
        return Err(format!(
            "{what} must be a whole number from {lo} to {hi} (got {})",
            show(x)
        ));
    }
    Ok(x as u64)
}

/// A node id of a cluster of `nodes`: 1 ..= nodes.
pub fn node_id(x: f64, nodes: usize) -> Result<NodeId, String> {
    if !x.is_finite() || x.fract() != 0.0 || x < 1.0 || x > nodes as f64 {
        return Err(format!(
            "no node {}: nodes are numbered 1 to {nodes}",
            show(x)
        ));
    }
    Ok(x as NodeId)
}

/// Milliseconds (>= 0, finite, at most [`MAX_TIME_MS`]) to the simulator's µs.
pub fn ms_to_us(ms: f64, what: &str) -> Result<Time, String> {
    if !ms.is_finite() || !(0.0..=MAX_TIME_MS).contains(&ms) {
        return Err(format!(
            "{what} must be a number of milliseconds from 0 to {MAX_TIME_MS} (got {})",
            show(ms)
        ));
    }
    Ok((ms * MS as f64).round() as Time)
}

/// The µs to run to for `run_until(ms)` from `now` (µs): not in the past, not
/// more than [`MAX_RUN_SPAN_MS`] ahead.
pub fn run_target(now: Time, until_ms: f64) -> Result<Time, String> {
    let now_ms = now as f64 / MS as f64;
    if !until_ms.is_finite() {
        return Err(format!(
            "run until: the time must be a number of milliseconds (got {})",
            show(until_ms)
        ));
    }
    if until_ms < now_ms {
        return Err(format!(
            "run until {} ms: that is in the past (now is {now_ms} ms)",
            show(until_ms)
        ));
    }
    if until_ms - now_ms > MAX_RUN_SPAN_MS {
        return Err(format!(
            "run until {} ms: at most {MAX_RUN_SPAN_MS} ms ahead per call (now is {now_ms} ms)",
            show(until_ms)
        ));
    }
    // Never round below now.
    Ok(((until_ms * MS as f64).round() as Time).max(now))
}

/// The µs to run to for `run_for(ms)`.
pub fn run_span(now: Time, span_ms: f64) -> Result<Time, String> {
    if !span_ms.is_finite() || !(0.0..=MAX_RUN_SPAN_MS).contains(&span_ms) {
        return Err(format!(
            "run for: the span must be from 0 to {MAX_RUN_SPAN_MS} ms (got {})",
            show(span_ms)
        ));
    }
    Ok(now + (span_ms * MS as f64).round() as Time)
}

fn ratio(x: f64, what: &str) -> Result<f64, String> {
    if !x.is_finite() || !(0.0..=1.0).contains(&x) {
        return Err(format!(
            "{what} is a ratio from 0 to 1 (got {}; 5% is 0.05)",
            show(x)
        ));
    }
    Ok(x)
}

fn show(x: f64) -> String {
    if x.is_nan() {
        "not a number".into()
    } else {
        format!("{x}")
    }
}

impl PageNetwork {
    /// `current` with the given knobs changed, validated.
    pub fn merged(&self, current: &NetworkConfig) -> Result<NetworkConfig, String> {
        let mut n = current.clone();
        if let Some(v) = self.latency_min {
            n.latency_min = ms_to_us(v, "latency min")?;
        }
        if let Some(v) = self.latency_max {
            n.latency_max = ms_to_us(v, "latency max")?;
        }
        if let Some(v) = self.loss {
            n.loss = ratio(v, "loss")?;
        }
        if let Some(v) = self.duplicate {
            n.duplicate = ratio(v, "duplicate")?;
        }
        n.validate()?;
        Ok(n)
    }
}

impl PageConfig {
    /// The simulator's config, or the first thing wrong, in a sentence.
    pub fn sim_config(&self) -> Result<SimConfig, String> {
        let mut c = SimConfig::default();
        if let Some(n) = self.nodes {
            c.nodes = whole(n, "nodes", 1, MAX_NODES as u64)? as usize;
        }
        if let Some(s) = self.seed {
            c.seed = whole(s, "seed", 0, 1 << 53)?;
        }
        if let Some(v) = self.election_timeout_min {
            c.raft.election_timeout_min = ms_to_us(v, "election timeout min")?;
        }
        if let Some(v) = self.election_timeout_max {
            c.raft.election_timeout_max = ms_to_us(v, "election timeout max")?;
        }
        if let Some(v) = self.heartbeat_interval {
            c.raft.heartbeat_interval = ms_to_us(v, "heartbeat interval")?;
        }
        c.network = self.network.merged(&c.network)?;
        if let Some(n) = self.clients {
            c.clients.count = whole(n, "clients", 0, 100)?;
        }
        for name in &self.bugs {
            c.bugs.set(bug(name)?, true);
        }
        if let Some(k) = self.initial_members {
            let k = whole(k, "initial members", 1, c.nodes as u64)? as NodeId;
            // Every node a member is the default: no configuration to record.
            if k < c.nodes as NodeId {
                c.initial_members = (1..=k).collect();
            }
        }
        c.validate()?;
        Ok(c)
    }
}

/// A broken-rule toggle by name, or an error listing the known names.
pub fn bug(name: &str) -> Result<Bug, String> {
    Bug::from_name(name).ok_or_else(|| {
        format!(
            "unknown bug '{name}'; known: {}",
            Bug::ALL.map(|b| b.name()).join(", ")
        )
    })
}

/// Restores the one directed link `from -> to` and keeps every other cut: the
/// world knows only "heal all" and "cut one", so this is a heal followed by the
/// remaining cuts, all at the same instant (each one an ordinary action).
pub fn restore_link(world: &mut World, from: NodeId, to: NodeId) -> Result<(), String> {
    for action in restore_link_actions(world, from, to)? {
        world.apply(action)?;
    }
    Ok(())
}

/// The actions [`restore_link`] applies: a heal, then every other cut again.
pub fn restore_link_actions(
    world: &World,
    from: NodeId,
    to: NodeId,
) -> Result<Vec<Action>, String> {
    world.validate_action(&Action::Cut { from, to })?;
    let keep = world.network().cut_links().filter(|&l| l != (from, to));
    Ok(std::iter::once(Action::Heal)
        .chain(keep.map(|(a, b)| Action::Cut { from: a, to: b }))
        .collect())
}

/// The µs to seek to for `seek(ms)`: from 0 to the longest scenario.
pub fn seek_target(ms: f64) -> Result<Time, String> {
    let max_ms = (crate::scenario::MAX_TIME / MS) as f64;
    if !ms.is_finite() || !(0.0..=max_ms).contains(&ms) {
        return Err(format!(
            "seek: the time must be from 0 to {max_ms} ms (got {})",
            show(ms)
        ));
    }
    Ok((ms * MS as f64).round() as Time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SECOND, TraceMode};

    #[test]
    fn defaults_are_the_simulator_defaults() {
        assert_eq!(
            PageConfig::default().sim_config().unwrap(),
            SimConfig::default()
        );
    }

    #[test]
    fn converts_milliseconds_and_names() {
        let c = PageConfig {
            nodes: Some(3.0),
            seed: Some(42.0),
            election_timeout_min: Some(200.0),
            election_timeout_max: Some(400.0),
            heartbeat_interval: Some(20.0),
            network: PageNetwork {
                latency_min: Some(1.5),
                latency_max: Some(30.0),
                loss: Some(0.1),
                duplicate: Some(0.05),
            },
            clients: Some(2.0),
            bugs: vec!["forget-vote".into()],
            initial_members: Some(2.0),
        }
        .sim_config()
        .unwrap();
        assert_eq!(c.nodes, 3);
        assert_eq!(c.seed, 42);
        assert_eq!(c.raft.election_timeout_min, 200_000);
        assert_eq!(c.raft.heartbeat_interval, 20_000);
        assert_eq!(c.network.latency_min, 1_500);
        assert_eq!(c.network.latency_max, 30_000);
        assert_eq!(c.clients.count, 2);
        assert!(c.bugs.is_on(Bug::ForgetVote));
        assert_eq!(c.initial_members, vec![1, 2]);
        let all = PageConfig {
            initial_members: Some(5.0),
            ..Default::default()
        };
        assert!(all.sim_config().unwrap().initial_members.is_empty());
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let err = |c: PageConfig| c.sim_config().unwrap_err();
        let e = err(PageConfig {
            nodes: Some(10.0),
            ..Default::default()
        });
        assert!(
            e.contains("nodes must be a whole number from 1 to 9"),
            "{e}"
        );
        let e = err(PageConfig {
            nodes: Some(2.5),
            ..Default::default()
        });
        assert!(e.contains("got 2.5"), "{e}");
        let e = err(PageConfig {
            seed: Some(-1.0),
            ..Default::default()
        });
        assert!(e.contains("seed"), "{e}");
        let e = err(PageConfig {
            network: PageNetwork {
                loss: Some(5.0),
                ..Default::default()
            },
            ..Default::default()
        });
        assert!(e.contains("loss is a ratio from 0 to 1"), "{e}");
        let e = err(PageConfig {
            network: PageNetwork {
                latency_min: Some(50.0),
                latency_max: Some(10.0),
                ..Default::default()
            },
            ..Default::default()
        });
        assert!(e.contains("latency max"), "{e}");
        let e = err(PageConfig {
            heartbeat_interval: Some(500.0),
            ..Default::default()
        });
        assert!(e.contains("heartbeat interval"), "{e}");
        let e = err(PageConfig {
            bugs: vec!["nope".into()],
            ..Default::default()
        });
        assert!(
            e.contains("unknown bug 'nope'; known: commit-old-term"),
            "{e}"
        );
        let e = err(PageConfig {
            election_timeout_min: Some(f64::NAN),
            ..Default::default()
        });
        assert!(e.contains("not a number"), "{e}");
    }

    #[test]
    fn typos_in_field_names_are_caught() {
        let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert!(check_fields("config", &keys(&["nodes", "seed"]), &PageConfig::FIELDS).is_ok());
        let e = check_fields("config", &keys(&["nodez"]), &PageConfig::FIELDS).unwrap_err();
        assert!(
            e.starts_with("config: unknown field 'nodez'; known: nodes, seed"),
            "{e}"
        );
        assert!(check_fields("knobs", &keys(&["loss"]), &PageNetwork::FIELDS).is_ok());
    }

    #[test]
    fn readers_ask_for_exactly_their_listed_fields() {
        fn asked<T>(read: impl FnOnce(&mut dyn FnMut(&str) -> Field) -> T) -> Vec<String> {
            let mut keys = Vec::new();
            read(&mut |k: &str| {
                keys.push(k.to_string());
                Field::Missing
            });
            keys
        }
        assert_eq!(asked(|g| PageConfig::read(g)), PageConfig::FIELDS);
        assert_eq!(asked(|g| PageNetwork::read(g)), PageNetwork::FIELDS);
    }

    #[test]
    fn reads_objects_field_by_field() {
        let c = PageConfig::read(|k| match k {
            "nodes" => Field::Number(3.0),
            "bugs" => Field::Strings(vec!["forget-vote".into()]),
            _ => Field::Missing,
        })
        .unwrap();
        assert_eq!(c.nodes, Some(3.0));
        assert_eq!(c.bugs, vec!["forget-vote".to_string()]);
        let e = PageConfig::read(|k| match k {
            "seed" => Field::Other("string".into()),
            _ => Field::Missing,
        })
        .unwrap_err();
        assert_eq!(e, "cluster config: seed must be a number (got string)");
        let e = PageConfig::read(|k| match k {
            "bugs" => Field::Other("string".into()),
            _ => Field::Missing,
        })
        .unwrap_err();
        assert!(e.contains("bugs must be a list of names"), "{e}");
        let n = PageNetwork::read(|k| match k {
            "loss" => Field::Number(0.5),
            _ => Field::Missing,
        })
        .unwrap();
        assert_eq!(n.loss, Some(0.5));
        assert!(PageNetwork::read(|_| Field::Strings(vec![])).is_err());
    }

    #[test]
    fn node_ids_and_times_are_checked() {
        assert_eq!(node_id(3.0, 5), Ok(3));
        assert_eq!(
            node_id(0.0, 5).unwrap_err(),
            "no node 0: nodes are numbered 1 to 5"
        );
        assert!(node_id(6.0, 5).is_err());
        assert!(node_id(1.5, 5).is_err());
        assert!(node_id(f64::NAN, 5).is_err());
        assert_eq!(ms_to_us(2.5, "t"), Ok(2_500));
        assert!(ms_to_us(-1.0, "t").is_err());
        assert!(ms_to_us(f64::INFINITY, "t").is_err());
        assert_eq!(run_target(SECOND, 1500.0), Ok(1_500_000));
        assert!(
            run_target(SECOND, 999.0)
                .unwrap_err()
                .contains("in the past")
        );
        assert!(run_target(0, 1e7).unwrap_err().contains("at most"));
        assert_eq!(run_span(SECOND, 250.0), Ok(1_250_000));
        assert!(run_span(0, -5.0).is_err());
    }

    #[test]
    fn network_knobs_merge_over_the_current_ones() {
        let cur = NetworkConfig::default();
        let n = PageNetwork {
            loss: Some(0.25),
            ..Default::default()
        }
        .merged(&cur)
        .unwrap();
        assert_eq!(n.loss, 0.25);
        assert_eq!(n.latency_min, cur.latency_min);
        assert!(
            PageNetwork {
                latency_min: Some(100.0),
                ..Default::default()
            }
            .merged(&cur)
            .is_err(),
            "min above the current max"
        );
    }

    #[test]
    fn restoring_one_link_keeps_the_other_cuts() {
        let mut w = World::new(SimConfig::default(), TraceMode::Off, 0).unwrap();
        w.apply(Action::Partition {
            groups: vec![vec![1, 2], vec![3, 4, 5]],
        })
        .unwrap();
        let before = w.network().cut_links().count();
        restore_link(&mut w, 1, 3).unwrap();
        assert!(!w.network().is_cut(1, 3));
        assert!(w.network().is_cut(3, 1));
        assert_eq!(w.network().cut_links().count(), before - 1);
        assert!(restore_link(&mut w, 1, 9).is_err());
        assert!(restore_link(&mut w, 2, 2).is_err());
    }
}
