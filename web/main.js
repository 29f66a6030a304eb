// The playground page: loads the Raft core (wasm), runs the simulated cluster
// in step with the clock, draws it, and wires the controls, the keyboard and
// the console API (`window.raft`).
//
// Every change a person makes — from the page or from the console — is one
// action object passed to `act()`, the only place that calls the façade's
// mutating methods. Listeners registered with `raft.onAction(fn)` see each
// action after it took effect (a scenario recorder hooks in there).

import { Cluster } from "./cluster.js";
import { $, fmtMs, html, text } from "./dom.js";
import { BugList, EventLog, Inspector, KvPanel, LogMatrix, renderChecker } from "./panels.js";

const DEFAULT = { nodes: 5, seed: 1 };
const MIN_SPEED = 0.01;
const MAX_SPEED = 100;
const FRAME_BUDGET_MS = 8; // simulation work per frame at most; beyond, time lags
const MAX_EVENTS = 40;
const MAX_LOG = 200;

let wasm; // the wasm-bindgen exports
let pg; // the Playground handle
let view; // the last frame view
let playing = true;
let speed = 0.1;
let last = null; // rAF timestamp of the previous playing frame
let raf = 0;
let dirty = true;
let selected = null; // "node:3" | "msg:17" | null
let split = null; // Map id -> group letter while the split editor is open
const listeners = [];
const frameTimes = []; // ms of work per frame: simulation + drawing
const drawTimes = []; // ms of drawing alone
const cluster = new Cluster(pick);
const logs = new LogMatrix();
const kv = new KvPanel();
const events = new EventLog();
const inspector = new Inspector({ act: tryAct, writeTo });
const bugList = new BugList((name, on, box) => {
  if (!tryAct({ type: "bug", name, on })) box.checked = !on;
});

// ----- Actions --------------------------------------------------------------

const ACTIONS = {
  reset: (a) => newCluster(a.config),
  partition: (a) => pg.partition(a.groups),
  cut: (a) => pg.cut(a.from, a.to),
  restore: (a) => pg.restoreLink(a.from, a.to),
  heal: () => pg.heal(),
  crash: (a) => pg.crash(a.node),
  restart: (a) => pg.restart(a.node),
  timeout: (a) => pg.timeout(a.node),
  write: (a) => pg.write(a.key, a.value, a.node),
  delete: (a) => pg.delete(a.key, a.node),
  read: (a) => pg.read(a.key, a.node),
  drop: (a) => pg.dropMessage(a.id),
  network: (a) => pg.setNetwork(a.knobs),
  bug: (a) => pg.setBug(a.name, a.on),
};

/** Applies one action (throws an Error saying what was wrong). */
export function act(action) {
  const run = action && ACTIONS[action.type];
  if (!run) throw new Error(`unknown action ${JSON.stringify(action?.type)}; known: ${Object.keys(ACTIONS).join(", ")}`);
  run(action);
  const at = pg.now();
  for (const l of listeners) l(action, at);
  redraw();
}

/** act() for the page's own controls: errors become a toast, not an exception. */
function tryAct(action) {
  try {
    act(action);
    return true;
  } catch (e) {
    toast(e.message);
    return false;
  }
}

function newCluster(config = {}) {
  const next = new wasm.Playground(config);
  pg?.free();
  pg = next;
  selected = null;
  split = null;
  $("split-bar").hidden = true;
  const n = pg.nodes();
  cluster.reset(n);
  logs.reset(n);
  kv.reset(n);
  const to = $("w-to");
  to.replaceChildren();
  html("option", { value: "" }, to).textContent = "the leader";
  for (let i = 1; i <= n; i++) html("option", { value: i }, to).textContent = `S${i}`;
  $("new-nodes").value = String(n);
  view = pg.frameView(MAX_EVENTS, $("ev-traffic").checked);
  $("new-seed").value = String(view.seed);
  syncNetwork();
}

// ----- The clock --------------------------------------------------------------

function redraw() {
  dirty = true;
  if (!raf) raf = requestAnimationFrame(frame);
}

