// Frame work with a busy cluster: 9 nodes and 200+ messages in flight, playing
// in headless Chromium. Prints p50 / p95 of the work per animation frame
// (simulation + drawing) and of drawing alone, over a few hundred frames.
//   node tests/e2e/perf.mjs            (needs the release dist/, see helpers.mjs)
//   FRAMES=600 SPEED=1 node tests/e2e/perf.mjs
//   TRIALS=3 node tests/e2e/perf.mjs  (the machine may be shared: several
//                                      trials, and the best one, tell load
//                                      from cost)
//   OPEN_ALL=1 SEQ_HEARTBEATS=1 node tests/e2e/perf.mjs  (every panel open; the
//                                      sequence diagram drawing heartbeats too)
// Exits non-zero when the best p95 is over P95_BUDGET_MS (default 4) and STRICT=1.

import { openPage, setup } from "./helpers.mjs";

const FRAMES = +(process.env.FRAMES ?? 400);
const SPEED = +(process.env.SPEED ?? 1);
const BUDGET = +(process.env.P95_BUDGET_MS ?? 4);
const TRIALS = +(process.env.TRIALS ?? 1);

// Heartbeats every 10 ms to 8 followers with 100–200 ms latency keep 250–350
// messages on the wire; an automatic client adds writes (and log entries).
const BUSY = {
  nodes: 9,
  seed: 7,
  heartbeatInterval: 10,
  electionTimeoutMin: 600,
  electionTimeoutMax: 1200,
  latencyMin: 100,
  latencyMax: 200,
  clients: +(process.env.CLIENTS ?? 1),
};

const env = await setup();
try {
  const results = [];
  for (let i = 0; i < TRIALS; i++) results.push(await trial());
  for (const r of results) console.log(JSON.stringify(r));
  const best = results.reduce((a, b) => (b.frameMs.p95 < a.frameMs.p95 ? b : a));
  if (TRIALS > 1) console.log("best:", JSON.stringify(best));
  if (process.env.STRICT === "1" && best.frameMs.p95 > BUDGET) {
    console.error(`p95 ${best.frameMs.p95} ms is over the budget of ${BUDGET} ms`);
    process.exitCode = 1;
  }
} finally {
  await env.close();
}

async function trial() {
  const { context, page, problems } = await openPage(env.browser, { viewport: { width: 1360, height: 900 } });
  try {
    await page.goto(env.server.url);
    await page.waitForFunction(() => window.raft);
    await page.evaluate(
      ({ busy, speed, openAll, seqHeartbeats }) => {
        if (openAll) for (const d of document.querySelectorAll("details")) d.open = true;
        if (seqHeartbeats) document.querySelector("#seq-hb").checked = true;
        raft.pause();
        raft.reset(busy);
        raft.runFor(3000); // elected and busy
        raft.speed(speed);
        raft.play();
      },
      { busy: BUSY, speed: SPEED, openAll: process.env.OPEN_ALL === "1", seqHeartbeats: process.env.SEQ_HEARTBEATS === "1" },
    );
    await page.waitForTimeout(500); // warm up
    await page.evaluate(() => {
      raft.resetFrameStats();
      window.__inFlight = [];
      const sample = () => {
        window.__inFlight.push(raft.view().messages.length);
        if (window.__inFlight.length < 20) setTimeout(sample, 200);
      };
      sample();
    });
    const t0 = Date.now();
    await page.waitForFunction((n) => raft.frameStats().frames >= n, FRAMES, { timeout: 120_000, polling: 250 });
    const seconds = (Date.now() - t0) / 1000;
    const stats = await page.evaluate(() => raft.frameStats());
    const inFlight = await page.evaluate(() => window.__inFlight);
    const avg = inFlight.reduce((a, b) => a + b, 0) / inFlight.length;
    if (problems.length) console.error("page problems:", problems);
    return {
      nodes: BUSY.nodes,
      speed: SPEED,
      messagesInFlight: { min: Math.min(...inFlight), avg: Math.round(avg), max: Math.max(...inFlight) },
      frames: stats.frames,
      fps: Math.round(stats.frames / seconds),
      frameMs: { p50: stats.p50, p95: stats.p95, max: stats.max },
      drawMs: { p50: stats.drawP50, p95: stats.drawP95 },
    };
  } finally {
    await context.close();
  }
}
