/**
 * Chooses the Socket.IO adapter: the Redis adapter (classic or sharded pub/sub) when the
 * node is part of a cluster, the default in-memory adapter otherwise. The adapter is handed
 * the clients; it never creates them.
 */
import type { Config } from "@roomcast/config";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import type { AdapterConstructor } from "./filtered-adapter";
import type { RedisClient } from "./handled-clients";

export function clusterAdapter(redis: NonNullable<Config["redis"]>, clients: { pub: RedisClient; sub: RedisClient }): AdapterConstructor {
  const prefix = `${redis.prefix}:io`;
  if (redis.adapter === "classic") {
    // A response to a cross-node request is published on a per-requester channel.
    return createAdapter(clients.pub, clients.sub, { key: prefix, publishOnSpecificResponseChannel: true, requestsTimeout: 2000 }) as unknown as AdapterConstructor;
  }
  return createShardedAdapter(clients.pub, clients.sub, {
    channelPrefix: prefix,
    subscriptionMode: redis.subscriptionMode,
  }) as unknown as AdapterConstructor;
}
