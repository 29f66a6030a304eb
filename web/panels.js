// The panels around the cluster: log matrix, state machines, event log, the
// checker's verdict, the inspector and the broken-rule toggles. Each keeps its
// elements and touches the DOM only where the view changed.

import { $, attr, fmtMs, html, klass, style, termColor, termInk, text } from "./dom.js";

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
      row.track = html("div", { class: "ltrack" }, row);
      row.cells = new Map();
      row.match = html("span", { class: "mark match", title: "matchIndex" }, row.track);
      row.next = html("span", { class: "mark next", title: "nextIndex" }, row.track);
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
   * Draws the logs of view `v`; `fetch(id)` gives a node's newest entries and
   * is called only when its log changed (its `logSig`) or the window moved.
   */
  render(v, bad, fetch) {
    const end = Math.max(0, ...v.nodes.map((n) => n.logLength));
    const base = Math.max(1, end - WINDOW + 1);
    const moved = base !== this.base || end !== this.end;
    this.base = base;
    this.end = end;
    const shift = `translateX(${-(base - 1) * CELL}px)`;
    const width = `${Math.max(end - base + 2, 1) * CELL}px`;
    if (moved) this.drawRuler(base, end, shift, width);
    const leader = v.nodes.find((n) => n.role === "leader" && !n.crashed);
    const progress = new Map((leader ? leader.progress : []).map((p) => [p.peer, p]));
    for (const n of v.nodes) {
      const row = this.rows[n.id];
      style(row.track, "transform", shift);
      style(row.track, "width", width);
      const role = n.crashed ? "crashed" : n.role;
      klass(row, `lrow ${role}${bad.has(n.id) ? " bad" : ""}`);
      text(row.head, `S${n.id} ${n.crashed ? "✕" : n.role[0].toUpperCase()}  c${n.commitIndex}`);
      attr(row.head, "title", `node ${n.id}: ${role}, commitIndex ${n.commitIndex}, log length ${n.logLength}`);
      const p = progress.get(n.id);
      marker(row.match, p && p.matchIndex >= base ? p.matchIndex : 0, `leader's matchIndex for S${n.id}`);
      marker(row.next, p && p.nextIndex >= base ? p.nextIndex : 0, `leader's nextIndex for S${n.id}`);
      // Skip the cells when neither the log nor the commit point moved.
      const sig = `${n.logSig}|${n.logLength}|${n.commitIndex}|${base}`;
      if (row.sig === sig) continue;
      row.sig = sig;
      if (!row.log || row.logSig !== n.logSig || row.logLength !== n.logLength) {
        row.log = fetch(n.id);
        row.logSig = n.logSig;
        row.logLength = n.logLength;
      }
      const log = row.log;
      for (const e of log) {
        if (e.index < base) continue;
        let c = row.cells.get(e.index);
        if (!c) {
          c = html("span", { class: "cell" }, row.track);
          c.style.left = `${(e.index - 1) * CELL}px`;
          row.cells.set(e.index, c);
        }
        const done = e.index <= n.commitIndex;
        if (c.term !== e.term || c.done !== done || c.cmd !== e.command) {
          c.term = e.term;
          c.done = done;
          c.cmd = e.command;
          klass(c, done ? "cell done" : "cell");
          style(c, "--c", termColor(e.term));
          style(c, "--ink", termInk(e.term));
          text(c, String(e.term));
          c.title = `[${e.index}] term ${e.term}: ${e.command}${done ? " (committed)" : " (not committed)"}`;
        }
      }
      // Entries gone (truncated) or slid out of the window.
      const last = log.length ? log[log.length - 1].index : 0;
      for (const [i, c] of row.cells)
        if (i < base || i > last) {
          c.remove();
          row.cells.delete(i);
        }
    }
    if (moved && this.stick) this.root.scrollLeft = 1e9;
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
    this.items = [];
  }

  render(v) {
    const ev = v.events;
    while (this.items.length < ev.length) {
      const li = html("li", null, this.root);
      li.time = html("time", null, li);
      li.msg = html("span", null, li);
      this.items.push(li);
    }
    this.items.forEach((li, i) => {
      const e = ev[i];
      style(li, "display", e ? "" : "none");
      if (!e) return;
      klass(li, `ev-${e.kind}`);
      text(li.time, e.time.toFixed(1));
      text(li.msg, e.text);
    });
  }
}

