// The bug-hunt panel: searches swarm seeds with the broken rules that are on,
// in a Web Worker (web/hunt-worker.js), and lists each counterexample with its
// property and an Open that loads its shrunk link. The same search as
// `raft-playground sweep --swarm --bug …` and the same shrink as
// `raft-playground shrink --seed N --swarm`, so every entry can be replayed
// natively too.

import { $, html } from "./dom.js";

/** Seeds per hunt, and counterexamples after which it stops by itself. */
const SEEDS = 1000;
const MAX_FOUND = 5;

export class Hunt {
  /**
   * @param {{ bugsOn: () => string[], open: (link: string) => void }} page
   */
  constructor(page) {
    this.page = page;
    this.worker = null;
    this.start = $("hunt-start");
    this.stopBtn = $("hunt-stop");
    this.from = $("hunt-from");
    this.progress = $("hunt-progress");
    this.status = $("hunt-status");
    this.list = $("hunt-found");
    this.start.addEventListener("click", () => this.run());
    this.stopBtn.addEventListener("click", () => this.stop("Stopped."));
  }

  run() {
    this.stop();
    const bugs = this.page.bugsOn();
    const from = Math.max(1, Math.floor(Number(this.from.value) || 1));
    this.list.replaceChildren();
    this.progress.max = SEEDS;
    this.progress.value = 0;
    const rules = bugs.length ? bugs.join(", ") : "no broken rule (the correct Raft)";
    this.status.textContent = `Loading the hunt… seeds ${from}–${from + SEEDS - 1} with ${rules}.`;
    this.rules = rules;
    this.bugs = bugs;
    this.worker = new Worker(new URL("./hunt-worker.js", import.meta.url), { type: "module" });
    this.worker.onmessage = (e) => this.onMessage(e.data);
    this.worker.onerror = (e) => this.stop(`The hunt failed: ${e.message || "the worker did not start"}.`);
    this.worker.postMessage({ bugs: bugs.join(","), from, count: SEEDS, maxFound: MAX_FOUND });
    this.setRunning(true);
  }

  /** Stops a running hunt (the worker is terminated at once). */
  stop(note) {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
    this.setRunning(false);
    if (note) this.status.textContent = `${note} ${this.status.textContent}`;
  }

  setRunning(on) {
    this.start.disabled = on;
    this.stopBtn.disabled = !on;
    this.stopBtn.setAttribute("aria-disabled", String(!on));
  }

  onMessage(m) {
    if (m.type === "progress") {
      this.progress.value = m.done;
      this.status.textContent = `${m.done} of ${SEEDS} seeds (up to seed ${m.seed}), ${Math.round(m.rate)} seeds/s, ${this.list.children.length} found · ${this.rules}`;
      this.status.dataset.rate = String(m.rate);
    } else if (m.type === "found") {
      this.addFound(m);
    } else if (m.type === "shrunk") {
      this.addShrunk(m);
    } else if (m.type === "done") {
      this.worker?.terminate();
      this.worker = null;
      this.setRunning(false);
      const end = m.found >= MAX_FOUND ? `stopped at ${MAX_FOUND} counterexamples` : `${m.found} counterexample${m.found === 1 ? "" : "s"}`;
      this.status.textContent = `Done: ${m.done} seeds, ${end}. ${this.status.textContent.replace(/^Done: [^.]*\. /, "")}`;
      this.status.dataset.done = "true";
    } else if (m.type === "error") {
      this.stop(`The hunt failed: ${m.message}.`);
    }
  }

  addFound(m) {
    const li = html("li", { "data-seed": String(m.seed) }, this.list);
    const head = html("div", { class: "hunt-head" }, li);
    html("b", {}, head).textContent = `seed ${m.seed}`;
    html("span", { class: "hunt-prop" }, head).textContent = ` ${m.property} at ${m.atMs.toFixed(1)} ms`;
    html("p", { class: "small muted hunt-why" }, li).textContent = m.explanation;
    html("p", { class: "small hunt-shrink" }, li).textContent = "Shrinking…";
    const cmd = html("code", { class: "small hunt-cli" }, li);
    const bugs = this.bugs.map((b) => ` --bug ${b}`).join("");
    cmd.textContent = `raft-playground shrink --seed ${m.seed} --swarm${bugs}`;
  }

  addShrunk(m) {
    const li = this.list.querySelector(`li[data-seed="${m.seed}"]`);
    if (!li) return;
    const line = li.querySelector(".hunt-shrink");
    if (m.error) {
      line.textContent = `Could not shrink: ${m.error}`;
      return;
    }
    line.textContent = m.before
      ? `Shrunk: ${m.before.actions} → ${m.after.actions} actions, ${fmtMs(m.before.durationMs)} → ${fmtMs(m.after.durationMs)}, ${m.before.nodes} → ${m.after.nodes} nodes (${m.runs} replays).`
      : "The whole run (a liveness failure is not shrunk).";
    const open = html("button", { type: "button", class: "hunt-open" }, line);
    open.textContent = "Open";
    open.setAttribute("aria-label", `Open seed ${m.seed}'s counterexample`);
    open.addEventListener("click", () => this.page.open(m.link));
  }
}

function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
