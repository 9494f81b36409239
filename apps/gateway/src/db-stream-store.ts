/**
 * The StreamStore on @roomcast/db.
 *
 * catchUp decides where a (re)subscribing socket must start so it misses nothing:
 * - with `since` still covered by retention and at most `replayLimit` events behind the
 *   head: every committed event after `since` (recovered);
 * - otherwise, and without `since`: every committed event after the relay's published
 *   position, since those may not have been emitted yet (`recovered: false` if a `since`
 *   was asked for and could not be honoured — nothing of the old range is sent).
 * Offsets missing from the read were quarantined; a placeholder takes each one so the
 * subscriber sees a gapless stream.
 */
import { canReplayFrom, InvalidEventError, MAX_READ_LIMIT, publishMany, readStream, streamPosition, type Db } from "@roomcast/db";
import { parseStream, quarantinePlaceholder, type EventEnvelope } from "@roomcast/protocol";
import { EventRejectedError, type CatchUp, type StreamStore } from "./stream-store";

export function createDbStreamStore(db: Db, options: { replayLimit: number }): StreamStore {
  const limit = Math.min(options.replayLimit, MAX_READ_LIMIT);
  return {
    async catchUp(stream, since): Promise<CatchUp> {
      const position = await streamPosition(db.prisma, stream);
      const honoured = since !== undefined && canReplayFrom(position, since) && position.lastOffset - since <= options.replayLimit;
      const from = honoured ? since : Math.min(position.publishedOffset, position.lastOffset);
      const read = await readStream(db.prisma, { stream, after: from, limit });
      const events = fillGaps(stream, from, read);
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

function fillGaps(stream: string, from: number, events: EventEnvelope[]): EventEnvelope[] {
  const last = events.at(-1);
  if (last === undefined || last.offset - from === events.length) return events;
  const ref = parseStream(stream);
  const byOffset = new Map(events.map((e) => [e.offset, e]));
  const filled: EventEnvelope[] = [];
  for (let offset = from + 1; offset <= last.offset; offset++) {
    filled.push(
      byOffset.get(offset) ??
        quarantinePlaceholder({
          id: `${stream}#${offset}`,
          stream,
          offset,
          channel: ref?.channel ?? "system",
          topic: ref?.topic ?? null,
          type: "",
          data: null,
          priority: 0,
          source: "roomcast",
          ts: new Date(0).toISOString(),
        }),
    );
  }
  return filled;
}
