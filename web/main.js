// The playground page: loads the Raft core (wasm), runs the simulated cluster
// in step with the clock, draws it, and wires the controls and the keyboard.
// Its state is in store.js; the console API (`window.raft`) in console-api.js.
//
// Every change a person makes — from the page or from the console — is one
// action object passed to `act()`, the only place that calls the façade's
// mutating methods. Listeners registered with `raft.onAction(fn)` see each
// action after it took effect (a scenario recorder hooks in there).

import { Cluster } from "./cluster.js";
import { installConsoleApi } from "./console-api.js";
import { $, attr, fmtMs, html, publishTermColors, termColor, termInk, text } from "./dom.js";
import { installKeys } from "./keys.js";
import { installLayout, isEmbed, linkFromHash, prefersStill } from "./layout.js";
import { BugList, EventLog, Inspector, KvPanel, LogMatrix, renderChecker } from "./panels.js";
import { jsonOf, linkOf, loadScenarios, openSource, presets } from "./scenarios.js";
import { DEFAULT_CLUSTER, MAX_SPEED, MIN_SPEED, sameSelection, selectedId, store } from "./store.js";
import { TimelineBar, justBeforeViolation } from "./timeline.js";
import { SequencePanel } from "./sequence.js";
import { Phases } from "./phases.js";
import { hint, showMe } from "./toggles.js";
import { Hunt } from "./hunt.js";
import { HistoryList } from "./history.js";
import { ClientHistory } from "./clients.js";
import { Tour } from "./tour.js";
import { fillMembers, initialMembers, installMembers } from "./membership.js";

const FRAME_BUDGET_MS = 8; // simulation work per frame at most; beyond, time lags
const MAX_EVENTS = 40;
const MAX_LOG = 200;

const listeners = []; // raft.onAction(fn)
/** Narrow screens show the inspector as a bottom sheet (style.css, max-width: 760px). */
const sheetLayout = matchMedia("(max-width: 760px)");
const cluster = new Cluster(pick);
const logs = new LogMatrix();
const kv = new KvPanel();
const events = new EventLog();
const inspector = new Inspector({ act: tryAct, writeTo, close: deselect });
const bugList = new BugList({
  onToggle: (name, on, box) => {
    if (!tryAct({ type: "bug", name, on })) box.checked = !on;
  },
  onShow: (name) => tryAct({ type: "load", link: showMe(name) }),
  teach: (name) => ({ show: showMe(name), hint: hint(name) }),
  explain: () => store.pg.bugs(),
});
let tour = null; // the guided tour, once the page runs
const timeline = new TimelineBar(act);
const historyList = new HistoryList(tryAct, () => redraw());
const clientHistory = new ClientHistory(() => redraw());
const sequence = new SequencePanel({ act: tryAct, pick: (id) => pick({ kind: "msg", id }), now: () => store.pg?.now() ?? 0, redraw });
const phases = new Phases({ now: () => store.pg.now(), seek: (ms) => tryAct({ type: "seek", ms }), playTo, toast });
let violationsSeen = 0; // for "pause on violation"

// ----- Actions --------------------------------------------------------------

// The façade checks every value (node ids, ranges, names) and throws a sentence
// saying what was wrong; act() passes those on untouched. What it cannot check
// is a field's JavaScript type: the wasm glue of a release build converts
// silently ("3" becomes node 3, `true` node 1, a number key arrives garbled).
// So the fields that become a number, a string or a boolean are checked for
// their type here, and for nothing else.

