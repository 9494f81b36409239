/**
 * What a relay still has to emit in some partitions: committed events neither published
 * nor quarantined, in (stream, offset) order. Per stream the result is a run of
 * consecutive offsets starting just after the stream's published position, because
 * offsets commit in order (publish.ts) and rows are only marked in order (markPublished).
 * Call it inside the transaction that holds the partitions' locks (partition-lock.ts).
 */
import type { EventEnvelope } from "@roomcast/protocol";
import { Prisma } from "../generated/prisma/client";
import type { DbClient } from "../db-client";
import { assertPartitions } from "../stream-hash";
import { OUTBOX_COLUMNS, toEnvelope, type OutboxRow } from "./outbox-row";

export interface PendingEvent {
  envelope: EventEnvelope;
  /** Failed emit attempts so far (recordAttempt). */
  attempts: number;
}

export interface FetchUnpublishedOptions {
  /** The relays' partition count P. */
  partitions: number;
  /** The partitions (0 … P-1) to read; this relay must hold their locks. */
  partitionIds: readonly number[];
  /** Batch size (1 … 10 000). */
  limit: number;
}

export async function fetchUnpublished(db: DbClient, options: FetchUnpublishedOptions): Promise<PendingEvent[]> {
  const { partitions, partitionIds, limit } = options;
  assertPartitions(partitions);
  if (partitionIds.length === 0) return [];
  for (const id of partitionIds) {
    if (!Number.isInteger(id) || id < 0 || id >= partitions) throw new RangeError(`partition ${id} is outside 0 … ${partitions - 1}`);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new RangeError("limit must be 1 to 10000");
  const ids = Prisma.join(partitionIds.map((id) => Prisma.sql`${id}::int`));
  const rows = await db.$queryRaw<OutboxRow[]>`
    SELECT ${OUTBOX_COLUMNS} FROM outbox_events
    WHERE published_at IS NULL AND quarantined_at IS NULL
      AND partition_key % ${partitions}::int IN (${ids})
    ORDER BY stream, stream_offset
    LIMIT ${limit}::int`;
  return rows.map((row) => ({ envelope: toEnvelope(row), attempts: row.attempts }));
}
