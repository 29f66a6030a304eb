// The panels around the cluster: log matrix, state machines, event log, the
// checker's verdict, the inspector and the broken-rule toggles. Each keeps its
// elements and touches the DOM only where the view changed.

import { $, attr, fmtMs, html, klass, style, termColor, termInk, text } from "./dom.js";

/** A node's standing in the leader's configuration, in words (membership change). */
const STANDING_WORDS = {
  voter: "a member (votes)",
  "catching-up": "catching up as a non-voter, to be added",
  removed: "removed: not a member any more",
  "non-member": "not a member",
};

/** The clock rates the inspector offers (the console takes any from 0.25 to 4). */
const CLOCK_RATES = [0.5, 0.75, 1, 1.5, 2, 3];

const CELL = 26; // px per log index
const WINDOW = 200; // newest indices shown (the view holds as many per node)

export class LogMatrix {
  constructor() {
    this.root = $("logs");
  }

  reset(n) {
    this.root.replaceChildren();
    this.rows = [null];
    this.ruler = html("div", { class: "lrow ruler" }, this.root);
    html("div", { class: "lhead" }, this.ruler).textContent = "index";
    this.ruler.track = html("div", { class: "ltrack" }, this.ruler);
    this.ticks = new Map();
    for (let id = 1; id <= n; id++) {
      const row = html("div", { class: "lrow", "data-node": id }, this.root);
      row.head = html("div", { class: "lhead" }, row);
      html("span", null, row.head).textContent = `S${id} `;
      row.roleEl = html("span", { class: "r" }, row.head);
      row.commitText = html("span", null, row.head);
      row.track = html("div", { class: "ltrack" }, row);
      row.cells = new Map(); // log index -> its cell (those in the window)
      row.slots = []; // index % WINDOW -> a cell element, reused
      row.log = [];
      row.logSig = 0;
      row.logLength = 0;
      row.commit = 0;
      row.match = html("span", { class: "mark match", title: "matchIndex" }, row.track);
      row.next = html("span", { class: "mark next", title: "nextIndex" }, row.track);
      // Log compaction: one band over the indexes a snapshot replaced.
      row.snap = html("span", { class: "snapband", hidden: "" }, row.track);
      row.compacted = 0;
      this.rows.push(row);
    }
    this.base = 1;
    this.end = 0;
    this.stick = true;
    this.root.onscroll = () => {
      const r = this.root;
      this.stick = r.scrollLeft + r.clientWidth >= r.scrollWidth - CELL;
    };
  }

