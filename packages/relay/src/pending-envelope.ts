/**
 * A pending outbox row (data still jsonb text) → the protocol's EventEnvelope, or the
 * reason it can never be one. Checked before anything encodes the event: the channel is
 * one the protocol knows, the data is within MAX_STORED_DATA_BYTES and
 * MAX_EVENT_DATA_DEPTH (measured on the text, so nothing is serialized twice), and the
 * text parses. The envelope is then encoded once, by the adapter.
 */
import {
  eventDataProblem,
  isChannel,
  MAX_STORED_DATA_BYTES,
  quarantinePlaceholder,
  type Channel,
  type EventEnvelope,
} from "@roomcast/protocol";
import type { PendingEvent } from "@roomcast/db";

export type Built = { ok: true; envelope: EventEnvelope } | { ok: false; problem: string };

export function buildEnvelope(event: PendingEvent): Built {
  if (!isChannel(event.channel)) return { ok: false, problem: `unknown channel "${event.channel.slice(0, 64)}"` };
  const problem = eventDataProblem(event.data, MAX_STORED_DATA_BYTES);
  if (problem !== undefined) return { ok: false, problem: problem.message };
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch (error) {
    return { ok: false, problem: `data does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, envelope: { ...facts(event, event.channel), data } };
}

/** The placeholder that takes a quarantined event's offset, or undefined when no subscriber can exist (unknown channel). */
export function placeholderFor(event: PendingEvent): EventEnvelope | undefined {
  if (!isChannel(event.channel)) return undefined;
  return quarantinePlaceholder({ ...facts(event, event.channel), data: null });
}

function facts(event: PendingEvent, channel: Channel): Omit<EventEnvelope, "data"> {
  return {
    id: event.id,
    stream: event.stream,
    offset: event.offset,
    channel,
    topic: event.topic,
    type: event.type,
    priority: event.priority,
    source: event.source,
    ts: event.ts,
  };
}
