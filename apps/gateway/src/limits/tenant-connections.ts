/**
 * Open sockets per tenant, counted cluster-wide, for the per-tenant connection quota.
 *
 * Each node counts its own sockets exactly (in memory) and publishes its count for a tenant
 * in one Redis hash per tenant, `<prefix>:tconn:{<tenant>}`, field = node id, value =
 * `<count>:<written at ms>`, which also refreshes the key's TTL. A field older than
 * `staleMs` (3 heartbeats) is a node that died: it is not counted (and is deleted).
 * Admission = this node's exact count + the other live nodes' published counts (one
 * HGETALL, bounded by `timeoutMs`). If Redis does not answer, the last sum read for the
 * tenant stands in for the other nodes (logged once per outage), so a Redis outage never
 * blocks or hangs a handshake.
 *
 * Two regimes per tenant, so that a join costs no Redis round trip of its own while the
 * tenant is far from its quota and the quota stays as exact as before near it:
 * - **Below half its quota** (this node's count + the other nodes' last read sum, with the
 *   new socket, ≤ max / 2): the other nodes' sum is reused for `cacheMs` (one read per
 *   tenant per period, concurrent handshakes share it), and a connect or disconnect only
 *   marks the tenant: its count is published at the next tick (`publishMs`).
 * - **At or above half**: every admission reads the other nodes' counts afresh, and every
 *   connect or disconnect publishes at once (the behaviour of every join before).
 * What the fast regime gives up: another node sees a join up to `publishMs + cacheMs`
 * late. So a quota can be overshot by at most the tenant's joins on the other nodes within
 * that window (500 ms by default) that this node has not seen yet, plus, as before, the
 * handshakes in flight; a fast admission itself can only overshoot when more than half the
 * quota joined elsewhere within that window. The heartbeat (`heartbeatMs`) republishes
 * every tenant this node serves.
 *
 * Without Redis (one node) the local count is the whole count. `close()` stops the timers
 * and removes this node's fields.
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
  /** Publishes the counts changed since the last tick now (what each tick does). */
  flush(): Promise<void>;
  start(): void;
  close(): Promise<void>;
}

