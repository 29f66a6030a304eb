// Time travel in the page: the timeline bar shows the run with its marks;
// seeking back and forth (console, drag, keys) gives the same trace hash as a
// fresh run to the same time; acting in the past forks a branch and the
// abandoned future stays switchable; the run pauses on a violation and "Go to
// just before" rewinds to the step before the event that revealed it. On a
// desktop and a phone.

import { test } from "node:test";
import assert from "node:assert/strict";
import { TOGGLES } from "../../web/toggles.js";
import { SCREENS, loadPlayground, screenTests, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();
const SCREENS_HERE = SCREENS.filter((s) => s.name !== "tablet");

const screenTest = (title, body) =>
  screenTests(env, title, body, {
    only: SCREENS_HERE.map((s) => s.name),
    prepare: (page) =>
      page.evaluate(() => {
        raft.pause();
        raft.reset({ nodes: 5, seed: 3 });
      }),
  });

/** The trace hash of a fresh cluster (same config, same actions) run to `ms`. */
const freshHash = (page, ms) =>
  page.evaluate((ms) => {
    const link = raft.link();
    raft.load(link);
    raft.pause();
    raft.seek(ms);
    return raft.traceHash();
  }, ms);

screenTest("seeking back and forth equals a fresh run; keys step and jump", async (page, screen) => {
  const at = await page.evaluate(() => {
    raft.runUntil(3000);
    const end = raft.traceHash();
    raft.seek(1234.5);
    const mid = raft.traceHash();
    raft.seek(3000);
    return { end, mid, back: raft.traceHash(), now: raft.now() };
  });
  assert.equal(at.back, at.end, "seeking to the end again gives the same hash");
  assert.equal(at.now, 3000);
  const markers = await page.evaluate(() => raft.markers());
  assert.ok(markers.some((m) => m.kind === "leader"), "a leader mark");
  await settle(page);
  const marks = await page.locator("#tl-marks .tl-mark").count();
  assert.equal(marks, markers.length, "one mark per marker on the bar");

  // Keys: ← steps back, → forward, Home, End.
  await page.locator("#clock").click();
  const before = await page.evaluate(() => raft.now());
  await page.keyboard.press("ArrowLeft");
  const back = await page.evaluate(() => raft.now());
  assert.ok(back < before, `← went back (${back} < ${before})`);
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Home");
  assert.equal(await page.evaluate(() => raft.now()), 0);
  await page.keyboard.press("End");
  assert.equal(await page.evaluate(() => raft.now()), 3000);

  // A drag on the bar seeks.
  const box = await page.locator("#tl-track").boundingBox();
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  const dragged = await page.evaluate(() => raft.now());
  assert.ok(dragged > 900 && dragged < 1500, `dragged to 40% of 3 s: ${dragged}`);

  const mid = await page.evaluate(() => {
    raft.seek(1234.5);
    return raft.traceHash();
  });
  assert.equal(mid, at.mid, "the same instant gives the same hash whatever the path");
  assert.equal(await freshHash(page, 1234.5), at.mid, "and equals a fresh run to that time");
  await settle(page);
  await screenshot(page, `timeline-${screen.name}`, { fullPage: false });
});

screenTest("acting in the past forks; the abandoned future stays a branch", async (page) => {
  const r = await page.evaluate(() => {
    raft.runUntil(1000);
    raft.crash(raft.leader());
    raft.runUntil(4000);
    const future = raft.traceHash();
    raft.seek(2000);
    raft.write("k", "v");
    raft.runUntil(3000);
    const branches = raft.branches();
    const link = raft.link();
    raft.branch(branches.find((b) => !b.current).index);
    return { future, branches, back: raft.traceHash(), now: raft.now(), link };
  });
  assert.equal(r.branches.length, 2);
  assert.equal(r.back, r.future, "switching back restores the abandoned future");
  assert.equal(r.now, 4000);
  const actions = JSON.stringify(r.link);
  assert.ok(actions.length > 0);
  await settle(page);
  assert.equal(await page.locator("#tl-branches").isVisible(), true, "the branch list shows");
});

screenTest("pause on violation; Go to just before rewinds to it", async (page) => {
  // A "Show me" run: it opens paused half a second before the first violation.
  await page.evaluate((link) => {
    raft.load(link);
    raft.speed(1);
    raft.play();
  }, TOGGLES["forget-vote"].show.link);
  await page.waitForFunction(() => raft.view().violations.length > 0, null, { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector("#play").getAttribute("aria-pressed") === "false");
  const paused = await page.evaluate(() => raft.now());
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await page.evaluate(() => raft.now()), paused, "the clock stays stopped");
  await settle(page);
  await page.locator("#tl-before").click();
  const r = await page.evaluate(() => {
    const v = raft.markers().find((m) => m.kind === "violation");
    return { v, view: raft.view().violations.length, step: raft.position().step };
  });
  assert.equal(r.step, r.v.step - 1, "just before the event that revealed it");
  assert.equal(r.view, 0, "no violation yet");
  // The nodes the violation names are ringed, and only them.
  await settle(page);
  const ringed = await page.$$eval("#cluster .node.culprit", (els) => els.map((e) => +e.dataset.pick.split(":")[1]));
  assert.ok(r.v.violation.nodes.length > 0);
  assert.deepEqual(ringed.sort(), [...r.v.violation.nodes].sort(), "the violation's nodes are ringed");
  assert.equal(await page.locator("#cluster .node.culprit .culprit").first().isVisible(), true, "the ring shows");
  // One step forward reveals it again, and the rings go.
  await page.evaluate(() => raft.step());
  assert.ok((await page.evaluate(() => raft.view().violations.length)) > 0);
  await settle(page);
  assert.equal(await page.locator("#cluster .node.culprit").count(), 0, "rings cleared by the next action");
  // A seek clears them too.
  await page.locator("#tl-before").click();
  await settle(page);
  assert.ok((await page.locator("#cluster .node.culprit").count()) > 0);
  await page.evaluate(() => raft.seek(0));
  await settle(page);
  assert.equal(await page.locator("#cluster .node.culprit").count(), 0, "rings cleared by a seek");
});
