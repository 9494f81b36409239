/**
 * Console users (agents and admins) of a tenant: create, list, disable / enable, set a
 * password. Emails are unique per tenant, stored in lower case. A user created without a
 * password cannot sign in until one is set. Disabling refuses sign-in from then on and,
 * where the caller has a revoker (the admin API), revokes the user's tokens on every node
 * at once; through the CLI (no revoker), tokens already issued end at their `exp`
 * (ROOMCAST_CONSOLE_TOKEN_TTL_SECONDS) unless `roomcast revoke` is run against a node.
 */
import { newId } from "@roomcast/chat";
import { idSchema } from "@roomcast/protocol";
import { z } from "zod";
import { assertTenantAccess, type Actor } from "./actor";
import { isUniqueViolation, type ManageDeps } from "./manage-deps";
import { ManageError } from "./manage-error";
import { emailInput, nameInput, parseInput, staffRoleInput, tenantIdInput } from "./inputs";
import { hashPassword, NO_PASSWORD } from "./passwords";

export interface UserView {
  id: string;
  tenant: string;
  email: string;
  name: string;
  role: string;
  hasPassword: boolean;
  disabled: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export const createUserInput = z
  .object({ email: emailInput, role: staffRoleInput, name: nameInput.optional(), id: idSchema.optional(), password: z.string().optional() })
  .strict();

type Row = { id: string; tenantId: string; email: string; name: string; role: string; passwordHash: string; createdAt: Date; disabledAt: Date | null };

function view(row: Row): UserView {
  return {
    id: row.id,
    tenant: row.tenantId,
    email: row.email,
    name: row.name,
    role: row.role,
    hasPassword: row.passwordHash !== NO_PASSWORD,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

async function assertTenantExists(deps: ManageDeps, tenant: string): Promise<void> {
  if ((await deps.db.prisma.tenant.count({ where: { id: tenant } })) === 0) throw new ManageError("not_found", `no tenant ${tenant}`);
}

function target(actor: Actor, tenant: unknown): string {
  const id = parseInput(tenantIdInput, tenant, "tenant id");
  assertTenantAccess(actor, id);
  return id;
}

export async function createUser(deps: ManageDeps, actor: Actor, tenant: unknown, input: unknown): Promise<UserView> {
  const tenantId = target(actor, tenant);
  const { email, role, name, id, password } = parseInput(createUserInput, input, "user");
  // Validated (and hashed) before anything is written.
  const passwordHash = password === undefined ? NO_PASSWORD : await hashPassword(password);
  await assertTenantExists(deps, tenantId);
  const userId = id ?? newId("u");
  try {
    const row = await deps.db.prisma.user.create({ data: { id: userId, tenantId, email, name: name ?? email.split("@")[0] ?? email, role, passwordHash } });
    deps.audit(actor, { action: "user.create", target: { tenant: tenantId, user: userId, email }, changes: { role, passwordSet: password !== undefined } });
    return view(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ManageError("invalid", `tenant ${tenantId} already has a user with this email or id`);
    throw error;
  }
}

export async function listUsers(deps: ManageDeps, actor: Actor, tenant: unknown): Promise<UserView[]> {
  const tenantId = target(actor, tenant);
  await assertTenantExists(deps, tenantId);
  return (await deps.db.prisma.user.findMany({ where: { tenantId }, orderBy: { email: "asc" } })).map(view);
}

async function updateUser(deps: ManageDeps, tenantId: string, email: string, data: { disabledAt?: Date | null; passwordHash?: string }): Promise<Row> {
  const { count } = await deps.db.prisma.user.updateMany({ where: { tenantId, email }, data });
  if (count === 0) {
    await assertTenantExists(deps, tenantId);
    throw new ManageError("not_found", `tenant ${tenantId} has no user ${email}`);
  }
  return deps.db.prisma.user.findFirstOrThrow({ where: { tenantId, email } });
}

export async function disableUser(deps: ManageDeps, actor: Actor, tenant: unknown, email: unknown): Promise<UserView & { tokensRevoked: boolean }> {
  const tenantId = target(actor, tenant);
  const address = parseInput(emailInput, email, "email");
  const now = deps.now?.() ?? Date.now();
  const row = await updateUser(deps, tenantId, address, { disabledAt: new Date(now) });
  let tokensRevoked = false;
  if (deps.revoke !== undefined) {
    // The user is disabled whatever happens here; a revocation that fails is reported, not fatal.
    tokensRevoked = await deps.revoke({ kind: "user", tenant: tenantId, sub: row.id, at: now }).then(
      () => true,
      () => false,
    );
  }
  deps.audit(actor, { action: "user.disable", target: { tenant: tenantId, user: row.id, email: address }, changes: { tokensRevoked } });
  return { ...view(row), tokensRevoked };
}

export async function enableUser(deps: ManageDeps, actor: Actor, tenant: unknown, email: unknown): Promise<UserView> {
  const tenantId = target(actor, tenant);
  const address = parseInput(emailInput, email, "email");
  const row = await updateUser(deps, tenantId, address, { disabledAt: null });
  deps.audit(actor, { action: "user.enable", target: { tenant: tenantId, user: row.id, email: address } });
  return view(row);
}

export async function setPassword(deps: ManageDeps, actor: Actor, tenant: unknown, email: unknown, password: unknown): Promise<UserView> {
  const tenantId = target(actor, tenant);
  const address = parseInput(emailInput, email, "email");
  const passwordHash = await hashPassword(password);
  const row = await updateUser(deps, tenantId, address, { passwordHash });
  deps.audit(actor, { action: "user.set-password", target: { tenant: tenantId, user: row.id, email: address }, changes: { passwordSet: true } });
  return view(row);
}