const ACTIONS = {
  reset: (a) => newCluster(a.config),
  load: (a) => openScenario(a.link),
  partition: (a) => store.pg.partition(a.groups),
  cut: (a) => store.pg.cut(typed(a, "from", "number"), typed(a, "to", "number")),
  restore: (a) => store.pg.restoreLink(typed(a, "from", "number"), typed(a, "to", "number")),
  heal: () => store.pg.heal(),
  crash: (a) => store.pg.crash(typed(a, "node", "number")),
  restart: (a) => store.pg.restart(typed(a, "node", "number")),
  timeout: (a) => store.pg.timeout(typed(a, "node", "number")),
  write: (a) => store.pg.write(typed(a, "key", "string"), typed(a, "value", "string"), optionalNode(a)),
  delete: (a) => store.pg.delete(typed(a, "key", "string"), optionalNode(a)),
  read: (a) => store.pg.read(typed(a, "key", "string"), optionalNode(a)),
  drop: (a) => store.pg.dropMessage(typed(a, "id", "number")),
  network: (a) => store.pg.setNetwork(a.knobs),
  bug: (a) => store.pg.setBug(typed(a, "name", "string"), typed(a, "on", "boolean")),
  // Production features (issue 11): switches, leadership transfer, GC pauses, clock drift.
  feature: (a) => store.pg.setFeature(typed(a, "name", "string"), typed(a, "on", "boolean")),
  readMode: (a) => store.pg.setReadMode(typed(a, "mode", "string")),
  snapshotThreshold: (a) => store.pg.setSnapshotThreshold(typed(a, "every", "number")),
  transfer: (a) => store.pg.transfer(typed(a, "to", "number")),
  pauseNode: (a) => store.pg.pauseNode(typed(a, "node", "number")),
  resumeNode: (a) => store.pg.resumeNode(typed(a, "node", "number")),
  clockRate: (a) => store.pg.setClockRate(typed(a, "node", "number"), typed(a, "rate", "number")),
  // Membership change (issue 11): one server at a time.
  addServer: (a) => store.pg.addServer(typed(a, "node", "number")),
  removeServer: (a) => store.pg.removeServer(typed(a, "node", "number")),
  // Time travel: moves, not changes (acting after a seek into the past forks a branch).
  seek: (a) => store.pg.seek(typed(a, "ms", "number")),
  seekStep: (a) => store.pg.seekStep(typed(a, "step", "number")),
  stepBack: () => store.pg.stepBack(),
  branch: (a) => store.pg.switchBranch(typed(a, "index", "number")),
};
/** Actions that only move in time: they pause the clock first. */
const MOVES = new Set(["seek", "seekStep", "stepBack", "branch"]);

/** Field `key` of action `a`, if it is of JavaScript type `type`. */
function typed(a, key, type) {
  const x = a[key];
  if (typeof x !== type) throw new Error(`${key} must be a ${type} (got ${JSON.stringify(x) ?? String(x)})`);
  return x;
}

/** A client request's target: a node, or absent (undefined or null) for "the leader". */
function optionalNode(a) {
  return a.node === undefined || a.node === null ? undefined : typed(a, "node", "number");
}

