// A tiny static file server: serves a directory (the release dist/) under a
// URL prefix, the way GitHub Pages serves a project site under /REPO/.
// Nothing outside the prefix exists, so any absolute-path asset reference in
// the page shows up as a 404 in the tests.
//
//   node tests/e2e/static-server.mjs [--root dist] [--base /raft-playground/] [--port 0] [--host 127.0.0.1]
//
// As a module: `const s = await startStaticServer({ root, base }); s.url; await s.close();`

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

export async function startStaticServer({
  root = "dist",
  base = "/raft-playground/",
  host = "127.0.0.1",
  port = 0,
  log = false,
} = {}) {
  if (!base.startsWith("/") || !base.endsWith("/")) {
    throw new Error(`base must start and end with "/": ${base}`);
  }
  const rootDir = resolve(root);
  const served = [];

  const server = createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { "cache-control": "no-store", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
      served.push({ method: req.method, url: req.url, status });
      if (log) console.log(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      return send(405, "method not allowed\n", { allow: "GET, HEAD" });
    }
    const pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (pathname === base.slice(0, -1)) {
      return send(301, "", { location: base });
    }
    if (!pathname.startsWith(base)) {
      return send(404, `not found (this server serves only ${base})\n`);
    }
    let file = join(rootDir, pathname.slice(base.length));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) {
      return send(403, "forbidden\n");
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      const type = TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
      return send(200, body, { "content-type": type, "content-length": body.length });
    } catch {
      return send(404, "not found\n");
    }
  });

  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, ok);
  });
  const { port: actualPort } = server.address();
  const origin = `http://${host}:${actualPort}`;
  return {
    origin,
    url: `${origin}${base}`,
    served,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

// Command line use.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = { log: true, port: 8000 };
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const [key, value] = [args[i], args[i + 1]];
    if (key === "--root") opts.root = value;
    else if (key === "--base") opts.base = value;
    else if (key === "--host") opts.host = value;
    else if (key === "--port") opts.port = Number(value);
    else {
      console.error(`unknown option ${key}`);
      process.exit(2);
    }
  }
  const s = await startStaticServer(opts);
  console.log(`serving ${resolve(opts.root ?? "dist")} at ${s.url}`);
}
