/**
 * The relay's port onto the outbox: rounds on one database session of the relay's own,
 * and a wake-up listen.
 *
 * Partitions: a stream belongs to partition `partition_key % RELAY_PARTITIONS`, computed
 * by the `outbox_events_enqueue` trigger into `outbox_pending.partition`. A relay emits a
 * partition only while its session holds `pg_try_advisory_lock(RELAY_LOCK_KEY,
 * partition)`: two relays never emit one stream at once. The locks are held across rounds
 * (a partition is locked once, when it joins the relay's share) and let go when the share
 * shrinks (`pg_advisory_unlock`), when the relay leaves, or with the session — a killed
 * relay's connection takes them along, so another relay takes over without any lease to
 * expire. Which partitions a relay tries is its share of the live members (`heartbeat`),
 * so N relays split the work instead of the first one taking every free lock.
 *
 * Cost per round, whatever the backlog: with the locks held, `lockAndRead` is one
 * statement that walks the partitions in order and reads each one's pending rows by
 * (partition, seq) from outbox_pending, joined to their events by (stream, offset), and
 * stops as soon as `limit` rows are out (nested loops under a LIMIT are lazy);
 * `markEmitted` is one statement that deletes the pending rows and advances the stream
 * cursors. The read can carry the previous round's mark (`emitted`): its data-modifying
 * CTE deletes those rows and advances their cursors in the same statement, and the read
 * leaves them out (the statement's snapshot still sees them), so a relay under steady
 * load runs one statement per round. No BEGIN/COMMIT: every statement stands alone, and
 * each is atomic. Nothing already published is read again.
 *
 * A lock is taken by the statement before the read, so the read always sees what the
 * previous holder committed. A relay whose session is lost mid-round may still be
 * emitting what it read while another relay takes the partition over; the cursor never
 * moves back and the SDK drops the duplicates.
 */
import type { Db, Listener } from "../create-db";
import { OUTBOX_CHANNEL } from "../notify-channel";
import type { SqlSession } from "../session";
import { outboxColumnList, storedEvent, type OutboxRow, type StoredEvent } from "./outbox-row";
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
  /**
   * Takes the free locks among `partitions` (in this order) and reads up to `limit` of their
   * pending events, each partition in seq order. `emitted` (flushed by an earlier round, not
   * yet marked) is marked first, as `markEmitted` would — before any lock is let go, so a
   * partition never moves with rows that were emitted but still look pending.
   */
  lockAndRead(partitions: readonly number[], limit: number, emitted?: readonly PendingRef[]): Promise<PendingEvent[]>;
  /** The events were emitted: deletes their pending rows, moves their streams' cursors up. */
  markEmitted(events: readonly PendingRef[]): Promise<void>;
  /** Counts a failed attempt with its error; returns the event's attempts so far. */
  recordFailure(event: PendingRef, error: string): Promise<number>;
  /**
   * Sets the event aside with its reason. It stays pending until `markEmitted` (after the
   * flush that carried its placeholder) moves its stream's cursor past it, so a cursor
   * never passes an event that was emitted but not yet flushed.
   */
  quarantine(event: PendingRef, reason: string): Promise<void>;
}

export interface RelayOutbox {
  /** Runs `work` on the relay's session (each statement on its own; a lost session is replaced first). */
  round<T>(work: (round: RelayRound) => Promise<T>): Promise<T>;
  /** Calls `onWake` on every committed publish; `onLost` once if the listen connection dies. */
  listen(onWake: () => void, onLost: (error: Error) => void): Promise<Listener>;
  /** Removes a stopping relay from the members and lets its partitions go, so its share moves at once. */
  leave(member: string): Promise<void>;
}

type PendingRow = OutboxRow & { seq: string };

/**
 * `idleTimeoutMs` (default 5 s): a relay session idle that long is ended by PostgreSQL, so
 * a hung relay's locks go and its share moves; a live relay runs a round at least every
 * heartbeat (250 ms) and never reaches it.
 */
export function createRelayOutbox(db: Db, options: { queryTimeoutMs?: number; idleTimeoutMs?: number } = {}): RelayOutbox {
  const queryTimeoutMs = options.queryTimeoutMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 5_000;
  let session: SqlSession | undefined;
  /** The partitions whose lock `session` holds. */
  const held = new Set<number>();

  const current = async (): Promise<SqlSession> => {
    if (session?.alive === true) return session;
    await session?.close();
    held.clear();
    session = await db.openSession(queryTimeoutMs, idleTimeoutMs);
    return session;
  };

  return {
    round: async (work) => work(roundOn(await current(), held)),
    listen: (onWake, onLost) => db.listen(OUTBOX_CHANNEL, onWake, onLost),
    async leave(member) {
      await db.prisma.$executeRaw`DELETE FROM relay_members WHERE id = ${member}`;
      if (session?.alive === true) await session.query(`SELECT pg_advisory_unlock_all()`, []);
      await session?.close();
      session = undefined;
      held.clear();
    },
  };
}

