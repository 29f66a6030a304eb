// The cluster drawing: nodes on a ring, messages in flight, partitions and cut
// links, all in one SVG. Elements are created once and keyed (node id, message
// id, link pair); each frame only changes what moved or changed.

import { $, attr, klass, style, svg, termColor, text } from "./dom.js";

const C = 300; // centre of the 600 × 600 view box
const R = 212; // ring radius
const NR = 32; // node radius
const TIMER_R = 41;
const TIMER_LEN = 2 * Math.PI * TIMER_R;
const CLIENT = { x: C, y: C, r: 26 };
const CROWN = "M-12 -50 L-12 -40 L12 -40 L12 -50 L6 -44 L0 -52 L-6 -44 Z";
/** A message kind's name by its code: the wasm export `MessageKind` maps each code to its name. */
const kindName = (code) => window.wasmBindings.MessageKind[code];
const FAMILY = {
  RequestVote: "RequestVote",
  RequestVoteReply: "RequestVote",
  AppendEntries: "AppendEntries",
  AppendEntriesReply: "AppendEntries",
  Heartbeat: "Heartbeat",
  ClientRequest: "ClientRequest",
  ClientReply: "ClientRequest",
};
const MAX_BURSTS = 40;

export class Cluster {
  /** `onPick(what)` on clicks: a node, a message or a link (see `parsePick`), or null. */
  constructor(onPick) {
    this.hulls = $("hulls");
    this.links = $("links");
    this.nodesG = $("nodes");
    this.msgsG = $("msgs");
    this.bursts = $("bursts");
    this.msgs = new Map();
    this.protos = [];
    this.pool = [];
    this.stamp = 0;
    $("cluster").addEventListener("click", (e) => {
      const t = e.target.closest("[data-pick]");
      onPick(t ? parsePick(t.dataset.pick) : null);
    });
  }

  /** Starts over with `n` nodes. */
  reset(n) {
    for (const g of [this.hulls, this.links, this.nodesG, this.msgsG, this.bursts]) g.replaceChildren();
    this.msgs.clear();
    this.pool = [];
    this.n = n;
    this.pos = [];
    this.layoutSig = null;
    this.cutSig = null;
    this.nodes = [null];
    for (let id = 1; id <= n; id++) this.nodes.push(makeNode(this.nodesG, id));
    this.linkEls = [];
    for (let a = 1; a <= n; a++)
      for (let b = a + 1; b <= n; b++) {
        const g = svg("g", { class: "link", "data-pick": `link:${a}-${b}` }, this.links);
        g.a = a;
        g.b = b;
        g.hit = svg("line", { class: "hit" }, g);
        g.line = svg("line", { class: "wire" }, g);
        this.linkEls.push(g);
      }
    // Place the nodes now, before any style is computed, so they do not glide
    // in from the corner (the transition is for partitions re-arranging them).
    this.layout([]);
  }

  /**
   * Draws view `v` and the packed messages. `ui`: { selection: { kind: "node" | "msg", id } or null,
   * bad: Set of node ids a violation names, split: Map id -> group letter while splitting }.
   */
  render(v, packed, ui) {
    this.layout(v.partition.groups);
    this.drawLinks(v.partition);
    for (const n of v.nodes) this.drawNode(n, v, ui);
    this.drawMessages(v, packed, ui.selection?.kind === "msg" ? ui.selection.id : 0);
  }

  layout(groups) {
    const sig = JSON.stringify(groups);
    if (sig === this.layoutSig) return;
    this.layoutSig = sig;
    // Groups sit together on the ring with a gap between them, so a partition
    // reads at a glance.
    let slots = [];
    if (groups.length > 1) for (const g of groups) slots.push(...g, 0);
    else for (let id = 1; id <= this.n; id++) slots.push(id);
    const k = slots.length;
    slots.forEach((id, i) => {
      if (!id) return;
      const a = -Math.PI / 2 + (2 * Math.PI * i) / k;
      this.pos[id] = { x: C + R * Math.cos(a), y: C + R * Math.sin(a), a };
    });
    for (let id = 1; id <= this.n; id++) {
      const p = this.pos[id];
      style(this.nodes[id], "transform", `translate(${p.x.toFixed(1)}px,${p.y.toFixed(1)}px)`);
    }
    this.drawHulls(groups);
    this.cutSig = null;
    this.paths = new Map();
    for (const e of this.msgs.values()) e.path = null;
  }

