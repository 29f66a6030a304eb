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

/**
 * Term colours. Nine, so terms 1, 8 and 15 differ (a palette of seven repeats
 * every seven terms); none is a message colour (the client's green, the
 * RequestVote pink, the AppendEntries blues), and the term's number is always
 * drawn beside its colour, so no one has to tell two colours apart.
 */
export const TERM_COLORS = ["#E69F00", "#4E79A7", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#9C755F", "#FF9DA7", "#2F4B7C"];
const NO_TERM = "#9aa0a6";

/** Black or white, whichever reads better on `hex` (both give at least 4.5:1 here). */
function inkOn(hex) {
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = [1, 3, 5].map((i) => lin(parseInt(hex.slice(i, i + 2), 16) / 255));
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
}
const INK = TERM_COLORS.map(inkOn);

export const termColor = (t) => (t > 0 ? TERM_COLORS[(t - 1) % TERM_COLORS.length] : NO_TERM);
export const termInk = (t) => (t > 0 ? INK[(t - 1) % TERM_COLORS.length] : "#000");

/** Puts the palette in CSS variables (--t1 … --t9, --t1-ink …) for the legend. */
export function publishTermColors(root = document.documentElement) {
  TERM_COLORS.forEach((c, i) => {
    root.style.setProperty(`--t${i + 1}`, c);
    root.style.setProperty(`--t${i + 1}-ink`, INK[i]);
  });
}

export const fmtMs = (ms) => (ms < 10000 ? ms.toFixed(1) : ms.toFixed(0)) + " ms";
