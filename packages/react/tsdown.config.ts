/**
 * The npm build of @roomcast/react (`npm run build -w @roomcast/react`, also `prepack`):
 * ESM, CommonJS and their declarations, like @roomcast/client's. React and
 * @roomcast/client are peer dependencies, so they stay imports (never bundled): the
 * application has one React and one SDK.
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
  deps: { onlyBundle: [] },
});
