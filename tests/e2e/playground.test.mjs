// End-to-end tests of the playground page: the release dist/ under
// /raft-playground/, driven like a person would (forms, clicks, keys) and
// through the console API (`window.raft`). Each test pauses the clock and
// moves simulated time itself, so runs are deterministic.

import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlayground, screenshot, useBrowser, withPage } from "./helpers.mjs";

const env = useBrowser();

/** A test on a fresh page with the clock paused and a new cluster of `config`. */
function playgroundTest(title, config, body) {
  test(title, () =>
    withPage(
      env.browser,
      title,
      async ({ page }) => {
        await loadPlayground(page, env.server.url);
        await page.evaluate((c) => {
          raft.pause();
          raft.reset(c);
        }, config);
        await body(page);
      },
      { viewport: { width: 1360, height: 900 } },
    ),
  );
}

const view = (page) => page.evaluate(() => raft.view());
const run = (page, ms) => page.evaluate((ms) => raft.runFor(ms), ms);
const leaderOf = (v) => v.nodes.find((n) => n.role === "leader" && !n.crashed);
/** Lets the page draw the last change (one animation frame or two). */
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function writeFromForm(page, key, value, to = "") {
  await page.selectOption("#w-op", "put");
  await page.fill("#w-key", key);
  await page.fill("#w-value", value);
  await page.selectOption("#w-to", to ? String(to) : "");
  await page.click("#write-form button[type=submit]");
}

playgroundTest("the page loads with no console errors and draws the cluster", { nodes: 5, seed: 1 }, async (page) => {
  assert.equal(await page.title(), "Raft playground");
  assert.equal(await page.locator("#cluster .node").count(), 5);
  assert.equal(await page.locator("#logs .lrow:not(.ruler)").count(), 5);
  assert.equal(await page.locator("#bugs input[type=checkbox]").count(), 9); // every toggle in `raft-playground bugs`
  assert.match(await page.locator("#checker").textContent(), /All invariants hold/);
  await page.evaluate(() => raft.play());
  await page.waitForTimeout(800); // plays in real time for a moment
  assert.ok((await page.evaluate(() => raft.now())) > 0, "time moves while playing");
});

playgroundTest("a leader is elected within 2 simulated seconds", { nodes: 5, seed: 11 }, async (page) => {
  await page.evaluate(() => raft.runUntil(2000));
  const v = await view(page);
  const leaders = v.nodes.filter((n) => n.role === "leader");
  assert.equal(leaders.length, 1, "exactly one leader");
  await settle(page);
  assert.equal(await page.locator("#cluster .node.leader").count(), 1, "drawn as the leader");
  assert.match(await page.locator("#cluster .node.leader .role").textContent(), /leader/);
  assert.equal(await page.evaluate(() => raft.leader()), leaders[0].id);
});

playgroundTest("a write from the form is committed in every node's log and state machine", { nodes: 5, seed: 2 }, async (page) => {
  await run(page, 1000);
  await writeFromForm(page, "colour", "blue");
  await run(page, 1000);
  const v = await view(page);
  for (const n of v.nodes) {
    const e = n.log.find((x) => x.command.startsWith("put colour=blue"));
    assert.ok(e, `node ${n.id} has the entry`);
    assert.ok(e.index <= n.commitIndex, `node ${n.id} committed it`);
    assert.deepEqual(n.kv, [["colour", "blue"]], `node ${n.id} applied it`);
  }
  await settle(page);
  for (const n of v.nodes) {
    const kvText = await page.locator(`.kvrow[data-node="${n.id}"]`).textContent();
    assert.match(kvText, /colour\s*=?\s*blue/, `state machine of S${n.id} on the page`);
    const e = n.log.find((x) => x.command.startsWith("put colour=blue"));
    const cell = page.locator(`.lrow[data-node="${n.id}"] .cell[title^="[${e.index}]"]`);
    assert.match(await cell.getAttribute("class"), /\bdone\b/, `S${n.id}'s cell is drawn committed`);
  }
  assert.match(await page.locator("#client-status").textContent(), /1 request acknowledged/);
});

