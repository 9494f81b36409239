/**
 * The npm build of @roomcast/client (`npm run build -w @roomcast/client`, also run by
 * `npm pack`/`npm publish` through `prepack`): ESM (`dist/index.mjs`), CommonJS
 * (`dist/index.cjs`) and their declarations (`.d.mts`, `.d.cts`), platform-neutral (no
 * Node built-in may be imported: the same files run in Node and in a browser bundler).
 *
 * @roomcast/protocol is a workspace package that is not published: its code and types are
 * bundled in (`onlyBundle` fails the build if anything else would be), so the tarball
 * needs nothing but its `dependencies` from the registry: socket.io-client and zod.
 * The browser scripts served at `/sdk/` are built by the gateway (apps/gateway/src/chat/web-bundle.ts).
 */
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  platform: "browser",
  target: "es2020",
  outDir: "dist",
  clean: true,
  sourcemap: false,
  fixedExtension: true,
  dts: { eager: true },
  logLevel: "warn",
  checks: { pluginTimings: false },
  deps: { alwaysBundle: ["@roomcast/protocol"], onlyBundle: ["@roomcast/protocol"] },
});
