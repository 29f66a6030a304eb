// The page on three screens (tests/e2e/helpers.mjs SCREENS): a desktop
// (1400×900), a tablet held upright (768×1024) and a phone (390×844, touch).
// The ring and the logs are in view without scrolling; nothing is wider than
// the screen; on a phone controls are at least 44 px, text at least 12 px, the
// inspector is a bottom sheet, and a tap on a link never cuts it by itself.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, loadPlayground, screenTests, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

/** `body(page, screen)` on each screen named in `only` (all by default), with
 * a paused 5-node cluster that has a leader and a committed write. */
const screenTest = (title, body, only) =>
  screenTests(env, title, body, {
    only,
    prepare: (page) =>
      page.evaluate(() => {
        raft.pause();
        raft.reset({ nodes: 5, seed: 3 });
        raft.runFor(1500);
        raft.write("a", "1");
        raft.runFor(300);
      }),
  });

const rectOf = (page, selector) => page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().toJSON());

/** A point on link a–b that a tap there lands on (not on a message over it). */
async function pointOnLink(page, a, b) {
  return page.evaluate(
    ([a, b]) => {
      const line = document.querySelector(`[data-pick="link:${a}-${b}"] .hit`);
      const m = line.getScreenCTM();
      const p = (x, y) => ({ x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f });
      const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((k) => +line.getAttribute(k));
      for (const f of [0.35, 0.5, 0.65, 0.25, 0.75]) {
        const q = p(x1 + (x2 - x1) * f, y1 + (y2 - y1) * f);
        if (document.elementFromPoint(q.x, q.y)?.closest("[data-pick]")?.dataset.pick === `link:${a}-${b}`) return q;
      }
      return null;
    },
    [a, b],
  );
}

screenTest("nothing is wider than the screen; the ring and every log row are in view without scrolling", async (page, screen) => {
  const { width, height } = screen.viewport;
  const doc = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, x: scrollX, y: scrollY }));
  assert.ok(doc.w <= width, `page width ${doc.w} ≤ ${width}`);
  const ring = await rectOf(page, "#cluster");
  assert.ok(ring.top >= 0 && ring.bottom <= height + 1, `the ring is in view: ${ring.top}..${ring.bottom} in ${height}`);
  assert.ok(ring.width > 250, "the ring is drawn large enough to use");
  if (screen.name !== "phone") {
    const rows = await page.locator("#logs .lrow").evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().bottom));
    assert.equal(rows.length, 6, "the ruler and five rows");
    for (const b of rows) assert.ok(b <= height, `log row bottom ${b} ≤ ${height}: in view without scrolling`);
    const insp = await rectOf(page, "#inspector");
    assert.ok(insp.top < height / 2, "the inspector starts in the upper half of the screen");
  }
  // Every header control fits on the screen.
  const over = await page.locator("header button:visible, header select:visible, header input:visible, header a:visible").evaluateAll((es, w) =>
    es.map((e) => [e.id || e.textContent.trim(), e.getBoundingClientRect().right]).filter(([, r]) => r > w),
  width);
  assert.deepEqual(over, [], "header controls beyond the right edge");
  await screenshot(page, `layout-${screen.name}`);
});

screenTest("the menu holds the cluster tools on narrow screens", async (page) => {
  assert.equal(await page.locator("#new-cluster").isVisible(), false, "folded away");
  await page.locator("#menu-btn").click();
  assert.equal(await page.locator("#menu-btn").getAttribute("aria-expanded"), "true");
  assert.equal(await page.locator("#new-cluster").isVisible(), true);
  assert.equal(await page.locator("#preset").isVisible(), true);
  const w = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(w[0] <= w[1], `still no wider than the screen: ${w}`);
  await screenshot(page, `layout-menu-${page.viewportSize().width}`);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#new-cluster").isVisible(), false, "Esc folds it again");
}, ["tablet", "phone"]);

