// The lasting history: every event of the run up to the cursor, newest first,
// in a virtualised list (only the rows on screen are in the DOM), filtered by
// node, kind and text. The rows, their sentences and the filter's index live
// in the Raft core (`historyEvents`); a click on a row seeks to the step that
// made it. A text filter over a long run scans a budget of rows per call, so
// the list asks again each frame until the scan is complete.

import { $, html, style, text } from "./dom.js";

// Rows drawn beyond the visible ones, above and below.
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
    this.shown = new Map(); // place (0 = the oldest event shown) -> { el, step, text }
    // Sizes and the scroll position, read on their own events only.
    this.rowH = 32;
    this.viewH = 300;
    this.scrollTop = 0;
    const again = () => {
      this.key = "";
      this.redraw();
    };
    const measure = () => {
      // A row is one control high (the CSS --tap: 32 px, 44 px on touch screens).
      this.rowH = parseFloat(getComputedStyle(this.list).getPropertyValue("--tap")) || 32;
      this.viewH = this.list.clientHeight || 300;
      this.scrollTop = this.list.scrollTop;
    };
    for (const id of ["history-node", "history-family"]) $(id).addEventListener("change", again);
    $("history-text").addEventListener("input", again);
    this.list.addEventListener(
      "scroll",
      () => {
        this.scrollTop = this.list.scrollTop;
        again();
      },
      { passive: true },
    );
    this.card.addEventListener("toggle", () => {
      if (this.card.open) measure();
      again();
    });
    new ResizeObserver(() => {
      measure();
      again();
    }).observe(this.list);
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

  /** Called every frame: fetches and draws only when something changed. It
   * never reads layout (sizes and the scroll position are kept from their own
   * events), so a frame that drew the ring is not forced to lay out twice. */
  render(pg) {
    if (!this.card.open) return;
    const n = pg.nodes();
    if (n !== this.nodes) this.nodeOptions(n);
    const f = this.filter();
    const pos = pg.position();
    const ROW_H = this.rowH;
    const first = Math.max(0, Math.floor(this.scrollTop / ROW_H) - OVERSCAN);
    const count = Math.ceil(this.viewH / ROW_H) + 2 * OVERSCAN;
    const key = `${pos.step}|${f.node}|${f.family}|${f.text}|${first}|${count}|${ROW_H}`;
    if (key === this.key) return;
    const page = pg.historyEvents(f.node, f.family, f.text, first, count);
    // Keep the rows a person scrolled to in place as new ones arrive on top.
    const grown = page.total - this.total;
    const filterKey = `${f.node}|${f.family}|${f.text}|${ROW_H}`;
    const sameFilter = this.filterKey === filterKey;
    if (!sameFilter) this.forget();
    this.filterKey = filterKey;
    this.total = page.total;
    style(this.space, "height", `${page.total * ROW_H}px`);
    if (sameFilter && grown > 0 && this.scrollTop > 0) {
      this.scrollTop += grown * ROW_H;
      this.list.scrollTop = this.scrollTop;
      this.key = "";
      this.redraw(); // fetch again for the new scroll position
      return;
    }
    this.key = page.complete ? key : "";
    if (!page.complete) this.redraw(); // an unfinished scan goes on next frame
    this.draw(page.rows, first, page.total);
    const shown = page.total === page.stored ? `${page.stored.toLocaleString()} events` : `${page.total.toLocaleString()} of ${page.stored.toLocaleString()} events`;
    const scanning = page.complete ? "" : ` (searching… ${Math.floor((100 * page.scanned) / Math.max(1, page.stored))}%)`;
    text($("history-status"), `${shown} up to ${(pos.timeMs / 1000).toFixed(3)} s${scanning}`);
  }

  /** Rows are kept by their place counted from the oldest event and pinned to
   * the list's bottom (`bottom: place × row`), so while the run plays and new
   * events arrive on top, a row already drawn is neither moved nor rebuilt:
   * only the new rows are made, and those scrolled out are removed. A row
   * whose event changed (a fork rewrote that part of the run) is made again. */
  draw(rows, first, total) {
    const want = new Map();
    const fresh = [];
    rows.forEach((r, i) => {
      const place = total - 1 - (first + i);
      let row = this.shown.get(place);
      if (row && (row.step !== r.step || row.text !== r.text)) {
        row.el.remove();
        row = null;
      }
      if (!row) {
        const el = html("button", { type: "button", class: `hrow ev-${r.kind}`, "data-step": r.step, title: `${r.text} — click to go to ${r.time.toFixed(3)} ms` });
        el.style.bottom = `${place * this.rowH}px`;
        html("time", null, el).textContent = r.time.toFixed(1);
        html("span", null, el).textContent = r.text;
        row = { el, step: r.step, text: r.text };
        fresh.push(place);
      }
      want.set(place, row);
    });
    for (const [place, row] of this.shown) if (!want.has(place)) row.el.remove();
    this.shown = want;
    if (!fresh.length) return;
    // Newest first in the DOM too (the order a keyboard walks). New rows are
    // usually all newer than the kept ones: then they go in front.
    const kept = [...want.keys()].filter((p) => !fresh.includes(p));
    if (!kept.length || Math.min(...fresh) > Math.max(...kept)) this.rows.prepend(...fresh.map((p) => want.get(p).el));
    else this.rows.replaceChildren(...[...want.keys()].sort((a, b) => b - a).map((p) => want.get(p).el));
  }

  /** Drops every drawn row (the filter or the row height changed). */
  forget() {
    for (const row of this.shown.values()) row.el.remove();
    this.shown = new Map();
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
