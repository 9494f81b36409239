/**
 * `publish(tx, event)` / `publishMany(tx, events)`: write events to the outbox inside the
 * caller's own Prisma interactive transaction, so an event exists exactly when the change
 * it describes commits.
 *
 * Offsets (DESIGN.md, delivery guarantee 2): for each stream, one
 *   INSERT INTO streams … ON CONFLICT (id) DO UPDATE SET last_offset = last_offset + n
 * takes the stream row's lock and holds it until the caller's transaction ends. A second
 * writer of that stream waits on the lock, then reads the committed value, so offsets are
 * assigned in commit order and every committed offset is visible before a later one can
 * commit. A rolled-back writer never advanced last_offset, so its offsets go to the next
 * writer: gapless. The cost: writers of one stream are serialised from their publish to
 * their commit, so publish late in a transaction and commit promptly.
 *
 * Requirements on the caller's transaction: READ COMMITTED (Prisma's and PostgreSQL's
 * default; under REPEATABLE READ or SERIALIZABLE a concurrent writer of the same stream
 * fails with a serialization error). publishMany locks its streams in name order, so two
 * publishMany calls never deadlock; a transaction that calls publish for several streams
 * in varying orders can deadlock with another (PostgreSQL then aborts one).
 *
 * The relay's work list (outbox_pending) and its wake-up (NOTIFY on OUTBOX_CHANNEL) come
 * from the table's `outbox_events_enqueue` trigger, in the same transaction, so they
 * exist for a committed event only, whoever wrote it; PostgreSQL delivers the
 * notification on commit, so a rolled-back event wakes nobody and is never seen.
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "./generated/prisma/client";
import type { DbTransaction } from "./db-client";
import { prepareEvent, type OutboxEventInput, type PreparedEvent } from "./event-input";

export interface PublishedEvent {
  id: string;
  stream: string;
  offset: number;
}

/** Most events one publishMany call accepts (one statement's parameters must fit). */
export const MAX_PUBLISH_BATCH = 1000;

export async function publish(tx: DbTransaction, event: OutboxEventInput): Promise<PublishedEvent> {
  const [published] = await publishMany(tx, [event]);
  if (published === undefined) throw new Error("publishMany returned no result for one event");
  return published;
}

/** Publishes events in one transaction; results are in input order. Validates all first. */
export async function publishMany(tx: DbTransaction, events: readonly OutboxEventInput[]): Promise<PublishedEvent[]> {
  if (events.length > MAX_PUBLISH_BATCH) throw new RangeError(`at most ${MAX_PUBLISH_BATCH} events per publish`);
  const prepared = events.map(prepareEvent);
  const byStream = new Map<string, Array<{ index: number; event: PreparedEvent }>>();
  prepared.forEach((event, index) => {
    const group = byStream.get(event.stream) ?? [];
    group.push({ index, event });
    byStream.set(event.stream, group);
  });

  const results = new Array<PublishedEvent>(events.length);
  const streams = [...byStream.keys()].sort();
  for (const stream of streams) {
    const group = byStream.get(stream) ?? [];
    const ids = group.map(() => randomUUID());
    const offsets = await insertGroup(tx, group.map((entry) => entry.event), ids);
    group.forEach((entry, i) => {
      const id = ids[i];
      const offset = offsets[i];
      if (id === undefined || offset === undefined) throw new Error("outbox insert returned fewer rows than events");
      results[entry.index] = { id, stream, offset };
    });
  }
  return results;
}

/**
 * Assigns `events.length` consecutive offsets to one stream and inserts the rows, in one
 * statement. Returns the offsets in the order of `events`.
 */
async function insertGroup(tx: DbTransaction, events: readonly PreparedEvent[], ids: readonly string[]): Promise<number[]> {
  const first = events[0];
  if (first === undefined) return [];
  const count = events.length;
  const rows = Prisma.join(
    events.map(
      (event, i) =>
        Prisma.sql`(${i + 1}::int, ${ids[i]}::uuid, ${event.type}::text, ${event.json}::jsonb, ${event.priority}::int, ${event.source}::text)`,
    ),
  );
  const inserted = await tx.$queryRaw<Array<{ stream_offset: bigint | number }>>`
    WITH s AS (
      INSERT INTO streams (id, tenant_id, partition_key, last_offset)
      VALUES (${first.stream}, ${first.tenant}, ${first.partitionKey}::int, ${count}::int)
      ON CONFLICT (id) DO UPDATE SET last_offset = streams.last_offset + ${count}::int
      RETURNING last_offset
    )
    INSERT INTO outbox_events
      (id, tenant_id, stream, partition_key, channel, topic, type, data, priority, source, stream_offset)
    SELECT v.id, ${first.tenant}, ${first.stream}, ${first.partitionKey}::int, ${first.channel}, ${first.topic}::text,
           v.type, v.data, v.priority, v.source, s.last_offset - ${count}::int + v.ord
    FROM s, (VALUES ${rows}) AS v(ord, id, type, data, priority, source)
    ORDER BY v.ord
    RETURNING stream_offset`;
  const offsets = inserted.map((row) => Number(row.stream_offset)).sort((a, b) => a - b);
  if (offsets.length !== count) throw new Error("outbox insert returned fewer rows than events");
  return offsets;
}
