/**
 * `migrate(target)`: brings a database up to prisma/migrations by running the migrator
 * (migrate-cli.ts) as a child Node process, because Prisma's Wasm schema engine needs
 * `--experimental-wasm-modules` on Node 20 and cannot load inside Jest's CommonJS runtime.
 *
 * Resolves with the names of the migrations it applied (empty when already up to date);
 * rejects with the migrator's error output if it exits non-zero, is killed, or outlives
 * `timeoutMs`. Safe to call from several processes at once on one PostgreSQL database.
 * For PGlite the data folder must not be open in another process (or this one) meanwhile.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DB_PACKAGE_DIR } from "../paths";
import { lockPgliteDir } from "../pglite-lock";

export type MigrateTarget = { databaseUrl: string } | { pgliteDir: string };

export interface MigrateOptions {
  /** Kill the migrator after this long (default 120 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface MigrateResult {
  applied: string[];
}

/**
 * Run from the TypeScript sources (tsx, Jest), the migrator is migrate-cli.ts through tsx;
 * compiled (this module inlined in an app's bundle by `npm run build`), it is the
 * migrator's own bundle, packages/db/dist/migrate-cli.js, and tsx (a dev dependency) is
 * not needed.
 */
const FROM_SOURCES = __filename.endsWith(".ts");
export const MIGRATE_CLI = FROM_SOURCES ? path.join(__dirname, "migrate-cli.ts") : path.join(DB_PACKAGE_DIR, "dist", "migrate-cli.js");

/** The Node arguments that run the migrator; exported for scripts and docs. */
export function migratorArgs(target: MigrateTarget): string[] {
  const loader = FROM_SOURCES ? ["--import", pathToFileURL(require.resolve("tsx")).href] : [];
  const where = "databaseUrl" in target ? ["--database-url", target.databaseUrl] : ["--pglite-dir", target.pgliteDir];
  return ["--experimental-wasm-modules", "--disable-warning=ExperimentalWarning", ...loader, MIGRATE_CLI, "deploy", ...where];
}

export function migrate(target: MigrateTarget, options: MigrateOptions = {}): Promise<MigrateResult> {
  const { timeoutMs = 120_000, signal } = options;
  // A folder another process holds is refused here, with the holder's pid, before spawning
  // (the migrator takes the lock itself too: this is for the clear error, not the safety).
  if ("pgliteDir" in target) {
    try {
      lockPgliteDir(target.pgliteDir).release();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, migratorArgs(target), {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
      ...(signal ? { signal } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, killedBy) => {
      if (code !== 0) {
        const why = killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
        reject(new Error(`migrator ${why}: ${stderr.trim().slice(-4000)}`));
        return;
      }
      try {
        resolve(parseResult(stdout));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

function parseResult(stdout: string): MigrateResult {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  const parsed: unknown = JSON.parse(last);
  if (
    typeof parsed === "object" &&
    parsed !== null &&
    "applied" in parsed &&
    Array.isArray(parsed.applied) &&
    parsed.applied.every((name: unknown) => typeof name === "string")
  ) {
    return { applied: parsed.applied as string[] };
  }
  throw new Error(`unexpected migrator output: ${last}`);
}
