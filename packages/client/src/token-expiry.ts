/**
 * Reads a JWT's `exp` (seconds since the epoch) without verifying it: the SDK only needs
 * to know when to ask `getToken` for a new one. Anything that is not a JWT with a numeric
 * `exp` gives undefined (no scheduled refresh). Works in browsers and Node (atob).
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined || payload.length === 0 || payload.length > 16_384) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const claims: unknown = JSON.parse(atob(base64));
    const exp = typeof claims === "object" && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === "number" && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When to refresh a token that expires at `exp`: `marginMs` before it, but never later than
 * halfway through what is left, so a short-lived token is still refreshed in time.
 */
export function refreshDelay(exp: number, now: number, marginMs: number): number {
  const left = exp * 1000 - now;
  return Math.max(0, left - Math.min(marginMs, left / 2));
}
