/**
 * Quarantined events, for operators. The relay quarantines an event it failed to emit
 * `maxAttempts` times (relay-outbox.ts `quarantine`): it leaves outbox_pending, a replay
 * (readStream) returns the protocol's placeholder in its place, its stream's cursor moves
 * past it so later events flow, and its row keeps its data, attempts, last error and
 * reason until retention. Nothing is ever dropped silently.
 */
import type { DbClient } from "../db-client";

export const MAX_REASON_LENGTH = 1000;

export interface QuarantinedEvent {
  id: string;
  stream: string;
  offset: number;
  attempts: number;
  reason: string;
  lastError: string | null;
  quarantinedAt: Date;
}

/** The newest quarantined events, for operators. */
export async function listQuarantined(db: DbClient, limit = 100): Promise<QuarantinedEvent[]> {
  const rows = await db.$queryRaw<
    Array<{ id: string; stream: string; stream_offset: bigint | number; attempts: number; quarantine_reason: string | null; last_error: string | null; quarantined_at: Date }>
  >`
    SELECT id::text AS id, stream, stream_offset, attempts, quarantine_reason, last_error, quarantined_at
    FROM outbox_events WHERE quarantined_at IS NOT NULL
    ORDER BY quarantined_at DESC LIMIT ${limit}::int`;
  return rows.map((row) => ({
    id: row.id,
    stream: row.stream,
    offset: Number(row.stream_offset),
    attempts: row.attempts,
    reason: row.quarantine_reason ?? "",
    lastError: row.last_error,
    quarantinedAt: row.quarantined_at,
  }));
}
