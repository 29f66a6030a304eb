// The client history (Porcupine style): a lane per client, a bar per request
// from its invoke to its acknowledgement (green), its failure (grey, crossed)
// or the cursor (still pending: open, dashed). Each bar says its op, a read's
// result and the log index where it took effect; a bar the linearizability
// checker blamed is outlined in red with a "!". The window ends at the cursor.
// The data comes from the Raft core (`clientHistory`), as of the cursor.

import { $, svg } from "./dom.js";

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
    const again = () => {
      this.key = "";
      redraw();
    };
    $("clients-window").addEventListener("change", again);
    this.card.addEventListener("toggle", again);
    addEventListener("resize", again);
  }

  /** Called every frame: draws only when the cursor, the window or the size changed. */
  render(pg) {
    if (!this.card.open) return;
    const width = this.svg.clientWidth || this.svg.parentElement.clientWidth || 600;
    const span = +$("clients-window").value;
    const pos = pg.position();
    const key = `${pos.step}|${pos.timeMs}|${span}|${width}|${pg.violationCount()}`;
    if (key === this.key) return;
    this.key = key;
    const to = pos.timeMs;
    const from = Math.max(0, to - span);
    this.draw(pg.clientHistory(from, to), from, Math.max(to, from + span), width);
  }

  draw(v, from, to, width) {
    const s = this.svg;
    const lanes = v.clients.length ? v.clients : [0];
    const height = TOP + lanes.length * LANE_H + 4;
    s.setAttribute("viewBox", `0 0 ${width} ${height}`);
    s.setAttribute("height", String(height));
    const x = (ms) => LEFT + ((ms - from) / (to - from)) * (width - LEFT - 6);
    const lane = new Map(lanes.map((c, i) => [c, TOP + i * LANE_H + (LANE_H - BAR_H) / 2]));
    const frag = document.createDocumentFragment();
    // Time axis: a tick per second (or per fifth of the window).
    const step = (to - from) / 5;
    for (let t = from; t <= to + 1e-6; t += step) {
      const tick = svg("g", { class: "cl-tick" }, frag);
      svg("line", { x1: x(t), x2: x(t), y1: TOP - 4, y2: height }, tick);
      svg("text", { x: x(t), y: 11 }, tick).textContent = `${(t / 1000).toFixed(t % 1000 ? 1 : 0)}s`;
    }
    for (const c of lanes) {
      const y = lane.get(c) + BAR_H / 2;
      svg("text", { class: "cl-lane", x: 4, y: y + 4 }, frag).textContent = c === 0 ? "you" : `c${c}`;
      svg("line", { class: "cl-laneline", x1: LEFT, x2: width - 6, y1: y, y2: y }, frag);
    }
    for (const b of v.bars) {
      const y = lane.get(b.client);
      if (y === undefined) continue;
      const x0 = Math.max(LEFT, x(b.invokedMs));
      const x1 = Math.max(x0 + 3, x(b.endMs ?? v.nowMs));
      const g = svg("g", { class: `cl-bar ${b.status} ${b.kind}${b.blamed ? " blamed" : ""}`, "data-client": b.client, "data-seq": b.seq }, frag);
      svg("title", null, g).textContent = describe(b);
      svg("rect", { x: x0, y, width: x1 - x0, height: BAR_H, rx: 3 }, g);
      for (const [t] of b.retries) svg("line", { class: "cl-retry", x1: x(t), x2: x(t), y1: y, y2: y + BAR_H }, g);
      if (b.status === "failed") svg("path", { class: "cl-cross", d: `M${x1 - 8} ${y + 4}l6 ${BAR_H - 8}m0 -${BAR_H - 8}l-6 ${BAR_H - 8}` }, g);
      if (x1 - x0 > 24) {
        const label = svg("text", { x: x0 + 4, y: y + 14 }, g);
        label.textContent = fit(b.label, (x1 - x0 - 8) / 6.2);
      }
      if (b.blamed) svg("text", { class: "cl-blame", x: x0 + 1, y: y - 1 }, g).textContent = "!";
    }
    s.replaceChildren(frag);
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
