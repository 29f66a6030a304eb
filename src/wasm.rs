#![cfg(target_arch = "wasm32")]
//! The JavaScript façade: one opaque handle, [`Playground`], over a simulated
//! world, with a few coarse calls. Times are milliseconds here (the simulator
//! counts microseconds). Every call checks its arguments and returns a JS error
//! with a sentence on what was wrong; none panics. All logic lives in native,
//! tested Rust ([`crate::sim`], [`crate::sim::page`]): this file only converts.

use crate::kv::Op;
use crate::raft::Bug;
use crate::sim::page::{self, Field, PageConfig, PageNetwork};
use crate::sim::view::{self, ViewOptions};
use crate::sim::{Action, MS, TraceMode, View, World};
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
    world: World,
    /// Scratch for `messages` (reused every frame).
    packed: Vec<f64>,
}

fn err(e: impl AsRef<str>) -> JsError {
    JsError::new(e.as_ref())
}

/// Plain JS objects and arrays, by way of JSON: one string across the boundary
/// and the browser's native parser is far quicker than building objects field
/// by field, and it adds no serialiser to the wasm (the trace already has one).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let json = serde_json::to_string(value).map_err(|e| err(e.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|_| err("could not parse the view"))
}

/// Reads a plain JS object with `read` (see `sim::page::PageConfig::read`),
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
    page::check_fields(what, &keys, known).map_err(err)?;
    let mut get = |key: &str| field(js_sys::Reflect::get(&value, &key.into()).unwrap_or_default());
    read(&mut get).map_err(err)
}

