/**
 * The Redis connections a node needs, each configured for its job, against one Redis
 * (`url`) or a Redis Cluster (`clusterNodes`, see cluster-clients.ts). Every command, on
 * every client, fails after `commandTimeoutMs` when Redis does not answer; nothing waits
 * on Redis without a bound.
 *
 * - `pub`: the adapter's publisher, auto-pipelined: each command keeps its own timeout
 *   (ioredis arms it per command, a pipeline's too), but one queued behind a pipeline in
 *   flight waits for that pipeline first, so up to two timeouts. Offline queue on, so a broadcast made during a short
 *   reconnect still goes out, but bounded: `maxRetriesPerRequest: 2` fails what is queued
 *   after the third failed reconnect attempt (well under a second with the default
 *   backoff), and each command's promise fails at the timeout in any case. The sharded
 *   adapter awaits its publish before delivering to local sockets, so this bound is also
 *   how late local delivery can be while Redis is away.
 * - `sub`: the adapter's subscriber. Its offline queue is not flushed on retries: a room
 *   created during an outage queues one SSUBSCRIBE, which must still reach Redis when it
 *   is back (a flushed one would leave the room deaf on this node). The queue is bounded by
 *   the number of rooms created meanwhile, not by traffic. In subscriber mode the timeout
 *   applies to the (un)subscribe commands only; waiting for messages is not a command.
 * - `cmd`: counters, rate limits, the node registry, readiness. `enableOfflineQueue:
 *   false`: commands fail at once while disconnected, and at the timeout while Redis
 *   does not answer, so rate-limiter-flexible can fall back to its insurance limiter.
 *   Not auto-pipelined (client-options.ts says why).
 *
 * `health` (redis-health.ts) probes the three and logs the outage and the recovery once
 * each; the per-connection errors are logged at debug level only. `flush()` resolves once
 * every earlier publish has reached Redis (a PING behind them on each publishing
 * connection). Every client gets an `error` listener: an ioredis client without one turns
 * a lost connection into an uncaught exception.
 */
import type { Cluster } from "ioredis";
import type { Logger } from "pino";
import { DEFAULT_COMMAND_TIMEOUT_MS, roleOptions, type RedisRole } from "./client-options";
import { createClusterClients, pingShards } from "./cluster-clients";
import { HandledRedis, isCluster, type RedisClient } from "./handled-clients";
import { createRedisHealth, type RedisHealth } from "./redis-health";

export interface RedisConnection {
  url?: string | undefined;
  clusterNodes?: ReadonlyArray<{ host: string; port: number }> | undefined;
  /** Default 1000 ms (ROOMCAST_REDIS_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number | undefined;
}

export interface RedisClients {
  pub: RedisClient;
  sub: RedisClient;
  cmd: RedisClient;
  health: RedisHealth;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Connection errors at debug level: the health monitor logs the outage once. */
export function watchErrors(client: RedisClient, role: RedisRole, logger: Logger): void {
  const log = logger.child({ redis: role });
  client.on("error", (error: Error) => log.debug({ err: error.message }, "redis connection error"));
}

export function createRedisClients(target: string | RedisConnection, logger: Logger): RedisClients {
  const connection: RedisConnection = typeof target === "string" ? { url: target } : target;
  const timeoutMs = connection.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  let closing = false;
  let lost: (reason: string) => void = () => undefined;
  let probe: () => Promise<void>;
  let pub: RedisClient;
  let sub: RedisClient;
  let cmd: RedisClient;

  if (connection.clusterNodes !== undefined) {
    const clients = createClusterClients(connection.clusterNodes, timeoutMs);
    ({ pub, sub, cmd } = clients);
    // A shard's subscriber connection ended; ioredis re-creates it and re-subscribes, then
    // emits `subscribersReady` (see cluster-clients.ts for why both signals are needed).
    // `-node` also fires when the Cluster's own pool drops a node, with no node key: that is
    // an outage too, but no subscriber reset follows it, so it must not wait for one.
    let subscribersReady = true;
    clients.sub.on("-node", (_redis: unknown, subscriberNodeKey?: string) => {
      if (subscriberNodeKey !== undefined) subscribersReady = false;
      if (!closing) lost("redis cluster: a subscriber connection ended");
    });
    clients.sub.on("subscribersReady", () => {
      subscribersReady = true;
    });
    probe = async () => {
      await Promise.all([pingShards(clients.cmd, "cmd"), pingShards(clients.pub, "pub"), pingShards(clients.sub, "sub")]);
      if (!subscribersReady) throw new Error("redis cluster: subscribers reconnecting");
    };
  } else {
    const url = connection.url;
    if (url === undefined) throw new Error("createRedisClients needs a url or clusterNodes");
    const make = (role: RedisRole) => new HandledRedis(url, roleOptions(role, timeoutMs));
    pub = make("pub");
    sub = make("sub");
    cmd = make("cmd");
    const where = `${cmd.options.host ?? "?"}:${cmd.options.port ?? "?"}`;
    const ping = (role: RedisRole, client: RedisClient) =>
      client.ping().then(
        () => undefined,
        (error: Error) => Promise.reject(new Error(`redis ${where} (${role}): ${error.message}`)),
      );
    sub.on("close", () => {
      if (!closing) lost(`redis ${where} (sub): connection closed`);
    });
    // The subscriber's PING is answered after the re-subscriptions ioredis sends on reconnect.
    probe = async () => {
      await Promise.all([ping("cmd", cmd), ping("pub", pub), ping("sub", sub)]);
    };
  }
  watchErrors(pub, "pub", logger);
  watchErrors(sub, "sub", logger);
  watchErrors(cmd, "cmd", logger);

  const health = createRedisHealth({ probe: () => probe(), logger: logger.child({ redis: "health" }), timeoutMs: timeoutMs + 500 });
  lost = (reason) => health.lost(reason);
  health.start();

  return {
    pub,
    sub,
    cmd,
    health,
    flush: () => (isCluster(pub) ? pingShards(pub as Cluster, "pub") : pub.ping().then(() => undefined)),
    async close() {
      closing = true;
      health.stop();
      await Promise.allSettled([pub.quit(), sub.quit(), cmd.quit()]);
      pub.disconnect();
      sub.disconnect();
      cmd.disconnect();
    },
  };
}
