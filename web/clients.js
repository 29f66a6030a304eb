// The client history (Porcupine style): a lane per client, a bar per request
// from its invoke to its acknowledgement (green), its failure (grey, crossed)
// or the cursor (still pending: open, dashed). Each bar says its op, a read's
// result and the log index where it took effect; a bar the linearizability
// checker blamed is outlined in red with a "!". The window ends at the cursor.
// The data comes from the Raft core (`clientHistory`), as of the cursor.

import { $, attr, svg, text } from "./dom.js";

const LANE_H = 30;
const TOP = 18; // room for the time axis
const LEFT = 40; // room for the lane names
const BAR_H = 20;

export class ClientHistory {
  /** `redraw()`: asks for a frame (the lanes draw in the page's frame). */
  constructor(redraw) {
    this.card = $("clients");
    this.svg = $("clients-svg");
    this.key = "";
    this.layoutKey = "";
    this.width = 600;
    this.bars = new Map(); // "client|seq" -> { g, rect, sig, pending }
    this.ticks = [];
    // Bars and ticks sit in a group laid out in ms from `origin` at a fixed
    // scale, so the window following the clock moves one transform; a bar is
    // rebuilt only when its request changed (a pending one stretches to now).
    this.lanes = svg("g", null, this.svg);
    const clipped = svg("g", { "clip-path": "url(#cl-clip)" }, this.svg); // right of the lane names
    this.axis = svg("g", null, clipped);
    this.plot = svg("g", null, clipped);
    this.origin = 0;
    this.scale = 0;
    const again = () => {
      this.key = "";
      redraw();
    };
    $("clients-window").addEventListener("change", again);
    this.card.addEventListener("toggle", again);
    new ResizeObserver(() => {
      const w = Math.round(this.svg.getBoundingClientRect().width);
      if (w > 0 && w !== this.width) {
        this.width = w;
        again();
      }
    }).observe(this.svg);
  }

  /** Called every frame: draws only when the cursor, the window or the size changed. */
  render(pg) {
    if (!this.card.open) return;
    const width = this.width;
    const span = +$("clients-window").value;
    const pos = pg.position();
    const key = `${pos.step}|${pos.timeMs}|${span}|${width}|${pg.violationCount()}`;
    if (key === this.key) return;
    this.key = key;
    const to = pos.timeMs;
    const from = Math.max(0, to - span);
    this.draw(pg.clientHistory(from, to), from, Math.max(to, from + span), width, span);
  }

  draw(v, from, to, width, span) {
    const lanes = v.clients.length ? v.clients : [0];
    const height = TOP + lanes.length * LANE_H + 4;
    const scale = (width - LEFT - 6) / span;
    const layoutKey = `${lanes.join(",")}|${width}|${span}`;
    if (layoutKey !== this.layoutKey || from < this.origin) this.layOut(lanes, width, height, scale, from, layoutKey);
    this.lane = new Map(lanes.map((c, i) => [c, TOP + i * LANE_H + (LANE_H - BAR_H) / 2]));
    const shift = LEFT - (from - this.origin) * scale;
    attr(this.plot, "transform", `translate(${shift.toFixed(2)} 0)`);
    attr(this.axis, "transform", `translate(${shift.toFixed(2)} 0)`);
    this.drawTicks(from, to, height);
    const x = (ms) => (ms - this.origin) * scale;
    const seen = new Set();
    for (const b of v.bars) {
      const y = this.lane.get(b.client);
      if (y === undefined) continue;
      const id = `${b.client}|${b.seq}`;
      seen.add(id);
      const sig = `${b.status}|${b.endMs}|${b.blamed}|${b.label}|${b.retries.length}|${b.invokedMs < from}`;
      let bar = this.bars.get(id);
      if (!bar || bar.sig !== sig) {
        bar?.g.remove();
        bar = this.makeBar(b, y, x, Math.max(x(b.invokedMs), x(from)), v.nowMs);
        bar.sig = sig;
        this.bars.set(id, bar);
      } else if (bar.pending) {
        // Still pending: it reaches the cursor.
        attr(bar.rect, "width", Math.max(3, x(v.nowMs) - bar.x0).toFixed(1));
      }
    }
    for (const [id, bar] of this.bars)
      if (!seen.has(id)) {
        bar.g.remove();
        this.bars.delete(id);
      }
  }

