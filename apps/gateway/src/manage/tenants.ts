/**
 * Tenants: create (deployment operators only), list, read, update (name, allowed origins,
 * and — operators only — the per-tenant quotas in `tenant_limits`). A new tenant gets a
 * fresh widget key (widget-keys.ts). Allowed origins are the sites that may embed the
 * widget and open sockets for the tenant; gateways pick up a change within their origin
 * cache's lifetime (http/tenant-origins.ts, 10 s).
 */
import { z } from "zod";
import { assertOperator, assertTenantAccess, scopeOf, type Actor } from "./actor";
import { keyHint } from "./audit";
import { isUniqueViolation, type ManageDeps } from "./manage-deps";
import { ManageError } from "./manage-error";
import { limitsInput, nameInput, originsInput, parseInput, tenantIdInput } from "./inputs";
import { newWidgetKey } from "./widget-keys";

export interface TenantLimitsView {
  maxConnections: number | null;
  eventsPerSecond: number | null;
  socketEvents: number | null;
}

export interface TenantView {
  id: string;
  name: string;
  /** Public: the widget's embed snippet carries it. */
  widgetKey: string;
  allowedOrigins: string[];
  createdAt: string;
  /** Per-tenant quota overrides; null: the deployment's defaults. */
  limits: TenantLimitsView | null;
}

export const createTenantInput = z.object({ id: tenantIdInput, name: nameInput, origins: originsInput.default([]), limits: limitsInput.optional() }).strict();
export const updateTenantInput = z
  .object({
    name: nameInput.optional(),
    origins: originsInput.optional(),
    addOrigins: originsInput.optional(),
    removeOrigins: originsInput.optional(),
    limits: limitsInput.optional(),
  })
  .strict()
  .refine((u) => Object.values(u).some((v) => v !== undefined), "nothing to change")
  .refine((u) => u.origins === undefined || (u.addOrigins === undefined && u.removeOrigins === undefined), "give origins (the whole list) or addOrigins/removeOrigins, not both");

type Row = { id: string; name: string; widgetKey: string; allowedOrigins: string[]; createdAt: Date };
type LimitsRow = { tenantId: string; maxConnections: number | null; eventsPerSecond: number | null; socketEvents: number | null };

function view(row: Row, limits: LimitsRow | undefined | null): TenantView {
  return {
    id: row.id,
    name: row.name,
    widgetKey: row.widgetKey,
    allowedOrigins: row.allowedOrigins,
    createdAt: row.createdAt.toISOString(),
    limits: limits ? { maxConnections: limits.maxConnections, eventsPerSecond: limits.eventsPerSecond, socketEvents: limits.socketEvents } : null,
  };
}

export async function createTenant(deps: ManageDeps, actor: Actor, input: unknown): Promise<TenantView> {
  assertOperator(actor, "creating a tenant");
  const { id, name, origins, limits } = parseInput(createTenantInput, input, "tenant");
  const widgetKey = newWidgetKey();
  try {
    const [row, limitsRow] = await deps.db.prisma.$transaction(async (tx) => {
      const created = await tx.tenant.create({ data: { id, name, widgetKey, allowedOrigins: origins } });
      const l = limits === undefined ? null : await tx.tenantLimits.upsert({ where: { tenantId: id }, create: { tenantId: id, ...limits }, update: limits });
      return [created, l] as const;
    });
    deps.audit(actor, { action: "tenant.create", target: { tenant: id }, changes: { name, allowedOrigins: origins, keyHint: keyHint(widgetKey), ...(limits ? { limits } : {}) } });
    return view(row, limitsRow);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ManageError("invalid", `tenant ${id} already exists`);
    throw error;
  }
}

export async function listTenants(deps: ManageDeps, actor: Actor): Promise<TenantView[]> {
  if (actor.kind === "token" && actor.role !== "admin") throw new ManageError("forbidden", "requires the admin role");
  const scope = scopeOf(actor);
  const rows = await deps.db.prisma.tenant.findMany({ where: scope === undefined ? {} : { id: scope }, orderBy: { id: "asc" } });
  const limits = await deps.db.prisma.tenantLimits.findMany({ where: { tenantId: { in: rows.map((r) => r.id) } } });
  const byTenant = new Map(limits.map((l) => [l.tenantId, l]));
  return rows.map((row) => view(row, byTenant.get(row.id)));
}

export async function getTenant(deps: ManageDeps, actor: Actor, tenant: unknown): Promise<TenantView> {
  const id = parseInput(tenantIdInput, tenant, "tenant id");
  assertTenantAccess(actor, id);
  const row = await deps.db.prisma.tenant.findUnique({ where: { id } });
  if (row === null) throw new ManageError("not_found", `no tenant ${id}`);
  return view(row, await deps.db.prisma.tenantLimits.findUnique({ where: { tenantId: id } }));
}

export async function updateTenant(deps: ManageDeps, actor: Actor, tenant: unknown, input: unknown): Promise<TenantView> {
  const id = parseInput(tenantIdInput, tenant, "tenant id");
  assertTenantAccess(actor, id);
  const change = parseInput(updateTenantInput, input, "tenant update");
  if (change.limits !== undefined) assertOperator(actor, "changing a tenant's limits");
  const [row, limitsRow, before] = await deps.db.prisma.$transaction(async (tx) => {
    // The row lock serialises concurrent add/remove edits of one tenant's origins.
    const [current] = await tx.$queryRaw<Array<{ allowed_origins: string[] }>>`SELECT allowed_origins FROM tenants WHERE id = ${id} FOR UPDATE`;
    if (current === undefined) throw new ManageError("not_found", `no tenant ${id}`);
    let origins = change.origins ?? current.allowed_origins;
    if (change.addOrigins) origins = [...new Set([...origins, ...change.addOrigins])];
    if (change.removeOrigins) origins = origins.filter((o) => !change.removeOrigins?.includes(o));
    const updated = await tx.tenant.update({ where: { id }, data: { ...(change.name === undefined ? {} : { name: change.name }), allowedOrigins: origins } });
    const limits =
      change.limits === undefined
        ? await tx.tenantLimits.findUnique({ where: { tenantId: id } })
        : await tx.tenantLimits.upsert({ where: { tenantId: id }, create: { tenantId: id, ...change.limits }, update: change.limits });
    return [updated, limits, current.allowed_origins] as const;
  });
  const originsChanged = JSON.stringify(before) !== JSON.stringify(row.allowedOrigins);
  deps.audit(actor, {
    action: "tenant.update",
    target: { tenant: id },
    changes: {
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(originsChanged ? { allowedOrigins: row.allowedOrigins } : {}),
      ...(change.limits === undefined ? {} : { limits: change.limits }),
    },
  });
  return view(row, limitsRow);
}