function frame(t) {
  raf = 0;
  const t0 = performance.now();
  if (playing) {
    const dt = last === null ? 0 : Math.min(t - last, 100);
    last = t;
    if (dt > 0) advance(dt * speed, t0);
    dirty = true;
  }
  if (dirty) {
    dirty = false;
    const t1 = performance.now();
    render();
    keep(drawTimes, performance.now() - t1);
  }
  keep(frameTimes, performance.now() - t0);
  if (playing) raf = requestAnimationFrame(frame);
}

function keep(list, x) {
  list.push(x);
  if (list.length > 1000) list.shift();
}

/** Runs `ms` of simulated time, in slices, within the frame budget. */
function advance(ms, t0) {
  const target = pg.now() + ms;
  const slice = Math.max(0.001, ms / 4);
  while (pg.now() < target - 0.0005) {
    pg.runUntil(Math.min(target, pg.now() + slice));
    if (performance.now() - t0 > FRAME_BUDGET_MS) break; // lag rather than freeze
  }
}

function setPlaying(on) {
  playing = on;
  last = null;
  const b = $("play");
  b.textContent = on ? "❚❚ Pause" : "▶ Play";
  b.setAttribute("aria-pressed", String(on));
  redraw();
}

function setSpeed(x) {
  speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, x));
  $("speed").value = String(Math.log10(speed));
  $("speed-out").textContent = `${speed < 1 ? +speed.toPrecision(2) : +speed.toFixed(1)}×`;
}

document.addEventListener("visibilitychange", () => {
  last = null; // no jump after the tab was hidden (rAF stops by itself meanwhile)
});

// ----- Drawing ----------------------------------------------------------------

function render() {
  view = pg.frameView(MAX_EVENTS, $("ev-traffic").checked);
  const packed = pg.messages();
  const bad = renderChecker(view);
  if (selected?.startsWith("node:") && !view.nodes.some((n) => `node:${n.id}` === selected)) selected = null;
  cluster.render(view, packed, { selected, bad, split });
  logs.render(view, bad, (id) => pg.logTail(id, MAX_LOG));
  kv.render(view);
  events.render(view);
  bugList.render(view.bugs);
  const msgId = selected?.startsWith("msg:") ? +selected.slice(4) : 0;
  const msg = msgId ? cluster.message(msgId) : null;
  const detail = msg ? pg.messageDetail(msgId) : undefined;
  inspector.render(view, selected, msg, detail, selected?.startsWith("node:") ? logs.entries(+selected.slice(5)) : []);
  text($("clock"), `t = ${fmtMs(view.time)}`);
  const c = view.clients[0];
  text(
    $("client-status"),
    c.pending
      ? `waiting: ${c.pending} → S${c.pendingTarget}${c.queued ? ` (+${c.queued} queued)` : ""}`
      : `${c.completed} request${c.completed === 1 ? "" : "s"} acknowledged`,
  );
}

// ----- Page controls -------------------------------------------------------------

function pick(what) {
  if (split && what?.startsWith("node:")) {
    const id = +what.slice(5);
    const g = split.get(id) || "A";
    split.set(id, g === "A" ? "B" : g === "B" ? "C" : "A");
    return redraw();
  }
  if (what?.startsWith("link:")) {
    const [a, b] = what.slice(5).split("-").map(Number);
    const cuts = new Set(view.partition.cuts.map(([x, y]) => `${x}-${y}`));
    const ab = cuts.has(`${a}-${b}`);
    const ba = cuts.has(`${b}-${a}`);
    // up → cut one way → cut both ways → restored
    if (!ab && !ba) tryAct({ type: "cut", from: a, to: b });
    else if (ab && !ba) tryAct({ type: "cut", from: b, to: a });
    else {
      if (ab) tryAct({ type: "restore", from: a, to: b });
      if (ba) tryAct({ type: "restore", from: b, to: a });
    }
    return;
  }
  selected = what === selected ? null : what;
  redraw();
}

