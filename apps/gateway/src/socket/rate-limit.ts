/**
 * Per-socket event rate limit with rate-limiter-flexible: counted in Redis when the node
 * is in a cluster, in memory otherwise. While Redis is unreachable the Redis limiter
 * falls back to an in-memory insurance limiter rather than failing open or closed.
 * An event over the limit is answered `rate_limited` through its ack and not handled.
 */
import { err } from "@roomcast/protocol";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { GatewaySocket } from "./socket-types";

export interface RateLimitOptions {
  points: number;
  durationSeconds: number;
  /** When set, counters live in Redis under `<prefix>:rl:<name>:`. */
  redis?: { client: Redis; prefix: string } | undefined;
  /** What is counted (default `event`), so limiters never share keys. */
  name?: string;
}

export function createEventLimiter(options: RateLimitOptions): RateLimiterAbstract {
  const base = { points: options.points, duration: options.durationSeconds };
  if (options.redis === undefined) return new RateLimiterMemory(base);
  return new RateLimiterRedis({
    ...base,
    storeClient: options.redis.client,
    keyPrefix: `${options.redis.prefix}:rl:${options.name ?? "event"}`,
    insuranceLimiter: new RateLimiterMemory(base),
  });
}

export interface RateLimitHooks {
  onLimited(socket: GatewaySocket, event: string): void;
}

export function applyEventLimit(socket: GatewaySocket, limiter: RateLimiterAbstract, hooks: RateLimitHooks): void {
  socket.use((packet, next) => {
    limiter.consume(socket.id).then(
      () => next(),
      () => {
        const event = String(packet[0]);
        hooks.onLimited(socket, event);
        const ack = packet[packet.length - 1];
        if (typeof ack === "function") ack(err("rate_limited", "too many events, slow down"));
      },
    );
  });
}
