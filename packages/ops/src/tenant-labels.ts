/**
 * Bounded `tenant` label values for one process's metrics. The first `maxTenants` distinct
 * tenants this process labels keep their own value; every later one is counted under
 * OTHER_TENANT, so a deployment with thousands of tenants makes at most `maxTenants + 1`
 * series per metric and node. First come, first labelled, per process: which tenants get
 * their own label can differ between nodes and changes on restart (sum by tenant in
 * Prometheus still adds up; "(other)" is then a different set on each node).
 * `(other)` cannot be a tenant id (ids match [A-Za-z0-9_-]).
 */
export const OTHER_TENANT = "(other)";

export interface TenantLabels {
  /** The label value for `tenant`. */
  of(tenant: string): string;
}

export function createTenantLabels(maxTenants: number): TenantLabels {
  const labelled = new Set<string>();
  return {
    of(tenant) {
      if (labelled.has(tenant)) return tenant;
      if (labelled.size >= maxTenants) return OTHER_TENANT;
      labelled.add(tenant);
      return tenant;
    },
  };
}
