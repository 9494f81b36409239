/**
 * Errors the SDK raises itself, as opposed to refusals the server sends in an ack
 * (those arrive as `{ ok: false, error }` with a protocol `ErrorCode`).
 *
 * A promise that the caller awaits (publish) rejects with a `RoomcastClientError`;
 * everything reported to `onError` listeners is a `ClientErrorInfo`.
 */
import type { ErrorCode } from "@roomcast/protocol";

export const CLIENT_ERROR_CODES = [
  "queue_full", // the offline publish queue is at offlineQueueLimit
  "closed", // the client was closed before the operation finished
  "outcome_unknown", // a publish was sent but its ack was lost; it may or may not have committed
  "token_failed", // getToken threw or returned nothing
  "connect_failed", // the server refused the handshake and the SDK will not retry
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export class RoomcastClientError extends Error {
  override readonly name = "RoomcastClientError";
  constructor(
    readonly code: ClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What `onError` listeners receive: a server code (e.g. `unauthorized`) or a client one. */
export interface ClientErrorInfo {
  code: ErrorCode | ClientErrorCode;
  message: string;
  /** The stream (or channel/topic key) the error concerns, when there is one. */
  stream?: string;
}