function writeTo(id) {
  $("w-to").value = id ? String(id) : "";
  $("w-key").focus();
  $("w-key").select();
}

function leaderId() {
  return pg.leader() ?? null;
}

function toast(msg) {
  let t = $("toast");
  if (!t) t = html("div", { id: "toast", role: "alert" }, document.body);
  t.textContent = msg;
  t.classList.add("show");
  clearTimeout(t.timer);
  t.timer = setTimeout(() => t.classList.remove("show"), 4000);
}

function syncNetwork() {
  const n = view.network;
  $("n-loss").value = String(+(n.loss * 100).toFixed(2));
  $("n-dup").value = String(+(n.duplicate * 100).toFixed(2));
  $("n-lmin").value = String(n.latencyMin);
  $("n-lmax").value = String(n.latencyMax);
}

function wireControls() {
  $("play").onclick = () => setPlaying(!playing);
  $("step").onclick = step;
  $("speed").oninput = (e) => setSpeed(10 ** +e.target.value);
  const nodes = $("new-nodes");
  for (let i = 1; i <= 9; i++) html("option", { value: i }, nodes).textContent = String(i);
  $("new-cluster").onsubmit = (e) => {
    e.preventDefault();
    tryAct({ type: "reset", config: { nodes: +nodes.value, seed: Math.trunc(+$("new-seed").value) } });
  };
  $("write-form").onsubmit = (e) => {
    e.preventDefault();
    const op = $("w-op").value;
    const key = $("w-key").value;
    const node = $("w-to").value ? +$("w-to").value : undefined;
    const a = op === "put" ? { type: "write", key, value: $("w-value").value, node } : { type: op === "get" ? "read" : op, key, node };
    tryAct(a);
  };
  $("w-op").onchange = () => ($("w-value").disabled = $("w-op").value !== "put");
  $("net-form").onsubmit = (e) => {
    e.preventDefault();
    const knobs = {
      loss: +$("n-loss").value / 100,
      duplicate: +$("n-dup").value / 100,
      latencyMin: +$("n-lmin").value,
      latencyMax: +$("n-lmax").value,
    };
    if (tryAct({ type: "network", knobs })) toast("Network knobs applied");
    syncNetwork();
  };
  $("heal").onclick = () => tryAct({ type: "heal" });
  $("isolate").onclick = () => {
    const l = leaderId();
    if (!l) return toast("No leader to isolate right now");
    const rest = view.nodes.map((n) => n.id).filter((id) => id !== l);
    tryAct({ type: "partition", groups: [[l], rest] });
  };
  $("split").onclick = () => {
    split = new Map();
    // Start from the current groups, if any.
    view.partition.groups.forEach((g, i) => g.forEach((id) => split.set(id, "ABC"[Math.min(i, 2)])));
    $("split-bar").hidden = false;
    redraw();
  };
  $("split-apply").onclick = () => {
    const groups = { A: [], B: [], C: [] };
    for (const n of view.nodes) groups[split.get(n.id) || "A"].push(n.id);
    closeSplit();
    tryAct({ type: "partition", groups: Object.values(groups).filter((g) => g.length) });
  };
  $("split-cancel").onclick = closeSplit;
  $("ev-traffic").onchange = redraw;
  $("help-btn").onclick = () => showHelp(true);
  $("help-close").onclick = () => showHelp(false);
  $("help").onclick = (e) => e.target === $("help") && showHelp(false);
  addEventListener("keydown", onKey);
}

function closeSplit() {
  split = null;
  $("split-bar").hidden = true;
  redraw();
}

function showHelp(on) {
  $("help").hidden = !on;
  if (on) $("help-close").focus();
}

function step() {
  setPlaying(false);
  pg.step();
  redraw();
}

/** R: restart the leader — crash it and start it again at once, from its disk
 * (term, vote and log survive; everything else is lost). With no leader,
 * restart every crashed node. */
