/**
 * Per-tenant browser origins (Tenant.allowedOrigins): the sites a tenant embeds the widget
 * on. A multi-tenant gateway cannot list every customer site in one environment variable,
 * so the Origin check is in two steps:
 *   1. before authentication (Engine.IO allowRequest, CORS): the Origin must be allowed
 *      globally, be the gateway's own, or be listed by *some* tenant;
 *   2. after authentication (handshake middleware): an Origin that is not globally allowed
 *      must be listed by the principal's own tenant.
 * The table is read at most once per `ttlMs` (lazily, no timer), so a new tenant origin
 * takes effect within that time on every node.
 */
import type { Db } from "@roomcast/db";

export interface TenantOrigins {
  /** Whether any tenant lists this origin. */
  known(origin: string): Promise<boolean>;
  /** Whether `tenant` lists this origin. */
  allows(tenant: string, origin: string): Promise<boolean>;
}

export function createTenantOrigins(db: Db, ttlMs = 10_000, now: () => number = Date.now): TenantOrigins {
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<Map<string, Set<string>>> | undefined;
  let byTenant = new Map<string, Set<string>>();
  let all = new Set<string>();

  const table = async (): Promise<Map<string, Set<string>>> => {
    if (now() - loadedAt < ttlMs) return byTenant;
    loading ??= db.prisma.tenant
      .findMany({ select: { id: true, allowedOrigins: true } })
      .then((rows) => {
        byTenant = new Map(rows.map((row) => [row.id, new Set(row.allowedOrigins)]));
        all = new Set(rows.flatMap((row) => row.allowedOrigins));
        loadedAt = now();
        return byTenant;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async known(origin) {
      await table();
      return all.has(origin);
    },
    async allows(tenant, origin) {
      return (await table()).get(tenant)?.has(origin) ?? false;
    },
  };
}
