/**
 * `createDb(options)`: a Prisma client over PostgreSQL (`{ databaseUrl }`, node-postgres
 * pool + @prisma/adapter-pg) or embedded PGlite (`{ pgliteDir }`, a data folder, or
 * `memory://` for a throwaway one), with the same generated client on both.
 *
 * Lifecycle: every call opens its own pool or PGlite instance (no module state); `close()`
 * closes the listeners it opened, disconnects Prisma and ends the pool / PGlite, and is
 * idempotent. Migrations are not applied here: call `migrate()` first (for PGlite, before
 * createDb opens the folder, since PGlite is one process's database).
 *
 * `listen(channel, onPayload)` subscribes to NOTIFY on a dedicated connection (PostgreSQL)
 * or on the PGlite instance. On PostgreSQL a lost listen connection is reported through
 * `onError` and not reopened: the caller (the relay) reconnects, and polls meanwhile.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { openPostgresSession, prismaSession, type SqlSession } from "./session";
import { silentLogger, type Logger } from "./logger";
import { lockPgliteDir } from "./pglite-lock";

export type DbTarget = { databaseUrl: string; poolSize?: number } | { pgliteDir: string };
export type DbOptions = DbTarget & { logger?: Logger };

export interface Listener {
  close(): Promise<void>;
}

export interface Db {
  readonly prisma: PrismaClient;
  readonly kind: "postgres" | "pglite";
  /**
   * LISTEN on `channel`. `onError` is called once if the connection is lost (PostgreSQL);
   * the listener is then dead and the caller opens a new one.
   */
  listen(channel: string, onPayload: (payload: string) => void, onError?: (error: Error) => void): Promise<Listener>;
  /** A session of its own for a worker that holds session state (session.ts); closed with the Db. */
  openSession(queryTimeoutMs?: number, idleTimeoutMs?: number): Promise<SqlSession>;
  close(): Promise<void>;
}

const CHANNEL_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

function assertChannel(channel: string): void {
  if (!CHANNEL_PATTERN.test(channel)) throw new RangeError(`invalid NOTIFY channel name: ${channel}`);
}

export async function createDb(options: DbOptions): Promise<Db> {
  const logger = options.logger ?? silentLogger;
  return "databaseUrl" in options
    ? createPostgresDb(options.databaseUrl, options.poolSize ?? 10, logger)
    : createPgliteDb(options.pgliteDir);
}

function createPostgresDb(databaseUrl: string, poolSize: number, logger: Logger): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle pooled connection that dies (server restart, pg_terminate_backend) emits
  // `error` on the pool; unhandled, that would crash the process. The pool replaces it.
  pool.on("error", (error) => logger.warn({ err: error }, "idle PostgreSQL connection lost"));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const listeners = new Set<pg.Client>();
  const sessions = new Set<SqlSession>();
  let closed: Promise<void> | undefined;
  let closing = false;

  return {
    prisma,
    kind: "postgres",
    async openSession(queryTimeoutMs = 30_000, idleTimeoutMs) {
      const session = await openPostgresSession(databaseUrl, queryTimeoutMs, idleTimeoutMs);
      sessions.add(session);
      return {
        get alive() {
          return session.alive;
        },
        query: (text, values) => session.query(text, values),
        close: async () => {
          sessions.delete(session);
          await session.close();
        },
      };
    },
    async listen(channel, onPayload, onError) {
      assertChannel(channel);
      const client = new pg.Client({ connectionString: databaseUrl });
      let dead = false;
      const die = (error: Error): void => {
        if (dead) return;
        dead = true;
        listeners.delete(client);
        client.end().catch(() => undefined);
        if (!closing) onError?.(error);
      };
      client.on("error", die);
      client.on("end", () => die(new Error("LISTEN connection closed")));
      client.on("notification", (message) => {
        if (message.channel === channel) onPayload(message.payload ?? "");
      });
      await client.connect();
      listeners.add(client);
      await client.query(`LISTEN ${channel}`);
      return {
        close: async () => {
          if (dead) return;
          dead = true;
          listeners.delete(client);
          await client.end();
        },
      };
    },
    close() {
      closing = true;
      closed ??= (async () => {
        await Promise.allSettled([...listeners].map((client) => client.end()));
        listeners.clear();
        await Promise.allSettled([...sessions].map((session) => session.close()));
        sessions.clear();
        await prisma.$disconnect();
        await pool.end();
      })();
      return closed;
    },
  };
}

async function createPgliteDb(dataDir: string): Promise<Db> {
  // Loaded here only: a gateway or relay on PostgreSQL never loads PGlite (about 7 MB of its memory).
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import("@electric-sql/pglite"), import("pglite-prisma-adapter")]);
  // One process per folder (pglite-lock.ts): a second opener is refused, a dead one's lock taken over.
  const lock = lockPgliteDir(dataDir);
  const pglite = await PGlite.create(dataDir).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const unlisteners = new Set<() => Promise<void>>();
  let closed: Promise<void> | undefined;

  return {
    prisma,
    kind: "pglite",
    openSession: async () => prismaSession(prisma),
    async listen(channel, onPayload) {
      assertChannel(channel);
      const unlisten = await pglite.listen(channel, onPayload);
      unlisteners.add(unlisten);
      return {
        close: async () => {
          if (!unlisteners.delete(unlisten)) return;
          await unlisten();
        },
      };
    },
    close() {
      closed ??= (async () => {
        await Promise.allSettled([...unlisteners].map((unlisten) => unlisten()));
        unlisteners.clear();
        await prisma.$disconnect();
        await pglite.close();
        lock.release();
      })();
      return closed;
    },
  };
}
