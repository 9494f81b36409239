/**
 * The StreamStore on @roomcast/db.
 *
 * catchUp decides where a (re)subscribing socket must start so it misses nothing:
 * - with `since` still covered by retention and at most `replayLimit` events behind the
 *   head: every committed event after `since` (recovered);
 * - otherwise, and without `since`: every committed event after the relay's published
 *   position, since those may not have been emitted yet (`recovered: false` if a `since`
 *   was asked for and could not be honoured — nothing of the old range is sent).
 * A quarantined event is read back as its placeholder, so the replay stays gapless. A
 * stream with nothing after that start costs one query (the position), not two.
 *
 * isWatched: whether a table has watchTable's triggers, from the catalog, remembered per
 * node for WATCHED_TTL_MS (a table watched by a new migration is accepted within that
 * time; at most WATCHED_MAX_TABLES names are kept, and concurrent asks share one query).
 *
 * publish: an event with an idempotency `key` claims it in the same transaction
 * (@roomcast/db idempotency.ts); a key already committed for the same event (stream, type,
 * data, priority) answers its original result and writes nothing, so a client may resend a
 * publish whose ack it lost; the key reused for another event is a KeyConflictError.
 */
import {
  canReplayFrom,
  claimKey,
  IdempotencyConflictError,
  InvalidEventError,
  isTableWatched,
  MAX_READ_LIMIT,
  publishMany,
  readStream,
  recordResult,
  requestFingerprint,
  streamPosition,
  type Db,
  type DbTransaction,
} from "@roomcast/db";
import type { PublishOk } from "@roomcast/protocol";
import { LRUCache } from "lru-cache";
import { EventRejectedError, KeyConflictError, type CatchUp, type NewEvent, type StreamStore } from "./stream-store";

const WATCHED_TTL_MS = 10_000;
const WATCHED_MAX_TABLES = 1000;

export function createDbStreamStore(db: Db, options: { replayLimit: number }): StreamStore {
  const limit = Math.min(options.replayLimit, MAX_READ_LIMIT);
  const watched = new LRUCache<string, boolean>({
    max: WATCHED_MAX_TABLES,
    ttl: WATCHED_TTL_MS,
    fetchMethod: (table) => isTableWatched(db.prisma, table),
  });
  return {
    async catchUp(stream, since): Promise<CatchUp> {
      const position = await streamPosition(db.prisma, stream);
      const honoured = since !== undefined && canReplayFrom(position, since) && position.lastOffset - since <= options.replayLimit;
      const from = honoured ? since : Math.min(position.publishedOffset, position.lastOffset);
      // Nothing was committed after `from` when the position was read: skip the second query
      // (the socket joined the room first, so anything committed since arrives live).
      const events = from >= position.lastOffset ? [] : await readStream(db.prisma, { stream, after: from, limit });
      return { events, position: events.at(-1)?.offset ?? from, recovered: since === undefined || honoured };
    },
    async publish(events) {
      try {
        return await db.prisma.$transaction((tx) => publishKeyed(tx, events));
      } catch (error) {
        if (error instanceof InvalidEventError) throw new EventRejectedError(error.message, error.code);
        if (error instanceof IdempotencyConflictError) throw new KeyConflictError(error.message);
        throw error;
      }
    },
    async ping() {
      await db.prisma.$queryRaw`SELECT 1`;
    },
    async isWatched(table) {
      return (await watched.fetch(table)) === true;
    },
  };
}

async function publishKeyed(tx: DbTransaction, events: readonly NewEvent[]): Promise<PublishOk[]> {
  const results = new Array<PublishOk | undefined>(events.length);
  const fresh: number[] = [];
  const firstOfKey = new Map<string, number>();
  const sameAs = new Map<number, number>();
  const fingerprints = events.map((event) => (event.key === undefined ? undefined : eventFingerprint(event)));
  for (const [index, event] of events.entries()) {
    if (event.key === undefined) {
      fresh.push(index);
      continue;
    }
    const seen = firstOfKey.get(`${event.source}\u0000${event.key}`);
    if (seen !== undefined) {
      if (fingerprints[seen] !== fingerprints[index]) throw new IdempotencyConflictError();
      sameAs.set(index, seen);
      continue;
    }
    firstOfKey.set(`${event.source}\u0000${event.key}`, index);
    const claim = await claimKey(tx, { tenant: event.tenant, source: event.source, key: event.key, fingerprint: fingerprints[index] });
    if (claim.fresh) fresh.push(index);
    else results[index] = claim.result as PublishOk;
  }
  const published = await publishMany(tx, fresh.map((index) => events[index] as NewEvent));
  for (const [i, index] of fresh.entries()) {
    const result = published[i] as PublishOk;
    results[index] = result;
    const event = events[index] as NewEvent;
    if (event.key !== undefined) await recordResult(tx, { tenant: event.tenant, source: event.source, key: event.key }, result);
  }
  for (const [index, first] of sameAs) results[index] = results[first];
  return results.map((result) => {
    if (result === undefined) throw new Error("publish produced no result for an event");
    return result;
  });
}

/** What an idempotency key is bound to: the event's stream, type, data and priority. */
function eventFingerprint(event: NewEvent): string {
  return requestFingerprint({ channel: event.channel, topic: event.topic ?? null, type: event.type, data: event.data, priority: event.priority });
}
