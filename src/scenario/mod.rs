//! Scenarios: everything needed to rebuild a run exactly — the cluster config
//! (seed, size, timing, network, clients, toggles, optional persisted state per
//! node), the timed list of every action, and where the page should open — plus
//! the shareable link, the JSON file, and the gallery of presets.
//!
//! A scenario is data; [`Scenario::to_world`] turns it into a [`World`] with every
//! action scheduled. An action at time `t` takes effect after every event due at or
//! before `t`, in recorded order, exactly as when a person applied it live at `t`
//! (see [`World::apply`]): a live session captured with [`Scenario::capture`]
//! replays to the same trace hash.

pub mod checkpoint_weight;
pub mod compaction;
pub mod lasting;
pub mod link;
pub mod membership_link;
pub mod presets;
pub mod shrink;
pub mod timeline;
pub mod wire;
pub mod wire_v2;
pub mod wire_v3;

use crate::raft::{NodeId, Time};
use crate::sim::{Action, SECOND, SimConfig, TimedAction, TraceMode, World};
use std::fmt;

pub use link::{LINK_VERSION, MAX_DECODED_BYTES, MAX_LINK_CHARS};

/// Actions and view times beyond one hour of virtual time are refused.
pub const MAX_TIME: Time = 3600 * SECOND;
/// At most this many actions in one scenario.
pub const MAX_ACTIONS: usize = 50_000;
/// Terms in a given initial state stay below this (so `term + 1` never overflows).
pub const MAX_INITIAL_TERM: u64 = 1_000_000_000;
/// Bound on timing knobs (µs) so that `now + timeout` can never overflow.
pub const MAX_TIMER: Time = MAX_TIME;
/// Bound on `max_entries_per_append`.
pub const MAX_ENTRIES_PER_APPEND: usize = 10_000;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_CAPTION_CHARS: usize = 2_000;
/// A JSON file larger than this is refused (links have their own, smaller limit).
pub const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

/// Where and how the page opens a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewState {
    /// Virtual time (µs) to open at: the page replays up to here first.
    pub time: Time,
    /// Start playing (true) or paused (false).
    pub playing: bool,
    /// The node whose details are shown, if any.
    pub selected: Option<NodeId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// A short name shown above the cluster (presets set it; may be empty).
    pub title: String,
    /// What to watch (presets set it; may be empty). Plain text, never HTML.
    pub caption: String,
    /// Seed, cluster size, timing, network, clients, toggles, initial state.
    pub config: SimConfig,
    /// Every action, in the order applied; times never decrease.
    pub actions: Vec<TimedAction>,
    pub view: ViewState,
}

/// Why a link, a JSON file or a scenario was refused. Never a panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The text holds no scenario (`#s=...`) at all.
    NotALink,
    /// A format version this build does not read (made by a newer release?).
    UnsupportedVersion(String),
    /// The link text is longer than [`MAX_LINK_CHARS`].
    TooLong { chars: usize, max: usize },
    /// Damaged: bad base64, bad compression, checksum mismatch, malformed bytes.
    Corrupt(String),
    /// Decompresses to more than [`MAX_DECODED_BYTES`], or a JSON file too big.
    TooLarge(String),
    /// Well formed, but the scenario it describes is not valid.
    Invalid(String),
    /// A JSON file that does not parse as a scenario.
    Json(String),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::NotALink => write!(
                f,
                "not a scenario link: expected a URL or fragment with #s={LINK_VERSION}.…"
            ),
            ScenarioError::UnsupportedVersion(v) => write!(
                f,
                "this link uses scenario format {v}, but this build reads format {LINK_VERSION} \
                 and older; was it made by a newer raft-playground?"
            ),
            ScenarioError::TooLong { chars, max } => write!(
                f,
                "scenario link too long: {chars} characters (at most {max}); \
                 export the scenario as JSON instead"
            ),
            ScenarioError::Corrupt(why) => {
                write!(f, "scenario link is damaged ({why}); was it cut short?")
            }
            ScenarioError::TooLarge(why) => write!(f, "scenario too large: {why}"),
            ScenarioError::Invalid(why) => write!(f, "invalid scenario: {why}"),
            ScenarioError::Json(why) => write!(f, "not a scenario file: {why}"),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl From<ScenarioError> for String {
    fn from(e: ScenarioError) -> String {
        e.to_string()
    }
}

