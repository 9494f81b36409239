/**
 * The browser pages the gateway serves: `/widget.js` (the embeddable chat widget),
 * `/console` (the agent console) and `/demo` (a page with the widget), and each script
 * under its content-hashed name, `/assets/<name>.<hash>.js`, which the pages load.
 *
 * Where they come from (web-bundle.ts has the one recipe): the compiled gateway (`npm run
 * build`, the image) serves the files the build wrote beside it (`loadBuiltWebAssets`) and
 * bundles nothing at start-up; the gateway run from its TypeScript sources bundles them
 * in memory when it starts. Either way every asset is held in memory and served from
 * there. The gateway only reads apps/widget's files; it imports no code from apps/widget.
 *
 * Encoding: each asset is held three times — as is, gzip and brotli — compressed once,
 * never per request: the build writes `<file>.gz` and `<file>.br` beside each file at the
 * highest levels (`writeEncodedTwins`); from sources (or a build folder without them) the
 * assets are compressed when loaded, at a level that costs well under a second. A request
 * gets brotli or gzip as its Accept-Encoding allows (`Vary: Accept-Encoding` always).
 *
 * Caching: a content-hashed name is `public, max-age=31536000, immutable` (the name changes
 * with the content); a stable script name (`/widget.js`, the loader customers embed, and
 * `/sdk/…`) `public, max-age=300`, so a new release reaches every page within 5 minutes;
 * a page (HTML) `no-cache`, so it always names the current hashed scripts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Router } from "express";
import { z } from "zod";
import { encodeBody, sendEncoded, type EncodedBody } from "../http/encoded-body";

/** One asset as served: its route, content type and caching. */
export interface WebAssetHeaders {
  route: string;
  type: string;
  /** A content-hashed name: cached for a year. Otherwise a short cache (scripts) or none (pages). */
  immutable: boolean;
  /** Loaded by other sites' pages: `Access-Control-Allow-Origin: *`. */
  crossOrigin: boolean;
}

export interface BuiltWebAsset extends WebAssetHeaders {
  body: string;
}

/** An asset as held in memory. */
export interface ServedWebAsset extends WebAssetHeaders {
  body: EncodedBody;
}

/** The built folder's index (`manifest.json`): each asset's headers and the file holding it. */
export interface WebAssetManifest {
  assets: (WebAssetHeaders & { file: string })[];
}

/** Route → asset. */
export type WebAssets = ReadonlyMap<string, ServedWebAsset>;

export const WEB_MANIFEST = "manifest.json";

/** Short cache for stable script names (the widget loader, the SDK), in seconds. */
export const LOADER_MAX_AGE_SECONDS = 300;
const YEAR_SECONDS = 365 * 24 * 3600;

const manifestSchema = z.object({
  assets: z.array(z.object({ route: z.string().startsWith("/"), type: z.string(), immutable: z.boolean(), crossOrigin: z.boolean(), file: z.string().regex(/^[\w.-]+$/) })),
});

/** Writes `<file>.gz` and `<file>.br` beside `file` (`npm run build`; `loadBuiltWebAssets` reads them). */
export function writeEncodedTwins(file: string, body: string): void {
  const encoded = encodeBody(body, "build");
  writeFileSync(`${file}.gz`, encoded.gzip);
  writeFileSync(`${file}.br`, encoded.br);
}

export function webAssetMap(assets: readonly BuiltWebAsset[]): WebAssets {
  return new Map(assets.map(({ body, ...asset }) => [asset.route, { ...asset, body: encodeBody(body, "load") }]));
}

/** Reads what `npm run build` wrote to `dir`; a missing or bad manifest is an error naming the folder. */
export function loadBuiltWebAssets(dir: string): WebAssets {
  const manifestPath = path.join(dir, WEB_MANIFEST);
  if (!existsSync(manifestPath)) throw new Error(`no built web assets in ${dir} (run \`npm run build\`)`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, "utf8")));
  if (!parsed.success) throw new Error(`${manifestPath} is not a web asset manifest: ${parsed.error.message}`);
  return new Map(
    parsed.data.assets.map(({ file, ...asset }) => {
      const at = path.join(dir, file);
      const identity = readFileSync(at);
      const twins = existsSync(`${at}.gz`) && existsSync(`${at}.br`);
      const body = twins ? { identity, gzip: readFileSync(`${at}.gz`), br: readFileSync(`${at}.br`) } : encodeBody(identity, "load");
      return [asset.route, { ...asset, body }];
    }),
  );
}

export function cacheControlOf(asset: Pick<WebAssetHeaders, "immutable" | "type">): string {
  if (asset.immutable) return `public, max-age=${YEAR_SECONDS}, immutable`;
  return asset.type.startsWith("text/html") ? "no-cache" : `public, max-age=${LOADER_MAX_AGE_SECONDS}`;
}

export function webAssetsRouter(assets: WebAssets): Router {
  const router = Router();
  if (assets.size === 0) return router;
  // One route per asset (not a catch-all), so the router stack lists what is served (docs/api.md).
  router.get([...assets.keys()], (req, res, next) => {
    const asset = assets.get(req.path);
    if (asset === undefined) return next();
    res.setHeader("Content-Type", asset.type);
    res.setHeader("Cache-Control", cacheControlOf(asset));
    if (asset.crossOrigin) res.setHeader("Access-Control-Allow-Origin", "*");
    sendEncoded(req, res, asset.body);
  });
  return router;
}