screenTest("on a phone, controls are at least 44 px and text at least 12 px", async (page) => {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  await page.locator("#menu-btn").click();
  await settle(page);
  const small = await page.evaluate(() => {
    const visible = (e) => {
      const r = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && !e.closest("[hidden]");
    };
    const bad = [];
    for (const e of document.querySelectorAll("button, select, input:not([type=checkbox]):not([type=file]), a.tour-btn, summary, .bugs label")) {
      if (!visible(e) || e.closest("#inspector:not(.open)")) continue;
      const r = e.getBoundingClientRect();
      if (r.height < 43.5 || r.width < 43.5) bad.push(`${e.tagName} ${e.id || e.textContent.trim().slice(0, 30)}: ${r.width.toFixed(0)}×${r.height.toFixed(0)}`);
    }
    return bad;
  });
  assert.deepEqual(small, [], "touch targets under 44 px");
  const tiny = await page.evaluate(() => {
    const bad = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const e = t.parentElement;
      if (!t.textContent.trim() || !e || e.closest("[hidden], title, #inspector:not(.open), [aria-hidden=true]")) continue;
      const r = e.getBoundingClientRect();
      if (!r.width || getComputedStyle(e).visibility === "hidden") continue;
      let px = parseFloat(getComputedStyle(e).fontSize);
      if (e instanceof SVGElement) px *= e.getScreenCTM().a; // view-box units to CSS px
      if (px < 11.9) bad.push(`${e.tagName}.${e.getAttribute("class")}: "${t.textContent.trim().slice(0, 20)}" ${px.toFixed(1)}px`);
    }
    return bad;
  });
  assert.deepEqual(tiny, [], "text under 12 px");
}, ["phone"]);

screenTest("on a phone, a tap on a node opens the inspector as a bottom sheet", async (page, screen) => {
  const { height } = screen.viewport;
  const sheet = page.locator("#inspector");
  assert.equal(await sheet.isVisible(), false, "closed until something is picked");
  await page.locator('#cluster [data-pick="node:2"]').tap();
  await settle(page);
  await page.waitForTimeout(350); // the sheet slides up
  assert.match(await page.locator("#insp-title").textContent(), /Node S2/);
  const r = await rectOf(page, "#inspector");
  assert.ok(r.bottom <= height + 1 && r.top < height - 100, `the sheet is on screen: ${r.top}..${r.bottom}`);
  assert.equal(await page.getByRole("button", { name: "Crash" }).isVisible(), true, "with its actions");
  await screenshot(page, "layout-phone-sheet");
  await page.locator("#insp-close").tap();
  await page.waitForTimeout(350);
  assert.equal(await sheet.isVisible(), false, "× closes it");
}, ["phone"]);

screenTest("on a touch screen a tap on a link shows it; it cuts only from the inspector, with a long press or in cut mode", async (page) => {
  const cuts = () => page.evaluate(() => raft.view().partition.cuts);
  let p = await pointOnLink(page, 1, 2);
  assert.ok(p, "a spot on link 1–2");
  await page.touchscreen.tap(p.x, p.y);
  await settle(page);
  assert.deepEqual(await cuts(), [], "a tap does not cut");
  assert.match(await page.locator("#insp-title").textContent(), /Link S1 — S2/, "it shows the link");
  await page.getByRole("button", { name: "Cut S1 → S2" }).tap();
  assert.deepEqual(await cuts(), [[1, 2]], "the inspector's button cuts one way");
  await page.getByRole("button", { name: "Restore S1 → S2" }).tap();
  assert.deepEqual(await cuts(), []);
  await page.locator("#insp-close").tap();

  // A long press cuts.
  p = await pointOnLink(page, 2, 3);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: p.x, y: p.y }] });
  await page.waitForTimeout(800);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await settle(page);
  assert.deepEqual(await cuts(), [[2, 3]], "a long press cuts one way");

  // Cut mode: taps cut.
  await page.locator("#cut-mode").tap();
  assert.equal(await page.locator("#cut-mode").getAttribute("aria-pressed"), "true");
  p = await pointOnLink(page, 3, 4);
  await page.touchscreen.tap(p.x, p.y);
  assert.deepEqual(await cuts(), [[2, 3], [3, 4]], "in cut mode a tap cuts");
}, ["phone"]);

// The README's pictures (docs/screenshot.png, docs/screenshot-phone.png are
// copies of these): a busy, healthy cluster as the window shows it.
for (const screen of SCREENS.filter((s) => s.name !== "tablet")) {
  test(`README screenshot (${screen.name})`, () =>
    withPage(
      env.browser,
      `readme ${screen.name}`,
      async ({ page }) => {
        await loadPlayground(page, env.server.url);
        await page.evaluate(() => {
          raft.pause();
          raft.reset({ nodes: 5, seed: 9, clients: 1 });
          raft.runFor(1500);
          raft.write("x", "1");
          raft.write("y", "2");
          raft.cut(2, 3);
          raft.runFor(400);
          for (let i = 0; i < 5000 && raft.view().messages.length < 6; i++) raft.step();
        });
        if (screen.name === "desktop") await page.locator('#cluster [data-pick="node:1"]').click();
        await settle(page);
        await page.waitForTimeout(300);
        await screenshot(page, `readme-${screen.name}`, { fullPage: false });
      },
      screen,
    ),
  );
}