impl Scenario {
    /// A scenario with no actions, opening at time 0, playing.
    pub fn new(config: SimConfig) -> Scenario {
        Scenario {
            title: String::new(),
            caption: String::new(),
            config,
            actions: Vec::new(),
            view: ViewState {
                time: 0,
                playing: true,
                selected: None,
            },
        }
    }

    /// Appends an action at `time` (builder style, for presets and tests).
    pub fn at(mut self, time: Time, action: Action) -> Scenario {
        self.actions.push(TimedAction { time, action });
        self
    }

    /// The scenario of a live world: the config it was built with, every action
    /// applied so far and every action still scheduled, and `view`.
    pub fn capture(world: &World, view: ViewState) -> Scenario {
        let mut actions = world.applied_actions().to_vec();
        actions.extend(world.pending_actions());
        Scenario {
            title: String::new(),
            caption: String::new(),
            config: world.initial_config().clone(),
            actions,
            view,
        }
    }

    /// Checks everything a world needs, plus the limits that keep links and
    /// replays bounded. Loading (link or JSON) always runs it.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let invalid = |s: String| Err(ScenarioError::Invalid(s));
        if self.title.chars().count() > MAX_TITLE_CHARS {
            return invalid(format!("title longer than {MAX_TITLE_CHARS} characters"));
        }
        if self.caption.chars().count() > MAX_CAPTION_CHARS {
            return invalid(format!(
                "caption longer than {MAX_CAPTION_CHARS} characters"
            ));
        }
        let c = &self.config;
        c.validate().map_err(ScenarioError::Invalid)?;
        let timers = [
            ("election timeout", c.raft.election_timeout_max),
            ("client think time", c.clients.think_time),
            ("client request timeout", c.clients.request_timeout),
        ];
        for (name, t) in timers {
            if t > MAX_TIMER {
                return invalid(format!("{name} above one hour ({t} µs)"));
            }
        }
        if c.clients.count > 0 && c.clients.think_time == 0 {
            // With zero latency too, automatic clients would loop forever at one
            // instant (request, commit, answer, next request) and hang the page.
            return invalid("automatic clients need a think time above 0".into());
        }
        if c.raft.max_entries_per_append > MAX_ENTRIES_PER_APPEND {
            return invalid(format!(
                "max entries per AppendEntries above {MAX_ENTRIES_PER_APPEND}"
            ));
        }
        for (i, s) in c.initial_state.iter().enumerate() {
            if s.current_term >= MAX_INITIAL_TERM {
                return invalid(format!(
                    "node {}: initial term {} is too large",
                    i + 1,
                    s.current_term
                ));
            }
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(ScenarioError::TooLarge(format!(
                "{} actions (at most {MAX_ACTIONS})",
                self.actions.len()
            )));
        }
        let mut previous = 0;
        for (i, a) in self.actions.iter().enumerate() {
            if a.time > MAX_TIME {
                return invalid(format!("action {} is after one hour", i + 1));
            }
            if a.time < previous {
                return invalid(format!(
                    "action {} at {} µs comes before the previous one at {previous} µs \
                     (actions must be in time order)",
                    i + 1,
                    a.time
                ));
            }
            previous = a.time;
            a.action
                .validate(c.nodes)
                .map_err(|e| ScenarioError::Invalid(format!("action {}: {e}", i + 1)))?;
        }
        if self.view.time > MAX_TIME {
            return invalid("the view opens after one hour".into());
        }
        if let Some(n) = self.view.selected
            && (n == 0 || n > c.nodes as NodeId)
        {
            return invalid(format!("selected node {n} is not in the cluster"));
        }
        Ok(())
    }

    /// A world at time 0 with every action scheduled.
    pub fn to_world(&self, trace: TraceMode, recent_events: usize) -> Result<World, ScenarioError> {
        self.validate()?;
        let mut world = World::new(self.config.clone(), trace, recent_events)
            .map_err(ScenarioError::Invalid)?;
        for a in &self.actions {
            world.schedule_action(a.time, a.action.clone());
        }
        Ok(world)
    }

    /// [`Scenario::to_world`], run up to `until` (every event due at or before it).
    pub fn replay(&self, until: Time, trace: TraceMode) -> Result<World, ScenarioError> {
        let mut world = self.to_world(trace, 0)?;
        world.run_until(until);
        Ok(world)
    }

    /// The time of the last action (0 without actions).
    pub fn last_action_time(&self) -> Time {
        self.actions.last().map_or(0, |a| a.time)
    }

    /// The link fragment, `#s=1.<base64url(zlib(postcard))>`; fails only when the
    /// scenario is invalid or the link would exceed [`MAX_LINK_CHARS`].
    pub fn encode_link(&self) -> Result<String, ScenarioError> {
        link::encode(self)
    }

    /// Reads a full URL, a fragment (`#s=…`), or `s=…`. Every failure is an error
    /// value with a sentence for the page's banner; never a panic.
    pub fn decode_link(text: &str) -> Result<Scenario, ScenarioError> {
        link::decode(text)
    }

    /// The link's payload before compression (its version byte, then the
    /// postcard bytes of that version's wire shape): how the page's two wasm
    /// modules pass a scenario between them.
    pub fn to_payload(&self) -> Vec<u8> {
        link::to_payload(self)
    }

    /// Reads [`Scenario::to_payload`] bytes, with the same validation as a link.
    pub fn from_payload(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        link::from_payload(bytes)
    }

    /// [`Scenario::from_payload`] without the limits of a link (for saving a
    /// live run as JSON, however long).
    pub fn from_payload_unchecked(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        link::from_payload_unchecked(bytes)
    }

    /// The scenario as a JSON document (same fields as the link, in the oldest
    /// format that holds it: 1, 2 for the production features, 3 for named ones).
    pub fn to_json(&self) -> String {
        let format = JSON_FORMAT.to_string();
        if wire_v3::needs_v3(self) {
            let file = JsonFileV3 {
                format,
                version: 3,
                scenario: wire_v3::ScenarioV3::from(self),
            };
            return serde_json::to_string_pretty(&file).expect("scenarios always serialise");
        }
        if wire_v2::needs_v2(self) {
            let file = JsonFileV2 {
                format,
                version: 2,
                scenario: wire_v2::ScenarioV2::from(self),
            };
            return serde_json::to_string_pretty(&file).expect("scenarios always serialise");
        }
        let file = JsonFileV1 {
            format,
            version: 1,
            scenario: wire::ScenarioV1::from(self),
        };
        serde_json::to_string_pretty(&file).expect("scenarios always serialise")
    }

    /// Reads [`Scenario::to_json`] output (any version this build knows), with the
    /// same validation as a link.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_JSON_BYTES {
            return Err(ScenarioError::TooLarge(format!(
                "JSON file of {} bytes (at most {MAX_JSON_BYTES})",
                text.len()
            )));
        }
        let header: JsonHeader =
            serde_json::from_str(text).map_err(|e| ScenarioError::Json(e.to_string()))?;
        let json = |e: serde_json::Error| ScenarioError::Json(e.to_string());
        let version = header.check()?;
        if version == 3 {
            let file: JsonFileV3 = serde_json::from_str(text).map_err(json)?;
            let scenario = Scenario::try_from(file.scenario)?;
            scenario.validate()?;
            return Ok(scenario);
        }
        if version == 2 {
            let file: JsonFileV2 = serde_json::from_str(text).map_err(json)?;
            let scenario = Scenario::try_from(file.scenario)?;
            scenario.validate()?;
            return Ok(scenario);
        }
        let file: JsonFileV1 = serde_json::from_str(text).map_err(json)?;
        Scenario::from_json_file(file)
    }

    /// A parsed JSON file (the page parses the text with the browser's own
    /// parser, which keeps the JSON parser out of the wasm).
    pub fn from_json_file(file: JsonFileV1) -> Result<Scenario, ScenarioError> {
        JsonHeader {
            format: Some(file.format),
            version: Some(serde_json::Value::from(file.version)),
        }
        .check()?;
        let scenario = Scenario::try_from(file.scenario)?;
        scenario.validate()?;
        Ok(scenario)
    }
}