playgroundTest("a leader cut into a minority is replaced; its write stays uncommitted; after heal it steps down and logs converge", { nodes: 5, seed: 3 }, async (page) => {
  await run(page, 1500);
  let v = await view(page);
  const old = leaderOf(v);
  assert.ok(old, "a leader to start with");
  const others = v.nodes.map((n) => n.id).filter((id) => id !== old.id);
  const minority = [old.id, others[0]];
  const majority = others.slice(1);
  await page.evaluate((g) => raft.partition(g), [minority, majority]);
  await writeFromForm(page, "k", "lost", old.id);
  await run(page, 2000);
  v = await view(page);
  const fresh = v.nodes.filter((n) => n.role === "leader" && majority.includes(n.id));
  assert.equal(fresh.length, 1, "a new leader in the majority");
  assert.ok(fresh[0].term > old.term, "of a higher term");
  const stale = v.nodes.find((n) => n.id === old.id);
  const entry = stale.log.find((e) => e.command.startsWith("put k=lost"));
  assert.ok(entry, "the old leader appended the write");
  assert.equal(entry.term, old.term);
  assert.ok(entry.index > stale.commitIndex, "but could not commit it");
  for (const id of majority) {
    const n = v.nodes.find((x) => x.id === id);
    assert.ok(!n.log.some((e) => e.index === entry.index && e.term === entry.term), `S${id} never got it`);
  }
  await settle(page);
  const cell = page.locator(`.lrow[data-node="${old.id}"] .cell[title^="[${entry.index}]"]`);
  assert.doesNotMatch(await cell.getAttribute("class"), /\bdone\b/, "drawn uncommitted");
  assert.match(await page.locator("#cluster .hull-label").first().textContent(), /minority|majority/);
  await screenshot(page, "playground-partition");

  await page.click("#heal");
  await run(page, 3000);
  v = await view(page);
  const was = v.nodes.find((n) => n.id === old.id);
  assert.notEqual(was.role, "leader", "the old leader stepped down");
  assert.ok(was.term >= fresh[0].term);
  const terms = (n) => n.log.map((e) => e.term).join(",");
  for (const n of v.nodes) assert.equal(terms(n), terms(v.nodes[0]), `S${n.id}'s log converged`);
  assert.ok(!was.log.some((e) => e.index === entry.index && e.term === entry.term), "the stale entry was replaced");
  await settle(page);
  const now = was.log.find((e) => e.index === entry.index);
  const redrawn = page.locator(`.lrow[data-node="${old.id}"] .cell[title^="[${entry.index}]"]`);
  assert.equal(await redrawn.textContent(), String(now.term), "the log matrix shows the replacement");
  assert.equal(
    await page.locator(`.lrow[data-node="${old.id}"] .cell`).count(),
    was.log.length,
    "one cell per entry, none left over",
  );
  assert.deepEqual(v.partition, { groups: [], cuts: [] });
});

playgroundTest("crash and restart from the inspector keep term, vote and log", { nodes: 3, seed: 5 }, async (page) => {
  await run(page, 1000);
  await page.evaluate(() => raft.write("a", "1"));
  await run(page, 500);
  let v = await view(page);
  const f = v.nodes.find((n) => n.role === "follower");
  const before = { term: f.term, votedFor: f.votedFor, log: f.log };
  await page.click(`#cluster .node[data-pick="node:${f.id}"]`);
  await page.getByRole("button", { name: "Crash" }).click();
  v = await view(page);
  let n = v.nodes.find((x) => x.id === f.id);
  assert.equal(n.crashed, true);
  assert.deepEqual({ term: n.term, votedFor: n.votedFor, log: n.log }, before, "the disk survives the crash");
  await settle(page);
  assert.match(await page.locator(`#cluster .node[data-pick="node:${f.id}"]`).getAttribute("class"), /crashed/);
  await page.getByRole("button", { name: "Restart" }).click();
  v = await view(page);
  n = v.nodes.find((x) => x.id === f.id);
  assert.equal(n.crashed, false);
  assert.equal(n.role, "follower");
  assert.deepEqual({ term: n.term, votedFor: n.votedFor, log: n.log }, before, "restarted from its disk");
  assert.equal(n.restarts, 1);
  await run(page, 1000);
  v = await view(page);
  n = v.nodes.find((x) => x.id === f.id);
  assert.deepEqual(n.kv, [["a", "1"]], "re-applied its log after learning the commit point");
});

