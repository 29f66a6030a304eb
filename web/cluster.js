// The cluster drawing: nodes on a ring, messages in flight, partitions and cut
// links, all in one SVG. Elements are created once and keyed (node id, message
// id, link pair); each frame only changes what moved or changed.
//
// Every glyph carries a <title> (the tooltip, and the accessible name);
// nodes, links and messages are focusable (Tab) and picked with Enter or Space.

import { $, attr, klass, style, svg, termColor, text } from "./dom.js";

const C = 300; // centre of the 600 × 600 view box
const R = 212; // ring radius
const CLIENT = { x: C, y: C, r: 26 };
/** A message kind's name by its code: the wasm export `MessageKind` maps each code to its name. */
const kindName = (code) => window.wasmBindings.MessageKind[code];
const FAMILY = {
  RequestVote: "RequestVote",
  RequestVoteReply: "RequestVote",
  AppendEntries: "AppendEntries",
  AppendEntriesReply: "AppendEntries",
  Heartbeat: "Heartbeat",
  // Reads off the log (§6.4): a leader's confirmation round, drawn as a heartbeat.
  ReadHeartbeat: "Heartbeat",
  ReadHeartbeatReply: "Heartbeat",
  ClientRequest: "ClientRequest",
  ClientReply: "ClientRequest",
  InstallSnapshot: "InstallSnapshot",
  InstallSnapshotReply: "InstallSnapshot",
};
const MAX_BURSTS = 40;
const LONG_PRESS_MS = 550;

/**
 * Sizes in view-box units. `compact` when the ring is drawn small (a phone):
 * bigger nodes, so that labels of at least 12 CSS px still fit inside them.
 */
function geometry(compact) {
  const nr = compact ? 40 : 32; // node radius
  return {
    compact,
    nr,
    timerR: nr + 9,
    timerLen: 2 * Math.PI * (nr + 9),
    crownY: -(nr + 18),
    roleY: nr + (compact ? 30 : 26),
  };
}

export class Cluster {
  /** `onPick(what)` on clicks: a node, a message or a link (see `parsePick`), or
   * null. A link pick says how it came: `how` is "click" (mouse, pen, keyboard),
   * "tap" (a finger) or "long" (a long press). */
  constructor(onPick) {
    this.svg = $("cluster");
    this.hulls = $("hulls");
    this.links = $("links");
    this.nodesG = $("nodes");
    this.msgsG = $("msgs");
    this.bursts = $("bursts");
    this.msgs = new Map();
    this.protos = [];
    this.pool = [];
    this.stamp = 0;
    this.still = false;
    this.geo = geometry(false);
    this.unitsPerPx = 1;
    this.onPick = onPick;
    this.wireInput();
  }

  /** Clicks, taps and long presses. A tap on a link (a finger) never cuts by
   * itself: it selects the link, unless the page is in cut mode; a long press cuts. */
  wireInput() {
    let press = null; // { timer, x, y, target } while a finger rests on a link
    let swallowClick = false;
    const cancel = () => {
      if (press) clearTimeout(press.timer);
      press = null;
    };
    this.svg.addEventListener("pointerdown", (e) => {
      this.pointerType = e.pointerType;
      cancel();
      const t = e.target.closest?.('[data-pick^="link:"]');
      if (!t || e.pointerType === "mouse") return;
      press = {
        x: e.clientX,
        y: e.clientY,
        timer: setTimeout(() => {
          press = null;
          swallowClick = true;
          this.onPick({ ...parsePick(t.dataset.pick), how: "long" });
        }, LONG_PRESS_MS),
      };
    });
    this.svg.addEventListener("pointermove", (e) => {
      if (press && Math.hypot(e.clientX - press.x, e.clientY - press.y) > 10) cancel();
    });
    for (const ev of ["pointerup", "pointercancel", "pointerleave"]) this.svg.addEventListener(ev, cancel);
    this.svg.addEventListener("contextmenu", (e) => {
      if (e.target.closest?.("[data-pick]")) e.preventDefault(); // a long press is ours
    });
    this.svg.addEventListener("click", (e) => {
      if (swallowClick) {
        swallowClick = false;
        return;
      }
      const t = e.target.closest("[data-pick]");
      const what = t ? parsePick(t.dataset.pick) : null;
      if (what?.kind === "link") what.how = this.pointerType === "touch" ? "tap" : "click";
      this.pointerType = null;
      this.onPick(what);
    });
  }

