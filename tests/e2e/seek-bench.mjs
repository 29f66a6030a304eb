// Time travel in headless Chromium: random seeks in a 10-minute run of 5
// nodes with 3 busy automatic clients, on the release build. Prints the time
// to run to 10 minutes (with checkpoints), then p50 / p95 / max of a seek
// (`raft.seek(ms)`: restore the nearest checkpoint and replay), of a step back,
// and of the redraw that follows a seek. A benchmark, not a timed test.
//   node tests/e2e/seek-bench.mjs     (needs the release dist/, see helpers.mjs)
//   SEEKS=200 node tests/e2e/seek-bench.mjs

import { openPage, setup } from "./helpers.mjs";

const SEEKS = +(process.env.SEEKS ?? 100);
const RUN_MS = 600_000;

const env = await setup();
try {
  const { context, page, problems } = await openPage(env.browser, { viewport: { width: 1400, height: 900 } });
  await page.goto(env.server.url);
  await page.waitForFunction(() => window.raft && document.body.classList.contains("ready"));
  const r = await page.evaluate(
    async ({ seeks, runMs }) => {
      raft.pause();
      raft.reset({ nodes: 5, seed: 1, clients: 3 });
      const t0 = performance.now();
      raft.runUntil(runMs);
      const runToEnd = performance.now() - t0;
      const pct = (xs) => {
        xs.sort((a, b) => a - b);
        const at = (p) => +xs[Math.round((xs.length - 1) * p)].toFixed(1);
        return { p50: at(0.5), p95: at(0.95), max: at(1) };
      };
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      let x = 42; // a fixed LCG: the same targets every time
      const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const seek = [];
      const draw = [];
      for (let i = 0; i < seeks; i++) {
        const target = Math.round(next() * runMs);
        const s = performance.now();
        raft.seek(target);
        seek.push(performance.now() - s);
        const d = performance.now();
        await frame();
        draw.push(performance.now() - d);
      }
      raft.seek(runMs);
      const back = [];
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        raft.stepBack();
        back.push(performance.now() - s);
      }
      return {
        runToEndMs: Math.round(runToEnd),
        checkpointsHint: raft.markers().length + " markers",
        seekMs: pct(seek),
        stepBackMs: pct(back),
        seekThenTwoFramesMs: pct(draw),
      };
    },
    { seeks: SEEKS, runMs: RUN_MS },
  );
  console.log(JSON.stringify(r));
  if (problems.length) console.error("page problems:", problems);
  await context.close();
} finally {
  await env.close();
}
