/**
 * Bundles one Node entry point into one CommonJS file: the workspace packages it imports
 * (`@roomcast/*`, TypeScript sources) are compiled into the file, and every third-party
 * package stays an ordinary `require`/`import()` of node_modules, so the file runs with the
 * production dependencies installed (`npm ci --omit=dev`) and nothing else. The workspace
 * packages keep `main: src/index.ts` for development (tsx, Jest): nothing resolves a
 * workspace package at run time in the compiled build.
 *
 * CommonJS because the sources are (they use `__dirname` and `require.resolve`); a module
 * that must find files of its own package does so by package name (packages/db/src/paths.ts),
 * since in a bundle `__dirname` is the bundle's folder. Dynamic `import()` of an ES module
 * (Prisma's Wasm schema engine, the query compiler) is kept as `import()`.
 */
import { build, type Metafile, type Plugin } from "esbuild";
import path from "node:path";
import type { NodeTarget } from "./targets";

const WORKSPACE_SCOPE = "@roomcast/";

/** Bare specifiers outside the workspace scope are left to Node (node_modules, builtins). */
const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      // A workspace's own package.json is looked up at run time (require.resolve), not bundled.
      const workspaceFile = args.path.startsWith(WORKSPACE_SCOPE) && args.path.endsWith("/package.json");
      return args.path.startsWith(WORKSPACE_SCOPE) && !workspaceFile ? undefined : { path: args.path, external: true };
    });
  },
};

export interface NodeBundle {
  outfile: string;
  bytes: number;
  /** Packages (names) the bundle loads from node_modules at run time (`require`, `import()`). */
  packages: string[];
  /** Packages whose files it only locates (`require.resolve`): a folder to serve, a loader to hand a child process. */
  resolved: string[];
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; builtins (`node:*`, `fs`) → undefined. */
export function packageName(specifier: string, builtins: ReadonlySet<string>): string | undefined {
  if (specifier.startsWith("node:") || builtins.has(specifier.split("/")[0] ?? "")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

export async function bundleNode(root: string, target: NodeTarget, builtins: ReadonlySet<string>): Promise<NodeBundle> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [target.entry],
    outfile: target.outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    keepNames: true,
    sourcemap: "linked",
    plugins: [thirdPartyExternal],
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
  });
  const bytes = outputBytes(result.metafile, target.outfile);
  return { outfile: target.outfile, bytes, packages: externalPackages(result.metafile, builtins, false), resolved: externalPackages(result.metafile, builtins, true) };
}

function outputBytes(metafile: Metafile, outfile: string): number {
  return metafile.outputs[outfile.split(path.sep).join("/")]?.bytes ?? 0;
}

function externalPackages(metafile: Metafile, builtins: ReadonlySet<string>, resolveOnly: boolean): string[] {
  const names = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      // `<runtime>`: esbuild's own helpers, inside the bundle.
      if (!imported.external || imported.path === "<runtime>" || (imported.kind === "require-resolve") !== resolveOnly) continue;
      const name = packageName(imported.path, builtins);
      if (name !== undefined) names.add(name);
    }
  }
  return [...names].sort();
}