  /**
   * Draws the logs of view `v`. `fetch(id, knownLength, knownSig)` is the
   * façade's `logSince`: called only when a node's log changed (its `logSig`),
   * it brings just the appended entries, or the tail when the log diverged.
   * Cells are touched only from the lowest index that changed.
   */
  render(v, bad, fetch) {
    const end = Math.max(0, ...v.nodes.map((n) => n.logLength));
    const base = Math.max(1, end - WINDOW + 1);
    const moved = base !== this.base || end !== this.end;
    const slid = base !== this.base;
    this.base = base;
    this.end = end;
    const shift = `translateX(${-(base - 1) * CELL}px)`;
    const width = `${Math.max(end - base + 2, 1) * CELL}px`;
    if (moved) this.drawRuler(base, end, shift, width);
    const maxTerm = Math.max(0, ...v.nodes.map((n) => n.term));
    // The leader whose view the ▲ ▷ marks show: the current one, not a stale one.
    const leader = v.nodes.find((n) => n.role === "leader" && !n.crashed && n.term === maxTerm);
    const progress = new Map((leader ? leader.progress : []).map((p) => [p.peer, p]));
    for (const n of v.nodes) {
      const row = this.rows[n.id];
      style(row.track, "transform", shift);
      style(row.track, "width", width);
      const role = n.crashed ? "crashed" : n.role;
      const stale = role === "leader" && n.term < maxTerm;
      klass(row, `lrow ${role}${stale ? " stale" : ""}${bad.has(n.id) ? " bad" : ""}`);
      text(row.roleEl, n.crashed ? "✕" : n.role[0].toUpperCase());
      text(row.commitText, `  c${n.commitIndex}`);
      attr(
        row.head,
        "title",
        `S${n.id}: ${stale ? `stale leader (term ${n.term} < ${maxTerm})` : role}, commit index ${n.commitIndex} (c${n.commitIndex}), log length ${n.logLength}`,
      );
      const p = progress.get(n.id);
      marker(row.match, p && p.matchIndex >= base ? p.matchIndex : 0, `leader's matchIndex for S${n.id}`);
      marker(row.next, p && p.nextIndex >= base ? p.nextIndex : 0, `leader's nextIndex for S${n.id}`);
      let lo = Infinity; // the lowest index whose cell may have changed
      if (row.logSig !== n.logSig || row.logLength !== n.logLength) {
        const d = fetch(n.id, row.logLength, row.logSig);
        if (d.reset) {
          row.log = d.entries;
          lo = 0;
        } else if (d.entries.length) {
          row.log.push(...d.entries);
          if (row.log.length > WINDOW) row.log.splice(0, row.log.length - WINDOW);
          lo = d.entries[0].index;
        }
        row.logSig = d.logSig;
        row.logLength = d.logLength;
      }
      this.drawCompacted(row, n.compacted || 0, base, end, slid);
      if (row.commit !== n.commitIndex) {
        lo = Math.min(lo, Math.min(row.commit, n.commitIndex) + 1);
        row.commit = n.commitIndex;
      }
      if (slid) lo = 0;
      if (lo === Infinity) continue;
      const log = row.log;
      for (let i = log.length - 1; i >= 0 && log[i].index >= lo; i--) {
        const e = log[i];
        if (e.index < base) break;
        let c = row.cells.get(e.index);
        if (!c) c = this.cellFor(row, e.index);
        const done = e.index <= n.commitIndex;
        if (c.term !== e.term || c.done !== done || c.cmd !== e.command) {
          c.term = e.term;
          c.done = done;
          c.cmd = e.command;
          klass(c, done ? "cell done" : "cell");
          style(c, "--c", termColor(e.term));
          style(c, "--ink-on", termInk(e.term));
          text(c, String(e.term));
          c.title = `[${e.index}] term ${e.term}: ${e.command}${done ? " (committed)" : " (not committed)"}`;
        }
      }
      if (lo === 0) {
        // Entries gone (truncated, compacted) or slid out of the window.
        const last = log.length ? log[log.length - 1].index : 0;
        const first = Math.max(base, (n.compacted || 0) + 1);
        for (const [i, c] of row.cells)
          if (i < first || i > last) {
            // Kept in its slot for a later index: hidden, no longer a .cell.
            klass(c, "spare");
            style(c, "display", "none");
            c.removeAttribute("title");
            c.term = undefined;
            row.cells.delete(i);
          }
      }
    }
    if (moved && this.stick && !this.scrollSoon) {
      // Scrolling needs a fresh layout: set now, right after this frame's DOM
      // writes, it would force the whole page's layout in the middle of the
      // frame (~100 ms after a seek into a long run). At the start of the next
      // frame the layout the browser made for painting is still fresh.
      this.scrollSoon = requestAnimationFrame(() => {
        this.scrollSoon = 0;
        this.root.scrollLeft = 1e9;
      });
    }
  }

  /**
   * The compacted prefix (log compaction): a grey band from the window's first
   * index to the snapshot's last, labelled "snapshot ≤ N". Hidden without one.
   */
  drawCompacted(row, compacted, base, end, slid) {
    if (row.compacted === compacted && !slid) return;
    row.compacted = compacted;
    const upTo = Math.min(compacted, end);
    if (upTo < base) {
      row.snap.hidden = true;
      return;
    }
    row.snap.hidden = false;
    style(row.snap, "left", `${(base - 1) * CELL}px`);
    style(row.snap, "width", `${(upTo - base + 1) * CELL - 2}px`);
    text(row.snap, `snapshot ≤${compacted}`);
    row.snap.title = `Entries 1 to ${compacted} are compacted: a snapshot of the state machine replaced them (log compaction).`;
  }

  /**
   * The cell element for log index `index`: the element of the slot
   * `index % WINDOW`, reused (the window never holds two indices of one
   * slot), so a seek or a slide changes the cells in place instead of
   * removing hundreds and making hundreds.
   */
  cellFor(row, index) {
    const slot = index % WINDOW;
    let c = row.slots[slot];
    if (c) {
      if (row.cells.get(c.index) === c) row.cells.delete(c.index);
      c.term = undefined; // content to be drawn afresh
      style(c, "display", "");
    } else {
      c = row.slots[slot] = html("span", { class: "cell" }, row.track);
    }
    c.index = index;
    style(c, "left", `${(index - 1) * CELL}px`);
    row.cells.set(index, c);
    return c;
  }

