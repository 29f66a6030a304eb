// The sequence diagram: a lane per node (and one for the clients), time running
// right, each message an arrow from the moment it was sent to the moment it
// arrived; a dropped one ends in a red cross (the simulator's reason on hover),
// a rejected reply is dashed, one still in flight is faint and runs to when it
// is due. Lanes are shaded by each node's role and term; a line marks now.
//
// It reads the façade's `sequence(fromMs, toMs, heartbeats)` (the timeline's
// message records as of the cursor: after a seek back it shows the run up to
// there, nothing of the abandoned future). Only the visible window is asked
// for and drawn; arrows are kept by message id and sit in a group in pixels
// from a fixed origin, so following the clock moves one transform, not every
// arrow. Zoom: wheel, + / − (buttons or keys); pan: drag, Shift+wheel, ← / →
// (buttons or keys on the focused diagram); "Now" follows the clock again.
// Click an arrow (or [ / ] on the focused diagram): the message in the inspector;
// click elsewhere on a lane: seek there.

import { $, attr, klass, svg, termColor, text } from "./dom.js";

const LABEL_W = 54; // lane labels, left of the plot
const AXIS_H = 16;
const MIN_SPAN = 5; // ms
const MAX_SPAN = 10_000;
const MAX_ARROWS = 1500; // drawn at most (the newest); a busy 9-node cluster sends ~3 a ms
const FOLLOW_AHEAD = 0.12; // while following, this much of the window lies ahead of now
const HEADER = 5; // numbers before the arrows (present::sequence::PACK_HEADER)
const ARROW = 11; // numbers per arrow (ARROW_STRIDE)
const SPAN = 5; // numbers per lane span (SPAN_STRIDE)
const kindName = (code) => window.wasmBindings.MessageKind[code];
/** Colours as on the ring (style.css .k-*): a request and its reply share one. */
const FAMILY = {
  RequestVote: "RequestVote",
  RequestVoteReply: "RequestVote",
  PreVote: "RequestVote",
  PreVoteReply: "RequestVote",
  AppendEntries: "AppendEntries",
  AppendEntriesReply: "AppendEntries",
  Heartbeat: "Heartbeat",
  ClientRequest: "ClientRequest",
  ClientReply: "ClientRequest",
  TimeoutNow: "Legend",
};
const ROLES = { "-1": "crashed", 0: "follower", 1: "candidate", 2: "leader", 3: "precandidate" };

export class SequencePanel {
  /** `act(action)`: the page's path for moves (seek); `pick(id)`: select
   * message `id`; `now()`: the clock (ms); `redraw()`: draw again soon. */
  constructor({ act, pick, now, redraw }) {
    this.act = act;
    this.pick = pick;
    this.now = now;
    this.onMove = redraw;
    this.card = $("sequence");
    this.svg = $("seq-svg");
    this.lanesBg = $("seq-spans");
    this.labels = $("seq-labels");
    this.plot = $("seq-plot");
    this.axis = $("seq-axis");
    this.cursor = $("seq-cursor");
    this.readout = $("seq-readout");
    this.heartbeats = $("seq-hb");
    this.span = 400; // ms shown
    this.end = null; // the window's end (ms) when not following the clock
    this.width = 600;
    this.nodes = 0;
    this.arrows = new Map(); // message id -> { g, sig, data }
    this.spanPool = [];
    this.tickPool = [];
    this.key = "";
    this.scale = 0; // px per ms the arrows are laid out at (0: lay out afresh)
    this.origin = 0; // ms at x = 0 of the plot group
    this.reasons = null;
    this.selected = 0;
    this.wire();
    new ResizeObserver(() => {
      const w = Math.round(this.svg.getBoundingClientRect().width);
      if (w > 0 && w !== this.width) {
        this.width = w;
        this.scale = 0;
        this.key = "";
      }
    }).observe(this.svg);
  }

  /** Lanes for a new cluster of `n` nodes. */
  reset(n) {
    this.nodes = n;
    this.end = null;
    this.clear();
    this.labels.replaceChildren();
    for (let lane = 0; lane <= n; lane++) {
      const t = svg("text", { x: 4, y: this.laneY(lane) + 4, class: "seq-label" }, this.labels);
      t.textContent = lane === 0 ? "clients" : `S${lane}`;
    }
    const h = this.height();
    attr(this.svg, "height", String(h));
    attr(this.svg, "viewBox", `0 0 ${this.width} ${h}`);
  }

