/**
 * The Socket.IO Admin UI on every node: `instrument()` from @socket.io/admin-ui on the
 * `/admin` namespace, with this node's NODE_ID as its server id, so the UI (connected to any
 * node, through nginx) lists every node of the cluster and the sockets of all of them.
 *
 * - Auth: ours (admin-auth.ts: the library's basic-auth contract, throttled per client
 *   address, failures logged), against the bcrypt hash from config; the library runs with
 *   `auth: false`. Outside production without a hash the documented development password is
 *   hashed here at start-up (config refuses production without a hash). The admin namespace
 *   has its own middleware; Roomcast's JWT middleware (`io.use`) guards the main namespace only.
 * - Sessions: with Redis, admin sessions live under `<prefix>:admin-session#<id>` for 24 h,
 *   so a UI that reconnects to another node stays logged in. The store has the library's
 *   RedisStore key layout but uses ioredis promises with their failures handled: the
 *   library's store rejects inside the namespace middleware, or leaves `exec()` unhandled,
 *   while Redis is away, and an unhandled rejection ends a Node process. A session lookup
 *   that fails means "log in again".
 * - Read-only and mode come from config. Mode `production` (the default) sends aggregates
 *   only; `development` lists every socket and mirrors every packet (the mirror re-encodes
 *   what clients send, so inbound packets are bounded first: socket/inbound-bounds.ts).
 *   With read-only off the UI can emit any event to any room and disconnect any socket.
 * - Admin sockets get an `error` listener: a malformed packet on them is logged, not thrown.
 *
 * Lifecycle: the library starts a 2 s stats timer and offers no way to stop it
 * (socketio/socket.io-admin-ui lib/index.ts `initStatsEmitter`); left running after
 * `close()` it would keep broadcasting through a closed adapter. `instrumentAdminUi`
 * records the timers the library creates while instrumenting so `close()` can clear them.
 */
import { DEV_ADMIN_PASSWORD, type Config } from "@roomcast/config";
import { instrument, InMemoryStore } from "@socket.io/admin-ui";
import { hashSync } from "bcryptjs";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Server } from "socket.io";
import { clientAddress } from "../http/client-address";
import { createEventLimiter } from "../socket/rate-limit";
import { ADMIN_LOGIN_ATTEMPTS, ADMIN_LOGIN_WINDOW_SECONDS, adminAuthMiddleware, type AdminHandshake, type SessionStore } from "./admin-auth";

/** Work factor for hashing the public development password: it protects nothing. */
const DEV_HASH_ROUNDS = 8;

export const ADMIN_NAMESPACE = "/admin";

export interface AdminUiOptions {
  admin: NonNullable<Config["admin"]>;
  nodeId: string;
  redis: { client: Redis | Cluster; prefix: string } | undefined;
  logger: Logger;
  /** Take the client address from X-Forwarded-For (behind nginx), as the HTTP side does. */
  trustProxy: boolean;
}

export interface AdminUi {
  close(): void;
}

/** Structural view of the Server the library accepts (its typings use the default generics). */
type InstrumentableServer = Parameters<typeof instrument>[0];

export function instrumentAdminUi(io: object, options: AdminUiOptions): AdminUi {
  const { admin } = options;
  const password = admin.passwordHash ?? hashSync(DEV_ADMIN_PASSWORD, DEV_HASH_ROUNDS);
  const store: SessionStore = options.redis === undefined ? new InMemoryStore() : redisSessionStore(options.redis.client, `${options.redis.prefix}:admin-session`);
  const limiter = createEventLimiter({ name: "admin-login", points: ADMIN_LOGIN_ATTEMPTS, durationSeconds: ADMIN_LOGIN_WINDOW_SECONDS, redis: options.redis });
  // Registered before instrument() creates its handlers: the namespace's first middleware.
  const namespace = (io as Server).of(ADMIN_NAMESPACE);
  const signIn = adminAuthMiddleware({ user: admin.user, passwordHash: password, store, limiter, addressOf: (req) => clientAddress(req, options.trustProxy), logger: options.logger });
  namespace.use((socket, next) => signIn(socket as unknown as AdminHandshake, next));
  namespace.on("connection", (socket) => {
    socket.on("error", (error: Error) => options.logger.debug({ err: error.message, socket: socket.id }, "admin socket error"));
  });
  const timers = recordIntervals(() =>
    instrument(io as InstrumentableServer & Server, {
      auth: false,
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

export function redisSessionStore(client: Redis | Cluster, prefix: string): SessionStore {
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
