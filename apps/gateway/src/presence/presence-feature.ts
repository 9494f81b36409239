/**
 * Presence and typing for one gateway: the store (Redis in a cluster, this instance's
 * memory for the embedded default), the tracker with its timers, and the typing limiter.
 * `close()` stops the timers (the node's entries then expire: presence-tracker.ts).
 */
import type { Config } from "@roomcast/config";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { createLimiter } from "../limits/limiter";
import type { SocketLogger } from "../socket/socket-logger";
import type { GatewayServer, GatewaySocket } from "../socket/socket-types";
import { createMemoryPresenceStore } from "./memory-presence-store";
import { presenceHandlers, TYPING_POINTS, TYPING_WINDOW_SECONDS } from "./presence.handlers";
import { createPresenceTracker, PRESENCE_TIMINGS, type PresenceTimings, type PresenceTracker } from "./presence-tracker";
import { createRedisPresenceStore } from "./redis-presence-store";

export interface PresenceFeature {
  tracker: PresenceTracker;
  onConnection(socket: GatewaySocket): void;
  close(): void;
}

export interface PresenceFeatureDeps {
  io: GatewayServer;
  config: Pick<Readonly<Config>, "nodeId" | "redisPrefix">;
  logger: Logger;
  redis?: Redis | Cluster | undefined;
  timings?: Partial<PresenceTimings> | undefined;
  /** Sockets' child loggers (socket/socket-logger.ts); made from `logger` if omitted. */
  logOf: SocketLogger;
}

export function createPresenceFeature(deps: PresenceFeatureDeps): PresenceFeature {
  const { io, config, redis } = deps;
  const timings = { ...PRESENCE_TIMINGS, ...deps.timings };
  const store =
    redis === undefined
      ? createMemoryPresenceStore(config.nodeId)
      : createRedisPresenceStore({ client: redis, prefix: config.redisPrefix, nodeId: config.nodeId, keyTtlMs: timings.ttlMs * 10 });
  const tracker = createPresenceTracker({ io, store, logger: deps.logger.child({ component: "presence" }), timings });
  const typingLimiter = createLimiter({
    name: "typing",
    points: TYPING_POINTS,
    durationSeconds: TYPING_WINDOW_SECONDS,
    redis: redis === undefined ? undefined : { client: redis, prefix: config.redisPrefix },
  });
  const handlers = presenceHandlers({ io, presence: tracker, typingLimiter, logOf: deps.logOf });
  tracker.start();
  return {
    tracker,
    onConnection: (socket) => handlers.register(socket),
    close: () => tracker.close(),
  };
}
