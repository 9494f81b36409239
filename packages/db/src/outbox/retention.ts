/**
 * Retention: deletes events that were emitted (or quarantined) — at or below their
 * stream's published cursor — and are either older than a cut-off or more than
 * `maxPerStream` offsets behind their stream's head. Unpublished events are never
 * deleted; quarantined ones go by their quarantine time. Deletion runs in batches of
 * `batchSize` rows, each its own short statement, so it never holds many locks or a long
 * transaction; stop it with `signal` or `maxBatches`. Because created_at never decreases
 * with the offset within a stream (it is taken under the stream lock) and the cursor only
 * moves up, what is deleted from a stream is always a prefix, which is what
 * `streamPosition().oldestRetainedOffset` relies on. `streams` rows are kept:
 * their last_offset must survive so offsets never restart.
 */
import type { PrismaClient } from "../generated/prisma/client";

export interface RetentionOptions {
  /** Delete emitted events created, and quarantined events set aside, before this instant. */
  before: Date;
  /** Also delete handled events more than this many offsets behind their stream's head. */
  maxPerStream?: number | undefined;
  /** Rows per DELETE statement (default 1000). */
  batchSize?: number;
  /** Stop after this many statements (default 1000), to bound one run. */
  maxBatches?: number;
  signal?: AbortSignal;
}

export interface RetentionResult {
  deleted: number;
  batches: number;
  /** False when stopped by maxBatches or the signal with more left to delete. */
  complete: boolean;
}

export async function deleteExpiredEvents(prisma: PrismaClient, options: RetentionOptions): Promise<RetentionResult> {
  const { before, maxPerStream, batchSize = 1000, maxBatches = 1000, signal } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError("batchSize must be a positive integer");
  if (maxPerStream !== undefined && (!Number.isInteger(maxPerStream) || maxPerStream < 1)) {
    throw new RangeError("maxPerStream must be a positive integer");
  }
  const phases: Array<() => Promise<number>> = [
    () => prisma.$executeRaw`
      DELETE FROM outbox_events WHERE id IN (
        SELECT o.id FROM outbox_events o JOIN stream_cursors c ON c.stream_id = o.stream
        WHERE o.created_at < ${before} AND o.stream_offset <= c.published_offset AND o.quarantined_at IS NULL
        LIMIT ${batchSize}::int)`,
    () => prisma.$executeRaw`
      DELETE FROM outbox_events WHERE id IN (
        SELECT id FROM outbox_events WHERE quarantined_at < ${before} LIMIT ${batchSize}::int)`,
  ];
  if (maxPerStream !== undefined) {
    phases.push(
      () => prisma.$executeRaw`
        DELETE FROM outbox_events WHERE id IN (
          SELECT o.id FROM streams s
          JOIN stream_cursors c ON c.stream_id = s.id
          JOIN outbox_events o ON o.stream = s.id
          WHERE s.last_offset > ${maxPerStream}::bigint
            AND o.stream_offset <= s.last_offset - ${maxPerStream}::bigint
            AND o.stream_offset <= c.published_offset
          LIMIT ${batchSize}::int)`,
    );
  }

  let deleted = 0;
  let batches = 0;
  for (const phase of phases) {
    for (;;) {
      if (batches >= maxBatches || signal?.aborted) return { deleted, batches, complete: false };
      const count = await phase();
      batches += 1;
      deleted += count;
      if (count < batchSize) break;
    }
  }
  return { deleted, batches, complete: true };
}
