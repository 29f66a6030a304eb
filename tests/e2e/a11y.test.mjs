// Accessibility: axe-core (pinned in package-lock.json, injected into the
// page) reports no serious or critical violation, in light and dark mode, on
// each screen, in the states a person meets: a busy cluster with a partition,
// a broken rule on and a node selected, every panel open; the guided tour; a
// violation on screen; the help dialog. The footer's contrast is checked on
// its own (it was 4.39:1).

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, axeSerious, loadPlayground, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

/** WCAG contrast ratio of two computed `rgb(…)` colours. */
function contrast(a, b) {
  const lum = (rgb) => {
    const [r, g, bl] = rgb.match(/[\d.]+/g).slice(0, 3).map((x) => +x / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const report = (found) => found.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.join(", ")}`).join("\n");

for (const scheme of ["light", "dark"]) {
  for (const screen of SCREENS) {
    test(`axe: no serious or critical violation (${scheme}, ${screen.name})`, () =>
      withPage(
        env.browser,
        `axe ${scheme} ${screen.name}`,
        async ({ page }) => {
          await loadPlayground(page, env.server.url);
          await page.evaluate(() => {
            raft.pause();
            raft.reset({ nodes: 5, seed: 3 });
            raft.setBug("forget-vote", true);
            raft.runFor(1500);
            raft.write("a", "1");
            raft.partition([[1, 2], [3, 4, 5]]);
            raft.runFor(300);
            for (const d of document.querySelectorAll("details")) d.open = true;
          });
          await page.locator('#cluster [data-pick="node:1"]').click();
          await settle(page);
          let found = await axeSerious(page);
          assert.deepEqual(found, [], `the playground:\n${report(found)}`);

          const footer = await page.evaluate(() => {
            const f = document.querySelector("footer .muted");
            return { ink: getComputedStyle(f).color, bg: getComputedStyle(document.documentElement).backgroundColor };
          });
          assert.ok(contrast(footer.ink, footer.bg) >= 4.5, `footer contrast ${contrast(footer.ink, footer.bg).toFixed(2)}:1`);

          await page.evaluate(() => {
            location.hash = "#tour=2";
          });
          await page.locator("#tour-title").waitFor();
          await settle(page);
          found = await axeSerious(page);
          assert.deepEqual(found, [], `the tour:\n${report(found)}`);

          await page.evaluate(() => raft.load({ preset: "figure-8-broken" }));
          await page.evaluate(() => {
            raft.pause();
            raft.runUntil(1200);
          });
          await settle(page);
          assert.equal(await page.locator("#violations").isVisible(), true);
          found = await axeSerious(page);
          assert.deepEqual(found, [], `a violation on screen:\n${report(found)}`);

          await page.locator("#help-btn").click();
          found = await axeSerious(page);
          assert.deepEqual(found, [], `the help dialog:\n${report(found)}`);
        },
        { viewport: screen.viewport, context: { ...screen.context, colorScheme: scheme } },
      ),
    );
  }
}
