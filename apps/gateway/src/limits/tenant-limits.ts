/**
 * Each tenant's quotas: the configured defaults (ROOMCAST_TENANT_MAX_CONNECTIONS,
 * ROOMCAST_TENANT_EVENTS_PER_SECOND, ROOMCAST_RATE_LIMIT_EVENTS) overridden by the tenant's
 * `tenant_limits` row where a column is set. Rows are read at most once per `ttlMs` per
 * tenant (lazily, no timer) and each read is bounded: a database that does not answer
 * within `timeoutMs` leaves the last known limits (or the defaults) in force.
 */
import type { Db } from "@roomcast/db";
import { withTimeout } from "@roomcast/ops";

export interface TenantQuota {
  /** Open sockets across the cluster. */
  maxConnections: number;
  /** Client events per second across the cluster. */
  eventsPerSecond: number;
  /** Client events one socket may send per rate-limit window. */
  socketEvents: number;
}

export type QuotaOverrides = { [K in keyof TenantQuota]?: number | null };

export interface TenantLimits {
  of(tenant: string): Promise<TenantQuota>;
}

export interface TenantLimitsOptions {
  defaults: TenantQuota;
  /** The tenant's overrides (undefined: none), e.g. dbQuotaOverrides(db). */
  load?: ((tenant: string) => Promise<QuotaOverrides | undefined>) | undefined;
  ttlMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export function createTenantLimits(options: TenantLimitsOptions): TenantLimits {
  const { defaults, load } = options;
  const ttlMs = options.ttlMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 1000;
  const now = options.now ?? Date.now;
  /** `quota` undefined: never read successfully (the defaults apply until it is). */
  const cache = new Map<string, { quota: TenantQuota | undefined; at: number; loading?: Promise<TenantQuota> | undefined }>();

  const merge = (overrides: QuotaOverrides): TenantQuota => ({
    maxConnections: overrides.maxConnections ?? defaults.maxConnections,
    eventsPerSecond: overrides.eventsPerSecond ?? defaults.eventsPerSecond,
    socketEvents: overrides.socketEvents ?? defaults.socketEvents,
  });

  return {
    of(tenant) {
      if (load === undefined) return Promise.resolve(defaults);
      const entry = cache.get(tenant);
      if (entry?.quota !== undefined && now() - entry.at < ttlMs) return Promise.resolve(entry.quota);
      if (entry?.loading !== undefined) return entry.quota !== undefined ? Promise.resolve(entry.quota) : entry.loading;
      const known = entry?.quota;
      const loading = withTimeout(load(tenant), timeoutMs).then((overrides) => {
        // undefined: the read failed or was too slow; keep what we had (the next call retries).
        if (overrides === undefined) {
          cache.set(tenant, { quota: known, at: entry?.at ?? 0 });
          return known ?? defaults;
        }
        const quota = merge(overrides);
        cache.set(tenant, { quota, at: now() });
        return quota;
      });
      cache.set(tenant, { quota: known, at: entry?.at ?? 0, loading });
      // A stale value answers at once while the row is read again.
      return known !== undefined ? Promise.resolve(known) : loading;
    },
  };
}

/** Reads `tenant_limits` (migration 20261201071658_tenant_limits). */
export function dbQuotaOverrides(db: Db): (tenant: string) => Promise<QuotaOverrides | undefined> {
  return async (tenant) => {
    const rows = await db.prisma.$queryRaw<Array<{ max_connections: number | null; events_per_second: number | null; socket_events: number | null }>>`
      SELECT max_connections, events_per_second, socket_events FROM tenant_limits WHERE tenant_id = ${tenant}`;
    const row = rows[0];
    if (row === undefined) return {};
    return { maxConnections: row.max_connections, eventsPerSecond: row.events_per_second, socketEvents: row.socket_events };
  };
}