  clear() {
    for (const a of this.arrows.values()) {
      a.line.remove();
      a.cross?.remove();
    }
    this.arrows.clear();
    this.scale = 0;
    this.key = "";
  }

  laneH() {
    return this.nodes > 7 ? 15 : 18;
  }
  /** Clients on the bottom lane, S1 … Sn above it. */
  laneY(lane) {
    const row = lane === 0 ? this.nodes : lane - 1;
    return AXIS_H + row * this.laneH() + this.laneH() / 2;
  }
  height() {
    return AXIS_H + (this.nodes + 1) * this.laneH() + 2;
  }

  /** The window [from, to] (ms) for now `now`: it never starts before 0, and
   * it is always `span` wide (the scale is the zoom's alone). */
  window(now) {
    const to = this.end ?? now + this.span * FOLLOW_AHEAD;
    return [Math.max(0, to - this.span), Math.max(this.span, to)];
  }

  render(pg) {
    if (!this.card.open || this.nodes === 0) return;
    const now = pg.now();
    const [from, to] = this.window(now);
    const hb = this.heartbeats.checked;
    const key = `${pg.position().step}|${now}|${from}|${to}|${hb}|${this.width}|${this.selected}`;
    if (key === this.key) return;
    this.key = key;
    const data = pg.sequence(from, to, hb);
    this.reasons ??= pg.constructor.dropReasons();
    const plotW = Math.max(40, this.width - LABEL_W - 4);
    // The scale is the zoom's alone (never recomputed from the window's ends,
    // whose difference rounds differently every frame): arrows are laid out
    // again only when it changes.
    const k = plotW / this.span;
    if (k !== this.scale) {
      this.clear();
      this.key = key;
      this.scale = k;
      this.origin = from;
    }
    const dx = LABEL_W + (this.origin - from) * k;
    attr(this.plot, "transform", `translate(${dx.toFixed(2)} 0)`);
    attr(this.plot, "clip-path", "url(#seq-clip)");
    attr($("seq-clip-rect"), "width", String(plotW));
    attr($("seq-clip-rect"), "x", String(-dx + LABEL_W));
    attr($("seq-clip-rect"), "height", String(this.height()));
    const h = this.height();
    attr(this.svg, "height", String(h));
    attr(this.svg, "viewBox", `0 0 ${this.width} ${h}`);
    this.drawArrows(data);
    this.drawSpans(data, from, k);
    this.drawAxis(from, to, k);
    const cx = LABEL_W + (now - from) * k;
    attr(this.cursor, "x1", cx.toFixed(1));
    attr(this.cursor, "x2", cx.toFixed(1));
    attr(this.cursor, "y2", String(h));
    const hidden = data[1];
    text($("seq-span"), `${fmtSpan(this.span)}${hb || !hidden ? "" : ` · ${hidden} heartbeat${hidden === 1 ? "" : "s"} hidden`}${data[2] ? " · older messages forgotten" : ""}${this.notDrawn ? ` · ${this.notDrawn} older not drawn (zoom in)` : ""}`);
    $("seq-now").setAttribute("aria-pressed", String(this.end === null));
  }

  px(t) {
    return (t - this.origin) * this.scale;
  }

  /** One element per arrow (a line; a dropped one has a cross beside it),
   * made or changed only when its message is new or its end changed. At most
   * MAX_ARROWS, the newest: zoomed far out, the rest are counted, not drawn. */
  drawArrows(data) {
    const n = data[3];
    const first = Math.max(0, n - MAX_ARROWS);
    this.notDrawn = first;
    // Numbers compared in place and a generation mark instead of a key string
    // and a set per arrow: most arrows are unchanged from the last frame.
    const gen = (this.gen = (this.gen ?? 0) + 1);
    for (let i = first; i < n; i++) {
      const o = HEADER + i * ARROW;
      const id = data[o];
      const sel = id === this.selected;
      let a = this.arrows.get(id);
      if (a) {
        a.gen = gen;
        if (a.end === data[o + 5] && a.outcome === data[o + 6] && a.sel === sel) continue;
      } else {
        a = { line: svg("line", {}, this.plot), cross: null, gen };
        a.line.dataset.id = String(id);
        this.arrows.set(id, a);
      }
      a.end = data[o + 5];
      a.outcome = data[o + 6];
      a.sel = sel;
      a.data = Array.from(data.subarray(o, o + ARROW));
      this.drawArrow(a);
    }
    for (const [id, a] of this.arrows)
      if (a.gen !== gen) {
        a.line.remove();
        a.cross?.remove();
        this.arrows.delete(id);
      }
  }

