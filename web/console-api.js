// The console API, `window.raft`: the playground from the browser's console
// (README "JS console API" lists the calls; `raft.help()` prints them).
//
// Rust checks every argument that reaches the simulation and says in a
// sentence what was wrong; this module does not check those again. It only
// names the call: `raft.crash(9)` throws "raft.crash: no node 9: nodes are
// numbered 1 to 5". What only the page knows (the clock's speed, a listener)
// is checked here.

import { presets } from "./scenarios.js";
import { decodeSequence } from "./sequence.js";
import { DEFAULT_CLUSTER, MAX_SPEED, MIN_SPEED, store } from "./store.js";

const HELP = `raft — the playground from the console (times in simulated ms, nodes 1..N):
  reset({nodes, seed, ...})   new cluster (also electionTimeoutMin/Max, heartbeatInterval,
                              latencyMin/Max, loss, duplicate, clients, bugs: [names],
                              initialMembers: k = only nodes 1..k start as members)
  step()  runFor(ms)  runUntil(ms)  now()  pause()  play()  speed(x)
  seek(ms)  seekStep(n)  stepBack()  position()  markers()  branches()  branch(index)
                              time travel (acting in the past forks a branch)
  partition([[1,2],[3,4,5]])  cut(from, to)  restore(from, to)  heal()
  crash(id)  restart(id)  timeout(id)
  write(key, value, node?)  read(key, node?)  del(key, node?)
  drop(messageId)  setNetwork({loss, duplicate, latencyMin, latencyMax})
  setBug(name, on)  bugs()  view(maxLog=200)  traceHash()  leader()  actions()
  setFeature("pre-vote"|"check-quorum", on)  features()  transfer(to)
  setReadMode("log"|"read-index"|"lease")   reads off the log (§6.4)
  setSnapshotThreshold(n)     log compaction: a snapshot every n applied entries (0 = off)
  pauseNode(id)  resumeNode(id)  clockRate(id, rate)  nodeFaults()
  addServer(id)  removeServer(id)   membership change, one server at a time
  link()  load(link)  presets()  onAction(fn)  frameStats()
  history({node, kind, text, offset, limit})  historyStats()  clients(fromMs, toMs)
                              the whole run's events at the cursor (newest first), the
                              client requests as bars
  sequence(fromMs, toMs, heartbeats?)  the sequence diagram's arrows and lanes`;

/**
 * Puts `window.raft` in place. `page` lends what the console drives:
 * `{ act, onAction, step, setPlaying, setSpeed, redraw, shareLink, syncNetwork }`
 * (see main.js).
 */
