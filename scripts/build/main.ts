/**
 * `npm run build`: compiles every Node process of the repository to JavaScript and bundles
 * the browser pages with content-hashed names (targets.ts says what goes where), with
 * esbuild, in a few seconds. It only transpiles and bundles: type checking stays `npm run
 * typecheck` (tsc over the whole repository). Run from the repository root.
 *
 * Output: a line per file on stderr, then one JSON line on stdout —
 * `{ node: [{ outfile, bytes, packages }], web: [{ route, file }] }`, `packages` being what
 * each bundle loads from node_modules (the build test holds them to the production
 * dependencies). Exit code 1 on any error, with esbuild's message.
 */
import { rmSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { writeWebAssets } from "@roomcast/gateway/web-bundle";
import { bundleNode } from "./bundle-node";
import { buildPlan } from "./targets";

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "../..");
  const started = performance.now();
  const plan = buildPlan(root);
  for (const dir of plan.outDirs) rmSync(path.join(root, dir), { recursive: true, force: true });
  const builtins = new Set(builtinModules);
  const [node, web] = await Promise.all([
    Promise.all(plan.node.map((target) => bundleNode(root, target, builtins))),
    writeWebAssets(path.join(root, plan.web.sourceDir), path.join(root, plan.web.outDir)),
  ]);
  for (const bundle of node) process.stderr.write(`${bundle.outfile}  ${(bundle.bytes / 1024).toFixed(0)} KB\n`);
  for (const asset of web.assets) process.stderr.write(`${plan.web.outDir}/${asset.file}  → ${asset.route}\n`);
  process.stderr.write(`built in ${Math.round(performance.now() - started)} ms\n`);
  process.stdout.write(`${JSON.stringify({ node, web: web.assets.map(({ route, file }) => ({ route, file })) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
