/**
 * OfflineQueue: every publish goes through here, in FIFO order, one in flight at a time,
 * so a widget's messages commit in the order they were typed.
 *
 * Invariants:
 * - At most `limit` publishes wait (the one in flight is not counted); one more is refused
 *   at once with `RoomcastClientError("queue_full")`, and nothing is queued for it.
 * - While offline nothing is sent; `online()` drains the queue on (re)connect.
 * - A publish is emitted again only when it provably never reached the server (still in
 *   socket.io's send buffer at disconnect), or when idempotency keys are on.
 * - Each caller's promise settles exactly once: the server's ack (`{ ok: true, … }` or a
 *   refusal), or a rejection: `outcome_unknown`, `closed`.
 *
 * The "sent, then the connection dropped before the ack" case: the server may or may not
 * have committed the event. Without help from the server the only safe choices are
 * at-most-once (reject with `outcome_unknown` and let the app decide — the default) or
 * at-least-once (resend, risking a duplicate event). With `idempotencyKeys: true` every
 * publish carries a client-generated `key`, reused on each resend, and the queue resends
 * until it gets an ack — exactly once, as the gateway does it (protocol `publishSchema.key`):
 *   1. accepts an optional `key` field in the publish payload;
 *   2. stores the key with the outbox row, unique per (tenant, source principal, key),
 *      for at least the retention window, in the same transaction as the event;
 *   3. answers a repeated key with the original `{ id, stream, offset }` instead of
 *      writing a second event.
 */
import type { PublishInput, PublishOk, Result } from "@roomcast/protocol";
import { RoomcastClientError } from "./errors";
import type { Logger } from "./logger";
import type { RequestOutcome } from "./requester";

/** The payload on the wire: the validated publish, plus `key` when keys are enabled. */
export type PublishWire = PublishInput & { key?: string };

export interface OfflineQueueOptions {
  limit: number;
  idempotencyKeys: boolean;
  generateKey: () => string;
  send: (payload: PublishWire) => Promise<RequestOutcome<PublishOk>>;
  logger: Logger;
}

interface Entry {
  payload: PublishWire;
  resolve: (result: Result<PublishOk>) => void;
  reject: (error: RoomcastClientError) => void;
}

export class OfflineQueue {
  private readonly waiting: Entry[] = [];
  private inFlight: Entry | undefined;
  private isOnline = false;
  private closed = false;

  constructor(private readonly options: OfflineQueueOptions) {}

  /** Publishes accepted but not yet acknowledged (waiting + in flight). */
  get size(): number {
    return this.waiting.length + (this.inFlight === undefined ? 0 : 1);
  }

  enqueue(input: PublishInput): Promise<Result<PublishOk>> {
    if (this.closed) return Promise.reject(new RoomcastClientError("closed", "the client is closed"));
    if (this.waiting.length >= this.options.limit) {
      return Promise.reject(
        new RoomcastClientError("queue_full", `offline queue is full (${this.options.limit} publishes waiting)`),
      );
    }
    // A key the caller chose (e.g. one stored with a draft, to survive a page reload) wins over a generated one.
    const payload: PublishWire = this.options.idempotencyKeys ? { ...input, key: input.key ?? this.options.generateKey() } : { ...input };
    return new Promise((resolve, reject) => {
      this.waiting.push({ payload, resolve, reject });
      this.pump();
    });
  }

  online(): void {
    this.isOnline = true;
    this.pump();
  }

  offline(): void {
    this.isOnline = false;
  }

  /** Rejects everything not yet acknowledged with `closed`. */
  close(): void {
    this.closed = true;
    this.isOnline = false;
    const entries = this.inFlight === undefined ? [...this.waiting] : [this.inFlight, ...this.waiting];
    this.inFlight = undefined;
    this.waiting.length = 0;
    for (const entry of entries) entry.reject(new RoomcastClientError("closed", "the client was closed before the publish was acknowledged"));
  }

  private pump(): void {
    if (!this.isOnline || this.closed || this.inFlight !== undefined) return;
    const entry = this.waiting.shift();
    if (entry === undefined) return;
    this.inFlight = entry;
    void this.options.send(entry.payload).then((outcome) => this.settled(entry, outcome));
  }

  private settled(entry: Entry, outcome: RequestOutcome<PublishOk>): void {
    if (this.inFlight !== entry) return; // close() already rejected it
    this.inFlight = undefined;
    switch (outcome.kind) {
      case "ack":
        entry.resolve(outcome.result);
        break;
      case "closed":
        entry.reject(new RoomcastClientError("closed", "the client was closed before the publish was acknowledged"));
        break;
      case "disconnected":
      case "timeout": {
        const sent = outcome.kind === "timeout" || outcome.sent;
        if (!sent || this.options.idempotencyKeys) {
          this.waiting.unshift(entry);
        } else {
          this.options.logger.warn({ channel: entry.payload.channel, type: entry.payload.type }, "publish outcome unknown");
          entry.reject(
            new RoomcastClientError("outcome_unknown", "the connection dropped before the publish was acknowledged; it may or may not have been committed"),
          );
        }
        break;
      }
    }
    this.pump();
  }
}
