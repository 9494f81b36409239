/**
 * A tenant's identity secret (docs/chat.md "Visitor context"): the key of the HMAC a site's
 * server computes for `identify({ userId, userHash })`. Set (given, 16 to 256 characters),
 * generated (32 random bytes, base64url, answered once so the operator can copy it to the
 * site's server) or cleared (identities are then accepted and shown as unverified). Unlike
 * the widget key it is a secret: it is never listed, logged or audited, only whether it is set.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { assertTenantAccess, type Actor } from "./actor";
import type { ManageDeps } from "./manage-deps";
import { ManageError } from "./manage-error";
import { parseInput, tenantIdInput } from "./inputs";

export const secretInput = z.union([
  z.object({ secret: z.string().min(16, "at least 16 characters").max(256, "at most 256 characters") }).strict(),
  z.object({ generate: z.literal(true) }).strict(),
  z.object({ clear: z.literal(true) }).strict(),
]);

export interface IdentitySecretResult {
  tenant: string;
  /** Whether identities must now carry a matching userHash. */
  verification: "on" | "off";
  /** Only when generated: the new secret, shown this once. */
  secret?: string;
}

export async function setIdentitySecret(deps: ManageDeps, actor: Actor, tenant: unknown, input: unknown): Promise<IdentitySecretResult> {
  const id = parseInput(tenantIdInput, tenant, "tenant id");
  assertTenantAccess(actor, id);
  const change = parseInput(secretInput, input, "identity secret (give secret, generate: true or clear: true)");
  const secret = "secret" in change ? change.secret : "generate" in change ? randomBytes(32).toString("base64url") : null;
  const { count } = await deps.db.prisma.tenant.updateMany({ where: { id }, data: { identitySecret: secret } });
  if (count === 0) throw new ManageError("not_found", `no tenant ${id}`);
  deps.audit(actor, { action: "identity-secret.set", target: { tenant: id }, changes: { verification: secret === null ? "off" : "on" } });
  return { tenant: id, verification: secret === null ? "off" : "on", ...("generate" in change && secret !== null ? { secret } : {}) };
}
