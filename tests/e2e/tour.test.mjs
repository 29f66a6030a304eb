// The guided tour (#tour), start to end, on each screen: every step's caption
// and scene, Next and Back, chapter links (#tour=N), and each chapter's "try
// it", done the way a person would (buttons, the form, a checkbox), with the
// tour recognising it and saying what happened.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, loadPlayground, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

const where = async (page) => ({
  title: await page.locator("#tour-title").textContent(),
  step: await page.locator("#tour .where").textContent(),
});

/** Clicks (or taps) a control, opening its card first when it is folded. */
async function press(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  await locator.click();
}

/** Waits for the try-it step to report its outcome (the run plays; time is
 * pushed on with runFor so the test does not wait in real time). */
async function outcome(page, pattern) {
  const state = page.locator("#tour-try");
  await page.waitForFunction(() => document.querySelector("#tour-try")?.dataset.phase === "acted", null, { timeout: 10_000 });
  for (let i = 0; i < 20 && (await state.getAttribute("data-phase")) !== "done"; i++) {
    await page.evaluate(() => {
      raft.pause();
      raft.runFor(250);
    });
    await settle(page);
  }
  assert.equal(await state.getAttribute("data-phase"), "done", `the outcome was reported: ${await state.textContent()}`);
  const said = await page.locator("#tour-state").textContent();
  assert.match(said, pattern);
  return said;
}

/** Selects node `id` the way the screen allows (on a phone a tap opens the sheet). */
async function openNode(page, id) {
  await page.locator(`#cluster [data-pick="node:${id}"]`).click();
  await settle(page);
  assert.match(await page.locator("#insp-title").textContent(), new RegExp(`S${id}`));
}

for (const screen of SCREENS) {
  test(`the guided tour runs start to end (${screen.name})`, () =>
    withPage(
      env.browser,
      `tour ${screen.name}`,
      async ({ page }) => {
        await loadPlayground(page, `${env.server.url}#tour`);
        const shot = (name) => screenshot(page, `tour-${screen.name}-${name}`);
        assert.equal(await page.locator("#tour").isVisible(), true);
        assert.equal(await page.locator("#tour-back").isDisabled(), true, "no Back on the first step");

        // Chapter 1: a majority makes progress.
        let w = await where(page);
        assert.equal(w.title, "1. A majority makes progress");
        assert.equal(w.step, "Step 1 of 4");
        assert.match(await page.locator(".tour-claim").textContent(), /majority of nodes are alive/);
        await shot("1-1");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-text").textContent(), /2 of 5 is not a majority/);
        assert.equal(await page.evaluate(() => raft.now()), 1500, "the step's scene: the preset at 1.5 s");
        await page.locator("#tour-back").click();
        assert.equal((await where(page)).step, "Step 1 of 4", "Back");
        await page.locator("#tour-next").click();
        await page.locator("#tour-next").click();
        await page.locator("#tour-next").click();
        assert.equal((await where(page)).step, "Step 4 of 4");
        assert.match(await page.locator("#tour-try").textContent(), /Waiting for the leader to be cut off/);
        await press(page, page.locator("#isolate"));
        await outcome(page, /won term \d+: the majority elected a new leader/);
        await shot("1-try");

        // Chapter 2: terms are the real clock.
        await page.locator("#tour-next").click();
        w = await where(page);
        assert.equal(w.title, "2. Terms are the real clock");
        assert.equal(await page.evaluate(() => location.hash), "#tour=2", "the chapter is in the address");
        assert.match(await page.locator(`#cluster [data-pick="node:1"]`).getAttribute("class"), /\bstale\b/, "S1 is drawn as a stale leader");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-try").textContent(), /send a write to the old leader/);
        if (screen.name === "phone") await openNode(page, 1); // the tour selected it; a tap opens the sheet
        await press(page, page.getByRole("button", { name: "Write here" }));
        assert.equal(await page.locator("#w-to").inputValue(), "1");
        await press(page, page.locator("#write-form button[type=submit]"));
        await outcome(page, /S1 appended your request at index \d+, in its stale term 1\. Its commit index stays/);
        await shot("2-try");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-text").textContent(), /carries the current term/);
        assert.match(await page.locator("#insp-title").textContent(), /Message #\d+/, "the rejection is selected");
        const detail = await page.locator("#insp-body pre").textContent();
        assert.match(detail, /term/, `its detail: ${detail}`);
        await shot("2-rejection");
        await page.locator("#tour-next").click();
        assert.doesNotMatch(await page.locator(`#cluster [data-pick="node:1"]`).getAttribute("class"), /\bleader\b/, "S1 stepped down");

        // Chapter 3: Figure 8, by link.
        await page.evaluate(() => (location.hash = "#tour=3"));
        await page.waitForFunction(() => document.querySelector("#tour-title")?.textContent.startsWith("3."));
        assert.equal((await where(page)).step, "Step 1 of 5");
        assert.match(await page.locator("#rules-badge").textContent(), /commit-old-term/, "the broken rule is named");
        await page.locator("#tour-next").click();
        assert.equal(await page.locator("#violations").isVisible(), true, "the checker reports the lost write");
        await shot("3-broken");
        await page.locator("#tour-next").click();
        await page.locator("#tour-next").click();
        assert.equal(await page.locator("#violations").isVisible(), false, "with the rule intact: no violation");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-try").textContent(), /tick commit-old-term/);
        await press(page, page.locator("#rules > summary"));
        await page.locator('#bugs input[data-bug="commit-old-term"]').check();
        await outcome(page, /The checker caught it/);
        await shot("3-try");

        // Chapter 4: a replicated log, not a replicated database.
        await page.locator("#tour-next").click();
        assert.equal((await where(page)).title, "4. A replicated log, not a replicated database");
        await page.locator("#tour-next").click();
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-try").textContent(), /S5 is down/);
        await page.locator("#w-key").fill("colour");
        await page.locator("#w-value").fill("blue");
        await press(page, page.locator("#write-form button[type=submit]"));
        if (screen.name === "phone") await openNode(page, 5);
        await press(page, page.getByRole("button", { name: "Restart" }));
        const said = await outcome(page, /S5 replayed the log and holds exactly what every node holds/);
        assert.match(said, /colour=blue/, "including the person's write");
        await shot("4-try");
        assert.equal(await page.locator("#tour-next").textContent(), "Finish");
        await page.locator("#tour-next").click();
        assert.equal(await page.locator("#tour").isVisible(), false, "Finish closes the tour");
        assert.equal(await page.evaluate(() => location.hash), "");
      },
      screen,
    ),
  );
}