function restartKey() {
  const l = leaderId();
  if (l) {
    tryAct({ type: "crash", node: l }) && tryAct({ type: "restart", node: l });
    return toast(`Restarted leader S${l}: it comes back as a follower with its term, vote and log`);
  }
  const down = view.nodes.filter((n) => n.crashed).map((n) => n.id);
  for (const id of down) tryAct({ type: "restart", node: id });
  toast(down.length ? `Restarted ${down.map((i) => `S${i}`).join(", ")}` : "No leader and no crashed node to restart");
}

function onKey(e) {
  if (e.key === "Escape") {
    if (!$("help").hidden) return showHelp(false);
    if (split) return closeSplit();
    if (document.activeElement?.blur) document.activeElement.blur();
    selected = null;
    return redraw();
  }
  const t = e.target;
  if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)))) return;
  if (!$("help").hidden && e.key !== "?") return;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (k === " ") {
    if (t && t.tagName === "BUTTON") return; // Space on a button presses it
    setPlaying(!playing);
  } else if (k === "s") step();
  else if (k === "c") writeTo(+$("w-to").value || 0);
  else if (k === "r") restartKey();
  else if (k === "h") tryAct({ type: "heal" });
  else if (k === "?") showHelp($("help").hidden);
  else return;
  e.preventDefault();
}

// ----- The console API --------------------------------------------------------

function nodeArg(x, call) {
  const n = pg.nodes();
  if (!Number.isInteger(x) || x < 1 || x > n)
    throw new Error(`${call}: no node ${JSON.stringify(x)}; nodes are numbered 1 to ${n}`);
  return x;
}

function msArg(x, call) {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0)
    throw new Error(`${call}: expected a number of milliseconds ≥ 0 (got ${JSON.stringify(x)})`);
  return x;
}

function strArg(x, call, what) {
  if (typeof x !== "string") throw new Error(`${call}: ${what} must be a string (got ${JSON.stringify(x)})`);
  return x;
}

function optNode(x, call) {
  return x === undefined || x === null ? undefined : nodeArg(x, call);
}

const HELP = `raft — the playground from the console (times in simulated ms, nodes 1..N):
  reset({nodes, seed, ...})   new cluster (also electionTimeoutMin/Max, heartbeatInterval,
                              latencyMin/Max, loss, duplicate, clients, bugs: [names])
  step()  runFor(ms)  runUntil(ms)  now()  pause()  play()  speed(x)
  partition([[1,2],[3,4,5]])  cut(from, to)  restore(from, to)  heal()
  crash(id)  restart(id)  timeout(id)
  write(key, value, node?)  read(key, node?)  del(key, node?)
  drop(messageId)  setNetwork({loss, duplicate, latencyMin, latencyMax})
  setBug(name, on)  bugs()  view()  traceHash()  leader()  actions()
  onAction(fn)  frameStats()`;