  /** The newest entries last fetched for node `id` (for the inspector). */
  entries(id) {
    return this.rows[id]?.log || [];
  }

  drawRuler(base, end, shift, width) {
    const t = this.ruler.track;
    style(t, "transform", shift);
    style(t, "width", width);
    for (const [i, e] of this.ticks)
      if (i < base || i > end) {
        e.remove();
        this.ticks.delete(i);
      }
    for (let i = base; i <= end; i++) {
      if (i !== 1 && i % 5 !== 0) continue;
      if (this.ticks.has(i)) continue;
      const e = html("span", { class: "tick" }, t);
      e.style.left = `${(i - 1) * CELL}px`;
      e.textContent = String(i);
      this.ticks.set(i, e);
    }
  }
}

function marker(e, index, title) {
  if (index) {
    style(e, "display", "block");
    style(e, "left", `${(index - 1) * CELL}px`);
    attr(e, "title", `${title}: ${index}`);
  } else style(e, "display", "none");
}

export class KvPanel {
  constructor() {
    this.root = $("kv");
  }

  reset(n) {
    this.root.replaceChildren();
    this.rows = [null];
    for (let id = 1; id <= n; id++) {
      const row = html("div", { class: "kvrow", "data-node": id }, this.root);
      html("b", null, row).textContent = `S${id}`;
      row.list = html("span", { class: "kvlist" }, row);
      this.rows.push(row);
    }
  }

  render(v) {
    for (const n of v.nodes) {
      const row = this.rows[n.id];
      const sig = n.crashed ? "✕" : n.kv.map((p) => p.join("\u0000")).join("\u0001");
      if (row.sig === sig) continue;
      row.sig = sig;
      klass(row, n.crashed ? "kvrow crashed" : "kvrow");
      row.list.replaceChildren();
      if (n.crashed) {
        row.list.textContent = "crashed: the state machine is lost until restart";
        continue;
      }
      if (!n.kv.length) {
        html("span", { class: "muted" }, row.list).textContent = "empty";
        continue;
      }
      for (const [k, val] of n.kv.slice(0, 40)) {
        const chip = html("span", { class: "chip" }, row.list);
        html("span", { class: "k" }, chip).textContent = k;
        html("span", { class: "v" }, chip).textContent = val;
      }
      if (n.kv.length > 40) html("span", { class: "muted" }, row.list).textContent = `+${n.kv.length - 40} more`;
    }
  }
}

export class EventLog {
  constructor() {
    this.root = $("events");
    this.keys = []; // one per shown item, newest first
  }

  /** Newest first; new events are prepended, the oldest dropped: the items
   * already shown are never rewritten. */
  render(v) {
    const ev = v.events;
    const keys = ev.map((e) => `${e.time}|${e.kind}|${e.text}`);
    const at = this.keys.length ? keys.indexOf(this.keys[0]) : -1;
    if (at < 0) {
      this.root.replaceChildren();
      this.keys = [];
      this.add(ev, keys, ev.length);
    } else if (at > 0) this.add(ev, keys, at);
    while (this.keys.length > ev.length) {
      this.root.lastChild.remove();
      this.keys.pop();
    }
  }

  /** Prepends the first `n` events. */
  add(ev, keys, n) {
    const frag = document.createDocumentFragment();
    for (let i = 0; i < n; i++) {
      const e = ev[i];
      const li = html("li", { class: `ev-${e.kind}` }, frag);
      html("time", null, li).textContent = e.time.toFixed(1);
      html("span", null, li).textContent = e.text;
    }
    this.root.prepend(frag);
    this.keys.unshift(...keys.slice(0, n));
  }
}

/**
 * The checker's verdict: a green pill, or a red one naming the first broken
 * property, with every violation in a sentence in the banner below the header.
 * Returns the ids of the nodes the violations name (to ring them in red).
 */
