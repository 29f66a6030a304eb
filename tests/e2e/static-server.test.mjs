// The static server itself: what the hosted-page tests rely on.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStaticServer } from "./static-server.mjs";

let root;
let server;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "static-server-"));
  await mkdir(join(root, "web"));
  await writeFile(join(root, "index.html"), "<!doctype html><title>t</title>");
  await writeFile(join(root, "web", "a.js"), "export {};");
  await writeFile(join(root, "x.wasm"), Buffer.from([0, 97, 115, 109]));
  server = await startStaticServer({ root, base: "/raft-playground/" });
});
after(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const get = (path, init) => fetch(server.origin + path, { redirect: "manual", ...init });

test("serves index.html, files and the right content types under the base", async () => {
  let res = await get("/raft-playground/");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/html/);
  res = await get("/raft-playground/web/a.js");
  assert.match(res.headers.get("content-type"), /^text\/javascript/);
  res = await get("/raft-playground/x.wasm");
  assert.equal(res.headers.get("content-type"), "application/wasm");
  assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], [0, 97, 115, 109]);
});

test("nothing exists outside the base; no escaping the root", async () => {
  assert.equal((await get("/")).status, 404);
  assert.equal((await get("/index.html")).status, 404);
  assert.equal((await get("/raft-playground/missing.js")).status, 404);
  assert.notEqual((await get("/raft-playground/%2e%2e/%2e%2e/etc/passwd")).status, 200);
  assert.equal((await get("/raft-playground/%E0%A4%A")).status, 400);
  assert.equal((await get("/raft-playground/", { method: "POST" })).status, 405);
});
