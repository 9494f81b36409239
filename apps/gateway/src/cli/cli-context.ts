/**
 * What commands share: the config (loaded once, from the environment, as the gateway loads
 * it), the configured database opened for the command, the management use cases with an
 * audit logger on stderr, and output helpers that honour `--json`.
 *
 * The database is PostgreSQL (DATABASE_URL) or the embedded PGlite folder
 * (ROOMCAST_DATA_DIR). A running gateway holds the PGlite folder's lock (@roomcast/db
 * pglite-lock.ts), so the CLI is refused while the node runs: it says so, and the operator
 * uses the admin API of the running node, or stops the node first.
 */
import { ConfigError, loadConfig, type LoadedConfig } from "@roomcast/config";
import { createDb, DataDirLockedError, type Db } from "@roomcast/db";
import { existsSync } from "node:fs";
import pino, { type Logger } from "pino";
import { createManagement, type Management } from "../manage/management";
import type { Actor } from "../manage/actor";
import { CliFailure, UsageError, type CliIo } from "./cli-io";

const PING_TIMEOUT_MS = 10_000;

export interface CliContext {
  io: CliIo;
  /** The config; its warnings go to stderr once (the database commands leave them out: they are about tokens and the Admin UI). */
  config(options?: { warn?: boolean }): LoadedConfig;
  /** Opens the configured database and runs `use` with the use cases; closes it after. */
  withManagement<T>(use: (m: Management, actor: Actor) => Promise<T>): Promise<T>;
  /** Prints `human()` as text, or `value` as one JSON document with --json. */
  print(json: boolean, value: unknown, human: () => string): void;
}

export function createCliContext(io: CliIo): CliContext {
  let loaded: LoadedConfig | undefined;
  let warned = false;
  const config = (options: { warn?: boolean } = {}): LoadedConfig => {
    if (loaded === undefined) {
      try {
        loaded = loadConfig(io.env);
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
    }
    if (options.warn !== false && !warned) {
      warned = true;
      for (const warning of loaded.warnings) io.err(`warning: ${warning}\n`);
    }
    return loaded;
  };
  const auditLogger = (): Logger => pino({ base: { cli: "roomcast" }, level: "info" }, pino.destination({ fd: 2, sync: true }));

  return {
    io,
    config,
    async withManagement(use) {
      const db = await openDatabase(config({ warn: false }).config.database);
      try {
        const management = createManagement({ db, logger: auditLogger() });
        return await use(management, { kind: "cli", user: io.user });
      } finally {
        await db.close();
      }
    },
    print(json, value, human) {
      io.out(json ? `${JSON.stringify(value, null, 2)}\n` : human());
    },
  };
}

export async function openDatabase(database: LoadedConfig["config"]["database"]): Promise<Db> {
  if (database.kind === "pglite") {
    if (!existsSync(database.dataDir)) {
      throw new CliFailure(`no embedded database at ${database.dataDir}: start the gateway once, or run \`roomcast migrate\`, or set DATABASE_URL`);
    }
    try {
      return await createDb({ pgliteDir: database.dataDir });
    } catch (error) {
      if (error instanceof DataDirLockedError) throw new CliFailure(lockedMessage(error));
      throw error;
    }
  }
  const db = await createDb({ databaseUrl: database.url, poolSize: 2 });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.prisma.$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw new CliFailure(`cannot reach the database at ${redactUrl(database.url)}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
  return db;
}

export function lockedMessage(error: DataDirLockedError): string {
  return (
    `${error.message}.\nA running gateway holds this folder, so the CLI cannot open the embedded database while that node runs: ` +
    "use the node's admin API (/api/v1/admin/…, docs/operations.md \"Operator CLI and admin API\"), or stop the node and run the command again. " +
    "With DATABASE_URL (PostgreSQL) the CLI works beside running nodes."
  );
}

/** A database or Redis URL without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