/** Applies one action (throws an Error saying what was wrong). */
function act(action) {
  const run = action && ACTIONS[action.type];
  if (!run) throw new Error(`unknown action ${JSON.stringify(action?.type)}; known: ${Object.keys(ACTIONS).join(", ")}`);
  store.culprits = null; // the rings of "Go to just before" last until the next action
  if (MOVES.has(action.type)) setPlaying(false, false);
  run(action);
  const at = store.pg.now();
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

function newCluster(config = {}, ready = null) {
  const next = ready ?? new store.wasm.Playground(config);
  store.pg?.free();
  const pg = (store.pg = next);
  store.selection = null;
  store.sheet = false;
  store.split = null;
  store.culprits = null;
  resetReach();
  setPhases(null);
  $("split-bar").hidden = true;
  const n = pg.nodes();
  cluster.reset(n);
  logs.reset(n);
  kv.reset(n);
  sequence.reset(n);
  const to = $("w-to");
  to.replaceChildren();
  html("option", { value: "" }, to).textContent = "the leader";
  for (let i = 1; i <= n; i++) html("option", { value: i }, to).textContent = `S${i}`;
  $("new-nodes").value = String(n);
  fillMembers();
  store.view = pg.frameView(MAX_EVENTS, $("ev-traffic").checked);
  $("new-seed").value = String(store.view.seed);
  syncNetwork();
  showNote(ready ? pg.opened() : null);
}

// ----- Scenarios: links, files, the gallery -------------------------------------
//
// A scenario link (#s=1.…) holds the config, every action with its time and the
// view; opening one replays the identical run. Text from a link or a file is
// shown with textContent only.

/** Opens a scenario from a link (URL, `#s=…`), a JSON text or a preset id, as
 * `{ link }`, `{ json }` or `{ preset }` (a bare string is a link). Throws an
 * Error with a readable sentence when it cannot be opened; the current cluster
 * then stays. */
function openScenario(source) {
  const src = typeof source === "string" ? { link: source } : source ?? {};
  const next = openSource(store.wasm.Playground, src);
  const o = next.opened();
  newCluster({}, next);
  hideBanner();
  if (o.selected) store.selection = { kind: "node", id: o.selected };
  // A gallery scenario opens paused at its start, its phases marked.
  const preset = typeof src.preset === "string" ? presets().find((p) => p.id === src.preset) : null;
  setPhases(preset);
  setPlaying(!preset && o.playing && !prefersStill());
}

/** The phases of preset `p` (from the gallery list), or none. */
function setPhases(p) {
  phases.set(p);
  timeline.setPhases(phases.marks());
}

/** The full URL that reopens this run now (paused or playing as it is). */
function shareLink() {
  return location.href.split("#")[0] + linkOf(store.pg, store.playing, selectedId("node")) + (isEmbed() ? "&embed=1" : "");
}

function showNote(o) {
  const has = o && (o.title || o.caption);
  $("scenario-note").hidden = !has;
  $("scenario-title").textContent = has ? o.title : "";
  $("scenario-caption").textContent = has ? o.caption : "";
}

function showBanner(msg) {
  $("banner-text").textContent = msg;
  $("banner").hidden = false;
}

function hideBanner() {
  $("banner").hidden = true;
}

/** At start and when the fragment changes: open the link in it, if any; a bad
 * link shows the banner and leaves (or makes) the default cluster. */
function openFromLocation(atStart = false) {
  const link = linkFromHash(location.hash);
  if (!link) return false;
  try {
    act({ type: "load", link });
    return true;
  } catch (e) {
    const then = atStart ? "Showing the default cluster." : "The current cluster stays.";
    showBanner(`This link could not be opened: ${e.message} ${then}`);
    return false;
  }
}

async function share() {
  let url;
  try {
    url = shareLink();
  } catch (e) {
    return toast(`${e.message}`);
  }
  history.replaceState(null, "", url);
  try {
    await navigator.clipboard.writeText(url);
    toast("Link copied: it reopens this exact run");
  } catch {
    prompt("Copy this link: it reopens this exact run", url);
  }
}

function download() {
  const { pg } = store;
  const blob = new Blob([jsonOf(pg, store.playing, selectedId("node"))], { type: "application/json" });
  const a = html("a", { href: URL.createObjectURL(blob), download: `raft-scenario-t${Math.round(pg.now())}ms.json` }, document.body);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 0);
}

async function upload(file) {
  if (!file) return;
  try {
    act({ type: "load", link: { json: await file.text() } });
    toast(`Opened ${file.name}`);
  } catch (e) {
    showBanner(`${file.name} could not be opened: ${e.message}`);
  }
}

function wireScenarioControls() {
  const sel = $("preset");
  for (const p of presets()) html("option", { value: p.id, title: p.caption }, sel).textContent = p.title;
  // Arrow keys on the closed list only choose (Chromium fires "change" on each
  // arrow); Enter opens the choice. A pick with the mouse or a finger opens at once.
  let choosing = false;
  const open = () => {
    const id = sel.value;
    choosing = false;
    sel.value = "";
    if (id) tryAct({ type: "load", link: { preset: id } });
  };
  sel.addEventListener("keydown", (e) => {
    if (/^(Arrow|Page|Home|End)/.test(e.key)) choosing = true;
    else if (e.key === "Enter" && sel.value) {
      e.preventDefault();
      open();
    }
  });
  sel.addEventListener("pointerdown", () => (choosing = false));
  sel.onchange = () => {
    if (choosing) return toast("Enter opens this scenario");
    open();
  };
  $("share").onclick = share;
  $("download").onclick = download;
  $("upload").onclick = () => $("upload-file").click();
  $("upload-file").onchange = (e) => {
    upload(e.target.files[0]);
    e.target.value = "";
  };
  $("banner-close").onclick = hideBanner;
  addEventListener("hashchange", () => {
    if (tour?.fromLocation()) return;
    openFromLocation();
  });
}