/// The first two fields of a scenario JSON file, read before the rest so that a
/// newer version is reported as such.
#[derive(serde::Deserialize)]
pub struct JsonHeader {
    pub format: Option<String>,
    pub version: Option<serde_json::Value>,
}

impl JsonHeader {
    /// Checks the header; returns the version (1, 2 or 3).
    pub fn check(&self) -> Result<u64, ScenarioError> {
        if self.format.as_deref() != Some(JSON_FORMAT) {
            return Err(ScenarioError::Json(format!(
                "expected \"format\": \"{JSON_FORMAT}\""
            )));
        }
        match &self.version {
            Some(serde_json::Value::Number(n)) if matches!(n.as_u64(), Some(1..=3)) => {
                Ok(n.as_u64().unwrap_or(1))
            }
            Some(v) => Err(ScenarioError::UnsupportedVersion(v.to_string())),
            None => Err(ScenarioError::Json("missing \"version\"".into())),
        }
    }
}

/// The `format` field of a scenario JSON file.
pub const JSON_FORMAT: &str = "raft-playground-scenario";

/// A scenario JSON file, format 1.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFileV1 {
    pub format: String,
    pub version: u32,
    pub scenario: wire::ScenarioV1,
}

/// A scenario JSON file, format 2 (production features; see `wire_v2`).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFileV2 {
    pub format: String,
    pub version: u32,
    pub scenario: wire_v2::ScenarioV2,
}

