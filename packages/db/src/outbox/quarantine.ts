/**
 * Failure bookkeeping for the relay. `recordAttempt` counts a failed emit (run it outside
 * the relay's locked transaction, or after it rolls back, so the count survives); after
 * N attempts the relay calls `quarantine`, which sets the event aside with a reason:
 * it is no longer fetched (fetchUnpublished), a replay (readStream) returns the protocol's
 * placeholder in its place, its row is kept for an operator until retention, and the stream's cursor moves past it so later events flow.
 * Nothing is ever dropped silently: a quarantined row keeps its data and reason.
 */
import type { DbClient } from "../db-client";
import { advanceCursors } from "./mark-published";

export const MAX_REASON_LENGTH = 1000;

/** Adds one failed attempt with its error; returns the new attempt count (0: no such event). */
export async function recordAttempt(db: DbClient, id: string, error: string): Promise<number> {
  const rows = await db.$queryRaw<Array<{ attempts: number }>>`
    UPDATE outbox_events SET attempts = attempts + 1, last_error = ${error.slice(0, MAX_REASON_LENGTH)}
    WHERE id = ${id}::uuid
    RETURNING attempts`;
  return rows[0]?.attempts ?? 0;
}

/** Sets an unpublished event aside; returns false if it was already published or quarantined. */
export async function quarantine(db: DbClient, id: string, reason: string): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ stream: string; stream_offset: bigint | number }>>`
    UPDATE outbox_events
    SET quarantined_at = clock_timestamp(), quarantine_reason = ${reason.slice(0, MAX_REASON_LENGTH)}
    WHERE id = ${id}::uuid AND published_at IS NULL AND quarantined_at IS NULL
    RETURNING stream, stream_offset`;
  const row = rows[0];
  if (row === undefined) return false;
  await advanceCursors(db, [[row.stream, Number(row.stream_offset)]]);
  return true;
}

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
