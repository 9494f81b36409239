// Lint: type-aware typescript-eslint. What it enforces is what STYLE.md asks for: no `any`,
// no floating promises, exhaustive switches, no console in library and app sources (the
// process entry points, CLIs, scripts and benchmarks write to stdout/stderr on purpose).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Boundaries (STYLE.md): dependencies point one way, apps → packages, and a workspace uses
// another only through what that one's package.json exports — never its src/. Refused:
// a path into apps/ or into any workspace's src/ (relative, or `@roomcast/x/src/…`), a
// relative path that climbs out of the importing workspace, and, in packages, an app by
// its package name. The root's tests import the gateway's `@roomcast/gateway/testing`.
const APPS_DIR = path.join(import.meta.dirname, "apps");
const APP_NAMES = readdirSync(APPS_DIR)
  .map((dir) => JSON.parse(readFileSync(path.join(APPS_DIR, dir, "package.json"), "utf8")).name.replace("@roomcast/", ""))
  .join("|");
const INTO_SRC = [
  { regex: "(^|/)apps/", message: "Import a workspace by its package name and exports, not by a path into apps/." },
  { regex: "(^|/)packages/[^/]+/src(/|$)", message: "Import a package by its name and exports, not by a path into its src/." },
  { regex: "^@roomcast/[^/]+/src(/|$)", message: "Import what the package exports (its package.json \"exports\"), not its src/ internals." },
];
const restricted = (patterns) => ["error", { patterns }];
/** In `<workspace>/src/<depth-1 folders>/<file>`, `../` depth+1 times leaves the workspace. */
const outOfWorkspace = (depth) => ({
  regex: `^(\\.\\./){${depth + 1}}`,
  message: "A relative import must stay inside its workspace; import another workspace by its package name.",
});
const APP_BY_NAME = { regex: `^@roomcast/(${APP_NAMES})(/|$)`, message: "Packages never import an app (dependencies point apps → packages)." };
const boundaries = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((depth) => {
  const under = `src/${"*/".repeat(depth - 1)}*.ts`;
  return [
    { files: [`apps/*/${under}`], rules: { "no-restricted-imports": restricted([...INTO_SRC, outOfWorkspace(depth)]) } },
    { files: [`packages/*/${under}`], rules: { "no-restricted-imports": restricted([...INTO_SRC, outOfWorkspace(depth), APP_BY_NAME]) } },
  ];
});

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/generated/**", "**/dist/**", "apps/widget/public/**", "test-artifacts/**", ".data/**", "prisma/prisma.config.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
  { files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"], rules: { "no-restricted-imports": restricted(INTO_SRC) } },
  ...boundaries,
);
