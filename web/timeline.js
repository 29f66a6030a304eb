// The timeline bar under the header: the whole run so far (up to the furthest
// point this branch reached), a cursor at now, and a mark per notable event
// (elections coloured by term, leader changes, violations, crashes/restarts,
// partitions/heals, the person's actions). Dragging seeks; a click on a mark
// jumps to it. The branch list appears once acting in the past has forked.
//
// It only reads the façade (`position`, `markers`, `branches`); every move
// goes through the page's `act()` (`seek`, `branch` actions).

import { $, attr, html, termColor, text } from "./dom.js";

const MARK_TITLES = {
  election: (m) => `S${m.node} stands for election in term ${m.term}`,
  leader: (m) => `S${m.node} becomes leader of term ${m.term}${m.changed ? " (a new leader)" : ""}`,
  violation: (m) => `✗ ${m.violation.property}: ${m.violation.explanation}`,
  crash: (m) => `S${m.node} crashes`,
  restart: (m) => `S${m.node} restarts`,
  partition: (m) => `partition ${m.groups.map((g) => g.map((n) => `S${n}`).join(" ")).join(" | ")}`,
  cut: (m) => `link S${m.from}→S${m.to} cut`,
  heal: () => "every link healed",
  action: (m) => `your action: ${m.action.action}`,
};

export class TimelineBar {
  /** `act(action)`: the page's single path for changes. */
  constructor(act) {
    this.act = act;
    this.track = $("tl-track");
    this.marks = $("tl-marks");
    this.cursor = $("tl-cursor");
    this.shown = -1; // markers drawn (redrawn when the count or the span changes)
    this.span = 0;
    this.dragging = false;
    this.phases = { list: [], endMs: 0 }; // a phased preset's phases (phases.js)
    this.track.addEventListener("pointerdown", (e) => {
      if (e.target.dataset.ms) return; // a mark: its click handler jumps
      this.dragging = true;
      this.track.setPointerCapture(e.pointerId);
      this.seekAt(e.clientX);
    });
    this.track.addEventListener("pointermove", (e) => this.dragging && this.seekAt(e.clientX));
    const stop = () => (this.dragging = false);
    this.track.addEventListener("pointerup", stop);
    this.track.addEventListener("pointercancel", stop);
    this.marks.addEventListener("click", (e) => {
      const ms = e.target.dataset.ms;
      if (ms !== undefined) this.act({ type: "seek", ms: +ms });
    });
    $("tl-branches").addEventListener("change", (e) => this.act({ type: "branch", index: +e.target.value }));
  }

  seekAt(x) {
    const r = this.track.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (x - r.left) / Math.max(1, r.width)));
    this.act({ type: "seek", ms: Math.round(f * this.span * 1000) / 1000 });
  }

  /** A phased preset's phases, marked on the bar; the bar then spans the whole script. */
  setPhases(phases) {
    this.phases = phases;
    this.shown = -1;
  }

  render(pg) {
    const p = pg.position();
    const span = Math.max(p.frontierMs, p.timeMs, this.phases.endMs, 1);
    const pct = (ms) => `${((100 * ms) / span).toFixed(3)}%`;
    this.cursor.style.left = pct(p.timeMs);
    $("tl-done").style.width = pct(p.timeMs);
    attr(this.track, "title", `${(p.timeMs / 1000).toFixed(3)} s of ${(span / 1000).toFixed(3)} s: drag to seek, click a mark to jump (← → step, Shift+← → a phase or 100 ms, Home End)`);
    const markers = pg.markers();
    // While the run grows the span changes every frame: redraw the marks (a
    // DOM rebuild and a layout read) only once it has grown by a quarter of a
    // percent (~3 px), not 60 times a second.
    const grown = Math.abs(span - this.drawnSpan) > this.drawnSpan * 0.0025;
    if (markers.length !== this.shown || grown || !(this.drawnSpan > 0)) {
      this.span = span;
      this.drawnSpan = span;
      this.shown = markers.length;
      this.drawMarks(markers, pct);
    }
    this.span = span;
    this.renderBranches(pg);
  }

  drawMarks(markers, pct) {
    this.marks.replaceChildren();
    // Pixels per ms, for the phase names (read only when there are phases: a layout read).
    const px = this.phases.list.length ? this.track.clientWidth / this.span : 0;
    this.phases.list.forEach((ph, i) => {
      const el = html("span", { class: "tl-mark phase", title: `${(ph.ms / 1000).toFixed(3)} s: phase ${ph.name}: ${ph.caption}` }, this.marks);
      el.dataset.ms = String(ph.ms);
      el.dataset.kind = "phase";
      el.style.left = pct(ph.ms);
      // Its name when there is room for it before the next phase (else the title has it).
      const room = ((this.phases.list[i + 1]?.ms ?? this.span) - ph.ms) * px;
      if (room >= 7 * ph.name.length + 6) text(el, ph.name);
    });
    for (const m of markers) {
      const title = MARK_TITLES[m.kind]?.(m) ?? m.kind;
      // Small marks, not buttons: the keys (← → Home End) are the keyboard's way.
      const el = html("span", { class: `tl-mark ${m.kind}`, title: `${(m.timeMs / 1000).toFixed(3)} s: ${title}` }, this.marks);
      el.dataset.ms = String(m.timeMs);
      el.dataset.kind = m.kind;
      el.style.left = pct(m.timeMs);
      if (m.kind === "election" || m.kind === "leader") el.style.background = termColor(m.term);
    }
  }

  renderBranches(pg) {
    const list = pg.branches();
    const box = $("tl-branches");
    box.hidden = list.length < 2;
    if (list.length < 2 || box.dataset.sig === JSON.stringify(list)) return;
    box.dataset.sig = JSON.stringify(list);
    box.replaceChildren();
    for (const b of list) {
      const o = html("option", { value: String(b.index) }, box);
      text(o, `Branch ${b.index + 1}: ${b.actions} action${b.actions === 1 ? "" : "s"}, to ${(b.endMs / 1000).toFixed(1)} s${b.current ? " (current)" : ""}`);
      o.selected = b.current;
    }
  }
}

/** The step just before the event that revealed the first violation, and the
 * nodes it names: `{ step, nodes }`, or null without one. */
export function justBeforeViolation(pg) {
  const v = pg.markers().find((m) => m.kind === "violation");
  return v ? { step: Math.max(0, v.step - 1), nodes: v.violation.nodes } : null;
}
