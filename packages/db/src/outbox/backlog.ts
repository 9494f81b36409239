/**
 * Outbox figures for metrics and /readyz: what is waiting, and for how long. The age is
 * that of the oldest of the first pending rows (seq order is insert order, close to
 * commit order), so the query stays cheap however long the backlog.
 */
import type { DbClient } from "../db-client";

export interface OutboxBacklog {
  /** Committed events not yet emitted (nor quarantined). */
  pending: number;
  quarantined: number;
  /** Age of the oldest pending event in milliseconds; 0 when none is pending. */
  oldestPendingAgeMs: number;
}

export async function outboxBacklog(db: DbClient): Promise<OutboxBacklog> {
  const rows = await db.$queryRaw<Array<{ pending: bigint | number; quarantined: bigint | number; age_ms: number | null }>>`
    SELECT
      (SELECT count(*) FROM outbox_pending) AS pending,
      (SELECT count(*) FROM outbox_events WHERE quarantined_at IS NOT NULL) AS quarantined,
      (SELECT (extract(epoch FROM clock_timestamp() - min(o.created_at)) * 1000)::float8
         FROM (SELECT stream, stream_offset FROM outbox_pending ORDER BY seq LIMIT 100) q
         JOIN outbox_events o ON o.stream = q.stream AND o.stream_offset = q.stream_offset) AS age_ms`;
  const row = rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    quarantined: Number(row?.quarantined ?? 0),
    oldestPendingAgeMs: Math.max(0, Math.round(row?.age_ms ?? 0)),
  };
}
