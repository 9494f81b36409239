/**
 * The outbox relay: committed outbox rows → room emits, at least once, per stream in
 * offset order, shared by any number of relay processes.
 *
 * Sharing: every relay heartbeats into the outbox's member list (at most every
 * `heartbeatMs`, inside a round); the live members, sorted by id, split the partitions —
 * member i of n owns the partitions p with p % n = i (`shareOf`). A relay only tries its
 * own share's locks, so two relays each get about half of the work; a relay that dies
 * stops heartbeating and its share moves to the others once its entry is `memberTtlMs`
 * old (a stopping relay leaves the list at once). Views of the membership may differ for
 * a moment; the partition locks (see @roomcast/db relay-outbox) still keep every stream
 * with one relay at a time.
 *
 * A round, on the relay's own database session: heartbeat when due, hold the locks of this
 * relay's share and read up to `batchSize` pending events (one statement once the locks
 * are held), emit them in order, flush the emitter, mark the emitted and quarantined ones.
 * Nothing is marked before the flush: a relay that dies mid-round leaves its rows pending
 * and its locks vanish with its connection, so another relay emits them again (duplicates
 * only on the wire; the SDK drops them).
 *
 * The mark of a round run by `run()` rides on the next round's read statement (one
 * statement per round under load) when that round starts within `markDelayMs`; otherwise
 * the relay marks them on their own then, and before it leaves. So a stream's cursor trails
 * its last flushed event by at most `markDelayMs`, and a subscriber joining in that window
 * may get an event twice (the SDK drops it). `round()` (tests, benchmarks) marks at its end.
 *
 * Failures:
 * - the emitter, Redis or the database failing: the round stops, nothing of it is marked
 *   (attempts and quarantines already written stay), and the relay retries in place with
 *   exponential backoff (it never stops on its own); a lost session is replaced, and its
 *   locks taken again, before the next round;
 * - one event failing (it cannot become an envelope — unknown channel, data too large or
 *   too deep, unparseable — or the emitter throws on it): its attempt is counted, its
 *   stream stops for this round (order is kept), every other stream goes on; after
 *   `maxAttempts` it is quarantined with the reason, counted in `onQuarantine`, and a
 *   `roomcast.quarantined` placeholder takes its offset so subscribers see no gap.
 *
 * Wake-up: LISTEN/NOTIFY through `outbox.listen`, with a poll every `pollIntervalMs`, so a
 * lost notification (or a lost LISTEN connection) delays an event by at most that much.
 */
import { buildEnvelope, placeholderFor, RELAY_PARTITIONS, type PendingEvent, type RelayOutbox, type RelayRound } from "@roomcast/db";
import type { EventEnvelope } from "@roomcast/protocol";
import type { Logger } from "pino";
import type { RelayEmitter } from "./emitter";
import { shareOf } from "./membership";

import { bounded, definedOnly, errorMessage, sleep } from "./timing";
import { createWakeup } from "./wakeup";

export { RELAY_PARTITIONS };

export interface RelayOptions {
  /** This relay's id among the members: unique per process (e.g. `<node>-<random>`). */
  memberId: string;
  /** Longest a committed event waits when a NOTIFY is lost, in milliseconds. */
  pollIntervalMs: number;
  /** Most events one round reads. */
  batchSize: number;
  /** Failed emit attempts before an event is quarantined. */
  maxAttempts: number;
  /** How often the relay renews its membership, in milliseconds. */
  heartbeatMs?: number;
  /** A member not seen for this long is dead and its share moves, in milliseconds. */
  memberTtlMs?: number;
  /** Longest the emitter's flush may take before the round fails, in milliseconds. */
  flushTimeoutMs?: number;
  /** Backoff after a failed round: from `minBackoffMs`, doubling, up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Longest a flushed batch waits for the next round to carry its mark, in milliseconds. */
  markDelayMs?: number;
}

