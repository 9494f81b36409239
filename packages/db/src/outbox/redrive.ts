/**
 * Re-drive: an operator publishes quarantined events again, once the cause of their
 * quarantine is fixed (a Redis outage outlasted the attempts, a consumer bug).
 *
 * What happens to each re-driven event, in one transaction:
 * - a NEW event of the same stream is published through `publishMany` (the normal path:
 *   the stream's row lock assigns the next offset at its head, the outbox trigger queues
 *   it for the relay and NOTIFYs at commit) with the same channel, topic, type, data,
 *   priority and source, a new id and fresh attempts;
 * - its quarantined row is marked `redriven_at` / `redriven_as` (the new id). The row stays
 *   quarantined: its placeholder keeps the old offset, so the stream stays gapless and a
 *   subscriber sees the placeholder at the old offset and the event again at the new one.
 * Several events are re-driven in their original order: by stream offset, per stream.
 *
 * The quarantined rows are locked (`FOR UPDATE`) before they are checked, so two operators
 * re-driving the same event at once publish it once: the second finds it re-driven.
 *
 * What cannot be re-driven is refused, with a stable reason per event (`RedriveRefusal`):
 * an id that is not there (or belongs to another tenant, when scoped) `not_found`, an
 * event that is not quarantined `not_quarantined`, one already re-driven
 * `already_redriven`, a quarantined row whose channel is unknown (the outbox's CHECK
 * constraints exempt quarantined rows, so such a row exists only as a placeholder)
 * `unknown_channel`, and one that publish() refuses today (data too large or too deep,
 * a bad type) `invalid_event`. With explicit ids nothing is written if any is refused;
 * with `all` the refusable ones are skipped and reported, and the rest are re-driven.
 */
import { isChannel } from "@roomcast/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { InvalidEventError, prepareEvent, type OutboxEventInput } from "../event-input";
import { MAX_PUBLISH_BATCH, publishMany } from "../publish";

export const REDRIVE_REFUSALS = ["not_found", "not_quarantined", "already_redriven", "unknown_channel", "invalid_event"] as const;
export type RedriveRefusalReason = (typeof REDRIVE_REFUSALS)[number];

/** Most events one re-drive publishes (one publishMany call, so its stream locks are taken in name order). */
export const MAX_REDRIVE = MAX_PUBLISH_BATCH;

export type RedriveSelection =
  /** These events (at most MAX_REDRIVE); all or nothing. */
  | { ids: readonly string[]; tenant?: string | undefined }
  /** Every quarantined event not yet re-driven (the oldest MAX_REDRIVE), of one tenant or all. */
  | { all: true; tenant?: string | undefined };

export interface RedriveRefusal {
  id: string;
  reason: RedriveRefusalReason;
  message: string;
}

export interface RedrivenEvent {
  /** The quarantined event. */
  id: string;
  stream: string;
  offset: number;
  /** The new event. */
  redrivenAs: string;
  newOffset: number;
}

export type RedriveResult =
  | { ok: true; redriven: RedrivenEvent[]; skipped: RedriveRefusal[]; more: boolean }
  | { ok: false; refused: RedriveRefusal[] };

