/**
 * The one mapping from an outbox row to the protocol's EventEnvelope. Every query that
 * returns events selects OUTBOX_COLUMNS and maps with `toEnvelope`, so an event looks the
 * same whether it arrives live (relay) or in a replay (gateway). A quarantined event maps
 * to the protocol's placeholder (same id and offset, no data), as the relay emits it, so
 * a replay has no gap either.
 */
import { isChannel, quarantinePlaceholder, type EventEnvelope } from "@roomcast/protocol";
import { Prisma } from "../generated/prisma/client";

/** A row as `$queryRaw` returns it (the same on PostgreSQL and PGlite). */
export interface OutboxRow {
  id: string;
  stream: string;
  channel: string;
  topic: string | null;
  type: string;
  data: unknown;
  priority: number;
  source: string;
  stream_offset: bigint | number;
  attempts: number;
  created_at: Date;
  quarantined: boolean;
}

export const OUTBOX_COLUMNS = Prisma.raw(
  "id::text AS id, stream, channel, topic, type, data, priority, source, stream_offset, attempts, created_at, quarantined_at IS NOT NULL AS quarantined",
);

export function toEnvelope(row: OutboxRow): EventEnvelope {
  if (!isChannel(row.channel)) throw new Error(`outbox row ${row.id} has an unknown channel`);
  const envelope: EventEnvelope = {
    id: row.id,
    stream: row.stream,
    offset: Number(row.stream_offset),
    channel: row.channel,
    topic: row.topic,
    type: row.type,
    data: row.data,
    priority: row.priority,
    source: row.source,
    ts: row.created_at.toISOString(),
  };
  return row.quarantined ? quarantinePlaceholder(envelope) : envelope;
}