// ----- The clock --------------------------------------------------------------

function redraw() {
  const clock = store.clock;
  clock.dirty = true;
  if (!clock.raf) clock.raf = requestAnimationFrame(frame);
}

function frame(t) {
  const clock = store.clock;
  clock.raf = 0;
  if (!store.pg) return; // still loading (the scenario module): nothing to draw yet
  const t0 = performance.now();
  try {
    if (store.playing) {
      const real = clock.last === null ? 0 : t - clock.last;
      const dt = Math.min(real, 100);
      clock.last = t;
      if (dt > 0) {
        const before = store.pg.now();
        advance(dt * store.speed, t0, clock.stopAt);
        measureReach(real, store.pg.now() - before);
        pauseOnViolation();
        if (clock.stopAt !== null && store.pg.now() >= clock.stopAt) setPlaying(false, false);
      }
      clock.dirty = true;
    }
    if (clock.dirty) {
      clock.dirty = false;
      const t1 = performance.now();
      render();
      keep(clock.drawMs, performance.now() - t1);
    }
  } catch (e) {
    // Never a silently frozen page: say so once, and stop the clock.
    console.error(e);
    toast(`Stopped: ${e.message}`);
    setPlaying(false, false);
    return;
  }
  keep(clock.frameMs, performance.now() - t0);
  if (store.playing) clock.raf = requestAnimationFrame(frame);
}

/** With "Pause on violation" ticked, the clock stops when the checker finds a new one. */
function pauseOnViolation() {
  const n = store.pg.violationCount();
  if (n > violationsSeen && $("tl-pause").checked) {
    setPlaying(false, false);
    toast("Paused: the checker found a violation (“Go to just before” rewinds to it)");
  }
  violationsSeen = n;
}

/** Goes to just before the event that revealed the first violation, and rings
 * the nodes it names (until the next action). */
function justBefore() {
  const found = justBeforeViolation(store.pg);
  if (found === null) return;
  if (tryAct({ type: "seekStep", step: found.step })) {
    store.culprits = new Set(found.nodes);
    redraw();
  }
}

/** Plays to `ms` and stops there ("Next phase"); with reduced motion, goes at once. */
function playTo(ms) {
  if (prefersStill()) return tryAct({ type: "seek", ms });
  setPlaying(true);
  store.clock.stopAt = ms;
}

function keep(list, x) {
  list.push(x);
  if (list.length > 1000) list.shift();
}

/** Runs `ms` of simulated time (never past `stopAt`, if set), in slices, within the frame budget. */
function advance(ms, t0, stopAt = null) {
  const { pg } = store;
  const target = stopAt === null ? pg.now() + ms : Math.min(stopAt, pg.now() + ms);
  const slice = Math.max(0.001, ms / 4);
  while (pg.now() < target - 0.0005) {
    pg.runUntil(Math.min(target, pg.now() + slice));
    if (performance.now() - t0 > FRAME_BUDGET_MS) break; // lag rather than freeze
  }
}

/**
 * The speed the page actually reaches: simulated ms per real ms over the last
 * half second of play. When a frame's work budget caps the simulation (a big
 * cluster at 100×), time lags and the speed label says so.
 */
const reach = { real: 0, sim: 0, warm: true };
function measureReach(real, sim) {
  reach.real += real;
  reach.sim += sim;
  if (reach.real < 500) return;
  // The first half second after a start or a change of speed is not judged:
  // the first frames (a page still loading, a fresh cluster) are slow once.
  if (!reach.warm) showSpeed(reach.sim / reach.real);
  reach.real = reach.sim = 0;
  reach.warm = false;
}

