/**
 * Tenants and console users for development and tests. Idempotent and safe to run from
 * several gateways at once (inserts skip rows that exist; nothing is updated).
 *
 * The demo tenant (`demo`, widget key DEMO_WIDGET_KEY, users below with DEMO_PASSWORD) is
 * for development only: its password is public (docs/chat.md).
 */
import type { Db } from "@roomcast/db";
import bcrypt from "bcryptjs";

export const DEMO_TENANT = "demo";
export const DEMO_WIDGET_KEY = "demo-widget-key";
export const DEMO_PASSWORD = "demo";
/** The demo tenant's identity secret (public, development only): `identify` needs userHash = HMAC-SHA256(this, userId). */
export const DEMO_IDENTITY_SECRET = "demo-identity-secret";
export const DEMO_USERS = [
  { id: "ana", email: "ana@demo.test", name: "Ana (agent)", role: "agent" },
  { id: "ben", email: "ben@demo.test", name: "Ben (agent)", role: "agent" },
  { id: "ada", email: "admin@demo.test", name: "Ada (admin)", role: "admin" },
] as const;

export interface SeedUser {
  id: string;
  email: string;
  name: string;
  role: "agent" | "admin";
  password: string;
}

export interface SeedTenant {
  id: string;
  name: string;
  widgetKey: string;
  allowedOrigins: string[];
  users: SeedUser[];
  /** The tenant's identity secret (visitor-context.ts); omitted, none. */
  identitySecret?: string | undefined;
}

const BCRYPT_ROUNDS = 10;

export async function seedTenant(db: Db, tenant: SeedTenant): Promise<void> {
  await db.prisma.tenant.createMany({
    data: [{ id: tenant.id, name: tenant.name, widgetKey: tenant.widgetKey, allowedOrigins: tenant.allowedOrigins, identitySecret: tenant.identitySecret ?? null }],
    skipDuplicates: true,
  });
  const existing = new Set((await db.prisma.user.findMany({ where: { tenantId: tenant.id }, select: { email: true } })).map((u) => u.email));
  const fresh = tenant.users.filter((u) => !existing.has(u.email));
  if (fresh.length === 0) return;
  const rows = await Promise.all(
    fresh.map(async (u) => ({ id: u.id, tenantId: tenant.id, email: u.email, name: u.name, role: u.role, passwordHash: await bcrypt.hash(u.password, BCRYPT_ROUNDS) })),
  );
  await db.prisma.user.createMany({ data: rows, skipDuplicates: true });
}

export function seedDemo(db: Db): Promise<void> {
  return seedTenant(db, {
    id: DEMO_TENANT,
    name: "Demo",
    widgetKey: DEMO_WIDGET_KEY,
    allowedOrigins: [],
    users: DEMO_USERS.map((u) => ({ ...u, password: DEMO_PASSWORD })),
    identitySecret: DEMO_IDENTITY_SECRET,
  });
}

const NO_USER_HASH = "$2b$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinvali";

/**
 * A user whose email and password match, or null (the same answer for an unknown email, a
 * wrong password, a disabled user and one who has no password yet). An email matches as
 * typed or in lower case.
 */
export async function verifyUser(db: Db, tenant: string, email: string, password: string): Promise<{ id: string; name: string; role: "agent" | "admin" } | null> {
  // Exact, or in lower case (how the operator CLI and admin API store emails); not ILIKE, whose `_` and `%` are wildcards.
  const candidates = await db.prisma.user.findMany({ where: { tenantId: tenant, email: { in: [email, email.toLowerCase()] } } });
  const user = candidates.find((u) => u.email === email) ?? candidates[0] ?? null;
  // Compare against a fixed hash when there is no usable hash, so timing does not reveal which emails exist.
  const hash = user !== null && user.passwordHash.startsWith("$2") ? user.passwordHash : NO_USER_HASH;
  const ok = await bcrypt.compare(password, hash);
  if (user === null || !ok || hash === NO_USER_HASH || user.disabledAt !== null || (user.role !== "agent" && user.role !== "admin")) return null;
  return { id: user.id, name: user.name, role: user.role };
}
