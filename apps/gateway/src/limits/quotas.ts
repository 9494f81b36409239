/**
 * Per-tenant quotas, wired for one gateway: each tenant's limits (tenant-limits.ts), its
 * open sockets counted cluster-wide (tenant-connections.ts), checked by a handshake
 * middleware (`rate_limited`, the SDK retries later), and the event limits per socket and
 * per tenant (socket/rate-limit.ts) applied to each socket. `close()` stops the counts' timers.
 */
import type { Config } from "@roomcast/config";
import type { Db } from "@roomcast/db";
import type { ConnectErrorData } from "@roomcast/protocol";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { createEventLimits, type RateLimitHooks } from "../socket/rate-limit";
import type { GatewaySocket } from "../socket/socket-types";
import { createTenantConnections, type TenantConnections } from "./tenant-connections";
import { createTenantLimits, dbQuotaOverrides, type TenantLimits } from "./tenant-limits";

export interface Quotas {
  limits: TenantLimits;
  connections: TenantConnections;
  /** Socket.IO middleware, after authentication: refuses a tenant at its connection quota. */
  gate(socket: GatewaySocket, next: (err?: Error) => void): void;
  onConnection(socket: GatewaySocket, hooks: RateLimitHooks): void;
  close(): Promise<void>;
}

export interface QuotaDeps {
  config: Readonly<Config>;
  logger: Logger;
  redis?: Redis | Cluster | undefined;
  /** Where per-tenant overrides are read (tenant_limits); omitted, the defaults apply to all. */
  db?: Db | undefined;
  onRefused?(): void;
}

export function createQuotas(deps: QuotaDeps): Quotas {
  const { config, logger } = deps;
  const redis = deps.redis === undefined ? undefined : { client: deps.redis, prefix: config.redisPrefix };
  const limits = createTenantLimits({
    defaults: {
      maxConnections: config.limits.tenantMaxConnections,
      eventsPerSecond: config.limits.tenantEventsPerSecond,
      socketEvents: config.limits.rateLimitEvents,
    },
    load: deps.db === undefined ? undefined : dbQuotaOverrides(deps.db),
  });
  const connections = createTenantConnections({ nodeId: config.nodeId, logger, redis });
  connections.start();
  const events = createEventLimits({ limits, windowSeconds: config.limits.rateLimitWindowSeconds, warnings: config.limits.rateLimitWarnings, redis });

  return {
    limits,
    connections,
    gate(socket, next) {
      const { tenant } = socket.data.principal;
      (async () => {
        const quota = await limits.of(tenant);
        if (await connections.admits(tenant, quota.maxConnections)) return next();
        deps.onRefused?.();
        logger.info({ tenant, max: quota.maxConnections }, "tenant connection quota reached; handshake refused");
        const refusal = new Error("your organisation has too many open connections") as Error & { data: ConnectErrorData };
        refusal.data = { code: "rate_limited" };
        next(refusal);
      })().catch(() => next());
    },
    onConnection(socket, hooks) {
      const { tenant } = socket.data.principal;
      connections.opened(tenant);
      socket.once("disconnect", () => connections.closed(tenant));
      events.apply(socket, hooks);
    },
    close: () => connections.close(),
  };
}
