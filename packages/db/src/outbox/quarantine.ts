/**
 * Quarantined events, for operators. The relay quarantines an event it failed to emit
 * `maxAttempts` times (relay-outbox.ts `quarantine`): it leaves outbox_pending, a replay
 * (readStream) returns the protocol's placeholder in its place, its stream's cursor moves
 * past it so later events flow, and its row keeps its data, attempts, last error and
 * reason until retention. Nothing is ever dropped silently. An operator may re-drive it
 * (redrive.ts): it is published again as a new event and its row says so
 * (`redrivenAt`, `redrivenAs`).
 */
import type { DbClient } from "../db-client";

export const MAX_REASON_LENGTH = 1000;
/** Most quarantined events one listing returns. */
export const MAX_QUARANTINE_LIST = 1000;

export interface QuarantinedEvent {
  id: string;
  tenant: string;
  stream: string;
  offset: number;
  channel: string;
  type: string;
  attempts: number;
  reason: string;
  lastError: string | null;
  quarantinedAt: Date;
  /** When it was re-driven (null: not yet). */
  redrivenAt: Date | null;
  /** The id of the event it was re-driven as. */
  redrivenAs: string | null;
}

export interface QuarantineQuery {
  /** Only this tenant's events. */
  tenant?: string | undefined;
  /** Most rows (default 100, at most MAX_QUARANTINE_LIST). */
  limit?: number | undefined;
}

/** The newest quarantined events, re-driven or not, newest first. */
export async function listQuarantined(db: DbClient, query: QuarantineQuery = {}): Promise<QuarantinedEvent[]> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), MAX_QUARANTINE_LIST);
  const tenant = query.tenant ?? null;
  const rows = await db.$queryRaw<
    Array<{
      id: string;
      tenant_id: string;
      stream: string;
      stream_offset: bigint | number;
      channel: string;
      type: string;
      attempts: number;
      quarantine_reason: string | null;
      last_error: string | null;
      quarantined_at: Date;
      redriven_at: Date | null;
      redriven_as: string | null;
    }>
  >`
    SELECT id::text AS id, tenant_id, stream, stream_offset, channel, type, attempts, quarantine_reason, last_error,
           quarantined_at, redriven_at, redriven_as::text AS redriven_as
    FROM outbox_events
    WHERE quarantined_at IS NOT NULL AND (${tenant}::text IS NULL OR tenant_id = ${tenant}::text)
    ORDER BY quarantined_at DESC, stream, stream_offset LIMIT ${limit}::int`;
  return rows.map((row) => ({
    id: row.id,
    tenant: row.tenant_id,
    stream: row.stream,
    offset: Number(row.stream_offset),
    channel: row.channel,
    type: row.type,
    attempts: row.attempts,
    reason: row.quarantine_reason ?? "",
    lastError: row.last_error,
    quarantinedAt: row.quarantined_at,
    redrivenAt: row.redriven_at,
    redrivenAs: row.redriven_as,
  }));
}