/** Starts measuring afresh (after a pause or a change of speed). */
function resetReach() {
  reach.real = reach.sim = 0;
  reach.warm = true;
}

function fmtSpeed(x) {
  return `${x < 1 ? +x.toPrecision(2) : x < 10 ? +x.toFixed(1) : Math.round(x)}×`;
}

/** The speed label: the speed asked for, and the speed reached when it lags (below 90%). */
function showSpeed(reached = null) {
  const out = $("speed-out");
  const lag = reached !== null && reached < store.speed * 0.9;
  store.clock.reached = reached;
  text(out, lag ? `${fmtSpeed(store.speed)} → ${fmtSpeed(reached)}` : fmtSpeed(store.speed));
  out.classList.toggle("lagging", lag);
  attr(
    out,
    "title",
    lag
      ? `Asked for ${fmtSpeed(store.speed)}, reached ${fmtSpeed(reached)}: the simulation needs more than a frame's time budget, so the page lags`
      : "Simulated time per real second",
  );
  out.dataset.reached = reached === null ? "" : reached.toFixed(2);
}

function setPlaying(on, draw = true) {
  store.playing = on;
  store.clock.last = null;
  store.clock.stopAt = null; // "Next phase" sets it again after starting
  if (on) store.culprits = null;
  resetReach();
  if (!on) showSpeed();
  const b = $("play");
  b.textContent = on ? "❚❚ Pause" : "▶ Play";
  b.setAttribute("aria-pressed", String(on));
  if (draw) redraw();
}

function setSpeed(x) {
  const speed = (store.speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, x)));
  $("speed").value = String(Math.log10(speed));
  $("speed").setAttribute("aria-valuetext", `${fmtSpeed(speed)} real time`);
  resetReach();
  showSpeed();
}

document.addEventListener("visibilitychange", () => {
  store.clock.last = null; // no jump after the tab was hidden (rAF stops by itself meanwhile)
});

// ----- Drawing ----------------------------------------------------------------

function render() {
  const { pg } = store;
  const view = (store.view = pg.frameView(MAX_EVENTS, $("ev-traffic").checked));
  const packed = pg.messages();
  const bad = renderChecker(view);
  const nodeId = selectedId("node");
  if (nodeId && !view.nodes.some((n) => n.id === nodeId)) store.selection = null;
  cluster.render(view, packed, { selection: store.selection, bad, culprits: store.culprits, split: store.split });
  logs.render(view, bad, (id, length, sig) => pg.logSince(id, length, sig, MAX_LOG));
  kv.render(view);
  events.render(view);
  bugList.render(view.bugs);
  const msgId = selectedId("msg");
  const msg = msgId ? cluster.message(msgId) : null;
  const detail = msg ? pg.messageDetail(msgId) : undefined;
  // Delivered or dropped: what the sequence diagram remembers of it.
  const past = msgId && !msg ? pg.sequenceMessage(msgId) : undefined;
  inspector.render(view, store.selection, msg, detail, nodeId ? logs.entries(nodeId) : [], store.sheet, past);
  sequence.select(msgId);
  sequence.render(pg);
  text($("clock"), `t = ${fmtMs(view.time)}`);
  timeline.render(pg);
  historyList.render(pg);
  clientHistory.render(pg);
  phases.render(view.time);
  violationsSeen = Math.min(violationsSeen, view.violations.length);
  tour?.onFrame();
  const c = view.clients[0];
  text(
    $("client-status"),
    c.pending
      ? `waiting: ${c.pending} → S${c.pendingTarget}${c.queued ? ` (+${c.queued} queued)` : ""}`
      : `${c.completed} request${c.completed === 1 ? "" : "s"} acknowledged`,
  );
}

// ----- Page controls -------------------------------------------------------------

