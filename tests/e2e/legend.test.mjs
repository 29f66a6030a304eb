// The visual language, explained in the page: the legend, a <title> on every
// glyph, term colours (with the number beside them), stale leaders drawn as
// such, and partition labels that count only running nodes and never sit on
// a node. On each of the three screens.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SCREENS, loadPlayground, screenTests, screenshot, settle, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

const screenTest = (title, body) => screenTests(env, title, body);

const view = (page) => page.evaluate(() => raft.view());
const leaderOf = (v) => v.nodes.find((n) => n.role === "leader" && !n.crashed && n.term === Math.max(...v.nodes.map((x) => x.term)));

screenTest("the legend explains every glyph, and every glyph in the ring has a title", async (page, screen) => {
  await page.evaluate(() => {
    raft.reset({ nodes: 5, seed: 3 });
    raft.runFor(1500);
    raft.setNetwork({ latencyMin: 60, latencyMax: 90 });
    raft.write("k", "v");
    raft.partition([[1, 2], [3, 4, 5]]);
    raft.timeout(4);
    raft.runFor(40);
  });
  await page.locator("#legend > summary").click();
  await settle(page);
  const legend = page.locator("#legend .legend-body");
  assert.equal(await legend.isVisible(), true, "the legend opens");
  const words = await legend.textContent();
  for (const w of ["leader", "stale leader", "candidate", "follower", "crashed", "election timer", "colour = term", "RequestVote", "AppendEntries", "heartbeat", "client", "request", "reply", "rejected", "dropped", "cut link", "partition", "committed", "matchIndex"])
    assert.ok(words.includes(w), `the legend explains "${w}"`);
  assert.deepEqual(await page.locator("#legend-terms .swatch").allTextContents(), ["1", "2", "3", "4", "5", "6", "7", "8", "9"], "each term colour with its number");
  await screenshot(page, `legend-${screen.name}`);

  const untitled = await page.evaluate(() => {
    const glyphs = document.querySelectorAll(
      "#cluster .node, #cluster .node .timer, #cluster .node .crown, #cluster .node .votes circle, #cluster .link, #cluster .msg:not([display=none]), #cluster .hull, #cluster .hull-tag, #cluster .client, #cluster .burst",
    );
    const bad = [];
    for (const g of glyphs) {
      const t = [...g.children].find((c) => c.tagName === "title");
      if (!t || !t.textContent.trim()) bad.push(g.getAttribute("class") + " " + (g.dataset.pick ?? ""));
    }
    return { count: glyphs.length, bad };
  });
  assert.ok(untitled.count > 30, `glyphs found: ${untitled.count}`);
  assert.deepEqual(untitled.bad, [], "glyphs without a <title>");
  assert.ok((await page.locator("#cluster .msg:not([display=none])").count()) > 0, "messages in flight were checked");
  assert.ok((await page.locator("#cluster .hull-label").count()) === 2, "partition labels were checked");
});