  /**
   * How big the ring is drawn: `unitsPerPx` view-box units per CSS pixel. Text
   * sizes follow it so labels stay readable (≥ 12 px) however small the ring;
   * returns true when the geometry changed (the caller then resets and redraws).
   */
  setScale(unitsPerPx) {
    const compact = unitsPerPx > 1.45; // the ring drawn under ~410 px
    const k = unitsPerPx;
    const s = this.svg.style;
    const nameMax = compact ? 26 : 18;
    s.setProperty("--fs-name", `${Math.min(nameMax, 15 * k).toFixed(1)}px`);
    s.setProperty("--fs-small", `${Math.min(compact ? 20 : 15, 12 * k).toFixed(1)}px`);
    s.setProperty("--fs-role", `${Math.min(compact ? 20 : 16, 12 * k).toFixed(1)}px`);
    this.unitsPerPx = k;
    if (compact === this.geo.compact) return false;
    this.geo = geometry(compact);
    this.protos = [];
    if (this.n) this.reset(this.n);
    return true;
  }

  /** Reduced motion: messages stay in place as arrows instead of gliding. */
  setStill(still) {
    this.still = still;
    this.svg.classList.toggle("still-msgs", still);
    for (const e of this.msgs.values()) e.path = null;
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
    this.hullSig = null;
    this.nodes = [null];
    for (let id = 1; id <= n; id++) this.nodes.push(makeNode(this.nodesG, id, this.geo));
    this.linkEls = [];
    for (let a = 1; a <= n; a++)
      for (let b = a + 1; b <= n; b++) {
        const g = svg("g", { class: "link", "data-pick": `link:${a}-${b}`, tabindex: "0", role: "button" }, this.links);
        g.a = a;
        g.b = b;
        g.title = svg("title", null, g);
        g.hit = svg("line", { class: "hit" }, g);
        g.line = svg("line", { class: "wire" }, g);
        this.linkEls.push(g);
      }
    // Place the nodes now, before any style is computed, so they do not glide
    // in from the corner (the transition is for partitions re-arranging them).
    this.layout([]);
  }

  /**
   * Draws view `v` and the packed messages. `ui`: { selection: { kind: "node" | "msg" | "link", … } or null,
   * bad: Set of node ids a violation names, culprits: Set of node ids to ring after "Go to just before",
   * split: Map id -> group letter while splitting }.
   */
  render(v, packed, ui) {
    this.layout(v.partition.groups);
    this.drawHulls(v);
    this.drawLinks(v.partition, ui.selection);
    const maxTerm = Math.max(0, ...v.nodes.map((n) => n.term));
    for (const n of v.nodes) this.drawNode(n, v, ui, maxTerm);
    this.drawMessages(v, packed, ui.selection?.kind === "msg" ? ui.selection.id : 0);
    this.drawConfiguration(v.configuration);
  }

  /** Membership change: the leader's configuration in a line under the ring
   * ("Configuration {1,2,3,4} at index 12, committed"); hidden while every
   * node has always been a member. */
  drawConfiguration(c) {
    const line = (this.configLine ||= $("config-line"));
    const sig = c ? c.text : "";
    if (line.sig === sig) return;
    line.sig = sig;
    line.hidden = !c;
    text(line, sig);
    if (c)
      line.title = `The voters ${c.leader ? "of the leader" : "known"} (S${c.node}): a majority of them elects and commits. A server uses the newest configuration in its log, committed or not; "pending" until that entry commits.`;
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
    this.hullSig = null;
    this.cutSig = null;
    this.paths = new Map();
    for (const e of this.msgs.values()) e.path = null;
  }

