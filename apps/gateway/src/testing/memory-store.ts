/**
 * An in-memory StreamStore for tests of the socket layer: offsets per stream, catch-up
 * from an array. It is not durable and has no relay; `onCommit` lets a test deliver
 * committed events however it likes (directly through a server, for instance).
 */
import { streamName, type EventEnvelope, type PublishOk } from "@roomcast/protocol";
import { randomUUID } from "node:crypto";
import type { CatchUp, NewEvent, StreamStore } from "../stream-store";

export interface MemoryStore extends StreamStore {
  events(stream: string): readonly EventEnvelope[];
  /** Makes the next calls fail as if the database were down. */
  setAvailable(available: boolean): void;
}

/** `watched`: the tables a `changes` subscription is accepted for (default: any). */
export function createMemoryStore(onCommit: (event: EventEnvelope) => void = () => undefined, watched?: ReadonlySet<string>): MemoryStore {
  const streams = new Map<string, EventEnvelope[]>();
  let available = true;
  const check = () => {
    if (!available) throw new Error("store unavailable");
  };
  return {
    events: (stream) => streams.get(stream) ?? [],
    setAvailable(value) {
      available = value;
    },
    async catchUp(stream, since): Promise<CatchUp> {
      check();
      const events = streams.get(stream) ?? [];
      if (since !== undefined && since > events.length) return { events: [], position: events.length, recovered: false };
      const after = events.filter((e) => e.offset > (since ?? events.length));
      return { events: after, position: events.length, recovered: true };
    },
    async publish(batch: readonly NewEvent[]): Promise<PublishOk[]> {
      check();
      return batch.map((input) => {
        const stream = streamName(input);
        const list = streams.get(stream) ?? [];
        streams.set(stream, list);
        const envelope: EventEnvelope = {
          id: randomUUID(),
          stream,
          offset: list.length + 1,
          channel: input.channel,
          topic: input.topic ?? null,
          type: input.type,
          data: input.data,
          priority: input.priority,
          source: input.source,
          ts: new Date().toISOString(),
        };
        list.push(envelope);
        onCommit(envelope);
        return { id: envelope.id, stream, offset: envelope.offset };
      });
    },
    async ping() {
      check();
    },
    async isWatched(table) {
      check();
      return watched === undefined || watched.has(table);
    },
  };
}
