/**
 * The StreamStore on @roomcast/db.
 *
 * catchUp decides where a (re)subscribing socket must start so it misses nothing:
 * - with `since` still covered by retention and at most `replayLimit` events behind the
 *   head: every committed event after `since` (recovered);
 * - otherwise, and without `since`: every committed event after the relay's published
 *   position, since those may not have been emitted yet (`recovered: false` if a `since`
 *   was asked for and could not be honoured — nothing of the old range is sent).
 * A quarantined event is read back as its placeholder, so the replay stays gapless.
 */
import { canReplayFrom, InvalidEventError, MAX_READ_LIMIT, publishMany, readStream, streamPosition, type Db } from "@roomcast/db";
import { EventRejectedError, type CatchUp, type StreamStore } from "./stream-store";

export function createDbStreamStore(db: Db, options: { replayLimit: number }): StreamStore {
  const limit = Math.min(options.replayLimit, MAX_READ_LIMIT);
  return {
    async catchUp(stream, since): Promise<CatchUp> {
      const position = await streamPosition(db.prisma, stream);
      const honoured = since !== undefined && canReplayFrom(position, since) && position.lastOffset - since <= options.replayLimit;
      const from = honoured ? since : Math.min(position.publishedOffset, position.lastOffset);
      const events = await readStream(db.prisma, { stream, after: from, limit });
      return { events, position: events.at(-1)?.offset ?? from, recovered: since === undefined || honoured };
    },
    async publish(events) {
      try {
        return await db.prisma.$transaction((tx) => publishMany(tx, events));
      } catch (error) {
        if (error instanceof InvalidEventError) throw new EventRejectedError(error.message);
        throw error;
      }
    },
    async ping() {
      await db.prisma.$queryRaw`SELECT 1`;
    },
  };
}
