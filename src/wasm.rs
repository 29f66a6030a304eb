#![cfg(target_arch = "wasm32")]
//! The JavaScript façade: one opaque handle, [`Playground`], over a simulated
//! world, with a few coarse calls. Times are milliseconds here (the simulator
//! counts microseconds). Every call checks its arguments and returns a JS error
//! with a sentence on what was wrong; none panics. All logic lives in native,
//! tested Rust ([`crate::sim`], [`crate::present`]): this file only converts.

use crate::event::MessageKind;
use crate::kv::Op;
use crate::present::input::{self, Field, PageConfig, PageNetwork};
use crate::present::{
    View, ViewOptions, client_history, frames, history_list, log_delta, sequence, timeline_view,
    view,
};
use crate::raft::Bug;
use crate::scenario::timeline::{CheckpointPolicy, Timeline};
use crate::scenario::{Scenario, ViewState, replayed_trace_hash};
use crate::sim::{Action, MS, SimConfig, TraceMode, World};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// How many recent events the world keeps for the page's event log.
const RECENT_EVENTS: usize = 500;

/// Runs once when the module is instantiated: Rust panics show up in the
/// browser console with a message and a stack instead of "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version, e.g. "0.1.0".
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A simulated cluster in the tab.
#[wasm_bindgen]
pub struct Playground {
    /// The world now, its checkpoints, the recorded actions and their branches.
    timeline: Timeline,
    /// Scratch for `messages` (reused every frame).
    packed: Vec<f64>,
    /// Title and caption of the scenario this cluster was opened from (a link,
    /// a file, a preset); carried into the links it shares.
    title: String,
    caption: String,
    /// How the scenario asked to be opened.
    opened: ViewState,
    /// The last `traceHash()` answer and the event count it was for: the world
    /// runs with the trace off, and the hash comes from a replay (see
    /// `scenario::replayed_trace_hash`).
    hash_cache: Option<(u64, String)>,
    /// The lasting event list's index of matching rows (kept between calls).
    history_index: history_list::HistoryIndex,
}

fn err(e: impl AsRef<str>) -> JsError {
    JsError::new(e.as_ref())
}

fn scenario_err(e: crate::scenario::ScenarioError) -> JsError {
    JsError::new(&e.to_string())
}

/// Plain JS objects and arrays, by way of JSON: one string across the boundary
/// and the browser's native parser is far quicker than building objects field
/// by field, and it adds no serialiser to the wasm (the trace already has one).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(|e| err(e.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|_| err("could not parse the view"))
}

/// Reads a plain JS object with `read` (see `present::input::PageConfig::read`),
/// rejecting unknown keys. Field by field with `Reflect`: no deserialiser in
/// the wasm for two small objects.
fn from_object<T>(
    value: JsValue,
    what: &str,
    known: &[&str],
    read: impl FnOnce(&mut dyn FnMut(&str) -> Field) -> Result<T, String>,
) -> Result<T, JsError> {
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(err(format!(
            "{what} must be an object such as {{ {}: … }}",
            known[0]
        )));
    }
    let keys: Vec<String> = js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    input::check_fields(what, &keys, known).map_err(err)?;
    let mut get = |key: &str| field(js_sys::Reflect::get(&value, &key.into()).unwrap_or_default());
    read(&mut get).map_err(err)
}

/// What a JS value holds, for `present::input`.
fn field(v: JsValue) -> Field {
    if v.is_undefined() || v.is_null() {
        Field::Missing
    } else if let Some(x) = v.as_f64() {
        Field::Number(x)
    } else if js_sys::Array::is_array(&v) {
        let items: Option<Vec<String>> = js_sys::Array::from(&v)
            .iter()
            .map(|x| x.as_string())
            .collect();
        match items {
            Some(list) => Field::Strings(list),
            None => Field::Other("a list of non-strings".into()),
        }
    } else {
        Field::Other(v.js_typeof().as_string().unwrap_or_default())
    }
}

