/**
 * Rate limiters (rate-limiter-flexible), counted in Redis when the node is in a cluster and
 * in memory otherwise. A Redis-backed limiter is bounded: a call Redis does not answer
 * within `timeoutMs` (RLWrapperTimeouts), or that fails, is counted by an in-memory
 * insurance limiter instead, so an outage or a partition degrades the count to this node's
 * own instead of failing open, failing closed or hanging. A key over its limit is blocked in
 * memory for the rest of its window (`inMemoryBlockOnConsumed`), so a flood costs no Redis
 * call per event.
 */
import type { Cluster, Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RLWrapperTimeouts, type RateLimiterAbstract } from "rate-limiter-flexible";

export interface LimiterOptions {
  points: number;
  durationSeconds: number;
  /** When set, counters live in Redis under `<prefix>:rl:<name>:`. */
  redis?: { client: Redis | Cluster; prefix: string } | undefined;
  /** What is counted, so limiters never share keys. */
  name: string;
  /** Longest a Redis-backed call may take before the insurance limiter answers (ms). */
  timeoutMs?: number;
}

export const LIMITER_TIMEOUT_MS = 250;

export function createLimiter(options: LimiterOptions): RateLimiterAbstract {
  const base = { points: options.points, duration: options.durationSeconds };
  if (options.redis === undefined) return new RateLimiterMemory(base);
  // The insurance sits on the wrapper only, so a call that times out and then fails is counted once.
  const insuranceLimiter = new RateLimiterMemory(base);
  const redis = new RateLimiterRedis({
    ...base,
    storeClient: options.redis.client,
    keyPrefix: `${options.redis.prefix}:rl:${options.name}`,
    rejectIfRedisNotReady: true,
    inMemoryBlockOnConsumed: options.points,
  });
  return new RLWrapperTimeouts({ limiter: redis, insuranceLimiter, timeoutMs: options.timeoutMs ?? LIMITER_TIMEOUT_MS });
}
