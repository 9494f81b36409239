/**
 * Where a stream stands, for a subscriber deciding between replay and `recovered: false`.
 *
 * - lastOffset: the highest committed offset (0 for a stream never published to);
 * - publishedOffset: every offset up to here was emitted (or quarantined) by a relay;
 * - oldestRetainedOffset: the smallest offset still stored; lastOffset + 1 when retention
 *   has removed every event (or there never was one).
 *
 * Retention deletes a prefix of each stream (oldest first), so events from
 * oldestRetainedOffset to lastOffset are all stored.
 */
import type { DbClient } from "../db-client";

export interface StreamPosition {
  lastOffset: number;
  publishedOffset: number;
  oldestRetainedOffset: number;
}

export async function streamPosition(db: DbClient, stream: string): Promise<StreamPosition> {
  const rows = await db.$queryRaw<
    Array<{ last_offset: bigint | number; published_offset: bigint | number; oldest: bigint | number | null }>
  >`
    SELECT s.last_offset,
           COALESCE(c.published_offset, 0) AS published_offset,
           (SELECT min(o.stream_offset) FROM outbox_events o WHERE o.stream = s.id) AS oldest
    FROM streams s LEFT JOIN stream_cursors c ON c.stream_id = s.id
    WHERE s.id = ${stream}`;
  const row = rows[0];
  if (row === undefined) return { lastOffset: 0, publishedOffset: 0, oldestRetainedOffset: 1 };
  const lastOffset = Number(row.last_offset);
  return {
    lastOffset,
    publishedOffset: Number(row.published_offset),
    oldestRetainedOffset: row.oldest === null ? lastOffset + 1 : Number(row.oldest),
  };
}

/**
 * Whether every event after `since` is still stored, so a replay from `since` is complete.
 * False past retention, and for a `since` ahead of the stream (a client from another
 * database, or a bug): both mean the client must refetch.
 */
export function canReplayFrom(position: StreamPosition, since: number): boolean {
  return since >= position.oldestRetainedOffset - 1 && since <= position.lastOffset;
}