/** A click (or Enter) on `what`: a node, a message, a link (see `parsePick`) or null. */
function pick(what) {
  const { split } = store;
  if (split && what?.kind === "node") {
    const g = split.get(what.id) || "A";
    split.set(what.id, g === "A" ? "B" : g === "B" ? "C" : "A");
    return redraw();
  }
  // A finger's tap on a link shows it (the inspector offers the cuts): a
  // slightly wrong tap must not cut. A click, Enter, a long press or a tap in
  // cut mode cuts at once.
  if (what?.kind === "link" && (what.how !== "tap" || store.cutMode)) return cycleLink(what.a, what.b);
  // Picking what is selected deselects it, unless the inspector sheet is
  // closed (a phone, after a scenario selected it): then it opens.
  const same = sameSelection(what, store.selection);
  store.selection = same && (store.sheet || !sheetLayout.matches) ? null : what;
  store.sheet = !!store.selection;
  redraw();
}

/** up → cut one way → cut both ways → restored */
function cycleLink(a, b) {
  const cuts = new Set(store.view.partition.cuts.map(([x, y]) => `${x}-${y}`));
  const ab = cuts.has(`${a}-${b}`);
  const ba = cuts.has(`${b}-${a}`);
  if (!ab && !ba) tryAct({ type: "cut", from: a, to: b });
  else if (ab && !ba) tryAct({ type: "cut", from: b, to: a });
  else {
    if (ab) tryAct({ type: "restore", from: a, to: b });
    if (ba) tryAct({ type: "restore", from: b, to: a });
  }
}

function deselect() {
  store.selection = null;
  store.sheet = false;
  redraw();
}

function setCutMode(on) {
  store.cutMode = on;
  $("cut-mode").setAttribute("aria-pressed", String(on));
}

function writeTo(id) {
  $("w-to").value = id ? String(id) : "";
  $("w-key").focus();
  $("w-key").select();
}

function leaderId() {
  return store.pg.leader() ?? null;
}

function toast(msg) {
  let t = $("toast");
  if (!t) t = html("div", { id: "toast", role: "alert" }, document.body);
  t.textContent = msg;
  t.classList.add("show");
  clearTimeout(t.timer);
  t.timer = setTimeout(() => t.classList.remove("show"), 4000);
}

/** Shows the network knobs in force in the form. Read afresh: right after an
 * action the last frame's view is still the old one. */
function syncNetwork() {
  const f = store.pg.features();
  $("f-pre-vote").checked = f.preVote;
  $("f-check-quorum").checked = f.checkQuorum;
  $("f-read-mode").value = f.readMode;
  $("f-snapshots").checked = f.snapshotThreshold > 0;
  if (f.snapshotThreshold > 0) $("f-snapshot-every").value = String(f.snapshotThreshold);
  const n = store.pg.frameView(0, false).network;
  $("n-loss").value = String(+(n.loss * 100).toFixed(2));
  $("n-dup").value = String(+(n.duplicate * 100).toFixed(2));
  $("n-lmin").value = String(n.latencyMin);
  $("n-lmax").value = String(n.latencyMax);
}

