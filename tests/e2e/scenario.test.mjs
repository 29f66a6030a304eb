// Scenario links in the page: share → open gives the identical run; a bad link
// shows a banner and the default cluster; text from a link never becomes HTML;
// the gallery opens presets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlayground, screenshot, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

/** `body(page)` on a fresh page opened at `url` (the playground's, by default). */
function atPage(name, body, url = env.server.url) {
  return withPage(env.browser, name, async ({ page }) => {
    await loadPlayground(page, url);
    return body(page);
  });
}

test("a shared link reopens the identical run (same time, same trace hash)", async () => {
  const { link, hash, now } = await atPage("scenario-share", async (page) => {
    const run = await page.evaluate(() => {
      raft.pause();
      raft.reset({ nodes: 5, seed: 11, clients: 2 });
      raft.runFor(700);
      const l = raft.leader();
      raft.write("x", "1");
      raft.runFor(123.456);
      raft.crash(l);
      raft.setNetwork({ loss: 0.1 });
      raft.step();
      raft.step();
      raft.timeout(l === 1 ? 2 : 1);
      raft.runFor(400);
      return { link: raft.link(), hash: raft.traceHash(), now: raft.now() };
    });
    assert.match(run.link, /#s=1\.[A-Za-z0-9_-]+$/);
    return run;
  });
  await atPage(
    "scenario-open",
    async (page) => {
      const got = await page.evaluate(() => ({ hash: raft.traceHash(), now: raft.now() }));
      assert.equal(got.now, now);
      assert.equal(got.hash, hash);
      assert.equal(await page.locator("#banner").isHidden(), true);
      // Opened paused (as shared): time stands still.
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => raft.now()), now);
    },
    link,
  );
});

test("a damaged or unknown link shows a banner and the default cluster", async () => {
  for (const frag of ["#s=1.bm90IGEgbGluaw", "#s=7.AAAA"]) {
    await atPage(
      "scenario-bad-link",
      async (page) => {
        const banner = page.locator("#banner");
        await banner.waitFor({ state: "visible" });
        assert.match(await banner.textContent(), /could not be opened/);
        assert.equal(await page.evaluate(() => raft.view().nodes.length), 5);
        // The console API refuses it with an Error and keeps the cluster.
        const err = await page.evaluate((f) => {
          try {
            raft.load(f);
            return null;
          } catch (e) {
            return e.message;
          }
        }, frag);
        assert.match(err ?? "", /^raft\.load: .{10}/);
      },
      env.server.url + frag,
    );
  }
});

test("text from a link is shown as text, never as HTML", () =>
  atPage("scenario-text", async (page) => {
    const evil = '<img src=x onerror="window.pwned=1">';
    const opened = await page.evaluate(
      (title) =>
        raft.load({
          json: JSON.stringify({
            format: "raft-playground-scenario",
            version: 1,
            scenario: {
              title,
              caption: "caption <b>not bold</b>",
              seed: 1,
              nodes: 3,
              raft: { election_timeout_min: 150000, election_timeout_max: 300000, heartbeat_interval: 50000, max_entries_per_append: 64 },
              network: { latency_min: 5000, latency_max: 15000, loss: 0.0, duplicate: 0.0 },
              clients: { count: 0, think_time: 100000, request_timeout: 500000, key_space: 5 },
              bugs: [],
              initial_state: [],
              actions: [],
              view: { time: 0, playing: false, selected: null },
            },
          }),
        }),
      evil,
    );
    assert.equal(opened.title, evil);
    assert.equal(await page.locator("#scenario-title").textContent(), evil);
    assert.equal(await page.locator("#scenario-note img").count(), 0);
    assert.equal(await page.locator("#scenario-note b").count(), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    // And it survives a link.
    const link = await page.evaluate(() => raft.link());
    await page.evaluate((l) => raft.load(l), link);
    assert.equal(await page.locator("#scenario-title").textContent(), evil);
  }));

test("the gallery opens presets with their caption", () =>
  atPage("scenario-gallery", async (page) => {
    const presets = await page.evaluate(() => raft.presets());
    assert.ok(presets.length >= 9);
    assert.ok(presets.some((p) => p.id === "figure-8-broken"));
    await page.selectOption("#preset", "figure-8-broken");
    await page.locator("#scenario-note").waitFor({ state: "visible" });
    assert.match(await page.locator("#scenario-title").textContent(), /Figure 8/);
    // Run the story out: the checker catches the lost acknowledged write.
    const found = await page.evaluate(() => {
      raft.pause();
      raft.runUntil(3000);
      return raft.view().violations.map((v) => v.property);
    });
    assert.ok(found.length > 0, "violations reported");
    await screenshot(page, "scenario-figure8-broken");
  }));
