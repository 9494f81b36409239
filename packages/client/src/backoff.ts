/**
 * Exponential backoff with jitter for the retries the SDK schedules itself (manual
 * reconnects after a refused or server-closed handshake, token refresh, resubscribe
 * after a retryable error). Pure: the caller owns the timer.
 */
export interface BackoffOptions {
  /** First delay, in milliseconds. */
  initialMs: number;
  /** Cap, in milliseconds. */
  maxMs: number;
  /** 0..1: the delay is randomized by ± this fraction. */
  jitter?: number;
}

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  const jitter = options.jitter ?? 0.5;
  const delta = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(options.maxMs, base + delta)));
}
