// The bug hunt's Web Worker: runs swarm seeds in the hunt module
// (src/bin/hunt.rs, the same Rust core as the page and the CLI) and shrinks
// each counterexample, so the page stays responsive while it searches.
//
// In:  { bugs: "a,b", from, count, maxFound }
// Out: { type: "progress", done, seed, rate }   seeds/s over the search alone
//      { type: "found", seed, property, atMs, explanation, safety }
//      { type: "shrunk", seed, link, before, after, runs } or { type: "shrunk", seed, error }
//      { type: "done", done, found }           after `count` seeds or `maxFound` finds
//      { type: "error", message }
// Stop: the page terminates the worker.

let module = null;

async function load() {
  module ??= import(new URL("../hunt.js", import.meta.url).href).then(async (m) => {
    await m.default();
    return m;
  });
  return module;
}

const message = (err) => String(err?.message ?? err);

onmessage = async (event) => {
  const { bugs, from, count, maxFound } = event.data;
  let m;
  try {
    m = await load();
  } catch (err) {
    postMessage({ type: "error", message: `the hunt module did not load: ${message(err)}` });
    return;
  }
  let done = 0;
  let found = 0;
  let searching = 0; // ms spent running seeds (shrinking excluded)
  let reported = performance.now();
  for (let seed = from; seed < from + count && found < maxFound; seed++) {
    const t = performance.now();
    let result;
    try {
      result = m.huntSeed(bugs, seed);
    } catch (err) {
      postMessage({ type: "error", message: message(err) });
      return;
    }
    searching += performance.now() - t;
    done++;
    if (result) {
      found++;
      postMessage({ type: "progress", done, seed, rate: done / (searching / 1000) });
      const hit = JSON.parse(result);
      postMessage({ type: "found", ...hit });
      try {
        const shrunk = hit.safety ? JSON.parse(m.shrinkSeed(bugs, seed)) : { link: m.seedLink(bugs, seed) };
        postMessage({ type: "shrunk", seed, ...shrunk });
      } catch (err) {
        postMessage({ type: "shrunk", seed, error: message(err) });
      }
    }
    const now = performance.now();
    if (now - reported > 150) {
      postMessage({ type: "progress", done, seed, rate: done / (searching / 1000) });
      reported = now;
    }
  }
  postMessage({ type: "progress", done, seed: from + done - 1, rate: done / (searching / 1000 || 1) });
  postMessage({ type: "done", done, found });
};
