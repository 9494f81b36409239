/**
 * The Origin allowlist. CORS headers only tell a browser what it may read; they do not stop
 * a cross-site WebSocket, so the check runs in Engine.IO's `allowRequest`, which sees both
 * the polling handshake and a direct WebSocket upgrade.
 *
 * A request without an Origin (a server-side client) is allowed; authentication still
 * applies. A page served by the gateway itself (same host) is always allowed.
 */
import type { IncomingMessage } from "node:http";

export function isOriginAllowed(req: Pick<IncomingMessage, "headers">, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes("*") || allowed.includes(origin)) return true;
  const host = req.headers.host;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
