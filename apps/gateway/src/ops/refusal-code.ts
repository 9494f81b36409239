/**
 * A stable metric label for an Engine.IO `connection_error` (a refused request before the
 * Socket.IO handshake): our own `allowRequest` refusals by their message, Engine.IO's own
 * by its error code. Unknown values map to `other`, so the label set stays closed.
 */
const ALLOW_REQUEST_CODES: Readonly<Record<string, string>> = {
  draining: "draining",
  "origin not allowed": "origin_not_allowed",
  "too many connections from this address": "too_many_connections",
};

const ENGINE_CODES: readonly string[] = [
  "transport_unknown",
  "session_id_unknown",
  "bad_handshake_method",
  "bad_request",
  "forbidden",
  "unsupported_protocol_version",
];

export function refusalCode(error: { code: number; context?: unknown }): string {
  const context = error.context;
  if (typeof context === "object" && context !== null && "message" in context && typeof context.message === "string") {
    const known = ALLOW_REQUEST_CODES[context.message];
    if (known !== undefined) return known;
  }
  return ENGINE_CODES[error.code] ?? "other";
}