  drawArrow(a) {
    const [id, from, to, kind, sent, end, outcome, , rejected, , due] = a.data;
    const name = kindName(kind);
    const y1 = this.laneY(from);
    let y2 = this.laneY(to);
    const x1 = this.px(sent);
    let x2 = this.px(end);
    if (outcome === 2) {
      // Dropped on the way: the line stops where the message was when it was
      // lost (a drop as it is sent gets a short stub towards its receiver).
      const f = due > sent ? Math.min(1, Math.max(0, (end - sent) / (due - sent))) : 1;
      y2 = y1 + (y2 - y1) * f;
      if (x2 - x1 < 6) {
        x2 = x1 + 6;
        y2 = y1 + Math.sign(this.laneY(to) - y1) * 5;
      }
    }
    const line = a.line;
    klass(
      line,
      `seq-arrow k-${FAMILY[name] ?? "Legend"}${outcome === 0 ? " flying" : ""}${outcome === 2 ? " dropped" : ""}${rejected ? " fail" : ""}${id === this.selected ? " sel" : ""}`,
    );
    attr(line, "x1", x1.toFixed(1));
    attr(line, "y1", String(y1));
    attr(line, "x2", x2.toFixed(1));
    attr(line, "y2", y2.toFixed(1));
    a.seg = [x1, y1, x2, y2];
    if (outcome === 2 && !a.cross) {
      a.cross = svg("path", { class: "seq-cross" }, this.plot);
      a.cross.dataset.id = String(id);
    }
    if (a.cross) attr(a.cross, "d", `M${x2 - 4} ${y2 - 4}l8 8m0 -8l-8 8`);
  }

  /** The arrow under client point (x, y): the element hit, else the nearest
   * line within a few pixels (lines are thin). */
  arrowAt(target, clientX, clientY) {
    const direct = this.arrows.get(+(target?.dataset?.id ?? 0));
    if (direct) return direct;
    const r = this.svg.getBoundingClientRect();
    const dx = +(this.plot.getAttribute("transform")?.match(/translate\(([-\d.]+)/)?.[1] ?? 0);
    const px = clientX - r.left - dx;
    const py = clientY - r.top;
    let best = null;
    let bestD = 6;
    for (const a of this.arrows.values()) {
      const d = distance(px, py, a.seg);
      if (d < bestD) {
        bestD = d;
        best = a;
      }
    }
    return best;
  }

  drawSpans(data, from, k) {
    const n = data[4];
    const base = HEADER + data[3] * ARROW;
    const h = this.laneH();
    let used = 0;
    for (let i = 0; i < n; i++) {
      const o = base + i * SPAN;
      const [node, role, term, start, stop] = data.subarray(o, o + SPAN);
      const x = LABEL_W + (start - from) * k;
      const w = Math.max(0, (stop - start) * k);
      if (w < 0.5) continue;
      const s = this.spanPool[used] ?? (this.spanPool[used] = makeSpan(this.lanesBg));
      used++;
      s.g.removeAttribute("display");
      const y = this.laneY(node) - h / 2 + 1;
      attr(s.rect, "x", x.toFixed(1));
      attr(s.rect, "y", String(y));
      attr(s.rect, "width", w.toFixed(1));
      attr(s.rect, "height", String(h - 2));
      const r = ROLES[role];
      klass(s.g, `seq-role ${r}`);
      attr(s.rect, "fill", role < 0 ? "var(--line)" : termColor(term));
      const label = role === 2 ? `leader · term ${term}` : role === 1 ? `candidate · term ${term}` : role < 0 ? "crashed" : w > 90 ? `term ${term}` : "";
      const shown = w > label.length * 7 + 8 ? label : "";
      text(s.text, shown);
      attr(s.text, "x", (Math.max(x, LABEL_W) + 4).toFixed(1));
      attr(s.text, "y", String(y + h / 2 + 2));
    }
    for (let i = used; i < this.spanPool.length; i++) this.spanPool[i].g.setAttribute("display", "none");
  }

  drawAxis(from, to, k) {
    const step = niceStep((to - from) / Math.max(2, Math.floor((this.width - LABEL_W) / 90)));
    let used = 0;
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
      const tick = this.tickPool[used] ?? (this.tickPool[used] = makeTick(this.axis));
      used++;
      tick.g.removeAttribute("display");
      const x = LABEL_W + (t - from) * k;
      attr(tick.line, "x1", x.toFixed(1));
      attr(tick.line, "x2", x.toFixed(1));
      attr(tick.line, "y2", String(this.height()));
      attr(tick.text, "x", x.toFixed(1));
      text(tick.text, fmtTick(t, step));
    }
    for (let i = used; i < this.tickPool.length; i++) this.tickPool[i].g.setAttribute("display", "none");
  }

