/**
 * StreamSubscription: one stream the application subscribed to, across connections.
 *
 * Lifecycle: `online()` on every (re)connect sends `subscribe` with `since` = the cursor's
 * last delivered offset (omitted only for a first subscribe without a known position);
 * `offline()` on disconnect abandons the request in flight and stops the timers; `close()`
 * (unsubscribe or client close) stops everything for good.
 *
 * Invariants:
 * - At most one subscribe is in flight; an answer to an older one is ignored (`seq`).
 * - The app's handler gets each offset once, in order (StreamCursor); a handler that throws
 *   is logged and does not stop delivery.
 * - A gap that stays open for `resyncTimeoutMs` (or a full reorder buffer, at once) sends
 *   a resubscribe with `since: last delivered`; no gap timer runs while a subscribe is in
 *   flight — its ack decides again.
 * - `recovered: false` calls `onReset` before any event that follows it is delivered.
 * - A retryable refusal (`unavailable`, `rate_limited`, `internal`) or an ack timeout is
 *   retried with backoff; any other refusal ends the subscription and is reported once.
 * - `ready` settles once: with the first successful ack, or with the refusal that ended it
 *   (or `unavailable` if the client closed first). It never rejects.
 */
import { err, isRetryable, type ErrorBody, type EventEnvelope, type Ok, type Result, type SubscribeOk, type SubscribeRequest } from "@roomcast/protocol";
import { backoffDelay, type BackoffOptions } from "./backoff";
import type { Logger } from "./logger";
import type { RequestOutcome } from "./requester";
import { StreamCursor } from "./stream-cursor";

export interface ResetInfo {
  stream: string;
  /** The position the subscription continues from; events after it follow. */
  offset: number;
}

export interface SubscriptionHooks {
  /** The server could not replay what was missed (`recovered: false`): refetch a snapshot. */
  onReset?: (info: ResetInfo) => void;
  /** The subscription was refused for good (e.g. `forbidden`) and has ended. */
  onError?: (error: ErrorBody) => void;
}

export interface StreamSubscriptionOptions {
  request: Omit<SubscribeRequest, "since">;
  since?: number | undefined;
  onEvent: (event: EventEnvelope) => void;
  hooks: SubscriptionHooks;
  resyncTimeoutMs: number;
  bufferLimit: number;
  retry: BackoffOptions;
  send: (payload: SubscribeRequest) => Promise<RequestOutcome<SubscribeOk>>;
  /** Called once when the subscription ends by itself (terminal refusal). */
  onEnded: (error: ErrorBody) => void;
  logger: Logger;
}

export class StreamSubscription {
  readonly ready: Promise<Result<SubscribeOk>>;
  private settleReady!: (result: Result<SubscribeOk>) => void;
  private readySettled = false;
  private readonly cursor: StreamCursor;
  private seq = 0;
  private inFlight = false;
  private connected = false;
  private closed = false;
  private attempt = 0;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private streamName: string | undefined;

  constructor(private readonly options: StreamSubscriptionOptions) {
    const { types, sources, minPriority, where } = options.request;
    this.cursor = new StreamCursor({
      since: options.since,
      gapless: types === undefined && sources === undefined && minPriority === undefined && where === undefined,
      bufferLimit: options.bufferLimit,
    });
    this.ready = new Promise((resolve) => {
      this.settleReady = resolve;
    });
  }

  get stream(): string | undefined {
    return this.streamName;
  }

  get lastOffset(): number | undefined {
    return this.cursor.lastOffset;
  }

  online(): void {
    this.connected = true;
    this.subscribe("connect");
  }

  offline(): void {
    this.connected = false;
    this.seq += 1;
    this.inFlight = false;
    this.cursor.abandonSubscribe();
    this.stopTimers();
  }

  /** The server asked for a resync (its Redis subscriber was away): catch up with `since`. */
  resync(): void {
    if (!this.inFlight) this.subscribe("resync");
  }