  /** Lanes, size and the plot's origin: afresh when the clients, the width or
   * the window's span changed (or the window went back before the origin). */
  layOut(lanes, width, height, scale, from, layoutKey) {
    this.layoutKey = layoutKey;
    this.origin = from;
    this.scale = scale;
    const s = this.svg;
    s.setAttribute("viewBox", `0 0 ${width} ${height}`);
    s.setAttribute("height", String(height));
    for (const bar of this.bars.values()) bar.g.remove();
    this.bars.clear();
    for (const t of this.ticks) t.g.remove();
    this.ticks = [];
    const frag = document.createDocumentFragment();
    lanes.forEach((c, i) => {
      const y = TOP + i * LANE_H + LANE_H / 2;
      svg("text", { class: "cl-lane", x: 4, y: y + 4 }, frag).textContent = c === 0 ? "you" : `c${c}`;
      svg("line", { class: "cl-laneline", x1: LEFT, x2: width - 6, y1: y, y2: y }, frag);
    });
    const clip = svg("clipPath", { id: "cl-clip" }, svg("defs", null, frag));
    svg("rect", { x: LEFT, y: 0, width: width - LEFT, height }, clip);
    this.lanes.replaceChildren(frag);
  }

  /** A tick per fifth of the window, at round times, so a tick keeps its
   * place (and its label) while the window slides. */
  drawTicks(from, to, height) {
    const step = (to - from) / 5;
    const x = (ms) => (ms - this.origin) * this.scale;
    let used = 0;
    for (let t = Math.ceil(from / step) * step; t <= to + 1e-6; t += step) {
      let tick = this.ticks[used];
      if (!tick) {
        tick = { g: svg("g", { class: "cl-tick" }, this.axis) };
        tick.line = svg("line", { y1: TOP - 4 }, tick.g);
        tick.text = svg("text", { y: 11 }, tick.g);
        this.ticks.push(tick);
      }
      used++;
      // A tick at the left edge would show half its label: hidden.
      attr(tick.g, "display", (t - from) * this.scale < 12 ? "none" : "inline");
      attr(tick.line, "x1", x(t).toFixed(1));
      attr(tick.line, "x2", x(t).toFixed(1));
      attr(tick.line, "y2", String(height));
      attr(tick.text, "x", x(t).toFixed(1));
      text(tick.text, `${(t / 1000).toFixed(t % 1000 ? 1 : 0)}s`);
    }
    for (let i = used; i < this.ticks.length; i++) attr(this.ticks[i].g, "display", "none");
  }

  makeBar(b, y, x, x0, nowMs) {
    const pending = b.status === "pending";
    const x1 = Math.max(x0 + 3, x(b.endMs ?? nowMs));
    const g = svg("g", { class: `cl-bar ${b.status} ${b.kind}${b.blamed ? " blamed" : ""}`, "data-client": b.client, "data-seq": b.seq }, this.plot);
    svg("title", null, g).textContent = describe(b);
    const rect = svg("rect", { x: x0, y, width: x1 - x0, height: BAR_H, rx: 3 }, g);
    for (const [t] of b.retries) svg("line", { class: "cl-retry", x1: x(t), x2: x(t), y1: y, y2: y + BAR_H }, g);
    if (b.status === "failed") svg("path", { class: "cl-cross", d: `M${x1 - 8} ${y + 4}l6 ${BAR_H - 8}m0 -${BAR_H - 8}l-6 ${BAR_H - 8}` }, g);
    // A pending bar grows; its label is sized for a finished one's room.
    if (x1 - x0 > 24 || pending) {
      const label = svg("text", { x: x0 + 4, y: y + 14 }, g);
      label.textContent = fit(b.label, pending ? b.label.length : (x1 - x0 - 8) / 6.2);
    }
    if (b.blamed) svg("text", { class: "cl-blame", x: x0 + 1, y: y - 1 }, g).textContent = "!";
    return { g, rect, pending, x0 };
  }
}

/** The tooltip: everything about a request, in words. */
function describe(b) {
  const who = b.client === 0 ? "your" : `client ${b.client}'s`;
  const at = `invoked at ${b.invokedMs.toFixed(1)} ms on S${b.to}`;
  const retries = b.retries.length ? `, retried ${b.retries.map(([t, n]) => `at ${t.toFixed(1)} ms on S${n}`).join(", ")}` : "";
  let end;
  if (b.status === "ok") {
    const result = b.result !== null && b.result !== undefined ? `, returned ${b.result}` : "";
    end = `acknowledged at ${b.endMs.toFixed(1)} ms: took effect at log index ${b.index}${result}`;
  } else if (b.status === "failed") end = `failed at ${b.endMs.toFixed(1)} ms: ${b.reason}`;
  else end = "no answer yet";
  const blame = b.blamed ? " The linearizability checker names it in a counterexample." : "";
  return `${who} request #${b.seq}: ${b.op}, ${at}${retries}; ${end}.${blame}`;
}

/** Cuts `s` to about `chars` characters. */
function fit(s, chars) {
  if (s.length <= chars) return s;
  return chars < 2 ? "" : `${s.slice(0, Math.max(1, Math.floor(chars) - 1))}…`;
}
