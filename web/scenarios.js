// Links, JSON files and the gallery, from the page's second wasm module
// (src/bin/scenarios.rs). The first load fetches only the simulator; this
// module follows right after the first paint (or before it, when the URL holds
// a link). The simulator and this module pass a scenario as its payload bytes
// (`Playground.wire` / `Playground.fromWire`), so a link made here is byte for
// byte the native CLI's.

let module = null;
let loading = null;

/** Loads the module once (a relative URL: dist/ works under any sub-path). */
export function loadScenarios() {
  loading ??= import(new URL("../scenarios.js", import.meta.url).href).then(async (m) => {
    await m.default();
    module = m;
    return m;
  });
  return loading;
}

function loaded() {
  if (!module) throw new Error("links, files and the gallery are still loading: try again in a moment");
  return module;
}

/** A new Playground (from the simulator's exports) for `{ link }`, `{ json }`
 * or `{ preset }`; throws an Error with a readable sentence. */
export function openSource(Playground, src) {
  const m = loaded();
  if (typeof src.link === "string") return Playground.fromWire(m.linkToWire(src.link));
  if (typeof src.json === "string") return Playground.fromWire(m.jsonToWire(src.json));
  if (typeof src.preset === "string") return Playground.fromWire(m.presetWire(src.preset));
  throw new Error("expected a link such as '#s=1.…' (or { json } / { preset })");
}

/** The link fragment (`#s=1.…`) that reopens the run of `pg` now. */
export function linkOf(pg, playing, selected) {
  return loaded().wireToLink(pg.wire(playing, selected));
}

/** The run of `pg` as a scenario JSON document. */
export function jsonOf(pg, playing, selected) {
  return loaded().wireToJson(pg.wire(playing, selected));
}

/** The gallery: `[{ id, title, caption, durationMs }]`. */
export function presets() {
  return loaded().presets();
}