export function renderChecker(v) {
  const box = $("checker");
  const vs = v.violations;
  const banner = $("violations");
  if (!vs.length) {
    klass(box, "checker ok");
    text($("checker-text"), "All invariants hold");
    attr(box, "title", "The safety checker watches every event: no invariant is broken.");
    banner.hidden = true;
    banner.count = 0;
    return new Set();
  }
  klass(box, "checker bad");
  const more = vs.length > 1 ? ` (+${vs.length - 1} more)` : "";
  text($("checker-text"), `${vs[0].property} broken${more}`);
  attr(box, "title", vs.map((x) => `${x.property} at ${fmtMs(x.time)}: ${x.explanation}`).join("\n"));
  if (banner.count !== vs.length) {
    banner.count = vs.length;
    banner.hidden = false;
    const list = $("violation-list");
    list.replaceChildren();
    for (const x of vs.slice(0, 5)) {
      const li = html("li", null, list);
      html("b", null, li).textContent = `✗ ${x.property}`;
      html("span", { class: "at" }, li).textContent = ` at ${fmtMs(x.time)}: `;
      html("span", null, li).textContent = x.explanation;
    }
    if (vs.length > 5) html("li", { class: "muted" }, list).textContent = `… and ${vs.length - 5} more`;
  }
  return new Set(vs.flatMap((x) => x.nodes));
}

/**
 * The broken-rule toggles, each with its one-line explanation, a "Show me"
 * (a run where it breaks) and a hint on breaking it by hand; and the badge in
 * the header naming every toggle that is on.
 */
export class BugList {
  /** `onToggle(name, on, box)`, `onShow(name)`; `teach(name)`: { show, hint };
   * `explain()`: `[{ name, explanation }]`, asked once (frames leave the static text out). */
  constructor({ onToggle, onShow, teach, explain }) {
    this.root = $("bugs");
    this.explain = explain;
    this.onToggle = onToggle;
    this.onShow = onShow;
    this.teach = teach;
    this.boxes = new Map();
    this.items = new Map();
    this.badge = $("rules-badge");
    this.badgeText = $("rules-badge-text");
    this.count = $("rules-count");
  }

  render(bugs) {
    if (!this.boxes.size) {
      const why = new Map(this.explain().map((b) => [b.name, b.explanation]));
      for (const b of bugs) {
        const li = html("li", null, this.root);
        const label = html("label", null, li);
        const box = html("input", { type: "checkbox", "data-bug": b.name }, label);
        html("code", null, label).textContent = b.name;
        html("p", { class: "small muted" }, li).textContent = why.get(b.name);
        const { show, hint } = this.teach(b.name);
        if (hint) html("p", { class: "small muted hint" }, li).textContent = hint;
        if (show) {
          const btn = html("button", { class: "show-me", "data-show": b.name }, li);
          btn.textContent = "Show me";
          btn.title = `Open a run where ${b.name} breaks a rule`;
          btn.onclick = () => this.onShow(b.name);
        }
        box.onchange = () => this.onToggle(b.name, box.checked, box);
        this.boxes.set(b.name, box);
        this.items.set(b.name, li);
      }
    }
    const on = [];
    for (const b of bugs) {
      const box = this.boxes.get(b.name);
      if (box.checked !== b.on) box.checked = b.on;
      klass(this.items.get(b.name), b.on ? "on" : "");
      if (b.on) on.push(b.name);
    }
    const sig = on.join(",");
    if (sig !== this.sig) {
      this.sig = sig;
      this.badge.hidden = !on.length;
      text(this.badgeText, on.length ? `Broken rule${on.length > 1 ? "s" : ""} on: ${on.join(", ")}` : "");
      this.count.hidden = !on.length;
      text(this.count, String(on.length));
      attr(this.count, "aria-label", `${on.length} on`);
    }
  }
}

/** Details of the selected node, link or message, with the actions that apply. */
export class Inspector {
  /** `handlers`: { act(action), writeTo(id), close() }. */
  constructor(handlers) {
    this.h = handlers;
    this.root = $("inspector");
    this.title = $("insp-title");
    this.body = $("insp-body");
    this.actions = $("insp-actions");
    this.empty = $("insp-empty");
    $("insp-close").onclick = () => this.h.close();
  }

