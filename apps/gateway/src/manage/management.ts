/**
 * The administrative use cases, bound to their dependencies once: the CLI (cli/) and the
 * admin HTTP API (admin-api.routes.ts) both call these, so validation, authorization
 * (actor.ts), the write and the audit line are the same whichever transport asked.
 * Each operation parses its raw input itself; a refusal throws ManageError with a code
 * from the protocol's catalog, and nothing was changed.
 */
import type { Db } from "@roomcast/db";
import type { RevocationTarget } from "@roomcast/protocol";
import type { Logger } from "pino";
import type { Actor } from "./actor";
import { createAudit } from "./audit";
import { setIdentitySecret } from "./identity-secret";
import type { ManageDeps } from "./manage-deps";
import { listQuarantinedEvents, redriveEvents } from "./outbox";
import { createTenant, getTenant, listTenants, updateTenant } from "./tenants";
import { createUser, disableUser, enableUser, listUsers, setPassword } from "./users";
import { rotateWidgetKey } from "./widget-keys";

export function createManagement(deps: { db: Db; logger: Logger; revoke?: ((target: RevocationTarget) => Promise<void>) | undefined; now?: () => number }) {
  const d: ManageDeps = { db: deps.db, audit: createAudit(deps.logger), revoke: deps.revoke, now: deps.now };
  return {
    createTenant: (actor: Actor, input: unknown) => createTenant(d, actor, input),
    listTenants: (actor: Actor) => listTenants(d, actor),
    getTenant: (actor: Actor, tenant: unknown) => getTenant(d, actor, tenant),
    updateTenant: (actor: Actor, tenant: unknown, input: unknown) => updateTenant(d, actor, tenant, input),
    rotateWidgetKey: (actor: Actor, tenant: unknown) => rotateWidgetKey(d, actor, tenant),
    setIdentitySecret: (actor: Actor, tenant: unknown, input: unknown) => setIdentitySecret(d, actor, tenant, input),
    createUser: (actor: Actor, tenant: unknown, input: unknown) => createUser(d, actor, tenant, input),
    listUsers: (actor: Actor, tenant: unknown) => listUsers(d, actor, tenant),
    disableUser: (actor: Actor, tenant: unknown, email: unknown) => disableUser(d, actor, tenant, email),
    enableUser: (actor: Actor, tenant: unknown, email: unknown) => enableUser(d, actor, tenant, email),
    setPassword: (actor: Actor, tenant: unknown, email: unknown, password: unknown) => setPassword(d, actor, tenant, email, password),
    listQuarantined: (actor: Actor, input: unknown) => listQuarantinedEvents(d, actor, input),
    redrive: (actor: Actor, input: unknown) => redriveEvents(d, actor, input),
  };
}

export type Management = ReturnType<typeof createManagement>;
