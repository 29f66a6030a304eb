// Bundles and minifies the page after a release build: trunk runs this as a
// post_build hook (Trunk.toml), on the staging dir before it becomes dist/.
//
//   web/main.js      bundled with everything it imports (followed by esbuild,
//                    never listed here), minified; the bundled modules are
//                    removed from the staging dir
//   web/style.css    bundled (@import) and minified
//   the glue         wasm-bindgen's JS, minified in place; its integrity hash
//                    in index.html is recomputed (trunk's own minifier breaks
//                    this file, which is why trunk's `minify` stays off)
//   index.html       comments dropped, whitespace collapsed, the inline loader
//                    script minified
//
// URLs stay relative, so dist/ still works under any sub-path. The wasm file
// and its preload link are left exactly as trunk wrote them. Debug builds
// (trunk serve) are left alone: readable sources there.
//
// Env (set by trunk): TRUNK_PROFILE, TRUNK_STAGING_DIR.
// By hand: TRUNK_PROFILE=release TRUNK_STAGING_DIR=dist node tools/bundle.mjs

import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const ENTRY_JS = "web/main.js";
const ENTRY_CSS = "web/style.css";

if (process.env.TRUNK_PROFILE !== "release") process.exit(0);
// Loaded only now: a debug build needs no esbuild.
const esbuild = await import("esbuild");
const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) throw new Error("TRUNK_STAGING_DIR is not set: run this as a trunk hook, or set it by hand.");

const at = (file) => join(stage, file);
const sizes = [];

await bundle(ENTRY_JS);
await bundle(ENTRY_CSS);
let page = readFileSync(at("index.html"), "utf8");
page = await minifyGlue(page);
page = await minifyHtml(page);
writeFileSync(at("index.html"), page);
sizes.push(["index.html", page.length]);
for (const [file, bytes] of sizes) console.log(`bundle.mjs: ${file} ${bytes} B`);

/** Bundles one entry of the staging dir into itself; removes the files it pulled in. */
async function bundle(entry) {
  const result = await esbuild.build({
    absWorkingDir: resolve(stage),
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: entry.endsWith(".js") ? "esm" : undefined,
    legalComments: "none",
    metafile: true,
    write: false,
    outfile: entry,
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input !== entry) rmSync(at(input));
  }
  writeFileSync(at(entry), output.contents);
  sizes.push([entry, output.contents.length]);
}

/** Minifies the wasm-bindgen glue that trunk preloads, and rewrites its integrity hash. */
async function minifyGlue(page) {
  const link = /<link\b[^>]*\brel="modulepreload"[^>]*>/.exec(page)?.[0];
  const href = link && /\bhref="([^"]+)"/.exec(link)?.[1];
  if (!href) throw new Error("index.html has no modulepreload link: where is the wasm-bindgen glue?");
  const file = at(decodeURI(href));
  if (relative(resolve(stage), resolve(file)).startsWith("..")) {
    throw new Error(`the glue ${href} is outside the staging dir`);
  }
  const { code } = await esbuild.transform(readFileSync(file, "utf8"), {
    format: "esm",
    minify: true,
    legalComments: "none",
    loader: "js",
  });
  writeFileSync(file, code);
  sizes.push([href, code.length]);
  const old = /\bintegrity="([^"]+)"/.exec(link)?.[1];
  if (!old) return page; // no integrity check asked for: nothing to keep in step
  const algorithm = old.split("-")[0];
  const integrity = `${algorithm}-${createHash(algorithm).update(code).digest("base64")}`;
  return page.replace(link, link.replace(old, integrity));
}

/**
 * Whitespace and comments only, rendering unchanged: outside <script>, <style>,
 * <pre> and <textarea>, every run of whitespace becomes one space (what the
 * browser renders anyway), and the spaces in <head> and at the ends of <body>
 * go. Inline JavaScript is minified by esbuild.
 */
async function minifyHtml(page) {
  const kept = []; // bodies of raw-text elements, put back untouched (or minified)
  const raw = /(<(script|style|pre|textarea)\b[^>]*>)([\s\S]*?)(<\/\2>)/gi;
  const jobs = [];
  const held = page.replace(raw, (_, open, tag, body, close) => {
    const i = kept.push(body) - 1;
    if (tag.toLowerCase() === "script" && isInlineJs(open, body)) {
      jobs.push(minifyScript(open, body).then((code) => (kept[i] = code)));
    }
    return `${open}\u0000${i}\u0000${close}`;
  });
  await Promise.all(jobs);
  const collapsed = held.replace(/<!--[\s\S]*?-->/g, "").replace(/\s+/g, " ").trim();
  // Up to <body>, nothing renders: no space is needed between any two tags.
  // In the body, only the spaces that open and close it.
  const bodyStart = collapsed.search(/<body\b[^>]*>/i);
  const [head, body] = bodyStart < 0 ? ["", collapsed] : [collapsed.slice(0, bodyStart), collapsed.slice(bodyStart)];
  const tidy = head.replace(/ ?(<[^>]*>) ?/g, "$1") + body.replace(/^(<body\b[^>]*>) /i, "$1").replace(/ (<\/body>)/i, "$1");
  return tidy.replace(/ ?(<\/html>) ?/i, "$1").replace(/\u0000(\d+)\u0000/g, (_, i) => kept[+i]);
}

function isInlineJs(open, body) {
  const type = /\btype="([^"]*)"/i.exec(open)?.[1] ?? "text/javascript";
  return !/\bsrc=/i.test(open) && body.trim() !== "" && ["module", "text/javascript"].includes(type);
}

async function minifyScript(open, body) {
  const format = /\btype="module"/i.test(open) ? "esm" : undefined;
  const { code } = await esbuild.transform(body, { format, minify: true, loader: "js" });
  return code.trim();
}
