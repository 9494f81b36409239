/**
 * createClient: the Roomcast SDK over one socket.io-client connection.
 *
 * Lifecycle: created → `connecting` (token from `token` or `getToken()`, sent only in the
 * handshake `auth`) → `live` on every connect, where each subscription resubscribes with
 * `since` and the publish queue drains → `reconnecting` after a drop (socket.io retries by
 * itself; when it will not — the server closed the socket or refused the handshake with a
 * retryable code — the SDK schedules the reconnect, refreshing the token first on
 * `unauthorized` or after a `token_expired` notice when `getToken` is given) → `offline`
 * when the server refuses for good,
 * socket.io gives up (`reconnect_failed`), or `close()`.
 *
 * Token refresh: with `getToken`, while live, the SDK asks for a new token before the
 * current one's `exp` (token-expiry.ts) and hands it to the socket with `auth:refresh`;
 * the server then keeps the socket past the old `exp`. A refused refresh is reported to
 * `onError` and the next reconnect takes a fresh token. After a `revoked` notice the SDK
 * reconnects only with a different token (from `getToken`); otherwise it goes `offline`.
 *
 * Invariants: no module-level state (each client owns its socket, timers and maps; the
 * socket is created with `forceNew`); `close()` stops every timer and the socket and
 * settles every pending promise; one subscription per stream (channel + topic) per client;
 * listeners supplied by the app never break the SDK when they throw.
 */
import {
  err,
  isRetryable,
  type AckResults,
  type ErrorCode,
  type EventEnvelope,
  type PresenceEvent,
  type PresenceOk,
  type PresenceRequest,
  type PublishOk,
  type PublishRequest,
  type Result,
  type SubscribeOk,
  type SubscribeRequest,
  type SystemNotice,
  type TypingEvent,
  type TypingOk,
  type TypingRequest,
} from "@roomcast/protocol";
import { io as socketIo } from "socket.io-client";
import { backoffDelay, type BackoffOptions } from "./backoff";
import type { ClientErrorInfo } from "./errors";
import { generateIdempotencyKey } from "./idempotency-key";
import { connectErrorCode, Listeners } from "./listeners";
import { silentLogger, type Logger } from "./logger";
import { OfflineQueue } from "./offline-queue";
import { Requester } from "./requester";
import type { AuthCallback, ClientSocket, SocketFactory } from "./socket";
import { StreamSubscription, type SubscriptionHooks } from "./stream-subscription";
import { refreshDelay, tokenExpiry } from "./token-expiry";
import type { ClientOptions, ConnectionState, RoomcastClient, Subscription } from "./client-types";
import { checkPresence, checkPublish, checkSubscribe, checkTyping } from "./requests";
import { parseEnvelope, parsePresenceEvent, parseTypingEvent } from "./wire";

/** A handshake refused without a code (a transport failure) is retried too. */
const retryableRefusal = (code: ErrorCode | undefined): boolean => code === undefined || isRetryable(code);

export function createClient(options: ClientOptions): RoomcastClient {
  return new Client(options);
}

function streamKey(channel: string, topic: string | null | undefined): string {
  return topic == null ? channel : `${channel}\u0000${topic}`;
}

