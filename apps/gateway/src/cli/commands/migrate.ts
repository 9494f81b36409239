/**
 * `roomcast migrate`: applies pending migrations (prisma/migrations) to the configured
 * database (@roomcast/db migrate: Prisma's Wasm schema engine in a child process). Safe
 * beside running nodes on PostgreSQL; the embedded folder must not be open (stop the node).
 */
import { DataDirLockedError, migrate } from "@roomcast/db";
import { mkdirSync } from "node:fs";
import { lockedMessage, redactUrl } from "../cli-context";
import { CliFailure } from "../cli-io";
import { parseOrHelp, type Command } from "../command";

const USAGE = "usage: roomcast migrate [--json]";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "apply pending database migrations to the configured database",
  usage: USAGE,
  async run(ctx, args) {
    const parsed = parseOrHelp(ctx, USAGE, args, {}, { min: 0, max: 0, names: "" });
    if (parsed === undefined) return 0;
    const { database } = ctx.config({ warn: false }).config;
    if (database.kind === "pglite") mkdirSync(database.dataDir, { recursive: true });
    const where = database.kind === "pglite" ? `embedded database ${database.dataDir}` : redactUrl(database.url);
    let applied: string[];
    try {
      ({ applied } = await migrate(database.kind === "pglite" ? { pgliteDir: database.dataDir } : { databaseUrl: database.url }));
    } catch (error) {
      if (error instanceof DataDirLockedError) throw new CliFailure(lockedMessage(error));
      throw new CliFailure(`migrating ${where} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    ctx.print(parsed.json, { applied }, () => (applied.length === 0 ? `${where} is up to date\n` : `applied to ${where}:\n${applied.map((name) => `  ${name}\n`).join("")}`));
    return 0;
  },
};
