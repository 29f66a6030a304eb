// Membership change in the page (issue 11): nodes outside the configuration
// drawn as such, a server added from the inspector that catches up and then
// is drawn as a member, one removed, a refused change shown in the core's
// words, the leader's configuration under the ring, the legend, and a share
// link that replays the same run. On the desktop and the phone.

import assert from "node:assert/strict";
import { loadPlayground, screenTests, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

const node = (page, id) => page.locator(`#cluster .node[data-pick="node:${id}"]`);
/** Its body: a click lands there (the labels around a node widen its box). */
const bodyOf = (page, id) => node(page, id).locator(".body");
const standing = (page, id) => page.evaluate((id) => raft.view().nodes[id - 1].membership?.standing, id);

/** Selects node `id` in the ring and presses the inspector's button `name`
 * (on a phone the inspector is a bottom sheet: closed again after). */
async function press(page, id, name) {
  await bodyOf(page, id).click();
  await page.locator("#insp-actions").getByRole("button", { name }).click();
  await settle(page);
  if (await page.locator("#insp-close").isVisible()) await page.locator("#insp-close").click();
}

screenTests(
  env,
  "a server is added from the inspector, catches up and is drawn as a member; one is removed; the link replays it",
  async (page, screen) => {
    // Nodes 4 and 5 start outside the configuration {1,2,3}.
    for (const id of [4, 5]) {
      assert.match(await node(page, id).getAttribute("class"), /\boutside\b/, `S${id} is drawn outside`);
      assert.equal(await node(page, id).locator(".role").textContent(), "not a member");
    }
    assert.doesNotMatch(await node(page, 1).getAttribute("class"), /\boutside\b/);
    const line = page.locator("#config-line");
    assert.equal(await line.isVisible(), true, "the configuration line is shown");
    assert.match(await line.textContent(), /^Configuration \{1,2,3\} \(the initial one\)$/);
    await page.locator("#legend > summary").click();
    const words = await page.locator("#legend .legend-body").textContent();
    for (const w of ["not a member", "removed", "catching up", "+ added", "configuration", "pending"]) assert.ok(words.includes(w), `the legend explains "${w}"`);
    await page.locator("#legend > summary").click();

    // Add S4: it catches up first (the clock is paused: it stays there).
    await press(page, 4, "Add to cluster");
    assert.equal(await standing(page, 4), "catching-up");
    assert.match(await node(page, 4).getAttribute("class"), /\bcatching-up\b/);
    assert.equal(await node(page, 4).locator(".role").textContent(), "catching up");
    assert.match(await line.textContent(), /; S4 catching up$/);
    await screenshot(page, `membership-catching-up-${screen.name}`);

    await page.evaluate(() => raft.runFor(1000));
    await settle(page);
    assert.equal(await standing(page, 4), "voter");
    assert.doesNotMatch(await node(page, 4).getAttribute("class"), /\boutside|catching-up\b/);
    assert.equal(await node(page, 4).locator(".member-tag").textContent(), "+ added");
    assert.match(await line.textContent(), /^Configuration \{1,2,3,4\} at index \d+, committed$/);

    // Remove a follower among 1..3, then at once ask for another change:
    // refused (one change at a time), in the core's words, and not recorded.
    const leader = await page.evaluate(() => raft.leader());
    const gone = [1, 2, 3].find((id) => id !== leader);
    await press(page, gone, "Remove from cluster");
    assert.match(await line.textContent(), /^Configuration \{[0-9,]+\} at index \d+, pending$/);
    const actions = await page.evaluate(() => raft.actions().length);
    await press(page, 5, "Add to cluster");
    assert.match(await page.locator("#toast").textContent(), new RegExp(`^node ${leader} refuses to add node 5: one change at a time`));
    assert.equal(await page.evaluate(() => raft.actions().length), actions, "a refused change is not recorded");
    await page.evaluate(() => raft.runFor(1000));
    await settle(page);
    assert.match(await node(page, gone).getAttribute("class"), /\boutside removed\b/);
    assert.equal(await node(page, gone).locator(".role").textContent(), "removed");
    assert.equal(await node(page, gone).locator(".member-tag").textContent(), "− removed");
    assert.match(await line.textContent(), /committed$/);
    await screenshot(page, `membership-removed-${screen.name}`);

    // Inspector: the node's configuration and standing.
    await bodyOf(page, gone).click();
    const insp = await page.locator("#inspector").textContent();
    assert.match(insp, /removed: not a member any more/);
    assert.match(insp, /Add to cluster/);

    // The share link replays the same run.
    const shared = await page.evaluate(() => ({ link: raft.link(), hash: raft.traceHash(), now: raft.now(), text: document.querySelector("#config-line").textContent }));
    assert.match(shared.link, /#s=3\./);
    await withPage(
      env.browser,
      `membership-link-${screen.name}`,
      async ({ page: again }) => {
        await loadPlayground(again, shared.link);
        await settle(again);
        const got = await again.evaluate(() => ({ hash: raft.traceHash(), now: raft.now(), text: document.querySelector("#config-line").textContent }));
        assert.deepEqual(got, { hash: shared.hash, now: shared.now, text: shared.text });
        assert.match(await node(again, gone).getAttribute("class"), /\boutside removed\b/);
        await screenshot(again, `membership-link-${screen.name}`);
      },
      screen,
    );
  },
  {
    only: ["desktop", "phone"],
    prepare: (page) =>
      page.evaluate(() => {
        raft.pause();
        raft.reset({ nodes: 5, seed: 3, initialMembers: 3 });
        raft.runFor(1500);
      }),
  },
);

screenTests(
  env,
  "the settings start a cluster with some members; removing the last member is refused in words",
  async (page, screen) => {
    await page.locator("#production > summary").click();
    await page.locator("#new-members").selectOption("1");
    await page.locator("#new-members-go").click();
    await page.evaluate(() => raft.runFor(1500));
    await settle(page);
    assert.match(await page.locator("#config-line").textContent(), /^Configuration \{1\} \(the initial one\)$/);
    assert.equal(await page.evaluate(() => raft.leader()), 1);
    assert.match(await page.evaluate(() => raft.link()), /#s=3\./, "the initial members are in the link");
    await press(page, 1, "Remove from cluster");
    assert.equal(await page.locator("#toast").textContent(), "node 1 refuses to remove node 1: node 1 is the last member and cannot be removed");
    await screenshot(page, `membership-last-member-${screen.name}`);
  },
  { only: ["desktop", "phone"] },
);