  /** `sel`: the selection (`{ kind, id }` or null); `msg`: the selected message
   * while in flight; `log`: the selected node's newest entries; `sheet`: the
   * person picked it (on a phone the inspector then opens as a bottom sheet;
   * a selection made by a scenario or the tour leaves it closed). */
  render(v, sel, msg, detail, log, sheet, past) {
    let sig = "none";
    let acts = "none";
    let node;
    let link;
    const key = sel ? `${sel.kind}:${sel.id}` : "";
    if (sel?.kind === "node") {
      node = v.nodes.find((n) => n.id === sel.id);
      if (node) {
        const maxTerm = Math.max(0, ...v.nodes.map((n) => n.term));
        sig = JSON.stringify(node) + maxTerm;
        acts = "node";
      }
    } else if (sel?.kind === "msg") {
      sig = `${key}|${!!msg}|${detail}|${past?.outcome}`;
      acts = msg ? "msg" : "none";
    } else if (sel?.kind === "link") {
      link = linkState(v, sel.a, sel.b);
      sig = `${key}|${link.ab}|${link.ba}|${link.split}`;
      acts = "link";
    }
    this.root.classList.toggle("open", !!sel && sheet);
    document.body.classList.toggle("sheet-open", !!sel && sheet);
    // The buttons are built once per kind of selection and then only
    // relabelled: a button that is pressed keeps its place, and the focus
    // (Crash becomes Restart in the same button).
    if (acts !== this.acts) {
      this.acts = acts;
      const focused = this.actions.contains(document.activeElement) ? [...this.actions.children].indexOf(document.activeElement) : -1;
      this.actions.replaceChildren();
      this.btns = {};
      if (acts === "node") this.nodeButtons();
      else if (acts === "msg") this.btns.drop = this.button("Drop", "danger");
      else if (acts === "link") {
        this.btns.ab = this.button("");
        this.btns.ba = this.button("");
        this.btns.both = this.button("");
      }
      if (focused >= 0) this.actions.children[Math.min(focused, this.actions.children.length - 1)]?.focus();
    }
    if (node) this.wireNode(node);
    else if (msg && this.btns.drop) this.btns.drop.onclick = () => this.h.act({ type: "drop", id: msg.id });
    else if (link) this.wireLink(link);
    if (sig === this.sig) return;
    this.sig = sig;
    this.body.replaceChildren();
    this.empty.hidden = !!(node || sel);
    if (node) this.showNode(node, log, Math.max(0, ...v.nodes.map((n) => n.term)));
    else if (sel?.kind === "msg") this.showMessage(sel.id, msg, detail, past);
    else if (link) this.showLink(link);
    else text(this.title, "Inspector");
  }

  /** Crash / Restart (one button), Force timeout, Write here; Pause / Resume
   * (one button: a GC stop-the-world) and Transfer here (leadership transfer). */
  nodeButtons() {
    this.btns.power = this.button("Crash", "danger");
    this.btns.timeout = this.button("Force timeout");
    this.btns.write = this.button("Write here");
    this.btns.gc = this.button("Pause");
    this.btns.transfer = this.button("Transfer here");
    // Membership change: one button, "Add to cluster" or "Remove from cluster".
    this.btns.member = this.button("Remove from cluster");
    // Clock drift: the rate its timers run at (the seed's "clocks drift").
    const clock = html("select", { class: "clock-rate", "aria-label": "Clock rate" }, this.actions);
    clock.title = "Clock drift: its timers run at this rate × real time";
    for (const r of CLOCK_RATES) html("option", { value: String(r) }, clock).textContent = `${r}× clock`;
    this.btns.clock = clock;
  }

