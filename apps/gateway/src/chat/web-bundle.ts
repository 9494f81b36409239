/**
 * The one recipe for the browser bundles the gateway serves: esbuild bundles the widget and
 * console entry points of apps/widget (and their imports: the SDK, the protocol) into
 * minified IIFE scripts with content-hashed names, and the pages load them by those names.
 *
 * Two callers, one output: `npm run build` writes it to a folder with `writeWebAssets`
 * (the compiled gateway serves that folder, web-assets.ts `loadBuiltWebAssets`); the
 * gateway run from its TypeScript sources (`npm start`) calls `bundleWebAssets` at
 * start-up and keeps the result in memory, so a fresh clone needs nothing but `npm
 * install`, and an edit to the widget shows on the next start. esbuild is a development
 * dependency: only those two paths load this module (main.ts imports it lazily).
 *
 * A script is served twice: under its hashed name, cached for a year (the name changes
 * with the content), and under its stable name (`/widget.js`, the URL customers embed),
 * revalidated on every load.
 *
 * Loaders: `/widget.js` is a small loader (apps/widget/src/widget-loader.ts) that injects
 * the widget's app, `widget-app`, by its hashed name, which it gets at bundle time as the
 * constant ROOMCAST_WIDGET_APP: the scripts are bundled first, then each loader with the
 * name of its app. docs/widget.md has the size budget.
 */
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { apiReferenceAssets } from "../http/api-reference";
import { bundleSdk, SOURCE_CONDITIONS } from "./sdk-bundle";
import { WEB_MANIFEST, writeEncodedTwins, type BuiltWebAsset, type WebAssetManifest } from "./web-assets";

/** Entry points (files of apps/widget/src) by bundle name; a new browser bundle is one line here. */
const SCRIPTS = { "widget-app": "widget.ts", console: "console.ts" } as const;
/** Loaders by bundle name: the entry point and the bundle (of SCRIPTS) whose hashed route it gets as ROOMCAST_WIDGET_APP. */
const LOADERS = { widget: { file: "widget-loader.ts", app: "widget-app" } } as const;
/** Pages (files of apps/widget/src) by route; `src="/<name>.js"` in a page is rewritten to the hashed name. */
const PAGES = { "/console": "console.html", "/demo": "demo.html" } as const;
/** Scripts other sites load (cross-origin `<script>`): served with `Access-Control-Allow-Origin: *`. */
const EMBEDDED = new Set<string>(["widget", "widget-app"]);

const JS = "text/javascript; charset=utf-8";
const HTML = "text/html; charset=utf-8";

/** Bundles the browser sources in `sourceDir` (apps/widget/src) into memory. */
export async function bundleWebAssets(sourceDir: string): Promise<BuiltWebAsset[]> {
  const scripts = await bundleScripts(sourceDir, SCRIPTS, {});
  const hashed = new Map(scripts.map((file) => [file.name, file.route]));
  for (const [name, { file, app }] of Object.entries(LOADERS)) {
    const appRoute = hashed.get(app);
    if (appRoute === undefined) throw new Error(`loader ${name} loads ${app}, which is no bundle`);
    scripts.push(...(await bundleScripts(sourceDir, { [name]: file }, { ROOMCAST_WIDGET_APP: JSON.stringify(appRoute) })));
  }
  const assets: BuiltWebAsset[] = [];
  for (const { name, route, text } of scripts) {
    hashed.set(name, route);
    const crossOrigin = EMBEDDED.has(name);
    assets.push({ route, type: JS, immutable: true, crossOrigin, body: text });
    assets.push({ route: `/${name}.js`, type: JS, immutable: false, crossOrigin, body: text });
  }
  for (const [route, file] of Object.entries(PAGES)) {
    const html = readFileSync(path.join(sourceDir, file), "utf8").replace(/src="\/([a-z-]+)\.js"/g, (whole, name: string) => {
      const target = hashed.get(name);
      return target === undefined ? whole : `src="${target}"`;
    });
    assets.push({ route, type: HTML, immutable: false, crossOrigin: false, body: html });
  }
  // The SDK for pages without a bundler: /sdk/roomcast.mjs and /sdk/roomcast.iife.js (sdk-bundle.ts).
  assets.push(...(await bundleSdk(sourceDir)));
  // The API reference page and Redoc's script (http/api-reference.ts).
  assets.push(...apiReferenceAssets());
  return assets;
}

/** One esbuild run over `entries` (bundle name → file of `sourceDir`): each bundle's name, hashed route and text. */
async function bundleScripts(sourceDir: string, entries: Readonly<Record<string, string>>, define: Record<string, string>): Promise<{ name: string; route: string; text: string }[]> {
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(sourceDir, file)])),
    define,
    entryNames: "[name].[hash]",
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    conditions: SOURCE_CONDITIONS,
    target: "es2020",
    minify: true,
    outdir: "/assets",
    logLevel: "silent",
    legalComments: "none",
  });
  return result.outputFiles.map((file) => {
    // `<name>.<hash>.js`: bundle names have no dot.
    const name = path.basename(file.path).split(".")[0] ?? "";
    if (!(name in entries)) throw new Error(`esbuild wrote ${file.path}, which is no entry point`);
    return { name, route: `/assets/${path.basename(file.path)}`, text: file.text };
  });
}

/**
 * Writes the bundles of `sourceDir` to `outDir` (emptied first): one file per asset and
 * `manifest.json` naming each file's route and headers. Returns the manifest.
 */
export async function writeWebAssets(sourceDir: string, outDir: string): Promise<WebAssetManifest> {
  const assets = await bundleWebAssets(sourceDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const manifest: WebAssetManifest = { assets: [] };
  for (const { body, ...asset } of assets) {
    // One file per route: /widget.js and its hashed twin are two small files, not a link (the image copies plain files).
    const file = asset.route.slice(1).replaceAll("/", "__") + (asset.type === HTML ? ".html" : "");
    writeFileSync(path.join(outDir, file), body);
    // <file>.gz and <file>.br, compressed once here at the highest levels (web-assets.ts).
    writeEncodedTwins(path.join(outDir, file), body);
    manifest.assets.push({ ...asset, file });
  }
  writeFileSync(path.join(outDir, WEB_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
