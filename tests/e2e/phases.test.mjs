// Phased presets: a gallery scenario opens paused at its start with its
// phases marked on the timeline; "Next phase" plays to the next boundary and
// stops there, the caption highlighting the phase under way and saying when
// the script has ended. Every preset's phase captions are shown at their
// phase; Figure 8 and Figure 7 are stepped through with Next phase, each stop
// giving the trace hash of a fresh run to the same time. On a desktop and a phone.

import assert from "node:assert/strict";
import { SCREENS, screenTests, screenshot, settle, useBrowser } from "./helpers.mjs";

const env = useBrowser();
const screenTest = (title, body) => screenTests(env, title, body, { only: SCREENS.filter((s) => s.name !== "tablet").map((s) => s.name) });

const now = (page) => page.evaluate(() => raft.now());
const playing = async (page) => (await page.locator("#play").getAttribute("aria-pressed")) === "true";

/** Opens preset `id` from the gallery (as a person does); returns its list entry. */
async function openPreset(page, id) {
  if (await page.locator("#menu-btn").isVisible()) await page.locator("#menu-btn").click();
  await page.selectOption("#preset", id);
  await page.locator("#scenario-phases").waitFor({ state: "visible" });
  if (await page.locator("#menu-btn").isVisible() && (await page.evaluate(() => document.body.classList.contains("menu-open"))))
    await page.locator("#menu-btn").click();
  return (await page.evaluate(() => raft.presets())).find((p) => p.id === id);
}

async function currentChip(page) {
  return page.locator("#phase-chips [aria-current=step]").textContent();
}

/** Steps through every phase of `id` with the Next phase button. */
async function stepWithNextPhase(page, id, screen) {
  const p = await openPreset(page, id);
  assert.equal(await now(page), 0, `${id} opens at its start`);
  assert.equal(await playing(page), false, `${id} opens paused`);
  await settle(page);
  assert.equal(await page.locator("#tl-marks .tl-mark.phase").count(), p.phases.length, "each phase marked on the timeline");
  assert.equal(await page.locator("#phase-chips .phase-chip").count(), p.phases.length);
  assert.equal(await currentChip(page), p.phases[0].name);
  await page.evaluate(() => raft.speed(1));
  const stops = [...p.phases.slice(1).map((ph) => ph.startMs), p.durationMs];
  for (const [i, stop] of stops.entries()) {
    if (stop - (await now(page)) > 500) await page.evaluate(() => raft.speed(10));
    await page.locator("#next-phase").click();
    await page.waitForFunction(() => document.querySelector("#play").getAttribute("aria-pressed") === "false", null, { timeout: 20_000 });
    assert.equal(await now(page), stop, `${id}: Next phase stops at ${stop} ms`);
    const hash = await page.evaluate(() => raft.traceHash());
    await settle(page);
    if (i < p.phases.length - 1) {
      const ph = p.phases[i + 1];
      assert.equal(await currentChip(page), ph.name, `${id}: phase ${ph.name} highlighted`);
      assert.equal(await page.locator("#phase-caption").textContent(), `${ph.name} ${ph.caption}`);
      if (i === 1) await screenshot(page, `phases-${id}-${screen.name}`);
    } else {
      assert.match(await page.locator("#phase-caption").textContent(), /The script has ended/);
      assert.equal(await page.locator("#phase-chips [aria-current=step]").count(), 0);
      assert.equal(await page.locator("#next-phase").isDisabled(), true);
    }
    // The stop is the very run a fresh replay to that time gives.
    const fresh = await page.evaluate(
      ({ id, ms }) => {
        const link = raft.link();
        raft.load(link);
        raft.pause();
        raft.seek(ms);
        const h = raft.traceHash();
        return h;
      },
      { id, ms: stop },
    );
    assert.equal(fresh, hash, `${id} at ${stop} ms: the same trace as a fresh run`);
    // raft.load(link) opened a link, not the gallery item: reopen it and come back.
    await page.evaluate(({ id, ms }) => (raft.load({ preset: id }), raft.seek(ms)), { id, ms: stop });
  }
}

screenTest("Figure 8 steps (a)–(e) with Next phase", async (page, screen) => {
  await stepWithNextPhase(page, "figure-8", screen);
});

screenTest("Figure 7 steps through its repairs with Next phase", async (page, screen) => {
  await stepWithNextPhase(page, "figure-7", screen);
});

screenTests(
  env,
  "every preset shows each phase caption at its phase",
  async (page) => {
    const presets = await page.evaluate(() => raft.presets());
    assert.ok(presets.length >= 9);
    for (const p of presets) {
      assert.ok(p.phases.length >= 2, `${p.id} has phases`);
      await page.evaluate((id) => raft.load({ preset: id }), p.id);
      assert.equal(await playing(page), false, `${p.id} opens paused`);
      for (const ph of p.phases) {
        await page.evaluate((ms) => raft.seek(ms), ph.startMs);
        await settle(page);
        assert.equal(await page.locator("#phase-caption").textContent(), `${ph.name} ${ph.caption}`, `${p.id} ${ph.name}`);
      }
      await page.evaluate((ms) => raft.seek(ms), p.durationMs);
      await settle(page);
      assert.match(await page.locator("#phase-caption").textContent(), /The script has ended/);
    }
    // Any other run has no phases.
    await page.evaluate(() => raft.reset({ nodes: 3, seed: 1 }));
    await settle(page);
    assert.equal(await page.locator("#scenario-phases").isVisible(), false);
    assert.equal(await page.locator("#tl-marks .tl-mark.phase").count(), 0);
  },
  { only: ["desktop"] },
);
