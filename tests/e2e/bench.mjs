// Performance figures of the page (issue 12), printed in one run; a benchmark,
// not a test: it never fails on a number.
//
//   node tests/e2e/bench.mjs        (needs the release dist/ and the release CLI:
//                                    make build; cargo build --release)
//   RUNS=3 node tests/e2e/bench.mjs (best of 3 for each speed: the machine may be shared)
//
// The workload (the issue's): 600 simulated s, 5 nodes, 1 automatic client,
// latency 10–15 ms, election timeouts 100–200 ms, seed 1.
//   1. the release wasm in node: `runFor(60000)` ten times (× real time), and
//      `traceHash()` afterwards (the replay in hash mode, see src/wasm.rs)
//   2. the same in headless Chromium (Debian's /usr/bin/chromium), through the
//      page's console API
//   3. the native CLI on the same scenario (`raft-playground run LINK`), and the
//      page / native ratio; the two trace hashes must agree
//   4. fast-forward of one simulated hour with 3 clients, in node and in the page
//   5. the wasm's linear memory after the hour
//   6. time travel in Chromium: random seeks in a 10-minute run of 5 nodes with 3
//      busy clients (seek-measure.mjs; SEEKS=100 by default)
//   7. the page weight per file (scripts/page-weight.sh)

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { distDir, loadPlayground, openPage, repoRoot, setup } from "./helpers.mjs";
import { measureSeeks } from "./seek-measure.mjs";

const RUNS = +(process.env.RUNS ?? 1);
const SPAN_MS = 600_000;
const WORKLOAD = { nodes: 5, seed: 1, clients: 1, latencyMin: 10, latencyMax: 15, electionTimeoutMin: 100, electionTimeoutMax: 200 };
const HOUR = { ...WORKLOAD, clients: 3 };
const CLI = join(repoRoot, "target", "release", "raft-playground");