/** The checker's verdict: green, or red with the violation in a sentence. */
export function renderChecker(v) {
  const box = $("checker");
  const vs = v.violations;
  if (!vs.length) {
    klass(box, "checker ok");
    text($("checker-text"), "All invariants hold");
    attr(box, "title", "The safety checker watches every event: no invariant is broken.");
    return new Set();
  }
  const f = vs[0];
  klass(box, "checker bad");
  const more = vs.length > 1 ? ` (+${vs.length - 1} more)` : "";
  text($("checker-text"), `${f.property} broken at ${fmtMs(f.time)}: ${f.explanation}${more}`);
  attr(box, "title", vs.map((x) => `${x.property} @ ${fmtMs(x.time)}: ${x.explanation}`).join("\n"));
  return new Set(vs.flatMap((x) => x.nodes));
}

/** The broken-rule toggles, each with its one-line explanation. */
export class BugList {
  constructor(onToggle) {
    this.root = $("bugs");
    this.onToggle = onToggle;
    this.boxes = new Map();
  }

  render(bugs) {
    if (!this.boxes.size) {
      for (const b of bugs) {
        const li = html("li", null, this.root);
        const label = html("label", null, li);
        const box = html("input", { type: "checkbox", "data-bug": b.name }, label);
        html("code", null, label).textContent = b.name;
        html("span", { class: "small muted" }, li).textContent = b.explanation;
        box.onchange = () => this.onToggle(b.name, box.checked, box);
        this.boxes.set(b.name, box);
      }
    }
    for (const b of bugs) {
      const box = this.boxes.get(b.name);
      if (box.checked !== b.on) box.checked = b.on;
    }
  }
}

/** Details of the selected node or message, with the actions that apply. */
export class Inspector {
  constructor(handlers) {
    this.h = handlers;
    this.title = $("insp-title");
    this.body = $("insp-body");
    this.actions = $("insp-actions");
    this.empty = $("insp-empty");
  }

  /** `msg`: the selected message while in flight; `log`: the selected node's newest entries. */
  render(v, sel, msg, detail, log) {
    let sig = "none";
    let acts = "none";
    let node;
    if (sel && sel.startsWith("node:")) {
      node = v.nodes.find((n) => n.id === +sel.slice(5));
      if (node) {
        sig = JSON.stringify(node);
        acts = `${sel}|${node.crashed}`;
      }
    } else if (sel && sel.startsWith("msg:")) {
      sig = `${sel}|${!!msg}|${detail}`;
      acts = `${sel}|${!!msg}`;
    }
    // Buttons are rebuilt only when they change, so a click is never lost to
    // a redraw while the simulation plays.
    if (acts !== this.acts) {
      this.acts = acts;
      this.actions.replaceChildren();
      if (node) this.nodeActions(node);
      else if (msg) this.button("Drop", () => this.h.act({ type: "drop", id: msg.id }), "danger");
    }
    if (sig === this.sig) return;
    this.sig = sig;
    this.body.replaceChildren();
    this.empty.hidden = !!(node || sel);
    if (node) this.showNode(node, log);
    else if (sel && sel.startsWith("msg:")) this.showMessage(+sel.slice(4), msg, detail);
    else text(this.title, "Inspector");
  }

  nodeActions(n) {
    if (n.crashed) this.button("Restart", () => this.h.act({ type: "restart", node: n.id }), "primary");
    else {
      this.button("Crash", () => this.h.act({ type: "crash", node: n.id }), "danger");
      this.button("Force timeout", () => this.h.act({ type: "timeout", node: n.id }));
      this.button("Write here", () => this.h.writeTo(n.id));
    }
  }

  showNode(n, log) {
    const role = n.crashed ? "crashed" : n.role;
    text(this.title, `Node S${n.id} — ${role}`);
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
    const ol = html("ol", { class: "mini-log", reversed: "" }, this.body);
    for (const e of log.slice(-12).reverse()) {
      const li = html("li", { value: e.index }, ol);
      const b = html("span", { class: "t" }, li);
      b.textContent = `t${e.term}`;
      b.style.setProperty("--c", termColor(e.term));
      b.style.setProperty("--ink", termInk(e.term));
      html("span", e.index <= n.commitIndex ? null : { class: "muted" }, li).textContent = e.command;
    }
  }

  showMessage(id, m, detail) {
    text(this.title, `Message #${id}`);
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
    html("pre", { class: "detail" }, this.body).textContent = detail || "";
  }

  button(label, fn, cls = "") {
    const b = html("button", { class: cls }, this.actions);
    b.textContent = label;
    b.onclick = fn;
  }
}

function fields(parent, rows) {
  const dl = html("dl", { class: "fields" }, parent);
  for (const [k, val] of rows) {
    html("dt", null, dl).textContent = k;
    html("dd", null, dl).textContent = String(val);
  }
}
