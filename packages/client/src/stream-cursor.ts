/**
 * StreamCursor: the per-stream dedupe and reorder buffer. Pure — no timers, no I/O; the
 * owner (stream-subscription.ts) feeds it events and acks and acts on what it reports.
 *
 * Invariants (gapless mode, i.e. an unfiltered subscription whose offsets are 1, 2, 3 …):
 * - `position` is the last offset handed to the application. Only `position + 1` is ever
 *   delivered next, so the app sees each offset once, in order.
 * - An event with offset ≤ position is a duplicate and is dropped.
 * - An event with offset > position + 1 is held in `pending` (at most `bufferLimit`
 *   entries) until the gap before it fills. An event that does not fit is dropped and
 *   `overflowed` is set: the owner must resubscribe with `since: position`, and the replay
 *   brings it back.
 * - `head` is the highest offset known to exist (seen on the wire, or an ack's offset after
 *   a recovered resume). `hasGap` ⇔ pending is non-empty or head > position: something is
 *   missing and the owner runs the resync timer.
 *
 * Filtered mode (`types`/`minPriority` set): the server skips events that do not match,
 * so offsets legitimately jump and a gap cannot be told from a filtered event. Duplicates
 * are still dropped and order is still enforced (offset > position); while a (re)subscribe
 * is awaiting its ack, everything is held and released in offset order with the ack, so
 * replayed and live events cannot overtake each other. After the ack, order relies on the
 * server emitting each stream in offset order (which the relay guarantees).
 *
 * Position before the first ack: the caller's `since` if given; otherwise unknown until
 * the ack, which sets it to the ack's offset (the subscriber starts live from there).
 * An ack with `recovered: false` moves position to the ack's offset and reports `reset`,
 * so the app refetches a snapshot before the next events are delivered.
 */
import type { EventEnvelope, SubscribeOk } from "@roomcast/protocol";

export interface StreamCursorOptions {
  /** Resume after this offset (events with offset > since are wanted). */
  since?: number | undefined;
  /** False for filtered subscriptions, whose offsets have legitimate holes. */
  gapless: boolean;
  /** The most early events held while waiting for a gap to fill. */
  bufferLimit: number;
}

export interface AckOutcome {
  /** True when the ack said `recovered: false`: the app must reload its snapshot. */
  reset: boolean;
  /** Events now deliverable, in order. */
  deliver: EventEnvelope[];
}

export class StreamCursor {
  private position: number | undefined;
  private head = 0;
  private awaitingAck = false;
  private overflow = false;
  private readonly pending = new Map<number, EventEnvelope>();
  private readonly gapless: boolean;
  private readonly bufferLimit: number;

  constructor(options: StreamCursorOptions) {
    this.position = options.since;
    this.head = options.since ?? 0;
    this.gapless = options.gapless;
    this.bufferLimit = options.bufferLimit;
  }

  /** The last offset delivered to the app (the `since` to resume from), if known. */
  get lastOffset(): number | undefined {
    return this.position;
  }

  get hasGap(): boolean {
    if (!this.gapless || this.position === undefined) return false;
    return this.pending.size > 0 || this.head > this.position;
  }

  /** Set when an early event was dropped for lack of room; cleared by `beginSubscribe`. */
  get overflowed(): boolean {
    return this.overflow;
  }

  get buffered(): number {
    return this.pending.size;
  }

  /** A (re)subscribe is about to be sent with `since: lastOffset`. */
  beginSubscribe(): void {
    this.awaitingAck = true;
    this.overflow = false;
  }

  /** The subscribe in flight will never be answered (disconnect); a new one will follow. */
  abandonSubscribe(): void {
    this.awaitingAck = false;
  }

  /** An event arrived on the wire; returns what may be delivered now, in order. */
  offer(event: EventEnvelope): EventEnvelope[] {
    const { offset } = event;
    if (offset > this.head) this.head = offset;
    const position = this.position;
    if (position !== undefined && offset <= position) return [];
    if (position === undefined || (!this.gapless && this.awaitingAck)) {
      this.hold(event);
      return [];
    }
    if (!this.gapless) {
      this.position = offset;
      return [event];
    }
    if (offset !== position + 1) {
      this.hold(event);
      return [];
    }
    this.position = offset;
    return [event, ...this.drain()];
  }

  /** The (re)subscribe was acknowledged. */
  onAck(ack: SubscribeOk): AckOutcome {
    this.awaitingAck = false;
    let reset = false;
    if (this.position === undefined) {
      this.position = ack.offset;
    } else if (!ack.recovered) {
      reset = true;
      // A lower offset means the stream was rebuilt; what we held belongs to the old one.
      if (ack.offset < this.position) this.pending.clear();
      this.position = ack.offset;
      this.head = Math.max(ack.offset, ...this.pending.keys());
    } else if (ack.offset > this.head) {
      this.head = ack.offset;
    }
    for (const offset of this.pending.keys()) {
      if (offset <= this.position) this.pending.delete(offset);
    }
    if (this.gapless) return { reset, deliver: this.drain() };
    const deliver = this.releaseAll();
    // Everything matching up to the ack's offset was replayed before the ack, unless some
    // of it was dropped for lack of room (the owner then resyncs from what was delivered).
    if (ack.recovered && !this.overflow) this.position = Math.max(this.position, ack.offset);
    return { reset, deliver };
  }

  private hold(event: EventEnvelope): void {
    if (this.pending.has(event.offset)) return;
    if (this.pending.size >= this.bufferLimit) {
      this.overflow = true;
      return;
    }
    this.pending.set(event.offset, event);
  }

  /** Gapless: deliver position+1, position+2 … while they are held. */
  private drain(): EventEnvelope[] {
    const out: EventEnvelope[] = [];
    for (;;) {
      const next = (this.position ?? 0) + 1;
      const event = this.pending.get(next);
      if (event === undefined) return out;
      this.pending.delete(next);
      this.position = next;
      out.push(event);
    }
  }

  /** Filtered: everything held is after position; deliver it all in offset order. */
  private releaseAll(): EventEnvelope[] {
    const out = [...this.pending.values()].sort((a, b) => a.offset - b.offset);
    this.pending.clear();
    const last = out.at(-1);
    if (last !== undefined) this.position = last.offset;
    return out;
  }
}
