/**
 * After emitting, the relay marks each stream's events published up to the last offset
 * it emitted, and advances that stream's cursor (stream_cursors.published_offset, never
 * backwards). Call it in the same transaction that holds the partition lock, after the
 * emits: if the relay dies first, the events stay unpublished and are emitted again
 * (at least once; the SDK drops the duplicates).
 *
 * `published_at` is clock_timestamp(), not the transaction's start time, so within a
 * stream it never decreases with the offset and age-based retention removes a prefix.
 */
import { Prisma } from "../generated/prisma/client";
import type { DbClient } from "../db-client";

export interface StreamProgress {
  stream: string;
  /** The highest offset emitted; every lower one was emitted or quarantined. */
  offset: number;
}

/** Returns how many outbox rows it marked. */
export async function markPublished(db: DbClient, progress: readonly StreamProgress[]): Promise<number> {
  if (progress.length === 0) return 0;
  for (const { offset } of progress) {
    if (!Number.isSafeInteger(offset) || offset < 1) throw new RangeError("offset must be a positive integer");
  }
  // One row per stream (the highest offset wins), in name order so concurrent callers lock alike.
  const highest = new Map<string, number>();
  for (const { stream, offset } of progress) highest.set(stream, Math.max(offset, highest.get(stream) ?? 0));
  const streams = [...highest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const values = Prisma.join(streams.map(([stream, offset]) => Prisma.sql`(${stream}::text, ${offset}::bigint)`));

  const marked = await db.$executeRaw`
    UPDATE outbox_events o SET published_at = clock_timestamp()
    FROM (VALUES ${values}) AS p(stream, upto)
    WHERE o.stream = p.stream AND o.stream_offset <= p.upto
      AND o.published_at IS NULL AND o.quarantined_at IS NULL`;
  await advanceCursors(db, streams);
  return marked;
}

/** Moves stream cursors forward to the given offsets (never backwards). */
export async function advanceCursors(db: DbClient, streams: ReadonlyArray<readonly [string, number]>): Promise<void> {
  if (streams.length === 0) return;
  const values = Prisma.join(streams.map(([stream, offset]) => Prisma.sql`(${stream}::text, ${offset}::bigint)`));
  await db.$executeRaw`
    INSERT INTO stream_cursors (stream_id, published_offset, updated_at)
    SELECT stream, upto, clock_timestamp() FROM (VALUES ${values}) AS p(stream, upto)
    ON CONFLICT (stream_id) DO UPDATE
      SET published_offset = GREATEST(stream_cursors.published_offset, EXCLUDED.published_offset),
          updated_at = EXCLUDED.updated_at`;
}
