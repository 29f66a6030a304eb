// The sequence diagram panel: the arrows of a scripted run (a RequestVote per
// peer per election, crosses for the messages a crash dropped, with the
// simulator's reason), the heartbeat filter, a click on an arrow shows the
// message in the inspector, a click on a lane seeks there (the same trace
// hash as a fresh run to that time, and nothing of the abandoned future
// drawn). On a desktop and a phone.

import assert from "node:assert/strict";
import { SCREENS, screenTests, screenshot, settle, useBrowser } from "./helpers.mjs";

const env = useBrowser();

/** A click on arrow `id`, as a person's (arrows may overlap at this zoom, so
 * the events go to that arrow's own line). */
const clickArrow = (page, id) =>
  page.$eval(`#seq-plot .seq-arrow[data-id="${id}"]`, (line) => {
    const r = line.getBoundingClientRect();
    const at = { bubbles: true, button: 0, pointerId: 1, clientX: r.x + r.width / 2, clientY: r.y + r.height / 2 };
    line.dispatchEvent(new PointerEvent("pointerdown", at));
    line.dispatchEvent(new PointerEvent("pointerup", at));
  });

/** 3 nodes; a leader, a write, then a follower crashes while messages fly to it. */
const scripted = (page) =>
  page.evaluate(() => {
    raft.pause();
    raft.reset({ nodes: 3, seed: 4 });
    raft.runUntil(1500);
    const leader = raft.leader();
    raft.write("k", "v");
    raft.runUntil(1540);
    const follower = [1, 2, 3].find((n) => n !== leader);
    raft.crash(follower);
    raft.write("k", "w"); // its AppendEntries to the crashed node is dropped
    raft.runUntil(1800);
  });

/** The panel's arrows as drawn: `{ id, kind (family class), cross, flying }`. */
const drawn = (page) =>
  page.$$eval("#seq-plot .seq-arrow", (gs) =>
    gs.map((g) => ({
      id: +g.dataset.id,
      family: [...g.classList].find((c) => c.startsWith("k-")),
      cross: !!document.querySelector(`#seq-plot .seq-cross[data-id="${g.dataset.id}"]`),
      flying: g.classList.contains("flying"),
    })),
  );

/** Zooms out until the window covers the whole run (the clock at `now`). */
async function showAll(page) {
  for (let i = 0; i < 6; i++) {
    const covered = await page.evaluate(() => /([\d.]+) (m?s) shown/.exec(document.querySelector("#seq-span").textContent));
    const ms = covered && +covered[1] * (covered[2] === "s" ? 1000 : 1);
    if (ms >= 2100) break;
    await page.locator("#seq-out").click();
    await settle(page);
  }
}

for (const screen of SCREENS.filter((s) => s.name !== "tablet")) {
  screenTests(
    env,
    "the diagram draws a scripted run's arrows, drops and votes",
    async (page) => {
      await showAll(page);
      const want = await page.evaluate(() => raft.sequence(0, raft.now(), false));
      const got = await drawn(page);
      assert.equal(got.length, want.arrows.length, "one arrow per message in the window");
      assert.deepEqual(got.map((a) => a.id).sort((a, b) => a - b), want.arrows.map((a) => a.id).sort((a, b) => a - b));
      // Every election sends a RequestVote to each of the other two nodes.
      const elections = await page.evaluate(() => raft.markers().filter((m) => m.kind === "election").length);
      assert.ok(elections >= 1);
      assert.equal(want.arrows.filter((a) => a.kind === "RequestVote").length, 2 * elections);
      assert.equal(got.filter((a) => a.family === "k-RequestVote").length, want.arrows.filter((a) => /Vote/.test(a.kind)).length);
      // The crash dropped what was on its way: crosses, with the real reason.
      const dropped = want.arrows.filter((a) => a.outcome === "dropped");
      assert.ok(dropped.length >= 1, "the crash dropped messages");
      assert.ok(dropped.every((a) => a.reason === "receiver crashed"), JSON.stringify(dropped));
      assert.equal(got.filter((a) => a.cross).length, dropped.length, "a cross per dropped message");
      assert.ok(want.arrows.some((a) => a.kind === "ClientRequest") && got.some((a) => a.family === "k-ClientRequest"));
      // No heartbeats while the filter is off; the count of hidden ones is said.
      assert.ok(!want.arrows.some((a) => a.kind === "Heartbeat"));
      assert.match(await page.locator("#seq-span").textContent(), /heartbeats? hidden/);
      // Lanes are shaded: a leader span for the leader.
      assert.ok(want.spans.some((s) => s.role === "leader"));
      assert.ok((await page.locator("#seq-spans .seq-role.leader").count()) >= 1);
      await page.locator("#sequence").scrollIntoViewIfNeeded();
      await screenshot(page, `sequence-${screen.name}`, { fullPage: false });

      // The filter: heartbeats shown, then hidden again.
      await page.locator("#seq-hb").check();
      await settle(page);
      const withHb = await drawn(page);
      assert.ok(withHb.some((a) => a.family === "k-Heartbeat"), "heartbeats drawn");
      assert.equal(withHb.length, (await page.evaluate(() => raft.sequence(0, raft.now(), true))).arrows.length);
      await page.locator("#seq-hb").uncheck();
      await settle(page);
      assert.equal((await drawn(page)).length, got.length);
    },
    { only: [screen.name], prepare: scripted },
  );

  screenTests(
    env,
    "click an arrow: the message in the inspector; click a lane: seek there",
    async (page) => {
      await showAll(page);
      const data = await page.evaluate(() => raft.sequence(0, raft.now(), false));
      const vote = data.arrows.find((a) => a.kind === "RequestVote" && a.outcome === "delivered");
      await clickArrow(page, vote.id);
      await settle(page);
      assert.equal(await page.locator("#insp-title").textContent(), `Message #${vote.id}`);
      const body = await page.locator("#insp-body").textContent();
      assert.match(body, /RequestVote/);
      assert.match(body, /delivered/);
      // A dropped one says why.
      const drop = data.arrows.find((a) => a.outcome === "dropped");
      await page.evaluate(() => document.querySelector("#insp-close").click());
      await clickArrow(page, drop.id);
      await settle(page);
      assert.match(await page.locator("#insp-body").textContent(), /dropped: receiver S\d crashed/);
      await page.evaluate(() => document.querySelector("#insp-close").click());

      // A click on the clients' lane early in the run (nothing is drawn there yet) seeks.
      await page.locator("#seq-svg").scrollIntoViewIfNeeded();
      await settle(page);
      const svg = await page.locator("#seq-svg").boundingBox();
      const lane = await page.locator("#seq-labels text", { hasText: "clients" }).boundingBox();
      const x0 = svg.x + 54;
      const plotW = svg.width - 54 - 4;
      const win = await page.evaluate(() => /([\d.]+) (m?s) shown/.exec(document.querySelector("#seq-span").textContent).slice(1));
      const span = +win[0] * (win[1] === "s" ? 1000 : 1);
      const to = Math.max(span, 1800 + span * 0.12);
      const target = 700;
      await page.mouse.click(x0 + ((target - (to - span)) / span) * plotW, lane.y + lane.height / 2);
      await settle(page);
      const at = await page.evaluate(() => ({ now: raft.now(), hash: raft.traceHash(), pos: raft.position() }));
      assert.ok(Math.abs(at.now - target) < span / 50, `seeked near ${target} ms: ${at.now}`);
      const fresh = await page.evaluate((ms) => {
        raft.load(raft.link());
        raft.pause();
        raft.seek(ms);
        return { hash: raft.traceHash(), pos: raft.position(), seq: raft.sequence(0, 5000, true) };
      }, at.now);
      assert.equal(at.hash, fresh.hash, "the same run as a fresh replay to that time");
      assert.equal(at.pos.step, fresh.pos.step);
      // Nothing of the abandoned future: the diagram equals the fresh run's.
      assert.ok(fresh.seq.arrows.every((a) => a.sentMs <= at.now));
      await settle(page);
      await page.evaluate(() => raft.seek(raft.now())); // redraw at the fresh cluster
    },
    { only: [screen.name], prepare: scripted },
  );
}

