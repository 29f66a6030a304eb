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
  await page.waitForFunction(() => /^(acted|done)$/.test(document.querySelector("#tour-try")?.dataset.phase), null, { timeout: 10_000 });
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

/** Opens a folded card (a <details>) unless it is open already. */
async function unfold(page, id) {
  if ((await page.locator(`#${id}`).getAttribute("open")) === null) await press(page, page.locator(`#${id} > summary`));
}

/** The inspector's button named `name` (the play button is also "Pause"). */
const inspectorButton = (page, name) => page.locator("#insp-actions").getByRole("button", { name, exact: true });

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

        // Chapter 2: packets drop, nodes pause, clocks drift.
        await page.locator("#tour-next").click();
        w = await where(page);
        assert.equal(w.title, "2. Packets drop, nodes pause, clocks drift");
        assert.equal(w.step, "Step 1 of 4");
        const s3 = () => page.evaluate(() => ({ ...raft.view().nodes[2], ...raft.nodeFaults()[2] }));
        let s = await s3();
        assert.deepEqual([s.paused, s.backlog, s.role, s.term], [true, 22, "leader", 1], "S3 paused as the leader of term 1, 22 messages waiting");
        assert.match(await page.locator("#insp-body").textContent(), /22 messages waiting/);
        await shot("2-paused");
        await page.locator("#tour-next").click();
        s = await s3();
        assert.deepEqual([s.paused, s.role, s.term, s.leaderHint], [false, "follower", 3, 4], "resumed, S3 follows S4 in term 3");
        await shot("2-resumed");
        await page.locator("#tour-next").click();
        const s1 = await page.evaluate(() => ({ ...raft.view().nodes[0], ...raft.nodeFaults()[0] }));
        assert.deepEqual([s1.clockRate, s1.role, s1.term], [3, "leader", 2], "the fast-clock S1 won term 2");
        assert.match(await page.locator("#insp-body").textContent(), /3× real time/);
        await shot("2-drift");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-try").textContent(), /pause the leader/);
        if (screen.name === "phone") await openNode(page, 3);
        await press(page, inspectorButton(page, "Pause"));
        assert.match(await page.locator("#tour-state").textContent(), /S3 is paused/);
        await page.evaluate(() => raft.runFor(1000)); // the others elect a leader meanwhile
        await settle(page);
        if (!(await inspectorButton(page, "Resume").isVisible())) await openNode(page, 3);
        await press(page, inspectorButton(page, "Resume"));
        await outcome(page, /S3 went through its backlog on its old beliefs and stepped down .*: it is a follower of term \d+/);
        await shot("2-try");

        // Chapter 3: terms are the real clock.
        await page.locator("#tour-next").click();
        w = await where(page);
        assert.equal(w.title, "3. Terms are the real clock");
        assert.equal(await page.evaluate(() => location.hash), "#tour=3", "the chapter is in the address");
        assert.match(await page.locator(`#cluster [data-pick="node:1"]`).getAttribute("class"), /\bstale\b/, "S1 is drawn as a stale leader");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-try").textContent(), /send a write to the old leader/);
        if (screen.name === "phone") await openNode(page, 1); // the tour selected it; a tap opens the sheet
        await press(page, page.getByRole("button", { name: "Write here" }));
        assert.equal(await page.locator("#w-to").inputValue(), "1");
        await press(page, page.locator("#write-form button[type=submit]"));
        await outcome(page, /S1 appended your request at index \d+, in its stale term 1\. Its commit index stays/);
        await shot("3-try");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-text").textContent(), /carries the current term/);
        assert.match(await page.locator("#insp-title").textContent(), /Message #\d+/, "the rejection is selected");
        const detail = await page.locator("#insp-body pre").textContent();
        assert.match(detail, /term/, `its detail: ${detail}`);
        await shot("3-rejection");
        await page.locator("#tour-next").click();
        assert.doesNotMatch(await page.locator(`#cluster [data-pick="node:1"]`).getAttribute("class"), /\bleader\b/, "S1 stepped down");

        // Chapter 4: "wrote it locally" is not "committed".
        await page.locator("#tour-next").click();
        w = await where(page);
        assert.equal(w.title, "4. “Wrote it locally” is not “committed”");
        assert.equal(w.step, "Step 1 of 4");
        let v = await page.evaluate(() => raft.view());
        assert.deepEqual([v.nodes[2].logLength, v.nodes[2].commitIndex, v.clients[0].completed], [2, 1, 0], "S3 appended x=1, cannot commit it, no answer");
        assert.ok(v.clients[0].pending, "the write is still pending");
        await shot("4-intact");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#rules-badge").textContent(), /ack-before-commit/, "the broken rule is named");
        v = await page.evaluate(() => raft.view());
        assert.deepEqual([v.nodes[2].commitIndex, v.clients[0].completed, v.violations.length], [1, 1, 0], "answered before it was committed");
        await page.locator("#tour-next").click();
        assert.equal(await page.locator("#violations").isVisible(), true, "the checker reports the lost write");
        v = await page.evaluate(() => raft.view());
        assert.equal(v.violations[0].property, "Acknowledged writes are durable");
        assert.deepEqual([v.nodes[2].role, v.nodes[2].term, v.nodes[2].log[1].command], ["follower", 2, "noop"], "S3's x=1 was overwritten");
        await shot("4-broken");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-try").textContent(), /Tick ack-before-commit/);
        await unfold(page, "rules");
        await page.locator('#bugs input[data-bug="ack-before-commit"]').check();
        await press(page, page.locator("#isolate"));
        if (screen.name === "phone") await openNode(page, 3);
        await press(page, page.getByRole("button", { name: "Write here" }));
        assert.equal(await page.locator("#w-to").inputValue(), "3");
        await press(page, page.locator("#write-form button[type=submit]"));
        await outcome(page, /The checker caught it: (Acknowledged writes are durable|Linearizability)/);
        await shot("4-try");

        // Chapter 5: Figure 8, by link.
        await page.evaluate(() => (location.hash = "#tour=5"));
        await page.waitForFunction(() => document.querySelector("#tour-title")?.textContent.startsWith("5."));
        assert.equal((await where(page)).step, "Step 1 of 5");
        assert.match(await page.locator("#rules-badge").textContent(), /commit-old-term/, "the broken rule is named");
        await page.locator("#tour-next").click();
        assert.equal(await page.locator("#violations").isVisible(), true, "the checker reports the lost write");
        await shot("5-broken");
        await page.locator("#tour-next").click();
        await page.locator("#tour-next").click();
        assert.equal(await page.locator("#violations").isVisible(), false, "with the rule intact: no violation");
        await page.locator("#tour-next").click();
        assert.match(await page.locator("#tour-try").textContent(), /tick commit-old-term/);
        await unfold(page, "rules");
        await page.locator('#bugs input[data-bug="commit-old-term"]').check();
        await outcome(page, /The checker caught it/);
        await shot("5-try");

        // Chapter 6: a replicated log, not a replicated database.
        await page.locator("#tour-next").click();
        assert.equal((await where(page)).title, "6. A replicated log, not a replicated database");
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
        await shot("6-try");
        assert.equal(await page.locator("#tour-next").textContent(), "Finish");
        await page.locator("#tour-next").click();
        assert.equal(await page.locator("#tour").isVisible(), false, "Finish closes the tour");
        assert.equal(await page.evaluate(() => location.hash), "");
      },
      screen,
    ),
  );
}
