// The browser and the native CLI replay a link to the same trace hash: 20 links
// made in the page with writes, partitions, one-way cuts, crashes, restarts,
// forced timeouts and a lossy, duplicating network, then replayed by
// `raft-playground run '<link>' --until <time>`.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadPlayground, repoRoot, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();
let cli;
before(() => {
  cli = process.env.RAFT_PLAYGROUND_BIN ?? join(repoRoot, "target", "debug", "raft-playground");
  if (!process.env.RAFT_PLAYGROUND_BIN) {
    // Cheap when `cargo test` already built it.
    execFileSync("cargo", ["build", "--quiet", "--bin", "raft-playground"], { cwd: repoRoot, stdio: "inherit" });
  }
  assert.ok(existsSync(cli), `native CLI missing at ${cli}`);
});

/** One scripted session in the page, varied by `i`; returns link, hash and time. */
function session(i) {
  // A tiny deterministic PRNG so each of the 20 sessions differs.
  let s = (i * 2654435761) >>> 0;
  const rand = (n) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
  const nodes = 3 + (i % 5);
  raft.pause();
  raft.reset({ nodes, seed: 1000 + i });
  raft.runFor(400 + rand(400));
  const ids = Array.from({ length: nodes }, (_, k) => k + 1);
  raft.write("a", `v${i}`);
  raft.runFor(150);
  const leader = raft.leader() ?? 1;
  const others = ids.filter((n) => n !== leader);
  raft.partition([[leader, others[0]], others.slice(1)]);
  raft.runFor(300 + rand(300));
  raft.write("b", `w${i}`, leader);
  raft.runFor(200);
  raft.heal();
  raft.setNetwork({ loss: rand(20) / 100, duplicate: rand(15) / 100 });
  raft.cut(others[0], leader);
  raft.runFor(250);
  const victim = ids[rand(nodes)];
  raft.crash(victim);
  raft.step();
  raft.runFor(200 + rand(200));
  raft.restart(victim);
  const t = ids[rand(nodes)];
  raft.timeout(t); // every node runs again; a leader ignores a forced timeout
  raft.write("c", `x${i}`, ids[rand(nodes)]);
  raft.runFor(500 + rand(500));
  raft.heal();
  raft.runFor(321.5);
  return { link: raft.link(), hash: raft.traceHash(), now: raft.now(), violations: raft.view().violations.length };
}

test("20 links: native trace hash equals the browser's", () =>
  withPage(env.browser, "native-replay", async ({ page }) => {
    await loadPlayground(page, env.server.url);
    const hashes = new Set();
    for (let i = 1; i <= 20; i++) {
      const run = await page.evaluate(session, i);
      assert.match(run.link, /#s=1\.[A-Za-z0-9_-]+$/);
      const untilUs = Math.round(run.now * 1000);
      const out = execFileSync(cli, ["run", run.link, "--until", `${untilUs}us`], { encoding: "utf8" });
      const native = out.match(/^trace-hash: ([0-9a-f]{64})$/m);
      assert.ok(native, `no trace-hash line in:\n${out}`);
      assert.equal(native[1], run.hash, `link ${i}: native and browser hashes differ\n${run.link}`);
      // Without --until a link runs to its view time, where the page opens it: the same hash.
      const opened = execFileSync(cli, ["run", run.link], { encoding: "utf8" });
      assert.equal(opened.match(/^trace-hash: ([0-9a-f]{64})$/m)?.[1], run.hash, `link ${i}: default --until`);
      const v = out.match(/^violations: (\d+)$/m);
      assert.equal(Number(v[1]), run.violations, `link ${i}: violation counts differ`);
      hashes.add(run.hash);
    }
    assert.equal(hashes.size, 20, "every session is a different run");
  }));