screenTests(
  env,
  "the diagram after a seek back shows the past only, and keys move it",
  async (page) => {
    const r = await page.evaluate(() => {
      raft.seek(900);
      const back = raft.sequence(0, 5000, true);
      raft.load(raft.link());
      raft.pause();
      raft.seek(900);
      return { back, fresh: raft.sequence(0, 5000, true) };
    });
    assert.deepEqual(r.back, r.fresh, "a seek back draws what a fresh run to that time draws");
    await settle(page);
    const before = await page.locator("#seq-span").textContent();
    await page.locator("#seq-svg").focus();
    await page.keyboard.press("-");
    await settle(page);
    assert.notEqual(await page.locator("#seq-span").textContent(), before, "− zooms out");
    const t = await page.evaluate(() => raft.now());
    await page.keyboard.press("ArrowLeft"); // pans the diagram, does not step the run
    await settle(page);
    assert.equal(await page.evaluate(() => raft.now()), t);
    assert.equal(await page.locator("#seq-now").getAttribute("aria-pressed"), "false");
    await page.keyboard.press("n");
    await settle(page);
    assert.equal(await page.locator("#seq-now").getAttribute("aria-pressed"), "true");
    // [ and ] walk the drawn messages by send time, each in the inspector and the readout.
    await page.keyboard.press("[");
    await settle(page);
    const last = await page.locator("#seq-readout").textContent();
    const id = +last.match(/^#(\d+) /)[1];
    assert.equal(await page.locator("#insp-title").textContent(), `Message #${id}`, "[ selects the newest drawn message");
    await page.keyboard.press("[");
    await settle(page);
    const earlier = +(await page.locator("#seq-readout").textContent()).match(/^#(\d+) /)[1];
    assert.notEqual(earlier, id, "[ again: the one sent before it");
    assert.equal(await page.locator("#insp-title").textContent(), `Message #${earlier}`);
    await page.keyboard.press("]");
    await settle(page);
    assert.equal(await page.locator("#insp-title").textContent(), `Message #${id}`, "] goes forward again");
  },
  { only: ["desktop"], prepare: scripted },
);

screenTests(
  env,
  "embed mode hides the panel",
  async (page) => {
    assert.equal(await page.locator("#sequence").isVisible(), false);
  },
  {
    only: ["desktop"],
    prepare: async (page) => {
      await page.goto(`${env.server.url}?embed`);
      await page.waitForFunction(() => window.raft && document.body.classList.contains("ready"));
    },
  },
);

screenTests(
  env,
  "a picture of the timeline and the diagram",
  async (page) => {
    await page.evaluate(() => {
      raft.runUntil(1200);
      raft.crash(raft.leader());
      raft.write("x", "1");
      raft.runUntil(1900);
      raft.restart([1, 2, 3, 4, 5].find((n) => raft.view().nodes[n - 1].crashed));
      raft.runUntil(2050);
    });
    await page.locator("#seq-out").click();
    await page.locator("#seq-out").click();
    await settle(page);
    await screenshot(page, "sequence-docs-desktop", { fullPage: false });
  },
  {
    only: ["desktop"],
    prepare: (page) =>
      page.evaluate(() => {
        raft.pause();
        raft.reset({ nodes: 5, seed: 3 });
      }),
  },
);
