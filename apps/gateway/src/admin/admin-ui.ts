/**
 * The Socket.IO Admin UI on every node: `instrument()` from @socket.io/admin-ui on the
 * `/admin` namespace, with this node's NODE_ID as its server id, so the UI (connected to any
 * node, through nginx) lists every node of the cluster and the sockets of all of them.
 *
 * - Auth: basic, against the bcrypt hash from config. Outside production without a hash the
 *   documented development password is hashed here at start-up (config refuses production
 *   without a hash). The admin namespace has its own middleware; Roomcast's JWT middleware
 *   (`io.use`) guards the main namespace only.
 * - Sessions: with Redis, admin sessions live under `<prefix>:admin-session#<id>` for 24 h,
 *   so a UI that reconnects to another node stays logged in. The store has the library's
 *   RedisStore key layout but uses ioredis promises with their failures handled: the
 *   library's store rejects inside the namespace middleware, or leaves `exec()` unhandled,
 *   while Redis is away, and an unhandled rejection ends a Node process. A session lookup
 *   that fails means "log in again".
 * - Read-only and mode (development: every socket and event; production: aggregates only)
 *   come from config.
 *
 * Lifecycle: the library starts a 2 s stats timer and offers no way to stop it
 * (socketio/socket.io-admin-ui lib/index.ts `initStatsEmitter`); left running after
 * `close()` it would keep broadcasting through a closed adapter. `instrumentAdminUi`
 * records the timers the library creates while instrumenting so `close()` can clear them.
 */
import { DEV_ADMIN_PASSWORD, type Config } from "@roomcast/config";
import { instrument, InMemoryStore } from "@socket.io/admin-ui";
import { hashSync } from "bcryptjs";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Server } from "socket.io";

/** Work factor for hashing the public development password: it protects nothing. */
const DEV_HASH_ROUNDS = 8;

export const ADMIN_NAMESPACE = "/admin";

export interface AdminUiOptions {
  admin: NonNullable<Config["admin"]>;
  nodeId: string;
  redis: { client: Redis; prefix: string } | undefined;
  logger: Logger;
}

export interface AdminUi {
  close(): void;
}

/** Structural view of the Server the library accepts (its typings use the default generics). */
type InstrumentableServer = Parameters<typeof instrument>[0];

export function instrumentAdminUi(io: object, options: AdminUiOptions): AdminUi {
  const { admin } = options;
  const password = admin.passwordHash ?? hashSync(DEV_ADMIN_PASSWORD, DEV_HASH_ROUNDS);
  const store = options.redis === undefined ? new InMemoryStore() : redisSessionStore(options.redis.client, `${options.redis.prefix}:admin-session`);
  const timers = recordIntervals(() =>
    instrument(io as InstrumentableServer & Server, {
      auth: { type: "basic", username: admin.user, password },
      mode: admin.mode,
      readonly: admin.readonly,
      serverId: options.nodeId,
      store,
      namespaceName: ADMIN_NAMESPACE,
    }),
  );
  options.logger.info({ user: admin.user, mode: admin.mode, readonly: admin.readonly, devPassword: admin.passwordHash === undefined }, "admin UI at /admin");
  return {
    close() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}

const SESSION_SECONDS = 86_400;

export interface SessionStore {
  doesSessionExist(sessionId: string): Promise<boolean>;
  saveSession(sessionId: string): void;
}

export function redisSessionStore(client: Redis, prefix: string): SessionStore {
  const key = (sessionId: string) => `${prefix}#${sessionId}`;
  return {
    doesSessionExist: (sessionId) => client.exists(key(sessionId)).then((n) => n === 1, () => false),
    saveSession(sessionId) {
      client.set(key(sessionId), "1", "EX", SESSION_SECONDS).catch(() => undefined);
    },
  };
}

/**
 * Runs `work` synchronously and returns the intervals it started. setInterval is swapped
 * only for the duration of the synchronous call and always restored.
 *
 * Workaround: @socket.io/admin-ui 0.5.1 starts a 2 s stats interval in `instrument()`
 * (dist/index.js, initStatsEmitter) and offers no way to stop it; it is unref'd but keeps
 * a closed gateway's namespace alive, so `close()` clears what this records. Remove once
 * the library returns a handle or clears its timer on server close.
 */
function recordIntervals(work: () => void): NodeJS.Timeout[] {
  const original = globalThis.setInterval;
  const started: NodeJS.Timeout[] = [];
  const recording = (...args: Parameters<typeof setInterval>): NodeJS.Timeout => {
    const timer = original(...args);
    started.push(timer);
    return timer;
  };
  globalThis.setInterval = Object.assign(recording, original) as typeof setInterval;
  try {
    work();
  } finally {
    globalThis.setInterval = original;
  }
  return started;
}
