// Shared set-up for the end-to-end tests: the release dist/ served by the
// static server under /raft-playground/, Debian's Chromium driven by
// playwright-core, console errors collected, screenshots saved.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startStaticServer } from "./static-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "..", "..");
export const distDir = process.env.DIST_DIR ? resolve(process.env.DIST_DIR) : join(repoRoot, "dist");
export const artifactsDir = join(here, "artifacts");
export const BASE = "/raft-playground/";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Starts the static server on a free loopback port. */
export async function startServer() {
  if (!existsSync(join(distDir, "index.html"))) {
    throw new Error(`${distDir}/index.html is missing: run \`make build\` (trunk build --release --offline) first`);
  }
  return startStaticServer({ root: distDir, base: BASE, host: "127.0.0.1", port: 0 });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * The three screens the page is tested on: a desktop, a tablet held upright
 * and a phone (touch). `context` holds the rest of each one's browser context.
 */
export const SCREENS = [
  { name: "desktop", viewport: { width: 1400, height: 900 }, context: {} },
  { name: "tablet", viewport: { width: 768, height: 1024 }, context: {} },
  { name: "phone", viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } },
];

/**
 * Opens a new page that records console errors, uncaught exceptions, failed
 * requests and HTTP error responses into `problems`. `context`: more browser
 * context options (hasTouch, isMobile, colorScheme, reducedMotion, …).
 */
export async function openPage(browser, { viewport = { width: 1280, height: 800 }, context: more = {} } = {}) {
  const context = await browser.newContext({ viewport, ...more });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console.error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`uncaught: ${err.message}`));
  page.on("requestfailed", (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { context, page, problems };
}

/** Saves a PNG of the whole page (or of the window only, `fullPage: false`)
 * to tests/e2e/artifacts/NAME.png and returns its path. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Server + browser for one test file; call `close()` in `after`. */
export async function setup() {
  const server = await startServer();
  let browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The server and the browser for the test file that calls this: registers
 * `before` and `after` hooks and returns the object `before` fills in
 * (`{ server, browser }`).
 */
export function useBrowser() {
  const env = {};
  before(async () => Object.assign(env, await setup()));
  after(async () => env.close?.());
  return env;
}

/**
 * Runs `body({ page, problems })` in a fresh page of its own browser context,
 * then checks that the page reported no problems (console errors, uncaught
 * exceptions, failed requests). On failure it saves
 * tests/e2e/artifacts/NAME-failure.png and adds the page's problems to the
 * error. The context is closed either way. Returns what `body` returns.
 */
export async function withPage(browser, name, body, { viewport, context: more } = {}) {
  const { context, page, problems } = await openPage(browser, { viewport, context: more });
  try {
    const result = await body({ page, problems });
    assert.deepEqual(problems, [], "console errors, page errors or failed requests");
    return result;
  } catch (err) {
    await screenshot(page, `${slug(name)}-failure`).catch(() => {});
    if (problems.length) err.message += `\npage problems:\n  ${problems.join("\n  ")}`;
    throw err;
  } finally {
    await context.close();
  }
}

/** Loads the playground at `url` and waits until the wasm runs and `window.raft` is there. */
export async function loadPlayground(page, url) {
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.raft && document.body.classList.contains("ready"), null, {
    timeout: 15_000,
  });
}

/** Lets the page draw the last change (two animation frames). */
export function settle(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Runs axe-core (tests/e2e/node_modules, pinned in package-lock.json) in the
 * page and returns its violations of impact "serious" or "critical", each as
 * `{ id, impact, help, targets }`.
 */
export async function axeSerious(page) {
  await page.addScriptTag({ path: join(here, "node_modules", "axe-core", "axe.min.js") });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** A test's name as a file name: "a leader is elected" -> "a-leader-is-elected". */
function slug(name) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}

/**
 * One test per screen (all of SCREENS, or the names in `only`): the
 * playground loaded, `prepare(page)` run (by default: paused), the frame
 * settled, then `body(page, screen)`.
 */
export function screenTests(env, title, body, { prepare = (page) => page.evaluate(() => raft.pause()), only } = {}) {
  for (const screen of SCREENS.filter((s) => !only || only.includes(s.name))) {
    test(`${title} (${screen.name})`, () =>
      withPage(
        env.browser,
        `${title} ${screen.name}`,
        async ({ page }) => {
          await loadPlayground(page, env.server.url);
          await prepare(page);
          await settle(page);
          await body(page, screen);
        },
        screen,
      ),
    );
  }
}