  handle(event: EventEnvelope): void {
    if (this.closed) return;
    this.deliver(this.cursor.offer(event));
    if (this.cursor.overflowed && !this.inFlight) {
      this.options.logger.warn({ stream: event.stream, buffered: this.cursor.buffered }, "reorder buffer full; resyncing");
      this.subscribe("overflow");
      return;
    }
    this.updateGapTimer();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.seq += 1;
    this.stopTimers();
    this.finishReady(err("unavailable", "the subscription was closed before it was acknowledged"));
  }

  private subscribe(reason: "connect" | "gap" | "overflow" | "retry" | "resync"): void {
    if (this.closed || !this.connected) return;
    this.stopTimers();
    this.cursor.beginSubscribe();
    this.seq += 1;
    const seq = this.seq;
    this.inFlight = true;
    const since = this.cursor.lastOffset;
    const payload: SubscribeRequest = since === undefined ? { ...this.options.request } : { ...this.options.request, since };
    this.options.logger.debug({ channel: payload.channel, topic: payload.topic, since, reason }, "subscribe");
    void this.options.send(payload).then((outcome) => this.answered(seq, outcome));
  }

  private answered(seq: number, outcome: RequestOutcome<SubscribeOk>): void {
    if (this.closed || seq !== this.seq) return;
    this.inFlight = false;
    switch (outcome.kind) {
      case "ack":
        if (outcome.result.ok) this.acknowledged(outcome.result);
        else this.refused(outcome.result.error);
        return;
      case "timeout":
        this.cursor.abandonSubscribe();
        this.scheduleRetry();
        return;
      case "disconnected":
      case "closed":
        // offline() / close() own these; a reconnect resubscribes.
        return;
    }
  }

  private acknowledged(ack: Ok<SubscribeOk>): void {
    this.attempt = 0;
    this.streamName = ack.stream;
    const { reset, deliver } = this.cursor.onAck(ack);
    if (reset) {
      this.options.logger.info({ stream: ack.stream, offset: ack.offset }, "stream not recovered; app must reload");
      this.callApp(() => this.options.hooks.onReset?.({ stream: ack.stream, offset: ack.offset }));
    }
    this.finishReady(ack);
    this.deliver(deliver);
    if (this.cursor.overflowed) this.subscribe("overflow");
    else this.updateGapTimer();
  }

  private refused(error: ErrorBody): void {
    if (isRetryable(error.code)) {
      this.options.logger.warn({ code: error.code, channel: this.options.request.channel }, "subscribe refused; retrying");
      this.cursor.abandonSubscribe();
      this.scheduleRetry();
      return;
    }
    this.options.logger.warn({ code: error.code, channel: this.options.request.channel }, "subscribe refused; giving up");
    this.finishReady({ ok: false, error });
    this.close();
    this.callApp(() => this.options.hooks.onError?.(error));
    this.options.onEnded(error);
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt, this.options.retry);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.subscribe("retry");
    }, delay);
  }

  private updateGapTimer(): void {
    if (this.inFlight || !this.cursor.hasGap) {
      this.clearGapTimer();
      return;
    }
    if (this.gapTimer !== undefined) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (!this.cursor.hasGap) return;
      this.options.logger.info(
        { stream: this.streamName, since: this.cursor.lastOffset, buffered: this.cursor.buffered },
        "gap did not fill in time; resyncing",
      );
      this.subscribe("gap");
    }, this.options.resyncTimeoutMs);
  }

  private deliver(events: readonly EventEnvelope[]): void {
    for (const event of events) this.callApp(() => this.options.onEvent(event));
  }

  private callApp(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.options.logger.error({ err: error, stream: this.streamName }, "subscription handler threw");
    }
  }

  private finishReady(result: Result<SubscribeOk>): void {
    if (this.readySettled) return;
    this.readySettled = true;
    this.settleReady(result);
  }

  private clearGapTimer(): void {
    if (this.gapTimer !== undefined) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  private stopTimers(): void {
    this.clearGapTimer();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