class Client implements RoomcastClient {
  private current: ConnectionState = "connecting";
  private closed = false;
  private everConnected = false;
  private token: string | undefined;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set by a `token_expired` notice or a refused refresh: the next reconnect takes a new token. */
  private refreshOnReconnect = false;
  /** The token a `revoked` notice ended: getToken handing it back again means the app is signed out. */
  private revokedToken: string | undefined;
  private readonly socket: ClientSocket;
  private readonly requester: Requester;
  private readonly queue: OfflineQueue;
  private readonly subscriptions = new Map<string, StreamSubscription>();
  private readonly stateListeners = new Listeners<ConnectionState>();
  private readonly errorListeners = new Listeners<ClientErrorInfo>();
  private readonly systemListeners = new Listeners<SystemNotice>();
  private readonly presenceListeners = new Listeners<PresenceEvent>();
  private readonly typingListeners = new Listeners<TypingEvent>();
  private readonly logger: Logger;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: ClientOptions) {
    if (options.token === undefined && options.getToken === undefined) {
      throw new TypeError("createClient needs a token or a getToken function");
    }
    this.logger = options.logger ?? silentLogger();
    this.token = options.token;
    this.backoff = {
      initialMs: options.socketOptions?.reconnectionDelay ?? 1000,
      maxMs: options.socketOptions?.reconnectionDelayMax ?? 5000,
    };
    const auth: AuthCallback = (cb) => cb({ token: this.token ?? "" });
    const factory: SocketFactory = options.io ?? ((url, socketOptions) => socketIo(url, socketOptions));
    this.socket = factory(options.url, {
      ...options.socketOptions,
      autoConnect: false,
      forceNew: true,
      auth,
    });
    this.requester = new Requester(this.socket, options.ackTimeoutMs ?? 10_000);
    this.queue = new OfflineQueue({
      limit: options.offlineQueueLimit ?? 100,
      idempotencyKeys: options.idempotencyKeys ?? false,
      generateKey: generateIdempotencyKey,
      send: (payload) => this.requester.send("publish", payload),
      logger: this.logger,
    });
    this.socket.on("connect", () => this.connected());
    this.socket.on("disconnect", (reason) => this.disconnected(reason));
    this.socket.on("connect_error", (error) => this.connectError(error));
    this.socket.on("event", (raw: unknown) => this.received(raw));
    this.socket.on("presence", (raw: unknown) => {
      const event = parsePresenceEvent(raw);
      if (event !== null) this.presenceListeners.emit(event, this.logger);
    });
    this.socket.on("typing", (raw: unknown) => {
      const event = parseTypingEvent(raw);
      if (event !== null) this.typingListeners.emit(event, this.logger);
    });
    this.socket.on("system", (notice) => {
      if (notice.type === "resync") for (const subscription of this.subscriptions.values()) subscription.resync();
      // The node is going away: leave now, so socket.io reconnects (elsewhere) and resumes.
      if (notice.type === "drain") this.socket.io.engine?.close();
      if (notice.type === "token_expired") this.refreshOnReconnect = true;
      if (notice.type === "revoked") {
        this.refreshOnReconnect = true;
        this.revokedToken = this.token;
      }
      this.systemListeners.emit(notice, this.logger);
    });
    this.socket.io.on("reconnect_attempt", (attempt) => this.logger.debug({ attempt }, "reconnecting"));
    this.socket.io.on("reconnect_failed", () => this.giveUp({ code: "connect_failed", message: "reconnection attempts exhausted" }));
    if (this.token !== undefined) this.socket.connect();
    else this.scheduleReconnect(true, 0);
  }

  get state(): ConnectionState {
    return this.current;
  }

  get pendingPublishes(): number {
    return this.queue.size;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  onError(listener: (error: ClientErrorInfo) => void): () => void {
    return this.errorListeners.add(listener);
  }

  onSystem(listener: (notice: SystemNotice) => void): () => void {
    return this.systemListeners.add(listener);
  }

  subscribe(request: SubscribeRequest, onEvent: (event: EventEnvelope) => void, hooks: SubscriptionHooks = {}): Subscription {
    const parsed = checkSubscribe(request);
    if (!parsed.ok) return refusedSubscription(err("invalid", parsed.message));
    if (this.closed) return refusedSubscription(err("unavailable", "the client is closed"));
    const { since, ...rest } = parsed.value;
    const key = streamKey(rest.channel, rest.topic);
    if (this.subscriptions.has(key)) return refusedSubscription(err("invalid", "already subscribed to this stream"));
    const subscription = new StreamSubscription({
      request: rest,
      since,
      onEvent,
      hooks,
      resyncTimeoutMs: this.options.resyncTimeoutMs ?? 5000,
      bufferLimit: this.options.reorderBufferLimit ?? 1000,
      retry: this.backoff,
      send: (payload) => this.requester.send("subscribe", payload),
      onEnded: (error) => {
        this.subscriptions.delete(key);
        this.errorListeners.emit({ ...error, stream: subscription.stream ?? key }, this.logger);
      },
      logger: this.logger,
    });
    this.subscriptions.set(key, subscription);
    if (this.socket.connected) subscription.online();
    return {
      ready: subscription.ready,
      get stream() {
        return subscription.stream;
      },
      get lastOffset() {
        return subscription.lastOffset;
      },
      unsubscribe: async () => {
        if (this.subscriptions.get(key) !== subscription) return;
        this.subscriptions.delete(key);
        subscription.close();
        const outcome = await this.requester.send("unsubscribe", { channel: rest.channel, topic: rest.topic });
        if (outcome.kind === "ack" && !outcome.result.ok) {
          this.logger.warn({ code: outcome.result.error.code, channel: rest.channel }, "unsubscribe refused");
        }
      },
    };
  }

  onPresence(listener: (event: PresenceEvent) => void): () => void {
    return this.presenceListeners.add(listener);
  }

  onTyping(listener: (event: TypingEvent) => void): () => void {
    return this.typingListeners.add(listener);
  }

  presence(request: PresenceRequest): Promise<Result<PresenceOk>> {
    const parsed = checkPresence(request);
    if (!parsed.ok) return Promise.resolve(err("invalid", parsed.message));
    return this.request("presence", parsed.value);
  }

  typing(request: TypingRequest): Promise<Result<TypingOk>> {
    const parsed = checkTyping(request);
    if (!parsed.ok) return Promise.resolve(err("invalid", parsed.message));
    return this.request("typing", parsed.value);
  }

  /** A one-shot request: not queued while offline (presence and typing are about now). */
  private async request<E extends "presence" | "typing">(event: E, payload: object): Promise<Result<AckResults[E]>> {
    const outcome = await this.requester.send(event, payload);
    switch (outcome.kind) {
      case "ack":
        return outcome.result;
      case "timeout":
        return err("unavailable", `no ${event} ack from the server in time`);
      case "disconnected":
        return err("unavailable", "not connected");
      case "closed":
        return err("unavailable", "the client is closed");
    }
  }

  publish(request: PublishRequest): Promise<Result<PublishOk>> {
    const parsed = checkPublish(request);
    if (!parsed.ok) return Promise.resolve(err("invalid", parsed.message));
    return this.queue.enqueue(parsed.value);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.stopRefresh();
    for (const subscription of this.subscriptions.values()) subscription.close();
    this.subscriptions.clear();
    this.queue.close();
    this.requester.close();
    this.socket.off();
    this.socket.io.off();
    this.socket.disconnect();
    this.setState("offline");
    this.stateListeners.clear();
    this.errorListeners.clear();
    this.systemListeners.clear();
    this.presenceListeners.clear();
    this.typingListeners.clear();
  }

  private connected(): void {
    this.everConnected = true;
    this.reconnectAttempt = 0;
    this.setState("live");
    for (const subscription of this.subscriptions.values()) subscription.online();
    this.queue.online();
    this.scheduleRefresh();
  }

  private disconnected(reason: string): void {
    this.requester.disconnected();
    this.stopRefresh();
    for (const subscription of this.subscriptions.values()) subscription.offline();
    this.queue.offline();
    if (this.closed) return;
    this.logger.info({ reason }, "disconnected");
    this.setState("reconnecting");
    // socket.io does not reconnect after a server-side disconnect (e.g. a draining node).
    if (!this.socket.active) this.scheduleReconnect(this.takeRefreshFlag());
  }

  private connectError(error: Error): void {
    if (this.closed) return;
    const code = connectErrorCode(error);
    this.setState(this.everConnected ? "reconnecting" : "connecting");
    if (this.socket.active) {
      // Transport-level failure: socket.io retries by itself.
      this.logger.debug({ message: error.message }, "connect error; socket.io will retry");
      return;
    }
    const info: ClientErrorInfo = { code: code ?? "connect_failed", message: error.message };
    this.logger.warn({ code: info.code }, "handshake refused");
    this.errorListeners.emit(info, this.logger);
    if (code === "unauthorized" && this.options.getToken !== undefined) this.scheduleReconnect(true);
    else if (retryableRefusal(code)) this.scheduleReconnect(false);
    else this.giveUp(null);
  }

  private scheduleReconnect(refreshToken: boolean, delay = backoffDelay(this.reconnectAttempt, this.backoff)): void {
    if (this.closed || this.reconnectTimer !== undefined) return;
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.reconnect(refreshToken);
    }, delay);
  }

  private async reconnect(refreshToken: boolean): Promise<void> {
    if (refreshToken && !(await this.refreshToken())) {
      this.scheduleReconnect(true);
      return;
    }
    if (this.token !== undefined && this.token === this.revokedToken) {
      this.giveUp({ code: "unauthorized", message: "the token was revoked" });
      return;
    }
    if (!this.closed && !this.socket.connected) this.socket.connect();
  }

  private async refreshToken(): Promise<boolean> {
    if (this.options.getToken === undefined) return this.token !== undefined;
    const token = await this.fetchToken();
    if (token === undefined) return false;
    this.token = token;
    return true;
  }

  /** A new token from `getToken`, or undefined (reported as `token_failed`) when it fails. */
  private async fetchToken(): Promise<string | undefined> {
    const getToken = this.options.getToken;
    if (getToken === undefined) return undefined;
    try {
      const token = await getToken();
      if (this.closed) return undefined;
      if (typeof token !== "string" || token.length === 0) throw new Error("getToken returned no token");
      return token;
    } catch (error) {
      if (this.closed) return undefined;
      const message = error instanceof Error ? error.message : "getToken failed";
      this.logger.warn({ message }, "token refresh failed");
      this.errorListeners.emit({ code: "token_failed", message }, this.logger);
      return undefined;
    }
  }

  private takeRefreshFlag(): boolean {
    const refresh = this.refreshOnReconnect && this.options.getToken !== undefined;
    this.refreshOnReconnect = false;
    return refresh;
  }

  /** While live with `getToken`: refresh before the current token's `exp`. */
  private scheduleRefresh(): void {
    this.stopRefresh();
    if (this.closed || this.options.getToken === undefined || this.token === undefined) return;
    const exp = tokenExpiry(this.token);
    if (exp === undefined) return;
    const delay = refreshDelay(exp, Date.now(), this.options.refreshBeforeExpiryMs ?? 60_000);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refreshLive();
    }, Math.min(delay, 2_147_483_647));
  }

  private stopRefresh(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private async refreshLive(): Promise<void> {
    const token = await this.fetchToken();
    if (token === undefined || this.closed) return;
    const outcome = await this.requester.send("auth:refresh", { token });
    if (outcome.kind !== "ack") return; // offline or no answer: the next connect schedules again
    if (outcome.result.ok) {
      this.token = token;
      this.scheduleRefresh();
      return;
    }
    this.refreshOnReconnect = true;
    this.logger.warn({ code: outcome.result.error.code }, "token refresh refused");
    this.errorListeners.emit(outcome.result.error, this.logger);
  }

  private giveUp(info: ClientErrorInfo | null): void {
    if (this.closed) return;
    if (info !== null) this.errorListeners.emit(info, this.logger);
    this.setState("offline");
  }

  private received(raw: unknown): void {
    const event = parseEnvelope(raw);
    if (event === null) {
      this.logger.warn({}, "dropped a malformed event");
      return;
    }
    this.subscriptions.get(streamKey(event.channel, event.topic))?.handle(event);
  }

  private setState(next: ConnectionState): void {
    if (next === this.current) return;
    this.current = next;
    this.stateListeners.emit(next, this.logger);
  }
}

function refusedSubscription(result: Result<SubscribeOk>): Subscription {
  return { ready: Promise.resolve(result), stream: undefined, lastOffset: undefined, unsubscribe: () => Promise.resolve() };
}