/// A scenario JSON file, format 3 (named settings and actions; see `wire_v3`).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFileV3 {
    pub format: String,
    pub version: u32,
    pub scenario: wire_v3::ScenarioV3,
}

/// The result of replaying a link natively (what `raft-playground run LINK` prints).
pub struct Replay {
    pub scenario: Scenario,
    pub world: World,
    /// The time the world was run to.
    pub until: Time,
    /// SHA-256 of the trace (empty with `TraceMode::Off`).
    pub trace_hash: String,
}

/// Decodes `link` (a URL or fragment) and replays it up to `until`, or, without
/// one, to the scenario's view time (where the page opens it). Use `TraceMode::Full` to write the trace out afterwards.
pub fn replay_link(
    link: &str,
    until: Option<Time>,
    trace: TraceMode,
) -> Result<Replay, ScenarioError> {
    let scenario = Scenario::decode_link(link)?;
    let until = until.unwrap_or_else(|| default_until(&scenario));
    let world = scenario.replay(until, trace)?;
    let trace_hash = world.trace_hash();
    Ok(Replay {
        scenario,
        world,
        until,
        trace_hash,
    })
}

/// The SHA-256 trace hash `world`'s run has so far, as if it had been built
/// with `TraceMode::Hash`: its scenario replayed in hash mode, event for event,
/// until the replay has recorded as many events as `world`. Replays are
/// identical (links rely on it), so the page's world can run with the trace
/// off — hashing costs several times the simulation in wasm — and still answer
/// `traceHash()` exactly. A world that hashes answers directly.
pub fn replayed_trace_hash(world: &World) -> String {
    let direct = world.trace_hash();
    if !direct.is_empty() {
        return direct;
    }
    let scenario = Scenario::capture(world, ViewState::default());
    // Not `to_world`: a live run past a link's limits still has a hash.
    let mut replay = World::new(scenario.config, TraceMode::Hash, 0)
        .expect("a live world's config was valid when it was built");
    for a in scenario.actions {
        replay.schedule_action(a.time, a.action);
    }
    let target = world.trace().recorded_count();
    while replay.trace().recorded_count() < target && replay.step().is_some() {}
    replay.trace_hash()
}

/// Where a replay without an explicit end stops: the view time, where the page
/// opens the link, so that a pasted link gives the page's trace hash.
pub fn default_until(scenario: &Scenario) -> Time {
    scenario.view.time
}
