/**
 * The browser pages the gateway serves: `/widget.js` (the embeddable chat widget),
 * `/console` (the agent console) and `/demo` (a page with the widget), and each script
 * under its content-hashed name, `/assets/<name>.<hash>.js`, which the pages load.
 *
 * Where they come from (web-bundle.ts has the one recipe): the compiled gateway (`npm run
 * build`, the image) serves the files the build wrote beside it (`loadBuiltWebAssets`) and
 * bundles nothing at start-up; the gateway run from its TypeScript sources bundles them
 * in memory when it starts. Either way every asset is held in memory (a few tens of KB)
 * and served from there. The gateway only reads apps/widget's files; it imports no code
 * from apps/widget.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Router } from "express";
import { z } from "zod";

/** One asset as served: its route, content type and caching. */
export interface WebAssetHeaders {
  route: string;
  type: string;
  /** A content-hashed name: cached for a year. Otherwise revalidated on every load. */
  immutable: boolean;
  /** Loaded by other sites' pages: `Access-Control-Allow-Origin: *`. */
  crossOrigin: boolean;
}

export interface BuiltWebAsset extends WebAssetHeaders {
  body: string;
}

/** The built folder's index (`manifest.json`): each asset's headers and the file holding it. */
export interface WebAssetManifest {
  assets: (WebAssetHeaders & { file: string })[];
}

/** Route → asset. */
export type WebAssets = ReadonlyMap<string, BuiltWebAsset>;

export const WEB_MANIFEST = "manifest.json";

const manifestSchema = z.object({
  assets: z.array(z.object({ route: z.string().startsWith("/"), type: z.string(), immutable: z.boolean(), crossOrigin: z.boolean(), file: z.string().regex(/^[\w.-]+$/) })),
});

export function webAssetMap(assets: readonly BuiltWebAsset[]): WebAssets {
  return new Map(assets.map((asset) => [asset.route, asset]));
}

/** Reads what `npm run build` wrote to `dir`; a missing or bad manifest is an error naming the folder. */
export function loadBuiltWebAssets(dir: string): WebAssets {
  const manifestPath = path.join(dir, WEB_MANIFEST);
  if (!existsSync(manifestPath)) throw new Error(`no built web assets in ${dir} (run \`npm run build\`)`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, "utf8")));
  if (!parsed.success) throw new Error(`${manifestPath} is not a web asset manifest: ${parsed.error.message}`);
  return webAssetMap(parsed.data.assets.map(({ file, ...asset }) => ({ ...asset, body: readFileSync(path.join(dir, file), "utf8") })));
}

const YEAR_SECONDS = 365 * 24 * 3600;

export function webAssetsRouter(assets: WebAssets): Router {
  const router = Router();
  router.get(/.*/, (req, res, next) => {
    const asset = assets.get(req.path);
    if (asset === undefined) return next();
    res.setHeader("Content-Type", asset.type);
    res.setHeader("Cache-Control", asset.immutable ? `public, max-age=${YEAR_SECONDS}, immutable` : "no-cache");
    if (asset.crossOrigin) res.setHeader("Access-Control-Allow-Origin", "*");
    res.send(asset.body);
  });
  return router;
}