/** The defaults of every optional option, in one place. */
export const RELAY_DEFAULTS = {
  heartbeatMs: 250,
  memberTtlMs: 1_000,
  flushTimeoutMs: 5_000,
  minBackoffMs: 100,
  maxBackoffMs: 5_000,
  markDelayMs: 20,
} as const;

/**
 * For a relay that is alone by construction (the embedded database belongs to one
 * process): nobody to share with, so it renews its membership rarely instead of writing
 * to the data folder four times a second.
 */
export const SOLE_RELAY = { heartbeatMs: 60_000, memberTtlMs: 600_000 } as const;

export interface RelayHooks {
  onEmitted?(count: number): void;
  onQuarantine?(event: PendingEvent, reason: string): void;
  onRoundFailed?(error: unknown): void;
  /** After every committed round: how long it took and how many events it emitted. */
  onRound?(durationMs: number, emitted: number): void;
  /** After a committed round that emitted events: for each, seconds from its commit (`ts`) to the emitter's flush. */
  onLag?(seconds: readonly number[]): void;
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
  outbox: RelayOutbox;
  emitter: RelayEmitter;
  logger: Logger;
  hooks?: RelayHooks;
}

export function createRelay(deps: RelayDeps, options: RelayOptions): Relay {
  const { outbox, emitter, hooks = {} } = deps;
  const settings = { ...RELAY_DEFAULTS, ...definedOnly(options) };
  const logger = deps.logger.child({ worker: "relay", member: options.memberId });
  let share: number[] = [];
  let lastHeartbeat = Number.NEGATIVE_INFINITY;
  let rounds = 0;
  /** Flushed by an earlier round, not marked yet: the next statement marks them. */
  let unmarked: PendingEvent[] = [];

  async function renewMembership(tx: RelayRound): Promise<void> {
    const members = await tx.heartbeat(options.memberId, settings.memberTtlMs);
    const next = shareOf(members, options.memberId);
    if (next.length !== share.length || next.some((p, i) => p !== share[i])) {
      logger.info({ members: members.length, partitions: next.length }, "relay share changed");
    }
    share = next;
  }

  /** Emits one event, or returns why it cannot be emitted. */
  function emitOne(event: PendingEvent): string | undefined {
    const built = buildEnvelope(event);
    if (!built.ok) return built.problem;
    try {
      emitter.emit(built.envelope);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async function fail(tx: RelayRound, event: PendingEvent, problem: string): Promise<"quarantined" | "retry"> {
    const attempts = await tx.recordFailure(event, problem);
    if (attempts < options.maxAttempts) {
      logger.warn({ stream: event.stream, offset: event.offset, attempts, reason: problem }, "event could not be emitted");
      return "retry";
    }
    const reason = `failed ${attempts} attempts: ${problem}`;
    await tx.quarantine(event, reason);
    // Best effort: a subscriber that misses the placeholder reads it back on catch-up.
    const placeholder: EventEnvelope | undefined = placeholderFor(event);
    try {
      if (placeholder !== undefined) emitter.emit(placeholder);
    } catch (error) {
      logger.warn({ stream: event.stream, offset: event.offset, err: errorMessage(error) }, "quarantine placeholder not emitted");
    }
    hooks.onQuarantine?.(event, reason);
    logger.error({ stream: event.stream, offset: event.offset, id: event.id, reason }, "event quarantined");
    return "quarantined";
  }

  /** Marks what earlier rounds flushed, in a statement of its own (nothing else carries it). */
  async function markUnmarked(tx: RelayRound): Promise<void> {
    if (unmarked.length === 0) return;
    await tx.markEmitted(unmarked);
    unmarked = [];
  }
  const markUnmarkedNow = () => (unmarked.length === 0 ? Promise.resolve() : outbox.round(markUnmarked));

  /** `deferMark`: leave this round's mark to the next statement (`unmarked`). */
  async function runRound(deferMark: boolean): Promise<RoundResult> {
    const started = Date.now();
    const heartbeatDue = started - lastHeartbeat >= settings.heartbeatMs;
    let lags: number[] = [];
    const result = await outbox.round(async (tx) => {
      if (heartbeatDue) await renewMembership(tx);
      if (share.length === 0) {
        await markUnmarked(tx);
        return { emitted: 0, more: false };
      }
      const offset = rounds++ % share.length;
      const order = [...share.slice(offset), ...share.slice(0, offset)];
      const pending = await tx.lockAndRead(order, options.batchSize, unmarked);
      unmarked = [];
      const emitted: PendingEvent[] = [];
      const quarantined: PendingEvent[] = [];
      const stopped = new Set<string>();
      for (const event of pending) {
        if (stopped.has(event.stream)) continue;
        const problem = emitOne(event);
        if (problem === undefined) emitted.push(event);
        else if ((await fail(tx, event, problem)) === "retry") stopped.add(event.stream);
        else quarantined.push(event); // its placeholder went out: marked with the rest, after the flush
      }
      await bounded(emitter.flush(), settings.flushTimeoutMs, "emitter flush");
      const flushedAt = Date.now();
      if (hooks.onLag !== undefined) lags = emitted.map((event) => (flushedAt - Date.parse(event.ts)) / 1000);
      if (deferMark) unmarked = [...emitted, ...quarantined];
      else await tx.markEmitted([...emitted, ...quarantined]);
      return { emitted: emitted.length, more: pending.length >= options.batchSize && stopped.size === 0 };
    });
    if (heartbeatDue) lastHeartbeat = started;
    hooks.onEmitted?.(result.emitted);
    hooks.onRound?.(Date.now() - started, result.emitted);
    if (lags.length > 0) hooks.onLag?.(lags);
    return result;
  }

  async function run(signal: AbortSignal): Promise<void> {
    const wakeup = createWakeup();
    let backoff = settings.minBackoffMs;
    let listener: { close(): Promise<void> } | undefined;
    let listening = false;

    const listen = async (): Promise<void> => {
      if (listening || signal.aborted) return;
      try {
        listener = await outbox.listen(
          () => wakeup.notify(),
          (error) => {
            listening = false;
            logger.warn({ err: error.message }, "LISTEN connection lost; polling until it is back");
          },
        );
        listening = true;
      } catch (error) {
        logger.warn({ err: errorMessage(error) }, "LISTEN failed; polling");
      }
    };

    logger.info({ partitions: RELAY_PARTITIONS, pollIntervalMs: options.pollIntervalMs }, "relay started");
    // Idle relays still wake for their heartbeat, so they keep their share.
    const idleWaitMs = Math.min(options.pollIntervalMs, settings.heartbeatMs);
    while (!signal.aborted) {
      await listen();
      try {
        const result = await runRound(true);
        backoff = settings.minBackoffMs;
        if (result.more) continue;
        // A round starting soon carries the mark; if none does, mark on its own.
        if (unmarked.length > 0 && (await wakeup.wait(settings.markDelayMs, signal))) continue;
        await markUnmarkedNow();
        await wakeup.wait(idleWaitMs, signal);
      } catch (error) {
        hooks.onRoundFailed?.(error);
        logger.warn({ err: errorMessage(error), retryInMs: backoff }, "relay round failed");
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, settings.maxBackoffMs);
      }
    }
    await listener?.close().catch(() => undefined);
    // Before the locks go: what was flushed is marked, so the next holder does not emit it again.
    await bounded(markUnmarkedNow(), settings.flushTimeoutMs, "mark").catch((error: unknown) =>
      logger.warn({ err: errorMessage(error) }, "could not mark the last flushed events; the next relay emits them again"),
    );
    await bounded(outbox.leave(options.memberId), settings.flushTimeoutMs, "leave").catch((error: unknown) =>
      logger.warn({ err: errorMessage(error) }, "could not leave the relay members; the share moves when the entry expires"),
    );
    logger.info("relay stopped");
  }

  return { run, round: () => runRound(false) };
}
