// What the page holds between frames, in one object: the wasm handle, the last
// view, the clock and what the person has selected. The simulation itself lives
// in Rust behind `store.pg`; it changes only through `act()` (main.js). The
// fields here are the page's own (play, speed, selection, the split editor).

/** The clock's speed range: simulated ms per real ms. */
export const MIN_SPEED = 0.01;
export const MAX_SPEED = 100;

/** The cluster the page opens with (and `raft.reset()` makes). */
export const DEFAULT_CLUSTER = { nodes: 5, seed: 1 };

/**
 * A selection is `{ kind: "node", id }` (a node id, 1..N),
 * `{ kind: "msg", id }` (a message id while it is in flight),
 * `{ kind: "link", id: "a-b", a, b }` (a link, a < b), or null.
 */
export const store = {
  /** The wasm-bindgen exports, once the wasm has loaded. */
  wasm: null,
  /** The Playground handle: the one simulated cluster (freed when replaced). */
  pg: null,
  /** The last frame view (`pg.frameView`), as drawn. */
  view: null,
  playing: true,
  /** Between MIN_SPEED and MAX_SPEED. */
  speed: 0.1,
  /** What the inspector shows (see above). */
  selection: null,
  /** The person picked the selection (a phone then shows the inspector sheet). */
  sheet: false,
  /** While the split editor is open: Map node id -> group letter "A" | "B" | "C". */
  split: null,
  /** Cut mode (touch screens): a tap on a link cuts it instead of showing it. */
  cutMode: false,
  /** After "Go to just before": Set of the node ids the violation names (ringed until the next action). */
  culprits: null,
  /** The animation loop (main.js). */
  clock: {
    /** rAF timestamp of the previous playing frame; null after a pause or a hidden tab. */
    last: null,
    /** The pending requestAnimationFrame id, 0 when none. */
    raf: 0,
    /** The next frame must draw even when paused. */
    dirty: true,
    /** ms of work per frame (simulation + drawing), and of drawing alone: the last ≤ 1000. */
    frameMs: [],
    drawMs: [],
    /** The speed reached over the last half second of play (null: not measured). */
    reached: null,
    /** "Next phase": the clock stops at this time (ms), then clears it; null: runs on. */
    stopAt: null,
  },
};

/** The id selected of this kind ("node" or "msg"), or 0. */
export function selectedId(kind) {
  return store.selection?.kind === kind ? store.selection.id : 0;
}

/** Whether two selections (or nulls) name the same thing. */
export function sameSelection(a, b) {
  return a?.kind === b?.kind && a?.id === b?.id;
}
