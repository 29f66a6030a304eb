// The lasting history and the client history in the page: the event list
// keeps the whole run (virtualised: a few dozen rows in the DOM whatever its
// length), filters by node, kind and text, and a click on a row seeks to the
// step that made it (the same trace hash as a fresh replay to that step); the
// client history draws a bar per request with its op, result and log index.
// On a desktop and a phone.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, axeSerious, screenTests, screenshot, settle, useBrowser } from "./helpers.mjs";

const env = useBrowser();
const HERE = SCREENS.filter((s) => s.name !== "tablet").map((s) => s.name);

const screenTest = (title, body, prepare) =>
  screenTests(env, title, body, {
    only: HERE,
    prepare: (page) =>
      page.evaluate(prepare ?? (() => {
        raft.pause();
        raft.reset({ nodes: 5, seed: 3, clients: 3 });
      })),
  });

/** Every row of a filter at the cursor (asking again until a text scan completes). */
const allRows = (page, filter) =>
  page.evaluate((f) => {
    let p = raft.history({ ...f, limit: 0 });
    while (!p.complete) p = raft.history({ ...f, limit: 0 });
    return raft.history({ ...f, limit: 10000 });
  }, filter);

screenTest("the history keeps the whole run, virtualised, and filters by node, kind and text", async (page, screen) => {
  const run = await page.evaluate(() => {
    raft.runUntil(120000);
    const first = raft.history({ limit: 1 });
    const oldest = raft.history({ offset: first.total - 1, limit: 1 }).rows[0];
    return { total: first.total, stored: first.stored, oldest, stats: raft.historyStats() };
  });
  assert.ok(run.total > 5000, `two busy minutes make many rows (${run.total})`);
  assert.equal(run.total, run.stored);
  assert.ok(run.oldest.time < 500, `the oldest row is from the start of the run (${run.oldest.time} ms)`);
  assert.ok(run.stats.bytesPerRow < 40, `compact rows: ${run.stats.bytesPerRow} bytes each`);

  const node2 = await allRows(page, { node: 2 });
  assert.ok(node2.total > 0 && node2.total < run.total);
  assert.ok(node2.rows.every((r) => r.nodes.includes(2)), "every row of node 2 names it");
  const rejected = await allRows(page, { kind: "rejections" });
  assert.ok(rejected.total > 0);
  assert.ok(rejected.rows.every((r) => r.kind === "rejected" && /(refused|ignored) .+: .+/.test(r.text)), "every rejection says why");
  const voted = await allRows(page, { text: "ALREADY VOTED" });
  assert.ok(voted.total > 0 && voted.rows.every((r) => r.text.toLowerCase().includes("already voted")));

  // The page: open the card, a few dozen rows in the DOM for thousands of events.
  await page.locator("#history > summary").click();
  await settle(page);
  const inDom = await page.locator("#history-list .hrow").count();
  assert.ok(inDom > 5 && inDom < 80, `virtualised: ${inDom} rows in the DOM`);
  await page.locator("#history-list").evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
  await settle(page);
  await settle(page);
  const middle = await page.locator("#history-list .hrow").first().getAttribute("data-step");
  assert.ok(+middle > 0 && +middle < (await page.evaluate(() => raft.position().step)), "scrolled to the middle of the run");

  await page.locator("#history-family").selectOption("rejections");
  await page.locator("#history-node").selectOption("3");
  await page.locator("#history-list").evaluate((e) => (e.scrollTop = 0));
  await settle(page);
  await settle(page);
  const kinds = await page.locator("#history-list .hrow").evaluateAll((rows) => rows.map((r) => r.className));
  assert.ok(kinds.length > 0 && kinds.every((k) => k.includes("ev-rejected")), "the family filter in the page");
  await page.locator("#history-text").fill("already voted");
  for (let i = 0; i < 10; i++) await settle(page);
  const texts = await page.locator("#history-list .hrow span").allTextContents();
  assert.ok(texts.length > 0 && texts.every((t) => t.includes("already voted")), texts.slice(0, 3).join(" / "));
  assert.match(await page.locator("#history-status").textContent(), /of [\d,]+ events/);
  await screenshot(page, `history-${screen.name}`);
});