interface QuarantinedRow {
  id: string;
  tenant_id: string;
  stream: string;
  channel: string;
  topic: string | null;
  type: string;
  data: unknown;
  priority: number;
  source: string;
  stream_offset: bigint | number;
  quarantined: boolean;
  redriven: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function redriveQuarantined(prisma: PrismaClient, selection: RedriveSelection): Promise<RedriveResult> {
  const tenant = selection.tenant ?? null;
  if ("ids" in selection) {
    if (selection.ids.length > MAX_REDRIVE) throw new RangeError(`at most ${MAX_REDRIVE} events per re-drive`);
    const malformed = selection.ids.filter((id) => !UUID.test(id));
    if (malformed.length > 0) return { ok: false, refused: malformed.map((id) => ({ id, reason: "not_found", message: `${id} is not an event id` })) };
  }
  return prisma.$transaction(async (tx) => {
    const rows =
      "ids" in selection
        ? await tx.$queryRaw<QuarantinedRow[]>`
            SELECT id::text AS id, tenant_id, stream, channel, topic, type, data, priority, source, stream_offset,
                   quarantined_at IS NOT NULL AS quarantined, redriven_at IS NOT NULL AS redriven
            FROM outbox_events
            WHERE id = ANY(${[...new Set(selection.ids.map((id) => id.toLowerCase()))]}::uuid[])
              AND (${tenant}::text IS NULL OR tenant_id = ${tenant}::text)
            ORDER BY stream, stream_offset
            FOR UPDATE`
        : await tx.$queryRaw<QuarantinedRow[]>`
            SELECT id::text AS id, tenant_id, stream, channel, topic, type, data, priority, source, stream_offset,
                   TRUE AS quarantined, FALSE AS redriven
            FROM outbox_events
            WHERE quarantined_at IS NOT NULL AND redriven_at IS NULL
              AND (${tenant}::text IS NULL OR tenant_id = ${tenant}::text)
            ORDER BY quarantined_at, stream, stream_offset
            LIMIT ${MAX_REDRIVE + 1}::int
            FOR UPDATE SKIP LOCKED`;
    const more = !("ids" in selection) && rows.length > MAX_REDRIVE;
    const candidates = rows.slice(0, MAX_REDRIVE).sort((a, b) => (a.stream === b.stream ? Number(a.stream_offset) - Number(b.stream_offset) : a.stream < b.stream ? -1 : 1));

    const refused: RedriveRefusal[] = [];
    if ("ids" in selection) {
      const found = new Set(candidates.map((row) => row.id));
      for (const id of new Set(selection.ids.map((i) => i.toLowerCase()))) {
        if (!found.has(id)) refused.push({ id, reason: "not_found", message: `no event ${id}${tenant === null ? "" : ` in tenant ${tenant}`}` });
      }
    }
    const accepted: Array<{ row: QuarantinedRow; input: OutboxEventInput }> = [];
    for (const row of candidates) {
      const problem = refusalOf(row);
      if (problem !== undefined) {
        refused.push(problem);
        continue;
      }
      accepted.push({ row, input: inputOf(row) });
    }
    if ("ids" in selection && refused.length > 0) return { ok: false, refused };
    if (accepted.length === 0) return { ok: true, redriven: [], skipped: refused, more };

    const published = await publishMany(tx, accepted.map((entry) => entry.input));
    const redriven = accepted.map(({ row }, i): RedrivenEvent => {
      const event = published[i];
      if (event === undefined) throw new Error("publishMany returned fewer events than it was given");
      return { id: row.id, stream: row.stream, offset: Number(row.stream_offset), redrivenAs: event.id, newOffset: event.offset };
    });
    await tx.$executeRaw`
      UPDATE outbox_events AS e SET redriven_at = clock_timestamp(), redriven_as = m.new_id
      FROM unnest(${redriven.map((r) => r.id)}::uuid[], ${redriven.map((r) => r.redrivenAs)}::uuid[]) AS m(old_id, new_id)
      WHERE e.id = m.old_id`;
    return { ok: true, redriven, skipped: refused, more };
  });
}

function refusalOf(row: QuarantinedRow): RedriveRefusal | undefined {
  if (!row.quarantined) return { id: row.id, reason: "not_quarantined", message: `event ${row.id} is not quarantined` };
  if (row.redriven) return { id: row.id, reason: "already_redriven", message: `event ${row.id} was already re-driven` };
  if (!isChannel(row.channel)) {
    return { id: row.id, reason: "unknown_channel", message: `event ${row.id} has the unknown channel "${row.channel}" and cannot be published again` };
  }
  try {
    prepareEvent(inputOf(row));
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    return { id: row.id, reason: "invalid_event", message: `event ${row.id} would be refused by publish: ${error.message}` };
  }
  return undefined;
}

function inputOf(row: QuarantinedRow): OutboxEventInput {
  if (!isChannel(row.channel)) throw new Error(`unknown channel ${row.channel}`);
  return {
    tenant: row.tenant_id,
    channel: row.channel,
    topic: row.topic ?? undefined,
    type: row.type,
    data: row.data,
    priority: row.priority,
    source: row.source,
  };
}
