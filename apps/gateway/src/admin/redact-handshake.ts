/**
 * Keeps credentials out of everything that shows a socket's handshake after authentication
 * — above all the Admin UI, which lists each socket's handshake headers and query string
 * (and any future version might show `auth`). Runs as a main-namespace middleware after
 * the JWT middleware, so the token has been verified and its claims are on `socket.data`.
 *
 * - `handshake.auth.token` is deleted (the client SDK keeps its own copy for reconnects);
 * - `authorization` and `cookie` headers become "[redacted]" in a copy of the headers
 *   (the Engine.IO request object itself is left alone);
 * - query parameters whose name looks like a credential are redacted the same way, in
 *   `query` and in the request `url`, although Roomcast never reads identity from the query
 *   string.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ParsedUrlQuery } from "node:querystring";

export const REDACTED = "[redacted]";
const SECRET_HEADERS = ["authorization", "cookie", "proxy-authorization"] as const;
const SECRET_QUERY = /token|auth|secret|password|key|session/i;

export interface RedactableHandshake {
  headers: IncomingHttpHeaders;
  query: ParsedUrlQuery;
  url: string;
  auth: Record<string, unknown>;
}

export function redactHandshake(handshake: RedactableHandshake): void {
  delete handshake.auth.token;
  if (SECRET_HEADERS.some((name) => handshake.headers[name] !== undefined)) {
    const headers: IncomingHttpHeaders = { ...handshake.headers };
    for (const name of SECRET_HEADERS) if (headers[name] !== undefined) headers[name] = REDACTED;
    handshake.headers = headers;
  }
  const secretKeys = Object.keys(handshake.query).filter((name) => SECRET_QUERY.test(name) && name !== "EIO");
  if (secretKeys.length > 0) {
    const query: ParsedUrlQuery = { ...handshake.query };
    for (const name of secretKeys) query[name] = REDACTED;
    handshake.query = query;
    handshake.url = redactUrl(handshake.url, secretKeys);
  }
}

function redactUrl(url: string, names: readonly string[]): string {
  const at = url.indexOf("?");
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const name of names) if (params.has(name)) params.set(name, REDACTED);
  return `${url.slice(0, at)}?${params.toString()}`;
}

/** The Socket.IO middleware form. */
export function redactCredentials(socket: { handshake: RedactableHandshake }, next: (error?: Error) => void): void {
  redactHandshake(socket.handshake);
  next();
}
