// End-to-end tests of the playground page: the release dist/ under
// /raft-playground/, driven like a person would (forms, clicks, keys) and
// through the console API (`window.raft`). Each test pauses the clock and
// moves simulated time itself, so runs are deterministic.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshot, setup } from "./helpers.mjs";

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** A fresh page with the clock paused and a new cluster of `config`. */
async function playground(config = { nodes: 5, seed: 1 }) {
  const { context, page, problems } = await openPage(env.browser, { viewport: { width: 1360, height: 900 } });
  await page.goto(env.server.url);
  await page.waitForFunction(() => window.raft && document.body.classList.contains("ready"), null, { timeout: 15_000 });
  await page.evaluate((c) => {
    raft.pause();
    raft.reset(c);
  }, config);
  return { context, page, problems };
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

test("the page loads with no console errors and draws the cluster", async () => {
  const { context, page, problems } = await playground();
  try {
    assert.equal(await page.title(), "Raft playground");
    assert.equal(await page.locator("#cluster .node").count(), 5);
    assert.equal(await page.locator("#logs .lrow:not(.ruler)").count(), 5);
    assert.equal(await page.locator("#bugs input[type=checkbox]").count(), 6);
    assert.match(await page.locator("#checker").textContent(), /All invariants hold/);
    await page.evaluate(() => raft.play());
    await page.waitForTimeout(800); // plays in real time for a moment
    assert.ok((await page.evaluate(() => raft.now())) > 0, "time moves while playing");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a leader is elected within 2 simulated seconds", async () => {
  const { context, page, problems } = await playground({ nodes: 5, seed: 11 });
  try {
    await page.evaluate(() => raft.runUntil(2000));
    const v = await view(page);
    const leaders = v.nodes.filter((n) => n.role === "leader");
    assert.equal(leaders.length, 1, "exactly one leader");
    await settle(page);
    assert.equal(await page.locator("#cluster .node.leader").count(), 1, "drawn as the leader");
    assert.match(await page.locator("#cluster .node.leader .role").textContent(), /leader/);
    assert.equal(await page.evaluate(() => raft.leader()), leaders[0].id);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a write from the form is committed in every node's log and state machine", async () => {
  const { context, page, problems } = await playground({ nodes: 5, seed: 2 });
  try {
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
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a leader cut into a minority is replaced; its write stays uncommitted; after heal it steps down and logs converge", async () => {
  const { context, page, problems } = await playground({ nodes: 5, seed: 3 });
  try {
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
    assert.deepEqual(v.partition, { groups: [], cuts: [] });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("crash and restart from the inspector keep term, vote and log", async () => {
  const { context, page, problems } = await playground({ nodes: 3, seed: 5 });
  try {
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
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("keyboard shortcuts: Space, S, C, R, H, ? and Esc", async () => {
  const { context, page, problems } = await playground({ nodes: 5, seed: 1 });
  try {
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

    await page.keyboard.press("?");
    assert.equal(await page.locator("#help").isVisible(), true, "? opens the help");
    assert.match(await page.locator("#help").textContent(), /restart the leader/);
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#help").isVisible(), false, "Esc closes it");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a link click cuts one way, then both ways, then restores", async () => {
  const { context, page, problems } = await playground({ nodes: 3, seed: 1 });
  try {
    const link = page.locator('#cluster [data-pick="link:1-2"] .hit');
    await link.click({ force: true });
    assert.deepEqual((await view(page)).partition.cuts, [[1, 2]]);
    await link.click({ force: true });
    assert.deepEqual((await view(page)).partition.cuts, [[1, 2], [2, 1]]);
    await link.click({ force: true });
    assert.deepEqual((await view(page)).partition.cuts, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
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

test("a broken-rule toggle with a schedule that trips it turns the checker red", async () => {
  const { context, page, problems } = await playground({ nodes: 3, seed: 4 });
  try {
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
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the same schedule with every rule intact keeps the checker green", async () => {
  const { context, page, problems } = await playground({ nodes: 3, seed: 4 });
  try {
    const { l, b } = await doubleVote(page);
    const v = await view(page);
    assert.deepEqual(v.violations, []);
    assert.notEqual(v.nodes.find((n) => n.id === l).role, "leader", "S" + b + " refused the second vote");
    assert.match(await page.locator("#checker").getAttribute("class"), /\bok\b/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("bad arguments to the console API throw clear errors", async () => {
  const { context, page, problems } = await playground({ nodes: 5, seed: 1 });
  try {
    const error = (expr) =>
      page.evaluate((expr) => {
        try {
          new Function(`return ${expr}`)();
        } catch (e) {
          return `${e instanceof Error ? "Error" : typeof e}: ${e.message}`;
        }
        return "no error";
      }, expr);
    const cases = [
      ["raft.crash(0)", /no node 0; nodes are numbered 1 to 5/],
      ["raft.crash(9)", /no node 9/],
      ['raft.crash("a")', /crash\(id\): no node "a"/],
      ["raft.restart(2)", /node 2 is running; crash it before restarting it/],
      ["raft.cut(1, 1)", /cannot cut node 1 from itself/],
      ['raft.partition("x")', /partition\(groups\): groups must be a list of lists/],
      ["raft.partition([[1, 2], [2, 3]])", /node 2 is in two partition groups/],
      ["raft.write(1, 2)", /write\(key, value, node\?\): key must be a string/],
      ['raft.write("", "v")', /a key must be 1 to 64 characters/],
      ['raft.setBug("nope", true)', /unknown bug 'nope'; known: commit-old-term/],
      ['raft.setBug("forget-vote", "yes")', /on must be true or false/],
      ["raft.reset({ nodes: 20 })", /nodes must be a whole number from 1 to 9 \(got 20\)/],
      ["raft.reset({ nodez: 3 })", /unknown field 'nodez'/],
      ["raft.reset({ loss: 5 })", /loss is a ratio from 0 to 1/],
      ["raft.runFor(-5)", /runFor\(ms\): expected a number of milliseconds/],
      ["raft.runUntil(-1)", /runUntil\(ms\)/],
      ["raft.drop(123456)", /message 123456 is not in flight/],
      ["raft.setNetwork({ latencyMin: 500 })", /latency max .* is below latency min/],
      ["raft.speed(1000)", /speed\(x\): x must be a number from 0.01 to 100/],
      ['raft.act({ type: "explode" })', /unknown action "explode"/],
    ];
    for (const [expr, re] of cases) {
      const got = await error(expr);
      assert.match(got, /^Error: /, `${expr} throws an Error (got ${got})`);
      assert.match(got, re, expr);
    }
    // Nothing half-done: the cluster is as it was.
    const v = await view(page);
    assert.equal(v.nodes.length, 5);
    assert.deepEqual(v.partition.cuts, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("screenshot of a busy, healthy cluster", async () => {
  const { context, page, problems } = await playground({ nodes: 5, seed: 9, clients: 1 });
  try {
    await run(page, 1500);
    await page.evaluate(() => {
      raft.write("x", "1");
      raft.write("y", "2");
      raft.cut(2, 3);
      raft.runFor(402);
    });
    await page.click('#cluster .node[data-pick="node:1"]');
    await settle(page);
    const path = await screenshot(page, "playground");
    assert.ok(path.endsWith("playground.png"));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
