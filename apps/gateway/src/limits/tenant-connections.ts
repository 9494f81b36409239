/**
 * Open sockets per tenant, counted cluster-wide, for the per-tenant connection quota.
 *
 * Each node counts its own sockets exactly (in memory) and publishes its count for a tenant
 * in one Redis hash per tenant, `<prefix>:tconn:{<tenant>}`, field = node id, value =
 * `<count>:<written at ms>`: at once on every connect and disconnect, and again for every
 * tenant it serves on each heartbeat (`heartbeatMs`), which also refreshes the key's TTL. A
 * field older than `staleMs` is a node that died: it is not counted (and is deleted).
 * Admission reads the tenant's hash (one HGETALL, bounded by `timeoutMs`): total = this
 * node's exact count + every other live node's. If Redis does not answer, the last total
 * read for the tenant stands in for the other nodes (logged once per outage), so a Redis
 * outage never blocks or hangs a handshake. Concurrent handshakes on several nodes may
 * overshoot the quota by the handshakes in flight; nothing else can.
 *
 * Without Redis (one node) the local count is the whole count. `close()` stops the
 * heartbeat and removes this node's fields.
 */
import { withTimeout } from "@roomcast/ops";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";

export interface TenantConnections {
  /** Whether one more socket of `tenant` fits under `max`. Never rejects; bounded. */
  admits(tenant: string, max: number): Promise<boolean>;
  opened(tenant: string): void;
  closed(tenant: string): void;
  /** This node's open sockets of `tenant`. */
  local(tenant: string): number;
  start(): void;
  close(): Promise<void>;
}

export interface TenantConnectionsOptions {
  nodeId: string;
  logger: Logger;
  redis?: { client: Redis | Cluster; prefix: string } | undefined;
  heartbeatMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export const TENANT_CONNECTIONS_HEARTBEAT_MS = 5000;

export function tenantConnectionsKey(prefix: string, tenant: string): string {
  return `${prefix}:tconn:{${tenant}}`;
}

export function createTenantConnections(options: TenantConnectionsOptions): TenantConnections {
  const { nodeId, logger, redis } = options;
  const heartbeatMs = options.heartbeatMs ?? TENANT_CONNECTIONS_HEARTBEAT_MS;
  const staleMs = heartbeatMs * 3;
  const timeoutMs = options.timeoutMs ?? 250;
  const now = options.now ?? Date.now;
  const counts = new Map<string, number>();
  const othersLastRead = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let unreachable = false;

  const outage = (error: unknown) => {
    if (!unreachable) logger.warn({ err: error instanceof Error ? error.message : String(error) }, "tenant connection counts unreachable; counting this node only");
    unreachable = true;
  };
  const recovered = () => {
    if (unreachable) logger.info("tenant connection counts reachable again");
    unreachable = false;
  };

  const publish = (tenant: string) => {
    if (redis === undefined) return;
    const key = tenantConnectionsKey(redis.prefix, tenant);
    const count = counts.get(tenant) ?? 0;
    const write = count === 0 ? redis.client.hdel(key, nodeId) : redis.client.multi().hset(key, nodeId, `${count}:${now()}`).pexpire(key, staleMs * 2).exec();
    write.then(recovered, outage);
  };

  const readOthers = async (client: Redis | Cluster, tenant: string): Promise<number> => {
    const key = tenantConnectionsKey(redis?.prefix ?? "", tenant);
    const fields = await client.hgetall(key);
    let total = 0;
    const stale: string[] = [];
    for (const [node, value] of Object.entries(fields)) {
      if (node === nodeId) continue;
      const [count, at] = value.split(":").map(Number);
      if (at === undefined || !(now() - at < staleMs)) stale.push(node);
      else total += count ?? 0;
    }
    if (stale.length > 0) client.hdel(key, ...stale).catch(() => undefined);
    return total;
  };

  return {
    async admits(tenant, max) {
      const mine = counts.get(tenant) ?? 0;
      if (redis === undefined) return mine < max;
      let timeout: NodeJS.Timeout | undefined;
      try {
        const others = await Promise.race([
          readOthers(redis.client, tenant),
          new Promise<never>((_resolve, reject) => {
            timeout = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        othersLastRead.set(tenant, others);
        recovered();
        return mine + others < max;
      } catch (error) {
        outage(error);
        return mine + (othersLastRead.get(tenant) ?? 0) < max;
      } finally {
        clearTimeout(timeout);
      }
    },
    opened(tenant) {
      counts.set(tenant, (counts.get(tenant) ?? 0) + 1);
      publish(tenant);
    },
    closed(tenant) {
      const left = (counts.get(tenant) ?? 1) - 1;
      if (left <= 0) counts.delete(tenant);
      else counts.set(tenant, left);
      publish(tenant);
    },
    local: (tenant) => counts.get(tenant) ?? 0,
    start() {
      if (redis === undefined || timer !== undefined) return;
      timer = setInterval(() => {
        for (const tenant of counts.keys()) publish(tenant);
      }, heartbeatMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      if (redis === undefined) return;
      const tenants = [...counts.keys()];
      counts.clear();
      await withTimeout(Promise.allSettled(tenants.map((tenant) => redis.client.hdel(tenantConnectionsKey(redis.prefix, tenant), nodeId))), 1000);
    },
  };
}
