/**
 * The three clients against a Redis Cluster (REDIS_CLUSTER_NODES), for the sharded adapter:
 * SPUBLISH goes to the primary owning the channel's hash slot, and `sub` keeps one
 * subscriber connection per primary (`shardedSubscribers: true`, ioredis ≥ 5.9), so each
 * SSUBSCRIBE reaches the shard that carries the channel. The per-role options are those of
 * one Redis (redis-clients.ts), passed to every node connection through `redisOptions`,
 * except the offline queue and auto-pipelining, which a Cluster applies at its own level,
 * and the command timeout is armed at the Cluster level too (handled-clients.ts).
 *
 * What ioredis 5.11 does when one primary goes away (observed against a real cluster):
 * that shard's subscriber connection ends (`-node`), the group refreshes the slot map and
 * re-creates it; while the primary is down this repeats (each attempt fails, `-node`
 * again, and a `subscribersReady` after every attempt, failed or not). Once the primary is
 * back the new subscriber re-subscribes its channels and `subscribersReady` follows. So
 * neither event alone says "recovered": the health probe (redis-clients.ts) counts a
 * recovery when every slot owner answers a PING and `subscribersReady` came after the
 * last subscriber `-node`. The Cluster's own connection pool emits `-node` as well (with
 * no node key) and no subscriber reset follows that one: a node with no channel on the
 * lost shard has an idle subscriber there, so counting the pool's `-node` left it waiting
 * for a `subscribersReady` that never came, unready for good. SPUBLISH to the missing
 * shard fails at the command timeout meanwhile.
 */
import type { Cluster } from "ioredis";
import { HandledCluster } from "./handled-clients";
import { roleOptions, type RedisRole } from "./client-options";

const SLOTS_REFRESH_INTERVAL_MS = 2000;

export interface ClusterClients {
  pub: Cluster;
  sub: Cluster;
  cmd: Cluster;
}

export function createClusterClients(nodes: ReadonlyArray<{ host: string; port: number }>, commandTimeoutMs: number): ClusterClients {
  const make = (role: RedisRole): Cluster => {
    const { enableOfflineQueue, enableAutoPipelining, ...redisOptions } = roleOptions(role, commandTimeoutMs);
    return new HandledCluster(
      nodes.map((node) => ({ host: node.host, port: node.port })),
      {
        redisOptions,
        enableOfflineQueue: enableOfflineQueue ?? true,
        // A Cluster's commands are pipelined by the Cluster (one pipeline per group of slot
        // owners), never by its node connections: the option only counts at this level.
        enableAutoPipelining: enableAutoPipelining ?? false,
        shardedSubscribers: role === "sub",
        // Documented as 5000 by default, but ioredis 5.11 leaves it unset: without it a
        // node dropped from the pool (its primary restarted) comes back only when some
        // command happens to fail against it.
        slotsRefreshInterval: SLOTS_REFRESH_INTERVAL_MS,
        commandTimeoutMs,
      },
    );
  };
  return { pub: make("pub"), sub: make("sub"), cmd: make("cmd") };
}

/**
 * PINGs the primary that owns each slot range, through this client's own connections:
 * resolves when every shard answers; rejects naming the first that does not.
 */
export async function pingShards(cluster: Cluster, role: RedisRole): Promise<void> {
  if (cluster.status !== "ready") throw new Error(`redis cluster (${role}): ${cluster.status}`);
  const owners = new Set<string>();
  for (const slot of cluster.slots) if (slot?.[0] !== undefined) owners.add(slot[0]);
  if (owners.size === 0) throw new Error(`redis cluster (${role}): no slot map`);
  const byKey = new Map(cluster.nodes("master").map((node) => [`${node.options.host}:${node.options.port}`, node]));
  await Promise.all(
    [...owners].map(async (key) => {
      const node = byKey.get(key);
      if (node === undefined) throw new Error(`redis ${key} (${role}): not connected`);
      await node.ping().catch((error: Error) => Promise.reject(new Error(`redis ${key} (${role}): ${error.message}`)));
    }),
  );
}