const api = {
  help() {
    console.log(HELP);
    return HELP;
  },
  reset(config = DEFAULT) {
    if (typeof config !== "object" || config === null || Array.isArray(config))
      throw new Error("reset(config): config must be an object such as { nodes: 5, seed: 1 }");
    act({ type: "reset", config });
  },
  step() {
    setPlaying(false);
    const t = pg.step();
    redraw();
    return t;
  },
  runFor(ms) {
    const t = pg.runFor(msArg(ms, "runFor(ms)"));
    redraw();
    return t;
  },
  runUntil(ms) {
    const t = pg.runUntil(msArg(ms, "runUntil(ms)"));
    redraw();
    return t;
  },
  now: () => pg.now(),
  pause: () => setPlaying(false),
  play: () => setPlaying(true),
  speed(x) {
    if (x === undefined) return speed;
    if (typeof x !== "number" || !(x >= MIN_SPEED && x <= MAX_SPEED))
      throw new Error(`speed(x): x must be a number from ${MIN_SPEED} to ${MAX_SPEED} (got ${JSON.stringify(x)})`);
    setSpeed(x);
    return speed;
  },
  partition(groups) {
    if (!Array.isArray(groups) || !groups.every(Array.isArray))
      throw new Error("partition(groups): groups must be a list of lists of node ids, e.g. [[1,2],[3,4,5]]");
    groups.forEach((g) => g.forEach((id) => nodeArg(id, "partition(groups)")));
    act({ type: "partition", groups });
  },
  cut: (from, to) => act({ type: "cut", from: nodeArg(from, "cut(from, to)"), to: nodeArg(to, "cut(from, to)") }),
  restore: (from, to) =>
    act({ type: "restore", from: nodeArg(from, "restore(from, to)"), to: nodeArg(to, "restore(from, to)") }),
  heal: () => act({ type: "heal" }),
  crash: (id) => act({ type: "crash", node: nodeArg(id, "crash(id)") }),
  restart: (id) => act({ type: "restart", node: nodeArg(id, "restart(id)") }),
  timeout: (id) => act({ type: "timeout", node: nodeArg(id, "timeout(id)") }),
  write: (key, value, node) =>
    act({
      type: "write",
      key: strArg(key, "write(key, value, node?)", "key"),
      value: strArg(value, "write(key, value, node?)", "value"),
      node: optNode(node, "write(key, value, node?)"),
    }),
  read: (key, node) =>
    act({ type: "read", key: strArg(key, "read(key, node?)", "key"), node: optNode(node, "read(key, node?)") }),
  del: (key, node) =>
    act({ type: "delete", key: strArg(key, "del(key, node?)", "key"), node: optNode(node, "del(key, node?)") }),
  drop(id) {
    if (!Number.isInteger(id)) throw new Error(`drop(id): id must be a message id (got ${JSON.stringify(id)})`);
    act({ type: "drop", id });
  },
  setNetwork(knobs) {
    if (typeof knobs !== "object" || knobs === null)
      throw new Error("setNetwork(knobs): knobs must be an object such as { loss: 0.1 }");
    act({ type: "network", knobs });
    syncNetwork();
  },
  setBug(name, on) {
    strArg(name, "setBug(name, on)", "name");
    if (typeof on !== "boolean") throw new Error(`setBug(name, on): on must be true or false (got ${JSON.stringify(on)})`);
    act({ type: "bug", name, on });
  },
  bugs: () => pg.bugs(),
  view: () => pg.view(50),
  traceHash: () => pg.traceHash(),
  leader: () => leaderId(),
  actions: () => pg.actions(),
  act,
  onAction(fn) {
    if (typeof fn !== "function") throw new Error("onAction(fn): fn must be a function");
    listeners.push(fn);
  },
  /** Work per animation frame, ms, over the last ≤ 1000 frames: in total
   * (simulation + drawing) and drawing alone. */
  frameStats() {
    const q = (list, p) => {
      const s = [...list].sort((a, b) => a - b);
      return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(3) : 0;
    };
    return {
      frames: frameTimes.length,
      p50: q(frameTimes, 0.5),
      p95: q(frameTimes, 0.95),
      max: q(frameTimes, 1),
      drawP50: q(drawTimes, 0.5),
      drawP95: q(drawTimes, 0.95),
    };
  },
  resetFrameStats: () => void (frameTimes.length = drawTimes.length = 0),
};

// ----- Start ------------------------------------------------------------------

function wasmReady() {
  if (window.wasmBindings) return Promise.resolve(window.wasmBindings);
  return new Promise((resolve) =>
    addEventListener("TrunkApplicationStarted", () => resolve(window.wasmBindings), { once: true }),
  );
}

const status = $("status");
wasmReady()
  .then((w) => {
    wasm = w;
    wireControls();
    setSpeed(speed);
    newCluster(DEFAULT);
    window.raft = api;
    const version = wasm.version();
    status.textContent = `wasm ok — raft-playground ${version}`;
    status.dataset.state = "ok";
    status.dataset.version = version;
    document.body.classList.add("ready");
    setPlaying(true);
  })
  .catch((err) => {
    status.textContent = `wasm failed to load: ${err}`;
    status.dataset.state = "error";
    console.error(err);
  });
