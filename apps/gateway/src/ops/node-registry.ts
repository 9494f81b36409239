/**
 * Which gateways a cluster has, so `/api/v1/status` can name the nodes that did not answer
 * (the adapter only says how many servers it heard from). Each gateway keeps its NODE_ID
 * in one Redis sorted set, `<prefix>:ops:nodes`, scored with the time it last checked in;
 * a node not seen for `forgetAfterMs` is dropped (a SIGKILLed node is reported missing
 * that long, then forgotten). `stop()` removes this node at once (a graceful shutdown is not
 * a missing node) and clears the timer.
 *
 * Failures: a check-in that fails (Redis away) is retried at the next beat; `known()`
 * rejects, and the caller reports what it has.
 */
import type { RedisClient } from "@roomcast/cluster";
import type { Logger } from "pino";

export interface NodeRegistryOptions {
  redis: RedisClient;
  prefix: string;
  nodeId: string;
  /** Check-in period (default 5 s). */
  intervalMs?: number;
  /** A node not seen for this long is forgotten (default 60 s). */
  forgetAfterMs?: number;
  logger: Logger;
  now?: () => number;
}

export interface KnownNode {
  nodeId: string;
  lastSeenMs: number;
}

export interface NodeRegistry {
  start(): void;
  /** Every node seen within `forgetAfterMs`, this one included. */
  known(): Promise<KnownNode[]>;
  stop(): Promise<void>;
}

export function nodeRegistryKey(prefix: string): string {
  return `${prefix}:ops:nodes`;
}

export function createNodeRegistry(options: NodeRegistryOptions): NodeRegistry {
  const { redis, nodeId, logger } = options;
  const key = nodeRegistryKey(options.prefix);
  const intervalMs = options.intervalMs ?? 5000;
  const forgetAfterMs = options.forgetAfterMs ?? 60_000;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;

  const beat = async (): Promise<void> => {
    try {
      await redis.zadd(key, now(), nodeId);
      if (failing) logger.info("node registry check-in restored");
      failing = false;
    } catch (error) {
      if (!failing) logger.warn({ err: error instanceof Error ? error.message : String(error) }, "node registry check-in failed");
      failing = true;
    }
  };

  const onReady = (): void => void beat();

  return {
    start() {
      if (timer !== undefined) return;
      // The command client queues nothing while disconnected: check in again the moment
      // it is (re)connected rather than a whole interval later.
      redis.on("ready", onReady);
      if (redis.status === "ready") void beat();
      timer = setInterval(() => void beat(), intervalMs);
      timer.unref();
    },
    async known() {
      const cutoff = now() - forgetAfterMs;
      await redis.zremrangebyscore(key, "-inf", `(${cutoff}`);
      const flat = await redis.zrange(key, 0, -1, "WITHSCORES");
      const nodes: KnownNode[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) nodes.push({ nodeId: flat[i]!, lastSeenMs: Number(flat[i + 1]) });
      return nodes;
    },
    async stop() {
      redis.off("ready", onReady);
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await redis.zrem(key, nodeId).catch(() => undefined);
    },
  };
}
