/**
 * The SDK (@roomcast/client) for pages that load it without a bundler, served at `/sdk/`:
 * - `/sdk/roomcast.mjs`, an ES module: `import { createClient } from "https://<gateway>/sdk/roomcast.mjs"`;
 * - `/sdk/roomcast.iife.js`, a classic `<script>` that defines the global `Roomcast`
 *   (`Roomcast.createClient(…)`).
 * Both are self-contained (socket.io-client and zod inside), minified, served to other
 * sites (`Access-Control-Allow-Origin: *`) under stable names, revalidated on every load.
 * Applications with a bundler install the npm package instead (packages/client/README.md).
 *
 * Built from the SDK's TypeScript sources, resolved from the widget's folder (its
 * workspace depends on @roomcast/client) under the `@roomcast/source` export condition,
 * so the gateway run from sources needs no build of the package first. web-bundle.ts adds
 * these assets to the ones it builds; esbuild is a development dependency, as there.
 */
import { build } from "esbuild";
import type { BuiltWebAsset } from "./web-assets";

/** The export condition under which the workspace's published packages expose their sources. */
export const SOURCE_CONDITIONS = ["@roomcast/source"];
/** The global the IIFE build defines. */
export const SDK_GLOBAL = "Roomcast";

const SDK_BUILDS = [
  { route: "/sdk/roomcast.mjs", format: "esm" },
  { route: "/sdk/roomcast.iife.js", format: "iife" },
] as const;

const JS = "text/javascript; charset=utf-8";

/** Bundles the SDK, resolved from `resolveDir` (apps/widget/src), into memory. */
export async function bundleSdk(resolveDir: string): Promise<BuiltWebAsset[]> {
  return Promise.all(
    SDK_BUILDS.map(async ({ route, format }) => {
      const result = await build({
        stdin: { contents: 'export * from "@roomcast/client";', resolveDir, loader: "ts", sourcefile: "roomcast-sdk.ts" },
        bundle: true,
        write: false,
        format,
        ...(format === "iife" ? { globalName: SDK_GLOBAL } : {}),
        platform: "browser",
        conditions: SOURCE_CONDITIONS,
        target: "es2020",
        minify: true,
        logLevel: "silent",
        legalComments: "none",
      });
      const file = result.outputFiles[0];
      if (file === undefined || result.outputFiles.length !== 1) throw new Error(`the SDK build for ${route} wrote ${result.outputFiles.length} files`);
      return { route, type: JS, immutable: false, crossOrigin: true, body: file.text };
    }),
  );
}
