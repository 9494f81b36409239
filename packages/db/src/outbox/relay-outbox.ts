/**
 * The relay's port onto the outbox: one round in one transaction, and a wake-up listen.
 *
 * Partitions: a stream belongs to partition `partition_key % RELAY_PARTITIONS`, computed
 * by the `outbox_events_enqueue` trigger into `outbox_pending.partition`. A relay emits a
 * partition only inside a transaction holding `pg_try_advisory_xact_lock(RELAY_LOCK_KEY,
 * partition)`: two relays never emit one stream at once, and the lock goes at commit, at
 * rollback, or with a killed relay's connection. Which partitions a relay tries is its
 * share of the live members (`heartbeat`), so N relays split the work instead of the
 * first one taking every free lock.
 *
 * Cost per round, whatever the backlog: `lockAndRead` is one statement that walks the
 * wanted partitions in order, takes each free lock and reads that partition's pending
 * rows by (partition, seq) from outbox_pending, joined to their events by (stream,
 * offset), and stops as soon as `limit` rows are out (nested loops under a LIMIT are
 * lazy); `markEmitted` is one statement that deletes the pending rows and advances the
 * stream cursors. Nothing already published is read again.
 *
 * The lock and the read share one statement, so the read's snapshot is taken just before
 * the lock: a partition whose previous holder committed in between may be read as it was,
 * and its last events emitted twice (the SDK drops duplicates; the cursor never moves
 * back). That happens only when a partition changes hands.
 */
import type { Db, Listener } from "../create-db";
import type { DbTransaction } from "../db-client";
import { OUTBOX_CHANNEL } from "../notify-channel";
import { outboxColumns, storedEvent, type OutboxRow, type StoredEvent } from "./outbox-row";
import { MAX_REASON_LENGTH } from "./quarantine";

/** Partitions of the outbox, fixed per deployment (the enqueue trigger's `% 64`). */
export const RELAY_PARTITIONS = 64;
/** First key of the two-int advisory lock ("RCRL"); the second is the partition. */
export const RELAY_LOCK_KEY = 0x5243524c;

/** One event the relay has to emit, as stored (data as jsonb text, not parsed). */
export interface PendingEvent extends StoredEvent {
  /** Position in outbox_pending (a bigint, as text). */
  seq: string;
  /** Failed emit attempts so far. */
  attempts: number;
}

export type PendingRef = Pick<PendingEvent, "seq" | "id" | "stream" | "offset">;

export interface RelayRound {
  /** Records this relay as live; returns every live member's id (this one included), sorted. */
  heartbeat(member: string, ttlMs: number): Promise<string[]>;
  /** Takes the free locks among `partitions` (in this order) and reads up to `limit` of their pending events, each partition in seq order. */
  lockAndRead(partitions: readonly number[], limit: number): Promise<PendingEvent[]>;
  /** The events were emitted: deletes their pending rows, moves their streams' cursors up. */
  markEmitted(events: readonly PendingRef[]): Promise<void>;
  /** Counts a failed attempt with its error; returns the event's attempts so far. */
  recordFailure(event: PendingRef, error: string): Promise<number>;
  /** Sets the event aside with its reason; its stream's cursor moves past it. */
  quarantine(event: PendingRef, reason: string): Promise<void>;
}

export interface RelayOutbox {
  /** Runs `work` in one transaction (rolled back if it throws). */
  round<T>(work: (round: RelayRound) => Promise<T>): Promise<T>;
  /** Calls `onWake` on every committed publish; `onLost` once if the listen connection dies. */
  listen(onWake: () => void, onLost: (error: Error) => void): Promise<Listener>;
  /** Removes a stopping relay from the members, so its share moves at once. */
  leave(member: string): Promise<void>;
}

type PendingRow = OutboxRow & { seq: string };

