import { isRetryable, type ErrorBody, type ErrorCode, type RoomcastClient, type SubscribeRequest } from "@roomcast/client";

export interface Refusal {
  /** Stable: `unauthorized` (sign in again), `forbidden` (not allowed), `invalid` (fix the request), … (ERROR_CODES). */
  code: ErrorCode;
  /** For people, not for code: it may change. */
  message: string;
  /** `unavailable`, `rate_limited`, `internal`: temporary. The SDK retries these itself, with backoff. */
  retryable: boolean;
}

const refusal = ({ code, message }: ErrorBody): Refusal => ({ code, message, retryable: isRetryable(code) });

/**
 * Refusals arrive as results, never as exceptions: `{ ok: false, error: { code, message } }`.
 * A final refusal ends the subscription; `onError` also hears one that comes later (after
 * a reconnect, for instance when the user lost access).
 */
export async function trySubscribe(client: RoomcastClient, request: SubscribeRequest, onEnded: (refused: Refusal) => void): Promise<Refusal | null> {
  const subscription = client.subscribe(request, () => undefined, { onError: (error) => onEnded(refusal(error)) });
  const ready = await subscription.ready;
  return ready.ok ? null : refusal(ready.error);
}
