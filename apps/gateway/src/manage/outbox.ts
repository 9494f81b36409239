/**
 * Quarantined outbox events for operators: list them, and re-drive them (publish them
 * again as new events at their streams' heads; @roomcast/db outbox/redrive.ts says how).
 * A tenant admin sees and re-drives only the tenant's own events. Re-driving explicit ids
 * is all or nothing: any refused id (unknown, not quarantined, already re-driven, unknown
 * channel, invalid data) refuses the whole call with `invalid` (or `not_found` when every
 * refused id is unknown) and `details.refused` listing why, and nothing changes.
 */
import { listQuarantined, MAX_QUARANTINE_LIST, MAX_REDRIVE, redriveQuarantined, type QuarantinedEvent, type RedriveRefusal, type RedrivenEvent } from "@roomcast/db";
import { z } from "zod";
import { assertTenantAccess, scopeOf, type Actor } from "./actor";
import type { ManageDeps } from "./manage-deps";
import { ManageError } from "./manage-error";
import { parseInput, tenantIdInput } from "./inputs";

export const quarantineListInput = z.object({ tenant: tenantIdInput.optional(), limit: z.coerce.number().int().min(1).max(MAX_QUARANTINE_LIST).optional() }).strict();
export const redriveInput = z.union([
  z.object({ ids: z.array(z.uuid("must be an event id (a UUID)")).min(1, "give at least one id").max(MAX_REDRIVE) }).strict(),
  z.object({ all: z.literal(true), tenant: tenantIdInput.optional() }).strict(),
], "give { ids: [...] } or { all: true, tenant? }");

export type QuarantinedView = Omit<QuarantinedEvent, "quarantinedAt" | "redrivenAt"> & { quarantinedAt: string; redrivenAt: string | null };

/** The tenant a listing or re-drive is limited to: a tenant admin's own, or the operator's choice. */
function scopedTenant(actor: Actor, requested: string | undefined): string | undefined {
  if (actor.kind === "token" && actor.role !== "admin") throw new ManageError("forbidden", "requires the admin role");
  if (requested !== undefined) {
    assertTenantAccess(actor, requested);
    return requested;
  }
  return scopeOf(actor);
}

export async function listQuarantinedEvents(deps: ManageDeps, actor: Actor, input: unknown): Promise<QuarantinedView[]> {
  const query = parseInput(quarantineListInput, input, "quarantine listing");
  const tenant = scopedTenant(actor, query.tenant);
  const rows = await listQuarantined(deps.db.prisma, { tenant, limit: query.limit });
  return rows.map((row) => ({ ...row, quarantinedAt: row.quarantinedAt.toISOString(), redrivenAt: row.redrivenAt?.toISOString() ?? null }));
}

export async function redriveEvents(deps: ManageDeps, actor: Actor, input: unknown): Promise<{ redriven: RedrivenEvent[]; skipped: RedriveRefusal[]; more: boolean }> {
  const request = parseInput(redriveInput, input, "re-drive");
  const tenant = scopedTenant(actor, "all" in request ? request.tenant : undefined);
  const result = await redriveQuarantined(deps.db.prisma, "ids" in request ? { ids: request.ids, tenant } : { all: true, tenant });
  if (!result.ok) {
    const code = result.refused.every((r) => r.reason === "not_found") ? "not_found" : "invalid";
    const summary = result.refused.slice(0, 3).map((r) => r.message).join("; ");
    throw new ManageError(code, `nothing was re-driven: ${summary}${result.refused.length > 3 ? ` (and ${result.refused.length - 3} more)` : ""}`, { refused: result.refused });
  }
  if (result.redriven.length > 0 || result.skipped.length > 0) {
    deps.audit(actor, {
      action: "outbox.redrive",
      target: tenant === undefined ? { scope: "all tenants" } : { tenant },
      changes: { redriven: result.redriven.map((r) => ({ id: r.id, as: r.redrivenAs, stream: r.stream })), skipped: result.skipped.map((s) => ({ id: s.id, reason: s.reason })) },
    });
  }
  return result;
}