playgroundTest("keyboard shortcuts: Space, S, C, R, H, ? and Esc", { nodes: 5, seed: 1 }, async (page) => {
  await run(page, 1000);
  await page.locator("body").click({ position: { x: 5, y: 880 } }); // focus the page, not a control
  const t0 = await page.evaluate(() => raft.now());
  await page.keyboard.press("s");
  const t1 = await page.evaluate(() => raft.now());
  assert.ok(t1 > t0, "S steps one event");
  assert.equal(await page.locator("#play").getAttribute("aria-pressed"), "false");

  await page.keyboard.press(" ");
  assert.equal(await page.locator("#play").getAttribute("aria-pressed"), "true", "Space plays");
  await page.waitForTimeout(300);
  await page.keyboard.press(" ");
  assert.equal(await page.locator("#play").getAttribute("aria-pressed"), "false", "Space pauses");

  await page.keyboard.press("c");
  assert.equal(await page.evaluate(() => document.activeElement.id), "w-key", "C focuses the write form");
  await page.keyboard.press("Escape");

  const before = await view(page);
  const l = leaderOf(before);
  await page.keyboard.press("r");
  let v = await view(page);
  const n = v.nodes.find((x) => x.id === l.id);
  assert.equal(n.restarts, 1, "R restarted the leader");
  assert.equal(n.role, "follower");
  assert.equal(n.term, l.term, "with its term");

  await page.evaluate(() => raft.partition([[1, 2], [3, 4, 5]]));
  await page.keyboard.press("h");
  v = await view(page);
  assert.deepEqual(v.partition.cuts, [], "H heals");

  await page.focus('#cluster .node[data-pick="node:2"]');
  await page.keyboard.press("Enter");
  await settle(page);
  assert.match(await page.locator("#insp-title").textContent(), /Node S2/, "Enter on a focused node selects it");

  await page.keyboard.press("?");
  assert.equal(await page.locator("#help").isVisible(), true, "? opens the help");
  assert.match(await page.locator("#help").textContent(), /restart the leader/);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#help").isVisible(), false, "Esc closes it");
});

playgroundTest("a link click cuts one way, then both ways, then restores", { nodes: 3, seed: 1 }, async (page) => {
  const link = page.locator('#cluster [data-pick="link:1-2"] .hit');
  await link.click({ force: true });
  assert.deepEqual((await view(page)).partition.cuts, [[1, 2]]);
  await link.click({ force: true });
  assert.deepEqual((await view(page)).partition.cuts, [[1, 2], [2, 1]]);
  await link.click({ force: true });
  assert.deepEqual((await view(page)).partition.cuts, []);
});

playgroundTest("controls: new cluster, speed, network knobs, split editor, message inspector and drop", { nodes: 5, seed: 1 }, async (page) => {
  await page.selectOption("#new-nodes", "3");
  await page.fill("#new-seed", "42");
  await page.click("#new-cluster button[type=submit]");
  let v = await view(page);
  assert.equal(v.nodes.length, 3);
  assert.equal(v.seed, 42);
  assert.equal(await page.locator("#cluster .node").count(), 3);

  await page.locator("#speed").fill("1"); // log10: 10×
  assert.equal(await page.evaluate(() => raft.speed()), 10);
  assert.equal(await page.locator("#speed-out").textContent(), "10×");

  await page.click("details:has(#net-form) > summary");
  await page.fill("#n-loss", "25");
  await page.fill("#n-lmax", "40");
  await page.click("#net-form button[type=submit]");
  v = await view(page);
  assert.equal(v.network.loss, 0.25);
  assert.equal(v.network.latencyMax, 40);
  assert.equal(await page.locator("#n-loss").inputValue(), "25", "the form shows the knobs in force");
  assert.equal(await page.locator("#n-lmax").inputValue(), "40");

  await page.click("#split");
  await page.click('#cluster .node[data-pick="node:3"]'); // A -> B
  await page.click("#split-apply");
  v = await view(page);
  assert.deepEqual(v.partition.groups, [[1, 2], [3]]);
  await page.click("#heal");

  await run(page, 1000);
  await page.evaluate(() => raft.setNetwork({ loss: 0, latencyMin: 50, latencyMax: 60 }));
  await page.evaluate(() => raft.write("m", "1"));
  await run(page, 10);
  v = await view(page);
  const m = v.messages[0];
  assert.ok(m, "a message in flight");
  await settle(page);
  await page.click(`#cluster [data-pick="msg:${m.id}"]`, { force: true });
  await settle(page);
  assert.match(await page.locator("#insp-title").textContent(), new RegExp(`Message #${m.id}`));
  assert.match(await page.locator("#insp-body pre").textContent(), /term|client/);
  await page.getByRole("button", { name: "Drop" }).click();
  v = await view(page);
  assert.ok(!v.messages.some((x) => x.id === m.id), "dropped");
  assert.ok(v.events.some((e) => e.text === `message #${m.id} dropped by hand`));

  await page.click('#cluster .node[data-pick="node:2"]');
  await page.getByRole("button", { name: "Write here" }).click();
  assert.equal(await page.locator("#w-to").inputValue(), "2");
  assert.equal(await page.evaluate(() => document.activeElement.id), "w-key");
});