function wireControls() {
  $("play").onclick = () => setPlaying(!store.playing);
  $("step").onclick = step;
  $("speed").oninput = (e) => setSpeed(10 ** +e.target.value);
  const nodes = $("new-nodes");
  for (let i = 1; i <= 9; i++) html("option", { value: i }, nodes).textContent = String(i);
  const startNew = () => tryAct({ type: "reset", config: { nodes: +nodes.value, seed: Math.trunc(+$("new-seed").value), ...initialMembers() } });
  $("new-cluster").onsubmit = (e) => {
    e.preventDefault();
    startNew();
  };
  installMembers(startNew);
  $("write-form").onsubmit = (e) => {
    e.preventDefault();
    const op = $("w-op").value;
    const key = $("w-key").value;
    // "the leader": the one the page shows, if any; else the client guesses.
    const node = $("w-to").value ? +$("w-to").value : (leaderId() ?? undefined);
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
  for (const [id, name] of [
    ["f-pre-vote", "pre-vote"],
    ["f-check-quorum", "check-quorum"],
  ])
    $(id).onchange = (e) => {
      if (!tryAct({ type: "feature", name, on: e.target.checked })) e.target.checked = !e.target.checked;
    };
  $("f-read-mode").onchange = (e) => {
    if (!tryAct({ type: "readMode", mode: e.target.value })) syncNetwork();
  };
  // Log compaction: the checkbox switches it, the number is the threshold.
  const setCompaction = () => {
    const every = $("f-snapshots").checked ? Math.max(1, Math.round(+$("f-snapshot-every").value || 1)) : 0;
    tryAct({ type: "snapshotThreshold", every });
    syncNetwork();
  };
  $("f-snapshots").onchange = setCompaction;
  $("f-snapshot-every").onchange = () => {
    if ($("f-snapshots").checked) setCompaction();
  };
  $("heal").onclick = () => tryAct({ type: "heal" });
  $("isolate").onclick = () => {
    const l = leaderId();
    if (!l) return toast("No leader to isolate right now");
    const rest = store.view.nodes.map((n) => n.id).filter((id) => id !== l);
    tryAct({ type: "partition", groups: [[l], rest] });
  };
  $("split").onclick = () => {
    const split = (store.split = new Map());
    // Start from the current groups, if any.
    store.view.partition.groups.forEach((g, i) => g.forEach((id) => split.set(id, "ABC"[Math.min(i, 2)])));
    $("split-bar").hidden = false;
    redraw();
  };
  $("split-apply").onclick = () => {
    const groups = { A: [], B: [], C: [] };
    for (const n of store.view.nodes) groups[store.split.get(n.id) || "A"].push(n.id);
    closeSplit();
    tryAct({ type: "partition", groups: Object.values(groups).filter((g) => g.length) });
  };
  $("split-cancel").onclick = closeSplit;
  $("ev-traffic").onchange = redraw;
  $("help-btn").onclick = () => showHelp(true);
  $("help-close").onclick = () => showHelp(false);
  $("help").onclick = (e) => e.target === $("help") && showHelp(false);
  $("cut-mode").onclick = () => setCutMode(!store.cutMode);
  $("rules-badge").onclick = () => {
    const rules = $("rules");
    rules.open = true;
    rules.scrollIntoView({ block: "start", behavior: prefersStill() ? "auto" : "smooth" });
    rules.querySelector("summary").focus({ preventScroll: true });
  };
  $("tl-before").onclick = justBefore;
  installKeys({
    step,
    stepBack,
    phaseStep,
    seekHome: () => tryAct({ type: "seek", ms: 0 }),
    seekEnd: () => tryAct({ type: "seek", ms: store.pg.position().frontierMs }),
    togglePlay: () => setPlaying(!store.playing),
    pick,
    tryAct,
    toast,
    writeTo,
    restartKey,
    liveView,
    closeSplit,
    showHelp,
    deselect,
    closeMenu: () => document.body.classList.remove("menu-open"),
  });
}

function closeSplit() {
  const inBar = $("split-bar").contains(document.activeElement);
  store.split = null;
  $("split-bar").hidden = true;
  if (inBar) $("split").focus(); // the bar is gone: back to the button that opened it
  redraw();
}

function showHelp(on) {
  $("help").hidden = !on;
  if (on) $("help-close").focus();
}

/** Pauses and processes the next event; returns the new time (ms). */
function step() {
  setPlaying(false);
  store.culprits = null;
  const t = store.pg.step();
  redraw();
  return t;
}

/** Shift+← / Shift+→: one phase back / forward in a phased preset, else 100 ms. */
function phaseStep(dir) {
  if (phases.has()) return phases.step(dir);
  const { pg } = store;
  tryAct({ type: "seek", ms: Math.max(0, pg.now() + 100 * dir) });
}

/** Pauses and goes back to just before the last event; returns the new time (ms). */
function stepBack() {
  act({ type: "stepBack" });
  return store.pg.now();
}

/** R: restart the selected node — crash it and start it again at once, from
 * its disk (term, vote and log survive; everything else is lost), or just
 * start it if it is down. With nothing selected, restart the leader; with no
 * leader, restart every crashed node. */
/** The view as of now: the drawn one, unless an action since has not been drawn
 * yet (two keys in one frame must not act on the state before the first). */
function liveView() {
  if (store.clock.dirty && store.pg) store.view = store.pg.frameView(MAX_EVENTS, $("ev-traffic").checked);
  return store.view;
}

function restartKey() {
  const id = selectedId("node");
  const node = id && liveView().nodes.find((n) => n.id === id);
  if (node) {
    if (node.crashed) tryAct({ type: "restart", node: id }) && toast(`Restarted S${id} from its disk`);
    else if (tryAct({ type: "crash", node: id }) && tryAct({ type: "restart", node: id }))
      toast(`Restarted S${id}: it comes back as a follower with its term, vote and log`);
    return;
  }
  const l = leaderId();
  if (l) {
    tryAct({ type: "crash", node: l }) && tryAct({ type: "restart", node: l });
    return toast(`Restarted leader S${l}: it comes back as a follower with its term, vote and log`);
  }
  const down = store.view.nodes.filter((n) => n.crashed).map((n) => n.id);
  for (const id of down) tryAct({ type: "restart", node: id });
  toast(down.length ? `Restarted ${down.map((i) => `S${i}`).join(", ")}` : "No leader and no crashed node to restart");
}

// ----- Start ------------------------------------------------------------------

/** The legend's term swatches: each term's colour with its number on it. */
function drawLegendTerms() {
  const box = $("legend-terms");
  for (let t = 1; t <= 9; t++) {
    const s = html("span", { class: "swatch", title: `term ${t}` }, box);
    s.style.setProperty("--c", termColor(t));
    s.style.setProperty("--ink-on", termInk(t));
    s.textContent = String(t);
  }
}

function wasmReady() {
  if (window.wasmBindings) return Promise.resolve(window.wasmBindings);
  return new Promise((resolve) =>
    addEventListener("TrunkApplicationStarted", () => resolve(window.wasmBindings), { once: true }),
  );
}

const status = $("status");
wasmReady()
  .then(async (wasm) => {
    store.wasm = wasm;
    publishTermColors();
    drawLegendTerms();
    installLayout({ cluster, redraw });
    wireControls();
    // First paint from the simulator alone; links, files and the gallery come
    // with the second module, fetched now (first, when the URL names a scenario).
    const painted = !location.hash;
    if (painted) {
      store.playing = false; // still while loading: setPlaying below starts it
      newCluster(DEFAULT_CLUSTER);
      redraw();
    }
    await loadScenarios();
    wireScenarioControls();
    setSpeed(store.speed);
    const page = {
      act,
      onAction: (fn) => listeners.push(fn),
      offAction: (fn) => listeners.splice(listeners.indexOf(fn) >>> 0, 1),
      step,
      stepBack,
      seekHome: () => tryAct({ type: "seek", ms: 0 }),
      seekEnd: () => tryAct({ type: "seek", ms: store.pg.position().frontierMs }),
      setPlaying,
      setSpeed,
      redraw,
      shareLink,
      syncNetwork,
    };
    tour = new Tour(page);
    const fromTour = tour.fromLocation();
    const fromLink = fromTour || openFromLocation(true);
    if (!fromLink && !painted) newCluster(DEFAULT_CLUSTER);
    installConsoleApi(page);
    new Hunt({
      bugsOn: () => store.pg.bugs().filter((b) => b.on).map((b) => b.name),
      open: (link) => tryAct({ type: "load", link: { link } }),
    });
    const version = wasm.version();
    status.textContent = `wasm ok — raft-playground ${version}`;
    status.dataset.state = "ok";
    status.dataset.version = version;
    document.body.classList.add("ready");
    // Reduced motion: the run waits for Play.
    if (!fromLink) setPlaying(!prefersStill());
    else redraw();
  })
  .catch((err) => {
    status.textContent = `wasm failed to load: ${err}`;
    status.dataset.state = "error";
    console.error(err);
  });