  wireNode(n) {
    const b = this.btns;
    text(b.power, n.crashed ? "Restart" : "Crash");
    klass(b.power, n.crashed ? "primary" : "danger");
    b.timeout.disabled = n.crashed;
    b.write.disabled = n.crashed;
    b.power.onclick = () => this.h.act({ type: n.crashed ? "restart" : "crash", node: n.id });
    b.power.title = n.crashed ? "Restart it from its disk (X)" : "Crash it: its disk survives (X)";
    b.power.setAttribute("aria-keyshortcuts", "X");
    b.timeout.onclick = () => this.h.act({ type: "timeout", node: n.id });
    b.timeout.title = "Its election timer fires now: it stands for election (T)";
    b.timeout.setAttribute("aria-keyshortcuts", "T");
    b.write.onclick = () => this.h.writeTo(n.id);
    b.write.title = "Send the person's next write to this node (W)";
    b.write.setAttribute("aria-keyshortcuts", "W");
    text(b.gc, n.paused ? "Resume" : "Pause");
    b.gc.disabled = n.crashed;
    b.gc.onclick = () => this.h.act({ type: n.paused ? "resumeNode" : "pauseNode", node: n.id });
    b.gc.title = n.paused
      ? "Run again: it handles the waiting messages in order, on its old beliefs"
      : "A GC stop-the-world: it handles nothing, its timers stop, messages to it wait";
    b.transfer.disabled = n.crashed || n.role === "leader";
    b.transfer.onclick = () => this.h.act({ type: "transfer", to: n.id });
    b.transfer.title = "The leader hands its leadership to this node (TimeoutNow, §3.10)";
    // Membership change through the leader: a refusal (one change at a time,
    // the last member, …) comes back as the core's sentence in a toast.
    const standing = n.membership?.standing ?? "voter";
    const outside = standing !== "voter";
    text(b.member, standing === "catching-up" ? "Catching up…" : outside ? "Add to cluster" : "Remove from cluster");
    b.member.disabled = standing === "catching-up";
    b.member.onclick = () => this.h.act({ type: outside ? "addServer" : "removeServer", node: n.id });
    b.member.title = outside
      ? "The leader adds it to the configuration: first it catches up as a non-voter (§4.2.1), then one configuration entry adds it"
      : "The leader removes it from the configuration with one configuration entry (§4.1)";
    const rate = String(n.clockRate ?? 1);
    // A rate set from the console may not be in the list: show it as it is.
    if (![...b.clock.options].some((o) => o.value === rate)) html("option", { value: rate }, b.clock).textContent = `${rate}× clock`;
    b.clock.value = rate;
    b.clock.disabled = n.crashed;
    b.clock.onchange = () => this.h.act({ type: "clockRate", node: n.id, rate: Number(b.clock.value) });
  }

  wireLink(l) {
    const { a, b } = l;
    const set = (btn, label, fn) => {
      text(btn, label);
      btn.onclick = fn;
    };
    const flip = (from, to, isCut) => () => this.h.act({ type: isCut ? "restore" : "cut", from, to });
    set(this.btns.ab, l.ab ? `Restore S${a} → S${b}` : `Cut S${a} → S${b}`, flip(a, b, l.ab));
    set(this.btns.ba, l.ba ? `Restore S${b} → S${a}` : `Cut S${b} → S${a}`, flip(b, a, l.ba));
    const both = l.ab && l.ba;
    set(this.btns.both, both ? "Restore both ways" : "Cut both ways", () => {
      for (const [from, to, isCut] of [
        [a, b, l.ab],
        [b, a, l.ba],
      ])
        if (isCut === both) this.h.act({ type: both ? "restore" : "cut", from, to });
    });
    klass(this.btns.both, both ? "primary" : "danger");
  }

  showNode(n, log, maxTerm) {
    const role = n.crashed ? "crashed" : n.role;
    const stale = role === "leader" && n.term < maxTerm;
    text(this.title, `Node S${n.id} — ${stale ? "stale leader" : role}`);
    if (stale)
      html("p", { class: "stale-note" }, this.body).textContent =
        `S${n.id} still believes it leads term ${n.term}, but the cluster has moved on to term ${maxTerm}. It can commit nothing; the first message of a newer term it sees makes it step down.`;
    const timer = n.electionDeadline != null ? `at ${fmtMs(n.electionDeadline)}` : "—";
    fields(this.body, [
      ["currentTerm", n.term],
      ["votedFor", n.votedFor ?? "—"],
      ["commitIndex", n.commitIndex],
      ["lastApplied", n.lastApplied],
      ["log length", n.logLength],
      ["leader hint", n.leaderHint ? `S${n.leaderHint}` : "—"],
      ["election timeout", timer],
      ["restarts", n.restarts],
    ]);
    if (n.membership) {
      const m = n.membership;
      const at = m.index ? `index ${m.index}, ${m.committed ? "committed" : "pending"}` : "the initial one";
      fields(this.body, [
        ["membership", STANDING_WORDS[m.standing]],
        ["its configuration", `{${m.members.join(",")}} (${at})`],
      ]);
    }
    if (n.paused) fields(this.body, [["paused", `${n.backlog} messages waiting`]]);
    if (n.clockRate) fields(this.body, [["clock rate", `${n.clockRate}× real time`]]);
    if (n.role === "candidate") fields(this.body, [["votes", n.votes.map((x) => `S${x}`).join(" ")]]);
    if (n.progress.length) {
      const t = html("table", { class: "progress" }, this.body);
      const hr = html("tr", null, t);
      for (const h of ["peer", "nextIndex", "matchIndex"]) html("th", null, hr).textContent = h;
      for (const p of n.progress) {
        const tr = html("tr", null, t);
        for (const x of [`S${p.peer}`, p.nextIndex, p.matchIndex]) html("td", null, tr).textContent = String(x);
      }
    }
    const ol = html("ol", { class: "mini-log", reversed: "", tabindex: "0", "aria-label": `S${n.id}'s newest log entries` }, this.body);
    for (const e of log.slice(-12).reverse()) {
      const li = html("li", { value: e.index }, ol);
      const b = html("span", { class: "t" }, li);
      b.textContent = `t${e.term}`;
      b.style.setProperty("--c", termColor(e.term));
      b.style.setProperty("--ink-on", termInk(e.term));
      html("span", e.index <= n.commitIndex ? null : { class: "muted" }, li).textContent = e.command;
    }
  }