/**
 * forget-vote: S2 votes for S3 in term 2, crashes and restarts having forgotten
 * that vote, then votes for S1 in the same term 2. The schedule is the same
 * with the toggle off, where S2 remembers and refuses.
 */
async function doubleVote(page) {
  await run(page, 1000);
  const v = await view(page);
  const l = leaderOf(v);
  assert.equal(l.term, 1, "a first leader in term 1");
  const [a, b] = v.nodes.map((n) => n.id).filter((id) => id !== l.id);
  await page.evaluate(
    async ({ l, a, b }) => {
      raft.crash(l);
      raft.timeout(a); // a: candidate of term 2
      const votedFor = () => raft.view().nodes.find((n) => n.id === b).votedFor;
      for (let i = 0; i < 10000 && votedFor() !== a; i++) raft.step();
      raft.crash(b); // b voted for a in term 2; nothing from a reaches it again
      raft.cut(a, b);
      raft.cut(a, l);
      raft.restart(b);
      raft.restart(l); // l: still in term 1, log as up to date as b's
      raft.timeout(l); // l: candidate of term 2 too, asks b
      raft.runFor(100); // a round trip, shorter than any election timeout
    },
    { l: l.id, a, b },
  );
  return { l: l.id, a, b };
}

playgroundTest("a broken-rule toggle with a schedule that trips it turns the checker red", { nodes: 3, seed: 4 }, async (page) => {
  await page.click("details:has(#bugs) > summary");
  await page.check('#bugs input[data-bug="forget-vote"]');
  assert.equal((await page.evaluate(() => raft.bugs())).find((b) => b.name === "forget-vote").on, true);
  await doubleVote(page);
  const v = await view(page);
  await settle(page);
  await screenshot(page, "playground-violation");
  assert.ok(v.violations.length > 0, "the checker reports a violation");
  assert.match(await page.locator("#checker").getAttribute("class"), /\bbad\b/, "drawn red");
  assert.doesNotMatch(await page.locator("#checker").textContent(), /All invariants hold/);
  assert.ok((await page.locator("#cluster .node.bad").count()) > 0, "the nodes involved are highlighted");
  assert.equal(await page.locator("#violations").isVisible(), true, "the banner explains it");
  const banner = await page.locator("#violations").textContent();
  assert.ok(banner.includes(v.violations[0].explanation), `a sentence: ${banner}`);
});

playgroundTest("the same schedule with every rule intact keeps the checker green", { nodes: 3, seed: 4 }, async (page) => {
  const { l, b } = await doubleVote(page);
  const v = await view(page);
  assert.deepEqual(v.violations, []);
  assert.notEqual(v.nodes.find((n) => n.id === l).role, "leader", "S" + b + " refused the second vote");
  assert.match(await page.locator("#checker").getAttribute("class"), /\bok\b/);
});

