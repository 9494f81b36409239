/**
 * Widget keys: the public key a tenant's embed snippet carries (`data-widget-key`). It is
 * not a secret (any visitor's page source shows it): which sites may use it is the
 * tenant's allowed origins. Rotating replaces it at once: the old key is refused from the
 * next widget session on (sessions already started keep their visitor tokens).
 */
import { randomBytes } from "node:crypto";
import { assertTenantAccess, type Actor } from "./actor";
import { keyHint } from "./audit";
import type { ManageDeps } from "./manage-deps";
import { ManageError } from "./manage-error";
import { parseInput, tenantIdInput } from "./inputs";

export function newWidgetKey(): string {
  return `wk_${randomBytes(24).toString("base64url")}`;
}

export async function rotateWidgetKey(deps: ManageDeps, actor: Actor, tenant: unknown): Promise<{ tenant: string; widgetKey: string }> {
  const id = parseInput(tenantIdInput, tenant, "tenant id");
  assertTenantAccess(actor, id);
  const widgetKey = newWidgetKey();
  const { count } = await deps.db.prisma.tenant.updateMany({ where: { id }, data: { widgetKey } });
  if (count === 0) throw new ManageError("not_found", `no tenant ${id}`);
  deps.audit(actor, { action: "widget-key.rotate", target: { tenant: id }, changes: { keyHint: keyHint(widgetKey) } });
  return { tenant: id, widgetKey };
}
