/**
 * The Redis connections a node needs, each configured for its job:
 *
 * - `pub`: the adapter's publisher. `maxRetriesPerRequest: null` keeps commands queued
 *   while Redis is away instead of rejecting them, because the classic adapter publishes
 *   without a `.catch` and a rejection there would be an unhandled rejection that ends the
 *   process. Broadcasts made during an outage go out when Redis is back.
 * - `sub`: the adapter's subscriber (ioredis re-subscribes on reconnect by itself).
 * - `cmd`: counters and rate limits. `enableOfflineQueue: false` makes commands fail fast
 *   while Redis is away so rate-limiter-flexible falls back to its in-memory insurance.
 *
 * Every client gets an `error` listener: an ioredis client without one turns a lost
 * connection into an uncaught exception.
 */
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

export interface RedisClients {
  pub: Redis;
  sub: Redis;
  cmd: Redis;
  close(): Promise<void>;
}

export function createRedisClients(url: string, logger: Logger): RedisClients {
  const make = (role: string, options: RedisOptions): Redis => {
    const client = new Redis(url, { connectionName: `roomcast-${role}`, ...options });
    const log = logger.child({ redis: role });
    let down = false;
    client.on("error", (error: Error) => {
      if (!down) log.warn({ err: error.message }, "redis connection error");
      down = true;
    });
    client.on("ready", () => {
      if (down) log.info("redis connection restored");
      down = false;
    });
    return client;
  };
  const pub = make("pub", { maxRetriesPerRequest: null });
  // No ready check on the subscriber: ioredis sends INFO for it, which Redis refuses once
  // the connection is in (sharded) subscriber mode.
  const sub = make("sub", { maxRetriesPerRequest: null, enableReadyCheck: false });
  const cmd = make("cmd", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  return {
    pub,
    sub,
    cmd,
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit(), cmd.quit()]);
      pub.disconnect();
      sub.disconnect();
      cmd.disconnect();
    },
  };
}
