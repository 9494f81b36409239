/**
 * `SqlSession`: one database session for a worker that keeps session state between
 * statements — the relay's partition locks (`pg_try_advisory_lock`, held until released or
 * until the session ends). Each statement runs on its own (autocommit).
 *
 * On PostgreSQL it is a dedicated connection (not the pool's, whose connections change
 * hands): when it is lost, `alive` turns false and whatever the session held is gone; the
 * owner opens a new one. Every statement is bounded by `queryTimeoutMs`. On PGlite, one
 * process's one connection, it runs on the Prisma client's connection and stays alive.
 */
import pg from "pg";
import type { PrismaClient } from "./generated/prisma/client";

export interface SqlSession {
  /** Runs one statement with `$1 …` parameters; rejects if it fails or the session is lost. */
  query<T>(text: string, values: readonly unknown[]): Promise<T[]>;
  /** False once the session is lost: its session state (advisory locks) went with it. */
  readonly alive: boolean;
  close(): Promise<void>;
}

/**
 * `idleTimeoutMs`: PostgreSQL ends the session once it has been idle that long
 * (`idle_session_timeout`), so a worker that hangs (SIGSTOP, a frozen VM) with its
 * connection still open does not hold its session state — the relay's partition locks —
 * for ever; a live worker that uses it more often never notices.
 */
export async function openPostgresSession(databaseUrl: string, queryTimeoutMs: number, idleTimeoutMs?: number): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: databaseUrl, query_timeout: queryTimeoutMs, connectionTimeoutMillis: queryTimeoutMs });
  let alive = true;
  client.on("error", () => (alive = false));
  client.on("end", () => (alive = false));
  await client.connect();
  if (idleTimeoutMs !== undefined) await client.query(`SET idle_session_timeout = ${Math.max(1, Math.round(idleTimeoutMs))}`);
  return {
    get alive() {
      return alive;
    },
    async query<T>(text: string, values: readonly unknown[]) {
      const result = await client.query(text, [...values]);
      return result.rows as T[];
    },
    async close() {
      alive = false;
      await client.end().catch(() => undefined);
    },
  };
}

export function prismaSession(prisma: PrismaClient): SqlSession {
  return {
    alive: true,
    query: <T>(text: string, values: readonly unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...values),
    close: async () => undefined,
  };
}
