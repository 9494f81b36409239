/** @jest-config-loader esbuild-register */
import type { Config } from "jest";

// Two projects: `unit` runs anywhere with no service; `integration` talks to the real
// PostgreSQL, Redis, nginx and Chromium on the machine (see README "Tests").
const transform: Config["transform"] = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  // React bindings (packages/react): their tests and README examples are .tsx.
  "^.+\\.tsx$": [
    "@swc/jest",
    { jsc: { parser: { syntax: "typescript", tsx: true }, transform: { react: { runtime: "automatic" } }, target: "es2022" }, module: { type: "commonjs" } },
  ],
};

const shared = {
  transform,
  testEnvironment: "node",
  // Workspace packages that are also published (packages/client) export their TypeScript
  // sources under this condition (their package.json "exports"), so tests never need a build.
  // A file under `@jest-environment jsdom` keeps these Node conditions (socket.io-client over `ws`).
  testEnvironmentOptions: { customExportConditions: ["@roomcast/source", "node", "node-addons"] },
  moduleFileExtensions: ["ts", "tsx", "js", "json"],
  roots: ["<rootDir>/apps", "<rootDir>/packages", "<rootDir>/test"],
};

const config: Config = {
  projects: [
    { ...shared, displayName: "unit", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", "\\.int\\.test\\.ts$"] },
    { ...shared, displayName: "integration", testMatch: ["**/*.int.test.ts", "**/*.int.test.tsx"] },
  ],
  // Jest reads testTimeout only at the top level; integration tests start real services.
  testTimeout: 60_000,
};

export default config;