  /** The arrow `id` is drawn as selected (the inspector shows it). */
  select(id) {
    this.selected = id;
  }

  // ----- Moving the window --------------------------------------------------------

  zoom(factor, atMs = null) {
    const now = this.now();
    const [from, to] = this.window(now);
    const span = Math.min(MAX_SPAN, Math.max(MIN_SPAN, this.span * factor));
    if (this.end !== null || atMs !== null) {
      const pivot = atMs ?? (from + to) / 2;
      const f = (pivot - from) / (to - from);
      this.end = Math.max(span, pivot + (1 - f) * span);
    }
    this.span = span;
    this.key = "";
    this.onMove();
  }

  pan(fraction) {
    const [, to] = this.window(this.now());
    this.end = Math.max(this.span, to + fraction * this.span);
    this.key = "";
    this.onMove();
  }

  follow() {
    this.end = null;
    this.key = "";
    this.onMove();
  }

  /** The time (ms) at client x, within the plot. */
  timeAt(clientX) {
    const r = this.svg.getBoundingClientRect();
    const [from, to] = this.window(this.now());
    const x = clientX - r.left - LABEL_W;
    return from + (x / Math.max(1, r.width - LABEL_W - 4)) * (to - from);
  }

  wire() {
    $("seq-in").onclick = () => this.zoom(0.5);
    $("seq-out").onclick = () => this.zoom(2);
    $("seq-back").onclick = () => this.pan(-0.5);
    $("seq-fwd").onclick = () => this.pan(0.5);
    $("seq-now").onclick = () => this.follow();
    this.heartbeats.onchange = () => {
      this.key = "";
      this.onMove();
    };
    this.card.addEventListener("toggle", () => {
      this.key = "";
      this.onMove();
    });
    this.svg.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) this.pan((e.deltaX || e.deltaY) > 0 ? 0.15 : -0.15);
        else this.zoom(e.deltaY > 0 ? 1.25 : 0.8, this.timeAt(e.clientX));
      },
      { passive: false },
    );
    let drag = null;
    this.svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, moved: false, end: this.window(this.now())[1], target: e.target };
      try {
        this.svg.setPointerCapture(e.pointerId);
      } catch {
        // A pointer the browser does not track (a synthetic event): no capture needed.
      }
    });
    this.svg.addEventListener("pointermove", (e) => {
      if (drag) {
        const dx = e.clientX - drag.x;
        if (Math.abs(dx) > 4) drag.moved = true;
        if (drag.moved) {
          const r = this.svg.getBoundingClientRect();
          this.end = Math.max(this.span, drag.end - (dx / Math.max(1, r.width - LABEL_W)) * this.span);
          this.key = "";
          this.onMove();
        }
        return;
      }
      this.hover(e);
    });
    const up = (e) => {
      if (!drag) return;
      const { moved, target } = drag;
      drag = null;
      if (moved || e.type === "pointercancel") return;
      const hit = this.arrowAt(target, e.clientX, e.clientY);
      if (hit) return this.pick(hit.data[0]);
      const r = this.svg.getBoundingClientRect();
      if (e.clientX - r.left < LABEL_W) return;
      const ms = Math.max(0, Math.round(this.timeAt(e.clientX) * 1000) / 1000);
      this.end ??= this.window(this.now())[1]; // stay on the clicked instant's window
      this.act({ type: "seek", ms });
    };
    this.svg.addEventListener("pointerup", up);
    this.svg.addEventListener("pointercancel", up);
    this.svg.addEventListener("pointerleave", () => text(this.readout, ""));
    // Keys on the focused diagram move the window (and do not step the run).
    this.svg.addEventListener("keydown", (e) => {
      const keys = {
        "+": () => this.zoom(0.5),
        "=": () => this.zoom(0.5),
        "-": () => this.zoom(2),
        ArrowLeft: () => this.pan(e.shiftKey ? -1 : -0.25),
        ArrowRight: () => this.pan(e.shiftKey ? 1 : 0.25),
        n: () => this.follow(),
        Home: () => this.follow(),
        "[": () => this.stepArrow(-1),
        "]": () => this.stepArrow(1),
      };
      const f = keys[e.key];
      if (!f || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      e.stopPropagation();
      f();
    });
  }

  /** Keyboard: selects the arrow sent before (-1) or after (+1) the selected
   * one (from the newest drawn when none is), shows it in the inspector and
   * says it in the readout. */
  stepArrow(dir) {
    const drawn = [...this.arrows.values()].map((a) => a.data).sort((a, b) => a[4] - b[4] || a[0] - b[0]);
    if (!drawn.length) return text(this.readout, "No message in this window: zoom out or move it.");
    const at = drawn.findIndex((d) => d[0] === this.selected);
    const next = drawn[at < 0 ? (dir > 0 ? 0 : drawn.length - 1) : Math.max(0, Math.min(drawn.length - 1, at + dir))];
    if (next[0] !== this.selected) this.pick(next[0]);
    text(this.readout, describe(next, this.reasons));
  }

  hover(e) {
    const a = this.arrowAt(e.target, e.clientX, e.clientY);
    text(this.readout, a ? describe(a.data, this.reasons) : "");
  }
}