export function installConsoleApi(page) {
  const { act } = page;
  const pg = () => store.pg;
  const calls = {
    help() {
      console.log(HELP);
      return HELP;
    },
    reset: (config = DEFAULT_CLUSTER) => act({ type: "reset", config }),
    step: () => page.step(),
    seek(ms) {
      act({ type: "seek", ms });
      return pg().now();
    },
    stepBack: () => page.stepBack(),
    /** Goes to just after step `step` of the run (what a click on a history row does). */
    seekStep(step) {
      act({ type: "seekStep", step });
      return pg().now();
    },
    markers: () => pg().markers(),
    position: () => pg().position(),
    /** A page of the lasting event list (a text filter may need a few calls: see `complete`). */
    history: ({ node, kind = "", text = "", offset = 0, limit = 50 } = {}) => pg().historyEvents(node, kind, text, offset, limit),
    historyStats: () => pg().historyStats(),
    clients: (fromMs = 0, toMs = pg().now()) => pg().clientHistory(fromMs, toMs),
    branches: () => pg().branches(),
    branch(index) {
      act({ type: "branch", index });
      return pg().now();
    },
    runFor(ms) {
      const t = pg().runFor(ms);
      page.redraw();
      return t;
    },
    runUntil(ms) {
      const t = pg().runUntil(ms);
      page.redraw();
      return t;
    },
    now: () => pg().now(),
    pause: () => page.setPlaying(false),
    play: () => page.setPlaying(true),
    speed(x) {
      if (x === undefined) return store.speed;
      if (typeof x !== "number" || !(x >= MIN_SPEED && x <= MAX_SPEED))
        throw new Error(`x must be a number from ${MIN_SPEED} to ${MAX_SPEED} (got ${JSON.stringify(x)})`);
      page.setSpeed(x);
      return store.speed;
    },
    partition: (groups) => act({ type: "partition", groups }),
    cut: (from, to) => act({ type: "cut", from, to }),
    restore: (from, to) => act({ type: "restore", from, to }),
    heal: () => act({ type: "heal" }),
    crash: (id) => act({ type: "crash", node: id }),
    restart: (id) => act({ type: "restart", node: id }),
    timeout: (id) => act({ type: "timeout", node: id }),
    write: (key, value, node) => act({ type: "write", key, value, node }),
    read: (key, node) => act({ type: "read", key, node }),
    del: (key, node) => act({ type: "delete", key, node }),
    drop: (id) => act({ type: "drop", id }),
    setNetwork(knobs) {
      act({ type: "network", knobs });
      page.syncNetwork();
    },
    setBug: (name, on) => act({ type: "bug", name, on }),
    /** PreVote / CheckQuorum on or off: setFeature("pre-vote", true). */
    setFeature(name, on) {
      act({ type: "feature", name, on });
      page.syncNetwork();
    },
    features: () => pg().features(),
    /** Reads through the log (default), by ReadIndex, or by lease: setReadMode("lease"). */
    setReadMode(mode) {
      act({ type: "readMode", mode });
    },
    /** Log compaction: a snapshot every `n` applied entries (0 = off). */
    setSnapshotThreshold(n) {
      act({ type: "snapshotThreshold", every: n });
      page.syncNetwork();
    },
    /** The leader hands its leadership to node `to` (§3.10). */
    transfer: (to) => act({ type: "transfer", to }),
    /** GC stop-the-world of one node (raft.pause() pauses the play loop). */
    pauseNode: (id) => act({ type: "pauseNode", node: id }),
    resumeNode: (id) => act({ type: "resumeNode", node: id }),
    /** Clock drift: node `id`'s timers run at `rate` × real time (0.25–4). */
    clockRate: (id, rate) => act({ type: "clockRate", node: id, rate }),
    nodeFaults: () => pg().nodeFaults(),
    /** Membership change (§4.1–4.2): the leader adds / removes node `id`. */
    addServer: (id) => act({ type: "addServer", node: id }),
    removeServer: (id) => act({ type: "removeServer", node: id }),
    bugs: () => pg().bugs(),
    /** A snapshot; each log holds its newest `maxLog` entries (200 unless
     * asked: `raft.view(Infinity)` for every entry, slow on a long run). */
    view: (maxLog = 200) => pg().view(50, maxLog === Infinity ? undefined : maxLog),
    traceHash: () => pg().traceHash(),
    /** The sequence diagram's data from `fromMs` to `toMs` as of now:
     * `{ nowMs, arrows: [{ id, from, to, kind, sentMs, endMs, outcome, reason,
     * rejected, term }], spans: [{ node, role, term, fromMs, toMs }], hiddenHeartbeats }`. */
    sequence: (fromMs, toMs, heartbeats = true) => decodeSequence(pg().sequence(fromMs, toMs, heartbeats), store.wasm.Playground.dropReasons()),
    leader: () => pg().leader() ?? null,
    actions: () => pg().actions(),
    /** The full URL that reopens this exact run (config, every action, the view). */
    link: () => page.shareLink(),
    /** Opens a scenario link (a URL or '#s=1.…'), or { json: text } / { preset: id }.
     * Throws an Error saying why when it cannot; the current cluster then stays. */
    load(link) {
      act({ type: "load", link });
      return pg().opened();
    },
    /** The gallery: [{ id, title, caption, durationMs }]. */
    presets: () => presets(),
    act,
    onAction(fn) {
      if (typeof fn !== "function") throw new Error("fn must be a function");
      page.onAction(fn);
    },
    /** Work per animation frame, ms, over the last ≤ 1000 frames: in total
     * (simulation + drawing) and drawing alone. */
    frameStats() {
      const { frameMs, drawMs } = store.clock;
      return {
        frames: frameMs.length,
        p50: quantile(frameMs, 0.5),
        p95: quantile(frameMs, 0.95),
        max: quantile(frameMs, 1),
        drawP50: quantile(drawMs, 0.5),
        drawP95: quantile(drawMs, 0.95),
      };
    },
    resetFrameStats() {
      store.clock.frameMs.length = 0;
      store.clock.drawMs.length = 0;
    },
  };
  window.raft = named(calls);
}

/** The calls, each throwing its errors as `raft.NAME: what was wrong`. */
function named(calls) {
  const api = {};
  for (const [name, call] of Object.entries(calls)) {
    api[name] = (...args) => {
      try {
        return call(...args);
      } catch (e) {
        throw new Error(`raft.${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    };
  }
  return api;
}

function quantile(list, p) {
  const s = [...list].sort((a, b) => a - b);
  return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(3) : 0;
}
