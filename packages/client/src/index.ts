/**
 * @roomcast/client — the typed SDK over socket.io-client: resumable, deduplicated,
 * ordered subscriptions and an exactly-once offline publish queue. See client.ts.
 */
export { createClient } from "./client";
export type { ClientOptions, ConnectionState, RoomcastClient, Subscription } from "./client-types";
export type { ResetInfo, SubscriptionHooks } from "./stream-subscription";
export { RoomcastClientError, CLIENT_ERROR_CODES } from "./errors";
export type { ClientErrorCode, ClientErrorInfo } from "./errors";
export type { Logger } from "./logger";
export type { ClientSocket, PassThroughSocketOptions, SocketFactory, SocketFactoryOptions } from "./socket";
export { StreamCursor } from "./stream-cursor";
export type { StreamCursorOptions } from "./stream-cursor";
// The protocol types and helpers an application needs, re-exported so the published
// package is the only import (@roomcast/protocol is bundled into it, not published).
export { ERROR_CODES, isRetryable } from "@roomcast/protocol";
export type {
  Channel,
  ErrorBody,
  ErrorCode,
  EventEnvelope,
  PresenceEvent,
  PresenceOk,
  PresenceRequest,
  PublishOk,
  PublishRequest,
  Result,
  SubscribeOk,
  SubscribeRequest,
  SystemNotice,
  TypingEvent,
  TypingOk,
  TypingRequest,
} from "@roomcast/protocol";
