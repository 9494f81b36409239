/**
 * The browser pages the gateway serves: `/widget.js` (the embeddable chat widget),
 * `/console` + `/console.js` (the agent console) and `/demo` (a page with the widget).
 *
 * Chosen build: bundled at gateway start-up, in memory, by esbuild from the TypeScript
 * sources of apps/widget (entry points `widget.ts`, `console.ts`; pages `*.html`), so
 * `npm start` works on a fresh clone with nothing but `npm ci`, and no build output is
 * committed or written anywhere. Bundling takes well under a second. The gateway only
 * reads those files; it imports no code from apps/widget.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Router } from "express";

export interface WebAsset {
  type: string;
  body: string;
}

/** URL path → asset. */
export type WebAssets = ReadonlyMap<string, WebAsset>;

const SCRIPTS = { widget: "widget.ts", console: "console.ts" } as const;
const PAGES = { "/console": "console.html", "/demo": "demo.html" } as const;

export async function bundleWebAssets(sourceDir: string): Promise<WebAssets> {
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(SCRIPTS).map(([name, file]) => [name, path.join(sourceDir, file)])),
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    outdir: "/assets",
    logLevel: "silent",
    legalComments: "none",
  });
  const assets = new Map<string, WebAsset>();
  for (const file of result.outputFiles) assets.set(`/${path.basename(file.path)}`, { type: "text/javascript; charset=utf-8", body: file.text });
  for (const [route, file] of Object.entries(PAGES)) {
    assets.set(route, { type: "text/html; charset=utf-8", body: readFileSync(path.join(sourceDir, file), "utf8") });
  }
  return assets;
}

export function webAssetsRouter(assets: WebAssets): Router {
  const router = Router();
  router.get(/.*/, (req, res, next) => {
    const asset = assets.get(req.path);
    if (asset === undefined) return next();
    res.setHeader("Content-Type", asset.type);
    res.setHeader("Cache-Control", "no-cache");
    // widget.js is loaded by other sites; the pages are our own.
    if (req.path === "/widget.js") res.setHeader("Access-Control-Allow-Origin", "*");
    res.send(asset.body);
  });
  return router;
}
