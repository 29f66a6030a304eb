// The keyboard. ← / → step one event back / forward, Shift+← / Shift+→ one
// phase of a gallery scenario (or 100 ms), Home / End go to the start / the
// furthest point reached. Keys that act on a node act on the selected one (X, T, W, R);
// R restarts the leader only when nothing is selected. On a focused node, link
// or message (Tab reaches each), Enter and Space pick it; they never reach the
// play/pause shortcut. Typing in a form field never triggers a shortcut.

import { $ } from "./dom.js";
import { parsePick } from "./cluster.js";
import { selectedId, store } from "./store.js";

/**
 * `page`: { step, stepBack, phaseStep(dir), seekHome, seekEnd, togglePlay, pick(what), tryAct(action), toast(text), writeTo(id),
 * restartKey, closeSplit, showHelp(on), deselect, closeMenu, liveView }.
 */
export function installKeys(page) {
  addEventListener("keydown", (e) => onKey(e, page));
}

/** The selected node's view, or null (with a hint to select one). */
function selectedNode(page) {
  const id = selectedId("node");
  const n = id ? page.liveView().nodes.find((x) => x.id === id) : null;
  if (!n) page.toast("Select a node first: click it, or Tab to it and press Enter");
  return n;
}

function onKey(e, page) {
  const helpOpen = !$("help").hidden;
  if (e.key === "Escape") {
    if (helpOpen) return page.showHelp(false);
    if (store.split) return page.closeSplit();
    if (document.body.classList.contains("menu-open")) {
      page.closeMenu();
      return $("menu-btn").focus();
    }
    const t = document.activeElement;
    // Leave the focus where it is if it is on the thing being deselected's
    // stage (a node, link, message); blur a form field.
    if (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) t.blur();
    return page.deselect();
  }
  const t = e.target;
  const pickable = t?.dataset?.pick;
  if (pickable && (e.key === "Enter" || e.key === " ")) {
    e.preventDefault();
    const what = parsePick(pickable);
    // Enter on a link cuts it, as a click does; Space shows it in the inspector.
    if (what.kind === "link" && e.key === " ") what.how = "tap";
    return page.pick(what);
  }
  if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)))) return;
  if (helpOpen && e.key !== "?") return;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (k === " ") {
    // Space on a button, a link or a summary presses it.
    if (t && /^(BUTTON|A|SUMMARY)$/.test(t.tagName)) return;
    page.togglePlay();
  } else if (e.shiftKey && (k === "ArrowRight" || k === "ArrowLeft")) page.phaseStep(k === "ArrowRight" ? 1 : -1);
  else if (k === "s" || k === "ArrowRight") page.step();
  else if (k === "ArrowLeft") page.stepBack();
  else if (k === "Home") page.seekHome();
  else if (k === "End") page.seekEnd();
  else if (k === "c") page.writeTo(+$("w-to").value || 0);
  else if (k === "h") page.tryAct({ type: "heal" });
  else if (k === "?") page.showHelp(helpOpen ? false : true);
  else if (k === "r") page.restartKey();
  else if (k === "x") {
    const n = selectedNode(page);
    if (n) page.tryAct({ type: n.crashed ? "restart" : "crash", node: n.id });
  } else if (k === "t") {
    const n = selectedNode(page);
    if (n) page.tryAct({ type: "timeout", node: n.id });
  } else if (k === "w") {
    const n = selectedNode(page);
    if (n) page.writeTo(n.id);
  } else return;
  e.preventDefault();
}
