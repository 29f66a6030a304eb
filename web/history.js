// The lasting history: every event of the run up to the cursor, newest first,
// in a virtualised list (only the rows on screen are in the DOM), filtered by
// node, kind and text. The rows, their sentences and the filter's index live
// in the Raft core (`historyEvents`); a click on a row seeks to the step that
// made it. A text filter over a long run scans a budget of rows per call, so
// the list asks again each frame until the scan is complete.

import { $, html, text } from "./dom.js";

// A row is one control high (the CSS --tap: 32 px, 44 px on touch screens);
// the list's height is rows × that.
const OVERSCAN = 8;

export class HistoryList {
  /** `act(action)`: the page's one entry for changes (a click seeks);
   * `redraw()`: asks for a frame (the list draws in the page's frame). */
  constructor(act, redraw) {
    this.act = act;
    this.redraw = redraw;
    this.card = $("history");
    this.list = $("history-list");
    this.space = this.list.firstElementChild;
    this.rows = html("div", { class: "history-rows" }, this.space);
    this.key = ""; // what the rows on screen were fetched for
    this.total = 0;
    this.nodes = 0;
    const again = () => {
      this.key = "";
      this.redraw();
    };
    for (const id of ["history-node", "history-family"]) $(id).addEventListener("change", again);
    $("history-text").addEventListener("input", again);
    this.list.addEventListener("scroll", again, { passive: true });
    this.card.addEventListener("toggle", again);
    this.rows.addEventListener("click", (e) => {
      const row = e.target.closest("[data-step]");
      if (row) this.act({ type: "seekStep", step: +row.dataset.step });
    });
  }

  /** The filter as the core takes it. */
  filter() {
    const node = $("history-node").value;
    return { node: node ? +node : undefined, family: $("history-family").value, text: $("history-text").value.trim() };
  }

  /** Called every frame: fetches and draws only when something changed. */
  render(pg) {
    if (!this.card.open) return;
    const n = pg.nodes();
    if (n !== this.nodes) this.nodeOptions(n);
    const f = this.filter();
    const pos = pg.position();
    const ROW_H = (this.rowH = parseFloat(getComputedStyle(this.list).getPropertyValue("--tap")) || 32);
    const first = Math.max(0, Math.floor(this.list.scrollTop / ROW_H) - OVERSCAN);
    const count = Math.ceil((this.list.clientHeight || 300) / ROW_H) + 2 * OVERSCAN;
    const key = `${pos.step}|${f.node}|${f.family}|${f.text}|${first}|${count}`;
    if (key === this.key) return;
    const page = pg.historyEvents(f.node, f.family, f.text, first, count);
    // Keep the rows a person scrolled to in place as new ones arrive on top.
    const grown = page.total - this.total;
    const sameFilter = this.filterKey === `${f.node}|${f.family}|${f.text}`;
    this.filterKey = `${f.node}|${f.family}|${f.text}`;
    this.total = page.total;
    this.space.style.height = `${page.total * ROW_H}px`;
    if (sameFilter && grown > 0 && this.list.scrollTop > 0) {
      this.list.scrollTop += grown * ROW_H;
      this.key = "";
      this.redraw(); // fetch again for the new scroll position
      return;
    }
    this.key = page.complete ? key : "";
    if (!page.complete) this.redraw(); // an unfinished scan goes on next frame
    this.draw(page.rows, first);
    const shown = page.total === page.stored ? `${page.stored.toLocaleString()} events` : `${page.total.toLocaleString()} of ${page.stored.toLocaleString()} events`;
    const scanning = page.complete ? "" : ` (searching… ${Math.floor((100 * page.scanned) / Math.max(1, page.stored))}%)`;
    text($("history-status"), `${shown} up to ${(pos.timeMs / 1000).toFixed(3)} s${scanning}`);
  }

  draw(rows, first) {
    const frag = document.createDocumentFragment();
    rows.forEach((r, i) => {
      const b = html("button", { type: "button", class: `hrow ev-${r.kind}`, "data-step": r.step, title: `${r.text} — click to go to ${r.time.toFixed(3)} ms` }, frag);
      b.style.top = `${(first + i) * this.rowH}px`;
      html("time", null, b).textContent = r.time.toFixed(1);
      html("span", null, b).textContent = r.text;
    });
    this.rows.replaceChildren(frag);
  }

  nodeOptions(n) {
    this.nodes = n;
    const sel = $("history-node");
    const keep = sel.value;
    sel.replaceChildren();
    html("option", { value: "" }, sel).textContent = "all";
    for (let i = 1; i <= n; i++) html("option", { value: String(i) }, sel).textContent = `S${i}`;
    sel.value = keep && +keep <= n ? keep : "";
  }
}