  drawHulls(groups) {
    this.hulls.replaceChildren();
    if (groups.length < 2) return;
    groups.forEach((g, i) => {
      const pts = g.map((id) => this.pos[id]);
      const d =
        pts.map((p, j) => `${j ? "L" : "M"}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join("") +
        (pts.length > 2 ? "Z" : "");
      svg("path", { d, class: `hull-edge h${i % 3}` }, this.hulls);
      svg("path", { d, class: `hull h${i % 3}` }, this.hulls);
      // The label sits inside the ring, between the group and the centre.
      const cx = pts.reduce((s, p) => s + p.x, 0) / pts.length;
      const cy = pts.reduce((s, p) => s + p.y, 0) / pts.length;
      const dist = Math.hypot(C - cx, C - cy) || 1;
      const pull = Math.min(dist * 0.6, pts.length === 1 ? 104 : 74);
      const lx = cx + ((C - cx) / dist) * pull;
      const ly = cy + ((C - cy) / dist) * pull;
      const majority = g.length * 2 > this.n;
      const t = svg(
        "text",
        { class: "hull-label", x: lx.toFixed(1), y: (ly + 4).toFixed(1) },
        this.hulls,
      );
      t.textContent = `${majority ? "majority" : "minority"} ${g.length}/${this.n}`;
    });
  }

  drawLinks(partition) {
    const sig = JSON.stringify(partition);
    if (sig === this.cutSig) return;
    this.cutSig = sig;
    const cut = new Set(partition.cuts.map(([a, b]) => `${a}-${b}`));
    const group = new Map();
    partition.groups.forEach((g, i) => g.forEach((id) => group.set(id, i)));
    for (const l of this.linkEls) {
      const ab = cut.has(`${l.a}-${l.b}`);
      const ba = cut.has(`${l.b}-${l.a}`);
      const split = group.size && group.get(l.a) !== group.get(l.b);
      // A one-way cut is drawn from the sender that can no longer reach the other.
      const [from, to] = ba && !ab ? [l.b, l.a] : [l.a, l.b];
      const p = this.pos[from];
      const q = this.pos[to];
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      const len = Math.hypot(dx, dy) || 1;
      const off = NR + 6;
      const c = {
        x1: (p.x + (dx / len) * off).toFixed(1),
        y1: (p.y + (dy / len) * off).toFixed(1),
        x2: (q.x - (dx / len) * off).toFixed(1),
        y2: (q.y - (dy / len) * off).toFixed(1),
      };
      for (const e of [l.hit, l.line]) for (const k in c) attr(e, k, c[k]);
      const state = ab && ba ? (split ? "cut part" : "cut both") : ab || ba ? "cut one" : "";
      klass(l, `link ${state}`);
      if (ab !== ba) attr(l.line, "marker-end", "url(#arrow)");
      else if (l.line.hasAttribute("marker-end")) {
        l.line.removeAttribute("marker-end");
        l.line._a["marker-end"] = null;
      }
      attr(l, "aria-label", `link ${l.a}–${l.b}: ${state || "up"}`);
    }
  }

  drawNode(n, v, ui) {
    const g = this.nodes[n.id];
    const role = n.crashed ? "crashed" : n.role;
    const majority = Math.floor(v.nodes.length / 2) + 1;
    const sel = ui.selection?.kind === "node" && ui.selection.id === n.id;
    const split = ui.split ? ui.split.get(n.id) || "A" : "";
    const sig = `${role}|${n.term}|${n.votes.join(",")}|${sel}|${ui.bad.has(n.id)}|${split}|${this.layoutSig}`;
    if (g.sig !== sig) {
      g.sig = sig;
      klass(g, `node ${role}${sel ? " sel" : ""}${ui.bad.has(n.id) ? " bad" : ""}`);
      style(g, "--term", termColor(n.term));
      text(g.term, `term ${n.term}`);
      text(
        g.roleText,
        role === "candidate" ? `candidate · ${n.votes.length}/${majority} votes` : role === "leader" ? "♛ leader" : role,
      );
      attr(g, "aria-label", `node ${n.id}: ${role}, term ${n.term}`);
      g.votes.replaceChildren();
      if (role === "candidate") {
        const me = this.pos[n.id];
        for (const voter of n.votes) {
          const p = this.pos[voter];
          let a = voter === n.id ? -Math.PI / 2 : Math.atan2(p.y - me.y, p.x - me.x);
          svg("circle", { r: 4.5, cx: ((NR + 10) * Math.cos(a)).toFixed(1), cy: ((NR + 10) * Math.sin(a)).toFixed(1) }, g.votes);
        }
      }
      text(g.split, split);
    }
    // The election timer: the arc left is the time left before this node
    // starts an election, out of the longest timeout.
    let frac = 0;
    if (n.electionDeadline != null && !n.crashed) {
      frac = Math.max(0, Math.min(1, (n.electionDeadline - v.time) / v.timing.electionTimeoutMax));
    }
    attr(g.timer, "stroke-dasharray", `${(frac * TIMER_LEN).toFixed(1)} 999`);
  }

  /**
   * Moves the messages in flight, packed 7 numbers each (see the façade's
   * `messages()`): id, from, to (0 = the client), kind code, success, sent, due.
   */
  drawMessages(v, packed, selectedId) {
    const now = v.time;
    const stamp = ++this.stamp;
    for (let i = 0; i < packed.length; i += 7) {
      const id = packed[i];
      let e = this.msgs.get(id);
      if (!e) {
        e = this.makeMessage(id, packed[i + 1], packed[i + 2], packed[i + 3], packed[i + 4], packed[i + 5], packed[i + 6]);
        this.msgs.set(id, e);
      }
      e.seen = stamp;
      const g = e.path || (e.path = this.path(e.f, e.t));
      const span = e.due - e.sent;
      const t = span > 0 ? Math.max(0, Math.min(1, (now - e.sent) / span)) : 1;
      const x = g.x + g.dx * t;
      const y = g.y + g.dy * t;
      if (x !== e.x || y !== e.y) {
        e.x = x;
        e.y = y;
        e.tr.setTranslate(x, y); // no transform string to build or parse
      }
      const sel = id === selectedId;
      if (e.sel !== sel) {
        e.sel = sel;
        e.classList.toggle("sel", sel);
      }
    }
    let cut = null;
    let crashed = null;
    for (const [id, e] of this.msgs) {
      if (e.seen === stamp) continue;
      this.msgs.delete(id);
      this.recycle(e);
      // Gone before it was due, or onto a cut link or a crashed node: dropped.
      cut ||= new Set(v.partition.cuts.map(([a, b]) => `${a}-${b}`));
      crashed ||= new Set(v.nodes.filter((n) => n.crashed).map((n) => n.id));
      if (now < e.due - 1e-6 || (e.f && e.t && cut.has(`${e.f}-${e.t}`)) || crashed.has(e.t)) this.burst(e.x, e.y);
    }
  }

  /**
   * Where messages from `f` to `t` fly (0 = the client): start and travel,
   * kept to the right of the line so requests and replies pass each other.
   * Cached until the layout changes.
   */
  path(f, t) {
    const key = f * 16 + t;
    let g = this.paths.get(key);
    if (g) return g;
    const from = f ? this.pos[f] : CLIENT;
    const to = t ? this.pos[t] : CLIENT;
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len;
    const uy = dy / len;
    const r0 = f ? NR + 8 : CLIENT.r;
    const r1 = t ? NR + 8 : CLIENT.r;
    const run = len - r0 - r1;
    g = { x: from.x + ux * r0 - uy * 7, y: from.y + uy * r0 + ux * 7, dx: ux * run, dy: uy * run };
    this.paths.set(key, g);
    return g;
  }

  /**
   * A message element for (kind, success): a hidden one from the pool, or a
   * clone of the template. Hundreds come and go every second; reusing them
   * spares the DOM (and its garbage collector) the churn.
   */
  makeMessage(id, f, t, k, ok, sent, due) {
    const key = k * 3 + ok + 1;
    const pool = this.pool[key] || (this.pool[key] = []);
    let e = pool.pop();
    if (e) e.removeAttribute("display");
    else {
      const proto = this.protos[key] || (this.protos[key] = messageProto(k, ok));
      e = proto.cloneNode(true);
      e.key = key;
      this.msgsG.appendChild(e);
      e.tr = e.transform.baseVal.getItem(0);
    }
    e.setAttribute("data-pick", `msg:${id}`);
    Object.assign(e, { id, f, t, k, ok, sent, due, x: NaN, y: NaN, path: null });
    return e;
  }

  /** Hides a message element and keeps it for reuse. */
  recycle(e) {
    e.setAttribute("display", "none");
    e.removeAttribute("data-pick");
    if (e.sel) {
      e.sel = false;
      e.classList.remove("sel");
    }
    this.pool[e.key].push(e);
  }

  /** What is known of message `id` while it flies: { id, kind, from, to, sentAt, deliverAt }. */
  message(id) {
    const e = this.msgs.get(id);
    if (!e) return null;
    const at = (n) => (n ? `S${n}` : "client");
    return { id, kind: kindName(e.k), from: at(e.f), to: at(e.t), sentAt: e.sent, deliverAt: e.due, success: e.ok };
  }

  /** A dropped message vanishes in a small red burst. */
  burst(x, y) {
    if (this.bursts.childElementCount >= MAX_BURSTS) return;
    const b = svg("g", { class: "burst", transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})` }, this.bursts);
    svg("circle", { r: 9 }, b);
    svg("path", { d: "M-5 -5L5 5M5 -5L-5 5" }, b);
    b.addEventListener("animationend", () => b.remove());
  }

  /** Screen position of a node, for the inspector's placement. */
  nodePosition(id) {
    return this.pos[id];
  }
}

/**
 * What a `data-pick` attribute names: "node:3" → { kind: "node", id: 3 },
 * "msg:17" → { kind: "msg", id: 17 }, "link:1-2" → { kind: "link", a: 1, b: 2 }.
 * The attribute is the one place a pick is a string (tests select by it).
 */
export function parsePick(attribute) {
  const [kind, rest] = attribute.split(":");
  if (kind === "link") {
    const [a, b] = rest.split("-").map(Number);
    return { kind, a, b };
  }
  return { kind, id: Number(rest) };
}

function makeNode(parent, id) {
  const g = svg("g", { class: "node", "data-pick": `node:${id}`, tabindex: "0", role: "button" }, parent);
  svg("circle", { r: NR + 14, class: "halo" }, g);
  g.timer = svg("circle", { r: TIMER_R, class: "timer", transform: "rotate(-90)" }, g);
  svg("circle", { r: NR + 5, class: "ring2" }, g);
  svg("circle", { r: NR, class: "body" }, g);
  svg("path", { d: CROWN, class: "crown" }, g);
  const name = svg("text", { class: "name", y: -2 }, g);
  name.textContent = `S${id}`;
  g.term = svg("text", { class: "term", y: 15 }, g);
  g.roleText = svg("text", { class: "role", y: NR + 26 }, g);
  g.votes = svg("g", { class: "votes" }, g);
  g.split = svg("text", { class: "split", x: -NR + 2, y: -NR + 9 }, g);
  return g;
}

function messageProto(k, ok) {
  const kind = kindName(k);
  const request = ok < 0;
  const fail = ok === 0;
  const g = svg("g", { class: `msg k-${FAMILY[kind]}${request ? "" : " reply"}${fail ? " fail" : ""}`, transform: "translate(0 0)" });
  if (kind === "Heartbeat") svg("circle", { r: 4.5 }, g);
  else if (request) svg("circle", { r: 7 }, g);
  else svg("rect", { x: -6, y: -6, width: 12, height: 12, rx: 2 }, g);
  if (fail) svg("path", { d: "M-4 4L4 -4", class: "slash" }, g);
  return g;
}
