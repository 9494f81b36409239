/**
 * What `npm run build` produces, per workspace. Node processes are bundled one file per
 * entry point (bundle-node.ts); the browser bundles come from the gateway's own recipe
 * (apps/gateway/src/chat/web-bundle.ts) and land beside the compiled gateway, which serves
 * them. A new process or CLI entry is one line here. The SDK's browser scripts
 * (`/sdk/roomcast.mjs`, `/sdk/roomcast.iife.js`) come with the web assets
 * (apps/gateway/src/chat/sdk-bundle.ts); the npm builds of packages/client and
 * packages/react (ESM, CJS, types) are not this build's: `npm pack` makes them (`prepack`,
 * tsdown), and nothing in the repository needs them.
 */
import { existsSync } from "node:fs";
import path from "node:path";

export interface NodeTarget {
  /** Repository-relative TypeScript entry point. */
  entry: string;
  /** Repository-relative output file. */
  outfile: string;
}

export interface BuildPlan {
  /** Output folders, emptied before building (nothing stale survives a rebuild). */
  outDirs: string[];
  node: NodeTarget[];
  web: { sourceDir: string; outDir: string };
}

/** The operator CLI (`roomcast`, the gateway package's `bin`, bin/roomcast.js), when present. */
const GATEWAY_CLI = "apps/gateway/src/cli/roomcast.ts";

export function buildPlan(root: string): BuildPlan {
  return {
    outDirs: ["apps/gateway/dist", "apps/relay/dist", "packages/db/dist"],
    node: [
      { entry: "apps/gateway/src/main.ts", outfile: "apps/gateway/dist/main.js" },
      // bin/roomcast.js runs this one when tsx is not installed (the image).
      ...(existsSync(path.join(root, GATEWAY_CLI)) ? [{ entry: GATEWAY_CLI, outfile: "apps/gateway/dist/cli/roomcast.js" }] : []),
      { entry: "apps/relay/src/main.ts", outfile: "apps/relay/dist/main.js" },
      // Spawned by migrate() (packages/db/src/migrate/migrate.ts) with the Wasm flags; also the image's `migrate` service.
      { entry: "packages/db/src/migrate/migrate-cli.ts", outfile: "packages/db/dist/migrate-cli.js" },
    ],
    web: { sourceDir: "apps/widget/src", outDir: "apps/gateway/dist/web" },
  };
}