/// What a JS value holds, for `sim::page`.
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
        let sim = page.sim_config().map_err(err)?;
        let world = World::new(sim, TraceMode::Hash, RECENT_EVENTS).map_err(err)?;
        Ok(Playground {
            world,
            packed: Vec::new(),
        })
    }

    /// Processes the next event; returns the new time (ms).
    pub fn step(&mut self) -> Result<f64, JsError> {
        self.world.step();
        Ok(self.now())
    }

    /// Processes every event up to `until` (ms, not in the past), then sets the
    /// clock there; returns it.
    #[wasm_bindgen(js_name = runUntil)]
    pub fn run_until(&mut self, until: f64) -> Result<f64, JsError> {
        let target = page::run_target(self.world.now(), until).map_err(err)?;
        self.world.run_until(target);
        Ok(self.now())
    }

    /// Runs `span` ms of simulated time; returns the new time (ms).
    #[wasm_bindgen(js_name = runFor)]
    pub fn run_for(&mut self, span: f64) -> Result<f64, JsError> {
        let target = page::run_span(self.world.now(), span).map_err(err)?;
        self.world.run_until(target);
        Ok(self.now())
    }

    /// Simulated time, ms.
    pub fn now(&self) -> f64 {
        ms(self.world.now())
    }

    /// When the next event is due (ms), if any.
    #[wasm_bindgen(js_name = nextEventTime)]
    pub fn next_event_time(&self) -> Option<f64> {
        self.world.next_event_time().map(ms)
    }

    /// Splits the nodes into groups, e.g. `[[1,2],[3,4,5]]`.
    pub fn partition(&mut self, groups: JsValue) -> Result<(), JsError> {
        let raw = self::groups(&groups).ok_or_else(|| {
            err("partition takes a list of groups of node ids, e.g. [[1,2],[3,4,5]]")
        })?;
        let n = self.nodes();
        let groups = raw
            .iter()
            .map(|g| g.iter().map(|&id| page::node_id(id, n)).collect())
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
        page::restore_link(&mut self.world, from, to).map_err(err)
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
        let id = page::whole(id, "message id", 1, 1 << 53).map_err(err)?;
        self.act(Action::DropMessage { id })
    }

    /// Changes network knobs: `{ latencyMin, latencyMax, loss, duplicate }`
    /// (ms; ratios 0..1); absent ones stay.
    #[wasm_bindgen(js_name = setNetwork)]
    pub fn set_network(&mut self, knobs: JsValue) -> Result<(), JsError> {
        let knobs = from_object(knobs, "network knobs", &PageNetwork::FIELDS, |get| {
            PageNetwork::read(get)
        })?;
        let network = knobs.merged(self.world.network_config()).map_err(err)?;
        self.act(Action::SetNetwork { network })
    }

    /// Turns a broken-rule toggle on or off by name.
    #[wasm_bindgen(js_name = setBug)]
    pub fn set_bug(&mut self, name: String, on: bool) -> Result<(), JsError> {
        let bug = page::bug(&name).map_err(err)?;
        self.act(Action::SetBug {
            bug: bug.name().to_string(),
            on,
        })
    }

    /// The broken-rule toggles: `[{ name, explanation, on }]`.
    pub fn bugs(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct B {
            name: &'static str,
            explanation: &'static str,
            on: bool,
        }
        let bugs = self.world.config().bugs;
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

    /// A full snapshot (see `sim::view::View`): every log entry, every
    /// message's detail, the newest `max_events` events (default 50).
    pub fn view(&self, max_events: Option<f64>) -> Result<JsValue, JsError> {
        let max_events = self.count(max_events, 50, "max events")?;
        to_js(&View::with(
            &self.world,
            &ViewOptions {
                max_events,
                ..ViewOptions::default()
            },
        ))
    }

    /// A lean snapshot for drawing a frame: no log entries (each node's
    /// `logSig` says when to fetch them with `logTail`), no messages (see
    /// `messages`), events without message traffic unless `traffic`.
    #[wasm_bindgen(js_name = frameView)]
    pub fn frame_view(&self, max_events: f64, traffic: bool) -> Result<JsValue, JsError> {
        let max_events = self.count(Some(max_events), 0, "max events")?;
        to_js(&View::with(
            &self.world,
            &ViewOptions {
                max_events,
                max_log: Some(0),
                message_details: false,
                quiet_events: !traffic,
                messages: false,
            },
        ))
    }

    /// The newest `max` entries of a node's log: `[{ index, term, command }]`.
    #[wasm_bindgen(js_name = logTail)]
    pub fn log_tail(&self, node: f64, max: f64) -> Result<JsValue, JsError> {
        let node = self.node(node)?;
        let max = page::whole(max, "max entries", 0, 1 << 20).map_err(err)? as usize;
        let server = self.world.server(node).expect("checked id");
        to_js(&view::log_tail(server, max))
    }

    /// The messages in flight, packed: 7 numbers each (`id, from node, to node
    /// (0 = a client), kind code (see `messageKinds`), success (1, 0, -1 = not
    /// a reply), sent at ms, due at ms`).
    pub fn messages(&mut self) -> js_sys::Float64Array {
        page::packed_messages(&self.world, &mut self.packed);
        js_sys::Float64Array::from(&self.packed[..])
    }

    /// The kind names that `messages` codes by index.
    #[wasm_bindgen(js_name = messageKinds)]
    pub fn message_kinds() -> Vec<String> {
        page::MESSAGE_KINDS.iter().map(|k| k.to_string()).collect()
    }

    /// Every field of the message with this id, readable (undefined when it is
    /// no longer in flight).
    #[wasm_bindgen(js_name = messageDetail)]
    pub fn message_detail(&self, id: f64) -> Option<String> {
        if !(id.is_finite() && id >= 0.0) {
            return None;
        }
        view::message_detail(&self.world, id as u64)
    }

    /// SHA-256 of the run's trace so far: equal to a native run of the same actions.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        self.world.trace_hash()
    }

    /// The leader with the highest term, if any.
    pub fn leader(&self) -> Option<f64> {
        self.world.leader().map(|n| n as f64)
    }

    /// How many nodes the cluster has.
    pub fn nodes(&self) -> usize {
        self.world.config().nodes
    }

    /// Every action applied so far, with its time (µs), as the simulator
    /// serialises it (what a scenario link records).
    pub fn actions(&self) -> Result<JsValue, JsError> {
        to_js(&self.world.applied_actions())
    }
}

impl Playground {
    fn node(&self, id: f64) -> Result<u64, JsError> {
        page::node_id(id, self.nodes()).map_err(err)
    }

    fn count(&self, n: Option<f64>, default: usize, what: &str) -> Result<usize, JsError> {
        match n {
            Some(m) => Ok(page::whole(m, what, 0, RECENT_EVENTS as u64).map_err(err)? as usize),
            None => Ok(default),
        }
    }

    fn client(&mut self, op: Op, node: Option<f64>) -> Result<(), JsError> {
        let to = node.map(|n| self.node(n)).transpose()?;
        self.act(Action::Client { op, to })
    }

    fn act(&mut self, action: Action) -> Result<(), JsError> {
        self.world.apply(action).map_err(err)
    }

    /// The world, for native-side helpers.
    pub fn world(&self) -> &World {
        &self.world
    }
}
