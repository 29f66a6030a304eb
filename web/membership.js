// Membership change in the settings: a new cluster whose configuration starts
// with nodes 1..k only, the rest outside it (added later from the inspector).
// The choice goes into the cluster config as `initialMembers`, and from there
// into share links (link format 3, setting `initial-members`).

import { $, html } from "./dom.js";

/** The header's form and this card share the choice: `{ initialMembers: k }`,
 * or nothing for "every node". */
export function initialMembers() {
  const k = +$("new-members").value;
  return k ? { initialMembers: k } : {};
}

/** Fills the choices for the node count picked in the header, and wires the
 * card's "New cluster" button (the header's form reads the choice too). */
export function installMembers(newCluster) {
  const nodes = $("new-nodes");
  const select = $("new-members");
  const fill = () => {
    const n = +nodes.value || 5;
    const keep = +select.value;
    select.replaceChildren();
    html("option", { value: "" }, select).textContent = `all ${n}`;
    for (let k = 1; k < n; k++) html("option", { value: String(k) }, select).textContent = k === 1 ? "S1 only" : `S1–S${k}`;
    select.value = keep && keep < n ? String(keep) : "";
  };
  fill();
  nodes.addEventListener("change", fill);
  $("new-members-go").onclick = () => newCluster();
  refill = fill;
}

let refill = () => {};

/** A new cluster set the header's node count: the choices follow it. */
export function fillMembers() {
  refill();
}
