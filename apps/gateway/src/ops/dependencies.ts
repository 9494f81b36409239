/**
 * What a gateway depends on, asked within a bound: `/readyz` and `/api/v1/status` both
 * call `probeDependencies`, which answers within `boundMs` whatever the database or Redis
 * do, with the list of what did not answer (empty: all fine). A check that does not settle
 * in time is reported as `no answer within … ms`; it is left running, never awaited.
 *
 * `resyncOnRecovery`: pub/sub drops what is published while a subscriber cannot receive,
 * so when this node's Redis comes back (redis-health.ts: a probe passes after an outage,
 * whether the connection closed, a cluster shard went away or Redis stopped answering)
 * its own sockets are told to catch up from the database (`system {type:"resync"}`).
 */
import type { RedisClients, RedisHealth } from "@roomcast/cluster";
import type { Logger } from "pino";
import type { GatewayServer } from "../socket/socket-types";

/** The Redis clients a gateway is handed (createRedisClients gives all of them). */
export type GatewayRedis = Pick<RedisClients, "pub" | "sub" | "cmd" | "health">;

export interface DependencyChecks {
  database: () => Promise<void>;
  redis?: RedisHealth | undefined;
}

/** /readyz answers within 2 s: this bound plus the HTTP work. */
export const DEPENDENCY_BOUND_MS = 1500;

function bounded(what: string, work: Promise<string | undefined>, boundMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`${what}: no answer within ${boundMs} ms`), boundMs);
    work.then(
      (problem) => {
        clearTimeout(timer);
        resolve(problem);
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
}

/** What is unreachable right now, e.g. `["redis: redis 127.0.0.1:6379 (cmd): Command timed out"]`. */
export async function probeDependencies(checks: DependencyChecks, boundMs = DEPENDENCY_BOUND_MS): Promise<string[]> {
  const redis = checks.redis;
  const answers = await Promise.all([
    bounded("database", checks.database().then(() => undefined), boundMs),
    redis === undefined ? Promise.resolve(undefined) : bounded("redis", redis.check().then((state) => (state.up ? undefined : (state.reason ?? "redis unreachable"))), boundMs),
  ]);
  return answers.filter((answer): answer is string => answer !== undefined);
}

/** Returns the function that stops it (the gateway's close). */
export function resyncOnRecovery(health: RedisHealth, io: GatewayServer, logger: Logger): () => void {
  return health.onRecovered((downForMs) => {
    logger.info({ downForMs, sockets: io.of("/").sockets.size }, "asking local sockets to resync after the redis outage");
    io.local.emit("system", { type: "resync", message: "live events may have been missed; catch up", ts: new Date().toISOString() });
  });
}
