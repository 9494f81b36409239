/** Test helpers: envelopes for one stream. Not exported by the package. */
import type { EventEnvelope } from "@roomcast/protocol";

export function envelope(offset: number, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: `e${offset}`,
    stream: "acme:chat:s1",
    offset,
    channel: "chat",
    topic: "s1",
    type: "message",
    data: { n: offset },
    priority: 5,
    source: "test",
    ts: new Date(0).toISOString(),
    ...overrides,
  };
}

export function offsets(events: readonly EventEnvelope[]): number[] {
  return events.map((e) => e.offset);
}