  showMessage(id, m, detail, past) {
    text(this.title, `Message #${id}`);
    if (!m && past) return showPastMessage(this.body, past);
    if (!m) {
      html("p", { class: "muted" }, this.body).textContent = "No longer in flight (delivered or dropped).";
      return;
    }
    fields(this.body, [
      ["type", m.kind],
      ["from → to", `${m.from} → ${m.to}`],
      ["sent at", fmtMs(m.sentAt)],
      ["arrives at", fmtMs(m.deliverAt)],
    ]);
    html("pre", { class: "detail", tabindex: "0", "aria-label": "Every field of the message" }, this.body).textContent = detail || "";
  }

  showLink(l) {
    text(this.title, `Link S${l.a} — S${l.b}`);
    const way = (from, to, isCut) => `S${from} → S${to}: ${isCut ? "cut" : "up"}`;
    fields(this.body, [
      ["state", l.split ? "cut by the partition" : l.ab && l.ba ? "cut both ways" : l.ab || l.ba ? "cut one way" : "up"],
      ["", way(l.a, l.b, l.ab)],
      ["", way(l.b, l.a, l.ba)],
    ]);
  }

  button(label, cls = "") {
    const b = html("button", { class: cls }, this.actions);
    b.textContent = label;
    return b;
  }
}

/** A link's state in view `v`: which ways are cut, and whether a partition cuts it. */
function linkState(v, a, b) {
  const cuts = new Set(v.partition.cuts.map(([x, y]) => `${x}-${y}`));
  const group = new Map();
  v.partition.groups.forEach((g, i) => g.forEach((id) => group.set(id, i)));
  const split = group.size > 0 && group.get(a) !== group.get(b);
  return { a, b, ab: cuts.has(`${a}-${b}`), ba: cuts.has(`${b}-${a}`), split };
}

function fields(parent, rows) {
  const dl = html("dl", { class: "fields" }, parent);
  for (const [k, val] of rows) {
    html("dt", null, dl).textContent = k;
    html("dd", null, dl).textContent = String(val);
  }
}

/** A message no longer in flight, as the sequence diagram remembers it
 * (`sequenceMessage`): what it was, when, and how it ended. */
function showPastMessage(body, p) {
  const rows = [
    ["type", `${p.kind}${p.rejected ? " (rejected)" : ""}${p.heartbeatReply ? " (to a heartbeat)" : ""}`],
    ["from → to", `${p.from} → ${p.to}`],
  ];
  if (p.term !== undefined && p.term !== null) rows.push(["term", String(p.term)]);
  rows.push(["sent at", fmtMs(p.sentMs)]);
  if (p.outcome === "delivered") rows.push(["delivered at", fmtMs(p.endedMs)]);
  else if (p.outcome === "dropped") rows.push(["dropped at", fmtMs(p.endedMs)]);
  else rows.push(["arrives at", fmtMs(p.dueMs)]);
  rows.push(["outcome", p.outcome]);
  fields(body, rows);
  if (p.reason) html("p", { class: "small" }, body).textContent = p.reason;
}
