// The keyboard: keys act on the selected node (X crash/restart, T timeout,
// W write here, R restart), R restarts the leader only when nothing is
// selected; a pressed button keeps the focus; Tab reaches every node, link and
// message; Space on a focused node selects it and does not play; the gallery
// is browsed with the arrows and opened with Enter. On each screen.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, loadPlayground, screenTests, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

const screenTest = (title, body) =>
  screenTests(env, title, body, {
    prepare: (page) =>
      page.evaluate(() => {
        raft.pause();
        raft.reset({ nodes: 5, seed: 1 });
        raft.runFor(1000);
      }),
  });

const view = (page) => page.evaluate(() => raft.view());
const nodeOf = (v, id) => v.nodes.find((n) => n.id === id);
const focused = (page) => page.evaluate(() => document.activeElement?.dataset?.pick ?? document.activeElement?.id ?? document.activeElement?.tagName);

screenTest("keys act on the selected node; R restarts the leader only when nothing is selected", async (page) => {
  let v = await view(page);
  const leader = v.nodes.find((n) => n.role === "leader");
  const f = v.nodes.find((n) => n.role === "follower").id;
  await page.focus(`#cluster [data-pick="node:${f}"]`);
  await page.keyboard.press("Enter");
  await settle(page);
  assert.match(await page.locator("#insp-title").textContent(), new RegExp(`Node S${f}`));

  await page.keyboard.press("x");
  v = await view(page);
  assert.equal(nodeOf(v, f).crashed, true, "X crashed the selected follower");
  await page.keyboard.press("r");
  v = await view(page);
  assert.equal(nodeOf(v, f).crashed, false, "R restarted the selected node");
  assert.equal(nodeOf(v, f).restarts, 1);
  assert.equal(nodeOf(v, leader.id).restarts, 0, "not the leader");

  await page.keyboard.press("r"); // running: crash and restart at once
  v = await view(page);
  assert.equal(nodeOf(v, f).restarts, 2, "R on a running selected node restarts it");
  assert.equal(nodeOf(v, leader.id).restarts, 0);

  await page.keyboard.press("t");
  v = await view(page);
  assert.equal(nodeOf(v, f).role, "candidate", "T forced its election timeout");

  await page.keyboard.press("w");
  assert.equal(await page.locator("#w-to").inputValue(), String(f), "W writes to it");
  assert.equal(await focused(page), "w-key");

  await page.keyboard.press("Escape"); // leaves the form, deselects
  await settle(page);
  const now = (await view(page)).nodes.find((n) => n.role === "leader" && n.term === Math.max(...v.nodes.map((x) => x.term)));
  await page.keyboard.press("r");
  v = await view(page);
  const restarted = v.nodes.filter((n) => n.restarts > 0 && n.id !== f).map((n) => n.id);
  assert.deepEqual(restarted, [now ? now.id : leader.id], "with nothing selected, R restarts the leader");
});

screenTest("a pressed button keeps the focus", async (page) => {
  const f = (await view(page)).nodes.find((n) => n.role === "follower").id;
  await page.locator(`#cluster [data-pick="node:${f}"]`).click();
  await settle(page);
  const power = page.locator("#insp-actions button").first();
  await power.click();
  await settle(page);
  assert.equal(await power.textContent(), "Restart");
  assert.equal(await page.evaluate(() => document.activeElement === document.querySelector("#insp-actions button")), true, "the focus stays on Crash, now Restart");
  await page.keyboard.press("Enter");
  await settle(page);
  assert.equal(nodeOf(await view(page), f).crashed, false, "Enter on it restarted the node");
  assert.equal(await power.textContent(), "Crash");
  assert.equal(await page.evaluate(() => document.activeElement === document.querySelector("#insp-actions button")), true);
  for (const id of ["isolate", "heal"]) {
    await page.locator(`#${id}`).click();
    await settle(page);
    assert.equal(await focused(page), id, `#${id} keeps the focus`);
  }
});

