/**
 * The public shape of the SDK: options, the client and a subscription handle.
 * Implementation in client.ts; the contracts stated here are what the tests hold it to.
 */
import type {
  EventEnvelope,
  PresenceEvent,
  PresenceOk,
  PresenceRequest,
  TypingEvent,
  TypingOk,
  TypingRequest,
  PublishOk,
  PublishRequest,
  Result,
  SubscribeOk,
  SubscribeRequest,
  SystemNotice,
} from "@roomcast/protocol";
import type { ClientErrorInfo } from "./errors";
import type { Logger } from "./logger";
import type { PassThroughSocketOptions, SocketFactory } from "./socket";
import type { SubscriptionHooks } from "./stream-subscription";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface ClientOptions {
  url: string;
  /**
   * A token for the handshake; or `getToken`, called at start, again on `unauthorized`, and
   * before the current token's `exp`: the new token is handed to the live socket
   * (`auth:refresh`), so the server does not end it at expiry.
   */
  token?: string;
  getToken?: () => string | Promise<string>;
  /** With `getToken`: refresh this long before the token's `exp` (ms; at most half its remaining life). */
  refreshBeforeExpiryMs?: number;
  socketOptions?: PassThroughSocketOptions;
  logger?: Logger;
  /** How long a gap in a stream may stay open before the SDK resubscribes (ms). */
  resyncTimeoutMs?: number;
  /** Early events held per stream while a gap fills. */
  reorderBufferLimit?: number;
  /** Publishes that may wait for a connection; one more is refused. */
  offlineQueueLimit?: number;
  /** How long to wait for the server to acknowledge a subscribe or publish (ms). */
  ackTimeoutMs?: number;
  /** Send a client `key` with each publish and resend until acked. Needs server support (offline-queue.ts). */
  idempotencyKeys?: boolean;
  /** Socket factory; defaults to socket.io-client's `io`. Tests inject a fake. */
  io?: SocketFactory;
}

export interface Subscription {
  /** The first ack (or the refusal that ended the subscription). Never rejects. */
  readonly ready: Promise<Result<SubscribeOk>>;
  /** The stream name, once acknowledged. */
  readonly stream: string | undefined;
  /** The last offset delivered to the handler. */
  readonly lastOffset: number | undefined;
  /** Stops delivery at once and tells the server (best effort when offline). */
  unsubscribe(): Promise<void>;
}

export interface RoomcastClient {
  readonly state: ConnectionState;
  /** Publishes accepted but not yet acknowledged. */
  readonly pendingPublishes: number;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  onError(listener: (error: ClientErrorInfo) => void): () => void;
  onSystem(listener: (notice: SystemNotice) => void): () => void;
  subscribe(request: SubscribeRequest, onEvent: (event: EventEnvelope) => void, hooks?: SubscriptionHooks): Subscription;
  /** `presence` events of the streams subscribed with `presence: true`. */
  onPresence(listener: (event: PresenceEvent) => void): () => void;
  /** `typing` events of the subscribed streams (including this user's own other sockets). */
  onTyping(listener: (event: TypingEvent) => void): () => void;
  /** Who is in a stream now. Not queued: offline, it answers `unavailable` at once. */
  presence(request: PresenceRequest): Promise<Result<PresenceOk>>;
  /** Tells the stream's other subscribers this user is (or stopped) typing. Ephemeral, rate-limited, not queued. */
  typing(request: TypingRequest): Promise<Result<TypingOk>>;
  /** Resolves with the server's answer; rejects with RoomcastClientError (`queue_full`, `closed`, `outcome_unknown`). */
  publish(request: PublishRequest): Promise<Result<PublishOk>>;
  close(): void;
}
