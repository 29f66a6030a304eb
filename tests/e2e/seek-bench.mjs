// Time travel in headless Chromium: random seeks in a 10-minute run of 5
// nodes with 3 busy automatic clients, on the release build. Prints the time
// to run to 10 minutes (with checkpoints), then p50 / p95 / max of a seek
// (`raft.seek(ms)`: restore the nearest checkpoint and replay), of a step back,
// and of the redraw that follows a seek. A benchmark, not a timed test.
//   node tests/e2e/seek-bench.mjs     (needs the release dist/, see helpers.mjs)
//   SEEKS=200 node tests/e2e/seek-bench.mjs

import { openPage, setup } from "./helpers.mjs";
import { measureSeeks } from "./seek-measure.mjs";

const SEEKS = +(process.env.SEEKS ?? 100);
const RUN_MS = 600_000;

const env = await setup();
try {
  const { context, page, problems } = await openPage(env.browser, { viewport: { width: 1400, height: 900 } });
  await page.goto(env.server.url);
  await page.waitForFunction(() => window.raft && document.body.classList.contains("ready"));
  const r = await measureSeeks(page, { seeks: SEEKS, runMs: RUN_MS });
  console.log(JSON.stringify(r));
  if (problems.length) console.error("page problems:", problems);
  await context.close();
} finally {
  await env.close();
}
