/**
 * The one mapping from an outbox row to the protocol's EventEnvelope, for the relay (live)
 * and the gateway (replay) alike, so an event looks the same whichever way it arrives.
 *
 * Every query that returns events selects OUTBOX_COLUMNS: `data` as jsonb's text and the
 * commit time already formatted, so nothing is parsed or serialized twice. `buildEnvelope`
 * decides whether a row can be an event at all — a channel the protocol knows, data within
 * MAX_STORED_DATA_BYTES and MAX_EVENT_DATA_DEPTH (measured on the text), text that parses —
 * and says why not otherwise: the relay counts that as a failed attempt (and quarantines
 * the row in the end), a replay stops just before it, so no row the relay would refuse ever
 * reaches a client by either path. A quarantined row maps to the protocol's placeholder
 * (same id and offset, no data), as the relay emits it, so a replay has no gap.
 */
import {
  eventDataProblem,
  isChannel,
  MAX_STORED_DATA_BYTES,
  quarantinePlaceholder,
  type Channel,
  type EventEnvelope,
} from "@roomcast/protocol";
import { Prisma } from "../generated/prisma/client";

/** An event as stored, before any parsing (`data` is jsonb's text form). */
export interface StoredEvent {
  id: string;
  stream: string;
  offset: number;
  channel: string;
  topic: string | null;
  type: string;
  priority: number;
  source: string;
  /** Commit time, ISO 8601 UTC with milliseconds (as Date.toISOString writes it). */
  ts: string;
  data: string;
}

/** A row as `$queryRaw` returns OUTBOX_COLUMNS (the same on PostgreSQL and PGlite). */
export interface OutboxRow {
  id: string;
  stream: string;
  stream_offset: bigint | number;
  channel: string;
  topic: string | null;
  type: string;
  priority: number;
  source: string;
  ts: string;
  data: string;
  attempts: number;
  quarantined: boolean;
}

/** The select list of OutboxRow, of the outbox_events row named `alias` (for joins), as SQL text. */
export function outboxColumnList(alias = "outbox_events"): string {
  const a = alias;
  return `${a}.id::text AS id, ${a}.stream, ${a}.stream_offset, ${a}.channel, ${a}.topic, ${a}.type, ${a}.priority, ${a}.source,
     to_char(${a}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts,
     ${a}.data::text AS data, ${a}.attempts, ${a}.quarantined_at IS NOT NULL AS quarantined`;
}

export const OUTBOX_COLUMNS = Prisma.raw(outboxColumnList());

export type Built = { ok: true; envelope: EventEnvelope } | { ok: false; problem: string };

export function storedEvent(row: OutboxRow): StoredEvent {
  return {
    id: row.id,
    stream: row.stream,
    offset: Number(row.stream_offset),
    channel: row.channel,
    topic: row.topic,
    type: row.type,
    priority: row.priority,
    source: row.source,
    ts: row.ts,
    data: row.data,
  };
}

/** The envelope of a stored event, or why it can never be one. */
export function buildEnvelope(event: StoredEvent): Built {
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
export function placeholderFor(event: StoredEvent): EventEnvelope | undefined {
  if (!isChannel(event.channel)) return undefined;
  return quarantinePlaceholder({ ...facts(event, event.channel), data: null });
}

/** A row read back: its placeholder when quarantined, else its envelope (or why not). */
export function toEnvelope(row: OutboxRow): Built {
  const event = storedEvent(row);
  if (!row.quarantined) return buildEnvelope(event);
  const placeholder = placeholderFor(event);
  return placeholder === undefined ? { ok: false, problem: `unknown channel "${event.channel.slice(0, 64)}"` } : { ok: true, envelope: placeholder };
}

function facts(event: StoredEvent, channel: Channel): Omit<EventEnvelope, "data"> {
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