const CURSOR_UPSERT = `
  ON CONFLICT (stream_id) DO UPDATE
    SET published_offset = GREATEST(stream_cursors.published_offset, EXCLUDED.published_offset),
        updated_at = EXCLUDED.updated_at`;

/** Deletes the pending rows of `$1` (their seqs) and moves their streams' cursors up. */
const MARK_EMITTED = `
  WITH done AS (
    DELETE FROM outbox_pending WHERE seq = ANY($1::bigint[]) RETURNING stream, stream_offset
  )
  INSERT INTO stream_cursors (stream_id, published_offset, updated_at)
  SELECT stream, max(stream_offset), clock_timestamp() FROM done GROUP BY stream ${CURSOR_UPSERT}`;

/**
 * MARK_EMITTED of `$3` as CTEs in front of the read: PostgreSQL runs a data-modifying CTE
 * to completion whether or not the query reads it.
 */
const MARK_CTE = `
  WITH done AS (
    DELETE FROM outbox_pending WHERE seq = ANY($3::bigint[]) RETURNING stream, stream_offset
  ), cursors AS (
    INSERT INTO stream_cursors (stream_id, published_offset, updated_at)
    SELECT stream, max(stream_offset), clock_timestamp() FROM done GROUP BY stream ${CURSOR_UPSERT}
  )`;

/**
 * Up to `$2` pending events of the partitions `$1`, each partition in seq order, leaving out
 * the seqs `$3` (marked by the same statement's CTE, which its snapshot cannot see yet).
 */
const READ_PENDING = `
  SELECT x.* FROM unnest($1::int[]) WITH ORDINALITY AS u(p, ord)
  CROSS JOIN LATERAL (
    SELECT q.seq::text AS seq, ${outboxColumnList("o")}
    FROM outbox_pending q
    JOIN outbox_events o ON o.stream = q.stream AND o.stream_offset = q.stream_offset
    WHERE q.partition = u.p AND q.seq <> ALL($3::bigint[])
    ORDER BY q.seq
    LIMIT $2::int
  ) x
  LIMIT $2::int`;

function roundOn(session: SqlSession, held: Set<number>): RelayRound {
  return {
    async heartbeat(member, ttlMs) {
      const rows = await session.query<{ id: string }>(
        `WITH me AS (
           INSERT INTO relay_members (id, seen_at) VALUES ($1, clock_timestamp())
           ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at
           RETURNING id
         ), gone AS (
           DELETE FROM relay_members WHERE seen_at < clock_timestamp() - interval '10 minutes'
         )
         SELECT id FROM relay_members
         WHERE seen_at > clock_timestamp() - $2::int * interval '1 millisecond' AND id <> $1
         UNION SELECT id FROM me
         ORDER BY id`,
        [member, ttlMs],
      );
      return rows.map((row) => row.id);
    },

    async lockAndRead(partitions, limit, emitted = []) {
      const wanted = new Set(partitions);
      const dropped = [...held].filter((p) => !wanted.has(p));
      let toMark = emitted.map((event) => event.seq);
      const markAlone = async () => {
        if (toMark.length > 0) await session.query(MARK_EMITTED, [toMark]);
        toMark = [];
      };
      if (dropped.length > 0) {
        await markAlone();
        await session.query(`SELECT pg_advisory_unlock(${RELAY_LOCK_KEY}, p) FROM unnest($1::int[]) AS p`, [dropped]);
        for (const p of dropped) held.delete(p);
      }
      const missing = partitions.filter((p) => !held.has(p));
      if (missing.length > 0) {
        const got = await session.query<{ p: number }>(`SELECT p FROM unnest($1::int[]) AS p WHERE pg_try_advisory_lock(${RELAY_LOCK_KEY}, p)`, [missing]);
        for (const { p } of got) held.add(p);
      }
      const mine = partitions.filter((p) => held.has(p));
      if (mine.length === 0) {
        await markAlone();
        return [];
      }
      const rows = await session.query<PendingRow>(`${toMark.length > 0 ? MARK_CTE : ""} ${READ_PENDING}`, [mine, limit, toMark]);
      return rows.map((row) => ({ ...storedEvent(row), seq: row.seq, attempts: row.attempts }));
    },

    async markEmitted(events) {
      if (events.length === 0) return;
      await session.query(MARK_EMITTED, [events.map((event) => event.seq)]);
    },

    async recordFailure(event, error) {
      const rows = await session.query<{ attempts: number }>(
        `UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1::uuid RETURNING attempts`,
        [event.id, error.slice(0, MAX_REASON_LENGTH)],
      );
      return rows[0]?.attempts ?? 0;
    },

    async quarantine(event, reason) {
      await session.query(
        `UPDATE outbox_events SET quarantined_at = clock_timestamp(), quarantine_reason = $2
         WHERE id = $1::uuid AND quarantined_at IS NULL`,
        [event.id, reason.slice(0, MAX_REASON_LENGTH)],
      );
    },
  };
}
