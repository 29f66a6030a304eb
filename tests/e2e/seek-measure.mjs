// Time travel's figures in a page that has the playground loaded: a 10-minute
// run of 5 nodes with 3 busy automatic clients, then random seeks (the same
// targets every time), the redraw after each, and steps back. Shared by
// seek-bench.mjs and bench.mjs.

/** `{ runToEndMs, seekMs, stepBackMs, seekThenTwoFramesMs }`, each a `{ p50, p95, max }`. */
export function measureSeeks(page, { seeks = 100, runMs = 600_000 } = {}) {
  return page.evaluate(
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
    { seeks, runMs },
  );
}
