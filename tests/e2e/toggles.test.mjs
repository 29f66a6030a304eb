// Broken rules that are on are never invisible: a badge in the header names
// them (on an opened link too). Each toggle teaches itself: a hint on breaking
// it by hand, and a "Show me" that opens a run where the checker catches it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, loadPlayground, screenTests, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

const screenTest = (title, body) => screenTests(env, title, body);

screenTest("a broken rule that is on is named by a badge, also on an opened link", async (page, screen) => {
  const badge = page.locator("#rules-badge");
  assert.equal(await badge.isVisible(), false, "no badge with every rule intact");
  await page.evaluate(() => raft.setBug("truncate-matching", true));
  await settle(page);
  assert.equal(await badge.isVisible(), true);
  assert.match(await badge.textContent(), /Broken rule on: truncate-matching/);
  await page.evaluate(() => raft.setBug("forget-vote", true));
  await settle(page);
  assert.match(await badge.textContent(), /Broken rules on: forget-vote, truncate-matching/);
  assert.equal(await page.locator("#rules-count").textContent(), "2");
  const r = await badge.evaluate((e) => e.getBoundingClientRect().toJSON());
  assert.ok(r.right <= screen.viewport.width && r.bottom <= screen.viewport.height, "in view at the top");
  await screenshot(page, `rules-badge-${screen.name}`);

  await badge.click();
  assert.equal(await page.locator("#rules").getAttribute("open"), "", "the badge opens the list of rules");
  assert.equal(await page.locator('#bugs input[data-bug="forget-vote"]').isChecked(), true);

  const link = await page.evaluate(() => raft.link());
  await page.goto("about:blank");
  await loadPlayground(page, link);
  await settle(page);
  assert.equal(await badge.isVisible(), true, "an opened link with rules broken shows the badge");
  assert.match(await badge.textContent(), /forget-vote, truncate-matching/);
});

screenTest("every toggle has a hint, and its Show me opens a run where it breaks", async (page, screen) => {
  await page.locator("#rules > summary").click();
  // Every toggle the core has, so a new one without its hint is caught here
  // (web/toggles.js holds the hints and the Show me links).
  const bugs = await page.evaluate(() => raft.bugs().map((b) => b.name));
  assert.ok(bugs.length >= 6);
  for (const name of bugs) {
    const item = page.locator("#bugs li", { has: page.locator(`input[data-bug="${name}"]`) });
    assert.ok((await item.locator(".hint").textContent()).length > 40, `${name} has a hint`);
    const show = item.locator("button.show-me");
    if (name === "commit-without-min") {
      assert.equal(await show.count(), 0, "no run reaches commit-without-min: no Show me");
      assert.match(await item.locator(".hint").textContent(), /toggles_scripted/);
      continue;
    }
    assert.equal(await show.count(), 1, `${name} has a Show me`);
    await show.click();
    await page.locator("#scenario-note").waitFor({ state: "visible" });
    const title = await page.locator("#scenario-title").textContent();
    const opened = await page.evaluate(() => ({ now: raft.now(), bugs: raft.bugs().filter((b) => b.on).map((b) => b.name) }));
    assert.deepEqual(opened.bugs, [name], `${name}: the run has the toggle on (${title})`);
    assert.match(await page.locator("#rules-badge").textContent(), new RegExp(name), "and the badge says so");
    // The seed runs open paused half a second before the violation; the
    // Figure 8 preset plays its story from the start.
    if (name !== "commit-old-term") assert.equal(await page.locator("#play").getAttribute("aria-pressed"), "false", "it opens paused");
    if (name === "ignore-higher-term-reply") {
      // Breaks no safety property: the stale leader ignores the newer term in replies.
      assert.match(await page.locator("#scenario-caption").textContent(), /ignores the term they carry/);
      continue;
    }
    const found = await page.evaluate(() => {
      raft.pause();
      raft.runFor(3000);
      return raft.view().violations.map((v) => v.property);
    });
    assert.ok(found.length > 0, `${name}: the checker catches it (${title})`);
    await settle(page);
    assert.match(await page.locator("#checker").getAttribute("class"), /\bbad\b/);
    if (screen.name === "desktop") await screenshot(page, `show-me-${name}`);
  }
});