screenTest("a click on a history row seeks to it, as a fresh replay; a seek back shows the run up to the cursor", async (page) => {
  await page.evaluate(() => raft.runUntil(4000));
  await page.locator("#history > summary").click();
  await settle(page);
  const row = page.locator("#history-list .hrow").nth(5); // on screen (rows in the overscan move when scrolled to)
  const step = +(await row.getAttribute("data-step"));
  const time = +(await row.locator("time").textContent());
  await row.click();
  const after = await page.evaluate(() => ({ pos: raft.position(), hash: raft.traceHash(), total: raft.history({ limit: 0 }).total }));
  assert.equal(after.pos.step, step, "the cursor is right after the row's step");
  assert.ok(Math.abs(after.pos.timeMs - time) < 0.1, `at the row's time (${after.pos.timeMs} vs ${time})`);
  const fresh = await page.evaluate((step) => {
    raft.load(raft.link());
    raft.pause();
    raft.seekStep(step);
    return raft.traceHash();
  }, step);
  assert.equal(after.hash, fresh, "the same trace hash as a fresh replay to that step");

  // Back at the cursor the list ends there; the frontier's rows come back going forward.
  const counts = await page.evaluate(() => {
    raft.runUntil(4000);
    const end = raft.history({ limit: 0 }).total;
    raft.seek(1000);
    const back = raft.history({ limit: 1 });
    raft.crash(1); // a fork at 1000 ms: the old future's rows go
    raft.runUntil(1500);
    const forked = raft.history({ limit: 0 }).total;
    return { end, back: back.total, newest: back.rows[0].time, forked, branches: raft.branches().length };
  });
  assert.ok(counts.back < counts.end, `fewer rows at 1000 ms (${counts.back} < ${counts.end})`);
  assert.ok(counts.newest <= 1000, `the newest row is at or before the cursor (${counts.newest})`);
  assert.ok(counts.forked > counts.back && counts.branches === 2);
  const crash = await allRows(page, { kind: "faults", text: "crashed" });
  assert.equal(crash.total, 1, "the new branch's crash is listed once");
});

screenTest(
  "the client history draws a bar per request: op, result, log index, pending",
  async (page, screen) => {
    const bars = await page.evaluate(() => {
      raft.runUntil(1500);
      const leader = raft.leader();
      raft.write("a", "1", leader);
      raft.runFor(300);
      raft.read("a", leader);
      raft.runFor(300);
      raft.write("b", "2", leader);
      raft.runFor(1);
      return raft.clients(0, raft.now()).bars.filter((b) => b.client === 0);
    });
    assert.equal(bars.length, 3, JSON.stringify(bars));
    const [put, get, pending] = bars;
    assert.equal(put.status, "ok");
    assert.equal(put.op, "put a=1");
    assert.ok(put.index > 0 && put.endMs > put.invokedMs);
    assert.equal(get.status, "ok");
    assert.equal(get.result, "1", "a read's result");
    assert.ok(get.index > put.index);
    assert.match(get.label, /get a → 1 @\d+/);
    assert.equal(pending.status, "pending");
    assert.equal(pending.endMs, null);

    await page.locator("#clients > summary").click();
    await page.locator("#clients-window").selectOption("2000");
    await settle(page);
    await settle(page);
    const drawn = await page.locator('#clients-svg .cl-bar[data-client="0"]').evaluateAll((gs) => gs.map((g) => ({ cls: g.getAttribute("class"), title: g.querySelector("title").textContent })));
    assert.equal(drawn.length, 3);
    assert.ok(drawn[0].cls.includes("ok") && drawn[2].cls.includes("pending"));
    assert.match(drawn[1].title, /returned 1/);
    assert.match(drawn[1].title, /log index \d+/);
    assert.equal(await page.locator("#clients-svg .cl-lane").count(), 3, "a lane per client (you and two automatic ones)");
    await screenshot(page, `clients-${screen.name}`);
    await page.locator("#history > summary").click();
    await settle(page);
    assert.deepEqual(await axeSerious(page), [], "axe with both cards open");
  },
  () => {
    raft.pause();
    raft.reset({ nodes: 3, seed: 5, clients: 2 });
  },
);
