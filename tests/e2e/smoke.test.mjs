import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, repoRoot, screenshot, useBrowser, withPage } from "./helpers.mjs";

const crateVersion = readFileSync(join(repoRoot, "Cargo.toml"), "utf8").match(
  /^version\s*=\s*"([^"]+)"/m,
)[1];

const env = useBrowser();

test(`page loads under ${BASE} with the wasm running and no console errors`, () =>
  withPage(env.browser, "smoke", async ({ page }) => {
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
  }));

test("the sub-path without its trailing slash redirects to the page", async () => {
  const res = await fetch(env.server.url.slice(0, -1), { redirect: "manual" });
  assert.equal(res.status, 301);
  assert.equal(res.headers.get("location"), BASE);
});
