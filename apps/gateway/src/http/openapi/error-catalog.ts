/**
 * What each error code of the protocol's catalog means to an HTTP client, for the API
 * description: the one status it answers with (http/errors.ts `statusOf`), whether it is
 * worth retrying (protocol `isRetryable`, sent as `Retry-After`) and a sentence. The record
 * is keyed by the closed catalog, so a new code does not compile until it is described here.
 */
import { ERROR_CODES, isRetryable, type ErrorCode } from "@roomcast/protocol";
import { statusOf } from "../errors";

export const ERROR_MEANINGS: Record<ErrorCode, string> = {
  unauthorized: "No, a malformed, expired, revoked or wrongly signed token (or wrong sign-in credentials).",
  forbidden: "Authenticated, but this role or tenant may not do this.",
  invalid: "The body, query or a path parameter failed validation; the message names the field and the rule (`events: at most 500`).",
  rate_limited: "Too many requests or events; retry after `Retry-After` seconds.",
  unavailable: "A dependency (the database, Redis) is unreachable, or the node is draining; nothing was changed, retry later.",
  payload_too_large: "The request body is over the configured limit (ROOMCAST_MAX_HTTP_BODY_BYTES).",
  not_found: "No such endpoint or resource.",
  origin_not_allowed: "The page's Origin is not one of the tenant's allowed origins.",
  reserved_type: "An event type a product writes itself (e.g. a chat `message`) sent to a generic publish path.",
  idempotency_conflict: "An idempotency key reused for a different request.",
  identity_unverified: "A visitor identity (`identify`) whose userHash does not match the tenant's identity secret; the session goes on without it.",
  internal: "A bug; logged server-side with details. Retrying may help.",
};

export interface ErrorCodeRow {
  code: ErrorCode;
  status: number;
  retryable: boolean;
  meaning: string;
}

export function errorCodeRows(): ErrorCodeRow[] {
  return ERROR_CODES.map((code) => ({ code, status: statusOf(code), retryable: isRetryable(code), meaning: ERROR_MEANINGS[code] }));
}

/** The catalog as a Markdown table (the document's description shows it). */
export function errorCodeTable(): string {
  const rows = errorCodeRows().map((row) => `| \`${row.code}\` | ${row.status} | ${row.retryable ? "yes" : "no"} | ${row.meaning} |`);
  return ["| code | HTTP status | retry | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