/** Distance from (x, y) to segment [x1, y1, x2, y2]. */
function distance(x, y, [x1, y1, x2, y2]) {
  const vx = x2 - x1;
  const vy = y2 - y1;
  const len = vx * vx + vy * vy;
  const t = len ? Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / len)) : 0;
  return Math.hypot(x - (x1 + t * vx), y - (y1 + t * vy));
}

/** One arrow in words (the hover readout). */
function describe(d, reasons) {
  const [id, from, to, kind, sent, end, outcome, reason, rejected, term] = d;
  const lane = (l) => (l === 0 ? "client" : `S${l}`);
  const how = outcome === 0 ? `due ${end.toFixed(1)} ms` : outcome === 1 ? `delivered ${end.toFixed(1)} ms` : `dropped ${end.toFixed(1)} ms: ${reasons?.[reason] ?? "?"}`;
  return `#${id} ${kindName(kind)}${rejected ? " (rejected)" : ""} ${lane(from)} → ${lane(to)}${term ? `, term ${term}` : ""}: sent ${sent.toFixed(1)} ms, ${how}`;
}

/** The packed `sequence` data as objects (the console's `raft.sequence`). Lane 0 is the clients. */
export function decodeSequence(d, reasons) {
  const arrows = [];
  const spans = [];
  for (let i = 0; i < d[3]; i++) {
    const [id, from, to, kind, sentMs, endMs, outcome, reason, rejected, term, dueMs] = d.subarray(HEADER + i * ARROW, HEADER + (i + 1) * ARROW);
    arrows.push({ id, from, to, kind: kindName(kind), sentMs, endMs, dueMs, outcome: ["in flight", "delivered", "dropped"][outcome], reason: reason >= 0 ? reasons[reason] : null, rejected: !!rejected, term });
  }
  const base = HEADER + d[3] * ARROW;
  for (let i = 0; i < d[4]; i++) {
    const [node, role, term, fromMs, toMs] = d.subarray(base + i * SPAN, base + (i + 1) * SPAN);
    spans.push({ node, role: ROLES[role], term, fromMs, toMs });
  }
  return { nowMs: d[0], hiddenHeartbeats: d[1], truncated: !!d[2], arrows, spans };
}

function makeSpan(parent) {
  const g = svg("g", {}, parent);
  return { g, rect: svg("rect", {}, g), text: svg("text", { class: "seq-role-label" }, g) };
}

function makeTick(parent) {
  const g = svg("g", { class: "seq-tick" }, parent);
  return { g, line: svg("line", { y1: AXIS_H - 3 }, g), text: svg("text", { y: AXIS_H - 5 }, g) };
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function fmtTick(t, step) {
  if (step >= 1000) return `${(t / 1000).toFixed(step >= 1000 ? 0 : 1)} s`;
  return `${Math.round(t * 1000) / 1000} ms`;
}

function fmtSpan(ms) {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s shown` : `${+ms.toFixed(1)} ms shown`;
}

