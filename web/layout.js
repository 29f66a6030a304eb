// How the page fits the screen it is on: the ring and the logs sized to the
// window, text in the ring kept readable however small it is drawn, the menu
// on a phone, reduced motion, and embed mode (only the ring, the controls and
// the caption, for an iframe in a blog post).

import { $ } from "./dom.js";

const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");

/** Reduced motion asked for: messages stay still, and a run waits for Play. */
export function prefersStill() {
  return reducedMotion.matches;
}

/** `?embed` in the query, or `embed=1` in the fragment (`#s=…&embed=1`). */
export function isEmbed() {
  return new URLSearchParams(location.search).has("embed") || /(^#|&)embed=1\b/.test(location.hash);
}

/** The scenario link in a fragment, without the page's own parameters
 * (`&embed=1`), or null when the fragment holds none. */
export function linkFromHash(hash) {
  if (!/[#&]s=/.test(hash)) return null;
  return hash.replace(/&embed=1\b/g, "");
}

/** `page`: { cluster, redraw }. */
export function installLayout({ cluster, redraw }) {
  const root = document.documentElement;

  // Where <main> starts: the ring and the logs take the rest of the window.
  const top = () => {
    const y = $("violations").nextElementSibling.getBoundingClientRect().top + scrollY;
    root.style.setProperty("--top", `${Math.round(y)}px`);
  };
  const chrome = new ResizeObserver(top);
  for (const id of ["banner", "scenario-note", "tour", "violations"]) chrome.observe($(id));
  chrome.observe(document.querySelector("header"));
  top();

  // The ring's drawn size: labels follow it (see Cluster.setScale).
  const svg = $("cluster");
  const scale = () => {
    const r = svg.getBoundingClientRect();
    const px = Math.min(r.width, r.height);
    if (px < 50) return;
    cluster.setScale(600 / px);
    redraw();
  };
  new ResizeObserver(scale).observe(svg);

  cluster.setStill(reducedMotion.matches);
  reducedMotion.addEventListener("change", () => {
    cluster.setStill(reducedMotion.matches);
    redraw();
  });

  // The phone's menu: new cluster, gallery, share, download, upload.
  const menu = $("menu-btn");
  menu.onclick = () => {
    const open = document.body.classList.toggle("menu-open");
    menu.setAttribute("aria-expanded", String(open));
  };

  if (isEmbed()) {
    document.body.classList.add("embed");
    $("scenario-note").tabIndex = 0; // it may scroll in a small frame
    const full = $("embed-open");
    full.hidden = false;
    const sync = () => {
      const u = new URL(location.href);
      u.searchParams.delete("embed");
      u.hash = u.hash.replace(/&embed=1\b/g, "");
      full.href = u.href;
    };
    sync();
    addEventListener("hashchange", sync);
  }
}
