// Tiny DOM helpers. Everything that changes per frame goes through the cached
// setters below, so an unchanged value costs a property read, not a DOM write.
// Text always goes in with textContent, never innerHTML.

const SVG = "http://www.w3.org/2000/svg";

/** Creates an element (SVG when `ns` is true) with attributes, appended to `parent`. */
function make(ns, tag, attrs, parent) {
  const e = ns ? document.createElementNS(SVG, tag) : document.createElement(tag);
  if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
export const svg = (tag, attrs, parent) => make(true, tag, attrs, parent);
export const html = (tag, attrs, parent) => make(false, tag, attrs, parent);

/** Sets an attribute only when it changed since the last call. */
export function attr(e, k, v) {
  const c = e._a || (e._a = {});
  if (c[k] !== v) {
    c[k] = v;
    e.setAttribute(k, v);
  }
}

/** Sets textContent only when it changed. */
export function text(e, t) {
  if (e._t !== t) {
    e._t = t;
    e.textContent = t;
  }
}

/** Sets the class attribute only when it changed. */
export function klass(e, c) {
  if (e._c !== c) {
    e._c = c;
    e.setAttribute("class", c);
  }
}

/** Sets one style property (or CSS variable) only when it changed. */
export function style(e, k, v) {
  const c = e._s || (e._s = {});
  if (c[k] !== v) {
    c[k] = v;
    e.style.setProperty(k, v);
  }
}

export const $ = (id) => document.getElementById(id);

/** Okabe–Ito: a palette that stays distinct under the common colour blindnesses. */
const TERM = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"];
const INK = ["#000", "#000", "#fff", "#000", "#fff", "#fff", "#000"];
export const termColor = (t) => (t > 0 ? TERM[(t - 1) % 7] : "#9aa0a6");
export const termInk = (t) => (t > 0 ? INK[(t - 1) % 7] : "#000");

export const fmtMs = (ms) => (ms < 10000 ? ms.toFixed(1) : ms.toFixed(0)) + " ms";
