/**
 * Replay: the committed events of one stream after a position, in offset order. Offsets
 * of a stream become visible in order (see publish.ts), so the result is a gapless run
 * unless retention removed its start (check `streamPosition` first). A quarantined event
 * comes back as the protocol's placeholder (toEnvelope), exactly as the relay emitted it.
 * The run stops just before a row that can never be an event (outbox-row.ts
 * `buildEnvelope`): the relay is still retrying it, and once it is quarantined its
 * placeholder and what follows arrive live, or in the next replay.
 */
import type { EventEnvelope } from "@roomcast/protocol";
import { Prisma } from "../generated/prisma/client";
import type { DbClient } from "../db-client";
import { OUTBOX_COLUMNS, toEnvelope, type OutboxRow } from "./outbox-row";

export interface ReadStreamOptions {
  stream: string;
  /** Return events with offset > after. */
  after: number;
  /** At most this many events (1 … 10 000). */
  limit: number;
  /** Only events with offset <= upTo (e.g. the stream's publishedOffset). */
  upTo?: number | undefined;
}

export const MAX_READ_LIMIT = 10_000;

export async function readStream(db: DbClient, options: ReadStreamOptions): Promise<EventEnvelope[]> {
  const { stream, after, limit, upTo } = options;
  if (!Number.isSafeInteger(after) || after < 0) throw new RangeError("after must be a non-negative integer");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) throw new RangeError(`limit must be 1 to ${MAX_READ_LIMIT}`);
  const ceiling = upTo === undefined ? Prisma.empty : Prisma.sql`AND stream_offset <= ${upTo}::bigint`;
  const rows = await db.$queryRaw<OutboxRow[]>`
    SELECT ${OUTBOX_COLUMNS} FROM outbox_events
    WHERE stream = ${stream} AND stream_offset > ${after}::bigint ${ceiling}
    ORDER BY stream_offset
    LIMIT ${limit}::int`;
  const events: EventEnvelope[] = [];
  for (const row of rows) {
    const built = toEnvelope(row);
    if (!built.ok) break;
    events.push(built.envelope);
  }
  return events;
}
