#!/usr/bin/env node
/*
 * The `roomcast` operator CLI launcher: the `bin` of @roomcast/gateway.
 *
 * - In a checkout (the TypeScript sources and tsx, a development dependency, are both
 *   there) it runs src/cli/roomcast.ts through tsx's CommonJS hook, so the CLI always runs
 *   the code you are looking at: `npm run -s roomcast -- <command>`.
 * - Otherwise (a production install: no dev dependencies) it runs the compiled entry
 *   dist/cli/roomcast.js that `npm run build` writes.
 * The compiled production build owns the second branch; keep both working.
 */
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: require() is how it loads the CLI */
"use strict";
const { existsSync } = require("node:fs");
const path = require("node:path");

const source = path.join(__dirname, "..", "src", "cli", "roomcast.ts");
const compiled = path.join(__dirname, "..", "dist", "cli", "roomcast.js");

function resolvable(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

if (existsSync(source) && resolvable("tsx/cjs")) {
  require("tsx/cjs");
  require(source);
} else if (existsSync(compiled)) {
  require(compiled);
} else {
  process.stderr.write("roomcast: neither the sources with tsx nor a compiled build (npm run build) were found\n");
  process.exitCode = 1;
}
