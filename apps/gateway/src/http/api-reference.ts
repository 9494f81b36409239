/**
 * The rendered API reference at `/api/v1/reference`: Redoc's standalone bundle (the `redoc`
 * package's `bundles/redoc.standalone.js`, MIT) under a content-hashed name, and a page that
 * points it at `/api/v1/openapi.json`. Both are browser assets like the widget's: bundled
 * with them (web-bundle.ts adds these), written by `npm run build`, served from memory,
 * compressed and cached by web-assets.ts. Nothing is loaded from another site: the page
 * uses the system fonts, the one remote URL in Redoc's bundle (its sidebar logo, shown
 * unconditionally: REDOCLY_LOGO) is replaced by an empty image, and the page's
 * Content-Security-Policy allows only this origin (plus inline styles, which Redoc's
 * styled-components write, and blob: workers, its search index).
 *
 * `redoc` is a development dependency: only the bundling paths (`npm run build`, a gateway
 * run from its sources) load this module, and the image serves the built copy.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BuiltWebAsset } from "../chat/web-assets";

export const API_REFERENCE_ROUTE = "/api/v1/reference";
export const OPENAPI_ROUTE = "/api/v1/openapi.json";

/** Redoc 2.5's "API docs by Redocly" logo, fetched from a CDN by every page view. */
export const REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self'";

const JS = "text/javascript; charset=utf-8";
const HTML = "text/html; charset=utf-8";

export function apiReferencePage(scriptRoute: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>Roomcast HTTP API reference</title>
<style>body{margin:0}</style>
</head>
<body>
<redoc spec-url="${OPENAPI_ROUTE}" hide-download-button="false"></redoc>
<script src="${scriptRoute}"></script>
</body>
</html>
`;
}

/** The page and Redoc's script, read from node_modules (`resolve`: require.resolve, replaceable in tests). */
export function apiReferenceAssets(resolve: (id: string) => string = require.resolve): BuiltWebAsset[] {
  const script = readFileSync(resolve("redoc/bundles/redoc.standalone.js"), "utf8").replaceAll(REDOCLY_LOGO, EMPTY_IMAGE);
  const hash = createHash("sha256").update(script).digest("hex").slice(0, 10).toUpperCase();
  const scriptRoute = `/assets/redoc.${hash}.js`;
  return [
    { route: scriptRoute, type: JS, immutable: true, crossOrigin: false, body: script },
    { route: API_REFERENCE_ROUTE, type: HTML, immutable: false, crossOrigin: false, body: apiReferencePage(scriptRoute) },
  ];
}
