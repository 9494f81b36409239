/**
 * The closed catalog of error codes a client can see, and the discriminated result type
 * every ack uses. Internal messages never reach a client: handlers map failures to one of
 * these codes with a short, fixed message.
 */
export const ERROR_CODES = [
  "unauthorized", // no, bad, expired or wrongly signed credentials
  "forbidden", // authenticated, but the policy does not allow it
  "invalid", // the payload failed validation
  "rate_limited", // too many events or connections
  "unavailable", // a dependency (database, Redis) is down; retry later
  "payload_too_large", // over the configured size limit
  "not_found", // the addressed resource does not exist
  "origin_not_allowed", // the Origin header is not in the allowlist
  "reserved_type", // a product's own event type (e.g. a chat `message`) sent to a generic publish path
  "idempotency_conflict", // an idempotency key reused for a different request (payload or stream)
  "identity_unverified", // a visitor identity whose userHash does not match the tenant's identity secret
  "internal", // a bug; logged with details server-side
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Ok<T extends object> = { ok: true } & T;
export type Err = { ok: false; error: ErrorBody };
export type Result<T extends object> = Ok<T> | Err;

export function err(code: ErrorCode, message: string): Err {
  return { ok: false, error: { code, message } };
}

/**
 * Codes worth retrying after a backoff: the condition is temporary (a dependency down, a
 * rate limit, a bug that may not repeat). The SDK retries these (subscribe, handshake); the
 * gateway tells HTTP clients when to retry them (`Retry-After`). Every other code is final.
 */
export const RETRYABLE_CODES: readonly ErrorCode[] = ["unavailable", "rate_limited", "internal"];

export function isRetryable(code: ErrorCode): boolean {
  return RETRYABLE_CODES.includes(code);
}

/** Codes for refused handshakes, carried in `connect_error` as `err.data.code`. */
export interface ConnectErrorData {
  code: ErrorCode;
}