screenTest("term colours: terms 1, 8 and 15 differ, none is the client's green, and the term number is always drawn", async (page) => {
  // The colour a node is drawn in at terms 1, 8 and 15: in a 3-node cluster,
  // each forced timeout of a follower starts the next term.
  const drawn = [];
  for (const term of [1, 8, 15]) {
    const id = await page.evaluate((term) => {
      raft.reset({ nodes: 3, seed: 1 });
      raft.runFor(1000);
      const max = () => Math.max(...raft.view().nodes.map((n) => n.term));
      for (let i = 0; i < 40 && max() < term; i++) {
        raft.timeout(raft.view().nodes.find((n) => n.role !== "leader").id);
        raft.runFor(60);
      }
      return raft.view().nodes.find((n) => n.term === term)?.id;
    }, term);
    assert.ok(id, `a node reached term ${term}`);
    await settle(page);
    const g = page.locator(`#cluster [data-pick="node:${id}"]`);
    assert.equal(await g.locator(".term").textContent(), `term ${term}`, "the number beside the colour");
    drawn.push(await g.locator(".body").evaluate((e) => getComputedStyle(e).stroke));
  }
  assert.equal(new Set(drawn).size, 3, `terms 1, 8 and 15 are drawn in three colours: ${drawn}`);
  // The palette (CSS variables --t1 … for the legend): none is the client
  // messages' green, and each term's number reads on its colour at 4.5:1.
  const palette = await page.evaluate(() => {
    const css = getComputedStyle(document.documentElement);
    const all = [];
    for (let i = 1; css.getPropertyValue(`--t${i}`); i++) all.push([css.getPropertyValue(`--t${i}`).trim(), css.getPropertyValue(`--t${i}-ink`).trim()]);
    return all;
  });
  assert.ok(palette.length >= 8, `a palette of ${palette.length}`);
  const clientGreen = "#009e73";
  for (const [c] of palette) assert.notEqual(c.toLowerCase(), clientGreen, "a term colour equals the client messages' green");
  const lum = (hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const full = (h) => (h.length === 4 ? "#" + [...h.slice(1)].map((x) => x + x).join("") : h);
  palette.forEach(([c, ink], i) => {
    const [a, b] = [lum(full(c)), lum(full(ink))].sort((x, y) => y - x);
    assert.ok((a + 0.05) / (b + 0.05) >= 4.5, `term ${i + 1}: ${c} with ${ink}`);
  });
  await page.evaluate(() => {
    raft.reset({ nodes: 3, seed: 2 });
    raft.runFor(1500);
    raft.write("a", "1");
    raft.runFor(300);
  });
  await settle(page);
  const v = await view(page);
  for (const n of v.nodes) {
    assert.equal(await page.locator(`#cluster [data-pick="node:${n.id}"] .term`).textContent(), `term ${n.term}`, `S${n.id} shows its term`);
    const cells = await page.locator(`.lrow[data-node="${n.id}"] .cell`).allTextContents();
    assert.deepEqual(cells, n.log.map((e) => String(e.term)), `S${n.id}'s log cells show their terms`);
  }
});

screenTest("a deposed leader is drawn as stale until it steps down", async (page, screen) => {
  await page.evaluate(() => {
    raft.reset({ nodes: 5, seed: 3 });
    raft.runFor(1500);
  });
  const old = leaderOf(await view(page));
  await page.evaluate((l) => {
    raft.partition([[l], [1, 2, 3, 4, 5].filter((x) => x !== l)]);
    raft.runFor(1500);
  }, old.id);
  await settle(page);
  const v = await view(page);
  assert.ok(leaderOf(v).term > old.term, "a new leader of a newer term");
  const g = page.locator(`#cluster [data-pick="node:${old.id}"]`);
  assert.match(await g.getAttribute("class"), /\bleader\b.*\bstale\b/, "the old leader is drawn stale");
  assert.match(await g.locator(".role").textContent(), /stale leader/);
  assert.match(await g.locator(".crown title").textContent(), /Stale leader: term \d+, but the cluster is at term \d+/);
  assert.match(await page.locator(`.lrow[data-node="${old.id}"]`).getAttribute("class"), /\bstale\b/, "its log row too");
  await screenshot(page, `stale-leader-${screen.name}`);
  await page.evaluate(() => {
    raft.heal();
    raft.runFor(500);
  });
  await settle(page);
  assert.doesNotMatch(await g.getAttribute("class"), /\bstale\b/, "after the heal it stepped down");
});

screenTest("partition labels count running nodes and never sit on a node", async (page, screen) => {
  const labels = () => page.locator("#cluster .hull-label").allTextContents();
  const overlaps = () =>
    page.evaluate(() => {
      const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      const boxes = [...document.querySelectorAll("#cluster .node")].flatMap((g) =>
        [g.querySelector(".body"), g.querySelector(".role")].map((e) => [g.dataset.pick, e.getBoundingClientRect()]),
      );
      const bad = [];
      for (const l of document.querySelectorAll("#cluster .hull-label")) {
        const r = l.getBoundingClientRect();
        for (const [who, b] of boxes) if (b.width && hit(r, b)) bad.push(`${l.textContent} on ${who}`);
      }
      return bad;
    });
  await page.evaluate(() => {
    raft.reset({ nodes: 5, seed: 1 });
    raft.partition([[1, 2, 3], [4, 5]]);
  });
  await settle(page);
  assert.deepEqual(await labels(), ["majority: 3 of 5 up", "minority: 2 of 5 up"]);
  await page.evaluate(() => raft.crash(3));
  await settle(page);
  assert.deepEqual(await labels(), ["minority: 2 of 5 up", "minority: 2 of 5 up"], "a crashed node is not counted");
  assert.match(await page.locator("#cluster .hull title").first().textContent(), /2 of its 3 nodes running/);
  await screenshot(page, `partition-labels-${screen.name}`);
  const layouts = [
    [5, [[1], [2, 3, 4, 5]]],
    [5, [[1, 2], [3, 4], [5]]],
    [5, [[1, 3, 5], [2, 4]]],
    [9, [[1, 2, 3, 4, 5], [6, 7, 8, 9]]],
    [9, [[1], [2, 3, 4, 5, 6, 7, 8, 9]]],
    [9, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
    [7, [[1, 2], [3, 4, 5, 6, 7]]],
  ];
  for (const [nodes, groups] of layouts) {
    await page.evaluate(([nodes, groups]) => {
      raft.reset({ nodes, seed: 1 });
      raft.partition(groups);
    }, [nodes, groups]);
    await page.waitForTimeout(600); // the nodes glide to their groups' places
    assert.equal((await labels()).length, groups.length);
    assert.deepEqual(await overlaps(), [], `labels on nodes with ${nodes} nodes, groups ${JSON.stringify(groups)}`);
  }
});

screenTest("the seed's faults are drawn on the node: a pause with its backlog, a drifting clock, set from the inspector", async (page, screen) => {
  await page.evaluate(() => {
    raft.reset({ nodes: 5, seed: 3 });
    raft.runFor(1000);
    raft.pauseNode(2);
    raft.runFor(300);
  });
  await settle(page);
  // Clock drift from the inspector's select, through the page's one act() path.
  await page.locator('#cluster .node[data-pick="node:4"]').click();
  const select = page.locator("select.clock-rate");
  await select.selectOption("2");
  await settle(page);
  const faults = await page.evaluate(() => raft.nodeFaults());
  assert.equal(faults.find((f) => f.node === 4).clockRate, 2, "the select set S4's clock rate");
  const paused = faults.find((f) => f.node === 2);
  assert.ok(paused.paused && paused.backlog > 0, `S2 paused with messages waiting: ${JSON.stringify(paused)}`);

  const drawn = (id) =>
    page.evaluate((id) => {
      const g = document.querySelector(`#cluster .node[data-pick="node:${id}"]`);
      return {
        fault: g.querySelector("text.fault").textContent,
        ring: g.querySelector(".pause-ring").getAttribute("visibility"),
        title: [...g.children].find((c) => c.tagName === "title").textContent,
      };
    }, id);
  const s2 = await drawn(2);
  assert.equal(s2.fault, `paused (${paused.backlog})`, "S2 shows its backlog");
  assert.equal(s2.ring, "visible", "S2 has the pause ring");
  assert.match(s2.title, /paused \(GC stop-the-world\): \d+ messages? waiting/, s2.title);
  const s4 = await drawn(4);
  assert.equal(s4.fault, "2× clock");
  assert.equal(s4.ring, "hidden");
  assert.match(s4.title, /clock runs at 2× real time/, s4.title);
  const s1 = await drawn(1);
  assert.equal(s1.fault, "", "an undisturbed node shows nothing");
  await screenshot(page, `faults-${screen.name}`, { fullPage: false });

  // Resume and a true clock clear the marks.
  await page.evaluate(() => {
    raft.resumeNode(2);
    raft.clockRate(4, 1);
    raft.runFor(50);
  });
  await settle(page);
  assert.equal((await drawn(2)).fault, "");
  assert.equal((await drawn(2)).ring, "hidden");
  assert.equal((await drawn(4)).fault, "");

  await page.locator("#legend > summary").click();
  const words = await page.locator("#legend .legend-body").textContent();
  for (const w of ["paused", "messages waiting", "clock drift"]) assert.ok(words.includes(w), `the legend explains "${w}"`);
});