  /** The shaded groups of a partition, each labelled with how many of its nodes
   * are up: only running nodes can vote, so a group with a crashed node may be
   * a minority although it holds most of the ring. */
  drawHulls(v) {
    const groups = v.partition.groups;
    const down = new Set(v.nodes.filter((n) => n.crashed).map((n) => n.id));
    const sig = `${this.layoutSig}|${[...down].join(",")}|${this.unitsPerPx.toFixed(2)}|${this.geo.nr}`;
    if (sig === this.hullSig) return;
    this.hullSig = sig;
    this.hulls.replaceChildren();
    if (groups.length < 2) return;
    const placed = [];
    groups.forEach((g, i) => {
      const pts = g.map((id) => this.pos[id]);
      const d =
        pts.map((p, j) => `${j ? "L" : "M"}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join("") +
        (pts.length > 2 ? "Z" : "");
      const up = g.filter((id) => !down.has(id)).length;
      const majority = up * 2 > this.n;
      const what = `${majority ? "majority" : "minority"}: ${up} of ${this.n} up`;
      const names = g.map((id) => `S${id}`).join(", ");
      const tip = `Partition group ${names}: ${up} of its ${g.length} node${g.length === 1 ? "" : "s"} running, out of ${this.n}. ${
        majority ? "A majority: it can elect a leader and commit." : "Not a majority: it cannot elect a leader or commit."
      }`;
      svg("path", { d, class: `hull-edge h${i % 3}` }, this.hulls);
      const hull = svg("path", { d, class: `hull h${i % 3}` }, this.hulls);
      svg("title", null, hull).textContent = tip;
      const tag = svg("g", { class: "hull-tag" }, this.hulls);
      svg("title", null, tag).textContent = tip;
      const t = svg("text", { class: "hull-label", x: C, y: C }, tag);
      t.textContent = what;
      const box = t.getBBox();
      const spot = this.labelSpot(pts, box.width, box.height, placed);
      placed.push(spot);
      attr(t, "x", spot.x.toFixed(1));
      attr(t, "y", (spot.y + box.height * 0.32).toFixed(1));
    });
  }

  /**
   * Where a group's label goes: on the line from the group towards the centre
   * of the ring, at the first spot whose box (w × h, centred) clears every
   * node (with its timer, crown and role line), the client and the labels
   * already placed. Candidates further round the ring are tried after.
   */
  labelSpot(pts, w, h, placed) {
    const cx = pts.reduce((s, p) => s + p.x, 0) / pts.length;
    const cy = pts.reduce((s, p) => s + p.y, 0) / pts.length;
    const a0 = Math.atan2(cy - C, cx - C);
    const { nr, roleY } = this.geo;
    const pad = 4;
    const obstacles = [];
    for (let id = 1; id <= this.n; id++) {
      const p = this.pos[id];
      // The node with its timer and crown; the role line under it.
      obstacles.push({ x0: p.x - nr - 12, x1: p.x + nr + 12, y0: p.y - nr - 22, y1: p.y + nr + 12 });
      const rw = 6.5 * (parseFloat(this.svg.style.getPropertyValue("--fs-role")) || 12);
      obstacles.push({ x0: p.x - rw, x1: p.x + rw, y0: p.y + roleY - 16, y1: p.y + roleY + 6 });
    }
    obstacles.push({ x0: C - 30, x1: C + 30, y0: C - 18, y1: C + 18 });
    obstacles.push(...placed.map((s) => s.box));
    const boxAt = (x, y) => ({ x0: x - w / 2 - pad, x1: x + w / 2 + pad, y0: y - h / 2 - pad, y1: y + h / 2 + pad });
    const overlap = (b) =>
      obstacles.reduce(
        (s, o) => s + Math.max(0, Math.min(b.x1, o.x1) - Math.max(b.x0, o.x0)) * Math.max(0, Math.min(b.y1, o.y1) - Math.max(b.y0, o.y0)),
        0,
      );
    let best = null;
    for (const da of [0, 0.25, -0.25, 0.5, -0.5, 0.8, -0.8]) {
      for (const r of [130, 110, 90, 150, 70, 50]) {
        const x = C + r * Math.cos(a0 + da);
        const y = C + r * Math.sin(a0 + da);
        const box = boxAt(x, y);
        if (box.x0 < 4 || box.x1 > 596) continue;
        const o = overlap(box);
        if (!best || o < best.o) best = { x, y, box, o };
        if (o === 0) return best;
      }
    }
    return best;
  }

  drawLinks(partition, selection) {
    const selKey = selection?.kind === "link" ? selection.id : "";
    const sig = JSON.stringify(partition) + selKey;
    if (sig === this.cutSig) return;
    this.cutSig = sig;
    const cut = new Set(partition.cuts.map(([a, b]) => `${a}-${b}`));
    const group = new Map();
    partition.groups.forEach((g, i) => g.forEach((id) => group.set(id, i)));
    const off = this.geo.nr + 6;
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
      const c = {
        x1: (p.x + (dx / len) * off).toFixed(1),
        y1: (p.y + (dy / len) * off).toFixed(1),
        x2: (q.x - (dx / len) * off).toFixed(1),
        y2: (q.y - (dy / len) * off).toFixed(1),
      };
      for (const e of [l.hit, l.line]) for (const k in c) attr(e, k, c[k]);
      const state = ab && ba ? (split ? "cut part" : "cut both") : ab || ba ? "cut one" : "";
      klass(l, `link ${state}${selKey === `${l.a}-${l.b}` ? " sel" : ""}`);
      if (ab !== ba) attr(l.line, "marker-end", "url(#arrow)");
      else if (l.line.hasAttribute("marker-end")) {
        l.line.removeAttribute("marker-end");
        l.line._a["marker-end"] = null;
      }
      const words = linkWords(l.a, l.b, ab, ba, split);
      text(l.title, `Link S${l.a}–S${l.b}: ${words}. Click: cut one way, both ways, restore.`);
    }
  }

  drawNode(n, v, ui, maxTerm) {
    const g = this.nodes[n.id];
    const role = n.crashed ? "crashed" : n.role;
    const majority = Math.floor(v.nodes.length / 2) + 1;
    const sel = ui.selection?.kind === "node" && ui.selection.id === n.id;
    const split = ui.split ? ui.split.get(n.id) || "A" : "";
    // A leader whose term is behind the cluster's has been deposed: it does
    // not know yet, and steps down on the first message of a newer term.
    const stale = role === "leader" && n.term < maxTerm;
    const culprit = !!ui.culprits?.has(n.id);
    // Membership change: where it stands in the leader's configuration.
    const standing = n.membership?.standing ?? "voter";
    const change = memberChange(v.configuration, n.id);
    const sig = `${role}|${n.term}|${stale ? maxTerm : 0}|${n.votes.join(",")}|${sel}|${ui.bad.has(n.id)}|${culprit}|${split}|${this.layoutSig}|${standing}|${change}`;
    if (g.sig !== sig) {
      g.sig = sig;
      const member = STANDING[standing];
      klass(
        g,
        `node ${role}${stale ? " stale" : ""}${sel ? " sel" : ""}${ui.bad.has(n.id) ? " bad" : ""}${culprit ? " culprit" : ""}${member ? ` ${member.cls}` : ""}`,
      );
      style(g, "--term", termColor(n.term));
      text(g.term, `term ${n.term}`);
      const compact = this.geo.compact;
      const roleText =
        role === "candidate"
          ? compact
            ? `candidate ${n.votes.length}/${majority}`
            : `candidate · ${n.votes.length}/${majority} votes`
          : stale
            ? compact
              ? "stale leader"
              : `♛ stale leader (term ${n.term} < ${maxTerm})`
            : role === "leader"
              ? "♛ leader"
              : member && role === "follower"
                ? member.label
                : role;
      text(g.roleText, roleText);
      text(g.memberTag, change);
      // The <title> is both the tooltip and the accessible name (no
      // aria-label: it would have to repeat every word drawn inside).
      g.summary = nodeSummary(n, role, stale, maxTerm, majority) + (member ? `; ${member.words}` : "") + (change ? `; ${changeWords(v.configuration, change)}` : "");
      text(g.crownTitle, stale ? `Stale leader: term ${n.term}, but the cluster is at term ${maxTerm}` : `Leader of term ${n.term}`);
      g.votes.replaceChildren();
      if (role === "candidate") {
        const me = this.pos[n.id];
        for (const voter of n.votes) {
          const p = this.pos[voter];
          let a = voter === n.id ? -Math.PI / 2 : Math.atan2(p.y - me.y, p.x - me.x);
          const r = this.geo.nr + 10;
          const dot = svg("circle", { r: 4.5, cx: (r * Math.cos(a)).toFixed(1), cy: (r * Math.sin(a)).toFixed(1) }, g.votes);
          svg("title", null, dot).textContent = voter === n.id ? `S${n.id} votes for itself` : `Vote from S${voter}`;
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
    attr(g.timer, "stroke-dasharray", `${(frac * this.geo.timerLen).toFixed(1)} 999`);
    this.drawFaults(n, g);
  }

  /** The seed's faults on a node: a GC pause (a dashed amber ring and the
   * messages waiting) and clock drift (its timers' rate), beside the node. */
  drawFaults(n, g) {
    const rate = n.clockRate && n.clockRate !== 1 ? n.clockRate : null;
    const paused = !!n.paused && !n.crashed;
    const sig = `${paused ? n.backlog : -1}|${rate}|${g.summary}`;
    if (g.faultSig === sig) return;
    g.faultSig = sig;
    const parts = [];
    if (paused) parts.push(`paused (${n.backlog})`);
    if (rate) parts.push(`${rate}× clock`);
    text(g.fault, parts.join(" · "));
    attr(g.pauseRing, "visibility", paused ? "visible" : "hidden");
    const words = [];
    if (paused) words.push(`paused (GC stop-the-world): ${n.backlog} message${n.backlog === 1 ? "" : "s"} waiting, timers stopped`);
    if (rate) words.push(`its clock runs at ${rate}× real time, so its timers fire ${rate > 1 ? "early" : "late"}`);
    // The node's <title> is its accessible name: the faults join its summary.
    text(g.title, words.length ? `${g.summary}; ${words.join("; ")}` : g.summary);
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
      let g = e.path;
      if (!g) {
        g = e.path = this.path(e.f, e.t);
        if (this.still) {
          // The arrow drawn in reduced motion, around the message's fixed spot.
          attr(e.trail, "x1", (-g.dx / 2).toFixed(1));
          attr(e.trail, "y1", (-g.dy / 2).toFixed(1));
          attr(e.trail, "x2", (g.dx / 2).toFixed(1));
          attr(e.trail, "y2", (g.dy / 2).toFixed(1));
        }
      }
      const span = e.due - e.sent;
      const t = this.still ? 0.5 : span > 0 ? Math.max(0, Math.min(1, (now - e.sent) / span)) : 1;
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
      const focused = document.activeElement === e;
      this.recycle(e);
      // Focus must not fall to the page when a focused message lands.
      if (focused) (e.t ? this.nodes[e.t] : this.svg).focus?.({ preventScroll: true });
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
    const r0 = f ? this.geo.nr + 8 : CLIENT.r;
    const r1 = t ? this.geo.nr + 8 : CLIENT.r;
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
      const proto = this.protos[key] || (this.protos[key] = messageProto(k, ok, this.geo.compact));
      e = proto.cloneNode(true);
      e.key = key;
      this.msgsG.appendChild(e);
      e.tr = e.transform.baseVal.getItem(0);
      e.title = e.querySelector("title");
      e.trail = e.querySelector(".trail");
      e.kindLabel = `${kindName(k)}${ok === 0 ? " (rejected)" : ""}`;
    }
    e.setAttribute("data-pick", `msg:${id}`);
    const at = (n) => (n ? `S${n}` : "the client");
    e.title.textContent = `${e.kindLabel} #${id}, ${at(f)} → ${at(t)}`;
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
    svg("title", null, b).textContent = "A message was dropped here";
    svg("circle", { r: 9 }, b);
    svg("path", { d: "M-5 -5L5 5M5 -5L-5 5" }, b);
    const gone = () => b.remove();
    b.addEventListener("animationend", gone);
    setTimeout(gone, 800); // also without animation (reduced motion)
  }

  /** Screen position of a node, for the inspector's placement. */
  nodePosition(id) {
    return this.pos[id];
  }
}

/** How a node outside the leader's configuration is drawn: its class, the
 * label under it (instead of "follower") and the words of its tooltip. */
const STANDING = {
  "non-member": { cls: "outside", label: "not a member", words: "not a member of the configuration: it never votes or stands for election" },
  removed: { cls: "outside removed", label: "removed", words: "removed from the configuration: not a member any more, it sits elections out" },
  "catching-up": { cls: "catching-up", label: "catching up", words: "being added: the leader sends it the log as a non-voter until it is close enough" },
};

/** The short label of a node the newest configuration entry added ("+ added")
 * or removed ("− removed"), or "". */
function memberChange(config, id) {
  if (!config) return "";
  if (config.added === id) return "+ added";
  if (config.removed === id) return "− removed";
  return "";
}

function changeWords(config, change) {
  const what = change.startsWith("+") ? "added" : "removed";
  return `${what} by the configuration entry at index ${config.index} (${config.committed ? "committed" : "pending"})`;
}

/** What a link's state is, in words. */
function linkWords(a, b, ab, ba, split) {
  if (ab && ba) return split ? "cut by the partition" : "cut both ways";
  if (ab) return `cut one way: S${a} cannot reach S${b}`;
  if (ba) return `cut one way: S${b} cannot reach S${a}`;
  return "up";
}

function nodeSummary(n, role, stale, maxTerm, majority) {
  const who = `S${n.id}`;
  if (role === "crashed") return `${who}: crashed (term ${n.term}; its term, vote and log are on disk)`;
  if (stale) return `${who}: stale leader of term ${n.term}; the cluster is at term ${maxTerm}, so it will step down`;
  if (role === "leader") return `${who}: leader of term ${n.term}`;
  if (role === "candidate") return `${who}: candidate for term ${n.term}, ${n.votes.length} of the ${majority} votes it needs`;
  return `${who}: follower, term ${n.term}`;
}

/**
 * What a `data-pick` attribute names: "node:3" → { kind: "node", id: 3 },
 * "msg:17" → { kind: "msg", id: 17 }, "link:1-2" → { kind: "link", a: 1, b: 2, id: "1-2" }.
 * The attribute is the one place a pick is a string (tests select by it).
 */
export function parsePick(attribute) {
  const [kind, rest] = attribute.split(":");
  if (kind === "link") {
    const [a, b] = rest.split("-").map(Number);
    return { kind, a, b, id: rest };
  }
  return { kind, id: Number(rest) };
}

function makeNode(parent, id, geo) {
  const { nr } = geo;
  const g = svg("g", { class: "node", "data-pick": `node:${id}`, tabindex: "0", role: "button" }, parent);
  g.title = svg("title", null, g);
  svg("circle", { r: nr + 14, class: "halo" }, g);
  svg("circle", { r: nr + 20, class: "culprit" }, g); // the nodes of a violation, after "Go to just before"
  g.timer = svg("circle", { r: geo.timerR, class: "timer", transform: "rotate(-90)" }, g);
  svg("title", null, g.timer).textContent = `Election timer of S${id}: the arc left is the time before it stands for election`;
  svg("circle", { r: nr + 5, class: "ring2" }, g);
  svg("circle", { r: nr, class: "body" }, g);
  const y = geo.crownY;
  const crown = svg("path", { d: `M-12 ${y} L-12 ${y + 10} L12 ${y + 10} L12 ${y} L6 ${y + 6} L0 ${y - 2} L-6 ${y + 6} Z`, class: "crown" }, g);
  g.crownTitle = svg("title", null, crown);
  const name = svg("text", { class: "name", y: geo.compact ? -6 : -2 }, g);
  name.textContent = `S${id}`;
  g.term = svg("text", { class: "term", y: geo.compact ? 18 : 15 }, g);
  g.roleText = svg("text", { class: "role", y: geo.roleY }, g);
  g.votes = svg("g", { class: "votes" }, g);
  g.split = svg("text", { class: "split", x: -nr + 2, y: -nr + 9 }, g);
  g.pauseRing = svg("circle", { r: nr + 5, class: "pause-ring", visibility: "hidden" }, g);
  g.fault = svg("text", { class: "fault", x: nr * 0.62, y: -nr * 0.86 }, g);
  g.memberTag = svg("text", { class: "member-tag", x: -nr * 0.62, y: -nr * 0.86 }, g);
  return g;
}

function messageProto(k, ok, compact) {
  const kind = kindName(k);
  const request = ok < 0;
  const fail = ok === 0;
  const g = svg("g", {
    class: `msg k-${FAMILY[kind]}${request ? "" : " reply"}${fail ? " fail" : ""}`,
    transform: "translate(0 0)",
    tabindex: "0",
    role: "button",
  });
  svg("title", null, g);
  svg("line", { class: "trail", "marker-end": "url(#msg-arrow)" }, g);
  // A finger needs a bigger target than the glyph.
  if (compact) svg("circle", { r: 14, class: "hit" }, g);
  if (kind === "Heartbeat") svg("circle", { r: 4.5 }, g);
  else if (request) svg("circle", { r: 7 }, g);
  else svg("rect", { x: -6, y: -6, width: 12, height: 12, rx: 2 }, g);
  if (fail) svg("path", { d: "M-4 4L4 -4", class: "slash" }, g);
  return g;
}
