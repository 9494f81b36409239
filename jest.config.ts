/** @jest-config-loader esbuild-register */
import type { Config } from "jest";

// Two projects: `unit` runs anywhere with no service; `integration` talks to the real
// PostgreSQL, Redis, nginx and Chromium on the machine (see README "Tests").
const transform: Config["transform"] = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
};

const shared = {
  transform,
  testEnvironment: "node",
  moduleFileExtensions: ["ts", "js", "json"],
  roots: ["<rootDir>/apps", "<rootDir>/packages", "<rootDir>/test"],
};

const config: Config = {
  projects: [
    { ...shared, displayName: "unit", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", "\\.int\\.test\\.ts$"] },
    { ...shared, displayName: "integration", testMatch: ["**/*.int.test.ts"] },
  ],
  // Jest reads testTimeout only at the top level; integration tests start real services.
  testTimeout: 60_000,
};

export default config;
