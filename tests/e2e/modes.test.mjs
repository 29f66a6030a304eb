// The page's modes: dark (prefers-color-scheme), reduced motion (messages stay
// still as arrows; the run waits for Play), the speed label when the page lags,
// and embed mode (?embed or #…&embed=1: only the ring, the controls and the
// caption, filling its iframe). On each screen.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, loadPlayground, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

/** `body(page, screen)` on each screen, with more browser-context options. */
function screenTest(title, body, context = {}, only = SCREENS.map((s) => s.name)) {
  for (const screen of SCREENS.filter((s) => only.includes(s.name))) {
    test(`${title} (${screen.name})`, () =>
      withPage(env.browser, `${title} ${screen.name}`, (p) => body(p.page, screen), {
        viewport: screen.viewport,
        context: { ...screen.context, ...context },
      }),
    );
  }
}

/** Relative luminance of a computed `rgb(…)` colour. */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map((x) => +x / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

screenTest(
  "dark mode follows the system's colour scheme",
  async (page, screen) => {
    await loadPlayground(page, env.server.url);
    await page.evaluate(() => {
      raft.pause();
      raft.reset({ nodes: 5, seed: 3 });
      raft.runFor(1500);
      raft.write("a", "1");
      raft.runFor(300);
    });
    await settle(page);
    const c = await page.evaluate(() => ({
      bg: getComputedStyle(document.documentElement).backgroundColor,
      ink: getComputedStyle(document.body).color,
      card: getComputedStyle(document.querySelector(".stage")).backgroundColor,
      scheme: getComputedStyle(document.documentElement).colorScheme,
    }));
    assert.ok(luminance(c.bg) < 0.02 && luminance(c.card) < 0.03, `dark backgrounds: ${c.bg}, ${c.card}`);
    assert.ok(luminance(c.ink) > 0.7, `light text: ${c.ink}`);
    assert.equal(c.scheme, "dark");
    await screenshot(page, `dark-${screen.name}`);
  },
  { colorScheme: "dark" },
);

screenTest(
  "reduced motion: the run opens paused and messages stand still as arrows",
  async (page, screen) => {
    await loadPlayground(page, env.server.url);
    assert.equal(await page.locator("#play").getAttribute("aria-pressed"), "false", "paused at start");
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => raft.now()), 0, "time waits for Play");
    await page.evaluate(() => {
      raft.runFor(1000);
      raft.setNetwork({ latencyMin: 80, latencyMax: 120 });
      raft.write("k", "v");
      raft.runFor(30);
    });
    await settle(page);
    const at = () =>
      page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll("#cluster .msg:not([display=none])")].map((m) => [m.dataset.pick, m.getAttribute("transform") + "|" + m.transform.baseVal.getItem(0).matrix.e.toFixed(2)]),
        ),
      );
    const before = await at();
    assert.ok(Object.keys(before).length > 0, "messages in flight");
    await page.evaluate(() => raft.runFor(20));
    await settle(page);
    const after = await at();
    const still = Object.keys(before).filter((k) => k in after);
    assert.ok(still.length > 0, "some messages still in flight");
    for (const k of still) assert.equal(after[k], before[k], `${k} did not move`);
    const trail = await page.locator("#cluster .msg:not([display=none]) .trail").first().evaluate((e) => getComputedStyle(e).display);
    assert.notEqual(trail, "none", "each is drawn as an arrow from sender to receiver");
    await screenshot(page, `reduced-motion-${screen.name}`);
  },
  { reducedMotion: "reduce" },
);

screenTest("the speed label shows the speed reached when the page lags", async (page) => {
  await loadPlayground(page, env.server.url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  await page.evaluate(() => {
    raft.reset({ nodes: 9, seed: 2, clients: 3 });
    raft.speed(100);
    raft.play();
  });
  const out = page.locator("#speed-out");
  await page.waitForFunction(() => document.getElementById("speed-out").classList.contains("lagging"), null, { timeout: 20_000 });
  const label = await out.textContent();
  const m = /^100× → ([\d.]+)×$/.exec(label);
  assert.ok(m, `asked and reached: ${label}`);
  assert.ok(+m[1] < 90, `reached below the asked speed: ${label}`);
  assert.match(await out.getAttribute("title"), /reached/);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await page.evaluate(() => {
    raft.reset({ nodes: 3, seed: 2 });
    raft.speed(0.1);
    raft.play();
  });
  await page.waitForFunction(() => !document.getElementById("speed-out").classList.contains("lagging"), null, { timeout: 20_000 });
  assert.equal(await out.textContent(), "0.1×", "no lag: just the speed");
  await page.evaluate(() => raft.pause());
});

screenTest("embed mode shows only the ring, the controls and the caption, and fills its frame", async (page, screen) => {
  await loadPlayground(page, env.server.url);
  const fragment = await page.evaluate(() => {
    raft.load({ preset: "stale-leader" });
    return raft.link().slice(raft.link().indexOf("#"));
  });
  for (const url of [`${env.server.url}?embed${fragment}`, `${env.server.url}${fragment}&embed=1`]) {
    await page.goto("about:blank");
    await loadPlayground(page, url);
    await settle(page);
    assert.equal(await page.evaluate(() => document.body.classList.contains("embed")), true, url);
    for (const hidden of [".side", ".logs-card", ".kv-card", "footer", "#tools", ".brand", ".stage-bar"])
      assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is hidden in embed mode`);
    for (const shown of ["#cluster", "#play", "#step", "#speed", "#scenario-note", "#checker"])
      assert.equal(await page.locator(shown).isVisible(), true, `${shown} is shown`);
    assert.match(await page.locator("#scenario-title").textContent(), /stale leader/);
    const fit = await page.evaluate(() => ({ doc: document.documentElement.scrollHeight, h: innerHeight, ring: document.getElementById("cluster").getBoundingClientRect().height }));
    assert.ok(fit.doc <= fit.h, `no scrolling: ${fit.doc} ≤ ${fit.h}`);
    assert.ok(fit.ring > fit.h * 0.45, `the ring takes the room: ${fit.ring} of ${fit.h}`);
    const full = await page.locator("#embed-open").getAttribute("href");
    assert.doesNotMatch(full, /embed/, "the link to the full playground drops embed");
    assert.match(full, /#s=1\./, "and keeps the scenario");
  }
  await screenshot(page, `embed-${screen.name}`);

  // In an iframe, as in a blog post.
  const width = Math.min(640, screen.viewport.width - 20);
  // A host page on the same origin (served by the test itself), as a blog would be.
  const host = `${env.server.url}iframe-host.html`;
  await page.route(host, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>A blog post</title><body style="margin:10px"><p>Raft, live:</p><iframe id="f" title="Raft playground" src="${env.server.url}?embed${fragment}" width="${width}" height="420" style="border:1px solid #888"></iframe></body>`,
    }),
  );
  await page.goto(host);
  const frame = page.frameLocator("#f");
  await frame.locator("body.ready").waitFor({ timeout: 15_000 });
  const inner = await page.frames()[1].evaluate(() => ({
    doc: document.documentElement.scrollHeight,
    w: document.documentElement.scrollWidth,
    ring: document.getElementById("cluster").getBoundingClientRect().toJSON(),
  }));
  assert.ok(inner.doc <= 420 && inner.w <= width, `fits its iframe: ${inner.w}×${inner.doc}`);
  assert.ok(inner.ring.height > 180, `with the ring in it: ${inner.ring.height}`);
  await screenshot(page, `embed-iframe-${screen.name}`);
});
