// Phased presets: a gallery scenario opens paused at its start, its phases
// (Figure 8's (a)–(e), …) are listed under its caption and marked on the
// timeline, the current one highlighted; "Next phase" plays to the next phase
// boundary and stops. The phases come with the gallery list of the scenario
// module (src/scenario/presets.rs), never from a link: a link stays the same.
//
// This file holds the list and draws it; the page moves through `act()` and
// its clock (`playTo`).

import { $, html, text } from "./dom.js";

/** Boundaries within this much of now count as reached (times are floats). */
const EPSILON_MS = 1e-6;

export class Phases {
  /** `page`: { now() (ms), seek(ms), playTo(ms), toast(text) }. */
  constructor(page) {
    this.page = page;
    this.list = []; // [{ name, startMs, caption }]
    this.endMs = 0; // the end of the script (the preset's duration)
    this.shown = ""; // what the strip shows now (redrawn when it changes)
    $("next-phase").onclick = () => this.next();
    $("phase-chips").addEventListener("click", (e) => {
      const ms = e.target.dataset?.ms;
      if (ms !== undefined) this.page.seek(+ms);
    });
  }

  /** The preset `p` (from the gallery list) opened, or null for any other run. */
  set(p) {
    this.list = p?.phases ?? [];
    this.endMs = p?.durationMs ?? 0;
    this.shown = "";
    $("scenario-phases").hidden = !this.list.length;
    const chips = $("phase-chips");
    chips.replaceChildren();
    for (const ph of this.list) {
      const b = html("button", { type: "button", class: "phase-chip", title: `${(ph.startMs / 1000).toFixed(3)} s: ${ph.caption}` }, chips);
      b.dataset.ms = String(ph.startMs);
      text(b, ph.name);
    }
  }

  has() {
    return this.list.length > 0;
  }

  /** Every boundary: each phase's start, then the end of the script. */
  boundaries() {
    return [...this.list.map((p) => p.startMs), this.endMs];
  }

  /** The phase under way at `ms` (-1 once the script has ended). */
  current(ms) {
    if (ms >= this.endMs - EPSILON_MS) return -1;
    let i = 0;
    this.list.forEach((p, k) => p.startMs <= ms + EPSILON_MS && (i = k));
    return i;
  }

  /** The next boundary after `ms`, or null at the end of the script. */
  after(ms) {
    return this.boundaries().find((b) => b > ms + EPSILON_MS) ?? null;
  }

  /** The last boundary before `ms` (0 at the start). */
  before(ms) {
    return this.boundaries().findLast((b) => b < ms - EPSILON_MS) ?? 0;
  }

  /** "Next phase": plays to the next boundary and stops there. */
  next() {
    const ms = this.page.now();
    const b = this.after(ms);
    if (b === null) return this.page.toast("The script has ended: Play lets the cluster run on");
    this.page.playTo(b);
  }

  /** Shift+← / Shift+→: goes straight to the previous / next boundary. */
  step(dir) {
    const ms = this.page.now();
    const b = dir > 0 ? this.after(ms) : this.before(ms);
    if (b === null) return this.page.toast("The script has ended: there is no next phase");
    this.page.seek(b);
  }

  /** Highlights the phase under way at `ms` (cheap when nothing changed). */
  render(ms) {
    if (!this.list.length) return;
    const i = this.current(ms);
    const sig = String(i);
    if (sig === this.shown) return;
    this.shown = sig;
    [...$("phase-chips").children].forEach((b, k) => {
      b.classList.toggle("current", k === i);
      if (k === i) b.setAttribute("aria-current", "step");
      else b.removeAttribute("aria-current");
    });
    const caption = $("phase-caption");
    caption.classList.toggle("ended", i < 0);
    caption.replaceChildren();
    if (i < 0) caption.textContent = `The script has ended (at ${(this.endMs / 1000).toFixed(1)} s): the cluster runs on by itself.`;
    else {
      text(html("strong", { class: "phase-name" }, caption), this.list[i].name);
      caption.append(` ${this.list[i].caption}`);
    }
    $("next-phase").disabled = i < 0;
    text($("next-phase"), i === this.list.length - 1 ? "To the end ▸" : "Next phase ▸");
  }

  /** Marks for the timeline bar: `[{ ms, name, caption }]`, and the span they need. */
  marks() {
    return { list: this.list.map((p) => ({ ms: p.startMs, name: p.name, caption: p.caption })), endMs: this.endMs };
  }
}
