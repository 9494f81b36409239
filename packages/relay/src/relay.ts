/**
 * The outbox relay: committed outbox rows → room emits, at least once, per stream in
 * offset order.
 *
 * A round runs in one transaction: take every relay partition lock that is free
 * (pg_try_advisory_xact_lock, see @roomcast/db partition-lock), read a batch of unpublished
 * events of those partitions in (stream, offset) order, emit them, flush the emitter, mark
 * them published, commit. Two relays never emit one stream at once; a relay that dies
 * mid-round leaves its rows unpublished and its locks vanish with its connection, so the
 * next round of another relay emits them again (duplicates only on the wire).
 *
 * Failures:
 * - the emitter, Redis or the database failing: the round rolls back, nothing is marked,
 *   and the relay retries in place with exponential backoff (it never stops on its own);
 * - one event failing (it cannot be encoded, or is over `maxEventBytes`): its attempt is
 *   counted, its stream stops for this round (order is kept), the rest go on; after
 *   `maxAttempts` it is quarantined with the reason, counted in `onQuarantine`, and a
 *   `roomcast.quarantined` placeholder takes its offset so subscribers see no gap.
 *
 * Wake-up: LISTEN/NOTIFY through `db.listen`, with a poll every `pollIntervalMs`, so a
 * lost notification (or a lost LISTEN connection) delays an event by at most that much.
 */
import {
  fetchUnpublished,
  markPublished,
  OUTBOX_CHANNEL,
  quarantine,
  recordAttempt,
  RELAY_LOCK_KEY,
  type Db,
  type DbTransaction,
  type StreamProgress,
} from "@roomcast/db";
import { quarantinePlaceholder, type EventEnvelope } from "@roomcast/protocol";
import type { Logger } from "pino";
import { Prisma } from "@roomcast/db";
import type { RelayEmitter } from "./emitter";
import { createWakeup } from "./wakeup";

/** Fixed for every relay of a deployment: relays with different counts could share a stream. */
export const RELAY_PARTITIONS = 32;

export interface RelayOptions {
  pollIntervalMs: number;
  batchSize: number;
  maxAttempts: number;
  /** Largest serialized event the relay emits; larger ones fail and are quarantined. */
  maxEventBytes?: number;
  /** Backoff after a failed round: from `minBackoffMs`, doubling, up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface RelayHooks {
  onEmitted?(count: number): void;
  onQuarantine?(event: EventEnvelope, reason: string): void;
  onRoundFailed?(error: unknown): void;
}

export interface RoundResult {
  emitted: number;
  /** The batch was full: more may be waiting, so run again without waiting. */
  more: boolean;
}

export interface Relay {
  /** Relays until `signal` aborts; resolves then. Never rejects: failures are retried in place. */
  run(signal: AbortSignal): Promise<void>;
  /** One round (exposed for tests and benchmarks). */
  round(): Promise<RoundResult>;
}

export interface RelayDeps {
  db: Db;
  emitter: RelayEmitter;
  logger: Logger;
  hooks?: RelayHooks;
}

export function createRelay(deps: RelayDeps, options: RelayOptions): Relay {
  const { db, emitter, hooks = {} } = deps;
  const logger = deps.logger.child({ worker: "relay" });
  const maxEventBytes = options.maxEventBytes ?? 1024 * 1024;
  const partitionIds = Array.from({ length: RELAY_PARTITIONS }, (_, i) => i);

  async function lockFreePartitions(tx: DbTransaction): Promise<number[]> {
    const ids = Prisma.join(partitionIds.map((p) => Prisma.sql`(${p}::int)`));
    const rows = await tx.$queryRaw<Array<{ p: number }>>`
      SELECT v.p FROM (VALUES ${ids}) AS v(p) WHERE pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}::int, v.p)`;
    return rows.map((row) => row.p);
  }

  /** Emits one event, or returns why it cannot be emitted. */
  function emitOne(envelope: EventEnvelope): string | undefined {
    try {
      const size = Buffer.byteLength(JSON.stringify(envelope));
      if (size > maxEventBytes) return `event is ${size} bytes, over the ${maxEventBytes}-byte limit`;
      emitter.emit(envelope);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async function round(): Promise<RoundResult> {
    return db.prisma.$transaction(
      async (tx) => {
        const locked = await lockFreePartitions(tx);
        if (locked.length === 0) return { emitted: 0, more: false };
        const pending = await fetchUnpublished(tx, { partitions: RELAY_PARTITIONS, partitionIds: locked, limit: options.batchSize });
        const progress = new Map<string, number>();
        const stopped = new Set<string>();
        let emitted = 0;
        for (const { envelope } of pending) {
          if (stopped.has(envelope.stream)) continue;
          const failure = emitOne(envelope);
          if (failure === undefined) {
            progress.set(envelope.stream, envelope.offset);
            emitted++;
            continue;
          }
          const attempts = await recordAttempt(tx, envelope.id, failure);
          if (attempts >= options.maxAttempts) {
            await quarantine(tx, envelope.id, failure);
            emitter.emit(quarantinePlaceholder(envelope));
            hooks.onQuarantine?.(envelope, failure);
            logger.error({ stream: envelope.stream, offset: envelope.offset, id: envelope.id, reason: failure }, "event quarantined");
            progress.set(envelope.stream, envelope.offset);
          } else {
            logger.warn({ stream: envelope.stream, offset: envelope.offset, attempts, reason: failure }, "event could not be emitted");
            stopped.add(envelope.stream);
          }
        }
        await emitter.flush();
        const marks: StreamProgress[] = [...progress].map(([stream, offset]) => ({ stream, offset }));
        await markPublished(tx, marks);
        hooks.onEmitted?.(emitted);
        return { emitted, more: pending.length >= options.batchSize && stopped.size === 0 };
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  }

  async function run(signal: AbortSignal): Promise<void> {
    const wakeup = createWakeup();
    const minBackoff = options.minBackoffMs ?? 100;
    const maxBackoff = options.maxBackoffMs ?? 5_000;
    let backoff = minBackoff;
    let listener: { close(): Promise<void> } | undefined;
    let listening = false;

    const listen = async (): Promise<void> => {
      if (listening || signal.aborted) return;
      try {
        listener = await db.listen(OUTBOX_CHANNEL, () => wakeup.notify(), (error) => {
          listening = false;
          logger.warn({ err: error.message }, "LISTEN connection lost; polling until it is back");
        });
        listening = true;
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, "LISTEN failed; polling");
      }
    };

    logger.info({ partitions: RELAY_PARTITIONS, pollIntervalMs: options.pollIntervalMs }, "relay started");
    while (!signal.aborted) {
      await listen();
      try {
        const result = await round();
        backoff = minBackoff;
        if (!result.more) await wakeup.wait(options.pollIntervalMs, signal);
      } catch (error) {
        hooks.onRoundFailed?.(error);
        logger.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: backoff }, "relay round failed");
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
    await listener?.close().catch(() => undefined);
    logger.info("relay stopped");
  }

  return { run, round };
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