export function createRelayOutbox(db: Db, options: { roundTimeoutMs?: number } = {}): RelayOutbox {
  const timeout = options.roundTimeoutMs ?? 30_000;
  return {
    round: (work) => db.prisma.$transaction((tx) => work(roundOn(tx)), { maxWait: 10_000, timeout }),
    listen: (onWake, onLost) => db.listen(OUTBOX_CHANNEL, onWake, onLost),
    async leave(member) {
      await db.prisma.$executeRaw`DELETE FROM relay_members WHERE id = ${member}`;
    },
  };
}

function roundOn(tx: DbTransaction): RelayRound {
  return {
    async heartbeat(member, ttlMs) {
      const rows = await tx.$queryRaw<Array<{ id: string }>>`
        WITH me AS (
          INSERT INTO relay_members (id, seen_at) VALUES (${member}, clock_timestamp())
          ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at
          RETURNING id
        ), gone AS (
          DELETE FROM relay_members WHERE seen_at < clock_timestamp() - interval '10 minutes'
        )
        SELECT id FROM relay_members
        WHERE seen_at > clock_timestamp() - ${ttlMs}::int * interval '1 millisecond' AND id <> ${member}
        UNION SELECT id FROM me
        ORDER BY id`;
      return rows.map((row) => row.id);
    },

    async lockAndRead(partitions, limit) {
      if (partitions.length === 0) return [];
      const rows = await tx.$queryRaw<PendingRow[]>`
        SELECT x.* FROM unnest(${[...partitions]}::int[]) WITH ORDINALITY AS u(p, ord)
        CROSS JOIN LATERAL (SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}::int, u.p) AS locked) l
        CROSS JOIN LATERAL (
          SELECT q.seq::text AS seq, ${outboxColumns("o")}
          FROM outbox_pending q
          JOIN outbox_events o ON o.stream = q.stream AND o.stream_offset = q.stream_offset
          WHERE l.locked AND q.partition = u.p
          ORDER BY q.seq
          LIMIT ${limit}::int
        ) x
        LIMIT ${limit}::int`;
      return rows.map((row) => ({ ...storedEvent(row), seq: row.seq, attempts: row.attempts }));
    },

    async markEmitted(events) {
      if (events.length === 0) return;
      const seqs = events.map((event) => event.seq);
      await tx.$executeRaw`
        WITH done AS (
          DELETE FROM outbox_pending WHERE seq = ANY(${seqs}::bigint[]) RETURNING stream, stream_offset
        )
        INSERT INTO stream_cursors (stream_id, published_offset, updated_at)
        SELECT stream, max(stream_offset), clock_timestamp() FROM done GROUP BY stream
        ON CONFLICT (stream_id) DO UPDATE
          SET published_offset = GREATEST(stream_cursors.published_offset, EXCLUDED.published_offset),
              updated_at = EXCLUDED.updated_at`;
    },

    async recordFailure(event, error) {
      const rows = await tx.$queryRaw<Array<{ attempts: number }>>`
        UPDATE outbox_events SET attempts = attempts + 1, last_error = ${error.slice(0, MAX_REASON_LENGTH)}
        WHERE id = ${event.id}::uuid
        RETURNING attempts`;
      return rows[0]?.attempts ?? 0;
    },

    async quarantine(event, reason) {
      await tx.$executeRaw`
        WITH q AS (
          UPDATE outbox_events SET quarantined_at = clock_timestamp(), quarantine_reason = ${reason.slice(0, MAX_REASON_LENGTH)}
          WHERE id = ${event.id}::uuid AND quarantined_at IS NULL
          RETURNING stream, stream_offset
        ), done AS (
          DELETE FROM outbox_pending WHERE seq = ${event.seq}::bigint
        )
        INSERT INTO stream_cursors (stream_id, published_offset, updated_at)
        SELECT stream, stream_offset, clock_timestamp() FROM q
        ON CONFLICT (stream_id) DO UPDATE
          SET published_offset = GREATEST(stream_cursors.published_offset, EXCLUDED.published_offset),
              updated_at = EXCLUDED.updated_at`;
    },
  };
}