/// A list of groups of numbers, e.g. `[[1,2],[3,4,5]]`.
fn groups(v: &JsValue) -> Option<Vec<Vec<f64>>> {
    if !js_sys::Array::is_array(v) {
        return None;
    }
    js_sys::Array::from(v)
        .iter()
        .map(|g| {
            if !js_sys::Array::is_array(&g) {
                return None;
            }
            js_sys::Array::from(&g).iter().map(|x| x.as_f64()).collect()
        })
        .collect()
}

fn ms(us: u64) -> f64 {
    us as f64 / MS as f64
}

#[wasm_bindgen]
impl Playground {
    /// A new cluster from a config object, every field optional:
    /// `{ nodes, seed, electionTimeoutMin, electionTimeoutMax, heartbeatInterval,
    /// latencyMin, latencyMax, loss, duplicate, clients, bugs: [names] }`
    /// (times in ms, loss and duplicate as ratios 0..1).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Playground, JsError> {
        let page: PageConfig = if config.is_undefined() || config.is_null() {
            PageConfig::default()
        } else {
            from_object(config, "cluster config", &PageConfig::FIELDS, |get| {
                PageConfig::read(get)
            })?
        };
        let sim: SimConfig = page.sim_config().map_err(err)?;
        Playground::open(Scenario::new(sim))
    }

    /// A cluster from a scenario's payload bytes (what `wire` returns and the
    /// scenario module, `web/scenarios.js`, makes of a link, a JSON file or a
    /// preset), replayed to the time it opens at. Links, JSON and the gallery
    /// live in that second module so that the first load is only the simulator.
    #[wasm_bindgen(js_name = fromWire)]
    pub fn from_wire(payload: &[u8]) -> Result<Playground, JsError> {
        Playground::open(Scenario::from_payload(payload).map_err(scenario_err)?)
    }

    /// How the scenario this cluster came from asks to be shown:
    /// `{ title, caption, timeMs, playing, selected }` (plain text: show it with
    /// textContent). A cluster made with `new` has empty texts, playing.
    pub fn opened(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct O<'a> {
            title: &'a str,
            caption: &'a str,
            time_ms: f64,
            playing: bool,
            selected: Option<u64>,
        }
        to_js(&O {
            title: &self.title,
            caption: &self.caption,
            time_ms: ms(self.opened.time),
            playing: self.opened.playing,
            selected: self.opened.selected,
        })
    }

    /// The payload bytes of the scenario that reopens this run exactly: the
    /// config, every action so far and every one still scheduled, opening at
    /// the current time, `playing` or paused, with `selected` node (0 or absent
    /// = none). The scenario module turns them into a link or a JSON file.
    pub fn wire(&self, playing: bool, selected: Option<f64>) -> Result<Vec<u8>, JsError> {
        Ok(self.scenario(playing, selected)?.to_payload())
    }

    /// Processes the next event; returns the new time (ms).
    pub fn step(&mut self) -> Result<f64, JsError> {
        let next = self.timeline.position().step + 1;
        self.timeline.seek_step(next);
        Ok(self.now())
    }

    /// Goes to time `ms` (before or after now): restores the nearest checkpoint
    /// and replays, or runs on. Returns the new time (ms).
    pub fn seek(&mut self, ms: f64) -> Result<f64, JsError> {
        let target = input::seek_target(ms).map_err(err)?;
        self.timeline.seek(target);
        Ok(self.now())
    }

    /// Goes back to just before the last event that changed anything (exact:
    /// the same world as a fresh replay to that step). Returns the new time (ms);
    /// at the start of the run it stays there.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> f64 {
        self.timeline.step_back();
        self.now()
    }

    /// Goes to just before step `step` (see `markers`: "go to just before" a
    /// violation is `seekStep(marker.step - 1)`). Returns the new time (ms).
    #[wasm_bindgen(js_name = seekStep)]
    pub fn seek_step(&mut self, step: f64) -> Result<f64, JsError> {
        let step = input::whole(step, "step", 0, 1 << 53).map_err(err)?;
        self.timeline.seek_step(step);
        Ok(self.now())
    }

    /// The current position: `{ timeMs, step, frontierMs, frontierStep }` (the
    /// frontier is the furthest point this branch has run to).
    pub fn position(&self) -> Result<JsValue, JsError> {
        to_js(&timeline_view::position(&self.timeline))
    }

    /// The marks for the timeline, oldest first: `[{ kind, timeMs, step, … }]`,
    /// kinds `election`, `leader` (`changed`), `violation`, `crash`, `restart`,
    /// `partition`, `cut`, `heal`, `action`. `step` is the step that caused it.
    pub fn markers(&self) -> Result<JsValue, JsError> {
        to_js(&timeline_view::markers(&self.timeline))
    }

    /// How many violations the checker has found so far (cheap: for "pause on
    /// violation" after every frame).
    #[wasm_bindgen(js_name = violationCount)]
    pub fn violation_count(&self) -> usize {
        self.world().violations().len()
    }

    /// The branches: `[{ index, current, actions, endMs, lastActionMs }]`.
    pub fn branches(&self) -> Result<JsValue, JsError> {
        to_js(&timeline_view::branches(&self.timeline))
    }

    /// Makes branch `index` current and runs it to where it was left.
    #[wasm_bindgen(js_name = switchBranch)]
    pub fn switch_branch(&mut self, index: f64) -> Result<f64, JsError> {
        let index = input::whole(index, "branch", 0, 1 << 20).map_err(err)? as usize;
        self.timeline.switch_branch(index).map_err(err)?;
        Ok(self.now())
    }

    /// Processes every event up to `until` (ms, not in the past), then sets the
    /// clock there; returns it.
    #[wasm_bindgen(js_name = runUntil)]
    pub fn run_until(&mut self, until: f64) -> Result<f64, JsError> {
        let target = input::run_target(self.world().now(), until).map_err(err)?;
        self.timeline.seek(target);
        Ok(self.now())
    }

    /// Runs `span` ms of simulated time; returns the new time (ms).
    #[wasm_bindgen(js_name = runFor)]
    pub fn run_for(&mut self, span: f64) -> Result<f64, JsError> {
        let target = input::run_span(self.world().now(), span).map_err(err)?;
        self.timeline.seek(target);
        Ok(self.now())
    }

    /// Simulated time, ms.
    pub fn now(&self) -> f64 {
        ms(self.world().now())
    }

    /// When the next event is due (ms), if any.
    #[wasm_bindgen(js_name = nextEventTime)]
    pub fn next_event_time(&self) -> Option<f64> {
        self.timeline.next_step_time().map(ms)
    }

    /// Splits the nodes into groups, e.g. `[[1,2],[3,4,5]]`.
    pub fn partition(&mut self, groups: JsValue) -> Result<(), JsError> {
        let raw = self::groups(&groups).ok_or_else(|| {
            err("partition takes a list of groups of node ids, e.g. [[1,2],[3,4,5]]")
        })?;
        let n = self.nodes();
        let groups = raw
            .iter()
            .map(|g| g.iter().map(|&id| input::node_id(id, n)).collect())
            .collect::<Result<Vec<Vec<_>>, _>>()
            .map_err(err)?;
        self.act(Action::Partition { groups })
    }

    /// Cuts the directed link `from -> to`.
    pub fn cut(&mut self, from: f64, to: f64) -> Result<(), JsError> {
        let (from, to) = (self.node(from)?, self.node(to)?);
        self.act(Action::Cut { from, to })
    }

    /// Restores the directed link `from -> to`, keeping every other cut.
    #[wasm_bindgen(js_name = restoreLink)]
    pub fn restore_link(&mut self, from: f64, to: f64) -> Result<(), JsError> {
        let (from, to) = (self.node(from)?, self.node(to)?);
        for action in input::restore_link_actions(self.world(), from, to).map_err(err)? {
            self.act(action)?;
        }
        Ok(())
    }

    /// Restores every link.
    pub fn heal(&mut self) -> Result<(), JsError> {
        self.act(Action::Heal)
    }

    pub fn crash(&mut self, node: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        self.act(Action::Crash { node })
    }

    pub fn restart(&mut self, node: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        self.act(Action::Restart { node })
    }

    /// Makes the node's election timeout fire now.
    pub fn timeout(&mut self, node: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        self.act(Action::Timeout { node })
    }

    /// The person's client puts `key = value`, at `node` or wherever it thinks
    /// the leader is.
    pub fn write(&mut self, key: String, value: String, node: Option<f64>) -> Result<(), JsError> {
        self.client(Op::Put { key, value }, node)
    }

    pub fn delete(&mut self, key: String, node: Option<f64>) -> Result<(), JsError> {
        self.client(Op::Delete { key }, node)
    }

    /// A read, through the log (linearizable).
    pub fn read(&mut self, key: String, node: Option<f64>) -> Result<(), JsError> {
        self.client(Op::Get { key }, node)
    }

    /// Drops the message with this id if it is still in flight.
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(&mut self, id: f64) -> Result<(), JsError> {
        let id = input::whole(id, "message id", 1, 1 << 53).map_err(err)?;
        self.act(Action::DropMessage { id })
    }

    /// Changes network knobs: `{ latencyMin, latencyMax, loss, duplicate }`
    /// (ms; ratios 0..1); absent ones stay.
    #[wasm_bindgen(js_name = setNetwork)]
    pub fn set_network(&mut self, knobs: JsValue) -> Result<(), JsError> {
        let knobs = from_object(knobs, "network knobs", &PageNetwork::FIELDS, |get| {
            PageNetwork::read(get)
        })?;
        let network = knobs.merged(self.world().network_config()).map_err(err)?;
        self.act(Action::SetNetwork { network })
    }

    /// Turns a broken-rule toggle on or off by name.
    #[wasm_bindgen(js_name = setBug)]
    pub fn set_bug(&mut self, name: String, on: bool) -> Result<(), JsError> {
        let bug = input::bug(&name).map_err(err)?;
        self.act(Action::SetBug { bug, on })
    }

    // ----- Production features (PreVote, CheckQuorum, transfer, pauses, drift) -----

    /// Turns a production switch on or off by name: `pre-vote`, `check-quorum`.
    #[wasm_bindgen(js_name = setFeature)]
    pub fn set_feature(&mut self, name: String, on: bool) -> Result<(), JsError> {
        let feature = crate::sim::Feature::from_name(&name).ok_or_else(|| {
            err(format!(
                "Unknown feature \"{name}\"; use pre-vote or check-quorum."
            ))
        })?;
        self.act(Action::SetFeature { feature, on })
    }

    /// How leaders answer reads from now on: `log`, `read-index` or `lease`.
    #[wasm_bindgen(js_name = setReadMode)]
    pub fn set_read_mode(&mut self, mode: String) -> Result<(), JsError> {
        let mode = crate::raft::ReadMode::parse(&mode).map_err(err)?;
        self.act(Action::SetReadMode { mode })
    }

    /// Which production switches are on: `{ preVote, checkQuorum, readMode }`.
    pub fn features(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Features {
            pre_vote: bool,
            check_quorum: bool,
            read_mode: &'static str,
            snapshot_threshold: u64,
        }
        let raft = &self.world().config().raft;
        to_js(&Features {
            pre_vote: raft.pre_vote,
            check_quorum: raft.check_quorum,
            read_mode: raft.read_mode.name(),
            snapshot_threshold: raft.snapshot_threshold,
        })
    }

    /// Log compaction: nodes snapshot every `every` applied entries (0 = off).
    #[wasm_bindgen(js_name = setSnapshotThreshold)]
    pub fn set_snapshot_threshold(&mut self, every: f64) -> Result<(), JsError> {
        if !(every.is_finite() && every >= 0.0 && every.fract() == 0.0 && every <= 1e6) {
            return Err(err(format!(
                "a snapshot threshold is a whole number of entries from 0 (off) to 1000000 (got {every})"
            )));
        }
        self.act(Action::SetSnapshotThreshold {
            every: every as u64,
        })
    }

    /// The current leader hands its leadership to `to` (§3.10).
    pub fn transfer(&mut self, to: f64) -> Result<(), JsError> {
        let to = self.node(to)?;
        self.act(Action::Transfer { to })
    }

    /// Membership change (§4.1–4.2): the leader adds node `node` (after
    /// catching it up as a non-voter). A change the leader would refuse (one
    /// is pending, …) is an error with its sentence, and is not recorded.
    #[wasm_bindgen(js_name = addServer)]
    pub fn add_server(&mut self, node: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        self.refuse_membership(crate::raft::MembershipChange::AddServer(node))?;
        self.act(Action::AddServer { node })
    }

    /// Membership change: the leader removes node `node` (itself included);
    /// a refusal (the last member, …) is an error, as for `addServer`.
    #[wasm_bindgen(js_name = removeServer)]
    pub fn remove_server(&mut self, node: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        self.refuse_membership(crate::raft::MembershipChange::RemoveServer(node))?;
        self.act(Action::RemoveServer { node })
    }

    /// Pauses a node (GC stop-the-world). Named apart from the page's play/pause.
    #[wasm_bindgen(js_name = pauseNode)]
    pub fn pause_node(&mut self, node: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        self.act(Action::Pause { node })
    }

    #[wasm_bindgen(js_name = resumeNode)]
    pub fn resume_node(&mut self, node: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        self.act(Action::Resume { node })
    }

    /// Clock drift: the node's timers run at `rate` × real time (0.25 to 4).
    #[wasm_bindgen(js_name = setClockRate)]
    pub fn set_clock_rate(&mut self, node: f64, rate: f64) -> Result<(), JsError> {
        let node = self.node(node)?;
        if !rate.is_finite() {
            return Err(err("A clock rate must be a number, e.g. 1.5."));
        }
        let permille = (rate * 1000.0).round().max(0.0) as u64;
        self.act(Action::SetClockRate { node, permille })
    }

    /// Each node's state beyond Raft's: `[{ node, paused, backlog, clockRate }]`.
    #[wasm_bindgen(js_name = nodeFaults)]
    pub fn node_faults(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct NodeFaults {
            node: u64,
            paused: bool,
            backlog: usize,
            clock_rate: f64,
        }
        let list: Vec<NodeFaults> = self
            .world()
            .servers()
            .iter()
            .map(|s| NodeFaults {
                node: s.id,
                paused: s.paused,
                backlog: s.backlog.len(),
                clock_rate: s.clock_permille as f64 / 1000.0,
            })
            .collect();
        to_js(&list)
    }

    /// The broken-rule toggles: `[{ name, explanation, on }]`.
    pub fn bugs(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct B {
            name: &'static str,
            explanation: &'static str,
            on: bool,
        }
        let bugs = self.world().config().bugs;
        let list: Vec<B> = Bug::ALL
            .iter()
            .map(|&b| B {
                name: b.name(),
                explanation: b.explanation(),
                on: bugs.is_on(b),
            })
            .collect();
        to_js(&list)
    }

    /// A full snapshot (see `present::View`): every message's detail, the
    /// newest `max_events` events (default 50) and the newest `max_log`
    /// entries of each node's log (default: all; the console asks for 200,
    /// so a long run's view stays fast).
    pub fn view(&self, max_events: Option<f64>, max_log: Option<f64>) -> Result<JsValue, JsError> {
        let max_events = self.count(max_events, 50, "max events")?;
        let max_log = max_log
            .map(|m| input::whole(m, "max log entries", 0, u32::MAX as u64).map_err(err))
            .transpose()?
            .map(|m| m as usize);
        to_js(&View::with(
            self.world(),
            &ViewOptions {
                max_events,
                max_log,
                ..ViewOptions::default()
            },
        ))
    }

    /// A lean snapshot for drawing a frame: no log entries (each node's
    /// `logSig` says when to fetch them with `logTail`), no messages (see
    /// `messages`), events without message traffic unless `traffic`, toggles
    /// without their explanations (static: `bugs()` has them).
    #[wasm_bindgen(js_name = frameView)]
    pub fn frame_view(&self, max_events: f64, traffic: bool) -> Result<JsValue, JsError> {
        let max_events = self.count(Some(max_events), 0, "max events")?;
        to_js(&View::with(
            self.world(),
            &ViewOptions {
                max_events,
                max_log: Some(0),
                message_details: false,
                quiet_events: !traffic,
                messages: false,
                explanations: false,
            },
        ))
    }

    /// The newest `max` entries of a node's log: `[{ index, term, command }]`.
    #[wasm_bindgen(js_name = logTail)]
    pub fn log_tail(&self, node: f64, max: f64) -> Result<JsValue, JsError> {
        let node = self.node(node)?;
        let max = input::whole(max, "max entries", 0, 1 << 20).map_err(err)? as usize;
        let server = self.world().server(node).expect("checked id");
        to_js(&log_delta::log_tail(server, max))
    }

    /// What changed in a node's log since the caller saw `known_length`
    /// entries with fingerprint `known_sig` (`logSig`; anything when 0):
    /// `{ reset, entries, logLength, logSig }`. Without `reset`, `entries` are
    /// the ones appended after those; with it, the newest `max`, to start over.
    #[wasm_bindgen(js_name = logSince)]
    pub fn log_since(
        &self,
        node: f64,
        known_length: f64,
        known_sig: f64,
        max: f64,
    ) -> Result<JsValue, JsError> {
        let node = self.node(node)?;
        let known_length = input::whole(known_length, "known length", 0, 1 << 40).map_err(err)?;
        let known_sig =
            input::whole(known_sig, "known fingerprint", 0, u32::MAX as u64).map_err(err)?;
        let max = input::whole(max, "max entries", 0, 1 << 20).map_err(err)? as usize;
        let server = self.world().server(node).expect("checked id");
        to_js(&log_delta::log_delta(
            server,
            known_length as usize,
            known_sig as u32,
            max,
        ))
    }

    /// The messages in flight, packed: 7 numbers each (`id, from node, to node
    /// (0 = a client), kind code (see `messageKinds`), success (1, 0, -1 = not
    /// a reply), sent at ms, due at ms`).
    pub fn messages(&mut self) -> js_sys::Float64Array {
        frames::packed_messages(self.timeline.world(), &mut self.packed);
        js_sys::Float64Array::from(&self.packed[..])
    }

    /// The kind names that `messages` codes by index (the same as the
    /// exported enum's `MessageKind[code]`).
    #[wasm_bindgen(js_name = messageKinds)]
    pub fn message_kinds() -> Vec<String> {
        // Indexed by code: a code no kind has yet is an empty name.
        let last = MessageKind::ALL.iter().map(|k| k.code()).max().unwrap_or(0);
        (0..=last)
            .map(|code| {
                MessageKind::from_code(code)
                    .map_or("", |k| k.name())
                    .to_string()
            })
            .collect()
    }

    /// Every field of the message with this id, readable (undefined when it is
    /// no longer in flight).
    #[wasm_bindgen(js_name = messageDetail)]
    pub fn message_detail(&self, id: f64) -> Result<Option<String>, JsError> {
        let id = input::whole(id, "message id", 1, 1 << 53).map_err(err)?;
        Ok(view::message_detail(self.world(), id))
    }

    /// The sequence diagram from `from_ms` to `to_ms` as of now, heartbeats
    /// shown or not, packed: `now ms, hidden heartbeats, truncated (0/1),
    /// arrow count, span count`, then 11 numbers per arrow and 5 per span (see
    /// `present::sequence::SequenceView`).
    pub fn sequence(
        &mut self,
        from_ms: f64,
        to_ms: f64,
        heartbeats: bool,
    ) -> Result<js_sys::Float64Array, JsError> {
        let from = input::seek_target(from_ms.max(0.0)).map_err(err)?;
        let to = input::seek_target(to_ms.max(from_ms).max(0.0)).map_err(err)?;
        let window = sequence::Window {
            from,
            to,
            heartbeats,
        };
        sequence::pack(
            &sequence::sequence(&self.timeline, window),
            &mut self.packed,
        );
        Ok(js_sys::Float64Array::from(&self.packed[..]))
    }

    /// The names of the drop reasons that `sequence` codes by index.
    #[wasm_bindgen(js_name = dropReasons)]
    pub fn drop_reasons() -> Vec<String> {
        sequence::DROP_REASON_NAMES.map(str::to_string).to_vec()
    }

    /// One message of the sequence diagram, delivered, dropped or in flight:
    /// `{ id, kind, from, to, term, rejected, sentMs, dueMs, endedMs, outcome,
    /// reason }`; undefined when not remembered or not yet sent.
    #[wasm_bindgen(js_name = sequenceMessage)]
    pub fn sequence_message(&self, id: f64) -> Result<JsValue, JsError> {
        let id = input::whole(id, "message id", 1, 1 << 53).map_err(err)?;
        match sequence::message(&self.timeline, id) {
            Some(record) => to_js(&record),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// SHA-256 of the run's trace so far: equal to a native run of the same
    /// actions. The world runs with the trace off (hashing every event would
    /// cost several times the simulation); this replays the run in hash mode
    /// once, and keeps the answer until more events happen.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&mut self) -> String {
        let events = self.world().trace().recorded_count();
        match &self.hash_cache {
            Some((at, hash)) if *at == events => hash.clone(),
            _ => {
                let hash = replayed_trace_hash(self.world());
                self.hash_cache = Some((events, hash.clone()));
                hash
            }
        }
    }

    /// The leader with the highest term, if any.
    pub fn leader(&self) -> Option<f64> {
        self.world().leader().map(|n| n as f64)
    }

    /// How many nodes the cluster has.
    pub fn nodes(&self) -> usize {
        self.world().config().nodes
    }

    /// The whole run's events at the cursor, newest first, a page at a time
    /// for a virtualised list (see `present::history_list`): `node` (omit for
    /// all), `families` comma-separated (`messages,elections,log,clients,
    /// faults,rejections,violations`; empty for all), `text` (ignoring case).
    /// `{ total, stored, complete, scanned, rows: [{ step, index, time, kind,
    /// text, nodes }] }`; while `complete` is false a text filter is still
    /// scanning: ask again next frame. Heartbeats and deliveries are not kept.
    #[wasm_bindgen(js_name = historyEvents)]
    pub fn history_events(
        &mut self,
        node: Option<f64>,
        families: &str,
        text: &str,
        offset: f64,
        limit: f64,
    ) -> Result<JsValue, JsError> {
        let node = node.map(|n| self.node(n)).transpose()?;
        let filter = history_list::filter(node, families, text).map_err(err)?;
        let offset = input::whole(offset, "offset", 0, u32::MAX as u64).map_err(err)? as usize;
        let limit = input::whole(limit, "limit", 0, 10_000).map_err(err)? as usize;
        let lasting = self
            .timeline
            .lasting()
            .ok_or_else(|| err("this cluster keeps no history"))?;
        let step = self.timeline.position().step;
        to_js(
            &self
                .history_index
                .page(lasting, step, &filter, offset, limit),
        )
    }

    /// The lasting history's size: `{ rows, requests, bytes, bytesPerRow }`.
    #[wasm_bindgen(js_name = historyStats)]
    pub fn history_stats(&self) -> Result<JsValue, JsError> {
        let lasting = self
            .timeline
            .lasting()
            .ok_or_else(|| err("this cluster keeps no history"))?;
        to_js(&history_list::stats(lasting))
    }

    /// The clients' requests overlapping `fromMs..toMs` at the cursor, a bar
    /// each: `{ nowMs, clients, bars: [{ client, seq, kind, op, invokedMs,
    /// endMs, status, result, index, to, retries, reason, blamed, label }],
    /// leftOut }`.
    #[wasm_bindgen(js_name = clientHistory)]
    pub fn client_history(&self, from_ms: f64, to_ms: f64) -> Result<JsValue, JsError> {
        let from = input::ms_to_us(from_ms.max(0.0), "from").map_err(err)?;
        let to = input::ms_to_us(to_ms.max(from_ms.max(0.0)), "to").map_err(err)?;
        let view = client_history::view(&self.timeline, from, to)
            .ok_or_else(|| err("this cluster keeps no history"))?;
        to_js(&view)
    }

    /// Every action applied so far, with its time (µs), as the simulator
    /// serialises it (what a scenario link records).
    pub fn actions(&self) -> Result<JsValue, JsError> {
        to_js(&self.world().applied_actions())
    }
}