const fmt = (x, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const best = async (run) => {
  let top = null;
  for (let i = 0; i < RUNS; i++) {
    const r = await run();
    if (!top || r.ms < top.ms) top = r;
  }
  return top;
};

// ----- 1. node -------------------------------------------------------------------
const files = readdirSync(distDir);
const glue = files.find((f) => /^raft-playground-.*\.js$/.test(f));
if (!glue) throw new Error(`no wasm glue in ${distDir}: run \`make build\` first`);
const core = await import(pathToFileURL(join(distDir, glue)).href);
const coreExports = core.initSync({ module: readFileSync(join(distDir, glue.replace(/\.js$/, "_bg.wasm"))) });
const scenarios = await import(pathToFileURL(join(distDir, "scenarios.js")).href);
scenarios.initSync({ module: readFileSync(join(distDir, "scenarios_bg.wasm")) });

function nodeRun(config, spanMs) {
  const pg = new core.Playground(config);
  const t0 = performance.now();
  for (let t = 0; t < spanMs; t += 60_000) pg.runFor(Math.min(60_000, spanMs - t));
  const ms = performance.now() - t0;
  return { pg, ms };
}

const nodeSim = await best(async () => {
  const { pg, ms } = nodeRun(WORKLOAD, SPAN_MS);
  const h0 = performance.now();
  const hash = pg.traceHash();
  const hashMs = performance.now() - h0;
  const h1 = performance.now();
  pg.traceHash();
  const cachedMs = performance.now() - h1;
  const link = scenarios.wireToLink(pg.wire(false, 0));
  pg.free();
  return { ms, hash, hashMs, cachedMs, link };
});
const nodeHour = await best(async () => {
  const { pg, ms } = nodeRun(HOUR, 3_600_000);
  const memory = coreExports.memory.buffer.byteLength;
  pg.free();
  return { ms, memory };
});

// ----- 3. native -------------------------------------------------------------------
let native = null;
if (existsSync(CLI)) {
  native = await best(async () => {
    const t0 = performance.now();
    const out = execFileSync(CLI, ["run", nodeSim.link, "--until", "600s"], { encoding: "utf8" });
    const ms = performance.now() - t0;
    const hash = /[0-9a-f]{64}/.exec(out)?.[0] ?? "?";
    return { ms, hash };
  });
}

// ----- 2. Chromium -------------------------------------------------------------------
const env = await setup();
let page = null;
try {
  const { context, page: p } = await openPage(env.browser, {});
  await loadPlayground(p, env.server.url);
  const inPage = (config, spanMs) =>
    p.evaluate(
      ({ config, spanMs }) => {
        raft.pause();
        raft.reset(config);
        const t0 = performance.now();
        for (let t = 0; t < spanMs; t += 60_000) raft.runFor(Math.min(60_000, spanMs - t));
        const ms = performance.now() - t0;
        const h0 = performance.now();
        const hash = spanMs <= 600_000 ? raft.traceHash() : "";
        return { ms, hash, hashMs: performance.now() - h0 };
      },
      { config, spanMs },
    );
  const sim = await best(() => inPage(WORKLOAD, SPAN_MS));
  const hour = await best(() => inPage(HOUR, 3_600_000));
  await p.waitForFunction(() => document.body.classList.contains("ready"));
  const seeks = await measureSeeks(p, { seeks: +(process.env.SEEKS ?? 100) });
  page = { sim, hour, seeks };
  await context.close();
} finally {
  await env.close();
}

// ----- Report ----------------------------------------------------------------------
const x = (ms, span = SPAN_MS) => `${fmt(span / ms)}× real time (${fmt(ms)} ms)`;
console.log(`machine: ${(await import("node:os")).cpus().length} cores (${(await import("node:os")).cpus()[0]?.model ?? "?"}), node ${process.version}${RUNS > 1 ? `, best of ${RUNS}` : ""}`);
console.log(`workload: 600 simulated s, 5 nodes, 1 client, latency 10–15 ms, elections 100–200 ms, seed 1`);
console.log(`page sim, node (release wasm):   ${x(nodeSim.ms)}`);
console.log(`page sim, headless Chromium:     ${x(page.sim.ms)}`);
if (native) {
  console.log(`native CLI (hashed, whole process): ${x(native.ms)}`);
  console.log(`ratio native / page: node ${fmt(nodeSim.ms / native.ms, 2)}, Chromium ${fmt(page.sim.ms / native.ms, 2)}`);
  console.log(`trace hash: page ${nodeSim.hash.slice(0, 16)}…, Chromium ${page.sim.hash.slice(0, 16)}…, native ${native.hash.slice(0, 16)}… ${nodeSim.hash === native.hash && page.sim.hash === native.hash ? "(equal)" : "(DIFFERENT)"}`);
} else {
  console.log(`native CLI: ${CLI} is missing (cargo build --release)`);
}
console.log(`traceHash() after 600 s (replay in hash mode): node ${fmt(nodeSim.hashMs)} ms, Chromium ${fmt(page.sim.hashMs)} ms; cached: ${fmt(nodeSim.cachedMs, 3)} ms`);
console.log(`fast-forward 1 simulated hour, 3 clients: node ${fmt(nodeHour.ms / 1000, 2)} s, Chromium ${fmt(page.hour.ms / 1000, 2)} s`);
console.log(`wasm memory after the hour (node): ${fmt(nodeHour.memory / 2 ** 20, 1)} MiB`);
const s = page.seeks;
console.log(`seek in a 10-minute run (5 nodes, 3 clients; run to the end ${fmt(s.runToEndMs)} ms with checkpoints): p50 ${s.seekMs.p50} ms, p95 ${s.seekMs.p95} ms, max ${s.seekMs.max} ms; step back p50 ${s.stepBackMs.p50} ms, p95 ${s.stepBackMs.p95} ms; seek + two frames p50 ${s.seekThenTwoFramesMs.p50} ms, p95 ${s.seekThenTwoFramesMs.p95} ms`);
console.log("page weight (gzip -9):");
try {
  process.stdout.write(execFileSync("bash", [join(repoRoot, "scripts", "page-weight.sh"), distDir], { encoding: "utf8" }));
} catch (e) {
  process.stdout.write(e.stdout ?? String(e));
}