playgroundTest("bad arguments to the console API throw Rust's errors, named by the call", { nodes: 5, seed: 1 }, async (page) => {
  const error = (expr) =>
    page.evaluate((expr) => {
      try {
        new Function(`return ${expr}`)();
      } catch (e) {
        return `${e instanceof Error ? "Error" : typeof e}: ${e.message}`;
      }
      return "no error";
    }, expr);
  // [call, the message after "raft.NAME: " (a string: all of it)]
  const cases = [
    ["raft.crash(0)", "no node 0: nodes are numbered 1 to 5"],
    ["raft.crash(9)", "no node 9: nodes are numbered 1 to 5"],
    ["raft.crash(2.5)", "no node 2.5: nodes are numbered 1 to 5"],
    ['raft.crash("a")', 'node must be a number (got "a")'],
    ["raft.timeout(true)", "node must be a number (got true)"],
    ["raft.restart(2)", "node 2 is running; crash it before restarting it"],
    ["raft.cut(1, 1)", "cannot cut node 1 from itself"],
    ["raft.restore(1, 7)", "no node 7: nodes are numbered 1 to 5"],
    ['raft.partition("x")', "partition takes a list of groups of node ids, e.g. [[1,2],[3,4,5]]"],
    ["raft.partition([[1, 2], [2, 3]])", "node 2 is in two partition groups"],
    ["raft.partition([[1, 8]])", "no node 8: nodes are numbered 1 to 5"],
    ["raft.write(1, 2)", "key must be a string (got 1)"],
    ['raft.write("", "v")', "a key must be 1 to 64 characters"],
    ['raft.write("k", "v", 0)', "no node 0: nodes are numbered 1 to 5"],
    ['raft.del("k", "x")', 'node must be a number (got "x")'],
    ['raft.setBug("nope", true)', /^unknown bug 'nope'; known: commit-old-term/],
    ['raft.setBug("forget-vote", "yes")', 'on must be a boolean (got "yes")'],
    ["raft.reset({ nodes: 20 })", "nodes must be a whole number from 1 to 9 (got 20)"],
    ["raft.reset({ nodez: 3 })", /^cluster config: unknown field 'nodez'; known: nodes, seed/],
    ["raft.reset({ loss: 5 })", "loss is a ratio from 0 to 1 (got 5; 5% is 0.05)"],
    ['raft.reset("x")', "cluster config must be an object such as { nodes: … }"],
    ["raft.runFor(-5)", "run for: the span must be from 0 to 600000 ms (got -5)"],
    ["raft.runUntil(-1)", "run until -1 ms: that is in the past (now is 0 ms)"],
    ["raft.drop(123456)", "message 123456 is not in flight"],
    ["raft.drop(0)", /^message id must be a whole number from 1 to \d+ \(got 0\)$/],
    ["raft.setNetwork({ latencyMin: 500 })", /^latency max .* is below latency min/],
    ["raft.setNetwork({ lossy: 1 })", /^network knobs: unknown field 'lossy'/],
    ["raft.speed(1000)", "x must be a number from 0.01 to 100 (got 1000)"],
    ['raft.act({ type: "explode" })', /^unknown action "explode"; known: reset, load/],
    ["raft.load(42)", "expected a link such as '#s=1.…' (or { json } / { preset })"],
    ['raft.load({ preset: "nope" })', /^no preset 'nope'; known: /],
    ["raft.onAction(1)", "fn must be a function"],
  ];
  for (const [expr, want] of cases) {
    const got = await error(expr);
    const prefix = `Error: raft.${expr.match(/^raft\.(\w+)\(/)[1]}: `;
    assert.ok(got.startsWith(prefix), `${expr} throws an Error named by the call (got ${got})`);
    const message = got.slice(prefix.length);
    if (typeof want === "string") assert.equal(message, want, expr);
    else assert.match(message, want, expr);
  }
  // Nothing half-done: the cluster is as it was.
  const v = await view(page);
  assert.equal(v.nodes.length, 5);
  assert.equal(v.time, 0);
  assert.deepEqual(v.partition.cuts, []);
  assert.ok(v.nodes.every((n) => !n.crashed));
  assert.deepEqual(await page.evaluate(() => raft.actions()), []);
});

playgroundTest("screenshot of a busy, healthy cluster", { nodes: 5, seed: 9, clients: 1 }, async (page) => {
  await run(page, 1500);
  await page.evaluate(() => {
    raft.write("x", "1");
    raft.write("y", "2");
    raft.cut(2, 3);
    raft.runFor(400);
    // Stop where several messages are on the wire.
    for (let i = 0; i < 5000 && raft.view().messages.length < 6; i++) raft.step();
  });
  await page.click('#cluster .node[data-pick="node:1"]');
  await settle(page);
  const path = await screenshot(page, "playground");
  assert.ok(path.endsWith("playground.png"));
});