impl Playground {
    /// Builds the scenario's world and replays it to its view time.
    fn open(scenario: Scenario) -> Result<Playground, JsError> {
        let view = scenario.view.clone();
        let mut timeline = Timeline::new(
            scenario.clone(),
            TraceMode::Off,
            RECENT_EVENTS,
            CheckpointPolicy::default(),
        )
        .map_err(scenario_err)?;
        timeline.keep_history();
        timeline.seek(view.time);
        Ok(Playground {
            timeline,
            packed: Vec::new(),
            title: scenario.title,
            caption: scenario.caption,
            opened: scenario.view,
            hash_cache: None,
            history_index: history_list::HistoryIndex::new(),
        })
    }

    /// The scenario of the run so far, opening now.
    fn scenario(&self, playing: bool, selected: Option<f64>) -> Result<Scenario, JsError> {
        let selected = match selected.filter(|&x| x != 0.0) {
            None => None,
            Some(x) => Some(self.node(x)?),
        };
        Ok(self.timeline.scenario(ViewState {
            time: self.timeline.now(),
            playing,
            selected,
        }))
    }

    fn node(&self, id: f64) -> Result<u64, JsError> {
        input::node_id(id, self.nodes()).map_err(err)
    }

    fn count(&self, n: Option<f64>, default: usize, what: &str) -> Result<usize, JsError> {
        match n {
            Some(m) => Ok(input::whole(m, what, 0, RECENT_EVENTS as u64).map_err(err)? as usize),
            None => Ok(default),
        }
    }

    fn client(&mut self, op: Op, node: Option<f64>) -> Result<(), JsError> {
        let to = node.map(|n| self.node(n)).transpose()?;
        self.act(Action::Client { op, to })
    }

    /// The leader's refusal of `change`, as its sentence (see
    /// `present::membership_view::refusal`).
    fn refuse_membership(&self, change: crate::raft::MembershipChange) -> Result<(), JsError> {
        match crate::present::membership_view::refusal(self.world(), change) {
            Some(sentence) => Err(err(sentence)),
            None => Ok(()),
        }
    }

    fn act(&mut self, action: Action) -> Result<(), JsError> {
        self.timeline.act(action).map_err(err)
    }

    /// The world, for native-side helpers.
    pub fn world(&self) -> &World {
        self.timeline.world()
    }
}
