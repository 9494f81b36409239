/**
 * In-memory fakes of the relay's two ports, for unit tests: an outbox whose rounds are
 * transactions (state is restored when the work throws) with partition locks and a
 * member list, and an emitter that records what it emitted and can be made to fail.
 */
import { RELAY_PARTITIONS, partitionOf, type PendingEvent, type PendingRef, type RelayOutbox, type RelayRound } from "@roomcast/db";
import { QUARANTINED_TYPE, type EventEnvelope } from "@roomcast/protocol";
import type { RelayEmitter } from "../emitter";

interface State {
  pending: PendingEvent[];
  cursors: Map<string, number>;
  quarantined: Map<string, string>;
  members: Map<string, number>;
}

export interface FakeOutbox extends RelayOutbox {
  /** Appends a committed event to its stream (offset = next), as publish would. */
  add(event: Partial<PendingEvent> & { stream: string }): PendingEvent;
  pendingOf(stream: string): number[];
  cursor(stream: string): number;
  quarantined: ReadonlyMap<string, string>;
  /** Partitions some round holds right now (another relay's round would skip them). */
  locked: Set<number>;
  wake(): void;
  /** Statements each round ran, for "one statement per step" checks. */
  calls: string[];
  now: () => number;
}

export function createFakeOutbox(options: { now?: () => number } = {}): FakeOutbox {
  let state: State = { pending: [], cursors: new Map(), quarantined: new Map(), members: new Map() };
  const offsets = new Map<string, number>();
  const attempts = new Map<string, number>();
  const locked = new Set<number>();
  const wakers = new Set<() => void>();
  const calls: string[] = [];
  let seq = 0;
  const now = options.now ?? Date.now;

  const clone = (s: State): State => ({
    pending: s.pending.map((p) => ({ ...p })),
    cursors: new Map(s.cursors),
    quarantined: new Map(s.quarantined),
    members: new Map(s.members),
  });

  const advance = (stream: string, offset: number) => state.cursors.set(stream, Math.max(state.cursors.get(stream) ?? 0, offset));
  const drop = (ref: PendingRef) => (state.pending = state.pending.filter((p) => p.seq !== ref.seq));

  return {
    locked,
    calls,
    now,
    get quarantined() {
      return state.quarantined;
    },
    add(partial) {
      const offset = (offsets.get(partial.stream) ?? 0) + 1;
      offsets.set(partial.stream, offset);
      const [tenant = "t", channel = "chat", topic = null] = partial.stream.split(":");
      const event: PendingEvent = {
        seq: String(++seq),
        id: `${partial.stream}#${offset}`,
        offset,
        channel,
        topic,
        type: "message",
        priority: 5,
        source: "test",
        ts: new Date(0).toISOString(),
        data: JSON.stringify({ n: offset, tenant }),
        attempts: 0,
        ...partial,
      };
      state.pending.push(event);
      return event;
    },
    pendingOf: (stream) => state.pending.filter((p) => p.stream === stream).map((p) => p.offset),
    cursor: (stream) => state.cursors.get(stream) ?? 0,
    wake: () => wakers.forEach((wake) => wake()),

    async round(work) {
      let before = clone(state);
      const mine = new Set<number>();
      const round: RelayRound = {
        async heartbeat(member, ttlMs) {
          calls.push("heartbeat");
          state.members.set(member, now());
          return [...state.members].filter(([id, seen]) => id === member || now() - seen < ttlMs).map(([id]) => id).sort();
        },
        async lockAndRead(partitions, limit, emitted = []) {
          calls.push("lockAndRead");
          // The carried mark is its own statement's work: it stays if the round fails later.
          for (const event of emitted) {
            drop(event);
            advance(event.stream, event.offset);
          }
          if (emitted.length > 0) before = clone(state);
          const out: PendingEvent[] = [];
          for (const p of partitions) {
            if (out.length >= limit) break;
            if (!mine.has(p)) {
              if (locked.has(p)) continue;
              locked.add(p);
              mine.add(p);
            }
            for (const event of state.pending) {
              if (out.length >= limit) break;
              if (partitionOf(event.stream, RELAY_PARTITIONS) === p) out.push({ ...event, attempts: attempts.get(event.id) ?? 0 });
            }
          }
          return out;
        },
        async markEmitted(events) {
          calls.push("markEmitted");
          for (const event of events) {
            drop(event);
            advance(event.stream, event.offset);
          }
        },
        async recordFailure(event) {
          calls.push("recordFailure");
          const count = (attempts.get(event.id) ?? 0) + 1;
          attempts.set(event.id, count);
          return count;
        },
        async quarantine(event, reason) {
          calls.push("quarantine");
          state.quarantined.set(event.id, reason);
        },
      };
      try {
        return await work(round);
      } catch (error) {
        state = before;
        throw error;
      } finally {
        for (const p of mine) locked.delete(p);
      }
    },
    async listen(onWake) {
      wakers.add(onWake);
      return { close: async () => void wakers.delete(onWake) };
    },
    async leave(member) {
      state.members.delete(member);
    },
  };
}

export interface FakeEmitter extends RelayEmitter {
  emitted: EventEnvelope[];
  /** Offsets flushed so far (everything emitted before a successful flush). */
  flushed: EventEnvelope[];
  failFlush: boolean;
  /** Emit throws for these event ids (not for the placeholder that takes their offset). */
  throwOn: Set<string>;
}

export function createFakeEmitter(): FakeEmitter {
  const emitter: FakeEmitter = {
    emitted: [],
    flushed: [],
    failFlush: false,
    throwOn: new Set(),
    emit(envelope) {
      if (emitter.throwOn.has(envelope.id) && envelope.type !== QUARANTINED_TYPE) throw new Error("adapter refused the packet");
      emitter.emitted.push(envelope);
    },
    async flush() {
      if (emitter.failFlush) throw new Error("redis unreachable");
      emitter.flushed = [...emitter.emitted];
    },
  };
  return emitter;
}