export interface TenantConnectionsOptions {
  nodeId: string;
  logger: Logger;
  redis?: { client: Redis | Cluster; prefix: string } | undefined;
  heartbeatMs?: number;
  /** Longest a changed count waits before it is published, below half the quota (ms). */
  publishMs?: number;
  /** How long the other nodes' sum is reused, below half the quota (ms). */
  cacheMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export const TENANT_CONNECTIONS_HEARTBEAT_MS = 5000;
export const TENANT_CONNECTIONS_PUBLISH_MS = 250;
export const TENANT_CONNECTIONS_CACHE_MS = 250;

export function tenantConnectionsKey(prefix: string, tenant: string): string {
  return `${prefix}:tconn:{${tenant}}`;
}

interface OthersRead {
  /** The other nodes' sum (the last successful read; 0 before any). */
  sum: number;
  /** When it was read (ms); 0: never. */
  at: number;
  /** The quota the tenant was last checked against (decides the regime of its changes). */
  max: number;
  reading?: Promise<number> | undefined;
}

export function createTenantConnections(options: TenantConnectionsOptions): TenantConnections {
  const { nodeId, logger, redis } = options;
  const heartbeatMs = options.heartbeatMs ?? TENANT_CONNECTIONS_HEARTBEAT_MS;
  const publishMs = options.publishMs ?? TENANT_CONNECTIONS_PUBLISH_MS;
  const cacheMs = options.cacheMs ?? TENANT_CONNECTIONS_CACHE_MS;
  const staleMs = heartbeatMs * 3;
  const timeoutMs = options.timeoutMs ?? 250;
  const now = options.now ?? Date.now;
  const counts = new Map<string, number>();
  const others = new Map<string, OthersRead>();
  /** Tenants whose count changed since it was last published. */
  const dirty = new Set<string>();
  const timers: NodeJS.Timeout[] = [];
  let unreachable = false;

  const outage = (error: unknown) => {
    if (!unreachable) logger.warn({ err: error instanceof Error ? error.message : String(error) }, "tenant connection counts unreachable; counting this node only");
    unreachable = true;
  };
  const recovered = () => {
    if (unreachable) logger.info("tenant connection counts reachable again");
    unreachable = false;
  };

  const publish = (tenant: string): Promise<void> => {
    dirty.delete(tenant);
    if (redis === undefined) return Promise.resolve();
    const key = tenantConnectionsKey(redis.prefix, tenant);
    const count = counts.get(tenant) ?? 0;
    const write = count === 0 ? redis.client.hdel(key, nodeId) : redis.client.multi().hset(key, nodeId, `${count}:${now()}`).pexpire(key, staleMs * 2).exec();
    return write.then(recovered, outage);
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

  /** A fresh read of the other nodes' sum, bounded; on failure the last sum read. */
  const read = (client: Redis | Cluster, tenant: string, entry: OthersRead): Promise<number> => {
    let timeout: NodeJS.Timeout | undefined;
    return Promise.race([
      readOthers(client, tenant),
      new Promise<never>((_resolve, reject) => {
        timeout = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ])
      .then(
        (sum) => {
          entry.sum = sum;
          entry.at = now();
          recovered();
          return sum;
        },
        (error: unknown) => {
          outage(error);
          return entry.sum;
        },
      )
      .finally(() => clearTimeout(timeout));
  };

  const entryOf = (tenant: string): OthersRead => {
    let entry = others.get(tenant);
    if (entry === undefined) others.set(tenant, (entry = { sum: 0, at: 0, max: Number.POSITIVE_INFINITY }));
    return entry;
  };
  /** Whether one more socket keeps the tenant's known total at or below half its quota. */
  const farFromQuota = (tenant: string, entry: OthersRead) => 2 * ((counts.get(tenant) ?? 0) + entry.sum + 1) <= entry.max;

  const changed = (tenant: string) => {
    if (redis === undefined) return;
    const entry = others.get(tenant);
    // Near the quota (or never checked against one), other nodes must see the change at once.
    if (entry !== undefined && farFromQuota(tenant, entry)) dirty.add(tenant);
    else void publish(tenant);
  };

  const flush = async () => {
    await Promise.all([...dirty].map(publish));
  };

  return {
    async admits(tenant, max) {
      if (redis === undefined) return (counts.get(tenant) ?? 0) < max;
      const entry = entryOf(tenant);
      entry.max = max;
      const far = farFromQuota(tenant, entry);
      if (far && entry.at > 0 && now() - entry.at < cacheMs) return true;
      if (far) {
        // Below half: concurrent handshakes share one read.
        entry.reading ??= read(redis.client, tenant, entry).finally(() => (entry.reading = undefined));
        return (counts.get(tenant) ?? 0) + (await entry.reading) < max;
      }
      return (counts.get(tenant) ?? 0) + (await read(redis.client, tenant, entry)) < max;
    },
    opened(tenant) {
      counts.set(tenant, (counts.get(tenant) ?? 0) + 1);
      changed(tenant);
    },
    closed(tenant) {
      const left = (counts.get(tenant) ?? 1) - 1;
      if (left > 0) {
        counts.set(tenant, left);
        return changed(tenant);
      }
      // The tenant's last socket here: publish the 0 at once and forget its cached read, so
      // the map holds only tenants with sockets on this node (a missing entry publishes at once).
      counts.delete(tenant);
      others.delete(tenant);
      changed(tenant);
    },
    local: (tenant) => counts.get(tenant) ?? 0,
    flush,
    start() {
      if (redis === undefined || timers.length > 0) return;
      const tick = setInterval(() => void flush(), publishMs);
      const heartbeat = setInterval(() => {
        for (const tenant of counts.keys()) void publish(tenant);
      }, heartbeatMs);
      for (const timer of [tick, heartbeat]) {
        timer.unref();
        timers.push(timer);
      }
    },
    async close() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      dirty.clear();
      others.clear();
      if (redis === undefined) return;
      const tenants = [...counts.keys()];
      counts.clear();
      await withTimeout(Promise.allSettled(tenants.map((tenant) => redis.client.hdel(tenantConnectionsKey(redis.prefix, tenant), nodeId))), 1000);
    },
  };
}