screenTest("Tab reaches every node, link and message; Space on a node selects it and does not play", async (page) => {
  await page.evaluate(() => {
    raft.setNetwork({ latencyMin: 80, latencyMax: 120 });
    raft.write("k", "v");
    raft.runFor(60);
  });
  await settle(page);
  await page.focus('#cluster [data-pick="node:1"]');
  const seen = new Set([await focused(page)]);
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (!/^(node|link|msg):/.test(f)) break;
    seen.add(f);
  }
  const kinds = (k) => [...seen].filter((s) => s.startsWith(`${k}:`));
  assert.equal(kinds("node").length, 5, "every node");
  assert.equal(kinds("link").length, 10, "every link");
  const inFlight = (await view(page)).messages.length;
  assert.ok(inFlight > 0 && kinds("msg").length === inFlight, `every message in flight (${kinds("msg").length} of ${inFlight})`);

  await page.focus('#cluster [data-pick="node:2"]');
  await page.keyboard.press(" ");
  await settle(page);
  assert.match(await page.locator("#insp-title").textContent(), /Node S2/, "Space selected the node");
  assert.equal(await page.locator("#play").getAttribute("aria-pressed"), "false", "and did not play");
  await page.focus('#cluster [data-pick="link:1-2"]');
  await page.keyboard.press("Enter");
  assert.deepEqual((await view(page)).partition.cuts, [[1, 2]], "Enter on a link cuts it");
  await page.keyboard.press(" ");
  await settle(page);
  assert.match(await page.locator("#insp-title").textContent(), /Link S1 — S2/, "Space on a link shows it");
});

screenTest("the gallery is browsed with the arrows and opened with Enter", async (page, screen) => {
  if (await page.locator("#menu-btn").isVisible()) await page.locator("#menu-btn").click();
  const presets = await page.evaluate(() => raft.presets());
  const before = await view(page);
  await page.focus("#preset");
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  await settle(page);
  const after = await view(page);
  assert.equal(after.time, before.time, "no preset opened on the arrows");
  assert.equal(await page.locator("#scenario-note").isVisible(), false);
  assert.equal(await page.locator("#preset").inputValue(), presets[2].id, "the third preset is chosen");
  await page.keyboard.press("Enter");
  await page.locator("#scenario-note").waitFor({ state: "visible" });
  assert.equal(await page.locator("#scenario-title").textContent(), presets[2].title, "Enter opened it");
  await screenshot(page, `gallery-keys-${screen.name}`);
});

screenTest("Shift+← / Shift+→ step 100 ms, or a phase in a gallery scenario; Home / End", async (page) => {
  await page.locator("#clock").click();
  const t0 = await page.evaluate(() => raft.now());
  await page.keyboard.press("Shift+ArrowLeft");
  assert.equal(await page.evaluate(() => raft.now()), t0 - 100, "Shift+← goes back 100 ms");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("Shift+ArrowRight");
  assert.equal(await page.evaluate(() => raft.now()), t0 + 100, "Shift+→ forward 100 ms");
  await page.keyboard.press("Home");
  assert.equal(await page.evaluate(() => raft.now()), 0);
  await page.keyboard.press("End");
  assert.equal(await page.evaluate(() => raft.now()), t0 + 100, "End: the furthest point reached");

  // A gallery scenario: one phase per press, its caption highlighted.
  await page.evaluate(() => raft.load({ preset: "figure-8" }));
  const p = (await page.evaluate(() => raft.presets())).find((x) => x.id === "figure-8");
  await page.locator("#clock").click();
  for (const ph of p.phases.slice(1)) {
    await page.keyboard.press("Shift+ArrowRight");
    assert.equal(await page.evaluate(() => raft.now()), ph.startMs, `Shift+→ to phase ${ph.name}`);
  }
  await page.keyboard.press("Shift+ArrowRight");
  assert.equal(await page.evaluate(() => raft.now()), p.durationMs, "then to the end of the script");
  await page.keyboard.press("Shift+ArrowLeft");
  assert.equal(await page.evaluate(() => raft.now()), p.phases.at(-1).startMs, "Shift+← a phase back");
  await page.keyboard.press("Home");
  assert.equal(await page.evaluate(() => raft.now()), 0);
  await page.keyboard.press("End");
  assert.equal(await page.evaluate(() => raft.now()), p.durationMs);
  // The help lists the keys.
  await page.keyboard.press("?");
  assert.match(await page.locator("#help").textContent(), /one phase back \/ forward/);
});
