/**
 * Idempotency keys, claimed inside the caller's transaction next to the effect they guard.
 *
 * `claimKey` inserts (tenant, source, key) with ON CONFLICT DO NOTHING. PostgreSQL makes a
 * concurrent insert of the same key wait until the first transaction ends: if it commits,
 * the second sees the conflict and reads the stored result; if it rolls back, the second
 * claims the key itself. So at most one transaction per key ever commits an effect, and
 * every later attempt gets that transaction's answer. The caller must store the answer
 * with `recordResult` before committing.
 */
import type { Prisma } from "./generated/prisma/client";
import type { DbTransaction } from "./db-client";

export interface KeyRef {
  tenant: string;
  /** The sender, `<role>:<sub>`. */
  source: string;
  key: string;
}

export type Claim = { fresh: true } | { fresh: false; result: unknown };

export async function claimKey(tx: DbTransaction, ref: KeyRef): Promise<Claim> {
  const inserted = await tx.$executeRaw`
    INSERT INTO idempotency_keys (tenant_id, source, key) VALUES (${ref.tenant}, ${ref.source}, ${ref.key})
    ON CONFLICT DO NOTHING`;
  if (inserted === 1) return { fresh: true };
  const rows = await tx.$queryRaw<Array<{ result: unknown }>>`
    SELECT result FROM idempotency_keys WHERE tenant_id = ${ref.tenant} AND source = ${ref.source} AND key = ${ref.key}`;
  return { fresh: false, result: rows[0]?.result ?? null };
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
