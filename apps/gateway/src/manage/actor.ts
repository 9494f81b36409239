/**
 * Who asks for an administrative change, and over which tenants they may act.
 *
 * - The CLI (`roomcast …`) runs on a machine that holds the database credentials: it acts
 *   for the whole deployment (`kind: "cli"`, named after the OS user for the audit log).
 * - A token with role `admin` acts for its own tenant (a tenant admin).
 * - A deployment operator token is a token with role `admin` and the reserved tenant claim
 *   `tid: "_deployment"` (OPERATOR_TENANT): it acts for every tenant. No tenant may be
 *   created with that id, so the claim cannot collide with a customer's tokens.
 *   (`roomcast token --operator` signs one with the configured secret.)
 */
import type { Role } from "@roomcast/protocol";
import { ManageError } from "./manage-error";

export const OPERATOR_TENANT = "_deployment";

export type Actor = { kind: "cli"; user: string } | { kind: "token"; sub: string; tenant: string; role: Role };

/** Whether the actor acts for every tenant. */
export function isOperator(actor: Actor): boolean {
  return actor.kind === "cli" || (actor.role === "admin" && actor.tenant === OPERATOR_TENANT);
}

/** The one tenant a tenant admin may touch; undefined for an operator (all tenants). */
export function scopeOf(actor: Actor): string | undefined {
  return actor.kind === "token" && !isOperator(actor) ? actor.tenant : undefined;
}

/** Refuses (`forbidden`) an actor that is not an admin, or a tenant admin acting on another tenant. */
export function assertTenantAccess(actor: Actor, tenant: string): void {
  if (actor.kind === "token" && actor.role !== "admin") throw new ManageError("forbidden", "requires the admin role");
  const scope = scopeOf(actor);
  if (scope !== undefined && scope !== tenant) throw new ManageError("forbidden", `this token administers tenant ${scope} only`);
}

/** Refuses (`forbidden`) everyone but a deployment operator. */
export function assertOperator(actor: Actor, what: string): void {
  if (!isOperator(actor)) throw new ManageError("forbidden", `${what} needs a deployment operator (the CLI, or an admin token of tenant ${OPERATOR_TENANT})`);
}

/** The actor as an audit line names it. */
export function describeActor(actor: Actor): Record<string, string> {
  return actor.kind === "cli" ? { kind: "cli", user: actor.user } : { kind: "token", sub: actor.sub, tenant: actor.tenant, role: actor.role };
}
