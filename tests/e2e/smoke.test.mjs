import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, openPage, repoRoot, screenshot, setup } from "./helpers.mjs";

const crateVersion = readFileSync(join(repoRoot, "Cargo.toml"), "utf8").match(
  /^version\s*=\s*"([^"]+)"/m,
)[1];

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

test(`page loads under ${BASE} with the wasm running and no console errors`, async () => {
  const { context, page, problems } = await openPage(env.browser);
  try {
    const response = await page.goto(env.server.url, { waitUntil: "load" });
    assert.equal(response.status(), 200);
    assert.equal(await page.title(), "Raft playground");

    const status = page.locator('#status[data-state="ok"]');
    await status.waitFor({ timeout: 15_000 });
    assert.match(await status.textContent(), /wasm ok/);
    assert.equal(await status.getAttribute("data-version"), crateVersion);

    // Every request stayed under the sub-path: the build uses relative URLs.
    const outside = env.server.served.filter((r) => !r.url.startsWith(BASE));
    assert.deepEqual(outside, [], `requests outside ${BASE}`);
    assert.ok(
      env.server.served.some((r) => r.url.endsWith(".wasm") && r.status === 200),
      `the .wasm was fetched from ${BASE}`,
    );

    await screenshot(page, "smoke-loaded");
    assert.deepEqual(problems, [], "console errors, page errors or failed requests");
  } catch (err) {
    await screenshot(page, "smoke-failure").catch(() => {});
    if (problems.length) err.message += `\npage problems:\n  ${problems.join("\n  ")}`;
    throw err;
  } finally {
    await context.close();
  }
});

test("the sub-path without its trailing slash redirects to the page", async () => {
  const res = await fetch(env.server.url.slice(0, -1), { redirect: "manual" });
  assert.equal(res.status, 301);
  assert.equal(res.headers.get("location"), BASE);
});
