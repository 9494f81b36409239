/**
 * Idempotency keys, claimed inside the caller's transaction next to the effect they guard.
 *
 * A key is scoped to (tenant, sender, key) and bound to the request it was first used for:
 * `claimKey` inserts the row with the request's fingerprint (`requestFingerprint`) with ON
 * CONFLICT DO NOTHING. PostgreSQL makes a concurrent insert of the same key wait until the
 * first transaction ends: if it commits, the second sees the conflict and reads the stored
 * row; if it rolls back, the second claims the key itself. So at most one transaction per
 * key ever commits an effect, and every later attempt with the *same* request gets that
 * transaction's answer. A later attempt with a different request (another payload or
 * stream) throws IdempotencyConflictError, as payment APIs do: silently answering the first
 * event's result would tell the sender its second event was stored. The caller must store
 * the answer with `recordResult` before committing.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "./generated/prisma/client";
import type { DbTransaction } from "./db-client";

export interface KeyRef {
  tenant: string;
  /** The sender, `<role>:<sub>`. */
  source: string;
  key: string;
  /** `requestFingerprint` of what the key is used for; omitted, a repeat is not compared. */
  fingerprint?: string | undefined;
}

export type Claim = { fresh: true } | { fresh: false; result: unknown };

/** The key was first used for a different request; nothing was written. */
export class IdempotencyConflictError extends Error {
  override name = "IdempotencyConflictError";
  constructor() {
    super("this idempotency key was already used for a different request");
  }
}

/** SHA-256 (hex) of a JSON value with object keys sorted, so key order does not matter. */
export function requestFingerprint(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export async function claimKey(tx: DbTransaction, ref: KeyRef): Promise<Claim> {
  const hash = ref.fingerprint ?? null;
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_keys (tenant_id, source, key, request_hash) VALUES (${ref.tenant}, ${ref.source}, ${ref.key}, ${hash})
    ON CONFLICT DO NOTHING`;
  if (inserted === 1) return { fresh: true };
  const rows = await tx.$queryRaw<Array<{ result: unknown; request_hash: string | null }>>`
    SELECT result, request_hash FROM idempotency_keys WHERE tenant_id = ${ref.tenant} AND source = ${ref.source} AND key = ${ref.key}`;
  const stored = rows[0];
  if (hash !== null && stored?.request_hash != null && stored.request_hash !== hash) throw new IdempotencyConflictError();
  return { fresh: false, result: stored?.result ?? null };
}

export async function recordResult(tx: DbTransaction, ref: KeyRef, result: unknown): Promise<void> {
  await tx.$executeRaw`
    UPDATE idempotency_keys SET result = ${JSON.stringify(result)}::jsonb
    WHERE tenant_id = ${ref.tenant} AND source = ${ref.source} AND key = ${ref.key}`;
}

/** Deletes keys older than `olderThan` (call with the retention window). */
export async function deleteExpiredKeys(client: Prisma.TransactionClient | DbTransaction, olderThan: Date): Promise<number> {
  return client.$executeRaw`DELETE FROM idempotency_keys WHERE created_at < ${olderThan}`;
}
